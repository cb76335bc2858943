// A synthetic binary task with 20 features (the label depends on a few of them, non-linearly), trained
// with Adam and binary cross-entropy; train and test loss side by side each epoch.
// Run: npx tsx examples/classification.ts

import * as tf from 'neurite';

await tf.ready();
tf.setSeed(7);
const features = 20;
/** Samples whose label is whether x0·x1 + sin(x2) - x3² / 2 > 0, with 10% of labels flipped as noise. */
function makeData(rows: number, seed: number) {
  const x = tf.randomNormal([rows, features], 0, 1, 'float32', seed);
  const v = x.dataSync();
  const flips = tf.randomUniform([rows], 0, 1, 'float32', seed + 1).dataSync();
  const labels = Array.from({ length: rows }, (_, i) => {
    const r = v.subarray(i * features);
    const label = r[0] * r[1] + Math.sin(r[2]) - (r[3] * r[3]) / 2 > 0 ? 1 : 0;
    return flips[i] < 0.1 ? 1 - label : label;
  });
  return { x, y: tf.tensor2d(labels, [rows, 1]) };
}
const train = makeData(4000, 1);
const test = makeData(1000, 2);

const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 32, activation: 'relu', inputShape: [features] }),
    tf.layers.dense({ units: 16, activation: 'relu' }),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ],
});
model.compile({ optimizer: tf.train.adam(0.003), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
console.log('epoch  train loss  test loss  test accuracy');
await model.fit(train.x, train.y, {
  epochs: 15,
  batchSize: 32,
  verbose: 0,
  validationData: [test.x, test.y],
  callbacks: {
    onEpochEnd: (epoch, logs) =>
      console.log(`${String(epoch + 1).padStart(5)}  ${logs!.loss.toFixed(4).padStart(10)}  ${logs!.val_loss.toFixed(4).padStart(9)}  ${(logs!.val_acc * 100).toFixed(1).padStart(12)}%`),
  },
});
