// Convolution and pooling over NHWC images. A convolution is a matmul over patches: im2col copies each output
// position's window of the input (fH rows of fW·inC values, 0 where it overhangs) into a row of its own, col2im
// adds such rows back into an input-shaped gradient, and the packed matmul does the arithmetic (src/ops/conv.ts
// orchestrates, so the matmul runs on the worker threads too). Depthwise convolution and pooling are direct
// loops, several channels at a time. Every value's arithmetic happens in the order the js twin's does.
// desc (i32 words): batch, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW, dilationH, dilationW,
// padTop, padLeft, firstImage, endImage, firstChannel, endChannel. The kernels that work image by image (all
// but depthwise's filter gradient, a sum over the batch) compute only images [firstImage, endImage), and that
// gradient only the input channels [firstChannel, endChannel): the thread pool gives each thread a range.

let B: i32 = 0, H: i32 = 0, W: i32 = 0, C: i32 = 0, OH: i32 = 0, OW: i32 = 0, OC: i32 = 0, FH: i32 = 0, FW: i32 = 0;
let SH: i32 = 0, SW: i32 = 0, DH: i32 = 0, DW: i32 = 0, PT: i32 = 0, PL: i32 = 0, B0: i32 = 0, B1: i32 = 0, C0: i32 = 0, C1: i32 = 0;

function read(desc: usize): void {
  B = load<i32>(desc);
  H = load<i32>(desc, 4);
  W = load<i32>(desc, 8);
  C = load<i32>(desc, 12);
  OH = load<i32>(desc, 16);
  OW = load<i32>(desc, 20);
  OC = load<i32>(desc, 24);
  FH = load<i32>(desc, 28);
  FW = load<i32>(desc, 32);
  SH = load<i32>(desc, 36);
  SW = load<i32>(desc, 40);
  DH = load<i32>(desc, 44);
  DW = load<i32>(desc, 48);
  PT = load<i32>(desc, 52);
  PL = load<i32>(desc, 56);
  B0 = load<i32>(desc, 60);
  B1 = load<i32>(desc, 64);
  C0 = load<i32>(desc, 68);
  C1 = load<i32>(desc, 72);
}

// Byte offset of element i.
// @ts-ignore: decorator
@inline function at(i: i32): usize {
  return <usize>i << 2;
}

// The taps k in [0, taps) of a window starting at `start`, `dil` apart, with 0 <= start + k·dil < n: [lo, hi).
// @ts-ignore: decorator
@inline function firstTap(start: i32, dil: i32, taps: i32): i32 {
  return start < 0 ? min((dil - 1 - start) / dil, taps) : 0;
}

// @ts-ignore: decorator
@inline function endTap(start: i32, dil: i32, taps: i32, n: i32): i32 {
  return start < n ? min((n - start + dil - 1) / dil, taps) : 0;
}

function zero(p: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) v128.store(p + at(i), f32x4.splat(0));
  for (; i < n; i++) store<f32>(p + at(i), 0);
}

// col[0..n) = x[0..n), or when back x[0..n) += col[0..n)
function move(x: usize, col: usize, n: i32, back: bool): void {
  let i = 0;
  if (back) {
    for (; i + 4 <= n; i += 4) v128.store(x + at(i), f32x4.add(v128.load(x + at(i)), v128.load(col + at(i))));
    for (; i < n; i++) store<f32>(x + at(i), load<f32>(x + at(i)) + load<f32>(col + at(i)));
  } else if (n >= 4) {
    // the last four values stored by one vector that overlaps the one before: no scalar tail
    for (; i + 4 < n; i += 4) v128.store(col + at(i), v128.load(x + at(i)));
    v128.store(col + at(n - 4), v128.load(x + at(n - 4)));
  } else {
    for (; i < n; i++) store<f32>(col + at(i), load<f32>(x + at(i)));
  }
}

// cols (batch·outH·outW, fH·fW·inC) = the windows of x (batch, inH, inW, inC); back: x = the sum of the windows'
// rows of cols added where they came from (x zeroed first).
function patches(x: usize, cols: usize, desc: usize, back: bool): void {
  read(desc);
  if (back) memory.fill(x + at(B0 * H * W * C), 0, at((B1 - B0) * H * W * C));
  const row = FW * C; // values of one filter row in a patch
  let col = cols + at(B0 * OH * OW * FH * row);
  for (let b = B0; b < B1; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++) {
        const c0 = ow * SW - PL;
        const lo = firstTap(c0, DW, FW);
        const hi = max(endTap(c0, DW, FW, W), lo);
        // Without dilation a row's taps lie side by side in x: one run of them all.
        const run = DW == 1 ? max(hi - lo, 1) : 1;
        for (let kh = 0; kh < FH; kh++, col += at(row)) {
          const ih = oh * SH - PT + kh * DH;
          const inside = ih >= 0 && ih < H;
          const first = inside ? lo : FW;
          const end = inside ? hi : FW;
          if (!back && first > 0) zero(col, first * C);
          if (!back && end < FW) zero(col + at(end * C), (FW - end) * C);
          const start = (b * H + ih) * W + c0; // x's pixel under tap 0 of this row
          for (let kw = first; kw < end; kw += run) move(x + at((start + kw * DW) * C), col + at(kw * C), run * C, back);
        }
      }
    }
  }
}

// cols transposed (fH·fW, batch·outH·outW), for x of one channel read at column stride 1: a tap's row is made of
// runs of outW values side by side in x, long moves where im2col's rows are fW-value ones. back: col2im's sum.
function patchesTransposed(x: usize, cols: usize, desc: usize, back: bool): void {
  read(desc);
  if (back) memory.fill(x + at(B0 * H * W), 0, at((B1 - B0) * H * W));
  for (let kh = 0; kh < FH; kh++) {
    for (let kw = 0; kw < FW; kw++) {
      const c0 = kw * DW - PL; // x's column under output column 0
      const lo = firstTap(c0, 1, OW);
      const hi = max(endTap(c0, 1, OW, W), lo);
      let col = cols + at(((kh * FW + kw) * B + B0) * OH * OW);
      for (let b = B0; b < B1; b++) {
        for (let oh = 0; oh < OH; oh++, col += at(OW)) {
          const ih = oh * SH - PT + kh * DH;
          const inside = ih >= 0 && ih < H;
          const first = inside ? lo : OW;
          const end = inside ? hi : OW;
          if (!back && first > 0) zero(col, first);
          if (!back && end < OW) zero(col + at(end), OW - end);
          if (end > first) move(x + at((b * H + ih) * W + c0 + first), col + at(first), end - first, back);
        }
      }
    }
  }
}

export function im2col(x: usize, cols: usize, desc: usize, transposed: i32): void {
  if (transposed) patchesTransposed(x, cols, desc, false);
  else patches(x, cols, desc, false);
}

export function col2im(cols: usize, dx: usize, desc: usize, transposed: i32): void {
  if (transposed) patchesTransposed(dx, cols, desc, true);
  else patches(dx, cols, desc, true);
}

// ---- pooling: dilation 1, every window holding at least one value of x (the caller checks) ----

// The window of output (oh, ow), clipped to x: rows [top, bottom), columns [left, right).
let top: i32 = 0, bottom: i32 = 0, left: i32 = 0, right: i32 = 0;

// @ts-ignore: decorator
@inline function window(oh: i32, ow: i32): void {
  const r = oh * SH - PT;
  const c = ow * SW - PL;
  top = max(r, 0);
  bottom = min(r + FH, H);
  left = max(c, 0);
  right = min(c + FW, W);
}

// out (batch, outH, outW, inC) = each window's max, the first one where values tie, NaN skipped (as TF.js);
// positions (i32, out's shape, when not 0) = where in x each max lies (the window's first value when none is
// above -Infinity).
export function maxPool(x: usize, out: usize, positions: usize, desc: usize): void {
  read(desc);
  const lanes = i32x4(0, 1, 2, 3);
  let o = B0 * OH * OW * C;
  for (let b = B0; b < B1; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o += C) {
        window(oh, ow);
        const first = ((b * H + top) * W + left) * C;
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          let best = f32x4.splat(-Infinity);
          let where = i32x4.add(i32x4.splat(first + c), lanes);
          for (let ih = top; ih < bottom; ih++) {
            for (let iw = left; iw < right; iw++) {
              const i = ((b * H + ih) * W + iw) * C + c;
              const v = v128.load(x + at(i));
              const above = f32x4.gt(v, best);
              best = v128.bitselect(v, best, above);
              where = v128.bitselect(i32x4.add(i32x4.splat(i), lanes), where, above);
            }
          }
          v128.store(out + at(o + c), best);
          if (positions) v128.store(positions + at(o + c), where);
        }
        for (; c < C; c++) {
          let best: f32 = -Infinity;
          let where = first + c;
          for (let ih = top; ih < bottom; ih++) {
            for (let iw = left; iw < right; iw++) {
              const i = ((b * H + ih) * W + iw) * C + c;
              const v = load<f32>(x + at(i));
              if (v > best) {
                best = v;
                where = i;
              }
            }
          }
          store<f32>(out + at(o + c), best);
          if (positions) store<i32>(positions + at(o + c), where);
        }
      }
    }
  }
}

// out (batch, outH, outW, inC) = each window's mean over the values of x it holds (padding left out).
export function avgPool(x: usize, out: usize, desc: usize): void {
  pool(x, out, desc, false);
}

// dx (batch, inH, inW, inC) = the gradient of maxPool given dy (batch, outH, outW, inC) and the positions
// maxPool found: each dy added where its max was, in order (dx zeroed first).
export function maxPoolBackward(dy: usize, positions: usize, dx: usize, desc: usize): void {
  read(desc);
  memory.fill(dx + at(B0 * H * W * C), 0, at((B1 - B0) * H * W * C));
  for (let o = B0 * OH * OW * C, end = B1 * OH * OW * C; o < end; o++) {
    const p = dx + at(load<i32>(positions + at(o)));
    store<f32>(p, load<f32>(p) + load<f32>(dy + at(o)));
  }
}

// dx (batch, inH, inW, inC) = the gradient of avgPool given dy: each window's dy / count added to its values.
export function avgPoolBackward(dy: usize, dx: usize, desc: usize): void {
  pool(dx, dy, desc, true);
}

function pool(x: usize, y: usize, desc: usize, back: bool): void {
  read(desc);
  if (back) memory.fill(x + at(B0 * H * W * C), 0, at((B1 - B0) * H * W * C));
  let o = B0 * OH * OW * C;
  for (let b = B0; b < B1; b++) {
    for (let oh = 0; oh < OH; oh++) {
      for (let ow = 0; ow < OW; ow++, o += C) {
        window(oh, ow);
        const count = <f32>((bottom - top) * (right - left));
        const n = f32x4.splat(count);
        let c = 0;
        for (; c + 4 <= C; c += 4) {
          let sum = f32x4.splat(0);
          const g = back ? f32x4.div(v128.load(y + at(o + c)), n) : sum;
          for (let ih = top; ih < bottom; ih++) {
            for (let iw = left; iw < right; iw++) {
              const p = x + at(((b * H + ih) * W + iw) * C + c);
              if (back) v128.store(p, f32x4.add(v128.load(p), g));
              else sum = f32x4.add(sum, v128.load(p));
            }
          }
          if (!back) v128.store(y + at(o + c), f32x4.div(sum, n));
        }
        for (; c < C; c++) {
          let sum: f32 = 0;
          const g = back ? load<f32>(y + at(o + c)) / count : sum;
          for (let ih = top; ih < bottom; ih++) {
            for (let iw = left; iw < right; iw++) {
              const p = x + at(((b * H + ih) * W + iw) * C + c);
              if (back) store<f32>(p, load<f32>(p) + g);
              else sum += load<f32>(p);
            }
          }
          if (!back) store<f32>(y + at(o + c), sum / count);
        }
      }
    }
  }
}

// ---- depthwise convolution ----

// y (batch, outH, outW, inC·m)[.., c·m + j] = the sum over the window of x (batch, inH, inW, inC)[.., c] ·
// filter (fH, fW, inC, m)[kh, kw, c, j]. `made` says which of x (0), filter (1), y (2) is computed from the
// other two: y is the convolution, x the gradient of the input given dy in y, filter the gradient of the
// filter. Every value is its products summed from 0 in the order of the js twin's loops (output positions,
// then taps, then channels): y and x gather theirs in registers, sixteen channels at a time; the filter's
// gradient, small enough to stay in L1, is added into position by position.
export function depthwise(made: i32, x: usize, filter: usize, y: usize, desc: usize): void {
  read(desc);
  if (made == 2) depthwiseOutput(x, filter, y);
  else if (made == 0) depthwiseInput(x, filter, y);
  else depthwiseFilter(x, filter, y);
}

// y over images [B0, B1): each output's taps in (kh, kw) order.
function depthwiseOutput(x: usize, filter: usize, y: usize): void {
  const m = OC / C;
  const ldx = at(DW * C);
  const ldf = at(OC);
  const ldxRow = at(DH * W * C);
  const ldfRow = at(FW * OC);
  for (let b = B0; b < B1; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * SH - PT;
      const kh0 = firstTap(ih0, DH, FH);
      const kh1 = endTap(ih0, DH, FH, H);
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * SW - PL;
        const kw0 = firstTap(iw0, DW, FW);
        const kw1 = endTap(iw0, DW, FW, W);
        const py = y + at(((b * OH + oh) * OW + ow) * OC);
        // x's channels under tap (kh0, kw0), and that tap's filter row
        const x0 = x + at(((b * H + ih0 + kh0 * DH) * W + iw0 + kw0 * DW) * C);
        const f0 = filter + at((kh0 * FW + kw0) * OC);
        let j = 0;
        if (m == 1) {
          for (; j + 16 <= OC; j += 16) {
            let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
            for (let kh = kh0, rx = x0 + at(j), rf = f0 + at(j); kh < kh1; kh++, rx += ldxRow, rf += ldfRow) {
              for (let kw = kw0, px = rx, pf = rf; kw < kw1; kw++, px += ldx, pf += ldf) {
                a0 = f32x4.add(a0, f32x4.mul(v128.load(px), v128.load(pf)));
                a1 = f32x4.add(a1, f32x4.mul(v128.load(px, 16), v128.load(pf, 16)));
                a2 = f32x4.add(a2, f32x4.mul(v128.load(px, 32), v128.load(pf, 32)));
                a3 = f32x4.add(a3, f32x4.mul(v128.load(px, 48), v128.load(pf, 48)));
              }
            }
            const p = py + at(j);
            v128.store(p, a0);
            v128.store(p, a1, 16);
            v128.store(p, a2, 32);
            v128.store(p, a3, 48);
          }
          for (; j + 4 <= OC; j += 4) {
            let a = f32x4.splat(0);
            for (let kh = kh0, rx = x0 + at(j), rf = f0 + at(j); kh < kh1; kh++, rx += ldxRow, rf += ldfRow) {
              for (let kw = kw0, px = rx, pf = rf; kw < kw1; kw++, px += ldx, pf += ldf) a = f32x4.add(a, f32x4.mul(v128.load(px), v128.load(pf)));
            }
            v128.store(py + at(j), a);
          }
        } else {
          // four outputs at a time, each lane with its own channel of x
          for (; j + 4 <= OC; j += 4) {
            const c0 = at(j / m), c1 = at((j + 1) / m), c2 = at((j + 2) / m), c3 = at((j + 3) / m);
            let a = f32x4.splat(0);
            for (let kh = kh0, rx = x0, rf = f0 + at(j); kh < kh1; kh++, rx += ldxRow, rf += ldfRow) {
              for (let kw = kw0, px = rx, pf = rf; kw < kw1; kw++, px += ldx, pf += ldf) {
                let xv = f32x4.splat(load<f32>(px + c0));
                xv = f32x4.replace_lane(xv, 1, load<f32>(px + c1));
                xv = f32x4.replace_lane(xv, 2, load<f32>(px + c2));
                xv = f32x4.replace_lane(xv, 3, load<f32>(px + c3));
                a = f32x4.add(a, f32x4.mul(xv, v128.load(pf)));
              }
            }
            v128.store(py + at(j), a);
          }
        }
        for (; j < OC; j++) {
          let a: f32 = 0;
          for (let kh = kh0, rx = x0 + at(j / m), rf = f0 + at(j); kh < kh1; kh++, rx += ldxRow, rf += ldfRow) {
            for (let kw = kw0, px = rx, pf = rf; kw < kw1; kw++, px += ldx, pf += ldf) a += load<f32>(px) * load<f32>(pf);
          }
          store<f32>(py + at(j), a);
        }
      }
    }
  }
}

// The output position (oh or ow) whose tap k covers input position i, or -1: oh·SH - PT + k·DH = i.
// @ts-ignore: decorator
@inline function covering(i: i32, pad: i32, k: i32, dil: i32, stride: i32, n: i32): i32 {
  const t = i + pad - k * dil;
  if (t < 0) return -1;
  const o = stride == 1 ? t : t / stride;
  return o < n && o * stride == t ? o : -1;
}

// x (the input's gradient) over images [B0, B1). With one channel per input channel, each input position
// gathers its products sixteen channels at a time, in the order the outputs that read it come (oh, ow
// ascending: its taps descending); the other channels are added into output by output.
function depthwiseInput(x: usize, filter: usize, y: usize): void {
  const m = OC / C;
  const gathered = m == 1 ? C & ~15 : 0;
  for (let b = B0; b < B1; b++) {
    for (let ih = 0; ih < H; ih++) {
      for (let iw = 0; iw < W; iw++) {
        const px = x + at(((b * H + ih) * W + iw) * C);
        for (let c = 0; c < gathered; c += 16) {
          let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
          for (let kh = FH - 1; kh >= 0; kh--) {
            const oh = covering(ih, PT, kh, DH, SH, OH);
            if (oh < 0) continue;
            for (let kw = FW - 1; kw >= 0; kw--) {
              const ow = covering(iw, PL, kw, DW, SW, OW);
              if (ow < 0) continue;
              const pd = y + at(((b * OH + oh) * OW + ow) * OC + c);
              const pf = filter + at((kh * FW + kw) * OC + c);
              a0 = f32x4.add(a0, f32x4.mul(v128.load(pf), v128.load(pd)));
              a1 = f32x4.add(a1, f32x4.mul(v128.load(pf, 16), v128.load(pd, 16)));
              a2 = f32x4.add(a2, f32x4.mul(v128.load(pf, 32), v128.load(pd, 32)));
              a3 = f32x4.add(a3, f32x4.mul(v128.load(pf, 48), v128.load(pd, 48)));
            }
          }
          const p = px + at(c);
          v128.store(p, a0);
          v128.store(p, a1, 16);
          v128.store(p, a2, 32);
          v128.store(p, a3, 48);
        }
        if (gathered < C) zero(px + at(gathered), C - gathered);
      }
    }
  }
  if (gathered < C) depthwiseScatter(0, x, filter, y, B0, B1, gathered, C);
}

// The filter's gradient over its input channels [C0, C1), a sum over the whole batch in the order of the
// output positions. With one channel per input channel, each tap's sixteen channels at a time are summed in
// registers along a row of outputs (x's rows under it and dy's row stay in L1 across the taps); otherwise each
// position's products are added into the filter.
function depthwiseFilter(x: usize, filter: usize, y: usize): void {
  const m = OC / C;
  const j0 = C0 * m;
  const j1 = C1 * m;
  for (let tap = 0; tap < FH * FW; tap++) memory.fill(filter + at(tap * OC + j0), 0, at(j1 - j0));
  if (m > 1) return depthwiseScatter(1, x, filter, y, 0, B, C0, C1);
  const ldx = at(SW * C);
  const ldy = at(OC);
  for (let b = 0; b < B; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * SH - PT;
      const kh0 = firstTap(ih0, DH, FH);
      const kh1 = endTap(ih0, DH, FH, H);
      const rowY = y + at((b * OH + oh) * OW * OC);
      for (let kh = kh0; kh < kh1; kh++) {
        const rowX = x + at((b * H + ih0 + kh * DH) * W * C);
        for (let kw = 0; kw < FW; kw++) {
          // the outputs whose tap kw lies inside x: ow·SW - PL + kw·DW in [0, W)
          const shift = kw * DW - PL;
          const ow0 = shift >= 0 ? 0 : (SW - 1 - shift) / SW;
          const ow1 = min(OW, shift < W ? (W - 1 - shift) / SW + 1 : 0);
          if (ow0 >= ow1) continue;
          const pf = filter + at((kh * FW + kw) * OC);
          const x0 = rowX + at((ow0 * SW + shift) * C);
          const y0 = rowY + at(ow0 * OC);
          let c = C0;
          for (; c + 16 <= C1; c += 16) {
            const f = pf + at(c);
            let a0 = v128.load(f), a1 = v128.load(f, 16), a2 = v128.load(f, 32), a3 = v128.load(f, 48);
            for (let ow = ow0, px = x0 + at(c), py = y0 + at(c); ow < ow1; ow++, px += ldx, py += ldy) {
              a0 = f32x4.add(a0, f32x4.mul(v128.load(px), v128.load(py)));
              a1 = f32x4.add(a1, f32x4.mul(v128.load(px, 16), v128.load(py, 16)));
              a2 = f32x4.add(a2, f32x4.mul(v128.load(px, 32), v128.load(py, 32)));
              a3 = f32x4.add(a3, f32x4.mul(v128.load(px, 48), v128.load(py, 48)));
            }
            v128.store(f, a0);
            v128.store(f, a1, 16);
            v128.store(f, a2, 32);
            v128.store(f, a3, 48);
          }
          for (; c + 4 <= C1; c += 4) {
            let a = v128.load(pf + at(c));
            for (let ow = ow0, px = x0 + at(c), py = y0 + at(c); ow < ow1; ow++, px += ldx, py += ldy) a = f32x4.add(a, f32x4.mul(v128.load(px), v128.load(py)));
            v128.store(pf + at(c), a);
          }
          for (; c < C1; c++) {
            let a = load<f32>(pf + at(c));
            for (let ow = ow0, px = x0 + at(c), py = y0 + at(c); ow < ow1; ow++, px += ldx, py += ldy) a += load<f32>(px) * load<f32>(py);
            store<f32>(pf + at(c), a);
          }
        }
      }
    }
  }
}

// Each output position's taps in turn adding their products into x (made 0: the input's gradient, its channels
// [c0, c1)) or into the filter (made 1, with m > 1: its input channels [c0, c1)), over images [b0, b1).
function depthwiseScatter(made: i32, x: usize, filter: usize, y: usize, b0: i32, b1: i32, c0: i32, c1: i32): void {
  const m = OC / C;
  for (let b = b0; b < b1; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * SH - PT;
      const kh0 = firstTap(ih0, DH, FH);
      const kh1 = endTap(ih0, DH, FH, H);
      for (let ow = 0; ow < OW; ow++) {
        const iw0 = ow * SW - PL;
        const kw0 = firstTap(iw0, DW, FW);
        const kw1 = endTap(iw0, DW, FW, W);
        const pd = y + at(((b * OH + oh) * OW + ow) * OC);
        for (let kh = kh0; kh < kh1; kh++) {
          for (let kw = kw0; kw < kw1; kw++) {
            const px = x + at(((b * H + ih0 + kh * DH) * W + iw0 + kw * DW) * C);
            const pf = filter + at((kh * FW + kw) * OC);
            let c = c0;
            if (made == 1) {
              for (; c < c1; c++) {
                const xc = load<f32>(px + at(c));
                for (let o = c * m; o < c * m + m; o++) store<f32>(pf + at(o), load<f32>(pf + at(o)) + xc * load<f32>(pd + at(o)));
              }
            } else if (m == 1) {
              for (; c + 4 <= c1; c += 4) v128.store(px + at(c), f32x4.add(v128.load(px + at(c)), f32x4.mul(v128.load(pf + at(c)), v128.load(pd + at(c)))));
              for (; c < c1; c++) store<f32>(px + at(c), load<f32>(px + at(c)) + load<f32>(pf + at(c)) * load<f32>(pd + at(c)));
            } else {
              for (; c < c1; c++) {
                let a = load<f32>(px + at(c));
                for (let o = c * m; o < c * m + m; o++) a += load<f32>(pf + at(o)) * load<f32>(pd + at(o));
                store<f32>(px + at(c), a);
              }
            }
          }
        }
      }
    }
  }
}

// ---- direct convolution: x of few channels, where patches would be mostly copies ----

// @ts-ignore: decorator
@inline function madd(x: v128, y: v128, acc: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(x, y, acc);
  return f32x4.add(acc, f32x4.mul(x, y));
}

// y (batch, outH, outW, outC) = x convolved with filter (fH, fW, inC, outC), outC a multiple of 8: eight output
// channels of four positions at a time in registers, the taps in im2col's order, so that each value is summed
// as the patches' matmul sums it (taps that overhang x are left out rather than added as zeros).
export function convDirect(x: usize, filter: usize, y: usize, desc: usize): void {
  read(desc);
  const ldf = <usize>OC << 2;
  for (let b = B0; b < B1; b++) {
    for (let oh = 0; oh < OH; oh++) {
      const ih0 = oh * SH - PT;
      const rowsInside = ih0 >= 0 && ih0 + (FH - 1) * DH < H;
      for (let ow = 0; ow < OW; ) {
        const iw0 = ow * SW - PL;
        const four = rowsInside && ow + 4 <= OW && iw0 >= 0 && (ow + 3) * SW - PL + (FW - 1) * DW < W;
        const out = y + at(((b * OH + oh) * OW + ow) * OC);
        for (let oc = 0; oc < OC; oc += 8) {
          if (four) fourPositions(x + at(((b * H + ih0) * W + iw0) * C), filter + at(oc), out + at(oc), ldf);
          else onePosition(x, filter + at(oc), out + at(oc), ldf, b, ih0, iw0);
        }
        ow += four ? 4 : 1;
      }
    }
  }
}

// Four positions SW apart, every tap inside x: origin is x's value under tap (0, 0, 0) of the first.
function fourPositions(origin: usize, f: usize, out: usize, ldf: usize): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), b0 = f32x4.splat(0), b1 = f32x4.splat(0);
  let c0 = f32x4.splat(0), c1 = f32x4.splat(0), d0 = f32x4.splat(0), d1 = f32x4.splat(0);
  const step = at(SW * C);
  // Taps along a filter row are one run of x when the columns are not dilated: one loop over fW·inC values.
  const runs = DW == 1 ? 1 : FW, run = DW == 1 ? FW * C : C;
  for (let kh = 0; kh < FH; kh++) {
    for (let r = 0; r < runs; r++) {
      let p = origin + at((kh * DH * W + r * DW) * C);
      for (let c = 0; c < run; c++, p += 4, f += ldf) {
        const w0 = v128.load(f);
        const w1 = v128.load(f, 16);
        let v = v128.load32_splat(p);
        a0 = madd(v, w0, a0);
        a1 = madd(v, w1, a1);
        v = v128.load32_splat(p + step);
        b0 = madd(v, w0, b0);
        b1 = madd(v, w1, b1);
        v = v128.load32_splat(p + 2 * step);
        c0 = madd(v, w0, c0);
        c1 = madd(v, w1, c1);
        v = v128.load32_splat(p + 3 * step);
        d0 = madd(v, w0, d0);
        d1 = madd(v, w1, d1);
      }
    }
  }
  const ldy = <usize>OC << 2;
  v128.store(out, a0);
  v128.store(out, a1, 16);
  v128.store(out + ldy, b0);
  v128.store(out + ldy, b1, 16);
  v128.store(out + 2 * ldy, c0);
  v128.store(out + 2 * ldy, c1, 16);
  v128.store(out + 3 * ldy, d0);
  v128.store(out + 3 * ldy, d1, 16);
}

// One position, its window's taps that overhang x left out.
function onePosition(x: usize, f: usize, out: usize, ldf: usize, b: i32, ih0: i32, iw0: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
  for (let kh = 0; kh < FH; kh++) {
    const ih = ih0 + kh * DH;
    for (let kw = 0; kw < FW; kw++) {
      const iw = iw0 + kw * DW;
      if (ih < 0 || ih >= H || iw < 0 || iw >= W) {
        f += ldf * C;
        continue;
      }
      let p = x + at(((b * H + ih) * W + iw) * C);
      for (let c = 0; c < C; c++, p += 4, f += ldf) {
        const v = v128.load32_splat(p);
        a0 = madd(v, v128.load(f), a0);
        a1 = madd(v, v128.load(f, 16), a1);
      }
    }
  }
  v128.store(out, a0);
  v128.store(out, a1, 16);
}
