// The layers that change an image's height and width, TF.js's: zeroPadding2d (zeros around it, by pad),
// cropping2d (rows and columns cut off its edges, by slice) and upSampling2d (each pixel repeated size times,
// by tf.image's resizes). No weights; the ops' gradients are the tape's. channelsLast only.

import { image } from '../ops/image.js';
import { pad, slice } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, is, type Schema } from '../validate.js';
import { checkChannelsLast, sizesOf } from './convolutional.js';
import { Layer, shapeText, type LayerArgs, type Shape } from './layer.js';
import { checkRank } from './pooling.js';

/** An amount for each edge: [[top, bottom], [left, right]]. */
type Edges = [[number, number], [number, number]];
/** One amount for every edge, one for the height's edges and one for the width's, or one for each edge. */
type EdgesArg = number | [number, number] | Edges;

export interface ZeroPadding2DArgs extends LayerArgs {
  padding?: EdgesArg;
  dataFormat?: 'channelsLast';
}

export interface Cropping2DArgs extends LayerArgs {
  cropping: EdgesArg;
  dataFormat?: 'channelsLast';
}

export interface UpSampling2DArgs extends LayerArgs {
  size?: number | [number, number];
  interpolation?: 'nearest' | 'bilinear';
  dataFormat?: 'channelsLast';
}

const first = (inputs: Tensor | Tensor[]): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);
const RANK = 'batch, height, width, channels';

/** padding or cropping as TF.js takes it, [[top, bottom], [left, right]], of integers >= 0. */
function edgesOf(op: string, name: string, value: unknown): Edges {
  const amount = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  const pair = (v: unknown) => Array.isArray(v) && v.length === 2 && Array.from(v).every(amount);
  if (amount(value)) return [[value as number, value as number], [value as number, value as number]];
  if (pair(value)) {
    const [height, width] = value as [number, number];
    return [[height, height], [width, width]];
  }
  if (Array.isArray(value) && value.length === 2 && Array.from(value).every(pair)) return [[...value[0]], [...value[1]]] as Edges;
  throw new Error(`${op}: ${name} must be an integer >= 0, [height, width] or [[top, bottom], [left, right]] of them, got ${describe(value)}`);
}

/** A layer of [batch, height, width, channels] in and out, which changes only the height and width. */
abstract class Spatial2D extends Layer {
  readonly dataFormat: 'channelsLast';

  constructor(op: string, args: LayerArgs & { dataFormat?: unknown }, options: Schema, required?: Record<string, string>) {
    super(args, { op, options: { ...options, dataFormat: is.any }, required });
    this.dataFormat = checkChannelsLast(op, args.dataFormat);
    const shape = this.batchInputShape;
    if (shape && shape.length !== 4) throw new Error(`${op}: the input shape must be [height, width, channels], got ${shapeText(shape.slice(1))}`);
  }

  /** The output's height or width (axis 0 or 1) for the input's. */
  protected abstract sizeOf(axis: number, size: number): number;

  protected abstract transform(x: Tensor): Tensor;

  override computeOutputShape(inputShape: Shape): Shape {
    checkRank(this, inputShape, 4, RANK);
    const [batch, height, width, channels] = inputShape;
    return [batch, height === null ? null : this.sizeOf(0, height), width === null ? null : this.sizeOf(1, width), channels];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = first(inputs);
    checkRank(this, x.shape, 4, RANK);
    return this.transform(x);
  }
}

/** Zeros added around each image: padding [[top, bottom], [left, right]] rows and columns. */
export class ZeroPadding2D extends Spatial2D {
  static override className = 'ZeroPadding2D';
  readonly padding: Edges;

  constructor(args: ZeroPadding2DArgs = {}) {
    super('zeroPadding2d', args, { padding: is.any });
    this.padding = edgesOf('zeroPadding2d', 'padding', args.padding ?? 1);
  }

  protected sizeOf(axis: number, size: number): number {
    return this.padding[axis][0] + size + this.padding[axis][1];
  }

  protected transform(x: Tensor): Tensor {
    return pad(x, [[0, 0], this.padding[0], this.padding[1], [0, 0]]);
  }

  override getConfig(): Record<string, unknown> {
    return { padding: this.padding.map((p) => p.slice()), dataFormat: this.dataFormat, ...super.getConfig() };
  }
}

/** Rows and columns cut off each image's edges: cropping [[top, bottom], [left, right]]; at least one of each is left. */
export class Cropping2D extends Spatial2D {
  static override className = 'Cropping2D';
  readonly cropping: Edges;

  constructor(args: Cropping2DArgs) {
    super('cropping2d', args, { cropping: is.any }, { cropping: 'the rows and columns to cut: an integer, [height, width] or [[top, bottom], [left, right]]' });
    this.cropping = edgesOf('cropping2d', 'cropping', args.cropping);
  }

  protected sizeOf(axis: number, size: number): number {
    const [before, after] = this.cropping[axis];
    if (before + after >= size) {
      const [what, edges] = axis === 0 ? ['rows', 'top and bottom'] : ['columns', 'left and right'];
      throw new Error(`cropping2d: layer ${this.name} crops ${before} + ${after} ${what} (${edges}) off an input of ${size}: cropping must leave at least one`);
    }
    return size - before - after;
  }

  protected transform(x: Tensor): Tensor {
    const [, height, width] = x.shape;
    const [top, left] = [this.cropping[0][0], this.cropping[1][0]];
    return slice(x, [0, top, left, 0], [-1, this.sizeOf(0, height), this.sizeOf(1, width), -1]);
  }

  override getConfig(): Record<string, unknown> {
    return { cropping: this.cropping.map((p) => p.slice()), dataFormat: this.dataFormat, ...super.getConfig() };
  }
}

/** Each image resized to size[0] times its height and size[1] times its width: each pixel repeated, or interpolated bilinearly. */
export class UpSampling2D extends Spatial2D {
  static override className = 'UpSampling2D';
  readonly size: number[];
  readonly interpolation: 'nearest' | 'bilinear';

  constructor(args: UpSampling2DArgs = {}) {
    super('upSampling2d', args, { size: is.any, interpolation: is.oneOf('nearest', 'bilinear') });
    this.size = sizesOf('upSampling2d', 'size', args.size ?? 2, 2);
    this.interpolation = args.interpolation ?? 'nearest';
  }

  protected sizeOf(axis: number, size: number): number {
    return this.size[axis] * size;
  }

  protected transform(x: Tensor): Tensor {
    const size: [number, number] = [this.sizeOf(0, x.shape[1]), this.sizeOf(1, x.shape[2])];
    return this.interpolation === 'nearest' ? image.resizeNearestNeighbor(x, size) : image.resizeBilinear(x, size);
  }

  override getConfig(): Record<string, unknown> {
    return { size: this.size.slice(), dataFormat: this.dataFormat, interpolation: this.interpolation, ...super.getConfig() };
  }
}
