// Batch normalization over channels-last x (rows, channels), statistics over the rows (every axis but the
// channels), four channels at a time. The sums' rows are `stride` values apart (x, dy and dx alike), so that a
// thread can take a range of the channels (src/backend/threads.ts): the batch's mean and variance (one pass), the normalization (one pass) and
// the gradient through both (two passes). Statistics and gradient sums accumulate in f64, per channel in row
// order, into the caller's scratch; per-channel coefficients are computed in f64 and rounded once. Every value's
// arithmetic happens in the order the js twin's does, so both give the same bits.

// Byte offset of element i of f32 (at) or f64 (at64) values.
// @ts-ignore: decorator
@inline function at(i: i32): usize {
  return <usize>i << 2;
}
// @ts-ignore: decorator
@inline function at64(i: i32): usize {
  return <usize>i << 3;
}

// Lanes 0-1 and 2-3 of four f32, as f64x2.
// @ts-ignore: decorator
@inline function low2(v: v128): v128 {
  return f64x2.promote_low_f32x4(v);
}
// @ts-ignore: decorator
@inline function high2(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

function zero64(p: usize, n: i32): void {
  for (let i = 0; i < n; i++) store<f64>(p + at64(i), 0);
}

// Rows summed per chunk: each chunk's values (16 KiB of x) stay in the cache while each block of four channels
// sums down the chunk in registers, so every sum still adds its rows in order.
const CHUNK_VALUES = 4096;

// mean, variance (channels) = each channel's mean and biased variance (the mean of squared deviations, as
// TF.js's moments) over the rows. One pass: the sums of d and d² for d = x - x[0] (the first row shifts every
// channel near its mean, so the variance s2/n - (s1/n)² loses no digits to cancellation). rows 0 gives NaN.
// sums: 2·channels f64 of scratch.
export function batchNormStats(x: usize, mean: usize, variance: usize, sums: usize, rows: i32, channels: i32, stride: i32): void {
  const s1 = sums;
  const s2 = sums + at64(channels);
  zero64(sums, 2 * channels);
  const rowBytes = at(stride);
  const chunk = max(1, CHUNK_VALUES / max(stride, 1));
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const r1 = min(rows, r0 + chunk);
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const p = at64(c);
      const first = v128.load(x + at(c));
      const firstLo = low2(first);
      const firstHi = high2(first);
      let sumLo = v128.load(s1 + p);
      let sumHi = v128.load(s1 + p + 16);
      let squaresLo = v128.load(s2 + p);
      let squaresHi = v128.load(s2 + p + 16);
      for (let r = r0; r < r1; r++) {
        const v = v128.load(x + <usize>r * rowBytes + at(c));
        const lo = f64x2.sub(low2(v), firstLo);
        const hi = f64x2.sub(high2(v), firstHi);
        sumLo = f64x2.add(sumLo, lo);
        sumHi = f64x2.add(sumHi, hi);
        squaresLo = f64x2.add(squaresLo, f64x2.mul(lo, lo));
        squaresHi = f64x2.add(squaresHi, f64x2.mul(hi, hi));
      }
      v128.store(s1 + p, sumLo);
      v128.store(s1 + p + 16, sumHi);
      v128.store(s2 + p, squaresLo);
      v128.store(s2 + p + 16, squaresHi);
    }
    for (; c < channels; c++) {
      const first = <f64>load<f32>(x + at(c));
      let sum = load<f64>(s1 + at64(c));
      let squares = load<f64>(s2 + at64(c));
      for (let r = r0; r < r1; r++) {
        const d = <f64>load<f32>(x + <usize>r * rowBytes + at(c)) - first;
        sum += d;
        squares += d * d;
      }
      store<f64>(s1 + at64(c), sum);
      store<f64>(s2 + at64(c), squares);
    }
  }
  const n = <f64>rows;
  for (let c = 0; c < channels; c++) {
    const shifted = load<f64>(s1 + at64(c)) / n;
    const shift = rows > 0 ? <f64>load<f32>(x + at(c)) : 0;
    store<f32>(mean + at(c), <f32>(shift + shifted));
    store<f32>(variance + at(c), <f32>Math.max(load<f64>(s2 + at64(c)) / n - shifted * shifted, 0));
  }
}

// y = (x - mean)·k + beta per channel, k = gamma / sqrt(variance + epsilon) in f64 rounded once (gamma 0: ones;
// beta 0: none). scratch: 2·channels f32 (k, and beta or 0).
export function batchNormForward(x: usize, mean: usize, variance: usize, gamma: usize, beta: usize, y: usize, rows: i32, channels: i32, epsilon: f64, scratch: usize): void {
  const k = scratch;
  const b = scratch + at(channels);
  for (let c = 0; c < channels; c++) {
    const g = gamma ? <f64>load<f32>(gamma + at(c)) : 1;
    store<f32>(k + at(c), <f32>(g / Math.sqrt(<f64>load<f32>(variance + at(c)) + epsilon)));
    store<f32>(b + at(c), beta ? load<f32>(beta + at(c)) : 0);
  }
  const rowBytes = at(channels);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const yr = y + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = at(c);
      const centred = f32x4.sub(v128.load(xr + o), v128.load(mean + o));
      v128.store(yr + o, f32x4.add(f32x4.mul(centred, v128.load(k + o)), v128.load(b + o)));
    }
    for (; c < channels; c++) {
      const o = at(c);
      store<f32>(yr + o, (load<f32>(xr + o) - load<f32>(mean + o)) * load<f32>(k + o) + load<f32>(b + o));
    }
  }
}

// The gradient of batchNormForward's y given dy when mean and variance are x's own (batchNormStats: training),
// for each output that is not 0: dbeta = Σ dy, dgamma = Σ dy·x̂ (x̂ = (x - mean)·invstd, invstd =
// 1/sqrt(variance + epsilon)), and dx = k·(dy - Σdy/n - x̂·Σdy·x̂/n) with k = gamma·invstd, computed as
// (a·dy + c·(x - mean)) + b with a = k, b = -k·Σdy/n, c = -k·invstd²·Σdy·(x - mean)/n per channel.
// scratch: 2·channels f64 (the sums), then 3·channels f32 (a, b, c).
export function batchNormBackward(x: usize, dy: usize, mean: usize, variance: usize, gamma: usize, dx: usize, dgamma: usize, dbeta: usize, rows: i32, channels: i32, stride: i32, epsilon: f64, scratch: usize): void {
  const sumDy = scratch;
  const sumDyX = scratch + at64(channels);
  zero64(scratch, 2 * channels);
  const rowBytes = at(stride);
  const chunk = max(1, CHUNK_VALUES / max(stride, 1));
  for (let r0 = 0; r0 < rows; r0 += chunk) {
    const r1 = min(rows, r0 + chunk);
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const p = at64(c);
      const m = v128.load(mean + at(c));
      const meanLo = low2(m);
      const meanHi = high2(m);
      let dyLo = v128.load(sumDy + p);
      let dyHi = v128.load(sumDy + p + 16);
      let dyxLo = v128.load(sumDyX + p);
      let dyxHi = v128.load(sumDyX + p + 16);
      for (let r = r0; r < r1; r++) {
        const o = <usize>r * rowBytes + at(c);
        const d = v128.load(dy + o);
        const v = v128.load(x + o);
        const dLo = low2(d);
        const dHi = high2(d);
        dyLo = f64x2.add(dyLo, dLo);
        dyHi = f64x2.add(dyHi, dHi);
        dyxLo = f64x2.add(dyxLo, f64x2.mul(dLo, f64x2.sub(low2(v), meanLo)));
        dyxHi = f64x2.add(dyxHi, f64x2.mul(dHi, f64x2.sub(high2(v), meanHi)));
      }
      v128.store(sumDy + p, dyLo);
      v128.store(sumDy + p + 16, dyHi);
      v128.store(sumDyX + p, dyxLo);
      v128.store(sumDyX + p + 16, dyxHi);
    }
    for (; c < channels; c++) {
      const m = <f64>load<f32>(mean + at(c));
      let sDy = load<f64>(sumDy + at64(c));
      let sDyX = load<f64>(sumDyX + at64(c));
      for (let r = r0; r < r1; r++) {
        const o = <usize>r * rowBytes + at(c);
        const d = <f64>load<f32>(dy + o);
        sDy += d;
        sDyX += d * (<f64>load<f32>(x + o) - m);
      }
      store<f64>(sumDy + at64(c), sDy);
      store<f64>(sumDyX + at64(c), sDyX);
    }
  }
  const a = scratch + at64(2 * channels);
  const b = a + at(channels);
  const cc = b + at(channels);
  const n = <f64>rows;
  for (let c = 0; c < channels; c++) {
    const invstd = 1 / Math.sqrt(<f64>load<f32>(variance + at(c)) + epsilon);
    const k = (gamma ? <f64>load<f32>(gamma + at(c)) : 1) * invstd;
    const sDy = load<f64>(sumDy + at64(c));
    const sDyX = load<f64>(sumDyX + at64(c));
    if (dbeta) store<f32>(dbeta + at(c), <f32>sDy);
    if (dgamma) store<f32>(dgamma + at(c), <f32>(sDyX * invstd));
    store<f32>(a + at(c), <f32>k);
    store<f32>(b + at(c), <f32>((-k * sDy) / n));
    store<f32>(cc + at(c), <f32>((-k * invstd * invstd * sDyX) / n));
  }
  if (!dx) return;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * rowBytes;
    const dr = dy + <usize>r * rowBytes;
    const out = dx + <usize>r * rowBytes;
    let c = 0;
    for (; c + 4 <= channels; c += 4) {
      const o = at(c);
      const centred = f32x4.sub(v128.load(xr + o), v128.load(mean + o));
      const sum = f32x4.add(f32x4.mul(v128.load(a + o), v128.load(dr + o)), f32x4.mul(v128.load(cc + o), centred));
      v128.store(out + o, f32x4.add(sum, v128.load(b + o)));
    }
    for (; c < channels; c++) {
      const o = at(c);
      const centred = load<f32>(xr + o) - load<f32>(mean + o);
      store<f32>(out + o, (load<f32>(a + o) * load<f32>(dr + o) + load<f32>(cc + o) * centred) + load<f32>(b + o));
    }
  }
}
