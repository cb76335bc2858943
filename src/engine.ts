// Which backend runs the ops, and the global seed. Everything else asks `activeBackend()` for it.
// In Node the wasm core loads synchronously on first use; browsers need `await ready()` first (they
// compile large modules only asynchronously). The js twin is loaded only when asked for, or when wasm
// cannot be loaded, so pages that run on wasm never download it. NEURITE_BUILD picks the wasm build
// wherever the code does not.

import type { Backend, BackendName, BuildName } from './backend/backend.js';
import { bestBuild, hasRelaxedSimd, loadWasmBackend, loadWasmBackendSync, type WasmBuild } from './backend/wasm.js';
import { checkInt, checkOptions, describe, is } from './validate.js';

let active: Backend | null = null;
let wasm: Backend | null = null;
let js: Backend | null = null;
/** Set by setBackend: ready() then leaves the choice alone. */
let chosenByUser = false;
let seed: number | null = null;

/** The backend ops run on now; in Node the wasm core is loaded on first use. */
export function activeBackend(): Backend {
  if (active) return active;
  wasm ??= seeded(loadWasmBackendSync(envBuild()));
  if (wasm) return (active = wasm);
  throw new Error('neurite: call `await tf.ready()` before the first op (in a browser it loads the wasm core)');
}

/**
 * Loads the best wasm build for this host (relaxed SIMD where the host can run it; in Node 20 that turns on
 * V8's relaxed SIMD flag) and makes it active, or the js twin, with a one-line notice, where WebAssembly SIMD
 * is unavailable. Idempotent. `build`, or else the environment variable NEURITE_BUILD, picks a wasm build
 * instead (e.g. 'simd' for results bit-identical across hosts).
 */
export async function ready(options?: { build?: WasmBuild }): Promise<void> {
  const { build: asked } = checkOptions('ready', 'options', options, { build: is.oneOf('simd', 'relaxed') });
  if (asked === 'relaxed' && !hasRelaxedSimd()) throw new Error("ready: build 'relaxed' needs relaxed SIMD, which this host lacks; use 'simd'");
  const build = asked ?? envBuild();
  // Only an explicit build replaces a loaded one: NEURITE_BUILD is a default.
  if (wasm && asked && wasm.build !== asked) {
    wasm.stopThreads();
    if (active === wasm) active = null;
    wasm = null;
  }
  if (!wasm) {
    try {
      wasm = seeded(await loadWasmBackend(build));
    } catch (error) {
      if (build) throw new Error(`ready: could not load the ${build} build (${(error as Error).message})`);
      if (active) return;
      console.warn(`neurite: WebAssembly SIMD is unavailable (${(error as Error).message}); using the js backend`);
      active = await jsBackend();
      return;
    }
  }
  if (!chosenByUser) active = wasm;
}

/** 'wasm' or 'js': the backend ops run on now. */
export function getBackend(): BackendName {
  return activeBackend().name;
}

/** 'relaxed' or 'simd' (the wasm build), or 'js': what ops run on now. */
export function getBuild(): BuildName {
  return activeBackend().build;
}

/** The build NEURITE_BUILD asks for, or undefined (unset or empty) for the best this host runs. */
function envBuild(): WasmBuild | undefined {
  const value = globalThis.process?.env?.NEURITE_BUILD;
  if (!value) return undefined;
  if (value !== 'simd' && value !== 'relaxed') throw new Error(`neurite: the environment variable NEURITE_BUILD must be 'simd' or 'relaxed', got ${describe(value)}`);
  if (value === 'relaxed' && !hasRelaxedSimd()) throw new Error("neurite: NEURITE_BUILD is 'relaxed', which needs relaxed SIMD, and this host lacks it; use 'simd'");
  return value;
}

/**
 * Switches backend. Tensors made on the other backend move over when next used.
 * Resolves true when the backend is active, false if it could not be loaded.
 * @example await tf.setBackend('js'); // the pure-TypeScript twin
 */
export async function setBackend(name: BackendName): Promise<boolean> {
  if (name !== 'wasm' && name !== 'js') throw new Error(`setBackend: name must be 'wasm' or 'js', got ${describe(name)}`);
  if (name === 'js') {
    active = await jsBackend();
  } else {
    const build = envBuild();
    try {
      wasm ??= seeded(await loadWasmBackend(build));
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
  if (!Number.isSafeInteger(value)) throw new Error(`setSeed: seed must be an integer, got ${describe(value)}`);
  seed = value >>> 0;
  for (const b of [wasm, js]) if (b) seeded(b);
}

async function jsBackend(): Promise<Backend> {
  js ??= seeded((await import('./backend/js/index.js')).createJsBackend());
  return js;
}

function seeded<B extends Backend | null>(b: B): B {
  if (b && seed !== null) b.kernels.rngSeed(b.rngState, seed);
  return b;
}

/**
 * Runs large matmuls and activations on n threads (worker threads over shared wasm memory; results are
 * bit-identical to one thread). Where SharedArrayBuffer is unavailable (a page that is not cross-origin
 * isolated) it stays on one thread with a one-line notice. setThreads(1) stops the workers. The first
 * setThreads(n > 1) moves to a shared memory: tensors and models move there when next used.
 * @example await tf.setThreads(2);
 */
export async function setThreads(n: number): Promise<void> {
  checkInt('setThreads', 'n', n, 1, 64);
  // One change at a time: overlapping calls would otherwise each build a pool and keep the wrong one.
  const change = threadsChange.then(() => applyThreads(n));
  threadsChange = change.catch(() => {});
  return change;
}

let threadsChange: Promise<void> = Promise.resolve();

async function applyThreads(n: number): Promise<void> {
  if (n === getThreads()) return;
  wasm?.stopThreads();
  if (n === 1) return;
  const threads = await import('./backend/threads.js');
  if (!threads.threadsAvailable()) {
    console.info('neurite: SharedArrayBuffer is unavailable (the page is not cross-origin isolated); running on one thread');
    return;
  }
  if (wasm && (await wasm.startThreads(n))) return; // already on shared memory
  const previous = wasm;
  const build = previous?.build === 'simd' || previous?.build === 'relaxed' ? previous.build : (envBuild() ?? bestBuild());
  let threaded: Backend;
  try {
    threaded = await threads.loadThreadedBackend(build, n);
  } catch (error) {
    // E.g. the shared-memory build cannot be fetched (neurite/inline embeds only the single-thread builds).
    console.info(`neurite: threads are unavailable (${(error as Error).message}); running on one thread`);
    return;
  }
  // The random sequence carries on where it was.
  if (previous) threaded.heap.u8.set(previous.heap.u8.subarray(previous.rngState, previous.rngState + 16), threaded.rngState);
  else seeded(threaded);
  if (active === null || active === previous) active = threaded;
  wasm = threaded;
}

/** Threads the wasm kernels run on: 1 unless setThreads started more. */
export function getThreads(): number {
  return wasm?.threads ?? 1;
}
