// The js twin of assembly/unary.ts: elementwise math of one tensor by code, and the row-wise log-softmax. Storing
// into a Float32Array rounds one f64 operation exactly as f32 arithmetic does, so the exact codes give the wasm
// bits; exp, erf, logSigmoid and the libm functions are the host's Math in f64, rounded once.

import type { Heap } from '../heap.js';
import { Unary, type Kernels, type Ptr } from '../kernels.js';
import { word } from '../heap.js';
import { erf } from './math.js';

type UnaryKernels = Pick<Kernels, 'unary' | 'logSoftmaxForward'>;

/** Round half to even, as f32.nearest: ties go to the even neighbour, and the sign of a zero result is x's. */
function nearest(v: number): number {
  const base = Math.floor(v);
  const fraction = v - base;
  const r = fraction < 0.5 ? base : fraction > 0.5 || base % 2 !== 0 ? base + 1 : base;
  return r === 0 ? v * 0 : r;
}

/** An i32 bound for ClipInt: trunc(v) within the i32 range. */
function intBound(v: number): number {
  return Math.max(Math.min(Math.trunc(v), 2147483647), -2147483648);
}

/** The libm codes, by the function each applies. */
const LIBM: Partial<Record<Unary, (v: number) => number>> = {
  [Unary.Exp]: Math.exp,
  [Unary.Erf]: erf,
  [Unary.LogSigmoid]: (v) => Math.min(v, 0) - Math.log1p(Math.exp(-Math.abs(v))),
  [Unary.Expm1]: Math.expm1,
  [Unary.Log]: Math.log,
  [Unary.Log1p]: Math.log1p,
  [Unary.Sin]: Math.sin,
  [Unary.Cos]: Math.cos,
  [Unary.Tan]: Math.tan,
  [Unary.Asin]: Math.asin,
  [Unary.Acos]: Math.acos,
  [Unary.Atan]: Math.atan,
  [Unary.Sinh]: Math.sinh,
  [Unary.Cosh]: Math.cosh,
  [Unary.Asinh]: Math.asinh,
  [Unary.Acosh]: Math.acosh,
  [Unary.Atanh]: Math.atanh,
};

export function unaryKernels(heap: Heap): UnaryKernels {
  return {
    // x (n), out (n); out may be x. One loop per exact code keeps the code out of the inner loop.
    unary(code: Unary, x: Ptr, out: Ptr, n: number, a: number, b: number): void {
      const f = heap.f32;
      const i = heap.i32;
      const x0 = word(x);
      const o0 = word(out);
      const fa = Math.fround(a);
      const fb = Math.fround(b);
      const libm = LIBM[code];
      if (libm) {
        for (let j = 0; j < n; j++) f[o0 + j] = libm(f[x0 + j]);
        return;
      }
      switch (code) {
        case Unary.Neg:
          for (let j = 0; j < n; j++) f[o0 + j] = -f[x0 + j];
          break;
        case Unary.Abs:
          for (let j = 0; j < n; j++) f[o0 + j] = Math.abs(f[x0 + j]);
          break;
        case Unary.Square:
          for (let j = 0; j < n; j++) f[o0 + j] = f[x0 + j] * f[x0 + j];
          break;
        case Unary.Sqrt:
          for (let j = 0; j < n; j++) f[o0 + j] = Math.sqrt(f[x0 + j]);
          break;
        case Unary.Rsqrt: // two roundings, as the wasm's sqrt then divide
          for (let j = 0; j < n; j++) f[o0 + j] = 1 / Math.fround(Math.sqrt(f[x0 + j]));
          break;
        case Unary.Reciprocal:
          for (let j = 0; j < n; j++) f[o0 + j] = 1 / f[x0 + j];
          break;
        case Unary.Floor:
          for (let j = 0; j < n; j++) f[o0 + j] = Math.floor(f[x0 + j]);
          break;
        case Unary.Ceil:
          for (let j = 0; j < n; j++) f[o0 + j] = Math.ceil(f[x0 + j]);
          break;
        case Unary.Round:
          for (let j = 0; j < n; j++) f[o0 + j] = nearest(f[x0 + j]);
          break;
        case Unary.Sign:
          for (let j = 0; j < n; j++) f[o0 + j] = f[x0 + j] > 0 ? 1 : f[x0 + j] < 0 ? -1 : 0;
          break;
        case Unary.Step:
          for (let j = 0; j < n; j++) {
            const v = f[x0 + j];
            f[o0 + j] = v > 0 ? 1 : v !== v ? v : fa;
          }
          break;
        case Unary.Clip:
          for (let j = 0; j < n; j++) {
            const v = f[x0 + j] < fa ? fa : f[x0 + j];
            f[o0 + j] = fb < v ? fb : v;
          }
          break;
        case Unary.InRange:
          for (let j = 0; j < n; j++) f[o0 + j] = f[x0 + j] >= fa && f[x0 + j] <= fb ? 1 : 0;
          break;
        case Unary.IsNaN:
          for (let j = 0; j < n; j++) i[o0 + j] = Number.isNaN(f[x0 + j]) ? 1 : 0;
          break;
        case Unary.IsInf:
          for (let j = 0; j < n; j++) i[o0 + j] = Math.abs(f[x0 + j]) === Infinity ? 1 : 0;
          break;
        case Unary.IsFinite:
          for (let j = 0; j < n; j++) i[o0 + j] = Number.isFinite(f[x0 + j]) ? 1 : 0;
          break;
        case Unary.NegInt:
          for (let j = 0; j < n; j++) i[o0 + j] = -i[x0 + j];
          break;
        case Unary.AbsInt:
          for (let j = 0; j < n; j++) i[o0 + j] = Math.abs(i[x0 + j]);
          break;
        case Unary.SquareInt:
          for (let j = 0; j < n; j++) i[o0 + j] = Math.imul(i[x0 + j], i[x0 + j]);
          break;
        case Unary.SignInt:
          for (let j = 0; j < n; j++) i[o0 + j] = Math.sign(i[x0 + j]);
          break;
        case Unary.ClipInt: {
          const lo = intBound(a);
          const hi = intBound(b);
          for (let j = 0; j < n; j++) i[o0 + j] = Math.min(Math.max(i[x0 + j], lo), hi);
          break;
        }
        case Unary.LogicalNot:
          for (let j = 0; j < n; j++) i[o0 + j] = i[x0 + j] === 0 ? 1 : 0;
          break;
      }
    },

    // x (m,n), out (m,n); out may be x. (x - max) - log(sum(exp(x - max))) per row, the sum in f64.
    logSoftmaxForward(x: Ptr, out: Ptr, m: number, n: number): void {
      const f = heap.f32;
      for (let r = 0; r < m; r++) {
        const xr = word(x) + r * n;
        const or = word(out) + r * n;
        let max = -Infinity;
        for (let j = 0; j < n; j++) max = Math.max(max, f[xr + j]);
        let sum = 0;
        for (let j = 0; j < n; j++) sum += Math.fround(Math.exp(Math.fround(f[xr + j] - max)));
        const logSum = Math.fround(Math.log(sum));
        for (let j = 0; j < n; j++) f[or + j] = Math.fround(f[xr + j] - max) - logSum;
      }
    },
  };
}
