// The classic TF.js MNIST CNN (conv 8@5x5 relu, max pool 2, conv 16@5x5 relu, max pool 2, flatten, dense 10
// softmax; Adam, batch 32), side by side in one run: training in samples/s on neurite's wasm build, its js twin
// and TF.js's cpu backend (the only TF.js backend in Node that trains it without native add-ons: its wasm
// backend has no Conv2DBackpropFilter), predict on neurite and TF.js's wasm and cpu backends, two threads
// against one (at batch 32 and 256); and each product of the training step (per conv layer: forward, filter gradient, input
// gradient: its patches and matmul, or the direct kernel) as a fraction of the FMA ceiling measured in the run.
// About 1.7 MFLOP per training sample: the ceiling is about 32,000 samples/s per core.
// Run: node --import tsx bench/cnn.ts

import { pathToFileURL } from 'node:url';
import * as tfjs from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { loadMnist } from '../examples/data.js';
import { activeBackend } from '../src/engine.js';
import * as tf from '../src/index.js';
import { mnistCnn } from '../test/mnist-cnn.js';
import { median, oneAndTwoThreads, type Row, withTimedKernels } from './harness.js';
import { ceilingRows, peakGflops } from './peak.js';
import { type Impl, measure, onNeurite, onTfjs } from './training.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const BATCH = 32;

type Lib = typeof tf | typeof tfjs;


interface Digits {
  x: Float32Array;
  y: Float32Array;
  rows: number;
}

/** Training (fit, shuffled) or inference (predict) of the CNN on `rows` digits with a library as it is now set up. */
function cnnImpl(lib: Lib, name: string, data: Digits, rows: number, training: boolean, batchSize = BATCH): Impl {
  const model = mnistCnn(lib);
  const xs = lib.tensor4d(data.x.subarray(0, rows * 784), [rows, 28, 28, 1]);
  const ys = lib.tensor2d(data.y.subarray(0, rows * 10), [rows, 10]);
  const impl: Impl = {
    impl: name,
    samples: rows,
    run: async (reps) => {
      for (let r = 0; r < reps; r++) {
        if (training) {
          const h = await model.fit(xs as tf.Tensor, ys as tf.Tensor, { epochs: 1, batchSize, shuffle: true, verbose: 0 });
          impl.lastLoss = h.history.loss.at(-1) as number;
        } else {
          const out = model.predict(xs as tf.Tensor, { batchSize: 256 }) as tf.Tensor;
          await out.data();
          out.dispose();
        }
      }
    },
    dispose: () => {
      (lib as typeof tf).dispose([xs, ys] as tf.Tensor[]);
      model.dispose();
    },
  };
  return impl;
}

/** Samples/s of neurite's training on the threads set: one timed epoch after a warm-up. */
async function threadedRate(data: Digits, batchSize: number): Promise<number> {
  const impl = cnnImpl(tf, '', data, data.rows, true, batchSize);
  await impl.run(1);
  const t0 = performance.now();
  await impl.run(1);
  const rate = data.rows / ((performance.now() - t0) / 1000);
  await impl.dispose?.();
  return rate;
}

/** The FLOPs of each conv product in one training step of batch B, by the kernels' shapes. */
interface Product {
  label: string;
  flop: number;
  seconds: number;
}

/**
 * One training epoch with every kernel call timed, attributed to the conv layer (by its input channels) and the
 * product (by the matmul's shape and layout, or the direct kernel's forward) it serves; each product's GFLOPS
 * counts its FLOPs over the time of the matmul and the patches it needed, or of the direct kernel.
 */
async function profileStep(data: Digits): Promise<Product[]> {
  const model = mnistCnn(tf);
  const xs = tf.tensor4d(data.x, [data.rows, 28, 28, 1]);
  const ys = tf.tensor2d(data.y, [data.rows, 10]);
  await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 });
  const backend = activeBackend();
  const products = new Map<string, Product>();
  const charge = (label: string, flop: number, seconds: number) => {
    const p = products.get(label) ?? { label, flop: 0, seconds: 0 };
    p.flop += flop;
    p.seconds += seconds;
    products.set(label, p);
  };
  const word = (desc: number, i: number) => backend.heap.i32[(desc >> 2) + i];
  const layerOf = (desc: number) => `conv${word(desc, 3) === 1 ? 1 : 2}`;
  let patches = 0; // seconds of im2col since the last matmul
  const onCall = (name: string, args: number[], seconds: number) => {
    if (name === 'im2col') patches += seconds;
    else if (name === 'col2im') charge(`${layerOf(args[2])} input gradient`, 0, seconds);
    else if (name === 'convDirect') {
      const [batch, inC, outH, outW, outC, fH, fW] = [0, 3, 4, 5, 6, 7, 8].map((i) => word(args[3], i));
      charge(`${layerOf(args[3])} forward`, 2 * batch * outH * outW * outC * fH * fW * inC, seconds);
    } else if (name === 'matmul') {
      const [m, n, k] = args.slice(3, 6);
      // The gradients' products (the forward passes run the direct kernel): conv1 has 576 positions x 25 taps
      // x 8 filters, conv2 64 positions x 200 taps x 16 filters, per image.
      const conv = [[576 * BATCH, 8, 25], [64 * BATCH, 16, 200]].findIndex((s) => s.sort().join() === [m, n, k].sort().join());
      if (conv < 0) charge('dense and the rest', 0, seconds);
      else charge(`conv${conv + 1} ${k === (conv === 0 ? 576 : 64) * BATCH ? 'filter gradient' : 'input gradient'}`, 2 * m * n * k, seconds + patches);
      patches = 0;
    }
  };
  await withTimedKernels(onCall, () => model.fit(xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 }));
  tf.dispose([xs, ys]);
  model.dispose();
  return [...products.values()].filter((p) => p.flop > 0);
}

export async function benchCnn(): Promise<Row[]> {
  await tf.ready();
  tf.setSeed(7);
  const wasmName = `wasm-${activeBackend().build}`;
  setThreadsCount(1);
  const { train } = loadMnist();
  const y = new Float32Array(train.rows * 10);
  train.labels.forEach((c, i) => (y[i * 10 + c] = 1));
  const data: Digits = { x: train.x, y, rows: train.rows };
  const rows: Row[] = [];

  const training = 'MNIST CNN training, adam, batch 32 (TF.js cpu on 32 digits)';
  const trainers = [
    await onNeurite('wasm', () => cnnImpl(tf, wasmName, data, data.rows, true)),
    await onNeurite('js', () => cnnImpl(tf, 'js', data, 256, true)),
    await onTfjs('cpu', () => cnnImpl(tfjs, 'tfjs-cpu', data, BATCH, true)),
  ];
  const inference = 'MNIST CNN predict, batch 256';
  const predictors = [
    await onNeurite('wasm', () => cnnImpl(tf, wasmName, data, 2048, false)),
    await onTfjs('wasm', () => cnnImpl(tfjs, 'tfjs-wasm', data, 2048, false)),
    await onTfjs('cpu', () => cnnImpl(tfjs, 'tfjs-cpu', data, 256, false)),
  ];
  for (const [label, impls] of [[training, trainers], [inference, predictors]] as const) {
    const rates = await measure(impls, ROUNDS);
    for (const impl of impls) {
      rows.push({ case: label, impl: impl.impl, value: median(rates.get(impl.impl)!), unit: 'samples/s' });
      await impl.dispose?.();
    }
  }
  await tfjs.setBackend('wasm');
  await tf.setBackend('wasm');

  // Batch 32 splits each kernel across the threads; from 256 rows on, fit cuts the batch into shards that the
  // threads train side by side.
  for (const batchSize of [BATCH, 256]) {
    const threads = `MNIST CNN training (threads), batch ${batchSize}`;
    const [one, two] = await oneAndTwoThreads(3, () => threadedRate(data, batchSize));
    rows.push({ case: threads, impl: wasmName, value: one, unit: 'samples/s' }, { case: threads, impl: `${wasmName} 2 threads`, value: two, unit: 'samples/s' });
  }

  const peak = await peakGflops();
  const fullRate = rows.find((r) => r.case === training && r.impl === wasmName)!.value;
  rows.push({ case: 'MNIST CNN training / FMA ceiling (1.7 MFLOP per sample)', impl: wasmName, value: (100 * fullRate * 1.7e6) / (peak * 1e9), unit: '%' });
  for (const p of await profileStep(data)) {
    rows.push({ case: `MNIST CNN ${p.label} (% of ceiling)`, impl: wasmName, value: (100 * p.flop) / p.seconds / 1e9 / peak, unit: '%' });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = [...(await benchCnn()), ...ceilingRows()];
  for (const r of rows) console.log(`${r.case.padEnd(70)} ${r.impl.padEnd(22)} ${r.value.toFixed(1)} ${r.unit}`);
}
