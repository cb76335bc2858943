// Tensor: a shape and a dtype over one block of a backend's heap, plus the bookkeeping that frees it:
// dispose(), tidy() scopes, and finalization for tensors nobody disposed (see block.ts).

import type { Ptr } from './backend/kernels.js';
import { Block, bytesInUse } from './block.js';
import { activeBackend } from './engine.js';
import { argMax } from './ops.js';
import { word } from './backend/heap.js';

export type DType = 'float32' | 'int32';
/** Nested number arrays, as `arraySync()` returns and `tensor()` accepts. */
export type NestedArray = number | NestedArray[];

let liveTensors = 0;
const scopes: Array<Set<Tensor>> = [];

// One registry frees a collected tensor's block and counts it, in the same callback, so memory() never sees
// the count and the bytes disagree.
const finalizer = new FinalizationRegistry<Block>((block) => {
  if (block.isFreed) return;
  block.free();
  liveTensors--;
});

export class Tensor {
  readonly shape: number[];
  readonly size: number;
  readonly dtype: DType;
  private readonly block: Block;

  /**
   * @internal Use the creation functions (tensor, tensor2d, zeros, ...): this allocates uninitialised values.
   * `op` names the call in an out-of-memory Error.
   */
  constructor(shape: number[], dtype: DType, op = 'tensor') {
    this.shape = shape;
    this.size = sizeOf(shape);
    this.dtype = dtype;
    this.block = new Block(this.size * 4, null, op, `a ${dtype} tensor of shape [${shape.join(', ')}]`);
    finalizer.register(this, this.block, this);
    liveTensors++;
    scopes[scopes.length - 1]?.add(this);
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.block.isFreed;
  }

  /**
   * @internal The tensor's block on the active backend, moving it there first if it was made on another
   * (which allocates: take every pointer before reading a heap view).
   */
  ptr(name = 'tensor'): Ptr {
    if (this.block.isFreed) throw new Error(`${name}: the tensor is disposed`);
    return this.block.ptr();
  }

  /** A copy of the values, row-major. */
  dataSync(): Float32Array | Int32Array {
    const ptr = this.ptr('dataSync');
    const heap = activeBackend().heap;
    const view = this.dtype === 'int32' ? heap.i32 : heap.f32;
    return view.slice(word(ptr), word(ptr) + this.size);
  }

  async data(): Promise<Float32Array | Int32Array> {
    return this.dataSync();
  }

  /** The values as nested arrays of the tensor's shape (a plain number for a scalar). */
  arraySync(): NestedArray {
    const values = Array.from(this.dataSync());
    const nest = (offset: number, dim: number): NestedArray => {
      if (dim === this.shape.length) return values[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => nest(offset + i * stride, dim + 1));
    };
    return nest(0, 0);
  }

  async array(): Promise<NestedArray> {
    return this.arraySync();
  }

  /** Frees the values now. Disposing twice is harmless. */
  dispose(): void {
    if (this.block.isFreed) return;
    this.block.free();
    finalizer.unregister(this);
    liveTensors--;
  }

  /** Index of the largest value along `axis` (TF.js's default: 0), as an int32 tensor. */
  argMax(axis = 0): Tensor {
    return argMax(this, axis);
  }

  toString(): string {
    return `Tensor (${this.dtype}, [${this.shape.join(', ')}])\n${JSON.stringify(this.arraySync())}`;
  }

  print(): void {
    console.log(this.toString());
  }
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Disposes a tensor, or every tensor in an array or object. */
export function dispose(container: TensorContainer): void {
  forEachTensor(container, (t) => t.dispose());
}

/** What tidy may return and dispose accepts: tensors, possibly nested in arrays and plain objects. */
export type TensorContainer = Tensor | null | undefined | void | number | string | TensorContainer[] | { [key: string]: TensorContainer };

function forEachTensor(container: TensorContainer, fn: (t: Tensor) => void): void {
  if (container instanceof Tensor) fn(container);
  else if (Array.isArray(container)) for (const c of container) forEachTensor(c, fn);
  else if (container !== null && typeof container === 'object') for (const c of Object.values(container)) forEachTensor(c, fn);
}

/**
 * Runs fn and disposes every tensor it created except those it returns (or kept with `keep`).
 * @example const y = tf.tidy(() => tf.relu(tf.matMul(x, w)));
 */
export function tidy<T extends TensorContainer>(fn: () => T): T {
  if (typeof fn !== 'function') throw new Error('tidy: fn must be a function');
  const scope = new Set<Tensor>();
  scopes.push(scope);
  let result: T;
  try {
    result = fn();
  } catch (error) {
    scopes.pop();
    for (const t of scope) t.dispose();
    throw error;
  }
  scopes.pop();
  if (result instanceof Promise) throw new Error('tidy: fn must not be async (it returned a Promise)');
  const kept = new Set<Tensor>();
  forEachTensor(result, (t) => kept.add(t));
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (kept.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** Keeps a tensor made inside tidy() from being disposed when the scope ends. */
export function keep<T extends Tensor>(t: T): T {
  for (const scope of scopes) scope.delete(t);
  return t;
}

/** Live tensors, and the bytes held by tensors and models (parameters, optimizer state, buffers). */
export function memory(): { numTensors: number; numBytes: number } {
  return { numTensors: liveTensors, numBytes: bytesInUse() };
}
