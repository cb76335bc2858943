// Batch normalization ops: tf.batchNorm and batchNorm2d/3d/4d against TF.js on awkward shapes (1, 3, 7, 17
// channels; operands of [channels], of x's shape, of rank 0, broadcast along other axes), offset and scale left
// out, the gradient of every operand against TF.js's and against central differences (a second derivative
// too), the layers' training normalization (statistics of x itself) as TF.js's moments then batchNorm, bad
// input, on both backends; then the kernels of every build against the js twin, bit for bit, and the
// statistics of a large batch far from zero against an f64 reference.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { normalizeBatch } from '../src/ops/normalization.js';
import type { Backend } from '../src/backend/backend.js';
import { expectGradient, expectSameAsTfjs, reference, sample } from './reference.js';
import { backendFor, BUILDS, expectClose, freeAll, get, onBackend, put, randomData } from './support.js';

type Lib = typeof tf;
const close = { atol: 1e-5, rtol: 1e-5 };

/** [x's shape, the operands' shape]: operands over the channels (x's last axis), of x's shape, or of rank 0. */
const SHAPES: Array<[number[], number[]]> = [
  [[1], [1]],
  [[3, 7], [7]],
  [[17, 3], [3]],
  [[2, 3, 5, 17], [17]],
  [[7, 1, 3], [3]],
  [[3, 7], [3, 7]],
  [[2, 3, 4], [2, 3, 4]],
  [[3, 4, 7], [1, 1, 7]],
  [[5, 3], []],
  [[0, 3], [3]],
];

/** The operands of a batchNorm: variances kept positive, so that every case has finite values and gradients. */
function operands(t: Lib, [xs, ps]: (typeof SHAPES)[number], seed: number) {
  return {
    x: sample(xs, seed, -2, 2, 0, t),
    mean: sample(ps, seed + 1, -1, 1, 0, t),
    variance: sample(ps, seed + 2, 0.2, 1.5, 0, t),
    offset: sample(ps, seed + 3, -1, 1, 0, t),
    scale: sample(ps, seed + 4, -2, 2, 0, t),
  };
}

describe.each(['wasm', 'js'] as const)('batchNorm on %s', (backend) => {
  onBackend(backend);

  it('values as TF.js: awkward shapes, offset and scale given or not, a varianceEpsilon, chained, tensor-like', async () => {
    for (const [i, c] of SHAPES.entries()) {
      await expectSameAsTfjs(`x [${c[0]}] operands [${c[1]}]`, (t) => {
        const { x, mean, variance, offset, scale } = operands(t, c, 10 * i);
        return [t.batchNorm(x, mean, variance, offset, scale), t.batchNorm(x, mean, variance), t.batchNorm(x, mean, variance, offset, undefined, 0.3), t.batchNorm(x, mean, variance, null, scale, 0)];
      }, close);
    }
    await expectSameAsTfjs('chained and tensor-like', (t) => [t.tensor2d([[1, 2], [3, 4]]).batchNorm([2, 3], [1, 0.5], [0.5, -1], [2, 3]), t.batchNorm([[1, 2]], [[0, 1]], [[1, 4]])], close);
    await expectSameAsTfjs('batchNorm2d, 3d and 4d', (t) => {
      const v = (shape: number[], seed: number, lo = -1) => sample(shape, seed, lo, 1.5, 0, t);
      return [
        t.batchNorm2d(v([3, 5], 1), v([5], 2), v([5], 3, 0.2), v([5], 4), v([5], 5)),
        t.batchNorm2d(v([3, 5], 1), v([3, 5], 2), v([3, 5], 3, 0.2)),
        t.batchNorm3d(v([2, 3, 5], 1), v([5], 2), v([5], 3, 0.2), v([5], 4)),
        t.batchNorm4d(v([2, 3, 1, 5], 1), v([2, 3, 1, 5], 2), v([2, 3, 1, 5], 3, 0.2), null, v([2, 3, 1, 5], 5), 0.01),
      ];
    }, close);
  });

  it('operands broadcast along other axes, as TF.js composes the formula', async () => {
    // TF.js's cpu kernel reads each operand cyclically, which is the broadcast only over the last axes: these
    // are checked against (x - mean) * scale / sqrt(variance + ε) + offset composed of TF.js's ops.
    const ref = await reference();
    const cases: Array<[number[], number[]]> = [
      [[7, 3], [7, 1]],
      [[2, 5, 3], [1, 5, 1]],
      [[3, 4, 5, 2], [3, 1, 5, 1]],
    ];
    for (const [i, c] of cases.entries()) {
      const { x, mean, variance, offset, scale } = operands(tf, c, i);
      const r = operands(ref as unknown as Lib, c, i) as unknown as Record<string, import('@tensorflow/tfjs').Tensor>;
      const expected = ref.tidy(() => ref.add(ref.div(ref.mul(ref.sub(r.x, r.mean), r.scale), ref.sqrt(ref.add(r.variance, 0.001))), r.offset).dataSync());
      const y = tf.batchNorm(x, mean, variance, offset, scale);
      expect(y.shape).toEqual(c[0]);
      expectClose(y.dataSync(), expected, close, `x [${c[0]}] operands [${c[1]}]`);
      tf.dispose([x, mean, variance, offset, scale, y]);
      ref.dispose(Object.values(r));
    }
  });

  it('gradients of every operand as TF.js\'s', async () => {
    for (const [i, c] of [SHAPES[1], SHAPES[3], SHAPES[5], SHAPES[4]].entries()) {
      await expectSameAsTfjs(`x [${c[0]}] operands [${c[1]}]`, (t) => {
        const { x, mean, variance, offset, scale } = operands(t, c, 5 * i);
        const dy = sample(c[0], 99, -1, 1, 0, t);
        const f = (a: tf.Tensor, m: tf.Tensor, v: tf.Tensor, o: tf.Tensor, s: tf.Tensor) => t.batchNorm(a, m, v, o, s).mul(dy).sum();
        return t.grads(f)([x, mean, variance, offset, scale]);
      }, { atol: 1e-4, rtol: 1e-4 });
    }
  });

  it('gradients of every operand against central differences, with and without offset and scale', () => {
    for (const [i, c] of [...SHAPES.slice(0, 9), [[3, 4, 5, 2], [3, 1, 5, 1]] as (typeof SHAPES)[number]].entries()) {
      const { x, mean, variance, offset, scale } = operands(tf, c, 7 * i);
      const label = `x [${c[0]}] operands [${c[1]}]`;
      expectGradient(label, (a, m, v, o, s) => tf.batchNorm(a, m, v, o, s, 0.01), [x, mean, variance, offset, scale], { h: 1e-2, tolerance: 2e-3 });
      expectGradient(`${label} without offset and scale`, (a, m, v) => tf.batchNorm(a, m, v), [x, mean, variance], { h: 1e-2, tolerance: 2e-3 });
      tf.dispose([x, mean, variance, offset, scale]);
    }
  });

  it('a second derivative: the gradient with respect to x, differentiated by the variance and the scale', async () => {
    const c: (typeof SHAPES)[number] = [[3, 7], [7]];
    const { x, mean, variance, offset, scale } = operands(tf, c, 3);
    const dy = sample([3, 7], 4);
    const dx = (v: tf.Tensor, s: tf.Tensor) => tf.grad((a: tf.Tensor) => tf.batchNorm(a, mean, v, offset, s).mul(dy).sum())(x);
    expectGradient('d(dx)/d(variance, scale)', dx, [variance, scale], { h: 1e-2, tolerance: 2e-3 });
    await expectSameAsTfjs('as TF.js', (t) => {
      const o = operands(t, c, 3);
      const d = sample([3, 7], 4, -1, 1, 0, t);
      return t.grads((v: tf.Tensor, s: tf.Tensor) => t.grad((a: tf.Tensor) => t.batchNorm(a, o.mean, v, o.offset, s).mul(d).sum())(o.x).square().sum())([o.variance, o.scale]);
    }, { atol: 1e-4, rtol: 1e-4 });
    tf.dispose([x, mean, variance, offset, scale, dy]);
  });

  it('the layers\' training normalization: statistics, values and gradients through the statistics, as TF.js\'s moments then batchNorm', async () => {
    for (const [i, shape] of [[3, 7], [2, 3, 5, 17], [17, 1], [1, 3], [5, 3, 3]].entries()) {
      const channels = shape[shape.length - 1];
      const axes = shape.slice(0, -1).map((_, a) => a);
      await expectSameAsTfjs(`x [${shape}]`, (t) => {
        const [x, gamma, beta, dy] = [sample(shape, i, -2, 3, 0, t), sample([channels], i + 1, -2, 2, 0, t), sample([channels], i + 2, -1, 1, 0, t), sample(shape, i + 3, -1, 1, 0, t)];
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
          if (t === tf) return normalizeBatch(a, g, b, 0.01);
          const { mean, variance } = t.moments(a, axes);
          return { y: t.batchNorm(a, mean, variance, b, g, 0.01), mean, variance };
        };
        const { y, mean, variance } = f(x, gamma, beta);
        return [y, mean, variance, ...t.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => f(a, g, b).y)([x, gamma, beta], dy)];
      }, { atol: 1e-4, rtol: 1e-4 });
      const [x, gamma, beta] = [sample(shape, i, -2, 3), sample([channels], i + 1, -2, 2), sample([channels], i + 2)];
      expectGradient(`x [${shape}]`, (a, g, b) => normalizeBatch(a, g, b, 0.01).y, [x, gamma, beta], { h: 1e-2, tolerance: 2e-3 });
      expectGradient(`x [${shape}] without gamma and beta`, (a) => normalizeBatch(a, null, null, 0.01).y, [x], { h: 1e-2, tolerance: 2e-3 });
      tf.dispose([x, gamma, beta]);
    }
  });

  it('refuses bad input, naming the argument', async () => {
    await expectSameAsTfjs('ranks of mean and variance differ', (t) => t.batchNorm(t.ones([2, 3]), t.ones([3]), t.ones([1, 3])));
    await expectSameAsTfjs('batchNorm2d of rank 3', (t) => t.batchNorm2d(t.ones([2, 3, 4]), t.ones([4]), t.ones([4])));
    await expectSameAsTfjs('batchNorm4d with a mean of rank 2', (t) => t.batchNorm4d(t.ones([1, 2, 3, 4]), t.ones([3, 4]), t.ones([3, 4])));
    tf.tidy(() => {
      const x = tf.ones([2, 3]);
      expect(() => tf.batchNorm(x, tf.ones([3]), tf.ones([2, 3]))).toThrow(/^batchNorm: mean and variance must have the same rank, got shapes \[3\] and \[2, 3\]/);
      expect(() => tf.batchNorm(x, tf.ones([3]), tf.ones([3]), tf.ones([1, 3]))).toThrow(/^batchNorm: mean and offset must have the same rank/);
      expect(() => tf.batchNorm(x, tf.ones([3]), tf.ones([3]), null, tf.ones([1, 3]))).toThrow(/^batchNorm: mean and scale must have the same rank/);
      expect(() => tf.batchNorm(x, tf.ones([2]), tf.ones([2]))).toThrow(/^batchNorm: operands could not be broadcast together with shapes \[2,3\] and \[2\]/);
      expect(() => tf.batchNorm(x, tf.ones([4, 3]), tf.ones([4, 3]))).toThrow(/^batchNorm: operands could not be broadcast together/);
      expect(() => tf.batchNorm(tf.ones([3]), tf.ones([2, 3]), tf.ones([2, 3]))).toThrow(/^batchNorm: mean of shape \[2, 3\] does not broadcast to x's shape \[3\]/);
      expect(() => tf.batchNorm(tf.ones([2, 3], 'int32'), tf.ones([3]), tf.ones([3]))).toThrow(/^batchNorm: x must have dtype float32, got int32/);
      expect(() => tf.batchNorm(x, tf.ones([3]), undefined as unknown as tf.Tensor)).toThrow(/^batchNorm: variance must be a Tensor or tensor-like values/);
      expect(() => tf.batchNorm(x, tf.ones([3]), tf.ones([3]), null, null, NaN)).toThrow(/^batchNorm: varianceEpsilon must be a finite number, got NaN/);
      expect(() => tf.batchNorm(x, tf.ones([3]), tf.ones([3]), null, null, -1)).toThrow(/^batchNorm: varianceEpsilon must be >= 0, got -1/);
      expect(() => tf.batchNorm2d(tf.ones([2, 3, 4]), tf.ones([4]), tf.ones([4]))).toThrow(/^batchNorm2d: x must have rank 2, got shape \[2, 3, 4\]/);
      expect(() => tf.batchNorm3d(tf.ones([2, 3, 4]), tf.ones([3, 4]), tf.ones([3, 4]))).toThrow(/^batchNorm3d: mean must have rank 3 or 1, got shape \[3, 4\]/);
      expect(() => tf.batchNorm4d(tf.ones([1, 2, 3, 4]), tf.ones([4]), tf.ones([4]), tf.ones([2, 4]))).toThrow(/^batchNorm4d: offset must have rank 4 or 1/);
    });
  });
});

// ---- the kernels on every build ----

describe.each(BUILDS)('batch norm kernels on %s', (build) => {
  /**
   * [rows, channels, stride]: channels of one lane, of a partial vector, of several vectors and a tail; rows of
   * the channels alone, or of more values (the range of channels a thread takes).
   */
  const geometries = [[1, 1, 1], [3, 3, 3], [17, 4, 4], [7, 7, 7], [5, 17, 17], [64, 9, 9], [17, 4, 9], [5, 17, 40], [33, 16, 48]];

  it('statistics, normalization and gradient give the js twin\'s bits', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const [rows, channels, stride] of geometries) {
      const n = rows * stride;
      const data = { x: randomData(n, 1, -3, 5), dy: randomData(n, 2), gamma: randomData(channels, 3, -2, 2), beta: randomData(channels, 4) };
      const run = (on: Backend) => {
        const p = { x: put(on, data.x), dy: put(on, data.dy), gamma: put(on, data.gamma), beta: put(on, data.beta) };
        const out = { mean: on.heap.alloc(channels * 4), variance: on.heap.alloc(channels * 4), y: on.heap.alloc(n * 4), plain: on.heap.alloc(n * 4), dx: on.heap.alloc(n * 4), dgamma: on.heap.alloc(channels * 4), dbeta: on.heap.alloc(channels * 4), plainDx: on.heap.alloc(n * 4), scratch: on.heap.alloc(28 * channels) };
        const k = on.kernels;
        for (const block of [out.dx, out.plainDx]) k.fill(block, n, 7); // what lies between rows stays
        k.batchNormStats(p.x, out.mean, out.variance, out.scratch, rows, channels, stride);
        k.batchNormForward(p.x, out.mean, out.variance, p.gamma, p.beta, out.y, rows, channels, 1e-3, out.scratch);
        k.batchNormForward(p.x, out.mean, out.variance, 0, 0, out.plain, rows, channels, 0.25, out.scratch);
        k.batchNormBackward(p.x, p.dy, out.mean, out.variance, p.gamma, out.dx, out.dgamma, out.dbeta, rows, channels, stride, 1e-3, out.scratch);
        k.batchNormBackward(p.x, p.dy, out.mean, out.variance, 0, out.plainDx, 0, 0, rows, channels, stride, 0.25, out.scratch);
        const results: Record<string, Float32Array> = {
          mean: get(on, out.mean, channels),
          variance: get(on, out.variance, channels),
          y: get(on, out.y, n),
          'y without gamma and beta': get(on, out.plain, n),
          dx: get(on, out.dx, n),
          dgamma: get(on, out.dgamma, channels),
          dbeta: get(on, out.dbeta, channels),
          'dx without gamma': get(on, out.plainDx, n),
        };
        freeAll(on, [...Object.values(p), ...Object.values(out)]);
        return results;
      };
      const [got, twin] = [run(b), run(js)];
      for (const name of Object.keys(twin)) {
        const first = Array.from(got[name]).findIndex((v, i) => !Object.is(v, twin[name][i]));
        expect(first, `${name} of [${rows}, ${channels}] (stride ${stride}): first value that differs (${got[name][first]} vs js ${twin[name][first]})`).toBe(-1);
      }
    }
  });

  it('the statistics of 200,000 rows far from zero, against an f64 reference', async () => {
    const b = await backendFor(build);
    const [rows, channels] = [200_000, 3];
    const x = randomData(rows * channels, 7, -1, 1).map((v, i) => 1000 * (i % channels) + 300 + v * (1 + (i % channels)));
    const [px, pm, pv, ps] = [put(b, x), b.heap.alloc(channels * 4), b.heap.alloc(channels * 4), b.heap.alloc(28 * channels)];
    b.kernels.batchNormStats(px, pm, pv, ps, rows, channels, channels);
    const [mean, variance] = [get(b, pm, channels), get(b, pv, channels)];
    for (let c = 0; c < channels; c++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += x[r * channels + c];
      const m = s / rows;
      let q = 0;
      for (let r = 0; r < rows; r++) q += (x[r * channels + c] - m) ** 2;
      expect(mean[c], `mean of channel ${c}`).toBe(Math.fround(m));
      expect(Math.abs(variance[c] - q / rows) / (q / rows), `variance of channel ${c}`).toBeLessThan(1e-6);
    }
    freeAll(b, [px, pm, pv, ps]);
  });
});
