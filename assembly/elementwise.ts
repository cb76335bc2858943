// Elementwise arithmetic, bias add/grad, sums, the weight penalty and argMax over f32 in linear memory, SIMD
// where training spends time. Leaves out activations and softmax (activations.ts) and unary math (unary.ts).

import { BinOp, Bcast } from './codes';

// ---- row helpers: one pass of `a op b` over len elements, each operand a vector or a single value ----
// Inlined with a constant op, so every call site compiles to one straight SIMD loop.

@inline function applyV(op: i32, a: v128, b: v128): v128 {
  if (op == BinOp.Add) return f32x4.add(a, b);
  if (op == BinOp.Sub) return f32x4.sub(a, b);
  if (op == BinOp.Mul) return f32x4.mul(a, b);
  return f32x4.div(a, b);
}

@inline function applyS(op: i32, a: f32, b: f32): f32 {
  if (op == BinOp.Add) return a + b;
  if (op == BinOp.Sub) return a - b;
  if (op == BinOp.Mul) return a * b;
  return a / b;
}

// a (len), b (len), out (len); out may be a or b
@inline function rowVV(op: i32, a: usize, b: usize, out: usize, len: i32): void {
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, applyV(op, v128.load(a + o), v128.load(b + o)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, applyS(op, load<f32>(a + o), load<f32>(b + o)));
  }
}

// a (len), out (len) = a op s; out may be a
@inline function rowVS(op: i32, a: usize, s: f32, out: usize, len: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, applyV(op, v128.load(a + o), sv));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, applyS(op, load<f32>(a + o), s));
  }
}

// b (len), out (len) = s op b; out may be b
@inline function rowSV(op: i32, s: f32, b: usize, out: usize, len: i32): void {
  const sv = f32x4.splat(s);
  let i = 0;
  for (; i + 4 <= len; i += 4) {
    const o = <usize>i << 2;
    v128.store(out + o, applyV(op, sv, v128.load(b + o)));
  }
  for (; i < len; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, applyS(op, s, load<f32>(b + o)));
  }
}

// rows x len elements: a and b advance by aStep / bStep bytes per row (0 for a Row or Scalar operand)
@inline function binaryRows(op: i32, a: usize, aScalar: bool, aStep: usize, b: usize, bScalar: bool, bStep: usize, out: usize, rows: i32, len: i32): void {
  const rowBytes = <usize>len << 2;
  if (aScalar && bScalar) {
    fill(out, rows * len, applyS(op, load<f32>(a), load<f32>(b)));
  } else if (bScalar) {
    const s = load<f32>(b);
    for (let i = 0; i < rows; i++) rowVS(op, a + <usize>i * aStep, s, out + <usize>i * rowBytes, len);
  } else if (aScalar) {
    const s = load<f32>(a);
    for (let i = 0; i < rows; i++) rowSV(op, s, b + <usize>i * bStep, out + <usize>i * rowBytes, len);
  } else {
    for (let i = 0; i < rows; i++) rowVV(op, a + <usize>i * aStep, b + <usize>i * bStep, out + <usize>i * rowBytes, len);
  }
}

// ---- bias ----

// x (m,n), bias (n), out (m,n); out may be x
export function biasAdd(x: usize, bias: usize, out: usize, m: i32, n: i32): void {
  const rowBytes = <usize>n << 2;
  for (let i = 0; i < m; i++) rowVV(BinOp.Add, x + <usize>i * rowBytes, bias, out + <usize>i * rowBytes, n);
}

// ---- reductions ----
// Every sum accumulates in f64, where f32 terms neither overflow nor lose each other's low bits, and any
// scale (a mean's 1/n) is applied in f64 before the one rounding to f32: the mean of four 1e38 is 1e38.

// Lanes 0-1 and 2-3 of four f32, as f64x2.
@inline function low2(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
@inline function high2(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

const PLAIN = 0;
const SQUARES = 1;
const ABS = 2;

// Sum of x[i] (or x[i]^2, |x[i]|) in f64 as four partial sums, one per lane i % 4, combined as
// (s0 + s1) + (s2 + s3), then the tail in order. The js twin keeps the same four sums: the same bits.
@inline function sumLanes(x: usize, n: i32, mode: i32): f64 {
  let s01 = f64x2.splat(0);
  let s23 = f64x2.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    let lo = low2(v);
    let hi = high2(v);
    if (mode == SQUARES) {
      lo = f64x2.mul(lo, lo); // exact: a product of two f32 fits in f64
      hi = f64x2.mul(hi, hi);
    } else if (mode == ABS) {
      lo = f64x2.abs(lo);
      hi = f64x2.abs(hi);
    }
    s01 = f64x2.add(s01, lo);
    s23 = f64x2.add(s23, hi);
  }
  let s = (f64x2.extract_lane(s01, 0) + f64x2.extract_lane(s01, 1)) + (f64x2.extract_lane(s23, 0) + f64x2.extract_lane(s23, 1));
  for (; i < n; i++) {
    const v = <f64>load<f32>(x + (<usize>i << 2));
    s += mode == SQUARES ? v * v : mode == ABS ? Math.abs(v) : v;
  }
  return s;
}

// x (n)
export function sum(x: usize, n: i32): f64 {
  return sumLanes(x, n, PLAIN);
}

// x (m,n), out (m): out[i] = scale * row sum, each row summed as `sum` sums, scaled in f64, rounded once
export function rowSums(x: usize, out: usize, m: i32, n: i32, scale: f64): void {
  const rowBytes = <usize>n << 2;
  for (let i = 0; i < m; i++) store<f32>(out + (<usize>i << 2), <f32>(sumLanes(x + <usize>i * rowBytes, n, PLAIN) * scale));
}

// out (4) (+)= scale * (lo, hi) in f64, rounded once
@inline function storeSums4(out: usize, lo: v128, hi: v128, accumulate: i32, scale: f64): void {
  const s = f64x2.splat(scale);
  lo = f64x2.mul(lo, s);
  hi = f64x2.mul(hi, s);
  if (accumulate) {
    const old = v128.load(out);
    lo = f64x2.add(low2(old), lo);
    hi = f64x2.add(high2(old), hi);
  }
  const a = f32x4.demote_f64x2_zero(lo);
  const b = f32x4.demote_f64x2_zero(hi);
  v128.store(out, v128.shuffle<f32>(a, b, 0, 1, 4, 5));
}

// dout (m,n), db (n): db (+)= scale * column sums (the bias gradient, and sums and means over a leading axis).
// Each column adds its m values in row order in f64, then is scaled (and added to db's old value) in f64 and
// rounded once; the js twin sums in the same order, so the bits agree. Eight columns at a time keep four
// independent f64x2 sums in registers, enough to make the f32 -> f64 promotion the limit; then four, then one.
export function biasGrad(dout: usize, db: usize, m: i32, n: i32, accumulate: i32, scale: f64): void {
  const rowBytes = <usize>n << 2;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let p = dout + (<usize>j << 2);
    for (let i = 0; i < m; i++, p += rowBytes) {
      const a = v128.load(p);
      const b = v128.load(p, 16);
      s0 = f64x2.add(s0, low2(a));
      s1 = f64x2.add(s1, high2(a));
      s2 = f64x2.add(s2, low2(b));
      s3 = f64x2.add(s3, high2(b));
    }
    storeSums4(db + (<usize>j << 2), s0, s1, accumulate, scale);
    storeSums4(db + (<usize>j << 2) + 16, s2, s3, accumulate, scale);
  }
  if (j + 4 <= n) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let p = dout + (<usize>j << 2);
    for (let i = 0; i < m; i++, p += rowBytes) {
      const a = v128.load(p);
      s0 = f64x2.add(s0, low2(a));
      s1 = f64x2.add(s1, high2(a));
    }
    storeSums4(db + (<usize>j << 2), s0, s1, accumulate, scale);
    j += 4;
  }
  for (; j < n; j++) {
    let s: f64 = 0;
    let p = dout + (<usize>j << 2);
    for (let i = 0; i < m; i++, p += rowBytes) s += <f64>load<f32>(p);
    const o = db + (<usize>j << 2);
    s *= scale;
    store<f32>(o, <f32>(accumulate ? <f64>load<f32>(o) + s : s));
  }
}

// x (n)
export function sumSquares(x: usize, n: i32): f64 {
  return sumLanes(x, n, SQUARES);
}

// w (n), g (n) or 0: returns l1*sum|w| + l2*sum w^2 (f64 sums; a zero coefficient skips its sum), and when
// g != 0 adds l1*sign(w) + l2*(2w) into g in f32. sign(w) is TF.js's gradient of |w|, step(w, -1): 1 for w > 0,
// else -1, so a weight at 0 moves (a NaN weight's penalty is NaN, which fit refuses before any update).
export function penalty(w: usize, g: usize, n: i32, l1: f64, l2: f64): f64 {
  if (g != 0) {
    const l1f = <f32>l1;
    const l2f = <f32>l2;
    const l1v = f32x4.splat(l1f);
    const l2v = f32x4.splat(l2f);
    const zero = f32x4.splat(0);
    const one = f32x4.splat(1);
    const minusOne = f32x4.splat(-1);
    let i = 0;
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const wi = v128.load(w + o);
      const sign = v128.bitselect(one, minusOne, f32x4.gt(wi, zero));
      const d = f32x4.add(f32x4.mul(l1v, sign), f32x4.mul(l2v, f32x4.add(wi, wi)));
      v128.store(g + o, f32x4.add(v128.load(g + o), d));
    }
    for (; i < n; i++) {
      const o = <usize>i << 2;
      const wi = load<f32>(w + o);
      const sign: f32 = wi > 0 ? 1 : -1;
      store<f32>(g + o, load<f32>(g + o) + (l1f * sign + l2f * (wi + wi)));
    }
  }
  let total: f64 = 0;
  if (l1 != 0) total += l1 * sumLanes(w, n, ABS);
  if (l2 != 0) total += l2 * sumLanes(w, n, SQUARES);
  return total;
}

// ---- elementwise ----

// a, b per their Bcast modes against out (m,n); out may alias a Full operand
export function binary(op: i32, a: usize, aMode: i32, b: usize, bMode: i32, out: usize, m: i32, n: i32): void {
  // Without a Row operand the layout is irrelevant: treat [m,n] as one row of m*n.
  const flat = aMode != Bcast.Row && bMode != Bcast.Row;
  const rows = flat ? 1 : m;
  const len = flat ? m * n : n;
  const aScalar = aMode == Bcast.Scalar;
  const bScalar = bMode == Bcast.Scalar;
  const aStep: usize = aMode == Bcast.Full ? <usize>len << 2 : 0;
  const bStep: usize = bMode == Bcast.Full ? <usize>len << 2 : 0;
  switch (op) {
    case BinOp.Add: binaryRows(BinOp.Add, a, aScalar, aStep, b, bScalar, bStep, out, rows, len); break;
    case BinOp.Sub: binaryRows(BinOp.Sub, a, aScalar, aStep, b, bScalar, bStep, out, rows, len); break;
    case BinOp.Mul: binaryRows(BinOp.Mul, a, aScalar, aStep, b, bScalar, bStep, out, rows, len); break;
    default: binaryRows(BinOp.Div, a, aScalar, aStep, b, bScalar, bStep, out, rows, len);
  }
}

// x (n), out (n) = x * s; out may be x
export function scale(x: usize, out: usize, n: i32, s: f32): void {
  rowVS(BinOp.Mul, x, s, out, n);
}

// out (n) = value
export function fill(out: usize, n: i32, value: f32): void {
  const v = f32x4.splat(value);
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), v);
  for (; i < n; i++) store<f32>(out + (<usize>i << 2), value);
}

// x (m,n), out i32 (n) for axis 0 or (m) for axis 1. As TF.js's CPU argMax: the running maximum starts at
// the first element and is replaced only by a strictly greater value, so the first maximum wins, a NaN
// later in the line is never chosen, and a NaN first element makes the answer 0.
export function argMax(x: usize, out: usize, m: i32, n: i32, axis: i32): void {
  if (axis == 0) {
    // Row by row over memory; the current maximum of column j is re-read through out[j].
    for (let j = 0; j < n; j++) store<i32>(out + (<usize>j << 2), 0);
    for (let i = 1; i < m; i++) {
      const row = x + (<usize>i * <usize>n << 2);
      for (let j = 0; j < n; j++) {
        const best = load<i32>(out + (<usize>j << 2));
        if (load<f32>(row + (<usize>j << 2)) > load<f32>(x + ((<usize>best * <usize>n + <usize>j) << 2))) {
          store<i32>(out + (<usize>j << 2), i);
        }
      }
    }
  } else {
    for (let i = 0; i < m; i++) {
      const row = x + (<usize>i * <usize>n << 2);
      let max = load<f32>(row);
      let best = 0;
      for (let j = 1; j < n; j++) {
        const v = load<f32>(row + (<usize>j << 2));
        if (v > max) {
          max = v;
          best = j;
        }
      }
      store<i32>(out + (<usize>i << 2), best);
    }
  }
}
