// A block of heap memory that belongs to tensors or a model. It follows the active backend: used after
// setBackend, it moves its bytes over first. Tensors that share values (a reshape, a clone) share a block,
// counted by refs; blocks of a garbage-collected owner are freed. An allocation that does not fit throws an
// Error naming the call and what it was for; nothing is held then.

import type { Backend } from './backend/backend.js';
import type { Ptr } from './backend/kernels.js';
import { activeBackend } from './engine.js';

let liveBytes = 0;
let liveBlocks = 0;

/** Bytes held by live blocks on any backend. */
export function bytesInUse(): number {
  return liveBytes;
}

/** Live blocks on any backend. */
export function blockCount(): number {
  return liveBlocks;
}

/** The public calls running now (model.fit, predict, ...), innermost last: an out-of-memory Error names it. */
const calls: string[] = [];

/** Marks the start of the public call `op` (until leaveCall), so that an allocation failing inside names it. */
export function enterCall(op: string): void {
  calls.push(op);
}

export function leaveCall(): void {
  calls.pop();
}

/** Runs fn as the public call `op` (see enterCall). */
export function during<T>(op: string, fn: () => T): T {
  enterCall(op);
  try {
    return fn();
  } finally {
    leaveCall();
  }
}

/** What a block holds, for an out-of-memory message: a description, or a tensor's shape and dtype. */
export type Contents = string | { shape: readonly number[]; dtype: string };

const registry = new FinalizationRegistry<Block>((block) => block.free());

export class Block {
  private backend: Backend | null;
  private address: Ptr;
  /** Holders of this block; release() frees it when the last one lets go. */
  refs = 1;

  /**
   * Allocates `bytes` on the active backend; contents are undefined. Frees it when `owner` is collected
   * (owner null: the caller frees it). `op` and `what` name the call and the use in an out-of-memory Error.
   */
  constructor(
    readonly bytes: number,
    owner: object | null,
    private readonly op: string,
    private readonly what: Contents,
  ) {
    const backend = activeBackend();
    this.address = allocate(backend, bytes, op, what);
    this.backend = backend;
    liveBytes += bytes;
    liveBlocks++;
    if (owner) registry.register(owner, this, this);
  }

  /** Adds a holder. */
  retain(): this {
    this.refs++;
    return this;
  }

  /** Drops a holder; the last one frees the block. */
  release(): void {
    if (--this.refs === 0) this.free();
  }

  get isFreed(): boolean {
    return this.backend === null;
  }

  /**
   * The address on the active backend, moving the bytes there first. Moving allocates, which may grow memory
   * and replace the heap's typed views: take every pointer before reading a view.
   */
  ptr(): Ptr {
    const from = this.backend;
    if (from === null) throw new Error(`${this.op}: ${contents(this.what)} was freed (disposed) and cannot be used`);
    const to = activeBackend();
    if (from !== to) {
      const address = allocate(to, this.bytes, this.op, this.what);
      to.heap.u8.set(from.heap.u8.subarray(this.address, this.address + this.bytes), address);
      from.heap.free(this.address);
      this.backend = to;
      this.address = address;
    }
    return this.address;
  }

  /** Returns the bytes to the heap; freeing twice is harmless. */
  free(): void {
    if (this.backend === null) return;
    this.backend.heap.free(this.address);
    this.backend = null;
    liveBytes -= this.bytes;
    liveBlocks--;
    registry.unregister(this);
  }
}

/** Allocates on a backend's heap, turning a failure into an Error that names the call and what it was for. */
export function allocate(backend: Backend, bytes: number, op: string, what: Contents): Ptr {
  try {
    return backend.heap.alloc(bytes);
  } catch (error) {
    const call = calls[calls.length - 1] ?? op;
    throw new Error(`${call}: out of memory for ${contents(what)}${call === op ? '' : ` (in ${op})`} (${formatBytes(bytes)}): ${(error as Error).message}`);
  }
}

function contents(what: Contents): string {
  return typeof what === 'string' ? what : `a ${what.dtype} tensor of shape [${what.shape.join(', ')}]`;
}

/** 1536 -> '1.5 KB', for messages. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}
