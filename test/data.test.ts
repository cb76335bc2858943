// tf.data against TF.js's own tf.data: the same pipelines (arrays, generators, zips, CSV files written here,
// every Dataset method) give the same elements, element by element (tensors by shape, dtype and values), and the
// same size where TF.js's is right. Shuffles are checked for what they promise rather than TF.js's orders (see
// there). Memory: onBackend checks that each test frees what it made; pipelines of tensors are also checked
// step by step. Bad input: each error names the call and what is wrong (the row, column, element, argument).

import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { onBackend } from './support.js';

type Lib = typeof tf;
type Dataset = tf.data.Dataset;
const TFJS = tfjs as unknown as Lib;

/** An element as plain data: tensors as { shape, dtype, values } (and disposed), arrays and objects mapped. */
function plain(value: unknown): unknown {
  if (value instanceof tf.Tensor || value instanceof tfjs.Tensor) {
    const t = value as tf.Tensor;
    const out = { shape: t.shape, dtype: t.dtype, values: Array.from(t.dataSync()) };
    t.dispose();
    return out;
  }
  if (Array.isArray(value)) return value.map(plain);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** Anything with TF.js's dataset protocol: a Dataset of either library. */
interface Readable {
  iterator(): Promise<{ next(): Promise<IteratorResult<unknown, unknown>> }>;
}

/** Every element of one pass, read through iterator() as a consumer such as fitDataset reads it. */
async function read(ds: Readable): Promise<unknown[]> {
  const it = await ds.iterator();
  const out: unknown[] = [];
  for (let item = await it.next(); !item.done; item = await it.next()) out.push(plain(item.value));
  return out;
}

/**
 * The same pipeline built on TF.js and on neurite: the same elements, and the same size unless told not to
 * compare it (where TF.js's is wrong); where TF.js fails to read it, neurite must fail too.
 */
async function expectSameData(label: string, make: (lib: Lib) => Dataset, { size = true } = {}): Promise<void> {
  const expected = make(TFJS);
  const actual = make(tf);
  if (size) expect(actual.size, `${label}: size`).toBe(expected.size);
  let elements: unknown[];
  try {
    elements = await read(expected);
  } catch (error) {
    await expect(read(actual), `${label}: TF.js fails (${(error as Error).message}), so should neurite`).rejects.toThrow();
    return;
  }
  expect(await read(actual), label).toEqual(elements);
}

async function rejects(promise: Promise<unknown>, message: RegExp): Promise<void> {
  await expect(promise).rejects.toThrow(message);
}

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);

let dir = '';
const file = (name: string) => `file://${path.join(dir, name)}`;
const CSV: Record<string, string> = {
  'basic.csv': 'a,b,c,d\n1,2.5,x,true\n"3",,"q,""r",0\n-4e2, 7 ,"z",TRUE\r\n',
  'semicolon.csv': 'x;y;label\n1;2;0\n3;4;1\n5;;1\n',
  'spaces.csv': 'x y z\n  1 2   3\n4  5 6\n',
  'numbers.csv': ['f1,f2,f3,y', ...range(17).map((i) => `${i},${i * 0.5},${-i},${i % 3}`)].join('\n'),
  'no-header.csv': '1,2\n3,4\n',
  'ragged.csv': 'a,b,c,d\n1,2,3,4\n1,2,3,4,5\n',
  'blank-line.csv': 'a,b\n1,2\n\n3,4\n',
  'missing.csv': 'a,b\n1,\n',
  'duplicate.csv': 'a,b,a\n1,2,3\n',
  'empty.csv': '',
};

beforeAll(async () => {
  await tfjs.setBackend('cpu');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'neurite-data-'));
  for (const [name, text] of Object.entries(CSV)) fs.writeFileSync(path.join(dir, name), text);
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe.each(['wasm', 'js'] as const)('tf.data on %s', (backend) => {
  onBackend(backend);

  describe('sources as TF.js', () => {
    it('tf.data.array: numbers, booleans, nested arrays, objects and tensors, handed out as copies', async () => {
      await expectSameData('numbers', (lib) => lib.data.array([1, 2, 3]));
      await expectSameData('empty', (lib) => lib.data.array([]));
      await expectSameData('nested', (lib) => lib.data.array([{ a: [1, 2], b: { c: true } }, { a: [3, 4], b: { c: false } }]));
      const items = (lib: Lib) => [lib.tensor([1, 2]), lib.tensor([[3]], [1, 1], 'int32'), lib.scalar(true as unknown as number, 'bool')];
      const mine = items(tf);
      const theirs = items(TFJS);
      await expectSameData('tensors', (lib) => lib.data.array(lib === tf ? mine : theirs));
      // The items survive: each pass had clones, which read() disposed.
      expect(mine.every((t) => !t.isDisposed)).toBe(true);
      expect(await read(tf.data.array(mine))).toEqual(await read(tfjs.data.array(theirs as never)));
      tf.dispose(mine);
      tfjs.dispose(theirs as never);
    });

    it('tf.data.generator: generator functions, async ones, iterator objects and Promises of them, called once per pass', async () => {
      await expectSameData('function*', (lib) =>
        lib.data.generator(function* () {
          for (let i = 0; i < 7; i++) yield { x: i, y: [i, -i] };
        }),
      );
      await expectSameData('async function*', (lib) =>
        lib.data.generator(async function* () {
          for (let i = 0; i < 3; i++) yield i * 2;
        } as never),
      );
      const counter = () => {
        let i = 0;
        return { next: () => (i < 3 ? { value: i++, done: false } : { value: i, done: true }) };
      };
      await expectSameData('iterator object', (lib) => lib.data.generator(counter as never));
      await expectSameData('Promise of an iterator', (lib) => lib.data.generator((async () => counter()) as never));
      let calls = 0;
      const ds = tf.data.generator(function* () {
        calls++;
        yield 1;
      });
      expect([await ds.toArray(), await ds.toArray(), calls]).toEqual([[1], [1], 2]);
    });

    it('tf.data.func: one stream shared by every pass, as TF.js', async () => {
      const make = (lib: Lib) => {
        let i = -1;
        return lib.data.func(() => (++i < 4 ? { value: i, done: false } : { value: null, done: true }) as never);
      };
      const [mine, theirs] = [make(tf), make(TFJS)];
      expect(await read(mine)).toEqual(await read(theirs));
      expect(await read(mine)).toEqual(await read(theirs));
    });

    it('tf.data.zip: arrays, objects and nested structures of datasets, to the shortest', async () => {
      await expectSameData('array', (lib) => lib.data.zip([lib.data.array([1, 2, 3]), lib.data.array([4, 5, 6])]));
      await expectSameData('object, shortest', (lib) => lib.data.zip({ a: lib.data.array([1, 2, 3]), b: lib.data.array([[1], [2]]) }));
      // TF.js's size of a nested zip is null (it reads .size off the inner array); neurite's is 2.
      await expectSameData('nested', (lib) => lib.data.zip({ a: [lib.data.array([1, 2]), { b: lib.data.array(['x', 'y', 'z']) }] }), { size: false });
      await expectSameData('tensors', (lib) => lib.data.zip([lib.data.array([1, 2]), lib.data.array([1, 2]).map((x) => lib.scalar(x as number))]));
      // A single dataset (which TF.js's types refuse) gives its own elements; TF.js's size is null, neurite's 3.
      await expectSameData('one dataset', (lib) => lib.data.zip(lib.data.array([{ a: 1 }, { a: 2 }, { a: 3 }]) as never).batch(2), { size: false });
      expect(tf.data.zip(tf.data.array([1, 2, 3])).size).toBe(3);
    });

    it('a Dataset subclass with its own iterator() works with the methods', async () => {
      class Counter extends tf.data.Dataset<number> {
        override readonly size = 5;
        async iterator() {
          let i = 0;
          return { next: async () => (i < 5 ? { value: i++, done: false } : { value: null, done: true }) } as never;
        }
      }
      expect(await new Counter().map((x) => x * 10).skip(1).toArray()).toEqual([10, 20, 30, 40]);
      class Broken extends tf.data.Dataset<number> {
        async iterator() {
          return 5 as never;
        }
      }
      await rejects(new Broken().map((x) => x).toArray(), /^Dataset\.iterator: the iterator of a Dataset subclass must be an iterator \(an object with a next\(\) method\), got 5$/);
    });
  });

  it("a generator's return value: next() gives it with done: true, and take, skip, filter and prefetch pass it on, as TF.js; the other steps drop it", async () => {
    const STEPS: Array<[string, (ds: Dataset, lib: Lib) => Dataset]> = [
      ['none', (ds) => ds],
      ['take', (ds) => ds.take(10)],
      ['skip(1)', (ds) => ds.skip(1)],
      ['skip(5)', (ds) => ds.skip(5)],
      ['filter', (ds) => ds.filter(() => true)],
      ['prefetch', (ds) => ds.prefetch(2)],
      ['map', (ds) => ds.map((x) => x)],
      ['mapAsync', (ds) => ds.mapAsync(async (x) => x)],
      ['shuffle', (ds) => ds.shuffle(10, '1')],
      ['batch', (ds) => ds.batch(5)],
      ['repeat', (ds) => ds.repeat(1)],
      ['concatenate', (ds, lib) => ds.concatenate(lib.data.array([]))],
      ['zip', (ds, lib) => lib.data.zip([ds, lib.data.array(range(9))])],
    ];
    /** Every result of one pass, up to and including the first with done: true. */
    const results = async (ds: Readable) => {
      const it = await ds.iterator();
      const out: unknown[] = [];
      for (let item = await it.next(); ; item = await it.next()) {
        out.push({ done: item.done, value: plain(item.value) });
        if (item.done) return out;
      }
    };
    const sources: Array<[string, (lib: Lib) => Dataset]> = [
      ['function*', (lib) => lib.data.generator(function* () { yield 1; yield 2; return 3; } as never)],
      ['async function*', (lib) => lib.data.generator(async function* () { yield 1; return 3; } as never)],
      ['function* returning nothing', (lib) => lib.data.generator(function* () { yield 1; })],
    ];
    for (const [source, make] of sources) {
      for (const [step, apply] of STEPS) expect(await results(apply(make(tf), tf)), `${source}, ${step}`).toEqual(await results(apply(make(TFJS), TFJS)));
    }
    // Where it is dropped, its tensors are freed: by those steps, toArray and forEachAsync.
    const tensors = () => tf.data.generator(function* () { yield tf.scalar(1); return tf.scalar(99); } as never);
    const before = tf.memory().numTensors;
    for (const [step, apply] of STEPS.filter(([name]) => ['map', 'mapAsync', 'shuffle', 'batch', 'repeat', 'concatenate', 'zip'].includes(name))) {
      expect((await results(apply(tensors(), tf))).at(-1), step).toEqual({ done: true, value: null });
    }
    expect(((await tensors().toArray()) as tf.Tensor[]).map((t) => plain(t))).toEqual([{ shape: [], dtype: 'float32', values: [1] }]);
    await tensors().forEachAsync(() => {});
    expect(tf.memory().numTensors).toBe(before);
  });

  describe('methods as TF.js', () => {
    it('map, mapAsync and filter', async () => {
      const base = (lib: Lib) => lib.data.array(range(17));
      await expectSameData('map', (lib) => base(lib).map((x) => ({ x, square: (x as number) ** 2 })));
      await expectSameData('map to tensors', (lib) => base(lib).map((x) => lib.tensor([x as number, 1]).mul(2)));
      await expectSameData('mapAsync', (lib) => base(lib).mapAsync(async (x) => [x, x]));
      await expectSameData('filter', (lib) => base(lib).filter((x) => (x as number) % 3 === 0));
      await expectSameData('filter on tensors', (lib) => base(lib).map((x) => lib.scalar(x as number)).filter((t) => ((t as tf.Tensor).dataSync()[0] as number) > 10));
    });

    it('batch: numbers, booleans, arrays, objects and tensors, on awkward sizes, small last batch or not', async () => {
      for (const n of [1, 3, 7, 17]) {
        for (const batchSize of [1, 3, 4, 17, 20]) {
          for (const smallLastBatch of [true, false]) {
            const label = `${n} elements, batch(${batchSize}, ${smallLastBatch})`;
            await expectSameData(`${label}, numbers`, (lib) => lib.data.array(range(n)).batch(batchSize, smallLastBatch));
            await expectSameData(`${label}, objects of tensors`, (lib) =>
              lib.data
                .array(range(n))
                .map((i) => ({ x: lib.tensor([[i as number, 1]]), y: lib.scalar(i as number, 'int32') }))
                .batch(batchSize, smallLastBatch),
            );
          }
        }
      }
      await expectSameData('booleans', (lib) => lib.data.array([true, false, true]).batch(2));
      await expectSameData('nested arrays', (lib) => lib.data.array([[[1, 2]], [[3, 4]], [[5, 6]]]).batch(2));
      await expectSameData('typed arrays', (lib) => lib.data.array([new Float32Array([1, 2]), new Float32Array([3, 4])] as never).batch(2));
      const typedRows = (kind: Float32ArrayConstructor | Int32ArrayConstructor) => range(5).map((i) => [new kind([i, 1]), new kind([2, -i])]);
      await expectSameData('arrays of Float32Arrays', (lib) => lib.data.array(typedRows(Float32Array) as never).batch(2));
      await expectSameData('arrays of Int32Arrays', (lib) => lib.data.array(typedRows(Int32Array).map((x) => ({ x })) as never).batch(2));
      await expectSameData('typed arrays and arrays', (lib) => lib.data.array([[new Float32Array([1.5])], [[2]], [new Float32Array([3])]] as never).batch(3));
      // TF.js reads smallLastBatch by truthiness, and null is not its default: null drops the small last batch.
      for (const flag of [null, 0, 1]) await expectSameData(`smallLastBatch ${flag}`, (lib) => lib.data.array(range(5)).batch(2, flag as never));
      await expectSameData('nested objects', (lib) => lib.data.array(range(5).map((i) => ({ a: { b: i, c: [i, i] }, d: i > 2 }))).batch(2));
      await expectSameData('zip of arrays is batched as one tensor', (lib) => lib.data.zip([lib.data.array([1, 2, 3]), lib.data.array([4, 5, 6])]).batch(2));
    });

    it('take, skip, repeat, concatenate and prefetch', async () => {
      const base = (lib: Lib) => lib.data.array(range(7, 1));
      for (const n of [0, 1, 3, 7, 9]) {
        await expectSameData(`take(${n})`, (lib) => base(lib).take(n));
        await expectSameData(`skip(${n})`, (lib) => base(lib).skip(n));
        await expectSameData(`repeat(${n})`, (lib) => base(lib).repeat(n));
        await expectSameData(`prefetch(${n + 1})`, (lib) => base(lib).prefetch(n + 1));
      }
      await expectSameData('take(undefined)', (lib) => base(lib).take(undefined as never), { size: false }); // TF.js: null
      await expectSameData('repeat() forever', (lib) => base(lib).repeat().take(17));
      await expectSameData('repeat(Infinity) forever', (lib) => base(lib).repeat(Infinity).take(17));
      expect(base(tf).repeat(Infinity).size).toBe(Infinity);
      await expectSameData('take(Infinity): all', (lib) => base(lib).take(Infinity));
      await expectSameData('take(-Infinity): all', (lib) => base(lib).take(-Infinity), { size: false }); // TF.js: -Infinity
      await expectSameData('skip(Infinity): none', (lib) => base(lib).skip(Infinity));
      await expectSameData('repeat(Infinity).take(Infinity).take(9)', (lib) => base(lib).repeat(Infinity).take(Infinity).take(9));
      await expectSameData('concatenate', (lib) => base(lib).concatenate(lib.data.array([10, 11])));
      await expectSameData('concatenate with a generator', (lib) => lib.data.array([1]).concatenate(lib.data.generator(function* () { yield 2; }) as never));
      await expectSameData('a long pipeline', (lib) =>
        base(lib)
          .repeat(3)
          .skip(2)
          .filter((x) => (x as number) !== 4)
          .map((x) => ({ v: lib.tensor([x as number, -(x as number)]) }))
          .batch(4)
          .take(3)
          .prefetch(2),
      );
    });

    it('size where TF.js knows it, and the truth where TF.js gets it wrong', async () => {
      const a = tf.data.array(range(10));
      const sizes = (lib: Lib) => {
        const b = lib.data.array(range(10));
        const g = lib.data.generator(function* () { yield 1; });
        return [b, b.batch(3), b.batch(3, false), b.take(4), b.take(20), b.skip(3), b.skip(20), b.repeat(2), b.repeat(), b.repeat(0), b.filter(() => true), b.repeat().filter(() => true),
          b.concatenate(b), b.concatenate(g), b.shuffle(3), b.prefetch(2), b.map((x) => x), g, g.repeat(), lib.data.zip([b, b.take(4)])].map((d) => d.size);
      };
      expect(sizes(tf)).toEqual(sizes(TFJS));
      // TF.js: size 0 for a zip with a dataset of unknown size, -1 for take(-1), 0 for skip's "skip all" that
      // in fact skips nothing (neurite refuses negative skips), NaN for repeating an empty dataset forever.
      expect(tf.data.zip([a, tf.data.generator(function* () { yield 1; })]).size).toBe(null);
      expect(a.take(-1).size).toBe(10);
      expect(tf.data.array([]).repeat().size).toBe(0);
      expect(await tf.data.array([]).repeat().toArray()).toEqual([]);
    });
  });

  it('Dataset.MAX_BUFFER_SIZE and toArrayForTest, as TF.js', async () => {
    expect(tf.data.Dataset.MAX_BUFFER_SIZE).toBe(tfjs.data.Dataset.MAX_BUFFER_SIZE);
    const make = (lib: Lib) => lib.data.generator(async function* () { for (let i = 0; i < 5; i++) yield { x: lib.scalar(i) }; } as never).map((e) => e).batch(2);
    expect((await make(tf).toArrayForTest()).map(plain)).toEqual((await make(TFJS).toArrayForTest()).map(plain));
    await rejects(tf.data.array([1]).repeat().toArrayForTest(), /^Dataset\.toArrayForTest: the dataset never ends \(its size is Infinity\); take\(count\) first$/);
  });

  describe('csv as TF.js', () => {
    const CONFIGS: Array<[string, tf.data.CSVConfig]> = [
      ['basic.csv', {}],
      ['basic.csv', { columnConfigs: { d: { dtype: 'bool', isLabel: true }, b: { default: 9 } } }],
      ['basic.csv', { columnConfigs: { a: { dtype: 'int32' }, c: { required: true } }, configuredColumnsOnly: true }],
      ['basic.csv', { hasHeader: false, columnNames: ['p', 'q', 'r', 's'] }],
      ['basic.csv', { columnNames: ['p', 'q', 'r', 's'] }],
      ['semicolon.csv', { delimiter: ';', columnConfigs: { label: { isLabel: true }, y: { default: -1 } } }],
      ['spaces.csv', { delimWhitespace: true }],
      ['numbers.csv', { columnConfigs: { y: { isLabel: true, dtype: 'int32' } } }],
      ['no-header.csv', { hasHeader: false, columnNames: ['u', 'v'] }],
    ];

    it('elements and columnNames() of each file and configuration', async () => {
      for (const [name, config] of CONFIGS) {
        const label = `${name} ${JSON.stringify(config)}`;
        await expectSameData(label, (lib) => lib.data.csv(file(name), config));
        expect(await tf.data.csv(file(name), config).columnNames(), label).toEqual(await tfjs.data.csv(file(name), config as never).columnNames());
      }
    });

    it('the rows of TF.js\'s csv example as batches of features and labels', async () => {
      for (const batchSize of [1, 4, 17]) {
        await expectSameData(`batch(${batchSize})`, (lib) =>
          lib.data
            .csv(file('numbers.csv'), { columnConfigs: { y: { isLabel: true } } })
            .map((e) => {
              const { xs, ys } = e as { xs: Record<string, number>; ys: Record<string, number> };
              return { xs: Object.values(xs), ys: Object.values(ys) };
            })
            .batch(batchSize),
        );
      }
    });

    it('parses fields by TF.js\'s rules: quotes, numbers, blanks, line ends, delimiters', async () => {
      const LINES = ['"a,b",1', ' 12 ,x', '0x1F,-0', 'Infinity,1e-3', '"a""b",""', ',', '"x"y,2', '1,2\r\n3,4\n', 'true,TRUE'];
      for (const text of LINES) {
        for (const config of [{}, { delimiter: ';' }, { columnConfigs: { u: { dtype: 'bool' as const }, v: { dtype: 'int32' as const } } }]) {
          const source = `data:text/csv,${encodeURIComponent(text)}`;
          const columns = config.delimiter ? ['only'] : ['u', 'v'];
          await expectSameData(`${JSON.stringify(text)} ${JSON.stringify(config)}`, (lib) => lib.data.csv(source, { hasHeader: false, columnNames: columns, ...config }));
        }
      }
      const request = () => new Request(`data:text/csv,${encodeURIComponent('a,b\n1,2\n')}`);
      await expectSameData('a Request', (lib) => lib.data.csv(request()));
      const spaced = `data:text/csv,${encodeURIComponent('  1  2\n3 "4 5"\n')}`;
      await expectSameData('delimWhitespace', (lib) => lib.data.csv(spaced, { hasHeader: false, columnNames: ['p', 'q'], delimWhitespace: true }));
    });

    it('reads http URLs with fetch, and names the URL and status when that fails', async () => {
      const server = http.createServer((request, response) => {
        if (request.url === '/data.csv') response.end(CSV['numbers.csv']);
        else response.writeHead(404, 'Not Found').end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      try {
        await expectSameData('http', (lib) => lib.data.csv(`${url}/data.csv`, { columnConfigs: { y: { isLabel: true } } }).batch(5));
        await rejects(tf.data.csv(`${url}/gone.csv`).toArray(), new RegExp(`^tf\\.data\\.csv: fetching "${url}/gone\\.csv" failed: 404 Not Found$`));
      } finally {
        server.closeAllConnections();
        server.close();
      }
    });
  });

  describe('shuffle', () => {
    // neurite's orders, not TF.js's: a window of bufferSize elements, each step yielding one drawn uniformly
    // from it (a 32-bit mulberry32 stream per pass). Pass k of a dataset draws with the k-th number of a
    // stream seeded by `seed`, or, without a seed, by a number drawn once from neurite's global stream (so
    // tf.setSeed repeats it); with reshuffleEachIteration false every pass uses the first pass's number.
    const values = async (ds: tf.data.Dataset) => (await ds.toArray()) as number[];
    const sorted = (xs: number[]) => xs.slice().sort((a, b) => a - b);

    it('gives a permutation, as TF.js does, and the same one for the same seed', async () => {
      for (const n of [1, 3, 7, 17, 65]) {
        for (const bufferSize of [1, 2, 7, 100]) {
          const mine = await values(tf.data.array(range(n)).shuffle(bufferSize, 42));
          const theirs = (await tfjs.data.array(range(n)).shuffle(bufferSize, '42').toArray()) as number[];
          expect(sorted(mine), `${n} elements, bufferSize ${bufferSize}`).toEqual(sorted(theirs));
          expect(mine, 'the same seed, as a string').toEqual(await values(tf.data.array(range(n)).shuffle(bufferSize, '42')));
          if (bufferSize === 1) expect(mine).toEqual(range(n));
          // From a window of bufferSize, the element at position p entered the window by then.
          mine.forEach((x, p) => expect(x).toBeLessThanOrEqual(p + bufferSize - 1));
        }
      }
      const orders = new Set<string>();
      for (let seed = 0; seed < 20; seed++) orders.add(String(await values(tf.data.array(range(17)).shuffle(17, seed))));
      expect(orders.size).toBe(20);
    });

    it('draws each element first about equally often', async () => {
      const firsts = [0, 0, 0, 0, 0];
      for (let seed = 0; seed < 2000; seed++) firsts[(await values(tf.data.array(range(5)).shuffle(5, seed).take(1)))[0]]++;
      for (const count of firsts) expect(count).toBeGreaterThan(320); // 400 expected; 4.5 standard deviations
      for (const count of firsts) expect(count).toBeLessThan(480);
    });

    it('reshuffles each pass, or repeats the first pass with reshuffleEachIteration false', async () => {
      const again = tf.data.array(range(17)).shuffle(17, 7);
      const same = tf.data.array(range(17)).shuffle(17, 7, false);
      const [a1, a2, s1, s2] = [await values(again), await values(again), await values(same), await values(same)];
      expect(a1).not.toEqual(a2);
      expect(sorted(a2)).toEqual(range(17));
      expect([s1, s2]).toEqual([a1, a1]);
      // repeat() makes a new pass of the shuffle each time.
      expect(await values(tf.data.array(range(17)).shuffle(17, 7).repeat(2))).toEqual([...a1, ...a2]);
    });

    it('takes any finite number or string as a seed, as TF.js', async () => {
      const orders = new Set<string>();
      for (const seed of [1796314300408, Date.now(), 2 ** 32, -(2 ** 40), 1.5, 1, 2, -7.25, '', 'abc']) {
        const order = await values(tf.data.array(range(17)).shuffle(17, seed));
        expect(sorted(order), String(seed)).toEqual(range(17));
        expect(await values(tf.data.array(range(17)).shuffle(17, seed)), `${seed} again`).toEqual(order);
        orders.add(String(order));
      }
      expect(orders.size).toBe(10);
    });

    it('reads reshuffleEachIteration null and 0 as false and 1 as true, as TF.js reads them', async () => {
      const passes = async (lib: Lib, flag: unknown) => {
        const ds = lib.data.array(range(17)).shuffle(17, '7', flag as never);
        return [await values(ds), await values(ds)];
      };
      const [fixed, reshuffled] = [await passes(tf, false), await passes(tf, true)];
      for (const flag of [null, 0]) {
        expect(await passes(tf, flag), String(flag)).toEqual(fixed);
        expect(await passes(TFJS, flag), `TF.js, ${flag}`).toEqual(await passes(TFJS, false));
      }
      expect(await passes(tf, 1)).toEqual(reshuffled);
      expect(await passes(TFJS, 1)).toEqual(await passes(TFJS, true));
    });

    it('without a seed, follows tf.setSeed', async () => {
      const draw = async () => {
        tf.setSeed(11);
        return values(tf.data.array(range(17)).shuffle(17));
      };
      const first = await draw();
      expect(await draw()).toEqual(first);
      expect(sorted(first)).toEqual(range(17));
    });

    it('disposes what it holds as the pass goes, and leaves nothing behind', async () => {
      const before = tf.memory().numTensors;
      await tf.data.array(range(17)).map((x) => tf.scalar(x as number)).shuffle(5, 1).batch(4).forEachAsync(() => {});
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('memory', () => {
    it('a pipeline of tensors frees every intermediate; what it yields belongs to the consumer', async () => {
      const items = range(17).map((i) => tf.tensor([i, i + 0.5]));
      const before = tf.memory().numTensors;
      const ds = tf.data
        .array(items)
        .map((t) => (t as tf.Tensor).square().add(1))
        .filter((t) => ((t as tf.Tensor).dataSync()[0] as number) !== 5)
        .skip(1)
        .batch(4);
      await ds.forEachAsync(() => {});
      expect(tf.memory().numTensors, 'after forEachAsync').toBe(before);
      const batches = (await ds.toArray()) as tf.Tensor[];
      expect(batches.map((b) => b.shape)).toEqual([[4, 2], [4, 2], [4, 2], [3, 2]]);
      expect(tf.memory().numTensors, 'the batches toArray gave').toBe(before + 4);
      tf.dispose(batches);
      const it = await ds.iterator();
      const { value } = await it.next();
      expect(tf.memory().numTensors, 'one batch taken by hand').toBe(before + 1);
      tf.dispose(value as tf.Tensor);
      expect(items.every((t) => !t.isDisposed)).toBe(true);
      tf.dispose(items);
    });

    it('take, zip to the shortest, prefetch, concatenate and repeat leave nothing behind', async () => {
      const scalars = (n: number) => tf.data.array(range(n)).map((x) => tf.scalar(x as number));
      const before = tf.memory().numTensors;
      await scalars(7).take(3).forEachAsync(() => {});
      await tf.data.zip({ a: scalars(7), b: scalars(3), c: { d: scalars(5) } }).batch(2).forEachAsync(() => {});
      await scalars(7).prefetch(3).concatenate(scalars(2)).repeat(2).batch(3).forEachAsync(() => {});
      const item = tf.scalar(1);
      await tf.data.array([item, item]).batch(3, false).forEachAsync(() => {});
      expect(tf.memory().numTensors).toBe(before + 1); // the array's item, still the user's
      item.dispose();
    });

    it('a failing step frees the elements it was given', async () => {
      const scalars = () => tf.data.array(range(5)).map((x) => ({ t: tf.scalar(x as number) }));
      const before = tf.memory().numTensors;
      await rejects(scalars().map(() => { throw new Error('boom'); }).toArray(), /boom/);
      await rejects(scalars().filter(() => { throw new Error('boom'); }).toArray(), /boom/);
      await rejects(scalars().concatenate(tf.data.array([{ t: 5 }]) as never).batch(6).toArray(), /^Dataset\.batch: element 5 at t is 5, but element 0 is a Tensor; the elements of a batch need one structure and shape$/);
      await rejects(
        scalars()
          .mapAsync(async (e) => {
            if (((e as { t: tf.Tensor }).t.dataSync()[0] as number) === 3) throw new Error('at 3');
            return e;
          })
          .toArray(),
        /at 3/,
      );
      expect(tf.memory().numTensors).toBe(before);
    });
  });

  describe('consuming a dataset', () => {
    it('iterator() gives { xs, ys } batches one next() at a time, as fitDataset reads them', async () => {
      const xs = tf.data.array(range(10).map((i) => [i, 2 * i, 3 * i]));
      const ys = tf.data.array(range(10).map((i) => i % 2));
      const it = await tf.data.zip({ xs, ys }).batch(4).iterator();
      const shapes: number[][][] = [];
      for (let item = await it.next(); !item.done; item = await it.next()) {
        const batch = item.value as { xs: tf.Tensor; ys: tf.Tensor };
        shapes.push([batch.xs.shape, batch.ys.shape]);
        tf.dispose([batch.xs, batch.ys]);
      }
      expect(shapes).toEqual([[[4, 3], [4]], [[4, 3], [4]], [[2, 3], [2]]]);
      expect(await it.next()).toEqual({ value: null, done: true });
    });

    it('next() calls made before the last settled still come in order, and for await works', async () => {
      const it = await tf.data.array(range(9)).prefetch(4).map((x) => (x as number) * 3).iterator();
      const results = await Promise.all(range(11).map(() => it.next()));
      expect(results.map((r) => r.value)).toEqual([...range(9).map((x) => x * 3), null, null]);
      const seen: unknown[] = [];
      for await (const x of await tf.data.array([1, 2, 3]).iterator()) seen.push(x);
      expect(seen).toEqual([1, 2, 3]);
    });

    it('toArray and forEachAsync await async work; forEachAsync disposes each element after f', async () => {
      const seen: number[] = [];
      const kept: tf.Tensor[] = [];
      await tf.data.array(range(4)).map((x) => tf.scalar(x as number)).forEachAsync(async (t) => {
        kept.push(t as tf.Tensor);
        seen.push(((await (t as tf.Tensor).data())[0] as number) * 10);
      });
      expect(seen).toEqual([0, 10, 20, 30]);
      expect(kept.every((t) => t.isDisposed)).toBe(true);
    });
  });

  describe('pipelines that run synchronously', () => {
    // Over sources that answer at once (tf.data.array, csv, a function* generator), map, filter, take, skip,
    // shuffle, batch and zip run within next(), without a Promise per element (prefetch passes them through).
    // The same pipeline over sources behind mapAsync (which awaits) reads element by element; both must give
    // the same elements.
    const describeRows = (rows: unknown[]) => `rows like ${ArrayBuffer.isView(rows[0]) ? rows[0].constructor.name : JSON.stringify(rows[0])}`;
    const isSync = async (ds: Dataset) => ((await ds.iterator()) as unknown as { sync: boolean }).sync;
    type Source = <T extends tf.TensorContainer>(items: T[]) => tf.data.Dataset<T>;
    const fast: Source = (items) => tf.data.array(items);
    const stepwise: Source = (items) => tf.data.array(items).mapAsync(async (e) => e);

    async function expectSamePaths(label: string, make: (source: Source) => Dataset): Promise<void> {
      const [a, b] = [make(fast), make(stepwise)];
      expect([await isSync(a), await isSync(b)], `${label}: which path`).toEqual([true, false]);
      const before = tf.memory().numTensors;
      expect(await read(a), label).toEqual(await read(b));
      expect(tf.memory().numTensors, `${label}: tensors left behind`).toBe(before);
    }

    it('give the same batches as element by element: sizes, batch sizes, small last batches, shuffles, take, skip, map, filter', async () => {
      for (const n of [1, 3, 7, 17, 63, 65]) {
        const features = range(n).map((i) => new Float32Array([i, -i, i / 2]));
        const labels = range(n).map((i) => i % 3);
        const nested = range(n).map((i) => ({ a: [i, i * 2], b: { c: i % 2 === 0, d: new Int32Array([i]) } }));
        for (const batchSize of [1, 2, 3, 16, 64, 100]) {
          for (const smallLastBatch of [true, false]) {
            const label = `${n} elements, batch(${batchSize}, ${smallLastBatch})`;
            await expectSamePaths(`${label}: zip`, (source) => tf.data.zip({ xs: source(features), ys: source(labels) }).batch(batchSize, smallLastBatch));
            await expectSamePaths(`${label}: zip, shuffle`, (source) => tf.data.zip({ xs: source(features), ys: source(labels) }).shuffle(10, 7).batch(batchSize, smallLastBatch));
            await expectSamePaths(`${label}: nested, skip, take, map, filter`, (source) =>
              source(nested)
                .skip(1)
                .take(n - 2)
                .map((e) => ({ ...e, t: tf.tensor([e.a[0], 1]) }))
                .filter((e) => e.a[0] % 5 !== 3)
                .batch(batchSize, smallLastBatch),
            );
          }
        }
      }
    });

    it('a zip of objects, batched column by column, gives what batching its elements one by one gives', async () => {
      // batch reads a zip of plain objects as rows of its datasets' values; after a map it gets built elements.
      const outcomes = async (ds: Dataset) => {
        const it = await ds.iterator();
        const out: unknown[] = [];
        for (let k = 0; k < 30; k++) out.push(await it.next().then((r) => plain(r.value), (e: Error) => e.message));
        return out;
      };
      const items = range(65).map((i) => tf.tensor([i, -i]));
      for (const n of [1, 7, 17, 65]) {
        const features = range(n).map((i) => new Float32Array([i, i / 2]));
        for (const batchSize of [1, 3, 64]) {
          for (const smallLastBatch of [true, false]) {
            const zip = (source: Source) =>
              tf.data.zip({
                xs: source(features),
                meta: { id: source(range(n + 2)), t: source(items.slice(0, n)), fails: source(range(n)).map((i) => { if (i === 5) throw new Error('at 5'); return [i]; }) },
              });
            for (const source of [fast, stepwise]) {
              const before = tf.memory().numTensors;
              const label = `${n} elements, batch(${batchSize}, ${smallLastBatch}), ${source === fast ? 'sync' : 'async'}`;
              expect(await outcomes(zip(source).batch(batchSize, smallLastBatch)), label).toEqual(await outcomes(zip(source).map((e) => e).batch(batchSize, smallLastBatch)));
              expect(tf.memory().numTensors, `${label}: tensors left behind`).toBe(before);
            }
          }
        }
      }
      tf.dispose(items);
      const ragged = (between: (ds: Dataset) => Dataset) => between(tf.data.zip({ a: { b: tf.data.array([[1, 2], [3, 4], [5]]) } })).batch(3).toArray();
      const message = /^Dataset\.batch: element 2 at a\.b has shape \[1\], but element 0 has \[2\]/;
      await rejects(ragged((ds) => ds), message);
      await rejects(ragged((ds) => ds.map((e) => e)), message);
    });

    it('batch rows of tensors, numbers, booleans, nested arrays, typed arrays of each kind and arrays of them as before', async () => {
      const items = range(7).map((i) => tf.tensor([[i, 1]]));
      await expectSamePaths('tensors', (source) => source(items).batch(3));
      tf.dispose(items);
      const autoencoder = (ds: tf.data.Dataset<number>, lib: Lib) => ds.map((x) => { const t = lib.tensor([x, 1]); return { xs: t, ys: t }; }).batch(3);
      await expectSamePaths('one tensor twice in an element', (source) => autoencoder(source(range(7)), tf));
      await expectSameData('one tensor twice in an element', (lib) => autoencoder(lib.data.array(range(7)) as never, lib));
      const rows: unknown[][] = [
        range(7),
        range(7).map((i) => i % 2 === 0),
        range(7).map((i) => [[i], [i + 1]]),
        range(7).map((i) => [i, i % 2 === 0]),
        range(7).map((i) => new Uint8Array([i, 255])),
        range(7).map((i) => [new Int32Array([i]), new Int32Array([-i])]),
        range(7).map((i) => new Float64Array([i / 3])),
        range(7).map((i) => (i % 2 ? new Float32Array([i]) : new Float64Array([i]))), // two kinds, both float32
      ];
      for (const r of rows) await expectSamePaths(describeRows(r), (source) => source(r as never).batch(4));
      // And as TF.js batches them (TF.js refuses Float64Array rows).
      for (const r of rows.slice(0, 6)) await expectSameData(describeRows(r), (lib) => lib.data.array(r as never).batch(4));
    });

    it('a function* generator runs synchronously, an async one element by element, with the same elements', async () => {
      const gen = (async: boolean) =>
        tf.data.generator((async
          ? async function* () { for (let i = 0; i < 9; i++) yield { x: i }; }
          : function* () { for (let i = 0; i < 9; i++) yield { x: i }; }) as never).batch(4);
      expect([await isSync(gen(false)), await isSync(gen(true))]).toEqual([true, false]);
      expect(await read(gen(false))).toEqual(await read(gen(true)));
    });

    it('a failing element fails its own batch only, on either path, and leaves nothing behind', async () => {
      const outcomes = async (ds: Dataset) => {
        const it = await ds.iterator();
        const out: unknown[] = [];
        for (let k = 0; k < 6; k++) out.push(await it.next().then((r) => plain(r.value), (e: Error) => e.message));
        return out;
      };
      const make = (source: Source) =>
        source(range(10))
          .map((x) => {
            if (x === 4) throw new Error('at 4');
            return tf.scalar(x);
          })
          .batch(3);
      const before = tf.memory().numTensors;
      const [a, b] = [await outcomes(make(fast)), await outcomes(make(stepwise))];
      expect(a).toEqual(b);
      expect(a.map((o) => (typeof o === 'string' ? o : (o as { values: number[] } | null)?.values ?? null))).toEqual([[0, 1, 2], 'at 4', [5, 6, 7], [8, 9], null, null]);
      expect(tf.memory().numTensors).toBe(before);
    });

    it('a key named __proto__ stays an own key of the elements and batches', async () => {
      const element = JSON.parse('{"__proto__": [1, 2], "a": 3}') as tf.TensorContainer;
      const [copy] = (await tf.data.array([element]).toArray()) as Array<Record<string, unknown>>;
      const [zipped] = (await tf.data.zip(JSON.parse('{"__proto__": 0}', (k, v) => (k === '__proto__' ? tf.data.array([5]) : v))).toArray()) as Array<Record<string, unknown>>;
      const [batch] = (await tf.data.array([element, element]).batch(2).toArray()) as Array<Record<string, tf.Tensor>>;
      for (const e of [copy, zipped, batch]) expect(Object.getPrototypeOf(e)).toBe(Object.prototype);
      expect([Object.keys(copy), copy['__proto__'], zipped['__proto__']]).toEqual([['__proto__', 'a'], [1, 2], 5]);
      expect(Object.entries(plain(batch) as object)).toEqual([['__proto__', { shape: [2, 2], dtype: 'float32', values: [1, 2, 1, 2] }], ['a', { shape: [2], dtype: 'float32', values: [3, 3] }]]);
    });

    it('zip to the shortest and csv rows, synchronously', async () => {
      const items = range(5).map((i) => tf.scalar(i));
      await expectSamePaths('shortest', (source) => tf.data.zip({ a: source(items), b: [source(range(3))] }).batch(2));
      tf.dispose(items);
      const csv = tf.data.csv(file('numbers.csv'), { columnConfigs: { y: { isLabel: true } } }).batch(4);
      expect(await isSync(csv)).toBe(true);
      expect(await read(csv)).toEqual(await read(tfjs.data.csv(file('numbers.csv'), { columnConfigs: { y: { isLabel: true } } }).batch(4) as never));
    });
  });

  describe('bad input', () => {
    const ds = () => tf.data.array([1, 2, 3]);

    it('method arguments', () => {
      expect(() => ds().batch(0)).toThrow(/^Dataset\.batch: batchSize must be an integer >= 1, got 0$/);
      expect(() => ds().batch(1.5)).toThrow(/^Dataset\.batch: batchSize must be an integer >= 1, got 1\.5$/);
      expect(() => ds().batch(2, 'yes' as never)).toThrow(/^Dataset\.batch: smallLastBatch must be true or false/);
      expect(() => ds().batch(2, 'false' as never)).toThrow(/^Dataset\.batch: smallLastBatch must be true or false, got "false"$/);
      expect(() => ds().batch(2, 4 as never)).toThrow(/^Dataset\.batch: smallLastBatch must be true or false, got 4$/);
      expect(() => ds().shuffle(undefined as never)).toThrow(/^Dataset\.shuffle: bufferSize is required: the number of elements to draw from; to shuffle all of it, use the dataset's size \(3\)$/);
      expect(() => ds().shuffle(0)).toThrow(/^Dataset\.shuffle: bufferSize must be an integer >= 1, got 0$/);
      expect(() => ds().shuffle(3, Number.NaN)).toThrow(/^Dataset\.shuffle: seed must be a string or a finite number, got NaN$/);
      expect(() => ds().shuffle(3, Infinity)).toThrow(/^Dataset\.shuffle: seed must be a string or a finite number, got Infinity$/);
      expect(() => ds().shuffle(3, { seed: 1 } as never)).toThrow(/^Dataset\.shuffle: seed must be a string or a finite number, got \{ seed \}$/);
      expect(() => ds().shuffle(3, 1, 'no' as never)).toThrow(/^Dataset\.shuffle: reshuffleEachIteration must be true or false, got "no"$/);
      expect(() => ds().prefetch(undefined as never)).toThrow(/^Dataset\.prefetch: bufferSize must be an integer >= 1, got undefined$/);
      expect(() => ds().skip(-1)).toThrow(/^Dataset\.skip: count must be an integer >= 0, got -1$/);
      expect(() => ds().skip(Number.NaN)).toThrow(/^Dataset\.skip: count must be an integer >= 0, got NaN$/);
      expect(() => ds().repeat().skip(Infinity)).toThrow(/^Dataset\.skip: count is Infinity, but the dataset never ends \(its size is Infinity\), so no pass would ever end$/);
      expect(() => ds().take(1.5)).toThrow(/^Dataset\.take: count must be an integer \(or left out, negative or Infinity, for all\), got 1\.5$/);
      expect(() => ds().repeat('2' as never)).toThrow(/^Dataset\.repeat: count must be an integer \(or left out, negative or Infinity, for forever\), got "2"$/);
      expect(() => ds().map(5 as never)).toThrow(/^Dataset\.map: transform must be a function, got 5$/);
      expect(() => ds().mapAsync(null as never)).toThrow(/^Dataset\.mapAsync: transform must be a function, got null$/);
      expect(() => ds().filter({} as never)).toThrow(/^Dataset\.filter: predicate must be a function, got \{\}$/);
      expect(() => ds().concatenate([1] as never)).toThrow(/^Dataset\.concatenate: dataset must be a tf\.data Dataset, got \[1\]$/);
    });

    it('calls that fail when iterated', async () => {
      await rejects(ds().forEachAsync(5 as never), /^Dataset\.forEachAsync: f must be a function, got 5$/);
      await rejects(ds().repeat().toArray(), /^Dataset\.toArray: the dataset never ends \(its size is Infinity\); take\(count\) first$/);
      await rejects(ds().map((async (x: number) => x) as never).toArray(), /^Dataset\.map: transform returned a Promise; use mapAsync for an async transform$/);
      await rejects(ds().filter(() => tf.scalar(1) as never).toArray(), /^Dataset\.filter: predicate must return true or false, got a Tensor of shape \[\]$/);
      await rejects(ds().filter((async () => true) as never).toArray(), /^Dataset\.filter: predicate must return true or false, got a Promise \(filter takes a synchronous predicate\)$/);
    });

    it('batches of elements that differ', async () => {
      const batch = (items: unknown[]) => tf.data.array(items as never).batch(items.length).toArray();
      await rejects(batch([{ a: 1 }, { b: 2 }]), /^Dataset\.batch: element 1 has keys \{b\}, but element 0 has \{a\}/);
      // Elements are numbered in the stream the batches are made of, not within their batch.
      await rejects(tf.data.array([{ a: 1 }, { a: 2 }, { a: 3 }, { b: 4 }]).batch(2).toArray(), /^Dataset\.batch: element 3 has keys \{b\}, but element 2 has \{a\}/);
      await rejects(batch([{ a: 1 }, { a: 1, b: 2 }]), /^Dataset\.batch: element 1 has keys \{a, b\}, but element 0 has \{a\}/);
      await rejects(batch([{ x: { y: [1, 2] } }, { x: { y: [3] } }]), /^Dataset\.batch: element 1 at x\.y has shape \[1\], but element 0 has \[2\]/);
      await rejects(batch([[[1, 2], [3]], [[1, 2], [3, 4]]]), /^Dataset\.batch: element 0\[1\] must be an array of length 2/);
      await rejects(batch([{ name: 'ann' }, { name: 'bob' }]), /^Dataset\.batch: element 0 at name must be a number, a boolean, a \(nested\) array or a typed array, got "ann"$/);
      await rejects(batch([1, { a: 1 }]), /^Dataset\.batch: element 1 is \{ a \}, but element 0 is 1/);
      await rejects(batch([[1], undefined]), /^Dataset\.batch: element 1 is undefined, which cannot be batched \(tf\.data\.csv gives undefined for an empty field: give the column a default, columnConfigs: \{ \[column\]: \{ default: \.\.\. \} \}\)$/);
      await rejects(batch([[1, 2], [3, new Float32Array([4])]]), /^Dataset\.batch: element 1\[1\] must be a number, got a Float32Array$/);
      const t = (shape: number[], dtype?: 'int32') => tf.zeros(shape, dtype);
      await rejects(tf.data.generator(function* () { yield t([2]); yield t([3]); }).batch(2).toArray(), /^Dataset\.batch: element 1 has shape \[3\], but element 0 has \[2\]/);
      await rejects(tf.data.generator(function* () { yield { v: t([2]) }; yield { v: t([2], 'int32') }; }).batch(2).toArray(), /^Dataset\.batch: element 1 at v has dtype int32, but element 0 has float32/);
      await rejects(tf.data.generator(function* () { yield t([1]); yield 3; }).batch(2).toArray(), /^Dataset\.batch: element 1 is 3, but element 0 is a Tensor/);
    });

    it('sources', async () => {
      expect(() => tf.data.array('abc' as never)).toThrow(/^tf\.data\.array: items must be an array, got "abc"$/);
      const gone = tf.zeros([1]);
      gone.dispose();
      await rejects(tf.data.array([{ a: gone }]).toArray(), /^tf\.data\.array: items\[0\]\.a is a disposed tensor$/);
      const circular: unknown[] = [1];
      circular.push(circular);
      await rejects(tf.data.array([circular] as never).toArray(), /^tf\.data\.array: items\[0\]\[1\] contains itself$/);
      expect(() => tf.data.generator(5 as never)).toThrow(/^tf\.data\.generator: generator must be a function that returns an iterator, got 5$/);
      const started = (function* () { yield 1; })();
      expect(() => tf.data.generator(started as never)).toThrow(/^tf\.data\.generator: generator must be a function that returns an iterator, got .*; pass the generator function itself, not the iterator it returned$/);
      await rejects(tf.data.generator(() => 5 as never).toArray(), /^tf\.data\.generator: what generator\(\) returned must be an iterator \(an object with a next\(\) method\), got 5$/);
      await rejects(tf.data.generator(() => ({ next: () => 7 }) as never).toArray(), /^tf\.data\.generator: next\(\) of what generator\(\) returned must return \{ value, done \}, got 7$/);
      await rejects(tf.data.generator(function* () { yield 1; throw new Error('from the generator'); }).toArray(), /^from the generator$/);
      expect(() => tf.data.func('f' as never)).toThrow(/^tf\.data\.func: f must be a function, got "f"$/);
      expect(() => tf.data.zip(5 as never)).toThrow(/^tf\.data\.zip: datasets must be an array or an object of Datasets, got 5$/);
      expect(() => tf.data.zip([ds(), 5] as never)).toThrow(/^tf\.data\.zip: datasets\[1\] must be a tf\.data Dataset, got 5$/);
      expect(() => tf.data.zip({ a: { b: [1] } } as never)).toThrow(/^tf\.data\.zip: datasets\.a\.b\[0\] must be a tf\.data Dataset, got 1$/);
      // A dataset where values go is named as the user knows it, not by the internal class that made it.
      expect(() => tf.data.array(ds().map((x) => x) as never)).toThrow(/^tf\.data\.array: .*got a tf\.data Dataset$/);
      expect(() => tf.data.array(new (class TrainDataset {})() as never)).toThrow(/^tf\.data\.array: .*got a TrainDataset$/);
      const loop: Record<string, unknown> = {};
      loop.self = loop;
      expect(() => tf.data.zip(loop as never)).toThrow(/^tf\.data\.zip: datasets\.self contains itself$/);
      await rejects(tf.data.webcam(), /^tf\.data\.webcam: video capture is not supported/);
      await rejects(tf.data.microphone(), /^tf\.data\.microphone: audio capture is not supported/);
    });

    it('csv configurations, refused at the call', () => {
      const csv = (config: unknown, source: unknown = file('basic.csv')) => () => tf.data.csv(source as never, config as never);
      expect(csv({}, 'data.csv')).toThrow(/^tf\.data\.csv: source "data\.csv" is not a URL; in Node a local file is read from a file:\/\/ path, e\.g\. "file:\/\/data\.csv"$/);
      expect(csv({}, 5)).toThrow(/^tf\.data\.csv: source must be a URL \(http\(s\), or a file:\/\/ path in Node\) or a Request, got 5$/);
      expect(csv({ hasHeader: false })).toThrow(/^tf\.data\.csv: columnNames must be given when hasHeader is false/);
      expect(csv({ hasHeader: false, columnNames: ['a', 'a'] })).toThrow(/^tf\.data\.csv: columnNames names the column "a" twice; columns need distinct names$/);
      expect(csv({ hasHeader: false, columnNames: ['a'], columnConfigs: { b: {} } })).toThrow(/^tf\.data\.csv: columnConfigs names the column "b", which is not in the file \(did you mean "a"\?\)$/);
      expect(csv({ delimiter: ';', delimWhitespace: true })).toThrow(/^tf\.data\.csv: delimiter must be left out when delimWhitespace is true$/);
      expect(csv({ delimiter: ';;' })).toThrow(/^tf\.data\.csv: csvConfig\.delimiter must be one character \(not a quote or a line break\), got ";;"$/);
      expect(csv({ configuredColumnsOnly: true })).toThrow(/^tf\.data\.csv: configuredColumnsOnly needs columnConfigs/);
      expect(csv({ columnNames: 'a' })).toThrow(/^tf\.data\.csv: csvConfig\.columnNames must be an array of strings, got "a"$/);
      expect(csv({ hasHeaders: true })).toThrow(/^tf\.data\.csv: unknown option "hasHeaders" in csvConfig \(did you mean "hasHeader"\?\)$/);
      expect(csv({ columnConfigs: { a: { isLable: true } } })).toThrow(/^tf\.data\.csv: unknown option "isLable" in csvConfig\.columnConfigs\.a \(did you mean "isLabel"\?\)$/);
      expect(csv({ columnConfigs: { a: { dtype: 'float64' } } })).toThrow(/^tf\.data\.csv: csvConfig\.columnConfigs\.a\.dtype must be one of "float32", "int32", "bool", "string", got "float64"$/);
      expect(csv({ columnConfigs: { a: true } })).toThrow(/^tf\.data\.csv: csvConfig\.columnConfigs\.a must be an object, got true$/);
    });

    it('csv files, refused when read, naming the row, line and column', async () => {
      const read = (name: string, config: tf.data.CSVConfig = {}) => tf.data.csv(file(name), config).toArray();
      await rejects(read('ragged.csv'), /^tf\.data\.csv: row 2 \(line 3\) has 5 fields, expected 4 \(columns a, b, c, d\): "1,2,3,4,5"$/);
      await rejects(read('blank-line.csv'), /^tf\.data\.csv: row 2 \(line 3\) has 1 field, expected 2 \(columns a, b\): ""$/);
      await rejects(read('missing.csv', { columnConfigs: { b: { required: true } } }), /^tf\.data\.csv: row 1 \(line 2\) leaves the column "b" empty, but it is required$/);
      await rejects(read('missing.csv', { columnConfigs: { b: { isLabel: true } } }), /^tf\.data\.csv: row 1 \(line 2\) leaves the column "b" empty, but it is a label$/);
      // An empty field without a default is undefined (TF.js batches it as NaN): batch points to the default.
      const fix = (column: string) => `which cannot be batched \\(tf\\.data\\.csv gives undefined for an empty field: give the column a default, columnConfigs: \\{ ${column}: \\{ default: \\.\\.\\. \\} \\}\\)$`;
      await rejects(tf.data.csv(file('semicolon.csv'), { delimiter: ';' }).batch(3).toArray(), new RegExp(`^Dataset\\.batch: element 2 at y is undefined, ${fix('"y"')}`));
      await rejects(tf.data.csv(file('semicolon.csv'), { delimiter: ';', columnConfigs: { label: { isLabel: true } } }).batch(3).toArray(), new RegExp(`^Dataset\\.batch: element 2 at xs\\.y is undefined, ${fix('"y"')}`));
      await rejects(tf.data.csv(file('semicolon.csv'), { delimiter: ';' }).map((row) => Object.values(row as object)).batch(3).toArray(), new RegExp(`^Dataset\\.batch: element 2\\[1\\] is undefined, ${fix('\\[column\\]')}`));
      const [batch] = await tf.data.csv(file('semicolon.csv'), { delimiter: ';', columnConfigs: { y: { default: 0 } } }).batch(3).toArray();
      expect(plain((batch as { y: tf.Tensor }).y)).toEqual({ shape: [3], dtype: 'float32', values: [2, 4, 0] });
      tf.dispose(batch as never);
      await rejects(read('basic.csv', { columnConfigs: { e: { isLabel: true } } }), /^tf\.data\.csv: columnConfigs names the column "e" \(a label\), which is not in the file \(did you mean "a"\?\)$/);
      await rejects(read('basic.csv', { columnConfigs: { price: {} } }), /^tf\.data\.csv: columnConfigs names the column "price", which is not in the file; expected one of: a, b, c, d$/);
      await rejects(read('basic.csv', { columnNames: ['a', 'b'] }), /^tf\.data\.csv: columnNames has 2 names, but the header line has 4 columns \(a, b, c, d\)$/);
      await rejects(read('duplicate.csv'), /^tf\.data\.csv: the header line names the column "a" twice/);
      await rejects(read('empty.csv'), /^tf\.data\.csv: ".*empty\.csv" is empty, but hasHeader is true: expected a header line$/);
      await rejects(read('nope.csv'), /^tf\.data\.csv: cannot read ".*nope\.csv": no such file$/);
      await rejects(tf.data.csv(`file://${dir}`).columnNames(), /^tf\.data\.csv: cannot read ".*": it is a directory$/);
      // The rows before a bad one arrive; the error is that row's next().
      const it = await tf.data.csv(file('ragged.csv')).iterator();
      expect(await it.next()).toEqual({ value: { a: 1, b: 2, c: 3, d: 4 }, done: false });
      await rejects(it.next(), /row 2 \(line 3\)/);
      expect(await it.next()).toEqual({ value: null, done: true });
    });
  });
});

describe('unseeded shuffles', () => {
  it('give the same order on wasm and js after the same tf.setSeed', async () => {
    await tf.ready();
    const order = async (backend: 'wasm' | 'js') => {
      await tf.setBackend(backend);
      tf.setSeed(2024);
      return tf.data.array(range(33)).shuffle(10).toArray();
    };
    const [wasm, js] = [await order('wasm'), await order('js')];
    await tf.setBackend('wasm');
    expect(js).toEqual(wasm);
    expect(wasm).not.toEqual(range(33));
  });

});
