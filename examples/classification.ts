// A synthetic binary task with 20 features (the label depends on a few of them, non-linearly), trained
// with Adam and binary cross-entropy, as in the course's PyTorch example (002, Part 9); train and test loss
// side by side each epoch. Writes the learning curves and the decision boundary on the plane of x0 and x1
// (the other features at 0, where the rule is x0·x1 > 0) as SVG into examples/out (or $EXAMPLES_OUT).
// Run: npx tsx examples/classification.ts

import * as tf from 'neurite';
import { decisionBoundary, saveLearningCurves, savePicture } from './svg.js';

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
  return { x, v, labels, y: tf.tensor2d(labels, [rows, 1]) };
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
const history = await model.fit(train.x, train.y, {
  epochs: 15,
  batchSize: 32,
  verbose: 0,
  validationData: [test.x, test.y],
  callbacks: {
    onEpochEnd: (epoch, logs) =>
      console.log(`${String(epoch + 1).padStart(5)}  ${logs!.loss.toFixed(4).padStart(10)}  ${logs!.val_loss.toFixed(4).padStart(9)}  ${(logs!.val_acc * 100).toFixed(1).padStart(12)}%`),
  },
});

// The plane of x0 and x1: grid points padded with zeros to 20 features; the test samples shown are those
// near the plane (|x2|, |x3| < 0.5), whose labels the plane's rule mostly decides.
const onPlane = (grid: number[][]) => tf.tensor2d(grid.map(([a, b]) => [a, b, ...new Array(features - 2).fill(0)]));
const near = test.labels.flatMap((label, i) => {
  const r = test.v.subarray(i * features);
  return Math.abs(r[2]) < 0.5 && Math.abs(r[3]) < 0.5 ? [{ x: r[0], y: r[1], label }] : [];
});
const boundary = decisionBoundary({
  title: 'Classification: the plane of x0 and x1, other features 0',
  xLabel: 'x0',
  yLabel: 'x1',
  x: [-3, 3],
  y: [-3, 3],
  points: near,
  predict: (grid) => model.predict(onPlane(grid)).dataSync(),
});
const files = [...saveLearningCurves('classification', 'Classification, 20 features', history.history), savePicture('classification-boundary.svg', boundary)];
console.log(`pictures: ${files.join(', ')}`);
