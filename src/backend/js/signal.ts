// The js twin of assembly/signal.ts: the cosine windows, in f64 and rounded once to f32 (cos may differ from
// wasm's in the last f64 bit, so a value may rarely differ by one f32 ulp).

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';

export function signalKernels(heap: Heap): Pick<Kernels, 'cosineWindow'> {
  return {
    // out (n) f32: out[i] = a - b·cos(2π·i / period)
    cosineWindow(out: Ptr, n: number, a: number, b: number, period: number): void {
      const f32 = heap.f32;
      const o = word(out);
      for (let i = 0; i < n; i++) f32[o + i] = a - b * Math.cos((2 * Math.PI * i) / period);
    },
  };
}
