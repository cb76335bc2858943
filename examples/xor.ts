// XOR, the problem no single-layer network solves: one hidden layer of 8 tanh units learns it.
// Run: npx tsx examples/xor.ts

import * as tf from 'neurite';

await tf.ready();
tf.setSeed(1);
const x = tf.tensor2d([[0, 0], [0, 1], [1, 0], [1, 1]]);
const y = tf.tensor2d([[0], [1], [1], [0]]);
const model = tf.sequential({
  layers: [tf.layers.dense({ units: 8, activation: 'tanh', inputShape: [2] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
});
model.compile({ optimizer: tf.train.adam(0.05), loss: 'binaryCrossentropy', metrics: ['accuracy'] });
const history = await model.fit(x, y, { epochs: 300, batchSize: 4, verbose: 0 });
const predictions = model.predict(x).dataSync();
console.log(`loss ${history.history.loss.at(-1)!.toFixed(4)}, accuracy ${history.history.acc.at(-1)}`);
for (const [i, input] of ['0 0', '0 1', '1 0', '1 1'].entries()) console.log(`${input} -> ${predictions[i].toFixed(3)}`);
