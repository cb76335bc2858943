// The elements a dataset yields: a tensor, a plain value, or arrays and plain objects of them (TF.js's
// TensorContainer). Here: copying an element (tf.data.array hands out copies), freeing what a pipeline step
// consumed, and stacking a batch of elements key by key into tensors, as TF.js's Dataset.batch does.
// Class instances other than Tensor are leaves, passed on as they are.

import { clone } from '../ops/cast.js';
import { stack } from '../ops/shape.js';
import { fromValues, type TensorLike } from '../ops/values.js';
import { forEachTensor, Tensor, tidy, type TensorContainer } from '../tensor/tensor.js';
import { arraysEqual } from '../util.js';
import { describe } from '../validate.js';

/** Deeper elements are refused rather than recursed into until the stack overflows. */
const MAX_DEPTH = 100;

type Container = TensorContainer[] | { [key: string]: TensorContainer };

/** True for the arrays and plain objects an element is built of. */
export function isContainer(value: unknown): value is Container {
  return Array.isArray(value) || (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype);
}

/** A copy of an element: every tensor cloned, every array and plain object rebuilt. `path` names it in errors. */
export function cloneElement(op: string, element: TensorContainer, path: string): TensorContainer {
  if (!(element instanceof Tensor) && !isContainer(element)) return element; // a number, string or typed array: nothing to copy
  const copyLeaf = (value: unknown, at: string) => {
    if (!(value instanceof Tensor)) return value;
    if (value.isDisposed) throw new Error(`${op}: ${at} is a disposed tensor`);
    return clone(value);
  };
  return tidy(() => mapLeaves(op, element, copyLeaf, path) as TensorContainer);
}

/**
 * The same arrays and plain objects with each leaf (anything else) replaced by leaf(value, path), in order of
 * appearance. A structure that contains itself is refused, naming op.
 */
export function mapLeaves(op: string, node: unknown, leaf: (value: unknown, path: string) => unknown, path = '', open = new Set<object>()): unknown {
  if (!isContainer(node)) return leaf(node, path);
  if (open.has(node)) throw new Error(`${op}: ${path || 'the argument'} contains itself`);
  if (open.size >= MAX_DEPTH) throw new Error(`${op}: ${path} is nested more than ${MAX_DEPTH} deep`);
  open.add(node);
  const out = Array.isArray(node)
    ? Array.from(node, (v, i) => mapLeaves(op, v, leaf, `${path}[${i}]`, open))
    : Object.fromEntries(Object.entries(node).map(([k, v]) => [k, mapLeaves(op, v, leaf, path === '' ? k : `${path}.${k}`, open)]));
  open.delete(node);
  return out;
}

/** Disposes the tensors of `input` that `output` does not hold: what a step took in and did not pass on. */
export function disposeConsumed(input: unknown, output: unknown): void {
  const kept = new Set<Tensor>();
  forEachTensor(output, (t) => kept.add(t));
  forEachTensor(input, (t) => kept.has(t) || t.dispose());
}

/**
 * One batch of elements of the same structure, as TF.js builds it: tensors stacked on a new first axis;
 * numbers, booleans and (nested) arrays made into one tensor with the batch as its first axis; plain objects
 * batched key by key. `start` is the first row's place in the stream, for messages. The elements' own tensors
 * are disposed, whether or not the batch can be made.
 */
export function batchElements(rows: TensorContainer[], start = 0): TensorContainer {
  try {
    return tidy(() => batchAt(rows, start, '', 0));
  } finally {
    for (const row of rows) disposeConsumed(row, null);
  }
}

function batchAt(rows: TensorContainer[], start: number, path: string, depth: number): TensorContainer {
  const at = path === '' ? '' : ` at ${path}`;
  const first = rows[0];
  const differs = (i: number, what: string, expected: string) =>
    new Error(`Dataset.batch: element ${start + i}${at} ${what}, but element ${start} ${expected}; the elements of a batch need one structure and shape`);
  if (depth >= MAX_DEPTH) throw new Error(`Dataset.batch: element ${start}${at} is nested more than ${MAX_DEPTH} deep`);
  if (first instanceof Tensor) {
    rows.forEach((row, i) => {
      if (!(row instanceof Tensor)) throw differs(i, `is ${describe(row)}`, 'is a Tensor');
      if (row.isDisposed) throw new Error(`Dataset.batch: element ${start + i}${at} is a disposed tensor`);
      if (!arraysEqual(row.shape, first.shape)) throw differs(i, `has shape [${row.shape.join(', ')}]`, `has [${first.shape.join(', ')}]`);
      if (row.dtype !== first.dtype) throw differs(i, `has dtype ${row.dtype}`, `has ${first.dtype}`);
    });
    return stack(rows as Tensor[]);
  }
  if (isContainer(first) && !Array.isArray(first)) {
    const keys = Object.keys(first);
    const keyList = (o: object) => `{${Object.keys(o).join(', ')}}`;
    rows.forEach((row, i) => {
      if (!isContainer(row) || Array.isArray(row)) throw differs(i, `is ${describe(row)}`, `is an object ${keyList(first)}`);
      const rowKeys = Object.keys(row);
      if (rowKeys.length !== keys.length || !keys.every((k) => Object.hasOwn(row, k))) throw differs(i, `has keys ${keyList(row)}`, `has ${keyList(first)}`);
    });
    const record = rows as Array<{ [key: string]: TensorContainer }>;
    return Object.fromEntries(keys.map((k) => [k, batchAt(record.map((row) => row[k]), start, path === '' ? k : `${path}.${k}`, depth + 1)]));
  }
  // Typed arrays of one kind and length (rows of features): one copy into one tensor, no tensor per row.
  if (ArrayBuffer.isView(first) && !(first instanceof DataView)) {
    const kind = first.constructor as new (n: number) => Float32Array;
    const width = (first as Float32Array).length;
    if (rows.every((row) => row instanceof kind && (row as Float32Array).length === width)) {
      const flat = new kind(rows.length * width);
      rows.forEach((row, i) => flat.set(row as Float32Array, i * width));
      return fromValues('Dataset.batch', `elements ${start} to ${start + rows.length - 1}${at}`, flat, [rows.length, width], undefined);
    }
  }
  // Numbers, booleans, arrays and typed arrays: each a tensor (fromValues checks its values), stacked as tensors.
  const tensors = rows.map((row, i) => {
    if (row instanceof Tensor || (isContainer(row) && !Array.isArray(row))) throw differs(i, `is ${describe(row)}`, `is ${describe(first)}`);
    return fromValues('Dataset.batch', `element ${start + i}${at}`, row as TensorLike, undefined, undefined);
  });
  return batchAt(tensors, start, path, depth);
}
