// Mean losses over a batch with TF.js's (tfjs-layers) definitions, and their gradients wrt pred, in scalar f64:
// a loss runs once per batch over the output layer only, so precision matters more here than lanes.
// The *Logits losses take the output layer's logits (its sigmoid or softmax folded in, for one kernel where
// there would be three): TF.js's loss of the probabilities the activation gives (f32, then clipped), with the
// gradient taken back through the activation, so that they give what the activation and the loss give apart,
// saturated outputs included (where the clip gives no gradient).

import { Loss } from './codes';

// TF.js clips probabilities to [epsilon, 1 - epsilon] in f32, so its bounds are these f32 values.
const LO: f64 = <f64><f32>1e-7;
const HI: f64 = <f64><f32>(1 - 1e-7);

// @ts-ignore: decorator
@inline function clip(p: f64): f64 {
  return p < LO ? LO : p > HI ? HI : p;
}

/** Whether p is inside the clip range, where tf.clipByValue passes its gradient (bounds included). */
// @ts-ignore: decorator
@inline function inRange(p: f64): bool {
  return p >= LO && p <= HI;
}

// @ts-ignore: decorator
@inline function at(p: usize, i: i32): f64 {
  return <f64>load<f32>(p + ((<usize>i) << 2));
}

// @ts-ignore: decorator
@inline function put(p: usize, i: i32, value: f64): void {
  store<f32>(p + ((<usize>i) << 2), <f32>value);
}

// The sigmoid of a logit as the output layer gives it (f32).
// @ts-ignore: decorator
@inline function sigmoidOf(z: f64): f64 {
  return <f64><f32>(1 / (1 + Math.exp(-z)));
}

// The row of logits being softmaxed: its largest value, and the sum of exp(z - zMax).
let zMax: f64 = 0;
let expSum: f64 = 0;
// Whether probabilities are computed from logits at each read (a loss without its gradient).
let fromLogits = false;

// Softmax j of the row of logits, as the output layer gives it (f32).
// @ts-ignore: decorator
@inline function softmaxOf(pred: usize, j: i32): f64 {
  return <f64><f32>(Math.exp(at(pred, j) - zMax) / expSum);
}

// Where the row's probabilities are: pred, or for logits (softmaxed) their softmax, written into the gradient's
// row when there is one (each entry is read there before it is written), else computed at each read.
function probabilities(pred: usize, grad: usize, row: i32, n: i32, softmaxed: bool): usize {
  fromLogits = false;
  if (!softmaxed) return pred;
  zMax = -Infinity;
  for (let j = 0; j < n; j++) zMax = Math.max(zMax, at(pred, row + j));
  expSum = 0;
  for (let j = 0; j < n; j++) expSum += Math.exp(at(pred, row + j) - zMax);
  if (!grad) {
    fromLogits = true;
    return pred;
  }
  for (let j = 0; j < n; j++) put(grad, row + j, softmaxOf(pred, row + j));
  return grad;
}

// Probability j of the row, from where probabilities() put them.
// @ts-ignore: decorator
@inline function probability(from: usize, j: i32): f64 {
  return fromLogits ? softmaxOf(from, j) : at(from, j);
}

// TF.js's binary crossentropy of one value p, clipped: -t log c - (1 - t) log(1 - c) (TF.js goes through the
// logit of c: the same value). Its gradient wrt p, or (sigmoided: p the sigmoid of a logit) wrt the logit, goes
// to grad[i] times inv (zero where the clip acts). A term whose factor is 0 is skipped: a log less.
// @ts-ignore: decorator
@inline function clippedBinary(p: f64, t: f64, grad: usize, i: i32, inv: f64, sigmoided: bool): f64 {
  const c = clip(p);
  if (grad) {
    const g = inRange(p) ? (c - t) / (c * (1 - c)) : 0;
    put(grad, i, (sigmoided ? g * p * (1 - p) : g) * inv);
  }
  return -((t != 0 ? t * Math.log(c) : 0) + (t != 1 ? (1 - t) * Math.log(1 - c) : 0));
}

// TF.js's categorical crossentropy of the row at `row`: q = p / sum(p), clipped; loss -sum t log q. With
// g_j = dL/dq_j, dL/dp_k = (g_k - sum_j g_j q_j) / sum(p); with logits, p is their softmax and
// dL/dz_k = p_k (dL/dp_k - sum_j p_j dL/dp_j). Gradients times inv into grad when set.
function clippedCategorical(pred: usize, target: usize, grad: usize, row: i32, n: i32, inv: f64, softmaxed: bool): f64 {
  const from = probabilities(pred, grad, row, n, softmaxed);
  let s: f64 = 0;
  for (let j = 0; j < n; j++) s += probability(from, row + j);
  let loss: f64 = 0;
  let rowGradDot: f64 = 0;
  for (let j = 0; j < n; j++) {
    const q = probability(from, row + j) / s;
    const t = at(target, row + j);
    const c = clip(q);
    if (t != 0) loss -= t * Math.log(c); // one log a row for one-hot targets
    if (inRange(q)) rowGradDot -= (t / c) * q;
  }
  if (!grad) return loss;
  let dot: f64 = 0;
  if (softmaxed) {
    for (let j = 0; j < n; j++) {
      const p = at(from, row + j);
      const q = p / s;
      const g = inRange(q) ? -at(target, row + j) / clip(q) : 0;
      dot += ((g - rowGradDot) / s) * p;
    }
  }
  for (let j = 0; j < n; j++) {
    const p = at(from, row + j);
    const q = p / s;
    const g = inRange(q) ? -at(target, row + j) / clip(q) : 0;
    const dp = (g - rowGradDot) / s;
    put(grad, row + j, (softmaxed ? p * (dp - dot) : dp) * inv);
  }
  return loss;
}

// TF.js's sparse categorical crossentropy of the row at `row` with its label: p clipped first, then categorical
// crossentropy of the one-hot label, q = c_y / sum(c) clipped again. With g = dL/dq_y = -1/clip(q),
// dL/dp_k = [p_k in range] (δ_ky - q) g / sum(c); with logits as in clippedCategorical.
function clippedSparse(pred: usize, label: i32, grad: usize, row: i32, n: i32, inv: f64, softmaxed: bool): f64 {
  const from = probabilities(pred, grad, row, n, softmaxed);
  let s: f64 = 0;
  for (let j = 0; j < n; j++) s += clip(probability(from, row + j));
  const q = clip(probability(from, row + label)) / s;
  if (grad) {
    const g = inRange(q) ? -1 / clip(q) : 0;
    let dot: f64 = 0;
    if (softmaxed) {
      for (let j = 0; j < n; j++) {
        const p = at(from, row + j);
        const delta: f64 = j == label ? 1 : 0;
        if (inRange(p)) dot += (((delta - q) * g) / s) * p;
      }
    }
    for (let j = 0; j < n; j++) {
      const p = at(from, row + j);
      const delta: f64 = j == label ? 1 : 0;
      const dp = inRange(p) ? ((delta - q) * g) / s : 0;
      put(grad, row + j, (softmaxed ? p * (dp - dot) : dp) * inv);
    }
  }
  return -Math.log(clip(q));
}

// pred (m,n), target (m,n), grad (m,n) or 0. Elementwise losses, averaged over the last axis then the batch.
function elementwiseLoss(kind: i32, pred: usize, target: usize, grad: usize, m: i32, n: i32): f64 {
  const count = m * n;
  const inv = 1.0 / <f64>count;
  let total: f64 = 0;
  for (let i = 0; i < count; i++) {
    const p = at(pred, i);
    const t = at(target, i);
    let g: f64;
    switch (kind) {
      case Loss.MeanSquared: {
        total += (p - t) * (p - t);
        g = 2 * (p - t);
        break;
      }
      case Loss.MeanAbsolute: {
        total += Math.abs(p - t);
        g = p > t ? 1 : p < t ? -1 : 0;
        break;
      }
      case Loss.BinaryCrossentropy: {
        total += clippedBinary(p, t, grad, i, inv, false);
        continue;
      }
      default: {
        // BinaryCrossentropyLogits: of the sigmoid of p
        total += clippedBinary(sigmoidOf(p), t, grad, i, inv, true);
        continue;
      }
    }
    if (grad) put(grad, i, g * inv);
  }
  return total * inv;
}

// pred (m,n), target (m,n), grad (m,n) or 0. Categorical crossentropy: summed over a row, averaged over rows.
function categoricalLoss(kind: i32, pred: usize, target: usize, grad: usize, m: i32, n: i32): f64 {
  const inv = 1.0 / <f64>m;
  let total: f64 = 0;
  for (let i = 0; i < m; i++) total += clippedCategorical(pred, target, grad, i * n, n, inv, kind == Loss.CategoricalCrossentropyLogits);
  return total * inv;
}

// pred (m,n), labels (m) i32 in [0, n), grad (m,n) or 0.
function sparseLoss(kind: i32, pred: usize, labels: usize, grad: usize, m: i32, n: i32): f64 {
  const inv = 1.0 / <f64>m;
  let total: f64 = 0;
  for (let i = 0; i < m; i++) {
    const label = load<i32>(labels + ((<usize>i) << 2));
    total += clippedSparse(pred, label, grad, i * n, n, inv, kind == Loss.SparseCategoricalCrossentropyLogits);
  }
  return total * inv;
}

// pred (m,n), target (m,n) f32 or (m) i32 for the sparse losses, grad (m,n) or 0
// ... and out (1) or 0: the mean loss, also stored there as f32 when out != 0 (a scalar tensor's values)
export function loss(kind: i32, pred: usize, target: usize, grad: usize, m: i32, n: i32, out: usize): f64 {
  let value: f64;
  switch (kind) {
    case Loss.CategoricalCrossentropy:
    case Loss.CategoricalCrossentropyLogits:
      value = categoricalLoss(kind, pred, target, grad, m, n);
      break;
    case Loss.SparseCategoricalCrossentropy:
    case Loss.SparseCategoricalCrossentropyLogits:
      value = sparseLoss(kind, pred, target, grad, m, n);
      break;
    default:
      value = elementwiseLoss(kind, pred, target, grad, m, n);
  }
  if (out != 0) store<f32>(out, <f32>value);
  return value;
}
