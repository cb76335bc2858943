// fit({ classWeight }): each sample's loss scaled by its class's weight, as TF.js computes it (the mean of the
// weighted per-sample losses), for one-hot, sparse and single-output targets, on both backends; fitDataset too.

import * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

const ROWS = 12;
const xv = randomData(ROWS * 4, 51, -1, 1);
const kernel = randomData(4 * 3, 52, -0.5, 0.5);
const classes = Array.from({ length: ROWS }, (_, i) => i % 3);

type Lib = typeof tf | typeof tfjs;

/** One SGD epoch over all rows in one batch with classWeight; the kernel after it. */
async function trained(lib: Lib, loss: string, activation: string, units: number, targets: number[] | number[][], classWeight: Record<number, number>): Promise<Float32Array> {
  const l = lib as typeof tf;
  const model = l.sequential({ layers: [l.layers.dense({ units, activation, useBias: false, inputShape: [4] })] });
  const start = l.tensor(kernel.slice(0, 4 * units), [4, units]);
  model.setWeights([start]);
  model.compile({ optimizer: l.train.sgd(0.5), loss });
  const x = l.tensor(xv, [ROWS, 4]);
  const sparse = loss.startsWith('sparse');
  // Sparse labels as float32: TF.js's sparse loss refuses int32 ones (its floor takes float32 only).
  const y = Array.isArray(targets[0]) ? l.tensor(targets as number[][]) : l.tensor(targets as number[], sparse ? [ROWS] : [ROWS, 1]);
  await model.fit(x, y, { epochs: 2, batchSize: ROWS, shuffle: false, verbose: 0, classWeight });
  const trainedWeights = model.getWeights();
  const w = Float32Array.from(trainedWeights[0].dataSync());
  l.dispose([start, x, y]);
  model.dispose();
  return w;
}

/** A softmax layer of 3 classes over 4 inputs from the fixed kernel, compiled with SGD and `loss`. */
function classifier(loss: string): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', useBias: false, inputShape: [4] })] });
  const start = tf.tensor(kernel, [4, 3]);
  model.setWeights([start]);
  start.dispose();
  model.compile({ optimizer: tf.train.sgd(0.5), loss });
  return model;
}

describe.each(['wasm', 'js'] as const)('classWeight on %s', (backend) => {
  onBackend(backend);

  it.each([
    ['categoricalCrossentropy', 'softmax', 3, () => classes.map((c) => [0, 1, 2].map((k) => +(k === c)))],
    ['sparseCategoricalCrossentropy', 'softmax', 3, () => classes],
    ['binaryCrossentropy', 'sigmoid', 1, () => classes.map((c) => +(c === 1))],
    ['meanSquaredError', 'linear', 1, () => classes.map((c) => +(c === 2))],
  ] as const)('%s: the same weights as TF.js after training', async (loss, activation, units, targets) => {
    const ref = await reference();
    const classWeight = { 0: 1, 1: 5, 2: 0.5 };
    const ours = await trained(tf, loss, activation, units, targets(), classWeight);
    const theirs = await trained(ref, loss, activation, units, targets(), classWeight);
    expectClose(ours, theirs, { atol: 1e-5, rtol: 1e-4 }, `${loss} kernel`);
    // And the weights matter: without them training goes elsewhere.
    const plain = await trained(tf, loss, activation, units, targets(), { 0: 1, 1: 1, 2: 1 });
    expect(Math.max(...plain.map((v, i) => Math.abs(v - ours[i])))).toBeGreaterThan(1e-3);
  });

  it('the validation loss is not weighted, as in TF.js: fit and fitDataset, whatever the batch sizes', async () => {
    const make = () => classifier('categoricalCrossentropy');
    const classWeight = { 0: 3, 1: 0.5, 2: 1 };
    const x = tf.tensor(xv, [ROWS, 4]);
    const y = tf.oneHot(classes, 3, 1, 0, 'float32');
    const [xs, ys, xVal, yVal] = [x.slice(0, 8), y.slice(0, 8), x.slice(8), y.slice(8)];
    /** The epoch's validation loss against the loss evaluate gives with the weights it ended with. */
    const expectUnweighted = (model: tf.LayersModel, history: tf.History) => {
      const loss = model.evaluate(xVal, yVal) as tf.Tensor;
      expect(history.history.val_loss.at(-1)).toBeCloseTo(loss.dataSync()[0], 6);
      loss.dispose();
      model.dispose();
    };
    // 4: the last batch has as many rows as the validation data (its weights once multiplied it); 3: it has not.
    for (const batchSize of [4, 3]) {
      const model = make();
      expectUnweighted(model, await model.fit(xs, ys, { epochs: 2, batchSize, shuffle: false, verbose: 0, classWeight, validationData: [xVal, yVal] }));
    }
    const model = make();
    const ds = tf.data.zip({ xs: tf.data.array(Array.from({ length: 8 }, (_, i) => Array.from(xv.slice(i * 4, i * 4 + 4)))), ys: tf.data.array(classes.slice(0, 8).map((c) => [0, 1, 2].map((k) => +(k === c)))) }).batch(4);
    expectUnweighted(model, await model.fitDataset(ds as tf.data.Dataset<tf.TensorContainer>, { epochs: 2, verbose: 0, classWeight, validationData: [xVal, yVal] }));
    tf.dispose([x, y, xs, ys, xVal, yVal]);
  });

  it("classWeight in TF.js's other forms for one output: in an array, or by the output's name", async () => {
    const x = tf.tensor(xv, [ROWS, 4]);
    const y = tf.tensor1d(classes, 'int32');
    /** The kernel after training with the class weights given for the model. */
    const kernelAfter = async (classWeightFor: (model: tf.Sequential) => unknown) => {
      const model = classifier('sparseCategoricalCrossentropy');
      try {
        await model.fit(x, y, { epochs: 2, batchSize: ROWS, shuffle: false, verbose: 0, classWeight: classWeightFor(model) as never });
        return Array.from(model.getWeights()[0].dataSync());
      } finally {
        model.dispose();
      }
    };
    const classWeight = { 0: 2, 1: 1, 2: 3 };
    const plain = await kernelAfter(() => classWeight);
    expect(await kernelAfter(() => [classWeight])).toEqual(plain);
    expect(await kernelAfter((model) => ({ [model.outputNames[0]]: classWeight }))).toEqual(plain);
    expect(await kernelAfter(() => ({ 0: 1, 1: 1, 2: 1 }))).not.toEqual(plain);
    await expect(kernelAfter(() => ({ out: classWeight }))).rejects.toThrow(/^fit: classWeight by output name must name the model's output "dense_Dense\d+", got "out"/);
    await expect(kernelAfter(() => [classWeight, classWeight])).rejects.toThrow(/^fit: classWeight as an array needs one map per output: 1, got 2/);
    await expect(kernelAfter(() => ({ out: { a: 1 } }))).rejects.toThrow(/^fit: classWeight.out keys must be class indices/);
    tf.dispose([x, y]);
  });

  it('fitDataset takes classWeight as fit does', async () => {
    const make = () => classifier('sparseCategoricalCrossentropy');
    const classWeight = { 0: 2, 1: 1, 2: 3 };
    const a = make();
    const x = tf.tensor(xv, [ROWS, 4]);
    const y = tf.tensor1d(classes, 'int32');
    await a.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0, classWeight });
    const b = make();
    const ds = tf.data.zip({ xs: tf.data.array(Array.from({ length: ROWS }, (_, i) => Array.from(xv.slice(i * 4, i * 4 + 4)))), ys: tf.data.array(classes) }).batch(4);
    await b.fitDataset(ds as tf.data.Dataset<tf.TensorContainer>, { epochs: 2, verbose: 0, classWeight });
    const [wa, wb] = [a.getWeights(), b.getWeights()];
    expectClose(wb[0].dataSync(), wa[0].dataSync(), { atol: 1e-6, rtol: 1e-5 }, 'kernel');
    tf.dispose([x, y]);
    a.dispose();
    b.dispose();
  });
});
