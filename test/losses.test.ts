// Every loss on every build against an f64 reference of TF.js's definition, gradients against central finite
// differences of that reference, published numbers, and TF.js itself (CPU backend) as an oracle.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Loss } from '../src/backend/kernels.js';
import { BUILDS, SIZES, backendFor, expectClose, freeAll, get, numericGradient, put, putInt, randomData } from './support.js';

// TF.js clips probabilities to [1e-7, 1 - 1e-7] in f32.
const LO = Math.fround(1e-7);
const HI = Math.fround(1 - 1e-7);
const clip = (p: number) => Math.min(HI, Math.max(LO, p));

const SPARSE = new Set<Loss>([Loss.SparseCategoricalCrossentropy, Loss.SparseCategoricalCrossentropyLogits]);

/**
 * A row's softmax, as the output layer gives it (rounded to f32) or (`exact`, for finite differences, which f32
 * steps would swamp) in f64.
 */
function softmaxOf(z: number[], exact: boolean): number[] {
  const max = Math.max(...z);
  const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
  return z.map((v) => (exact ? Math.exp(v - max) / sum : Math.fround(Math.exp(v - max) / sum)));
}
const sigmoidOf = (z: number, exact: boolean) => (exact ? 1 / (1 + Math.exp(-z)) : Math.fround(1 / (1 + Math.exp(-z))));

/**
 * TF.js's (tfjs-layers) definitions written out in f64; target holds labels for the sparse losses. The *Logits
 * losses are the same losses of the probabilities the output layer's sigmoid or softmax gives.
 */
function reference(kind: Loss, pred: ArrayLike<number>, target: ArrayLike<number>, m: number, n: number, exact = false): number {
  const probabilities: Partial<Record<Loss, Loss>> = {
    [Loss.BinaryCrossentropyLogits]: Loss.BinaryCrossentropy,
    [Loss.CategoricalCrossentropyLogits]: Loss.CategoricalCrossentropy,
    [Loss.SparseCategoricalCrossentropyLogits]: Loss.SparseCategoricalCrossentropy,
  };
  const of = probabilities[kind];
  // Binary crossentropy of the exact sigmoid (below the clip) in its cancellation-free form: finite differences
  // of log(1 - p) for p near 1 would lose more digits than the kernel's f32 probabilities do.
  if (exact && kind === Loss.BinaryCrossentropyLogits) {
    let total = 0;
    for (let i = 0; i < m * n; i++) total += target[i] * Math.log1p(Math.exp(-pred[i])) + (1 - target[i]) * (pred[i] + Math.log1p(Math.exp(-pred[i])));
    return total / (m * n);
  }
  if (of !== undefined) {
    const rows = Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => pred[i * n + j]));
    const p = rows.flatMap((z) => (kind === Loss.BinaryCrossentropyLogits ? z.map((v) => sigmoidOf(v, exact)) : softmaxOf(z, exact)));
    return reference(of, p, target, m, n);
  }
  let total = 0;
  for (let i = 0; i < m; i++) {
    const p = Array.from({ length: n }, (_, j) => pred[i * n + j]);
    const t = SPARSE.has(kind) ? [] : Array.from({ length: n }, (_, j) => target[i * n + j]);
    const label = target[i];
    let rowLoss = 0;
    switch (kind) {
      case Loss.MeanSquared: rowLoss = p.reduce((s, v, j) => s + (v - t[j]) ** 2, 0) / n; break;
      case Loss.MeanAbsolute: rowLoss = p.reduce((s, v, j) => s + Math.abs(v - t[j]), 0) / n; break;
      case Loss.BinaryCrossentropy:
        rowLoss = p.reduce((s, v, j) => s - t[j] * Math.log(clip(v)) - (1 - t[j]) * Math.log(1 - clip(v)), 0) / n;
        break;
      case Loss.CategoricalCrossentropy: {
        const s = p.reduce((a, v) => a + v, 0);
        rowLoss = -p.reduce((a, v, j) => a + t[j] * Math.log(clip(v / s)), 0);
        break;
      }
      case Loss.SparseCategoricalCrossentropy: {
        const c = p.map(clip); // TF.js clips, then runs categorical crossentropy on the one-hot label
        const s = c.reduce((a, v) => a + v, 0);
        rowLoss = -Math.log(clip(c[label] / s));
        break;
      }
    }
    total += rowLoss;
  }
  return total / m;
}

const LOSSES = Object.entries(Loss) as Array<[string, Loss]>;

/** Test data for a loss: predictions away from clip bounds and kinks, targets of the right kind. */
function data(kind: Loss, m: number, n: number, seed: number): { pred: Float32Array; target: Float32Array | Int32Array } {
  const u = randomData(m * n, seed, 0, 1);
  switch (kind) {
    case Loss.MeanSquared:
    case Loss.MeanAbsolute:
      return { pred: randomData(m * n, seed + 1, -2, 2), target: randomData(m * n, seed + 2, -2, 2) };
    case Loss.BinaryCrossentropy:
      return { pred: randomData(m * n, seed + 1, 0.02, 0.98), target: u.map((v) => (v < 0.3 ? 0 : v < 0.6 ? 1 : v)) };
    case Loss.BinaryCrossentropyLogits:
      return { pred: randomData(m * n, seed + 1, -12, 12), target: u.map((v) => (v < 0.3 ? 0 : v < 0.6 ? 1 : v)) };
    case Loss.CategoricalCrossentropy:
    case Loss.CategoricalCrossentropyLogits: {
      // Soft labels (rows summing to 1), and for probabilities, positive rows that TF.js normalises itself.
      const target = new Float32Array(m * n);
      for (let i = 0; i < m; i++) {
        const row = u.subarray(i * n, (i + 1) * n);
        const s = row.reduce((a, v) => a + v, 0);
        for (let j = 0; j < n; j++) target[i * n + j] = row[j] / s;
      }
      const pred = kind === Loss.CategoricalCrossentropy ? randomData(m * n, seed + 1, 0.05, 1) : randomData(m * n, seed + 1, -8, 8);
      return { pred, target };
    }
    default: {
      const labels = Int32Array.from(u.subarray(0, m), (v) => Math.min(n - 1, Math.floor(v * n)));
      if (kind === Loss.SparseCategoricalCrossentropyLogits) return { pred: randomData(m * n, seed + 1, -8, 8), target: labels };
      // Softmax-like rows: positive, summing to about 1
      const pred = randomData(m * n, seed + 1, 0.05, 1);
      for (let i = 0; i < m; i++) {
        const s = pred.subarray(i * n, (i + 1) * n).reduce((a, v) => a + v, 0);
        for (let j = 0; j < n; j++) pred[i * n + j] /= s;
      }
      return { pred, target: labels };
    }
  }
}

describe.each(BUILDS)('losses on %s', (build) => {
  it.each(LOSSES)('%s matches the f64 reference and its gradient matches central differences', async (_name, kind) => {
    const b = await backendFor(build);
    for (const m of [1, 3]) {
      for (const n of SIZES) {
        const { pred, target } = data(kind, m, n, 1000 * m + n);
        const p = put(b, pred);
        const t = target instanceof Int32Array ? putInt(b, target) : put(b, target);
        const g = put(b, new Float32Array(m * n));
        const value = b.kernels.loss(kind, p, t, g, m, n, 0);
        const want = reference(kind, pred, target, m, n);
        // f64 accumulation in the kernels against f64 here: only summation order differs.
        expect(Math.abs(value - want), `${build} loss ${kind} ${m}x${n}: ${value} vs ${want}`).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(want)));
        expect(b.kernels.loss(kind, p, t, 0, m, n, 0), 'grad = 0 gives the same loss').toBe(value);
        const out = put(b, [0]);
        b.kernels.loss(kind, p, t, 0, m, n, out);
        expect(get(b, out, 1)[0], 'out holds the loss as float32').toBe(Math.fround(value));
        freeAll(b, [out]);
        // h = 1e-6: probabilities reach 1e-3, where log's third derivative makes h = 1e-5 too coarse.
        const numeric = numericGradient((x) => reference(kind, x, target, m, n, true), Float64Array.from(pred), 1e-6);
        // The gradient is computed in f64 and rounded to f32 (rtol); the differences are good to ~1e-7 relative.
        const scale = Math.max(...Array.from(numeric, Math.abs));
        expectClose(get(b, g, m * n), numeric, { atol: 1e-6 * scale, rtol: 1e-5 }, `${build} grad ${kind} ${m}x${n}`);
        freeAll(b, [p, t, g]);
      }
    }
  });

  const fixed: Array<[string, Loss, number[], number[], number, number, number]> = [
    // The course example: binary crossentropy of p = 0.8 against t = 1 is -ln 0.8.
    ['BCE p=0.8 t=1 is -ln 0.8 = 0.2231', Loss.BinaryCrossentropy, [0.8], [1], 1, 1, 0.2231435513],
    ['MSE of [0.8, 0.6] vs [1.0, 0.5] is 0.025', Loss.MeanSquared, [0.8, 0.6], [1.0, 0.5], 1, 2, 0.025],
    // Keras documentation examples (same definitions and epsilon as TF.js), published to 3 decimals.
    ['Keras MSE example is 0.5', Loss.MeanSquared, [1, 1, 1, 0], [0, 1, 0, 0], 2, 2, 0.5],
    ['Keras MAE example is 0.5', Loss.MeanAbsolute, [1, 1, 1, 0], [0, 1, 0, 0], 2, 2, 0.5],
    ['Keras BCE example is 0.815', Loss.BinaryCrossentropy, [0.6, 0.4, 0.4, 0.6], [0, 1, 0, 0], 2, 2, 0.815],
    ['Keras BCE from logits example is 0.865', Loss.BinaryCrossentropyLogits, [-18.6, 0.51, 2.94, -12.8], [0, 1, 0, 0], 1, 4, 0.865],
    ['Keras CCE example is 1.177', Loss.CategoricalCrossentropy, [0.05, 0.95, 0, 0.1, 0.8, 0.1], [0, 1, 0, 0, 0, 1], 2, 3, 1.177],
    ['Keras sparse CCE example is 1.177', Loss.SparseCategoricalCrossentropy, [0.05, 0.95, 0, 0.1, 0.8, 0.1], [1, 2], 2, 3, 1.177],
  ];
  it.each(fixed)('%s', async (_name, kind, pred, target, m, n, want) => {
    const b = await backendFor(build);
    const p = put(b, pred);
    const t = SPARSE.has(kind) ? putInt(b, target) : put(b, target);
    const digits = String(want).split('.')[1].length;
    expect(b.kernels.loss(kind, p, t, 0, m, n, 0)).toBeCloseTo(want, Math.min(digits, 6));
    freeAll(b, [p, t]);
  });

  it('gives zero gradient where the clip is active and where MAE has a tie', async () => {
    const b = await backendFor(build);
    const check = (kind: Loss, pred: number[], target: number[], m: number, n: number, zeroAt: number[]) => {
      const p = put(b, pred);
      const t = SPARSE.has(kind) ? putInt(b, target) : put(b, target);
      const g = put(b, new Float32Array(m * n).fill(NaN));
      const value = b.kernels.loss(kind, p, t, g, m, n, 0);
      expect(Number.isFinite(value), `loss ${kind} finite`).toBe(true);
      const grad = get(b, g, m * n);
      for (let i = 0; i < m * n; i++) {
        if (zeroAt.includes(i)) expect(Math.abs(grad[i]), `loss ${kind} grad[${i}]`).toBe(0);
        else expect(grad[i], `loss ${kind} grad[${i}]`).not.toBe(0);
      }
      freeAll(b, [p, t, g]);
    };
    check(Loss.MeanAbsolute, [0.5, 0.2, -1], [0.5, 0.1, 1], 1, 3, [0]);
    check(Loss.BinaryCrossentropy, [0, 1, 0.5, 1e-9], [1, 0, 1, 1], 1, 4, [0, 1, 3]);
    // Row 0: the target's q = 0 is clipped, so the loss is flat in the whole row; row 1 is unclipped.
    check(Loss.CategoricalCrossentropy, [0, 0.5, 0.5, 0.25, 0.75, 0], [1, 0, 0, 1, 0, 0], 2, 3, [0, 1, 2]);
    // p = 0 is clipped before normalising (TF.js's first clip): no gradient there, but the label's does.
    check(Loss.SparseCategoricalCrossentropy, [0, 0.5, 0.5], [1], 1, 3, [0]);
  });

  it('clips like TF.js: BCE of p = 1 against t = 0 is -ln(2^-23), of p = 0 against t = 1 is -ln(f32(1e-7))', async () => {
    const b = await backendFor(build);
    const p = put(b, [1, 0]);
    const t = put(b, [0, 1]);
    expect(b.kernels.loss(Loss.BinaryCrossentropy, p, t, 0, 1, 2, 0)).toBeCloseTo((-Math.log(2 ** -23) - Math.log(Math.fround(1e-7))) / 2, 12);
    freeAll(b, [p, t]);
  });

  it('logits losses of saturated outputs are TF.js\'s clipped ones: finite, with no gradient where the clip acts', async () => {
    const b = await backendFor(build);
    const z = put(b, [1000, -1000, 0, -1000]);
    const t = put(b, [1, 0, 0, 1]);
    const g = put(b, new Float32Array(4).fill(NaN));
    // Probabilities 1, 0, 0.5, 0: clipped to HI, LO, -, LO.
    expect(b.kernels.loss(Loss.BinaryCrossentropyLogits, z, t, g, 1, 4, 0)).toBeCloseTo((-Math.log(HI) - Math.log(1 - LO) + Math.LN2 - Math.log(LO)) / 4, 10);
    expect(Array.from(get(b, g, 4))).toEqual([0, 0, 0.125, 0]);
    // The softmax [1, 0, 0, 0]: the target's 1 at HI, its other 1 at LO.
    expect(b.kernels.loss(Loss.CategoricalCrossentropyLogits, z, t, g, 1, 4, 0)).toBeCloseTo(-Math.log(HI) - Math.log(LO), 10);
    const labels = putInt(b, [1]);
    // Label 1's probability 0 is clipped twice (to LO, then LO over the clipped row's sum, below LO: to LO).
    expect(b.kernels.loss(Loss.SparseCategoricalCrossentropyLogits, z, labels, g, 1, 4, 0)).toBeCloseTo(-Math.log(LO), 10);
    expect(Array.from(get(b, g, 4), Math.abs)).toEqual([0, 0, 0, 0]);
    freeAll(b, [z, t, g, labels]);
  });
});

describe('losses against TF.js (CPU backend) as the oracle', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  /** TF.js's mean loss for our kind; the logits kinds as the layers' losses of tf.sigmoid / tf.softmax outputs. */
  function tfLoss(kind: Loss, pred: Float32Array, target: Float32Array | Int32Array, m: number, n: number): number {
    return tf.tidy(() => {
      const z = tf.tensor2d(pred, [m, n]);
      const p = kind === Loss.BinaryCrossentropyLogits ? tf.sigmoid(z) : kind === Loss.CategoricalCrossentropyLogits || kind === Loss.SparseCategoricalCrossentropyLogits ? tf.softmax(z) : z;
      const t = SPARSE.has(kind) ? tf.oneHot(tf.tensor1d(target, 'int32'), n).toFloat() : tf.tensor2d(target, [m, n]);
      switch (kind) {
        case Loss.MeanSquared: return tf.metrics.meanSquaredError(t, p).mean().dataSync()[0];
        case Loss.MeanAbsolute: return tf.metrics.meanAbsoluteError(t, p).mean().dataSync()[0];
        case Loss.BinaryCrossentropy:
        case Loss.BinaryCrossentropyLogits:
          return tf.metrics.binaryCrossentropy(t, p).mean().dataSync()[0];
        case Loss.CategoricalCrossentropy:
        case Loss.CategoricalCrossentropyLogits:
          return tf.metrics.categoricalCrossentropy(t, p).mean().dataSync()[0];
        // tfjs-layers' sparseCategoricalCrossentropy: clip, then categorical crossentropy of the one-hot labels
        default: return tf.metrics.categoricalCrossentropy(t, tf.clipByValue(p, 1e-7, 1 - 1e-7)).mean().dataSync()[0];
      }
    });
  }

  it.each(LOSSES)('%s agrees with TF.js within 1e-6 relative on random cases', async (_name, kind) => {
    const b = await backendFor('js');
    for (const [m, n, seed] of [[4, 5, 1], [7, 17, 2], [3, 63, 3]]) {
      const { pred, target } = data(kind, m, n, 5000 + seed);
      const p = put(b, pred);
      const t = target instanceof Int32Array ? putInt(b, target) : put(b, target);
      const ours = b.kernels.loss(kind, p, t, 0, m, n, 0);
      const theirs = tfLoss(kind, pred, target, m, n);
      // TF.js computes in f32 (a few roundings per element and an f32 mean); we accumulate in f64.
      expect(Math.abs(ours - theirs), `${ours} vs TF.js ${theirs}`).toBeLessThanOrEqual(1e-6 * Math.abs(theirs));
      freeAll(b, [p, t]);
    }
  });
});
