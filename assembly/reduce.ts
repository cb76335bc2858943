// Reductions and scans over the middle axis of x viewed as [outer, dim, inner], top-k per row, the distinct
// slices along an axis and bin counts, over 4-byte values (f32, or i32 for int32 and bool). Rows (inner = 1)
// and columns (inner > 1) each have a SIMD path; sums and products accumulate in f64 and round once.

import { Reduce } from './codes';

@inline function isInt(op: i32): bool {
  return op >= 32;
}

// Lanes 0-1 and 2-3 of four f32, as f64x2.
@inline function low2(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
@inline function high2(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

// Column loops run over blocks of `width` columns: 8 (two vectors, for independent chains and whole cache
// lines), 4, or 1 for the last few, where the one value at p fills every lane and lane 0 is stored back.
@inline function load4(width: i32, p: usize): v128 {
  return width > 1 ? v128.load(p) : v128.load32_splat(p);
}
@inline function store4(width: i32, p: usize, v: v128): void {
  if (width > 1) v128.store(p, v);
  else v128.store32_lane(p, v, 0);
}

// (lo, hi) f64x2 scaled in f64 and rounded once to four f32.
@inline function demote4(lo: v128, hi: v128, scale: f64): v128 {
  const s = f64x2.splat(scale);
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(f64x2.mul(lo, s)), f32x4.demote_f64x2_zero(f64x2.mul(hi, s)), 0, 1, 4, 5);
}

// ---- sums and products of f32, in f64 ----

@inline function isProd(op: i32): bool {
  return op == Reduce.Prod;
}
@inline function unit(op: i32): f64 {
  return isProd(op) ? 1 : 0;
}
@inline function accS(op: i32, a: f64, b: f64): f64 {
  return isProd(op) ? a * b : a + b;
}
@inline function accV(op: i32, a: v128, b: v128): v128 {
  return isProd(op) ? f64x2.mul(a, b) : f64x2.add(a, b);
}

// One row of n values: four partial results, one per lane i % 4, combined as (r0 . r1) . (r2 . r3), then
// the last n % 4 values in order. The js twin keeps the same four: the same bits.
@inline function accumulateRow(op: i32, x: usize, n: i32): f64 {
  let a01 = f64x2.splat(unit(op));
  let a23 = a01;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    a01 = accV(op, a01, low2(v));
    a23 = accV(op, a23, high2(v));
  }
  let r = accS(op, accS(op, f64x2.extract_lane(a01, 0), f64x2.extract_lane(a01, 1)), accS(op, f64x2.extract_lane(a23, 0), f64x2.extract_lane(a23, 1)));
  for (; i < n; i++) r = accS(op, r, <f64>load<f32>(x + (<usize>i << 2)));
  return r;
}

// Columns [j, j + width) of [dim, inner]: each accumulates its dim values in row order.
@inline function accumulateColumns(op: i32, width: i32, x: usize, out: usize, dim: i32, inner: i32, j: i32, scale: f64): void {
  const rowBytes = <usize>inner << 2;
  let a0 = f64x2.splat(unit(op));
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  let p = x + (<usize>j << 2);
  for (let i = 0; i < dim; i++, p += rowBytes) {
    const v = load4(width, p);
    a0 = accV(op, a0, low2(v));
    if (width > 1) a1 = accV(op, a1, high2(v));
    if (width == 8) {
      const w = v128.load(p, 16);
      a2 = accV(op, a2, low2(w));
      a3 = accV(op, a3, high2(w));
    }
  }
  const q = out + (<usize>j << 2);
  store4(width, q, demote4(a0, a1, scale));
  if (width == 8) v128.store(q, demote4(a2, a3, scale), 16);
}

// ---- max, min and the integer reductions: one lane op, exact, so the order of the values does not matter ----

@inline function lane(op: i32, a: v128, b: v128): v128 {
  if (op == Reduce.Max) return f32x4.max(a, b); // NaN wins, as in TF.js
  if (op == Reduce.Min) return f32x4.min(a, b);
  if (op == Reduce.SumInt) return i32x4.add(a, b); // wraps, as an Int32Array stores
  if (op == Reduce.ProdInt) return i32x4.mul(a, b);
  if (op == Reduce.MaxInt) return i32x4.max_s(a, b);
  return i32x4.min_s(a, b);
}

// One row of n values into out (one value): lanes folded (four vectors at a time, independent chains), then
// the lanes together, then the tail.
@inline function foldRow(op: i32, x: usize, out: usize, n: i32): void {
  let acc: v128;
  let i = 4;
  if (n < 4) {
    acc = v128.load32_splat(x);
    i = 1;
  } else {
    acc = v128.load(x);
    if (n >= 16) {
      let b = v128.load(x, 16);
      let c = v128.load(x, 32);
      let d = v128.load(x, 48);
      for (i = 16; i + 16 <= n; i += 16) {
        const p = x + (<usize>i << 2);
        acc = lane(op, acc, v128.load(p));
        b = lane(op, b, v128.load(p, 16));
        c = lane(op, c, v128.load(p, 32));
        d = lane(op, d, v128.load(p, 48));
      }
      acc = lane(op, lane(op, acc, b), lane(op, c, d));
    }
    for (; i + 4 <= n; i += 4) acc = lane(op, acc, v128.load(x + (<usize>i << 2)));
    acc = lane(op, acc, v128.shuffle<i32>(acc, acc, 2, 3, 0, 1));
    acc = lane(op, acc, v128.shuffle<i32>(acc, acc, 1, 0, 3, 2));
  }
  for (; i < n; i++) acc = lane(op, acc, v128.load32_splat(x + (<usize>i << 2)));
  v128.store32_lane(out, acc, 0);
}

@inline function foldColumns(op: i32, width: i32, x: usize, out: usize, dim: i32, inner: i32, j: i32): void {
  const rowBytes = <usize>inner << 2;
  let p = x + (<usize>j << 2);
  let a = load4(width, p);
  let b = width == 8 ? v128.load(p, 16) : a;
  for (let i = 1; i < dim; i++) {
    p += rowBytes;
    a = lane(op, a, load4(width, p));
    if (width == 8) b = lane(op, b, v128.load(p, 16));
  }
  const q = out + (<usize>j << 2);
  store4(width, q, a);
  if (width == 8) v128.store(q, b, 16);
}

// ---- argMax, argMin: as TF.js's CPU kernels, the running best starts at the first value and is replaced only
// by a strictly better one, so the first best wins, a NaN is never chosen, and a NaN first value gives 0 ----

@inline function isArg(op: i32): bool {
  return op == Reduce.ArgMax || op == Reduce.ArgMin || op == Reduce.ArgMaxInt || op == Reduce.ArgMinInt;
}
@inline function better(op: i32, v: v128, best: v128): v128 {
  if (op == Reduce.ArgMax) return f32x4.gt(v, best);
  if (op == Reduce.ArgMin) return f32x4.lt(v, best);
  if (op == Reduce.ArgMaxInt) return i32x4.gt_s(v, best);
  return i32x4.lt_s(v, best);
}
@inline function same(op: i32, a: v128, b: v128): v128 {
  return isInt(op) ? i32x4.eq(a, b) : f32x4.eq(a, b);
}

// Lanes where (v, vAt) beats (best, at): a better value, or an equal one at a lower index.
@inline function beats(op: i32, v: v128, vAt: v128, best: v128, at: v128): v128 {
  return v128.or(better(op, v, best), v128.and(same(op, v, best), i32x4.lt_s(vAt, at)));
}

// The index of the best of one row of n values. Lane l of two vectors keeps the best of values l, l + 8, ...
// and l + 4, l + 12, ... against the first value; the vectors, then the lanes, meet pairwise (the better
// value, the lower index among equals); the tail comes last. A NaN first value stays in every lane: nothing
// is better or equal, so the answer is 0.
@inline function argRow(op: i32, x: usize, n: i32): i32 {
  let best = v128.load32_splat(x);
  let at = i32x4.splat(0);
  let index = i32x4(0, 1, 2, 3);
  let i = 0;
  if (n >= 8) {
    let best1 = best;
    let at1 = at;
    let index1 = i32x4(4, 5, 6, 7);
    for (; i + 8 <= n; i += 8) {
      const p = x + (<usize>i << 2);
      const v = v128.load(p);
      const w = v128.load(p, 16);
      const m = better(op, v, best);
      const m1 = better(op, w, best1);
      best = v128.bitselect(v, best, m);
      at = v128.bitselect(index, at, m);
      best1 = v128.bitselect(w, best1, m1);
      at1 = v128.bitselect(index1, at1, m1);
      index = i32x4.add(index, i32x4.splat(8));
      index1 = i32x4.add(index1, i32x4.splat(8));
    }
    const m = beats(op, best1, at1, best, at);
    best = v128.bitselect(best1, best, m);
    at = v128.bitselect(at1, at, m);
  }
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const m = better(op, v, best);
    best = v128.bitselect(v, best, m);
    at = v128.bitselect(index, at, m);
    index = i32x4.add(index, i32x4.splat(4));
  }
  let other = v128.shuffle<i32>(best, best, 2, 3, 0, 1);
  let otherAt = v128.shuffle<i32>(at, at, 2, 3, 0, 1);
  let m = beats(op, other, otherAt, best, at);
  best = v128.bitselect(other, best, m);
  at = v128.bitselect(otherAt, at, m);
  other = v128.shuffle<i32>(best, best, 1, 0, 3, 2);
  otherAt = v128.shuffle<i32>(at, at, 1, 0, 3, 2);
  m = beats(op, other, otherAt, best, at);
  best = v128.bitselect(other, best, m);
  at = v128.bitselect(otherAt, at, m);
  let result = i32x4.extract_lane(at, 0);
  for (; i < n; i++) {
    const v = v128.load32_splat(x + (<usize>i << 2));
    if (v128.any_true(better(op, v, best))) {
      best = v;
      result = i;
    }
  }
  return result;
}

@inline function argColumns(op: i32, width: i32, x: usize, out: usize, dim: i32, inner: i32, j: i32): void {
  const rowBytes = <usize>inner << 2;
  let p = x + (<usize>j << 2);
  let best = load4(width, p);
  let best1 = width == 8 ? v128.load(p, 16) : best;
  let at = i32x4.splat(0);
  let at1 = at;
  for (let i = 1; i < dim; i++) {
    p += rowBytes;
    const row = i32x4.splat(i);
    const v = load4(width, p);
    const m = better(op, v, best);
    best = v128.bitselect(v, best, m);
    at = v128.bitselect(row, at, m);
    if (width == 8) {
      const w = v128.load(p, 16);
      const m1 = better(op, w, best1);
      best1 = v128.bitselect(w, best1, m1);
      at1 = v128.bitselect(row, at1, m1);
    }
  }
  const q = out + (<usize>j << 2);
  store4(width, q, at);
  if (width == 8) v128.store(q, at1, 16);
}

// ---- reduce ----

// Columns [j, j + width) of one [dim, inner] block.
@inline function reduceColumns(op: i32, width: i32, x: usize, out: usize, dim: i32, inner: i32, j: i32, scale: f64): void {
  if (op == Reduce.Sum || op == Reduce.Prod) accumulateColumns(op, width, x, out, dim, inner, j, scale);
  else if (isArg(op)) argColumns(op, width, x, out, dim, inner, j);
  else foldColumns(op, width, x, out, dim, inner, j);
}

@inline function reduceAll(op: i32, x: usize, out: usize, outer: i32, dim: i32, inner: i32, scale: f64): void {
  const inBytes = <usize>dim * <usize>inner << 2;
  const outBytes = <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * inBytes;
    const dst = out + <usize>o * outBytes;
    if (inner == 1) {
      if (op == Reduce.Sum || op == Reduce.Prod) store<f32>(dst, <f32>(accumulateRow(op, src, dim) * scale));
      else if (isArg(op)) store<i32>(dst, argRow(op, src, dim));
      else foldRow(op, src, dst, dim);
      continue;
    }
    let j = 0;
    for (; j + 8 <= inner; j += 8) reduceColumns(op, 8, src, dst, dim, inner, j, scale);
    if (j + 4 <= inner) {
      reduceColumns(op, 4, src, dst, dim, inner, j, scale);
      j += 4;
    }
    for (; j < inner; j++) reduceColumns(op, 1, src, dst, dim, inner, j, scale);
  }
}

// x [outer, dim, inner], out [outer, inner] (i32 for the arg ops): out[o, j] = op over i of x[o, i, j]. Sum and
// Prod accumulate in f64 and are scaled by `scale` in f64 before one rounding (a mean's 1/n); dim >= 1.
export function reduce(op: i32, x: usize, out: usize, outer: i32, dim: i32, inner: i32, scale: f64): void {
  switch (op) {
    case Reduce.Sum: reduceAll(Reduce.Sum, x, out, outer, dim, inner, scale); break;
    case Reduce.Prod: reduceAll(Reduce.Prod, x, out, outer, dim, inner, scale); break;
    case Reduce.Max: reduceAll(Reduce.Max, x, out, outer, dim, inner, scale); break;
    case Reduce.Min: reduceAll(Reduce.Min, x, out, outer, dim, inner, scale); break;
    case Reduce.ArgMax: reduceAll(Reduce.ArgMax, x, out, outer, dim, inner, scale); break;
    case Reduce.ArgMin: reduceAll(Reduce.ArgMin, x, out, outer, dim, inner, scale); break;
    case Reduce.SumInt: reduceAll(Reduce.SumInt, x, out, outer, dim, inner, scale); break;
    case Reduce.ProdInt: reduceAll(Reduce.ProdInt, x, out, outer, dim, inner, scale); break;
    case Reduce.MaxInt: reduceAll(Reduce.MaxInt, x, out, outer, dim, inner, scale); break;
    case Reduce.MinInt: reduceAll(Reduce.MinInt, x, out, outer, dim, inner, scale); break;
    case Reduce.ArgMaxInt: reduceAll(Reduce.ArgMaxInt, x, out, outer, dim, inner, scale); break;
    case Reduce.ArgMinInt: reduceAll(Reduce.ArgMinInt, x, out, outer, dim, inner, scale); break;
  }
}

// ---- scan ----

// Columns [j, j + width) of [dim, inner] (width 4 or 8), walked from the first row or (reverse) the last; an
// exclusive scan stores the running value before taking the row's in.
@inline function scanColumns(op: i32, width: i32, x: usize, out: usize, dim: i32, inner: i32, j: i32, exclusive: bool, reverse: bool): void {
  const rowBytes = <usize>inner << 2;
  const offset = (reverse ? <usize>(dim - 1) * rowBytes : 0) + (<usize>j << 2);
  const step: usize = reverse ? -rowBytes : rowBytes; // wraps: adding it steps back
  let p = x + offset;
  let q = out + offset;
  if (isInt(op)) {
    let a = i32x4.splat(op == Reduce.ProdInt ? 1 : 0);
    let b = a;
    for (let i = 0; i < dim; i++, p += step, q += step) {
      if (exclusive) {
        v128.store(q, a);
        if (width == 8) v128.store(q, b, 16);
      }
      a = lane(op, a, v128.load(p));
      if (width == 8) b = lane(op, b, v128.load(p, 16));
      if (!exclusive) {
        v128.store(q, a);
        if (width == 8) v128.store(q, b, 16);
      }
    }
    return;
  }
  let a0 = f64x2.splat(unit(op));
  let a1 = a0;
  let a2 = a0;
  let a3 = a0;
  for (let i = 0; i < dim; i++, p += step, q += step) {
    if (exclusive) {
      v128.store(q, demote4(a0, a1, 1));
      if (width == 8) v128.store(q, demote4(a2, a3, 1), 16);
    }
    const v = v128.load(p);
    a0 = accV(op, a0, low2(v));
    a1 = accV(op, a1, high2(v));
    if (width == 8) {
      const w = v128.load(p, 16);
      a2 = accV(op, a2, low2(w));
      a3 = accV(op, a3, high2(w));
    }
    if (!exclusive) {
      v128.store(q, demote4(a0, a1, 1));
      if (width == 8) v128.store(q, demote4(a2, a3, 1), 16);
    }
  }
}

// One column j of [dim, inner] (a whole row when inner is 1), value by value.
@inline function scanLine(op: i32, x: usize, out: usize, dim: i32, inner: i32, j: i32, exclusive: bool, reverse: bool): void {
  const rowBytes = <usize>inner << 2;
  const offset = (reverse ? <usize>(dim - 1) * rowBytes : 0) + (<usize>j << 2);
  const step: usize = reverse ? -rowBytes : rowBytes; // wraps: adding it steps back
  let p = x + offset;
  let q = out + offset;
  if (isInt(op)) {
    let acc: i32 = op == Reduce.ProdInt ? 1 : 0;
    for (let i = 0; i < dim; i++, p += step, q += step) {
      if (exclusive) store<i32>(q, acc);
      acc = op == Reduce.ProdInt ? acc * load<i32>(p) : acc + load<i32>(p);
      if (!exclusive) store<i32>(q, acc);
    }
    return;
  }
  let acc = unit(op);
  for (let i = 0; i < dim; i++, p += step, q += step) {
    if (exclusive) store<f32>(q, <f32>acc);
    acc = accS(op, acc, <f64>load<f32>(p));
    if (!exclusive) store<f32>(q, <f32>acc);
  }
}

@inline function scanAll(op: i32, x: usize, out: usize, outer: i32, dim: i32, inner: i32, exclusive: bool, reverse: bool): void {
  const bytes = <usize>dim * <usize>inner << 2;
  for (let o = 0; o < outer; o++) {
    const src = x + <usize>o * bytes;
    const dst = out + <usize>o * bytes;
    let j = 0;
    for (; j + 8 <= inner; j += 8) scanColumns(op, 8, src, dst, dim, inner, j, exclusive, reverse);
    if (j + 4 <= inner) {
      scanColumns(op, 4, src, dst, dim, inner, j, exclusive, reverse);
      j += 4;
    }
    for (; j < inner; j++) scanLine(op, src, dst, dim, inner, j, exclusive, reverse);
  }
}

// x, out [outer, dim, inner]: the running sum or product along the middle axis, from its end when reverse,
// leaving each value out of its own output when exclusive; op is Reduce's Sum, Prod, SumInt or ProdInt. f32
// values run in f64, each output rounded once.
export function scan(op: i32, x: usize, out: usize, outer: i32, dim: i32, inner: i32, exclusive: i32, reverse: i32): void {
  const ex = exclusive != 0;
  const rev = reverse != 0;
  switch (op) {
    case Reduce.Sum: scanAll(Reduce.Sum, x, out, outer, dim, inner, ex, rev); break;
    case Reduce.Prod: scanAll(Reduce.Prod, x, out, outer, dim, inner, ex, rev); break;
    case Reduce.SumInt: scanAll(Reduce.SumInt, x, out, outer, dim, inner, ex, rev); break;
    case Reduce.ProdInt: scanAll(Reduce.ProdInt, x, out, outer, dim, inner, ex, rev); break;
  }
}

// ---- top-k ----

// Whether value a at index ia ranks before value b at index ib: the larger first (NaN above everything),
// the lower index among equals.
@inline function ranksBefore(intValues: bool, pa: usize, ia: i32, pb: usize, ib: i32): bool {
  if (intValues) {
    const a = load<i32>(pa);
    const b = load<i32>(pb);
    return a > b || (a == b && ia < ib);
  }
  const a = load<f32>(pa);
  const b = load<f32>(pb);
  const nanA = a != a;
  const nanB = b != b;
  if (nanA || nanB) return nanA && (!nanB || ia < ib);
  return a > b || (a == b && ia < ib);
}

@inline function swap(p: usize, q: usize): void {
  const t = load<i32>(p);
  store<i32>(p, load<i32>(q));
  store<i32>(q, t);
}

// Restores the heap below `pos` in values/indices [size]: every parent ranks after its children, so the root
// is the one that ranks last (the first to give way to a better value).
@inline function siftDown(intValues: bool, values: usize, indices: usize, pos: i32, size: i32): void {
  for (;;) {
    let child = 2 * pos + 1;
    if (child >= size) return;
    const l = <usize>child << 2;
    const r = l + 4;
    if (child + 1 < size && ranksBefore(intValues, values + l, load<i32>(indices + l), values + r, load<i32>(indices + r))) child++;
    const c = <usize>child << 2;
    const p = <usize>pos << 2;
    if (!ranksBefore(intValues, values + p, load<i32>(indices + p), values + c, load<i32>(indices + c))) return;
    swap(values + p, values + c);
    swap(indices + p, indices + c);
    pos = child;
  }
}

// Whether any of the four values at p ranks before the heap's root value t (their indices are all later).
@inline function anyAbove(intValues: bool, p: usize, t: v128): bool {
  const v = v128.load(p);
  if (intValues) return v128.any_true(i32x4.gt_s(v, t));
  return v128.any_true(v128.or(f32x4.gt(v, t), f32x4.ne(v, v)));
}

@inline function topkRow(intValues: bool, x: usize, values: usize, indices: usize, n: i32, k: i32): void {
  if (k == 0) return;
  memory.copy(values, x, <usize>k << 2);
  for (let i = 0; i < k; i++) store<i32>(indices + (<usize>i << 2), i);
  for (let i = k / 2 - 1; i >= 0; i--) siftDown(intValues, values, indices, i, k);
  let i = k;
  while (i < n) {
    // Four at a time past values no better than the root, which most are once the heap holds large ones.
    const t = v128.load32_splat(values);
    if (!intValues && load<f32>(values) != load<f32>(values)) break; // a heap of NaNs: nothing later ranks before it
    if (i + 4 <= n && !anyAbove(intValues, x + (<usize>i << 2), t)) {
      i += 4;
      continue;
    }
    const end = min(i + 4, n);
    for (; i < end; i++) {
      const p = x + (<usize>i << 2);
      if (!ranksBefore(intValues, p, i, values, load<i32>(indices))) continue;
      store<i32>(values, load<i32>(p));
      store<i32>(indices, i);
      siftDown(intValues, values, indices, 0, k);
    }
  }
  // Heapsort: the root (ranking last) goes to the end, leaving the k in rank order.
  for (let size = k - 1; size > 0; size--) {
    swap(values, values + (<usize>size << 2));
    swap(indices, indices + (<usize>size << 2));
    siftDown(intValues, values, indices, 0, size);
  }
}

// x [rows, n] (f32, or i32 when intValues), values [rows, k] (as x), indices i32 [rows, k]: each row's k largest in
// descending order, NaN first, the lower index first among equals (TF.js's order); 0 <= k <= n.
export function topk(x: usize, intValues: i32, values: usize, indices: usize, rows: i32, n: i32, k: i32): void {
  for (let r = 0; r < rows; r++) {
    const src = x + (<usize>r * <usize>n << 2);
    const vals = values + (<usize>r * <usize>k << 2);
    const idx = indices + (<usize>r * <usize>k << 2);
    if (intValues) topkRow(true, src, vals, idx, n, k);
    else topkRow(false, src, vals, idx, n, k);
  }
}

// ---- unique ----

// A value's bits for hashing and comparing: f32 values equal as numbers are equal here (-0 is 0), and every
// NaN is one NaN, as TF.js's unique (which compares their strings) has them.
@inline function key(isFloat: bool, p: usize): i32 {
  const bits = load<i32>(p);
  if (!isFloat) return bits;
  const v = load<f32>(p);
  if (v != v) return 0x7fc00000;
  return v == 0 ? 0 : bits;
}

// Slice i of x [outer, dim, inner]: the outer * inner values at [o, i, j].
@inline function hashSlice(isFloat: bool, x: usize, outer: i32, dim: i32, inner: i32, i: i32): u32 {
  let h: u32 = 0x811c9dc5;
  for (let o = 0; o < outer; o++) {
    const row = x + ((<usize>o * <usize>dim + <usize>i) * <usize>inner << 2);
    for (let j = 0; j < inner; j++) h = (h ^ <u32>key(isFloat, row + (<usize>j << 2))) * 0x01000193;
  }
  h ^= h >> 16; // murmur3's finalizer spreads the bits to the low ones the table uses
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  return h ^ (h >> 16);
}

@inline function sameSlice(isFloat: bool, x: usize, outer: i32, dim: i32, inner: i32, a: i32, b: i32): bool {
  for (let o = 0; o < outer; o++) {
    const base = <usize>o * <usize>dim;
    const pa = x + ((base + <usize>a) * <usize>inner << 2);
    const pb = x + ((base + <usize>b) * <usize>inner << 2);
    for (let j = 0; j < inner; j++) if (key(isFloat, pa + (<usize>j << 2)) != key(isFloat, pb + (<usize>j << 2))) return false;
  }
  return true;
}

@inline function uniqueSlices(isFloat: bool, x: usize, outer: i32, dim: i32, inner: i32, table: usize, size: i32, indices: usize, firsts: usize): i32 {
  memory.fill(table, 0xff, <usize>size << 2); // every slot -1: empty
  const mask = <u32>size - 1;
  let count = 0;
  for (let i = 0; i < dim; i++) {
    let slot = hashSlice(isFloat, x, outer, dim, inner, i) & mask;
    let id = -1;
    for (;;) {
      const u = load<i32>(table + (<usize>slot << 2));
      if (u < 0) break;
      if (sameSlice(isFloat, x, outer, dim, inner, load<i32>(firsts + (<usize>u << 2)), i)) {
        id = u;
        break;
      }
      slot = (slot + 1) & mask;
    }
    if (id < 0) {
      id = count++;
      store<i32>(table + (<usize>slot << 2), id);
      store<i32>(firsts + (<usize>id << 2), i);
    }
    store<i32>(indices + (<usize>i << 2), id);
  }
  return count;
}

// The distinct slices of x [outer, dim, inner] along its middle axis, in order of first appearance: writes
// indices i32 [dim] (each slice's number among them) and firsts i32 [dim] (where each first appears), and
// returns how many there are. table: i32 [size] scratch, size a power of two above dim. isFloat: x is f32.
export function unique(x: usize, isFloat: i32, outer: i32, dim: i32, inner: i32, table: usize, size: i32, indices: usize, firsts: usize): i32 {
  return isFloat ? uniqueSlices(true, x, outer, dim, inner, table, size, indices, firsts) : uniqueSlices(false, x, outer, dim, inner, table, size, indices, firsts);
}

// ---- bincount ----

// x i32 [rows, n] (values >= 0), weights [rows, n] (f32, or i32 when intBins) when weighted, out [rows, size]
// (f32, or i32 when intBins): out[r, v] counts row r's values v < size, or sums their weights in order, or (binary)
// is 1 where v appears. Values >= size are left out.
export function bincount(x: usize, weights: usize, weighted: i32, out: usize, rows: i32, n: i32, size: i32, intBins: i32, binary: i32): void {
  memory.fill(out, 0, <usize>rows * <usize>size << 2);
  for (let r = 0; r < rows; r++) {
    const bins = out + (<usize>r * <usize>size << 2);
    const row = <usize>r * <usize>n << 2;
    for (let i = 0; i < n; i++) {
      const at = row + (<usize>i << 2);
      const v = load<i32>(x + at);
      if (v >= size) continue;
      const bin = bins + (<usize>v << 2);
      if (intBins) store<i32>(bin, binary ? 1 : load<i32>(bin) + (weighted ? load<i32>(weights + at) : 1));
      else store<f32>(bin, binary ? 1 : load<f32>(bin) + (weighted ? load<f32>(weights + at) : 1));
    }
  }
}
