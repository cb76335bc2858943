// LayersModel: a graph of layers between symbolic inputs and outputs (tf.model), trained through the gradient
// tape; Sequential is one whose graph is a stack. A training step records the forward pass (each dense layer
// one fused node, each output's loss one node), backprops into gradient sinks laid out once per call (the
// fused nodes write their weight gradients straight into them), and applies the optimizer to each variable in
// place: the same mechanism as tf.grad and optimizer.minimize, with nothing allocated that the heap's cache
// does not hand back at the next step. A model is also a layer: it can be applied inside another model.

import { word } from '../backend/heap.js';
import { during } from '../block.js';
import type { Dataset } from '../data/dataset.js';
import { activeBackend } from '../engine.js';
import { type IOHandler, type SaveResult, saveModel } from '../io/index.js';
import { checkUserDefinedMetadata, modelConfig, modelFromConfig, modelTopology } from '../io/topology.js';
import { BUILT_IN_LAYERS, checkWeights, copyShape, type Kwargs, Layer, type Shape, shapesText } from '../layers/layer.js';
import { Node, SymbolicTensor } from '../layers/symbolic.js';
import { checkLossWidth, getLoss, getMetric, type LossSpec } from '../losses.js';
import type { LossOrMetricFn } from '../ops/metrics.js';
import { getOptimizer, type Optimizer } from '../optimizers.js';
import { registerClass, type SerializableClass } from '../serialization.js';
import { dispose, Tensor, type TensorContainer, type Variable } from '../tensor/tensor.js';
import { checkBool, checkCallOptions, checkInt, checkOptions, describe, didYouMean, is, type Rule, type Schema } from '../validate.js';
import type { History, TrainingModel } from './callbacks.js';
import { prepareInput, shapesOf } from './data.js';
import { evaluate, evaluateDataset, predict } from './evaluation.js';
import { buildGraph, execute, type Graph, shapesThrough } from './graph.js';
import { type Checkpoint, logKeys } from './step.js';
import { printSummary } from './summary.js';
import { fit, fitDataset, type ModelFitArgs, type ModelFitDatasetArgs, trainOnBatch } from './training.js';

/** A layer that keeps states between calls: a recurrent layer with stateful: true. */
interface Stateful {
  stateful: boolean;
  resetStates(): void;
}

export type { ModelFitArgs, ModelFitDatasetArgs } from './training.js';

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

const MODEL_OPTIONS: Schema = { inputs: is.any, outputs: is.any, name: is.string };
const COMPILE_OPTIONS: Schema = { optimizer: is.any, loss: is.any, metrics: is.any, lossWeights: is.any };
/** TF.js's SaveConfig: both flags are accepted off (their default); on, they are not supported yet. */
const offOnly: Rule = (op, name, value) => {
  checkBool(op, name, value);
  if (value) throw new Error(`${op}: ${name} true is not supported yet (neurite saves the topology and all weights)`);
};
const SAVE_OPTIONS: Schema = { trainableOnly: offOnly, includeOptimizer: offOnly };

/** @internal Passed by Sequential: a model whose graph is made once its input shape is known. */
export const UNCONNECTED: unique symbol = Symbol('unconnected');

/** Default names are counted by kind, as TF.js counts them: sequential_1, sequential_2, ... and model1, model2, ... */
const modelCounts = { sequential: 0, model: 0 };

export interface ModelArgs {
  inputs: SymbolicTensor | SymbolicTensor[];
  outputs: SymbolicTensor | SymbolicTensor[];
  name?: string;
}

export class LayersModel extends Layer implements TrainingModel {
  static override className = 'Model';
  /**
   * A new model of class cls from a config, getConfig's or TF.js's (TF.js's LayersModel.fromConfig and
   * Sequential.fromConfig): its layers made and connected, with weights as their initializers give them.
   * @example const copy = tf.Sequential.fromConfig(tf.Sequential, model.getConfig());
   */
  static override fromConfig<T extends Layer>(cls: new (...args: never[]) => T, config: Record<string, unknown>): T {
    return modelFromConfig(cls, config) as unknown as T;
  }
  /** @internal The graph; a Sequential model has one once its input shape is known. */
  graph: Graph | null = null;
  /** The model's own node: its inputs to its outputs. */
  private definition: Node | null = null;
  /** Set by a callback to end fit() after the current epoch. */
  stopTraining = false;
  /** The optimizer compile set (undefined until then), as TF.js types it. */
  optimizer!: Optimizer;
  /** @internal The compiled loss, metrics and loss weight of each output. */
  compiled: Array<{ loss: LossSpec; metrics: unknown[]; weight: number }> | null = null;
  /** The keys of the logs fit gives, set by compile: 'loss', each output's loss (several outputs), the metrics. */
  metricsNames: string[] = [];
  /** @internal Weights and optimizer state as of a few steps ago, for rolling back a step that diverged. */
  checkpoint: Checkpoint | null = null;
  /** @internal Training steps since the checkpoint was taken (Infinity: take one before the next step). */
  stepsSinceCheckpoint = Infinity;
  /** @internal True while fit runs: a second fit, trainOnBatch or compile is refused until it ends. */
  training = false;
  private disposed = false;
  /** What setUserDefinedMetadata set, or loading read from the file. */
  private userDefinedMetadata: {} | undefined = undefined;

  constructor(args: ModelArgs);
  /** @internal */
  constructor(args: { name?: string }, unconnected: typeof UNCONNECTED);
  constructor(args: ModelArgs | { name?: string }, unconnected?: typeof UNCONNECTED) {
    const op = unconnected ? 'sequential' : 'model';
    if (args === undefined || args === null || typeof args !== 'object') throw new Error(`${op}: expected { ${unconnected ? 'layers, name' : 'inputs, outputs, name'} }, got ${describe(args)}`);
    if ((args as { name?: unknown }).name === '') throw new Error(`${op}: name must be a non-empty string, got ""`);
    const name = (args as { name?: string }).name;
    super({ name: name ?? (unconnected ? `sequential_${++modelCounts.sequential}` : `model${++modelCounts.model}`) }, { op, options: {} });
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

  /** Whether a layer keeps states between calls (a recurrent layer with stateful: true), as TF.js's model.stateful. */
  get stateful(): boolean {
    return this.layers.some((layer) => (layer as Partial<Stateful>).stateful === true);
  }

  /** Sets every stateful layer's states to zeros (TF.js's model.resetStates). */
  resetStates(): void {
    for (const layer of this.layers) if ((layer as Partial<Stateful>).stateful === true) (layer as unknown as Stateful).resetStates();
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

  /**
   * Every layer's weights (a layer shared by two calls once), in TF.js's order: the trainable ones, layer by layer,
   * then the others (a batch norm's moving statistics, frozen layers' weights).
   */
  override get weights(): Variable[] {
    return [...this.trainableWeights, ...this.nonTrainableWeights];
  }

  /** The weights fit updates: those of trainable layers that are trainable themselves. */
  override get trainableWeights(): Variable[] {
    return this.trainable ? this.layers.flatMap((layer) => layer.trainableWeights) : [];
  }

  /** The weights fit leaves as they are (frozen layers', and a layer's own non-trainable ones); every weight when the model is frozen. */
  override get nonTrainableWeights(): Variable[] {
    const frozen = this.layers.flatMap((layer) => layer.nonTrainableWeights);
    return this.trainable ? frozen : [...this.layers.flatMap((layer) => layer.trainableWeights), ...frozen];
  }

  /** @internal Weight names as model files give them, in the order of weights. */
  override get weightNames(): string[] {
    const names = new Map(this.layers.flatMap((layer) => layer.weights.map((v, i) => [v, layer.weightNames[i]] as const)));
    return this.weights.map((v) => names.get(v)!);
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
   * @internal
   */
  allocate(op: string, inputShape?: Shape | Shape[]): void {
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

  /**
   * As a layer: the graph run on the inputs (in training mode when kwargs.training), kwargs.mask carried by the
   * first input (a list: one per input). As in TF.js, a model does not pass masks on (supportsMasking is false).
   */
  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const graph = this.connected('call');
    const masks = Array.isArray(kwargs.mask) ? kwargs.mask : [kwargs.mask ?? null];
    const outs = execute(graph, Array.isArray(inputs) ? inputs : [inputs], kwargs.training ?? false, kwargs.logits ? this.logitsNodes() : null, masks);
    return outs.length === 1 ? outs[0] : outs;
  }

  /** The activation the model's one output ends in, when its loss may fold it in (a model as a model's last layer). */
  override finalActivation(): string {
    const nodes = this.graph ? this.logitsNodes() : null;
    return nodes && nodes.size === 1 ? [...nodes][0].layer.finalActivation() : 'linear';
  }

  /** @internal The nodes making the outputs whose layer may give logits: one output each, read by no other node of the graph. */
  logitsNodes(): Set<Node> {
    const graph = this.graph!;
    const nodes = new Set<Node>();
    for (const t of graph.outputs) {
      const node = t.node;
      const alone = node.outputs.length === 1 && !graph.readers.has(t.id) && graph.outputs.filter((o) => o === t).length === 1;
      if (alone && graph.steps.includes(node)) nodes.add(node);
    }
    return nodes;
  }

  /**
   * @internal A model treats each sample on its own when all its layers do, and it is neurite's own class: a
   * subclass inside another model runs its own call, which may do anything.
   */
  override samplewise(): boolean {
    return super.samplewise() && this.layers.every((l) => l.samplewise());
  }

  /** @internal Every layer, with those of models inside the model (regularizers and constraints live on the innermost ones). */
  innermostLayers(): Layer[] {
    return this.layers.flatMap((l) => (l instanceof LayersModel ? l.innermostLayers() : [l]));
  }

  /** @internal The layer calls of the graph (a layer may have calls outside it: a layer shared with another model). */
  graphNodes(): Set<Node> {
    return this.graph?.nodes ?? new Set();
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

  /** Setting it freezes or unfreezes the model as a whole; each layer keeps its own flag (TF.js's model.trainable). */
  override get trainable(): boolean {
    return super.trainable;
  }
  override set trainable(value: boolean) {
    super.trainable = value;
    // The variables follow: none trained while the model is frozen, each as its layer's own flag says when not.
    for (const layer of this.layers) {
      if (value) layer.trainable = layer.trainable;
      else for (const v of layer.weights) v.trainable = false;
    }
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

  /** The weights in the order of weights (trainable ones first, each layer's kernel then bias), or only the trainable ones. */
  override getWeights(trainableOnly = false): Tensor[] {
    this.checkLive('getWeights');
    checkBool('getWeights', 'trainableOnly', trainableOnly);
    return trainableOnly ? this.trainableWeights : this.weights;
  }

  /** Replaces every weight (the order of getWeights); checked in full before anything is written. */
  override setWeights(weights: Tensor[]): void {
    this.checkLive('setWeights');
    this.allocate('setWeights');
    const all = this.weights;
    if (!Array.isArray(weights) || weights.length !== all.length) {
      throw new Error(`setWeights: expected ${all.length} tensors (${all.map((v) => v.name).join(', ')}), got ${describe(weights)}`);
    }
    const position = new Map(all.map((v, i) => [v, i]));
    for (const layer of this.layers) {
      const at = layer.weights.map((v) => position.get(v)!);
      checkWeights('setWeights', layer, at.map((i) => weights[i]), at);
    }
    all.forEach((v, i) => v.assign(weights[i]));
    for (const layer of this.layers) layer.projectAll();
    this.stepsSinceCheckpoint = Infinity; // a checkpoint from before would undo this
  }

  /** @internal The weights of the layers no other model holds. */
  ownWeights(): Variable[] {
    return this.layers.filter((layer) => layer.holders <= 1).flatMap((layer) => layer.weights);
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
    args = checkCallOptions(op, 'args', args, COMPILE_OPTIONS);
    const names = this.graph ? this.outputNames : ['output'];
    const losses = perOutput(op, 'loss', args.loss, names, false).map((l) => getLoss(op, l));
    const metrics = args.metrics === undefined ? names.map(() => []) : perOutput(op, 'metrics', args.metrics, names, true).map((m) => (m === undefined ? [] : Array.isArray(m) ? m : [m]));
    const weights = args.lossWeights === undefined ? names.map(() => 1) : perOutput(op, 'lossWeights', args.lossWeights, names, false);
    weights.forEach((w, i) => is.number(0)(op, names.length === 1 ? 'lossWeights' : `lossWeights (${names[i]})`, w));
    const widths = this.outputShapes?.map((s) => s.at(-1) as number | null) ?? [null];
    const metricKeys = losses.map((loss, i) => {
      checkLossWidth(op, loss, widths[i], names.length > 1 ? names[i] : '');
      // Checked now against the loss; 'accuracy' is resolved for the output width when training starts.
      return metrics[i].map((m) => getMetric(op, m, loss, widths[i] ?? 2).key);
    });
    // Made last: a refused compile must not leave an optimizer (and its tensors) behind.
    const optimizer = getOptimizer(op, args.optimizer);
    // The one it replaces lets go of its state for the weights only this model holds (kept as long as the
    // model, else); another model sharing a layer may train it with that optimizer still.
    if (this.optimizer && this.optimizer !== optimizer) this.optimizer.forget(this.ownWeights());
    this.optimizer = optimizer;
    this.compiled = losses.map((loss, i) => ({ loss, metrics: metrics[i], weight: weights[i] as number }));
    this.metricsNames = logKeys(names, metricKeys);
    this.stepsSinceCheckpoint = Infinity; // its optimizer state may be another's
  }

  // ---- checks before a call ----

  /** @internal Refuses to run a call that needs compile first. */
  checkCompiled(op: string): void {
    if (!this.compiled || !this.optimizer) throw new Error(`${op}: the model must be compiled first (model.compile({ optimizer, loss }))`);
  }

  /** @internal Refuses what would interleave with a running fit (a second fit, trainOnBatch or compile). */
  checkIdle(op: string): void {
    if (this.training) throw new Error(`${op}: the model is training (a fit call has not finished); await it first`);
  }

  /** @internal Refuses to train with a learning rate that is wrong now (a schedule's value too), before anything is allocated. */
  checkTrainable(op: string): void {
    this.checkCompiled(op);
    this.checkIdle(op);
    this.optimizer!.currentLearningRate();
  }

  // ---- running (predict, evaluate and fit are in evaluation.ts and training.ts) ----

  /**
   * @internal The graph run on the inputs (carrying `masks`); the nodes in `logits` leave out the activation
   * their loss folds in.
   */
  forward(xs: Tensor[], training: boolean, logits: Set<Node> | null, masks: Array<Tensor | null> = []): Tensor[] {
    return execute(this.graph!, xs, training, logits, masks);
  }

  /**
   * Outputs for x (one tensor per output), computed in chunks of batchSize rows (default 1024; the result
   * does not depend on it). verbose: true shows a progress bar over the chunks in Node (where TF.js 4.22
   * throws 'not implemented').
   * @example const probabilities = model.predict(tf.tensor2d(images, [n, 784]));
   */
  predict(x: TensorOrArrayOrMap, args?: { batchSize?: number; verbose?: boolean }): Tensor | Tensor[] {
    return during('predict', () => predict(this, x, args));
  }

  /** Outputs for x as one batch: TF.js's predictOnBatch (predict's outputs do not depend on its batch size). */
  predictOnBatch(x: TensorOrArrayOrMap): Tensor | Tensor[] {
    return this.predict(x);
  }

  /** @internal Throws when there is nothing to run (a Sequential model without layers). */
  checkHasLayers(_op: string): void {}

  /** @internal The output shape for an input shape, before the graph is made (a Sequential model's layers). */
  outputShapeFor(_inputShape: number[]): Shape {
    throw new Error('the model has no graph');
  }

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
      const data = prepareInput(this, 'apply', inputs);
      try {
        this.allocate('apply', shapesOf(data.xs));
        // The masks the inputs carry (an embedding's output), as a layer's apply passes them on.
        const masks = (Array.isArray(inputs) ? inputs : [inputs]).map((t) => (t instanceof Tensor ? (t.kerasMask ?? null) : null));
        const outs = this.forward(data.xs, kwargs.training ?? false, null, masks);
        return outs.length === 1 ? outs[0] : outs;
      } finally {
        dispose(data.temporary);
      }
    });
  }

  /**
   * Loss (and metrics) on x, y: a scalar tensor, or [loss, ...each output's loss, ...metrics] when there are
   * metrics or several outputs. A number for args is the batch size, as Keras's evaluate(x, y, batch_size)
   * takes it (the result does not depend on it). verbose: 1 shows Keras's progress bar and summary line in
   * Node (where TF.js 4.22 throws 'not implemented'); the default 0 is silent.
   */
  evaluate(x: TensorOrArrayOrMap, y: TensorOrArrayOrMap, args?: { batchSize?: number; verbose?: 0 | 1 } | number): Tensor | Tensor[] {
    return during('evaluate', () => evaluate(this, x, y, typeof args === 'number' ? { batchSize: args } : args));
  }

  /** One optimisation step on the whole of x, y; resolves to the loss, or [loss, ...each output's loss, ...metrics]. */
  async trainOnBatch(x: TensorOrArrayOrMap, y: TensorOrArrayOrMap): Promise<number | number[]> {
    return during('trainOnBatch', () => trainOnBatch(this, x, y));
  }

  // ---- training ----

  /**
   * Trains for a number of epochs; resolves to the History of per-epoch logs.
   * @example const history = await model.fit(xs, ys, { epochs: 10, batchSize: 64, validationSplit: 0.1 });
   */
  async fit(x: TensorOrArrayOrMap, y: TensorOrArrayOrMap, args?: ModelFitArgs): Promise<History> {
    return fit(this, x, y, args);
  }

  /**
   * Trains on a dataset of { xs, ys } batches (tf.data): each epoch one pass, or batchesPerEpoch batches of a
   * pass that continues from epoch to epoch. Each batch's tensors are freed once trained on, as in TF.js.
   * @example await model.fitDataset(tf.data.zip({ xs, ys }).shuffle(100).batch(32), { epochs: 5 });
   */
  async fitDataset(dataset: Dataset<TensorContainer>, args: ModelFitDatasetArgs): Promise<History> {
    return fitDataset(this, dataset, args);
  }

  /**
   * Loss (and metrics) over a dataset of { xs, ys } batches (or its first `batches`): a scalar tensor, or
   * [loss, ...each output's loss, ...metrics] when there are metrics or several outputs. verbose: as evaluate's.
   */
  async evaluateDataset(dataset: Dataset<TensorContainer>, args?: { batches?: number; verbose?: 0 | 1 }): Promise<Tensor | Tensor[]> {
    return evaluateDataset(this, dataset, args);
  }

  // ---- describing and saving ----

  /**
   * The model's structure as TF.js's getConfig gives it: for a functional model { name, layers: [{ name,
   * className, config, inboundNodes }], inputLayers, outputLayers }, for a Sequential one { name, layers:
   * [{ className, config }] }. fromConfig makes a model from it.
   */
  override getConfig(): Record<string, unknown> {
    this.checkLive('getConfig');
    return modelConfig(this);
  }

  /**
   * The topology as model.json holds it (the config in snake_case, with the class name and format version):
   * a JSON string, or the object when returnString is false (TF.js's toJSON; the first argument is unused).
   * tf.models.modelFromJSON makes a model from it.
   */
  toJSON(unused?: unknown, returnString = true): string | Record<string, unknown> {
    this.checkLive('toJSON');
    checkBool('toJSON', 'returnString', returnString);
    const topology = modelTopology('toJSON', this);
    return returnString ? JSON.stringify(topology) : topology;
  }

  /**
   * Sets metadata to save with the model (model.json's userDefinedMetadata): a plain JSON object. Saving warns,
   * as TF.js does, when its JSON is longer than 1 MiB.
   */
  setUserDefinedMetadata(userDefinedMetadata: {}): void {
    checkUserDefinedMetadata('setUserDefinedMetadata', userDefinedMetadata);
    this.userDefinedMetadata = userDefinedMetadata;
  }

  /** The metadata setUserDefinedMetadata set or the loaded file held; undefined if neither. */
  getUserDefinedMetadata(): {} | undefined {
    return this.userDefinedMetadata;
  }

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
    const freed = this.layers.filter((layer) => --layer.holders <= 0);
    // The optimizer lets go of the freed weights' state; a layer another model holds keeps its weights and state.
    this.optimizer?.forget(freed.flatMap((layer) => layer.weights));
    for (const layer of freed) {
      layer.holders = 0;
      layer.dispose();
    }
    this.checkpoint = null;
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** @internal Refuses calls on a disposed model. */
  checkLive(op: string): void {
    if (this.disposed) throw new Error(`${op}: the model is disposed`);
  }
}

const isSymbolic = (t: unknown): t is SymbolicTensor => t instanceof SymbolicTensor;


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

// Model files name their model class: the io layer finds this one here, without importing models.
registerClass(LayersModel as unknown as SerializableClass);
BUILT_IN_LAYERS.add(LayersModel);

/**
 * A model from symbolic inputs to symbolic outputs (TF.js's tf.model).
 * @example const input = tf.input({ shape: [4] }); const output = tf.layers.dense({ units: 1 }).apply(input);
 * const model = tf.model({ inputs: input, outputs: output });
 */
export function model(args: ModelArgs): LayersModel {
  return new LayersModel(args);
}
