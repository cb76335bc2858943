// The js twin of assembly/matrix.ts: the integer matrix product, identity and band masks, and the arithmetic
// sequences of range and linspace, with the same results bit for bit (i32 sums wrap as wasm's do).

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';

type MatrixKernels = Pick<Kernels, 'matmulInt' | 'bandPart' | 'eye' | 'sequence'>;

/** wasm's saturating f64 to i32 (trunc_sat): NaN gives 0, values beyond i32 its nearest end. */
export function toInt32(x: number): number {
  if (Number.isNaN(x)) return 0;
  return Math.trunc(Math.min(Math.max(x, -2147483648), 2147483647));
}

export function matrixKernels(heap: Heap): MatrixKernels {
  return {
    // a (m,k) or (k,m) if transA, b (k,n) or (n,k) if transB, c (m,n), i32 sums modulo 2^32
    matmulInt(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number): void {
      const v = heap.i32;
      const [A, B, C] = [word(a), word(b), word(c)];
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let sum = 0;
          for (let p = 0; p < k; p++) sum = (sum + Math.imul(v[A + (transA ? p * m + i : i * k + p)], v[B + (transB ? j * k + p : p * n + j)])) | 0;
          v[C + i * n + j] = sum;
        }
      }
    },

    // x (batch,m,n), out (batch,m,n): row i keeps columns i - lower ..= i + upper; out may be x
    bandPart(x: Ptr, out: Ptr, batch: number, m: number, n: number, lower: number, upper: number): void {
      const v = heap.i32;
      const [X, O] = [word(x), word(out)];
      for (let r = 0; r < batch * m; r++) {
        const i = r % m;
        const from = Math.min(Math.max(i - lower, 0), n);
        const to = Math.max(Math.min(i + upper + 1, n), from);
        const row = r * n;
        v.fill(0, O + row, O + row + from);
        v.copyWithin(O + row + from, X + row + from, X + row + to);
        v.fill(0, O + row + to, O + row + n);
      }
    },

    // out (batch,rows,cols): identity matrices, f32 1 for dtype 0, else i32 1
    eye(out: Ptr, batch: number, rows: number, cols: number, dtype: number): void {
      const o = word(out);
      const view = dtype === 0 ? heap.f32 : heap.i32;
      view.fill(0, o, o + batch * rows * cols);
      for (let b = 0; b < batch; b++) for (let i = 0; i < Math.min(rows, cols); i++) view[o + b * rows * cols + i * cols + i] = 1;
    },

    // out (n): out[0] = start, out[i] = out[i-1] + step in f64, stored as f32 (dtype 0) or i32 truncated
    sequence(out: Ptr, n: number, start: number, step: number, dtype: number): void {
      if (n <= 0) return;
      const o = word(out);
      if (dtype === 0) {
        const f32 = heap.f32;
        f32[o] = start;
        for (let i = 1; i < n; i++) f32[o + i] = f32[o + i - 1] + step;
        return;
      }
      const i32 = heap.i32;
      i32[o] = toInt32(start);
      for (let i = 1; i < n; i++) i32[o + i] = toInt32(i32[o + i - 1] + step);
    },
  };
}
