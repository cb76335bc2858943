// The recurrent cell kernels (LSTM, GRU, simple RNN: one time step of a batch) on every build, against an f64
// reference written here: forward values as the reference's, backward as its central differences, unit by unit
// (each unit of a row depends only on its own inputs, so every difference moves one input of one unit). Awkward
// shapes (rows 1, 3, 7, 17 by units 1, 3, 7, 17, 65), with and without a mask, every activation pair the layers
// use, accumulation into dhPrev, lstmCellBackward with dcPrev the same buffer as dc and rnnCellBackward with dz as dh.

import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.js';
import { word } from '../src/backend/heap.js';
import { Act, type Ptr } from '../src/backend/kernels.js';
import { backendFor, BUILDS, expectClose, freeAll, get, numericGradient, put, randomData } from './support.js';

const ROWS = [1, 3, 7, 17];
const UNITS = [1, 3, 7, 17, 65];
/** (act, recAct) as the layers use them: TF.js's default (tanh, hardSigmoid) and the common others. */
const PAIRS: Array<[string, Act, Act]> = [
  ['tanh, hardSigmoid', Act.Tanh, Act.HardSigmoid],
  ['tanh, sigmoid', Act.Tanh, Act.Sigmoid],
  ['relu, sigmoid', Act.Relu, Act.Sigmoid],
  ['elu, hardSigmoid', Act.Elu, Act.HardSigmoid],
  ['linear, sigmoid', Act.Linear, Act.Sigmoid],
];
/** ELU's alpha as the layers pass it (TF.js's elu activation: 1). */
const ALPHA = 1;

/**
 * Measured worst errors are absolute, from f32 values near 1 cancelled: 1 - z, 0.2x + 0.5, the activations'
 * 1 - y² and y(1 - y): a few roundings of 6e-8 each. Forward (f32 against f64 from the same f32 inputs): the
 * worst is 0.56 of FORWARD_TOL (GRU's h). Backward (against f64 central differences, good to ~1e-10): the worst
 * is 0.52 of BACKWARD_TOL (LSTM's and the RNN's dz, through tanh's and sigmoid's f' from y in f32).
 */
const FORWARD_TOL = { atol: 3e-7, rtol: 1e-6 };
const BACKWARD_TOL = { atol: 4e-7, rtol: 4e-6 };

/** f(x) in f64, the textbook definitions (hardSigmoid as TF.js's layers: clip(0.2x + 0.5, 0, 1)). */
function f64(act: Act, x: number): number {
  switch (act) {
    case Act.Linear: return x;
    case Act.Relu: return Math.max(x, 0);
    case Act.Elu: return x > 0 ? x : ALPHA * Math.expm1(x);
    case Act.Sigmoid: return 1 / (1 + Math.exp(-x));
    case Act.Tanh: return Math.tanh(x);
    case Act.HardSigmoid: return Math.min(Math.max(0.2 * x + 0.5, 0), 1);
  }
  throw new Error(`no reference for act ${act}`);
}

/** Seeded pre-activations in [-3, 3), moved 2e-3 off the kinks (0, ±2.5) that central differences would straddle. */
function preActivations(n: number, seed: number): Float32Array {
  return randomData(n, seed, -3, 3).map((v) => ([0, 2.5, -2.5].some((k) => Math.abs(v - k) < 1e-3) ? v + 2e-3 : v));
}

/** Rows 0, 3, 6, ... masked (0), the others real (1): a mix from 3 rows on, one masked row for rows = 1. */
function maskValues(rows: number): Float32Array {
  return Float32Array.from({ length: rows }, (_, r) => (r % 3 === 0 ? 0 : 1));
}

/** A block of n f32 filled with NaN: a value a kernel should write and does not shows. */
function blank(b: Backend, n: number): Ptr {
  return put(b, new Float32Array(n).fill(NaN));
}

/** Compares got with want where want is not null (null: the kernel may leave any value there). */
function check(got: Float32Array, want: Array<number | null>, tol: { atol: number; rtol: number }, label: string): void {
  const keep = want.flatMap((w, i) => (w === null ? [] : [i]));
  expectClose(keep.map((i) => got[i]), keep.map((i) => want[i]!), tol, label);
}

/** Every case: each shape, without and with a mask. */
function* cases() {
  let seed = 1;
  for (const rows of ROWS) for (const u of UNITS) for (const masked of [false, true]) yield { rows, u, masked, seed: (seed += 10) };
}

describe.each(BUILDS)('recurrent cell kernels on %s', (build) => {
  it.each(PAIRS)('lstm (%s): forward as the f64 reference, backward as its central differences, dcPrev = dc in place', async (_name, act, recAct) => {
    const b = await backendFor(build);
    const k = b.kernels;
    for (const { rows, u, masked, seed } of cases()) {
      const label = `${build} lstm ${rows}x${u}${masked ? ' masked' : ''}`;
      const data = {
        z: preActivations(rows * 4 * u, seed),
        hPrev: randomData(rows * u, seed + 1),
        cPrev: randomData(rows * u, seed + 2),
        dh: randomData(rows * u, seed + 3),
        dc: randomData(rows * u, seed + 4),
        dhPrev: randomData(rows * u, seed + 5),
      };
      const mask = masked ? maskValues(rows) : null;
      const p = {
        z: put(b, data.z), hPrev: put(b, data.hPrev), cPrev: put(b, data.cPrev), mask: mask ? put(b, mask) : 0,
        gates: blank(b, rows * 4 * u), c: blank(b, rows * u), tc: blank(b, rows * u), h: blank(b, rows * u),
        dh: put(b, data.dh), dc: put(b, data.dc), dz: blank(b, rows * 4 * u), dcPrev: blank(b, rows * u), dhPrev: put(b, data.dhPrev),
      };
      k.lstmCellForward(p.z, p.hPrev, p.cPrev, p.mask, p.gates, p.c, p.tc, p.h, rows, u, act, recAct, ALPHA);
      k.lstmCellBackward(p.z, p.gates, p.cPrev, p.c, p.tc, p.mask, p.dh, p.dc, p.dz, p.dcPrev, p.dhPrev, rows, u, act, recAct, ALPHA);

      // One unit: v = [z_i, z_f, z_g, z_o, hPrev, cPrev] -> its values; a masked row carries hPrev and cPrev.
      const unit = (v: ArrayLike<number>, real: boolean) => {
        if (!real) return { gates: null, c: v[5], tc: null, h: v[4] };
        const [i, f, g, o] = [f64(recAct, v[0]), f64(recAct, v[1]), f64(act, v[2]), f64(recAct, v[3])];
        const c = f * v[5] + i * g;
        return { gates: [i, f, g, o], c, tc: f64(act, c), h: o * f64(act, c) };
      };
      const want = { gates: [] as Array<number | null>, c: [] as number[], tc: [] as Array<number | null>, h: [] as number[], dz: [] as number[], dcPrev: [] as number[], dhPrev: [] as number[] };
      for (let r = 0; r < rows; r++) {
        const real = !mask || mask[r] === 1;
        for (let j = 0; j < u; j++) {
          const at = r * u + j;
          const v = Float64Array.of(...[0, 1, 2, 3].map((q) => data.z[r * 4 * u + q * u + j]), data.hPrev[at], data.cPrev[at]);
          const y = unit(v, real);
          [0, 1, 2, 3].forEach((q) => (want.gates[r * 4 * u + q * u + j] = y.gates?.[q] ?? null));
          [want.c[at], want.tc[at], want.h[at]] = [y.c, y.tc, y.h];
          const d = numericGradient((x) => data.dh[at] * unit(x, real).h + data.dc[at] * unit(x, real).c, v);
          [0, 1, 2, 3].forEach((q) => (want.dz[r * 4 * u + q * u + j] = d[q]));
          [want.dhPrev[at], want.dcPrev[at]] = [data.dhPrev[at] + d[4], d[5]];
        }
      }
      const got = { gates: get(b, p.gates, rows * 4 * u), c: get(b, p.c, rows * u), tc: get(b, p.tc, rows * u), h: get(b, p.h, rows * u), dz: get(b, p.dz, rows * 4 * u), dcPrev: get(b, p.dcPrev, rows * u), dhPrev: get(b, p.dhPrev, rows * u) };
      for (const name of ['gates', 'c', 'tc', 'h'] as const) check(got[name], want[name], FORWARD_TOL, `${label} ${name}`);
      for (const name of ['dz', 'dcPrev', 'dhPrev'] as const) check(got[name], want[name], BACKWARD_TOL, `${label} ${name}`);

      // dcPrev = dc: the same bits as into a buffer of its own.
      const [inPlace, dz2, dhPrev2] = [put(b, data.dc), blank(b, rows * 4 * u), put(b, data.dhPrev)];
      k.lstmCellBackward(p.z, p.gates, p.cPrev, p.c, p.tc, p.mask, p.dh, inPlace, dz2, inPlace, dhPrev2, rows, u, act, recAct, ALPHA);
      expect(get(b, inPlace, rows * u), `${label} dcPrev in place`).toEqual(got.dcPrev);
      expect(get(b, dz2, rows * 4 * u), `${label} dz with dcPrev in place`).toEqual(got.dz);
      expect(get(b, dhPrev2, rows * u), `${label} dhPrev with dcPrev in place`).toEqual(got.dhPrev);
      freeAll(b, [...Object.values(p).filter((q) => q !== 0), inPlace, dz2, dhPrev2]);
    }
  });

  // The caller's part of a GRU step is played here with U_h = I (u by u): hhPre = xh + rh, drh = dhhPre·Iᵀ = dhhPre.
  // So each unit is a function of [z_z, z_r, xh, hPrev] alone, and the four kernels' gradients are its differences.
  it.each(PAIRS)('gru (%s): the four kernels as the f64 reference and its central differences', async (_name, act, recAct) => {
    const b = await backendFor(build);
    const k = b.kernels;
    for (const { rows, u, masked, seed } of cases()) {
      const label = `${build} gru ${rows}x${u}${masked ? ' masked' : ''}`;
      const data = {
        zr: preActivations(rows * 2 * u, seed),
        xh: preActivations(rows * u, seed + 1),
        hPrev: randomData(rows * u, seed + 2),
        dh: randomData(rows * u, seed + 3),
        dhPrev: randomData(rows * u, seed + 4),
      };
      const mask = masked ? maskValues(rows) : null;
      const p = {
        zr: put(b, data.zr), hPrev: put(b, data.hPrev), mask: mask ? put(b, mask) : 0, gates: blank(b, rows * 2 * u), rh: blank(b, rows * u),
        hhPre: blank(b, rows * u), hh: blank(b, rows * u), h: blank(b, rows * u),
        dh: put(b, data.dh), dhhPre: blank(b, rows * u), dzr: blank(b, rows * 2 * u), dhPrev: put(b, data.dhPrev),
      };
      k.gruGatesForward(p.zr, p.hPrev, p.gates, p.rh, rows, u, recAct, ALPHA);
      const rh = get(b, p.rh, rows * u);
      const hhPre = data.xh.map((v, i) => v + rh[i]);
      b.heap.f32.set(hhPre, word(p.hhPre));
      k.gruOutputForward(p.hhPre, p.gates, p.hPrev, p.mask, p.hh, p.h, rows, u, act, ALPHA);
      k.gruOutputBackward(p.hhPre, p.hh, p.gates, p.hPrev, p.mask, p.dh, p.dhhPre, p.dzr, p.dhPrev, rows, u, act, ALPHA);
      const dzrOutput = get(b, p.dzr, rows * 2 * u);
      k.gruGatesBackward(p.zr, p.gates, p.hPrev, p.dhhPre, p.mask, p.dzr, p.dhPrev, rows, u, recAct, ALPHA);

      // One unit: v = [z_z, z_r, xh, hPrev] -> its values; a masked row carries hPrev.
      const unit = (v: ArrayLike<number>, real: boolean) => {
        const [z, r] = [f64(recAct, v[0]), f64(recAct, v[1])];
        const hh = f64(act, v[2] + r * v[3]);
        return { z, r, rh: r * v[3], hh, h: real ? z * v[3] + (1 - z) * hh : v[3] };
      };
      const want = { gates: [] as number[], rh: [] as number[], hh: [] as number[], h: [] as number[], dzOutput: [] as Array<number | null>, dzr: [] as number[], dhhPre: [] as number[], dhPrev: [] as number[] };
      for (let r = 0; r < rows; r++) {
        const real = !mask || mask[r] === 1;
        for (let j = 0; j < u; j++) {
          const at = r * u + j;
          const [zAt, rAt] = [2 * r * u + j, 2 * r * u + u + j];
          const v = Float64Array.of(data.zr[zAt], data.zr[rAt], data.xh[at], data.hPrev[at]);
          const y = unit(v, real);
          [want.gates[zAt], want.gates[rAt], want.rh[at], want.h[at]] = [y.z, y.r, y.rh, y.h];
          want.hh[at] = f64(act, hhPre[at]); // of the f32 hhPre the kernel was given
          // gruOutputBackward's z part: dh·(hPrev - hh), wrt the activated z, 0 for a masked row.
          [want.dzOutput[zAt], want.dzOutput[rAt]] = [real ? data.dh[at] * (v[3] - y.hh) : 0, null];
          const d = numericGradient((x) => data.dh[at] * unit(x, real).h, v);
          [want.dzr[zAt], want.dzr[rAt], want.dhhPre[at], want.dhPrev[at]] = [d[0], d[1], d[2], data.dhPrev[at] + d[3]];
        }
      }
      const got = { gates: get(b, p.gates, rows * 2 * u), rh, hh: get(b, p.hh, rows * u), h: get(b, p.h, rows * u), dzOutput: dzrOutput, dzr: get(b, p.dzr, rows * 2 * u), dhhPre: get(b, p.dhhPre, rows * u), dhPrev: get(b, p.dhPrev, rows * u) };
      for (const name of ['gates', 'rh', 'hh', 'h'] as const) check(got[name], want[name], FORWARD_TOL, `${label} ${name}`);
      for (const name of ['dzOutput', 'dzr', 'dhhPre', 'dhPrev'] as const) check(got[name], want[name], BACKWARD_TOL, `${label} ${name}`);
      freeAll(b, Object.values(p).filter((q) => q !== 0));
    }
  });

  it.each(PAIRS)('simple rnn (act of %s): forward as the f64 reference, backward as its central differences, dz = dh in place', async (_name, act) => {
    const b = await backendFor(build);
    const k = b.kernels;
    for (const { rows, u, masked, seed } of cases()) {
      const label = `${build} rnn ${rows}x${u}${masked ? ' masked' : ''}`;
      const data = { z: preActivations(rows * u, seed), hPrev: randomData(rows * u, seed + 1), dh: randomData(rows * u, seed + 2), dhPrev: randomData(rows * u, seed + 3) };
      const mask = masked ? maskValues(rows) : null;
      const p = { z: put(b, data.z), hPrev: put(b, data.hPrev), mask: mask ? put(b, mask) : 0, h: blank(b, rows * u), dh: put(b, data.dh), dz: blank(b, rows * u), dhPrev: put(b, data.dhPrev) };
      k.rnnCellForward(p.z, p.hPrev, p.mask, p.h, rows, u, act, ALPHA);
      k.rnnCellBackward(p.z, p.h, p.mask, p.dh, p.dz, p.dhPrev, rows, u, act, ALPHA);
      const want = { h: [] as number[], dz: [] as number[], dhPrev: [] as number[] };
      for (let r = 0; r < rows; r++) {
        const real = !mask || mask[r] === 1;
        const h = (v: ArrayLike<number>) => (real ? f64(act, v[0]) : v[1]);
        for (let j = 0; j < u; j++) {
          const at = r * u + j;
          const v = Float64Array.of(data.z[at], data.hPrev[at]);
          const d = numericGradient((x) => data.dh[at] * h(x), v);
          [want.h[at], want.dz[at], want.dhPrev[at]] = [h(v), d[0], data.dhPrev[at] + d[1]];
        }
      }
      const [dz, dhPrev] = [get(b, p.dz, rows * u), get(b, p.dhPrev, rows * u)];
      check(get(b, p.h, rows * u), want.h, FORWARD_TOL, `${label} h`);
      check(dz, want.dz, BACKWARD_TOL, `${label} dz`);
      check(dhPrev, want.dhPrev, BACKWARD_TOL, `${label} dhPrev`);

      // dz = dh: the same bits as into a buffer of its own.
      const [inPlace, dhPrev2] = [put(b, data.dh), put(b, data.dhPrev)];
      k.rnnCellBackward(p.z, p.h, p.mask, inPlace, inPlace, dhPrev2, rows, u, act, ALPHA);
      expect(get(b, inPlace, rows * u), `${label} dz in place`).toEqual(dz);
      expect(get(b, dhPrev2, rows * u), `${label} dhPrev with dz in place`).toEqual(dhPrev);
      freeAll(b, [...Object.values(p).filter((q) => q !== 0), inPlace, dhPrev2]);
    }
  });
});
