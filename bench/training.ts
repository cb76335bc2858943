// Training throughput (samples/s), single thread, side by side in one run: neurite (wasm build and js twin),
// TF.js 4.22 on its wasm backend (one thread) and brain.js 1.6, on an MNIST MLP and a tiny XOR-like net.
// Run: node --import tsx bench/training.ts   (prints a table and the ratios)
//
// What is timed:
// - neurite and TF.js: one `await model.fit(x, y, { epochs: k, batchSize, shuffle: true, verbose: 0 })` on tensors
//   made beforehand, after a warm-up fit; k is picked from the warm-up so one timed fit lasts about TARGET_SECONDS.
// - brain.js: `net.trainPatterns(data)`, its own per-sample loop (forward, deltas, weight update with momentum for
//   every sample; brain.js has no mini-batches), over data already formatted as Float32Arrays. net.train() does the
//   same work plus converting every sample to a Float32Array and summing the error each pass; a second row times
//   `net.train(data, { iterations: k })` on plain arrays to show that cost.
// - The slow implementations train on a subset (neurite-js and TF.js: 2048 MNIST rows; brain.js: 512 and 256) so a
//   pass stays short; every figure is per sample. brain.js learns per sample (SGD with momentum, no mini-batches).
// Implementations take turns in ROUNDS rounds; a figure is the median over rounds, and a ratio the median of the
// per-round ratios (neighbours in time share the machine's load). Leaves out multi-threading.
// Beside the rates: the fraction of the FMA ceiling (bench/peak.ts, measured in the run) each neurite figure
// uses, the first epoch of a new 2-8-8-1 model (its cold start, in ms), and the MLP step's time by kernel.

import { pathToFileURL } from 'node:url';
import * as tfjs from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import brain from 'brain.js';
import { loadMnist } from '../examples/data.js';
import { activeBackend } from '../src/engine.js';
import * as tf from '../src/index.js';
import { median, type Row, withTimedKernels } from './harness.js';
import { compiled, MLP, type NetSpec, SMALL } from './nets.js';
import { peakGflops } from './peak.js';

/** Seconds one timed call should last: long enough to amortise per-call overhead and timer noise. */
const TARGET_SECONDS = Number(process.env.TARGET_SECONDS ?? 0.4);
// 9 rounds: with 5, the fit / fitDataset ratio moved between 1.03x and 1.13x from run to run on an idle machine.
const ROUNDS = Number(process.env.ROUNDS ?? 9);

/** One implementation of one case: `run(reps)` trains `reps` passes and resolves when done. */
export interface Impl {
  impl: string;
  /** Samples one pass trains on. */
  samples: number;
  run(reps: number): Promise<void> | void;
  dispose?(): Promise<void> | void;
  /** The training loss at the end of the last run: evidence that the timed work is real training. */
  lastLoss?: number;
  /** Seconds of the first run(1) of the model just built (set by measure): its cold start. */
  firstSeconds?: number;
}

/** Seconds for one call of run(reps). */
async function timeOnce(impl: Impl, reps: number): Promise<number> {
  const t0 = performance.now();
  await impl.run(reps);
  return (performance.now() - t0) / 1000;
}


/**
 * Warms each implementation up, picks its repetitions, then times them in interleaved rounds.
 * Returns samples/s per round, by implementation name.
 */
export async function measure(impls: Impl[], rounds: number): Promise<Map<string, number[]>> {
  const reps = new Map<string, number>();
  for (const impl of impls) {
    impl.firstSeconds = await timeOnce(impl, 1); // warm-up: compiles, allocates workspaces and optimizer state
    const once = await timeOnce(impl, 1);
    reps.set(impl.impl, Math.max(1, Math.round(TARGET_SECONDS / once)));
  }
  const rates = new Map<string, number[]>(impls.map((i) => [i.impl, []]));
  for (let r = 0; r < rounds; r++) {
    for (const impl of impls) {
      const k = reps.get(impl.impl)!;
      rates.get(impl.impl)!.push((k * impl.samples) / (await timeOnce(impl, k)));
    }
  }
  return rates;
}

// ---- models, built the same way in neurite and TF.js ----

/**
 * A Keras-style model trained with fit, on neurite or on TF.js: the code is the same for both, which is
 * the point of the API (TF.js runs on whatever backend is active; the bench makes it wasm, one thread).
 */
function layersImpl(lib: typeof tf, name: string, spec: NetSpec, x: Float32Array, y: Float32Array, rows: number): Impl {
  const model = compiled(lib, spec);
  const outputs = spec.layers.at(-1)!.units;
  const xs = lib.tensor2d(x.subarray(0, rows * spec.inputs), [rows, spec.inputs]);
  const ys = lib.tensor2d(y.subarray(0, rows * outputs), [rows, outputs]);
  const impl: Impl = {
    impl: name,
    samples: rows,
    run: async (epochs) => {
      const h = await model.fit(xs, ys, { epochs, batchSize: spec.batchSize, shuffle: true, verbose: 0 });
      impl.lastLoss = h.history.loss.at(-1) as number;
    },
    dispose: () => {
      lib.dispose([xs, ys]);
      model.dispose();
    },
  };
  return impl;
}

/**
 * The same model trained by fitDataset on a tf.data pipeline as TF.js programs write one (a zip of per-row
 * arrays, batched), or by fit on the same rows in the same order: what the pipeline costs.
 */
function pipelineImpl(name: string, spec: NetSpec, x: Float32Array, y: Float32Array, rows: number, viaDataset: boolean): Impl {
  const model = compiled(tf, spec);
  const outputs = spec.layers.at(-1)!.units;
  const xs = tf.tensor2d(x.subarray(0, rows * spec.inputs), [rows, spec.inputs]);
  const ys = tf.tensor2d(y.subarray(0, rows * outputs), [rows, outputs]);
  const rowsOf = (v: Float32Array, width: number) => Array.from({ length: rows }, (_, i) => v.subarray(i * width, (i + 1) * width));
  const dataset = tf.data.zip({ xs: tf.data.array(rowsOf(x, spec.inputs)), ys: tf.data.array(rowsOf(y, outputs)) }).batch(spec.batchSize) as tf.data.Dataset<tf.TensorContainer>;
  const impl: Impl = {
    impl: name,
    samples: rows,
    run: async (epochs) => {
      const h = viaDataset ? await model.fitDataset(dataset, { epochs, verbose: 0 }) : await model.fit(xs, ys, { epochs, batchSize: spec.batchSize, shuffle: false, verbose: 0 });
      impl.lastLoss = h.history.loss.at(-1) as number;
    },
    dispose: () => {
      tf.dispose([xs, ys]);
      model.dispose();
    },
  };
  return impl;
}

interface BrainNet {
  train(data: unknown, options?: Record<string, unknown>): { error: number; iterations: number };
  trainPatterns(data: unknown): void;
  formatData(data: unknown): unknown;
}

/** brain.js with its defaults (learning rate 0.3, momentum 0.1) but the given activation; per-sample updates. */
function brainImpls(name: string, spec: NetSpec, activation: string, x: Float32Array, y: Float32Array, rows: number, trainRows: number): Impl[] {
  const NeuralNetwork = (brain as unknown as { NeuralNetwork: new (opts: object) => BrainNet }).NeuralNetwork;
  const net = new NeuralNetwork({ hiddenLayers: spec.layers.slice(0, -1).map((l) => l.units), activation });
  const outputs = spec.layers.at(-1)!.units;
  const plain = Array.from({ length: rows }, (_, i) => ({
    input: Array.from(x.subarray(i * spec.inputs, (i + 1) * spec.inputs)),
    output: Array.from(y.subarray(i * outputs, (i + 1) * outputs)),
  }));
  net.train(plain.slice(0, 1), { iterations: 1 }); // sizes and initialises the network
  const formatted = net.formatData(plain);
  const trainSubset = plain.slice(0, trainRows);
  const viaTrain: Impl = {
    impl: `${name} train()`,
    samples: trainRows,
    run: (passes) => {
      // brain.js's error is the mean squared error per output unit over the pass.
      viaTrain.lastLoss = net.train(trainSubset, { iterations: passes, errorThresh: 1e-9 }).error;
    },
  };
  return [
    {
      impl: name,
      samples: rows,
      run: (passes) => {
        for (let p = 0; p < passes; p++) net.trainPatterns(formatted);
      },
    },
    viaTrain,
  ];
}

/**
 * FLOPs of one training sample of a dense net: the forward products, every layer's weight gradient and the
 * input gradients of all layers but the first (MNIST MLP: 454,400).
 */
function flopPerSample(spec: NetSpec): number {
  const sizes = [spec.inputs, ...spec.layers.map((l) => l.units)];
  const products = sizes.slice(1).map((units, i) => sizes[i] * units);
  const total = products.reduce((a, b) => a + b, 0);
  return 2 * (3 * total - products[0]);
}

/**
 * One epoch of the MLP (batch 64) with every kernel call timed: microseconds per step by kernel (the three
 * largest products by their shape, the optimizer, the rest), and the time outside the kernels (JS, batches).
 */
async function profileMlpStep(x: Float32Array, y: Float32Array, rows: number): Promise<Array<[string, number]>> {
  await tf.setBackend('wasm');
  const model = compiled(tf, MLP);
  const xs = tf.tensor2d(x, [rows, MLP.inputs]);
  const ys = tf.tensor2d(y, [rows, 10]);
  await model.fit(xs, ys, { epochs: 2, batchSize: MLP.batchSize, verbose: 0 });
  const micros = new Map<string, number>();
  const onCall = (name: string, args: number[], seconds: number) => {
    const key = name === 'matmul' ? `matmul ${args[3]}x${args[4]}x${args[5]}${args[6] ? ' (A transposed)' : ''}${args[7] ? ' (B transposed)' : ''}` : name;
    micros.set(key, (micros.get(key) ?? 0) + seconds * 1e6);
  };
  const t0 = performance.now();
  await withTimedKernels(onCall, () => model.fit(xs, ys, { epochs: 1, batchSize: MLP.batchSize, verbose: 0 }));
  const steps = Math.ceil(rows / MLP.batchSize);
  const total = ((performance.now() - t0) * 1000) / steps;
  tf.dispose([xs, ys]);
  model.dispose();
  const sorted = [...micros].map(([k, v]): [string, number] => [k, v / steps]).sort((a, b) => b[1] - a[1]);
  const shown = sorted.filter(([k], i) => i < 3 || k === 'adamStep');
  const rest = sorted.filter((e) => !shown.includes(e)).reduce((sum, [, v]) => sum + v, 0);
  const inKernels = sorted.reduce((sum, [, v]) => sum + v, 0);
  return [['the whole step', total], ...shown, ['the other kernels', rest], ['outside the kernels (JS, batches)', total - inKernels]];
}

/** n points in [-1, 1]², label 1 where x·y > 0 (XOR of the signs); seeded LCG. */
export function xorData(n: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(n * 2);
  const y = new Float32Array(n);
  let s = 12345;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  };
  for (let i = 0; i < n; i++) {
    x[2 * i] = next();
    x[2 * i + 1] = next();
    y[i] = x[2 * i] * x[2 * i + 1] > 0 ? 1 : 0;
  }
  return { x, y };
}

function oneHot(labels: Int32Array, classes: number): Float32Array {
  const out = new Float32Array(labels.length * classes);
  labels.forEach((c, i) => (out[i * classes + c] = 1));
  return out;
}

export interface TrainingInfo {
  neuriteBuild: string;
  tfjsBackend: string;
  tfjsThreads: number;
  ratios: Array<{ case: string; over: string; ratio: number }>;
  losses: Array<{ case: string; impl: string; loss: number }>;
}

/** Details of the last run (builds, threads, ratios), for the printout. */
export const lastRun: TrainingInfo = { neuriteBuild: '', tfjsBackend: '', tfjsThreads: 0, ratios: [], losses: [] };

export async function benchTraining(): Promise<Row[]> {
  await tf.ready();
  tf.setSeed(7);
  const build = activeBackend().build; // the build ready() chose for this host
  const wasmName = `wasm-${build}`;
  setThreadsCount(1);
  if (!(await tfjs.setBackend('wasm'))) throw new Error('bench: TF.js wasm backend failed to initialise');
  await tfjs.ready();
  const threads = getThreadsCount();
  const tfName = 'tfjs-wasm';
  Object.assign(lastRun, { neuriteBuild: build, tfjsBackend: tfjs.getBackend(), tfjsThreads: threads, ratios: [], losses: [] });

  const { train } = loadMnist();
  const mnistX = train.x;
  const mnistY = oneHot(train.labels, 10);
  const xor = xorData(1000);

  // coldStart: the first epoch's time is reported beside the warm figure (issue 13 asks it of the small net).
  const cases: Array<{ label: string; make: () => Promise<Impl[]>; spec?: NetSpec; coldStart?: boolean }> = [
    {
      label: 'MLP 784-128-64-10 relu/relu/softmax, adam, batch 64, MNIST (brain.js: sigmoid, per sample)',
      spec: MLP,
      make: async () => {
        const impls: Impl[] = [];
        impls.push(await onNeurite('wasm', () => layersImpl(tf, wasmName, MLP, mnistX, mnistY, train.rows)));
        impls.push(await onNeurite('js', () => layersImpl(tf, 'js', MLP, mnistX, mnistY, 2048)));
        impls.push(layersImpl(tfjs as unknown as typeof tf, tfName, MLP, mnistX, mnistY, 2048));
        // brain.js cannot do softmax: its default sigmoid everywhere, squared error, per-sample updates.
        impls.push(...brainImpls('brain.js', MLP, 'sigmoid', mnistX, mnistY, 512, 256));
        return impls;
      },
    },
    {
      label: 'MLP 784-128-64-10, fit on tensors vs fitDataset on tf.data (zip of rows, batch 64), MNIST',
      make: async () => [
        await onNeurite('wasm', () => pipelineImpl(wasmName, MLP, mnistX, mnistY, train.rows, false)),
        await onNeurite('wasm', () => pipelineImpl(`${wasmName} fitDataset`, MLP, mnistX, mnistY, train.rows, true)),
      ],
    },
    {
      label: 'XOR-like 2-8-8-1 tanh/tanh/sigmoid, sgd, mse, batch 10 (brain.js: tanh, per sample)',
      spec: SMALL,
      coldStart: true,
      make: async () => {
        const impls: Impl[] = [];
        impls.push(await onNeurite('wasm', () => layersImpl(tf, wasmName, SMALL, xor.x, xor.y, 1000)));
        impls.push(await onNeurite('js', () => layersImpl(tf, 'js', SMALL, xor.x, xor.y, 1000)));
        impls.push(layersImpl(tfjs as unknown as typeof tf, tfName, SMALL, xor.x, xor.y, 1000));
        // brain.js applies one activation to every layer: tanh throughout (its output is tanh, not sigmoid).
        impls.push(...brainImpls('brain.js', SMALL, 'tanh', xor.x, xor.y, 1000, 1000));
        return impls;
      },
    },
  ];

  const rows: Row[] = [];
  for (const c of cases) {
    const impls = await c.make();
    const rates = await measure(impls, ROUNDS);
    for (const impl of impls) {
      rows.push({ case: c.label, impl: impl.impl, value: median(rates.get(impl.impl)!), unit: 'samples/s' });
      if (impl.lastLoss !== undefined) lastRun.losses.push({ case: c.label, impl: impl.impl, loss: impl.lastLoss });
    }
    if (c.spec) {
      const rate = rows.find((r) => r.case === c.label && r.impl === wasmName)!.value;
      const flop = flopPerSample(c.spec);
      rows.push({ case: `${c.label.split(',')[0]}: FMA ceiling used (${flop.toLocaleString('en-US')} FLOP a sample)`, impl: wasmName, value: (100 * rate * flop) / ((await peakGflops()) * 1e9), unit: '%' });
    }
    for (const impl of c.coldStart ? impls : []) {
      rows.push({ case: `${c.label.split(' (')[0]}: first epoch of a new model (cold start)`, impl: impl.impl, value: impl.firstSeconds! * 1000, unit: 'ms' });
    }
    const base = rates.get(wasmName)!;
    for (const other of [tfName, 'js', impls.find((i) => i.impl.startsWith('brain.js'))?.impl, `${wasmName} fitDataset`]) {
      if (other === undefined || !rates.has(other)) continue;
      const perRound = base.map((v, r) => v / rates.get(other)![r]);
      lastRun.ratios.push({ case: c.label, over: other, ratio: median(perRound) });
    }
    for (const impl of impls) await impl.dispose?.();
  }
  for (const [what, micros] of await profileMlpStep(mnistX, mnistY, train.rows)) {
    rows.push({ case: `MLP 784-128-64-10 batch 64 step: ${what}`, impl: wasmName, value: micros, unit: 'µs/step' });
  }
  await tf.setBackend('wasm');
  return rows;
}

/**
 * A neurite implementation made, run and disposed on the given backend (neurite holds one global backend, so
 * each run switches to its own first; the switch costs nothing measurable).
 */
export async function onNeurite(backend: 'wasm' | 'js', make: () => Impl): Promise<Impl> {
  await tf.setBackend(backend);
  const impl = make();
  return {
    impl: impl.impl,
    samples: impl.samples,
    run: async (reps) => {
      await tf.setBackend(backend);
      await impl.run(reps);
    },
    dispose: async () => {
      await tf.setBackend(backend);
      await impl.dispose?.();
    },
    get lastLoss() {
      return impl.lastLoss;
    },
  };
}

/** An implementation on one of TF.js's backends (TF.js holds one global backend too). */
export async function onTfjs(backend: 'wasm' | 'cpu', make: () => Impl): Promise<Impl> {
  await tfjs.setBackend(backend);
  const impl = make();
  return {
    ...impl,
    run: async (reps) => {
      await tfjs.setBackend(backend);
      await impl.run(reps);
    },
    dispose: async () => {
      await tfjs.setBackend(backend);
      await impl.dispose?.();
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const rows = await benchTraining();
  console.log(`neurite wasm build: ${lastRun.neuriteBuild}; TF.js backend ${lastRun.tfjsBackend} with ${lastRun.tfjsThreads} thread(s)`);
  console.table(rows.map((r) => ({ case: r.case.split(',')[0], impl: r.impl, 'samples/s': Math.round(r.value) })));
  for (const l of lastRun.losses) console.log(`${l.case.split(',')[0]}: ${l.impl} training loss after the last timed run ${l.loss.toFixed(4)}`);
  for (const r of lastRun.ratios) console.log(`${r.case.split(',')[0]}: neurite-wasm / ${r.over} = ${r.ratio.toFixed(2)}x`);
}
