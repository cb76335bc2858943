// 002, Part 7 and 004, section 8: an epoch is one pass over the training data, an iteration one weight
// update on one batch. With 1,000 examples in batches of 100, one epoch is 10 iterations and 50 epochs are
// 500. Counted here by fit's onBatchEnd callback. Run: npx tsx examples/epochs-and-batches.ts

import * as tf from 'neurite';

await tf.ready();
tf.setSeed(8);
const examples = 1000;
const x = tf.randomNormal([examples, 4]);
const y = tf.randomUniform([examples, 1]);
const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [4] })] });
model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });

/** How many weight updates fit makes. */
async function iterations(epochs: number, batchSize: number): Promise<number> {
  let count = 0;
  await model.fit(x, y, { epochs, batchSize, verbose: 0, callbacks: { onBatchEnd: async () => void count++ } });
  return count;
}

console.log(`${examples} examples, batch size 100: 1 epoch = ${await iterations(1, 100)} iterations`);
console.log(`${examples} examples, batch size 100: 50 epochs = ${await iterations(50, 100)} iterations`);
// The course's mini-batch loop takes len(X) // batch_size batches and so skips the last 8 examples; fit, as
// Keras and TF.js, ends each epoch with the smaller batch instead.
console.log(`${examples} examples, batch size 32: 1 epoch = ${await iterations(1, 32)} iterations (31 of 32 examples and one of 8)`);
