// Fuzz catalogue entries for the matrix, linalg, creation, random and util family (src/ops/matrix.ts, linalg.ts,
// creation.ts, random.ts, src/util.ts, src/tensor/buffer.ts, src/timing.ts): each parameter with the kinds of bad
// value TF.js refuses too, or that neurite refuses on purpose (NaN sizes, non-boolean flags, locations outside a
// buffer), and shapes that do not fit together.

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { bad, badOf, disposedR, flag, integer, missing, notFunction, notTensorLike, number, seed, shape, shapeOf, size, tensorOf, tensorR, type TensorInfo, wrongType } from './arbitraries.js';
import { type Bad, type Entry, type Gen, type Param, Recipe } from './harness.js';

const disposed = badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] });
const infoOf = (r: unknown) => (r as Recipe<TensorInfo>).info as TensorInfo;

const DTYPES: Bad[] = [badOf('unknown dtype', fc.constantFrom('float64', 'int8', 'float', '')), bad('unsupported dtype', 'string', 'complex64'), ...wrongType('string')];
const dtype = (valid: Gen = fc.constantFrom(undefined, 'float32'), extra: Bad[] = []): Param => ({ name: 'dtype', valid, bad: [...DTYPES, ...extra] });
/** Shapes of random tensors: dims 0 to 4, rank 0 to 3. */
const shapeParam: Param = { name: 'shape', valid: fc.integer({ min: 0, max: 3 }).chain((r) => fc.array(fc.integer({ min: 0, max: 4 }), { minLength: r, maxLength: r })), bad: [...shape, ...missing] };
/**
 * Bad shapes, less arrays with holes, which src/validate.ts's checkShape lets through today ([, 2].every skips
 * the hole), so that only an allocation failing by chance refuses them.
 */
const SHAPES = shape.filter((b) => b.kind !== 'array with holes');
const seedParam: Param = { name: 'seed', valid: fc.option(fc.nat(), { nil: undefined }), bad: seed };

/** A tensor of the shape with one dim (`axis`, from the end when negative) grown by one. */
const grown = (s: number[], axis: number) => tensorOf(s.map((d, i) => (i === (axis + s.length) % s.length ? d + 1 : d)));

/** Vectors and matrices whose inner dims agree, as dot takes them. */
const dotArgs = fc
  .tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
  .chain(([r1, r2, m, k, n]) => fc.tuple(tensorOf(r1 === 1 ? [k] : [m, k]), tensorOf(r2 === 1 ? [k] : [k, n])));

/** A buffer of shape [2, 3] with its values, for the method entries. */
const bufferR = new Recipe('tf.buffer([2, 3])', () => tf.buffer([2, 3], 'float32', new Float32Array([1, 2, 3, 4, 5, 6])));

/** A coordinate of a [2, 3] buffer along `axis`: outside it, not an integer, not a number. */
const loc = (axis: 0 | 1): Param => ({
  name: `locs[${axis}]`,
  valid: fc.nat(axis === 0 ? 1 : 2),
  bad: [...integer({ min: 0, max: axis === 0 ? 1 : 2 }), ...missing].map((b) => ({ ...b, mentions: ['locs'] })),
});

/** A shuffleable array: a plain array, or a typed array. */
const array = fc.oneof(fc.array(fc.integer(), { maxLength: 6 }), fc.array(fc.integer({ min: -9, max: 9 }), { maxLength: 6 }).map((v) => new Float32Array(v)));
const notArray: Bad[] = [badOf('not an array', fc.constantFrom('abc', 5, {}, { length: 2 }, new Map())), bad('Symbol', Symbol('bad')), bad('BigInt', 3n), ...missing];

export const matrixEntries: Entry[] = [
  // ---- products ----
  {
    name: 'tf.dot',
    params: [
      { name: 't1', bad: [...notTensorLike, disposed, badOf('rank 3', tensorOf([2, 2, 2])), badOf('inner dims that do not match', (v) => grown(infoOf(v[0]).shape, -1), { mentions: ['inner'] })] },
      { name: 't2', bad: [...notTensorLike, disposed, badOf('rank 3', tensorOf([2, 2, 2])), badOf('inner dims that do not match', (v) => grown(infoOf(v[1]).shape, 0), { mentions: ['inner'] })] },
    ],
    args: dotArgs,
    call: (a, b) => tf.dot(a, b),
  },
  {
    name: 'tf.outerProduct',
    params: ['v1', 'v2'].map((name) => ({ name, bad: [...notTensorLike, disposed, badOf('rank 2', tensorOf([2, 2])), bad('a number', 3)] })),
    args: fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 4 })).chain(([m, n]) => fc.tuple(tensorOf([m]), tensorOf([n]))),
    call: (a, b) => tf.outerProduct(a, b),
  },
  {
    name: 'tf.einsum',
    params: [
      {
        name: 'equation',
        bad: [
          bad('no arrow', 'ij,jk', 'ijjk'),
          bad('two arrows', 'ij,jk->ik->i'),
          bad('a repeated label', 'ii,jk->ik', 'ij,jk->ii'),
          bad('ellipsis', '...j,jk->ik'),
          bad('not letters', 'i1,jk->ik', 'ij;jk->ik'),
          bad('three inputs', 'ij,jk,kl->il'),
          bad('an output label no input has', 'ij,jk->iz'),
          bad('axes that do not fit the tensors', 'ijk,jk->ik', 'i,jk->ik'),
          ...wrongType('string'),
          ...missing,
        ].map((b) => ({ ...b, mentions: ['equation', 'subscripts', 'label', 'output'] })),
      },
      { name: 'tensors[0]', bad: [...notTensorLike, disposed, badOf('dims that do not match', (v) => grown(infoOf(v[1]).shape, 1), { mentions: ['label'] })] },
      { name: 'tensors[1]', bad: [...notTensorLike, disposed, badOf('dims that do not match', (v) => grown(infoOf(v[2]).shape, 0), { mentions: ['label'] })] },
    ],
    args: fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 })).chain(([m, k, n]) => fc.tuple(fc.constant('ij,jk->ik'), tensorOf([m, k]), tensorOf([k, n]))),
    call: (e, a, b) => tf.einsum(e, a, b),
  },

  // ---- creation ----
  {
    name: 'tf.eye',
    params: [
      // Sizes from 1: a huge count of columns is bad only with rows to hold them.
      { name: 'numRows', valid: fc.integer({ min: 1, max: 4 }), bad: [...integer({ min: 0, huge: true }), ...missing] },
      { name: 'numColumns', valid: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }), bad: integer({ min: 0, huge: true }) },
      {
        name: 'batchShape',
        valid: fc.option(fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), { nil: undefined }),
        bad: [...SHAPES.map((b) => ({ ...b, mentions: ['shape'] })), bad('no dims', []), bad('four dims', [1, 1, 1, 1])],
      },
      dtype(fc.constantFrom(undefined, 'float32', 'int32', 'bool')),
    ],
    call: (r, c, b, d) => tf.eye(r, c, b, d),
  },
  {
    name: 'tf.range',
    params: [
      { name: 'start', valid: fc.integer({ min: -5, max: 5 }), bad: [...number(), ...missing] },
      { name: 'stop', valid: fc.integer({ min: -5, max: 5 }), bad: [...number(), ...missing] },
      { name: 'step', valid: fc.constantFrom(undefined, 1, 0.5, -2), bad: [bad('zero', 0), ...number()] },
      dtype(fc.constantFrom(undefined, 'float32', 'int32'), [bad('bool', 'bool')]),
    ],
    call: (a, b, s, d) => tf.range(a, b, s, d),
  },
  {
    name: 'tf.linspace',
    params: [
      { name: 'start', valid: fc.integer({ min: -5, max: 5 }), bad: [...number(), ...missing] },
      { name: 'stop', valid: fc.integer({ min: -5, max: 5 }), bad: [...number(), ...missing] },
      { name: 'num', valid: fc.integer({ min: 1, max: 9 }), bad: [...integer({ min: 1, huge: true }), ...missing] },
    ],
    call: (a, b, n) => tf.linspace(a, b, n),
  },

  // ---- random ----
  {
    name: 'tf.randomStandardNormal',
    params: [shapeParam, dtype(fc.constantFrom(undefined, 'float32', 'int32'), [bad('bool', 'bool')]), seedParam],
    call: (s, d, sd) => tf.randomStandardNormal(s, d, sd),
  },
  {
    name: 'tf.randomUniformInt',
    params: [
      shapeParam,
      { name: 'minval', valid: fc.integer({ min: -5, max: 0 }), bad: [...number({ min: -(2 ** 31) }), ...missing] },
      { name: 'maxval', valid: fc.integer({ min: 1, max: 9 }), bad: [...number({ max: 2 ** 31 }), ...missing, bad('not above minval', -10)] },
      seedParam,
    ],
    call: (s, lo, hi, sd) => tf.randomUniformInt(s, lo, hi, sd),
  },
  {
    name: 'tf.randomGamma',
    params: [
      shapeParam,
      { name: 'alpha', valid: fc.constantFrom(0.5, 1, 3), bad: [...number({ min: 0, minOpen: true }), ...missing] },
      { name: 'beta', valid: fc.constantFrom(undefined, 1, 2), bad: number({ min: 0, minOpen: true }) },
      dtype(fc.constantFrom(undefined, 'float32', 'int32'), [bad('bool', 'bool')]),
      seedParam,
    ],
    call: (s, a, b, d, sd) => tf.randomGamma(s, a, b, d, sd),
  },
  {
    name: 'tf.multinomial',
    params: [
      { name: 'logits', valid: fc.integer({ min: 2, max: 4 }).chain((n) => fc.oneof(tensorOf([n]), tensorOf([2, n]))), bad: [...notTensorLike, disposed, badOf('rank 3', tensorOf([1, 2, 2])), bad('one outcome', [1], [[2]])] },
      { name: 'numSamples', valid: fc.nat(5), bad: [...integer({ min: 0, huge: true }), ...missing] },
      seedParam,
      { name: 'normalized', valid: fc.constantFrom(undefined, true, false), bad: flag },
    ],
    call: (l, n, s, z) => tf.multinomial(l, n, s, z),
  },

  // ---- linalg ----
  {
    name: 'tf.linalg.bandPart',
    params: [
      { name: 'a', valid: fc.integer({ min: 2, max: 3 }).chain(shapeOf).chain((s) => tensorOf(s)), bad: [...notTensorLike, disposed, badOf('rank 1', tensorOf([3]))] },
      ...(['numLower', 'numUpper'] as const).map(
        (name): Param => ({
          name,
          valid: fc.integer({ min: -1, max: 1 }),
          bad: [
            badOf('non-integer', fc.constantFrom(0.5, -1.5)),
            bad('NaN', NaN),
            bad('past the matrix', 5, 100),
            badOf('a float32 or vector tensor', fc.constantFrom(tensorR([], [1]), tensorR([2], [1, 1], 'int32'))),
            disposed,
            ...wrongType('number'),
            ...missing,
          ],
        }),
      ),
    ],
    call: (a, l, u) => tf.linalg.bandPart(a, l, u),
  },
  {
    name: 'tf.linalg.gramSchmidt',
    params: [
      {
        name: 'xs',
        valid: fc.integer({ min: 1, max: 3 }).chain((n) => fc.oneof(tensorOf([n, 3]), fc.array(tensorOf([3]), { minLength: n, maxLength: n }))),
        bad: [
          badOf('more vectors than dims', tensorOf([3, 2])),
          badOf('vectors of other lengths', fc.constant([tensorR([2], [1, 2]), tensorR([3], [1, 2, 3])])),
          bad('an empty array', []),
          badOf('rank 3', tensorOf([1, 2, 2])),
          bad('string', 'x'),
          bad('Symbol', Symbol('bad')),
          disposed,
          ...missing,
        ],
      },
    ],
    call: (xs) => tf.linalg.gramSchmidt(xs),
  },
  {
    name: 'tf.linalg.qr',
    params: [
      { name: 'x', valid: fc.integer({ min: 2, max: 3 }).chain(shapeOf).chain((s) => tensorOf(s)), bad: [...notTensorLike, disposed, badOf('rank 1', tensorOf([3]))] },
      { name: 'fullMatrices', valid: fc.constantFrom(undefined, true, false), bad: flag },
    ],
    call: (x, f) => tf.linalg.qr(x, f),
  },

  // ---- buffers ----
  {
    name: 'tf.buffer',
    params: [
      { name: 'shape', bad: [...SHAPES, ...missing] },
      dtype(fc.constantFrom(undefined, 'float32', 'int32', 'bool')),
      {
        name: 'values',
        bad: [
          badOf('the wrong count', (v) => fc.constant(new Float32Array(size(v[0] as number[]) + 1))),
          badOf('not an array', fc.constantFrom('abcd', 5, {}, new Map())),
          bad('Symbol', Symbol('bad')),
        ],
      },
    ],
    args: fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => fc.tuple(fc.constant(s), fc.constant('float32'), fc.option(fc.constant(new Float32Array(size(s))), { nil: undefined }))),
    call: (s, d, v) => tf.buffer(s, d, v),
  },
  {
    name: 'buffer.set',
    prefixes: ['TensorBuffer.set'],
    params: [
      { name: 'buffer', valid: fc.constant(bufferR) },
      { name: 'value', valid: fc.constantFrom(1, -2.5, true), bad: [...wrongType('number', 'boolean'), ...missing] },
      loc(0),
      loc(1),
    ],
    call: (b, v, i, j) => b.set(v, i, j),
  },
  {
    name: 'buffer.get',
    prefixes: ['TensorBuffer.get'],
    params: [{ name: 'buffer', valid: fc.constant(bufferR) }, loc(0), loc(1)],
    call: (b, i, j) => b.get(i, j),
  },

  // ---- tf.util and timing ----
  { name: 'tf.util.shuffle', params: [{ name: 'array', valid: array, bad: notArray }], call: (a) => tf.util.shuffle(a) },
  {
    name: 'tf.util.shuffleCombo',
    params: [
      { name: 'array', bad: notArray },
      { name: 'array2', bad: [...notArray, badOf('another length', (v) => fc.constant(new Array((v[0] as unknown[]).length + 1).fill(0)))] },
    ],
    args: fc.nat(5).chain((n) => fc.tuple(fc.array(fc.integer(), { minLength: n, maxLength: n }), fc.array(fc.integer(), { minLength: n, maxLength: n }))),
    call: (a, b) => tf.util.shuffleCombo(a, b),
  },
  { name: 'tf.util.createShuffledIndices', params: [{ name: 'n', valid: fc.nat(9), bad: [...integer({ min: 0, max: 2 ** 30 }), ...missing] }], call: (n) => tf.util.createShuffledIndices(n) },
  { name: 'tf.time', async: true, params: [{ name: 'f', valid: fc.constant(() => {}), bad: notFunction }], call: (f) => tf.time(f) },
  { name: 'tf.profile', async: true, params: [{ name: 'f', valid: fc.constant(() => null), bad: notFunction }], call: (f) => tf.profile(f) },
];
