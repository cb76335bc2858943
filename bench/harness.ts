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

/** Mean seconds per call of fn, measured by benchmark.js for at least minTime seconds. */
export function secondsPerCall(fn: () => void, minTime = 0.5): number {
  const bench = new Benchmark({ fn, minTime, minSamples: 5, initCount: 1 });
  bench.run({ async: false });
  if (bench.error) throw bench.error;
  return bench.stats.mean;
}

/** Like secondsPerCall for async work (deferred benchmark). */
export async function secondsPerAsyncCall(fn: () => Promise<unknown>, minTime = 0.5): Promise<number> {
  const bench = new Benchmark({
    defer: true,
    minTime,
    minSamples: 5,
    fn: (deferred: { resolve(): void }) => {
      fn().then(() => deferred.resolve());
    },
  });
  await new Promise<void>((resolve, reject) => {
    bench.on('complete', () => (bench.error ? reject(bench.error) : resolve()));
    bench.run({ async: true });
  });
  return bench.stats.mean;
}
