// Optimizer steps against TF.js 4.22 itself (CPU backend) as the oracle: the same initial weights and fixed
// gradients, five steps, weights compared after every step; AdamW against an f64 reference of the decoupled
// update; and the three builds against each other bit for bit.
//
// Against TF.js the weights must be bit-identical: the kernels do TF.js's f32 operations in its order with its
// f32 constants (1 - beta rounded from f64). For Adam that holds only when the caller forms c1, c2 as TF.js
// does (tfjsBiasCorrection): its f32 product chain of beta differs from 1 - beta^t in f64 by up to 1.3e-5
// relative for beta2 = 0.999. AdamW has no TF.js twin: 1e-6 relative (+1e-7 absolute near 0) against f64,
// a few f32 roundings per step over five steps.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.js';
import { BUILDS, backendFor, expectClose, freeAll, get, put, randomData } from './support.js';

const STEPS = 5;
const f = Math.fround;

/** 1 - beta^t as TF.js forms it: beta^t as a running f32 product starting from f32(beta), then 1 - it in f32. */
function tfjsBiasCorrection(beta: number, t: number): number {
  let acc = f(beta);
  for (let k = 1; k < t; k++) acc = f(acc * f(beta));
  return f(1 - acc);
}
const SIZES_HERE = [1, 7, 257];
const TOL = { rtol: 1e-6, atol: 1e-7 };

interface KernelCase {
  name: string;
  /** Runs one step (1-based t) with the kernel; state holds zeroed (or caller-initialised) buffers. */
  step: (b: Backend, w: number, g: number, state: number[], n: number, t: number) => void;
  /** Number of state buffers and their initial value. */
  buffers: number;
  init?: number;
}

interface Case extends KernelCase {
  /** The TF.js optimizer with the same hyperparameters. */
  tfjs: () => tf.Optimizer;
}

const CASES: Case[] = [
  {
    name: 'sgd',
    tfjs: () => tf.train.sgd(0.1),
    buffers: 0,
    step: (b, w, g, _s, n) => b.kernels.sgdStep(w, g, n, 0.1),
  },
  ...[false, true].map((nesterov) => ({
    name: `momentum nesterov=${nesterov}`,
    tfjs: () => tf.train.momentum(0.05, 0.9, nesterov),
    buffers: 1,
    step: (b: Backend, w: number, g: number, [acc]: number[], n: number) => b.kernels.momentumStep(w, g, acc, n, 0.05, 0.9, nesterov ? 1 : 0),
  })),
  {
    name: 'adam',
    tfjs: () => tf.train.adam(0.01, 0.9, 0.999, 1e-7),
    buffers: 2,
    step: (b, w, g, [m, v], n, t) => b.kernels.adamStep(w, g, m, v, n, 0.01, 0.9, 0.999, 1e-7, tfjsBiasCorrection(0.9, t), tfjsBiasCorrection(0.999, t), 0),
  },
  {
    name: 'adam beta1 0.5 beta2 0.9 eps 1e-3',
    tfjs: () => tf.train.adam(0.02, 0.5, 0.9, 1e-3),
    buffers: 2,
    step: (b, w, g, [m, v], n, t) => b.kernels.adamStep(w, g, m, v, n, 0.02, 0.5, 0.9, 1e-3, tfjsBiasCorrection(0.5, t), tfjsBiasCorrection(0.9, t), 0),
  },
  ...([
    ['rmsprop', 0, false],
    ['rmsprop momentum', 0.9, false],
    ['rmsprop centered', 0, true],
    ['rmsprop centered momentum', 0.5, true],
  ] as const).map(([name, momentum, centered]) => ({
    name,
    tfjs: () => tf.train.rmsprop(0.01, 0.9, momentum, 1e-7, centered),
    buffers: 3,
    step: (b: Backend, w: number, g: number, [ms, mom, mg]: number[], n: number) =>
      b.kernels.rmspropStep(w, g, ms, mom, mg, n, 0.01, 0.9, momentum, 1e-7, centered ? 1 : 0),
  })),
  {
    name: 'adagrad',
    tfjs: () => tf.train.adagrad(0.1, 0.1),
    buffers: 1,
    init: 0.1,
    step: (b, w, g, [acc], n) => b.kernels.adagradStep(w, g, acc, n, 0.1, 1e-7),
  },
];

/** AdamW has no TF.js optimizer: its reference is an f64 loop in the test. c1, c2 computed in f64 here. */
const ADAMW_PARAMS = [0.01, 0.9, 0.999, 1e-7, 0.1] as const;
const ADAMW: KernelCase = {
  name: 'adamw',
  buffers: 2,
  step: (b, w, g, [m, v], n, t) => {
    const [lr, beta1, beta2, eps, wd] = ADAMW_PARAMS;
    b.kernels.adamStep(w, g, m, v, n, lr, beta1, beta2, eps, 1 - beta1 ** t, 1 - beta2 ** t, wd);
  },
};

const initialWeights = (n: number) => randomData(n, 1000 + n, -1, 1);
const gradient = (n: number, t: number) => randomData(n, 17 * t + n, -1, 1);

/** Weights after each of STEPS kernel steps. */
function runKernel(b: Backend, c: KernelCase, n: number): Float32Array[] {
  const w = put(b, initialWeights(n));
  const state = Array.from({ length: c.buffers }, () => put(b, new Float32Array(n).fill(c.init ?? 0)));
  const history: Float32Array[] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g = put(b, gradient(n, t));
    c.step(b, w, g, state, n, t);
    history.push(get(b, w, n));
    freeAll(b, [g]);
  }
  freeAll(b, [w, ...state]);
  return history;
}

/** Weights after each of STEPS TF.js steps with the same gradients. */
function runTfjs(c: Case, n: number): Float32Array[] {
  const v = tf.variable(tf.tensor1d(initialWeights(n)));
  const optimizer = c.tfjs();
  const history: Float32Array[] = [];
  for (let t = 1; t <= STEPS; t++) {
    const g = tf.tensor1d(gradient(n, t));
    optimizer.applyGradients([{ name: v.name, tensor: g }]);
    g.dispose();
    history.push(v.dataSync() as Float32Array);
  }
  optimizer.dispose();
  v.dispose();
  return history;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(BUILDS)('optimizers (%s)', (build) => {
  for (const c of CASES) {
    it(`${c.name} matches TF.js step by step`, async () => {
      const b = await backendFor(build);
      for (const n of SIZES_HERE) {
        const want = runTfjs(c, n);
        const got = runKernel(b, c, n);
        for (let t = 0; t < STEPS; t++) expect(Array.from(got[t]), `n=${n} step ${t + 1}`).toEqual(Array.from(want[t]));
        // The weights did move (the comparison is not between two untouched copies).
        expect(got[STEPS - 1].some((v, i) => v !== initialWeights(n)[i])).toBe(true);
      }
    });
  }

  it('AdamW matches an f64 reference of the decoupled update (Keras: w -= w*wd*lr, then Adam)', async () => {
    const b = await backendFor(build);
    const [lr, beta1, beta2, eps, wd] = ADAMW_PARAMS;
    for (const n of SIZES_HERE) {
      const got = runKernel(b, ADAMW, n);
      const w = Float64Array.from(initialWeights(n));
      const m = new Float64Array(n);
      const v = new Float64Array(n);
      for (let t = 1; t <= STEPS; t++) {
        const g = gradient(n, t);
        for (let i = 0; i < n; i++) {
          w[i] -= lr * wd * w[i];
          m[i] = beta1 * m[i] + (1 - beta1) * g[i];
          v[i] = beta2 * v[i] + (1 - beta2) * g[i] * g[i];
          w[i] -= (lr * (m[i] / (1 - beta1 ** t))) / (Math.sqrt(v[i] / (1 - beta2 ** t)) + eps);
        }
        expectClose(got[t - 1], w, TOL, `n=${n} step ${t}`);
      }
      // Decay changed the result: plain Adam on the same data ends elsewhere.
      const plain = runKernel(b, CASES.find((c) => c.name === 'adam')!, n)[STEPS - 1];
      expect(got[STEPS - 1].some((x, i) => Math.abs(x - plain[i]) > 1e-5)).toBe(true);
    }
  });
});

describe('optimizer steps are bit-identical across builds', () => {
  for (const c of [...CASES, ADAMW]) {
    it(c.name, async () => {
      const reference = runKernel(await backendFor('js'), c, 257);
      for (const build of BUILDS) {
        const got = runKernel(await backendFor(build), c, 257);
        for (let t = 0; t < STEPS; t++) expect(Array.from(got[t]), `${build} step ${t + 1}`).toEqual(Array.from(reference[t]));
      }
    });
  }
});
