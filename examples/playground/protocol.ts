// The messages between the playground page and its training worker, and the settings they carry.
// Types only: both sides import this file, neither imports the other.

import type { FeatureName } from './datasets.js';

export type ActivationName = 'relu' | 'tanh' | 'sigmoid' | 'linear';
export type Regularization = 'none' | 'l1' | 'l2';
export type Problem = 'classification' | 'regression';
export type BackendChoice = 'wasm' | 'js';

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
  /** Seeds weight initialisation and shuffling. */
  seed: number;
}

/** Points as the worker trains on them: (x1, x2) pairs and 0/1 labels. */
export interface PointsMessage {
  xy: Float32Array;
  labels: Float32Array;
}

/** Side of the output heatmap grid and of each node's small grid. */
export const OUTPUT_GRID = 80;
export const NODE_GRID = 24;

export type ToWorker =
  | { type: 'reset'; settings: ModelSettings; train: PointsMessage; test: PointsMessage }
  /** Learning rate and batch size apply to the running model. */
  | { type: 'tune'; learningRate: number; batchSize: number }
  | { type: 'play' }
  | { type: 'pause' }
  | { type: 'step' }
  | { type: 'backend'; name: BackendChoice }
  /** The page drew the last frame; the worker sends the next one only after this. */
  | { type: 'drawn' };

export interface Frame {
  type: 'frame';
  /** The seed of the reset this frame belongs to: the page drops frames of a model it has replaced. */
  seed: number;
  epoch: number;
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
  playing: boolean;
}

export type FromWorker =
  | Frame
  | { type: 'backend'; name: BackendChoice }
  | { type: 'error'; message: string };
