// Making tensors: from values (tensor, scalar, tensor1d..tensor6d), filled (zeros, ones, fill and their *Like),
// identity matrices (eye) and sequences (range, linspace, accumulated as TF.js's cpu backend does). Values are
// checked against the shape and dtype in values.ts.

import { record, recording } from '../autodiff/tape.js';
import { word } from '../backend/heap.js';
import { DTYPE_CODES } from '../backend/kernels.js';
import { activeBackend } from '../engine.js';
import type { DType } from '../tensor/dtype.js';
import { type NestedArray, sizeOf, Tensor } from '../tensor/tensor.js';
import { checkInt, checkNumber, checkShape, describe } from '../validate.js';
import { convert, empty, kernels, op } from './op.js';
import { checkDtypeName, fromValues, isNumberArray, type TensorLike, type TypedArray } from './values.js';

/**
 * A tensor from values. The shape is inferred from nested arrays, or given for flat values; the dtype is
 * inferred (numbers float32, booleans bool, Int32Array and Uint8Array int32) or given.
 * @example tf.tensor([[1, 2], [3, 4]]).print(); tf.tensor([1, 2, 3, 4], [2, 2], 'int32').print();
 */
export function tensor(values: TensorLike, shape?: number[], dtype?: DType): Tensor {
  return fromValues('tensor', 'values', values, shape, dtype);
}

/**
 * A rank-0 tensor.
 * @example tf.scalar(3.14).print();
 */
export function scalar(value: number | boolean, dtype?: DType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`scalar: value must be a number or a boolean, got ${describe(value)}`);
  return fromValues('scalar', 'value', value, [], dtype);
}

/** tensorNd: values of the given rank, from nested arrays or from flat values and a shape of that rank. */
function ranked(rank: number) {
  const name = `tensor${rank}d`;
  return (values: TensorLike, shape?: number[], dtype?: DType): Tensor => {
    if (shape !== undefined && (!Array.isArray(shape) || shape.length !== rank)) throw new Error(`${name}: shape must have ${rank} dimensions, got ${describe(shape)}`);
    if (shape === undefined && rank > 1 && (ArrayBuffer.isView(values) || (Array.isArray(values) && !Array.isArray(values[0]) && !isNumberArray(values[0]) && values.length > 0))) {
      throw new Error(`${name}: flat values need a shape of ${rank} dimensions`);
    }
    const t = fromValues(name, 'values', values, shape, dtype);
    if (t.rank !== rank) {
      t.dispose();
      throw new Error(`${name}: values must describe a rank-${rank} tensor, got shape [${t.shape.join(', ')}]`);
    }
    return t;
  };
}

/** @example tf.tensor1d([1, 2, 3]).print(); */
export const tensor1d = (values: TensorLike, dtype?: DType): Tensor => ranked(1)(values, undefined, dtype);
/** @example tf.tensor2d([[1, 2], [3, 4]]).print(); tf.tensor2d([1, 2, 3, 4], [2, 2]).print(); */
export const tensor2d = ranked(2);
/** @example tf.tensor3d([[[1], [2]], [[3], [4]]]).print(); tf.tensor3d([1, 2, 3, 4], [2, 2, 1]).print(); */
export const tensor3d = ranked(3);
/** @example tf.tensor4d([[[[1], [2]], [[3], [4]]]]).print(); tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]).print(); */
export const tensor4d = ranked(4);
/** @example tf.tensor5d([[[[[1], [2]], [[3], [4]]]]]).print(); tf.tensor5d([1, 2, 3, 4], [1, 1, 2, 2, 1]).print(); */
export const tensor5d = ranked(5);
/** @example tf.tensor6d([[[[[[1], [2]], [[3], [4]]]]]]).print(); tf.tensor6d([1, 2, 3, 4], [1, 1, 2, 2, 1, 1]).print(); */
export const tensor6d = ranked(6);

/**
 * A tensor of `shape` with every value `value` (dtype inferred from the value, or given).
 * @example tf.fill([2, 2], 4).print();
 */
export function fill(shape: number[], value: number | boolean, dtype?: DType): Tensor {
  if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`fill: value must be a number or a boolean, got ${describe(value)}`);
  return filled('fill', shape, value, dtype ?? (typeof value === 'boolean' ? 'bool' : 'float32'));
}

function filled(op: string, shape: number[], value: number | boolean, dtype: DType): Tensor {
  checkShape(op, 'shape', shape);
  checkDtypeName(op, dtype);
  const t = empty(op, shape.slice(), dtype);
  const at = word(t.ptr());
  const heap = activeBackend().heap;
  if (dtype === 'float32') heap.f32.fill(Number(value), at, at + t.size);
  else if (dtype === 'bool') heap.i32.fill(Math.round(Number(value)) !== 0 ? 1 : 0, at, at + t.size);
  else {
    const v = Number(value);
    if (!Number.isInteger(v) || v < -(2 ** 31) || v >= 2 ** 31) {
      t.dispose();
      throw new Error(`${op}: value must be a 32-bit integer for dtype int32, got ${describe(value)}`);
    }
    heap.i32.fill(v, at, at + t.size);
  }
  return t;
}

/** @example tf.zeros([2, 2]).print(); */
export function zeros(shape: number[], dtype: DType = 'float32'): Tensor {
  return filled('zeros', shape, 0, dtype);
}

/** @example tf.ones([2, 2]).print(); */
export function ones(shape: number[], dtype: DType = 'float32'): Tensor {
  return filled('ones', shape, 1, dtype);
}

/**
 * Records that out does not change with its inputs, as TF.js registers for zerosLike, onesLike, oneHot and
 * greaterEqual: a gradient of zeros (float32) for each, so that y = f(x) through such an op still depends on x.
 */
export function recordZeroGradient(inputs: Tensor[], out: Tensor): void {
  if (!recording()) return;
  const shapes = inputs.map((t) => t.shape);
  record(inputs, [out], [], (_, __, needs) => shapes.map((shape, i) => (needs[i] ? zeros(shape) : null)));
}

/** Zeros of x's shape and dtype. @example tf.zerosLike(tf.tensor1d([1, 2])).print(); */
export const zerosLike = op((x: Tensor | TensorLike): Tensor => {
  const $x = convert('zerosLike', 'x', x);
  const out = filled('zerosLike', $x.shape, 0, $x.dtype);
  recordZeroGradient([$x], out);
  return out;
});

/** Ones of x's shape and dtype. @example tf.onesLike(tf.tensor1d([1, 2])).print(); */
export const onesLike = op((x: Tensor | TensorLike): Tensor => {
  const $x = convert('onesLike', 'x', x);
  const out = filled('onesLike', $x.shape, 1, $x.dtype);
  recordZeroGradient([$x], out);
  return out;
});

/**
 * An identity matrix of numRows rows and numColumns columns (numRows by default), repeated over batchShape
 * (1 to 3 dimensions) when given.
 * @example tf.eye(3).print();
 */
export function eye(numRows: number, numColumns?: number | null, batchShape?: number[] | null, dtype: DType = 'float32'): Tensor {
  checkInt('eye', 'numRows', numRows, 0);
  if (numColumns !== undefined && numColumns !== null) checkInt('eye', 'numColumns', numColumns, 0);
  if (batchShape !== undefined && batchShape !== null) {
    checkShape('eye', 'batchShape', batchShape);
    if (batchShape.length < 1 || batchShape.length > 3) throw new Error(`eye: batchShape must have 1 to 3 dimensions, got ${describe(batchShape)}`);
  }
  checkDtypeName('eye', dtype);
  const batch = batchShape ?? [];
  const columns = numColumns ?? numRows;
  const out = empty('eye', [...batch, numRows, columns], dtype);
  if (out.size > 0) kernels().eye(out.ptr('eye'), sizeOf(batch), numRows, columns, DTYPE_CODES[dtype]);
  return out;
}

/** out (n) = start, start + step, ... accumulated as `dtype` by the sequence kernel. */
function sequence(op: string, n: number, start: number, step: number, dtype: DType): Tensor {
  const out = empty(op, [n], dtype);
  if (n > 0) kernels().sequence(out.ptr(op), n, start, step, DTYPE_CODES[dtype]);
  return out;
}

/**
 * The numbers from start up to (not including) stop, step apart, as TF.js computes them: each value the one
 * before plus step, rounded to the dtype. A decreasing range with the default step counts down by 1.
 * @example tf.range(0, 9, 2).print();
 */
export function range(start: number, stop: number, step = 1, dtype: 'float32' | 'int32' = 'float32'): Tensor {
  checkNumber('range', 'start', start);
  checkNumber('range', 'stop', stop);
  checkNumber('range', 'step', step);
  if (step === 0) throw new Error('range: step must not be 0');
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`range: dtype must be 'float32' or 'int32', got ${describe(dtype)}`);
  // TF.js's rule: empty when the step points away from stop, except that a step in (0, 1] still runs a
  // decreasing range (a step of exactly 1 turning into -1).
  const none = start === stop || (start < stop && step < 0) || (stop < start && step > 1);
  const n = none ? 0 : Math.abs(Math.ceil((stop - start) / step));
  const by = stop < start && step === 1 ? -1 : step;
  if (dtype === 'int32' && Math.abs(start) + n * (Math.abs(by) + 1) >= 2 ** 31) {
    throw new Error(`range: the values from ${start} by ${by} (${n} of them) go beyond int32`);
  }
  return sequence('range', n, start, by, dtype);
}

/**
 * num evenly spaced numbers from start to stop, as TF.js computes them: each value the one before plus
 * (stop - start) / (num - 1), rounded to float32.
 * @example tf.linspace(0, 9, 10).print();
 */
export function linspace(start: number, stop: number, num: number): Tensor {
  checkNumber('linspace', 'start', start);
  checkNumber('linspace', 'stop', stop);
  checkInt('linspace', 'num', num, 1);
  return sequence('linspace', num, start, (stop - start) / (num - 1), 'float32');
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    zerosLike(): Tensor;
    onesLike(): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  zerosLike(this: Tensor) {
    return zerosLike(this);
  },
  onesLike(this: Tensor) {
    return onesLike(this);
  },
});

export type { NestedArray, TensorLike, TypedArray };
