// The MNIST page in Chromium, served by Vite as `npm run mnist-browser` serves it: one epoch of training
// reaches > 85% on the held-out digits with the progress bar at 100%, held-out digits painted on the pad are
// recognised through the page's preprocessing, and so are digits drawn with the mouse.
// Writes test-results/mnist-browser.png. Touch input and other browsers are not driven here.

import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnist } from '../../examples/data.js';
import { hasChromium, launchChromium } from './support.js';

const PAGE_ROOT = fileURLToPath(new URL('../../examples/mnist-browser/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));

describe.skipIf(!hasChromium())('MNIST page (Chromium)', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  let heldOutAccuracy = 0;
  const pageErrors: string[] = [];
  const { test: heldOut } = loadMnist();

  /** The class the page shows, or null when it shows none, once it has classified the pad's latest change. */
  const shownClass = async () => {
    // The page classifies once per frame; the next frame has seen every change before it.
    await page.evaluate(() => new Promise(requestAnimationFrame));
    const value = await page.getAttribute('#prediction', 'data-class');
    return value ? Number(value) : null;
  };

  beforeAll(async () => {
    server = await createServer({
      configFile: `${PAGE_ROOT}vite.config.ts`,
      root: PAGE_ROOT,
      logLevel: 'error',
      clearScreen: false,
      server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false },
    });
    await server.listen();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 860 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('trains one epoch to > 85% on the held-out digits, with the progress bar at 100%', async () => {
    const url = server.resolvedUrls?.local[0];
    expect(url, 'Vite did not report a local URL').toBeTruthy();
    await page.goto(`${url}?epochs=1`, { timeout: 30_000 });
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 30_000 });
    expect(await page.getAttribute('body', 'data-state'), (await page.textContent('#status')) ?? '').toBe('ready');

    await page.click('#train');
    await page.waitForFunction(() => ['trained', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout: 60_000 });
    expect(await page.getAttribute('body', 'data-state'), (await page.textContent('#status')) ?? '').toBe('trained');
    expect(await page.getAttribute('#progress', 'data-percent')).toBe('100');
    expect(await page.locator('#history tbody tr').count()).toBe(1);
    heldOutAccuracy = Number(await page.getAttribute('#test-accuracy', 'data-value'));
    console.log(`MNIST page: held-out accuracy after one epoch ${(heldOutAccuracy * 100).toFixed(2)}%, ${await page.textContent('#speed')} samples/s`);
    expect(heldOutAccuracy).toBeGreaterThan(0.85);
  }, 120_000);

  it('recognises held-out digits painted on the pad, through the cropping, scaling and centring', async () => {
    expect(heldOutAccuracy, 'needs the trained page').toBeGreaterThan(0);
    // Every third held-out digit (so every class: they are interleaved), sent as bytes since the pad holds 8 bits.
    const rows = Array.from({ length: Math.ceil(heldOut.rows / 3) }, (_, i) => i * 3);
    const bytes = Buffer.from(rows.flatMap((row) => Array.from(heldOut.x.subarray(row * 784, (row + 1) * 784), (v) => Math.round(v * 255))));
    const shown = await page.evaluate((base64) => {
      const pixels = Float32Array.from(atob(base64), (c) => c.charCodeAt(0) / 255);
      return Array.from({ length: pixels.length / 784 }, (_, i) => window.mnistPage!.paintDigit(pixels.subarray(i * 784, (i + 1) * 784)));
    }, bytes.toString('base64'));
    // The page's last answer is on screen: the last of those digits.
    expect(await shownClass(), `held-out digit ${rows.at(-1)}, a ${heldOut.labels[rows.at(-1)!]}`).toBe(heldOut.labels[rows.at(-1)!]);
    const accuracy = shown.filter((predicted, i) => predicted === heldOut.labels[rows[i]]).length / rows.length;
    console.log(`MNIST page: ${(accuracy * 100).toFixed(2)}% of ${rows.length} held-out digits painted on the pad are recognised`);
    // The pad's preprocessing leaves an MNIST digit nearly as it was, so it costs next to no accuracy.
    expect(Math.abs(accuracy - heldOutAccuracy)).toBeLessThan(0.03);
  }, 60_000);

  it('recognises a 1, a 0 and a 7 drawn with the mouse', async () => {
    expect(heldOutAccuracy, 'needs the trained page').toBeGreaterThan(0);
    const pad = (await page.locator('#pad').boundingBox())!;
    const draw = async (points: Array<[number, number]>) => {
      await page.click('#clear');
      expect(await shownClass()).toBeNull();
      await page.mouse.move(pad.x + points[0][0] * pad.width, pad.y + points[0][1] * pad.height);
      await page.mouse.down();
      for (const [x, y] of points.slice(1)) await page.mouse.move(pad.x + x * pad.width, pad.y + y * pad.height, { steps: 4 });
      await page.mouse.up();
      return shownClass();
    };
    const one = await draw([[0.52, 0.18], [0.5, 0.5], [0.48, 0.82]]);
    const zero = await draw(Array.from({ length: 25 }, (_, i): [number, number] => [0.5 + 0.2 * Math.sin((i / 12) * Math.PI), 0.5 - 0.3 * Math.cos((i / 12) * Math.PI)]));
    const seven = await draw([[0.3, 0.2], [0.72, 0.2], [0.45, 0.82]]);
    console.log(`MNIST page: mouse-drawn 1, 0, 7 read as ${one}, ${zero}, ${seven}`);
    expect([one, zero, seven]).toEqual([1, 0, 7]);

    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: `${RESULTS}mnist-browser.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 60_000);
});
