// XOR, the problem no single neuron solves (course 001, STEP 3): one hidden layer of 8 tanh units learns all
// four cases, while a lone sigmoid neuron, whose boundary is one straight line, cannot get more than three.
// Writes both decision boundaries and the learning curves as SVG into examples/out (or $EXAMPLES_OUT).
// Run: npx tsx examples/xor.ts

import * as tf from 'neurite';
import { decisionBoundary, saveLearningCurves, savePicture } from './svg.js';

await tf.ready();
tf.setSeed(1);
const inputs = [[0, 0], [0, 1], [1, 0], [1, 1]];
const labels = [0, 1, 1, 0];
const x = tf.tensor2d(inputs);
const y = tf.tensor2d(labels, [4, 1]);

async function train(name: string, layers: tf.Layer[]) {
  const model = tf.sequential({ layers });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const history = await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
  console.log(`${name}: loss ${history.history.loss.at(-1)!.toFixed(4)}, accuracy ${history.history.acc.at(-1)}`);
  return { model, history };
}

const { model, history } = await train('hidden layer', [
  tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }),
  tf.layers.dense({ units: 1, activation: 'sigmoid' }),
]);
const predictions = model.predict(x).dataSync();
for (const [i, input] of inputs.entries()) console.log(`${input.join(' ')} -> ${predictions[i].toFixed(3)}`);
const neuron = await train('single neuron', [tf.layers.dense({ units: 1, activation: 'sigmoid', inputShape: [2] })]);

const points = inputs.map(([a, b], i) => ({ x: a, y: b, label: labels[i] }));
const boundary = (title: string, m: tf.Sequential) =>
  decisionBoundary({ title, xLabel: 'x1', yLabel: 'x2', x: [-0.5, 1.5], y: [-0.5, 1.5], points, predict: (grid) => m.predict(tf.tensor2d(grid)).dataSync() });
const files = [
  ...saveLearningCurves('xor', 'XOR, 8 tanh units', history.history),
  savePicture('xor-boundary.svg', boundary('XOR: 8 tanh units, then a sigmoid', model)),
  savePicture('xor-single-neuron-boundary.svg', boundary('XOR: one sigmoid neuron, one straight line, cannot split it', neuron.model)),
];
console.log(`pictures: ${files.join(', ')}`);
