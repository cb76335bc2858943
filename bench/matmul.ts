// Matmul throughput in GFLOPS (2mnk / seconds): neurite's wasm builds and js twin, square and at the three
// layouts of a dense layer's training step, beside TF.js 4.22's wasm backend forced to one thread.
// Run: node --import tsx bench/matmul.ts [sizes...]. Leaves out multi-threading.
//
// What each timing includes:
// - 'matmul N' / dense rows: one kernel call on operands already in the backend's memory, output preallocated.
// - 'matmul+read N': what a user pays for a result in JS: for TF.js, tf.matMul (allocates the output) plus
//   dataSync() (copies it out) plus dispose(); for neurite, the kernel call plus a copy of C out of the heap.

import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import type { Backend } from '../src/backend/backend.js';
import { createJsBackend } from '../src/backend/js/index.js';
import { hasRelaxedSimd, loadWasmBackend } from '../src/backend/wasm.js';
import { type Row, secondsPerCall } from './harness.js';
import { word } from '../src/backend/heap.js';

const DEFAULT_SIZES = [64, 128, 256, 512, 1024];
/** Seconds of calls per benchmark.js sample (five samples at least): enough for steady figures on a quiet core. */
const MIN_TIME = 0.2;

/** Uniform values in [-1, 1) from a small LCG: benchmark data, no statistics needed. */
function data(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

interface Impl {
  name: string;
  backend: Backend;
}

async function neuriteImpls(): Promise<Impl[]> {
  const impls: Impl[] = [{ name: 'wasm-simd', backend: await loadWasmBackend('simd') }];
  if (hasRelaxedSimd()) impls.push({ name: 'wasm-relaxed', backend: await loadWasmBackend('relaxed') });
  impls.push({ name: 'js', backend: createJsBackend() });
  return impls;
}

/**
 * TF.js on its wasm backend with XNNPACK limited to one thread. Prints the binary it chose (SIMD, threaded)
 * and the thread count it reports after initialisation; returns its column name.
 */
async function tfjsWasmOneThread(): Promise<string> {
  setThreadsCount(1);
  if (!(await tf.setBackend('wasm'))) throw new Error('bench: TF.js wasm backend failed to initialise');
  await tf.ready();
  const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) ? 'simd' : 'no simd';
  const threaded = (await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) ? 'threaded build' : 'single-threaded build';
  const threads = getThreadsCount();
  console.log(`TF.js wasm backend: ${simd}, ${threaded}, ${threads} thread${threads === 1 ? '' : 's'}`);
  return 'tfjs-wasm';
}

/** GFLOPS of neurite's matmul on op(A)(m,k)·op(B)(k,n), optionally copying C out after each call. */
function neuriteGflops(backend: Backend, m: number, n: number, k: number, transA: number, transB: number, read: boolean): number {
  const heap = backend.heap;
  const a = heap.alloc(m * k * 4);
  const b = heap.alloc(k * n * 4);
  const c = heap.alloc(m * n * 4);
  heap.f32.set(data(m * k, 1), word(a));
  heap.f32.set(data(k * n, 2), word(b));
  const { kernels, scratch } = backend;
  const seconds = secondsPerCall(
    read
      ? () => {
          kernels.matmul(a, b, c, m, n, k, transA, transB, 0, scratch);
          heap.f32.slice(word(c), word(c) + m * n);
        }
      : () => kernels.matmul(a, b, c, m, n, k, transA, transB, 0, scratch),
    MIN_TIME,
  );
  heap.free(a);
  heap.free(b);
  heap.free(c);
  return (2 * m * n * k) / seconds / 1e9;
}

/** GFLOPS of tf.matMul + dataSync + dispose on the active TF.js backend. */
function tfjsGflops(m: number, n: number, k: number, transA: boolean, transB: boolean): number {
  const a = tf.tensor2d(data(m * k, 1), transA ? [k, m] : [m, k]);
  const b = tf.tensor2d(data(k * n, 2), transB ? [n, k] : [k, n]);
  const seconds = secondsPerCall(() => {
    const c = tf.matMul(a, b, transA, transB);
    c.dataSync();
    c.dispose();
  }, MIN_TIME);
  a.dispose();
  b.dispose();
  return (2 * m * n * k) / seconds / 1e9;
}

/** The three products of a 784→128 dense layer's training step at batch 64: [label, m, n, k, transA, transB]. */
const DENSE: Array<[string, number, number, number, number, number]> = [
  ['dense 784x128 b64 forward NN (64x784)·(784x128)', 64, 128, 784, 0, 0],
  ['dense 784x128 b64 dx NT (64x128)·(784x128)ᵀ', 64, 784, 128, 0, 1],
  ['dense 784x128 b64 dw TN (64x784)ᵀ·(64x128)', 784, 128, 64, 1, 0],
];

export async function benchMatmul(sizes: number[] = DEFAULT_SIZES): Promise<Row[]> {
  const rows: Row[] = [];
  const impls = await neuriteImpls();
  const tfName = await tfjsWasmOneThread();
  for (const s of sizes) {
    for (const { name, backend } of impls) {
      rows.push({ case: `matmul ${s}x${s}x${s}`, impl: name, value: neuriteGflops(backend, s, s, s, 0, 0, false), unit: 'GFLOPS' });
    }
    for (const { name, backend } of impls) {
      if (name === 'js') continue;
      rows.push({ case: `matmul+read ${s}x${s}x${s}`, impl: name, value: neuriteGflops(backend, s, s, s, 0, 0, true), unit: 'GFLOPS' });
    }
    rows.push({ case: `matmul+read ${s}x${s}x${s}`, impl: tfName, value: tfjsGflops(s, s, s, false, false), unit: 'GFLOPS' });
  }
  for (const [label, m, n, k, transA, transB] of DENSE) {
    for (const { name, backend } of impls) {
      rows.push({ case: `${label} +read`, impl: name, value: neuriteGflops(backend, m, n, k, transA, transB, true), unit: 'GFLOPS' });
    }
    rows.push({ case: `${label} +read`, impl: tfName, value: tfjsGflops(m, n, k, transA === 1, transB === 1), unit: 'GFLOPS' });
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const sizes = process.argv.slice(2).map(Number);
  const rows = await benchMatmul(sizes.length ? sizes : undefined);
  console.table(rows.map((r) => ({ case: r.case, impl: r.impl, [r.unit]: Number(r.value.toFixed(2)) })));
}
