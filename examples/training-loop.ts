// 001, STEP 2, Part 6: the course's first training loop. One sample (x = 2, y = 1), the sigmoid neuron
// w = 0.4, b = 0.1, squared error, learning rate 0.1, five epochs. The course steps with pretend gradients
// (dw = 0.5, db = 0.2) and says to watch the loss decrease: it rises, because the real gradients are
// negative here (a larger w or b moves the output up towards 1). The same five epochs with the gradients
// neurite computes (optimizer.minimize) lower it. Run: npx tsx examples/training-loop.ts

import * as tf from 'neurite';

await tf.ready();
/** A float32 result with the digits it carries (7). */
const show = (v: number) => Number(v.toPrecision(7));
const x = 2;
const y = 1;
/** The squared error of the neuron sigmoid(x·w + b) on the sample. */
const lossOf = (w: tf.Variable, b: tf.Variable) => () => tf.squaredDifference(y, tf.sigmoid(tf.add(tf.mul(x, w), b)));

/** Five epochs from w = 0.4, b = 0.1; `step` updates w and b and returns the loss before the update. */
function train(title: string, step: (optimizer: tf.Optimizer, loss: () => tf.Tensor, w: tf.Variable, b: tf.Variable) => tf.Tensor) {
  const w = tf.variable(tf.scalar(0.4));
  const b = tf.variable(tf.scalar(0.1));
  const loss = lossOf(w, b);
  const optimizer = tf.train.sgd(0.1);
  console.log(title);
  for (let epoch = 1; epoch <= 5; epoch++) console.log(`Epoch ${epoch}, Loss: ${show(step(optimizer, loss, w, b).dataSync()[0])}`);
}

train('pretend gradients dw = 0.5, db = 0.2 (the course loop):', (optimizer, loss, w, b) => {
  const value = loss();
  optimizer.applyGradients({ [w.name]: tf.scalar(0.5), [b.name]: tf.scalar(0.2) });
  return value;
});

const [w, b] = [tf.variable(tf.scalar(0.4)), tf.variable(tf.scalar(0.1))];
const { grads } = tf.variableGrads(lossOf(w, b), [w, b]);
console.log(`real gradients at w = 0.4, b = 0.1: dL/dw = ${show(grads[w.name].dataSync()[0])}, dL/db = ${show(grads[b.name].dataSync()[0])}`);

train('real gradients (optimizer.minimize):', (optimizer, loss) => optimizer.minimize(loss, true)!);
