// The layer contract, TF.js's: a layer works on shapes of any rank (batch axis first, null when unknown). It
// builds its weights in build(inputShape) as soon as that shape is known, as named variables (`dense_1/kernel`)
// made by addWeight, reports computeOutputShape(inputShape), and computes in call(inputs, kwargs) with ops, so
// its gradient is the tape's: model.fit and tf.grad share one mechanism. Users subclass it as in TF.js
// (call, computeOutputShape, getConfig, static className, tf.serialization.registerClass).
// Masks as TF.js passes them: a layer that supportsMasking gives each output the mask computeMask makes (an
// embedding's padding, a masking layer's), and the layer applied next is given its input's mask as kwargs.mask.
// Guards: checks on data a layer computes with, repeated at every replay of a recorded training step.

import { word } from '../backend/heap.js';
import { activeBackend } from '../engine.js';
import { type Constraint, getConstraint } from '../constraints.js';
import { getInitializer, type Initializer } from '../initializers.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import { Block } from '../block.js';
import { clone } from '../ops/cast.js';
import type { DType, TypedData } from '../tensor/dtype.js';
import { sizeOf, Tensor, type TensorContainer, tidy, uniqueVariableName, Variable } from '../tensor/tensor.js';
import { checkBool, checkInt, checkObject, checkOptions, checkTensor, describe, is, type Schema } from '../validate.js';
import { Node, SymbolicTensor } from './symbolic.js';

/** A shape with its batch axis first; null where a size is not known until data arrives. */
export type Shape = Array<number | null>;

/** Whether a layer's input or output shape is a list of shapes (a layer of several inputs or outputs). */
export const isShapeList = (shape: Shape | Shape[]): shape is Shape[] => Array.isArray(shape[0]);

export interface LayerArgs {
  name?: string;
  /** Input shape without the batch axis, e.g. [784] or [28, 28, 1]; the first layer of a model needs it. */
  inputShape?: Shape;
  /** Shorthand for inputShape [inputDim]. */
  inputDim?: number;
  /** Input shape with the batch axis, e.g. [null, 784]. */
  batchInputShape?: Shape;
  batchSize?: number;
  dtype?: 'float32';
  trainable?: boolean;
}

/** What call() is told besides its inputs (TF.js's Kwargs). */
export interface Kwargs {
  /** True while fit trains (dropout drops, noise layers add noise). */
  training?: boolean;
  /** @internal The model's last layer leaves out the activation its loss folds in (see finalActivation). */
  logits?: boolean;
  /**
   * The mask its input carries (as TF.js's executor gives it, the first input's for a layer of several): bool,
   * the input's shape without its last axis (an embedding's [batch, time]); false marks a padded step.
   */
  mask?: Tensor | Array<Tensor | null> | null;
  [key: string]: unknown;
}

/** What computeMask takes and gives: a mask (or null) per input or output, a list for several. */
export type Masks = Tensor | Array<Tensor | null> | null;

/** The options every layer accepts (TF.js's LayerArgs); each layer adds its own. */
const LAYER_OPTIONS: Schema = {
  name: is.string,
  inputShape: is.any,
  inputDim: is.int(1),
  batchInputShape: is.any,
  batchSize: is.int(1),
  dtype: is.oneOf('float32'),
  trainable: is.bool,
  inputDType: is.oneOf('float32'),
  weights: is.unsupported('set them with layer.setWeights once the layer is built'),
};

/**
 * Where addWeight takes a new weight's values from: its initializer, or (while a model loads) a function that
 * gives the saved values, checked against the weight's shape before anything is allocated.
 */
type WeightSource = (layer: Layer, name: string, shape: number[]) => Float32Array;
let weightSource: WeightSource | null = null;

/** The built-in layer classes (src/layers/index.ts adds them as it registers them): see Layer.samplewise. */
export const BUILT_IN_LAYERS = new Set<unknown>();

/** @internal Runs fn with every weight built in it taking its values from `source` (the model loader). */
export function withWeightSource<T>(source: WeightSource, fn: () => T): T {
  const outer = weightSource;
  weightSource = source;
  try {
    return fn();
  } finally {
    weightSource = outer;
  }
}

const counters = new Map<string, number>();

export class Layer {
  /** The class name saved in model files and looked up by tf.serialization (subclasses set their own). */
  static className = 'Layer';
  readonly name: string;
  private readonly givenInputShape: Shape | null;
  /** @internal The input shape the layer was built for (one per input for a layer of several inputs). */
  builtInputShape: Shape | Shape[] | null = null;
  /** @internal Its calls on symbolic tensors, in order (TF.js's inboundNodes). */
  inboundNodes: Node[] = [];
  /** @internal How many models hold this layer: the last to be disposed frees its weights. */
  holders = 0;
  /** Whether build() has made the weights (a layer without any is built too, once it knows its input shape). */
  built = false;
  /**
   * Whether the layer passes masks on (TF.js's supportsMasking): its outputs carry what computeMask gives. A
   * layer that does not drops the mask its input carries, as TF.js's models do.
   */
  supportsMasking = false;
  /** @internal The dtypes apply takes (an embedding takes int32 indices too). */
  protected readonly inputDtypes: readonly DType[] = ['float32'];
  /** @internal Whether apply holds inputs to the shape the layer was built for (an embedding takes any, as TF.js's). */
  readonly fixedInputShape: boolean = true;
  private trainable_: boolean;
  private variables: Variable[] = [];
  /** The weights' names as addWeight was given them ('kernel'): the variables' names may carry a suffix. */
  private names: string[] = [];
  /** Weights addWeight was told are not trainable (a batch norm's moving statistics). */
  private frozen = new Set<Variable>();
  /** The call building the layer (ensureBuilt), named by addWeight's errors. */
  private building: string | null = null;
  /**
   * @internal The layer whose weights this one's are, named `<host>/<prefix><weight>` as TF.js's name scopes make
   * them: an RNN's cell, a wrapped layer. The host owns them (saves, trains and frees them).
   */
  weightHost: { layer: Layer; prefix: string } | null = null;
  /** @internal The weights with a regularizer, added to the loss in training. */
  regularized: Array<{ variable: Variable; regularizer: Regularizer }> = [];
  /** @internal The weights with a constraint, projected after each training step. */
  constrained: Array<{ variable: Variable; constraint: Constraint }> = [];

  /**
   * @param args TF.js's layer arguments, with the layer's own options
   * @param own a built-in layer's name for messages, its own options' rules (keys outside them are refused;
   *   a user's subclass passes its own config through, as in TF.js) and the options it cannot do without
   */
  constructor(args?: LayerArgs, own?: { op: string; options: Schema; required?: Record<string, string> }) {
    const op = own?.op ?? 'Layer';
    if (args === undefined && !own?.required) args = {};
    if (args === null || typeof args !== 'object' || Array.isArray(args)) throw new Error(`${op}: expected an arguments object, got ${describe(args)}`);
    const passThrough = Object.fromEntries(Object.keys(args).filter((k) => !Object.hasOwn(LAYER_OPTIONS, k)).map((k) => [k, is.any]));
    checkOptions(op, 'args', args, { ...LAYER_OPTIONS, ...(own ? own.options : passThrough) });
    for (const [key, what] of Object.entries(own?.required ?? {})) {
      if ((args as Record<string, unknown>)[key] === undefined) throw new Error(`${op}: ${key} is required (${what})`);
    }
    this.givenInputShape = batchInputShapeOf(op, args);
    if (args.name === '') throw new Error(`${op}: name must be a non-empty string, got ""`);
    this.name = args.name ?? Layer.uniqueName(this.className);
    this.trainable_ = args.trainable ?? true;
    // getConfig gives data whichever class overrides it, as TF.js's layers give it: each initializer,
    // regularizer and constraint as its serialized form, a copy (a config never reaches into the layer).
    const configOf = this.getConfig;
    Object.defineProperty(this, 'getConfig', { value: () => serialized(configOf.call(this)), writable: true, configurable: true });
  }

  /** The input shape with its batch axis, as the layer's arguments give it (saved with the layer). */
  get batchInputShape(): Shape | null {
    return this.givenInputShape;
  }

  /** The class name of this layer (its constructor's static className). */
  get className(): string {
    return (this.constructor as typeof Layer).className;
  }

  getClassName(): string {
    return this.className;
  }

  get trainable(): boolean {
    return this.trainable_;
  }
  set trainable(value: boolean) {
    checkBool(this.name, 'trainable', value);
    this.trainable_ = value;
    for (const v of this.variables) v.trainable = value && !this.frozen.has(v);
  }

  /** TF.js-style default names: dense_Dense1, conv2d_Conv2D1, p_re_lu_PReLU1, ... (TF.js's toSnakeCase of the class). */
  private static uniqueName(className: string): string {
    const n = (counters.get(className) ?? 0) + 1;
    counters.set(className, n);
    const snake = className.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2').replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
    return `${snake}_${className}${n}`;
  }

  // ---- the contract subclasses implement ----

  /** Makes the weights for an input shape (a list of them for several inputs) with addWeight (the default: none). */
  build(_inputShape: Shape | Shape[]): void {}

  /** The output shape for an input shape, each a list of shapes for several inputs or outputs (the default: the same). */
  computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    return inputShape;
  }

  /** The outputs for the inputs, computed with ops (the default: the inputs). */
  call(inputs: Tensor | Tensor[], _kwargs: Kwargs): Tensor | Tensor[] {
    return inputs;
  }

  /**
   * The mask of each output (one, or a list for several outputs) for the inputs and the masks they carry (one,
   * or a list for several inputs), computed with ops. TF.js's default: a layer that supportsMasking passes its
   * input's mask on; one that does not refuses a mask.
   */
  computeMask(_inputs: Tensor | Tensor[], mask?: Masks): Masks {
    if (this.supportsMasking) return mask ?? null;
    if (mask != null && (!Array.isArray(mask) || mask.some((m) => m != null))) throw new Error(`computeMask: layer ${this.name} does not support masking, but was given a mask`);
    return null;
  }

  /**
   * The layer's configuration (camelCase keys), its own options first, as TF.js saves it: plain data, its
   * initializers, regularizers and constraints as { className, config } (whichever class overrides this).
   */
  getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = { name: this.name, trainable: this.trainable };
    if (this.batchInputShape !== null) Object.assign(config, { batchInputShape: this.batchInputShape.slice(), dtype: 'float32' });
    return config;
  }

  /** A layer from its configuration, as model loading makes it (TF.js's static fromConfig); null means the default. */
  static fromConfig<T extends Layer>(cls: new (config: Record<string, unknown>) => T, config: Record<string, unknown>): T {
    return new cls(Object.fromEntries(Object.entries(config).filter(([, v]) => v !== null)));
  }

  /**
   * @internal Whether a training step may run this layer on parts of the batch one by one (on several threads)
   * with the same meaning as on the whole: it treats each sample on its own, draws no random numbers and keeps
   * no state between batches. Built-in layers do unless they say otherwise; a user's class never (neurite
   * cannot see what its call does).
   */
  samplewise(): boolean {
    return BUILT_IN_LAYERS.has(this.constructor);
  }

  /** The activation this layer applies last, which a loss may fuse with; 'linear' when none. */
  finalActivation(): string {
    return 'linear';
  }

  // ---- weights ----

  /**
   * Makes a weight of this layer, named `<layer>/<name>`, filled by its initializer, and returns it (a
   * tf.Variable; `read()` gives its value, as TF.js's LayerVariable). Call it from build().
   */
  addWeight(name: string, shape: number[], dtype?: 'float32', initializer?: Initializer | string, regularizer?: Regularizer | string, trainable = true, constraint?: Constraint | string | null): Variable {
    if (this.weightHost) return this.weightHost.layer.addWeight(this.weightHost.prefix + name, shape, dtype, initializer, regularizer, trainable, constraint);
    const op = this.building ?? `${this.name}.addWeight`;
    const at = `${op}: layer ${this.name}, addWeight`;
    if (typeof name !== 'string' || name === '') throw new Error(`${at}: name must be a non-empty string, got ${describe(name)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) throw new Error(`${at}: shape of ${name} must be non-negative integers, got ${describe(shape)}`);
    if (dtype !== undefined && dtype !== 'float32') throw new Error(`${at}: dtype of ${name} must be 'float32', got ${describe(dtype)}`);
    checkBool(at, 'trainable', trainable);
    if (this.names.includes(name)) throw new Error(`${at}: the layer already has a weight named ${name}`);
    const init = getInitializer(at, 'initializer', initializer ?? 'glorotUniform');
    const reg = getRegularizer(at, 'regularizer', regularizer);
    const projection = getConstraint(at, 'constraint', constraint);
    const saved = weightSource?.(this, name, shape);
    const size = sizeOf(shape);
    const values = new Tensor(shape.slice(), 'float32', new Block(size * 4, null, op, `the weight ${this.name}/${name}`), 'manual');
    try {
      const backend = activeBackend();
      if (saved) backend.heap.f32.set(saved, word(values.ptr()));
      else init.fill(backend, values.ptr(), shape);
      const variable = new Variable(values, trainable && this.trainable, uniqueVariableName(`${this.name}/${name}`));
      this.variables.push(variable);
      this.names.push(name);
      if (!trainable) this.frozen.add(variable);
      if (reg) this.regularized.push({ variable, regularizer: reg });
      if (projection) {
        this.constrained.push({ variable, constraint: projection });
        if (saved) project(variable, projection); // loaded values are written as setWeights writes them
      }
      return variable;
    } finally {
      values.dispose();
    }
  }

  /** @internal The weights' names as model files give them: `<layer>/<weight>`, in the order of weights. */
  get weightNames(): string[] {
    return this.names.map((n) => `${this.name}/${n}`);
  }

  /** Every weight, trainable or not, in the order they were made. */
  get weights(): Variable[] {
    return this.variables.slice();
  }

  get trainableWeights(): Variable[] {
    return this.trainable ? this.variables.filter((v) => !this.frozen.has(v)) : [];
  }

  get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.variables.filter((v) => this.frozen.has(v)) : this.variables.slice();
  }

  /**
   * @internal Builds the layer for an input shape unless it is built: all or nothing (a failure frees what
   * build made). `op` names the call in errors.
   */
  ensureBuilt(inputShape: Shape | Shape[], op: string): void {
    if (this.built) return;
    this.building = op;
    try {
      this.build(copyShape(inputShape));
    } catch (error) {
      this.dispose();
      // Errors naming their call pass as they are; others get this call and the layer.
      const message = (error as Error).message;
      if (/^[A-Za-z][\w.]*: /.test(message)) throw error;
      throw new Error(`${op}: ${message.startsWith('layer ') ? message : `layer ${this.name}: ${message}`}`);
    } finally {
      this.building = null;
    }
    this.builtInputShape = copyShape(inputShape);
    this.built = true;
  }

  /** The output shape, once the input shape is known (TF.js's layer.outputShape). */
  get outputShape(): Shape | Shape[] {
    return this.computeOutputShape(copyShape(this.knownInputShape('outputShape')));
  }

  /** The symbolic input of the layer's one call on symbolic tensors (TF.js's layer.input). */
  get input(): SymbolicTensor | SymbolicTensor[] {
    const node = this.onlyNode('input');
    return node.single ? node.inputs[0] : node.inputs.slice();
  }

  /** The symbolic output of the layer's one call on symbolic tensors (TF.js's layer.output). */
  get output(): SymbolicTensor | SymbolicTensor[] {
    const node = this.onlyNode('output');
    return node.outputs.length === 1 ? node.outputs[0] : node.outputs.slice();
  }

  private onlyNode(what: string): Node {
    if (this.inboundNodes.length === 1) return this.inboundNodes[0];
    if (this.inboundNodes.length === 0) throw new Error(`${what}: layer ${this.name} has not been applied to a symbolic tensor (tf.input) yet, so it has no ${what}`);
    throw new Error(`${what}: layer ${this.name} has been applied ${this.inboundNodes.length} times, so it has several; use the symbolic tensors each apply returned`);
  }

  /** The number of weights (TF.js's layer.countParams(): the layer must be built). */
  countParams(): number {
    if (!this.built) throw new Error(`countParams: layer ${this.name} is not built yet (give it an inputShape, or build its model)`);
    return this.variables.reduce((n, v) => n + v.size, 0);
  }

  private knownInputShape(op: string): Shape | Shape[] {
    const shape = this.builtInputShape ?? this.batchInputShape;
    if (shape === null) throw new Error(`${op}: layer ${this.name} does not know its input shape yet (give it an inputShape, or build its model)`);
    return shape;
  }

  /**
   * Applies the layer, building it for the input's shape on first use (TF.js's layer.apply): to tensors, it
   * computes; to symbolic tensors (tf.input and what layers made of it), it records the call in the graph
   * tf.model runs and returns the symbolic outputs. An array gives a layer of several inputs (merge layers).
   * @example const y = tf.layers.dense({ units: 3 }).apply(tf.ones([2, 4]));
   * @example const hidden = tf.layers.dense({ units: 8 }).apply(tf.input({ shape: [4] }));
   */
  apply(inputs: Tensor, kwargs?: Kwargs): Tensor;
  apply(inputs: Tensor[], kwargs?: Kwargs): Tensor | Tensor[];
  apply(inputs: SymbolicTensor, kwargs?: Kwargs): SymbolicTensor;
  apply(inputs: SymbolicTensor[], kwargs?: Kwargs): SymbolicTensor | SymbolicTensor[];
  apply(inputs: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], kwargs?: Kwargs): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[];
  apply(inputs: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], kwargs: Kwargs = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    const op = `${this.name}.apply`;
    // A user's layer may take kwargs of its own; training is the one every layer reads.
    checkObject(op, 'kwargs', kwargs);
    if (kwargs.training !== undefined) checkBool(op, 'kwargs.training', kwargs.training);
    const list: unknown[] = Array.isArray(inputs) ? inputs : [inputs];
    const at = (i: number) => (Array.isArray(inputs) ? `inputs[${i}]` : 'inputs');
    if (list.length === 0) throw new Error(`${op}: inputs must be a tensor, a symbolic tensor or an array of them, got []`);
    if (list.every((t) => t instanceof SymbolicTensor)) return this.applySymbolic(op, inputs as SymbolicTensor | SymbolicTensor[], kwargs);
    list.forEach((t, i) => {
      if (t instanceof SymbolicTensor) throw new Error(`${op}: ${at(i)} is a symbolic tensor, but ${at(i === 0 ? 1 : 0)} is not; give all tensors or all symbolic tensors`);
      checkTensor(op, at(i), t);
      if (!this.inputDtypes.includes(t.dtype)) throw new Error(`${op}: ${at(i)} must have dtype ${this.inputDtypes.join(' or ')}, got ${t.dtype}`);
      if (t.kerasMask?.isDisposed) throw new Error(`${op}: the mask ${at(i)} carries (its kerasMask) is disposed`);
    });
    const tensors = list as Tensor[];
    const shapes = tensors.map((t) => [null, ...t.shape.slice(1)]);
    const shape = Array.isArray(inputs) ? shapes : shapes[0];
    if (this.fixedInputShape) checkInputShape(op, this, Array.isArray(inputs) ? tensors.map((t) => t.shape) : (inputs as Tensor).shape);
    this.ensureBuilt(shape, op);
    // The masks the inputs carry, as a model passes them (see execute): call gets the first input's, unless kwargs give one.
    const carried = tensors.map((t) => t.kerasMask ?? null);
    const given = kwargs.mask !== undefined;
    if (given) checkMasks(op, 'kwargs.mask', kwargs.mask);
    else if (carried[0]) kwargs = { ...kwargs, mask: carried[0] };
    const masks = given ? kwargs.mask! : Array.isArray(inputs) ? carried : carried[0];
    // In a scope, so what call() makes on the way to its outputs is freed, whoever wrote the layer.
    const [result, outMasks] = tidy(() => {
      const out: unknown = this.call(inputs as Tensor | Tensor[], kwargs);
      return [out, this.supportsMasking ? this.computeMask(inputs as Tensor | Tensor[], masks) : null] as TensorContainer[];
    }) as [unknown, Masks];
    if (!(result instanceof Tensor || (Array.isArray(result) && result.length > 0 && result.every((t) => t instanceof Tensor)))) {
      throw new Error(`layer ${this.name}: call() must return a Tensor or an array of them, got ${describe(result)}`);
    }
    const outs = result instanceof Tensor ? [result] : result;
    // Each output gets a mask of its own (an input passed through becomes a new tensor, a mask passed on or
    // shared a new handle on its values), as disposing a tensor disposes the mask it carries.
    const taken = new Set([...carried, ...[masks].flat()]);
    const withMasks = outs.map((t, i) => {
      const mask = outputMask(this, outMasks, i, outs.length);
      if (!mask) return t;
      const out = tensors.includes(t) ? clone(t) : t;
      out.kerasMask = taken.has(mask) ? clone(mask) : mask;
      taken.add(mask);
      return out;
    });
    return result instanceof Tensor ? withMasks[0] : withMasks;
  }

  /** The call recorded in the graph: the layer built for the symbolic shapes, its outputs made from computeOutputShape. */
  private applySymbolic(op: string, inputs: SymbolicTensor | SymbolicTensor[], kwargs: Kwargs): SymbolicTensor | SymbolicTensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const shape = Array.isArray(inputs) ? list.map((t) => t.shape.slice()) : inputs.shape.slice();
    if (this.fixedInputShape) checkInputShape(op, this, shape);
    this.ensureBuilt(shape, op);
    let out: Shape | Shape[];
    try {
      out = this.computeOutputShape(copyShape(shape));
    } catch (error) {
      const message = (error as Error).message;
      throw /^[A-Za-z][\w.]*: /.test(message) ? error : new Error(`${op}: ${message}`);
    }
    const node = new Node(this, list, !Array.isArray(inputs), kwargs, this.inboundNodes.length);
    const shapes = isShapeList(out) ? out : [out];
    node.outputs = shapes.map((s, i) => new SymbolicTensor('float32', s.slice(), this, node, i));
    this.inboundNodes.push(node);
    return isShapeList(out) ? node.outputs.slice() : node.outputs[0];
  }

  /**
   * The layer's weights (kernel then bias for dense; [] until it is built): the variables themselves, as
   * TF.js returns them, so reading them makes no tensors to dispose (disposing one frees the weight).
   */
  getWeights(): Tensor[] {
    return this.variables.slice();
  }

  /** Replaces the layer's weights (checked in full first: shapes and dtypes must match), each projected by its constraint as TF.js writes it. */
  setWeights(weights: Tensor[]): void {
    checkWeights('setWeights', this, weights);
    this.variables.forEach((v, i) => v.assign(weights[i]));
    this.projectAll();
  }

  /** @internal Projects every constrained weight by its constraint. */
  projectAll(): void {
    for (const { variable, constraint } of this.constrained) project(variable, constraint);
  }

  /** Frees the weights and anything else the layer holds; the layer can be built again. */
  dispose(): void {
    for (const v of this.variables) v.dispose();
    this.variables = [];
    this.names = [];
    this.builtInputShape = null;
    this.frozen.clear();
    this.regularized = [];
    this.constrained = [];
    this.built = false;
  }
}

/**
 * A config with the objects in it that serialize themselves (initializers, regularizers, constraints: a class
 * name and a getConfig) in their serialized form, TF.js's serializeKerasObject: { className, config }.
 */
function serialized(config: Record<string, unknown>): Record<string, unknown> {
  if (config === null || typeof config !== 'object') return config;
  const serializable = (v: unknown): v is { className: string; getConfig(): unknown } =>
    v !== null && typeof v === 'object' && typeof (v as { className?: unknown }).className === 'string' && typeof (v as { getConfig?: unknown }).getConfig === 'function';
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, serializable(v) ? { className: v.className, config: structuredClone(v.getConfig()) } : v]));
}

/** The input shape a layer's arguments give (batchInputShape, or inputShape / inputDim with batchSize), checked. */
function batchInputShapeOf(op: string, args: LayerArgs): Shape | null {
  const shapes: Array<[string, Shape]> = [];
  const batch = args.batchSize ?? null;
  if (args.batchInputShape !== undefined) shapes.push(['batchInputShape', checkShape(op, 'batchInputShape', args.batchInputShape, true)]);
  if (args.inputShape !== undefined) shapes.push(['inputShape', [batch, ...checkShape(op, 'inputShape', args.inputShape, false)]]);
  if (args.inputDim !== undefined) shapes.push(['inputDim', [batch, args.inputDim]]);
  const text = (s: Shape) => `[${s.slice(1).join(', ')}]`;
  const disagree = shapes.find(([, s]) => s.length !== shapes[0][1].length || s.some((d, i) => i > 0 && d !== shapes[0][1][i]));
  if (disagree) throw new Error(`${op}: ${shapes[0][0]} gives input shape ${text(shapes[0][1])} but ${disagree[0]} gives ${text(disagree[1])}`);
  return shapes.length > 0 ? shapes[0][1] : null;
}

/** A shape argument: an array of positive integers or null (any size); with `batch`, its first entry is the batch. */
function checkShape(op: string, name: string, shape: unknown, batch: boolean): Shape {
  const ok = Array.isArray(shape) && shape.length <= 8 && shape.every((d) => d === null || (Number.isSafeInteger(d) && d >= 1));
  if (!ok || (batch && shape.length === 0)) {
    const expected = batch ? '[batch or null, ...sizes], e.g. [null, 784]' : 'an array of sizes without the batch axis, e.g. [784] or [28, 28, 1]';
    throw new Error(`${op}: ${name} must be ${expected}, got ${describe(shape)}`);
  }
  return shape.slice() as Shape;
}

/** Throws unless an input shape (concrete or symbolic; a list for several inputs) fits the one a layer expects (null: any size). */
function checkInputShape(op: string, layer: Layer, shape: Shape | Shape[]): void {
  const expected = layer.builtInputShape ?? layer.batchInputShape;
  if (expected === null) return;
  const fits = (want: Shape, got: Shape) => got.length === want.length && want.every((d, i) => i === 0 || d === null || got[i] === null || d === got[i]);
  const wanted = isShapeList(expected) ? expected : [expected];
  const given = isShapeList(shape) ? shape : [shape];
  if (wanted.length !== given.length || wanted.some((w, i) => !fits(w, given[i]))) {
    throw new Error(`${op}: layer ${layer.name} expects input of shape ${shapesText(wanted)}, got ${shapesText(given)}`);
  }
}

/** Throws unless `masks` is a mask (a Tensor or null) or a list of them. */
function checkMasks(op: string, name: string, masks: unknown): void {
  const ok = (m: unknown) => m === null || m === undefined || (m instanceof Tensor && !m.isDisposed);
  if (Array.isArray(masks) ? !masks.every(ok) : !ok(masks)) throw new Error(`${op}: ${name} must be a live Tensor, null or an array of them, got ${describe(masks)}`);
}

/**
 * @internal The mask of output i of `count`, from what layer.computeMask gave: one mask for every output, or
 * a list of one per output (TF.js's executor gives every output the first; Keras, each its own, as here).
 */
export function outputMask(layer: Layer, masks: unknown, i: number, count: number): Tensor | null {
  checkMasks(`layer ${layer.name}`, 'computeMask()', masks);
  if (Array.isArray(masks) && count > 1 && masks.length !== count) throw new Error(`layer ${layer.name}: computeMask() must return one mask (or null) per output (${count}), got ${masks.length}`);
  return ((Array.isArray(masks) ? masks[i] : masks) as Tensor | null | undefined) ?? null;
}

/** Throws unless weights fit the layer's: one float32 tensor of the right shape per weight. */
export function checkWeights(op: string, layer: Layer, weights: unknown, positions?: number[]): asserts weights is Tensor[] {
  const own = layer.weights;
  // Where each weight is in the list the caller was given (a model's setWeights passes a layer's part of it).
  const at = (i: number) => positions?.[i] ?? i;
  if (!layer.built) throw new Error(`${op}: layer ${layer.name} is not built yet (give the model an inputShape, or build or fit it first)`);
  if (!Array.isArray(weights) || weights.length !== own.length) {
    throw new Error(`${op}: layer ${layer.name} expects ${own.length} tensors (${own.map((v) => v.name).join(', ')}), got ${describe(weights)}`);
  }
  own.forEach((v, i) => {
    const w = weights[i];
    checkTensor(op, `weights[${at(i)}]`, w, 'float32');
    if (w.shape.length !== v.shape.length || w.shape.some((d, j) => d !== v.shape[j])) {
      throw new Error(`${op}: weights[${at(i)}] (${v.name}) must have shape [${v.shape.join(', ')}], got [${w.shape.join(', ')}]`);
    }
  });
}

/**
 * Projects a weight by its constraint, in place (so a recorded training step's addresses still hold): after
 * each training step, as Keras does (TF.js's fit leaves constraints out), and when weights are set or loaded,
 * as TF.js's LayerVariable.write does.
 */
export function project(variable: Variable, constraint: Constraint): void {
  tidy(() => {
    const projected = constraint.apply(variable);
    const from = word(projected.ptr());
    activeBackend().heap.f32.copyWithin(word(variable.writablePtr('project')), from, from + variable.size);
  });
}

/** A copy of a shape, or of each shape in a list. */
export function copyShape<T extends Shape | Shape[]>(shape: T): T {
  return (isShapeList(shape) ? shape.map((s) => s.slice()) : shape.slice()) as T;
}

/** A shape as messages and summaries print it: [null, 28, 28, 1]. */
export const shapeText = (shape: Shape): string => `[${shape.map((d) => d ?? 'null').join(', ')}]`;

/** One shape as shapeText prints it, several as a list of them. */
export const shapesText = (shapes: Shape[]): string => (shapes.length === 1 ? shapeText(shapes[0]) : `[${shapes.map(shapeText).join(', ')}]`);

/** Throws unless a size a layer needs is known: `what` names it (e.g. "the last axis of the input"). */
export function knownSize(layer: Layer, size: number | null | undefined, what: string): number {
  if (size === null || size === undefined) throw new Error(`layer ${layer.name} needs ${what} to be known, got an input shape without it`);
  checkInt(layer.name, what, size, 0);
  return size;
}

// ---- guards ----

/** A check on values computed with kernels from a layer's input: `verdict` reads them and says what is wrong, or null. */
export interface Guard {
  values: Tensor;
  verdict: (values: TypedData) => string | null;
}

/** The guards of the training step being run, checked after it (see deferGuards); null: checked at once. */
let deferred: Guard[] | null = null;

/**
 * Checks values a layer computed from its input with kernels (an embedding's smallest and largest index), at
 * once: throws what `verdict` finds wrong. Inside a training step the check waits for the step's end, since a
 * recorded step replays its kernels and not this JavaScript: the values are computed afresh by every replay,
 * and fit reads them before the optimizer touches a weight. So the layer must compute safely whatever the
 * verdict (an embedding clamps its indices).
 */
export function guard(values: Tensor, verdict: (values: TypedData) => string | null): void {
  if (deferred) {
    deferred.push({ values, verdict });
    return;
  }
  const wrong = verdict(values.dataSync());
  if (wrong !== null) throw new Error(wrong);
}

/** @internal Runs fn (a training step) with the guards of its layers deferred: returns them, for firstWrong after each run. */
export function deferGuards<T>(fn: () => T): { result: T; guards: Guard[] } {
  const outer = deferred;
  const guards: Guard[] = (deferred = []);
  try {
    return { result: fn(), guards };
  } finally {
    deferred = outer;
  }
}

/** @internal What the first failing guard finds wrong, or null. */
export function firstWrong(guards: Guard[]): string | null {
  for (const g of guards) {
    const wrong = g.verdict(g.values.dataSync());
    if (wrong !== null) return wrong;
  }
  return null;
}
