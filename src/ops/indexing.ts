// Indexing: rows picked by index (gather, gatherND) and put back (scatterND, tensorScatterUpdate,
// unsortedSegmentSum, and the gradients of both), oneHot, and the data-dependent async ops (whereAsync,
// booleanMaskAsync, setdiff1dAsync).
// Indices are read and checked here before a kernel runs, so an index out of range is an Error that names it.

import { DESC_BYTES, Scatter } from '../backend/kernels.js';
import { word } from '../backend/heap.js';
import { record, recording } from '../autodiff/tape.js';
import { activeBackend } from '../engine.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInt, checkNumber, describe } from '../validate.js';
import { cast } from './cast.js';
import { recordZeroGradient, zeros } from './creation.js';
import { checkDtype, convert, empty, kernels, op, parseAxes, type TensorLike } from './op.js';
import { reshape } from './shape.js';
import { checkDtypeName, fromValues } from './values.js';

type Operand = Tensor | TensorLike;

/** The geometry of rows by index: values [batch, outer, dim, inner], picked rows [batch, outer, count, inner]. */
interface Rows {
  batch: number;
  outer: number;
  dim: number;
  count: number;
  inner: number;
}

const product = (dims: readonly number[]) => dims.reduce((a, b) => a * b, 1);
const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** An index argument: an int32 Tensor, or values made into one. */
function indexTensor(op: string, name: string, x: unknown): Tensor {
  const t = convert(op, name, x, 'int32');
  checkDtype(op, name, t, 'int32');
  return t;
}

/** `flat` as coordinates of `shape`, for messages: [1, 2]. */
function coordinates(flat: number, shape: readonly number[]): string {
  const at = shape.map(() => 0);
  for (let i = shape.length - 1; i >= 0; i--) {
    at[i] = flat % shape[i];
    flat = Math.floor(flat / shape[i]);
  }
  return `[${at.join(', ')}]`;
}

/** Throws unless every value of indices is in [0, dim). */
function checkIndices(op: string, name: string, indices: Tensor, dim: number, what: string): void {
  const values = indices.dataSync();
  for (let i = 0; i < values.length; i++) {
    if (values[i] < 0 || values[i] >= dim) {
      throw new Error(`${op}: ${name}${coordinates(i, indices.shape)} = ${values[i]} is out of range for ${what} (expected 0 to ${dim - 1})`);
    }
  }
}

/**
 * Each index tuple (the last axis of indices, `tuple` long: coordinates into the leading axes of `shape`) as a
 * row number, row-major, in an int32 tensor of `count` values; throws naming a coordinate out of range.
 */
function rowNumbers(op: string, indices: Tensor, tuple: number, count: number, shape: readonly number[]): Tensor {
  const values = indices.dataSync();
  const rows = new Int32Array(count);
  for (let r = 0; r < count; r++) {
    let row = 0;
    for (let j = 0; j < tuple; j++) {
      const v = values[r * tuple + j];
      if (v < 0 || v >= shape[j]) {
        throw new Error(`${op}: indices${coordinates(r * tuple + j, indices.shape)} = ${v} is out of range for axis ${j} of shape ${shapeText(shape)} (expected 0 to ${shape[j] - 1})`);
      }
      row = row * shape[j] + v;
    }
    rows[r] = row;
  }
  return fromValues(op, 'indices', rows, [count], 'int32');
}

// ---- rows by index: the two kernels as ops, each the other's gradient ----

/** The rows of x at the indices, as a tensor of `shape`. Its gradient adds dy's rows back (rowsAdded). */
const rowsPicked = op((name: string, x: Tensor, indices: Tensor, rows: Rows, shape: number[]): Tensor => {
  const out = empty(name, shape, x.dtype);
  if (out.size > 0) {
    const [px, pi, po] = [x.ptr(name), indices.ptr(name), out.ptr(name)];
    kernels().gather(px, pi, po, rows.batch, rows.outer, rows.dim, rows.count, rows.inner);
  }
  if (recording()) {
    const from = x.shape;
    record([x, indices], [out], [indices], ([dy], [i], needs) => [needs[0] ? rowsAdded(name, dy, i, rows, from) : null, null]);
  }
  return out;
});

/**
 * Zeros of `shape` with the rows of `updates` added at the indices (a bool row is set: true wins), TF.js's
 * unsortedSegmentSum and scatterND. Its gradient picks dy's rows (rowsPicked).
 */
const rowsAdded = op((name: string, updates: Tensor, indices: Tensor, rows: Rows, shape: number[]): Tensor => {
  const out = empty(name, shape, updates.dtype);
  if (out.size > 0) {
    const [pu, pi, po] = updates.size > 0 ? [updates.ptr(name), indices.ptr(name), out.ptr(name)] : [0, 0, out.ptr(name)];
    // Zeroed by a kernel, not in JavaScript, so that a replayed training step (an embedding's gradient) zeroes it again.
    kernels().fill(po, out.size, 0);
    const mode = updates.dtype === 'float32' ? Scatter.Add : updates.dtype === 'int32' ? Scatter.AddInt : Scatter.Set;
    if (updates.size > 0) kernels().scatter(mode, pu, pi, po, rows.batch, rows.outer, rows.dim, rows.count, rows.inner);
  }
  if (recording()) {
    const from = updates.shape;
    record([updates, indices], [out], [indices], ([dy], [i], needs) => [needs[0] ? rowsPicked(name, dy, i, rows, from) : null, null]);
  }
  return out;
});

/**
 * A copy of base with the rows at the indices replaced by those of updates, the last of duplicates winning.
 * Its gradient: dy with those rows zeroed for base, dy's rows there for updates.
 */
const rowsReplaced = op((name: string, base: Tensor, updates: Tensor, indices: Tensor, rows: Rows): Tensor => {
  const out = empty(name, base.shape, base.dtype);
  if (out.size > 0) {
    const [pb, po] = [base.ptr(name), out.ptr(name)];
    const [pu, pi] = updates.size > 0 ? [updates.ptr(name), indices.ptr(name)] : [0, 0];
    kernels().cast(pb, 1, 1, po, out.size); // a copy of the 4-byte values by a kernel, which a replayed step repeats
    if (updates.size > 0) kernels().scatter(Scatter.Set, pu, pi, po, rows.batch, rows.outer, rows.dim, rows.count, rows.inner);
  }
  if (recording()) {
    const from = updates.shape;
    record([base, updates, indices], [out], [indices], ([dy], [i], needs) => [
      needs[0] ? rowsReplaced(name, dy, zeros(from, dy.dtype), i, rows) : null,
      needs[1] ? rowsPicked(name, dy, i, rows, from) : null,
      null,
    ]);
  }
  return out;
});

// ---- gather and scatter ----

/**
 * The slices of x along `axis` at the indices (int32, any shape): the result has shape
 * x.shape[:axis] + indices.shape[batchDims:] + x.shape[axis + 1:]. With batchDims, the leading axes of x and
 * indices are batch axes matched one to one.
 * @example tf.tensor1d([1, 2, 3, 4]).gather(tf.tensor1d([1, 3, 3], 'int32')).print();
 */
export const gather = op((x: Operand, indices: Operand, axis: number = 0, batchDims: number = 0): Tensor => {
  const $x = convert('gather', 'x', x);
  const $indices = indexTensor('gather', 'indices', indices);
  // null is TF.js's default, as undefined is.
  const [axisGiven, batchGiven] = [axis ?? 0, batchDims ?? 0];
  if (!Number.isInteger(axisGiven)) throw new Error(`gather: axis must be an integer, got ${describe(axis)}`);
  if ($x.rank === 0) throw new Error('gather: x must have rank >= 1, got a scalar');
  const [a] = parseAxes('gather', axisGiven, $x.rank);
  checkInt('gather', 'batchDims', batchGiven, -$indices.rank, $indices.rank);
  const batch = batchGiven < 0 ? batchGiven + $indices.rank : batchGiven;
  if (batch > a) throw new Error(`gather: batchDims (${batchGiven}) must not exceed axis (${a})`);
  for (let i = 0; i < batch; i++) {
    if ($x.shape[i] !== $indices.shape[i]) throw new Error(`gather: batch axis ${i} of x ${shapeText($x.shape)} and of indices ${shapeText($indices.shape)} must match (batchDims ${batchGiven})`);
  }
  checkIndices('gather', 'indices', $indices, $x.shape[a], `axis ${a} of x ${shapeText($x.shape)}`);
  const rows = {
    batch: product($x.shape.slice(0, batch)),
    outer: product($x.shape.slice(batch, a)),
    dim: $x.shape[a],
    count: product($indices.shape.slice(batch)),
    inner: product($x.shape.slice(a + 1)),
  };
  return rowsPicked('gather', $x, $indices, rows, [...$x.shape.slice(0, a), ...$indices.shape.slice(batch), ...$x.shape.slice(a + 1)]);
});

/**
 * The slices of x at index tuples: the last axis of indices holds coordinates into the leading axes of x, and
 * the result has shape indices.shape[:-1] + x.shape[indices.shape[-1]:].
 * @example tf.gatherND(tf.tensor2d([9, 10, 11, 12], [2, 2]), tf.tensor2d([0, 1, 1, 0], [2, 2], 'int32')).print();
 */
export const gatherND = op((x: Operand, indices: Operand): Tensor => {
  const $indices = indexTensor('gatherND', 'indices', indices);
  const $x = convert('gatherND', 'x', x);
  if ($x.rank === 0) throw new Error('gatherND: x must have rank >= 1, got a scalar');
  if ($indices.rank === 0) throw new Error('gatherND: indices must have rank >= 1, got a scalar');
  const tuple = $indices.shape[$indices.rank - 1];
  if (tuple > $x.rank) throw new Error(`gatherND: the last axis of indices ${shapeText($indices.shape)} may not be longer than the rank of x ${shapeText($x.shape)}`);
  if ($x.size === 0) throw new Error(`gatherND: x ${shapeText($x.shape)} is empty, so there is nothing to gather`);
  const count = product($indices.shape.slice(0, -1));
  const rows = { batch: 1, outer: 1, dim: product($x.shape.slice(0, tuple)), count, inner: product($x.shape.slice(tuple)) };
  const numbers = rowNumbers('gatherND', $indices, tuple, count, $x.shape);
  return rowsPicked('gatherND', $x, numbers, rows, [...$indices.shape.slice(0, -1), ...$x.shape.slice(tuple)]);
});

/**
 * scatterND's and tensorScatterUpdate's checks (TF.js's): updates.shape = indices.shape[:-1] + shape[tuple:]
 * for rank-2+ indices (rank-1 indices hold one coordinate each), `shape` being the argument `target`'s. The
 * rows the updates go to.
 */
function scatterRows(op: string, indices: Tensor, updates: Tensor, shape: number[], target: string): { numbers: Tensor; rows: Rows } {
  if (indices.rank === 0) throw new Error(`${op}: indices must have rank >= 1, got a scalar`);
  if (updates.rank === 0) throw new Error(`${op}: updates must have rank >= 1, got a scalar`);
  if (shape.length === 0) throw new Error(`${op}: ${target} must have rank >= 1, got a scalar`);
  const tuple = indices.rank > 1 ? indices.shape[indices.rank - 1] : 1;
  const lead = indices.rank > 1 ? indices.shape.slice(0, -1) : indices.shape;
  const expected = [...lead, ...shape.slice(tuple)];
  if (tuple > shape.length || updates.rank !== expected.length || updates.shape.some((d, i) => d !== expected[i])) {
    throw new Error(`${op}: updates must have shape indices.shape[:-1] + shape[${tuple}:] = ${shapeText(expected)} for indices ${shapeText(indices.shape)} into ${shapeText(shape)}, got ${shapeText(updates.shape)}`);
  }
  const count = product(lead);
  const rows = { batch: 1, outer: 1, dim: product(shape.slice(0, tuple)), count, inner: product(shape.slice(tuple)) };
  return { numbers: rowNumbers(op, indices, tuple, count, shape), rows };
}

/**
 * Zeros of `shape` with the updates added at the index tuples (duplicates add up): the inverse of gatherND.
 * @example tf.scatterND(tf.tensor2d([4, 3, 1, 7], [4, 1], 'int32'), tf.tensor1d([9, 10, 11, 12]), [8]).print();
 */
export const scatterND = op((indices: Operand, updates: Operand, shape: number[]): Tensor => {
  if (!Array.isArray(shape) || Array.from(shape).some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`scatterND: shape must be an array of non-negative integers, got ${describe(shape)}`);
  }
  const $indices = indexTensor('scatterND', 'indices', indices);
  const $updates = convert('scatterND', 'updates', updates);
  const { numbers, rows } = scatterRows('scatterND', $indices, $updates, shape, 'shape');
  return rowsAdded('scatterND', $updates, numbers, rows, shape.slice());
});

/**
 * A copy of tensor with the slices at the index tuples replaced by the updates (the last of duplicates wins).
 * @example tf.tensorScatterUpdate(tf.ones([8]), tf.tensor2d([4, 3, 1, 7], [4, 1], 'int32'), tf.tensor1d([9, 10, 11, 12])).print();
 */
export const tensorScatterUpdate = op((tensor: Operand, indices: Operand, updates: Operand): Tensor => {
  const $tensor = convert('tensorScatterUpdate', 'tensor', tensor);
  const $indices = indexTensor('tensorScatterUpdate', 'indices', indices);
  const $updates = convert('tensorScatterUpdate', 'updates', updates);
  const { numbers, rows } = scatterRows('tensorScatterUpdate', $indices, $updates, $tensor.shape, 'tensor');
  if ($updates.dtype !== $tensor.dtype) throw new Error(`tensorScatterUpdate: updates have dtype ${$updates.dtype}, but tensor has ${$tensor.dtype}`);
  return rowsReplaced('tensorScatterUpdate', $tensor, $updates, numbers, rows);
});

/**
 * The rows of x (along its first axis) summed by segment: row i of the result is the sum of the rows of x whose
 * segment id is i, zeros where there are none. segmentIds (int32, one per row of x) must be below numSegments;
 * a negative id drops its row, as in TensorFlow. int32 and bool sum to int32, as tf.sum does.
 * @example tf.tensor1d([1, 2, 3, 4]).unsortedSegmentSum(tf.tensor1d([1, 2, 0, 1], 'int32'), 3).print();
 */
export const unsortedSegmentSum = op((x: Operand, segmentIds: Operand, numSegments: number): Tensor => {
  let $x = convert('unsortedSegmentSum', 'x', x);
  let $ids = indexTensor('unsortedSegmentSum', 'segmentIds', segmentIds);
  checkInt('unsortedSegmentSum', 'numSegments', numSegments, 0, 2 ** 31 - 1);
  if ($x.rank === 0) throw new Error('unsortedSegmentSum: x must have rank >= 1, got a scalar');
  if ($ids.rank !== 1 || $ids.size !== $x.shape[0]) {
    throw new Error(`unsortedSegmentSum: segmentIds must be a vector of one id per row of x (${$x.shape[0]}), got shape ${shapeText($ids.shape)}`);
  }
  const ids = $ids.dataSync();
  const above = ids.findIndex((id) => id >= numSegments);
  if (above >= 0) throw new Error(`unsortedSegmentSum: segmentIds[${above}] = ${ids[above]} is out of range for numSegments ${numSegments} (expected below it, or negative to drop the row)`);
  if (ids.some((id) => id < 0)) {
    const kept = Int32Array.from(ids.keys()).filter((i) => ids[i] >= 0);
    $x = gather($x, fromValues('unsortedSegmentSum', 'segmentIds', kept, [kept.length], 'int32'));
    $ids = fromValues('unsortedSegmentSum', 'segmentIds', kept.map((i) => ids[i]), [kept.length], 'int32');
  }
  if ($x.dtype === 'bool') $x = cast($x, 'int32');
  const rows = { batch: 1, outer: 1, dim: numSegments, count: $ids.size, inner: product($x.shape.slice(1)) };
  return rowsAdded('unsortedSegmentSum', $x, $ids, rows, [numSegments, ...$x.shape.slice(1)]);
});

// ---- one-hot ----

/** A value's 4 bytes as an int32, as a tensor of `dtype` stores it. */
function bitsOf(value: number, dtype: DType): number {
  if (dtype === 'float32') return new Int32Array(Float32Array.of(value).buffer)[0];
  return dtype === 'int32' ? Math.trunc(value) | 0 : +(value !== 0);
}

/**
 * A new last axis of size depth: onValue at each index, offValue elsewhere (everywhere for an index outside
 * [0, depth), as TF.js does).
 * @example tf.oneHot(tf.tensor1d([0, 1], 'int32'), 3).print();
 */
export const oneHot = op((indices: Operand, depth: number, onValue: number = 1, offValue: number = 0, dtype: DType = 'int32'): Tensor => {
  checkInt('oneHot', 'depth', depth, 2);
  checkNumber('oneHot', 'onValue', onValue);
  checkNumber('oneHot', 'offValue', offValue);
  checkDtypeName('oneHot', dtype);
  const $indices = indexTensor('oneHot', 'indices', indices);
  const out = empty('oneHot', [...$indices.shape, depth], dtype);
  if (out.size > 0) {
    const [pi, po] = [$indices.ptr('oneHot'), out.ptr('oneHot')];
    kernels().oneHot(pi, po, $indices.size, depth, bitsOf(onValue, dtype), bitsOf(offValue, dtype));
  }
  recordZeroGradient([$indices], out);
  return out;
});

// ---- data-dependent shapes (async, as in TF.js) ----

/** The coordinates of condition's true values, an int32 [count, rank]. */
const trueCoordinates = op((condition: Operand): Tensor => {
  const $condition = convert('whereAsync', 'condition', condition, 'bool');
  checkDtype('whereAsync', 'condition', $condition, 'bool');
  if ($condition.rank + 1 > DESC_BYTES / 4) throw new Error(`whereAsync: condition has rank ${$condition.rank}, more than ${DESC_BYTES / 4 - 1} axes`);
  const k = kernels();
  const count = $condition.size === 0 ? 0 : k.countNonzero($condition.ptr('whereAsync'), $condition.size);
  const out = empty('whereAsync', [count, $condition.rank], 'int32');
  if (out.size > 0) {
    const [pc, po] = [$condition.ptr('whereAsync'), out.ptr('whereAsync')];
    const backend = activeBackend();
    backend.heap.i32.set([$condition.rank, ...$condition.shape], word(backend.desc));
    k.nonzeroCoords(pc, po, backend.desc);
  }
  return out;
});

/**
 * The coordinates of condition's true values, row-major: an int32 tensor of shape [count, rank].
 * @example const result = await tf.whereAsync(tf.tensor1d([false, false, true], 'bool')); result.print();
 */
export async function whereAsync(condition: Operand): Promise<Tensor> {
  return trueCoordinates(condition);
}

const maskedValues = op((tensor: Operand, mask: Operand, axis?: number | null): Tensor => {
  const $tensor = convert('booleanMaskAsync', 'tensor', tensor);
  const $mask = convert('booleanMaskAsync', 'mask', mask, 'bool');
  checkDtype('booleanMaskAsync', 'mask', $mask, 'bool');
  if ($mask.rank === 0) throw new Error('booleanMaskAsync: mask must have rank >= 1, got a scalar');
  const from = axis === undefined || axis === null ? 0 : axis;
  checkInt('booleanMaskAsync', 'axis', from, 0, Math.max(0, $tensor.rank - $mask.rank));
  const covered = $tensor.shape.slice(from, from + $mask.rank);
  if (covered.length !== $mask.rank || covered.some((d, i) => d !== $mask.shape[i])) {
    throw new Error(`booleanMaskAsync: mask ${shapeText($mask.shape)} must match the axes of tensor ${shapeText($tensor.shape)} from axis ${from}`);
  }
  const flat = reshape($tensor, [...$tensor.shape.slice(0, from), product(covered), ...$tensor.shape.slice(from + $mask.rank)]);
  const positions = reshape(trueCoordinates(reshape($mask, [-1])), [-1]);
  return gather(flat, positions, from);
});

/**
 * The slices of tensor where mask (bool, matching tensor's axes from `axis`, 0 by default) is true, the masked
 * axes flattened into one.
 * @example const result = await tf.booleanMaskAsync(tf.tensor2d([1, 2, 3, 4, 5, 6], [3, 2]), tf.tensor1d([1, 0, 1], 'bool')); result.print();
 */
export async function booleanMaskAsync(tensor: Operand, mask: Operand, axis?: number | null): Promise<Tensor> {
  return maskedValues(tensor, mask, axis);
}

const difference = op((x: Operand, y: Operand): Tensor[] => {
  const $x = convert('setdiff1dAsync', 'x', x);
  const $y = convert('setdiff1dAsync', 'y', y);
  if ($x.dtype !== $y.dtype) throw new Error(`setdiff1dAsync: x and y must have the same dtype, got x ${$x.dtype} and y ${$y.dtype}`);
  if ($x.rank !== 1) throw new Error(`setdiff1dAsync: x must have rank 1, got shape ${shapeText($x.shape)}`);
  if ($y.rank !== 1) throw new Error(`setdiff1dAsync: y must have rank 1, got shape ${shapeText($y.shape)}`);
  const values = $x.dataSync();
  const drop = new Set($y.dataSync());
  const kept: number[] = [];
  values.forEach((v, i) => {
    if (!drop.has(v)) kept.push(i);
  });
  const indices = fromValues('setdiff1dAsync', 'indices', Int32Array.from(kept), [kept.length], 'int32');
  return [gather($x, indices), indices];
});

/**
 * The values of x that are not in y, in x's order (duplicates kept), and their positions in x.
 * @example const [out, indices] = await tf.setdiff1dAsync([1, 2, 3, 4, 5, 6], [1, 3, 5]); out.print(); indices.print();
 */
export async function setdiff1dAsync(x: Operand, y: Operand): Promise<[Tensor, Tensor]> {
  const [out, indices] = difference(x, y);
  return [out, indices];
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    gather(indices: Operand, axis?: number, batchDims?: number): Tensor;
    oneHot(depth: number, onValue?: number, offValue?: number): Tensor;
    unsortedSegmentSum(segmentIds: Operand, numSegments: number): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  gather(this: Tensor, indices: Operand, axis?: number, batchDims?: number) {
    return gather(this, indices, axis, batchDims);
  },
  oneHot(this: Tensor, depth: number, onValue?: number, offValue?: number) {
    return oneHot(this, depth, onValue, offValue);
  },
  unsortedSegmentSum(this: Tensor, segmentIds: Operand, numSegments: number) {
    return unsortedSegmentSum(this, segmentIds, numSegments);
  },
});
