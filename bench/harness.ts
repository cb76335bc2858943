// Shared benchmark plumbing: time a function with the `benchmark` package and collect rows that the
// runner prints as one table and writes to bench/results/latest.json. Compare ratios within one run.

import Benchmark from 'benchmark';

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
