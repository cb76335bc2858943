// The pooling layers, TF.js's: maxPooling2d and averagePooling2d (windows of poolSize, by strides, which default
// to poolSize), their 1-D twins (rows of height 1 to the same ops), and the global poolings, 2-D and 1-D, a max
// or mean over the spatial axes. No weights; channelsLast only.

import { avgPool, maxPool } from '../ops/conv.js';
import { max, mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { is, type Schema } from '../validate.js';
import { checkChannelsLast, type ConvPadding, outputLength, sizesOf } from './convolutional.js';
import { Layer, shapeText, type LayerArgs, type Shape } from './layer.js';

export interface Pooling2DArgs extends LayerArgs {
  poolSize?: number | [number, number];
  strides?: number | [number, number];
  padding?: ConvPadding;
  dataFormat?: 'channelsLast';
}

export interface Pooling1DArgs extends LayerArgs {
  poolSize?: number | [number];
  strides?: number | [number];
  padding?: ConvPadding;
}

export interface GlobalPooling2DArgs extends LayerArgs {
  dataFormat?: 'channelsLast';
}

const POOLING_OPTIONS: Schema = { poolSize: is.any, strides: is.any, padding: is.oneOf('valid', 'same'), dataFormat: is.any };

const first = (inputs: Tensor | Tensor[]): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);

/** The factory's name of a pooling layer's class, for messages: MaxPooling2D to maxPooling2d. */
const opOf = (layer: Layer) => layer.className.replace(/^./, (c) => c.toLowerCase()).replace(/D$/, 'd');

/** Throws unless a layer's input has `rank` axes (`what` names them), naming the layer's factory and the layer. */
export function checkRank(layer: Layer, shape: Shape | number[], rank: number, what: string): void {
  if (shape.length !== rank) throw new Error(`${opOf(layer)}: layer ${layer.name} needs input of rank ${rank} ([${what}]), got ${shapeText(shape)}`);
}

/** MaxPooling2D / AveragePooling2D and MaxPooling1D / AveragePooling1D. */
abstract class Pooling extends Layer {
  readonly poolSize: number[];
  readonly strides: number[];
  readonly padding: ConvPadding;

  constructor(
    protected readonly rank: number,
    op: string,
    args: Pooling2DArgs | Pooling1DArgs,
  ) {
    super(args, { op, options: POOLING_OPTIONS });
    this.poolSize = sizesOf(op, 'poolSize', args.poolSize ?? 2, rank);
    this.strides = args.strides === undefined || args.strides === null ? this.poolSize.slice() : sizesOf(op, 'strides', args.strides, rank);
    this.padding = args.padding ?? 'valid';
    if (rank === 2) checkChannelsLast(op, (args as Pooling2DArgs).dataFormat);
    else if ((args as Pooling2DArgs).dataFormat !== undefined) throw new Error(`${op}: dataFormat is not an option of 1-D pooling (its input is [batch, steps, channels])`);
    const shape = this.batchInputShape;
    if (shape && shape.length !== rank + 2) throw new Error(`${op}: the input shape must be [${rank === 1 ? 'steps' : 'height, width'}, channels], got ${shapeText(shape.slice(1))}`);
  }

  protected abstract readonly max: boolean;

  override computeOutputShape(inputShape: Shape): Shape {
    checkRank(this, inputShape, this.rank + 2, this.rank === 1 ? 'batch, steps, channels' : 'batch, height, width, channels');
    const space = inputShape.slice(1, -1).map((d, i) => outputLength(d, this.poolSize[i], this.padding, this.strides[i]));
    return [inputShape[0], ...space, inputShape.at(-1)!];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = first(inputs);
    checkRank(this, x.shape, this.rank + 2, this.rank === 1 ? 'batch, steps, channels' : 'batch, height, width, channels');
    const pool = this.max ? maxPool : avgPool;
    if (this.rank === 2) return pool(x, this.poolSize as [number, number], this.strides as [number, number], this.padding);
    const [batch, steps, channels] = x.shape;
    const y = pool(reshape(x, [batch, steps, 1, channels]), [this.poolSize[0], 1], [this.strides[0], 1], this.padding);
    return reshape(y, [batch, y.shape[1], channels]);
  }

  override getConfig(): Record<string, unknown> {
    const own: Record<string, unknown> = { poolSize: this.poolSize.slice(), padding: this.padding, strides: this.strides.slice() };
    if (this.rank === 2) own.dataFormat = 'channelsLast';
    return { ...own, ...super.getConfig() };
  }
}

export class MaxPooling2D extends Pooling {
  static override className = 'MaxPooling2D';
  protected readonly max = true;
  constructor(args: Pooling2DArgs = {}) {
    super(2, 'maxPooling2d', args);
  }
}

export class AveragePooling2D extends Pooling {
  static override className = 'AveragePooling2D';
  protected readonly max = false;
  constructor(args: Pooling2DArgs = {}) {
    super(2, 'averagePooling2d', args);
  }
}

export class MaxPooling1D extends Pooling {
  static override className = 'MaxPooling1D';
  protected readonly max = true;
  constructor(args: Pooling1DArgs = {}) {
    super(1, 'maxPooling1d', args);
  }
}

export class AveragePooling1D extends Pooling {
  static override className = 'AveragePooling1D';
  protected readonly max = false;
  constructor(args: Pooling1DArgs = {}) {
    super(1, 'averagePooling1d', args);
  }
}

/** The global poolings: [batch, steps, channels] (rank 1) or [batch, height, width, channels] (rank 2) to [batch, channels]. */
abstract class GlobalPooling extends Layer {
  constructor(
    protected readonly rank: number,
    op: string,
    args: GlobalPooling2DArgs,
  ) {
    super(args, { op, options: rank === 2 ? { dataFormat: is.any } : {} });
    if (rank === 2) checkChannelsLast(op, args.dataFormat);
    const shape = this.batchInputShape;
    if (shape && shape.length !== rank + 2) throw new Error(`${op}: the input shape must be [${rank === 1 ? 'steps' : 'height, width'}, channels], got ${shapeText(shape.slice(1))}`);
  }
  protected abstract readonly max: boolean;
  private checkRank(shape: Shape | number[]): void {
    checkRank(this, shape, this.rank + 2, this.rank === 1 ? 'batch, steps, channels' : 'batch, height, width, channels');
  }
  override computeOutputShape(inputShape: Shape): Shape {
    this.checkRank(inputShape);
    return [inputShape[0], inputShape.at(-1)!];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = first(inputs);
    this.checkRank(x.shape);
    const axes = this.rank === 1 ? [1] : [1, 2];
    return this.max ? max(x, axes) : mean(x, axes);
  }
  override getConfig(): Record<string, unknown> {
    return this.rank === 2 ? { dataFormat: 'channelsLast', ...super.getConfig() } : super.getConfig();
  }
}

export class GlobalAveragePooling2D extends GlobalPooling {
  static override className = 'GlobalAveragePooling2D';
  protected readonly max = false;
  constructor(args: GlobalPooling2DArgs = {}) {
    super(2, 'globalAveragePooling2d', args);
  }
}

export class GlobalMaxPooling2D extends GlobalPooling {
  static override className = 'GlobalMaxPooling2D';
  protected readonly max = true;
  constructor(args: GlobalPooling2DArgs = {}) {
    super(2, 'globalMaxPooling2d', args);
  }
}

export class GlobalAveragePooling1D extends GlobalPooling {
  static override className = 'GlobalAveragePooling1D';
  protected readonly max = false;
  constructor(args: LayerArgs = {}) {
    super(1, 'globalAveragePooling1d', args);
  }
}

export class GlobalMaxPooling1D extends GlobalPooling {
  static override className = 'GlobalMaxPooling1D';
  protected readonly max = true;
  constructor(args: LayerArgs = {}) {
    super(1, 'globalMaxPooling1d', args);
  }
}
