// Two threads against one, in one run: matMul 1024² in GFLOPS and the 784-128-64-10 MNIST MLP (Adam,
// batch 256) in samples/s, on the wasm build ready() picks. Results are bit-identical either way (tested
// in test/threads.test.ts); this measures only speed. TF.js's single-thread figure is in the matmul suite.
// Run: node --import tsx bench/threads.ts

import { pathToFileURL } from 'node:url';
import { loadMnist } from '../examples/data.js';
import { activeBackend } from '../src/engine.js';
import * as tf from '../src/index.js';
import { type Row, secondsPerCall } from './harness.js';

async function matmulGflops(threads: number, n: number): Promise<number> {
  await tf.setThreads(threads);
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const seconds = secondsPerCall(() => tf.matMul(a, b).dispose(), 0.3);
  tf.dispose([a, b]);
  return (2 * n ** 3) / seconds / 1e9;
}

/** Samples/s of fit over the MNIST training digits, median of three timed fits after a warm-up. */
async function mlpRate(threads: number, x: tf.Tensor, y: tf.Tensor, batchSize: number): Promise<number> {
  await tf.setThreads(threads);
  tf.setSeed(1);
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy' });
  await model.fit(x, y, { epochs: 1, batchSize, verbose: 0 });
  const rates: number[] = [];
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    await model.fit(x, y, { epochs: 2, batchSize, verbose: 0 });
    rates.push((2 * x.shape[0]) / ((performance.now() - t0) / 1000));
  }
  model.dispose();
  return rates.sort((p, q) => p - q)[1];
}

export async function benchThreads(): Promise<Row[]> {
  await tf.ready();
  const build = activeBackend().build;
  const impl = (threads: number) => (threads === 1 ? `wasm-${build}` : `wasm-${build} ${threads} threads`);
  const rows: Row[] = [];
  for (const threads of [1, 2]) rows.push({ case: 'matmul 1024 (threads)', impl: impl(threads), value: await matmulGflops(threads, 1024), unit: 'GFLOPS' });
  const { train } = loadMnist();
  const x = tf.tensor2d(train.x, [train.rows, 784]);
  const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10, 1, 0, 'float32');
  for (const threads of [1, 2]) rows.push({ case: 'MLP 784-128-64-10 batch 256 (threads)', impl: impl(threads), value: await mlpRate(threads, x, y, 256), unit: 'samples/s' });
  tf.dispose([x, y]);
  await tf.setThreads(1);
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchThreads();
  for (const r of rows) console.log(`${r.case.padEnd(40)} ${r.impl.padEnd(16)} ${r.value.toFixed(1)} ${r.unit}`);
  for (const c of new Set(rows.map((r) => r.case))) {
    const [one, two] = rows.filter((r) => r.case === c);
    console.log(`${c}: 2 threads / 1 thread = ${(two.value / one.value).toFixed(2)}x`);
  }
}
