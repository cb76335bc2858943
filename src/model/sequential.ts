// Sequential: a stack of layers, trained through the gradient tape. A training step records the forward pass
// (each dense layer one fused node, the loss one node), backprops into gradient sinks laid out once per call
// (the fused nodes write their weight gradients straight into them), and applies the optimizer to each
// variable in place: the same mechanism as tf.grad and optimizer.minimize, with nothing allocated that the
// heap's cache does not hand back at the next step.

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
import { checkWeights, Layer, outputOf, project, type Shape, shapeText } from '../layers/layer.js';
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
import { batchOf, checkDataset, checkFinite, copyInto, type Data, gatherRows, manual, rowsOf, shuffleOrder, tensorsOf } from './data.js';
import { checkCallbacks, defaultVerbose, hookCaller, progressBar, yieldInterval, yieldToEventLoop } from './hooks.js';
import { addMetrics, CHECKPOINT_EVERY, type Checkpoint, disposeRecorded, endPlan, lossOf, moved, type Plan, type Recorded, updatesOf } from './step.js';

export interface ModelCompileArgs {
  optimizer: Optimizer | string;
  /** A name (e.g. 'meanSquaredError', 'hinge') or a function (yTrue, yPred) => Tensor such as tf.losses.meanSquaredError. */
  loss: string | LossOrMetricFn;
  /** Names ('accuracy', 'mse', 'precision', ...) or functions (yTrue, yPred) => Tensor such as tf.metrics.recall. */
  metrics?: string | LossOrMetricFn | Array<string | LossOrMetricFn>;
}

export interface ModelFitDatasetArgs {
  epochs: number;
  classWeight?: Record<number, number>;
  /** Batches per epoch: the epochs then walk on through one pass of the dataset; by default an epoch is a whole pass. */
  batchesPerEpoch?: number;
  /** A dataset of { xs, ys } batches, or [xVal, yVal] tensors, evaluated after each epoch. */
  validationData?: Dataset<TensorContainer> | [Tensor, Tensor];
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
  validationData?: [Tensor, Tensor];
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

const SEQUENTIAL_OPTIONS: Schema = { layers: is.any, name: is.string };
const COMPILE_OPTIONS: Schema = { optimizer: is.any, loss: is.any, metrics: is.any };
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









let modelCount = 0;

export class Sequential implements TrainingModel {
  static readonly className = 'Sequential';
  readonly className = 'Sequential';
  /** A model from its layers, as model files make it (TF.js's fromConfig, its layers already made). */
  static fromConfig(cls: typeof Sequential, config: { layers?: Layer[]; name?: string }): Sequential {
    return new cls(config);
  }
  readonly name: string;
  readonly layers: Layer[] = [];
  /** Set by a callback to end fit() after the current epoch. */
  stopTraining = false;
  optimizer: Optimizer | null = null;
  private loss: LossSpec | null = null;
  private metricValues: unknown[] = [];
  /** Weights and optimizer state as of a few steps ago, for rolling back a step that diverged. */
  private checkpoint: Checkpoint | null = null;
  private stepsSinceCheckpoint = Infinity;
  /** True while fit runs: a second fit, trainOnBatch or compile is refused until it ends. */
  private training = false;
  private disposed = false;

  constructor(args: { layers?: Layer[]; name?: string } = {}) {
    checkOptions('sequential', 'args', args, SEQUENTIAL_OPTIONS);
    const layers = args?.layers ?? [];
    if (!Array.isArray(layers)) throw new Error(`sequential: layers must be an array of layers, got ${describe(layers)}`);
    if (args?.name === '') throw new Error('sequential: name must be a non-empty string, got ""');
    this.name = args?.name ?? `sequential_${++modelCount}`;
    // Checked in full first: a refused layer must not leave the others claimed by a model that never was.
    layers.forEach((layer, i) => this.checkAddable(`layers[${i}]`, layer, layers.slice(0, i)));
    try {
      for (const layer of layers) this.add(layer);
    } catch (error) {
      this.dispose(); // a layer that failed to build frees the ones built before it
      throw error;
    }
  }

  // ---- structure ----

  /**
   * Appends a layer. As in TF.js, a layer that can know its input shape (the first one given an inputShape,
   * or any after it) is built now: its weights exist from here on.
   */
  add(layer: Layer): void {
    this.checkLive('add');
    this.checkAddable('layer', layer, this.layers);
    const input = this.layers.length === 0 ? layer.batchInputShape : this.outputShape;
    if (input) layer.ensureBuilt(input, 'add');
    this.layers.push(layer);
    layer.owner = this;
    this.stepsSinceCheckpoint = Infinity; // a checkpoint holds the weights of the layers before
  }

  private checkAddable(name: string, layer: unknown, others: unknown[]): asserts layer is Layer {
    const op = name === 'layer' ? 'add' : 'sequential';
    if (layer instanceof Sequential) throw new Error(`${op}: ${name} is a model; a Sequential model takes layers (models inside models are not supported yet)`);
    if (!(layer instanceof Layer)) throw new Error(`${op}: ${name} must be a layer from tf.layers, got ${describe(layer)}`);
    if (others.includes(layer)) throw new Error(`${op}: layer ${layer.name} is already in the model`);
    if (layer.owner) throw new Error(`${op}: layer ${layer.name} already belongs to another model (a layer can be in one model; make a new one)`);
    const shape = shapeAfter(others as Layer[]);
    if (shape === null) return;
    const own = layer.builtInputShape ?? layer.batchInputShape;
    if (own && (own.length !== shape.length || own.some((d, i) => i > 0 && d !== null && shape[i] !== null && d !== shape[i]))) {
      throw new Error(`${op}: layer ${layer.name} expects input of shape ${shapeText(own)}, but the model's output has shape ${shapeText(shape)}`);
    }
    try {
      layer.computeOutputShape(shape.slice());
    } catch (error) {
      throw new Error(`${op}: layer ${layer.name} does not fit after the model's output of shape ${shapeText(shape)}: ${(error as Error).message}`);
    }
  }

  /** The input shape with its batch axis, from the first layer's arguments or the data the model was built with. */
  get batchInputShape(): Shape | null {
    const first = this.layers[0];
    return first?.batchInputShape ?? first?.builtInputShape ?? null;
  }

  /** The output shape with its batch axis, once the input shape is known (TF.js's model.outputShape). */
  get outputShape(): Shape | null {
    return shapeAfter(this.layers);
  }

  /** The size of the output's last axis (the classes, for a classifier), once the input shape is known. */
  private get outputWidth(): number | null {
    return (this.outputShape?.at(-1) as number | undefined) ?? null;
  }

  /** Every layer's weights, in order. */
  get weights(): Variable[] {
    return this.layers.flatMap((layer) => layer.weights);
  }

  /** The weights fit updates: those of trainable layers that are trainable themselves. */
  get trainableWeights(): Variable[] {
    return this.layers.flatMap((layer) => layer.trainableWeights);
  }

  /** The weights fit leaves as they are (frozen layers', and a layer's own non-trainable ones). */
  get nonTrainableWeights(): Variable[] {
    return this.layers.flatMap((layer) => layer.nonTrainableWeights);
  }

  /**
   * A layer by name, or by index (TF.js's getLayer(nameOrIndex, index)).
   * @example model.getLayer('hidden').trainable = false;
   */
  getLayer(nameOrIndex?: string | number, index?: number): Layer {
    const at = index ?? (typeof nameOrIndex === 'number' ? nameOrIndex : undefined);
    if (at !== undefined) {
      checkInt('getLayer', 'index', at, 0);
      if (at >= this.layers.length) throw new Error(`getLayer: index ${at} is past the model's ${this.layers.length} layer${this.layers.length === 1 ? '' : 's'}`);
      return this.layers[at];
    }
    if (typeof nameOrIndex !== 'string') throw new Error(`getLayer: give a layer name or an index, got ${describe(nameOrIndex)}`);
    const layer = this.layers.find((l) => l.name === nameOrIndex);
    if (!layer) throw new Error(`getLayer: no layer named ${JSON.stringify(nameOrIndex)}${didYouMean(nameOrIndex, this.layers.map((l) => l.name))}`);
    return layer;
  }

  /**
   * Makes and initialises the weights for an input shape with its batch axis, e.g. [null, 784] (fit, predict
   * and evaluate do this on first use).
   */
  build(inputShape?: Shape): void {
    this.allocate('build', inputShape);
  }

  /** Builds every layer not yet built, in order, for the input shape given or known. */
  private allocate(op: string, inputShape?: Shape): void {
    this.checkLive(op);
    if (this.layers.length === 0) throw new Error(`${op}: the model has no layers (add some with model.add)`);
    if (inputShape !== undefined && !(Array.isArray(inputShape) && inputShape.length >= 2 && inputShape.every((d) => d === null || (Number.isSafeInteger(d) && d >= 1)))) {
      throw new Error(`${op}: inputShape must be [batch or null, ...sizes], e.g. [null, 784], got ${describe(inputShape)}`);
    }
    const known = this.batchInputShape;
    if (known && inputShape && (known.length !== inputShape.length || known.some((d, i) => i > 0 && d !== null && d !== inputShape[i]))) {
      throw new Error(`${op}: the first layer expects input of shape ${shapeText(known)}, got ${shapeText(inputShape)}`);
    }
    if (this.layers.every((l) => l.built)) return;
    const shape = inputShape ?? known;
    if (!shape) throw new Error(`${op}: the input shape is unknown; give the first layer an inputShape, e.g. tf.layers.dense({ units, inputShape: [784] })`);
    let at: Shape = [null, ...shape.slice(1)];
    try {
      for (const layer of this.layers) {
        layer.ensureBuilt(at, op);
        at = layer.computeOutputShape(at.slice());
      }
    } catch (error) {
      for (const layer of this.layers) layer.dispose(); // all or nothing
      throw error;
    }
  }

  /** Number of weights. */
  countParams(): number {
    return this.paramCounts('countParams').total;
  }

  /** Weights in all layers and in trainable ones (the layers must be built). */
  private paramCounts(op: string): { total: number; trainable: number } {
    if (!this.layers.every((l) => l.built)) throw new Error(`${op}: the input shape is unknown until the first layer has an inputShape or the model is built`);
    let total = 0;
    let trainable = 0;
    for (const layer of this.layers) {
      total += layer.countParams();
      trainable += layer.trainableWeights.reduce((n, v) => n + v.size, 0);
    }
    return { total, trainable };
  }

  /**
   * Prints TF.js 4.22's table of layers: name (type), input shape, output shape, parameter count, then the
   * totals. `positions` are where the four columns end, as fractions of lineLength (TF.js's default
   * [0.32, 0.61, 0.89, 1]) or in characters.
   */
  summary(lineLength = 90, positions: number[] = [0.32, 0.61, 0.89, 1], printFn: (line: string) => void = console.log): void {
    this.checkLive('summary');
    checkInt('summary', 'lineLength', lineLength, 20, 1000);
    const ends = Array.isArray(positions) && positions.length === 4 && positions.every((p) => typeof p === 'number') ? positions : null;
    if (!ends || !ends.every((p, i) => p > (ends[i - 1] ?? 0))) throw new Error(`summary: positions must be four increasing numbers, got ${describe(positions)}`);
    const columns = ends[3] <= 1 ? ends.map((p) => Math.floor(p * lineLength)) : ends;
    if (columns[3] > 1000) throw new Error(`summary: positions must end within 1000 characters, got ${describe(positions)}`);
    if (typeof printFn !== 'function') throw new Error(`summary: printFn must be a function, got ${describe(printFn)}`);
    if (!this.layers.every((l) => l.built)) throw new Error('summary: the input shape is unknown; give the first layer an inputShape, or build the model');
    const row = (fields: string[]) => {
      let line = '';
      fields.forEach((field, i) => {
        if (i > 0) line = line.slice(0, -1) + ' ';
        line = (line + field).slice(0, columns[i]);
        line += ' '.repeat(columns[i] - line.length);
      });
      printFn(line);
    };
    const text = (shape: Shape) => `[${shape.map((d) => d ?? 'null').join(',')}]`;
    printFn('_'.repeat(lineLength));
    row(['Layer (type)', 'Input Shape', 'Output shape', 'Param #']);
    printFn('='.repeat(lineLength));
    let shape = this.batchInputShape!;
    this.layers.forEach((layer, i) => {
      const input = shape;
      shape = layer.computeOutputShape(shape.slice());
      row([`${layer.name} (${layer.className})`, `[${text(input)}]`, text(shape), String(layer.countParams())]);
      printFn((i === this.layers.length - 1 ? '=' : '_').repeat(lineLength));
    });
    const { total, trainable } = this.paramCounts('summary');
    printFn(`Total params: ${total}`);
    printFn(`Trainable params: ${trainable}`);
    printFn(`Non-trainable params: ${total - trainable}`);
    printFn('_'.repeat(lineLength));
  }

  // ---- weights ----

  /** The weights (or only the trainable layers' when trainableOnly), layer by layer, kernel then bias. */
  getWeights(trainableOnly = false): Tensor[] {
    this.checkLive('getWeights');
    checkBool('getWeights', 'trainableOnly', trainableOnly);
    if (this.batchInputShape !== null) this.build();
    return this.layers.filter((layer) => !trainableOnly || layer.trainable).flatMap((layer) => layer.getWeights());
  }

  /** Replaces every weight (the order of getWeights); checked in full before anything is written. */
  setWeights(weights: Tensor[]): void {
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
    this.checkLive('compile');
    this.checkIdle('compile');
    if (args === undefined || args === null) throw new Error(`compile: expected { optimizer, loss, metrics? }, got ${describe(args)}`);
    checkOptions('compile', 'args', args, COMPILE_OPTIONS);
    const optimizer = getOptimizer('compile', args.optimizer);
    const loss = getLoss('compile', args.loss);
    const names = args.metrics === undefined ? [] : Array.isArray(args.metrics) ? args.metrics : [args.metrics];
    // Checked now against the loss; 'accuracy' is resolved for the output width when training starts.
    for (const m of names) getMetric('compile', m, loss, this.outputWidth ?? 2);
    if (loss.sparse && this.layers.length > 0 && this.outputWidth === 1) throw new Error('compile: sparseCategoricalCrossentropy needs an output of at least 2 classes');
    this.optimizer = optimizer;
    this.loss = loss;
    this.metricValues = names;
    this.stepsSinceCheckpoint = Infinity; // its optimizer state may be another's
  }

  /**
   * What every step of a call computes the same way. The loss is fused (taken from the logits) when the network
   * ends in the activation it folds in. Training calls also get gradient sinks, freed by endPlan.
   */
  private plan(op: string, training: boolean, weighted = false): Plan {
    const loss = this.loss!;
    const width = this.outputWidth!;
    if (loss.sparse && width === 1) throw new Error(`${op}: sparseCategoricalCrossentropy needs an output of at least 2 classes`);
    const last = this.layers[this.layers.length - 1].finalActivation();
    // Weighted samples need each sample's loss: the loss's function form, on the tape.
    const fn = loss.fn ?? (weighted ? LOSS_FUNCTIONS[loss.name] : null);
    const fromLogits = !fn && loss.fusedWith !== null && last === loss.fusedWith;
    const sources = training ? this.layers.flatMap((l) => l.trainableWeights) : [];
    const plan: Plan = {
      code: loss.fn || fn ? null : fromLogits ? loss.fusedCode : loss.code,
      fn,
      fromLogits,
      folded: fromLogits ? getActivation(op, last) : getActivation(op, 'linear'),
      metrics: this.metricValues.map((m) => getMetric(op, m, loss, width)),
      width,
      sources,
      sinks: new Map(),
      regularized: [],
      constrained: [],
      one: null,
      programs: new Map(),
      weights: null,
    };
    if (!training) return plan;
    try {
      const trainable = new Set(sources);
      for (const layer of this.layers) {
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

  /** Checks x against the model's input shape (or, before it is built, against `expected`). */
  private prepareInput(op: string, x: unknown, expected = this.batchInputShape): Data {
    checkTensor(op, 'x', x);
    if (x.rank < 2) throw new Error(`${op}: x must have shape [samples, ...features], got [${x.shape.join(', ')}]`);
    const rows = x.shape[0];
    if (rows === 0) throw new Error(`${op}: x has no samples`);
    if (expected && (x.rank !== expected.length || expected.some((d, i) => i > 0 && d !== null && d !== x.shape[i]))) {
      const wanted = expected.length === 2 && x.rank === 2 ? `${expected[1]} features per sample` : `shape [samples, ${expected.slice(1).map((d) => d ?? 'any').join(', ')}] (the model's input)`;
      throw new Error(`${op}: x must have ${wanted}, got shape [${x.shape.join(', ')}]`);
    }
    if (x.dtype === 'float32') {
      checkFinite(op, 'x', x);
      return { rows, x, target: x, temporary: [] };
    }
    // int32 and bool inputs compute as float32, as TF.js's matMul casts them.
    const float = cast(x, 'float32');
    return { rows, x: float, target: float, temporary: [float] };
  }

  /**
   * Checks x and y against the model and the loss; converts y to what the loss kernel reads: float32 of the
   * output's shape, or int32 class indices of the output's shape without its last axis (sparse losses).
   */
  private prepare(op: string, x: unknown, y: unknown, expected = this.batchInputShape): Data {
    const data = this.prepareInput(op, x, expected);
    try {
      return this.prepareTargets(op, data, y);
    } catch (error) {
      dispose(data.temporary);
      throw error;
    }
  }

  private prepareTargets(op: string, data: Data, y: unknown): Data {
    const rows = data.rows;
    checkTensor(op, 'y', y);
    const out = [rows, ...(shapeFrom(this.layers, [null, ...data.x.shape.slice(1)]).slice(1) as number[])];
    const outputs = out[out.length - 1];
    if (y.shape[0] !== rows) throw new Error(`${op}: x and y must have the same number of samples, got ${rows} and ${y.shape[0]}`);
    const same = (shape: number[]) => y.rank === shape.length && shape.every((d, i) => y.shape[i] === d);
    if (this.loss!.sparse) {
      const indices = out.slice(0, -1);
      if (!same(indices) && !same([...indices, 1])) {
        const wanted = indices.length === 1 ? '[samples] or [samples, 1]' : `[${indices.join(', ')}]`;
        throw new Error(`${op}: y must hold one class index per sample (${wanted}), got [${y.shape.join(', ')}]`);
      }
      const labels = y.dataSync();
      for (let i = 0; i < labels.length; i++) {
        const v = labels[i];
        if (!Number.isInteger(v) || v < 0 || v >= outputs) throw new Error(`${op}: y[${i}] must be a class index in [0, ${outputs - 1}], got ${v}`);
      }
      if (y.dtype === 'int32' && y.rank === indices.length) return { ...data, target: y };
      const target = empty(op, indices, 'int32');
      activeBackend().heap.i32.set(labels, word(target.ptr()));
      return { ...data, target, temporary: [...data.temporary, target] };
    }
    if (!same(out) && !(out.length === 2 && outputs === 1 && same([rows]))) {
      throw new Error(`${op}: y must have shape [${out.join(', ')}] to match the model's output, got [${y.shape.join(', ')}]`);
    }
    if (y.dtype === 'float32' && y.rank === out.length) {
      checkFinite(op, 'y', y);
      return { ...data, target: y };
    }
    const values = y.dataSync();
    const target = empty(op, out, 'float32');
    activeBackend().heap.f32.set(values, word(target.ptr()));
    const prepared = { ...data, target, temporary: [...data.temporary, target] };
    try {
      checkFinite(op, 'y', target);
    } catch (error) {
      dispose(prepared.temporary);
      throw error;
    }
    return prepared;
  }

  private checkCompiled(op: string): void {
    if (!this.loss || !this.optimizer) throw new Error(`${op}: the model must be compiled first (model.compile({ optimizer, loss }))`);
  }

  /** Refuses what would interleave with a running fit (a second fit, trainOnBatch, compile). */
  private checkIdle(op: string): void {
    if (this.training) throw new Error(`${op}: the model is training (a fit call has not finished); await it first`);
  }

  /** Refuses to train with a learning rate that is wrong now (a schedule's value too), before anything is allocated. */
  private checkTrainable(op: string): void {
    this.checkCompiled(op);
    this.checkIdle(op);
    this.optimizer!.currentLearningRate();
  }

  // ---- running ----

  /** The layers applied in turn; with fromLogits the last one leaves out the activation the loss folds in. */
  private forward(x: Tensor, training: boolean, fromLogits: boolean): Tensor {
    let y = x;
    const last = this.layers.length - 1;
    for (let i = 0; i <= last; i++) y = outputOf(this.layers[i], this.layers[i].call(y, { training, logits: fromLogits && i === last }));
    return y;
  }

  /**
   * One optimisation step on x, target (batch tensors); adds the loss and metric sums into `sums`. Returns null,
   * or what went wrong when the step diverged: a non-finite loss is caught before any weight changes, and an
   * update that makes a weight non-finite is rolled back to the last checkpoint.
   */
  private step(plan: Plan, x: Tensor, target: Tensor, sums: Float64Array): string | null {
    if (this.stepsSinceCheckpoint >= CHECKPOINT_EVERY) this.saveCheckpoint(plan);
    const run = this.runStep(plan, x, target);
    try {
      return this.update(plan, run, target, sums);
    } finally {
      if (!run.program) dispose([run.loss, run.output]);
    }
  }

  /** The rest of a step: regularization, the optimizer's update (or a rollback), the loss and metric sums. */
  private update(plan: Plan, run: Recorded, target: Tensor, sums: Float64Array): string | null {
    const rows = target.shape[0];
    const k = activeBackend().kernels;
    let value = activeBackend().heap.f32[word(run.loss.ptr('fit'))];
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
    addMetrics(plan, run.output, target, sums);
    return null;
  }

  /**
   * The forward pass, the loss and backprop into the gradient sinks, on the tape; for the metrics, the outputs
   * (from the logits when the loss folds the last activation in). With a kernel loss, the first step of each
   * batch size records its kernels into a program and the next ones replay it, while the backend and the
   * addresses of the tensors it reads from outside (the batch, the weights, the sinks) are the same. A loss
   * function may do anything JavaScript can, so it runs on the tape every step.
   */
  private runStep(plan: Plan, x: Tensor, target: Tensor): Recorded {
    if (plan.fn) {
      const { loss, output } = this.tapeStep(plan, x, target);
      return { program: null, loss, output, written: [], updates: updatesOf(plan), inputs: [] };
    }
    const backend = activeBackend();
    const count = x.shape[0];
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
    const outside = [x, target, ...plan.sources, ...[...plan.sinks.values()].map((s) => s.tensor), plan.one!];
    const inputs = outside.map((t) => [t, t.ptr('fit')] as [Tensor, number]);
    const { program, result } = Program.record(backend, () => this.tapeStep(plan, x, target));
    const written = [...plan.sinks.values()].filter((s) => s.written);
    recorded = { program, ...result, written, updates: updatesOf(plan), inputs };
    plan.programs.set(count, recorded);
    return recorded;
  }

  /** One step on the tape; the loss and the outputs outlive it (replays write them again in place). */
  private tapeStep(plan: Plan, x: Tensor, target: Tensor): { loss: Tensor; output: Tensor } {
    startScope();
    const tape = new Tape(plan.sources);
    let results: { loss: Tensor; output: Tensor } | undefined;
    try {
      let out: Tensor | null = null;
      const loss = recordOn(tape, () => lossOf('fit', plan, (out = this.forward(x, true, plan.fromLogits)), target));
      for (const sink of plan.sinks.values()) sink.written = false;
      backprop(tape, loss, plan.one!, plan.sources, GRADIENT_OPS, plan.sinks);
      results = { loss, output: plan.metrics.length > 0 ? activate(out!, plan.folded) : out! };
      return results;
    } finally {
      tape.dispose();
      endScope(results);
    }
  }

  /** Loss and metric sums over data in chunks, without training (and, as TF.js, without regularization). */
  private measure(op: string, data: Data, batchSize: number, plan: Plan): Float64Array {
    const sums = new Float64Array(plan.metrics.length + 1);
    for (let start = 0; start < data.rows; start += batchSize) {
      const rows = Math.min(batchSize, data.rows - start);
      tidy(() => {
        const x = rowsOf(op, data.x, start, rows);
        const target = rowsOf(op, data.target, start, rows);
        const out = this.forward(x, false, plan.fromLogits);
        sums[0] += rows * lossOf(op, plan, out, target).dataSync()[0];
        if (plan.metrics.length > 0) addMetrics(plan, activate(out, plan.folded), target, sums);
      });
    }
    return sums;
  }

  private logsFrom(plan: Plan, sums: Float64Array, rows: number, prefix = ''): Logs {
    const logs: Logs = { [`${prefix}loss`]: sums[0] / rows };
    plan.metrics.forEach((m, i) => (logs[prefix + m.key] = sums[i + 1] / rows));
    return logs;
  }

  /**
   * Outputs for x, computed in chunks of batchSize rows (default 1024; the result does not depend on it).
   * @example const probabilities = model.predict(tf.tensor2d(images, [n, 784]));
   */
  predict(x: Tensor, args?: { batchSize?: number; verbose?: boolean }): Tensor {
    return during('predict', () => this.predictRows(x, args));
  }

  private predictRows(x: Tensor, args?: { batchSize?: number; verbose?: boolean }): Tensor {
    this.checkLive('predict');
    const { batchSize = 1024 } = checkOptions('predict', 'args', args, PREDICT_OPTIONS);
    if (this.layers.length === 0) throw new Error('predict: the model has no layers');
    const data = this.prepareInput('predict', x);
    try {
      this.allocate('predict', [null, ...x.shape.slice(1)]);
      // Inside a gradient (tf.variableGrads(() => model.predict(x)...)) the outputs are the tape's, in one piece.
      if (recording()) return this.forward(data.x, false, false);
      return this.predictInChunks(data, batchSize);
    } finally {
      dispose(data.temporary);
    }
  }

  /**
   * The model applied to a tensor, as a function of its weights (TF.js's model.apply on concrete tensors):
   * differentiable, in one piece; `training` runs dropout and noise layers as in fit.
   */
  apply(x: Tensor, kwargs: { training?: boolean } = {}): Tensor {
    return during('apply', () => {
      this.checkLive('apply');
      checkOptions('apply', 'kwargs', kwargs, { training: is.bool });
      if (this.layers.length === 0) throw new Error('apply: the model has no layers');
      const data = this.prepareInput('apply', x);
      try {
        this.allocate('apply', [null, ...x.shape.slice(1)]);
        return this.forward(data.x, kwargs.training ?? false, false);
      } finally {
        dispose(data.temporary);
      }
    });
  }

  /** Outputs for the data, in chunks of batchSize rows copied into one tensor. */
  private predictInChunks(data: Data, batchSize: number): Tensor {
    const shape = [data.rows, ...(this.outputShape!.slice(1) as number[])];
    const out = empty('predict', shape, 'float32');
    const width = out.size / data.rows;
    try {
      for (let start = 0; start < data.rows; start += batchSize) {
        const rows = Math.min(batchSize, data.rows - start);
        tidy(() => {
          const y = this.forward(rowsOf('predict', data.x, start, rows), false, false);
          const [from, to] = [word(y.ptr('predict')), word(out.ptr('predict')) + start * width];
          activeBackend().heap.f32.copyWithin(to, from, from + rows * width);
        });
      }
    } catch (error) {
      out.dispose();
      throw error;
    }
    return out;
  }

  /**
   * Loss (and metrics) on x, y: a scalar tensor, or [loss, ...metrics] when metrics were compiled. A number for
   * args is the batch size, as Keras's evaluate(x, y, batch_size) takes it (the result does not depend on it).
   */
  evaluate(x: Tensor, y: Tensor, args?: { batchSize?: number; verbose?: 0 | 1 } | number): Tensor | Tensor[] {
    return during('evaluate', () => this.evaluateRows(x, y, typeof args === 'number' ? { batchSize: args } : args));
  }

  private evaluateRows(x: Tensor, y: Tensor, args?: { batchSize?: number; verbose?: 0 | 1 }): Tensor | Tensor[] {
    this.checkLive('evaluate');
    const { batchSize = 32 } = checkOptions('evaluate', 'args', args, EVALUATE_OPTIONS);
    this.checkCompiled('evaluate');
    const data = this.prepare('evaluate', x, y);
    try {
      this.allocate('evaluate', [null, ...x.shape.slice(1)]);
      const sums = this.measure('evaluate', data, batchSize, this.plan('evaluate', false));
      const values = Array.from(sums, (s) => s / data.rows);
      return tidy(() => {
        const scalars = values.map((v) => fromValues('evaluate', 'result', v, [], 'float32'));
        return scalars.length === 1 ? scalars[0] : scalars;
      });
    } finally {
      for (const t of data.temporary) t.dispose();
    }
  }

  /** One optimisation step on the whole of x, y; resolves to the loss, or [loss, ...metrics]. */
  async trainOnBatch(x: Tensor, y: Tensor): Promise<number | number[]> {
    return during('trainOnBatch', () => this.trainOnRows(x, y));
  }

  private trainOnRows(x: Tensor, y: Tensor): number | number[] {
    this.checkLive('trainOnBatch');
    this.checkTrainable('trainOnBatch');
    const data = this.prepare('trainOnBatch', x, y);
    let plan: Plan | null = null;
    try {
      this.allocate('trainOnBatch', [null, ...x.shape.slice(1)]);
      plan = this.plan('trainOnBatch', true);
      const sums = new Float64Array(plan.metrics.length + 1);
      const diverged = this.step(plan, data.x, data.target, sums);
      if (diverged) throw new Error(`trainOnBatch: ${diverged}. Lower the learning rate, set clipNorm, or check the data`);
      const values = Array.from(sums, (s) => s / data.rows);
      return values.length === 1 ? values[0] : values;
    } finally {
      if (plan) endPlan(plan);
      for (const t of data.temporary) t.dispose();
    }
  }

  /**
   * Trains for a number of epochs; resolves to the History of per-epoch logs.
   * @example const history = await model.fit(xs, ys, { epochs: 10, batchSize: 64, validationSplit: 0.1 });
   */
  async fit(x: Tensor, y: Tensor, args?: ModelFitArgs): Promise<History> {
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
      if (options.classWeight) temporary.push((all.weights = this.classWeightsOf('fit', options.classWeight, all.target)));
      let train = all;
      let validation: Data | null = null;
      if (validationData) {
        validation = this.prepare('fit (validationData)', validationData[0], validationData[1], this.batchInputShape ?? [null, ...x.shape.slice(1)]);
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
        const [xTrain, xVal, tTrain, tVal] = [part(all.x, 0, split), part(all.x, split, all.rows - split), part(all.target, 0, split), part(all.target, split, all.rows - split)];
        train = { rows: split, x: xTrain, target: tTrain, temporary: [], weights: all.weights && part(all.weights, 0, split) };
        validation = { rows: all.rows - split, x: xVal, target: tVal, temporary: [] };
      }
      this.allocate('fit', [null, ...x.shape.slice(1)]);
      const validationBatchSize = options.validationBatchSize ?? Math.max(batchSize, 256);
      return await this.trainEpochs(train, validation, { epochs, batchSize, validationBatchSize, shuffle, initialEpoch, hooks, verbose, yieldEvery });
    } finally {
      this.training = false;
      for (const t of temporary) t.dispose();
      leaveCall();
    }
  }

  private async trainEpochs(
    train: Data,
    validation: Data | null,
    opts: { epochs: number; batchSize: number; validationBatchSize: number; shuffle: boolean; initialEpoch: number; hooks: CustomCallbackArgs[]; verbose: number; yieldEvery: NonNullable<ModelFitArgs['yieldEvery']> },
  ): Promise<History> {
    const keys = ['loss', ...this.metricValues.map((m) => getMetric('fit', m, this.loss!, this.outputWidth!).key)];
    const history = new History({ epochs: opts.epochs, samples: train.rows, batchSize: opts.batchSize, metrics: validation ? [...keys, ...keys.map((k) => `val_${k}`)] : keys });
    const call = hookCaller(this, opts.hooks);
    const batchHooks = opts.hooks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
    const bar = progressBar(opts.verbose, opts.epochs, train.rows);
    const yieldMs = yieldInterval(opts.yieldEvery);

    const rows = train.rows;
    const batch = Math.min(opts.batchSize, rows);
    const order = new Int32Array(rows);
    const randoms = opts.shuffle ? new Block(rows * 4, this, 'fit', 'the shuffling order') : null;
    let plan: Plan | null = null;
    /** The batch tensors, [inputs, targets] per batch size, reused every epoch. */
    const batches = new Map<number, Tensor[]>();
    this.stopTraining = false;
    try {
      plan = this.plan('fit', true, train.weights !== undefined);
      const sums = new Float64Array(plan.metrics.length + 1);
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
          // The batch tensors, one pair per batch size, reused every epoch.
          const [xb, tb, wb] = batchOf(batches, count, train);
          gatherRows(train.x, xb, order, start);
          gatherRows(train.target, tb, order, start);
          if (wb) gatherRows(train.weights!, (plan.weights = wb), order, start);
          const before = batchHooks ? sums.slice() : null;
          const diverged = this.step(plan, xb, tb, sums);
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
    } finally {
      randoms?.free();
      for (const pair of batches.values()) for (const t of pair) t.dispose();
      if (plan) endPlan(plan);
    }
    return history;
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
    const keys = ['loss', ...this.metricValues.map((m) => getMetric(op, m, this.loss!, this.outputWidth ?? 2).key)];
    const history = new History({ epochs, samples: NaN, batchSize: NaN, metrics: validationData ? [...keys, ...keys.map((k) => `val_${k}`)] : keys });
    const call = hookCaller(this, hooks);
    const batchHooks = hooks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
    const bar = progressBar(verbose, epochs, NaN);
    const yieldMs = yieldInterval(yieldEvery);

    enterCall(op);
    this.training = true;
    this.stopTraining = false;
    let plan: Plan | null = null;
    const batches = new Map<number, Tensor[]>();
    try {
      let iterator: DataIterator | null = null;
      let lastYield = performance.now();
      let element = 0;
      await call('onTrainBegin', {});
      for (let epoch = initialEpoch; epoch < epochs && !this.stopTraining; epoch++) {
        await call('onEpochBegin', epoch, {});
        bar?.epochBegin(epoch);
        if (!iterator || batchesPerEpoch === undefined) iterator = await dataset.iterator();
        let sums = new Float64Array(keys.length);
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
            this.allocate(op, [null, ...data.x.shape.slice(1)]);
            plan ??= this.plan(op, true, options.classWeight !== undefined);
            if (options.classWeight) data.temporary.push((plan.weights = this.classWeightsOf(op, options.classWeight, data.target)));
            if (sums.length !== plan.metrics.length + 1) sums = new Float64Array(plan.metrics.length + 1);
            if (batchHooks) await call('onBatchBegin', b, { batch: b, size: data.rows });
            this.checkLive(op);
            // Copied into the batch buffers of its size, so that the recorded step replays on them.
            const [xb, tb] = batchOf(batches, data.rows, data);
            copyInto(data.x, xb);
            copyInto(data.target, tb);
            before = batchHooks ? sums.slice() : null;
            const diverged = this.step(plan, xb, tb, sums);
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
    } finally {
      this.training = false;
      for (const pair of batches.values()) dispose(pair);
      if (plan) endPlan(plan);
      leaveCall();
    }
    return history;
  }

  /**
   * Loss (and metrics) over a dataset of { xs, ys } batches (or its first `batches`): a scalar tensor, or
   * [loss, ...metrics] when metrics were compiled.
   */
  async evaluateDataset(dataset: Dataset<TensorContainer>, args?: { batches?: number; verbose?: 0 | 1 }): Promise<Tensor | Tensor[]> {
    const op = 'evaluateDataset';
    this.checkLive(op);
    checkDataset(op, 'dataset', dataset);
    const { batches } = checkOptions(op, 'args', args, EVALUATE_DATASET_OPTIONS);
    this.checkCompiled(op);
    const [sums, rows] = await this.measureDataset(op, dataset, batches);
    const values = Array.from(sums, (v) => v / rows);
    return tidy(() => {
      const scalars = values.map((v) => fromValues(op, 'result', v, [], 'float32'));
      return scalars.length === 1 ? scalars[0] : scalars;
    });
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
        this.allocate(op, [null, ...data.x.shape.slice(1)]);
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
  private classWeightsOf(op: string, classWeight: Record<number, number>, target: Tensor): Tensor {
    const rows = target.shape[0];
    const per = target.size / rows;
    if (this.outputShape!.length > 2) throw new Error(`${op}: classWeight needs outputs of shape [samples, classes], got ${shapeText(this.outputShape!)}`);
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

  /** One element of a dataset as a batch: { xs, ys } tensors, checked against the model as fit checks x and y. */
  private batchFrom(op: string, value: unknown, index: number): Data {
    const element = value as { xs?: unknown; ys?: unknown } | null;
    if (element === null || typeof element !== 'object' || !(element.xs instanceof Tensor) || !(element.ys instanceof Tensor)) {
      dispose(tensorsOf(value));
      throw new Error(`${op}: element ${index} of the dataset must be { xs, ys }, a tensor each (batch the dataset with .batch(n)), got ${describe(value)}`);
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

  /** Frees the weights and their optimizer state; its layers may then join another model. */
  dispose(): void {
    if (this.disposed) return;
    this.optimizer?.forget(this.weights);
    for (const layer of this.layers) {
      layer.dispose();
      layer.owner = null;
    }
    this.checkpoint = null;
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private checkLive(op: string): void {
    if (this.disposed) throw new Error(`${op}: the model is disposed`);
  }
}

/** The output shape of a stack of layers, when the first knows its input shape; null when it does not. */
function shapeAfter(layers: Layer[]): Shape | null {
  const input = layers[0]?.batchInputShape ?? layers[0]?.builtInputShape;
  return input ? shapeFrom(layers, input) : null;
}

/** The output shape of a stack of layers for an input shape. */
function shapeFrom(layers: Layer[], input: Shape): Shape {
  let shape = input.slice();
  for (const layer of layers) shape = layer.computeOutputShape(shape);
  return shape;
}





















/** One batch's loss and metric sums: the epoch's sums after it, less those before (onBatchEnd reports the batch's own, as TF.js). */
function batchSums(after: Float64Array, before: Float64Array): Float64Array {
  return after.map((v, i) => v - before[i]);
}

// Model files name their model class: the io layer finds this one here, without importing models.
registerClass(Sequential as unknown as SerializableClass);

/** `tf.sequential({ layers })`. */
export function sequential(args?: { layers?: Layer[]; name?: string }): Sequential {
  return new Sequential(args);
}
