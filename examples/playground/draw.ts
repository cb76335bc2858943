// Canvas drawing for the playground: the diverging colour scale, value grids (the output heatmap and the
// nodes' small ones), the data points, the loss curves and the weighted links. No DOM structure here, and no
// layout reads: every canvas's CSS size comes in from the caller, who keeps it from a ResizeObserver.

import { EXTENT, type Points } from './datasets.js';

/** Orange for -1 (class 0, or the lowest value), a light grey for 0, blue for +1 (class 1, the highest value). */
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

/** A canvas's CSS size in pixels. */
export interface Size {
  width: number;
  height: number;
}

/** Sizes a canvas's backing store to its CSS size times the device pixel ratio; returns the 2-D context. */
function fitCanvas(canvas: HTMLCanvasElement, { width, height }: Size): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const pixelsWide = Math.round(width * ratio);
  const pixelsHigh = Math.round(height * ratio);
  if (canvas.width !== pixelsWide || canvas.height !== pixelsHigh) {
    canvas.width = pixelsWide;
    canvas.height = pixelsHigh;
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
 * The output heatmap with the points over it, each coloured by its class or value: train points ringed in
 * white, test points ringed in near-black, so the two sets stay apart at a glance.
 */
export function drawHeatmap(canvas: HTMLCanvasElement, size: Size, grid: HTMLCanvasElement, train: Points, test: Points | null): void {
  const context = fitCanvas(canvas, size);
  const side = size.width;
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
      context.fillStyle = colourOf(points.labels[i]);
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
export function drawThumbnail(canvas: HTMLCanvasElement, size: Size, points: Points): void {
  const context = fitCanvas(canvas, size);
  const side = size.width;
  context.fillStyle = '#f4f5f7';
  context.fillRect(0, 0, side, side);
  for (let i = 0; i < points.count; i++) {
    context.fillStyle = colourOf(points.labels[i]);
    context.fillRect(toPixel(points.xy[2 * i], side, false) - 1, toPixel(points.xy[2 * i + 1], side, true) - 1, 2, 2);
  }
}

export interface LossPoint {
  /** Batches trained when the losses were measured. */
  steps: number;
  train: number;
  test: number;
}

/** Train (grey) and test (dark) loss against batches trained, from 0 to the largest loss seen. */
export function drawLossChart(canvas: HTMLCanvasElement, size: Size, history: LossPoint[]): void {
  const context = fitCanvas(canvas, size);
  const { width, height } = size;
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
  const first = history[0].steps;
  const span = Math.max(1, history[history.length - 1].steps - first);
  const top = Math.max(...history.map((p) => Math.max(finite(p.train), finite(p.test))), 1e-6);
  const line = (pick: (p: LossPoint) => number, colour: string) => {
    context.beginPath();
    history.forEach((p, i) => {
      const x = ((p.steps - first) / span) * (width - 2) + 1;
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

/** A link's curve: from the right edge of `a` to the left edge of `b`, as cubic Bézier control points. */
function linkCurve(a: NodeBox, b: NodeBox): [number, number, number, number, number, number, number, number] {
  const x0 = a.x + a.size;
  const y0 = a.y + a.size / 2;
  const x1 = b.x;
  const y1 = b.y + b.size / 2;
  const bend = (x1 - x0) / 2;
  return [x0, y0, x0 + bend, y0, x1 - bend, y1, x1, y1];
}

/** `count` + 1 points along the link from `a` to `b` (x, y interleaved), for finding the link under a pointer. */
export function linkPoints(a: NodeBox, b: NodeBox, count: number): Float32Array {
  const [x0, y0, c0x, c0y, c1x, c1y, x1, y1] = linkCurve(a, b);
  const points = new Float32Array((count + 1) * 2);
  for (let i = 0; i <= count; i++) {
    const t = i / count;
    const [u0, u1, u2, u3] = [(1 - t) ** 3, 3 * (1 - t) ** 2 * t, 3 * (1 - t) * t ** 2, t ** 3];
    points[2 * i] = u0 * x0 + u1 * c0x + u2 * c1x + u3 * x1;
    points[2 * i + 1] = u0 * y0 + u1 * c0y + u2 * c1y + u3 * y1;
  }
  return points;
}

/**
 * Links between consecutive columns of nodes: width grows with |weight|, colour shows the sign
 * (blue positive, orange negative). `weights` holds each layer's kernel [inputs, units] in turn; the link
 * whose weight has index `highlight` is drawn on top, outlined.
 */
export function drawLinks(canvas: HTMLCanvasElement, size: Size, columns: NodeBox[][], weights: Float32Array | null, highlight: number | null): void {
  const context = fitCanvas(canvas, size);
  context.clearRect(0, 0, size.width, size.height);
  let highlighted: (() => void) | null = null;
  let offset = 0;
  for (let layer = 0; layer + 1 < columns.length; layer++) {
    const from = columns[layer];
    const to = columns[layer + 1];
    for (let i = 0; i < from.length; i++) {
      for (let j = 0; j < to.length; j++) {
        const index = offset + i * to.length + j;
        const w = weights ? weights[index] : 0;
        const magnitude = Math.min(1, Math.abs(w) / 2);
        const width = weights ? 0.5 + magnitude * 5.5 : 1;
        const stroke = (lineWidth: number, style: string) => {
          context.beginPath();
          const [x0, y0, c0x, c0y, c1x, c1y, x1, y1] = linkCurve(from[i], to[j]);
          context.moveTo(x0, y0);
          context.bezierCurveTo(c0x, c0y, c1x, c1y, x1, y1);
          context.lineWidth = lineWidth;
          context.strokeStyle = style;
          context.stroke();
        };
        const tint = Math.sign(w) * Math.max(0.35, magnitude);
        if (index === highlight) {
          highlighted = () => {
            stroke(width + 4, '#1b1f23');
            stroke(width, colourOf(tint));
          };
        } else {
          stroke(width, weights ? colourOf(tint, 0.35 + 0.65 * magnitude) : '#d5d9de');
        }
      }
    }
    offset += from.length * to.length;
  }
  highlighted?.();
}

/**
 * A sparkline: `values` (log10 gradient norms, oldest first) against their index, on the scale [low, high]
 * shared by every layer's line, so a layer whose gradient vanishes sits visibly below the others.
 */
export function drawSparkline(canvas: HTMLCanvasElement, size: Size, values: number[], low: number, high: number): void {
  const context = fitCanvas(canvas, size);
  const { width, height } = size;
  context.clearRect(0, 0, width, height);
  const points = values.map((v, i) => [values.length === 1 ? width - 2 : 1 + (i / (values.length - 1)) * (width - 3), height - 2 - ((finite(v) - low) / (high - low)) * (height - 4)]);
  if (points.length === 0) return;
  context.beginPath();
  points.forEach(([x, y], i) => (i === 0 ? context.moveTo(x, y) : context.lineTo(x, y)));
  context.strokeStyle = '#1b1f23';
  context.lineWidth = 1.25;
  context.stroke();
  const [x, y] = points[points.length - 1];
  context.fillStyle = '#0877bd';
  context.fillRect(x - 1.5, y - 1.5, 3, 3);
}
