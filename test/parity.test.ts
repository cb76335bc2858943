// TF.js parity: the same initial weights and data trained by neurite (both backends) and by TF.js 4.22 on its
// CPU backend give the same per-epoch losses and metrics, training and validation, and the same final weights.
// Dropout is left out (its masks are random).

import * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectClose, onBackend, randomData } from './support.js';

/**
 * Tolerance. Both sides compute in float32 but not in the same order (TF.js sums a matmul or a loss
 * differently, neurite fuses softmax/sigmoid with the crossentropy on the logits), so each step differs by a
 * few ulps and the differences grow with the steps. Relative 1e-4 as asked, plus an absolute floor for values
 * that pass near zero (a weight of 1e-6 cannot agree to 1e-10).
 */
const RTOL = 1e-4;
const ATOL = 1e-6;

const ROWS = 23;
const FEATURES = 4;
/** The last 5 rows validate (val_loss, val_acc ...); 18 = 3·5 + 3 train, so every epoch ends with a partial batch. */
const VALIDATION_SPLIT = 0.2;
const BATCH = 5;
const EPOCHS = 4;

type Lib = typeof tf | typeof tfjs;
type OptimizerMaker = (lib: Lib) => tf.Optimizer | tfjs.Optimizer;
type LossName = 'meanSquaredError' | 'meanAbsoluteError' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

// The factories take the same arguments in both libraries.
const OPTIMIZERS: Array<[string, OptimizerMaker]> = [
  ['sgd', (lib) => lib.train.sgd(0.1)],
  ['momentum', (lib) => lib.train.momentum(0.05, 0.9)],
  ['momentum nesterov', (lib) => lib.train.momentum(0.05, 0.9, true)],
  ['adam', (lib) => lib.train.adam(0.01)],
  ['rmsprop', (lib) => lib.train.rmsprop(0.01)],
  // TF.js's centered form divides by sqrt(ms - (mg² + epsilon)): with the default epsilon 1e-7, any weight whose
  // first gradient is below ~1e-3 gets sqrt of a negative number and both libraries go NaN (neurite copies the
  // formula). A smaller epsilon keeps the comparison finite on this data.
  ['rmsprop centered', (lib) => lib.train.rmsprop(0.01, 0.9, 0, 1e-10, true)],
  ['rmsprop momentum', (lib) => lib.train.rmsprop(0.005, 0.8, 0.5)],
  ['adagrad', (lib) => lib.train.adagrad(0.1)],
];

/** Per loss: the output layer that goes with it, its width, and the metrics compiled. */
const LOSSES: Record<LossName, { output: string; units: number; metrics: string[] }> = {
  meanSquaredError: { output: 'linear', units: 3, metrics: ['mse', 'mae'] },
  meanAbsoluteError: { output: 'linear', units: 3, metrics: ['mae'] },
  binaryCrossentropy: { output: 'sigmoid', units: 2, metrics: ['accuracy'] },
  categoricalCrossentropy: { output: 'softmax', units: 3, metrics: ['accuracy'] },
  sparseCategoricalCrossentropy: { output: 'softmax', units: 3, metrics: ['accuracy'] },
};

interface Case {
  optimizer: OptimizerMaker;
  loss: LossName;
  hidden: 'tanh' | 'relu';
  /** l2 on every kernel when set. */
  l2?: number;
  /** Another output activation than the loss's usual one (the unfused path for sigmoid and softmax). */
  output?: string;
}

/** Training data as plain arrays; targets as each loss wants them. */
interface Data {
  x: Float32Array;
  /** Float targets [ROWS, units], or class indices for the sparse loss. */
  y: Float32Array | Int32Array;
  units: number;
}

function dataFor(loss: LossName): Data {
  const { units } = LOSSES[loss];
  const x = randomData(ROWS * FEATURES, 101, -2, 2);
  const u = randomData(ROWS * units, 202, 0, 1);
  // Classes depend on x a little, so training has something to learn and accuracy moves.
  const classOf = (i: number) => (x[i * FEATURES] + x[i * FEATURES + 1] > 0.5 ? 0 : x[i * FEATURES + 2] > 0 ? 1 : 2);
  switch (loss) {
    case 'meanSquaredError':
    case 'meanAbsoluteError':
      return { x, y: randomData(ROWS * units, 303, -1, 1), units };
    case 'binaryCrossentropy':
      return { x, y: u.map((v, k) => +(v < 0.3 || (k % units === 0 && x[Math.floor(k / units) * FEATURES] > 0))), units };
    case 'categoricalCrossentropy': {
      const y = new Float32Array(ROWS * units);
      for (let i = 0; i < ROWS; i++) y[i * units + classOf(i)] = 1;
      return { x, y, units };
    }
    case 'sparseCategoricalCrossentropy':
      return { x, y: Int32Array.from({ length: ROWS }, (_, i) => classOf(i)), units };
  }
}

interface Result {
  /** history.history by key: loss and each metric, one value per epoch. */
  history: Record<string, number[]>;
  weights: Float32Array[];
}

const HIDDEN = 6;

/** TF.js's model for a case, with seeded initial weights (random biases too, so they matter). */
function tfjsModel(c: Case): tfjs.Sequential {
  const { units } = LOSSES[c.loss];
  const output = c.output ?? LOSSES[c.loss].output;
  const reg = c.l2 === undefined ? undefined : tfjs.regularizers.l2({ l2: c.l2 });
  const bias = (seed: number) => tfjs.initializers.randomUniform({ minval: -0.2, maxval: 0.2, seed });
  return tfjs.sequential({
    layers: [
      tfjs.layers.dense({ units: HIDDEN, activation: c.hidden, inputShape: [FEATURES], kernelInitializer: tfjs.initializers.glorotUniform({ seed: 1 }), biasInitializer: bias(2), kernelRegularizer: reg }),
      tfjs.layers.dense({ units, activation: output as 'linear', kernelInitializer: tfjs.initializers.glorotUniform({ seed: 3 }), biasInitializer: bias(4), kernelRegularizer: reg }),
    ],
  });
}

function neuriteModel(c: Case): tf.Sequential {
  const { units } = LOSSES[c.loss];
  const output = c.output ?? LOSSES[c.loss].output;
  const reg = c.l2 === undefined ? undefined : tf.regularizers.l2({ l2: c.l2 });
  return tf.sequential({
    layers: [
      tf.layers.dense({ units: HIDDEN, activation: c.hidden, inputShape: [FEATURES], kernelRegularizer: reg }),
      tf.layers.dense({ units, activation: output, kernelRegularizer: reg }),
    ],
  });
}

const fitArgs = { epochs: EPOCHS, batchSize: BATCH, shuffle: false, verbose: 0, validationSplit: VALIDATION_SPLIT } as const;

/** Trains the TF.js model; returns its history, initial weights and final weights. */
async function runTfjs(c: Case): Promise<Result & { initial: Float32Array[] }> {
  const data = dataFor(c.loss);
  const model = tfjsModel(c);
  const initial = model.getWeights().map((w) => w.dataSync() as Float32Array);
  model.compile({ optimizer: c.optimizer(tfjs) as tfjs.Optimizer, loss: c.loss, metrics: LOSSES[c.loss].metrics });
  const x = tfjs.tensor2d(data.x, [ROWS, FEATURES]);
  // TF.js 4.22 wants sparse labels as float32 [samples, 1]: fit checks the target against the output shape with
  // the last axis set to 1, and the loss floors them (tf.floor refuses int32, so int32 labels throw there).
  const y = tfjs.tensor2d(data.y instanceof Int32Array ? Float32Array.from(data.y) : data.y, [ROWS, data.y instanceof Int32Array ? 1 : data.units]);
  const h = await model.fit(x, y, fitArgs);
  const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
  tfjs.dispose([x, y]);
  model.dispose();
  return { history: h.history as Record<string, number[]>, weights, initial };
}

/** Trains neurite's model from the given initial weights on the active backend. */
async function runNeurite(c: Case, initial: Float32Array[], tfjsStyleLabels = false): Promise<Result> {
  const data = dataFor(c.loss);
  const model = neuriteModel(c);
  const current = model.getWeights();
  const start = initial.map((v, i) => tf.tensor(v, current[i].shape));
  model.setWeights(start);
  tf.dispose(start);
  model.compile({ optimizer: c.optimizer(tf) as tf.Optimizer, loss: c.loss, metrics: LOSSES[c.loss].metrics });
  const x = tf.tensor2d(data.x, [ROWS, FEATURES]);
  // neurite takes sparse labels as int32 [samples], and also as TF.js code passes them (float32 [samples, 1]).
  const y =
    !(data.y instanceof Int32Array) ? tf.tensor2d(data.y, [ROWS, data.units])
    : tfjsStyleLabels ? tf.tensor2d(Float32Array.from(data.y), [ROWS, 1])
    : tf.tensor1d(data.y, 'int32');
  try {
    const h = await model.fit(x, y, fitArgs);
    const weights = model.getWeights().map((w) => w.dataSync() as Float32Array);
    return { history: h.history as Record<string, number[]>, weights };
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
}

function expectSameTraining(got: Result, want: Result): void {
  expect(Object.keys(got.history).sort(), 'history keys').toEqual(Object.keys(want.history).sort());
  for (const key of Object.keys(want.history)) {
    expect(want.history[key]).toHaveLength(EPOCHS);
    if (key === 'acc') {
      // A fraction of 23 samples: equal unless an output sits exactly on an argmax/0.5 tie.
      expectClose(got.history[key], want.history[key], { atol: 1e-6, rtol: 0 }, 'history.acc');
    } else {
      expectClose(got.history[key], want.history[key], { atol: ATOL, rtol: RTOL }, `history.${key}`);
    }
  }
  expect(got.weights).toHaveLength(want.weights.length);
  got.weights.forEach((w, i) => expectClose(w, want.weights[i], { atol: ATOL, rtol: RTOL }, `weights[${i}]`));
}

const LOSS_NAMES = Object.keys(LOSSES) as LossName[];

/** Every optimizer with every loss (tanh hidden layer), and a few variations. */
const CASES: Array<[string, Case]> = [
  ...OPTIMIZERS.flatMap(([optName, optimizer]) =>
    LOSS_NAMES.map((loss): [string, Case] => [`${optName}, ${loss}`, { optimizer, loss, hidden: 'tanh' }]),
  ),
  ['adam, categoricalCrossentropy, relu hidden', { optimizer: OPTIMIZERS[3][1], loss: 'categoricalCrossentropy', hidden: 'relu' }],
  ['sgd, meanSquaredError (linear output), relu hidden', { optimizer: OPTIMIZERS[0][1], loss: 'meanSquaredError', hidden: 'relu' }],
  ['adam, meanSquaredError with a sigmoid output (unfused)', { optimizer: OPTIMIZERS[3][1], loss: 'meanSquaredError', hidden: 'tanh', output: 'sigmoid' }],
  ['momentum, meanAbsoluteError with a softmax output (unfused)', { optimizer: OPTIMIZERS[1][1], loss: 'meanAbsoluteError', hidden: 'relu', output: 'softmax' }],
  ['sgd, meanSquaredError, kernelRegularizer l2', { optimizer: OPTIMIZERS[0][1], loss: 'meanSquaredError', hidden: 'tanh', l2: 0.01 }],
  ['adam, binaryCrossentropy, kernelRegularizer l2', { optimizer: OPTIMIZERS[3][1], loss: 'binaryCrossentropy', hidden: 'relu', l2: 0.05 }],
  ['rmsprop, sparseCategoricalCrossentropy, kernelRegularizer l2', { optimizer: OPTIMIZERS[4][1], loss: 'sparseCategoricalCrossentropy', hidden: 'tanh', l2: 0.02 }],
];

/** TF.js results per case, computed once and shared by both neurite backends. */
const reference = new Map<string, Promise<Result & { initial: Float32Array[] }>>();
function tfjsResult(name: string, c: Case) {
  let r = reference.get(name);
  if (!r) reference.set(name, (r = runTfjs(c)));
  return r;
}

beforeAll(async () => {
  await tfjs.setBackend('cpu');
  await tfjs.ready();
});

describe.each(['wasm', 'js'] as const)('TF.js parity on %s', (backend) => {
  onBackend(backend);

  it.each(CASES)('%s: same losses, metrics and final weights', async (name, c) => {
    const want = await tfjsResult(name, c);
    const got = await runNeurite(c, want.initial);
    expectSameTraining(got, want);
    // Training did something: the loss moved, so agreement is not agreement on a fixed point.
    expect(want.history.loss[EPOCHS - 1]).not.toBe(want.history.loss[0]);
  });

  it('sparse labels given as TF.js takes them (float32 [samples, 1]) train the same', async () => {
    const [name, c] = CASES.find(([, k]) => k.loss === 'sparseCategoricalCrossentropy')!;
    const want = await tfjsResult(name, c);
    expectSameTraining(await runNeurite(c, want.initial, true), want);
  });

  it('the metric names match TF.js: accuracy is logged as acc, mse and mae under their own names', async () => {
    const [name, c] = CASES.find(([, k]) => k.loss === 'meanSquaredError')!;
    const want = await tfjsResult(name, c);
    expect(Object.keys(want.history).sort()).toEqual(['loss', 'mae', 'mse', 'val_loss', 'val_mae', 'val_mse']);
    const [name2, c2] = CASES.find(([, k]) => k.loss === 'sparseCategoricalCrossentropy')!;
    expect(Object.keys((await tfjsResult(name2, c2)).history).sort()).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
  });
});
