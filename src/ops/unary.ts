// Elementwise math of one tensor: exp, log, sqrt (float32 out), square, neg, abs (keeping int32). Each
// gradient is written beside its op.

import { UnOp } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { convert, empty, kernels, op, type TensorLike } from './op.js';
import { mul, div, sub } from './arithmetic.js';
import { cast } from './cast.js';
import { scalar } from './creation.js';

type Operand = Tensor | TensorLike;

/** f(x) by the unary kernel, over x as float32. */
function unaryFloat(name: string, code: UnOp, x: Tensor): Tensor {
  const $x = x.dtype === 'float32' ? x : cast(x, 'float32');
  const out = empty(name, $x.shape.slice(), 'float32');
  if (out.size > 0) {
    const [px, po] = [$x.ptr(name), out.ptr(name)];
    kernels().unary(code, px, po, out.size);
  }
  return out;
}

/** @example tf.tensor1d([1, 2, -3]).exp().print(); */
export const exp = op((x: Operand): Tensor => {
  const $x = convert('exp', 'x', x, 'float32');
  const y = unaryFloat('exp', UnOp.Exp, $x);
  if (recording()) record([$x], [y], [y], ([dy], [y]) => [mul(dy, y)]);
  return y;
});

/** @example tf.tensor1d([1, 2, Math.E]).log().print(); */
export const log = op((x: Operand): Tensor => {
  const $x = convert('log', 'x', x, 'float32');
  const y = unaryFloat('log', UnOp.Log, $x);
  if (recording()) record([$x], [y], [$x], ([dy], [x]) => [div(dy, cast(x, 'float32'))]);
  return y;
});

/** @example tf.tensor1d([1, 2, 4, -1]).sqrt().print(); */
export const sqrt = op((x: Operand): Tensor => {
  const $x = convert('sqrt', 'x', x, 'float32');
  const y = unaryFloat('sqrt', UnOp.Sqrt, $x);
  if (recording()) record([$x], [y], [y], ([dy], [y]) => [div(dy, mul(y, 2))]);
  return y;
});

/** @example tf.tensor1d([1, 2, Math.sqrt(2), -1]).square().print(); */
export const square = op((x: Operand): Tensor => {
  const $x = convert('square', 'x', x);
  const y = $x.dtype === 'float32' ? unaryFloat('square', UnOp.Square, $x) : mul($x, $x);
  if (recording()) record([$x], [y], [$x], ([dy], [x]) => [mul(dy, mul(cast(x, 'float32'), 2))]);
  return y;
});

/** @example tf.tensor1d([1, 2, -2, 0]).neg().print(); */
export const neg = op((x: Operand): Tensor => {
  const $x = convert('neg', 'x', x);
  const y = $x.dtype === 'float32' ? unaryFloat('neg', UnOp.Neg, $x) : sub(scalar(0, 'int32'), $x);
  if (recording()) record([$x], [y], [], ([dy]) => [neg(dy)]);
  return y;
});

/** @example tf.tensor1d([-1, 2, -3, 4]).abs().print(); */
export const abs = op((x: Operand): Tensor => {
  const $x = convert('abs', 'x', x);
  const y = $x.dtype === 'float32' ? unaryFloat('abs', UnOp.Abs, $x) : mul($x, sign($x));
  if (recording()) record([$x], [y], [$x], ([dy], [x]) => [mul(dy, sign(x))]);
  return y;
});

/** -1, 0 or 1 by the sign of each value (0 for NaN), keeping the dtype. @example tf.tensor1d([-2, 0, 3]).sign().print(); */
export const sign = op((x: Operand): Tensor => {
  const $x = convert('sign', 'x', x);
  const y = unaryFloat('sign', UnOp.Sign, $x);
  if (recording()) record([$x], [y], [], ([dy]) => [mul(dy, 0)]);
  return $x.dtype === 'float32' ? y : cast(y, $x.dtype === 'bool' ? 'int32' : $x.dtype);
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    exp(): Tensor;
    log(): Tensor;
    sqrt(): Tensor;
    square(): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  exp(this: Tensor) {
    return exp(this);
  },
  log(this: Tensor) {
    return log(this);
  },
  sqrt(this: Tensor) {
    return sqrt(this);
  },
  square(this: Tensor) {
    return square(this);
  },
  neg(this: Tensor) {
    return neg(this);
  },
  abs(this: Tensor) {
    return abs(this);
  },
  sign(this: Tensor) {
    return sign(this);
  },
});
