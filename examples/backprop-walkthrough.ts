// The course's worked example, computed by neurite's own layers: x = 2, w = 3, ReLU, v = 0.5, target 5.
// Forward gives 3 and loss 4; backward gives dL/dv = -24 and dL/dw = -4; one SGD step at 0.1 gives
// w = 3.4 and v = 2.9. Run: npx tsx examples/backprop-walkthrough.ts

import * as tf from 'neurite';

await tf.ready();
const model = tf.sequential({
  layers: [
    tf.layers.dense({ units: 1, activation: 'relu', useBias: false, inputShape: [1] }), // z = w·x, h = relu(z)
    tf.layers.dense({ units: 1, useBias: false }), // out = v·h
  ],
});
model.setWeights([tf.tensor2d([[3]]), tf.tensor2d([[0.5]])]);
model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });

const x = tf.tensor2d([[2]]);
const target = tf.tensor2d([[5]]);
const [w, v] = model.getWeights().map((t) => t.dataSync()[0]);
const h = Math.max(w * 2, 0);
const out = model.predict(x).dataSync()[0];
console.log(`forward:  z = w·x = ${w}·2 = ${w * 2}, h = relu(z) = ${h}, out = v·h = ${v}·${h} = ${out}`);

const loss = (await model.trainOnBatch(x, target)) as number;
console.log(`loss:     (out - target)² = (${out} - 5)² = ${loss}`);
const [w1, v1] = model.getWeights().map((t) => t.dataSync()[0]);
// With SGD, each gradient is what the step subtracted, divided by the learning rate.
const dv = (v - v1) / 0.1;
const dw = (w - w1) / 0.1;
console.log(`backward: dL/dout = 2·(out - target) = ${2 * (out - 5)}`);
console.log(`          dL/dv = dL/dout · h = ${dv.toFixed(4)}`);
console.log(`          dL/dw = dL/dout · v · relu'(z) · x = ${dw.toFixed(4)}`);
console.log(`update:   w = 3 - 0.1·(${dw.toFixed(1)}) = ${w1.toFixed(4)}, v = 0.5 - 0.1·(${dv.toFixed(1)}) = ${v1.toFixed(4)}`);
