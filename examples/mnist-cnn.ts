// The classic TF.js MNIST CNN (the "handwritten digit recognition" tutorial and tfjs-examples/mnist), written
// as TF.js users write it: two 5x5 convolutions with max pooling, then a softmax layer, trained with Adam on
// the `mnist` package's real digits for 3 epochs (7,996: four fifths of each class) and tested on the other 2,004,
// with fit's default batch of 32, as in TF.js; writes the learning curves as SVG into examples/out (or
// $EXAMPLES_OUT). `npx tsx examples/mnist-cnn.ts [--epochs N] [--batch N]`

import * as tf from 'neurite';
import { loadMnist } from './data.js';
import { saveLearningCurves } from './svg.js';

const option = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
};
const epochs = option('epochs', 3);
const batchSize = option('batch', 32);

function buildModel(): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [28, 28, 1], kernelSize: 5, filters: 8, strides: 1, activation: 'relu', kernelInitializer: 'varianceScaling' }));
  model.add(tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
  model.add(tf.layers.conv2d({ kernelSize: 5, filters: 16, strides: 1, activation: 'relu', kernelInitializer: 'varianceScaling' }));
  model.add(tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 10, kernelInitializer: 'varianceScaling', activation: 'softmax' }));
  model.compile({ optimizer: tf.train.adam(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

await tf.ready();
tf.setSeed(2024);
const { train, test } = loadMnist();
const images = (x: Float32Array, rows: number) => tf.tensor4d(x, [rows, 28, 28, 1]);
const labels = (l: Int32Array) => tf.tidy(() => tf.oneHot(tf.tensor1d(l, 'int32'), 10, 1, 0, 'float32'));
const [xTrain, yTrain, xTest, yTest] = [images(train.x, train.rows), labels(train.labels), images(test.x, test.rows), labels(test.labels)];
console.log(`MNIST CNN: ${train.rows} training and ${test.rows} test digits, ${epochs} epochs of batch ${batchSize}; ${tf.getBackend()} (${tf.getBuild()})`);

const model = buildModel();
model.summary();
const start = performance.now();
const history = await model.fit(xTrain, yTrain, { epochs, batchSize, verbose: 2 });
const seconds = (performance.now() - start) / 1000;
const [, accuracy] = (model.evaluate(xTest, yTest) as tf.Tensor[]).map((t) => t.dataSync()[0]);
console.log(`test accuracy ${(accuracy * 100).toFixed(2)}%; training ${Math.round((epochs * train.rows) / seconds)} samples/s`);
console.log(`pictures: ${saveLearningCurves('mnist-cnn', 'MNIST CNN', history.history).join(', ')}`);
