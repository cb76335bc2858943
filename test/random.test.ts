// The seeded PRNG: a published xoshiro128** vector, bit-identical streams across the three builds, the seeding,
// the log the normals rely on, and the distributions (fixed seeds, bounds of 6-7 standard errors).

import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.js';
import { log64 } from '../src/backend/js/random.js';
import { RNG_STATE_BYTES, type Ptr } from '../src/backend/kernels.js';
import { BUILDS, backendFor, freeAll, get, put, randomData } from './support.js';
import { word } from '../src/backend/heap.js';

/** One kernel call on a fresh state seeded with `seed`: the f32 output bits and the state after. */
type Draw = (b: Backend, state: Ptr, n: number) => Float32Array;

function run(b: Backend, seed: number, n: number, draw: Draw): { out: Uint32Array; state: Uint32Array } {
  const state = b.heap.alloc(RNG_STATE_BYTES);
  b.kernels.rngSeed(state, seed);
  const out = draw(b, state, n);
  const after = b.heap.u32.slice(word(state), word(state) + 4);
  b.heap.free(state);
  return { out: new Uint32Array(out.buffer), state: after };
}

function uniformDraw(lo: number, hi: number): Draw {
  return (b, state, n) => {
    const out = b.heap.alloc(n * 4);
    b.kernels.rngUniform(state, out, n, lo, hi);
    const values = get(b, out, n);
    b.heap.free(out);
    return values;
  };
}

function normalDraw(mean: number, std: number, truncated: number): Draw {
  return (b, state, n) => {
    const out = b.heap.alloc(n * 4);
    b.kernels.rngNormal(state, out, n, mean, std, truncated);
    const values = get(b, out, n);
    b.heap.free(out);
    return values;
  };
}

/** Dropout output followed by its mask, as one array. */
function dropoutDraw(rate: number): Draw {
  return (b, state, n) => {
    const x = put(b, randomData(n, 11, -2, 2));
    const out = b.heap.alloc(n * 4);
    const mask = b.heap.alloc(n * 4);
    b.kernels.dropoutForward(state, x, out, mask, n, rate);
    const values = new Float32Array(2 * n);
    values.set(get(b, out, n));
    values.set(get(b, mask, n), n);
    freeAll(b, [x, out, mask]);
    return values;
  };
}

const DRAWS: Array<[string, Draw]> = [
  ['uniform [0,1)', uniformDraw(0, 1)],
  ['uniform [-0.05,0.3)', uniformDraw(-0.05, 0.3)],
  ['normal', normalDraw(0.5, 2, 0)],
  ['truncated normal', normalDraw(-1, 0.05, 1)],
  ['dropout 0.3', dropoutDraw(0.3)],
];

/** fmix32 (MurmurHash3's finaliser) in BigInt: an implementation independent of both kernels. */
function fmix32(z: bigint): bigint {
  const M = 0xffffffffn;
  let h = z & M;
  h = ((h ^ (h >> 16n)) * 0x85ebca6bn) & M;
  h = ((h ^ (h >> 13n)) * 0xc2b2ae35n) & M;
  return h ^ (h >> 16n);
}

function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

function variance(x: ArrayLike<number>): number {
  const m = mean(x);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - m) ** 2;
  return s / x.length;
}

describe('xoshiro128** stream is the same on every build', () => {
  for (const [name, draw] of DRAWS) {
    for (const n of [1, 3, 257, 100000]) {
      it(`${name}, n=${n}`, async () => {
        const reference = run(await backendFor('js'), 20240607, n, draw);
        for (const build of BUILDS) {
          const got = run(await backendFor(build), 20240607, n, draw);
          // Exact equality of bits, checked without a per-element expect (100000 elements).
          const firstDiff = got.out.findIndex((v, i) => v !== reference.out[i]);
          expect(firstDiff, `${build}: first differing element`).toBe(-1);
          expect(got.out.length).toBe(reference.out.length);
          expect(Array.from(got.state), `${build}: state after`).toEqual(Array.from(reference.state));
        }
      });
    }
  }
});

describe.each(BUILDS)('random (%s)', (build) => {
  it('matches the reference xoshiro128** outputs for a fixed state', async () => {
    // State and outputs from edorfaus/xoshiro-6502 test-rom/testdata.asm, generated with the C reference
    // implementation (prng.di.unimi.it/xoshiro128starstar.c): four outputs and the state after them.
    const b = await backendFor(build);
    const state = b.heap.alloc(RNG_STATE_BYTES);
    b.heap.u32.set([0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0], word(state));
    const out = b.heap.alloc(16);
    b.kernels.rngUniform(state, out, 4, 0, 1);
    // rngUniform(0, 1) is exactly the top 24 bits of each output times 2^-24.
    const expected = [0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70].map((r) => (r >>> 8) * 2 ** -24);
    expect(Array.from(get(b, out, 4))).toEqual(expected);
    expect(Array.from(b.heap.u32.slice(word(state), word(state) + 4))).toEqual([0xfc65379c, 0x52006d70, 0x87487639, 0xf1908343]);
    freeAll(b, [state, out]);
  });

  it('seeds word k with fmix32(seed + (k+1) * 0x9e3779b9), never all zero', async () => {
    const b = await backendFor(build);
    const state = b.heap.alloc(RNG_STATE_BYTES);
    // 0x61c88647 = -0x9e3779b9 mod 2^32 makes the first word's input 0, so that word is 0.
    for (const seed of [0, 1, 42, 0xffffffff, 0x61c88647]) {
      b.kernels.rngSeed(state, seed);
      const words = Array.from(b.heap.u32.slice(word(state), word(state) + 4));
      const expected = [1n, 2n, 3n, 4n].map((k) => Number(fmix32(BigInt(seed) + k * 0x9e3779b9n)));
      expect(words, `seed ${seed}`).toEqual(expected);
      expect(words.some((w) => w !== 0)).toBe(true);
    }
    b.kernels.rngSeed(state, 0x61c88647);
    expect(b.heap.u32[word(state)]).toBe(0);
    b.heap.free(state);
  });

  it('different seeds give different streams', async () => {
    const b = await backendFor(build);
    for (const [name, draw] of DRAWS) {
      const one = run(b, 1, 64, draw).out;
      const two = run(b, 2, 64, draw).out;
      const same = one.filter((v, i) => v === two[i]).length;
      // Dropout masks take two values and agree by chance 58% of the time (0.7^2 + 0.3^2), outputs with them.
      expect(same, name).toBeLessThan(name.startsWith('dropout') ? 0.8 * one.length : 2);
    }
  });

  it('uniform: in [lo, hi), mean and variance of 1e6 draws', async () => {
    const b = await backendFor(build);
    const n = 1_000_000;
    const u = run(b, 7, n, uniformDraw(0, 1)).out;
    const values = new Float32Array(u.buffer);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    // Standard errors: mean sqrt(1/12)/1000 = 2.9e-4, variance sqrt((1/80 - 1/144)/1e6) = 7.5e-5.
    expect(Math.abs(mean(values) - 0.5)).toBeLessThan(2e-3);
    expect(Math.abs(variance(values) - 1 / 12)).toBeLessThan(5e-4);
    const scaled = new Float32Array(run(b, 8, 100000, uniformDraw(-3, 5)).out.buffer);
    expect(scaled.every((v) => v >= -3 && v < 5)).toBe(true);
    expect(Math.min(...scaled)).toBeLessThan(-2.99);
    expect(Math.max(...scaled)).toBeGreaterThan(4.99);
  });

  it('normal: mean and std of 1e6 draws', async () => {
    const b = await backendFor(build);
    const values = new Float32Array(run(b, 9, 1_000_000, normalDraw(3, 2, 0)).out.buffer);
    // Standard errors: mean 2/1000 = 2e-3, std about 2/sqrt(2e6) = 1.4e-3.
    expect(Math.abs(mean(values) - 3)).toBeLessThan(1.2e-2);
    expect(Math.abs(Math.sqrt(variance(values)) - 2)).toBeLessThan(1e-2);
    // Untruncated: some draws beyond 2 std (4.6% expected).
    const beyond = values.filter((v) => Math.abs(v - 3) > 4).length / values.length;
    expect(Math.abs(beyond - 0.0455)).toBeLessThan(3e-3);
  });

  it('truncated normal: never beyond 2 std, std of the truncated law', async () => {
    const b = await backendFor(build);
    const values = new Float32Array(run(b, 10, 1_000_000, normalDraw(-1, 0.5, 1)).out.buffer);
    expect(values.every((v) => Math.abs(v + 1) <= 1 + 1e-6)).toBe(true);
    // Normal truncated to [-2, 2]: variance 1 - 4 phi(2) / (Phi(2) - Phi(-2)) = 0.77374, std 0.87962.
    expect(Math.abs(mean(values) + 1)).toBeLessThan(3e-3);
    expect(Math.abs(Math.sqrt(variance(values)) - 0.5 * 0.87962)).toBeLessThan(3e-3);
  });

  it('dropout keeps about 1 - rate with scale 1/(1 - rate), out = x * mask, out may be x', async () => {
    const b = await backendFor(build);
    const n = 100000;
    for (const rate of [0, 0.3, 0.9]) {
      const xs = randomData(n, 5, -2, 2);
      const x = put(b, xs);
      const mask = b.heap.alloc(n * 4);
      const state = b.heap.alloc(RNG_STATE_BYTES);
      b.kernels.rngSeed(state, 77);
      b.kernels.dropoutForward(state, x, x, mask, n, rate); // in place
      const out = get(b, x, n);
      const m = get(b, mask, n);
      const scale = Math.fround(1 / Math.fround(1 - Math.fround(rate)));
      let kept = 0;
      for (let i = 0; i < n; i++) {
        if (m[i] !== 0 && m[i] !== scale) expect.fail(`mask[${i}] = ${m[i]}`);
        if (out[i] !== Math.fround(xs[i] * m[i])) expect.fail(`out[${i}] = ${out[i]}, x*mask = ${xs[i] * m[i]}`);
        if (m[i] !== 0) kept++;
      }
      // Standard error of the kept fraction: sqrt(0.21/1e5) = 1.5e-3 at rate 0.3.
      expect(Math.abs(kept / n - (1 - rate)), `rate ${rate}`).toBeLessThan(1e-2);
      freeAll(b, [x, mask, state]);
    }
  });
});

describe('log64 (the log the normals use on every build)', () => {
  it('agrees with Math.log to about 1e-16 relative, subnormals included', () => {
    const xs = [1, 2, 0.5, Math.E, 1 + 2 ** -52, 1 - 2 ** -53, 0.7071067811865476, 1.4142135623730951, 1e-300, 5e-324, 2.5e-310, 0.999999, 1e-5];
    const data = randomData(10000, 3, 0, 1);
    for (const v of data) if (v > 0) xs.push(v);
    let worst = 0;
    for (const x of xs) {
      const want = Math.log(x);
      const err = Math.abs(log64(x) - want) / Math.max(Math.abs(want), Number.MIN_VALUE);
      worst = Math.max(worst, err);
    }
    // Math.log itself is within an ulp; two ulps either way leaves 4.5e-16.
    expect(worst).toBeLessThan(4.5e-16);
    expect(log64(1)).toBe(0);
  });
});
