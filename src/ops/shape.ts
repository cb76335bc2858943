// Shape and layout ops over any rank and dtype. Views share the values (reshape, expandDims, squeeze); the rest
// move them with one strided copy (kernels().copyStrided): re-layouts (transpose, broadcastTo, tile, reverse),
// cuts (slice, stridedSlice, split, unstack), joins (concat, stack), padding (pad, mirrorPad), and the block
// moves built from those (spaceToBatchND, batchToSpaceND, depthToSpace, meshgrid). Every gradient is made of
// these ops again, so gradients of gradients work.

import type { Ptr } from '../backend/kernels.js';
import { word } from '../backend/heap.js';
import { record, recording } from '../autodiff/tape.js';
import { activeBackend } from '../engine.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInt, checkOptions, describe, is } from '../validate.js';
import { add, sumTo } from './arithmetic.js';
import { cast, clone } from './cast.js';
import { broadcastStrides, convert, describeStrides, empty, kernels, MAX_DESC_RANK, op, parseAxes, stridesOf, view, type TensorLike } from './op.js';
import { sum } from './reduce.js';

type Operand = Tensor | TensorLike;
type Pair = [number, number];

// ---- argument checks ----

/** `value` as a list of integers >= min (begin, size, perm, reps...); throws naming the op and the argument. */
function intList(op: string, name: string, value: unknown, min = 0): number[] {
  if (!Array.isArray(value)) throw new Error(`${op}: ${name} must be an array of integers, got ${describe(value)}`);
  return Array.from(value, (v: unknown, i) => {
    if (!Number.isInteger(v) || (v as number) < min) {
      throw new Error(`${op}: ${name}[${i}] must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got ${describe(v)}`);
    }
    return v as number;
  });
}

/** `count` [before, after] pairs of integers >= 0 (paddings, crops). */
function pairList(op: string, name: string, value: unknown, count: number): Pair[] {
  if (!Array.isArray(value) || value.length !== count) throw new Error(`${op}: ${name} must be an array of ${count} [before, after] pairs, got ${describe(value)}`);
  return Array.from(value, (p: unknown, i) => {
    const pair = intList(op, `${name}[${i}]`, p);
    if (pair.length !== 2) throw new Error(`${op}: ${name}[${i}] must be a [before, after] pair, got ${describe(p)}`);
    return pair as Pair;
  });
}

/**
 * One axis of the rank-`rank` tensor `name` (negative counts from the end; null or undefined is TF.js's
 * default, 0), as an index in [0, rank).
 */
function oneAxis(op: string, axis: unknown, rank: number, name = 'x'): number {
  const a = axis ?? 0;
  if (!Number.isInteger(a)) throw new Error(`${op}: axis must be an integer, got ${describe(axis)}`);
  if (rank === 0) throw new Error(`${op}: ${name} is a scalar, which has no axis ${a}`);
  return parseAxes(op, a, rank)[0];
}

/**
 * Where a new axis goes among `rank` axes (expandDims, stack): an index in [0, rank], negative from the end
 * (null or undefined: 0).
 */
function newAxis(op: string, axis: unknown, rank: number): number {
  const a = axis ?? 0;
  if (!Number.isInteger(a) || (a as number) < -rank - 1 || (a as number) > rank) {
    throw new Error(`${op}: axis must be an integer in [${-rank - 1}, ${rank}] for a new axis among ${rank}, got ${describe(axis)}`);
  }
  return (a as number) < 0 ? (a as number) + rank + 1 : (a as number);
}

/** An op's form for x of one rank (slice2d, pad3d...): its body, named `name` in messages, on a checked x. */
function ranked<A extends unknown[]>(name: string, rank: number, body: (name: string, x: Tensor, ...args: A) => Tensor): (x: Operand, ...args: A) => Tensor {
  return op((x: Operand, ...args: A): Tensor => {
    const $x = convert(name, 'x', x);
    if ($x.rank !== rank) throw new Error(`${name}: x must have rank ${rank}, got shape [${$x.shape.join(', ')}]`);
    return body(name, $x, ...args);
  });
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

// ---- the strided copy every op here reduces to ----

/**
 * Copies the values of `shape` from src (read with srcStrides) to out (written with outStrides), pointers in
 * bytes, strides in elements. Take every pointer before calling: this writes the descriptor.
 */
function copy(src: Ptr, srcStrides: readonly number[], out: Ptr, outStrides: readonly number[], shape: readonly number[]): void {
  if (shape.includes(0)) return;
  const axes = shape.filter((d) => d > 1).length;
  if (axes > MAX_DESC_RANK) {
    // More axes than a descriptor holds: one call per index of the outermost.
    const outer = shape.findIndex((d) => d > 1);
    const rest = shape.map((d, i) => (i === outer ? 1 : d));
    for (let i = 0; i < shape[outer]; i++) copy(src + 4 * i * srcStrides[outer], srcStrides, out + 4 * i * outStrides[outer], outStrides, rest);
    return;
  }
  kernels().copyStrided(src, out, describeStrides(shape, srcStrides, outStrides));
}

/** Sets every value of t to `value`, converted to t's dtype as TF.js's typed arrays convert it. */
function fillWith(t: Tensor, value: number): void {
  const at = word(t.ptr());
  const heap = activeBackend().heap;
  if (t.dtype === 'float32') heap.f32.fill(value, at, at + t.size);
  else heap.i32.fill(t.dtype === 'int32' ? value | 0 : +((value & 255) !== 0), at, at + t.size);
}

/** The offset, in elements, of the value at `index`. */
function offsetOf(index: readonly number[], strides: readonly number[]): number {
  return index.reduce((sum, i, axis) => sum + i * strides[axis], 0);
}

/** x's values at begin + i·step along each axis (i < size[axis]), as a new tensor of `shape` (size's values). */
function take(name: string, x: Tensor, begin: number[], step: number[], size: number[], shape: number[]): Tensor {
  const out = empty(name, shape, x.dtype);
  if (out.size === 0) return out;
  const strides = stridesOf(x.shape);
  const [px, po] = [x.ptr(name), out.ptr(name)];
  copy(px + 4 * offsetOf(begin, strides), strides.map((s, i) => s * step[i]), po, stridesOf(size), size);
  return out;
}

/** A new tensor of `shape`, `fill` everywhere but at begin + i·step (i < size[axis]), where x's values go. */
function place(name: string, x: Tensor, shape: number[], begin: number[], step: number[], size: number[], fill: number): Tensor {
  const out = empty(name, shape, x.dtype);
  if (out.size === 0) return out;
  if (out.size > x.size) fillWith(out, fill);
  const strides = stridesOf(shape);
  const [px, po] = x.size > 0 ? [x.ptr(name), out.ptr(name)] : [0, 0];
  copy(px, stridesOf(size), po + 4 * offsetOf(begin, strides), strides.map((s, i) => s * step[i]), size);
  return out;
}

/**
 * take() as an op: slice, stridedSlice and reverse are this. Its gradient places dy back, zeros elsewhere.
 */
const takeStrided = op((name: string, x: Tensor, begin: number[], step: number[], size: number[], shape: number[]): Tensor => {
  const out = take(name, x, begin, step, size, shape);
  if (recording()) {
    const from = x.shape;
    record([x], [out], [], ([dy]) => [placeStrided(name, dy, from, begin, step, size, 0)]);
  }
  return out;
});

/** place() as an op: pad is this, and the gradient of takeStrided. Its gradient takes dy's values back. */
const placeStrided = op((name: string, x: Tensor, shape: number[], begin: number[], step: number[], size: number[], fill: number): Tensor => {
  const out = place(name, x, shape, begin, step, size, fill);
  if (recording()) {
    const from = x.shape;
    record([x], [out], [], ([dy]) => [takeStrided(name, dy, begin, step, size, from)]);
  }
  return out;
});

/** The parts joined along `axis` into a new tensor of `shape`; shapes[i] is how part i is read (same size). */
function join(name: string, parts: Tensor[], shapes: number[][], axis: number, shape: number[]): Tensor {
  const out = empty(name, shape, parts[0].dtype);
  if (out.size === 0) return out;
  const pointers = parts.map((p) => (p.size > 0 ? p.ptr(name) : 0));
  const po = out.ptr(name);
  const strides = stridesOf(shape);
  let at = 0;
  shapes.forEach((s, i) => {
    copy(pointers[i], stridesOf(s), po + 4 * at * strides[axis], strides, s);
    at += s[axis];
  });
  return out;
}

// ---- views ----

/** `shape` for a tensor of `size` values, with a -1 replaced by what makes the sizes agree. */
export function inferShape(name: string, shape: unknown, size: number): number[] {
  if (!Array.isArray(shape) || Array.from(shape).some((d) => !Number.isInteger(d) || d < -1)) {
    throw new Error(`${name}: shape must be an array of non-negative integers (one of them may be -1), got ${describe(shape)}`);
  }
  const unknown = shape.indexOf(-1);
  if (unknown !== shape.lastIndexOf(-1)) throw new Error(`${name}: shape may hold one -1 at most, got [${shape.join(', ')}]`);
  const known = shape.reduce((p: number, d: number) => (d === -1 ? p : p * d), 1);
  const out = shape.slice() as number[];
  if (unknown >= 0) {
    if (known === 0 || size % known !== 0) throw new Error(`${name}: cannot reshape a tensor of ${size} values into shape [${shape.join(', ')}]`);
    out[unknown] = size / known;
  } else if (known !== size) {
    throw new Error(`${name}: cannot reshape a tensor of ${size} values into shape [${shape.join(', ')}] (${known} values)`);
  }
  return out;
}

/**
 * x's values in another shape of the same size; one axis may be -1, to be inferred.
 * @example tf.tensor1d([1, 2, 3, 4]).reshape([2, 2]).print();
 */
export const reshape = op((x: Operand, shape: number[]): Tensor => {
  const $x = convert('reshape', 'x', x);
  const out = view($x, inferShape('reshape', shape, $x.size));
  if (recording()) {
    const from = $x.shape.slice();
    record([$x], [out], [], ([dy]) => [reshape(dy, from)]);
  }
  return out;
});

/**
 * x with a new axis of size 1 at `axis` (0 by default; negative counts from the end).
 * @example tf.tensor1d([1, 2, 3, 4]).expandDims(1).print();
 */
export const expandDims = op((x: Operand, axis: number = 0): Tensor => {
  const $x = convert('expandDims', 'x', x);
  const at = newAxis('expandDims', axis, $x.rank);
  return reshape($x, [...$x.shape.slice(0, at), 1, ...$x.shape.slice(at)]);
});

/**
 * x without its axes of size 1, or only without those listed in `axis` (each must have size 1).
 * @example tf.tensor([1, 2, 3, 4], [1, 1, 4]).squeeze().print();
 */
export const squeeze = op((x: Operand, axis?: number | number[]): Tensor => {
  const $x = convert('squeeze', 'x', x);
  const all = axis === undefined || axis === null || (Array.isArray(axis) && axis.length === 0);
  if (!all && $x.rank === 0) throw new Error(`squeeze: x is a scalar, which has no axis ${describe(axis)}`);
  const axes = all ? [] : parseAxes('squeeze', axis, $x.rank);
  for (const a of axes) if ($x.shape[a] !== 1) throw new Error(`squeeze: axis ${a} of x ${shapeText($x.shape)} has size ${$x.shape[a]}, not 1`);
  return reshape($x, $x.shape.filter((d, i) => d !== 1 || (!all && !axes.includes(i))));
});

/**
 * x itself, after checking that its shape fits `shape`, where null stands for any size along that axis.
 * @example tf.ensureShape(tf.tensor2d([1, 2, 3, 4], [2, 2]), [null, 2]).print();
 */
export const ensureShape = op((x: Operand, shape: Array<number | null>): Tensor => {
  const $x = convert('ensureShape', 'x', x);
  if (!Array.isArray(shape) || Array.from(shape).some((d) => d !== null && !(Number.isInteger(d) && d >= 0))) {
    throw new Error(`ensureShape: shape must be an array of non-negative integers or null (any size), got ${describe(shape)}`);
  }
  if (shape.length !== $x.rank || shape.some((d, i) => d !== null && d !== $x.shape[i])) {
    throw new Error(`ensureShape: x has shape ${shapeText($x.shape)}, which does not fit shape [${shape.map(String).join(', ')}] (null matching any size)`);
  }
  return $x;
});

// ---- re-layouts ----

/**
 * x with its axes permuted: output axis i is x's axis perm[i] (by default the axes reversed).
 * @example tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]).transpose().print();
 */
export const transpose = op((x: Operand, perm?: number[], conjugate?: boolean): Tensor => {
  const $x = convert('transpose', 'x', x);
  if (conjugate !== undefined && conjugate !== null && typeof conjugate !== 'boolean') throw new Error(`transpose: conjugate must be true or false, got ${describe(conjugate)}`);
  const order = perm === undefined || perm === null ? $x.shape.map((_, i) => $x.rank - 1 - i) : intList('transpose', 'perm', perm);
  if (order.length !== $x.rank || new Set(order).size !== order.length || order.some((a) => a >= $x.rank)) {
    throw new Error(`transpose: perm ${describe(perm)} must be a permutation of 0..${$x.rank - 1} (x has rank ${$x.rank})`);
  }
  if (order.every((a, i) => a === i)) return clone($x);
  const shape = order.map((a) => $x.shape[a]);
  const out = empty('transpose', shape, $x.dtype);
  if (out.size > 0) {
    const strides = stridesOf($x.shape);
    const [px, po] = [$x.ptr('transpose'), out.ptr('transpose')];
    copy(px, order.map((a) => strides[a]), po, stridesOf(shape), shape);
  }
  if (recording()) {
    const undo = order.map((_, i) => order.indexOf(i));
    record([$x], [out], [], ([dy]) => [transpose(dy, undo)]);
  }
  return out;
});

/**
 * x broadcast to `shape` (NumPy's rules: x's axes align with the last of shape's, each equal or 1).
 * @example tf.tensor1d([1, 2, 3]).broadcastTo([2, 3]).print();
 */
export const broadcastTo = op((x: Operand, shape: number[]): Tensor => {
  const $x = convert('broadcastTo', 'x', x);
  const target = intList('broadcastTo', 'shape', shape);
  const offset = target.length - $x.rank;
  if (offset < 0 || $x.shape.some((d, i) => d !== 1 && d !== target[offset + i])) {
    throw new Error(`broadcastTo: x of shape ${shapeText($x.shape)} cannot be broadcast to shape ${shapeText(target)}`);
  }
  if (offset === 0 && $x.shape.every((d, i) => d === target[i])) return clone($x);
  const out = empty('broadcastTo', target, $x.dtype);
  if (out.size > 0) {
    const [px, po] = [$x.ptr('broadcastTo'), out.ptr('broadcastTo')];
    copy(px, broadcastStrides($x.shape, target), po, stridesOf(target), target);
  }
  if (recording()) {
    const from = $x.shape;
    record([$x], [out], [], ([dy]) => [sumTo(dy, from)]);
  }
  return out;
});

/**
 * x repeated reps[i] times along each axis i.
 * @example tf.tensor2d([1, 2, 3, 4], [2, 2]).tile([1, 2]).print();
 */
export const tile = op((x: Operand, reps: number[]): Tensor => {
  const $x = convert('tile', 'x', x);
  const times = intList('tile', 'reps', reps);
  if (times.length !== $x.rank) throw new Error(`tile: reps ${describe(reps)} must have one entry per axis of x ${shapeText($x.shape)}`);
  if (times.every((r) => r === 1)) return clone($x);
  // Read as [reps[0], x.shape[0], reps[1], x.shape[1], ...], the repeats stepping nowhere in x.
  const paired = $x.shape.flatMap((d, i) => [times[i], d]);
  const out = empty('tile', $x.shape.map((d, i) => d * times[i]), $x.dtype);
  if (out.size > 0) {
    const strides = stridesOf($x.shape);
    const [px, po] = [$x.ptr('tile'), out.ptr('tile')];
    copy(px, strides.flatMap((s) => [0, s]), po, stridesOf(paired), paired);
  }
  if (recording()) {
    const from = $x.shape;
    const repeats = paired.map((_, i) => i).filter((i) => i % 2 === 0);
    record([$x], [out], [], ([dy]) => [reshape(sum(reshape(dy, paired), repeats), from)]);
  }
  return out;
});

/** reverse's body, `name` for messages. */
function reversed(name: string, x: Tensor, axis?: number | number[]): Tensor {
  if (x.rank === 0) return clone(x);
  const axes = parseAxes(name, axis, x.rank);
  const begin = x.shape.map((d, i) => (axes.includes(i) ? d - 1 : 0));
  return takeStrided(name, x, begin, x.shape.map((_, i) => (axes.includes(i) ? -1 : 1)), x.shape, x.shape);
}

/**
 * x with the order of its values reversed along `axis` (all axes when omitted).
 * @example tf.tensor2d([1, 2, 3, 4], [2, 2]).reverse(1).print();
 */
export const reverse = op((x: Operand, axis?: number | number[]): Tensor => reversed('reverse', convert('reverse', 'x', x), axis));
/** reverse of a rank-1 tensor. @example tf.reverse1d(tf.tensor1d([1, 2, 3])).print(); */
export const reverse1d = ranked('reverse1d', 1, (name, x) => reversed(name, x));
/** reverse of a rank-2 tensor. @example tf.reverse2d(tf.tensor2d([1, 2, 3, 4], [2, 2]), 0).print(); */
export const reverse2d = ranked('reverse2d', 2, reversed);
/** reverse of a rank-3 tensor. @example tf.reverse3d(tf.ones([2, 2, 2]), 2).print(); */
export const reverse3d = ranked('reverse3d', 3, reversed);
/** reverse of a rank-4 tensor. @example tf.reverse4d(tf.ones([1, 2, 2, 1]), [1, 2]).print(); */
export const reverse4d = ranked('reverse4d', 4, reversed);

// ---- cuts ----

/** slice's body, `name` for messages. */
function sliced(name: string, x: Tensor, begin: number | number[], size?: number | number[] | null): Tensor {
  if (x.rank === 0) throw new Error(`${name}: x must have rank >= 1 (a scalar cannot be sliced)`);
  const pad = (v: number | number[], fill: number) => (typeof v === 'number' ? [v] : v).concat(new Array<number>(Math.max(0, x.rank - (typeof v === 'number' ? 1 : v.length))).fill(fill));
  const start = intList(name, 'begin', typeof begin === 'number' || Array.isArray(begin) ? pad(begin, 0) : begin);
  const extent = intList(name, 'size', size === undefined || size === null ? new Array<number>(x.rank).fill(-1) : typeof size === 'number' || Array.isArray(size) ? pad(size, -1) : size, -1);
  if (start.length !== x.rank) throw new Error(`${name}: begin ${describe(begin)} has more entries than x ${shapeText(x.shape)} has axes`);
  if (extent.length !== x.rank) throw new Error(`${name}: size ${describe(size)} has more entries than x ${shapeText(x.shape)} has axes`);
  const sizes = extent.map((s, i) => (s === -1 ? x.shape[i] - start[i] : s));
  sizes.forEach((s, i) => {
    if (start[i] + Math.max(s, 0) > x.shape[i] || s < 0) {
      throw new Error(`${name}: begin[${i}] = ${start[i]} and size[${i}] = ${extent[i]} reach past axis ${i} of x ${shapeText(x.shape)}`);
    }
  });
  return takeStrided(name, x, start, start.map(() => 1), sizes, sizes);
}

/**
 * The block of x starting at `begin` of `size` (-1: the rest of the axis). Shorter begin and size apply to the
 * leading axes; a number applies to the first.
 * @example tf.tensor2d([1, 2, 3, 4], [2, 2]).slice([1, 0], [1, 2]).print();
 */
export const slice = op((x: Operand, begin: number | number[], size?: number | number[]): Tensor => sliced('slice', convert('slice', 'x', x), begin, size));
/** slice of a rank-1 tensor. @example tf.slice1d(tf.tensor1d([1, 2, 3, 4]), 1, 2).print(); */
export const slice1d = ranked('slice1d', 1, (name, x, begin: number, size: number) => sliced(name, x, [begin], [size]));
/** slice of a rank-2 tensor. @example tf.slice2d(tf.tensor2d([1, 2, 3, 4], [2, 2]), [0, 1], [2, 1]).print(); */
export const slice2d = ranked('slice2d', 2, (name, x, begin: number[], size: number[]) => sliced(name, x, begin, size));
/** slice of a rank-3 tensor. @example tf.slice3d(tf.ones([2, 2, 2]), [0, 0, 1], [2, 2, 1]).print(); */
export const slice3d = ranked('slice3d', 3, (name, x, begin: number[], size: number[]) => sliced(name, x, begin, size));
/** slice of a rank-4 tensor. @example tf.slice4d(tf.ones([1, 2, 2, 2]), [0, 1, 0, 0], [1, 1, 2, 2]).print(); */
export const slice4d = ranked('slice4d', 4, (name, x, begin: number[], size: number[]) => sliced(name, x, begin, size));

/** stridedSlice's arguments made dense, one entry per axis of x, as TensorFlow's strided slice spec does. */
interface DenseSlice {
  begin: number[];
  step: number[];
  size: number[];
  /** size with the new axes added and the shrunk ones removed. */
  shape: number[];
}

const NEW_AXIS = -1;
const SHRUNK = -2;

function denseSlice(shape: number[], begin: number[], end: number[], strides: number[], masks: Record<string, number>): DenseSlice {
  const bit = (mask: number, i: number) => Math.floor(mask / 2 ** i) % 2 === 1;
  const setBits = (mask: number) => Array.from({ length: 31 }, (_, i) => i).filter((i) => bit(mask, i));
  const ellipses = setBits(masks.ellipsisMask);
  if (ellipses.length > 1) throw new Error(`stridedSlice: ellipsisMask ${masks.ellipsisMask} has more than one bit set (one ellipsis at most)`);
  // The given entries, with an ellipsis after them when none of them is one.
  let entries = begin.length;
  const ellipsis = ellipses[0] < entries ? ellipses[0] : entries++;
  const newAfterEllipsis = setBits(masks.newAxisMask).filter((i) => i > ellipsis && i < entries).length;
  const rank = shape.length;
  // One entry per axis of x, and what each output axis is: an axis of x, a new one, or a shrunk one (dropped).
  const axes: Array<{ begin: number; end: number; step: number; beginMasked: boolean; endMasked: boolean; shrink: boolean }> = [];
  const outAxes: number[] = [];
  for (let i = 0; i < entries; i++) {
    if (i === ellipsis) {
      while (axes.length < Math.min(rank - (entries - i) + 1 + newAfterEllipsis, rank)) {
        outAxes.push(axes.length);
        axes.push({ begin: 0, end: 0, step: 1, beginMasked: true, endMasked: true, shrink: false });
      }
    } else if (bit(masks.newAxisMask, i)) {
      outAxes.push(NEW_AXIS);
    } else {
      if (axes.length === rank) throw new Error(`stridedSlice: begin has more entries (${begin.length}) than x ${shapeText(shape)} has axes`);
      const shrink = bit(masks.shrinkAxisMask, i);
      outAxes.push(shrink ? SHRUNK : axes.length);
      axes.push({ begin: begin[i], end: end[i], step: strides[i], beginMasked: bit(masks.beginMask, i), endMasked: bit(masks.endMask, i), shrink });
    }
  }
  const first = axes.map((a, i) => {
    const dim = shape[i];
    if (a.step === 0) throw new Error(`stridedSlice: strides[${i}] must not be 0`);
    if (a.shrink) {
      if (a.step < 0) throw new Error(`stridedSlice: shrunk axis ${i} must have a positive stride, got ${a.step}`);
      const at = a.begin < 0 ? dim + a.begin : a.begin;
      if (at < 0 || at >= dim) throw new Error(`stridedSlice: begin ${a.begin} of shrunk axis ${i} is out of range for its size ${dim}`);
      return [at, 1];
    }
    // TensorFlow's canonical bounds: a masked end takes the whole axis in the stride's direction, others clamp.
    const [lo, hi] = a.step > 0 ? [0, dim] : [-1, dim - 1];
    const bound = (x: number, masked: boolean, isEnd: boolean) => (masked ? (a.step > 0 === isEnd ? hi : lo) : Math.min(Math.max(x < 0 ? dim + x : x, lo), hi));
    const from = bound(a.begin, a.beginMasked, false);
    const interval = bound(a.end, a.endMasked, true) - from;
    return interval === 0 || interval < 0 !== a.step < 0 ? [0, 0] : [from, Math.ceil(interval / a.step)];
  });
  const size = first.map(([, n]) => n);
  return {
    begin: first.map(([b]) => b),
    step: axes.map((a) => a.step),
    size,
    shape: outAxes.filter((o) => o !== SHRUNK).map((o) => (o === NEW_AXIS ? 1 : size[o])),
  };
}

/**
 * Values of x from begin up to end (exclusive) in steps of strides, with TF.js's masks: a set bit i of
 * beginMask / endMask ignores begin[i] / end[i]; ellipsisMask's bit stands for all the axes not listed;
 * newAxisMask inserts an axis of size 1; shrinkAxisMask takes the single index begin[i] and drops the axis.
 * @example tf.tensor3d([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6], [3, 2, 3]).stridedSlice([1, 0, 0], [2, 1, 3], [1, 1, 1]).print();
 */
export const stridedSlice = op(
  (x: Operand, begin: number[], end: number[], strides?: number[], beginMask: number = 0, endMask: number = 0, ellipsisMask: number = 0, newAxisMask: number = 0, shrinkAxisMask: number = 0): Tensor => {
    const $x = convert('stridedSlice', 'x', x);
    const $begin = intList('stridedSlice', 'begin', begin, -Infinity);
    const $end = intList('stridedSlice', 'end', end, -Infinity);
    const $strides = strides === undefined || strides === null ? $begin.map(() => 1) : intList('stridedSlice', 'strides', strides, -Infinity);
    if ($end.length !== $begin.length) throw new Error(`stridedSlice: end ${describe(end)} must have as many entries as begin ${describe(begin)}`);
    if ($strides.length !== $begin.length) throw new Error(`stridedSlice: strides ${describe(strides)} must have as many entries as begin ${describe(begin)}`);
    // null is TF.js's default, as undefined is.
    const masks = { beginMask: beginMask ?? 0, endMask: endMask ?? 0, ellipsisMask: ellipsisMask ?? 0, newAxisMask: newAxisMask ?? 0, shrinkAxisMask: shrinkAxisMask ?? 0 };
    for (const [name, mask] of Object.entries(masks)) checkInt('stridedSlice', name, mask, 0, 2 ** 31 - 1);
    const spec = denseSlice($x.shape, $begin, $end, $strides, masks);
    return takeStrided('stridedSlice', $x, spec.begin, spec.step, spec.size, spec.shape);
  },
);

/** The sizes x's axis is split into: `count` equal parts, or the given sizes (one may be -1, for the rest). */
function splitSizes(x: Tensor, numOrSizeSplits: unknown, axis: number): number[] {
  const dim = x.shape[axis];
  if (typeof numOrSizeSplits === 'number') {
    checkInt('split', 'numOrSizeSplits', numOrSizeSplits, 1);
    if (dim % numOrSizeSplits !== 0) throw new Error(`split: numOrSizeSplits ${numOrSizeSplits} must divide axis ${axis} of x ${shapeText(x.shape)} evenly`);
    return new Array<number>(numOrSizeSplits).fill(dim / numOrSizeSplits);
  }
  const sizes = intList('split', 'numOrSizeSplits', numOrSizeSplits, -1);
  const rest = sizes.indexOf(-1);
  if (rest !== sizes.lastIndexOf(-1)) throw new Error(`split: numOrSizeSplits ${describe(numOrSizeSplits)} may hold one -1 at most`);
  if (rest >= 0) sizes[rest] = dim - sizes.reduce((a, s) => (s === -1 ? a : a + s), 0);
  if (sizes.length === 0 || sizes.some((s) => s < 0) || sizes.reduce((a, s) => a + s, 0) !== dim) {
    throw new Error(`split: numOrSizeSplits ${describe(numOrSizeSplits)} must add up to axis ${axis} of x ${shapeText(x.shape)} (${dim})`);
  }
  return sizes;
}

/**
 * x cut along `axis` into numOrSizeSplits equal parts, or into parts of the given sizes (one may be -1).
 * @example const [a, b] = tf.split(tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [2, 4]), 2, 1); a.print(); b.print();
 */
export const split = op((x: Operand, numOrSizeSplits: number | number[], axis: number = 0): Tensor[] => {
  const $x = convert('split', 'x', x);
  const a = oneAxis('split', axis, $x.rank);
  const sizes = splitSizes($x, numOrSizeSplits, a);
  const zeros = $x.shape.map(() => 0);
  const ones = $x.shape.map(() => 1);
  let at = 0;
  const parts = sizes.map((s) => {
    const size = $x.shape.map((d, i) => (i === a ? s : d));
    const part = take('split', $x, zeros.map((_, i) => (i === a ? at : 0)), ones, size, size);
    at += s;
    return part;
  });
  if (recording()) record([$x], parts, [], (dys) => [concat(dys, a)]);
  return parts;
});

/**
 * The slices of x along `axis`, each without that axis.
 * @example tf.unstack(tf.tensor2d([1, 2, 3, 4], [2, 2])).forEach((t) => t.print());
 */
export const unstack = op((x: Operand, axis: number = 0): Tensor[] => {
  const $x = convert('unstack', 'x', x);
  const a = oneAxis('unstack', axis, $x.rank);
  const size = $x.shape.map((d, i) => (i === a ? 1 : d));
  const shape = $x.shape.filter((_, i) => i !== a);
  const ones = $x.shape.map(() => 1);
  const parts = Array.from({ length: $x.shape[a] }, (_, k) => take('unstack', $x, $x.shape.map((_, i) => (i === a ? k : 0)), ones, size, shape));
  if (recording()) record([$x], parts, [], (dys) => [stack(dys, a)]);
  return parts;
});

// ---- joins ----

/** The tensors an op joins, converted: a non-empty array of tensors or tensor-like values. */
function joined(name: string, tensors: unknown): Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error(`${name}: tensors must be a non-empty array of tensors, got ${describe(tensors)}`);
  return Array.from(tensors, (t, i) => convert(name, `tensors[${i}]`, t));
}

/** concat's body, `name` for messages. */
function concatenated(name: string, converted: Tensor[], axis: unknown): Tensor {
  const [first] = converted;
  const parts = converted.map((t) => (t.dtype === first.dtype ? t : cast(t, first.dtype)));
  // One scalar is returned as it is, as TF.js does; scalars have no axis to join along.
  const a = parts.length === 1 && first.rank === 0 ? 0 : oneAxis(name, axis, first.rank, 'tensors[0]');
  if (parts.length === 1) return clone(first);
  parts.forEach((t, i) => {
    if (t.rank !== first.rank || t.shape.some((d, j) => j !== a && d !== first.shape[j])) {
      throw new Error(`${name}: tensors[${i}] has shape ${shapeText(t.shape)}, which does not match tensors[0] ${shapeText(first.shape)} outside axis ${a}`);
    }
  });
  const shape = first.shape.map((d, j) => (j === a ? parts.reduce((n, t) => n + t.shape[a], 0) : d));
  const out = join(name, parts, parts.map((t) => t.shape), a, shape);
  if (recording()) {
    const sizes = parts.map((t) => t.shape[a]);
    record(parts, [out], [], ([dy], _, needs) => split(dy, sizes, a).map((g, i) => (needs[i] ? g : null)));
  }
  return out;
}

/**
 * The tensors joined along `axis`; their shapes must match on every other axis. Each takes the first one's
 * dtype, as in TF.js.
 * @example tf.concat([tf.tensor1d([1, 2]), tf.tensor1d([3, 4]), tf.tensor1d([5, 6])]).print();
 */
export const concat = op((tensors: Operand[], axis: number = 0): Tensor => concatenated('concat', joined('concat', tensors), axis));

/** concat for tensors of one rank (concat1d...concat4d). */
function concatRanked(rank: number) {
  const name = `concat${rank}d`;
  return op((tensors: Operand[], axis: number = 0): Tensor => {
    const parts = joined(name, tensors);
    parts.forEach((t, i) => {
      if (t.rank !== rank) throw new Error(`${name}: tensors[${i}] must have rank ${rank}, got shape ${shapeText(t.shape)}`);
    });
    return concatenated(name, parts, axis);
  });
}

const concatRank1 = concatRanked(1);
/** concat of rank-1 tensors. @example tf.concat1d([tf.tensor1d([1, 2]), tf.tensor1d([3])]).print(); */
export const concat1d = (tensors: Operand[]): Tensor => concatRank1(tensors, 0);
/** concat of rank-2 tensors. @example tf.concat2d([tf.ones([2, 1]), tf.zeros([2, 2])], 1).print(); */
export const concat2d = concatRanked(2);
/** concat of rank-3 tensors. @example tf.concat3d([tf.ones([1, 2, 1]), tf.zeros([1, 2, 1])], 2).print(); */
export const concat3d = concatRanked(3);
/** concat of rank-4 tensors. @example tf.concat4d([tf.ones([1, 1, 2, 1]), tf.zeros([1, 1, 2, 1])], 0).print(); */
export const concat4d = concatRanked(4);

/**
 * The tensors (of one shape and dtype) stacked along a new axis.
 * @example tf.stack([tf.tensor1d([1, 2]), tf.tensor1d([3, 4]), tf.tensor1d([5, 6])]).print();
 */
export const stack = op((tensors: Operand[], axis: number = 0): Tensor => {
  const parts = joined('stack', tensors);
  const [first] = parts;
  parts.forEach((t, i) => {
    if (t.rank !== first.rank || t.shape.some((d, j) => d !== first.shape[j])) {
      throw new Error(`stack: tensors[${i}] has shape ${shapeText(t.shape)}, but tensors[0] has ${shapeText(first.shape)}`);
    }
    if (t.dtype !== first.dtype) throw new Error(`stack: tensors[${i}] has dtype ${t.dtype}, but tensors[0] has ${first.dtype}`);
  });
  const a = newAxis('stack', axis, first.rank);
  const one = [...first.shape.slice(0, a), 1, ...first.shape.slice(a)];
  const out = join('stack', parts, parts.map(() => one), a, one.map((d, i) => (i === a ? parts.length : d)));
  if (recording()) record(parts, [out], [], ([dy], _, needs) => unstack(dy, a).map((g, i) => (needs[i] ? g : null)));
  return out;
});

// ---- padding ----

/** pad's body, `name` for messages. */
function padded(name: string, x: Tensor, paddings: unknown, constantValue?: number | null): Tensor {
  if (x.rank === 0) throw new Error(`${name}: x must have rank >= 1 (a scalar cannot be padded)`);
  const pairs = pairList(name, 'paddings', paddings, x.rank);
  const value = constantValue ?? 0;
  if (typeof value !== 'number') throw new Error(`${name}: constantValue must be a number, got ${describe(constantValue)}`);
  const shape = x.shape.map((d, i) => pairs[i][0] + d + pairs[i][1]);
  return placeStrided(name, x, shape, pairs.map((p) => p[0]), shape.map(() => 1), x.shape, value);
}

/**
 * x with paddings[i] = [before, after] values of constantValue added along each axis i.
 * @example tf.tensor1d([1, 2, 3, 4]).pad([[1, 2]]).print();
 */
export const pad = op((x: Operand, paddings: Array<[number, number]>, constantValue: number = 0): Tensor => padded('pad', convert('pad', 'x', x), paddings, constantValue));
/** pad of a rank-1 tensor. @example tf.pad1d(tf.tensor1d([1, 2]), [1, 1]).print(); */
export const pad1d = ranked('pad1d', 1, (name, x, paddings: [number, number], constantValue: number = 0) => padded(name, x, [paddings], constantValue));
/** pad of a rank-2 tensor. @example tf.pad2d(tf.ones([1, 2]), [[1, 0], [0, 1]]).print(); */
export const pad2d = ranked('pad2d', 2, (name, x, paddings: Array<[number, number]>, constantValue: number = 0) => padded(name, x, paddings, constantValue));
/** pad of a rank-3 tensor. @example tf.pad3d(tf.ones([1, 1, 1]), [[0, 0], [1, 1], [0, 0]]).print(); */
export const pad3d = ranked('pad3d', 3, (name, x, paddings: Array<[number, number]>, constantValue: number = 0) => padded(name, x, paddings, constantValue));
/** pad of a rank-4 tensor. @example tf.pad4d(tf.ones([1, 1, 1, 1]), [[0, 0], [1, 1], [1, 1], [0, 0]]).print(); */
export const pad4d = ranked('pad4d', 4, (name, x, paddings: Array<[number, number]>, constantValue: number = 0) => padded(name, x, paddings, constantValue));

/**
 * x padded with its own values mirrored at each edge: 'reflect' leaves the edge value out, 'symmetric' repeats it.
 * @example tf.tensor2d([[1, 2, 3], [4, 5, 6]]).mirrorPad([[1, 1], [2, 2]], 'reflect').print();
 */
export const mirrorPad = op((x: Operand, paddings: Array<[number, number]>, mode: 'reflect' | 'symmetric'): Tensor => {
  if (mode !== 'reflect' && mode !== 'symmetric') throw new Error(`mirrorPad: mode must be 'reflect' or 'symmetric', got ${describe(mode)}`);
  const $x = convert('mirrorPad', 'x', x);
  if ($x.rank === 0) throw new Error('mirrorPad: x must have rank >= 1 (a scalar cannot be padded)');
  const pairs = pairList('mirrorPad', 'paddings', paddings, $x.rank);
  const edge = mode === 'reflect' ? 1 : 0;
  pairs.forEach(([before, after], i) => {
    if (Math.max(before, after) > $x.shape[i] - edge) {
      throw new Error(`mirrorPad: paddings[${i}] = [${before}, ${after}] may not exceed ${$x.shape[i] - edge} in '${mode}' mode for axis ${i} of x ${shapeText($x.shape)}`);
    }
  });
  const shape = $x.shape.map((d, i) => pairs[i][0] + d + pairs[i][1]);
  const out = empty('mirrorPad', shape, $x.dtype);
  if (out.size > 0) {
    const [px, po] = [$x.ptr('mirrorPad'), out.ptr('mirrorPad')];
    const strides = stridesOf(shape);
    const before = pairs.map((p) => p[0]);
    copy(px, stridesOf($x.shape), po + 4 * offsetOf(before, strides), strides, $x.shape);
    // Then axis by axis, each band mirrors what is already in out: the whole extent of the axes done before,
    // the interior of those after.
    pairs.forEach(([p0, p1], d) => {
      const n = $x.shape[d];
      const region = shape.map((D, i) => (i < d ? D : $x.shape[i]));
      const origin = offsetOf(before.map((b, i) => (i <= d ? 0 : b)), strides);
      const mirrored = strides.map((s, i) => (i === d ? -s : s));
      const band = (from: number, to: number, size: number) =>
        copy(po + 4 * (origin + from * strides[d]), mirrored, po + 4 * (origin + to * strides[d]), strides, region.map((r, i) => (i === d ? size : r)));
      band(2 * p0 - 1 + edge, 0, p0);
      band(p0 + n - 1 - edge, p0 + n, p1);
    });
  }
  if (recording()) {
    const from = $x.shape;
    record([$x], [out], [], ([dy]) => [foldMirrored(dy, from, pairs, edge)]);
  }
  return out;
});

/** mirrorPad's gradient: each axis's bands of dy reversed and added onto the values they mirrored. */
function foldMirrored(dy: Tensor, shape: number[], pairs: Pair[], edge: number): Tensor {
  let g = dy;
  pairs.forEach(([before, after], d) => {
    const n = shape[d];
    const along = (begin: number, size: number) => slice(g, g.shape.map((_, i) => (i === d ? begin : 0)), g.shape.map((D, i) => (i === d ? size : D)));
    const padAlong = (t: Tensor, p0: number, p1: number) => pad(t, t.shape.map((_, i): Pair => (i === d ? [p0, p1] : [0, 0])));
    let center = along(before, n);
    if (before > 0) center = add(center, padAlong(reverse(along(0, before), d), edge, n - edge - before));
    if (after > 0) center = add(center, padAlong(reverse(along(before + n, after), d), n - edge - after, edge));
    g = center;
  });
  return g;
}

// ---- block moves ----

/** Checks blockShape against x: integers >= 1, one per spatial axis after the batch axis. */
function blocks(op: string, x: Tensor, blockShape: unknown): number[] {
  const block = intList(op, 'blockShape', blockShape, 1);
  if (block.length === 0 || x.rank < block.length + 1) {
    throw new Error(`${op}: blockShape ${describe(blockShape)} must have 1 to ${x.rank - 1} entries for x ${shapeText(x.shape)} (one per spatial axis)`);
  }
  return block;
}

/**
 * The batch axis of x moved into blocks of the spatial axes, then cropped by crops[i] = [start, end] (the
 * inverse of spaceToBatchND).
 * @example tf.tensor4d([1, 2, 3, 4], [4, 1, 1, 1]).batchToSpaceND([2, 2], [[0, 0], [0, 0]]).print();
 */
export const batchToSpaceND = op((x: Operand, blockShape: number[], crops: number[][]): Tensor => {
  const $x = convert('batchToSpaceND', 'x', x);
  const block = blocks('batchToSpaceND', $x, blockShape);
  const m = block.length;
  const cuts = pairList('batchToSpaceND', 'crops', crops, m);
  const count = block.reduce((a, b) => a * b, 1);
  const [batch, ...rest] = $x.shape;
  if (batch % count !== 0) throw new Error(`batchToSpaceND: the batch axis of x ${shapeText($x.shape)} must divide by the product of blockShape ${describe(blockShape)} (${count})`);
  cuts.forEach(([start, end], i) => {
    if (start + end > rest[i] * block[i]) throw new Error(`batchToSpaceND: crops[${i}] = [${start}, ${end}] is more than axis ${i + 1} spans (${rest[i] * block[i]})`);
  });
  const spatial = rest.slice(0, m);
  const tail = rest.slice(m);
  const blocked = reshape($x, [...block, batch / count, ...rest]);
  const order = [m, ...spatial.flatMap((_, i) => [m + 1 + i, i]), ...tail.map((_, i) => 2 * m + 1 + i)];
  const interleaved = reshape(transpose(blocked, order), [batch / count, ...spatial.map((s, i) => s * block[i]), ...tail]);
  const size = interleaved.shape.map((d, i) => (i >= 1 && i <= m ? d - cuts[i - 1][0] - cuts[i - 1][1] : d));
  return slice(interleaved, size.map((_, i) => (i >= 1 && i <= m ? cuts[i - 1][0] : 0)), size);
});

/**
 * The spatial axes of x, zero-padded by paddings[i] = [start, end], cut into blocks of blockShape that move into
 * the batch axis.
 * @example tf.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]).spaceToBatchND([2, 2], [[0, 0], [0, 0]]).print();
 */
export const spaceToBatchND = op((x: Operand, blockShape: number[], paddings: number[][]): Tensor => {
  const $x = convert('spaceToBatchND', 'x', x);
  const block = blocks('spaceToBatchND', $x, blockShape);
  const m = block.length;
  const pads = pairList('spaceToBatchND', 'paddings', paddings, m);
  const [batch, ...rest] = $x.shape;
  const spatial = rest.slice(0, m).map((s, i) => s + pads[i][0] + pads[i][1]);
  spatial.forEach((s, i) => {
    if (s % block[i] !== 0) throw new Error(`spaceToBatchND: axis ${i + 1} of x ${shapeText($x.shape)} padded by ${describe(pads[i])} (${s}) must divide by blockShape[${i}] = ${block[i]}`);
  });
  const tail = rest.slice(m);
  const padded = pad($x, [[0, 0], ...pads, ...tail.map((): Pair => [0, 0])]);
  const split = reshape(padded, [batch, ...spatial.flatMap((s, i) => [s / block[i], block[i]]), ...tail]);
  const order = [...block.map((_, i) => 2 + 2 * i), 0, ...block.map((_, i) => 1 + 2 * i), ...tail.map((_, i) => 1 + 2 * m + i)];
  const count = block.reduce((a, b) => a * b, 1);
  return reshape(transpose(split, order), [batch * count, ...spatial.map((s, i) => s / block[i]), ...tail]);
});

/**
 * The channels of a rank-4 x moved into blockSize × blockSize spatial blocks ('NHWC': [batch, height, width,
 * channels], or 'NCHW').
 * @example tf.depthToSpace(tf.tensor4d([1, 2, 3, 4], [1, 1, 1, 4]), 2).print();
 */
export const depthToSpace = op((x: Operand, blockSize: number, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): Tensor => {
  const $x = convert('depthToSpace', 'x', x);
  if ($x.rank !== 4) throw new Error(`depthToSpace: x must have rank 4, got shape ${shapeText($x.shape)}`);
  checkInt('depthToSpace', 'blockSize', blockSize, 2);
  const format = dataFormat ?? 'NHWC';
  if (format !== 'NHWC' && format !== 'NCHW') throw new Error(`depthToSpace: dataFormat must be 'NHWC' or 'NCHW', got ${describe(dataFormat)}`);
  const nhwc = format === 'NHWC';
  const [batch, height, width, depth] = nhwc ? $x.shape : [$x.shape[0], $x.shape[2], $x.shape[3], $x.shape[1]];
  const b = blockSize;
  if (depth % (b * b) !== 0) throw new Error(`depthToSpace: the channels of x ${shapeText($x.shape)} (${depth}) must divide by blockSize² = ${b * b}`);
  const c = depth / (b * b);
  if (nhwc) return reshape(transpose(reshape($x, [batch, height, width, b, b, c]), [0, 1, 3, 2, 4, 5]), [batch, height * b, width * b, c]);
  return reshape(transpose(reshape($x, [batch, b, b, c, height, width]), [0, 3, 4, 1, 5, 2]), [batch, c, height * b, width * b]);
});

/**
 * Coordinate grids from 1-D coordinates x and y (any shape, flattened): with indexing 'xy' (the default) both
 * outputs have shape [y.size, x.size], with 'ij' [x.size, y.size].
 * @example const [X, Y] = tf.meshgrid([1, 2, 3], [4, 5]); X.print(); Y.print();
 */
export const meshgrid = op((x?: Operand, y?: Operand, options?: { indexing?: 'xy' | 'ij' } | null): Tensor[] => {
  const { indexing = 'xy' } = checkOptions('meshgrid', 'options', options, { indexing: is.oneOf('xy', 'ij') });
  if (x === undefined) return [];
  const $x = reshape(convert('meshgrid', 'x', x, x instanceof Tensor ? x.dtype : 'float32'), [-1]);
  if (y === undefined) return [$x];
  const $y = reshape(convert('meshgrid', 'y', y, y instanceof Tensor ? y.dtype : 'float32'), [-1]);
  const [w, h] = [$x.size, $y.size];
  if (indexing === 'xy') return [broadcastTo(reshape($x, [1, w]), [h, w]), broadcastTo(reshape($y, [h, 1]), [h, w])];
  return [broadcastTo(reshape($x, [w, 1]), [w, h]), broadcastTo(reshape($y, [1, h]), [w, h])];
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    reshape(shape: number[]): Tensor;
    /** x's shape with `other`'s shape. */
    reshapeAs(other: Tensor): Tensor;
    /** x as rank 1. */
    flatten(): Tensor;
    /** A one-value tensor as a scalar. */
    asScalar(): Tensor;
    /** x as rank 1, 2, ... 5 of the sizes given (TF.js's as1D ... as5D). */
    as1D(): Tensor;
    as2D(rows: number, columns: number): Tensor;
    as3D(rows: number, columns: number, depth: number): Tensor;
    as4D(rows: number, columns: number, depth: number, depth2: number): Tensor;
    as5D(rows: number, columns: number, depth: number, depth2: number, depth3: number): Tensor;
    expandDims(axis?: number): Tensor;
    squeeze(axis?: number | number[]): Tensor;
    transpose(perm?: number[], conjugate?: boolean): Tensor;
    broadcastTo(shape: number[]): Tensor;
    tile(reps: number[]): Tensor;
    reverse(axis?: number | number[]): Tensor;
    slice(begin: number | number[], size?: number | number[]): Tensor;
    stridedSlice(begin: number[], end: number[], strides?: number[], beginMask?: number, endMask?: number, ellipsisMask?: number, newAxisMask?: number, shrinkAxisMask?: number): Tensor;
    split(numOrSizeSplits: number | number[], axis?: number): Tensor[];
    unstack(axis?: number): Tensor[];
    concat(tensors: Operand | Operand[], axis?: number): Tensor;
    stack(tensors: Operand | Operand[], axis?: number): Tensor;
    pad(paddings: Array<[number, number]>, constantValue?: number): Tensor;
    mirrorPad(paddings: Array<[number, number]>, mode: 'reflect' | 'symmetric'): Tensor;
    batchToSpaceND(blockShape: number[], crops: number[][]): Tensor;
    spaceToBatchND(blockShape: number[], paddings: number[][]): Tensor;
    depthToSpace(blockSize: number, dataFormat?: 'NHWC' | 'NCHW'): Tensor;
  }
}

/** x reshaped to `sizes`, one per axis of the rank the method is named for, holding all of x's values. */
function asRank(x: Tensor, name: string, sizes: number[], rank: number): Tensor {
  const names = ['rows', 'columns', 'depth', 'depth2', 'depth3'];
  // As TF.js's (a reshape): one size may be -1, inferred from the others.
  for (let i = 0; i < rank; i++) checkInt(name, names[i], sizes[i], -1);
  if (!sizes.includes(-1) && sizes.reduce((a, b) => a * b, 1) !== x.size) throw new Error(`${name}: ${names.slice(0, rank).join(' × ')} = [${sizes.join(', ')}] must hold the tensor's ${x.size} values (shape ${shapeText(x.shape)})`);
  return reshape(x, sizes);
}

/** What x.concat(...) and x.stack(...) join x with: one tensor or a list of them, as TF.js takes it. */
const others = (tensors: Operand | Operand[]): Operand[] => (tensors instanceof Tensor ? [tensors] : Array.isArray(tensors) ? tensors : [tensors]);

Object.assign(Tensor.prototype, {
  reshape(this: Tensor, shape: number[]) {
    return reshape(this, shape);
  },
  reshapeAs(this: Tensor, other: Tensor) {
    if (!(other instanceof Tensor)) throw new Error(`reshapeAs: x must be a Tensor, got ${describe(other)}`);
    return reshape(this, other.shape);
  },
  flatten(this: Tensor) {
    return reshape(this, [this.size]);
  },
  asScalar(this: Tensor) {
    if (this.size !== 1) throw new Error(`asScalar: the tensor must hold one value, got shape ${shapeText(this.shape)}`);
    return reshape(this, []);
  },
  as1D(this: Tensor) {
    return reshape(this, [this.size]);
  },
  as2D(this: Tensor, ...sizes: number[]) {
    return asRank(this, 'as2D', sizes.slice(0, 2), 2);
  },
  as3D(this: Tensor, ...sizes: number[]) {
    return asRank(this, 'as3D', sizes.slice(0, 3), 3);
  },
  as4D(this: Tensor, ...sizes: number[]) {
    return asRank(this, 'as4D', sizes.slice(0, 4), 4);
  },
  as5D(this: Tensor, ...sizes: number[]) {
    return asRank(this, 'as5D', sizes.slice(0, 5), 5);
  },
  expandDims(this: Tensor, axis?: number) {
    return expandDims(this, axis);
  },
  squeeze(this: Tensor, axis?: number | number[]) {
    return squeeze(this, axis);
  },
  transpose(this: Tensor, perm?: number[], conjugate?: boolean) {
    return transpose(this, perm, conjugate);
  },
  broadcastTo(this: Tensor, shape: number[]) {
    return broadcastTo(this, shape);
  },
  tile(this: Tensor, reps: number[]) {
    return tile(this, reps);
  },
  reverse(this: Tensor, axis?: number | number[]) {
    return reverse(this, axis);
  },
  slice(this: Tensor, begin: number | number[], size?: number | number[]) {
    return slice(this, begin, size);
  },
  stridedSlice(this: Tensor, begin: number[], end: number[], strides?: number[], beginMask?: number, endMask?: number, ellipsisMask?: number, newAxisMask?: number, shrinkAxisMask?: number) {
    return stridedSlice(this, begin, end, strides, beginMask, endMask, ellipsisMask, newAxisMask, shrinkAxisMask);
  },
  split(this: Tensor, numOrSizeSplits: number | number[], axis?: number) {
    return split(this, numOrSizeSplits, axis);
  },
  unstack(this: Tensor, axis?: number) {
    return unstack(this, axis);
  },
  concat(this: Tensor, tensors: Operand | Operand[], axis?: number) {
    return concat([this, ...others(tensors)], axis);
  },
  stack(this: Tensor, tensors: Operand | Operand[], axis?: number) {
    return stack([this, ...others(tensors)], axis);
  },
  pad(this: Tensor, paddings: Array<[number, number]>, constantValue?: number) {
    return pad(this, paddings, constantValue);
  },
  mirrorPad(this: Tensor, paddings: Array<[number, number]>, mode: 'reflect' | 'symmetric') {
    return mirrorPad(this, paddings, mode);
  },
  batchToSpaceND(this: Tensor, blockShape: number[], crops: number[][]) {
    return batchToSpaceND(this, blockShape, crops);
  },
  spaceToBatchND(this: Tensor, blockShape: number[], paddings: number[][]) {
    return spaceToBatchND(this, blockShape, paddings);
  },
  depthToSpace(this: Tensor, blockSize: number, dataFormat?: 'NHWC' | 'NCHW') {
    return depthToSpace(this, blockSize, dataFormat);
  },
});
