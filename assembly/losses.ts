// Mean losses over a batch with TF.js's (tfjs-layers) definitions, and their gradients wrt pred, in scalar f64:
// a loss runs once per batch over the output layer only, so precision matters more here than lanes.
// The *Logits losses are the fused, unclipped forms (Keras from_logits): they agree with TF.js's layers
// losses only while TF.js's 1e-7 clip of the probabilities is inactive.

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
        // -t log c - (1 - t) log(1 - c) with c the clipped p (TF.js goes through the logit of c: the same value)
        const c = clip(p);
        total -= t * Math.log(c) + (1 - t) * Math.log(1 - c);
        g = inRange(p) ? (c - t) / (c * (1 - c)) : 0;
        break;
      }
      default: {
        // BinaryCrossentropyLogits: max(z, 0) - z t + log1p(exp(-|z|)); gradient sigmoid(z) - t
        const e = Math.exp(-Math.abs(p));
        total += Math.max(p, 0) - p * t + Math.log1p(e);
        g = (p >= 0 ? 1 / (1 + e) : e / (1 + e)) - t;
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
  for (let i = 0; i < m; i++) {
    const row = i * n;
    if (kind == Loss.CategoricalCrossentropy) {
      // TF.js: q = p / sum(p), clipped; loss -sum t log q. With g_j = dL/dq_j,
      // dL/dp_k = (g_k - sum_j g_j q_j) / sum(p).
      let s: f64 = 0;
      for (let j = 0; j < n; j++) s += at(pred, row + j);
      let rowGradDot: f64 = 0;
      for (let j = 0; j < n; j++) {
        const q = at(pred, row + j) / s;
        const t = at(target, row + j);
        const c = clip(q);
        total -= t * Math.log(c);
        if (inRange(q)) rowGradDot -= (t / c) * q;
      }
      if (grad) {
        for (let j = 0; j < n; j++) {
          const q = at(pred, row + j) / s;
          const g = inRange(q) ? -at(target, row + j) / clip(q) : 0;
          put(grad, row + j, ((g - rowGradDot) / s) * inv);
        }
      }
    } else {
      // CategoricalCrossentropyLogits: sum(t) * logsumexp(z) - sum t z; gradient sum(t) softmax(z) - t
      let zMax = -Infinity;
      for (let j = 0; j < n; j++) zMax = Math.max(zMax, at(pred, row + j));
      let expSum: f64 = 0;
      let tSum: f64 = 0;
      let tz: f64 = 0;
      for (let j = 0; j < n; j++) {
        const z = at(pred, row + j);
        const t = at(target, row + j);
        expSum += Math.exp(z - zMax);
        tSum += t;
        tz += t * z;
      }
      total += tSum * (zMax + Math.log(expSum)) - tz;
      if (grad) {
        for (let j = 0; j < n; j++) {
          const softmax = Math.exp(at(pred, row + j) - zMax) / expSum;
          put(grad, row + j, (tSum * softmax - at(target, row + j)) * inv);
        }
      }
    }
  }
  return total * inv;
}

// pred (m,n), labels (m) i32 in [0, n), grad (m,n) or 0.
function sparseLoss(kind: i32, pred: usize, labels: usize, grad: usize, m: i32, n: i32): f64 {
  const inv = 1.0 / <f64>m;
  let total: f64 = 0;
  for (let i = 0; i < m; i++) {
    const row = i * n;
    const label = load<i32>(labels + ((<usize>i) << 2));
    if (kind == Loss.SparseCategoricalCrossentropy) {
      // TF.js clips p first, then runs categorical crossentropy on the one-hot label: q = c_y / sum(c),
      // clipped again. With g = dL/dq_y = -1/clip(q), dL/dp_k = [p_k in range] (δ_ky - q) g / sum(c).
      let s: f64 = 0;
      for (let j = 0; j < n; j++) s += clip(at(pred, row + j));
      const q = clip(at(pred, row + label)) / s;
      total -= Math.log(clip(q));
      if (grad) {
        const g = inRange(q) ? -1 / clip(q) : 0;
        for (let j = 0; j < n; j++) {
          const delta: f64 = j == label ? 1 : 0;
          put(grad, row + j, inRange(at(pred, row + j)) ? (((delta - q) * g) / s) * inv : 0);
        }
      }
    } else {
      // SparseCategoricalCrossentropyLogits: logsumexp(z) - z_y; gradient softmax(z) - onehot(y)
      let zMax = -Infinity;
      for (let j = 0; j < n; j++) zMax = Math.max(zMax, at(pred, row + j));
      let expSum: f64 = 0;
      for (let j = 0; j < n; j++) expSum += Math.exp(at(pred, row + j) - zMax);
      total += zMax + Math.log(expSum) - at(pred, row + label);
      if (grad) {
        for (let j = 0; j < n; j++) {
          const delta: f64 = j == label ? 1 : 0;
          put(grad, row + j, (Math.exp(at(pred, row + j) - zMax) / expSum - delta) * inv);
        }
      }
    }
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
