// Optimizers with TF.js's names, argument order, defaults and update formulas (the kernels implement the
// formulas). An optimizer holds hyperparameters and the step count; the model owns the per-weight state
// (`slots` buffers laid out like the parameters), so one step over every weight is one kernel call.

import type { Kernels, Ptr } from './backend/kernels.js';
import { checkBool, checkNumber, checkOptions, describe, is } from './validate.js';

/** A learning rate that depends on the step (0 for the first update). */
export interface LearningRateSchedule {
  (step: number): number;
}

const f32 = Math.fround;

export abstract class Optimizer {
  /** Updates applied so far. */
  iterations = 0;
  /** How many parameter-sized state buffers the optimizer needs. */
  abstract readonly slots: number;
  private rate: number | LearningRateSchedule = 0;
  private clip: number | null = null;

  /** @param op the factory's name (tf.train.sgd: 'sgd'), for messages */
  constructor(
    protected readonly op: string,
    learningRate: number | LearningRateSchedule,
  ) {
    this.learningRate = learningRate;
  }

  /** A number >= 0, or a schedule evaluated at every step. Settable between steps, checked when set. */
  get learningRate(): number | LearningRateSchedule {
    return this.rate;
  }
  set learningRate(value: number | LearningRateSchedule) {
    if (typeof value !== 'function') checkNonNegative(this.op, 'learningRate', value);
    this.rate = value;
  }

  /** When set, gradients are scaled so that their global L2 norm is at most this (> 0). Checked when set. */
  get clipNorm(): number | null {
    return this.clip;
  }
  set clipNorm(value: number | null) {
    if (value !== null) {
      checkNumber(this.op, 'clipNorm', value);
      if (value <= 0) throw new Error(`${this.op}: clipNorm must be > 0 (or null for no clipping), got ${value}`);
    }
    this.clip = value;
  }

  /** The value every slot starts at (zero for all but Adagrad's accumulator). */
  slotInitialValue(): number {
    return 0;
  }

  /** The learning rate the next step will use; a schedule's value is checked like a set one. */
  currentLearningRate(): number {
    const lr = typeof this.rate === 'function' ? this.rate(this.iterations) : this.rate;
    checkNonNegative(this.op, typeof this.rate === 'function' ? `learningRate (the schedule's value at step ${this.iterations})` : 'learningRate', lr);
    return lr;
  }

  /**
   * @internal One step over the weights in `ranges` ([offset, length] in floats) of an arena at w, from the
   * gradients at g (which clipping may scale in place); slots are laid out like the arena. Returns false when
   * an updated weight is not finite (NaN or Infinity): the caller restores the weights.
   */
  apply(kernels: Kernels, w: Ptr, g: Ptr, slots: Ptr[], ranges: ReadonlyArray<readonly [number, number]>): boolean {
    const lr = this.currentLearningRate();
    if (this.clip !== null) {
      let squares = 0;
      for (const [offset, n] of ranges) squares += kernels.sumSquares(g + offset * 4, n);
      const norm = Math.sqrt(squares);
      if (norm > this.clip) for (const [offset, n] of ranges) kernels.scale(g + offset * 4, g + offset * 4, n, this.clip / norm);
    }
    let finite = 0;
    for (const [offset, n] of ranges) {
      const at = offset * 4;
      finite += this.update(kernels, w + at, g + at, at === 0 ? slots : slots.map((s) => s + at), n, lr);
    }
    this.advance();
    this.iterations++;
    return finite === 0;
  }

  /** @internal Sets the step count back (with state derived from it), when the weights are restored. */
  rewind(iterations: number): void {
    this.iterations = iterations;
  }

  /** Updates n weights in place; returns 0 when they are all finite. */
  protected abstract update(kernels: Kernels, w: Ptr, g: Ptr, slots: Ptr[], n: number, lr: number): number;

  /** Runs once after each step's updates. */
  protected advance(): void {}
}

function checkNonNegative(op: string, name: string, value: unknown): void {
  checkNumber(op, name, value);
  if ((value as number) < 0) throw new Error(`${op}: ${name} must be >= 0, got ${value}`);
}

function checkFraction(op: string, name: string, value: unknown): void {
  checkNumber(op, name, value);
  if ((value as number) < 0 || (value as number) >= 1) throw new Error(`${op}: ${name} must be in [0, 1), got ${value}`);
}

export class SGDOptimizer extends Optimizer {
  readonly slots = 0;
  constructor(learningRate: number | LearningRateSchedule) {
    super('sgd', learningRate);
  }
  protected update(k: Kernels, w: Ptr, g: Ptr, _slots: Ptr[], n: number, lr: number): number {
    return k.sgdStep(w, g, n, lr);
  }
}

export class MomentumOptimizer extends Optimizer {
  readonly slots = 1;
  constructor(
    learningRate: number | LearningRateSchedule,
    readonly momentum: number,
    readonly useNesterov = false,
  ) {
    super('momentum', learningRate);
    checkNonNegative('momentum', 'momentum', momentum);
    checkBool('momentum', 'useNesterov', useNesterov);
  }
  protected update(k: Kernels, w: Ptr, g: Ptr, [acc]: Ptr[], n: number, lr: number): number {
    return k.momentumStep(w, g, acc, n, lr, this.momentum, +this.useNesterov);
  }
}

export class AdamOptimizer extends Optimizer {
  readonly slots = 2;
  // beta^t as TF.js keeps it: a float32 product updated after every step.
  private accBeta1: number;
  private accBeta2: number;
  constructor(
    learningRate: number | LearningRateSchedule,
    readonly beta1: number,
    readonly beta2: number,
    readonly epsilon: number,
    readonly weightDecay = 0,
  ) {
    super(weightDecay === 0 ? 'adam' : 'adamw', learningRate);
    checkFraction(this.op, 'beta1', beta1);
    checkFraction(this.op, 'beta2', beta2);
    checkNonNegative(this.op, 'epsilon', epsilon);
    checkNonNegative(this.op, 'weightDecay', weightDecay);
    this.accBeta1 = f32(beta1);
    this.accBeta2 = f32(beta2);
  }
  protected update(k: Kernels, w: Ptr, g: Ptr, [m, v]: Ptr[], n: number, lr: number): number {
    return k.adamStep(w, g, m, v, n, lr, this.beta1, this.beta2, this.epsilon, f32(1 - this.accBeta1), f32(1 - this.accBeta2), this.weightDecay);
  }
  protected override advance(): void {
    this.accBeta1 = f32(this.accBeta1 * f32(this.beta1));
    this.accBeta2 = f32(this.accBeta2 * f32(this.beta2));
  }
  override rewind(iterations: number): void {
    super.rewind(iterations);
    this.accBeta1 = f32(this.beta1);
    this.accBeta2 = f32(this.beta2);
    for (let t = 0; t < iterations; t++) this.advance();
  }
}

export class RMSPropOptimizer extends Optimizer {
  readonly slots = 3;
  constructor(
    learningRate: number | LearningRateSchedule,
    readonly decay: number,
    readonly momentum: number,
    readonly epsilon: number,
    readonly centered: boolean,
  ) {
    super('rmsprop', learningRate);
    checkBool('rmsprop', 'centered', centered);
    checkFraction('rmsprop', 'decay', decay);
    checkNonNegative('rmsprop', 'momentum', momentum);
    checkNonNegative('rmsprop', 'epsilon', epsilon);
  }
  protected update(k: Kernels, w: Ptr, g: Ptr, [ms, mom, mg]: Ptr[], n: number, lr: number): number {
    return k.rmspropStep(w, g, ms, mom, mg, n, lr, this.decay, this.momentum, this.epsilon, +this.centered);
  }
}

export class AdagradOptimizer extends Optimizer {
  readonly slots = 1;
  constructor(
    learningRate: number | LearningRateSchedule,
    readonly initialAccumulatorValue: number,
  ) {
    super('adagrad', learningRate);
    checkNonNegative('adagrad', 'initialAccumulatorValue', initialAccumulatorValue);
  }
  override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }
  protected update(k: Kernels, w: Ptr, g: Ptr, [acc]: Ptr[], n: number, lr: number): number {
    return k.adagradStep(w, g, acc, n, lr, 1e-7);
  }
}

type Rate = number | LearningRateSchedule;

/** TF.js's backend epsilon, which an epsilon of null (its default) stands for. */
const EPSILON = 1e-7;

/** Optimizer factories with TF.js's names, argument order and defaults: `tf.train.adam(0.001)`. */
export const train = {
  sgd: (learningRate: Rate) => new SGDOptimizer(learningRate),
  momentum: (learningRate: Rate, momentum: number, useNesterov = false) => new MomentumOptimizer(learningRate, momentum, useNesterov),
  adam: (learningRate: Rate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null) => new AdamOptimizer(learningRate, beta1, beta2, epsilon ?? EPSILON),
  /** Adam with decoupled weight decay (Keras's AdamW; not in TF.js). */
  adamw: (learningRate: Rate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon: number | null = null, weightDecay = 0.004) =>
    new AdamOptimizer(learningRate, beta1, beta2, epsilon ?? EPSILON, weightDecay),
  rmsprop: (learningRate: Rate, decay = 0.9, momentum = 0, epsilon: number | null = null, centered = false) =>
    new RMSPropOptimizer(learningRate, decay, momentum, epsilon ?? EPSILON, centered),
  adagrad: (learningRate: Rate, initialAccumulatorValue = 0.1) => new AdagradOptimizer(learningRate, initialAccumulatorValue),
};

const EXPONENTIAL_DECAY = { initialLearningRate: is.number(0), decaySteps: is.number(0, Infinity, { min: true }), decayRate: is.number(0), staircase: is.bool };
const COSINE_DECAY = { initialLearningRate: is.number(0), decaySteps: is.number(0, Infinity, { min: true }), alpha: is.number(0, 1) };

/** Throws unless every named option is present (a schedule has no default for them). */
function required(op: string, args: object, names: string[]): void {
  for (const name of names) {
    if ((args as Record<string, unknown>)[name] === undefined) throw new Error(`${op}: ${name} is required (expected { ${names.join(', ')} })`);
  }
}

/** Learning-rate schedules with Keras's formulas; pass one where a learning rate is expected. */
export const schedules = {
  /** lr0 · decayRate^(step / decaySteps), the exponent floored when staircase. */
  exponentialDecay(args: { initialLearningRate: number; decaySteps: number; decayRate: number; staircase?: boolean }): LearningRateSchedule {
    if (args === undefined) throw new Error('exponentialDecay: expected { initialLearningRate, decaySteps, decayRate, staircase? }');
    const { initialLearningRate, decaySteps, decayRate, staircase = false } = checkOptions('exponentialDecay', 'args', args, EXPONENTIAL_DECAY);
    required('exponentialDecay', args, ['initialLearningRate', 'decaySteps', 'decayRate']);
    return (step) => {
      const p = step / decaySteps;
      return initialLearningRate * decayRate ** (staircase ? Math.floor(p) : p);
    };
  },
  /** lr0 · ((1 - alpha) · ½(1 + cos(π · min(step, decaySteps) / decaySteps)) + alpha). */
  cosineDecay(args: { initialLearningRate: number; decaySteps: number; alpha?: number }): LearningRateSchedule {
    if (args === undefined) throw new Error('cosineDecay: expected { initialLearningRate, decaySteps, alpha? }');
    const { initialLearningRate, decaySteps, alpha = 0 } = checkOptions('cosineDecay', 'args', args, COSINE_DECAY);
    required('cosineDecay', args, ['initialLearningRate', 'decaySteps']);
    return (step) => {
      const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps));
      return initialLearningRate * ((1 - alpha) * cosine + alpha);
    };
  },
};

/** An optimizer from an Optimizer or a name with TF.js's default learning rates. */
export function getOptimizer(op: string, value: unknown): Optimizer {
  if (value instanceof Optimizer) return value;
  switch (typeof value === 'string' ? value.toLowerCase() : value) {
    case 'sgd':
      return train.sgd(0.01);
    case 'adam':
      return train.adam(0.001);
    case 'adamw':
      return train.adamw(0.001);
    case 'rmsprop':
      return train.rmsprop(0.001);
    case 'adagrad':
      return train.adagrad(0.01);
  }
  throw new Error(`${op}: optimizer must be an Optimizer or one of 'sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'; got ${describe(value)}`);
}
