// The classic TF.js MNIST CNN against TF.js as a whole model (issue 11): from the same weights, a few Adam
// steps on real digits leave every weight where TF.js's cpu backend leaves them; a CNN trained by neurite
// predicts the same in TF.js once saved, and one made by TF.js predicts the same in neurite.

import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { loadMnist } from '../examples/data.js';
import * as tf from '../src/index.js';
import { artifactsOf } from './layers/conformance.js';
import { mnistCnn } from './mnist-cnn.js';
import { reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

/** `rows` real digits and their one-hot labels. */
function digits(rows: number): { x: Float32Array; y: Float32Array } {
  const { train } = loadMnist();
  const y = new Float32Array(rows * 10);
  for (let i = 0; i < rows; i++) y[i * 10 + train.labels[i]] = 1;
  return { x: train.x.slice(0, rows * 784), y };
}

describe('the TF.js MNIST CNN against TF.js', () => {
  onBackend('wasm');

  it('three Adam steps from the same weights leave every weight where TF.js leaves them', async () => {
    const ref = await reference();
    const ours = mnistCnn(tf);
    const theirs = mnistCnn(ref) as unknown as tfjs.Sequential;
    const values = ours.weights.map((w, i) => randomData(w.size, 40 + i, -0.2, 0.2));
    tf.tidy(() => ours.setWeights(values.map((v, i) => tf.tensor(v, ours.weights[i].shape))));
    ref.tidy(() => theirs.setWeights(values.map((v, i) => ref.tensor(v, theirs.weights[i].shape as number[]))));
    const { x, y } = digits(8);
    const [xs, ys] = [tf.tensor4d(x, [8, 28, 28, 1]), tf.tensor2d(y, [8, 10])];
    const [rx, ry] = [ref.tensor4d(x, [8, 28, 28, 1]), ref.tensor2d(y, [8, 10])];
    for (let step = 0; step < 3; step++) {
      const [mine, expected] = [await ours.trainOnBatch(xs, ys), await theirs.trainOnBatch(rx, ry)];
      expect(mine as number, `loss of step ${step + 1}`).toBeCloseTo(expected as number, 4);
    }
    ours.weights.forEach((w, i) => expectClose(w.read().dataSync(), theirs.weights[i].read().dataSync(), { atol: 1e-4, rtol: 1e-4 }, `${w.name} after three steps`));
    tf.dispose([xs, ys]);
    ref.dispose([rx, ry]);
    ours.dispose();
    theirs.dispose();
  }, 60_000);

  it('a CNN trained by neurite predicts the same in TF.js, and one made by TF.js the same in neurite', async () => {
    const ref = await reference();
    tf.setSeed(5);
    const trained = mnistCnn(tf);
    const { x, y } = digits(256);
    const [xs, ys] = [tf.tensor4d(x, [256, 28, 28, 1]), tf.tensor2d(y, [256, 10])];
    await trained.fit(xs, ys, { epochs: 1, batchSize: 32 });
    const test = x.subarray(0, 64 * 784);
    const predicted = (model: tf.LayersModel) => tf.tidy(() => (model.predict(tf.tensor4d(test, [64, 28, 28, 1])) as tf.Tensor).dataSync());
    const predictedByTfjs = (model: tfjs.LayersModel) => ref.tidy(() => (model.predict(ref.tensor4d(test, [64, 28, 28, 1])) as tfjs.Tensor).dataSync());

    const inTfjs = await ref.loadLayersModel(ref.io.fromMemory(await artifactsOf(trained, tf.io)));
    expectClose(predictedByTfjs(inTfjs), predicted(trained), { atol: 1e-4, rtol: 1e-4 }, "neurite's CNN in TF.js");

    const made = mnistCnn(ref) as unknown as tfjs.Sequential;
    const inNeurite = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(made, ref.io)));
    expectClose(predicted(inNeurite), predictedByTfjs(made), { atol: 1e-4, rtol: 1e-4 }, "TF.js's CNN in neurite");

    tf.dispose([xs, ys]);
    [inTfjs, made].forEach((m) => m.dispose());
    [trained, inNeurite].forEach((m) => m.dispose());
  }, 60_000);
});
