// fit cuts a batch of 256 rows or more into shards (src/model/step.ts): each shard backprops its own rows and
// the shards' gradients are summed. Held here to the whole batch on the tape: the loss, the metrics and the
// update equal the whole batch's, on even and uneven cuts; layers that read the whole batch (batch norm, a
// layer normalization over the batch axis, a user's layer or model class) keep it whole. Both backends cut the same way.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectClose, onBackend, randomData } from './support.js';

/** A user's layer that reads the whole batch: each value less its column's mean over the batch. */
class Centered extends tf.layers.Layer {
  static override className = 'Centered';
  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    return tf.sub(x, tf.mean(x, 0));
  }
}

/** Inputs of `width` features and one-hot targets of `classes` for `rows` samples. */
function data(rows: number, width: number, classes: number): [tf.Tensor, tf.Tensor] {
  const x = tf.tensor2d(randomData(rows * width, rows), [rows, width]);
  const y = tf.oneHot(Array.from({ length: rows }, (_, i) => (i * 7 + (i >> 3)) % classes), classes, 1, 0, 'float32');
  return [x, y];
}

/**
 * One SGD step of fit over the whole of x (one batch), against the same step on the tape: the loss of the whole
 * batch and its gradient, each weight moved by lr times it.
 */
async function expectWholeBatchStep(model: tf.LayersModel, x: tf.Tensor, y: tf.Tensor, lr: number): Promise<void> {
  const before = model.getWeights().map((w) => w.dataSync().slice());
  const { value, grads } = tf.variableGrads(() => tf.mean(tf.metrics.categoricalCrossentropy(y, model.apply(x) as tf.Tensor)));
  const expectedLoss = value.dataSync()[0];
  const expected = model.trainableWeights.map((w, i) => {
    const g = grads[w.name].dataSync();
    return before[i].map((v, j) => v - lr * g[j]);
  });
  tf.dispose([value, ...Object.values(grads)]);
  const history = await model.fit(x, y, { epochs: 1, batchSize: x.shape[0], verbose: 0 });
  expect(history.history.loss[0]).toBeCloseTo(expectedLoss, 5);
  model.trainableWeights.forEach((w, i) => expectClose(w.dataSync(), expected[i], { atol: 1e-6, rtol: 1e-4 }, w.name));
}

/** expectWholeBatchStep for a model of 5 inputs and 3 classes, compiled here, over 300 rows; the model is freed. */
async function expectWholeBatchOf(model: tf.LayersModel): Promise<void> {
  model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
  const [x, y] = data(300, 5, 3);
  await expectWholeBatchStep(model, x, y, 0.5);
  model.dispose();
  tf.dispose([x, y]);
}

describe('which layers a step may cut the batch for (Layer.samplewise)', () => {
  it('every built-in layer but those that read the whole batch, draw random numbers or keep state; no user class', () => {
    class MyDense extends tf.layers.Layer {
      static override className = 'MyDense';
    }
    const lstm = (args: object = {}) => tf.layers.lstm({ units: 2, ...args });
    const cases: Array<[string, tf.Layer, boolean]> = [
      ['dense', tf.layers.dense({ units: 2 }), true],
      ['conv2d', tf.layers.conv2d({ filters: 2, kernelSize: 3 }), true],
      ['lstm', lstm(), true],
      ['timeDistributed(dense)', tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }), true],
      ['bidirectional(lstm)', tf.layers.bidirectional({ layer: lstm() }), true],
      ['dropout', tf.layers.dropout({ rate: 0.5 }), false],
      ['gaussianNoise', tf.layers.gaussianNoise({ stddev: 1 }), false],
      ['batchNormalization', tf.layers.batchNormalization(), false],
      ['lstm with dropout', lstm({ dropout: 0.2 }), false],
      ['lstm with recurrentDropout', lstm({ recurrentDropout: 0.2 }), false],
      ['stateful lstm', lstm({ stateful: true, batchInputShape: [2, 3, 4] }), false],
      ['bidirectional(lstm with dropout)', tf.layers.bidirectional({ layer: lstm({ dropout: 0.2 }) }), false],
      ['a user\'s class', new MyDense({}), false],
    ];
    for (const [name, layer, expected] of cases) expect((layer as unknown as { samplewise(): boolean }).samplewise(), name).toBe(expected);
  });
});

describe.each(['wasm', 'js'] as const)('a batch of 256 rows or more, cut into shards, on %s', (backend) => {
  onBackend(backend);

  // 256: two shards of 128; 257: 128 and 129 rows; 1100: eight shards of 137 or 138 rows.
  it.each([256, 257, 1100])('%i rows: the loss, the accuracy and the update of the whole batch', async (rows) => {
    tf.setSeed(5);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [12] }), tf.layers.dense({ units: 4, activation: 'softmax' })] });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const [x, y] = data(rows, 12, 4);
    const [, accuracy] = (model.evaluate(x, y, { batchSize: rows }) as tf.Tensor[]).map((t) => {
      const value = t.dataSync()[0];
      t.dispose();
      return value;
    });
    const history = await model.fit(x, y, { epochs: 1, batchSize: rows, verbose: 0 });
    expect(history.history.acc[0]).toBeCloseTo(accuracy, 6);
    model.dispose();
    tf.setSeed(5);
    const again = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [12] }), tf.layers.dense({ units: 4, activation: 'softmax' })] });
    again.compile({ optimizer: tf.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    await expectWholeBatchStep(again, x, y, 0.5);
    again.dispose();
    tf.dispose([x, y]);
  });

  it('metrics that are not means over the samples (precision, recall) are the whole batch\'s', async () => {
    // A steep sigmoid: many outputs are exactly 1, which TF.js's precision and recall count as positives.
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.constant({ value: 40 }), inputShape: [4] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy', metrics: ['precision', 'recall'] });
    const x = tf.tensor2d(randomData(256 * 4, 9), [256, 4]);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(tf.mul(x, tf.tensor1d([1, -1, 0.5, 2])), 1, true), 0), 'float32'));
    const expected = tf.tidy(() => {
      const p = model.predict(x) as tf.Tensor;
      return [tf.metrics.precision(y, p), tf.metrics.recall(y, p)].map((t) => t.dataSync()[0]);
    });
    // In order: the two halves' precisions (0.691 and 0.744) average to 0.718, the batch's is 0.714.
    const { history } = await model.fit(x, y, { epochs: 1, batchSize: 256, shuffle: false, verbose: 0 });
    expect([history.precision[0], history.recall[0]]).toEqual(expected);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('batch sizes cut differently share the later shards\' gradient sinks: the bits of each batch in a fit of its own', async () => {
    const make = () => {
      tf.setSeed(8);
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 16, activation: 'relu', inputShape: [12] }), tf.layers.dense({ units: 4, activation: 'softmax' })] });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      return model;
    };
    const [x, y] = data(800, 12, 4);
    // One fit: a batch of 512 rows (4 shards), then one of 288 (2 shards).
    const together = make();
    await together.fit(x, y, { epochs: 1, batchSize: 512, shuffle: false, verbose: 0 });
    // The same two batches, each in a fit of its own.
    const apart = make();
    for (const [from, rows] of [[0, 512], [512, 288]]) {
      const [xs, ys] = [x.slice(from, rows), y.slice(from, rows)];
      await apart.fit(xs, ys, { epochs: 1, batchSize: rows, shuffle: false, verbose: 0 });
      tf.dispose([xs, ys]);
    }
    apart.weights.forEach((w, i) => expect(Array.from(together.weights[i].dataSync()), w.name).toEqual(Array.from(w.dataSync())));
    tf.dispose([x, y]);
    together.dispose();
    apart.dispose();
  });

  it('a user\'s layer that reads the whole batch sees the whole batch', async () => {
    tf.setSeed(6);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 6, inputShape: [5] }), new Centered({}), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    await expectWholeBatchOf(model);
  });

  it('a layer normalization over the batch axis sees the whole batch', async () => {
    tf.setSeed(9);
    const input = tf.input({ batchShape: [300, 5] });
    const normalized = tf.layers.layerNormalization({ axis: 0, center: false, scale: false }).apply(tf.layers.dense({ units: 6 }).apply(input));
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(normalized) as tf.SymbolicTensor });
    await expectWholeBatchOf(model);
  });

  it('a user\'s subclass of Sequential inside a model runs its own call on the whole batch', async () => {
    class CenteredSequential extends tf.Sequential {
      override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.Kwargs): tf.Tensor | tf.Tensor[] {
        const y = super.call(inputs, kwargs) as tf.Tensor;
        return tf.sub(y, tf.mean(y, 0));
      }
    }
    tf.setSeed(10);
    const inner = new CenteredSequential({ layers: [tf.layers.dense({ units: 6, inputShape: [5] })] });
    const input = tf.input({ shape: [5] });
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(inner.apply(input)) as tf.SymbolicTensor });
    await expectWholeBatchOf(model);
  });

  it('batch norm updates its moving statistics by the whole batch', async () => {
    tf.setSeed(7);
    const norm = tf.layers.batchNormalization({ momentum: 0.5 });
    const first = tf.layers.dense({ units: 6, inputShape: [5] });
    const model = tf.sequential({ layers: [first, norm, tf.layers.dense({ units: 3, activation: 'softmax' })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    const [x, y] = data(256, 5, 3);
    // From a moving mean of 0 with momentum 0.5: half the batch's mean of the first layer's output.
    const expected = tf.tidy(() => tf.mul(tf.mean(first.apply(x) as tf.Tensor, 0), 0.5).dataSync());
    await model.fit(x, y, { epochs: 1, batchSize: 256, verbose: 0 });
    expectClose(norm.getWeights()[2].dataSync(), expected, { atol: 1e-6, rtol: 1e-5 }, 'moving mean');
    model.dispose();
    tf.dispose([x, y]);
  });
});
