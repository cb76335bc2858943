// tf.losses, tf.metrics and model.compile with loss and metric functions: values against TF.js on awkward
// shapes with every reduction, gradients against finite differences, training with a loss function against
// TF.js's own Layers model, and clear errors for bad arguments.

import * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectClose, expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { onBackend, randomData } from './support.js';

type Lib = typeof tf;

/** Labels in {0, 1} and predictions in (0.05, 0.95), of one shape; the same values on either library. */
function pair(t: Lib, shape: number[], seed: number): [tf.Tensor, tf.Tensor] {
  const labels = t.tidy(() => sample(shape, seed, 0, 1, 0, t).round());
  return [labels, sample(shape, seed + 1, 0.05, 0.95, 0, t)];
}

const SHAPES = [[1], [3, 7], [2, 3, 4]];
/** 0 or 1 by parity: the targets of a one-column output. */
const i01 = (n: number) => n % 2;
const REDUCTIONS = [0, 1, 2, 3] as const;

/** Each loss called with labels, predictions, weights and a reduction (the losses with extra arguments take their defaults). */
const LOSSES: Array<[string, (t: Lib, l: tf.Tensor, p: tf.Tensor, w: tf.Tensor | undefined, r: number) => tf.Tensor]> = [
  ['absoluteDifference', (t, l, p, w, r) => t.losses.absoluteDifference(l, p, w, r)],
  ['meanSquaredError', (t, l, p, w, r) => t.losses.meanSquaredError(l, p, w, r)],
  ['hingeLoss', (t, l, p, w, r) => t.losses.hingeLoss(l, p, w, r)],
  ['huberLoss', (t, l, p, w, r) => t.losses.huberLoss(l, p.mul(3), w, 0.7, r)],
  ['logLoss', (t, l, p, w, r) => t.losses.logLoss(l, p, w, 1e-6, r)],
  ['cosineDistance', (t, l, p, w, r) => t.losses.cosineDistance(l, p, -1, w, r)],
  ['sigmoidCrossEntropy', (t, l, p, w, r) => t.losses.sigmoidCrossEntropy(l, p.mul(8).sub(4), w, 0.1, r)],
  ['softmaxCrossEntropy', (t, l, p, w, r) => t.losses.softmaxCrossEntropy(l, p.mul(8).sub(4), w, 0.2, r)],
];

describe.each(['wasm', 'js'] as const)('tf.losses and tf.metrics on %s', (backend) => {
  onBackend(backend);

  it.each(LOSSES)('tf.losses.%s gives TF.js\'s values for every shape, weighting and reduction', async (name, loss) => {
    // TF.js's softmaxCrossEntropy smooths rank-1 labels by shape[1], undefined: it throws where neurite does not.
    // Past rank 2 it also smooths by shape[1] rather than the class count: neurite smooths by the last axis.
    for (const shape of name === 'softmaxCrossEntropy' ? [[3, 7]] : SHAPES) {
      for (const r of REDUCTIONS) {
        await expectSameAsTfjs(`${name} ${shape} reduction ${r}`, (t) => {
          const [l, p] = pair(t, shape, 3);
          return loss(t, l, p, undefined, r);
        });
        // Weights broadcast along the last axis (one per row, some zero), and weights of the losses' full shape.
        await expectSameAsTfjs(`${name} ${shape} row weights, reduction ${r}`, (t) => {
          const [l, p] = pair(t, shape, 5);
          const rows = [...shape.slice(0, -1), 1];
          const weights = sample(rows, 9, 0, 2, 0, t).mul(sample(rows, 10, 0, 1, 0, t).round());
          // softmaxCrossEntropy's losses drop the class axis.
          return loss(t, l, p, name === 'softmaxCrossEntropy' ? weights.reshape(shape.slice(0, -1)) : weights, r);
        }, { rtol: 1e-5, atol: 1e-5 });
      }
    }
  });

  it('computeWeightedLoss gives TF.js\'s values, scalar weights too', async () => {
    for (const r of REDUCTIONS) {
      await expectSameAsTfjs(`computeWeightedLoss reduction ${r}`, (t) => t.losses.computeWeightedLoss(sample([4, 3], 1, 0, 2, 0, t), sample([4, 1], 2, 0, 1, 0, t), r));
      await expectSameAsTfjs(`computeWeightedLoss scalar weight, reduction ${r}`, (t) => t.losses.computeWeightedLoss(sample([5], 3, 0, 2, 0, t), t.scalar(0.5), r));
    }
    await expectSameAsTfjs('computeWeightedLoss default', (t) => t.losses.computeWeightedLoss(sample([2, 5], 4, 0, 2, 0, t)));
  });

  it.each(LOSSES)('tf.losses.%s has the gradient finite differences give', (name, loss) => {
    const [l, p] = pair(tf, [3, 4], 13);
    // Predictions kept off the kinks: |l - p| > 0.05 (absoluteDifference, huber at 0.7), 1 - (2l-1)p clear of 0 (hinge).
    const weights = sample([3, 1], 14, 0.5, 2);
    // h small against the curvature of log near 0.05 and the kinks of huber (|3p - l| = 0.7) and hinge.
    const options = { h: 1e-3 };
    expectGradient(`${name} unweighted`, (x) => loss(tf, l, x, undefined, 3), [p], options);
    expectGradient(`${name} weighted, mean`, (x) => loss(tf, l, x, name === 'softmaxCrossEntropy' ? weights.reshape([3]) : weights, 1), [p], options);
    tf.dispose([l, p, weights]);
  });

  it('tf.metrics give TF.js\'s values', async () => {
    const names = ['binaryAccuracy', 'binaryCrossentropy', 'categoricalAccuracy', 'categoricalCrossentropy', 'cosineProximity', 'meanAbsoluteError', 'meanAbsolutePercentageError', 'MAPE', 'mape', 'meanSquaredError', 'MSE', 'mse', 'r2Score'] as const;
    for (const name of names) {
      for (const shape of [[1, 1], [7, 3], [17, 5]]) {
        await expectSameAsTfjs(`metrics.${name} ${shape}`, (t) => {
          const [l, p] = pair(t, shape, 21);
          return (t.metrics[name] as (a: tf.Tensor, b: tf.Tensor) => tf.Tensor)(l, p);
        }, { rtol: 1e-5, atol: 1e-5 });
      }
    }
    for (const name of ['precision', 'recall'] as const) {
      await expectSameAsTfjs(`metrics.${name}`, (t) => t.metrics[name](t.tensor2d([[1, 0, 1, 1, 0, 0, 1]]), t.tensor2d([[1, 1, 0, 1, 0, 1, 1]])));
      await expectSameAsTfjs(`metrics.${name} with nothing predicted positive`, (t) => t.metrics[name](t.tensor2d([[0, 0, 1]]), t.tensor2d([[0, 0, 0]])));
    }
    await expectSameAsTfjs('metrics.sparseCategoricalAccuracy', (t) =>
      t.metrics.sparseCategoricalAccuracy(t.tensor1d([2, 0, 1, 1]), t.tensor2d([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.1, 0.1, 0.8], [0.3, 0.4, 0.3]])),
    );
  });

  it('bad arguments get errors naming the call and the argument', () => {
    const [a, b, c] = [tf.ones([2, 3]), tf.ones([3, 2]), tf.ones([2, 1])];
    expect(() => tf.losses.meanSquaredError(a, b)).toThrow(/meanSquaredError: labels and predictions: shapes \[2,3\] and \[3,2\] must match/);
    expect(() => tf.losses.softmaxCrossEntropy(a, b)).toThrow(/softmaxCrossEntropy: onehotLabels and logits/);
    expect(() => tf.losses.meanSquaredError(a, a, b)).toThrow(/meanSquaredError: weights of shape \[3,2\] do not broadcast to the losses' shape \[2,3\]/);
    expect(() => tf.losses.meanSquaredError(a, a, c, 'mean' as never)).toThrow(/meanSquaredError: reduction must be a tf.Reduction.*got "mean"/);
    expect(() => tf.losses.huberLoss(a, a, undefined, NaN)).toThrow(/huberLoss: delta must be a finite number, got NaN/);
    expect(() => tf.losses.sigmoidCrossEntropy(a, a, undefined, 2)).toThrow(/sigmoidCrossEntropy: labelSmoothing must be in \[0, 1\], got 2/);
    expect(() => tf.metrics.binaryAccuracy(a, b)).toThrow(/binaryAccuracy: yTrue and yPred: shapes \[2,3\] and \[3,2\] must match/);
    expect(() => tf.metrics.precision('x' as never, a)).toThrow(/precision: yTrue must be a Tensor or tensor-like values/);
    tf.dispose([a, b, c]);
  });
});

describe.each(['wasm', 'js'] as const)('model.compile with loss and metric functions on %s', (backend) => {
  onBackend(backend);

  /** The same 4-5-3 network on neurite and on TF.js (cpu), with neurite's initial weights copied across. */
  async function twins(loss: string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor), metrics: unknown[], tfjsLoss: unknown, tfjsMetrics: unknown[]) {
    await tfjs.setBackend('cpu');
    tf.setSeed(5);
    const ours = tf.sequential({ layers: [tf.layers.dense({ units: 5, activation: 'tanh', inputShape: [4] }), tf.layers.dense({ units: 3, activation: 'sigmoid' })] });
    ours.compile({ optimizer: tf.train.sgd(0.5), loss, metrics: metrics as never });
    const theirs = tfjs.sequential({ layers: [tfjs.layers.dense({ units: 5, activation: 'tanh', inputShape: [4] }), tfjs.layers.dense({ units: 3, activation: 'sigmoid' })] });
    theirs.compile({ optimizer: tfjs.train.sgd(0.5), loss: tfjsLoss as never, metrics: tfjsMetrics as never });
    theirs.setWeights(ours.getWeights().map((w) => tfjs.tensor(w.dataSync(), w.shape)));
    return { ours, theirs };
  }

  const X = randomData(10 * 4, 31, -1, 1);
  const Y = Array.from(randomData(10 * 3, 32, 0, 1), (v) => Math.round(v));

  it('a loss function (yTrue, yPred) => Tensor trains as TF.js trains with it, and function metrics log under their names', async () => {
    const custom = (lib: Lib) => (yTrue: tf.Tensor, yPred: tf.Tensor) => lib.losses.huberLoss(yTrue, yPred, undefined, 0.3);
    const { ours, theirs } = await twins(custom(tf), [tf.metrics.recall, 'precision', 'acc'], custom(tfjs as never), [tfjs.metrics.recall, 'precision', 'acc']);
    const [x, y] = [tf.tensor2d(X, [10, 4]), tf.tensor2d(Y, [10, 3])];
    const [tx, ty] = [tfjs.tensor2d(X, [10, 4]), tfjs.tensor2d(Y, [10, 3])];
    const ourHistory = await ours.fit(x, y, { epochs: 5, batchSize: 4, shuffle: false, verbose: 0 });
    const theirHistory = await theirs.fit(tx, ty, { epochs: 5, batchSize: 4, shuffle: false, verbose: 0 });
    expect(Object.keys(ourHistory.history).sort()).toEqual(Object.keys(theirHistory.history).sort());
    for (const key of Object.keys(theirHistory.history)) expectClose(ourHistory.history[key], theirHistory.history[key] as number[], { atol: 1e-5, rtol: 1e-4 }, key);
    tf.tidy(() => ours.getWeights().forEach((w, i) => expectClose(w.dataSync(), theirs.getWeights()[i].dataSync(), { atol: 1e-5, rtol: 1e-4 }, `weight ${i}`)));
    tf.dispose([x, y]);
    tfjs.dispose([tx, ty]);
    ours.dispose();
    theirs.dispose();
  });

  it.each([
    ['binaryCrossentropy', 'sigmoid'],
    ['categoricalCrossentropy', 'softmax'],
    ['sparseCategoricalCrossentropy', 'softmax'],
  ] as const)('compile({ loss: %s }) after a %s output, saturated: TF.js\'s clipped loss and update', async (loss, activation) => {
    // Inputs of a few hundred push most outputs past TF.js's clip at 1e-7 and 1 - 1e-7, where it gives no gradient.
    await tfjs.setBackend('cpu');
    tf.setSeed(1);
    const ours = tf.sequential({ layers: [tf.layers.dense({ units: 4, activation, inputShape: [6] })] });
    const theirs = tfjs.sequential({ layers: [tfjs.layers.dense({ units: 4, activation, inputShape: [6] })] });
    ours.compile({ optimizer: tf.train.sgd(0.01), loss });
    theirs.compile({ optimizer: tfjs.train.sgd(0.01), loss });
    theirs.setWeights(ours.getWeights().map((w) => tfjs.tensor(w.dataSync(), w.shape)));
    const X = randomData(10 * 6, 41, -300, 300);
    const classes = Array.from({ length: 10 }, (_, i) => (i * 3) % 4);
    const Y = loss === 'binaryCrossentropy' ? Array.from(randomData(40, 42, 0, 1), Math.round) : classes.flatMap((c) => [0, 1, 2, 3].map((k) => +(k === c)));
    const shape: [number, number] = loss.startsWith('sparse') ? [10, 1] : [10, 4];
    const [x, y] = [tf.tensor2d(X, [10, 6]), tf.tensor2d(loss.startsWith('sparse') ? classes : Y, shape)];
    const [tx, ty] = [tfjs.tensor2d(X, [10, 6]), tfjs.tensor2d(loss.startsWith('sparse') ? classes : Y, shape)];
    const [evaluated, expected] = [ours.evaluate(x, y) as tf.Tensor, theirs.evaluate(tx, ty) as tfjs.Tensor];
    expectClose([evaluated.dataSync()[0]], [expected.dataSync()[0]], { atol: 0, rtol: 1e-5 }, 'evaluate');
    await ours.trainOnBatch(x, y);
    await theirs.trainOnBatch(tx, ty);
    ours.getWeights().forEach((w, i) => expectClose(w.dataSync(), theirs.getWeights()[i].dataSync(), { atol: 1e-5, rtol: 1e-5 }, `weight ${i}`));
    tf.dispose([x, y, evaluated]);
    tfjs.dispose([tx, ty, expected]);
    ours.dispose();
    theirs.dispose();
  });

  it.each(['hinge', 'squaredHinge', 'logcosh', 'poisson', 'kullbackLeiblerDivergence', 'meanSquaredLogarithmicError', 'cosineProximity', 'categoricalHinge'])(
    'compile({ loss: %s }) trains as TF.js does',
    async (name) => {
      const { ours, theirs } = await twins(name, ['mse', 'cosine'], name, ['mse', 'cosine']);
      const [x, y] = [tf.tensor2d(X, [10, 4]), tf.tensor2d(Y, [10, 3])];
      const [tx, ty] = [tfjs.tensor2d(X, [10, 4]), tfjs.tensor2d(Y, [10, 3])];
      const ourHistory = await ours.fit(x, y, { epochs: 3, batchSize: 10, shuffle: false, verbose: 0 });
      const theirHistory = await theirs.fit(tx, ty, { epochs: 3, batchSize: 10, shuffle: false, verbose: 0 });
      for (const key of ['loss', 'mse', 'cosine']) expectClose(ourHistory.history[key], theirHistory.history[key] as number[], { atol: 1e-5, rtol: 1e-4 }, `${name} ${key}`);
      const evaluated = ours.evaluate(x, y) as tf.Tensor[];
      const expected = theirs.evaluate(tx, ty) as tfjs.Tensor[];
      expectClose(evaluated.map((t) => t.dataSync()[0]), expected.map((t) => t.dataSync()[0]), { atol: 1e-5, rtol: 1e-4 }, `${name} evaluate`);
      tf.dispose([x, y, ...evaluated]);
      tfjs.dispose([tx, ty, ...expected]);
      ours.dispose();
      theirs.dispose();
    },
  );

  it("'accuracy' and 'crossentropy' resolve by the loss and output width as TF.js's do, a function named as a built-in loss included", async () => {
    await tfjs.setBackend('cpu');
    // Sigmoid outputs, so that every loss and metric reads them as probabilities; 0/1 targets with one 1 a row.
    const cases: Array<[string, number, (lib: Lib) => unknown]> = [
      ['binaryCrossentropy', 3, () => 'binaryCrossentropy'],
      ['a function named binaryCrossentropy', 3, (lib) => lib.metrics.binaryCrossentropy],
      ['a function named categoricalCrossentropy', 1, (lib) => lib.metrics.categoricalCrossentropy],
      ['categoricalCrossentropy', 3, () => 'categoricalCrossentropy'],
      ['meanSquaredError', 1, () => 'meanSquaredError'],
      ['meanSquaredError', 3, () => 'meanSquaredError'],
      ['sparseCategoricalCrossentropy', 3, () => 'sparseCategoricalCrossentropy'],
    ];
    for (const [label, width, loss] of cases) {
      const sparse = label.startsWith('sparse');
      tf.setSeed(7);
      const ours = tf.sequential({ layers: [tf.layers.dense({ units: width, activation: 'sigmoid', inputShape: [4] })] });
      const theirs = tfjs.sequential({ layers: [tfjs.layers.dense({ units: width, activation: 'sigmoid', inputShape: [4] })] });
      ours.compile({ optimizer: 'sgd', loss: loss(tf) as never, metrics: ['acc', 'ce'] });
      theirs.compile({ optimizer: 'sgd', loss: loss(tfjs as never) as never, metrics: ['acc', 'ce'] });
      theirs.setWeights(ours.getWeights().map((w) => tfjs.tensor(w.dataSync(), w.shape)));
      const classes = Array.from({ length: 10 }, (_, i) => (i * 7) % width);
      const targets = sparse ? classes : classes.flatMap((c) => Array.from({ length: width }, (_, k) => (width === 1 ? i01(c + k) : +(k === c))));
      const shape: [number, number] = sparse ? [10, 1] : [10, width];
      const [x, y] = [tf.tensor2d(X, [10, 4]), tf.tensor2d(targets, shape, sparse ? 'int32' : 'float32')];
      // (TF.js's sparse crossentropy floors its labels, which it refuses to do to int32 ones)
      const [tx, ty] = [tfjs.tensor2d(X, [10, 4]), tfjs.tensor2d(targets, shape)];
      const evaluated = ours.evaluate(x, y) as tf.Tensor[];
      const expected = theirs.evaluate(tx, ty) as tfjs.Tensor[];
      expectClose(evaluated.map((t) => t.dataSync()[0]), expected.map((t) => t.dataSync()[0]), { atol: 1e-6, rtol: 1e-5 }, `${label}, width ${width}: loss, acc, ce`);
      tf.dispose([x, y, ...evaluated]);
      tfjs.dispose([tx, ty, ...expected]);
      ours.dispose();
      theirs.dispose();
    }
  });

  it('refuses categoricalCrossentropy on an output of one column (every target would be the one class)', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [3] })] });
    expect(() => model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' })).toThrow(/^compile: categoricalCrossentropy needs an output of at least 2 classes; for two classes in one column use binaryCrossentropy/);
    // A model built later is checked when it trains.
    const later = tf.sequential();
    later.add(tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [3] }));
    const unbuilt = tf.sequential({ layers: [tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
    unbuilt.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const [x, y] = [tf.ones([2, 3]), tf.ones([2, 1])];
    await expect(unbuilt.fit(x, y, { verbose: 0 })).rejects.toThrow(/^fit: categoricalCrossentropy needs an output of at least 2 classes/);
    tf.dispose([x, y]);
    model.dispose();
    later.dispose();
    unbuilt.dispose();
  });

  it('refuses what it cannot use, naming it', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    expect(() => model.compile({ optimizer: 'sgd', loss: 'hingee' })).toThrow(/compile: unknown loss "hingee" \(did you mean "hinge"\?\)/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 5 as never })).toThrow(/compile: loss must be a function \(yTrue, yPred\) => Tensor or a name such as 'meanSquaredError'; got 5/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'mse', metrics: ['recal'] })).toThrow(/compile: metrics: unknown metric "recal" \(did you mean "recall"\?\)/);
    expect(() => model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy', metrics: ['precision'] })).toThrow(/compile: metric precision needs targets of the output's shape/);
    model.compile({ optimizer: 'sgd', loss: () => 3 as never });
    const [x, y] = [tf.ones([2, 3]), tf.ones([2, 2])];
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(/fit: the loss function must return a Tensor, got 3/);
    // The failed fit left the model usable.
    model.compile({ optimizer: 'sgd', loss: (a: tf.Tensor, b: tf.Tensor) => tf.metrics.meanSquaredError(a, b), metrics: [() => 'x' as never] });
    await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(/metric metric must return a Tensor/);
    model.compile({ optimizer: 'sgd', loss: (a: tf.Tensor, b: tf.Tensor) => tf.metrics.meanSquaredError(a, b) });
    const history = await model.fit(x, y, { epochs: 2, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    tf.dispose([x, y]);
    model.dispose();
  });
});
