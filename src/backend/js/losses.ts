// The js twin of assembly/losses.ts: mean losses with TF.js's definitions and their gradients, in f64.
// The *Logits losses are TF.js's losses of the probabilities the output layer's sigmoid or softmax gives (f32),
// their gradients taken back through it (see assembly/losses.ts for the derivations).

import type { Heap } from '../heap.js';
import { Loss, type Kernels, type Ptr } from '../kernels.js';
import { word } from '../heap.js';

// TF.js clips probabilities to [epsilon, 1 - epsilon] in f32, so its bounds are these f32 values.
const LO = Math.fround(1e-7);
const HI = Math.fround(1 - 1e-7);

const clip = (p: number): number => (p < LO ? LO : p > HI ? HI : p);
/** Whether p is inside the clip range, where tf.clipByValue passes its gradient (bounds included). */
const inRange = (p: number): boolean => p >= LO && p <= HI;

export function lossKernels(heap: Heap): Pick<Kernels, 'loss'> {
  const at = (p: Ptr, i: number): number => heap.f32[word(p) + i];
  const put = (p: Ptr, i: number, value: number): void => void (heap.f32[word(p) + i] = value);

  // The row of logits being softmaxed: its largest value and the sum of exp(z - zMax); whether probabilities are
  // computed from them at each read (a loss without its gradient).
  let zMax = 0;
  let expSum = 0;
  let fromLogits = false;
  /** Softmax j of the row of logits, as the output layer gives it (f32). */
  const softmaxOf = (pred: Ptr, j: number): number => Math.fround(Math.exp(at(pred, j) - zMax) / expSum);

  /** Where the row's probabilities are: pred, or (softmaxed) their softmax in the gradient's row, or computed at each read. */
  function probabilities(pred: Ptr, grad: Ptr, row: number, n: number, softmaxed: boolean): Ptr {
    fromLogits = false;
    if (!softmaxed) return pred;
    zMax = -Infinity;
    for (let j = 0; j < n; j++) zMax = Math.max(zMax, at(pred, row + j));
    expSum = 0;
    for (let j = 0; j < n; j++) expSum += Math.exp(at(pred, row + j) - zMax);
    if (!grad) {
      fromLogits = true;
      return pred;
    }
    for (let j = 0; j < n; j++) put(grad, row + j, softmaxOf(pred, row + j));
    return grad;
  }
  const probability = (from: Ptr, j: number): number => (fromLogits ? softmaxOf(from, j) : at(from, j));

  /** TF.js's clipped binary crossentropy of p; its gradient wrt p (or, sigmoided, wrt the logit) times inv into grad[i]. */
  function clippedBinary(p: number, t: number, grad: Ptr, i: number, inv: number, sigmoided: boolean): number {
    const c = clip(p);
    if (grad) {
      const g = inRange(p) ? (c - t) / (c * (1 - c)) : 0;
      put(grad, i, (sigmoided ? g * p * (1 - p) : g) * inv);
    }
    return -((t !== 0 ? t * Math.log(c) : 0) + (t !== 1 ? (1 - t) * Math.log(1 - c) : 0));
  }

  /** TF.js's categorical crossentropy of a row, q = p / sum(p) clipped; gradients wrt p or (softmaxed) the logits. */
  function clippedCategorical(pred: Ptr, target: Ptr, grad: Ptr, row: number, n: number, inv: number, softmaxed: boolean): number {
    const from = probabilities(pred, grad, row, n, softmaxed);
    let s = 0;
    for (let j = 0; j < n; j++) s += probability(from, row + j);
    let loss = 0;
    let rowGradDot = 0;
    for (let j = 0; j < n; j++) {
      const q = probability(from, row + j) / s;
      const t = at(target, row + j);
      const c = clip(q);
      if (t !== 0) loss -= t * Math.log(c);
      if (inRange(q)) rowGradDot -= (t / c) * q;
    }
    if (!grad) return loss;
    let dot = 0;
    if (softmaxed) {
      for (let j = 0; j < n; j++) {
        const p = at(from, row + j);
        const q = p / s;
        const g = inRange(q) ? -at(target, row + j) / clip(q) : 0;
        dot += ((g - rowGradDot) / s) * p;
      }
    }
    for (let j = 0; j < n; j++) {
      const p = at(from, row + j);
      const q = p / s;
      const g = inRange(q) ? -at(target, row + j) / clip(q) : 0;
      const dp = (g - rowGradDot) / s;
      put(grad, row + j, (softmaxed ? p * (dp - dot) : dp) * inv);
    }
    return loss;
  }

  /** TF.js's sparse categorical crossentropy of a row: p clipped, then q = c_y / sum(c) clipped again. */
  function clippedSparse(pred: Ptr, label: number, grad: Ptr, row: number, n: number, inv: number, softmaxed: boolean): number {
    const from = probabilities(pred, grad, row, n, softmaxed);
    let s = 0;
    for (let j = 0; j < n; j++) s += clip(probability(from, row + j));
    const q = clip(probability(from, row + label)) / s;
    if (grad) {
      const g = inRange(q) ? -1 / clip(q) : 0;
      let dot = 0;
      if (softmaxed) {
        for (let j = 0; j < n; j++) {
          const p = at(from, row + j);
          if (inRange(p)) dot += ((((j === label ? 1 : 0) - q) * g) / s) * p;
        }
      }
      for (let j = 0; j < n; j++) {
        const p = at(from, row + j);
        const dp = inRange(p) ? (((j === label ? 1 : 0) - q) * g) / s : 0;
        put(grad, row + j, (softmaxed ? p * (dp - dot) : dp) * inv);
      }
    }
    return -Math.log(clip(q));
  }

  // pred (m,n), target (m,n) f32, grad (m,n) or 0. Averaged over the last axis then the batch.
  function elementwise(kind: Loss, pred: Ptr, target: Ptr, grad: Ptr, m: number, n: number): number {
    const count = m * n;
    const inv = 1 / count;
    let total = 0;
    for (let i = 0; i < count; i++) {
      const p = at(pred, i);
      const t = at(target, i);
      if (kind === Loss.BinaryCrossentropy || kind === Loss.BinaryCrossentropyLogits) {
        const sigmoided = kind === Loss.BinaryCrossentropyLogits;
        total += clippedBinary(sigmoided ? Math.fround(1 / (1 + Math.exp(-p))) : p, t, grad, i, inv, sigmoided);
        continue;
      }
      let g: number;
      if (kind === Loss.MeanSquared) {
        total += (p - t) * (p - t);
        g = 2 * (p - t);
      } else {
        total += Math.abs(p - t);
        g = p > t ? 1 : p < t ? -1 : 0;
      }
      if (grad) put(grad, i, g * inv);
    }
    return total * inv;
  }

  return {
    // pred (m,n), target (m,n) f32 or (m) i32 for the sparse losses, grad (m,n) or 0
    loss(kind: Loss, pred: Ptr, target: Ptr, grad: Ptr, m: number, n: number, out: Ptr): number {
      const inv = 1 / m;
      let total = 0;
      if (kind === Loss.CategoricalCrossentropy || kind === Loss.CategoricalCrossentropyLogits) {
        for (let i = 0; i < m; i++) total += clippedCategorical(pred, target, grad, i * n, n, inv, kind === Loss.CategoricalCrossentropyLogits);
        total *= inv;
      } else if (kind === Loss.SparseCategoricalCrossentropy || kind === Loss.SparseCategoricalCrossentropyLogits) {
        for (let i = 0; i < m; i++) total += clippedSparse(pred, heap.i32[word(target) + i], grad, i * n, n, inv, kind === Loss.SparseCategoricalCrossentropyLogits);
        total *= inv;
      } else {
        total = elementwise(kind, pred, target, grad, m, n);
      }
      if (out !== 0) heap.f32[word(out)] = total;
      return total;
    },
  };
}
