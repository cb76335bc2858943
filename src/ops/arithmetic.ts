// Arithmetic with NumPy broadcasting over any rank: add, sub, mul, div. Mixed dtypes upcast as in TF.js
// (int32 with int32 stays int32; div of two int32 tensors floors, as TF.js's div does), and each gradient
// sums over the axes its operand was broadcast along.

import { Binary } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import { upcast } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { broadcastAxes, broadcastShapes, broadcastStrides, convert, describeStrides, empty, kernels, op, type TensorLike } from './op.js';
import { reshape } from './shape.js';
import { cast } from './cast.js';
import { neg } from './unary.js';
import { sum } from './reduce.js';

type Operand = Tensor | TensorLike;

/** a and b converted and cast to their common dtype (bool arithmetic runs as int32). */
function operands(name: string, a: Operand, b: Operand): [Tensor, Tensor] {
  let $a = convert(name, 'a', a);
  let $b = convert(name, 'b', b);
  let dtype = upcast($a.dtype, $b.dtype);
  if (dtype === 'bool') dtype = 'int32';
  if ($a.dtype !== dtype) $a = cast($a, dtype);
  if ($b.dtype !== dtype) $b = cast($b, dtype);
  return [$a, $b];
}

/** out = a op b over the broadcast shape, by the strided kernel. */
export function broadcastBinary(name: string, code: Binary, a: Tensor, b: Tensor, dtype = a.dtype): Tensor {
  const shape = broadcastShapes(name, a.shape, b.shape);
  const out = empty(name, shape, dtype);
  if (out.size === 0) return out;
  const [pa, pb, po] = [a.ptr(name), b.ptr(name), out.ptr(name)];
  kernels().binaryStrided(code, pa, pb, po, describeStrides(shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)));
  return out;
}

/** The gradient dy of a broadcast result, summed back to an operand's shape. */
export function sumTo(dy: Tensor, shape: number[]): Tensor {
  const axes = broadcastAxes(shape, dy.shape);
  return reshape(axes.length === 0 ? dy : sum(dy, axes), shape);
}

/**
 * a + b elementwise, broadcasting.
 * @example tf.tensor1d([1, 2, 3, 4]).add(tf.tensor1d([10, 20, 30, 40])).print();
 */
export const add = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('add', a, b);
  const out = broadcastBinary('add', $a.dtype === 'int32' ? Binary.AddInt : Binary.Add, $a, $b);
  if (recording()) {
    const [sa, sb] = [$a.shape, $b.shape];
    record([$a, $b], [out], [], ([dy], _, needs) => [needs[0] ? sumTo(dy, sa) : null, needs[1] ? sumTo(dy, sb) : null]);
  }
  return out;
});

/**
 * a - b elementwise, broadcasting.
 * @example tf.tensor1d([10, 20, 30, 40]).sub(tf.tensor1d([1, 2, 3, 4])).print();
 */
export const sub = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('sub', a, b);
  const out = broadcastBinary('sub', $a.dtype === 'int32' ? Binary.SubInt : Binary.Sub, $a, $b);
  if (recording()) {
    const [sa, sb] = [$a.shape, $b.shape];
    record([$a, $b], [out], [], ([dy], _, needs) => [needs[0] ? sumTo(dy, sa) : null, needs[1] ? neg(sumTo(dy, sb)) : null]);
  }
  return out;
});

/**
 * a * b elementwise, broadcasting.
 * @example tf.tensor1d([1, 2, 3, 4]).mul(tf.tensor1d([2, 3, 4, 5])).print();
 */
export const mul = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('mul', a, b);
  const out = broadcastBinary('mul', $a.dtype === 'int32' ? Binary.MulInt : Binary.Mul, $a, $b);
  if (recording()) {
    const [sa, sb] = [$a.shape, $b.shape];
    record([$a, $b], [out], [$a, $b], ([dy], [x, y], needs) => [needs[0] ? sumTo(mul(dy, y), sa) : null, needs[1] ? sumTo(mul(dy, x), sb) : null]);
  }
  return out;
});

/**
 * a / b elementwise, broadcasting; two int32 tensors divide with floor, as in TF.js.
 * @example tf.tensor1d([1, 4, 9, 16]).div(tf.tensor1d([1, 2, 3, 4])).print();
 */
export const div = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('div', a, b);
  if ($a.dtype === 'int32') return broadcastBinary('div', Binary.FloorDivInt, $a, $b);
  const out = broadcastBinary('div', Binary.Div, $a, $b);
  if (recording()) {
    const [sa, sb] = [$a.shape, $b.shape];
    record([$a, $b], [out], [$a, $b], ([dy], [x, y], needs) => [
      needs[0] ? sumTo(div(dy, y), sa) : null,
      needs[1] ? sumTo(neg(div(mul(dy, x), mul(y, y))), sb) : null,
    ]);
  }
  return out;
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(b: Operand): Tensor;
    sub(b: Operand): Tensor;
    mul(b: Operand): Tensor;
    div(b: Operand): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  add(this: Tensor, b: Operand) {
    return add(this, b);
  },
  sub(this: Tensor, b: Operand) {
    return sub(this, b);
  },
  mul(this: Tensor, b: Operand) {
    return mul(this, b);
  },
  div(this: Tensor, b: Operand) {
    return div(this, b);
  },
});
