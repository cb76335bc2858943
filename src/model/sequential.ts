// Sequential: a stack of layers trained over flat memory. All parameters live in one arena block, their
// gradients in a second with the same layout, optimizer state in a third (slots × the same layout), so the
// optimizer is one kernel call per step and a checkpoint is one copy. A training step runs only kernels on
// preallocated buffers (see workspace.ts); no tensors are made inside the batch loop.

import type { Backend } from '../backend/backend.js';
import type { Kernels, Loss, Ptr } from '../backend/kernels.js';
import { Block } from '../block.js';
import { emptyTensor, scalar } from '../creation.js';
import { activeBackend } from '../engine.js';
import type { Layer, LayerBuffers, ParamSpec } from '../layers/layer.js';
import { getLoss, getMetric, type LossSpec, type Metric } from '../losses.js';
import { getOptimizer, type Optimizer } from '../optimizers.js';
import { sizeOf, Tensor } from '../tensor.js';
import { checkInt, checkTensor, describe } from '../validate.js';
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
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
  /** 0: silent; 1: progress bar (default in a terminal). */
  verbose?: 0 | 1;
  initialEpoch?: number;
}

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
  /** The model's output width. */
  width: number;
  /** Arena ranges the optimizer updates. */
  trainable: Ranges;
  /** Weights with a regularizer. */
  regularized: ParamEntry[];
}

const inBrowser = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== 'string';

let modelCount = 0;

export class Sequential implements TrainingModel {
  readonly className = 'Sequential';
  readonly name: string;
  readonly layers: Layer[] = [];
  /** Set by a callback to end fit() after the current epoch. */
  stopTraining = false;
  optimizer: Optimizer | null = null;
  private loss: LossSpec | null = null;
  private metrics: Metric[] = [];
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
  private disposed = false;

  constructor(args: { layers?: Layer[]; name?: string } = {}) {
    if (args === null || typeof args !== 'object') throw new Error(`sequential: expected an arguments object, got ${describe(args)}`);
    this.name = args.name ?? `sequential_${++modelCount}`;
    for (const layer of args.layers ?? []) this.add(layer);
  }

  // ---- structure ----

  /** Appends a layer. The first layer must know its input shape (inputShape) before the model is built. */
  add(layer: Layer): void {
    this.checkLive('add');
    if (!layer || typeof layer.forward !== 'function') throw new Error(`add: layer must be a layer from tf.layers, got ${describe(layer)}`);
    if (this.params) throw new Error('add: the model is already built; add layers before fit, predict or build');
    if (this.layers.includes(layer)) throw new Error(`add: layer ${layer.name} is already in the model`);
    if (layer.owner) throw new Error(`add: layer ${layer.name} already belongs to another model`);
    this.layers.push(layer);
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
    this.allocate(inputShape, true);
  }

  /** @internal Builds with zeroed weights, for a loader that sets them next (draws nothing from the PRNG). */
  buildUninitialized(inputShape: [number | null, number]): void {
    this.allocate(inputShape, false);
  }

  private allocate(inputShape: [number | null, number] | number[] | undefined, initialize: boolean): void {
    this.checkLive('build');
    if (this.params) return;
    if (this.layers.length === 0) throw new Error('build: the model has no layers (add some with model.add)');
    const inputDim = inputShape ? inputShape[inputShape.length - 1] : this.inputDim;
    if (inputDim === null || inputDim === undefined) {
      throw new Error('build: the input width is unknown; give the first layer an inputShape, e.g. tf.layers.dense({ units, inputShape: [784] })');
    }
    checkInt('build', 'input width', inputDim, 1);
    if (this.inputDim !== null && this.inputDim !== inputDim) throw new Error(`build: the first layer expects input width ${this.inputDim}, got ${inputDim}`);
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
    const params = new Block(bytes, this);
    const grads = new Block(bytes, this);
    const backend = activeBackend();
    backend.kernels.fill(params.ptr(), bytes / 4, 0);
    backend.kernels.fill(grads.ptr(), bytes / 4, 0);
    if (initialize) for (const e of entries) e.spec.initializer.fill(backend, params.ptr() + e.offset * 4, e.size, e.spec.fanIn, e.spec.fanOut);
    this.layers.forEach((layer, i) => {
      layer.inputDim = dims[i];
      layer.owner = this;
    });
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

  /** Prints a Keras-style table of layers, output shapes and parameter counts. */
  summary(lineLength = 65, _positions?: number[], printFn: (line: string) => void = console.log): void {
    this.checkLive('summary');
    const inputDim = this.inputDim;
    if (inputDim === null) throw new Error('summary: the input width is unknown; give the first layer an inputShape');
    const dims = this.outputWidths(inputDim);
    const cols = [Math.floor(lineLength * 0.45), Math.floor(lineLength * 0.33)];
    const row = (a: string, b: string, c: string) => a.padEnd(cols[0]) + b.padEnd(cols[1]) + c;
    printFn('_'.repeat(lineLength));
    printFn(row('Layer (type)', 'Output shape', 'Param #'));
    printFn('='.repeat(lineLength));
    this.layers.forEach((layer, i) => {
      const count = layer.paramSpecs(dims[i]).reduce((s, spec) => s + sizeOf(spec.shape), 0);
      printFn(row(`${layer.name} (${layer.className})`, `[null,${dims[i + 1]}]`, String(count)));
      printFn((i === this.layers.length - 1 ? '=' : '_').repeat(lineLength));
    });
    const { total, trainable } = this.paramCounts('summary');
    printFn(`Total params: ${total}`);
    printFn(`Trainable params: ${trainable}`);
    printFn(`Non-trainable params: ${total - trainable}`);
    printFn('_'.repeat(lineLength));
  }

  // ---- weights ----

  /** Copies of every weight, layer by layer, kernel then bias. */
  getWeights(): Tensor[] {
    this.checkLive('getWeights');
    if (this.inputDim !== null) this.build();
    return this.layers.flatMap((layer) => this.layerWeights(layer));
  }

  /** Replaces every weight (the order of getWeights); checked in full before anything is written. */
  setWeights(weights: Tensor[]): void {
    this.checkLive('setWeights');
    this.build();
    this.writeWeights('setWeights', this.entries, weights);
  }

  /** @internal */
  layerWeights(layer: Layer): Tensor[] {
    this.checkLive('getWeights');
    return this.entries
      .filter((e) => e.layer === layer)
      .map((e) => {
        const t = emptyTensor('getWeights', e.spec.shape.slice());
        const from = word(this.params!.ptr()) + e.offset;
        const to = word(t.ptr());
        activeBackend().heap.f32.copyWithin(to, from, from + e.size);
        return t;
      });
  }

  /** @internal */
  setLayerWeights(layer: Layer, weights: Tensor[]): void {
    this.checkLive('setWeights');
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
  }

  // ---- training set-up ----

  /**
   * Sets the optimizer, loss and metrics.
   * @example model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] })
   */
  compile(args: ModelCompileArgs): void {
    this.checkLive('compile');
    if (args === null || typeof args !== 'object') throw new Error(`compile: expected { optimizer, loss, metrics? }, got ${describe(args)}`);
    const optimizer = getOptimizer('compile', args.optimizer);
    const loss = getLoss('compile', args.loss);
    const names = args.metrics === undefined ? [] : Array.isArray(args.metrics) ? args.metrics : [args.metrics];
    const width = this.outputDim ?? 0;
    const metrics = names.map((m) => getMetric('compile', m, loss, width));
    if (loss.sparse && this.layers.length > 0 && width === 1) throw new Error('compile: sparseCategoricalCrossentropy needs an output of at least 2 classes');
    this.optimizer = optimizer;
    this.loss = loss;
    this.metrics = metrics;
    this.metricNames = names;
  }

  /**
   * What every step of a call computes the same way, worked out once per fit, trainOnBatch or evaluate.
   * The loss is fused (taken from the logits) when the network ends in the activation it folds in.
   */
  private plan(): Plan {
    const loss = this.loss!;
    const fromLogits = loss.fusedWith !== null && this.layers[this.layers.length - 1].finalActivation() === loss.fusedWith;
    return {
      code: fromLogits ? loss.fusedCode : loss.code,
      fromLogits,
      width: this.outputDim!,
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
  private ensureSlots(): Ptr[] {
    const optimizer = this.optimizer!;
    if (this.slotsFor !== optimizer) {
      this.slots?.free();
      this.slots = optimizer.slots > 0 ? new Block(optimizer.slots * this.arenaFloats * 4, this) : null;
      if (this.slots) activeBackend().kernels.fill(this.slots.ptr(), optimizer.slots * this.arenaFloats, optimizer.slotInitialValue());
      this.slotsFor = optimizer;
      this.slotPtrs = [];
    }
    const base = this.slots?.ptr() ?? 0;
    if (this.slotPtrs[0] !== base) this.slotPtrs = Array.from({ length: optimizer.slots }, (_, i) => base + i * this.arenaFloats * 4);
    return this.slotPtrs;
  }

  /**
   * Arena ranges ([offset, length] in floats) of the trainable layers' weights, neighbours merged: the
   * optimizer updates only these (one range when every layer trains).
   */
  private trainableRanges(): Ranges {
    const ranges: Array<[number, number]> = [];
    for (const e of this.entries) {
      if (!e.layer.trainable) continue;
      const length = Math.ceil(e.size / 4) * 4;
      const last = ranges[ranges.length - 1];
      if (last && last[0] + last[1] === e.offset) last[1] += length;
      else ranges.push([e.offset, length]);
    }
    return ranges;
  }

  /** Buffers for at least `rows` rows, laid out for the current loss's targets. */
  private workspaceFor(rows: number): Workspace {
    const dims = this.outputWidths(this.inputDim!);
    const targetWidth = this.loss?.sparse ? 1 : dims[dims.length - 1];
    const ws = this.workspace;
    if (ws && ws.capacity >= rows && ws.targetWidth === targetWidth) return ws;
    ws?.block.free();
    this.workspace = new Workspace(this.layers, dims, targetWidth, rows, this);
    return this.workspace;
  }

  private buffers(ws: Workspace): LayerBuffers[] {
    return ws.resolve(this.params!.ptr(), this.grads!.ptr(), this.layerOffsets);
  }

  // ---- data ----

  /**
   * Checks x (and y) against the model (or, before it is built, against `features`) and the loss; converts
   * targets to what the loss kernel reads.
   */
  private prepare(op: string, x: unknown, y?: unknown, features = this.inputDim): Data {
    checkTensor(op, 'x', x, 'float32');
    if (x.rank !== 2) throw new Error(`${op}: x must have shape [samples, features], got [${x.shape.join(', ')}]`);
    const [rows, width] = x.shape;
    if (rows === 0) throw new Error(`${op}: x has no samples`);
    if (features !== null && width !== features) throw new Error(`${op}: x must have ${features} features per sample, got shape [${x.shape.join(', ')}]`);
    checkFinite(op, 'x', x);
    const temporary: Tensor[] = [];
    if (y === undefined) return { rows, x, target: x, temporary };
    checkTensor(op, 'y', y);
    const outputs = this.outputWidths(width).at(-1)!;
    if (y.shape[0] !== rows) throw new Error(`${op}: x and y must have the same number of samples, got ${rows} and ${y.shape[0]}`);
    if (this.loss!.sparse) {
      if (!(y.rank === 1 || (y.rank === 2 && y.shape[1] === 1))) throw new Error(`${op}: y must hold one class index per sample ([samples] or [samples, 1]), got [${y.shape.join(', ')}]`);
      const labels = y.dataSync();
      for (let i = 0; i < labels.length; i++) {
        const v = labels[i];
        if (!Number.isInteger(v) || v < 0 || v >= outputs) throw new Error(`${op}: y[${i}] must be a class index in [0, ${outputs - 1}], got ${v}`);
      }
      if (y.dtype === 'int32' && y.rank === 1) return { rows, x, target: y, temporary };
      const target = emptyTensor(op, [rows], 'int32');
      const to = word(target.ptr());
      activeBackend().heap.i32.set(labels, to);
      temporary.push(target);
      return { rows, x, target, temporary };
    }
    const shapeOk = (y.rank === 2 && y.shape[1] === outputs) || (y.rank === 1 && outputs === 1);
    if (!shapeOk) throw new Error(`${op}: y must have shape [${rows}, ${outputs}] to match the model's output, got [${y.shape.join(', ')}]`);
    if (y.dtype === 'float32') {
      checkFinite(op, 'y', y);
      return { rows, x, target: y, temporary };
    }
    const values = y.dataSync();
    const target = emptyTensor(op, [rows, outputs]);
    const to = word(target.ptr());
    activeBackend().heap.f32.set(values, to);
    temporary.push(target);
    return { rows, x, target, temporary };
  }

  private checkCompiled(op: string): void {
    if (!this.loss || !this.optimizer) throw new Error(`${op}: the model must be compiled first (model.compile({ optimizer, loss }))`);
  }

  // ---- running ----

  /** Forward pass over rows starting at `first` (of data already laid out), leaving outputs in the buffers. */
  private forward(backend: Backend, bufs: LayerBuffers[], x: Ptr, rows: number, training: boolean): void {
    bufs[0].x = x;
    for (let i = 0; i < this.layers.length; i++) this.layers[i].forward(backend, bufs[i], rows, training);
  }

  /** One optimisation step on rows already in place; returns the loss and adds metric sums into `sums`. */
  private step(backend: Backend, bufs: LayerBuffers[], slots: Ptr[], plan: Plan, x: Ptr, target: Ptr, rows: number, sums: Float64Array): void {
    const k = backend.kernels;
    const last = this.layers.length - 1;
    this.forward(backend, bufs, x, rows, true);
    const out = bufs[last];
    let value = this.lossValue(k, plan, out, target, out.dy, rows);
    for (let i = last; i >= 0; i--) this.layers[i].backward(backend, bufs[i], rows, plan.fromLogits && i === last);
    const params = this.params!.ptr();
    const grads = this.grads!.ptr();
    for (const e of plan.regularized) {
      const r = e.spec.regularizer!;
      value += k.penalty(params + e.offset * 4, grads + e.offset * 4, e.size, r.l1, r.l2);
    }
    this.optimizer!.apply(k, params, grads, slots, plan.trainable);
    sums[0] += value * rows;
    for (let m = 0; m < this.metrics.length; m++) sums[m + 1] += this.metrics[m].compute(k, backend.heap, out.y, target, rows, plan.width) * rows;
  }

  /** Loss and metric sums over data in chunks, without training (and, as TF.js, without regularization). */
  private measure(data: Data, batchSize: number, plan: Plan): Float64Array {
    const backend = activeBackend();
    const k = backend.kernels;
    const ws = this.workspaceFor(Math.min(batchSize, data.rows));
    const last = this.layers.length - 1;
    const sums = new Float64Array(this.metrics.length + 1);
    const xRow = data.x.shape[1] * 4;
    const tRow = this.loss!.sparse ? 4 : plan.width * 4;
    for (let start = 0; start < data.rows; start += ws.capacity) {
      const rows = Math.min(ws.capacity, data.rows - start);
      const bufs = this.buffers(ws);
      this.forward(backend, bufs, data.x.ptr() + start * xRow, rows, false);
      const out = bufs[last];
      const target = data.target.ptr() + start * tRow;
      sums[0] += rows * this.lossValue(k, plan, out, target, 0, rows);
      for (let m = 0; m < this.metrics.length; m++) sums[m + 1] += rows * this.metrics[m].compute(k, backend.heap, out.y, target, rows, plan.width);
    }
    return sums;
  }

  private logsFrom(sums: Float64Array, rows: number, prefix = ''): Logs {
    const logs: Logs = { [`${prefix}loss`]: sums[0] / rows };
    this.metrics.forEach((m, i) => (logs[prefix + m.key] = sums[i + 1] / rows));
    return logs;
  }

  /**
   * Outputs for x, computed in chunks of batchSize rows (default 1024; the result does not depend on it).
   * @example const probabilities = model.predict(tf.tensor2d(images, [n, 784]));
   */
  predict(x: Tensor, args: { batchSize?: number } = {}): Tensor {
    this.checkLive('predict');
    const batchSize = args.batchSize ?? 1024;
    checkInt('predict', 'batchSize', batchSize, 1);
    if (this.layers.length === 0) throw new Error('predict: the model has no layers');
    const data = this.prepare('predict', x);
    this.build([null, x.shape[1]]);
    const dims = this.outputWidths(this.inputDim!);
    const width = dims[dims.length - 1];
    const out = emptyTensor('predict', [data.rows, width]);
    const backend = activeBackend();
    const ws = this.workspaceFor(Math.min(batchSize, data.rows));
    const xRow = x.shape[1] * 4;
    for (let start = 0; start < data.rows; start += ws.capacity) {
      const rows = Math.min(ws.capacity, data.rows - start);
      const bufs = this.buffers(ws);
      this.forward(backend, bufs, x.ptr() + start * xRow, rows, false);
      const y = word(bufs[bufs.length - 1].y);
      backend.heap.f32.copyWithin(word(out.ptr()) + start * width, y, y + rows * width);
    }
    return out;
  }

  /** Loss (and metrics) on x, y: a scalar tensor, or [loss, ...metrics] when metrics were compiled. */
  evaluate(x: Tensor, y: Tensor, args: { batchSize?: number } = {}): Tensor | Tensor[] {
    this.checkLive('evaluate');
    this.checkCompiled('evaluate');
    const batchSize = args.batchSize ?? 32;
    checkInt('evaluate', 'batchSize', batchSize, 1);
    const data = this.prepare('evaluate', x, y);
    try {
      this.build([null, x.shape[1]]);
      const sums = this.measure(data, batchSize, this.plan());
      const values = Array.from(sums, (s) => scalar(s / data.rows));
      return values.length === 1 ? values[0] : values;
    } finally {
      for (const t of data.temporary) t.dispose();
    }
  }

  /** One optimisation step on the whole of x, y; resolves to the loss, or [loss, ...metrics]. */
  async trainOnBatch(x: Tensor, y: Tensor): Promise<number | number[]> {
    this.checkLive('trainOnBatch');
    this.checkCompiled('trainOnBatch');
    const data = this.prepare('trainOnBatch', x, y);
    try {
      this.build([null, x.shape[1]]);
      const backend = activeBackend();
      const ws = this.workspaceFor(data.rows);
      const slots = this.ensureSlots();
      const sums = new Float64Array(this.metrics.length + 1);
      this.step(backend, this.buffers(ws), slots, this.plan(), x.ptr(), data.target.ptr(), data.rows, sums);
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
  async fit(x: Tensor, y: Tensor, args: ModelFitArgs = {}): Promise<History> {
    this.checkLive('fit');
    this.checkCompiled('fit');
    if (args === null || typeof args !== 'object') throw new Error(`fit: args must be an object, got ${describe(args)}`);
    const { epochs = 1, batchSize = 32, shuffle = true, validationSplit = 0, validationData, initialEpoch = 0 } = args;
    checkInt('fit', 'epochs', epochs, 0);
    checkInt('fit', 'batchSize', batchSize, 1);
    checkInt('fit', 'initialEpoch', initialEpoch, 0);
    if (typeof validationSplit !== 'number' || !(validationSplit >= 0 && validationSplit < 1)) throw new Error(`fit: validationSplit must be in [0, 1), got ${describe(validationSplit)}`);
    const hooks = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks];
    for (const [i, cb] of hooks.entries()) if (cb === null || typeof cb !== 'object') throw new Error(`fit: callbacks[${i}] must be an object of hooks, got ${describe(cb)}`);
    const verbose = args.verbose ?? (!inBrowser && (globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process?.stdout?.isTTY ? 1 : 0);

    const all = this.prepare('fit', x, y);
    const temporary = [...all.temporary];
    try {
      let train = all;
      let validation: Data | null = null;
      if (validationData) {
        if (!Array.isArray(validationData) || validationData.length !== 2) throw new Error('fit: validationData must be [xVal, yVal]');
        validation = this.prepare('fit (validationData)', validationData[0], validationData[1], x.shape[1]);
        temporary.push(...validation.temporary);
      } else if (validationSplit > 0) {
        // As TF.js: the last fraction of the samples, before any shuffling.
        const split = Math.floor(all.rows * (1 - validationSplit));
        if (split === 0) throw new Error(`fit: validationSplit ${validationSplit} leaves no training samples out of ${all.rows}`);
        const parts = [all.x, all.target].map((t) => splitRows(t, split));
        temporary.push(...parts.flat());
        train = { rows: split, x: parts[0][0], target: parts[1][0], temporary: [] };
        validation = { rows: all.rows - split, x: parts[0][1], target: parts[1][1], temporary: [] };
      }
      this.build([null, x.shape[1]]);
      return await this.trainEpochs(train, validation, { epochs, batchSize, shuffle, initialEpoch, hooks, verbose });
    } finally {
      for (const t of temporary) t.dispose();
    }
  }

  private async trainEpochs(
    train: Data,
    validation: Data | null,
    opts: { epochs: number; batchSize: number; shuffle: boolean; initialEpoch: number; hooks: CustomCallbackArgs[]; verbose: number },
  ): Promise<History> {
    const history = new History({ epochs: opts.epochs, samples: train.rows, batchSize: opts.batchSize, metrics: this.metricNames });
    for (const cb of opts.hooks) (cb as { setModel?: (m: TrainingModel) => void }).setModel?.(this);
    const call = async (name: keyof CustomCallbackArgs, ...a: unknown[]) => {
      for (const cb of opts.hooks) {
        const r = (cb[name] as ((...args: unknown[]) => unknown) | undefined)?.apply(cb, a);
        if (r instanceof Promise) await r;
      }
    };
    const batchHooks = opts.hooks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
    const out = (globalThis as { process?: { stdout?: { write(s: string): void; isTTY?: boolean } } }).process?.stdout;
    const bar = opts.verbose && out ? new ProgressBar(opts.epochs, train.rows, (s) => out.write(s), !!out.isTTY) : null;

    const rows = train.rows;
    const batch = Math.min(opts.batchSize, rows);
    const xWidth = train.x.shape[1];
    const tWidth = this.loss!.sparse ? 1 : this.outputDim!;
    const order = new Int32Array(rows);
    const randoms = opts.shuffle ? new Block(rows * 4, this) : null;
    const sums = new Float64Array(this.metrics.length + 1);
    const plan = this.plan();
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
          // Read every batch: a callback may have switched backend (setBackend, setThreads) since the last.
          const backend = activeBackend();
          const ws = this.workspaceFor(batch);
          const slots = this.ensureSlots();
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
          const before = sums[0];
          this.step(backend, bufs, slots, plan, xPtr, tPtr, count, sums);
          seen += count;
          if (!Number.isFinite(sums[0])) throw new Error(`fit: the loss became ${sums[0] - before > 0 ? 'Infinity' : 'NaN'} at epoch ${epoch + 1}, batch ${b}; lower the learning rate or check the data`);
          if (batchHooks) await call('onBatchEnd', b, { batch: b, size: count, ...this.logsFrom(sums, seen) });
          bar?.progress(seen, () => this.logsFrom(sums, seen));
          if (inBrowser && performance.now() - lastYield > 16) {
            await new Promise((resolve) => setTimeout(resolve, 0));
            lastYield = performance.now();
          }
        }
        const logs = this.logsFrom(sums, rows);
        if (validation) Object.assign(logs, this.logsFrom(this.measure(validation, Math.max(batch, 256), plan), validation.rows, 'val_'));
        bar?.epochEnd(epoch, logs);
        history.record(epoch, logs);
        await call('onEpochEnd', epoch, logs);
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
  save(handlerOrUrl: string | IOHandler): Promise<SaveResult> {
    this.checkLive('save');
    return saveModel(this, handlerOrUrl);
  }

  // ---- lifetime ----

  /** Frees the weights, optimizer state and buffers. The model cannot be used afterwards. */
  dispose(): void {
    if (this.disposed) return;
    for (const block of [this.params, this.grads, this.slots, this.workspace?.block]) block?.free();
    for (const layer of this.layers) layer.releaseMemory();
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  private checkLive(op: string): void {
    if (this.disposed) throw new Error(`${op}: the model is disposed`);
  }
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
  const first = emptyTensor('fit', t.rank === 2 ? [split, width] : [split], t.dtype);
  const second = emptyTensor('fit', t.rank === 2 ? [rest, width] : [rest], t.dtype);
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
