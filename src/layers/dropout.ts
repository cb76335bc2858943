// Dropout: in training, zeroes each input with probability `rate` and scales the rest by 1/(1-rate)
// (inverted dropout, as TF.js); in inference it passes the input through. The mask is kept for backward.

import type { Backend } from '../backend/backend.js';
import { BinOp, Bcast } from '../backend/kernels.js';
import { Block } from '../block.js';
import { is, type Schema } from '../validate.js';
import { Layer, type LayerArgs, type LayerBuffers } from './layer.js';
import { word } from '../backend/heap.js';

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

  override needs() {
    return { z: false, mask: true };
  }

  private state(backend: Backend): number {
    if (this.seed === undefined) return backend.rngState;
    if (!this.rng) {
      this.rng = new Block(16, this, this.name, 'the random state of its seed');
      backend.kernels.rngSeed(this.rng.ptr(), this.seed >>> 0);
    }
    return this.rng.ptr();
  }

  forward(backend: Backend, b: LayerBuffers, rows: number, training: boolean): void {
    const n = rows * this.inputDim!;
    if (training && this.rate > 0) backend.kernels.dropoutForward(this.state(backend), b.x, b.y, b.mask, n, this.rate);
    else backend.heap.f32.copyWithin(word(b.y), word(b.x), word(b.x) + n);
  }

  backward({ kernels: k, heap }: Backend, b: LayerBuffers, rows: number): void {
    if (!b.dx) return;
    const n = rows * this.inputDim!;
    if (this.rate > 0) k.binary(BinOp.Mul, b.dy, Bcast.Full, b.mask, Bcast.Full, b.dx, 1, n);
    else heap.f32.copyWithin(word(b.dx), word(b.dy), word(b.dy) + n);
  }

  override releaseMemory(): void {
    this.rng?.free();
    this.rng = null;
  }

  getConfig() {
    return { rate: this.rate, seed: this.seed ?? null };
  }
}
