// Training options beyond TF.js's basics, on both backends: learning-rate schedules and a settable rate,
// global-norm clipping and AdamW's decoupled decay (the progress bar has test/progress.test.ts).

import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';

/** y = w·x with one weight per input, no bias: with x = 1 and target 0 the MSE gradient is 2w/n. */
function linearModel(weights: number[], optimizer: tf.Optimizer): tf.Sequential {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, useBias: false, inputShape: [weights.length] })] });
  model.setWeights([tf.tensor2d(weights.map((w) => [w]))]);
  model.compile({ optimizer, loss: 'meanSquaredError' });
  return model;
}

function weights(model: tf.Sequential): number[] {
  return Array.from(model.getWeights()[0].dataSync());
}

describe.each(['wasm', 'js'] as const)('training options on %s', (backend) => {
  beforeAll(async () => {
    await tf.ready();
    await tf.setBackend(backend);
  });

  it('schedules follow the Keras formulas', () => {
    const exp = tf.schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    const stairs = tf.schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    const cosine = tf.schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.2 });
    expect([exp(0), exp(10), exp(5)]).toEqual([0.1, 0.05, 0.1 * 0.5 ** 0.5]);
    expect([stairs(9), stairs(10), stairs(25)]).toEqual([0.1, 0.05, 0.025]);
    expect(cosine(0)).toBeCloseTo(0.1, 12);
    expect(cosine(50)).toBeCloseTo(0.1 * (0.8 * 0.5 + 0.2), 12);
    expect(cosine(100)).toBeCloseTo(0.02, 12);
    expect(cosine(500)).toBeCloseTo(0.02, 12);
  });

  it('SGD applies the scheduled rate at each step, and a rate set between steps', async () => {
    // One weight, x = 1, target 0: the gradient is 2w, so each step multiplies w by (1 - 2·lr).
    const schedule = tf.schedules.exponentialDecay({ initialLearningRate: 0.1, decaySteps: 1, decayRate: 0.5 });
    const optimizer = tf.train.sgd(schedule);
    const model = linearModel([1], optimizer);
    const x = tf.tensor2d([[1]]);
    const y = tf.tensor2d([[0]]);
    let expected = 1;
    for (let step = 0; step < 3; step++) {
      await model.trainOnBatch(x, y);
      expected *= 1 - 2 * 0.1 * 0.5 ** step;
      expect(weights(model)[0]).toBeCloseTo(expected, 6);
    }
    optimizer.learningRate = 0.25;
    await model.trainOnBatch(x, y);
    expect(weights(model)[0]).toBeCloseTo(expected * 0.5, 6);
    expect(optimizer.iterations).toBe(4);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('clipNorm scales the gradients to the global norm it allows', async () => {
    // Two weights 3 and 4, x = [1, 1], target 0: prediction 7, gradient 2·7·[1, 1] = [14, 14], norm 14·√2.
    const optimizer = tf.train.sgd(0.1);
    optimizer.clipNorm = 1;
    const model = linearModel([3, 4], optimizer);
    const x = tf.tensor2d([[1, 1]]);
    const y = tf.tensor2d([[0]]);
    await model.trainOnBatch(x, y);
    const step = 0.1 / Math.SQRT2; // each clipped component is 1/√2
    const [w0, w1] = weights(model);
    expect(w0).toBeCloseTo(3 - step, 6);
    expect(w1).toBeCloseTo(4 - step, 6);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('AdamW decays weights even where the gradient is zero; Adam does not', async () => {
    const x = tf.tensor2d([[0]]); // x = 0: the gradient of every weight is zero
    const y = tf.tensor2d([[0]]);
    const adam = linearModel([2], tf.train.adam(0.1));
    const adamw = linearModel([2], tf.train.adamw(0.1, 0.9, 0.999, 1e-7, 0.5));
    await adam.trainOnBatch(x, y);
    await adamw.trainOnBatch(x, y);
    expect(weights(adam)[0]).toBe(2);
    expect(weights(adamw)[0]).toBeCloseTo(2 * (1 - 0.1 * 0.5), 6);
    tf.dispose([x, y]);
    adam.dispose();
    adamw.dispose();
  });

  it('optimizers refuse bad hyperparameters', () => {
    expect(() => tf.train.sgd(-1)).toThrow(/learningRate must be >= 0, got -1/);
    expect(() => tf.train.adam(0.1, 1)).toThrow(/adam: beta1 must be in \[0, 1\), got 1/);
    expect(() => tf.train.rmsprop(0.1, Number.NaN)).toThrow(/rmsprop: decay must be a finite number/);
    expect(() => tf.schedules.cosineDecay({ initialLearningRate: 0.1, decaySteps: 0 })).toThrow(/cosineDecay: decaySteps must be > 0/);
  });
});
