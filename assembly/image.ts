// Resizing NHWC images, TF.js's resizeBilinear and resizeNearestNeighbor, and their gradients (each the other's
// adjoint: the gradient adds each output's dy back into the pixels it was read from, with the same weights).
// Where an output row or column reads from is computed in f64 exactly as TF.js's cpu kernels compute it, so a
// nearest neighbour is the one TF.js picks; the interpolation itself is f32, four channels at a time. Every
// value's arithmetic happens in the order the js twin's does.
// desc (i32 words): batch, inH, inW, channels, outH, outW, bilinear, alignCorners, halfPixelCenters.

let B: i32 = 0, H: i32 = 0, W: i32 = 0, C: i32 = 0, OH: i32 = 0, OW: i32 = 0;
let BILINEAR = false, ALIGN = false, HALF = false;
let RATIO_H: f64 = 0, RATIO_W: f64 = 0;

// TF.js's scale from output to input coordinates along an axis.
function ratio(size: i32, out: i32): f64 {
  return ALIGN && out > 1 ? <f64>(size - 1) / <f64>(out - 1) : <f64>size / <f64>out;
}

function read(desc: usize): void {
  B = load<i32>(desc);
  H = load<i32>(desc, 4);
  W = load<i32>(desc, 8);
  C = load<i32>(desc, 12);
  OH = load<i32>(desc, 16);
  OW = load<i32>(desc, 20);
  BILINEAR = load<i32>(desc, 24) != 0;
  ALIGN = load<i32>(desc, 28) != 0;
  HALF = load<i32>(desc, 32) != 0;
  RATIO_H = ratio(H, OH);
  RATIO_W = ratio(W, OW);
}

// Byte offset of element i.
// @ts-ignore: decorator
@inline function at(i: i32): usize {
  return <usize>i << 2;
}

// Where output index i of an axis of `size` reads: bilinear, between LO and HI with weight FRAC on HI;
// nearest, at LO (= HI).
let LO: i32 = 0, HI: i32 = 0, FRAC: f32 = 0;

function source(i: i32, size: i32, scale: f64): void {
  if (BILINEAR) {
    const x = HALF ? scale * (<f64>i + 0.5) - 0.5 : scale * <f64>i;
    const first = Math.max(0, Math.floor(x));
    LO = <i32>first;
    HI = min(size - 1, <i32>Math.ceil(x));
    FRAC = <f32>(x - first);
  } else {
    const x = HALF ? scale * (<f64>i + 0.5) : scale * <f64>i;
    const nearest = min(size - 1, <i32>(ALIGN ? Math.round(x) : Math.floor(x)));
    LO = HI = HALF ? max(0, nearest) : nearest;
  }
}

// out (batch, outH, outW, channels) = images x (batch, inH, inW, channels) resized: bilinear f32, or nearest,
// whose values are copied as bits (int32 too).
export function resize(x: usize, out: usize, desc: usize): void {
  read(desc);
  let o = out;
  for (let b = 0; b < B; b++) {
    for (let r = 0; r < OH; r++) {
      source(r, H, RATIO_H);
      const top = x + at((b * H + LO) * W * C);
      const bottom = x + at((b * H + HI) * W * C);
      const fr = FRAC;
      for (let c = 0; c < OW; c++, o += at(C)) {
        source(c, W, RATIO_W);
        if (!BILINEAR) {
          const from = top + at(LO * C);
          let k = 0;
          for (; k + 4 <= C; k += 4) v128.store(o + at(k), v128.load(from + at(k)));
          for (; k < C; k++) store<i32>(o + at(k), load<i32>(from + at(k)));
          continue;
        }
        const tl = top + at(LO * C);
        const tr = top + at(HI * C);
        const bl = bottom + at(LO * C);
        const br = bottom + at(HI * C);
        const fc = FRAC;
        const vr = f32x4.splat(fr);
        const vc = f32x4.splat(fc);
        let k = 0;
        for (; k + 4 <= C; k += 4) {
          const p = at(k);
          const upper = v128.load(tl + p);
          const lower = v128.load(bl + p);
          const t = f32x4.add(upper, f32x4.mul(f32x4.sub(v128.load(tr + p), upper), vc));
          const u = f32x4.add(lower, f32x4.mul(f32x4.sub(v128.load(br + p), lower), vc));
          v128.store(o + p, f32x4.add(t, f32x4.mul(f32x4.sub(u, t), vr)));
        }
        for (; k < C; k++) {
          const p = at(k);
          const upper = load<f32>(tl + p);
          const lower = load<f32>(bl + p);
          const t = upper + (load<f32>(tr + p) - upper) * fc;
          const u = lower + (load<f32>(br + p) - lower) * fc;
          store<f32>(o + p, t + (u - t) * fr);
        }
      }
    }
  }
}

// dx += dy · w over n values, four at a time.
// @ts-ignore: decorator
@inline function addScaled(dx: usize, dy: usize, w: f32, n: i32): void {
  const vw = f32x4.splat(w);
  let k = 0;
  for (; k + 4 <= n; k += 4) v128.store(dx + at(k), f32x4.add(v128.load(dx + at(k)), f32x4.mul(v128.load(dy + at(k)), vw)));
  for (; k < n; k++) store<f32>(dx + at(k), load<f32>(dx + at(k)) + load<f32>(dy + at(k)) * w);
}

// dx (batch, inH, inW, channels) = resize's gradient given dy (batch, outH, outW, channels): dx zeroed, then
// each output's dy added, in order, to the pixels it was read from (bilinear: top left, top right, bottom
// left, bottom right, weighted (1-fr)(1-fc), (1-fr)fc, fr(1-fc), fr·fc).
export function resizeBackward(dy: usize, dx: usize, desc: usize): void {
  read(desc);
  memory.fill(dx, 0, at(B * H * W * C));
  let g = dy;
  for (let b = 0; b < B; b++) {
    for (let r = 0; r < OH; r++) {
      source(r, H, RATIO_H);
      const top = dx + at((b * H + LO) * W * C);
      const bottom = dx + at((b * H + HI) * W * C);
      const fr = FRAC;
      for (let c = 0; c < OW; c++, g += at(C)) {
        source(c, W, RATIO_W);
        if (!BILINEAR) {
          addScaled(top + at(LO * C), g, 1, C);
          continue;
        }
        const fc = FRAC;
        addScaled(top + at(LO * C), g, (1 - fr) * (1 - fc), C);
        addScaled(top + at(HI * C), g, (1 - fr) * fc, C);
        addScaled(bottom + at(LO * C), g, fr * (1 - fc), C);
        addScaled(bottom + at(HI * C), g, fr * fc, C);
      }
    }
  }
}
