// Comparisons with NumPy broadcasting over any rank: equal, notEqual, greater, greaterEqual, less, lessEqual.
// Operands upcast to their common dtype as in TF.js (an int32 tensor against 2.5 compares as float32); the
// result is bool, with a gradient (of zeros) for greaterEqual only, as in TF.js.

import { Binary } from '../backend/kernels.js';
import { Tensor } from '../tensor/tensor.js';
import { recordZeroGradient } from './creation.js';
import { op, type TensorLike } from './op.js';
import { broadcastBinary, type Codes, operands } from './arithmetic.js';

type Operand = Tensor | TensorLike;

/** a op b; `zeroGradient` records a gradient of zeros (TF.js registers one for greaterEqual only). */
function compare(name: string, codes: Codes, a: Operand, b: Operand, zeroGradient = false): Tensor {
  const [$a, $b] = operands(name, a, b);
  const out = broadcastBinary(name, codes, $a, $b, 'bool');
  if (zeroGradient) recordZeroGradient([$a, $b], out);
  return out;
}

/**
 * a == b elementwise, broadcasting (NaN equals nothing).
 * @example tf.tensor1d([1, 2, 3]).equal(tf.tensor1d([2, 2, 2])).print();
 */
export const equal = op((a: Operand, b: Operand): Tensor => compare('equal', [Binary.Equal, Binary.EqualInt], a, b));

/**
 * a != b elementwise, broadcasting (NaN differs from everything).
 * @example tf.tensor1d([1, 2, 3]).notEqual(tf.tensor1d([0, 2, 3])).print();
 */
export const notEqual = op((a: Operand, b: Operand): Tensor => compare('notEqual', [Binary.NotEqual, Binary.NotEqualInt], a, b));

/**
 * a > b elementwise, broadcasting.
 * @example tf.tensor1d([1, 2, 3]).greater(tf.tensor1d([2, 2, 2])).print();
 */
export const greater = op((a: Operand, b: Operand): Tensor => compare('greater', [Binary.Greater, Binary.GreaterInt], a, b));

/**
 * a >= b elementwise, broadcasting.
 * @example tf.tensor1d([1, 2, 3]).greaterEqual(tf.tensor1d([2, 2, 2])).print();
 */
export const greaterEqual = op((a: Operand, b: Operand): Tensor => compare('greaterEqual', [Binary.GreaterEqual, Binary.GreaterEqualInt], a, b, true));

/**
 * a < b elementwise, broadcasting.
 * @example tf.tensor1d([1, 2, 3]).less(tf.tensor1d([2, 2, 2])).print();
 */
export const less = op((a: Operand, b: Operand): Tensor => compare('less', [Binary.Less, Binary.LessInt], a, b));

/**
 * a <= b elementwise, broadcasting.
 * @example tf.tensor1d([1, 2, 3]).lessEqual(tf.tensor1d([2, 2, 2])).print();
 */
export const lessEqual = op((a: Operand, b: Operand): Tensor => compare('lessEqual', [Binary.LessEqual, Binary.LessEqualInt], a, b));

declare module '../tensor/tensor.js' {
  interface Tensor {
    equal(b: Operand): Tensor;
    notEqual(b: Operand): Tensor;
    greater(b: Operand): Tensor;
    greaterEqual(b: Operand): Tensor;
    less(b: Operand): Tensor;
    lessEqual(b: Operand): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  equal(this: Tensor, b: Operand) {
    return equal(this, b);
  },
  notEqual(this: Tensor, b: Operand) {
    return notEqual(this, b);
  },
  greater(this: Tensor, b: Operand) {
    return greater(this, b);
  },
  greaterEqual(this: Tensor, b: Operand) {
    return greaterEqual(this, b);
  },
  less(this: Tensor, b: Operand) {
    return less(this, b);
  },
  lessEqual(this: Tensor, b: Operand) {
    return lessEqual(this, b);
  },
});
