// The elements a dataset yields: a tensor, a plain value, or arrays and plain objects of them (TF.js's
// TensorContainer). Here: copying an element (tf.data.array hands out copies), freeing what a pipeline step
// consumed, and stacking a batch of elements key by key into tensors, as TF.js's Dataset.batch does.
// Class instances other than Tensor are leaves, passed on as they are.

import { word } from '../backend/heap.js';
import { activeBackend } from '../engine.js';
import { clone } from '../ops/cast.js';
import { empty } from '../ops/op.js';
import { stack } from '../ops/shape.js';
import { fromValues, isNumberArray, type TensorLike, type TypedArray } from '../ops/values.js';
import { type DType, inferDtype } from '../tensor/dtype.js';
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

/**
 * A copy of an element: every tensor cloned, every array and plain object rebuilt. `name`, or `name[index]`,
 * names it in errors (made only when there is something to copy).
 */
export function cloneElement(op: string, element: TensorContainer, name: string, index?: number): TensorContainer {
  if (!(element instanceof Tensor) && !isContainer(element)) return element; // a number, string or typed array: nothing to copy
  const clones: Tensor[] = [];
  const copyLeaf = (value: unknown, at: string) => {
    if (!(value instanceof Tensor)) return value;
    if (value.isDisposed) throw new Error(`${op}: ${at} is a disposed tensor`);
    const copy = clone(value);
    clones.push(copy);
    return copy;
  };
  try {
    return mapLeaves(op, element, copyLeaf, index === undefined ? name : `${name}[${index}]`) as TensorContainer;
  } catch (error) {
    for (const t of clones) t.dispose();
    throw error;
  }
}

/**
 * The same arrays and plain objects with each leaf (anything else) replaced by leaf(value, path), in order of
 * appearance. A structure that contains itself is refused, naming op.
 */
export function mapLeaves(op: string, node: unknown, leaf: (value: unknown, path: string) => unknown, path = '', open: object[] = []): unknown {
  if (!isContainer(node)) return leaf(node, path);
  if (open.includes(node)) throw new Error(`${op}: ${path || 'the argument'} contains itself`);
  if (open.length >= MAX_DEPTH) throw new Error(`${op}: ${path} is nested more than ${MAX_DEPTH} deep`);
  open.push(node);
  let out: unknown;
  if (Array.isArray(node)) out = Array.from(node, (v, i) => mapLeaves(op, v, leaf, `${path}[${i}]`, open));
  else {
    const record: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) setOwn(record, k, mapLeaves(op, v, leaf, path === '' ? k : `${path}.${k}`, open));
    out = record;
  }
  open.pop();
  return out;
}

/**
 * Sets an own property, also for the key "__proto__", which an assignment would take as the prototype. (Not
 * Object.fromEntries: it is slow, and its objects slower to read.)
 */
export function setOwn(object: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/** Disposes the tensors of `input` that `output` does not hold: what a step took in and did not pass on. */
export function disposeConsumed(input: unknown, output: unknown): void {
  if (!(input instanceof Tensor) && !isContainer(input)) return; // nothing to walk: a number, a typed array
  const consumed: Tensor[] = [];
  forEachTensor(input, (t) => consumed.push(t));
  if (consumed.length === 0) return; // elements of plain values: output need not be walked
  const kept = new Set<Tensor>();
  forEachTensor(output, (t) => kept.add(t));
  for (const t of consumed) if (!kept.has(t)) t.dispose();
}

/** Where a value sits in an element: its path, as messages name it, and how deep. */
export interface Place {
  path: string;
  depth: number;
}

/**
 * One batch of elements of the same structure, as TF.js builds it: tensors stacked on a new first axis;
 * numbers, booleans, typed arrays and (nested) arrays of them made into one tensor with the batch as its first
 * axis; plain objects batched key by key. `start` is the first row's place in the stream, for messages. The
 * elements' own tensors are disposed, whether or not the batch can be made.
 */
export function batchElements(rows: TensorContainer[], start = 0): TensorContainer {
  return batchColumns([rows], [{ path: '', depth: 0 }], start)[0];
}

/**
 * The batches batchElements makes of the values at `places` in a batch's elements, given as columns (column
 * k: each element's value at places[k]). Their tensors are disposed, whether or not the batches can be made.
 */
export function batchColumns(columns: TensorContainer[][], places: Place[], start: number): TensorContainer[] {
  const stacked: Tensor[] = [];
  let batches: TensorContainer[];
  try {
    batches = tidy(() => columns.map((column, k) => batchAt(column, start, places[k].path, places[k].depth, stacked)));
  } catch (error) {
    disposeConsumed(columns, null);
    throw error;
  }
  // Batches made have stacked every tensor of the columns: they are freed without a walk over the elements.
  for (const t of stacked) t.dispose();
  return batches;
}

/** The batch of rows; the tensors it stacks are added to `stacked`. */
function batchAt(rows: TensorContainer[], start: number, path: string, depth: number, stacked: Tensor[]): TensorContainer {
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
    stacked.push(...(rows as Tensor[]));
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
    return Object.fromEntries(keys.map((k) => [k, batchAt(record.map((row) => row[k]), start, path === '' ? k : `${path}.${k}`, depth + 1, stacked)]));
  }
  // Typed arrays of one kind and length (rows of features): copied straight into one tensor.
  if (isNumberArray(first)) {
    const kind = first.constructor;
    const width = first.length;
    if (rows.every((row) => row instanceof kind && (row as TypedArray).length === width)) return stackTyped(rows as TypedArray[], width);
  }
  // Numbers, booleans, typed arrays and nested arrays of them, whose first values give one dtype (so every
  // row would get the dtype of the first): one tensor made from all rows at once. It fails just when a row is
  // malformed or differs in shape; the path below then names the element.
  const dtype = valuesDtype(first);
  if (dtype !== null && rows.every((row) => valuesDtype(row) === dtype)) {
    try {
      return fromValues('Dataset.batch', `elements ${start} to ${start + rows.length - 1}${at}`, rows as TensorLike, undefined, undefined);
    } catch {
      // a malformed row: the path below names it
    }
  }
  // Anything else: each row made a tensor (fromValues checks its values), then stacked as tensors.
  const tensors = rows.map((row, i) => {
    if (row instanceof Tensor || (isContainer(row) && !Array.isArray(row))) throw differs(i, `is ${describe(row)}`, `is ${describe(first)}`);
    const hole = undefinedIn(row);
    if (hole !== null) throw missingValue(`element ${start + i}${at}${hole}`, hole === '' ? path : '');
    return fromValues('Dataset.batch', `element ${start + i}${at}`, row as TensorLike, undefined, undefined);
  });
  return batchAt(tensors, start, path, depth, stacked);
}

/** The dtype values infer from their first number, boolean or typed array; null when they start with anything else. */
function valuesDtype(value: unknown): DType | null {
  let v = value;
  while (Array.isArray(v)) v = v[0];
  return typeof v === 'number' || typeof v === 'boolean' || isNumberArray(v) ? inferDtype(v) : null;
}

/**
 * Where a row holds undefined, as tf.data.csv gives for an empty field: '' for the row itself, '[i]' for an
 * item of an array row (as a map over a csv row's values makes); null when it does not.
 */
function undefinedIn(row: unknown): string | null {
  if (row === undefined) return '';
  const i = Array.isArray(row) ? row.findIndex((v) => v === undefined) : -1;
  return i < 0 ? null : `[${i}]`;
}

/**
 * The error for an undefined value (at `where`), which tf.data.csv gives for an empty field of a column without a
 * default; `path` is where the value sits in the element, its last key the column (or '' when not known).
 */
function missingValue(where: string, path: string): Error {
  const column = path === '' ? '[column]' : JSON.stringify(path.slice(path.lastIndexOf('.') + 1));
  return new Error(`Dataset.batch: ${where} is undefined, which cannot be batched (tf.data.csv gives undefined for an empty field: give the column a default, columnConfigs: { ${column}: { default: ... } })`);
}

/** Rows of one typed-array kind and length as a [rows, width] tensor of their dtype, written onto the heap row by row. */
function stackTyped(rows: TypedArray[], width: number): Tensor {
  const t = empty('Dataset.batch', [rows.length, width], inferDtype(rows[0]));
  const heap = activeBackend().heap;
  const values = t.dtype === 'float32' ? heap.f32 : heap.i32;
  const at = word(t.ptr());
  rows.forEach((row, i) => values.set(row, at + i * width));
  return t;
}
