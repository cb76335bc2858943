// The recurrent layers' fused primitives: a whole sequence of simpleRNN, LSTM or GRU steps as one node on the
// tape. Every step's input projection is one matmul over [time·batch, features] up front; each step then adds its
// recurrent product (h·U, accumulated into that step's rows) and runs one cell kernel over all its gates. The
// gradient walks back through time with one cell-backward kernel and one matmul per step, then makes the weight
// gradients as matmuls over all steps at once. Time-major throughout ([time, batch, ...]): the layers transpose,
// reverse (goBackwards) and slice with ops. A mask [time, batch] of 0 and 1 holds a row's state through its
// masked steps, as TF.js's rnn() does.

import type { Activation } from '../activations.js';
import { record, recording, type Sink } from '../autodiff/tape.js';
import { Bcast, BinOp } from '../backend/kernels.js';
import { activeBackend } from '../engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe } from '../validate.js';
import { sigmoid, tanh } from './activations.js';
import { add, mul } from './arithmetic.js';
import { matMul } from './matrix.js';
import { convert, empty, op, type TensorLike } from './op.js';
import { concat, reshape, split } from './shape.js';

/** A gradient's destination: the model's sink for that input when there is one (accumulating once written), else a new tensor. */
function gradient(into: Array<Sink | null>, i: number, op: string, shape: number[]): [Tensor, number] {
  const sink = into[i];
  return sink ? [sink.tensor, sink.written ? 1 : 0] : [empty(op, shape, 'float32'), 0];
}

/** [time, batch, n] = x·kernel (+ bias), x [time, batch, features]: every step's input projection in one matmul. */
function projectInputs(op: string, x: Tensor, kernel: Tensor, bias: Tensor | null): Tensor {
  const [T, B, F] = x.shape;
  const n = kernel.shape[1];
  const backend = activeBackend();
  const k = backend.kernels;
  const z = empty(op, [T, B, n], 'float32');
  if (z.size === 0) return z;
  if (F === 0) k.fill(z.ptr(op), z.size, 0);
  else k.matmul(x.ptr(op), kernel.ptr(op), z.ptr(op), T * B, n, F, 0, 0, 0, backend.scratch);
  if (bias) k.biasAdd(z.ptr(op), bias.ptr(op), z.ptr(op), T * B, n);
  return z;
}

/** dkernel = xᵀ·dz over all steps, x [time, batch, features], dz [time, batch, n] (into the model's sink if any). */
function kernelGradient(op: string, x: Tensor, dz: Tensor, into: Array<Sink | null>, i: number): Tensor {
  const [T, B, F] = x.shape;
  const n = dz.shape[2];
  const backend = activeBackend();
  const [dw, accumulate] = gradient(into, i, op, [F, n]);
  if (dw.size === 0) return dw;
  if (T * B === 0) {
    if (!accumulate) backend.kernels.fill(dw.ptr(op), dw.size, 0);
  } else backend.kernels.matmul(x.ptr(op), dz.ptr(op), dw.ptr(op), F, n, T * B, 1, 0, accumulate, backend.scratch);
  return dw;
}

/** dbias = the column sums of dz [time, batch, n] (into the model's sink if any). */
function biasGradient(op: string, dz: Tensor, into: Array<Sink | null>, i: number): Tensor {
  const [T, B, n] = dz.shape;
  const [db, accumulate] = gradient(into, i, op, [n]);
  activeBackend().kernels.biasGrad(dz.ptr(op), db.ptr(op), T * B, n, accumulate, 1);
  return db;
}

/** dx = dz·kernelᵀ, or dx += it with `accumulate`; dx [time, batch, features]. */
function inputGradient(op: string, dz: Tensor, kernel: Tensor, dx: Tensor, accumulate: number): void {
  const [F, n] = kernel.shape;
  const backend = activeBackend();
  if (dx.size === 0) return;
  if (n === 0) {
    if (!accumulate) backend.kernels.fill(dx.ptr(op), dx.size, 0);
  } else backend.kernels.matmul(dz.ptr(op), kernel.ptr(op), dx.ptr(op), dx.size / F, F, n, 0, 1, accumulate, backend.scratch);
}

/** The gradients of x, kernel and bias (at their places among `count` inputs), from dz [time, batch, n]. */
function commonGradients(op: string, count: number, x: Tensor, kernel: Tensor, dz: Tensor, needs: boolean[], into: Array<Sink | null>, at: { x: number; kernel: number; bias: number }): Array<Tensor | null> {
  const grads: Array<Tensor | null> = new Array<Tensor | null>(count).fill(null);
  if (needs[at.kernel]) grads[at.kernel] = kernelGradient(op, x, dz, into, at.kernel);
  if (at.bias >= 0 && needs[at.bias]) grads[at.bias] = biasGradient(op, dz, into, at.bias);
  if (needs[at.x]) {
    const dx = empty(op, x.shape.slice(), 'float32');
    inputGradient(op, dz, kernel, dx, 0);
    grads[at.x] = dx;
  }
  return grads;
}

/**
 * dU = Σₜ h₍ₜ₋₁₎ᵀ·dzₜ over all steps: h0's product, then the other steps' in one matmul (their previous states
 * are h's first T-1 steps, contiguous).
 */
function recurrentGradient(op: string, h0: Tensor, h: Tensor, dz: Tensor, into: Array<Sink | null>, i: number, n: number): Tensor {
  const [T, B, U] = h.shape;
  const backend = activeBackend();
  const k = backend.kernels;
  const [du, accumulate] = gradient(into, i, op, [U, n]);
  if (du.size === 0) return du;
  if (B === 0) {
    if (!accumulate) k.fill(du.ptr(op), du.size, 0);
    return du;
  }
  k.matmul(h0.ptr(op), dz.ptr(op), du.ptr(op), U, n, B, 1, 0, accumulate, backend.scratch);
  if (T > 1) k.matmul(h.ptr(op), dz.ptr(op) + B * n * 4, du.ptr(op), U, n, (T - 1) * B, 1, 0, 1, backend.scratch);
  return du;
}

/**
 * The recurrent products of the steps: c += a·op(b), [rows, n] += [rows, k]·op(b), made as a product into a
 * buffer of its own and an add, so that on several threads the pool can split the product (it splits only calls
 * that write nothing they read, which an accumulating matmul does) and gives the bits of one thread.
 */
class StepProducts {
  private readonly product: Tensor;

  constructor(private readonly op: string, size: number) {
    this.product = empty(op, [size], 'float32');
  }

  add(a: number, b: number, c: number, rows: number, n: number, k: number, transB: number): void {
    const backend = activeBackend();
    const p = this.product.ptr(this.op);
    backend.kernels.matmul(a, b, p, rows, n, k, 0, transB, 0, backend.scratch);
    backend.kernels.binary(BinOp.Add, c, Bcast.Full, p, Bcast.Full, c, 1, rows * n);
  }

  dispose(): void {
    this.product.dispose();
  }
}

/** Pointer to step i of a [time, batch, n] tensor (`size` = batch·n values a step). */
const slot = (op: string, t: Tensor, i: number, size: number): number => t.ptr(op) + i * size * 4;

/** Pointer to a state after step i (the initial state before step 0). */
const prev = (op: string, t: Tensor, i: number, size: number, initial: Tensor): number => (i < 0 ? initial.ptr(op) : slot(op, t, i, size));

/** The mask's row for step t, or 0 (no mask). */
const maskAt = (op: string, mask: Tensor | null, t: number, B: number): number => (mask ? mask.ptr(op) + t * B * 4 : 0);

/**
 * What the recurrent products read: the previous state h, or with recurrent dropout h·dropMask (TF.js's one mask
 * [batch, units] per call, 0 or 1/(1 - rate)), kept per step in `dropped` [time, batch, units] for the gradient.
 */
class RecurrentReads {
  constructor(private readonly op: string, readonly dropMask: Tensor | null, readonly dropped: Tensor | null, private readonly size: number) {}

  /** For a forward pass over [T, B, U] states: `dropped` made when there is a mask. */
  static forward(op: string, dropMask: Tensor | null, T: number, B: number, U: number): RecurrentReads {
    return new RecurrentReads(op, dropMask, dropMask ? empty(op, [T, B, U], 'float32') : null, B * U);
  }

  /** The tensors its gradient needs, to save on the tape. */
  get saved(): Tensor[] {
    return this.dropMask && this.dropped ? [this.dropMask, this.dropped] : [];
  }

  /** Forward, step t: the pointer step t's products read, given the previous state's. */
  state(t: number, hPrev: number): number {
    if (!this.dropped || !this.dropMask) return hPrev;
    const out = slot(this.op, this.dropped, t, this.size);
    activeBackend().kernels.binary(BinOp.Mul, hPrev, Bcast.Full, this.dropMask.ptr(this.op), Bcast.Full, out, 1, this.size);
    return out;
  }

  /** dU = Σₜ (what step t's product read)ᵀ·dzₜ. */
  recurrentGradient(h0: Tensor, h: Tensor, dz: Tensor, into: Array<Sink | null>, i: number, n: number): Tensor {
    return this.dropped ? kernelGradient(this.op, this.dropped, dz, into, i) : recurrentGradient(this.op, h0, h, dz, into, i, n);
  }

  /** Frees `dropped` (the tape holds its own handle). */
  dispose(): void {
    this.dropped?.dispose();
  }
}

/**
 * The walk back through time every cell's gradient takes, from the last step to the first: dh, the gradient of
 * every step's state (seeded with the outputs' gradient; each step adds into the one before it), dh0, and the
 * recurrent products added back into them, through the recurrent dropout mask when there is one.
 */
class BackThroughTime {
  readonly dh: Tensor;
  readonly dh0: Tensor;
  /** With recurrent dropout: the gradient of what a step's products read, before the mask. */
  private readonly read: Tensor | null;
  private readonly products: StepProducts;

  constructor(private readonly op: string, private readonly reads: RecurrentReads, dhOut: Tensor, B: number, U: number) {
    const k = activeBackend().kernels;
    this.dh = empty(op, dhOut.shape.slice(), 'float32');
    this.dh0 = empty(op, [B, U], 'float32');
    this.read = reads.dropMask ? empty(op, [B, U], 'float32') : null;
    this.products = new StepProducts(op, B * U);
    if (B * U === 0) return;
    k.scale(dhOut.ptr(op), this.dh.ptr(op), dhOut.size, 1);
    k.fill(this.dh0.ptr(op), this.dh0.size, 0);
  }

  /** The gradient of step t's state. */
  at(t: number): number {
    return slot(this.op, this.dh, t, this.dh0.size);
  }

  /** The gradient of the state before step t (dh0 before the first). */
  before(t: number): number {
    return prev(this.op, this.dh, t - 1, this.dh0.size, this.dh0);
  }

  /** Where step t's kernels accumulate the gradient of the state its products read: before(t), or zeroed scratch. */
  target(t: number): number {
    if (!this.read) return this.before(t);
    activeBackend().kernels.fill(this.read.ptr(this.op), this.read.size, 0);
    return this.read.ptr(this.op);
  }

  /** target += dz·weightsᵀ (dz [batch, n], weights [units, n]), then, with recurrent dropout, before(t) += target·mask. */
  addProduct(t: number, target: number, dz: number, weights: Tensor, n: number): void {
    const [B, U] = this.dh0.shape;
    this.products.add(dz, weights.ptr(this.op), target, B, U, n, 1);
    if (!this.read || !this.reads.dropMask) return;
    const k = activeBackend().kernels;
    const size = this.read.size;
    k.binary(BinOp.Mul, target, Bcast.Full, this.reads.dropMask.ptr(this.op), Bcast.Full, target, 1, size);
    k.binary(BinOp.Add, this.before(t), Bcast.Full, target, Bcast.Full, this.before(t), 1, size);
  }

  /** Frees what the walk held: dh0 too unless it is needed as the initial state's gradient, which is returned. */
  finish(needsH0: boolean): Tensor | null {
    for (const t of [this.dh, this.read]) t?.dispose();
    this.products.dispose();
    if (needsH0) return this.dh0;
    this.dh0.dispose();
    return null;
  }
}

/** The saved tensors after a cell's own: the step mask when there is one, then the recurrent reads'. */
const extras = (mask: Tensor | null, reads: RecurrentReads): Tensor[] => [...(mask ? [mask] : []), ...reads.saved];

/** Those tensors back from the tape's handles: [mask, reads] as the gradient uses them. */
function fromExtras(op: string, rest: Tensor[], hasMask: boolean, hasDrop: boolean, size: number): [Tensor | null, RecurrentReads] {
  const mask = hasMask ? rest[0] : null;
  const at = hasMask ? 1 : 0;
  return [mask, new RecurrentReads(op, hasDrop ? rest[at] : null, hasDrop ? rest[at + 1] : null, size)];
}

/**
 * h [time, batch, units], each step hₜ = act(xₜ·kernel + h₍ₜ₋₁₎·recurrentKernel + bias) from h0 [batch, units];
 * x [time, batch, features], kernel [features, units], recurrentKernel [units, units], bias [units] or null.
 */
export function simpleRnnSequence(x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, h0: Tensor, mask: Tensor | null, dropMask: Tensor | null, act: Activation): Tensor {
  const op = 'simpleRNN';
  const [T, B] = x.shape;
  const U = kernel.shape[1];
  const backend = activeBackend();
  const k = backend.kernels;
  const z = projectInputs(op, x, kernel, bias);
  const h = empty(op, [T, B, U], 'float32');
  const reads = RecurrentReads.forward(op, dropMask, T, B, U);
  const products = new StepProducts(op, B * U);
  if (B * U > 0) {
    for (let t = 0; t < T; t++) {
      const [zt, hPrev] = [slot(op, z, t, B * U), prev(op, h, t - 1, B * U, h0)];
      products.add(reads.state(t, hPrev), recurrentKernel.ptr(op), zt, B, U, U, 0);
      k.rnnCellForward(zt, hPrev, maskAt(op, mask, t, B), slot(op, h, t, B * U), B, U, act.act, act.alpha);
    }
  }
  if (recording()) {
    const inputs = bias ? [x, kernel, recurrentKernel, bias, h0] : [x, kernel, recurrentKernel, h0];
    const at = { x: 0, kernel: 1, recurrent: 2, bias: bias ? 3 : -1, h0: bias ? 4 : 3 };
    const [hasMask, hasDrop] = [mask !== null, dropMask !== null];
    record(inputs, [h], [x, kernel, recurrentKernel, h0, z, h, ...extras(mask, reads)], ([dh], s, needs, into) => {
      const [x, kernel, recurrentKernel, h0, z, h, ...rest] = s;
      const [mask, reads] = fromExtras(op, rest, hasMask, hasDrop, B * U);
      const walk = new BackThroughTime(op, reads, dh, B, U);
      const dz = empty(op, [T, B, U], 'float32');
      if (B * U > 0) {
        for (let t = T - 1; t >= 0; t--) {
          const dzt = slot(op, dz, t, B * U);
          k.rnnCellBackward(slot(op, z, t, B * U), slot(op, h, t, B * U), maskAt(op, mask, t, B), walk.at(t), dzt, walk.before(t), B, U, act.act, act.alpha);
          walk.addProduct(t, walk.target(t), dzt, recurrentKernel, U);
        }
      } else k.fill(dz.ptr(op), dz.size, 0);
      const grads = commonGradients(op, inputs.length, x, kernel, dz, needs, into, at);
      if (needs[at.recurrent]) grads[at.recurrent] = reads.recurrentGradient(h0, h, dz, into, at.recurrent, U);
      grads[at.h0] = walk.finish(needs[at.h0]);
      dz.dispose();
      return grads;
    }, op);
  }
  z.dispose();
  reads.dispose();
  products.dispose();
  return h;
}

/**
 * [h [time, batch, units], the last carry c [batch, units]] of TF.js's LSTM from h0 and c0 [batch, units]: each
 * step z = xₜ·kernel + h·recurrentKernel + bias with gates i | f | g | o along its 4·units columns,
 * c = recAct(f)·c + recAct(i)·act(g), h = recAct(o)·act(c).
 */
export function lstmSequence(x: Tensor, kernel: Tensor, recurrentKernel: Tensor, bias: Tensor | null, h0: Tensor, c0: Tensor, mask: Tensor | null, dropMask: Tensor | null, act: Activation, recAct: Activation): [Tensor, Tensor] {
  const op = 'lstm';
  const [T, B] = x.shape;
  const U = recurrentKernel.shape[0];
  const G = 4 * U;
  const backend = activeBackend();
  const k = backend.kernels;
  const z = projectInputs(op, x, kernel, bias);
  const gates = empty(op, [T, B, G], 'float32');
  const [c, tc, h] = [0, 0, 0].map(() => empty(op, [T, B, U], 'float32'));
  const cLast = empty(op, [B, U], 'float32');
  const reads = RecurrentReads.forward(op, dropMask, T, B, U);
  const products = new StepProducts(op, B * G);
  if (B * U > 0) {
    for (let t = 0; t < T; t++) {
      const [zt, hPrev, cPrev] = [slot(op, z, t, B * G), prev(op, h, t - 1, B * U, h0), prev(op, c, t - 1, B * U, c0)];
      products.add(reads.state(t, hPrev), recurrentKernel.ptr(op), zt, B, G, U, 0);
      k.lstmCellForward(zt, hPrev, cPrev, maskAt(op, mask, t, B), slot(op, gates, t, B * G), slot(op, c, t, B * U), slot(op, tc, t, B * U), slot(op, h, t, B * U), B, U, act.act, recAct.act, act.alpha);
    }
    k.scale(prev(op, c, T - 1, B * U, c0), cLast.ptr(op), B * U, 1);
  }
  if (recording()) {
    const inputs = bias ? [x, kernel, recurrentKernel, bias, h0, c0] : [x, kernel, recurrentKernel, h0, c0];
    const at = { x: 0, kernel: 1, recurrent: 2, bias: bias ? 3 : -1, h0: bias ? 4 : 3, c0: bias ? 5 : 4 };
    const [hasMask, hasDrop] = [mask !== null, dropMask !== null];
    record(inputs, [h, cLast], [x, kernel, recurrentKernel, h0, c0, z, gates, c, tc, h, ...extras(mask, reads)], ([dh, dcLast], s, needs, into) => {
      const [x, kernel, recurrentKernel, h0, c0, z, gates, c, tc, h, ...rest] = s;
      const [mask, reads] = fromExtras(op, rest, hasMask, hasDrop, B * U);
      const walk = new BackThroughTime(op, reads, dh, B, U);
      const dc = empty(op, [B, U], 'float32');
      const dz = empty(op, [T, B, G], 'float32');
      if (B * U > 0) {
        k.scale(dcLast.ptr(op), dc.ptr(op), dc.size, 1);
        for (let t = T - 1; t >= 0; t--) {
          const dzt = slot(op, dz, t, B * G);
          k.lstmCellBackward(
            slot(op, z, t, B * G), slot(op, gates, t, B * G), prev(op, c, t - 1, B * U, c0), slot(op, c, t, B * U), slot(op, tc, t, B * U), maskAt(op, mask, t, B),
            walk.at(t), dc.ptr(op), dzt, dc.ptr(op), walk.before(t), B, U, act.act, recAct.act, act.alpha,
          );
          walk.addProduct(t, walk.target(t), dzt, recurrentKernel, G);
        }
      } else {
        k.fill(dz.ptr(op), dz.size, 0);
        k.fill(dc.ptr(op), dc.size, 0);
      }
      const grads = commonGradients(op, inputs.length, x, kernel, dz, needs, into, at);
      if (needs[at.recurrent]) grads[at.recurrent] = reads.recurrentGradient(h0, h, dz, into, at.recurrent, G);
      grads[at.h0] = walk.finish(needs[at.h0]);
      if (needs[at.c0]) grads[at.c0] = dc;
      else dc.dispose();
      dz.dispose();
      return grads;
    }, op);
  }
  for (const t of [z, gates, c, tc]) t.dispose();
  reads.dispose();
  products.dispose();
  return [h, cLast];
}

/**
 * h [time, batch, units] of TF.js's GRU (the reset gate applied before the recurrent product) from h0, its
 * weights split by the layer into the update and reset gates' columns (zr) and the candidate's (h):
 * [z | r] = recAct(xₜ·kernelZR + h·recurrentZR + biasZR), hh = act(xₜ·kernelH + (r·h)·recurrentH + biasH),
 * h = z·h + (1 - z)·hh.
 */
export function gruSequence(x: Tensor, kernelZR: Tensor, kernelH: Tensor, recurrentZR: Tensor, recurrentH: Tensor, biasZR: Tensor | null, biasH: Tensor | null, h0: Tensor, mask: Tensor | null, dropMask: Tensor | null, act: Activation, recAct: Activation): Tensor {
  const op = 'gru';
  const [T, B] = x.shape;
  const U = recurrentH.shape[0];
  const backend = activeBackend();
  const k = backend.kernels;
  const zr = projectInputs(op, x, kernelZR, biasZR);
  const hhPre = projectInputs(op, x, kernelH, biasH);
  const gates = empty(op, [T, B, 2 * U], 'float32');
  const [rh, hh, h] = [0, 0, 0].map(() => empty(op, [T, B, U], 'float32'));
  // With recurrent dropout TF.js's GRU reads h·dropMask everywhere a step reads the previous state (the layer
  // refuses it together with a step mask, whose held rows would need the state itself).
  const reads = RecurrentReads.forward(op, dropMask, T, B, U);
  const products = new StepProducts(op, 2 * B * U);
  if (B * U > 0) {
    for (let t = 0; t < T; t++) {
      const [zrt, hPrev, hht, rht, gt] = [slot(op, zr, t, 2 * B * U), reads.state(t, prev(op, h, t - 1, B * U, h0)), slot(op, hhPre, t, B * U), slot(op, rh, t, B * U), slot(op, gates, t, 2 * B * U)];
      products.add(hPrev, recurrentZR.ptr(op), zrt, B, 2 * U, U, 0);
      k.gruGatesForward(zrt, hPrev, gt, rht, B, U, recAct.act, recAct.alpha);
      products.add(rht, recurrentH.ptr(op), hht, B, U, U, 0);
      k.gruOutputForward(hht, gt, hPrev, maskAt(op, mask, t, B), slot(op, hh, t, B * U), slot(op, h, t, B * U), B, U, act.act, act.alpha);
    }
  }
  if (recording()) {
    const inputs = [x, kernelZR, kernelH, recurrentZR, recurrentH, ...(biasZR && biasH ? [biasZR, biasH] : []), h0];
    const hasBias = biasZR !== null && biasH !== null;
    const at = { x: 0, kernelZR: 1, kernelH: 2, recurrentZR: 3, recurrentH: 4, biasZR: hasBias ? 5 : -1, biasH: hasBias ? 6 : -1, h0: hasBias ? 7 : 5 };
    const [hasMask, hasDrop] = [mask !== null, dropMask !== null];
    record(inputs, [h], [x, kernelZR, kernelH, recurrentZR, recurrentH, h0, zr, hhPre, gates, rh, hh, h, ...extras(mask, reads)], ([dh], s, needs, into) => {
      const [x, kernelZR, kernelH, recurrentZR, recurrentH, h0, zr, hhPre, gates, rh, hh, h, ...rest] = s;
      const [mask, reads] = fromExtras(op, rest, hasMask, hasDrop, B * U);
      const walk = new BackThroughTime(op, reads, dh, B, U);
      const drh = empty(op, [B, U], 'float32');
      const dzr = empty(op, [T, B, 2 * U], 'float32');
      const dhh = empty(op, [T, B, U], 'float32');
      if (B * U > 0) {
        for (let t = T - 1; t >= 0; t--) {
          const hPrev = reads.dropped ? slot(op, reads.dropped, t, B * U) : prev(op, h, t - 1, B * U, h0);
          const read = walk.target(t);
          const [gt, zrt, mt] = [slot(op, gates, t, 2 * B * U), slot(op, zr, t, 2 * B * U), maskAt(op, mask, t, B)];
          const [dzrt, dhht] = [slot(op, dzr, t, 2 * B * U), slot(op, dhh, t, B * U)];
          k.gruOutputBackward(slot(op, hhPre, t, B * U), slot(op, hh, t, B * U), gt, hPrev, mt, walk.at(t), dhht, dzrt, read, B, U, act.act, act.alpha);
          k.matmul(dhht, recurrentH.ptr(op), drh.ptr(op), B, U, U, 0, 1, 0, backend.scratch);
          k.gruGatesBackward(zrt, gt, hPrev, drh.ptr(op), mt, dzrt, read, B, U, recAct.act, recAct.alpha);
          walk.addProduct(t, read, dzrt, recurrentZR, 2 * U);
        }
      } else {
        k.fill(dzr.ptr(op), dzr.size, 0);
        k.fill(dhh.ptr(op), dhh.size, 0);
      }
      const grads: Array<Tensor | null> = inputs.map(() => null);
      if (needs[at.kernelZR]) grads[at.kernelZR] = kernelGradient(op, x, dzr, into, at.kernelZR);
      if (needs[at.kernelH]) grads[at.kernelH] = kernelGradient(op, x, dhh, into, at.kernelH);
      if (needs[at.recurrentZR]) grads[at.recurrentZR] = reads.recurrentGradient(h0, h, dzr, into, at.recurrentZR, 2 * U);
      if (needs[at.recurrentH]) grads[at.recurrentH] = kernelGradient(op, rh, dhh, into, at.recurrentH); // Σₜ (r·h)ᵀ·dhh
      if (hasBias && needs[at.biasZR]) grads[at.biasZR] = biasGradient(op, dzr, into, at.biasZR);
      if (hasBias && needs[at.biasH]) grads[at.biasH] = biasGradient(op, dhh, into, at.biasH);
      if (needs[at.x]) {
        const dx = empty(op, x.shape.slice(), 'float32');
        inputGradient(op, dzr, kernelZR, dx, 0);
        inputGradient(op, dhh, kernelH, dx, 1);
        grads[at.x] = dx;
      }
      grads[at.h0] = walk.finish(needs[at.h0]);
      for (const t of [drh, dzr, dhh]) t.dispose();
      return grads;
    }, op);
  }
  for (const t of [zr, hhPre, gates, rh, hh]) t.dispose();
  reads.dispose();
  products.dispose();
  return h;
}

// ---- TF.js's public single-step cells, composed of ops ----

/** Throws unless t is [rows, cols] (either may be left undefined to take any size). */
function checkMatrix(name: string, arg: string, t: Tensor, rows?: number, cols?: number): void {
  if (t.rank !== 2 || (rows !== undefined && t.shape[0] !== rows) || (cols !== undefined && t.shape[1] !== cols)) {
    throw new Error(`${name}: ${arg} must have shape [${rows ?? 'rows'}, ${cols ?? 'cols'}], got [${t.shape.join(', ')}]`);
  }
}

/**
 * One step of TF.js's basic LSTM cell: gates i | j | f | o of [data, h]·lstmKernel + lstmBias; returns
 * [newC, newH] with newC = sigmoid(i)·tanh(j) + c·sigmoid(forgetBias + f), newH = tanh(newC)·sigmoid(o).
 * @example const [c, h] = tf.basicLSTMCell(1, tf.randomNormal([6, 8]), tf.zeros([8]), tf.ones([1, 4]), tf.zeros([1, 2]), tf.zeros([1, 2]));
 */
export const basicLSTMCell = op((forgetBias: Tensor | TensorLike, lstmKernel: Tensor | TensorLike, lstmBias: Tensor | TensorLike, data: Tensor | TensorLike, c: Tensor | TensorLike, h: Tensor | TensorLike): [Tensor, Tensor] => {
  const name = 'basicLSTMCell';
  const [fb, kernel, bias, x, c0, h0] = [forgetBias, lstmKernel, lstmBias, data, c, h].map((t, i) => convert(name, ['forgetBias', 'lstmKernel', 'lstmBias', 'data', 'c', 'h'][i], t, 'float32'));
  checkMatrix(name, 'data', x);
  const [batch, features] = x.shape;
  checkMatrix(name, 'h', h0, batch);
  const units = h0.shape[1];
  checkMatrix(name, 'c', c0, batch, units);
  checkMatrix(name, 'lstmKernel', kernel, features + units, 4 * units);
  if (bias.rank !== 1 || bias.shape[0] !== 4 * units) throw new Error(`${name}: lstmBias must have shape [${4 * units}], got [${bias.shape.join(', ')}]`);
  if (fb.size !== 1) throw new Error(`${name}: forgetBias must be a scalar, got shape [${fb.shape.join(', ')}]`);
  const [i, j, f, o] = split(add(matMul(concat([x, h0], 1), kernel), bias), 4, 1);
  const newC = add(mul(sigmoid(i), tanh(j)), mul(c0, sigmoid(add(reshape(fb, []), f))));
  return [newC, mul(tanh(newC), sigmoid(o))];
});

/** A cell for multiRNNCell: (data, c, h) to [newC, newH], e.g. a basicLSTMCell with its weights bound. */
export type LSTMCellFunc = (data: Tensor, c: Tensor, h: Tensor) => [Tensor, Tensor];

/**
 * One step of stacked cells (TF.js's multiRNNCell): each cell's new h is the next one's data; returns every
 * cell's [newC], [newH].
 */
export const multiRNNCell = op((lstmCells: LSTMCellFunc[], data: Tensor | TensorLike, c: Array<Tensor | TensorLike>, h: Array<Tensor | TensorLike>): [Tensor[], Tensor[]] => {
  const name = 'multiRNNCell';
  if (!Array.isArray(lstmCells) || lstmCells.length === 0 || !lstmCells.every((f) => typeof f === 'function')) throw new Error(`${name}: lstmCells must be a non-empty array of functions (data, c, h) => [c, h], got ${describe(lstmCells)}`);
  for (const [arg, list] of [['c', c], ['h', h]] as const) {
    if (!Array.isArray(list) || list.length !== lstmCells.length) throw new Error(`${name}: ${arg} must be an array of ${lstmCells.length} tensors (one per cell), got ${describe(list)}`);
  }
  let input = convert(name, 'data', data, 'float32');
  const newC: Tensor[] = [];
  const newH: Tensor[] = [];
  lstmCells.forEach((cell, i) => {
    const [ci, hi] = cell(input, convert(name, `c[${i}]`, c[i], 'float32'), convert(name, `h[${i}]`, h[i], 'float32'));
    newC.push(ci);
    newH.push(hi);
    input = hi;
  });
  return [newC, newH];
});
