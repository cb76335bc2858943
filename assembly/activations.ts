// Activation functions and row-wise softmax, forward and backward, and log-softmax's backward (its forward is
// unary.ts's), four lanes at a time; loop tails run through the same vector code on a partial vector.
// Definitions and gradients follow TF.js (noted per case).
// The plain reference is the js twin (src/backend/js/activations.ts); the vector math lives in ./math.

import { Act } from './codes';
import { erf4, exp4, expm1NonPositive4, loadTail, log1pUnit4, madd, rowMax, sigmoid4, storeTail, tanh4 } from './math';

// SELU's published constants (Klambauer et al. 2017): scale, and scale * alpha with alpha = 1.6732632423543772.
const SELU_SCALE: f32 = 1.0507009873554805;
const SELU_SCALE_ALPHA: f32 = 1.7580993408473766;
const SQRT1_2: f32 = 0.7071067811865476;
const INV_SQRT_2PI: f32 = 0.3989422804014327;
// TF.js's gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³))); here twice sqrt(2/pi), as it is used.
const TWO_SQRT_2_OVER_PI: f32 = 1.5957691216057308;
const GELU_NEW_CUBIC: f32 = 0.044715;
// Above it mish is x and its slope 1 in f32 (tanh(softplus(x)) is within 1e-17 of 1); e^x stops short of overflow.
const MISH_LINEAR_FROM: f32 = 20;

/** 0.2 x + 0.5, the product and the sum each rounded (never fused) as TF.js's hardSigmoid computes them. */
// @ts-ignore: decorator
@inline function hardSigmoidArg(x: v128): v128 {
  return f32x4.add(f32x4.mul(x, f32x4.splat(0.2)), f32x4.splat(0.5));
}

/** 2u for gelu_new's tanh(u), u = sqrt(2/pi) (x + 0.044715 x³): 0.5 (1 + tanh u) = sigmoid(2u). */
// @ts-ignore: decorator
@inline function geluNewArg(x: v128): v128 {
  return f32x4.mul(f32x4.splat(TWO_SQRT_2_OVER_PI), madd(f32x4.mul(f32x4.mul(x, x), f32x4.splat(GELU_NEW_CUBIC)), x, x));
}

/** e^x (e^x + 2), with tanh(softplus(x)) = n / (n + 2): mish's one exp, capped where mish is x. */
// @ts-ignore: decorator
@inline function mishN(e: v128): v128 {
  return f32x4.mul(e, f32x4.add(e, f32x4.splat(2)));
}

/** f(x) for one vector. alpha: leaky relu slope, elu alpha. */
// @ts-ignore: decorator
@inline function forward4(act: i32, x: v128, alpha: v128): v128 {
  const zero = f32x4.splat(0);
  const positive = f32x4.gt(x, zero);
  switch (act) {
    case Act.Relu:
      return f32x4.max(x, zero); // max propagates NaN
    case Act.LeakyRelu:
      return v128.bitselect(x, f32x4.mul(x, alpha), positive);
    case Act.Elu: // alpha * (e^x - 1) for x <= 0, through expm1 so small |x| keep their digits
      return v128.bitselect(x, f32x4.mul(alpha, expm1NonPositive4(x)), positive);
    case Act.Selu:
      return v128.bitselect(f32x4.mul(x, f32x4.splat(SELU_SCALE)), f32x4.mul(f32x4.splat(SELU_SCALE_ALPHA), expm1NonPositive4(x)), positive);
    case Act.Sigmoid:
      return sigmoid4(x);
    case Act.Tanh:
      return tanh4(x);
    case Act.Softplus: // max(x, 0) + log1p(exp(-|x|)): no overflow for large x, no cancellation for small
      return f32x4.add(f32x4.max(x, zero), log1pUnit4(exp4(f32x4.neg(f32x4.abs(x)))));
    case Act.Gelu: { // 0.5 x (1 + erf(x / sqrt 2)), the exact form (TF.js and Keras default)
      const half = f32x4.mul(x, f32x4.splat(0.5));
      return madd(half, erf4(f32x4.mul(x, f32x4.splat(SQRT1_2))), half);
    }
    case Act.Swish:
      return f32x4.mul(x, sigmoid4(x));
    case Act.HardSigmoid: // clip(0.2 x + 0.5, 0, 1); min and max propagate NaN
      return f32x4.min(f32x4.max(hardSigmoidArg(x), zero), f32x4.splat(1));
    case Act.Softsign:
      return f32x4.div(x, f32x4.add(f32x4.abs(x), f32x4.splat(1)));
    case Act.Relu6:
      return f32x4.min(f32x4.max(x, zero), f32x4.splat(6));
    case Act.Mish: { // TF.js: x tanh(softplus(x)), as x n / (n + 2): one exp, no cancellation (min keeps NaN)
      const n = mishN(exp4(f32x4.min(x, f32x4.splat(MISH_LINEAR_FROM))));
      return f32x4.mul(x, f32x4.div(n, f32x4.add(n, f32x4.splat(2))));
    }
    case Act.GeluNew: // TF.js's tanh approximation 0.5 x (1 + tanh u) as x sigmoid(2u): no cancellation as tanh u -> -1
      return f32x4.mul(x, sigmoid4(geluNewArg(x)));
    default:
      return x;
  }
}

/** Whether backward4 reads x, and whether it reads y = f(x), for act (so the loop loads only what it needs). */
// @ts-ignore: decorator
@inline function backwardUsesX(act: i32): bool {
  return act == Act.Relu || act == Act.LeakyRelu || act == Act.Selu || act == Act.Softplus || act == Act.Gelu || act == Act.Swish ||
    act == Act.HardSigmoid || act == Act.Softsign || act == Act.Relu6 || act == Act.Mish || act == Act.GeluNew;
}
// @ts-ignore: decorator
@inline function backwardUsesY(act: i32): bool {
  return act == Act.Elu || act == Act.Selu || act == Act.Sigmoid || act == Act.Tanh;
}

/** dout * f'(x) for one vector, from whichever of x and y = f(x) is cheaper. */
// @ts-ignore: decorator
@inline function backward4(act: i32, x: v128, y: v128, dout: v128, alpha: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (act) {
    case Act.Relu: { // TF.js: dout * step(x), step 1 above 0, NaN at NaN, else 0 (so a NaN or infinite dout gives NaN there)
      const step = v128.or(v128.and(one, f32x4.gt(x, zero)), v128.and(x, f32x4.ne(x, x)));
      return f32x4.mul(dout, step);
    }
    case Act.LeakyRelu: // TF.js: x > 0 ? dout : alpha * dout
      return v128.bitselect(dout, f32x4.mul(dout, alpha), f32x4.gt(x, zero));
    case Act.Elu: // TF.js EluGrad: y >= 0 ? dout : dout * (y + 1); here y + alpha = alpha e^x
      return v128.bitselect(dout, f32x4.mul(dout, f32x4.add(y, alpha)), f32x4.ge(y, zero));
    case Act.Selu: // TF.js: x > 0 ? scale * dout : scale * alpha * e^x * dout, and scale * alpha * e^x = y + scale * alpha
      return v128.bitselect(
        f32x4.mul(dout, f32x4.splat(SELU_SCALE)),
        f32x4.mul(dout, f32x4.add(y, f32x4.splat(SELU_SCALE_ALPHA))),
        f32x4.gt(x, zero),
      );
    case Act.Sigmoid:
      return f32x4.mul(dout, f32x4.mul(y, f32x4.sub(one, y)));
    case Act.Tanh: // 1 - y² as (1 - y)(1 + y): keeps its digits as |y| -> 1
      return f32x4.mul(dout, f32x4.mul(f32x4.sub(one, y), f32x4.add(one, y)));
    case Act.Softplus: // TF.js: dout * sigmoid(x)
      return f32x4.mul(dout, sigmoid4(x));
    case Act.Gelu: { // Phi(x) + x phi(x), phi the standard normal density
      const cdf = madd(erf4(f32x4.mul(x, f32x4.splat(SQRT1_2))), f32x4.splat(0.5), f32x4.splat(0.5));
      const pdf = f32x4.mul(exp4(f32x4.mul(f32x4.mul(x, x), f32x4.splat(-0.5))), f32x4.splat(INV_SQRT_2PI));
      return f32x4.mul(dout, madd(x, pdf, cdf));
    }
    case Act.Swish: { // d(x s)/dx = s (1 + x (1 - s)), s = sigmoid(x)
      const s = sigmoid4(x);
      return f32x4.mul(dout, f32x4.mul(s, madd(x, f32x4.sub(one, s), one)));
    }
    case Act.HardSigmoid: { // TF.js clipByValue's gradient times 0.2: where 0 <= 0.2 x + 0.5 <= 1, ends included
      const t = hardSigmoidArg(x);
      return v128.and(f32x4.mul(dout, f32x4.splat(0.2)), v128.and(f32x4.ge(t, zero), f32x4.le(t, one)));
    }
    case Act.Softsign: { // 1 / (1 + |x|)²
      const s = f32x4.add(f32x4.abs(x), one);
      return f32x4.div(dout, f32x4.mul(s, s));
    }
    case Act.Relu6: // TF.js's layer relu6 is minimum(6, relu(x)): step(x) · (x < 6), so 0 at both kinks
      return v128.and(dout, v128.and(f32x4.gt(x, zero), f32x4.lt(x, f32x4.splat(6))));
    case Act.Mish: { // tanh(sp) + x sech²(sp) sigmoid(x) = (n + x · 4 e (e + 1) / d) / d, d = n + 2, sp = softplus(x)
      const cap = f32x4.splat(MISH_LINEAR_FROM);
      const e = exp4(f32x4.min(x, cap));
      const n = mishN(e);
      const d = f32x4.add(n, f32x4.splat(2));
      const sech2SigmoidTimesD = f32x4.div(f32x4.mul(f32x4.mul(e, f32x4.splat(4)), f32x4.add(e, one)), d);
      return v128.bitselect(dout, f32x4.mul(dout, f32x4.div(madd(x, sech2SigmoidTimesD, n), d)), f32x4.gt(x, cap));
    }
    case Act.GeluNew: { // s + x s (1 - s) · 2 sqrt(2/pi) (1 + 3 · 0.044715 x²), s = sigmoid(2u); x² only ever
      // multiplies the product g, which is 0 wherever x² would overflow
      const s = sigmoid4(geluNewArg(x));
      const g = f32x4.mul(x, f32x4.mul(s, f32x4.sub(one, s)));
      const gPoly = madd(f32x4.mul(f32x4.mul(g, x), x), f32x4.splat(3 * GELU_NEW_CUBIC), g);
      return f32x4.mul(dout, madd(gPoly, f32x4.splat(TWO_SQRT_2_OVER_PI), s));
    }
    default:
      return dout;
  }
}

// x (n), out (n); act is a constant at every call site, so the switch in forward4 folds away.
// @ts-ignore: decorator
@inline function forwardLoop(act: i32, x: usize, out: usize, n: i32, alpha: f32): void {
  const a = f32x4.splat(alpha);
  const body = (<usize>(n & ~3)) << 2;
  for (let i: usize = 0; i < body; i += 16) v128.store(out + i, forward4(act, v128.load(x + i), a));
  const rest = n & 3;
  if (rest) storeTail(out + body, forward4(act, loadTail(x + body, rest), a), rest);
}

// x, y, dout, dx (n)
// @ts-ignore: decorator
@inline function backwardLoop(act: i32, x: usize, y: usize, dout: usize, dx: usize, n: i32, alpha: f32): void {
  const a = f32x4.splat(alpha);
  const zero = f32x4.splat(0);
  const body = (<usize>(n & ~3)) << 2;
  for (let i: usize = 0; i < body; i += 16) {
    const xv = backwardUsesX(act) ? v128.load(x + i) : zero;
    const yv = backwardUsesY(act) ? v128.load(y + i) : zero;
    v128.store(dx + i, backward4(act, xv, yv, v128.load(dout + i), a));
  }
  const rest = n & 3;
  if (rest) {
    const xv = backwardUsesX(act) ? loadTail(x + body, rest) : zero;
    const yv = backwardUsesY(act) ? loadTail(y + body, rest) : zero;
    storeTail(dx + body, backward4(act, xv, yv, loadTail(dout + body, rest), a), rest);
  }
}

// x (n), out (n); out may be x
export function activationForward(act: i32, x: usize, out: usize, n: i32, alpha: f32): void {
  switch (act) {
    case Act.Relu: forwardLoop(Act.Relu, x, out, n, alpha); break;
    case Act.LeakyRelu: forwardLoop(Act.LeakyRelu, x, out, n, alpha); break;
    case Act.Elu: forwardLoop(Act.Elu, x, out, n, alpha); break;
    case Act.Selu: forwardLoop(Act.Selu, x, out, n, alpha); break;
    case Act.Sigmoid: forwardLoop(Act.Sigmoid, x, out, n, alpha); break;
    case Act.Tanh: forwardLoop(Act.Tanh, x, out, n, alpha); break;
    case Act.Softplus: forwardLoop(Act.Softplus, x, out, n, alpha); break;
    case Act.Gelu: forwardLoop(Act.Gelu, x, out, n, alpha); break;
    case Act.Swish: forwardLoop(Act.Swish, x, out, n, alpha); break;
    case Act.HardSigmoid: forwardLoop(Act.HardSigmoid, x, out, n, alpha); break;
    case Act.Softsign: forwardLoop(Act.Softsign, x, out, n, alpha); break;
    case Act.Relu6: forwardLoop(Act.Relu6, x, out, n, alpha); break;
    case Act.Mish: forwardLoop(Act.Mish, x, out, n, alpha); break;
    case Act.GeluNew: forwardLoop(Act.GeluNew, x, out, n, alpha); break;
    default: if (out != x) memory.copy(out, x, (<usize>n) << 2); // Linear
  }
}

// x, y = f(x), dout, dx (n); dx may be dout
export function activationBackward(act: i32, x: usize, y: usize, dout: usize, dx: usize, n: i32, alpha: f32): void {
  switch (act) {
    case Act.Relu: backwardLoop(Act.Relu, x, y, dout, dx, n, alpha); break;
    case Act.LeakyRelu: backwardLoop(Act.LeakyRelu, x, y, dout, dx, n, alpha); break;
    case Act.Elu: backwardLoop(Act.Elu, x, y, dout, dx, n, alpha); break;
    case Act.Selu: backwardLoop(Act.Selu, x, y, dout, dx, n, alpha); break;
    case Act.Sigmoid: backwardLoop(Act.Sigmoid, x, y, dout, dx, n, alpha); break;
    case Act.Tanh: backwardLoop(Act.Tanh, x, y, dout, dx, n, alpha); break;
    case Act.Softplus: backwardLoop(Act.Softplus, x, y, dout, dx, n, alpha); break;
    case Act.Gelu: backwardLoop(Act.Gelu, x, y, dout, dx, n, alpha); break;
    case Act.Swish: backwardLoop(Act.Swish, x, y, dout, dx, n, alpha); break;
    case Act.HardSigmoid: backwardLoop(Act.HardSigmoid, x, y, dout, dx, n, alpha); break;
    case Act.Softsign: backwardLoop(Act.Softsign, x, y, dout, dx, n, alpha); break;
    case Act.Relu6: backwardLoop(Act.Relu6, x, y, dout, dx, n, alpha); break;
    case Act.Mish: backwardLoop(Act.Mish, x, y, dout, dx, n, alpha); break;
    case Act.GeluNew: backwardLoop(Act.GeluNew, x, y, dout, dx, n, alpha); break;
    default: if (dx != dout) memory.copy(dx, dout, (<usize>n) << 2); // Linear
  }
}

// @ts-ignore: decorator
@inline function sumLanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + (f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3));
}

// x (m,n), out (m,n); out may be x. exp(x - row max) / sum: the largest term is exp(0) = 1, so nothing overflows.
export function softmaxForward(x: usize, out: usize, m: i32, n: i32): void {
  const rowBytes = (<usize>n) << 2;
  const body = (<usize>(n & ~3)) << 2;
  const rest = n & 3;
  for (let i = 0; i < m; i++) {
    const xRow = x + <usize>i * rowBytes;
    const outRow = out + <usize>i * rowBytes;
    const shift = f32x4.splat(rowMax(xRow, body, rowBytes));
    let sums = f32x4.splat(0);
    for (let j: usize = 0; j < body; j += 16) {
      const e = exp4(f32x4.sub(v128.load(xRow + j), shift));
      v128.store(outRow + j, e);
      sums = f32x4.add(sums, e);
    }
    let total = sumLanes(sums);
    if (rest) {
      storeTail(outRow + body, exp4(f32x4.sub(loadTail(xRow + body, rest), shift)), rest);
      for (let j = body; j < rowBytes; j += 4) total += load<f32>(outRow + j);
    }

    const inv: f32 = 1 / total;
    const scale = f32x4.splat(inv);
    for (let j: usize = 0; j < body; j += 16) v128.store(outRow + j, f32x4.mul(v128.load(outRow + j), scale));
    for (let j = body; j < rowBytes; j += 4) store<f32>(outRow + j, load<f32>(outRow + j) * inv);
  }
}

// y (m,n), dout (m,n), dx (m,n); dx may be dout. dx = y * (dout - dot(dout, y)) per row.
export function softmaxBackward(y: usize, dout: usize, dx: usize, m: i32, n: i32): void {
  const rowBytes = (<usize>n) << 2;
  const body = (<usize>(n & ~3)) << 2;
  for (let i = 0; i < m; i++) {
    const offset = <usize>i * rowBytes;
    const yRow = y + offset;
    const doutRow = dout + offset;
    const dxRow = dx + offset;
    let dots = f32x4.splat(0);
    for (let j: usize = 0; j < body; j += 16) dots = madd(v128.load(doutRow + j), v128.load(yRow + j), dots);
    let dot = sumLanes(dots);
    for (let j = body; j < rowBytes; j += 4) dot += load<f32>(doutRow + j) * load<f32>(yRow + j);

    const d = f32x4.splat(dot);
    for (let j: usize = 0; j < body; j += 16) {
      v128.store(dxRow + j, f32x4.mul(v128.load(yRow + j), f32x4.sub(v128.load(doutRow + j), d)));
    }
    for (let j = body; j < rowBytes; j += 4) store<f32>(dxRow + j, load<f32>(yRow + j) * (load<f32>(doutRow + j) - dot));
  }
}

// y = logSoftmax(x) (m,n), dout (m,n), dx (m,n); dx may be dout. dx = dout - exp(y) * sum(dout) per row, TF.js's
// gradient (exp(y) is the softmax).
export function logSoftmaxBackward(y: usize, dout: usize, dx: usize, m: i32, n: i32): void {
  const rowBytes = (<usize>n) << 2;
  const body = (<usize>(n & ~3)) << 2;
  const rest = n & 3;
  for (let i = 0; i < m; i++) {
    const offset = <usize>i * rowBytes;
    const yRow = y + offset;
    const doutRow = dout + offset;
    const dxRow = dx + offset;
    let sums = f32x4.splat(0);
    for (let j: usize = 0; j < body; j += 16) sums = f32x4.add(sums, v128.load(doutRow + j));
    let total = sumLanes(sums);
    for (let j = body; j < rowBytes; j += 4) total += load<f32>(doutRow + j);

    const t = f32x4.splat(total);
    for (let j: usize = 0; j < body; j += 16) {
      v128.store(dxRow + j, f32x4.sub(v128.load(doutRow + j), f32x4.mul(exp4(v128.load(yRow + j)), t)));
    }
    if (rest) storeTail(dxRow + body, f32x4.sub(loadTail(doutRow + body, rest), f32x4.mul(exp4(loadTail(yRow + body, rest)), t)), rest);
  }
}
