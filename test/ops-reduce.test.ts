// Reductions, scans, top-k, unique and bin counts. The kernels on every build against f64 references on awkward
// sizes (rows and columns, SIMD bodies and tails, ties and NaN), the js twin giving the same bits; the ops
// against TF.js on both backends (shapes, ranks, negative and scattered axes, keepDims, empty tensors, int32 and
// bool), their gradients against central differences, and bad input.

import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.js';
import { Reduce } from '../src/backend/kernels.js';
import * as tf from '../src/index.js';
import { expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { backendFor, BUILDS, compensatedSum, expectClose, freeAll, get, getInt, onBackend, put, putInt, randomData, SIZES } from './support.js';

const f = Math.fround;
const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Equal as numbers, NaN equal to NaN (a kernel may give either zero where max(-0, 0) is asked). */
function expectSame(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (actual[i] !== expected[i] && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) expect.fail(`${label} [${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

/** The same bits (any NaN equal to any NaN): the js twin against a wasm build. */
function expectBits(actual: ArrayLike<number>, expected: ArrayLike<number>, label: string): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i]) && !(Number.isNaN(actual[i]) && Number.isNaN(expected[i]))) expect.fail(`${label} [${i}]: got ${actual[i]}, expected ${expected[i]}`);
  }
}

/** Values in [lo, hi) rounded to quarters (so there are ties), with NaN at `nans` of the places. */
function tied(n: number, seed: number, nans = 0): Float32Array {
  const nan = randomData(n, seed + 1, 0, 1);
  return randomData(n, seed, -2, 2).map((v, i) => (nan[i] < nans ? NaN : Math.round(v * 4) / 4));
}

/** Integers across the whole int32 range (so sums and products wrap), or small ones. */
function ints(n: number, seed: number, big: boolean): Int32Array {
  return Int32Array.from(randomData(n, seed, big ? -(2 ** 31) : -4, big ? 2 ** 31 : 5), Math.floor);
}

/** [outer, dim, inner] layouts: rows (inner 1) of every awkward size, columns of SIMD widths and their tails. */
const LAYOUTS: Array<[number, number, number]> = [
  ...SIZES.map((d): [number, number, number] => [1, d, 1]),
  [3, 17, 1],
  [2, 65, 1],
  ...[1, 3, 17, 65].flatMap((d) => [2, 3, 4, 5, 7, 8, 9, 17].map((i): [number, number, number] => [1, d, i])),
  [2, 7, 9],
  [3, 5, 4],
];

/** Runs a kernel over x (f32 or i32) on a backend and returns the output it wrote (f32 or i32, n values). */
function run(b: Backend, x: Float32Array | Int32Array, n: number, intOut: boolean, call: (x: number, out: number) => void): Float32Array | Int32Array {
  const px = x instanceof Int32Array ? putInt(b, x) : put(b, x);
  const out = b.heap.alloc(Math.max(n, 1) * 4);
  call(px, out);
  const result = intOut ? getInt(b, out, n) : get(b, out, n);
  freeAll(b, [px, out]);
  return result;
}

/** The values of column (o, j) of x [outer, dim, inner], in order. */
function line(x: ArrayLike<number>, [, dim, inner]: number[], o: number, j: number): number[] {
  return Array.from({ length: dim }, (_, i) => x[(o * dim + i) * inner + j]);
}

/** Reference of an exact reduction, value by value in order as TF.js's CPU kernels do. */
function exactly(code: Reduce, values: number[]): number {
  const arg = (better: (a: number, b: number) => boolean) => values.reduce((at, v, i) => (better(v, values[at]) ? i : at), 0);
  switch (code) {
    case Reduce.Max:
    case Reduce.MaxInt:
      return values.some(Number.isNaN) ? NaN : Math.max(...values);
    case Reduce.Min:
    case Reduce.MinInt:
      return values.some(Number.isNaN) ? NaN : Math.min(...values);
    case Reduce.SumInt:
      return values.reduce((a, v) => (a + v) | 0, 0);
    case Reduce.ProdInt:
      return values.reduce((a, v) => Math.imul(a, v), 1);
    case Reduce.ArgMax:
    case Reduce.ArgMaxInt:
      return arg((a, b) => a > b);
    default:
      return arg((a, b) => a < b);
  }
}

describe.each(BUILDS)('reduction kernels (%s)', (build) => {
  const reduceOn = (b: Backend, code: Reduce, x: Float32Array | Int32Array, [outer, dim, inner]: number[], scale = 1) =>
    run(b, x, outer * inner, code >= 32 || (code >= Reduce.ArgMax && code <= Reduce.ArgMin), (px, po) => b.kernels.reduce(code, px, po, outer, dim, inner, scale));

  it('sum and prod: f64 accumulation, scaled and rounded once, rows and columns; the js twin has the same bits', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const layout of LAYOUTS) {
      const [outer, dim, inner] = layout;
      const xs = randomData(size(layout), dim * 31 + inner, -3, 3);
      for (const scale of [1, 1 / dim]) {
        const got = reduceOn(b, Reduce.Sum, xs, layout, scale);
        for (let o = 0; o < outer; o++) {
          for (let j = 0; j < inner; j++) {
            const values = line(xs, layout, o, j);
            const want = scale * compensatedSum(values);
            const bound = 2 ** -24 * Math.abs(want) + (dim + 2) * 2 ** -53 * scale * values.reduce((t, v) => t + Math.abs(v), 0);
            if (!(Math.abs(got[o * inner + j] - want) <= bound)) expect.fail(`sum [${layout}] scale ${scale} at ${o},${j}: ${got[o * inner + j]}, want ${want}`);
          }
        }
        expectBits(reduceOn(js, Reduce.Sum, xs, layout, scale), got, `sum [${layout}] js twin`);
      }
      // Products of values in [0.5, 2): no overflow, one rounding plus the f64 error of dim products.
      const ps = randomData(size(layout), dim + inner, 0.5, 2);
      const got = reduceOn(b, Reduce.Prod, ps, layout);
      const want = Array.from({ length: outer * inner }, (_, k) => line(ps, layout, Math.floor(k / inner), k % inner).reduce((p, v) => p * v, 1));
      expectClose(got, want, { atol: 0, rtol: 2 ** -24 + (dim + 2) * 2 ** -52 }, `prod [${layout}]`);
      expectBits(reduceOn(js, Reduce.Prod, ps, layout), got, `prod [${layout}] js twin`);
    }
  });

  it('mean of four 1e38 is 1e38: the scale is applied in f64 before rounding', async () => {
    const b = await backendFor(build);
    const big = new Float32Array(4).fill(1e38);
    expect(reduceOn(b, Reduce.Sum, big, [1, 4, 1], 0.25)[0]).toBe(f(1e38));
    expect(reduceOn(b, Reduce.Sum, big, [1, 4, 1])[0]).toBe(Infinity);
    expect(reduceOn(b, Reduce.Sum, big, [1, 2, 2], 0.5)[0]).toBe(f(1e38));
  });

  it('max, min, argMax, argMin with ties and NaN: NaN wins max and min, never an arg; the first best wins', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const layout of LAYOUTS) {
      const [outer, dim, inner] = layout;
      for (const nans of [0, 0.05]) {
        const xs = tied(size(layout), dim * 7 + inner, nans);
        // A NaN first value in some lines too: an arg op then answers 0.
        if (nans > 0) xs[0] = NaN;
        for (const code of [Reduce.Max, Reduce.Min, Reduce.ArgMax, Reduce.ArgMin]) {
          const got = reduceOn(b, code, xs, layout);
          const want = Array.from({ length: outer * inner }, (_, k) => exactly(code, line(xs, layout, Math.floor(k / inner), k % inner)));
          expectSame(got, want, `code ${code} [${layout}] nans ${nans}`);
          expectBits(reduceOn(js, code, xs, layout), got, `code ${code} [${layout}] js twin`);
        }
      }
    }
  });

  it('int32 sum, prod (wrapping), max, min, argMax, argMin are exact', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const layout of LAYOUTS) {
      const [outer, dim, inner] = layout;
      for (const big of [false, true]) {
        const xs = ints(size(layout), dim * 3 + inner, big);
        for (const code of [Reduce.SumInt, Reduce.ProdInt, Reduce.MaxInt, Reduce.MinInt, Reduce.ArgMaxInt, Reduce.ArgMinInt]) {
          const got = reduceOn(b, code, xs, layout);
          const want = Array.from({ length: outer * inner }, (_, k) => exactly(code, line(xs, layout, Math.floor(k / inner), k % inner)));
          expectSame(got, want, `code ${code} [${layout}] big ${big}`);
          expectBits(reduceOn(js, code, xs, layout), got, `code ${code} [${layout}] js twin`);
        }
      }
    }
  });

  it('scan: running sums and products in f64, each output rounded once, any direction, exclusive or not', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const layout of LAYOUTS) {
      const [outer, dim, inner] = layout;
      const n = size(layout);
      for (const [code, xs] of [
        [Reduce.Sum, randomData(n, dim + 5 * inner, -3, 3)],
        [Reduce.Prod, randomData(n, dim + 7 * inner, 0.8, 1.25)],
        [Reduce.SumInt, ints(n, dim, true)],
        [Reduce.ProdInt, ints(n, dim + 1, true)],
      ] as Array<[Reduce, Float32Array | Int32Array]>) {
        for (const exclusive of [0, 1]) {
          for (const reverse of [0, 1]) {
            const label = `code ${code} [${layout}] exclusive ${exclusive} reverse ${reverse}`;
            const scanOn = (on: Backend) => run(on, xs, n, code >= 32, (px, po) => on.kernels.scan(code, px, po, outer, dim, inner, exclusive, reverse));
            const got = scanOn(b);
            const want = new Array<number>(n);
            const round = code >= 32 ? (v: number) => v : f;
            const step = code === Reduce.Sum ? (a: number, v: number) => a + v : code === Reduce.Prod ? (a: number, v: number) => a * v : code === Reduce.SumInt ? (a: number, v: number) => (a + v) | 0 : Math.imul;
            for (let o = 0; o < outer; o++) {
              for (let j = 0; j < inner; j++) {
                let acc = code === Reduce.Prod || code === Reduce.ProdInt ? 1 : 0;
                for (let t = 0; t < dim; t++) {
                  const at = (o * dim + (reverse ? dim - 1 - t : t)) * inner + j;
                  if (exclusive) want[at] = round(acc);
                  acc = step(acc, xs[at]);
                  if (!exclusive) want[at] = round(acc);
                }
              }
            }
            expectSame(got, want, label);
            expectBits(scanOn(js), got, `${label} js twin`);
          }
        }
      }
    }
  });

  it('topk: the k largest per row in order, NaN first, the lower index first among equals', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const n of [1, 3, 7, 17, 65, 257]) {
      for (const rows of [1, 3]) {
        for (const k of [...new Set([0, 1, 2, Math.floor(n / 2), n - 1, n])].filter((k) => k >= 0 && k <= n)) {
          for (const [label, xs] of [
            ['ties and NaN', tied(rows * n, n * 11 + k, 0.05)],
            ['ascending', Float32Array.from({ length: rows * n }, (_, i) => i)],
            ['int32', ints(rows * n, n + k, false)],
          ] as Array<[string, Float32Array | Int32Array]>) {
            const topOn = (on: Backend) => {
              const px = xs instanceof Int32Array ? putInt(on, xs) : put(on, xs);
              const [pv, pi] = [on.heap.alloc(Math.max(rows * k, 1) * 4), on.heap.alloc(Math.max(rows * k, 1) * 4)];
              on.kernels.topk(px, +(xs instanceof Int32Array), pv, pi, rows, n, k);
              const values = xs instanceof Int32Array ? getInt(on, pv, rows * k) : get(on, pv, rows * k);
              const indices = getInt(on, pi, rows * k);
              freeAll(on, [px, pv, pi]);
              return { values, indices };
            };
            const got = topOn(b);
            const want: number[] = [];
            for (let r = 0; r < rows; r++) {
              const row = Array.from(xs.subarray(r * n, (r + 1) * n));
              const rank = (v: number) => (Number.isNaN(v) ? Infinity : v);
              const order = row.map((_, i) => i).sort((p, q) => (Number.isNaN(row[p]) !== Number.isNaN(row[q]) ? (Number.isNaN(row[p]) ? -1 : 1) : rank(row[q]) - rank(row[p]) || p - q));
              want.push(...order.slice(0, k));
            }
            expectSame(got.indices, want, `${label} ${rows}x${n} k ${k} indices`);
            expectSame(got.values, want.map((i, at) => xs[Math.floor(at / Math.max(k, 1)) * n + i]), `${label} ${rows}x${n} k ${k} values`);
            const twin = topOn(js);
            expectBits(twin.values, got.values, `${label} ${rows}x${n} k ${k} js twin values`);
            expectSame(twin.indices, got.indices, `${label} ${rows}x${n} k ${k} js twin indices`);
          }
        }
      }
    }
  });

  it('unique: the distinct slices in order of first appearance; -0 is 0 and NaN is NaN for floats, bits for ints', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    const layouts: Array<[number, number, number]> = [[1, 1, 1], [1, 9, 1], [1, 257, 1], [3, 65, 1], [1, 17, 3], [2, 63, 2], [2, 5, 0]];
    for (const layout of layouts) {
      const [outer, dim, inner] = layout;
      const pool = [0, -0, NaN, 1, 2.5, -1];
      const pick = randomData(size(layout), dim + inner, 0, pool.length);
      const values = Float32Array.from(pick, (p) => pool[Math.floor(p)]);
      for (const isFloat of [1, 0]) {
        const uniqueOn = (on: Backend) => {
          let tableSize = 2;
          while (tableSize < 2 * dim) tableSize *= 2;
          const px = put(on, values);
          const [table, indices, firsts] = [on.heap.alloc(tableSize * 4), on.heap.alloc(dim * 4), on.heap.alloc(dim * 4)];
          const count = on.kernels.unique(px, isFloat, outer, dim, inner, table, tableSize, indices, firsts);
          const result = { count, indices: getInt(on, indices, dim), firsts: getInt(on, firsts, count) };
          freeAll(on, [px, table, indices, firsts]);
          return result;
        };
        // As a key per slice: floats by value (-0 as 0, NaN as one NaN), ints by bits.
        const bits = new Int32Array(values.buffer);
        const keyOf = (i: number) =>
          Array.from({ length: outer * inner }, (_, k) => {
            const at = (Math.floor(k / inner) * dim + i) * inner + (k % inner);
            return isFloat ? String(values[at] === 0 ? 0 : values[at]) : String(bits[at]);
          }).join();
        const ids = new Map<string, number>();
        const firsts: number[] = [];
        const indices = Array.from({ length: dim }, (_, i) => {
          const key = keyOf(i);
          if (!ids.has(key)) {
            ids.set(key, ids.size);
            firsts.push(i);
          }
          return ids.get(key)!;
        });
        const got = uniqueOn(b);
        const label = `[${layout}] isFloat ${isFloat}`;
        expect(got.count, label).toBe(ids.size);
        expectSame(got.indices, indices, `${label} indices`);
        expectSame(got.firsts, firsts, `${label} firsts`);
        expect(uniqueOn(js), `${label} js twin`).toEqual(got);
      }
    }
  });

  it('bincount: counts, weights summed in order (f32 or i32), binary, values past size left out, per row', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const [rows, n, binSize] of [[1, 1, 1], [1, 17, 5], [3, 65, 7], [2, 257, 300], [2, 9, 0]]) {
      const xs = Int32Array.from(randomData(rows * n, n + binSize, 0, binSize + 3), Math.floor);
      for (const [weighted, intBins, ws] of [
        [0, 0, new Float32Array(0)],
        [0, 1, new Int32Array(0)],
        [1, 0, randomData(rows * n, 5, -2, 2)],
        [1, 1, ints(rows * n, 6, true)],
      ] as Array<[number, number, Float32Array | Int32Array]>) {
        for (const binary of [0, 1]) {
          const countOn = (on: Backend) => {
            const px = putInt(on, xs);
            const pw = weighted ? (ws instanceof Int32Array ? putInt(on, ws) : put(on, ws)) : on.heap.alloc(16);
            const out = on.heap.alloc(Math.max(rows * binSize, 1) * 4);
            on.kernels.bincount(px, pw, weighted, out, rows, n, binSize, intBins, binary);
            const result = intBins ? getInt(on, out, rows * binSize) : get(on, out, rows * binSize);
            freeAll(on, [px, pw, out]);
            return result;
          };
          const want = new Array<number>(rows * binSize).fill(0);
          for (let r = 0; r < rows; r++) {
            for (let i = 0; i < n; i++) {
              const v = xs[r * n + i];
              if (v >= binSize) continue;
              const at = r * binSize + v;
              const w = weighted ? ws[r * n + i] : 1;
              want[at] = binary ? 1 : intBins ? (want[at] + w) | 0 : f(want[at] + w);
            }
          }
          const label = `${rows}x${n} size ${binSize} weighted ${weighted} int ${intBins} binary ${binary}`;
          const got = countOn(b);
          expectSame(got, want, label);
          expectBits(countOn(js), got, `${label} js twin`);
        }
      }
    }
  });
});

/** Seeded integers in [lo, hi) as a float32 tensor: sums and scans of them are exact on both sides. */
function integral(shape: number[], seed: number, lib: typeof tf, lo = -4, hi = 5): tf.Tensor {
  return lib.tensor(Array.from(randomData(size(shape), seed, lo, hi), Math.floor), shape);
}

/** Reductions of x over each axis, none, all, scattered and negative ones, with and without keepDims. */
const AXES: Array<[number[], Array<number | number[] | null>]> = [
  [[7], [null, 0, -1, [0], []]],
  [[3, 65], [null, 0, 1, -1, [0, 1], [-1, 0], []]],
  [[2, 3, 17], [null, 0, 1, 2, [0, 2], [1, 2], [0, 1], [-3, -1]]],
  [[2, 1, 3, 4], [null, 1, [0, 2], [1, 3], [0, 1, 3], [-2]]],
  [[2, 3, 2, 3, 2], [[0, 2, 4], [1, 3], 4]],
  [[], [null, []]],
];

describe.each(['wasm', 'js'] as const)('reductions on %s', (backend) => {
  onBackend(backend);

  it('sum, mean, prod, max, min over any axes as TF.js, keepDims or not', async () => {
    for (const [shape, axes] of AXES) {
      for (const axis of axes) {
        for (const keepDims of [false, true]) {
          const label = `[${shape}] axis ${JSON.stringify(axis)} keepDims ${keepDims}`;
          await expectSameAsTfjs(`sum ${label}`, (t) => t.sum(sample(shape, 1, -2, 2, 0, t), axis, keepDims));
          await expectSameAsTfjs(`mean ${label}`, (t) => t.mean(sample(shape, 2, -2, 2, 0, t), axis, keepDims));
          await expectSameAsTfjs(`prod ${label}`, (t) => t.prod(sample(shape, 3, 0.5, 1.5, 0, t), axis, keepDims));
          await expectSameAsTfjs(`max ${label}`, (t) => t.max(integral(shape, 4, t), axis, keepDims));
          await expectSameAsTfjs(`min ${label}`, (t) => t.min(sample(shape, 5, -2, 2, 0, t), axis, keepDims));
        }
      }
    }
  });

  it('int32 and bool: sum and prod give int32, max and min keep the dtype, mean gives float32', async () => {
    for (const [shape, axes] of AXES.slice(0, 4)) {
      for (const axis of axes) {
        const label = `[${shape}] axis ${JSON.stringify(axis)}`;
        const int = (t: typeof tf) => t.cast(integral(shape, 6, t, -9, 10), 'int32');
        const bool = (t: typeof tf) => t.cast(integral(shape, 7, t, 0, 2), 'bool');
        await expectSameAsTfjs(`int32 ${label}`, (t) => [t.sum(int(t), axis), t.prod(int(t), axis), t.max(int(t), axis), t.min(int(t), axis), t.mean(int(t), axis)]);
        await expectSameAsTfjs(`bool ${label}`, (t) => [t.sum(bool(t), axis), t.prod(bool(t), axis), t.max(bool(t), axis), t.min(bool(t), axis), t.all(bool(t), axis), t.any(bool(t), axis)]);
      }
    }
    // Wrapping as TF.js's Int32Array does; large values stay exact (no float32 detour).
    await expectSameAsTfjs('int32 sum wraps', (t) => t.sum(t.tensor([2 ** 31 - 1, 1, 16777217, 3], [4], 'int32')));
    await expectSameAsTfjs('int32 max beyond 2^24', (t) => [t.max(t.tensor([16777217, 16777216], [2], 'int32')), t.argMax(t.tensor([16777216, 16777217], [2], 'int32'))]);
  });

  it('NaN and infinities as TF.js: max and min give NaN, sums Infinity or NaN', async () => {
    await expectSameAsTfjs('NaN', (t) => {
      const x = t.tensor([[1, NaN, 3], [-Infinity, 2, Infinity], [4, 5, 6]]);
      return [t.max(x, 1), t.min(x, 1), t.sum(x, 1), t.prod(x, 0), t.mean(x, 0), t.argMax(x, 1), t.argMin(x, 1), t.argMax(x, 0)];
    });
    await expectSameAsTfjs('a NaN first', (t) => [t.argMax(t.tensor([NaN, 1, 3])), t.argMin(t.tensor([NaN, 1, 3]))]);
  });

  it('all, any, argMax, argMin over awkward shapes as TF.js', async () => {
    for (const shape of [[1], [7], [3, 65], [17, 5], [2, 3, 9]]) {
      const bits = (t: typeof tf, seed: number) => t.cast(integral(shape, seed, t, 0, 2), 'bool');
      for (let axis = -shape.length; axis < shape.length; axis++) {
        const label = `[${shape}] axis ${axis}`;
        await expectSameAsTfjs(`all/any ${label}`, (t) => [t.all(bits(t, 8), axis), t.any(bits(t, 9), axis, true), t.all(t.onesLike(bits(t, 9)), axis)]);
        await expectSameAsTfjs(`argMax/argMin ${label}`, (t) => [t.argMax(integral(shape, 10, t), axis), t.argMin(integral(shape, 11, t), axis), t.argMax(t.cast(integral(shape, 12, t), 'int32'), axis)]);
      }
    }
    await expectSameAsTfjs('all and any take values as bools', (t) => [t.all([1, 0, 2]), t.any([[0, 0], [0, 3]], 1)]);
    await expectSameAsTfjs('argMax takes [axis]', (t) => t.argMax(t.tensor([[1, 2], [3, 0]]), [1] as unknown as number));
  });

  it('empty tensors: shapes as TF.js; sum 0, prod 1, max of no floats NaN, of no ints 0', async () => {
    await expectSameAsTfjs('sum, prod, max, min', (t) => {
      const x = t.zeros([3, 0, 2]);
      return [t.sum(x, 1), t.prod(x, 1), t.max(x, 1), t.min(x, [0, 1]), t.sum(x), t.sum(x, 0), t.max(x, 2), t.max(t.zeros([3, 0], 'int32'), 1)];
    });
    await expectSameAsTfjs('argMax of no rows', (t) => t.argMax(t.zeros([0, 3]), 1));
    // Beyond TF.js's CPU kernels (which give 0 and false): the mean of no values is NaN, all of none is true.
    tf.tidy(() => {
      expect(Array.from(tf.mean(tf.zeros([2, 0]), 1).dataSync())).toEqual([NaN, NaN]);
      expect(Array.from(tf.all(tf.zeros([2, 0], 'bool'), 1).dataSync())).toEqual([1, 1]);
      expect(Array.from(tf.any(tf.zeros([2, 0], 'bool'), 1).dataSync())).toEqual([0, 0]);
    });
  });

  it('sums and means in f64: mean([1e38 x 4]) is 1e38 over any axes, huge sums cancel exactly', async () => {
    const big = f(1e38);
    tf.tidy(() => {
      for (const [shape, axis] of [[[4], null], [[2, 2], null], [[4, 3, 4], [0, 2]], [[2, 4, 2], [0, 2]], [[4, 2, 2, 3], [1, 2]]] as Array<[number[], number[] | null]>) {
        const x = tf.fill(shape, big);
        expect(Array.from(tf.mean(x, axis).dataSync()).every((v) => v === big), `mean [${shape}] ${axis}`).toBe(true);
        expect(Array.from(tf.sum(x, axis).dataSync()).every((v) => v === Infinity), `sum [${shape}] ${axis}`).toBe(true);
      }
      const halves = tf.tensor([...new Array(12).fill(big), ...new Array(12).fill(-big)], [2, 3, 4]);
      expect(tf.sum(halves, [0, 2]).arraySync()).toEqual([0, 0, 0]);
    });
  });

  it('logSumExp, moments, norm and euclideanNorm as TF.js', async () => {
    for (const [shape, axes] of AXES.slice(0, 4)) {
      for (const axis of axes) {
        for (const keepDims of [false, true]) {
          const label = `[${shape}] axis ${JSON.stringify(axis)} keepDims ${keepDims}`;
          await expectSameAsTfjs(`logSumExp ${label}`, (t) => t.logSumExp(sample(shape, 13, -3, 3, 0, t), axis, keepDims));
          await expectSameAsTfjs(`moments ${label}`, (t) => {
            const { mean, variance } = t.moments(sample(shape, 14, -3, 3, 0, t), axis, keepDims);
            return [mean, variance];
          });
          // TF.js refuses axis [] beyond rank 1; neurite takes it, as every reduction does, for no axes: |x|.
          if (!(shape.length > 1 && Array.isArray(axis) && axis.length === 0)) {
            await expectSameAsTfjs(`euclideanNorm ${label}`, (t) => t.euclideanNorm(sample(shape, 15, -3, 3, 0, t), axis, keepDims));
          }
        }
      }
    }
    const x = (t: typeof tf) => sample([3, 4, 5], 16, -3, 3, 0, t);
    for (const ord of ['euclidean', 1, 2, Infinity, -Infinity] as const) {
      for (const axis of [null, 0, 2, -1, [2]]) {
        await expectSameAsTfjs(`norm ord ${ord} axis ${JSON.stringify(axis)}`, (t) => [t.norm(x(t), ord, axis), t.norm(x(t), ord, axis, true)]);
      }
    }
    for (const ord of ['euclidean', 'fro', 1, Infinity, -Infinity] as const) {
      for (const axis of [[0, 1], [1, 2], [0, 2]]) {
        await expectSameAsTfjs(`matrix norm ord ${ord} axis ${axis}`, (t) => [t.norm(x(t), ord, axis), t.norm(x(t), ord, axis, true)]);
      }
    }
    await expectSameAsTfjs('norms of int32 and of a scalar', (t) => [t.norm(t.tensor([3, -4], [2], 'int32'), 1), t.norm(t.tensor([3, -4], [2], 'int32'), Infinity), t.norm(t.scalar(-3)), t.moments(t.tensor([1, 2, 4], [3], 'int32')).variance]);
    await expectSameAsTfjs('logSumExp of int32, and of no values', (t) => [t.logSumExp(t.tensor([1, 2], [2], 'int32')), t.logSumExp(t.zeros([2, 0]), 1)]);
  });

  it('matrix norms over axes in either order, negative too (TF.js assumes rows < columns)', () => {
    tf.tidy(() => {
      const x = tf.tensor2d([[1, -2], [3, 4]]);
      expect(tf.norm(x, 1, [0, 1]).arraySync()).toBe(6); // the largest column sum
      expect(tf.norm(x, Infinity, [0, 1]).arraySync()).toBe(7); // the largest row sum
      expect(tf.norm(x, 1, [1, 0]).arraySync()).toBe(7);
      expect(tf.norm(x, Infinity, [1, 0]).arraySync()).toBe(6);
      expect(tf.norm(x, -Infinity, [-2, -1]).arraySync()).toBe(3);
      expect(tf.norm(x, 'fro').arraySync()).toBeCloseTo(Math.sqrt(30), 5);
    });
  });

  it('cumsum and cumprod along every axis, exclusive and reversed, as TF.js', async () => {
    for (const shape of [[1], [7], [65], [3, 17], [2, 3, 9], [4, 1, 5]]) {
      for (let axis = 0; axis < shape.length; axis++) {
        for (const exclusive of [false, true]) {
          for (const reverse of [false, true]) {
            const label = `[${shape}] axis ${axis} exclusive ${exclusive} reverse ${reverse}`;
            // Integers: exact in TF.js's f32 running sums and in neurite's f64 ones alike.
            await expectSameAsTfjs(`cumsum ${label}`, (t) => [t.cumsum(integral(shape, 17, t), axis, exclusive, reverse), t.cumsum(t.cast(integral(shape, 18, t), 'int32'), axis, exclusive, reverse)]);
            await expectSameAsTfjs(`cumprod ${label}`, (t) => [t.cumprod(sample(shape, 19, 0.8, 1.25, 0, t), axis, exclusive, reverse), t.cumprod(t.cast(integral(shape, 20, t, -2, 3), 'int32'), axis, exclusive, reverse)]);
          }
        }
      }
    }
    await expectSameAsTfjs('cumsum of random floats', (t) => t.cumsum(sample([3, 257], 21, -1, 1, 0, t), 1), { atol: 1e-4 });
    await expectSameAsTfjs('cumsum and cumprod of bool', (t) => [t.cumsum(t.tensor([true, true, false, true])), t.cumprod(t.tensor([true, true, false]))]);
    await expectSameAsTfjs('cumsum of an empty tensor', (t) => t.cumsum(t.zeros([0, 2]), 1));
  });

  it('topk as TF.js: sorted, ties by index, int32 and bool values, k 0 to n', async () => {
    for (const shape of [[1], [7], [65], [3, 17], [2, 3, 9], [0, 4]]) {
      const n = shape[shape.length - 1];
      for (const k of [...new Set([0, 1, Math.floor(n / 2), n])]) {
        await expectSameAsTfjs(`topk [${shape}] k ${k}`, (t) => {
          const { values, indices } = t.topk(integral(shape, 22 + k, t), k);
          const ints = t.topk(t.cast(integral(shape, 23, t), 'int32'), k);
          return [values, indices, ints.values, ints.indices];
        });
      }
    }
    await expectSameAsTfjs('topk default k, bool, infinities', (t) => {
      const a = t.topk(t.tensor2d([[1, 5], [4, 3]]));
      const b = t.topk(t.tensor([true, false, true]), 2);
      const c = t.topk(t.tensor([-Infinity, 1, Infinity, 0, -0]), 5);
      return [a.values, a.indices, b.values, b.indices, c.values, c.indices];
    });
    tf.tidy(() => {
      // NaN ranks above every number (TF.js's order with NaN is undefined); sorted: false gives them sorted too.
      const { values, indices } = tf.topk(tf.tensor([1, NaN, 3, NaN, 2]), 3);
      expect(Array.from(values.dataSync())).toEqual([NaN, NaN, 3]);
      expect(Array.from(indices.dataSync())).toEqual([1, 3, 2]);
      expect(Array.from(tf.topk(tf.tensor([1, 9, 3, 7, 5, 2, 8]), 3, false).indices.dataSync())).toEqual([1, 6, 3]);
    });
  });

  it('unique along any axis as TF.js: float32, int32 and bool, NaN and -0', async () => {
    await expectSameAsTfjs('1-D', (t) => {
      const a = t.unique(t.tensor1d([1, 1, 2, 4, 4, 4, 7, 8, 8]));
      const b = t.unique(t.tensor([NaN, 1, NaN, 0, -0]));
      const c = t.unique(t.tensor([3, 1, 3], [3], 'int32'));
      const d = t.unique(t.tensor([true, true, false]));
      return [a.values, a.indices, b.values, b.indices, c.values, c.indices, d.values, d.indices];
    });
    for (const shape of [[3, 3], [17, 2], [2, 65], [3, 4, 5], [2, 0], [0, 2]]) {
      for (let axis = -shape.length; axis < shape.length; axis++) {
        await expectSameAsTfjs(`[${shape}] axis ${axis}`, (t) => {
          const { values, indices } = t.unique(integral(shape, 24, t, 0, 2), axis);
          return [values, indices];
        });
      }
    }
  });

  it('bincount, denseBincount and tf.math.confusionMatrix as TF.js', async () => {
    const x = (t: typeof tf, n: number, seed: number, top = 6) => t.cast(integral([n], seed, t, 0, top), 'int32');
    for (const n of [1, 7, 65, 257]) {
      await expectSameAsTfjs(`bincount ${n}`, (t) => [t.bincount(x(t, n, 25), [], 4), t.bincount(x(t, n, 26), integral([n], 27, t), 5), t.bincount(x(t, n, 28), t.cast(integral([n], 29, t), 'int32'), 3)]);
      await expectSameAsTfjs(`denseBincount ${n}`, (t) => {
        const rows = t.reshape(x(t, 2 * n, 30), [2, n]);
        return [t.denseBincount(rows, [], 6), t.denseBincount(rows, t.reshape(integral([2 * n], 31, t), [2, n]), 4), t.denseBincount(rows, [], 7, true), t.denseBincount(x(t, n, 32), [], 5)];
      });
      await expectSameAsTfjs(`confusionMatrix ${n}`, (t) => t.math.confusionMatrix(x(t, n, 33, 4), x(t, n, 34, 4), 4));
    }
    await expectSameAsTfjs('bincount edge cases', (t) => [t.bincount(t.tensor([1, 1], [2], 'int32'), [], 0), t.bincount(t.tensor([[1, 1]], [1, 2], 'int32'), [], 3), t.bincount(t.zeros([0], 'int32'), [], 2)]);
    await expectSameAsTfjs('confusionMatrix of floats and bools, and of none', (t) => [
      t.math.confusionMatrix([0, 1.7], [0, 1], 3),
      t.math.confusionMatrix([true, false], [true, true], 2),
      t.math.confusionMatrix([], [], 2),
    ]);
    tf.tidy(() => {
      // Beyond TF.js's CPU kernel, which ignores binaryOutput for a vector.
      expect(Array.from(tf.denseBincount(tf.tensor([1, 1, 2], [3], 'int32'), [], 4, true).dataSync())).toEqual([0, 1, 1, 0]);
    });
  });

  it('chainable methods as TF.js names them', async () => {
    await expectSameAsTfjs('methods', (t) => {
      const x = t.tensor2d([[1, 4, 2], [3, 0, 5]]);
      const b = t.tensor2d([[1, 0], [1, 1]], [2, 2], 'bool');
      return [
        x.sum(1), x.mean(0, true), x.prod(), x.max(-1), x.min(), x.argMax(1), x.argMin(), b.all(1), b.any(0), x.logSumExp(1), x.norm(1), x.euclideanNorm(0),
        x.cumsum(1), x.cumprod(0, true), x.topk(2).values, x.reshape([6]).unique().values,
      ];
    });
  });
});

describe.each(['wasm', 'js'] as const)('reduction gradients on %s', (backend) => {
  onBackend(backend);

  it('sum, mean, prod, max, min over any axes match central differences', () => {
    const x = sample([3, 4, 5], 40, -2, 2, 0.3);
    // Values apart, so that max and min have one winner and a small step does not change it.
    const spread = tf.tensor(Array.from({ length: 60 }, (_, i) => ((i * 37) % 60) / 10 - 3), [3, 4, 5]);
    const positive = sample([3, 4, 5], 41, 0.5, 1.5);
    for (const axis of [null, 0, 1, -1, [0, 2], [1, 2]]) {
      for (const keepDims of [false, true]) {
        const label = `axis ${JSON.stringify(axis)} keepDims ${keepDims}`;
        expectGradient(`sum ${label}`, (a) => tf.sum(a, axis, keepDims), [x]);
        expectGradient(`mean ${label}`, (a) => tf.mean(a, axis, keepDims), [x]);
        expectGradient(`prod ${label}`, (a) => tf.prod(a, axis, keepDims), [positive]);
        expectGradient(`max ${label}`, (a) => tf.max(a, axis, keepDims), [spread], { h: 1e-3 });
        expectGradient(`min ${label}`, (a) => tf.min(a, axis, keepDims), [spread], { h: 1e-3 });
      }
    }
    tf.dispose([x, spread, positive]);
  });

  it('prod with a zero in it: the product of the others, as TF.js', async () => {
    await expectSameAsTfjs('prod gradient', (t) => t.grad((a: tf.Tensor) => t.prod(a, 1))(t.tensor2d([[2, 0, 3], [0, 0, 4], [1, 2, 3]])));
  });

  it('max and min send the gradient to every tied winner, as TF.js', async () => {
    await expectSameAsTfjs('ties', (t) => [t.grad((a: tf.Tensor) => t.max(a, 1))(t.tensor2d([[1, 3, 3], [2, 0, 1]])), t.grad((a: tf.Tensor) => t.min(a))(t.tensor1d([1, 0, 0]))]);
  });

  it('logSumExp, moments, norms, cumsum and cumprod match central differences', () => {
    const x = sample([4, 5], 42, -2, 2, 0.3);
    const positive = sample([4, 5], 43, 0.5, 1.5);
    for (const axis of [null, 0, -1]) {
      expectGradient(`logSumExp ${axis}`, (a) => tf.logSumExp(a, axis), [x]);
      expectGradient(`moments mean ${axis}`, (a) => tf.moments(a, axis).mean, [x]);
      expectGradient(`moments variance ${axis}`, (a) => tf.moments(a, axis).variance, [x]);
      expectGradient(`euclideanNorm ${axis}`, (a) => tf.euclideanNorm(a, axis), [x]);
      expectGradient(`norm 1 ${axis}`, (a) => tf.norm(a, 1, axis), [x]);
    }
    for (const axis of [0, 1]) {
      for (const exclusive of [false, true]) {
        for (const reverse of [false, true]) {
          const label = `axis ${axis} exclusive ${exclusive} reverse ${reverse}`;
          expectGradient(`cumsum ${label}`, (a) => tf.cumsum(a, axis, exclusive, reverse), [x]);
          expectGradient(`cumprod ${label}`, (a) => tf.cumprod(a, axis, exclusive, reverse), [positive]);
        }
      }
    }
    tf.dispose([x, positive]);
  });

  it('gradients of gradients: second derivatives through sum, cumsum, prod and max', async () => {
    await expectSameAsTfjs('second derivatives', (t) => [
      t.grad((a: tf.Tensor) => t.grad((b: tf.Tensor) => t.sum(b.mul(b).mul(b), 0))(a))(t.tensor2d([[1, 2], [3, 4]])),
      t.grad((a: tf.Tensor) => t.grad((b: tf.Tensor) => t.cumsum(b.mul(b)).sum())(a))(t.tensor1d([1, -3, 2])),
    ]);
    // TF.js has no gradient for cumprod (prod's gradient): neurite's second derivatives against differences.
    const x = sample([2, 3], 44, 0.5, 1.5);
    expectGradient('d/dx of prod gradient', (a) => tf.grad((b: tf.Tensor) => tf.prod(b, 1))(a), [x]);
    expectGradient('d/dx of cumprod gradient', (a) => tf.grad((b: tf.Tensor) => tf.cumprod(b, 1))(a), [x]);
    expectGradient('d/dx of logSumExp gradient', (a) => tf.grad((b: tf.Tensor) => tf.logSumExp(b, 1))(a), [x]);
    x.dispose();
    // TF.js has no gradient for equal, so it cannot take this one; the mask is a constant: d2/dx2 max(x^2) = 2.
    tf.tidy(() => expect(Array.from(tf.grad((a: tf.Tensor) => tf.grad((b: tf.Tensor) => tf.max(b.mul(b)))(a))(tf.tensor1d([1, -3, 2])).dataSync())).toEqual([0, 2, 0]));
  });

  it('argMax and argMin give zeros, as TF.js', async () => {
    await expectSameAsTfjs('arg gradient', (t) => t.grad((a: tf.Tensor) => t.argMax(a).cast('float32').add(a.sum()))(t.tensor1d([1, 3, 2])));
  });
});

describe.each(['wasm', 'js'] as const)('bad input to reductions on %s', (backend) => {
  onBackend(backend);

  it('throws where TF.js throws', async () => {
    const x = (t: typeof tf) => t.tensor2d([[1, 2], [3, 4]]);
    const cases: Array<[string, (t: typeof tf) => tf.Tensor | tf.Tensor[]]> = [
      ['sum axis out of range', (t) => t.sum(x(t), 2)],
      ['mean axis out of range', (t) => t.mean(x(t), -3)],
      ['max of a scalar over axis 0', (t) => t.max(t.scalar(3), 0)],
      ['argMax of a scalar', (t) => t.argMax(t.scalar(3))],
      ['argMax over two axes', (t) => t.argMax(x(t), [0, 1] as unknown as number)],
      ['all of float32', (t) => t.all(x(t))],
      ['any of int32', (t) => t.any(t.tensor([1, 0], [2], 'int32'))],
      ['norm ord 3', (t) => t.norm(t.tensor1d([1, 2]), 3)],
      ['norm ord 2 of a matrix', (t) => t.norm(x(t), 2, [0, 1])],
      ['norm over three axes', (t) => t.norm(t.zeros([2, 2, 2]), 'euclidean', [0, 1, 2])],
      ['norm fro of a vector', (t) => t.norm(t.tensor1d([1, 2]), 'fro')],
      ['topk of a scalar', (t) => t.topk(t.scalar(1)).values],
      ['topk k > n', (t) => t.topk(t.tensor1d([1, 2]), 3).values],
      ['topk k < 0', (t) => t.topk(t.tensor1d([1, 2]), -1).values],
      ['unique of a scalar', (t) => t.unique(t.scalar(1)).values],
      ['unique axis out of range', (t) => t.unique(x(t), 2).values],
      ['bincount of floats', (t) => t.bincount(t.tensor1d([1, 2]), [], 3)],
      ['bincount of a negative value', (t) => t.bincount(t.tensor([1, -1], [2], 'int32'), [], 3)],
      ['bincount size < 0', (t) => t.bincount(t.tensor([1], [1], 'int32'), [], -1)],
      ['bincount weights of another size', (t) => t.bincount(t.tensor([1, 1], [2], 'int32'), [1, 2, 3], 3)],
      ['denseBincount of rank 3', (t) => t.denseBincount(t.zeros([1, 1, 1], 'int32'), [], 2)],
      ['confusionMatrix numClasses 0', (t) => t.math.confusionMatrix([0, 1], [0, 1], 0)],
      ['confusionMatrix lengths', (t) => t.math.confusionMatrix([0, 1], [0], 2)],
      ['confusionMatrix of rank 2', (t) => t.math.confusionMatrix([[0]], [[0]], 2)],
    ];
    for (const [label, program] of cases) await expectSameAsTfjs(label, program);
  });

  it('each error names the op and the argument', () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const ints = tf.tensor([1, 2], [2], 'int32');
    const cases: Array<[() => unknown, RegExp]> = [
      [() => tf.sum(x, 2), /^sum: axis 2 is out of range for a tensor of rank 2/],
      [() => tf.mean(x, [1, 1]), /^mean: axis \[1,1\] repeats an axis/],
      [() => tf.prod(x, 0.5), /^prod: axis 0.5 is out of range/],
      [() => tf.max(tf.scalar(1), 0), /^max: axis 0 is out of range for a scalar/],
      [() => tf.min(x, 0, 'yes' as unknown as boolean), /^min: keepDims must be true or false/],
      [() => tf.all(x), /^all: x must have dtype bool, got float32/],
      [() => tf.any('x' as unknown as tf.Tensor), /^any: x must be/],
      [() => tf.argMax(tf.scalar(1)), /^argMax: x must have rank >= 1/],
      [() => tf.argMin(x, 1.5), /^argMin: axis must be an integer/],
      [() => tf.argMax(tf.zeros([0, 2]), 0), /^argMax: axis 0 of x \[0, 2\] is empty/],
      [() => tf.logSumExp(x, 5), /^logSumExp: axis 5 is out of range/],
      [() => tf.moments(x, 0, 1 as unknown as boolean), /^moments: keepDims must be true or false/],
      [() => tf.norm(x, 3), /^norm: ord must be 'euclidean', 'fro', 1, 2, Infinity or -Infinity, got 3/],
      [() => tf.norm(x, 2, [0, 1]), /^norm: ord 2 over two axes/],
      [() => tf.norm(x, 'euclidean', [0, 1, 0]), /^norm: axis \[0,1,0\] repeats an axis/],
      [() => tf.euclideanNorm(x, 3), /^euclideanNorm: axis 3 is out of range/],
      [() => tf.cumsum(x, 2), /^cumsum: axis 2 is out of range/],
      [() => tf.cumsum(x, [0] as unknown as number), /^cumsum: axis must be an integer/],
      [() => tf.cumprod(tf.scalar(1)), /^cumprod: x must have rank >= 1/],
      [() => tf.cumprod(x, 0, 'no' as unknown as boolean), /^cumprod: exclusive must be true or false/],
      [() => tf.cumsum(x, 0, false, 1 as unknown as boolean), /^cumsum: reverse must be true or false/],
      [() => tf.topk(x, 3), /^topk: k must be an integer in \[0, 2\], got 3/],
      [() => tf.topk(x, 1.5), /^topk: k must be an integer/],
      [() => tf.topk(x, 1, 'yes' as unknown as boolean), /^topk: sorted must be true or false/],
      [() => tf.unique(x, 0.5), /^unique: axis must be an integer/],
      [() => tf.bincount(x, [], 2), /^bincount: x must have dtype int32, got float32/],
      [() => tf.bincount(ints, [], 1.5), /^bincount: size must be an integer >= 0/],
      [() => tf.bincount(ints, [true, false], 3), /^bincount: weights must have dtype float32 or int32, got bool/],
      [() => tf.bincount(ints, [1], 3), /^bincount: weights must have as many values as x/],
      [() => tf.bincount(tf.tensor([1, -2], [2], 'int32'), [], 3), /^bincount: x must hold values >= 0, got -2/],
      [() => tf.denseBincount(ints, [], 3, 1 as unknown as boolean), /^denseBincount: binaryOutput must be true or false/],
      [() => tf.denseBincount(tf.tensor([[1, 2]], [1, 2], 'int32'), [1, 2], 3), /^denseBincount: weights must have the shape of x/],
      [() => tf.math.confusionMatrix([0, 1], [0, 1], 1.5), /^confusionMatrix: numClasses must be an integer in \[1, 32768\]/],
      [() => tf.math.confusionMatrix([0, 3], [0, 1], 3), /^confusionMatrix: labels must be classes in \[0, 2\], got 3/],
      [() => tf.math.confusionMatrix([0, 1], [-1, 1], 3), /^confusionMatrix: predictions must be classes in \[0, 2\], got -1/],
      [() => tf.math.confusionMatrix([0, 1], [0], 3), /^confusionMatrix: labels and predictions must have the same length/],
    ];
    tf.tidy(() => {
      for (const [call, message] of cases) expect(call).toThrow(message);
    });
    tf.dispose([x, ints]);
  });
});
