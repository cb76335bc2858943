// The sequence examples (issue 15). addition-rnn runs the same program on neurite and on TF.js (cpu) from the
// same initial weights on the same questions in the same order: the losses agree epoch by epoch and neurite
// reaches TF.js's accuracy; 3 epochs here (TF.js's cpu backend takes 4-9 s an epoch on this configuration,
// neurite 0.03-0.15 s), 30 with `npm run test:rnn-examples`, past the plateau where the model only knows which
// characters are common. The text generator's model learns more than character frequencies in a short seeded
// run, writes only characters of its text, and samples with temperature as intended; both Node programs run as
// users run them.

import { readFileSync } from 'node:fs';
import * as tfjs from '@tensorflow/tfjs';
import * as tf from 'neurite';
import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';
import { type AdditionOptions, type AdditionResult, createModel, train } from '../examples/addition-rnn.js';
import { createModel as createTextModel, generateText, sample, TextData, temperatureLogits } from '../examples/text-generation/model.js';

const TEXT = readFileSync(new URL('../examples/text-generation/sonnets.txt', import.meta.url), 'utf8');

/** Epochs of the comparison: a few by default, more when NEURITE_ADDITION_EPOCHS asks (npm run test:rnn-examples). */
const EPOCHS = Number(process.env.NEURITE_ADDITION_EPOCHS ?? 3);

describe('addition-rnn', () => {
  // Small enough for TF.js's cpu backend; 32 units learn past the plateau (~39% of characters) by epoch 30.
  // Without fit's shuffle (the questions come in random order already), both libraries see the same batches.
  const config: AdditionOptions = { digits: 2, examples: 2000, rnnType: 'LSTM', hiddenSize: 32, batchSize: 32, epochs: EPOCHS, seed: 7, shuffle: false };

  it(`trains as TF.js does epoch by epoch from the same weights, and reaches its held-out accuracy after ${EPOCHS} epochs`, async () => {
    await tf.ready();
    tf.setSeed(1);
    const start = createModel(tf, config);
    const initialWeights = start.getWeights().map((w) => w.dataSync() as Float32Array);
    start.dispose();

    const ours = await train(tf, { ...config, initialWeights });
    await tfjs.setBackend('cpu');
    const theirs = await train(tfjs as unknown as typeof tf, { ...config, initialWeights });
    const last = (r: AdditionResult) => r.epochs[EPOCHS - 1];
    const line = (name: string, r: AdditionResult) =>
      `${name}: val_acc ${(last(r).val_acc * 100).toFixed(1)}%, val_loss ${last(r).val_loss.toFixed(4)}, answers ${(r.answerAccuracy * 100).toFixed(1)}%, ${r.seconds.toFixed(1)} s`;
    console.log(`addition-rnn after ${EPOCHS} epochs\n  ${line('neurite', ours)}\n  ${line('TF.js cpu', theirs)}\n  ${ours.predictions.slice(0, 3).join('\n  ')}`);

    expect(ours.epochs).toHaveLength(EPOCHS);
    // Training went somewhere: the held-out loss fell from the first epoch.
    expect(last(ours).val_loss).toBeLessThan(ours.epochs[0].val_loss);
    // Float rounding drifts the two apart slowly: 2e-7 after 3 epochs, 5e-4 at most over 30 (and 0.5 points of accuracy).
    ours.epochs.forEach((logs, k) => {
      expect(Math.abs(logs.loss - theirs.epochs[k].loss), `loss of epoch ${k + 1}`).toBeLessThan(2e-3);
      expect(Math.abs(logs.val_loss - theirs.epochs[k].val_loss), `val_loss of epoch ${k + 1}`).toBeLessThan(2e-3);
    });
    // 1 point is 6 of the 600 held-out answer characters.
    expect(last(ours).val_acc).toBeGreaterThanOrEqual(last(theirs).val_acc - 0.01);
    expect(tf.memory().numTensors).toBe(0);
  }, 60_000 + EPOCHS * 30_000);

  it('npm run addition-rnn prints each epoch, predictions and the share of right answers', async () => {
    const out = await runExample('addition-rnn', ['--examples', '500', '--epochs', '2']);
    expect(out).toMatch(/LSTM of 128 units, 2-digit operands, 500 questions .*neurite on wasm/);
    expect(out.match(/^epoch +\d+ +loss [\d.]+ +acc [\d.]+% +val_loss [\d.]+ +val_acc [\d.]+%$/gm)).toHaveLength(2);
    expect(out.match(/^\d+\+\d+ *= [\d ]{3} [✓✗]/gm)).toHaveLength(8);
    expect(out).toMatch(/held-out answers right [\d.]+%; training took [\d.]+ s/);
  }, 120_000);
});

describe('text-generation', () => {
  it('learns more than character frequencies in six seeded epochs, and writes only characters of the text', async () => {
    await tf.ready();
    tf.setSeed(3);
    const data = new TextData(TEXT, 40, 3);
    const model = createTextModel(data.sampleLen, data.charSetSize, [128]);
    const losses: Array<{ loss: number; val_loss: number }> = [];
    for (let epoch = 0; epoch < 6; epoch++) {
      const [xs, ys] = data.nextDataEpoch(2048);
      const history = await model.fit(xs, ys, { epochs: 1, batchSize: 128, validationSplit: 0.0625, verbose: 0 });
      losses.push({ loss: history.history.loss[0] as number, val_loss: history.history.val_loss[0] as number });
      tf.dispose([xs, ys]);
    }
    // The cross-entropy of guessing each character by its frequency alone: 3.11 nats on this text.
    const counts = new Map<string, number>();
    for (const c of TEXT) counts.set(c, (counts.get(c) ?? 0) + 1);
    const frequencies = -[...counts.values()].reduce((sum, n) => sum + (n / TEXT.length) * Math.log(n / TEXT.length), 0);
    expect(data.frequenciesLoss()).toBeCloseTo(frequencies, 6);
    console.log(
      `text-generation: loss / held-out loss per epoch ${losses.map((l) => `${l.loss.toFixed(3)}/${l.val_loss.toFixed(3)}`).join(' ')} ` +
        `(character frequencies alone: ${frequencies.toFixed(3)})`,
    );
    // Seeded, so these repeat (2.53 and 2.69 here); other seeds gave 2.55-2.59 and 2.52-2.72. The held-out
    // windows are few (128), so their loss moves more from epoch to epoch.
    expect(losses[5].loss).toBeLessThan(frequencies - 0.4);
    expect(losses[5].val_loss).toBeLessThan(frequencies - 0.2);

    const text = await generateText(model, data, data.randomSlice(), 200, 0.75);
    expect(text).toHaveLength(200);
    expect([...text].every((c) => data.charSet.includes(c))).toBe(true);

    // At a temperature near 0 a sample is the most likely next character.
    const seed = TEXT.slice(0, 40);
    const greedy = await generateText(model, data, seed, 20, 1e-6);
    let window = data.textToIndices(seed);
    let argmaxText = '';
    for (let i = 0; i < 20; i++) {
      const next = tf.tidy(() => {
        const input = tf.expandDims(tf.oneHot(tf.tensor1d(window, 'int32'), data.charSetSize));
        return tf.argMax(model.predict(input) as tf.Tensor, -1).dataSync()[0];
      });
      argmaxText += data.charSet[next];
      window = [...window.slice(1), next];
    }
    expect(greedy).toBe(argmaxText);
    model.dispose();
    expect(tf.memory().numTensors).toBe(0);
  }, 120_000);

  it('draws characters with tf.multinomial at the frequencies the temperature gives', async () => {
    await tf.ready();
    tf.setSeed(4);
    const probs = [0.5, 0.3, 0.15, 0.05];
    const draws = 20_000;
    for (const temperature of [1, 0.5, 2]) {
      // The softmax of log(p) / T is p^(1/T), normalized.
      const sharpened = probs.map((p) => p ** (1 / temperature));
      const expected = sharpened.map((p) => p / sharpened.reduce((a, b) => a + b, 0));
      const drawn = tf.tidy(() => tf.multinomial(temperatureLogits(tf.tensor1d(probs), temperature) as tf.Tensor1D, draws).dataSync());
      const counts = new Array<number>(probs.length).fill(0);
      for (const i of drawn) counts[i]++;
      expected.forEach((p, i) => {
        // Five standard deviations of a binomial count: a correct sampler fails this about once in 3 million.
        const sigma = Math.sqrt(draws * p * (1 - p));
        expect(Math.abs(counts[i] - draws * p), `temperature ${temperature}, outcome ${i}: ${counts[i]} of ${draws}`).toBeLessThan(5 * sigma);
      });
    }
    // sample() makes one such draw: at a temperature near 0, always the most likely outcome.
    const p = tf.tensor1d(probs);
    expect(new Set(Array.from({ length: 50 }, () => sample(p, 1e-6)))).toEqual(new Set([0]));
    // A character of probability 0 is never drawn, at any temperature.
    const withZero = tf.tensor1d([0.6, 0, 0.4]);
    for (const temperature of [0.25, 1, 4]) expect(Array.from({ length: 50 }, () => sample(withZero, temperature))).not.toContain(1);
    tf.dispose([p, withZero]);
  });

  it('npm run text-generation trains, then prints samples at temperatures 0.25, 0.75 and 1 made of the text characters', async () => {
    const out = await runExample('text-generation/train', ['--epochs', '1', '--examples', '512', '--length', '80']);
    expect(out).toMatch(/^37759 characters, 61 distinct; LSTM 128; 1 epoch of 512 windows of 40; neurite on wasm$/m);
    expect(out).toMatch(/^\(guessing each character by its frequency alone scores a loss of 3\.1122\)$/m);
    expect(out).toMatch(/^epoch 1: loss [\d.]+, val_loss [\d.]+$/m);
    // Each sample follows its heading; a sample may hold blank lines, but never a heading (the text has no digits).
    const [, ...parts] = out.slice(0, -1).split(/\n\n--- temperature ([\d.]+) ---\n/);
    expect(parts.filter((_, i) => i % 2 === 0).map(Number)).toEqual([0.25, 0.75, 1]);
    const charSet = new Set(TEXT);
    for (const text of parts.filter((_, i) => i % 2 === 1)) {
      expect(text).toHaveLength(80);
      expect([...text].every((c) => charSet.has(c))).toBe(true);
    }
  }, 120_000);
});
