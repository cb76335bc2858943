// The figures and the table of tf.callbacks.inspect's reports, from the values inspect.ts copies out of the
// model: plain arithmetic in f64, no tensors, in a module of its own that a page fetches only when it inspects.

import type { InspectReport, LayerReport } from './inspect.js';

/** What inspect.ts copies out of the model for one layer: its trainable weights now and at the epoch's start, their gradients, its output. */
export interface LayerValues {
  name: string;
  className: string;
  weights: Float32Array[];
  /** Undefined when the epoch's start was not seen (a model fitDataset builds at its first batch). */
  before: Float32Array[] | undefined;
  grads: Float32Array[];
  output: Float32Array;
  /** The output's last axis. */
  units: number;
  relu: boolean;
}

export function layerReport({ name, className, weights, before, grads, output, units, relu }: LayerValues): LayerReport {
  const { mean, std, dead } = activationStats(output, units, relu);
  const some = weights.length > 0;
  return {
    name,
    className,
    gradNorm: some ? norm(grads) : null,
    weightNorm: some ? norm(weights) : null,
    updateRatio: some && before ? ratio(norm(weights, before), norm(before)) : null,
    activationMean: mean,
    activationStd: std,
    deadFraction: dead,
  };
}

/** The L2 norm of values taken together (of their difference from `from`, when given), in f64. */
function norm(parts: Float32Array[], from?: Float32Array[]): number {
  let s = 0;
  parts.forEach((p, i) => {
    for (let j = 0; j < p.length; j++) {
      const d = from ? p[j] - from[i][j] : p[j];
      s += d * d;
    }
  });
  return Math.sqrt(s);
}

/** change / start, with a layer that started at zero: 0 if it stayed there, Infinity if it moved. */
function ratio(change: number, start: number): number {
  return start === 0 ? (change === 0 ? 0 : Infinity) : change / start;
}

/** Mean and (population) standard deviation in f64; for a relu layer, the fraction of last-axis units never above 0. */
function activationStats(values: Float32Array, units: number, relu: boolean): { mean: number; std: number; dead: number | null } {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i];
  const mean = total / values.length;
  let spread = 0;
  for (let i = 0; i < values.length; i++) spread += (values[i] - mean) ** 2;
  const std = Math.sqrt(spread / values.length);
  if (!relu) return { mean, std, dead: null };
  const alive = new Uint8Array(units);
  for (let i = 0; i < values.length; i++) if (values[i] !== 0) alive[i % units] = 1;
  return { mean, std, dead: (units - alive.reduce((n, a) => n + a, 0)) / units };
}

const NAME_WIDTH = 18;
const COLUMNS: Array<[string, (row: LayerReport) => string]> = [
  ['grad norm', (r) => figure(r.gradNorm)],
  ['weights', (r) => figure(r.weightNorm)],
  ['update', (r) => figure(r.updateRatio)],
  ['act mean', (r) => figure(r.activationMean)],
  ['act std', (r) => figure(r.activationStd)],
  ['dead', (r) => (r.deadFraction === null ? '-' : `${Math.round(r.deadFraction * 100)}%`)],
];

/**
 * A report as a table of at most 80 columns: a title line, then a line per layer (names cut to fit). `update`
 * is the weights' change over the epoch as a fraction of their norm at its start; `dead` the relu units never
 * active on the sample.
 */
export function formatReport(report: InspectReport): string {
  const line = (name: string, cells: string[]) => name.padEnd(NAME_WIDTH) + cells.map((c, i) => c.padStart(i === cells.length - 1 ? 6 : 10)).join('');
  const cut = (name: string) => (name.length < NAME_WIDTH ? name : `${name.slice(0, NAME_WIDTH - 2)}…`);
  return [
    `Epoch ${report.epoch + 1} - inspect on ${report.samples} samples, loss ${figure(report.loss)}`,
    line('layer', COLUMNS.map(([title]) => title)),
    ...report.layers.map((row) => line(cut(row.name), COLUMNS.map(([, cell]) => cell(row)))),
  ].join('\n');
}

/** Three significant figures, in exponent form outside [0.001, 100000): at most 9 characters. */
function figure(v: number | null): string {
  if (v === null) return '-';
  if (v === 0 || !Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? String(Number(v.toPrecision(3))) : v.toExponential(2);
}
