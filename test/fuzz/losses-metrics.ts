// Fuzz catalogue entries for tf.losses and tf.metrics (src/ops/losses.ts, metrics.ts): labels and predictions
// of another shape, weights that do not broadcast to the losses, reductions that are not a tf.Reduction, and
// each loss's own number (delta, epsilon, labelSmoothing, axis).

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { bad, badOf, disposedR, missing, nested, notTensorLike, shapeOf, shapeOfNested, tensorOf, wrongType } from './arbitraries.js';
import { type Bad, type Entry, type Gen, Recipe } from './harness.js';

const disposed = badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] });
const shapeOfArg = (v: unknown): number[] => (v instanceof Recipe ? (v.info as { shape: number[] }).shape : shapeOfNested(v));
const valuesOf = (s: number[]): Gen => fc.oneof(tensorOf(s), nested(s));

/** x (args[0]) of rank >= 1 with one dim (not 1) made one longer: neither the same shape nor broadcastable. */
const otherShape = (s: number[]) => s.map((d, i) => (i === s.findIndex((e) => e !== 1) ? d + 1 : d));
const anotherShape = badOf('another shape', (v) => tensorOf(otherShape(shapeOfArg(v[0]))), { when: (v) => shapeOfArg(v[0]).some((d) => d !== 1), mentions: ['shapes'] });

/** A tensor argument that may be left out (weights): everything not tensor-like but undefined and null. */
const optionalTensor = notTensorLike.filter((b) => !missing.includes(b));
const weightsKinds: Bad[] = [
  ...optionalTensor,
  disposed,
  badOf('not broadcastable to the losses', (v) => tensorOf([...shapeOfArg(v[0]), 2]), { mentions: ['weights', 'broadcast'] }),
];
const reductionKinds: Bad[] = [bad('not a tf.Reduction', 4, -1, 1.5, NaN, 'mean', 'SUM'), ...wrongType('number', 'string')];
const numberKinds: Bad[] = [bad('NaN', NaN), bad('Infinity', Infinity, -Infinity), ...wrongType('number')];

/**
 * labels, predictions of one shape (rank 1 to 3), weights (none, or one per loss: `perRow` when the loss
 * reduces the last axis away), the `extra` arguments, a reduction.
 */
const lossArgs = (extra: Gen[] = [], perRow = false) =>
  fc
    .integer({ min: 1, max: 3 })
    .chain(shapeOf)
    .chain((s) =>
      fc.tuple(valuesOf(s), valuesOf(s), fc.oneof(fc.constantFrom<unknown>(undefined, null), tensorOf(perRow ? s.slice(0, -1) : s)), ...extra, fc.constantFrom(undefined, 0, 1, 2, 3)),
    );

const pair = (first: string, second: string) => [
  { name: first, bad: [...notTensorLike, disposed] },
  { name: second, bad: [...notTensorLike, disposed, anotherShape] },
];

type LossCall = (...args: unknown[]) => tf.Tensor;
const losses = tf.losses as unknown as Record<string, LossCall>;
const metrics = tf.metrics as unknown as Record<string, LossCall>;

/** A loss of (labels, predictions, weights?, reduction?). */
const plain = (name: string): Entry => ({
  name: `tf.losses.${name}`,
  params: [...pair('labels', 'predictions'), { name: 'weights', bad: weightsKinds }, { name: 'reduction', bad: reductionKinds }],
  args: lossArgs(),
  call: (l, p, w, r) => losses[name](l, p, w, r),
});

/** A loss with a number before the reduction (huberLoss's delta, logLoss's epsilon, the label smoothing). */
const withNumber = (name: string, first: string, second: string, number: string, kinds: Bad[], valid: Gen<number>): Entry => ({
  name: `tf.losses.${name}`,
  params: [...pair(first, second), { name: 'weights', bad: weightsKinds }, { name: number, bad: kinds }, { name: 'reduction', bad: reductionKinds }],
  args: lossArgs([valid], name === 'softmaxCrossEntropy'),
  call: (l, p, w, n, r) => losses[name](l, p, w, n, r),
});

const smoothing: Bad[] = [...numberKinds, bad('outside [0, 1]', -0.1, 1.5)];

export const lossMetricEntries: Entry[] = [
  ...['absoluteDifference', 'meanSquaredError', 'hingeLoss'].map(plain),
  withNumber('huberLoss', 'labels', 'predictions', 'delta', numberKinds, fc.constantFrom(0.5, 1, 2)),
  withNumber('logLoss', 'labels', 'predictions', 'epsilon', numberKinds, fc.constantFrom(1e-7, 1e-3)),
  withNumber('sigmoidCrossEntropy', 'multiClassLabels', 'logits', 'labelSmoothing', smoothing, fc.constantFrom(0, 0.1, 1)),
  withNumber('softmaxCrossEntropy', 'onehotLabels', 'logits', 'labelSmoothing', smoothing, fc.constantFrom(0, 0.1, 1)),
  {
    name: 'tf.losses.cosineDistance',
    params: [
      ...pair('labels', 'predictions'),
      { name: 'axis', bad: [badOf('out of range', (v) => fc.constantFrom(shapeOfArg(v[0]).length, -shapeOfArg(v[0]).length - 1)), bad('non-integer', 0.5), bad('NaN', NaN), ...wrongType('number')] },
      { name: 'weights', bad: weightsKinds.filter((b) => b.kind !== 'not broadcastable to the losses') },
      { name: 'reduction', bad: reductionKinds },
    ],
    args: fc
      .integer({ min: 1, max: 3 })
      .chain(shapeOf)
      .chain((s) => fc.tuple(valuesOf(s), valuesOf(s), fc.integer({ min: -s.length, max: s.length - 1 }), fc.constant(undefined), fc.constantFrom(undefined, 0, 3))),
    call: (l, p, a, w, r) => losses.cosineDistance(l, p, a, w, r),
  },
  {
    name: 'tf.losses.computeWeightedLoss',
    params: [{ name: 'losses', bad: [...notTensorLike, disposed] }, { name: 'weights', bad: weightsKinds }, { name: 'reduction', bad: reductionKinds }],
    args: fc
      .integer({ min: 0, max: 3 })
      .chain(shapeOf)
      .chain((s) => fc.tuple(valuesOf(s), fc.oneof(fc.constant(undefined), tensorOf(s.map(() => 1))), fc.constantFrom(undefined, 0, 1, 2, 3))),
    call: (l, w, r) => losses.computeWeightedLoss(l, w, r),
  },
  ...['binaryAccuracy', 'categoricalAccuracy', 'precision', 'recall', 'meanSquaredError', 'meanAbsoluteError', 'cosineProximity', 'r2Score', 'binaryCrossentropy', 'categoricalCrossentropy'].map(
    (name): Entry => ({
      name: `tf.metrics.${name}`,
      params: pair('yTrue', 'yPred'),
      args: fc.integer({ min: 1, max: 3 }).chain(shapeOf).chain((s) => fc.tuple(valuesOf(s), valuesOf(s))),
      call: (t, p) => metrics[name](t, p),
    }),
  ),
];
