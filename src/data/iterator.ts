// The lazy streams behind datasets. An iterator pulls from its upstream on next(), one pull at a time, so
// elements come in order even when next() is called again before the last one settled (prefetch does).
// Ownership follows TF.js: a step disposes the tensors it consumed and did not pass on (map's input, filter's
// rejects, skip's skipped, batch's rows, the leftovers of a zip that ran out); whoever receives an element
// owns it, and at the end of the pipeline that is the user.
//
// Synchronous pulls: sources that can answer at once (tf.data.array, csv rows, a function* generator) make
// sync iterators, and so do map, filter, take, skip, shuffle, batch and zip over sync iterators. A sync
// iterator's pull runs within next(), so batch gathers a whole batch through the pipeline without a Promise
// per element. Those steps are written once, as generators that yield the upstream they read (see stepped):
// the same code runs synchronously or awaiting, so both give the same elements. A batch of a zip of plain
// objects goes further: it reads the zip's rows of values and batches them column by column (ZipIterator).
//
// A source's last result may carry a value with done: true (what a generator returns). As in TF.js, take,
// skip, filter and prefetch pass it on, and map, batch, shuffle, zip, repeat and concatenate drop it (neurite
// disposes its tensors; TF.js leaves them).

import type { TensorContainer } from '../tensor/tensor.js';
import { disposeConsumed, isContainer, mapLeaves, type Place, setOwn } from './structure.js';

/** A stream's next element, or its end; the end may carry a value (a generator's return value). */
export type Result<T> = IteratorResult<T, unknown>;

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

  /**
   * @internal Use Dataset.iterator(). `pull` makes the next result; calls to it never overlap. When `sync`,
   * it returns the result itself, not a Promise.
   */
  constructor(
    private readonly pull: () => Promise<Result<T>> | Result<T>,
    /** @internal */ readonly sync = false,
  ) {}

  next(): Promise<Result<T>> {
    if (this.sync) {
      try {
        return Promise.resolve(this.pull());
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const result = this.last.then(this.pull);
    // A failed pull fails its own next() only; the one after it reads on.
    this.last = result.then(ignore, ignore);
    return result;
  }

  /** @internal The next result of a sync iterator, at once. */
  nextSync(): Result<T> {
    return this.pull() as Result<T>;
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/** An iterator over a function that gives its results at once. */
export function syncIterator<T>(pull: () => Result<T>): DataIterator<T> {
  return new DataIterator(pull, true);
}

/**
 * A pull written once for both ways of reading: a generator that yields what it waits for, an upstream
 * iterator (the result of its next() comes back at the yield, or its error is thrown there) or, in a step
 * that awaits, a Promise (its value comes back); it returns the pull's result.
 */
type Step<T> = Generator<DataIterator<unknown> | Promise<unknown>, Result<T>, unknown>;

/** An iterator whose pulls run step: synchronously when `up` is sync and the step does not await. */
function stepped<T>(up: DataIterator<unknown>, awaits: boolean, step: () => Step<T>): DataIterator<T> {
  if (up.sync && !awaits) return syncIterator(() => runSync(step()));
  return new DataIterator(() => runAsync(step()));
}

/** Runs a step to its result, each upstream read at once. */
function runSync<T>(run: Step<T>): Result<T> {
  let at = run.next();
  while (!at.done) {
    let got: Result<unknown>;
    try {
      got = (at.value as DataIterator<unknown>).nextSync();
    } catch (error) {
      at = run.throw(error);
      continue;
    }
    at = run.next(got);
  }
  return at.value;
}

/** Runs a step to its result, awaiting each read and Promise it yields. */
async function runAsync<T>(run: Step<T>): Promise<Result<T>> {
  let at = run.next();
  while (!at.done) {
    let got: unknown;
    try {
      got = await (at.value instanceof DataIterator ? at.value.next() : at.value);
    } catch (error) {
      at = run.throw(error);
      continue;
    }
    at = run.next(got);
  }
  return at.value;
}

/** The end of a step that drops the value its upstream ended with (a generator's return value): disposed. */
function end(last: Result<unknown>): typeof DONE {
  disposeConsumed(last.value, null);
  return DONE;
}

/**
 * Each element through transform (awaited when `awaits`); the input's tensors it did not return are
 * disposed.
 */
export function mapped<T, O>(up: DataIterator<T>, transform: (value: T) => O | Promise<O>, awaits = false): DataIterator<O> {
  return stepped(up, awaits, function* () {
    const item = (yield up) as Result<T>;
    if (item.done) return end(item);
    let out: O;
    try {
      out = (awaits ? yield Promise.resolve(transform(item.value)) : transform(item.value)) as O;
    } catch (error) {
      disposeConsumed(item.value, null);
      throw error;
    }
    disposeConsumed(item.value, out);
    return { value: out, done: false };
  });
}

/** The elements predicate keeps; the rest are disposed. */
export function filtered<T>(up: DataIterator<T>, predicate: (value: T) => boolean): DataIterator<T> {
  return stepped(up, false, function* () {
    for (;;) {
      const item = (yield up) as Result<T>;
      if (item.done) return item;
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
export function taken<T>(up: DataIterator<T>, count: number): DataIterator<T> {
  let seen = 0;
  return stepped(up, false, function* () {
    return seen++ < count ? ((yield up) as Result<T>) : DONE;
  });
}

/** All but the first count elements, which are disposed. */
export function skipped<T>(up: DataIterator<T>, count: number): DataIterator<T> {
  let left = count;
  return stepped(up, false, function* () {
    for (; left > 0; left--) {
      const item = (yield up) as Result<T>;
      if (item.done) return item;
      disposeConsumed(item.value, null);
    }
    return (yield up) as Result<T>;
  });
}

/**
 * Groups of size elements made into one by build (given the first's place in the stream); a last smaller
 * group when smallLast, else it is disposed. When a read fails, the group's elements are disposed.
 */
export function batched<T, O>(up: DataIterator<T>, size: number, smallLast: boolean, build: (rows: T[], start: number) => O): DataIterator<O> {
  let start = 0;
  return stepped(up, false, function* () {
    const rows: T[] = [];
    try {
      while (rows.length < size) {
        const item = (yield up) as Result<T>;
        if (item.done) {
          end(item);
          break;
        }
        rows.push(item.value);
      }
    } catch (error) {
      disposeConsumed(rows, null);
      throw error;
    }
    start += rows.length;
    if (rows.length === size || (smallLast && rows.length > 0)) return { value: build(rows, start - rows.length), done: false };
    disposeConsumed(rows, null);
    return DONE;
  });
}

/**
 * The elements in a random order, streaming: a window of `size` elements is kept, and each step yields one
 * drawn uniformly from it and refills its place from upstream. A window as large as the data shuffles it all.
 */
export function shuffled<T>(up: DataIterator<T>, size: number, seed: number): DataIterator<T> {
  const random = randomStream(seed);
  const window: T[] = [];
  let exhausted = false;
  return stepped(up, false, function* () {
    while (!exhausted && window.length < size) {
      const item = (yield up) as Result<T>;
      if (!item.done) window.push(item.value);
      else {
        end(item);
        exhausted = true;
      }
    }
    if (window.length === 0) return DONE;
    const i = Math.floor((random() / 2 ** 32) * window.length);
    const value = window[i];
    window[i] = window[window.length - 1];
    window.pop();
    return { value, done: false };
  });
}

/**
 * The same elements, with up to `size` of them requested ahead of the consumer. A sync upstream has nothing
 * to wait for, so it is read as it is.
 */
export function prefetched<T>(up: DataIterator<T>, size: number): DataIterator<T> {
  if (up.sync) return up;
  const ahead: Array<Promise<Result<T>>> = [];
  return new DataIterator(async () => {
    while (ahead.length < size) {
      const request = up.next();
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
      end(item);
      current = null;
      if (stopWhenEmpty && yielded === 0) return DONE;
    }
  });
}

/**
 * Elements of the same structure as `streams` (arrays and plain objects of iterators), each iterator replaced
 * by its element. It ends with the shortest stream; the elements the others gave for that step are disposed.
 * Its streams are read together: one after another when all are sync, else concurrently.
 */
export function zipped(streams: TensorContainer): ZipIterator {
  const leaves: Array<DataIterator<TensorContainer>> = [];
  mapLeaves('tf.data.zip', streams, (leaf) => leaves.push(leaf as DataIterator<TensorContainer>));
  /** The step's row from what each stream gave (null where it failed), whether one ended, the first failure. */
  const row = (values: unknown[], ended: boolean, failure: { reason: unknown } | undefined): Result<unknown[]> => {
    if (leaves.length === 0) return DONE;
    if (!ended && !failure) return { value: values, done: false };
    disposeConsumed(values, null);
    if (failure) throw failure.reason;
    return DONE;
  };
  const rows = leaves.every((leaf) => leaf.sync)
    ? syncIterator(() => {
        const values: unknown[] = [];
        let ended = false;
        let failure: { reason: unknown } | undefined;
        for (const leaf of leaves) {
          try {
            const item = leaf.nextSync();
            ended ||= item.done === true;
            values.push(item.value);
          } catch (reason) {
            failure ??= { reason };
            values.push(null);
          }
        }
        return row(values, ended, failure);
      })
    : new DataIterator(async () => {
        const results = await Promise.allSettled(leaves.map((s) => s.next()));
        const values = results.map((r) => (r.status === 'fulfilled' ? r.value.value : null));
        const ended = results.some((r) => r.status === 'fulfilled' && r.value.done === true);
        return row(values, ended, results.find((r) => r.status === 'rejected'));
      });
  return new ZipIterator(rows, rebuilder(streams) as (values: unknown[]) => TensorContainer, placesOf(streams));
}

/**
 * A zip's elements, each built from a row: the values its streams gave at one step. A batch of a zip whose
 * containers are all plain objects is made from the rows, column by column (see Dataset.batch): the same
 * batch, without the elements.
 */
export class ZipIterator extends DataIterator<TensorContainer> {
  constructor(
    /** @internal */ readonly rows: DataIterator<unknown[]>,
    /** @internal */ readonly build: (values: unknown[]) => TensorContainer,
    /** @internal Where each stream's values sit in the elements; null when the zip has arrays. */
    readonly places: Place[] | null,
  ) {
    const element = (row: Result<unknown[]>): Result<TensorContainer> => (row.done ? DONE : { value: build(row.value), done: false });
    super(rows.sync ? () => element(rows.nextSync()) : async () => element(await rows.next()), rows.sync);
  }
}

/** Where the leaves of a structure of plain objects sit, as batch names them; null when it has arrays. */
function placesOf(node: unknown, path = '', depth = 0): Place[] | null {
  if (Array.isArray(node)) return null;
  if (!isContainer(node)) return [{ path, depth }];
  const places: Place[] = [];
  for (const [key, child] of Object.entries(node)) {
    const inner = placesOf(child, path === '' ? key : `${path}.${key}`, depth + 1);
    if (inner === null) return null;
    places.push(...inner);
  }
  return places;
}

/**
 * A function rebuilding the arrays and plain objects of `node` with its leaves taken in order from `values`:
 * the structure is walked once, not at every element.
 */
function rebuilder(node: unknown, leaves = { count: 0 }): (values: unknown[]) => unknown {
  if (Array.isArray(node)) {
    const parts = node.map((child) => rebuilder(child, leaves));
    return (values) => parts.map((part) => part(values));
  }
  if (isContainer(node)) {
    const parts = Object.entries(node).map(([key, child]) => [key, rebuilder(child, leaves)] as const);
    return (values) => {
      const out: Record<string, unknown> = {};
      for (const [key, part] of parts) setOwn(out, key, part(values));
      return out;
    };
  }
  const k = leaves.count++;
  return (values) => values[k];
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
