// Sequential: a stack of layers, trained through the gradient tape. A training step records the forward pass
// (each dense layer one fused node, the loss one node), backprops into gradient sinks laid out once per call
// (the fused nodes write their weight gradients straight into them), and applies the optimizer to each
// variable in place: the same mechanism as tf.grad and optimizer.minimize, with nothing allocated that the
// heap's cache does not hand back at the next step.

import { word } from '../backend/heap.js';
import type { Loss } from '../backend/kernels.js';
import { Block, during, enterCall, leaveCall } from '../block.js';
import { Program } from '../backend/program.js';
import { activeBackend } from '../engine.js';
import { GRADIENT_OPS } from '../autodiff/gradients.js';
import { backprop, recordOn, type Sink, Tape } from '../autodiff/tape.js';
import { getActivation } from '../activations.js';
import { checkWeights, Layer } from '../layers/layer.js';
import { getLoss, getMetric, type LossSpec, type Metric } from '../losses.js';
import { activate, type FusedActivation, meanLoss } from '../ops/fused.js';
import type { LossOrMetricFn } from '../ops/metrics.js';
import { mean } from '../ops/reduce.js';
import { empty } from '../ops/op.js';
import { fromValues } from '../ops/values.js';
import { getOptimizer, type Optimizer } from '../optimizers.js';
import type { Regularizer } from '../regularizers.js';
import { dispose, endScope, sizeOf, startScope, Tensor, tidy, type Variable } from '../tensor/tensor.js';
import { checkBool, checkInt, checkObject, checkOptions, checkTensor, describe, is, type Rule, type Schema } from '../validate.js';
import { type CustomCallbackArgs, History, type Logs, ProgressBar, type TrainingModel } from './callbacks.js';
import { type IOHandler, type SaveResult, saveModel } from '../io/index.js';


export interface ModelCompileArgs {
  optimizer: Optimizer | string;
  /** A name (e.g. 'meanSquaredError', 'hinge') or a function (yTrue, yPred) => Tensor such as tf.losses.meanSquaredError. */
  loss: string | LossOrMetricFn;
  /** Names ('accuracy', 'mse', 'precision', ...) or functions (yTrue, yPred) => Tensor such as tf.metrics.recall. */
  metrics?: string | LossOrMetricFn | Array<string | LossOrMetricFn>;
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
}

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
  classWeight: is.unsupported('scale the loss per class yourself, or resample the data'),
  sampleWeight: is.unsupported(),
  stepsPerEpoch: is.unsupported(),
  validationSteps: is.unsupported(),
};
const EVALUATE_OPTIONS: Schema = { batchSize: is.int(1), verbose: is.oneOf(0, 1), sampleWeight: is.unsupported(), steps: is.unsupported() };
const PREDICT_OPTIONS: Schema = { batchSize: is.int(1), verbose: is.bool };
/** TF.js's SaveConfig: both flags are accepted off (their default); on, they are not supported yet. */
const offOnly: Rule = (op, name, value) => {
  checkBool(op, name, value);
  if (value) throw new Error(`${op}: ${name} true is not supported yet (neurite saves the topology and all weights)`);
};
const SAVE_OPTIONS: Schema = { trainableOnly: offOnly, includeOptimizer: offOnly };
/** The hooks a callbacks object may have (TF.js's CustomCallbackArgs). */
const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onYield'] as const;

/**
 * Steps between checkpoints of the weights and optimizer state. A step whose update leaves a weight NaN or
 * Infinity is rolled back to the last checkpoint: at most this many steps are lost, for one copy per this
 * many steps (well under 1% of a step's time).
 */
const CHECKPOINT_EVERY = 16;


/** Training data checked and laid out for the loss: x rows as given, targets as the loss reads them. */
interface Data {
  rows: number;
  x: Tensor;
  /** float32 [rows, width] or int32 [rows] (sparse labels). */
  target: Tensor;
  /** Tensors made by the conversion, to dispose afterwards. */
  temporary: Tensor[];
}

/** What every step of a call computes the same way, worked out once per fit, trainOnBatch or evaluate. */
interface Plan {
  /** The loss: a kernel, or a function made of ops; and whether it takes the last layer's logits (fused). */
  code: Loss | null;
  fn: LossOrMetricFn | null;
  fromLogits: boolean;
  /** The activation the fused loss folds in, applied to the logits for the metrics. */
  folded: FusedActivation;
  /** The compiled metrics, resolved for the model's output width. */
  metrics: Metric[];
  /** The model's output width. */
  width: number;
  /** The trainable weights, each with the sink its gradient is accumulated in (training calls only). */
  sources: Variable[];
  sinks: Map<number, Sink>;
  /** Weights with a regularizer. */
  regularized: Array<{ variable: Variable; regularizer: Regularizer }>;
  /** The seed of backprop: the loss's gradient, 1. */
  one: Tensor | null;
  /** The recorded training step, per batch size (see runStep). */
  programs: Map<number, Recorded>;
}

/**
 * A training step's results: the loss, and the outputs the metrics read. When recorded as a program (kernel
 * losses), replaying it writes both again in place; otherwise (a loss function) they are the caller's to free.
 */
interface Recorded {
  program: Program | null;
  loss: Tensor;
  output: Tensor;
  /** The sinks the step writes. */
  written: Sink[];
  /** The weights the optimizer updates after it (those with a gradient), each with its gradient's address. */
  updates: Array<readonly [Variable, number]>;
  /** The tensors the step reads from outside, with the addresses it recorded. */
  inputs: Array<[Tensor, number]>;
}

/** Weights and optimizer state as of a few steps ago, for rolling back a step that diverged. */
interface Checkpoint {
  iterations: number;
  weights: Float32Array[];
  state: Float32Array[];
}

const inBrowser = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== 'string';

/** Lets other tasks run: a macrotask in browsers (so the page can paint), setImmediate in Node. */
const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => (inBrowser ? setTimeout(resolve, 0) : (globalThis as unknown as { setImmediate(f: () => void): void }).setImmediate(resolve)));

let modelCount = 0;

export class Sequential implements TrainingModel {
  readonly className = 'Sequential';
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
    for (const layer of layers) this.add(layer);
  }

  // ---- structure ----

  /** Appends a layer. The first layer must know its input shape (inputShape) before the model is built. */
  add(layer: Layer): void {
    this.checkLive('add');
    this.checkAddable('layer', layer, this.layers);
    if (this.layers.some((l) => l.built)) throw new Error('add: the model is already built; add layers before fit, predict or build');
    // As in TF.js, a layer added to a model of known output width knows its input shape from then on.
    layer.inputDim = widthAfter(this.layers) ?? layer.inputDim;
    this.layers.push(layer);
    layer.owner = this;
  }

  private checkAddable(name: string, layer: unknown, others: unknown[]): asserts layer is Layer {
    const op = name === 'layer' ? 'add' : 'sequential';
    if (layer instanceof Sequential) throw new Error(`${op}: ${name} is a model; a Sequential model takes layers (models inside models are not supported yet)`);
    if (!(layer instanceof Layer)) throw new Error(`${op}: ${name} must be a layer from tf.layers, got ${describe(layer)}`);
    if (others.includes(layer)) throw new Error(`${op}: layer ${layer.name} is already in the model`);
    if (layer.owner) throw new Error(`${op}: layer ${layer.name} already belongs to another model (a layer can be in one model; make a new one)`);
    const width = widthAfter(others as Layer[]);
    if (width !== null && layer.inputDim !== null && layer.inputDim !== width) {
      throw new Error(`${op}: layer ${layer.name} expects ${layer.inputDim} input features, but the model's output has ${width}`);
    }
  }

  /** Widths after each layer for an input width. */
  private outputWidths(inputDim: number): number[] {
    const dims = [inputDim];
    for (const layer of this.layers) dims.push(layer.outputDim(dims[dims.length - 1]));
    return dims;
  }

  /** The input width, from the first layer's inputShape or the data the model was built with. */
  get inputDim(): number | null {
    return this.layers[0]?.inputDim ?? null;
  }

  get outputDim(): number | null {
    const inputDim = this.inputDim;
    return inputDim === null ? null : this.outputWidths(inputDim).at(-1)!;
  }

  /** Every layer's weights, in order. */
  get weights(): Variable[] {
    return this.layers.flatMap((layer) => layer.weights);
  }

  /** Makes and initialises the weights (fit, predict and evaluate do this on first use). */
  build(inputShape?: [number | null, number] | number[]): void {
    this.allocate('build', inputShape, true);
  }

  /** @internal Builds with zeroed weights, for a loader that sets them next (draws nothing from the PRNG). */
  buildUninitialized(inputShape: [number | null, number]): void {
    this.allocate('loadLayersModel', inputShape, false);
  }

  private allocate(op: string, inputShape: [number | null, number] | number[] | undefined, initialize: boolean): void {
    this.checkLive(op);
    if (this.layers.length === 0) throw new Error(`${op}: the model has no layers (add some with model.add)`);
    if (this.layers.every((l) => l.built)) return;
    if (inputShape !== undefined && !Array.isArray(inputShape)) throw new Error(`${op}: inputShape must be [batch, features], got ${describe(inputShape)}`);
    const inputDim = inputShape ? inputShape[inputShape.length - 1] : this.inputDim;
    if (inputDim === null || inputDim === undefined) {
      throw new Error(`${op}: the input width is unknown; give the first layer an inputShape, e.g. tf.layers.dense({ units, inputShape: [784] })`);
    }
    checkInt(op, 'input width', inputDim, 1);
    if (this.inputDim !== null && this.inputDim !== inputDim) throw new Error(`${op}: the first layer expects input width ${this.inputDim}, got ${inputDim}`);
    const dims = this.outputWidths(inputDim);
    try {
      this.layers.forEach((layer, i) => layer.build(dims[i], initialize, op));
    } catch (error) {
      for (const layer of this.layers) layer.dispose(); // all or nothing
      throw error;
    }
  }

  /** Number of weights. */
  countParams(): number {
    return this.paramCounts('countParams').total;
  }

  /** Weights in all layers and in trainable ones, from the layers' specs (the model need not be built). */
  private paramCounts(op: string): { total: number; trainable: number } {
    const inputDim = this.inputDim;
    if (inputDim === null) throw new Error(`${op}: the input width is unknown until the first layer has an inputShape or the model is built`);
    const dims = this.outputWidths(inputDim);
    let total = 0;
    let trainable = 0;
    this.layers.forEach((layer, i) => {
      const count = layer.paramSpecs(dims[i]).reduce((sum, spec) => sum + sizeOf(spec.shape), 0);
      total += count;
      if (layer.trainable) trainable += count;
    });
    return { total, trainable };
  }

  /**
   * Prints a Keras-style table of layers, output shapes and parameter counts, as TF.js does: `positions` are
   * where the three columns end, as fractions of lineLength (TF.js's default [0.45, 0.85, 1]) or in characters.
   */
  summary(lineLength = 65, positions: number[] = [0.45, 0.85, 1], printFn: (line: string) => void = console.log): void {
    this.checkLive('summary');
    checkInt('summary', 'lineLength', lineLength, 20, 1000);
    const ends = Array.isArray(positions) && positions.length === 3 && positions.every((p) => typeof p === 'number') ? positions : null;
    if (!ends || !ends.every((p, i) => p > (ends[i - 1] ?? 0))) throw new Error(`summary: positions must be three increasing numbers, got ${describe(positions)}`);
    const columns = ends[2] <= 1 ? ends.map((p) => Math.floor(p * lineLength)) : ends;
    if (columns[2] > 1000) throw new Error(`summary: positions must end within 1000 characters, got ${describe(positions)}`);
    if (typeof printFn !== 'function') throw new Error(`summary: printFn must be a function, got ${describe(printFn)}`);
    const inputDim = this.inputDim;
    if (inputDim === null) throw new Error('summary: the input width is unknown; give the first layer an inputShape');
    const dims = this.outputWidths(inputDim);
    const row = (fields: string[]) => {
      let line = '';
      fields.forEach((field, i) => {
        if (i > 0) line = line.slice(0, -1) + ' ';
        line = (line + field).slice(0, columns[i]);
        line += ' '.repeat(columns[i] - line.length);
      });
      printFn(line);
    };
    printFn('_'.repeat(lineLength));
    row(['Layer (type)', 'Output shape', 'Param #']);
    printFn('='.repeat(lineLength));
    this.layers.forEach((layer, i) => {
      const count = layer.paramSpecs(dims[i]).reduce((s, spec) => s + sizeOf(spec.shape), 0);
      row([`${layer.name} (${layer.className})`, `[null,${dims[i + 1]}]`, String(count)]);
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
    if (this.inputDim !== null) this.build();
    return this.layers.filter((layer) => !trainableOnly || layer.trainable).flatMap((layer) => layer.getWeights());
  }

  /** Replaces every weight (the order of getWeights); checked in full before anything is written. */
  setWeights(weights: Tensor[]): void {
    this.checkLive('setWeights');
    this.allocate('setWeights', undefined, true);
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
    for (const m of names) getMetric('compile', m, loss, this.outputDim ?? 2);
    if (loss.sparse && this.layers.length > 0 && this.outputDim === 1) throw new Error('compile: sparseCategoricalCrossentropy needs an output of at least 2 classes');
    this.optimizer = optimizer;
    this.loss = loss;
    this.metricValues = names;
    this.stepsSinceCheckpoint = Infinity; // its optimizer state may be another's
  }

  /**
   * What every step of a call computes the same way. The loss is fused (taken from the logits) when the network
   * ends in the activation it folds in. Training calls also get gradient sinks, freed by endPlan.
   */
  private plan(op: string, training: boolean): Plan {
    const loss = this.loss!;
    const width = this.outputDim!;
    if (loss.sparse && width === 1) throw new Error(`${op}: sparseCategoricalCrossentropy needs an output of at least 2 classes`);
    const last = this.layers[this.layers.length - 1].finalActivation();
    const fromLogits = loss.fusedWith !== null && last === loss.fusedWith;
    const sources = training ? this.layers.filter((l) => l.trainable).flatMap((l) => l.weights) : [];
    const plan: Plan = {
      code: loss.fn ? null : fromLogits ? loss.fusedCode : loss.code,
      fn: loss.fn,
      fromLogits,
      folded: fromLogits ? getActivation(op, last) : getActivation(op, 'linear'),
      metrics: this.metricValues.map((m) => getMetric(op, m, loss, width)),
      width,
      sources,
      sinks: new Map(),
      regularized: [],
      one: null,
      programs: new Map(),
    };
    if (!training) return plan;
    try {
      for (const layer of this.layers) {
        if (!layer.trainable) continue;
        layer.paramSpecs(layer.inputDim!).forEach((spec, i) => {
          if (spec.regularizer) plan.regularized.push({ variable: layer.weights[i], regularizer: spec.regularizer });
        });
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

  /** Checks x against the model (or, before it is built, against `features`). */
  private prepareInput(op: string, x: unknown, features = this.inputDim): Data {
    checkTensor(op, 'x', x, 'float32');
    if (x.rank !== 2) throw new Error(`${op}: x must have shape [samples, features], got [${x.shape.join(', ')}]`);
    const [rows, width] = x.shape;
    if (rows === 0) throw new Error(`${op}: x has no samples`);
    if (features !== null && width !== features) throw new Error(`${op}: x must have ${features} features per sample, got shape [${x.shape.join(', ')}]`);
    checkFinite(op, 'x', x);
    return { rows, x, target: x, temporary: [] };
  }

  /** Checks x and y against the model and the loss; converts y to what the loss kernel reads. */
  private prepare(op: string, x: unknown, y: unknown, features = this.inputDim): Data {
    const data = this.prepareInput(op, x, features);
    const rows = data.rows;
    checkTensor(op, 'y', y);
    const outputs = this.outputWidths(data.x.shape[1]).at(-1)!;
    if (y.shape[0] !== rows) throw new Error(`${op}: x and y must have the same number of samples, got ${rows} and ${y.shape[0]}`);
    if (this.loss!.sparse) {
      if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1))) throw new Error(`${op}: y must hold one class index per sample ([samples] or [samples, 1]), got [${y.shape.join(', ')}]`);
      const labels = y.dataSync();
      for (let i = 0; i < labels.length; i++) {
        const v = labels[i];
        if (!Number.isInteger(v) || v < 0 || v >= outputs) throw new Error(`${op}: y[${i}] must be a class index in [0, ${outputs - 1}], got ${v}`);
      }
      if (y.dtype === 'int32' && y.rank === 1) return { ...data, target: y };
      const target = empty(op, [rows], 'int32');
      activeBackend().heap.i32.set(labels, word(target.ptr()));
      return { ...data, target, temporary: [target] };
    }
    const shapeOk = (y.rank === 2 && y.shape[1] === outputs) || (y.rank === 1 && outputs === 1);
    if (!shapeOk) throw new Error(`${op}: y must have shape [${rows}, ${outputs}] to match the model's output, got [${y.shape.join(', ')}]`);
    if (y.dtype === 'float32' && y.rank === 2) {
      checkFinite(op, 'y', y);
      return { ...data, target: y };
    }
    const values = y.dataSync();
    const target = empty(op, [rows, outputs], 'float32');
    activeBackend().heap.f32.set(values, word(target.ptr()));
    checkFinite(op, 'y', target);
    return { ...data, target, temporary: [target] };
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
    for (let i = 0; i <= last; i++) y = this.layers[i].call(y, training, fromLogits && i === last);
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
    this.stepsSinceCheckpoint++;
    sums[0] += value * rows;
    for (let m = 0; m < plan.metrics.length; m++) sums[m + 1] += plan.metrics[m].compute(run.output, target) * rows;
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

  /** Adds each metric's sum over the rows of y against target into sums[1..]. */
  private addMetrics(plan: Plan, y: Tensor, target: Tensor, sums: Float64Array): void {
    const rows = y.shape[0];
    for (let m = 0; m < plan.metrics.length; m++) sums[m + 1] += plan.metrics[m].compute(y, target) * rows;
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
        if (plan.metrics.length > 0) this.addMetrics(plan, activate(out, plan.folded), target, sums);
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
    this.allocate('predict', [null, x.shape[1]], true);
    const width = this.outputDim!;
    const out = empty('predict', [data.rows, width], 'float32');
    try {
      for (let start = 0; start < data.rows; start += batchSize) {
        const rows = Math.min(batchSize, data.rows - start);
        tidy(() => {
          const y = this.forward(rowsOf('predict', x, start, rows), false, false);
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

  /** Loss (and metrics) on x, y: a scalar tensor, or [loss, ...metrics] when metrics were compiled. */
  evaluate(x: Tensor, y: Tensor, args?: { batchSize?: number; verbose?: 0 | 1 }): Tensor | Tensor[] {
    return during('evaluate', () => this.evaluateRows(x, y, args));
  }

  private evaluateRows(x: Tensor, y: Tensor, args?: { batchSize?: number; verbose?: 0 | 1 }): Tensor | Tensor[] {
    this.checkLive('evaluate');
    const { batchSize = 32 } = checkOptions('evaluate', 'args', args, EVALUATE_OPTIONS);
    this.checkCompiled('evaluate');
    const data = this.prepare('evaluate', x, y);
    try {
      this.allocate('evaluate', [null, x.shape[1]], true);
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
      this.allocate('trainOnBatch', [null, x.shape[1]], true);
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
    const verbose = options.verbose ?? (!inBrowser && (globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process?.stdout?.isTTY ? 1 : 0);
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
      let train = all;
      let validation: Data | null = null;
      if (validationData) {
        validation = this.prepare('fit (validationData)', validationData[0], validationData[1], x.shape[1]);
        temporary.push(...validation.temporary);
      } else if (validationSplit > 0) {
        // As TF.js: the last fraction of the samples, before any shuffling.
        const split = Math.floor(all.rows * (1 - validationSplit));
        if (split === 0) throw new Error(`fit: validationSplit ${validationSplit} leaves no training samples out of ${all.rows}`);
        const [xTrain, xVal, tTrain, tVal] = [
          [all.x, 0, split],
          [all.x, split, all.rows - split],
          [all.target, 0, split],
          [all.target, split, all.rows - split],
        ].map(([t, from, count]) => {
          const part = rowsOf('fit', t as Tensor, from as number, count as number);
          temporary.push(part); // each as it is made: a failure further on frees it
          return part;
        });
        train = { rows: split, x: xTrain, target: tTrain, temporary: [] };
        validation = { rows: all.rows - split, x: xVal, target: tVal, temporary: [] };
      }
      this.allocate('fit', [null, x.shape[1]], true);
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
    const keys = ['loss', ...this.metricValues.map((m) => getMetric('fit', m, this.loss!, this.outputDim!).key)];
    const history = new History({ epochs: opts.epochs, samples: train.rows, batchSize: opts.batchSize, metrics: validation ? [...keys, ...keys.map((k) => `val_${k}`)] : keys });
    for (const cb of opts.hooks) (cb as { setModel?: (m: TrainingModel) => void }).setModel?.(this);
    const call = async (name: (typeof HOOKS)[number], ...a: unknown[]) => {
      for (const cb of opts.hooks) {
        const r = (cb[name] as ((...args: unknown[]) => unknown) | undefined)?.apply(cb, a);
        if (r instanceof Promise) await r;
      }
    };
    const batchHooks = opts.hooks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
    const out = (globalThis as { process?: { stdout?: { write(s: string): void; isTTY?: boolean } } }).process?.stdout;
    const bar = opts.verbose && out ? new ProgressBar(opts.epochs, train.rows, (s) => out.write(s), opts.verbose === 1 && !!out.isTTY) : null;
    const yieldMs = opts.yieldEvery === 'auto' ? (inBrowser ? 16 : 125) : typeof opts.yieldEvery === 'number' ? opts.yieldEvery : opts.yieldEvery === 'batch' ? 0 : Infinity;

    const rows = train.rows;
    const batch = Math.min(opts.batchSize, rows);
    const order = new Int32Array(rows);
    const randoms = opts.shuffle ? new Block(rows * 4, this, 'fit', 'the shuffling order') : null;
    let plan: Plan | null = null;
    /** The batch tensors, [inputs, targets] per batch size, reused every epoch. */
    const batches = new Map<number, Tensor[]>();
    this.stopTraining = false;
    try {
      plan = this.plan('fit', true);
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
          const [xb, tb] = batchOf(batches, count, train);
          gatherRows(train.x, xb, order, start);
          gatherRows(train.target, tb, order, start);
          const diverged = this.step(plan, xb, tb, sums);
          if (diverged) throw new Error(`fit: at epoch ${epoch + 1}, batch ${b}, ${diverged}. Lower the learning rate, set clipNorm, or check the data`);
          seen += count;
          if (batchHooks) await call('onBatchEnd', b, { batch: b, size: count, ...this.logsFrom(plan, sums, seen) });
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

/** The output width of a stack of layers, when the first knows its input width; null when it does not. */
function widthAfter(layers: Layer[]): number | null {
  let width = layers[0]?.inputDim ?? null;
  for (const layer of layers) if (width !== null) width = layer.outputDim(width);
  return width;
}

/** A tensor only its maker disposes (a gradient sink, a batch buffer), with a name for an out-of-memory Error. */
function manual(op: string, shape: number[], what: string, dtype: Tensor['dtype'] = 'float32'): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(shape, dtype, new Block(size * 4, null, op, what), 'manual');
}

/** Whether a tensor a program reads has moved since it recorded its address. */
function moved(inputs: Array<[Tensor, number]>): boolean {
  for (let i = 0; i < inputs.length; i++) if (inputs[i][0].ptr('fit') !== inputs[i][1]) return true;
  return false;
}

/** The batch tensors for `count` rows, [inputs, targets], made on first use and reused every epoch. */
function batchOf(batches: Map<number, Tensor[]>, count: number, train: Data): Tensor[] {
  let pair = batches.get(count);
  if (!pair) batches.set(count, (pair = []));
  // Each kept as it is made: a failure on the second leaves the first to be freed with the rest.
  if (pair.length === 0) pair.push(manual('fit', [count, train.x.shape[1]], 'a batch of inputs'));
  if (pair.length === 1) pair.push(manual('fit', [count, ...train.target.shape.slice(1)], 'a batch of targets', train.target.dtype));
  return pair;
}

/** The weights the optimizer updates after a step: those with a gradient, each with its gradient's address. */
function updatesOf(plan: Plan): Array<readonly [Variable, number]> {
  const regularized = new Set(plan.regularized.map((r) => r.variable));
  return plan.sources.filter((v) => plan.sinks.get(v.id)!.written || regularized.has(v)).map((v) => [v, plan.sinks.get(v.id)!.tensor.ptr('fit')] as const);
}

/** The mean loss of a batch: the kernel's, or the mean of the loss function's values. */
function lossOf(op: string, plan: Plan, output: Tensor, target: Tensor): Tensor {
  if (plan.code !== null) return meanLoss(plan.code, output, target);
  const losses = plan.fn!(target, output);
  if (!(losses instanceof Tensor)) throw new Error(`${op}: the loss function must return a Tensor, got ${describe(losses)}`);
  return mean(losses);
}

function disposeRecorded(recorded: Recorded): void {
  recorded.program?.dispose();
  dispose([recorded.loss, recorded.output]);
}

/** Frees what a plan made: the gradient sinks, the seed, the recorded steps. */
function endPlan(plan: Plan): void {
  for (const recorded of plan.programs.values()) disposeRecorded(recorded);
  plan.programs.clear();
  for (const sink of plan.sinks.values()) sink.tensor.dispose();
  plan.sinks.clear();
  plan.one?.dispose();
}

/** The callbacks of fit's options as a list, each checked: an object whose hooks are functions. */
function checkCallbacks(value: unknown): CustomCallbackArgs[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  list.forEach((cb, i) => {
    const name = Array.isArray(value) ? `callbacks[${i}]` : 'callbacks';
    checkObject('fit', name, cb);
    for (const hook of HOOKS) {
      if (cb[hook] !== undefined && typeof cb[hook] !== 'function') throw new Error(`fit: ${name}.${hook} must be a function, got ${describe(cb[hook])}`);
    }
    // A plain object of hooks: a misspelt hook would never be called, so it is refused (class instances may hold state).
    if (Object.getPrototypeOf(cb) === Object.prototype) checkOptions('fit', name, cb, Object.fromEntries(HOOKS.map((h) => [h, is.fn])));
  });
  return list as CustomCallbackArgs[];
}

/** Throws naming the first NaN or infinite value of x. */
function checkFinite(op: string, name: string, t: Tensor): void {
  if (Number.isFinite(activeBackend().kernels.sum(t.ptr(), t.size))) return;
  const values = t.dataSync();
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad < 0) return; // the sum overflowed; every value is finite
  const width = t.shape[1] ?? 1;
  throw new Error(`${op}: ${name} must be finite, but ${name}[${Math.floor(bad / width)}][${bad % width}] is ${values[bad]}`);
}

/** A new tensor of `count` rows of t from row `start`. */
function rowsOf(op: string, t: Tensor, start: number, count: number): Tensor {
  const width = t.size / t.shape[0];
  const out = empty(op, [count, ...t.shape.slice(1)], t.dtype);
  const [from, to] = [word(t.ptr(op)) + start * width, word(out.ptr(op))];
  activeBackend().heap.i32.copyWithin(to, from, from + count * width);
  return out;
}

/** Fisher–Yates with uniforms from the seeded PRNG, so setSeed makes the order reproducible. */
function shuffleOrder(order: Int32Array, randoms: number): void {
  const backend = activeBackend();
  backend.kernels.rngUniform(backend.rngState, randoms, order.length, 0, 1);
  const u = backend.heap.f32;
  const base = word(randoms);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[base + i] * (i + 1)));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
}

/** Copies the rows order[start..start+rows(out)) of src to out, row by row (through i32: bit-exact). */
function gatherRows(src: Tensor, out: Tensor, order: Int32Array, start: number): void {
  const width = src.size / src.shape[0];
  const count = out.shape[0];
  const [s, d] = [word(src.ptr('fit')), word(out.ptr('fit'))];
  const i32 = activeBackend().heap.i32;
  if (width < 16) {
    // Narrow rows: an indexed copy beats a copyWithin call per row.
    for (let i = 0; i < count; i++) {
      const from = s + order[start + i] * width;
      const to = d + i * width;
      for (let j = 0; j < width; j++) i32[to + j] = i32[from + j];
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const from = s + order[start + i] * width;
    i32.copyWithin(d + i * width, from, from + width);
  }
}

/** `tf.sequential({ layers })`. */
export function sequential(args?: { layers?: Layer[]; name?: string }): Sequential {
  return new Sequential(args);
}
