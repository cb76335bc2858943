// The course's losses computed by hand, here by neurite's losses and metrics: mean squared error for
// numbers, binary cross-entropy for yes/no. Run: npx tsx examples/losses.ts

import * as tf from 'neurite';

await tf.ready();
/** A float32 result with the digits it carries (7). */
const show = (v: number) => Number(v.toPrecision(7));
const mse = (actual: number[], predicted: number[]) => show(tf.losses.meanSquaredError(actual, predicted).dataSync()[0]);
const bce = (actual: number[], predicted: number[]) => show(tf.metrics.binaryCrossentropy(tf.tensor1d(actual), tf.tensor1d(predicted)).dataSync()[0]);
const squares = (actual: number[], predicted: number[]) => [...tf.squaredDifference(predicted, actual).dataSync()].map(show);

// 003, section 1: predicted 0.8, actual 1.0.
console.log(`003 MSE:  (0.8 - 1.0)² = ${mse([1.0], [0.8])}`);
// 003, Common Loss Functions: two predictions, the mean of their squared errors.
console.log(`003 MSE:  [(0.8-1.0)² + (0.6-0.5)²] / 2 = [${squares([1.0, 0.5], [0.8, 0.6]).join(' + ')}] / 2 = ${mse([1.0, 0.5], [0.8, 0.6])}`);
// 001, STEP 2, Part 2: the sigmoid neuron's output sigmoid(0.9) against the truth 1.
const output = tf.sigmoid(tf.scalar(0.9)).dataSync()[0];
console.log(`001 MSE:  (1 - ${show(output)})² = ${mse([1], [output])}`);
// 002, Part 5: four regression targets.
console.log(`002 MSE:  actual [3, -0.5, 2, 7], predicted [2.5, 0, 2, 8]: ${mse([3, -0.5, 2, 7], [2.5, 0.0, 2, 8])}`);
// 004, section 4: a house priced at $400,000 that sold for $450,000.
console.log(`004 MSE:  (400000 - 450000)² = ${mse([450000], [400000])}`);
// 004, section 4: the loss over several examples is their average.
console.log(`004 mean: (0.8 + 0.3 + 0.5 + 0.2) / 4 = ${show(tf.mean([0.8, 0.3, 0.5, 0.2]).dataSync()[0])}`);

// 003: predicted 0.8 for a true 1: -(1·log(0.8) + 0·log(0.2)) = -log(0.8).
console.log(`003 BCE:  -log(0.8) = ${bce([1], [0.8])}`);
// 004, section 4: the student passed (1); predicting 0.9 costs little, predicting 0.1 a lot.
console.log(`004 BCE:  predicted 0.9: ${bce([1], [0.9])}, predicted 0.1: ${bce([1], [0.1])}`);
// 002, Part 5: good and bad predictions of the labels [1, 0, 1, 1].
console.log(`002 BCE:  good [0.9, 0.1, 0.8, 0.7]: ${bce([1, 0, 1, 1], [0.9, 0.1, 0.8, 0.7])}, bad [0.1, 0.9, 0.2, 0.3]: ${bce([1, 0, 1, 1], [0.1, 0.9, 0.2, 0.3])}`);
