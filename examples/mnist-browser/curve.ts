// The learning curve: loss and accuracy per epoch, on the training digits and on the held-out ones, as two
// plain SVG charts with labelled axes and one point per epoch. Redrawn whole as each epoch ends (a few
// hundred elements at most), its x axis reaching the epoch the running training ends at.

import type { EpochLogs } from './protocol.js';

// Sized so that two charts side by side in the training card keep their text near its real size.
const WIDTH = 230;
const HEIGHT = 175;
const LEFT = 44;
const RIGHT = 10;
const TOP = 24;
const BOTTOM = 36;

interface Series {
  className: string;
  values: number[];
}

interface Axis {
  low: number;
  high: number;
  ticks: number[];
  /** A value as a tick shows it, or to `step`'s precision. */
  format(value: number, step?: number): string;
}

/** Draws both charts into the two <svg> elements of `container`: epochs 1 to `lastEpoch` (at least 2). */
export function drawCurves(container: HTMLElement, logs: EpochLogs[], lastEpoch: number): void {
  const [lossChart, accuracyChart] = container.querySelectorAll('svg');
  const epochs = Math.max(2, lastEpoch, logs.length);
  const lossHigh = Math.max(0.1, ...logs.flatMap((l) => [l.loss, l.val_loss]));
  drawChart(lossChart, 'loss', epochs, axis(0, lossHigh, (v, step) => v.toFixed(decimals(step))), [
    { className: 'training', values: logs.map((l) => l.loss) },
    { className: 'held-out', values: logs.map((l) => l.val_loss) },
  ]);
  // From the lowest accuracy seen (rounded down to a tenth) to 100%: the late epochs' gains stay visible.
  const accuracyLow = Math.floor(Math.min(0.9, ...logs.flatMap((l) => [l.acc, l.val_acc])) * 10) / 10;
  drawChart(accuracyChart, 'accuracy', epochs, axis(accuracyLow, 1, (v, step) => `${(v * 100).toFixed(decimals(step * 100))}%`), [
    { className: 'training', values: logs.map((l) => l.acc) },
    { className: 'held-out', values: logs.map((l) => l.val_acc) },
  ]);
}

function drawChart(svg: SVGSVGElement, name: string, epochs: number, y: Axis, series: Series[]): void {
  const right = WIDTH - RIGHT;
  const bottom = HEIGHT - BOTTOM;
  const px = (epoch: number) => LEFT + ((epoch - 1) / (epochs - 1)) * (right - LEFT);
  const py = (value: number) => bottom - ((Math.min(y.high, Math.max(y.low, value)) - y.low) / (y.high - y.low)) * (bottom - TOP);
  const xStep = Math.max(1, niceStep(epochs - 1, 6));
  const xTicks = Array.from({ length: Math.floor(epochs / xStep) }, (_, i) => (i + 1) * xStep);
  if (xStep > 1) xTicks.unshift(1);

  const parts = [
    ...y.ticks.map((v) => `<line class="grid" x1="${LEFT}" x2="${right}" y1="${py(v)}" y2="${py(v)}"/><text class="tick" x="${LEFT - 5}" y="${py(v) + 3.5}" text-anchor="end">${y.format(v)}</text>`),
    ...xTicks.map((e) => `<line class="tick-mark" x1="${px(e)}" x2="${px(e)}" y1="${bottom}" y2="${bottom + 4}"/><text class="tick" x="${px(e)}" y="${bottom + 15}" text-anchor="middle">${e}</text>`),
    `<line class="axis" x1="${LEFT}" x2="${LEFT}" y1="${TOP}" y2="${bottom}"/><line class="axis" x1="${LEFT}" x2="${right}" y1="${bottom}" y2="${bottom}"/>`,
    `<text class="axis-title" x="${(LEFT + right) / 2}" y="${HEIGHT - 4}" text-anchor="middle">epoch</text>`,
    `<text class="axis-title" transform="translate(11 ${(TOP + bottom) / 2}) rotate(-90)" text-anchor="middle">${name}</text>`,
    legend('training', LEFT + 4),
    legend('held-out', LEFT + 84),
    ...series.map(({ className, values }) => {
      const points = values.map((v, i) => [px(i + 1), py(v)]);
      const line = `<polyline class="line ${className}" points="${points.map((p) => p.join(',')).join(' ')}"/>`;
      const dots = points.map(([x, yy], i) => `<circle class="point ${className}" cx="${x}" cy="${yy}" r="2.6" data-epoch="${i + 1}"><title>epoch ${i + 1}: ${y.format(values[i], 0.0001)}</title></circle>`);
      return line + dots.join('');
    }),
  ];
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.innerHTML = parts.join('');
}

function legend(className: string, x: number): string {
  const label = className === 'training' ? 'training' : 'held out';
  return `<line class="line ${className}" x1="${x}" x2="${x + 16}" y1="${TOP - 12}" y2="${TOP - 12}"/><text class="legend" x="${x + 21}" y="${TOP - 8.5}">${label}</text>`;
}

/** An axis from `low` to `high` (rounded up to a tick) with about five round ticks. */
function axis(low: number, high: number, format: (value: number, step: number) => string): Axis {
  const step = niceStep(high - low, 5);
  const top = Math.ceil(high / step - 1e-9) * step;
  const ticks = Array.from({ length: Math.round((top - low) / step) + 1 }, (_, i) => low + i * step);
  return { low, high: top, ticks, format: (v, s = step) => format(v, s) };
}

/** The smallest of 1, 2 and 5 times a power of ten that splits `range` into at most `count` parts. */
function niceStep(range: number, count: number): number {
  const raw = range / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((step) => step >= raw * (1 - 1e-9))!;
}

/** Decimals enough to tell ticks `step` apart. */
function decimals(step: number): number {
  return Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
}
