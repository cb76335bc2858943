// Elementwise kernels, bias add/grad, sums and argMax on every build against f64 references.
// One f32 operation (add, sub, mul, div) rounds like fround of the f64 result, so those compare exactly;
// f64 sums get one f32 rounding plus their f64 error bound.

import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Bcast, BinOp } from '../src/backend/kernels.js';
import * as neurite from '../src/index.js';
import { backendFor, BUILDS, compensatedSum, expectClose, freeAll, get, getInt, onBackend, put, putInt, randomData, SIZES } from './support.js';
import { word } from '../src/backend/heap.js';

const f = Math.fround;

/** Every (m, n) pair of the awkward sizes. */
const SHAPES: Array<[number, number]> = SIZES.flatMap((m) => SIZES.map((n) => [m, n] as [number, number]));
/** A spread of them for the kernels with many other parameters. */
const SOME_SHAPES: Array<[number, number]> = [[1, 1], [1, 7], [3, 1], [3, 9], [7, 17], [17, 63], [65, 3], [127, 65], [257, 257]];

const OPS: Array<[string, BinOp, (a: number, b: number) => number]> = [
  ['add', BinOp.Add, (a, b) => a + b],
  ['sub', BinOp.Sub, (a, b) => a - b],
  ['mul', BinOp.Mul, (a, b) => a * b],
  ['div', BinOp.Div, (a, b) => a / b],
];
const MODES: Array<[string, Bcast]> = [['full', Bcast.Full], ['row', Bcast.Row], ['scalar', Bcast.Scalar]];

function operandLength(mode: Bcast, m: number, n: number): number {
  return mode === Bcast.Full ? m * n : mode === Bcast.Row ? n : 1;
}

function operandAt(x: Float32Array, mode: Bcast, i: number, j: number, n: number): number {
  return mode === Bcast.Full ? x[i * n + j] : mode === Bcast.Row ? x[j] : x[0];
}

/** Divisors away from zero: magnitude in [0.5, 2), random sign. */
function awayFromZero(len: number, seed: number): Float32Array {
  const mag = randomData(len, seed, 0.5, 2);
  const sign = randomData(len, seed + 1);
  return mag.map((v, i) => (sign[i] < 0 ? -v : v));
}

/** Exact equality (NaN equals NaN) without a deep comparison of large arrays. */
function expectExact(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]) && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) {
      expect.fail(`${label} [${i}]: got ${actual[i]}, expected ${expected[i]}`);
    }
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe.each(BUILDS)('elementwise (%s)', (build) => {
  it('biasAdd: out = x + bias per row, on every shape, out may be x', async () => {
    const b = await backendFor(build);
    for (const [m, n] of SHAPES) {
      const xs = randomData(m * n, m * 1000 + n);
      const bs = randomData(n, n, -3, 3);
      const expected = xs.map((v, k) => f(v + bs[k % n]));
      const x = put(b, xs);
      const bias = put(b, bs);
      const out = b.heap.alloc(m * n * 4);
      b.kernels.biasAdd(x, bias, out, m, n);
      expectExact(get(b, out, m * n), expected, `${m}x${n}`);
      b.kernels.biasAdd(x, bias, x, m, n);
      expectExact(get(b, x, m * n), expected, `${m}x${n} in place`);
      freeAll(b, [x, bias, out]);
    }
  });

  it('biasGrad: column sums in f64, scaled and rounded once, overwrite and accumulate, same bits as the js twin', async () => {
    const b = await backendFor(build);
    const js = await backendFor('js');
    for (const [m, n] of SHAPES) {
      const d = randomData(m * n, m * 7 + n, -2, 2);
      const start = randomData(n, 99, -1, 1);
      const dout = put(b, d);
      const db = put(b, start);
      const doutJs = put(js, d);
      const dbJs = put(js, start);
      for (const accumulate of [0, 1]) {
        for (const scale of [1, 1 / m, 0.3]) {
          b.heap.f32.set(start, word(db));
          b.kernels.biasGrad(dout, db, m, n, accumulate, scale);
          const got = get(b, db, n);
          for (let j = 0; j < n; j++) {
            const column = Array.from({ length: m }, (_, i) => d[i * n + j]);
            const want = (accumulate ? start[j] : 0) + scale * compensatedSum(column);
            // One rounding to f32, plus f64 accumulation of m terms (and the scale and old value).
            const abs = (accumulate ? Math.abs(start[j]) : 0) + scale * column.reduce((t, v) => t + Math.abs(v), 0);
            const bound = 2 ** -24 * Math.abs(want) + (m + 2) * 2 ** -53 * abs;
            if (!(Math.abs(got[j] - want) <= bound)) expect.fail(`${m}x${n} acc=${accumulate} scale=${scale} db[${j}] = ${got[j]}, want ${want} +- ${bound}`);
          }
          js.heap.f32.set(start, word(dbJs));
          js.kernels.biasGrad(doutJs, dbJs, m, n, accumulate, scale);
          expectExact(get(js, dbJs, n), got, `${m}x${n} acc=${accumulate} scale=${scale} js twin`);
        }
      }
      freeAll(b, [dout, db]);
      freeAll(js, [doutJs, dbJs]);
    }
  });

  it('rowSums: f64 accumulation, scaled and rounded once, same bits as the js twin', async () => {
    const b = await backendFor(build);
    const js = await backendFor('js');
    for (const [m, n] of SHAPES) {
      const xs = randomData(m * n, m + 31 * n, -5, 5);
      const x = put(b, xs);
      const out = b.heap.alloc(m * 4);
      const xj = put(js, xs);
      const outJs = js.heap.alloc(m * 4);
      for (const scale of [1, 1 / n]) {
        b.kernels.rowSums(x, out, m, n, scale);
        const expected = Array.from({ length: m }, (_, i) => scale * compensatedSum(xs.subarray(i * n, (i + 1) * n)));
        // One rounding to f32 (half an ulp); the f64 accumulation error is far below it.
        expectClose(get(b, out, m), expected, { atol: 1e-12, rtol: 2 ** -24 * 1.0001 }, `${m}x${n} scale=${scale}`);
        js.kernels.rowSums(xj, outJs, m, n, scale);
        expectExact(get(js, outJs, m), get(b, out, m), `${m}x${n} scale=${scale} js twin`);
      }
      freeAll(b, [x, out]);
      freeAll(js, [xj, outJs]);
    }
  });

  it('column and row sums of huge values: a mean (scale 1/count) of four 1e38 is 1e38, their sum Infinity', async () => {
    const b = await backendFor(build);
    const big = f(1e38);
    for (const sign of [1, -1]) {
      for (const n of [1, 3, 4, 9]) {
        // 4 rows of n: column sums over the 4 rows, row sums over the transposed layout (n rows of 4).
        const x = put(b, new Float32Array(4 * n).fill(sign * big));
        const out = b.heap.alloc(n * 4);
        b.kernels.biasGrad(x, out, 4, n, 0, 1 / 4);
        expect(Array.from(get(b, out, n)), `biasGrad mean n=${n}`).toEqual(new Array(n).fill(sign * big));
        b.kernels.biasGrad(x, out, 4, n, 0, 1);
        expect(Array.from(get(b, out, n)), `biasGrad sum n=${n}`).toEqual(new Array(n).fill(sign * Infinity));
        b.kernels.rowSums(x, out, n, 4, 1 / 4);
        expect(Array.from(get(b, out, n)), `rowSums mean n=${n}`).toEqual(new Array(n).fill(sign * big));
        b.kernels.rowSums(x, out, n, 4, 1);
        expect(Array.from(get(b, out, n)), `rowSums sum n=${n}`).toEqual(new Array(n).fill(sign * Infinity));
        // The f64 results of sum and sumSquares stay finite.
        expect(b.kernels.sum(x, 4 * n)).toBe(sign * 4 * n * big);
        expect(b.kernels.sumSquares(x, 4 * n) / (4 * n * big * big)).toBeCloseTo(1, 14);
        freeAll(b, [x, out]);
      }
    }
  });

  it('column and row sums of many values of mixed magnitude: within one rounding of the exact sum', async () => {
    const b = await backendFor(build);
    // Magnitudes from 1e-6 to 1e6, random signs: f32 accumulation misses 16 of these 17 columns by up to 48 ulps.
    const [m, n] = [4099, 17];
    const exponent = randomData(m * n, 5, -6, 6);
    const sign = randomData(m * n, 6);
    const xs = exponent.map((e, i) => Math.sign(sign[i]) * 10 ** e);
    const x = put(b, xs);
    const cols = b.heap.alloc(n * 4);
    const rows = b.heap.alloc(m * 4);
    b.kernels.biasGrad(x, cols, m, n, 0, 1);
    const gotCols = get(b, cols, n);
    for (let j = 0; j < n; j++) {
      const column = Array.from({ length: m }, (_, i) => xs[i * n + j]);
      const want = compensatedSum(column);
      const bound = 2 ** -24 * Math.abs(want) + m * 2 ** -53 * column.reduce((t, v) => t + Math.abs(v), 0);
      expect(Math.abs(gotCols[j] - want), `column ${j}`).toBeLessThanOrEqual(bound);
    }
    // The same values as n rows of m (a reshape), summed along the rows.
    b.kernels.rowSums(x, rows, n, m, 1);
    const gotRows = get(b, rows, n);
    for (let i = 0; i < n; i++) {
      const row = xs.subarray(i * m, (i + 1) * m);
      const want = compensatedSum(row);
      const bound = 2 ** -24 * Math.abs(want) + m * 2 ** -53 * row.reduce((t, v) => t + Math.abs(v), 0);
      expect(Math.abs(gotRows[i] - want), `row ${i}`).toBeLessThanOrEqual(bound);
    }
    freeAll(b, [x, cols, rows]);
  });

  it('sum and sumSquares: f64 accumulation on every size, and where f32 accumulation would fail', async () => {
    const b = await backendFor(build);
    const js = await backendFor('js');
    for (const n of [...SIZES, 1024, 100003]) {
      const xs = randomData(n, n, -3, 3);
      const x = put(b, xs);
      const s = b.kernels.sum(x, n);
      const s2 = b.kernels.sumSquares(x, n);
      // f64 accumulation of n terms: error <= n * 2^-53 * sum |x|.
      const abs = xs.reduce((t, v) => t + Math.abs(v), 0);
      expect(Math.abs(s - compensatedSum(xs))).toBeLessThanOrEqual(n * 2 ** -53 * abs);
      const squares = Array.from(xs, (v) => v * v); // exact in f64
      expect(Math.abs(s2 - compensatedSum(squares))).toBeLessThanOrEqual(n * 2 ** -53 * compensatedSum(squares));
      // The js twin keeps the wasm lane order: same bits.
      const xj = put(js, xs);
      expect(s, `sum n=${n}`).toBe(js.kernels.sum(xj, n));
      expect(s2, `sumSquares n=${n}`).toBe(js.kernels.sumSquares(xj, n));
      freeAll(b, [x]);
      freeAll(js, [xj]);
    }
    // A big first term then 999999 copies of 0.1f: in f32 every small term would vanish against the big one
    // (an error of about 1e5 for the sum, 1e4 for the squares); f64 stays within n * 2^-53 * total = 0.012.
    const n = 1_000_000;
    const xs = new Float32Array(n).fill(0.1);
    const tenth = f(0.1);
    xs[0] = 1e8;
    const x = put(b, xs);
    expect(Math.abs(b.kernels.sum(x, n) - (1e8 + (n - 1) * tenth))).toBeLessThan(0.012);
    b.heap.f32[word(x)] = 1e4;
    expect(Math.abs(b.kernels.sumSquares(x, n) - (1e8 + (n - 1) * tenth * tenth))).toBeLessThan(0.012);
    freeAll(b, [x]);
  });

  it("penalty: l1*sum|w| + l2*sum w^2 in f64, gradient l1*sign(w) + 2*l2*w added into g, sign(0) = -1 as TF.js's", async () => {
    const b = await backendFor(build);
    const js = await backendFor('js');
    for (const n of [...SIZES, 1000]) {
      const ws = randomData(n, n + 5, -2, 2);
      // TF.js's gradient of |w| is step(w, -1): -1 at 0 and -0, in the vector body and in the scalar tail.
      ws[0] = 0;
      ws[n - 1] = -0;
      const gs = randomData(n, n + 6);
      const w = put(b, ws);
      const g = put(b, gs);
      for (const [l1, l2] of [[0.01, 0], [0, 0.02], [0.003, 0.5]]) {
        b.heap.f32.set(gs, word(g));
        const got = b.kernels.penalty(w, g, n, l1, l2);
        const want = l1 * compensatedSum(Array.from(ws, Math.abs)) + l2 * compensatedSum(Array.from(ws, (v) => v * v));
        // Two f64 sums of n terms: n * 2^-53 relative at most.
        expect(Math.abs(got - want), `n=${n} l1=${l1} l2=${l2}`).toBeLessThanOrEqual(n * 2 ** -53 * want);
        // Without g only the value is computed.
        expect(b.kernels.penalty(w, 0, n, l1, l2)).toBe(got);
        // g + (l1*sign + l2*2w): three f32 roundings, so a few ulps of the terms' magnitudes.
        const wantGrad = Array.from(ws, (v, i) => gs[i] + (l1 * (v > 0 ? 1 : -1) + 2 * l2 * v));
        expectClose(get(b, g, n), wantGrad, { atol: 4e-7, rtol: 2e-7 }, `grad n=${n} l1=${l1} l2=${l2}`);
        // The js twin does the same f32 operations: same bits.
        const wj = put(js, ws);
        const gj = put(js, gs);
        expect(js.kernels.penalty(wj, gj, n, l1, l2)).toBe(got);
        expectExact(get(js, gj, n), get(b, g, n), `grad n=${n} js twin`);
        freeAll(js, [wj, gj]);
      }
      freeAll(b, [w, g]);
    }
  });

  it('binary: every op and broadcast combination, exact, out aliasing a full operand', async () => {
    const b = await backendFor(build);
    for (const [opName, op, apply] of OPS) {
      for (const [aName, aMode] of MODES) {
        for (const [bName, bMode] of MODES) {
          for (const [m, n] of SOME_SHAPES) {
            const label = `${opName} ${aName}-${bName} ${m}x${n}`;
            const as = randomData(operandLength(aMode, m, n), m + n + aMode, -4, 4);
            const bs = awayFromZero(operandLength(bMode, m, n), 2 * m + n + bMode);
            const expected = new Float32Array(m * n);
            for (let i = 0; i < m; i++) {
              for (let j = 0; j < n; j++) expected[i * n + j] = apply(operandAt(as, aMode, i, j, n), operandAt(bs, bMode, i, j, n));
            }
            const a = put(b, as);
            const bb = put(b, bs);
            const out = b.heap.alloc(m * n * 4);
            b.kernels.binary(op, a, aMode, bb, bMode, out, m, n);
            expectExact(get(b, out, m * n), expected, label);
            if (aMode === Bcast.Full) {
              b.kernels.binary(op, a, aMode, bb, bMode, a, m, n);
              expectExact(get(b, a, m * n), expected, `${label} out=a`);
              b.heap.f32.set(as, word(a));
            }
            if (bMode === Bcast.Full) {
              b.kernels.binary(op, a, aMode, bb, bMode, bb, m, n);
              expectExact(get(b, bb, m * n), expected, `${label} out=b`);
            }
            freeAll(b, [a, bb, out]);
          }
        }
      }
    }
  });

  it('scale and fill: exact on every size, scale in place', async () => {
    const b = await backendFor(build);
    for (const n of [...SIZES, 1000]) {
      const xs = randomData(n, n);
      const x = put(b, xs);
      const out = b.heap.alloc(n * 4);
      b.kernels.scale(x, out, n, 0.3);
      const expected = xs.map((v) => v * f(0.3));
      expectExact(get(b, out, n), expected, `scale n=${n}`);
      b.kernels.scale(x, x, n, 0.3);
      expectExact(get(b, x, n), expected, `scale n=${n} in place`);
      // fill must touch exactly n values: a guard value after the block stays.
      const guard = b.heap.alloc((n + 1) * 4);
      b.heap.f32[word(guard) + n] = 42;
      b.kernels.fill(guard, n, -1.5);
      expect(Array.from(get(b, guard, n + 1)), `fill n=${n}`).toEqual([...new Array(n).fill(-1.5), 42]);
      freeAll(b, [x, out, guard]);
    }
  });

  it('argMax: both axes on every shape with ties, against TF.js', async () => {
    const b = await backendFor(build);
    for (const [m, n] of SHAPES) {
      // Values from {-1, 0, 1, 2}: many ties, so "first maximum wins" is exercised everywhere.
      const xs = randomData(m * n, 3 * m + n, -1, 3).map(Math.floor);
      const x = put(b, xs);
      for (const axis of [0, 1]) {
        const count = axis === 0 ? n : m;
        const out = putInt(b, new Int32Array(count).fill(-7));
        b.kernels.argMax(x, out, m, n, axis);
        const want = tf.tidy(() => tf.argMax(tf.tensor2d(xs, [m, n]), axis).dataSync());
        expect(Array.from(getInt(b, out, count)), `${m}x${n} axis ${axis}`).toEqual(Array.from(want));
        freeAll(b, [out]);
      }
      freeAll(b, [x]);
    }
  });

  it('argMax: NaN handled as TF.js does (a later NaN never wins, a NaN first gives 0)', async () => {
    const b = await backendFor(build);
    const rows = [
      [NaN, 1, 5, 2],
      [1, NaN, 5, 2],
      [3, 5, NaN, 5],
      [-Infinity, -Infinity, NaN, -Infinity],
      [NaN, NaN, NaN, NaN],
    ];
    const xs = new Float32Array(rows.flat());
    const [m, n] = [rows.length, 4];
    const x = put(b, xs);
    for (const axis of [0, 1]) {
      const count = axis === 0 ? n : m;
      const out = putInt(b, new Int32Array(count));
      b.kernels.argMax(x, out, m, n, axis);
      const want = tf.tidy(() => tf.argMax(tf.tensor2d(xs, [m, n]), axis).dataSync());
      expect(Array.from(getInt(b, out, count)), `axis ${axis}`).toEqual(Array.from(want));
      freeAll(b, [out]);
    }
    freeAll(b, [x]);
  });
});

describe.each(['wasm', 'js'] as const)('weight penalties in training on %s', (backend) => {
  onBackend(backend);

  it("move weights at 0 as TF.js's gradient of |w| does (-1 there): a zero-initialized dense layer, one trainOnBatch and one fit epoch", async () => {
    const x = Array.from(randomData(12, 21, -2, 2));
    const y = Array.from(randomData(8, 22, -1, 1));
    /** The same model and two steps of sgd(0.1) on either library; returns the weights after each step. */
    const train = async (lib: typeof tf) => {
      const model = lib.sequential();
      model.add(lib.layers.dense({
        units: 2, inputShape: [3], kernelInitializer: 'zeros',
        kernelRegularizer: lib.regularizers.l1l2({ l1: 0.3, l2: 0.1 }), biasRegularizer: lib.regularizers.l1({ l1: 0.5 }),
      }));
      model.compile({ optimizer: lib.train.sgd(0.1), loss: 'meanSquaredError' });
      const [xs, ys] = [lib.tensor2d(x, [4, 3]), lib.tensor2d(y, [4, 2])];
      const read = () => {
        let values: number[][] = [];
        lib.tidy(() => void (values = model.getWeights().map((w) => Array.from(w.dataSync()))));
        return values;
      };
      await model.trainOnBatch(xs, ys);
      const first = read();
      await model.fit(xs, ys, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      const second = read();
      lib.dispose([xs, ys]);
      model.dispose();
      return [first, second];
    };
    const want = await train(tf);
    const got = await train(neurite as unknown as typeof tf);
    // With zero inputs the loss's gradient on the bias would be 0: here it is not, and the l1 term adds 0.5 · -1.
    want.forEach((weights, step) => weights.forEach((w, i) => expectClose(got[step][i], w, { atol: 1e-6, rtol: 1e-5 }, `step ${step + 1} weight ${i}`)));
  });

  it('moves a zero bias under l1 alone by +lr·l1 when the loss gives it no gradient, as TF.js', async () => {
    const model = neurite.sequential();
    model.add(neurite.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'zeros', biasRegularizer: neurite.regularizers.l1({ l1: 0.5 }) }));
    model.compile({ optimizer: neurite.train.sgd(0.1), loss: 'meanSquaredError' });
    const [xs, ys] = [neurite.zeros([2, 3]), neurite.zeros([2, 2])];
    await model.trainOnBatch(xs, ys);
    // TF.js 4.22 gives [0.05, 0.05]: bias - 0.1 · (0.5 · step(0, -1)).
    neurite.tidy(() => expect(Array.from(model.getWeights()[1].dataSync())).toEqual([Math.fround(0.05), Math.fround(0.05)]));
    neurite.dispose([xs, ys]);
    model.dispose();
  });
});
