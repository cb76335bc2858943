// Tensor ops with TF.js's names and argument order: each validates, allocates its output and runs one or a
// few kernels of the active backend. Broadcasting covers what dense networks use: equal shapes, scalars and
// row vectors against matrices (not general numpy broadcasting of inner axes).

import { type Act, Act as A, BinOp, Bcast, UnOp } from './backend/kernels.js';
import { activeBackend } from './engine.js';
import { emptyTensor, type TensorLike, tensor } from './creation.js';
import { sizeOf, Tensor } from './tensor.js';
import { checkBool, checkInt, checkNumber, checkRank, checkTensor, describe } from './validate.js';

/** Runs fn on x as a Tensor, converting (and afterwards disposing) a TensorLike. */
function withTensor<T>(op: string, name: string, x: Tensor | TensorLike, fn: (t: Tensor) => T): T {
  if (x instanceof Tensor) {
    checkTensor(op, name, x, 'float32');
    return fn(x);
  }
  let t: Tensor;
  try {
    t = tensor(x);
  } catch (error) {
    throw new Error(`${op}: ${name} must be a Tensor or tensor-like values (${(error as Error).message})`);
  }
  try {
    return fn(t);
  } finally {
    t.dispose();
  }
}

/**
 * The product of two matrices, either of them transposed first.
 * @example tf.matMul(x, w) // [batch, in] x [in, out] -> [batch, out]
 */
export function matMul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  checkRank('matMul', 'a', a, 2);
  checkRank('matMul', 'b', b, 2);
  checkTensor('matMul', 'a', a, 'float32');
  checkTensor('matMul', 'b', b, 'float32');
  checkBool('matMul', 'transposeA', transposeA);
  checkBool('matMul', 'transposeB', transposeB);
  const [m, k] = transposeA ? [a.shape[1], a.shape[0]] : a.shape;
  const [kb, n] = transposeB ? [b.shape[1], b.shape[0]] : b.shape;
  if (k !== kb) {
    throw new Error(
      `matMul: inner dimensions must match, got a [${a.shape.join(', ')}]${transposeA ? 'ᵀ' : ''} and b [${b.shape.join(', ')}]${transposeB ? 'ᵀ' : ''} (${k} vs ${kb})`,
    );
  }
  const out = emptyTensor('matMul', [m, n]);
  const backend = activeBackend();
  if (m * n === 0) return out;
  if (k === 0) {
    backend.kernels.fill(out.ptr(), m * n, 0);
    return out;
  }
  backend.kernels.matmul(a.ptr(), b.ptr(), out.ptr(), m, n, k, +transposeA, +transposeB, 0, backend.scratch);
  return out;
}

/** numpy's broadcast shape of a and b; throws when they are incompatible. */
function broadcastShape(op: string, a: number[], b: number[]): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) throw new Error(`${op}: shapes [${a.join(', ')}] and [${b.join(', ')}] cannot be broadcast together`);
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** How operand x lays out against the broadcast output shape, or throws for unsupported broadcasts. */
function layout(op: string, name: string, x: Tensor, out: number[]): { mode: Bcast; rowLength: number } {
  if (x.size === sizeOf(out)) return { mode: Bcast.Full, rowLength: 0 };
  if (x.size === 1) return { mode: Bcast.Scalar, rowLength: 0 };
  const trimmed = x.shape.slice(x.shape.findIndex((d) => d !== 1));
  const trailing = out.slice(out.length - trimmed.length);
  if (trimmed.every((d, i) => d === trailing[i])) return { mode: Bcast.Row, rowLength: x.size };
  throw new Error(
    `${op}: ${name} of shape [${x.shape.join(', ')}] broadcasts along an inner axis of [${out.join(', ')}]; neurite broadcasts equal shapes, scalars and row vectors`,
  );
}

function binary(op: string, code: BinOp, a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor {
  return withTensor(op, 'a', a, (ta) =>
    withTensor(op, 'b', b, (tb) => {
      const shape = broadcastShape(op, ta.shape, tb.shape);
      const la = layout(op, 'a', ta, shape);
      const lb = layout(op, 'b', tb, shape);
      if (la.mode === Bcast.Row && lb.mode === Bcast.Row && la.rowLength !== lb.rowLength) {
        throw new Error(`${op}: a [${ta.shape.join(', ')}] and b [${tb.shape.join(', ')}] are row vectors of different lengths`);
      }
      const out = emptyTensor(op, shape);
      if (out.size === 0) return out;
      const n = la.rowLength || lb.rowLength || out.size;
      activeBackend().kernels.binary(code, ta.ptr(), la.mode, tb.ptr(), lb.mode, out.ptr(), out.size / n, n);
      return out;
    }),
  );
}

/** a + b, broadcasting scalars and row vectors. @example tf.add(x, bias) */
export const add = (a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor => binary('add', BinOp.Add, a, b);
/** a - b, broadcasting scalars and row vectors. */
export const sub = (a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor => binary('sub', BinOp.Sub, a, b);
/** a * b elementwise, broadcasting scalars and row vectors. */
export const mul = (a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor => binary('mul', BinOp.Mul, a, b);
/** a / b elementwise, broadcasting scalars and row vectors. */
export const div = (a: Tensor | TensorLike, b: Tensor | TensorLike): Tensor => binary('div', BinOp.Div, a, b);

function activation(op: string, act: Act, x: Tensor | TensorLike, alpha = 0): Tensor {
  return withTensor(op, 'x', x, (t) => {
    const out = emptyTensor(op, t.shape.slice());
    if (out.size > 0) activeBackend().kernels.activationForward(act, t.ptr(), out.ptr(), out.size, alpha);
    return out;
  });
}

/** max(x, 0). */
export const relu = (x: Tensor | TensorLike): Tensor => activation('relu', A.Relu, x);
/** 1 / (1 + exp(-x)). */
export const sigmoid = (x: Tensor | TensorLike): Tensor => activation('sigmoid', A.Sigmoid, x);
/** Hyperbolic tangent. */
export const tanh = (x: Tensor | TensorLike): Tensor => activation('tanh', A.Tanh, x);
/** x for x > 0, exp(x) - 1 otherwise. */
export const elu = (x: Tensor | TensorLike): Tensor => activation('elu', A.Elu, x, 1);
/** Scaled ELU with the published self-normalising constants. */
export const selu = (x: Tensor | TensorLike): Tensor => activation('selu', A.Selu, x);
/** log(1 + exp(x)), computed stably. */
export const softplus = (x: Tensor | TensorLike): Tensor => activation('softplus', A.Softplus, x);

/** x for x > 0, alpha * x otherwise (TF.js's default alpha is 0.2). */
export function leakyRelu(x: Tensor | TensorLike, alpha = 0.2): Tensor {
  checkNumber('leakyRelu', 'alpha', alpha);
  return activation('leakyRelu', A.LeakyRelu, x, alpha);
}

function unary(op: string, code: UnOp, x: Tensor | TensorLike): Tensor {
  return withTensor(op, 'x', x, (t) => {
    const out = emptyTensor(op, t.shape.slice());
    if (out.size > 0) activeBackend().kernels.unary(code, t.ptr(), out.ptr(), out.size);
    return out;
  });
}

/** e^x elementwise. */
export const exp = (x: Tensor | TensorLike): Tensor => unary('exp', UnOp.Exp, x);
/** Natural logarithm elementwise. */
export const log = (x: Tensor | TensorLike): Tensor => unary('log', UnOp.Log, x);
/** x² elementwise. */
export const square = (x: Tensor | TensorLike): Tensor => unary('square', UnOp.Square, x);
/** -x elementwise. */
export const neg = (x: Tensor | TensorLike): Tensor => unary('neg', UnOp.Neg, x);
/** |x| elementwise. */
export const abs = (x: Tensor | TensorLike): Tensor => unary('abs', UnOp.Abs, x);
/** √x elementwise. */
export const sqrt = (x: Tensor | TensorLike): Tensor => unary('sqrt', UnOp.Sqrt, x);

/** Softmax over the last axis, stable for any finite input. */
export function softmax(logits: Tensor | TensorLike, dim = -1): Tensor {
  return withTensor('softmax', 'logits', logits, (t) => {
    if (t.rank === 0) throw new Error('softmax: logits must have rank >= 1, got a scalar');
    if (dim !== -1 && dim !== t.rank - 1) throw new Error(`softmax: dim must be the last axis (-1 or ${t.rank - 1}), got ${describe(dim)}`);
    const out = emptyTensor('softmax', t.shape.slice());
    const n = t.shape[t.rank - 1];
    if (out.size > 0) activeBackend().kernels.softmaxForward(t.ptr(), out.ptr(), out.size / n, n);
    return out;
  });
}

/** The axes to reduce, normalised to ascending non-negative indices, or throws. */
function reductionAxes(op: string, x: Tensor, axis: number | number[] | undefined): number[] {
  if (axis === undefined || axis === null) return x.shape.map((_, i) => i);
  const list = Array.isArray(axis) ? axis : [axis];
  const axes = list.map((a) => {
    checkInt(op, 'axis', a, -x.rank, x.rank - 1);
    return a < 0 ? a + x.rank : a;
  });
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: axis must not repeat an axis, got ${describe(axis)}`);
  return axes.sort((p, q) => p - q);
}

/** Splits a shape around one axis into [outer, dim, inner] sizes. */
function around(shape: number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis], sizeOf(shape.slice(axis + 1))];
}

/**
 * Sums (op 'sum') or averages (op 'mean') x over the axes (all, when undefined); keeps the reduced axes as
 * size 1 when keepDims. Adjacent axes of the same kind merge (the layout is row-major), so each run of
 * reduced axes is one kernel pass, summed in f64 with the mean's 1/count applied before rounding to f32.
 */
function reduceSum(op: 'sum' | 'mean', x: Tensor, axis: number | number[] | undefined, keepDims: boolean): Tensor {
  const axes = reductionAxes(op, x, axis);
  const shape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const out = emptyTensor(op, keepDims ? shape : x.shape.filter((_, i) => !axes.includes(i)));
  if (out.size === 0) return out;
  const dims: number[] = [];
  const reduced: boolean[] = [];
  x.shape.forEach((d, i) => {
    const r = axes.includes(i);
    if (reduced.at(-1) === r) dims[dims.length - 1] *= d;
    else {
      dims.push(d);
      reduced.push(r);
    }
  });
  // Nothing to reduce (a scalar, or axis []): a trailing run of one copies x.
  if (!reduced.includes(true)) {
    dims.push(1);
    reduced.push(true);
  }
  const runs = dims.flatMap((_, i) => (reduced[i] ? [i] : []));
  const { kernels } = activeBackend();
  // Runs apart need f32 intermediates, one run at a time from the last. Each is scaled down by a power of two
  // no smaller than its run (exact), so it cannot overflow; the last pass scales back up.
  let source = x;
  let up = 1;
  for (let r = runs.length - 1; r >= 0; r--) {
    const [outer, dim, inner] = around(dims, runs[r]);
    const down = r > 0 ? 2 ** Math.ceil(Math.log2(Math.max(dim, 1))) : 1;
    const scale = r > 0 ? 1 / down : op === 'mean' ? up / (x.size / out.size) : up;
    up *= down;
    const target = r === 0 ? out : emptyTensor(op, [outer * inner]);
    const src = source.ptr();
    const dst = target.ptr();
    if (dim === 0) kernels.fill(dst, outer * inner, op === 'mean' ? NaN : 0);
    else if (inner === 1) kernels.rowSums(src, dst, outer, dim, scale);
    else for (let o = 0; o < outer; o++) kernels.biasGrad(src + o * dim * inner * 4, dst + o * inner * 4, dim, inner, 0, scale);
    if (source !== x) source.dispose();
    source = target;
    dims[runs[r]] = 1;
  }
  return out;
}

/**
 * The sum over `axis` (all axes when omitted).
 * @example tf.sum(x, 0) // column sums of a matrix
 */
export function sum(x: Tensor | TensorLike, axis?: number | number[], keepDims = false): Tensor {
  return withTensor('sum', 'x', x, (t) => reduceSum('sum', t, axis, keepDims));
}

/** The mean over `axis` (all axes when omitted), summed in f64 and scaled before rounding: no overflow. */
export function mean(x: Tensor | TensorLike, axis?: number | number[], keepDims = false): Tensor {
  return withTensor('mean', 'x', x, (t) => reduceSum('mean', t, axis, keepDims));
}

/** The index of the largest value along `axis` (TF.js's default axis is 0), as int32. */
export function argMax(x: Tensor | TensorLike, axis = 0): Tensor {
  return withTensor('argMax', 'x', x, (t) => {
    if (t.rank === 0) throw new Error('argMax: x must have rank >= 1, got a scalar');
    checkInt('argMax', 'axis', axis, -t.rank, t.rank - 1);
    const a = axis < 0 ? axis + t.rank : axis;
    const [outer, dim, inner] = around(t.shape, a);
    if (dim === 0) throw new Error(`argMax: axis ${a} of x [${t.shape.join(', ')}] is empty`);
    const out = emptyTensor('argMax', t.shape.filter((_, i) => i !== a), 'int32');
    if (out.size === 0) return out;
    const kernels = activeBackend().kernels;
    if (inner === 1) kernels.argMax(t.ptr(), out.ptr(), outer, dim, 1);
    else for (let o = 0; o < outer; o++) kernels.argMax(t.ptr() + o * dim * inner * 4, out.ptr() + o * inner * 4, dim, inner, 0);
    return out;
  });
}
