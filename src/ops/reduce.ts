// Reductions over any axes of any rank, with keepDims: sum, mean, prod, max, min, all, any, argMax, argMin,
// those made of them (logSumExp, moments, norm, euclideanNorm), and the bin counts. Each reads x as
// [outer, dim, inner] with the reduced axes as dim (moved together first when they lie apart, as TF.js does)
// and runs one kernel; each gradient is written for that three-axis form, reshapes and transposes doing the rest.

import { Reduce } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import type { DType } from '../tensor/dtype.js';
import { type Tensor, Tensor as TensorClass } from '../tensor/tensor.js';
import { checkBool, checkInt, describe } from '../validate.js';
import { add, div, mul, sub } from './arithmetic.js';
import { cast } from './cast.js';
import { equal } from './compare.js';
import { fill, zeros } from './creation.js';
import { checkDtype, convert, empty, kernels, op, parseAxes, type TensorLike } from './op.js';
import { cumprod } from './scan.js';
import { broadcastTo, reshape, transpose } from './shape.js';
import { abs, exp, log, sqrt, square } from './unary.js';

type Operand = Tensor | TensorLike;
type Axis = number | number[] | null;

// ---- axes and the three-axis form ----

/** @internal Splits a shape around one axis into [outer, dim, inner] sizes. */
export function around(shape: readonly number[], axis: number): [number, number, number] {
  const size = (dims: readonly number[]) => dims.reduce((p, d) => p * d, 1);
  return [size(shape.slice(0, axis)), shape[axis], size(shape.slice(axis + 1))];
}

/** @internal One axis of a tensor of rank >= 1 (negative counts from the end), as an index in [0, rank). */
export function singleAxis(name: string, axis: unknown, rank: number): number {
  if (!Number.isInteger(axis)) throw new Error(`${name}: axis must be an integer, got ${describe(axis)}`);
  return parseAxes(name, axis, rank)[0];
}

/** A reduction's axes: all when axis is null, none for []; a scalar has no axis to name (as in TF.js). */
function reductionAxes(name: string, axis: unknown, rank: number): number[] {
  if (rank === 0 && axis !== null && axis !== undefined && !(Array.isArray(axis) && axis.length === 0)) {
    throw new Error(`${name}: axis ${describe(axis)} is out of range for a scalar, which has no axes`);
  }
  return parseAxes(name, axis, rank);
}

/** x's shape with the reduced axes as 1 (keepDims) or removed. */
function reducedShape(shape: readonly number[], axes: number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * x (not empty) as [outer, dim, inner] with the reduced axes making dim. Axes of size 1 count as either kind;
 * reduced axes lying apart are moved after the kept ones first, one strided copy.
 */
function threeAxes(x: Tensor, axes: number[]): Tensor {
  const size = (dims: number[]) => dims.reduce((p, a) => p * x.shape[a], 1);
  const live = axes.filter((a) => x.shape[a] !== 1);
  const dim = size(axes);
  if (live.length === 0) return reshape(x, [x.size, 1, 1]);
  const [first, last] = [live[0], live[live.length - 1]];
  const indices = x.shape.map((_, i) => i);
  if (indices.every((i) => i < first || i > last || x.shape[i] === 1 || axes.includes(i))) {
    return reshape(x, [size(indices.slice(0, first)), dim, size(indices.slice(last + 1))]);
  }
  const kept = indices.filter((i) => !axes.includes(i));
  return reshape(transpose(x, [...kept, ...axes]), [size(kept), dim, 1]);
}

/**
 * The reduction of x over `axis` by `middle`, which reduces x3 [outer, dim, inner] (dim >= 1) along its middle
 * axis to [outer, inner]. When the reduced axes are empty, every result is `emptyValue`.
 */
function reduction(name: string, x: Tensor, axis: unknown, keepDims: unknown, dtype: DType, emptyValue: number, middle: (x3: Tensor) => Tensor): Tensor {
  checkBool(name, 'keepDims', keepDims);
  const axes = reductionAxes(name, axis, x.rank);
  const shape = reducedShape(x.shape, axes, keepDims);
  if (x.size === 0) return fill(shape, emptyValue, dtype);
  return reshape(middle(threeAxes(x, axes)), shape);
}

/** y [outer, inner] = the kernel's reduction `code` of x3 [outer, dim, inner] along its middle axis. */
function reduceMiddle(name: string, code: Reduce, x3: Tensor, dtype: DType, scale = 1): Tensor {
  const [outer, dim, inner] = x3.shape;
  const out = empty(name, [outer, inner], dtype);
  const [px, po] = [x3.ptr(name), out.ptr(name)];
  kernels().reduce(code, px, po, outer, dim, inner, scale);
  return out;
}

/** dy [outer, inner] as [outer, 1, inner], to broadcast over a reduced middle axis. */
function kept(dy: Tensor, [outer, , inner]: number[]): Tensor {
  return reshape(dy, [outer, 1, inner]);
}

// ---- the reductions ----

/**
 * The sum over `axis` (all axes by default); bool sums as int32. Float sums accumulate in f64.
 * @example tf.tensor2d([[1, 2], [3, 4]]).sum(1).print();
 */
export const sum = op((x: Operand, axis: Axis = null, keepDims = false): Tensor => {
  const $x = convert('sum', 'x', x);
  const dtype = $x.dtype === 'float32' ? 'float32' : 'int32';
  return reduction('sum', $x, axis, keepDims, dtype, 0, (x3) => {
    const y = reduceMiddle('sum', dtype === 'float32' ? Reduce.Sum : Reduce.SumInt, x3, dtype);
    if (recording()) {
      const shape = x3.shape;
      record([x3], [y], [], ([dy]) => [broadcastTo(kept(dy, shape), shape)]);
    }
    return y;
  });
});

/**
 * The mean over `axis` (all axes by default), as float32: summed in f64 and scaled before one rounding, so
 * large finite values do not overflow. The mean of no values is NaN.
 * @example tf.tensor1d([1, 2, 3]).mean().print();
 */
export const mean = op((x: Operand, axis: Axis = null, keepDims = false): Tensor => {
  let $x = convert('mean', 'x', x);
  if ($x.dtype !== 'float32') $x = cast($x, 'float32');
  return reduction('mean', $x, axis, keepDims, 'float32', NaN, (x3) => {
    const count = x3.shape[1];
    const y = reduceMiddle('mean', Reduce.Sum, x3, 'float32', 1 / count);
    if (recording()) {
      const shape = x3.shape;
      record([x3], [y], [], ([dy]) => [div(broadcastTo(kept(dy, shape), shape), count)]);
    }
    return y;
  });
});

/**
 * The product over `axis` (all axes by default); bool and int32 multiply as int32 (wrapping), float32 in f64.
 * @example tf.tensor2d([[1, 2], [3, 4]]).prod(1).print();
 */
export const prod = op((x: Operand, axis: Axis = null, keepDims = false): Tensor => {
  const $x = convert('prod', 'x', x);
  const dtype = $x.dtype === 'float32' ? 'float32' : 'int32';
  return reduction('prod', $x, axis, keepDims, dtype, 1, (x3) => {
    const y = reduceMiddle('prod', dtype === 'float32' ? Reduce.Prod : Reduce.ProdInt, x3, dtype);
    if (recording()) {
      // The product of the others: everything before times everything after (exact with zeros), as TF.js.
      record([x3], [y], [x3], ([dy], [x]) => [mul(kept(dy, x.shape), mul(cumprod(x, 1, true), cumprod(x, 1, true, true)))]);
    }
    return y;
  });
});

/** max or min over the axes, keeping the dtype; NaN wins. The gradient goes to every value equal to the result. */
function extreme(name: 'max' | 'min', x: Operand, axis: unknown, keepDims: unknown): Tensor {
  const $x = convert(name, 'x', x);
  const float = $x.dtype === 'float32';
  const code = name === 'max' ? (float ? Reduce.Max : Reduce.MaxInt) : float ? Reduce.Min : Reduce.MinInt;
  return reduction(name, $x, axis, keepDims, $x.dtype, float ? NaN : 0, (x3) => {
    const y = reduceMiddle(name, code, x3, $x.dtype);
    if (recording()) {
      record([x3], [y], [x3, y], ([dy], [x, y]) => [mul(kept(dy, x.shape), cast(equal(x, kept(y, x.shape)), dy.dtype))]);
    }
    return y;
  });
}

/**
 * The largest value over `axis` (all axes by default), keeping the dtype; NaN if any is NaN.
 * @example tf.tensor2d([[1, 2], [3, 4]]).max(1).print();
 */
export const max = op((x: Operand, axis: Axis = null, keepDims = false): Tensor => extreme('max', x, axis, keepDims));

/**
 * The smallest value over `axis` (all axes by default), keeping the dtype; NaN if any is NaN.
 * @example tf.tensor2d([[1, 2], [3, 4]]).min(1).print();
 */
export const min = op((x: Operand, axis: Axis = null, keepDims = false): Tensor => extreme('min', x, axis, keepDims));

/** all or any of a bool tensor over the axes (bool 0/1: the minimum or the maximum). */
function logical(name: 'all' | 'any', x: Operand, axis: unknown, keepDims: unknown): Tensor {
  const $x = convert(name, 'x', x, 'bool');
  checkDtype(name, 'x', $x, 'bool');
  const code = name === 'all' ? Reduce.MinInt : Reduce.MaxInt;
  return reduction(name, $x, axis, keepDims, 'bool', name === 'all' ? 1 : 0, (x3) => reduceMiddle(name, code, x3, 'bool'));
}

/**
 * Logical AND of a bool tensor over `axis` (all axes by default); true over no values.
 * @example tf.tensor2d([1, 1, 0, 0], [2, 2], 'bool').all(1).print();
 */
export const all = op((x: Operand, axis: Axis = null, keepDims = false): Tensor => logical('all', x, axis, keepDims));

/**
 * Logical OR of a bool tensor over `axis` (all axes by default); false over no values.
 * @example tf.tensor2d([1, 1, 0, 0], [2, 2], 'bool').any(1).print();
 */
export const any = op((x: Operand, axis: Axis = null, keepDims = false): Tensor => logical('any', x, axis, keepDims));

/** argMax or argMin along one axis, as int32: the first best wins, a NaN is never chosen (as TF.js's CPU backend). */
function argExtreme(name: 'argMax' | 'argMin', x: Operand, axis: unknown): Tensor {
  const $x = convert(name, 'x', x);
  if ($x.rank === 0) throw new Error(`${name}: x must have rank >= 1, got a scalar`);
  // TF.js takes one axis, alone or in a list.
  const a = singleAxis(name, Array.isArray(axis) && axis.length === 1 ? axis[0] : axis, $x.rank);
  const [outer, dim, inner] = around($x.shape, a);
  if (dim === 0) throw new Error(`${name}: axis ${a} of x [${$x.shape.join(', ')}] is empty`);
  const float = $x.dtype === 'float32';
  const code = name === 'argMax' ? (float ? Reduce.ArgMax : Reduce.ArgMaxInt) : float ? Reduce.ArgMin : Reduce.ArgMinInt;
  const shape = $x.shape.filter((_, i) => i !== a);
  const out = $x.size === 0 ? empty(name, shape, 'int32') : reshape(reduceMiddle(name, code, reshape($x, [outer, dim, inner]), 'int32'), shape);
  if (recording()) record([$x], [out], [$x], (_, [x]) => [zeros(x.shape)]);
  return out;
}

/**
 * The index of the largest value along `axis` (0 by default), as int32; the first wins a tie.
 * @example tf.tensor2d([1, 2, 4, 3], [2, 2]).argMax(1).print();
 */
export const argMax = op((x: Operand, axis = 0): Tensor => argExtreme('argMax', x, axis));

/**
 * The index of the smallest value along `axis` (0 by default), as int32; the first wins a tie.
 * @example tf.tensor2d([1, 2, 4, 3], [2, 2]).argMin(1).print();
 */
export const argMin = op((x: Operand, axis = 0): Tensor => argExtreme('argMin', x, axis));

// ---- made of reductions ----

/**
 * log(sum(exp(x))) over `axis` (all axes by default), computed as TF.js does: the maximum taken out first.
 * @example tf.tensor2d([1, 2, 3, 4], [2, 2]).logSumExp(1).print();
 */
export const logSumExp = op((x: Operand, axis: Axis = null, keepDims = false): Tensor => {
  const $x = convert('logSumExp', 'x', x);
  checkBool('logSumExp', 'keepDims', keepDims);
  const axes = reductionAxes('logSumExp', axis, $x.rank);
  const top = max($x, axes, true);
  const y = add(reshape(top, reducedShape($x.shape, axes, false)), log(sum(exp(sub($x, top)), axes)));
  return keepDims ? reshape(y, reducedShape($x.shape, axes, true)) : y;
});

/**
 * The mean and variance over `axis` (all axes by default), as float32.
 * @example const { mean, variance } = tf.moments(tf.tensor1d([1, 2, 3, 4]));
 */
export const moments = op((x: Operand, axis: Axis = null, keepDims = false): { mean: Tensor; variance: Tensor } => {
  const $x = convert('moments', 'x', x);
  checkBool('moments', 'keepDims', keepDims);
  const axes = reductionAxes('moments', axis, $x.rank);
  const average = mean($x, axes, keepDims);
  const centred = sub(cast($x, 'float32'), reshape(average, reducedShape($x.shape, axes, true)));
  return { mean: average, variance: mean(square(centred), axes, keepDims) };
});

type Ord = number | 'euclidean' | 'fro';
const ORDS: readonly Ord[] = ['euclidean', 'fro', 1, 2, Infinity, -Infinity];

/**
 * norm and euclideanNorm: a vector norm over all values (axis null) or one axis, a matrix norm over two
 * axes [rows, columns] (in either order, negative allowed: TF.js assumes rows < columns and non-negative).
 */
function normOf(name: string, x: Operand, ord: unknown, axis: unknown, keepDims: unknown): Tensor {
  const $x = convert(name, 'x', x);
  if (!ORDS.includes(ord as Ord)) throw new Error(`${name}: ord must be 'euclidean', 'fro', 1, 2, Infinity or -Infinity, got ${describe(ord)}`);
  checkBool(name, 'keepDims', keepDims);
  const axes = reductionAxes(name, axis, $x.rank);
  const shape = reducedShape($x.shape, axes, keepDims);
  const matrix = Array.isArray(axis) && axis.length === 2;
  if ($x.rank === 0) return abs($x);
  if (Array.isArray(axis) && axis.length > 2) throw new Error(`${name}: axis must be null, one axis or two, got ${describe(axis)}`);
  if (!matrix) {
    // A vector norm: over one axis, or over every value when axis is null.
    if (ord === 'fro' && (axis !== null || $x.rank === 1)) throw new Error(`${name}: ord 'fro' is a matrix norm: it needs two axes, or axis null over a matrix`);
    if (ord === 1) return reshape(sum(abs($x), axes), shape);
    if (ord === Infinity) return reshape(max(abs($x), axes), shape);
    if (ord === -Infinity) return reshape(min(abs($x), axes), shape);
    return reshape(sqrt(sum(square($x), axes)), shape);
  }
  const [rows, columns] = (axis as number[]).map((a) => parseAxes(name, a, $x.rank)[0]);
  if (ord === 1) return reshape(max(sum(abs($x), rows, true), columns, true), shape);
  if (ord === Infinity) return reshape(max(sum(abs($x), columns, true), rows, true), shape);
  if (ord === -Infinity) return reshape(min(sum(abs($x), columns, true), rows, true), shape);
  if (ord === 2) throw new Error(`${name}: ord 2 over two axes (the spectral norm) is not supported, as in TF.js`);
  return reshape(sqrt(sum(square($x), axes)), shape);
}

/**
 * The norm of x: ord 'euclidean' (default), 'fro', 1, 2, Infinity or -Infinity; over all values as a
 * vector (axis null), one axis (vectors) or two (matrices).
 * @example tf.tensor1d([1, 2, 3, 4]).norm().print();
 */
export const norm = op((x: Operand, ord: Ord = 'euclidean', axis: Axis = null, keepDims = false): Tensor => normOf('norm', x, ord, axis, keepDims));

/**
 * The euclidean norm of x over `axis` (all values by default): norm(x, 'euclidean', axis, keepDims).
 * @example tf.tensor1d([1, 2, 3, 4]).euclideanNorm().print();
 */
export const euclideanNorm = op((x: Operand, axis: Axis = null, keepDims = false): Tensor => normOf('euclideanNorm', x, 'euclidean', axis, keepDims));

// ---- bin counts ----

/** Throws unless x holds int32 values >= 0 (their minimum, by the reduction kernel) and size is a size. */
function checkBins(name: string, x: Tensor, size: unknown): void {
  checkDtype(name, 'x', x, 'int32');
  const smallest = x.size > 0 ? min(x).dataSync()[0] : 0;
  if (smallest < 0) throw new Error(`${name}: x must hold values >= 0, got ${smallest}`);
  checkInt(name, 'size', size, 0);
}

/**
 * Per row of x [rows, n] (checked by checkBins; values >= size are left out): how often each value in
 * [0, size) appears, or the sum of its weights (as many as x, or none for counts), or 1 where it appears
 * (binary). The result has the weights' dtype and the given shape.
 */
function binCounts(name: string, x: Tensor, weights: Tensor, size: number, binary: boolean, shape: number[]): Tensor {
  checkDtype(name, 'weights', weights, 'float32', 'int32');
  const out = empty(name, shape, weights.dtype);
  if (out.size === 0) return out;
  const rows = shape.length === 2 ? shape[0] : 1;
  const weighted = weights.size > 0;
  const [px, pw, po] = [x.ptr(name), weighted ? weights.ptr(name) : 0, out.ptr(name)];
  kernels().bincount(px, pw, +weighted, po, rows, x.size / rows, size, +(weights.dtype === 'int32'), +binary);
  return out;
}

/**
 * How often each value in [0, size) appears in the int32 x, or (weights the size of x) the sum of their
 * weights; values >= size are left out. The result has the dtype of weights.
 * @example tf.bincount(tf.tensor1d([1, 1, 2], 'int32'), [], 4).print();
 */
export const bincount = op((x: Operand, weights: Operand, size: number): Tensor => {
  const $x = convert('bincount', 'x', x);
  checkBins('bincount', $x, size);
  const $weights = convert('bincount', 'weights', weights);
  if ($weights.size !== 0 && $weights.size !== $x.size) {
    throw new Error(`bincount: weights must have as many values as x (${$x.size}) or none, got shape [${$weights.shape.join(', ')}]`);
  }
  return binCounts('bincount', reshape($x, [$x.size]), $weights, size, false, [size]);
});

/**
 * bincount of a vector, or of each row of a matrix; binaryOutput gives 1 where a value appears.
 * @example tf.denseBincount(tf.tensor2d([[1, 1], [0, 3]], [2, 2], 'int32'), [], 4).print();
 */
export const denseBincount = op((x: Operand, weights: Operand, size: number, binaryOutput = false): Tensor => {
  const $x = convert('denseBincount', 'x', x);
  if ($x.rank !== 1 && $x.rank !== 2) throw new Error(`denseBincount: x must have rank 1 or 2, got shape [${$x.shape.join(', ')}]`);
  checkBins('denseBincount', $x, size);
  checkBool('denseBincount', 'binaryOutput', binaryOutput);
  const $weights = convert('denseBincount', 'weights', weights);
  if ($weights.size !== 0 && $weights.shape.join() !== $x.shape.join()) {
    throw new Error(`denseBincount: weights must have the shape of x [${$x.shape.join(', ')}] or no values, got shape [${$weights.shape.join(', ')}]`);
  }
  return binCounts('denseBincount', $x, $weights, size, binaryOutput, $x.rank === 2 ? [$x.shape[0], size] : [size]);
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    sum(axis?: Axis, keepDims?: boolean): Tensor;
    mean(axis?: Axis, keepDims?: boolean): Tensor;
    prod(axis?: Axis, keepDims?: boolean): Tensor;
    max(axis?: Axis, keepDims?: boolean): Tensor;
    min(axis?: Axis, keepDims?: boolean): Tensor;
    all(axis?: Axis, keepDims?: boolean): Tensor;
    any(axis?: Axis, keepDims?: boolean): Tensor;
    argMax(axis?: number): Tensor;
    argMin(axis?: number): Tensor;
    logSumExp(axis?: Axis, keepDims?: boolean): Tensor;
    norm(ord?: Ord, axis?: Axis, keepDims?: boolean): Tensor;
    euclideanNorm(axis?: Axis, keepDims?: boolean): Tensor;
  }
}

Object.assign(TensorClass.prototype, {
  sum(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return sum(this, axis, keepDims);
  },
  mean(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return mean(this, axis, keepDims);
  },
  prod(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return prod(this, axis, keepDims);
  },
  max(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return max(this, axis, keepDims);
  },
  min(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return min(this, axis, keepDims);
  },
  all(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return all(this, axis, keepDims);
  },
  any(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return any(this, axis, keepDims);
  },
  argMax(this: Tensor, axis?: number) {
    return argMax(this, axis);
  },
  argMin(this: Tensor, axis?: number) {
    return argMin(this, axis);
  },
  logSumExp(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return logSumExp(this, axis, keepDims);
  },
  norm(this: Tensor, ord?: Ord, axis?: Axis, keepDims?: boolean) {
    return norm(this, ord, axis, keepDims);
  },
  euclideanNorm(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return euclideanNorm(this, axis, keepDims);
  },
});
