// tf.browser in Node: fromPixels of pixel data {width, height, data} against TF.js (every numChannels, awkward
// sizes), toPixels' bytes against TF.js's (float32 and int32, 1, 3 and 4 channels, rank 2, tensor-like), and
// the clear errors for what Node cannot read (a DOM element) and for bad input. Canvases, images, bitmaps and
// drawing are tested in Chromium: test/browser/pixels.test.ts.

import { afterEach, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectSameAsTfjs, reference } from './reference.js';
import { onBackend, randomData } from './support.js';

/** Seeded RGBA bytes of a width x height image. */
const bytesOf = (width: number, height: number, seed: number) => Uint8Array.from(randomData(width * height * 4, seed, 0, 256), Math.floor);

describe.each(['wasm', 'js'] as const)('tf.browser on %s', (backend) => {
  onBackend(backend);

  it('fromPixels of pixel data as TF.js: numChannels 1 to 4 and the default, awkward sizes', async () => {
    for (const [width, height] of [[1, 1], [3, 7], [17, 3], [7, 17]]) {
      const pixels = { width, height, data: bytesOf(width, height, width * height) };
      await expectSameAsTfjs(`${width}x${height}`, (t) => [t.browser.fromPixels(pixels), ...[1, 2, 3, 4].map((n) => t.browser.fromPixels(pixels, n))]);
    }
    await expectSameAsTfjs('no pixels', (t) => t.browser.fromPixels({ width: 0, height: 3, data: new Uint8Array(0) }, 4));
  });

  it('fromPixels takes ImageData-like pixels (Uint8ClampedArray data) and fromPixelsAsync gives the same', async () => {
    const data = bytesOf(3, 2, 1);
    const t = tf.browser.fromPixels({ width: 3, height: 2, data: new Uint8ClampedArray(data) }, 4);
    expect(t.shape).toEqual([2, 3, 4]);
    expect(t.dtype).toBe('int32');
    expect(Array.from(t.dataSync())).toEqual(Array.from(data));
    const later = await tf.browser.fromPixelsAsync({ width: 3, height: 2, data }, 4);
    expect(Array.from(later.dataSync())).toEqual(Array.from(data));
    tf.dispose([t, later]);
  });

  it('toPixels gives TF.js\'s bytes: float32 and int32, 1, 3 and 4 channels, rank 2, tensor-like values', async () => {
    const ref = await reference();
    const cases: Array<[string, (lib: typeof tf) => tf.Tensor | number[][]]> = [
      ['float32, 3 channels', (lib) => lib.tensor(randomData(7 * 3 * 3, 1, 0, 1), [7, 3, 3])],
      ['float32, 4 channels', (lib) => lib.tensor(randomData(3 * 17 * 4, 2, 0, 1), [3, 17, 4])],
      ['float32, 1 channel', (lib) => lib.tensor(randomData(3 * 3, 3, 0, 1), [3, 3, 1])],
      ['int32, 3 channels', (lib) => lib.tensor(Int32Array.from(randomData(3 * 7 * 3, 4, 0, 256), Math.floor), [3, 7, 3], 'int32')],
      ['int32 of rank 2', (lib) => lib.tensor(Int32Array.from(randomData(7 * 3, 5, 0, 256), Math.floor), [7, 3], 'int32')],
      ['tensor-like, taken as int32', () => [[0, 1.7, 255], [3.2, 100, 254.9]]],
    ];
    for (const [label, make] of cases) {
      const [ours, theirs] = [make(tf), make(ref as never)];
      expect(Array.from(await tf.browser.toPixels(ours)), label).toEqual(Array.from(await ref.browser.toPixels(theirs as never)));
      if (ours instanceof tf.Tensor) {
        ours.dispose();
        (theirs as unknown as { dispose(): void }).dispose();
      }
    }
  });

  it('toPixels refuses what TF.js refuses, naming the argument', async () => {
    const refuse = async (img: tf.Tensor | number[], message: RegExp) => {
      await expect(tf.browser.toPixels(img)).rejects.toThrow(message);
      if (img instanceof tf.Tensor) img.dispose();
    };
    await refuse(tf.ones([2, 2, 2]), /^toPixels: img must have 1, 3 or 4 channels \(its last axis\), got shape \[2, 2, 2\]/);
    await refuse(tf.ones([2, 2, 5]), /^toPixels: img must have 1, 3 or 4 channels/);
    await refuse(tf.ones([2]), /^toPixels: img must have rank 2 or 3, got shape \[2\]/);
    await refuse(tf.ones([2, 2, 1], 'bool'), /^toPixels: img must have dtype float32 or int32, got bool/);
    await refuse(tf.tensor([0.5, 1.5], [1, 2]), /^toPixels: the values of a float32 img must be in \[0, 1\], got 1.5/);
    await refuse(tf.tensor([0, 256], [1, 2], 'int32'), /^toPixels: the values of a int32 img must be in \[0, 255\], got 256/);
    await refuse(tf.tensor([NaN], [1, 1]), /^toPixels: the values of a float32 img must be in \[0, 1\], got NaN/);
    const canvas = tf.ones([1, 1, 3]);
    await expect(tf.browser.toPixels(canvas, {} as never)).rejects.toThrow(/^toPixels: drawing onto a canvas needs ImageData/);
    canvas.dispose();
  });
});

describe('tf.browser.fromPixels refuses bad input', () => {
  onBackend('wasm');
  const globals = globalThis as Record<string, unknown>;
  afterEach(() => {
    delete globals.HTMLImageElement;
  });

  it('with an Error naming the argument, where TF.js gives none or a cryptic one', () => {
    const pixels = { width: 1, height: 1, data: new Uint8Array(4) };
    expect(() => tf.browser.fromPixels(pixels, 5)).toThrow(/^fromPixels: numChannels must be an integer in \[1, 4\], got 5/);
    expect(() => tf.browser.fromPixels(pixels, 0)).toThrow(/^fromPixels: numChannels must be an integer in \[1, 4\], got 0/);
    expect(() => tf.browser.fromPixels(pixels, 2.5)).toThrow(/^fromPixels: numChannels/);
    expect(() => tf.browser.fromPixels(null as never)).toThrow(/^fromPixels: pixels must be an image, canvas, video, ImageBitmap, ImageData or pixel data \{width, height, data: Uint8Array\}, got null/);
    expect(() => tf.browser.fromPixels({ width: 1, height: 1 } as never)).toThrow(/^fromPixels: pixels must be .*, got \{ width, height \}/);
    expect(() => tf.browser.fromPixels({ width: 1, height: 1, data: [1, 2, 3, 4] } as never)).toThrow(/^fromPixels: pixels must be/);
    expect(() => tf.browser.fromPixels({ width: 2, height: 1, data: new Uint8Array(4) })).toThrow(/^fromPixels: pixels.data must hold width·height·4 = 8 bytes \(RGBA\), got 4/);
    expect(() => tf.browser.fromPixels({ width: -1, height: 1, data: new Uint8Array(4) })).toThrow(/^fromPixels: pixels.width must be an integer >= 0, got -1/);
    expect(() => tf.browser.fromPixels({ width: 1, height: 0.5, data: new Uint8Array(4) })).toThrow(/^fromPixels: pixels.height must be an integer >= 0, got 0.5/);
  });

  it('a DOM element in Node: it needs a canvas to draw on, and pixel data is the way', () => {
    class HTMLImageElement {
      width = 2;
      height = 2;
    }
    globals.HTMLImageElement = HTMLImageElement;
    expect(() => tf.browser.fromPixels(new HTMLImageElement() as never)).toThrow(/^fromPixels: HTMLImageElement pixels are read by drawing them on a canvas, which needs a document \(or OffscreenCanvas in a worker\); in Node pass pixel data \{width, height, data\}/);
  });
});
