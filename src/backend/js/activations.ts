// The js twin of assembly/activations.ts: activations, row-wise softmax and log-softmax's gradient over heap.f32,
// computed in f64 with Math (the plain reference) and rounded on store. One loop per activation keeps every loop
// monomorphic.

import type { Heap } from '../heap.js';
import { Act, type Kernels, type Ptr } from '../kernels.js';
import { erf, sigmoid, softplus } from './math.js';
import { word } from '../heap.js';

// SELU's published constants (Klambauer et al. 2017), as TF.js uses them.
const SELU_SCALE = 1.0507009873554805;
const SELU_SCALE_ALPHA = 1.0507009873554805 * 1.6732632423543772;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
const FIFTH = Math.fround(0.2);
// TF.js's gelu_new: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³))).
const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);
const GELU_NEW_CUBIC = 0.044715;
// Above it mish's slope is 1, as in the wasm kernel (whose exp stops there): so both give 1 at +Infinity.
const MISH_LINEAR_FROM = 20;

/** 0.2 x + 0.5 in f32, the product and the sum each rounded, as TF.js's hardSigmoid computes it (and its gradient's range). */
const hardSigmoidArg = (x: number) => Math.fround(Math.fround(FIFTH * x) + 0.5);
/** TF.js's step(x): 1 above 0, NaN at NaN, else 0. */
const step = (x: number) => (x > 0 ? 1 : Number.isNaN(x) ? NaN : 0);
/** tanh(sqrt(2/pi) (x + 0.044715 x³)), gelu_new's tanh. */
const geluNewTanh = (x: number) => Math.tanh(SQRT_2_OVER_PI * (x + GELU_NEW_CUBIC * x * x * x));

export function activationKernels(heap: Heap): Pick<Kernels, 'activationForward' | 'activationBackward' | 'softmaxForward' | 'softmaxBackward' | 'logSoftmaxBackward'> {
  return {
    // x (n), out (n); out may be x
    activationForward(act: Act, x: Ptr, out: Ptr, n: number, alpha: number): void {
      const f = heap.f32;
      const i0 = word(x);
      const o0 = word(out);
      switch (act) {
        case Act.Linear:
          if (out !== x) f.copyWithin(o0, i0, i0 + n);
          break;
        case Act.Relu:
          for (let i = 0; i < n; i++) { const v = f[i0 + i]; f[o0 + i] = v < 0 ? 0 : v; }
          break;
        case Act.LeakyRelu:
          for (let i = 0; i < n; i++) { const v = f[i0 + i]; f[o0 + i] = v > 0 ? v : alpha * v; }
          break;
        case Act.Elu:
          for (let i = 0; i < n; i++) { const v = f[i0 + i]; f[o0 + i] = v > 0 ? v : alpha * Math.expm1(v); }
          break;
        case Act.Selu:
          for (let i = 0; i < n; i++) { const v = f[i0 + i]; f[o0 + i] = v > 0 ? SELU_SCALE * v : SELU_SCALE_ALPHA * Math.expm1(v); }
          break;
        case Act.Sigmoid:
          for (let i = 0; i < n; i++) f[o0 + i] = sigmoid(f[i0 + i]);
          break;
        case Act.Tanh:
          for (let i = 0; i < n; i++) f[o0 + i] = Math.tanh(f[i0 + i]);
          break;
        case Act.Softplus:
          for (let i = 0; i < n; i++) f[o0 + i] = softplus(f[i0 + i]);
          break;
        case Act.Gelu:
          for (let i = 0; i < n; i++) { const v = f[i0 + i]; f[o0 + i] = 0.5 * v * (1 + erf(v * Math.SQRT1_2)); }
          break;
        case Act.Swish:
          for (let i = 0; i < n; i++) { const v = f[i0 + i]; f[o0 + i] = v * sigmoid(v); }
          break;
        case Act.HardSigmoid:
          for (let i = 0; i < n; i++) { const t = hardSigmoidArg(f[i0 + i]); f[o0 + i] = t < 0 ? 0 : t > 1 ? 1 : t; }
          break;
        case Act.Softsign:
          for (let i = 0; i < n; i++) { const v = f[i0 + i]; f[o0 + i] = v / (1 + Math.abs(v)); }
          break;
        case Act.Relu6:
          for (let i = 0; i < n; i++) { const v = f[i0 + i]; f[o0 + i] = v < 0 ? 0 : v > 6 ? 6 : v; }
          break;
        case Act.Mish:
          for (let i = 0; i < n; i++) { const v = f[i0 + i]; f[o0 + i] = v * Math.tanh(softplus(v)); }
          break;
        case Act.GeluNew:
          for (let i = 0; i < n; i++) { const v = f[i0 + i]; f[o0 + i] = 0.5 * v * (1 + geluNewTanh(v)); }
          break;
      }
    },

    // x, y = f(x), dout, dx (n); dx may be dout. Gradients as TF.js defines them (see assembly/activations.ts).
    activationBackward(act: Act, x: Ptr, y: Ptr, dout: Ptr, dx: Ptr, n: number, alpha: number): void {
      const f = heap.f32;
      const x0 = word(x);
      const y0 = word(y);
      const g0 = word(dout);
      const d0 = word(dx);
      switch (act) {
        case Act.Linear:
          if (dx !== dout) f.copyWithin(d0, g0, g0 + n);
          break;
        case Act.Relu: // dout * step(x)
          for (let i = 0; i < n; i++) f[d0 + i] = f[g0 + i] * step(f[x0 + i]);
          break;
        case Act.LeakyRelu:
          for (let i = 0; i < n; i++) f[d0 + i] = f[x0 + i] > 0 ? f[g0 + i] : alpha * f[g0 + i];
          break;
        case Act.Elu: // y >= 0 ? 1 : y + alpha
          for (let i = 0; i < n; i++) { const v = f[y0 + i]; f[d0 + i] = v >= 0 ? f[g0 + i] : f[g0 + i] * (v + alpha); }
          break;
        case Act.Selu: // x > 0 ? scale : y + scale * alpha
          for (let i = 0; i < n; i++) f[d0 + i] = f[g0 + i] * (f[x0 + i] > 0 ? SELU_SCALE : f[y0 + i] + SELU_SCALE_ALPHA);
          break;
        case Act.Sigmoid:
          for (let i = 0; i < n; i++) { const v = f[y0 + i]; f[d0 + i] = f[g0 + i] * v * (1 - v); }
          break;
        case Act.Tanh:
          for (let i = 0; i < n; i++) { const v = f[y0 + i]; f[d0 + i] = f[g0 + i] * (1 - v) * (1 + v); }
          break;
        case Act.Softplus:
          for (let i = 0; i < n; i++) f[d0 + i] = f[g0 + i] * sigmoid(f[x0 + i]);
          break;
        case Act.Gelu:
          for (let i = 0; i < n; i++) {
            const v = f[x0 + i];
            const cdf = 0.5 * (1 + erf(v * Math.SQRT1_2));
            f[d0 + i] = f[g0 + i] * (cdf + v * Math.exp(-0.5 * v * v) * INV_SQRT_2PI);
          }
          break;
        case Act.Swish:
          for (let i = 0; i < n; i++) {
            const v = f[x0 + i];
            const s = sigmoid(v);
            f[d0 + i] = f[g0 + i] * s * (1 + v * (1 - s));
          }
          break;
        case Act.HardSigmoid: // 0.2 where 0 <= 0.2 x + 0.5 <= 1, ends included (clipByValue's gradient)
          for (let i = 0; i < n; i++) { const t = hardSigmoidArg(f[x0 + i]); f[d0 + i] = t >= 0 && t <= 1 ? FIFTH * f[g0 + i] : 0; }
          break;
        case Act.Softsign: // 1 / (1 + |x|)²
          for (let i = 0; i < n; i++) { const s = 1 + Math.abs(f[x0 + i]); f[d0 + i] = f[g0 + i] / (s * s); }
          break;
        case Act.Relu6: // TF.js's layer relu6 is minimum(6, relu(x)): 0 at both kinks
          for (let i = 0; i < n; i++) { const v = f[x0 + i]; f[d0 + i] = v > 0 && v < 6 ? f[g0 + i] : 0; }
          break;
        case Act.Mish: // tanh(sp) + x sech²(sp) sigmoid(x), sp = softplus(x)
          for (let i = 0; i < n; i++) {
            const v = f[x0 + i];
            const t = Math.tanh(softplus(v));
            f[d0 + i] = v > MISH_LINEAR_FROM ? f[g0 + i] : f[g0 + i] * (t + v * (1 - t) * (1 + t) * sigmoid(v));
          }
          break;
        case Act.GeluNew: // 0.5 (1 + t) + 0.5 x (1 - t²) sqrt(2/pi) (1 + 3 · 0.044715 x²), t = tanh(u)
          for (let i = 0; i < n; i++) {
            const v = f[x0 + i];
            const t = geluNewTanh(v);
            f[d0 + i] = f[g0 + i] * 0.5 * (1 + t + v * (1 - t) * (1 + t) * SQRT_2_OVER_PI * (1 + 3 * GELU_NEW_CUBIC * v * v));
          }
          break;
      }
    },

    // x (m,n), out (m,n); out may be x. exp(x - row max) / sum, summed in f64.
    softmaxForward(x: Ptr, out: Ptr, m: number, n: number): void {
      const f = heap.f32;
      for (let i = 0; i < m; i++) {
        const xr = word(x) + i * n;
        const or = word(out) + i * n;
        let max = -Infinity;
        for (let j = 0; j < n; j++) max = Math.max(max, f[xr + j]);
        let sum = 0;
        for (let j = 0; j < n; j++) {
          const e = Math.exp(f[xr + j] - max);
          f[or + j] = e;
          sum += e;
        }
        const inv = 1 / sum;
        for (let j = 0; j < n; j++) f[or + j] *= inv;
      }
    },

    // y (m,n), dout (m,n), dx (m,n); dx may be dout. dx = y * (dout - dot(dout, y)) per row.
    softmaxBackward(y: Ptr, dout: Ptr, dx: Ptr, m: number, n: number): void {
      const f = heap.f32;
      for (let i = 0; i < m; i++) {
        const yr = word(y) + i * n;
        const gr = word(dout) + i * n;
        const dr = word(dx) + i * n;
        let dot = 0;
        for (let j = 0; j < n; j++) dot += f[gr + j] * f[yr + j];
        for (let j = 0; j < n; j++) f[dr + j] = f[yr + j] * (f[gr + j] - dot);
      }
    },

    // y = logSoftmax(x) (m,n), dout (m,n), dx (m,n); dx may be dout. dx = dout - exp(y) * sum(dout) per row.
    logSoftmaxBackward(y: Ptr, dout: Ptr, dx: Ptr, m: number, n: number): void {
      const f = heap.f32;
      for (let i = 0; i < m; i++) {
        const yr = word(y) + i * n;
        const gr = word(dout) + i * n;
        const dr = word(dx) + i * n;
        let total = 0;
        for (let j = 0; j < n; j++) total += f[gr + j];
        for (let j = 0; j < n; j++) f[dr + j] = f[gr + j] - Math.exp(f[yr + j]) * total;
      }
    },
  };
}
