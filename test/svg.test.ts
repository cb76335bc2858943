// The examples' SVG module (examples/svg.ts): its pictures are well-formed, drawn inside their viewBox, with
// one point per epoch at the value its axes say, a legend when there are several series, and decision
// boundary cells coloured as the model predicts at their centres.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { decisionBoundary, lineChart, probabilityColor } from '../examples/svg.js';
import { axisMap, cells, coordinates, elements, fillAt, group, viewBox, wellFormedProblems } from './svg-read.js';

/** Every coordinate lies inside the viewBox. */
function expectInside(svg: string) {
  const [width, height] = viewBox(svg);
  for (const [axis, v] of coordinates(svg)) expect(v, `${axis} = ${v}`).toSatisfy((x: number) => x >= 0 && x <= (axis === 'x' ? width : height));
}

describe('the well-formedness check', () => {
  it('accepts a document and names what is wrong in broken ones', () => {
    expect(wellFormedProblems('<svg a="1"><g><text>a &amp; b</text></g><rect/></svg>\n')).toEqual([]);
    expect(wellFormedProblems('<svg><g></svg>')).toEqual(['</svg> closes <g>', 'unclosed <svg>']);
    expect(wellFormedProblems('<svg><text>a & b</text></svg>')).toEqual(['unescaped text "a & b"']);
    expect(wellFormedProblems('<svg a=1></svg>')).toContain('malformed tag <svg a=1>');
    expect(wellFormedProblems('<svg a="1" a="2"></svg>')).toEqual(['repeated attribute in <svg a="1" a="2">']);
    expect(wellFormedProblems('<svg></svg><svg></svg>')).toEqual(['2 root elements']);
  });
});

describe('lineChart', () => {
  const loss = Array.from({ length: 12 }, (_, i) => 1.3 * Math.exp(-i / 4) + 0.05);
  const valLoss = loss.map((v, i) => v + 0.02 * i);

  it('draws one point per epoch at the value its axes give, inside the viewBox, with a legend', () => {
    const svg = lineChart({ title: 'Loss <per> epoch & more', yLabel: 'loss', series: [{ name: 'training', values: loss }, { name: 'validation', values: valLoss }] });
    expect(wellFormedProblems(svg)).toEqual([]);
    expect(elements(svg, 'title')).toHaveLength(1);
    expect(svg).toContain('<title>Loss &lt;per&gt; epoch &amp; more</title>');
    expectInside(svg);
    const x = axisMap(svg, 'x').toData;
    const y = axisMap(svg, 'y').toData;
    const lines = elements(svg, 'polyline');
    expect(lines.map((l) => l['data-name'])).toEqual(['training', 'validation']);
    for (const [line, values] of [[lines[0], loss], [lines[1], valLoss]] as const) {
      const points = line.points.split(' ').map((p) => p.split(',').map(Number));
      expect(points).toHaveLength(values.length);
      // Coordinates are rounded to 0.1 pixel, so a value reads back to within 0.1 pixel's worth of data.
      points.forEach(([px, py], k) => {
        expect(Math.abs(x(px) - (k + 1))).toBeLessThanOrEqual(0.1 * Math.abs(x(1) - x(0)) + 1e-9);
        expect(Math.abs(y(py) - values[k])).toBeLessThanOrEqual(0.1 * Math.abs(y(1) - y(0)) + 1e-9);
      });
    }
    expect(group(svg, 'legend')).toContain('>training</text>');
    expect(group(svg, 'legend')).toContain('>validation</text>');
    // Epochs are whole numbers.
    for (const tick of group(svg, 'x-ticks').matchAll(/>([^<]+)<\/text>/g)) expect(Number.isInteger(Number(tick[1]))).toBe(true);
  });

  it('has no legend for one series, and draws a single epoch', () => {
    const svg = lineChart({ title: 'one', yLabel: 'accuracy', series: [{ name: 'training', values: [0.75] }] });
    expect(wellFormedProblems(svg)).toEqual([]);
    expect(svg).not.toContain('class="legend"');
    expect(elements(svg, 'polyline')[0].points.split(' ')).toHaveLength(1);
    expect(elements(svg, 'circle')).toHaveLength(1);
    expectInside(svg);
  });

  it('refuses a series that is not finite, naming the epoch', () => {
    expect(() => lineChart({ title: 't', yLabel: 'loss', series: [{ name: 'training', values: [0.5, NaN] }] })).toThrow('series "training" has NaN at epoch 2');
  });
});

describe('decisionBoundary', () => {
  it("colours each cell as the model predicts at the cell's centre, with the points on top", async () => {
    await tf.ready();
    tf.setSeed(11);
    // A small tanh network with large random weights: a curved boundary, probabilities across (0, 1).
    const init = tf.initializers.randomNormal({ stddev: 2 });
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [2], kernelInitializer: init }),
        tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: init }),
      ],
    });
    const points = [
      { x: -1.5, y: 0.5, label: 0 },
      { x: 1.25, y: -1.75, label: 1 },
      { x: 3, y: 0, label: 1 }, // off the plane: left out
    ];
    const resolution = 40;
    const svg = decisionBoundary({ title: 'boundary', xLabel: 'x1', yLabel: 'x2', x: [-2, 2], y: [-2, 2], resolution, points, predict: (grid) => model.predict(tf.tensor2d(grid)).dataSync() });
    expect(wellFormedProblems(svg)).toEqual([]);
    expectInside(svg);

    // The cells tile the frame: their areas add up to it (fillAt below finds exactly one cell under each pixel).
    const frame = elements(svg, 'rect').find((r) => r.class === 'frame')!;
    const [left, top, size] = [Number(frame.x), Number(frame.y), Number(frame.width)];
    expect(cells(svg).reduce((sum, c) => sum + c.width * c.height, 0)).toBeCloseTo(size * size, 6);
    const cell = size / resolution;
    expect(new Set(cells(svg).map((c) => c.height))).toEqual(new Set([cell]));

    const x = axisMap(svg, 'x');
    const y = axisMap(svg, 'y');
    const seen = new Set<boolean>();
    for (let row = 1; row < resolution; row += 6) {
      for (let col = 2; col < resolution; col += 7) {
        const [px, py] = [left + (col + 0.5) * cell, top + (row + 0.5) * cell];
        const centre = [-2 + ((col + 0.5) / resolution) * 4, 2 - ((row + 0.5) / resolution) * 4];
        // The axes put the cell's centre where the grid does.
        expect(x.toData(px)).toBeCloseTo(centre[0], 3);
        expect(y.toData(py)).toBeCloseTo(centre[1], 3);
        const p = model.predict(tf.tensor2d([centre])).dataSync()[0];
        expect(fillAt(svg, px, py), `cell (${col}, ${row}), p = ${p}`).toBe(probabilityColor(p));
        seen.add(p > 0.5);
      }
    }
    expect(seen).toEqual(new Set([true, false])); // the sample saw both sides of the boundary

    const circles = elements(svg, 'circle');
    expect(circles).toHaveLength(2);
    circles.forEach((c, i) => {
      expect(x.toData(Number(c.cx))).toBeCloseTo(points[i].x, 2);
      expect(y.toData(Number(c.cy))).toBeCloseTo(points[i].y, 2);
    });
    expect(circles[0].fill).not.toBe(circles[1].fill);
  });

  it('shades by probability: white at 0.5, one colour per class, in steps of 0.1', () => {
    expect(probabilityColor(0.5)).toBe('#ffffff');
    expect(probabilityColor(0.46)).toBe('#ffffff');
    expect(probabilityColor(0.04)).toBe(probabilityColor(0));
    expect(probabilityColor(0.96)).toBe(probabilityColor(1));
    const shades = Array.from({ length: 11 }, (_, i) => probabilityColor(i / 10));
    expect(new Set(shades).size).toBe(11);
  });
});
