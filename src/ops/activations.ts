// Activation functions as ops: relu, elu, selu, leakyRelu, sigmoid, tanh and softplus by the activation kernels
// the layers train with, prelu composed of ops, and softmax and logSoftmax over the last axis. A fused backward
// kernel (dx = dy · f' in one pass) is recorded as an op of its own, with its derivative written with ops, so
// these gradients can be differentiated again. relu6 and logSigmoid run the unary kernel (unary.ts).

import { Act, Unary } from '../backend/kernels.js';
import { record, recording, withoutRecording } from '../autodiff/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNumber, describe } from '../validate.js';
import { mul, sub, sumTo } from './arithmetic.js';
import { greater, less } from './compare.js';
import { where } from './logic.js';
import { cast } from './cast.js';
import { zeros } from './creation.js';
import { broadcastShapes, checkDtype, convert, empty, kernels, op, type TensorLike } from './op.js';
import { sum } from './reduce.js';
import { byDtype, type Derivative, exp, type Ints, neg, step } from './unary.js';

type Operand = Tensor | TensorLike;

/** dx = dy · f'(x) by the fused kernel, from x and y = f(x); recorded, so that it can be differentiated again. */
function activationGrad(name: string, act: Act, x: Tensor, y: Tensor, dy: Tensor, alpha: number): Tensor {
  const dx = empty(name, x.shape.slice(), 'float32');
  if (dx.size > 0) {
    const [px, py, pdy, pdx] = [x.ptr(name), y.ptr(name), dy.ptr(name), dx.ptr(name)];
    kernels().activationBackward(act, px, py, pdy, pdx, dx.size, alpha);
  }
  if (recording()) {
    record([x, y, dy], [dx], [x, y, dy], ([g], [x, y, dy], needs) => {
      // dx is linear in dy: its gradient there is the same kernel applied to g. Through f' it goes to x or to y,
      // whichever the kernel reads f' from (the other gets none: its path runs through the one that does).
      const f2 = needs[0] || needs[1] ? secondDerivative(act, x, y) : null;
      const viaF2 = f2 && mul(mul(g, dy), f2.by);
      return [needs[0] && f2?.of === 'x' ? viaF2 : null, needs[1] && f2?.of === 'y' ? viaF2 : null, needs[2] ? activationGrad(name, act, x, y, g, alpha) : null];
    });
  }
  return dx;
}

/** d f'/dx or d f'/dy, as the backward kernel reads f'. */
function secondDerivative(act: Act, x: Tensor, y: Tensor): { of: 'x' | 'y'; by: Tensor } {
  switch (act) {
    case Act.Elu: // f' = y + 1 where y < 0
      return { of: 'y', by: step(neg(y)) };
    case Act.Selu: // f' = y + scale · alpha where x <= 0
      return { of: 'y', by: sub(1, step(x)) };
    case Act.Sigmoid: // f' = y (1 - y)
      return { of: 'y', by: sub(1, mul(y, 2)) };
    case Act.Tanh: // f' = 1 - y²
      return { of: 'y', by: mul(y, -2) };
    case Act.Softplus: { // f' = sigmoid(x)
      const s = sigmoid(x);
      return { of: 'x', by: mul(s, sub(1, s)) };
    }
    default: // relu, leakyRelu: f' is piecewise constant
      return { of: 'x', by: zeros(x.shape) };
  }
}

/** f(x) for float32 x by the activation kernel, its gradient by activationGrad. */
function activation(name: string, act: Act, alpha = 0) {
  return (x: Tensor): Tensor => {
    const y = empty(name, x.shape.slice(), 'float32');
    if (y.size > 0) {
      const [px, py] = [x.ptr(name), y.ptr(name)];
      kernels().activationForward(act, px, py, y.size, alpha);
    }
    if (recording()) record([x], [y], [x, y], ([dy], [x, y]) => [activationGrad(name, act, x, y, dy, alpha)]);
    return y;
  };
}

/** An activation op over x of any dtype, as TF.js's kernel takes it (see Ints); values for a float32-only op parse as float32. */
function activationOp(name: string, act: Act, ints: Ints, alpha = 0): (x: Operand) => Tensor {
  const float = activation(name, act, alpha);
  return op((x: Operand): Tensor => byDtype(name, convert(name, 'x', x, ints === 'refuse' ? 'float32' : undefined), ints, float, null));
}

const reluOfFloats = activation('relu', Act.Relu);
const reluOfInts: Derivative = (dy, x) => mul(dy, step(x));

/**
 * max(x, 0); int32 stays int32 (clipped by the unary kernel). The gradient is 0 at 0, as in TF.js.
 * @example tf.tensor1d([-1, 2, -3, 4]).relu().print();
 */
export const relu = op((x: Operand): Tensor => byDtype('relu', convert('relu', 'x', x), Unary.ClipInt, reluOfFloats, reluOfInts, 0, Infinity));

/** x for x >= 0, eˣ - 1 below. @example tf.tensor1d([-1, 1, -3, 2]).elu().print(); */
export const elu = activationOp('elu', Act.Elu, 'refuse', 1);

/** Scaled ELU with the self-normalising constants. @example tf.tensor1d([-1, 2, -3, 4]).selu().print(); */
export const selu = activationOp('selu', Act.Selu, 'truncate');

/** 1 / (1 + e⁻ˣ). @example tf.tensor1d([0, -1, 2, -3]).sigmoid().print(); */
export const sigmoid = activationOp('sigmoid', Act.Sigmoid, 'refuse');

/** The hyperbolic tangent. @example tf.tensor1d([0, 1, -1, 70]).tanh().print(); */
export const tanh = activationOp('tanh', Act.Tanh, 'refuse');

/** log(1 + eˣ), computed without overflow. @example tf.tensor1d([0, 1, -1, .7]).softplus().print(); */
export const softplus = activationOp('softplus', Act.Softplus, 'truncate');

/**
 * x for x > 0, alpha · x otherwise (TF.js's default alpha is 0.2); float32 for every dtype.
 * @example tf.tensor1d([-1, 2, -3, 4]).leakyRelu(0.1).print();
 */
export const leakyRelu = op((x: Operand, alpha = 0.2): Tensor => {
  checkNumber('leakyRelu', 'alpha', alpha);
  return byDtype('leakyRelu', convert('leakyRelu', 'x', x), 'float', activation('leakyRelu', Act.LeakyRelu, alpha), null);
});

/**
 * alpha · x for x < 0, x otherwise, alpha a tensor broadcast against x (a slope per channel); float32 out. As
 * TF.js, so an infinite x or a NaN alpha gives what TF.js gives. The gradient (TF.js's, which counts x = 0 with
 * the negative side) passes dy where x > 0 and alpha · dy elsewhere, and gives alpha the sum of dy · x where x <= 0.
 * @example tf.tensor1d([-1, 2, -3, 4]).prelu(tf.scalar(0.1)).print();
 */
export const prelu = op((x: Operand, alpha: Operand): Tensor => {
  const $x = cast(convert('prelu', 'x', x), 'float32');
  const $alpha = cast(convert('prelu', 'alpha', alpha), 'float32');
  broadcastShapes('prelu', $x.shape, $alpha.shape);
  const out = withoutRecording(() => where(less($x, 0), mul($x, $alpha), $x));
  if (recording()) {
    record([$x, $alpha], [out], [$x, $alpha], ([dy], [x, a], needs) => {
      const positive = greater(x, 0);
      return [needs[0] ? sumTo(where(positive, dy, mul(dy, a)), x.shape) : null, needs[1] ? sumTo(where(positive, 0, mul(dy, x)), a.shape) : null];
    });
  }
  return out;
});

/** Logits of rank >= 1 and an axis that must be the last (TF.js computes softmax over the last axis only). */
function lastAxis(name: string, argument: string, logits: Tensor, axis: unknown): number {
  if (logits.rank === 0) throw new Error(`${name}: logits must have rank >= 1, got a scalar`);
  if (axis !== -1 && axis !== logits.rank - 1) throw new Error(`${name}: ${argument} must be the last axis (-1 or ${logits.rank - 1}), got ${describe(axis)}`);
  return logits.shape[logits.rank - 1];
}

/** dx = y ⊙ (dy - sum(dy ⊙ y)) per row by the fused kernel; recorded, so that it can be differentiated again. */
function softmaxGrad(y: Tensor, dy: Tensor): Tensor {
  const n = y.shape[y.rank - 1];
  const dx = empty('softmax', y.shape.slice(), 'float32');
  if (dx.size > 0) {
    const [py, pdy, pdx] = [y.ptr('softmax'), dy.ptr('softmax'), dx.ptr('softmax')];
    kernels().softmaxBackward(py, pdy, pdx, dx.size / n, n);
  }
  if (recording()) {
    // With g the gradient of dx: d/d(dy) is the same kernel applied to g; d/dy = g ⊙ (dy - sum(dy ⊙ y)) - sum(g ⊙ y) ⊙ dy.
    record([y, dy], [dx], [y, dy], ([g], [y, dy], needs) => [
      needs[0] ? sub(mul(g, sub(dy, sum(mul(dy, y), -1, true))), mul(sum(mul(g, y), -1, true), dy)) : null,
      needs[1] ? softmaxGrad(y, g) : null,
    ]);
  }
  return dx;
}

/**
 * exp(logits) normalised over the last axis (TF.js's `dim` must be it), stable for any finite input.
 * @example tf.tensor1d([2, 4, 5]).softmax().print();
 */
export const softmax = op((logits: Operand, dim = -1): Tensor => {
  const $x = convert('softmax', 'logits', logits, 'float32');
  checkDtype('softmax', 'logits', $x, 'float32');
  const n = lastAxis('softmax', 'dim', $x, dim);
  const y = empty('softmax', $x.shape.slice(), 'float32');
  if (y.size > 0) {
    const [px, py] = [$x.ptr('softmax'), y.ptr('softmax')];
    kernels().softmaxForward(px, py, y.size / n, n);
  }
  if (recording()) record([$x], [y], [y], ([dy], [y]) => [softmaxGrad(y, dy)]);
  return y;
});

/**
 * log(softmax(logits)) over the last axis (TF.js's `axis` must be it), computed stably as
 * (x - max) - log(sum(exp(x - max))); float32 for every dtype.
 * @example tf.tensor1d([2, 4, 5]).logSoftmax().print();
 */
export const logSoftmax = op((logits: Operand, axis = -1): Tensor => {
  const $x = cast(convert('logSoftmax', 'logits', logits), 'float32');
  const n = lastAxis('logSoftmax', 'axis', $x, axis);
  const y = empty('logSoftmax', $x.shape.slice(), 'float32');
  if (y.size > 0) {
    const [px, py] = [$x.ptr('logSoftmax'), y.ptr('logSoftmax')];
    kernels().logSoftmaxForward(px, py, y.size / n, n);
  }
  if (recording()) record([$x], [y], [y], ([dy], [y]) => [sub(dy, mul(sum(dy, -1, true), exp(y)))]);
  return y;
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    relu(): Tensor;
    elu(): Tensor;
    selu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    softplus(): Tensor;
    leakyRelu(alpha?: number): Tensor;
    prelu(alpha: Operand): Tensor;
    softmax(dim?: number): Tensor;
    logSoftmax(axis?: number): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  relu(this: Tensor) {
    return relu(this);
  },
  elu(this: Tensor) {
    return elu(this);
  },
  selu(this: Tensor) {
    return selu(this);
  },
  sigmoid(this: Tensor) {
    return sigmoid(this);
  },
  tanh(this: Tensor) {
    return tanh(this);
  },
  softplus(this: Tensor) {
    return softplus(this);
  },
  leakyRelu(this: Tensor, alpha?: number) {
    return leakyRelu(this, alpha);
  },
  prelu(this: Tensor, alpha: Operand) {
    return prelu(this, alpha);
  },
  softmax(this: Tensor, dim?: number) {
    return softmax(this, dim);
  },
  logSoftmax(this: Tensor, axis?: number) {
    return logSoftmax(this, axis);
  },
});
