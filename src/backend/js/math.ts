// Scalar math the js twin's activations and losses share, in f64: the functions Math lacks (erf) and the
// numerically stable forms of sigmoid and softplus. Inputs and outputs are plain numbers.

/**
 * erf(x) to about 1e-7 absolute by the rational approximation Eigen and XLA use for f32 (the same one as
 * assembly/math.ts): x P(x²) / Q(x²) on [-4, 4], and ±1 beyond, where erf is ±1 in f32 (so that gelu of a
 * large negative x is 0, not |x| times the approximation's error).
 */
export function erf(x: number): number {
  if (Math.abs(x) >= 4) return x > 0 ? 1 : -1;
  const x2 = x * x;
  const p = (((((-2.72614225801306e-10 * x2 + 2.77068142495902e-8) * x2 - 2.10102402082508e-6) * x2 - 5.69250639462346e-5) * x2 - 7.34990630326855e-4) * x2 - 2.95459980854025e-3) * x2 - 1.60960333262415e-2;
  const q = (((-1.45660718464996e-5 * x2 - 2.13374055278905e-4) * x2 - 1.68282697438203e-3) * x2 - 7.37332916720468e-3) * x2 - 1.42647390514189e-2;
  return (x * p) / q;
}

/** 1 / (1 + e^-x), never exponentiating a positive number. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x) = max(x, 0) + log1p(e^-|x|): no overflow for large x. */
export function softplus(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
