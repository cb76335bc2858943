// tf.losses: TF.js core's loss ops, each an elementwise loss made of ops (so its gradient is the tape's) and
// then reduced by computeWeightedLoss with optional weights. As in TF.js, the default reduction is
// SUM_BY_NONZERO_WEIGHTS: the weighted sum over the number of non-zero weights (every element when unweighted).

import type { Tensor } from '../tensor/tensor.js';
import { checkNumber, describe } from '../validate.js';
import { logSoftmax, relu } from './activations.js';
import { add, div, minimum, mul, sub } from './arithmetic.js';
import { cast } from './cast.js';
import { notEqual } from './compare.js';
import { ones } from './creation.js';
import { checkSameShape, convert, op, parseAxes, type TensorLike } from './op.js';
import { mean, sum } from './reduce.js';
import { abs, exp, log, log1p, neg, square } from './unary.js';

type Operand = Tensor | TensorLike;
type Weights = Operand | null | undefined;

/** How a loss's elements are reduced (TF.js's tf.Reduction). */
export enum Reduction {
  NONE = 0,
  MEAN = 1,
  SUM = 2,
  SUM_BY_NONZERO_WEIGHTS = 3,
}

const REDUCTIONS = [Reduction.NONE, Reduction.MEAN, Reduction.SUM, Reduction.SUM_BY_NONZERO_WEIGHTS];

/** Reduces a tensor of losses, weighted (weights broadcast against losses), by `reduction`. */
export const computeWeightedLoss = op((losses: Operand, weights?: Weights, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor =>
  weighted('computeWeightedLoss', convert('computeWeightedLoss', 'losses', losses), weights, reduction),
);

function weighted(name: string, losses: Tensor, weights: Weights, reduction: Reduction): Tensor {
  if (!REDUCTIONS.includes(reduction)) {
    throw new Error(`${name}: reduction must be a tf.Reduction (NONE 0, MEAN 1, SUM 2, SUM_BY_NONZERO_WEIGHTS 3), got ${describe(reduction)}`);
  }
  const $weights = weights === null || weights === undefined ? null : convert(name, 'weights', weights);
  const offset = losses.rank - ($weights?.rank ?? 0);
  if ($weights && (offset < 0 || $weights.shape.some((d, i) => d !== 1 && d !== losses.shape[offset + i]))) {
    throw new Error(`${name}: weights of shape [${$weights.shape.join(',')}] do not broadcast to the losses' shape [${losses.shape.join(',')}]`);
  }
  const loss = $weights ? mul(losses, $weights) : losses;
  if (reduction === Reduction.NONE) return loss;
  if (reduction === Reduction.SUM) return sum(loss);
  if (!$weights) return mean(loss);
  if (reduction === Reduction.MEAN) {
    const result = div(sum(loss), sum($weights));
    const factor = losses.size / $weights.size;
    return factor > 1 ? div(result, factor) : result;
  }
  const counted = cast(sum(notEqual(mul($weights, ones(losses.shape)), 0)), 'float32');
  return div(sum(loss), counted);
}

/** labels and predictions of one shape, converted; checked before anything is computed. */
function pair(name: string, labels: Operand, predictions: Operand, names = ['labels', 'predictions']): [Tensor, Tensor] {
  const $labels = convert(name, names[0], labels);
  const $predictions = convert(name, names[1], predictions);
  checkSameShape(name, `${names[0]} and ${names[1]}`, $labels.shape, $predictions.shape);
  return [$labels, $predictions];
}

/** A loss op of (labels, predictions, weights?, reduction?) from its elementwise loss. */
function lossOp(name: string, elementwise: (labels: Tensor, predictions: Tensor) => Tensor) {
  return op((labels: Operand, predictions: Operand, weights?: Weights, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor => {
    const [$labels, $predictions] = pair(name, labels, predictions);
    return weighted(name, elementwise($labels, $predictions), weights, reduction);
  });
}

/** |labels - predictions|. */
export const absoluteDifference = lossOp('absoluteDifference', (labels, predictions) => abs(sub(labels, predictions)));

/** (labels - predictions)². */
export const meanSquaredError = lossOp('meanSquaredError', (labels, predictions) => square(sub(labels, predictions)));

/** max(0, 1 - (2·labels - 1)·predictions), labels in {0, 1}. */
export const hingeLoss = lossOp('hingeLoss', (labels, predictions) => relu(sub(1, mul(sub(mul(labels, 2), 1), predictions))));

/** Quadratic within delta of the label, linear beyond. */
export const huberLoss = op(
  (labels: Operand, predictions: Operand, weights?: Weights, delta: number = 1, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor => {
    const [$labels, $predictions] = pair('huberLoss', labels, predictions);
    checkNumber('huberLoss', 'delta', delta);
    const error = abs(sub($predictions, $labels));
    const quadratic = minimum(error, delta);
    const losses = add(mul(square(quadratic), 0.5), mul(sub(error, quadratic), delta));
    return weighted('huberLoss', losses, weights, reduction);
  },
);

/** -labels·log(predictions + ε) - (1 - labels)·log(1 - predictions + ε). */
export const logLoss = op(
  (labels: Operand, predictions: Operand, weights?: Weights, epsilon: number = 1e-7, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor => {
    const [$labels, $predictions] = pair('logLoss', labels, predictions);
    checkNumber('logLoss', 'epsilon', epsilon);
    const positive = neg(mul($labels, log(add($predictions, epsilon))));
    const negative = mul(sub(1, $labels), log(add(sub(1, $predictions), epsilon)));
    return weighted('logLoss', sub(positive, negative), weights, reduction);
  },
);

/** 1 - Σ labels·predictions along axis (both expected unit-normalized). */
export const cosineDistance = op(
  (labels: Operand, predictions: Operand, axis?: number | null, weights?: Weights, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor => {
    const [$labels, $predictions] = pair('cosineDistance', labels, predictions);
    if (axis !== undefined && axis !== null && !Number.isInteger(axis)) throw new Error(`cosineDistance: axis must be an integer, got ${describe(axis)}`);
    const axes = parseAxes('cosineDistance', axis, $labels.rank);
    return weighted('cosineDistance', sub(1, sum(mul($labels, $predictions), axes, true)), weights, reduction);
  },
);

/** Labels pulled toward the middle: labels·(1 - s) + s·share. */
function smooth(name: string, labels: Tensor, smoothing: number, share: number): Tensor {
  checkNumber(name, 'labelSmoothing', smoothing);
  if (smoothing < 0 || smoothing > 1) throw new Error(`${name}: labelSmoothing must be in [0, 1], got ${smoothing}`);
  return smoothing > 0 ? add(mul(labels, 1 - smoothing), smoothing * share) : labels;
}

/** Sigmoid cross-entropy on logits, stable for large |logits|: max(x, 0) - x·z + log(1 + e^-|x|). */
export const sigmoidCrossEntropy = op(
  (multiClassLabels: Operand, logits: Operand, weights?: Weights, labelSmoothing: number = 0, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor => {
    const [labels, $logits] = pair('sigmoidCrossEntropy', multiClassLabels, logits, ['multiClassLabels', 'logits']);
    const z = smooth('sigmoidCrossEntropy', labels, labelSmoothing, 0.5);
    const losses = add(sub(relu($logits), mul($logits, z)), log1p(exp(neg(abs($logits)))));
    return weighted('sigmoidCrossEntropy', losses, weights, reduction);
  },
);

/** Softmax cross-entropy on logits along the last axis: -Σ labels·logSoftmax(logits). */
export const softmaxCrossEntropy = op(
  (onehotLabels: Operand, logits: Operand, weights?: Weights, labelSmoothing: number = 0, reduction: Reduction = Reduction.SUM_BY_NONZERO_WEIGHTS): Tensor => {
    const [labels, $logits] = pair('softmaxCrossEntropy', onehotLabels, logits, ['onehotLabels', 'logits']);
    if ($logits.rank === 0) throw new Error('softmaxCrossEntropy: logits must have at least one axis (the classes), got a scalar');
    const classes = $logits.shape[$logits.rank - 1];
    const z = smooth('softmaxCrossEntropy', labels, labelSmoothing, 1 / classes);
    const losses = neg(sum(mul(z, logSoftmax($logits)), -1));
    return weighted('softmaxCrossEntropy', losses, weights, reduction);
  },
);

export const losses = {
  absoluteDifference,
  computeWeightedLoss,
  cosineDistance,
  hingeLoss,
  huberLoss,
  logLoss,
  meanSquaredError,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
};
