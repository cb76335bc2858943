// Builds the browser distribution with esbuild: dist/browser/neurite.js, a minified ES module code-split so
// that the js twin and save/load are chunks fetched on first use, and neurite-inline.js with the wasm
// embedded. The wasm files stay in build/: `new URL('../../build/...', import.meta.url)` in the chunks still
// points there, since dist/browser/ is two levels below the package root like src/backend/. No types here:
// both entries share dist/index.d.ts.

import { rm, writeFile } from 'node:fs/promises';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url);
const outdir = new URL('dist/browser/', root);

// Two builds, so that neurite.js holds the library itself rather than re-exporting a chunk shared with
// neurite-inline.js; a page uses one entry or the other.
const options = {
  absWorkingDir: root.pathname,
  outdir: 'dist/browser',
  bundle: true,
  format: 'esm',
  splitting: true,
  minify: true,
  target: 'es2022',
  sourcemap: 'linked',
  logLevel: 'warning',
} as const;

await rm(outdir, { recursive: true, force: true });
const main = await build({ ...options, entryPoints: [{ in: 'src/index.ts', out: 'neurite' }], metafile: true });
const inline = await build({ ...options, entryPoints: [{ in: 'scripts/inline-entry.ts', out: 'neurite-inline' }], loader: { '.wasm': 'binary' }, metafile: true });
// Which chunk imports which, statically or lazily: read by the size test (test/browser/package.test.ts).
const metafile = {
  inputs: { ...main.metafile.inputs, ...inline.metafile.inputs },
  outputs: { ...main.metafile.outputs, ...inline.metafile.outputs },
};
await writeFile(new URL('metafile.json', outdir), JSON.stringify(metafile));
