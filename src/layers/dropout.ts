// Dropout: in training, zeroes each input with probability `rate` and scales the rest by 1/(1-rate)
// (inverted dropout, as TF.js); in inference it passes the input through. One fused op on the tape.

import { Block } from '../block.js';
import { activeBackend } from '../engine.js';
import { dropoutMask } from '../ops/fused.js';
import type { Tensor } from '../tensor/tensor.js';
import { is, type Schema } from '../validate.js';
import { Layer, type LayerArgs } from './layer.js';

const DROPOUT_OPTIONS: Schema = {
  rate: is.number(0, 1, { max: true }),
  seed: is.int(-(2 ** 31), 2 ** 32 - 1),
  noiseShape: is.unsupported(),
};

export class Dropout extends Layer {
  readonly className = 'Dropout';
  readonly rate: number;
  readonly seed: number | undefined;
  /** A PRNG state of its own when the layer has a seed; else the global one (setSeed). */
  private rng: Block | null = null;

  constructor(args: LayerArgs & { rate: number; seed?: number }) {
    super('dropout', args, 'Dropout', DROPOUT_OPTIONS);
    if (args.rate === undefined) throw new Error('dropout: rate is required (a fraction in [0, 1) of the inputs to drop)');
    this.rate = args.rate;
    this.seed = args.seed;
  }

  outputDim(inputDim: number): number {
    return inputDim;
  }

  /** The PRNG state the masks draw from. */
  private state(): number {
    const backend = activeBackend();
    if (this.seed === undefined) return backend.rngState;
    if (!this.rng) {
      this.rng = new Block(16, this, this.name, 'the random state of its seed');
      backend.kernels.rngSeed(this.rng.ptr(), this.seed >>> 0);
    }
    return this.rng.ptr();
  }

  call(x: Tensor, training: boolean): Tensor {
    return training && this.rate > 0 ? dropoutMask(x, this.rate, this.state()) : x;
  }

  override dispose(): void {
    super.dispose();
    this.rng?.free();
    this.rng = null;
  }

  getConfig() {
    return { rate: this.rate, seed: this.seed ?? null };
  }
}
