// Short movie reviews whose labels follow clear rules in which word order matters ("not" flips the sentiment
// word after it; after "but" the later clause decides), generated from a seed, and tfjs-examples' sentiment
// models built with whichever library is passed in (neurite or TF.js): embedding, then an LSTM, a bidirectional
// GRU or a plain average of the word vectors (the bag of words), then one sigmoid unit. Leaves out IMDB (it
// would be a download), dropout and the conv1d variant.

import type * as tfjs from '@tensorflow/tfjs';
import type * as tf from 'neurite';
import { seededRandom } from './random.js';

export type Lib = typeof tf | typeof tfjs;

/** plain: no "not" or "never", no "but"; negation: a negated clause, no "but"; contrast: "X but Y". */
export type Kind = 'plain' | 'negation' | 'contrast';

export interface Review {
  text: string;
  /** 1 positive, 0 negative. */
  label: number;
  kind: Kind;
}

const POSITIVE = ['good', 'great', 'excellent', 'wonderful', 'brilliant', 'superb', 'enjoyable', 'charming', 'clever', 'moving'];
const NEGATIVE = ['bad', 'terrible', 'awful', 'boring', 'dull', 'weak', 'poor', 'silly', 'bland', 'painful'];
const INTENSIFIERS = ['very', 'really', 'truly', 'quite', 'so', 'pretty'];
const NEGATIONS = ['not', 'never'];
const THINGS = ['plot', 'acting', 'ending', 'story', 'cast', 'script', 'music', 'dialogue', 'pacing', 'film', 'movie', 'direction'];
const OPENERS = ['honestly', 'overall', 'well'];
const OTHER = ['the', 'a', 'was', 'at', 'all', 'i', 'found', 'thought', 'but', 'and'];

/** Index 0 is padding and 1 an unknown word; every word the generator uses has its own index from 2. */
export const PAD = 0;
export const UNKNOWN = 1;
export const VOCABULARY = [...POSITIVE, ...NEGATIVE, ...INTENSIFIERS, ...NEGATIONS, ...THINGS, ...OPENERS, ...OTHER];
export const VOCABULARY_SIZE = VOCABULARY.length + 2;
const INDEX = new Map(VOCABULARY.map((word, i) => [word, i + 2]));

/** The longest review the generator writes: an opener and two seven-word clauses around "but". */
export const MAX_LEN = 16;

const pick = <T>(random: () => number, list: T[]) => list[Math.floor(random() * list.length)];

/** One clause about one thing, in one of four shapes, saying `positive`; a negated clause says the opposite of its adjective. */
function clause(random: () => number, positive: boolean, negated: boolean): { words: string[]; negated: boolean } {
  // The adjective's own polarity: a negated clause uses the opposite one ("not good" is negative).
  const adjective = pick(random, positive !== negated ? POSITIVE : NEGATIVE);
  const intensified = random() < 0.4 ? [pick(random, INTENSIFIERS), adjective] : [adjective];
  const not = negated ? [pick(random, NEGATIONS)] : [];
  const thing = pick(random, THINGS);
  const shapes = [
    () => ['the', thing, 'was', ...not, ...intensified], // the plot was not very good
    () => ['i', pick(random, ['found', 'thought']), 'the', thing, ...not, ...intensified], // i found the acting never dull
    () => [...not, ...(random() < 0.5 ? ['a'] : []), ...intensified, thing], // a really good script; not great music
    () => (negated ? ['not', adjective, 'at', 'all'] : intensified), // not bad at all; truly brilliant
  ];
  return { words: pick(random, shapes)(), negated };
}

/**
 * One review: a clause (45%), two clauses of the same sentiment joined by "and" (25%), or two of opposite
 * sentiment joined by "but", where the second decides (30%), sometimes after an opener; each clause is negated
 * with probability 0.3.
 */
function review(random: () => number): Review {
  const positive = random() < 0.5;
  const negated = () => random() < 0.3;
  const opener = random() < 0.2 ? [pick(random, OPENERS)] : [];
  const form = random();
  let clauses: Array<{ words: string[]; negated: boolean }>;
  if (form < 0.45) clauses = [clause(random, positive, negated())];
  else if (form < 0.7) clauses = [clause(random, positive, negated()), clause(random, positive, negated())];
  else clauses = [clause(random, !positive, negated()), clause(random, positive, negated())];
  const joiner = form < 0.7 ? 'and' : 'but';
  const words = [...opener, ...clauses.flatMap((c, i) => (i === 0 ? c.words : [joiner, ...c.words]))];
  const kind: Kind = joiner === 'but' ? 'contrast' : clauses.some((c) => c.negated) ? 'negation' : 'plain';
  return { text: words.join(' '), label: positive ? 1 : 0, kind };
}

/** `train` + `test` different reviews from `seed`: no held-out review's text is in the training set. */
export function makeCorpus(seed: number, train: number, test: number): { train: Review[]; test: Review[] } {
  const random = seededRandom(seed);
  const seen = new Map<string, Review>();
  while (seen.size < train + test) {
    const r = review(random);
    if (!seen.has(r.text)) seen.set(r.text, r);
  }
  const all = [...seen.values()];
  return { train: all.slice(0, train), test: all.slice(train) };
}

/**
 * A review's word indices, padded with 0 or cut to maxLen. As tfjs-examples' padSequences by default, padding
 * and cutting happen at the start ('pre'), so the end of a long review, which "but" makes the part that counts, stays.
 */
export function encode(text: string, maxLen = MAX_LEN, padding: 'pre' | 'post' = 'pre'): number[] {
  const ids = text.toLowerCase().split(/[^a-z]+/).filter(Boolean).map((w) => INDEX.get(w) ?? UNKNOWN).slice(-maxLen);
  const pad = new Array<number>(maxLen - ids.length).fill(PAD);
  return padding === 'pre' ? [...pad, ...ids] : [...ids, ...pad];
}

export type ModelKind = 'lstm' | 'bidirectionalGru' | 'bagOfWords';

/** How much data and training: the example's own, or the test's smaller one that TF.js's cpu backend can run quickly. */
export interface Config {
  trainReviews: number;
  testReviews: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  embeddingSize: number;
  units: number;
}

/**
 * tfjs-examples' sentiment model with `lib`: embedding, then an LSTM, a bidirectional GRU or an average over
 * the words, then one sigmoid unit. The recurrent models mask padding (maskZero), so they skip those steps; TF.js's
 * average pooling takes no mask, so the bag of words averages the padding's vector in with the words.
 */
export function buildModel(lib: Lib, kind: ModelKind, { embeddingSize, units, learningRate }: Config): tf.Sequential {
  const t = lib as typeof tf;
  const model = t.sequential();
  model.add(t.layers.embedding({ inputDim: VOCABULARY_SIZE, outputDim: embeddingSize, inputLength: MAX_LEN, maskZero: kind !== 'bagOfWords' }));
  if (kind === 'lstm') model.add(t.layers.lstm({ units }));
  else if (kind === 'bidirectionalGru') model.add(t.layers.bidirectional({ layer: t.layers.gru({ units }) }));
  else model.add(t.layers.globalAveragePooling1d());
  model.add(t.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: t.train.adam(learningRate), loss: 'binaryCrossentropy', metrics: ['acc'] });
  return model;
}

/** Reviews as a [reviews, MAX_LEN] int32 tensor of word indices, and their labels as [reviews, 1]. */
export function tensors(lib: Lib, reviews: Review[]): { x: tf.Tensor2D; y: tf.Tensor2D } {
  const t = lib as typeof tf;
  return {
    x: t.tensor2d(reviews.map((r) => encode(r.text)), [reviews.length, MAX_LEN], 'int32'),
    y: t.tensor2d(reviews.map((r) => r.label), [reviews.length, 1]),
  };
}

/**
 * Fits the model on the training reviews, scoring the held-out ones after every epoch (the val_ curves). The
 * generator already put the reviews in random order, and fit does not shuffle them again: TF.js shuffles with
 * Math.random, and a fixed order lets either library repeat a run exactly.
 */
export async function train(lib: Lib, model: tf.LayersModel, corpus: { train: Review[]; test: Review[] }, { epochs, batchSize }: Config): Promise<tf.History> {
  const t = lib as typeof tf;
  const [train, test] = [tensors(lib, corpus.train), tensors(lib, corpus.test)];
  const history = await model.fit(train.x, train.y, { epochs, batchSize, shuffle: false, validationData: [test.x, test.y], verbose: 0 });
  t.dispose([train.x, train.y, test.x, test.y]);
  return history;
}

/** The probability of "positive" the model gives each review (or each encoded review). */
export function predict(lib: Lib, model: tf.LayersModel, reviews: Array<string | number[]>): Float32Array {
  const t = lib as typeof tf;
  const ids = reviews.map((r) => (typeof r === 'string' ? encode(r) : r));
  return t.tidy(() => (model.predict(t.tensor2d(ids, [ids.length, MAX_LEN], 'int32')) as tf.Tensor).dataSync() as Float32Array);
}

export type Accuracy = Record<Kind | 'all', number>;

/** The fraction of reviews on the right side of 0.5, over all of them and over each kind. */
export function accuracy(reviews: Review[], probabilities: ArrayLike<number>): Accuracy {
  const of = (keep: (r: Review) => boolean) => {
    const chosen = reviews.map((r, i) => [r, probabilities[i]] as const).filter(([r]) => keep(r));
    return chosen.filter(([r, p]) => (p > 0.5 ? 1 : 0) === r.label).length / chosen.length;
  };
  return { all: of(() => true), plain: of((r) => r.kind === 'plain'), negation: of((r) => r.kind === 'negation'), contrast: of((r) => r.kind === 'contrast') };
}
