// Arithmetic with NumPy broadcasting over any rank: add, sub, mul, div and TF.js's other elementwise binary
// math (divNoNan, floorDiv, mod, pow, squaredDifference, maximum, minimum, atan2), and addN. Operands upcast as
// TF.js's makeTypesMatch does and int32 stays int32 (div of two int32 tensors floors, as TF.js's div does);
// each gradient sums over the axes its operand was broadcast along.

import { Binary } from '../backend/kernels.js';
import { type GradFn, record, recording, withoutRecording } from '../autodiff/tape.js';
import { activeBackend } from '../engine.js';
import { type DType, upcast } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { describe } from '../validate.js';
import { broadcastAxes, broadcastShapes, broadcastStrides, checkSameShape, convert, describeStrides, empty, kernels, op, type TensorLike } from './op.js';
import { reshape } from './shape.js';
import { cast } from './cast.js';
import { log, neg, square } from './unary.js';
import { sum } from './reduce.js';
import { greater, greaterEqual, less, lessEqual } from './compare.js';
import { where } from './logic.js';

type Operand = Tensor | TensorLike;
/** @internal An op's kernel codes: for float32 operands, and for int32 and bool ones (both i32 in memory). */
export type Codes = readonly [float: Binary, int: Binary];

/**
 * @internal a and b converted (named as TF.js names them in messages) and cast to their common dtype, as TF.js's
 * makeTypesMatch does: two bools stay bool.
 */
export function operands(name: string, a: Operand, b: Operand, names: readonly [string, string] = ['a', 'b']): [Tensor, Tensor] {
  let $a = convert(name, names[0], a);
  let $b = convert(name, names[1], b);
  const dtype = upcast($a.dtype, $b.dtype);
  if ($a.dtype !== dtype) $a = cast($a, dtype);
  if ($b.dtype !== dtype) $b = cast($b, dtype);
  return [$a, $b];
}

/** @internal out (of dtype) = a op b over the broadcast shape, by the strided kernel; a and b have one dtype. */
export function broadcastBinary(name: string, [float, int]: Codes, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const shape = broadcastShapes(name, a.shape, b.shape);
  const out = empty(name, shape, dtype);
  if (out.size === 0) return out;
  const [pa, pb, po] = [a.ptr(name), b.ptr(name), out.ptr(name)];
  const code = a.dtype === 'float32' ? float : int;
  kernels().binaryStrided(code, pa, pb, po, describeStrides(shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)));
  return out;
}

/** @internal The gradient dy of a broadcast result, summed back to an operand's shape. */
export function sumTo(dy: Tensor, shape: number[]): Tensor {
  const axes = broadcastAxes(shape, dy.shape);
  return reshape(axes.length === 0 ? dy : sum(dy, axes), shape);
}

/**
 * int32 in place of bool: the dtype of maximum and minimum of bools (as TF.js), and of their sums and
 * differences (TF.js keeps bool there, storing 2 or 255 in it).
 */
function boolAsInt(dtype: DType): DType {
  return dtype === 'bool' ? 'int32' : dtype;
}

/**
 * a + b elementwise, broadcasting.
 * @example tf.tensor1d([1, 2, 3, 4]).add(tf.tensor1d([10, 20, 30, 40])).print();
 */
export const add = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('add', a, b);
  const out = broadcastBinary('add', [Binary.Add, Binary.AddInt], $a, $b, boolAsInt($a.dtype));
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
  const out = broadcastBinary('sub', [Binary.Sub, Binary.SubInt], $a, $b, boolAsInt($a.dtype));
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
  const out = broadcastBinary('mul', [Binary.Mul, Binary.MulInt], $a, $b, $a.dtype);
  if (recording()) {
    const [sa, sb] = [$a.shape, $b.shape];
    record([$a, $b], [out], [$a, $b], ([dy], [x, y], needs) => [needs[0] ? sumTo(mul(dy, y), sa) : null, needs[1] ? sumTo(mul(dy, x), sb) : null]);
  }
  return out;
});

/** The gradient of a / b over float32 copies of a and b; TF.js gives it to floorDiv too. */
const divGradient: GradFn = ([dy], [a, b], needs) => {
  const [x, y] = [cast(a, 'float32'), cast(b, 'float32')];
  return [needs[0] ? sumTo(div(dy, y), x.shape) : null, needs[1] ? sumTo(neg(div(mul(dy, x), mul(y, y))), y.shape) : null];
};

/** floor(a / b) in doubles (x / 0 gives 0, as an Int32Array stores NaN and ±Infinity), with div's gradient. */
function floorDivide(name: string, a: Tensor, b: Tensor, dtype: DType): Tensor {
  const out = broadcastBinary(name, [Binary.FloorDiv, Binary.FloorDivInt], a, b, dtype);
  if (recording()) record([a, b], [out], [a, b], divGradient);
  return out;
}

/**
 * a / b elementwise, broadcasting; two int32 tensors divide with floor, as in TF.js.
 * @example tf.tensor1d([1, 4, 9, 16]).div(tf.tensor1d([1, 2, 3, 4])).print();
 */
export const div = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('div', a, b);
  if ($a.dtype !== 'float32') return floorDivide('div', $a, $b, $a.dtype);
  const out = broadcastBinary('div', [Binary.Div, Binary.FloorDivInt], $a, $b, 'float32');
  if (recording()) record([$a, $b], [out], [$a, $b], divGradient);
  return out;
});

/**
 * floor(a / b) elementwise, broadcasting, as int32 (TF.js's dtype for it, even of float32 operands); a
 * quotient that is NaN or infinite gives 0, as TF.js stores it.
 * @example tf.tensor1d([1, 4, 9, 16]).floorDiv(tf.tensor1d([1, 2, 3, 4])).print();
 */
export const floorDiv = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('floorDiv', a, b);
  return floorDivide('floorDiv', $a, $b, 'int32');
});

/**
 * a / b elementwise, broadcasting, with 0 wherever b is 0 (two int32 tensors divide with floor, as in div).
 * @example tf.tensor1d([1, 4, 9, 16]).divNoNan(tf.tensor1d([1, 2, 0, 4])).print();
 */
export const divNoNan = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('divNoNan', a, b);
  const out = broadcastBinary('divNoNan', [Binary.DivNoNan, Binary.FloorDivInt], $a, $b, $a.dtype);
  if (recording()) {
    // d/da = dy / b and d/db = -dy (a / b) / b, both 0 where b is 0.
    const sa = $a.shape;
    record([$a, $b], [out], [$b, out], ([dy], [b, quotient], needs) => {
      const y = cast(b, 'float32');
      return [needs[0] ? sumTo(divNoNan(dy, y), sa) : null, needs[1] ? sumTo(neg(divNoNan(mul(dy, quotient), y)), y.shape) : null];
    });
  }
  return out;
});

/**
 * The remainder of a / b with the sign of b (floor division's), elementwise, broadcasting, as TF.js computes it.
 * @example tf.tensor1d([7, -7, 7, -7]).mod(tf.tensor1d([3, 3, -3, -3])).print();
 */
export const mod = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('mod', a, b);
  const out = broadcastBinary('mod', [Binary.Mod, Binary.ModInt], $a, $b, $a.dtype);
  if (recording()) {
    record([$a, $b], [out], [$a, $b], ([dy], [x, y], needs) => {
      // d/db = -floor(a / b) (as int32: exact below 2^31), a step function whose own gradient is 0: off the tape.
      const quotient = needs[1] ? withoutRecording(() => floorDiv(x, y)) : null;
      return [needs[0] ? sumTo(dy, x.shape) : null, quotient ? sumTo(neg(mul(dy, quotient)), y.shape) : null];
    });
  }
  return out;
});

/**
 * base ** exp elementwise, broadcasting (JavaScript's Math.pow, as TF.js; two int32 tensors give int32).
 * @example tf.tensor([[2, 3], [4, 5]]).pow(tf.tensor([[1, 2], [3, 0]]).toInt()).print();
 */
export const pow = op((base: Operand, exp: Operand): Tensor => {
  const [$base, $exp] = operands('pow', base, exp, ['base', 'exp']);
  const out = broadcastBinary('pow', [Binary.Pow, Binary.PowInt], $base, $exp, $base.dtype);
  if (recording()) {
    record([$base, $exp], [out], [$base, $exp, out], ([dy], [x, e, y], needs) => {
      const power = cast(e, 'float32');
      return [
        needs[0] ? sumTo(mul(dy, mul(power, pow(x, sub(power, 1)))), x.shape) : null,
        // d/dexp = y log(base), taken as 0 where base <= 0 (as TF.js).
        needs[1] ? sumTo(mul(dy, mul(y, where(greater(x, 0), log(x), 0))), e.shape) : null,
      ];
    });
  }
  return out;
});

/**
 * (a - b)² elementwise, broadcasting.
 * @example tf.tensor1d([1, 4, 3, 16]).squaredDifference(tf.tensor1d([1, 2, 9, 4])).print();
 */
export const squaredDifference = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('squaredDifference', a, b);
  const out = broadcastBinary('squaredDifference', [Binary.SquaredDifference, Binary.SquaredDifferenceInt], $a, $b, $a.dtype);
  if (recording()) {
    record([$a, $b], [out], [$a, $b], ([dy], [x, y], needs) => {
      const g = mul(dy, mul(sub(x, y), 2));
      return [needs[0] ? sumTo(g, x.shape) : null, needs[1] ? sumTo(neg(g), y.shape) : null];
    });
  }
  return out;
});

/**
 * The larger of a and b elementwise, broadcasting (NaN if either is; two bools give int32, as in TF.js).
 * @example tf.tensor1d([1, 4, 3, 16]).maximum(tf.tensor1d([1, 2, 9, 4])).print();
 */
export const maximum = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('maximum', a, b);
  const out = broadcastBinary('maximum', [Binary.Maximum, Binary.MaximumInt], $a, $b, boolAsInt($a.dtype));
  if (recording()) {
    // dy goes to a where a >= b, to b where a < b.
    record([$a, $b], [out], [$a, $b], ([dy], [x, y], needs) => [
      needs[0] ? sumTo(where(greaterEqual(x, y), dy, 0), x.shape) : null,
      needs[1] ? sumTo(where(less(x, y), dy, 0), y.shape) : null,
    ]);
  }
  return out;
});

/**
 * The smaller of a and b elementwise, broadcasting (NaN if either is; two bools give int32, as in TF.js).
 * @example tf.tensor1d([1, 4, 3, 16]).minimum(tf.tensor1d([1, 2, 9, 4])).print();
 */
export const minimum = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('minimum', a, b);
  const out = broadcastBinary('minimum', [Binary.Minimum, Binary.MinimumInt], $a, $b, boolAsInt($a.dtype));
  if (recording()) {
    // dy goes to a where a <= b, to b where a > b.
    record([$a, $b], [out], [$a, $b], ([dy], [x, y], needs) => [
      needs[0] ? sumTo(where(lessEqual(x, y), dy, 0), x.shape) : null,
      needs[1] ? sumTo(where(greater(x, y), dy, 0), y.shape) : null,
    ]);
  }
  return out;
});

/**
 * The angle of the point (b, a) from the x axis, in (-π, π], elementwise, broadcasting.
 * @example tf.atan2(tf.tensor1d([1, 1, -1, 0.7]), tf.tensor1d([2, 13, 3.5, 0.21])).print();
 */
export const atan2 = op((a: Operand, b: Operand): Tensor => {
  const [$a, $b] = operands('atan2', a, b);
  const out = broadcastBinary('atan2', [Binary.Atan2, Binary.Atan2Int], $a, $b, $a.dtype);
  if (recording()) {
    // d/da = b / (a² + b²), d/db = -a / (a² + b²)
    record([$a, $b], [out], [$a, $b], ([dy], [a, b], needs) => {
      const [x, y] = [cast(a, 'float32'), cast(b, 'float32')];
      const scaled = div(dy, add(square(x), square(y)));
      return [needs[0] ? sumTo(mul(scaled, y), x.shape) : null, needs[1] ? sumTo(neg(mul(scaled, x)), y.shape) : null];
    });
  }
  return out;
});

/**
 * The sum of tensors of one shape and dtype, elementwise (bools sum to int32, as in add).
 * @example tf.addN([tf.tensor1d([1, 2]), tf.tensor1d([3, 4]), tf.tensor1d([5, 6])]).print();
 */
export const addN = op((tensors: Operand[]): Tensor => {
  if (!Array.isArray(tensors)) throw new Error(`addN: tensors must be an array of tensors, got ${describe(tensors)}`);
  if (tensors.length === 0) throw new Error('addN: tensors must hold at least one tensor, got an empty array');
  const $tensors = tensors.map((t, i) => convert('addN', `tensors[${i}]`, t));
  const first = $tensors[0];
  $tensors.forEach((t, i) => {
    if (t.dtype !== first.dtype) throw new Error(`addN: tensors[${i}] has dtype ${t.dtype}, but tensors[0] has ${first.dtype} (all must have one dtype)`);
    checkSameShape('addN', `tensors[${i}] and tensors[0]`, t.shape, first.shape);
  });
  const out = empty('addN', first.shape.slice(), boolAsInt(first.dtype));
  if (out.size > 0) {
    const [from, po] = [$tensors.map((t) => t.ptr('addN')), out.ptr('addN')];
    if (from.length === 1) activeBackend().heap.u8.copyWithin(po, from[0], from[0] + out.size * 4);
    else {
      // out = t0 + t1, then out += each of the others, in place.
      const code = first.dtype === 'float32' ? Binary.Add : Binary.AddInt;
      const desc = describeStrides([out.size], [1], [1]);
      from.slice(1).forEach((p, k) => kernels().binaryStrided(code, k === 0 ? from[0] : po, p, po, desc));
    }
  }
  if (recording()) record($tensors, [out], [], ([dy], _, needs) => needs.map((need) => (need ? dy : null)));
  return out;
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    add(b: Operand): Tensor;
    sub(b: Operand): Tensor;
    mul(b: Operand): Tensor;
    div(b: Operand): Tensor;
    floorDiv(b: Operand): Tensor;
    divNoNan(b: Operand): Tensor;
    mod(b: Operand): Tensor;
    pow(exp: Operand): Tensor;
    squaredDifference(b: Operand): Tensor;
    maximum(b: Operand): Tensor;
    minimum(b: Operand): Tensor;
    atan2(b: Operand): Tensor;
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
  floorDiv(this: Tensor, b: Operand) {
    return floorDiv(this, b);
  },
  divNoNan(this: Tensor, b: Operand) {
    return divNoNan(this, b);
  },
  mod(this: Tensor, b: Operand) {
    return mod(this, b);
  },
  pow(this: Tensor, exp: Operand) {
    return pow(this, exp);
  },
  squaredDifference(this: Tensor, b: Operand) {
    return squaredDifference(this, b);
  },
  maximum(this: Tensor, b: Operand) {
    return maximum(this, b);
  },
  minimum(this: Tensor, b: Operand) {
    return minimum(this, b);
  },
  atan2(this: Tensor, b: Operand) {
    return atan2(this, b);
  },
});
