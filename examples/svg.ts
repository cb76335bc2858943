// Plain-SVG pictures for the Node examples, no dependency: learning curves (one point per epoch, axes with
// tick labels, a legend when there are several series) and a binary classifier's decision boundary over a
// plane. Leaves out interactivity, log scales and boundaries of more than two classes.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Series {
  name: string;
  values: number[];
}

const SERIES_COLORS = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];
const CLASS_COLORS = ['#e8710a', '#1967d2']; // class 0, class 1
const FONT = 'font-family="sans-serif" font-size="12"';

/** Escapes text for an SVG text node or attribute. */
function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A coordinate with one decimal: enough for a picture, small in the file. */
const px = (v: number) => String(Math.round(v * 10) / 10);

/** A round step (1, 2 or 5 times a power of ten) that cuts a range into about five. */
function niceStep(range: number): number {
  const raw = range / 5;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
}

const round = (v: number) => Number(v.toPrecision(12)); // 0.30000000000000004 -> 0.3

/** The round tick values in [lo, hi], at least minStep apart. */
function niceTicks(lo: number, hi: number, minStep = 0): number[] {
  const step = Math.max(minStep, niceStep(hi - lo));
  const ticks: number[] = [];
  for (let i = Math.ceil(round(lo / step)); round(i * step) <= hi; i++) ticks.push(round(i * step));
  return ticks;
}

/** The range a y axis shows for these values: widened to whole steps, never empty. */
function niceRange(values: number[]): [number, number] {
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1e-12) [lo, hi] = [lo - 0.5, hi + 0.5];
  const step = niceStep(hi - lo);
  return [round(Math.floor(round(lo / step)) * step), round(Math.ceil(round(hi / step)) * step)];
}

interface Frame {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The svg root, title and background; `body` is everything drawn inside. */
function document(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" ${FONT}>`,
    `<title>${esc(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** The frame, tick marks with their labels, and the axis labels of a plot mapping [x0, x1] x [y0, y1] onto f. */
function axes(f: Frame, [x0, x1]: [number, number], [y0, y1]: [number, number], xLabel: string, yLabel: string, xMinStep = 0): string[] {
  const sx = (x: number) => f.left + ((x - x0) / (x1 - x0)) * f.width;
  const sy = (y: number) => f.top + f.height - ((y - y0) / (y1 - y0)) * f.height;
  const bottom = f.top + f.height;
  const out = [`<rect class="frame" x="${f.left}" y="${f.top}" width="${f.width}" height="${f.height}" fill="none" stroke="#333"/>`, '<g class="x-ticks">'];
  for (const t of niceTicks(x0, x1, xMinStep)) {
    out.push(`<line x1="${px(sx(t))}" y1="${bottom}" x2="${px(sx(t))}" y2="${bottom + 5}" stroke="#333"/>`);
    out.push(`<text x="${px(sx(t))}" y="${bottom + 18}" text-anchor="middle">${t}</text>`);
  }
  out.push('</g>', '<g class="y-ticks">');
  for (const t of niceTicks(y0, y1)) {
    out.push(`<line x1="${f.left - 5}" y1="${px(sy(t))}" x2="${f.left}" y2="${px(sy(t))}" stroke="#333"/>`);
    out.push(`<text x="${f.left - 8}" y="${px(sy(t))}" dy="4" text-anchor="end">${t}</text>`);
  }
  out.push('</g>');
  out.push(`<text x="${f.left + f.width / 2}" y="${bottom + 38}" text-anchor="middle">${esc(xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${f.top + f.height / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`);
  return out;
}

/** A legend of coloured swatches, one row per entry, from (x, y). */
function legend(x: number, y: number, entries: Array<[label: string, color: string]>): string[] {
  const rows = entries.flatMap(([label, color], i) => [
    `<rect x="${x}" y="${y + i * 20}" width="14" height="10" fill="${color}"/>`,
    `<text x="${x + 20}" y="${y + i * 20 + 10}">${esc(label)}</text>`,
  ]);
  return ['<g class="legend">', ...rows, '</g>'];
}

/**
 * A line chart of values per epoch: series i's k-th value is drawn at epoch k + 1. Short series (30 epochs
 * or fewer) also get a dot per epoch, so a curve of one or two epochs still shows.
 */
export function lineChart(args: { title: string; yLabel: string; series: Series[]; xLabel?: string }): string {
  const { title, yLabel, series, xLabel = 'epoch' } = args;
  for (const s of series) {
    const bad = s.values.findIndex((v) => !Number.isFinite(v));
    if (bad >= 0) throw new Error(`lineChart: series "${s.name}" has ${s.values[bad]} at epoch ${bad + 1}; nothing to draw`);
  }
  const epochs = Math.max(...series.map((s) => s.values.length));
  const frame: Frame = { left: 64, top: 40, width: series.length > 1 ? 430 : 550, height: 270 };
  const xRange: [number, number] = epochs > 1 ? [1, epochs] : [0, 2];
  const yRange = niceRange(series.flatMap((s) => s.values));
  const sx = (x: number) => frame.left + ((x - xRange[0]) / (xRange[1] - xRange[0])) * frame.width;
  const sy = (y: number) => frame.top + frame.height - ((y - yRange[0]) / (yRange[1] - yRange[0])) * frame.height;
  const body = axes(frame, xRange, yRange, xLabel, yLabel, 1);
  series.forEach((s, i) => {
    const color = SERIES_COLORS[i % SERIES_COLORS.length];
    const points = s.values.map((v, k) => [px(sx(k + 1)), px(sy(v))]);
    body.push(`<polyline class="series" data-name="${esc(s.name)}" points="${points.map((p) => p.join(',')).join(' ')}" fill="none" stroke="${color}" stroke-width="2"/>`);
    if (epochs <= 30) for (const [cx, cy] of points) body.push(`<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`);
  });
  if (series.length > 1) body.push(...legend(frame.left + frame.width + 16, frame.top, series.map((s, i) => [s.name, SERIES_COLORS[i % SERIES_COLORS.length]])));
  return document(640, 360, title, body);
}

/** Mixes white into a #rrggbb colour: t = 0 is white, t = 1 the colour. */
function tint(color: string, t: number): string {
  const channel = (at: number) => Math.round(255 + (parseInt(color.slice(at, at + 2), 16) - 255) * t);
  return `#${[1, 3, 5].map((at) => channel(at).toString(16).padStart(2, '0')).join('')}`;
}

/**
 * The colour of a cell where the model gives probability p of class 1: white at 0.5, deepening towards
 * class 0's colour below and class 1's above, in steps of 0.1 (so neighbouring cells of one shade merge).
 */
export function probabilityColor(p: number): string {
  const q = Math.round(Math.min(1, Math.max(0, p)) * 10) / 10;
  return tint(CLASS_COLORS[q < 0.5 ? 0 : 1], Math.abs(q - 0.5) * 2 * 0.7);
}

/**
 * A binary classifier's decision boundary: the plane [x0, x1] x [y0, y1] cut into resolution x resolution
 * cells, each coloured by `predict` (probability of class 1) at its centre, with the data points on top.
 * `predict` gets every cell centre at once, as rows [x, y] from the top-left cell, row by row.
 */
export function decisionBoundary(args: {
  title: string;
  xLabel: string;
  yLabel: string;
  x: [number, number];
  y: [number, number];
  predict: (points: number[][]) => ArrayLike<number>;
  points: Array<{ x: number; y: number; label: number }>;
  resolution?: number;
}): string {
  const { title, xLabel, yLabel, x, y, predict, points, resolution = 50 } = args;
  const frame: Frame = { left: 64, top: 40, width: 400, height: 400 };
  const cell = frame.width / resolution;
  const centres: number[][] = [];
  for (let row = 0; row < resolution; row++) {
    for (let col = 0; col < resolution; col++) {
      centres.push([x[0] + ((col + 0.5) / resolution) * (x[1] - x[0]), y[1] - ((row + 0.5) / resolution) * (y[1] - y[0])]);
    }
  }
  const p = predict(centres);
  // Runs of cells of one colour in a row become one rectangle, and all of a colour's rectangles one path.
  const runs = new Map<string, string[]>();
  for (let row = 0; row < resolution; row++) {
    for (let col = 0; col < resolution; ) {
      const color = probabilityColor(p[row * resolution + col]);
      let end = col + 1;
      while (end < resolution && probabilityColor(p[row * resolution + end]) === color) end++;
      if (!runs.has(color)) runs.set(color, []);
      runs.get(color)!.push(`M${px(frame.left + col * cell)} ${px(frame.top + row * cell)}h${px((end - col) * cell)}v${px(cell)}h-${px((end - col) * cell)}z`);
      col = end;
    }
  }
  const body = ['<g class="cells">'];
  for (const [color, rects] of runs) body.push(`<path fill="${color}" d="${rects.join('')}"/>`);
  body.push('</g>');
  const sx = (v: number) => frame.left + ((v - x[0]) / (x[1] - x[0])) * frame.width;
  const sy = (v: number) => frame.top + frame.height - ((v - y[0]) / (y[1] - y[0])) * frame.height;
  // Points off the plane are left out, so every coordinate stays inside the picture.
  for (const pt of points.filter((q) => q.x >= x[0] && q.x <= x[1] && q.y >= y[0] && q.y <= y[1])) {
    body.push(`<circle cx="${px(sx(pt.x))}" cy="${px(sy(pt.y))}" r="5" fill="${CLASS_COLORS[pt.label]}" stroke="#fff" stroke-width="1.5"/>`);
  }
  body.push(...axes(frame, x, y, xLabel, yLabel));
  body.push(...legend(frame.left + frame.width + 16, frame.top, [['class 0', CLASS_COLORS[0]], ['class 1', CLASS_COLORS[1]]]));
  body.push(`<text x="${frame.left + frame.width + 16}" y="${frame.top + 56}" font-size="11">shade: P(class 1)</text>`);
  return document(600, 500, title, body);
}

/** Where the pictures go: $EXAMPLES_OUT, else examples/out (git-ignored). */
function picturesDir(): string {
  const dir = process.env.EXAMPLES_OUT ?? fileURLToPath(new URL('./out/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/** Writes an SVG into picturesDir() and returns its path. */
export function savePicture(file: string, svg: string): string {
  const path = join(picturesDir(), file);
  writeFileSync(path, svg);
  return path;
}

/**
 * One chart per metric of a fit's history (`loss`, `acc`, ...), with its `val_` twin as a second series,
 * saved as <name>-<metric>.svg. Returns the paths.
 */
export function saveLearningCurves(name: string, title: string, history: Record<string, number[]>): string[] {
  const metrics = Object.keys(history).filter((key) => !key.startsWith('val_'));
  return metrics.map((metric) => {
    const series = [{ name: 'training', values: history[metric] }];
    if (history[`val_${metric}`]) series.push({ name: 'validation', values: history[`val_${metric}`] });
    const label = metric === 'acc' ? 'accuracy' : metric;
    return savePicture(`${name}-${metric}.svg`, lineChart({ title: `${title}: ${label} per epoch`, yLabel: label, series }));
  });
}
