// Training runs through the gradient tape (one mechanism): the fused dense and loss nodes have the gradients
// finite differences give; model.fit's recorded-and-replayed step trains bit for bit as the tape does when it
// records every step (trainOnBatch); a step recorded once is re-recorded when a weight is replaced or the
// backend changes; optimizer.minimize trains variables with the kernels fit uses.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { onBackend, randomData } from './support.js';

function weightsOf(model: tf.Sequential): number[][] {
  return tf.tidy(() => model.getWeights().map((w) => Array.from(w.dataSync())));
}

interface Case {
  name: string;
  layers: () => tf.Layer[];
  optimizer: () => tf.Optimizer;
  loss: string;
  metrics?: string[];
  targets: 'onehot' | 'sparse' | 'binary' | 'values';
}

const CASES: Case[] = [
  { name: 'relu/softmax, categorical crossentropy, adam', layers: () => [tf.layers.dense({ units: 6, activation: 'relu', inputShape: [5] }), tf.layers.dense({ units: 3, activation: 'softmax' })], optimizer: () => tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'], targets: 'onehot' },
  { name: 'tanh/sigmoid, binary crossentropy, nesterov momentum', layers: () => [tf.layers.dense({ units: 4, activation: 'tanh', inputShape: [5] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })], optimizer: () => tf.train.momentum(0.05, 0.9, true), loss: 'binaryCrossentropy', metrics: ['accuracy'], targets: 'binary' },
  {
    name: 'dropout, l2, sparse labels, rmsprop',
    layers: () => [tf.layers.dense({ units: 8, activation: 'elu', inputShape: [5], kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) }), tf.layers.dropout({ rate: 0.3 }), tf.layers.dense({ units: 3, activation: 'softmax', biasRegularizer: 'l1' })],
    optimizer: () => tf.train.rmsprop(0.01),
    loss: 'sparseCategoricalCrossentropy',
    targets: 'sparse',
  },
  {
    name: 'a frozen layer, leakyReLU and activation layers, mse, adagrad with clipNorm',
    layers: () => [tf.layers.dense({ units: 4, inputShape: [5], trainable: false }), tf.layers.leakyReLU({ alpha: 0.1 }), tf.layers.dense({ units: 2, useBias: false }), tf.layers.activation({ activation: 'sigmoid' })],
    optimizer: () => {
      const o = tf.train.adagrad(0.1);
      o.clipNorm = 0.5;
      return o;
    },
    loss: 'meanSquaredError',
    metrics: ['mae'],
    targets: 'values',
  },
];

function data(c: Case, rows: number): [tf.Tensor, tf.Tensor] {
  const x = tf.tensor2d(randomData(rows * 5, 11, -1, 1), [rows, 5]);
  const classes = Array.from({ length: rows }, (_, i) => i % 3);
  const y = tf.tidy(() => {
    switch (c.targets) {
      case 'onehot':
        return tf.oneHot(tf.tensor1d(classes, 'int32'), 3, 1, 0, 'float32');
      case 'sparse':
        return tf.tensor1d(classes, 'int32');
      case 'binary':
        return tf.tensor2d(classes.map((k) => [k === 0 ? 1 : 0]));
      default:
        return tf.tensor2d(randomData(rows * 2, 12, 0, 1), [rows, 2]);
    }
  });
  return [x, y];
}

describe.each(['wasm', 'js'] as const)('training through the tape on %s', (backend) => {
  onBackend(backend);

  it('the fused dense node and tf.fused.matMul have the gradients finite differences give', async () => {
    const [x, w, b, xt] = [sample([5, 4], 1), sample([4, 3], 2), sample([3], 3), sample([4, 5], 4)];
    const alpha = sample([3], 8, 0.1, 0.5);
    for (const activation of ['linear', 'relu', 'relu6', 'elu', 'prelu', 'sigmoid', 'leakyrelu'] as const) {
      expectGradient(`fused.matMul ${activation}`, (p, q, r) => tf.fused.matMul({ a: p, b: q, bias: r, activation, preluActivationWeights: alpha }), [x, w, b]);
    }
    expectGradient('fused.matMul prelu, in its weights', (p) => tf.fused.matMul({ a: x, b: w, activation: 'prelu', preluActivationWeights: p }), [alpha]);
    expectGradient('fused.matMul transposed', (p, q) => tf.fused.matMul({ a: p, b: q, transposeA: true }), [xt, w]);
    tf.dispose([x, w, b, xt, alpha]);
    await expectSameAsTfjs('fused.matMul values', (t) => t.fused.matMul({ a: sample([3, 4], 5, -1, 1, 0, t), b: sample([4, 2], 6, -1, 1, 0, t), bias: sample([2], 7, -1, 1, 0, t), activation: 'relu' }));
  });

  it("tf.fused.matMul's relu6 and prelu give TF.js's values and gradients, relu6's kinks included", async () => {
    // The first column of a·b + bias is [0, 6, 7.5]: relu6's kinks and past them (its gradient is TF.js's op's, 1 at 6).
    const a = (t: typeof tf) => t.tensor2d([[0, 2], [2, 3], [2.5, -4]]);
    const b = (t: typeof tf) => t.tensor2d([[3, -1, 0.5], [0, 2, -0.5]]);
    const bias = (t: typeof tf) => t.tensor1d([0, 0.5, -0.25]);
    for (const transposeB of [false, true]) {
      await expectSameAsTfjs(`relu6 transposeB ${transposeB}`, (t) => {
        const $b = transposeB ? b(t).transpose() : b(t);
        return [t.fused.matMul({ a: a(t), b: $b, bias: bias(t), activation: 'relu6', transposeB }), ...t.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor) => t.fused.matMul({ a: p, b: q, bias: r, activation: 'relu6', transposeB }))([a(t), $b, bias(t)])];
      });
    }
    for (const weights of [[0.1, 0.2, 0.3], [[0.5]], [[0.1, -0.2, 0.3], [1, 2, 3], [0, 0, 0]]]) {
      await expectSameAsTfjs(`prelu weights ${JSON.stringify(weights)}`, (t) => {
        const alpha = t.tensor(weights);
        return [t.fused.matMul({ a: a(t), b: b(t), bias: bias(t), activation: 'prelu', preluActivationWeights: alpha }), ...t.grads((p: tf.Tensor, q: tf.Tensor, r: tf.Tensor, s: tf.Tensor) => t.fused.matMul({ a: p, b: q, bias: r, activation: 'prelu', preluActivationWeights: s }))([a(t), b(t), bias(t), alpha])];
      });
    }
    expect(() => tf.tidy(() => tf.fused.matMul({ a: a(tf), b: b(tf), activation: 'prelu' }))).toThrow(/^fused.matMul: preluActivationWeights must be a Tensor or tensor-like values .*got undefined$/);
    expect(() => tf.tidy(() => tf.fused.matMul({ a: a(tf), b: b(tf), activation: 'swish' as never }))).toThrow('fused.matMul: activation must be one of "linear", "relu", "relu6", "elu", "prelu", "leakyrelu", "sigmoid", got "swish"');
  });

  it('a gradient of the wrong shape is refused in fit before it is written into the weight gradient, and fit leaves memory as it was', async () => {
    for (const size of [2, 1000]) {
      // A user's layer whose customGrad gives its [3] weight a gradient of another shape.
      const scaled = tf.customGrad((x: tf.Tensor, w: tf.Tensor) => ({ value: tf.mul(x, w), gradFunc: (dy: tf.Tensor) => [dy, tf.ones([size])] }));
      class WrongGradient extends tf.layers.Layer {
        static override className = 'WrongGradient';
        private w: tf.Variable | null = null;
        override build(): void {
          this.w = this.addWeight('w', [3], 'float32', tf.initializers.ones());
        }
        override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
          return scaled(Array.isArray(inputs) ? inputs[0] : inputs, this.w!.read());
        }
      }
      const model = tf.sequential({ layers: [new WrongGradient({ inputShape: [3] })] });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      const [x, y] = [tf.ones([2, 3]), tf.fill([2, 3], 9)];
      const before = tf.memory();
      await expect(model.fit(x, y, { epochs: 1, verbose: 0 })).rejects.toThrow(
        `Error in the gradient of customGrad: the gradient of input 1 has shape [${size}], which does not match the input's shape [3]`,
      );
      expect(tf.memory()).toEqual(before);
      expect(weightsOf(model)).toEqual([[1, 1, 1]]);
      const loss = model.evaluate(x, y) as tf.Tensor;
      expect(loss.dataSync()[0]).toBe(64);
      tf.dispose([x, y, loss]);
      model.dispose();
    }
  });

  it.each(CASES)('fit, replaying its recorded step, trains bit for bit as a tape recorded every step: $name', async (c) => {
    const [x, y] = data(c, 12);
    const make = () => {
      tf.setSeed(21);
      const m = tf.sequential({ layers: c.layers() });
      m.compile({ optimizer: c.optimizer(), loss: c.loss, metrics: c.metrics });
      return m;
    };
    const stepwise = make();
    const losses: number[] = [];
    for (let i = 0; i < 20; i++) {
      const r = await stepwise.trainOnBatch(x, y);
      losses.push(Array.isArray(r) ? r[0] : r);
    }
    const fitted = make();
    const history = await fitted.fit(x, y, { epochs: 20, batchSize: 12, shuffle: false, verbose: 0 });
    expect(weightsOf(fitted)).toEqual(weightsOf(stepwise));
    expect(history.history.loss).toEqual(losses);
    tf.dispose([x, y]);
    stepwise.dispose();
    fitted.dispose();
  });

  it('a weight replaced between batches is used by the next step (the recorded step is recorded again)', async () => {
    const c = CASES[0];
    const [x, y] = data(c, 8);
    tf.setSeed(3);
    const model = tf.sequential({ layers: c.layers() });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: c.loss });
    const replacement = tf.tidy(() => model.getWeights().map((w) => tf.mul(tf.onesLike(w), 0.05)));
    await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: { onBatchBegin: () => model.setWeights(replacement) } });
    // Each batch trained from the replacement, the last one too: one SGD step from it gives the same weights.
    tf.setSeed(3);
    const reference = tf.sequential({ layers: c.layers() });
    reference.compile({ optimizer: tf.train.sgd(0.1), loss: c.loss });
    reference.setWeights(replacement);
    await reference.trainOnBatch(x, y);
    expect(weightsOf(model)).toEqual(weightsOf(reference));
    tf.dispose([x, y, ...replacement]);
    model.dispose();
    reference.dispose();
  });

  it('optimizer.minimize trains variables with the same kernels and numbers as TF.js', async () => {
    await expectSameAsTfjs('minimize', (t) => {
      const w = t.variable(t.tensor1d([1, -2, 3]));
      const optimizer = t.train.adam(0.1);
      for (let i = 0; i < 5; i++) optimizer.minimize(() => w.sub(t.tensor1d([0.5, 0.5, 0.5])).square().sum() as tf.Tensor);
      const out = w.clone();
      w.dispose();
      optimizer.dispose(); // its state for w, as in TF.js
      return out;
    });
    await expectSameAsTfjs('minimize returnCost', (t) => {
      const w = t.variable(t.scalar(3));
      const optimizer = t.train.sgd(0.1);
      const cost = optimizer.minimize(() => w.square() as tf.Tensor, true)!;
      w.dispose();
      optimizer.dispose();
      return cost;
    });
  });
});
