// Fuzz catalogue entries for the reductions, scans, sorting and counting family (src/ops/reduce.ts, scan.ts,
// sort.ts) beyond the sum, mean and argMax that catalogue.ts lists: each op's x, axis, flags and sizes with
// the kinds of bad value TF.js refuses too, and the ones neurite refuses on purpose (non-boolean flags,
// repeated axes, negative bin values, classes out of range).

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { bad, badOf, disposedR, flag, integer, missing, nested, notTensorLike, shapeOf, shapeOfNested, tensorOf, tensorR, wrongType } from './arbitraries.js';
import { type Bad, type Entry, type Gen, Recipe } from './harness.js';

const disposed = badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] });
const shapeOfArg = (v: unknown): number[] => (v instanceof Recipe ? (v.info as { shape: number[] }).shape : shapeOfNested(v));
const rankOf = (v: unknown[]) => shapeOfArg(v[0]).length;

/** A float32 tensor or nested numbers of the shape. */
const valuesOf = (s: number[]): Gen => fc.oneof(tensorOf(s), nested(s));
/** An int32 tensor of the shape with values in [0, top). */
const intsOf = (s: number[], top = 4): Gen => fc.array(fc.nat(top - 1), { minLength: s.reduce((a, b) => a * b, 1), maxLength: s.reduce((a, b) => a * b, 1) }).map((v) => tensorR(s, v, 'int32'));

/** Axis arguments of x (args[0]) a reduction refuses: out of range, repeated, not integers, not numbers. */
const axisKinds: Bad[] = [
  badOf('out of range', (v) => fc.constantFrom(Math.max(rankOf(v), 1), -rankOf(v) - 1, [0, Math.max(rankOf(v), 1)])),
  badOf('repeated', (v) => fc.constant([0, -rankOf(v)]), { when: (v) => rankOf(v) >= 1 }),
  badOf('non-integer', fc.constantFrom(0.5, [0.5])),
  bad('NaN', NaN, [NaN]),
  ...wrongType('number', 'array'),
];

/** One axis of x (args[0]), rank >= 1: out of range, not an integer; `list` when [axis] is taken too. */
const oneAxisKinds = (list = false): Bad[] => [
  badOf('out of range', (v) => fc.constantFrom(rankOf(v), -rankOf(v) - 1)),
  bad('non-integer', 0.5),
  bad('NaN', NaN),
  ...(list ? [bad('two axes', [0, 0], [0, 1])] : []),
  ...(list ? wrongType('number', 'array') : wrongType('number')),
];

/** [x, axis, keepDims] for a reduction over x of rank 1 to 3. */
const reductionArgs = (x: (s: number[]) => Gen = valuesOf) =>
  fc
    .integer({ min: 1, max: 3 })
    .chain(shapeOf)
    .chain((s) => fc.tuple(x(s), fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }), fc.option(fc.boolean(), { nil: undefined })));

const reduction = (name: 'prod' | 'max' | 'min' | 'logSumExp' | 'euclideanNorm' | 'moments'): Entry => ({
  name: `tf.${name}`,
  params: [{ name: 'x', bad: [...notTensorLike, disposed] }, { name: 'axis', bad: axisKinds }, { name: 'keepDims', bad: flag }],
  args: reductionArgs(),
  call: (x, a, k) => tf[name](x, a, k),
});

/** Values all and any read as bools (as TF.js's parseAsDtype 'bool' does): nested numbers, true where nonzero. */
const boolsOf = (s: number[]): Gen => nested(s, fc.constantFrom(0, 1, 2));

const logical = (name: 'all' | 'any'): Entry => ({
  name: `tf.${name}`,
  params: [
    { name: 'x', bad: [...notTensorLike, disposed, badOf('float32 tensor', fc.constant(tensorR([2], [1, 0])), { mentions: ['dtype', 'bool'] })] },
    { name: 'axis', bad: axisKinds },
    { name: 'keepDims', bad: flag },
  ],
  args: reductionArgs(boolsOf),
  call: (x, a, k) => tf[name](x, a, k),
});

/** [x, axis, exclusive, reverse] for a scan. */
const scanArgs = fc
  .integer({ min: 1, max: 3 })
  .chain(shapeOf)
  .chain((s) => fc.tuple(valuesOf(s), fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }), fc.option(fc.boolean(), { nil: undefined }), fc.option(fc.boolean(), { nil: undefined })));

const scan = (name: 'cumsum' | 'cumprod'): Entry => ({
  name: `tf.${name}`,
  params: [
    { name: 'x', bad: [...notTensorLike, disposed, bad('a scalar', 5)] },
    { name: 'axis', bad: oneAxisKinds() },
    { name: 'exclusive', bad: flag },
    { name: 'reverse', bad: flag },
  ],
  args: scanArgs,
  call: (x, a, e, r) => tf[name](x, a, e, r),
});

/** [x, weights, size] for bincount: int32 values in [0, 4), no weights or as many, a size from 0. */
const bincountArgs = (shape: Gen<number[]>) =>
  shape.chain((s) => fc.tuple(intsOf(s), fc.oneof(fc.constant([]), tensorOf(s)), fc.integer({ min: 0, max: 6 })));

const binValueKinds: Bad[] = [
  ...notTensorLike,
  disposed,
  badOf('float32 tensor', fc.constant(tensorR([2], [1, 0])), { mentions: ['dtype', 'int32'] }),
  badOf('negative values', fc.constant(tensorR([2], [1, -1], 'int32')), { mentions: ['x', 'values'] }),
];

export const reduceEntries: Entry[] = [
  ...(['prod', 'max', 'min', 'logSumExp', 'euclideanNorm', 'moments'] as const).map(reduction),
  logical('all'),
  logical('any'),
  {
    name: 'tf.norm',
    params: [
      { name: 'x', bad: [...notTensorLike, disposed] },
      { name: 'ord', bad: [bad('unsupported order', 3, 0, -1, 0.5, 'l2', 'frobenius', ''), bad('NaN', NaN), ...wrongType('number', 'string')] },
      { name: 'axis', bad: [...axisKinds, badOf('three axes', fc.constant([0, 1, 2]), { when: (v) => rankOf(v) >= 3 })] },
      { name: 'keepDims', bad: flag },
    ],
    args: fc
      .integer({ min: 1, max: 3 })
      .chain(shapeOf)
      .chain((s) =>
        fc.tuple(
          valuesOf(s),
          fc.constantFrom(undefined, 'euclidean', 1, 2, Infinity, -Infinity),
          fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }),
          fc.option(fc.boolean(), { nil: undefined }),
        ),
      ),
    call: (x, o, a, k) => tf.norm(x, o, a, k),
  },
  {
    name: 'tf.argMin',
    params: [{ name: 'x', bad: [...notTensorLike, disposed, bad('a scalar', 5)] }, { name: 'axis', bad: oneAxisKinds(true) }],
    args: fc
      .integer({ min: 1, max: 3 })
      .chain(shapeOf)
      .chain((s) => fc.tuple(valuesOf(s), fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }))),
    call: (x, a) => tf.argMin(x, a),
  },
  scan('cumsum'),
  scan('cumprod'),
  {
    name: 'tf.topk',
    params: [
      { name: 'x', bad: [...notTensorLike, disposed, bad('a scalar', 5)] },
      {
        name: 'k',
        bad: [
          badOf('above the last dimension', (v) => fc.constant(shapeOfArg(v[0]).at(-1)! + 1)),
          ...integer({ min: 0 }).filter((b) => !b.kind.startsWith('non-integer')),
          bad('non-integer', 0.5),
        ],
      },
      { name: 'sorted', bad: flag },
    ],
    args: fc
      .integer({ min: 1, max: 3 })
      .chain(shapeOf)
      .chain((s) => fc.tuple(valuesOf(s), fc.option(fc.integer({ min: 0, max: s[s.length - 1] }), { nil: undefined }), fc.option(fc.boolean(), { nil: undefined }))),
    call: (x, k, s) => tf.topk(x, k, s),
  },
  {
    name: 'tf.unique',
    params: [{ name: 'x', bad: [...notTensorLike, disposed, bad('a scalar', 5)] }, { name: 'axis', bad: oneAxisKinds() }],
    args: fc
      .integer({ min: 1, max: 3 })
      .chain(shapeOf)
      .chain((s) => fc.tuple(valuesOf(s), fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }))),
    call: (x, a) => tf.unique(x, a),
  },
  {
    name: 'tf.bincount',
    params: [
      { name: 'x', bad: binValueKinds },
      { name: 'weights', bad: [...notTensorLike, disposed, badOf('another size', (v) => tensorOf([shapeOfArg(v[0]).reduce((a, b) => a * b, 1) + 1]))] },
      { name: 'size', bad: [...integer({ min: 0, huge: true }), ...missing] },
    ],
    args: bincountArgs(fc.integer({ min: 1, max: 5 }).map((n) => [n])),
    call: (x, w, s) => tf.bincount(x, w, s),
  },
  {
    name: 'tf.denseBincount',
    params: [
      { name: 'x', bad: [...binValueKinds, badOf('rank 3', fc.constant(tensorR([1, 1, 2], [0, 1], 'int32')), { mentions: ['rank'] })] },
      { name: 'weights', bad: [...notTensorLike, disposed, badOf('another shape', (v) => tensorOf([...shapeOfArg(v[0]), 2]))] },
      { name: 'size', bad: [...integer({ min: 0, huge: true }), ...missing] },
      { name: 'binaryOutput', bad: flag },
    ],
    args: fc
      .integer({ min: 1, max: 2 })
      .chain(shapeOf)
      .chain((s) => bincountArgs(fc.constant(s)).chain((a) => fc.option(fc.boolean(), { nil: undefined }).map((b) => [...a, b]))),
    call: (x, w, s, b) => tf.denseBincount(x, w, s, b),
  },
  {
    name: 'tf.math.confusionMatrix',
    params: [
      { name: 'labels', bad: [...notTensorLike, disposed, badOf('rank 2', (v) => fc.constant(tensorR([1, shapeOfArg(v[1])[0]], Array(shapeOfArg(v[1])[0]).fill(0), 'int32')), { mentions: ['labels', 'rank'] }), badOf('a class out of range', (v) => fc.constantFrom(-1, v[2] as number).map((c) => tensorR(shapeOfArg(v[1]), Array(shapeOfArg(v[1])[0]).fill(c), 'int32')))] },
      { name: 'predictions', bad: [...notTensorLike, disposed, badOf('another length', (v) => intsOf([shapeOfArg(v[0])[0] + 1], 2))] },
      { name: 'numClasses', bad: [...integer({ min: 1, max: 32768 }), ...missing] },
    ],
    args: fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(intsOf([n], 2), intsOf([n], 2), fc.integer({ min: 2, max: 4 }))),
    call: (l, p, n) => tf.math.confusionMatrix(l, p, n),
  },
  // The chainable methods: the tensor they are called on.
  ...(['prod', 'max', 'min', 'argMin', 'logSumExp', 'norm', 'euclideanNorm', 'cumsum', 'cumprod', 'topk', 'unique'] as const).map(
    (method): Entry => ({
      name: `tensor.${method}`,
      prefixes: [method],
      params: [{ name: 'tensor', valid: fc.integer({ min: 1, max: 3 }).chain(shapeOf).chain((s) => tensorOf(s)), bad: [badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] })] }],
      call: (t) => t[method](),
    }),
  ),
];
