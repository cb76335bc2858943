// The unary math and activation ops (src/ops/unary.ts, src/ops/activations.ts): the unary and logSoftmax kernels on
// every build against f64 references (the exact codes bit for bit, so the js twin gives the wasm bits), every op
// against TF.js on awkward shapes and on int32 and bool values, gradients and second derivatives against central
// differences, and bad input.

import { describe, expect, it } from 'vitest';
import { Unary } from '../src/backend/kernels.js';
import * as tf from '../src/index.js';
import { expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { backendFor, BUILDS, erfRef, expectClose, freeAll, get, getInt, onBackend, put, putInt, randomData, SIZES } from './support.js';

const f = Math.fround;

/** Round half to even in f64, the sign of a zero result x's (f32.nearest). */
function nearest(v: number): number {
  const r = Math.abs(v - Math.trunc(v)) === 0.5 ? 2 * Math.round(v / 2) : Math.round(v);
  return r === 0 ? v * 0 : r;
}

/** Exact equality of f32 (or i32) values, the sign of zero included; NaN equals NaN. */
function expectExact(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]) && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      expect.fail(`${label} [${i}]: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

type Tolerance = { atol: number; rtol: number };
/** Two f32 ulps, for the libm functions (Mathf in wasm, Math in the twin) and the SIMD exp. */
const ULPS = { atol: 1e-37, rtol: 2 ** -22 };

/** A float code: its f64 reference (null: the result is exact, compared bit for bit), inputs' range, a and b. */
interface FloatCase {
  code: Unary;
  ref: (v: number) => number;
  tolerance: Tolerance | null;
  range: [number, number];
  a?: number;
  b?: number;
}

const FLOAT_CASES: Record<string, FloatCase> = {
  neg: { code: Unary.Neg, ref: (v) => -v, tolerance: null, range: [-5, 5] },
  abs: { code: Unary.Abs, ref: Math.abs, tolerance: null, range: [-5, 5] },
  square: { code: Unary.Square, ref: (v) => v * v, tolerance: null, range: [-5, 5] },
  sqrt: { code: Unary.Sqrt, ref: Math.sqrt, tolerance: null, range: [0, 100] },
  rsqrt: { code: Unary.Rsqrt, ref: (v) => 1 / f(Math.sqrt(v)), tolerance: null, range: [0, 100] },
  reciprocal: { code: Unary.Reciprocal, ref: (v) => 1 / v, tolerance: null, range: [-5, 5] },
  floor: { code: Unary.Floor, ref: Math.floor, tolerance: null, range: [-5, 5] },
  ceil: { code: Unary.Ceil, ref: Math.ceil, tolerance: null, range: [-5, 5] },
  round: { code: Unary.Round, ref: nearest, tolerance: null, range: [-5, 5] },
  sign: { code: Unary.Sign, ref: (v) => (v > 0 ? 1 : v < 0 ? -1 : 0), tolerance: null, range: [-5, 5] },
  step: { code: Unary.Step, ref: (v) => (v > 0 ? 1 : Number.isNaN(v) ? v : f(0.3)), tolerance: null, range: [-5, 5], a: 0.3 },
  clip: { code: Unary.Clip, ref: (v) => Math.min(Math.max(v, -1.5), f(2.7)), tolerance: null, range: [-5, 5], a: -1.5, b: 2.7 },
  inRange: { code: Unary.InRange, ref: (v) => (v >= -1 && v <= 2 ? 1 : 0), tolerance: null, range: [-5, 5], a: -1, b: 2 },
  exp: { code: Unary.Exp, ref: Math.exp, tolerance: ULPS, range: [-90, 90] },
  erf: { code: Unary.Erf, ref: erfRef, tolerance: { atol: 5e-7, rtol: 0 }, range: [-5, 5] },
  logSigmoid: { code: Unary.LogSigmoid, ref: (v) => Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v))), tolerance: { atol: 1e-37, rtol: 1e-6 }, range: [-30, 30] },
  expm1: { code: Unary.Expm1, ref: Math.expm1, tolerance: ULPS, range: [-10, 10] },
  log: { code: Unary.Log, ref: Math.log, tolerance: ULPS, range: [0, 100] },
  log1p: { code: Unary.Log1p, ref: Math.log1p, tolerance: ULPS, range: [-1, 10] },
  sin: { code: Unary.Sin, ref: Math.sin, tolerance: ULPS, range: [-100, 100] },
  cos: { code: Unary.Cos, ref: Math.cos, tolerance: ULPS, range: [-100, 100] },
  tan: { code: Unary.Tan, ref: Math.tan, tolerance: ULPS, range: [-10, 10] },
  asin: { code: Unary.Asin, ref: Math.asin, tolerance: ULPS, range: [-1, 1] },
  acos: { code: Unary.Acos, ref: Math.acos, tolerance: ULPS, range: [-1, 1] },
  atan: { code: Unary.Atan, ref: Math.atan, tolerance: ULPS, range: [-20, 20] },
  sinh: { code: Unary.Sinh, ref: Math.sinh, tolerance: ULPS, range: [-20, 20] },
  cosh: { code: Unary.Cosh, ref: Math.cosh, tolerance: ULPS, range: [-20, 20] },
  asinh: { code: Unary.Asinh, ref: Math.asinh, tolerance: ULPS, range: [-100, 100] },
  acosh: { code: Unary.Acosh, ref: Math.acosh, tolerance: ULPS, range: [1, 100] },
  atanh: { code: Unary.Atanh, ref: Math.atanh, tolerance: ULPS, range: [-1, 1] },
};

/** Values every float code meets: zeros of both signs, infinities, NaN, halves, tiny, subnormal and huge values. */
const SPECIALS = [0, -0, Infinity, -Infinity, NaN, 1, -1, 0.5, -0.5, 2.5, -2.5, 88.7, 89, -104, 1e-30, -3e-39, 1e30, -1e30];

/** An int code: its reference over i32 values, a and b. */
const INT_CASES: Record<string, { code: Unary; ref: (v: number) => number; a?: number; b?: number }> = {
  negInt: { code: Unary.NegInt, ref: (v) => -v | 0 },
  absInt: { code: Unary.AbsInt, ref: (v) => Math.abs(v) | 0 },
  squareInt: { code: Unary.SquareInt, ref: (v) => Math.imul(v, v) },
  signInt: { code: Unary.SignInt, ref: Math.sign },
  clipInt: { code: Unary.ClipInt, ref: (v) => Math.min(Math.max(v, -2), 7), a: -2.5, b: 7.9 },
  clipIntOpen: { code: Unary.ClipInt, ref: (v) => Math.max(v, 0), a: 0, b: Infinity },
  logicalNot: { code: Unary.LogicalNot, ref: (v) => (v === 0 ? 1 : 0) },
};
const INT_SPECIALS = [0, 1, -1, 2, -2, 7, 8, 46341, -46341, 2 ** 31 - 1, -(2 ** 31)];

/** The tests of the values: f32 in, bool out. */
const TEST_CASES: Record<string, [Unary, (v: number) => boolean]> = {
  isNaN: [Unary.IsNaN, Number.isNaN],
  isInf: [Unary.IsInf, (v) => Math.abs(v) === Infinity],
  isFinite: [Unary.IsFinite, Number.isFinite],
};

describe.each(BUILDS)('unary kernel on %s', (build) => {
  it.each(Object.entries(FLOAT_CASES))('%s on every awkward size, specials included, and in place', async (name, c) => {
    const b = await backendFor(build);
    for (const n of [...SIZES, 1000]) {
      const xs = new Float32Array(n + SPECIALS.length);
      xs.set(randomData(n, n + 7, ...c.range));
      xs.set(SPECIALS, n);
      const expected = xs.map((v) => f(c.ref(v)));
      const x = put(b, xs);
      const out = b.heap.alloc(xs.length * 4);
      b.kernels.unary(c.code, x, out, xs.length, c.a ?? 0, c.b ?? 0);
      if (c.tolerance === null) expectExact(get(b, out, xs.length), expected, `${name} n=${n}`);
      else expectClose(get(b, out, xs.length), expected, c.tolerance, `${name} n=${n}`);
      b.kernels.unary(c.code, x, x, xs.length, c.a ?? 0, c.b ?? 0);
      expectExact(get(b, x, xs.length), get(b, out, xs.length), `${name} n=${n} in place`);
      freeAll(b, [x, out]);
    }
  });

  it.each(Object.entries(INT_CASES))('%s on i32 values, wrapping at the ends of the range as TF.js does', async (name, c) => {
    const b = await backendFor(build);
    for (const n of SIZES) {
      const xs = Int32Array.from(randomData(n, n, -20, 20), Math.trunc);
      const all = Int32Array.from([...xs, ...INT_SPECIALS]);
      const x = putInt(b, all);
      const out = b.heap.alloc(all.length * 4);
      b.kernels.unary(c.code, x, out, all.length, c.a ?? 0, c.b ?? 0);
      expectExact(getInt(b, out, all.length), all.map(c.ref), `${name} n=${n}`);
      freeAll(b, [x, out]);
    }
  });

  it.each(Object.entries(TEST_CASES))('%s writes bool (i32 0/1) on every awkward size', async (name, [code, ref]) => {
    const b = await backendFor(build);
    for (const n of SIZES) {
      const xs = Float32Array.from([...randomData(n, n), ...SPECIALS]);
      const x = put(b, xs);
      const out = b.heap.alloc(xs.length * 4);
      b.kernels.unary(code, x, out, xs.length, 0, 0);
      expectExact(getInt(b, out, xs.length), Array.from(xs, (v) => (ref(v) ? 1 : 0)), `${name} n=${n}`);
      freeAll(b, [x, out]);
    }
  });

  it('logSoftmaxForward matches the f64 reference on awkward rows, NaN and infinities, and in place', async () => {
    const b = await backendFor(build);
    const reference = (row: Float32Array) => {
      const max = row.reduce((m, v) => Math.max(m, v), -Infinity);
      const logSum = Math.log(row.reduce((s, v) => s + Math.exp(v - max), 0));
      return row.map((v) => v - max - logSum);
    };
    const shapes: Array<[number, number]> = [[1, 1], [1, 7], [3, 9], [7, 17], [17, 63], [2, 257], [5, 1000]];
    for (const [m, n] of shapes) {
      const xs = randomData(m * n, m + n, -20, 20);
      const x = put(b, xs);
      const out = b.heap.alloc(m * n * 4);
      b.kernels.logSoftmaxForward(x, out, m, n);
      const expected = Array.from({ length: m }, (_, i) => [...reference(xs.subarray(i * n, (i + 1) * n))]).flat();
      expectClose(get(b, out, m * n), expected, { atol: 4e-6, rtol: 1e-6 }, `${m}x${n}`);
      b.kernels.logSoftmaxForward(x, x, m, n);
      expectExact(get(b, x, m * n), get(b, out, m * n), `${m}x${n} in place`);
      freeAll(b, [x, out]);
    }
    const rows = [[NaN, 1, 2], [-Infinity, 1, 2], [Infinity, 1, 2], [-Infinity, -Infinity, -Infinity], [1e30, -1e30, 0]];
    const x = put(b, rows.flat());
    const out = b.heap.alloc(15 * 4);
    b.kernels.logSoftmaxForward(x, out, 5, 3);
    expectClose(get(b, out, 15), rows.flatMap((row) => [...reference(Float32Array.from(row))]), { atol: 4e-6, rtol: 1e-6 }, 'specials');
    freeAll(b, [x, out]);
  });
});

/** The one-argument ops, each with the range its TF.js comparison samples from. */
const OPS: Array<[string, number, number]> = [
  ['neg', -3, 3], ['abs', -3, 3], ['sign', -3, 3], ['square', -3, 3], ['reciprocal', -3, 3], ['sqrt', 0, 5], ['rsqrt', 0.1, 5],
  ['exp', -10, 10], ['expm1', -3, 3], ['log', 0.01, 10], ['log1p', -0.9, 10], ['floor', -5, 5], ['ceil', -5, 5], ['round', -5, 5],
  ['sin', -7, 7], ['cos', -7, 7], ['tan', -1.4, 1.4], ['asin', -1, 1], ['acos', -1, 1], ['atan', -10, 10], ['sinh', -5, 5],
  ['cosh', -5, 5], ['tanh', -5, 5], ['asinh', -10, 10], ['acosh', 1, 10], ['atanh', -0.99, 0.99], ['erf', -3, 3],
  ['isNaN', -1, 1], ['isFinite', -1, 1], ['isInf', -1, 1], ['step', -2, 2], ['relu', -2, 2], ['relu6', -8, 8], ['elu', -3, 3],
  ['selu', -3, 3], ['leakyRelu', -3, 3], ['sigmoid', -8, 8], ['logSigmoid', -8, 8], ['softplus', -8, 8], ['softmax', -5, 5],
  ['logSoftmax', -5, 5],
];
type OneArg = (x: tf.Tensor) => tf.Tensor;
const call = (t: typeof tf, name: string): OneArg => (t as unknown as Record<string, OneArg>)[name];
const SHAPES = [[], [1], [3], [7], [2, 17], [3, 1, 21], [65], [257], [2, 0], [2, 3, 2, 2]];

/** Inputs where each differentiable op is smooth: inside its domain, away from its kinks. */
const SMOOTH: Record<string, [number, number, number]> = {
  neg: [-2, 2, 0], abs: [-2, 2, 0.2], square: [-2, 2, 0], reciprocal: [-2, 2, 0.5], sqrt: [0.5, 3, 0], rsqrt: [0.5, 3, 0],
  exp: [-2, 2, 0], expm1: [-2, 2, 0], log: [0.5, 3, 0], log1p: [-0.5, 3, 0], sin: [-3, 3, 0], cos: [-3, 3, 0], tan: [-1, 1, 0],
  asin: [-0.8, 0.8, 0], acos: [-0.8, 0.8, 0], atan: [-3, 3, 0], sinh: [-2, 2, 0], cosh: [-2, 2, 0], tanh: [-2, 2, 0],
  asinh: [-3, 3, 0], acosh: [1.5, 4, 0], atanh: [-0.8, 0.8, 0], erf: [-2, 2, 0], relu: [-2, 2, 0.2], relu6: [-2, 8, 0.2],
  elu: [-2, 2, 0.2], selu: [-2, 2, 0.2], leakyRelu: [-2, 2, 0.2], sigmoid: [-4, 4, 0], logSigmoid: [-4, 4, 0], softplus: [-4, 4, 0],
  softmax: [-2, 2, 0], logSoftmax: [-2, 2, 0],
};

describe.each(['wasm', 'js'] as const)('unary and activation ops on %s', (backend) => {
  onBackend(backend);

  it('give TF.js\'s values on every rank and awkward size, empty tensors included', async () => {
    for (const [name, lo, hi] of OPS) {
      for (const shape of SHAPES) {
        if ((name === 'softmax' || name === 'logSoftmax') && shape.length === 0) continue; // TF.js fails on a scalar with an internal error
        await expectSameAsTfjs(`${name} [${shape}]`, (t) => call(t, name)(sample(shape, shape.length + 3, lo, hi, 0, t)), { atol: 1e-6, rtol: 2e-6 });
      }
    }
  });

  it('handle NaN, ±Infinity, ±0, halves, tiny and huge values as TF.js does', async () => {
    const specials = [NaN, Infinity, -Infinity, 0, -0, 0.5, -0.5, 1.5, 2.5, -2.5, 1, -1, 6, 7, 1e-30, 1e30, -1e30];
    for (const [name] of OPS) {
      if (name === 'softmax' || name === 'logSoftmax') continue; // rows, below
      await expectSameAsTfjs(`${name} of specials`, (t) => call(t, name)(t.tensor(specials)), { atol: 1e-6, rtol: 2e-6 });
    }
    for (const name of ['softmax', 'logSoftmax']) {
      await expectSameAsTfjs(`${name} of special rows`, (t) => call(t, name)(t.tensor([[NaN, 1, 2], [-Infinity, 1, 2], [Infinity, 1, 2], [-Infinity, -Infinity, -Infinity], [1000, -1000, 0]])));
    }
  });

  it('follow TF.js\'s dtype rules for int32 and bool values: kept, truncated, float32, or refused', async () => {
    for (const [name] of OPS) {
      await expectSameAsTfjs(`${name} int32`, (t) => call(t, name)(t.tensor([-3, -1, 0, 1, 2, 5, 7, 9], [2, 4], 'int32')));
      // TF.js's logSigmoid and logSoftmax of bool compose ops that treat bool inconsistently (logSoftmax gives
      // -Infinity everywhere); neurite computes them on the 0/1 values.
      if (name !== 'logSigmoid' && name !== 'logSoftmax') await expectSameAsTfjs(`${name} bool`, (t) => call(t, name)(t.tensor([[true, false], [false, true]])));
    }
    // (TF.js's abs and square of int32 go through a Float32Array, rounding past 2^24; neurite's are exact.)
    await expectSameAsTfjs('int32 extremes', (t) => {
      const x = t.tensor([2 ** 31 - 1, -(2 ** 31), 46341, -7], [4], 'int32');
      return [t.neg(x), t.sign(x), t.relu(x), t.relu6(x), t.clipByValue(x, -3.5, 1e10), t.round(x)];
    });
    await expectSameAsTfjs('values parse as float32 for float32-only ops', (t) => [t.sqrt(new Int32Array([1, 4])), t.sin([0, 1]), t.softmax([1, 2])]);
    await expectSameAsTfjs('logicalNot parses numbers as bool', (t) => [t.logicalNot([0, 2, -1]), t.logicalNot(t.tensor([true, false]))]);
    await expectSameAsTfjs('logicalNot refuses int32', (t) => t.logicalNot(t.tensor([1, 0], [2], 'int32')));
  });

  it('step, clipByValue, leakyRelu and prelu take their parameters as TF.js does', async () => {
    const x = (t: typeof tf) => t.tensor([[-3, -1, 0, 0.5], [2, 6.5, NaN, -0.25]]);
    await expectSameAsTfjs('step', (t) => [t.step(x(t)), t.step(x(t), 0.5), t.step(x(t), -1), x(t).step(2)]);
    await expectSameAsTfjs('clipByValue', (t) => [t.clipByValue(x(t), -1, 2), t.clipByValue(x(t), 0, Infinity), x(t).clipByValue(-Infinity, 0.5)]);
    await expectSameAsTfjs('clipByValue int32 with fractional bounds', (t) => t.clipByValue(t.tensor([-3, -2, -1, 0, 1, 2, 3], [7], 'int32'), -1.5, 2.5));
    await expectSameAsTfjs('leakyRelu', (t) => [t.leakyRelu(x(t)), t.leakyRelu(x(t), 0.01), x(t).leakyRelu(1.5)]);
    await expectSameAsTfjs('prelu broadcasts alpha', (t) => [
      t.prelu(x(t), t.scalar(0.1)),
      t.prelu(x(t), t.tensor([0.1, 0.2, 0.3, 0.4])),
      t.prelu(x(t), t.tensor([[0.5], [2]])),
      t.prelu(t.tensor([-1, 2]), t.tensor([[0.1, 0.2], [0.3, 0.4]])),
      x(t).prelu(t.tensor([1, 2, 3, 4], [4], 'int32')),
      // TF.js's x < 0 ? alpha x : x, whatever is infinite or NaN
      t.prelu(t.tensor([Infinity, -Infinity, 1, -1, 0]), t.scalar(0.2)),
      t.prelu(t.tensor([2, -2, 0]), t.scalar(NaN)),
      t.prelu(t.tensor([2, -2, 0]), t.scalar(Infinity)),
    ]);
    await expectSameAsTfjs('softmax and logSoftmax over the last axis, given as -1 or rank - 1', (t) => {
      const logits = sample([2, 3, 5], 9, -4, 4, 0, t);
      return [t.softmax(logits, 2), t.logSoftmax(logits, -1), logits.logSoftmax(2), t.logSoftmax(t.tensor([[1, 2]], [1, 2], 'int32'))];
    });
  });

  it('gradients match TF.js\'s definitions, at the kinks and for int32 values too', async () => {
    const x = (t: typeof tf) => t.tensor([-2, -0.5, 0, 0.5, 1.5, 6, 7]);
    for (const [name] of OPS) {
      if (name.startsWith('is')) continue; // bool out
      await expectSameAsTfjs(`d ${name}`, (t) => t.grad(call(t, name))(x(t)), { atol: 1e-5, rtol: 1e-5 });
    }
    await expectSameAsTfjs('d clipByValue at and between the bounds', (t) => t.grad((v: tf.Tensor) => t.clipByValue(v, -0.5, 1.5))(x(t)));
    await expectSameAsTfjs('d step', (t) => t.grad((v: tf.Tensor) => t.step(v, 0.3))(x(t)));
    await expectSameAsTfjs('d prelu', (t) => t.grads((v: tf.Tensor, a: tf.Tensor) => t.prelu(v, a))([t.tensor([[-2, 0], [1, -3]]), t.tensor([0.2, 0.5])]));
    await expectSameAsTfjs('d of int32 values is float32', (t) => ['neg', 'abs', 'square', 'relu', 'exp', 'asin', 'round'].map((name) => t.grad(call(t, name))(t.tensor([1, -2], [2], 'int32'))));
    for (const name of ['square', 'sin', 'cos', 'tan', 'sqrt', 'rsqrt', 'reciprocal', 'log', 'log1p', 'expm1', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'asinh', 'acosh', 'atanh', 'erf', 'softplus', 'logSigmoid', 'relu', 'abs', 'neg', 'floor']) {
      await expectSameAsTfjs(`d² ${name}, or an Error where it does not depend on x`, (t) => t.grad(t.grad(call(t, name)))(t.tensor([0.5, 0.3, 1.2])), { atol: 1e-5, rtol: 1e-5 });
    }
  });

  it('gradients and second derivatives match central differences', () => {
    for (const [name, [lo, hi, away]] of Object.entries(SMOOTH)) {
      const op = call(tf, name);
      const x = sample([2, 3], name.length, lo, hi, away);
      expectGradient(name, op, [x]);
      // neg's derivative is a constant: its gradient does not depend on x at all, which grad refuses (as TF.js).
      // softmax's is 0 everywhere (sum(softmax(x)) is 1), which leaves nothing to compare: see softmax(x)² below.
      if (name !== 'neg' && name !== 'softmax') expectGradient(`${name} (second derivative)`, (v) => tf.grad(op)(v), [x], { h: 1e-2, tolerance: 2e-3 });
      x.dispose();
    }
    const [x, alpha] = [sample([3, 4], 1, -2, 2, 0.2), sample([4], 2, 0.1, 0.9)];
    expectGradient('prelu', (v, a) => tf.prelu(v, a), [x, alpha]);
    expectGradient('prelu (second derivative)', (v, a) => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.prelu(p, q).square())([v, a])[0], [x, alpha]);
    expectGradient('clipByValue', (v) => tf.clipByValue(v, -1, 1), [x]);
    expectGradient('leakyRelu 0.1', (v) => tf.leakyRelu(v, 0.1), [x]);
    expectGradient('softmax(x)² (second derivative)', (v) => tf.grad((p: tf.Tensor) => tf.softmax(p).square())(v), [x]);
    expectGradient('third derivative of sigmoid', (v) => tf.grad((p: tf.Tensor) => tf.grad(tf.sigmoid)(p))(v), [x]);
    tf.dispose([x, alpha]);
  });

  it('every op has its chain method', () => {
    tf.tidy(() => {
      const x = tf.tensor([0.5, -0.25]);
      for (const [name] of OPS) {
        const method = (x as unknown as Record<string, () => tf.Tensor>)[name];
        expect(typeof method, name).toBe('function');
        expectClose(method.call(x).dataSync(), call(tf, name)(x).dataSync(), { atol: 0, rtol: 0 }, name);
      }
      expect(tf.tensor([true]).logicalNot().dataSync()[0]).toBe(0);
    });
  });

  it('refuse bad input with an Error naming the op and the argument', () => {
    tf.tidy(() => {
      const ints = tf.tensor([1, 2], [2], 'int32');
      for (const name of ['sqrt', 'rsqrt', 'log', 'floor', 'ceil', 'sin', 'cos', 'tan', 'cosh', 'tanh', 'elu', 'sigmoid']) {
        expect(() => call(tf, name)(ints), name).toThrow(new RegExp(`^${name}: x must have dtype float32, got int32`));
      }
      expect(() => tf.softmax(ints)).toThrow(/^softmax: logits must have dtype float32, got int32/);
      expect(() => tf.erf(tf.tensor([true]))).toThrow(/^erf: x must have dtype float32 or int32, got bool/);
      expect(() => tf.logicalNot(tf.tensor([1.5]))).toThrow(/^logicalNot: x must have dtype bool, got float32/);
      expect(() => tf.exp('a' as never)).toThrow(/^exp: x must be a Tensor or tensor-like values/);
      const gone = tf.tensor([1]);
      gone.dispose();
      expect(() => tf.sin(gone)).toThrow(/^sin: x is disposed/);
      expect(() => tf.step(ints, 'a' as never)).toThrow(/^step: alpha must be a finite number/);
      expect(() => tf.leakyRelu(ints, NaN)).toThrow(/^leakyRelu: alpha must be a finite number/);
      expect(() => tf.clipByValue(ints, NaN, 1)).toThrow(/^clipByValue: clipValueMin must be a number/);
      expect(() => tf.clipByValue(ints, 0, '1' as never)).toThrow(/^clipByValue: clipValueMax must be a number/);
      expect(() => tf.clipByValue(ints, 2, 1)).toThrow(/^clipByValue: clipValueMin \(2\) must be less than or equal to clipValueMax \(1\)/);
      expect(() => tf.prelu(tf.zeros([2, 2]), tf.zeros([3]))).toThrow(/^prelu: operands could not be broadcast together with shapes \[2,2\] and \[3\]/);
      expect(() => tf.prelu(tf.zeros([2]), 'a' as never)).toThrow(/^prelu: alpha must be a Tensor/);
      expect(() => tf.softmax(tf.zeros([2, 2]), 0)).toThrow(/^softmax: dim must be the last axis \(-1 or 1\), got 0/);
      expect(() => tf.logSoftmax(tf.zeros([2, 2]), 1.5)).toThrow(/^logSoftmax: axis must be the last axis \(-1 or 1\), got 1.5/);
      expect(() => tf.logSoftmax(tf.scalar(1))).toThrow(/^logSoftmax: logits must have rank >= 1, got a scalar/);
    });
  });
});
