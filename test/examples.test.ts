// The Node examples run as a user runs them (npx tsx examples/<name>.ts against the built package) and
// reach what they promise: XOR solved (and not by a single neuron), Iris above 90%, MNIST above 93% held out,
// the MNIST CNN at TF.js's accuracy, and inspect's vanishing gradients and dead ReLUs; and they write their
// pictures (learning curves, decision boundaries) as small, well-formed SVG, here into a temporary directory.
// The course's worked examples are in course.test.ts.

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probabilityColor } from '../examples/svg.js';
import { runExample } from './run-example.js';
import { axisMap, coordinates, elements, fillAt, group, viewBox, wellFormedProblems } from './svg-read.js';

const OUT = mkdtempSync(join(tmpdir(), 'neurite-examples-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));
const run = (name: string, args: string[] = []) => runExample(name, args, { EXAMPLES_OUT: OUT });

/** A picture the example wrote: listed on its "pictures:" line, under 64 KB, well-formed, drawn inside its viewBox. */
function picture(out: string, file: string): string {
  const path = join(OUT, file);
  expect(out).toContain(path);
  expect(statSync(path).size).toBeLessThan(64 * 1024);
  const svg = readFileSync(path, 'utf8');
  expect(wellFormedProblems(svg)).toEqual([]);
  const [width, height] = viewBox(svg);
  for (const [axis, v] of coordinates(svg)) expect(v >= 0 && v <= (axis === 'x' ? width : height), `${file}: ${axis} = ${v}`).toBe(true);
  return svg;
}

/** The values of a learning curve's series, one per epoch, read back through the chart's axes. */
function curve(svg: string, series: string): number[] {
  const line = elements(svg, 'polyline').find((l) => l['data-name'] === series)!;
  const x = axisMap(svg, 'x').toData;
  const y = axisMap(svg, 'y').toData;
  const points = line.points.split(' ').map((p) => p.split(',').map(Number));
  const pixel = Math.abs(x(1) - x(0)); // one pixel's worth of epochs; coordinates are rounded to 0.1 pixel
  points.forEach(([px], k) => expect(Math.abs(x(px) - (k + 1))).toBeLessThanOrEqual(0.1 * pixel + 1e-9)); // epoch k + 1
  return points.map(([, py]) => y(py));
}

describe('examples', () => {
  it('xor learns all four cases with a hidden layer, a single neuron does not; curves and both boundaries', async () => {
    const out = await run('xor');
    expect(out).toMatch(/^hidden layer: loss [\d.]+, accuracy 1$/m);
    const predictions = [...out.matchAll(/^(\d) (\d) -> ([\d.]+)$/gm)].map(([, a, b, p]) => [Number(a), Number(b), Number(p)]);
    expect(predictions).toHaveLength(4);
    for (const [a, b, p] of predictions) expect(Math.abs((a ^ b) - p)).toBeLessThan(0.1);
    // A straight line separates at most three of the four.
    expect(Number(/^single neuron: loss [\d.]+, accuracy ([\d.]+)$/m.exec(out)?.[1])).toBeLessThanOrEqual(0.75);

    const loss = curve(picture(out, 'xor-loss.svg'), 'training');
    expect(loss).toHaveLength(300);
    expect(loss.at(-1)).toBeCloseTo(Number(/^hidden layer: loss ([\d.]+)/m.exec(out)![1]), 2);
    expect(curve(picture(out, 'xor-acc.svg'), 'training')).toHaveLength(300);
    // Read back the cells under the four inputs: each has the colour of the model's prediction there, which
    // is its label's at full confidence.
    const boundary = picture(out, 'xor-boundary.svg');
    const x = axisMap(boundary, 'x').toPixel;
    const y = axisMap(boundary, 'y').toPixel;
    for (const [a, b, p] of predictions) {
      expect(fillAt(boundary, x(a), y(b))).toBe(probabilityColor(p));
      expect(fillAt(boundary, x(a), y(b))).toBe(probabilityColor(a ^ b));
    }
    expect(elements(boundary, 'circle')).toHaveLength(4);
    picture(out, 'xor-single-neuron-boundary.svg');
  });

  it('iris reaches more than 90% on the held-out flowers and draws its training and validation curves', async () => {
    const out = await run('iris');
    const accuracy = Number(/test accuracy ([\d.]+)%/.exec(out)?.[1]);
    expect(accuracy).toBeGreaterThan(90);
    const svg = picture(out, 'iris-acc.svg');
    expect(curve(svg, 'training')).toHaveLength(200);
    const validation = curve(svg, 'validation');
    expect(validation).toHaveLength(200);
    expect(validation.at(-1)! * 100).toBeCloseTo(accuracy, 0);
    expect(group(svg, 'legend')).toContain('>validation</text>');
    expect(curve(picture(out, 'iris-loss.svg'), 'training')).toHaveLength(200);
  });

  it('mnist (npm run demo) reaches at least 93% held out and compares the js backend', async () => {
    const out = await run('mnist', ['--compare-js']);
    const accuracy = Number(/test accuracy ([\d.]+)%/.exec(out)?.[1]);
    expect(accuracy).toBeGreaterThanOrEqual(93);
    expect(out).toMatch(/training \d+ samples\/s on wasm/);
    expect(out).toMatch(/the same epoch on the js backend: \d+ samples\/s \(wasm is [\d.]+x faster\)/);
    expect(curve(picture(out, 'mnist-loss.svg'), 'training')).toHaveLength(10);
  });

  it("mnist-cnn, TF.js's tutorial CNN, reaches TF.js's 93.75% on the 2,000 held-out digits after 3 epochs on 8,000", async () => {
    const out = await run('mnist-cnn');
    expect(out).toMatch(/7996 training and 2004 test digits, 3 epochs of batch 32/);
    expect(Number(/test accuracy ([\d.]+)%/.exec(out)?.[1])).toBeGreaterThanOrEqual(93.75);
    expect(curve(picture(out, 'mnist-cnn-acc.svg'), 'training')).toHaveLength(3);
  });

  it('inspect shows vanishing sigmoid gradients beside relu/heNormal, and ReLUs killed by too high a learning rate', async () => {
    const out = await run('inspect');
    expect(out.match(/^Epoch 2 - inspect on 256 samples, loss \S+$/gm)).toHaveLength(4);
    for (const line of out.split('\n')) expect(line.length, line).toBeLessThanOrEqual(80);
    const number = (pattern: RegExp) => Number(pattern.exec(out)?.[1]);
    // The first hidden layer's gradient norm against the sixth's: a small fraction with sigmoids, about as large with relu.
    const sigmoid = /^sigmoid: gradient norm of layer 1 \/ layer 6 = (\S+), accuracy (\d+)%$/m.exec(out)!.slice(1).map(Number);
    const relu = /^relu \+ heNormal: gradient norm of layer 1 \/ layer 6 = (\S+), accuracy (\d+)%$/m.exec(out)!.slice(1).map(Number);
    expect(sigmoid[0]).toBeLessThan(0.01);
    expect(relu[0]).toBeGreaterThan(0.3);
    expect(relu[1]).toBeGreaterThan(sigmoid[1] + 30);
    const good = { dead: number(/learning rate 0.1: (\d+)% of the hidden relu units dead/), accuracy: number(/learning rate 0.1: \d+% .*, accuracy (\d+)%/) };
    const high = { dead: number(/learning rate 1: (\d+)% of the hidden relu units dead/), accuracy: number(/learning rate 1: \d+% .*, accuracy (\d+)%/) };
    expect(good.dead).toBeLessThan(15);
    expect(high.dead).toBeGreaterThan(40);
    expect(high.accuracy).toBeLessThan(good.accuracy - 20);
  });

  it('classification prints train and test loss side by side, and draws them and its boundary', async () => {
    const out = await run('classification');
    const lines = [...out.matchAll(/^\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)%$/gm)];
    expect(lines).toHaveLength(15);
    expect(Number(lines[14][2])).toBeLessThan(Number(lines[0][2]));
    const loss = picture(out, 'classification-loss.svg');
    const [train, test] = [curve(loss, 'training'), curve(loss, 'validation')];
    expect(train).toHaveLength(15);
    // The curves are the printed columns (to a pixel's worth of the axis).
    const pixel = Math.abs(axisMap(loss, 'y').toData(1) - axisMap(loss, 'y').toData(0));
    lines.forEach((line, k) => {
      expect(Math.abs(train[k] - Number(line[2]))).toBeLessThan(pixel);
      expect(Math.abs(test[k] - Number(line[3]))).toBeLessThan(pixel);
    });
    const boundary = picture(out, 'classification-boundary.svg');
    expect(elements(boundary, 'circle').length).toBeGreaterThan(50);
    // On the plane of x0 and x1 the rule is x0·x1 > 0: the model has learnt it away from the axes.
    const x = axisMap(boundary, 'x').toPixel;
    const y = axisMap(boundary, 'y').toPixel;
    for (const [a, b] of [[2, 2], [-2, -2], [2, -2], [-2, 2]]) {
      const fill = fillAt(boundary, x(a), y(b));
      const classOne = [0.6, 0.7, 0.8, 0.9, 1].map(probabilityColor);
      expect(classOne.includes(fill), `(${a}, ${b}): ${fill}`).toBe(a * b > 0);
    }
  });
});
