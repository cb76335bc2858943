// Canvas drawing for the playground: the diverging colour scale, value grids (the output heatmap and the
// nodes' small ones), the data points, the loss curves and the weighted links. No DOM structure here.

import { EXTENT, type Points } from './datasets.js';

/** Orange for -1 (class 0), a light grey for 0, blue for +1 (class 1). */
const NEGATIVE = [245, 147, 34];
const NEUTRAL = [232, 234, 236];
const POSITIVE = [8, 119, 189];
const STEPS = 256;

/** RGB triples for values from -1 to 1 in STEPS steps. */
const PALETTE = (() => {
  const rgb = new Uint8ClampedArray(STEPS * 3);
  for (let i = 0; i < STEPS; i++) {
    const v = (i / (STEPS - 1)) * 2 - 1;
    const [end, t] = v < 0 ? [NEGATIVE, -v] : [POSITIVE, v];
    for (let c = 0; c < 3; c++) rgb[i * 3 + c] = NEUTRAL[c] + (end[c] - NEUTRAL[c]) * t;
  }
  return rgb;
})();

function colourOf(value: number, alpha = 1): string {
  const i = paletteIndex(value) * 3;
  return `rgba(${PALETTE[i]}, ${PALETTE[i + 1]}, ${PALETTE[i + 2]}, ${alpha})`;
}

function paletteIndex(value: number): number {
  const v = Number.isFinite(value) ? Math.max(-1, Math.min(1, value)) : 0;
  return Math.round(((v + 1) / 2) * (STEPS - 1));
}

/** Sizes a canvas's backing store to its CSS box times the device pixel ratio; returns the 2-D context. */
export function fitCanvas(canvas: HTMLCanvasElement): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const width = Math.round(canvas.clientWidth * ratio);
  const height = Math.round(canvas.clientHeight * ratio);
  if (canvas.width !== width || canvas.height !== height) {
    canvas.width = width;
    canvas.height = height;
  }
  const context = canvas.getContext('2d')!;
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

/** Paints a size×size grid of values in [-1, 1] onto a canvas of exactly that size (CSS scales it up smoothly). */
export function paintGrid(canvas: HTMLCanvasElement, values: Float32Array, offset: number, size: number, discretize = false): void {
  if (canvas.width !== size || canvas.height !== size) {
    canvas.width = size;
    canvas.height = size;
  }
  const context = canvas.getContext('2d')!;
  const image = context.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    const raw = values[offset + i];
    const p = paletteIndex(discretize ? (raw >= 0 ? 1 : -1) : raw) * 3;
    image.data[i * 4] = PALETTE[p];
    image.data[i * 4 + 1] = PALETTE[p + 1];
    image.data[i * 4 + 2] = PALETTE[p + 2];
    image.data[i * 4 + 3] = 255;
  }
  context.putImageData(image, 0, 0);
}

/** Plane coordinates to pixels in a square of `side` CSS pixels. */
function toPixel(value: number, side: number, flip: boolean): number {
  const t = (value + EXTENT) / (2 * EXTENT);
  return (flip ? 1 - t : t) * side;
}

/**
 * The output heatmap with the points over it: train points ringed in white, test points ringed in
 * near-black, so the two sets stay apart at a glance.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, grid: HTMLCanvasElement, train: Points, test: Points | null): void {
  const context = fitCanvas(canvas);
  const side = canvas.clientWidth;
  // Faded over white, so that points of either class stay visible on a region of their own colour.
  context.fillStyle = '#ffffff';
  context.fillRect(0, 0, side, side);
  context.globalAlpha = 0.7;
  context.imageSmoothingEnabled = true;
  context.imageSmoothingQuality = 'high';
  context.drawImage(grid, 0, 0, side, side);
  context.globalAlpha = 1;
  const radius = Math.max(2.5, side / 110);
  const drawPoints = (points: Points, ring: string) => {
    for (let i = 0; i < points.count; i++) {
      context.beginPath();
      context.arc(toPixel(points.xy[2 * i], side, false), toPixel(points.xy[2 * i + 1], side, true), radius, 0, 2 * Math.PI);
      context.fillStyle = colourOf(points.labels[i] > 0.5 ? 1 : -1);
      context.fill();
      context.lineWidth = 1;
      context.strokeStyle = ring;
      context.stroke();
    }
  };
  drawPoints(train, '#ffffff');
  if (test) drawPoints(test, '#1b1f23');
}

/** A dataset's thumbnail: its points on a light background. */
export function drawThumbnail(canvas: HTMLCanvasElement, points: Points): void {
  const context = fitCanvas(canvas);
  const side = canvas.clientWidth;
  context.fillStyle = '#f4f5f7';
  context.fillRect(0, 0, side, side);
  for (let i = 0; i < points.count; i++) {
    context.fillStyle = colourOf(points.labels[i] > 0.5 ? 1 : -1);
    context.fillRect(toPixel(points.xy[2 * i], side, false) - 1, toPixel(points.xy[2 * i + 1], side, true) - 1, 2, 2);
  }
}

export interface LossPoint {
  epoch: number;
  train: number;
  test: number;
}

/** Train (grey) and test (dark) loss against epochs, from 0 to the largest loss seen. */
export function drawLossChart(canvas: HTMLCanvasElement, history: LossPoint[]): void {
  const context = fitCanvas(canvas);
  const width = canvas.clientWidth;
  const height = canvas.clientHeight;
  context.clearRect(0, 0, width, height);
  context.strokeStyle = '#e3e6ea';
  context.lineWidth = 1;
  for (let i = 1; i < 4; i++) {
    const y = Math.round((height * i) / 4) + 0.5;
    context.beginPath();
    context.moveTo(0, y);
    context.lineTo(width, y);
    context.stroke();
  }
  if (history.length < 2) return;
  const first = history[0].epoch;
  const span = Math.max(1, history[history.length - 1].epoch - first);
  const top = Math.max(...history.map((p) => Math.max(finite(p.train), finite(p.test))), 1e-6);
  const line = (pick: (p: LossPoint) => number, colour: string) => {
    context.beginPath();
    history.forEach((p, i) => {
      const x = ((p.epoch - first) / span) * (width - 2) + 1;
      const y = height - 2 - (finite(pick(p)) / top) * (height - 4);
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    });
    context.strokeStyle = colour;
    context.lineWidth = 1.5;
    context.stroke();
  };
  line((p) => p.train, '#9aa1a9');
  line((p) => p.test, '#1b1f23');
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

export interface NodeBox {
  x: number;
  y: number;
  size: number;
}

/**
 * Links between consecutive columns of nodes: width grows with |weight|, colour shows the sign
 * (blue positive, orange negative). `weights` holds each layer's kernel [inputs, units] in turn.
 */
export function drawLinks(canvas: HTMLCanvasElement, columns: NodeBox[][], weights: Float32Array | null): void {
  const context = fitCanvas(canvas);
  context.clearRect(0, 0, canvas.clientWidth, canvas.clientHeight);
  let offset = 0;
  for (let layer = 0; layer + 1 < columns.length; layer++) {
    const from = columns[layer];
    const to = columns[layer + 1];
    for (let i = 0; i < from.length; i++) {
      for (let j = 0; j < to.length; j++) {
        const w = weights ? weights[offset + i * to.length + j] : 0;
        const a = from[i];
        const b = to[j];
        const x0 = a.x + a.size;
        const y0 = a.y + a.size / 2;
        const x1 = b.x;
        const y1 = b.y + b.size / 2;
        const bend = (x1 - x0) / 2;
        context.beginPath();
        context.moveTo(x0, y0);
        context.bezierCurveTo(x0 + bend, y0, x1 - bend, y1, x1, y1);
        const magnitude = Math.min(1, Math.abs(w) / 2);
        context.lineWidth = weights ? 0.5 + magnitude * 5.5 : 1;
        context.strokeStyle = weights ? colourOf(Math.sign(w) * Math.max(0.35, magnitude), 0.35 + 0.65 * magnitude) : '#d5d9de';
        context.stroke();
      }
    }
    offset += from.length * to.length;
  }
}
