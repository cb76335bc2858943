// The js twin of assembly/broadcast.ts: elementwise binary ops over any rank with broadcasting, reading the
// same descriptor. Storing into a Float32Array (or Int32Array) rounds each operation as the wasm lanes do.

import type { Heap } from '../heap.js';
import { Binary, type Kernels, type Ptr } from '../kernels.js';
import { word } from '../heap.js';

type BroadcastKernels = Pick<Kernels, 'binaryStrided'>;

/** One row of n outputs at o: a advances by ia per output, b by ib (word indices). One loop per op. */
function row(heap: Heap, op: Binary, a: number, ia: number, b: number, ib: number, o: number, n: number): void {
  const f = heap.f32;
  const i = heap.i32;
  switch (op) {
    case Binary.Add:
      for (let j = 0; j < n; j++) f[o + j] = f[a + j * ia] + f[b + j * ib];
      break;
    case Binary.Sub:
      for (let j = 0; j < n; j++) f[o + j] = f[a + j * ia] - f[b + j * ib];
      break;
    case Binary.Mul:
      for (let j = 0; j < n; j++) f[o + j] = f[a + j * ia] * f[b + j * ib];
      break;
    case Binary.Div:
      for (let j = 0; j < n; j++) f[o + j] = f[a + j * ia] / f[b + j * ib];
      break;
    case Binary.AddInt:
      for (let j = 0; j < n; j++) i[o + j] = i[a + j * ia] + i[b + j * ib];
      break;
    case Binary.SubInt:
      for (let j = 0; j < n; j++) i[o + j] = i[a + j * ia] - i[b + j * ib];
      break;
    case Binary.MulInt:
      for (let j = 0; j < n; j++) i[o + j] = Math.imul(i[a + j * ia], i[b + j * ib]);
      break;
    case Binary.FloorDivInt:
      // As TF.js: floor of the double quotient, stored in an Int32Array (x / 0 becomes 0).
      for (let j = 0; j < n; j++) i[o + j] = Math.floor(i[a + j * ia] / i[b + j * ib]);
      break;
  }
}

export function broadcastKernels(heap: Heap): BroadcastKernels {
  return {
    binaryStrided(op: Binary, a: Ptr, b: Ptr, out: Ptr, desc: Ptr): void {
      const i32 = heap.i32;
      const d = word(desc);
      const r = i32[d];
      const shape = d + 1;
      const sa = shape + r;
      const sb = sa + r;
      const n = i32[shape + r - 1];
      const ia = i32[sa + r - 1];
      const ib = i32[sb + r - 1];
      let rows = 1;
      for (let k = 0; k < r - 1; k++) rows *= i32[shape + k];
      for (let rowIndex = 0; rowIndex < rows; rowIndex++) {
        let rest = rowIndex;
        let offA = 0;
        let offB = 0;
        for (let k = r - 2; k >= 0; k--) {
          const size = i32[shape + k];
          const at = rest % size;
          rest = Math.floor(rest / size);
          offA += at * i32[sa + k];
          offB += at * i32[sb + k];
        }
        row(heap, op, word(a) + offA, ia, word(b) + offB, ib, word(out) + rowIndex * n, n);
      }
    },
  };
}
