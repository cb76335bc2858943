// The js twin of assembly/optimizers.ts: optimizer steps in place over the heap, in TF.js 4.22's order of
// operations. Math.fround after every operation makes this f32 arithmetic, bit-identical to the wasm builds.
// Each returns 0 when every updated weight is finite and NaN otherwise, as the wasm kernels do.

import type { Heap } from '../heap.js';
import type { Kernels, Ptr } from '../kernels.js';
import { word } from '../heap.js';

type OptimizerKernels = Pick<Kernels, 'sgdStep' | 'momentumStep' | 'adamStep' | 'rmspropStep' | 'adagradStep'>;

const f = Math.fround;

export function optimizerKernels(heap: Heap): OptimizerKernels {
  return {
    // w (n), g (n): w = w - lr*g
    sgdStep(w: Ptr, g: Ptr, n: number, lr: number): number {
      const f32 = heap.f32;
      const lrf = f(lr);
      const wi = word(w);
      const gi = word(g);
      let finite = 0;
      for (let i = 0; i < n; i++) {
        const wn = f(f32[wi + i] - f(lrf * f32[gi + i]));
        f32[wi + i] = wn;
        finite += wn - wn;
      }
      return finite;
    },

    // w (n), g (n), acc (n): acc = momentum*acc + g; w -= lr*acc, or lr*(g + acc*momentum) with nesterov
    momentumStep(w: Ptr, g: Ptr, acc: Ptr, n: number, lr: number, momentum: number, nesterov: number): number {
      const f32 = heap.f32;
      const lrf = f(lr);
      const mf = f(momentum);
      const wi = word(w);
      const gi = word(g);
      const ai = word(acc);
      let finite = 0;
      for (let i = 0; i < n; i++) {
        const gv = f32[gi + i];
        const a = f(f(mf * f32[ai + i]) + gv);
        const step = nesterov ? f(gv + f(a * mf)) : a;
        f32[ai + i] = a;
        const wn = f(f32[wi + i] - f(lrf * step));
        f32[wi + i] = wn;
        finite += wn - wn;
      }
      return finite;
    },

    // w (n), g (n), m (n), v (n); see assembly/optimizers.ts for the formula and AdamW's decoupled decay
    adamStep(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number, weightDecay: number): number {
      const f32 = heap.f32;
      const lrf = f(lr);
      const b1 = f(beta1);
      const b2 = f(beta2);
      const ob1 = f(1 - beta1); // from the f64 beta, as TF.js (and the wasm kernel) do
      const ob2 = f(1 - beta2);
      const epsf = f(eps);
      const c1f = f(c1);
      const c2f = f(c2);
      const wd = f(weightDecay);
      const decay = wd > 0;
      const wi = word(w);
      const gi = word(g);
      const mi = word(m);
      const vi = word(v);
      let finite = 0;
      for (let i = 0; i < n; i++) {
        const gv = f32[gi + i];
        let wv = f32[wi + i];
        if (decay) wv = f(wv - f(f(wv * wd) * lrf));
        const mv = f(f(f32[mi + i] * b1) + f(gv * ob1));
        const vv = f(f(f32[vi + i] * b2) + f(f(gv * gv) * ob2));
        f32[mi + i] = mv;
        f32[vi + i] = vv;
        const update = f(f(mv / c1f) / f(f(Math.sqrt(f(vv / c2f))) + epsf));
        const wn = f(wv - f(update * lrf));
        f32[wi + i] = wn;
        finite += wn - wn;
      }
      return finite;
    },

    // w (n), g (n), ms (n), mom (n), mg (n, only when centered); see assembly/optimizers.ts for the formula
    rmspropStep(w: Ptr, g: Ptr, ms: Ptr, mom: Ptr, mg: Ptr, n: number, lr: number, decay: number, momentum: number, eps: number, centered: number): number {
      const f32 = heap.f32;
      const lrf = f(lr);
      const d = f(decay);
      const od = f(1 - decay);
      const mf = f(momentum);
      const epsf = f(eps);
      const wi = word(w);
      const gi = word(g);
      const si = word(ms);
      const oi = word(mom);
      const ci = word(mg);
      let finite = 0;
      for (let i = 0; i < n; i++) {
        const gv = f32[gi + i];
        const msv = f(f(f32[si + i] * d) + f(f(gv * gv) * od));
        let denom: number;
        if (centered) {
          const mgv = f(f(f32[ci + i] * d) + f(gv * od));
          f32[ci + i] = mgv;
          denom = f(Math.sqrt(f(msv - f(f(mgv * mgv) + epsf))));
        } else {
          denom = f(Math.sqrt(f(msv + epsf)));
        }
        const momv = f(f(f32[oi + i] * mf) + f(f(gv * lrf) / denom));
        f32[si + i] = msv;
        f32[oi + i] = momv;
        const wn = f(f32[wi + i] - momv);
        f32[wi + i] = wn;
        finite += wn - wn;
      }
      return finite;
    },

    // w (n), g (n), acc (n): acc += g^2; w -= g / sqrt(acc + eps) * lr
    adagradStep(w: Ptr, g: Ptr, acc: Ptr, n: number, lr: number, eps: number): number {
      const f32 = heap.f32;
      const lrf = f(lr);
      const epsf = f(eps);
      const wi = word(w);
      const gi = word(g);
      const ai = word(acc);
      let finite = 0;
      for (let i = 0; i < n; i++) {
        const gv = f32[gi + i];
        const a = f(f32[ai + i] + f(gv * gv));
        f32[ai + i] = a;
        const wn = f(f32[wi + i] - f(f(gv / f(Math.sqrt(f(a + epsf)))) * lrf));
        f32[wi + i] = wn;
        finite += wn - wn;
      }
      return finite;
    },
  };
}
