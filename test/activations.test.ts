// Activations, softmax and log-softmax's gradient on every build against f64 references, backwards against
// central finite differences, TF.js's gradient conventions at the kinks, hardSigmoid, softsign, relu6, mish,
// gelu_new and logSoftmax against TF.js's layer activations (values and gradients, kernels and layers, saved
// models), thresholdedReLU's theta, and the accuracy of the SIMD exp and erf in assembly/math.ts.

import { readFileSync } from 'node:fs';
import type * as tfjs from '@tensorflow/tfjs';
import * as asc from 'assemblyscript/asc';
import { describe, expect, it } from 'vitest';
import { Act } from '../src/backend/kernels.js';
import * as tf from '../src/index.js';
import { artifactsOf } from './layers/conformance.js';
import { expectGradient, expectSameAsTfjs, reference as tfjsReference } from './reference.js';
import { backendFor, BUILDS, erfRef, expectClose, freeAll, get, numericGradient, onBackend, put, randomData, SIZES } from './support.js';

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** The textbook definitions in f64, independent of the kernels' formulations. */
function reference(act: Act, x: number, alpha: number): number {
  switch (act) {
    case Act.Linear: return x;
    case Act.Relu: return Math.max(x, 0);
    case Act.LeakyRelu: return x > 0 ? x : alpha * x;
    case Act.Elu: return x > 0 ? x : alpha * (Math.exp(x) - 1);
    case Act.Selu: return SELU_SCALE * (x > 0 ? x : SELU_ALPHA * (Math.exp(x) - 1));
    case Act.Sigmoid: return 1 / (1 + Math.exp(-x));
    case Act.Tanh: return Math.tanh(x);
    case Act.Softplus: return x > 30 ? x + Math.exp(-x) : Math.log(1 + Math.exp(x));
    case Act.Gelu: return 0.5 * x * (1 + erfRef(x / Math.SQRT2));
    case Act.Swish: return x / (1 + Math.exp(-x));
    case Act.HardSigmoid: return Math.min(Math.max(0.2 * x + 0.5, 0), 1);
    case Act.Softsign: return x / (1 + Math.abs(x));
    case Act.Relu6: return Math.min(Math.max(x, 0), 6);
    case Act.Mish: return x * Math.tanh(reference(Act.Softplus, x, 0));
    case Act.GeluNew: return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
  }
  throw new Error(`no reference for ${act}`);
}

const ACTS = Object.entries(Act) as Array<[string, Act]>;
const ALPHA: Partial<Record<Act, number>> = { [Act.LeakyRelu]: 0.2, [Act.Elu]: 1 };

/** Random values in [-8, 8], with zeros, tiny and large values (±1e-4, ±20, ±50, ±100) mixed in. */
function inputs(n: number, seed: number): Float32Array {
  const x = randomData(n, seed, -8, 8);
  const special = [0, 20, -20, 1e-4, -1e-4, 50, -50, 100, -100];
  for (let i = 0; i < n; i += 7) x[i] = special[(i / 7) % special.length];
  return x;
}

/**
 * Forward tolerance: f32 rounding of the inputs to each step plus the SIMD exp (1 ulp) leave a few ulp
 * (rtol 1e-6); atol covers results near 0 and gelu, whose f32 erf is good to 4e-7 absolute, times |x|/2.
 */
const FORWARD_TOL = { atol: 2e-7, rtol: 1e-6 };
const GELU_TOL = { atol: 2.5e-6, rtol: 1e-6 };
/**
 * Backward tolerance: kernels that use y = f(x) in f32 (sigmoid, tanh, elu) lose up to one rounding of y,
 * about 6e-8 absolute, in 1 - y; the finite differences themselves are good to ~1e-9.
 */
const BACKWARD_TOL = { atol: 1e-6, rtol: 1e-5 };

describe.each(BUILDS)('activations on %s', (build) => {
  it.each(ACTS)('%s forward matches the f64 reference on every awkward size', async (_name, act) => {
    const b = await backendFor(build);
    const alpha = ALPHA[act] ?? 0;
    for (const n of SIZES) {
      const xs = inputs(n, 100 + n);
      const x = put(b, xs);
      const out = put(b, new Float32Array(n));
      b.kernels.activationForward(act, x, out, n, alpha);
      const want = Array.from(xs, (v) => reference(act, v, alpha));
      expectClose(get(b, out, n), want, act === Act.Gelu ? GELU_TOL : FORWARD_TOL, `${build} act ${act} n=${n}`);
      freeAll(b, [x, out]);
    }
  });

  it.each(ACTS)('%s backward matches central differences of sum(f(x) r)', async (_name, act) => {
    const b = await backendFor(build);
    const alpha = ALPHA[act] ?? 0;
    for (const n of SIZES) {
      // No exact zeros here: finite differences across a kink average its two slopes (kinks are tested below).
      const xs = inputs(n, 200 + n).map((v) => (v === 0 ? 0.25 : v));
      const r = randomData(n, 300 + n);
      const x = put(b, xs);
      const y = put(b, new Float32Array(n));
      const dout = put(b, r);
      const dx = put(b, new Float32Array(n));
      b.kernels.activationForward(act, x, y, n, alpha);
      b.kernels.activationBackward(act, x, y, dout, dx, n, alpha);
      const objective = (v: Float64Array) => v.reduce((s, vi, i) => s + reference(act, vi, alpha) * r[i], 0);
      const want = numericGradient(objective, Float64Array.from(xs));
      expectClose(get(b, dx, n), want, BACKWARD_TOL, `${build} act ${act} n=${n}`);
      freeAll(b, [x, y, dout, dx]);
    }
  });

  it('elu with alpha 0.5 forward and backward', async () => {
    const b = await backendFor(build);
    const n = 65;
    const xs = inputs(n, 7).map((v) => (v === 0 ? -0.5 : v));
    const r = randomData(n, 8);
    const [x, y, dout, dx] = [put(b, xs), put(b, new Float32Array(n)), put(b, r), put(b, new Float32Array(n))];
    b.kernels.activationForward(Act.Elu, x, y, n, 0.5);
    expectClose(get(b, y, n), Array.from(xs, (v) => reference(Act.Elu, v, 0.5)), FORWARD_TOL);
    b.kernels.activationBackward(Act.Elu, x, y, dout, dx, n, 0.5);
    const want = numericGradient((v) => v.reduce((s, vi, i) => s + reference(Act.Elu, vi, 0.5) * r[i], 0), Float64Array.from(xs));
    expectClose(get(b, dx, n), want, BACKWARD_TOL);
    freeAll(b, [x, y, dout, dx]);
  });

  it("uses TF.js's gradients at the kinks (x = 0)", async () => {
    const b = await backendFor(build);
    // TF.js: relu dout*step(x), step(0) = 0; leakyRelu x > 0 ? 1 : alpha; EluGrad y >= 0 ? 1 : y + 1;
    // selu x > 0 ? scale : scale*alpha*e^x.
    const cases: Array<[Act, number, number]> = [
      [Act.Relu, 0, 0],
      [Act.LeakyRelu, 0.2, 0.2],
      [Act.Elu, 1, 1],
      [Act.Selu, 0, SELU_SCALE * SELU_ALPHA],
    ];
    for (const [act, alpha, slope] of cases) {
      const x = put(b, [0]);
      const y = put(b, [0]);
      const dout = put(b, [2]);
      const dx = put(b, [0]);
      b.kernels.activationForward(act, x, y, 1, alpha);
      b.kernels.activationBackward(act, x, y, dout, dx, 1, alpha);
      expect(get(b, y, 1)[0], `act ${act} f(0)`).toBe(0);
      expect(get(b, dx, 1)[0], `act ${act} f'(0)`).toBeCloseTo(2 * slope, 6);
      freeAll(b, [x, y, dout, dx]);
    }
  });

  it("relu's gradient is TF.js's dy · step(x): NaN at a NaN x, and NaN where x <= 0 meets a NaN or infinite dy", async () => {
    const b = await backendFor(build);
    const specials = [Number.NaN, -Infinity, -2, -0, 0, 1e-45, 3, Infinity];
    // Every pair of x and dy: 64 values, so the SIMD body and (with n = 63) the tail both see each case.
    const xs = specials.flatMap((x) => specials.map(() => x));
    const dys = specials.flatMap(() => specials);
    const ref = await tfjsReference();
    const want = ref.tidy(() => ref.grad((v: tfjs.Tensor) => ref.relu(v))(ref.tensor1d(xs), ref.tensor1d(dys)).dataSync());
    for (const n of [64, 63]) {
      const [x, y, dout, dx] = [put(b, xs.slice(0, n)), put(b, new Float32Array(n)), put(b, dys.slice(0, n)), put(b, new Float32Array(n))];
      b.kernels.activationForward(Act.Relu, x, y, n, 0);
      b.kernels.activationBackward(Act.Relu, x, y, dout, dx, n, 0);
      const got = get(b, dx, n);
      for (let i = 0; i < n; i++) expect(Object.is(got[i], want[i]) || (Number.isNaN(got[i]) && Number.isNaN(want[i])), `${build} x ${xs[i]} dy ${dys[i]}: ${got[i]}, TF.js ${want[i]}`).toBe(true);
      freeAll(b, [x, y, dout, dx]);
    }
  });

  it('sigmoid, tanh, softplus, swish, gelu, mish and gelu_new are exact at large |x|, finite, and pass NaN through', async () => {
    const b = await backendFor(build);
    const xs = [-1000, -100, -20, 20, 100, 1000, NaN];
    const run = (act: Act) => {
      const x = put(b, xs);
      const out = put(b, new Float32Array(xs.length));
      b.kernels.activationForward(act, x, out, xs.length, 0);
      const values = Array.from(get(b, out, xs.length));
      freeAll(b, [x, out]);
      return values;
    };
    const sigmoid = run(Act.Sigmoid);
    expect(sigmoid.slice(0, 2).every((v) => v >= 0 && v < 1e-40)).toBe(true);
    expect(sigmoid.slice(4, 6)).toEqual([1, 1]);
    expect(run(Act.Tanh)).toEqual([-1, -1, -1, 1, 1, 1, NaN]);
    expect(run(Act.Softplus).slice(3)).toEqual([20, 100, 1000, NaN]);
    expect(run(Act.Swish).slice(3)).toEqual([20, 100, 1000, NaN]);
    expect(run(Act.Gelu).slice(3)).toEqual([20, 100, 1000, NaN]);
    expect(run(Act.Mish).slice(3)).toEqual([20, 100, 1000, NaN]);
    expect(run(Act.GeluNew).slice(3)).toEqual([20, 100, 1000, NaN]);
    for (const act of [Act.Sigmoid, Act.Softplus, Act.Swish, Act.Gelu, Act.Mish, Act.GeluNew]) expect(Number.isNaN(run(act)[6]), `act ${act}`).toBe(true);
    for (const act of [Act.Swish, Act.Gelu, Act.Mish, Act.GeluNew]) expect(run(act)[0], `act ${act}`).toBeCloseTo(0, 30);
  });

  it('mish and gelu_new have slope 1 at large x and 0 at large -x, never NaN for a finite x', async () => {
    const b = await backendFor(build);
    // mish'(-20) = e^-20 (1 - 20) to first order: -4e-8.
    const xs = [20, 21, 100, 1e20, 3e38, -20, -100, -1e20, -3e38];
    for (const act of [Act.Mish, Act.GeluNew]) {
      const [x, y, dout, dx] = [put(b, xs), put(b, new Float32Array(xs.length)), put(b, xs.map(() => 1)), put(b, new Float32Array(xs.length))];
      b.kernels.activationForward(act, x, y, xs.length, 0);
      b.kernels.activationBackward(act, x, y, dout, dx, xs.length, 0);
      expectClose(get(b, dx, xs.length), [1, 1, 1, 1, 1, 0, 0, 0, 0], { atol: 5e-8, rtol: 0 }, `act ${act}`);
      freeAll(b, [x, y, dout, dx]);
    }
  });

  it('tanh and sigmoid keep their relative accuracy near 0', async () => {
    const b = await backendFor(build);
    const xs = [1e-3, -1e-4, 3e-6, -1e-8];
    for (const act of [Act.Tanh, Act.Sigmoid, Act.Softplus, Act.Elu, Act.Selu]) {
      const x = put(b, xs);
      const out = put(b, new Float32Array(xs.length));
      b.kernels.activationForward(act, x, out, xs.length, 1);
      expectClose(get(b, out, xs.length), xs.map((v) => reference(act, Math.fround(v), 1)), { atol: 0, rtol: 4e-7 }, `act ${act}`);
      freeAll(b, [x, out]);
    }
  });

  it.each(ACTS)('%s works in place (out = x, dx = dout)', async (_name, act) => {
    const b = await backendFor(build);
    const alpha = ALPHA[act] ?? 0;
    const n = 67;
    const xs = inputs(n, 400);
    const r = randomData(n, 401);
    const x = put(b, xs);
    const y = put(b, new Float32Array(n));
    const dout = put(b, r);
    const dx = put(b, new Float32Array(n));
    b.kernels.activationForward(act, x, y, n, alpha);
    b.kernels.activationBackward(act, x, y, dout, dx, n, alpha);
    const inPlaceY = put(b, xs);
    b.kernels.activationForward(act, inPlaceY, inPlaceY, n, alpha);
    expect(get(b, inPlaceY, n)).toEqual(get(b, y, n));
    b.kernels.activationBackward(act, x, y, dout, dout, n, alpha);
    expect(get(b, dout, n)).toEqual(get(b, dx, n));
    freeAll(b, [x, y, dout, dx, inPlaceY]);
  });
});

/** The f32 next to v, toward +∞ (up) or -∞. */
function f32Next(v: number, up: boolean): number {
  const a = new Float32Array([v]);
  const bits = new Int32Array(a.buffer);
  bits[0] += (v > 0) === up ? 1 : -1;
  return a[0];
}

/**
 * Inputs for the TF.js comparisons: the kinks (hardSigmoid's ±2.5 and their f32 neighbours, which TF.js's rounding
 * of 0.2x + 0.5 puts inside or outside the gradient's range; relu6's 0 and 6 and theirs), zeros, ±1e30, NaN,
 * then random values in [-8, 8]: 69 values (a vector tail of one).
 */
const KINKS = [0, -0, 2.5, -2.5, f32Next(2.5, true), f32Next(2.5, false), f32Next(-2.5, true), f32Next(-2.5, false), 6, f32Next(6, true), f32Next(6, false), 1e-30, -1e30, 1e30, NaN];
const TFJS_INPUTS = Float32Array.from([...KINKS, ...randomData(69 - KINKS.length, 11, -8, 8)]);
const TFJS_DY = randomData(TFJS_INPUTS.length, 12, -2, 2);
const TFJS_ACTS: Array<[string, Act]> = [['hardSigmoid', Act.HardSigmoid], ['softsign', Act.Softsign], ['relu6', Act.Relu6]];

/** TF.js's layer activation `name` (cpu backend) on TFJS_INPUTS, and its gradient of sum(f(x) · TFJS_DY). */
async function tfjsActivation(name: string): Promise<{ y: Float32Array; dx: Float32Array }> {
  const t = await tfjsReference();
  return t.tidy(() => {
    const layer = t.layers.activation({ activation: name as 'relu' });
    const f = (v: tfjs.Tensor) => layer.apply(v) as tfjs.Tensor;
    const x = t.tensor1d(TFJS_INPUTS);
    return { y: f(x).dataSync() as Float32Array, dx: t.grad(f)(x, t.tensor1d(TFJS_DY)).dataSync() as Float32Array };
  });
}

describe.each(BUILDS)('hardSigmoid, softsign and relu6 against TF.js on %s', (build) => {
  it.each(TFJS_ACTS)('%s: values and gradients as TF.js\'s layer activation, kinks included', async (name, act) => {
    const b = await backendFor(build);
    const want = await tfjsActivation(name);
    for (const n of [1, 3, 7, TFJS_INPUTS.length]) {
      const [x, y, dout, dx] = [put(b, TFJS_INPUTS.subarray(0, n)), put(b, new Float32Array(n)), put(b, TFJS_DY.subarray(0, n)), put(b, new Float32Array(n))];
      b.kernels.activationForward(act, x, y, n, 0);
      b.kernels.activationBackward(act, x, y, dout, dx, n, 0);
      const [gotY, gotDx] = [get(b, y, n), get(b, dx, n)];
      // TF.js's gradient of NaN is NaN for relu6 (its step(NaN)); neurite's is 0, as for relu: left out.
      const finite = (v: ArrayLike<number>) => Array.from(v).filter((_, i) => !Number.isNaN(TFJS_INPUTS[i]));
      if (act === Act.Softsign) {
        // x / (1 + |x|) in f32 (wasm) or rounded once from f64 (js): within an ulp; TF.js's gradient, composed of
        // div, abs and add, rounds differently from dout / (1 + |x|)²: a few ulp.
        expectClose(gotY, want.y.subarray(0, n), { atol: 0, rtol: 1.2e-7 }, `${build} ${name} n=${n}`);
        expectClose(finite(gotDx), finite(want.dx.subarray(0, n)), { atol: 1e-30, rtol: 1e-6 }, `${build} ${name}' n=${n}`);
      } else {
        // Both round the same f32 operations (0.2x, then + 0.5; dout · 0.2): equal values (the sign of a zero aside).
        const unsigned = (v: number[]) => v.map((vi) => vi + 0);
        expect(unsigned(Array.from(gotY)), `${build} ${name} n=${n}`).toEqual(unsigned(Array.from(want.y.subarray(0, n))));
        expect(unsigned(finite(gotDx)), `${build} ${name}' n=${n}`).toEqual(unsigned(finite(want.dx.subarray(0, n))));
      }
      freeAll(b, [x, y, dout, dx]);
    }
  });
});

describe.each(['wasm', 'js'] as const)('hardSigmoid, softsign and relu6 by name on %s', (backend) => {
  onBackend(backend);

  it.each(TFJS_ACTS.map(([name]) => name))('the activation and dense layers take %s and give TF.js\'s values and gradients', async (name) => {
    await expectSameAsTfjs(name, (t) => {
      const layers = t.layers as unknown as Record<string, (args: object) => { apply(x: unknown): tf.Tensor; dispose(): void }>;
      const x = t.tensor2d(Array.from(randomData(12, 5, -8, 8)), [4, 3]);
      const activation = layers.activation({ activation: name });
      const dense = layers.dense({ units: 2, activation: name, kernelInitializer: 'ones', useBias: false });
      const out = [activation.apply(x), dense.apply(x), t.grad((v: tf.Tensor) => t.mul(activation.apply(v), t.tensor2d(Array.from(randomData(12, 6)), [4, 3])).sum())(x)];
      dense.dispose();
      return out;
    }, { atol: 1e-6, rtol: 1e-6 });
  });
});

describe.each(['wasm', 'js'] as const)("relu's gradient at NaN and infinities against TF.js on %s", (backend) => {
  onBackend(backend);

  it('tf.relu, tf.fused.matMul with relu, and a dense layer with relu', async () => {
    const x = [[Number.NaN, -1, 2], [0, -Infinity, Infinity]];
    const dy = [[1, Number.NaN, 2], [Infinity, -3, Number.NaN]];
    await expectSameAsTfjs('relu', (t) => t.grad((v: tf.Tensor) => t.relu(v))(t.tensor2d(x), t.tensor2d(dy)));
    await expectSameAsTfjs('fused.matMul relu', (t) =>
      t.grads((a: tf.Tensor, w: tf.Tensor) => t.fused.matMul({ a, b: w, bias: t.tensor1d([0, 0.5]), activation: 'relu' }))([t.tensor2d([[1, Number.NaN], [2, -1], [-3, 1]]), t.tensor2d([[1, -1], [0.5, 2]])], t.tensor2d([[1, 1], [Infinity, 1], [1, Number.NaN]])),
    );
    await expectSameAsTfjs('dense relu', (t) => {
      const dense = t.layers.dense({ units: 2, activation: 'relu', kernelInitializer: 'ones', useBias: false, inputShape: [3] });
      const grad = t.grad((v: tf.Tensor) => dense.apply(v) as tf.Tensor)(t.tensor2d([[1, Number.NaN, 0], [-1, 0, 0]]), t.tensor2d([[1, 2], [Infinity, 1]]));
      dense.dispose();
      return grad;
    });
  });
});

/** x [4, 6] for the TF.js comparisons by name: random values in [-8, 8] with 0, ±20 and ±50 mixed in. */
const BY_NAME_X = Array.from(randomData(24, 31, -8, 8), (v, i) => (i % 5 === 0 ? [0, 20, -20, 50, -50][i / 5] : v));

describe.each(['wasm', 'js'] as const)('mish, gelu_new, logSoftmax and thresholdedReLU against TF.js on %s', (backend) => {
  onBackend(backend);

  it.each(['mish', 'gelu_new', 'logSoftmax'])("the activation and dense layers take %s and give TF.js's values and gradients", async (name) => {
    await expectSameAsTfjs(name, (t) => {
      const layers = t.layers as unknown as Record<string, (args: object) => { apply(x: unknown): tf.Tensor; dispose(): void }>;
      const x = t.tensor2d(BY_NAME_X, [4, 6]);
      const r = t.tensor2d(Array.from(randomData(24, 32)), [4, 6]);
      const activation = layers.activation({ activation: name });
      const dense = layers.dense({ units: 6, activation: name, kernelInitializer: 'identity', biasInitializer: 'ones' });
      const through = (layer: typeof dense) => t.grad((v: tf.Tensor) => t.mul(layer.apply(v), r).sum())(x);
      const out = [activation.apply(x), dense.apply(x), through(activation), through(dense)];
      // Over the last axis of a rank-3 input too (logSoftmax's rows).
      const x3 = t.reshape(x, [2, 2, 6]);
      const activation3 = layers.activation({ activation: name });
      out.push(activation3.apply(x3), t.grad((v: tf.Tensor) => t.mul(activation3.apply(v), t.reshape(r, [2, 2, 6])).sum())(x3));
      dense.dispose();
      return out;
    }, { atol: 1e-6, rtol: 2e-6 });
  });

  it.each(['mish', 'gelu_new', 'logSoftmax'])('%s: gradients of the activation layer match central differences', async (name) => {
    const activation = tf.layers.activation({ activation: name });
    const x = tf.tensor2d(Array.from(randomData(12, 33, -4, 4)), [2, 6]);
    expectGradient(name, (v) => activation.apply(v) as tf.Tensor, [x]);
    x.dispose();
  });

  it("a TF.js model using mish and logSoftmax loads and predicts as in TF.js, and neurite's loads in TF.js", async () => {
    const ref = await tfjsReference();
    const build = (lib: typeof tf) => {
      const model = lib.sequential();
      model.add(lib.layers.dense({ units: 5, inputShape: [4], activation: 'mish' }));
      model.add(lib.layers.dense({ units: 3, activation: 'logSoftmax' }));
      model.add(lib.layers.activation({ activation: 'mish' }));
      return model;
    };
    const x = Array.from(randomData(8, 34, -2, 2));
    const predict = (lib: typeof tf, model: tf.LayersModel) => lib.tidy(() => Array.from((model.predict(lib.tensor2d(x, [2, 4])) as tf.Tensor).dataSync()));
    const theirs = build(ref as unknown as typeof tf);
    const inNeurite = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(theirs, ref.io)));
    expectClose(predict(tf, inNeurite), predict(ref as unknown as typeof tf, theirs), { atol: 1e-6, rtol: 1e-5 }, "TF.js's model in neurite");
    const ours = build(tf);
    const inTfjs = await ref.loadLayersModel(ref.io.fromMemory(await artifactsOf(ours, tf.io)));
    expectClose(predict(ref as unknown as typeof tf, inTfjs as unknown as tf.LayersModel), predict(tf, ours), { atol: 1e-6, rtol: 1e-5 }, "neurite's model in TF.js");
    [theirs, inTfjs].forEach((m) => m.dispose());
    [inNeurite, ours].forEach((m) => m.dispose());
  });

  it('a model using gelu_new saves and loads back (the name is not camel-cased on the way in)', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'gelu_new' })] });
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(model, tf.io)));
    const x = tf.tensor2d([[-1, 2], [0.5, -3]]);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
    tf.dispose([x, a, b]);
    [model, loaded].forEach((m) => m.dispose());
  });

  it('thresholdedReLU takes any finite theta, negative too, as TF.js', async () => {
    for (const theta of [-0.5, 0, 1.5]) {
      await expectSameAsTfjs(`theta ${theta}`, (t) => t.layers.thresholdedReLU({ theta }).apply(t.tensor1d([-1, -0.5, -0.2, 0, 0.5, 2])) as tf.Tensor);
    }
    const result = tf.tidy(() => Array.from((tf.layers.thresholdedReLU({ theta: -0.5 }).apply(tf.tensor1d([-1, -0.2, 0.5])) as tf.Tensor).dataSync()));
    expect(result).toEqual([-0, Math.fround(-0.2), 0.5]);
    for (const theta of [NaN, Infinity, '1']) expect(() => tf.layers.thresholdedReLU({ theta: theta as number }), `theta ${theta}`).toThrow(/^thresholdedReLU: theta must be a finite number/);
  });
});

function softmaxRef(row: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(row));
  const e = Array.from(row, (v) => Math.exp(v - max));
  const s = e.reduce((a, v) => a + v, 0);
  return e.map((v) => v / s);
}

describe.each(BUILDS)('softmax on %s', (build) => {
  it('matches the f64 reference, rows sum to 1, on every awkward size', async () => {
    const b = await backendFor(build);
    for (const m of [1, 3, 7]) {
      for (const n of SIZES) {
        const xs = randomData(m * n, m * 1000 + n, -10, 10);
        const x = put(b, xs);
        const out = put(b, new Float32Array(m * n));
        b.kernels.softmaxForward(x, out, m, n);
        const got = get(b, out, m * n);
        const want: number[] = [];
        for (let i = 0; i < m; i++) want.push(...softmaxRef(xs.subarray(i * n, (i + 1) * n)));
        // The exp's 1 ulp and the f32 row sum: a few ulp of each value.
        expectClose(got, want, { atol: 1e-8, rtol: 2e-6 }, `${build} ${m}x${n}`);
        for (let i = 0; i < m; i++) {
          const s = got.subarray(i * n, (i + 1) * n).reduce((a, v) => a + v, 0);
          expect(Math.abs(s - 1), `row ${i} sum`).toBeLessThan(2e-6);
        }
        freeAll(b, [x, out]);
      }
    }
  });

  it('is stable at ±1000 and works in place', async () => {
    const b = await backendFor(build);
    const rows = [
      [1000, 999, -1000, 0, 1000],
      [-1000, -1000, -1001, -999, -1000],
    ];
    const x = put(b, rows.flat());
    b.kernels.softmaxForward(x, x, 2, 5);
    const want = [...softmaxRef(rows[0]), ...softmaxRef(rows[1])];
    expectClose(get(b, x, 10), want, { atol: 1e-8, rtol: 1e-6 });
    expect(want[2]).toBe(0);
    freeAll(b, [x]);
  });

  it('computes exp(d) within 1 ulp for d in [-87, -17] (softmax([d, 0])[0] is exp(d) once 1 + exp(d) rounds to 1)', async () => {
    const b = await backendFor(build);
    const count = 4096;
    const rows = new Float32Array(2 * count);
    for (let i = 0; i < count; i++) rows[2 * i] = -87 + (70 * i) / count;
    const x = put(b, rows);
    b.kernels.softmaxForward(x, x, count, 2);
    const got = get(b, x, 2 * count);
    let maxUlp = 0;
    for (let i = 0; i < count; i++) maxUlp = Math.max(maxUlp, ulpDistance(got[2 * i], Math.fround(Math.exp(rows[2 * i]))));
    expect(maxUlp).toBeLessThanOrEqual(1);
    freeAll(b, [x]);
  });
});

function logSoftmaxRef(row: ArrayLike<number>): number[] {
  return softmaxRef(row).map(Math.log);
}

describe.each(BUILDS)('softmax and logSoftmax gradients on %s', (build) => {
  it.each(['softmax', 'logSoftmax'] as const)('%sBackward matches central differences of sum(f(x) r), also with dx = dout', async (name) => {
    const b = await backendFor(build);
    const [forward, backward, ref] = name === 'softmax' ? (['softmaxForward', 'softmaxBackward', softmaxRef] as const) : (['logSoftmaxForward', 'logSoftmaxBackward', logSoftmaxRef] as const);
    for (const [m, n] of [[1, 1], [3, 7], [2, 17], [2, 65], [1, 257], [5, 3]]) {
      const xs = randomData(m * n, 700 + n, -3, 3);
      const r = randomData(m * n, 800 + n);
      const x = put(b, xs);
      const y = put(b, new Float32Array(m * n));
      const dout = put(b, r);
      const dx = put(b, new Float32Array(m * n));
      b.kernels[forward](x, y, m, n);
      b.kernels[backward](y, dout, dx, m, n);
      const objective = (v: Float64Array) => {
        let s = 0;
        for (let i = 0; i < m; i++) ref(v.subarray(i * n, (i + 1) * n)).forEach((p, j) => (s += p * r[i * n + j]));
        return s;
      };
      const want = numericGradient(objective, Float64Array.from(xs));
      expectClose(get(b, dx, m * n), want, { atol: 1e-6, rtol: 1e-5 }, `${build} ${name} ${m}x${n}`);
      b.kernels[backward](y, dout, dout, m, n);
      expect(get(b, dout, m * n)).toEqual(get(b, dx, m * n));
      freeAll(b, [x, y, dout, dx]);
    }
  });
});

describe.each(['simd', 'relaxed'] as const)('mish, gelu_new and the logSoftmax gradient on %s agree with the js twin', (build) => {
  it('values and gradients, as close as each is to the f64 reference', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    const [m, n] = [3, 67];
    const xs = inputs(m * n, 900);
    const r = randomData(m * n, 901);
    /** y = f(x) and dx for dout = r by either backend: the activation's kernels, or log-softmax's. */
    const run = (k: typeof b, act: Act | 'logSoftmax') => {
      const [x, y, dout, dx] = [put(k, xs), put(k, new Float32Array(m * n)), put(k, r), put(k, new Float32Array(m * n))];
      if (act === 'logSoftmax') {
        k.kernels.logSoftmaxForward(x, y, m, n);
        k.kernels.logSoftmaxBackward(y, dout, dx, m, n);
      } else {
        k.kernels.activationForward(act, x, y, m * n, 0);
        k.kernels.activationBackward(act, x, y, dout, dx, m * n, 0);
      }
      const out = { y: get(k, y, m * n), dx: get(k, dx, m * n) };
      freeAll(k, [x, y, dout, dx]);
      return out;
    };
    for (const act of [Act.Mish, Act.GeluNew, 'logSoftmax'] as const) {
      const [got, want] = [run(b, act), run(js, act)];
      // As close as each is to the f64 reference: gelu_new's sigmoid of a large negative 2u, rounded in f32 on
      // the way, is good to |2u| ulp relative (tiny values, within atol).
      expectClose(got.y, want.y, FORWARD_TOL, `${build} ${act} values`);
      expectClose(got.dx, want.dx, BACKWARD_TOL, `${build} ${act} gradients`);
    }
  });
});

const bitsView = new Float32Array(1);
const bitsOut = new Int32Array(bitsView.buffer);
function bits(v: number): number {
  bitsView[0] = v;
  return bitsOut[0];
}
/** Distance in units in the last place between two f32 values of the same sign. */
function ulpDistance(a: number, b: number): number {
  return Math.abs(bits(a) - bits(b));
}

/**
 * assembly/math.ts's exp4 and erf4 compiled on their own (simd and relaxed-simd), so they can be swept
 * directly: the library's exports are only the Kernels.
 */
async function mathProbe(enable: string[]) {
  const probe = `import { erf4, exp4 } from './math';
export function base(): usize { return __heap_base; }
export function expArray(x: usize, out: usize, n: i32): void {
  for (let i: usize = 0; i < (<usize>n << 2); i += 16) v128.store(out + i, exp4(v128.load(x + i)));
}
export function erfArray(x: usize, out: usize, n: i32): void {
  for (let i: usize = 0; i < (<usize>n << 2); i += 16) v128.store(out + i, erf4(v128.load(x + i)));
}`;
  const math = readFileSync(new URL('../assembly/math.ts', import.meta.url), 'utf8');
  const result = await asc.compileString({ 'math.ts': math, 'probe.ts': probe }, { optimizeLevel: 3, runtime: 'stub', noAssert: true, enable });
  if (result.error || !result.binary) throw new Error(`probe did not compile: ${result.stderr.toString()}`);
  const { instance } = await WebAssembly.instantiate(result.binary as Uint8Array<ArrayBuffer>, { env: { abort() {} } });
  const e = instance.exports as { base(): number; memory: WebAssembly.Memory; expArray(x: number, out: number, n: number): void; erfArray(x: number, out: number, n: number): void };
  const chunk = 1 << 18;
  const x = (e.base() + 15) & ~15;
  const out = x + 4 * chunk;
  const need = out + 4 * chunk - e.memory.buffer.byteLength;
  if (need > 0) e.memory.grow(Math.ceil(need / 65536));
  /** Runs fn over values (length a multiple of 4, at most chunk) and returns the results. */
  const run = (fn: 'expArray' | 'erfArray', values: Float32Array) => {
    new Float32Array(e.memory.buffer, x, values.length).set(values);
    e[fn](x, out, values.length);
    return new Float32Array(e.memory.buffer, out, values.length).slice();
  };
  return { run, chunk };
}

describe.each([
  ['simd', ['simd']],
  ['relaxed', ['simd', 'relaxed-simd']],
])('assembly/math.ts (%s)', (_build, enable) => {
  // Measured maximum: 1 ulp on both builds (at x = 5.5e-5), over 23,067,322 inputs.
  it('exp is within 1 ulp of Math.exp rounded to f32 on every 97th f32 bit pattern in [-87, 88]', async () => {
    const { run, chunk } = await mathProbe(enable);
    const values = new Float32Array(chunk);
    const valueBits = new Uint32Array(values.buffer);
    let maxUlp = 0;
    let worst = 0;
    let count = 0;
    const sweep = (from: number, to: number) => {
      let k = 0;
      const flush = () => {
        const got = run('expArray', values);
        for (let j = 0; j < k; j++) {
          const d = ulpDistance(got[j], Math.fround(Math.exp(values[j])));
          if (d > maxUlp) [maxUlp, worst] = [d, values[j]];
        }
        count += k;
        k = 0;
      };
      for (let b = from; b <= to; b += 97) {
        valueBits[k++] = b;
        if (k === chunk) flush();
      }
      values.fill(0, k);
      flush();
    };
    sweep(bits(0) >>> 0, bits(88) >>> 0);
    sweep(bits(-0) >>> 0, bits(-87) >>> 0);
    expect(count).toBeGreaterThan(23_000_000);
    expect(maxUlp, `worst at ${worst}`).toBeLessThanOrEqual(1);
  });

  it('exp handles overflow, underflow, subnormals, infinities and NaN', async () => {
    const { run } = await mathProbe(enable);
    const got = run('expArray', Float32Array.of(-1000, 1000, NaN, -Infinity, Infinity, 0, 88.7, 88.8, -100, -103, -104, -110));
    expect(Array.from(got.subarray(0, 6))).toEqual([0, Infinity, NaN, 0, Infinity, 1]);
    expect(got[6]).toBe(Math.fround(Math.exp(Math.fround(88.7))));
    expect(got[7]).toBe(Infinity);
    // Subnormal results: within one subnormal step (2^-149) of the true value.
    for (const [i, v] of [[8, -100], [9, -103], [10, -104], [11, -110]]) expect(Math.abs(got[i] - Math.exp(v))).toBeLessThanOrEqual(2 ** -149);
  });

  // Measured maximum: 4.0e-7 (simd) and 3.2e-7 (relaxed) near |x| = 3.9; the approximation itself is good
  // to 6.5e-8 in f64, the rest is f32 rounding of P/Q near 1.
  it('erf is within 5e-7 of the f64 series on a dense grid over [-6, 6]', async () => {
    const { run } = await mathProbe(enable);
    const n = 1 << 16;
    const values = Float32Array.from({ length: n }, (_, i) => -6 + (12 * i) / n);
    const got = run('erfArray', values);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(got[i] - erfRef(values[i])));
    expect(worst).toBeLessThanOrEqual(5e-7);
    expect(worst).toBeGreaterThan(0);
  });
});
