// Which backend runs the ops, and the global seed. Everything else asks `activeBackend()` for it.
// In Node the wasm core loads synchronously on first use; in browsers it needs `await ready()` first,
// and until then ops run on the js twin (after a one-line notice).

import type { Backend, BackendName } from './backend/backend.js';
import { createJsBackend } from './backend/js/index.js';
import { loadWasmBackend, loadWasmBackendSync } from './backend/wasm.js';

let active: Backend | null = null;
let wasm: Backend | null = null;
let js: Backend | null = null;
/** Set by setBackend: ready() then leaves the choice alone. */
let chosenByUser = false;
let seed: number | null = null;

/** The backend ops run on now, created on first use. */
export function activeBackend(): Backend {
  if (active) return active;
  wasm ??= seeded(loadWasmBackendSync());
  if (wasm) return (active = wasm);
  console.warn('neurite: running on the js backend until `await tf.ready()` has loaded the wasm core');
  return (active = jsBackend());
}

/** Loads the best wasm build for this host (relaxed SIMD where it validates) and makes it active. Idempotent. */
export async function ready(): Promise<void> {
  wasm ??= seeded(await loadWasmBackend());
  if (!chosenByUser) active = wasm;
}

/** 'wasm' or 'js': the backend ops run on now. */
export function getBackend(): BackendName {
  return activeBackend().name;
}

/**
 * Switches backend. Tensors made on the other backend move over when next used.
 * Resolves true when the backend is active, false if it could not be loaded.
 * @example await tf.setBackend('js'); // the pure-TypeScript twin
 */
export async function setBackend(name: BackendName): Promise<boolean> {
  if (name !== 'wasm' && name !== 'js') throw new Error(`setBackend: name must be 'wasm' or 'js', got ${JSON.stringify(name)}`);
  if (name === 'js') {
    active = jsBackend();
  } else {
    try {
      wasm ??= seeded(await loadWasmBackend());
    } catch {
      return false;
    }
    active = wasm;
  }
  chosenByUser = true;
  return true;
}

/**
 * Makes weight initialisation, dropout and fit's shuffling reproducible: the same seed on the same backend
 * and build gives bit-identical results.
 */
export function setSeed(value: number): void {
  if (!Number.isInteger(value)) throw new Error(`setSeed: seed must be an integer, got ${value}`);
  seed = value >>> 0;
  for (const b of [wasm, js]) if (b) seeded(b);
}

function jsBackend(): Backend {
  return (js ??= seeded(createJsBackend()));
}

function seeded<B extends Backend | null>(b: B): B {
  if (b && seed !== null) b.kernels.rngSeed(b.rngState, seed);
  return b;
}
