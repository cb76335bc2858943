// Convolution and pooling over NHWC images, with TF.js's arguments, output sizes (conv_util) and checks: conv2d
// (conv1d through it), conv2dTranspose, depthwiseConv2d, separableConv2d (the two after another), maxPool and
// avgPool. A convolution relates three tensors, x (batch, inH, inW, inC), the filter and y (batch, outH, outW,
// outC), and each can be computed from the other two: y is the convolution, x the input gradient given dy in
// y's place (conv2dTranspose is this product), the filter the filter gradient. conv2d computes them as matmuls
// over im2col patches (chunked by images), depthwiseConv2d by a direct kernel; each product's gradient with
// respect to an operand is the product that makes that operand, so gradients of gradients work. Pooling runs
// direct kernels; maxPool's gradient routes dy to where each max was found.

import { word } from '../backend/heap.js';
import type { Ptr } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import { activeBackend } from '../engine.js';
import { Tensor } from '../tensor/tensor.js';
import { checkInt, checkOneOf, checkRank, describe } from '../validate.js';
import { cast } from './cast.js';
import { checkDtype, convert, empty, kernels, op, type TensorLike } from './op.js';
import { reshape } from './shape.js';

type Operand = Tensor | TensorLike;
type Pair = number | [number, number];
/** 'valid', 'same', a padding for every side, or TF.js's explicit [[0, 0], [top, bottom], [left, right], [0, 0]]. */
export type Padding = 'valid' | 'same' | number | number[][];
type Rounding = 'floor' | 'round' | 'ceil';

/** The shapes of a convolution or pooling: what the kernels' descriptor holds. */
export interface Geometry {
  batch: number;
  inH: number;
  inW: number;
  inC: number;
  outH: number;
  outW: number;
  outC: number;
  fH: number;
  fW: number;
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}

/** Bytes of im2col patches made at a time: whole images, one at least. */
const COLS_BYTES = 1 << 24;

// ---- arguments ----

/** A float32 operand (tensor-like values parse as float32; TF.js refuses int32 tensors here too). */
function floats(name: string, arg: string, value: unknown): Tensor {
  const t = convert(name, arg, value, 'float32');
  checkDtype(name, arg, t, 'float32');
  return t;
}

/** A positive integer for both axes, or one for each. */
function pairOf(name: string, arg: string, value: unknown): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v >= 1)) {
    throw new Error(`${name}: ${arg} must be a positive integer or a pair of them, got ${describe(value)}`);
  }
  return pair as [number, number];
}

/** Only channels-last layouts are implemented; the channels-first ones TF.js takes are refused by name. */
function checkFormat(name: string, value: unknown, last: string, first: string): void {
  checkOneOf(name, 'dataFormat', value ?? last, [last, first]);
  if (value === first) throw new Error(`${name}: dataFormat '${first}' is not supported yet (use '${last}', channels last)`);
}

type Side = 'same' | 'valid' | number[];

/** The padding of each axis: its kind, or the explicit [before, after]. */
function padsOf(name: string, pad: unknown, rounding: unknown): [Side, Side] {
  if (rounding !== undefined && rounding !== null) {
    checkOneOf(name, 'dimRoundingMode', rounding, ['floor', 'round', 'ceil']);
    if (typeof pad === 'string') throw new Error(`${name}: pad must be a number or explicit padding when dimRoundingMode is given, got pad ${describe(pad)}`);
  }
  if (pad === 'same' || pad === 'valid') return [pad, pad];
  if (Number.isInteger(pad) && (pad as number) >= 0) return [[pad as number, pad as number], [pad as number, pad as number]];
  const pair = (p: unknown) => Array.isArray(p) && p.length === 2 && Array.from(p).every((v) => Number.isInteger(v) && v >= 0);
  if (Array.isArray(pad) && pad.length === 4 && Array.from(pad).every(pair) && pad[0][0] + pad[0][1] + pad[3][0] + pad[3][1] === 0) return [pad[1], pad[2]];
  throw new Error(`${name}: pad must be 'valid', 'same', an integer >= 0 or [[0, 0], [top, bottom], [left, right], [0, 0]], got ${describe(pad)}`);
}

/** The output size along one axis and the padding before it, as TF.js's conv_util computes them. */
function along(side: Side, size: number, window: number, stride: number, rounding: unknown): [number, number] {
  if (side === 'same') {
    const out = Math.ceil(size / stride);
    return [out, Math.floor(Math.max(0, (out - 1) * stride + window - size) / 2)];
  }
  if (side === 'valid') return [Math.ceil((size - window + 1) / stride), 0];
  const round = rounding === 'round' ? Math.round : rounding === 'ceil' ? Math.ceil : rounding === 'floor' ? Math.floor : Math.trunc;
  return [round((size - window + side[0] + side[1]) / stride + 1), side[0]];
}

/**
 * The geometry of a window (`arg`: the filter, or filterSize) of fH x fW over an image of `shape` (rank 4; the
 * argument `image`), refusing what TF.js refuses and outputs with no rows or columns; a pooling's windows must
 * each hold a value of x.
 */
function geometry(name: string, shape: number[], arg: string, fH: number, fW: number, outC: number, strides: unknown, pad: unknown, dilations: unknown, rounding: unknown, image = 'x'): Geometry {
  const [strideH, strideW] = pairOf(name, 'strides', strides);
  const [dilationH, dilationW] = pairOf(name, 'dilations', dilations ?? 1);
  if (Math.max(strideH, strideW) > 1 && Math.max(dilationH, dilationW) > 1) {
    throw new Error(`${name}: strides or dilations must be 1, got strides ${describe(strides)} and dilations ${describe(dilations)}`);
  }
  const [sideH, sideW] = padsOf(name, pad, rounding);
  const [batch, inH, inW, inC] = shape;
  const [effH, effW] = [(fH - 1) * dilationH + 1, (fW - 1) * dilationW + 1];
  const [outH, padTop] = along(sideH, inH, effH, strideH, rounding);
  const [outW, padLeft] = along(sideW, inW, effW, strideW, rounding);
  if (outH < 1 || outW < 1) throw new Error(`${name}: ${arg} (a ${effH}x${effW} window) does not fit in ${image} (${inH}x${inW}) with pad ${describe(pad)}`);
  const g = { batch, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW, dilationH, dilationW, padTop, padLeft };
  if (arg === 'filterSize' && (padTop >= fH || padLeft >= fW || (outH - 1) * strideH - padTop >= inH || (outW - 1) * strideW - padLeft >= inW)) {
    throw new Error(`${name}: with pad ${describe(pad)} some ${fH}x${fW} windows (filterSize) hold no value of x`);
  }
  return g;
}

/** Writes g into the backend's descriptor block (for `batch` images, all of them and all channels) and returns its address. */
function descriptor(g: Geometry, batch = g.batch): Ptr {
  const backend = activeBackend();
  const words = [batch, g.inH, g.inW, g.inC, g.outH, g.outW, g.outC, g.fH, g.fW, g.strideH, g.strideW, g.dilationH, g.dilationW, g.padTop, g.padLeft, 0, batch, 0, g.inC];
  backend.heap.i32.set(words, word(backend.desc));
  return backend.desc;
}

// ---- the three products of a convolution ----

type Kind = 'conv2d' | 'depthwiseConv2d';
/** The roles of a product's tensors, in the order the depthwise kernel's `made` counts them. */
const [X, FILTER, Y] = [0, 1, 2];

/**
 * Computes the role that is null in `roles` ([x, filter, y]) from the other two, and records it: the
 * gradient with respect to each operand is the product making that operand, with dy in this one's place.
 */
function product(kind: Kind, roles: Array<Tensor | null>, g: Geometry, patchesOfX: Tensor | null = null): Tensor {
  const made = roles.indexOf(null);
  const filterC = kind === 'conv2d' ? g.outC : g.outC / g.inC;
  const shapes = [
    [g.batch, g.inH, g.inW, g.inC],
    [g.fH, g.fW, g.inC, filterC],
    [g.batch, g.outH, g.outW, g.outC],
  ];
  const out = empty(kind, shapes[made], 'float32');
  const [x, filter, y] = roles.map((t) => t ?? out);
  // A forward pass on the tape keeps x's patches for the filter's gradient, which needs them again.
  let kept: Tensor | null = null;
  if (out.size > 0) {
    if (kind === 'conv2d') kept = patchProduct(made, x, filter, y, g, patchesOfX, made === Y && recording());
    else kernels().depthwise(made, x.ptr(kind), filter.ptr(kind), y.ptr(kind), descriptor(g));
  }
  if (recording()) {
    const given = [X, FILTER, Y].filter((r) => r !== made);
    const inputs = given.map((r) => roles[r]!);
    record(inputs, [out], kept ? [...inputs, kept] : inputs, ([dy], saved, needs) =>
      given.map((r, i) => {
        if (!needs[i]) return null;
        const next: Array<Tensor | null> = [null, null, null]; // r to be made from dy and the other operand
        next[made] = dy;
        next[given[1 - i]] = saved[1 - i];
        return product(kind, next, g, r === FILTER ? (saved[2] ?? null) : null);
      }),
    );
  }
  kept?.dispose(); // the tape holds its own handle
  return out;
}

/**
 * conv2d's products as matmuls over patches, a chunk of images at a time: y = patches(x)·filter,
 * filter = patches(x)ᵀ·dy (summed over the chunks), x = col2im(dy·filterᵀ). A 1x1 window at stride 1 without
 * padding is its own patches: x stands in for them. An x of one channel at column stride 1 (a first layer on
 * grey images, a conv1d on one series) has its patches made transposed, from long runs of x's rows. Patches
 * made in one chunk can be given (patchesOfX) or kept (keep: returned instead of freed).
 */
function patchProduct(made: number, x: Tensor, filter: Tensor, y: Tensor, g: Geometry, patchesOfX: Tensor | null, keep: boolean): Tensor | null {
  const k = kernels();
  const scratch = activeBackend().scratch;
  const depth = g.fH * g.fW * g.inC;
  const [inImage, outImage] = [g.inH * g.inW * g.inC, g.outH * g.outW];
  const direct = g.fH === 1 && g.fW === 1 && g.strideH === 1 && g.strideW === 1 && g.outH === g.inH && g.outW === g.inW;
  // A forward pass over x of few channels skips the patches (the filter's gradient makes its own): the direct
  // kernel beats patches + matmul up to 8 channels and ties at 16 (measured on the MNIST CNN and 3x3 layers);
  // up to 256 taps, the matmul's depth block, it sums each value as the matmul would.
  if (made === Y && !direct && g.inC <= 8 && g.outC % 8 === 0 && depth <= 256) {
    k.convDirect(x.ptr('conv2d'), filter.ptr('conv2d'), y.ptr('conv2d'), descriptor(g));
    return null;
  }
  const t = +(!direct && g.inC === 1 && g.strideW === 1); // patches transposed: (depth, rows)
  const per = direct ? g.batch : Math.max(1, Math.floor(COLS_BYTES / Math.max(1, outImage * depth * 4)));
  const cols = direct ? null : (patchesOfX ?? empty('conv2d', [Math.min(per, g.batch) * outImage, depth], 'float32'));
  if (made === FILTER && g.batch === 0) k.fill(filter.ptr('conv2d'), filter.size, 0);
  for (let first = 0; first < g.batch; first += per) {
    const count = Math.min(per, g.batch - first);
    const rows = count * outImage;
    const px = x.ptr('conv2d') + first * inImage * 4;
    const py = y.ptr('conv2d') + first * outImage * g.outC * 4;
    const patches = cols?.ptr('conv2d') ?? px;
    if (made !== X && cols && !patchesOfX) k.im2col(px, patches, descriptor(g, count), t);
    if (made === Y) k.matmul(patches, filter.ptr('conv2d'), py, rows, g.outC, depth, t, 0, 0, scratch);
    else if (made === FILTER) k.matmul(patches, py, filter.ptr('conv2d'), depth, g.outC, rows, 1 - t, 0, +(first > 0), scratch);
    else {
      if (t) k.matmul(filter.ptr('conv2d'), py, patches, depth, rows, g.outC, 0, 1, 0, scratch);
      else k.matmul(py, filter.ptr('conv2d'), patches, rows, depth, g.outC, 0, 1, 0, scratch);
      if (cols) k.col2im(patches, px, descriptor(g, count), t);
    }
  }
  if (keep && cols && per >= g.batch) return cols;
  if (cols !== patchesOfX) cols?.dispose();
  return null;
}

/**
 * conv2d and depthwiseConv2d: x of rank 3 or 4, a rank-4 filter (the argument named `filterArg`) whose third
 * axis is x's channels.
 */
function convolution(name: string, kind: Kind, x: Operand, filter: Operand, strides: unknown, pad: unknown, dataFormat: unknown, dilations: unknown, rounding: unknown, filterArg = 'filter'): Tensor {
  const $x = floats(name, 'x', x);
  const $filter = floats(name, filterArg, filter);
  checkRank(name, 'x', $x, 3, 4);
  checkRank(name, filterArg, $filter, 4);
  checkFormat(name, dataFormat, 'NHWC', 'NCHW');
  const x4 = $x.rank === 3 ? reshape($x, [1, ...$x.shape]) : $x;
  const [fH, fW, inC, filterC] = $filter.shape;
  if (x4.shape[3] !== inC) throw new Error(`${name}: x has ${x4.shape[3]} channels (its last axis), but ${filterArg} is for ${inC}`);
  if (fH < 1 || fW < 1) throw new Error(`${name}: ${filterArg} must have a height and width of at least 1, got shape [${$filter.shape.join(', ')}]`);
  // (a multiplier is the filter's last axis: with no channels, the output could not say what it was)
  if (kind === 'depthwiseConv2d' && inC === 0) throw new Error(`${name}: x must have at least one channel, got shape [${x4.shape.join(', ')}]`);
  const outC = kind === 'conv2d' ? filterC : inC * filterC;
  const y = product(kind, [x4, $filter, null], geometry(name, x4.shape, filterArg, fH, fW, outC, strides, pad, dilations, rounding));
  return $x.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * 2-D convolution of x (batch, height, width, inChannels), or one image of rank 3, with filter (filterHeight,
 * filterWidth, inChannels, outChannels). Gradients for x and the filter, dilated ones too (beyond TF.js).
 * @example tf.conv2d(tf.ones([1, 3, 3, 1]), tf.ones([2, 2, 1, 1]), 1, 'valid').print();
 */
export const conv2d = op(
  (x: Operand, filter: Operand, strides: Pair, pad: Padding, dataFormat: 'NHWC' | 'NCHW' = 'NHWC', dilations: Pair = 1, dimRoundingMode?: Rounding): Tensor =>
    convolution('conv2d', 'conv2d', x, filter, strides, pad, dataFormat, dilations, dimRoundingMode),
);

/**
 * 1-D convolution of x (batch, width, inChannels), or one sequence of rank 2, with filter (filterWidth,
 * inChannels, outChannels): conv2d over rows of height 1.
 * @example tf.conv1d(tf.ones([1, 5, 1]), tf.ones([3, 1, 1]), 1, 'same').print();
 */
export const conv1d = op((x: Operand, filter: Operand, stride: number, pad: Padding, dataFormat: 'NWC' | 'NCW' = 'NWC', dilation = 1, dimRoundingMode?: Rounding): Tensor => {
  const $x = floats('conv1d', 'x', x);
  const $filter = floats('conv1d', 'filter', filter);
  checkRank('conv1d', 'x', $x, 2, 3);
  checkRank('conv1d', 'filter', $filter, 3);
  checkFormat('conv1d', dataFormat, 'NWC', 'NCW');
  checkInt('conv1d', 'stride', stride, 1);
  const $dilation = dilation ?? 1; // null is TF.js's default too
  checkInt('conv1d', 'dilation', $dilation, 1);
  if (stride > 1 && $dilation > 1) throw new Error(`conv1d: stride or dilation must be 1, got stride ${stride} and dilation ${$dilation}`);
  const x4 = reshape($x, $x.rank === 2 ? [1, 1, ...$x.shape] : [$x.shape[0], 1, ...$x.shape.slice(1)]);
  const y = convolution('conv1d', 'conv2d', x4, reshape($filter, [1, ...$filter.shape]), [1, stride], pad, 'NHWC', [1, $dilation], dimRoundingMode);
  return reshape(y, $x.rank === 2 ? y.shape.slice(2) : [y.shape[0], ...y.shape.slice(2)]);
});

/**
 * Depthwise 2-D convolution: each of x's channels convolved with its own filters, filter (filterHeight,
 * filterWidth, inChannels, channelMultiplier), giving inChannels·channelMultiplier channels.
 * @example tf.depthwiseConv2d(tf.ones([1, 3, 3, 2]), tf.ones([2, 2, 2, 1]), 1, 'valid').print();
 */
export const depthwiseConv2d = op(
  (x: Operand, filter: Operand, strides: Pair, pad: Padding, dataFormat: 'NHWC' | 'NCHW' = 'NHWC', dilations: Pair = 1, dimRoundingMode?: Rounding): Tensor =>
    convolution('depthwiseConv2d', 'depthwiseConv2d', x, filter, strides, pad, dataFormat, dilations, dimRoundingMode),
);

/**
 * The transposed 2-D convolution ("deconvolution") of x (batch, height, width, inChannels), or one image of
 * rank 3, with filter (filterHeight, filterWidth, outChannels, inChannels): conv2d's input gradient, an image
 * of outputShape whose conv2d by the filter (strides, pad) has x's shape. Gradients for x and the filter.
 * @example tf.conv2dTranspose(tf.ones([1, 2, 2, 1]), tf.ones([2, 2, 1, 1]), [1, 3, 3, 1], 1, 'valid').print();
 */
export const conv2dTranspose = op(
  (x: Operand, filter: Operand, outputShape: [number, number, number, number] | [number, number, number], strides: Pair, pad: Padding, dimRoundingMode?: Rounding): Tensor => {
    const name = 'conv2dTranspose';
    const $x = floats(name, 'x', x);
    const $filter = floats(name, 'filter', filter);
    checkRank(name, 'x', $x, 3, 4);
    checkRank(name, 'filter', $filter, 4);
    const batched = $x.rank === 4;
    if (!Array.isArray(outputShape) || outputShape.length !== $x.rank || !Array.from(outputShape).every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`${name}: outputShape must be [${batched ? 'batch, ' : ''}height, width, outChannels] as x has rank ${$x.rank}, got ${describe(outputShape)}`);
    }
    const [fH, fW, outC, inC] = $filter.shape;
    if ($x.shape[$x.rank - 1] !== inC) throw new Error(`${name}: x has ${$x.shape[$x.rank - 1]} channels (its last axis), but filter is for ${inC} (its last axis)`);
    if (outputShape[$x.rank - 1] !== outC) throw new Error(`${name}: outputShape has ${outputShape[$x.rank - 1]} channels (its last entry), but filter makes ${outC} (its third axis)`);
    if (fH < 1 || fW < 1) throw new Error(`${name}: filter must have a height and width of at least 1, got shape [${$filter.shape.join(', ')}]`);
    const g = geometry(name, batched ? outputShape : [1, ...outputShape], 'filter', fH, fW, inC, strides, pad, 1, dimRoundingMode, 'outputShape');
    // x stands where conv2d's output would: it must have that output's shape
    const expected = [...(batched ? [g.batch] : []), g.outH, g.outW, inC];
    if (expected.some((d, i) => d !== $x.shape[i])) {
      throw new Error(`${name}: x must have shape [${expected.join(', ')}], conv2d's output for outputShape [${outputShape.join(', ')}] with strides ${describe(strides)} and pad ${describe(pad)}; got [${$x.shape.join(', ')}]`);
    }
    const y = product('conv2d', [null, $filter, batched ? $x : reshape($x, [1, ...$x.shape])], g);
    return batched ? y : reshape(y, y.shape.slice(1));
  },
);

/**
 * Separable 2-D convolution: x (batch, height, width, inChannels), or one image of rank 3, convolved channel by
 * channel by depthwiseFilter (filterHeight, filterWidth, inChannels, channelMultiplier), as depthwiseConv2d,
 * then mixed by pointwiseFilter (1, 1, inChannels·channelMultiplier, outChannels), a 1x1 conv2d.
 * @example tf.separableConv2d(tf.ones([1, 3, 3, 2]), tf.ones([2, 2, 2, 1]), tf.ones([1, 1, 2, 3]), 1, 'valid').print();
 */
export const separableConv2d = op(
  (x: Operand, depthwiseFilter: Operand, pointwiseFilter: Operand, strides: Pair, pad: Padding, dilation: Pair = 1, dataFormat: 'NHWC' | 'NCHW' = 'NHWC'): Tensor => {
    const name = 'separableConv2d';
    const $x = floats(name, 'x', x);
    const $depthwise = floats(name, 'depthwiseFilter', depthwiseFilter);
    const $pointwise = floats(name, 'pointwiseFilter', pointwiseFilter);
    checkRank(name, 'depthwiseFilter', $depthwise, 4);
    checkRank(name, 'pointwiseFilter', $pointwise, 4);
    const channels = $depthwise.shape[2] * $depthwise.shape[3];
    if ($pointwise.shape[0] !== 1 || $pointwise.shape[1] !== 1 || $pointwise.shape[2] !== channels) {
      throw new Error(`${name}: pointwiseFilter must have shape [1, 1, ${channels}, outChannels] (${channels}: inChannels·channelMultiplier of depthwiseFilter), got [${$pointwise.shape.join(', ')}]`);
    }
    // checked here to name this op's arguments: `dilation`, not depthwiseConv2d's `dilations`
    const dilations = pairOf(name, 'dilation', dilation ?? 1);
    if (Math.max(...pairOf(name, 'strides', strides)) > 1 && Math.max(...dilations) > 1) {
      throw new Error(`${name}: strides or dilation must be 1, got strides ${describe(strides)} and dilation ${describe(dilation)}`);
    }
    const depthwise = convolution(name, 'depthwiseConv2d', $x, $depthwise, strides, pad, dataFormat, dilations, undefined, 'depthwiseFilter');
    return convolution(name, 'conv2d', depthwise, $pointwise, 1, 'valid', 'NHWC', 1, undefined, 'pointwiseFilter');
  },
);

// ---- pooling ----

/** Positions where maxPool found each max, dy added there: maxPool's gradient (its own is gatherAt). */
function scatterAt(dy: Tensor, positions: Tensor, g: Geometry): Tensor {
  const dx = empty('maxPool', [g.batch, g.inH, g.inW, g.inC], 'float32');
  if (dx.size > 0) kernels().maxPoolBackward(dy.ptr('maxPool'), positions.ptr('maxPool'), dx.ptr('maxPool'), descriptor(g));
  if (recording()) record([dy], [dx], [positions], ([d], [at]) => [gatherAt(d, at, g)]);
  return dx;
}

/** The values of x at the positions, of maxPool's output shape: the adjoint of scatterAt. */
function gatherAt(x: Tensor, positions: Tensor, g: Geometry): Tensor {
  const out = empty('maxPool', [g.batch, g.outH, g.outW, g.inC], 'float32');
  if (out.size > 0) kernels().gather(x.ptr('maxPool'), positions.ptr('maxPool'), out.ptr('maxPool'), 1, 1, x.size, out.size, 1);
  if (recording()) record([x], [out], [positions], ([d], [at]) => [scatterAt(d, at, g)]);
  return out;
}

/** avgPool of float32 x, or (back) its gradient given dy: each records the other as its gradient. */
function averaged(t: Tensor, g: Geometry, back: boolean): Tensor {
  const out = empty('avgPool', back ? [g.batch, g.inH, g.inW, g.inC] : [g.batch, g.outH, g.outW, g.inC], 'float32');
  if (out.size > 0) {
    if (back) kernels().avgPoolBackward(t.ptr('avgPool'), out.ptr('avgPool'), descriptor(g));
    else kernels().avgPool(t.ptr('avgPool'), out.ptr('avgPool'), descriptor(g));
  }
  if (recording()) record([t], [out], [], ([dy]) => [averaged(dy, g, !back)]);
  return out;
}

/** maxPool and avgPool: x of rank 3 or 4, windows of filterSize, dilation 1. */
function pooling(name: 'maxPool' | 'avgPool', x: Tensor, filterSize: unknown, strides: unknown, pad: unknown, rounding: unknown): Tensor {
  checkRank(name, 'x', x, 3, 4);
  const x4 = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
  const [fH, fW] = pairOf(name, 'filterSize', filterSize);
  const g = geometry(name, x4.shape, 'filterSize', fH, fW, x4.shape[3], strides, pad, 1, rounding);
  let y: Tensor;
  if (name === 'avgPool') y = averaged(x4, g, false);
  else {
    const floats = x4.dtype === 'float32' ? x4 : cast(x4, 'float32');
    y = empty(name, [g.batch, g.outH, g.outW, g.inC], 'float32');
    const positions = recording() ? empty(name, y.shape.slice(), 'int32') : null;
    if (y.size > 0) kernels().maxPool(floats.ptr(name), y.ptr(name), positions?.ptr(name) ?? 0, descriptor(g));
    if (positions) {
      record([floats], [y], [positions], ([dy], [at]) => [scatterAt(dy, at, g)]);
      positions.dispose(); // the tape holds its own handle
    }
    if (x.dtype !== 'float32') y = cast(y, x.dtype);
  }
  return x.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * The max of each filterSize window of x (batch, height, width, channels), or one image of rank 3; its
 * gradient goes to the first max of each window. int32 and bool x are pooled as float32 (exact to 2^24).
 * @example tf.maxPool(tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), 2, 1, 'valid').print();
 */
export const maxPool = op((x: Operand, filterSize: Pair, strides: Pair, pad: Padding, dimRoundingMode?: Rounding): Tensor =>
  pooling('maxPool', convert('maxPool', 'x', x), filterSize, strides, pad, dimRoundingMode),
);

/**
 * The mean of each filterSize window of x (batch, height, width, channels), or one image of rank 3, over the
 * values of x it holds (padding left out, as TF.js). Its gradient divides by that count too (TF.js's divides
 * by the window's size, which differs at padded edges).
 * @example tf.avgPool(tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]), 2, 1, 'valid').print();
 */
export const avgPool = op((x: Operand, filterSize: Pair, strides: Pair, pad: Padding, dimRoundingMode?: Rounding): Tensor =>
  pooling('avgPool', floats('avgPool', 'x', x), filterSize, strides, pad, dimRoundingMode),
);

declare module '../tensor/tensor.js' {
  interface Tensor {
    conv1d(filter: Operand, stride: number, pad: Padding, dataFormat?: 'NWC' | 'NCW', dilation?: number, dimRoundingMode?: Rounding): Tensor;
    conv2d(filter: Operand, strides: Pair, pad: Padding, dataFormat?: 'NHWC' | 'NCHW', dilations?: Pair, dimRoundingMode?: Rounding): Tensor;
    conv2dTranspose(filter: Operand, outputShape: [number, number, number, number] | [number, number, number], strides: Pair, pad: Padding, dimRoundingMode?: Rounding): Tensor;
    depthwiseConv2d(filter: Operand, strides: Pair, pad: Padding, dataFormat?: 'NHWC' | 'NCHW', dilations?: Pair, dimRoundingMode?: Rounding): Tensor;
    separableConv2d(depthwiseFilter: Operand, pointwiseFilter: Operand, strides: Pair, pad: Padding, dilation?: Pair, dataFormat?: 'NHWC' | 'NCHW'): Tensor;
    maxPool(filterSize: Pair, strides: Pair, pad: Padding, dimRoundingMode?: Rounding): Tensor;
    avgPool(filterSize: Pair, strides: Pair, pad: Padding, dimRoundingMode?: Rounding): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  conv1d(this: Tensor, ...args: Parameters<Tensor['conv1d']>) {
    return conv1d(this, ...args);
  },
  conv2d(this: Tensor, ...args: Parameters<Tensor['conv2d']>) {
    return conv2d(this, ...args);
  },
  conv2dTranspose(this: Tensor, ...args: Parameters<Tensor['conv2dTranspose']>) {
    return conv2dTranspose(this, ...args);
  },
  depthwiseConv2d(this: Tensor, ...args: Parameters<Tensor['depthwiseConv2d']>) {
    return depthwiseConv2d(this, ...args);
  },
  separableConv2d(this: Tensor, ...args: Parameters<Tensor['separableConv2d']>) {
    return separableConv2d(this, ...args);
  },
  maxPool(this: Tensor, ...args: Parameters<Tensor['maxPool']>) {
    return maxPool(this, ...args);
  },
  avgPool(this: Tensor, ...args: Parameters<Tensor['avgPool']>) {
    return avgPool(this, ...args);
  },
});
