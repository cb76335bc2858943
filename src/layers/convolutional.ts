// The convolution layers, TF.js's conv2d and conv1d: kernel [kH, kW, inChannels, filters] (conv1d: [k, inChannels,
// filters]) and bias [filters], as TF.js names and lays them out, computed by the conv ops then the bias and the
// activation as one fused node (the activation left out when the loss folds it in, as dense does). channelsLast only.

import { conv1d, conv2d } from '../ops/conv.js';
import { biasActivate, LINEAR } from '../ops/fused.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { checkInt, describe, is, type Schema } from '../validate.js';
import { KERNEL_OPTIONS, type KernelArgs, type KernelOptions, kernelOptions } from './kernel.js';
import { knownSize, Layer, shapeText, type Kwargs, type LayerArgs, type Shape } from './layer.js';

export type ConvPadding = 'valid' | 'same';

export interface ConvLayerArgs extends LayerArgs, KernelArgs {
  filters: number;
  kernelSize: number | number[];
  strides?: number | number[];
  padding?: ConvPadding;
  dataFormat?: 'channelsLast';
  dilationRate?: number | number[];
}

const CONV_OPTIONS: Schema = {
  filters: is.int(1),
  kernelSize: is.any,
  strides: is.any,
  padding: is.oneOf('valid', 'same'),
  dataFormat: is.any,
  dilationRate: is.any,
  ...KERNEL_OPTIONS,
};

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

/** Keras's conv_output_length: the size a window of `size` (dilated) slides over, by `stride`. */
export function outputLength(length: number | null, size: number, padding: ConvPadding, stride: number, dilation = 1): number | null {
  if (length === null) return null;
  const dilated = size + (size - 1) * (dilation - 1);
  const n = padding === 'same' ? length : length - dilated + 1;
  return Math.max(0, Math.ceil(n / stride));
}

/** Its kernel-and-bias options (activation, useBias, initializers, regularizers, constraints) are kernel.ts's. */
interface Conv extends KernelOptions {}

/** Conv1D and Conv2D: `rank` spatial axes between the batch and the channels. */
abstract class Conv extends Layer {
  readonly filters: number;
  readonly kernelSize: number[];
  readonly strides: number[];
  readonly padding: ConvPadding;
  readonly dataFormat: 'channelsLast';
  readonly dilationRate: number[];
  protected kernel: Variable | null = null;
  protected bias: Variable | null = null;

  constructor(
    protected readonly rank: number,
    op: string,
    args: ConvLayerArgs,
  ) {
    super(args, { op, options: CONV_OPTIONS, required: { filters: 'the number of output channels, a positive integer', kernelSize: 'the window size, a positive integer or one per axis' } });
    checkInt(op, 'filters', args.filters, 1);
    this.filters = args.filters;
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
      if (shape.length !== rank + 2) throw new Error(`${op}: the input shape must be [${rank === 1 ? 'steps' : 'height, width'}, channels], got ${describe(shape.slice(1))}`);
      if (shape.at(-1) === null) throw new Error(`${op}: the channels (last axis) of the input shape must be known, got ${describe(shape.slice(1))}`);
    }
    Object.assign(this, kernelOptions(op, args));
  }

  private checkRank(inputShape: Shape): void {
    if (inputShape.length !== this.rank + 2) throw new Error(`layer ${this.name} needs input of rank ${this.rank + 2} ([batch, ${this.rank === 1 ? 'steps' : 'height, width'}, channels]), got ${shapeText(inputShape)}`);
  }

  override build(inputShape: Shape): void {
    this.checkRank(inputShape);
    const channels = knownSize(this, inputShape.at(-1), 'the channels (last axis) of its input');
    this.kernel = this.addWeight('kernel', [...this.kernelSize, channels, this.filters], 'float32', this.kernelInitializer, this.kernelRegularizer ?? undefined, true, this.kernelConstraint);
    if (this.useBias) this.bias = this.addWeight('bias', [this.filters], 'float32', this.biasInitializer, this.biasRegularizer ?? undefined, true, this.biasConstraint);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    this.checkRank(inputShape);
    const space = inputShape.slice(1, -1).map((d, i) => outputLength(d, this.kernelSize[i], this.padding, this.strides[i], this.dilationRate[i]));
    return [inputShape[0], ...space, this.filters];
  }

  override finalActivation(): string {
    return this.activation.name;
  }

  protected abstract convolve(x: Tensor, kernel: Tensor): Tensor;

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (x.rank !== this.rank + 2) throw new Error(`${this.className.toLowerCase()}: layer ${this.name} needs input of rank ${this.rank + 2}, got shape [${x.shape.join(', ')}]`);
    return biasActivate(this.convolve(x, this.kernel!), this.bias, kwargs.logits ? LINEAR : this.activation);
  }

  override dispose(): void {
    super.dispose();
    this.kernel = this.bias = null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      filters: this.filters,
      kernelInitializer: this.kernelInitializer,
      kernelRegularizer: this.kernelRegularizer,
      kernelConstraint: this.kernelConstraint,
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

export class Conv2D extends Conv {
  static override className = 'Conv2D';
  constructor(args: ConvLayerArgs) {
    super(2, 'conv2d', args);
  }
  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    return conv2d(x, kernel, this.strides as [number, number], this.padding, 'NHWC', this.dilationRate as [number, number]);
  }
}

export class Conv1D extends Conv {
  static override className = 'Conv1D';
  constructor(args: ConvLayerArgs) {
    super(1, 'conv1d', args);
  }
  protected convolve(x: Tensor, kernel: Tensor): Tensor {
    return conv1d(x, kernel, this.strides[0], this.padding, 'NWC', this.dilationRate[0]);
  }
  override getConfig(): Record<string, unknown> {
    const config = super.getConfig();
    delete config.dataFormat; // TF.js's Conv1D saves none
    return config;
  }
}
