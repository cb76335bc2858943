// tf.callbacks.inspect on both backends: its gradient norms against central finite differences in f64, its
// weight norms and update ratios against the weights before and after the epoch, dead ReLUs on a model built
// to have them, activation statistics against the layers applied by hand, a saturated sigmoid network's
// vanishing gradients; training unchanged bit for bit beside it (dropout, batch norm), nothing leaked; its
// options refused by name; its table within 80 columns, and silence when asked.

import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import { expectClose, numericGradient, onBackend, randomData } from './support.js';

const values = (t: tf.Tensor) => Array.from(t.dataSync());
const copies = (model: tf.LayersModel) => model.getWeights().map((w) => w.dataSync() as Float32Array);
const norm = (parts: ArrayLike<number>[]) => Math.sqrt(parts.reduce((s, p) => s + Array.from(p).reduce((t, v) => t + v * v, 0), 0));

describe.each(['wasm', 'js'] as const)('callbacks.inspect on %s', (backend) => {
  onBackend(backend);
  afterEach(() => vi.restoreAllMocks());

  /**
   * A 2-3-1 tanh network, its output linear for MSE or a sigmoid for binary cross-entropy (the loss then takes
   * the logits), or for MSE with an L1L2 penalty on the first kernel; and 20 rows of data.
   */
  function small(head: 'mse' | 'bce' | 'penalized' = 'mse'): { model: tf.Sequential; x: tf.Tensor; y: tf.Tensor; free(): void } {
    tf.setSeed(3);
    const kernelRegularizer = head === 'penalized' ? tf.regularizers.l1l2({ l1: 0.01, l2: 0.02 }) : undefined;
    const output = tf.layers.dense({ units: 1, activation: head === 'bce' ? 'sigmoid' : 'linear' });
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'tanh', inputShape: [2], kernelRegularizer }), output] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: head === 'bce' ? 'binaryCrossentropy' : 'meanSquaredError' });
    const x = tf.tensor2d(randomData(40, 1), [20, 2]);
    const y = tf.tensor2d(randomData(20, 2, head === 'bce' ? 0 : -1, 1), [20, 1]);
    return { model, x, y, free: () => (model.dispose(), tf.dispose([x, y])) };
  }

  it.each(['mse', 'bce', 'penalized'] as const)('gives the gradient norms central finite differences give (%s; f64, h 1e-5; agreement to 1e-4 relative)', async (head) => {
    const { model, x, y, free } = small(head);
    const inspect = tf.callbacks.inspect({ x, y, sample: 8, print: false });
    await model.fit(x, y, { epochs: 2, batchSize: 5, verbose: 0, callbacks: [inspect] });
    const report = inspect.reports[1];
    expect(report.samples).toBe(8);
    // The sample: 8 rows spread evenly through the 20, i.e. rows floor(i * 20 / 8).
    const rows = [0, 2, 5, 7, 10, 12, 15, 17];
    const [xv, yv] = [x.dataSync(), y.dataSync()];
    // The loss as a function of all the weights (kernel 2x3, bias 3, kernel 3x1, bias 1), in f64.
    const loss = (w: Float64Array) => {
      let total = 0;
      for (const r of rows) {
        let z = w[12];
        for (let j = 0; j < 3; j++) z += Math.tanh(xv[2 * r] * w[j] + xv[2 * r + 1] * w[3 + j] + w[6 + j]) * w[9 + j];
        const p = 1 / (1 + Math.exp(-z));
        total += head === 'bce' ? -(yv[r] * Math.log(p) + (1 - yv[r]) * Math.log(1 - p)) : (z - yv[r]) ** 2;
      }
      const kernel = w.subarray(0, 6);
      const penalty = head === 'penalized' ? kernel.reduce((s, v) => s + 0.01 * Math.abs(v) + 0.02 * v * v, 0) : 0;
      return total / rows.length + penalty;
    };
    const weights = Float64Array.from(copies(model).flatMap((w) => Array.from(w)));
    const gradient = numericGradient(loss, weights);
    expect(report.loss).toBeCloseTo(loss(weights), 6);
    expectClose(
      report.layers.map((l) => l.gradNorm!),
      [norm([gradient.subarray(0, 9)]), norm([gradient.subarray(9, 13)])],
      { atol: 0, rtol: 1e-4 },
      'gradient norms',
    );
    free();
  });

  it('gives each layer the norm of its weights and of their change over the epoch, as a fraction of where it started', async () => {
    const { model, x, y, free } = small();
    const starts: Float32Array[][] = [];
    const snapshot = { onEpochBegin: () => void starts.push(copies(model)) };
    const inspect = tf.callbacks.inspect({ x, y, print: false });
    await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 0, callbacks: [snapshot, inspect] });
    const end = copies(model);
    const begin = starts[1];
    const change = (i: number) => Array.from(end[i], (v, j) => v - begin[i][j]); // in f64
    const [first, second] = inspect.reports[1].layers;
    expect(first.weightNorm).toBeCloseTo(norm([end[0], end[1]]), 12);
    expect(second.weightNorm).toBeCloseTo(norm([end[2], end[3]]), 12);
    expect(first.updateRatio).toBeCloseTo(norm([change(0), change(1)]) / norm([begin[0], begin[1]]), 12);
    expect(second.updateRatio).toBeCloseTo(norm([change(2), change(3)]) / norm([begin[2], begin[3]]), 12);
    expect(first.updateRatio).toBeGreaterThan(0);
    free();
  });

  it('counts dead ReLUs exactly: dense, conv and reLU layers whose biases keep known units at 0', async () => {
    // Inputs in [-1, 1]: a unit with bias -10 and kernel entries of 0.5 or less never rises above 0; bias +5 never falls to it.
    const input = tf.input({ shape: [3, 3, 1] });
    const conv = tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu', name: 'conv' });
    const flat = tf.layers.flatten().apply(conv.apply(input));
    const dense = tf.layers.dense({ units: 5, name: 'dense' });
    const relu = tf.layers.reLU({ name: 'relu' });
    const out = tf.layers.dense({ units: 1, name: 'out' });
    const model = tf.model({ inputs: input, outputs: out.apply(relu.apply(dense.apply(flat))) as tf.SymbolicTensor });
    const set = (layer: tf.Layer, bias: number[]) => {
      const [kernel] = layer.getWeights();
      const w = [tf.fill(kernel.shape, 0.01), tf.tensor1d(bias)];
      layer.setWeights(w);
      tf.dispose(w);
    };
    set(conv, [-10, 5, -10, -10]); // 3 of 4 channels dead
    set(dense, [-10, 5, 5, 5, -10]); // 2 of 5 units dead (before the reLU layer)
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
    const x = tf.tensor4d(randomData(30 * 9, 5), [30, 3, 3, 1]);
    const y = tf.zeros([30, 1]);
    const inspect = tf.callbacks.inspect({ x, y, print: false });
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [inspect] });
    const rows = Object.fromEntries(inspect.reports[0].layers.map((l) => [l.name, l]));
    expect(Object.keys(rows)).toEqual(['conv', 'dense', 'relu', 'out']);
    expect(rows.conv.deadFraction).toBe(3 / 4);
    expect(rows.relu.deadFraction).toBe(2 / 5);
    expect(rows.dense.deadFraction).toBeNull(); // linear: its negative outputs are not dead units
    expect(rows.out.deadFraction).toBeNull();
    // The reLU layer has no weights: no weight figures.
    expect([rows.relu.gradNorm, rows.relu.weightNorm, rows.relu.updateRatio]).toEqual([null, null, null]);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('gives the mean and standard deviation of each layer output, as the layers applied in turn give them', async () => {
    tf.setSeed(5);
    const layers = [tf.layers.dense({ units: 6, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 3, activation: 'sigmoid' })];
    const model = tf.sequential({ layers });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
    const x = tf.tensor2d(randomData(64 * 4, 7), [64, 4]);
    const y = tf.tensor2d(randomData(64 * 3, 8, 0, 1), [64, 3]);
    const inspect = tf.callbacks.inspect({ x, y, print: false });
    await model.fit(x, y, { epochs: 1, batchSize: 16, verbose: 0, callbacks: [inspect] });
    const hidden = layers[0].apply(x) as tf.Tensor;
    const output = layers[1].apply(hidden) as tf.Tensor;
    inspect.reports[0].layers.forEach((row, i) => {
      const v = values([hidden, output][i]);
      const mean = v.reduce((s, a) => s + a, 0) / v.length;
      const std = Math.sqrt(v.reduce((s, a) => s + (a - mean) ** 2, 0) / v.length);
      expect(row.activationMean).toBeCloseTo(mean, 6);
      expect(row.activationStd).toBeCloseTo(std, 6);
    });
    // The output's statistics are of the probabilities, though the loss takes the logits.
    expect(inspect.reports[0].layers[1].activationMean).toBeGreaterThan(0);
    tf.dispose([hidden, output]);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('shows a saturated sigmoid network losing its gradient layer by layer towards the input', async () => {
    tf.setSeed(11);
    // Biases of 2 put every sigmoid on its flat part (slope 0.1 at most): each layer passes back a fraction of the gradient.
    const sigmoid = (inputShape?: number[]) => tf.layers.dense({ units: 16, activation: 'sigmoid', biasInitializer: tf.initializers.constant({ value: 2 }), ...(inputShape ? { inputShape } : {}) });
    const model = tf.sequential({ layers: [sigmoid([8]), ...Array.from({ length: 5 }, () => sigmoid()), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'binaryCrossentropy' });
    const x = tf.tensor2d(randomData(128 * 8, 12), [128, 8]);
    const y = tf.tensor2d(Array.from(randomData(128, 13), (v) => (v > 0 ? 1 : 0)), [128, 1]);
    const inspect = tf.callbacks.inspect({ x, y, print: false });
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [inspect] });
    const norms = inspect.reports[0].layers.slice(0, -1).map((l) => l.gradNorm!);
    for (let i = 1; i < norms.length; i++) expect(norms[i - 1], `layer ${i} below layer ${i + 1}`).toBeLessThan(norms[i]);
    expect(norms[0]).toBeLessThan(norms[norms.length - 1] / 1000);
    model.dispose();
    tf.dispose([x, y]);
  });

  it('leaves training as it is: the same weights bit for bit (dropout, batch norm, shuffling), and no tensor left behind', async () => {
    const x = tf.tensor2d(randomData(60 * 4, 21), [60, 4]);
    const y = tf.tensor2d(randomData(60 * 2, 22), [60, 2]);
    const train = async (callbacks: tf.CustomCallbackArgs[]) => {
      tf.setSeed(9);
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4], kernelRegularizer: tf.regularizers.l2({ l2: 0.01 }) }),
          tf.layers.batchNormalization(),
          tf.layers.dropout({ rate: 0.3 }),
          tf.layers.dense({ units: 2 }),
        ],
      });
      model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
      const before = tf.memory().numTensors;
      await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0, callbacks });
      expect(tf.memory().numTensors, 'tensors after fit').toBe(before);
      const weights = copies(model).map((w) => Array.from(new Uint32Array(w.buffer)));
      model.dispose();
      return weights;
    };
    const inspect = tf.callbacks.inspect({ x, y, sample: 32, print: false });
    const plain = await train([]);
    expect(await train([inspect])).toEqual(plain);
    expect(inspect.reports).toHaveLength(3);
    // The regularized loss is reported: it is above the plain MSE on the same rows.
    expect(inspect.reports[2].loss).toBeGreaterThan(0);
    tf.dispose([x, y]);
  });

  it('inspects every n-th epoch and hands each report to onReport (awaited), under fit and fitDataset', async () => {
    const { model, x, y, free } = small();
    const seen: number[] = [];
    const onReport = async (r: tf.InspectReport) => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      seen.push(r.epoch);
    };
    const inspect = tf.callbacks.inspect({ x, y, every: 2, print: false, onReport });
    const epochs: number[] = [];
    await model.fit(x, y, { epochs: 5, verbose: 0, callbacks: [inspect, { onEpochEnd: (e) => void epochs.push(e) }] });
    expect(inspect.reports.map((r) => r.epoch)).toEqual([1, 3]);
    expect(seen).toEqual([1, 3]); // each before the next callback's onEpochEnd
    expect(epochs).toEqual([0, 1, 2, 3, 4]);

    const dataset = tf.data.zip({ xs: tf.data.array(x.arraySync() as number[][]), ys: tf.data.array(y.arraySync() as number[][]) }).batch(5) as tf.data.Dataset<tf.TensorContainer>;
    const streamed = tf.callbacks.inspect({ x, y, print: false });
    await model.fitDataset(dataset, { epochs: 2, verbose: 0, callbacks: [streamed] });
    expect(streamed.reports.map((r) => r.epoch)).toEqual([0, 1]);
    expect(streamed.reports[1].layers[0].updateRatio).toBeGreaterThan(0);
    free();
  });

  it('reports a frozen model\'s outputs and loss, without weight figures', async () => {
    tf.setSeed(6);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, activation: 'relu', inputShape: [2] }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    model.trainable = false;
    const x = tf.tensor2d(randomData(40, 1), [20, 2]);
    const y = tf.tensor2d(randomData(20, 2), [20, 1]);
    const inspect = tf.callbacks.inspect({ x, y, print: false });
    await model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [inspect] });
    const { loss, layers } = inspect.reports[0];
    expect(layers.map((l) => [l.name, l.gradNorm, l.weightNorm, l.updateRatio])).toEqual([[model.layers[0].name, null, null, null]]); // the relu layer only
    expect(layers[0].deadFraction).not.toBeNull();
    const evaluated = model.evaluate(x, y) as tf.Tensor;
    expect(loss).toBeCloseTo(evaluated.dataSync()[0], 6);
    evaluated.dispose();
    model.dispose();
    tf.dispose([x, y]);
  });

  it('refuses bad options by name, and data that does not fit the model before training', async () => {
    const { model, x, y, free } = small();
    expect(() => tf.callbacks.inspect({ x, y, sample: 0 })).toThrow(/^inspect: sample must be an integer >= 1, got 0$/);
    expect(() => tf.callbacks.inspect({ x, y, every: 1.5 })).toThrow(/^inspect: every must be an integer >= 1, got 1.5$/);
    expect(() => tf.callbacks.inspect({ x, y, sampel: 8 } as never)).toThrow(/^inspect: unknown option "sampel" \(did you mean "sample"\?\)$/);
    expect(() => tf.callbacks.inspect({ x, y, print: 'no' } as never)).toThrow(/^inspect: print must be true or false, got "no"$/);
    expect(() => tf.callbacks.inspect({ x, y, onReport: 1 } as never)).toThrow(/^inspect: onReport must be a function, got 1$/);
    expect(() => tf.callbacks.inspect({ x: [1, 2], y } as never)).toThrow(/^inspect: x must be a Tensor, got 1$/);
    expect(() => tf.callbacks.inspect({ y } as never)).toThrow(/^inspect: args\.x is required/);
    expect(() => tf.callbacks.inspect(undefined as never)).toThrow(/^inspect: args must be given, with the data/);
    const wrong = tf.zeros([20, 5]);
    const start = copies(model);
    await expect(model.fit(x, y, { epochs: 1, verbose: 0, callbacks: [tf.callbacks.inspect({ x: wrong, y })] })).rejects.toThrow(/^inspect: x must have 2 features per sample, got shape \[20, 5\]$/);
    expect(copies(model)).toEqual(start); // refused before any training
    wrong.dispose();
    free();
  });

  it('prints a table of at most 80 columns per report, and nothing with print: false', async () => {
    tf.setSeed(4);
    const model = tf.sequential({
      layers: [
        tf.layers.dense({ units: 4, activation: 'relu', inputShape: [2], name: 'a_layer_with_a_rather_long_name' }),
        tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.constant({ value: -123456.7 }) }),
      ],
    });
    model.compile({ optimizer: tf.train.sgd(1e-12), loss: 'meanSquaredError' });
    const x = tf.tensor2d(randomData(16, 1), [8, 2]);
    const y = tf.zeros([8, 1]);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const write = vi.spyOn(process.stdout, 'write');
    await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [tf.callbacks.inspect({ x, y, print: false })] });
    expect(log).not.toHaveBeenCalled();
    expect(write).not.toHaveBeenCalled();

    await model.fit(x, y, { epochs: 2, verbose: 0, callbacks: [tf.callbacks.inspect({ x, y })] });
    expect(log).toHaveBeenCalledTimes(2);
    const table = String(log.mock.calls[1][0]);
    const lines = table.split('\n');
    expect(lines[0]).toMatch(/^Epoch 2 - inspect on 8 samples, loss \S+$/);
    expect(lines[1]).toMatch(/^layer\s+grad norm\s+weights\s+update\s+act mean\s+act std\s+dead$/);
    expect(lines[2]).toMatch(/^a_layer_with_a_r… /);
    expect(lines[3]).toMatch(/^dense_Dense\d+\s+\S+\s+[\d.]+e\+5\s+\S+\s+\S+\s+\S+\s+-$/);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    model.dispose();
    tf.dispose([x, y]);
  });
});
