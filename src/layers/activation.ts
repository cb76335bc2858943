// Activation layers, TF.js's: `activation({ activation })` and the advanced activations reLU, leakyReLU, pReLU,
// eLU, thresholdedReLU and softmax, computed by the activation ops. As a model's last layer, an activation a
// loss folds in (softmax, sigmoid) is left out and the layer passes its input, the logits, through.

import { type Activation as ActivationFn, getActivation } from '../activations.js';
import { type Constraint, getConstraint } from '../constraints.js';
import { getInitializer, type Initializer } from '../initializers.js';
import { mul } from '../ops/arithmetic.js';
import { cast } from '../ops/cast.js';
import { elu, leakyRelu, prelu, relu, softmax } from '../ops/activations.js';
import { greater } from '../ops/compare.js';
import { activate } from '../ops/fused.js';
import { where } from '../ops/logic.js';
import { clipByValue, expm1 } from '../ops/unary.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { checkInt, describe, is } from '../validate.js';
import type { SerializedForm } from './kernel.js';
import { knownSize, Layer, type Kwargs, type LayerArgs, type Shape } from './layer.js';

const first = (inputs: Tensor | Tensor[]): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);

export class Activation extends Layer {
  static override className = 'Activation';
  override supportsMasking = true;
  private readonly fn: ActivationFn;
  constructor(args: LayerArgs & { activation: string }) {
    super(args, { op: 'activation', options: { activation: is.any }, required: { activation: "a name such as 'relu'" } });
    this.fn = getActivation('activation', args.activation);
  }
  override finalActivation(): string {
    return this.fn.name;
  }
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    return kwargs.logits ? first(inputs) : activate(first(inputs), this.fn);
  }
  override getConfig(): Record<string, unknown> {
    return { activation: this.fn.name, ...super.getConfig() };
  }
}

/** relu, capped at maxValue when one is given. */
export class ReLU extends Layer {
  static override className = 'ReLU';
  override supportsMasking = true;
  readonly maxValue: number | null;
  constructor(args: LayerArgs & { maxValue?: number | null } = {}) {
    super(args, { op: 'reLU', options: { maxValue: is.either(is.oneOf(null), is.number(0)) } });
    this.maxValue = args.maxValue ?? null;
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const y = relu(first(inputs));
    return this.maxValue === null ? y : clipByValue(y, 0, this.maxValue);
  }
  override getConfig(): Record<string, unknown> {
    return { maxValue: this.maxValue, ...super.getConfig() };
  }
}

export class LeakyReLU extends Layer {
  static override className = 'LeakyReLU';
  readonly alpha: number;
  constructor(args: LayerArgs & { alpha?: number } = {}) {
    super(args, { op: 'leakyReLU', options: { alpha: is.number() } });
    this.alpha = args.alpha ?? 0.3;
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return leakyRelu(first(inputs), this.alpha);
  }
  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}

/** x where x > 0, else alpha·(e^x − 1). */
export class ELU extends Layer {
  static override className = 'ELU';
  readonly alpha: number;
  constructor(args: LayerArgs & { alpha?: number } = {}) {
    super(args, { op: 'elu', options: { alpha: is.number() } });
    this.alpha = args.alpha ?? 1;
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = first(inputs);
    return this.alpha === 1 ? elu(x) : where(greater(x, 0), x, mul(expm1(x), this.alpha));
  }
  override getConfig(): Record<string, unknown> {
    return { alpha: this.alpha, ...super.getConfig() };
  }
}

/** x where x > theta, else 0. */
export class ThresholdedReLU extends Layer {
  static override className = 'ThresholdedReLU';
  readonly theta: number;
  constructor(args: LayerArgs & { theta?: number } = {}) {
    super(args, { op: 'thresholdedReLU', options: { theta: is.number() } });
    this.theta = args.theta ?? 1;
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = first(inputs);
    return mul(x, cast(greater(x, this.theta), 'float32'));
  }
  override getConfig(): Record<string, unknown> {
    return { theta: this.theta, ...super.getConfig() };
  }
}

/** Softmax over an axis: axis 1 by default, as in TF.js (the last axis of [batch, classes]). */
export class Softmax extends Layer {
  static override className = 'Softmax';
  readonly axis: number;
  constructor(args: LayerArgs & { axis?: number } = {}) {
    super(args, { op: 'softmax', options: { axis: is.int(-Infinity) } });
    this.axis = args.axis ?? 1;
  }
  /** Over the last axis, a loss may fold it in. */
  override finalActivation(): string {
    const rank = (this.builtInputShape ?? this.batchInputShape)?.length;
    return this.axis === -1 || this.axis === (rank ?? 0) - 1 ? 'softmax' : 'linear';
  }
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = first(inputs);
    if (kwargs.logits && this.finalActivation() === 'softmax') return x;
    return softmax(x, this.axis);
  }
  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, ...super.getConfig() };
  }
}

export interface PReLUArgs extends LayerArgs {
  alphaInitializer?: string | Initializer | SerializedForm;
  alphaRegularizer?: string | Regularizer | SerializedForm;
  alphaConstraint?: string | Constraint | SerializedForm;
  /** Axes along which one alpha is shared (1-based, as the input shape without the batch axis is numbered). */
  sharedAxes?: number | number[];
}

/** Leaky relu whose slopes are learned: one per input value, or shared along sharedAxes. */
export class PReLU extends Layer {
  static override className = 'PReLU';
  override supportsMasking = true;
  readonly alphaInitializer: Initializer;
  readonly alphaRegularizer: Regularizer | null;
  readonly alphaConstraint: Constraint | null;
  readonly sharedAxes: number[] | null;
  private alpha: Variable | null = null;
  constructor(args: PReLUArgs = {}) {
    super(args, { op: 'prelu', options: { alphaInitializer: is.any, alphaRegularizer: is.any, alphaConstraint: is.any, sharedAxes: is.any } });
    this.alphaInitializer = getInitializer('prelu', 'alphaInitializer', args.alphaInitializer ?? 'zeros');
    this.alphaRegularizer = getRegularizer('prelu', 'alphaRegularizer', args.alphaRegularizer);
    this.alphaConstraint = getConstraint('prelu', 'alphaConstraint', args.alphaConstraint);
    const shared = args.sharedAxes === undefined || args.sharedAxes === null ? null : Array.isArray(args.sharedAxes) ? args.sharedAxes : [args.sharedAxes];
    shared?.forEach((a, i) => checkInt('prelu', `sharedAxes[${i}]`, a, 1));
    if (shared && new Set(shared).size !== shared.length) throw new Error(`prelu: sharedAxes must not repeat an axis, got ${describe(args.sharedAxes)}`);
    this.sharedAxes = shared;
  }
  override build(inputShape: Shape): void {
    const shape = inputShape.slice(1).map((d, i) => (this.sharedAxes?.includes(i + 1) ? 1 : knownSize(this, d, `axis ${i + 1} of its input`)));
    for (const a of this.sharedAxes ?? []) if (a >= inputShape.length) throw new Error(`sharedAxes has axis ${a}, but the input has rank ${inputShape.length}`);
    this.alpha = this.addWeight('alpha', shape, 'float32', this.alphaInitializer, this.alphaRegularizer ?? undefined, true, this.alphaConstraint);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return prelu(first(inputs), this.alpha!);
  }
  override dispose(): void {
    super.dispose();
    this.alpha = null;
  }
  override getConfig(): Record<string, unknown> {
    return { alphaInitializer: this.alphaInitializer, alphaRegularizer: this.alphaRegularizer, alphaConstraint: this.alphaConstraint, sharedAxes: this.sharedAxes, ...super.getConfig() };
  }
}
