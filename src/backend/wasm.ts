// Loads a wasm build of assembly/ and wraps it as a Backend. The exports are the Kernels themselves:
// pointers and sizes cross the boundary, nothing else. Node reads the file; browsers fetch it.

import { Backend } from './backend.js';
import { Heap, MAX_PAGES } from './heap.js';
import type { Kernels } from './kernels.js';

export type WasmBuild = 'simd' | 'relaxed';

/** The smallest module using f32x4.relaxed_madd: validates only where relaxed SIMD is on. */
const RELAXED_PROBE = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, // magic, version
  0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, // type: () -> v128
  0x03, 0x02, 0x01, 0x00, // one function of that type
  0x0a, 0x1c, 0x01, 0x1a, 0x00, // code: one body of 26 bytes, no locals
  0x43, 0x00, 0x00, 0x80, 0x3f, 0xfd, 0x13, // f32.const 1, f32x4.splat
  0x43, 0x00, 0x00, 0x80, 0x3f, 0xfd, 0x13,
  0x43, 0x00, 0x00, 0x80, 0x3f, 0xfd, 0x13,
  0xfd, 0x85, 0x02, // f32x4.relaxed_madd
  0x0b, // end
]);

/**
 * True where the host accepts relaxed SIMD. Chromium and Node 22+ do; Node 20 does behind a V8 flag, which is
 * turned on here when the probe fails without it: V8's flags are per process, so the modules compiled after
 * this and the worker threads that run them have it too.
 */
export function hasRelaxedSimd(): boolean {
  if (WebAssembly.validate(RELAXED_PROBE)) return true;
  // process.getBuiltinModule rather than an import, so that browser bundles never see node:v8.
  const v8 = globalThis.process?.getBuiltinModule?.('node:v8');
  if (!v8) return false;
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(RELAXED_PROBE);
}

/** Where each build's bytes come from instead of the file beside the module; set by 'neurite/inline'. */
let bytesSource: ((build: WasmBuild) => Promise<BufferSource>) | null = null;

/** Lets an entry supply the wasm bytes (embedded in its JS, say) instead of fetching build/*.wasm. */
export function provideWasmBytes(source: (build: WasmBuild) => Promise<BufferSource>): void {
  bytesSource = source;
}

export async function loadWasmBackend(build: WasmBuild = bestBuild()): Promise<Backend> {
  checkBuild(build);
  const bytes = bytesSource ? await bytesSource(build) : await wasmBytes(wasmUrl(build));
  const imports = makeImports();
  const { instance } = await WebAssembly.instantiate(bytes, imports);
  return wrap(build, instance, imports.env.memory);
}

/**
 * Node only: loads a build synchronously, so ops called before `await ready()` still run on wasm there.
 * Returns null where that is not possible (browsers, which must compile large modules asynchronously).
 */
export function loadWasmBackendSync(build: WasmBuild = bestBuild()): Backend | null {
  checkBuild(build);
  const url = wasmUrl(build);
  const fs = url.protocol === 'file:' ? globalThis.process?.getBuiltinModule?.('node:fs') : undefined;
  if (!fs) return null;
  const imports = makeImports();
  const instance = new WebAssembly.Instance(new WebAssembly.Module(fs.readFileSync(url)), imports);
  return wrap(build, instance, imports.env.memory);
}

export function bestBuild(): WasmBuild {
  return hasRelaxedSimd() ? 'relaxed' : 'simd';
}

function checkBuild(build: WasmBuild): void {
  if (build !== 'simd' && build !== 'relaxed') throw new Error(`build must be 'simd' or 'relaxed', got ${String(build)}`);
  if (build === 'relaxed' && !hasRelaxedSimd()) throw new Error('build: this host does not support relaxed SIMD');
}

function wasmUrl(build: WasmBuild): URL {
  // Literal URLs, so that bundlers (Vite, webpack) find the files and copy them beside the bundle.
  return build === 'relaxed' ? new URL('../../build/neurite-relaxed.wasm', import.meta.url) : new URL('../../build/neurite-simd.wasm', import.meta.url);
}

/** The module's imports: its memory (shared, for the threads builds) and abort. */
export function makeImports(shared = false) {
  return {
    env: {
      memory: new WebAssembly.Memory({ initial: 16, maximum: MAX_PAGES, shared }),
      abort() {
        throw new Error('neurite: wasm kernel aborted (a kernel was called with arguments it does not accept)');
      },
    },
  };
}

function wrap(build: WasmBuild, instance: WebAssembly.Instance, memory: WebAssembly.Memory): Backend {
  const exports = instance.exports as unknown as Kernels & { heapBase(): number };
  return new Backend('wasm', build, exports, new Heap(memory, exports.heapBase()));
}

/** Read through a variable, so that bundlers for browsers leave Node's fs alone. */
const NODE_FS = 'node:fs';

export async function wasmBytes(url: URL): Promise<BufferSource> {
  if (url.protocol === 'file:') {
    const fs: typeof import('node:fs') = globalThis.process?.getBuiltinModule?.('node:fs') ?? (await import(/* @vite-ignore */ NODE_FS));
    return (await fs.promises.readFile(url)) as Uint8Array<ArrayBuffer>;
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`neurite: could not load ${url} (HTTP ${response.status})`);
  return response.arrayBuffer();
}
