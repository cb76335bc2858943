// The course's single neurons: a neuron multiplies its inputs by weights, adds a bias and applies an
// activation, y = f(w·x + b), which is what a one-unit tf.layers.dense does. Each neuron below is such a
// layer holding the course's weights. Run: npx tsx examples/neuron.ts

import * as tf from 'neurite';

await tf.ready();

/** One neuron: a one-unit dense layer with these weights (one per input) and bias. */
function neuron(weights: number[], bias: number, activation: 'linear' | 'sigmoid' | 'relu' = 'linear') {
  const layer = tf.layers.dense({ units: 1, activation, inputShape: [weights.length] });
  const model = tf.sequential({ layers: [layer] });
  layer.setWeights([tf.tensor2d(weights, [weights.length, 1]), tf.tensor1d([bias])]);
  return (inputs: number[]) => model.predict(tf.tensor2d([inputs])).dataSync()[0];
}
/** A float32 result with the digits it carries (7), without binary noise such as 53.099998. */
const show = (v: number) => Number(v.toPrecision(7));
const terms = (x: number[], w: number[]) => tf.mul(x, w).arraySync() as number[];

// 001, STEP 1: neuron(2, 0.5, 1), a weighted sum and a bias, no activation yet.
console.log(`001 STEP 1:  x·w + b = 2·0.5 + 1 = ${neuron([0.5], 1)([2])}`);

// 001, STEP 2, Part 1: the same neuron with a sigmoid, neuron(x=2, w=0.4, b=0.1).
console.log(`001 STEP 2:  sigmoid(2·0.4 + 0.1) = sigmoid(0.9) = ${show(neuron([0.4], 0.1, 'sigmoid')([2]))}`);

// 002, Part 2: will the student pass? 8 hours studied, 75 on the previous test, 80% attendance; a step
// activation (1 if z > 0) decides.
const student = [8, 75, 80];
const weights = [0.4, 0.01, 0.005];
const z = neuron(weights, -2)(student);
console.log(`002 Part 2:  z = 0.4·8 + 0.01·75 + 0.005·80 - 2 = ${terms(student, weights).map(show).join(' + ')} - 2 = ${show(z)}`);
console.log(`             output = step(z) = ${tf.step(tf.scalar(z)).dataSync()[0]} (the student passes)`);

// 004, section 3: one hidden neuron of the exam network: 10 hours studied, 7 of sleep, 75 on the previous
// test, 80% attendance, weights 0.5, 0.3, 0.4, 0.2 and bias 5, then ReLU.
const inputs = [10, 7, 75, 80];
const hidden = [0.5, 0.3, 0.4, 0.2];
const sum = show(tf.sum(tf.mul(inputs, hidden)).dataSync()[0]);
console.log(`004 §3:      10·0.5 + 7·0.3 + 75·0.4 + 80·0.2 = ${terms(inputs, hidden).map(show).join(' + ')} = ${sum}`);
console.log(`             ${sum} + 5 = ${show(neuron(hidden, 5)(inputs))}, after ReLU ${show(neuron(hidden, 5, 'relu')(inputs))}`);
