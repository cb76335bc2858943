// Tensors from JavaScript values: numbers, booleans, nested arrays and typed arrays (alone or as the innermost
// arrays of a nest), with TF.js's dtype inference and its rule for values given with a shape. Values are
// checked here (rectangular, numeric, integers for int32, the right count for the shape), so nothing
// downstream sees a malformed tensor.

import { word } from '../backend/heap.js';
import { Block } from '../block.js';
import { activeBackend } from '../engine.js';
import { type DType, DTYPES, inferDtype } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkShape, describe } from '../validate.js';

export type TypedArray = Float32Array | Int32Array | Uint8Array | Uint8ClampedArray | Float64Array | Int8Array | Uint16Array | Int16Array | Uint32Array;
/** What tf.tensor() and the ops accept in place of a Tensor: numbers, booleans, typed arrays, nested arrays of them. */
export type TensorLike = number | boolean | TypedArray | TensorLike[];

/** Nested arrays deeper than this are refused (TF.js's ops go to rank 6; a deeper nest is a mistake or a cycle). */
const MAX_RANK = 64;

export function checkDtypeName(op: string, dtype: unknown): asserts dtype is DType {
  if (!DTYPES.includes(dtype as DType)) {
    const hint = dtype === 'string' || dtype === 'complex64' ? ` (neurite does not support ${dtype} tensors)` : '';
    throw new Error(`${op}: dtype must be 'float32', 'int32' or 'bool', got ${describe(dtype)}${hint}`);
  }
}

/** True for a typed array of numbers, of any kind (not a DataView, nor a BigInt array). */
export function isNumberArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView) && !(value instanceof BigInt64Array) && !(value instanceof BigUint64Array);
}

/**
 * Flattens nested arrays, whose innermost ones may be typed arrays (as TF.js takes them), returning the values
 * and the shape they imply; throws on ragged or non-numeric input.
 */
function flatten(op: string, name: string, values: TensorLike): { flat: Array<number | boolean>; shape: number[] } {
  const isLevel = (v: unknown): v is TensorLike[] | TypedArray => Array.isArray(v) || isNumberArray(v);
  const shape: number[] = [];
  for (let level: unknown = values; isLevel(level); level = level[0]) {
    if (shape.length === MAX_RANK) throw new Error(`${op}: ${name} are arrays nested more than ${MAX_RANK} deep (or an array that contains itself)`);
    shape.push(level.length);
  }
  const flat: Array<number | boolean> = [];
  // Where a value is, as [i][j]...: made only for a message (a string per value cost more than the walk).
  const at: number[] = [];
  const path = () => at.map((i) => `[${i}]`).join('');
  const walk = (v: unknown, dim: number): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`${op}: ${name}${path()} must be a number, got ${describe(v)}`);
      flat.push(v);
      return;
    }
    if (!isLevel(v) || v.length !== shape[dim]) {
      throw new Error(`${op}: ${name}${path()} must be an array of length ${shape[dim]} (nested arrays must be rectangular), got ${describe(v)}`);
    }
    // A typed array holds numbers only: its values go in as they are.
    if (dim === shape.length - 1 && isNumberArray(v)) {
      for (let i = 0; i < v.length; i++) flat.push(v[i]);
      return;
    }
    for (let i = 0; i < v.length; i++) {
      at.push(i);
      walk(v[i], dim + 1);
      at.pop();
    }
  };
  walk(values, 0);
  return { flat, shape };
}

/**
 * TF.js's rule for values given with a shape: same size, and nested values keep their leading dimensions
 * (only the innermost inferred dimension may stand for several given ones, as flat values do).
 */
function checkShapeMatches(op: string, inferred: number[], shape: number[]): void {
  const size = (s: number[]) => s.reduce((a, b) => a * b, 1);
  if (size(shape) !== size(inferred)) throw new Error(`${op}: shape [${shape.join(', ')}] needs ${size(shape)} values, got ${size(inferred)}`);
  const last = inferred.length - 1;
  inferred.forEach((d, i) => {
    if (d !== shape[i] && (i < last || d !== size(shape.slice(i)))) {
      throw new Error(`${op}: the values have shape [${inferred.join(', ')}], which does not match the given shape [${shape.join(', ')}]`);
    }
  });
}

/**
 * A new tensor holding `values` (checked), of the given shape or the one nested arrays imply, and of the given
 * dtype or the inferred one. `name` is the argument in messages ('values' for tf.tensor, 'x' for an op).
 */
export function fromValues(op: string, name: string, values: TensorLike, shape: number[] | undefined, dtype: DType | undefined): Tensor {
  let flat: ArrayLike<number | boolean>;
  let inferred: number[];
  if (isNumberArray(values)) {
    flat = values;
    inferred = [flat.length];
  } else if (typeof values === 'number' || typeof values === 'boolean' || Array.isArray(values)) {
    ({ flat, shape: inferred } = flatten(op, name, values));
  } else {
    throw new Error(`${op}: ${name} must be a number, a boolean, a (nested) array or a typed array, got ${describe(values)}`);
  }
  const type = dtype ?? inferDtype(values);
  checkDtypeName(op, type);
  if (shape !== undefined) {
    checkShape(op, 'shape', shape);
    checkShapeMatches(op, inferred, shape);
  }
  const t = new Tensor(shape ? shape.slice() : inferred, type, new Block(flat.length * 4, null, op, { shape: shape ?? inferred, dtype: type }));
  write(op, name, t, flat);
  return t;
}

/** Writes values into t's block, converted to its dtype: int32 must be integers, bool takes 0/1 or false/true. */
function write(op: string, name: string, t: Tensor, flat: ArrayLike<number | boolean>): void {
  const at = word(t.ptr());
  const heap = activeBackend().heap;
  if (t.dtype === 'float32') {
    if (flat instanceof Float32Array || !hasBooleans(flat)) heap.f32.set(flat as ArrayLike<number>, at);
    else for (let i = 0; i < flat.length; i++) heap.f32[at + i] = Number(flat[i]);
    return;
  }
  const i32 = heap.i32;
  if (t.dtype === 'bool') {
    // TF.js: a number is true when it rounds to something other than 0.
    for (let i = 0; i < flat.length; i++) i32[at + i] = Math.round(Number(flat[i])) !== 0 ? 1 : 0;
    return;
  }
  if (flat instanceof Int32Array) {
    i32.set(flat, at);
    return;
  }
  for (let i = 0; i < flat.length; i++) {
    const v = Number(flat[i]);
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      t.dispose();
      throw new Error(`${op}: ${name}[${i}] must be a 32-bit integer for dtype int32, got ${describe(flat[i])}`);
    }
    i32[at + i] = v;
  }
}

function hasBooleans(values: ArrayLike<number | boolean>): boolean {
  for (let i = 0; i < values.length; i++) if (typeof values[i] === 'boolean') return true;
  return false;
}
