// Fuzz catalogue entries for the initializers the catalogue's first entries leave out (constant, truncatedNormal,
// identity, orthogonal) and an initializer's apply, and for tf.constraints and a constraint's apply
// (src/initializers.ts, src/constraints.ts): options of the wrong kind, shapes an initializer cannot fill, axes
// that are not integers or lie outside the weight.

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { bad, badOf, disposedR, missing, notOptions, notTensor, number, seed, shape, tensorOf, tensorR, wrongType } from './arbitraries.js';
import type { Bad, Entry, Gen } from './harness.js';

type Namespace = 'initializers' | 'constraints';

/** tf.initializers.name(args) or tf.constraints.name(args): one options object with these keys. */
function factory(namespace: Namespace, name: string, keys: Record<string, Bad[]>, valid: Gen, param = 'args', extra: Bad[] = []): Entry {
  const make = (tf[namespace] as unknown as Record<string, (a: unknown) => unknown>)[name];
  return { name: `tf.${namespace}.${name}`, params: [{ name: param, valid, bad: [...notOptions(), ...extra], options: { keys } }], call: (a) => make(a) };
}

/** Valid options: any subset of the keys, each from its values. */
const subset = (values: Record<string, readonly unknown[]>) => fc.record(Object.fromEntries(Object.entries(values).map(([k, v]) => [k, fc.constantFrom(...v)])), { requiredKeys: [] });

const axis: Bad[] = [
  bad('not an integer', 1.5, NaN, Infinity, -0.5),
  bad('an array of non-integers', [0.5], ['0'], [null], [0, 1.5], [, 1]),
  ...wrongType('number', 'array'),
];

const DTYPES: Bad[] = [badOf('unknown dtype', fc.constantFrom('float64', 'int8', 'float', '')), bad('unsupported dtype', 'string', 'complex64'), ...wrongType('string')];
const dims = (rank: number, min = 0) => fc.array(fc.integer({ min, max: 4 }), { minLength: rank, maxLength: rank });
const className = (v: unknown[]) => (v[0] as { className: string }).className;

/** An initializer with a shape it can fill, and a dtype. */
const applyArgs = fc.oneof(
  fc.tuple(
    fc.constantFrom(tf.initializers.heNormal({ seed: 1 }), tf.initializers.zeros(), tf.initializers.constant({ value: 2 }), tf.initializers.randomUniform(), tf.initializers.truncatedNormal({ seed: 2 }), tf.initializers.varianceScaling({ mode: 'fanAvg' })),
    fc.integer({ min: 0, max: 3 }).chain((r) => dims(r)),
  ),
  fc.tuple(fc.constant(tf.initializers.identity({ gain: 2 })), fc.integer({ min: 0, max: 4 }).map((n) => [n, n])),
  fc.tuple(fc.constant(tf.initializers.orthogonal({ seed: 3 })), fc.integer({ min: 2, max: 3 }).chain((r) => dims(r, 1))),
).chain(([init, s]) => fc.tuple(fc.constant(init), fc.constant(s), fc.constantFrom(undefined, 'float32')));

const CONSTRAINTS = [tf.constraints.maxNorm({ axis: 1 }), tf.constraints.unitNorm({ axis: 0 }), tf.constraints.minMaxNorm({ axis: -1 }), tf.constraints.nonNeg(), tf.constraints.maxNorm({ axis: [0, 1] })];
/** Whether a constraint's axis lies outside a rank-1 weight. */
const beyondRank1 = (v: unknown[]) => {
  const a = (v[0] as tf.Constraint).getConfig().axis;
  return a === 1 || Array.isArray(a);
};

export const initEntries: Entry[] = [
  factory('initializers', 'constant', { value: number() }, fc.record({ value: fc.constantFrom(0, 1.5, -2) }), 'args', [{ ...bad('without a value', undefined, null, {}), mentions: ['value'] }]),
  factory('initializers', 'truncatedNormal', { mean: number(), stddev: number({ min: 0 }), seed }, subset({ mean: [0, 1], stddev: [0.05, 1], seed: [1, null] })),
  factory('initializers', 'identity', { gain: number() }, subset({ gain: [1, -2] })),
  factory('initializers', 'orthogonal', { gain: number(), seed }, subset({ gain: [1, 0.5], seed: [7, null] })),
  {
    name: 'initializer.apply',
    prefixes: ['apply', 'identity', 'orthogonal'],
    params: [
      { name: 'initializer' },
      {
        name: 'shape',
        bad: [
          ...shape,
          ...missing,
          badOf('not square, for identity', fc.constantFrom([2, 3], [3], [2, 2, 2]), { when: (v) => className(v) === 'Identity', mentions: ['square'] }),
          badOf('rank below 2, for orthogonal', fc.constantFrom([3], []), { when: (v) => className(v) === 'Orthogonal', mentions: ['rank'] }),
        ],
      },
      { name: 'dtype', bad: DTYPES },
    ],
    args: applyArgs,
    call: (init, s, dtype) => init.apply(s, dtype),
  },
  factory('constraints', 'maxNorm', { maxValue: number({ min: 0 }), axis }, subset({ maxValue: [0, 2, 3.5], axis: [0, 1, -1, [0, 1]] })),
  factory('constraints', 'unitNorm', { axis }, subset({ axis: [0, -1, [1]] })),
  { name: 'tf.constraints.nonNeg', params: [], call: () => tf.constraints.nonNeg() },
  factory(
    'constraints',
    'minMaxNorm',
    { minValue: [...number({ min: 0 }), badOf('above maxValue', (v) => fc.constant(((v[0] as { maxValue?: number } | undefined)?.maxValue ?? 1) + 0.5))], maxValue: number({ min: 0 }), rate: number({ min: 0, max: 1 }), axis },
    subset({ minValue: [0, 0.5], maxValue: [1, 2], rate: [0, 0.5, 1], axis: [0, -1] }),
    'config',
  ),
  {
    name: 'constraint.apply',
    prefixes: ['maxNorm', 'unitNorm', 'minMaxNorm', 'nonNeg'],
    params: [
      { name: 'constraint' },
      {
        name: 'w',
        bad: [
          ...notTensor,
          badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] }),
          bad('int32 tensor', tensorR([2, 2], [1, 2, 3, 4], 'int32')),
          badOf('rank 1, below the axis', tensorOf([3]), { when: beyondRank1, mentions: ['axis'] }),
        ],
      },
    ],
    args: fc.tuple(fc.constantFrom(...CONSTRAINTS), fc.integer({ min: 2, max: 3 }).chain((r) => dims(r, 1)).chain((s) => tensorOf(s))),
    call: (c, w) => c.apply(w),
  },
];
