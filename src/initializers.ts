// Weight initializers: every one of TF.js 4.22's, with its factory name, class name, defaults, formula and
// getConfig keys. Each fills a weight's memory in place, drawing from the seeded PRNG (one seeded for the call
// when the initializer has a seed, else the global stream). VarianceScaling draws a normal truncated at two
// standard deviations, of stddev sqrt(scale / fan), or a uniform within ±sqrt(3 scale / fan); orthogonal takes Q
// of a normal matrix's QR, computed here in f64 (see orthonormalColumns).

import type { Backend } from './backend/backend.js';
import { word } from './backend/heap.js';
import { DTYPE_CODES, RNG_STATE_BYTES, RngNormal, type Ptr } from './backend/kernels.js';
import { activeBackend } from './engine.js';
import { empty, op } from './ops/op.js';
import { sizeOf, type Tensor } from './tensor/tensor.js';
import { checkInt, checkNumber, checkObject, checkOptions, checkShape, describe, didYouMean, fromIdentifier, is, type Rule, type Schema } from './validate.js';

export interface Initializer {
  /** The class name a saved model gives (TF.js's getClassName(): 'VarianceScaling' for glorotUniform). */
  readonly className: string;
  /** Writes the values of a weight of this shape at ptr. */
  fill(backend: Backend, ptr: Ptr, shape: number[]): void;
  getConfig(): Record<string, unknown>;
}

type FanMode = 'fanIn' | 'fanOut' | 'fanAvg';
/** TF.js's three, and Keras's 'untruncatedNormal' (TF.js refuses it), so Keras files load. */
type Distribution = 'normal' | 'uniform' | 'truncatedNormal' | 'untruncatedNormal';
/** As given: TF.js's getConfig keeps null (the seeded helpers called without arguments) apart from undefined. */
type Seed = number | null | undefined;

/**
 * A weight's fans as TF.js computes them (channels last): [in, out] for a matrix; for a convolution kernel
 * [...window, in, out], each times the window's size; otherwise both the square root of its size.
 */
export function computeFans(shape: number[]): [number, number] {
  if (shape.length === 2) return [shape[0], shape[1]];
  if (shape.length >= 3 && shape.length <= 5) {
    const window = sizeOf(shape.slice(0, -2));
    return [shape[shape.length - 2] * window, shape[shape.length - 1] * window];
  }
  const root = Math.sqrt(sizeOf(shape));
  return [root, root];
}

/** Draws from the global PRNG, or from one seeded for this call when the initializer has a seed. */
function draw(backend: Backend, seed: Seed, fn: (state: Ptr) => void): void {
  if (seed === undefined || seed === null) return fn(backend.rngState);
  const state = backend.heap.alloc(RNG_STATE_BYTES);
  backend.kernels.rngSeed(state, seed >>> 0);
  fn(state);
  backend.heap.free(state);
}

const shapeText = (shape: number[]) => `[${shape.join(', ')}]`;

/** The initializers tf.initializers makes: an Initializer with TF.js's apply(shape) and getClassName(). */
export abstract class BaseInitializer implements Initializer {
  abstract readonly className: string;
  abstract fill(backend: Backend, ptr: Ptr, shape: number[]): void;
  abstract getConfig(): Record<string, unknown>;

  getClassName(): string {
    return this.className;
  }

  /**
   * A new float32 tensor of this shape holding the initializer's values.
   * @example tf.initializers.heNormal({ seed: 1 }).apply([2, 3]).print();
   */
  apply(shape: number[], dtype?: 'float32'): Tensor {
    return applyInitializer(this, shape, dtype);
  }
}

const applyInitializer = op((init: Initializer, shape: number[], dtype: unknown): Tensor => {
  checkShape('apply', 'shape', shape);
  if (dtype !== undefined && dtype !== null && dtype !== 'float32') throw new Error(`apply: dtype must be 'float32', got ${describe(dtype)}`);
  const out = empty('apply', shape.slice(), 'float32');
  init.fill(activeBackend(), out.ptr('apply'), out.shape);
  return out;
});

class VarianceScaling extends BaseInitializer {
  readonly className = 'VarianceScaling';
  constructor(
    readonly scale: number,
    readonly mode: FanMode,
    readonly distribution: Distribution,
    readonly seed: Seed,
  ) {
    super();
  }
  fill(backend: Backend, ptr: Ptr, shape: number[]): void {
    const [fanIn, fanOut] = computeFans(shape);
    const fan = this.mode === 'fanIn' ? fanIn : this.mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
    const variance = this.scale / Math.max(1, fan);
    const n = sizeOf(shape);
    draw(backend, this.seed, (state) => {
      if (this.distribution === 'uniform') backend.kernels.rngUniform(state, ptr, n, -Math.sqrt(3 * variance), Math.sqrt(3 * variance));
      // TF.js takes 'truncatedNormal' but draws uniform values for it (its apply tests for 'normal' alone);
      // neurite draws what the name says, the truncated normal that 'normal' gives.
      else backend.kernels.rngNormal(state, ptr, n, 0, Math.sqrt(variance), this.distribution === 'untruncatedNormal' ? 0 : RngNormal.Truncated);
    });
  }
  getConfig() {
    return { scale: this.scale, mode: this.mode, distribution: this.distribution, seed: this.seed };
  }
}

/** Zeros, Ones and Constant: every value the same. */
class Fill extends BaseInitializer {
  constructor(
    readonly className: 'Zeros' | 'Ones' | 'Constant',
    readonly value: number,
  ) {
    super();
  }
  fill(backend: Backend, ptr: Ptr, shape: number[]): void {
    backend.kernels.fill(ptr, sizeOf(shape), this.value);
  }
  getConfig(): Record<string, unknown> {
    return this.className === 'Constant' ? { value: this.value } : {};
  }
}

/** RandomNormal, and TruncatedNormal (redrawn beyond two standard deviations). */
class Normal extends BaseInitializer {
  constructor(
    readonly className: 'RandomNormal' | 'TruncatedNormal',
    readonly mean: number,
    readonly stddev: number,
    readonly seed: Seed,
  ) {
    super();
  }
  fill(backend: Backend, ptr: Ptr, shape: number[]): void {
    const mode = this.className === 'TruncatedNormal' ? RngNormal.Truncated : 0;
    draw(backend, this.seed, (state) => backend.kernels.rngNormal(state, ptr, sizeOf(shape), this.mean, this.stddev, mode));
  }
  getConfig() {
    return { mean: this.mean, stddev: this.stddev, seed: this.seed };
  }
}

class RandomUniform extends BaseInitializer {
  readonly className = 'RandomUniform';
  constructor(
    readonly minval: number,
    readonly maxval: number,
    readonly seed: Seed,
  ) {
    super();
  }
  fill(backend: Backend, ptr: Ptr, shape: number[]): void {
    draw(backend, this.seed, (state) => backend.kernels.rngUniform(state, ptr, sizeOf(shape), this.minval, this.maxval));
  }
  getConfig() {
    return { minval: this.minval, maxval: this.maxval, seed: this.seed };
  }
}

/** gain times the identity matrix; square matrices only, as in TF.js. */
class Identity extends BaseInitializer {
  readonly className = 'Identity';
  constructor(readonly gain: number) {
    super();
  }
  fill(backend: Backend, ptr: Ptr, shape: number[]): void {
    if (shape.length !== 2 || shape[0] !== shape[1]) throw new Error(`identity: shape must be a square matrix [n, n], got ${shapeText(shape)}`);
    backend.kernels.eye(ptr, 1, shape[0], shape[0], DTYPE_CODES.float32);
    backend.kernels.scale(ptr, ptr, shape[0] * shape[0], this.gain);
  }
  getConfig() {
    return { gain: this.gain };
  }
}

/** Past this much QR work (rows · cols · min(rows, cols), about a second) orthogonal warns, as TF.js does for large weights. */
const SLOW_QR_WORK = 2 ** 28;

/**
 * TF.js's algorithm: the weight as a matrix of rows (every axis but the last) by columns, a standard normal
 * matrix of [max, min] of those, Q of its QR with R's diagonal made positive, transposed when there are fewer
 * rows than columns, times gain. Rows or columns come out orthonormal.
 */
class Orthogonal extends BaseInitializer {
  readonly className = 'Orthogonal';
  constructor(
    readonly gain: number,
    readonly seed: Seed,
  ) {
    super();
  }
  fill(backend: Backend, ptr: Ptr, shape: number[]): void {
    if (shape.length < 2) throw new Error(`orthogonal: shape must have rank 2 or more, got ${shapeText(shape)}`);
    const cols = shape[shape.length - 1];
    const rows = sizeOf(shape.slice(0, -1));
    const [m, k] = [Math.max(rows, cols), Math.min(rows, cols)];
    if (m * k * k > SLOW_QR_WORK) console.warn(`orthogonal: a weight of shape ${shapeText(shape)} takes the QR decomposition of a ${m}x${k} matrix; slowness may result`);
    draw(backend, this.seed, (state) => backend.kernels.rngNormal(state, ptr, m * k, 0, 1, 0));
    const at = word(ptr);
    const q = orthonormalColumns(backend.heap.f32.subarray(at, at + m * k), m, k);
    const out = backend.heap.f32;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) out[at + i * cols + j] = this.gain * (rows >= cols ? q[j][i] : q[i][j]);
    }
  }
  getConfig() {
    return { gain: this.gain, seed: this.seed };
  }
}

/**
 * The columns of Q in a = QR (a is m-by-k row-major, m >= k), in f64 by Gram-Schmidt with each column
 * orthogonalized twice, which leaves them orthonormal to rounding. For a matrix of full rank (a normal draw
 * is, almost surely) this is the one Q whose R has a positive diagonal: what TF.js gets from its Householder QR
 * by multiplying Q's columns by the signs of R's diagonal. A zero column stays zero, as sign(0) makes it there.
 */
function orthonormalColumns(a: ArrayLike<number>, m: number, k: number): Float64Array[] {
  const q: Float64Array[] = [];
  for (let j = 0; j < k; j++) {
    const v = new Float64Array(m);
    for (let i = 0; i < m; i++) v[i] = a[i * k + j];
    for (let pass = 0; pass < 2; pass++) {
      for (const u of q) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += u[i] * v[i];
        for (let i = 0; i < m; i++) v[i] -= dot * u[i];
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += v[i] * v[i];
    const s = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let i = 0; i < m; i++) v[i] *= s;
    q.push(v);
  }
  return q;
}

// ---- the factories, with TF.js's names, option names and defaults ----

/** A seed: a 32-bit integer (signed or not), or null for none, as TF.js's configs write it. */
const SEED: Rule = (op, name, v) => {
  if (v !== null) checkInt(op, name, v, -(2 ** 31), 2 ** 32 - 1);
};
const SEED_ONLY: Schema = { seed: SEED };
const VARIANCE_SCALING: Schema = {
  scale: is.number(0),
  mode: is.oneOf('fanIn', 'fanOut', 'fanAvg'),
  distribution: is.oneOf('normal', 'uniform', 'truncatedNormal', 'untruncatedNormal'),
  seed: SEED,
};
const NORMAL: Schema = { mean: is.number(), stddev: is.number(0), seed: SEED };
const UNIFORM: Schema = { minval: is.number(), maxval: is.number(), seed: SEED };
const GAIN: Schema = { gain: is.number() };
const ORTHOGONAL: Schema = { gain: is.number(), seed: SEED };

type SeedArgs = { seed?: number | null };
type NormalArgs = { mean?: number; stddev?: number; seed?: number | null };

/** glorotUniform and its siblings: VarianceScaling with fixed settings. TF.js gives seed null when called without arguments. */
const seeded =
  (name: string, scale: number, mode: FanMode, distribution: Distribution) =>
  (args?: SeedArgs): BaseInitializer =>
    new VarianceScaling(scale, mode, distribution, args === undefined || args === null ? null : checkOptions(name, 'args', args, SEED_ONLY).seed);

/** RandomNormal or TruncatedNormal. Unlike TF.js, an explicit stddev of 0 is kept, not replaced by the default. */
const normal =
  (name: string, className: 'RandomNormal' | 'TruncatedNormal') =>
  (args?: NormalArgs): BaseInitializer => {
    const { mean = 0, stddev = 0.05, seed } = checkOptions(name, 'args', args, NORMAL);
    return new Normal(className, mean, stddev, seed);
  };

/** Initializer factories with TF.js's names: `tf.initializers.heNormal({ seed: 1 })`. */
export const initializers = {
  zeros: (): BaseInitializer => new Fill('Zeros', 0),
  ones: (): BaseInitializer => new Fill('Ones', 1),
  /** @example tf.initializers.constant({ value: 0.1 }).apply([2, 2]).print(); */
  constant: (args: { value: number }): BaseInitializer => {
    const { value } = checkOptions('constant', 'args', args, { value: is.any });
    checkNumber('constant', 'value', value); // required, unlike the other options
    return new Fill('Constant', value);
  },
  randomNormal: normal('randomNormal', 'RandomNormal'),
  truncatedNormal: normal('truncatedNormal', 'TruncatedNormal'),
  /** Unlike TF.js, explicit bounds of 0 are kept, not replaced by the defaults. */
  randomUniform: (args?: { minval?: number; maxval?: number; seed?: number | null }): BaseInitializer => {
    const { minval = -0.05, maxval = 0.05, seed } = checkOptions('randomUniform', 'args', args, UNIFORM);
    return new RandomUniform(minval, maxval, seed);
  },
  /** @example tf.initializers.identity({ gain: 2 }).apply([3, 3]).print(); */
  identity: (args?: { gain?: number }): BaseInitializer => new Identity(checkOptions('identity', 'args', args, GAIN).gain ?? 1),
  /** @example tf.initializers.orthogonal({ seed: 1 }).apply([2, 4]).print(); */
  orthogonal: (args?: { gain?: number; seed?: number | null }): BaseInitializer => {
    const { gain = 1, seed } = checkOptions('orthogonal', 'args', args, ORTHOGONAL);
    return new Orthogonal(gain, seed);
  },
  varianceScaling: (args?: { scale?: number; mode?: FanMode; distribution?: Distribution; seed?: number | null }): BaseInitializer => {
    const { scale = 1, mode = 'fanIn', distribution = 'normal', seed } = checkOptions('varianceScaling', 'args', args, VARIANCE_SCALING);
    return new VarianceScaling(scale, mode, distribution, seed);
  },
  glorotUniform: seeded('glorotUniform', 1, 'fanAvg', 'uniform'),
  glorotNormal: seeded('glorotNormal', 1, 'fanAvg', 'normal'),
  heNormal: seeded('heNormal', 2, 'fanIn', 'normal'),
  heUniform: seeded('heUniform', 2, 'fanIn', 'uniform'),
  leCunNormal: seeded('leCunNormal', 1, 'fanIn', 'normal'),
  leCunUniform: seeded('leCunUniform', 1, 'fanIn', 'uniform'),
};

export type InitializerIdentifier = keyof typeof initializers;

// ---- names and saved configs ----

/**
 * The names each factory is known by: TF.js's ('glorotUniform'), its class name ('GlorotUniform', which TF.js
 * also takes), and, beyond TF.js, Keras's snake_case name ('glorot_uniform'); `extra` adds other spellings.
 */
export function nameTable<Id extends string>(ids: readonly Id[], extra: Record<string, Id> = {}): Map<string, Id> {
  const table = new Map<string, Id>();
  for (const id of ids) {
    const className = id[0].toUpperCase() + id.slice(1);
    for (const name of [id, className, className.replace(/(.)([A-Z])/g, '$1_$2').toLowerCase()]) table.set(name, id);
  }
  for (const [name, id] of Object.entries(extra)) table.set(name, id);
  return table;
}

const IDS = Object.keys(initializers) as InitializerIdentifier[];
/** Keras spells LeCun 'Lecun' ('LecunNormal', 'lecun_normal'). */
const NAMES = nameTable(IDS, { LecunNormal: 'leCunNormal', LecunUniform: 'leCunUniform', lecun_normal: 'leCunNormal', lecun_uniform: 'leCunUniform' });

/**
 * Rebuilds an initializer from a class name (or any name getInitializer takes) and its config, with string
 * values in camelCase, as TF.js's loader gives them: TF.js's `{ className: 'VarianceScaling', config }`, Keras's
 * `GlorotUniform` with `{ seed }`. The config is checked as the factory checks its arguments; without one the
 * factory's defaults apply, as when TF.js makes an initializer from a name. Messages name the factory or say the
 * name is unsupported; callers add where the config came from.
 */
export function initializerFromConfig(className: string, config?: Record<string, unknown>): Initializer {
  const id = NAMES.get(className);
  if (id === undefined) throw new Error(`unsupported initializer ${describe(className)}${didYouMean(String(className), IDS)}`);
  return (initializers[id] as (args?: Record<string, unknown>) => Initializer)(config);
}

/**
 * An initializer from a name ('heNormal', 'HeNormal', 'he_normal'), an Initializer object, or its serialized
 * form `{ className, config }`, as TF.js's layers take them.
 */
export function getInitializer(op: string, name: string, value: unknown): Initializer {
  const candidate = value as Partial<Initializer> | null;
  if (candidate !== null && typeof candidate === 'object' && typeof candidate.fill === 'function' && typeof candidate.getConfig === 'function' && typeof candidate.className === 'string') {
    return value as Initializer;
  }
  return fromIdentifier(op, name, value, initializerFromConfig, "an initializer; expected a name such as 'glorotUniform', a tf.initializers object or { className, config }");
}
