// Optimizers with TF.js's names, argument order, defaults and update formulas (the kernels implement the
// formulas), and TF.js's optimizer API: minimize, computeGradients, applyGradients, getWeights, setWeights,
// getConfig, fromConfig. Optimizer is TF.js's base class, which a user's optimizer extends (its applyGradients
// written with ops); the built-in ones extend KernelOptimizer, which holds the hyperparameters, the step count
// and each variable's state (`slots` buffers of the variable's size, freed with the variable): one update of a
// variable is one kernel call, and model.fit steps through the same path.

import { word } from './backend/heap.js';
import type { Kernels, Ptr } from './backend/kernels.js';
import { Block } from './block.js';
import { activeBackend } from './engine.js';
import { variableGrads } from './autodiff/gradients.js';
import { cast } from './ops/cast.js';
import { scalar, tensor } from './ops/creation.js';
import { empty } from './ops/op.js';
import { allFinite, dispose, liveVariables, Tensor, tidy, Variable } from './tensor/tensor.js';
import { checkBool, checkInt, checkNumber, checkOptions, describe, is } from './validate.js';

/** A learning rate that depends on the step (0 for the first update). */
export interface LearningRateSchedule {
  (step: number): number;
}

/** A tensor with a name: a variable's gradient, or one of an optimizer's weights (TF.js's NamedTensor). */
export interface NamedTensor {
  name: string;
  tensor: Tensor;
}

/** Gradients by variable name, or as TF.js's list of { name, tensor }. */
export type NamedGradients = Record<string, Tensor> | NamedTensor[];

/** An optimizer's hyperparameters by name, as getConfig gives them and fromConfig takes them. */
export type OptimizerConfig = Record<string, unknown>;

type Rate = number | LearningRateSchedule;

/** A class of optimizer as fromConfig takes it (TF.js's SerializableConstructor): its constructor's arguments vary. */
type OptimizerClass<T extends Optimizer> = new (...args: any[]) => T;

const f32 = Math.fround;
const NO_SLOTS: Ptr[] = [];
/** No state from setWeights waiting (a step allocates nothing). */
const NONE_LOADED: readonly SavedState[] = [];
/** TF.js's backend epsilon, which an epsilon of null (its default) stands for. */
const EPSILON = 1e-7;

/** Every optimizer may have a learning rate: the built-in ones do (an accessor), and a user's may keep its own. */
export interface Optimizer {
  learningRate?: Rate;
}

/**
 * TF.js's optimizer base class. A user's optimizer extends it as in TF.js, overriding applyGradients (which
 * updates each named variable with ops and assign) and getConfig; minimize and model.fit call its applyGradients.
 */
export abstract class Optimizer {
  /** The name model files give the class (TF.js's static className). */
  declare static className: string;
  /** Updates applied so far. */
  iterations = 0;

  /**
   * Minimizes f(), a scalar, over the variables (every trainable one by default): one step of their gradients,
   * given to applyGradients by name, or as a list in varList's order when there is one (as TF.js).
   * Returns the cost when returnCost, else null, as TF.js.
   * @example const w = tf.variable(tf.scalar(2)); tf.train.sgd(0.1).minimize(() => w.square());
   */
  minimize(f: () => Tensor, returnCost = false, varList?: Variable[]): Tensor | null {
    checkBool('minimize', 'returnCost', returnCost);
    const { value, grads } = this.computeGradients(f, varList);
    try {
      this.applyGradients(varList != null ? varList.map((v) => ({ name: v.name, tensor: grads[v.name] })) : grads);
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
   * Updates each named variable by its gradient, as one step.
   * @example optimizer.applyGradients({ [w.name]: dw });
   */
  abstract applyGradients(variableGradients: NamedGradients): void;

  /** The hyperparameters, as TF.js names them. */
  abstract getConfig(): OptimizerConfig;

  /** The static className of the optimizer's class ('Adam'). */
  getClassName(): string {
    return (this.constructor as typeof Optimizer).className;
  }

  /** An optimizer of class cls from getConfig's hyperparameters (TF.js's Serializable.fromConfig). */
  static fromConfig<T extends Optimizer>(cls: OptimizerClass<T>, config: OptimizerConfig): T {
    return new cls(config);
  }

  /** The step count, then the optimizer's state (TF.js's order); copies, the caller's to dispose. */
  async getWeights(): Promise<NamedTensor[]> {
    throw new Error(`getWeights: optimizer ${this.constructor.name} does not implement it`);
  }

  /** Sets the step count and the state from getWeights' list. */
  async setWeights(_weightValues: NamedTensor[]): Promise<void> {
    throw new Error(`setWeights: optimizer ${this.constructor.name} does not implement it`);
  }

  /** The step count, as the first of getWeights' weights (TF.js names it 'iter'). */
  protected async saveIterations(): Promise<NamedTensor> {
    return { name: 'iter', tensor: scalar(this.iterations, 'int32') };
  }

  /** Sets the step count from the first of setWeights' weights; returns the others. */
  protected async extractIterations(weightValues: NamedTensor[]): Promise<NamedTensor[]> {
    checkWeightValues(weightValues);
    const [iterations] = weightValues[0].tensor.dataSync();
    checkInt('setWeights', `weightValues[0] (the step count, ${describe(weightValues[0].name)})`, iterations, 0);
    this.iterations = iterations;
    return weightValues.slice(1);
  }

  protected incrementIterations(): void {
    this.iterations++;
  }

  /** Frees the optimizer's state, as TF.js's optimizer.dispose(). */
  dispose(): void {}

  /** The learning rate the next step will use, checked; undefined when the optimizer keeps its own (a user's). */
  currentLearningRate(): number | undefined {
    return undefined;
  }

  /**
   * @internal One step of model.fit: each trainable variable updated by the gradient at its pointer. A
   * variable frozen since its gradient was taken (trainable set false in a fit's callback) is left as it is,
   * as TF.js, which takes the trainable variables at every step. Returns false when an updated weight is not
   * finite (NaN or Infinity): the caller restores the weights. Here, for a user's optimizer: the gradients
   * go to its applyGradients as tensors, in a scope, as TF.js's fit gives them.
   */
  step(all: ReadonlyArray<readonly [Variable, Ptr]>): boolean {
    const pairs = all.filter(([v]) => v.trainable);
    const gradients = pairs.map(([v, g]) => ({ name: v.name, tensor: tensorAt(g, v.shape) }));
    try {
      tidy(() => this.applyGradients(gradients));
    } finally {
      dispose(gradients);
    }
    return pairs.every(([v]) => allFinite(v));
  }

  /** @internal A view of a variable's state in the heap, for a checkpoint to copy (a user's optimizer keeps its own). */
  stateView(_v: Variable): Float32Array {
    return new Float32Array(0);
  }

  /** @internal Puts back a copy of a state stateView showed (an empty one drops the state). */
  restoreState(_v: Variable, _saved: Float32Array): void {}

  /** @internal Frees the state of variables that are gone (a disposed model's). */
  forget(_variables: Variable[]): void {}

  /** @internal Sets the step count back (with state derived from it), when the weights are restored. */
  rewind(iterations: number): void {
    this.iterations = iterations;
  }
}

/** A new float32 tensor of the values at ptr. */
function tensorAt(ptr: Ptr, shape: number[]): Tensor {
  const t = empty('fit', shape.slice(), 'float32');
  const at = word(t.ptr());
  activeBackend().heap.f32.copyWithin(at, word(ptr), word(ptr) + t.size);
  return t;
}

/** Throws unless weightValues is setWeights' list: { name, tensor } entries, the step count first. */
function checkWeightValues(weightValues: unknown): asserts weightValues is NamedTensor[] {
  if (!Array.isArray(weightValues) || weightValues.length === 0) {
    throw new Error(`setWeights: weightValues must be getWeights' list of { name, tensor }, the step count first; got ${describe(weightValues)}`);
  }
  weightValues.forEach((w, i) => {
    if (w === null || typeof w !== 'object' || typeof w.name !== 'string') throw new Error(`setWeights: weightValues[${i}] must be { name, tensor } with a string name, got ${describe(w)}`);
    if (!(w.tensor instanceof Tensor) || w.tensor.isDisposed) throw new Error(`setWeights: the tensor of ${w.name} must be a live Tensor, got ${describe(w.tensor)}`);
  });
}

/** One variable's state as getWeights gives it and setWeights takes it: each slot's name, and their values one after another. */
interface SavedState {
  names: string[];
  shape: number[];
  values: Float32Array;
}

/** A variable's state: `slots` buffers of its size, one block (freed with the variable), and their addresses. */
interface State {
  block: Block;
  ptrs: Ptr[];
  name: string;
  shape: number[];
}

/**
 * A built-in optimizer: its hyperparameters, and each variable's state in the heap, which its kernel updates
 * with the variable in place.
 */
abstract class KernelOptimizer extends Optimizer {
  /** How many variable-sized state buffers the optimizer keeps per variable. */
  abstract readonly slots: number;
  /** TF.js's names of the buffers getWeights gives (after the variable's name): the first ones of `slots`. */
  protected abstract readonly slotNames: readonly string[];
  private rate: Rate = 0;
  private clip: number | null = null;
  private readonly state = new WeakMap<Variable, State>();
  /** Every variable's state, in the order of their first updates (getWeights' order, as TF.js). */
  private readonly states = new Set<State>();
  /** The states setWeights gave, by position: the next step's variables take them in its order, as in TF.js. */
  private loaded: SavedState[] | null = null;

  /** The factory's name (tf.train.sgd: 'sgd'), for messages. */
  protected get op(): string {
    return this.getClassName().toLowerCase();
  }

  /**
   * A number >= 0, or a schedule evaluated at every step. Settable between steps, checked when set. (TF.js takes
   * a negative rate, which climbs the loss: almost always a slip, so it is refused; negate the loss to ascend.)
   */
  override get learningRate(): Rate {
    return this.rate;
  }
  override set learningRate(value: Rate) {
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
  override currentLearningRate(): number {
    const lr = typeof this.rate === 'function' ? this.rate(this.iterations) : this.rate;
    checkNonNegative(this.op, typeof this.rate === 'function' ? `learningRate (the schedule's value at step ${this.iterations})` : 'learningRate', lr);
    return lr;
  }

  /**
   * Updates each named variable by its gradient (shapes must match; an int32 gradient is cast to float32, as
   * TF.js's arithmetic does), as one step.
   * @example optimizer.applyGradients({ [w.name]: dw });
   */
  applyGradients(variableGradients: NamedGradients): void {
    const list = Array.isArray(variableGradients) ? variableGradients : variableGradients !== null && typeof variableGradients === 'object' ? Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor })) : null;
    if (list === null) throw new Error(`${this.op}: applyGradients takes gradients by variable name or as [{ name, tensor }], got ${describe(variableGradients)}`);
    const byName = new Map(liveVariables().map((v) => [v.name, v]));
    const pairs: Array<[Variable, Tensor]> = [];
    const casts: Tensor[] = [];
    try {
      for (const { name, tensor } of list) {
        if (tensor === null || tensor === undefined) continue; // a variable f does not use (variableGrads maps it to null)
        const v = byName.get(name);
        if (!v) throw new Error(`${this.op}: applyGradients has a gradient for ${describe(name)}, but no live variable has that name`);
        if (!(tensor instanceof Tensor) || tensor.isDisposed) throw new Error(`${this.op}: the gradient of ${name} must be a live Tensor, got ${describe(tensor)}`);
        if (v.dtype !== 'float32') throw new Error(`${this.op}: variable ${name} is ${v.dtype}; optimizers update float32 variables only`);
        if (tensor.shape.length !== v.shape.length || tensor.shape.some((d, i) => d !== v.shape[i])) {
          throw new Error(`${this.op}: the gradient of ${name} has shape [${tensor.shape.join(', ')}], but the variable has shape [${v.shape.join(', ')}]`);
        }
        const gradient = tensor.dtype === 'float32' ? tensor : cast(tensor, 'float32');
        if (gradient !== tensor) casts.push(gradient);
        pairs.push([v, gradient]);
      }
      if (!this.update(pairs.map(([v, g]) => [v, g.ptr(this.op)]))) {
        throw new Error(`${this.op}: the update made some weights NaN or Infinity, which they now hold; lower the learning rate or set clipNorm`);
      }
    } finally {
      dispose(casts);
    }
  }

  /** @internal model.fit's step: the kernels; for a subclass that overrides applyGradients (a user's), Optimizer's step, which calls it. */
  override step(all: ReadonlyArray<readonly [Variable, Ptr]>): boolean {
    return this.applyGradients === KernelOptimizer.prototype.applyGradients ? this.update(all) : super.step(all);
  }

  /**
   * One step: each trainable variable updated in place by the gradient at its pointer (clipping may scale the
   * gradients in place first), taking the state setWeights gave for its position if any. Returns false when
   * an updated weight is not finite.
   */
  private update(all: ReadonlyArray<readonly [Variable, Ptr]>): boolean {
    const pairs = all.every(([v]) => v.trainable) ? all : all.filter(([v]) => v.trainable);
    const lr = this.currentLearningRate();
    const loaded = this.loaded === null ? NONE_LOADED : this.loaded.slice(0, pairs.length);
    loaded.forEach(({ names, shape }, i) => {
      const v = pairs[i][0];
      if (shape.length !== v.shape.length || shape.some((d, j) => d !== v.shape[j])) {
        throw new Error(`${this.op}: setWeights gave ${names.join(', ')} shape [${shape.join(', ')}] for the update's variable ${i}, ${v.name}, of shape [${v.shape.join(', ')}]`);
      }
    });
    const k = activeBackend().kernels;
    if (this.clip !== null) {
      let squares = 0;
      for (const [v, g] of pairs) squares += k.sumSquares(g, v.size);
      const norm = Math.sqrt(squares);
      if (norm > this.clip) for (const [v, g] of pairs) k.scale(g, g, v.size, this.clip / norm);
    }
    let finite = 0;
    for (let i = 0; i < pairs.length; i++) {
      const [v, g] = pairs[i];
      if (i < loaded.length) this.restoreState(v, loaded[i].values);
      // Pointers before the update: taking one may allocate (a variable's own copy, its state).
      const slots = this.slotsOf(v);
      const w = v.writablePtr(this.op);
      finite += this.updateVariable(k, w, g, slots, v.size, lr);
    }
    // The state setWeights gave is taken for good once a step holds: fit rolls a diverged one back to a
    // checkpoint taken before the state was, and the next step takes it again.
    if (finite === 0) this.loaded = null;
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
      this.state.set(v, (state = { block, ptrs: [], name: v.name, shape: v.shape.slice() }));
      this.states.add(state);
    }
    const base = state.block.ptr();
    if (state.ptrs[0] !== base) state.ptrs = Array.from({ length: this.slots }, (_, i) => base + i * v.size * 4);
    return state.ptrs;
  }

  /** @internal A view of a variable's state in the heap (empty when it has none yet), for a checkpoint to copy. */
  override stateView(v: Variable): Float32Array {
    const block = this.state.get(v)?.block;
    if (!block || block.isFreed) return new Float32Array(0);
    const at = word(block.ptr());
    return activeBackend().heap.f32.subarray(at, at + this.slots * v.size);
  }

  /** @internal Puts back a copy of a state stateView showed (an empty one drops the state; a shorter one sets the first slots). */
  override restoreState(v: Variable, saved: Float32Array): void {
    if (saved.length === 0) {
      this.forget([v]);
      return;
    }
    const [base] = this.slotsOf(v);
    activeBackend().heap.f32.set(saved, word(base));
  }

  /** @internal Frees the state of variables that are gone (a disposed model's). */
  override forget(variables: Variable[]): void {
    for (const v of variables) {
      const state = this.state.get(v);
      if (!state) continue;
      state.block.free();
      this.states.delete(state);
      this.state.delete(v);
    }
  }

  /** Frees every variable's state, as TF.js's optimizer.dispose(); the optimizer starts afresh if used again. */
  override dispose(): void {
    for (const state of this.states) state.block.free();
    this.states.clear();
    this.loaded = null;
  }

  /**
   * The step count, then each slot of every variable's state in the order of their first updates (Adam: every
   * m, then every v), named as in TF.js (`${variable.name}/m`). The tensors are copies.
   */
  override async getWeights(): Promise<NamedTensor[]> {
    const states = this.loaded ?? this.savedStates();
    const weights = this.slotNames.flatMap((_, s) =>
      states.map(({ names, shape, values }) => {
        const size = values.length / this.slotNames.length;
        return { name: names[s], tensor: tensor(values.subarray(s * size, (s + 1) * size), shape.slice()) };
      }),
    );
    return [await this.saveIterations(), ...weights];
  }

  /** The live states, copied out of the heap. */
  private savedStates(): SavedState[] {
    const saved: SavedState[] = [];
    for (const state of this.states) {
      if (state.block.isFreed) {
        this.states.delete(state); // its variable was collected
        continue;
      }
      const size = state.block.bytes / 4 / this.slots;
      const at = word(state.block.ptr());
      const values = activeBackend().heap.f32.slice(at, at + this.slotNames.length * size);
      saved.push({ names: this.slotNames.map((slot) => `${state.name}/${slot}`), shape: state.shape, values });
    }
    return saved;
  }

  /**
   * Sets the step count and the state from getWeights' list, TF.js's or neurite's: the step count, then each
   * slot of every variable's state. As in TF.js, the state replaces all there was, and goes to the variables by
   * position: the next step's first variable takes the first state, and so on.
   */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    checkWeightValues(weightValues);
    const slots = this.slotNames.length;
    const rest = weightValues.length - 1;
    if (slots === 0 ? rest > 0 : rest % slots !== 0) {
      const expected = slots === 0 ? 'nothing else' : `${slots} per variable (${this.slotNames.join(', ')})`;
      throw new Error(`setWeights: ${this.op} takes the step count then ${expected}, got ${rest} more weight${rest === 1 ? '' : 's'}`);
    }
    const count = slots === 0 ? 0 : rest / slots;
    const loaded = Array.from({ length: count }, (_, i): SavedState => {
      const parts = this.slotNames.map((_, s) => weightValues[1 + s * count + i]);
      const { shape, size } = parts[0].tensor;
      const values = new Float32Array(slots * size);
      parts.forEach(({ name, tensor }, s) => {
        if (tensor.dtype !== 'float32') throw new Error(`setWeights: ${name} must be float32, got ${tensor.dtype}`);
        if (tensor.shape.length !== shape.length || tensor.shape.some((d, j) => d !== shape[j])) {
          throw new Error(`setWeights: ${name} has shape [${tensor.shape.join(', ')}], but ${parts[0].name} of the same variable has shape [${shape.join(', ')}]`);
        }
        values.set(tensor.dataSync(), s * size);
      });
      return { names: parts.map((p) => p.name), shape: shape.slice(), values };
    });
    await this.extractIterations(weightValues);
    this.dispose();
    this.loaded = loaded.length > 0 ? loaded : null;
  }

  /** Updates n weights in place; returns 0 when they are all finite. */
  protected abstract updateVariable(kernels: Kernels, w: Ptr, g: Ptr, slots: Ptr[], n: number, lr: number): number;

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

export class SGDOptimizer extends KernelOptimizer {
  static override readonly className: string = 'SGD';
  readonly slots: number = 0;
  protected readonly slotNames: readonly string[] = [];
  constructor(learningRate: Rate) {
    super();
    this.learningRate = learningRate;
  }
  /** Sets the learning rate (as assigning learningRate does). */
  setLearningRate(learningRate: Rate): void {
    this.learningRate = learningRate;
  }
  getConfig(): OptimizerConfig {
    return { learningRate: this.learningRate };
  }
  static override fromConfig<T extends Optimizer>(cls: OptimizerClass<T>, config: OptimizerConfig): T {
    return new cls(config.learningRate);
  }
  protected updateVariable(k: Kernels, w: Ptr, g: Ptr, _slots: Ptr[], n: number, lr: number): number {
    return k.sgdStep(w, g, n, lr);
  }
}

export class MomentumOptimizer extends SGDOptimizer {
  static override readonly className: string = 'Momentum';
  override readonly slots: number = 1;
  protected override readonly slotNames: readonly string[] = ['momentum'];
  momentum: number;
  readonly useNesterov: boolean;
  constructor(learningRate: Rate, momentum: number, useNesterov = false) {
    super(learningRate);
    checkNonNegative(this.op, 'momentum', momentum);
    checkBool(this.op, 'useNesterov', useNesterov);
    this.momentum = momentum;
    this.useNesterov = useNesterov;
  }
  /** Sets the momentum, used from the next step (TF.js's setMomentum changes only getConfig's). */
  setMomentum(momentum: number): void {
    checkNonNegative(this.op, 'momentum', momentum);
    this.momentum = momentum;
  }
  override getConfig(): OptimizerConfig {
    return { learningRate: this.learningRate, momentum: this.momentum, useNesterov: this.useNesterov };
  }
  static override fromConfig<T extends Optimizer>(cls: OptimizerClass<T>, config: OptimizerConfig): T {
    return new cls(config.learningRate, config.momentum, config.useNesterov);
  }
  protected override updateVariable(k: Kernels, w: Ptr, g: Ptr, [acc]: Ptr[], n: number, lr: number): number {
    return k.momentumStep(w, g, acc, n, lr, this.momentum, +this.useNesterov);
  }
}

export class AdamOptimizer extends KernelOptimizer {
  static override readonly className: string = 'Adam';
  readonly slots = 2;
  protected readonly slotNames = ['m', 'v'];
  readonly epsilon: number;
  // beta^t as TF.js keeps it: a float32 product updated after every step.
  private accBeta1: number;
  private accBeta2: number;
  /** @param epsilon null (the default) for TF.js's backend epsilon, 1e-7 */
  constructor(
    learningRate: Rate,
    readonly beta1: number,
    readonly beta2: number,
    epsilon: number | null = null,
    /** Decoupled weight decay, Keras's AdamW (tf.train.adamw); not in TF.js. */
    readonly weightDecay = 0,
  ) {
    super();
    this.epsilon = epsilon ?? EPSILON;
    checkFraction(this.op, 'beta1', beta1);
    checkFraction(this.op, 'beta2', beta2);
    checkNonNegative(this.op, 'epsilon', this.epsilon);
    checkNonNegative(this.op, 'weightDecay', weightDecay);
    this.learningRate = learningRate;
    this.accBeta1 = f32(beta1);
    this.accBeta2 = f32(beta2);
  }
  protected override get op(): string {
    return this.weightDecay === 0 ? 'adam' : 'adamw';
  }
  getConfig(): OptimizerConfig {
    const config: OptimizerConfig = { learningRate: this.learningRate, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon };
    if (this.weightDecay !== 0) config.weightDecay = this.weightDecay;
    return config;
  }
  static override fromConfig<T extends Optimizer>(cls: OptimizerClass<T>, config: OptimizerConfig): T {
    return new cls(config.learningRate, config.beta1, config.beta2, config.epsilon, config.weightDecay);
  }
  protected updateVariable(k: Kernels, w: Ptr, g: Ptr, [m, v]: Ptr[], n: number, lr: number): number {
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
  /** As TF.js's: beta^t from a float32 power of the step count, not the running product. */
  override async setWeights(weightValues: NamedTensor[]): Promise<void> {
    await super.setWeights(weightValues);
    this.accBeta1 = f32(f32(this.beta1) ** (this.iterations + 1));
    this.accBeta2 = f32(f32(this.beta2) ** (this.iterations + 1));
  }
}

export class RMSPropOptimizer extends KernelOptimizer {
  static override readonly className: string = 'RMSProp';
  readonly slots = 3;
  protected readonly slotNames: readonly string[];
  readonly epsilon: number;
  /** @param epsilon null (the default) for TF.js's backend epsilon, 1e-7 */
  constructor(
    learningRate: Rate,
    readonly decay = 0.9,
    readonly momentum = 0,
    epsilon: number | null = null,
    readonly centered = false,
  ) {
    super();
    this.epsilon = epsilon ?? EPSILON;
    checkBool(this.op, 'centered', centered);
    checkFraction(this.op, 'decay', decay);
    checkNonNegative(this.op, 'momentum', momentum);
    checkNonNegative(this.op, 'epsilon', this.epsilon);
    this.learningRate = learningRate;
    // The mean gradient (third buffer) is state only when centered.
    this.slotNames = centered ? ['rms', 'momentum', 'mg'] : ['rms', 'momentum'];
  }
  getConfig(): OptimizerConfig {
    return { learningRate: this.learningRate, decay: this.decay, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
  static override fromConfig<T extends Optimizer>(cls: OptimizerClass<T>, config: OptimizerConfig): T {
    return new cls(config.learningRate, config.decay, config.momentum, config.epsilon, config.centered);
  }
  protected updateVariable(k: Kernels, w: Ptr, g: Ptr, [ms, mom, mg]: Ptr[], n: number, lr: number): number {
    return k.rmspropStep(w, g, ms, mom, mg, n, lr, this.decay, this.momentum, this.epsilon, +this.centered);
  }
}

export class AdagradOptimizer extends KernelOptimizer {
  static override readonly className: string = 'Adagrad';
  readonly slots = 1;
  protected readonly slotNames = ['accumulator'];
  constructor(
    learningRate: Rate,
    readonly initialAccumulatorValue = 0.1,
  ) {
    super();
    checkNonNegative(this.op, 'initialAccumulatorValue', initialAccumulatorValue);
    this.learningRate = learningRate;
  }
  override slotInitialValue(): number {
    return this.initialAccumulatorValue;
  }
  getConfig(): OptimizerConfig {
    return { learningRate: this.learningRate, initialAccumulatorValue: this.initialAccumulatorValue };
  }
  static override fromConfig<T extends Optimizer>(cls: OptimizerClass<T>, config: OptimizerConfig): T {
    return new cls(config.learningRate, config.initialAccumulatorValue);
  }
  protected updateVariable(k: Kernels, w: Ptr, g: Ptr, [acc]: Ptr[], n: number, lr: number): number {
    return k.adagradStep(w, g, acc, n, lr, 1e-7);
  }
}

/** Optimizer factories with TF.js's names, argument order and defaults: `tf.train.adam(0.001)`; the classes default the rest. */
export const train = {
  sgd: (learningRate: Rate) => new SGDOptimizer(learningRate),
  momentum: (learningRate: Rate, momentum: number, useNesterov?: boolean) => new MomentumOptimizer(learningRate, momentum, useNesterov),
  adam: (learningRate: Rate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number | null) => new AdamOptimizer(learningRate, beta1, beta2, epsilon),
  /** Adam with decoupled weight decay (Keras's AdamW; not in TF.js). */
  adamw: (learningRate: Rate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number | null, weightDecay = 0.004) => new AdamOptimizer(learningRate, beta1, beta2, epsilon, weightDecay),
  rmsprop: (learningRate: Rate, decay?: number, momentum?: number, epsilon?: number | null, centered?: boolean) => new RMSPropOptimizer(learningRate, decay, momentum, epsilon, centered),
  adagrad: (learningRate: Rate, initialAccumulatorValue?: number) => new AdagradOptimizer(learningRate, initialAccumulatorValue),
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
