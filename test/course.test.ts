// The course's worked examples (../shared/course beside the repository, numbered 000-004), each reproduced by an example in
// examples/ that prints the same numbers. Numbers the text states are compared to the digits it gives;
// where the text shows code but not its output, the numbers are what that code prints (the course's Python
// run with CPython, float64), compared to float32's precision. Files: 001 "How You Should Start Deep
// Learning" (STEP 1-3), 002 "Chapter 3: Neural Networks Basics" (Parts 2-8), 003 "Backpropagation in Neural
// Networks", 004 "02. Neural Networks Theory" (sections 3-8). 000 has no numbers.

import { describe, expect, it } from 'vitest';
import { runExample } from './run-example.js';

const NUMBER = String.raw`-?\d+(?:\.\d+)?(?:e[-+]?\d+)?`;

/** The number printed right after `label` (its first occurrence). */
function printed(out: string, label: string): number {
  const match = new RegExp(label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + String.raw`\s*(${NUMBER})`).exec(out);
  if (!match) throw new Error(`nothing printed after ${JSON.stringify(label)} in\n${out}`);
  return Number(match[1]);
}
/** Every number printed after `label`, in order (for lines such as "Epoch 3, Loss: "). */
function allPrinted(out: string, label: string): number[] {
  return [...out.matchAll(new RegExp(label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + String.raw`\s*(${NUMBER})`, 'g'))].map((m) => Number(m[1]));
}
/** A value shown to the digits the course quotes ('0.993', '-0.964', '2.35', '2500000000') reads as the quote. */
function expectQuoted(value: number, quote: string) {
  expect(value.toFixed(quote.split('.')[1]?.length ?? 0)).toBe(quote);
}
/** A float32 result against the float64 number the course's code prints: equal to float32's precision. */
function expectFloat32(value: number, expected: number) {
  expect(Math.abs(value - expected), `${value} vs ${expected}`).toBeLessThanOrEqual(2e-6 * Math.max(Math.abs(expected), 1e-3));
}
const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

describe('the course', () => {
  it('neuron: the single neurons of 001 STEP 1-2, 002 Part 2 and 004 section 3', async () => {
    const out = await runExample('neuron');
    // 001 STEP 1, neuron(2, 0.5, 1): its code prints 2.0.
    expect(printed(out, 'x·w + b = 2·0.5 + 1 =')).toBe(2);
    // 001 STEP 2 Part 1, neuron(x=2, w=0.4, b=0.1) with a sigmoid: its code prints 0.7109495026250039.
    expectFloat32(printed(out, 'sigmoid(0.9) ='), 0.7109495026250039);
    // 002 Part 2: z = 3.2 + 0.75 + 0.4 - 2 = 2.35, output 1 (the student passes).
    expect(out).toContain('= 3.2 + 0.75 + 0.4 - 2 = 2.35\n');
    expect(printed(out, 'output = step(z) =')).toBe(1);
    // 004 section 3: 5 + 2.1 + 30 + 16 = 53.1, plus the bias 5 = 58.1; section 5: ReLU(58.1) = 58.1.
    expect(out).toContain('= 5 + 2.1 + 30 + 16 = 53.1\n');
    expectQuoted(printed(out, '53.1 + 5 ='), '58.1');
    expectQuoted(printed(out, 'after ReLU'), '58.1');
  });

  it('activations: the sigmoid, tanh, ReLU, Leaky ReLU and softmax examples of 002 Part 3 and 004 section 5', async () => {
    const out = await runExample('activations');
    // 002 Part 3, the Simple Examples' printed comments.
    const quoted: Array<[string, string]> = [
      ['sigmoid(0) =', '0.5'], ['sigmoid(5) =', '0.993'], ['sigmoid(-5) =', '0.007'],
      ['tanh(0) =', '0.0'], ['tanh(2) =', '0.964'], ['tanh(-2) =', '-0.964'],
      ['relu(5) =', '5'], ['relu(-3) =', '0'], ['relu(0) =', '0'],
      // 004 section 5: "Input: 58.1 → Output: 58.1", "Input: -100 → Output: 0".
      ['relu(58.1) =', '58.1'], ['relu(-100) =', '0'],
    ];
    for (const [label, quote] of quoted) expectQuoted(printed(out, label), quote);
    // 002 Part 3: Leaky ReLU(z) = max(0.01z, z); the text gives the formula, not values.
    for (const z of [5, -3, 0]) expectFloat32(printed(out, `leakyRelu(${z}) =`), Math.max(0.01 * z, z));
    // 002 Part 3: softmax([2.0, 1.0, 0.1]) = [0.659, 0.242, 0.099], sum = 1.0.
    const probabilities = /softmax\(\[2, 1, 0\.1\]\) = \[(.*)\], sum = (.*)$/m.exec(out)!;
    probabilities[1].split(', ').forEach((p, i) => expectQuoted(Number(p), ['0.659', '0.242', '0.099'][i]));
    expectQuoted(Number(probabilities[2]), '1.0');
  });

  it('losses: mean squared error and binary cross-entropy by hand, 001-004', async () => {
    const out = await runExample('losses');
    // 003 section 1: (0.8 - 1.0)² = 0.04; Common Loss Functions: [0.04 + 0.01] / 2 = 0.025.
    expectQuoted(printed(out, '(0.8 - 1.0)² ='), '0.04');
    expect(out).toContain('= [0.04 + 0.01] / 2 = 0.025\n');
    // 001 STEP 2 Part 2, mse(1, output): its code prints 0.08355019003273263.
    expectFloat32(printed(out, '001 MSE:  (1 - 0.7109495)² ='), 0.08355019003273263);
    // 002 Part 5: MSE 0.375.
    expectQuoted(printed(out, 'predicted [2.5, 0, 2, 8]:'), '0.375');
    // 004 section 4: ($400,000 - $450,000)² = $2,500,000,000; (0.8 + 0.3 + 0.5 + 0.2) / 4 = 0.45.
    expectQuoted(printed(out, '(400000 - 450000)² ='), '2500000000');
    expectQuoted(printed(out, '/ 4 ='), '0.45');
    // 003: BCE = -log(0.8) ≈ 0.223.
    expectQuoted(printed(out, '-log(0.8) ='), '0.223');
    // 004 section 4: predicting 0.9 for a pass is a small loss, 0.1 a large one (no numbers in the text).
    expectFloat32(printed(out, 'predicted 0.9:'), -Math.log(0.9));
    expectFloat32(printed(out, 'predicted 0.1:'), -Math.log(0.1));
    // 002 Part 5, binary_cross_entropy: its code prints 0.19763488164214868 ("low") and 1.854645225687032 ("high").
    expectFloat32(printed(out, 'good [0.9, 0.1, 0.8, 0.7]:'), 0.19763488164214868);
    expectFloat32(printed(out, 'bad [0.1, 0.9, 0.2, 0.3]:'), 1.854645225687032);
  });

  it('gradient-descent: the weight updates of 001-004, and a first momentum and Adam step', async () => {
    const out = await runExample('gradient-descent');
    // 002 Part 5: new weight 1.95.
    expectQuoted(printed(out, '2.0 - 0.1 × 0.5 ='), '1.95');
    // 001 STEP 2 Part 5: its code prints 0.35000000000000003 0.08.
    expectFloat32(printed(out, 'w = 0.4 - 0.1 × 0.5 ='), 0.35000000000000003);
    expectFloat32(printed(out, 'b = 0.1 - 0.1 × 0.2 ='), 0.08);
    // 003 Weight Update: 0.4972; Learning Rate Importance: 0.472 at 1.0. At 0.0001 the text prints 0.49997,
    // which is not 0.5 - 0.0001 × 0.028 = 0.4999972 (the example prints the latter).
    expectQuoted(printed(out, '0.5 - 0.1 × 0.028 ='), '0.4972');
    expectQuoted(printed(out, '0.5 - 1 × 0.028 ='), '0.472');
    expectQuoted(printed(out, '0.5 - 0.0001 × 0.028 ='), '0.4999972');
    // 004 section 7: 0.48 and 0.315; section 8: weight1 0.475, weight2 0.312, weight3 0.799.
    expectQuoted(printed(out, '0.5 - 0.01 × 2.0 ='), '0.48');
    expectQuoted(printed(out, '0.3 - 0.01 × (-1.5) ='), '0.315');
    const [w1, w2, w3] = /\[0\.5, 0\.3, 0\.8\] - 0\.01 × \[2\.5, -1\.2, 0\.1\] = \[(.*)\]$/m.exec(out)![1].split(', ').map(Number);
    expectQuoted(w1, '0.475');
    expectQuoted(w2, '0.312');
    expectQuoted(w3, '0.799');
    // Beyond the course, by hand: momentum's first step is SGD's; Adam's is lr × g / (|g| + 1e-7).
    expectFloat32(printed(out, 'momentum, first step: 0.5 - 0.01 × 2.0 ='), 0.48);
    expect(printed(out, 'sign(2.0) =')).toBeCloseTo(0.5 - (0.01 * 2) / (2 + 1e-7), 6);
    expect(printed(out, 'sign(-1.5) =')).toBeCloseTo(0.3 + (0.01 * 1.5) / (1.5 + 1e-7), 6);
  });

  it("training-loop: 001 STEP 2 Part 6's five epochs, where the pretend gradients raise the loss and real ones lower it", async () => {
    const out = await runExample('training-loop');
    const [pretend, real] = out.split('real gradients (optimizer.minimize):');
    // 001 STEP 2 Part 6: its code prints these five losses (rising, although the text says to watch them fall).
    const course = [0.08355019003273263, 0.09879699077386905, 0.11610348287830073, 0.13556209573333483, 0.15722553313783905];
    const losses = allPrinted(pretend, 'Loss:');
    expect(losses).toHaveLength(5);
    losses.forEach((loss, i) => expectFloat32(loss, course[i]));
    // The chain rule at w = 0.4, b = 0.1: dL/db = -2(1 - a)·a(1 - a), dL/dw = dL/db · x, a = sigmoid(0.9).
    const a = sigmoid(0.9);
    expectFloat32(printed(out, 'dL/dw ='), -2 * (1 - a) * a * (1 - a) * 2);
    expectFloat32(printed(out, 'dL/db ='), -2 * (1 - a) * a * (1 - a));
    const falling = allPrinted(real, 'Loss:');
    expect(falling).toHaveLength(5);
    expectFloat32(falling[0], course[0]);
    for (let i = 1; i < 5; i++) expect(falling[i]).toBeLessThan(falling[i - 1]);
  });

  it("hidden-layer: 001 STEP 3's forward pass, pretend updates and ten epochs, then real backpropagation", async () => {
    const out = await runExample('hidden-layer');
    // 001 STEP 3 Part 2: its code prints Prediction: 0.6474359749679997 and Loss: 0.41917334168276427.
    expectFloat32(printed(out, 'h1 = sigmoid(1·0.4 + 0.1) ='), sigmoid(0.5));
    expectFloat32(printed(out, 'h2 = sigmoid(1·(-0.6) + 0.2) ='), sigmoid(-0.4));
    expectFloat32(printed(out, 'Prediction:'), 0.6474359749679997);
    expectFloat32(printed(out, 'Loss:'), 0.41917334168276427);
    // Part 4, after the pretend update (its code: w1 0.39, w2 -0.61, b1 0.095, b2 0.195, w3 0.26, w4 0.77, b3 0.08).
    const part4: Array<[string, number]> = [['w1 =', 0.39], ['w2 =', -0.61], ['b1 =', 0.095], ['b2 =', 0.195], ['w3 =', 0.26], ['w4 =', 0.77], ['b3 =', 0.08]];
    for (const [label, value] of part4) expectFloat32(printed(out, label), value);
    // Part 5, run after Part 4: its code prints these ten losses.
    const course = [
      0.4012926589640985, 0.38985066115754907, 0.37856269795849956, 0.36743884133185856, 0.3564884706242518, 0.34572025217907976, 0.335142124390035,
      0.3247612881013869, 0.31458420220461414, 0.3046165842275908,
    ];
    const [pretend, real] = out.split('real backpropagation');
    const losses = allPrinted(pretend, 'Loss:').slice(1); // after Part 2's loss
    expect(losses).toHaveLength(10);
    losses.forEach((loss, i) => expectFloat32(loss, course[i]));
    const fitted = allPrinted(real, 'Loss:');
    expect(fitted).toHaveLength(10);
    expectFloat32(fitted[0], 0.41917334168276427);
    for (let i = 1; i < 10; i++) expect(fitted[i]).toBeLessThan(fitted[i - 1]);
  });

  it("backprop-walkthrough: 002 Part 5's Concrete Example (x = 2, w = 3, ReLU, v = 0.5, target 5)", async () => {
    const out = await runExample('backprop-walkthrough');
    // Forward: z = 6, h = 6, output = 3, loss = (3 - 5)² = 4.
    expect(out).toContain('z = w·x = 3·2 = 6, h = relu(z) = 6, out = v·h = 0.5·6 = 3');
    expect(out).toContain('(3 - 5)² = 4');
    // Backward: ∂Loss/∂output = -4, ∂Loss/∂v = -24, ∂Loss/∂w = -4; update at 0.1: w 3.4, v 2.9.
    expect(printed(out, 'dL/dout = 2·(out - target) =')).toBe(-4);
    expectQuoted(printed(out, 'dL/dv = dL/dout · h ='), '-24');
    expectQuoted(printed(out, "dL/dw = dL/dout · v · relu'(z) · x ="), '-4');
    expectQuoted(printed(out, 'w = 3 - 0.1·(-4.0) ='), '3.4');
    expectQuoted(printed(out, 'v = 0.5 - 0.1·(-24.0) ='), '2.9');
  });

  it("network-from-scratch: 002 Part 6's hand-written gradients equal autodiff's, and its 1000 epochs learn the labels", async () => {
    const out = await runExample('network-from-scratch');
    expect(printed(out, 'at the start: largest difference')).toBeLessThan(1e-5);
    expect(printed(out, 'after training: largest difference')).toBeLessThan(1e-5);
    // Its code prints the loss every 100 epochs (numbers of numpy's generator, not the text's); they fall.
    const losses = allPrinted(out, 'Loss:');
    expect(losses).toHaveLength(10);
    expect(losses[0]).toBeCloseTo(Math.log(2), 2); // small weights: every prediction near 0.5
    for (let i = 1; i < 10; i++) expect(losses[i]).toBeLessThan(losses[i - 1]);
    const predictions = /Final predictions: (.*)$/m.exec(out)![1].split(' ').map(Number);
    expect(predictions.map(Math.round)).toEqual([0, 0, 1, 1]);
  });

  it("parameters: 002 Part 4's 3-4-1 network in matrix form, and practice problem 2's parameter count", async () => {
    const out = await runExample('parameters');
    // 002 Part 4, forward_pass: W1 is input_features × hidden_size (3 × 4), W2 4 × 1.
    expect(out).toContain('W1 [3,4], b1 [4], W2 [4,1], b2 [1]');
    const prediction = printed(out, 'Prediction:');
    expect(prediction).toBeGreaterThan(0); // "Some value between 0 and 1"
    expect(prediction).toBeLessThan(1);
    expect(printed(out, 'sigmoid(relu(X·W1 + b1)·W2 + b2):')).toBe(prediction);
    expect(printed(out, '3·4 + 4 + 4·1 + 1 =')).toBe(3 * 4 + 4 + 4 * 1 + 1);
    // Practice problem 2 asks for the count of a 4-5-3-2 network; by hand 25 + 18 + 8 = 51.
    expect(out).toContain('= 25 + 18 + 8 = 51\n');
  });

  it("initialization: 002 Part 8's three recipes through ten ReLU layers, and TF.js's truncated initializers", async () => {
    const out = await runExample('initialization');
    expect(printed(out, 'sqrt(1/n_in) =')).toBe(Math.sqrt(1 / 256));
    expect(printed(out, 'sqrt(2/n_in) =')).toBeCloseTo(Math.sqrt(2 / 256), 6);
    // Bad initialization: too small weights make the signal vanish; He keeps it.
    const [small, xavier, he] = allPrinted(out, 'after 10 ReLU layers:');
    expect(small).toBeLessThan(1e-6);
    expect(xavier).toBeGreaterThan(1e-3);
    expect(xavier).toBeLessThan(0.2);
    expect(he).toBeGreaterThan(0.3);
    expect(he).toBeLessThan(3);
    // A standard normal cut at ±2 has spread 0.8796 (Keras's constant 0.87962566103423978); TF.js does not rescale.
    for (const name of ['glorotNormal', 'heNormal']) {
      const line = new RegExp(`${name}: spread [\\d.]+ = ([\\d.]+) × ([\\d.]+), largest \\|w\\| ([\\d.]+) \\(2σ = ([\\d.]+)\\)`).exec(out)!;
      const [ratio, , largest, twoSigma] = line.slice(1).map(Number);
      expect(Math.abs(ratio - 0.8796)).toBeLessThan(0.01);
      expect(largest).toBeLessThanOrEqual(twoSigma);
    }
  });

  it('epochs-and-batches: 1000 examples in batches of 100 (002 Part 7, 004 section 8)', async () => {
    const out = await runExample('epochs-and-batches');
    // 002 Part 7 and 004 section 8: 1 epoch = 10 iterations (1000 / 100); 004: 50 epochs = 500 iterations.
    expect(printed(out, 'batch size 100: 1 epoch =')).toBe(10);
    expect(printed(out, 'batch size 100: 50 epochs =')).toBe(500);
    expect(printed(out, 'batch size 32: 1 epoch =')).toBe(Math.ceil(1000 / 32));
  });
});
