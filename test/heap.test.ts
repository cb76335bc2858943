// The allocator: alignment, reuse and merging of freed blocks, growth with fresh views, clear errors.

import { describe, expect, it } from 'vitest';
import { ArrayMemory, Heap, MAX_PAGES, PAGE_BYTES, word } from '../src/backend/heap.js';

describe('Heap', () => {
  it('hands out 16-byte-aligned, non-overlapping blocks', () => {
    const heap = new Heap(new ArrayMemory(1), 40);
    const blocks = [1, 15, 16, 17, 100, 3].map((bytes) => ({ ptr: heap.alloc(bytes), bytes }));
    for (const { ptr } of blocks) expect(ptr % 16).toBe(0);
    for (const { ptr } of blocks) expect(ptr).toBeGreaterThanOrEqual(48);
    const sorted = [...blocks].sort((a, b) => a.ptr - b.ptr);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i].ptr).toBeGreaterThanOrEqual(sorted[i - 1].ptr + sorted[i - 1].bytes);
  });

  it('gives a freed block back to the next allocation of its size at once', () => {
    const heap = new Heap(new ArrayMemory(1), 0);
    const a = heap.alloc(64);
    const b = heap.alloc(100);
    heap.free(a);
    heap.free(b);
    expect(heap.alloc(112)).toBe(b); // 100 rounds up to 112
    expect(heap.alloc(64)).toBe(a);
    expect(heap.alloc(64)).toBe(b + 112); // none cached: a new block at the top
  });

  it('flushes cached blocks into a free list that merges neighbours', () => {
    const heap = new Heap(new ArrayMemory(1), 0);
    const a = heap.alloc(64);
    const b = heap.alloc(64);
    const c = heap.alloc(64);
    const guard = heap.alloc(16);
    heap.free(a);
    heap.free(c);
    heap.free(b);
    heap.flush(); // a, b, c merge into one 192-byte block
    expect(heap.alloc(192)).toBe(a);
    heap.free(a);
    heap.flush();
    expect(heap.alloc(32)).toBe(a); // first fit, then the rest of the block
    expect(heap.alloc(32)).toBe(a + 32);
    expect(heap.bytesInUse).toBe(16 + 64);
    expect(guard).toBeGreaterThan(c);
  });

  it('flushes the cache rather than grow the memory', () => {
    const memory = new ArrayMemory(1);
    const heap = new Heap(memory, 0);
    const blocks = Array.from({ length: 4 }, () => heap.alloc(PAGE_BYTES / 4 - 16));
    for (const p of blocks) heap.free(p);
    const whole = heap.alloc(PAGE_BYTES - 64); // fits only once the four cached blocks are merged
    expect(whole).toBe(blocks[0]);
    expect(memory.buffer.byteLength).toBe(PAGE_BYTES);
  });

  it('10,000 allocate/free cycles of mixed sizes never overlap live blocks and leave it where it started', () => {
    const heap = new Heap(new ArrayMemory(1), 0);
    const startTop = heap.topAddress;
    const live: number[] = [];
    const overlapping = () => {
      const blocks = live.map((p) => [p, p + heap.sizeOf(p)]).sort((a, b) => a[0] - b[0]);
      return blocks.some((b, i) => i > 0 && b[0] < blocks[i - 1][1]);
    };
    let s = 12345;
    for (let i = 0; i < 10_000; i++) {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      if (live.length > 0 && s % 3 === 0) heap.free(live.splice(s % live.length, 1)[0]);
      else live.push(heap.alloc((s >>> 8) % 5000));
      if (i % 500 === 0) expect(overlapping(), `after ${i} cycles`).toBe(false);
    }
    expect(overlapping()).toBe(false);
    for (const p of live) heap.free(p);
    expect(heap.bytesInUse).toBe(0);
    heap.flush();
    expect(heap.topAddress).toBe(startTop);
  });

  it('grows the memory, keeps values, and replaces the views', () => {
    const memory = new ArrayMemory(1);
    const heap = new Heap(memory, 0);
    const p = heap.alloc(16);
    heap.f32[word(p)] = 42;
    const before = heap.f32;
    const big = heap.alloc(3 * PAGE_BYTES);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(big + 3 * PAGE_BYTES);
    expect(heap.f32).not.toBe(before);
    expect(heap.f32.buffer).toBe(memory.buffer);
    expect(heap.f32[word(p)]).toBe(42);
  });

  it('refuses more than the memory can hold with a clear Error, and keeps working', () => {
    const heap = new Heap(new ArrayMemory(1), 0);
    const p = heap.alloc(64);
    expect(() => heap.alloc(MAX_PAGES * PAGE_BYTES)).toThrow(/past the 4 GiB a wasm32 memory can address/);
    expect(() => heap.alloc(-1)).toThrow(/non-negative integer/);
    expect(() => heap.alloc(1.5)).toThrow(/non-negative integer/);
    const q = heap.alloc(64);
    expect(q).toBe(p + 64);
    heap.free(p);
    heap.free(q);
    expect(heap.bytesInUse).toBe(0);
  });

  it('rejects freeing a block twice', () => {
    const heap = new Heap(new ArrayMemory(1), 0);
    const p = heap.alloc(16);
    heap.free(p);
    expect(() => heap.free(p)).toThrow(/not an allocated block/);
  });
});
