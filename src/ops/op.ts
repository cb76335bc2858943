// What every op is made of: a scope around its body (so the tensors it makes for itself are freed and only
// its result survives), its arguments converted and checked (a TensorLike becomes a tensor, as in TF.js),
// an output tensor to write, shape rules (broadcasting, axes), and the descriptor strided kernels read.
// An op file reads: validate -> kernel call -> record its gradient (see autodiff/tape.ts).

import type { Kernels, Ptr } from '../backend/kernels.js';
import { word } from '../backend/heap.js';
import { Block } from '../block.js';
import { activeBackend } from '../engine.js';
import { type DType, inferDtype } from '../tensor/dtype.js';
import { endScope, startScope, Tensor } from '../tensor/tensor.js';
import { describe } from '../validate.js';
import { fromValues, type TensorLike } from './values.js';

export type { TensorLike };

/**
 * Wraps an op's body in a scope: tensors it makes (converted arguments, intermediates) are disposed when it
 * returns, except its result. A body that throws leaves nothing behind.
 */
export function op<A extends unknown[], R>(body: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    startScope();
    let result: R;
    try {
      result = body(...args);
    } catch (error) {
      endScope();
      throw error;
    }
    endScope(result);
    return result;
  };
}

/**
 * An op's tensor argument: a live Tensor as it is, or tensor-like values (numbers, booleans, nested arrays,
 * typed arrays) made into a tensor, of `dtype` when given (TF.js's parseAsDtype), else of the inferred one.
 */
export function convert(op: string, name: string, x: unknown, dtype?: DType): Tensor {
  if (x instanceof Tensor) {
    if (x.isDisposed) throw new Error(`${op}: ${name} is disposed`);
    return x;
  }
  if (typeof x === 'number' || typeof x === 'boolean' || Array.isArray(x) || ArrayBuffer.isView(x)) {
    return fromValues(op, name, x as TensorLike, undefined, dtype ?? inferDtype(x));
  }
  throw new Error(`${op}: ${name} must be a Tensor or tensor-like values (a number, boolean, array or typed array), got ${describe(x)}`);
}

/** Throws unless t has one of the dtypes. */
export function checkDtype(op: string, name: string, t: Tensor, ...dtypes: DType[]): void {
  if (!dtypes.includes(t.dtype)) throw new Error(`${op}: ${name} must have dtype ${dtypes.join(' or ')}, got ${t.dtype}`);
}

/** A new tensor of shape and dtype for an op to write; its values are undefined until then. */
export function empty(op: string, shape: number[], dtype: DType): Tensor {
  let size = 1;
  for (const d of shape) size *= d;
  if (size * 4 > 2 ** 32) throw new Error(`${op}: a tensor of shape [${shape.join(', ')}] needs ${size * 4} bytes, more than the 4 GiB a heap can hold`);
  return new Tensor(shape, dtype, new Block(size * 4, null, op, { shape, dtype }));
}

/** A tensor sharing x's values with another shape of the same size (reshape, expandDims, squeeze). */
export function view(x: Tensor, shape: number[]): Tensor {
  return new Tensor(shape, x.dtype, x.block.retain());
}

/** The active backend's kernels. */
export function kernels(): Kernels {
  return activeBackend().kernels;
}

// ---- shapes ----

/** NumPy's broadcast of two shapes; throws naming both when they are incompatible. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: operands could not be broadcast together with shapes [${a.join(',')}] and [${b.join(',')}]`);
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/** The axes along which `shape` was broadcast to reach `out` (for reducing a gradient back to it). */
export function broadcastAxes(shape: readonly number[], out: readonly number[]): number[] {
  const axes: number[] = [];
  const offset = out.length - shape.length;
  for (let i = 0; i < out.length; i++) if (i < offset || (shape[i - offset] === 1 && out[i] !== 1)) axes.push(i);
  return axes;
}

/**
 * An axis argument as ascending, distinct, non-negative axes of a rank-`rank` tensor (all of them when
 * undefined or null, as TF.js's reductions take it); throws naming the rank for one out of range.
 */
export function parseAxes(op: string, axis: unknown, rank: number): number[] {
  if (axis === undefined || axis === null) return Array.from({ length: rank }, (_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const axes = list.map((a) => {
    if (!Number.isInteger(a) || (a as number) < -Math.max(rank, 1) || (a as number) >= Math.max(rank, 1)) {
      throw new Error(`${op}: axis ${describe(a)} is out of range for a tensor of rank ${rank} (expected an integer in [${-rank}, ${rank - 1}])`);
    }
    return (a as number) < 0 ? (a as number) + rank : (a as number);
  });
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: axis ${describe(axis)} repeats an axis`);
  return axes.sort((p, q) => p - q);
}

/** Throws unless two shapes are equal. */
export function checkSameShape(op: string, what: string, a: readonly number[], b: readonly number[]): void {
  if (a.length !== b.length || a.some((d, i) => d !== b[i])) throw new Error(`${op}: ${what}: shapes [${a.join(',')}] and [${b.join(',')}] must match`);
}

// ---- strided kernel descriptors ----

/** Axes a descriptor may hold: TF.js's ops go to rank 6; broadcasting may add a few after merging. */
export const MAX_DESC_RANK = 8;

/**
 * Writes a strided kernel's descriptor into the backend's descriptor block and returns its address:
 * i32 words [rank, shape[0..rank), then each operand's strides[0..rank)] (in elements; 0 where broadcast).
 * Neighbouring axes that every operand steps through contiguously are merged first, so most calls reach the
 * kernel as one long contiguous run or a few rows.
 */
export function describeStrides(shape: readonly number[], ...strides: ReadonlyArray<readonly number[]>): Ptr {
  const dims: number[] = [];
  const merged: number[][] = strides.map(() => []);
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue; // a unit axis steps nowhere
    const last = dims.length - 1;
    if (last >= 0 && strides.every((s, k) => merged[k][last] === s[i] * shape[i])) {
      dims[last] *= shape[i];
      strides.forEach((s, k) => (merged[k][last] = s[i]));
    } else {
      dims.push(shape[i]);
      strides.forEach((s, k) => merged[k].push(s[i]));
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    merged.forEach((m) => m.push(0));
  }
  if (dims.length > MAX_DESC_RANK) throw new Error(`a strided kernel takes at most ${MAX_DESC_RANK} axes after merging, got ${dims.length}`);
  const backend = activeBackend();
  const at = word(backend.desc);
  const i32 = backend.heap.i32;
  i32[at] = dims.length;
  i32.set(dims, at + 1);
  merged.forEach((m, k) => i32.set(m, at + 1 + dims.length * (k + 1)));
  return backend.desc;
}

/** Row-major strides of a shape, in elements (the last axis 1). */
export function stridesOf(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  for (let i = shape.length - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i];
  }
  return strides;
}

/** Strides that read a tensor of `shape` as if broadcast to `out` (0 along broadcast and missing axes). */
export function broadcastStrides(shape: readonly number[], out: readonly number[]): number[] {
  const own = stridesOf(shape);
  const offset = out.length - shape.length;
  return out.map((d, i) => (i < offset || shape[i - offset] === 1 ? 0 : own[i - offset]));
}
