// Recurrent cells, one time step of a batch of rows: LSTM, GRU and simple RNN, each forward above its backward.
// The caller owns the loop over time and the matmuls (input and recurrent products, dz·Uᵀ); these kernels do the
// gate math between them, four units at a time along each row, and run the activations by activationForward and
// activationBackward over each row's gate segments. A row whose mask value is 0 carries its state unchanged.
// Products and sums round separately (no madd), as TF.js's mul and add do. Row r starts at byte o1 = r·n (n: u's
// bytes) of a (rows,u) matrix, at 2·o1 and 4·o1 of a (rows,2u) and a (rows,4u) one.

import { activationBackward, activationForward } from './activations';

// Each elementwise step below runs on four lanes through a row's body, then on one lane (the others 0, never
// stored) through its last u % 4 values: `one` is a constant at every call, so the branches fold away.
// @ts-ignore: decorator
@inline function ld(p: usize, one: bool): v128 {
  return one ? v128.load32_zero(p) : v128.load(p);
}
// @ts-ignore: decorator
@inline function st(p: usize, v: v128, one: bool): void {
  if (one) v128.store32_lane(p, v, 0);
  else v128.store(p, v);
}

// Whether row r is a real step: no mask, or its mask value is not 0.
// @ts-ignore: decorator
@inline function isReal(mask: usize, r: i32): bool {
  return !mask || load<f32>(mask + (<usize>r << 2)) != 0;
}

// out = a·b at byte j
// @ts-ignore: decorator
@inline function mul(a: usize, b: usize, out: usize, j: usize, one: bool): void {
  st(out + j, f32x4.mul(ld(a + j, one), ld(b + j, one)), one);
}

// a, b, out (u); out = a·b
function mulRow(a: usize, b: usize, out: usize, u: i32): void {
  const n = (<usize>u) << 2;
  const body = n & ~15;
  for (let j: usize = 0; j < body; j += 16) mul(a, b, out, j, false);
  for (let j = body; j < n; j += 4) mul(a, b, out, j, true);
}

// out += x at byte j
// @ts-ignore: decorator
@inline function add(x: usize, out: usize, j: usize, one: bool): void {
  st(out + j, f32x4.add(ld(out + j, one), ld(x + j, one)), one);
}

// x, out (u); out += x
function addRow(x: usize, out: usize, u: i32): void {
  const n = (<usize>u) << 2;
  const body = n & ~15;
  for (let j: usize = 0; j < body; j += 16) add(x, out, j, false);
  for (let j = body; j < n; j += 4) add(x, out, j, true);
}

// ---- LSTM: gates along each row of 4u as TF.js orders them, i | f | g | o; n below is u's bytes ----

// c = f·cPrev + i·g at byte j of a row; g: the row's gates
// @ts-ignore: decorator
@inline function lstmState(g: usize, cPrev: usize, c: usize, n: usize, j: usize, one: bool): void {
  const i = ld(g + j, one);
  const f = ld(g + n + j, one);
  const gg = ld(g + 2 * n + j, one);
  st(c + j, f32x4.add(f32x4.mul(f, ld(cPrev + j, one)), f32x4.mul(i, gg)), one);
}

// z (rows,4u), hPrev (rows,u), cPrev (rows,u), mask (rows) or 0 -> gates (rows,4u), c (rows,u), tc (rows,u), h (rows,u)
// gates = recAct(z_i) | recAct(z_f) | act(z_g) | recAct(z_o); c = f·cPrev + i·g; tc = act(c); h = o·tc. A masked
// row gets c = cPrev, h = hPrev (its gates and tc are left as they were).
export function lstmCellForward(z: usize, hPrev: usize, cPrev: usize, mask: usize, gates: usize, c: usize, tc: usize, h: usize, rows: i32, u: i32, act: i32, recAct: i32, alpha: f32): void {
  const n = (<usize>u) << 2;
  const body = n & ~15;
  for (let r = 0; r < rows; r++) {
    const o1 = <usize>r * n;
    if (!isReal(mask, r)) {
      memory.copy(c + o1, cPrev + o1, n);
      memory.copy(h + o1, hPrev + o1, n);
      continue;
    }
    const zr = z + (o1 << 2);
    const gr = gates + (o1 << 2);
    activationForward(recAct, zr, gr, 2 * u, alpha); // i | f
    activationForward(act, zr + 2 * n, gr + 2 * n, u, alpha);
    activationForward(recAct, zr + 3 * n, gr + 3 * n, u, alpha);
    for (let j: usize = 0; j < body; j += 16) lstmState(gr, cPrev + o1, c + o1, n, j, false);
    for (let j = body; j < n; j += 4) lstmState(gr, cPrev + o1, c + o1, n, j, true);
    activationForward(act, c + o1, tc + o1, u, alpha);
    mulRow(gr + 3 * n, tc + o1, h + o1, u);
  }
}

// With dcTotal = dc + (dh·o·act'(c)), waiting in dz's i part: dz's i, f, g parts = dcTotal·g, dcTotal·cPrev,
// dcTotal·i (before the gates' activations), dcPrev = dcTotal·f. dcPrev may be dc: each is read before it is written.
// @ts-ignore: decorator
@inline function lstmStateGrad(g: usize, cPrev: usize, dc: usize, d: usize, dcPrev: usize, n: usize, j: usize, one: bool): void {
  const total = f32x4.add(ld(dc + j, one), ld(d + j, one));
  st(d + j, f32x4.mul(total, ld(g + 2 * n + j, one)), one);
  st(d + n + j, f32x4.mul(total, ld(cPrev + j, one)), one);
  st(d + 2 * n + j, f32x4.mul(total, ld(g + j, one)), one);
  st(dcPrev + j, f32x4.mul(total, ld(g + n + j, one)), one);
}

// z, gates (rows,4u), cPrev, c, tc (rows,u), mask (rows) or 0, dh, dc (rows,u) -> dz (rows,4u), dcPrev (rows,u), dhPrev (rows,u) +=
// dh: dL/dh_t in all; dc: dL/dc_t from later steps; dcPrev may be dc. The recurrent product dz·Uᵀ is the caller's;
// dhPrev gets only what masked rows pass through (dh). A masked row: dz = 0, dcPrev = dc.
export function lstmCellBackward(z: usize, gates: usize, cPrev: usize, c: usize, tc: usize, mask: usize, dh: usize, dc: usize, dz: usize, dcPrev: usize, dhPrev: usize, rows: i32, u: i32, act: i32, recAct: i32, alpha: f32): void {
  const n = (<usize>u) << 2;
  const body = n & ~15;
  for (let r = 0; r < rows; r++) {
    const o1 = <usize>r * n;
    const d = dz + (o1 << 2);
    if (!isReal(mask, r)) {
      memory.fill(d, 0, 4 * n);
      memory.copy(dcPrev + o1, dc + o1, n);
      addRow(dh + o1, dhPrev + o1, u);
      continue;
    }
    const zr = z + (o1 << 2);
    const gr = gates + (o1 << 2);
    mulRow(dh + o1, tc + o1, d + 3 * n, u); // dL/do
    mulRow(dh + o1, gr + 3 * n, d, u); // dL/dtc, in the i part until lstmStateGrad reads it
    activationBackward(act, c + o1, tc + o1, d, d, u, alpha);
    for (let j: usize = 0; j < body; j += 16) lstmStateGrad(gr, cPrev + o1, dc + o1, d, dcPrev + o1, n, j, false);
    for (let j = body; j < n; j += 4) lstmStateGrad(gr, cPrev + o1, dc + o1, d, dcPrev + o1, n, j, true);
    activationBackward(recAct, zr, gr, d, d, 2 * u, alpha); // i | f
    activationBackward(act, zr + 2 * n, gr + 2 * n, d + 2 * n, d + 2 * n, u, alpha);
    activationBackward(recAct, zr + 3 * n, gr + 3 * n, d + 3 * n, d + 3 * n, u, alpha);
  }
}

// ---- GRU (TF.js's: the reset gate applied before the recurrent product); gates along each row of 2u: z | r ----

// zr (rows,2u), hPrev (rows,u) -> gates (rows,2u), rh (rows,u)
// gates = recAct(zr); rh = r·hPrev, the input of the caller's recurrent product for the candidate.
export function gruGatesForward(zr: usize, hPrev: usize, gates: usize, rh: usize, rows: i32, u: i32, recAct: i32, alpha: f32): void {
  activationForward(recAct, zr, gates, 2 * rows * u, alpha);
  const n = (<usize>u) << 2;
  for (let r = 0; r < rows; r++) mulRow(gates + <usize>r * 2 * n + n, hPrev + <usize>r * n, rh + <usize>r * n, u);
}

// h = z·hPrev + (1 - z)·hh at byte j of a row; z: the row's gates
// @ts-ignore: decorator
@inline function gruOutput(z: usize, hPrev: usize, hh: usize, h: usize, j: usize, one: bool): void {
  const zv = ld(z + j, one);
  st(h + j, f32x4.add(f32x4.mul(zv, ld(hPrev + j, one)), f32x4.mul(f32x4.sub(f32x4.splat(1), zv), ld(hh + j, one))), one);
}

// hhPre (rows,u), gates (rows,2u), hPrev (rows,u), mask (rows) or 0 -> hh (rows,u), h (rows,u)
// hh = act(hhPre); h = z·hPrev + (1 - z)·hh; a masked row gets h = hPrev.
export function gruOutputForward(hhPre: usize, gates: usize, hPrev: usize, mask: usize, hh: usize, h: usize, rows: i32, u: i32, act: i32, alpha: f32): void {
  activationForward(act, hhPre, hh, rows * u, alpha);
  const n = (<usize>u) << 2;
  const body = n & ~15;
  for (let r = 0; r < rows; r++) {
    const o1 = <usize>r * n;
    if (!isReal(mask, r)) {
      memory.copy(h + o1, hPrev + o1, n);
      continue;
    }
    const zr = gates + (o1 << 1);
    for (let j: usize = 0; j < body; j += 16) gruOutput(zr, hPrev + o1, hh + o1, h + o1, j, false);
    for (let j = body; j < n; j += 4) gruOutput(zr, hPrev + o1, hh + o1, h + o1, j, true);
  }
}

// dhhPre = dh·(1 - z) (before act'), dz = dh·(hPrev - hh), dhPrev += dh·z at byte j of a row
// @ts-ignore: decorator
@inline function gruOutputGrad(z: usize, hPrev: usize, hh: usize, dh: usize, dhhPre: usize, dz: usize, dhPrev: usize, j: usize, one: bool): void {
  const zv = ld(z + j, one);
  const d = ld(dh + j, one);
  const p = ld(hPrev + j, one);
  st(dhhPre + j, f32x4.mul(d, f32x4.sub(f32x4.splat(1), zv)), one);
  st(dz + j, f32x4.mul(d, f32x4.sub(p, ld(hh + j, one))), one);
  st(dhPrev + j, f32x4.add(ld(dhPrev + j, one), f32x4.mul(d, zv)), one);
}

// hhPre, hh (rows,u), gates (rows,2u), hPrev (rows,u), mask (rows) or 0, dh (rows,u) -> dhhPre (rows,u), dzr[:, 0:u] (rows,2u), dhPrev (rows,u) +=
// dhhPre = dh·(1 - z)·act'(hhPre); dzr's z part = dh·(hPrev - hh), still wrt the activated z (gruGatesBackward
// finishes it); dhPrev += dh·z. A masked row: dhhPre = 0, dzr's z part = 0, dhPrev += dh.
export function gruOutputBackward(hhPre: usize, hh: usize, gates: usize, hPrev: usize, mask: usize, dh: usize, dhhPre: usize, dzr: usize, dhPrev: usize, rows: i32, u: i32, act: i32, alpha: f32): void {
  const n = (<usize>u) << 2;
  const body = n & ~15;
  for (let r = 0; r < rows; r++) {
    const o1 = <usize>r * n;
    const o2 = o1 << 1;
    if (!isReal(mask, r)) {
      memory.fill(dhhPre + o1, 0, n);
      memory.fill(dzr + o2, 0, n);
      addRow(dh + o1, dhPrev + o1, u);
      continue;
    }
    for (let j: usize = 0; j < body; j += 16) gruOutputGrad(gates + o2, hPrev + o1, hh + o1, dh + o1, dhhPre + o1, dzr + o2, dhPrev + o1, j, false);
    for (let j = body; j < n; j += 4) gruOutputGrad(gates + o2, hPrev + o1, hh + o1, dh + o1, dhhPre + o1, dzr + o2, dhPrev + o1, j, true);
    activationBackward(act, hhPre + o1, hh + o1, dhhPre + o1, dhhPre + o1, u, alpha);
  }
}

// dr = drh·hPrev (before recAct'), dhPrev += drh·r at byte j of a row; r: the row's reset gate
// @ts-ignore: decorator
@inline function gruResetGrad(r: usize, hPrev: usize, drh: usize, dr: usize, dhPrev: usize, j: usize, one: bool): void {
  const d = ld(drh + j, one);
  st(dr + j, f32x4.mul(d, ld(hPrev + j, one)), one);
  st(dhPrev + j, f32x4.add(ld(dhPrev + j, one), f32x4.mul(d, ld(r + j, one))), one);
}

// zr, gates (rows,2u), hPrev (rows,u), drh (rows,u), mask (rows) or 0 -> dzr (rows,2u; its z part read and finished), dhPrev (rows,u) +=
// drh = dL/d(rh), from the caller's dhhPre·U_hᵀ. dzr's z part *= recAct'(z); its r part = drh·hPrev·recAct'(r);
// dhPrev += drh·r. A masked row: dzr = 0, nothing added to dhPrev.
export function gruGatesBackward(zr: usize, gates: usize, hPrev: usize, drh: usize, mask: usize, dzr: usize, dhPrev: usize, rows: i32, u: i32, recAct: i32, alpha: f32): void {
  const n = (<usize>u) << 2;
  const body = n & ~15;
  for (let r = 0; r < rows; r++) {
    const o1 = <usize>r * n;
    const o2 = o1 << 1;
    if (!isReal(mask, r)) {
      memory.fill(dzr + o2, 0, 2 * n);
      continue;
    }
    const rg = gates + o2 + n;
    const dr = dzr + o2 + n;
    for (let j: usize = 0; j < body; j += 16) gruResetGrad(rg, hPrev + o1, drh + o1, dr, dhPrev + o1, j, false);
    for (let j = body; j < n; j += 4) gruResetGrad(rg, hPrev + o1, drh + o1, dr, dhPrev + o1, j, true);
    activationBackward(recAct, zr + o2, gates + o2, dzr + o2, dzr + o2, 2 * u, alpha); // z | r
  }
}

// ---- simple RNN ----

// z (rows,u), hPrev (rows,u), mask (rows) or 0 -> h (rows,u)
// h = act(z); a masked row gets h = hPrev.
export function rnnCellForward(z: usize, hPrev: usize, mask: usize, h: usize, rows: i32, u: i32, act: i32, alpha: f32): void {
  const n = (<usize>u) << 2;
  for (let r = 0; r < rows; r++) {
    const o1 = <usize>r * n;
    if (isReal(mask, r)) activationForward(act, z + o1, h + o1, u, alpha);
    else memory.copy(h + o1, hPrev + o1, n);
  }
}

// z, h (rows,u), mask (rows) or 0, dh (rows,u) -> dz (rows,u), dhPrev (rows,u) +=
// dz = act'(z)·dh; a masked row: dz = 0 and dhPrev += dh (real rows add nothing: dz·Uᵀ is the caller's). dz may be
// dh, so a masked row's dh is added before its dz is cleared.
export function rnnCellBackward(z: usize, h: usize, mask: usize, dh: usize, dz: usize, dhPrev: usize, rows: i32, u: i32, act: i32, alpha: f32): void {
  const n = (<usize>u) << 2;
  for (let r = 0; r < rows; r++) {
    const o1 = <usize>r * n;
    if (isReal(mask, r)) {
      activationBackward(act, z + o1, h + o1, dh + o1, dz + o1, u, alpha);
    } else {
      addRow(dh + o1, dhPrev + o1, u);
      memory.fill(dz + o1, 0, n);
    }
  }
}
