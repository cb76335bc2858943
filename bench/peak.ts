// The machine's FMA ceiling, measured in the same run as the figures held to it: a loop of relaxed_madd on
// twelve independent f32x4 accumulators (enough to cover the multiply-add latency on both FMA pipes), compiled
// from AssemblyScript at run time. One thread; the best of several timed runs, as a ceiling is.

import * as tf from '../src/index.js';
import type { Row } from './harness.js';

const ACCUMULATORS = 12;

const accumulators = Array.from({ length: ACCUMULATORS }, (_, i) => `a${i}`);
const SOURCE = `
export function madd(n: i32): f32 {
  ${accumulators.map((a, i) => `let ${a} = f32x4.splat(${i}.0);`).join('\n  ')}
  const x = f32x4.splat(0.999);
  const y = f32x4.splat(0.001);
  for (let i = 0; i < n; i++) {
    ${accumulators.map((a) => `${a} = f32x4.relaxed_madd(${a}, x, y);`).join('\n    ')}
  }
  return f32x4.extract_lane(${accumulators.reduce((sum, a) => `f32x4.add(${sum}, ${a})`, 'f32x4.splat(0)')}, 0);
}`;

let measured: number | null = null;

/** GFLOPS of one core's f32x4 multiply-adds (2 FLOP per lane), the best of five runs of about 0.2 s. */
export async function peakGflops(): Promise<number> {
  if (measured !== null) return measured;
  await tf.ready(); // turns relaxed SIMD on where Node 20 needs the flag
  // Imported here: loading the compiler takes about 20 s, which suites without a ceiling need not pay.
  const { default: asc } = await import('assemblyscript/asc');
  const { binary, stderr } = await asc.compileString(SOURCE, { optimizeLevel: 3, runtime: 'stub', enable: ['simd', 'relaxed-simd'] });
  if (!binary) throw new Error(`bench: the FMA probe did not compile: ${stderr}`);
  const instance = new WebAssembly.Instance(new WebAssembly.Module(binary as Uint8Array<ArrayBuffer>));
  const madd = instance.exports.madd as (n: number) => number;
  const n = 1e7;
  madd(n);
  let best = 0;
  for (let run = 0; run < 5; run++) {
    const t0 = performance.now();
    madd(n);
    best = Math.max(best, (n * ACCUMULATORS * 4 * 2) / ((performance.now() - t0) / 1e3) / 1e9);
  }
  measured = best;
  return best;
}

/** The ceiling as a row of the table, once, if a suite measured it (suites hold their figures to it). */
export function ceilingRows(): Row[] {
  return measured === null ? [] : [{ case: 'FMA ceiling (relaxed_madd, one core)', impl: 'machine', value: measured, unit: 'GFLOPS' }];
}
