// neurite as other people's projects get it: `npm pack` of the built repository, installed offline into fresh
// projects outside the repository (an ES module project, a .mjs file, CommonJS require(), strict TypeScript),
// each running one small complete program: a dense model fits y = 2x - 1, saves to file:// and loads back.
// Assumes dist/ and build/ are built, as `npm test`'s pretest does.

import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const run = promisify(execFile);

/** Runs a command, resolving to its output or rejecting with its stderr in the message. */
async function sh(cwd: string, file: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  try {
    return await run(file, args, { cwd, timeout: 60_000, encoding: 'utf8' });
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${[file, ...args].join(' ')} in ${cwd} failed: ${message}\n${stdout}\n${stderr}`);
  }
}

/**
 * The program every project runs, after the line that brings neurite in. TypeScript narrows predict's
 * `Tensor | Tensor[]`, and CommonJS has no top-level await, hence the two variations.
 */
function program(load: string, { typed = false, topLevelAwait = true } = {}): string {
  const body = `
const xs = tf.tensor2d([-1, 0, 1, 2, 3, 4], [6, 1]);
const ys = tf.tensor2d([-3, -1, 1, 3, 5, 7], [6, 1]);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
const history = await model.fit(xs, ys, { epochs: 200, verbose: 0 });
await model.save('file://./my-model');
const loaded = await tf.loadLayersModel('file://./my-model/model.json');
const x = tf.tensor2d([10], [1, 1]);
const [trained, reloaded] = [model, loaded].map((m) => (m.predict(x)${typed ? ' as tf.Tensor' : ''}).dataSync()[0]);
console.log(JSON.stringify({ losses: history.history.loss, trained, reloaded }));
`;
  return `${load}\n${topLevelAwait ? body : `(async () => {${body}})();`}`;
}

/** Checks a program's printed result: the loss fell, and both models predict 2·10 - 1. */
function expectTrained(stdout: string): void {
  const { losses, trained, reloaded } = JSON.parse(stdout) as { losses: number[]; trained: number; reloaded: number };
  expect(losses).toHaveLength(200);
  expect(losses.at(-1)!).toBeLessThan(losses[0]! / 100);
  expect(trained).toBeCloseTo(19, 1);
  expect(reloaded).toBe(trained);
}

let work: string;
let tarball: string;
let packedFiles: string[];

/** A fresh project holding `files`, with the tarball installed as its only dependency. */
async function project(name: string, files: Record<string, string>): Promise<string> {
  const dir = join(work, name);
  await mkdir(dir);
  for (const [file, text] of Object.entries(files)) await writeFile(join(dir, file), text);
  await sh(dir, 'npm', ['install', '--offline', '--no-audit', '--no-fund', tarball]);
  return dir;
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'neurite-install-'));
  // --ignore-scripts: the "prepare" script would rebuild everything; the build is already there.
  const { stdout } = await sh(ROOT, 'npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work]);
  const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed!.filename);
  packedFiles = packed!.files.map((f) => f.path);
}, 120_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the npm package', () => {
  it('holds the built library and the four wasm builds, and nothing of the repository around them', () => {
    for (const file of ['LICENSE', 'README.md', 'package.json', 'require.cjs', 'dist/index.js', 'dist/index.d.ts', 'dist/browser/neurite.js', 'dist/browser/neurite-inline.js']) {
      expect(packedFiles).toContain(file);
    }
    const wasm = packedFiles.filter((f) => f.endsWith('.wasm')).sort();
    expect(wasm).toEqual(['build/neurite-relaxed-threads.wasm', 'build/neurite-relaxed.wasm', 'build/neurite-simd-threads.wasm', 'build/neurite-simd.wasm']);
    const outside = packedFiles.filter((f) => !/^(dist\/|build\/[^/]+\.wasm$|LICENSE$|README\.md$|package\.json$|require\.cjs$)/.test(f));
    expect(outside).toEqual([]);
    expect(packedFiles.filter((f) => /\.ts$/.test(f) && !f.endsWith('.d.ts'))).toEqual([]);
    expect(packedFiles).not.toContain('dist/browser/metafile.json');
  });

  it('trains, saves and loads in an ES module project ("type": "module", .js)', async () => {
    const dir = await project('esm', {
      'package.json': JSON.stringify({ name: 'esm', private: true, type: 'module' }),
      'train.js': program("import * as tf from 'neurite';"),
    });
    expectTrained((await sh(dir, process.execPath, ['train.js'])).stdout);
  });

  it('trains, saves and loads from a .mjs file in a project without a type', async () => {
    const dir = await project('mjs', {
      'package.json': JSON.stringify({ name: 'mjs', private: true }),
      'train.mjs': program("import * as tf from 'neurite';"),
    });
    expectTrained((await sh(dir, process.execPath, ['train.mjs'])).stdout);
  });

  it("require('neurite') works where Node has require(esm), and otherwise fails with one line pointing to import()", async () => {
    const dir = await project('cjs', {
      'package.json': JSON.stringify({ name: 'cjs', private: true }),
      'train.js': program("const tf = require('neurite');", { topLevelAwait: false }),
      'same.js': "import('neurite').then((esm) => console.log(esm.sequential === require('neurite').sequential));",
    });
    const message = "Error: neurite is an ES module: use import * as tf from 'neurite' or const tf = await import('neurite'); require('neurite') needs Node 20.19+ or 22.12+";
    const refused = (args: string[]) => expect(sh(dir, process.execPath, args)).rejects.toThrow(message);
    if (process.features.require_module) {
      expectTrained((await sh(dir, process.execPath, ['train.js'])).stdout);
      expect((await sh(dir, process.execPath, ['same.js'])).stdout.trim()).toBe('true'); // one instance, not two
      // The Node without require(esm), as far as this Node can play it.
      await refused(['--no-experimental-require-module', 'train.js']);
    } else {
      await refused(['train.js']);
    }
  });

  for (const resolution of ['node16', 'bundler'] as const) {
    it(`typechecks a program under tsc --strict with moduleResolution ${resolution}`, async () => {
      const module = resolution === 'node16' ? 'node16' : 'es2022';
      const dir = await project(`ts-${resolution}`, {
        'package.json': JSON.stringify({ name: `ts-${resolution}`, private: true, type: 'module' }),
        'tsconfig.json': JSON.stringify({ compilerOptions: { strict: true, noEmit: true, target: 'es2022', module, moduleResolution: resolution, lib: ['es2022', 'dom'] }, files: ['train.ts'] }),
        'train.ts': program("import * as tf from 'neurite';", { typed: true }),
      });
      await sh(dir, process.execPath, [TSC, '-p', '.']);
    });
  }
});
