// tf.metrics and the Layers API's loss functions: functions of (yTrue, yPred) made of ops, as TF.js's Layers
// defines them. Most give one value per sample (reduced over the last axis); model.compile takes any of them,
// or the user's own function of the same form, as a loss or a metric and averages it over the batch.

import type { Tensor } from '../tensor/tensor.js';
import { relu, softmax, softplus } from './activations.js';
import { add, div, maximum, mul, sub } from './arithmetic.js';
import { cast } from './cast.js';
import { equal, greater } from './compare.js';
import { oneHot } from './indexing.js';
import { logicalAnd, where } from './logic.js';
import { checkSameShape, convert, op, type TensorLike } from './op.js';
import { argMax, max, mean, sum } from './reduce.js';
import { reshape, squeeze } from './shape.js';
import { abs, clipByValue, exp, floor, log, log1p, neg, sqrt, square } from './unary.js';

type Operand = Tensor | TensorLike;
/** A loss or metric as TF.js's Layers API takes it. */
export type LossOrMetricFn = (yTrue: Tensor, yPred: Tensor) => Tensor;

/** Keras's fuzz factor, keeping logs and divisions finite. */
const EPSILON = 1e-7;

/** A function of (yTrue, yPred) of one shape, as an op named `name`. */
function pairOp(name: string, body: (yTrue: Tensor, yPred: Tensor) => Tensor): LossOrMetricFn {
  const fn = op((yTrue: Operand, yPred: Operand): Tensor => {
    const [t, p] = [convert(name, 'yTrue', yTrue), convert(name, 'yPred', yPred)];
    checkSameShape(name, 'yTrue and yPred', t.shape, p.shape);
    return body(t, p);
  });
  return Object.defineProperty(fn, 'name', { value: name });
}

// ---- the Layers API's losses (per sample) ----

export const meanSquaredError = pairOp('meanSquaredError', (t, p) => mean(square(sub(p, t)), -1));
export const meanAbsoluteError = pairOp('meanAbsoluteError', (t, p) => mean(abs(sub(p, t)), -1));
export const meanAbsolutePercentageError = pairOp('meanAbsolutePercentageError', (t, p) =>
  mul(mean(abs(div(sub(t, p), clipByValue(abs(t), EPSILON, Number.MAX_VALUE))), -1), 100),
);
export const meanSquaredLogarithmicError = pairOp('meanSquaredLogarithmicError', (t, p) => {
  const logOf = (x: Tensor) => log(add(clipByValue(x, EPSILON, Number.MAX_VALUE), 1));
  return mean(square(sub(logOf(p), logOf(t))), -1);
});
export const squaredHinge = pairOp('squaredHinge', (t, p) => mean(square(maximum(sub(1, mul(t, p)), 0)), -1));
export const hinge = pairOp('hinge', (t, p) => mean(maximum(sub(1, mul(t, p)), 0), -1));
export const categoricalHinge = pairOp('categoricalHinge', (t, p) => {
  const positive = sum(mul(t, p), -1);
  const negative = max(mul(sub(1, t), p), -1);
  return maximum(add(sub(negative, positive), 1), 0);
});
export const logcosh = pairOp('logcosh', (t, p) => {
  const d = sub(p, t);
  return mean(sub(add(d, softplus(mul(d, -2))), Math.log(2)), -1);
});

/** Cross-entropy of probabilities (each row renormalized, then clipped away from 0 and 1), or of logits. */
function crossentropy(t: Tensor, p: Tensor, fromLogits: boolean): Tensor {
  const probabilities = fromLogits ? softmax(p) : div(p, sum(p, -1, true));
  return neg(sum(mul(cast(t, 'float32'), log(clipByValue(probabilities, EPSILON, 1 - EPSILON))), -1));
}

export const categoricalCrossentropy = pairOp('categoricalCrossentropy', (t, p) => crossentropy(t, p, false));

/** yTrue holds class indices ([batch] or [batch, 1]); yPred the probabilities, [batch, classes]. */
export const sparseCategoricalCrossentropy = Object.defineProperty(
  op((yTrue: Operand, yPred: Operand): Tensor => {
    const name = 'sparseCategoricalCrossentropy';
    const [t, p] = [convert(name, 'yTrue', yTrue), convert(name, 'yPred', yPred)];
    if (p.rank === 0 || t.size * p.shape[p.rank - 1] !== p.size) {
      throw new Error(`${name}: yTrue must hold one class index per row of yPred; got shapes [${t.shape.join(',')}] and [${p.shape.join(',')}]`);
    }
    const flat = reshape(t, [-1]);
    const labels = flat.dtype === 'int32' ? flat : cast(floor(flat), 'int32'); // int32 labels as they are
    const target = reshape(oneHot(labels, p.shape[p.rank - 1]), p.shape);
    return crossentropy(target, clipByValue(p, EPSILON, 1 - EPSILON), false);
  }),
  'name',
  { value: 'sparseCategoricalCrossentropy' },
) as LossOrMetricFn;

export const binaryCrossentropy = pairOp('binaryCrossentropy', (t, p) => {
  const clipped = clipByValue(p, EPSILON, 1 - EPSILON);
  const logits = log(div(clipped, sub(1, clipped)));
  // max(x, 0) - x·z + log(1 + e^-|x|): stable for large |x|.
  return mean(add(sub(relu(logits), mul(logits, t)), log1p(exp(neg(abs(logits))))), -1);
});
export const kullbackLeiblerDivergence = pairOp('kullbackLeiblerDivergence', (t, p) =>
  sum(mul(t, log(div(clipByValue(t, EPSILON, 1), clipByValue(p, EPSILON, 1)))), -1),
);
export const poisson = pairOp('poisson', (t, p) => mean(sub(p, mul(t, log(add(p, EPSILON)))), -1));

/** x divided by its L2 norm along an axis (kept away from zero), as TF.js's l2Normalize (also the dot layer's). */
export function l2Normalize(x: Tensor, axis = -1): Tensor {
  const squares = sum(square(cast(x, 'float32')), axis, true);
  return div(x, sqrt(maximum(squares, EPSILON)));
}
export const cosineProximity = pairOp('cosineProximity', (t, p) => neg(sum(mul(l2Normalize(t), l2Normalize(p)), -1)));

/** The losses model.compile takes by name, beyond the ones it computes with a fused kernel. */
export const LOSS_FUNCTIONS: Readonly<Record<string, LossOrMetricFn>> = {
  meanSquaredError,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  meanSquaredLogarithmicError,
  squaredHinge,
  hinge,
  categoricalHinge,
  logcosh,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  binaryCrossentropy,
  kullbackLeiblerDivergence,
  poisson,
  cosineProximity,
  mse: meanSquaredError,
  MSE: meanSquaredError,
  mae: meanAbsoluteError,
  MAE: meanAbsoluteError,
  mape: meanAbsolutePercentageError,
  MAPE: meanAbsolutePercentageError,
  msle: meanSquaredLogarithmicError,
  MSLE: meanSquaredLogarithmicError,
  kld: kullbackLeiblerDivergence,
  KLD: kullbackLeiblerDivergence,
  cosine: cosineProximity,
};

// ---- metrics ----

/** Per sample: the fraction of outputs on the same side of 0.5 as the targets. */
export const binaryAccuracy = pairOp('binaryAccuracy', (t, p) => mean(cast(equal(t, cast(greater(p, 0.5), t.dtype)), 'float32'), -1));

/** Per sample: 1 where the largest output is at the target's largest entry. */
export const categoricalAccuracy = pairOp('categoricalAccuracy', (t, p) => cast(equal(argMax(t, -1), argMax(p, -1)), 'float32'));

/** Per sample: 1 where the largest output is at the class index yTrue holds ([batch] or [batch, 1]). */
export const sparseCategoricalAccuracy = Object.defineProperty(
  op((yTrue: Operand, yPred: Operand): Tensor => {
    const name = 'sparseCategoricalAccuracy';
    let t = convert(name, 'yTrue', yTrue);
    const p = convert(name, 'yPred', yPred);
    if (t.rank === p.rank) t = squeeze(t, [t.rank - 1]);
    if (p.rank === 0 || t.rank !== p.rank - 1 || t.shape.some((d, i) => d !== p.shape[i])) {
      throw new Error(`${name}: yTrue must hold one class index per row of yPred; got shapes [${t.shape.join(',')}] and [${p.shape.join(',')}]`);
    }
    const predicted = argMax(p, -1);
    return cast(equal(t, t.dtype === 'int32' ? predicted : cast(predicted, t.dtype)), 'float32');
  }),
  'name',
  { value: 'sparseCategoricalAccuracy' },
) as LossOrMetricFn;

/** How many positions have yTrue == truth and yPred == predicted (TF.js compares to exactly 0 and 1). */
function count(t: Tensor, p: Tensor, truth: number, predicted: number): Tensor {
  return cast(sum(logicalAnd(equal(t, truth), equal(p, predicted))), 'float32');
}

/** A ratio, 0 where the denominator is 0. */
function ratio(numerator: Tensor, denominator: Tensor): Tensor {
  return where(greater(denominator, 0), div(numerator, denominator), 0);
}

/** True positives over predicted positives, over the whole batch (a scalar). */
export const precision = pairOp('precision', (t, p) => {
  const tp = count(t, p, 1, 1);
  return ratio(tp, add(tp, count(t, p, 0, 1)));
});

/** True positives over actual positives, over the whole batch (a scalar). */
export const recall = pairOp('recall', (t, p) => {
  const tp = count(t, p, 1, 1);
  return ratio(tp, add(tp, count(t, p, 1, 0)));
});

/** The coefficient of determination over the whole batch (a scalar): 1 - SS_res / SS_tot. */
export const r2Score = pairOp('r2Score', (t, p) => sub(1, div(sum(square(sub(t, p))), sum(square(sub(t, mean(t)))))));

export const metrics = {
  binaryAccuracy,
  binaryCrossentropy,
  categoricalAccuracy,
  categoricalCrossentropy,
  cosineProximity,
  meanAbsoluteError,
  meanAbsolutePercentageError,
  MAPE: meanAbsolutePercentageError,
  mape: meanAbsolutePercentageError,
  meanSquaredError,
  MSE: meanSquaredError,
  mse: meanSquaredError,
  precision,
  r2Score,
  recall,
  sparseCategoricalAccuracy,
};
