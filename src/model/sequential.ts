// Sequential: a stack of layers trained over flat memory. All parameters live in one arena block, their
// gradients in a second with the same layout, optimizer state in a third (slots × the same layout), so the
// optimizer is one kernel call per step and a checkpoint is one copy. A training step runs only kernels on
// preallocated buffers (see workspace.ts); no tensors are made inside the batch loop.

import type { Backend } from '../backend/backend.js';
import type { Kernels, Loss, Ptr } from '../backend/kernels.js';
import { Block } from '../block.js';
import { empty } from '../ops/op.js';
import { fromValues } from '../ops/values.js';
import { activeBackend } from '../engine.js';
import { Layer, type LayerBuffers, type ParamSpec } from '../layers/layer.js';
import { getLoss, getMetric, type LossSpec, type Metric } from '../losses.js';
import { getOptimizer, type Optimizer } from '../optimizers.js';
import { sizeOf, Tensor, tidy } from '../tensor/tensor.js';
import { checkBool, checkInt, checkObject, checkOptions, checkTensor, describe, is, type Rule, type Schema } from '../validate.js';
import { type CustomCallbackArgs, History, type Logs, ProgressBar, type TrainingModel } from './callbacks.js';
import { Workspace } from './workspace.js';
import { type IOHandler, type SaveResult, saveModel } from '../io/index.js';
import { word } from '../backend/heap.js';

export interface ModelCompileArgs {
  optimizer: Optimizer | string;
  loss: string;
  metrics?: string | string[];
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

interface ParamEntry {
  layer: Layer;
  spec: ParamSpec;
  /** Offset in floats into the arena; every entry starts 16-byte aligned. */
  offset: number;
  size: number;
}

/** Training data checked and laid out for the kernels: x rows as given, targets as the loss reads them. */
interface Data {
  rows: number;
  x: Tensor;
  /** float32 [rows, width] or int32 [rows] (sparse labels). */
  target: Tensor;
  /** Tensors made by the conversion, to dispose afterwards. */
  temporary: Tensor[];
}

type Ranges = ReadonlyArray<readonly [number, number]>;

/** See Sequential.plan(). */
interface Plan {
  /** The loss kernel, and whether it takes the last layer's logits (fused) rather than its output. */
  code: Loss;
  fromLogits: boolean;
  /** The compiled metrics, resolved for the model's output width. */
  metrics: Metric[];
  /** The model's output width. */
  width: number;
  /** Arena ranges the optimizer updates. */
  trainable: Ranges;
  /** Weights with a regularizer. */
  regularized: ParamEntry[];
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
  private metricNames: string[] = [];
  private entries: ParamEntry[] = [];
  private arenaFloats = 0;
  private params: Block | null = null;
  private grads: Block | null = null;
  private slots: Block | null = null;
  private slotsFor: Optimizer | null = null;
  private slotPtrs: Ptr[] = [];
  /** Per layer, the arena offsets (in floats) of its parameters. */
  private layerOffsets: number[][] = [];
  private workspace: Workspace | null = null;
  /** Weights and optimizer state as of a few steps ago, for rolling back a step that diverged. */
  private checkpoint: Block | null = null;
  private checkpointIterations = 0;
  private stepsSinceCheckpoint = Infinity;
  /** True while fit runs: a second fit, trainOnBatch or compile is refused until it ends. */
  private training = false;
  private disposed = false;

  constructor(args: { layers?: Layer[]; name?: string } = {}) {
    checkOptions('sequential', 'args', args, SEQUENTIAL_OPTIONS);
    const layers = args.layers ?? [];
    if (!Array.isArray(layers)) throw new Error(`sequential: layers must be an array of layers, got ${describe(layers)}`);
    if (args.name === '') throw new Error('sequential: name must be a non-empty string, got ""');
    this.name = args.name ?? `sequential_${++modelCount}`;
    // Checked in full first: a refused layer must not leave the others claimed by a model that never was.
    layers.forEach((layer, i) => this.checkAddable(`layers[${i}]`, layer, layers.slice(0, i)));
    for (const layer of layers) this.add(layer);
  }

  // ---- structure ----

  /** Appends a layer. The first layer must know its input shape (inputShape) before the model is built. */
  add(layer: Layer): void {
    this.checkLive('add');
    this.checkAddable('layer', layer, this.layers);
    if (this.params) throw new Error('add: the model is already built; add layers before fit, predict or build');
    this.layers.push(layer);
    layer.owner = this;
  }

  private checkAddable(name: string, layer: unknown, others: unknown[]): asserts layer is Layer {
    const op = name === 'layer' ? 'add' : 'sequential';
    if (layer instanceof Sequential) throw new Error(`${op}: ${name} is a model; a Sequential model takes layers (models inside models are not supported yet)`);
    if (!(layer instanceof Layer)) throw new Error(`${op}: ${name} must be a layer from tf.layers, got ${describe(layer)}`);
    if (others.includes(layer)) throw new Error(`${op}: layer ${layer.name} is already in the model`);
    if (layer.owner) throw new Error(`${op}: layer ${layer.name} already belongs to another model (a layer can be in one model; make a new one)`);
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

  /** Allocates and initialises the weights (fit, predict and evaluate do this on first use). */
  build(inputShape?: [number | null, number] | number[]): void {
    this.allocate('build', inputShape, true);
  }

  /** @internal Builds with zeroed weights, for a loader that sets them next (draws nothing from the PRNG). */
  buildUninitialized(inputShape: [number | null, number]): void {
    this.allocate('loadLayersModel', inputShape, false);
  }

  private allocate(op: string, inputShape: [number | null, number] | number[] | undefined, initialize: boolean): void {
    this.checkLive(op);
    if (this.params) return;
    if (this.layers.length === 0) throw new Error(`${op}: the model has no layers (add some with model.add)`);
    if (inputShape !== undefined && !Array.isArray(inputShape)) throw new Error(`${op}: inputShape must be [batch, features], got ${describe(inputShape)}`);
    const inputDim = inputShape ? inputShape[inputShape.length - 1] : this.inputDim;
    if (inputDim === null || inputDim === undefined) {
      throw new Error(`${op}: the input width is unknown; give the first layer an inputShape, e.g. tf.layers.dense({ units, inputShape: [784] })`);
    }
    checkInt(op, 'input width', inputDim, 1);
    if (this.inputDim !== null && this.inputDim !== inputDim) throw new Error(`${op}: the first layer expects input width ${this.inputDim}, got ${inputDim}`);
    const dims = this.outputWidths(inputDim);
    const entries: ParamEntry[] = [];
    let offset = 0;
    this.layers.forEach((layer, i) => {
      for (const spec of layer.paramSpecs(dims[i])) {
        const size = sizeOf(spec.shape);
        entries.push({ layer, spec, offset, size });
        offset += Math.ceil(size / 4) * 4;
      }
    });
    const bytes = Math.max(offset, 4) * 4;
    const params = new Block(bytes, this, op, 'the weights');
    let grads: Block;
    try {
      grads = new Block(bytes, this, op, 'the weight gradients');
    } catch (error) {
      params.free();
      throw error;
    }
    const backend = activeBackend();
    backend.kernels.fill(params.ptr(), bytes / 4, 0);
    backend.kernels.fill(grads.ptr(), bytes / 4, 0);
    if (initialize) for (const e of entries) e.spec.initializer.fill(backend, params.ptr() + e.offset * 4, e.size, e.spec.fanIn, e.spec.fanOut);
    this.layers.forEach((layer, i) => (layer.inputDim = dims[i]));
    this.entries = entries;
    this.layerOffsets = this.layers.map((layer) => entries.filter((e) => e.layer === layer).map((e) => e.offset));
    this.arenaFloats = bytes / 4;
    this.params = params;
    this.grads = grads;
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

  /** Copies of every weight (or only the trainable layers' when trainableOnly), layer by layer, kernel then bias. */
  getWeights(trainableOnly = false): Tensor[] {
    this.checkLive('getWeights');
    checkBool('getWeights', 'trainableOnly', trainableOnly);
    if (this.inputDim !== null) this.build();
    return this.layers.filter((layer) => !trainableOnly || layer.trainable).flatMap((layer) => this.layerWeights(layer));
  }

  /** Replaces every weight (the order of getWeights); checked in full before anything is written. */
  setWeights(weights: Tensor[]): void {
    this.checkLive('setWeights');
    this.allocate('setWeights', undefined, true);
    this.writeWeights('setWeights', this.entries, weights);
  }

  /** @internal A layer's weights, building the model first when its input width is known ([] otherwise). */
  layerWeights(layer: Layer): Tensor[] {
    this.checkLive('getWeights');
    if (!this.params && this.inputDim !== null) this.build();
    return this.entries
      .filter((e) => e.layer === layer)
      .map((e) => {
        const t = empty('getWeights', e.spec.shape.slice(), 'float32');
        const from = word(this.params!.ptr()) + e.offset;
        const to = word(t.ptr());
        activeBackend().heap.f32.copyWithin(to, from, from + e.size);
        return t;
      });
  }

  /** @internal */
  setLayerWeights(layer: Layer, weights: Tensor[]): void {
    this.checkLive('setWeights');
    this.allocate('setWeights', undefined, true);
    this.writeWeights('setWeights', this.entries.filter((e) => e.layer === layer), weights);
  }

  private writeWeights(op: string, entries: ParamEntry[], weights: Tensor[]): void {
    if (!Array.isArray(weights) || weights.length !== entries.length) {
      throw new Error(`${op}: expected ${entries.length} tensors (${entries.map((e) => `${e.layer.name}/${e.spec.name}`).join(', ')}), got ${describe(weights)}`);
    }
    entries.forEach((e, i) => {
      const w = weights[i];
      checkTensor(op, `weights[${i}]`, w, 'float32');
      if (w.shape.length !== e.spec.shape.length || w.shape.some((d, j) => d !== e.spec.shape[j])) {
        throw new Error(`${op}: weights[${i}] (${e.layer.name}/${e.spec.name}) must have shape [${e.spec.shape.join(', ')}], got [${w.shape.join(', ')}]`);
      }
    });
    entries.forEach((e, i) => {
      // Both pointers before the view: either block may move here from another backend.
      const src = word(weights[i].ptr());
      const dst = word(this.params!.ptr()) + e.offset;
      activeBackend().heap.f32.copyWithin(dst, src, src + e.size);
    });
    this.stepsSinceCheckpoint = Infinity; // a checkpoint from before would undo this
  }

  /** @internal */
  snapshotWeights(): Float32Array {
    const from = word(this.params!.ptr());
    return activeBackend().heap.f32.slice(from, from + this.arenaFloats);
  }

  /** @internal */
  restoreWeights(snapshot: Float32Array): void {
    const to = word(this.params!.ptr());
    activeBackend().heap.f32.set(snapshot, to);
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
    if (args === undefined) throw new Error('compile: expected { optimizer, loss, metrics? }, got undefined');
    checkOptions('compile', 'args', args, COMPILE_OPTIONS);
    const optimizer = getOptimizer('compile', args.optimizer);
    const loss = getLoss('compile', args.loss);
    const names = args.metrics === undefined ? [] : Array.isArray(args.metrics) ? args.metrics : [args.metrics];
    // Checked now against the loss; 'accuracy' is resolved for the output width when training starts.
    for (const m of names) getMetric('compile', m, loss, this.outputDim ?? 2);
    if (loss.sparse && this.layers.length > 0 && this.outputDim === 1) throw new Error('compile: sparseCategoricalCrossentropy needs an output of at least 2 classes');
    this.optimizer = optimizer;
    this.loss = loss;
    this.metricNames = names;
    this.stepsSinceCheckpoint = Infinity; // its optimizer state may be another's
  }

  /**
   * What every step of a call computes the same way, worked out once per fit, trainOnBatch or evaluate.
   * The loss is fused (taken from the logits) when the network ends in the activation it folds in.
   */
  private plan(op: string): Plan {
    const loss = this.loss!;
    const width = this.outputDim!;
    if (loss.sparse && width === 1) throw new Error(`${op}: sparseCategoricalCrossentropy needs an output of at least 2 classes`);
    const fromLogits = loss.fusedWith !== null && this.layers[this.layers.length - 1].finalActivation() === loss.fusedWith;
    return {
      code: fromLogits ? loss.fusedCode : loss.code,
      fromLogits,
      metrics: this.metricNames.map((m) => getMetric(op, m, loss, width)),
      width,
      trainable: this.trainableRanges(),
      regularized: this.entries.filter((e) => e.spec.regularizer !== null),
    };
  }

  /** The mean loss of the last layer's output against target; writes its gradient into grad when grad != 0. */
  private lossValue(k: Kernels, plan: Plan, out: LayerBuffers, target: Ptr, grad: Ptr, rows: number): number {
    const predicted = plan.fromLogits ? this.layers[this.layers.length - 1].logits(out) : out.y;
    return k.loss(plan.code, predicted, target, grad, rows, plan.width);
  }

  /** The optimizer's state buffers, created (and filled) when the optimizer changes. */
  private ensureSlots(op: string): Ptr[] {
    const optimizer = this.optimizer!;
    if (this.slotsFor !== optimizer) {
      this.slots?.free();
      this.slots = null;
      this.slotsFor = null;
      this.stepsSinceCheckpoint = Infinity;
      if (optimizer.slots > 0) {
        this.slots = new Block(optimizer.slots * this.arenaFloats * 4, this, op, 'the optimizer state');
        activeBackend().kernels.fill(this.slots.ptr(), optimizer.slots * this.arenaFloats, optimizer.slotInitialValue());
      }
      this.slotsFor = optimizer;
      this.slotPtrs = [];
    }
    const base = this.slots?.ptr() ?? 0;
    if (this.slotPtrs[0] !== base) this.slotPtrs = Array.from({ length: optimizer.slots }, (_, i) => base + i * this.arenaFloats * 4);
    return this.slotPtrs;
  }

  /**
   * Arena ranges ([offset, length] in floats) of the trainable layers' weights, neighbours merged: the
   * optimizer updates only these (one range when every layer trains). The padding that aligns a weight whose
   * size is not a multiple of 4 is left out, so the optimizer never updates (or checks) anything but weights.
   */
  private trainableRanges(): Ranges {
    const ranges: Array<[number, number]> = [];
    for (const e of this.entries) {
      if (!e.layer.trainable) continue;
      const last = ranges[ranges.length - 1];
      if (last && last[0] + last[1] === e.offset) last[1] += e.size;
      else ranges.push([e.offset, e.size]);
    }
    return ranges;
  }

  /** Buffers for at least `rows` rows, laid out for the current loss's targets. */
  private workspaceFor(op: string, rows: number): Workspace {
    const dims = this.outputWidths(this.inputDim!);
    const targetWidth = this.loss?.sparse ? 1 : dims[dims.length - 1];
    const ws = this.workspace;
    if (ws && ws.capacity >= rows && ws.targetWidth === targetWidth) return ws;
    ws?.block.free();
    this.workspace = null; // nothing stale is left behind if the new one does not fit
    this.workspace = new Workspace(this.layers, dims, targetWidth, rows, this, op);
    return this.workspace;
  }

  private buffers(ws: Workspace): LayerBuffers[] {
    return ws.resolve(this.params!.ptr(), this.grads!.ptr(), this.layerOffsets);
  }

  /** Copies the weights and optimizer state aside, to roll a diverging step back to. */
  private saveCheckpoint(op: string): void {
    const slots = this.optimizer!.slots;
    const floats = this.arenaFloats * (1 + slots);
    if (this.checkpoint?.bytes !== floats * 4) {
      this.checkpoint?.free();
      this.checkpoint = null;
      this.checkpoint = new Block(floats * 4, this, op, 'a checkpoint of the weights and optimizer state');
    }
    const u8 = activeBackend().heap.u8;
    const [to, params, state] = [this.checkpoint.ptr(), this.params!.ptr(), this.slots?.ptr() ?? 0];
    const bytes = this.arenaFloats * 4;
    u8.copyWithin(to, params, params + bytes);
    if (slots > 0) u8.copyWithin(to + bytes, state, state + slots * bytes);
    this.checkpointIterations = this.optimizer!.iterations;
    this.stepsSinceCheckpoint = 0;
  }

  private restoreCheckpoint(): void {
    const u8 = activeBackend().heap.u8;
    const [from, params, state] = [this.checkpoint!.ptr(), this.params!.ptr(), this.slots?.ptr() ?? 0];
    const bytes = this.arenaFloats * 4;
    u8.copyWithin(params, from, from + bytes);
    if (this.slots) u8.copyWithin(state, from + bytes, from + bytes + this.optimizer!.slots * bytes);
    this.optimizer!.rewind(this.checkpointIterations);
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
    if (y.dtype === 'float32') {
      checkFinite(op, 'y', y);
      return { ...data, target: y };
    }
    const values = y.dataSync();
    const target = empty(op, [rows, outputs], 'float32');
    activeBackend().heap.f32.set(values, word(target.ptr()));
    return { ...data, target, temporary: [target] };
  }

  private checkCompiled(op: string): void {
    if (!this.loss || !this.optimizer) throw new Error(`${op}: the model must be compiled first (model.compile({ optimizer, loss }))`);
  }

  /** Refuses to train with a learning rate that is wrong now (a schedule's value too), before anything is allocated. */
  private checkTrainable(op: string): void {
    this.checkCompiled(op);
    this.checkIdle(op);
    this.optimizer!.currentLearningRate();
  }

  /** Refuses what would interleave with a running fit (a second fit, trainOnBatch, compile). */
  private checkIdle(op: string): void {
    if (this.training) throw new Error(`${op}: the model is training (a fit call has not finished); await it first`);
  }

  // ---- running ----

  /** Forward pass over rows starting at `first` (of data already laid out), leaving outputs in the buffers. */
  private forward(backend: Backend, bufs: LayerBuffers[], x: Ptr, rows: number, training: boolean): void {
    bufs[0].x = x;
    for (let i = 0; i < this.layers.length; i++) this.layers[i].forward(backend, bufs[i], rows, training);
  }

  /**
   * One optimisation step on rows already in place; adds the loss and metric sums into `sums`. Returns null,
   * or what went wrong when the step diverged: a non-finite loss is caught before any weight changes, and an
   * update that makes a weight non-finite is rolled back to the last checkpoint.
   */
  private step(op: string, backend: Backend, bufs: LayerBuffers[], slots: Ptr[], plan: Plan, x: Ptr, target: Ptr, rows: number, sums: Float64Array): string | null {
    const k = backend.kernels;
    const last = this.layers.length - 1;
    if (this.stepsSinceCheckpoint >= CHECKPOINT_EVERY) this.saveCheckpoint(op);
    this.forward(backend, bufs, x, rows, true);
    const out = bufs[last];
    let value = this.lossValue(k, plan, out, target, out.dy, rows);
    if (!Number.isFinite(value)) return `the loss became ${value}; the weights are as they were before this batch`;
    for (let i = last; i >= 0; i--) this.layers[i].backward(backend, bufs[i], rows, plan.fromLogits && i === last);
    const params = this.params!.ptr();
    const grads = this.grads!.ptr();
    for (const e of plan.regularized) {
      const r = e.spec.regularizer!;
      value += k.penalty(params + e.offset * 4, grads + e.offset * 4, e.size, r.l1, r.l2);
    }
    if (!Number.isFinite(value)) return `the loss with regularization became ${value}; the weights are as they were before this batch`;
    if (!this.optimizer!.apply(k, params, grads, slots, plan.trainable)) {
      const lost = this.stepsSinceCheckpoint + 1;
      this.restoreCheckpoint();
      this.stepsSinceCheckpoint = 0;
      return `the update made some weights NaN or Infinity (the loss before it was ${value.toPrecision(4)}); the weights and optimizer state were restored to those of ${lost} step${lost === 1 ? '' : 's'} earlier`;
    }
    this.stepsSinceCheckpoint++;
    sums[0] += value * rows;
    for (let m = 0; m < plan.metrics.length; m++) sums[m + 1] += plan.metrics[m].compute(k, backend.heap, out.y, target, rows, plan.width) * rows;
    return null;
  }

  /** Loss and metric sums over data in chunks, without training (and, as TF.js, without regularization). */
  private measure(op: string, data: Data, batchSize: number, plan: Plan): Float64Array {
    const backend = activeBackend();
    const k = backend.kernels;
    const ws = this.workspaceFor(op, Math.min(batchSize, data.rows));
    const last = this.layers.length - 1;
    const sums = new Float64Array(plan.metrics.length + 1);
    const xRow = data.x.shape[1] * 4;
    const tRow = this.loss!.sparse ? 4 : plan.width * 4;
    for (let start = 0; start < data.rows; start += ws.capacity) {
      const rows = Math.min(ws.capacity, data.rows - start);
      const bufs = this.buffers(ws);
      this.forward(backend, bufs, data.x.ptr() + start * xRow, rows, false);
      const out = bufs[last];
      const target = data.target.ptr() + start * tRow;
      sums[0] += rows * this.lossValue(k, plan, out, target, 0, rows);
      for (let m = 0; m < plan.metrics.length; m++) sums[m + 1] += rows * plan.metrics[m].compute(k, backend.heap, out.y, target, rows, plan.width);
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
    this.checkLive('predict');
    const { batchSize = 1024 } = checkOptions('predict', 'args', args, PREDICT_OPTIONS);
    if (this.layers.length === 0) throw new Error('predict: the model has no layers');
    const data = this.prepareInput('predict', x);
    this.allocate('predict', [null, x.shape[1]], true);
    const width = this.outputDim!;
    const out = empty('predict', [data.rows, width], 'float32');
    try {
      const backend = activeBackend();
      const ws = this.workspaceFor('predict', Math.min(batchSize, data.rows));
      const xRow = x.shape[1] * 4;
      for (let start = 0; start < data.rows; start += ws.capacity) {
        const rows = Math.min(ws.capacity, data.rows - start);
        const bufs = this.buffers(ws);
        this.forward(backend, bufs, x.ptr() + start * xRow, rows, false);
        const y = word(bufs[bufs.length - 1].y);
        backend.heap.f32.copyWithin(word(out.ptr()) + start * width, y, y + rows * width);
      }
    } catch (error) {
      out.dispose();
      throw error;
    }
    return out;
  }

  /** Loss (and metrics) on x, y: a scalar tensor, or [loss, ...metrics] when metrics were compiled. */
  evaluate(x: Tensor, y: Tensor, args?: { batchSize?: number; verbose?: 0 | 1 }): Tensor | Tensor[] {
    this.checkLive('evaluate');
    const { batchSize = 32 } = checkOptions('evaluate', 'args', args, EVALUATE_OPTIONS);
    this.checkCompiled('evaluate');
    const data = this.prepare('evaluate', x, y);
    try {
      this.allocate('evaluate', [null, x.shape[1]], true);
      const sums = this.measure('evaluate', data, batchSize, this.plan('evaluate'));
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
    this.checkLive('trainOnBatch');
    this.checkTrainable('trainOnBatch');
    const data = this.prepare('trainOnBatch', x, y);
    try {
      this.allocate('trainOnBatch', [null, x.shape[1]], true);
      const backend = activeBackend();
      const plan = this.plan('trainOnBatch');
      const ws = this.workspaceFor('trainOnBatch', data.rows);
      const slots = this.ensureSlots('trainOnBatch');
      const sums = new Float64Array(plan.metrics.length + 1);
      const diverged = this.step('trainOnBatch', backend, this.buffers(ws), slots, plan, x.ptr(), data.target.ptr(), data.rows, sums);
      if (diverged) throw new Error(`trainOnBatch: ${diverged}. Lower the learning rate, set clipNorm, or check the data`);
      const values = Array.from(sums, (s) => s / data.rows);
      return values.length === 1 ? values[0] : values;
    } finally {
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

    const all = this.prepare('fit', x, y);
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
        const [xTrain, xVal] = splitRows(all.x, split);
        temporary.push(xTrain, xVal);
        const [tTrain, tVal] = splitRows(all.target, split);
        temporary.push(tTrain, tVal);
        train = { rows: split, x: xTrain, target: tTrain, temporary: [] };
        validation = { rows: all.rows - split, x: xVal, target: tVal, temporary: [] };
      }
      this.allocate('fit', [null, x.shape[1]], true);
      const validationBatchSize = options.validationBatchSize ?? Math.max(batchSize, 256);
      return await this.trainEpochs(train, validation, { epochs, batchSize, validationBatchSize, shuffle, initialEpoch, hooks, verbose, yieldEvery });
    } finally {
      this.training = false;
      for (const t of temporary) t.dispose();
    }
  }

  private async trainEpochs(
    train: Data,
    validation: Data | null,
    opts: { epochs: number; batchSize: number; validationBatchSize: number; shuffle: boolean; initialEpoch: number; hooks: CustomCallbackArgs[]; verbose: number; yieldEvery: NonNullable<ModelFitArgs['yieldEvery']> },
  ): Promise<History> {
    const history = new History({ epochs: opts.epochs, samples: train.rows, batchSize: opts.batchSize, metrics: this.metricNames });
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
    const xWidth = train.x.shape[1];
    const tWidth = this.loss!.sparse ? 1 : this.outputDim!;
    const order = new Int32Array(rows);
    const randoms = opts.shuffle ? new Block(rows * 4, this, 'fit', 'the shuffling order') : null;
    const plan = this.plan('fit');
    const sums = new Float64Array(plan.metrics.length + 1);
    this.stopTraining = false;
    try {
      await call('onTrainBegin', {});
      let lastYield = performance.now();
      for (let epoch = opts.initialEpoch; epoch < opts.epochs && !this.stopTraining; epoch++) {
        await call('onEpochBegin', epoch, {});
        bar?.epochBegin(epoch);
        for (let i = 0; i < rows; i++) order[i] = i;
        if (randoms) shuffleOrder(activeBackend(), order, randoms.ptr());
        sums.fill(0);
        let seen = 0;
        for (let start = 0, b = 0; start < rows; start += batch, b++) {
          const count = Math.min(batch, rows - start);
          if (batchHooks) await call('onBatchBegin', b, { batch: b, size: count });
          this.checkLive('fit'); // a callback may have disposed the model
          // Read every batch: a callback may have switched backend (setBackend, setThreads) since the last.
          const backend = activeBackend();
          const ws = this.workspaceFor('fit', batch);
          const slots = this.ensureSlots('fit');
          const bufs = this.buffers(ws);
          let xPtr: Ptr;
          let tPtr: Ptr;
          if (randoms) {
            gatherRows(backend, train.x.ptr(), ws.x, xWidth, order, start, count);
            gatherRows(backend, train.target.ptr(), ws.target, tWidth, order, start, count);
            xPtr = ws.x;
            tPtr = ws.target;
          } else {
            xPtr = train.x.ptr() + start * xWidth * 4;
            tPtr = train.target.ptr() + start * tWidth * 4;
          }
          const diverged = this.step('fit', backend, bufs, slots, plan, xPtr, tPtr, count, sums);
          if (diverged) throw new Error(`fit: at epoch ${epoch + 1}, batch ${b}, ${diverged}. Lower the learning rate, set clipNorm, or check the data`);
          seen += count;
          if (batchHooks) await call('onBatchEnd', b, { batch: b, size: count, ...this.logsFrom(plan, sums, seen) });
          bar?.progress(seen, () => this.logsFrom(plan, sums, seen));
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

  /** Frees the weights, optimizer state and buffers; its layers may then join another model. */
  dispose(): void {
    if (this.disposed) return;
    for (const block of [this.params, this.grads, this.slots, this.checkpoint, this.workspace?.block]) block?.free();
    for (const layer of this.layers) {
      layer.releaseMemory();
      layer.owner = null;
    }
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private checkLive(op: string): void {
    if (this.disposed) throw new Error(`${op}: the model is disposed`);
  }
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

/** Two new tensors: the first `split` rows and the rest. */
function splitRows(t: Tensor, split: number): [Tensor, Tensor] {
  const width = t.rank === 2 ? t.shape[1] : 1;
  const rest = t.shape[0] - split;
  const first = empty('fit', t.rank === 2 ? [split, width] : [split], t.dtype);
  let second: Tensor;
  try {
    second = empty('fit', t.rank === 2 ? [rest, width] : [rest], t.dtype);
  } catch (error) {
    first.dispose();
    throw error;
  }
  const [src, a, b] = [word(t.ptr()), word(first.ptr()), word(second.ptr())];
  const f32 = activeBackend().heap.f32;
  f32.copyWithin(a, src, src + split * width);
  f32.copyWithin(b, src + split * width, src + t.size);
  return [first, second];
}

/** Fisher–Yates with uniforms from the seeded PRNG, so setSeed makes the order reproducible. */
function shuffleOrder(backend: Backend, order: Int32Array, randoms: Ptr): void {
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

/** Copies the rows order[start..start+count) of src (width floats each) to consecutive rows at dst. */
function gatherRows(backend: Backend, src: Ptr, dst: Ptr, width: number, order: Int32Array, start: number, count: number): void {
  const s = word(src);
  const d = word(dst);
  if (width < 16) {
    // Narrow rows: an indexed copy beats a copyWithin call per row. Through i32, bit-exact for floats and labels.
    const i32 = backend.heap.i32;
    for (let i = 0; i < count; i++) {
      const from = s + order[start + i] * width;
      const to = d + i * width;
      for (let j = 0; j < width; j++) i32[to + j] = i32[from + j];
    }
    return;
  }
  const f32 = backend.heap.f32;
  for (let i = 0; i < count; i++) {
    const from = s + order[start + i] * width;
    f32.copyWithin(d + i * width, from, from + width);
  }
}

/** `tf.sequential({ layers })`. */
export function sequential(args?: { layers?: Layer[]; name?: string }): Sequential {
  return new Sequential(args);
}
