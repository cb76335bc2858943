// Fuzz catalogue entries for tf.data (src/data/): the sources (array, generator, func, zip, csv and its
// options) and every Dataset method, with the kinds of bad value TF.js refuses too and those neurite refuses on
// purpose (non-integer sizes and counts that TF.js rounds or loops on, a negative skip that TF.js documents as
// "skip all" but runs as "skip none", non-boolean flags, unknown csv options); and csv files that fail when
// read (a row of the wrong width, an empty required field, a column that is not there).

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { bad, badOf, circular, deep, flag, integer, missing, notFunction, notOptions, wrongType } from './arbitraries.js';
import { type Bad, type Entry, type Param, Recipe } from './harness.js';

const recipe = (label: string, make: () => unknown) => new Recipe(label, make);

/** Small valid datasets a method is called on. */
const DATASETS = fc.constantFrom(
  recipe('tf.data.array([1, 2, 3])', () => tf.data.array([1, 2, 3])),
  recipe('tf.data.array([{ x: [1, 2] }, { x: [3, 4] }])', () => tf.data.array([{ x: [1, 2] }, { x: [3, 4] }])),
  recipe('tf.data.generator(function* () { yield 1; yield 2; })', () =>
    tf.data.generator(function* () {
      yield 1;
      yield 2;
    }),
  ),
);

const dataset = (...refused: Bad[]): Param => ({ name: 'dataset', valid: DATASETS, bad: refused });

/** A size or count that must be an integer >= min, and is required. */
const required = (paramName: string, min: number, valid = fc.integer({ min, max: 5 })): Param => ({ name: paramName, valid, bad: [...integer({ min }), ...missing] });

/** A count where a negative integer, Infinity or none means "all" (take, repeat). */
const count = (valid: fc.Arbitrary<unknown>): Param => ({
  name: 'count',
  valid,
  bad: [badOf('non-integer', fc.integer({ min: -5, max: 5 }).map((n) => n + 0.5)), bad('NaN', NaN), ...wrongType('number')],
});

/** skip's count: an integer >= 0, or Infinity (skip everything). */
const skipCount: Param = { name: 'count', valid: fc.constantFrom(0, 2, 5, Infinity), bad: [...integer({ min: 0 }).filter((b) => b.kind !== 'Infinity'), bad('-Infinity', -Infinity), ...missing] };

/** batch's and shuffle's flags, read as TF.js reads them: true, false, 1, 0 and null (false) are taken. */
const truthyFlag: Bad[] = [badOf('not a boolean', fc.constantFrom('yes', 'false', '', 2, {}, [])), bad('Symbol', Symbol('bad')), bad('BigInt', 1n)];

const fn = (paramName: string, valid: unknown): Param => ({ name: paramName, valid: fc.constant(valid), bad: notFunction });

/** A shuffle's seed: any finite number (Date.now() too) or a string (TF.js types it a string). */
const shuffleSeed: Bad[] = [bad('NaN', NaN), bad('Infinity', Infinity, -Infinity), badOf('wrong type', fc.constantFrom(true, {}, [1], () => 1))];

const method = (name: string, params: Param[], call: Entry['call'], async = false): Entry => ({ name: `dataset.${name}`, prefixes: [`Dataset.${name}`], async, params: [dataset(), ...params], call });

/** csv files (as data: URLs, which fetch reads in Node too) that fail when read, each with what its message names. */
const csvData = (text: string) => `data:text/csv,${encodeURIComponent(text)}`;
const BAD_CSV: Array<[string, string, tf.data.CSVConfig, string[]]> = [
  ['a row of the wrong width', 'a,b\n1,2\n1,2,3\n', {}, ['row']],
  ['a blank line', 'a,b\n1,2\n\n', {}, ['row']],
  ['an empty required field', 'a,b\n1,\n', { columnConfigs: { b: { required: true } } }, ['required']],
  ['an empty label', 'a,b\n1,\n', { columnConfigs: { b: { isLabel: true } } }, ['label']],
  ['a label column that is not there', 'a,b\n1,2\n', { columnConfigs: { y: { isLabel: true } } }, ['columnConfigs']],
  ['more columnNames than the header has', 'a,b\n1,2\n', { columnNames: ['a', 'b', 'c'] }, ['columnNames']],
  ['a repeated header name', 'a,a\n1,2\n', {}, ['header']],
  ['no header line', '', {}, ['header']],
];

export const dataEntries: Entry[] = [
  // ---- sources ----
  { name: 'tf.data.array', prefixes: ['tf.data.array'], params: [{ name: 'items', valid: fc.constantFrom([], [1, 2], [{ a: 1 }]), bad: [...wrongType('array'), ...missing] }], call: (items) => tf.data.array(items) },
  {
    name: 'tf.data.generator',
    prefixes: ['tf.data.generator'],
    params: [
      {
        name: 'generator',
        valid: fc.constant(function* () {
          yield 1;
        }),
        bad: [...notFunction, badOf('the iterator a generator returned', fc.constant(recipe('(function* () { yield 1; })()', () => (function* () { yield 1; })())))],
      },
    ],
    call: (g) => tf.data.generator(g),
  },
  { name: 'tf.data.func', prefixes: ['tf.data.func'], params: [fn('f', () => ({ value: null, done: true }))], call: (f) => tf.data.func(f) },
  {
    name: 'tf.data.zip',
    prefixes: ['tf.data.zip'],
    params: [
      {
        name: 'datasets',
        // (one dataset alone too, which TF.js's types refuse but its code takes)
        valid: DATASETS.chain((d) => fc.constantFrom([d], { a: d, b: [d, d] }, [], d)),
        bad: [
          ...wrongType('array', 'object'),
          ...missing,
          bad('a leaf that is not a dataset', [5], { a: 'x' }, [[{ b: null }]]),
          bad('hostile structure', circular, deep),
        ],
      },
    ],
    call: (d) => tf.data.zip(d),
  },
  {
    name: 'tf.data.csv',
    prefixes: ['tf.data.csv'],
    params: [
      {
        name: 'source',
        valid: fc.constantFrom('file://no-such-dir/no-such-file.csv', 'https://example.com/data.csv', csvData('a\n1\n')),
        bad: [...wrongType('string'), ...missing, bad('empty', ''), bad('a bare path in Node', 'data.csv', './data/x.csv', '/data/x.csv')],
      },
      {
        name: 'csvConfig',
        valid: fc.constantFrom(undefined, {}, { hasHeader: true, delimiter: ';' }, { hasHeader: false, columnNames: ['a', 'b'], columnConfigs: { b: { isLabel: true } } }),
        bad: notOptions(),
        options: {
          keys: {
            hasHeader: flag,
            columnNames: [
              ...wrongType('array'),
              bad('names that are not strings', [1], ['a', 2], [null]),
              bad('hostile array', circular, deep),
              { ...bad('a repeated name', ['a', 'a']), when: (v) => (v[1] as tf.data.CSVConfig | undefined)?.hasHeader === false },
            ],
            columnConfigs: [
              ...wrongType('object'),
              bad('a column config that is not an object', { a: 5 }, { a: 'x' }, { a: null }, { a: [] }),
              bad('an unknown key in a column config', { a: { isLable: true } }, { a: { type: 'int32' } }),
              bad('an unknown dtype', { a: { dtype: 'float64' } }, { a: { dtype: 'int' } }),
              bad('a flag that is not a boolean', { a: { required: 'yes' } }, { a: { isLabel: 1 } }),
              { ...bad('a column not in columnNames', { zzz: {} }), when: (v) => (v[1] as tf.data.CSVConfig | undefined)?.hasHeader === false },
            ],
            configuredColumnsOnly: flag,
            delimiter: [bad('not one character', '', ';;', 'ab'), bad('a quote or a line break', '"', '\n', '\r'), ...wrongType('string')],
            delimWhitespace: flag,
          },
        },
      },
    ],
    call: (s, c) => tf.data.csv(s, c),
  },
  {
    name: 'csvDataset.toArray',
    prefixes: ['tf.data.csv'],
    async: true,
    params: [
      {
        name: 'csvDataset',
        valid: fc.constant(recipe(`tf.data.csv('${csvData('a,b\n1,2\n')}')`, () => tf.data.csv(csvData('a,b\n1,2\n')))),
        bad: [
          ...BAD_CSV.map(([kind, text, config, mentions]) => ({ ...badOf(kind, fc.constant(recipe(`tf.data.csv(${JSON.stringify(text)}, ${JSON.stringify(config)})`, () => tf.data.csv(csvData(text), config)))), mentions })),
          { ...badOf('a file that is not there', fc.constant(recipe("tf.data.csv('file://no-such-dir/neurite-no-such-file.csv')", () => tf.data.csv('file://no-such-dir/neurite-no-such-file.csv')))), mentions: ['file'] },
        ],
      },
    ],
    call: (d) => d.toArray(),
  },

  // ---- methods ----
  method('batch', [required('batchSize', 1), { name: 'smallLastBatch', valid: fc.constantFrom(undefined, true, false, null, 0, 1), bad: truthyFlag }], (d, n, s) => d.batch(n, s)),
  method(
    'shuffle',
    [required('bufferSize', 1), { name: 'seed', valid: fc.constantFrom(undefined, 0, 42, 'abc', 1796314300408, 1.5), bad: shuffleSeed }, { name: 'reshuffleEachIteration', valid: fc.constantFrom(undefined, true, false, null, 0, 1), bad: truthyFlag }],
    (d, n, s, r) => d.shuffle(n, s, r),
  ),
  method('take', [count(fc.constantFrom(-1, 0, 2, 5, Infinity))], (d, n) => d.take(n)),
  method('skip', [skipCount], (d, n) => d.skip(n)),
  method('repeat', [count(fc.constantFrom(undefined, -1, 0, 2, Infinity))], (d, n) => d.repeat(n)),
  method('prefetch', [required('bufferSize', 1)], (d, n) => d.prefetch(n)),
  method('map', [fn('transform', (x: unknown) => x)], (d, f) => d.map(f)),
  method('mapAsync', [fn('transform', async (x: unknown) => x)], (d, f) => d.mapAsync(f)),
  method('filter', [fn('predicate', () => true)], (d, f) => d.filter(f)),
  method('forEachAsync', [fn('f', () => {})], (d, f) => d.forEachAsync(f), true),
  method('concatenate', [{ name: 'dataset', valid: DATASETS, bad: [...wrongType(), ...missing, bad('a look-alike', { size: 3, iterator: async () => ({ next: async () => ({ done: true }) }) })] }], (d, other) => d.concatenate(other)),
  {
    name: 'dataset.toArray',
    prefixes: ['Dataset.toArray'],
    async: true,
    params: [dataset({ ...badOf('a dataset without end', fc.constant(recipe('tf.data.array([1]).repeat()', () => tf.data.array([1]).repeat()))), mentions: ['never', 'Infinity'] })],
    call: (d) => d.toArray(),
  },
];
