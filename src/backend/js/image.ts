// The js twin of assembly/image.ts: the same loops over the heap's Float32Array, the source coordinates in f64
// and each value's arithmetic rounded to f32 at the same steps (Math.fround), so every value equals the wasm
// kernels' bits.

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';

const f = Math.fround;

/** The descriptor's words (see Kernels.resize) and TF.js's scale from output to input coordinates per axis. */
function read(heap: Heap, desc: Ptr) {
  const [B, H, W, C, OH, OW, bilinear, align, half] = heap.i32.subarray(word(desc), word(desc) + 9);
  const ratio = (size: number, out: number) => (align && out > 1 ? (size - 1) / (out - 1) : size / out);
  const [ratioH, ratioW] = [ratio(H, OH), ratio(W, OW)];
  /** Where output index i of an axis of `size` reads: bilinear, between lo and hi with weight frac on hi; nearest, at lo (= hi). */
  const source = (i: number, size: number, scale: number): [number, number, number] => {
    if (bilinear) {
      const x = half ? scale * (i + 0.5) - 0.5 : scale * i;
      const first = Math.max(0, Math.floor(x));
      return [first, Math.min(size - 1, Math.ceil(x)), f(x - first)];
    }
    const x = half ? scale * (i + 0.5) : scale * i;
    const nearest = Math.min(size - 1, align ? Math.round(x) : Math.floor(x));
    const at = half ? Math.max(0, nearest) : nearest;
    return [at, at, 0];
  };
  return { B, H, W, C, OH, OW, bilinear, ratioH, ratioW, source };
}

export function imageKernels(heap: Heap): Pick<Kernels, 'resize' | 'resizeBackward'> {
  return {
    resize(x: Ptr, out: Ptr, desc: Ptr): void {
      const { B, H, W, C, OH, OW, bilinear, ratioH, ratioW, source } = read(heap, desc);
      const { f32, i32 } = heap;
      let o = word(out);
      for (let b = 0; b < B; b++) {
        for (let r = 0; r < OH; r++) {
          const [top, bottom, fr] = source(r, H, ratioH);
          const [upperRow, lowerRow] = [word(x) + (b * H + top) * W * C, word(x) + (b * H + bottom) * W * C];
          for (let c = 0; c < OW; c++, o += C) {
            const [left, right, fc] = source(c, W, ratioW);
            if (!bilinear) {
              i32.copyWithin(o, upperRow + left * C, upperRow + (left + 1) * C);
              continue;
            }
            for (let k = 0; k < C; k++) {
              const [upper, lower] = [f32[upperRow + left * C + k], f32[lowerRow + left * C + k]];
              const t = f(upper + f(f(f32[upperRow + right * C + k] - upper) * fc));
              const u = f(lower + f(f(f32[lowerRow + right * C + k] - lower) * fc));
              f32[o + k] = t + f(f(u - t) * fr);
            }
          }
        }
      }
    },

    resizeBackward(dy: Ptr, dx: Ptr, desc: Ptr): void {
      const { B, H, W, C, OH, OW, bilinear, ratioH, ratioW, source } = read(heap, desc);
      const f32 = heap.f32;
      f32.fill(0, word(dx), word(dx) + B * H * W * C);
      // dx[at..] += dy[g..] · w over the channels
      const add = (at: number, g: number, w: number) => {
        for (let k = 0; k < C; k++) f32[at + k] += f(f32[g + k] * w);
      };
      let g = word(dy);
      for (let b = 0; b < B; b++) {
        for (let r = 0; r < OH; r++) {
          const [top, bottom, fr] = source(r, H, ratioH);
          const [upperRow, lowerRow] = [word(dx) + (b * H + top) * W * C, word(dx) + (b * H + bottom) * W * C];
          for (let c = 0; c < OW; c++, g += C) {
            const [left, right, fc] = source(c, W, ratioW);
            if (!bilinear) {
              add(upperRow + left * C, g, 1);
              continue;
            }
            add(upperRow + left * C, g, f(f(1 - fr) * f(1 - fc)));
            add(upperRow + right * C, g, f(f(1 - fr) * fc));
            add(lowerRow + left * C, g, f(fr * f(1 - fc)));
            add(lowerRow + right * C, g, f(fr * fc));
          }
        }
      }
    },
  };
}
