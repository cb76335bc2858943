// Four-lane f32 math shared by the activation kernels: exp, expm1 (for x <= 0), log1p (on [0, 1]), erf,
// sigmoid, tanh, and loading/storing a partial vector for loop tails. No scalar libm: the losses use f64 Math.

/** a*b + c, fused where relaxed SIMD lets the engine use an FMA. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

/** The first `count` (1..3) floats at p in the low lanes, zeros above. */
// @ts-ignore: decorator
@inline export function loadTail(p: usize, count: i32): v128 {
  let v = f32x4.replace_lane(f32x4.splat(0), 0, load<f32>(p));
  if (count > 1) v = f32x4.replace_lane(v, 1, load<f32>(p, 4));
  if (count > 2) v = f32x4.replace_lane(v, 2, load<f32>(p, 8));
  return v;
}

/** Stores the low `count` (1..3) lanes of v at p. */
// @ts-ignore: decorator
@inline export function storeTail(p: usize, v: v128, count: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (count > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (count > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in two (Cody-Waite): n * LN2_HI is exact for the |n| <= 150 used here.
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;

/**
 * e^r - 1 on |r| <= ln2/2 by its Taylor polynomial to degree 7 (truncation below 6e-9 relative), written
 * as r + r*r*(...) so that small r keep full relative accuracy.
 */
// @ts-ignore: decorator
@inline function expm1Reduced(r: v128): v128 {
  let p = madd(r, f32x4.splat(<f32>(1.0 / 5040)), f32x4.splat(<f32>(1.0 / 720)));
  p = madd(p, r, f32x4.splat(<f32>(1.0 / 120)));
  p = madd(p, r, f32x4.splat(<f32>(1.0 / 24)));
  p = madd(p, r, f32x4.splat(<f32>(1.0 / 6)));
  p = madd(p, r, f32x4.splat(0.5));
  return madd(f32x4.mul(p, r), r, r);
}

// 1.5 * 2^23: adding it rounds a float of magnitude < 2^22 to an integer n held in the low mantissa bits.
const ROUNDER: f32 = 12582912;

/** Range reduction x = n*ln2 + r: returns x / ln2 + ROUNDER, whose bits are ROUNDER's + n (n = round(x / ln2)). */
// @ts-ignore: decorator
@inline function reduceN(x: v128): v128 {
  return madd(x, f32x4.splat(LOG2E), f32x4.splat(ROUNDER));
}
/** r = x - n*ln2, |r| <= ln2/2, subtracting the exact high part first. */
// @ts-ignore: decorator
@inline function reduceR(x: v128, n: v128): v128 {
  const r = madd(n, f32x4.splat(-LN2_HI), x);
  return madd(n, f32x4.splat(-LN2_LO), r);
}

/** 2^n for integral n in [-126, 127] (exponent bits); n = -127 gives 0. */
// @ts-ignore: decorator
@inline function pow2(n: v128): v128 {
  return i32x4.shl(i32x4.add(n, i32x4.splat(127)), 23);
}

/**
 * e^x in every lane within 1 ulp of the correctly rounded value (the measured maximum over a sweep in
 * test/activations.test.ts). exp(x > 88.73) = Infinity, exp(x < -103.98) = 0 with subnormals in between,
 * NaN stays NaN. Plain reference: the js twin's Math.exp.
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  // Clamping keeps n in [-150, 128]; pmin/pmax return x itself when x is NaN.
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(89)), f32x4.splat(-104));
  const shifted = reduceN(x);
  const n = f32x4.sub(shifted, f32x4.splat(ROUNDER));
  const p = f32x4.add(expm1Reduced(reduceR(x, n)), f32x4.splat(1));
  // n as an integer: the bits of shifted minus those of ROUNDER. 2^n goes in as two factors, each a normal
  // float, so that overflow and subnormal results round once.
  const ni = i32x4.sub(shifted, f32x4.splat(ROUNDER));
  const half = i32x4.shr_s(ni, 1);
  return f32x4.mul(f32x4.mul(p, pow2(half)), pow2(i32x4.sub(ni, half)));
}

/**
 * e^x - 1 for x <= 0 (positive lanes are treated as 0), accurate near 0 where exp(x) - 1 would cancel:
 * e^x - 1 = 2^n * expm1(r) + (2^n - 1), and for n = 0 that is expm1(r) itself. Lanes below -88 give -1.
 */
// @ts-ignore: decorator
@inline export function expm1NonPositive4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(0)), f32x4.splat(-88));
  const shifted = reduceN(x);
  const n = f32x4.sub(shifted, f32x4.splat(ROUNDER));
  const scale = pow2(i32x4.sub(shifted, f32x4.splat(ROUNDER)));
  return madd(scale, expm1Reduced(reduceR(x, n)), f32x4.sub(scale, f32x4.splat(1)));
}

/**
 * log(1 + u) for u in [0, 1]: with s = u / (2 + u) <= 1/3, log1p(u) = 2 atanh(s) = 2s (1 + s²/3 + s⁴/5 + ...),
 * summed to s¹²/13 (truncation below 1.5e-8 relative); no cancellation anywhere.
 */
// @ts-ignore: decorator
@inline export function log1pUnit4(u: v128): v128 {
  const s = f32x4.div(u, f32x4.add(u, f32x4.splat(2)));
  const z = f32x4.mul(s, s);
  let p = madd(z, f32x4.splat(<f32>(1.0 / 13)), f32x4.splat(<f32>(1.0 / 11)));
  p = madd(p, z, f32x4.splat(<f32>(1.0 / 9)));
  p = madd(p, z, f32x4.splat(<f32>(1.0 / 7)));
  p = madd(p, z, f32x4.splat(<f32>(1.0 / 5)));
  p = madd(p, z, f32x4.splat(<f32>(1.0 / 3)));
  const s2 = f32x4.add(s, s);
  return madd(f32x4.mul(p, z), s2, s2);
}

/** 1 / (1 + e^-x): exp overflowing to Infinity gives 0, never NaN. */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  return f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), exp4(f32x4.neg(x))));
}

/** tanh(x) = sign(x) * -t / (t + 2) with t = expm1(-2|x|) in [-1, 0]: exact ±1 for large |x|, accurate near 0. */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const absX = f32x4.abs(x);
  const t = expm1NonPositive4(f32x4.mul(absX, f32x4.splat(-2)));
  const magnitude = f32x4.div(f32x4.neg(t), f32x4.add(t, f32x4.splat(2)));
  // Copy the sign bit of x onto the magnitude (NaN lanes stay NaN through t).
  return v128.or(magnitude, v128.and(x, f32x4.splat(-0.0)));
}

/**
 * erf(x) by the rational approximation Eigen and XLA use for f32 (x clamped to [-4, 4], where erf is ±1 in
 * f32): x * P(x²) / Q(x²), absolute error about 1e-7 (measured in test/activations.test.ts).
 */
// @ts-ignore: decorator
@inline export function erf4(x: v128): v128 {
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(4)), f32x4.splat(-4));
  const x2 = f32x4.mul(x, x);
  let p = madd(x2, f32x4.splat(-2.72614225801306e-10), f32x4.splat(2.77068142495902e-8));
  p = madd(p, x2, f32x4.splat(-2.10102402082508e-6));
  p = madd(p, x2, f32x4.splat(-5.69250639462346e-5));
  p = madd(p, x2, f32x4.splat(-7.34990630326855e-4));
  p = madd(p, x2, f32x4.splat(-2.95459980854025e-3));
  p = madd(p, x2, f32x4.splat(-1.60960333262415e-2));
  let q = madd(x2, f32x4.splat(-1.45660718464996e-5), f32x4.splat(-2.13374055278905e-4));
  q = madd(q, x2, f32x4.splat(-1.68282697438203e-3));
  q = madd(q, x2, f32x4.splat(-7.37332916720468e-3));
  q = madd(q, x2, f32x4.splat(-1.42647390514189e-2));
  return f32x4.div(f32x4.mul(x, p), q);
}

/** The largest of a row of f32 at `row`: `body` bytes (a multiple of 16) by SIMD, then the rest to `rowBytes`. */
// @ts-ignore: decorator
@inline export function rowMax(row: usize, body: usize, rowBytes: usize): f32 {
  let maxes = f32x4.splat(-Infinity);
  for (let j: usize = 0; j < body; j += 16) maxes = f32x4.max(maxes, v128.load(row + j));
  let best = max(max(f32x4.extract_lane(maxes, 0), f32x4.extract_lane(maxes, 1)), max(f32x4.extract_lane(maxes, 2), f32x4.extract_lane(maxes, 3)));
  for (let j = body; j < rowBytes; j += 4) best = max(best, load<f32>(row + j));
  return best;
}
