// The js twin of assembly/reduce.ts: reductions, scans, top-k, unique slices and bin counts, with the same
// numbers. Sums and products of f32 run in f64 in the wasm order (rows in four lanes i % 4, columns in row
// order); max, min, the integer ops and the arg ops are exact, so they simply run in order.

import type { Heap } from '../heap.js';
import { type Kernels, type Ptr, Reduce } from '../kernels.js';
import { word } from '../heap.js';

type ReduceKernels = Pick<Kernels, 'reduce' | 'scan' | 'topk' | 'unique' | 'bincount'>;

/** How a reduction or scan combines two values (f32 as numbers, i32 wrapping); the arg ops compare instead. */
function combiner(op: Reduce): (a: number, b: number) => number {
  switch (op) {
    case Reduce.Sum:
      return (a, b) => a + b;
    case Reduce.Prod:
      return (a, b) => a * b;
    case Reduce.SumInt:
      return (a, b) => (a + b) | 0;
    case Reduce.ProdInt:
      return Math.imul;
    case Reduce.Max:
    case Reduce.MaxInt:
      return Math.max;
    default:
      return Math.min;
  }
}

const isInt = (op: Reduce): boolean => op >= 32;
const isArg = (op: Reduce): boolean => op === Reduce.ArgMax || op === Reduce.ArgMin || op === Reduce.ArgMaxInt || op === Reduce.ArgMinInt;

/** The wasm row order of an f64 sum or product: lanes i % 4, combined (r0 . r1) . (r2 . r3), then the tail. */
function accumulateRow(values: Float32Array, from: number, n: number, combine: (a: number, b: number) => number, unit: number): number {
  const lanes = [unit, unit, unit, unit];
  let i = 0;
  for (; i + 4 <= n; i += 4) for (let l = 0; l < 4; l++) lanes[l] = combine(lanes[l], values[from + i + l]);
  let r = combine(combine(lanes[0], lanes[1]), combine(lanes[2], lanes[3]));
  for (; i < n; i++) r = combine(r, values[from + i]);
  return r;
}

/** The index of the best of n values `stride` apart: the running best is replaced only by a strictly better one. */
function argOf(values: Float32Array | Int32Array, from: number, n: number, stride: number, max: boolean): number {
  let best = values[from];
  let at = 0;
  for (let i = 1; i < n; i++) {
    const v = values[from + i * stride];
    if (max ? v > best : v < best) {
      best = v;
      at = i;
    }
  }
  return at;
}

/** Top-k's order as a comparator (negative when a at ia comes first): larger first, NaN above all, lower index among equals. */
function byRank(a: number, ia: number, b: number, ib: number): number {
  const nanA = Number.isNaN(a);
  const nanB = Number.isNaN(b);
  if (nanA !== nanB) return nanA ? -1 : 1;
  if (!nanA && a !== b) return a > b ? -1 : 1;
  return ia - ib;
}

export function reduceKernels(heap: Heap): ReduceKernels {
  return {
    reduce(op: Reduce, x: Ptr, out: Ptr, outer: number, dim: number, inner: number, scale: number): void {
      const src = isInt(op) ? heap.i32 : heap.f32;
      const dst = isInt(op) || isArg(op) ? heap.i32 : heap.f32;
      const combine = combiner(op);
      const f64 = op === Reduce.Sum || op === Reduce.Prod;
      const unit = op === Reduce.Prod ? 1 : 0;
      for (let o = 0; o < outer; o++) {
        const base = word(x) + o * dim * inner;
        for (let j = 0; j < inner; j++) {
          const at = word(out) + o * inner + j;
          if (isArg(op)) dst[at] = argOf(src, base + j, dim, inner, op === Reduce.ArgMax || op === Reduce.ArgMaxInt);
          else if (f64 && inner === 1) dst[at] = accumulateRow(heap.f32, base, dim, combine, unit) * scale;
          else {
            let r = f64 ? unit : src[base + j];
            for (let i = f64 ? 0 : 1; i < dim; i++) r = combine(r, src[base + i * inner + j]);
            dst[at] = f64 ? r * scale : r;
          }
        }
      }
    },

    scan(op: Reduce, x: Ptr, out: Ptr, outer: number, dim: number, inner: number, exclusive: number, reverse: number): void {
      const values = isInt(op) ? heap.i32 : heap.f32;
      const combine = combiner(op);
      const unit = op === Reduce.Prod || op === Reduce.ProdInt ? 1 : 0;
      for (let o = 0; o < outer; o++) {
        for (let j = 0; j < inner; j++) {
          let acc = unit;
          for (let t = 0; t < dim; t++) {
            const i = reverse ? dim - 1 - t : t;
            const at = (o * dim + i) * inner + j;
            if (exclusive) values[word(out) + at] = acc;
            acc = combine(acc, values[word(x) + at]);
            if (!exclusive) values[word(out) + at] = acc;
          }
        }
      }
    },

    topk(x: Ptr, intValues: number, values: Ptr, indices: Ptr, rows: number, n: number, k: number): void {
      const src = intValues ? heap.i32 : heap.f32;
      const order = new Int32Array(n);
      for (let r = 0; r < rows; r++) {
        const base = word(x) + r * n;
        for (let i = 0; i < n; i++) order[i] = i;
        order.sort((a, b) => byRank(src[base + a], a, src[base + b], b));
        for (let i = 0; i < k; i++) {
          heap.i32[word(values) + r * k + i] = heap.i32[base + order[i]];
          heap.i32[word(indices) + r * k + i] = order[i];
        }
      }
    },

    unique(x: Ptr, isFloat: number, outer: number, dim: number, inner: number, _table: Ptr, _size: number, indices: Ptr, firsts: Ptr): number {
      const { i32, f32 } = heap;
      // A value's key as the wasm compares it: f32 by number (-0 is 0, one NaN), else its bits.
      const key = (at: number): number => (!isFloat ? i32[at] : Number.isNaN(f32[at]) ? 0x7fc00000 : f32[at] === 0 ? 0 : i32[at]);
      const seen = new Map<string, number>();
      for (let i = 0; i < dim; i++) {
        const parts: number[] = [];
        for (let o = 0; o < outer; o++) for (let j = 0; j < inner; j++) parts.push(key(word(x) + (o * dim + i) * inner + j));
        const slice = parts.join(',');
        let id = seen.get(slice);
        if (id === undefined) {
          id = seen.size;
          seen.set(slice, id);
          i32[word(firsts) + id] = i;
        }
        i32[word(indices) + i] = id;
      }
      return seen.size;
    },

    bincount(x: Ptr, weights: Ptr, weighted: number, out: Ptr, rows: number, n: number, size: number, intBins: number, binary: number): void {
      const bins = intBins ? heap.i32 : heap.f32;
      const w = intBins ? heap.i32 : heap.f32;
      bins.fill(0, word(out), word(out) + rows * size);
      for (let r = 0; r < rows; r++) {
        for (let i = 0; i < n; i++) {
          const v = heap.i32[word(x) + r * n + i];
          if (v >= size) continue;
          const at = word(out) + r * size + v;
          bins[at] = binary ? 1 : bins[at] + (weighted ? w[word(weights) + r * n + i] : 1);
        }
      }
    },
  };
}
