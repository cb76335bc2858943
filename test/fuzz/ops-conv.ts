// Fuzz catalogue entries for convolution and pooling (src/ops/conv.ts): tensors of the wrong rank, dtype or
// channels, windows larger than a 'valid' input, conv2dTranspose outputShapes whose conv2d is not x,
// separableConv2d pointwise filters that do not fit, strides, dilations and window sizes that are not positive
// integers (or both above 1), paddings and rounding modes TF.js does not know, and the channels-first layouts
// neurite refuses by name.

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { bad, badOf, disposedR, integer, missing, name, notTensorLike, tensorOf, tensorR, type TensorInfo, wrongType } from './arbitraries.js';
import type { Bad, Entry, Param, Recipe } from './harness.js';

const disposed = badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] });
const shapeOf = (v: unknown) => ((v as Recipe<TensorInfo>).info as TensorInfo).shape;
const int32 = badOf('int32 tensor', fc.constant(tensorR([1, 2, 2, 1], [1, 2, 3, 4], 'int32')), { mentions: ['dtype'] });

/** A tensor of one of `ranks`, dims 2. */
const ofRank = (...ranks: number[]) => badOf('wrong rank', fc.constantFrom(...ranks).chain((r) => tensorOf(new Array<number>(r).fill(2))), { mentions: ['rank'] });

/** x with one channel more than the filter takes. */
const moreChannels = badOf('channels that do not match the filter', (v) => tensorOf([...shapeOf(v[0]).slice(0, -1), shapeOf(v[0]).at(-1)! + 1]), { mentions: ['channels'] });

/** A positive integer, or a pair of them (strides, dilations, filterSize); integer()'s wrong types hold no pair. */
const pairKinds = (also: Bad[] = []): Bad[] => [...integer({ min: 1 }), bad('a pair with 0', [1, 0], [0, 2]), bad('a pair with a non-integer', [1, 1.5]), ...also];

/** Dilations above 1 where the strides are too. */
const withStrides = (at: number) => badOf('above 1 with strides above 1', fc.constant(2), { when: (v) => v[at] !== 1, mentions: ['dilations', 'dilation'] });

/** pad's kinds; with `window`, 'valid' where the valid arguments pad 'same' (just where that window is larger than x). */
const pad = (window?: string, at?: number): Param => ({
  name: 'pad',
  bad: [
    bad('unknown name', 'full', 'VALID', 'causal', ''),
    bad('negative', -1),
    bad('non-integer', 1.5, NaN, Infinity),
    bad('explicit padding of the batch or channel axis', [[1, 0], [0, 0], [0, 0], [0, 0]], [[0, 0], [1, 1], [1, 1], [0, 2]]),
    bad('explicit padding that is not four pairs', [[0, 0], [1, 1]], [[0, 0], [1], [1, 1], [0, 0]]),
    ...wrongType('string', 'number', 'array'),
    ...missing,
    ...(window === undefined ? [] : [badOf(`'valid' for a ${window} larger than x`, fc.constant('valid'), { when: (v) => v[at!] === 'same', mentions: [window] })]),
  ],
});

const dimRoundingMode = (padAt: number): Param => ({
  name: 'dimRoundingMode',
  bad: [...name(['floor', 'round', 'ceil']), badOf('with a string pad', fc.constant('ceil'), { when: (v) => typeof v[padAt] === 'string', mentions: ['pad'] })],
});

const dataFormat = (last: string, first: string): Param => ({
  name: 'dataFormat',
  bad: [...name([last, first]), bad('channels first (not supported yet)', first)],
});

/** x (batch, h, w, c) and a filter (fh, fw, c, f) with fh, fw up to one more than h, w; padding 'valid' when it fits. */
const convArgs = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })).chain(([b, h, w, c, f]) =>
  fc.tuple(fc.integer({ min: 1, max: h + 1 }), fc.integer({ min: 1, max: w + 1 })).chain(([fh, fw]) =>
    fc.tuple(tensorOf([b, h, w, c]), tensorOf([fh, fw, c, f]), fc.constantFrom(1, 2, [1, 2]), fc.constant(fh > h || fw > w ? 'same' : 'valid'), fc.constant(undefined), fc.constantFrom(undefined, 1), fc.constant(undefined)),
  ),
);

/** A filter of `ranks` or of the wrong kind; one taller than x (`taller` gives its shape) where the padding is 'valid'. */
const filterParam = (taller: (x: number[], filter: number[]) => number[], ...ranks: number[]): Param => ({
  name: 'filter',
  bad: [...notTensorLike, disposed, int32, ofRank(...ranks), badOf("larger than x with 'valid'", (v) => tensorOf(taller(shapeOf(v[0]), shapeOf(v[1]))), { when: (v) => v[3] === 'valid', mentions: ['filter'] })],
});

const conv2dLike = (op: 'conv2d' | 'depthwiseConv2d'): Entry => ({
  name: `tf.${op}`,
  params: [
    { name: 'x', bad: [...notTensorLike, disposed, int32, ofRank(1, 2, 5), moreChannels] },
    filterParam((x, f) => [x[1] + 1, 1, ...f.slice(2)], 3, 5),
    { name: 'strides', bad: [...pairKinds(), ...missing] },
    pad('filter', 3),
    dataFormat('NHWC', 'NCHW'),
    { name: 'dilations', bad: pairKinds([withStrides(2)]) },
    dimRoundingMode(3),
  ],
  args: convArgs,
  call: (x, f, s, p, d, dl, r) => tf[op](x, f, s, p, d, dl, r),
});

/** Windows of at most x's size, plus one along an axis where the padding is 'same'. */
const poolArgs = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 })).chain(([b, h, w, c]) =>
  fc.tuple(tensorOf([b, h, w, c]), fc.oneof(fc.integer({ min: 1, max: Math.min(h, w) + 1 }), fc.tuple(fc.integer({ min: 1, max: h + 1 }), fc.integer({ min: 1, max: w + 1 })))).chain(([x, size]) => {
    const [fh, fw] = typeof size === 'number' ? [size, size] : size;
    return fc.tuple(fc.constant(x), fc.constant(size), fc.constantFrom(1, 2, [2, 1]), fc.constant(fh > h || fw > w ? 'same' : 'valid'), fc.constant(undefined));
  }),
);

const pool = (op: 'maxPool' | 'avgPool'): Entry => ({
  name: `tf.${op}`,
  params: [
    { name: 'x', bad: [...notTensorLike, disposed, ofRank(1, 2, 5), ...(op === 'avgPool' ? [int32] : [])] },
    { name: 'filterSize', bad: [...pairKinds(), ...missing, badOf(`larger than x with 'valid'`, (v) => fc.constant(Math.max(...shapeOf(v[0]).slice(-3, -1)) + 1), { when: (v) => v[3] === 'valid' })] },
    { name: 'strides', bad: [...pairKinds(), ...missing] },
    pad('filterSize', 3),
    dimRoundingMode(3),
  ],
  args: poolArgs,
  call: (x, size, s, p, r) => tf[op](x, size, s, p, r),
});

/**
 * conv2dTranspose: an outputShape (batch, h, w, c), a filter (fh, fw, c, f) no larger than it, and x of the
 * shape conv2d makes of outputShape with them (the sizes TF.js's conv_util computes).
 */
const transposeArgs = fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.constantFrom(1, 2)).chain(([b, h, w, c, f, s]) =>
  fc.tuple(fc.integer({ min: 1, max: h }), fc.integer({ min: 1, max: w }), fc.constantFrom('same', 'valid')).chain(([fh, fw, p]) => {
    const out = (n: number, k: number) => Math.ceil((p === 'same' ? n : n - k + 1) / s);
    return fc.tuple(tensorOf([b, out(h, fh), out(w, fw), f]), tensorOf([fh, fw, c, f]), fc.constant([b, h, w, c]), fc.constant(s), fc.constant(p), fc.constant(undefined));
  }),
);

/** An outputShape given as valid but for one entry. */
const otherOutput = (kind: string, change: (shape: number[], stride: number) => number[]) => badOf(kind, (v) => fc.constant(change(v[2] as number[], v[3] as number)), { mentions: ['outputShape'] });

/** separableConv2d: conv2d's arguments, the filter as the depthwise one (f its multiplier), and a pointwise filter to 2 channels. */
const separableArgs = convArgs.chain(([x, f, s, p, , dl]) => {
  const [, , c, m] = shapeOf(f);
  return fc.tuple(fc.constant(x), fc.constant(f), tensorOf([1, 1, c * m, 2]), fc.constant(s), fc.constant(p), fc.constant(dl), fc.constant(undefined));
});

export const convEntries: Entry[] = [
  conv2dLike('conv2d'),
  conv2dLike('depthwiseConv2d'),
  {
    name: 'tf.conv1d',
    params: [
      { name: 'x', bad: [...notTensorLike, disposed, int32, ofRank(1, 4), moreChannels] },
      filterParam((x, f) => [x[1] + 1, ...f.slice(1)], 2, 4),
      { name: 'stride', bad: [...integer({ min: 1 }), ...missing] },
      pad('filter', 3),
      dataFormat('NWC', 'NCW'),
      { name: 'dilation', bad: [...integer({ min: 1 }), withStrides(2)] },
      dimRoundingMode(3),
    ],
    args: convArgs.map(([x, f, s, , , dl, r]) => {
      const [xs, fs] = [shapeOf(x), shapeOf(f)];
      // rows of height 1: x (batch, w, c), filter (fw, c, f)
      const x3 = tensorR([xs[0], xs[2], xs[3]], new Array<number>(xs[0] * xs[2] * xs[3]).fill(0.5));
      const f3 = tensorR([fs[1], fs[2], fs[3]], new Array<number>(fs[1] * fs[2] * fs[3]).fill(0.25));
      return [x3, f3, Array.isArray(s) ? s[1] : s, fs[1] > xs[2] ? 'same' : 'valid', undefined, dl, r];
    }),
    call: (x, f, s, p, d, dl, r) => tf.conv1d(x, f, s, p, d, dl, r),
  },
  {
    name: 'tf.conv2dTranspose',
    params: [
      { name: 'x', bad: [...notTensorLike, disposed, int32, ofRank(1, 2, 5), moreChannels] },
      { name: 'filter', bad: [...notTensorLike, disposed, int32, ofRank(3, 5)] },
      {
        name: 'outputShape',
        bad: [
          ...wrongType('array'),
          ...missing,
          bad('another rank than x', [5, 5, 2], [1, 5, 5, 2, 1]),
          bad('sizes that are not integers >= 0', [1, 2.5, 2, 1], [1, -1, 2, 1], [1, NaN, 2, 1]),
          otherOutput('channels other than the filter makes', (o) => [...o.slice(0, 3), o[3] + 1]),
          otherOutput("a height whose conv2d is not x's", (o, s) => [o[0], o[1] + 2 * s, ...o.slice(2)]),
          otherOutput("a batch other than x's", (o) => [o[0] + 1, ...o.slice(1)]),
        ],
      },
      { name: 'strides', bad: [...pairKinds(), ...missing] },
      pad(),
      dimRoundingMode(4),
    ],
    args: transposeArgs,
    call: (x, f, o, s, p, r) => tf.conv2dTranspose(x, f, o, s, p, r),
  },
  {
    name: 'tf.separableConv2d',
    params: [
      { name: 'x', bad: [...notTensorLike, disposed, int32, ofRank(1, 2, 5), moreChannels] },
      {
        name: 'depthwiseFilter',
        bad: [...notTensorLike, disposed, int32, ofRank(3, 5), badOf("larger than x with 'valid'", (v) => tensorOf([shapeOf(v[0])[1] + 1, 1, ...shapeOf(v[1]).slice(2)]), { when: (v) => v[4] === 'valid' })],
      },
      {
        name: 'pointwiseFilter',
        bad: [
          ...notTensorLike,
          disposed,
          int32,
          ofRank(2, 3, 5),
          badOf('another depth than depthwiseFilter makes', (v) => tensorOf([1, 1, shapeOf(v[2])[2] + 1, 2])),
          badOf('a window larger than 1x1', (v) => tensorOf([2, 1, shapeOf(v[2])[2], 2])),
        ],
      },
      { name: 'strides', bad: [...pairKinds(), ...missing] },
      pad('depthwiseFilter', 4),
      { name: 'dilation', bad: pairKinds([withStrides(3)]) },
      dataFormat('NHWC', 'NCHW'),
    ],
    args: separableArgs,
    call: (x, d, p, s, pd, dl, f) => tf.separableConv2d(x, d, p, s, pd, dl, f),
  },
  pool('maxPool'),
  pool('avgPool'),
];
