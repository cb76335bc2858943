// tf.data's Dataset, as in TF.js 4.22: a lazy, re-iterable stream of elements, each method giving a new
// dataset, and the sources tf.data.array, generator, func and zip (tf.data.csv is in csv.ts). Each call to
// iterator() starts a fresh pass from the sources. `size` is known where TF.js knows it, and truthful where
// TF.js's is not (a zip of datasets of unknown size, of nested ones or of one dataset, take with a negative or
// no count, an empty dataset repeated). Webcam and microphone capture are not supported.

import { randomUniformInt } from '../ops/random.js';
import { tidy, type TensorContainer } from '../tensor/tensor.js';
import { checkBool, checkInt, DATASET, describe } from '../validate.js';
import { batched, chained, DataIterator, DONE, filtered, ignore, mapped, prefetched, randomStream, type Result, type Source, shuffled, skipped, syncIterator, taken, ZipIterator, zipped } from './iterator.js';
import { batchColumns, batchElements, cloneElement, disposeConsumed, isContainer, mapLeaves } from './structure.js';

function checkFunction(op: string, name: string, fn: unknown): void {
  if (typeof fn !== 'function') throw new Error(`${op}: ${name} must be a function, got ${describe(fn)}`);
}

function checkDataset(op: string, name: string, dataset: unknown): asserts dataset is Dataset {
  if (!(dataset instanceof Dataset)) throw new Error(`${op}: ${name} must be a tf.data Dataset, got ${describe(dataset)}`);
}

/** A count where null, undefined, a negative integer or Infinity means "all" (take, repeat); true when it limits. */
function checkCount(op: string, count: unknown, all: string): count is number {
  if (count === undefined || count === null || count === Infinity || count === -Infinity) return false;
  if (!Number.isInteger(count)) throw new Error(`${op}: count must be an integer (or left out, negative or Infinity, for ${all}), got ${describe(count)}`);
  return (count as number) >= 0;
}

/**
 * A flag TF.js reads by truthiness: true or false, 1 or 0, or null, which TF.js reads as false (its default
 * stands for undefined only). Anything else is refused rather than misread (TF.js takes "false" for true).
 */
function checkFlag(op: string, name: string, flag: unknown): boolean {
  if (flag === null || flag === 0 || flag === 1) return flag === 1;
  checkBool(op, name, flag);
  return flag;
}

/** A 31-bit seed drawn from neurite's global stream (the one tf.setSeed resets). */
function globalSeed(): number {
  const draw = randomUniformInt([], 0, 2 ** 31 - 1);
  try {
    return draw.dataSync()[0];
  } finally {
    draw.dispose();
  }
}

/** A shuffle's seed as 32 bits: the FNV-1a hash of its text, so 42 and '42' (TF.js types it a string) agree. */
function seedBits(seed: string | number): number {
  const text = String(seed);
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * A lazy, re-iterable stream of elements (tensors, numbers, or arrays and objects of them). Its methods give
 * new datasets; nothing is read until it is iterated (iterator(), forEachAsync, toArray, model.fitDataset).
 * @example const ds = tf.data.array([1, 2, 3, 4]).map((x) => x * 2).batch(2); await ds.forEachAsync((b) => b.print());
 */
export abstract class Dataset<T extends TensorContainer = TensorContainer> {
  /** TF.js's constant of the same name (10000), which it does not use either. */
  static readonly MAX_BUFFER_SIZE = 10000;
  /** @internal For messages: a dataset, whichever internal class made it. */
  readonly [DATASET] = true;

  /** The number of elements: Infinity for a dataset without end, null where it is not known. */
  readonly size: number | null = null;

  /** A new pass over the elements, from the start. */
  abstract iterator(): Promise<DataIterator<T>>;

  /**
   * Groups elements into batches: tensors stacked on a new first axis, numbers and arrays made into tensors,
   * objects batched key by key. The elements must share one structure and shape. A last batch smaller than
   * batchSize is kept unless smallLastBatch is false (or null, as TF.js reads it).
   * @example await tf.data.array([{ a: 1, b: 11 }, { a: 2, b: 12 }, { a: 3, b: 13 }]).batch(2).forEachAsync((e) => e.a.print());
   */
  batch(batchSize: number, smallLastBatch = true): Dataset<TensorContainer> {
    checkInt('Dataset.batch', 'batchSize', batchSize, 1);
    smallLastBatch = checkFlag('Dataset.batch', 'smallLastBatch', smallLastBatch);
    const size = this.size === null || this.size === Infinity ? this.size : (smallLastBatch ? Math.ceil : Math.floor)(this.size / batchSize);
    return derived(async () => {
      const up = await open(this);
      if (up instanceof ZipIterator && up.places) {
        // A zip of plain objects: its rows batched column by column, and each batch built once.
        const { rows, build } = up;
        const places = up.places;
        return batched(rows, batchSize, smallLastBatch, (values, start) => build(batchColumns(places.map((_, k) => values.map((row) => row[k] as TensorContainer)), places, start)));
      }
      return batched(up, batchSize, smallLastBatch, batchElements);
    }, size);
  }

  /**
   * This dataset's elements, then those of another.
   * @example await tf.data.array([1, 2]).concatenate(tf.data.array([3])).forEachAsync((e) => console.log(e));
   */
  concatenate(dataset: Dataset<T>): Dataset<T> {
    checkDataset('Dataset.concatenate', 'dataset', dataset);
    const [a, b] = [this.size, dataset.size];
    const size = a === Infinity || b === Infinity ? Infinity : a !== null && b !== null ? a + b : null;
    const parts: Array<Dataset<T>> = [this, dataset];
    return derived(async () => chained(async (k) => (k < parts.length ? open(parts[k]) : null)), size);
  }

  /**
   * The elements for which predicate returns true (tensors it makes are freed; rejected elements disposed).
   * @example await tf.data.array([1, 2, 3, 4]).filter((x) => x % 2 === 0).forEachAsync((e) => console.log(e));
   */
  filter(predicate: (value: T) => boolean): Dataset<T> {
    checkFunction('Dataset.filter', 'predicate', predicate);
    const test = (value: T) =>
      tidy(() => {
        const verdict = predicate(value) as unknown;
        if (verdict !== null && typeof verdict === 'object') {
          if (verdict instanceof Promise) verdict.catch(ignore);
          throw new Error(`Dataset.filter: predicate must return true or false, got ${describe(verdict)}${verdict instanceof Promise ? ' (filter takes a synchronous predicate)' : ''}`);
        }
        return Boolean(verdict);
      });
    return derived(async () => filtered(await open(this), test), this.size === Infinity ? Infinity : null);
  }

  /**
   * Calls f on every element (awaiting it when it returns a Promise), then disposes the element's tensors.
   * @example await tf.data.array([1, 2, 3]).forEachAsync((e) => console.log(e));
   */
  async forEachAsync(f: (input: T) => void | Promise<void>): Promise<void> {
    checkFunction('Dataset.forEachAsync', 'f', f);
    const it = mapped(await open(this), async (value) => void (await f(value)), true);
    while (!(await it.next()).done);
  }

  /**
   * Each element through transform, in a tidy scope: tensors it makes and does not return are freed, and the
   * input's tensors it does not return are disposed.
   * @example await tf.data.array([1, 2, 3]).map((x) => x * x).forEachAsync((e) => console.log(e));
   */
  map<O extends TensorContainer>(transform: (value: T) => O): Dataset<O> {
    checkFunction('Dataset.map', 'transform', transform);
    const apply = (value: T) =>
      tidy(() => {
        const out = transform(value);
        if (out instanceof Promise) {
          out.catch(ignore);
          throw new Error('Dataset.map: transform returned a Promise; use mapAsync for an async transform');
        }
        return out;
      });
    return derived(async () => mapped(await open(this), apply), this.size);
  }

  /**
   * Each element through an async transform, which must free its own intermediate tensors (tf.tidy cannot
   * span an await); the input's tensors it does not return are disposed.
   * @example console.log(await tf.data.array([1, 2]).mapAsync(async (x) => x + 1).toArray());
   */
  mapAsync<O extends TensorContainer>(transform: (value: T) => Promise<O>): Dataset<O> {
    checkFunction('Dataset.mapAsync', 'transform', transform);
    return derived(async () => mapped(await open(this), transform, true), this.size);
  }

  /**
   * The same elements, with up to bufferSize of them read ahead of the consumer.
   * @example const ds = tf.data.array([1, 2, 3]).prefetch(2);
   */
  prefetch(bufferSize: number): Dataset<T> {
    checkInt('Dataset.prefetch', 'bufferSize', bufferSize, 1);
    return derived(async () => prefetched(await open(this), bufferSize), this.size);
  }

  /**
   * The elements count times over (forever when count is left out, negative or Infinity), each pass a new
   * iteration.
   * @example await tf.data.array([1, 2]).repeat(2).forEachAsync((e) => console.log(e));
   */
  repeat(count?: number): Dataset<T> {
    const finite = checkCount('Dataset.repeat', count, 'forever');
    const size = finite ? (count === 0 ? 0 : this.size === null ? null : this.size * count!) : this.size === null || this.size === 0 ? this.size : Infinity;
    // Forever stops at a pass without elements: an empty dataset repeated is empty, not a hang.
    return derived(async () => chained(async (k) => (!finite || k < count! ? open(this) : null), !finite), size);
  }

  /**
   * All but the first count elements (which are read and disposed): none for Infinity.
   * @example await tf.data.array([1, 2, 3, 4]).skip(2).forEachAsync((e) => console.log(e));
   */
  skip(count: number): Dataset<T> {
    if (count !== Infinity) checkInt('Dataset.skip', 'count', count, 0);
    else if (this.size === Infinity) throw new Error('Dataset.skip: count is Infinity, but the dataset never ends (its size is Infinity), so no pass would ever end');
    const size = this.size === null ? null : Math.max(this.size - count, 0);
    return derived(async () => skipped(await open(this), count), size);
  }

  /**
   * The elements in a random order, drawn from a window of bufferSize elements (as large as the dataset for a
   * full shuffle). With a seed (a string, as TF.js types it, or any finite number, such as Date.now()) the
   * orders repeat from run to run; without one the seed comes from neurite's global stream, so tf.setSeed
   * makes them repeat. Each iteration is shuffled anew unless reshuffleEachIteration is false (or null, as
   * TF.js reads it), when every iteration gives the first one's order. (TF.js's own seeded orders, from
   * seedrandom's alea, are not reproduced; nor is its taking 0 and '' for no seed.)
   * @example await tf.data.array([1, 2, 3, 4, 5]).shuffle(5, 42).forEachAsync((e) => console.log(e));
   */
  shuffle(bufferSize: number, seed?: string | number, reshuffleEachIteration = true): Dataset<T> {
    if (bufferSize === undefined || bufferSize === null) {
      const hint = this.size !== null && Number.isFinite(this.size) ? `; to shuffle all of it, use the dataset's size (${this.size})` : '';
      throw new Error(`Dataset.shuffle: bufferSize is required: the number of elements to draw from${hint}`);
    }
    checkInt('Dataset.shuffle', 'bufferSize', bufferSize, 1);
    const seeded = seed !== undefined && seed !== null;
    if (seeded && typeof seed !== 'string' && !Number.isFinite(seed)) throw new Error(`Dataset.shuffle: seed must be a string or a finite number, got ${describe(seed)}`);
    reshuffleEachIteration = checkFlag('Dataset.shuffle', 'reshuffleEachIteration', reshuffleEachIteration);
    // Pass k shuffles with the k-th draw of a stream seeded once, here; or always with the first draw.
    const seeds = randomStream(seeded ? seedBits(seed) : globalSeed());
    const first = seeds();
    let passes = 0;
    return derived(async () => shuffled(await open(this), bufferSize, passes++ === 0 || !reshuffleEachIteration ? first : seeds()), this.size);
  }

  /**
   * The first count elements (all of them when count is left out, negative or Infinity).
   * @example await tf.data.array([1, 2, 3, 4]).take(2).forEachAsync((e) => console.log(e));
   */
  take(count: number): Dataset<T> {
    const limited = checkCount('Dataset.take', count, 'all');
    const size = !limited || this.size === null ? this.size : Math.min(this.size, count);
    return derived(async () => (limited ? taken(await open(this), count) : open(this)), size);
  }

  /**
   * Every element in an array (which then owns their tensors). Refused for a dataset that never ends.
   * @example console.log(await tf.data.array([1, 2, 3]).toArray());
   */
  toArray(): Promise<T[]> {
    return collect('Dataset.toArray', this);
  }

  /**
   * toArray, reading through a prefetch of 100 elements as TF.js's does (which tests pipelines whose steps
   * are asked for elements before the last ones settled).
   * @example console.log(await tf.data.array([1, 2, 3]).toArrayForTest());
   */
  toArrayForTest(): Promise<T[]> {
    return collect('Dataset.toArrayForTest', this.prefetch(100));
  }
}

/** Every element of one pass over dataset, for op. */
async function collect<T extends TensorContainer>(op: string, dataset: Dataset<T>): Promise<T[]> {
  if (dataset.size === Infinity) throw new Error(`${op}: the dataset never ends (its size is Infinity); take(count) first`);
  const it = await open(dataset);
  const out: T[] = [];
  try {
    let item = await it.next();
    for (; !item.done; item = await it.next()) out.push(item.value);
    disposeConsumed(item.value, null); // a generator's return value, which TF.js's toArray drops too
  } catch (error) {
    disposeConsumed(out, null);
    throw error;
  }
  return out;
}

/** A dataset whose passes come from make. */
class DerivedDataset<T extends TensorContainer> extends Dataset<T> {
  constructor(
    private readonly make: () => Promise<DataIterator<T>>,
    override readonly size: number | null,
  ) {
    super();
  }

  iterator(): Promise<DataIterator<T>> {
    return this.make();
  }
}

function derived<T extends TensorContainer>(make: () => Promise<DataIterator<T>>, size: number | null): Dataset<T> {
  return new DerivedDataset(make, size);
}

/** A pass over dataset, which may be a user's subclass whose iterator() gives any TF.js-style iterator. */
async function open<T extends TensorContainer>(dataset: Dataset<T>): Promise<DataIterator<T>> {
  return adopt('Dataset.iterator', 'the iterator of a Dataset subclass', await dataset.iterator());
}

/** An iterator following TF.js's protocol as a DataIterator; `what` names it in errors. */
function adopt<T>(op: string, what: string, it: unknown): DataIterator<T> {
  if (it instanceof DataIterator) return it;
  if (it === null || typeof it !== 'object' || typeof (it as Source<T>).next !== 'function') {
    throw new Error(`${op}: ${what} must be an iterator (an object with a next() method), got ${describe(it)}`);
  }
  const source = it as Source<T>;
  // The value given with done (a generator's return value) is passed on as TF.js passes it.
  const checked = (result: unknown): Result<T> => {
    if (result === null || typeof result !== 'object') throw new Error(`${op}: next() of ${what} must return { value, done }, got ${describe(result)}`);
    const { value, done } = result as Result<T>;
    return done ? { value, done: true } : { value, done: false };
  };
  // A function*'s generator answers at once, so the pipeline over it can run synchronously.
  if (Object.prototype.toString.call(it) === '[object Generator]') return syncIterator(() => checked(source.next()));
  return new DataIterator(async () => checked(await source.next()));
}

/**
 * A dataset of the items of an array (each iteration hands out copies: tensors cloned, arrays and objects
 * rebuilt).
 * @example await tf.data.array([{ x: 1 }, { x: 2 }]).forEachAsync((e) => console.log(e));
 */
export function array<T extends TensorContainer>(items: T[]): Dataset<T> {
  if (!Array.isArray(items)) throw new Error(`tf.data.array: items must be an array, got ${describe(items)}`);
  return derived(async () => {
    let i = 0;
    return syncIterator<T>(() => {
      if (i >= items.length) return DONE;
      const at = i++;
      return { value: cloneElement('tf.data.array', items[at], 'items', at) as T, done: false };
    });
  }, items.length);
}

/**
 * A dataset from a function that returns an iterator: a generator function, an async one, or any function
 * giving an object with next(). It is called once per iteration.
 * @example const ds = tf.data.generator(function* () { for (let i = 0; i < 3; i++) yield i; }); await ds.forEachAsync((e) => console.log(e));
 */
export function generator<T extends TensorContainer>(generator: () => Iterator<T> | Promise<Iterator<T>> | AsyncIterator<T>): Dataset<T> {
  if (typeof generator !== 'function') {
    const started = generator !== null && typeof generator === 'object' && typeof (generator as Iterator<T>).next === 'function';
    const hint = started ? '; pass the generator function itself, not the iterator it returned' : '';
    throw new Error(`tf.data.generator: generator must be a function that returns an iterator, got ${describe(generator)}${hint}`);
  }
  return derived(async () => adopt<T>('tf.data.generator', 'what generator() returned', await generator()), null);
}

/**
 * A dataset whose elements come from calling f, which returns `{ value, done }` (or a Promise of it). One
 * stream is shared by every iteration, as in TF.js.
 * @example let i = -1; const ds = tf.data.func(() => (++i < 3 ? { value: i, done: false } : { value: null, done: true }));
 */
export function func<T extends TensorContainer>(f: () => IteratorResult<T> | Promise<IteratorResult<T>>): Dataset<T> {
  checkFunction('tf.data.func', 'f', f);
  const it = adopt<T>('tf.data.func', 'f', { next: f });
  return derived(async () => it, null);
}

/** Datasets in arrays and plain objects, however nested. */
export type DatasetContainer = Dataset | DatasetContainer[] | { [key: string]: DatasetContainer };

/**
 * A dataset of elements shaped like `datasets`, each dataset replaced by its element; it ends with the
 * shortest one. (A single dataset, which TF.js's types refuse but its code takes, gives its own elements.)
 * @example const ds = tf.data.zip({ x: tf.data.array([1, 2]), y: tf.data.array([3, 4]) }); await ds.forEachAsync((e) => console.log(e));
 */
export function zip<O extends TensorContainer = TensorContainer>(datasets: DatasetContainer): Dataset<O> {
  if (!isContainer(datasets) && !(datasets instanceof Dataset)) throw new Error(`tf.data.zip: datasets must be an array or an object of Datasets, got ${describe(datasets)}`);
  const leaves: Dataset[] = [];
  const layout = mapLeaves('tf.data.zip', datasets, (d, path) => {
    checkDataset('tf.data.zip', path, d);
    return leaves.push(d) - 1;
  }, 'datasets') as TensorContainer;
  const sizes = leaves.map((d) => d.size);
  const size = sizes.includes(null) ? null : Math.min(...(sizes as number[]), leaves.length === 0 ? 0 : Infinity);
  return derived(async () => {
    const streams = await Promise.all(leaves.map((d) => open(d)));
    return zipped(mapLeaves('tf.data.zip', layout, (k) => streams[k as number]) as TensorContainer) as DataIterator<O>;
  }, size);
}

/** Not supported: neurite has no video capture. */
export async function webcam(): Promise<never> {
  throw new Error('tf.data.webcam: video capture is not supported by neurite; read frames with tf.browser.fromPixels');
}

/** Not supported: neurite has no audio capture (and no FFT). */
export async function microphone(): Promise<never> {
  throw new Error('tf.data.microphone: audio capture is not supported by neurite (it has no FFT)');
}
