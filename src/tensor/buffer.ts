// TensorBuffer: values in a typed array of JavaScript memory, read and written by location before they become
// a tensor (tf.buffer, tensor.bufferSync(), tensor.buffer()), with TF.js's fields and methods. Unlike TF.js's,
// get and set refuse a location outside the shape instead of reading undefined or writing nowhere.

import { checkDtypeName, fromValues } from '../ops/values.js';
import { computeStrides, indexToLoc, locToIndex } from '../util.js';
import { checkShape, describe } from '../validate.js';
import type { DType } from './dtype.js';
import { sizeOf, Tensor } from './tensor.js';

/** What a buffer keeps its values in: a typed array of its dtype, or the plain array it was given. */
export type BufferValues = Float32Array | Int32Array | Uint8Array | number[];

export class TensorBuffer {
  readonly shape: number[];
  readonly dtype: DType;
  readonly size: number;
  /** Elements between neighbours along each axis but the last (TF.js's strides). */
  readonly strides: number[];
  values: BufferValues;

  /** Use tf.buffer. values, when given, are kept (not copied) and must hold one value per element. */
  constructor(shape: number[], dtype: DType, values?: BufferValues) {
    checkShape('buffer', 'shape', shape);
    checkDtypeName('buffer', dtype);
    this.shape = shape.slice();
    this.dtype = dtype;
    this.size = sizeOf(shape);
    if (this.size * 4 > 2 ** 32) throw new Error(`buffer: shape [${this.shape.join(', ')}] holds ${this.size} values, more than a tensor's 4 GiB can`);
    this.strides = computeStrides(this.shape);
    if (values !== undefined && values !== null) {
      if (!Array.isArray(values) && !ArrayBuffer.isView(values)) throw new Error(`buffer: values must be an array or a typed array, got ${describe(values)}`);
      if (values.length !== this.size) throw new Error(`buffer: values must hold ${this.size} values for shape [${this.shape.join(', ')}], got ${values.length}`);
      this.values = values;
    } else {
      this.values = dtype === 'float32' ? new Float32Array(this.size) : dtype === 'int32' ? new Int32Array(this.size) : new Uint8Array(this.size);
    }
  }

  get rank(): number {
    return this.shape.length;
  }

  /**
   * Writes value at the location (as many coordinates as the rank).
   * @example const b = tf.buffer([2, 2]); b.set(3, 0, 1); b.toTensor().print();
   */
  set(value: number | boolean, ...locs: number[]): void {
    if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`TensorBuffer.set: value must be a number or a boolean, got ${describe(value)}`);
    this.values[this.index('set', locs)] = Number(value);
  }

  /**
   * The value at the location (as many coordinates as the rank).
   * @example const b = tf.buffer([2], 'float32', new Float32Array([4, 5])); console.log(b.get(1));
   */
  get(...locs: number[]): number {
    return this.values[this.index('get', locs)];
  }

  /** The flat index of a location (TF.js's arithmetic, unchecked). */
  locToIndex(locs: number[]): number {
    return locToIndex(locs, this.rank, this.strides);
  }

  /** The location of a flat index (TF.js's arithmetic, unchecked). */
  indexToLoc(index: number): number[] {
    return indexToLoc(index, this.rank, this.strides);
  }

  /**
   * A new tensor of the buffer's shape, dtype and values (copied).
   * @example const b = tf.buffer([2, 2]); b.set(5, 1, 0); b.toTensor().print();
   */
  toTensor(): Tensor {
    return fromValues('toTensor', 'values', this.values, this.shape, this.dtype);
  }

  /** The flat index of locs, checked: one integer in range per axis (none given means [0], as in TF.js). */
  private index(op: 'get' | 'set', given: number[]): number {
    const locs = given.length === 0 && this.rank > 0 ? [0] : given;
    if (locs.length !== this.rank) throw new Error(`TensorBuffer.${op}: locs must have ${this.rank} coordinates (the rank), got ${describe(given)}`);
    locs.forEach((loc, i) => {
      if (!Number.isInteger(loc) || loc < 0 || loc >= this.shape[i]) {
        throw new Error(`TensorBuffer.${op}: locs ${describe(given)} are out of range for shape [${this.shape.join(', ')}]`);
      }
    });
    return this.locToIndex(locs);
  }
}

/**
 * A TensorBuffer of shape and dtype (float32 by default), holding values or zeros, to fill with set() and turn
 * into a tensor with toTensor().
 * @example const b = tf.buffer([2, 2]); b.set(3, 0, 0); b.set(5, 1, 0); b.toTensor().print();
 */
export function buffer(shape: number[], dtype: DType = 'float32', values?: BufferValues): TensorBuffer {
  return new TensorBuffer(shape, dtype ?? 'float32', values);
}

declare module './tensor.js' {
  interface Tensor {
    /** A TensorBuffer holding a copy of the values. */
    bufferSync(): TensorBuffer;
    /** A TensorBuffer holding a copy of the values. */
    buffer(): Promise<TensorBuffer>;
  }
}

Object.assign(Tensor.prototype, {
  bufferSync(this: Tensor) {
    return new TensorBuffer(this.shape, this.dtype, this.dataSync());
  },
  async buffer(this: Tensor) {
    return new TensorBuffer(this.shape, this.dtype, await this.data());
  },
});
