// Batch normalization. TF.js's tf.batchNorm (and batchNorm2d/3d/4d, which check ranks first) normalizes x by a
// mean and variance it is given: (x - mean)·scale / sqrt(variance + varianceEpsilon) + offset, each operand of
// x's shape or one that broadcasts to it, most often [channels] (x's last axis). Operands over the channels run
// the forward kernel of assembly/normalization.ts, other broadcasts compose the elementwise ops; the gradients
// are composed of ops either way (so they can be differentiated again). The layers' training normalization
// (normalizeBatch) takes the mean and variance of channels-last x itself, over every axis but the channels, by
// the fused kernels: the statistics (one pass, in f64), the normalization, the gradient through both (two).

import { record, recording } from '../autodiff/tape.js';
import { Tensor } from '../tensor/tensor.js';
import { checkNumber, checkRank, describe } from '../validate.js';
import { add, mul, sub, sumTo } from './arithmetic.js';
import { broadcastShapes, checkDtype, convert, empty, kernels, op, type TensorLike } from './op.js';
import { broadcastTo, reshape } from './shape.js';
import { neg, rsqrt, square } from './unary.js';

type Operand = Tensor | TensorLike;
type Role = 'x' | 'mean' | 'variance' | 'offset' | 'scale';

/** A float32 operand (tensor-like values parse as float32), or null for an optional one not given. */
function floats(name: string, arg: string, value: unknown, optional = false): Tensor | null {
  if (optional && (value === undefined || value === null)) return null;
  const t = convert(name, arg, value, 'float32');
  checkDtype(name, arg, t, 'float32');
  return t;
}

/** Throws unless t broadcasts to x's shape without growing it (leading axes of size 1 beyond x's rank aside). */
function checkBroadcast(name: string, arg: string, t: Tensor, x: Tensor): void {
  const shape = broadcastShapes(name, x.shape, t.shape);
  const extra = shape.length - x.rank;
  if (shape.some((d, i) => (i < extra ? d !== 1 : d !== x.shape[i - extra]))) {
    throw new Error(`${name}: ${arg} of shape [${t.shape.join(', ')}] does not broadcast to x's shape [${x.shape.join(', ')}]`);
  }
}

/** The arguments of every batchNorm: converted, ranks checked (`rank`: the rank-specific variant's), broadcasts checked. */
function normalize(name: string, rank: number | null, x: unknown, mean: unknown, variance: unknown, offset: unknown, scale: unknown, varianceEpsilon: unknown): Tensor {
  const $x = floats(name, 'x', x)!;
  const operands: Record<Exclude<Role, 'x'>, Tensor | null> = {
    mean: floats(name, 'mean', mean),
    variance: floats(name, 'variance', variance),
    offset: floats(name, 'offset', offset, true),
    scale: floats(name, 'scale', scale, true),
  };
  const epsilon = varianceEpsilon ?? 0.001;
  checkNumber(name, 'varianceEpsilon', epsilon);
  if (epsilon < 0) throw new Error(`${name}: varianceEpsilon must be >= 0, got ${describe(epsilon)}`);
  if (rank !== null) {
    checkRank(name, 'x', $x, rank);
    for (const [arg, t] of Object.entries(operands)) if (t) checkRank(name, arg, t, rank, 1);
  }
  const $mean = operands.mean!;
  for (const [arg, t] of Object.entries(operands)) {
    if (!t) continue;
    if (t.rank !== $mean.rank) throw new Error(`${name}: mean and ${arg} must have the same rank, got shapes [${$mean.shape.join(', ')}] and [${t.shape.join(', ')}]`);
    checkBroadcast(name, arg, t, $x);
  }
  const { variance: $variance, offset: $offset, scale: $scale } = operands;
  const channels = $x.shape[$x.rank - 1];
  const given = Object.values(operands).filter((t): t is Tensor => t !== null);
  if ($x.rank > 0 && given.every((t) => t.size === 1 || (t.size === channels && t.shape[t.rank - 1] === channels))) {
    const vector = (t: Tensor | null) => (t === null ? null : t.size === channels ? reshape(t, [channels]) : broadcastTo(reshape(t, [1]), [channels]));
    return normalizeChannels($x, vector($mean)!, vector($variance)!, vector($offset), vector($scale), epsilon);
  }
  let y = mul(sub($x, $mean), rsqrt(add($variance!, epsilon)));
  if ($scale) y = mul(y, $scale);
  if ($offset) y = add(y, $offset);
  return y.rank === $x.rank ? y : reshape(y, $x.shape);
}

/** Floats of scratch the kernels need per channel: batchNormBackward's 2 f64 and 3 f32 (the most). */
const SCRATCH_PER_CHANNEL = 7;

/** A scratch tensor for the kernels over `channels`; the caller disposes it. */
const scratchFor = (name: string, channels: number) => empty(name, [SCRATCH_PER_CHANNEL * channels], 'float32');

/**
 * batchNorm of x (channels last) by [channels] vectors, by the forward kernel; its gradient composed of ops,
 * as TF.js's: dx = dy·k (k = scale / sqrt(variance + ε)), dmean = -Σdy·k, dvariance = -½·k/(variance + ε)·Σdy·(x -
 * mean), dscale = Σdy·(x - mean)/sqrt(variance + ε), doffset = Σdy, the sums over every axis but the channels.
 */
function normalizeChannels(x: Tensor, mean: Tensor, variance: Tensor, offset: Tensor | null, scale: Tensor | null, epsilon: number): Tensor {
  const channels = mean.size;
  const y = empty('batchNorm', x.shape.slice(), 'float32');
  if (y.size > 0) {
    const scratch = scratchFor('batchNorm', channels);
    const [px, pm, pv, pg, pb, py, ps] = [x, mean, variance, scale, offset, y, scratch].map((t) => t?.ptr('batchNorm') ?? 0);
    kernels().batchNormForward(px, pm, pv, pg, pb, py, x.size / channels, channels, epsilon, ps);
    scratch.dispose();
  }
  if (recording()) {
    const roles: Record<Role, Tensor | null> = { x, mean, variance, offset, scale };
    const present = (Object.keys(roles) as Role[]).filter((r) => roles[r] !== null);
    record(present.map((r) => roles[r]!), [y], scale ? [x, mean, variance, scale] : [x, mean, variance], ([dy], [sx, sm, sv, ss], needs) => {
      const perChannel = (t: Tensor) => sumTo(t, [channels]);
      const invstd = rsqrt(add(sv, epsilon));
      const k = ss ? mul(ss, invstd) : invstd;
      const wants = (r: Role) => needs[present.indexOf(r)] === true;
      const dyCentred = wants('variance') || wants('scale') ? perChannel(mul(dy, sub(sx, sm))) : null;
      const grads: Record<Role, () => Tensor> = {
        x: () => mul(dy, k),
        mean: () => neg(mul(perChannel(dy), k)),
        variance: () => mul(dyCentred!, mul(k, mul(square(invstd), -0.5))),
        offset: () => perChannel(dy),
        scale: () => mul(dyCentred!, invstd),
      };
      return present.map((r, i) => (needs[i] ? grads[r]() : null));
    });
  }
  return y;
}

/**
 * Batch normalization of x by a mean and variance: (x - mean)·scale / sqrt(variance + varianceEpsilon) + offset.
 * mean, variance, offset and scale have x's shape or one that broadcasts to it (usually [channels], x's last
 * axis), all of one rank; offset and scale may be left out. Gradients for every operand.
 * @example tf.batchNorm(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([2, 3]), tf.tensor1d([1, 1])).print();
 */
export const batchNorm = op(
  (x: Operand, mean: Operand, variance: Operand, offset?: Operand | null, scale?: Operand | null, varianceEpsilon?: number): Tensor =>
    normalize('batchNorm', null, x, mean, variance, offset, scale, varianceEpsilon),
);

/** batchNorm of x of rank `rank`, whose other operands have that rank or 1 (TF.js's batchNorm2d/3d/4d). */
const ranked = (rank: number) =>
  op((x: Operand, mean: Operand, variance: Operand, offset?: Operand | null, scale?: Operand | null, varianceEpsilon?: number): Tensor =>
    normalize(`batchNorm${rank}d`, rank, x, mean, variance, offset, scale, varianceEpsilon),
  );

/**
 * batchNorm of x of rank 2; the other operands have rank 2 or 1.
 * @example tf.batchNorm2d(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor1d([2, 3]), tf.tensor1d([1, 1])).print();
 */
export const batchNorm2d = ranked(2);
/** batchNorm of x of rank 3; the other operands have rank 3 or 1. */
export const batchNorm3d = ranked(3);
/** batchNorm of x of rank 4; the other operands have rank 4 or 1. */
export const batchNorm4d = ranked(4);

/**
 * @internal Training-mode batch normalization of channels-last x (rank >= 1): the mean and biased variance of
 * each channel over every other axis (TF.js's moments, summed in f64), x normalized by them, scaled by gamma
 * and shifted by beta ([channels] each, or null). One node on the tape, whose gradient (the fused backward
 * kernel) runs through the statistics too. The statistics are returned for the moving averages: off the tape.
 */
export function normalizeBatch(x: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const name = 'batchNormalization';
  const channels = x.shape[x.rank - 1];
  const rows = channels > 0 ? x.size / channels : 0;
  const [y, mean, variance] = [empty(name, x.shape.slice(), 'float32'), empty(name, [channels], 'float32'), empty(name, [channels], 'float32')];
  if (channels > 0) {
    const scratch = scratchFor(name, channels);
    const [px, pm, pv, pg, pb, py, ps] = [x, mean, variance, gamma, beta, y, scratch].map((t) => t?.ptr(name) ?? 0);
    const k = kernels();
    k.batchNormStats(px, pm, pv, ps, rows, channels, channels);
    k.batchNormForward(px, pm, pv, pg, pb, py, rows, channels, epsilon, ps);
    scratch.dispose();
  }
  if (recording()) {
    const inputs = [x, gamma, beta].filter((t): t is Tensor => t !== null);
    record(inputs, [y], gamma ? [x, mean, variance, gamma] : [x, mean, variance], ([dy], [sx, sm, sv, sg], needs) => {
      const [dx, dgamma, dbeta] = [
        needs[0] ? empty(name, x.shape.slice(), 'float32') : null,
        gamma && needs[inputs.indexOf(gamma)] ? empty(name, [channels], 'float32') : null,
        beta && needs[inputs.indexOf(beta)] ? empty(name, [channels], 'float32') : null,
      ];
      if (channels > 0) {
        const scratch = scratchFor(name, channels);
        const [px, pdy, pm, pv, pg, pdx, pdg, pdb, ps] = [sx, dy, sm, sv, sg, dx, dgamma, dbeta, scratch].map((t) => t?.ptr(name) ?? 0);
        kernels().batchNormBackward(px, pdy, pm, pv, pg, pdx, pdg, pdb, rows, channels, channels, epsilon, ps);
        scratch.dispose();
      }
      return [dx, ...(gamma ? [dgamma] : []), ...(beta ? [dbeta] : [])];
    }, 'batchNormalization');
  }
  return { y, mean, variance };
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    batchNorm(mean: Operand, variance: Operand, offset?: Operand | null, scale?: Operand | null, varianceEpsilon?: number): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  batchNorm(this: Tensor, ...args: Parameters<Tensor['batchNorm']>) {
    return batchNorm(this, ...args);
  },
});
