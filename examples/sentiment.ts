// tfjs-examples' sentiment classifier on reviews where word order decides ("not good", "good acting but a
// terrible ending"): an LSTM and a bidirectional GRU over masked word vectors learn the rules, while the bag of
// words, which averages the vectors and so cannot see order, reads "not good" as good. The reviews are generated
// from a seed (examples/sentiment-data.ts), since IMDB would be a download. Prints held-out accuracy by kind of
// review and a few reviews' probabilities; writes the learning curves as SVG into examples/out (or $EXAMPLES_OUT).
// Run: npm run sentiment

import * as tf from 'neurite';
import { accuracy, buildModel, type Config, makeCorpus, MAX_LEN, type ModelKind, predict, train, VOCABULARY_SIZE } from './sentiment-data.js';
import { lineChart, saveLearningCurves, savePicture } from './svg.js';

const CONFIG: Config = { trainReviews: 2000, testReviews: 1000, epochs: 6, batchSize: 32, learningRate: 0.01, embeddingSize: 16, units: 16 };
const MODELS: Array<[ModelKind, string]> = [
  ['lstm', 'LSTM'],
  ['bidirectionalGru', 'bidirectional GRU'],
  ['bagOfWords', 'bag of words'],
];
// Reviews in neither the training nor the held-out set, each with the label the rules give it.
const SAMPLES: Array<[string, number]> = [
  ['the plot was good', 1],
  ['the plot was not good', 0],
  ['the acting was not bad at all', 1],
  ['good acting but a terrible ending', 0],
  ['terrible acting but a good ending', 1],
  ['i found the music never boring', 1],
];

await tf.ready();
tf.setSeed(7);
const corpus = makeCorpus(1, CONFIG.trainReviews, CONFIG.testReviews);
const share = (kind: string) => `${kind} ${Math.round((corpus.test.filter((r) => r.kind === kind).length / corpus.test.length) * 100)}%`;
console.log(`sentiment: ${corpus.train.length} training and ${corpus.test.length} held-out reviews (${['plain', 'negation', 'contrast'].map(share).join(', ')}),`);
console.log(`  ${MAX_LEN} words at most, ${VOCABULARY_SIZE} word indices; ${CONFIG.epochs} epochs of batch ${CONFIG.batchSize}; ${tf.getBackend()} (${tf.getBuild()})`);

const pct = (v: number) => `${(v * 100).toFixed(1)}%`.padStart(8);
console.log(`\n${'model'.padEnd(18)}${'held-out'.padStart(8)}${'plain'.padStart(8)}${'negation'.padStart(9)}${'contrast'.padStart(9)}   training`);
const trained: Array<{ name: string; model: tf.Sequential; history: tf.History }> = [];
for (const [kind, name] of MODELS) {
  const model = buildModel(tf, kind, CONFIG);
  const start = performance.now();
  const history = await train(tf, model, corpus, CONFIG);
  const seconds = (performance.now() - start) / 1000;
  const a = accuracy(corpus.test, predict(tf, model, corpus.test.map((r) => r.text)));
  console.log(`${name.padEnd(18)}${pct(a.all)}${pct(a.plain)} ${pct(a.negation)} ${pct(a.contrast)}   ${seconds.toFixed(1)} s`);
  trained.push({ name, model, history });
}

console.log(`\nP(positive)${trained.map((t) => t.name.padStart(19)).join('')}   review (label)`);
const probabilities = trained.map((t) => predict(tf, t.model, SAMPLES.map(([text]) => text)));
SAMPLES.forEach(([text, label], i) => console.log(`${' '.repeat(11)}${probabilities.map((p) => p[i].toFixed(3).padStart(19)).join('')}   "${text}" (${label})`));

const files = [
  ...trained.flatMap((t, i) => saveLearningCurves(`sentiment-${MODELS[i][0]}`, `Sentiment, ${t.name}`, t.history.history as Record<string, number[]>)),
  savePicture('sentiment-models.svg', lineChart({ title: 'Sentiment: held-out accuracy per epoch', yLabel: 'accuracy', series: trained.map((t) => ({ name: t.name, values: t.history.history.val_acc as number[] })) })),
];
console.log(`\npictures: ${files.join(', ')}`);
