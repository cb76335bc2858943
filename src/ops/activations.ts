// Activation functions as ops: relu, sigmoid, tanh, elu, selu, softplus, leakyRelu, and softmax over the last
// axis. The activation kernels compute each and its derivative (from x and y) in one pass; the gradients use them.

import { Act } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNumber, describe } from '../validate.js';
import { cast } from './cast.js';
import { convert, empty, kernels, op, type TensorLike } from './op.js';

type Operand = Tensor | TensorLike;

/** dx = dy * f'(x), from x and y = f(x), by the activation kernel. */
function activationGrad(name: string, act: Act, x: Tensor, y: Tensor, dy: Tensor, alpha: number): Tensor {
  const dx = empty(name, x.shape.slice(), 'float32');
  if (dx.size > 0) {
    const [px, py, pdy, pdx] = [x.ptr(name), y.ptr(name), dy.ptr(name), dx.ptr(name)];
    kernels().activationBackward(act, px, py, pdy, pdx, dx.size, alpha);
  }
  return dx;
}

/** An activation op: f(x) elementwise over x as float32, with its gradient. */
function activation(name: string, act: Act, alpha = 0) {
  return op((x: Operand): Tensor => {
    let $x = convert(name, 'x', x, 'float32');
    if ($x.dtype !== 'float32') $x = cast($x, 'float32');
    const y = empty(name, $x.shape.slice(), 'float32');
    if (y.size > 0) {
      const [px, py] = [$x.ptr(name), y.ptr(name)];
      kernels().activationForward(act, px, py, y.size, alpha);
    }
    if (recording()) record([$x], [y], [$x, y], ([dy], [x, y]) => [activationGrad(name, act, x, y, dy, alpha)]);
    return y;
  });
}

/** max(x, 0). @example tf.tensor1d([-1, 2, -3, 4]).relu().print(); */
export const relu = activation('relu', Act.Relu);
/** 1 / (1 + exp(-x)). @example tf.tensor1d([0, -1, 2, -3]).sigmoid().print(); */
export const sigmoid = activation('sigmoid', Act.Sigmoid);
/** Hyperbolic tangent. @example tf.tensor1d([0, 1, -1, 70]).tanh().print(); */
export const tanh = activation('tanh', Act.Tanh);
/** x for x > 0, exp(x) - 1 otherwise. @example tf.tensor1d([-1, 1, -3, 2]).elu().print(); */
export const elu = activation('elu', Act.Elu, 1);
/** Scaled ELU with the self-normalising constants. @example tf.tensor1d([-1, 2, -3, 4]).selu().print(); */
export const selu = activation('selu', Act.Selu);
/** log(1 + exp(x)), computed stably. @example tf.tensor1d([0, 1, -1, .7]).softplus().print(); */
export const softplus = activation('softplus', Act.Softplus);

/**
 * x for x > 0, alpha * x otherwise (TF.js's default alpha is 0.2).
 * @example tf.tensor1d([-1, 2, -3, 4]).leakyRelu(0.1).print();
 */
export function leakyRelu(x: Operand, alpha = 0.2): Tensor {
  checkNumber('leakyRelu', 'alpha', alpha);
  return activation('leakyRelu', Act.LeakyRelu, alpha)(x);
}

/**
 * Softmax over the last axis, stable for any finite input.
 * @example tf.tensor1d([2, 4, 5]).softmax().print();
 */
export const softmax = op((logits: Operand, dim = -1): Tensor => {
  let $x = convert('softmax', 'logits', logits, 'float32');
  if ($x.dtype !== 'float32') $x = cast($x, 'float32');
  if ($x.rank === 0) throw new Error('softmax: logits must have rank >= 1, got a scalar');
  if (dim !== -1 && dim !== $x.rank - 1) throw new Error(`softmax: dim must be the last axis (-1 or ${$x.rank - 1}), got ${describe(dim)}`);
  const n = $x.shape[$x.rank - 1];
  const y = empty('softmax', $x.shape.slice(), 'float32');
  if (y.size > 0) {
    const [px, py] = [$x.ptr('softmax'), y.ptr('softmax')];
    kernels().softmaxForward(px, py, y.size / n, n);
  }
  if (recording()) {
    record([$x], [y], [y], ([dy], [y]) => {
      const dx = empty('softmax', y.shape.slice(), 'float32');
      if (dx.size > 0) {
        const [py, pdy, pdx] = [y.ptr('softmax'), dy.ptr('softmax'), dx.ptr('softmax')];
        kernels().softmaxBackward(py, pdy, pdx, dx.size / n, n);
      }
      return [dx];
    });
  }
  return y;
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    relu(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    elu(): Tensor;
    selu(): Tensor;
    softplus(): Tensor;
    leakyRelu(alpha?: number): Tensor;
    softmax(dim?: number): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  relu(this: Tensor) {
    return relu(this);
  },
  sigmoid(this: Tensor) {
    return sigmoid(this);
  },
  tanh(this: Tensor) {
    return tanh(this);
  },
  elu(this: Tensor) {
    return elu(this);
  },
  selu(this: Tensor) {
    return selu(this);
  },
  softplus(this: Tensor) {
    return softplus(this);
  },
  leakyRelu(this: Tensor, alpha?: number) {
    return leakyRelu(this, alpha);
  },
  softmax(this: Tensor, dim?: number) {
    return softmax(this, dim);
  },
});
