// Reductions over any axes, with keepDims: sum and mean (summed in f64, a mean's 1/n applied before one
// rounding to f32, so neither overflows on large finite values) and argMax. Each gradient broadcasts dy back
// over the reduced axes.

import { record, recording } from '../autodiff/tape.js';
import { type Tensor, Tensor as TensorClass } from '../tensor/tensor.js';
import { cast } from './cast.js';
import { ones } from './creation.js';
import { convert, empty, kernels, op, parseAxes, type TensorLike } from './op.js';
import { reshape } from './shape.js';
import { mul } from './arithmetic.js';
import { checkBool } from '../validate.js';

type Operand = Tensor | TensorLike;
type Axis = number | number[] | null;

/** Splits a shape around one axis into [outer, dim, inner] sizes. */
export function around(shape: readonly number[], axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return [outer, shape[axis], inner];
}

/** x's shape with the reduced axes as 1 (keepDims) or removed. */
function reducedShape(shape: readonly number[], axes: number[], keepDims: boolean): number[] {
  return keepDims ? shape.map((d, i) => (axes.includes(i) ? 1 : d)) : shape.filter((_, i) => !axes.includes(i));
}

/**
 * Sums (op 'sum') or averages (op 'mean') float32 x over the axes. Adjacent axes of the same kind merge (the
 * layout is row-major), so each run of reduced axes is one kernel pass, summed in f64 with the mean's
 * 1/count applied before rounding to f32.
 */
function reduceSum(name: 'sum' | 'mean', x: Tensor, axes: number[], keepDims: boolean): Tensor {
  const out = empty(name, reducedShape(x.shape, axes, keepDims), 'float32');
  if (out.size === 0) return out;
  const dims: number[] = [];
  const reduced: boolean[] = [];
  x.shape.forEach((d, i) => {
    const r = axes.includes(i);
    if (reduced.at(-1) === r) dims[dims.length - 1] *= d;
    else {
      dims.push(d);
      reduced.push(r);
    }
  });
  // Nothing to reduce (a scalar, or axis []): a trailing run of one copies x.
  if (!reduced.includes(true)) {
    dims.push(1);
    reduced.push(true);
  }
  const runs = dims.flatMap((_, i) => (reduced[i] ? [i] : []));
  const k = kernels();
  // Runs apart need f32 intermediates, one run at a time from the last. Each is scaled down by a power of two
  // no smaller than its run (exact), so it cannot overflow; the last pass scales back up.
  let source = x;
  let up = 1;
  for (let r = runs.length - 1; r >= 0; r--) {
    const [outer, dim, inner] = around(dims, runs[r]);
    const down = r > 0 ? 2 ** Math.ceil(Math.log2(Math.max(dim, 1))) : 1;
    const scale = r > 0 ? 1 / down : name === 'mean' ? up / (x.size / out.size) : up;
    up *= down;
    const target = r === 0 ? out : empty(name, [outer * inner], 'float32');
    const src = source.ptr(name);
    const dst = target.ptr(name);
    if (dim === 0) k.fill(dst, outer * inner, name === 'mean' ? NaN : 0);
    else if (inner === 1) k.rowSums(src, dst, outer, dim, scale);
    else for (let o = 0; o < outer; o++) k.biasGrad(src + o * dim * inner * 4, dst + o * inner * 4, dim, inner, 0, scale);
    if (source !== x) source.dispose();
    source = target;
    dims[runs[r]] = 1;
  }
  return out;
}

/** dy (of the reduced shape) broadcast back to `shape`, times `scale`. */
function spread(dy: Tensor, shape: number[], axes: number[], scale: number): Tensor {
  const kept = reshape(dy, shape.map((d, i) => (axes.includes(i) ? 1 : d)));
  return mul(kept, mul(ones(shape), scale));
}

/**
 * The sum over `axis` (all axes when omitted).
 * @example tf.tensor2d([[1, 2], [3, 4]]).sum(1).print();
 */
export const sum = op((x: Operand, axis: Axis = null, keepDims: boolean = false): Tensor => {
  checkBool('sum', 'keepDims', keepDims);
  let $x = convert('sum', 'x', x);
  const axes = parseAxes('sum', axis, $x.rank);
  const dtype = $x.dtype === 'float32' ? 'float32' : 'int32';
  if ($x.dtype !== 'float32') $x = cast($x, 'float32');
  let out = reduceSum('sum', $x, axes, keepDims);
  if (recording()) {
    const shape = $x.shape;
    record([$x], [out], [], ([dy]) => [spread(dy, shape, axes, 1)]);
  }
  if (dtype === 'int32') out = cast(out, 'int32');
  return out;
});

/**
 * The mean over `axis` (all axes when omitted).
 * @example tf.tensor1d([1, 2, 3]).mean().print();
 */
export const mean = op((x: Operand, axis: Axis = null, keepDims: boolean = false): Tensor => {
  checkBool('mean', 'keepDims', keepDims);
  let $x = convert('mean', 'x', x);
  const axes = parseAxes('mean', axis, $x.rank);
  if ($x.dtype !== 'float32') $x = cast($x, 'float32');
  const out = reduceSum('mean', $x, axes, keepDims);
  if (recording()) {
    const shape = $x.shape;
    const count = $x.size / Math.max(out.size, 1);
    record([$x], [out], [], ([dy]) => [spread(dy, shape, axes, 1 / count)]);
  }
  return out;
});

/**
 * The index of the largest value along `axis` (TF.js's default axis is 0), as int32; the first wins a tie.
 * @example tf.tensor1d([1, 2, 3]).argMax().print();
 */
export const argMax = op((x: Operand, axis = 0): Tensor => {
  let $x = convert('argMax', 'x', x);
  if ($x.rank === 0) throw new Error('argMax: x must have rank >= 1, got a scalar');
  const [a] = parseAxes('argMax', axis, $x.rank);
  if (!Number.isInteger(axis)) throw new Error(`argMax: axis must be an integer, got ${axis}`);
  if ($x.dtype !== 'float32') $x = cast($x, 'float32');
  const [outer, dim, inner] = around($x.shape, a);
  if (dim === 0) throw new Error(`argMax: axis ${a} of x [${$x.shape.join(', ')}] is empty`);
  const out = empty('argMax', $x.shape.filter((_, i) => i !== a), 'int32');
  if (out.size === 0) return out;
  const k = kernels();
  if (inner === 1) k.argMax($x.ptr('argMax'), out.ptr('argMax'), outer, dim, 1);
  else for (let o = 0; o < outer; o++) k.argMax($x.ptr('argMax') + o * dim * inner * 4, out.ptr('argMax') + o * inner * 4, dim, inner, 0);
  return out;
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    sum(axis?: Axis, keepDims?: boolean): Tensor;
    mean(axis?: Axis, keepDims?: boolean): Tensor;
    argMax(axis?: number): Tensor;
  }
}

Object.assign(TensorClass.prototype, {
  sum(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return sum(this, axis, keepDims);
  },
  mean(this: Tensor, axis?: Axis, keepDims?: boolean) {
    return mean(this, axis, keepDims);
  },
  argMax(this: Tensor, axis?: number) {
    return argMax(this, axis);
  },
});
