// The course's weight updates, new weight = old weight - learning rate × gradient, each made by an
// optimizer of neurite (tf.train.sgd) on a variable, given the course's gradient. Then the first step of
// momentum and Adam, which the course names without numbers. Run: npx tsx examples/gradient-descent.ts

import * as tf from 'neurite';

await tf.ready();
/** A float32 result with the digits it carries (7). */
const show = (v: number) => Number(v.toPrecision(7));

/** One step of `optimizer` on variables starting at `weights`, with these gradients; the new weights. */
function step(optimizer: tf.Optimizer, weights: number[], gradients: number[]): number[] {
  const w = tf.variable(tf.tensor1d(weights));
  optimizer.applyGradients({ [w.name]: tf.tensor1d(gradients) });
  return [...w.dataSync()].map(show);
}
const sgd = (lr: number, w: number, g: number) => step(tf.train.sgd(lr), [w], [g])[0];

// 002, Part 5: weight 2.0, gradient 0.5 (the loss rises with the weight), learning rate 0.1.
console.log(`002:  2.0 - 0.1 × 0.5 = ${sgd(0.1, 2.0, 0.5)}`);
// 001, STEP 2, Part 5: w = 0.4 and b = 0.1 with pretend gradients dw = 0.5, db = 0.2, learning rate 0.1.
const [w, b] = step(tf.train.sgd(0.1), [0.4, 0.1], [0.5, 0.2]);
console.log(`001:  w = 0.4 - 0.1 × 0.5 = ${w}, b = 0.1 - 0.1 × 0.2 = ${b}`);
// 003, Weight Update and Learning Rate Importance: weight 0.5, gradient 0.028, three learning rates.
// (The course prints 0.49997 for the smallest; 0.5 - 0.0001 × 0.028 is 0.4999972.)
for (const lr of [0.1, 0.0001, 1.0]) console.log(`003:  0.5 - ${lr} × 0.028 = ${sgd(lr, 0.5, 0.028)}`);
// 004, section 7: a positive gradient lowers the weight, a negative one raises it; learning rate 0.01.
console.log(`004:  0.5 - 0.01 × 2.0 = ${sgd(0.01, 0.5, 2.0)}`);
console.log(`004:  0.3 - 0.01 × (-1.5) = ${sgd(0.01, 0.3, -1.5)}`);
// 004, section 8: optimizer.step() updates every weight at once: gradients 2.5, -1.2, 0.1 at 0.01.
console.log(`004:  [0.5, 0.3, 0.8] - 0.01 × [2.5, -1.2, 0.1] = [${step(tf.train.sgd(0.01), [0.5, 0.3, 0.8], [2.5, -1.2, 0.1]).join(', ')}]`);

// Not in the course: the first step of momentum (0.9) equals plain SGD's, its velocity starting at zero;
// Adam's first step is the learning rate itself (m̂ / √v̂ = g / |g|), whatever the gradient's size, to
// within its epsilon (hence 6 digits).
const adam = (w: number, g: number) => Number(step(tf.train.adam(0.01), [w], [g])[0].toPrecision(6));
console.log(`momentum, first step: 0.5 - 0.01 × 2.0 = ${step(tf.train.momentum(0.01, 0.9), [0.5], [2.0])[0]}`);
console.log(`adam, first step: 0.5 - 0.01 × sign(2.0) = ${adam(0.5, 2.0)}, 0.3 - 0.01 × sign(-1.5) = ${adam(0.3, -1.5)}`);
