// The js twin of assembly/conv.ts: the same loops over the heap's Float32Array, each value's arithmetic in the
// same order and rounded to f32 at the same steps (Math.fround), so every value equals the wasm kernels' bits.

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';

type ConvKernels = Pick<Kernels, 'im2col' | 'col2im' | 'convDirect' | 'maxPool' | 'maxPoolBackward' | 'avgPool' | 'avgPoolBackward' | 'depthwise'>;

/** The descriptor's words (see Kernels.im2col); the twin runs on one thread, so its range is always the whole batch. */
function read(heap: Heap, desc: Ptr) {
  const [B, H, W, C, OH, OW, OC, FH, FW, SH, SW, DH, DW, PT, PL] = heap.i32.subarray(word(desc), word(desc) + 15);
  return { B, H, W, C, OH, OW, OC, FH, FW, SH, SW, DH, DW, PT, PL };
}

/** The taps k in [0, taps) of a window starting at `start`, `dil` apart, with 0 <= start + k·dil < n: [lo, hi). */
function taps(start: number, dil: number, count: number, n: number): [number, number] {
  const lo = start < 0 ? Math.min(Math.floor((dil - 1 - start) / dil), count) : 0;
  const hi = start < n ? Math.min(Math.floor((n - start + dil - 1) / dil), count) : 0;
  return [lo, Math.max(hi, lo)];
}

export function convKernels(heap: Heap): ConvKernels {
  // cols = the windows of x; back: x = the windows' rows added where they came from (x zeroed first).
  const patches = (x: Ptr, cols: Ptr, desc: Ptr, back: boolean): void => {
    const { B, H, W, C, OH, OW, FH, FW, SH, SW, DH, DW, PT, PL } = read(heap, desc);
    const f = heap.f32;
    const X = word(x);
    if (back) f.fill(0, X, X + B * H * W * C);
    const row = FW * C;
    let col = word(cols);
    for (let b = 0; b < B; b++) {
      for (let oh = 0; oh < OH; oh++) {
        for (let ow = 0; ow < OW; ow++) {
          const c0 = ow * SW - PL;
          const [lo, hi] = taps(c0, DW, FW, W);
          for (let kh = 0; kh < FH; kh++, col += row) {
            const ih = oh * SH - PT + kh * DH;
            if (ih < 0 || ih >= H) {
              if (!back) f.fill(0, col, col + row);
              continue;
            }
            if (!back) {
              f.fill(0, col, col + lo * C);
              f.fill(0, col + hi * C, col + row);
            }
            const start = (b * H + ih) * W + c0;
            for (let kw = lo; kw < hi; kw++) {
              const from = X + (start + kw * DW) * C;
              const to = col + kw * C;
              if (back) for (let i = 0; i < C; i++) f[from + i] += f[to + i];
              else f.copyWithin(to, from, from + C);
            }
          }
        }
      }
    }
  };

  // cols transposed, for x of one channel read at column stride 1 (runs of outW values); back: col2im's sum.
  const patchesTransposed = (x: Ptr, cols: Ptr, desc: Ptr, back: boolean): void => {
    const { B, H, W, OH, OW, FH, FW, SH, DH, DW, PT, PL } = read(heap, desc);
    const f = heap.f32;
    const X = word(x);
    if (back) f.fill(0, X, X + B * H * W);
    let col = word(cols);
    for (let kh = 0; kh < FH; kh++) {
      for (let kw = 0; kw < FW; kw++) {
        const c0 = kw * DW - PL;
        const [lo, hi] = taps(c0, 1, OW, W);
        for (let b = 0; b < B; b++) {
          for (let oh = 0; oh < OH; oh++, col += OW) {
            const ih = oh * SH - PT + kh * DH;
            const [first, end] = ih >= 0 && ih < H ? [lo, hi] : [OW, OW];
            if (!back) {
              f.fill(0, col, col + first);
              f.fill(0, col + end, col + OW);
            }
            const from = X + (b * H + ih) * W + c0;
            if (back) for (let i = first; i < end; i++) f[from + i] += f[col + i];
            else f.copyWithin(col + first, from + first, from + end);
          }
        }
      }
    }
  };

  // avgPool (back false: y = each window's mean of x) and its gradient (back: x = each window's y / count added in).
  const pool = (x: Ptr, y: Ptr, desc: Ptr, back: boolean): void => {
    const { B, H, W, C, OH, OW, FH, FW, SH, SW, PT, PL } = read(heap, desc);
    const f = heap.f32;
    const [X, Y] = [word(x), word(y)];
    if (back) f.fill(0, X, X + B * H * W * C);
    let o = 0;
    for (let b = 0; b < B; b++) {
      for (let oh = 0; oh < OH; oh++) {
        const [top, bottom] = [Math.max(oh * SH - PT, 0), Math.min(oh * SH - PT + FH, H)];
        for (let ow = 0; ow < OW; ow++, o += C) {
          const [left, right] = [Math.max(ow * SW - PL, 0), Math.min(ow * SW - PL + FW, W)];
          const count = (bottom - top) * (right - left);
          for (let c = 0; c < C; c++) {
            let sum = 0;
            const g = back ? Math.fround(f[Y + o + c] / count) : 0;
            for (let ih = top; ih < bottom; ih++) {
              for (let iw = left; iw < right; iw++) {
                const p = X + ((b * H + ih) * W + iw) * C + c;
                if (back) f[p] += g;
                else sum = Math.fround(sum + f[p]);
              }
            }
            if (!back) f[Y + o + c] = sum / count;
          }
        }
      }
    }
  };

  return {
    im2col(x: Ptr, cols: Ptr, desc: Ptr, transposed: number): void {
      (transposed ? patchesTransposed : patches)(x, cols, desc, false);
    },

    col2im(cols: Ptr, dx: Ptr, desc: Ptr, transposed: number): void {
      (transposed ? patchesTransposed : patches)(dx, cols, desc, true);
    },

    convDirect(x: Ptr, filter: Ptr, y: Ptr, desc: Ptr): void {
      const { B, H, W, C, OH, OW, OC, FH, FW, SH, SW, DH, DW, PT, PL } = read(heap, desc);
      const f = heap.f32;
      const [X, F] = [word(x), word(filter)];
      let o = word(y);
      for (let b = 0; b < B; b++) {
        for (let oh = 0; oh < OH; oh++) {
          for (let ow = 0; ow < OW; ow++, o += OC) {
            for (let oc = 0; oc < OC; oc++) {
              let sum = 0;
              for (let kh = 0; kh < FH; kh++) {
                const ih = oh * SH - PT + kh * DH;
                for (let kw = 0; kw < FW; kw++) {
                  const iw = ow * SW - PL + kw * DW;
                  if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
                  for (let c = 0; c < C; c++) sum = Math.fround(sum + Math.fround(f[X + ((b * H + ih) * W + iw) * C + c] * f[F + ((kh * FW + kw) * C + c) * OC + oc]));
                }
              }
              f[o + oc] = sum;
            }
          }
        }
      }
    },

    maxPool(x: Ptr, out: Ptr, positions: Ptr, desc: Ptr): void {
      const { B, H, W, C, OH, OW, FH, FW, SH, SW, PT, PL } = read(heap, desc);
      const { f32, i32 } = heap;
      const [X, O, P] = [word(x), word(out), word(positions)];
      let o = 0;
      for (let b = 0; b < B; b++) {
        for (let oh = 0; oh < OH; oh++) {
          const [top, bottom] = [Math.max(oh * SH - PT, 0), Math.min(oh * SH - PT + FH, H)];
          for (let ow = 0; ow < OW; ow++, o += C) {
            const [left, right] = [Math.max(ow * SW - PL, 0), Math.min(ow * SW - PL + FW, W)];
            for (let c = 0; c < C; c++) {
              let best = -Infinity;
              let where = ((b * H + top) * W + left) * C + c;
              for (let ih = top; ih < bottom; ih++) {
                for (let iw = left; iw < right; iw++) {
                  const i = ((b * H + ih) * W + iw) * C + c;
                  if (f32[X + i] > best) [best, where] = [f32[X + i], i];
                }
              }
              f32[O + o + c] = best;
              if (positions) i32[P + o + c] = where;
            }
          }
        }
      }
    },

    maxPoolBackward(dy: Ptr, positions: Ptr, dx: Ptr, desc: Ptr): void {
      const { B, H, W, C, OH, OW } = read(heap, desc);
      const { f32, i32 } = heap;
      const [DY, P, DX] = [word(dy), word(positions), word(dx)];
      f32.fill(0, DX, DX + B * H * W * C);
      for (let o = 0; o < B * OH * OW * C; o++) f32[DX + i32[P + o]] += f32[DY + o];
    },

    avgPool(x: Ptr, out: Ptr, desc: Ptr): void {
      pool(x, out, desc, false);
    },

    avgPoolBackward(dy: Ptr, dx: Ptr, desc: Ptr): void {
      pool(dx, dy, desc, true);
    },

    depthwise(made: number, x: Ptr, filter: Ptr, y: Ptr, desc: Ptr): void {
      const { B, H, W, C, OH, OW, OC, FH, FW, SH, SW, DH, DW, PT, PL } = read(heap, desc);
      const f = heap.f32;
      const [X, F, Y] = [word(x), word(filter), word(y)];
      const m = OC / C;
      if (made === 0) f.fill(0, X, X + B * H * W * C);
      else if (made === 1) f.fill(0, F, F + FH * FW * OC);
      else f.fill(0, Y, Y + B * OH * OW * OC);
      for (let b = 0; b < B; b++) {
        for (let oh = 0; oh < OH; oh++) {
          for (let ow = 0; ow < OW; ow++) {
            const c0 = ow * SW - PL;
            const [lo, hi] = taps(c0, DW, FW, W);
            const py = Y + ((b * OH + oh) * OW + ow) * OC;
            for (let kh = 0; kh < FH; kh++) {
              const ih = oh * SH - PT + kh * DH;
              if (ih < 0 || ih >= H) continue;
              for (let kw = lo; kw < hi; kw++) {
                const px = X + ((b * H + ih) * W + c0 + kw * DW) * C;
                const pf = F + (kh * FW + kw) * OC;
                for (let j = 0; j < OC; j++) {
                  const xj = px + Math.floor(j / m);
                  if (made === 0) f[xj] += Math.fround(f[pf + j] * f[py + j]);
                  else if (made === 1) f[pf + j] += Math.fround(f[xj] * f[py + j]);
                  else f[py + j] += Math.fround(f[xj] * f[pf + j]);
                }
              }
            }
          }
        }
      }
    },
  };
}
