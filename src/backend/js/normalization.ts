// The js twin of assembly/normalization.ts: batch normalization's statistics, normalization and gradient over
// channels-last x (rows, channels; the sums' rows `stride` values apart), the sums in f64 in the same order (per channel, row by row) and each f32
// operation rounded where the wasm kernels round it (Math.fround), so every value equals their bits.

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';

type NormalizationKernels = Pick<Kernels, 'batchNormStats' | 'batchNormForward' | 'batchNormBackward'>;

const f = Math.fround;

export function normalizationKernels(heap: Heap): NormalizationKernels {
  /** n f64 of scratch at ptr, zeroed. */
  const sumsAt = (ptr: Ptr, n: number) => new Float64Array(heap.f32.buffer, ptr, n).fill(0);
  return {
    batchNormStats(x: Ptr, mean: Ptr, variance: Ptr, sums: Ptr, rows: number, channels: number, stride: number): void {
      const f32 = heap.f32;
      const s = sumsAt(sums, 2 * channels);
      const X = word(x);
      for (let r = 0, row = X; r < rows; r++, row += stride) {
        for (let c = 0; c < channels; c++) {
          const d = f32[row + c] - f32[X + c];
          s[c] += d;
          s[channels + c] += d * d;
        }
      }
      const [M, V] = [word(mean), word(variance)];
      for (let c = 0; c < channels; c++) {
        const shifted = s[c] / rows;
        const shift = rows > 0 ? f32[X + c] : 0;
        f32[M + c] = shift + shifted;
        f32[V + c] = Math.max(s[channels + c] / rows - shifted * shifted, 0);
      }
    },

    batchNormForward(x: Ptr, mean: Ptr, variance: Ptr, gamma: Ptr, beta: Ptr, y: Ptr, rows: number, channels: number, epsilon: number, scratch: Ptr): void {
      const f32 = heap.f32;
      const [X, M, V, G, B, Y, K] = [x, mean, variance, gamma, beta, y, scratch].map(word);
      const O = K + channels;
      for (let c = 0; c < channels; c++) {
        f32[K + c] = (gamma ? f32[G + c] : 1) / Math.sqrt(f32[V + c] + epsilon);
        f32[O + c] = beta ? f32[B + c] : 0;
      }
      for (let r = 0, at = 0; r < rows; r++) {
        for (let c = 0; c < channels; c++, at++) f32[Y + at] = f(f(f32[X + at] - f32[M + c]) * f32[K + c]) + f32[O + c];
      }
    },

    batchNormBackward(x: Ptr, dy: Ptr, mean: Ptr, variance: Ptr, gamma: Ptr, dx: Ptr, dgamma: Ptr, dbeta: Ptr, rows: number, channels: number, stride: number, epsilon: number, scratch: Ptr): void {
      const f32 = heap.f32;
      const s = sumsAt(scratch, 2 * channels);
      const [X, D, M, V, G, DX, DG, DB] = [x, dy, mean, variance, gamma, dx, dgamma, dbeta].map(word);
      for (let r = 0; r < rows; r++) {
        for (let c = 0, at = r * stride; c < channels; c++, at++) {
          const d = f32[D + at];
          s[c] += d;
          s[channels + c] += d * (f32[X + at] - f32[M + c]);
        }
      }
      // a, b, c (channels f32 each) after the sums
      const A = word(scratch) + 4 * channels;
      const [Bc, C] = [A + channels, A + 2 * channels];
      for (let c = 0; c < channels; c++) {
        const invstd = 1 / Math.sqrt(f32[V + c] + epsilon);
        const k = (gamma ? f32[G + c] : 1) * invstd;
        const [sDy, sDyX] = [s[c], s[channels + c]];
        if (dbeta) f32[DB + c] = sDy;
        if (dgamma) f32[DG + c] = sDyX * invstd;
        f32[A + c] = k;
        f32[Bc + c] = (-k * sDy) / rows;
        f32[C + c] = (-k * invstd * invstd * sDyX) / rows;
      }
      if (!dx) return;
      for (let r = 0; r < rows; r++) {
        for (let c = 0, at = r * stride; c < channels; c++, at++) {
          const centred = f(f32[X + at] - f32[M + c]);
          f32[DX + at] = f(f(f32[A + c] * f32[D + at]) + f(f32[C + c] * centred)) + f32[Bc + c];
        }
      }
    },
  };
}
