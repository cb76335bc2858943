// Random tensors from the seeded PRNG (xoshiro128**, bit-identical across backends): the global stream that
// setSeed resets, or one seeded for a single call when `seed` is given, so the same seed gives the same values.
// Uniform, normal (plain, standard, truncated), integer, gamma and multinomial draws, with TF.js's dtypes.

import { DTYPE_CODES, RNG_STATE_BYTES, RngNormal, type Ptr } from '../backend/kernels.js';
import { activeBackend } from '../engine.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBool, checkInt, checkNumber, checkShape, describe } from '../validate.js';
import { softmax } from './activations.js';
import { cast } from './cast.js';
import { convert, empty, kernels, op, type TensorLike } from './op.js';
import { reshape } from './shape.js';

/** Throws unless seed is undefined, null or a 32-bit integer (signed or not). */
function checkSeed(op: string, seed: unknown): void {
  if (seed !== undefined && seed !== null) checkInt(op, 'seed', seed, -(2 ** 31), 2 ** 32 - 1);
}

/** Runs draw with the PRNG state to use: one seeded for this call when seed is given, else the global stream. */
function withRandomState<T>(seed: number | undefined | null, draw: (state: Ptr) => T): T {
  if (seed === undefined || seed === null) return draw(activeBackend().rngState);
  const heap = activeBackend().heap;
  const state = heap.alloc(RNG_STATE_BYTES);
  try {
    kernels().rngSeed(state, seed >>> 0);
    return draw(state);
  } finally {
    heap.free(state);
  }
}

/** A new tensor of shape and dtype filled by draw(state, out, size). */
function random(op: string, shape: number[], dtype: DType, seed: number | undefined, draw: (state: Ptr, out: Ptr, n: number) => void): Tensor {
  checkShape(op, 'shape', shape);
  checkSeed(op, seed);
  const out = empty(op, shape.slice(), dtype);
  const at = out.ptr(op);
  withRandomState(seed, (state) => draw(state, at, out.size));
  return out;
}

/** The dtype TF.js's normal and gamma draws take: float32, or int32 (rounded); null or undefined for float32. */
function numericDtype(op: string, dtype: DType | null | undefined): 'float32' | 'int32' {
  if (dtype === undefined || dtype === null) return 'float32';
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`${op}: dtype must be 'float32' or 'int32', got ${describe(dtype)}`);
  return dtype;
}

/** Throws unless bounds of int32 draws lie within int32. */
function checkIntBounds(op: string, minval: number, maxval: number): void {
  for (const [name, v] of [['minval', minval], ['maxval', maxval]] as const) {
    if (v < -(2 ** 31) || v > 2 ** 31) throw new Error(`${op}: ${name} must lie within int32 for integer values, got ${v}`);
  }
}

/** Normal draws of mean and stdDev, redrawn beyond two standard deviations when truncated, int32 rounded. */
function normal(op: string, shape: number[], mean: number, stdDev: number, dtype: DType | undefined, seed: number | undefined, truncated: boolean): Tensor {
  checkNumber(op, 'mean', mean);
  checkNumber(op, 'stdDev', stdDev);
  const type = numericDtype(op, dtype);
  const mode = (truncated ? RngNormal.Truncated : 0) | (type === 'int32' ? RngNormal.Int32 : 0);
  return random(op, shape, type, seed, (state, out, n) => kernels().rngNormal(state, out, n, mean, stdDev, mode));
}

/**
 * Values from a normal distribution (int32 values are rounded).
 * @example tf.randomNormal([2, 2]).print();
 */
export function randomNormal(shape: number[], mean = 0, stdDev = 1, dtype?: 'float32' | 'int32', seed?: number): Tensor {
  return normal('randomNormal', shape, mean, stdDev, dtype, seed, false);
}

/**
 * Values from the standard normal distribution (mean 0, standard deviation 1).
 * @example tf.randomStandardNormal([2, 2]).print();
 */
export function randomStandardNormal(shape: number[], dtype?: 'float32' | 'int32', seed?: number): Tensor {
  return normal('randomStandardNormal', shape, 0, 1, dtype, seed, false);
}

/**
 * Values from a normal distribution, redrawn when more than two standard deviations from the mean.
 * @example tf.truncatedNormal([2, 2]).print();
 */
export function truncatedNormal(shape: number[], mean = 0, stdDev = 1, dtype?: 'float32' | 'int32', seed?: number): Tensor {
  return normal('truncatedNormal', shape, mean, stdDev, dtype, seed, true);
}

/**
 * Values uniform in [minval, maxval). int32 values are uniform integers there (floor of a uniform draw); bool
 * values are true where that integer is not 0.
 * @example tf.randomUniform([2, 2]).print();
 */
export function randomUniform(shape: number[], minval = 0, maxval = 1, dtype: DType | null = 'float32', seed?: number): Tensor {
  checkNumber('randomUniform', 'minval', minval);
  checkNumber('randomUniform', 'maxval', maxval);
  if (!(maxval > minval)) throw new Error(`randomUniform: maxval must be greater than minval, got [${minval}, ${maxval})`);
  const type = dtype ?? 'float32';
  if (type === 'float32') return random('randomUniform', shape, type, seed, (state, out, n) => kernels().rngUniform(state, out, n, minval, maxval));
  if (type !== 'int32' && type !== 'bool') throw new Error(`randomUniform: dtype must be 'float32', 'int32' or 'bool', got ${describe(type)}`);
  checkIntBounds('randomUniform', minval, maxval);
  return random('randomUniform', shape, type, seed, (state, out, n) => {
    kernels().rngUniformInt(state, out, n, minval, maxval);
    if (type === 'bool') kernels().cast(out, DTYPE_CODES.int32, DTYPE_CODES.bool, out, n);
  });
}

/**
 * Integers uniform in [minval, maxval), int32.
 * @example tf.randomUniformInt([2, 2], 0, 10).print();
 */
export function randomUniformInt(shape: number[], minval: number, maxval: number, seed?: number): Tensor {
  checkNumber('randomUniformInt', 'minval', minval);
  checkNumber('randomUniformInt', 'maxval', maxval);
  if (!(maxval > minval)) throw new Error(`randomUniformInt: maxval must be greater than minval, got [${minval}, ${maxval})`);
  checkIntBounds('randomUniformInt', minval, maxval);
  return random('randomUniformInt', shape, 'int32', seed, (state, out, n) => kernels().rngUniformInt(state, out, n, minval, maxval));
}

/**
 * Values from a gamma distribution of shape alpha, scaled by beta as TF.js scales them (mean alpha * beta).
 * @example tf.randomGamma([2, 2], 1).print();
 */
export function randomGamma(shape: number[], alpha: number, beta: number | null = 1, dtype?: 'float32' | 'int32', seed?: number): Tensor {
  const scale = beta ?? 1;
  for (const [name, v] of [['alpha', alpha], ['beta', scale]] as const) {
    checkNumber('randomGamma', name, v);
    if (!(v > 0)) throw new Error(`randomGamma: ${name} must be greater than 0, got ${v}`);
  }
  const type = numericDtype('randomGamma', dtype);
  return random('randomGamma', shape, type, seed, (state, out, n) => kernels().rngGamma(state, out, n, alpha, scale, +(type === 'int32')));
}

/**
 * numSamples draws of an outcome per row of logits (rank 1, or rank 2 for a batch of rows), int32: logits
 * are unnormalized log-probabilities, or probabilities when normalized.
 * @example tf.multinomial(tf.tensor1d([0.75, 0.25]), 3, undefined, true).print();
 */
export const multinomial = op((logits: Tensor | TensorLike, numSamples: number, seed?: number, normalized = false): Tensor => {
  let $logits = convert('multinomial', 'logits', logits);
  if ($logits.rank !== 1 && $logits.rank !== 2) throw new Error(`multinomial: logits must have rank 1 or 2, got shape [${$logits.shape.join(', ')}]`);
  if ($logits.size < 2) throw new Error(`multinomial: logits must hold at least 2 outcomes, got shape [${$logits.shape.join(', ')}]`);
  checkInt('multinomial', 'numSamples', numSamples, 0);
  checkBool('multinomial', 'normalized', normalized);
  checkSeed('multinomial', seed);
  if ($logits.dtype !== 'float32') $logits = cast($logits, 'float32');
  const rows = $logits.rank === 1 ? reshape($logits, [1, -1]) : $logits;
  const probs = normalized ? rows : softmax(rows);
  const [batch, events] = probs.shape;
  const out = empty('multinomial', [batch, numSamples], 'int32');
  const cdf = empty('multinomial', [events], 'float32');
  const [pp, pc, po] = [probs.ptr('multinomial'), cdf.ptr('multinomial'), out.ptr('multinomial')];
  withRandomState(seed, (state) => kernels().rngMultinomial(state, pp, pc, po, batch, events, numSamples));
  return $logits.rank === 1 ? reshape(out, [numSamples]) : out;
});
