// Two references every op is held to: TF.js itself (the same program run on TF.js's cpu backend and on
// neurite, every returned tensor compared: shape, dtype, values), and central finite differences for its
// gradient (the tape's gradient of sum(f(x) * dy) against the numeric derivative, computed in f64 from the
// op's outputs). Op tests use both on awkward shapes and broadcasts, on both backends.

import * as tfjs from '@tensorflow/tfjs';
import { expect } from 'vitest';
import * as tf from '../src/index.js';
import { expectClose, randomData } from './support.js';

type Program = (lib: typeof tf) => tf.Tensor | tf.Tensor[] | number | boolean;

let tfjsReady: Promise<unknown> | null = null;

/** TF.js on its cpu backend, the reference the core API issue names. */
export async function reference(): Promise<typeof tfjs> {
  tfjsReady ??= tfjs.setBackend('cpu');
  await tfjsReady;
  return tfjs;
}

function flatten(result: unknown): unknown[] {
  return Array.isArray(result) ? result : [result];
}

/**
 * Runs `program` on TF.js and on neurite and expects the same results: each tensor's shape, dtype and values
 * (within atol + rtol·|expected|), each plain value equal; and, where TF.js throws, that neurite throws too.
 */
export async function expectSameAsTfjs(label: string, program: Program, { atol = 1e-6, rtol = 1e-5 }: { atol?: number; rtol?: number } = {}): Promise<void> {
  const ref = await reference();
  let expected: unknown[];
  try {
    expected = flatten(ref.tidy(() => program(ref as unknown as typeof tf) as never));
  } catch (error) {
    expect(() => tf.tidy(() => program(tf) as never), `${label}: TF.js throws (${(error as Error).message}), so should neurite`).toThrow();
    return;
  }
  const actual = flatten(tf.tidy(() => program(tf) as never));
  expect(actual.length, `${label}: number of results`).toBe(expected.length);
  expected.forEach((e, i) => {
    const a = actual[i];
    if (e instanceof ref.Tensor) {
      expect(a, `${label}[${i}]: a Tensor`).toBeInstanceOf(tf.Tensor);
      const t = a as tf.Tensor;
      expect(t.shape, `${label}[${i}]: shape`).toEqual(e.shape);
      expect(t.dtype, `${label}[${i}]: dtype`).toBe(e.dtype);
      expectClose(t.dataSync(), e.dataSync() as ArrayLike<number>, { atol, rtol }, `${label}[${i}]`);
      t.dispose();
      e.dispose();
    } else {
      expect(a, `${label}[${i}]`).toEqual(e);
    }
  });
}

/**
 * Checks f's gradient with respect to each float32 input against central finite differences: the tape's
 * gradient of L = sum(f(...xs) * dy), dy fixed and random, against (L(x + h) - L(x - h)) / 2h for every input
 * value, L summed in f64. The worst difference, relative to the largest numeric gradient, must stay within
 * `tolerance` (float32 arithmetic: 1e-3 by default).
 */
export function expectGradient(label: string, f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], { h = 1e-2, tolerance = 1e-3 }: { h?: number; tolerance?: number } = {}): void {
  const y = tf.tidy(() => f(...inputs));
  const dy = randomData(y.size, 7, -1, 1);
  const dyTensor = tf.tensor(dy, y.shape);
  const loss = (xs: tf.Tensor[]) =>
    tf.tidy(() => {
      const out = f(...xs).dataSync();
      let sum = 0;
      for (let i = 0; i < out.length; i++) sum += out[i] * dy[i];
      return sum;
    });
  const analytic = tf.grads(f)(inputs, dyTensor);
  inputs.forEach((x, k) => {
    if (x.dtype !== 'float32') return;
    const values = Float32Array.from(x.dataSync());
    const numeric = new Float64Array(values.length);
    for (let j = 0; j < values.length; j++) {
      const at = (delta: number) => {
        const moved = values.slice();
        moved[j] += delta;
        const xj = tf.tensor(moved, x.shape);
        const value = loss(inputs.map((t, i) => (i === k ? xj : t)));
        xj.dispose();
        return value;
      };
      numeric[j] = (at(h) - at(-h)) / (2 * h);
    }
    const got = analytic[k].dataSync();
    let scale = 1e-6;
    for (const n of numeric) scale = Math.max(scale, Math.abs(n));
    let worst = 0;
    let where = 0;
    for (let j = 0; j < numeric.length; j++) {
      const err = Math.abs(got[j] - numeric[j]) / scale;
      if (err > worst) [worst, where] = [err, j];
    }
    expect(worst, `${label}: gradient of input ${k} [${where}]: tape ${got[where]}, numeric ${numeric[where]}`).toBeLessThanOrEqual(tolerance);
  });
  tf.dispose([y, dyTensor, ...analytic]);
}

/**
 * A float32 tensor of seeded values in [lo, hi), moved at least `awayFromZero` from zero (clear of kinks),
 * made by `lib` (neurite by default; pass the program's library inside expectSameAsTfjs).
 */
export function sample(shape: number[], seed: number, lo = -1, hi = 1, awayFromZero = 0, lib: typeof tf = tf): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = randomData(n, seed, lo, hi).map((v) => (Math.abs(v) < awayFromZero ? v + Math.sign(v || 1) * awayFromZero : v));
  return lib.tensor(Array.from(values), shape);
}

export { expectClose };
