// The js twin of assembly/cast.ts: dtype conversion through the typed arrays themselves, which is exactly how
// TF.js converts (Int32Array truncates and wraps; bool is 1 where nonzero).

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';

export function castKernels(heap: Heap): Pick<Kernels, 'cast'> {
  return {
    cast(x: Ptr, from: number, to: number, out: Ptr, n: number): void {
      const xi = word(x);
      const oi = word(out);
      const source = from === 0 ? heap.f32.subarray(xi, xi + n) : heap.i32.subarray(xi, xi + n);
      if (to === 2) for (let i = 0; i < n; i++) heap.i32[oi + i] = source[i] !== 0 ? 1 : 0;
      else (to === 0 ? heap.f32 : heap.i32).set(source.slice(), oi);
    },
  };
}
