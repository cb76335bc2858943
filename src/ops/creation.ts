// Making tensors: from values (tensor, scalar, tensor1d..tensor6d), filled (zeros, ones, fill and their *Like),
// and one-hot rows. Values are checked against the shape and dtype in values.ts.

import { word } from '../backend/heap.js';
import { activeBackend } from '../engine.js';
import type { DType } from '../tensor/dtype.js';
import { type NestedArray, Tensor } from '../tensor/tensor.js';
import { checkInt, checkNumber, checkShape, describe } from '../validate.js';
import { convert, empty, op } from './op.js';
import { checkDtypeName, fromValues, type TensorLike, type TypedArray } from './values.js';

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
    if (shape === undefined && rank > 1 && (ArrayBuffer.isView(values) || (Array.isArray(values) && !Array.isArray(values[0]) && values.length > 0))) {
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
export const tensor3d = ranked(3);
export const tensor4d = ranked(4);
export const tensor5d = ranked(5);
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
    if (!Number.isInteger(Number(value))) {
      t.dispose();
      throw new Error(`${op}: value must be an integer for dtype int32, got ${describe(value)}`);
    }
    heap.i32.fill(Number(value), at, at + t.size);
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

/** Zeros of x's shape and dtype. @example tf.zerosLike(tf.tensor1d([1, 2])).print(); */
export const zerosLike = op((x: Tensor | TensorLike): Tensor => {
  const $x = convert('zerosLike', 'x', x);
  return filled('zerosLike', $x.shape, 0, $x.dtype);
});

/** Ones of x's shape and dtype. @example tf.onesLike(tf.tensor1d([1, 2])).print(); */
export const onesLike = op((x: Tensor | TensorLike): Tensor => {
  const $x = convert('onesLike', 'x', x);
  return filled('onesLike', $x.shape, 1, $x.dtype);
});

/**
 * One row per index with `onValue` at the index and `offValue` elsewhere.
 * @example tf.oneHot(tf.tensor1d([0, 1], 'int32'), 3).print();
 */
export function oneHot(indices: Tensor | TensorLike, depth: number, onValue = 1, offValue = 0, dtype: DType = 'int32'): Tensor {
  checkInt('oneHot', 'depth', depth, 2);
  checkNumber('oneHot', 'onValue', onValue);
  checkNumber('oneHot', 'offValue', offValue);
  checkDtypeName('oneHot', dtype);
  return op(() => {
    const $indices = convert('oneHot', 'indices', indices, 'int32');
    if ($indices.dtype !== 'int32') throw new Error(`oneHot: indices must have dtype int32, got ${$indices.dtype}`);
    if ($indices.rank !== 1) throw new Error(`oneHot: indices must have rank 1, got shape [${$indices.shape.join(', ')}]`);
    const labels = $indices.dataSync();
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (label < 0 || label >= depth) throw new Error(`oneHot: indices[${i}] must be an integer in [0, ${depth - 1}], got ${label}`);
    }
    const t = filled('oneHot', [labels.length, depth], offValue, dtype);
    const start = word(t.ptr());
    const heap = activeBackend().heap;
    const view = dtype === 'float32' ? heap.f32 : heap.i32;
    for (let i = 0; i < labels.length; i++) view[start + i * depth + labels[i]] = onValue;
    return t;
  })();
}

export type { NestedArray, TensorLike, TypedArray };
