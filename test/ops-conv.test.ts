// Convolution and pooling ops: conv2d, conv1d, conv2dTranspose, depthwiseConv2d, separableConv2d, maxPool and
// avgPool against TF.js on awkward shapes (sizes 1, 3, 7, 17; windows 1x1, 3x3, 5x5, 2x3; strides 1 and 2;
// 'valid', 'same' and explicit padding; dilation 2), their gradients against TF.js's and against central
// differences (second derivatives too), bad input, on both backends; then the kernels of every build against the js twin, bit for bit.

import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Backend } from '../src/backend/backend.js';
import { word } from '../src/backend/heap.js';
import { Program } from '../src/backend/program.js';
import { activeBackend } from '../src/engine.js';
import { expectGradient, expectSameAsTfjs, reference, sample } from './reference.js';
import { backendFor, BUILDS, expectClose, freeAll, get, getInt, onBackend, put, randomData } from './support.js';

type Lib = typeof tf;
type Pad = 'valid' | 'same';
const close = { atol: 1e-4, rtol: 1e-4 };

/** x (batch, h, w, c) and a filter (fh, fw, c, f): [x's shape, filter's shape, strides, pad, dilation]. */
const CONVS: Array<[number[], number[], number, Pad, number]> = [
  [[1, 1, 1, 1], [1, 1, 1, 1], 1, 'valid', 1],
  [[3, 7, 7, 3], [3, 3, 3, 7], 1, 'same', 1],
  [[3, 7, 7, 3], [3, 3, 3, 7], 2, 'valid', 1],
  [[1, 17, 17, 3], [5, 5, 3, 17], 2, 'same', 1],
  [[7, 7, 17, 1], [5, 5, 1, 3], 1, 'valid', 1],
  [[1, 3, 7, 17], [2, 3, 17, 1], 2, 'same', 1],
  [[17, 3, 3, 7], [2, 3, 7, 3], 1, 'valid', 1],
  [[3, 17, 7, 7], [1, 1, 7, 17], 2, 'valid', 1],
  [[1, 7, 3, 1], [1, 1, 1, 7], 1, 'same', 1],
  [[3, 1, 17, 3], [1, 5, 3, 3], 1, 'same', 1],
  [[1, 3, 3, 17], [5, 5, 17, 7], 2, 'same', 1],
  [[3, 17, 17, 1], [3, 3, 1, 3], 1, 'same', 2],
  [[1, 17, 7, 3], [2, 3, 3, 7], 1, 'valid', 2],
  [[3, 7, 17, 7], [5, 5, 7, 1], 1, 'same', 2],
  // few channels in, a multiple of 8 out: the direct kernel (four positions at a time inside, one at the edges)
  [[3, 9, 11, 1], [3, 3, 1, 8], 1, 'valid', 1],
  [[2, 7, 13, 3], [5, 5, 3, 16], 1, 'same', 1],
  [[1, 17, 17, 2], [3, 3, 2, 8], 2, 'same', 1],
  [[2, 9, 9, 1], [3, 3, 1, 8], 1, 'same', 2],
];

const label = ([xs, fs, s, pad, d]: (typeof CONVS)[number]) => `x [${xs}] filter [${fs}] strides ${s} ${pad} dilations ${d}`;

/** Distinct values spaced 0.05 apart in a seeded order: no ties within 2h of each other for maxPool's differences. */
function distinct(shape: number[], seed: number): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const keys = randomData(n, seed);
  const order = Array.from(keys.keys()).sort((i, j) => keys[i] - keys[j]);
  const values = new Float32Array(n);
  order.forEach((i, rank) => (values[i] = (rank - n / 2) * 0.05));
  return tf.tensor(values, shape);
}

describe.each(['wasm', 'js'] as const)('convolution and pooling on %s', (backend) => {
  onBackend(backend);

  it('conv2d: awkward shapes, windows, strides, paddings and dilations, as TF.js', async () => {
    for (const [i, c] of CONVS.entries()) {
      const [xs, fs, s, pad, d] = c;
      await expectSameAsTfjs(label(c), (t) => t.conv2d(sample(xs, i, -1, 1, 0, t), sample(fs, i + 50, -1, 1, 0, t), s, pad, 'NHWC', d), close);
    }
  });

  it('conv2d: one image of rank 3, strides and dilations per axis, explicit and numeric padding, dimRoundingMode, chained', async () => {
    const x = (t: Lib) => sample([7, 9, 3], 1, -1, 1, 0, t);
    const w = (t: Lib) => sample([3, 2, 3, 4], 2, -1, 1, 0, t);
    await expectSameAsTfjs('rank 3', (t) => [t.conv2d(x(t), w(t), 1, 'same'), t.conv2d(x(t), w(t), [2, 1], 'valid')]);
    await expectSameAsTfjs('dilations per axis', (t) => t.conv2d(x(t), w(t), 1, 'same', 'NHWC', [2, 3]), close);
    await expectSameAsTfjs('explicit padding', (t) => t.conv2d(x(t), w(t), [1, 2], [[0, 0], [1, 2], [0, 3], [0, 0]]), close);
    await expectSameAsTfjs('numeric padding of a square window', (t) => t.conv2d(x(t), sample([3, 3, 3, 2], 3, -1, 1, 0, t), 2, 1), close);
    for (const mode of ['floor', 'round', 'ceil'] as const) {
      await expectSameAsTfjs(`dimRoundingMode ${mode}`, (t) => t.conv2d(x(t), sample([2, 2, 3, 2], 3, -1, 1, 0, t), 2, 0, 'NHWC', 1, mode), close);
    }
    await expectSameAsTfjs('tensor-like and chained', (t) => [t.conv2d([[[1], [2]], [[3], [4]]], [[[[1]]], [[[2]]]], 1, 'valid'), x(t).conv2d(w(t), 1, 'valid')]);
    await expectSameAsTfjs('no channels', (t) => t.conv2d(t.ones([1, 3, 3, 0]), t.ones([2, 2, 0, 2]), 1, 'valid'));
    await expectSameAsTfjs('no images', (t) => t.conv2d(t.ones([0, 3, 3, 2]), t.ones([2, 2, 2, 2]), 1, 'same'));
    tf.tidy(() => expect(tf.conv2d(tf.ones([2, 3, 3, 2]), tf.ones([2, 2, 2, 0]), 1, 'same').shape).toEqual([2, 3, 3, 0]));
  });

  it('conv2d: patches made two images at a time (5.5 MB each, 16 MB at most), forward and both gradients, as TF.js', async () => {
    await expectSameAsTfjs(
      'x [3, 40, 40, 96], 3x3',
      (t) => {
        const [x, w] = [sample([3, 40, 40, 96], 1, -1, 1, 0, t), sample([3, 3, 96, 2], 2, -0.1, 0.1, 0, t)];
        return [t.conv2d(x, w, 1, 'same'), ...t.grads((a: tf.Tensor, b: tf.Tensor) => t.conv2d(a, b, 1, 'same').square().sum())([x, w])];
      },
      { atol: 1e-3, rtol: 1e-4 },
    );
  });

  it('conv1d as TF.js: batches and one sequence, strides, paddings, dilation', async () => {
    for (const [xs, fs, s, pad, d] of [
      [[3, 17, 7], [3, 7, 5], 1, 'same', 1],
      [[1, 7, 3], [5, 3, 1], 2, 'valid', 1],
      [[17, 3], [3, 3, 7], 1, 'same', 2],
      [[3, 17, 1], [2, 1, 3], 1, 'valid', 2],
    ] as Array<[number[], number[], number, Pad, number]>) {
      await expectSameAsTfjs(`conv1d x [${xs}] filter [${fs}] ${s} ${pad} ${d}`, (t) => t.conv1d(sample(xs, 1, -1, 1, 0, t), sample(fs, 2, -1, 1, 0, t), s, pad, 'NWC', d), close);
    }
    await expectSameAsTfjs('chained', (t) => sample([2, 5, 2], 3, -1, 1, 0, t).conv1d(sample([2, 2, 3], 4, -1, 1, 0, t), 1, 'valid'));
  });

  it('depthwiseConv2d as TF.js: channel multipliers 1, 2 and 3, strides, paddings, dilations', async () => {
    for (const [i, c] of CONVS.entries()) {
      const [xs, fs, s, pad, d] = c;
      const filter = [fs[0], fs[1], xs[3], [1, 2, 3][i % 3]];
      await expectSameAsTfjs(`depthwise ${label(c)} multiplier ${filter[3]}`, (t) => t.depthwiseConv2d(sample(xs, i, -1, 1, 0, t), sample(filter, i + 50, -1, 1, 0, t), s, pad, 'NHWC', d), close);
    }
    await expectSameAsTfjs('rank 3, chained', (t) => sample([5, 5, 4], 1, -1, 1, 0, t).depthwiseConv2d(sample([3, 3, 4, 1], 2, -1, 1, 0, t), [1, 2], 'same'), close);
  });

  it('maxPool and avgPool as TF.js: windows, strides, paddings, rank 3, dimRoundingMode, dtypes', async () => {
    const windows: Array<[number[], number | [number, number], number | [number, number], Pad | number]> = [
      [[3, 7, 7, 3], 2, 2, 'valid'],
      [[3, 7, 7, 3], 3, 1, 'same'],
      [[1, 17, 17, 17], [3, 2], 2, 'same'],
      [[7, 3, 17, 1], [2, 3], [1, 2], 'valid'],
      [[1, 1, 1, 7], 1, 1, 'valid'],
      [[17, 3, 3, 7], 5, 2, 'same'],
      [[1, 7, 17, 3], 3, 2, 1],
    ];
    for (const [xs, size, s, pad] of windows) {
      await expectSameAsTfjs(`pools of x [${xs}] size ${size} strides ${s} ${pad}`, (t) => {
        const x = sample(xs, xs[1], -1, 1, 0, t);
        return [t.maxPool(x, size, s, pad), t.avgPool(x, size, s, pad)];
      });
    }
    const x9 = (t: Lib) => t.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [3, 3, 1]);
    await expectSameAsTfjs('rank 3, chained', (t) => [x9(t).maxPool(2, 1, 'same'), x9(t).avgPool(2, 1, 'same')]);
    await expectSameAsTfjs('dimRoundingMode ceil', (t) => [t.maxPool(x9(t), 2, 2, 0, 'ceil'), t.avgPool(x9(t), 2, 2, 0, 'ceil')]);
    await expectSameAsTfjs('maxPool skips NaN; all NaN is -Infinity', (t) => t.maxPool(t.tensor([NaN, 1, 2, NaN, NaN, NaN, NaN, NaN], [1, 2, 4, 1]), 2, 2, 'valid'));
    await expectSameAsTfjs('maxPool of int32 and bool stays int32 and bool', (t) => [t.maxPool(t.tensor([1, -2, 3, 4, 5, 6], [1, 2, 3, 1], 'int32'), 2, 1, 'valid'), t.maxPool(t.tensor([true, false, false, false], [1, 2, 2, 1]), 2, 1, 'valid')]);
    await expectSameAsTfjs('no images', (t) => [t.maxPool(t.ones([0, 3, 3, 2]), 2, 1, 'same'), t.avgPool(t.ones([0, 3, 3, 2]), 2, 1, 'same')]);
  });

  it('gradients as TF.js: conv2d, conv1d, depthwiseConv2d, maxPool and avgPool (TF.js has no dilated ones)', async () => {
    for (const [i, c] of CONVS.entries()) {
      const [xs, fs, s, pad, d] = c;
      if (d > 1) continue;
      const depthwise = [fs[0], fs[1], xs[3], 2];
      await expectSameAsTfjs(`gradients of ${label(c)}`, (t) => {
        const [x, w, v] = [sample(xs, i, -1, 1, 0, t), sample(fs, i + 50, -1, 1, 0, t), sample(depthwise, i + 99, -1, 1, 0, t)];
        const dy = (y: tf.Tensor) => sample(y.shape, 7, -1, 1, 0, t);
        return [
          ...t.grads((a: tf.Tensor, b: tf.Tensor) => t.conv2d(a, b, s, pad).mul(dy(t.conv2d(a, b, s, pad))).sum())([x, w]),
          ...t.grads((a: tf.Tensor, b: tf.Tensor) => t.depthwiseConv2d(a, b, s, pad).mul(dy(t.depthwiseConv2d(a, b, s, pad))).sum())([x, v]),
          t.grad((a: tf.Tensor) => t.maxPool(a, [fs[0], fs[1]], s, pad).square().sum())(x),
          // TF.js divides an avgPool gradient by the window's size where neurite divides by the values it holds
          // (as its forward does): the same where every window lies inside x.
          ...(xs[1] >= fs[0] && xs[2] >= fs[1] ? [t.grad((a: tf.Tensor) => t.avgPool(a, [fs[0], fs[1]], s, 'valid').square().sum())(x)] : []),
        ];
      }, close);
    }
    await expectSameAsTfjs('conv1d', (t) => t.grads((a: tf.Tensor, b: tf.Tensor) => t.conv1d(a, b, 2, 'same').square().sum())([sample([3, 7, 2], 1, -1, 1, 0, t), sample([3, 2, 3], 2, -1, 1, 0, t)]), close);
    await expectSameAsTfjs('rank 3', (t) => t.grads((a: tf.Tensor, b: tf.Tensor) => t.conv2d(a, b, 1, 'same').square().sum())([sample([5, 4, 2], 1, -1, 1, 0, t), sample([3, 3, 2, 2], 2, -1, 1, 0, t)]), close);
  });

  it('gradients match central differences: dilated, explicit padding, 1x1, padded avgPool windows', () => {
    tf.tidy(() => {
      const x = sample([2, 7, 6, 3], 1);
      expectGradient('conv2d same, stride 2', (a, b) => tf.conv2d(a, b, 2, 'same'), [x, sample([3, 2, 3, 2], 2)]);
      expectGradient('conv2d dilated', (a, b) => tf.conv2d(a, b, 1, 'same', 'NHWC', [2, 1]), [x, sample([2, 3, 3, 2], 3)]);
      expectGradient('conv2d 1x1 (x is its own patches)', (a, b) => tf.conv2d(a, b, 1, 'valid'), [x, sample([1, 1, 3, 4], 4)]);
      expectGradient('conv2d explicit padding', (a, b) => tf.conv2d(a, b, 1, [[0, 0], [2, 0], [1, 1], [0, 0]]), [x, sample([3, 3, 3, 1], 5)]);
      expectGradient('conv1d dilated', (a, b) => tf.conv1d(a, b, 1, 'same', 'NWC', 2), [sample([2, 7, 3], 6), sample([3, 3, 2], 7)]);
      expectGradient('depthwiseConv2d dilated, multiplier 2', (a, b) => tf.depthwiseConv2d(a, b, 1, 'same', 'NHWC', 2), [x, sample([2, 2, 3, 2], 8)]);
      expectGradient('depthwiseConv2d stride 2', (a, b) => tf.depthwiseConv2d(a, b, 2, 'valid'), [x, sample([3, 3, 3, 1], 9)]);
      const spread = distinct([2, 7, 6, 3], 10);
      expectGradient('maxPool same', (a) => tf.maxPool(a, 3, 2, 'same'), [spread]);
      expectGradient('maxPool overlapping windows', (a) => tf.maxPool(a, [2, 3], 1, 'valid'), [spread]);
      expectGradient('avgPool same (edge windows hold fewer values)', (a) => tf.avgPool(a, 3, 2, 'same'), [x]);
      expectGradient('avgPool numeric padding', (a) => tf.avgPool(a, [2, 3], 1, 1), [x]);
    });
  });

  it('second derivatives: every gradient is recorded as ops, as TF.js for conv2d', async () => {
    await expectSameAsTfjs('conv2d twice', (t) => {
      const w = sample([3, 3, 2, 3], 2, -1, 1, 0, t);
      return t.grad((x: tf.Tensor) => t.grad((y: tf.Tensor) => t.conv2d(y, w, 1, 'same').square().sum())(x).square().sum())(sample([2, 5, 5, 2], 1, -1, 1, 0, t));
    }, close);
    tf.tidy(() => {
      const [x, w, v] = [sample([1, 5, 4, 2], 1), sample([3, 2, 2, 2], 2), sample([2, 2, 2, 2], 3)];
      const twice = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) => {
        const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => f(p, q).square().sum())([a, b]);
        return tf.concat([da.reshape([-1]), db.reshape([-1])]);
      };
      expectGradient('conv2d', twice((a, b) => tf.conv2d(a, b, 2, 'same')), [x, w]);
      expectGradient('depthwiseConv2d', twice((a, b) => tf.depthwiseConv2d(a, b, 1, 'same')), [x, v]);
      const spread = distinct([1, 5, 4, 2], 4);
      expectGradient('maxPool', (a) => tf.grad((p: tf.Tensor) => tf.maxPool(p, 2, 1, 'same').square().sum())(a), [spread]);
      expectGradient('avgPool', (a) => tf.grad((p: tf.Tensor) => tf.avgPool(p, 3, 2, 'same').square().sum())(a), [x]);
    });
  });

  it('a recorded program of the ops and their gradients replays to the same values (as model.fit replays its step)', () => {
    const [x, w, v] = [sample([3, 9, 7, 4], 1), sample([3, 3, 4, 5], 2), sample([2, 2, 5, 2], 3)];
    const step = () =>
      tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        const y = tf.maxPool(tf.depthwiseConv2d(tf.conv2d(a, b, 2, 'same'), c, 1, 'same'), 2, 1, 'same');
        return tf.avgPool(y, 3, 2, 'same').square().sum();
      })([x, w, v]);
    const { program, result } = Program.record(activeBackend(), step);
    const first = result.map((t) => Array.from(t.dataSync()));
    for (const t of result) activeBackend().kernels.fill(t.ptr(), t.size, 0);
    program.run();
    result.forEach((t, i) => expect(Array.from(t.dataSync()), `gradient ${i}`).toEqual(first[i]));
    program.dispose();
    tf.dispose([x, w, v, ...result]);
  });

  it('refuses bad input, naming the argument, where TF.js refuses it too', async () => {
    const [x, w] = [() => tf.ones([1, 5, 5, 2]), () => tf.ones([3, 3, 2, 4])];
    await expectSameAsTfjs('rank 2 x', (t) => t.conv2d(t.ones([5, 2]), t.ones([3, 3, 2, 4]), 1, 'valid'));
    await expectSameAsTfjs('channel mismatch', (t) => t.conv2d(t.ones([1, 5, 5, 2]), t.ones([3, 3, 3, 4]), 1, 'valid'));
    await expectSameAsTfjs('stride 0', (t) => t.conv2d(t.ones([1, 5, 5, 2]), t.ones([3, 3, 2, 4]), 0, 'valid'));
    await expectSameAsTfjs('strides and dilations', (t) => t.conv2d(t.ones([1, 5, 5, 2]), t.ones([2, 2, 2, 4]), 2, 'valid', 'NHWC', 2));
    await expectSameAsTfjs('int32 x', (t) => t.conv2d(t.ones([1, 5, 5, 2], 'int32'), t.ones([3, 3, 2, 4]), 1, 'valid'));
    await expectSameAsTfjs('dimRoundingMode with same', (t) => t.maxPool(t.ones([1, 5, 5, 2]), 2, 2, 'same', 'ceil'));
    await expectSameAsTfjs('window past a valid input', (t) => t.maxPool(t.ones([1, 3, 3, 1]), 5, 1, 'valid'));
    tf.tidy(() => {
      expect(() => tf.conv2d(tf.ones([5, 2]), w(), 1, 'valid')).toThrow(/^conv2d: x must have rank 3 or 4, got shape \[5, 2\]/);
      expect(() => tf.conv2d(x(), tf.ones([3, 3, 2]), 1, 'valid')).toThrow(/^conv2d: filter must have rank 4, got shape \[3, 3, 2\]/);
      expect(() => tf.conv2d(x(), tf.ones([3, 3, 3, 4]), 1, 'valid')).toThrow(/^conv2d: x has 2 channels \(its last axis\), but filter is for 3/);
      expect(() => tf.conv2d(x(), w(), 0, 'valid')).toThrow(/^conv2d: strides must be a positive integer or a pair of them, got 0/);
      expect(() => tf.conv2d(x(), w(), [1, 1.5], 'valid')).toThrow(/^conv2d: strides must be a positive integer or a pair of them, got \[1,1.5\]/);
      expect(() => tf.conv2d(x(), w(), 2, 'valid', 'NHWC', 2)).toThrow(/^conv2d: strides or dilations must be 1, got strides 2 and dilations 2/);
      expect(() => tf.conv2d(x(), w(), 1, 'full' as Pad)).toThrow(/^conv2d: pad must be 'valid', 'same', an integer >= 0 or \[\[0, 0\], \[top, bottom\], \[left, right\], \[0, 0\]\], got "full"/);
      expect(() => tf.conv2d(x(), w(), 1, -1)).toThrow(/^conv2d: pad must be/);
      expect(() => tf.conv2d(x(), w(), 1, [[1, 0], [1, 1], [1, 1], [0, 0]])).toThrow(/^conv2d: pad must be/);
      expect(() => tf.conv2d(x(), w(), 1, 'same', 'NCHW')).toThrow(/^conv2d: dataFormat 'NCHW' is not supported yet \(use 'NHWC', channels last\)/);
      expect(() => tf.conv2d(x(), w(), 1, 'same', 'HWNC' as 'NHWC')).toThrow(/^conv2d: dataFormat must be one of "NHWC", "NCHW", got "HWNC"/);
      expect(() => tf.conv2d(x(), w(), 1, 'same', 'NHWC', 1, 'up' as 'ceil')).toThrow(/^conv2d: dimRoundingMode must be one of "floor", "round", "ceil", got "up"/);
      expect(() => tf.conv2d(x(), w(), 1, 'same', 'NHWC', 1, 'ceil')).toThrow(/^conv2d: pad must be a number or explicit padding when dimRoundingMode is given, got pad "same"/);
      expect(() => tf.conv2d(x(), tf.ones([7, 3, 2, 4]), 1, 'valid')).toThrow(/^conv2d: filter \(a 7x3 window\) does not fit in x \(5x5\) with pad "valid"/);
      expect(() => tf.conv2d(x(), tf.ones([3, 3, 2, 4]), 1, 'valid', 'NHWC', 3)).toThrow(/^conv2d: filter \(a 7x7 window\) does not fit in x/);
      expect(() => tf.conv2d(x(), tf.ones([0, 3, 2, 4]), 1, 'same')).toThrow(/^conv2d: filter must have a height and width of at least 1, got shape \[0, 3, 2, 4\]/);
      expect(() => tf.conv2d(tf.ones([1, 5, 5, 2], 'int32'), w(), 1, 'valid')).toThrow(/^conv2d: x must have dtype float32, got int32/);
      expect(() => tf.conv2d('x' as unknown as tf.Tensor, w(), 1, 'valid')).toThrow(/^conv2d: x must be a Tensor/);
      expect(() => tf.conv1d(tf.ones([5, 2]), tf.ones([3, 3, 4]), 1, 'valid')).toThrow(/^conv1d: x has 2 channels \(its last axis\), but filter is for 3/);
      expect(() => tf.conv1d(tf.ones([5, 2]), tf.ones([3, 2, 4]), 0, 'valid')).toThrow(/^conv1d: stride must be an integer >= 1, got 0/);
      expect(() => tf.conv1d(tf.ones([5, 2]), tf.ones([3, 2, 4]), 2, 'valid', 'NWC', 2)).toThrow(/^conv1d: stride or dilation must be 1, got stride 2 and dilation 2/);
      expect(() => tf.conv1d(tf.ones([5, 2]), tf.ones([3, 2, 4]), 1, 'valid', 'NCW')).toThrow(/^conv1d: dataFormat 'NCW' is not supported yet/);
      expect(() => tf.conv1d(tf.ones([1, 1, 5, 2]), tf.ones([3, 2, 4]), 1, 'valid')).toThrow(/^conv1d: x must have rank 2 or 3/);
      expect(() => tf.depthwiseConv2d(x(), tf.ones([3, 3, 3, 1]), 1, 'same')).toThrow(/^depthwiseConv2d: x has 2 channels \(its last axis\), but filter is for 3/);
      expect(() => tf.depthwiseConv2d(tf.ones([1, 5, 5, 0]), tf.ones([3, 3, 0, 2]), 1, 'same')).toThrow(/^depthwiseConv2d: x must have at least one channel/);
      expect(() => tf.maxPool(tf.ones([5, 5]), 2, 1, 'valid')).toThrow(/^maxPool: x must have rank 3 or 4, got shape \[5, 5\]/);
      expect(() => tf.maxPool(x(), 0, 1, 'valid')).toThrow(/^maxPool: filterSize must be a positive integer or a pair of them, got 0/);
      expect(() => tf.maxPool(x(), 2, [1, 0], 'valid')).toThrow(/^maxPool: strides must be a positive integer or a pair of them/);
      expect(() => tf.maxPool(x(), 6, 1, 'valid')).toThrow(/^maxPool: filterSize \(a 6x6 window\) does not fit in x \(5x5\) with pad "valid"/);
      expect(() => tf.maxPool(x(), 2, 1, 2)).toThrow(/^maxPool: with pad 2 some 2x2 windows \(filterSize\) hold no value of x/);
      expect(() => tf.avgPool(x(), 1, 3, 0, 'ceil')).toThrow(/^avgPool: with pad 0 some 1x1 windows \(filterSize\) hold no value of x/);
      expect(() => tf.avgPool(tf.ones([1, 5, 5, 2], 'int32'), 2, 1, 'valid')).toThrow(/^avgPool: x must have dtype float32, got int32/);
    });
  });
});

/** conv2dTranspose's cases: [outputShape, filter (fh, fw, outChannels, inChannels), strides, pad]; x's shape is TF.js's conv2d output for them. */
const TRANSPOSES: Array<[number[], number[], number | [number, number], Pad | number | number[][]]> = [
  [[1, 1, 1, 1], [1, 1, 1, 1], 1, 'valid'],
  [[3, 7, 7, 3], [3, 3, 3, 7], 1, 'same'],
  [[3, 7, 7, 3], [3, 3, 3, 7], 2, 'valid'],
  [[1, 8, 8, 1], [3, 3, 1, 2], 2, 'valid'],
  [[1, 17, 17, 3], [5, 5, 3, 17], 2, 'same'],
  [[7, 7, 17, 1], [5, 5, 1, 3], 1, 'valid'],
  [[1, 3, 7, 17], [2, 3, 17, 1], 2, 'same'],
  [[3, 17, 7, 7], [1, 1, 7, 17], 2, 'valid'],
  [[2, 6, 9, 2], [3, 2, 2, 3], [2, 3], 'same'],
  [[2, 7, 9, 3], [3, 3, 3, 4], [1, 2], [[0, 0], [1, 2], [0, 3], [0, 0]]],
  [[1, 9, 7, 2], [3, 3, 2, 3], 2, 1],
];

/** The shape of x for a conv2dTranspose case: what TF.js's conv2d makes of outputShape. */
async function transposedInput([outputShape, filter, s, pad]: (typeof TRANSPOSES)[number]): Promise<number[]> {
  const ref = await reference();
  return ref.tidy(() => ref.conv2d(ref.zeros(outputShape as never) as tfjs.Tensor4D, ref.zeros(filter as never) as tfjs.Tensor4D, s, pad as Pad).shape);
}

/** separableConv2d's cases: [x's shape, depthwise filter (fh, fw, c, multiplier), outChannels, strides, pad, dilation]. */
const SEPARABLES: Array<[number[], number[], number, number, Pad | number | number[][], number]> = [
  [[1, 1, 1, 1], [1, 1, 1, 1], 1, 1, 'valid', 1],
  [[3, 7, 7, 3], [3, 3, 3, 2], 7, 1, 'same', 1],
  [[3, 7, 7, 3], [3, 3, 3, 1], 5, 2, 'valid', 1],
  [[1, 17, 17, 3], [5, 5, 3, 3], 17, 2, 'same', 1],
  [[7, 7, 17, 1], [5, 5, 1, 2], 3, 1, 'valid', 1],
  [[1, 3, 7, 17], [2, 3, 17, 1], 1, 2, 'same', 1],
  [[3, 17, 17, 1], [3, 3, 1, 3], 3, 1, 'same', 2],
  [[1, 17, 7, 3], [2, 3, 3, 2], 7, 1, 'valid', 2],
  [[2, 7, 9, 3], [3, 3, 3, 2], 4, 1, [[0, 0], [1, 2], [0, 3], [0, 0]], 1],
  [[1, 9, 7, 2], [3, 3, 2, 1], 3, 2, 1, 1],
];

const separableLabel = ([xs, ds, o, s, pad, d]: (typeof SEPARABLES)[number]) => `x [${xs}] depthwise [${ds}] to ${o} strides ${s} pad ${JSON.stringify(pad)} dilation ${d}`;

describe.each(['wasm', 'js'] as const)('transposed and separable convolutions on %s', (backend) => {
  onBackend(backend);

  it('conv2dTranspose as TF.js: awkward shapes, strides, same, valid, explicit and numeric padding', async () => {
    for (const [i, c] of TRANSPOSES.entries()) {
      const [outputShape, fs, s, pad] = c;
      const xs = await transposedInput(c);
      await expectSameAsTfjs(`conv2dTranspose to [${outputShape}] filter [${fs}] strides ${s} pad ${JSON.stringify(pad)}`, (t) => t.conv2dTranspose(sample(xs, i, -1, 1, 0, t), sample(fs, i + 50, -1, 1, 0, t), outputShape as [number, number, number, number], s, pad), close);
    }
  });

  it('conv2dTranspose as TF.js: one image of rank 3, dimRoundingMode, chained, tensor-like, no images', async () => {
    const w = (t: Lib) => sample([3, 3, 2, 3], 2, -1, 1, 0, t);
    await expectSameAsTfjs('rank 3', (t) => t.conv2dTranspose(sample([4, 5, 3], 1, -1, 1, 0, t), w(t), [7, 9, 2], 2, 'same'), close);
    for (const mode of ['floor', 'round', 'ceil'] as const) {
      // (8 - 3) / 2 + 1 = 3.5 rows: the mode decides whether x has 3 or 4
      const rows = mode === 'floor' ? 3 : 4;
      await expectSameAsTfjs(`dimRoundingMode ${mode}`, (t) => t.conv2dTranspose(sample([1, rows, rows, 3], 3, -1, 1, 0, t), w(t), [1, 8, 8, 2], 2, 0, mode), close);
    }
    await expectSameAsTfjs('chained and tensor-like', (t) => [sample([1, 3, 3, 3], 4, -1, 1, 0, t).conv2dTranspose(w(t), [1, 5, 5, 2], 1, 'valid'), t.conv2dTranspose([[[1], [2]]], [[[[1]], [[2]]]], [1, 3, 1], 1, 'valid')]);
    await expectSameAsTfjs('no images', (t) => t.conv2dTranspose(t.ones([0, 3, 3, 3]), w(t), [0, 5, 5, 2], 1, 'valid'));
  });

  it('separableConv2d as TF.js: multipliers, strides, paddings, dilations, rank 3, chained', async () => {
    for (const [i, c] of SEPARABLES.entries()) {
      const [xs, ds, o, s, pad, d] = c;
      await expectSameAsTfjs(`separableConv2d ${separableLabel(c)}`, (t) => t.separableConv2d(sample(xs, i, -1, 1, 0, t), sample(ds, i + 50, -1, 1, 0, t), sample([1, 1, ds[2] * ds[3], o], i + 99, -1, 1, 0, t), s, pad as Pad, d), close);
    }
    await expectSameAsTfjs('rank 3, chained', (t) => sample([5, 6, 2], 1, -1, 1, 0, t).separableConv2d(sample([3, 2, 2, 2], 2, -1, 1, 0, t), sample([1, 1, 4, 3], 3, -1, 1, 0, t), [2, 1], 'same'), close);
  });

  it('gradients as TF.js: conv2dTranspose and separableConv2d (x and every filter)', async () => {
    for (const [i, c] of TRANSPOSES.entries()) {
      const [outputShape, fs, s, pad] = c;
      const xs = await transposedInput(c);
      await expectSameAsTfjs(`gradients of conv2dTranspose to [${outputShape}] strides ${s} pad ${JSON.stringify(pad)}`, (t) => {
        const f = (a: tf.Tensor, b: tf.Tensor) => t.conv2dTranspose(a, b, outputShape as [number, number, number, number], s, pad);
        const dy = sample(outputShape, 7, -1, 1, 0, t);
        return t.grads((a: tf.Tensor, b: tf.Tensor) => f(a, b).mul(dy).sum())([sample(xs, i, -1, 1, 0, t), sample(fs, i + 50, -1, 1, 0, t)]);
      }, close);
    }
    for (const [i, c] of SEPARABLES.entries()) {
      const [xs, ds, o, s, pad, d] = c;
      if (d > 1) continue; // TF.js has no dilated depthwise gradient
      await expectSameAsTfjs(`gradients of separableConv2d ${separableLabel(c)}`, (t) => {
        const f = (a: tf.Tensor, b: tf.Tensor, p: tf.Tensor) => t.separableConv2d(a, b, p, s, pad as Pad);
        const operands = [sample(xs, i, -1, 1, 0, t), sample(ds, i + 50, -1, 1, 0, t), sample([1, 1, ds[2] * ds[3], o], i + 99, -1, 1, 0, t)];
        const dy = sample(f(operands[0], operands[1], operands[2]).shape, 7, -1, 1, 0, t);
        return t.grads((a: tf.Tensor, b: tf.Tensor, p: tf.Tensor) => f(a, b, p).mul(dy).sum())(operands);
      }, close);
    }
  });

  it('gradients match central differences, second derivatives too', () => {
    tf.tidy(() => {
      expectGradient('conv2dTranspose same, stride 2', (a, b) => tf.conv2dTranspose(a, b, [2, 7, 6, 2], 2, 'same'), [sample([2, 4, 3, 3], 1), sample([3, 2, 2, 3], 2)]);
      expectGradient('conv2dTranspose valid, stride 2, a row no window reaches', (a, b) => tf.conv2dTranspose(a, b, [1, 8, 7, 1], 2, 'valid'), [sample([1, 3, 3, 2], 3), sample([3, 2, 1, 2], 4)]);
      expectGradient('conv2dTranspose explicit padding', (a, b) => tf.conv2dTranspose(a, b, [1, 5, 6, 2], 1, [[0, 0], [2, 0], [1, 1], [0, 0]]), [sample([1, 5, 6, 3], 5), sample([3, 3, 2, 3], 6)]);
      expectGradient('separableConv2d dilated, multiplier 2', (a, b, p) => tf.separableConv2d(a, b, p, 1, 'same', 2), [sample([2, 7, 6, 3], 7), sample([2, 2, 3, 2], 8), sample([1, 1, 6, 4], 9)]);
      expectGradient('separableConv2d stride 2, valid', (a, b, p) => tf.separableConv2d(a, b, p, 2, 'valid'), [sample([2, 7, 6, 3], 10), sample([3, 3, 3, 1], 11), sample([1, 1, 3, 2], 12)]);
      const twice = (f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) => (a: tf.Tensor, b: tf.Tensor) => {
        const [da, db] = tf.grads((p: tf.Tensor, q: tf.Tensor) => f(p, q).square().sum())([a, b]);
        return tf.concat([da.reshape([-1]), db.reshape([-1])]);
      };
      expectGradient('conv2dTranspose twice', twice((a, b) => tf.conv2dTranspose(a, b, [1, 5, 4, 2], 2, 'same')), [sample([1, 3, 2, 2], 13), sample([3, 2, 2, 2], 14)]);
    });
  });

  it('leave no tensors behind, with gradients', () => {
    const [x, w, d, p] = [sample([2, 4, 3, 3], 1), sample([3, 2, 2, 3], 2), sample([3, 3, 2, 2], 3), sample([1, 1, 4, 3], 4)];
    const before = tf.memory().numTensors;
    const step = () => {
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2dTranspose(a, b, [2, 7, 6, 2], 2, 'same').square().sum())([x, w]);
      const gs = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => tf.separableConv2d(a, b, c, 1, 'same').square().sum())([tf.conv2dTranspose(x, w, [2, 7, 6, 2], 2, 'same'), d, p]);
      tf.dispose([dx, dw, ...gs]);
    };
    tf.tidy(step);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, w, d, p]);
  });

  it('refuse bad input, naming the argument, where TF.js refuses it too', async () => {
    await expectSameAsTfjs('conv2dTranspose: x channels', (t) => t.conv2dTranspose(t.ones([1, 3, 3, 3]), t.ones([3, 3, 2, 4]), [1, 5, 5, 2], 1, 'valid'));
    await expectSameAsTfjs('conv2dTranspose: outputShape channels', (t) => t.conv2dTranspose(t.ones([1, 3, 3, 3]), t.ones([3, 3, 2, 3]), [1, 5, 5, 1], 1, 'valid'));
    await expectSameAsTfjs('conv2dTranspose: outputShape rank', (t) => t.conv2dTranspose(t.ones([1, 3, 3, 3]), t.ones([3, 3, 2, 3]), [5, 5, 2], 1, 'valid'));
    await expectSameAsTfjs('conv2dTranspose: dimRoundingMode with same', (t) => t.conv2dTranspose(t.ones([1, 3, 3, 3]), t.ones([3, 3, 2, 3]), [1, 5, 5, 2], 1, 'same', 'ceil'));
    await expectSameAsTfjs('separableConv2d: pointwise depth', (t) => t.separableConv2d(t.ones([1, 5, 5, 2]), t.ones([3, 3, 2, 2]), t.ones([1, 1, 3, 3]), 1, 'valid'));
    await expectSameAsTfjs('separableConv2d: pointwise window', (t) => t.separableConv2d(t.ones([1, 5, 5, 2]), t.ones([3, 3, 2, 2]), t.ones([2, 1, 4, 3]), 1, 'valid'));
    await expectSameAsTfjs('separableConv2d: strides and dilation', (t) => t.separableConv2d(t.ones([1, 5, 5, 2]), t.ones([3, 3, 2, 2]), t.ones([1, 1, 4, 3]), 2, 'valid', 2));
    await expectSameAsTfjs('separableConv2d: x channels', (t) => t.separableConv2d(t.ones([1, 5, 5, 3]), t.ones([3, 3, 2, 2]), t.ones([1, 1, 4, 3]), 1, 'valid'));
    await expectSameAsTfjs('separableConv2d: NCHW', (t) => t.separableConv2d(t.ones([1, 5, 5, 2]), t.ones([3, 3, 2, 2]), t.ones([1, 1, 4, 3]), 1, 'valid', 1, 'NCHW'));
    tf.tidy(() => {
      const [x, w] = [() => tf.ones([1, 3, 3, 3]), () => tf.ones([3, 3, 2, 3])];
      const out: [number, number, number, number] = [1, 5, 5, 2];
      expect(() => tf.conv2dTranspose(tf.ones([3, 3]), w(), [5, 5] as never, 1, 'valid')).toThrow(/^conv2dTranspose: x must have rank 3 or 4, got shape \[3, 3\]/);
      expect(() => tf.conv2dTranspose(x(), tf.ones([3, 3, 2]), out, 1, 'valid')).toThrow(/^conv2dTranspose: filter must have rank 4, got shape \[3, 3, 2\]/);
      expect(() => tf.conv2dTranspose(x(), w(), [5, 5, 2], 1, 'valid')).toThrow(/^conv2dTranspose: outputShape must be \[batch, height, width, outChannels\] as x has rank 4, got \[5,5,2\]/);
      expect(() => tf.conv2dTranspose(x(), w(), [1, 5, 5.5, 2] as typeof out, 1, 'valid')).toThrow(/^conv2dTranspose: outputShape must be/);
      expect(() => tf.conv2dTranspose(x(), tf.ones([3, 3, 2, 4]), out, 1, 'valid')).toThrow(/^conv2dTranspose: x has 3 channels \(its last axis\), but filter is for 4 \(its last axis\)/);
      expect(() => tf.conv2dTranspose(x(), w(), [1, 5, 5, 1], 1, 'valid')).toThrow(/^conv2dTranspose: outputShape has 1 channels \(its last entry\), but filter makes 2 \(its third axis\)/);
      // TF.js computes from such an x without a word, reading past its end: neurite refuses it
      expect(() => tf.conv2dTranspose(tf.ones([1, 4, 4, 3]), w(), out, 1, 'valid')).toThrow(/^conv2dTranspose: x must have shape \[1, 3, 3, 3\], conv2d's output for outputShape \[1, 5, 5, 2\] with strides 1 and pad "valid"; got \[1, 4, 4, 3\]/);
      expect(() => tf.conv2dTranspose(tf.ones([2, 3, 3, 3]), w(), out, 1, 'valid')).toThrow(/^conv2dTranspose: x must have shape \[1, 3, 3, 3\]/);
      expect(() => tf.conv2dTranspose(x(), w(), [1, 2, 2, 2], 1, 'valid')).toThrow(/^conv2dTranspose: filter \(a 3x3 window\) does not fit in outputShape \(2x2\) with pad "valid"/);
      // (TF.js loops forever on a stride of 0)
      expect(() => tf.conv2dTranspose(x(), w(), out, 0, 'valid')).toThrow(/^conv2dTranspose: strides must be a positive integer or a pair of them, got 0/);
      expect(() => tf.conv2dTranspose(x(), w(), out, [1, 1.5], 'valid')).toThrow(/^conv2dTranspose: strides must be a positive integer or a pair of them/);
      expect(() => tf.conv2dTranspose(x(), w(), out, 1, 'full' as Pad)).toThrow(/^conv2dTranspose: pad must be 'valid', 'same'/);
      expect(() => tf.conv2dTranspose(x(), w(), out, 1, 'same', 'ceil')).toThrow(/^conv2dTranspose: pad must be a number or explicit padding when dimRoundingMode is given/);
      expect(() => tf.conv2dTranspose(tf.ones([1, 3, 3, 3], 'int32'), w(), out, 1, 'valid')).toThrow(/^conv2dTranspose: x must have dtype float32, got int32/);
      expect(() => tf.conv2dTranspose(x(), 'w' as unknown as tf.Tensor, out, 1, 'valid')).toThrow(/^conv2dTranspose: filter must be a Tensor/);

      const [d, p] = [() => tf.ones([3, 3, 2, 2]), () => tf.ones([1, 1, 4, 3])];
      const x2 = () => tf.ones([1, 5, 5, 2]);
      expect(() => tf.separableConv2d(x2(), tf.ones([3, 3, 2]), p(), 1, 'valid')).toThrow(/^separableConv2d: depthwiseFilter must have rank 4, got shape \[3, 3, 2\]/);
      expect(() => tf.separableConv2d(x2(), d(), tf.ones([4, 3]), 1, 'valid')).toThrow(/^separableConv2d: pointwiseFilter must have rank 4, got shape \[4, 3\]/);
      expect(() => tf.separableConv2d(x2(), d(), tf.ones([1, 1, 3, 3]), 1, 'valid')).toThrow(/^separableConv2d: pointwiseFilter must have shape \[1, 1, 4, outChannels\] \(4: inChannels·channelMultiplier of depthwiseFilter\), got \[1, 1, 3, 3\]/);
      expect(() => tf.separableConv2d(x2(), d(), tf.ones([2, 1, 4, 3]), 1, 'valid')).toThrow(/^separableConv2d: pointwiseFilter must have shape \[1, 1, 4, outChannels\]/);
      expect(() => tf.separableConv2d(tf.ones([1, 5, 5, 3]), d(), p(), 1, 'valid')).toThrow(/^separableConv2d: x has 3 channels \(its last axis\), but depthwiseFilter is for 2/);
      expect(() => tf.separableConv2d(tf.ones([5, 2]), d(), p(), 1, 'valid')).toThrow(/^separableConv2d: x must have rank 3 or 4, got shape \[5, 2\]/);
      expect(() => tf.separableConv2d(tf.ones([1, 2, 2, 2]), d(), p(), 1, 'valid')).toThrow(/^separableConv2d: depthwiseFilter \(a 3x3 window\) does not fit in x \(2x2\) with pad "valid"/);
      expect(() => tf.separableConv2d(x2(), d(), p(), 2, 'valid', 2)).toThrow(/^separableConv2d: strides or dilation must be 1, got strides 2 and dilation 2/);
      expect(() => tf.separableConv2d(x2(), d(), p(), 1, 'valid', 0)).toThrow(/^separableConv2d: dilation must be a positive integer or a pair of them, got 0/);
      expect(() => tf.separableConv2d(x2(), d(), p(), [0, 1], 'valid')).toThrow(/^separableConv2d: strides must be a positive integer or a pair of them, got \[0,1\]/);
      expect(() => tf.separableConv2d(x2(), d(), p(), 1, 'valid', 1, 'NCHW')).toThrow(/^separableConv2d: dataFormat 'NCHW' is not supported yet/);
      expect(() => tf.separableConv2d(tf.ones([1, 5, 5, 2], 'int32'), d(), p(), 1, 'valid')).toThrow(/^separableConv2d: x must have dtype float32, got int32/);
    });
  });
});

// ---- the kernels on every build ----

/**
 * A descriptor for the conv kernels, written where they read it, for images [first, end) and depthwise's filter
 * gradient over channels [firstChannel, endChannel) (all by default).
 */
function describeConv(b: Backend, words: number[], [first, end]: readonly number[] = [0, words[0]], [firstChannel, endChannel]: readonly number[] = [0, words[3]]): number {
  b.heap.i32.set([...words, first, end, firstChannel, endChannel], word(b.desc));
  return b.desc;
}

describe.each(BUILDS)('conv kernels on %s', (build) => {
  // [batch, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW, dilationH, dilationW, padTop, padLeft]
  const geometries = [
    [2, 7, 9, 3, 7, 5, 3, 3, 2, 1, 2, 1, 1, 1, 0],
    [1, 17, 7, 5, 9, 7, 10, 5, 3, 2, 1, 1, 1, 2, 1],
    [3, 7, 7, 1, 7, 7, 3, 3, 3, 1, 1, 2, 2, 2, 2],
    [1, 3, 17, 8, 2, 9, 8, 2, 3, 2, 2, 1, 1, 0, 1],
    [2, 9, 8, 1, 4, 6, 2, 3, 3, 2, 1, 1, 1, 0, 0],
    [2, 9, 11, 1, 9, 11, 8, 3, 3, 1, 1, 1, 1, 1, 1],
    // depthwise's blocks of 16, 4 and 1 channels (21 = 16 + 4 + 1), and four multiplier lanes of 2 channels (7·2 = 14)
    [2, 6, 5, 21, 6, 5, 21, 3, 3, 1, 1, 1, 1, 1, 1],
    [2, 9, 7, 7, 4, 3, 14, 3, 3, 2, 2, 2, 1, 1, 0],
  ];

  it('im2col, col2im, the pools and depthwise give the js twin\'s bits, and the same bits a range of images (or channels) at a time', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const g of geometries) {
      const [batch, inH, inW, inC, outH, outW, outC, fH, fW] = g;
      const sizes = { x: batch * inH * inW * inC, cols: batch * outH * outW * fH * fW * inC, y: batch * outH * outW * outC, pooled: batch * outH * outW * inC, filter: fH * fW * outC };
      const data = { x: randomData(sizes.x, 1), cols: randomData(sizes.cols, 2), y: randomData(sizes.y, 3), pooled: randomData(sizes.pooled, 4), filter: randomData(sizes.filter, 5) };
      /**
       * Each image kernel called once per range of images (all at once by default), into the same outputs;
       * depthwise's filter gradient once per range of channels.
       */
      const run = (on: Backend, ranges = [[0, batch]], channelRanges = [[0, inC]]) => {
        const p = { x: put(on, data.x), cols: put(on, data.cols), y: put(on, data.y), pooled: put(on, data.pooled), filter: put(on, data.filter) };
        const out = { direct: on.heap.alloc(sizes.y * 4), cols: on.heap.alloc(sizes.cols * 4), dx: on.heap.alloc(sizes.x * 4), max: on.heap.alloc(sizes.pooled * 4), at: on.heap.alloc(sizes.pooled * 4), avg: on.heap.alloc(sizes.pooled * 4), back: on.heap.alloc(sizes.x * 4) };
        const k = on.kernels;
        const pooling = [...g.slice(0, 6), inC, ...g.slice(7, 11), 1, 1, ...g.slice(13)];
        const each = (call: (range: number[]) => void) => ranges.forEach(call);
        each((r) => k.im2col(p.x, out.cols, describeConv(on, g, r), 0));
        each((r) => k.col2im(p.cols, out.dx, describeConv(on, g, r), 0));
        each((r) => k.maxPool(p.x, out.max, out.at, describeConv(on, pooling, r)));
        each((r) => k.avgPool(p.x, out.avg, describeConv(on, pooling, r)));
        each((r) => k.avgPoolBackward(p.pooled, out.back, describeConv(on, pooling, r)));
        const results: Record<string, ArrayLike<number>> = {
          im2col: get(on, out.cols, sizes.cols),
          col2im: get(on, out.dx, sizes.x),
          maxPool: get(on, out.max, sizes.pooled),
          positions: getInt(on, out.at, sizes.pooled),
          avgPool: get(on, out.avg, sizes.pooled),
          avgPoolBackward: get(on, out.back, sizes.x),
        };
        // maxPool's gradient: dy (the pooled data) added at the positions just found
        each((r) => k.maxPoolBackward(p.pooled, out.at, out.back, describeConv(on, pooling, r)));
        results.maxPoolBackward = get(on, out.back, sizes.x);
        if (inC === 1 && g[10] === 1) {
          // the transposed patches of one channel at column stride 1
          each((r) => k.im2col(p.x, out.cols, describeConv(on, g, r), 1));
          results['im2col transposed'] = get(on, out.cols, sizes.cols);
          each((r) => k.col2im(p.cols, out.dx, describeConv(on, g, r), 1));
          results['col2im transposed'] = get(on, out.dx, sizes.x);
        }
        if (outC % 8 === 0 && inC === 1) { // (data.filter is sized for depthwise: fH·fW·outC)
          each((r) => k.convDirect(p.x, p.filter, out.direct, describeConv(on, g, r)));
          results.convDirect = get(on, out.direct, sizes.y);
        }
        freeAll(on, [...Object.values(p), ...Object.values(out)]);
        for (const made of [0, 1, 2]) {
          const operands = [put(on, data.x), put(on, data.filter), put(on, data.y)];
          if (made === 1) channelRanges.forEach((c) => k.depthwise(made, operands[0], operands[1], operands[2], describeConv(on, g, undefined, c)));
          else each((r) => k.depthwise(made, operands[0], operands[1], operands[2], describeConv(on, g, r)));
          results[`depthwise making ${['x', 'filter', 'y'][made]}`] = get(on, operands[made], [sizes.x, sizes.filter, sizes.y][made]);
          freeAll(on, operands);
        }
        return results;
      };
      const [got, twin] = [run(b), run(js)];
      for (const name of Object.keys(twin)) {
        // relaxed_madd may fuse the multiply and the add, which the js twin (and the plain build) round apart
        if (name === 'convDirect' && build === 'relaxed') {
          expectClose(got[name], twin[name], { atol: 1e-5, rtol: 1e-5 }, `convDirect of [${g}]`);
          continue;
        }
        const first = Array.from(got[name]).findIndex((v, i) => !Object.is(v, twin[name][i]));
        expect(first, `${name} of [${g}]: first value that differs (${got[name][first]} vs js ${twin[name][first]})`).toBe(-1);
      }
      // The thread pool's split: the first image (channel), then the rest, gives the bits of all at once.
      if (batch > 1 || inC > 1) {
        const split = run(b, batch > 1 ? [[0, 1], [1, batch]] : [[0, batch]], inC > 1 ? [[0, 1], [1, inC]] : [[0, inC]]);
        for (const name of Object.keys(got)) expect(Array.from(split[name]), `${name} of [${g}] in two ranges`).toEqual(Array.from(got[name]));
      }
      // im2col of a window at the corner: 0 where it overhangs x, x's values where it lies inside
      if (g[13] > 0) expect(got.im2col[0]).toBe(0);
      // the transposed patches are im2col's transposed; their col2im sums the same values (in another order)
      if (got['im2col transposed']) {
        const [rows, depth] = [batch * outH * outW, fH * fW];
        expect(Array.from(got['im2col transposed'])).toEqual(Array.from({ length: rows * depth }, (_, i) => got.im2col[(i % rows) * depth + Math.floor(i / rows)]));
        const transposedCols = put(b, Array.from({ length: rows * depth }, (_, i) => data.cols[(i % rows) * depth + Math.floor(i / rows)]));
        const dx = b.heap.alloc(sizes.x * 4);
        b.kernels.col2im(transposedCols, dx, describeConv(b, g), 1);
        expectClose(get(b, dx, sizes.x), got.col2im, { atol: 1e-6, rtol: 1e-6 }, `col2im transposed of [${g}]`);
        freeAll(b, [transposedCols, dx]);
      }
    }
  });
});
