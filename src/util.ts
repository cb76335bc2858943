// tf.util: TF.js's documented helpers (shuffle, shuffleCombo, createShuffledIndices, assert, sizeFromShape,
// flatten, now, fetch, encodeString, decodeString) and the common ones around them (arraysEqual, inferDtype,
// isTypedArray, computeStrides, ...). The shuffles draw from the seeded PRNG, so tf.setSeed repeats them.

import { word } from './backend/heap.js';
import { DTYPE_CODES } from './backend/kernels.js';
import { activeBackend } from './engine.js';
import { checkDtypeName } from './ops/values.js';
import { type DType, inferDtype } from './tensor/dtype.js';
import { type NestedArray, sizeOf } from './tensor/tensor.js';
import { checkInt, describe } from './validate.js';

export { inferDtype };

type Shuffleable = unknown[] | Float32Array | Int32Array | Uint32Array | Uint8Array;

/** 0..n-1 shuffled by the rngShuffle kernel on the global stream (TF.js's Fisher-Yates swaps on the identity). */
function shuffledIndices(n: number): Int32Array {
  if (n === 0) return new Int32Array(0);
  const backend = activeBackend();
  const at = backend.heap.alloc(n * 4);
  try {
    backend.kernels.sequence(at, n, 0, 1, DTYPE_CODES.int32);
    backend.kernels.rngShuffle(backend.rngState, at, n);
    return backend.heap.i32.slice(word(at), word(at) + n);
  } finally {
    backend.heap.free(at);
  }
}

function checkShuffleable(op: string, name: string, array: unknown): asserts array is Shuffleable {
  if (!Array.isArray(array) && !isTypedArray(array) && !(array instanceof Uint32Array)) {
    throw new Error(`${op}: ${name} must be an array or a typed array, got ${describe(array)}`);
  }
}

/** Reorders array in place: array[i] becomes its old array[order[i]]. */
function reorder(array: Shuffleable, order: Int32Array): void {
  const before = array.slice();
  for (let i = 0; i < order.length; i++) array[i] = before[order[i]];
}

/**
 * Shuffles an array in place (Fisher-Yates), from the seeded PRNG: tf.setSeed makes it repeat.
 * @example const a = [1, 2, 3, 4, 5]; tf.util.shuffle(a); console.log(a);
 */
export function shuffle(array: Shuffleable): void {
  checkShuffleable('shuffle', 'array', array);
  reorder(array, shuffledIndices(array.length));
}

/**
 * Shuffles two arrays of one length in place, in the same order.
 * @example const a = [1, 2, 3]; const b = [11, 22, 33]; tf.util.shuffleCombo(a, b); console.log(a, b);
 */
export function shuffleCombo(array: Shuffleable, array2: Shuffleable): void {
  checkShuffleable('shuffleCombo', 'array', array);
  checkShuffleable('shuffleCombo', 'array2', array2);
  if (array.length !== array2.length) throw new Error(`shuffleCombo: array and array2 must have the same length, got ${array.length} and ${array2.length}`);
  const order = shuffledIndices(array.length);
  reorder(array, order);
  reorder(array2, order);
}

/**
 * The integers 0..n-1 in a random order.
 * @example console.log(tf.util.createShuffledIndices(10));
 */
export function createShuffledIndices(n: number): Uint32Array {
  checkInt('createShuffledIndices', 'n', n, 0, 2 ** 30);
  return new Uint32Array(shuffledIndices(n));
}

/**
 * Throws an Error with msg (or msg()) unless expr is true.
 * @example tf.util.assert(2 === 2, () => 'x is not 2');
 */
export function assert(expr: boolean, msg: string | (() => string)): void {
  if (!expr) throw new Error(typeof msg === 'string' ? msg : msg());
}

/** Throws unless two shapes are equal. */
export function assertShapesMatch(shapeA: number[], shapeB: number[], errorMessagePrefix = ''): void {
  assert(arraysEqual(shapeA, shapeB), () => `${errorMessagePrefix} Shapes ${shapeA} and ${shapeB} must match`);
}

/** Throws unless every dimension is a non-negative integer. */
export function assertNonNegativeIntegerDimensions(shape: number[]): void {
  shape.forEach((d) => assert(Number.isInteger(d) && d >= 0, () => `Tensor must have a shape comprised of positive integers but got shape [${shape}].`));
}

/**
 * The number of values of a tensor of this shape (1 for a scalar).
 * @example console.log(tf.util.sizeFromShape([3, 4, 2]));
 */
export function sizeFromShape(shape: number[]): number {
  return sizeOf(shape);
}

/** True for the shape of a scalar, []. */
export function isScalarShape(shape: number[]): boolean {
  return shape.length === 0;
}

/** True when both are the same array, or have equal lengths and elements (===). */
export function arraysEqual(n1: ArrayLike<unknown> | null | undefined, n2: ArrayLike<unknown> | null | undefined): boolean {
  if (n1 === n2) return true;
  if (n1 === null || n1 === undefined || n2 === null || n2 === undefined || n1.length !== n2.length) return false;
  for (let i = 0; i < n1.length; i++) if (n1[i] !== n2[i]) return false;
  return true;
}

/** x limited to [min, max]. */
export function clamp(min: number, x: number, max: number): number {
  return Math.max(min, Math.min(x, max));
}

/** True for an integer value. */
export function isInt(a: number): boolean {
  return a % 1 === 0;
}

/** Elements between neighbours along each axis but the last (TF.js's strides: [] below rank 2). */
export function computeStrides(shape: number[]): number[] {
  const strides: number[] = [];
  for (let i = shape.length - 2, s = 1; i >= 0; i--) strides.unshift((s *= shape[i + 1]));
  return strides;
}

/** The flat index of a location, given a tensor's rank and strides (computeStrides). */
export function locToIndex(locs: number[], rank: number, strides: number[]): number {
  if (rank === 0) return 0;
  let index = locs[locs.length - 1];
  for (let i = 0; i < locs.length - 1; i++) index += strides[i] * locs[i];
  return index;
}

/** The location of a flat index, given a tensor's rank and strides (computeStrides). */
export function indexToLoc(index: number, rank: number, strides: number[]): number[] {
  if (rank === 0) return [];
  const locs = new Array<number>(rank);
  let rest = index;
  for (let i = 0; i < rank - 1; i++) {
    locs[i] = Math.floor(rest / strides[i]);
    rest -= locs[i] * strides[i];
  }
  locs[rank - 1] = rest;
  return locs;
}

/** Bytes per value of a dtype in TF.js's typed arrays (bool: 1). */
export function bytesPerElement(dtype: DType): number {
  checkDtypeName('bytesPerElement', dtype);
  return dtype === 'bool' ? 1 : 4;
}

/** A zeroed typed array of a dtype: Float32Array, Int32Array, or Uint8Array for bool. */
export function makeZerosTypedArray(size: number, dtype: DType): Float32Array | Int32Array | Uint8Array {
  checkInt('makeZerosTypedArray', 'size', size, 0);
  checkDtypeName('makeZerosTypedArray', dtype);
  return dtype === 'float32' ? new Float32Array(size) : dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
}

/** A typed array of a dtype filled with ones. */
export function makeOnesTypedArray(size: number, dtype: DType): Float32Array | Int32Array | Uint8Array {
  return makeZerosTypedArray(size, dtype).fill(1);
}

/** Flat values in nested arrays of the shape (a scalar shape gives the value itself). */
export function toNestedArray(shape: number[], a: ArrayLike<number>): NestedArray {
  if (shape.length === 0) return a[0];
  const size = sizeOf(shape);
  if (size === 0) return [];
  if (size !== a.length) throw new Error(`toNestedArray: shape [${shape}] needs ${size} values, got ${a.length}`);
  const nest = (offset: number, dim: number): NestedArray => {
    if (dim === shape.length) return a[offset];
    const stride = sizeOf(shape.slice(dim + 1));
    return Array.from({ length: shape[dim] }, (_, i) => nest(offset + i * stride, dim + 1));
  };
  return nest(0, 0);
}

/** True for the typed arrays TF.js takes as tensor values: Float32Array, Int32Array, Uint8Array, Uint8ClampedArray. */
export function isTypedArray(a: unknown): a is Float32Array | Int32Array | Uint8Array | Uint8ClampedArray {
  return a instanceof Float32Array || a instanceof Int32Array || a instanceof Uint8Array || a instanceof Uint8ClampedArray;
}

type Flattenable = number | boolean | string | Promise<number> | Float32Array | Int32Array | Uint8Array | Uint8ClampedArray;
type Nested<T> = T | Nested<T>[];

/**
 * The values of arbitrarily nested arrays (and typed arrays, unless skipTypedArray), in order, appended to result.
 * @example console.log(tf.util.flatten([[1, 2], [3, 4], [5, [6, [7]]]]));
 */
export function flatten<T extends Flattenable>(arr: Nested<T>, result: T[] = [], skipTypedArray = false): T[] {
  const out = result ?? [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > 1000) throw new Error('flatten: arr is nested more than 1000 deep (or contains itself)');
    if (Array.isArray(v) || (isTypedArray(v) && !skipTypedArray)) for (let i = 0; i < v.length; i++) walk(v[i], depth + 1);
    else out.push(v as T);
  };
  walk(arr, 0);
  return out;
}

/**
 * The time in milliseconds, with sub-millisecond resolution, from an arbitrary start.
 * @example console.log(tf.util.now());
 */
export function now(): number {
  return performance.now();
}

/**
 * The platform's fetch (globalThis.fetch in browsers and Node 18+).
 * @example const response = await tf.util.fetch('https://example.com/model.json');
 */
export function fetch(path: string, requestInits?: RequestInit): Promise<Response> {
  if (typeof globalThis.fetch !== 'function') return Promise.reject(new Error('fetch: this platform has no fetch'));
  return globalThis.fetch(path, requestInits);
}

/**
 * The bytes of a string in UTF-8 (the one encoding TF.js's platforms all write).
 * @example console.log(tf.util.encodeString('héllo'));
 */
export function encodeString(s: string, encoding = 'utf-8'): Uint8Array {
  if (typeof s !== 'string') throw new Error(`encodeString: s must be a string, got ${describe(s)}`);
  if (!/^utf-?8$/i.test(encoding ?? 'utf-8')) throw new Error(`encodeString: encoding must be 'utf-8', got ${describe(encoding)}`);
  return new TextEncoder().encode(s);
}

/**
 * The string that bytes encode (UTF-8 by default, or any encoding TextDecoder knows).
 * @example console.log(tf.util.decodeString(new Uint8Array([104, 105])));
 */
export function decodeString(bytes: Uint8Array, encoding = 'utf-8'): string {
  if (!(bytes instanceof Uint8Array)) throw new Error(`decodeString: bytes must be a Uint8Array, got ${describe(bytes)}`);
  try {
    return new TextDecoder(encoding ?? 'utf-8').decode(bytes);
  } catch {
    throw new Error(`decodeString: encoding ${describe(encoding)} is not one TextDecoder knows`);
  }
}
