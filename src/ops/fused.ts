// Fused primitives: several kernels run as one op with one gradient, the way the layers train. A dense layer is
// one node (matmul, bias, activation; its gradient writes the weight gradients straight into the model's
// gradient sinks), a loss is one node (value and gradient from one kernel pass, from the logits when the
// network ends in the activation the loss folds in), dropout is one node. They sit on the same tape as every
// other op: model.fit and tf.grad share one mechanism. TF.js's public tf.fused.matMul is built on the first.

import { type Act, Act as A, Binary, type Loss, type Ptr } from '../backend/kernels.js';
import { activeBackend } from '../engine.js';
import { record, recording, type Sink } from '../autodiff/tape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBool, checkOneOf, describe } from '../validate.js';
import { add } from './arithmetic.js';
import { cast } from './cast.js';
import { convert, describeStrides, empty, op, type TensorLike } from './op.js';
import { leakyRelu, prelu, relu, sigmoid, elu } from './activations.js';
import { matMul } from './matrix.js';
import { relu6 } from './unary.js';

/** An activation a fused dense op applies: a kernel code, or the row-wise softmax (with log, logSoftmax). */
export interface FusedActivation {
  act: Act;
  softmax: boolean;
  log?: boolean;
  alpha: number;
}

/** y = fn(x) for x [rows, n] by fn's kernels: along each row for softmax and logSoftmax, else elementwise. */
function applyActivation(fn: FusedActivation, x: Ptr, y: Ptr, rows: number, n: number): void {
  const k = activeBackend().kernels;
  if (fn.log) k.logSoftmaxForward(x, y, rows, n);
  else if (fn.softmax) k.softmaxForward(x, y, rows, n);
  else k.activationForward(fn.act, x, y, rows * n, fn.alpha);
}

/** dx = fn'(x)·dy for x [rows, n] by fn's kernels, from x and y = fn(x). */
function activationGrad(fn: FusedActivation, x: Ptr, y: Ptr, dy: Ptr, dx: Ptr, rows: number, n: number): void {
  const k = activeBackend().kernels;
  if (fn.log) k.logSoftmaxBackward(y, dy, dx, rows, n);
  else if (fn.softmax) k.softmaxBackward(y, dy, dx, rows, n);
  else k.activationBackward(fn.act, x, y, dy, dx, rows * n, fn.alpha);
}

export const LINEAR: FusedActivation = { act: A.Linear, softmax: false, alpha: 0 };

/**
 * y = act(x·kernel + bias), x [rows, in], kernel [in, units], bias [units] or null: one node on the tape. Its
 * gradient computes dz = act'(z)·dy once, then dkernel = xᵀ·dz and dbias = column sums of dz (straight into
 * the model's gradient sinks when there are, accumulating), and dx = dz·kernelᵀ only when it is needed.
 */
export function dense(x: Tensor, kernel: Tensor, bias: Tensor | null, fn: FusedActivation): Tensor {
  const [rows, inputs] = x.shape;
  const units = kernel.shape[1];
  const backend = activeBackend();
  const k = backend.kernels;
  const z = empty('dense', [rows, units], 'float32');
  const linear = fn.act === A.Linear && !fn.softmax;
  const y = linear ? z : empty('dense', [rows, units], 'float32');
  if (rows * units > 0) {
    const [px, pw, pz, pb, py] = [x.ptr('dense'), kernel.ptr('dense'), z.ptr('dense'), bias?.ptr('dense') ?? 0, y.ptr('dense')];
    if (inputs === 0) k.fill(pz, rows * units, 0);
    else k.matmul(px, pw, pz, rows, units, inputs, 0, 0, 0, backend.scratch);
    if (bias) k.biasAdd(pz, pb, pz, rows, units);
    if (!linear) applyActivation(fn, pz, py, rows, units);
  }
  if (recording()) {
    const inputsOf = bias ? [x, kernel, bias] : [x, kernel];
    record(inputsOf, [y], linear ? [x, kernel] : [x, kernel, z, y], (dys, saved, needs, into) => denseGrad(dys[0], saved, needs, into, fn, bias !== null), 'dense');
  }
  if (!linear) z.dispose(); // the tape holds its own handle
  return y;
}

function denseGrad(dy: Tensor, saved: Tensor[], needs: boolean[], into: Array<Sink | null>, fn: FusedActivation, hasBias: boolean): Array<Tensor | null> {
  const [x, kernel, z, y] = saved;
  const [rows, inputs] = x.shape;
  const units = kernel.shape[1];
  const backend = activeBackend();
  const k = backend.kernels;
  const linear = fn.act === A.Linear && !fn.softmax;
  let dz = dy;
  if (!linear) {
    dz = empty('dense', [rows, units], 'float32');
    const [pz, py, pdy, pdz] = [z.ptr('dense'), y.ptr('dense'), dy.ptr('dense'), dz.ptr('dense')];
    activationGrad(fn, pz, py, pdy, pdz, rows, units);
  }
  const into_ = (i: number, shape: number[]): [Tensor, number] => {
    const sink = into[i];
    if (sink) return [sink.tensor, sink.written ? 1 : 0];
    return [empty('dense', shape, 'float32'), 0];
  };
  let dx: Tensor | null = null;
  let dw: Tensor | null = null;
  let db: Tensor | null = null;
  if (needs[1]) {
    const [t, accumulate] = into_(1, [inputs, units]);
    dw = t;
    const [px, pdz, pdw] = [x.ptr('dense'), dz.ptr('dense'), dw.ptr('dense')];
    if (rows === 0) {
      if (!accumulate) k.fill(pdw, inputs * units, 0);
    } else k.matmul(px, pdz, pdw, inputs, units, rows, 1, 0, accumulate, backend.scratch);
  }
  if (hasBias && needs[2]) {
    const [t, accumulate] = into_(2, [units]);
    db = t;
    const [pdz, pdb] = [dz.ptr('dense'), db.ptr('dense')];
    k.biasGrad(pdz, pdb, rows, units, accumulate, 1);
  }
  if (needs[0]) {
    dx = empty('dense', [rows, inputs], 'float32');
    const [pdz, pw, pdx] = [dz.ptr('dense'), kernel.ptr('dense'), dx.ptr('dense')];
    if (units === 0) k.fill(pdx, rows * inputs, 0);
    else k.matmul(pdz, pw, pdx, rows, inputs, units, 0, 1, 0, backend.scratch);
  }
  if (dz !== dy) dz.dispose();
  return hasBias ? [dx, dw, db] : [dx, dw];
}

/**
 * fn(x + bias) with bias [units] added along x's last axis, or fn(x) without a bias: one node, as a convolution
 * layer ends. Its gradient computes dz = fn'(z)·dy once, then dbias = the sums of dz over every axis but the
 * last (straight into the model's gradient sink when there is one) and dx = dz.
 */
export function biasActivate(x: Tensor, bias: Tensor | null, fn: FusedActivation): Tensor {
  if (!bias) return activate(x, fn);
  const k = activeBackend().kernels;
  const units = bias.size;
  const rows = units === 0 ? 0 : x.size / units;
  const z = empty('biasActivate', x.shape.slice(), 'float32');
  const linear = fn.act === A.Linear && !fn.softmax;
  const y = linear ? z : empty('biasActivate', x.shape.slice(), 'float32');
  if (z.size > 0) {
    const [px, pb, pz, py] = [x.ptr('biasActivate'), bias.ptr('biasActivate'), z.ptr('biasActivate'), y.ptr('biasActivate')];
    k.biasAdd(px, pb, pz, rows, units);
    if (!linear) applyActivation(fn, pz, py, rows, units);
  }
  if (recording()) {
    record([x, bias], [y], linear ? [] : [z, y], ([dy], [z, y], needs, into) => {
      const k = activeBackend().kernels;
      let dz = dy;
      if (!linear) {
        dz = empty('biasActivate', dy.shape.slice(), 'float32');
        if (dz.size > 0) {
          const [pz, py, pdy, pdz] = [z.ptr('biasActivate'), y.ptr('biasActivate'), dy.ptr('biasActivate'), dz.ptr('biasActivate')];
          activationGrad(fn, pz, py, pdy, pdz, rows, units);
        }
      }
      let db: Tensor | null = null;
      if (needs[1]) {
        const sink = into[1];
        db = sink?.tensor ?? empty('biasActivate', [units], 'float32');
        k.biasGrad(dz.ptr('biasActivate'), db.ptr('biasActivate'), rows, units, sink?.written ? 1 : 0, 1);
      }
      if (!needs[0] && dz !== dy) dz.dispose();
      return [needs[0] ? dz : null, db];
    }, 'biasActivate');
  }
  if (!linear) z.dispose(); // the tape holds its own handle
  return y;
}

/**
 * fn(x) for any activation of the layers (an Act code, or softmax or logSoftmax over the last axis): one node, whose gradient
 * is the fused activation kernel's.
 */
export function activate(x: Tensor, fn: FusedActivation): Tensor {
  if (fn.act === A.Linear && !fn.softmax) return x;
  const n = x.shape[x.rank - 1] ?? 1;
  const y = empty('activation', x.shape.slice(), 'float32');
  if (y.size > 0) applyActivation(fn, x.ptr('activation'), y.ptr('activation'), y.size / n, n);
  if (recording()) {
    record([x], [y], [x, y], ([dy], [x, y]) => {
      const dx = empty('activation', x.shape.slice(), 'float32');
      if (dx.size > 0) {
        activationGrad(fn, x.ptr('activation'), y.ptr('activation'), dy.ptr('activation'), dx.ptr('activation'), dx.size / n, n);
      }
      return [dx];
    }, 'activation');
  }
  return y;
}

/**
 * The mean loss of pred [rows, n] against target (float32 [rows, n], or int32 [rows] class indices for the
 * sparse losses) as a scalar, by the loss kernel; when the tape records, the same pass writes d(loss)/d(pred),
 * which the gradient scales by dy.
 */
export function meanLoss(code: Loss, pred: Tensor, target: Tensor): Tensor {
  const [rows, n] = pred.shape;
  const k = activeBackend().kernels;
  const grad = recording() ? empty('loss', [rows, n], 'float32') : null;
  const out = empty('loss', [], 'float32');
  const [pp, pt, pg, po] = [pred.ptr('loss'), target.ptr('loss'), grad?.ptr('loss') ?? 0, out.ptr('loss')];
  k.loss(code, pp, pt, pg, rows, n, po); // the mean lands in out: nothing of it passes through JavaScript
  if (grad) {
    record([pred], [out], [grad], ([dy], [g]) => {
      const dpred = empty('loss', g.shape.slice(), 'float32');
      const [pg2, pdy, pd] = [g.ptr('loss'), dy.ptr('loss'), dpred.ptr('loss')];
      activeBackend().kernels.binaryStrided(Binary.Mul, pg2, pdy, pd, describeStrides([dpred.size], [1], [0]));
      return [dpred];
    }, 'loss');
    grad.dispose();
  }
  return out;
}

/**
 * Inverted dropout: each value zeroed with probability rate and the rest scaled by 1 / (1 - rate), drawing from
 * the PRNG state at `state` (the global one, or a layer's seeded one); the gradient reuses the mask.
 */
export function dropoutMask(x: Tensor, rate: number, state: number): Tensor {
  const out = empty('dropout', x.shape.slice(), 'float32');
  const mask = empty('dropout', x.shape.slice(), 'float32');
  if (out.size > 0) {
    const [px, po, pm] = [x.ptr('dropout'), out.ptr('dropout'), mask.ptr('dropout')];
    activeBackend().kernels.dropoutForward(state, px, po, pm, out.size, rate);
  }
  if (recording()) record([x], [out], [mask], ([dy], [m]) => [mulBy(dy, m)]);
  mask.dispose();
  return out;
}

/** dy * mask, elementwise over equal shapes. */
function mulBy(dy: Tensor, mask: Tensor): Tensor {
  const out = empty('dropout', dy.shape.slice(), 'float32');
  if (out.size > 0) {
    const [pd, pm, po] = [dy.ptr('dropout'), mask.ptr('dropout'), out.ptr('dropout')];
    activeBackend().kernels.binaryStrided(Binary.Mul, pd, pm, po, describeStrides([out.size], [1], [1]));
  }
  return out;
}

// ---- TF.js's tf.fused ----

const FUSED_NAMES = ['linear', 'relu', 'relu6', 'elu', 'prelu', 'leakyrelu', 'sigmoid'] as const;
type FusedName = (typeof FUSED_NAMES)[number];

/** TF.js's fused matMul arguments. */
export interface FusedMatMulArgs {
  a: Tensor | TensorLike;
  b: Tensor | TensorLike;
  transposeA?: boolean;
  transposeB?: boolean;
  bias?: Tensor | TensorLike;
  activation?: FusedName;
  preluActivationWeights?: Tensor;
  leakyreluAlpha?: number;
}

/**
 * TF.js's tf.fused.matMul: activation(a·b + bias), prelu's alpha being preluActivationWeights. Untransposed 2-D
 * products with a vector bias and an activation of the dense kernels run as one fused node; the other cases
 * (relu6 and prelu among them) compose the ops.
 * @example tf.fused.matMul({ a: tf.tensor2d([[1, 2]]), b: tf.tensor2d([[1], [2]]), bias: tf.tensor1d([1]), activation: 'relu' }).print();
 */
const fusedMatMul = op((args: FusedMatMulArgs): Tensor => {
  if (args === null || typeof args !== 'object') throw new Error(`fused.matMul: expected { a, b, transposeA?, transposeB?, bias?, activation? }, got ${describe(args)}`);
  const { transposeA = false, transposeB = false, activation = 'linear', leakyreluAlpha = 0.2 } = args;
  checkBool('fused.matMul', 'transposeA', transposeA);
  checkBool('fused.matMul', 'transposeB', transposeB);
  checkOneOf('fused.matMul', 'activation', activation, FUSED_NAMES);
  let a = convert('fused.matMul', 'a', args.a, 'float32');
  let b = convert('fused.matMul', 'b', args.b, 'float32');
  if (a.dtype !== 'float32') a = cast(a, 'float32');
  if (b.dtype !== 'float32') b = cast(b, 'float32');
  const bias = args.bias === undefined || args.bias === null ? null : convert('fused.matMul', 'bias', args.bias, 'float32');
  // As TF.js: read for 'prelu' only, broadcast against the product as prelu's alpha.
  const weights = activation === 'prelu' ? convert('fused.matMul', 'preluActivationWeights', args.preluActivationWeights, 'float32') : null;
  const kernelAct: Partial<Record<FusedName, FusedActivation>> = {
    linear: LINEAR,
    relu: { act: A.Relu, softmax: false, alpha: 0 },
    elu: { act: A.Elu, softmax: false, alpha: 1 },
    sigmoid: { act: A.Sigmoid, softmax: false, alpha: 0 },
    leakyrelu: { act: A.LeakyRelu, softmax: false, alpha: leakyreluAlpha },
  };
  const fn = kernelAct[activation];
  const simple = !transposeA && !transposeB && a.rank === 2 && b.rank === 2 && a.shape[1] === b.shape[0] && (bias === null || (bias.rank === 1 && bias.shape[0] === b.shape[1]));
  if (fn && simple) return dense(a, b, bias, fn);
  let out = matMul(a, b, transposeA, transposeB);
  if (bias) out = add(out, bias);
  switch (activation) {
    case 'relu':
      return relu(out);
    case 'relu6': // the op's gradient (1 at 6), not the layers' activation's (0 at 6): TF.js composes the op when it differentiates
      return relu6(out);
    case 'elu':
      return elu(out);
    case 'prelu':
      return prelu(out, weights!);
    case 'sigmoid':
      return sigmoid(out);
    case 'leakyrelu':
      return leakyRelu(out, leakyreluAlpha);
    default:
      return out;
  }
});

/** TF.js's tf.fused namespace. */
export const fused = { matMul: fusedMatMul };
