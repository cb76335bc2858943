// `npm run bench`: every benchmark in one run (matmul, activations, core ops, batch norm, training), printed as
// one table with the ratios the project's targets are stated in, and written to bench/results/latest.json.
// Pass names to run a subset: npm run bench -- matmul training

import { mkdir, writeFile } from 'node:fs/promises';
import * as tf from '../src/index.js';
import { benchActivations } from './activations.js';
import { benchBrowser } from './browser.js';
import { benchCnn } from './cnn.js';
import type { Row } from './harness.js';
import { benchMatmul } from './matmul.js';
import { benchNormalization } from './normalization.js';
import { benchOps } from './ops.js';
import { ceilingRows } from './peak.js';
import { benchRecurrent } from './recurrent.js';
import { benchThreads } from './threads.js';
import { benchTraining } from './training.js';

const suites: Record<string, () => Promise<Row[]>> = {
  matmul: () => benchMatmul(),
  activations: benchActivations,
  ops: benchOps,
  normalization: benchNormalization,
  training: benchTraining,
  threads: benchThreads,
  cnn: benchCnn,
  recurrent: benchRecurrent,
  browser: benchBrowser,
};

const wanted = process.argv.slice(2);
for (const name of wanted) if (!(name in suites)) throw new Error(`bench: unknown suite ${name}; known: ${Object.keys(suites).join(', ')}`);

// `npm run bench` passes no V8 flags, so this is the build `node app.js` gets (NEURITE_BUILD changes it).
await tf.ready();
const build = tf.getBuild();
console.log(`node ${process.version}; neurite runs the ${build} build`);

const rows: Row[] = [];
for (const [name, run] of Object.entries(suites)) {
  if (wanted.length > 0 && !wanted.includes(name)) continue;
  console.log(`running ${name} ...`);
  rows.push(...(await run()));
}
rows.push(...ceilingRows());

/** Each case once, with one column per implementation. */
const impls = [...new Set(rows.map((r) => r.impl))];
const cases = [...new Set(rows.map((r) => r.case))];
const cell = (c: string, impl: string) => rows.find((r) => r.case === c && r.impl === impl);
const format = (v: number) => (v >= 100 ? Math.round(v).toLocaleString('en-US') : v.toPrecision(3));
const header = ['case', 'unit', ...impls];
const table = cases.map((c) => {
  const unit = rows.find((r) => r.case === c)!.unit;
  return [c, unit, ...impls.map((impl) => (cell(c, impl) ? format(cell(c, impl)!.value) : ''))];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i].length)));
const line = (cols: string[]) => cols.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}`);
for (const r of table) console.log(line(r));

/** neurite's best single-thread wasm figure over each baseline's, per case where both ran. */
const ours = (impl: string) => /^wasm-(simd|relaxed)$/.test(impl);
const baselines: Array<[string, string]> = [
  ['js twin', 'js'],
  ['TF.js wasm', 'tfjs-wasm'],
  ['TF.js cpu', 'tfjs-cpu'],
  ['brain.js', 'brain.js'],
];
const ratios: Record<string, Record<string, number>> = {};
for (const c of cases) {
  const inCase = rows.filter((r) => r.case === c);
  // Times (ms) are better low: their ratio is the baseline's time over neurite's, so that higher is better too.
  const times = inCase[0].unit === 'ms';
  const faster = times ? (x: number, y: number) => y / x : (x: number, y: number) => x / y;
  const values = inCase.filter((r) => ours(r.impl)).map((r) => r.value);
  const best = times ? Math.min(...values) : Math.max(...values);
  for (const [label, impl] of baselines) {
    const theirs = cell(c, impl);
    if (theirs && Number.isFinite(best)) (ratios[c] ??= {})[`wasm / ${label}`] = faster(best, theirs.value);
  }
  const viaDataset = inCase.find((r) => r.impl.endsWith(' fitDataset'));
  const direct = viaDataset && cell(c, viaDataset.impl.replace(' fitDataset', ''));
  if (viaDataset && direct) (ratios[c] ??= {})['fit / fitDataset (the tf.data pipeline\'s cost)'] = direct.value / viaDataset.value;
  for (const two of inCase.filter((r) => r.impl.endsWith(' 2 threads'))) {
    const one = cell(c, two.impl.replace(' 2 threads', ''));
    // The browser suite's impls start with their runtime ('node wasm-relaxed 2 threads'); the threads suite's do not.
    const runtime = /^(node|chromium) /.exec(two.impl)?.[0] ?? '';
    if (one) (ratios[c] ??= {})[`${runtime}2 threads / 1 thread`] = two.value / one.value;
  }
  // The browser suite: Chromium's figure over Node's at the same thread count (their wasm builds are in the names).
  for (const browser of inCase.filter((r) => r.impl.startsWith('chromium '))) {
    const twoThreads = browser.impl.endsWith(' 2 threads');
    const node = inCase.find((r) => r.impl.startsWith('node ') && r.impl.endsWith(' 2 threads') === twoThreads);
    if (node) (ratios[c] ??= {})[`chromium / node${twoThreads ? ' (2 threads)' : ''}`] = browser.value / node.value;
  }
}
console.log('\nratios (higher is better for neurite):');
for (const [c, r] of Object.entries(ratios)) console.log(`  ${c}: ${Object.entries(r).map(([k, v]) => `${k} ${v.toPrecision(3)}x`).join(', ')}`);

await mkdir(new URL('./results/', import.meta.url), { recursive: true });
const file = new URL('./results/latest.json', import.meta.url);
await writeFile(file, JSON.stringify({ date: new Date().toISOString(), node: process.version, build, rows, ratios }, null, 2));
console.log(`\nwrote ${file.pathname}`);
