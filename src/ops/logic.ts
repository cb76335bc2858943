// Logic with NumPy broadcasting over any rank: logicalAnd, logicalOr, logicalXor of bool tensors, and
// where(condition, a, b), which picks from a where condition is true and from b elsewhere, broadcasting all
// three; its gradient routes dy by the condition; and bitwiseAnd of int32 tensors. (logicalNot is elementwise
// math of one tensor: see unary.ts.)

import { Binary } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { zeros } from './creation.js';
import { broadcastShapes, broadcastStrides, checkDtype, checkSameShape, convert, describeStrides, empty, kernels, op, type TensorLike } from './op.js';
import { broadcastBinary, operands, sumTo } from './arithmetic.js';

type Operand = Tensor | TensorLike;

/** An operand of a logical op: a bool tensor, or values read as bools (TF.js's parseAsDtype 'bool'). */
function boolOperand(name: string, argument: string, x: Operand): Tensor {
  const $x = convert(name, argument, x, 'bool');
  checkDtype(name, argument, $x, 'bool');
  return $x;
}

function logical(name: string, code: Binary, a: Operand, b: Operand): Tensor {
  const [$a, $b] = [boolOperand(name, 'a', a), boolOperand(name, 'b', b)];
  return broadcastBinary(name, [code, code], $a, $b, 'bool');
}

/**
 * a AND b elementwise, broadcasting, of bool tensors.
 * @example tf.tensor1d([false, false, true, true], 'bool').logicalAnd(tf.tensor1d([false, true, false, true], 'bool')).print();
 */
export const logicalAnd = op((a: Operand, b: Operand): Tensor => logical('logicalAnd', Binary.LogicalAnd, a, b));

/**
 * a OR b elementwise, broadcasting, of bool tensors.
 * @example tf.tensor1d([false, false, true, true], 'bool').logicalOr(tf.tensor1d([false, true, false, true], 'bool')).print();
 */
export const logicalOr = op((a: Operand, b: Operand): Tensor => logical('logicalOr', Binary.LogicalOr, a, b));

/**
 * a XOR b elementwise, broadcasting, of bool tensors.
 * @example tf.tensor1d([false, false, true, true], 'bool').logicalXor(tf.tensor1d([false, true, false, true], 'bool')).print();
 */
export const logicalXor = op((a: Operand, b: Operand): Tensor => logical('logicalXor', Binary.LogicalXor, a, b));

/**
 * x AND y bit by bit, of int32 tensors of the same shape (TF.js broadcasts neither).
 * @example tf.bitwiseAnd(tf.tensor1d([0, 5, 3, 14], 'int32'), tf.tensor1d([5, 0, 7, 11], 'int32')).print();
 */
export const bitwiseAnd = op((x: Operand, y: Operand): Tensor => {
  const [$x, $y] = [convert('bitwiseAnd', 'x', x), convert('bitwiseAnd', 'y', y)];
  checkSameShape('bitwiseAnd', 'x and y', $x.shape, $y.shape);
  checkDtype('bitwiseAnd', 'x', $x, 'int32');
  checkDtype('bitwiseAnd', 'y', $y, 'int32');
  // logicalAnd's kernel ands the i32 words, so on int32 it is the bitwise and.
  return broadcastBinary('bitwiseAnd', [Binary.LogicalAnd, Binary.LogicalAnd], $x, $y, 'int32');
});

/**
 * a where condition is true, b elsewhere, broadcasting all three; condition must be bool, a and b upcast to
 * their common dtype.
 * @example tf.where(tf.tensor1d([false, false, true], 'bool'), tf.tensor1d([1, 2, 3]), tf.tensor1d([-1, -2, -3])).print();
 */
export const where = op((condition: Operand, a: Operand, b: Operand): Tensor => {
  const $condition = boolOperand('where', 'condition', condition);
  const [$a, $b] = operands('where', a, b);
  const shape = broadcastShapes('where', broadcastShapes('where', $condition.shape, $a.shape), $b.shape);
  const out = empty('where', shape, $a.dtype);
  if (out.size > 0) {
    const [pc, pa, pb, po] = [$condition.ptr('where'), $a.ptr('where'), $b.ptr('where'), out.ptr('where')];
    const strides = [$condition, $a, $b].map((t) => broadcastStrides(t.shape, shape));
    kernels().selectStrided(pc, pa, pb, po, describeStrides(shape, ...strides));
  }
  if (recording()) {
    const [sa, sb] = [$a.shape, $b.shape];
    // The condition gets zeros, as in TF.js; a gets dy where it was picked, b where it was not.
    record([$condition, $a, $b], [out], [$condition], ([dy], [c], needs) => [
      needs[0] ? zeros(c.shape) : null,
      needs[1] ? sumTo(where(c, dy, 0), sa) : null,
      needs[2] ? sumTo(where(c, 0, dy), sb) : null,
    ]);
  }
  return out;
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    logicalAnd(b: Operand): Tensor;
    logicalOr(b: Operand): Tensor;
    logicalXor(b: Operand): Tensor;
    /** condition ? this : b, as tf.where(condition, this, b). */
    where(condition: Operand, b: Operand): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  logicalAnd(this: Tensor, b: Operand) {
    return logicalAnd(this, b);
  },
  logicalOr(this: Tensor, b: Operand) {
    return logicalOr(this, b);
  },
  logicalXor(this: Tensor, b: Operand) {
    return logicalXor(this, b);
  },
  where(this: Tensor, condition: Operand, b: Operand) {
    return where(condition, this, b);
  },
});
