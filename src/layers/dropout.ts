// Dropout and the noise layers, TF.js's: dropout, spatialDropout1d, gaussianNoise, gaussianDropout and
// alphaDropout. Each acts in training only and passes its input through in inference. Their random draws come
// from the layer's own PRNG state when it has a seed, else from the global one (setSeed), through the random
// kernels, so a training step recorded as a program draws afresh at every replay.

import { Block } from '../block.js';
import { activeBackend } from '../engine.js';
import { add, div, mul } from '../ops/arithmetic.js';
import { cast } from '../ops/cast.js';
import { greaterEqual } from '../ops/compare.js';
import { dropoutMask } from '../ops/fused.js';
import { empty } from '../ops/op.js';
import { floor } from '../ops/unary.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, is, type Schema } from '../validate.js';
import { Layer, type Kwargs, type LayerArgs, type Shape } from './layer.js';

const first = (inputs: Tensor | Tensor[]): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);
const RATE = is.number(0, 1, { max: true });
const SEED = is.int(-(2 ** 31), 2 ** 32 - 1);

/** A layer that draws random numbers: from a PRNG state of its own when it has a seed. */
abstract class RandomLayer extends Layer {
  override supportsMasking = true;
  readonly seed: number | undefined;
  private rng: Block | null = null;

  /** Its draws in training depend on how the batch is cut. */
  override samplewise(): boolean {
    return false;
  }

  constructor(args: LayerArgs & { seed?: number }, own: { op: string; options: Schema; required?: Record<string, string> }) {
    super(args, own);
    this.seed = args?.seed;
  }

  /**
   * A seeded layer seeds its state here, before any call: seeded inside fit's first step, the seeding would be
   * recorded with it, and every replayed step would draw the first step's numbers again.
   */
  override build(inputShape: Shape | Shape[]): void {
    super.build(inputShape);
    if (this.seed !== undefined) this.state();
  }

  /** The PRNG state to draw from. */
  protected state(): number {
    const backend = activeBackend();
    if (this.seed === undefined) return backend.rngState;
    if (!this.rng) {
      this.rng = new Block(16, this, this.name, 'the random state of its seed');
      backend.kernels.rngSeed(this.rng.ptr(), this.seed >>> 0);
    }
    return this.rng.ptr();
  }

  /** Uniform draws in [0, 1). */
  protected uniform(shape: number[]): Tensor {
    const t = empty(this.name, shape, 'float32');
    if (t.size > 0) activeBackend().kernels.rngUniform(this.state(), t.ptr(), t.size, 0, 1);
    return t;
  }

  /** Normal draws. */
  protected normal(shape: number[], mean: number, stddev: number): Tensor {
    const t = empty(this.name, shape, 'float32');
    if (t.size > 0) activeBackend().kernels.rngNormal(this.state(), t.ptr(), t.size, mean, stddev, 0);
    return t;
  }

  /** x with values kept with probability 1 - rate, scaled by 1 / (1 - rate), in groups of one draw per value of `noise`. */
  protected dropGroups(x: Tensor, rate: number, noise: number[]): Tensor {
    const keep = 1 - rate;
    return mul(x, div(floor(add(this.uniform(noise), keep)), keep));
  }

  override dispose(): void {
    super.dispose();
    this.rng?.free();
    this.rng = null;
  }
}

/** noiseShape as TF.js reads it: null entries take the input's size there. */
function noiseOf(layer: Layer, noiseShape: Array<number | null>, x: Tensor): number[] {
  if (noiseShape.length !== x.rank) throw new Error(`${layer.name}: noiseShape ${describe(noiseShape)} must have one entry per axis of the input, of shape [${x.shape.join(', ')}]`);
  const shape = noiseShape.map((d, i) => d ?? x.shape[i]);
  if (shape.some((d, i) => d !== 1 && d !== x.shape[i])) throw new Error(`${layer.name}: noiseShape [${shape.join(', ')}] must broadcast to the input's shape [${x.shape.join(', ')}]`);
  return shape;
}

const NOISE_SHAPE = (op: string, name: string, v: unknown) => {
  if (!(Array.isArray(v) && v.every((d) => d === null || (Number.isSafeInteger(d) && d >= 1)))) throw new Error(`${op}: ${name} must be an array of positive sizes or null, got ${describe(v)}`);
};

export interface DropoutArgs extends LayerArgs {
  rate: number;
  /** The shape of the mask, broadcast over the input (null entries: the input's size). */
  noiseShape?: Array<number | null>;
  seed?: number;
}

/** Inverted dropout: each value zeroed with probability rate, the rest scaled by 1 / (1 - rate). */
export class Dropout extends RandomLayer {
  static override className = 'Dropout';
  readonly rate: number;
  readonly noiseShape: Array<number | null> | null;

  constructor(args: DropoutArgs, op = 'dropout') {
    super(args, { op, options: { rate: RATE, seed: SEED, noiseShape: NOISE_SHAPE }, required: { rate: 'a fraction in [0, 1) of the inputs to drop' } });
    this.rate = args.rate;
    this.noiseShape = args.noiseShape?.slice() ?? null;
  }

  /** The mask's shape for an input, or null for one draw per value (the fused kernel). */
  protected maskShape(x: Tensor): number[] | null {
    return this.noiseShape ? noiseOf(this, this.noiseShape, x) : null;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = first(inputs);
    if (!kwargs.training || this.rate === 0) return x;
    const noise = this.maskShape(x);
    return noise ? this.dropGroups(x, this.rate, noise) : dropoutMask(x, this.rate, this.state());
  }

  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, noiseShape: this.noiseShape, seed: this.seed ?? null, ...super.getConfig() };
  }
}

/** Dropout of whole channels of [batch, steps, channels]: one draw per sample and channel. */
export class SpatialDropout1D extends Dropout {
  static override className = 'SpatialDropout1D';
  constructor(args: DropoutArgs) {
    super(args, 'spatialDropout1d');
  }
  override computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 3) throw new Error(`spatialDropout1d: layer ${this.name} needs input of shape [batch, steps, channels], got [${inputShape.map((d) => d ?? 'null').join(', ')}]`);
    return inputShape;
  }
  protected override maskShape(x: Tensor): number[] {
    return [x.shape[0], 1, x.shape[2]];
  }
}

/** Adds zero-mean normal noise of standard deviation stddev. */
export class GaussianNoise extends RandomLayer {
  static override className = 'GaussianNoise';
  readonly stddev: number;
  constructor(args: LayerArgs & { stddev: number; seed?: number }) {
    super(args, { op: 'gaussianNoise', options: { stddev: is.number(0), seed: SEED }, required: { stddev: 'the standard deviation of the noise' } });
    this.stddev = args.stddev;
  }
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = first(inputs);
    return kwargs.training ? add(x, this.normal(x.shape, 0, this.stddev)) : x;
  }
  override getConfig(): Record<string, unknown> {
    return { stddev: this.stddev, ...super.getConfig() };
  }
}

/** Multiplies by normal noise of mean 1 and standard deviation sqrt(rate / (1 - rate)). */
export class GaussianDropout extends RandomLayer {
  static override className = 'GaussianDropout';
  readonly rate: number;
  constructor(args: LayerArgs & { rate: number; seed?: number }) {
    super(args, { op: 'gaussianDropout', options: { rate: RATE, seed: SEED }, required: { rate: 'a fraction in [0, 1)' } });
    this.rate = args.rate;
  }
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = first(inputs);
    if (!kwargs.training || this.rate === 0) return x;
    return mul(x, this.normal(x.shape, 1, Math.sqrt(this.rate / (1 - this.rate))));
  }
  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, ...super.getConfig() };
  }
}

/** Dropout that keeps SELU's self-normalizing mean and variance: dropped values go to SELU's floor, then an affine map. */
export class AlphaDropout extends RandomLayer {
  static override className = 'AlphaDropout';
  readonly rate: number;
  readonly noiseShape: Array<number | null> | null;
  constructor(args: LayerArgs & { rate: number; noiseShape?: Array<number | null>; seed?: number }) {
    super(args, { op: 'alphaDropout', options: { rate: RATE, noiseShape: NOISE_SHAPE, seed: SEED }, required: { rate: 'a fraction in [0, 1)' } });
    this.rate = args.rate;
    this.noiseShape = args.noiseShape?.slice() ?? null;
  }
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = first(inputs);
    if (!kwargs.training || this.rate === 0) return x;
    const alphaP = -1.6732632423543772848170429916717 * 1.0507009873554804934193349852946; // -alpha·scale of SELU
    const kept = cast(greaterEqual(this.uniform(this.noiseShape ? noiseOf(this, this.noiseShape, x) : x.shape), this.rate), 'float32');
    const a = ((1 - this.rate) * (1 + this.rate * alphaP ** 2)) ** -0.5;
    const b = -a * alphaP * this.rate;
    // Dropped values go to alphaP, as Keras has it (TF.js 4.22 flips the sign, which shifts the mean by ~0.6 at rate 0.2).
    return add(mul(add(mul(x, kept), mul(add(mul(kept, -1), 1), alphaP)), a), b);
  }
  override getConfig(): Record<string, unknown> {
    return { rate: this.rate, ...super.getConfig() };
  }
}
