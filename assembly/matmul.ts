// C (+)= op(A)·op(B) over f32: a SIMD register-blocked micro-kernel over packed panels (cache-blocked over
// K, N and M inside the caller's scratch; A or B read in place where packing them would not pay), a direct
// path for few rows, and the plain triple loop beside it.
// Leaves out threading and any other element type.

import { MATMUL_SCRATCH_BYTES } from './codes';

// Micro-tile: MR rows by NR = 8 columns (two f32x4 per row). The relaxed build fuses multiply-add into one
// instruction, which frees the temporary the plain build needs, so it can afford 6 rows (12 accumulators)
// against 5 (measured: 5 beats 4 by about 12% on Zen 4, 6 spills). tile() spells out six rows and
// compiles away those past MR, so MR may be 4, 5 or 6.
const MR: i32 = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
const NR: i32 = 8;
// Cache blocks: a KC x NR panel of B stays in L1 while the MC x KC block of A streams from L2.
const KC: i32 = 256;
const MC: i32 = 120; // a multiple of both micro-tile heights
const NC: i32 = 896;
// Scratch layout: packed B (KC x NC), packed A (MC x KC), the MR x NR staging tile for partial edge stores.
const PACKED_A: usize = <usize>(KC * NC) << 2;
const STAGE: usize = PACKED_A + (<usize>(MC * KC) << 2);
// @ts-ignore: decorator
@inline const SCRATCH_NEEDED: usize = STAGE + (<usize>(MR * NR) << 2);
// Below this many rows, B is read in place instead of packed: packing B costs about as much as using it m
// times. Where B's rows are short (n <= NARROW_B), up to DIRECT_ROWS_NARROW: a panel read in place then has
// rows at most 2 KB apart, while at n = 1024 they are 4 KB apart and packing wins from 64 rows (measured:
// 64x128x784 2-7% faster in place, 64x512x512 4.5%; 64x1024x1024 19% slower).
const DIRECT_ROWS: i32 = 48;
const DIRECT_ROWS_NARROW: i32 = 128;
const NARROW_B: i32 = 512;
// Up to this many columns, A (not transposed) is read in place instead of packed (measured: 25x8x18432, the
// MNIST CNN's first filter gradient, 21 -> 28 GFLOPS; 1000x8x1000 24 -> 35; 64x16x300 level).
const DIRECT_A_COLS: i32 = 16;
// Up to this many rows (batch-1 inference), a row at a time beats computing a mostly empty MR-row tile.
const ROW_BY_ROW: i32 = 2;

// ---- reference ----

// a (m,k) or (k,m) if transA, b (k,n) or (n,k) if transB, c (m,n)
export function matmulNaive(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: i32, transB: i32, accumulate: i32): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum: f32 = 0;
      for (let p = 0; p < k; p++) {
        const x = load<f32>(a + (<usize>(transA ? p * m + i : i * k + p) << 2));
        const y = load<f32>(b + (<usize>(transB ? j * k + p : p * n + j) << 2));
        sum += x * y;
      }
      const out = c + (<usize>(i * n + j) << 2);
      store<f32>(out, accumulate ? load<f32>(out) + sum : sum);
    }
  }
}

// ---- fast path ----

// a (m,k) or (k,m) if transA, b (k,n) or (n,k) if transB, c (m,n); scratch: MATMUL_SCRATCH_BYTES
export function matmul(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: i32, transB: i32, accumulate: i32, scratch: usize): void {
  matmulPart(a, b, c, m, n, k, transA, transB, accumulate, scratch, 0, m, 0, n);
}

// Rows [row0, row1) x columns [col0, col1) of the product above: what one thread computes. Every choice of
// path depends on the whole m, and an element's arithmetic does not depend on its neighbours as long as
// col0 and col1 are multiples of NR (or n), so such a split gives exactly the single-call result.
export function matmulPart(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: i32, transB: i32, accumulate: i32, scratch: usize, row0: i32, row1: i32, col0: i32, col1: i32): void {
  if (SCRATCH_NEEDED > <usize>MATMUL_SCRATCH_BYTES) ERROR('matmul: the cache blocks need more than MATMUL_SCRATCH_BYTES');
  if (k == 0) {
    // An empty sum: the blocked loops below would not touch C at all.
    if (!accumulate) for (let i = row0; i < row1; i++) memory.fill(c + (<usize>(i * n + col0) << 2), 0, <usize>(col1 - col0) << 2);
    return;
  }
  if (m <= ROW_BY_ROW && !transB) {
    for (let i = row0; i < row1; i++) rowTimesMatrix(a, b, c, m, n, k, i, transA, accumulate, col0, col1);
    return;
  }
  if (m <= ROW_BY_ROW && !transA) {
    for (let i = row0; i < row1; i++) rowDotRows(a, b, c, n, k, i, accumulate, col0, col1);
    return;
  }
  const packedB = scratch;
  const packedA = scratch + PACKED_A;
  const stage = scratch + STAGE;
  const ldc = <usize>n << 2;
  // B rows are contiguous when not transposed; with few rows of A, read full panels of B where they lie.
  const directB = !transB && (m < DIRECT_ROWS || (m <= DIRECT_ROWS_NARROW && n <= NARROW_B));
  // With few columns each value of A serves one or two tiles: packing it would cost about what using it does.
  // Only rows of A read along k: a transposed A read in place, k rows apart, lost (200x16x2048: 40 -> 35 GFLOPS).
  const directA = !transA && n <= DIRECT_A_COLS;
  for (let jc = col0; jc < col1; jc += NC) {
    const nc = min(NC, col1 - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const add = accumulate != 0 || pc > 0;
      // With directB only the last, partial panel is packed; the full panels before it are read in place.
      const packedFrom = directB ? nc - nc % NR : 0;
      packB(b, n, k, transB, pc, kc, jc + packedFrom, nc - packedFrom, packedB);
      for (let ic = row0; ic < row1; ic += MC) {
        const mc = min(MC, row1 - ic);
        if (!directA) packA(a, m, k, transA, ic, mc, pc, kc, packedA);
        for (let jr = 0; jr < nc; jr += NR) {
          const inPlace = jr < packedFrom;
          // row p of the panel: at column jc+jr of row pc+p of b, or packed NR floats after row p-1
          const panelB = inPlace ? b + (<usize>(pc * n + jc + jr) << 2) : packedB + (<usize>((jr - packedFrom) * kc) << 2);
          const ldb: usize = inPlace ? ldc : NR << 2;
          const cols = min(NR, nc - jr);
          for (let ir = 0; ir < mc; ir += MR) {
            const cTile = c + (<usize>((ic + ir) * n + jc + jr) << 2);
            const rows = min(MR, mc - ir);
            if (directA) tileInPlace(a + (<usize>((ic + ir) * k + pc) << 2), <usize>k << 2, panelB, ldb, kc, cTile, ldc, rows, cols, add, stage);
            else tile(packedA + (<usize>(ir * kc) << 2), panelB, ldb, kc, cTile, ldc, rows, cols, add, stage);
          }
        }
      }
    }
  }
}

// c[i, col0:col1] (+)= op(A)[i, :] · b, b (k,n) read in place: eight columns at a time in four independent
// sums (even and odd p) to hide the multiply-add latency, then the last few columns one by one.
function rowTimesMatrix(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, i: i32, transA: i32, accumulate: i32, col0: i32, col1: i32): void {
  // op(A)[i, p] lies at rowA + p*stepA
  const rowA = a + (<usize>(transA ? i : i * k) << 2);
  const stepA: usize = transA ? <usize>m << 2 : 4;
  const ldb = <usize>n << 2;
  const rowC = c + (<usize>(i * n) << 2);
  let j = col0;
  for (; j + NR <= col1; j += NR) {
    let even0 = f32x4.splat(0), even1 = f32x4.splat(0);
    let odd0 = f32x4.splat(0), odd1 = f32x4.splat(0);
    let pa = rowA;
    let pb = b + (<usize>j << 2);
    let p = 0;
    for (; p + 2 <= k; p += 2) {
      let x = v128.load32_splat(pa);
      even0 = madd(x, v128.load(pb), even0);
      even1 = madd(x, v128.load(pb, 16), even1);
      x = v128.load32_splat(pa + stepA);
      odd0 = madd(x, v128.load(pb + ldb), odd0);
      odd1 = madd(x, v128.load(pb + ldb, 16), odd1);
      pa += stepA << 1;
      pb += ldb << 1;
    }
    if (p < k) {
      const x = v128.load32_splat(pa);
      even0 = madd(x, v128.load(pb), even0);
      even1 = madd(x, v128.load(pb, 16), even1);
    }
    storeRow(rowC + (<usize>j << 2), f32x4.add(even0, odd0), f32x4.add(even1, odd1), accumulate != 0);
  }
  for (; j < col1; j++) {
    let sum: f32 = 0;
    for (let p = 0; p < k; p++) sum += load<f32>(rowA + <usize>p * stepA) * load<f32>(b + (<usize>(p * n + j) << 2));
    const out = rowC + (<usize>j << 2);
    store<f32>(out, accumulate ? load<f32>(out) + sum : sum);
  }
}

// c[i, col0:col1] (+)= a[i, :] · bᵀ, a (m,k), b (n,k): contiguous dot products, four columns of c at a time
// sharing the loads of a, then the last few columns one by one.
function rowDotRows(a: usize, b: usize, c: usize, n: i32, k: i32, i: i32, accumulate: i32, col0: i32, col1: i32): void {
  const rowA = a + (<usize>(i * k) << 2);
  const ldb = <usize>k << 2;
  const rowC = c + (<usize>(i * n) << 2);
  const k4 = k & ~3;
  let j = col0;
  for (; j + 4 <= col1; j += 4) {
    const rowB = b + <usize>j * ldb;
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    for (let p = 0; p < k4; p += 4) {
      const off = <usize>p << 2;
      const x = v128.load(rowA + off);
      s0 = madd(x, v128.load(rowB + off), s0);
      s1 = madd(x, v128.load(rowB + ldb + off), s1);
      s2 = madd(x, v128.load(rowB + 2 * ldb + off), s2);
      s3 = madd(x, v128.load(rowB + 3 * ldb + off), s3);
    }
    // lanes of each sum added pairwise: sums[q] = total of s_q
    const t01 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 1, 4, 5), v128.shuffle<f32>(s0, s1, 2, 3, 6, 7));
    const t23 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 1, 4, 5), v128.shuffle<f32>(s2, s3, 2, 3, 6, 7));
    let sums = f32x4.add(v128.shuffle<f32>(t01, t23, 0, 2, 4, 6), v128.shuffle<f32>(t01, t23, 1, 3, 5, 7));
    for (let p = k4; p < k; p++) {
      const off = <usize>p << 2;
      const x = load<f32>(rowA + off);
      const tail = f32x4(x * load<f32>(rowB + off), x * load<f32>(rowB + ldb + off), x * load<f32>(rowB + 2 * ldb + off), x * load<f32>(rowB + 3 * ldb + off));
      sums = f32x4.add(sums, tail);
    }
    const out = rowC + (<usize>j << 2);
    v128.store(out, accumulate ? f32x4.add(v128.load(out), sums) : sums);
  }
  for (; j < col1; j++) {
    const rowB = b + <usize>j * ldb;
    let sum: f32 = 0;
    for (let p = 0; p < k; p++) sum += load<f32>(rowA + (<usize>p << 2)) * load<f32>(rowB + (<usize>p << 2));
    const out = rowC + (<usize>j << 2);
    store<f32>(out, accumulate ? load<f32>(out) + sum : sum);
  }
}

// Packs rows [i0, i0+mc) x columns [p0, p0+kc) of op(A) into panels of MR rows, each stored (kc, MR)
// (one column of the panel after another), rows past m zero-padded.
function packA(a: usize, m: i32, k: i32, transA: i32, i0: i32, mc: i32, p0: i32, kc: i32, dst: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    const panel = dst + (<usize>(ir * kc) << 2);
    if (transA && rows == MR) {
      // op(A)'s columns are stored rows: each row of the panel is MR values side by side.
      let src = a + (<usize>(p0 * m + i0 + ir) << 2);
      for (let p = 0, out = panel; p < kc; p++, src += <usize>m << 2, out += MR << 2) {
        v128.store(out, v128.load(src));
        for (let r = 4; r < MR; r++) store<f32>(out + (<usize>r << 2), load<f32>(src + (<usize>r << 2)));
      }
      continue;
    }
    for (let r = 0; r < MR; r++) {
      const i = i0 + ir + r;
      // op(A)[i, p0+p] lies at base + p*step
      const base = a + (<usize>(transA ? p0 * m + i : i * k + p0) << 2);
      const step: usize = transA ? <usize>m << 2 : 4;
      let out = panel + (<usize>r << 2);
      if (r < rows) {
        for (let p = 0, src = base; p < kc; p++, src += step, out += MR << 2) store<f32>(out, load<f32>(src));
      } else {
        for (let p = 0; p < kc; p++, out += MR << 2) store<f32>(out, 0);
      }
    }
  }
}

// Packs rows [p0, p0+kc) x columns [j0, j0+nc) of op(B) into panels of NR columns, each stored (kc, NR),
// columns past nc zero-padded.
function packB(b: usize, n: i32, k: i32, transB: i32, p0: i32, kc: i32, j0: i32, nc: i32, dst: usize): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const panel = dst + (<usize>(jr * kc) << 2);
    if (!transB && cols == NR) {
      let src = b + (<usize>(p0 * n + j0 + jr) << 2);
      let out = panel;
      for (let p = 0; p < kc; p++, src += <usize>n << 2, out += NR << 2) {
        v128.store(out, v128.load(src));
        v128.store(out, v128.load(src, 16), 16);
      }
      continue;
    }
    let p = 0;
    if (transB && cols == NR) {
      // Stored rows j..j+7 of B are columns of the panel: transpose 4x4 blocks, four values of k at a time.
      const src = b + (<usize>((j0 + jr) * k + p0) << 2);
      const ldb = <usize>k << 2;
      for (; p + 4 <= kc; p += 4) {
        const from = src + (<usize>p << 2);
        const out = panel + (<usize>(p * NR) << 2);
        transpose4(from, ldb, out);
        transpose4(from + 4 * ldb, ldb, out + 16);
      }
    }
    // The rest one value at a time: a partial panel whole, or the last kc % 4 rows of a transposed one.
    for (let col = 0; col < NR; col++) {
      const j = j0 + jr + col;
      // op(B)[p0+p, j] lies at base + p*step
      const base = b + (<usize>(transB ? j * k + p0 : p0 * n + j) << 2);
      const step: usize = transB ? 4 : <usize>n << 2;
      let out = panel + (<usize>(p * NR + col) << 2);
      if (col < cols) {
        for (let q = p, src = base + <usize>p * step; q < kc; q++, src += step, out += NR << 2) store<f32>(out, load<f32>(src));
      } else {
        for (let q = p; q < kc; q++, out += NR << 2) store<f32>(out, 0);
      }
    }
  }
}

// Four rows of four floats at from, from+stride, ... written as four columns: out row q (NR floats apart)
// gets element q of each row.
// @ts-ignore: decorator
@inline function transpose4(from: usize, stride: usize, out: usize): void {
  const r0 = v128.load(from);
  const r1 = v128.load(from + stride);
  const r2 = v128.load(from + 2 * stride);
  const r3 = v128.load(from + 3 * stride);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(out, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
  v128.store(out, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), NR << 2);
  v128.store(out, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), NR << 3);
  v128.store(out, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 3 * NR << 2);
}

// @ts-ignore: decorator
@inline function madd(x: v128, y: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, acc);
  return f32x4.add(acc, f32x4.mul(x, y));
}

// @ts-ignore: decorator
@inline function storeRow(out: usize, lo: v128, hi: v128, add: bool): void {
  if (add) {
    lo = f32x4.add(v128.load(out), lo);
    hi = f32x4.add(v128.load(out, 16), hi);
  }
  v128.store(out, lo);
  v128.store(out, hi, 16);
}

// The micro-kernel: c (rows, cols) (+)= panelA (kc, MR)ᵀ · panelB (kc, NR), where row p of panelB starts
// ldb bytes after row p-1. Accumulates the whole MR x NR tile in registers; a partial tile goes through stage.
function tile(panelA: usize, panelB: usize, ldb: usize, kc: i32, c: usize, ldc: usize, rows: i32, cols: i32, add: bool, stage: usize): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  let pa = panelA;
  let pb = panelB;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(pa);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(pa, 4);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(pa, 8);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(pa, 12);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    if (MR > 4) {
      x = v128.load32_splat(pa, 16);
      c40 = madd(x, b0, c40);
      c41 = madd(x, b1, c41);
    }
    if (MR > 5) {
      x = v128.load32_splat(pa, 20);
      c50 = madd(x, b0, c50);
      c51 = madd(x, b1, c51);
    }
    pa += MR << 2;
    pb += ldb;
  }
  storeTile(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c, ldc, rows, cols, add, stage);
}

// The same product with A (m, k) read where it lies: row r of the tile at a + r·lda. Rows past the tile's last
// read that last row again, and their sums are dropped. (tile's loop with the rows' addresses in registers:
// wasm's load offsets must be constants, and tile keeps its own.)
function tileInPlace(a: usize, lda: usize, panelB: usize, ldb: usize, kc: i32, c: usize, ldc: usize, rows: i32, cols: i32, add: bool, stage: usize): void {
  const last = <usize>(rows - 1);
  const a1 = a + lda * min(1, last), a2 = a + lda * min(2, last), a3 = a + lda * min(3, last);
  const a4 = a + lda * min(4, last), a5 = a + lda * min(5, last);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  let pb = panelB;
  for (let o: usize = 0, end = <usize>kc << 2; o < end; o += 4) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(a + o);
    c00 = madd(x, b0, c00);
    c01 = madd(x, b1, c01);
    x = v128.load32_splat(a1 + o);
    c10 = madd(x, b0, c10);
    c11 = madd(x, b1, c11);
    x = v128.load32_splat(a2 + o);
    c20 = madd(x, b0, c20);
    c21 = madd(x, b1, c21);
    x = v128.load32_splat(a3 + o);
    c30 = madd(x, b0, c30);
    c31 = madd(x, b1, c31);
    if (MR > 4) {
      x = v128.load32_splat(a4 + o);
      c40 = madd(x, b0, c40);
      c41 = madd(x, b1, c41);
    }
    if (MR > 5) {
      x = v128.load32_splat(a5 + o);
      c50 = madd(x, b0, c50);
      c51 = madd(x, b1, c51);
    }
    pb += ldb;
  }
  storeTile(c00, c01, c10, c11, c20, c21, c30, c31, c40, c41, c50, c51, c, ldc, rows, cols, add, stage);
}

// The tile's sums into c, added to it or not; a partial tile (rows < MR or cols < NR) through stage.
// @ts-ignore: decorator
@inline function storeTile(c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128, c40: v128, c41: v128, c50: v128, c51: v128, c: usize, ldc: usize, rows: i32, cols: i32, add: bool, stage: usize): void {
  if (rows == MR && cols == NR) {
    storeRow(c, c00, c01, add);
    storeRow(c + ldc, c10, c11, add);
    storeRow(c + 2 * ldc, c20, c21, add);
    storeRow(c + 3 * ldc, c30, c31, add);
    if (MR > 4) storeRow(c + 4 * ldc, c40, c41, add);
    if (MR > 5) storeRow(c + 5 * ldc, c50, c51, add);
    return;
  }
  storeRow(stage, c00, c01, false);
  storeRow(stage + (NR << 2), c10, c11, false);
  storeRow(stage + (2 * NR << 2), c20, c21, false);
  storeRow(stage + (3 * NR << 2), c30, c31, false);
  if (MR > 4) storeRow(stage + (4 * NR << 2), c40, c41, false);
  if (MR > 5) storeRow(stage + (5 * NR << 2), c50, c51, false);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const out = c + <usize>r * ldc + (<usize>j << 2);
      const v = load<f32>(stage + (<usize>(r * NR + j) << 2));
      store<f32>(out, add ? load<f32>(out) + v : v);
    }
  }
}
