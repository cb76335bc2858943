// Losses and metrics as model.compile takes them: TF.js's names, or functions of (yTrue, yPred). The five
// common losses are kernel codes; when the network ends in the matching activation (sigmoid for binary, softmax
// for categorical) training uses one kernel on the logits for the activation, the loss and their gradients,
// which gives what they give apart (TF.js's clip of saturated probabilities included). Other names and the
// user's functions are made of ops (ops/metrics.ts) and train through the same tape. Metrics are averaged per
// batch on the output probabilities, as in TF.js.

import type { Heap } from './backend/heap.js';
import { Loss } from './backend/kernels.js';
import { activeBackend } from './engine.js';
import { LOSS_FUNCTIONS, type LossOrMetricFn, metrics as METRIC_FUNCTIONS } from './ops/metrics.js';
import { mean } from './ops/reduce.js';
import { type Tensor, Tensor as TensorClass, tidy } from './tensor/tensor.js';
import { describe, didYouMean } from './validate.js';
import { word } from './backend/heap.js';

export type LossIdentifier = 'meanSquaredError' | 'meanAbsoluteError' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

const LOSSES: Record<string, LossIdentifier> = {
  meanSquaredError: 'meanSquaredError',
  mse: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
  meanAbsoluteError: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
  mean_absolute_error: 'meanAbsoluteError',
  binaryCrossentropy: 'binaryCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};

/** A loss computed by a kernel (fused with the last activation where it can be). */
export interface KernelLoss {
  name: LossIdentifier;
  fn: null;
  /** The kernel on the output probabilities / values. */
  code: Loss;
  /** The fused kernel on the logits, used when the last activation matches. */
  fusedWith: 'sigmoid' | 'softmax' | null;
  fusedCode: Loss;
  /** Targets are int32 class indices, one per sample. */
  sparse: boolean;
}

/** A loss made of ops: a Layers loss by name, or the user's function. */
export interface FunctionLoss {
  name: string;
  fn: LossOrMetricFn;
  fusedWith: null;
  sparse: false;
}

export type LossSpec = KernelLoss | FunctionLoss;

function kernelLoss(name: LossIdentifier, code: Loss, fusedWith: KernelLoss['fusedWith'] = null, fusedCode = code, sparse = false): KernelLoss {
  return { name, fn: null, code, fusedWith, fusedCode, sparse };
}

export function getLoss(op: string, value: unknown): LossSpec {
  if (typeof value === 'function') return { name: value.name || 'loss', fn: value as LossOrMetricFn, fusedWith: null, sparse: false };
  const name = typeof value === 'string' && Object.hasOwn(LOSSES, value) ? LOSSES[value] : null;
  switch (name) {
    case 'meanSquaredError':
      return kernelLoss(name, Loss.MeanSquared);
    case 'meanAbsoluteError':
      return kernelLoss(name, Loss.MeanAbsolute);
    case 'binaryCrossentropy':
      return kernelLoss(name, Loss.BinaryCrossentropy, 'sigmoid', Loss.BinaryCrossentropyLogits);
    case 'categoricalCrossentropy':
      return kernelLoss(name, Loss.CategoricalCrossentropy, 'softmax', Loss.CategoricalCrossentropyLogits);
    case 'sparseCategoricalCrossentropy':
      return kernelLoss(name, Loss.SparseCategoricalCrossentropy, 'softmax', Loss.SparseCategoricalCrossentropyLogits, true);
  }
  if (typeof value === 'string' && Object.hasOwn(LOSS_FUNCTIONS, value)) return { name: value, fn: LOSS_FUNCTIONS[value], fusedWith: null, sparse: false };
  if (typeof value === 'string') throw new Error(`${op}: unknown loss ${describe(value)}${didYouMean(value, [...Object.keys(LOSSES), ...Object.keys(LOSS_FUNCTIONS)])}`);
  throw new Error(`${op}: loss must be a function (yTrue, yPred) => Tensor or a name such as 'meanSquaredError'; got ${describe(value)}`);
}

/**
 * Refuses a categorical loss on an output of one column (a target of one class is always right; TF.js refuses
 * one-column targets for categoricalCrossentropy too). `output` names the output of a model of several.
 */
export function checkLossWidth(op: string, loss: LossSpec, width: number | null, output = ''): void {
  if (width !== 1 || loss.fn !== null || (loss.name !== 'categoricalCrossentropy' && loss.name !== 'sparseCategoricalCrossentropy')) return;
  throw new Error(`${op}: ${loss.name} needs an output of at least 2 classes${output && ` (output ${output})`}; for two classes in one column use binaryCrossentropy`);
}

export interface Metric {
  /** The key in logs and History, e.g. 'acc' or 'mse'. */
  key: string;
  /** Mean value over a batch: y the outputs [rows, width], target as the loss takes it. */
  compute(y: Tensor, target: Tensor): number;
}

type Counter = (heap: Heap, y: number, target: number, m: number, n: number) => number;

/** A metric that reads the outputs and targets on the heap, at word offsets y and target. */
function onHeap(key: string, count: Counter): Metric {
  return {
    key,
    compute: (y, target) => count(activeBackend().heap, word(y.ptr('metrics')), word(target.ptr('metrics')), y.shape[0], y.size / y.shape[0]),
  };
}

/** As TF.js: the prediction thresholded at 0.5 must equal the target (a target other than 0 or 1 never does). */
const binaryAccuracy: Counter = ({ f32 }, y, target, m, n) => {
  let hits = 0;
  for (let i = 0; i < m * n; i++) hits += +((f32[y + i] > 0.5 ? 1 : 0) === f32[target + i]);
  return hits / (m * n);
};

function rowArgMax(f32: Float32Array, start: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (f32[start + j] > f32[start + best]) best = j;
  return best;
}

const categoricalAccuracy: Counter = ({ f32 }, y, target, m, n) => {
  let hits = 0;
  for (let i = 0; i < m; i++) hits += +(rowArgMax(f32, y + i * n, n) === rowArgMax(f32, target + i * n, n));
  return hits / m;
};

const sparseCategoricalAccuracy: Counter = ({ f32, i32 }, y, target, m, n) => {
  let hits = 0;
  for (let i = 0; i < m; i++) hits += +(rowArgMax(f32, y + i * n, n) === i32[target + i]);
  return hits / m;
};

/** A kernel loss as a metric. */
function lossMetric(key: string, code: Loss): Metric {
  return {
    key,
    compute: (y, target) => activeBackend().kernels.loss(code, y.ptr('metrics'), target.ptr('metrics'), 0, y.shape[0], y.size / y.shape[0], 0),
  };
}

/** A function of (yTrue, yPred) as a metric: its mean over the batch. */
function functionMetric(op: string, key: string, fn: LossOrMetricFn): Metric {
  return {
    key,
    compute: (y, target) => {
      const value = tidy(() => {
        const result = fn(target, y);
        if (!(result instanceof TensorClass)) throw new Error(`${op}: metric ${key} must return a Tensor, got ${describe(result)}`);
        return mean(result);
      });
      const [v] = value.dataSync();
      value.dispose();
      return v;
    },
  };
}

/** 'accuracy' and 'crossentropy' by the kind of targets. */
const ACCURACIES = { binary: binaryAccuracy, sparse: sparseCategoricalAccuracy, categorical: categoricalAccuracy };
const CROSSENTROPIES = { binary: METRIC_FUNCTIONS.binaryCrossentropy, sparse: LOSS_FUNCTIONS.sparseCategoricalCrossentropy, categorical: METRIC_FUNCTIONS.categoricalCrossentropy };

/** Metrics TF.js takes by name that are functions here, with the targets they need. */
const SPARSE_METRICS = new Set(['sparseCategoricalCrossentropy']);
const NAMED_METRICS: Readonly<Record<string, LossOrMetricFn>> = {
  precision: METRIC_FUNCTIONS.precision,
  recall: METRIC_FUNCTIONS.recall,
  categoricalCrossentropy: METRIC_FUNCTIONS.categoricalCrossentropy,
  sparseCategoricalCrossentropy: LOSS_FUNCTIONS.sparseCategoricalCrossentropy,
  MSE: METRIC_FUNCTIONS.MSE,
  MAE: LOSS_FUNCTIONS.MAE,
  mape: METRIC_FUNCTIONS.mape,
  MAPE: METRIC_FUNCTIONS.MAPE,
  cosine: LOSS_FUNCTIONS.cosine,
};

/**
 * A metric by name or function. 'accuracy'/'acc' and 'crossentropy'/'ce' pick the accuracy or crossentropy that
 * fits the loss and output width, as TF.js does; a function's key is its name (TF.js's too).
 */
export function getMetric(op: string, value: unknown, loss: LossSpec, outputWidth: number): Metric {
  if (typeof value === 'function') return functionMetric(op, value.name || 'metric', value as LossOrMetricFn);
  const dense = (name: string) => {
    if (loss.sparse) throw new Error(`${op}: metric ${name} needs targets of the output's shape; with sparse labels use sparseCategoricalAccuracy`);
  };
  switch (value) {
    case 'accuracy':
    case 'acc':
    case 'crossentropy':
    case 'ce': {
      // As TF.js: binary for one output column or its own binaryCrossentropy loss (a function of the user's, even
      // one named so, is not it), sparse for the sparse loss, categorical otherwise.
      const kind = loss.sparse ? 'sparse' : outputWidth === 1 || (loss.fn === null && loss.name === 'binaryCrossentropy') ? 'binary' : 'categorical';
      if (value === 'accuracy' || value === 'acc') return onHeap('acc', ACCURACIES[kind]);
      return functionMetric(op, 'ce', CROSSENTROPIES[kind]);
    }
    case 'binaryAccuracy':
    case 'categoricalAccuracy':
      dense(value);
      return onHeap(value, value === 'binaryAccuracy' ? binaryAccuracy : categoricalAccuracy);
    case 'sparseCategoricalAccuracy':
      if (!loss.sparse) throw new Error(`${op}: metric sparseCategoricalAccuracy needs the sparseCategoricalCrossentropy loss (int32 labels)`);
      return onHeap(value, sparseCategoricalAccuracy);
    case 'mse':
    case 'meanSquaredError':
    case 'mae':
    case 'meanAbsoluteError':
      dense(value);
      return lossMetric(value, value === 'mse' || value === 'meanSquaredError' ? Loss.MeanSquared : Loss.MeanAbsolute);
  }
  if (typeof value === 'string' && Object.hasOwn(NAMED_METRICS, value)) {
    if (SPARSE_METRICS.has(value) !== loss.sparse) {
      throw new Error(`${op}: metric ${value} needs ${loss.sparse ? "targets of the output's shape" : 'the sparseCategoricalCrossentropy loss (int32 labels)'}`);
    }
    return functionMetric(op, value, NAMED_METRICS[value]);
  }
  const names = ['accuracy', 'acc', 'crossentropy', 'ce', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'mse', 'meanSquaredError', 'mae', 'meanAbsoluteError', ...Object.keys(NAMED_METRICS)];
  if (typeof value === 'string') throw new Error(`${op}: metrics: unknown metric ${describe(value)}${didYouMean(value, names)}`);
  throw new Error(`${op}: metrics must be functions (yTrue, yPred) => Tensor or names such as 'accuracy'; got ${describe(value)}`);
}
