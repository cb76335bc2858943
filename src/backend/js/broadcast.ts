// The js twin of assembly/broadcast.ts: elementwise binary ops and select over any rank with broadcasting,
// reading the same descriptor. Storing into a Float32Array (or Int32Array) rounds (or wraps) each result as the
// wasm lanes do; the ops wasm computes in f64 (mod, pow, atan2, floorDiv) are the same doubles here.

import type { Heap } from '../heap.js';
import { Binary, type Kernels, type Ptr } from '../kernels.js';
import { word } from '../heap.js';

type BroadcastKernels = Pick<Kernels, 'binaryStrided' | 'selectStrided'>;

/** TF.js's mod: the remainder with the sign of b (b = 0 gives NaN, which an Int32Array stores as 0). */
function floorMod(a: number, b: number): number {
  const rem = a % b;
  return (a < 0 && b < 0) || (a >= 0 && b >= 0) ? rem : (rem + b) % b;
}

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
    case Binary.Maximum:
      for (let j = 0; j < n; j++) f[o + j] = Math.max(f[a + j * ia], f[b + j * ib]);
      break;
    case Binary.Minimum:
      for (let j = 0; j < n; j++) f[o + j] = Math.min(f[a + j * ia], f[b + j * ib]);
      break;
    case Binary.SquaredDifference:
      for (let j = 0; j < n; j++) {
        const d = Math.fround(f[a + j * ia] - f[b + j * ib]);
        f[o + j] = d * d;
      }
      break;
    case Binary.DivNoNan:
      for (let j = 0; j < n; j++) {
        const y = f[b + j * ib];
        f[o + j] = y === 0 ? 0 : f[a + j * ia] / y;
      }
      break;
    case Binary.Mod:
      for (let j = 0; j < n; j++) f[o + j] = floorMod(f[a + j * ia], f[b + j * ib]);
      break;
    case Binary.Pow:
      for (let j = 0; j < n; j++) f[o + j] = Math.pow(f[a + j * ia], f[b + j * ib]);
      break;
    case Binary.Atan2:
      for (let j = 0; j < n; j++) f[o + j] = Math.atan2(f[a + j * ia], f[b + j * ib]);
      break;
    case Binary.FloorDiv:
      for (let j = 0; j < n; j++) i[o + j] = Math.floor(f[a + j * ia] / f[b + j * ib]);
      break;
    case Binary.Equal:
      for (let j = 0; j < n; j++) i[o + j] = +(f[a + j * ia] === f[b + j * ib]);
      break;
    case Binary.NotEqual:
      for (let j = 0; j < n; j++) i[o + j] = +(f[a + j * ia] !== f[b + j * ib]);
      break;
    case Binary.Greater:
      for (let j = 0; j < n; j++) i[o + j] = +(f[a + j * ia] > f[b + j * ib]);
      break;
    case Binary.GreaterEqual:
      for (let j = 0; j < n; j++) i[o + j] = +(f[a + j * ia] >= f[b + j * ib]);
      break;
    case Binary.Less:
      for (let j = 0; j < n; j++) i[o + j] = +(f[a + j * ia] < f[b + j * ib]);
      break;
    case Binary.LessEqual:
      for (let j = 0; j < n; j++) i[o + j] = +(f[a + j * ia] <= f[b + j * ib]);
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
    case Binary.MaximumInt:
      for (let j = 0; j < n; j++) i[o + j] = Math.max(i[a + j * ia], i[b + j * ib]);
      break;
    case Binary.MinimumInt:
      for (let j = 0; j < n; j++) i[o + j] = Math.min(i[a + j * ia], i[b + j * ib]);
      break;
    case Binary.SquaredDifferenceInt:
      for (let j = 0; j < n; j++) {
        const d = (i[a + j * ia] - i[b + j * ib]) | 0;
        i[o + j] = Math.imul(d, d);
      }
      break;
    case Binary.ModInt:
      for (let j = 0; j < n; j++) i[o + j] = floorMod(i[a + j * ia], i[b + j * ib]);
      break;
    case Binary.PowInt:
      for (let j = 0; j < n; j++) i[o + j] = Math.pow(i[a + j * ia], i[b + j * ib]);
      break;
    case Binary.Atan2Int:
      for (let j = 0; j < n; j++) i[o + j] = Math.atan2(i[a + j * ia], i[b + j * ib]);
      break;
    case Binary.EqualInt:
      for (let j = 0; j < n; j++) i[o + j] = +(i[a + j * ia] === i[b + j * ib]);
      break;
    case Binary.NotEqualInt:
      for (let j = 0; j < n; j++) i[o + j] = +(i[a + j * ia] !== i[b + j * ib]);
      break;
    case Binary.GreaterInt:
      for (let j = 0; j < n; j++) i[o + j] = +(i[a + j * ia] > i[b + j * ib]);
      break;
    case Binary.GreaterEqualInt:
      for (let j = 0; j < n; j++) i[o + j] = +(i[a + j * ia] >= i[b + j * ib]);
      break;
    case Binary.LessInt:
      for (let j = 0; j < n; j++) i[o + j] = +(i[a + j * ia] < i[b + j * ib]);
      break;
    case Binary.LessEqualInt:
      for (let j = 0; j < n; j++) i[o + j] = +(i[a + j * ia] <= i[b + j * ib]);
      break;
    case Binary.LogicalAnd:
      for (let j = 0; j < n; j++) i[o + j] = i[a + j * ia] & i[b + j * ib];
      break;
    case Binary.LogicalOr:
      for (let j = 0; j < n; j++) i[o + j] = i[a + j * ia] | i[b + j * ib];
      break;
    case Binary.LogicalXor:
      for (let j = 0; j < n; j++) i[o + j] = i[a + j * ia] ^ i[b + j * ib];
      break;
  }
}

/**
 * Calls visit(index, offsets) for each row of the descriptor at word d (the rows span every axis but the
 * last), with the row's word offset in each of the `operands`. As in the wasm kernels, rows go by slabs (the
 * last two axes): a division per axis finds each slab, and its rows step by constant strides.
 */
function rows(i32: Int32Array, d: number, operands: number, visit: (index: number, offsets: number[]) => void): void {
  const r = i32[d];
  const shape = d + 1;
  const strides = (k: number) => shape + r * (k + 1);
  const perSlab = r > 1 ? i32[shape + r - 2] : 1;
  const rowStrides = Array.from({ length: operands }, (_, k) => (r > 1 ? i32[strides(k) + r - 2] : 0));
  let count = 1;
  for (let axis = 0; axis < r - 2; axis++) count *= i32[shape + axis];
  const offsets = new Array<number>(operands);
  for (let slab = 0, index = 0; slab < count; slab++) {
    offsets.fill(0);
    let rest = slab;
    for (let axis = r - 3; axis >= 0; axis--) {
      const size = i32[shape + axis];
      const at = rest % size;
      rest = Math.floor(rest / size);
      for (let k = 0; k < operands; k++) offsets[k] += at * i32[strides(k) + axis];
    }
    for (let i = 0; i < perSlab; i++, index++) {
      visit(index, offsets);
      for (let k = 0; k < operands; k++) offsets[k] += rowStrides[k];
    }
  }
}

/** The descriptor's row length, and operand k's step along the row. */
function rowLength(i32: Int32Array, d: number): number {
  return i32[d + i32[d]];
}

function rowStep(i32: Int32Array, d: number, k: number): number {
  const r = i32[d];
  return i32[d + r * (k + 1) + r];
}

export function broadcastKernels(heap: Heap): BroadcastKernels {
  return {
    binaryStrided(op: Binary, a: Ptr, b: Ptr, out: Ptr, desc: Ptr): void {
      const i32 = heap.i32;
      const d = word(desc);
      const n = rowLength(i32, d);
      const [ia, ib] = [rowStep(i32, d, 0), rowStep(i32, d, 1)];
      rows(i32, d, 2, (index, [offA, offB]) => row(heap, op, word(a) + offA, ia, word(b) + offB, ib, word(out) + index * n, n));
    },

    selectStrided(cond: Ptr, a: Ptr, b: Ptr, out: Ptr, desc: Ptr): void {
      const i32 = heap.i32;
      const d = word(desc);
      const n = rowLength(i32, d);
      const [ic, ia, ib] = [rowStep(i32, d, 0), rowStep(i32, d, 1), rowStep(i32, d, 2)];
      rows(i32, d, 3, (index, [offC, offA, offB]) => {
        const [c, x, y, o] = [word(cond) + offC, word(a) + offA, word(b) + offB, word(out) + index * n];
        for (let j = 0; j < n; j++) i32[o + j] = i32[c + j * ic] !== 0 ? i32[x + j * ia] : i32[y + j * ib];
      });
    },
  };
}
