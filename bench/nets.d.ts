// Types of nets.js.

import type * as tfjs from '@tensorflow/tfjs';
import type * as tf from '../src/index.js';

export interface NetSpec {
  inputs: number;
  layers: Array<{ units: number; activation: string }>;
  optimizer: (lib: typeof tf | typeof tfjs) => tf.Optimizer | tfjs.Optimizer;
  loss: string;
  batchSize: number;
}

export const MLP: NetSpec;
export const SMALL: NetSpec;
export function compiled(lib: typeof tf, spec: NetSpec): tf.Sequential;
