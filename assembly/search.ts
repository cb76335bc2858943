// Binary search of sorted rows (searchSorted, lowerBound, upperBound): for each value of a row of `values`, where it
// would go in the matching row of `seq`. The halving is TF.js's step for step, so unsorted rows and NaN give its
// answers too; both sides compare as f64, which holds every f32 and i32 exactly. A search is a chain of dependent
// loads, so it runs scalar: SIMD has no gather to search four values at once.

// The value at index i of a row of T (f32, or i32 for int32 and bool), as f64.
@inline function key<T>(row: usize, i: i32): f64 {
  return <f64>load<T>(row + (<usize>i << 2));
}

// out[r, i] = the first j in [0, n] with seq[r, j] >= values[r, i] (right: > values[r, i]), by halving [0, n).
@inline function bound<S, V>(seq: usize, values: usize, out: usize, rows: i32, n: i32, m: i32, right: bool): void {
  for (let r = 0; r < rows; r++) {
    const row = seq + <usize>r * (<usize>n << 2);
    const base = <usize>r * (<usize>m << 2);
    for (let i = 0; i < m; i++) {
      const v = key<V>(values + base, i);
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const s = key<S>(row, mid);
        if (right ? s <= v : s < v) lo = mid + 1;
        else hi = mid;
      }
      store<i32>(out + base + (<usize>i << 2), hi);
    }
  }
}

@inline function sides<S, V>(seq: usize, values: usize, out: usize, rows: i32, n: i32, m: i32, right: i32): void {
  if (right) bound<S, V>(seq, values, out, rows, n, m, true);
  else bound<S, V>(seq, values, out, rows, n, m, false);
}

// out i32 (rows, m): each value's place in its row of seq (rows, n); seqInt and valuesInt: i32 operands
export function searchSorted(seq: usize, seqInt: i32, values: usize, valuesInt: i32, out: usize, rows: i32, n: i32, m: i32, right: i32): void {
  if (seqInt) {
    if (valuesInt) sides<i32, i32>(seq, values, out, rows, n, m, right);
    else sides<i32, f32>(seq, values, out, rows, n, m, right);
  } else if (valuesInt) sides<f32, i32>(seq, values, out, rows, n, m, right);
  else sides<f32, f32>(seq, values, out, rows, n, m, right);
}
