// Fuzz catalogue entries for the elementwise binary, comparison and logic family (src/ops/arithmetic.ts,
// compare.ts, logic.ts): each operand with the kinds of bad value TF.js refuses too, and shapes that do not
// broadcast against the other operands.

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { bad, badOf, disposedR, missing, nested, notTensorLike, shapeOf, shapeOfNested, size, tensorOf, tensorR, wrongType } from './arbitraries.js';
import { type Bad, type Entry, type Gen, type Param, Recipe } from './harness.js';

const ARITHMETIC = ['divNoNan', 'floorDiv', 'mod', 'squaredDifference', 'maximum', 'minimum', 'atan2'] as const;
const COMPARISONS = ['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const;
const LOGIC = ['logicalAnd', 'logicalOr', 'logicalXor'] as const;

const disposed = badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] });

/** A bool tensor of the given values. */
function boolTensorR(shape: number[], values: boolean[]): Recipe<{ shape: number[] }> {
  return new Recipe(`tf.tensor(${fc.stringify(values)}, ${fc.stringify(shape)}, 'bool')`, (env) => env.tensor(tf.tensor(values, shape, 'bool')), { shape });
}

/** Bool operands of this shape: a bool tensor, or nested booleans (nested() draws numbers: 0 and 1 become them). */
const bools = (shape: number[]): Gen =>
  fc.oneof(fc.array(fc.boolean(), { minLength: size(shape), maxLength: size(shape) }).map((v) => boolTensorR(shape, v)), nested(shape, fc.boolean().map(Number)).map(asBooleans));

function asBooleans(values: unknown): unknown {
  return Array.isArray(values) ? values.map(asBooleans) : values !== 0;
}

/** Numeric operands of this shape: a float32 tensor, nested arrays, or a number for a scalar. */
const numbers = (shape: number[]): Gen => fc.oneof(tensorOf(shape), nested(shape));

const shapeOfArg = (v: unknown): number[] => (v instanceof Recipe ? (v.info as { shape: number[] }).shape : shapeOfNested(v));

/** The broadcast of some shapes (valid ones: they broadcast). */
function broadcast(shapes: number[][]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => Math.max(...shapes.map((s) => s[s.length - rank + i] ?? 1)));
}

/**
 * Operands that broadcast, one per maker: one shape of rank 1 to 3, each operand of that shape, a scalar or
 * its last axis (one of them the whole shape).
 */
function operands(...makers: Array<(shape: number[]) => Gen>): Gen<unknown[]> {
  return fc
    .integer({ min: 1, max: 3 })
    .chain(shapeOf)
    .chain((s) => fc.tuple(...makers.map((_, i) => (i === 0 ? fc.constant(s) : fc.constantFrom(s, [], s.slice(-1))))))
    .chain((shapes) => fc.shuffledSubarray(shapes, { minLength: shapes.length, maxLength: shapes.length }))
    .chain((shapes) => fc.tuple(...shapes.map((shape, i) => makers[i](shape))));
}

/** A shape that does not broadcast against the other operands' (`at` is the bad one): one of its dims plus one. */
function noBroadcast(at: number, make: (shape: number[]) => Gen = tensorOf): Bad {
  const others = (v: unknown[]) => broadcast(v.filter((_, i) => i !== at).map(shapeOfArg));
  return badOf('shape that does not broadcast', (v) => {
    const s = others(v);
    const i = s.findIndex((d) => d !== 1);
    return make(s.map((d, j) => (j === i ? d + 1 : d)));
  }, { when: (v) => others(v).some((d) => d !== 1), mentions: ['shapes', 'broadcast'] });
}

const numeric = (name: string, at: number): Param => ({ name, bad: [...notTensorLike, disposed, noBroadcast(at)] });

/** A tensor of a dtype a logical op refuses. */
const notBool = badOf('float32 or int32 tensor', fc.constantFrom(tensorR([2], [1, 0]), tensorR([2], [1, 0], 'int32')), { mentions: ['dtype', 'bool'] });
const logical = (name: string, at: number): Param => ({ name, bad: [...notTensorLike, disposed, notBool, noBroadcast(at, (s) => bools(s))] });

/** A list of tensors addN refuses: the caller's tensors, and one disposed before the call when `gone`. */
const listOf = (kind: string, mentions: string[], second: () => tf.Tensor, gone = false) =>
  badOf(
    kind,
    fc.constant(
      new Recipe(`[tf.ones([2]), ${kind}]`, (env) => {
        const other = second();
        if (gone) other.dispose();
        return [env.tensor(tf.ones([2])), gone ? other : env.tensor(other)];
      }),
    ),
    { mentions },
  );

export const binaryEntries: Entry[] = [
  ...[...ARITHMETIC, ...COMPARISONS].map(
    (op): Entry => ({
      name: `tf.${op}`,
      params: [numeric('a', 0), numeric('b', 1)],
      args: operands(numbers, numbers),
      call: (a, b) => tf[op](a, b),
    }),
  ),
  {
    name: 'tf.pow',
    params: [numeric('base', 0), numeric('exp', 1)],
    args: operands(numbers, numbers),
    call: (base, exp) => tf.pow(base, exp),
  },
  ...LOGIC.map(
    (op): Entry => ({
      name: `tf.${op}`,
      params: [logical('a', 0), logical('b', 1)],
      args: operands(bools, bools),
      call: (a, b) => tf[op](a, b),
    }),
  ),
  {
    name: 'tf.where',
    params: [logical('condition', 0), numeric('a', 1), numeric('b', 2)],
    args: operands(bools, numbers, numbers),
    call: (c, a, b) => tf.where(c, a, b),
  },
  {
    name: 'tf.addN',
    params: [
      {
        name: 'tensors',
        valid: fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => fc.array(numbers(s), { minLength: 1, maxLength: 4 })),
        bad: [
          ...wrongType('array'),
          ...missing,
          bad('empty list', []),
          listOf('a tensor of another shape', ['shape', 'shapes'], () => tf.ones([3])),
          listOf('a tensor of another dtype', ['dtype'], () => tf.ones([2], 'int32')),
          listOf('a disposed tensor', ['disposed'], () => tf.ones([2]), true),
          bad('not tensor-like values in the list', [[1], 'x'], [[1], { length: 1 }], [[1], null]),
        ],
      },
    ],
    call: (t) => tf.addN(t),
  },
];

