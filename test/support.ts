// Shared test tools: the backends every kernel suite runs on, data in and out of a backend's heap,
// seeded test data, f64 references and tolerance checks.

import { afterEach, beforeAll, beforeEach, expect } from 'vitest';
import type { Backend } from '../src/backend/backend.js';
import { createJsBackend } from '../src/backend/js/index.js';
import type { Ptr } from '../src/backend/kernels.js';
import { loadWasmBackend } from '../src/backend/wasm.js';
import * as tf from '../src/index.js';
import { word } from '../src/backend/heap.js';

/** Every kernel implementation: both wasm builds and the TS twin. */
export const BUILDS = ['simd', 'relaxed', 'js'] as const;
export type TestBuild = (typeof BUILDS)[number];

const cache = new Map<TestBuild, Promise<Backend>>();
/** One backend per build, shared by the tests of a file. */
export function backendFor(build: TestBuild): Promise<Backend> {
  let b = cache.get(build);
  if (!b) {
    b = build === 'js' ? Promise.resolve(createJsBackend()) : loadWasmBackend(build);
    cache.set(build, b);
  }
  return b;
}

/** The awkward sizes kernels are checked on. */
export const SIZES = [1, 3, 7, 9, 17, 63, 65, 127, 257];

/** Copies f32 values into a fresh block of the backend's heap. */
export function put(backend: Backend, values: ArrayLike<number>): Ptr {
  const ptr = backend.heap.alloc(values.length * 4);
  backend.heap.f32.set(values, word(ptr));
  return ptr;
}

/** Copies i32 values into a fresh block of the backend's heap. */
export function putInt(backend: Backend, values: ArrayLike<number>): Ptr {
  const ptr = backend.heap.alloc(values.length * 4);
  backend.heap.i32.set(values, word(ptr));
  return ptr;
}

/** A copy of n f32 values at ptr. */
export function get(backend: Backend, ptr: Ptr, n: number): Float32Array {
  return backend.heap.f32.slice(word(ptr), word(ptr) + n);
}

/** A copy of n i32 values at ptr. */
export function getInt(backend: Backend, ptr: Ptr, n: number): Int32Array {
  return backend.heap.i32.slice(word(ptr), word(ptr) + n);
}

/** Seeded uniform test data in [lo, hi), rounded to f32 (mulberry32: independent of the library's PRNG). */
export function randomData(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    out[i] = lo + (hi - lo) * u;
  }
  return out;
}

/**
 * Asserts |actual - expected| <= atol + rtol * |expected| elementwise, reporting the worst index.
 * NaN matches only NaN; equal infinities match.
 */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { atol = 1e-6, rtol = 1e-5 }: { atol?: number; rtol?: number } = {},
  label = '',
): void {
  expect(actual.length, `${label} length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) ? Number.isNaN(a) : a === e) continue;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    expect.fail(`${label} [${worst}]: got ${actual[worst]}, expected ${expected[worst]} (atol ${atol}, rtol ${rtol})`);
  }
}

/**
 * Central finite difference of a scalar function f(x) in f64, for every coordinate of x.
 * f receives x modified in place and must not keep it.
 */
export function numericGradient(f: (x: Float64Array) => number, x: Float64Array, h = 1e-5): Float64Array {
  const grad = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const saved = x[i];
    x[i] = saved + h;
    const up = f(x);
    x[i] = saved - h;
    const down = f(x);
    x[i] = saved;
    grad[i] = (up - down) / (2 * h);
  }
  return grad;
}

/** Frees every pointer in the list (tests clean up so heap-level leaks would show). */
export function freeAll(backend: Backend, ptrs: Ptr[]): void {
  for (const p of ptrs) backend.heap.free(p);
}

/**
 * Runs the enclosing describe block's tests on a backend of the public API, and checks that each test
 * frees everything it made (tensors and model memory alike).
 */
export function onBackend(backend: 'wasm' | 'js'): void {
  let before = { numTensors: 0, numBytes: 0 };
  beforeAll(async () => {
    await tf.ready();
    await tf.setBackend(backend);
  });
  beforeEach(() => {
    before = tf.memory();
  });
  afterEach(() => {
    expect(tf.memory(), 'each test frees what it made').toEqual(before);
  });
}

/** A sum of f32 values accumulated exactly enough (f64 with Neumaier compensation). */
export function compensatedSum(values: ArrayLike<number>): number {
  let s = 0;
  let c = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? s - t + v : v - t + s;
    s = t;
  }
  return s + c;
}

/** erf in f64 by the all-positive series 2/√π e^{-x²} Σ 2^k x^{2k+1} / (1·3···(2k+1)): no cancellation. */
export function erfRef(x: number): number {
  const a = Math.abs(x);
  if (a > 6) return Math.sign(x);
  let term = a;
  let sum = a;
  for (let k = 1; term > sum * 1e-17; k++) {
    term *= (2 * a * a) / (2 * k + 1);
    sum += term;
  }
  return ((Math.sign(x) * 2) / Math.sqrt(Math.PI)) * Math.exp(-a * a) * sum;
}
