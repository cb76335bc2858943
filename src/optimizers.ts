// Optimizers with TF.js's names, argument order, defaults and update formulas (the kernels implement the
// formulas), and TF.js's optimizer API: minimize, computeGradients, applyGradients. An optimizer holds its
// hyperparameters, the step count and each variable's state (`slots` buffers of the variable's size, freed with
// the variable); one update of a variable is one kernel call, and model.fit steps through the same path.

import { word } from './backend/heap.js';
import type { Kernels, Ptr } from './backend/kernels.js';
import { Block } from './block.js';
import { activeBackend } from './engine.js';
import { variableGrads } from './autodiff/gradients.js';
import { dispose, liveVariables, Tensor, Variable } from './tensor/tensor.js';
import { checkBool, checkNumber, checkOptions, describe, is } from './validate.js';

/** A learning rate that depends on the step (0 for the first update). */
export interface LearningRateSchedule {
  (step: number): number;
}

/** Gradients by variable name, or as TF.js's list of { name, tensor }. */
export type NamedGradients = Record<string, Tensor> | Array<{ name: string; tensor: Tensor }>;

const f32 = Math.fround;
const NO_SLOTS: Ptr[] = [];

export abstract class Optimizer {
  /** Updates applied so far. */
  iterations = 0;
  /** How many variable-sized state buffers the optimizer keeps per variable. */
  abstract readonly slots: number;
  private rate: number | LearningRateSchedule = 0;
  private clip: number | null = null;
  /** Each variable's state: `slots` buffers of its size, one block (freed with the variable), and their addresses. */
  private readonly state = new WeakMap<Variable, { block: Block; ptrs: Ptr[] }>();
  private readonly blocks = new Set<Block>();

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
   * Minimizes f(), a scalar, over the variables (every trainable one by default): one step of their gradients.
   * Returns the cost when returnCost, else null, as TF.js.
   * @example const w = tf.variable(tf.scalar(2)); tf.train.sgd(0.1).minimize(() => w.square());
   */
  minimize(f: () => Tensor, returnCost = false, varList?: Variable[]): Tensor | null {
    checkBool(this.op, 'returnCost', returnCost);
    const { value, grads } = this.computeGradients(f, varList);
    try {
      this.applyGradients(grads);
    } finally {
      dispose(grads);
    }
    if (returnCost) return value;
    value.dispose();
    return null;
  }

  /** The value of f() and its gradient with respect to each variable, by name (tf.variableGrads). */
  computeGradients(f: () => Tensor, varList?: Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
    return variableGrads(f, varList);
  }

  /**
   * Updates each named variable by its gradient (shapes must match), as one step.
   * @example optimizer.applyGradients({ [w.name]: dw });
   */
  applyGradients(variableGradients: NamedGradients): void {
    const list = Array.isArray(variableGradients) ? variableGradients : variableGradients !== null && typeof variableGradients === 'object' ? Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor })) : null;
    if (list === null) throw new Error(`${this.op}: applyGradients takes gradients by variable name or as [{ name, tensor }], got ${describe(variableGradients)}`);
    const byName = new Map(liveVariables().map((v) => [v.name, v]));
    const pairs: Array<[Variable, Tensor]> = [];
    for (const { name, tensor } of list) {
      if (tensor === null || tensor === undefined) continue; // a variable f does not use (variableGrads maps it to null)
      const v = byName.get(name);
      if (!v) throw new Error(`${this.op}: applyGradients has a gradient for ${describe(name)}, but no live variable has that name`);
      if (!(tensor instanceof Tensor) || tensor.isDisposed) throw new Error(`${this.op}: the gradient of ${name} must be a live Tensor, got ${describe(tensor)}`);
      if (tensor.dtype !== 'float32') throw new Error(`${this.op}: the gradient of ${name} must be float32, got ${tensor.dtype}`);
      if (v.dtype !== 'float32') throw new Error(`${this.op}: variable ${name} is ${v.dtype}; optimizers update float32 variables only`);
      if (tensor.shape.length !== v.shape.length || tensor.shape.some((d, i) => d !== v.shape[i])) {
        throw new Error(`${this.op}: the gradient of ${name} has shape [${tensor.shape.join(', ')}], but the variable has shape [${v.shape.join(', ')}]`);
      }
      pairs.push([v, tensor]);
    }
    if (!this.step(pairs.map(([v, g]) => [v, g.ptr(this.op)]))) {
      throw new Error(`${this.op}: the update made some weights NaN or Infinity, which they now hold; lower the learning rate or set clipNorm`);
    }
  }

  /**
   * @internal One step: each trainable variable updated in place by the gradient at its pointer (clipping may
   * scale the gradients in place first). A variable frozen since its gradient was taken (trainable set false in
   * a fit's callback) is left as it is, as TF.js, which takes the trainable variables at every step. Returns
   * false when an updated weight is not finite (NaN or Infinity): the caller restores the weights.
   */
  step(all: ReadonlyArray<readonly [Variable, Ptr]>): boolean {
    const pairs = all.every(([v]) => v.trainable) ? all : all.filter(([v]) => v.trainable);
    const lr = this.currentLearningRate();
    const k = activeBackend().kernels;
    if (this.clip !== null) {
      let squares = 0;
      for (const [v, g] of pairs) squares += k.sumSquares(g, v.size);
      const norm = Math.sqrt(squares);
      if (norm > this.clip) for (const [v, g] of pairs) k.scale(g, g, v.size, this.clip / norm);
    }
    let finite = 0;
    for (const [v, g] of pairs) {
      // Pointers before the update: taking one may allocate (a variable's own copy, its state).
      const slots = this.slotsOf(v);
      const w = v.writablePtr(this.op);
      finite += this.update(k, w, g, slots, v.size, lr);
    }
    this.advance();
    this.iterations++;
    return finite === 0;
  }

  /** @internal The state buffers of a variable, made (and filled) on its first update. */
  slotsOf(v: Variable): Ptr[] {
    if (this.slots === 0) return NO_SLOTS;
    let state = this.state.get(v);
    if (state === undefined || state.block.isFreed) {
      const block = new Block(this.slots * v.size * 4, v, this.op, `the optimizer state of ${v.name}`);
      activeBackend().kernels.fill(block.ptr(), this.slots * v.size, this.slotInitialValue());
      this.state.set(v, (state = { block, ptrs: [] }));
      this.blocks.add(block);
    }
    const base = state.block.ptr();
    if (state.ptrs[0] !== base) state.ptrs = Array.from({ length: this.slots }, (_, i) => base + i * v.size * 4);
    return state.ptrs;
  }

  /** @internal A view of a variable's state in the heap (empty when it has none yet), for a checkpoint to copy. */
  stateView(v: Variable): Float32Array {
    const block = this.state.get(v)?.block;
    if (!block || block.isFreed) return new Float32Array(0);
    const at = word(block.ptr());
    return activeBackend().heap.f32.subarray(at, at + this.slots * v.size);
  }

  /** @internal Puts back a copy of a state stateView showed (an empty one drops the state). */
  restoreState(v: Variable, saved: Float32Array): void {
    if (saved.length === 0) {
      this.forget([v]);
      return;
    }
    const [base] = this.slotsOf(v);
    activeBackend().heap.f32.set(saved, word(base));
  }

  /** @internal Frees the state of variables that are gone (a disposed model's). */
  forget(variables: Variable[]): void {
    for (const v of variables) {
      const block = this.state.get(v)?.block;
      if (!block) continue;
      block.free();
      this.blocks.delete(block);
      this.state.delete(v);
    }
  }

  /** Frees every variable's state, as TF.js's optimizer.dispose(); the optimizer starts afresh if used again. */
  dispose(): void {
    for (const block of this.blocks) block.free();
    this.blocks.clear();
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
