// The course's activation functions at the inputs its examples use (002, Part 3; 004, section 5), each
// computed by neurite's op of that name on a tensor of those inputs. Run: npx tsx examples/activations.ts

import * as tf from 'neurite';

await tf.ready();
/** A float32 result with the digits it carries (7). */
const show = (v: number) => Number(v.toPrecision(7));

/** Prints f(x) = y for each input, one line per function. */
function row(name: string, f: (x: tf.Tensor) => tf.Tensor, inputs: number[]) {
  const outputs = f(tf.tensor1d(inputs)).dataSync();
  console.log(inputs.map((x, i) => `${name}(${x}) = ${show(outputs[i])}`).join('   '));
}

row('sigmoid', tf.sigmoid, [0, 5, -5]); // squashes into (0, 1)
row('tanh', tf.tanh, [0, 2, -2]); // squashes into (-1, 1), centred on 0
row('relu', tf.relu, [5, -3, 0, 58.1, -100]); // keeps positives, zeroes negatives
// The course's Leaky ReLU is max(0.01z, z); TF.js's leakyRelu defaults to a slope of 0.2, so pass 0.01.
row('leakyRelu', (x) => tf.leakyRelu(x, 0.01), [5, -3, 0]);

// Softmax turns scores into probabilities that sum to 1.
const probabilities = tf.softmax(tf.tensor1d([2.0, 1.0, 0.1]));
console.log(`softmax([2, 1, 0.1]) = [${[...probabilities.dataSync()].map(show).join(', ')}], sum = ${show(tf.sum(probabilities).dataSync()[0])}`);
