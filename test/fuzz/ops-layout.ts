// Fuzz catalogue entries for the layout family (src/ops/shape.ts, indexing.ts): each tensor argument with the
// kinds of bad value TF.js refuses too, and every shape-like argument (axes, perm, begin and size, reps,
// paddings, block shapes, indices) out of range, of the wrong length, not integers or not arrays at all.

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { bad, badOf, circular, deep, disposedR, integer, missing, nested, notOptions, notTensorLike, name, number, shape, shapeOf, shapeOfNested, size, tensorOf, tensorR, type TensorInfo, wrongType } from './arbitraries.js';
import { type Bad, type Entry, type Gen, type Param, Recipe } from './harness.js';

const disposed = badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] });
const shapeOfArg = (v: unknown): number[] => (v instanceof Recipe ? (v.info as TensorInfo).shape : shapeOfNested(v));
const rankOf = (v: unknown) => shapeOfArg(v).length;

/** A float32 tensor (or nested numbers) of a rank in [min, max], dims 1 to 4. */
const ofRank = (min: number, max: number, nestedToo = true): Gen =>
  fc.integer({ min, max }).chain(shapeOf).chain((s) => (nestedToo ? fc.oneof(tensorOf(s), nested(s)) : tensorOf(s)));
const int32 = (shape: number[], values: number[]) => tensorR(shape, values, 'int32');
const float32Indices = badOf('float32 tensor', fc.constant(tensorR([1], [0])), { mentions: ['dtype', 'int32'] });

/** A tensor argument: not tensor-like, disposed, and the extra kinds. */
const tensorParam = (paramName: string, ...more: Bad[]): Param => ({ name: paramName, bad: [...notTensorLike, disposed, ...more] });
/** x of the wrong rank. */
const wrongRank = (...ranks: number[]) => badOf('wrong rank', fc.constantFrom(...ranks).chain((r) => tensorOf(new Array<number>(r).fill(2))), { mentions: ['rank'] });

/**
 * An integer with its range given by the valid arguments (an axis of the tensor at `at`, say); `types` are
 * the types the parameter also takes (a list of axes), never offered as wrong.
 */
function ranged(lowest: (v: unknown[]) => number, highest: (v: unknown[]) => number, types: Array<Parameters<typeof wrongType>[0]> = []): Bad[] {
  return [
    badOf('out of range', (v) => fc.constantFrom(highest(v) + 1, lowest(v) - 1)),
    badOf('non-integer', fc.constantFrom(0.5, -1.5)),
    bad('NaN', NaN),
    bad('Infinity', Infinity, -Infinity),
    ...wrongType('number', ...types),
  ];
}
/** An axis of the tensor argument at `at`. */
const axisOf = (at: number, types: Array<Parameters<typeof wrongType>[0]> = []) => ranged((v) => -rankOf(v[at]), (v) => rankOf(v[at]) - 1, types);
/** Where a new axis goes among the axes of the tensor at `at`. */
const newAxisOf = (at: number) => ranged((v) => -rankOf(v[at]) - 1, (v) => rankOf(v[at]));

/** An array of integers the valid arguments determine (perm, reps, begin...): changed entries, or no array. */
function intArray(at: number, { min = 0, also = [] as Bad[], lengthMatters = true, numberToo = false } = {}): Bad[] {
  const list = (v: unknown[]) => v[at] as number[];
  return [
    ...(lengthMatters
      ? [badOf('one entry too many', (v) => fc.constant([...list(v), 0])), badOf('one entry too few', (v) => fc.constant(list(v).slice(1)), { when: (v) => list(v).length > 0 })]
      : []),
    ...(min > -Infinity ? [badOf(`an entry below ${min}`, (v) => fc.constant(list(v).map((d, i) => (i === 0 ? min - 1 : d))), { when: (v) => list(v).length > 0 })] : []),
    badOf('a non-integer entry', (v) => fc.constant(list(v).map((d, i) => (i === 0 ? d + 0.5 : d))), { when: (v) => list(v).length > 0 }),
    badOf('a NaN entry', (v) => fc.constant(list(v).map((d, i) => (i === 0 ? NaN : d))), { when: (v) => list(v).length > 0 }),
    bad('hostile array', circular, deep),
    ...(numberToo ? wrongType('array', 'number') : wrongType('array')),
    ...also,
  ];
}

/** [before, after] pairs the valid arguments determine (paddings, crops): changed pairs, or none at all. */
function pairs(at: number, also: Bad[] = []): Bad[] {
  const list = (v: unknown[]) => v[at] as Array<[number, number]>;
  return [
    badOf('one pair too few', (v) => fc.constant(list(v).slice(1))),
    badOf('one pair too many', (v) => fc.constant([...list(v), [0, 0]])),
    badOf('a negative entry', (v) => fc.constant(list(v).map((p, i) => (i === 0 ? [-1, p[1]] : p)))),
    badOf('a non-integer entry', (v) => fc.constant(list(v).map((p, i) => (i === 0 ? [p[0], 0.5] : p)))),
    badOf('not a pair', (v) => fc.constant(list(v).map((p, i) => (i === 0 ? [p[0]] : p)))),
    bad('hostile array', circular, deep),
    ...wrongType('array'),
    ...missing,
    ...also,
  ];
}

/** Bad index tensors for an axis of size `dim(v)`: out of range, not int32, not tensor-like. */
const indexKinds = (dim: (v: unknown[]) => number): Bad[] => [
  badOf('index out of range', (v) => fc.constantFrom(int32([1], [dim(v)]), int32([2], [0, -1])), { mentions: ['indices'] }),
  badOf('non-integer values', fc.constant([0.5])),
  float32Indices,
  ...notTensorLike,
  disposed,
];

/** A random permutation of 0..n-1. */
const permutation = (n: number) => fc.shuffledSubarray(Array.from({ length: n }, (_, i) => i), { minLength: n, maxLength: n });

/** A shape x can be broadcast to: its 1s grown, and up to one leading axis. */
const broadcastArgs = fc
  .array(fc.integer({ min: 1, max: 3 }), { maxLength: 3 })
  .chain((s) => fc.tuple(tensorOf(s), fc.tuple(fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 1 }), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: s.length, maxLength: s.length })).map(([lead, grow]) => [...lead, ...s.map((d, i) => (d === 1 ? grow[i] : d))])));

/** x and a block [begin, size] inside it. */
const sliceArgs = fc
  .integer({ min: 1, max: 3 })
  .chain(shapeOf)
  .chain((s) => fc.tuple(tensorOf(s), fc.tuple(...s.map((d) => fc.integer({ min: 0, max: d }).chain((b) => fc.tuple(fc.constant(b), fc.integer({ min: 0, max: d - b })))))))
  .map(([t, spans]) => [t, spans.map(([b]) => b), spans.map(([, n]) => n)]);

/** x, the sizes an axis splits into, and the axis. */
const splitArgs = fc
  .integer({ min: 1, max: 3 })
  .chain(shapeOf)
  .chain((s) => fc.tuple(tensorOf(s), fc.nat(s.length - 1)).chain(([t, axis]) => fc.tuple(fc.constant(t), fc.constantFrom<unknown>(1, s[axis], [s[axis]], [1, s[axis] - 1], [-1, 0]), fc.constantFrom(axis, axis - s.length))));

/** Tensors that join along `axis`: equal shapes but there. */
const concatArgs = fc
  .integer({ min: 1, max: 3 })
  .chain(shapeOf)
  .chain((s) =>
    fc.tuple(fc.nat(s.length - 1), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 3 })).chain(([axis, sizes]) =>
      fc.tuple(fc.tuple(...sizes.map((n) => tensorOf(s.map((d, i) => (i === axis ? n : d))))), fc.constant(axis)),
    ),
  );
const joinedShape = (v: unknown[]) => shapeOfArg((v[0] as unknown[])[0]);

/** x with paddings for each axis, small enough for mirrorPad in either mode (x's dims are 2 to 4). */
const paddingArgs = (mirror: boolean) =>
  fc
    .integer({ min: 1, max: 3 })
    .chain((r) => fc.array(fc.integer({ min: 2, max: 4 }), { minLength: r, maxLength: r }))
    .chain((s) => fc.tuple(tensorOf(s), fc.tuple(...s.map((d) => fc.tuple(fc.nat(mirror ? d - 1 : 2), fc.nat(mirror ? d - 1 : 2))))));

/** x for batchToSpaceND: [batch · prod(block), spatial..., rest...], with crops that fit. */
const batchToSpaceArgs = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 2 }), { minLength: 1, maxLength: 2 }), fc.integer({ min: 1, max: 2 }), fc.array(fc.integer({ min: 1, max: 2 }), { maxLength: 1 }))
  .chain(([block, batch, rest]) =>
    fc.tuple(fc.array(fc.integer({ min: 1, max: 2 }), { minLength: block.length, maxLength: block.length })).chain(([spatial]) =>
      fc.tuple(
        tensorOf([batch * block.reduce((a, b) => a * b, 1), ...spatial, ...rest]),
        fc.constant(block),
        fc.tuple(...spatial.map((d, i) => fc.integer({ min: 0, max: d * block[i] }).chain((c0) => fc.tuple(fc.constant(c0), fc.integer({ min: 0, max: d * block[i] - c0 }))))),
      ),
    ),
  );

/** x for spaceToBatchND: [batch, spatial..., rest...] with paddings that make each spatial axis divide. */
const spaceToBatchArgs = fc
  .tuple(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 2 }), fc.array(fc.integer({ min: 1, max: 3 }), { maxLength: 1 }))
  .chain(([block, rest]) =>
    fc.tuple(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: block.length, maxLength: block.length }), fc.array(fc.nat(2), { minLength: block.length, maxLength: block.length })).chain(([spatial, before]) =>
      fc.tuple(
        tensorOf([2, ...spatial, ...rest]),
        fc.constant(block),
        fc.constant(spatial.map((d, i) => [before[i], (block[i] - ((d + before[i]) % block[i])) % block[i]])),
      ),
    ),
  );

/** x [rows, index tuple] for gatherND and the tuples into it. */
const gatherNDArgs = fc
  .integer({ min: 1, max: 3 })
  .chain(shapeOf)
  .chain((s) =>
    fc.tuple(fc.integer({ min: 1, max: s.length }), fc.integer({ min: 1, max: 3 })).chain(([k, n]) =>
      fc.tuple(tensorOf(s), fc.array(fc.tuple(...s.slice(0, k).map((d) => fc.nat(d - 1))), { minLength: n, maxLength: n }).map((rows) => int32([n, k], rows.flat()))),
    ),
  );

/** indices, updates and the shape scatterND scatters them into. */
const scatterArgs = fc
  .integer({ min: 1, max: 3 })
  .chain(shapeOf)
  .chain((s) =>
    fc.tuple(fc.integer({ min: 1, max: s.length }), fc.integer({ min: 1, max: 3 })).chain(([k, n]) =>
      fc.tuple(
        fc.array(fc.tuple(...s.slice(0, k).map((d) => fc.nat(d - 1))), { minLength: n, maxLength: n }).map((rows) => int32([n, k], rows.flat())),
        tensorOf([n, ...s.slice(k)]),
        fc.constant(s),
      ),
    ),
  );
const updatesShape = (v: unknown[]) => shapeOfArg(v[1]);

/** Rank-specific forms: x of that rank and the rest of the arguments. */
function ranked(op: string, rank: number, rest: (s: number[]) => Gen<unknown[]>, call: (...args: unknown[]) => unknown, params: Param[]): Entry {
  return {
    name: `tf.${op}${rank}d`,
    params: [tensorParam('x', wrongRank(...[1, 2, 3, 4].filter((r) => r !== rank))), ...params],
    args: shapeOf(rank).chain((s) => fc.tuple(tensorOf(s), rest(s)).map(([t, more]) => [t, ...more])),
    call,
  };
}

export const layoutEntries: Entry[] = [
  // ---- views ----
  {
    name: 'tf.reshape',
    params: [
      tensorParam('x'),
      {
        name: 'shape',
        bad: [
          badOf('wrong size', (v) => fc.constant([size(shapeOfArg(v[0])) + 1])),
          bad('two -1s', [-1, -1]),
          bad('a dim below -1', [-2, 1]),
          ...shape.filter((b) => b.kind !== 'negative dim'),
          ...missing,
        ],
      },
    ],
    args: fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => fc.tuple(tensorOf(s), fc.constantFrom([size(s)], [-1], [...s].reverse()))),
    call: (x, s) => tf.reshape(x, s),
  },
  { name: 'tf.expandDims', params: [tensorParam('x'), { name: 'axis', bad: newAxisOf(0) }], args: ofRank(0, 3, false).chain((t) => fc.tuple(fc.constant(t), fc.integer({ min: -rankOf(t) - 1, max: rankOf(t) }))), call: (x, a) => tf.expandDims(x, a) },
  {
    name: 'tf.squeeze',
    params: [
      tensorParam('x'),
      {
        name: 'axis',
        bad: [
          badOf('an axis of size > 1', (v) => fc.constant([shapeOfArg(v[0]).findIndex((d) => d > 1)]), { when: (v) => shapeOfArg(v[0]).some((d) => d > 1) }),
          badOf('out of range', (v) => fc.constantFrom(rankOf(v[0]), [-rankOf(v[0]) - 1])),
          badOf('non-integer', fc.constantFrom(0.5, [0.5])),
          ...wrongType('number', 'array'),
        ],
      },
    ],
    args: ofRank(1, 3, false).chain((t) => fc.tuple(fc.constant(t), fc.constantFrom(undefined, [], shapeOfArg(t).flatMap((d, i) => (d === 1 ? [i] : []))))),
    call: (x, a) => tf.squeeze(x, a),
  },

  // ---- re-layouts ----
  {
    name: 'tf.transpose',
    params: [tensorParam('x'), { name: 'perm', bad: [...intArray(1), badOf('a repeated axis', (v) => fc.constant((v[1] as number[]).map(() => 0)), { when: (v) => (v[1] as number[]).length > 1 })] }, { name: 'conjugate', bad: wrongType('boolean') }],
    args: ofRank(0, 4, false).chain((t) => fc.tuple(fc.constant(t), permutation(rankOf(t)), fc.constantFrom(undefined, false))),
    call: (x, p, c) => tf.transpose(x, p, c),
  },
  {
    name: 'tf.broadcastTo',
    params: [
      tensorParam('x'),
      {
        name: 'shape',
        bad: [
          badOf('a dim that does not fit', (v) => fc.constant((v[1] as number[]).map((d, i, all) => (i === all.length - 1 ? d + 1 : d))), { when: (v) => shapeOfArg(v[0]).at(-1)! > 1 }),
          badOf('fewer dims than x', (v) => fc.constant((v[1] as number[]).slice(0, rankOf(v[0]) - 1)), { when: (v) => rankOf(v[0]) > 0 }),
          ...shape,
          ...missing,
        ],
      },
    ],
    args: broadcastArgs,
    call: (x, s) => tf.broadcastTo(x, s),
  },
  {
    name: 'tf.tile',
    params: [tensorParam('x'), { name: 'reps', bad: [...intArray(1), badOf('huge', (v) => fc.constant((v[1] as number[]).map(() => 2 ** 20)), { when: (v) => (v[1] as number[]).length >= 2, mentions: ['bytes'] }), ...missing] }],
    args: ofRank(0, 3, false).chain((t) => fc.tuple(fc.constant(t), fc.array(fc.integer({ min: 1, max: 3 }), { minLength: rankOf(t), maxLength: rankOf(t) }))),
    call: (x, r) => tf.tile(x, r),
  },
  {
    name: 'tf.reverse',
    params: [tensorParam('x'), { name: 'axis', bad: [...axisOf(0, ['array']), badOf('a repeated axis', fc.constant([0, 0])), badOf('an axis out of range in a list', (v) => fc.constant([rankOf(v[0])]))] }],
    args: ofRank(1, 3, false).chain((t) => fc.tuple(fc.constant(t), fc.constantFrom(undefined, 0, -1, [0], []))),
    call: (x, a) => tf.reverse(x, a),
  },
  ranked('reverse', 1, () => fc.constant([]), (x) => tf.reverse1d(x as tf.Tensor), []),
  ...[2, 3, 4].map((r) => ranked('reverse', r, () => fc.constantFrom([undefined], [0], [[0, r - 1]]), (x, a) => [tf.reverse2d, tf.reverse3d, tf.reverse4d][r - 2](x as tf.Tensor, a as number), [{ name: 'axis', bad: axisOf(0, ['array']) }])),

  // ---- cuts ----
  {
    name: 'tf.slice',
    params: [
      tensorParam('x', badOf('a scalar', fc.constant(tensorR([], [1])), { mentions: ['rank', 'scalar'] })),
      { name: 'begin', bad: [...intArray(1, { lengthMatters: false, numberToo: true }), badOf('past the end', (v) => fc.constant(shapeOfArg(v[0]).map((d) => d + 1)), { mentions: ['begin', 'past'] }), badOf('one entry too many', (v) => fc.constant([...(v[1] as number[]), 0])), ...missing] },
      { name: 'size', bad: [...intArray(2, { min: -1, lengthMatters: false, numberToo: true }), badOf('past the end', (v) => fc.constant(shapeOfArg(v[0]).map((d) => d + 1)), { mentions: ['size', 'past'] }), badOf('one entry too many', (v) => fc.constant([...(v[2] as number[]), 1]))] },
    ],
    args: sliceArgs,
    call: (x, b, s) => tf.slice(x, b, s),
  },
  ranked('slice', 1, (s) => fc.nat(s[0]).map((b) => [b, s[0] - b]), (x, b, n) => tf.slice1d(x as tf.Tensor, b as number, n as number), [{ name: 'begin', bad: ranged(() => 0, (v) => shapeOfArg(v[0])[0]) }, { name: 'size', bad: [...ranged(() => -1, (v) => shapeOfArg(v[0])[0] - (v[1] as number)), ...missing.slice(1)] }]),
  ...[2, 3, 4].map((r) =>
    ranked('slice', r, (s) => fc.constant([s.map(() => 0), s]), (x, b, n) => [tf.slice2d, tf.slice3d, tf.slice4d][r - 2](x as tf.Tensor, b as number[], n as number[]), [
      { name: 'begin', bad: [...intArray(1, { lengthMatters: false, numberToo: true }), ...missing] },
      { name: 'size', bad: intArray(2, { min: -1, lengthMatters: false, numberToo: true }) },
    ]),
  ),
  {
    name: 'tf.stridedSlice',
    params: [
      tensorParam('x'),
      { name: 'begin', bad: [...intArray(1, { min: -Infinity }), ...missing] },
      { name: 'end', bad: [...intArray(2, { min: -Infinity }), ...missing] },
      { name: 'strides', bad: [...intArray(3, { min: -Infinity }), badOf('a zero stride', (v) => fc.constant((v[3] as number[]).map(() => 0)))] },
      { name: 'beginMask', bad: integer({ min: 0 }) },
      { name: 'endMask', bad: integer({ min: 0 }) },
      { name: 'ellipsisMask', bad: [...integer({ min: 0 }), bad('two bits', 3, 5)] },
      { name: 'newAxisMask', bad: integer({ min: 0 }) },
      { name: 'shrinkAxisMask', bad: integer({ min: 0 }) },
    ],
    args: ofRank(1, 3, false).chain((t) =>
      fc
        .tuple(...shapeOfArg(t).map((d) => fc.tuple(fc.nat(d - 1), fc.nat(d), fc.constantFrom(1, 2, -1))))
        .map((axes) => [t, axes.map(([b]) => b), axes.map(([, e]) => e), axes.map(([, , s]) => s), undefined, undefined, undefined, undefined, undefined]),
    ),
    call: (x, b, e, s, bm, em, el, na, sa) => tf.stridedSlice(x, b, e, s, bm, em, el, na, sa),
  },
  {
    name: 'tf.split',
    params: [
      tensorParam('x'),
      {
        name: 'numOrSizeSplits',
        bad: [
          badOf('a count that does not divide', (v) => fc.constant(shapeOfArg(v[0]).at(v[2] as number)! + 1)),
          bad('zero', 0),
          badOf('sizes that do not add up', (v) => fc.constant([shapeOfArg(v[0]).at(v[2] as number)! + 1])),
          bad('two -1s', [-1, -1]),
          bad('a size below -1', [-2, 3]),
          bad('non-integer', 1.5, [0.5]),
          bad('NaN', NaN),
          bad('hostile array', circular, deep),
          ...wrongType('number', 'array'),
          ...missing,
        ],
      },
      { name: 'axis', bad: axisOf(0) },
    ],
    args: splitArgs,
    call: (x, n, a) => tf.split(x, n, a),
  },
  { name: 'tf.unstack', params: [tensorParam('x', badOf('a scalar', fc.constant(tensorR([], [1])))), { name: 'axis', bad: axisOf(0) }], args: ofRank(1, 3).chain((t) => fc.tuple(fc.constant(t), fc.integer({ min: -rankOf(t), max: rankOf(t) - 1 }))), call: (x, a) => tf.unstack(x, a) },

  // ---- joins ----
  {
    name: 'tf.concat',
    params: [
      {
        name: 'tensors',
        bad: [
          badOf('a shape that does not match', (v) => fc.constant([...(v[0] as unknown[]), tensorR(joinedShape(v).map((d, i) => (i === v[1] ? d : d + 1)), new Array<number>(size(joinedShape(v).map((d, i) => (i === v[1] ? d : d + 1)))).fill(1))]), {
            when: (v) => joinedShape(v).length > 1,
          }),
          badOf('a rank that does not match', (v) => fc.constant([...(v[0] as unknown[]), tensorR([1, 1, 1, 1], [1])])),
          badOf('a disposed tensor among them', (v) => fc.constant([...(v[0] as unknown[]), disposedR(joinedShape(v))]), { mentions: ['disposed'] }),
          badOf('something else among them', (v) => fc.constantFrom([...(v[0] as unknown[]), 'x'], [...(v[0] as unknown[]), {}])),
          bad('empty', []),
          badOf('not an array', fc.constantFrom(5, 'x', {}, new Float32Array(2))),
          bad('Symbol', Symbol('bad')),
          ...missing,
        ],
      },
      { name: 'axis', bad: axisOf(0, []).map((b) => ({ ...b, value: (v: unknown[]) => b.value([(v[0] as unknown[])[0], v[1]]) })) },
    ],
    args: concatArgs,
    call: (t, a) => tf.concat(t, a),
  },
  ...[1, 2, 3, 4].map(
    (r): Entry => ({
      name: `tf.concat${r}d`,
      params: [{ name: 'tensors', bad: [badOf('wrong rank', fc.constant([tensorR(new Array<number>(r === 1 ? 2 : 1).fill(1), [1])]), { mentions: ['rank'] }), bad('empty', []), ...missing] }, ...(r === 1 ? [] : [{ name: 'axis', bad: ranged(() => -r, () => r - 1) }])],
      args: shapeOf(r).chain((s) => fc.tuple(fc.tuple(tensorOf(s), tensorOf(s)), fc.constant(0))),
      call: (t, a) => [tf.concat1d, tf.concat2d, tf.concat3d, tf.concat4d][r - 1](t, a),
    }),
  ),
  {
    name: 'tf.stack',
    params: [
      {
        name: 'tensors',
        bad: [
          badOf('a shape that does not match', (v) => fc.constant([...(v[0] as unknown[]), tensorR([...shapeOfArg((v[0] as unknown[])[0]), 2], new Array<number>(2 * size(shapeOfArg((v[0] as unknown[])[0]))).fill(1))])),
          badOf('another dtype', (v) => fc.constant([...(v[0] as unknown[]), int32(shapeOfArg((v[0] as unknown[])[0]), new Array<number>(size(shapeOfArg((v[0] as unknown[])[0]))).fill(1))]), { mentions: ['dtype'] }),
          bad('empty', []),
          badOf('not an array', fc.constantFrom(5, 'x', {})),
          ...missing,
        ],
      },
      { name: 'axis', bad: ranged((v) => -rankOf((v[0] as unknown[])[0]) - 1, (v) => rankOf((v[0] as unknown[])[0])) },
    ],
    args: fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => fc.tuple(fc.array(tensorOf(s), { minLength: 1, maxLength: 3 }), fc.integer({ min: -s.length - 1, max: s.length }))),
    call: (t, a) => tf.stack(t, a),
  },

  // ---- padding ----
  {
    name: 'tf.pad',
    params: [
      tensorParam('x', badOf('a scalar', fc.constant(tensorR([], [1])), { mentions: ['rank', 'scalar'] })),
      { name: 'paddings', bad: pairs(1, [badOf('huge', (v) => fc.constant((v[1] as unknown[]).map(() => [2 ** 15, 2 ** 15])), { when: (v) => (v[1] as unknown[]).length >= 2, mentions: ['bytes'] })]) },
      { name: 'constantValue', bad: wrongType('number', 'boolean') },
    ],
    args: paddingArgs(false).chain(([t, p]) => fc.tuple(fc.constant(t), fc.constant(p), fc.constantFrom(undefined, 0, -1.5, NaN))),
    call: (x, p, c) => tf.pad(x, p, c),
  },
  ranked('pad', 1, () => fc.constant([[1, 2]]), (x, p) => tf.pad1d(x as tf.Tensor, p as [number, number]), [{ name: 'paddings', bad: [bad('not a pair', [1], [1, 2, 3]), bad('negative', [-1, 0]), ...wrongType('array'), ...missing] }]),
  ...[2, 3, 4].map((r) => ranked('pad', r, (s) => fc.constant([s.map(() => [1, 0])]), (x, p) => [tf.pad2d, tf.pad3d, tf.pad4d][r - 2](x as tf.Tensor, p as never), [{ name: 'paddings', bad: pairs(1) }])),
  {
    name: 'tf.mirrorPad',
    params: [
      tensorParam('x', badOf('a scalar', fc.constant(tensorR([], [1])), { mentions: ['rank', 'scalar'] })),
      { name: 'paddings', bad: pairs(1, [badOf('wider than x', (v) => fc.constant((v[1] as Array<[number, number]>).map((p, i) => (i === 0 ? [shapeOfArg(v[0])[0] + 1, p[1]] : p))))]) },
      { name: 'mode', bad: [...name(['reflect', 'symmetric']), ...missing] },
    ],
    args: paddingArgs(true).chain(([t, p]) => fc.tuple(fc.constant(t), fc.constant(p), fc.constantFrom('reflect', 'symmetric'))),
    call: (x, p, m) => tf.mirrorPad(x, p, m),
  },

  // ---- block moves ----
  {
    name: 'tf.batchToSpaceND',
    params: [
      tensorParam('x'),
      { name: 'blockShape', bad: [...intArray(1, { min: 1, lengthMatters: false }), bad('empty', []), badOf('a product that does not divide the batch', (v) => fc.constant((v[1] as number[]).map((b, i) => (i === 0 ? shapeOfArg(v[0])[0] + 1 : b)))), ...missing] },
      { name: 'crops', bad: pairs(2, [badOf('more than the axis spans', (v) => fc.constant((v[2] as Array<[number, number]>).map((p, i) => (i === 0 ? [100, 0] : p))))]) },
    ],
    args: batchToSpaceArgs,
    call: (x, b, c) => tf.batchToSpaceND(x, b, c),
  },
  {
    name: 'tf.spaceToBatchND',
    params: [
      tensorParam('x'),
      { name: 'blockShape', bad: [...intArray(1, { min: 1, lengthMatters: false }), bad('empty', []), ...missing] },
      { name: 'paddings', bad: pairs(2, [badOf('an axis that does not divide', (v) => fc.constant((v[2] as Array<[number, number]>).map((p, i) => (i === 0 ? [p[0], p[1] + 1] : p))), { when: (v) => (v[1] as number[])[0] > 1, mentions: ['blockShape'] })]) },
    ],
    args: spaceToBatchArgs,
    call: (x, b, p) => tf.spaceToBatchND(x, b, p),
  },
  {
    name: 'tf.depthToSpace',
    params: [
      tensorParam('x', wrongRank(3)),
      { name: 'blockSize', bad: [...integer({ min: 2 }), badOf('channels that do not divide', (v) => fc.constant((v[1] as number) + 1)), ...missing] },
      { name: 'dataFormat', bad: name(['NHWC', 'NCHW']) },
    ],
    args: fc.tuple(fc.integer({ min: 2, max: 3 }), fc.integer({ min: 1, max: 2 })).chain(([b, c]) => fc.tuple(tensorOf([1, 2, 1, b * b * c]), fc.constant(b), fc.constantFrom(undefined, 'NHWC'))),
    call: (x, b, f) => tf.depthToSpace(x, b, f),
  },
  {
    name: 'tf.meshgrid',
    params: [
      { name: 'x', bad: [...notTensorLike.filter((b) => b.kind !== 'undefined'), disposed] },
      { name: 'y', bad: [...notTensorLike.filter((b) => b.kind !== 'undefined'), disposed] },
      { name: 'options', bad: notOptions(), options: { keys: { indexing: [...name(['xy', 'ij']), ...missing.slice(1)] } } },
    ],
    args: fc.tuple(ofRank(1, 1), ofRank(1, 2), fc.constantFrom(undefined, {}, { indexing: 'ij' })),
    call: (x, y, o) => tf.meshgrid(x, y, o),
  },

  // ---- indexing ----
  {
    name: 'tf.gather',
    params: [
      tensorParam('x', badOf('a scalar', fc.constant(tensorR([], [1])), { mentions: ['rank', 'scalar'] })),
      { name: 'indices', bad: indexKinds((v) => shapeOfArg(v[0]).at(v[2] as number)!) },
      { name: 'axis', bad: axisOf(0) },
      { name: 'batchDims', bad: [bad('beyond the rank of indices', 5, -5), badOf('non-integer', fc.constant(0.5)), bad('NaN', NaN), bad('Infinity', Infinity), ...wrongType('number')] },
    ],
    args: ofRank(1, 3, false).chain((t) =>
      fc.nat(rankOf(t) - 1).chain((axis) => fc.tuple(fc.constant(t), fc.array(fc.nat(shapeOfArg(t)[axis] - 1), { maxLength: 4 }).map((i) => int32([i.length], i)), fc.constantFrom(axis, axis - rankOf(t)), fc.constantFrom(undefined, 0))),
    ),
    call: (x, i, a, b) => tf.gather(x, i, a, b),
  },
  {
    name: 'tf.gatherND',
    params: [
      tensorParam('x'),
      {
        name: 'indices',
        bad: [
          badOf('a coordinate out of range', (v) => fc.constant(int32([1, 1], [shapeOfArg(v[0])[0]])), { mentions: ['indices'] }),
          badOf('tuples longer than x has axes', (v) => fc.constant(int32([1, rankOf(v[0]) + 1], new Array<number>(rankOf(v[0]) + 1).fill(0)))),
          badOf('a scalar', fc.constant(int32([], [0]))),
          float32Indices,
          ...notTensorLike,
          disposed,
        ],
      },
    ],
    args: gatherNDArgs,
    call: (x, i) => tf.gatherND(x, i),
  },
  {
    name: 'tf.scatterND',
    params: [
      { name: 'indices', bad: [badOf('a coordinate out of range', (v) => fc.constant(int32([updatesShape(v)[0], 1], new Array<number>(updatesShape(v)[0]).fill((v[2] as number[])[0]))), { mentions: ['indices'] }), float32Indices, ...notTensorLike, disposed] },
      { name: 'updates', bad: [badOf('a shape that does not fit', (v) => fc.constant(tensorR([updatesShape(v)[0] + 1], new Array<number>(updatesShape(v)[0] + 1).fill(1)))), badOf('a scalar', fc.constant(tensorR([], [1]))), ...notTensorLike, disposed] },
      { name: 'shape', bad: [badOf('one dim too few', (v) => fc.constant((v[2] as number[]).slice(1))), ...shape.filter((b) => b.kind !== 'past 4 GiB'), ...missing] },
    ],
    args: scatterArgs,
    call: (i, u, s) => tf.scatterND(i, u, s),
  },
  {
    name: 'tf.tensorScatterUpdate',
    params: [
      tensorParam('tensor', badOf('a scalar', fc.constant(tensorR([], [1])))),
      { name: 'indices', bad: [badOf('a coordinate out of range', (v) => fc.constant(int32([updatesShape(v.slice(1))[0], 1], new Array<number>(updatesShape(v.slice(1))[0]).fill(shapeOfArg(v[0])[0]))), { mentions: ['indices'] }), float32Indices, ...notTensorLike, disposed] },
      { name: 'updates', bad: [badOf('another dtype', (v) => fc.constant(int32(shapeOfArg(v[2]), new Array<number>(size(shapeOfArg(v[2]))).fill(1))), { mentions: ['dtype'] }), badOf('a shape that does not fit', fc.constant(tensorR([1, 1, 1, 1, 1], [1]))), ...notTensorLike, disposed] },
    ],
    args: scatterArgs.map(([i, u, s]) => [tensorR(s as number[], new Array<number>(size(s as number[])).fill(1)), i, u]),
    call: (t, i, u) => tf.tensorScatterUpdate(t, i, u),
  },
  {
    name: 'tf.oneHot',
    params: [
      { name: 'indices', bad: [float32Indices, badOf('non-integer values', fc.constant([0.5])), disposed, ...notTensorLike] },
      { name: 'depth', bad: [...integer({ min: 2, huge: true }), ...missing] },
      { name: 'onValue', bad: number() },
      { name: 'offValue', bad: number() },
      {
        name: 'dtype',
        valid: fc.constantFrom(undefined, 'int32', 'float32'),
        bad: [badOf('unknown dtype', fc.constantFrom('float64', 'int8', 'float', 'int', 'Float32', '')), bad('unsupported dtype', 'string', 'complex64'), ...wrongType('string')],
      },
    ],
    args: fc
      .integer({ min: 2, max: 5 })
      .chain((depth) =>
        fc.tuple(
          fc.array(fc.integer({ min: -1, max: depth }), { maxLength: 4 }).chain((labels) => fc.constantFrom<unknown>(labels, int32([labels.length], labels), int32([2, 2], [0, 1, 1, 0]))),
          fc.constant(depth),
          fc.constantFrom(undefined, 1, 5),
          fc.constantFrom(undefined, 0, -1),
          fc.constantFrom(undefined, 'int32', 'float32'),
        ),
      ),
    call: (i, d, on, off, dt) => tf.oneHot(i, d, on, off, dt),
  },

  // ---- data-dependent shapes ----
  {
    name: 'tf.whereAsync',
    async: true,
    params: [{ name: 'condition', bad: [badOf('a float32 tensor', fc.constant(tensorR([2], [1, 0])), { mentions: ['dtype', 'bool'] }), ...notTensorLike, disposed] }],
    args: fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => fc.tuple(nested(s, fc.boolean() as unknown as Gen<number>))),
    call: (c) => tf.whereAsync(c),
  },
  {
    name: 'tf.booleanMaskAsync',
    async: true,
    params: [
      tensorParam('tensor'),
      {
        name: 'mask',
        bad: [
          badOf('a shape that does not match', (v) => fc.constant(new Array<boolean>(shapeOfArg(v[0])[0] + 1).fill(true))),
          badOf('a scalar', fc.constant(true)),
          badOf('a float32 tensor', (v) => fc.constant(tensorR([shapeOfArg(v[0])[0]], new Array<number>(shapeOfArg(v[0])[0]).fill(1))), { mentions: ['dtype', 'bool'] }),
          ...notTensorLike,
          disposed,
        ],
      },
      { name: 'axis', bad: [...ranged(() => 0, (v) => rankOf(v[0]) - 1)] },
    ],
    args: ofRank(1, 3, false).chain((t) => fc.tuple(fc.constant(t), fc.array(fc.boolean(), { minLength: shapeOfArg(t)[0], maxLength: shapeOfArg(t)[0] }), fc.constantFrom(undefined, 0))),
    call: (t, m, a) => tf.booleanMaskAsync(t, m, a),
  },
  {
    name: 'tf.setdiff1dAsync',
    async: true,
    params: [
      tensorParam('x', badOf('rank 2', fc.constant(tensorR([1, 2], [1, 2])), { mentions: ['rank'] })),
      tensorParam('y', badOf('rank 2', fc.constant(tensorR([1, 2], [1, 2])), { mentions: ['rank'] }), badOf('another dtype', fc.constant(int32([2], [1, 2])), { mentions: ['dtype'] })),
    ],
    args: fc.tuple(fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 5 }), fc.array(fc.integer({ min: 0, max: 5 }), { maxLength: 3 })),
    call: (x, y) => tf.setdiff1dAsync(x, y),
  },
];
