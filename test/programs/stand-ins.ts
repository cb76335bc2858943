// What the ported programs get in place of what they reach outside themselves: a seeded Math.random, fixed
// starting weights, the files they would download (written to a temporary directory), and for TF.js the
// file:// model handler tfjs-node would give it.

import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type * as neurite from '../../src/index.js';
import { randomData } from '../support.js';

type TF = typeof neurite;

/**
 * A Math whose random() is a seeded stream (mulberry32, as support.ts's randomData, in f64). A program shadows
 * the global Math with one: its own draws (shuffles, simulations) then repeat, and are the same on both
 * libraries, whatever the libraries draw from theirs (TF.js the global Math.random, neurite its generator).
 */
export function seededMath(seed: number): Math {
  let s = seed >>> 0;
  const random = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Object.assign(Object.create(Math) as Math, { random });
}

/**
 * Sets every weight of a model to fixed numbers, the same on both libraries (whose initialisers draw different
 * ones): kernels uniform in Glorot's range, biases zero. Works on a TF.js model and on a neurite one.
 */
export function sameStart(tf: TF, model: neurite.Sequential): void {
  const values = model.weights.map(({ shape }, i) => {
    const size = shape.reduce((a, b) => a * b, 1);
    if (shape.length === 1) return tf.zeros(shape);
    const [fanIn, fanOut] = [shape.slice(0, -1).reduce((a, b) => a * b, 1), shape[shape.length - 1]];
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    return tf.tensor(randomData(size, i + 1, -limit, limit), shape);
  });
  model.setWeights(values);
  tf.dispose(values);
}

let directory: string | null = null;
/** A temporary directory, made when first needed. */
const temporary = () => (directory ??= mkdtempSync(join(tmpdir(), 'neurite-programs-')));

/** Removes the temporary directory and everything written to it. */
export function removeTemporary(): void {
  if (directory !== null) rmSync(directory, { recursive: true, force: true });
  directory = null;
}

/** Writes text to a file of this name in the temporary directory and returns its file:// URL. */
export function fixtureUrl(name: string, text: string): string {
  const path = join(temporary(), name);
  writeFileSync(path, text);
  return `file://${path}`;
}

/** A fresh directory in the temporary one, as a file:// URL (for a program's model.save). */
export function freshDirUrl(name: string): string {
  return `file://${mkdtempSync(join(temporary(), `${name}-`))}`;
}

/**
 * What tfjs-node adds to TF.js and the Node programs rely on: file:// URLs for model.save (a directory:
 * model.json and weights.bin) and tf.loadLayersModel (a model.json path). Registered on TF.js for the test
 * (neurite has its own); the files are in TF.js's usual layout.
 */
export function registerTfjsFileSystem(tfjs: typeof import('@tensorflow/tfjs')): void {
  type IORouter = Parameters<typeof tfjs.io.registerSaveRouter>[0]; // typed as never returning null, which routers do
  const router = (url: string | string[]) => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const path = url.slice('file://'.length);
    return {
      async save(artifacts: import('@tensorflow/tfjs').io.ModelArtifacts) {
        mkdirSync(path, { recursive: true });
        const { weightData, weightSpecs, ...rest } = artifacts;
        writeFileSync(join(path, 'model.json'), JSON.stringify({ ...rest, weightsManifest: [{ paths: ['weights.bin'], weights: weightSpecs }] }));
        writeFileSync(join(path, 'weights.bin'), Buffer.concat([weightData ?? []].flat().map((part) => new Uint8Array(part))));
        return { modelArtifactsInfo: tfjs.io.getModelArtifactsInfoForJSON(artifacts) };
      },
      async load() {
        const json = JSON.parse(readFileSync(path, 'utf8'));
        return tfjs.io.getModelArtifactsForJSON(json, async (manifest) => {
          const specs = manifest.flatMap((group) => group.weights);
          const parts = manifest.flatMap((group) => group.paths.map((p) => readFileSync(join(dirname(path), p))));
          return [specs, new Uint8Array(Buffer.concat(parts)).buffer];
        });
      },
    };
  };
  tfjs.io.registerSaveRouter(router as IORouter);
  tfjs.io.registerLoadRouter(router as IORouter);
}
