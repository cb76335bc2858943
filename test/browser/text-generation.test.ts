// The text-generation page in Chromium, served by Vite as `npm run text-generation-browser` serves it: the
// LSTM trains in its worker, its loss drawn live and falling below what character frequencies alone give; after
// each epoch a sample made only of the sonnets' characters continues a window of them; the temperature slider
// has a new sample written at its value; training more leaves the worker holding the same tensors; and the
// page raises no error.
// Writes test-results/text-generation.png.

import { readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { createServer, type ViteDevServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium } from './support.js';

const PAGE_ROOT = fileURLToPath(new URL('../../examples/text-generation/', import.meta.url));
const RESULTS = fileURLToPath(new URL('../../test-results/', import.meta.url));
const TEXT = readFileSync(`${PAGE_ROOT}sonnets.txt`, 'utf8');
const CHARSET = new Set(TEXT);
/** The loss of guessing each character by its frequency alone (3.11 nats): the page's dashed line. */
const FREQUENCIES_LOSS = -[...CHARSET].reduce((sum, c) => {
  const p = TEXT.split(c).length - 1;
  return sum + (p / TEXT.length) * Math.log(p / TEXT.length);
}, 0);

describe.skipIf(!hasChromium())('text-generation page (Chromium)', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  const state = () => page.getAttribute('body', 'data-state');
  const status = async () => (await page.textContent('#status')) ?? '';
  /** The sample on show: the window it continues, its text, and after how many epochs at what temperature it was written. */
  const sample = () =>
    page.$eval('#sample', (pre) => ({
      seed: pre.querySelector('#seed')!.textContent!,
      text: pre.querySelector('#generated')!.textContent!,
      epochs: (pre as HTMLElement).dataset.epochs,
      temperature: (pre as HTMLElement).dataset.temperature,
    }));
  const epochLosses = () => page.$$eval('#history td:nth-child(2)', (cells) => cells.map((cell) => Number(cell.dataset.value)).reverse());

  async function trainAndWait(timeout: number): Promise<void> {
    await page.click('#train');
    await page.waitForFunction(() => ['trained', 'error'].includes(document.body.dataset.state ?? ''), null, { timeout, polling: 200 });
    expect(await state(), await status()).toBe('trained');
  }

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
    page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('trains eight epochs in its worker, the loss falling below what character frequencies give, with a sample of the sonnets’ characters after each', async () => {
    await page.goto(`${server.resolvedUrls!.local[0]}?epochs=8`, { timeout: 30_000 });
    await page.waitForFunction(() => document.body.dataset.state !== 'loading', null, { timeout: 30_000 });
    expect(await state(), await status()).toBe('ready');
    expect(await page.textContent('#facts')).toMatch(/^37,759 characters, 61 distinct/);
    // The untrained model's sample is there before training.
    await page.waitForSelector('#sample[data-epochs="0"]', { timeout: 30_000 });

    const started = performance.now();
    await trainAndWait(90_000);
    const seconds = (performance.now() - started) / 1000;
    const losses = await epochLosses();
    const written = await sample();
    console.log(`text-generation page: loss per epoch ${losses.map((l) => l.toFixed(3)).join(' ')} in ${seconds.toFixed(1)} s, ${await page.textContent('#speed')} windows/s`);
    console.log(`  after 8 epochs at 0.75: ${JSON.stringify(written.text.slice(0, 120))}`);

    expect(losses).toHaveLength(8);
    expect(losses[7]).toBeLessThan(losses[0]);
    // Seeded: 2.7 here, below the line by 0.4 (the first epoch is at 3.6, above it).
    expect(losses[7]).toBeLessThan(FREQUENCIES_LOSS - 0.2);
    expect(Number(await page.getAttribute('#chart', 'data-points'))).toBeGreaterThan(3);
    expect(await page.getAttribute('#progress', 'data-percent')).toBe('100');
    expect(written.epochs).toBe('8');
    expect(written.temperature).toBe('0.75');
    expect(TEXT).toContain(written.seed);
    expect(written.text).toHaveLength(240);
    expect([...written.text].every((c) => CHARSET.has(c)), written.text).toBe(true);
  }, 120_000);

  it('writes a new sample at the temperature the slider is let go at', async () => {
    expect(await state(), 'needs the trained page').toBe('trained');
    await page.locator('#temperature').fill('0.25');
    expect(await page.textContent('#temperature-value')).toBe('0.25');
    await page.waitForSelector('#sample[data-temperature="0.25"]', { timeout: 30_000 });
    const written = await sample();
    expect(written.epochs).toBe('8');
    expect([...written.text].every((c) => CHARSET.has(c)), written.text).toBe(true);
  }, 60_000);

  it('trains one more epoch holding the same tensors, with no page error', async () => {
    const tensors = Number(await page.getAttribute('body', 'data-tensors'));
    expect(tensors).toBeGreaterThan(0);
    await page.fill('#epochs', '1');
    await trainAndWait(60_000);
    expect(await page.locator('#history tbody tr').count()).toBe(9);
    expect(await status()).toBe('Trained after 9 epochs.');
    expect(Number(await page.getAttribute('body', 'data-tensors'))).toBe(tensors);
    await mkdir(RESULTS, { recursive: true });
    await page.screenshot({ path: `${RESULTS}text-generation.png`, fullPage: true });
    expect(pageErrors).toEqual([]);
  }, 90_000);
});
