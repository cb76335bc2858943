// The js twin of assembly/losses.ts: mean losses with TF.js's definitions and their gradients, in f64.
// The *Logits losses are the fused, unclipped forms (see assembly/losses.ts for the derivations).

import type { Heap } from '../heap.js';
import { Loss, type Kernels, type Ptr } from '../kernels.js';
import { sigmoid, softplus } from './math.js';
import { word } from '../heap.js';

// TF.js clips probabilities to [epsilon, 1 - epsilon] in f32, so its bounds are these f32 values.
const LO = Math.fround(1e-7);
const HI = Math.fround(1 - 1e-7);

const clip = (p: number): number => (p < LO ? LO : p > HI ? HI : p);
/** Whether p is inside the clip range, where tf.clipByValue passes its gradient (bounds included). */
const inRange = (p: number): boolean => p >= LO && p <= HI;

export function lossKernels(heap: Heap): Pick<Kernels, 'loss'> {
  // pred (m,n), target (m,n) f32, grad (m,n) or 0. Averaged over the last axis then the batch.
  function elementwise(kind: Loss, pred: Ptr, target: Ptr, grad: Ptr, m: number, n: number): number {
    const f = heap.f32;
    const p0 = word(pred);
    const t0 = word(target);
    const g0 = word(grad);
    const count = m * n;
    const inv = 1 / count;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const p = f[p0 + i];
      const t = f[t0 + i];
      let g: number;
      if (kind === Loss.MeanSquared) {
        total += (p - t) * (p - t);
        g = 2 * (p - t);
      } else if (kind === Loss.MeanAbsolute) {
        total += Math.abs(p - t);
        g = p > t ? 1 : p < t ? -1 : 0;
      } else if (kind === Loss.BinaryCrossentropy) {
        const c = clip(p);
        total -= t * Math.log(c) + (1 - t) * Math.log(1 - c);
        g = inRange(p) ? (c - t) / (c * (1 - c)) : 0;
      } else {
        total += softplus(p) - p * t; // max(z, 0) - z t + log1p(exp(-|z|))
        g = sigmoid(p) - t;
      }
      if (grad) f[g0 + i] = g * inv;
    }
    return total * inv;
  }

  // pred (m,n), target (m,n) f32, grad (m,n) or 0. Summed over a row, averaged over rows.
  function categorical(kind: Loss, pred: Ptr, target: Ptr, grad: Ptr, m: number, n: number): number {
    const f = heap.f32;
    const inv = 1 / m;
    let total = 0;
    for (let i = 0; i < m; i++) {
      const pr = word(pred) + i * n;
      const tr = word(target) + i * n;
      const gr = word(grad) + i * n;
      if (kind === Loss.CategoricalCrossentropy) {
        // q = p / sum(p) clipped; dL/dp_k = (g_k - sum_j g_j q_j) / sum(p) with g_j = dL/dq_j
        let s = 0;
        for (let j = 0; j < n; j++) s += f[pr + j];
        let rowGradDot = 0;
        for (let j = 0; j < n; j++) {
          const q = f[pr + j] / s;
          const t = f[tr + j];
          const c = clip(q);
          total -= t * Math.log(c);
          if (inRange(q)) rowGradDot -= (t / c) * q;
        }
        if (grad) {
          for (let j = 0; j < n; j++) {
            const q = f[pr + j] / s;
            const g = inRange(q) ? -f[tr + j] / clip(q) : 0;
            f[gr + j] = ((g - rowGradDot) / s) * inv;
          }
        }
      } else {
        // sum(t) * logsumexp(z) - sum t z; gradient sum(t) softmax(z) - t
        let zMax = -Infinity;
        for (let j = 0; j < n; j++) zMax = Math.max(zMax, f[pr + j]);
        let expSum = 0;
        let tSum = 0;
        let tz = 0;
        for (let j = 0; j < n; j++) {
          const z = f[pr + j];
          const t = f[tr + j];
          expSum += Math.exp(z - zMax);
          tSum += t;
          tz += t * z;
        }
        total += tSum * (zMax + Math.log(expSum)) - tz;
        if (grad) {
          for (let j = 0; j < n; j++) f[gr + j] = (tSum * (Math.exp(f[pr + j] - zMax) / expSum) - f[tr + j]) * inv;
        }
      }
    }
    return total * inv;
  }

  // pred (m,n), labels (m) i32 in [0, n), grad (m,n) or 0.
  function sparse(kind: Loss, pred: Ptr, labels: Ptr, grad: Ptr, m: number, n: number): number {
    const f = heap.f32;
    const ints = heap.i32;
    const inv = 1 / m;
    let total = 0;
    for (let i = 0; i < m; i++) {
      const pr = word(pred) + i * n;
      const gr = word(grad) + i * n;
      const label = ints[word(labels) + i];
      if (kind === Loss.SparseCategoricalCrossentropy) {
        // TF.js clips p, then takes categorical crossentropy of the one-hot label: q = c_y / sum(c), clipped.
        let s = 0;
        for (let j = 0; j < n; j++) s += clip(f[pr + j]);
        const q = clip(f[pr + label]) / s;
        total -= Math.log(clip(q));
        if (grad) {
          const g = inRange(q) ? -1 / clip(q) : 0;
          for (let j = 0; j < n; j++) {
            f[gr + j] = inRange(f[pr + j]) ? ((((j === label ? 1 : 0) - q) * g) / s) * inv : 0;
          }
        }
      } else {
        // logsumexp(z) - z_y; gradient softmax(z) - onehot(y)
        let zMax = -Infinity;
        for (let j = 0; j < n; j++) zMax = Math.max(zMax, f[pr + j]);
        let expSum = 0;
        for (let j = 0; j < n; j++) expSum += Math.exp(f[pr + j] - zMax);
        total += zMax + Math.log(expSum) - f[pr + label];
        if (grad) {
          for (let j = 0; j < n; j++) f[gr + j] = (Math.exp(f[pr + j] - zMax) / expSum - (j === label ? 1 : 0)) * inv;
        }
      }
    }
    return total * inv;
  }

  return {
    // pred (m,n), target (m,n) f32 or (m) i32 for the sparse losses, grad (m,n) or 0
    loss(kind: Loss, pred: Ptr, target: Ptr, grad: Ptr, m: number, n: number, out: Ptr): number {
      const value =
        kind === Loss.CategoricalCrossentropy || kind === Loss.CategoricalCrossentropyLogits ? categorical(kind, pred, target, grad, m, n)
        : kind === Loss.SparseCategoricalCrossentropy || kind === Loss.SparseCategoricalCrossentropyLogits ? sparse(kind, pred, target, grad, m, n)
        : elementwise(kind, pred, target, grad, m, n);
      if (out !== 0) heap.f32[word(out)] = value;
      return value;
    },
  };
}
