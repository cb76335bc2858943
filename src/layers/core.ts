// The shape layers, TF.js's: flatten, reshape, permute and repeatVector; and masking, which marks padded steps.
// No weights; each is a few ops (reshape, transpose, tile; a comparison and a product) whose gradient the tape has.

import { mul } from '../ops/arithmetic.js';
import { cast } from '../ops/cast.js';
import { notEqual } from '../ops/compare.js';
import { any } from '../ops/reduce.js';
import { expandDims, reshape, tile, transpose } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkInt, describe, is } from '../validate.js';
import { knownSize, Layer, shapeText, type LayerArgs, type Masks, type Shape } from './layer.js';

const first = (inputs: Tensor | Tensor[]): Tensor => (Array.isArray(inputs) ? inputs[0] : inputs);
const product = (dims: number[]) => dims.reduce((a, b) => a * b, 1);

/** [batch, ...sizes] to [batch, their product]; channelsFirst inputs are put channels-last first, as TF.js does. */
export class Flatten extends Layer {
  static override className = 'Flatten';
  readonly dataFormat: 'channelsLast' | 'channelsFirst';
  constructor(args: LayerArgs & { dataFormat?: 'channelsLast' | 'channelsFirst' } = {}) {
    super(args, { op: 'flatten', options: { dataFormat: is.oneOf('channelsLast', 'channelsFirst') } });
    this.dataFormat = args.dataFormat ?? 'channelsLast';
  }
  override computeOutputShape(inputShape: Shape): Shape {
    const sizes = inputShape.slice(1).map((d, i) => knownSize(this, d, `axis ${i + 1} of its input (flatten needs every size but the batch)`));
    return [inputShape[0], product(sizes)];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    let x = first(inputs);
    if (this.dataFormat === 'channelsFirst' && x.rank >= 3) x = transpose(x, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2), 1]);
    return reshape(x, [x.shape[0], product(x.shape.slice(1))]);
  }
  override getConfig(): Record<string, unknown> {
    return { dataFormat: this.dataFormat, ...super.getConfig() };
  }
}

/** [batch, ...sizes] to [batch, ...targetShape]; one entry of targetShape may be -1, worked out from the size. */
export class Reshape extends Layer {
  static override className = 'Reshape';
  readonly targetShape: number[];
  constructor(args: LayerArgs & { targetShape: Array<number | null> }) {
    super(args, { op: 'reshape', options: { targetShape: is.any }, required: { targetShape: 'the output shape without the batch axis' } });
    // -1 (or null, as TF.js saves it) stands for the size the others leave.
    const target = Array.isArray(args.targetShape) ? args.targetShape.map((d) => (d === null ? -1 : d)) : null;
    if (!target || !target.every((d) => d === -1 || (Number.isSafeInteger(d) && d >= 1)) || target.filter((d) => d === -1).length > 1) {
      throw new Error(`reshape: targetShape must be positive sizes with at most one -1, got ${describe(args.targetShape)}`);
    }
    this.targetShape = target;
  }
  override computeOutputShape(inputShape: Shape): Shape {
    const sizes = inputShape.slice(1);
    if (sizes.includes(null)) {
      if (this.targetShape.includes(-1)) throw new Error(`reshape: layer ${this.name} cannot resolve -1 in targetShape while the input shape has unknown sizes`);
      return [inputShape[0], ...this.targetShape];
    }
    const size = product(sizes as number[]);
    const known = product(this.targetShape.filter((d) => d !== -1));
    const fits = this.targetShape.includes(-1) ? size % known === 0 : size === known;
    if (!fits) throw new Error(`reshape: layer ${this.name} cannot reshape input of shape [${sizes.join(', ')}] (${size} values) to targetShape [${this.targetShape.join(', ')}]`);
    return [inputShape[0], ...this.targetShape.map((d) => (d === -1 ? size / known : d))];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = first(inputs);
    const shape = this.computeOutputShape([null, ...x.shape.slice(1)]);
    return reshape(x, [x.shape[0], ...(shape.slice(1) as number[])]);
  }
  override getConfig(): Record<string, unknown> {
    return { targetShape: this.targetShape.slice(), ...super.getConfig() };
  }
}

/** Reorders the axes after the batch: dims is a permutation of 1..rank-1. */
export class Permute extends Layer {
  static override className = 'Permute';
  readonly dims: number[];
  constructor(args: LayerArgs & { dims: number[] }) {
    super(args, { op: 'permute', options: { dims: is.any }, required: { dims: 'a permutation of 1..n' } });
    const dims = args.dims;
    const sorted = Array.isArray(dims) ? dims.slice().sort((a, b) => a - b) : null;
    if (!sorted || sorted.length === 0 || !sorted.every((d, i) => d === i + 1)) {
      throw new Error(`permute: dims must be a permutation of 1..n (the axes after the batch, numbered from 1), got ${describe(dims)}`);
    }
    this.dims = dims.slice();
  }
  override computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== this.dims.length + 1) throw new Error(`permute: layer ${this.name} has dims for input of rank ${this.dims.length + 1}, got ${shapeText(inputShape)}`);
    return [inputShape[0], ...this.dims.map((d) => inputShape[d])];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return transpose(first(inputs), [0, ...this.dims]);
  }
  override getConfig(): Record<string, unknown> {
    return { dims: this.dims.slice(), ...super.getConfig() };
  }
}

/** [batch, features] to [batch, n, features]: each row repeated n times. */
export class RepeatVector extends Layer {
  static override className = 'RepeatVector';
  readonly n: number;
  constructor(args: LayerArgs & { n: number }) {
    super(args, { op: 'repeatVector', options: { n: is.int(1) }, required: { n: 'how many times to repeat' } });
    checkInt('repeatVector', 'n', args.n, 1);
    this.n = args.n;
  }
  override computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 2) throw new Error(`repeatVector: layer ${this.name} needs input of shape [batch, features], got ${shapeText(inputShape)}`);
    return [inputShape[0], this.n, inputShape[1]];
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    return tile(expandDims(first(inputs), 1), [1, this.n, 1]);
  }
  override getConfig(): Record<string, unknown> {
    return { n: this.n, ...super.getConfig() };
  }
}

/**
 * TF.js's masking: a step (a position on the axes before the last) whose features all equal maskValue is
 * padding: zeroed in the output, and false in the mask the output carries ([batch, time] for [batch, time,
 * features]), which the layers after it (an LSTM) skip.
 */
export class Masking extends Layer {
  static override className = 'Masking';
  override supportsMasking = true;
  readonly maskValue: number;
  constructor(args: LayerArgs & { maskValue?: number } = {}) {
    super(args, { op: 'masking', options: { maskValue: is.number() } });
    this.maskValue = args?.maskValue ?? 0;
  }
  /** True where some feature differs from maskValue, as a bool of the input's shape without its last axis (keepDims: with it, of size 1). */
  private kept(x: Tensor, keepDims: boolean): Tensor {
    return any(notEqual(x, this.maskValue), -1, keepDims);
  }
  override computeMask(inputs: Tensor | Tensor[]): Masks {
    return this.kept(first(inputs), false);
  }
  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = first(inputs);
    return mul(x, cast(this.kept(x, true), x.dtype));
  }
  override getConfig(): Record<string, unknown> {
    return { maskValue: this.maskValue, ...super.getConfig() };
  }
}
