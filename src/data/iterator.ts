// The lazy streams behind datasets. An iterator pulls from its upstream on next(), one pull at a time, so
// elements come in order even when next() is called again before the last one settled (prefetch does).
// Ownership follows TF.js: a step disposes the tensors it consumed and did not pass on (map's input, filter's
// rejects, skip's skipped, batch's rows, the leftovers of a zip that ran out); whoever receives an element
// owns it, and at the end of the pipeline that is the user.

import type { TensorContainer } from '../tensor/tensor.js';
import { disposeConsumed, mapLeaves } from './structure.js';

export type Result<T> = IteratorResult<T, null>;

/** Anything with TF.js's iterator protocol: next() giving (a Promise of) { value, done }. */
export interface Source<T> {
  next(): Promise<Result<T>> | Result<T>;
}

/** The result of a stream that has ended. */
export const DONE: IteratorReturnResult<null> = { value: null, done: true };
/** For a Promise whose rejection is reported elsewhere. */
export const ignore = () => {};

/**
 * A dataset's stream of elements: `await it.next()` gives `{ value, done }` (and `for await` works too).
 * @example const it = await tf.data.array([1, 2]).iterator(); console.log(await it.next());
 */
export class DataIterator<T = TensorContainer> {
  private last: Promise<unknown> = Promise.resolve();

  /** @internal Use Dataset.iterator(). `pull` makes the next result; calls to it never overlap. */
  constructor(private readonly pull: () => Promise<Result<T>>) {}

  next(): Promise<Result<T>> {
    const result = this.last.then(this.pull);
    // A failed pull fails its own next() only; the one after it reads on.
    this.last = result.then(ignore, ignore);
    return result;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** Each element through transform (which may be async); the input's tensors it did not return are disposed. */
export function mapped<T, O>(up: Source<T>, transform: (value: T) => O | Promise<O>): DataIterator<O> {
  return new DataIterator(async () => {
    const item = await up.next();
    if (item.done) return DONE;
    let out: O;
    try {
      out = await transform(item.value);
    } catch (error) {
      disposeConsumed(item.value, null);
      throw error;
    }
    disposeConsumed(item.value, out);
    return { value: out, done: false };
  });
}

/** The elements predicate keeps; the rest are disposed. */
export function filtered<T>(up: Source<T>, predicate: (value: T) => boolean): DataIterator<T> {
  return new DataIterator(async () => {
    for (;;) {
      const item = await up.next();
      if (item.done) return DONE;
      let keep: boolean;
      try {
        keep = predicate(item.value);
      } catch (error) {
        disposeConsumed(item.value, null);
        throw error;
      }
      if (keep) return item;
      disposeConsumed(item.value, null);
    }
  });
}

/** The first count elements (count >= 0). */
export function taken<T>(up: Source<T>, count: number): DataIterator<T> {
  let seen = 0;
  return new DataIterator(async () => (seen++ < count ? up.next() : DONE));
}

/** All but the first count elements, which are disposed. */
export function skipped<T>(up: Source<T>, count: number): DataIterator<T> {
  let left = count;
  return new DataIterator(async () => {
    for (; left > 0; left--) {
      const item = await up.next();
      if (item.done) return DONE;
      disposeConsumed(item.value, null);
    }
    return up.next();
  });
}

/**
 * Groups of size elements made into one by build (given the first's place in the stream); a last smaller
 * group when smallLast, else it is disposed.
 */
export function batched<T, O>(up: Source<T>, size: number, smallLast: boolean, build: (rows: T[], start: number) => O): DataIterator<O> {
  let start = 0;
  return new DataIterator(async () => {
    const rows: T[] = [];
    while (rows.length < size) {
      const item = await up.next();
      if (item.done) break;
      rows.push(item.value);
    }
    start += rows.length;
    if (rows.length === size || (smallLast && rows.length > 0)) return { value: build(rows, start - rows.length), done: false };
    rows.forEach((row) => disposeConsumed(row, null));
    return DONE;
  });
}

/**
 * The elements in a random order, streaming: a window of `size` elements is kept, and each step yields one
 * drawn uniformly from it and refills its place from upstream. A window as large as the data shuffles it all.
 */
export function shuffled<T>(up: Source<T>, size: number, seed: number): DataIterator<T> {
  const random = randomStream(seed);
  const window: T[] = [];
  let exhausted = false;
  return new DataIterator(async () => {
    while (!exhausted && window.length < size) {
      const item = await up.next();
      if (item.done) exhausted = true;
      else window.push(item.value);
    }
    if (window.length === 0) return DONE;
    const i = Math.floor((random() / 2 ** 32) * window.length);
    const value = window[i];
    window[i] = window[window.length - 1];
    window.pop();
    return { value, done: false };
  });
}

/** The same elements, with up to `size` of them requested ahead of the consumer. */
export function prefetched<T>(up: Source<T>, size: number): DataIterator<T> {
  const ahead: Array<Promise<Result<T>>> = [];
  return new DataIterator(async () => {
    while (ahead.length < size) {
      const request = Promise.resolve(up.next());
      request.catch(ignore); // reported when its turn comes, not as an unhandled rejection now
      ahead.push(request);
    }
    return ahead.shift()!;
  });
}

/**
 * The elements of one stream after another: `open(k)` gives the k-th stream, or null when there are no more.
 * With `stopWhenEmpty`, a stream that yields nothing ends the chain (repeating an empty dataset forever would
 * otherwise never return).
 */
export function chained<T>(open: (k: number) => Promise<Source<T> | null>, stopWhenEmpty = false): DataIterator<T> {
  let current: Source<T> | null = null;
  let opened = 0;
  let yielded = 0;
  return new DataIterator(async () => {
    for (;;) {
      if (current === null) {
        current = await open(opened++);
        if (current === null) return DONE;
        yielded = 0;
      }
      const item = await current.next();
      if (!item.done) {
        yielded++;
        return item;
      }
      current = null;
      if (stopWhenEmpty && yielded === 0) return DONE;
    }
  });
}

/**
 * Elements of the same structure as `streams` (arrays and plain objects of iterators), each iterator replaced
 * by its element. It ends with the shortest stream; the elements the others gave for that step are disposed.
 */
export function zipped(streams: TensorContainer): DataIterator<TensorContainer> {
  const leaves: Array<Source<TensorContainer>> = [];
  mapLeaves('tf.data.zip', streams, (leaf) => leaves.push(leaf as Source<TensorContainer>));
  const build = rebuilder(streams);
  return new DataIterator(async () => {
    if (leaves.length === 0) return DONE;
    const results = await Promise.allSettled(leaves.map((s) => s.next()));
    const values = results.map((r) => (r.status === 'fulfilled' && !r.value.done ? r.value.value : null));
    const element = build(values, { next: 0 }) as TensorContainer;
    const failed = results.find((r) => r.status === 'rejected');
    if (failed === undefined && results.every((r) => r.status === 'fulfilled' && !r.value.done)) return { value: element, done: false };
    disposeConsumed(values, null);
    if (failed) throw failed.reason;
    return DONE;
  });
}

/**
 * A function rebuilding the arrays and plain objects of `node` with its leaves taken in order from `values`:
 * the structure is walked once, not at every element.
 */
function rebuilder(node: unknown): (values: unknown[], at: { next: number }) => unknown {
  if (Array.isArray(node)) {
    const parts = node.map(rebuilder);
    return (values, at) => parts.map((part) => part(values, at));
  }
  if (node !== null && typeof node === 'object' && Object.getPrototypeOf(node) === Object.prototype) {
    const parts = Object.entries(node).map(([key, child]) => [key, rebuilder(child)] as const);
    return (values, at) => {
      const out: Record<string, unknown> = {};
      for (const [key, part] of parts) out[key] = part(values, at);
      return out;
    };
  }
  return (values, at) => values[at.next++];
}

/**
 * A 32-bit PRNG (mulberry32) for one stream of shuffle choices. It lives in JS rather than on the backend's
 * heap, so an iterator that is dropped half-way holds no memory.
 */
export function randomStream(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}
