// The normalization layers, TF.js's batchNormalization and layerNormalization, with its options, defaults, weight
// names and config keys. Batch normalization learns gamma and beta per channel (the `axis`) and keeps moving
// averages of the batches' mean and variance: in training (fit) it normalizes by the batch's own statistics, by
// the fused kernels, and updates the moving ones in place; in inference (predict, evaluate) it normalizes by the
// moving ones. Layer normalization normalizes each sample over `axis` by its own statistics, composing ops.

import { getInitializer, type Initializer } from '../initializers.js';
import { Bcast, BinOp } from '../backend/kernels.js';
import { empty, kernels } from '../ops/op.js';
import { batchNorm, normalizeBatch } from '../ops/normalization.js';
import { moments } from '../ops/reduce.js';
import { reshape, transpose } from '../ops/shape.js';
import { type Tensor, tidy, type Variable } from '../tensor/tensor.js';
import { describe, is, type Schema } from '../validate.js';
import { type SerializedForm, type WeightArgs, type WeightOptions, weightOptions, weightRules } from './kernel.js';
import { knownSize, Layer, type Kwargs, type LayerArgs, type Shape } from './layer.js';

/** The options both layers take: how to normalize, and gamma's and beta's initializers, regularizers and constraints. */
interface GammaBetaArgs extends WeightArgs<'gamma'>, WeightArgs<'beta'> {
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}

export interface BatchNormalizationLayerArgs extends LayerArgs, GammaBetaArgs {
  /** The channels' axis, -1 (the last) by default: statistics are taken over every other axis. */
  axis?: number;
  momentum?: number;
  movingMeanInitializer?: string | Initializer | SerializedForm;
  movingVarianceInitializer?: string | Initializer | SerializedForm;
}

export interface LayerNormalizationLayerArgs extends LayerArgs, GammaBetaArgs {
  /** The axis or axes normalized over, -1 (the last) by default. */
  axis?: number | number[];
}

const AXIS = (op: string, name: string, v: unknown) => {
  if (!Number.isSafeInteger(v)) throw new Error(`${op}: ${name} must be an integer, got ${describe(v)}`);
};

const GAMMA_BETA_OPTIONS: Schema = { epsilon: is.number(0), center: is.bool, scale: is.bool, ...weightRules('gamma'), ...weightRules('beta') };

/** Those options read and checked, with TF.js's defaults (gamma's and beta's by kernel.ts's one reader). */
type GammaBeta = { readonly epsilon: number; readonly center: boolean; readonly scale: boolean } & WeightOptions<'gamma'> & WeightOptions<'beta'>;

function gammaBeta(op: string, args: GammaBetaArgs): GammaBeta {
  return {
    epsilon: args.epsilon ?? 1e-3,
    center: args.center ?? true,
    scale: args.scale ?? true,
    ...weightOptions(op, args, 'beta', 'zeros'),
    ...weightOptions(op, args, 'gamma', 'ones'),
  };
}

const first = (inputs: Tensor | Tensor[]): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);

/** An axis of an input of `rank` as a non-negative index; throws naming the layer when it is out of range. */
function resolveAxis(layer: Layer, axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) throw new Error(`layer ${layer.name}: axis ${axis} is out of range for input of rank ${rank} (expected an integer in [${-rank}, ${rank - 1}])`);
  return axis < 0 ? axis + rank : axis;
}

/**
 * moving = moving - (moving - value)·(1 - momentum), TF.js's update, by kernels writing into the variable's own
 * memory: a training step recorded as a program (model.fit) updates it again at every replay.
 */
function updateMovingAverage(op: string, moving: Variable, value: Tensor, momentum: number): void {
  const n = moving.size;
  if (n === 0) return;
  const delta = empty(op, [n], 'float32');
  const [pm, pv, pd] = [moving.writablePtr(op), value.ptr(op), delta.ptr(op)];
  const k = kernels();
  k.binary(BinOp.Sub, pm, Bcast.Full, pv, Bcast.Full, pd, 1, n);
  k.scale(pd, pd, n, 1 - momentum);
  k.binary(BinOp.Sub, pm, Bcast.Full, pd, Bcast.Full, pm, 1, n);
  delta.dispose();
}

/** Its gamma-and-beta options (epsilon, center, scale, initializers, regularizers, constraints) are GammaBeta's. */
export interface BatchNormalization extends GammaBeta {}

export class BatchNormalization extends Layer {
  static override className = 'BatchNormalization';
  override supportsMasking = true;
  readonly axis: number;
  readonly momentum: number;
  readonly movingMeanInitializer: Initializer;
  readonly movingVarianceInitializer: Initializer;
  private gamma: Variable | null = null;
  private beta: Variable | null = null;
  private movingMean: Variable | null = null;
  private movingVariance: Variable | null = null;

  /** In training it normalizes by the whole batch's statistics. */
  override samplewise(): boolean {
    return false;
  }

  constructor(args?: BatchNormalizationLayerArgs) {
    const op = 'batchNormalization';
    super(args, { op, options: { axis: AXIS, momentum: is.number(0, 1), movingMeanInitializer: is.any, movingVarianceInitializer: is.any, ...GAMMA_BETA_OPTIONS } });
    const given = args ?? {};
    this.axis = given.axis ?? -1;
    this.momentum = given.momentum ?? 0.99;
    this.movingMeanInitializer = getInitializer(op, 'movingMeanInitializer', given.movingMeanInitializer ?? 'zeros');
    this.movingVarianceInitializer = getInitializer(op, 'movingVarianceInitializer', given.movingVarianceInitializer ?? 'ones');
    Object.assign(this, gammaBeta(op, given));
  }

  private channelAxis(rank: number): number {
    if (rank < 2) throw new Error(`layer ${this.name} needs input of rank >= 2 ([batch, ..., channels]), got rank ${rank}`);
    return resolveAxis(this, this.axis, rank);
  }

  override build(inputShape: Shape): void {
    const axis = this.channelAxis(inputShape.length);
    const shape = [knownSize(this, inputShape[axis], `axis ${axis} of its input (the channels)`)];
    if (this.scale) this.gamma = this.addWeight('gamma', shape, 'float32', this.gammaInitializer, this.gammaRegularizer ?? undefined, true, this.gammaConstraint);
    if (this.center) this.beta = this.addWeight('beta', shape, 'float32', this.betaInitializer, this.betaRegularizer ?? undefined, true, this.betaConstraint);
    this.movingMean = this.addWeight('moving_mean', shape, 'float32', this.movingMeanInitializer, undefined, false);
    this.movingVariance = this.addWeight('moving_variance', shape, 'float32', this.movingVarianceInitializer, undefined, false);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.channelAxis(inputShape.length);
    return inputShape;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = first(inputs);
    const axis = this.channelAxis(x.rank);
    const last = axis === x.rank - 1;
    return tidy(() => {
      if (!kwargs.training) {
        // The moving statistics, over the channels' axis: [channels] broadcasts along the last axis by itself.
        const along = (v: Tensor | null) => (v === null || last ? v : reshape(v, x.shape.map((d, i) => (i === axis ? d : 1))));
        return batchNorm(x, along(this.movingMean)!, along(this.movingVariance)!, along(this.beta), along(this.gamma), this.epsilon);
      }
      // The batch's statistics, by the kernels over channels-last data: another axis is moved last and back.
      const perm = [...x.shape.keys()].filter((i) => i !== axis).concat(axis);
      const { y, mean, variance } = normalizeBatch(last ? x : transpose(x, perm), this.gamma, this.beta, this.epsilon);
      updateMovingAverage(this.name, this.movingMean!, mean, this.momentum);
      updateMovingAverage(this.name, this.movingVariance!, variance, this.momentum);
      return last ? y : transpose(y, perm.map((_, i) => perm.indexOf(i)));
    });
  }

  override dispose(): void {
    super.dispose();
    this.gamma = this.beta = this.movingMean = this.movingVariance = null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      axis: this.axis,
      momentum: this.momentum,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: this.betaInitializer,
      gammaInitializer: this.gammaInitializer,
      movingMeanInitializer: this.movingMeanInitializer,
      movingVarianceInitializer: this.movingVarianceInitializer,
      betaRegularizer: this.betaRegularizer,
      gammaRegularizer: this.gammaRegularizer,
      betaConstraint: this.betaConstraint,
      gammaConstraint: this.gammaConstraint,
      ...super.getConfig(),
    };
  }
}

const LAYER_AXIS = (op: string, name: string, v: unknown) => {
  const list = Array.isArray(v) ? v : [v];
  if (list.length === 0 || !list.every((a) => Number.isSafeInteger(a)) || new Set(list).size !== list.length) {
    throw new Error(`${op}: ${name} must be an integer or a non-empty array of distinct integers, got ${describe(v)}`);
  }
};

/** Its gamma-and-beta options (epsilon, center, scale, initializers, regularizers, constraints) are GammaBeta's. */
export interface LayerNormalization extends GammaBeta {}

export class LayerNormalization extends Layer {
  static override className = 'LayerNormalization';
  override supportsMasking = true;
  /** As given until the layer is built, then the axes resolved against the input's rank (as TF.js saves them). */
  axis: number | number[];
  private gamma: Variable | null = null;
  private beta: Variable | null = null;

  constructor(args?: LayerNormalizationLayerArgs) {
    const op = 'layerNormalization';
    super(args, { op, options: { axis: LAYER_AXIS, ...GAMMA_BETA_OPTIONS } });
    const given = args ?? {};
    this.axis = Array.isArray(given.axis) ? given.axis.slice() : (given.axis ?? -1);
    Object.assign(this, gammaBeta(op, given));
  }

  /** The axes normalized over for an input of `rank`, in the order given. */
  private axes(rank: number): number[] {
    const axes = (Array.isArray(this.axis) ? this.axis : [this.axis]).map((a) => resolveAxis(this, a, rank));
    if (new Set(axes).size !== axes.length) throw new Error(`layer ${this.name}: axis ${describe(this.axis)} names an axis twice for input of rank ${rank}`);
    return axes;
  }

  override build(inputShape: Shape): void {
    const axes = this.axes(inputShape.length);
    // gamma and beta take the normalized axes' sizes in the order the axes were given, as TF.js lays them out.
    const shape = axes.map((a) => knownSize(this, inputShape[a], `axis ${a} of its input`));
    if (this.scale) this.gamma = this.addWeight('gamma', shape, 'float32', this.gammaInitializer, this.gammaRegularizer ?? undefined, true, this.gammaConstraint);
    if (this.center) this.beta = this.addWeight('beta', shape, 'float32', this.betaInitializer, this.betaRegularizer ?? undefined, true, this.betaConstraint);
    this.axis = axes;
  }

  /** Each sample on its own, unless its axes include the batch's (TF.js allows axis 0). */
  override samplewise(): boolean {
    return super.samplewise() && this.built && !(this.axis as number[]).includes(0);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.axes(inputShape.length);
    return inputShape;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = first(inputs);
    const axes = this.axes(x.rank);
    return tidy(() => {
      const { mean, variance } = moments(x, axes, true);
      const along = (v: Tensor | null) => v && reshape(v, x.shape.map((d, i) => (axes.includes(i) ? d : 1)));
      return batchNorm(x, mean, variance, along(this.beta), along(this.gamma), this.epsilon);
    });
  }

  override dispose(): void {
    super.dispose();
    this.gamma = this.beta = null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      axis: Array.isArray(this.axis) ? this.axis.slice() : this.axis,
      epsilon: this.epsilon,
      center: this.center,
      scale: this.scale,
      betaInitializer: this.betaInitializer,
      gammaInitializer: this.gammaInitializer,
      betaRegularizer: this.betaRegularizer,
      gammaRegularizer: this.gammaRegularizer,
      // Keras's, which TF.js 4.22 lacks: saved only when given, so that a config without them is TF.js's.
      ...(this.betaConstraint ? { betaConstraint: this.betaConstraint } : {}),
      ...(this.gammaConstraint ? { gammaConstraint: this.gammaConstraint } : {}),
      ...super.getConfig(),
    };
  }
}
