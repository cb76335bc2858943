// tf.layers.embedding against TF.js 4.22: the conformance helper (shapes, weights, values, config and save /
// load both ways, the table's gradient, SGD steps, the js twin) on indices; TF.js's defaults, shapes and
// casts; and an index outside [0, inputDim), refused with an Error naming the layer wherever the layer runs:
// layer.apply, tf.grad, predict, evaluate, trainOnBatch, and fit at the very batch that holds it, whose
// recorded step is replayed (the check is made of kernels), the model left as it was and usable after.

import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { artifactsOf, expectConformance, type LayerCase } from './layers/conformance.js';
import { reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

type Lib = typeof tf | typeof tfjs;
const L = (lib: Lib) => lib.layers as unknown as Record<string, (args?: object) => tf.Layer>;

/** `size` indices in [0, n), drawn by `seed`. */
const indices = (n: number) => (size: number, seed: number) => Array.from(randomData(size, seed, 0, n), Math.floor);

const CASES: LayerCase[] = [
  { name: 'embedding', inputShape: [5], make: (lib, base) => L(lib).embedding({ inputDim: 7, outputDim: 3, ...base }), input: indices(7), noInputGradient: 'its input holds indices' },
  {
    name: 'embedding with maskZero and inputLength',
    inputShape: [4],
    make: (lib, base) => L(lib).embedding({ inputDim: 11, outputDim: 4, maskZero: true, inputLength: 4, ...base }),
    input: indices(11),
    noInputGradient: 'its input holds indices',
  },
  {
    name: 'embedding of rank-3 indices',
    inputShape: [2, 3],
    make: (lib, base) => L(lib).embedding({ inputDim: 6, outputDim: 2, inputLength: [2, 3], ...base }),
    input: indices(6),
    noInputGradient: 'its input holds indices',
  },
  {
    name: 'embedding with a regularizer',
    inputShape: [3],
    make: (lib, base) => L(lib).embedding({ inputDim: 5, outputDim: 2, embeddingsRegularizer: 'l1l2', ...base }),
    input: indices(5),
    noInputGradient: 'its input holds indices',
  },
  {
    name: 'embedding with a constraint',
    inputShape: [3],
    make: (lib, base) => L(lib).embedding({ inputDim: 5, outputDim: 2, embeddingsConstraint: 'unitNorm', ...base }),
    input: indices(5),
    noInputGradient: 'its input holds indices',
    lossOnly: 'TF.js applies no constraint in fit',
  },
];

describe('embedding conformance', () => {
  onBackend('wasm');
  for (const c of CASES) it(c.name, () => expectConformance(c));
});

describe('embedding, as TF.js makes it', () => {
  onBackend('wasm');

  it("saves the same config as TF.js's, and infers the same input and output shapes", async () => {
    const ref = await reference();
    const variants: object[] = [
      { inputDim: 9, outputDim: 4 },
      { inputDim: 9, outputDim: 4, maskZero: true, inputLength: 6 },
      { inputDim: 9, outputDim: 4, inputLength: [2, null] },
      { inputDim: 9, outputDim: 4, inputShape: [3], embeddingsInitializer: 'glorotNormal', embeddingsRegularizer: 'l1l2', embeddingsConstraint: 'nonNeg' },
    ];
    for (const args of variants) {
      const [ours, theirs] = [tf, ref].map((lib) => (lib as typeof tf).sequential({ layers: [L(lib).embedding({ name: 'emb', ...args }) as tf.Layer] }));
      try {
        const label = JSON.stringify(args);
        expect(ours.inputs[0].shape, `${label}: input shape`).toEqual(theirs.inputs[0].shape);
        expect(ours.outputShape, `${label}: output shape`).toEqual(theirs.outputShape);
        const config = async (m: unknown, io: typeof tf.io) => {
          const topology = (await artifactsOf(m as tf.LayersModel, io)).modelTopology as { config: { layers: Array<{ config: Record<string, unknown> }> } };
          return topology.config.layers[0].config;
        };
        // TF.js writes null for maskZero not given, neurite its default (as Keras); neurite states the first layer's dtype.
        const theirConfig = await config(theirs, ref.io as never);
        expect(await config(ours, tf.io), label).toEqual({ ...theirConfig, mask_zero: theirConfig.mask_zero ?? false, dtype: 'float32' });
      } finally {
        ours.dispose();
        theirs.dispose();
      }
    }
  });

  it('loads and saves a model of int32 input (tf.input dtype int32, as Keras text models declare it) both ways', async () => {
    const ref = await reference();
    const make = (lib: Lib) => {
      const input = (lib as typeof tf).input({ shape: [4], dtype: 'int32' });
      const pooled = L(lib).globalAveragePooling1d({}).apply(L(lib).embedding({ inputDim: 6, outputDim: 3, maskZero: true }).apply(input) as tf.SymbolicTensor);
      return (lib as typeof tf).model({ inputs: input, outputs: L(lib).dense({ units: 2 }).apply(pooled as tf.SymbolicTensor) as tf.SymbolicTensor });
    };
    const x = [1, 2, 0, 0, 5, 4, 3, 0];
    const predicted = (lib: Lib, model: tf.LayersModel) => (lib as typeof tf).tidy(() => Array.from((model.predict((lib as typeof tf).tensor2d(x, [2, 4], 'int32')) as tf.Tensor).dataSync()));
    const theirs = make(ref);
    const ours = make(tf);
    expect(ours.inputs[0].dtype).toBe('int32');
    const fromTheirs = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(theirs, ref.io as never)));
    expectClose(predicted(tf, fromTheirs), predicted(ref, theirs), { atol: 1e-6 }, "TF.js's file in neurite");
    const fromOurs = await ref.loadLayersModel(ref.io.fromMemory((await artifactsOf(ours, tf.io)) as never));
    expect(fromOurs.inputs[0].dtype).toBe('int32');
    expectClose(predicted(ref, fromOurs as never), predicted(tf, ours), { atol: 1e-6 }, "neurite's file in TF.js");
    [theirs, fromOurs].forEach((m) => m.dispose());
    [ours, fromTheirs].forEach((m) => m.dispose());
  });

  it('makes a model without inputLength that takes sequences of any length, in predict, fit and evaluate', async () => {
    const ref = await reference();
    const make = (lib: Lib) => (lib as typeof tf).sequential({ layers: [L(lib).embedding({ inputDim: 5, outputDim: 2 }) as tf.Layer, L(lib).dense({ units: 1 }) as tf.Layer] });
    const [ours, theirs] = [make(tf), make(ref)];
    expect(ours.outputShape).toEqual([null, null, 1]);
    tf.tidy(() => ours.setWeights(theirs.getWeights().map((w) => tf.tensor(w.dataSync(), w.shape))));
    for (const length of [3, 6]) {
      const x = Array.from({ length: 2 * length }, (_, i) => i % 5);
      const [a, b] = [tf.tidy(() => ours.predict(tf.tensor2d(x, [2, length]))), ref.tidy(() => (theirs as unknown as tfjs.Sequential).predict(ref.tensor2d(x, [2, length])) as tfjs.Tensor)];
      expect(a.shape).toEqual([2, length, 1]);
      expectClose(a.dataSync(), b.dataSync(), { atol: 1e-6 }, `length ${length}`);
      tf.dispose(a);
      b.dispose();
    }
    ours.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const [x, y] = [tf.tensor2d([1, 2, 3, 4], [1, 4]), tf.ones([1, 4, 1])];
    const history = await ours.fit(x, y, { epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    tf.dispose([ours.evaluate(x, y), x, y]);
    ours.dispose();
    theirs.dispose();
  });

  it("draws the table from TF.js's default, randomUniform in [-0.05, 0.05]", () => {
    const layer = tf.layers.embedding({ inputDim: 50, outputDim: 20 });
    tf.tidy(() => {
      layer.apply(tf.tensor2d([[1]]));
    });
    const table = layer.getWeights()[0].dataSync();
    expect(layer.weights.map((w) => [w.name.replace(/_\d+$/, ''), w.shape])).toEqual([[`${layer.name}/embeddings`, [50, 20]]]);
    expect(Math.max(...table)).toBeLessThanOrEqual(0.05);
    expect(Math.min(...table)).toBeGreaterThanOrEqual(-0.05);
    expect(Math.max(...table) - Math.min(...table)).toBeGreaterThan(0.09);
    layer.dispose();
  });

  it('takes float32 and int32 indices, truncating fractions toward zero as TF.js casts them', async () => {
    const ref = await reference();
    const table = randomData(6 * 3, 3);
    const values = [0, 5, 2.7, -0.5, 4.99, 1];
    const run = (lib: Lib, dtype: 'float32' | 'int32', given: number[]) =>
      (lib as typeof tf).tidy(() => {
        const layer = L(lib).embedding({ inputDim: 6, outputDim: 3, embeddingsInitializer: 'zeros' }) as tf.Layer;
        const x = (lib as typeof tf).tensor2d(given, [2, 3], dtype);
        layer.apply(x);
        layer.setWeights([(lib as typeof tf).tensor2d(table, [6, 3])]);
        const out = Array.from((layer.apply(x) as tf.Tensor).dataSync());
        layer.dispose();
        return out;
      });
    const expected = run(ref, 'float32', values);
    expectClose(run(tf, 'float32', values), expected, { atol: 0 }, 'float32 indices');
    expectClose(run(tf, 'int32', values.map(Math.trunc)), expected, { atol: 0 }, 'int32 indices');
  });

  it('accepts inputs of any length and rank, as TF.js (it sets no input spec)', () => {
    const layer = tf.layers.embedding({ inputDim: 4, outputDim: 2 });
    tf.tidy(() => {
      expect((layer.apply(tf.zeros([2, 3])) as tf.Tensor).shape).toEqual([2, 3, 2]);
      expect((layer.apply(tf.zeros([1, 7])) as tf.Tensor).shape).toEqual([1, 7, 2]);
      expect((layer.apply(tf.zeros([1, 2, 2])) as tf.Tensor).shape).toEqual([1, 2, 2, 2]);
    });
    layer.dispose();
  });

  it('trains as TF.js over many replayed steps (repeated indices in a batch), on both backends', async () => {
    const ref = await reference();
    const make = (lib: Lib) => (lib as typeof tf).sequential({ layers: [L(lib).embedding({ inputDim: 8, outputDim: 3, inputLength: 4 }) as tf.Layer, L(lib).flatten() as tf.Layer, L(lib).dense({ units: 2 }) as tf.Layer] });
    const x = [1, 1, 2, 7, 0, 3, 3, 3, 5, 6, 1, 0, 7, 7, 2, 4, 2, 2, 2, 2, 6, 5, 4, 3];
    const y = Array.from(randomData(12, 17));
    const train = async (lib: Lib, model: tf.LayersModel) => {
      const values = model.weights.map((w, i) => randomData(w.shape.reduce((a, b) => a * b, 1), 60 + i, -0.5, 0.5));
      (lib as typeof tf).tidy(() => model.setWeights(values.map((v, i) => (lib as typeof tf).tensor(v, model.weights[i].shape))));
      model.compile({ optimizer: (lib as typeof tf).train.adam(0.05), loss: 'meanSquaredError' });
      const [xs, ys] = [(lib as typeof tf).tensor2d(x, [6, 4], lib === tf ? 'int32' : 'float32'), (lib as typeof tf).tensor2d(y, [6, 2])];
      await model.fit(xs, ys, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 });
      (lib as typeof tf).dispose([xs, ys]);
      return model.weights.map((w) => Array.from(w.read().dataSync()));
    };
    const theirs = make(ref);
    const expected = await train(ref, theirs);
    theirs.dispose();
    for (const backend of ['wasm', 'js'] as const) {
      await tf.setBackend(backend);
      const ours = make(tf);
      (await train(tf, ours)).forEach((w, i) => expectClose(w, expected[i], { atol: 1e-4, rtol: 1e-4 }, `${backend}: weight ${i}`));
      ours.dispose();
    }
    await tf.setBackend('wasm');
  });

  it("learns in a model of int32 inputs on both backends, and the js twin gives the wasm build's numbers", async () => {
    const losses: number[][] = [];
    for (const backend of ['wasm', 'js'] as const) {
      await tf.setBackend(backend);
      tf.setSeed(5);
      const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 1 })] });
      model.compile({ optimizer: tf.train.adam(0.05), loss: 'meanSquaredError' });
      const x = tf.tensor2d(Array.from({ length: 30 }, (_, i) => (i * 7) % 10), [10, 3], 'int32');
      const y = tf.tensor2d(Array.from({ length: 10 }, (_, i) => i % 2), [10, 1]);
      const history = await model.fit(x, y, { epochs: 20, batchSize: 4, shuffle: false, verbose: 0 });
      losses.push(history.history.loss as number[]);
      tf.dispose([x, y]);
      model.dispose();
    }
    await tf.setBackend('wasm');
    expect(losses[0].at(-1)!).toBeLessThan(losses[0][0] / 4);
    expectClose(losses[1], losses[0], { atol: 1e-5, rtol: 1e-4 }, 'js twin');
  });
});

describe('embedding arguments', () => {
  onBackend('wasm');

  it('refuses bad arguments naming the layer and the argument', () => {
    const bad: Array<[object, RegExp]> = [
      [{ outputDim: 2 }, /^embedding: inputDim is required/],
      [{ inputDim: 0, outputDim: 2 }, /^embedding: inputDim must be an integer >= 1, got 0/],
      [{ inputDim: 2.5, outputDim: 2 }, /^embedding: inputDim must be an integer >= 1, got 2\.5/],
      [{ inputDim: 3 }, /^embedding: outputDim is required/],
      [{ inputDim: 3, outputDim: -1 }, /^embedding: outputDim must be an integer >= 1, got -1/],
      [{ inputDim: 3, outputDim: 2, inputLength: 0 }, /^embedding: inputLength must be a positive integer or an array of them/],
      [{ inputDim: 3, outputDim: 2, inputLength: [2, 'a'] }, /^embedding: inputLength must be/],
      [{ inputDim: 3, outputDim: 2, maskZero: 1 }, /^embedding: maskZero must be true or false/],
      [{ inputDim: 3, outputDim: 2, activityRegularizer: 'l2' }, /^embedding: activityRegularizer is not supported yet/],
      [{ inputDim: 3, outputDim: 2, embeddingsInitializer: 'nope' }, /^embedding: embeddingsInitializer/],
      [{ inputDim: 3, outputDim: 2, outputdim: 2 }, /^embedding: unknown option "outputdim" \(did you mean "outputDim"\?\)/],
    ];
    for (const [args, message] of bad) expect(() => tf.layers.embedding(args as never), JSON.stringify(args)).toThrow(message);
  });

  it('refuses an input that does not fit inputLength, and a bool input', () => {
    const layer = tf.layers.embedding({ inputDim: 3, outputDim: 2, inputLength: 4 });
    const x = tf.zeros([2, 5]);
    expect(() => layer.apply(x)).toThrow(/^embedding: layer embedding_Embedding\d+ has inputLength 4, but its input has shape \[2, 5\]/);
    expect(() => layer.apply(tf.input({ shape: [5] }))).toThrow(/inputLength 4, but its input has shape \[null, 5\]/);
    const flags = tf.tensor2d([[1, 0]], [1, 2], 'bool');
    expect(() => layer.apply(flags)).toThrow(/^embedding_Embedding\d+\.apply: inputs must have dtype float32 or int32, got bool/);
    tf.dispose([x, flags]);
    layer.dispose();
  });
});

describe('an index outside [0, inputDim)', () => {
  onBackend('wasm');
  const outside = (value: string, dim = 10) => new RegExp(`embedding: layer \\w+: index ${value} is outside \\[0, ${dim}\\) \\(its inputDim\\)`);

  it('is refused by layer.apply and inside tf.grad, also as NaN, negative or fractional', () => {
    const layer = tf.layers.embedding({ inputDim: 10, outputDim: 3 });
    tf.tidy(() => {
      layer.apply(tf.zeros([1, 1]));
    });
    for (const [value, text] of [[12, '12'], [10, '10'], [-1, '-1'], [10.5, '10\\.5'], [-1.5, '-1\\.5'], [NaN, 'NaN'], [Infinity, 'Infinity']] as const) {
      const x = tf.tensor2d([[1, value, 3]]);
      expect(() => layer.apply(x), `${value}`).toThrow(outside(text));
      x.dispose();
    }
    const x = tf.tensor2d([[1, 2], [3, 12]], [2, 2], 'int32');
    expect(() => layer.apply(x)).toThrow(outside('12'));
    const table = layer.weights[0];
    expect(() => tf.variableGrads(() => tf.sum(layer.apply(x) as tf.Tensor), [table])).toThrow(outside('12'));
    expect(() => tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, tf.tensor1d([1, 12], 'int32'))))(table)).toThrow(/^gather: indices\[1\] = 12 is out of range/);
    x.dispose();
    layer.dispose();
  });

  /** A model with an embedding, x of 8 samples (the third batch of 2 holds index `bad` when given), y, and its weights. */
  function setUp(bad?: number) {
    tf.setSeed(1);
    const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 10, outputDim: 3, inputLength: 2 }), tf.layers.flatten(), tf.layers.batchNormalization(), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 3, 5, 7, 9, 2];
    if (bad !== undefined) values[9] = bad;
    const x = tf.tensor2d(values, [8, 2]);
    const y = tf.tensor2d([0, 1, 0, 1, 1, 0, 1, 0], [8, 1]);
    return { model, x, y };
  }
  const snapshot = (model: tf.LayersModel) => model.getWeights().map((w) => Array.from(w.dataSync()));

  it('stops fit at the batch that holds it, a replay of the recorded step, with the weights as they were before it', async () => {
    for (const backend of ['wasm', 'js'] as const) {
      await tf.setBackend(backend);
      // The weights after the two good batches, from a run on good data.
      const good = setUp();
      const firstTwo = tf.tensor2d(good.x.dataSync().slice(0, 8) as Float32Array, [4, 2]);
      const firstTwoY = tf.tensor2d(good.y.dataSync().slice(0, 4) as Float32Array, [4, 1]);
      await good.model.fit(firstTwo, firstTwoY, { batchSize: 2, shuffle: false, verbose: 0 });
      const expected = snapshot(good.model);

      const { model, x, y } = setUp(12);
      await expect(model.fit(x, y, { batchSize: 2, shuffle: false, verbose: 0 })).rejects.toThrow(
        /^fit: at epoch 1, batch 2, embedding: layer \w+: index 12 is outside \[0, 10\) \(its inputDim\); the weights are as they were before this batch, the non-trainable ones \(moving statistics\) as they were 2 steps before it$/,
      );
      // The trainable weights as after the two batches; the moving statistics as before them (the checkpoint).
      const after = snapshot(model);
      const trainable = model.trainableWeights.length;
      after.slice(0, trainable).forEach((w, i) => expectClose(w, expected[i], { atol: 0 }, `${backend}: weight ${i}`));

      // Still usable: evaluate refuses the bad sample, fit and predict work on good data.
      expect(() => model.evaluate(x, y)).toThrow(outside('12'));
      expect(() => model.predict(x)).toThrow(outside('12'));
      await expect(model.trainOnBatch(x, y)).rejects.toThrow(/^trainOnBatch: embedding: layer \w+: index 12 is outside \[0, 10\)/);
      const fixed = tf.tensor2d(Array.from(x.dataSync(), (v) => (v === 12 ? 2 : v)), [8, 2]);
      const history = await model.fit(fixed, y, { batchSize: 2, epochs: 3, verbose: 0 });
      expect((history.history.loss as number[]).every(Number.isFinite)).toBe(true);
      tf.dispose([model.predict(fixed), fixed, x, y, good.x, good.y, firstTwo, firstTwoY]);
      model.dispose();
      good.model.dispose();
    }
    await tf.setBackend('wasm');
  });

  it('stops fitDataset and fit with validation data alike', async () => {
    const { model, x, y } = setUp(-3);
    const [rows, labels] = [tf.unstack(x), tf.unstack(y)];
    const dataset = tf.data.zip({ xs: tf.data.array(rows), ys: tf.data.array(labels) }).batch(2);
    await expect(model.fitDataset(dataset, { epochs: 1, verbose: 0 })).rejects.toThrow(/^fitDataset: at epoch 1, batch 2, embedding: layer \w+: index -3 is outside \[0, 10\)/);
    tf.dispose([rows, labels]);
    const good = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const goodY = tf.tensor2d([0, 1], [2, 1]);
    await expect(model.fit(good, goodY, { validationData: [x, y], verbose: 0 })).rejects.toThrow(outside('-3'));
    tf.dispose([x, y, good, goodY]);
    model.dispose();
  });
});
