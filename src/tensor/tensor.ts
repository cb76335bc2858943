// Tensor and Variable: a shape and a dtype over a refcounted block of a backend's heap (reshape and clone
// share it), and the scopes that free them: tidy() and the scope every op runs in, keep(), dispose(), and
// finalization for tensors that leave every scope without being disposed. The ops themselves live in
// src/ops/ and attach their chainable methods (x.add(y)) to Tensor.prototype.

import { word } from '../backend/heap.js';
import { Block, blockCount, bytesInUse } from '../block.js';
import { activeBackend } from '../engine.js';
import { checkTensor } from '../validate.js';
import type { DType, TypedData } from './dtype.js';
import { formatTensor } from './print.js';

/** Nested number (or boolean) arrays, as `arraySync()` returns and `tensor()` accepts. */
export type NestedArray = number | boolean | NestedArray[];

let nextId = 0;
let liveTensors = 0;

/** The tensors made in each open scope, innermost last; tensors made outside every scope are registered. */
const scopes: Tensor[][] = [];

// A tensor that leaves every scope undisposed is registered here, and freed when it is garbage-collected: the
// block its cell holds then (a variable's changes when it is assigned).
const finalizer = new FinalizationRegistry<{ block: Block }>((cell) => {
  cell.block.release();
  liveTensors--;
});

export class Tensor {
  /** A number unique to this tensor. */
  readonly id = nextId++;
  readonly shape: number[];
  readonly size: number;
  readonly dtype: DType;
  /** The block of values, in a cell the finalizer holds too. */
  private readonly cell: { block: Block };
  /** True once kept with tf.keep(): no scope disposes it. */
  kept = false;
  /**
   * The mask a masking layer's output carries (TF.js's kerasMask: an embedding's with maskZero), which the
   * next layer applied to this tensor is given as kwargs.mask. It lives and dies with this tensor.
   */
  kerasMask?: Tensor;
  private disposed = false;
  private registered = false;

  /**
   * @internal Use the creation functions and ops. Takes over one reference to `block`, which holds the values
   * row-major, 4 bytes each. A 'scoped' tensor belongs to the innermost open scope (or, outside every scope, is
   * freed when garbage-collected); a 'manual' one only to whoever made it, who must dispose or register it.
   */
  constructor(shape: number[], dtype: DType, block: Block, lifetime: 'scoped' | 'manual' = 'scoped') {
    this.shape = shape;
    this.size = sizeOf(shape);
    this.dtype = dtype;
    this.cell = { block };
    liveTensors++;
    if (lifetime === 'manual') return;
    const scope = scopes[scopes.length - 1];
    if (scope !== undefined) scope.push(this);
    else this.register();
  }

  /** @internal The values; other tensors (reshapes, clones, a tape's saved copies) may share it. */
  get block(): Block {
    return this.cell.block;
  }
  set block(block: Block) {
    this.cell.block = block;
  }

  get rank(): number {
    return this.shape.length;
  }

  /** Elements to step over for one step along each axis but the last (TF.js's strides). */
  get strides(): number[] {
    const strides: number[] = [];
    for (let i = this.shape.length - 2, s = 1; i >= 0; i--) strides.unshift((s *= this.shape[i + 1]));
    return strides;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /**
   * @internal The values' address on the active backend, moving them there first if they were made on another
   * (which allocates: take every pointer before reading a heap view). `op` names the call if disposed.
   */
  ptr(op = 'tensor'): number {
    if (this.disposed) throw new Error(`${op}: the tensor is disposed`);
    return this.block.ptr();
  }

  /** A copy of the values, row-major: Float32Array, Int32Array, or Uint8Array for bool, as TF.js gives them. */
  dataSync(): TypedData {
    return this.values('dataSync');
  }

  private values(op: string): TypedData {
    const at = word(this.ptr(op));
    const heap = activeBackend().heap;
    if (this.dtype === 'float32') return heap.f32.slice(at, at + this.size);
    const ints = heap.i32.subarray(at, at + this.size);
    return this.dtype === 'int32' ? ints.slice() : Uint8Array.from(ints);
  }

  async data(): Promise<TypedData> {
    return this.values('data');
  }

  /** The values' bytes as TF.js stores them: 4 a value for float32 and int32 (little-endian), 1 for bool. */
  async bytes(): Promise<Uint8Array> {
    const values = this.values('bytes');
    return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  }

  /** The values as nested arrays of the tensor's shape (a plain number for a scalar; bools as 0 and 1). */
  arraySync(): NestedArray {
    return this.nested(this.values('arraySync'));
  }

  private nested(values: TypedData): NestedArray {
    // As TF.js: a tensor of no values is [] whatever its shape ([2, 0] too).
    if (values.length === 0 && this.shape.length > 0) return [];
    const nest = (offset: number, dim: number): NestedArray => {
      if (dim === this.shape.length) return values[offset];
      const stride = sizeOf(this.shape.slice(dim + 1));
      return Array.from({ length: this.shape[dim] }, (_, i) => nest(offset + i * stride, dim + 1));
    };
    return nest(0, 0);
  }

  /** As TF.js: the values are read when called, and arrive after those of a data() called just after. */
  async array(): Promise<NestedArray> {
    const values = this.values('array');
    await undefined;
    return this.nested(values);
  }

  /** Frees the values now (once no reshape or clone shares them). Disposing twice is harmless. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    liveTensors--;
    if (this.registered) finalizer.unregister(this);
    this.block.release();
    this.kerasMask?.dispose();
  }

  /** TF.js's text: 'Tensor' and the values; verbose adds dtype, rank and shape. */
  toString(verbose = false): string {
    return formatTensor(this.values('toString'), this.shape, this.dtype, verbose);
  }

  /** Prints toString(verbose) with console.log. */
  print(verbose = false): void {
    console.log(formatTensor(this.values('print'), this.shape, this.dtype, verbose));
  }

  /** @internal Frees the values when this tensor is garbage-collected (once it has left every scope). */
  register(): void {
    if (this.registered || this.disposed) return;
    this.registered = true;
    finalizer.register(this, this.cell, this);
  }
}

/** Live variables by name (weakly: an unreferenced variable is collected, and its name freed). */
const variables = new Map<string, WeakRef<Variable>>();
let nextVariable = 0;

/**
 * A tensor whose values can change (assign, optimizers). Scopes never dispose it; TF.js's tf.variable makes one.
 * @example const w = tf.variable(tf.zeros([2, 3])); w.assign(tf.ones([2, 3]));
 */
export class Variable extends Tensor {
  readonly name: string;
  /** Whether optimizers and gradients (variableGrads, minimize) update it. */
  trainable: boolean;

  /** @internal Use tf.variable. Names are unique among live variables (TF.js's default: a counter). */
  constructor(initialValue: Tensor, trainable: boolean, name?: string) {
    const id = name ?? String(nextVariable++);
    if (variables.get(id)?.deref()?.isDisposed === false) throw new Error(`variable: a variable named ${JSON.stringify(id)} already exists`);
    super(initialValue.shape.slice(), initialValue.dtype, initialValue.block.retain(), 'manual');
    this.trainable = trainable;
    this.name = id;
    variables.set(id, new WeakRef(this));
    this.register();
  }

  /** The variable itself as a tensor: custom layers read their weights so, as TF.js's LayerVariable.read(). */
  read(): Tensor {
    return this;
  }

  /** The variable itself: TF.js's LayerVariable.val, which programs assign layer weights through (w.val.assign(...)). */
  get val(): Variable {
    return this;
  }

  override dispose(): void {
    if (variables.get(this.name)?.deref() === this) variables.delete(this.name);
    super.dispose();
  }

  /**
   * Replaces the values with newValue's, which must have the same shape and dtype.
   * @example v.assign(tf.tensor1d([4, 5, 6]));
   */
  assign(newValue: Tensor): void {
    // A disposed variable's block is no longer its own (it may be the tensor it was made from): never release it again.
    if (this.isDisposed) throw new Error(`assign: variable ${this.name} is disposed`);
    checkTensor('assign', 'newValue', newValue);
    if (newValue.dtype !== this.dtype) throw new Error(`assign: variable ${this.name} has dtype ${this.dtype}, but newValue has dtype ${newValue.dtype}`);
    if (newValue.shape.length !== this.shape.length || newValue.shape.some((d, i) => d !== this.shape[i])) {
      throw new Error(`assign: variable ${this.name} has shape [${this.shape.join(', ')}], but newValue has shape [${newValue.shape.join(', ')}]`);
    }
    const block = newValue.block.retain();
    this.block.release();
    this.block = block;
  }

  /**
   * @internal The address to update the values in place: if another tensor shares them (a clone, or a value
   * this variable was assigned), the variable first takes a copy of its own.
   */
  writablePtr(op: string): number {
    const from = this.ptr(op);
    if (this.block.refs === 1) return from;
    const own = new Block(this.block.bytes, null, op, `a copy of variable ${this.name}`);
    const to = own.ptr();
    const u8 = activeBackend().heap.u8;
    u8.copyWithin(to, this.block.ptr(), this.block.ptr() + this.block.bytes);
    this.block.release();
    this.block = own;
    return to;
  }
}

/** `base`, or base_1, base_2, ... : the first name no live variable has (TF.js names layer weights so). */
export function uniqueVariableName(base: string): string {
  const taken = (name: string) => variables.get(name)?.deref()?.isDisposed === false;
  if (!taken(base)) return base;
  let i = 1;
  while (taken(`${base}_${i}`)) i++;
  return `${base}_${i}`;
}

/** Every live variable, oldest first. */
export function liveVariables(): Variable[] {
  const live: Variable[] = [];
  for (const [name, ref] of variables) {
    const v = ref.deref();
    if (v === undefined || v.isDisposed) variables.delete(name);
    else live.push(v);
  }
  return live;
}

export function sizeOf(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Whether every value of a float32 tensor is finite (no NaN, no ±Infinity). */
export function allFinite(t: Tensor): boolean {
  const at = word(t.ptr('allFinite'));
  const values = activeBackend().heap.f32;
  for (let i = at; i < at + t.size; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

// ---- scopes ----

/** What tidy may return and dispose accepts: tensors, possibly nested in arrays and objects. */
export type TensorContainer =
  | Tensor
  | null
  | undefined
  | void
  | number
  | string
  | boolean
  | Float32Array
  | Int32Array
  | Uint8Array
  | TensorContainer[]
  | { [key: string]: TensorContainer };

/**
 * Calls fn on every tensor in a container, and on their masks: as TF.js's walk, in any object's enumerable
 * properties (arrays, plain objects, class instances), however nested; cycles are fine. Typed arrays hold no tensors.
 */
export function forEachTensor(container: unknown, fn: (t: Tensor) => void, seen = new Set<object>()): void {
  if (container instanceof Tensor) {
    fn(container);
    if (container.kerasMask) fn(container.kerasMask);
    return;
  }
  if (container === null || typeof container !== 'object' || ArrayBuffer.isView(container) || seen.has(container)) return;
  seen.add(container);
  // Arrays by value: for...in would make a string of every index (tidy(() => t.arraySync()) has many).
  if (Array.isArray(container)) for (const c of container) forEachTensor(c, fn, seen);
  else for (const key in container) forEachTensor((container as Record<string, unknown>)[key], fn, seen);
}

/** @internal Opens a scope: tensors made until endScope belong to it. */
export function startScope(): void {
  scopes.push([]);
}

/** @internal Whether t was made in the innermost open scope (rather than before it: a caller's tensor). */
export function madeInScope(t: Tensor): boolean {
  return scopes[scopes.length - 1]?.includes(t) ?? false;
}

/**
 * @internal Closes the innermost scope, disposing its tensors except those in `result` and kept ones; those
 * move to the enclosing scope, or are registered for finalization when there is none.
 */
export function endScope(result?: unknown): void {
  const scope = scopes.pop()!;
  const parent = scopes[scopes.length - 1];
  if (result === undefined || result === null) {
    for (const t of scope) if (!t.kept) t.dispose();
    return;
  }
  const survivors = new Set<Tensor>();
  forEachTensor(result, (t) => survivors.add(t));
  for (const t of scope) {
    if (survivors.has(t)) {
      if (parent !== undefined) parent.push(t);
      else t.register();
    } else if (!t.kept) t.dispose();
  }
}

/**
 * Runs fn and disposes every tensor it made except those it returns (however nested in arrays and objects)
 * and those kept with tf.keep. Variables are never disposed by tidy.
 * @example const y = tf.tidy(() => x.square().sum());
 */
export function tidy<T extends TensorContainer>(nameOrFn: string | (() => T), fn?: () => T): T {
  const f = typeof nameOrFn === 'function' ? nameOrFn : fn;
  if (typeof f !== 'function') throw new Error(`tidy: fn must be a function, got ${typeof f}`);
  startScope();
  let result: T;
  try {
    result = f();
  } catch (error) {
    endScope();
    throw error;
  }
  if (result instanceof Promise) {
    endScope();
    throw new Error('tidy: fn must not be async (it returned a Promise)');
  }
  endScope(result);
  return result;
}

/** Keeps a tensor made inside tidy() (and the mask it carries) from being disposed when the scope ends. */
export function keep<T extends Tensor>(t: T): T {
  if (!(t instanceof Tensor)) throw new Error(`keep: result must be a Tensor, got ${typeof t}`);
  t.kept = true;
  t.register();
  if (t.kerasMask) keep(t.kerasMask);
  return t;
}

/** Disposes a tensor, or every tensor in an array or object (see forEachTensor). */
export function dispose(container: TensorContainer): void {
  forEachTensor(container, (t) => t.dispose());
}

/** What neurite holds, with TF.js's fields: live tensors, heap blocks and their bytes (models included). */
export function memory(): { numTensors: number; numDataBuffers: number; numBytes: number; unreliable: boolean } {
  return { numTensors: liveTensors, numDataBuffers: blockCount(), numBytes: bytesInUse(), unreliable: false };
}
