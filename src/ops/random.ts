// Random tensors from the seeded PRNG (xoshiro128**, bit-identical across backends): the global stream that
// setSeed resets, or one seeded for a single call when `seed` is given, so the same seed gives the same values.

import type { Ptr } from '../backend/kernels.js';
import { activeBackend } from '../engine.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkInt, checkNumber, checkShape, describe } from '../validate.js';
import { empty } from './op.js';

function random(op: string, shape: number[], dtype: DType, seed: number | undefined, draw: (state: Ptr, out: Ptr, n: number) => void): Tensor {
  checkShape(op, 'shape', shape);
  if (dtype !== 'float32') throw new Error(`${op}: dtype must be 'float32', got ${describe(dtype)}`);
  if (seed !== undefined) checkInt(op, 'seed', seed, -(2 ** 31), 2 ** 32 - 1);
  const t = empty(op, shape.slice(), dtype);
  const backend = activeBackend();
  let state = backend.rngState;
  if (seed !== undefined) {
    state = backend.heap.alloc(16);
    backend.kernels.rngSeed(state, seed >>> 0);
  }
  draw(state, t.ptr(), t.size);
  if (seed !== undefined) backend.heap.free(state);
  return t;
}

/**
 * Values from a normal distribution.
 * @example tf.randomNormal([2, 2]).print();
 */
export function randomNormal(shape: number[], mean = 0, stdDev = 1, dtype: DType = 'float32', seed?: number): Tensor {
  checkNumber('randomNormal', 'mean', mean);
  checkNumber('randomNormal', 'stdDev', stdDev);
  return random('randomNormal', shape, dtype, seed, (state, out, n) => activeBackend().kernels.rngNormal(state, out, n, mean, stdDev, 0));
}

/** Values from a normal distribution, redrawn when more than two standard deviations from the mean. */
export function truncatedNormal(shape: number[], mean = 0, stdDev = 1, dtype: DType = 'float32', seed?: number): Tensor {
  checkNumber('truncatedNormal', 'mean', mean);
  checkNumber('truncatedNormal', 'stdDev', stdDev);
  return random('truncatedNormal', shape, dtype, seed, (state, out, n) => activeBackend().kernels.rngNormal(state, out, n, mean, stdDev, 1));
}

/** Values uniform in [minval, maxval). */
export function randomUniform(shape: number[], minval = 0, maxval = 1, dtype: DType = 'float32', seed?: number): Tensor {
  checkNumber('randomUniform', 'minval', minval);
  checkNumber('randomUniform', 'maxval', maxval);
  if (!(maxval > minval)) throw new Error(`randomUniform: maxval must be greater than minval, got [${minval}, ${maxval})`);
  return random('randomUniform', shape, dtype, seed, (state, out, n) => activeBackend().kernels.rngUniform(state, out, n, minval, maxval));
}
