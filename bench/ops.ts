// Core ops on 1M-element tensors (M elements/s), through the public API of each library in one run: neurite on
// its wasm build and its js twin, TF.js 4.22 on its wasm backend (one thread) and its cpu backend. Each call
// makes its result and disposes it, as user code does. Run directly to print a table:
//   node --import tsx bench/ops.ts

import { pathToFileURL } from 'node:url';
import * as tfjs from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '../src/index.js';
import { activeBackend } from '../src/engine.js';
import { printRows, secondsPerCall, type Row } from './harness.js';

type Lib = typeof tf;
const N = 1000;

/** The cases: each makes its inputs with `lib` and returns the op to time, on N x N = 1M elements. */
const CASES: Array<[string, (lib: Lib) => { inputs: tf.Tensor[]; run: () => tf.Tensor }]> = [
  ['add [1000,1000] + [1000,1000]', (lib) => pair(lib, [N, N], [N, N], (a, b) => lib.add(a, b))],
  ['add [1000,1000] + [1000] (row broadcast)', (lib) => pair(lib, [N, N], [N], (a, b) => lib.add(a, b))],
  ['mul [1000,1000] * [1000,1] (column broadcast)', (lib) => pair(lib, [N, N], [N, 1], (a, b) => lib.mul(a, b))],
  ['sum [1000,1000] over axis 1', (lib) => single(lib, (x) => lib.sum(x, 1))],
  ['sum [1000,1000] over axis 0', (lib) => single(lib, (x) => lib.sum(x, 0))],
  ['max [1000,1000] over axis 1', (lib) => single(lib, (x) => lib.max(x, 1))],
  ['transpose [1000,1000]', (lib) => single(lib, (x) => lib.transpose(x))],
];

function values(size: number, seed: number): Float32Array {
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = Math.sin(i * 0.37 + seed);
  return out;
}

function pair(lib: Lib, sa: number[], sb: number[], f: (a: tf.Tensor, b: tf.Tensor) => tf.Tensor) {
  const size = (s: number[]) => s.reduce((p, d) => p * d, 1);
  const [a, b] = [lib.tensor(values(size(sa), 1), sa), lib.tensor(values(size(sb), 2), sb)];
  return { inputs: [a, b], run: () => f(a, b) };
}

function single(lib: Lib, f: (x: tf.Tensor) => tf.Tensor) {
  const x = lib.tensor(values(N * N, 3), [N, N]);
  return { inputs: [x], run: () => f(x) };
}

/** M elements/s of every case on one library as it is set up now. */
function measure(lib: Lib, impl: string): Row[] {
  return CASES.map(([name, make]) => {
    const { inputs, run } = make(lib);
    const seconds = secondsPerCall(() => run().dispose(), 0.3);
    lib.dispose(inputs);
    return { case: name, impl, value: (N * N) / seconds / 1e6, unit: 'M elements/s' };
  });
}

export async function benchOps(): Promise<Row[]> {
  await tf.ready();
  const build = `wasm-${activeBackend().build}`;
  const rows = measure(tf, build);
  await tf.setBackend('js');
  rows.push(...measure(tf, 'js'));
  await tf.setBackend('wasm');
  setThreadsCount(1);
  if (!(await tfjs.setBackend('wasm'))) throw new Error('bench: TF.js wasm backend failed to initialise');
  rows.push(...measure(tfjs as unknown as Lib, 'tfjs-wasm'));
  await tfjs.setBackend('cpu');
  rows.push(...measure(tfjs as unknown as Lib, 'tfjs-cpu'));
  await tfjs.setBackend('wasm');
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  printRows(await benchOps());
}
