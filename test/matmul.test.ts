// matmul and matmulNaive on every build against an f64 reference: awkward shapes, all four transpose layouts,
// accumulate 0 and 1, sentinels around an unaligned C, and a product larger than one scratch block.

import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.js';
import { MATMUL_SCRATCH_BYTES } from '../src/backend/kernels.js';
import { BUILDS, SIZES, backendFor, freeAll, get, randomData } from './support.js';
import { word } from '../src/backend/heap.js';

/** One logical product A (m,k) · B (k,n) with its exact value and the magnitude sum_p |a_ip| |b_pj|. */
interface Product {
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
  /** The C that accumulate=1 adds into. */
  c0: Float32Array;
  exact: Float64Array;
  magnitude: Float64Array;
}

const products = new Map<string, Product>();
/** Shared by every build and kernel, so each reference is computed once. */
function productFor(m: number, n: number, k: number): Product {
  const key = `${m}x${n}x${k}`;
  let product = products.get(key);
  if (!product) {
    const a = randomData(m * k, m * 7919 + k);
    const b = randomData(k * n, n * 104729 + k);
    const exact = new Float64Array(m * n);
    const magnitude = new Float64Array(m * n);
    for (let i = 0; i < m; i++) {
      for (let p = 0; p < k; p++) {
        const x = a[i * k + p];
        for (let j = 0; j < n; j++) {
          exact[i * n + j] += x * b[p * n + j];
          magnitude[i * n + j] += Math.abs(x * b[p * n + j]);
        }
      }
    }
    product = { m, n, k, a, b, c0: randomData(m * n, m + n + k), exact, magnitude };
    products.set(key, product);
  }
  return product;
}

function transpose(x: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = x[i * cols + j];
  return out;
}

const SENTINEL = -12345.5;
/** Floats of sentinel on each side of C; 3 also leaves C 4 bytes past a 16-byte boundary. */
const GUARD = 3;
/** A and B start 1 and 2 floats past an aligned block: kernels must not assume alignment. */
const A_SHIFT = 1;
const B_SHIFT = 2;

type Kernel = 'matmul' | 'matmulNaive';
/** transA, transB, accumulate */
const LAYOUTS: Array<[number, number, number]> = [];
for (const accumulate of [0, 1]) for (const transA of [0, 1]) for (const transB of [0, 1]) LAYOUTS.push([transA, transB, accumulate]);

/**
 * Runs one layout of the product and checks every element against the f64 value within
 * (k + 2) * 2^-24 * (sum_p |a_ip||b_pj| + |c0_ij|): the worst-case rounding bound for summing k products
 * and the accumulated C in f32 in any order (FMA or not), so it holds for every blocking and backend, yet a
 * lost or doubled term (about magnitude/k) exceeds it. Also checks the sentinels around C. Returns C.
 */
function run(backend: Backend, kernel: Kernel, pr: Product, transA: number, transB: number, accumulate: number): Float32Array {
  const { m, n, k } = pr;
  const heap = backend.heap;
  const label = `${kernel} ${m}x${n}x${k} transA=${transA} transB=${transB} accumulate=${accumulate}`;
  const aBlock = heap.alloc((m * k + A_SHIFT) * 4);
  const bBlock = heap.alloc((k * n + B_SHIFT) * 4);
  const cBlock = heap.alloc((m * n + 2 * GUARD) * 4);
  const a = aBlock + A_SHIFT * 4;
  const b = bBlock + B_SHIFT * 4;
  const c = cBlock + GUARD * 4;
  heap.f32.set(transA ? transpose(pr.a, m, k) : pr.a, word(a));
  heap.f32.set(transB ? transpose(pr.b, k, n) : pr.b, word(b));
  heap.f32.fill(SENTINEL, word(cBlock), word(cBlock) + m * n + 2 * GUARD);
  // Without accumulate, C starts as NaN: reading it would show.
  if (accumulate) heap.f32.set(pr.c0, word(c));
  else heap.f32.fill(NaN, word(c), word(c) + m * n);

  if (kernel === 'matmul') backend.kernels.matmul(a, b, c, m, n, k, transA, transB, accumulate, backend.scratch);
  else backend.kernels.matmulNaive(a, b, c, m, n, k, transA, transB, accumulate);

  const f = heap.f32;
  for (let g = 0; g < GUARD; g++) {
    expect(f[word(cBlock) + g], `${label}: sentinel before C`).toBe(SENTINEL);
    expect(f[word(c) + m * n + g], `${label}: sentinel after C`).toBe(SENTINEL);
  }
  const out = f.slice(word(c), word(c) + m * n);
  const unit = 2 ** -24 * (k + 2);
  for (let i = 0; i < m * n; i++) {
    const start = accumulate ? pr.c0[i] : 0;
    const expected = start + pr.exact[i];
    const tolerance = unit * (pr.magnitude[i] + Math.abs(start));
    if (!(Math.abs(out[i] - expected) <= tolerance)) {
      expect.fail(`${label} [${Math.floor(i / n)},${i % n}]: got ${out[i]}, expected ${expected} (tolerance ${tolerance})`);
    }
  }
  freeAll(backend, [aBlock, bBlock, cBlock]);
  return out;
}

// Every pair of SIZES on every pair of axes (a Latin square: K = SIZES[(x + y) mod 9]).
const COVERING: Array<[number, number, number]> = [];
SIZES.forEach((m, x) => SIZES.forEach((n, y) => COVERING.push([m, n, SIZES[(x + y) % SIZES.length]])));

// Each size on one axis with the others small; m = 1 and 2 take the row-at-a-time paths.
const ONE_AXIS: Array<[number, number, number]> = [];
SIZES.forEach((s, x) => ONE_AXIS.push([s, 2, 9], [9, s, 2], [5, 9, s], [2, s, SIZES[(x + 3) % SIZES.length]]));

// Across the blocks of assembly/matmul.ts (KC = 256, MC = 120, NC = 896, MR = 5 or 6, NR = 8, B read in
// place below 48 rows, one row at a time up to 2): K > KC and 2 KC, M > MC, N > NC, M not a multiple of the
// micro-tile, and either side of the row-count switches.
const BLOCKING: Array<[number, number, number]> = [
  [121, 17, 513],
  [13, 897, 257],
  [130, 905, 300],
  [47, 905, 260],
  [48, 20, 7],
  [15, 33, 260],
  [241, 9, 3],
  [3, 1001, 31],
];

describe.each(BUILDS)('matmul on %s', (build) => {
  describe.each(['matmul', 'matmulNaive'] as const)('%s', (kernel) => {
    it.each(COVERING)('covering design %ix%ix%i, every layout', async (m, n, k) => {
      const backend = await backendFor(build);
      for (const [transA, transB, accumulate] of LAYOUTS) run(backend, kernel, productFor(m, n, k), transA, transB, accumulate);
    });

    it.each(ONE_AXIS)('one axis %ix%ix%i, every layout', async (m, n, k) => {
      const backend = await backendFor(build);
      for (const [transA, transB, accumulate] of LAYOUTS) run(backend, kernel, productFor(m, n, k), transA, transB, accumulate);
    });

    it.each(BLOCKING)('across blocks %ix%ix%i, every layout', async (m, n, k) => {
      const backend = await backendFor(build);
      for (const [transA, transB, accumulate] of LAYOUTS) run(backend, kernel, productFor(m, n, k), transA, transB, accumulate);
    });
  });

  it('k = 0 is an empty sum: zeros, or C unchanged with accumulate', async () => {
    const backend = await backendFor(build);
    const c = backend.heap.alloc(5 * 7 * 4);
    const start = randomData(5 * 7, 3);
    for (const kernel of ['matmul', 'matmulNaive'] as const) {
      for (const accumulate of [0, 1]) {
        backend.heap.f32.set(start, word(c));
        if (kernel === 'matmul') backend.kernels.matmul(c, c, c, 5, 7, 0, 0, 0, accumulate, backend.scratch);
        else backend.kernels.matmulNaive(c, c, c, 5, 7, 0, 0, 0, accumulate);
        expect(Array.from(get(backend, c, 5 * 7)), `${kernel} accumulate=${accumulate}`).toEqual(Array.from(accumulate ? start : new Float32Array(5 * 7)));
      }
    }
    freeAll(backend, [c]);
  });

  it('600x700x900 (several scratch blocks in N, K and M): matmulNaive and every layout of matmul against f64', async () => {
    const backend = await backendFor(build);
    const pr = productFor(600, 700, 900);
    // The block after the scratch (the backend's PRNG state) shows a write past MATMUL_SCRATCH_BYTES.
    const after = word(backend.scratch + MATMUL_SCRATCH_BYTES);
    const next = backend.heap.f32.slice(after, after + 4);
    run(backend, 'matmulNaive', pr, 0, 0, 0);
    for (const [transA, transB, accumulate] of LAYOUTS.slice(2, 6)) run(backend, 'matmul', pr, transA, transB, accumulate);
    expect(Array.from(backend.heap.f32.slice(after, after + 4)), 'memory after the scratch').toEqual(Array.from(next));
  });
});
