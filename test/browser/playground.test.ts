// The network playground in Chromium, served by Vite with examples/playground/vite.config.ts. On a desktop-sized
// page: Step trains exactly one batch; Play (fast) trains the circle until the test loss is low, the heatmap is
// drawn, Pause stops the epochs; hovering a neuron enlarges its picture, hovering a weight shows its value and
// editing it changes the output; the js backend trains too; a regression set trains; too high a learning rate
// is explained in words; under each layer tf.callbacks.inspect's gradient norm (and with ReLU its dead units)
// is shown. In fresh pages: a URL round trip restores every control and the same network, a bad URL falls
// back to defaults, and at 390x844 with touch nothing scrolls sideways and taps work.
// Writes test-results/playground.png and playground-390.png. It does not check the pictures' exact pixels.

import { mkdir } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
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
const DESKTOP: BrowserContextOptions = { viewport: { width: 1320, height: 900 } };

/**
 * An init script: counts, in window.layoutReads, every call of the DOM's layout-reading properties and
 * methods, each of which forces a layout when the page has written to the DOM since the last one.
 */
function countLayoutReads(): void {
  const counter = window as unknown as { layoutReads: number };
  counter.layoutReads = 0;
  const count = (owner: object, name: string) => {
    const property = Object.getOwnPropertyDescriptor(owner, name)!;
    const { get, value } = property;
    const counted = get
      ? {
          get(this: unknown) {
            counter.layoutReads++;
            return get.call(this);
          },
        }
      : {
          value(this: unknown, ...args: unknown[]) {
            counter.layoutReads++;
            return (value as (...a: unknown[]) => unknown).apply(this, args);
          },
        };
    Object.defineProperty(owner, name, { ...property, ...counted });
  };
  for (const name of ['offsetWidth', 'offsetHeight', 'offsetLeft', 'offsetTop']) count(HTMLElement.prototype, name);
  for (const name of ['clientWidth', 'clientHeight', 'scrollWidth', 'scrollHeight', 'getBoundingClientRect', 'getClientRects']) count(Element.prototype, name);
  count(window, 'getComputedStyle');
}

describe.skipIf(!hasChromium())('network playground (Vite + Chromium)', () => {
  let server: ViteDevServer;
  let browser: Browser;
  let origin: string;
  let page: Page;
  const pageErrors: string[] = [];

  /** A new page (in its own context) at `path`, its errors collected, once the first frame is shown. */
  async function open(path: string, options: BrowserContextOptions = DESKTOP, initScript?: () => void): Promise<Page> {
    const context = await browser.newContext(options);
    if (initScript) await context.addInitScript(initScript);
    const opened = await context.newPage();
    opened.on('pageerror', (error) => pageErrors.push(error.message));
    opened.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    await opened.goto(`${origin}${path}`, { timeout: 30_000 });
    await opened.waitForFunction(() => document.querySelector<HTMLElement>('#test-loss')?.dataset.value !== '', undefined, { timeout: 20_000 });
    return opened;
  }

  beforeAll(async () => {
    // No HMR and no file watching: a source file edited while the test runs must not reload the page.
    server = await createServer({ configFile, logLevel: 'error', server: { host: '127.0.0.1', port: 0, strictPort: true, hmr: false, watch: null } });
    await server.listen();
    const { port } = server.httpServer!.address() as AddressInfo;
    origin = `http://127.0.0.1:${port}`;
    browser = await launchChromium();
    page = await open('/');
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  /** The number an element shows, as its data-value holds it. */
  const numberIn = (p: Page, selector: string) => p.$eval(selector, (element) => Number((element as HTMLElement).dataset.value));
  const number = (selector: string) => numberIn(page, selector);
  /** Polls the number an element shows until the assertion that follows holds. */
  const pollNumber = (p: Page, selector: string, timeout = 20_000) => expect.poll(() => numberIn(p, selector), { timeout, interval: 50 });

  /** A checksum of the heatmap's pixels: it changes when the output picture does. */
  const heatmapChecksum = (p: Page) =>
    p.$eval('canvas#heatmap', (canvas) => {
      const { width, height } = canvas as HTMLCanvasElement;
      const pixels = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, width, height).data;
      let sum = 0;
      for (let i = 0; i < pixels.length; i++) sum = (sum * 31 + pixels[i]) % 1_000_000_007;
      return sum;
    });

  /** The centre of the first element a selector matches, in the viewport. */
  async function centreOf(p: Page, selector: string): Promise<{ x: number; y: number }> {
    const box = (await p.locator(selector).first().boundingBox())!;
    return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
  }

  /**
   * The middle of the link from the first active feature (X₁) to the first neuron of the first hidden layer:
   * a link runs from the right edge of one node to the left edge of the next, symmetric about its midpoint.
   */
  async function firstLinkMiddle(p: Page): Promise<{ x: number; y: number }> {
    const from = (await p.locator('.node.feature[data-feature="x1"]').boundingBox())!;
    const to = (await p.locator('.node.hidden[data-layer="0"]').first().boundingBox())!;
    return { x: (from.x + from.width + to.x) / 2, y: (from.y + from.height / 2 + to.y + to.height / 2) / 2 };
  }

  it('is cross-origin isolated and shows a first frame on wasm', async () => {
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    expect(await page.isChecked('#backend-wasm')).toBe(true);
    expect(await number('#epoch')).toBe(0);
    expect(await number('#batches')).toBe(0);
  });

  it('Step trains exactly one batch and the loss changes', async () => {
    for (let n = 0; n < 2; n++) {
      const loss = await number('#train-loss');
      await page.click('#step');
      await pollNumber(page, '#batches').toBe(n + 1);
      await pollNumber(page, '#train-loss').not.toBe(loss);
      expect(await number('#batches')).toBe(n + 1);
      expect(await number('#epoch')).toBe(0);
    }
    expect(await page.getAttribute('#play-pause', 'data-state')).toBe('paused');
  });

  it('Play (fast) trains the circle until the test loss is below the threshold', async () => {
    await page.click('label[for="pace-fast"]');
    await page.click('#play-pause');
    expect(await page.getAttribute('#play-pause', 'data-state')).toBe('playing');
    const started = Date.now();
    await pollNumber(page, '#test-loss', LEARN_TIMEOUT_MS).toBeLessThan(TEST_LOSS_THRESHOLD);
    const epochs = await number('#epoch');
    console.log(`playground: test loss < ${TEST_LOSS_THRESHOLD} after ${epochs} epochs, ${((Date.now() - started) / 1000).toFixed(1)} s`);
    expect(epochs).toBeGreaterThan(0);
    // Steps per second are measured over a second of training, which may not have passed yet.
    await pollNumber(page, '#speed-wasm', 10_000).toBeGreaterThan(0);
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

  it('shows under each layer its gradient norm from tf.callbacks.inspect (tanh: no dead-ReLU bars)', async () => {
    const strips = await page.$$eval('.inspect-strip', (elements) =>
      elements.map((e) => ({ norm: (e as HTMLElement).dataset.gradNorm, dead: (e as HTMLElement).dataset.dead, text: e.querySelector('.norm')!.textContent, title: (e as HTMLElement).title })),
    );
    expect(strips).toHaveLength(3); // two hidden layers and the output
    for (const strip of strips) {
      expect(Number(strip.norm)).toBeGreaterThan(0);
      expect(strip.text).toBe(Number(strip.norm).toExponential(1));
      expect(strip.dead).toBe('');
    }
    expect(strips[0].title).toMatch(/^Layer 1 after epoch \d+: gradient norm \S+, weight norm \S+, update\/weight \S+, activations \S+ ± \S+$/);
    expect(await page.isHidden('.inspect-strip .dead')).toBe(true);
    expect(await page.getAttribute('.inspect-labels', 'class')).toContain('without-dead');
  });

  it('Pause stops the epoch counter', async () => {
    await page.click('#play-pause');
    expect(await page.getAttribute('#play-pause', 'data-state')).toBe('paused');
    await page.waitForTimeout(300); // the frame already under way arrives
    const paused = await number('#batches');
    await page.waitForTimeout(1000); // nothing may happen here: there is no event to wait for
    expect(await number('#batches')).toBe(paused);
  });

  it('hovering a neuron shows its enlarged picture', async () => {
    expect(await page.isHidden('#node-zoom')).toBe(true);
    const neuron = await centreOf(page, '.node.hidden[data-layer="0"]');
    await page.mouse.move(neuron.x, neuron.y);
    await page.waitForSelector('#node-zoom', { state: 'visible', timeout: 5_000 });
    expect(await page.textContent('#node-zoom-caption')).toBe('Neuron 1 of layer 1');
    const zoom = (await page.locator('#node-zoom-picture').boundingBox())!;
    const node = (await page.locator('.node.hidden[data-layer="0"]').first().boundingBox())!;
    expect(zoom.width).toBeGreaterThan(2.5 * node.width);
    // The trained neuron's picture has both colours of the scale, not a blank.
    const distinct = await page.$eval('#node-zoom-picture', (canvas) => {
      const { width, height } = canvas as HTMLCanvasElement;
      const pixels = (canvas as HTMLCanvasElement).getContext('2d')!.getImageData(0, 0, width, height).data;
      return new Set(Array.from({ length: pixels.length / 4 }, (_, i) => (pixels[4 * i] << 16) | (pixels[4 * i + 1] << 8) | pixels[4 * i + 2])).size;
    });
    expect(distinct).toBeGreaterThan(20);
    await page.mouse.move(5, 5);
    await page.waitForSelector('#node-zoom', { state: 'hidden', timeout: 5_000 });
  });

  it('hovering a weight shows its value; editing it changes the output picture', async () => {
    const middle = await firstLinkMiddle(page);
    await page.mouse.move(middle.x, middle.y);
    await page.waitForSelector('#weight-editor', { state: 'visible', timeout: 5_000 });
    expect(await page.textContent('#weight-name')).toBe('weight X₁ → neuron 1 of layer 1');
    const shown = Number(await page.inputValue('#weight-value'));
    expect(Number.isFinite(shown)).toBe(true);
    expect(shown).not.toBe(0);

    const before = await heatmapChecksum(page);
    const edited = shown > 0 ? -3 : 3;
    await page.fill('#weight-value', String(edited));
    await page.press('#weight-value', 'Enter');
    await expect.poll(() => heatmapChecksum(page), { timeout: 5_000 }).not.toBe(before);
    // The worker's next frame carries the edited weight: the editor shows it once it loses focus.
    await page.press('#weight-value', 'Tab');
    await page.mouse.move(middle.x, middle.y);
    await expect.poll(async () => Number(await page.inputValue('#weight-value')), { timeout: 5_000 }).toBe(edited);
    await page.click('#weight-close');
    expect(await page.isHidden('#weight-editor')).toBe(true);
  });

  it('keeps training on the js backend and shows its steps per second', async () => {
    const before = await number('#epoch');
    await page.click('label[for="backend-js"]');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#steps-per-second')?.dataset.backend === 'js', undefined, { timeout: 10_000 });
    await page.click('#play-pause');
    await pollNumber(page, '#speed-js', 15_000).toBeGreaterThan(0);
    expect(await number('#epoch')).toBeGreaterThan(before);
    // The wasm figure is remembered beside the js one.
    expect(await number('#speed-wasm')).toBeGreaterThan(0);
    console.log(`playground: ${await number('#speed-wasm')} steps/s on wasm, ${await number('#speed-js')} on js`);
    await page.click('#play-pause');
    await mkdir(results, { recursive: true });
    await page.screenshot({ path: `${results}playground.png`, fullPage: true });
  }, 30_000);

  it('trains a regression dataset of its own: the loss falls', async () => {
    await page.click('label[for="backend-wasm"]');
    await page.selectOption('#problem', 'regression');
    await page.waitForSelector('.dataset[data-dataset="plane"][aria-pressed="true"]');
    expect(await page.isHidden('.dataset[data-dataset="circle"]')).toBe(true);
    await page.click('.dataset[data-dataset="hills"]');
    expect(page.url()).toContain('dataset=hills');
    await pollNumber(page, '#test-loss').toBeGreaterThan(0);
    expect(await number('#batches')).toBe(0);
    const start = await number('#test-loss');
    await page.click('#play-pause');
    await pollNumber(page, '#test-loss', LEARN_TIMEOUT_MS).toBeLessThan(start / 3);
    console.log(`playground: hills test loss ${start.toFixed(3)} -> ${(await number('#test-loss')).toFixed(3)} (mean squared error) after ${await number('#epoch')} epochs`);
    await page.click('#play-pause');
  }, LEARN_TIMEOUT_MS + 10_000);

  it('explains a diverging loss in words, with the remedy', async () => {
    await page.click('.dataset[data-dataset="plane"]');
    await page.selectOption('#learning-rate', '3');
    await page.click('#play-pause');
    await page.waitForSelector('#message[data-kind="diverged"]', { timeout: 20_000 });
    const text = (await page.textContent('#message'))!;
    console.log(`playground: ${text}`);
    expect(text).toMatch(/^The loss (diverged to (NaN|Infinity)|exploded) in epoch \d+/);
    expect(text).toContain('overshot the minimum');
    expect(text).toContain('The learning rate 3 is too high for this network; try 0.3.');
    expect(await page.getAttribute('#play-pause', 'data-state')).toBe('paused');
    for (const loss of ['#test-loss', '#train-loss']) expect(await page.textContent(loss)).not.toMatch(/NaN|Infinity/);
    // A reset clears the explanation.
    await page.selectOption('#learning-rate', '0.03');
    await page.click('#reset');
    expect(await page.textContent('#message')).toBe('');
  }, 30_000);

  /** Every control's value, as a user sees it. */
  const controls = (p: Page) =>
    p.evaluate(() => {
      const value = (id: string) => (document.getElementById(id) as HTMLInputElement | HTMLSelectElement).value;
      const checked = (id: string) => (document.getElementById(id) as HTMLInputElement).checked;
      return {
        selects: ['learning-rate', 'activation', 'regularization', 'regularization-rate', 'problem'].map(value),
        sliders: ['train-ratio', 'noise', 'batch-size'].map(value),
        checks: ['show-test', 'discretize'].map(checked),
        pace: document.querySelector<HTMLInputElement>('input[name="pace"]:checked')!.value,
        backend: document.querySelector<HTMLInputElement>('input[name="backend"]:checked')!.value,
        dataset: document.querySelector<HTMLElement>('.dataset[aria-pressed="true"]')!.dataset.dataset,
        features: [...document.querySelectorAll<HTMLElement>('.node.feature[aria-checked="true"]')].map((e) => e.dataset.feature),
        neuronsPerLayer: [...document.querySelectorAll<HTMLElement>('.node.hidden')].reduce<number[]>((counts, e) => {
          counts[Number(e.dataset.layer)] = (counts[Number(e.dataset.layer)] ?? 0) + 1;
          return counts;
        }, []),
      };
    });

  it('a URL round trip restores every control and the same network', async () => {
    const first = await open('/');
    await first.click('label[for="backend-js"]');
    await first.waitForFunction(() => document.querySelector<HTMLElement>('#steps-per-second')?.dataset.backend === 'js', undefined, { timeout: 10_000 });
    await first.selectOption('#problem', 'regression');
    await first.click('.dataset[data-dataset="hills"]');
    await first.selectOption('#learning-rate', '0.1');
    await first.selectOption('#activation', 'relu');
    await first.selectOption('#regularization', 'l2');
    await first.selectOption('#regularization-rate', '0.01');
    await first.locator('#noise').fill('20');
    await first.locator('#train-ratio').fill('70');
    await first.locator('#batch-size').fill('5');
    await first.click('#show-test');
    await first.click('#discretize');
    await first.click('label[for="pace-slow"]');
    await first.click('.node.feature[data-feature="x1Squared"]');
    await first.click('#add-layer');
    await first.click('[aria-label="Add a neuron to layer 1"]');
    await first.click('#regenerate'); // a new data seed
    await first.click('#reset'); // a new weight seed
    const wanted = {
      selects: ['0.1', 'relu', 'l2', '0.01', 'regression'],
      sliders: ['70', '20', '5'],
      checks: [false, true],
      pace: 'slow',
      backend: 'js',
      dataset: 'hills',
      features: ['x1', 'x2', 'x1Squared'],
      neuronsPerLayer: [5, 2, 2],
    };
    expect(await controls(first)).toEqual(wanted);
    const url = new URL(first.url());
    expect(url.searchParams.get('seed')).toBe('2');
    expect(url.searchParams.get('dataSeed')).toBe('2');
    await pollNumber(first, '#test-loss').toBeGreaterThan(0);

    const second = await open(url.pathname + url.search);
    await second.waitForFunction(() => document.querySelector<HTMLElement>('#steps-per-second')?.dataset.backend === 'js', undefined, { timeout: 10_000 });
    expect(await controls(second)).toEqual(wanted);
    expect(second.url()).toBe(first.url());
    // Same seeds, same data and initial weights: the untrained network's losses agree.
    for (const loss of ['#test-loss', '#train-loss']) expect(await numberIn(second, loss)).toBeCloseTo(await numberIn(first, loss), 5);
    await first.context().close();
    await second.context().close();
  }, 60_000);

  it('a malformed URL falls back to the defaults, parameter by parameter', async () => {
    const odd = await open('/?dataset=moon&noise=13&trainRatio=70&hidden=4,99&learningRate=abc&activation=relu&features=&seed=-1&pace=warp&showTest=maybe');
    const shown = await controls(odd);
    expect(shown.dataset).toBe('circle');
    expect(shown.sliders).toEqual(['70', '0', '10']);
    expect(shown.neuronsPerLayer).toEqual([4, 2]);
    expect(shown.selects).toEqual(['0.03', 'relu', 'none', '0', 'classification']);
    expect(shown.features).toEqual(['x1', 'x2']);
    expect(shown.pace).toBe('normal');
    expect(shown.checks).toEqual([true, false]);
    expect(new URL(odd.url()).searchParams.get('seed')).toBe('1');
    await odd.context().close();
  }, 60_000);

  it('fits 390x844 without sideways scrolling, and taps work', async () => {
    const phone = await open('/', { viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 });
    const overflow = () =>
      phone.evaluate(() => {
        const outside = [...document.querySelectorAll<HTMLElement>('button, select, input, label, canvas, .node')]
          .filter((e) => e.offsetParent !== null || e.matches('input[type="radio"]'))
          .filter((e) => {
            const box = e.getBoundingClientRect();
            return box.width > 0 && (box.left < 0 || box.right > innerWidth);
          })
          .map((e) => e.id || e.className);
        return { scrollWidth: document.scrollingElement!.scrollWidth, innerWidth, outside };
      });
    const narrow = await overflow();
    expect(narrow.scrollWidth).toBeLessThanOrEqual(narrow.innerWidth);
    expect(narrow.outside).toEqual([]);

    // Taps: a link opens its weight's editor, a neuron its enlarged picture.
    await phone.locator('#network').scrollIntoViewIfNeeded();
    const middle = await firstLinkMiddle(phone);
    await phone.touchscreen.tap(middle.x, middle.y);
    await phone.waitForSelector('#weight-editor', { state: 'visible', timeout: 5_000 });
    const neuron = await centreOf(phone, '.node.hidden[data-layer="0"]');
    await phone.touchscreen.tap(neuron.x, neuron.y);
    await phone.waitForSelector('#node-zoom', { state: 'visible', timeout: 5_000 });
    await phone.tap('#step');
    await pollNumber(phone, '#batches').toBe(1);

    // The largest network still fits.
    for (let i = 0; i < 4; i++) await phone.tap('#add-layer');
    for (let i = 0; i < 6; i++) await phone.tap('[aria-label="Add a neuron to layer 6"]');
    const widest = await overflow();
    expect(widest.scrollWidth).toBeLessThanOrEqual(widest.innerWidth);
    expect(widest.outside).toEqual([]);
    await mkdir(results, { recursive: true });
    await phone.screenshot({ path: `${results}playground-390.png`, fullPage: true });
    await phone.context().close();
  }, 60_000);

  it('with ReLU, shows each hidden layer\'s dead units and draws the gradient sparklines', async () => {
    const relu = await open('/?activation=relu&pace=fast&learningRate=1');
    await relu.click('#play-pause');
    await pollNumber(relu, '#epoch').toBeGreaterThan(30);
    await relu.click('#play-pause');
    await relu.waitForTimeout(300); // the frame already under way arrives
    const strips = await relu.$$eval('.inspect-strip', (elements) =>
      elements.map((e) => {
        const canvas = e.querySelector('canvas')!;
        const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        return {
          dead: (e as HTMLElement).dataset.dead,
          bar: e.querySelector<HTMLElement>('.dead i')!.style.width,
          inked: pixels.filter((_, i) => i % 4 === 3 && pixels[i] > 0).length,
          title: (e as HTMLElement).title,
        };
      }),
    );
    console.log(`playground: dead ReLUs per hidden layer at learning rate 1: ${strips.slice(0, -1).map((s) => s.dead).join(', ')}`);
    for (const strip of strips.slice(0, -1)) {
      const dead = Number(strip.dead);
      expect(strip.dead).not.toBe('');
      expect(dead).toBeGreaterThanOrEqual(0);
      expect(dead).toBeLessThanOrEqual(1);
      expect(parseFloat(strip.bar)).toBeCloseTo(100 * dead, 6);
      expect(strip.title).toMatch(/, \d+% of units dead$/);
    }
    expect(strips.at(-1)!.dead).toBe(''); // the output is a sigmoid
    for (const strip of strips) expect(strip.inked).toBeGreaterThan(10);
    expect(await relu.getAttribute('.inspect-labels', 'class')).not.toContain('without-dead');
    await relu.context().close();
  }, 60_000);

  it('draws its frames without reading layout', async () => {
    const counted = await open('/?pace=fast', DESKTOP, countLayoutReads);
    await counted.click('#play-pause');
    // Each frame shows the epoch it was made at: a hundred epochs take many frames.
    await pollNumber(counted, '#epoch').toBeGreaterThan(100);
    await counted.click('#play-pause');
    expect(await counted.evaluate(() => (window as unknown as { layoutReads: number }).layoutReads)).toBe(0);
    await counted.context().close();
  }, 60_000);

  it('logs no page errors', () => {
    expect(pageErrors).toEqual([]);
  });
});
