// Weight initializers with TF.js's names, defaults and formulas (VarianceScaling: truncated normal with
// stddev sqrt(scale / fan) for the normal ones, uniform within sqrt(3 scale / fan) for the uniform ones).
// They fill a region of the parameter arena in place from the seeded PRNG.

import type { Backend } from './backend/backend.js';
import type { Ptr } from './backend/kernels.js';
import { checkOptions, describe, didYouMean, is, type Schema } from './validate.js';

export interface Initializer {
  /** TF.js's class name, used when saving (e.g. 'VarianceScaling', 'Zeros'). */
  readonly className: string;
  /** Writes n values at ptr for a weight with these fans. */
  fill(backend: Backend, ptr: Ptr, n: number, fanIn: number, fanOut: number): void;
  getConfig(): Record<string, unknown>;
}

type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';

/** Draws from the global PRNG, or from one seeded for this call when the initializer has a seed. */
function draw(backend: Backend, seed: number | undefined, fn: (state: Ptr) => void): void {
  if (seed === undefined) return fn(backend.rngState);
  const state = backend.heap.alloc(16);
  backend.kernels.rngSeed(state, seed >>> 0);
  fn(state);
  backend.heap.free(state);
}

class VarianceScaling implements Initializer {
  readonly className = 'VarianceScaling';
  constructor(
    readonly scale: number,
    readonly mode: FanMode,
    readonly distribution: 'normal' | 'uniform',
    readonly seed?: number,
  ) {}
  fill(backend: Backend, ptr: Ptr, n: number, fanIn: number, fanOut: number): void {
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const scale = this.scale / Math.max(1, fan);
    draw(backend, this.seed, (state) => {
      if (this.distribution === 'normal') backend.kernels.rngNormal(state, ptr, n, 0, Math.sqrt(scale), 1);
      else backend.kernels.rngUniform(state, ptr, n, -Math.sqrt(3 * scale), Math.sqrt(3 * scale));
    });
  }
  getConfig() {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed ?? null };
  }
}

class Constant implements Initializer {
  constructor(
    readonly className: 'Zeros' | 'Ones',
    readonly value: number,
  ) {}
  fill(backend: Backend, ptr: Ptr, n: number): void {
    backend.kernels.fill(ptr, n, this.value);
  }
  getConfig() {
    return {};
  }
}

class RandomNormal implements Initializer {
  readonly className = 'RandomNormal';
  constructor(
    readonly mean = 0,
    readonly stddev = 0.05,
    readonly seed?: number,
  ) {}
  fill(backend: Backend, ptr: Ptr, n: number): void {
    draw(backend, this.seed, (state) => backend.kernels.rngNormal(state, ptr, n, this.mean, this.stddev, 0));
  }
  getConfig() {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed ?? null };
  }
}

class RandomUniform implements Initializer {
  readonly className = 'RandomUniform';
  constructor(
    readonly minval = -0.05,
    readonly maxval = 0.05,
    readonly seed?: number,
  ) {}
  fill(backend: Backend, ptr: Ptr, n: number): void {
    draw(backend, this.seed, (state) => backend.kernels.rngUniform(state, ptr, n, this.minval, this.maxval));
  }
  getConfig() {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed ?? null };
  }
}

type SeedArgs = { seed?: number };

const SEED = is.int(-(2 ** 31), 2 ** 32 - 1);
const SEED_ONLY: Schema = { seed: SEED };
const VARIANCE_SCALING: Schema = {
  scale: is.number(0, Infinity, { min: true }),
  mode: is.oneOf('fanIn', 'fanOut', 'fanAvg'),
  distribution: is.oneOf('normal', 'uniform'),
  seed: SEED,
};
const RANDOM_NORMAL: Schema = { mean: is.number(), stddev: is.number(0), seed: SEED };
const RANDOM_UNIFORM: Schema = { minval: is.number(), maxval: is.number(), seed: SEED };

/** A factory taking only a seed, as glorotUniform({ seed }) and its siblings. */
const seeded =
  (op: string, scale: number, mode: FanMode, distribution: 'normal' | 'uniform') =>
  (args?: SeedArgs): Initializer =>
    new VarianceScaling(scale, mode, distribution, checkOptions(op, 'args', args, SEED_ONLY).seed);

/** Initializer factories with TF.js's names: `tf.initializers.heNormal({ seed: 1 })`. */
export const initializers = {
  glorotUniform: seeded('glorotUniform', 1, 'fanAvg', 'uniform'),
  glorotNormal: seeded('glorotNormal', 1, 'fanAvg', 'normal'),
  heNormal: seeded('heNormal', 2, 'fanIn', 'normal'),
  heUniform: seeded('heUniform', 2, 'fanIn', 'uniform'),
  leCunNormal: seeded('leCunNormal', 1, 'fanIn', 'normal'),
  leCunUniform: seeded('leCunUniform', 1, 'fanIn', 'uniform'),
  varianceScaling: (args?: { scale?: number; mode?: FanMode; distribution?: 'normal' | 'uniform'; seed?: number }): Initializer => {
    const { scale = 1, mode = 'fanIn', distribution = 'normal', seed } = checkOptions('varianceScaling', 'args', args, VARIANCE_SCALING);
    return new VarianceScaling(scale, mode, distribution, seed);
  },
  zeros: (): Initializer => new Constant('Zeros', 0),
  ones: (): Initializer => new Constant('Ones', 1),
  randomNormal: (args?: { mean?: number; stddev?: number; seed?: number }): Initializer => {
    const { mean, stddev, seed } = checkOptions('randomNormal', 'args', args, RANDOM_NORMAL);
    return new RandomNormal(mean, stddev, seed);
  },
  randomUniform: (args?: { minval?: number; maxval?: number; seed?: number }): Initializer => {
    const { minval, maxval, seed } = checkOptions('randomUniform', 'args', args, RANDOM_UNIFORM);
    return new RandomUniform(minval, maxval, seed);
  },
};

export type InitializerIdentifier = keyof typeof initializers;

/** An initializer from a name ('heNormal'), or an Initializer object (which must have its methods). */
export function getInitializer(op: string, name: string, value: unknown): Initializer {
  if (typeof value === 'string' && Object.hasOwn(initializers, value)) return initializers[value as InitializerIdentifier]();
  const candidate = value as Partial<Initializer> | null;
  if (candidate !== null && typeof candidate === 'object' && typeof candidate.fill === 'function' && typeof candidate.getConfig === 'function' && typeof candidate.className === 'string') {
    return value as Initializer;
  }
  const names = Object.keys(initializers);
  const hint = typeof value === 'string' ? didYouMean(value, names) : `; expected one of ${names.join(', ')} or a tf.initializers object`;
  throw new Error(`${op}: ${name} ${describe(value)} is not an initializer${hint}`);
}

/** Rebuilds a saved initializer ({ class_name, config } in the TF.js Layers format). */
export function initializerFromConfig(className: string, config: Record<string, unknown>): Initializer {
  const seed = typeof config.seed === 'number' ? config.seed : undefined;
  switch (className) {
    case 'VarianceScaling':
      return new VarianceScaling(Number(config.scale ?? 1), (config.mode as FanMode) ?? 'fanIn', (config.distribution as 'normal' | 'uniform') ?? 'normal', seed);
    case 'Zeros':
      return initializers.zeros();
    case 'Ones':
      return initializers.ones();
    case 'RandomNormal':
      return new RandomNormal(Number(config.mean ?? 0), Number(config.stddev ?? 0.05), seed);
    case 'RandomUniform':
      return new RandomUniform(Number(config.minval ?? -0.05), Number(config.maxval ?? 0.05), seed);
    case 'GlorotUniform':
    case 'GlorotNormal':
    case 'HeNormal':
    case 'HeUniform':
    case 'LeCunNormal':
    case 'LeCunUniform': {
      const name = (className[0].toLowerCase() + className.slice(1)) as InitializerIdentifier;
      return (initializers[name] as (a: SeedArgs) => Initializer)({ seed });
    }
    default:
      throw new Error(`loadLayersModel: unsupported initializer ${describe(className)}`);
  }
}
