// TF.js's gradient API over the tape: grad, grads, valueAndGrad, valueAndGrads, variableGrads, customGrad, and
// tf.variable. Each runs f with a tape recording from the sources, then backprop from f's result; the tensors
// f made for itself are freed, the tensors its gradients need are held by the tape until backprop is done.

import type { DType } from '../tensor/dtype.js';
import { endScope, liveVariables, madeInScope, startScope, Tensor, Variable } from '../tensor/tensor.js';
import { describe } from '../validate.js';
import { add } from '../ops/arithmetic.js';
import { cast, clone } from '../ops/cast.js';
import { ones, zeros } from '../ops/creation.js';
import { Binary } from '../backend/kernels.js';
import { checkSameShape, convert, describeStrides, kernels, op, type TensorLike } from '../ops/op.js';
import { checkDtypeName } from '../ops/values.js';
import { backprop, type GradFn, type GradientOps, record, recordOn, type Sink, Tape, withoutRecording } from './tape.js';

/** @internal The ops backprop uses, given to it here so that tape.ts needs no ops (model.fit runs backprop too). */
export const GRADIENT_OPS: GradientOps = {
  add,
  zeros,
  clone,
  // Through kernels only, copy included: a recorded training step replays kernel calls (backend/program.ts).
  accumulate(sink: Sink, g: Tensor): void {
    const [to, from] = [sink.tensor.ptr('gradient'), g.ptr('gradient')];
    if (sink.written) kernels().binaryStrided(Binary.Add, to, from, to, describeStrides([g.size], [1], [1]));
    else kernels().copyStrided(from, to, describeStrides([g.size], [1], [1]));
  },
};

/**
 * Runs f with a tape recording from xs and backprops from its result: the value and each x's gradient (null
 * where the value does not depend on it, refused unless allowNone). dy seeds the backprop (ones by default).
 * Where sinks holds an x's id, its gradient is accumulated there and null returned for it (model training).
 * `owned`: whether f made the value, which is the caller's to dispose then; f may return a tensor of the
 * caller's own (x itself), which is never disposed here.
 */
export function gradients(
  name: string,
  f: () => Tensor,
  xs: Tensor[],
  dy: Tensor | null,
  allowNone: boolean,
  sinks?: Map<number, Sink>,
): { value: Tensor; grads: Array<Tensor | null>; owned: boolean } {
  const tape = new Tape(xs);
  try {
    startScope();
    let value: Tensor;
    let owned: boolean;
    try {
      value = recordOn(tape, f);
      if (!(value instanceof Tensor)) throw new Error(`${name}: f must return a Tensor, got ${describe(value)}`);
      owned = madeInScope(value);
      if (dy !== null) checkSameShape(name, 'dy must have the shape of f(x)', dy.shape, value.shape);
    } catch (error) {
      endScope();
      throw error;
    }
    endScope(value);
    startScope();
    try {
      // As in TF.js, the seed is float32 whatever f's dtype (an int32 f's gradient is still a real number).
      const seed = dy ?? ones(value.shape);
      const grads = backprop(tape, value, seed, xs, GRADIENT_OPS, sinks);
      if (!allowNone && grads.some((g, i) => g === null && !sinks?.has(xs[i].id))) {
        throw new Error(`${name}: cannot compute the gradient of y = f(x) with respect to x: y does not depend on x (does f use x's ops, inside f?)`);
      }
      endScope(grads);
      return { value, grads, owned };
    } catch (error) {
      endScope();
      if (owned) value.dispose();
      throw error;
    }
  } finally {
    tape.dispose();
  }
}

function checkFunction(name: string, f: unknown): void {
  if (typeof f !== 'function') throw new Error(`${name}: f must be a function, got ${describe(f)}`);
}

function convertDy(name: string, dy: Tensor | TensorLike | undefined | null): Tensor | null {
  return dy === undefined || dy === null ? null : convert(name, 'dy', dy, 'float32');
}

/**
 * The gradient of f at x: f(x) must be a tensor; dy (ones by default) weights its values.
 * @example const f = (x) => x.square(); const g = tf.grad(f); g(tf.tensor1d([2, 3])).print();
 */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor | TensorLike, dy?: Tensor | TensorLike) => Tensor {
  checkFunction('grad', f);
  return (x, dy) => {
    const $x = convert('grad', 'x', x);
    const { value, grads, owned } = gradients('grad', () => f($x), [$x], convertDy('grad', dy), false);
    if (owned) value.dispose();
    return grads[0]!;
  };
}

/**
 * The gradients of f with respect to each of its arguments.
 * @example const f = (a, b) => a.mul(b); const g = tf.grads(f); const [da, db] = g([tf.tensor1d([5, 6]), tf.tensor1d([-1, -2])]);
 */
export function grads(f: (...args: Tensor[]) => Tensor): (args: Array<Tensor | TensorLike>, dy?: Tensor | TensorLike) => Tensor[] {
  checkFunction('grads', f);
  return (args, dy) => {
    if (!Array.isArray(args) || args.length === 0) throw new Error(`grads: args must be a non-empty array of tensors, got ${describe(args)}`);
    const $args = args.map((a, i) => convert('grads', `args[${i}]`, a));
    const { value, grads, owned } = gradients('grads', () => f(...$args), $args, convertDy('grads', dy), false);
    if (owned) value.dispose();
    return grads as Tensor[];
  };
}

/**
 * Like grad, and the value f(x) too.
 * @example const { value, grad } = tf.valueAndGrad((x) => x.square())(tf.tensor1d([2, 3]));
 */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor | TensorLike, dy?: Tensor | TensorLike) => { value: Tensor; grad: Tensor } {
  checkFunction('valueAndGrad', f);
  return (x, dy) => {
    const $x = convert('valueAndGrad', 'x', x);
    const { value, grads } = gradients('valueAndGrad', () => f($x), [$x], convertDy('valueAndGrad', dy), false);
    return { value, grad: grads[0]! };
  };
}

/** Like grads, and the value f(...args) too. */
export function valueAndGrads(f: (...args: Tensor[]) => Tensor): (args: Array<Tensor | TensorLike>, dy?: Tensor | TensorLike) => { value: Tensor; grads: Tensor[] } {
  checkFunction('valueAndGrads', f);
  return (args, dy) => {
    if (!Array.isArray(args) || args.length === 0) throw new Error(`valueAndGrads: args must be a non-empty array of tensors, got ${describe(args)}`);
    const $args = args.map((a, i) => convert('valueAndGrads', `args[${i}]`, a));
    const { value, grads } = gradients('valueAndGrads', () => f(...$args), $args, convertDy('valueAndGrads', dy), false);
    return { value, grads: grads as Tensor[] };
  };
}

/**
 * The gradient of a scalar f() with respect to variables (every trainable one by default), by name; a
 * variable f does not use gets none. A non-trainable one given in varList maps to null, as in TF.js.
 * @example const w = tf.variable(tf.tensor1d([1, 2])); const { value, grads } = tf.variableGrads(() => w.square().sum());
 */
export function variableGrads(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  checkFunction('variableGrads', f);
  if (varList !== undefined && varList !== null && (!Array.isArray(varList) || !varList.every((v) => v instanceof Variable))) {
    throw new Error(`variableGrads: varList must be an array of variables, got ${describe(varList)}`);
  }
  const all = varList ?? liveVariables();
  const trainable = all.filter((v) => v.trainable);
  if (trainable.length === 0) throw new Error(`variableGrads: none of the ${all.length} variables is trainable`);
  const { value, grads, owned } = gradients('variableGrads', f, trainable, null, true);
  if (value.rank !== 0) {
    if (owned) value.dispose();
    for (const g of grads) g?.dispose();
    throw new Error(`variableGrads: f must return a scalar, got a tensor of shape [${value.shape.join(', ')}]`);
  }
  if (grads.every((g) => g === null)) {
    if (owned) value.dispose();
    throw new Error('variableGrads: f does not depend on any of the variables (use them inside f, the function passed to minimize)');
  }
  const named: Record<string, Tensor> = {};
  trainable.forEach((v, i) => {
    if (grads[i] !== null) named[v.name] = grads[i]!;
  });
  if (varList) for (const v of varList) if (!v.trainable) (named as Record<string, Tensor | null>)[v.name] = null;
  return { value, grads: named };
}

/** What customGrad's f returns: the value, and the gradient of each input given dy and what f saved. */
export interface CustomGradientResult {
  value: Tensor;
  gradFunc: (dy: Tensor, saved: Tensor[]) => Tensor | Tensor[];
}

/**
 * An op with a gradient of your own: f(...inputs, save) computes the value (not recorded) and returns it with
 * gradFunc, which gets dy and the tensors passed to save.
 * @example const customOp = tf.customGrad((x, save) => { save([x]); return { value: x.square(), gradFunc: (dy, [x]) => [dy.mul(abs(x))] }; });
 */
export function customGrad(f: (...args: never[]) => CustomGradientResult): (...inputs: Tensor[]) => Tensor {
  checkFunction('customGrad', f);
  // In a scope, as TF.js runs f in tidy: what f makes besides its value is freed (the tape holds what it saved).
  return op((...inputs: Tensor[]): Tensor => {
    inputs.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`customGrad: argument ${i} must be a Tensor, got ${describe(t)}`);
    });
    let saved: Tensor[] = [];
    const save = (tensors: Tensor[]) => {
      if (!Array.isArray(tensors) || !tensors.every((t) => t instanceof Tensor)) throw new Error(`customGrad: save takes an array of tensors, got ${describe(tensors)}`);
      saved = tensors;
    };
    const result = withoutRecording(() => (f as (...args: unknown[]) => CustomGradientResult)(...inputs, save));
    if (result === null || typeof result !== 'object' || !(result.value instanceof Tensor)) {
      throw new Error('customGrad: f must return { value, gradFunc } where value is a Tensor');
    }
    if (typeof result.gradFunc !== 'function') throw new Error('customGrad: f must return { value, gradFunc } where gradFunc is a function');
    const gradient: GradFn = ([dy], kept) => {
      const g = result.gradFunc(dy, kept);
      const list = Array.isArray(g) ? g : [g];
      if (list.length !== inputs.length || !list.every((t) => t instanceof Tensor)) {
        throw new Error(`customGrad: gradFunc must return ${inputs.length} tensor(s), one per input, got ${describe(g)}`);
      }
      return list;
    };
    record(inputs, [result.value], saved, gradient, undefined, 'customGrad');
    return result.value;
  });
}

/**
 * A Variable holding initialValue's values (cast to dtype when given): tf.variable(initialValue, trainable, name, dtype).
 * @example const x = tf.variable(tf.tensor([1, 2, 3])); x.assign(tf.tensor([4, 5, 6]));
 */
export function variable(initialValue: Tensor, trainable = true, name?: string, dtype?: DType): Variable {
  if (!(initialValue instanceof Tensor)) throw new Error(`variable: initialValue must be a Tensor, got ${describe(initialValue)}`);
  if (initialValue.isDisposed) throw new Error('variable: initialValue is disposed');
  if (typeof trainable !== 'boolean') throw new Error(`variable: trainable must be true or false, got ${describe(trainable)}`);
  if (name !== undefined && name !== null && (typeof name !== 'string' || name === '')) throw new Error(`variable: name must be a non-empty string, got ${describe(name)}`);
  if (dtype !== undefined && dtype !== null) checkDtypeName('variable', dtype);
  const value = dtype && dtype !== initialValue.dtype ? cast(initialValue, dtype) : initialValue;
  try {
    return new Variable(value, trainable, name ?? undefined);
  } finally {
    if (value !== initialValue) value.dispose();
  }
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    /** A new Variable holding this tensor's values, as tf.variable(this, trainable, name, dtype). */
    variable(trainable?: boolean, name?: string, dtype?: DType): Variable;
  }
}

Object.assign(Tensor.prototype, {
  variable(this: Tensor, trainable?: boolean, name?: string, dtype?: DType) {
    return variable(this, trainable, name, dtype);
  },
});
