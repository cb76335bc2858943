// Fuzz catalogue entries for the last core ops of TF.js's documentation examples: searchSorted, lowerBound and
// upperBound, inTopKAsync (sort.ts), unsortedSegmentSum (indexing.ts), diag (matrix.ts), ensureShape (shape.ts),
// bitwiseAnd (logic.ts), tf.signal's windows and frame, dropout, and tensor.variable. Each argument with the
// kinds of bad value TF.js refuses too, and those neurite refuses on purpose (a step of 0, on which TF.js's frame
// loops forever; segment ids past numSegments; non-integer classes; a noiseShape that does not fit x).

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { bad, badOf, circular, deep, disposedR, flag, integer, missing, name, nested, notTensorLike, number, seed, shapeOf, shapeOfNested, size, tensorOf, tensorR, type TensorInfo, wrongType } from './arbitraries.js';
import { type Bad, type Entry, type Gen, type Param, Recipe } from './harness.js';

const disposed = badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] });
const shapeOfArg = (v: unknown): number[] => (v instanceof Recipe ? (v.info as TensorInfo).shape : shapeOfNested(v));
const int32 = (shape: number[], values: number[]) => tensorR(shape, values, 'int32');
/** An int32 tensor of the shape with values in [0, top). */
const intsOf = (s: number[], top: number): Gen => fc.array(fc.nat(top - 1), { minLength: size(s), maxLength: size(s) }).map((v) => int32(s, v));
/** A tensor argument: not tensor-like, disposed, and the extra kinds. */
const tensorParam = (paramName: string, ...more: Bad[]): Param => ({ name: paramName, bad: [...notTensorLike, disposed, ...more] });
const scalar = badOf('a scalar', fc.constant(tensorR([], [1])), { mentions: ['rank', 'scalar'] });
const float32Kind = (dtype: string) => badOf('float32 tensor', fc.constant(tensorR([2], [1, 0])), { mentions: ['dtype', dtype] });

/** [sortedSequence, values]: sorted rows of a rank 1 to 3 shape, and values with the same leading dimensions. */
const searchArgs = fc
  .integer({ min: 1, max: 3 })
  .chain(shapeOf)
  .chain((s) =>
    fc.tuple(
      fc.array(fc.integer({ min: -8, max: 8 }), { minLength: size(s), maxLength: size(s) }).map((v) => {
        const n = s[s.length - 1];
        const rows = Array.from({ length: v.length / n }, (_, r) => v.slice(r * n, (r + 1) * n).sort((a, b) => a - b));
        return tensorR(s, rows.flat());
      }),
      fc.integer({ min: 1, max: 4 }).chain((m) => fc.oneof(tensorOf([...s.slice(0, -1), m]), nested([...s.slice(0, -1), m]))),
    ),
  );

/** Values whose leading dimensions differ from the sequence's. */
const otherRows = badOf('other leading dimensions', (v) => {
  const lead = shapeOfArg(v[0]).slice(0, -1);
  return tensorOf([lead.length === 0 ? 2 : lead[0] + 1, ...lead.slice(1), 1]);
});

const search = (op: 'searchSorted' | 'lowerBound' | 'upperBound'): Entry => ({
  name: `tf.${op}`,
  params: [
    tensorParam('sortedSequence', scalar),
    tensorParam('values', scalar, otherRows),
    ...(op === 'searchSorted' ? [{ name: 'side', bad: name(['left', 'right']) }] : []),
  ],
  args: op === 'searchSorted' ? searchArgs.chain((a) => fc.constantFrom(undefined, 'left', 'right').map((side) => [...a, side])) : searchArgs,
  call: (s, v, side) => (op === 'searchSorted' ? tf.searchSorted(s, v, side) : tf[op](s, v)),
});

/** [predictions, targets, k]: rank 2 or 3 scores, a class per row, k up to the number of classes. */
const inTopKArgs = fc
  .integer({ min: 2, max: 3 })
  .chain(shapeOf)
  .chain((s) => fc.tuple(fc.oneof(tensorOf(s), nested(s)), intsOf(s.slice(0, -1), s[s.length - 1]), fc.option(fc.integer({ min: 1, max: s[s.length - 1] }), { nil: undefined })));
const lead = (v: unknown[]) => shapeOfArg(v[0]).slice(0, -1);
const classes = (v: unknown[]) => shapeOfArg(v[0]).at(-1)!;

/** [x, segmentIds, numSegments]: x of rank 1 to 3, an id in [0, numSegments) per row. */
const segmentArgs = fc
  .integer({ min: 1, max: 3 })
  .chain(shapeOf)
  .chain((s) => fc.integer({ min: 1, max: 4 }).chain((k) => fc.tuple(fc.oneof(tensorOf(s), nested(s)), intsOf([s[0]], k), fc.constant(k))));
const rowsOf = (v: unknown[]) => shapeOfArg(v[0])[0];

/** A shape the valid one (at 1) is not: another size, another rank, a bad entry; or no shape at all. */
const shapeKinds: Bad[] = [
  badOf('another size', (v) => fc.constant((v[1] as Array<number | null>).map((d, i) => (i === 0 ? (d ?? shapeOfArg(v[0])[0]) + 1 : d))), { when: (v) => shapeOfArg(v[0]).length > 0, mentions: ['x'] }),
  badOf('another rank', (v) => fc.constant([...(v[1] as number[]), 1]), { mentions: ['x'] }),
  bad('a negative entry', [-1], [2, -1]),
  bad('a non-integer entry', [1.5], [null, 0.5]),
  bad('a NaN or undefined entry', [NaN], [undefined], ['2']),
  bad('hostile array', circular, deep),
  ...wrongType('array'),
  ...missing,
];

/** [x, rate, noiseShape, seed]: float32 x of rank 1 to 3, a rate in [0, 0.9], a noiseShape that fits. */
const dropoutArgs = fc
  .integer({ min: 1, max: 3 })
  .chain(shapeOf)
  .chain((s) =>
    fc.tuple(
      fc.oneof(tensorOf(s), nested(s)),
      fc.constantFrom(0, 0.1, 0.5, 0.9),
      fc.constantFrom(undefined, null, s, s.map(() => 1), [...s.slice(0, -1), 1], s.slice(1)),
      fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
    ),
  );

const window = (op: 'hannWindow' | 'hammingWindow'): Entry => ({
  name: `tf.signal.${op}`,
  params: [{ name: 'windowLength', valid: fc.integer({ min: 0, max: 20 }), bad: [...integer({ min: 0, huge: true }), ...missing] }],
  call: (n) => tf.signal[op](n),
});

export const searchEntries: Entry[] = [
  search('searchSorted'),
  search('lowerBound'),
  search('upperBound'),
  {
    name: 'tf.inTopKAsync',
    async: true,
    params: [
      tensorParam('predictions', badOf('rank 1', fc.constant(tensorR([3], [1, 2, 3])), { mentions: ['rank'] })),
      tensorParam(
        'targets',
        badOf('another shape', (v) => intsOf([...lead(v), 2], 1)),
        badOf('non-integer classes', (v) => fc.constant(tensorR(lead(v), new Array<number>(size(lead(v))).fill(0.5)))),
      ),
      { name: 'k', bad: [badOf('above the classes', (v) => fc.constant(classes(v) + 1)), ...integer({ min: 1 })] },
    ],
    args: inTopKArgs,
    call: (p, t, k) => tf.inTopKAsync(p, t, k),
  },
  {
    name: 'tf.unsortedSegmentSum',
    params: [
      tensorParam('x', scalar),
      tensorParam(
        'segmentIds',
        float32Kind('int32'),
        badOf('an id past numSegments', (v) => fc.constant(int32([rowsOf(v)], new Array<number>(rowsOf(v)).fill(v[2] as number)))),
        badOf('another length', (v) => intsOf([rowsOf(v) + 1], 1)),
        badOf('non-integer ids', (v) => fc.constant(new Array<number>(rowsOf(v)).fill(0.5))),
      ),
      { name: 'numSegments', bad: [...integer({ min: 0, max: 2 ** 31 - 1 }), ...missing] },
    ],
    args: segmentArgs,
    call: (x, ids, k) => tf.unsortedSegmentSum(x, ids, k),
  },
  {
    name: 'tensor.unsortedSegmentSum',
    prefixes: ['unsortedSegmentSum'],
    params: [{ name: 'tensor', valid: fc.integer({ min: 1, max: 3 }).chain(shapeOf).chain((s) => tensorOf(s)), bad: [disposed] }],
    call: (t: tf.Tensor) => t.unsortedSegmentSum(new Array<number>(t.shape[0]).fill(0), 1),
  },
  {
    name: 'tf.diag',
    params: [{ name: 'x', valid: fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => fc.oneof(tensorOf(s), nested(s))), bad: [...notTensorLike, disposed, { ...bad('huge', new Recipe('tf.zeros([40000])', (env) => env.tensor(tf.zeros([40000])))), mentions: ['bytes'] }] }],
    call: (x) => tf.diag(x),
  },
  {
    name: 'tf.ensureShape',
    params: [tensorParam('x'), { name: 'shape', bad: shapeKinds }],
    args: fc
      .integer({ min: 0, max: 3 })
      .chain(shapeOf)
      .chain((s) => fc.tuple(fc.oneof(tensorOf(s), nested(s)), fc.tuple(...s.map((d) => fc.constantFrom(d, null))))),
    call: (x, s) => tf.ensureShape(x, s),
  },
  {
    name: 'tf.bitwiseAnd',
    params: [
      tensorParam('x', float32Kind('int32'), badOf('another shape', (v) => intsOf([...shapeOfArg(v[1]), 2], 3))),
      tensorParam('y', float32Kind('int32'), badOf('another shape', (v) => intsOf([...shapeOfArg(v[0]), 2], 3))),
    ],
    args: fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => fc.tuple(intsOf(s, 16), intsOf(s, 16))),
    call: (x, y) => tf.bitwiseAnd(x, y),
  },
  window('hannWindow'),
  window('hammingWindow'),
  {
    name: 'tf.signal.frame',
    params: [
      tensorParam('signal', badOf('rank 2', fc.constant(tensorR([2, 2], [1, 2, 3, 4])), { mentions: ['rank'] })),
      { name: 'frameLength', bad: [...integer({ min: 1 }), ...missing] },
      { name: 'frameStep', bad: [...integer({ min: 1 }), ...missing] },
      { name: 'padEnd', bad: flag },
      { name: 'padValue', bad: number() },
    ],
    args: fc
      .integer({ min: 0, max: 6 })
      .chain((n) =>
        fc.tuple(
          fc.oneof(tensorOf([n]), nested([n])),
          fc.integer({ min: 1, max: 7 }),
          fc.integer({ min: 1, max: 3 }),
          fc.option(fc.boolean(), { nil: undefined }),
          fc.option(fc.integer({ min: -3, max: 3 }), { nil: undefined }),
        ),
      ),
    call: (s, l, st, p, v) => tf.signal.frame(s, l, st, p, v),
  },
  {
    name: 'tf.dropout',
    params: [
      tensorParam('x', badOf('int32 tensor', fc.constant(int32([2], [1, 0])), { mentions: ['dtype', 'float32'] })),
      { name: 'rate', bad: [...number({ min: 0, max: 1, maxOpen: true }), ...missing] },
      {
        name: 'noiseShape',
        bad: [
          badOf('a shape x does not broadcast from', (v) => fc.constant(shapeOfArg(v[0]).map((d) => d + 1))),
          badOf('a higher rank', (v) => fc.constant([1, ...shapeOfArg(v[0])])),
          bad('a negative entry', [-1]),
          bad('a non-integer entry', [0.5]),
          bad('a null entry of a lower rank', [null, null, null, null]),
          bad('hostile array', circular, deep),
          ...wrongType('array'),
        ],
      },
      { name: 'seed', bad: seed },
    ],
    args: dropoutArgs,
    call: (x, r, n, s) => tf.dropout(x, r, n, s),
  },
  {
    name: 'tensor.variable',
    prefixes: ['variable'],
    params: [
      { name: 'tensor', valid: fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => tensorOf(s)), bad: [disposed] },
      { name: 'trainable', bad: flag },
      { name: 'name', bad: [bad('empty', ''), ...wrongType('string')] },
      { name: 'dtype', bad: [bad('unknown dtype', 'float64', 'int8', ''), bad('unsupported dtype', 'string', 'complex64'), ...wrongType('string')] },
    ],
    call: (t: tf.Tensor, trainable, n, d) => t.variable(trainable, n, d),
  },
];
