// Sequence models side by side in one run: an LSTM (128 units over 32 steps of 64 features, then dense 10
// softmax; Adam, batch 64) trained by neurite's wasm build, its js twin and TF.js's cpu and wasm backends, in
// samples/s and as a fraction of the FMA ceiling measured in the run (the LSTM's three products: forward,
// input gradient, weight gradient, each 2·(64 + 128)·512 FLOP per step, make about 18.9 MFLOP per sample);
// and an embedding (1,000 words of 64) averaged into a sigmoid, which TF.js's wasm backend cannot train (it
// has no kernel for the gradient of gather): neurite against TF.js's cpu backend (whose gather gradient takes
// about half a second a sample here, so it is timed on 16 samples, one round), TF.js wasm's error printed.
// Run: node --import tsx bench/recurrent.ts

import { pathToFileURL } from 'node:url';
import * as tfjs from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { activeBackend } from '../src/engine.js';
import * as tf from '../src/index.js';
import { median, type Row, printRows } from './harness.js';
import { ceilingRows, peakGflops } from './peak.js';
import { type Impl, measure, onNeurite, onTfjs } from './training.js';

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const [BATCH, STEPS, FEATURES, UNITS, CLASSES] = [64, 32, 64, 128, 10];
const FLOP_PER_SAMPLE = 3 * STEPS * 2 * (FEATURES + UNITS) * 4 * UNITS;

type Lib = typeof tf | typeof tfjs;

/** Random sequences and labels, the same for every library. */
function data(rows: number): { x: Float32Array; y: Float32Array } {
  let seed = 1;
  const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const x = Float32Array.from({ length: rows * STEPS * FEATURES }, next);
  const y = new Float32Array(rows * CLASSES);
  for (let i = 0; i < rows; i++) y[i * CLASSES + (i % CLASSES)] = 1;
  return { x, y };
}

/** One epoch of fit a repetition, over the whole of xs in batches of BATCH; disposing frees the model and the data. */
function fitting(lib: Lib, name: string, model: tf.Sequential, xs: tf.Tensor, ys: tf.Tensor): Impl {
  const impl: Impl = {
    impl: name,
    samples: xs.shape[0],
    run: async (reps) => {
      for (let r = 0; r < reps; r++) {
        const h = await model.fit(xs, ys, { epochs: 1, batchSize: BATCH, verbose: 0 });
        impl.lastLoss = h.history.loss.at(-1) as number;
      }
    },
    dispose: () => {
      (lib as typeof tf).dispose([xs, ys]);
      model.dispose();
    },
  };
  return impl;
}

/** fit of the LSTM classifier over `rows` sequences, one epoch a repetition, with a library as it is now set up. */
function lstmImpl(lib: Lib, name: string, rows: number): Impl {
  const L = lib.layers as unknown as Record<string, (args: object) => unknown>;
  const model = (lib as typeof tf).sequential();
  model.add(L.lstm({ units: UNITS, inputShape: [STEPS, FEATURES] }) as tf.Layer);
  model.add(L.dense({ units: CLASSES, activation: 'softmax' }) as tf.Layer);
  model.compile({ optimizer: (lib as typeof tf).train.adam(1e-3), loss: 'categoricalCrossentropy' });
  const { x, y } = data(rows);
  const xs = lib.tensor3d(x, [rows, STEPS, FEATURES]);
  const ys = lib.tensor2d(y, [rows, CLASSES]);
  return fitting(lib, name, model, xs as tf.Tensor, ys as tf.Tensor);
}

const [WORDS, DIMS, LENGTH] = [1_000, 64, 64];

/** fit of an embedding averaged into a sigmoid over `rows` sequences of word ids. */
function embeddingImpl(lib: Lib, name: string, rows: number): Impl {
  const L = lib.layers as unknown as Record<string, (args: object) => unknown>;
  const model = (lib as typeof tf).sequential();
  model.add(L.embedding({ inputDim: WORDS, outputDim: DIMS, inputLength: LENGTH }) as tf.Layer);
  model.add(L.globalAveragePooling1d({}) as tf.Layer);
  model.add(L.dense({ units: 1, activation: 'sigmoid' }) as tf.Layer);
  model.compile({ optimizer: (lib as typeof tf).train.adam(1e-3), loss: 'binaryCrossentropy' });
  const ids = Float32Array.from({ length: rows * LENGTH }, (_, i) => (i * 7919) % WORDS);
  const xs = lib.tensor2d(ids, [rows, LENGTH]);
  const ys = lib.tensor2d(Float32Array.from({ length: rows }, (_, i) => i % 2), [rows, 1]);
  return fitting(lib, name, model, xs as tf.Tensor, ys as tf.Tensor);
}

/** Why TF.js's wasm backend cannot train the embedding model: the error of one fit, or null if it trains. */
async function tfjsWasmEmbeddingError(): Promise<string | null> {
  await tfjs.setBackend('wasm');
  const impl = embeddingImpl(tfjs, 'tfjs-wasm', BATCH);
  try {
    await impl.run(1);
    return null;
  } catch (error) {
    return (error as Error).message.split('\n')[0];
  } finally {
    await impl.dispose?.();
  }
}

export async function benchRecurrent(): Promise<Row[]> {
  await tf.ready();
  tf.setSeed(7);
  const wasmName = `wasm-${activeBackend().build}`;
  setThreadsCount(1);
  const label = `LSTM ${UNITS} units, ${STEPS} steps of ${FEATURES}, adam, batch ${BATCH}`;
  const impls = [
    await onNeurite('wasm', () => lstmImpl(tf, wasmName, 8 * BATCH)),
    await onNeurite('js', () => lstmImpl(tf, 'js', BATCH)),
    await onTfjs('wasm', () => lstmImpl(tfjs, 'tfjs-wasm', BATCH)),
    await onTfjs('cpu', () => lstmImpl(tfjs, 'tfjs-cpu', BATCH)),
  ];
  const rates = await measure(impls, ROUNDS);
  const rows: Row[] = [];
  for (const impl of impls) {
    rows.push({ case: label, impl: impl.impl, value: median(rates.get(impl.impl)!), unit: 'samples/s' });
    await impl.dispose?.();
  }
  const embedding = `embedding ${WORDS} x ${DIMS}, ${LENGTH} words, average, sigmoid; adam, batch ${BATCH}`;
  for (const [impl, rounds] of [[await onNeurite('wasm', () => embeddingImpl(tf, wasmName, 16 * BATCH)), ROUNDS], [await onTfjs('cpu', () => embeddingImpl(tfjs, 'tfjs-cpu', 16)), 1]] as const) {
    rows.push({ case: embedding, impl: impl.impl, value: median((await measure([impl], rounds)).get(impl.impl)!), unit: 'samples/s' });
    await impl.dispose?.();
  }
  // The same LSTM on two threads against one, measured apart (a pool's workers would slow the others' runs).
  const threaded = `LSTM training (threads), batch ${BATCH}`;
  for (const n of [1, 2]) {
    await tf.setThreads(n);
    const impl = lstmImpl(tf, n === 1 ? wasmName : `${wasmName} 2 threads`, 8 * BATCH);
    const rate = median((await measure([impl], ROUNDS)).get(impl.impl)!);
    rows.push({ case: threaded, impl: impl.impl, value: rate, unit: 'samples/s' });
    await impl.dispose?.();
  }
  await tf.setThreads(1);
  const refused = await tfjsWasmEmbeddingError();
  console.log(`TF.js wasm training the embedding: ${refused === null ? 'it trains' : `fails: ${refused}`}`);
  await tfjs.setBackend('wasm');
  await tf.setBackend('wasm');
  const peak = await peakGflops();
  const rate = rows.find((r) => r.impl === wasmName)!.value;
  rows.push({ case: `LSTM training / FMA ceiling (${(FLOP_PER_SAMPLE / 1e6).toFixed(1)} MFLOP per sample)`, impl: wasmName, value: (100 * rate * FLOP_PER_SAMPLE) / (peak * 1e9), unit: '%' });
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printRows([...(await benchRecurrent()), ...ceilingRows()]);
