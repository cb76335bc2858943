// The TS twin of assembly/matmul.ts: C (+)= op(A)·op(B) over the heap's Float32Array, tuned the way plain
// JS is (loop order with the inner loop contiguous, a few rows or dot products at a time, K blocked so a
// slab of B stays in cache). No packing copies, no SIMD. The naive triple loop is the oracle's sibling.

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';

/** Floats of B kept hot while every row of A passes over them (about 256 KiB). */
const B_SLAB_FLOATS = 1 << 16;

export function matmulKernels(heap: Heap): Pick<Kernels, 'matmul' | 'matmulNaive'> {
  return {
    // a (m,k) or (k,m) if transA, b (k,n) or (n,k) if transB, c (m,n)
    matmul(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number, accumulate: number): void {
      const f = heap.f32;
      // op(A)[i, p] = f[(a >> 2) + i*rowStep + p*colStep]
      const rowStep = transA ? 1 : k;
      const colStep = transA ? m : 1;
      if (transB) dotRows(f, a >> 2, rowStep, colStep, b >> 2, c >> 2, m, n, k, accumulate);
      else rowsTimesMatrix(f, a >> 2, rowStep, colStep, b >> 2, c >> 2, m, n, k, accumulate);
    },

    // a (m,k) or (k,m) if transA, b (k,n) or (n,k) if transB, c (m,n)
    matmulNaive(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number, accumulate: number): void {
      const f = heap.f32;
      const A = a >> 2;
      const B = b >> 2;
      const C = c >> 2;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum += f[A + (transA ? p * m + i : i * k + p)] * f[B + (transB ? j * k + p : p * n + j)];
          f[C + i * n + j] = accumulate ? f[C + i * n + j] + sum : sum;
        }
      }
    },
  };
}

// c (m,n) (+)= op(A) · b with b (k,n): i-k-j order, four rows of c updated per pass over a row of b.
function rowsTimesMatrix(f: Float32Array, A: number, rowStep: number, colStep: number, B: number, C: number, m: number, n: number, k: number, accumulate: number): void {
  if (!accumulate) f.fill(0, C, C + m * n);
  const slab = Math.max(1, Math.floor(B_SLAB_FLOATS / n));
  for (let p0 = 0; p0 < k; p0 += slab) {
    const p1 = Math.min(k, p0 + slab);
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const c0 = C + i * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      for (let p = p0; p < p1; p++) {
        const ap = A + i * rowStep + p * colStep;
        const a0 = f[ap];
        const a1 = f[ap + rowStep];
        const a2 = f[ap + 2 * rowStep];
        const a3 = f[ap + 3 * rowStep];
        const bp = B + p * n;
        for (let j = 0; j < n; j++) {
          const bj = f[bp + j];
          f[c0 + j] += a0 * bj;
          f[c1 + j] += a1 * bj;
          f[c2 + j] += a2 * bj;
          f[c3 + j] += a3 * bj;
        }
      }
    }
    for (; i < m; i++) {
      const c0 = C + i * n;
      for (let p = p0; p < p1; p++) {
        const a0 = f[A + i * rowStep + p * colStep];
        const bp = B + p * n;
        for (let j = 0; j < n; j++) f[c0 + j] += a0 * f[bp + j];
      }
    }
  }
}

// c (m,n) (+)= op(A) · bᵀ with b (n,k): 2x2 blocks of dot products along k (contiguous in b, and in a unless
// transA). Odd edges recompute the last row or column and skip its duplicate store.
function dotRows(f: Float32Array, A: number, rowStep: number, colStep: number, B: number, C: number, m: number, n: number, k: number, accumulate: number): void {
  for (let i = 0; i < m; i += 2) {
    const i1 = Math.min(i + 1, m - 1);
    const a0 = A + i * rowStep;
    const a1 = A + i1 * rowStep;
    for (let j = 0; j < n; j += 2) {
      const j1 = Math.min(j + 1, n - 1);
      const b0 = B + j * k;
      const b1 = B + j1 * k;
      let s00 = 0;
      let s01 = 0;
      let s10 = 0;
      let s11 = 0;
      for (let p = 0; p < k; p++) {
        const x0 = f[a0 + p * colStep];
        const x1 = f[a1 + p * colStep];
        const y0 = f[b0 + p];
        const y1 = f[b1 + p];
        s00 += x0 * y0;
        s01 += x0 * y1;
        s10 += x1 * y0;
        s11 += x1 * y1;
      }
      const c0 = C + i * n + j;
      const c1 = C + i1 * n + j;
      f[c0] = accumulate ? f[c0] + s00 : s00;
      if (j1 > j) f[c0 + 1] = accumulate ? f[c0 + 1] + s01 : s01;
      if (i1 > i) {
        f[c1] = accumulate ? f[c1] + s10 : s10;
        if (j1 > j) f[c1 + 1] = accumulate ? f[c1 + 1] + s11 : s11;
      }
    }
  }
}
