// Signal windows: TF.js's cosine windows (Hann, Hamming), each value a - b·cos(2π·i / period) computed in f64
// and rounded once to f32, as TF.js computes them into a Float32Array. cos has no SIMD form: a plain loop.

// out (n) f32: out[i] = a - b·cos(2π·i / period)
export function cosineWindow(out: usize, n: i32, a: f64, b: f64, period: f64): void {
  for (let i = 0; i < n; i++) store<f32>(out + (<usize>i << 2), <f32>(a - b * Math.cos((2.0 * Math.PI * <f64>i) / period)));
}
