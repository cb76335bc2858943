// Fuzz catalogue entries for the unary math and activation family (src/ops/unary.ts, activations.ts) beyond the
// ones catalogue.ts lists: each x with the kinds of bad value TF.js refuses too (dtypes included), and the
// parameters of step, clipByValue, prelu and logSoftmax.

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { badOf, disposedR, integer, missing, nested, notTensorLike, number, shapeOf, shapeOfNested, tensorOf, tensorR, wrongType } from './arbitraries.js';
import { type Bad, type Entry, type Gen, Recipe } from './harness.js';

/** Ops TF.js runs on float32 x only. */
const FLOAT_ONLY = ['rsqrt', 'floor', 'ceil', 'sin', 'cos', 'tan', 'cosh'] as const;
/** Ops that take x of every dtype. */
const ANY_DTYPE = ['sign', 'reciprocal', 'expm1', 'log1p', 'round', 'asin', 'acos', 'atan', 'sinh', 'asinh', 'acosh', 'atanh', 'isNaN', 'isFinite', 'isInf', 'relu6', 'logSigmoid'] as const;

const disposed = badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] });
const int32 = badOf('int32 tensor', fc.constant(tensorR([2], [1, 0], 'int32')), { mentions: ['dtype', 'float32'] });
const boolTensor = badOf('bool tensor', fc.constant(new Recipe("tf.tensor([true, false])", (env) => env.tensor(tf.tensor([true, false])))), { mentions: ['dtype'] });

/** A float32 tensor or nested numbers of rank 0 to 3. */
const tensorLike = fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => fc.oneof(tensorOf(s), nested(s)));
const shapeOfArg = (v: unknown): number[] => (v instanceof Recipe ? (v.info as { shape: number[] }).shape : shapeOfNested(v));

const x = (...more: Bad[]) => ({ name: 'x', valid: tensorLike, bad: [...notTensorLike, disposed, ...more] });

/** Alpha of a shape that does not broadcast against x's: one of x's dims (not 1) plus one. */
const noBroadcast = badOf('shape that does not broadcast', (v) => tensorOf(shapeOfArg(v[0]).map((d, i, s) => (i === s.findIndex((e) => e !== 1) ? d + 1 : d))), {
  when: (v) => shapeOfArg(v[0]).some((d) => d !== 1),
  mentions: ['shapes', 'broadcast'],
});

const bound = (other: number, beyond: 'above' | 'below'): Bad[] => [
  badOf('NaN', fc.constant(NaN)),
  badOf(`${beyond} the other bound`, (v) => fc.constant((v[other] as number) + (beyond === 'above' ? 1 : -1)), { when: (v) => Number.isFinite(v[other]), mentions: ['clipValueMin', 'clipValueMax'] }),
  ...wrongType('number'),
  ...missing,
];

/** softmax and logSoftmax: logits of rank 1 to 3 and the axis, which must be the last. */
const lastAxisOnly = (op: 'softmax' | 'logSoftmax', axis: string): Entry => ({
  name: `tf.${op}`,
  params: [
    { name: 'logits', bad: [...notTensorLike, disposed] },
    {
      name: axis,
      bad: [
        badOf('not the last axis', fc.constant(0), { when: (v) => shapeOfArg(v[0]).length >= 2 }),
        badOf('out of range', (v) => fc.constantFrom(shapeOfArg(v[0]).length, -shapeOfArg(v[0]).length - 1, 5)),
        ...integer({ min: -1 }).filter((b) => !b.kind.startsWith('below')),
      ],
    },
  ],
  args: fc
    .integer({ min: 1, max: 3 })
    .chain(shapeOf)
    .chain((s): Gen<unknown[]> => fc.tuple(fc.oneof(tensorOf(s), nested(s)), fc.constantFrom(undefined, -1, s.length - 1))),
  call: (t, a) => tf[op](t, a),
});

export const unaryEntries: Entry[] = [
  ...FLOAT_ONLY.map((op): Entry => ({ name: `tf.${op}`, params: [x(int32)], call: (t) => tf[op](t) })),
  ...ANY_DTYPE.map((op): Entry => ({ name: `tf.${op}`, params: [x()], call: (t) => tf[op](t) })),
  { name: 'tf.erf', params: [x(boolTensor)], call: (t) => tf.erf(t) },
  {
    name: 'tf.logicalNot',
    params: [{ name: 'x', valid: fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => nested(s)), bad: [...notTensorLike, disposed, badOf('float32 or int32 tensor', fc.constantFrom(tensorR([2], [1, 0]), tensorR([2], [1, 0], 'int32')), { mentions: ['dtype', 'bool'] })] }],
    call: (t) => tf.logicalNot(t),
  },
  {
    name: 'tf.step',
    params: [x(), { name: 'alpha', valid: fc.constantFrom(undefined, 0, 0.5, -1), bad: number() }],
    call: (t, a) => tf.step(t, a),
  },
  {
    name: 'tf.clipByValue',
    params: [x(), { name: 'clipValueMin', bad: bound(2, 'above') }, { name: 'clipValueMax', bad: bound(1, 'below') }],
    args: fc.tuple(tensorLike, fc.constantFrom(-Infinity, -2, 0), fc.constantFrom(0.5, 3, Infinity)),
    call: (t, lo, hi) => tf.clipByValue(t, lo, hi),
  },
  {
    name: 'tf.prelu',
    params: [x(), { name: 'alpha', bad: [...notTensorLike, disposed, noBroadcast] }],
    args: fc
      .integer({ min: 1, max: 3 })
      .chain(shapeOf)
      .chain((s) => fc.tuple(fc.oneof(tensorOf(s), nested(s)), fc.constantFrom(s, [], s.slice(-1)).chain((a) => fc.oneof(tensorOf(a), nested(a))))),
    call: (t, a) => tf.prelu(t, a),
  },
  lastAxisOnly('softmax', 'dim'),
  lastAxisOnly('logSoftmax', 'axis'),
];
