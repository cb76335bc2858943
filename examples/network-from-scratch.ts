// 002, Part 6: the course's network trained from scratch: 3 inputs, 4 ReLU units and a sigmoid output,
// binary cross-entropy, full-batch gradient descent at 0.1 for 1000 epochs, with the gradients written out
// by hand (dZ2 = A2 - y, ...), here in neurite's ops. The hand gradients are checked against those
// neurite's autodiff (tf.grads) finds for the same loss. The course prints no numbers here (its starting
// weights come from numpy's generator); what must hold is that the two gradients agree, the loss falls and
// the four samples end on the right side of 0.5. Run: npx tsx examples/network-from-scratch.ts

import * as tf from 'neurite';

await tf.ready();
tf.setSeed(42);
const X = tf.tensor2d([[1, 2, 3], [2, 3, 4], [3, 4, 5], [4, 5, 6]]);
const y = tf.tensor2d([[0], [0], [1], [1]]);
const m = X.shape[0];
const learningRate = 0.1;

/** The forward pass: Z1 = X·W1 + b1, A1 = relu(Z1), A2 = sigmoid(A1·W2 + b2). */
function forward([W1, b1, W2, b2]: tf.Tensor[]) {
  const Z1 = X.matMul(W1).add(b1);
  const A1 = tf.relu(Z1);
  const A2 = tf.sigmoid(A1.matMul(W2).add(b2));
  return { Z1, A1, A2 };
}
/** Binary cross-entropy as the course writes it, 1e-8 keeping log away from 0. */
const loss = (A2: tf.Tensor) => y.mul(A2.add(1e-8).log()).add(tf.sub(1, y).mul(tf.sub(1, A2).add(1e-8).log())).mean().neg();

/** The course's backward pass, by hand: [dW1, db1, dW2, db2]. */
function handGradients(params: tf.Tensor[]): tf.Tensor[] {
  const { Z1, A1, A2 } = forward(params);
  const dZ2 = A2.sub(y); // the derivative of cross-entropy and sigmoid together
  const dW2 = A1.transpose().matMul(dZ2).div(m);
  const db2 = dZ2.sum(0, true).div(m);
  const dA1 = dZ2.matMul(params[2].transpose());
  const dZ1 = dA1.mul(Z1.greater(0).cast('float32')); // ReLU's derivative: 1 where Z1 > 0
  const dW1 = X.transpose().matMul(dZ1).div(m);
  const db1 = dZ1.sum(0, true).div(m);
  return [dW1, db1, dW2, db2];
}
const autodiffGradients = tf.grads((W1, b1, W2, b2) => loss(forward([W1, b1, W2, b2]).A2));

/** The largest difference between the hand and autodiff gradients, relative to the largest gradient. */
function gradientGap(params: tf.Tensor[]): number {
  return tf.tidy(() => {
    const hand = handGradients(params);
    const auto = autodiffGradients(params);
    const gap = Math.max(...hand.map((h, i) => h.sub(auto[i]).abs().max().dataSync()[0]));
    return gap / Math.max(...auto.map((g) => g.abs().max().dataSync()[0]));
  });
}

// Small random weights (randn × 0.01, as the course) and zero biases.
let params = [tf.randomNormal([3, 4]).mul(0.01), tf.zeros([1, 4]), tf.randomNormal([4, 1]).mul(0.01), tf.zeros([1, 1])];
console.log(`hand gradients vs autodiff at the start: largest difference ${Number(gradientGap(params).toPrecision(2))} of the largest gradient`);
for (let epoch = 0; epoch < 1000; epoch++) {
  const next = tf.tidy(() => {
    if (epoch % 100 === 0) console.log(`Epoch ${epoch}, Loss: ${loss(forward(params).A2).dataSync()[0].toFixed(4)}`);
    const gradients = handGradients(params);
    return params.map((p, i) => p.sub(gradients[i].mul(learningRate)));
  });
  tf.dispose(params);
  params = next;
}
console.log(`hand gradients vs autodiff after training: largest difference ${Number(gradientGap(params).toPrecision(2))} of the largest gradient`);
console.log(`Final predictions: ${[...forward(params).A2.dataSync()].map((p) => p.toFixed(4)).join(' ')}`);
console.log(`Actual labels:     ${[...y.dataSync()].join(' ')}`);
