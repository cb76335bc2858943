// Vite config for the playground: this folder served with cross-origin isolation headers, 'neurite' resolved
// to the repository's source, and the wasm loaded from build/ (made by npm install; this builds nothing).

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = fileURLToPath(new URL('.', import.meta.url));
const repository = fileURLToPath(new URL('../..', import.meta.url));
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here,
  resolve: { alias: { neurite: fileURLToPath(new URL('../../src/index.ts', import.meta.url)) } },
  // src/backend/wasm.ts finds build/neurite-*.wasm two levels above itself, outside this root.
  server: { headers: isolation, fs: { allow: [repository] } },
  preview: { headers: isolation },
  worker: { format: 'es' },
});
