// One linear memory and the allocator over it. Both backends use this: the wasm backend over its
// WebAssembly.Memory, the js twin over a growable ArrayBuffer of its own, so tensors, the parameter arena
// and every kernel call look the same on either. Kernels never allocate; only this file grows memory.

import type { Ptr } from './kernels.js';

export const PAGE_BYTES = 65536;
/** wasm32 addresses 4 GiB at most. */
export const MAX_PAGES = 65536;
const ALIGN = 16;

/**
 * The index of the 4-byte word at byte address ptr, for the f32 / i32 / u32 views. Unsigned: a heap passes
 * 2 GiB, where a signed shift would turn the address negative and every view would read the wrong place.
 */
export function word(ptr: Ptr): number {
  return ptr >>> 2;
}

/** The part of WebAssembly.Memory the heap needs. */
export interface LinearMemory {
  readonly buffer: ArrayBufferLike;
  grow(deltaPages: number): number;
}

/** A plain-JS LinearMemory for the js backend: growth copies into a larger buffer, as wasm growth detaches. */
export class ArrayMemory implements LinearMemory {
  buffer: ArrayBuffer;
  constructor(pages: number) {
    this.buffer = new ArrayBuffer(pages * PAGE_BYTES);
  }
  grow(deltaPages: number): number {
    const oldPages = this.buffer.byteLength / PAGE_BYTES;
    if (oldPages + deltaPages > MAX_PAGES) throw new RangeError('maximum memory size exceeded');
    const next = new ArrayBuffer((oldPages + deltaPages) * PAGE_BYTES);
    new Uint8Array(next).set(new Uint8Array(this.buffer));
    this.buffer = next;
    return oldPages;
  }
}

/**
 * Allocator over [base, top). A freed block first goes to a cache of recently freed blocks by exact size,
 * which the next allocation of that size takes in constant time: a training step or a loop of ops frees and
 * allocates the same sizes over and over. Before the memory would grow, the cache is flushed into a
 * first-fit free list with coalescing, where a freed block at the top lowers the top again, so cached
 * blocks never cost memory.
 * Views (f32, i32, u8) are replaced whenever the memory grows: never keep one across an alloc.
 */
export class Heap {
  f32!: Float32Array;
  i32!: Int32Array;
  u32!: Uint32Array;
  u8!: Uint8Array;
  private top: number;
  /** Bytes of the memory, cached: reading WebAssembly.Memory's buffer costs more than an allocation should. */
  private capacity = 0;
  private readonly sizes = new Map<Ptr, number>();
  /** Recently freed blocks, by size. */
  private readonly recent = new Map<number, Ptr[]>();
  /** Free blocks as [ptr, bytes], sorted by address, never adjacent (they are merged). */
  private readonly free_: Array<[Ptr, number]> = [];
  private inUse = 0;
  /** While a program records (see program.ts), the blocks freed: held for it instead of reused. */
  private holding: Ptr[] | null = null;

  constructor(readonly memory: LinearMemory, base: number) {
    this.top = align(Math.max(base, ALIGN));
    this.refreshViews();
  }

  /** Bytes currently handed out. */
  get bytesInUse(): number {
    return this.inUse;
  }

  /** The top of the heap: every block lies below it. flush() first to see it as low as it can be. */
  get topAddress(): number {
    return this.top;
  }

  /** Allocates `bytes` (rounded up to 16) and returns a 16-byte-aligned pointer. Contents are undefined. */
  alloc(bytes: number): Ptr {
    if (!Number.isSafeInteger(bytes) || bytes < 0) throw new Error(`alloc: bytes must be a non-negative integer, got ${bytes}`);
    const size = bytes <= ALIGN ? ALIGN : align(bytes);
    const cached = this.recent.get(size);
    if (cached !== undefined && cached.length > 0) return this.handOut(cached.pop()!, size);
    const ptr = this.firstFit(size);
    if (ptr >= 0) return this.handOut(ptr, size);
    if (this.top + size > this.capacity && this.recent.size > 0) {
      this.flush();
      return this.alloc(bytes);
    }
    const at = this.top;
    this.ensure(at + size);
    this.top = at + size;
    return this.handOut(at, size);
  }

  /** Returns a block to the heap. Freeing an unknown pointer throws (a double free is a bug). */
  free(ptr: Ptr): void {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`free: ${ptr} is not an allocated block`);
    if (this.holding) {
      this.holding.push(ptr);
      return;
    }
    this.sizes.delete(ptr);
    this.inUse -= size;
    const cached = this.recent.get(size);
    if (cached === undefined) this.recent.set(size, [ptr]);
    else cached.push(ptr);
  }

  /**
   * Runs fn with every block freed meanwhile held in `held` rather than freed: its address stays reserved (for
   * a recorded program that replays kernels on it) until the holder frees it for good.
   */
  holdFrees<T>(held: Ptr[], fn: () => T): T {
    const outer = this.holding;
    this.holding = held;
    try {
      return fn();
    } finally {
      this.holding = outer;
    }
  }

  /** Moves every cached block to the free list, merging neighbours and lowering the top. */
  flush(): void {
    for (const [size, ptrs] of this.recent) for (const ptr of ptrs) this.release(ptr, size);
    this.recent.clear();
  }

  /** Size in bytes of a live block. */
  sizeOf(ptr: Ptr): number {
    const size = this.sizes.get(ptr);
    if (size === undefined) throw new Error(`sizeOf: ${ptr} is not an allocated block`);
    return size;
  }

  /** Recreates the typed views if the memory's buffer changed (growth, by this heap or another owner). */
  refreshViews(): void {
    const buffer = this.memory.buffer;
    this.capacity = buffer.byteLength;
    if (this.u8 !== undefined && this.u8.buffer === buffer) return;
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u32 = new Uint32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }

  private handOut(ptr: Ptr, size: number): Ptr {
    this.sizes.set(ptr, size);
    this.inUse += size;
    return ptr;
  }

  /** Takes a block of `size` from the free list (first fit), or returns -1. */
  private firstFit(size: number): Ptr {
    const free = this.free_;
    for (let i = 0; i < free.length; i++) {
      const [ptr, avail] = free[i];
      if (avail < size) continue;
      if (avail === size) free.splice(i, 1);
      else free[i] = [ptr + size, avail - size];
      return ptr;
    }
    return -1;
  }

  /** Puts a block on the free list, merging it with its neighbours, or lowers the top. */
  private release(ptr: Ptr, size: number): void {
    const free = this.free_;
    let lo = 0;
    let hi = free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (free[mid][0] < ptr) lo = mid + 1;
      else hi = mid;
    }
    let start = ptr;
    let end = ptr + size;
    const prev = free[lo - 1];
    const next = free[lo];
    let removeFrom = lo;
    let removeCount = 0;
    if (prev && prev[0] + prev[1] === start) {
      start = prev[0];
      removeFrom = lo - 1;
      removeCount++;
    }
    if (next && next[0] === end) {
      end = next[0] + next[1];
      removeCount++;
    }
    if (end === this.top) {
      free.splice(removeFrom, removeCount);
      this.top = start;
    } else {
      free.splice(removeFrom, removeCount, [start, end - start]);
    }
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    const pages = Math.ceil((end - have) / PAGE_BYTES);
    const havePages = have / PAGE_BYTES;
    if (havePages + pages > MAX_PAGES) {
      throw new Error(`the heap would need ${end - have} more bytes, past the 4 GiB a wasm32 memory can address`);
    }
    try {
      // Grow geometrically so that a run of small allocations does not grow page by page.
      this.memory.grow(Math.min(Math.max(pages, havePages >> 2), MAX_PAGES - havePages));
    } catch {
      try {
        this.memory.grow(pages);
      } catch {
        throw new Error(`the host refused to grow the heap by ${pages * PAGE_BYTES} bytes`);
      }
    }
    this.refreshViews();
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}
