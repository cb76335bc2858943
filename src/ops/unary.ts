// Elementwise math of one tensor, TF.js's basic math: neg, abs, sign, square, reciprocal, sqrt, rsqrt, exp, expm1,
// log, log1p, floor, ceil, round, the trigonometric and hyperbolic functions and their inverses, erf, isNaN,
// isFinite, isInf, logicalNot, step, clipByValue, relu6 and logSigmoid, each one call of the unary kernel. int32
// and bool x follow TF.js's cpu kernels (see Ints); each gradient is written beside its op, with ops.

import { Unary } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNumber, describe } from '../validate.js';
import { sigmoid } from './activations.js';
import { add, div, mul, sub } from './arithmetic.js';
import { cast } from './cast.js';
import { zeros } from './creation.js';
import { checkDtype, convert, empty, kernels, op, view, type TensorLike } from './op.js';

type Operand = Tensor | TensorLike;

/** @internal dy · f'(x), given float32 dy, x and y = f(x), written with ops so that it can be differentiated again. */
export type Derivative = (dy: Tensor, x: Tensor, y: Tensor) => Tensor;

/**
 * @internal What an op does with int32 and bool x, as TF.js's cpu kernel does: an integer kernel code (exact, a
 * bool result then 1 where nonzero); 'truncate' (computed in float32, then stored in x's dtype the way TF.js's
 * typed arrays store it: truncated, NaN and ±Infinity as 0, bool 1 where that is nonzero); 'float' (float32 out);
 * 'same' (the values as they are); 'refuse' (TF.js takes float32 x only).
 */
export type Ints = Unary | 'truncate' | 'float' | 'same' | 'refuse';

function toFloat(t: Tensor): Tensor {
  return t.dtype === 'float32' ? t : cast(t, 'float32');
}

/** out = f(x) by one call of the unary kernel, of x's shape and `dtype`. */
function unaryKernel(name: string, code: Unary, x: Tensor, dtype: DType, a: number, b: number): Tensor {
  const out = empty(name, x.shape.slice(), dtype);
  if (out.size > 0) {
    const [px, po] = [x.ptr(name), out.ptr(name)];
    kernels().unary(code, px, po, out.size, a, b);
  }
  return out;
}

/** Records y = f(x) with its derivative; null: zero wherever it is defined (floor, sign, step...), as in TF.js. */
function recordUnary(x: Tensor, y: Tensor, derivative: Derivative | null): void {
  if (!recording()) return;
  if (derivative === null) record([x], [y], [], ([dy]) => [zeros(dy.shape)]);
  else record([x], [y], [x, y], ([dy], [x, y]) => [derivative(toFloat(dy), toFloat(x), toFloat(y))]);
}

/**
 * @internal f(x) for x of any dtype: `float` computes it for float32 x (recording its own gradient); int32 and bool
 * x go as `ints` says, an integer code recorded with `derivative` and run with the bounds a and b.
 */
export function byDtype(name: string, x: Tensor, ints: Ints, float: (x: Tensor) => Tensor, derivative: Derivative | null, a = 0, b = 0): Tensor {
  if (x.dtype === 'float32') return float(x);
  switch (ints) {
    case 'refuse':
      throw new Error(`${name}: x must have dtype float32, got ${x.dtype}`);
    case 'float':
      return float(cast(x, 'float32'));
    case 'truncate': {
      const y = cast(float(cast(x, 'float32')), 'int32');
      return x.dtype === 'bool' ? cast(y, 'bool') : y;
    }
    case 'same': {
      const y = view(x, x.shape.slice());
      recordUnary(x, y, null);
      return y;
    }
    default: {
      const y = unaryKernel(name, ints, x, 'int32', a, b);
      recordUnary(x, y, derivative);
      return x.dtype === 'bool' ? cast(y, 'bool') : y;
    }
  }
}

/** f(x) for float32 x by the unary kernel (out of `dtype`), recorded with its derivative. */
function floatKernel(name: string, code: Unary, derivative: Derivative | null, a = 0, b = 0, dtype: DType = 'float32') {
  return (x: Tensor): Tensor => {
    const y = unaryKernel(name, code, x, dtype, a, b);
    recordUnary(x, y, derivative);
    return y;
  };
}

/**
 * An op x => f(x) by a kernel code, with TF.js's dtype rule and f's derivative (the result float32, or bool for the
 * tests of the values). TF.js parses values given to a float32-only op as float32.
 */
function unaryOp(name: string, code: Unary, ints: Ints, derivative: Derivative | null, dtype: DType = 'float32'): (x: Operand) => Tensor {
  const float = floatKernel(name, code, derivative, 0, 0, dtype);
  return op((x: Operand): Tensor => byDtype(name, convert(name, 'x', x, ints === 'refuse' ? 'float32' : undefined), ints, float, derivative));
}

/** 1 where lo <= x <= hi, else 0: clipByValue's and relu6's gradient mask. */
function inRange(x: Tensor, lo: number, hi: number): Tensor {
  return floatKernel('clipByValue', Unary.InRange, null, lo, hi)(x);
}

// ---- sign and magnitude: int32 stays int32 ----

/** -x. @example tf.tensor1d([1, 2, -2, 0]).neg().print(); */
export const neg = unaryOp('neg', Unary.Neg, Unary.NegInt, (dy) => neg(dy));

/** |x|. @example tf.tensor1d([-1, 2, -3, 4]).abs().print(); */
export const abs = unaryOp('abs', Unary.Abs, Unary.AbsInt, (dy, x) => mul(dy, step(x, -1)));

/** -1, 0 or 1 by the sign of each value (0 for NaN). @example tf.tensor1d([.6, 1.1, -3.3, NaN, 0]).sign().print(); */
export const sign = unaryOp('sign', Unary.Sign, Unary.SignInt, null);

/** x². @example tf.tensor1d([1, 2, Math.sqrt(2), -1]).square().print(); */
export const square = unaryOp('square', Unary.Square, Unary.SquareInt, (dy, x) => mul(dy, mul(x, 2)));

// ---- powers, exponentials and logarithms ----

/** 1 / x. @example tf.tensor1d([0, 1, 2]).reciprocal().print(); */
export const reciprocal = unaryOp('reciprocal', Unary.Reciprocal, 'truncate', (dy, x) => div(dy, neg(square(x))));

/** √x (NaN below 0). @example tf.tensor1d([1, 2, 4, -1]).sqrt().print(); */
export const sqrt = unaryOp('sqrt', Unary.Sqrt, 'refuse', (dy, _x, y) => div(dy, mul(y, 2)));

/** 1 / √x. @example tf.tensor1d([1, 2, 4, -1]).rsqrt().print(); */
export const rsqrt = unaryOp('rsqrt', Unary.Rsqrt, 'refuse', (dy, x, y) => div(mul(dy, y), mul(x, -2)));

/** eˣ (float32 for every dtype). @example tf.tensor1d([1, 2, -3]).exp().print(); */
export const exp = unaryOp('exp', Unary.Exp, 'float', (dy, _x, y) => mul(dy, y));

/** eˣ - 1, accurate near 0. @example tf.tensor1d([1, 2, -3]).expm1().print(); */
export const expm1 = unaryOp('expm1', Unary.Expm1, 'truncate', (dy, x) => mul(dy, exp(x)));

/** The natural logarithm. @example tf.tensor1d([1, 2, Math.E]).log().print(); */
export const log = unaryOp('log', Unary.Log, 'refuse', (dy, x) => div(dy, x));

/** log(1 + x), accurate near 0. @example tf.tensor1d([1, 2, Math.E - 1]).log1p().print(); */
export const log1p = unaryOp('log1p', Unary.Log1p, 'truncate', (dy, x) => div(dy, add(x, 1)));

// ---- rounding: zero gradients, as in TF.js ----

/** The largest integer <= x. @example tf.tensor1d([.6, 1.1, -3.3]).floor().print(); */
export const floor = unaryOp('floor', Unary.Floor, 'refuse', null);

/** The smallest integer >= x. @example tf.tensor1d([.6, 1.1, -3.3]).ceil().print(); */
export const ceil = unaryOp('ceil', Unary.Ceil, 'refuse', null);

/** The nearest integer, halves to the even one (TF.js's banker's rounding). @example tf.tensor1d([.6, 1.1, -3.3, 2.5]).round().print(); */
export const round = unaryOp('round', Unary.Round, 'same', null);

// ---- trigonometric and hyperbolic functions ----

/** sin x, x in radians. @example tf.tensor1d([0, Math.PI / 2, Math.PI * 3 / 4]).sin().print(); */
export const sin = unaryOp('sin', Unary.Sin, 'refuse', (dy, x) => mul(dy, cos(x)));

/** cos x, x in radians. @example tf.tensor1d([0, Math.PI / 2, Math.PI * 3 / 4]).cos().print(); */
export const cos = unaryOp('cos', Unary.Cos, 'refuse', (dy, x) => mul(dy, neg(sin(x))));

/** tan x, x in radians. @example tf.tensor1d([0, Math.PI / 2, Math.PI * 3 / 4]).tan().print(); */
export const tan = unaryOp('tan', Unary.Tan, 'refuse', (dy, x) => div(dy, square(cos(x))));

/** The inverse sine, in [-π/2, π/2] (NaN outside [-1, 1]). @example tf.tensor1d([0, 1, -1, .7]).asin().print(); */
export const asin = unaryOp('asin', Unary.Asin, 'truncate', (dy, x) => div(dy, sqrt(sub(1, square(x)))));

/** The inverse cosine, in [0, π] (NaN outside [-1, 1]). @example tf.tensor1d([0, 1, -1, .7]).acos().print(); */
export const acos = unaryOp('acos', Unary.Acos, 'truncate', (dy, x) => neg(div(dy, sqrt(sub(1, square(x))))));

/** The inverse tangent, in (-π/2, π/2). @example tf.tensor1d([0, 1, -1, .7]).atan().print(); */
export const atan = unaryOp('atan', Unary.Atan, 'truncate', (dy, x) => div(dy, add(square(x), 1)));

/** The hyperbolic sine. @example tf.tensor1d([0, 1, -1, .7]).sinh().print(); */
export const sinh = unaryOp('sinh', Unary.Sinh, 'truncate', (dy, x) => mul(dy, cosh(x)));

/** The hyperbolic cosine. @example tf.tensor1d([0, 1, -1, .7]).cosh().print(); */
export const cosh = unaryOp('cosh', Unary.Cosh, 'refuse', (dy, x) => mul(dy, sinh(x)));

/** The inverse hyperbolic sine. @example tf.tensor1d([0, 1, -1, .7]).asinh().print(); */
export const asinh = unaryOp('asinh', Unary.Asinh, 'truncate', (dy, x) => div(dy, sqrt(add(square(x), 1))));

/** The inverse hyperbolic cosine (NaN below 1). @example tf.tensor1d([10, 1, 3, 5.7]).acosh().print(); */
export const acosh = unaryOp('acosh', Unary.Acosh, 'truncate', (dy, x) => div(dy, sqrt(sub(square(x), 1))));

/** The inverse hyperbolic tangent (NaN outside [-1, 1]). @example tf.tensor1d([0, .1, -.1, .7]).atanh().print(); */
export const atanh = unaryOp('atanh', Unary.Atanh, 'truncate', (dy, x) => div(dy, sub(1, square(x))));

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

/**
 * The Gauss error function (float32 for int32 x; bool x is refused, as in TF.js).
 * @example tf.tensor1d([0, .1, -.1, .7]).erf().print();
 */
export const erf = op((x: Operand): Tensor => {
  const $x = convert('erf', 'x', x);
  checkDtype('erf', 'x', $x, 'float32', 'int32');
  return byDtype('erf', $x, 'float', floatKernel('erf', Unary.Erf, (dy, x) => mul(dy, mul(exp(neg(square(x))), TWO_OVER_SQRT_PI))), null);
});

// ---- tests of the values: bool out ----

/** True where x is NaN. @example tf.tensor1d([NaN, Infinity, -Infinity, 0, 1]).isNaN().print(); */
export const isNaN = unaryOp('isNaN', Unary.IsNaN, 'float', null, 'bool');

/** True where x is neither NaN nor ±Infinity. @example tf.tensor1d([NaN, Infinity, -Infinity, 0, 1]).isFinite().print(); */
export const isFinite = unaryOp('isFinite', Unary.IsFinite, 'float', null, 'bool');

/** True where x is ±Infinity. @example tf.tensor1d([NaN, Infinity, -Infinity, 0, 1]).isInf().print(); */
export const isInf = unaryOp('isInf', Unary.IsInf, 'float', null, 'bool');

/**
 * NOT x, for bool x (values given as numbers are taken as bool: nonzero is true).
 * @example tf.tensor1d([false, true], 'bool').logicalNot().print();
 */
export const logicalNot = op((x: Operand): Tensor => {
  const $x = convert('logicalNot', 'x', x, 'bool');
  checkDtype('logicalNot', 'x', $x, 'bool');
  return unaryKernel('logicalNot', Unary.LogicalNot, $x, 'bool', 0, 0);
});

// ---- thresholds ----

/**
 * 1 where x > 0, alpha elsewhere (NaN stays NaN); its gradient is zero.
 * @example tf.tensor1d([0, 2, -1, -3]).step(.5).print();
 */
export const step = op((x: Operand, alpha = 0): Tensor => {
  checkNumber('step', 'alpha', alpha);
  return byDtype('step', convert('step', 'x', x), 'truncate', floatKernel('step', Unary.Step, null, alpha), null);
});

/** A clip bound: a number that is not NaN (±Infinity leaves that side open). */
function checkBound(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new Error(`clipByValue: ${name} must be a number, got ${describe(value)}`);
}

/**
 * x clipped to [clipValueMin, clipValueMax]; the gradient passes where x is within them.
 * @example tf.tensor1d([-1, 2, -3, 4]).clipByValue(-2, 3).print();
 */
export const clipByValue = op((x: Operand, clipValueMin: number, clipValueMax: number): Tensor => {
  const $x = convert('clipByValue', 'x', x);
  checkBound('clipValueMin', clipValueMin);
  checkBound('clipValueMax', clipValueMax);
  if (clipValueMin > clipValueMax) throw new Error(`clipByValue: clipValueMin (${clipValueMin}) must be less than or equal to clipValueMax (${clipValueMax})`);
  const derivative: Derivative = (dy, x) => mul(dy, inRange(x, clipValueMin, clipValueMax));
  return byDtype('clipByValue', $x, Unary.ClipInt, floatKernel('clipByValue', Unary.Clip, derivative, clipValueMin, clipValueMax), derivative, clipValueMin, clipValueMax);
});

/**
 * min(max(x, 0), 6); the gradient passes where 0 < x <= 6.
 * @example tf.tensor1d([-1, 2, -3, 8]).relu6().print();
 */
export const relu6 = op((x: Operand): Tensor => {
  const derivative: Derivative = (dy, x) => mul(dy, mul(step(x), inRange(x, -Infinity, 6)));
  return byDtype('relu6', convert('relu6', 'x', x), Unary.ClipInt, floatKernel('relu6', Unary.Clip, derivative, 0, 6), derivative, 0, 6);
});

/**
 * log(sigmoid(x)) = -softplus(-x), computed without overflow.
 * @example tf.tensor1d([0, 1, -1, .7]).logSigmoid().print();
 */
export const logSigmoid = unaryOp('logSigmoid', Unary.LogSigmoid, 'truncate', (dy, x) => mul(dy, sigmoid(neg(x))));

declare module '../tensor/tensor.js' {
  interface Tensor {
    neg(): Tensor;
    abs(): Tensor;
    sign(): Tensor;
    square(): Tensor;
    reciprocal(): Tensor;
    sqrt(): Tensor;
    rsqrt(): Tensor;
    exp(): Tensor;
    expm1(): Tensor;
    log(): Tensor;
    log1p(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    tan(): Tensor;
    asin(): Tensor;
    acos(): Tensor;
    atan(): Tensor;
    sinh(): Tensor;
    cosh(): Tensor;
    asinh(): Tensor;
    acosh(): Tensor;
    atanh(): Tensor;
    erf(): Tensor;
    isNaN(): Tensor;
    isFinite(): Tensor;
    isInf(): Tensor;
    logicalNot(): Tensor;
    step(alpha?: number): Tensor;
    clipByValue(clipValueMin: number, clipValueMax: number): Tensor;
    relu6(): Tensor;
    logSigmoid(): Tensor;
  }
}

// The methods without arguments: x.neg() is neg(x).
const OF_X = { neg, abs, sign, square, reciprocal, sqrt, rsqrt, exp, expm1, log, log1p, floor, ceil, round, sin, cos, tan, asin, acos, atan, sinh, cosh, asinh, acosh, atanh, erf, isNaN, isFinite, isInf, logicalNot, relu6, logSigmoid };
Object.assign(Tensor.prototype, Object.fromEntries(Object.entries(OF_X).map(([name, f]) => [name, function (this: Tensor) { return f(this); }])));

Object.assign(Tensor.prototype, {
  step(this: Tensor, alpha?: number) {
    return step(this, alpha);
  },
  clipByValue(this: Tensor, clipValueMin: number, clipValueMax: number) {
    return clipByValue(this, clipValueMin, clipValueMax);
  },
});
