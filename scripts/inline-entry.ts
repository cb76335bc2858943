// The entry of 'neurite/inline' (dist/browser/neurite-inline.js), built by build-browser.ts with esbuild's
// binary loader: neurite with both wasm builds embedded in its JS, for bundlers that do not copy the
// build/*.wasm files that `new URL(..., import.meta.url)` points at. Each build is a lazy chunk, so a page
// downloads only the one it instantiates. Not compiled by tsc (it imports .wasm files).

import { provideWasmBytes } from '../src/backend/wasm.js';

provideWasmBytes(async (build) => (build === 'relaxed' ? await import('../build/neurite-relaxed.wasm') : await import('../build/neurite-simd.wasm')).default);

export * from '../src/index.js';
