// tf.browser in Chromium, neurite's published bundle (dist/browser/, from `npm run build`) beside TF.js's in the
// same page (test/browser/fixtures/pixels.html): fromPixels reads the same HTMLCanvasElement, HTMLImageElement,
// ImageBitmap, OffscreenCanvas, ImageData and HTMLVideoElement frame as TF.js does, for every numChannels, and a
// canvas without a 2d context (which TF.js cannot read) as its pixels; toPixels draws TF.js's bytes onto a canvas.

import type * as tfjs from '@tensorflow/tfjs';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as neurite from '../../src/index.js';
import { hasChromium, launchChromium, serveStatic } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the page holds: both libraries. */
interface Libraries {
  neurite: typeof neurite;
  tf: typeof tfjs;
}

describe.skipIf(!hasChromium())('tf.browser in Chromium, against TF.js', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof serveStatic>>;
  let page: Page;
  const problems: string[] = [];

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchChromium(), serveStatic(ROOT)]);
    page = await browser.newPage();
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(`${server.url}/test/browser/fixtures/pixels.html`, { timeout: 15_000 });
    await page.waitForFunction(() => 'neuriteResult' in globalThis, null, { timeout: 20_000 });
    expect(await page.evaluate(() => (globalThis as { neuriteResult?: { error?: string } }).neuriteResult?.error)).toBeUndefined();
  }, 40_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('fromPixels reads canvases, images, bitmaps, ImageData and OffscreenCanvas as TF.js, every numChannels', async () => {
    const outcome = await page.evaluate(async () => {
      const { neurite, tf } = globalThis as unknown as Libraries;
      // A 17x7 image of seeded bytes, opaque so that no premultiplied alpha rounds them.
      const [width, height] = [17, 7];
      const data = new Uint8ClampedArray(width * height * 4);
      for (let i = 0; i < data.length; i++) data[i] = i % 4 === 3 ? 255 : (i * 97 + 13) % 256;
      const imageData = new ImageData(data, width, height);
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [width, height];
      canvas.getContext('2d')!.putImageData(imageData, 0, 0);
      const image = new Image();
      image.src = canvas.toDataURL('image/png');
      await image.decode();
      const offscreen = new OffscreenCanvas(width, height);
      offscreen.getContext('2d')!.putImageData(imageData, 0, 0);
      const sources: Record<string, unknown> = { canvas, image, bitmap: await createImageBitmap(canvas), offscreen, imageData };
      const results: Record<string, { shape: number[]; dtype: string; same: boolean; asDrawn: boolean }> = {};
      for (const [name, source] of Object.entries(sources)) {
        for (const n of [undefined, 1, 2, 3, 4]) {
          const ours = neurite.browser.fromPixels(source as ImageData, n);
          const theirs = tf.browser.fromPixels(source as ImageData, n);
          const [mine, expected] = [Array.from(ours.dataSync()), Array.from(theirs.dataSync())];
          const channels = n ?? 3;
          const asDrawn = mine.every((v, i) => v === data[Math.floor(i / channels) * 4 + (i % channels)]);
          results[`${name} numChannels ${n}`] = { shape: ours.shape, dtype: ours.dtype, same: mine.length === expected.length && mine.every((v, i) => v === expected[i]), asDrawn };
          ours.dispose();
          theirs.dispose();
        }
      }
      return { results, tensors: neurite.memory().numTensors };
    });
    for (const [label, r] of Object.entries(outcome.results)) {
      expect(r, label).toEqual({ shape: [7, 17, Number(label.split(' ').at(-1)) || 3], dtype: 'int32', same: true, asDrawn: true });
    }
    expect(Object.keys(outcome.results).length).toBe(25);
    expect(outcome.tensors).toBe(0);
    expect(problems).toEqual([]);
  });

  it('fromPixels reads a video\'s current frame as TF.js does', async () => {
    const outcome = await page.evaluate(async () => {
      const { neurite, tf } = globalThis as unknown as Libraries;
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [16, 8];
      const context = canvas.getContext('2d')!;
      context.fillStyle = 'rgb(200, 40, 120)';
      context.fillRect(0, 0, 16, 8);
      const video = document.createElement('video');
      video.muted = true;
      video.srcObject = canvas.captureStream();
      await video.play();
      while (video.readyState < 2 || video.videoWidth === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      video.pause();
      const ours = neurite.browser.fromPixels(video, 4);
      const theirs = tf.browser.fromPixels(video, 4);
      const result = { shape: ours.shape, mine: Array.from(ours.dataSync()), expected: Array.from(theirs.dataSync()) };
      ours.dispose();
      theirs.dispose();
      return result;
    });
    expect(outcome.shape).toEqual([8, 16, 4]);
    expect(outcome.mine).toEqual(outcome.expected);
    expect(new Set(outcome.mine).size).toBeGreaterThan(1); // a frame, not an empty read
  });

  it('fromPixels reads a canvas without a 2d context (a bitmaprenderer) by drawing it, where TF.js fails', async () => {
    const outcome = await page.evaluate(async () => {
      const { neurite, tf } = globalThis as unknown as Libraries;
      const data = new Uint8ClampedArray(3 * 5 * 4).map((_, i) => (i % 4 === 3 ? 255 : (i * 31) % 256));
      const canvas = document.createElement('canvas');
      [canvas.width, canvas.height] = [3, 5];
      canvas.getContext('bitmaprenderer')!.transferFromImageBitmap(await createImageBitmap(new ImageData(data, 3, 5)));
      const ours = neurite.browser.fromPixels(canvas, 4);
      const values = Array.from(ours.dataSync());
      ours.dispose();
      let theirs = '';
      try {
        tf.browser.fromPixels(canvas, 4).dispose();
      } catch (error) {
        theirs = String(error);
      }
      return { same: values.every((v, i) => v === data[i]) && values.length === data.length, theirs };
    });
    expect(outcome.same).toBe(true);
    expect(outcome.theirs).toMatch(/TypeError/);
  });

  it('toPixels draws TF.js\'s bytes onto a canvas: float32 and int32, 1, 3 and 4 channels', async () => {
    const outcome = await page.evaluate(async () => {
      const { neurite, tf } = globalThis as unknown as Libraries;
      const results: Record<string, boolean> = {};
      for (const [dtype, depth] of [['float32', 1], ['float32', 3], ['int32', 4], ['int32', 3]] as const) {
        // opaque, so that the canvas keeps the bytes as they are (it premultiplies alpha)
        const values = Array.from({ length: 7 * 3 * depth }, (_, i) => (depth === 4 && i % 4 === 3 ? 255 : dtype === 'float32' ? ((i * 37) % 101) / 100 : (i * 53) % 256));
        const [ours, theirs] = [neurite.tensor(values, [7, 3, depth], dtype), tf.tensor(values, [7, 3, depth], dtype)];
        const [canvas, reference] = [document.createElement('canvas'), document.createElement('canvas')];
        const bytes = await neurite.browser.toPixels(ours, canvas);
        const expected = await tf.browser.toPixels(theirs as tfjs.Tensor3D, reference);
        const drawn = canvas.getContext('2d')!.getImageData(0, 0, 3, 7).data;
        const theirsDrawn = reference.getContext('2d')!.getImageData(0, 0, 3, 7).data;
        results[`${dtype} ${depth}`] = [canvas.width, canvas.height].join() === '3,7' && bytes.every((b, i) => b === expected[i] && drawn[i] === theirsDrawn[i] && drawn[i] === b);
        ours.dispose();
        theirs.dispose();
      }
      return results;
    });
    expect(outcome).toEqual({ 'float32 1': true, 'float32 3': true, 'int32 4': true, 'int32 3': true });
  });
});
