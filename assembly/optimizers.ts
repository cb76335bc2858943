// Optimizer steps in place over n f32 parameters, each in TF.js 4.22's order of operations (one rounding per
// op, as its CPU backend does). No relaxed madd here: a fused multiply-add would round differently from TF.js.
// Learning-rate schedules, bias-correction powers and state allocation belong to the caller.
// Each returns 0 when every updated weight is finite and NaN otherwise (x - x is NaN exactly for NaN and
// ±Infinity): the caller's divergence check, at the cost of two vector ops per four weights.
// Adam's betas and RMSprop's decay arrive as f64 because TF.js rounds 1 - beta from the f64 value: forming it
// from an f32 beta would be off by 1.3e-5 relative for beta2 = 0.999.

// w (n), g (n): w = w - lr*g  (TF.js: (-lr)*g + w, the same bits)
export function sgdStep(w: usize, g: usize, n: i32, lr: f32): f32 {
  const lrv = f32x4.splat(lr);
  let finite = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const wn = f32x4.sub(v128.load(w + o), f32x4.mul(lrv, v128.load(g + o)));
    v128.store(w + o, wn);
    finite = f32x4.add(finite, f32x4.sub(wn, wn));
  }
  let tail: f32 = 0;
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const wn = load<f32>(w + o) - lr * load<f32>(g + o);
    store<f32>(w + o, wn);
    tail += wn - wn;
  }
  return lanes(finite) + tail;
}

// w (n), g (n), acc (n): acc = momentum*acc + g; w -= lr*acc, or lr*(g + acc*momentum) with nesterov
export function momentumStep(w: usize, g: usize, acc: usize, n: i32, lr: f32, momentum: f32, nesterov: i32): f32 {
  const lrv = f32x4.splat(lr);
  const mv = f32x4.splat(momentum);
  let finite = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const a = f32x4.add(f32x4.mul(mv, v128.load(acc + o)), gi);
    const step = nesterov ? f32x4.add(gi, f32x4.mul(a, mv)) : a;
    v128.store(acc + o, a);
    const wn = f32x4.sub(v128.load(w + o), f32x4.mul(lrv, step));
    v128.store(w + o, wn);
    finite = f32x4.add(finite, f32x4.sub(wn, wn));
  }
  let tail: f32 = 0;
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const a = momentum * load<f32>(acc + o) + gi;
    const step = nesterov ? gi + a * momentum : a;
    store<f32>(acc + o, a);
    const wn = load<f32>(w + o) - lr * step;
    store<f32>(w + o, wn);
    tail += wn - wn;
  }
  return lanes(finite) + tail;
}

// w (n), g (n), m (n), v (n). c1 = 1 - beta1^t, c2 = 1 - beta2^t. weightDecay > 0: AdamW, decoupled as
// Keras does it (w = w - w*wd*lr before the Adam update).
//   m = m*beta1 + g*(1-beta1); v = v*beta2 + g^2*(1-beta2); w = (m/c1) / (sqrt(v/c2) + eps) * (-lr) + w
export function adamStep(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f32, beta1: f64, beta2: f64, eps: f32, c1: f32, c2: f32, weightDecay: f32): f32 {
  const decay = weightDecay > 0;
  const beta1f = <f32>beta1;
  const beta2f = <f32>beta2;
  const oneMinusBeta1 = <f32>(1 - beta1);
  const oneMinusBeta2 = <f32>(1 - beta2);
  const lrv = f32x4.splat(lr);
  const wdv = f32x4.splat(weightDecay);
  const b1 = f32x4.splat(beta1f);
  const b2 = f32x4.splat(beta2f);
  const ob1 = f32x4.splat(oneMinusBeta1);
  const ob2 = f32x4.splat(oneMinusBeta2);
  const c1v = f32x4.splat(c1);
  const c2v = f32x4.splat(c2);
  const epsv = f32x4.splat(eps);
  let finite = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    let wi = v128.load(w + o);
    if (decay) wi = f32x4.sub(wi, f32x4.mul(f32x4.mul(wi, wdv), lrv));
    const mi = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(gi, ob1));
    const vi = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gi, gi), ob2));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const update = f32x4.div(f32x4.div(mi, c1v), f32x4.add(f32x4.sqrt(f32x4.div(vi, c2v)), epsv));
    const wn = f32x4.sub(wi, f32x4.mul(update, lrv));
    v128.store(w + o, wn);
    finite = f32x4.add(finite, f32x4.sub(wn, wn));
  }
  let tail: f32 = 0;
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    let wi = load<f32>(w + o);
    if (decay) wi = wi - wi * weightDecay * lr;
    const mi = load<f32>(m + o) * beta1f + gi * oneMinusBeta1;
    const vi = load<f32>(v + o) * beta2f + gi * gi * oneMinusBeta2;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    const update = (mi / c1) / (Mathf.sqrt(vi / c2) + eps);
    const wn = wi - update * lr;
    store<f32>(w + o, wn);
    tail += wn - wn;
  }
  return lanes(finite) + tail;
}

// w (n), g (n), ms (n), mom (n), mg (n, read and written only when centered). TF.js keeps the momentum
// accumulator even when momentum is 0.
//   ms = ms*decay + g^2*(1-decay); plain:    mom = mom*momentum + g*lr / sqrt(ms + eps)
//   mg = mg*decay + g*(1-decay);   centered: mom = mom*momentum + g*lr / sqrt(ms - (mg^2 + eps));  w -= mom
export function rmspropStep(w: usize, g: usize, ms: usize, mom: usize, mg: usize, n: i32, lr: f32, decay: f64, momentum: f32, eps: f32, centered: i32): f32 {
  const decayf = <f32>decay;
  const oneMinusDecay = <f32>(1 - decay);
  const lrv = f32x4.splat(lr);
  const dv = f32x4.splat(decayf);
  const odv = f32x4.splat(oneMinusDecay);
  const mv = f32x4.splat(momentum);
  const epsv = f32x4.splat(eps);
  let finite = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const msi = f32x4.add(f32x4.mul(v128.load(ms + o), dv), f32x4.mul(f32x4.mul(gi, gi), odv));
    let denom: v128;
    if (centered) {
      const mgi = f32x4.add(f32x4.mul(v128.load(mg + o), dv), f32x4.mul(gi, odv));
      v128.store(mg + o, mgi);
      denom = f32x4.sqrt(f32x4.sub(msi, f32x4.add(f32x4.mul(mgi, mgi), epsv)));
    } else {
      denom = f32x4.sqrt(f32x4.add(msi, epsv));
    }
    const momi = f32x4.add(f32x4.mul(v128.load(mom + o), mv), f32x4.div(f32x4.mul(gi, lrv), denom));
    v128.store(ms + o, msi);
    v128.store(mom + o, momi);
    const wn = f32x4.sub(v128.load(w + o), momi);
    v128.store(w + o, wn);
    finite = f32x4.add(finite, f32x4.sub(wn, wn));
  }
  let tail: f32 = 0;
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const msi = load<f32>(ms + o) * decayf + gi * gi * oneMinusDecay;
    let denom: f32;
    if (centered) {
      const mgi = load<f32>(mg + o) * decayf + gi * oneMinusDecay;
      store<f32>(mg + o, mgi);
      denom = Mathf.sqrt(msi - (mgi * mgi + eps));
    } else {
      denom = Mathf.sqrt(msi + eps);
    }
    const momi = load<f32>(mom + o) * momentum + (gi * lr) / denom;
    store<f32>(ms + o, msi);
    store<f32>(mom + o, momi);
    const wn = load<f32>(w + o) - momi;
    store<f32>(w + o, wn);
    tail += wn - wn;
  }
  return lanes(finite) + tail;
}

// w (n), g (n), acc (n, the caller starts it at initialAccumulatorValue): acc += g^2; w -= g / sqrt(acc + eps) * lr
export function adagradStep(w: usize, g: usize, acc: usize, n: i32, lr: f32, eps: f32): f32 {
  const lrv = f32x4.splat(lr);
  const epsv = f32x4.splat(eps);
  let finite = f32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const a = f32x4.add(v128.load(acc + o), f32x4.mul(gi, gi));
    v128.store(acc + o, a);
    const update = f32x4.div(gi, f32x4.sqrt(f32x4.add(a, epsv)));
    const wn = f32x4.sub(v128.load(w + o), f32x4.mul(update, lrv));
    v128.store(w + o, wn);
    finite = f32x4.add(finite, f32x4.sub(wn, wn));
  }
  let tail: f32 = 0;
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const a = load<f32>(acc + o) + gi * gi;
    store<f32>(acc + o, a);
    const wn = load<f32>(w + o) - (gi / Mathf.sqrt(a + eps)) * lr;
    store<f32>(w + o, wn);
    tail += wn - wn;
  }
  return lanes(finite) + tail;
}

/** The sum of a vector's four lanes. */
function lanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}
