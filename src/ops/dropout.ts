// tf.dropout as TF.js composes it: a mask of uniform draws (of noiseShape, broadcast over x), each kept with
// probability 1 - rate and scaled by 1 / (1 - rate), times x. The mask is a constant, so the gradient is dy
// through the same mask. (The Dropout layer runs its own fused kernel: see fused.ts.)

import type { Tensor } from '../tensor/tensor.js';
import { checkInt, describe, is } from '../validate.js';
import { add, div, mul } from './arithmetic.js';
import { clone } from './cast.js';
import { checkDtype, convert, op, type TensorLike } from './op.js';
import { randomUniform } from './random.js';
import { floor } from './unary.js';

/** noiseShape as TF.js reads it (null for x's shape; a null entry of a full-rank one is x's size there), checked. */
function maskShape(x: Tensor, noiseShape: unknown): number[] {
  if (noiseShape === undefined || noiseShape === null) return x.shape.slice();
  const valid = Array.isArray(noiseShape) && Array.from(noiseShape).every((d) => (d === null && noiseShape.length === x.rank) || (Number.isInteger(d) && d >= 0));
  if (!valid) throw new Error(`dropout: noiseShape must be an array of non-negative integers (null for x's size, given one per axis of x), got ${describe(noiseShape)}`);
  const shape = Array.from(noiseShape as Array<number | null>, (d, i) => d ?? x.shape[i]);
  const offset = x.rank - shape.length;
  const fits = offset >= 0 && shape.every((d, i) => d === 1 || d === x.shape[offset + i]);
  if (!fits) throw new Error(`dropout: noiseShape [${shape.join(', ')}] must broadcast to the shape of x [${x.shape.join(', ')}]`);
  return shape;
}

/**
 * x with each value zeroed with probability rate and the others scaled by 1 / (1 - rate); values along axes
 * where noiseShape is 1 are kept or dropped together. seed makes the draws reproducible.
 * @example tf.dropout(tf.tensor1d([1, 2, 2, 1]), 0.75).print();
 */
export const dropout = op((x: Tensor | TensorLike, rate: number, noiseShape?: number[] | null, seed?: number | null): Tensor => {
  const $x = convert('dropout', 'x', x);
  checkDtype('dropout', 'x', $x, 'float32');
  is.number(0, 1, { max: true })('dropout', 'rate', rate);
  const shape = maskShape($x, noiseShape);
  if (seed !== undefined && seed !== null) checkInt('dropout', 'seed', seed, -(2 ** 31), 2 ** 32 - 1);
  if (rate === 0) return clone($x);
  const keep = 1 - rate;
  // TF.js's mask, rounding for rounding: floor(u + keep) is 1 with probability keep.
  return mul($x, div(floor(add(randomUniform(shape, 0, 1, 'float32', seed ?? undefined), keep)), keep));
});
