// `tf.layers`: the layer factories with TF.js's names.

import { Activation, LeakyReLU } from './activation.js';
import { Dense, type DenseArgs } from './dense.js';
import { Dropout } from './dropout.js';
import type { LayerArgs } from './layer.js';

export const layers = {
  dense: (args: DenseArgs) => new Dense(args),
  dropout: (args: LayerArgs & { rate: number; seed?: number }) => new Dropout(args),
  activation: (args: LayerArgs & { activation: string }) => new Activation(args),
  leakyReLU: (args?: LayerArgs & { alpha?: number }) => new LeakyReLU(args),
};

export { Activation, Dense, Dropout, LeakyReLU };
export { Layer } from './layer.js';
export type { DenseArgs, LayerArgs };
