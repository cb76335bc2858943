// The convolution layers, TF.js's, with its weight names and layouts: conv2d and conv1d (kernel [kH, kW,
// inChannels, filters], conv1d [k, inChannels, filters]; conv1d also pads 'causal'), conv2dTranspose (kernel
// [kH, kW, filters, inChannels]), depthwiseConv2d (depthwise_kernel [kH, kW, inChannels, depthMultiplier]) and
// separableConv2d (that, then pointwise_kernel [1, 1, inChannels·depthMultiplier, filters]). Each is its conv
// op, then the bias and the activation as one fused node (the activation left out when the loss folds it in,
// as dense does). channelsLast only.

import { conv1d, conv2d, conv2dTranspose, depthwiseConv2d, separableConv2d } from '../ops/conv.js';
import { biasActivate, LINEAR } from '../ops/fused.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { describe, is, type Rule, type Schema } from '../validate.js';
import { BIAS_OPTIONS, type BiasArgs, type BiasOptions, biasOptions, type KernelArgs, type WeightArgs, type WeightOptions, weightOptions, weightRules } from './kernel.js';
import { knownSize, Layer, shapeText, type Kwargs, type LayerArgs, type Shape } from './layer.js';

export type ConvPadding = 'valid' | 'same';

/** The options of every convolution layer (TF.js's BaseConvLayerArgs). */
export interface BaseConvLayerArgs extends LayerArgs, BiasArgs {
  kernelSize: number | number[];
  strides?: number | number[];
  padding?: ConvPadding;
  dataFormat?: 'channelsLast';
  dilationRate?: number | number[];
}

export interface ConvLayerArgs extends Omit<BaseConvLayerArgs, 'padding'>, KernelArgs {
  filters: number;
  /** 'causal' for conv1d only: the window ends at its step, left padding of dilationRate·(kernelSize - 1). */
  padding?: ConvPadding | 'causal';
}

export interface DepthwiseConv2DLayerArgs extends BaseConvLayerArgs, WeightArgs<'depthwise'> {
  depthMultiplier?: number;
}

export interface SeparableConvLayerArgs extends BaseConvLayerArgs, WeightArgs<'depthwise'>, WeightArgs<'pointwise'> {
  filters: number;
  depthMultiplier?: number;
}

const BASE_CONV_OPTIONS: Schema = { kernelSize: is.any, strides: is.any, padding: is.oneOf('valid', 'same'), dataFormat: is.any, dilationRate: is.any, ...BIAS_OPTIONS };

/** kernelInitializer and the like, refused by a layer whose kernels go by other names (TF.js's depthwiseConv2d ignores them). */
function otherKernels(...prefixes: string[]): Schema {
  const rule: Rule = (op, name) => {
    throw new Error(`${op}: ${name} is not an option of this layer; its kernel options are ${prefixes.map((p) => describe(name.replace('kernel', p))).join(' and ')}`);
  };
  return { kernelInitializer: rule, kernelRegularizer: rule, kernelConstraint: rule };
}

const CONV_OPTIONS: Schema = { filters: is.int(1), ...BASE_CONV_OPTIONS, ...weightRules('kernel') };
const CONV1D_OPTIONS: Schema = { ...CONV_OPTIONS, padding: is.oneOf('valid', 'same', 'causal') };
const DEPTHWISE_OPTIONS: Schema = { ...BASE_CONV_OPTIONS, depthMultiplier: is.int(1), ...weightRules('depthwise'), ...otherKernels('depthwise') };
const SEPARABLE_OPTIONS: Schema = {
  filters: is.int(1),
  ...BASE_CONV_OPTIONS,
  depthMultiplier: is.int(1),
  ...weightRules('depthwise'),
  ...weightRules('pointwise'),
  ...otherKernels('depthwise', 'pointwise'),
};

const FILTERS = { filters: 'the number of output channels, a positive integer' };

/** A size option of a layer of `rank` spatial axes: one positive integer for all, or one per axis. */
export function sizesOf(op: string, name: string, value: unknown, rank: number): number[] {
  const list = typeof value === 'number' ? Array.from({ length: rank }, () => value) : value;
  if (!Array.isArray(list) || list.length !== rank || !list.every((d) => Number.isSafeInteger(d) && d >= 1)) {
    const expected = rank === 1 ? 'a positive integer or an array of one' : `a positive integer or an array of ${rank}`;
    throw new Error(`${op}: ${name} must be ${expected}, got ${describe(value)}`);
  }
  return list.slice() as number[];
}

/** Refuses every data format but channelsLast, which is all the conv ops lay out. */
export function checkChannelsLast(op: string, dataFormat: unknown): 'channelsLast' {
  if (dataFormat === undefined || dataFormat === null || dataFormat === 'channelsLast') return 'channelsLast';
  if (dataFormat === 'channelsFirst') throw new Error(`${op}: dataFormat 'channelsFirst' is not supported; put the channels last (tf.transpose the input to [batch, ..., channels]) and use 'channelsLast'`);
  throw new Error(`${op}: dataFormat must be 'channelsLast', got ${describe(dataFormat)}`);
}

/** Keras's conv_output_length: the size a window of `size` (dilated) slides over, by `stride` ('causal' pads as much as 'same'). */
export function outputLength(length: number | null, size: number, padding: ConvPadding | 'causal', stride: number, dilation = 1): number | null {
  if (length === null) return null;
  const dilated = size + (size - 1) * (dilation - 1);
  const n = padding === 'valid' ? length - dilated + 1 : length;
  return Math.max(0, Math.ceil(n / stride));
}

/** Keras's deconv_length: the size a transposed convolution makes of `length`, the inverse of outputLength. */
function deconvLength(length: number | null, size: number, padding: ConvPadding, stride: number): number | null {
  if (length === null) return null;
  return padding === 'valid' ? length * stride + Math.max(size - stride, 0) : length * stride;
}

/** Its bias options (activation, useBias, the bias's initializer, regularizer and constraint) are kernel.ts's. */
interface BaseConv extends BiasOptions {}

/**
 * Every convolution layer (TF.js's BaseConv): a window of kernelSize, dilated by dilationRate, slid by strides
 * over `rank` spatial axes between the batch and the channels; then the bias and the activation.
 */
abstract class BaseConv extends Layer {
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: ConvPadding | 'causal';
  readonly dataFormat: 'channelsLast';
  readonly dilationRate: number[];
  protected bias: Variable | null = null;

  constructor(
    protected readonly rank: number,
    /** The factory's name, which errors give (conv2d, depthwiseConv2d, ...). */
    protected readonly op: string,
    args: BaseConvLayerArgs | ConvLayerArgs,
    options: Schema,
    required: Record<string, string> = {},
  ) {
    super(args, { op, options, required: { ...required, kernelSize: 'the window size, a positive integer or one per axis' } });
    this.kernelSize = sizesOf(op, 'kernelSize', args.kernelSize, rank);
    this.strides = sizesOf(op, 'strides', args.strides ?? 1, rank);
    this.padding = args.padding ?? 'valid';
    this.dataFormat = checkChannelsLast(op, args.dataFormat);
    this.dilationRate = sizesOf(op, 'dilationRate', args.dilationRate ?? 1, rank);
    if (this.strides.some((s) => s > 1) && this.dilationRate.some((d) => d > 1)) {
      throw new Error(`${op}: strides or dilationRate must be 1, got strides [${this.strides.join(', ')}] and dilationRate [${this.dilationRate.join(', ')}]`);
    }
    const shape = this.batchInputShape;
    if (shape) {
      if (shape.length !== rank + 2) throw new Error(`${op}: the input shape must be [${this.axes}, channels], got ${describe(shape.slice(1))}`);
      if (shape.at(-1) === null) throw new Error(`${op}: the channels (last axis) of the input shape must be known, got ${describe(shape.slice(1))}`);
    }
    Object.assign(this, biasOptions(op, args));
  }

  private get axes(): string {
    return this.rank === 1 ? 'steps' : 'height, width';
  }

  /** The length of spatial axis `i` of the output for `length` of the input. */
  protected lengthAlong(i: number, length: number | null): number | null {
    const window = (this.kernelSize[i] - 1) * this.dilationRate[i] + 1;
    if (length !== null && this.padding === 'valid' && window > length) {
      const along = `along the ${this.axes.split(', ')[i]} (kernelSize ${this.kernelSize[i]}, dilationRate ${this.dilationRate[i]})`;
      throw new Error(`${this.op}: layer ${this.name}'s window of ${window} ${along} is larger than the input's ${length} with padding 'valid'`);
    }
    return outputLength(length, this.kernelSize[i], this.padding, this.strides[i], this.dilationRate[i]);
  }

  /** The output's channels for the input's. */
  protected abstract outputChannels(channels: number | null): number | null;

  /** Makes the kernels for an input of `channels` channels. */
  protected abstract buildKernels(channels: number): void;

  /** The convolution of x by the kernels, before the bias. */
  protected abstract convolve(x: Tensor): Tensor;

  private checkRank(shape: Shape): void {
    if (shape.length !== this.rank + 2) throw new Error(`${this.op}: layer ${this.name} needs input of rank ${this.rank + 2} ([batch, ${this.axes}, channels]), got ${shapeText(shape)}`);
  }

  override build(inputShape: Shape): void {
    this.computeOutputShape(inputShape); // refuses an input the layer cannot take
    const channels = knownSize(this, inputShape.at(-1), 'the channels (last axis) of its input');
    this.buildKernels(channels);
    if (this.useBias) this.bias = this.addWeight('bias', [this.outputChannels(channels)!], 'float32', this.biasInitializer, this.biasRegularizer ?? undefined, true, this.biasConstraint);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkRank(inputShape);
    const space = inputShape.slice(1, -1).map((d, i) => this.lengthAlong(i, d));
    return [inputShape[0], ...space, this.outputChannels(inputShape.at(-1)!)];
  }

  override finalActivation(): string {
    return this.activation.name;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    this.checkRank(x.shape);
    return biasActivate(this.convolve(x), this.bias, kwargs.logits ? LINEAR : this.activation);
  }

  override dispose(): void {
    super.dispose();
    this.bias = null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      kernelSize: this.kernelSize.slice(),
      strides: this.strides.slice(),
      padding: this.padding,
      dataFormat: this.dataFormat,
      dilationRate: this.dilationRate.slice(),
      activation: this.activation.name,
      useBias: this.useBias,
      biasInitializer: this.biasInitializer,
      biasRegularizer: this.biasRegularizer,
      activityRegularizer: null,
      biasConstraint: this.biasConstraint,
      ...super.getConfig(),
    };
  }
}

/** Its kernel's initializer, regularizer and constraint are kernel.ts's. */
interface Conv extends WeightOptions<'kernel'> {}

/** Conv1D, Conv2D and Conv2DTranspose: one kernel mixing the input's channels into `filters`. */
abstract class Conv extends BaseConv {
  readonly filters: number;
  protected kernel: Variable | null = null;

  constructor(rank: number, op: string, args: ConvLayerArgs, options = CONV_OPTIONS) {
    super(rank, op, args, options, FILTERS);
    this.filters = args.filters;
    Object.assign(this, weightOptions(op, args, 'kernel', 'glorotNormal'));
  }

  /** The kernel's shape for an input of `channels` channels. */
  protected kernelShape(channels: number): number[] {
    return [...this.kernelSize, channels, this.filters];
  }

  protected buildKernels(channels: number): void {
    this.kernel = this.addWeight('kernel', this.kernelShape(channels), 'float32', this.kernelInitializer, this.kernelRegularizer ?? undefined, true, this.kernelConstraint);
  }

  protected outputChannels(): number {
    return this.filters;
  }

  override dispose(): void {
    super.dispose();
    this.kernel = null;
  }

  override getConfig(): Record<string, unknown> {
    return { filters: this.filters, kernelInitializer: this.kernelInitializer, kernelRegularizer: this.kernelRegularizer, kernelConstraint: this.kernelConstraint, ...super.getConfig() };
  }
}

export class Conv2D extends Conv {
  static override className = 'Conv2D';
  constructor(args: ConvLayerArgs) {
    super(2, 'conv2d', args);
  }
  protected convolve(x: Tensor): Tensor {
    return conv2d(x, this.kernel!, this.strides as [number, number], this.padding as ConvPadding, 'NHWC', this.dilationRate as [number, number]);
  }
}

export class Conv1D extends Conv {
  static override className = 'Conv1D';
  constructor(args: ConvLayerArgs) {
    super(1, 'conv1d', args, CONV1D_OPTIONS);
  }
  protected convolve(x: Tensor): Tensor {
    const [k, stride, dilation] = [this.kernelSize[0], this.strides[0], this.dilationRate[0]];
    // causal: each output step sees its own step and those before it, padded on the left only
    const pad = this.padding === 'causal' ? [[0, 0], [0, 0], [dilation * (k - 1), 0], [0, 0]] : this.padding;
    return conv1d(x, this.kernel!, stride, pad, 'NWC', dilation);
  }
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.dataFormat; // TF.js's Conv1D saves none
    return config;
  }
}

/**
 * The transposed convolution ("deconvolution"): the input gradient of a conv2d whose output has the input's
 * shape, each spatial axis growing to deconvLength. Kernel [kH, kW, filters, inChannels], as TF.js lays it out.
 */
export class Conv2DTranspose extends Conv {
  static override className = 'Conv2DTranspose';
  constructor(args: ConvLayerArgs) {
    super(2, 'conv2dTranspose', args);
    // TF.js takes dilationRate here, but ignores it and saves none
    if (this.dilationRate.some((d) => d > 1)) throw new Error(`conv2dTranspose: dilationRate must be 1 (a transposed convolution has no dilation), got ${describe(args.dilationRate)}`);
  }
  protected override kernelShape(channels: number): number[] {
    return [...this.kernelSize, this.filters, channels];
  }
  protected override lengthAlong(i: number, length: number | null): number | null {
    return deconvLength(length, this.kernelSize[i], this.padding as ConvPadding, this.strides[i]);
  }
  protected convolve(x: Tensor): Tensor {
    const [batch, height, width] = x.shape;
    const shape = [batch, ...[height, width].map((d, i) => this.lengthAlong(i, d)!), this.filters] as [number, number, number, number];
    return conv2dTranspose(x, this.kernel!, shape, this.strides as [number, number], this.padding as ConvPadding);
  }
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.dilationRate;
    return config;
  }
}

/** Its depthwise kernel's initializer, regularizer and constraint are kernel.ts's. */
export interface DepthwiseConv2D extends WeightOptions<'depthwise'> {}

/**
 * Each input channel convolved with its own depthMultiplier filters: inChannels·depthMultiplier channels out.
 * dilationRate dilates the window, as in Keras (TF.js's layer takes it but convolves undilated).
 */
export class DepthwiseConv2D extends BaseConv {
  static override className = 'DepthwiseConv2D';
  readonly depthMultiplier: number;
  private depthwiseKernel: Variable | null = null;

  constructor(args: DepthwiseConv2DLayerArgs) {
    super(2, 'depthwiseConv2d', args, DEPTHWISE_OPTIONS);
    this.depthMultiplier = args.depthMultiplier ?? 1;
    Object.assign(this, weightOptions('depthwiseConv2d', args, 'depthwise', 'glorotNormal'));
  }

  protected outputChannels(channels: number | null): number | null {
    return channels === null ? null : channels * this.depthMultiplier;
  }

  protected buildKernels(channels: number): void {
    const shape = [...this.kernelSize, channels, this.depthMultiplier];
    this.depthwiseKernel = this.addWeight('depthwise_kernel', shape, 'float32', this.depthwiseInitializer, this.depthwiseRegularizer ?? undefined, true, this.depthwiseConstraint);
  }

  protected convolve(x: Tensor): Tensor {
    return depthwiseConv2d(x, this.depthwiseKernel!, this.strides as [number, number], this.padding as ConvPadding, 'NHWC', this.dilationRate as [number, number]);
  }

  override dispose(): void {
    super.dispose();
    this.depthwiseKernel = null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      ...super.getConfig(),
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: this.depthwiseInitializer,
      depthwiseRegularizer: this.depthwiseRegularizer,
      depthwiseConstraint: this.depthwiseConstraint,
    };
  }
}

/** Its two kernels' initializers, regularizers and constraints are kernel.ts's. */
export interface SeparableConv2D extends WeightOptions<'depthwise'>, WeightOptions<'pointwise'> {}

/** A depthwise convolution (depthMultiplier filters per channel), then a 1x1 convolution mixing them into `filters`. */
export class SeparableConv2D extends BaseConv {
  static override className = 'SeparableConv2D';
  readonly filters: number;
  readonly depthMultiplier: number;
  private depthwiseKernel: Variable | null = null;
  private pointwiseKernel: Variable | null = null;

  constructor(args: SeparableConvLayerArgs) {
    super(2, 'separableConv2d', args, SEPARABLE_OPTIONS, FILTERS);
    this.filters = args.filters;
    this.depthMultiplier = args.depthMultiplier ?? 1;
    // (TF.js gives the pointwise kernel depthwiseInitializer, ignoring pointwiseInitializer; Keras does not)
    Object.assign(this, weightOptions('separableConv2d', args, 'depthwise', 'glorotUniform'), weightOptions('separableConv2d', args, 'pointwise', 'glorotUniform'));
  }

  protected outputChannels(): number {
    return this.filters;
  }

  protected buildKernels(channels: number): void {
    const depthwise = [...this.kernelSize, channels, this.depthMultiplier];
    this.depthwiseKernel = this.addWeight('depthwise_kernel', depthwise, 'float32', this.depthwiseInitializer, this.depthwiseRegularizer ?? undefined, true, this.depthwiseConstraint);
    const pointwise = [1, 1, channels * this.depthMultiplier, this.filters];
    this.pointwiseKernel = this.addWeight('pointwise_kernel', pointwise, 'float32', this.pointwiseInitializer, this.pointwiseRegularizer ?? undefined, true, this.pointwiseConstraint);
  }

  protected convolve(x: Tensor): Tensor {
    return separableConv2d(x, this.depthwiseKernel!, this.pointwiseKernel!, this.strides as [number, number], this.padding as ConvPadding, this.dilationRate as [number, number], 'NHWC');
  }

  override dispose(): void {
    super.dispose();
    this.depthwiseKernel = this.pointwiseKernel = null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      filters: this.filters,
      ...super.getConfig(),
      // (TF.js saves no depthMultiplier, so its files of a multiplier above 1 do not load, even in TF.js)
      depthMultiplier: this.depthMultiplier,
      depthwiseInitializer: this.depthwiseInitializer,
      pointwiseInitializer: this.pointwiseInitializer,
      depthwiseRegularizer: this.depthwiseRegularizer,
      pointwiseRegularizer: this.pointwiseRegularizer,
      depthwiseConstraint: this.depthwiseConstraint,
      pointwiseConstraint: this.pointwiseConstraint,
    };
  }
}
