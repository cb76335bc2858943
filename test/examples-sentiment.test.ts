// The sentiment example (issue 15): tfjs-examples' sentiment models on generated reviews where word order
// decides. The LSTM trained by neurite reaches TF.js's held-out accuracy from the same weights on the same data
// (TF.js's cpu backend, a configuration small enough for it); the bag of words cannot read negation or "but";
// padding, masked, changes no prediction; and `npm run sentiment` prints its table and draws its curves.

import * as tfjs from '@tensorflow/tfjs';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from 'neurite';
import { afterAll, describe, expect, it } from 'vitest';
import { accuracy, buildModel, type Config, encode, type Lib, makeCorpus, MAX_LEN, type ModelKind, PAD, predict, train } from '../examples/sentiment-data.js';
import { runExample } from './run-example.js';
import { axisMap, elements, wellFormedProblems } from './svg-read.js';

// Small enough for TF.js's cpu backend, which runs an LSTM step by step in many small ops (about 30 s here).
const SMALL: Config = { trainReviews: 640, testReviews: 400, epochs: 4, batchSize: 64, learningRate: 0.05, embeddingSize: 16, units: 16 };
const corpus = makeCorpus(1, SMALL.trainReviews, SMALL.testReviews);
const OUT = mkdtempSync(join(tmpdir(), 'neurite-sentiment-'));
afterAll(() => rmSync(OUT, { recursive: true, force: true }));

/** A model of `kind` trained by neurite on the small configuration, from seed 1. */
async function trained(kind: ModelKind): Promise<tf.Sequential> {
  await tf.ready();
  tf.setSeed(1);
  const model = buildModel(tf, kind, SMALL);
  await train(tf, model, corpus, SMALL);
  return model;
}

const heldOut = (lib: Lib, model: tf.LayersModel) => accuracy(corpus.test, predict(lib, model, corpus.test.map((r) => r.text)));

describe('the sentiment example', () => {
  it("neurite's LSTM reaches TF.js's held-out accuracy from the same weights, and at least 90%", async () => {
    await tf.ready();
    await tfjs.setBackend('cpu');
    tf.setSeed(1);
    const ours = buildModel(tf, 'lstm', SMALL);
    const theirs = buildModel(tfjs, 'lstm', SMALL) as unknown as tfjs.Sequential;
    theirs.setWeights(ours.getWeights().map((w) => tfjs.tensor(w.dataSync(), w.shape)));
    const timed = async (run: () => Promise<tf.History | tfjs.History>) => {
      const start = performance.now();
      const history = await run();
      return { loss: history.history.loss as number[], seconds: (performance.now() - start) / 1000 };
    };
    const mine = await timed(() => train(tf, ours, corpus, SMALL));
    const expected = await timed(() => train(tfjs, theirs as unknown as tf.Sequential, corpus, SMALL));
    const [a, b] = [heldOut(tf, ours), heldOut(tfjs, theirs as unknown as tf.Sequential)];
    console.log(`LSTM, ${SMALL.trainReviews} reviews x ${SMALL.epochs} epochs: neurite ${mine.seconds.toFixed(1)} s, TF.js cpu ${expected.seconds.toFixed(1)} s; held out ${a.all} vs ${b.all}`);
    // The same weights, data and order: the losses agree epoch by epoch, and so do the accuracies.
    mine.loss.forEach((loss, k) => expect(Math.abs(loss - expected.loss[k]), `loss of epoch ${k + 1}`).toBeLessThan(1e-3));
    expect(a.all).toBeGreaterThanOrEqual(b.all - 0.01);
    expect(a.all).toBeGreaterThanOrEqual(0.9);
    ours.dispose();
    theirs.dispose();
  }, 90_000);

  it('the bag of words reads "not good" as good and cannot tell which side of "but" a word is on', async () => {
    const [lstm, bag] = [await trained('lstm'), await trained('bagOfWords')];
    const [a, b] = [heldOut(tf, lstm), heldOut(tf, bag)];
    expect(a.negation).toBeGreaterThanOrEqual(0.9);
    expect(b.negation).toBeLessThan(a.negation - 0.4);
    expect(b.contrast).toBeLessThan(a.contrast - 0.3);
    // Both halves swapped: the same words, so the same average, the same probability; the LSTM flips it.
    const swapped = ['good acting but a terrible ending', 'terrible acting but a good ending'];
    const [p, q] = [predict(tf, bag, swapped), predict(tf, lstm, swapped)];
    expect(p[0]).toBeCloseTo(p[1], 6);
    expect([q[0] < 0.5, q[1] > 0.5]).toEqual([true, true]);
    lstm.dispose();
    bag.dispose();
  });

  it('padding changes no prediction of the masked models: before, after or in the middle of a review', async () => {
    for (const kind of ['lstm', 'bidirectionalGru'] as const) {
      const model = await trained(kind);
      for (const review of corpus.test.slice(0, 20)) {
        const words = encode(review.text).filter((id) => id !== PAD);
        const pad = (n: number) => new Array<number>(n).fill(PAD);
        const half = Math.floor(words.length / 2);
        const places = [encode(review.text, MAX_LEN, 'pre'), encode(review.text, MAX_LEN, 'post'), [...words.slice(0, half), ...pad(MAX_LEN - words.length), ...words.slice(half)]];
        const [pre, post, middle] = predict(tf, model, places);
        expect([post, middle], `${kind}: "${review.text}"`).toEqual([pre, pre]);
      }
      model.dispose();
    }
  });

  it('npm run sentiment prints the three models by kind of review and draws their curves', async () => {
    const printed = await runExample('sentiment', [], { EXAMPLES_OUT: OUT });
    const row = (name: string) => {
      const match = new RegExp(`^${name} +([\\d.]+)% +([\\d.]+)% +([\\d.]+)% +([\\d.]+)% +[\\d.]+ s$`, 'm').exec(printed);
      expect(match, name).not.toBeNull();
      const [all, plain, negation, contrast] = match!.slice(1).map((v) => Number(v) / 100);
      return { all, plain, negation, contrast };
    };
    const [lstm, gru, bag] = [row('LSTM'), row('bidirectional GRU'), row('bag of words')];
    expect(Math.min(lstm.all, gru.all)).toBeGreaterThanOrEqual(0.95);
    expect(bag.negation).toBeLessThan(lstm.negation - 0.4);
    // The sample reviews: the LSTM puts each on its label's side.
    const samples = [...printed.matchAll(/^ +([\d.]+) +([\d.]+) +([\d.]+) +"(.+)" \(([01])\)$/gm)];
    expect(samples).toHaveLength(6);
    for (const [, p, , , text, label] of samples) expect(Number(p) > 0.5 ? '1' : '0', text).toBe(label);

    const files = ['lstm', 'bidirectionalGru', 'bagOfWords'].flatMap((m) => [`sentiment-${m}-loss.svg`, `sentiment-${m}-acc.svg`]).concat('sentiment-models.svg');
    for (const file of files) {
      expect(printed).toContain(join(OUT, file));
      expect(statSync(join(OUT, file)).size).toBeLessThan(64 * 1024);
      expect(wellFormedProblems(readFileSync(join(OUT, file), 'utf8')), file).toEqual([]);
    }
    // The comparison chart's last LSTM point is the printed held-out accuracy (to a pixel).
    const chart = readFileSync(join(OUT, 'sentiment-models.svg'), 'utf8');
    const points = elements(chart, 'polyline').find((l) => l['data-name'] === 'LSTM')!.points.split(' ');
    const y = axisMap(chart, 'y').toData;
    expect(Math.abs(y(Number(points.at(-1)!.split(',')[1])) - lstm.all)).toBeLessThan(Math.abs(y(1) - y(0)));
  }, 90_000);
});
