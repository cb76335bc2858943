// Making tensors: from values (nested arrays or typed arrays), filled, random, one-hot.
// Values are checked against the shape and dtype here, so nothing downstream sees a malformed tensor.

import { activeBackend } from './engine.js';
import { MAX_PAGES, PAGE_BYTES, word } from './backend/heap.js';
import { type DType, type NestedArray, Tensor, sizeOf } from './tensor.js';
import { checkInt, checkNumber, checkShape, checkTensor, describe } from './validate.js';

export type TypedArray = Float32Array | Int32Array | Uint8Array | Float64Array | Int8Array | Uint16Array | Int16Array | Uint32Array;
/** What `tensor()` and the ops accept in place of a Tensor. */
export type TensorLike = number | NestedArray | TypedArray;

/** @internal A tensor with uninitialised values on the active backend. */
export function emptyTensor(op: string, shape: number[], dtype: DType = 'float32'): Tensor {
  const bytes = sizeOf(shape) * 4;
  if (bytes > MAX_PAGES * PAGE_BYTES) {
    throw new Error(`${op}: a tensor of shape [${shape.join(', ')}] needs ${bytes} bytes, more than the 4 GiB a heap can hold`);
  }
  return new Tensor(shape, dtype, op);
}

function checkDType(op: string, dtype: unknown): asserts dtype is DType {
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`${op}: dtype must be 'float32' or 'int32', got ${describe(dtype)}`);
}

/** Nested arrays deeper than this are refused (TF.js's ops go to rank 6; a deeper nest is a mistake or a cycle). */
const MAX_RANK = 64;

/** Flattens nested arrays, returning the values and the shape they imply; throws on ragged or non-numeric input. */
function flatten(op: string, values: NestedArray): { flat: number[]; shape: number[] } {
  const shape: number[] = [];
  for (let level: NestedArray = values; Array.isArray(level); level = level[0]) {
    if (shape.length === MAX_RANK) throw new Error(`${op}: values are arrays nested more than ${MAX_RANK} deep (or an array that contains itself)`);
    shape.push(level.length);
  }
  const flat: number[] = [];
  const walk = (v: NestedArray, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number') throw new Error(`${op}: values${path} must be a number, got ${describe(v)}`);
      flat.push(v);
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[dim]) {
      throw new Error(`${op}: values${path} must be an array of length ${shape[dim]} (nested arrays must be rectangular), got ${describe(v)}`);
    }
    for (let i = 0; i < v.length; i++) walk(v[i], dim + 1, `${path}[${i}]`);
  };
  walk(values, 0, '');
  return { flat, shape };
}

/**
 * TF.js's rule for values given with a shape: same size, and nested values keep their leading dimensions
 * (only the innermost inferred dimension may stand for several given ones, as flat values do).
 */
function checkShapeMatches(op: string, inferred: number[], shape: number[]): void {
  if (sizeOf(shape) !== sizeOf(inferred)) throw new Error(`${op}: shape [${shape.join(', ')}] needs ${sizeOf(shape)} values, got ${sizeOf(inferred)}`);
  const last = inferred.length - 1;
  inferred.forEach((d, i) => {
    if (d !== shape[i] && (i < last || d !== sizeOf(shape.slice(i)))) {
      throw new Error(`${op}: the values have shape [${inferred.join(', ')}], which does not match the given shape [${shape.join(', ')}]`);
    }
  });
}

/**
 * A tensor from values. The shape is inferred from nested arrays, or given for flat values.
 * @example tf.tensor([[1, 2], [3, 4]]); tf.tensor([1, 2, 3, 4], [2, 2]);
 */
export function tensor(values: TensorLike, shape?: number[], dtype?: DType): Tensor {
  return fromValues('tensor', values, shape, dtype);
}

function fromValues(op: string, values: TensorLike, shape: number[] | undefined, dtype: DType | undefined): Tensor {
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (ArrayBuffer.isView(values)) {
    flat = values;
    inferred = [values.length];
    dtype ??= values instanceof Int32Array ? 'int32' : 'float32';
  } else if (typeof values === 'number' || Array.isArray(values)) {
    ({ flat, shape: inferred } = flatten(op, values));
  } else {
    throw new Error(`${op}: values must be a number, a (nested) array of numbers or a typed array, got ${describe(values)}`);
  }
  dtype ??= 'float32';
  checkDType(op, dtype);
  if (shape !== undefined) {
    checkShape(op, 'shape', shape);
    checkShapeMatches(op, inferred, shape);
  }
  if (dtype === 'int32') {
    for (let i = 0; i < flat.length; i++) {
      const v = flat[i];
      if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) throw new Error(`${op}: values[${i}] must be a 32-bit integer for dtype int32, got ${v}`);
    }
  }
  const t = emptyTensor(op, shape ? shape.slice() : inferred, dtype);
  const to = word(t.ptr());
  const heap = activeBackend().heap;
  (dtype === 'int32' ? heap.i32 : heap.f32).set(flat, to);
  return t;
}

function withRank(op: string, t: Tensor, rank: number): Tensor {
  if (t.rank !== rank) {
    t.dispose();
    throw new Error(`${op}: values must describe a rank-${rank} tensor, got shape [${t.shape.join(', ')}]`);
  }
  return t;
}

/** @internal A scalar made for `op` (named in an out-of-memory Error). */
export function scalarFor(op: string, value: number): Tensor {
  return fromValues(op, value, [], 'float32');
}

/** A rank-0 tensor. */
export function scalar(value: number, dtype?: DType): Tensor {
  if (typeof value !== 'number') throw new Error(`scalar: value must be a number, got ${describe(value)}`);
  return fromValues('scalar', value, [], dtype);
}

/** A rank-1 tensor. */
export function tensor1d(values: number[] | TypedArray, dtype?: DType): Tensor {
  return withRank('tensor1d', fromValues('tensor1d', values, undefined, dtype), 1);
}

/**
 * A rank-2 tensor from nested arrays, or from flat values and a shape.
 * @example tf.tensor2d([[1, 2], [3, 4]]); tf.tensor2d(new Float32Array(6), [2, 3]);
 */
export function tensor2d(values: number[][] | number[] | TypedArray, shape?: [number, number], dtype?: DType): Tensor {
  if (shape !== undefined && (!Array.isArray(shape) || shape.length !== 2)) throw new Error(`tensor2d: shape must be [rows, columns], got ${describe(shape)}`);
  return withRank('tensor2d', fromValues('tensor2d', values, shape, dtype), 2);
}

function filled(op: string, shape: number[], value: number, dtype: DType): Tensor {
  checkShape(op, 'shape', shape);
  checkDType(op, dtype);
  const t = emptyTensor(op, shape.slice(), dtype);
  const heap = activeBackend().heap;
  const start = word(t.ptr());
  (dtype === 'int32' ? heap.i32 : heap.f32).fill(value, start, start + t.size);
  return t;
}

/** A tensor of zeros. */
export function zeros(shape: number[], dtype: DType = 'float32'): Tensor {
  return filled('zeros', shape, 0, dtype);
}

/** A tensor of ones. */
export function ones(shape: number[], dtype: DType = 'float32'): Tensor {
  return filled('ones', shape, 1, dtype);
}

/**
 * Fills a new float32 tensor from the PRNG: the global one (see setSeed), or one seeded with `seed`
 * just for this call, so the same seed always gives the same values.
 */
function random(op: string, shape: number[], dtype: DType, seed: number | undefined, draw: (state: number, out: number, n: number) => void): Tensor {
  checkShape(op, 'shape', shape);
  if (dtype !== 'float32') throw new Error(`${op}: dtype must be 'float32', got ${describe(dtype)}`);
  if (seed !== undefined) checkInt(op, 'seed', seed, -(2 ** 31), 2 ** 32 - 1);
  const t = emptyTensor(op, shape.slice(), dtype);
  const backend = activeBackend();
  let state = backend.rngState;
  if (seed !== undefined) {
    state = backend.heap.alloc(16);
    backend.kernels.rngSeed(state, seed >>> 0);
  }
  draw(state, t.ptr(), t.size);
  if (seed !== undefined) backend.heap.free(state);
  return t;
}

/** Values from a normal distribution. */
export function randomNormal(shape: number[], mean = 0, stdDev = 1, dtype: DType = 'float32', seed?: number): Tensor {
  checkNumber('randomNormal', 'mean', mean);
  checkNumber('randomNormal', 'stdDev', stdDev);
  return random('randomNormal', shape, dtype, seed, (state, out, n) => activeBackend().kernels.rngNormal(state, out, n, mean, stdDev, 0));
}

/** Values from a normal distribution, redrawn when more than two standard deviations from the mean. */
export function truncatedNormal(shape: number[], mean = 0, stdDev = 1, dtype: DType = 'float32', seed?: number): Tensor {
  checkNumber('truncatedNormal', 'mean', mean);
  checkNumber('truncatedNormal', 'stdDev', stdDev);
  return random('truncatedNormal', shape, dtype, seed, (state, out, n) => activeBackend().kernels.rngNormal(state, out, n, mean, stdDev, 1));
}

/** Values uniform in [minval, maxval). */
export function randomUniform(shape: number[], minval = 0, maxval = 1, dtype: DType = 'float32', seed?: number): Tensor {
  checkNumber('randomUniform', 'minval', minval);
  checkNumber('randomUniform', 'maxval', maxval);
  if (!(maxval > minval)) throw new Error(`randomUniform: maxval must be greater than minval, got [${minval}, ${maxval})`);
  return random('randomUniform', shape, dtype, seed, (state, out, n) => activeBackend().kernels.rngUniform(state, out, n, minval, maxval));
}

/**
 * One row per index with `onValue` at the index and `offValue` elsewhere.
 * @example tf.oneHot(tf.tensor1d([0, 2], 'int32'), 3) // [[1, 0, 0], [0, 0, 1]]
 */
export function oneHot(indices: Tensor | number[] | Int32Array, depth: number, onValue = 1, offValue = 0, dtype: DType = 'int32'): Tensor {
  checkInt('oneHot', 'depth', depth, 1);
  checkNumber('oneHot', 'onValue', onValue);
  checkNumber('oneHot', 'offValue', offValue);
  checkDType('oneHot', dtype);
  let labels: ArrayLike<number>;
  if (indices instanceof Tensor) {
    checkTensor('oneHot', 'indices', indices, 'int32');
    if (indices.rank !== 1) throw new Error(`oneHot: indices must have rank 1, got shape [${indices.shape.join(', ')}]`);
    labels = indices.dataSync();
  } else if (Array.isArray(indices) || indices instanceof Int32Array) {
    labels = indices;
  } else {
    throw new Error(`oneHot: indices must be an int32 Tensor or an array of integers, got ${describe(indices)}`);
  }
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < 0 || label >= depth) throw new Error(`oneHot: indices[${i}] must be an integer in [0, ${depth - 1}], got ${label}`);
  }
  const t = filled('oneHot', [labels.length, depth], offValue, dtype);
  const start = word(t.ptr());
  const heap = activeBackend().heap;
  const view = dtype === 'int32' ? heap.i32 : heap.f32;
  for (let i = 0; i < labels.length; i++) view[start + i * depth + labels[i]] = onValue;
  return t;
}
