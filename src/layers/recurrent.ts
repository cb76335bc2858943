// The recurrent layers, TF.js's: simpleRNN, lstm and gru, their cells, tf.layers.rnn over a cell or a stack of
// them. A cell runs a whole sequence as one fused node (src/ops/recurrent.ts); the layer around it transposes to
// time-major, reverses for goBackwards, passes the mask that holds a row's state through its masked steps, and
// returns the sequence or the last output, with the final states when asked. A cell's weights belong to the
// layer that builds it and are named as TF.js names them (`lstm_LSTM1/kernel`, `rnn_RNN1/RNNCell_0/kernel`).
// A stateful layer keeps its last states between calls (and between fit's batches) in variables of its own,
// written in place by kernels, so a recorded training step carries them too. Left out: cells other than the
// built-in ones.

import type { Backend } from '../backend/backend.js';
import type { Ptr } from '../backend/kernels.js';
import { type Activation, getActivation } from '../activations.js';
import type { Initializer } from '../initializers.js';
import { activeBackend } from '../engine.js';
import { cast } from '../ops/cast.js';
import { zeros, ones } from '../ops/creation.js';
import { mul } from '../ops/arithmetic.js';
import { dropoutMask } from '../ops/fused.js';
import { empty, kernels } from '../ops/op.js';
import { gruSequence, lstmSequence, simpleRnnSequence } from '../ops/recurrent.js';
import { expandDims, reshape, reverse, slice, split, squeeze, transpose } from '../ops/shape.js';
import { registeredClass } from '../serialization.js';
import { Tensor, uniqueVariableName, Variable } from '../tensor/tensor.js';
import { checkInt, checkTensor, describe, is, type Schema } from '../validate.js';
import { type WeightArgs, type WeightOptions, weightOptions, weightRules } from './kernel.js';
import { isShapeList, knownSize, Layer, type Kwargs, type LayerArgs, type Masks, type Shape, shapeText } from './layer.js';
import { SymbolicTensor } from './symbolic.js';

// ---- cells ----

export interface SimpleRNNCellLayerArgs extends LayerArgs, WeightArgs<'kernel'>, WeightArgs<'recurrent'>, WeightArgs<'bias'> {
  units: number;
  activation?: string;
  useBias?: boolean;
  dropout?: number;
  recurrentDropout?: number;
}

export interface GRUCellLayerArgs extends SimpleRNNCellLayerArgs {
  recurrentActivation?: string;
  /** Accepted as TF.js accepts it: TF.js always computes its "implementation 2". */
  implementation?: number;
  /** TF.js's GRU is the reset-before form; true is refused, as in TF.js. */
  resetAfter?: boolean;
}

export interface LSTMCellLayerArgs extends SimpleRNNCellLayerArgs {
  recurrentActivation?: string;
  /** Adds 1 to the forget gate's bias at initialization (default true). */
  unitForgetBias?: boolean;
  implementation?: number;
}

const CELL_OPTIONS: Schema = {
  units: is.int(1),
  activation: is.any,
  useBias: is.bool,
  ...weightRules('kernel'),
  ...weightRules('recurrent'),
  ...weightRules('bias'),
  activityRegularizer: is.unsupported(),
  dropout: is.number(0, 1),
  recurrentDropout: is.number(0, 1),
  dropoutFunc: is.unsupported('neurite draws dropout masks from its seeded generator'),
};
const GATED_OPTIONS: Schema = { ...CELL_OPTIONS, recurrentActivation: is.any, implementation: is.int(0, 2) };

/** The weight options every cell has: its kernel's, its recurrent kernel's and its bias's. */
type CellWeights = WeightOptions<'kernel'> & WeightOptions<'recurrent'> & WeightOptions<'bias'>;

/** What a cell's sequence gives: every step's output h [time, batch, units] and the states after the last step. */
export interface Sequence {
  h: Tensor;
  states: Tensor[];
}

/**
 * A recurrent cell (TF.js's RNNCell): weights for one step from inputs of `features` to `units` states. Its
 * `sequence` runs many steps as one fused node; `call` (a cell applied on its own: [x, ...states] to
 * [h, ...new states]) is a sequence of one step.
 */
export abstract class RNNCell extends Layer {
  /** The size of each state: one number, or one per state (LSTM: [units, units]). */
  abstract readonly stateSize: number | number[];
  /** The sizes of the states, one per state. */
  get stateSizes(): number[] {
    return Array.isArray(this.stateSize) ? this.stateSize.slice() : [this.stateSize];
  }

  /** @internal The steps of x [time, batch, features] from `states` ([batch, size] each), holding rows where mask [time, batch] is 0. */
  abstract sequence(x: Tensor, states: Tensor[], mask: Tensor | null, training: boolean): Sequence;

  override computeOutputShape(inputShape: Shape | Shape[]): Shape[] {
    const batch = (isShapeList(inputShape) ? inputShape[0] : inputShape)[0];
    const units = this.stateSizes[0];
    return [[batch, units], ...this.stateSizes.map((size) => [batch, size])];
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor[] {
    const list = Array.isArray(inputs) ? inputs : [inputs];
    const sizes = this.stateSizes;
    if (list.length !== 1 + sizes.length) throw new Error(`layer ${this.name} expects ${1 + sizes.length} inputs (x, then ${sizes.length} state${sizes.length > 1 ? 's' : ''}), got ${list.length}`);
    const [x, ...states] = list;
    checkStates(this.name, 'inputs', states, x.shape[0], sizes);
    const { h, states: next } = this.sequence(expandDims(x, 0), states, null, kwargs.training === true);
    return [squeeze(h, [0]), ...next];
  }
}

/** Throws unless each state is [batch, size] for its size. */
function checkStates(layer: string, arg: string, states: Tensor[], batch: number, sizes: number[]): void {
  states.forEach((s, i) => {
    if (s.rank !== 2 || s.shape[0] !== batch || s.shape[1] !== sizes[i]) {
      throw new Error(`layer ${layer}: ${arg} state ${i} must have shape [${batch}, ${sizes[i]}] ([batch, units]), got [${s.shape.join(', ')}]`);
    }
  });
}

/** Its weights' options (initializers, regularizers, constraints) are kernel.ts's. */
interface BuiltinCell extends CellWeights {}

/** The options the built-in cells share, read and checked, with TF.js's defaults. */
abstract class BuiltinCell extends RNNCell {
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly dropout: number;
  readonly recurrentDropout: number;
  protected kernel: Variable | null = null;
  protected recurrentKernel: Variable | null = null;
  protected bias: Variable | null = null;

  /** Columns of the kernels per unit: one per gate. */
  protected abstract readonly gates: number;

  override samplewise(): boolean {
    return super.samplewise() && this.dropout === 0 && this.recurrentDropout === 0;
  }

  constructor(op: string, args: SimpleRNNCellLayerArgs, options: Schema) {
    super(args, { op, options, required: { units: 'the number of units, a positive integer' } });
    checkInt(op, 'units', args.units, 1);
    this.units = args.units;
    this.activation = recurrentActivation(op, 'activation', args.activation ?? 'tanh');
    this.useBias = args.useBias ?? true;
    this.dropout = args.dropout ?? 0;
    this.recurrentDropout = args.recurrentDropout ?? 0;
    const weights: CellWeights = {
      ...weightOptions(op, args, 'kernel', 'glorotNormal'),
      ...weightOptions(op, args, 'recurrent', 'orthogonal'),
      ...weightOptions(op, args, 'bias', 'zeros'),
    };
    Object.assign(this, weights);
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = isShapeList(inputShape) ? inputShape[0] : inputShape;
    const features = knownSize(this, shape.at(-1), 'the last axis of its input (the features)');
    const columns = this.gates * this.units;
    this.kernel = this.addWeight('kernel', [features, columns], 'float32', this.kernelInitializer, this.kernelRegularizer ?? undefined, true, this.kernelConstraint);
    this.recurrentKernel = this.addWeight('recurrent_kernel', [this.units, columns], 'float32', this.recurrentInitializer, this.recurrentRegularizer ?? undefined, true, this.recurrentConstraint);
    if (this.useBias) this.bias = this.addWeight('bias', [columns], 'float32', this.biasInitializer_(), this.biasRegularizer ?? undefined, true, this.biasConstraint);
  }

  /** The bias's initializer (LSTM's adds its forget-gate ones). */
  protected biasInitializer_(): Initializer {
    return this.biasInitializer;
  }

  /** x, with the same dropout mask for every step (TF.js's one mask per call) while training. */
  protected dropped(x: Tensor, training: boolean): Tensor {
    if (!training || this.dropout === 0) return x;
    const [, batch, features] = x.shape;
    return mul(x, dropoutMask(ones([1, batch, features]), this.dropout, activeBackend().rngState));
  }

  /** While training, the mask the recurrent products' states are multiplied by (TF.js's one per call), else null. */
  protected recurrentMask(batch: number, training: boolean): Tensor | null {
    if (!training || this.recurrentDropout === 0) return null;
    return dropoutMask(ones([batch, this.units]), this.recurrentDropout, activeBackend().rngState);
  }

  /** Its weights as the fused ops take them. */
  protected weightsOf(): [Tensor, Tensor, Tensor | null] {
    if (!this.kernel || !this.recurrentKernel) throw new Error(`layer ${this.name} is not built yet`);
    return [this.kernel, this.recurrentKernel, this.bias];
  }

  override dispose(): void {
    super.dispose();
    this.kernel = this.recurrentKernel = this.bias = null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      units: this.units,
      activation: this.activation.name,
      ...this.gatedConfig(),
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      recurrentInitializer: this.recurrentInitializer,
      biasInitializer: this.biasInitializer,
      ...this.forgetConfig(),
      kernelRegularizer: this.kernelRegularizer,
      recurrentRegularizer: this.recurrentRegularizer,
      biasRegularizer: this.biasRegularizer,
      activityRegularizer: null,
      kernelConstraint: this.kernelConstraint,
      recurrentConstraint: this.recurrentConstraint,
      biasConstraint: this.biasConstraint,
      dropout: this.dropout,
      recurrentDropout: this.recurrentDropout,
      ...super.getConfig(),
    };
  }

  /** The gated cells' recurrentActivation. */
  protected gatedConfig(): Record<string, unknown> {
    return {};
  }

  /** LSTM's unitForgetBias. */
  protected forgetConfig(): Record<string, unknown> {
    return {};
  }
}

/** An activation a recurrent kernel applies (softmax is row-wise and has no place inside a cell). */
function recurrentActivation(op: string, name: string, value: unknown): Activation {
  const activation = getActivation(op, value);
  if (activation.softmax) throw new Error(`${op}: ${name} cannot be softmax in a recurrent cell (it is row-wise); got ${describe(value)}`);
  return activation;
}

export class SimpleRNNCell extends BuiltinCell {
  static override className = 'SimpleRNNCell';
  protected readonly gates = 1;

  constructor(args: SimpleRNNCellLayerArgs) {
    super('simpleRNNCell', args, CELL_OPTIONS);
  }

  get stateSize(): number {
    return this.units;
  }

  sequence(x: Tensor, states: Tensor[], mask: Tensor | null, training: boolean): Sequence {
    const [kernel, recurrent, bias] = this.weightsOf();
    const h = simpleRnnSequence(this.dropped(x, training), kernel, recurrent, bias, states[0], mask, this.recurrentMask(x.shape[1], training), this.activation);
    return { h, states: [lastStep(h)] };
  }
}

/** Options of the gated cells: recurrentActivation (hardSigmoid by default, as TF.js), implementation. */
abstract class GatedCell extends BuiltinCell {
  readonly recurrentActivation: Activation;
  readonly implementation: number;

  constructor(op: string, args: GRUCellLayerArgs | LSTMCellLayerArgs, options: Schema) {
    super(op, args, options);
    this.recurrentActivation = recurrentActivation(op, 'recurrentActivation', args.recurrentActivation ?? 'hardSigmoid');
    this.implementation = args.implementation ?? 1;
  }

  protected override gatedConfig(): Record<string, unknown> {
    return { recurrentActivation: this.recurrentActivation.name };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), implementation: this.implementation };
  }
}

export class GRUCell extends GatedCell {
  static override className = 'GRUCell';
  protected readonly gates = 3;

  constructor(args: GRUCellLayerArgs) {
    super('gruCell', args, { ...GATED_OPTIONS, resetAfter: is.bool });
    if (args.resetAfter) throw new Error('gruCell: resetAfter: true is not supported (TF.js computes the reset gate before the recurrent product, resetAfter: false)');
  }

  get stateSize(): number {
    return this.units;
  }

  sequence(x: Tensor, states: Tensor[], mask: Tensor | null, training: boolean): Sequence {
    const [kernel, recurrent, bias] = this.weightsOf();
    const u = this.units;
    // The update and reset gates' columns apart from the candidate's, as the fused op takes them.
    const [kernelZR, kernelH] = split(kernel, [2 * u, u], 1);
    const [recurrentZR, recurrentH] = split(recurrent, [2 * u, u], 1);
    const [biasZR, biasH] = bias ? split(bias, [2 * u, u], 0) : [null, null];
    const dropMask = this.recurrentMask(x.shape[1], training);
    if (dropMask && mask) throw new Error(`layer ${this.weightHost?.layer.name ?? this.name}: recurrentDropout together with a mask is not supported yet for GRU`);
    const h = gruSequence(this.dropped(x, training), kernelZR, kernelH, recurrentZR, recurrentH, biasZR, biasH, states[0], mask, dropMask, this.activation, this.recurrentActivation);
    return { h, states: [lastStep(h)] };
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), resetAfter: false };
  }
}

export class LSTMCell extends GatedCell {
  static override className = 'LSTMCell';
  protected readonly gates = 4;
  readonly unitForgetBias: boolean;

  constructor(args: LSTMCellLayerArgs) {
    super('lstmCell', args, { ...GATED_OPTIONS, unitForgetBias: is.bool });
    // TF.js 4.22 leaves it off unless given (Keras turns it on): an LSTM starts as TF.js's does.
    this.unitForgetBias = args.unitForgetBias ?? false;
  }

  get stateSize(): number[] {
    return [this.units, this.units];
  }

  /** With unitForgetBias, TF.js's: the bias initializer for the input gate, ones for the forget gate, it again for the rest. */
  protected override biasInitializer_(): Initializer {
    if (!this.unitForgetBias) return this.biasInitializer;
    const base = this.biasInitializer;
    const u = this.units;
    return {
      className: base.className,
      getConfig: () => base.getConfig(),
      fill(backend: Backend, ptr: Ptr, shape: number[]): void {
        base.fill(backend, ptr, [u]);
        backend.kernels.fill(ptr + u * 4, u, 1);
        base.fill(backend, ptr + 2 * u * 4, [shape[0] - 2 * u]);
      },
    };
  }

  protected override forgetConfig(): Record<string, unknown> {
    return { unitForgetBias: this.unitForgetBias };
  }

  sequence(x: Tensor, states: Tensor[], mask: Tensor | null, training: boolean): Sequence {
    const [kernel, recurrent, bias] = this.weightsOf();
    const [h, c] = lstmSequence(this.dropped(x, training), kernel, recurrent, bias, states[0], states[1], mask, this.recurrentMask(x.shape[1], training), this.activation, this.recurrentActivation);
    return { h, states: [lastStep(h), c] };
  }
}

/** A copy of t in memory of its own (a kernel's, so a recorded step makes it again). */
function copyOf(t: Tensor): Tensor {
  const out = empty('copy', t.shape.slice(), 'float32');
  if (out.size > 0) kernels().scale(t.ptr('copy'), out.ptr('copy'), t.size, 1);
  return out;
}

/** The last step of h [time, batch, units]: [batch, units]. */
function lastStep(h: Tensor): Tensor {
  const [T, B, U] = h.shape;
  return reshape(slice(h, [T - 1, 0, 0], [1, B, U]), [B, U]);
}

export interface StackedRNNCellsArgs extends LayerArgs {
  cells: RNNCell[];
}

/** Cells run one after another at every step: each one's output is the next one's input (TF.js's StackedRNNCells). */
export class StackedRNNCells extends RNNCell {
  static override className = 'StackedRNNCells';
  readonly cells: RNNCell[];

  override samplewise(): boolean {
    return super.samplewise() && this.cells.every((c) => c.samplewise());
  }

  constructor(args: StackedRNNCellsArgs) {
    super(args, { op: 'stackedRNNCells', options: { cells: is.any }, required: { cells: 'an array of recurrent cells' } });
    this.cells = checkCells('stackedRNNCells', args.cells);
  }

  /** The last cell's states first (TF.js's order), so that the first state is the output's size. */
  get stateSize(): number[] {
    return [...this.cells].reverse().flatMap((cell) => cell.stateSizes);
  }

  override build(inputShape: Shape | Shape[]): void {
    let shape = (isShapeList(inputShape) ? inputShape[0] : inputShape).slice();
    this.cells.forEach((cell, i) => {
      cell.weightHost = { layer: this.weightHost?.layer ?? this, prefix: `${this.weightHost?.prefix ?? ''}RNNCell_${i}/` };
      cell.ensureBuilt(shape, `${this.name}.build`);
      shape = [shape[0], cell.stateSizes[0]];
    });
  }

  sequence(x: Tensor, states: Tensor[], mask: Tensor | null, training: boolean): Sequence {
    // Each cell's states, from the end of the list (the first cell's come last).
    let end = states.length;
    const own = this.cells.map((cell) => {
      end -= cell.stateSizes.length;
      return states.slice(end, end + cell.stateSizes.length);
    });
    let h = x;
    const next: Tensor[][] = [];
    this.cells.forEach((cell, i) => {
      const out = cell.sequence(h, own[i], mask, training);
      h = out.h;
      next.push(out.states);
    });
    return { h, states: next.reverse().flat() };
  }

  override dispose(): void {
    super.dispose();
    for (const cell of this.cells) cell.dispose();
  }

  override getConfig(): Record<string, unknown> {
    return { ...super.getConfig(), cells: this.cells.map((cell) => ({ className: cell.className, config: cell.getConfig() })) };
  }

  static override fromConfig<T extends Layer>(cls: new (config: Record<string, unknown>) => T, config: Record<string, unknown>): T {
    return new cls({ ...config, cells: (config.cells as unknown[]).map((c) => cellFromConfig('stackedRNNCells', c)) });
  }
}

function checkCells(op: string, cells: unknown): RNNCell[] {
  if (!Array.isArray(cells) || cells.length === 0 || !cells.every((c) => c instanceof RNNCell)) {
    throw new Error(`${op}: cells must be a non-empty array of recurrent cells (tf.layers.simpleRNNCell, lstmCell, gruCell), got ${describe(cells)}`);
  }
  return cells;
}

/** A cell from its saved form {className, config}, through the class registry. */
function cellFromConfig(op: string, saved: unknown): RNNCell {
  const { className, config } = (saved ?? {}) as { className?: unknown; config?: unknown };
  const cls = typeof className === 'string' ? registeredClass(className) : undefined;
  const cell = cls ? cls.fromConfig(cls, (config ?? {}) as Record<string, unknown>) : undefined;
  if (!(cell instanceof RNNCell)) throw new Error(`${op}: cell must be a saved recurrent cell ({className, config}), got ${describe(saved)}`);
  return cell;
}

// ---- layers ----

/** The options of every recurrent layer (TF.js's BaseRNNLayerArgs). */
export interface BaseRNNLayerArgs extends LayerArgs {
  /** Return every step's output [batch, time, units] instead of the last [batch, units]. */
  returnSequences?: boolean;
  /** Return [output, ...final states]. */
  returnState?: boolean;
  /** Run the sequence from its last step to its first (the outputs come in that order too, as TF.js). */
  goBackwards?: boolean;
  /** Keep the last states of each call as the next call's initial states (the batch size must be fixed). */
  stateful?: boolean;
  /** Accepted as TF.js accepts it; the fused sequence makes it moot. */
  unroll?: boolean;
  /** Shorthand for inputShape [inputLength, inputDim]. */
  inputLength?: number;
}

export interface RNNLayerArgs extends BaseRNNLayerArgs {
  cell: RNNCell | RNNCell[];
}

const RNN_OPTIONS: Schema = {
  returnSequences: is.bool,
  returnState: is.bool,
  goBackwards: is.bool,
  stateful: is.bool,
  unroll: is.bool,
  inputLength: is.int(1),
};

/** A layer running a cell over the time axis of [batch, time, features] (TF.js's RNN, tf.layers.rnn). */
export class RNN extends Layer {
  static override className = 'RNN';
  readonly cell: RNNCell;
  readonly returnSequences: boolean;
  readonly returnState: boolean;
  readonly goBackwards: boolean;
  readonly unroll: boolean;
  readonly stateful: boolean;
  override supportsMasking = true;
  /** A stateful layer's states, [batch, size] each, carried from call to call. */
  private kept: Variable[] | null = null;

  /** A stateful layer carries its states from batch to batch. */
  override samplewise(): boolean {
    return super.samplewise() && !this.stateful && this.cell.samplewise();
  }

  constructor(args: RNNLayerArgs, own?: { op: string; options: Schema; cell: (args: BaseRNNLayerArgs) => RNNCell }) {
    const op = own?.op ?? 'rnn';
    super(withInputShape(op, args), { op, options: { ...RNN_OPTIONS, ...(own ? own.options : { cell: is.any }) }, required: own ? { units: 'the number of units, a positive integer' } : { cell: 'a recurrent cell or an array of them' } });
    this.cell = own ? own.cell(args) : Array.isArray(args.cell) ? new StackedRNNCells({ cells: args.cell }) : checkCells(op, [args.cell])[0];
    this.returnSequences = args.returnSequences ?? false;
    this.returnState = args.returnState ?? false;
    this.goBackwards = args.goBackwards ?? false;
    this.unroll = args.unroll ?? false;
    this.stateful = args.stateful ?? false;
  }

  /** The sequence's shape: the first of several inputs (the others are initial states). */
  private sequenceShape(inputShape: Shape | Shape[]): Shape {
    const shape = isShapeList(inputShape) ? inputShape[0] : inputShape;
    if (shape.length !== 3) throw new Error(`layer ${this.name} needs input of rank 3 ([batch, time, features]), got ${shapeText(shape)}`);
    return shape;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = this.sequenceShape(inputShape);
    this.cell.weightHost = { layer: this, prefix: '' };
    this.cell.ensureBuilt([shape[0], shape[2]], `${this.name}.build`);
    if (!this.stateful) return;
    // Tensors reach build with the batch axis unknown: the layer's own batchInputShape may know it.
    const batch = shape[0] ?? this.batchInputShape?.[0] ?? null;
    if (batch === null) throw new Error(`layer ${this.name} is stateful, so it needs to know its batch size: give the model's first layer batchInputShape (e.g. [32, 10, 8]) or batchSize, or tf.input a batchShape`);
    this.kept = this.cell.stateSizes.map((size, i) => {
      const initial = zeros([batch, size]);
      const state = new Variable(initial, false, uniqueVariableName(`${this.name}/state_${i}`));
      initial.dispose();
      return state;
    });
  }

  /** A stateful layer's current states ([batch, size] each); nulls for a layer that keeps none (TF.js's layer.states). */
  get states(): Array<Tensor | null> {
    return this.kept ? this.kept.slice() : this.cell.stateSizes.map(() => null);
  }

  /**
   * Sets a stateful layer's states to zeros, or to `states` ([batch, size] each), in place: a training step fit
   * has recorded keeps reading them where they are.
   * @example model.layers[0].resetStates();
   */
  resetStates(states?: Tensor | Tensor[]): void {
    const op = `${this.name}.resetStates`;
    if (!this.stateful) throw new Error(`${op}: layer ${this.name} is not stateful (give it stateful: true)`);
    if (!this.kept) throw new Error(`${op}: layer ${this.name} is not built yet`);
    const kept = this.kept;
    const given = states === undefined || states === null ? null : Array.isArray(states) ? states : [states];
    if (given) {
      if (given.length !== kept.length) throw new Error(`${op}: layer ${this.name} keeps ${kept.length} state${kept.length > 1 ? 's' : ''}, got ${given.length}`);
      given.forEach((t, i) => checkTensor(op, `states[${i}]`, t, 'float32'));
      checkStates(this.name, 'resetStates', given, kept[0].shape[0], this.cell.stateSizes);
    }
    kept.forEach((v, i) => {
      const to = v.writablePtr(op);
      if (given) kernels().scale(given[i].ptr(op), to, v.size, 1);
      else kernels().fill(to, v.size, 0);
    });
  }

  /** Built for one sequence, the layer takes sequences of any length (TF.js's inputSpec [batch, null, features]). */
  override ensureBuilt(inputShape: Shape | Shape[], op: string): void {
    const built = this.built;
    super.ensureBuilt(inputShape, op);
    if (built || this.builtInputShape === null) return;
    for (const shape of isShapeList(this.builtInputShape) ? this.builtInputShape.slice(0, 1) : [this.builtInputShape]) shape[1] = null;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const [batch, time] = this.sequenceShape(inputShape);
    const sizes = this.cell.stateSizes;
    const output: Shape = this.returnSequences ? [batch, time, sizes[0]] : [batch, sizes[0]];
    return this.returnState ? [output, ...sizes.map((size) => [batch, size])] : output;
  }

  override computeMask(_inputs: Tensor | Tensor[], mask?: Masks): Masks {
    const own = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const output = this.returnSequences ? own : null;
    return this.returnState ? [output, ...this.cell.stateSizes.map(() => null)] : output;
  }

  /**
   * Initial states come after the input in `inputs` or in kwargs.initialState, as in TF.js. A model's graph
   * records symbolic ones as inputs; tensors are passed on in kwargs, so the layer checks and builds on the
   * sequence alone, whichever way a call gives its states.
   */
  override apply(inputs: any, kwargs: Kwargs = {}): any {
    return super.apply(...withStates(this.name, inputs, kwargs));
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const [x, ...listed] = Array.isArray(inputs) ? inputs : [inputs];
    const given = listed.length > 0 ? listed : ((kwargs.initialState as Tensor[] | undefined) ?? []);
    const sizes = this.cell.stateSizes;
    const [batch, time] = x.shape;
    if (x.rank !== 3) throw new Error(`layer ${this.name} needs input of rank 3 ([batch, time, features]), got [${x.shape.join(', ')}]`);
    if (time === 0) throw new Error(`layer ${this.name} needs at least one time step, got input of shape [${x.shape.join(', ')}]`);
    if (given.length !== 0 && given.length !== sizes.length) throw new Error(`layer ${this.name} has ${sizes.length} state${sizes.length > 1 ? 's' : ''} but was given ${given.length} initial state${given.length > 1 ? 's' : ''}`);
    checkStates(this.name, 'initialState', given, batch, sizes);
    if (this.kept && batch !== this.kept[0].shape[0]) throw new Error(`layer ${this.name} is stateful with batch size ${this.kept[0].shape[0]}, got input of shape [${x.shape.join(', ')}]`);
    // A stateful layer starts from copies of its states: their own memory is rewritten once the steps are done.
    const states = given.length > 0 ? given : this.kept ? this.kept.map((v) => copyOf(v)) : sizes.map((size) => zeros([batch, size]));
    let steps = transpose(x, [1, 0, 2]);
    let mask = this.maskOf(kwargs.mask, batch, time);
    if (this.goBackwards) {
      steps = reverse(steps, 0);
      if (mask) mask = reverse(mask, 0);
    }
    const { h, states: last } = this.cell.sequence(steps, states, mask, kwargs.training === true);
    this.kept?.forEach((v, i) => kernels().scale(last[i].ptr(this.name), v.writablePtr(this.name), v.size, 1));
    const output = this.returnSequences ? transpose(h, [1, 0, 2]) : last[0];
    return this.returnState ? [output, ...last] : output;
  }

  /** The mask as the fused ops read it: float32 [time, batch] of 0 and 1, or null. */
  private maskOf(mask: unknown, batch: number, time: number): Tensor | null {
    if (mask === undefined || mask === null) return null;
    const given = Array.isArray(mask) ? mask[0] : mask;
    if (given === null || given === undefined) return null;
    if (!(given instanceof Tensor) || given.size !== batch * time) throw new Error(`layer ${this.name}: mask must be a tensor of shape [${batch}, ${time}] ([batch, time]), got ${describe(given)}`);
    return transpose(cast(cast(reshape(given, [batch, time]), 'bool'), 'float32'), [1, 0]);
  }

  override dispose(): void {
    super.dispose();
    this.cell.dispose();
    for (const v of this.kept ?? []) v.dispose();
    this.kept = null;
  }

  override getConfig(): Record<string, unknown> {
    const config: Record<string, unknown> = {
      ...this.cellConfig(),
      ...super.getConfig(),
      returnSequences: this.returnSequences,
      returnState: this.returnState,
      goBackwards: this.goBackwards,
      stateful: this.stateful,
      unroll: this.unroll,
    };
    return config;
  }

  /** The cell's options as this layer's config carries them: tf.layers.rnn's as `cell`, the named layers' inline. */
  protected cellConfig(): Record<string, unknown> {
    return { cell: { className: this.cell.className, config: this.cell.getConfig() } };
  }

  static override fromConfig<T extends Layer>(cls: new (config: Record<string, unknown>) => T, config: Record<string, unknown>): T {
    const given = Object.fromEntries(Object.entries(config).filter(([, v]) => v !== null));
    if ((cls as unknown) !== RNN) return new cls(given);
    // TF.js merges the cell's config into the layer's; the layer's own keys are the RNN's.
    const own = Object.fromEntries(Object.entries(given).filter(([k]) => k in RNN_OPTIONS || ['name', 'trainable', 'batchInputShape', 'dtype', 'cell'].includes(k)));
    return new cls({ ...own, cell: cellFromConfig('rnn', config.cell) });
  }
}

/**
 * A recurrent layer's apply arguments with its initial states where they go: after the input for symbolic
 * tensors (a model records them as inputs), in kwargs.initialState for tensors.
 */
export function withStates(name: string, inputs: unknown, kwargs: Kwargs): [any, Kwargs] {
  const { initialState, ...rest } = kwargs;
  const given = initialState === undefined || initialState === null ? [] : Array.isArray(initialState) ? initialState : [initialState];
  if (given.length > 0 && Array.isArray(inputs)) throw new Error(`${name}.apply: give the initial states either after the input in inputs or as kwargs.initialState, not both`);
  const [x, ...states] = Array.isArray(inputs) ? inputs : [inputs, ...given];
  if (states.length === 0) return [x, rest];
  if (x instanceof SymbolicTensor) return [[x, ...states], rest];
  return [x, { ...rest, initialState: states }];
}

/** The args with inputLength and inputDim folded into an inputShape [inputLength, inputDim], as TF.js's RNN does. */
function withInputShape(op: string, args: BaseRNNLayerArgs): LayerArgs {
  if (args === null || typeof args !== 'object') throw new Error(`${op}: expected an arguments object, got ${describe(args)}`);
  if (args.inputLength === undefined || args.inputShape !== undefined || args.batchInputShape !== undefined) return args;
  const { inputLength, inputDim, ...rest } = args;
  return { ...rest, inputShape: [inputLength, inputDim ?? null] };
}

/** simpleRNN, lstm and gru: an RNN over their own cell, whose options the layer takes and saves inline. */
abstract class NamedRNN extends RNN {
  protected override cellConfig(): Record<string, unknown> {
    const { name: _name, trainable: _trainable, ...own } = this.cell.getConfig();
    return own;
  }
}

/** The options of a named layer's cell, taken from its args (the layer's own are the RNN's). */
function cellArgs<A extends SimpleRNNCellLayerArgs>(args: BaseRNNLayerArgs): A {
  const { name: _n, inputShape: _i, inputDim: _d, batchInputShape: _b, batchSize: _s, returnSequences: _r, returnState: _t, goBackwards: _g, stateful: _f, unroll: _u, inputLength: _l, trainable: _tr, dtype: _dt, ...cell } = args;
  return cell as A;
}

export type SimpleRNNLayerArgs = BaseRNNLayerArgs & SimpleRNNCellLayerArgs;
export type LSTMLayerArgs = BaseRNNLayerArgs & LSTMCellLayerArgs;
export type GRULayerArgs = BaseRNNLayerArgs & GRUCellLayerArgs;

export class SimpleRNN extends NamedRNN {
  static override className = 'SimpleRNN';
  constructor(args: SimpleRNNLayerArgs) {
    super(args as unknown as RNNLayerArgs, { op: 'simpleRNN', options: CELL_OPTIONS, cell: (a) => new SimpleRNNCell(cellArgs(a)) });
  }
}

export class LSTM extends NamedRNN {
  static override className = 'LSTM';
  constructor(args: LSTMLayerArgs) {
    super(args as unknown as RNNLayerArgs, { op: 'lstm', options: { ...GATED_OPTIONS, unitForgetBias: is.bool }, cell: (a) => new LSTMCell(cellArgs(a)) });
  }
}

export class GRU extends NamedRNN {
  static override className = 'GRU';
  constructor(args: GRULayerArgs) {
    super(args as unknown as RNNLayerArgs, { op: 'gru', options: { ...GATED_OPTIONS, resetAfter: is.bool }, cell: (a) => new GRUCell(cellArgs(a)) });
  }
}
