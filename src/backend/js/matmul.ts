// The TS twin of assembly/matmul.ts: C (+)= op(A)·op(B) over the heap's Float32Array, tuned the way plain
// JS is (a 4x4 tile of C in locals, every layout by strides rather than copies). No packing, no SIMD.
// The naive triple loop beside it is the oracle's sibling.

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';

export function matmulKernels(heap: Heap): Pick<Kernels, 'matmul' | 'matmulNaive'> {
  return {
    // a (m,k) or (k,m) if transA, b (k,n) or (n,k) if transB, c (m,n)
    matmul(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number, accumulate: number): void {
      // A stored (m,k) or (k,m): steps between rows and columns of op(A); likewise for B, (k,n) or (n,k).
      tiles(heap.f32, word(a), transA ? 1 : k, transA ? m : 1, word(b), transB ? 1 : n, transB ? k : 1, word(c), m, n, k, accumulate);
    },

    // a (m,k) or (k,m) if transA, b (k,n) or (n,k) if transB, c (m,n)
    matmulNaive(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number, accumulate: number): void {
      const f = heap.f32;
      const A = word(a);
      const B = word(b);
      const C = word(c);
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

// c (m,n) (+)= op(A) · op(B) in 4x4 tiles of c held in sixteen locals across the whole k loop, so each step
// reads 4 values of op(A) and 4 of op(B) for 16 multiply-adds and c is touched once. op(A)[i,p] is
// f[A + i*rowStepA + p*colStepA], op(B)[p,j] is f[B + p*rowStepB + j*colStepB]. Edge tiles repeat the last
// row or column of op(A) or op(B) and skip the stores that fall outside c.
function tiles(f: Float32Array, A: number, rowStepA: number, colStepA: number, B: number, rowStepB: number, colStepB: number, C: number, m: number, n: number, k: number, accumulate: number): void {
  for (let j = 0; j < n; j += 4) {
    const b0 = B + j * colStepB;
    const b1 = B + Math.min(j + 1, n - 1) * colStepB;
    const b2 = B + Math.min(j + 2, n - 1) * colStepB;
    const b3 = B + Math.min(j + 3, n - 1) * colStepB;
    const cols = Math.min(4, n - j);
    for (let i = 0; i < m; i += 4) {
      const a0 = A + i * rowStepA;
      const a1 = A + Math.min(i + 1, m - 1) * rowStepA;
      const a2 = A + Math.min(i + 2, m - 1) * rowStepA;
      const a3 = A + Math.min(i + 3, m - 1) * rowStepA;
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      for (let p = 0; p < k; p++) {
        const pb = p * rowStepB;
        const y0 = f[b0 + pb];
        const y1 = f[b1 + pb];
        const y2 = f[b2 + pb];
        const y3 = f[b3 + pb];
        const pa = p * colStepA;
        let x = f[a0 + pa];
        s00 += x * y0; s01 += x * y1; s02 += x * y2; s03 += x * y3;
        x = f[a1 + pa];
        s10 += x * y0; s11 += x * y1; s12 += x * y2; s13 += x * y3;
        x = f[a2 + pa];
        s20 += x * y0; s21 += x * y1; s22 += x * y2; s23 += x * y3;
        x = f[a3 + pa];
        s30 += x * y0; s31 += x * y1; s32 += x * y2; s33 += x * y3;
      }
      const rows = Math.min(4, m - i);
      const c0 = C + i * n + j;
      storeRow(f, c0, cols, accumulate, s00, s01, s02, s03);
      if (rows > 1) storeRow(f, c0 + n, cols, accumulate, s10, s11, s12, s13);
      if (rows > 2) storeRow(f, c0 + 2 * n, cols, accumulate, s20, s21, s22, s23);
      if (rows > 3) storeRow(f, c0 + 3 * n, cols, accumulate, s30, s31, s32, s33);
    }
  }
}

// c[0..cols) (+)= the first cols of (v0, v1, v2, v3)
function storeRow(f: Float32Array, c: number, cols: number, accumulate: number, v0: number, v1: number, v2: number, v3: number): void {
  f[c] = accumulate ? f[c] + v0 : v0;
  if (cols > 1) f[c + 1] = accumulate ? f[c + 1] + v1 : v1;
  if (cols > 2) f[c + 2] = accumulate ? f[c + 2] + v2 : v2;
  if (cols > 3) f[c + 3] = accumulate ? f[c + 3] + v3 : v3;
}
