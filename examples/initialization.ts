// 002, Part 8: weight initialisation. The course's three recipes for a layer of n_in inputs: randn × 0.01,
// Xavier randn × sqrt(1/n_in) (for sigmoid and tanh) and He randn × sqrt(2/n_in) (for ReLU). Drawn as the
// course writes them, they are pushed through ten ReLU layers to show why it matters: with 0.01 the signal
// vanishes, with He it keeps its size. Then TF.js's named initializers: heNormal and glorotNormal (Glorot's
// own sqrt(2/(n_in + n_out)), which is sqrt(1/n_in) for a square layer) draw a normal cut at two standard
// deviations and, as in TF.js, not rescaled, so their spread is 0.88 of the formula's.
// Run: npx tsx examples/initialization.ts

import * as tf from 'neurite';

await tf.ready();
tf.setSeed(5);
const n = 256; // inputs and units of every layer
const std = (t: tf.Tensor) => tf.moments(t).variance.sqrt().dataSync()[0];
const recipes: Array<[string, number]> = [
  ['randn × 0.01', 0.01],
  ['Xavier randn × sqrt(1/n_in)', Math.sqrt(1 / n)],
  ['He randn × sqrt(2/n_in)', Math.sqrt(2 / n)],
];

console.log(`n_in = ${n}: sqrt(1/n_in) = ${Math.sqrt(1 / n)}, sqrt(2/n_in) = ${Math.sqrt(2 / n).toFixed(6)}`);
const x = tf.randomNormal([512, n]); // a batch of 512 inputs of spread 1, through layers with no bias
for (const [name, scale] of recipes) {
  let a = x;
  for (let layer = 0; layer < 10; layer++) a = tf.relu(a.matMul(tf.randomNormal([n, n]).mul(scale)));
  console.log(`${name.padEnd(28)} spread of the activations after 10 ReLU layers: ${std(a).toPrecision(2)}`);
}
for (const name of ['glorotNormal', 'heNormal'] as const) {
  const w = tf.initializers[name]().apply([n, n]);
  const formula = Math.sqrt((name === 'heNormal' ? 2 : 1) / n);
  const largest = w.abs().max().dataSync()[0];
  console.log(`tf.initializers.${name}: spread ${std(w).toFixed(4)} = ${(std(w) / formula).toFixed(3)} × ${formula.toFixed(4)}, largest |w| ${largest.toFixed(4)} (2σ = ${(2 * formula).toFixed(4)})`);
}
