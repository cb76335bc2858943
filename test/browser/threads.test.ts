// Threads in Chromium: on a cross-origin isolated page setThreads(2) runs matmuls on a Web Worker with
// results bit-identical to one thread; on a page that is not isolated it stays on one thread with a notice.

import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasChromium, launchChromium, serveStatic } from './support.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** In the page: a seeded product's bits on one thread and on two, and what getThreads() reported. */
async function compareThreads(page: Page) {
  return page.evaluate(async () => {
    const { tf } = globalThis as unknown as { tf: typeof import('../../src/index.js') };
    await tf.ready();
    const product = () => {
      const a = tf.randomUniform([257, 300], -1, 1, 'float32', 1);
      const b = tf.randomUniform([300, 127], -1, 1, 'float32', 2);
      const c = tf.matMul(a, b);
      const bits = Array.from(new Uint32Array((c.dataSync() as Float32Array).buffer));
      tf.dispose([a, b, c]);
      return bits;
    };
    const one = product();
    await tf.setThreads(2);
    const threads = tf.getThreads();
    const two = product();
    await tf.setThreads(1);
    return { isolated: globalThis.crossOriginIsolated, threads, same: one.length > 0 && one.every((v, i) => v === two[i]) };
  });
}

describe.skipIf(!hasChromium())('threads in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
  });

  async function open(isolated: boolean): Promise<{ page: Page; notices: string[]; close(): Promise<void> }> {
    const server = await serveStatic(ROOT, { isolated });
    const page = await browser.newPage();
    const notices: string[] = [];
    page.on('console', (message) => notices.push(message.text()));
    await page.goto(`${server.url}/test/browser/fixtures/importmap.html`, { timeout: 15_000 });
    await page.waitForFunction(() => 'neuriteResult' in globalThis, null, { timeout: 20_000 });
    return { page, notices, close: async () => (await page.close(), await server.close()) };
  }

  it('on a cross-origin isolated page, two threads give the one-thread result bit for bit', async () => {
    const { page, close } = await open(true);
    const outcome = await compareThreads(page);
    await close();
    expect(outcome).toEqual({ isolated: true, threads: 2, same: true });
  });

  it('on a page that is not isolated, stays on one thread with a one-line notice', async () => {
    const { page, notices, close } = await open(false);
    const outcome = await compareThreads(page);
    await close();
    expect(outcome).toEqual({ isolated: false, threads: 1, same: true });
    expect(notices.filter((n) => /SharedArrayBuffer is unavailable/.test(n))).toHaveLength(1);
  });
});
