// TF.js's tf.browser: fromPixels reads an image's RGBA bytes into an int32 [height, width, numChannels]
// tensor (the first numChannels of R, G, B, A); toPixels writes a tensor back as RGBA bytes, onto a canvas when
// given one. Pixel data ({width, height, data}, ImageData) is read as it is; a canvas through its 2d context;
// images, videos, bitmaps and canvases without a 2d context are drawn onto a canvas of our own first, which
// needs a document or OffscreenCanvas: in Node only pixel data can be read.

import { word } from '../backend/heap.js';
import { activeBackend } from '../engine.js';
import { Tensor, tidy } from '../tensor/tensor.js';
import { checkInt, describe } from '../validate.js';
import { cast } from './cast.js';
import { convert, empty, type TensorLike } from './op.js';

/** Pixels as plain data: width·height RGBA values, row by row. */
export interface PixelData {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
}

type Drawable = HTMLImageElement | HTMLVideoElement | HTMLCanvasElement | ImageBitmap | OffscreenCanvas;
export type Pixels = PixelData | ImageData | Drawable;

/** The 2d context images are drawn onto to read their pixels, made on first use (as TF.js keeps one). */
let scratch: CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null = null;

const KINDS = 'an image, canvas, video, ImageBitmap, ImageData or pixel data {width, height, data: Uint8Array}';

const isA = (value: object, name: string): boolean => {
  const cls = (globalThis as Record<string, unknown>)[name];
  return typeof cls === 'function' && value instanceof cls;
};

/** The RGBA bytes of something to draw, drawn at its own size onto the scratch context. */
function drawn(kind: string, source: Drawable, width: number, height: number): Uint8ClampedArray {
  if (!scratch) {
    if (typeof document !== 'undefined') scratch = document.createElement('canvas').getContext('2d', { willReadFrequently: true });
    else if (typeof OffscreenCanvas !== 'undefined') scratch = new OffscreenCanvas(1, 1).getContext('2d', { willReadFrequently: true });
    if (!scratch) throw new Error(`fromPixels: ${kind} pixels are read by drawing them on a canvas, which needs a document (or OffscreenCanvas in a worker); in Node pass pixel data {width, height, data}`);
  }
  scratch.canvas.width = width;
  scratch.canvas.height = height;
  if (width === 0 || height === 0) return new Uint8ClampedArray(0);
  scratch.drawImage(source, 0, 0, width, height);
  return scratch.getImageData(0, 0, width, height).data;
}

/** The width, height and RGBA bytes of pixels of any kind fromPixels takes. */
function rgbaOf(pixels: unknown): [number, number, ArrayLike<number>] {
  if (pixels === null || typeof pixels !== 'object') throw new Error(`fromPixels: pixels must be ${KINDS}, got ${describe(pixels)}`);
  const p = pixels as Record<string, unknown>;
  if (p.data instanceof Uint8Array || p.data instanceof Uint8ClampedArray) {
    for (const side of ['width', 'height']) checkInt('fromPixels', `pixels.${side}`, p[side], 0);
    const [width, height] = [p.width as number, p.height as number];
    if (p.data.length !== width * height * 4) throw new Error(`fromPixels: pixels.data must hold width·height·4 = ${width * height * 4} bytes (RGBA), got ${p.data.length}`);
    return [width, height, p.data];
  }
  if (isA(pixels, 'HTMLVideoElement')) {
    const video = pixels as HTMLVideoElement;
    return [video.videoWidth, video.videoHeight, drawn('HTMLVideoElement', video, video.videoWidth, video.videoHeight)];
  }
  const kind = ['HTMLImageElement', 'HTMLCanvasElement', 'OffscreenCanvas', 'ImageBitmap'].find((name) => isA(pixels, name));
  if (kind === undefined && typeof p.getContext !== 'function') throw new Error(`fromPixels: pixels must be ${KINDS}, got ${describe(pixels)}`);
  const { width, height } = pixels as Drawable;
  // A canvas is read through its 2d context; one with another context (webgl) is drawn like an image.
  const context = typeof p.getContext === 'function' ? (pixels as HTMLCanvasElement).getContext('2d') : null;
  if (context) return [width, height, width * height > 0 ? context.getImageData(0, 0, width, height).data : []];
  return [width, height, drawn(kind ?? 'canvas', pixels as Drawable, width, height)];
}

/**
 * An int32 tensor [height, width, numChannels] of an image's pixels: the first numChannels (1 to 4) of R, G,
 * B, A, each 0 to 255. Takes pixel data {width, height, data: Uint8Array} and ImageData anywhere, and in a
 * browser an HTMLImageElement, HTMLCanvasElement, HTMLVideoElement (its current frame), ImageBitmap or
 * OffscreenCanvas.
 * @example tf.browser.fromPixels({ width: 1, height: 1, data: new Uint8Array([100, 150, 200, 255]) }).print();
 */
function fromPixels(pixels: Pixels, numChannels = 3): Tensor {
  checkInt('fromPixels', 'numChannels', numChannels, 1, 4);
  const [width, height, rgba] = rgbaOf(pixels);
  const out = empty('fromPixels', [height, width, numChannels], 'int32');
  const [i32, at] = [activeBackend().heap.i32, word(out.ptr('fromPixels'))];
  for (let i = 0; i < width * height; i++) {
    for (let c = 0; c < numChannels; c++) i32[at + i * numChannels + c] = rgba[i * 4 + c];
  }
  return out;
}

/** fromPixels, resolved as a promise (TF.js may read an ImageBitmap of the pixels first: the values are the same). */
async function fromPixelsAsync(pixels: Pixels, numChannels = 3): Promise<Tensor> {
  return fromPixels(pixels, numChannels);
}

/**
 * The RGBA bytes of an image tensor [height, width] or [height, width, 1, 3 or 4 channels]: float32 values in
 * [0, 1] scaled by 255, int32 values in [0, 255] as they are (tensor-like values are taken as int32); one
 * channel is grey, three are opaque. Draws them onto `canvas` too when one is given.
 * @example tf.browser.toPixels(tf.tensor3d([0, 0.5, 1], [1, 1, 3])).then((bytes) => console.log(bytes));
 */
async function toPixels(img: Tensor | TensorLike, canvas?: HTMLCanvasElement | OffscreenCanvas): Promise<Uint8ClampedArray> {
  const [shape, dtype, values] = tidy(() => {
    const t = img instanceof Tensor ? convert('toPixels', 'img', img) : cast(convert('toPixels', 'img', img), 'int32');
    return [t.shape, t.dtype, t.dataSync()] as const;
  });
  if (shape.length !== 2 && shape.length !== 3) throw new Error(`toPixels: img must have rank 2 or 3, got shape [${shape.join(', ')}]`);
  const depth = shape[2] ?? 1;
  if (depth !== 1 && depth !== 3 && depth !== 4) throw new Error(`toPixels: img must have 1, 3 or 4 channels (its last axis), got shape [${shape.join(', ')}]`);
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`toPixels: img must have dtype float32 or int32, got ${dtype}`);
  const [height, width] = shape;
  const [scale, top] = dtype === 'float32' ? [255, 1] : [1, 255];
  const bytes = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    bytes[i * 4 + 3] = 255;
    for (let c = 0; c < depth; c++) {
      const value = values[i * depth + c];
      if (!(value >= 0 && value <= top)) throw new Error(`toPixels: the values of a ${dtype} img must be in [0, ${top}], got ${value}`);
      const byte = Math.round(value * scale);
      if (depth === 1) bytes.fill(byte, i * 4, i * 4 + 3);
      else bytes[i * 4 + c] = byte;
    }
  }
  if (canvas !== undefined && canvas !== null) {
    if (typeof ImageData === 'undefined') throw new Error('toPixels: drawing onto a canvas needs ImageData (a browser page or worker)');
    const context = typeof canvas.getContext === 'function' ? (canvas.getContext('2d') as CanvasRenderingContext2D | OffscreenCanvasRenderingContext2D | null) : null;
    if (!context) throw new Error(`toPixels: canvas must be an HTMLCanvasElement or OffscreenCanvas with a 2d context, got ${describe(canvas)}`);
    canvas.width = width;
    canvas.height = height;
    context.putImageData(new ImageData(bytes, width, height), 0, 0);
  }
  return bytes;
}

/** TF.js's tf.browser namespace: images in and out of tensors. */
export const browser = { fromPixels, fromPixelsAsync, toPixels };
