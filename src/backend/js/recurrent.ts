// The js twin of assembly/recurrent.ts: one time step of the LSTM, GRU and simple RNN cells over heap.f32, the
// gate math in f64 rounded on store, the activations by the twin's activation kernels over each row's segments.

import type { Heap } from '../heap.js';
import { word } from '../heap.js';
import type { Act, Kernels, Ptr } from '../kernels.js';
import { activationKernels } from './activations.js';

type RecurrentKernels = Pick<
  Kernels,
  'lstmCellForward' | 'lstmCellBackward' | 'gruGatesForward' | 'gruOutputForward' | 'gruOutputBackward' | 'gruGatesBackward' | 'rnnCellForward' | 'rnnCellBackward'
>;

export function recurrentKernels(heap: Heap): RecurrentKernels {
  const { activationForward, activationBackward } = activationKernels(heap);
  /** Whether row r is a real step: no mask, or its mask value is not 0. */
  const isReal = (mask: Ptr, r: number) => !mask || heap.f32[word(mask) + r] !== 0;
  /** f32 (n) at `to` = those at `from`. */
  const copy = (from: Ptr, to: Ptr, n: number) => heap.f32.copyWithin(word(to), word(from), word(from) + n);
  /** f32 (n) at `to` += those at `from`. */
  const addInto = (from: Ptr, to: Ptr, n: number) => {
    const [f, t, v] = [word(from), word(to), heap.f32];
    for (let j = 0; j < n; j++) v[t + j] += v[f + j];
  };
  const zero = (p: Ptr, n: number) => heap.f32.fill(0, word(p), word(p) + n);

  return {
    // z (rows,4u), hPrev, cPrev (rows,u), mask (rows) or 0 -> gates (rows,4u), c, tc, h (rows,u); gates i | f | g | o
    lstmCellForward(z: Ptr, hPrev: Ptr, cPrev: Ptr, mask: Ptr, gates: Ptr, c: Ptr, tc: Ptr, h: Ptr, rows: number, u: number, act: Act, recAct: Act, alpha: number): void {
      const n = 4 * u; // bytes of u values
      for (let r = 0; r < rows; r++) {
        const o1 = r * n;
        if (!isReal(mask, r)) {
          copy(cPrev + o1, c + o1, u);
          copy(hPrev + o1, h + o1, u);
          continue;
        }
        const [zr, gr] = [z + 4 * o1, gates + 4 * o1];
        activationForward(recAct, zr, gr, 2 * u, alpha); // i | f
        activationForward(act, zr + 2 * n, gr + 2 * n, u, alpha);
        activationForward(recAct, zr + 3 * n, gr + 3 * n, u, alpha);
        const [f, G, P, C] = [heap.f32, word(gr), word(cPrev + o1), word(c + o1)];
        for (let j = 0; j < u; j++) f[C + j] = f[G + u + j] * f[P + j] + f[G + j] * f[G + 2 * u + j];
        activationForward(act, c + o1, tc + o1, u, alpha);
        const [T, H] = [word(tc + o1), word(h + o1)];
        for (let j = 0; j < u; j++) f[H + j] = f[G + 3 * u + j] * f[T + j];
      }
    },

    // z, gates (rows,4u), cPrev, c, tc, dh, dc (rows,u), mask (rows) or 0 -> dz (rows,4u), dcPrev (rows,u; may be dc), dhPrev (rows,u) +=
    lstmCellBackward(z: Ptr, gates: Ptr, cPrev: Ptr, c: Ptr, tc: Ptr, mask: Ptr, dh: Ptr, dc: Ptr, dz: Ptr, dcPrev: Ptr, dhPrev: Ptr, rows: number, u: number, act: Act, recAct: Act, alpha: number): void {
      const n = 4 * u;
      for (let r = 0; r < rows; r++) {
        const o1 = r * n;
        const d = dz + 4 * o1;
        if (!isReal(mask, r)) {
          zero(d, 4 * u);
          copy(dc + o1, dcPrev + o1, u);
          addInto(dh + o1, dhPrev + o1, u);
          continue;
        }
        const [zr, gr] = [z + 4 * o1, gates + 4 * o1];
        const f = heap.f32;
        const [D, G, DH, T] = [word(d), word(gr), word(dh + o1), word(tc + o1)];
        for (let j = 0; j < u; j++) {
          f[D + 3 * u + j] = f[DH + j] * f[T + j]; // dL/do
          f[D + j] = f[DH + j] * f[G + 3 * u + j]; // dL/dtc, in the i part until read below
        }
        activationBackward(act, c + o1, tc + o1, d, d, u, alpha);
        const [DC, DCP, P] = [word(dc + o1), word(dcPrev + o1), word(cPrev + o1)];
        for (let j = 0; j < u; j++) {
          const total = f[DC + j] + f[D + j]; // read before dcPrev (maybe dc) is written
          f[D + j] = total * f[G + 2 * u + j];
          f[D + u + j] = total * f[P + j];
          f[D + 2 * u + j] = total * f[G + j];
          f[DCP + j] = total * f[G + u + j];
        }
        activationBackward(recAct, zr, gr, d, d, 2 * u, alpha); // i | f
        activationBackward(act, zr + 2 * n, gr + 2 * n, d + 2 * n, d + 2 * n, u, alpha);
        activationBackward(recAct, zr + 3 * n, gr + 3 * n, d + 3 * n, d + 3 * n, u, alpha);
      }
    },

    // zr (rows,2u), hPrev (rows,u) -> gates (rows,2u) = recAct(zr), rh (rows,u) = r·hPrev
    gruGatesForward(zr: Ptr, hPrev: Ptr, gates: Ptr, rh: Ptr, rows: number, u: number, recAct: Act, alpha: number): void {
      activationForward(recAct, zr, gates, 2 * rows * u, alpha);
      const [f, G, P, R] = [heap.f32, word(gates), word(hPrev), word(rh)];
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < u; j++) f[R + r * u + j] = f[G + 2 * r * u + u + j] * f[P + r * u + j];
      }
    },

    // hhPre, hPrev (rows,u), gates (rows,2u), mask (rows) or 0 -> hh = act(hhPre), h = z·hPrev + (1 - z)·hh (rows,u)
    gruOutputForward(hhPre: Ptr, gates: Ptr, hPrev: Ptr, mask: Ptr, hh: Ptr, h: Ptr, rows: number, u: number, act: Act, alpha: number): void {
      activationForward(act, hhPre, hh, rows * u, alpha);
      const [f, G, P, HH, H] = [heap.f32, word(gates), word(hPrev), word(hh), word(h)];
      for (let r = 0; r < rows; r++) {
        const [o1, o2, real] = [r * u, 2 * r * u, isReal(mask, r)];
        for (let j = 0; j < u; j++) {
          const zv = f[G + o2 + j];
          f[H + o1 + j] = real ? zv * f[P + o1 + j] + (1 - zv) * f[HH + o1 + j] : f[P + o1 + j];
        }
      }
    },

    // -> dhhPre (rows,u), dzr[:, 0:u] (rows,2u), dhPrev (rows,u) +=
    gruOutputBackward(hhPre: Ptr, hh: Ptr, gates: Ptr, hPrev: Ptr, mask: Ptr, dh: Ptr, dhhPre: Ptr, dzr: Ptr, dhPrev: Ptr, rows: number, u: number, act: Act, alpha: number): void {
      const f = heap.f32;
      const [G, P, HH, DH, DP, DZ, DHP] = [gates, hPrev, hh, dh, dhhPre, dzr, dhPrev].map(word);
      for (let r = 0; r < rows; r++) {
        const [o1, o2] = [r * u, 2 * r * u];
        const real = isReal(mask, r);
        for (let j = 0; j < u; j++) {
          const [zv, d] = [f[G + o2 + j], f[DH + o1 + j]];
          f[DP + o1 + j] = real ? d * (1 - zv) : 0;
          f[DZ + o2 + j] = real ? d * (f[P + o1 + j] - f[HH + o1 + j]) : 0;
          f[DHP + o1 + j] += real ? d * zv : d;
        }
        if (real) activationBackward(act, hhPre + 4 * o1, hh + 4 * o1, dhhPre + 4 * o1, dhhPre + 4 * o1, u, alpha);
      }
    },

    // zr, gates, dzr (rows,2u), hPrev, drh (rows,u), mask (rows) or 0 -> dzr (its z part finished), dhPrev (rows,u) +=
    gruGatesBackward(zr: Ptr, gates: Ptr, hPrev: Ptr, drh: Ptr, mask: Ptr, dzr: Ptr, dhPrev: Ptr, rows: number, u: number, recAct: Act, alpha: number): void {
      const f = heap.f32;
      const [G, P, DRH, DZ, DHP] = [gates, hPrev, drh, dzr, dhPrev].map(word);
      for (let r = 0; r < rows; r++) {
        const [o1, o2] = [r * u, 2 * r * u];
        if (!isReal(mask, r)) {
          zero(dzr + 4 * o2, 2 * u);
          continue;
        }
        for (let j = 0; j < u; j++) {
          const d = f[DRH + o1 + j];
          f[DZ + o2 + u + j] = d * f[P + o1 + j];
          f[DHP + o1 + j] += d * f[G + o2 + u + j];
        }
        activationBackward(recAct, zr + 4 * o2, gates + 4 * o2, dzr + 4 * o2, dzr + 4 * o2, 2 * u, alpha); // z | r
      }
    },

    // z, hPrev (rows,u), mask (rows) or 0 -> h (rows,u) = act(z)
    rnnCellForward(z: Ptr, hPrev: Ptr, mask: Ptr, h: Ptr, rows: number, u: number, act: Act, alpha: number): void {
      for (let r = 0; r < rows; r++) {
        const o1 = 4 * r * u;
        if (isReal(mask, r)) activationForward(act, z + o1, h + o1, u, alpha);
        else copy(hPrev + o1, h + o1, u);
      }
    },

    // z, h, dh (rows,u), mask (rows) or 0 -> dz (rows,u) = act'(z)·dh, dhPrev (rows,u) += dh of masked rows
    rnnCellBackward(z: Ptr, h: Ptr, mask: Ptr, dh: Ptr, dz: Ptr, dhPrev: Ptr, rows: number, u: number, act: Act, alpha: number): void {
      for (let r = 0; r < rows; r++) {
        const o1 = 4 * r * u;
        if (isReal(mask, r)) {
          activationBackward(act, z + o1, h + o1, dh + o1, dz + o1, u, alpha);
        } else {
          addInto(dh + o1, dhPrev + o1, u);
          zero(dz + o1, u);
        }
      }
    },
  };
}
