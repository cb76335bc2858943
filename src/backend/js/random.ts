// The js twin of assembly/random.ts, bit for bit: xoshiro128** over the four u32 words at `state`, uniform,
// integer, normal and gamma fills, multinomial draws, shuffles, inverted dropout. u32 arithmetic by Math.imul
// and >>> 0; f32 steps by Math.fround; f64 to i32 saturating as wasm's; the log and exp are this file's own
// (log64, exp64), the same operations as the wasm ones, never Math.log. Not for cryptography.

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';
import { toInt32 } from './matrix.js';

type RandomKernels = Pick<Kernels, 'rngSeed' | 'rngUniform' | 'rngNormal' | 'dropoutForward' | 'rngUniformInt' | 'rngGamma' | 'rngMultinomial' | 'rngShuffle'>;

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

/** Uniform in [0, 1) with 53 bits from two outputs (27 + 26 bits). */
function uniform53(u32: Uint32Array, s: number): number {
  const hi = next(u32, s) >>> 5;
  const lo = next(u32, s) >>> 6;
  return (hi * 67108864 + lo) * (1 / 9007199254740992);
}

/** Uniform in (0, 1] with 53 bits: never 0, so its log is finite. */
function uniformOpen53(u32: Uint32Array, s: number): number {
  const hi = next(u32, s) >>> 5;
  const lo = next(u32, s) >>> 6;
  return (hi * 67108864 + lo + 1) * (1 / 9007199254740992);
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

const INV_LN2 = 1.442695040888963387;

/** 2^k for an integer k in [-1022, 1023], from its bits. */
function powerOfTwo(k: number): number {
  words[0] = 0;
  words[1] = (k + 1023) << 20;
  return bits[0];
}

/**
 * e^x for x <= 0 with the operations of assembly/random.ts: x = k ln2 + r, e^r by its Taylor series to r^13,
 * times 2^k (in two steps below 2^-1021). Exported for tests.
 */
export function exp64(x: number): number {
  if (x < -745.2) return 0;
  let k = Math.floor(x * INV_LN2 + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  const er = 1 + r * (1 + r * (1 / 2 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * (1 / 720 + r * (1 / 5040 + r * (1 / 40320 + r * (1 / 362880 + r * (1 / 3628800 + r * (1 / 39916800 + r * (1 / 479001600 + r * (1 / 6227020800)))))))))))));
  let scaled = er;
  if (k < -1021) {
    scaled *= powerOfTwo(-1000);
    k += 1000;
  }
  return scaled * powerOfTwo(k);
}

/** Math.round's rounding: to the nearest integer, halves up (the same steps as the wasm one). */
function roundHalfUp(x: number): number {
  const r = Math.floor(x);
  return x - r >= 0.5 ? r + 1 : r;
}

/** floor(x * places / 2^32) exactly, for u32 x and places <= 2^31: the high word of a 64-bit product. */
function scaledIndex(x: number, places: number): number {
  const high = (x >>> 16) * places + Math.floor(((x & 0xffff) * places) / 65536);
  return Math.floor(high / 65536);
}

/** A standard normal by the polar method; the second of each pair is kept in `spare` for the next draw. */
function normalPair(u32: Uint32Array, s: number): [number, number] {
  let x: number;
  let y: number;
  let r: number;
  do {
    x = uniformSigned53(u32, s);
    y = uniformSigned53(u32, s);
    r = x * x + y * y;
  } while (r >= 1 || r === 0);
  const factor = Math.sqrt((-2 * log64(r)) / r);
  return [x * factor, y * factor];
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

    // out (n) = mean + std*z, polar method, pairs used in order; mode 1: skip |z| > 2; mode 2: i32 rounded
    rngNormal(state: Ptr, out: Ptr, n: number, mean: number, std: number, mode: number): void {
      const u32 = heap.u32;
      const s = word(state);
      const o = word(out);
      const truncated = (mode & 1) !== 0;
      const store = storeDraw(heap, (mode & 2) !== 0);
      let i = 0;
      while (i < n) {
        const [z0, z1] = normalPair(u32, s);
        if (!truncated || Math.abs(z0) <= 2) store(o + i++, mean + std * z0);
        if (i < n && (!truncated || Math.abs(z1) <= 2)) store(o + i++, mean + std * z1);
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

    // out (n) i32 = min(floor(lo + (hi - lo) * u), ceil(hi) - 1), u in [0, 1) with 53 bits
    rngUniformInt(state: Ptr, out: Ptr, n: number, lo: number, hi: number): void {
      const u32 = heap.u32;
      const i32 = heap.i32;
      const s = word(state);
      const o = word(out);
      const range = hi - lo;
      const top = Math.ceil(hi) - 1;
      for (let i = 0; i < n; i++) i32[o + i] = toInt32(Math.min(Math.floor(lo + range * uniform53(u32, s)), top));
    },

    // out (n) = beta * Gamma(alpha) by Marsaglia-Tsang, f32 or i32 rounded half up
    rngGamma(state: Ptr, out: Ptr, n: number, alpha: number, beta: number, int32: number): void {
      const u32 = heap.u32;
      const s = word(state);
      const o = word(out);
      const store = storeDraw(heap, int32 !== 0);
      const d = alpha < 1 ? alpha + 2 / 3 : alpha - 1 / 3;
      const c = 1 / Math.sqrt(9 * d);
      let spare: number | null = null;
      const normal = (): number => {
        if (spare !== null) {
          const z = spare;
          spare = null;
          return z;
        }
        const [z0, z1] = normalPair(u32, s);
        spare = z1;
        return z0;
      };
      for (let i = 0; i < n; i++) {
        let v: number;
        for (;;) {
          let x: number;
          do {
            x = normal();
            v = 1 + c * x;
          } while (v <= 0);
          v = v * v * v;
          const x2 = x * x;
          const u = uniformOpen53(u32, s);
          if (u < 1 - 0.331 * x2 * x2 || log64(u) < 0.5 * x2 + d * (1 - v + log64(v))) break;
        }
        v = beta * d * v;
        if (alpha < 1) v *= exp64(log64(uniformOpen53(u32, s)) / alpha);
        store(o + i, v);
      }
    },

    // probs (batch,events) f32, cdf (events) scratch, out (batch,samples) i32: first running sum above u
    rngMultinomial(state: Ptr, probs: Ptr, cdf: Ptr, out: Ptr, batch: number, events: number, samples: number): void {
      const u32 = heap.u32;
      const f32 = heap.f32;
      const i32 = heap.i32;
      const s = word(state);
      const c = word(cdf);
      for (let b = 0; b < batch; b++) {
        const row = word(probs) + b * events;
        let acc = f32[row];
        f32[c] = acc;
        for (let e = 1; e < events - 1; e++) f32[c + e] = acc = f(acc + f32[row + e]);
        for (let t = 0; t < samples; t++) {
          const u = next(u32, s) * (1 / 4294967296);
          let lo = 0;
          let hi = events - 1;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (u < f32[c + mid]) hi = mid;
            else lo = mid + 1;
          }
          i32[word(out) + b * samples + t] = lo;
        }
      }
    },

    // values (n) i32 shuffled in place, Fisher-Yates from the last place down
    rngShuffle(state: Ptr, values: Ptr, n: number): void {
      const u32 = heap.u32;
      const i32 = heap.i32;
      const s = word(state);
      const v = word(values);
      for (let places = n; places > 0; places--) {
        const index = v + scaledIndex(next(u32, s), places);
        const last = v + places - 1;
        const kept = i32[last];
        i32[last] = i32[index];
        i32[index] = kept;
      }
    },
  };
}

/** Writes a draw at word `at`: as f32, or (int32) as i32 rounded half up and saturated, as the wasm kernels do. */
function storeDraw(heap: Heap, int32: boolean): (at: number, value: number) => void {
  return int32 ? (at, value) => (heap.i32[at] = toInt32(roundHalfUp(value))) : (at, value) => (heap.f32[at] = value);
}
