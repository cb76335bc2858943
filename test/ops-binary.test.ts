// The elementwise binary, comparison and logic family: divNoNan, floorDiv, mod, pow, squaredDifference, maximum,
// minimum, atan2, addN, the comparisons, logicalAnd/Or/Xor and where, with add/sub/mul/div. Values, dtypes and
// errors against TF.js on awkward shapes, broadcasts and special values, gradients against central differences
// (and TF.js's where central differences do not apply), on both backends; then the strided kernels on every
// build against f64 references, SIMD bodies, tails and strides included.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { Binary } from '../src/backend/kernels.js';
import { expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { BUILDS, SIZES, backendFor, freeAll, get, getInt, onBackend, put, putInt, randomData } from './support.js';

type Lib = typeof tf;
type Pair = [number[], number[]];

const ARITHMETIC = ['add', 'sub', 'mul', 'div', 'divNoNan', 'floorDiv', 'mod', 'pow', 'squaredDifference', 'maximum', 'minimum', 'atan2'] as const;
const COMPARISONS = ['equal', 'notEqual', 'greater', 'greaterEqual', 'less', 'lessEqual'] as const;
const LOGIC = ['logicalAnd', 'logicalOr', 'logicalXor'] as const;
const BINARY = [...ARITHMETIC, ...COMPARISONS] as const;

/** Operand shapes: equal, broadcast either way, scalars, SIMD bodies with tails, rank 6, empty. */
const PAIRS: Pair[] = [
  [[3], [3]],
  [[2, 3], [3]],
  [[2, 3], [2, 1]],
  [[4, 1, 3], [1, 5, 1]],
  [[1, 7], [17, 1]],
  [[2, 3, 4, 5], [3, 1, 5]],
  [[], [2, 2]],
  [[63], [63]],
  [[65], []],
  [[1], [257]],
  [[3, 17], [3, 1]],
  [[2, 1, 2, 1, 2, 1], [1, 2, 1, 2, 1, 2]],
  [[0, 3], [3]],
  [[2, 0], [1]],
];

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Small integers in [lo, hi] (zeros and ties included), as a tensor of the dtype. */
function ints(t: Lib, shape: number[], seed: number, lo = -9, hi = 9, dtype: 'float32' | 'int32' | 'bool' = 'int32'): tf.Tensor {
  const values = Array.from(randomData(size(shape), seed, lo, hi + 1), Math.floor);
  return t.tensor(dtype === 'bool' ? values.map((v) => v % 2 !== 0) : values, shape, dtype);
}

/** Each op's float32 operands: away from zero and kinks; pow's base positive. */
function floats(t: Lib, op: string, [sa, sb]: Pair): [tf.Tensor, tf.Tensor] {
  if (op === 'pow') return [sample(sa, 1, 0.2, 3, 0, t), sample(sb, 2, -3, 3, 0, t)];
  return [sample(sa, 1, -3, 3, 0.25, t), sample(sb, 2, -3, 3, 0.25, t)];
}

/** f(a, b) for a binary op by name, on either library. */
function call(t: Lib, op: (typeof BINARY)[number] | (typeof LOGIC)[number], a: unknown, b: unknown): tf.Tensor {
  return (t[op] as (a: unknown, b: unknown) => tf.Tensor)(a, b);
}

/** One of each special value, and a value of each sign: every pair of them, by broadcasting a column and a row. */
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1, -1, 2, -3, 0.5, 7, -7];

describe.each(['wasm', 'js'] as const)('binary ops on %s', (backend) => {
  onBackend(backend);

  it('computes every arithmetic op and comparison of float32 operands as TF.js does, broadcasting over any rank', async () => {
    for (const pair of PAIRS) {
      for (const op of BINARY) {
        await expectSameAsTfjs(`${op} [${pair[0]}] [${pair[1]}]`, (t) => call(t, op, ...floats(t, op, pair)));
      }
    }
  });

  it('compares ties, and pow takes negative bases to integer powers', async () => {
    for (const [sa, sb] of PAIRS.slice(0, 8)) {
      for (const op of COMPARISONS) await expectSameAsTfjs(`${op} ties [${sa}] [${sb}]`, (t) => call(t, op, ints(t, sa, 3, -2, 2, 'float32'), ints(t, sb, 4, -2, 2, 'float32')));
      await expectSameAsTfjs(`pow [${sa}] [${sb}]`, (t) => t.pow(ints(t, sa, 5, -4, 4, 'float32'), ints(t, sb, 6, -3, 4, 'float32')));
    }
  });

  it('keeps int32 operands int32 (comparisons bool), with TF.js\'s results for division by zero', async () => {
    for (const [sa, sb] of PAIRS) {
      for (const op of BINARY) {
        const [lo, hi] = op === 'pow' ? [-3, 6] : [-9, 9];
        await expectSameAsTfjs(`${op} int32 [${sa}] [${sb}]`, (t) => call(t, op, ints(t, sa, 7), ints(t, sb, 8, lo, hi)));
      }
    }
  });

  it('upcasts mixed dtypes as TF.js (bool < int32 < float32), taking numbers and arrays as operands', async () => {
    const dtypes = ['float32', 'int32', 'bool'] as const;
    for (const da of dtypes) {
      for (const db of dtypes) {
        for (const op of BINARY) {
          // TF.js keeps the sum or difference of two bools bool, storing 2 or 255 in it: neurite gives int32.
          if (da === 'bool' && db === 'bool' && (op === 'add' || op === 'sub')) continue;
          await expectSameAsTfjs(`${op} ${da} ${db}`, (t) => call(t, op, ints(t, [2, 3], 9, -5, 5, da), ints(t, [3], 10, -5, 5, db)));
        }
      }
    }
    for (const op of BINARY) {
      await expectSameAsTfjs(`${op} int32 and 2.5`, (t) => call(t, op, ints(t, [5], 11), 2.5));
      await expectSameAsTfjs(`${op} arrays`, (t) => call(t, op, [[1, -2, 3]], [2, 2, -2]));
      if (op !== 'add' && op !== 'sub') await expectSameAsTfjs(`${op} a boolean`, (t) => call(t, op, true, ints(t, [3], 12, -1, 1, 'bool')));
    }
    await expectSameAsTfjs('chained', (t) => [
      t.tensor1d([1, 4, 3]).divNoNan([0, 2, 1]),
      t.tensor1d([1, 4, 3]).floorDiv(2),
      t.tensor1d([1, 4, 3]).mod(2),
      t.tensor1d([1, 4, 3]).pow(2),
      t.tensor1d([1, 4, 3]).squaredDifference(2),
      t.tensor1d([1, 4, 3]).maximum(2),
      t.tensor1d([1, 4, 3]).minimum(2),
      t.tensor1d([1, 4, 3]).atan2(2),
      t.tensor1d([1, 4, 3]).equal(3),
      t.tensor1d([1, 4, 3]).notEqual(3),
      t.tensor1d([1, 4, 3]).greater(3),
      t.tensor1d([1, 4, 3]).greaterEqual(3),
      t.tensor1d([1, 4, 3]).less(3),
      t.tensor1d([1, 4, 3]).lessEqual(3),
    ]);
  });

  it('adds and subtracts two bools as int32 (TF.js keeps bool and stores 2 or 255)', () => {
    const [a, b] = [tf.tensor1d([true, false, true]), tf.tensor1d([true, true, false])];
    const [sum, difference] = [tf.add(a, b), tf.sub(a, b)];
    expect([sum.dtype, difference.dtype]).toEqual(['int32', 'int32']);
    expect([Array.from(sum.dataSync()), Array.from(difference.dataSync())]).toEqual([[2, 1, 1], [0, -1, 1]]);
    tf.dispose([a, b, sum, difference]);
  });

  it('follows TF.js on NaN, ±Infinity and ±0 in every pair of special values', async () => {
    for (const op of BINARY) {
      await expectSameAsTfjs(`${op} specials`, (t) => call(t, op, t.tensor(SPECIAL, [SPECIAL.length, 1]), t.tensor(SPECIAL, [1, SPECIAL.length])));
    }
    // The sign of a zero shows in 1 / x.
    await expectSameAsTfjs('signed zeros', (t) => [
      t.div(1, t.maximum([0, -0, -0], [-0, 0, -0])),
      t.div(1, t.minimum([0, -0, 0], [-0, 0, 0])),
      t.div(1, t.divNoNan([1, -1], [-0, 0])),
      t.div(1, t.mod([-4, 4, -0], [2, -2, 3])),
    ]);
  });

  it('wraps int32 as TF.js stores doubles in an Int32Array: overflow, -2^31 / -1, powers past 2^31', async () => {
    const extremes = [-(2 ** 31), 2 ** 31 - 1, -1, 0, 1, 7, -7];
    for (const op of ['add', 'sub', 'div', 'floorDiv', 'divNoNan', 'mod', 'maximum', 'minimum', 'atan2', ...COMPARISONS] as const) {
      await expectSameAsTfjs(`${op} int32 extremes`, (t) => call(t, op, t.tensor(extremes, [extremes.length, 1], 'int32'), t.tensor(extremes, [1, extremes.length], 'int32')));
    }
    await expectSameAsTfjs('int32 pow', (t) => t.pow(t.tensor([3, 2, -2, 0, 0, -1, 1, 5], [8], 'int32'), t.tensor([19, 31, 31, 0, -1, -3, -7, -1], [8], 'int32')));
    await expectSameAsTfjs('float32 floorDiv beyond int32', (t) => t.floorDiv([1e10, -1e10, 3e9, 7], [1, 1, 1, 0]));
  });

  it('combines bool tensors with logicalAnd, logicalOr and logicalXor, broadcasting, reading values as bools', async () => {
    for (const op of LOGIC) {
      await expectSameAsTfjs(`${op} truth table`, (t) => call(t, op, t.tensor([false, false, true, true]), t.tensor([false, true, false, true])));
      for (const [sa, sb] of [[[2, 1], [1, 3]], [[65], []], [[3, 1, 17], [1, 2, 17]], [[0], [1]]] as Pair[]) {
        await expectSameAsTfjs(`${op} [${sa}] [${sb}]`, (t) => call(t, op, ints(t, sa, 13, 0, 1, 'bool'), ints(t, sb, 14, 0, 1, 'bool')));
      }
      await expectSameAsTfjs(`${op} numbers read as bools`, (t) => call(t, op, [1, 0, 2, 0.2], [[1], [0]]));
      await expectSameAsTfjs(`${op} of a float32 tensor`, (t) => call(t, op, t.tensor([1, 0]), t.tensor([true, false])));
      await expectSameAsTfjs(`${op} of an int32 tensor`, (t) => call(t, op, t.tensor([true, false]), t.tensor([1, 0], [2], 'int32')));
      tf.tidy(() => expect(() => call(tf, op, tf.tensor([true]), [1, 0, 1])).not.toThrow());
    }
    await expectSameAsTfjs('chained', (t) => {
      const [a, b] = [t.tensor([false, false, true, true]), t.tensor([false, true, false, true])];
      return [a.logicalAnd(b), a.logicalOr(b), a.logicalXor(b)];
    });
  });

  it('where picks from a or b by a bool condition, broadcasting all three, upcasting a and b', async () => {
    const triples: Array<[number[], number[], number[]]> = [
      [[3], [3], [3]],
      [[3, 1], [1, 4], []],
      [[], [2, 3], [2, 3]],
      [[2, 3], [3], [2, 1]],
      [[2, 1, 3, 1], [1, 4, 1, 5], [5]],
      [[63], [63], [1]],
      [[65], [], [65]],
      [[257], [257], [257]],
      [[7, 1], [7, 9], [1, 9]],
    ];
    for (const [sc, sa, sb] of triples) {
      await expectSameAsTfjs(`where [${sc}] [${sa}] [${sb}]`, (t) => t.where(ints(t, sc, 15, 0, 1, 'bool'), sample(sa, 16, -1, 1, 0, t), sample(sb, 17, -1, 1, 0, t)));
    }
    for (const [da, db] of [['int32', 'float32'], ['int32', 'int32'], ['bool', 'bool'], ['bool', 'int32']] as const) {
      await expectSameAsTfjs(`where ${da} ${db}`, (t) => t.where(ints(t, [2, 3], 18, 0, 1, 'bool'), ints(t, [2, 3], 19, -5, 5, da), ints(t, [3], 20, -5, 5, db)));
    }
    await expectSameAsTfjs('where of arrays and numbers', (t) => t.where([1, 0, 2], [1, 2, 3], -1));
    await expectSameAsTfjs('where keeps NaN and signed zeros as they are', (t) => t.div(1, t.where([true, false, true], [-0, NaN, 0], [0, -0, NaN])));
    await expectSameAsTfjs('where chained', (t) => t.tensor1d([1, 2, 3]).where(t.tensor1d([false, false, true], 'bool'), t.tensor1d([-1, -2, -3])));
    await expectSameAsTfjs('where with a float32 condition', (t) => t.where(t.tensor([1, 0]), [1, 2], [3, 4]));
    await expectSameAsTfjs('where with shapes that do not broadcast', (t) => t.where(t.tensor([true, false, true]), t.zeros([2, 2]), 1));
    // TF.js gives shape [1, 3] here (its broadcastTo skips a 0 repeat).
    tf.tidy(() => expect(tf.where(tf.zeros([0, 3], 'bool'), tf.ones([3]), 1).shape).toEqual([0, 3]));
  });

  it('addN sums any number of tensors of one shape and dtype', async () => {
    for (const shape of [[], [3, 5], [65], [2, 0]]) {
      for (const count of [1, 2, 3, 7]) {
        await expectSameAsTfjs(`addN ${count} x [${shape}]`, (t) => t.addN(Array.from({ length: count }, (_, i) => sample(shape, 21 + i, -2, 2, 0, t))));
        await expectSameAsTfjs(`addN ${count} x [${shape}] int32`, (t) => t.addN(Array.from({ length: count }, (_, i) => ints(t, shape, 31 + i))));
      }
    }
    await expectSameAsTfjs('addN of arrays', (t) => t.addN([[1, 2], [3, 4], new Float32Array([5, 6])]));
    for (const bad of [[], [[1, 2], [1, 2, 3]], [tf.zeros([2]), tf.zeros([2], 'int32')]]) {
      await expectSameAsTfjs('addN refuses', (t) => t.addN(bad.map((x) => (x instanceof tf.Tensor ? t.zeros(x.shape, x.dtype) : x)) as tf.Tensor[]));
      tf.dispose(bad as tf.Tensor[]);
    }
    tf.tidy(() => {
      const bools = tf.addN([tf.tensor([true, false]), tf.tensor([true, true]), tf.tensor([true, false])]);
      expect([bools.dtype, Array.from(bools.dataSync())]).toEqual(['int32', [3, 1]]);
      const x = tf.tensor1d([1, 2]);
      tf.addN([x]).dispose();
      expect(Array.from(x.dataSync()), 'addN of one tensor copies it').toEqual([1, 2]);
    });
  });

  it('gradients match central differences, broadcasting included', () => {
    tf.tidy(() => {
      const [x, row, col] = [sample([3, 4], 3, -1, 1, 0.2), sample([4], 4, 0.5, 2), sample([3, 1], 5, 0.5, 2)];
      const positive = sample([3, 4], 6, 0.5, 2);
      expectGradient('divNoNan', (a, b) => tf.divNoNan(a, b), [x, row]);
      expectGradient('divNoNan broadcast a', (a, b) => tf.divNoNan(a, b), [col, row]);
      expectGradient('pow', (a, b) => tf.pow(a, b), [positive, sample([4], 7, -2, 2)]);
      expectGradient('pow int32 exponent', (a) => tf.pow(a, tf.scalar(3, 'int32')), [x]);
      expectGradient('squaredDifference', (a, b) => tf.squaredDifference(a, b), [x, row]);
      expectGradient('squaredDifference broadcast a', (a, b) => tf.squaredDifference(a, b), [col, x]);
      expectGradient('atan2', (a, b) => tf.atan2(a, b), [x, row]);
      expectGradient('atan2 negative b', (a, b) => tf.atan2(a, b), [col, tf.neg(positive)]);
      expectGradient('addN', (a, b, c) => tf.addN([a, b, c, a]), [x, positive, sample([3, 4], 8)]);
      // Values at least 0.05 apart, so that h = 0.01 never crosses a tie.
      const spread = tf.tensor([[-0.8, -0.2, 0.3, 0.9], [0.6, -0.7, 0.1, -0.4], [0.25, 0.75, -0.9, 0.45]]);
      const against = tf.tensor([0.1, 0, -0.2, 0.5]);
      expectGradient('maximum', (a, b) => tf.maximum(a, b), [spread, against]);
      expectGradient('minimum', (a, b) => tf.minimum(a, b), [spread, against]);
      expectGradient('minimum broadcast a', (a, b) => tf.minimum(a, b), [against, spread]);
      // Quotients away from whole numbers, so that h never crosses a jump of mod.
      const dividend = tf.tensor([[2.3, 2.5, -2.6], [-2.4, 0.5, -0.5]]);
      const divisor = tf.tensor([1.02, -1.03, 1.01]);
      expectGradient('mod', (a, b) => tf.mod(a, b), [dividend, divisor]);
      const condition = tf.tensor([[true], [false], [true]]);
      expectGradient('where', (a, b) => tf.where(condition, a, b), [x, row]);
      expectGradient('where broadcast a', (a, b) => tf.where(condition, a, b), [row, x]);
    });
  });

  it('gradients match TF.js: floorDiv (div\'s, as TF.js defines it), ties of maximum and minimum, second derivatives', async () => {
    const grads = (t: Lib, f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor, a: tf.Tensor, b: tf.Tensor) => t.grads(f)([a, b]);
    await expectSameAsTfjs('floorDiv', (t) => grads(t, (a, b) => t.floorDiv(a, b), t.tensor([[5, -3], [2, 7]]), t.tensor([2, -4])));
    await expectSameAsTfjs('maximum ties', (t) => grads(t, (a, b) => t.maximum(a, b), t.tensor([1, 2, 3, NaN]), t.tensor([1, 3, 2, 1])));
    await expectSameAsTfjs('minimum ties', (t) => grads(t, (a, b) => t.minimum(a, b), t.tensor([1, 2, 3, NaN]), t.tensor([1, 3, 2, 1])));
    await expectSameAsTfjs('mod', (t) => grads(t, (a, b) => t.mod(a, b), t.tensor([5, -5, 7.5, -7.5]), t.tensor([3, 3, -2, -2])));
    await expectSameAsTfjs('pow', (t) => grads(t, (a, b) => t.pow(a, b), t.tensor([2, 0.5, -2, 0]), t.tensor([3, -1, 2, 2])));
    await expectSameAsTfjs('squaredDifference', (t) => grads(t, (a, b) => t.squaredDifference(a, b), t.tensor([2, 0.5]), t.tensor([3, -1])));
    await expectSameAsTfjs('atan2', (t) => grads(t, (a, b) => t.atan2(a, b), t.tensor([2, 0.5, -1]), t.tensor([3, -1, 0])));
    await expectSameAsTfjs('where', (t) => t.grads((a: tf.Tensor, b: tf.Tensor) => t.where(t.tensor([true, false, true]), a, b))([t.tensor([1, 2, 3]), t.tensor([4, 5, 6])]));
    await expectSameAsTfjs('addN', (t) => t.grads((a: tf.Tensor, b: tf.Tensor) => t.addN([a, b, a]).square())([t.tensor([1, 2]), t.tensor([3, 4])]));
    await expectSameAsTfjs('pow, second derivative', (t) => t.grad((x: tf.Tensor) => t.grad((y: tf.Tensor) => y.pow(t.scalar(3, 'int32')))(x))(t.tensor1d([2, 3])));
    await expectSameAsTfjs('maximum, second derivative', (t) => t.grad((x: tf.Tensor) => t.grad((y: tf.Tensor) => t.maximum(y.square(), 1))(x))(t.tensor1d([2, 0.5, -3])));
    await expectSameAsTfjs('mod, second derivative in b', (t) => t.grad((b: tf.Tensor) => t.grad((y: tf.Tensor) => t.mod(t.tensor1d([5, -5]), y).mul(y))(b))(t.tensor1d([3, 3])));
  });

  it('comparisons and logic have no gradient (a value computed through them does not depend on x), but greaterEqual has zeros, as in TF.js', async () => {
    const x = tf.tensor1d([1, 2]);
    expect(() => tf.grad((v: tf.Tensor) => tf.greater(v, 1).cast('float32'))(x)).toThrow(/grad: .*does not depend on x/);
    x.dispose();
    await expectSameAsTfjs('greaterEqual', (t) => t.grad((v: tf.Tensor) => t.greaterEqual(v, 1))(t.tensor1d([0, 1, 2])));
    await expectSameAsTfjs('greaterEqual broadcast', (t) => t.grads((a: tf.Tensor, b: tf.Tensor) => t.greaterEqual(a, b))([t.tensor2d([[0, 2], [3, -1]]), t.tensor1d([1])]));
    await expectSameAsTfjs('greaterEqual int32 against float32', (t) => t.grads((a: tf.Tensor, b: tf.Tensor) => t.greaterEqual(a, b).cast('float32').add(b))([t.tensor1d([0, 2], 'int32'), t.tensor1d([1, 1])]));
  });

  it('refuses bad arguments with an Error that names the op and the argument', async () => {
    for (const op of BINARY) await expectSameAsTfjs(`${op} shapes that do not broadcast`, (t) => call(t, op, t.zeros([2, 3]), t.zeros([2])));
    tf.tidy(() => refuseBadArguments());
  });
});

/** The messages of bad calls (the tensors they make are left to the caller's tidy). */
function refuseBadArguments(): void {
  for (const op of BINARY) {
    expect(() => call(tf, op, tf.zeros([2, 3]), tf.zeros([4]))).toThrow(new RegExp(`^${op}: operands could not be broadcast together with shapes \\[2,3\\] and \\[4\\]`));
    const first = op === 'pow' ? 'base' : 'a';
    const second = op === 'pow' ? 'exp' : 'b';
    expect(() => call(tf, op, 'x', 1)).toThrow(new RegExp(`^${op}: ${first} must be`));
    expect(() => call(tf, op, 1, [1, 'y'])).toThrow(new RegExp(`^${op}: ${second}\\[1\\] must be a number`));
    const gone = tf.zeros([2]);
    gone.dispose();
    expect(() => call(tf, op, gone, 1)).toThrow(new RegExp(`^${op}: ${first} is disposed`));
  }
  for (const op of LOGIC) {
    expect(() => call(tf, op, tf.tensor([true]), tf.zeros([1]))).toThrow(new RegExp(`^${op}: b must have dtype bool, got float32`));
    expect(() => call(tf, op, tf.zeros([2], 'int32'), [true])).toThrow(new RegExp(`^${op}: a must have dtype bool, got int32`));
  }
  expect(() => tf.where(tf.zeros([2]), 1, 2)).toThrow(/^where: condition must have dtype bool, got float32/);
  expect(() => tf.where([true], 'x' as unknown as number, 2)).toThrow(/^where: a must be/);
  expect(() => tf.where([true, false], [1, 2, 3], 2)).toThrow(/^where: operands could not be broadcast/);
  expect(() => tf.addN([])).toThrow(/^addN: tensors must hold at least one tensor/);
  expect(() => tf.addN(tf.zeros([2]) as unknown as tf.Tensor[])).toThrow(/^addN: tensors must be an array of tensors/);
  expect(() => tf.addN([tf.zeros([2]), tf.zeros([3])])).toThrow(/^addN: tensors\[1\] and tensors\[0\]: shapes \[3\] and \[2\] must match/);
  expect(() => tf.addN([tf.zeros([2]), tf.zeros([2], 'int32')])).toThrow(/^addN: tensors\[1\] has dtype int32, but tensors\[0\] has float32/);
  expect(() => tf.addN([[1], 'x'] as unknown as tf.Tensor[])).toThrow(/^addN: tensors\[1\] must be/);
}

// ---- the kernels, on every build ----

const f = Math.fround;

/** TF.js's mod in doubles. */
function floorMod(a: number, b: number): number {
  const rem = a % b;
  return (a < 0 && b < 0) || (a >= 0 && b >= 0) ? rem : (rem + b) % b;
}

/** Each code with its reference in f64 (rounded as the output dtype stores it) and whether it is exact. */
interface Reference {
  name: string;
  code: Binary;
  int: boolean;
  /** The operands' values: f32, or i32 in [lo, hi]. */
  lo: number;
  hi: number;
  value: (a: number, b: number) => number;
  /** Within two f32 ulps (a libm routine) rather than exact. */
  ulps?: boolean;
}

const float = (name: keyof typeof Binary, value: (a: number, b: number) => number, ulps = false): Reference => ({ name, code: Binary[name], int: false, lo: -4, hi: 4, value, ulps });
const int = (name: keyof typeof Binary, value: (a: number, b: number) => number, lo = -9, hi = 9): Reference => ({ name, code: Binary[name], int: true, lo, hi, value });

const REFERENCES: Reference[] = [
  float('Add', (a, b) => f(a + b)),
  float('Sub', (a, b) => f(a - b)),
  float('Mul', (a, b) => f(a * b)),
  float('Div', (a, b) => f(a / b)),
  float('Maximum', Math.max),
  float('Minimum', Math.min),
  float('SquaredDifference', (a, b) => f(f(a - b) * f(a - b))),
  float('DivNoNan', (a, b) => (b === 0 ? 0 : f(a / b))),
  float('Mod', (a, b) => f(floorMod(a, b))),
  float('Pow', (a, b) => f(Math.pow(a, b)), true),
  float('Atan2', (a, b) => f(Math.atan2(a, b)), true),
  float('FloorDiv', (a, b) => Math.floor(a / b) | 0),
  float('Equal', (a, b) => +(a === b)),
  float('NotEqual', (a, b) => +(a !== b)),
  float('Greater', (a, b) => +(a > b)),
  float('GreaterEqual', (a, b) => +(a >= b)),
  float('Less', (a, b) => +(a < b)),
  float('LessEqual', (a, b) => +(a <= b)),
  int('AddInt', (a, b) => (a + b) | 0, -(2 ** 31), 2 ** 31 - 1),
  int('SubInt', (a, b) => (a - b) | 0, -(2 ** 31), 2 ** 31 - 1),
  int('MulInt', Math.imul, -(2 ** 31), 2 ** 31 - 1),
  int('FloorDivInt', (a, b) => Math.floor(a / b) | 0),
  int('MaximumInt', Math.max, -(2 ** 31), 2 ** 31 - 1),
  int('MinimumInt', Math.min, -(2 ** 31), 2 ** 31 - 1),
  int('SquaredDifferenceInt', (a, b) => Math.imul((a - b) | 0, (a - b) | 0), -(2 ** 31), 2 ** 31 - 1),
  int('ModInt', (a, b) => floorMod(a, b) | 0),
  int('PowInt', (a, b) => Math.pow(a, b) | 0, -3, 9),
  int('Atan2Int', (a, b) => Math.atan2(a, b) | 0),
  int('EqualInt', (a, b) => +(a === b)),
  int('NotEqualInt', (a, b) => +(a !== b)),
  int('GreaterInt', (a, b) => +(a > b)),
  int('GreaterEqualInt', (a, b) => +(a >= b)),
  int('LessInt', (a, b) => +(a < b)),
  int('LessEqualInt', (a, b) => +(a <= b)),
  int('LogicalAnd', (a, b) => a & b, 0, 1),
  int('LogicalOr', (a, b) => a | b, 0, 1),
  int('LogicalXor', (a, b) => a ^ b, 0, 1),
];

/** Operand values: random in the reference's range, with special values (and ties) every few elements. */
function operandValues(ref: Reference, n: number, seed: number): number[] {
  const values = Array.from(randomData(n, seed, ref.lo, ref.hi + (ref.int ? 1 : 0)), (v) => (ref.int ? Math.floor(v) : v));
  const specials = ref.int ? [0, 1, -1, ref.lo, ref.hi].filter((v) => v >= ref.lo && v <= ref.hi) : [NaN, Infinity, -Infinity, 0, -0, 1, -1];
  return values.map((v, i) => (i % 3 === 1 ? specials[(i * 7 + seed) % specials.length] : v));
}

/** Exact, or within two f32 ulps (NaN matches NaN of any sign; 0 and -0 differ). */
function matches(got: number, want: number, ulps: boolean): boolean {
  if (Number.isNaN(want)) return Number.isNaN(got);
  if (Object.is(got, want)) return true;
  return ulps && Number.isFinite(want) && Math.abs(got - want) <= 2 * Math.max(Math.abs(want) * 2 ** -23, 2 ** -149);
}

/** Step patterns along a row: contiguous, one operand broadcast, both strided, one strided. */
const STEPS: Array<[number, number]> = [[1, 1], [1, 0], [0, 1], [2, 3], [0, 2], [0, 0]];

describe.each(BUILDS)('broadcast kernels (%s)', (build) => {
  it('binaryStrided: every op against its f64 reference on awkward lengths, contiguous, broadcast and strided rows', async () => {
    const b = await backendFor(build);
    for (const ref of REFERENCES) {
      const intOut = ref.int || ref.code >= Binary.FloorDiv;
      for (const n of SIZES) {
        for (const [ia, ib] of STEPS) {
          const av = operandValues(ref, Math.max(ia * n, 1), n * 3 + ia);
          const bv = operandValues(ref, Math.max(ib * n, 1), n * 5 + ib + 1);
          const store = ref.int ? putInt : put;
          const [pa, pb, desc, out] = [store(b, av), store(b, bv), putInt(b, [1, n, ia, ib]), b.heap.alloc(n * 4)];
          b.kernels.binaryStrided(ref.code, pa, pb, out, desc);
          const got = intOut ? getInt(b, out, n) : get(b, out, n);
          const read = (values: number[]) => (ref.int ? Int32Array.from(values) : Float32Array.from(values));
          const [as, bs] = [read(av), read(bv)];
          for (let j = 0; j < n; j++) {
            const want = ref.value(as[j * ia], bs[j * ib]);
            if (!matches(got[j], want, ref.ulps === true && build !== 'js')) {
              expect.fail(`${ref.name} n=${n} steps ${ia},${ib} [${j}]: ${as[j * ia]}, ${bs[j * ib]} gave ${got[j]}, expected ${want}`);
            }
          }
          freeAll(b, [pa, pb, desc, out]);
        }
      }
    }
  });

  it('binaryStrided: rows of a rank-3 descriptor, each operand broadcast along other axes', async () => {
    const b = await backendFor(build);
    for (const n of [1, 5, 17]) {
      // out [2, 3, n] = a [2, 3, n] + b [3, 1] (b's strides: 0, 1, 0).
      const av = Array.from(randomData(6 * n, n), f);
      const bv = [10, 20, 30];
      const [pa, pb, desc, out] = [put(b, av), put(b, bv), putInt(b, [3, 2, 3, n, 3 * n, n, 1, 0, 1, 0]), b.heap.alloc(6 * n * 4)];
      b.kernels.binaryStrided(Binary.Add, pa, pb, out, desc);
      const got = get(b, out, 6 * n);
      const want = av.map((v, i) => f(v + bv[Math.floor(i / n) % 3]));
      expect(Array.from(got), `n=${n}`).toEqual(want);
      freeAll(b, [pa, pb, desc, out]);
    }
  });

  it('binaryStrided and selectStrided: slabs of awkward rows at rank 2 to 4, operands broadcast or strided along any axis', async () => {
    const b = await backendFor(build);
    const refs = REFERENCES.filter((r) => ['Sub', 'FloorDiv', 'Less', 'MulInt'].includes(r.name));
    const shapes = [[7, 17], [63, 3], [65, 1], [3, 257], [17, 2, 7], [3, 2, 5, 9]];
    // An operand's strides: row-major over its own buffer, then 0 along the axes in `broadcast` and doubled when spread.
    const strides = (shape: number[], broadcast: number[], spread: boolean) => {
      let step = spread ? 2 : 1;
      const out = shape.map(() => 0);
      for (let d = shape.length - 1; d >= 0; d--) {
        out[d] = broadcast.includes(d) ? 0 : step;
        step *= shape[d];
      }
      return out;
    };
    for (const shape of shapes) {
      const r = shape.length;
      const count = size(shape);
      const layouts: Array<[number[], boolean]> = [[[], false], [[r - 1], false], [[r - 2], false], [[0, r - 1], true], [[], true]];
      layouts.forEach(([broadcastA, spreadA], l) => {
        const [broadcastB, spreadB] = layouts[(l + 2) % layouts.length];
        const [sa, sb] = [strides(shape, broadcastA, spreadA), strides(shape, broadcastB, spreadB)];
        // The flat element of an operand with strides s at output position i.
        const at = (s: number[], index: number) => {
          let offset = 0;
          for (let d = r - 1, rest = index; d >= 0; rest = Math.floor(rest / shape[d]), d--) offset += (rest % shape[d]) * s[d];
          return offset;
        };
        const extent = (s: number[]) => at(s, count - 1) + 1;
        const desc = putInt(b, [r, ...shape, ...sa, ...sb]);
        for (const ref of refs) {
          const av = operandValues(ref, extent(sa), count + l);
          const bv = operandValues(ref, extent(sb), count + l + 1);
          const store = ref.int ? putInt : put;
          const [pa, pb, out] = [store(b, av), store(b, bv), b.heap.alloc(count * 4)];
          b.kernels.binaryStrided(ref.code, pa, pb, out, desc);
          const got = ref.int || ref.code >= Binary.FloorDiv ? getInt(b, out, count) : get(b, out, count);
          const [as, bs] = ref.int ? [Int32Array.from(av), Int32Array.from(bv)] : [Float32Array.from(av), Float32Array.from(bv)];
          for (let i = 0; i < count; i++) {
            const want = ref.value(as[at(sa, i)], bs[at(sb, i)]);
            if (!matches(got[i], want, false)) expect.fail(`${ref.name} [${shape}] strides [${sa}] [${sb}] at ${i}: got ${got[i]}, expected ${want}`);
          }
          freeAll(b, [pa, pb, out]);
        }
        // select, with cond read through b's strides
        const cv = Array.from({ length: extent(sb) }, (_, i) => (i * 7 + l) % 3 === 0 ? 1 : 0);
        const [pc, pa, pb, out] = [putInt(b, cv), putInt(b, Array.from({ length: extent(sa) }, (_, i) => i)), putInt(b, Array.from({ length: extent(sa) }, (_, i) => -i)), b.heap.alloc(count * 4)];
        const selectDesc = putInt(b, [r, ...shape, ...sb, ...sa, ...sa]);
        b.kernels.selectStrided(pc, pa, pb, out, selectDesc);
        const got = getInt(b, out, count);
        for (let i = 0; i < count; i++) {
          const want = cv[at(sb, i)] ? at(sa, i) : -at(sa, i);
          if (got[i] !== want) expect.fail(`select [${shape}] strides [${sb}] [${sa}] at ${i}: got ${got[i]}, expected ${want}`);
        }
        freeAll(b, [desc, selectDesc, pc, pa, pb, out]);
      });
    }
  });

  it('selectStrided: cond ? a : b copied as bits on awkward lengths, contiguous, broadcast and strided', async () => {
    const b = await backendFor(build);
    for (const n of SIZES) {
      for (const [ic, ia, ib] of [[1, 1, 1], [0, 1, 1], [1, 0, 1], [1, 1, 0], [0, 0, 1], [2, 1, 3], [1, 0, 0]]) {
        const cv = Array.from(randomData(Math.max(ic * n, 1), n + ic), (v) => +(v > 0));
        const av = Array.from(randomData(Math.max(ia * n, 1), n + 7), (v, i) => (i % 5 === 0 ? NaN : f(v)));
        const bv = Array.from(randomData(Math.max(ib * n, 1), n + 9), (v, i) => (i % 4 === 0 ? -0 : f(v)));
        const [pc, pa, pb, desc, out] = [putInt(b, cv), put(b, av), put(b, bv), putInt(b, [1, n, ic, ia, ib]), b.heap.alloc(n * 4)];
        b.kernels.selectStrided(pc, pa, pb, out, desc);
        const got = get(b, out, n);
        for (let j = 0; j < n; j++) {
          const want = cv[j * ic] ? av[j * ia] : bv[j * ib];
          if (!matches(got[j], want, false)) expect.fail(`n=${n} steps ${ic},${ia},${ib} [${j}]: got ${got[j]}, expected ${want}`);
        }
        freeAll(b, [pc, pa, pb, desc, out]);
      }
    }
  });
});
