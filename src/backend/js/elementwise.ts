// The js twin of assembly/elementwise.ts: elementwise arithmetic, bias add/grad, sums, penalty and argMax.
// Storing into a Float32Array rounds each single operation exactly as f32 arithmetic does, and the sums keep the
// wasm kernels' f64 order, so every kernel returns the same bits as the wasm builds.

import type { Heap } from '../heap.js';
import { Bcast, BinOp, type Kernels, type Ptr } from '../kernels.js';
import { word } from '../heap.js';

type ElementwiseKernels = Pick<Kernels, 'biasAdd' | 'biasGrad' | 'rowSums' | 'sum' | 'sumSquares' | 'penalty' | 'binary' | 'scale' | 'fill' | 'argMax'>;

/**
 * out[o..o+len) = a op b over f32 indices; aInc/bInc are 1 for a vector operand and 0 for a single value.
 * One loop per op keeps the op out of the inner loop.
 */
function binaryRow(f32: Float32Array, op: BinOp, a: number, aInc: number, b: number, bInc: number, o: number, len: number): void {
  switch (op) {
    case BinOp.Add:
      for (let j = 0; j < len; j++) f32[o + j] = f32[a + j * aInc] + f32[b + j * bInc];
      break;
    case BinOp.Sub:
      for (let j = 0; j < len; j++) f32[o + j] = f32[a + j * aInc] - f32[b + j * bInc];
      break;
    case BinOp.Mul:
      for (let j = 0; j < len; j++) f32[o + j] = f32[a + j * aInc] * f32[b + j * bInc];
      break;
    default:
      for (let j = 0; j < len; j++) f32[o + j] = f32[a + j * aInc] / f32[b + j * bInc];
  }
}

const enum SumOf {
  Plain,
  Squares,
  Abs,
}

/** Sum of x[i] (or x[i]^2, |x[i]|) in f64 with the wasm lane order: four partial sums by i % 4, (s0+s1)+(s2+s3), tail. */
function sumLanes(f32: Float32Array, x: number, n: number, mode: SumOf): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  // One loop per mode keeps the hot loop free of calls.
  if (mode === SumOf.Squares) {
    for (; i + 4 <= n; i += 4) {
      const v0 = f32[x + i];
      const v1 = f32[x + i + 1];
      const v2 = f32[x + i + 2];
      const v3 = f32[x + i + 3];
      s0 += v0 * v0;
      s1 += v1 * v1;
      s2 += v2 * v2;
      s3 += v3 * v3;
    }
  } else if (mode === SumOf.Abs) {
    for (; i + 4 <= n; i += 4) {
      s0 += Math.abs(f32[x + i]);
      s1 += Math.abs(f32[x + i + 1]);
      s2 += Math.abs(f32[x + i + 2]);
      s3 += Math.abs(f32[x + i + 3]);
    }
  } else {
    for (; i + 4 <= n; i += 4) {
      s0 += f32[x + i];
      s1 += f32[x + i + 1];
      s2 += f32[x + i + 2];
      s3 += f32[x + i + 3];
    }
  }
  let s = s0 + s1 + (s2 + s3);
  for (; i < n; i++) {
    const v = f32[x + i];
    s += mode === SumOf.Squares ? v * v : mode === SumOf.Abs ? Math.abs(v) : v;
  }
  return s;
}

export function elementwiseKernels(heap: Heap): ElementwiseKernels {
  return {
    // x (m,n), bias (n), out (m,n); out may be x
    biasAdd(x: Ptr, bias: Ptr, out: Ptr, m: number, n: number): void {
      const f32 = heap.f32;
      for (let i = 0; i < m; i++) binaryRow(f32, BinOp.Add, word(x) + i * n, 1, word(bias), 1, word(out) + i * n, n);
    },

    // dout (m,n), db (n): db (+)= scale * column sums, each column in row order in f64, scaled (and added to
    // db's old value) in f64, rounded once: the wasm kernel's order
    biasGrad(dout: Ptr, db: Ptr, m: number, n: number, accumulate: number, scale: number): void {
      const f32 = heap.f32;
      const x = word(dout);
      const d = word(db);
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let i = 0, p = x + j; i < m; i++, p += n) s += f32[p];
        s *= scale;
        f32[d + j] = accumulate ? f32[d + j] + s : s;
      }
    },

    // x (m,n), out (m): out[i] = scale * row sum, each row summed as `sum` sums, scaled in f64, rounded once
    rowSums(x: Ptr, out: Ptr, m: number, n: number, scale: number): void {
      const f32 = heap.f32;
      for (let i = 0; i < m; i++) f32[word(out) + i] = sumLanes(f32, word(x) + i * n, n, SumOf.Plain) * scale;
    },

    // x (n)
    sum(x: Ptr, n: number): number {
      return sumLanes(heap.f32, word(x), n, SumOf.Plain);
    },

    // x (n)
    sumSquares(x: Ptr, n: number): number {
      return sumLanes(heap.f32, word(x), n, SumOf.Squares);
    },

    // w (n), g (n) or 0: returns l1*sum|w| + l2*sum w^2 (f64; a zero coefficient skips its sum), and when
    // g != 0 adds l1*sign(w) + l2*(2w) into g in f32 (sign(0) = sign(NaN) = 0)
    penalty(w: Ptr, g: Ptr, n: number, l1: number, l2: number): number {
      const f32 = heap.f32;
      const wi = word(w);
      if (g !== 0) {
        const gi = word(g);
        const l1f = Math.fround(l1);
        const l2f = Math.fround(l2);
        for (let i = 0; i < n; i++) {
          const v = f32[wi + i];
          const sign = v > 0 ? 1 : -1; // TF.js's gradient of |v|: step(v, -1)
          f32[gi + i] += Math.fround(l1f * sign + Math.fround(l2f * Math.fround(v + v)));
        }
      }
      let total = 0;
      if (l1 !== 0) total += l1 * sumLanes(f32, wi, n, SumOf.Abs);
      if (l2 !== 0) total += l2 * sumLanes(f32, wi, n, SumOf.Squares);
      return total;
    },

    // a, b per their Bcast modes against out (m,n); out may alias a Full operand
    binary(op: BinOp, a: Ptr, aMode: Bcast, b: Ptr, bMode: Bcast, out: Ptr, m: number, n: number): void {
      const f32 = heap.f32;
      // Without a Row operand the layout is irrelevant: treat [m,n] as one row of m*n.
      const flat = aMode !== Bcast.Row && bMode !== Bcast.Row;
      const rows = flat ? 1 : m;
      const len = flat ? m * n : n;
      const aInc = aMode === Bcast.Scalar ? 0 : 1;
      const bInc = bMode === Bcast.Scalar ? 0 : 1;
      const aStep = aMode === Bcast.Full ? len : 0;
      const bStep = bMode === Bcast.Full ? len : 0;
      for (let i = 0; i < rows; i++) binaryRow(f32, op, word(a) + i * aStep, aInc, word(b) + i * bStep, bInc, word(out) + i * len, len);
    },

    // x (n), out (n) = x * s; out may be x
    scale(x: Ptr, out: Ptr, n: number, s: number): void {
      const f32 = heap.f32;
      const sf = Math.fround(s);
      const xi = word(x);
      const oi = word(out);
      for (let i = 0; i < n; i++) f32[oi + i] = f32[xi + i] * sf;
    },

    // out (n) = value
    fill(out: Ptr, n: number, value: number): void {
      heap.f32.fill(value, word(out), word(out) + n);
    },

    // x (m,n), out i32 (n) for axis 0 or (m) for axis 1. As TF.js's CPU argMax: the running maximum starts at
    // the first element and only a strictly greater value replaces it (first maximum wins, a later NaN never
    // wins, a NaN first element gives 0).
    argMax(x: Ptr, out: Ptr, m: number, n: number, axis: number): void {
      const f32 = heap.f32;
      const i32 = heap.i32;
      const xi = word(x);
      const oi = word(out);
      if (axis === 0) {
        i32.fill(0, oi, oi + n);
        for (let i = 1; i < m; i++) {
          const row = xi + i * n;
          for (let j = 0; j < n; j++) {
            if (f32[row + j] > f32[xi + i32[oi + j] * n + j]) i32[oi + j] = i;
          }
        }
      } else {
        for (let i = 0; i < m; i++) {
          const row = xi + i * n;
          let max = f32[row];
          let best = 0;
          for (let j = 1; j < n; j++) {
            if (f32[row + j] > max) {
              max = f32[row + j];
              best = j;
            }
          }
          i32[oi + i] = best;
        }
      }
    },
  };
}
