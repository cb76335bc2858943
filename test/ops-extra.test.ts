// The last core ops of TF.js's documentation examples, on both backends: unsortedSegmentSum and diag (values
// against TF.js, int32 and bool against plain references, gradients against central differences), ensureShape,
// bitwiseAnd (the full int32 range on awkward sizes), dropout (its mask's law, seeds, noiseShape, gradient) and
// tensor.variable; and bad input to each.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { onBackend, randomData, SIZES } from './support.js';

type Lib = typeof tf;

const f = Math.fround;

/** Seeded integers in [lo, hi). */
const integers = (n: number, seed: number, lo: number, hi: number) => Array.from(randomData(n, seed, lo, hi), Math.floor);

describe.each(['wasm', 'js'] as const)('unsortedSegmentSum and diag on %s', (backend) => {
  onBackend(backend);

  it('unsortedSegmentSum as TF.js: ranks 1 to 3, empty and repeated segments, negative ids dropped', async () => {
    await expectSameAsTfjs('example', (t) => t.tensor1d([1, 2, 3, 4]).unsortedSegmentSum(t.tensor1d([1, 2, 0, 1], 'int32'), 3));
    for (const shape of [[1], [7], [17, 3], [5, 2, 3], [65]]) {
      for (const numSegments of [1, 4, 9]) {
        await expectSameAsTfjs(`[${shape}] into ${numSegments}`, (t) => {
          const x = sample(shape, shape[0] + numSegments, -3, 3, 0, t);
          const ids = integers(shape[0], numSegments, 0, numSegments);
          const someDropped = ids.map((id, i) => (i % 3 === 1 ? -1 - (i % 2) : id));
          return [t.unsortedSegmentSum(x, t.tensor1d(ids, 'int32'), numSegments), t.unsortedSegmentSum(x, someDropped, numSegments)];
        });
      }
    }
    await expectSameAsTfjs('no rows', (t) => t.unsortedSegmentSum(t.zeros([0, 2]), t.zeros([0], 'int32'), 2));
  });

  it('unsortedSegmentSum of int32 (wrapping) and bool sums to int32, as tf.sum does', () => {
    tf.tidy(() => {
      const n = 65;
      const big = integers(n, 1, -(2 ** 31), 2 ** 31);
      const ids = integers(n, 2, -1, 5);
      const want = new Int32Array(5);
      ids.forEach((id, i) => id >= 0 && (want[id] = (want[id] + big[i]) | 0));
      const sums = tf.unsortedSegmentSum(tf.tensor1d(big, 'int32'), ids, 5);
      expect([sums.dtype, Array.from(sums.dataSync())]).toEqual(['int32', Array.from(want)]);
      const counts = tf.unsortedSegmentSum(tf.tensor2d([[true, false], [true, true], [false, true]]), [1, 1, 0], 3);
      expect([counts.dtype, counts.arraySync()]).toEqual(['int32', [[0, 1], [2, 1], [0, 0]]]);
    });
  });

  it("unsortedSegmentSum's gradient gathers dy by segment id (zero for a dropped row), by central differences", () => {
    const x = sample([7, 3], 11, -2, 2);
    const ids = tf.tensor1d([2, 0, -1, 2, 3, 0, -1], 'int32');
    expectGradient('unsortedSegmentSum', (a) => tf.unsortedSegmentSum(a, ids, 5), [x]);
    expectGradient('second order', (a) => tf.grad((b: tf.Tensor) => tf.unsortedSegmentSum(b.square(), ids, 5))(a), [x]);
    tf.dispose([x, ids]);
  });

  it('diag as TF.js: ranks 0 to 3, every dtype, NaN and infinities only on the diagonal', async () => {
    await expectSameAsTfjs('diag', (t) => [
      t.diag(t.tensor1d([1, 2, 3, 4])),
      t.diag(t.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2])),
      t.diag(t.scalar(3)),
      t.diag(sample([2, 3, 2], 1, -2, 2, 0, t)),
      t.diag(t.tensor1d([NaN, Infinity, -Infinity])),
      t.diag(t.tensor1d([5, -7, 2 ** 30], 'int32')),
      t.diag(t.tensor2d([[true, false], [false, true]])),
      t.diag(t.zeros([0])),
      t.diag(t.zeros([2, 0])),
    ]);
  });

  it("diag's gradient is dy's diagonal (beyond TF.js, which has none), by central differences", () => {
    const x = sample([2, 3], 3, -2, 2);
    expectGradient('diag', (a) => tf.diag(a), [x]);
    expectGradient('diag of a vector', (a) => tf.diag(a.reshape([6])), [x]);
    x.dispose();
  });
});

describe.each(['wasm', 'js'] as const)('ensureShape, bitwiseAnd and tensor.variable on %s', (backend) => {
  onBackend(backend);

  it('ensureShape returns x itself when its shape fits, null matching any size', async () => {
    await expectSameAsTfjs('example', (t) => [t.ensureShape(t.tensor1d([1, 2, 3, 4]), [4]), t.ensureShape(t.tensor2d([1, 2, 3, 4], [2, 2]), [null, 2])]);
    tf.tidy(() => {
      const x = tf.zeros([2, 0, 3], 'int32');
      for (const shape of [[2, 0, 3], [null, null, null], [2, null, 3], [null, 0, 3]]) expect(tf.ensureShape(x, shape)).toBe(x);
      const s = tf.scalar(1);
      expect(tf.ensureShape(s, [])).toBe(s);
      // TF.js returns the array it is given; neurite, as its other ops, the tensor made of it.
      expect(tf.ensureShape([[1, 2]], [1, 2]).shape).toEqual([1, 2]);
    });
  });

  it('bitwiseAnd as TF.js over the whole int32 range, on awkward sizes and ranks', async () => {
    await expectSameAsTfjs('example', (t) => t.bitwiseAnd(t.tensor1d([0, 5, 3, 14], 'int32'), t.tensor1d([5, 0, 7, 11], 'int32')));
    for (const n of SIZES) {
      await expectSameAsTfjs(`${n} values`, (t) => {
        const [x, y] = [integers(n, n, -(2 ** 31), 2 ** 31), integers(n, n + 1, -(2 ** 31), 2 ** 31)];
        return [t.bitwiseAnd(t.tensor1d(x, 'int32'), t.tensor1d(y, 'int32')), t.bitwiseAnd(t.tensor(x, [1, n, 1], 'int32'), t.tensor(y, [1, n, 1], 'int32'))];
      });
    }
    await expectSameAsTfjs('extremes and empty', (t) => [
      t.bitwiseAnd(t.tensor1d([-1, -(2 ** 31), 2 ** 31 - 1, -8], 'int32'), t.tensor1d([-(2 ** 31), -1, -1, 7], 'int32')),
      t.bitwiseAnd(t.zeros([0, 2], 'int32'), t.zeros([0, 2], 'int32')),
    ]);
  });

  it('tensor.variable makes a Variable of its values, trainable by default, named and cast when asked', async () => {
    const x = tf.tensor1d([1.5, -2, 3]);
    const v = x.variable();
    const w = x.variable(false, 'w-of-tensor-variable', 'int32');
    expect([v instanceof tf.Variable, v.trainable, v.dtype, Array.from(v.dataSync())]).toEqual([true, true, 'float32', [1.5, -2, 3]]);
    expect([w instanceof tf.Variable, w.trainable, w.name, w.dtype, Array.from(w.dataSync())]).toEqual([true, false, 'w-of-tensor-variable', 'int32', [1, -2, 3]]);
    // Its own values: assigning to it leaves x as it was.
    const zeros = tf.zerosLike(x);
    v.assign(zeros);
    expect(Array.from(x.dataSync())).toEqual([1.5, -2, 3]);
    // As in TF.js's sgd example: a scalar's variable trained by minimize.
    const start = tf.scalar(0.5);
    const a = start.variable();
    const optimizer = tf.train.sgd(0.1);
    for (let i = 0; i < 50; i++) tf.dispose(optimizer.minimize(() => a.sub(3).square() as tf.Tensor, true));
    expect(a.dataSync()[0]).toBeCloseTo(3, 3);
    tf.dispose([x, zeros, v, w, start, a]);
    optimizer.dispose();
  });
});

describe.each(['wasm', 'js'] as const)('dropout on %s', (backend) => {
  onBackend(backend);

  it('keeps each value with probability 1 - rate, scaled by 1 / (1 - rate) as TF.js rounds it', () => {
    tf.tidy(() => {
      const n = 20000;
      const x = sample([n], 1, -3, 3);
      const values = x.dataSync();
      for (const rate of [0.1, 0.5, 0.75]) {
        const out = tf.dropout(x, rate, null, 42).dataSync();
        const scale = f(1 / f(1 - rate));
        let kept = 0;
        for (let i = 0; i < n; i++) {
          if (out[i] === 0) continue;
          kept++;
          if (out[i] !== f(values[i] * scale)) expect.fail(`rate ${rate} [${i}]: ${out[i]}, want 0 or ${f(values[i] * scale)}`);
        }
        // Five standard deviations of the binomial count.
        expect(Math.abs(kept - n * (1 - rate)), `rate ${rate}: ${kept} kept`).toBeLessThan(5 * Math.sqrt(n * rate * (1 - rate)));
      }
    });
  });

  it('a seed or setSeed gives the same mask again; another seed another mask; rate 0 gives a copy of x, as TF.js', async () => {
    tf.tidy(() => {
      const x = tf.ones([64]);
      const same = (a: tf.Tensor, b: tf.Tensor) => a.equal(b).all().dataSync()[0] === 1;
      expect(same(tf.dropout(x, 0.5, undefined, 7), tf.dropout(x, 0.5, undefined, 7))).toBe(true);
      expect(same(tf.dropout(x, 0.5, undefined, 7), tf.dropout(x, 0.5, undefined, 8))).toBe(false);
      tf.setSeed(3);
      const first = tf.dropout(x, 0.5);
      tf.setSeed(3);
      expect(same(first, tf.dropout(x, 0.5))).toBe(true);
      const copy = tf.dropout(x, 0);
      expect(copy).not.toBe(x);
    });
    await expectSameAsTfjs('rate 0', (t) => [t.dropout(t.tensor1d([1, 2, 2, 1]), 0), t.dropout([[1, -2]], 0, [1, 2], 3)]);
  });

  it('noiseShape: values along its axes of size 1 are kept or dropped together; null takes x\'s size', () => {
    tf.tidy(() => {
      const x = tf.ones([40, 6]);
      const columns = tf.dropout(x, 0.5, [1, 6], 1).arraySync() as number[][];
      for (const row of columns) expect(row).toEqual(columns[0]);
      for (const noiseShape of [[40, 1], [null, 1]]) {
        const rows = tf.dropout(x, 0.5, noiseShape as number[], 2).arraySync() as number[][];
        for (const row of rows) expect(new Set(row).size).toBe(1);
        expect(new Set(rows.map((r) => r[0])).size).toBe(2);
      }
      // A noiseShape of lower rank broadcasts from the last axis.
      const last = tf.dropout(x, 0.5, [6], 4).arraySync() as number[][];
      for (const row of last) expect(row).toEqual(last[0]);
    });
  });

  it('its gradient is dy through the mask, by central differences (a seeded mask is a function of x)', () => {
    const x = sample([5, 4], 9, -2, 2);
    expectGradient('dropout', (a) => tf.dropout(a, 0.4, undefined, 11), [x]);
    expectGradient('dropout with noiseShape', (a) => tf.dropout(a, 0.6, [5, 1], 12), [x]);
    x.dispose();
  });
});

describe.each(['wasm', 'js'] as const)('bad input to the extra ops on %s', (backend) => {
  onBackend(backend);

  it('throws where TF.js throws', async () => {
    const cases: Array<[string, (t: Lib) => tf.Tensor]> = [
      ['unsortedSegmentSum with float32 ids', (t) => t.unsortedSegmentSum(t.tensor1d([1, 2]), t.tensor1d([0, 1]), 2)],
      ['unsortedSegmentSum with 1.5 segments', (t) => t.unsortedSegmentSum(t.tensor1d([1, 2]), [0, 1], 1.5)],
      ['unsortedSegmentSum of a scalar', (t) => t.unsortedSegmentSum(t.scalar(1), t.scalar(0, 'int32'), 2)],
      ['ensureShape of another size', (t) => t.ensureShape(t.tensor2d([1, 2, 3, 4], [2, 2]), [null, 3])],
      ['ensureShape of another rank', (t) => t.ensureShape(t.tensor2d([1, 2, 3, 4], [2, 2]), [4])],
      ['bitwiseAnd of other shapes', (t) => t.bitwiseAnd(t.tensor1d([1, 2], 'int32'), t.scalar(3, 'int32'))],
      ['bitwiseAnd of float32', (t) => t.bitwiseAnd(t.tensor1d([1, 2]), t.tensor1d([1, 2]))],
      ['bitwiseAnd of arrays', (t) => t.bitwiseAnd([1, 2], [3, 3])],
      ['dropout of int32', (t) => t.dropout(t.tensor1d([1, 2], 'int32'), 0.5)],
      ['dropout rate 1', (t) => t.dropout(t.tensor1d([1, 2]), 1)],
      ['dropout rate below 0', (t) => t.dropout(t.tensor1d([1, 2]), -0.1)],
    ];
    for (const [label, program] of cases) await expectSameAsTfjs(label, program);
  });

  it('each error names the op and the argument', () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const ints = tf.tensor1d([1, 2], 'int32');
    const cases: Array<[() => unknown, RegExp]> = [
      [() => tf.unsortedSegmentSum(x, [0, 1], -1), /^unsortedSegmentSum: numSegments must be an integer in \[0, 2147483647\], got -1/],
      [() => tf.unsortedSegmentSum(x, [0, 1, 1], 2), /^unsortedSegmentSum: segmentIds must be a vector of one id per row of x \(2\), got shape \[3\]/],
      [() => tf.unsortedSegmentSum(x, [[0, 1]], 2), /^unsortedSegmentSum: segmentIds must be a vector/],
      [() => tf.unsortedSegmentSum(x, [0, 2], 2), /^unsortedSegmentSum: segmentIds\[1\] = 2 is out of range for numSegments 2/],
      [() => tf.unsortedSegmentSum(x, [0, 0.5], 2), /^unsortedSegmentSum: segmentIds\[1\] must be a 32-bit integer/],
      [() => tf.unsortedSegmentSum(tf.scalar(1), [0], 1), /^unsortedSegmentSum: x must have rank >= 1, got a scalar/],
      [() => x.unsortedSegmentSum([0, 1], 1.5), /^unsortedSegmentSum: numSegments must be an integer/],
      [() => tf.diag('x' as unknown as tf.Tensor), /^diag: x must be/],
      [() => tf.diag(tf.zeros([40000])), /^diag: a tensor of shape \[40000, 40000\] needs 6400000000 bytes/],
      [() => tf.ensureShape(x, [2, 3]), /^ensureShape: x has shape \[2, 2\], which does not fit shape \[2, 3\]/],
      [() => tf.ensureShape(x, [null, 3]), /^ensureShape: x has shape \[2, 2\], which does not fit shape \[null, 3\] \(null matching any size\)/],
      [() => tf.ensureShape(x, 2 as unknown as number[]), /^ensureShape: shape must be an array of non-negative integers or null \(any size\), got 2/],
      [() => tf.ensureShape(x, [2, undefined] as unknown as number[]), /^ensureShape: shape must be an array/],
      [() => tf.ensureShape(x, [2, -1]), /^ensureShape: shape must be an array/],
      [() => tf.bitwiseAnd(ints, tf.tensor1d([1, 2, 3], 'int32')), /^bitwiseAnd: x and y: shapes \[2\] and \[3\] must match/],
      [() => tf.bitwiseAnd(x, x), /^bitwiseAnd: x must have dtype int32, got float32/],
      [() => tf.bitwiseAnd(ints, [true, false]), /^bitwiseAnd: y must have dtype int32, got bool/],
      [() => tf.dropout(ints, 0.5), /^dropout: x must have dtype float32, got int32/],
      [() => tf.dropout(x, 1), /^dropout: rate must be in \[0, 1\), got 1/],
      [() => tf.dropout(x, NaN), /^dropout: rate must be a finite number, got NaN/],
      [() => tf.dropout(x, 0.5, [2, 3]), /^dropout: noiseShape \[2, 3\] must broadcast to the shape of x \[2, 2\]/],
      [() => tf.dropout(x, 0.5, [1, 2, 2]), /^dropout: noiseShape \[1, 2, 2\] must broadcast to the shape of x \[2, 2\]/],
      [() => tf.dropout(x, 0.5, [null] as unknown as number[]), /^dropout: noiseShape must be an array of non-negative integers \(null for x's size, given one per axis of x\), got \[null\]/],
      [() => tf.dropout(x, 0.5, 'x' as unknown as number[]), /^dropout: noiseShape must be an array/],
      [() => tf.dropout(x, 0.5, null, 1.5), /^dropout: seed must be an integer/],
      [() => x.variable('yes' as unknown as boolean), /^variable: trainable must be true or false/],
      [() => x.variable(true, 'v', 'float64' as tf.DType), /^variable: dtype must be/],
    ];
    tf.tidy(() => {
      for (const [call, message] of cases) expect(call).toThrow(message);
    });
    tf.dispose([x, ints]);
  });
});
