// The js twin of assembly/search.ts: the same halving over the same rows, comparing JavaScript numbers (f64).

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';

type SearchKernels = Pick<Kernels, 'searchSorted'>;

export function searchKernels(heap: Heap): SearchKernels {
  return {
    searchSorted(seq: Ptr, seqInt: number, values: Ptr, valuesInt: number, out: Ptr, rows: number, n: number, m: number, right: number): void {
      const s = seqInt ? heap.i32 : heap.f32;
      const v = valuesInt ? heap.i32 : heap.f32;
      const o = heap.i32;
      for (let r = 0; r < rows; r++) {
        const row = word(seq) + r * n;
        for (let i = 0; i < m; i++) {
          const value = v[word(values) + r * m + i];
          let lo = 0;
          let hi = n;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (right ? s[row + mid] <= value : s[row + mid] < value) lo = mid + 1;
            else hi = mid;
          }
          o[word(out) + r * m + i] = hi;
        }
      }
    },
  };
}
