// Runs TF.js's documentation examples (see extract.ts) on TF.js 4.22's cpu backend and on neurite, one after the
// other in this process, and compares what each printed (see compare.ts).

import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tfjs from '@tensorflow/tfjs';
import * as neurite from '../../src/index.js';
import { firstDifference, isNondeterministic } from './compare.js';
import { extractExamples, type Example } from './extract.js';

/** Generous: the examples take milliseconds; only a hang (an await that never settles) reaches it. */
const TIMEOUT_MS = 5_000;
const CATEGORIES = ['ops', 'gradients', 'globals', 'io', 'util', 'optimizers'];
export const RESULTS_FILE = fileURLToPath(new URL('../../test-results/tfjs-docs.json', import.meta.url));

export interface Run {
  /** Everything the example wrote through console.log (Tensor.print included), split into lines. */
  output: string[];
  /** The first line of what it threw, if it threw. */
  error?: string;
}

export interface Result {
  id: string;
  category: string;
  heading: string;
  subheading: string;
  status: 'passed' | 'failed' | 'excluded';
  /** excluded: why; failed: what neurite threw, or the first line that differs. */
  reason?: string;
  /** Compared on structure and dtype only (compare.ts). */
  nondeterministic: boolean;
  code: string;
  tfjs?: Run;
  neurite?: Run;
}

export interface Report {
  results: Result[];
  seconds: number;
}

type Library = typeof tfjs | typeof neurite;

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (tf: Library) => Promise<void>;
/** The lines of the example running now, so output reaches its own run even from a timer or a late promise. */
const capture = new AsyncLocalStorage<string[]>();
/** global.gc, enabled here so the harness runs the same with or without node's --expose-gc. */
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** `candidate` is neurite; the test also passes TF.js itself, which must then match on every example. */
export async function runDocExamples(candidate: Library = neurite): Promise<Report> {
  const start = performance.now();
  const restore = isolateGlobals();
  try {
    await candidate.ready();
    const results: Result[] = [];
    for (const example of extractExamples()) results.push(await runBoth(example, candidate));
    return { results, seconds: (performance.now() - start) / 1000 };
  } finally {
    restore();
  }
}

async function runBoth(example: Example, candidate: Library): Promise<Result> {
  const nondeterministic = isNondeterministic(example.code);
  const { id, category, heading, subheading, code } = example;
  const result: Result = { id, category, heading, subheading, status: 'excluded', nondeterministic, code };
  if (example.skip !== undefined) return { ...result, reason: example.skip };
  const reference = await runExample(tfjs, code);
  if (reference.error !== undefined) return { ...result, tfjs: reference, reason: `fails on TF.js in Node: ${reference.error}` };
  const actual = await runExample(candidate, code);
  const reason = actual.error !== undefined ? `neurite threw ${actual.error}` : firstDifference(reference.output, actual.output, nondeterministic);
  return { ...result, status: reason === undefined ? 'passed' : 'failed', tfjs: reference, neurite: actual, ...(reason ? { reason } : {}) };
}

async function runExample(tf: Library, code: string): Promise<Run> {
  await freshState(tf, code);
  const output: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  try {
    // An async function, so that the examples' top-level `await` works; `tf` is its only free name.
    const example = new AsyncFunction('tf', code);
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
    });
    await capture.run(output, () => Promise.race([example(tf), timeout]));
    return { output };
  } catch (error) {
    return { output, error: firstLine(error) };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Each example starts as in a new process, so that what it prints (tf.memory() above all) does not depend
 * on the examples before it. TF.js: a new engine (no tensors, kept tensors or variables), back on the cpu
 * backend. neurite frees the tensors nobody references by finalization (README), which only tf.memory()
 * can observe: before an example that calls it, garbage collections and turns of the event loop, where the
 * finalizers run, until two turns in a row free nothing more, leave what a new process would have (collecting before
 * every example costs seconds). One turn was not always enough on a loaded machine.
 */
async function freshState(tf: Library, code: string): Promise<void> {
  if (tf === tfjs) {
    tfjs.engine().reset();
    await tfjs.setBackend('cpu');
  } else if (code.includes('tf.memory()')) {
    for (let turn = 0, unchanged = 0; turn < 20 && unchanged < 2; turn++) {
      const before = tf.memory().numTensors;
      collectGarbage();
      await new Promise((resolve) => setTimeout(resolve, 0));
      unchanged = tf.memory().numTensors === before ? unchanged + 1 : 0;
    }
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.split('\n')[0];
}

/**
 * For the duration of a run: console.log inside an example is captured (other console output of examples,
 * such as TF.js's "install our node backend" warning, is dropped), and fetch fails at once, so examples that
 * fetch a URL fail on TF.js (and are excluded) on every machine, online or not. Returns the undo.
 */
function isolateGlobals(): () => void {
  const saved = { log: console.log, info: console.info, warn: console.warn, error: console.error, debug: console.debug };
  const savedFetch = globalThis.fetch;
  console.log = (...args: unknown[]) => {
    const lines = capture.getStore();
    if (lines === undefined) saved.log(...args);
    else lines.push(...format(...args).split('\n'));
  };
  for (const name of ['info', 'warn', 'error', 'debug'] as const) {
    console[name] = (...args: unknown[]) => {
      if (capture.getStore() === undefined) saved[name](...args);
    };
  }
  globalThis.fetch = () => Promise.reject(new Error('fetch is disabled in the docs-examples harness (offline)'));
  return () => {
    Object.assign(console, saved);
    globalThis.fetch = savedFetch;
  };
}

/** Counts per category: examples found, excluded, counted (the denominator), passed, failed. */
export function tally(results: Result[]) {
  return [...CATEGORIES, 'total'].map((category) => {
    const mine = results.filter((r) => category === 'total' || r.category === category);
    const count = (status: Result['status']) => mine.filter((r) => r.status === status).length;
    const [excluded, passed, failed] = [count('excluded'), count('passed'), count('failed')];
    return { category, examples: mine.length, excluded, counted: passed + failed, passed, failed };
  });
}

export function summary(report: Report): string {
  const rows = tally(report.results);
  const total = rows[rows.length - 1];
  const header = ['category', 'examples', 'excluded', 'counted', 'passed', 'failed'];
  const table = [header, ...rows.map((r) => [r.category, r.examples, r.excluded, r.counted, r.passed, r.failed].map(String))]
    .map((cells) => cells.map((cell, i) => (i === 0 ? cell.padEnd(12) : cell.padStart(9))).join(''))
    .join('\n');
  const rate = total.counted === 0 ? 0 : (100 * total.passed) / total.counted;
  return `TF.js 4.22 core documentation examples on neurite (reference: TF.js's cpu backend in Node)\n${table}\n` +
    `neurite prints TF.js's output for ${total.passed} of ${total.counted} examples (${rate.toFixed(1)}%; the goal is 90%), ` +
    `in ${report.seconds.toFixed(1)} s; details in ${RESULTS_FILE}`;
}

/** The summary, then every exclusion and failure with its reason, then the failures grouped by cause. */
export function fullReport(report: Report): string {
  const list = (status: Result['status']) =>
    report.results.filter((r) => r.status === status).map((r) => `  ${r.id}${r.nondeterministic ? ' (nondeterministic)' : ''}: ${r.reason}`);
  return [
    summary(report),
    '',
    'Excluded:',
    ...list('excluded'),
    '',
    'Failed on neurite:',
    ...list('failed'),
    '',
    'Failures by cause:',
    ...causes(report.results),
  ].join('\n');
}

/** Missing functions and methods (the bulk while neurite's core is partial), other errors, output differences. */
function causes(results: Result[]): string[] {
  const groups = new Map<string, string[]>();
  for (const r of results.filter((r) => r.status === 'failed')) {
    const missing = /^TypeError: (\S+) is not a function|^TypeError: Cannot read properties of undefined \(reading '(\w+)'\)/.exec(r.reason?.replace('neurite threw ', '') ?? '');
    const cause = missing ? 'missing in neurite' : r.neurite?.error !== undefined ? 'other errors' : 'printed output differs';
    groups.set(cause, [...(groups.get(cause) ?? []), missing ? (missing[1] ?? missing[2]) : r.id]);
  }
  return [...groups].sort((a, b) => b[1].length - a[1].length).map(([cause, items]) => `  ${cause} (${items.length}): ${[...new Set(items)].join(', ')}`);
}

export function writeResults(report: Report): void {
  mkdirSync(dirname(RESULTS_FILE), { recursive: true });
  writeFileSync(RESULTS_FILE, `${JSON.stringify({ summary: tally(report.results), seconds: report.seconds, results: report.results }, null, 2)}\n`);
}
