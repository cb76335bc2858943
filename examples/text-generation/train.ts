// Trains the character-level LSTM of model.ts on Shakespeare's first sixty sonnets (sonnets.txt) for a few
// epochs, then prints text it writes at temperatures 0.25, 0.75 and 1.0, as tfjs-examples' train_node.js does.
// Run: npm run text-generation [-- --epochs 10] [--examples 4096] [--lstm 128,128] [--length 300]

import { readFileSync } from 'node:fs';
import * as tf from 'neurite';
import { createModel, generateText, TextData } from './model.js';

const option = (name: string, fallback: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
};
const epochs = Number(option('epochs', '10'));
const examplesPerEpoch = Number(option('examples', '4096'));
const lstmLayerSizes = option('lstm', '128').split(',').map(Number);
const length = Number(option('length', '300'));
// The original's window, step between windows, batch and validation split.
const [sampleLen, sampleStep, batchSize, validationSplit] = [40, 3, 128, 0.0625];

await tf.ready();
tf.setSeed(1);
const text = readFileSync(new URL('./sonnets.txt', import.meta.url), 'utf8');
const data = new TextData(text, sampleLen, sampleStep);
const model = createModel(sampleLen, data.charSetSize, lstmLayerSizes);
console.log(
  `${text.length} characters, ${data.charSetSize} distinct; LSTM ${lstmLayerSizes.join(', ')}; ${epochs} epoch${epochs === 1 ? '' : 's'} of ${examplesPerEpoch} windows ` +
    `of ${sampleLen}; neurite on ${tf.getBackend()}\n` +
    `(guessing each character by its frequency alone scores a loss of ${data.frequenciesLoss().toFixed(4)})`,
);

const start = performance.now();
for (let epoch = 0; epoch < epochs; epoch++) {
  const [xs, ys] = data.nextDataEpoch(examplesPerEpoch);
  const history = await model.fit(xs, ys, { epochs: 1, batchSize, validationSplit, verbose: 0 });
  tf.dispose([xs, ys]);
  const { loss, val_loss } = history.history;
  console.log(`epoch ${epoch + 1}: loss ${(loss[0] as number).toFixed(4)}, val_loss ${(val_loss[0] as number).toFixed(4)}`);
}
console.log(`training took ${((performance.now() - start) / 1000).toFixed(1)} s`);

const seed = data.randomSlice();
console.log(`\nseed: ${JSON.stringify(seed)}`);
for (const temperature of [0.25, 0.75, 1.0]) {
  console.log(`\n--- temperature ${temperature} ---\n${await generateText(model, data, seed, length, temperature)}`);
}
