// Models through the public API on both backends: the course's worked example, whole-model gradients
// against finite differences, one conformance check per layer, determinism, bad input, memory.

import { describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import { expectClose, onBackend, randomData } from './support.js';

/** Current weights as plain arrays (copies of the values: getWeights gives the variables themselves). */
function weightsOf(model: tf.Sequential): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

function setWeightValues(model: tf.Sequential, values: Float32Array[]): void {
  const current = model.getWeights();
  const replacement = values.map((v, i) => tf.tensor(v, current[i].shape));
  model.setWeights(replacement);
  tf.dispose(replacement);
}

function lossOf(model: tf.Sequential, x: tf.Tensor, y: tf.Tensor): number {
  const r = model.evaluate(x, y, { batchSize: 1024 });
  const loss = (Array.isArray(r) ? r[0] : r).dataSync()[0];
  tf.dispose(r);
  return loss;
}

describe.each(['wasm', 'js'] as const)('models on %s', (backend) => {
  onBackend(backend);

  it("reproduces the course's worked example exactly (x=2, w=3, ReLU, v=0.5, target 5)", async () => {
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 1, activation: 'relu', useBias: false, inputShape: [1], kernelInitializer: 'ones' }),
        tf.layers.dense({ units: 1, useBias: false, kernelInitializer: 'ones' }),
      ],
    });
    setWeightValues(model, [new Float32Array([3]), new Float32Array([0.5])]);
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const x = tf.tensor2d([[2]]);
    const y = tf.tensor2d([[5]]);
    const out = model.predict(x);
    expect(out.dataSync()[0]).toBe(3);
    expect(await model.trainOnBatch(x, y)).toBe(4);
    const [w, v] = weightsOf(model);
    expect(w[0]).toBeCloseTo(3.4, 6); // w - 0.1 * dL/dw = 3 - 0.1 * (-4)
    expect(v[0]).toBeCloseTo(2.9, 6); // v - 0.1 * dL/dv = 0.5 - 0.1 * (-24)
    tf.dispose([x, y, out]);
    model.dispose();
  });

  it.each([
    ['selu / softmax, categoricalCrossentropy', 'selu', 'softmax', 'categoricalCrossentropy'],
    ['tanh / sigmoid, binaryCrossentropy', 'tanh', 'sigmoid', 'binaryCrossentropy'],
    ['elu / linear, meanSquaredError', 'elu', 'linear', 'meanSquaredError'],
    ['gelu / softmax, sparseCategoricalCrossentropy', 'gelu', 'softmax', 'sparseCategoricalCrossentropy'],
  ])('gradients of a whole model match finite differences: %s', async (_name, hidden, output, loss) => {
    const classes = output === 'sigmoid' || output === 'linear' ? 2 : 3;
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 5, activation: hidden, inputShape: [4], kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }) }),
        tf.layers.dense({ units: classes, activation: output, kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }), biasInitializer: 'ones' }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(1), loss });
    const rows = 6;
    const x = tf.tensor2d(randomData(rows * 4, 11), [rows, 4]);
    const labels = Array.from({ length: rows }, (_, i) => i % classes);
    const y =
      loss === 'sparseCategoricalCrossentropy' ? tf.tensor1d(labels, 'int32')
      : loss === 'meanSquaredError' ? tf.tensor2d(randomData(rows * classes, 5), [rows, classes])
      : tf.oneHot(labels, classes, 1, 0, 'float32');
    const w0 = weightsOf(model);
    // With SGD at learning rate 1, one step moves each weight by minus its gradient.
    await model.trainOnBatch(x, y);
    const analytic = weightsOf(model).map((w, i) => w.map((v, j) => w0[i][j] - v));
    setWeightValues(model, w0);
    const h = 1e-3;
    // evaluate() leaves out regularization, as TF.js does; training's loss adds 0.01·Σw² of the last kernel.
    const l2Penalty = (kernel: Float32Array) => 0.01 * kernel.reduce((sum, w) => sum + w * w, 0);
    for (let i = 0; i < w0.length; i++) {
      const numeric = new Float64Array(w0[i].length);
      for (let j = 0; j < w0[i].length; j++) {
        const probe = w0.map((w) => w.slice());
        probe[i][j] = w0[i][j] + h;
        setWeightValues(model, probe);
        const up = lossOf(model, x, y) + l2Penalty(probe[2]);
        probe[i][j] = w0[i][j] - h;
        setWeightValues(model, probe);
        const down = lossOf(model, x, y) + l2Penalty(probe[2]);
        numeric[j] = (up - down) / (2 * h);
      }
      // f32 forward passes: the difference quotient carries about 1e-7/h of rounding noise.
      expectClose(analytic[i], numeric, { atol: 2e-3, rtol: 2e-2 }, `weights[${i}]`);
    }
    tf.dispose([x, y]);
    model.dispose();
  });

  const layerCases: Array<[string, () => tf.Layer, number]> = [
    ['dense', () => tf.layers.dense({ units: 3, activation: 'tanh' }), 4 * 3 + 3],
    ['dense without bias', () => tf.layers.dense({ units: 3, useBias: false, activation: 'swish' }), 4 * 3],
    ['dropout', () => tf.layers.dropout({ rate: 0.3, seed: 1 }), 0],
    ['activation', () => tf.layers.activation({ activation: 'softplus' }), 0],
    ['leakyReLU', () => tf.layers.leakyReLU({ alpha: 0.1 }), 0],
  ];
  it.each(layerCases)('conformance of %s: output shape, parameter count, one step lowers the loss', async (_name, make, params) => {
    tf.setSeed(5);
    const layer = make();
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2], activation: 'tanh' }), layer, tf.layers.dense({ units: 1 })] });
    const width = layer.computeOutputShape([null, 4])[1] as number;
    expect(model.countParams()).toBe(2 * 4 + 4 + params + width + 1);
    model.compile({ optimizer: tf.train.sgd(0.05), loss: 'meanSquaredError' });
    const x = tf.tensor2d(randomData(32 * 2, 8), [32, 2]);
    const y = tf.tensor2d(randomData(32, 9), [32, 1]);
    const out = model.predict(x);
    expect(out.shape).toEqual([32, 1]);
    const before = lossOf(model, x, y);
    await model.trainOnBatch(x, y);
    expect(lossOf(model, x, y)).toBeLessThan(before);
    tf.dispose([x, y, out]);
    model.dispose();
  });

  it("layers know their output shape and parameter count once the model knows their input's, as in TF.js", () => {
    const first = tf.layers.dense({ units: 3, inputShape: [4] });
    const second = tf.layers.dense({ units: 2, useBias: false });
    expect(() => second.outputShape).toThrow(/outputShape: layer dense_Dense\d+ does not know its input shape yet/);
    expect(() => second.countParams()).toThrow(/countParams: layer dense_Dense\d+ is not built yet/);
    const model = tf.sequential({ layers: [first, second] });
    expect([first.outputShape, first.countParams(), second.outputShape, second.countParams()]).toEqual([[null, 3], 15, [null, 2], 6]);
    expect(model.countParams()).toBe(21);
    expect(() => model.add(tf.layers.dense({ units: 1, inputShape: [5] }))).toThrow(/add: layer dense_Dense\d+ expects input of shape \[null, 5\], but the model's output has shape \[null, 2\]/);
    expect(model.layers).toHaveLength(2);
    model.dispose();
  });

  it('the same seed gives bit-identical training; another seed differs', async () => {
    const run = async (seed: number) => {
      tf.setSeed(seed);
      const model = tf.sequential({
        layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), tf.layers.dropout({ rate: 0.2 }), tf.layers.dense({ units: 2, activation: 'softmax' })],
      });
      model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      const x = tf.tensor2d(randomData(40 * 3, 1), [40, 3]);
      const y = tf.oneHot(Array.from({ length: 40 }, (_, i) => i % 2), 2, 1, 0, 'float32');
      await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
      const w = weightsOf(model);
      tf.dispose([x, y]);
      model.dispose();
      return w;
    };
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    a.forEach((w, i) => expect(Array.from(w)).toEqual(Array.from(b[i])));
    expect(Array.from(a[0])).not.toEqual(Array.from(c[0]));
  });

  it('rejects bad input with a clear Error and leaves the model exactly as it was', async () => {
    tf.setSeed(1);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], activation: 'softmax' })] });
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const y = tf.tensor2d([[1, 0, 0], [0, 1, 0]]);
    await expect(model.fit(x, y)).rejects.toThrow(/fit: the model must be compiled first/);
    expect(() => model.compile({ optimizer: 'adamax', loss: 'mse' })).toThrow(/compile: optimizer must be an Optimizer or one of/);
    expect(() => model.compile({ optimizer: 'adam', loss: 'hnge' })).toThrow(/compile: unknown loss "hnge" \(did you mean "hinge"\?\)/);
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['auroc'] })).toThrow(/compile: metrics: unknown metric "auroc"; expected one of: accuracy/);
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    model.build();
    const before = weightsOf(model);
    const nan = tf.tensor2d([[1, Number.NaN], [3, 4]]);
    const wide = tf.tensor2d([[1, 2, 3], [3, 4, 5]]);
    const short = tf.tensor2d([[1, 0, 0]]);
    const narrow = tf.tensor2d([[1, 0], [0, 1]]);
    const labels = tf.tensor1d([0, 3], 'int32');
    const cases: Array<[() => Promise<unknown> | unknown, RegExp]> = [
      [() => model.fit(nan, y), /fit: x must be finite, but x\[0\]\[1\] is NaN/],
      [() => model.fit(wide, y), /fit: x must have 2 features per sample, got shape \[2, 3\]/],
      [() => model.fit(x, short), /fit: x and y must have the same number of samples, got 2 and 1/],
      [() => model.fit(x, narrow), /fit: y must have shape \[2, 3\] to match the model's output, got \[2, 2\]/],
      [() => model.fit(x, y, { batchSize: 0 }), /fit: batchSize must be an integer >= 1, got 0/],
      [() => model.fit(x, y, { epochs: -1 }), /fit: epochs must be an integer >= 0, got -1/],
      [() => model.fit(x, y, { validationSplit: 1 }), /fit: validationSplit must be in \[0, 1\)/],
      [() => model.fit(x, y, { validationSplit: 0.6 }), /fit: validationSplit 0.6 leaves no training samples out of 2/],
      [() => model.fit(x, 'y' as unknown as tf.Tensor), /fit: y must be a Tensor/],
      [() => model.predict(wide), /predict: x must have 2 features per sample/],
      [() => model.evaluate(x, narrow), /evaluate: y must have shape \[2, 3\]/],
      [() => model.setWeights([x]), /setWeights: expected 2 tensors/],
      [() => model.setWeights([narrow, short]), /setWeights: weights\[0\] \(.*\/kernel\) must have shape \[2, 3\], got \[2, 2\]/],
    ];
    for (const [call, message] of cases) {
      await expect((async () => call())()).rejects.toThrow(message);
      weightsOf(model).forEach((w, i) => expect(Array.from(w), `after ${message}`).toEqual(Array.from(before[i])));
    }
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await expect(model.fit(x, labels)).rejects.toThrow(/fit: y\[1\] must be a class index in \[0, 2\], got 3/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['categoricalAccuracy'] })).toThrow(
      /compile: metric categoricalAccuracy needs targets of the output's shape; with sparse labels use sparseCategoricalAccuracy/,
    );
    const unbuilt = tf.sequential({ layers: [tf.layers.dense({ units: 3 })] });
    unbuilt.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(unbuilt.fit(x, y, { validationData: [wide, y] })).rejects.toThrow(/fit \(validationData\): x must have 2 features per sample, got shape \[2, 3\]/);
    unbuilt.dispose();
    expect(() => tf.layers.dense({ units: 0 })).toThrow(/dense: units must be an integer >= 1, got 0/);
    expect(() => tf.layers.dense({ units: 2, activation: 'relu7' })).toThrow(/dense: activation must be one of/);
    expect(() => tf.layers.dropout({ rate: 1 })).toThrow(/dropout: rate must be in \[0, 1\), got 1/);
    tf.dispose([x, y, nan, wide, short, narrow, labels]);
    model.dispose();
    expect(() => model.predict(x)).toThrow(/predict: the model is disposed/);
  });

  it('history.params holds what TF.js\'s does, for fit and fitDataset', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const [x, y] = [tf.ones([10, 3]), tf.ones([10, 2])];
    // Values TF.js 4.22 gives for these calls.
    const fitted = await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, validationSplit: 0.2, initialEpoch: 1 });
    expect(fitted.params).toEqual({ epochs: 2, initialEpoch: 1, samples: 8, steps: null, batchSize: 4, verbose: 0, doValidation: true, metrics: ['loss', 'val_loss'] });
    const ds = tf.data.zip({ xs: tf.data.array(Array.from({ length: 10 }, () => [1, 1, 1])), ys: tf.data.array(Array.from({ length: 10 }, () => [1, 1])) }).batch(4);
    const whole = await model.fitDataset(ds as tf.data.Dataset<tf.TensorContainer>, { epochs: 2, verbose: 0 });
    expect(whole.params).toEqual({ epochs: 2, initialEpoch: null, samples: null, steps: 3, batchSize: null, verbose: 0, doValidation: false, metrics: ['loss'] });
    const some = await model.fitDataset(ds as tf.data.Dataset<tf.TensorContainer>, { epochs: 2, verbose: 0, batchesPerEpoch: 2, initialEpoch: 1, validationData: ds as tf.data.Dataset<tf.TensorContainer> });
    expect(some.params).toEqual({ epochs: 2, initialEpoch: null, samples: null, steps: 2, batchSize: null, verbose: 0, doValidation: true, metrics: ['loss', 'val_loss'] });
    tf.dispose([x, y]);
    model.dispose();
  });

  it("options set to null are options not given, and verbose may be a boolean, as TF.js reads them", async () => {
    tf.setSeed(3);
    const make = () => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, activation: 'softmax', inputShape: [3] })] });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy', metrics: null as never });
      return model;
    };
    const [x, y] = [tf.tensor2d(randomData(8 * 3, 4, -1, 1), [8, 3]), tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 1, 0, 1, 0, 0, 1], 'int32'), 2))];
    const [a, b] = [make(), make()];
    b.setWeights(a.getWeights());
    const given = await a.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    const nulls = { validationData: null, validationSplit: null, callbacks: null, classWeight: null, initialEpoch: null, yieldEvery: null, validationBatchSize: null };
    const withNulls = await b.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: false, ...nulls } as never);
    expect(withNulls.history).toEqual(given.history);
    expect(Array.from(b.getWeights()[0].dataSync())).toEqual(Array.from(a.getWeights()[0].dataSync()));
    const epochs = await b.fit(x, y, { epochs: null, batchSize: null, shuffle: null, verbose: null } as never);
    expect(epochs.epoch).toEqual([0]);
    const loss = (r: tf.Tensor | tf.Tensor[]) => (Array.isArray(r) ? r : [r]).map((t) => t.dataSync()[0]);
    const [evaluated, plainEvaluated] = [b.evaluate(x, y, { batchSize: null, verbose: false } as never), b.evaluate(x, y)];
    expect(loss(evaluated)).toEqual(loss(plainEvaluated));
    const predicted = b.predict(x, { batchSize: null, verbose: null } as never) as tf.Tensor;
    const onBatch = b.predictOnBatch(x) as tf.Tensor;
    expect(Array.from(onBatch.dataSync())).toEqual(Array.from(predicted.dataSync()));
    await expect(b.fit(x, y, { verbose: 3 } as never)).rejects.toThrow(/^fit: verbose must be one of 0, 1, 2, false, true, got 3/);
    tf.dispose([x, y, evaluated, plainEvaluated, predicted, onBatch]);
    a.dispose();
    b.dispose();
  });

  it('metricsNames are the keys of the logs, set by compile as TF.js sets them', async () => {
    const one = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'softmax', inputShape: [2] })] });
    expect(one.metricsNames).toEqual([]);
    one.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy', metrics: ['accuracy', 'ce', tf.metrics.precision] });
    expect(one.metricsNames).toEqual(['loss', 'acc', 'ce', 'precision']);
    const input = tf.input({ shape: [2] });
    const two = tf.model({ inputs: input, outputs: [tf.layers.dense({ units: 1, name: 'o1' }).apply(input) as tf.SymbolicTensor, tf.layers.dense({ units: 2, name: 'o2' }).apply(input) as tf.SymbolicTensor] });
    two.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['acc'] });
    expect(two.metricsNames).toEqual(['loss', 'o1_loss', 'o2_loss', 'o1_acc', 'o2_acc']);
    const [x, y1, y2] = [tf.ones([4, 2]), tf.ones([4, 1]), tf.ones([4, 2])];
    const history = await two.fit(x, [y1, y2], { epochs: 1, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(two.metricsNames);
    tf.dispose([x, y1, y2]);
    one.dispose();
    two.dispose();
  });

  it('fitDataset over a dataset of no batches trains nothing and logs nothing, as TF.js', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const before = Array.from(model.getWeights()[0].dataSync());
    const ds = tf.data.zip({ xs: tf.data.array([[1, 2]]), ys: tf.data.array([[3]]) }).batch(1).filter(() => false);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const history = await model.fitDataset(ds as tf.data.Dataset<tf.TensorContainer>, { epochs: 2, verbose: 0, validationData: ds as tf.data.Dataset<tf.TensorContainer> });
      expect(history.epoch).toEqual([0, 1]);
      expect(history.history).toEqual({});
      expect(warn).toHaveBeenCalledWith('fitDataset: the dataset gave no batches in epoch 1; nothing was trained in it');
    } finally {
      warn.mockRestore();
    }
    expect(Array.from(model.getWeights()[0].dataSync())).toEqual(before);
    model.dispose();
  });

  it('fit records history, runs callbacks, and stops early restoring the best weights', async () => {
    tf.setSeed(2);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'mse', metrics: ['mae'] });
    const x = tf.tensor2d([[0], [1], [2], [3]]);
    const y = tf.tensor2d([[1], [3], [5], [7]]);
    const seen: string[] = [];
    const history = await model.fit(x, y, {
      epochs: 3,
      batchSize: 2,
      verbose: 0,
      validationData: [x, y],
      callbacks: { onEpochEnd: async (epoch) => void seen.push(`epoch ${epoch}`), onBatchEnd: (batch) => void seen.push(`batch ${batch}`) },
    });
    expect(seen).toEqual(['batch 0', 'batch 1', 'epoch 0', 'batch 0', 'batch 1', 'epoch 1', 'batch 0', 'batch 1', 'epoch 2']);
    expect(history.epoch).toEqual([0, 1, 2]);
    expect(Object.keys(history.history).sort()).toEqual(['loss', 'mae', 'val_loss', 'val_mae']);
    expect(history.history.loss[2]).toBeLessThan(history.history.loss[0]);

    // stopTraining set in a batch's callback ends training right after that batch, as in TF.js; the epoch's
    // logs are over the batches it trained.
    const batches: number[] = [];
    const stopped = await model.fit(x, y, {
      epochs: 3,
      batchSize: 1,
      verbose: 0,
      callbacks: { onBatchEnd: (batch) => void (batches.push(batch), batch === 1 && (model.stopTraining = true)) },
    });
    expect(batches).toEqual([0, 1]);
    expect(stopped.epoch).toEqual([0]);
    expect(Number.isFinite(stopped.history.loss[0])).toBe(true);

    // A learning rate far too high makes the validation loss grow from the second epoch on: with patience 2,
    // TF.js's count stops after epochs 0 (the best), 1 and 2.
    model.optimizer!.learningRate = 0.9;
    const initial = weightsOf(model);
    const stopper = tf.callbacks.earlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    const diverging = await model.fit(x, y, { epochs: 10, batchSize: 4, shuffle: false, verbose: 0, validationData: [x, y], callbacks: [stopper] });
    expect(diverging.history.val_loss[1]).toBeGreaterThan(diverging.history.val_loss[0]);
    expect(diverging.epoch).toEqual([0, 1, 2]);
    expect(weightsOf(model)[0][0]).not.toBe(initial[0][0]);
    expect(lossOf(model, x, y)).toBeCloseTo(diverging.history.val_loss[0], 4);

    // A monitor that is never logged warns, as in TF.js, instead of ending training half-way.
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const unmonitored = await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [tf.callbacks.earlyStopping({ monitor: 'val_acc' })] });
    expect(unmonitored.epoch).toEqual([0, 1]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/earlyStopping: monitor 'val_acc' is not among the logged values/));
    warn.mockRestore();
    tf.dispose([x, y]);
    model.dispose();
  });

  it('a callback may switch backends between batches: training carries on with the same numbers', async () => {
    const run = async (toggle: boolean) => {
      tf.setSeed(4);
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 6, activation: 'tanh', inputShape: [3] }), tf.layers.dense({ units: 1 })] });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'mse' });
      const x = tf.tensor2d(randomData(60, 12), [20, 3]);
      const y = tf.tensor2d(randomData(20, 13), [20, 1]);
      const other = backend === 'wasm' ? 'js' : 'wasm';
      let flips = 0;
      const history = await model.fit(x, y, {
        epochs: 3,
        batchSize: 5,
        shuffle: false,
        verbose: 0,
        callbacks: toggle ? { onBatchEnd: async () => void (await tf.setBackend(++flips % 2 ? other : backend)) } : undefined,
      });
      await tf.setBackend(backend);
      const w = weightsOf(model);
      tf.dispose([x, y]);
      model.dispose();
      return { loss: history.history.loss, w, flips };
    };
    const steady = await run(false);
    const switching = await run(true);
    expect(switching.flips).toBe(12);
    // The twins agree to float tolerance, not bit for bit.
    expectClose(switching.loss, steady.loss, { atol: 1e-6, rtol: 1e-5 }, 'loss');
    switching.w.forEach((w, i) => expectClose(w, steady.w[i], { atol: 1e-6, rtol: 1e-5 }, `weights[${i}]`));
  });

  it("a model frozen and unfrozen keeps each layer's own flag, as TF.js: a layer frozen before stays frozen", async () => {
    const inner = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'a' }), tf.layers.dense({ units: 2, name: 'b' })] });
    const model = tf.sequential({ layers: [inner, tf.layers.dense({ units: 1, name: 'c' })] });
    inner.layers[0].trainable = false;
    model.trainable = false;
    // TF.js leaves the layers' flags alone: the model's gates them.
    expect([inner.trainable, inner.layers[1].trainable, model.trainableWeights.length]).toEqual([true, true, 0]);
    model.trainable = true;
    inner.trainable = false;
    inner.trainable = true;
    expect(inner.layers[0].trainable).toBe(false);
    expect(model.trainableWeights.map((w) => w.name)).toEqual(['b/kernel', 'b/bias', 'c/kernel', 'c/bias']);
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const frozen = Array.from(inner.layers[0].getWeights()[0].dataSync());
    const [x, y] = [tf.ones([4, 3]), tf.fill([4, 1], 3)];
    await model.fit(x, y, { epochs: 2, verbose: 0 });
    expect(Array.from(inner.layers[0].getWeights()[0].dataSync())).toEqual(frozen);
    tf.dispose([x, y]);
    model.dispose();
  });

  it("setWeights names a wrong tensor by its place in the list given; default names count as TF.js's do", async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'a' }), tf.layers.batchNormalization({ name: 'bn' }), tf.layers.dense({ units: 1, name: 'c' })] });
    const weights = model.getWeights().map((w) => tf.zerosLike(w));
    const wrong = [...weights.slice(0, 2), tf.zeros([5]), ...weights.slice(3)];
    expect(() => model.setWeights(wrong)).toThrow(/^setWeights: weights\[2\] \(bn\/gamma\) must have shape \[2\], got \[5\]$/);
    tf.dispose([...weights, wrong[2]]);
    model.dispose();
    // Sequential and functional models count apart (sequential_n, modeln); an input is named by its layer.
    const input = tf.input({ shape: [2], name: 'in' });
    expect(input.name).toBe('in');
    const [m1, , m2] = [tf.model({ inputs: input, outputs: input }), tf.sequential(), tf.model({ inputs: input, outputs: input })];
    expect(Number(m2.name.slice(5)) - Number(m1.name.slice(5))).toBe(1);
  });

  it('frozen layers (trainable: false) keep their weights and count as non-trainable', async () => {
    tf.setSeed(6);
    const frozen = tf.layers.dense({ units: 4, inputShape: [3], activation: 'tanh', trainable: false });
    const model = tf.sequential({ layers: [frozen, tf.layers.dense({ units: 2 })] });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const lines: string[] = [];
    model.summary(65, undefined, (line) => lines.push(line));
    expect(lines).toContain('Trainable params: 10');
    expect(lines).toContain('Non-trainable params: 16');
    const x = tf.tensor2d(randomData(24, 1), [8, 3]);
    const y = tf.tensor2d(randomData(16, 2), [8, 2]);
    const before = weightsOf(model);
    await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 });
    const after = weightsOf(model);
    // The trainable weights come first, as in TF.js: the second layer's, then the frozen layer's.
    expect(Array.from(after[2])).toEqual(Array.from(before[2]));
    expect(Array.from(after[3])).toEqual(Array.from(before[3]));
    expect(Array.from(after[0])).not.toEqual(Array.from(before[0]));
    tf.dispose([x, y]);
    model.dispose();
  });

  it('recompiling from sparse labels to one-hot targets trains as a fresh model does', async () => {
    const make = () => {
      tf.setSeed(8);
      return tf.sequential({ layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [5] }), tf.layers.dense({ units: 3, activation: 'softmax' })] });
    };
    const x = tf.tensor2d(randomData(5 * 30, 2), [30, 5]);
    const labels = Array.from({ length: 30 }, (_, i) => i % 3);
    const sparse = tf.tensor1d(labels, 'int32');
    const dense = tf.oneHot(labels, 3, 1, 0, 'float32');
    const reused = make();
    reused.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    await reused.fit(x, sparse, { epochs: 1, batchSize: 10, verbose: 0 });
    const fresh = make();
    const trained = reused.getWeights();
    fresh.setWeights(trained);
    for (const m of [reused, fresh]) m.compile({ optimizer: tf.train.sgd(0.1), loss: 'categoricalCrossentropy' });
    tf.setSeed(9);
    const a = await reused.fit(x, dense, { epochs: 2, batchSize: 10, verbose: 0 });
    tf.setSeed(9);
    const b = await fresh.fit(x, dense, { epochs: 2, batchSize: 10, verbose: 0 });
    expect(a.history.loss).toEqual(b.history.loss);
    tf.dispose([x, sparse, dense]);
    reused.dispose();
    fresh.dispose();
  });

  it("compiling again frees the replaced optimizer's state: a model recompiled to fine-tune holds one state", async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [100] })] });
    const [x, y] = [tf.ones([4, 100]), tf.ones([4, 1])];
    const bytes: number[] = [];
    for (let i = 0; i < 3; i++) {
      model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      await model.fit(x, y, { epochs: 1, verbose: 0 });
      bytes.push(tf.memory().numBytes);
    }
    expect(bytes[2]).toBe(bytes[0]);
    // The same optimizer compiled again keeps its state.
    const before = tf.memory().numBytes;
    model.compile({ optimizer: model.optimizer, loss: 'meanSquaredError' });
    expect(tf.memory().numBytes).toBe(before);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('200 models built, trained and disposed leave memory() where it started', async () => {
    const start = tf.memory();
    const x = tf.tensor2d(randomData(20, 3), [10, 2]);
    const y = tf.tensor2d(randomData(10, 4), [10, 1]);
    for (let i = 0; i < 200; i++) {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }), tf.layers.dropout({ rate: 0.1, seed: i }), tf.layers.dense({ units: 1 })] });
      model.compile({ optimizer: 'adam', loss: 'mse' });
      await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0 });
      tf.dispose(model.predict(x));
      model.dispose();
    }
    tf.dispose([x, y]);
    expect(tf.memory()).toEqual(start);
  });
});
