// 001, STEP 3: a hidden layer. The input x = 1 (label 0) goes through two sigmoid neurons (w1 = 0.4,
// w2 = -0.6, b1 = 0.1, b2 = 0.2) into a sigmoid output (w3 = 0.3, w4 = 0.8, b3 = 0.1): a 1-2-1 sequential
// model holding those weights. Part 2's forward pass and loss; Part 4's update with pretend gradients;
// Part 5's ten epochs with pretend gradients for w1..w4, run after Part 4 as the text runs them; then ten
// epochs of real backpropagation (fit with SGD) from Part 2's weights. Run: npx tsx examples/hidden-layer.ts

import * as tf from 'neurite';

await tf.ready();
/** A float32 result with the digits it carries (7). */
const show = (v: number) => Number(v.toPrecision(7));
const lr = 0.1;
const x = tf.tensor2d([[1]]);
const y = tf.tensor2d([[0]]);
const initial = [tf.tensor2d([[0.4, -0.6]]), tf.tensor1d([0.1, 0.2]), tf.tensor2d([[0.3], [0.8]]), tf.tensor1d([0.1])]; // w1 w2, b1 b2, w3 w4, b3

const model = tf.sequential({
  layers: [tf.layers.dense({ units: 2, activation: 'sigmoid', inputShape: [1] }), tf.layers.dense({ units: 1, activation: 'sigmoid' })],
});
model.setWeights(initial);
const loss = () => show(tf.losses.meanSquaredError(y, model.predict(x)).dataSync()[0]);
/** weights - lr × gradients, for pretend gradients given in the weights' order and shapes. */
const pretendStep = (gradients: number[][]) => model.setWeights(model.getWeights().map((w, i) => tf.sub(w, tf.mul(lr, tf.tensor(gradients[i], w.shape)))));

const [h1, h2] = (model.layers[0].apply(x) as tf.Tensor).dataSync();
console.log(`Part 2: h1 = sigmoid(1·0.4 + 0.1) = ${show(h1)}, h2 = sigmoid(1·(-0.6) + 0.2) = ${show(h2)}`);
console.log(`Prediction: ${show(model.predict(x).dataSync()[0])}`);
console.log(`Loss: ${loss()}`);

pretendStep([[0.1, 0.1], [0.05, 0.05], [0.4, 0.3], [0.2]]);
const [[w1, w2], [b1, b2], [w3, w4], [b3]] = model.getWeights().map((w) => [...w.dataSync()].map(show));
console.log(`Part 4: w1 = ${w1}, w2 = ${w2}, b1 = ${b1}, b2 = ${b2}, w3 = ${w3}, w4 = ${w4}, b3 = ${b3}`);

console.log('Part 5, pretend gradients for w1..w4:');
for (let epoch = 1; epoch <= 10; epoch++) {
  console.log(`Epoch ${epoch}, Loss: ${loss()}`);
  pretendStep([[0.1, 0.1], [0, 0], [0.4, 0.3], [0]]);
}

console.log(`real backpropagation (fit, SGD at ${lr}) from Part 2's weights:`);
model.setWeights(initial);
model.compile({ optimizer: tf.train.sgd(lr), loss: 'meanSquaredError' });
const history = await model.fit(x, y, { epochs: 10, verbose: 0 });
history.history.loss.forEach((value, epoch) => console.log(`Epoch ${epoch + 1}, Loss: ${show(value)}`));
