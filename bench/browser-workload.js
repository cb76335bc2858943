// The browser suite's workloads (bench/browser.ts): one plain ES module that Node imports and Chromium loads
// as it is, so both run the very same code on the `tf` they are handed. Every figure is the median of
// BATCHES timed batches after a warm-up of at least WARMUP_SECONDS, in which both engines tier the hot wasm
// functions up from their baseline compiler and the heaps grow to size.

import { compiled, MLP, SMALL } from './nets.js';

const WARMUP_SECONDS = 1;
/** Seconds one timed batch should last, as estimated from the warm-up's pace. */
const BATCH_SECONDS = 0.3;
const BATCHES = 5;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * Work per second of `run(k)`, which does k units of `workPerUnit` each (k matmuls, or a fit of k epochs):
 * warm-up, then BATCHES timed calls of as many units as fill about BATCH_SECONDS.
 */
async function throughput(run, workPerUnit) {
  const start = performance.now();
  let units = 0;
  do {
    await run(1);
    units++;
  } while (performance.now() - start < WARMUP_SECONDS * 1000);
  const unitsPerSecond = units / ((performance.now() - start) / 1000);
  const k = Math.max(1, Math.round(unitsPerSecond * BATCH_SECONDS));
  const rates = [];
  for (let b = 0; b < BATCHES; b++) {
    const t0 = performance.now();
    await run(k);
    rates.push((k * workPerUnit) / ((performance.now() - t0) / 1000));
  }
  return median(rates);
}

async function matmulGflops(tf, n) {
  const a = tf.randomUniform([n, n], -1, 1, 'float32', 1);
  const b = tf.randomUniform([n, n], -1, 1, 'float32', 2);
  const gflops = await throughput((k) => {
    for (let i = 0; i < k; i++) tf.matMul(a, b).dispose();
  }, (2 * n ** 3) / 1e9);
  tf.dispose([a, b]);
  return gflops;
}

/** Samples/s of model.fit on x and y for one of the nets of nets.js, at the batch size given. */
async function fitRate(tf, spec, x, y, batchSize) {
  tf.setSeed(1);
  const model = compiled(tf, spec);
  const rate = await throughput((epochs) => model.fit(x, y, { epochs, batchSize, shuffle: true, verbose: 0 }), x.shape[0]);
  model.dispose();
  return rate;
}

/**
 * Runs every workload on `tf` (after `await tf.ready()`, on one thread) and returns one result per case and
 * thread count. `data` holds the MNIST training rows (pixels row-major, [rows, 784], and class labels) and
 * the XOR points ([rows, 2] and [rows]).
 */
export async function runWorkloads(tf, { mnistX, mnistLabels, xorX, xorY }) {
  const results = [];
  results.push({ case: 'matmul 512x512x512', threads: 1, value: await matmulGflops(tf, 512), unit: 'GFLOPS' });

  const mnistCase = (batch) => `MLP 784-128-64-10 relu/relu/softmax, adam, batch ${batch}, MNIST`;
  const mnistRate = async (batch) => {
    // Made after each setThreads: the first setThreads(2) moves the heap to shared memory.
    const x = tf.tensor2d(mnistX, [mnistLabels.length, 784]);
    const y = tf.oneHot(tf.tensor1d(mnistLabels, 'int32'), 10, 1, 0, 'float32');
    const rate = await fitRate(tf, MLP, x, y, batch);
    tf.dispose([x, y]);
    return rate;
  };
  results.push({ case: mnistCase(64), threads: 1, value: await mnistRate(64), unit: 'samples/s' });
  results.push({ case: mnistCase(256), threads: 1, value: await mnistRate(256), unit: 'samples/s' });
  await tf.setThreads(2);
  try {
    // A page that is not cross-origin isolated stays on one thread: a row labelled 2 threads would lie.
    if (tf.getThreads() !== 2) throw new Error(`bench: setThreads(2) left ${tf.getThreads()} thread(s)`);
    results.push({ case: mnistCase(256), threads: 2, value: await mnistRate(256), unit: 'samples/s' });
  } finally {
    await tf.setThreads(1);
  }

  const x = tf.tensor2d(xorX, [xorY.length, 2]);
  const y = tf.tensor2d(xorY, [xorY.length, 1]);
  results.push({ case: 'XOR-like 2-8-8-1 tanh/tanh/sigmoid, sgd, mse, batch 10', threads: 1, value: await fitRate(tf, SMALL, x, y, SMALL.batchSize), unit: 'samples/s' });
  tf.dispose([x, y]);
  return results;
}
