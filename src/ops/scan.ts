// Scans along one axis of any rank: cumsum and cumprod, exclusive and reversed, as TF.js's (bool and int32
// run as int32, wrapping; float32 runs in f64 and rounds each output once). Each gradient is a scan of dy the
// other way.

import { Reduce } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBool } from '../validate.js';
import { div, mul } from './arithmetic.js';
import { convert, empty, kernels, op, type TensorLike } from './op.js';
import { around, singleAxis } from './reduce.js';

type Operand = Tensor | TensorLike;

/** The running sum or product of x along its axis `axis`, by the scan kernel. */
function scanned(name: 'cumsum' | 'cumprod', x: Tensor, axis: number, exclusive: boolean, reverse: boolean): Tensor {
  const float = x.dtype === 'float32';
  const out = empty(name, x.shape.slice(), float ? 'float32' : 'int32');
  if (out.size === 0) return out;
  const code = name === 'cumsum' ? (float ? Reduce.Sum : Reduce.SumInt) : float ? Reduce.Prod : Reduce.ProdInt;
  const [outer, dim, inner] = around(x.shape, axis);
  const [px, po] = [x.ptr(name), out.ptr(name)];
  kernels().scan(code, px, po, outer, dim, inner, +exclusive, +reverse);
  return out;
}

/** x and its arguments, checked. */
function scanArguments(name: string, x: Operand, axis: unknown, exclusive: unknown, reverse: unknown): [Tensor, number] {
  const $x = convert(name, 'x', x);
  if ($x.rank === 0) throw new Error(`${name}: x must have rank >= 1, got a scalar`);
  const a = singleAxis(name, axis, $x.rank);
  checkBool(name, 'exclusive', exclusive);
  checkBool(name, 'reverse', reverse);
  return [$x, a];
}

/**
 * The cumulative sum along `axis` (0 by default); exclusive leaves each value out of its own sum, reverse
 * sums from the end.
 * @example tf.tensor([1, 2, 3, 4]).cumsum().print();
 */
export const cumsum = op((x: Operand, axis: number = 0, exclusive: boolean = false, reverse: boolean = false): Tensor => {
  const [$x, a] = scanArguments('cumsum', x, axis, exclusive, reverse);
  const out = scanned('cumsum', $x, a, exclusive, reverse);
  if (recording()) record([$x], [out], [], ([dy]) => [cumsum(dy, a, exclusive, !reverse)]);
  return out;
});

/**
 * The cumulative product along `axis` (0 by default); exclusive leaves each value out of its own product,
 * reverse multiplies from the end. (Its gradient divides by x, so it is not finite where x is 0.)
 * @example tf.tensor([1, 2, 3, 4]).cumprod().print();
 */
export const cumprod = op((x: Operand, axis: number = 0, exclusive: boolean = false, reverse: boolean = false): Tensor => {
  const [$x, a] = scanArguments('cumprod', x, axis, exclusive, reverse);
  const out = scanned('cumprod', $x, a, exclusive, reverse);
  if (recording()) {
    // d out[j] / d x[i] = out[j] / x[i] for every j whose product takes x[i] in: a sum of dy * out the other way.
    record([$x], [out], [$x, out], ([dy], [x, y]) => [div(cumsum(mul(dy, y), a, exclusive, !reverse), x)]);
  }
  return out;
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    cumsum(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
    cumprod(axis?: number, exclusive?: boolean, reverse?: boolean): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  cumsum(this: Tensor, axis?: number, exclusive?: boolean, reverse?: boolean) {
    return cumsum(this, axis, exclusive, reverse);
  },
  cumprod(this: Tensor, axis?: number, exclusive?: boolean, reverse?: boolean) {
    return cumprod(this, axis, exclusive, reverse);
  },
});
