// Vite set-up for the text-generation page: `npm run text-generation-browser`. 'neurite' is the repository's
// own source and the page is cross-origin isolated, as the MNIST page is. The training worker is an ES module,
// since neurite's lazily loaded chunks need one.

import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
// Cross-origin isolation keeps SharedArrayBuffer (and so neurite's threads) available to the page.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

export default defineConfig({
  root: here('.'),
  resolve: { alias: { neurite: here('../../src/index.ts') } },
  // The wasm core lives in build/ at the repository root, outside this page's folder.
  server: { headers: isolation, fs: { allow: [here('../..')] } },
  preview: { headers: isolation },
  build: { target: 'es2022' },
  worker: { format: 'es' },
});
