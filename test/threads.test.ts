// Worker threads over shared wasm memory: results bit-identical to one thread, training included; a
// killed worker gives a clear Error and one thread; bad counts are refused; no hanging process.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { activeBackend } from '../src/engine.js';
import * as tf from '../src/index.js';
import { randomData } from './support.js';

/** The product as raw bits, on the current thread count. */
function productBits(m: number, n: number, k: number, transA: boolean, transB: boolean): Uint32Array {
  const a = tf.tensor2d(randomData(m * k, m + 3 * k), transA ? [k, m] : [m, k]);
  const b = tf.tensor2d(randomData(k * n, n + 5 * k), transB ? [n, k] : [k, n]);
  const c = tf.matMul(a, b, transA, transB);
  const bits = new Uint32Array((c.dataSync() as Float32Array).buffer);
  tf.dispose([a, b, c]);
  return bits;
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
    threaded.forEach((bits, i) => expect(bits, `case ${i}`).toEqual(single[i]));
    // Every one of those products was really split across the threads.
    expect((activeBackend() as unknown as { splitCalls: number }).splitCalls).toBe(SHAPES.length * 4);
  });

  it('large activations on two threads equal one thread bit for bit, forward and backward', async () => {
    const n = 300_001; // above the split threshold, and odd
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor1d(randomData(n, 21, -4, 4));
        return [tf.tanh(x), tf.elu(x), tf.sigmoid(x)].map((t) => Array.from(new Uint32Array((t.dataSync() as Float32Array).buffer)));
      });
    await tf.setThreads(1);
    const one = run();
    await tf.setThreads(2);
    const splitBefore = (activeBackend() as unknown as { splitCalls: number }).splitCalls;
    const two = run();
    expect(two).toEqual(one);
    expect((activeBackend() as unknown as { splitCalls: number }).splitCalls - splitBefore).toBe(3);
  });

  it('training on two threads gives the same losses and weights as one thread', async () => {
    const train = async () => {
      tf.setSeed(11);
      const model = tf.sequential({
        layers: [tf.layers.dense({ units: 96, activation: 'relu', inputShape: [300] }), tf.layers.dense({ units: 40, activation: 'tanh' }), tf.layers.dense({ units: 10, activation: 'softmax' })],
      });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      const x = tf.tensor2d(randomData(512 * 300, 4), [512, 300]);
      const y = tf.oneHot(Array.from({ length: 512 }, (_, i) => (i * 7) % 10), 10, 1, 0, 'float32');
      const history = await model.fit(x, y, { epochs: 2, batchSize: 256, verbose: 0 });
      const weights = model.getWeights().map((w) => Array.from(new Uint32Array((w.dataSync() as Float32Array).buffer)));
      tf.dispose([x, y]);
      model.dispose();
      return { loss: history.history.loss, weights };
    };
    await tf.setThreads(1);
    const one = await train();
    await tf.setThreads(2);
    const two = await train();
    expect(two.loss).toEqual(one.loss);
    expect(two.weights).toEqual(one.weights);
  });

  it('a killed worker fails the call with a clear Error; the model keeps its state and trains on one thread', async () => {
    await tf.setThreads(2);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 64, inputShape: [512] }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const x = tf.tensor2d(randomData(256 * 512, 9), [256, 512]);
    const y = tf.tensor2d(randomData(256, 10), [256, 1]);
    await model.fit(x, y, { epochs: 1, batchSize: 256, verbose: 0 });
    const before = model.getWeights().map((w) => Array.from(w.dataSync()));
    await (activeBackend() as unknown as { killWorker(i: number): Promise<void> }).killWorker(0);
    await new Promise((resolve) => setTimeout(resolve, 10));
    await expect(model.fit(x, y, { epochs: 1, batchSize: 256, verbose: 0 })).rejects.toThrow(/worker thread 1 has exited; falling back to one thread/);
    expect(tf.getThreads()).toBe(1);
    expect(model.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(before);
    const history = await model.fit(x, y, { epochs: 1, batchSize: 256, verbose: 0 });
    expect(Number.isFinite(history.history.loss[0])).toBe(true);
    tf.dispose([x, y]);
    model.dispose();
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
