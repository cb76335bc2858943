// Sequential models against TF.js: pop (shapes, weights and predictions, then training), and layers and models
// shared between Sequential models (training one changes the other's predictions as in TF.js; the shared
// weights are freed once, with the last model holding them). Each on both backends.

import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../../src/index.js';
import { reference } from '../reference.js';
import { expectClose, onBackend, randomData } from '../support.js';

type Lib = typeof tf;

/** Our model given TF.js's model's weights. */
function copyWeights(ours: tf.LayersModel, theirs: tfjs.LayersModel): void {
  const weights = theirs.getWeights().map((w) => tf.tensor(w.dataSync() as Float32Array, w.shape));
  ours.setWeights(weights);
  tf.dispose(weights);
}

/** A model's predictions for x in either library, as plain values (the tensors freed). */
function predicted(lib: Lib | typeof tfjs, model: tf.LayersModel | tfjs.LayersModel, x: Float32Array, shape: number[]): Float32Array {
  const xs = (lib as Lib).tensor(x, shape);
  const ys = (model as tf.LayersModel).predict(xs) as tf.Tensor;
  const values = ys.dataSync() as Float32Array;
  (lib as Lib).dispose([xs, ys]);
  return values;
}

/** Trains a model for a few full-batch sgd epochs in either library and returns the losses. */
async function trained(lib: Lib | typeof tfjs, model: tf.LayersModel | tfjs.LayersModel, x: Float32Array, xShape: number[], y: Float32Array, yShape: number[]): Promise<number[]> {
  const l = lib as Lib;
  const m = model as tf.LayersModel;
  m.compile({ optimizer: l.train.sgd(0.1), loss: 'meanSquaredError' });
  const [xs, ys] = [l.tensor(x, xShape), l.tensor(y, yShape)];
  const history = await m.fit(xs, ys, { epochs: 3, batchSize: xShape[0], shuffle: false, verbose: 0 });
  l.dispose([xs, ys]);
  return history.history.loss as number[];
}

describe.each(['wasm', 'js'] as const)('Sequential models on %s', (backend) => {
  onBackend(backend);

  const stack = (lib: Lib) =>
    lib.sequential({
      layers: [
        lib.layers.dense({ units: 3, activation: 'tanh', inputShape: [2], name: 'a' }),
        lib.layers.dense({ units: 4, activation: 'relu', name: 'b' }),
        lib.layers.dense({ units: 2, name: 'c' }),
      ],
    });

  it("pop removes the last layer: layers, shapes, weights and predictions as TF.js's, and the model trains on", async () => {
    const ref = await reference();
    const theirs = stack(ref as unknown as Lib) as unknown as tfjs.Sequential;
    const ours = stack(tf);
    copyWeights(ours, theirs);
    const popped = ours.layers[2];
    const x = randomData(5 * 2, 1);
    // Ours has predicted before it pops. (TF.js's pop leaves the model its first predict built as it was: its
    // predictions would still come from the popped layer, so TF.js pops before predicting.)
    expect(predicted(tf, ours, x, [5, 2]).length).toBe(10);
    ours.pop();
    theirs.pop();
    expect(ours.layers.map((l) => l.name)).toEqual(['a', 'b']);
    expect(ours.outputs.map((t) => t.shape)).toEqual(theirs.outputs.map((t) => t.shape));
    expect(ours.outputShape).toEqual(theirs.outputShape);
    expect(ours.getWeights().map((w) => w.shape)).toEqual(theirs.getWeights().map((w) => w.shape));
    expectClose(predicted(tf, ours, x, [5, 2]), predicted(ref, theirs, x, [5, 2]));
    const y = randomData(5 * 4, 2);
    const [mine, expected] = [await trained(tf, ours, x, [5, 2], y, [5, 4]), await trained(ref, theirs, x, [5, 2], y, [5, 4])];
    expectClose(mine, expected, { atol: 1e-6, rtol: 1e-5 });
    expectClose(predicted(tf, ours, x, [5, 2]), predicted(ref, theirs, x, [5, 2]), { atol: 1e-6, rtol: 1e-5 });
    ours.dispose();
    popped.dispose();
    theirs.dispose();
  });

  it('the popped layer is not disposed: it keeps its weights and works in another model; its optimizer state is let go', async () => {
    const model = stack(tf);
    const x = tf.tensor2d(randomData(3 * 2, 3), [3, 2]);
    const y = tf.zeros([3, 2]);
    model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    const whole = tf.tidy(() => model.predict(x).dataSync());
    const last = model.layers[2];
    const kept = last.getWeights().map((w) => w.dataSync().slice());
    model.pop();
    expect(last.getWeights().map((w) => w.dataSync())).toEqual(kept);
    const head = tf.sequential({ layers: [last] });
    const hidden = model.predict(x);
    expect(tf.tidy(() => head.predict(hidden).dataSync())).toEqual(whole);
    tf.dispose([x, y, hidden]);
    model.dispose();
    head.dispose(); // the last to hold the layer: its weights are freed (the memory check after each test)
    expect(last.weights).toEqual([]);
  });

  it('pop on an empty model throws; a model popped empty takes layers again', () => {
    expect(() => tf.sequential().pop()).toThrow(/^pop: there are no layers in the model$/);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    const first = model.layers[0];
    model.pop();
    expect([model.layers, model.outputs, model.inputs]).toEqual([[], [], []]);
    expect(() => model.pop()).toThrow(/^pop: there are no layers in the model$/);
    expect(() => tf.tidy(() => model.predict(tf.zeros([1, 3])))).toThrow(/the model has no layers/);
    model.add(tf.layers.dense({ units: 1, inputShape: [4], kernelInitializer: 'ones' }));
    const y = tf.tidy(() => model.predict(tf.ones([2, 4])).dataSync());
    expect(Array.from(y)).toEqual([4, 4]);
    model.dispose();
    first.dispose();
  });

  it('an InputLayer first stays the input when the layer after it is popped', () => {
    const model = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [3] }), tf.layers.dense({ units: 2 }), tf.layers.dense({ units: 5 })] });
    const popped = model.layers.slice(1);
    model.pop();
    expect(model.outputShape).toEqual([null, 2]);
    expect(model.inputs[0].sourceLayer).toBe(model.layers[0]);
    model.pop();
    model.add(tf.layers.dense({ units: 1, kernelInitializer: 'ones', useBias: false }));
    expect(tf.tidy(() => Array.from(model.predict(tf.ones([1, 3])).dataSync()))).toEqual([3]);
    model.dispose();
    for (const layer of popped) layer.dispose();
  });

  /** An autoencoder and its encoder, sharing the encoder's layer, in either library. */
  const autoencoder = (lib: Lib) => {
    const encoding = lib.layers.dense({ units: 2, activation: 'tanh', inputShape: [4], name: 'encoding' });
    const whole = lib.sequential({ layers: [encoding, lib.layers.dense({ units: 4, name: 'decoding' })] });
    return { whole, encoder: lib.sequential({ layers: [encoding] }), encoding };
  };

  it("a layer in two models (an autoencoder's encoder): training one changes the other's predictions as in TF.js; the weights are freed once, with the last", async () => {
    const ref = await reference();
    const theirs = autoencoder(ref as unknown as Lib);
    const ours = autoencoder(tf);
    copyWeights(ours.whole, theirs.whole as unknown as tfjs.LayersModel);
    const x = randomData(6 * 4, 4);
    const before = predicted(tf, ours.encoder, x, [6, 4]);
    expectClose(before, predicted(ref, theirs.encoder as unknown as tfjs.LayersModel, x, [6, 4]));
    const mine = await trained(tf, ours.whole, x, [6, 4], x, [6, 4]);
    expectClose(mine, await trained(ref, theirs.whole as unknown as tfjs.LayersModel, x, [6, 4], x, [6, 4]));
    const after = predicted(tf, ours.encoder, x, [6, 4]);
    expect(after).not.toEqual(before);
    expectClose(after, predicted(ref, theirs.encoder as unknown as tfjs.LayersModel, x, [6, 4]));
    // Disposing the autoencoder frees the decoder's weights alone: the encoder predicts on.
    const held = tf.memory().numTensors;
    ours.whole.dispose();
    expect(tf.memory().numTensors).toBe(held - 2);
    expect(predicted(tf, ours.encoder, x, [6, 4])).toEqual(after);
    ours.encoder.dispose();
    expect(tf.memory().numTensors).toBe(held - 4);
    expect(ours.encoding.weights).toEqual([]);
    theirs.whole.dispose();
  });

  /** A base model under two heads, in either library. */
  const twoHeads = (lib: Lib) => {
    const base = lib.sequential({ layers: [lib.layers.dense({ units: 3, activation: 'tanh', inputShape: [2], name: 'base' })] });
    const one = lib.sequential({ layers: [base, lib.layers.dense({ units: 1, name: 'one' })] });
    const two = lib.sequential({ layers: [base, lib.layers.dense({ units: 2, name: 'two' })] });
    return { base, one, two };
  };

  it("a model under two heads: training one head changes the other's predictions as in TF.js; the base is freed with the last head", async () => {
    const ref = await reference();
    const theirs = twoHeads(ref as unknown as Lib) as unknown as Record<'base' | 'one' | 'two', tfjs.LayersModel>;
    const ours = twoHeads(tf);
    copyWeights(ours.one, theirs.one);
    copyWeights(ours.two, theirs.two);
    const x = randomData(4 * 2, 5);
    const before = predicted(tf, ours.two, x, [4, 2]);
    expectClose(before, predicted(ref, theirs.two, x, [4, 2]));
    const y = randomData(4, 6);
    expectClose(await trained(tf, ours.one, x, [4, 2], y, [4, 1]), await trained(ref, theirs.one, x, [4, 2], y, [4, 1]));
    const after = predicted(tf, ours.two, x, [4, 2]);
    expect(after).not.toEqual(before);
    expectClose(after, predicted(ref, theirs.two, x, [4, 2]));
    const held = tf.memory().numTensors;
    ours.one.dispose();
    expect(ours.base.isDisposed).toBe(false);
    expect(tf.memory().numTensors).toBe(held - 2);
    expect(predicted(tf, ours.two, x, [4, 2])).toEqual(after);
    ours.two.dispose();
    expect(ours.base.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(held - 6);
    theirs.two.dispose();
  });

  it("two heads training with one optimizer: disposing one head, or compiling it anew, keeps the shared base's optimizer state", async () => {
    const base = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], name: 'shared' })] });
    const heads = [1, 2].map((i) => tf.sequential({ layers: [base, tf.layers.dense({ units: 1, name: `head${i}` })] }));
    const optimizer = tf.train.adam(0.1);
    heads.forEach((h) => h.compile({ optimizer, loss: 'meanSquaredError' }));
    const [x, y] = [tf.ones([4, 2]), tf.ones([4, 1])];
    for (const h of heads) await h.fit(x, y, { epochs: 1, verbose: 0 });
    /** The optimizer's state entries by name, freed at once. */
    const stateNames = async () => {
      const weights = await optimizer.getWeights();
      tf.dispose(weights.map((w) => w.tensor));
      return weights.map((w) => w.name);
    };
    expect(await stateNames()).toEqual(expect.arrayContaining(['shared/kernel/m', 'head1/kernel/m', 'head2/kernel/m']));
    heads[0].compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    heads[0].dispose();
    const left = await stateNames();
    expect(left).toEqual(expect.arrayContaining(['shared/kernel/m', 'shared/bias/v', 'head2/kernel/m']));
    expect(left).not.toContain('head1/kernel/m');
    heads[1].dispose();
    expect(await stateNames()).toEqual(['iter']);
    tf.dispose([x, y]);
    optimizer.dispose();
  });
});
