// Two threads against one, in one run, measured in turns: matMul 1024² in GFLOPS and the 784-128-64-10 MNIST
// MLP (Adam, batch 256) in samples/s, on the wasm build ready() picks. Results are bit-identical either way (tested
// in test/threads.test.ts); this measures only speed. TF.js's single-thread figure is in the matmul suite.
// Run: node --import tsx bench/threads.ts

import { pathToFileURL } from 'node:url';
import { loadMnist } from '../examples/data.js';
import { activeBackend } from '../src/engine.js';
import * as tf from '../src/index.js';
import { oneAndTwoThreads, type Row, secondsPerCall } from './harness.js';

async function matmulGflops(n: number): Promise<number> {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const seconds = secondsPerCall(() => tf.matMul(a, b).dispose(), 0.3);
  tf.dispose([a, b]);
  return (2 * n ** 3) / seconds / 1e9;
}

/** Samples/s of fit over the MNIST training digits: one timed fit of two epochs after a warm-up. */
async function mlpRate(x: tf.Tensor, y: tf.Tensor, batchSize: number): Promise<number> {
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
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 2, batchSize, verbose: 0 });
  const rate = (2 * x.shape[0]) / ((performance.now() - t0) / 1000);
  model.dispose();
  return rate;
}

export async function benchThreads(): Promise<Row[]> {
  await tf.ready();
  const build = activeBackend().build;
  const rows: Row[] = [];
  const push = (label: string, unit: string, [one, two]: [number, number]) =>
    rows.push({ case: label, impl: `wasm-${build}`, value: one, unit }, { case: label, impl: `wasm-${build} 2 threads`, value: two, unit });
  push('matmul 1024 (threads)', 'GFLOPS', await oneAndTwoThreads(3, () => matmulGflops(1024)));
  const { train } = loadMnist();
  const x = tf.tensor2d(train.x, [train.rows, 784]);
  const y = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10, 1, 0, 'float32');
  // From 256 rows on, fit cuts each batch into shards that the threads train side by side.
  push('MLP 784-128-64-10 batch 256 (threads)', 'samples/s', await oneAndTwoThreads(5, () => mlpRate(x, y, 256)));
  tf.dispose([x, y]);
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
