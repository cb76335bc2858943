// Seeded random numbers, bit-identical to src/backend/js/random.ts: xoshiro128** (Blackman & Vigna) over four
// u32 words at `state`, uniform, integer, normal and gamma fills, multinomial draws, shuffles and inverted
// dropout. Only IEEE-exact f64 ops and a log and exp written here (no host Math.log), so every backend draws
// the same bits. Not for cryptography.

import { RngNormal } from './codes';

// ---- the generator ----

@inline function rotl(x: u32, k: u32): u32 {
  return (x << k) | (x >>> (32 - k));
}

// The state lives in these globals during a kernel call: loaded from memory on entry, stored back on exit,
// so the generator's loop touches no memory.
let s0: u32 = 0;
let s1: u32 = 0;
let s2: u32 = 0;
let s3: u32 = 0;

@inline function loadState(state: usize): void {
  s0 = load<u32>(state);
  s1 = load<u32>(state, 4);
  s2 = load<u32>(state, 8);
  s3 = load<u32>(state, 12);
}

@inline function storeState(state: usize): void {
  store<u32>(state, s0);
  store<u32>(state, s1, 4);
  store<u32>(state, s2, 8);
  store<u32>(state, s3, 12);
}

/** The next 32-bit output; advances the state. */
@inline function next(): u32 {
  const result = rotl(s1 * 5, 7) * 9;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = rotl(s3, 11);
  return result;
}

// state (4 u32): word k = fmix32(seed + (k+1)*golden), the splitmix32 expansion. fmix32 is a bijection that
// maps only 0 to 0, and the four inputs differ, so at most one word is 0: the state is never all zero.
export function rngSeed(state: usize, seed: u32): void {
  let z = seed;
  for (let k: usize = 0; k < 4; k++) {
    z += 0x9e3779b9;
    let h = z;
    h = (h ^ (h >>> 16)) * 0x85ebca6b;
    h = (h ^ (h >>> 13)) * 0xc2b2ae35;
    h ^= h >>> 16;
    store<u32>(state + (k << 2), h);
  }
}

/** Uniform in [0, 1) with 24 bits: exact in f32. */
@inline function uniform24(): f32 {
  return <f32>(next() >>> 8) * (1.0 / 16777216.0);
}

// out (n) = lo + (hi - lo) * u in f32
export function rngUniform(state: usize, out: usize, n: i32, lo: f32, hi: f32): void {
  const range = hi - lo;
  loadState(state);
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), lo + range * uniform24());
  storeState(state);
}

// ---- the natural log, identical on every backend ----

const LN2_HI: f64 = 6.93147180369123816490e-01; // fdlibm's split of ln 2: LN2_HI * e is exact for |e| < 2^11
const LN2_LO: f64 = 1.90821492927058770002e-10;
const SQRT2: f64 = 1.4142135623730951;

/**
 * ln(x) for finite x > 0 (normal or subnormal): x = 2^e * r with r in [sqrt(1/2), sqrt(2)), then
 * ln r = 2 atanh(f), f = (r-1)/(r+1), |f| <= 0.1716, by the odd series to f^21 (next term < 1e-18 relative).
 */
function log64(x: f64): f64 {
  let bits = reinterpret<u64>(x);
  let e = <i32>(bits >>> 52) - 1023;
  if (e == -1023) {
    // subnormal: scale into the normal range first
    bits = reinterpret<u64>(x * 18014398509481984.0); // 2^54
    e = <i32>(bits >>> 52) - 1023 - 54;
  }
  let r = reinterpret<f64>((bits & 0x000fffffffffffff) | 0x3ff0000000000000); // in [1, 2)
  if (r > SQRT2) {
    r *= 0.5;
    e += 1;
  }
  const f = (r - 1) / (r + 1);
  const f2 = f * f;
  const series = 1 + f2 * (1.0 / 3 + f2 * (1.0 / 5 + f2 * (1.0 / 7 + f2 * (1.0 / 9 + f2 * (1.0 / 11 + f2 * (1.0 / 13 + f2 * (1.0 / 15 + f2 * (1.0 / 17 + f2 * (1.0 / 19 + f2 * (1.0 / 21))))))))));
  const k = <f64>e;
  return k * LN2_HI + (k * LN2_LO + 2 * f * series);
}

const INV_LN2: f64 = 1.44269504088896338700e+00;

/**
 * e^x for x <= 0 (gamma's u^(1/alpha)): x = k ln2 + r with |r| <= ln2/2, e^r by its Taylor series to r^13
 * (next term < 5e-18), times 2^k built from bits (in two steps below 2^-1021, so subnormal results round once).
 */
function exp64(x: f64): f64 {
  if (x < -745.2) return 0;
  let k = floor<f64>(x * INV_LN2 + 0.5);
  const r = x - k * LN2_HI - k * LN2_LO;
  const er = 1 + r * (1 + r * (1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040 + r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800 + r * (1.0 / 479001600 + r * (1.0 / 6227020800)))))))))))));
  let scaled = er;
  if (k < -1021) {
    scaled *= reinterpret<f64>(<u64>(1023 - 1000) << 52); // 2^-1000, exact
    k += 1000;
  }
  return scaled * reinterpret<f64>(<u64>(<i64>k + 1023) << 52);
}

// ---- normals and dropout ----

/** Uniform in [-1, 1) with 53 bits from two outputs (27 + 26 bits). */
@inline function uniformSigned53(): f64 {
  const hi = <f64>(next() >>> 5);
  const lo = <f64>(next() >>> 6);
  return (hi * 67108864.0 + lo) * (2.0 / 9007199254740992.0) - 1; // (hi*2^26 + lo) / 2^52 - 1
}

/** Math.round's rounding: to the nearest integer, halves up. */
@inline function roundHalfUp(x: f64): f64 {
  const r = floor<f64>(x);
  return x - r >= 0.5 ? r + 1 : r;
}

/** Stores a draw as f32, or as i32 rounded as Math.round does (TF.js's int32 normals and gammas). */
@inline function storeDraw(at: usize, value: f64, int32: bool): void {
  if (int32) store<i32>(at, <i32>roundHalfUp(value));
  else store<f32>(at, <f32>value);
}

// out (n) = mean + std*z, z standard normal by Marsaglia's polar method; both values of each pair are used in
// order, an odd leftover is dropped. mode bit 1: skip any z with |z| > 2 (TF.js truncatedNormal); mode bit 2:
// write i32 rounded half up (TF.js's int32 dtype) instead of f32.
export function rngNormal(state: usize, out: usize, n: i32, mean: f64, std: f64, mode: i32): void {
  const truncated = (mode & RngNormal.Truncated) != 0;
  const int32 = (mode & RngNormal.Int32) != 0;
  loadState(state);
  let i = 0;
  while (i < n) {
    let x: f64 = 0, y: f64 = 0, s: f64 = 0;
    do {
      x = uniformSigned53();
      y = uniformSigned53();
      s = x * x + y * y;
    } while (s >= 1 || s == 0);
    const factor = Math.sqrt((-2 * log64(s)) / s);
    const z0 = x * factor;
    const z1 = y * factor;
    if (!truncated || Math.abs(z0) <= 2) {
      storeDraw(out + (<usize>i << 2), mean + std * z0, int32);
      i++;
    }
    if (i < n && (!truncated || Math.abs(z1) <= 2)) {
      storeDraw(out + (<usize>i << 2), mean + std * z1, int32);
      i++;
    }
  }
  storeState(state);
}

// x (n), out (n), mask (n): one uniform per element; mask = u >= rate ? 1/(1-rate) : 0, out = x*mask.
// out may be x.
export function dropoutForward(state: usize, x: usize, out: usize, mask: usize, n: i32, rate: f32): void {
  const keepScale: f32 = <f32>1 / (<f32>1 - rate);
  loadState(state);
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    const mi: f32 = uniform24() >= rate ? keepScale : 0;
    store<f32>(mask + o, mi);
    store<f32>(out + o, load<f32>(x + o) * mi);
  }
  storeState(state);
}

// ---- integers, gamma, multinomial, shuffles ----

/** Uniform in [0, 1) with 53 bits from two outputs (27 + 26 bits). */
@inline function uniform53(): f64 {
  const hi = <f64>(next() >>> 5);
  const lo = <f64>(next() >>> 6);
  return (hi * 67108864.0 + lo) * (1.0 / 9007199254740992.0);
}

/** Uniform in (0, 1] with 53 bits: never 0, so its log is finite. */
@inline function uniformOpen53(): f64 {
  const hi = <f64>(next() >>> 5);
  const lo = <f64>(next() >>> 6);
  return (hi * 67108864.0 + lo + 1) * (1.0 / 9007199254740992.0);
}

// out (n) i32 = floor(lo + (hi - lo) * u), u uniform in [0, 1) with 53 bits, at most ceil(hi) - 1 (a product
// rounded up to hi stays below it): uniform integers in [lo, hi) for integer bounds. The caller keeps the
// bounds within i32.
export function rngUniformInt(state: usize, out: usize, n: i32, lo: f64, hi: f64): void {
  const range = hi - lo;
  const top = ceil<f64>(hi) - 1;
  loadState(state);
  for (let i = 0; i < n; i++) store<i32>(out + (<usize>i << 2), <i32>min<f64>(floor<f64>(lo + range * uniform53()), top));
  storeState(state);
}

// The second normal of the last polar pair, kept for the next draw within one kernel call.
let spare: f64 = 0;
let hasSpare = false;

/** A standard normal by the polar method, both values of each pair used in order. */
function normal(): f64 {
  if (hasSpare) {
    hasSpare = false;
    return spare;
  }
  let x: f64 = 0, y: f64 = 0, s: f64 = 0;
  do {
    x = uniformSigned53();
    y = uniformSigned53();
    s = x * x + y * y;
  } while (s >= 1 || s == 0);
  const factor = Math.sqrt((-2 * log64(s)) / s);
  spare = y * factor;
  hasSpare = true;
  return x * factor;
}

// out (n) = Gamma(alpha) draws by Marsaglia and Tsang's method (alpha < 1 boosted by u^(1/alpha)), times
// beta as TF.js's randomGamma scales them; as f32, or as i32 rounded half up when int32 != 0. alpha, beta > 0.
export function rngGamma(state: usize, out: usize, n: i32, alpha: f64, beta: f64, int32: i32): void {
  const d = alpha < 1 ? alpha + 2.0 / 3.0 : alpha - 1.0 / 3.0;
  const c = 1 / Math.sqrt(9 * d);
  loadState(state);
  hasSpare = false;
  for (let i = 0; i < n; i++) {
    let v: f64 = 0;
    while (true) {
      let x: f64 = 0;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const x2 = x * x;
      const u = uniformOpen53();
      if (u < 1 - 0.331 * x2 * x2 || log64(u) < 0.5 * x2 + d * (1 - v + log64(v))) break;
    }
    v = beta * d * v;
    if (alpha < 1) v *= exp64(log64(uniformOpen53()) / alpha);
    storeDraw(out + (<usize>i << 2), v, int32 != 0);
  }
  storeState(state);
}

// probs (batch,events) f32, cdf (events) f32 scratch, out (batch,samples) i32: per row, the running sums of
// probs in f32 (TF.js's cdf, without the last event), then per sample the first event whose sum exceeds u,
// u uniform in [0, 1) with 32 bits (binary search: the sums of probabilities never decrease), or the last.
export function rngMultinomial(state: usize, probs: usize, cdf: usize, out: usize, batch: i32, events: i32, samples: i32): void {
  loadState(state);
  for (let b = 0; b < batch; b++) {
    const row = probs + (<usize>(b * events) << 2);
    let acc = load<f32>(row);
    store<f32>(cdf, acc);
    for (let e = 1; e < events - 1; e++) {
      acc += load<f32>(row + (<usize>e << 2));
      store<f32>(cdf + (<usize>e << 2), acc);
    }
    for (let s = 0; s < samples; s++) {
      const u = <f64>next() * (1.0 / 4294967296.0);
      let lo = 0;
      let hi = events - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (u < <f64>load<f32>(cdf + (<usize>mid << 2))) hi = mid;
        else lo = mid + 1;
      }
      store<i32>(out + (<usize>(b * samples + s) << 2), lo);
    }
  }
  storeState(state);
}

// values (n) i32, shuffled in place as TF.js's util.shuffle does (Fisher-Yates from the last place down), each
// index the high word of next() * places (uniform in [0, places)).
export function rngShuffle(state: usize, values: usize, n: i32): void {
  loadState(state);
  for (let places = n; places > 0; places--) {
    const index = <usize>((<u64>next() * <u64>places) >>> 32);
    const last = values + (<usize>(places - 1) << 2);
    const other = values + (index << 2);
    const v = load<i32>(last);
    store<i32>(last, load<i32>(other));
    store<i32>(other, v);
  }
  storeState(state);
}
