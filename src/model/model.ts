// LayersModel: a graph of layers between symbolic inputs and outputs (tf.model), trained through the gradient
// tape; Sequential is one whose graph is a stack. A training step records the forward pass (each dense layer
// one fused node, each output's loss one node), backprops into gradient sinks laid out once per call (the
// fused nodes write their weight gradients straight into them), and applies the optimizer to each variable in
// place: the same mechanism as tf.grad and optimizer.minimize, with nothing allocated that the heap's cache
// does not hand back at the next step. A model is also a layer: it can be applied inside another model.

import { GRADIENT_OPS } from '../autodiff/gradients.js';
import { backprop, recordOn, recording, Tape } from '../autodiff/tape.js';
import { getActivation } from '../activations.js';
import { word } from '../backend/heap.js';
import { Program } from '../backend/program.js';
import { Block, during, enterCall, leaveCall } from '../block.js';
import { Dataset } from '../data/dataset.js';
import type { DataIterator } from '../data/iterator.js';
import { activeBackend } from '../engine.js';
import { type IOHandler, type SaveResult, saveModel } from '../io/index.js';
import { checkWeights, copyShape, type Kwargs, Layer, project, type Shape, shapeText } from '../layers/layer.js';
import { Node, SymbolicTensor } from '../layers/symbolic.js';
import { getLoss, getMetric, type LossSpec } from '../losses.js';
import { cast } from '../ops/cast.js';
import { activate } from '../ops/fused.js';
import { LOSS_FUNCTIONS, type LossOrMetricFn } from '../ops/metrics.js';
import { empty } from '../ops/op.js';
import { fromValues } from '../ops/values.js';
import { getOptimizer, type Optimizer } from '../optimizers.js';
import { registerClass, type SerializableClass } from '../serialization.js';
import { dispose, endScope, startScope, Tensor, type TensorContainer, tidy, type Variable } from '../tensor/tensor.js';
import { checkBool, checkInt, checkObject, checkOptions, checkTensor, describe, didYouMean, is, type Rule, type Schema } from '../validate.js';
import { type CustomCallbackArgs, History, type Logs, type TrainingModel } from './callbacks.js';
import { type Batch, batchOf, batchTensors, checkDataset, checkFinite, copyInto, type Data, gatherRows, manual, rowsOf, shuffleOrder, tensorsOf } from './data.js';
import { buildGraph, execute, type Graph, shapesThrough, shapesText } from './graph.js';
import { checkCallbacks, defaultVerbose, hookCaller, progressBar, yieldInterval, yieldToEventLoop } from './hooks.js';
import { addMetrics, CHECKPOINT_EVERY, type Checkpoint, disposeRecorded, endPlan, lossOf, moved, type OutputPlan, type Plan, type Recorded, updatesOf } from './step.js';
import { printSummary } from './summary.js';

type LossArg = string | LossOrMetricFn;
type MetricArg = string | LossOrMetricFn;

export interface ModelCompileArgs {
  optimizer: Optimizer | string;
  /**
   * A name (e.g. 'meanSquaredError', 'hinge') or a function (yTrue, yPred) => Tensor such as
   * tf.losses.meanSquaredError; for a model of several outputs, one per output (an array, or by output name).
   */
  loss: LossArg | LossArg[] | Record<string, LossArg>;
  /** Names ('accuracy', 'mse', 'precision', ...) or functions (yTrue, yPred) => Tensor; by output name for several outputs. */
  metrics?: MetricArg | MetricArg[] | Record<string, MetricArg | MetricArg[]>;
  /** Each output's share of the total loss (an array, or by output name; 1 by default). */
  lossWeights?: number[] | Record<string, number>;
}

/** A model's inputs or targets: a tensor (one input or output), an array of them, or a map by input / output name. */
export type TensorOrArrayOrMap = Tensor | Tensor[] | Record<string, Tensor>;

export interface ModelFitDatasetArgs {
  epochs: number;
  classWeight?: Record<number, number>;
  /** Batches per epoch: the epochs then walk on through one pass of the dataset; by default an epoch is a whole pass. */
  batchesPerEpoch?: number;
  /** A dataset of { xs, ys } batches, or [xVal, yVal], evaluated after each epoch. */
  validationData?: Dataset<TensorContainer> | [TensorOrArrayOrMap, TensorOrArrayOrMap];
  /** Batches of a validation dataset to evaluate (default: all of it). */
  validationBatches?: number;
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
  yieldEvery?: ModelFitArgs['yieldEvery'];
}

export interface ModelFitArgs {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: [TensorOrArrayOrMap, TensorOrArrayOrMap];
  validationBatchSize?: number;
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
  /** 0: silent; 1: progress bar (default in a terminal); 2: one line per epoch. */
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
  /**
   * How often fit lets other work run: 'auto' (every 16 ms in a browser, 125 ms in Node), 'batch', 'epoch',
   * 'never', or a number of milliseconds. Each yield calls the callbacks' onYield.
   */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
  /**
   * A weight per class ({ 0: 1, 1: 5 }) that each sample's loss is multiplied by, for the class its target
   * names (its index for sparse labels, the largest entry of a one-hot row, the rounded value of one output).
   */
  classWeight?: Record<number, number>;
}

/** classWeight: { class index: weight }, each index a non-negative integer and each weight finite and >= 0. */
const checkClassWeight: Rule = (op, name, value) => {
  checkObject(op, name, value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw new Error(`${op}: ${name} must give a weight for at least one class, got {}`);
  for (const [key, weight] of entries) {
    if (!/^(0|[1-9]\d*)$/.test(key)) throw new Error(`${op}: ${name} keys must be class indices (0, 1, ...), got ${describe(key)}`);
    is.number(0)(op, `${name}[${key}]`, weight);
  }
};

const MODEL_OPTIONS: Schema = { inputs: is.any, outputs: is.any, name: is.string };
const COMPILE_OPTIONS: Schema = { optimizer: is.any, loss: is.any, metrics: is.any, lossWeights: is.any };
const FIT_OPTIONS: Schema = {
  epochs: is.int(0),
  batchSize: is.int(1),
  shuffle: is.bool,
  validationSplit: is.number(0, 1, { max: true }),
  validationData: is.any,
  validationBatchSize: is.int(1),
  callbacks: is.any,
  verbose: is.oneOf(0, 1, 2),
  initialEpoch: is.int(0),
  yieldEvery: is.either(is.oneOf('auto', 'batch', 'epoch', 'never'), is.number(0)),
  classWeight: checkClassWeight,
  sampleWeight: is.unsupported('give a weight per class with classWeight'),
  stepsPerEpoch: is.unsupported(),
  validationSteps: is.unsupported(),
};
const FIT_DATASET_OPTIONS: Schema = {
  epochs: is.int(0),
  batchesPerEpoch: is.int(1),
  validationData: is.any,
  validationBatches: is.int(1),
  callbacks: is.any,
  verbose: is.oneOf(0, 1, 2),
  initialEpoch: is.int(0),
  yieldEvery: FIT_OPTIONS.yieldEvery,
  classWeight: checkClassWeight,
  validationBatchSize: is.unsupported('batch the validation dataset instead'),
};
const EVALUATE_DATASET_OPTIONS: Schema = { batches: is.int(1), verbose: is.oneOf(0, 1) };
const EVALUATE_OPTIONS: Schema = { batchSize: is.int(1), verbose: is.oneOf(0, 1), sampleWeight: is.unsupported(), steps: is.unsupported() };
const PREDICT_OPTIONS: Schema = { batchSize: is.int(1), verbose: is.bool };
/** TF.js's SaveConfig: both flags are accepted off (their default); on, they are not supported yet. */
const offOnly: Rule = (op, name, value) => {
  checkBool(op, name, value);
  if (value) throw new Error(`${op}: ${name} true is not supported yet (neurite saves the topology and all weights)`);
};
const SAVE_OPTIONS: Schema = { trainableOnly: offOnly, includeOptimizer: offOnly };

/** @internal Passed by Sequential: a model whose graph is made once its input shape is known. */
export const UNCONNECTED: unique symbol = Symbol('unconnected');

let modelCount = 0;

export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

export class LayersModel extends Layer implements TrainingModel {
  static override className = 'Model';
  /** A model from its graph, as model files make it. */
  static override fromConfig<T extends Layer>(cls: new (config: Record<string, unknown>) => T, config: Record<string, unknown>): T {
    return new cls(config);
  }
  /** The graph; a Sequential model has one once its input shape is known. */
  protected graph: Graph | null = null;
  /** The model's own node: its inputs to its outputs. */
  private definition: Node | null = null;
  /** Set by a callback to end fit() after the current epoch. */
  stopTraining = false;
  optimizer: Optimizer | null = null;
  /** The compiled loss, metrics and loss weight of each output. */
  private compiled: Array<{ loss: LossSpec; metrics: unknown[]; weight: number }> | null = null;
  /** Weights and optimizer state as of a few steps ago, for rolling back a step that diverged. */
  private checkpoint: Checkpoint | null = null;
  protected stepsSinceCheckpoint = Infinity;
  /** True while fit runs: a second fit, trainOnBatch or compile is refused until it ends. */
  private training = false;
  private disposed = false;

  constructor(args: ModelArgs);
  /** @internal */
  constructor(args: { name?: string }, unconnected: typeof UNCONNECTED);
  constructor(args: ModelArgs | { name?: string }, unconnected?: typeof UNCONNECTED) {
    const op = unconnected ? 'sequential' : 'model';
    if (args === undefined || args === null || typeof args !== 'object') throw new Error(`${op}: expected { ${unconnected ? 'layers, name' : 'inputs, outputs, name'} }, got ${describe(args)}`);
    if ((args as { name?: unknown }).name === '') throw new Error(`${op}: name must be a non-empty string, got ""`);
    const name = (args as { name?: string }).name;
    super({ name: name ?? (unconnected ? `sequential_${++modelCount}` : `model${++modelCount}`) }, { op, options: {} });
    if (unconnected) return;
    checkOptions(op, 'args', args, MODEL_OPTIONS);
    const { inputs, outputs } = args as ModelArgs;
    const list = (value: unknown, what: string): SymbolicTensor[] => {
      const items = Array.isArray(value) ? value : [value];
      if (items.length === 0) throw new Error(`${op}: ${what} must be a symbolic tensor or a non-empty array of them, got []`);
      items.forEach((t, i) => {
        if (!isSymbolic(t)) throw new Error(`${op}: ${Array.isArray(value) ? `${what}[${i}]` : what} must be a symbolic tensor (from tf.input or layer.apply on one), got ${describe(t)}`);
      });
      return items as SymbolicTensor[];
    };
    const graph = buildGraph(op, list(inputs, 'inputs'), list(outputs, 'outputs'));
    for (const layer of graph.layers) layer.holders++;
    this.connect(graph);
  }

  /** Takes a graph as this model's (its layers are built: a graph's layers are built as they are applied). */
  protected connect(graph: Graph): void {
    this.graph = graph;
    // As TF.js, a model's first node is its own definition (inputs to outputs): its calls inside other models count from 1.
    // (A Sequential model connects again as it grows: its definition is replaced in place.)
    const own = new Node(this, graph.inputs, graph.inputs.length === 1, {}, 0);
    own.outputs = graph.outputs.slice();
    if (this.definition) this.inboundNodes[this.inboundNodes.indexOf(this.definition)] = own;
    else this.inboundNodes.unshift(own);
    this.definition = own;
    this.builtInputShape = graph.inputs.length === 1 ? graph.inputs[0].shape.slice() : graph.inputs.map((t) => t.shape.slice());
    this.built = true;
    this.stepsSinceCheckpoint = Infinity; // a checkpoint holds the weights of the layers before
  }

  // ---- structure ----

  /** The layers, inputs first (TF.js's order: by depth in the graph). */
  get layers(): Layer[] {
    return this.graph?.layers.slice() ?? [];
  }

  /** The symbolic inputs (tf.input tensors). */
  get inputs(): SymbolicTensor[] {
    return this.graph?.inputs.slice() ?? [];
  }

  /** The symbolic outputs. */
  get outputs(): SymbolicTensor[] {
    return this.graph?.outputs.slice() ?? [];
  }

  /** The input layers' names, which fit and predict take inputs by (as a map). */
  get inputNames(): string[] {
    return this.inputs.map((t) => t.sourceLayer.name);
  }

  /** The output layers' names, which losses, metrics and targets are given by (as maps). */
  get outputNames(): string[] {
    return this.outputs.map((t) => t.sourceLayer.name);
  }

  get inputLayers(): Layer[] {
    return this.inputs.map((t) => t.sourceLayer);
  }

  get outputLayers(): Layer[] {
    return this.outputs.map((t) => t.sourceLayer);
  }

  /** The input shape with its batch axis (one input), once known. */
  override get batchInputShape(): Shape | null {
    const shapes = this.inputShapes;
    return shapes && shapes.length === 1 ? shapes[0] : null;
  }

  /** @internal Each input's shape with its batch axis, once known. */
  get inputShapes(): Shape[] | null {
    return this.graph ? this.graph.inputs.map((t) => t.shape.slice()) : null;
  }

  /** The output shape (or one per output) with the batch axis, once the input shape is known. */
  override get outputShape(): Shape | Shape[] {
    const shapes = this.outputShapes;
    if (!shapes) throw new Error(`outputShape: model ${this.name} does not know its input shape yet (give its first layer an inputShape, or build it)`);
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** @internal Each output's shape with its batch axis, once the input shape is known. */
  get outputShapes(): Shape[] | null {
    return this.graph ? this.graph.outputs.map((t) => t.shape.slice()) : null;
  }

  /** Every layer's weights, in order (a layer shared by two calls once). */
  override get weights(): Variable[] {
    return this.layers.flatMap((layer) => layer.weights);
  }

  /** The weights fit updates: those of trainable layers that are trainable themselves. */
  override get trainableWeights(): Variable[] {
    return this.trainable ? this.layers.flatMap((layer) => layer.trainableWeights) : [];
  }

  /** The weights fit leaves as they are (frozen layers', and a layer's own non-trainable ones). */
  override get nonTrainableWeights(): Variable[] {
    return this.trainable ? this.layers.flatMap((layer) => layer.nonTrainableWeights) : this.weights;
  }

  /** @internal Weight names as model files give them, layer by layer. */
  override get weightNames(): string[] {
    return this.layers.flatMap((layer) => layer.weightNames);
  }

  /**
   * A layer by name, or by index (TF.js's getLayer(nameOrIndex, index)).
   * @example model.getLayer('hidden').trainable = false;
   */
  getLayer(nameOrIndex?: string | number, index?: number): Layer {
    const layers = this.layers;
    const at = index ?? (typeof nameOrIndex === 'number' ? nameOrIndex : undefined);
    if (at !== undefined) {
      checkInt('getLayer', 'index', at, 0);
      if (at >= layers.length) throw new Error(`getLayer: index ${at} is past the model's ${layers.length} layer${layers.length === 1 ? '' : 's'}`);
      return layers[at];
    }
    if (typeof nameOrIndex !== 'string') throw new Error(`getLayer: give a layer name or an index, got ${describe(nameOrIndex)}`);
    const layer = layers.find((l) => l.name === nameOrIndex);
    if (!layer) throw new Error(`getLayer: no layer named ${JSON.stringify(nameOrIndex)}${didYouMean(nameOrIndex, layers.map((l) => l.name))}`);
    return layer;
  }

  /**
   * Makes and initialises the weights for an input shape with its batch axis, e.g. [null, 784] (fit, predict
   * and evaluate do this on first use).
   */
  override build(inputShape?: Shape | Shape[]): void {
    this.allocate('build', inputShape);
  }

  /** @internal As a layer inside another model: built as a model builds (all or nothing, nothing disposed on refusal). */
  override ensureBuilt(inputShape: Shape | Shape[], op: string): void {
    this.allocate(op, inputShape);
  }

  /**
   * Builds every layer for the input shape given or known (a Sequential model makes its graph here); checks a
   * given shape against the model's. A graph's layers are built already.
   */
  protected allocate(op: string, inputShape?: Shape | Shape[]): void {
    this.checkLive(op);
    if (inputShape !== undefined) this.checkInputShapes(op, inputShape);
  }

  /** Throws unless shapes (one, or one per input) fit the model's inputs. */
  protected checkInputShapes(op: string, inputShape: Shape | Shape[]): void {
    const known = this.inputShapes;
    const given = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    const valid = (s: unknown) => Array.isArray(s) && s.length >= 1 && s.every((d) => d === null || (Number.isSafeInteger(d) && d >= 1));
    if (!given.every(valid)) throw new Error(`${op}: inputShape must be [batch or null, ...sizes], e.g. [null, 784], got ${describe(inputShape)}`);
    if (!known) return;
    const fits = (want: Shape, got: Shape) => want.length === got.length && want.every((d, i) => i === 0 || d === null || got[i] === null || d === got[i]);
    if (given.length !== known.length || known.some((s, i) => !fits(s, given[i]))) {
      throw new Error(`${op}: the model expects input of shape ${shapesText(known)}, got ${shapesText(given)}`);
    }
  }

  /** The output shape(s) for input shape(s), as a layer inside another model. */
  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const graph = this.connected('computeOutputShape');
    const given = Array.isArray(inputShape[0]) ? (inputShape as Shape[]) : [inputShape as Shape];
    const shapes = shapesThrough(graph, copyShape(given));
    return shapes.length === 1 ? shapes[0] : shapes;
  }

  /** As a layer: the graph run on the inputs (in training mode when kwargs.training). */
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const graph = this.connected('call');
    const outs = execute(graph, Array.isArray(inputs) ? inputs : [inputs], kwargs.training ?? false, kwargs.logits ? this.logitsNodes() : null);
    return outs.length === 1 ? outs[0] : outs;
  }

  /** The activation the model's one output ends in, when its loss may fold it in (a model as a model's last layer). */
  override finalActivation(): string {
    const nodes = this.graph ? this.logitsNodes() : null;
    return nodes && nodes.size === 1 ? [...nodes][0].layer.finalActivation() : 'linear';
  }

  /** The nodes making the outputs whose layer may give logits: one output each, read by no other node of the graph. */
  private logitsNodes(): Set<Node> {
    const graph = this.graph!;
    const nodes = new Set<Node>();
    for (const t of graph.outputs) {
      const node = t.node;
      const alone = node.outputs.length === 1 && !graph.readers.has(t.id) && graph.outputs.filter((o) => o === t).length === 1;
      if (alone && graph.steps.includes(node)) nodes.add(node);
    }
    return nodes;
  }

  /** @internal The layer calls of the graph (a layer may have calls outside it: a layer shared with another model). */
  graphNodes(): Set<Node> {
    return new Set(this.graph?.nodesByDepth.flat());
  }

  /** The graph, or an Error naming the call when the input shape is not known yet. */
  protected connected(op: string): Graph {
    this.checkLive(op);
    if (!this.graph) throw new Error(`${op}: the input shape of model ${this.name} is unknown; give the first layer an inputShape, e.g. tf.layers.dense({ units, inputShape: [784] })`);
    return this.graph;
  }

  /** Number of weights. */
  override countParams(): number {
    return this.paramCounts('countParams').total;
  }

  /** Weights in all layers and in trainable ones (the layers must be built). */
  protected paramCounts(op: string): { total: number; trainable: number } {
    if (!this.graph || !this.layers.every((l) => l.built)) throw new Error(`${op}: the input shape is unknown until the first layer has an inputShape or the model is built`);
    return { total: this.weights.reduce((n, v) => n + v.size, 0), trainable: this.trainableWeights.reduce((n, v) => n + v.size, 0) };
  }

  /** Setting it freezes or unfreezes every layer (TF.js's model.trainable). */
  override get trainable(): boolean {
    return super.trainable;
  }
  override set trainable(value: boolean) {
    super.trainable = value;
    for (const layer of this.layers) layer.trainable = value;
  }

  /**
   * Prints TF.js 4.22's table of layers: for a stack, name (type), input shape, output shape, parameter count;
   * for a graph, also the inputs each layer receives. `positions` are where the columns end, as fractions of
   * lineLength or in characters.
   */
  summary(lineLength?: number, positions?: number[], printFn: (line: string) => void = console.log): void {
    this.checkLive('summary');
    if (!this.graph || !this.layers.every((l) => l.built)) throw new Error('summary: the input shape is unknown; give the first layer an inputShape, or build the model');
    printSummary(this.graph, this.layers, this.paramCounts('summary'), lineLength, positions, printFn);
  }

  // ---- weights ----

  /** The weights (or only the trainable layers' when trainableOnly), layer by layer, kernel then bias. */
  override getWeights(trainableOnly = false): Tensor[] {
    this.checkLive('getWeights');
    checkBool('getWeights', 'trainableOnly', trainableOnly);
    return this.layers.filter((layer) => !trainableOnly || layer.trainable).flatMap((layer) => layer.getWeights());
  }

  /** Replaces every weight (the order of getWeights); checked in full before anything is written. */
  override setWeights(weights: Tensor[]): void {
    this.checkLive('setWeights');
    this.allocate('setWeights');
    const all = this.weights;
    if (!Array.isArray(weights) || weights.length !== all.length) {
      throw new Error(`setWeights: expected ${all.length} tensors (${all.map((v) => v.name).join(', ')}), got ${describe(weights)}`);
    }
    let at = 0;
    for (const layer of this.layers) {
      checkWeights('setWeights', layer, weights.slice(at, at + layer.weights.length));
      at += layer.weights.length;
    }
    all.forEach((v, i) => v.assign(weights[i]));
    for (const layer of this.layers) layer.projectAll();
    this.stepsSinceCheckpoint = Infinity; // a checkpoint from before would undo this
  }

  /** @internal Every weight with a constraint, in the layers and in models inside the model. */
  override projectAll(): void {
    for (const layer of this.layers) layer.projectAll();
  }

  /** @internal All weights, concatenated (EarlyStopping's restoreBestWeights). */
  snapshotWeights(): Float32Array {
    const parts = this.weights.map((v) => v.dataSync() as Float32Array);
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }

  /** @internal Puts back what snapshotWeights took. */
  restoreWeights(snapshot: Float32Array): void {
    let at = 0;
    const heap = () => activeBackend().heap;
    for (const v of this.weights) {
      const ptr = v.writablePtr('restoreWeights');
      heap().f32.set(snapshot.subarray(at, at + v.size), word(ptr));
      at += v.size;
    }
    this.stepsSinceCheckpoint = Infinity;
  }

  // ---- training set-up ----

  /**
   * Sets the optimizer, loss and metrics.
   * @example model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] })
   */
  compile(args: ModelCompileArgs): void {
    const op = 'compile';
    this.checkLive(op);
    this.checkIdle(op);
    if (args === undefined || args === null) throw new Error(`${op}: expected { optimizer, loss, metrics? }, got ${describe(args)}`);
    checkOptions(op, 'args', args, COMPILE_OPTIONS);
    const names = this.graph ? this.outputNames : ['output'];
    const losses = perOutput(op, 'loss', args.loss, names, false).map((l) => getLoss(op, l));
    const metrics = args.metrics === undefined ? names.map(() => []) : perOutput(op, 'metrics', args.metrics, names, true).map((m) => (m === undefined ? [] : Array.isArray(m) ? m : [m]));
    const weights = args.lossWeights === undefined ? names.map(() => 1) : perOutput(op, 'lossWeights', args.lossWeights, names, false);
    weights.forEach((w, i) => is.number(0)(op, names.length === 1 ? 'lossWeights' : `lossWeights (${names[i]})`, w));
    const widths = this.outputShapes?.map((s) => s.at(-1) as number | null) ?? [null];
    losses.forEach((loss, i) => {
      // Checked now against the loss; 'accuracy' is resolved for the output width when training starts.
      for (const m of metrics[i]) getMetric(op, m, loss, widths[i] ?? 2);
      if (loss.sparse && widths[i] === 1) throw new Error(`${op}: sparseCategoricalCrossentropy needs an output of at least 2 classes${names.length > 1 ? ` (output ${names[i]})` : ''}`);
    });
    // Made last: a refused compile must not leave an optimizer (and its tensors) behind.
    this.optimizer = getOptimizer(op, args.optimizer);
    this.compiled = losses.map((loss, i) => ({ loss, metrics: metrics[i], weight: weights[i] as number }));
    this.stepsSinceCheckpoint = Infinity; // its optimizer state may be another's
  }

  /**
   * What every step of a call computes the same way. An output's loss is fused (taken from the logits) when its
   * layer ends in the activation the loss folds in. Training calls also get gradient sinks, freed by endPlan.
   */
  private plan(op: string, training: boolean, weighted = false): Plan {
    const graph = this.graph!;
    const compiled = this.compiled!;
    if (compiled.length !== graph.outputs.length) throw new Error(`${op}: the model was compiled for ${compiled.length} output${compiled.length === 1 ? '' : 's'}, but it has ${graph.outputs.length}; compile it again`);
    const names = this.outputNames;
    const several = names.length > 1;
    const candidates = this.logitsNodes();
    const logits = new Set<Node>();
    const outputs: OutputPlan[] = compiled.map(({ loss, metrics, weight }, i) => {
      const width = graph.outputs[i].shape.at(-1) as number;
      if (loss.sparse && width === 1) throw new Error(`${op}: sparseCategoricalCrossentropy needs an output of at least 2 classes`);
      const node = graph.outputs[i].node;
      const last = node.layer.finalActivation();
      // Weighted samples need each sample's loss: the loss's function form, on the tape.
      const fn = loss.fn ?? (weighted ? LOSS_FUNCTIONS[loss.name] : null);
      const fromLogits = !fn && loss.fusedWith !== null && last === loss.fusedWith && candidates.has(node);
      if (fromLogits) logits.add(node);
      return {
        code: loss.fn || fn ? null : fromLogits ? loss.fusedCode : loss.code,
        fn,
        fromLogits,
        folded: fromLogits ? getActivation(op, last) : getActivation(op, 'linear'),
        metrics: metrics.map((m) => getMetric(op, m, loss, width)),
        width,
        weight,
      };
    });
    const keys = ['loss', ...(several ? names.map((n) => `${n}_loss`) : []), ...outputs.flatMap((o, i) => o.metrics.map((m) => (several ? `${names[i]}_${m.key}` : m.key)))];
    const sources = training ? this.trainableWeights : [];
    const plan: Plan = { outputs, keys, logits, sources, sinks: new Map(), regularized: [], constrained: [], one: null, programs: new Map(), weights: null };
    if (!training) return plan;
    try {
      const trainable = new Set(sources);
      for (const layer of flatLayers(this.layers)) {
        plan.regularized.push(...layer.regularized.filter((r) => trainable.has(r.variable)));
        plan.constrained.push(...layer.constrained.filter((c) => trainable.has(c.variable)));
      }
      for (const v of sources) plan.sinks.set(v.id, { tensor: manual(op, v.shape, `the gradient of ${v.name}`), written: false });
      plan.one = manual(op, [], 'the seed of backprop');
      activeBackend().heap.f32[word(plan.one.ptr())] = 1;
    } catch (error) {
      endPlan(plan);
      throw error;
    }
    return plan;
  }

  /** Copies the weights and optimizer state aside, to roll a diverging step back to. */
  private saveCheckpoint(plan: Plan): void {
    const optimizer = this.optimizer!;
    const heap = activeBackend().heap;
    const keep = (old: Float32Array | undefined, values: Float32Array) => {
      if (old && old.length === values.length) {
        old.set(values);
        return old;
      }
      return values.slice();
    };
    const previous = this.checkpoint;
    this.checkpoint = {
      iterations: optimizer.iterations,
      weights: plan.sources.map((v, i) => {
        const at = word(v.ptr('fit'));
        return keep(previous?.weights[i], heap.f32.subarray(at, at + v.size));
      }),
      state: plan.sources.map((v) => optimizer.saveState(v)),
    };
    this.stepsSinceCheckpoint = 0;
  }

  private restoreCheckpoint(plan: Plan): void {
    const optimizer = this.optimizer!;
    const checkpoint = this.checkpoint!;
    plan.sources.forEach((v, i) => {
      const ptr = v.writablePtr('fit');
      activeBackend().heap.f32.set(checkpoint.weights[i], word(ptr));
      optimizer.restoreState(v, checkpoint.state[i]);
    });
    optimizer.rewind(checkpoint.iterations);
  }

  // ---- data ----

  /** The tensors given for the model's inputs (or targets for its outputs): one, an array, or a map by name, in the model's order. */
  private tensorsFor(op: string, name: string, value: unknown, names: string[]): Array<{ tensor: unknown; at: string }> {
    const what = name === 'x' ? 'input' : 'output';
    if (Array.isArray(value)) {
      if (value.length !== names.length) throw new Error(`${op}: ${name} must have one tensor per model ${what} (${names.length}: ${names.join(', ')}), got an array of ${value.length}`);
      return value.map((tensor, i) => ({ tensor, at: `${name}[${i}]` }));
    }
    if (value !== null && typeof value === 'object' && !(value instanceof Tensor)) {
      const map = value as Record<string, unknown>;
      for (const key of Object.keys(map)) if (!names.includes(key)) throw new Error(`${op}: ${name} has no model ${what} named ${JSON.stringify(key)}${didYouMean(key, names)}; the ${what}s are ${names.join(', ')}`);
      return names.map((n) => {
        if (!(n in map)) throw new Error(`${op}: ${name} gives no tensor for the model's ${what} ${n}`);
        return { tensor: map[n], at: `${name}.${n}` };
      });
    }
    if (names.length > 1) throw new Error(`${op}: the model has ${names.length} ${what}s (${names.join(', ')}); give ${name} as an array or a map of ${names.length} tensors, got ${describe(value)}`);
    return [{ tensor: value, at: name }];
  }

  /** Checks each input against the model's input shapes (or, for a Sequential model not yet built, `expected`). */
  private prepareInput(op: string, x: unknown, expected = this.inputShapes): Data {
    const names = this.graph ? this.inputNames : ['input'];
    const given = this.tensorsFor(op, 'x', x, names);
    const temporary: Tensor[] = [];
    try {
      const xs = given.map(({ tensor, at }, i) => {
        checkTensor(op, at, tensor);
        if (tensor.rank < 2 && !(expected && expected[i].length === tensor.rank)) throw new Error(`${op}: ${at} must have shape [samples, ...features], got [${tensor.shape.join(', ')}]`);
        if (tensor.shape[0] === 0) throw new Error(`${op}: ${at} has no samples`);
        const want = expected?.[i];
        if (want && (tensor.rank !== want.length || want.some((d, j) => j > 0 && d !== null && d !== tensor.shape[j]))) {
          const wanted = want.length === 2 && tensor.rank === 2 ? `${want[1]} features per sample` : `shape [samples, ${want.slice(1).map((d) => d ?? 'any').join(', ')}] (the model's input)`;
          throw new Error(`${op}: ${at} must have ${wanted}, got shape [${tensor.shape.join(', ')}]`);
        }
        if (tensor.dtype === 'float32') {
          checkFinite(op, at, tensor);
          return tensor;
        }
        // int32 and bool inputs compute as float32, as TF.js's matMul casts them.
        const float = cast(tensor, 'float32');
        temporary.push(float);
        return float;
      });
      const rows = xs[0].shape[0];
      xs.forEach((t, i) => {
        if (t.shape[0] !== rows) throw new Error(`${op}: every input must have the same number of samples, but ${given[0].at} has ${rows} and ${given[i].at} has ${t.shape[0]}`);
      });
      return { rows, xs, targets: [], temporary };
    } catch (error) {
      dispose(temporary);
      throw error;
    }
  }

  /**
   * Checks x and y against the model and the losses; converts each target to what its loss kernel reads:
   * float32 of the output's shape, or int32 class indices of the output's shape without its last axis (sparse).
   */
  private prepare(op: string, x: unknown, y: unknown, expected = this.inputShapes): Data {
    const data = this.prepareInput(op, x, expected);
    try {
      const outputs = this.graph ? this.outputShapes! : [this.outputShapeFor(data.xs[0].shape)];
      const given = this.tensorsFor(op, 'y', y, this.graph ? this.outputNames : ['output']);
      given.forEach(({ tensor, at }, i) => data.targets.push(this.prepareTarget(op, data, tensor, at, outputs[i], this.compiled![i].loss)));
      return data;
    } catch (error) {
      dispose(data.temporary);
      throw error;
    }
  }

  /** @internal The output shape for an input shape, before the graph is made (a Sequential model's layers). */
  protected outputShapeFor(_inputShape: number[]): Shape {
    throw new Error('the model has no graph');
  }

  private prepareTarget(op: string, data: Data, y: unknown, name: string, shape: Shape, loss: LossSpec): Tensor {
    const rows = data.rows;
    checkTensor(op, name, y);
    const out = [rows, ...(shape.slice(1) as number[])];
    const outputs = out[out.length - 1];
    if (y.shape[0] !== rows) throw new Error(`${op}: x and ${name} must have the same number of samples, got ${rows} and ${y.shape[0]}`);
    const same = (s: number[]) => y.rank === s.length && s.every((d, i) => y.shape[i] === d);
    if (loss.sparse) {
      const indices = out.slice(0, -1);
      if (!same(indices) && !same([...indices, 1])) {
        const wanted = indices.length === 1 ? '[samples] or [samples, 1]' : `[${indices.join(', ')}]`;
        throw new Error(`${op}: ${name} must hold one class index per sample (${wanted}), got [${y.shape.join(', ')}]`);
      }
      const labels = y.dataSync();
      for (let i = 0; i < labels.length; i++) {
        const v = labels[i];
        if (!Number.isInteger(v) || v < 0 || v >= outputs) throw new Error(`${op}: ${name}[${i}] must be a class index in [0, ${outputs - 1}], got ${v}`);
      }
      if (y.dtype === 'int32' && y.rank === indices.length) return y;
      const target = empty(op, indices, 'int32');
      data.temporary.push(target);
      activeBackend().heap.i32.set(labels, word(target.ptr()));
      return target;
    }
    if (!same(out) && !(out.length === 2 && outputs === 1 && same([rows]))) {
      throw new Error(`${op}: ${name} must have shape [${out.join(', ')}] to match the model's output, got [${y.shape.join(', ')}]`);
    }
    if (y.dtype === 'float32' && y.rank === out.length) {
      checkFinite(op, name, y);
      return y;
    }
    const values = y.dataSync();
    const target = empty(op, out, 'float32');
    data.temporary.push(target);
    activeBackend().heap.f32.set(values, word(target.ptr()));
    checkFinite(op, name, target);
    return target;
  }

  private checkCompiled(op: string): void {
    if (!this.compiled || !this.optimizer) throw new Error(`${op}: the model must be compiled first (model.compile({ optimizer, loss }))`);
  }

  /** Refuses what would interleave with a running fit (a second fit, trainOnBatch or compile). */
  protected checkIdle(op: string): void {
    if (this.training) throw new Error(`${op}: the model is training (a fit call has not finished); await it first`);
  }

  /** Refuses to train with a learning rate that is wrong now (a schedule's value too), before anything is allocated. */
  private checkTrainable(op: string): void {
    this.checkCompiled(op);
    this.checkIdle(op);
    this.optimizer!.currentLearningRate();
  }

  // ---- running ----

  /** The graph run on the inputs; the nodes in `logits` leave out the activation their loss folds in. */
  private forward(xs: Tensor[], training: boolean, logits: Set<Node> | null): Tensor[] {
    return execute(this.graph!, xs, training, logits);
  }

  /**
   * One optimisation step on a batch; adds the loss and metric sums into `sums`. Returns null, or what went
   * wrong when the step diverged: a non-finite loss is caught before any weight changes, and an update that
   * makes a weight non-finite is rolled back to the last checkpoint.
   */
  private step(plan: Plan, xs: Tensor[], targets: Tensor[], sums: Float64Array): string | null {
    if (this.stepsSinceCheckpoint >= CHECKPOINT_EVERY) this.saveCheckpoint(plan);
    const run = this.runStep(plan, xs, targets);
    try {
      return this.update(plan, run, targets, sums);
    } finally {
      if (!run.program) dispose([run.loss, ...run.losses, ...run.outputs]);
    }
  }

  /** The rest of a step: regularization, the optimizer's update (or a rollback), the loss and metric sums. */
  private update(plan: Plan, run: Recorded, targets: Tensor[], sums: Float64Array): string | null {
    const rows = targets[0].shape[0];
    const k = activeBackend().kernels;
    const f32 = activeBackend().heap.f32;
    let value = f32[word(run.loss.ptr('fit'))];
    if (!Number.isFinite(value)) return `the loss became ${value}; the weights are as they were before this batch`;
    for (const { variable, regularizer } of plan.regularized) {
      const sink = plan.sinks.get(variable.id)!;
      const [w, g] = [variable.ptr('fit'), sink.tensor.ptr('fit')];
      if (!sink.written) k.fill(g, variable.size, 0);
      sink.written = true;
      value += k.penalty(w, g, variable.size, regularizer.l1, regularizer.l2);
    }
    if (!Number.isFinite(value)) return `the loss with regularization became ${value}; the weights are as they were before this batch`;
    if (!this.optimizer!.step(run.updates)) {
      const lost = this.stepsSinceCheckpoint + 1;
      this.restoreCheckpoint(plan);
      this.stepsSinceCheckpoint = 0;
      return `the update made some weights NaN or Infinity (the loss before it was ${value.toPrecision(4)}); the weights and optimizer state were restored to those of ${lost} step${lost === 1 ? '' : 's'} earlier`;
    }
    for (const { variable, constraint } of plan.constrained) project(variable, constraint);
    this.stepsSinceCheckpoint++;
    sums[0] += value * rows;
    run.losses.forEach((l, i) => (sums[1 + i] += f32[word(l.ptr('fit'))] * rows));
    addMetrics(plan, run.outputs, targets, sums);
    return null;
  }

  /**
   * The forward pass, the loss and backprop into the gradient sinks, on the tape; for the metrics, the outputs
   * (from the logits when the loss folds the last activation in). With kernel losses, the first step of each
   * batch size records its kernels into a program and the next ones replay it, while the backend and the
   * addresses of the tensors it reads from outside (the batch, the weights, the sinks) are the same. A loss
   * function may do anything JavaScript can, so it runs on the tape every step.
   */
  private runStep(plan: Plan, xs: Tensor[], targets: Tensor[]): Recorded {
    if (plan.outputs.some((o) => o.fn)) {
      const result = this.tapeStep(plan, xs, targets);
      return { program: null, ...result, written: [], updates: updatesOf(plan), inputs: [] };
    }
    const backend = activeBackend();
    const count = xs[0].shape[0];
    let recorded = plan.programs.get(count);
    if (recorded && (recorded.program!.backend !== backend || moved(recorded.inputs))) {
      disposeRecorded(recorded);
      plan.programs.delete(count);
      recorded = undefined;
    }
    if (recorded) {
      for (const sink of plan.sinks.values()) sink.written = false;
      for (const sink of recorded.written) sink.written = true;
      recorded.program!.run();
      return recorded;
    }
    // Addresses first: taking one may move a tensor here from another backend.
    const outside = [...xs, ...targets, ...plan.sources, ...[...plan.sinks.values()].map((s) => s.tensor), plan.one!];
    const inputs = outside.map((t) => [t, t.ptr('fit')] as [Tensor, number]);
    const { program, result } = Program.record(backend, () => this.tapeStep(plan, xs, targets));
    const written = [...plan.sinks.values()].filter((s) => s.written);
    recorded = { program, ...result, written, updates: updatesOf(plan), inputs };
    plan.programs.set(count, recorded);
    return recorded;
  }

  /** One step on the tape; the losses and the outputs outlive it (replays write them again in place). */
  private tapeStep(plan: Plan, xs: Tensor[], targets: Tensor[]): { loss: Tensor; losses: Tensor[]; outputs: Tensor[] } {
    startScope();
    const tape = new Tape(plan.sources);
    let results: { loss: Tensor; losses: Tensor[]; outputs: Tensor[] } | undefined;
    try {
      let outs: Tensor[] = [];
      const { loss, losses } = recordOn(tape, () => lossOf('fit', plan, (outs = this.forward(xs, true, plan.logits)), targets));
      for (const sink of plan.sinks.values()) sink.written = false;
      backprop(tape, loss, plan.one!, plan.sources, GRADIENT_OPS, plan.sinks);
      const metered = plan.outputs.some((o) => o.metrics.length > 0);
      results = { loss, losses, outputs: metered ? outs.map((o, i) => activate(o, plan.outputs[i].folded)) : outs };
      return results;
    } finally {
      tape.dispose();
      endScope(results);
    }
  }

  /** Loss and metric sums over data in chunks, without training (and, as TF.js, without regularization). */
  private measure(op: string, data: Data, batchSize: number, plan: Plan): Float64Array {
    const sums = new Float64Array(plan.keys.length);
    const several = plan.outputs.length > 1;
    for (let start = 0; start < data.rows; start += batchSize) {
      const rows = Math.min(batchSize, data.rows - start);
      tidy(() => {
        const xs = data.xs.map((x) => rowsOf(op, x, start, rows));
        const targets = data.targets.map((t) => rowsOf(op, t, start, rows));
        const outs = this.forward(xs, false, plan.logits);
        const { loss, losses } = lossOf(op, plan, outs, targets);
        sums[0] += rows * loss.dataSync()[0];
        if (several) losses.forEach((l, i) => (sums[1 + i] += rows * l.dataSync()[0]));
        addMetrics(plan, outs.map((o, i) => activate(o, plan.outputs[i].folded)), targets, sums);
      });
    }
    return sums;
  }

  private logsFrom(plan: Plan, sums: Float64Array, rows: number, prefix = ''): Logs {
    const logs: Logs = {};
    plan.keys.forEach((key, i) => (logs[prefix + key] = sums[i] / rows));
    return logs;
  }

  /**
   * Outputs for x (one tensor per output), computed in chunks of batchSize rows (default 1024; the result
   * does not depend on it).
   * @example const probabilities = model.predict(tf.tensor2d(images, [n, 784]));
   */
  predict(x: TensorOrArrayOrMap, args?: { batchSize?: number; verbose?: boolean }): Tensor | Tensor[] {
    return during('predict', () => this.predictRows(x, args));
  }

  private predictRows(x: TensorOrArrayOrMap, args?: { batchSize?: number; verbose?: boolean }): Tensor | Tensor[] {
    this.checkLive('predict');
    const { batchSize = 1024 } = checkOptions('predict', 'args', args, PREDICT_OPTIONS);
    this.checkHasLayers('predict');
    const data = this.prepareInput('predict', x);
    try {
      this.allocate('predict', shapesOf(data.xs));
      // Inside a gradient (tf.variableGrads(() => model.predict(x)...)) the outputs are the tape's, in one piece.
      const outs = recording() ? this.forward(data.xs, false, null) : this.predictInChunks(data, batchSize);
      return outs.length === 1 ? outs[0] : outs;
    } finally {
      dispose(data.temporary);
    }
  }

  /** @internal Throws when there is nothing to run (a Sequential model without layers). */
  protected checkHasLayers(_op: string): void {}

  /**
   * The model applied to tensors, as a function of its weights (TF.js's model.apply on concrete tensors):
   * differentiable, in one piece; `training` runs dropout and noise layers as in fit. On symbolic tensors it
   * is a layer call in another model's graph.
   */
  override apply(inputs: Tensor, kwargs?: Kwargs): Tensor;
  override apply(inputs: Tensor[], kwargs?: Kwargs): Tensor | Tensor[];
  override apply(inputs: SymbolicTensor, kwargs?: Kwargs): SymbolicTensor;
  override apply(inputs: SymbolicTensor[], kwargs?: Kwargs): SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], kwargs?: Kwargs): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[];
  override apply(inputs: Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[], kwargs: Kwargs = {}): Tensor | Tensor[] | SymbolicTensor | SymbolicTensor[] {
    if ((Array.isArray(inputs) ? inputs : [inputs]).some(isSymbolic)) return super.apply(inputs, kwargs);
    return during('apply', () => {
      this.checkLive('apply');
      checkOptions('apply', 'kwargs', kwargs, { training: is.bool });
      this.checkHasLayers('apply');
      const data = this.prepareInput('apply', inputs);
      try {
        this.allocate('apply', shapesOf(data.xs));
        const outs = this.forward(data.xs, kwargs.training ?? false, null);
        return outs.length === 1 ? outs[0] : outs;
      } finally {
        dispose(data.temporary);
      }
    });
  }

  /** Outputs for the data, in chunks of batchSize rows copied into one tensor per output. */
  private predictInChunks(data: Data, batchSize: number): Tensor[] {
    const outs: Tensor[] = [];
    try {
      for (const shape of this.outputShapes!) outs.push(empty('predict', [data.rows, ...(shape.slice(1) as number[])], 'float32'));
      for (let start = 0; start < data.rows; start += batchSize) {
        const rows = Math.min(batchSize, data.rows - start);
        tidy(() => {
          const ys = this.forward(data.xs.map((x) => rowsOf('predict', x, start, rows)), false, null);
          ys.forEach((y, i) => {
            const width = outs[i].size / data.rows;
            const [from, to] = [word(y.ptr('predict')), word(outs[i].ptr('predict')) + start * width];
            activeBackend().heap.f32.copyWithin(to, from, from + rows * width);
          });
        });
      }
    } catch (error) {
      dispose(outs);
      throw error;
    }
    return outs;
  }

  /**
   * Loss (and metrics) on x, y: a scalar tensor, or [loss, ...each output's loss, ...metrics] when there are
   * metrics or several outputs. A number for args is the batch size, as Keras's evaluate(x, y, batch_size)
   * takes it (the result does not depend on it).
   */
  evaluate(x: TensorOrArrayOrMap, y: TensorOrArrayOrMap, args?: { batchSize?: number; verbose?: 0 | 1 } | number): Tensor | Tensor[] {
    return during('evaluate', () => this.evaluateRows(x, y, typeof args === 'number' ? { batchSize: args } : args));
  }

  private evaluateRows(x: TensorOrArrayOrMap, y: TensorOrArrayOrMap, args?: { batchSize?: number; verbose?: 0 | 1 }): Tensor | Tensor[] {
    this.checkLive('evaluate');
    const { batchSize = 32 } = checkOptions('evaluate', 'args', args, EVALUATE_OPTIONS);
    this.checkCompiled('evaluate');
    const data = this.prepare('evaluate', x, y);
    try {
      this.allocate('evaluate', shapesOf(data.xs));
      const sums = this.measure('evaluate', data, batchSize, this.plan('evaluate', false));
      return scalarsOf('evaluate', Array.from(sums, (s) => s / data.rows));
    } finally {
      dispose(data.temporary);
    }
  }

  /** One optimisation step on the whole of x, y; resolves to the loss, or [loss, ...each output's loss, ...metrics]. */
  async trainOnBatch(x: TensorOrArrayOrMap, y: TensorOrArrayOrMap): Promise<number | number[]> {
    return during('trainOnBatch', () => this.trainOnRows(x, y));
  }

  private trainOnRows(x: TensorOrArrayOrMap, y: TensorOrArrayOrMap): number | number[] {
    this.checkLive('trainOnBatch');
    this.checkTrainable('trainOnBatch');
    const data = this.prepare('trainOnBatch', x, y);
    let plan: Plan | null = null;
    try {
      this.allocate('trainOnBatch', shapesOf(data.xs));
      plan = this.plan('trainOnBatch', true);
      const sums = new Float64Array(plan.keys.length);
      const diverged = this.step(plan, data.xs, data.targets, sums);
      if (diverged) throw new Error(`trainOnBatch: ${diverged}. Lower the learning rate, set clipNorm, or check the data`);
      const values = Array.from(sums, (s) => s / data.rows);
      return values.length === 1 ? values[0] : values;
    } finally {
      if (plan) endPlan(plan);
      dispose(data.temporary);
    }
  }

  /**
   * Trains for a number of epochs; resolves to the History of per-epoch logs.
   * @example const history = await model.fit(xs, ys, { epochs: 10, batchSize: 64, validationSplit: 0.1 });
   */
  async fit(x: TensorOrArrayOrMap, y: TensorOrArrayOrMap, args?: ModelFitArgs): Promise<History> {
    this.checkLive('fit');
    const options = checkOptions('fit', 'args', args, FIT_OPTIONS);
    this.checkTrainable('fit');
    const { epochs = 1, batchSize = 32, shuffle = true, validationSplit = 0, validationData, initialEpoch = 0, yieldEvery = 'auto' } = options;
    const hooks = checkCallbacks(options.callbacks);
    const verbose = options.verbose ?? defaultVerbose();
    if (validationData !== undefined && (!Array.isArray(validationData) || validationData.length !== 2)) {
      throw new Error(`fit: validationData must be [xVal, yVal], got ${describe(validationData)}`);
    }

    enterCall('fit');
    let all: Data;
    try {
      all = this.prepare('fit', x, y);
    } catch (error) {
      leaveCall();
      throw error;
    }
    const temporary = [...all.temporary];
    this.training = true;
    try {
      if (options.classWeight) temporary.push((all.weights = this.classWeightsOf('fit', options.classWeight, all.targets)));
      let train = all;
      let validation: Data | null = null;
      if (validationData) {
        validation = this.prepare('fit (validationData)', validationData[0], validationData[1], this.inputShapes ?? [[null, ...all.xs[0].shape.slice(1)]]);
        temporary.push(...validation.temporary);
      } else if (validationSplit > 0) {
        // As TF.js: the last fraction of the samples, before any shuffling.
        const split = Math.floor(all.rows * (1 - validationSplit));
        if (split === 0) throw new Error(`fit: validationSplit ${validationSplit} leaves no training samples out of ${all.rows}`);
        const part = (t: Tensor, from: number, count: number) => {
          const rows = rowsOf('fit', t, from, count);
          temporary.push(rows); // each as it is made: a failure further on frees it
          return rows;
        };
        const rest = all.rows - split;
        train = { rows: split, xs: all.xs.map((t) => part(t, 0, split)), targets: all.targets.map((t) => part(t, 0, split)), temporary: [], weights: all.weights && part(all.weights, 0, split) };
        validation = { rows: rest, xs: all.xs.map((t) => part(t, split, rest)), targets: all.targets.map((t) => part(t, split, rest)), temporary: [] };
      }
      this.allocate('fit', shapesOf(all.xs));
      const validationBatchSize = options.validationBatchSize ?? Math.max(batchSize, 256);
      return await this.trainEpochs(train, validation, { epochs, batchSize, validationBatchSize, shuffle, initialEpoch, hooks, verbose, yieldEvery });
    } finally {
      this.training = false;
      dispose(temporary);
      leaveCall();
    }
  }

  private async trainEpochs(
    train: Data,
    validation: Data | null,
    opts: { epochs: number; batchSize: number; validationBatchSize: number; shuffle: boolean; initialEpoch: number; hooks: CustomCallbackArgs[]; verbose: number; yieldEvery: NonNullable<ModelFitArgs['yieldEvery']> },
  ): Promise<History> {
    const call = hookCaller(this, opts.hooks);
    const batchHooks = opts.hooks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
    const bar = progressBar(opts.verbose, opts.epochs, train.rows);
    const yieldMs = yieldInterval(opts.yieldEvery);

    const rows = train.rows;
    const batch = Math.min(opts.batchSize, rows);
    const order = new Int32Array(rows);
    const randoms = opts.shuffle ? new Block(rows * 4, this, 'fit', 'the shuffling order') : null;
    let plan: Plan | null = null;
    /** The batch tensors per batch size, reused every epoch. */
    const batches = new Map<number, Batch>();
    this.stopTraining = false;
    try {
      plan = this.plan('fit', true, train.weights !== undefined);
      const keys = plan.keys;
      const history = new History({ epochs: opts.epochs, samples: train.rows, batchSize: opts.batchSize, metrics: validation ? [...keys, ...keys.map((k) => `val_${k}`)] : keys });
      const sums = new Float64Array(keys.length);
      await call('onTrainBegin', {});
      let lastYield = performance.now();
      for (let epoch = opts.initialEpoch; epoch < opts.epochs && !this.stopTraining; epoch++) {
        await call('onEpochBegin', epoch, {});
        bar?.epochBegin(epoch);
        for (let i = 0; i < rows; i++) order[i] = i;
        if (randoms) shuffleOrder(order, randoms.ptr());
        sums.fill(0);
        let seen = 0;
        for (let start = 0, b = 0; start < rows; start += batch, b++) {
          const count = Math.min(batch, rows - start);
          if (batchHooks) await call('onBatchBegin', b, { batch: b, size: count });
          this.checkLive('fit'); // a callback may have disposed the model
          const buffers = batchOf(batches, count, train);
          train.xs.forEach((x, i) => gatherRows(x, buffers.xs[i], order, start));
          train.targets.forEach((t, i) => gatherRows(t, buffers.targets[i], order, start));
          if (buffers.weights) gatherRows(train.weights!, (plan.weights = buffers.weights), order, start);
          const before = batchHooks ? sums.slice() : null;
          const diverged = this.step(plan, buffers.xs, buffers.targets, sums);
          if (diverged) throw new Error(`fit: at epoch ${epoch + 1}, batch ${b}, ${diverged}. Lower the learning rate, set clipNorm, or check the data`);
          seen += count;
          if (before) await call('onBatchEnd', b, { batch: b, size: count, ...this.logsFrom(plan, batchSums(sums, before), count) });
          bar?.progress(seen, () => this.logsFrom(plan!, sums, seen));
          if (performance.now() - lastYield >= yieldMs) {
            await yieldToEventLoop();
            await call('onYield', epoch, b, this.logsFrom(plan, sums, seen));
            lastYield = performance.now();
          }
        }
        const logs = this.logsFrom(plan, sums, rows);
        if (validation) Object.assign(logs, this.logsFrom(plan, this.measure('fit', validation, opts.validationBatchSize, plan), validation.rows, 'val_'));
        bar?.epochEnd(epoch, logs);
        history.record(epoch, logs);
        await call('onEpochEnd', epoch, logs);
        if (opts.yieldEvery === 'epoch') {
          await yieldToEventLoop();
          await call('onYield', epoch, rows / batch, logs);
        }
      }
      await call('onTrainEnd', {});
      return history;
    } finally {
      randoms?.free();
      dispose(batchTensors(batches));
      if (plan) endPlan(plan);
    }
  }

  // ---- datasets ----

  /**
   * Trains on a dataset of { xs, ys } batches (tf.data): each epoch one pass, or batchesPerEpoch batches of a
   * pass that continues from epoch to epoch. Each batch's tensors are freed once trained on, as in TF.js.
   * @example await model.fitDataset(tf.data.zip({ xs, ys }).shuffle(100).batch(32), { epochs: 5 });
   */
  async fitDataset(dataset: Dataset<TensorContainer>, args: ModelFitDatasetArgs): Promise<History> {
    const op = 'fitDataset';
    this.checkLive(op);
    checkDataset(op, 'dataset', dataset);
    if (args === undefined || args === null) throw new Error(`${op}: args must be given, with epochs: e.g. { epochs: 10 }`);
    const options = checkOptions(op, 'args', args, FIT_DATASET_OPTIONS);
    if (options.epochs === undefined) throw new Error(`${op}: args.epochs is required`);
    this.checkTrainable(op);
    const { epochs, batchesPerEpoch, initialEpoch = 0, yieldEvery = 'auto', validationData } = options;
    if (validationData !== undefined && !(validationData instanceof Dataset) && !(Array.isArray(validationData) && validationData.length === 2)) {
      throw new Error(`${op}: validationData must be a dataset of { xs, ys } batches or [xVal, yVal], got ${describe(validationData)}`);
    }
    const hooks = checkCallbacks(options.callbacks, op);
    const verbose = options.verbose ?? defaultVerbose();
    const call = hookCaller(this, hooks);
    const batchHooks = hooks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
    const bar = progressBar(verbose, epochs, NaN);
    const yieldMs = yieldInterval(yieldEvery);

    enterCall(op);
    this.training = true;
    this.stopTraining = false;
    let plan: Plan | null = null;
    const batches = new Map<number, Batch>();
    try {
      // The logs' keys are known once the model is built (a Sequential model may wait for the first batch).
      const keys = () => (plan ?? (this.graph ? this.plan(op, false) : null))?.keys ?? ['loss'];
      const known = keys();
      const history = new History({ epochs, samples: NaN, batchSize: NaN, metrics: validationData ? [...known, ...known.map((k) => `val_${k}`)] : known });
      let iterator: DataIterator | null = null;
      let lastYield = performance.now();
      let element = 0;
      await call('onTrainBegin', {});
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        await call('onEpochBegin', epoch, {});
        bar?.epochBegin(epoch);
        if (!iterator || batchesPerEpoch === undefined) iterator = await dataset.iterator();
        let sums = new Float64Array(0);
        let before: Float64Array | null = null;
        let seen = 0;
        for (let b = 0; batchesPerEpoch === undefined || b < batchesPerEpoch; b++) {
          const next = await iterator.next();
          if (next.done) {
            // As TF.js: a pass that runs out before the epochs' batches ends the training, with a warning.
            if (batchesPerEpoch !== undefined) {
              console.warn(`${op}: the dataset ran out after ${element} batches, in epoch ${epoch + 1} of ${epochs}; training ends here (a dataset of batchesPerEpoch × epochs batches, e.g. with .repeat(), trains every epoch)`);
              this.stopTraining = true;
            }
            break;
          }
          const data = this.batchFrom(op, next.value, element++);
          try {
            this.allocate(op, shapesOf(data.xs));
            plan ??= this.plan(op, true, options.classWeight !== undefined);
            if (options.classWeight) data.temporary.push((plan.weights = this.classWeightsOf(op, options.classWeight, data.targets)));
            if (sums.length !== plan.keys.length) sums = new Float64Array(plan.keys.length);
            if (batchHooks) await call('onBatchBegin', b, { batch: b, size: data.rows });
            this.checkLive(op);
            // Copied into the batch buffers of its size, so that the recorded step replays on them.
            const buffers = batchOf(batches, data.rows, data);
            data.xs.forEach((x, i) => copyInto(x, buffers.xs[i]));
            data.targets.forEach((t, i) => copyInto(t, buffers.targets[i]));
            before = batchHooks ? sums.slice() : null;
            const diverged = this.step(plan, buffers.xs, buffers.targets, sums);
            if (diverged) throw new Error(`${op}: at epoch ${epoch + 1}, batch ${b}, ${diverged}. Lower the learning rate, set clipNorm, or check the data`);
          } finally {
            dispose([...data.temporary, ...tensorsOf(next.value)]);
          }
          seen += data.rows;
          if (before) await call('onBatchEnd', b, { batch: b, size: data.rows, ...this.logsFrom(plan, batchSums(sums, before), data.rows) });
          bar?.progress(seen, () => this.logsFrom(plan!, sums, seen));
          if (performance.now() - lastYield >= yieldMs) {
            await yieldToEventLoop();
            await call('onYield', epoch, b, this.logsFrom(plan, sums, seen));
            lastYield = performance.now();
          }
        }
        if (seen === 0) {
          if (this.stopTraining) break;
          throw new Error(`${op}: the dataset gave no batches in epoch ${epoch + 1}`);
        }
        const logs = this.logsFrom(plan!, sums, seen);
        if (validationData instanceof Dataset) Object.assign(logs, this.logsFrom(plan!, ...(await this.measureDataset(op, validationData, options.validationBatches)), 'val_'));
        else if (validationData) {
          const val = this.prepare(`${op} (validationData)`, validationData[0], validationData[1]);
          try {
            Object.assign(logs, this.logsFrom(plan!, this.measure(op, val, 256, plan!), val.rows, 'val_'));
          } finally {
            dispose(val.temporary);
          }
        }
        bar?.epochEnd(epoch, logs, seen);
        history.record(epoch, logs);
        await call('onEpochEnd', epoch, logs);
      }
      await call('onTrainEnd', {});
      return history;
    } finally {
      this.training = false;
      dispose(batchTensors(batches));
      if (plan) endPlan(plan);
      leaveCall();
    }
  }

  /**
   * Loss (and metrics) over a dataset of { xs, ys } batches (or its first `batches`): a scalar tensor, or
   * [loss, ...each output's loss, ...metrics] when there are metrics or several outputs.
   */
  async evaluateDataset(dataset: Dataset<TensorContainer>, args?: { batches?: number; verbose?: 0 | 1 }): Promise<Tensor | Tensor[]> {
    const op = 'evaluateDataset';
    this.checkLive(op);
    checkDataset(op, 'dataset', dataset);
    const { batches } = checkOptions(op, 'args', args, EVALUATE_DATASET_OPTIONS);
    this.checkCompiled(op);
    const [sums, rows] = await this.measureDataset(op, dataset, batches);
    return scalarsOf(op, Array.from(sums, (v) => v / rows));
  }

  /** Loss and metric sums over a pass of a dataset (or its first `batches`), and the samples seen. */
  private async measureDataset(op: string, dataset: Dataset<TensorContainer>, batches?: number): Promise<[Float64Array, number]> {
    const iterator = await dataset.iterator();
    let sums: Float64Array | null = null;
    let rows = 0;
    for (let b = 0; batches === undefined || b < batches; b++) {
      const next = await iterator.next();
      if (next.done) break;
      const data = this.batchFrom(op, next.value, b);
      try {
        this.allocate(op, shapesOf(data.xs));
        const part = this.measure(op, data, data.rows, this.plan(op, false));
        sums ??= new Float64Array(part.length);
        part.forEach((v, i) => (sums![i] += v));
        rows += data.rows;
      } finally {
        dispose([...data.temporary, ...tensorsOf(next.value)]);
      }
    }
    if (!sums) throw new Error(`${op}: the dataset gave no batches`);
    return [sums, rows];
  }

  /**
   * Each sample's loss weight from classWeight, by the class its target names: the label (sparse), the largest
   * entry of a one-hot row, or the rounded value of a single output. Every class in the data needs a weight.
   */
  private classWeightsOf(op: string, classWeight: Record<number, number>, targets: Tensor[]): Tensor {
    if (targets.length > 1) throw new Error(`${op}: classWeight is supported for models of one output; this one has ${targets.length}`);
    const target = targets[0];
    const rows = target.shape[0];
    const per = target.size / rows;
    const shape = this.outputShapes![0];
    if (shape.length > 2) throw new Error(`${op}: classWeight needs outputs of shape [samples, classes], got ${shapeText(shape)}`);
    const values = target.dataSync();
    const weights = new Float32Array(rows);
    for (let i = 0; i < rows; i++) {
      let cls = per === 1 ? Math.round(values[i]) : 0;
      for (let j = 1; j < per; j++) if (values[i * per + j] > values[i * per + cls]) cls = j;
      const weight = classWeight[cls];
      if (weight === undefined) throw new Error(`${op}: classWeight has no weight for class ${cls}, which y holds (sample ${i}); give every class in the data a weight`);
      weights[i] = weight;
    }
    return fromValues(op, 'classWeight', weights, [rows], 'float32');
  }

  /** One element of a dataset as a batch: { xs, ys }, each a tensor, an array or a map of them, checked as fit checks x and y. */
  private batchFrom(op: string, value: unknown, index: number): Data {
    const element = value as { xs?: unknown; ys?: unknown } | null;
    const given = (v: unknown) => v instanceof Tensor || (v !== null && typeof v === 'object' && tensorsOf(v).length > 0);
    if (element === null || typeof element !== 'object' || !given(element.xs) || !given(element.ys)) {
      dispose(tensorsOf(value));
      throw new Error(`${op}: element ${index} of the dataset must be { xs, ys }, a tensor each (or an array or map of them for several inputs or outputs; batch the dataset with .batch(n)), got ${describe(value)}`);
    }
    try {
      return this.prepare(`${op} (element ${index})`, element.xs, element.ys);
    } catch (error) {
      dispose(tensorsOf(value));
      throw error;
    }
  }

  // ---- saving ----

  /**
   * Saves topology and weights in the TF.js Layers format (model.json + weights.bin).
   * @example await model.save('file://./my-model'); // or 'localstorage://name', 'indexeddb://name', 'downloads://name'
   */
  async save(handlerOrUrl: string | IOHandler, config?: { trainableOnly?: boolean; includeOptimizer?: boolean }): Promise<SaveResult> {
    this.checkLive('save');
    checkOptions('save', 'config', config, SAVE_OPTIONS);
    return saveModel(this, handlerOrUrl);
  }

  // ---- lifetime ----

  /**
   * Frees the weights (of the layers no other model holds) and their optimizer state. A model inside other
   * models is freed with the last of them: until then it stays usable.
   */
  override dispose(): void {
    if (this.disposed || this.holders > 0) return;
    this.optimizer?.forget(this.weights);
    for (const layer of this.layers) {
      if (layer.owner === this) layer.owner = null;
      if (--layer.holders <= 0) {
        layer.holders = 0;
        layer.dispose();
      }
    }
    this.checkpoint = null;
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  protected checkLive(op: string): void {
    if (this.disposed) throw new Error(`${op}: the model is disposed`);
  }
}

const isSymbolic = (t: unknown): t is SymbolicTensor => t instanceof SymbolicTensor;

/** Every layer, with those of models inside the model (regularizers and constraints live on the innermost ones). */
function flatLayers(layers: Layer[]): Layer[] {
  return layers.flatMap((l) => (l instanceof LayersModel ? flatLayers(l.layers) : [l]));
}

/** The shapes of data's inputs, with a null batch axis. */
const shapesOf = (xs: Tensor[]): Shape[] => xs.map((x) => [null, ...x.shape.slice(1)]);

/** A compile argument given once for all outputs, as an array, or as a map by output name, as one value per output. */
function perOutput<T>(op: string, name: string, value: T | T[] | Record<string, T>, names: string[], shared: boolean): Array<T | undefined> {
  if (Array.isArray(value)) {
    if (shared) return names.map(() => value as unknown as T); // metrics: the list applies to every output
    if (value.length !== names.length) throw new Error(`${op}: ${name} must have one entry per output (${names.length}: ${names.join(', ')}), got ${value.length}`);
    return value;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const map = value as Record<string, T>;
    for (const key of Object.keys(map)) if (!names.includes(key)) throw new Error(`${op}: ${name} names an output ${JSON.stringify(key)} the model does not have${didYouMean(key, names)}; its outputs are ${names.join(', ')}`);
    return names.map((n) => {
      if (!(n in map) && !shared && name === 'loss') throw new Error(`${op}: ${name} gives nothing for the output ${n}`);
      return map[n] ?? (name === 'lossWeights' ? (1 as T) : undefined);
    });
  }
  if (names.length > 1 && name === 'lossWeights') throw new Error(`${op}: lossWeights must be an array or a map by output name for a model of ${names.length} outputs, got ${describe(value)}`);
  return names.map(() => value as T);
}

/** Values as scalar tensors: one, or an array of them. */
function scalarsOf(op: string, values: number[]): Tensor | Tensor[] {
  return tidy(() => {
    const scalars = values.map((v) => fromValues(op, 'result', v, [], 'float32'));
    return scalars.length === 1 ? scalars[0] : scalars;
  });
}

/** One batch's loss and metric sums: the epoch's sums after it, less those before (onBatchEnd reports the batch's own, as TF.js). */
function batchSums(after: Float64Array, before: Float64Array): Float64Array {
  return after.map((v, i) => v - before[i]);
}

// Model files name their model class: the io layer finds this one here, without importing models.
registerClass(LayersModel as unknown as SerializableClass);

/**
 * A model from symbolic inputs to symbolic outputs (TF.js's tf.model).
 * @example const input = tf.input({ shape: [4] }); const output = tf.layers.dense({ units: 1 }).apply(input);
 * const model = tf.model({ inputs: input, outputs: output });
 */
export function model(args: ModelArgs): LayersModel {
  return new LayersModel(args);
}
