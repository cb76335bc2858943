// The public ops on both backends: wiring to the kernels, shapes, broadcasting, reductions and argument
// checks. The kernels' numerics on awkward shapes are covered by the kernel suites.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectSameAsTfjs } from './reference.js';
import { compensatedSum, expectClose, onBackend, randomData } from './support.js';

/** f64 reference product of row-major matrices, with the operands' stored layouts. */
function refMatMul(a: Float32Array, b: Float32Array, m: number, n: number, k: number, ta: boolean, tb: boolean): Float64Array {
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (ta ? a[p * m + i] : a[i * k + p]) * (tb ? b[j * k + p] : b[p * n + j]);
      out[i * n + j] = s;
    }
  return out;
}

describe.each(['wasm', 'js'] as const)('ops on %s', (backend) => {
  onBackend(backend);

  it.each([
    [1, 1, 1],
    [3, 7, 9],
    [17, 63, 65],
    [64, 10, 784],
  ])('matMul %i x %i x %i in every transpose combination', (m, n, k) => {
    for (const ta of [false, true])
      for (const tb of [false, true]) {
        const av = randomData(m * k, m + 10 * k);
        const bv = randomData(k * n, n + 7 * k);
        tf.tidy(() => {
          const a = tf.tensor2d(av, ta ? [k, m] : [m, k]);
          const b = tf.tensor2d(bv, tb ? [n, k] : [k, n]);
          const c = tf.matMul(a, b, ta, tb);
          expect(c.shape).toEqual([m, n]);
          expectClose(c.dataSync(), refMatMul(av, bv, m, n, k, ta, tb), { atol: 1e-5 * k, rtol: 1e-5 }, `ta=${ta} tb=${tb}`);
        });
      }
  });

  it('matMul checks ranks and inner dimensions', () => {
    tf.tidy(() => {
      const a = tf.zeros([2, 3]);
      const v = tf.zeros([3]);
      expect(() => tf.matMul(a, a)).toThrow(/matMul: inner dimensions must match, got a \[2, 3\] and b \[2, 3\] \(3 vs 2\)/);
      expect(() => tf.matMul(a, v)).toThrow(/matMul: b must have rank 2 or more, got shape \[3\]/);
      expect(() => tf.matMul(a, 'b' as unknown as tf.Tensor)).toThrow(/matMul: b must be a Tensor or tensor-like values/);
      expect(tf.matMul(a, a, false, true).shape).toEqual([2, 2]);
      expect(tf.matMul(tf.zeros([2, 0]), tf.zeros([0, 4])).arraySync()).toEqual([[0, 0, 0, 0], [0, 0, 0, 0]]);
    });
  });

  it('add, sub, mul, div broadcast scalars and row vectors', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
      const row = tf.tensor1d([10, 20, 30]);
      expect(tf.add(x, row).arraySync()).toEqual([[11, 22, 33], [14, 25, 36]]);
      expect(tf.sub(row, x).arraySync()).toEqual([[9, 18, 27], [6, 15, 24]]);
      expect(tf.mul(x, 2).arraySync()).toEqual([[2, 4, 6], [8, 10, 12]]);
      expect(tf.div(12, x).arraySync()).toEqual([[12, 6, 4], [3, 2.4000000953674316, 2]]);
      expect(tf.add(x, tf.tensor2d([[1, 1, 1]])).arraySync()).toEqual([[2, 3, 4], [5, 6, 7]]);
      expect(tf.mul(x, x).arraySync()).toEqual([[1, 4, 9], [16, 25, 36]]);
      expect(tf.add(tf.scalar(1), tf.scalar(2)).arraySync()).toBe(3);
      expect(() => tf.add(x, tf.tensor1d([1, 2]))).toThrow(/add: operands could not be broadcast together with shapes \[2,3\] and \[2\]/);
      expect(tf.add(x, tf.tensor2d([[1], [2]])).arraySync()).toEqual([[2, 3, 4], [6, 7, 8]]);
      expect(() => tf.add(x, 'a' as unknown as number)).toThrow(/add: b must be a Tensor or tensor-like values/);
      expect(tf.add(x, tf.tensor1d([1, 2, 3], 'int32')).dtype).toBe('float32');
    });
  });

  it('activations and unary math match their definitions', () => {
    const xs = [-3, -1, -0.5, 0, 0.5, 1, 3];
    const cases: Array<[string, (x: tf.Tensor) => tf.Tensor, (x: number) => number]> = [
      ['relu', tf.relu, (x) => Math.max(x, 0)],
      ['sigmoid', tf.sigmoid, (x) => 1 / (1 + Math.exp(-x))],
      ['tanh', tf.tanh, Math.tanh],
      ['elu', tf.elu, (x) => (x > 0 ? x : Math.exp(x) - 1)],
      ['selu', tf.selu, (x) => 1.0507009873554805 * (x > 0 ? x : 1.6732632423543772 * (Math.exp(x) - 1))],
      ['softplus', tf.softplus, (x) => Math.log1p(Math.exp(x))],
      ['leakyRelu', (x) => tf.leakyRelu(x), (x) => (x > 0 ? x : 0.2 * x)],
      ['leakyRelu 0.1', (x) => tf.leakyRelu(x, 0.1), (x) => (x > 0 ? x : 0.1 * x)],
      ['exp', tf.exp, Math.exp],
      ['square', tf.square, (x) => x * x],
      ['neg', tf.neg, (x) => -x],
      ['abs', tf.abs, Math.abs],
    ];
    for (const [name, op, ref] of cases)
      tf.tidy(() => expectClose(op(tf.tensor1d(xs)).dataSync(), xs.map(ref), { atol: 1e-6, rtol: 1e-6 }, name));
    tf.tidy(() => {
      const pos = [0.25, 1, 2, 100];
      expectClose(tf.log(tf.tensor1d(pos)).dataSync(), pos.map(Math.log), { atol: 1e-6, rtol: 1e-6 }, 'log');
      expectClose(tf.sqrt(tf.tensor1d(pos)).dataSync(), pos.map(Math.sqrt), { atol: 1e-6, rtol: 1e-6 }, 'sqrt');
      expect(tf.relu(tf.zeros([2, 0])).shape).toEqual([2, 0]);
    });
  });

  it('softmax runs over the last axis, stably', () => {
    tf.tidy(() => {
      const y = tf.softmax(tf.tensor2d([[1, 2, 3], [1000, 1000, -1000]]));
      const e = [Math.exp(1), Math.exp(2), Math.exp(3)];
      const s = e[0] + e[1] + e[2];
      expectClose(y.dataSync(), [e[0] / s, e[1] / s, e[2] / s, 0.5, 0.5, 0], { atol: 1e-6, rtol: 1e-6 });
      expect(() => tf.softmax(tf.scalar(1))).toThrow(/softmax: logits must have rank >= 1/);
      expect(() => tf.softmax(tf.zeros([2, 2]), 0)).toThrow(/softmax: dim must be the last axis/);
    });
  });

  it('sum and mean over all axes, one axis, several axes, with keepDims', () => {
    tf.tidy(() => {
      const x = tf.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
      expect(tf.sum(x).arraySync()).toBe(78);
      expect(tf.mean(x).arraySync()).toBe(6.5);
      expect(tf.sum(x, 0).arraySync()).toEqual([[8, 10], [12, 14], [16, 18]]);
      expect(tf.sum(x, 1).arraySync()).toEqual([[9, 12], [27, 30]]);
      expect(tf.sum(x, -1).arraySync()).toEqual([[3, 7, 11], [15, 19, 23]]);
      expect(tf.sum(x, [0, 2]).arraySync()).toEqual([18, 26, 34]);
      expect(tf.mean(x, 1, true).arraySync()).toEqual([[[3, 4]], [[9, 10]]]);
      expect(tf.sum(tf.zeros([0, 3]), 0).arraySync()).toEqual([0, 0, 0]);
      // No axes to reduce (axis [] or a scalar): x itself, as TF.js gives.
      expect(tf.sum(tf.tensor2d([[1, 2], [3, 4]]), []).arraySync()).toEqual([[1, 2], [3, 4]]);
      expect(tf.mean(tf.scalar(5)).arraySync()).toBe(5);
      expect(() => tf.sum(x, 3)).toThrow(/sum: axis 3 is out of range for a tensor of rank 3 \(expected an integer in \[-3, 2\]\)/);
      expect(() => tf.mean(x, [1, 1])).toThrow(/mean: axis \[1,1\] repeats an axis/);
    });
  });

  it('mean of huge values does not overflow: four 1e38 average to 1e38, as in TF.js; their sum is Infinity', () => {
    const big = Math.fround(1e38);
    const full = (shape: number[], v: number) => tf.tensor(new Float32Array(shape.reduce((a, d) => a * d, 1)).fill(v), shape);
    tf.tidy(() => {
      for (const sign of [1, -1]) {
        const v = sign * big;
        for (const shape of [[4], [2, 2], [4, 1, 1]]) {
          expect(tf.mean(full(shape, v)).arraySync(), `mean [${shape}]`).toBe(v);
          expect(tf.sum(full(shape, v)).arraySync(), `sum [${shape}]`).toBe(sign * Infinity);
        }
        // Along one axis, both orientations of a matrix and the middle axis of a rank-3 tensor.
        const cases: Array<[number[], number | number[], number[]]> = [
          [[3, 4], 1, [3]],
          [[4, 3], 0, [3]],
          [[2, 4, 3], 1, [2, 3]],
          [[4, 3, 4], [0, 2], [3]], // axes apart: through an intermediate
          [[4, 2, 2, 3], [1, 2], [4, 3]],
        ];
        for (const [shape, axis, outShape] of cases) {
          const x = full(shape, v);
          const mean = tf.mean(x, axis);
          expect(mean.shape).toEqual(outShape);
          expect(Array.from(mean.dataSync()), `mean [${shape}] axis ${axis}`).toEqual(new Array(mean.size).fill(v));
          expect(Array.from(tf.sum(x, axis).dataSync()), `sum [${shape}] axis ${axis}`).toEqual(new Array(mean.size).fill(sign * Infinity));
        }
      }
      // Sums over axes apart cancel exactly, as TF.js's: no Infinity - Infinity in between.
      const halves = tf.tensor([...new Array(12).fill(big), ...new Array(12).fill(-big)], [2, 3, 4]);
      expect(tf.sum(halves, [0, 2]).arraySync()).toEqual([0, 0, 0]);
      expect(tf.mean(halves, [0, 2]).arraySync()).toEqual([0, 0, 0]);
    });
  });

  it('sum and mean of many values of mixed magnitude: within one f32 rounding of the exact sum', () => {
    // Magnitudes from 1e-6 to 1e6 with random signs, exact sums from a compensated f64 sum.
    const [m, n] = [1031, 67];
    const exponent = randomData(m * n, 11, -6, 6);
    const sign = randomData(m * n, 12);
    const xs = Float32Array.from(exponent, (e, i) => Math.sign(sign[i]) * 10 ** e);
    /** |got - exact| <= half an f32 ulp plus the f64 accumulation bound, for the sum of terms times scale. */
    const check = (got: number, terms: number[], scale: number, label: string) => {
      const exact = scale * compensatedSum(terms);
      const bound = 2 ** -24 * Math.abs(exact) + terms.length * 2 ** -53 * scale * terms.reduce((t, v) => t + Math.abs(v), 0);
      if (!(Math.abs(got - exact) <= bound)) expect.fail(`${label}: ${got}, exact ${exact} +- ${bound}`);
    };
    const column = (j: number) => Array.from({ length: m }, (_, i) => xs[i * n + j]);
    const row = (i: number) => Array.from(xs.subarray(i * n, (i + 1) * n));
    tf.tidy(() => {
      const x = tf.tensor2d(xs, [m, n]);
      check(tf.sum(x).arraySync() as number, Array.from(xs), 1, 'sum');
      check(tf.mean(x).arraySync() as number, Array.from(xs), 1 / (m * n), 'mean');
      const sum0 = tf.sum(x, 0).dataSync();
      const mean0 = tf.mean(x, 0).dataSync();
      for (let j = 0; j < n; j++) {
        check(sum0[j], column(j), 1, `sum axis 0 [${j}]`);
        check(mean0[j], column(j), 1 / m, `mean axis 0 [${j}]`);
      }
      const sum1 = tf.sum(x, 1).dataSync();
      const mean1 = tf.mean(x, 1).dataSync();
      for (let i = 0; i < m; i++) {
        check(sum1[i], row(i), 1, `sum axis 1 [${i}]`);
        check(mean1[i], row(i), 1 / n, `mean axis 1 [${i}]`);
      }
    });
  });

  it("zerosLike, onesLike and oneHot have TF.js's gradient of zeros: a value through them still depends on x", async () => {
    await expectSameAsTfjs('zerosLike', (t) => t.grads((a: tf.Tensor, b: tf.Tensor) => t.zerosLike(a).add(b))([t.tensor1d([1, 2]), t.tensor1d([3, 4])]));
    await expectSameAsTfjs('onesLike', (t) => t.grads((a: tf.Tensor, b: tf.Tensor) => t.onesLike(a).mul(b))([t.tensor2d([[1, 2]]), t.tensor1d([3, 4])]));
    await expectSameAsTfjs('zerosLike of int32', (t) => t.grad((x: tf.Tensor) => t.zerosLike(x.cast('int32')))(t.tensor1d([1.5, 2])));
    await expectSameAsTfjs('oneHot', (t) => t.grad((x: tf.Tensor) => t.oneHot(x.cast('int32'), 3).sum())(t.tensor1d([0, 2])));
    await expectSameAsTfjs('oneHot of indices', (t) => t.grad((x: tf.Tensor) => t.oneHot(x, 3, 5, -1, 'float32'))(t.tensor2d([[0, 1]], [1, 2], 'int32')));
  });

  it('argMax along either axis, as int32; first maximum wins', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, 9, 9], [7, 2, 3]]);
      const cols = tf.argMax(x);
      expect(cols.dtype).toBe('int32');
      expect(cols.arraySync()).toEqual([1, 0, 0]);
      expect(tf.argMax(x, 1).arraySync()).toEqual([1, 0]);
      expect(x.argMax(-1).arraySync()).toEqual([1, 0]);
      expect(tf.argMax(tf.tensor([1, 5, 2, 0, 3, 4, 9, 1], [2, 2, 2]), 1).arraySync()).toEqual([[1, 0], [1, 0]]);
      expect(() => tf.argMax(tf.scalar(1))).toThrow(/argMax: x must have rank >= 1/);
      expect(() => tf.argMax(tf.zeros([0, 2]), 0)).toThrow(/argMax: axis 0 of x \[0, 2\] is empty/);
    });
  });
});
