// Layout kernels, copying 4-byte values bit for bit whatever their dtype: the strided copy every shape op
// reduces to (transpose, slice, stridedSlice, reverse, tile, broadcastTo, concat, pad), row gather and scatter
// (gather, gatherND, scatterND and their gradients), oneHot, and the coordinates of nonzero values (whereAsync).
// copyStrided's desc (i32 words): rank r, shape[r], srcStrides[r], outStrides[r], in elements, any sign.

import { Scatter } from './codes';

@inline function at(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

// Byte offset of i steps of `stride` elements; wraps modulo 2^32 like the pointers, so negative strides and
// heaps past 2 GiB both land where they should.
@inline function step(i: i32, stride: i32): usize {
  return <usize>(i * stride) << 2;
}

// n values from src to out (not overlapping): short runs in registers, long ones by memory.copy.
@inline function copyValues(src: usize, out: usize, n: i32): void {
  if (n >= 64) {
    memory.copy(out, src, <usize>n << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  for (; i < n; i++) store<i32>(out + (<usize>i << 2), load<i32>(src + (<usize>i << 2)));
}

// ---- strided copy ----

// One row of n values: out advances by io elements per value, src by is (0 repeats a value, -1 reverses).
@inline function row(src: usize, is: i32, out: usize, io: i32, n: i32): void {
  let i = 0;
  if (io == 1) {
    if (is == 1) {
      copyValues(src, out, n);
      return;
    }
    if (is == 0) {
      const v = v128.load32_splat(src);
      for (; i + 4 <= n; i += 4) v128.store(out + (<usize>i << 2), v);
    } else if (is == -1) {
      // src is the row's first value and the rest lie below it: load four, store them reversed.
      for (; i + 4 <= n; i += 4) {
        const v = v128.load(src - (<usize>(i + 3) << 2));
        v128.store(out + (<usize>i << 2), i32x4.shuffle(v, v, 3, 2, 1, 0));
      }
    }
  }
  for (; i < n; i++) store<i32>(out + step(i, io), load<i32>(src + step(i, is)));
}

// Transposes one plane: out[a, b] = src[b, a], with out rows `ldo` elements apart and contiguous along b, src
// rows `lds` apart and contiguous along a. Tiles keep both sides in cache; 4x4 blocks move through registers.
const TILE: i32 = 32;

@inline function transpose4(src: usize, lds: i32, out: usize, ldo: i32): void {
  const r0 = v128.load(src);
  const r1 = v128.load(src + step(1, lds));
  const r2 = v128.load(src + step(2, lds));
  const r3 = v128.load(src + step(3, lds));
  const t0 = i32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = i32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = i32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = i32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(out, i32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(out + step(1, ldo), i32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(out + step(2, ldo), i32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(out + step(3, ldo), i32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

function transposePlane(src: usize, lds: i32, out: usize, ldo: i32, rows: i32, cols: i32): void {
  for (let a0 = 0; a0 < rows; a0 += TILE) {
    const a1 = min(a0 + TILE, rows);
    for (let b0 = 0; b0 < cols; b0 += TILE) {
      const b1 = min(b0 + TILE, cols);
      let a = a0;
      for (; a + 4 <= a1; a += 4) {
        let b = b0;
        for (; b + 4 <= b1; b += 4) transpose4(src + step(b, lds) + step(a, 1), lds, out + step(a, ldo) + step(b, 1), ldo);
        for (; b < b1; b++) for (let k = a; k < a + 4; k++) store<i32>(out + step(k, ldo) + step(b, 1), load<i32>(src + step(b, lds) + step(k, 1)));
      }
      for (; a < a1; a++) for (let b = b0; b < b1; b++) store<i32>(out + step(a, ldo) + step(b, 1), load<i32>(src + step(b, lds) + step(a, 1)));
    }
  }
}

// Walks axes d.. of the descriptor but the innermost and `plane` (-1: none), then copies the innermost row,
// or transposes the (plane, innermost) plane.
function walk(desc: usize, d: i32, plane: i32, src: usize, out: usize): void {
  const r = load<i32>(desc);
  const shape = desc + 4;
  const ss = shape + (<usize>r << 2);
  const os = ss + (<usize>r << 2);
  if (d == plane) d++;
  const last = r - 1;
  if (d >= last) {
    if (plane < 0) row(src, at(ss, last), out, at(os, last), at(shape, last));
    else transposePlane(src, at(ss, last), out, at(os, plane), at(shape, plane), at(shape, last));
    return;
  }
  const n = at(shape, d);
  const si = at(ss, d);
  const oi = at(os, d);
  for (let i = 0; i < n; i++) walk(desc, d + 1, plane, src + step(i, si), out + step(i, oi));
}

// out[index·outStrides] = src[index·srcStrides] for every index of the descriptor's shape (see the top).
export function copyStrided(src: usize, out: usize, desc: usize): void {
  const r = load<i32>(desc);
  const shape = desc + 4;
  const ss = shape + (<usize>r << 2);
  const os = ss + (<usize>r << 2);
  const last = r - 1;
  // A transpose: out runs along the innermost axis, src along another. Copy it plane by plane, blocked.
  let plane = -1;
  const is = at(ss, last);
  if (at(os, last) == 1 && is != 1 && is != 0 && is != -1 && at(shape, last) >= 4) {
    for (let k = 0; k < last; k++) if (at(ss, k) == 1 && at(shape, k) >= 4) plane = k;
  }
  walk(desc, 0, plane, src, out);
}

// ---- rows by index ----

// out[b, o, i, :] = x[b, o, indices[b, i], :], rows of `inner` values
export function gather(x: usize, indices: usize, out: usize, batch: i32, outer: i32, dim: i32, count: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  let to = out;
  for (let b = 0; b < batch; b++) {
    const idx = indices + (<usize>(b * count) << 2);
    for (let o = 0; o < outer; o++) {
      const from = x + <usize>(b * outer + o) * <usize>dim * rowBytes;
      for (let i = 0; i < count; i++) {
        copyValues(from + <usize>at(idx, i) * rowBytes, to, inner);
        to += rowBytes;
      }
    }
  }
}

@inline function scatterRow(op: i32, src: usize, out: usize, n: i32): void {
  if (op == Scatter.Set) {
    copyValues(src, out, n);
    return;
  }
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const sum = op == Scatter.Add ? f32x4.add(v128.load(out + o), v128.load(src + o)) : i32x4.add(v128.load(out + o), v128.load(src + o));
    v128.store(out + o, sum);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    if (op == Scatter.Add) store<f32>(out + o, load<f32>(out + o) + load<f32>(src + o));
    else store<i32>(out + o, load<i32>(out + o) + load<i32>(src + o));
  }
}

@inline function scatterAll(op: i32, updates: usize, indices: usize, out: usize, batch: i32, outer: i32, dim: i32, count: i32, inner: i32): void {
  const rowBytes = <usize>inner << 2;
  let from = updates;
  for (let b = 0; b < batch; b++) {
    const idx = indices + (<usize>(b * count) << 2);
    for (let o = 0; o < outer; o++) {
      const to = out + <usize>(b * outer + o) * <usize>dim * rowBytes;
      for (let i = 0; i < count; i++) {
        scatterRow(op, from, to + <usize>at(idx, i) * rowBytes, inner);
        from += rowBytes;
      }
    }
  }
}

// out[b, o, indices[b, i], :] (+)= updates[b, o, i, :], in order (so the last of duplicate indices wins a Set)
export function scatter(op: i32, updates: usize, indices: usize, out: usize, batch: i32, outer: i32, dim: i32, count: i32, inner: i32): void {
  switch (op) {
    case Scatter.Add: scatterAll(Scatter.Add, updates, indices, out, batch, outer, dim, count, inner); break;
    case Scatter.AddInt: scatterAll(Scatter.AddInt, updates, indices, out, batch, outer, dim, count, inner); break;
    case Scatter.Set: scatterAll(Scatter.Set, updates, indices, out, batch, outer, dim, count, inner); break;
  }
}

// out[i, :] = off, and on at indices[i] where that lies in [0, depth); on and off are 4-byte values' bits
export function oneHot(indices: usize, out: usize, n: i32, depth: i32, on: i32, off: i32): void {
  const offV = i32x4.splat(off);
  for (let i = 0; i < n; i++) {
    const r = out + <usize>i * (<usize>depth << 2);
    let j = 0;
    for (; j + 4 <= depth; j += 4) v128.store(r + (<usize>j << 2), offV);
    for (; j < depth; j++) store<i32>(r + (<usize>j << 2), off);
    const k = at(indices, i);
    if (<u32>k < <u32>depth) store<i32>(r + (<usize>k << 2), on);
  }
}

// how many of n 4-byte values are not all zero bits
export function countNonzero(x: usize, n: i32): i32 {
  let count = 0;
  for (let i = 0; i < n; i++) count += <i32>(at(x, i) != 0);
  return count;
}

// out [count, rank] i32: the coordinates of each nonzero value of x, row-major; desc i32 [rank, shape...]
export function nonzeroCoords(x: usize, out: usize, desc: usize): void {
  const r = load<i32>(desc);
  const shape = desc + 4;
  let n = 1;
  for (let d = 0; d < r; d++) n *= at(shape, d);
  let to = out;
  for (let i = 0; i < n; i++) {
    if (at(x, i) == 0) continue;
    let rest = i;
    for (let d = r - 1; d >= 0; d--) {
      const size = at(shape, d);
      store<i32>(to + (<usize>d << 2), rest % size);
      rest /= size;
    }
    to += <usize>r << 2;
  }
}
