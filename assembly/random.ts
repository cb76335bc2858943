// Seeded random numbers, bit-identical to src/backend/js/random.ts: xoshiro128** (Blackman & Vigna) over four
// u32 words at `state`, uniform and normal fills, and inverted dropout. Normals use only IEEE-exact f64 ops
// and a log written here (no host Math.log), so every backend draws the same bits. Not for cryptography.

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

// ---- normals and dropout ----

/** Uniform in [-1, 1) with 53 bits from two outputs (27 + 26 bits). */
@inline function uniformSigned53(): f64 {
  const hi = <f64>(next() >>> 5);
  const lo = <f64>(next() >>> 6);
  return (hi * 67108864.0 + lo) * (2.0 / 9007199254740992.0) - 1; // (hi*2^26 + lo) / 2^52 - 1
}

// out (n) = fround(mean + std*z), z standard normal by Marsaglia's polar method; both values of each pair are
// used in order, an odd leftover is dropped. truncated=1 skips any z with |z| > 2 (TF.js truncatedNormal).
export function rngNormal(state: usize, out: usize, n: i32, mean: f64, std: f64, truncated: i32): void {
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
      store<f32>(out + (<usize>i << 2), <f32>(mean + std * z0));
      i++;
    }
    if (i < n && (!truncated || Math.abs(z1) <= 2)) {
      store<f32>(out + (<usize>i << 2), <f32>(mean + std * z1));
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
