// MNIST: the 10,000 real digits of the `mnist` package, a 784-128-64-10 network trained with Adam and a
// progress bar, accuracy on the 2,000 held-out digits, and speed. With --compare-js it then trains one
// more epoch on the pure-TypeScript backend for comparison. Writes the learning curves as SVG into
// examples/out (or $EXAMPLES_OUT). `npm run demo` runs this.

import * as tf from 'neurite';
import { loadMnist } from './data.js';
import { saveLearningCurves } from './svg.js';

const epochs = Number(process.env.EPOCHS ?? 10);
const batchSize = 64;

function buildModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 128, activation: 'relu', inputShape: [784] }),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: 10, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

await tf.ready();
tf.setSeed(2024);
const { train, test } = loadMnist();
const xTrain = tf.tensor2d(train.x, [train.rows, 784]);
const yTrain = tf.oneHot(tf.tensor1d(train.labels, 'int32'), 10, 1, 0, 'float32');
const xTest = tf.tensor2d(test.x, [test.rows, 784]);
const yTest = tf.oneHot(tf.tensor1d(test.labels, 'int32'), 10, 1, 0, 'float32');
console.log(`MNIST: ${train.rows} training and ${test.rows} test digits; backend ${tf.getBackend()}`);

const model = buildModel();
model.summary();
const start = performance.now();
const history = await model.fit(xTrain, yTrain, { epochs, batchSize, verbose: 1 });
const seconds = (performance.now() - start) / 1000;
const [, accuracy] = (model.evaluate(xTest, yTest) as tf.Tensor[]).map((t) => t.dataSync()[0]);
const wasmRate = (epochs * train.rows) / seconds;
console.log(`test accuracy ${(accuracy * 100).toFixed(2)}%; training ${Math.round(wasmRate)} samples/s on ${tf.getBackend()}`);
console.log(`pictures: ${saveLearningCurves('mnist', 'MNIST, 784-128-64-10', history.history).join(', ')}`);

if (process.argv.includes('--compare-js')) {
  await tf.setBackend('js');
  const twin = buildModel();
  const t0 = performance.now();
  await twin.fit(xTrain, yTrain, { epochs: 1, batchSize, verbose: 1 });
  const jsRate = train.rows / ((performance.now() - t0) / 1000);
  console.log(`the same epoch on the js backend: ${Math.round(jsRate)} samples/s (wasm is ${(wasmRate / jsRate).toFixed(1)}x faster)`);
}
