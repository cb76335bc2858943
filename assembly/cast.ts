// Dtype conversion of n values (all dtypes are 4 bytes: f32, or i32 for int32 and bool), as TF.js converts
// through typed arrays: float to int truncates toward zero and wraps modulo 2^32 (NaN and ±Infinity give 0),
// anything to bool is 1 where nonzero (NaN included, as in TF.js).
// codes: 0 float32, 1 int32, 2 bool

@inline function toInt(v: f32): i32 {
  if (v != v || abs<f32>(v) == Infinity) return 0;
  if (abs<f32>(v) < 2147483648.0) return <i32>v;
  // Beyond i32: the truncated value modulo 2^32, as ToInt32 does.
  const t = trunc<f64>(<f64>v);
  const m = t - floor<f64>(t / 4294967296.0) * 4294967296.0;
  return <i32><u32>m;
}

// x (n), out (n); out may be x
export function cast(x: usize, from: i32, to: i32, out: usize, n: i32): void {
  if (from == to || (from == 2 && to == 1)) {
    memory.copy(out, x, <usize>n << 2);
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>i << 2;
    if (from == 0) {
      const v = load<f32>(x + o);
      store<i32>(out + o, to == 1 ? toInt(v) : <i32>(v != 0));
    } else if (to == 0) {
      store<f32>(out + o, <f32>load<i32>(x + o));
    } else {
      store<i32>(out + o, <i32>(load<i32>(x + o) != 0));
    }
  }
}
