// Shared benchmark plumbing: time a function with the `benchmark` package and collect rows that the
// runner prints as one table and writes to bench/results/latest.json. Compare ratios within one run.

import Benchmark from 'benchmark';
import type { Kernels } from '../src/backend/kernels.js';
import { activeBackend, setThreads } from '../src/engine.js';

export interface Row {
  /** What is measured, e.g. 'matmul 512x512x512'. */
  case: string;
  /** Who runs it, e.g. 'wasm-simd', 'js', 'tfjs-wasm'. */
  impl: string;
  /** The figure and its unit, e.g. 31.2 and 'GFLOPS'. */
  value: number;
  unit: string;
}

/** Mean seconds per call of fn, measured by benchmark.js for at least minTime seconds per sample. */
export function secondsPerCall(fn: () => void, minTime = 0.5): number {
  // benchmark.js otherwise keeps sampling for maxTime (5 s) whatever minTime is.
  const bench = new Benchmark({ fn, minTime, maxTime: Math.max(1, minTime * 8), minSamples: 5, initCount: 1 });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  return bench.stats.mean;
}

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * A figure on one thread and on two: the medians of `rounds` measurements taken in turns (1, 2, 1, 2, ...), so
 * that both meet the machine in the same state (on this VM the speed of a process drifts by tens of percent).
 * `measure()` makes one measurement on the threads just set.
 */
export async function oneAndTwoThreads(rounds: number, measure: () => Promise<number>): Promise<[one: number, two: number]> {
  const values: [number[], number[]] = [[], []];
  for (let round = 0; round < rounds; round++) {
    for (const threads of [1, 2]) {
      await setThreads(threads);
      values[threads - 1].push(await measure());
    }
  }
  await setThreads(1);
  return [median(values[0]), median(values[1])];
}

/** Prints rows run on their own (`node --import tsx bench/<suite>.ts`): one line per case, one column per implementation. */
export function printRows(rows: Row[]): void {
  const cases = [...new Set(rows.map((r) => r.case))];
  console.table(
    cases.map((c) => {
      const line: Record<string, string> = { case: c };
      for (const r of rows.filter((row) => row.case === c)) line[r.impl] = r.value.toFixed(0);
      return line;
    }),
  );
}

/**
 * Awaits run() with every kernel of the active backend timed: onCall(name, args, seconds) after each call (the
 * per-kernel profiles of the training and CNN suites). The kernels are put back afterwards, even on error.
 */
export async function withTimedKernels(onCall: (name: string, args: number[], seconds: number) => void, run: () => Promise<unknown>): Promise<void> {
  const backend = activeBackend();
  const original = backend.kernels;
  const timed: Record<string, unknown> = { ...original };
  for (const [name, fn] of Object.entries(original)) {
    if (typeof fn !== 'function') continue;
    timed[name] = (...args: number[]) => {
      const t0 = performance.now();
      const result = (fn as (...a: number[]) => unknown).apply(original, args);
      onCall(name, args, (performance.now() - t0) / 1e3);
      return result;
    };
  }
  backend.kernels = timed as unknown as Kernels;
  try {
    await run();
  } finally {
    backend.kernels = original;
  }
}
