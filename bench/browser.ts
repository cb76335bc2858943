// Node against Chromium on the same workloads (issue 13: "the same numbers in Chromium within 10% of Node's"):
// bench/browser-workload.js runs first in Node on dist/index.js, then in headless Chromium on
// dist/browser/neurite.js, never both at once. Both are outputs of one `npm run build`, the entries Node and
// browser users import, so the ratio compares the engines, not two builds of the code. The page is cross-origin
// isolated so that setThreads(2) gets its workers.
// Run: npm run bench -- browser   (prints the chromium / node and 2 threads / 1 thread ratios)

import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser } from 'playwright-core';
import { loadMnist } from '../examples/data.js';
import { CHROMIUM, launchChromium, serveStatic } from '../test/browser/support.js';
import { runWorkloads, type WorkloadData, type WorkloadResult } from './browser-workload.js';
import { printRows, type Row } from './harness.js';
import { xorData } from './training.js';

const ROOT = new URL('../', import.meta.url);
/** Where the page and its data are written for the run, under the served root (bench/results/ is git-ignored). */
const PAGE_PATH = 'bench/results/browser-page/';

/** Rows named by runtime and wasm build, e.g. 'chromium wasm-relaxed 2 threads', as bench/index.ts pairs them. */
function toRows(runtime: 'node' | 'chromium', build: string, results: WorkloadResult[]): Row[] {
  return results.map((r) => ({ case: r.case, impl: `${runtime} wasm-${build}${r.threads === 2 ? ' 2 threads' : ''}`, value: r.value, unit: r.unit }));
}

/** Wall time since start, to keep the suite's length in view. */
const seconds = (start: number) => `${((performance.now() - start) / 1000).toFixed(1)} s`;

async function onNode(data: WorkloadData): Promise<Row[]> {
  const start = performance.now();
  // Imported here, not at the top, so that the other suites run without dist/.
  const tf = await import('../dist/index.js');
  await tf.ready();
  const build = tf.getBuild();
  const rows = toRows('node', build, await runWorkloads(tf, data));
  console.log(`  node ${process.version}: wasm-${build}, ${seconds(start)}`);
  return rows;
}

async function onChromium(data: WorkloadData): Promise<Row[]> {
  const start = performance.now();
  const pageDir = new URL(PAGE_PATH, ROOT);
  let server: Awaited<ReturnType<typeof serveStatic>> | undefined;
  let browser: Browser | undefined;
  try {
    // The page and its data as files for serveStatic, which gives them the isolation headers: the 25 MB of
    // pixels load in a fraction of a second this way, but take seconds through page.route or page.evaluate.
    await mkdir(pageDir, { recursive: true });
    await writeFile(new URL('index.html', pageDir), '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>neurite bench</title>');
    for (const [name, array] of Object.entries(data)) await writeFile(new URL(name, pageDir), new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    server = await serveStatic(fileURLToPath(ROOT));
    browser = await launchChromium();
    const page = await browser.newPage();
    await page.goto(`${server.url}/${PAGE_PATH}`);
    const { build, results } = await page.evaluate(
      async ([neuriteUrl, workloadUrl]) => {
        if (!globalThis.crossOriginIsolated) throw new Error('bench browser: the page is not cross-origin isolated, so it cannot run 2 threads');
        const tf = await import(neuriteUrl);
        const workload = (await import(workloadUrl)) as typeof import('./browser-workload.js');
        // No named inner functions: tsx wraps them in a __name() helper that the page lacks.
        const [mnistX, mnistLabels, xorX, xorY] = await Promise.all(['mnistX', 'mnistLabels', 'xorX', 'xorY'].map(async (name) => (await fetch(name)).arrayBuffer()));
        await tf.ready();
        const data = { mnistX: new Float32Array(mnistX), mnistLabels: new Int32Array(mnistLabels), xorX: new Float32Array(xorX), xorY: new Float32Array(xorY) };
        return { build: tf.getBuild() as string, results: await workload.runWorkloads(tf, data) };
      },
      ['/dist/browser/neurite.js', '/bench/browser-workload.js'],
    );
    console.log(`  chromium ${browser.version()}: wasm-${build}, ${seconds(start)} with the launch`);
    return toRows('chromium', build, results);
  } finally {
    await browser?.close();
    await server?.close();
    await rm(pageDir, { recursive: true, force: true });
  }
}

export async function benchBrowser(): Promise<Row[]> {
  // Before Node's half, not after it.
  if (!existsSync(CHROMIUM)) throw new Error(`bench browser: no Chromium at ${CHROMIUM}; install it (apt-get install -y chromium) or set CHROMIUM_PATH`);
  const { train } = loadMnist();
  const xor = xorData(1000);
  const data: WorkloadData = { mnistX: train.x, mnistLabels: train.labels, xorX: xor.x, xorY: xor.y };
  // In turn, never at once: the machine has two cores, and the 2-thread rows need both.
  const rows = await onNode(data);
  rows.push(...(await onChromium(data)));
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) printRows(await benchBrowser());
