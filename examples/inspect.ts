// Seeing inside training with tf.callbacks.inspect, on 2,000 MNIST digits: the course's lessons on a real
// model. A deep sigmoid network's gradient fades layer by layer towards the input (vanishing gradients) where
// the same network with relu and heNormal keeps it; and too high a learning rate kills ReLUs for good.
// Run: npx tsx examples/inspect.ts

import * as tf from 'neurite';
import { loadMnist } from './data.js';

await tf.ready();
const { train } = loadMnist();
const rows = 2000;
const x = tf.tensor2d(train.x.subarray(0, rows * 784), [rows, 784]);
const labels = tf.tensor1d(train.labels.subarray(0, rows), 'int32');
const y = tf.oneHot(labels, 10);
const epochs = 2;

/** Trains `depth` hidden layers of 64 units and a softmax with plain SGD; prints the last epoch's report, returns its hidden rows and the accuracy. */
async function trainAndInspect(title: string, depth: number, activation: 'sigmoid' | 'relu', kernelInitializer: 'glorotUniform' | 'heNormal', learningRate: number) {
  console.log(`\n${title}`);
  tf.setSeed(1);
  const hidden = Array.from({ length: depth }, (_, i) => tf.layers.dense({ units: 64, activation, kernelInitializer, ...(i === 0 ? { inputShape: [784] } : {}) }));
  const model = tf.sequential({ layers: [...hidden, tf.layers.dense({ units: 10, activation: 'softmax' })] });
  model.compile({ optimizer: tf.train.sgd(learningRate), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  // Every `epochs` epochs: only the last one's table.
  const inspect = tf.callbacks.inspect({ x, y, sample: 256, every: epochs });
  const history = await model.fit(x, y, { epochs, batchSize: 32, verbose: 0, callbacks: [inspect] });
  model.dispose();
  return { layers: inspect.reports[0].layers.slice(0, depth), accuracy: history.history.acc.at(-1)! };
}

const percent = (v: number) => `${(100 * v).toFixed(0)}%`;

console.log('1. Vanishing gradients: six hidden layers, SGD at 0.1');
const sigmoid = await trainAndInspect('sigmoid, glorotUniform:', 6, 'sigmoid', 'glorotUniform', 0.1);
const relu = await trainAndInspect('relu, heNormal:', 6, 'relu', 'heNormal', 0.1);
console.log();
/** The first hidden layer's gradient norm against the last one's. */
const fade = (layers: tf.LayerReport[]) => layers[0].gradNorm! / layers.at(-1)!.gradNorm!;
for (const [name, { layers, accuracy }] of [['sigmoid', sigmoid], ['relu + heNormal', relu]] as const) {
  console.log(`${name}: gradient norm of layer 1 / layer 6 = ${fade(layers).toPrecision(2)}, accuracy ${percent(accuracy)}`);
}

console.log('\n2. Dead ReLUs: three hidden relu layers, SGD at a good and a too-high rate');
/** The share of hidden units that gave 0 for every sampled digit (the layers are all 64 wide). */
const dead = (layers: tf.LayerReport[]) => layers.reduce((n, l) => n + l.deadFraction!, 0) / layers.length;
for (const rate of [0.1, 1]) {
  const { layers, accuracy } = await trainAndInspect(`learning rate ${rate}:`, 3, 'relu', 'heNormal', rate);
  console.log(`learning rate ${rate}: ${percent(dead(layers))} of the hidden relu units dead, accuracy ${percent(accuracy)}`);
}
tf.dispose([x, labels, y]);
