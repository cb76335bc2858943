// The js twin of assembly/random.ts, bit for bit: xoshiro128** over the four u32 words at `state`, uniform and
// normal fills, inverted dropout. u32 arithmetic by Math.imul and >>> 0; f32 steps by Math.fround; the log is
// this file's own (log64), the same operations as the wasm one, never Math.log. Not for cryptography.

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';

type RandomKernels = Pick<Kernels, 'rngSeed' | 'rngUniform' | 'rngNormal' | 'dropoutForward'>;

const f = Math.fround;

/** The next 32-bit output of xoshiro128** with its state at u32[s..s+4); advances the state. */
function next(u32: Uint32Array, s: number): number {
  let s0 = u32[s];
  let s1 = u32[s + 1];
  let s2 = u32[s + 2];
  let s3 = u32[s + 3];
  const r = Math.imul(s1, 5);
  const result = Math.imul((r << 7) | (r >>> 25), 9) >>> 0;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = (s3 << 11) | (s3 >>> 21);
  u32[s] = s0;
  u32[s + 1] = s1;
  u32[s + 2] = s2;
  u32[s + 3] = s3;
  return result;
}

/** Uniform in [0, 1) with 24 bits: exact in f32. */
function uniform24(u32: Uint32Array, s: number): number {
  return (next(u32, s) >>> 8) * 2 ** -24;
}

/** Uniform in [-1, 1) with 53 bits from two outputs (27 + 26 bits). */
function uniformSigned53(u32: Uint32Array, s: number): number {
  const hi = next(u32, s) >>> 5;
  const lo = next(u32, s) >>> 6;
  return (hi * 67108864 + lo) * (2 / 9007199254740992) - 1;
}

const LN2_HI = 6.9314718036912381649e-1; // fdlibm's split of ln 2: LN2_HI * e is exact for |e| < 2^11
const LN2_LO = 1.90821492927058770002e-10;
const SQRT2 = 1.4142135623730951;
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer); // words[1] is the high word (little-endian, as wasm)

/**
 * ln(x) for finite x > 0 with the operations of assembly/random.ts: x = 2^e * r, r in [sqrt(1/2), sqrt(2)],
 * ln r = 2 atanh((r-1)/(r+1)) by the odd series to f^21. About 1e-16 relative; exported for tests.
 */
export function log64(x: number): number {
  bits[0] = x;
  let e = (words[1] >>> 20) - 1023;
  if (e === -1023) {
    bits[0] = x * 18014398509481984; // 2^54: subnormal into the normal range
    e = (words[1] >>> 20) - 1023 - 54;
  }
  words[1] = (words[1] & 0x000fffff) | 0x3ff00000; // r in [1, 2)
  let r = bits[0];
  if (r > SQRT2) {
    r *= 0.5;
    e += 1;
  }
  const fr = (r - 1) / (r + 1);
  const f2 = fr * fr;
  const series = 1 + f2 * (1 / 3 + f2 * (1 / 5 + f2 * (1 / 7 + f2 * (1 / 9 + f2 * (1 / 11 + f2 * (1 / 13 + f2 * (1 / 15 + f2 * (1 / 17 + f2 * (1 / 19 + f2 * (1 / 21))))))))));
  return e * LN2_HI + (e * LN2_LO + 2 * fr * series);
}

export function randomKernels(heap: Heap): RandomKernels {
  return {
    // state (4 u32): word k = fmix32(seed + (k+1)*golden), the splitmix32 expansion (never all zero)
    rngSeed(state: Ptr, seed: number): void {
      const u32 = heap.u32;
      let z = seed >>> 0;
      for (let k = 0; k < 4; k++) {
        z = (z + 0x9e3779b9) >>> 0;
        let h = z;
        h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
        h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
        h ^= h >>> 16;
        u32[word(state) + k] = h;
      }
    },

    // out (n) = lo + (hi - lo) * u in f32
    rngUniform(state: Ptr, out: Ptr, n: number, lo: number, hi: number): void {
      const u32 = heap.u32;
      const f32 = heap.f32;
      const s = word(state);
      const lof = f(lo);
      const range = f(f(hi) - lof);
      for (let i = 0; i < n; i++) f32[word(out) + i] = lof + f(range * uniform24(u32, s));
    },

    // out (n) = fround(mean + std*z), polar method, pairs used in order; truncated=1 skips |z| > 2
    rngNormal(state: Ptr, out: Ptr, n: number, mean: number, std: number, truncated: number): void {
      const u32 = heap.u32;
      const f32 = heap.f32;
      const s = word(state);
      const o = word(out);
      let i = 0;
      while (i < n) {
        let x: number;
        let y: number;
        let r: number;
        do {
          x = uniformSigned53(u32, s);
          y = uniformSigned53(u32, s);
          r = x * x + y * y;
        } while (r >= 1 || r === 0);
        const factor = Math.sqrt((-2 * log64(r)) / r);
        const z0 = x * factor;
        const z1 = y * factor;
        if (!truncated || Math.abs(z0) <= 2) f32[o + i++] = mean + std * z0;
        if (i < n && (!truncated || Math.abs(z1) <= 2)) f32[o + i++] = mean + std * z1;
      }
    },

    // x (n), out (n), mask (n): mask = u >= rate ? 1/(1-rate) : 0, out = x*mask; out may be x
    dropoutForward(state: Ptr, x: Ptr, out: Ptr, mask: Ptr, n: number, rate: number): void {
      const u32 = heap.u32;
      const f32 = heap.f32;
      const s = word(state);
      const ratef = f(rate);
      const keepScale = f(1 / f(1 - ratef));
      for (let i = 0; i < n; i++) {
        const mi = uniform24(u32, s) >= ratef ? keepScale : 0;
        f32[word(mask) + i] = mi;
        f32[word(out) + i] = f32[word(x) + i] * mi;
      }
    },
  };
}
