// Worker threads over shared wasm memory: results bit-identical to one thread, training included; a worker
// that dies, before a call or half-way through its share, costs a one-line notice and the pool, never the
// result; bad counts are refused; no hanging process.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { word } from '../src/backend/heap.js';
import { Act, type Kernels, type Ptr } from '../src/backend/kernels.js';
import { activeBackend } from '../src/engine.js';
import * as tf from '../src/index.js';
import { freeAll, get, put, randomData } from './support.js';

/** The fault hooks of the threaded backend. */
interface Pool {
  splitCalls: number;
  killWorker(index: number): Promise<void>;
  crashWorkerInNextKernel(index: number, timeoutMs: number): void;
  stallWorkerInNextKernel(index: number): void;
  stolenShares: number;
}
const pool = () => activeBackend() as unknown as Pool;

const bitsOf = (values: Float32Array) => new Uint32Array(values.buffer, values.byteOffset, values.length);

/**
 * A result's values as raw bits; then its block is overwritten with NaN and freed, so that a later result
 * given the same block cannot hold the right bits without being computed.
 */
function takeBits(t: tf.Tensor): Uint32Array {
  const bits = bitsOf(t.dataSync() as Float32Array);
  const at = word(t.ptr());
  activeBackend().heap.f32.fill(Number.NaN, at, at + t.size);
  t.dispose();
  return bits;
}

/** Asserts identical bits, naming the first value that differs (toEqual takes seconds on 300,000 values). */
function expectSameBits(actual: Uint32Array, expected: Uint32Array, label = ''): void {
  expect(actual.length, label).toBe(expected.length);
  expect(actual.findIndex((v, i) => v !== expected[i]), `${label}: index of the first differing value`).toBe(-1);
}

/** The product as raw bits, on the current thread count. */
function productBits(m: number, n: number, k: number, transA: boolean, transB: boolean): Uint32Array {
  const a = tf.tensor2d(randomData(m * k, m + 3 * k), transA ? [k, m] : [m, k]);
  const b = tf.tensor2d(randomData(k * n, n + 5 * k), transB ? [n, k] : [k, n]);
  const bits = takeBits(tf.matMul(a, b, transA, transB));
  tf.dispose([a, b]);
  return bits;
}

/** C += op(A)·op(B) straight through the kernel (no op accumulates), as raw bits. */
function accumulatedBits(m: number, n: number, k: number, transA: boolean, transB: boolean): Uint32Array {
  const backend = activeBackend();
  const [a, b, c] = [put(backend, randomData(m * k, 1)), put(backend, randomData(k * n, 2)), put(backend, randomData(m * n, 3))];
  backend.kernels.matmul(a, b, c, m, n, k, +transA, +transB, 1, backend.scratch);
  const bits = bitsOf(get(backend, c, m * n));
  freeAll(backend, [a, b, c]);
  return bits;
}

/** tanh'(x)·dout straight through the kernel, into a separate dx or in place over dout, as raw bits. */
function tanhBackwardBits(n: number, inPlace: boolean): Uint32Array {
  const backend = activeBackend();
  const x = put(backend, randomData(n, 31, -3, 3));
  const y = put(backend, Float32Array.from(randomData(n, 31, -3, 3), Math.tanh));
  const dout = put(backend, randomData(n, 32));
  const dx = inPlace ? dout : put(backend, new Float32Array(n));
  backend.kernels.activationBackward(Act.Tanh, x, y, dout, dx, n, 0);
  const bits = bitsOf(get(backend, dx, n));
  freeAll(backend, inPlace ? [x, y, dout] : [x, y, dout, dx]);
  return bits;
}

/**
 * The kernels that update arrays in place, value by value (the optimizers' steps), each with how many arrays it
 * takes (the weights, the gradient, then its state) and a call over n values.
 */
const UPDATES: Array<[string, number, (k: Kernels, p: Ptr[], n: number) => number | void]> = [
  ['sgdStep', 2, (k, p, n) => k.sgdStep(p[0], p[1], n, 0.1)],
  ['momentumStep', 3, (k, p, n) => k.momentumStep(p[0], p[1], p[2], n, 0.1, 0.9, 1)],
  ['adamStep', 4, (k, p, n) => k.adamStep(p[0], p[1], p[2], p[3], n, 0.01, 0.9, 0.999, 1e-7, 0.1, 0.002, 0.01)],
  ['rmspropStep (centered)', 5, (k, p, n) => k.rmspropStep(p[0], p[1], p[2], p[3], p[4], n, 0.01, 0.9, 0.5, 1e-7, 1)],
  ['rmspropStep', 5, (k, p, n) => k.rmspropStep(p[0], p[1], p[2], p[3], 0, n, 0.01, 0.9, 0.5, 1e-7, 0)],
  ['adagradStep', 3, (k, p, n) => k.adagradStep(p[0], p[1], p[2], n, 0.1, 1e-7)],
];

/**
 * An update kernel run straight over n values (state values in [0.5, 1), the fifth array's in [0, 0.1): a centered
 * RMSprop's mean gradient, whose square stays below the mean square), the gradient NaN at `nanAt` if given.
 * Every array's bits afterwards, and what the kernel returned.
 */
function updateBits(arrays: number, call: (k: Kernels, p: Ptr[], n: number) => number | void, n: number, nanAt = -1) {
  const backend = activeBackend();
  const p = Array.from({ length: arrays }, (_, i) => put(backend, randomData(n, 40 + i, ...(i < 2 ? [-1, 1] : i === 4 ? [0, 0.1] : [0.5, 1]))));
  if (nanAt >= 0) backend.heap.f32[word(p[1]) + nanAt] = Number.NaN;
  const result = call(backend.kernels, p, n);
  const bits = p.map((ptr) => bitsOf(get(backend, ptr, n)));
  freeAll(backend, p);
  return { bits, result };
}

const LAYOUTS: Array<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
  [true, true],
];

/**
 * Runs `work` on two threads, the worker dying half-way through its share of the first split call; returns
 * the work's result and the notices printed.
 */
async function withDyingWorker<T>(work: () => T | Promise<T>): Promise<{ result: T; notices: string[] }> {
  await tf.setThreads(2);
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  try {
    pool().crashWorkerInNextKernel(0, 50);
    const result = await work();
    return { result, notices: warn.mock.calls.map((call) => String(call[0])) };
  } finally {
    warn.mockRestore();
  }
}

const NOTICE = /^neurite: worker thread 1 stopped answering in a kernel; its part was redone on the calling thread, which runs alone from now on/;

/** A seeded three-layer model trained for two epochs (of two batches of 256): its losses and final weights as raw bits. */
async function train(callbacks: tf.CustomCallbackArgs = {}, epochs = 2) {
  tf.setSeed(11);
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 96, activation: 'relu', inputShape: [300] }), tf.layers.dense({ units: 40, activation: 'tanh' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  const x = tf.tensor2d(randomData(512 * 300, 4), [512, 300]);
  const y = tf.oneHot(Array.from({ length: 512 }, (_, i) => (i * 7) % 10), 10, 1, 0, 'float32');
  const history = await model.fit(x, y, { epochs, batchSize: 256, verbose: 0, callbacks });
  const weights = model.getWeights().map((w) => Array.from(bitsOf(w.dataSync() as Float32Array)));
  tf.dispose([x, y]);
  model.dispose();
  return { loss: history.history.loss, weights };
}

/** Shapes above the threading threshold, with awkward sizes, splitting by rows and by columns. */
const SHAPES: Array<[number, number, number]> = [
  [257, 127, 65],
  [65, 257, 127],
  [127, 63, 257],
  [257, 257, 257],
  [1, 4099, 257], // one row: the row kernel, split by columns
  [2, 2049, 513],
  [63, 1025, 17],
];

describe('threads', () => {
  beforeAll(async () => {
    await tf.ready();
    await tf.setBackend('wasm');
  });

  afterAll(async () => {
    await tf.setThreads(1);
  });

  it('refuses bad thread counts with a clear Error', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, '2' as unknown as number]) {
      await expect(tf.setThreads(bad)).rejects.toThrow(/setThreads: n must be an integer in \[1, 64\]/);
    }
    expect(tf.getThreads()).toBe(1);
  });

  it('matmul on two threads equals one thread bit for bit, in every layout', async () => {
    await tf.setThreads(1);
    const single = SHAPES.flatMap(([m, n, k]) => [false, true].flatMap((ta) => [false, true].map((tb) => productBits(m, n, k, ta, tb))));
    await tf.setThreads(2);
    expect(tf.getThreads()).toBe(2);
    const threaded = SHAPES.flatMap(([m, n, k]) => [false, true].flatMap((ta) => [false, true].map((tb) => productBits(m, n, k, ta, tb))));
    threaded.forEach((bits, i) => expectSameBits(bits, single[i], `case ${i}`));
    // Every one of those products was really split across the threads.
    expect(pool().splitCalls).toBe(SHAPES.length * 4);
  });

  it('large activations on two threads equal one thread bit for bit, forward and backward', async () => {
    const n = 300_001; // above the split threshold, and odd
    const run = () => {
      const x = tf.tensor1d(randomData(n, 21, -4, 4));
      const bits = [tf.tanh(x), tf.elu(x), tf.sigmoid(x)].map(takeBits);
      x.dispose();
      return bits;
    };
    await tf.setThreads(1);
    const one = run();
    await tf.setThreads(2);
    const splitBefore = pool().splitCalls;
    const two = run();
    two.forEach((bits, i) => expectSameBits(bits, one[i], `activation ${i}`));
    expect(pool().splitCalls - splitBefore).toBe(3);
  });

  it('training on two threads gives the same losses and weights as one thread', async () => {
    await tf.setThreads(1);
    const one = await train();
    await tf.setThreads(2);
    const two = await train();
    expect(two.loss).toEqual(one.loss);
    expect(two.weights).toEqual(one.weights);
  });

  it('recurrent layers train on two threads with the bits of one, their step products split across the batch', async () => {
    const sequences = async () => {
      tf.setSeed(5);
      const model = tf.sequential({
        layers: [tf.layers.lstm({ units: 64, returnSequences: true, inputShape: [6, 16] }), tf.layers.gru({ units: 64 }), tf.layers.dense({ units: 4, activation: 'softmax' })],
      });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      const x = tf.tensor3d(randomData(128 * 6 * 16, 8), [128, 6, 16]);
      const y = tf.oneHot(Array.from({ length: 128 }, (_, i) => i % 4), 4, 1, 0, 'float32');
      const history = await model.fit(x, y, { epochs: 2, batchSize: 128, verbose: 0 });
      const weights = model.getWeights().map((w) => Array.from(bitsOf(w.dataSync() as Float32Array)));
      tf.dispose([x, y]);
      model.dispose();
      return { loss: history.history.loss, weights };
    };
    await tf.setThreads(1);
    const one = await sequences();
    await tf.setThreads(2);
    const before = pool().splitCalls;
    const two = await sequences();
    expect(pool().splitCalls - before).toBeGreaterThan(2 * 6 * 3); // at least the three products of every step, both epochs
    expect(two.loss).toEqual(one.loss);
    expect(two.weights).toEqual(one.weights);
  });

  it('a worker the OS has not scheduled yet: the calling thread runs its share, the same bits, and the pool carries on', async () => {
    await tf.setThreads(1);
    const expected = productBits(300, 200, 250, false, false);
    await tf.setThreads(2);
    const stolen = pool().stolenShares;
    pool().stallWorkerInNextKernel(0);
    expectSameBits(productBits(300, 200, 250, false, false), expected, 'with the worker stalled');
    expect(pool().stolenShares).toBe(stolen + 1);
    // The late worker finds its share taken and takes the next calls' (or they are taken from it): no notice,
    // the same bits, two threads still.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (let i = 0; i < 3; i++) expectSameBits(productBits(300, 200, 250, false, false), expected, `call ${i + 1} after`);
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(tf.getThreads()).toBe(2);
  });

  it('a worker dying half-way through its share of a matmul: the same bits, a one-line notice, one thread from then on', async () => {
    const shapes: Array<[number, number, number]> = [
      [257, 127, 65], // split by rows
      [65, 257, 127], // split by columns
    ];
    for (const [m, n, k] of shapes) {
      for (const [transA, transB] of LAYOUTS) {
        await tf.setThreads(1);
        const one = productBits(m, n, k, transA, transB);
        const { result, notices } = await withDyingWorker(() => productBits(m, n, k, transA, transB));
        const label = `[${m}, ${n}, ${k}] transA ${transA} transB ${transB}`;
        expectSameBits(result, one, label);
        expect(notices, label).toHaveLength(1);
        expect(notices[0], label).toMatch(NOTICE);
        expect(tf.getThreads(), label).toBe(1);
      }
    }
    // Later calls run on the calling thread alone.
    const splits = pool().splitCalls;
    productBits(257, 127, 65, false, false);
    expect(pool().splitCalls).toBe(splits);
  });

  describe('optimizer steps, which update arrays in place, split by ranges of the values', () => {
    // 400,003 values: the worker's share (from 200,016) ends mid-cache-line and is one to four chunks (as many
    // values as its 1 MB scratch block holds of each array the step updates: Adam's three, 87,376). A dying worker
    // stops half-way through the chunk in the middle of its share: Adam's second, SGD's first.
    const N = 400_003;

    it.each(UPDATES)('%s: every array and the result of one thread, bit for bit', async (_, arrays, call) => {
      for (const nan of [false, true]) {
        await tf.setThreads(1);
        const one = updateBits(arrays, call, N, nan ? N - 5 : -1);
        await tf.setThreads(2);
        const splits = pool().splitCalls;
        const two = updateBits(arrays, call, N, nan ? N - 5 : -1);
        expect(pool().splitCalls).toBe(splits + 1);
        two.bits.forEach((bits, i) => expectSameBits(bits, one.bits[i], `array ${i}${nan ? ' with a NaN gradient' : ''}`));
        expect(two.result).toEqual(one.result);
        if (arrays > 2) expect(Number.isNaN(two.result)).toBe(nan); // the optimizers' check sees the worker's NaN
      }
    });

    it.each(UPDATES)('%s: a worker dying half-way through a chunk; the calling thread restores the chunk and finishes its share, the same bits', async (_, arrays, call) => {
      // A NaN gradient at the start of the worker's share: for Adam and RMSprop in a chunk the worker finishes
      // before it dies, whose check must still count.
      await tf.setThreads(1);
      const one = updateBits(arrays, call, N, 200_021);
      const { result: two, notices } = await withDyingWorker(() => updateBits(arrays, call, N, 200_021));
      two.bits.forEach((bits, i) => expectSameBits(bits, one.bits[i], `array ${i}`));
      expect(two.result).toEqual(one.result);
      if (arrays > 2) expect(two.result).toBeNaN();
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(NOTICE);
    });

    it('a worker the OS has not scheduled yet: the calling thread runs its share, the same bits', async () => {
      const [, arrays, call] = UPDATES[2];
      await tf.setThreads(1);
      const one = updateBits(arrays, call, N);
      await tf.setThreads(2);
      const stolen = pool().stolenShares;
      pool().stallWorkerInNextKernel(0);
      const two = updateBits(arrays, call, N);
      two.bits.forEach((bits, i) => expectSameBits(bits, one.bits[i], `array ${i}`));
      expect(pool().stolenShares).toBe(stolen + 1);
    });

    it('small updates stay on the calling thread', async () => {
      await tf.setThreads(2);
      const splits = pool().splitCalls;
      updateBits(4, UPDATES[2][2], 32_767);
      expect(pool().splitCalls).toBe(splits);
    });
  });

  it('accumulating matmuls stay on the calling thread, out of reach of a dying worker', async () => {
    await tf.setThreads(1);
    const one = LAYOUTS.map(([transA, transB]) => accumulatedBits(257, 127, 65, transA, transB));
    const { result, notices } = await withDyingWorker(() => {
      const splits = pool().splitCalls;
      const two = LAYOUTS.map(([transA, transB]) => accumulatedBits(257, 127, 65, transA, transB));
      const unsplit = pool().splitCalls === splits;
      productBits(257, 127, 65, false, false); // the first split call meets the dying worker
      return { two, unsplit };
    });
    result.two.forEach((bits, i) => expectSameBits(bits, one[i], `layout ${i}`));
    expect(result.unsplit).toBe(true);
    expect(notices).toHaveLength(1);
  });

  it('convolutions and pooling split their images across the threads: the bits of one thread, forward and backward', async () => {
    const run = () => {
      const x = tf.tensor4d(randomData(33 * 40 * 40 * 3, 31), [33, 40, 40, 3]);
      const filter = tf.tensor4d(randomData(3 * 3 * 3 * 8, 32), [3, 3, 3, 8]);
      const depthwise = tf.tensor4d(randomData(3 * 3 * 3 * 2, 33), [3, 3, 3, 2]);
      const [wide, wideFilter] = [tf.tensor4d(randomData(9 * 12 * 12 * 40, 34), [9, 12, 12, 40]), tf.tensor4d(randomData(3 * 3 * 40, 35), [3, 3, 40, 1])];
      const outputs = [
        tf.conv2d(x, filter, 1, 'same'), // the direct kernel, by images
        tf.maxPool(x, 3, 2, 'same'),
        tf.avgPool(x, 2, 1, 'valid'),
        // patches and their sums (im2col, col2im), maxPool's and avgPool's gradients
        ...tf.grads((a: tf.Tensor, f: tf.Tensor) => tf.conv2d(a, f, 1, 'same').square().sum())([x, filter]),
        tf.grad((a: tf.Tensor) => tf.maxPool(a, 3, 2, 'same').square().sum())(x),
        tf.grad((a: tf.Tensor) => tf.avgPool(a, 2, 1, 'valid').square().sum())(x),
        // depthwise forward and input gradient by images; its filter gradient, a sum over the batch, by channels
        // when there are 32 or more (40: ranges of 32 and 8), else whole
        tf.depthwiseConv2d(x, depthwise, 1, 'same'),
        ...tf.grads((a: tf.Tensor, f: tf.Tensor) => tf.depthwiseConv2d(a, f, 2, 'valid').square().sum())([x, depthwise]),
        tf.grad((f: tf.Tensor) => tf.depthwiseConv2d(wide, f, 1, 'valid').square().sum())(wideFilter),
      ];
      const bits = outputs.map(takeBits);
      tf.dispose([x, filter, depthwise, wide, wideFilter]);
      return bits;
    };
    await tf.setThreads(1);
    const one = run();
    await tf.setThreads(2);
    const before = pool().splitCalls;
    const two = run();
    two.forEach((bits, i) => expectSameBits(bits, one[i], `output ${i}`));
    // conv2d, maxPool, avgPool, the forward passes again under grads (3), im2col, col2im, the two pools' gradients,
    // depthwise three times forward and twice backward
    expect(pool().splitCalls - before).toBeGreaterThanOrEqual(15);
    const dying = await withDyingWorker(run);
    dying.result.forEach((bits, i) => expectSameBits(bits, one[i], `output ${i} with a dying worker`));
    expect(dying.notices).toHaveLength(1);
    expect(dying.notices[0]).toMatch(NOTICE);
  });

  it('the bias and activation of a conv layer split their rows as the convolution split its images: the bits of one thread', async () => {
    const run = () => {
      tf.setSeed(5);
      const layer = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', biasInitializer: 'randomNormal' });
      const x = tf.tensor4d(randomData(33 * 40 * 40 * 3, 33), [33, 40, 40, 3]);
      const y = layer.apply(x) as tf.Tensor; // 422,400 values: above the split threshold
      const bits = takeBits(y);
      tf.dispose([x, ...layer.getWeights()]);
      return bits;
    };
    await tf.setThreads(1);
    const one = run();
    await tf.setThreads(2);
    const before = pool().splitCalls;
    expectSameBits(run(), one, 'conv2d layer');
    expect(pool().splitCalls - before).toBe(3); // the convolution, the bias, the activation
  });

  // Batch 32 splits each kernel across the threads; batch 256 is cut into shards that the threads replay side by side.
  it.each([32, 256])('a CNN trains on two threads with the losses and weights of one thread (batch %i)', async (batchSize) => {
    const rows = 2 * batchSize;
    const cnn = async () => {
      tf.setSeed(3);
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 8, kernelSize: 5, activation: 'relu', inputShape: [28, 28, 1] }),
          tf.layers.maxPooling2d({ poolSize: 2 }),
          tf.layers.conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' }),
          tf.layers.averagePooling2d({ poolSize: 2 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      const x = tf.tensor4d(randomData(rows * 28 * 28, 9, 0, 1), [rows, 28, 28, 1]);
      const y = tf.oneHot(Array.from({ length: rows }, (_, i) => (i * 3) % 10), 10, 1, 0, 'float32');
      const history = await model.fit(x, y, { epochs: 2, batchSize, verbose: 0 });
      const weights = model.getWeights().map((w) => Array.from(bitsOf(w.dataSync() as Float32Array)));
      tf.dispose([x, y]);
      model.dispose();
      return { loss: history.history.loss, weights };
    };
    await tf.setThreads(1);
    const one = await cnn();
    await tf.setThreads(2);
    const two = await cnn();
    expect(two.loss).toEqual(one.loss);
    expect(two.weights).toEqual(one.weights);
  });

  it('batch norm splits its channels across the threads: the losses, moving statistics and weights of one thread', async () => {
    const train = async () => {
      tf.setSeed(4);
      const model = tf.sequential({
        layers: [
          tf.layers.conv2d({ filters: 48, kernelSize: 5, inputShape: [28, 28, 1] }), // 48 channels: a range of 16 and one of 32
          tf.layers.batchNormalization(),
          tf.layers.activation({ activation: 'relu' }),
          tf.layers.maxPooling2d({ poolSize: 4 }),
          tf.layers.flatten(),
          tf.layers.dense({ units: 10, activation: 'softmax' }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      const x = tf.tensor4d(randomData(64 * 28 * 28, 12, 0, 1), [64, 28, 28, 1]);
      const y = tf.oneHot(Array.from({ length: 64 }, (_, i) => (i * 3) % 10), 10, 1, 0, 'float32');
      const history = await model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 });
      const weights = model.getWeights().map((w) => Array.from(bitsOf(w.dataSync() as Float32Array)));
      tf.dispose([x, y]);
      model.dispose();
      return { loss: history.history.loss, weights };
    };
    await tf.setThreads(1);
    const one = await train();
    await tf.setThreads(2);
    expect(await train()).toEqual(one);
    const { result, notices } = await withDyingWorker(train);
    expect(result).toEqual(one);
    expect(notices).toHaveLength(1);
  });

  it('a worker dying half-way through its share of an activation: the same bits, forward and backward', async () => {
    const n = 300_001;
    const forward = () => {
      const x = tf.tensor1d(randomData(n, 21, -4, 4));
      const bits = takeBits(tf.tanh(x));
      x.dispose();
      return bits;
    };
    await tf.setThreads(1);
    const one = { forward: forward(), backward: tanhBackwardBits(n, false), inPlace: tanhBackwardBits(n, true) };
    const dyingForward = await withDyingWorker(forward);
    expectSameBits(dyingForward.result, one.forward, 'forward');
    expect(dyingForward.notices).toHaveLength(1);
    expect(dyingForward.notices[0]).toMatch(NOTICE);
    // In place (as dense layers run it) the call is not split; the split one next meets the dying worker.
    const dyingBackward = await withDyingWorker(() => ({ inPlace: tanhBackwardBits(n, true), backward: tanhBackwardBits(n, false) }));
    expectSameBits(dyingBackward.result.inPlace, one.inPlace, 'backward in place');
    expectSameBits(dyingBackward.result.backward, one.backward, 'backward');
    expect(dyingBackward.notices).toHaveLength(1);
    expect(tf.getThreads()).toBe(1);
  });

  it('training goes on through a worker dying mid-kernel, with the losses and weights of one thread', async () => {
    await tf.setThreads(1);
    const one = await train();
    const { result: two, notices } = await withDyingWorker(train);
    expect(two.loss).toEqual(one.loss);
    expect(two.weights).toEqual(one.weights);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(NOTICE);
    expect(tf.getThreads()).toBe(1);
    await tf.setThreads(2);
    expect(tf.getThreads()).toBe(2);
    expect(await train()).toEqual(one);
  });

  describe('a batch of 256 rows or more, cut into shards that the threads replay side by side', () => {
    /** train() with a fault injected into the first replayed step (the second batch), once its shards are recorded. */
    async function trainWithFault(inject: () => void) {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      let first = true;
      try {
        const result = await train({ onBatchEnd: async () => void (first && inject(), (first = false)) });
        return { result, notices: warn.mock.calls.map((call) => String(call[0])) };
      } finally {
        warn.mockRestore();
      }
    }

    it('a worker dying while it replays its shard: the calling thread replays it, the bits of one thread', async () => {
      await tf.setThreads(1);
      const one = await train();
      await tf.setThreads(2);
      const { result, notices } = await trainWithFault(() => pool().crashWorkerInNextKernel(0, 50));
      expect(result).toEqual(one);
      expect(notices).toHaveLength(1);
      expect(notices[0]).toMatch(NOTICE);
      expect(tf.getThreads()).toBe(1);
    });

    it('a worker the OS has not scheduled yet: the calling thread replays its shard too, the same bits', async () => {
      await tf.setThreads(1);
      const one = await train();
      await tf.setThreads(2);
      const stolen = pool().stolenShares;
      const { result, notices } = await trainWithFault(() => pool().stallWorkerInNextKernel(0));
      expect(result).toEqual(one);
      expect(pool().stolenShares).toBeGreaterThan(stolen); // and the next steps' while the worker sleeps
      expect(notices).toEqual([]);
      expect(tf.getThreads()).toBe(2);
    });

    it('each replayed step is one call across the threads', async () => {
      await tf.setThreads(2);
      // The first step records (its kernels split one by one); each later one replays its two shards side by
      // side, in one call: two epochs of two batches make two calls more than one epoch.
      const calls = async (epochs: number) => {
        const before = pool().splitCalls;
        await train({}, epochs);
        return pool().splitCalls - before;
      };
      expect((await calls(2)) - (await calls(1))).toBe(2);
    });
  });

  it('a clock jump while the calling thread waits (the process suspended) is not counted as the worker\'s silence', async () => {
    await tf.setThreads(1);
    const one = productBits(257, 127, 65, false, false);
    await tf.setThreads(2);
    const silence = 300;
    pool().crashWorkerInNextKernel(0, silence); // the worker stops answering half-way through its share
    const real = performance.now.bind(performance);
    let readings = 0;
    // From the second reading of the clock on, it reads a minute later: the process slept while waiting.
    const clock = vi.spyOn(performance, 'now').mockImplementation(() => real() + (readings++ > 0 ? 60_000 : 0));
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const started = real();
    let notices = 0;
    try {
      expectSameBits(productBits(257, 127, 65, false, false), one);
      notices = warn.mock.calls.length;
    } finally {
      clock.mockRestore();
      warn.mockRestore();
    }
    // Given up only after `silence` ms of waiting while awake; counting the minute, it gave up at once.
    expect(real() - started).toBeGreaterThanOrEqual(silence);
    expect(readings).toBeGreaterThan(2);
    expect(notices).toBe(1);
  });

  it('a worker that exited between calls: its share runs on the calling thread, bit for bit, with a notice', async () => {
    await tf.setThreads(1);
    const one = productBits(257, 257, 257, false, false);
    await tf.setThreads(2);
    await pool().killWorker(0);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expectSameBits(productBits(257, 257, 257, false, false), one);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0][0])).toMatch(/^neurite: worker thread 1 has exited; its part was redone on the calling thread/);
    } finally {
      warn.mockRestore();
    }
    expect(tf.getThreads()).toBe(1);
    await tf.setThreads(2);
    expect(tf.getThreads()).toBe(2);
  });

  it('stays on one thread with a one-line notice where SharedArrayBuffer cannot be used', async () => {
    await tf.setThreads(1);
    const g = globalThis as { crossOriginIsolated?: boolean };
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    g.crossOriginIsolated = false; // as in a page without COOP/COEP headers
    try {
      await tf.setThreads(2);
      expect(tf.getThreads()).toBe(1);
      expect(info).toHaveBeenCalledTimes(1);
      expect(String(info.mock.calls[0][0])).toMatch(/SharedArrayBuffer is unavailable.*running on one thread/);
    } finally {
      delete g.crossOriginIsolated;
      info.mockRestore();
    }
  });

  it('a Node process with threads on exits by itself when its work is done', async () => {
    const script = `
      import * as tf from ${JSON.stringify(new URL('../src/index.ts', import.meta.url).href)};
      await tf.setThreads(2);
      const a = tf.ones([512, 512]);
      const c = tf.matMul(a, a);
      console.log(tf.getThreads(), c.dataSync()[0]);
    `;
    const started = Date.now();
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: fileURLToPath(new URL('..', import.meta.url)), timeout: 30_000 }, (error, stdout) =>
        error ? reject(error) : resolve(stdout),
      );
    });
    expect(output.trim()).toBe('2 512');
    expect(Date.now() - started).toBeLessThan(30_000);
  });
});
