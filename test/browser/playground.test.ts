// The network playground in Chromium, served by Vite with examples/playground/vite.config.ts: Play trains
// the circle until the test loss is low, the heatmap is drawn, Pause stops the epochs, the js backend trains
// too. Writes test-results/playground.png. It does not check the pictures' exact pixels.

import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support.js';

const configFile = fileURLToPath(new URL('../../examples/playground/vite.config.ts', import.meta.url));
const results = fileURLToPath(new URL('../../test-results/', import.meta.url));
/**
 * Binary cross-entropy on the noiseless circle. Guessing scores ln 2 ≈ 0.69; below 0.1 the mean probability
 * given to the right class is above e^-0.1 ≈ 0.9, which needs the ring boundary learnt, not a half-plane.
 */
const TEST_LOSS_THRESHOLD = 0.1;
const LEARN_TIMEOUT_MS = 30_000;

describe.skipIf(!hasChromium())('network playground (Vite + Chromium)', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    // No HMR and no file watching: a source file edited while the test runs must not reload the page.
    server = await createServer({ configFile, logLevel: 'error', server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false, watch: null } });
    await server.listen();
    const { port } = server.httpServer!.address() as AddressInfo;
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1320, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await page.goto(`http://127.0.0.1:${port}/`, { timeout: 30_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  const number = (selector: string) => page.$eval(selector, (element) => Number((element as HTMLElement).dataset.value));

  it('is cross-origin isolated and shows a first frame on wasm', async () => {
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#test-loss')?.dataset.value !== '', undefined, { timeout: 20_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.isChecked('#backend-wasm')).toBe(true);
    expect(await number('#epoch')).toBe(0);
  }, 30_000);

  it('Play trains the circle until the test loss is below the threshold', async () => {
    await page.click('#play-pause');
    expect(await page.getAttribute('#play-pause', 'data-state')).toBe('playing');
    const started = Date.now();
    await page.waitForFunction(
      (threshold) => Number(document.querySelector<HTMLElement>('#test-loss')!.dataset.value) < threshold,
      TEST_LOSS_THRESHOLD,
      { timeout: LEARN_TIMEOUT_MS, polling: 100 },
    );
    const epochs = await number('#epoch');
    console.log(`playground: test loss < ${TEST_LOSS_THRESHOLD} after ${epochs} epochs, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(epochs).toBeGreaterThan(0);
    // Steps per second are measured over a second of training, which may not have passed yet.
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#speed-wasm')!.dataset.value) > 0, undefined, { timeout: 10_000 });
  }, LEARN_TIMEOUT_MS + 10_000);

  it('draws the heatmap: many colours, both classes present', async () => {
    const colours = await page.$eval('canvas#heatmap', (canvas) => {
      const { width, height } = canvas as HTMLCanvasElement;
      const pixels = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, width, height).data;
      const distinct = new Set<number>();
      let orange = 0;
      let blue = 0;
      for (let i = 0; i < pixels.length; i += 4) {
        const [r, g, b] = [pixels[i], pixels[i + 1], pixels[i + 2]];
        distinct.add((r << 16) | (g << 8) | b);
        if (r > 200 && b < 120) orange++;
        if (b > 150 && r < 120) blue++;
      }
      return { distinct: distinct.size, orange: orange / (width * height), blue: blue / (width * height) };
    });
    expect(colours.distinct).toBeGreaterThan(100);
    // The circle puts class 1 (blue) in the middle and class 0 (orange) around it; each covers a good share.
    expect(colours.orange).toBeGreaterThan(0.05);
    expect(colours.blue).toBeGreaterThan(0.05);
  });

  it('Pause stops the epoch counter', async () => {
    await page.click('#play-pause');
    expect(await page.getAttribute('#play-pause', 'data-state')).toBe('paused');
    await page.waitForTimeout(300); // the frame already under way arrives
    const paused = await number('#epoch');
    await page.waitForTimeout(1000);
    expect(await number('#epoch')).toBe(paused);
  });

  it('keeps training on the js backend and shows its steps per second', async () => {
    const before = await number('#epoch');
    await page.click('label[for="backend-js"]');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#steps-per-second')?.dataset.backend === 'js', undefined, { timeout: 10_000 });
    await page.click('#play-pause');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#speed-js')!.dataset.value) > 0, undefined, { timeout: 15_000 });
    expect(await number('#epoch')).toBeGreaterThan(before);
    // The wasm figure is remembered beside the js one.
    expect(await number('#speed-wasm')).toBeGreaterThan(0);
    console.log(`playground: ${await number('#speed-wasm')} steps/s on wasm, ${await number('#speed-js')} on js`);
    await page.waitForTimeout(1000);
    await page.click('#play-pause');
    await mkdir(results, { recursive: true });
    await page.screenshot({ path: `${results}playground.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 30_000);
});
