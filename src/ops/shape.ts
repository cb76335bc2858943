// Shape ops that keep the values in order, sharing them: reshape (with one -1 inferred), as TF.js's.

import { record, recording } from '../autodiff/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../validate.js';
import { convert, op, view, type TensorLike } from './op.js';

type Operand = Tensor | TensorLike;

/** `shape` for a tensor of `size` values, with a -1 replaced by what makes the sizes agree. */
export function inferShape(name: string, shape: unknown, size: number): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new Error(`${name}: shape must be an array of non-negative integers (one of them may be -1), got ${describe(shape)}`);
  }
  const unknown = shape.indexOf(-1);
  if (unknown !== shape.lastIndexOf(-1)) throw new Error(`${name}: shape may hold one -1 at most, got [${shape.join(', ')}]`);
  const known = shape.reduce((p: number, d: number) => (d === -1 ? p : p * d), 1);
  const out = shape.slice() as number[];
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) throw new Error(`${name}: cannot reshape a tensor of ${size} values into shape [${shape.join(', ')}]`);
    out[unknown] = size / known;
  } else if (known !== size) {
    throw new Error(`${name}: cannot reshape a tensor of ${size} values into shape [${shape.join(', ')}] (${known} values)`);
  }
  return out;
}

/**
 * x's values in another shape of the same size; one axis may be -1, to be inferred.
 * @example tf.tensor1d([1, 2, 3, 4]).reshape([2, 2]).print();
 */
export const reshape = op((x: Operand, shape: number[]): Tensor => {
  const $x = convert('reshape', 'x', x);
  const out = view($x, inferShape('reshape', shape, $x.size));
  if (recording()) {
    const from = $x.shape.slice();
    record([$x], [out], [], ([dy]) => [reshape(dy, from)]);
  }
  return out;
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    reshape(shape: number[]): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  reshape(this: Tensor, shape: number[]) {
    return reshape(this, shape);
  },
});
