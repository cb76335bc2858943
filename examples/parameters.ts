// 002, Part 4: from neurons to layers. The course's 3-4-1 network (ReLU hidden layer, sigmoid output) as a
// sequential model: its weight matrices have the shapes of the course's numpy forward_pass (inputs ×
// units), its forward pass is sigmoid(relu(X·W1 + b1)·W2 + b2), and it counts its parameters. Then the
// course's practice problem 2: 4 inputs, hidden layers of 5 and 3, 2 outputs. Run: npx tsx examples/parameters.ts

import * as tf from 'neurite';

await tf.ready();
tf.setSeed(3);
// W = randn × 0.1 and b = 0, as the course initialises them.
const init = { kernelInitializer: tf.initializers.randomNormal({ stddev: 0.1 }), biasInitializer: 'zeros' } as const;
const model = tf.sequential({
  layers: [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3], ...init }), tf.layers.dense({ units: 1, activation: 'sigmoid', ...init })],
});
const [W1, b1, W2, b2] = model.getWeights();
console.log(`shapes: W1 [${W1.shape}], b1 [${b1.shape}], W2 [${W2.shape}], b2 [${b2.shape}]`);

const X = tf.tensor2d([[1.0, 2.0, 3.0]]); // one sample, 3 features
const prediction = model.predict(X).dataSync()[0];
const byHand = tf.sigmoid(tf.relu(X.matMul(W1).add(b1)).matMul(W2).add(b2)).dataSync()[0];
console.log(`Prediction: ${prediction.toFixed(6)} (by hand, sigmoid(relu(X·W1 + b1)·W2 + b2): ${byHand.toFixed(6)})`);
console.log(`3-4-1 parameters: 3·4 + 4 + 4·1 + 1 = ${model.countParams()}`);

// Practice problem 2: weights plus biases of a 4-5-3-2 network.
const practice = tf.sequential({
  layers: [tf.layers.dense({ units: 5, inputShape: [4] }), tf.layers.dense({ units: 3 }), tf.layers.dense({ units: 2 })],
});
console.log(`4-5-3-2 parameters: (4·5 + 5) + (5·3 + 3) + (3·2 + 2) = ${practice.layers.map((l) => l.countParams()).join(' + ')} = ${practice.countParams()}`);
