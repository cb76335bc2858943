// A block of heap memory that belongs to a tensor or a model. It follows the active backend: used after
// setBackend, it moves its bytes over first. Blocks whose owner is garbage-collected are freed.

import type { Backend } from './backend/backend.js';
import type { Ptr } from './backend/kernels.js';
import { activeBackend } from './engine.js';

let liveBytes = 0;

/** Bytes held by live blocks on any backend. */
export function bytesInUse(): number {
  return liveBytes;
}

const registry = new FinalizationRegistry<Block>((block) => block.free());

export class Block {
  private backend: Backend | null;
  private address: Ptr;

  /** Allocates `bytes` on the active backend; contents are undefined. Frees it when `owner` is collected. */
  constructor(readonly bytes: number, owner: object) {
    this.backend = activeBackend();
    this.address = this.backend.heap.alloc(bytes);
    liveBytes += bytes;
    registry.register(owner, this, this);
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
    if (from === null) throw new Error('block is freed');
    const to = activeBackend();
    if (from !== to) {
      const address = to.heap.alloc(this.bytes);
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
    registry.unregister(this);
  }
}
