// Integer matrix products, identity and band masks, and arithmetic sequences (range, linspace), as the matrix,
// linalg and creation ops need them. The float product is matmul.ts's; this file leaves out every float sum.
// All dtypes are 4 bytes per value, so masks and copies work on the bits and serve float32, int32 and bool.

// ---- integer product ----

// a (m,k) or (k,m) if transA, b (k,n) or (n,k) if transB, c (m,n): c = op(A)·op(B) in wrapping i32 arithmetic,
// which equals TF.js's f64 sum stored to an Int32Array (both are the exact sum modulo 2^32).
export function matmulInt(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, transA: i32, transB: i32): void {
  const stepA: usize = transA ? <usize>m << 2 : 4; // between op(A)[i, p] and op(A)[i, p+1]
  for (let i = 0; i < m; i++) {
    const rowA = a + (<usize>(transA ? i : i * k) << 2);
    const rowC = c + (<usize>(i * n) << 2);
    if (transB) rowDots(rowA, stepA, b, rowC, n, k);
    else rowTimesRows(rowA, stepA, b, rowC, n, k);
  }
}

// rowC (n) = Σ_p op(A)[i, p] · b[p, :], b (k,n): whole rows of b scaled and added, four columns per lane.
function rowTimesRows(rowA: usize, stepA: usize, b: usize, rowC: usize, n: i32, k: i32): void {
  memory.fill(rowC, 0, <usize>n << 2);
  const n4 = n & ~3;
  for (let p = 0; p < k; p++) {
    const x = load<i32>(rowA + <usize>p * stepA);
    const rowB = b + (<usize>(p * n) << 2);
    const xs = i32x4.splat(x);
    let j = 0;
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      v128.store(rowC + o, i32x4.add(v128.load(rowC + o), i32x4.mul(xs, v128.load(rowB + o))));
    }
    for (; j < n; j++) {
      const o = <usize>j << 2;
      store<i32>(rowC + o, load<i32>(rowC + o) + x * load<i32>(rowB + o));
    }
  }
}

// rowC[j] = Σ_p op(A)[i, p] · b[j, p], b (n,k): dot products with rows of b, four values of k per lane when
// op(A)'s row is contiguous too.
function rowDots(rowA: usize, stepA: usize, b: usize, rowC: usize, n: i32, k: i32): void {
  const k4 = stepA == 4 ? k & ~3 : 0;
  for (let j = 0; j < n; j++) {
    const rowB = b + (<usize>(j * k) << 2);
    let sums = i32x4.splat(0);
    for (let p = 0; p < k4; p += 4) {
      const o = <usize>p << 2;
      sums = i32x4.add(sums, i32x4.mul(v128.load(rowA + o), v128.load(rowB + o)));
    }
    let sum = i32x4.extract_lane(sums, 0) + i32x4.extract_lane(sums, 1) + i32x4.extract_lane(sums, 2) + i32x4.extract_lane(sums, 3);
    for (let p = k4; p < k; p++) sum += load<i32>(rowA + <usize>p * stepA) * load<i32>(rowB + (<usize>p << 2));
    store<i32>(rowC + (<usize>j << 2), sum);
  }
}

// ---- masks ----

// x (batch,m,n), out (batch,m,n): out = x inside the band (row i keeps columns i - lower ..= i + upper), 0
// outside; lower, upper >= 0. out may be x. Each row is one copy between two fills.
export function bandPart(x: usize, out: usize, batch: i32, m: i32, n: i32, lower: i32, upper: i32): void {
  for (let r = 0; r < batch * m; r++) {
    const i = r % m;
    const from = min(max(i - lower, 0), n);
    const to = max(min(i + upper + 1, n), from);
    const row = <usize>r * (<usize>n << 2);
    memory.fill(out + row, 0, <usize>from << 2);
    memory.copy(out + row + (<usize>from << 2), x + row + (<usize>from << 2), <usize>(to - from) << 2);
    memory.fill(out + row + (<usize>to << 2), 0, <usize>(n - to) << 2);
  }
}

// out (batch,rows,cols): identity matrices, 1 on the diagonal (f32 1 when dtype is 0, float32; else i32 1).
export function eye(out: usize, batch: i32, rows: i32, cols: i32, dtype: i32): void {
  const size = <usize>(rows * cols) << 2;
  memory.fill(out, 0, <usize>batch * size);
  const one: i32 = dtype == 0 ? reinterpret<i32>(<f32>1) : 1;
  const diagonal = min(rows, cols);
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < diagonal; i++) store<i32>(out + <usize>b * size + (<usize>(i * cols + i) << 2), one);
  }
}

// ---- sequences ----

// out (n): out[0] = start, out[i] = out[i-1] + step, each sum in f64 stored as the dtype (f32 when dtype is 0,
// else i32 truncated), as TF.js's range and linspace accumulate into their typed arrays. The caller keeps
// int32 values within i32.
export function sequence(out: usize, n: i32, start: f64, step: f64, dtype: i32): void {
  if (n <= 0) return;
  if (dtype == 0) {
    let v = <f32>start;
    store<f32>(out, v);
    for (let i = 1; i < n; i++) {
      v = <f32>(<f64>v + step);
      store<f32>(out + (<usize>i << 2), v);
    }
    return;
  }
  let v = <i32>start;
  store<i32>(out, v);
  for (let i = 1; i < n; i++) {
    v = <i32>(<f64>v + step);
    store<i32>(out + (<usize>i << 2), v);
  }
}
