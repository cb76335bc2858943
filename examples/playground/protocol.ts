// The messages between the playground page and its training worker, and the settings they carry.
// Types only: both sides import this file, neither imports the other.

import type { InspectReport } from 'neurite';
import type { FeatureName, Problem } from './datasets.js';

export type ActivationName = 'relu' | 'tanh' | 'sigmoid' | 'linear';
export type Regularization = 'none' | 'l1' | 'l2';
export type BackendChoice = 'wasm' | 'js';
/** How fast Play trains: a few batches a second to watch each step, or as fast as the machine goes. */
export type Pace = 'slow' | 'normal' | 'fast';

/** What shapes the model; changing any of these builds a new one. */
export interface ModelSettings {
  features: FeatureName[];
  hidden: number[];
  activation: ActivationName;
  regularization: Regularization;
  regularizationRate: number;
  problem: Problem;
  learningRate: number;
  batchSize: number;
  /** Seeds weight initialisation and the order of the batches. */
  seed: number;
}

/** Points as the worker trains on them: (x1, x2) pairs and their labels (±1 classes or values in [-1, 1]). */
export interface PointsMessage {
  xy: Float32Array;
  labels: Float32Array;
}

/** Side of the output heatmap grid and of each node's small grid. */
export const OUTPUT_GRID = 80;
export const NODE_GRID = 24;

/** One kernel entry: the weight from node `from` of a column to node `to` of the next (layer `layer`'s kernel). */
export interface WeightAddress {
  layer: number;
  from: number;
  to: number;
}

export type ToWorker =
  /** `generation` numbers the models: frames of a replaced one are dropped. */
  | { type: 'reset'; generation: number; settings: ModelSettings; train: PointsMessage; test: PointsMessage }
  /** Learning rate and batch size apply to the running model. */
  | { type: 'tune'; learningRate: number; batchSize: number }
  | { type: 'pace'; pace: Pace }
  | { type: 'play' }
  | { type: 'pause' }
  /** Trains exactly one batch, then pauses. */
  | { type: 'step' }
  | ({ type: 'set-weight'; value: number } & WeightAddress)
  | { type: 'backend'; name: BackendChoice }
  /** The page drew the last frame; the worker sends the next one only after this. */
  | { type: 'drawn' };

export interface Frame {
  type: 'frame';
  generation: number;
  /** Epochs completed and batches trained in all (a batch is one training step). */
  epoch: number;
  steps: number;
  trainLoss: number;
  testLoss: number;
  /** OUTPUT_GRID² values in [-1, 1]: the output over the plane (probability mapped to [-1, 1]). */
  output: Float32Array;
  /** NODE_GRID² values per hidden and output node, layer by layer, node by node. */
  nodes: Float32Array;
  /** Every kernel, layer by layer, each [inputs, units] row-major. */
  weights: Float32Array;
  backend: BackendChoice;
  /** Training steps (batches) per second over the last second of training; 0 while paused. */
  stepsPerSecond: number;
  /** tf.callbacks.inspect's report of the last epoch inspected (a row per hidden layer, then the output); null before one ends. */
  report: InspectReport | null;
}

/**
 * Training stopped because the loss left the finite numbers or grew far past where it started. `loss` is
 * the value it reached (NaN, ±Infinity or a large number), `startLoss` the training loss of the untouched
 * model, and `weightsOverflowed` says that an update (not the loss) produced NaN or Infinity.
 */
export interface Diverged {
  type: 'diverged';
  generation: number;
  epoch: number;
  loss: number;
  startLoss: number;
  weightsOverflowed: boolean;
}

export type FromWorker = Frame | Diverged | { type: 'backend'; name: BackendChoice } | { type: 'error'; message: string };
