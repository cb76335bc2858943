// Elementwise math of one tensor, out = f(x) over n contiguous values, by code (codes.ts Unary); and the row-wise
// log-softmax. Codes with a wasm SIMD instruction (or a SIMD polynomial in ./math) run four lanes at a time, the
// loop tail through the same vector code; the rest are libm's Mathf, one value at a time.

import { Unary } from './codes';
import { erf4, exp4, log1pUnit4, rowMax } from './math';

/** Codes that read and write i32 (int32 and bool); the others read f32. */
// @ts-ignore: decorator
@inline function intIn(code: i32): bool {
  return code >= Unary.NegInt;
}

/** Codes without a SIMD form: they call Mathf for each value. */
// @ts-ignore: decorator
@inline function scalarOnly(code: i32): bool {
  return code >= Unary.Expm1 && code <= Unary.Atanh;
}

// A comparison's all-ones lanes as 1.
// @ts-ignore: decorator
@inline function bool4(mask: v128): v128 {
  return i32x4.shr_u(mask, 31);
}

/** f(x) for four lanes; a and b are the code's parameters, splat as f32 (or i32 for the int codes). */
// @ts-ignore: decorator
@inline function lanes(code: i32, x: v128, a: v128, b: v128): v128 {
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  switch (code) {
    case Unary.Neg: return f32x4.neg(x);
    case Unary.Abs: return f32x4.abs(x);
    case Unary.Square: return f32x4.mul(x, x);
    case Unary.Sqrt: return f32x4.sqrt(x);
    case Unary.Rsqrt: return f32x4.div(one, f32x4.sqrt(x));
    case Unary.Reciprocal: return f32x4.div(one, x);
    case Unary.Floor: return f32x4.floor(x);
    case Unary.Ceil: return f32x4.ceil(x);
    case Unary.Round: return f32x4.nearest(x); // half to even, as TF.js
    case Unary.Sign: return f32x4.convert_i32x4_s(i32x4.sub(f32x4.lt(x, zero), f32x4.gt(x, zero))); // masks are -1: (x<0) - (x>0)
    case Unary.Step: // TF.js: NaN stays NaN, else x > 0 ? 1 : alpha
      return v128.bitselect(x, v128.bitselect(one, a, f32x4.gt(x, zero)), f32x4.ne(x, x));
    case Unary.Clip: return f32x4.pmin(f32x4.pmax(x, a), b); // x < a ? a : x, then b < that ? b : that; NaN stays
    case Unary.InRange: return v128.and(v128.and(f32x4.ge(x, a), f32x4.le(x, b)), one);
    case Unary.Exp: return exp4(x);
    case Unary.Erf: return erf4(x);
    case Unary.LogSigmoid: // -softplus(-x) = min(x, 0) - log1p(e^-|x|): no overflow, no cancellation
      return f32x4.sub(f32x4.min(x, zero), log1pUnit4(exp4(f32x4.neg(f32x4.abs(x)))));
    case Unary.IsNaN: return bool4(f32x4.ne(x, x));
    case Unary.IsInf: return bool4(f32x4.eq(f32x4.abs(x), f32x4.splat(Infinity)));
    case Unary.IsFinite: return bool4(f32x4.lt(f32x4.abs(x), f32x4.splat(Infinity)));
    case Unary.NegInt: return i32x4.neg(x);
    case Unary.AbsInt: return i32x4.abs(x);
    case Unary.SquareInt: return i32x4.mul(x, x);
    case Unary.SignInt: return i32x4.sub(i32x4.lt_s(x, i32x4.splat(0)), i32x4.gt_s(x, i32x4.splat(0)));
    case Unary.ClipInt: return i32x4.min_s(i32x4.max_s(x, a), b);
    default: return bool4(i32x4.eq(x, i32x4.splat(0))); // LogicalNot
  }
}

/** f(x) for one value, for the codes computed by Mathf. */
// @ts-ignore: decorator
@inline function one(code: i32, x: f32): f32 {
  switch (code) {
    case Unary.Expm1: return Mathf.expm1(x);
    case Unary.Log: return Mathf.log(x);
    case Unary.Log1p: return Mathf.log1p(x);
    case Unary.Sin: return Mathf.sin(x);
    case Unary.Cos: return Mathf.cos(x);
    case Unary.Tan: return Mathf.tan(x);
    case Unary.Asin: return Mathf.asin(x);
    case Unary.Acos: return Mathf.acos(x);
    case Unary.Atan: return Mathf.atan(x);
    case Unary.Sinh: return Mathf.sinh(x);
    case Unary.Cosh: return Mathf.cosh(x);
    case Unary.Asinh: return Mathf.asinh(x);
    case Unary.Acosh: return Mathf.acosh(x);
    default: return Mathf.atanh(x);
  }
}

/** An integer bound for ClipInt: a clipped i32 result is stored truncated, as TF.js's Int32Array stores it. */
// @ts-ignore: decorator
@inline function intBound(v: f64): i32 {
  return <i32>max(min(trunc(v), 2147483647.0), -2147483648.0);
}

/** The first `count` (1..3) words at p in the low lanes, zeros above (bit-exact for f32 and i32 alike). */
// @ts-ignore: decorator
@inline function loadRest(p: usize, count: i32): v128 {
  let v = i32x4.replace_lane(i32x4.splat(0), 0, load<i32>(p));
  if (count > 1) v = i32x4.replace_lane(v, 1, load<i32>(p, 4));
  if (count > 2) v = i32x4.replace_lane(v, 2, load<i32>(p, 8));
  return v;
}

/** Stores the low `count` (1..3) lanes of v at p. */
// @ts-ignore: decorator
@inline function storeRest(p: usize, v: v128, count: i32): void {
  store<i32>(p, i32x4.extract_lane(v, 0));
  if (count > 1) store<i32>(p, i32x4.extract_lane(v, 1), 4);
  if (count > 2) store<i32>(p, i32x4.extract_lane(v, 2), 8);
}

// x (n), out (n); code is a constant at every call site, so lanes() and one() fold to straight loops.
// @ts-ignore: decorator
@inline function map(code: i32, x: usize, out: usize, n: i32, a: f64, b: f64): void {
  const body = (<usize>(n & ~3)) << 2;
  if (scalarOnly(code)) {
    const end = (<usize>n) << 2;
    for (let i: usize = 0; i < end; i += 4) store<f32>(out + i, one(code, load<f32>(x + i)));
    return;
  }
  const av = intIn(code) ? i32x4.splat(intBound(a)) : f32x4.splat(<f32>a);
  const bv = intIn(code) ? i32x4.splat(intBound(b)) : f32x4.splat(<f32>b);
  for (let i: usize = 0; i < body; i += 16) v128.store(out + i, lanes(code, v128.load(x + i), av, bv));
  const rest = n & 3;
  if (rest) storeRest(out + body, lanes(code, loadRest(x + body, rest), av, bv), rest);
}

// x (n), out (n); out may be x. a, b: Step's alpha, the bounds of Clip, InRange and ClipInt.
export function unary(code: i32, x: usize, out: usize, n: i32, a: f64, b: f64): void {
  switch (code) {
    case Unary.Neg: map(Unary.Neg, x, out, n, a, b); break;
    case Unary.Abs: map(Unary.Abs, x, out, n, a, b); break;
    case Unary.Square: map(Unary.Square, x, out, n, a, b); break;
    case Unary.Sqrt: map(Unary.Sqrt, x, out, n, a, b); break;
    case Unary.Rsqrt: map(Unary.Rsqrt, x, out, n, a, b); break;
    case Unary.Reciprocal: map(Unary.Reciprocal, x, out, n, a, b); break;
    case Unary.Floor: map(Unary.Floor, x, out, n, a, b); break;
    case Unary.Ceil: map(Unary.Ceil, x, out, n, a, b); break;
    case Unary.Round: map(Unary.Round, x, out, n, a, b); break;
    case Unary.Sign: map(Unary.Sign, x, out, n, a, b); break;
    case Unary.Step: map(Unary.Step, x, out, n, a, b); break;
    case Unary.Clip: map(Unary.Clip, x, out, n, a, b); break;
    case Unary.InRange: map(Unary.InRange, x, out, n, a, b); break;
    case Unary.Exp: map(Unary.Exp, x, out, n, a, b); break;
    case Unary.Erf: map(Unary.Erf, x, out, n, a, b); break;
    case Unary.LogSigmoid: map(Unary.LogSigmoid, x, out, n, a, b); break;
    case Unary.Expm1: map(Unary.Expm1, x, out, n, a, b); break;
    case Unary.Log: map(Unary.Log, x, out, n, a, b); break;
    case Unary.Log1p: map(Unary.Log1p, x, out, n, a, b); break;
    case Unary.Sin: map(Unary.Sin, x, out, n, a, b); break;
    case Unary.Cos: map(Unary.Cos, x, out, n, a, b); break;
    case Unary.Tan: map(Unary.Tan, x, out, n, a, b); break;
    case Unary.Asin: map(Unary.Asin, x, out, n, a, b); break;
    case Unary.Acos: map(Unary.Acos, x, out, n, a, b); break;
    case Unary.Atan: map(Unary.Atan, x, out, n, a, b); break;
    case Unary.Sinh: map(Unary.Sinh, x, out, n, a, b); break;
    case Unary.Cosh: map(Unary.Cosh, x, out, n, a, b); break;
    case Unary.Asinh: map(Unary.Asinh, x, out, n, a, b); break;
    case Unary.Acosh: map(Unary.Acosh, x, out, n, a, b); break;
    case Unary.Atanh: map(Unary.Atanh, x, out, n, a, b); break;
    case Unary.IsNaN: map(Unary.IsNaN, x, out, n, a, b); break;
    case Unary.IsInf: map(Unary.IsInf, x, out, n, a, b); break;
    case Unary.IsFinite: map(Unary.IsFinite, x, out, n, a, b); break;
    case Unary.NegInt: map(Unary.NegInt, x, out, n, a, b); break;
    case Unary.AbsInt: map(Unary.AbsInt, x, out, n, a, b); break;
    case Unary.SquareInt: map(Unary.SquareInt, x, out, n, a, b); break;
    case Unary.SignInt: map(Unary.SignInt, x, out, n, a, b); break;
    case Unary.ClipInt: map(Unary.ClipInt, x, out, n, a, b); break;
    case Unary.LogicalNot: map(Unary.LogicalNot, x, out, n, a, b); break;
  }
}

// x (m,n), out (m,n); out may be x. Per row, as TF.js computes it: (x - max) - log(sum(exp(x - max))), the sum
// in f64 (so long rows lose nothing), its log rounded once to f32. A NaN or +Infinity in a row makes it all NaN.
export function logSoftmaxForward(x: usize, out: usize, m: i32, n: i32): void {
  const rowBytes = (<usize>n) << 2;
  const body = (<usize>(n & ~3)) << 2;
  const rest = n & 3;
  for (let i = 0; i < m; i++) {
    const xRow = x + <usize>i * rowBytes;
    const outRow = out + <usize>i * rowBytes;
    const shift = f32x4.splat(rowMax(xRow, body, rowBytes));
    let sum01 = f64x2.splat(0);
    let sum23 = f64x2.splat(0);
    for (let j: usize = 0; j < body; j += 16) {
      const e = exp4(f32x4.sub(v128.load(xRow + j), shift));
      sum01 = f64x2.add(sum01, f64x2.promote_low_f32x4(e));
      sum23 = f64x2.add(sum23, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));
    }
    let total = (f64x2.extract_lane(sum01, 0) + f64x2.extract_lane(sum01, 1)) + (f64x2.extract_lane(sum23, 0) + f64x2.extract_lane(sum23, 1));
    if (rest) {
      const e = exp4(f32x4.sub(loadRest(xRow + body, rest), shift));
      total += <f64>f32x4.extract_lane(e, 0);
      if (rest > 1) total += <f64>f32x4.extract_lane(e, 1);
      if (rest > 2) total += <f64>f32x4.extract_lane(e, 2);
    }

    const logSum = f32x4.splat(<f32>Math.log(total));
    for (let j: usize = 0; j < body; j += 16) v128.store(outRow + j, f32x4.sub(f32x4.sub(v128.load(xRow + j), shift), logSum));
    if (rest) storeRest(outRow + body, f32x4.sub(f32x4.sub(loadRest(xRow + body, rest), shift), logSum), rest);
  }
}
