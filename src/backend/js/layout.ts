// The js twin of assembly/layout.ts: strided copies, rows by index, oneHot and nonzero coordinates, reading the
// same descriptors. Values move through the Int32Array view, so every dtype (and every NaN's bits) is copied
// exactly; only Scatter.Add adds in f32.

import type { Heap } from '../heap.js';
import { type Kernels, type Ptr, Scatter } from '../kernels.js';
import { word } from '../heap.js';

type LayoutKernels = Pick<Kernels, 'copyStrided' | 'gather' | 'scatter' | 'oneHot' | 'countNonzero' | 'nonzeroCoords'>;

export function layoutKernels(heap: Heap): LayoutKernels {
  return {
    copyStrided(src: Ptr, out: Ptr, desc: Ptr): void {
      const i32 = heap.i32;
      const d = word(desc);
      const r = i32[d];
      const shape = i32.slice(d + 1, d + 1 + r);
      const ss = i32.slice(d + 1 + r, d + 1 + 2 * r);
      const os = i32.slice(d + 1 + 2 * r, d + 1 + 3 * r);
      const last = r - 1;
      const walk = (axis: number, s: number, o: number): void => {
        if (axis === last) {
          for (let i = 0; i < shape[last]; i++) i32[o + i * os[last]] = i32[s + i * ss[last]];
          return;
        }
        for (let i = 0; i < shape[axis]; i++) walk(axis + 1, s + i * ss[axis], o + i * os[axis]);
      };
      walk(0, word(src), word(out));
    },

    gather(x: Ptr, indices: Ptr, out: Ptr, batch: number, outer: number, dim: number, count: number, inner: number): void {
      const i32 = heap.i32;
      let to = word(out);
      for (let b = 0; b < batch; b++) {
        const idx = word(indices) + b * count;
        for (let o = 0; o < outer; o++) {
          const from = word(x) + (b * outer + o) * dim * inner;
          for (let i = 0; i < count; i++, to += inner) i32.copyWithin(to, from + i32[idx + i] * inner, from + (i32[idx + i] + 1) * inner);
        }
      }
    },

    scatter(op: Scatter, updates: Ptr, indices: Ptr, out: Ptr, batch: number, outer: number, dim: number, count: number, inner: number): void {
      const { i32, f32 } = heap;
      let from = word(updates);
      for (let b = 0; b < batch; b++) {
        const idx = word(indices) + b * count;
        for (let o = 0; o < outer; o++) {
          const base = word(out) + (b * outer + o) * dim * inner;
          for (let i = 0; i < count; i++, from += inner) {
            const to = base + i32[idx + i] * inner;
            if (op === Scatter.Set) i32.copyWithin(to, from, from + inner);
            else if (op === Scatter.Add) for (let k = 0; k < inner; k++) f32[to + k] += f32[from + k];
            else for (let k = 0; k < inner; k++) i32[to + k] += i32[from + k];
          }
        }
      }
    },

    oneHot(indices: Ptr, out: Ptr, n: number, depth: number, on: number, off: number): void {
      const i32 = heap.i32;
      const o = word(out);
      i32.fill(off, o, o + n * depth);
      for (let i = 0; i < n; i++) {
        const k = i32[word(indices) + i];
        if (k >= 0 && k < depth) i32[o + i * depth + k] = on;
      }
    },

    countNonzero(x: Ptr, n: number): number {
      const i32 = heap.i32;
      let count = 0;
      for (let i = word(x); i < word(x) + n; i++) if (i32[i] !== 0) count++;
      return count;
    },

    nonzeroCoords(x: Ptr, out: Ptr, desc: Ptr): void {
      const i32 = heap.i32;
      const d = word(desc);
      const shape = i32.slice(d + 1, d + 1 + i32[d]);
      const n = shape.reduce((a, b) => a * b, 1);
      let to = word(out);
      for (let i = 0; i < n; i++) {
        if (i32[word(x) + i] === 0) continue;
        for (let axis = shape.length - 1, rest = i; axis >= 0; axis--) {
          i32[to + axis] = rest % shape[axis];
          rest = Math.floor(rest / shape[axis]);
        }
        to += shape.length;
      }
    },
  };
}
