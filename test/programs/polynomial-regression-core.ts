// tfjs-examples' polynomial-regression-core, run as a function of the library: fits a cubic with four
// tf.variable coefficients, optimizer.minimize (SGD) and tf.nextFrame, on data made by its generateData.
//
// Source: github.com/tensorflow/tfjs-examples, polynomial-regression-core/index.js and data.js
// (commit 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (some comments
// shortened, TypeScript types added), with these changes:
// - Module-level code and both files' functions sit inside one exported function of `tf`, so the same code
//   runs on TF.js and on neurite; learnCoefficients() returns what it shows instead of being called at load.
// - Random numbers: the four Math.random() starting coefficients are fixed numbers; generateData's
//   tf.randomUniform([numPoints], -1, 1) and tf.randomNormal([numPoints], 0, sigma) are fixed arrays
//   (support.ts's seeded randomData, Box-Muller for the normals), as the two libraries' generators differ:
//   both libraries train on the same data from the same start, and every result is compared by value.
// - ui.js (vega-embed charts, DOM text) is replaced by recorders that read what the charts would show:
//   plotData and plotDataAndPredictions await xs.data(), ys.data(), preds.data() as ui.js does.
// - Added: the loss after training (the example never prints it), and, at the end, disposal of the
//   variables, the training data and the optimizer (the example leaves them to page unload); the scalars the
//   variables are made from are made inside tf.tidy for the same reason.

import type * as neurite from '../../src/index.js';
import { randomData } from '../support.js';

type TF = typeof neurite;

interface Coefficients {
  a: number;
  b: number;
  c: number;
  d: number;
}

/** Fixed stand-ins for tf.randomUniform([100], -1, 1) and the standard normal draws (Box-Muller) of tf.randomNormal. */
const UNIFORM = Array.from(randomData(100, 1, -1, 1));
const STANDARD_NORMAL = (() => {
  const u = randomData(200, 2, 0, 1);
  return Array.from({ length: 100 }, (_, i) => Math.sqrt(-2 * Math.log(1 - u[2 * i])) * Math.cos(2 * Math.PI * u[2 * i + 1]));
})();

export async function polynomialRegressionCore(tf: TF) {
  // ui.js, recorded: what each chart and coefficient label would show.
  const shown: Record<string, unknown> = {};
  function renderCoefficients(container: string, coeff: Coefficients) {
    shown[container] = coeff;
  }
  async function plotData(container: string, xs: neurite.Tensor, ys: neurite.Tensor) {
    shown[container] = { x: await xs.data(), y: await ys.data() };
  }
  async function plotDataAndPredictions(container: string, xs: neurite.Tensor, ys: neurite.Tensor, preds: neurite.Tensor) {
    shown[container] = { x: await xs.data(), y: await ys.data(), pred: await preds.data() };
  }

  // data.js
  function generateData(numPoints: number, coeff: Coefficients, sigma = 0.04) {
    return tf.tidy(() => {
      const [a, b, c, d] = [
        tf.scalar(coeff.a), tf.scalar(coeff.b), tf.scalar(coeff.c),
        tf.scalar(coeff.d)
      ];

      const xs = tf.tensor1d(UNIFORM.slice(0, numPoints)); // was tf.randomUniform([numPoints], -1, 1)

      // Generate polynomial data
      const three = tf.scalar(3, 'int32');
      const ys = a.mul(xs.pow(three))
        .add(b.mul(xs.square()))
        .add(c.mul(xs))
        .add(d)
        // Add random noise to the generated data
        // to make the problem a bit more interesting
        .add(tf.tensor1d(STANDARD_NORMAL.slice(0, numPoints).map((z) => z * sigma))); // was tf.randomNormal([numPoints], 0, sigma)

      // Normalize the y values to the range 0 to 1.
      const ymin = ys.min();
      const ymax = ys.max();
      const yrange = ymax.sub(ymin);
      const ysNormalized = ys.sub(ymin).div(yrange);

      return {
        xs,
        ys: ysNormalized
      };
    })
  }

  // index.js
  // Step 1. Set up variables, these are the things we want the model
  // to learn in order to do prediction accurately. We will initialize
  // them with random values.
  const a = tf.tidy(() => tf.variable(tf.scalar(0.7304))); // was tf.variable(tf.scalar(Math.random()))
  const b = tf.tidy(() => tf.variable(tf.scalar(0.1867)));
  const c = tf.tidy(() => tf.variable(tf.scalar(0.4429)));
  const d = tf.tidy(() => tf.variable(tf.scalar(0.9511)));


  // Step 2. Create an optimizer, we will use this later. You can play
  // with some of these values to see how the model performs.
  const numIterations = 75;
  const learningRate = 0.5;
  const optimizer = tf.train.sgd(learningRate);

  // Step 3. Write our training process functions.

  /*
   * This function represents our 'model'. Given an input 'x' it will try and
   * predict the appropriate output 'y'.
   */
  function predict(x: neurite.Tensor) {
    // y = a * x ^ 3 + b * x ^ 2 + c * x + d
    return tf.tidy(() => {
      return a.mul(x.pow(tf.scalar(3, 'int32')))
        .add(b.mul(x.square()))
        .add(c.mul(x))
        .add(d);
    });
  }

  /*
   * This will tell us how good the 'prediction' is given what we actually
   * expected.
   */
  function loss(prediction: neurite.Tensor, labels: neurite.Tensor) {
    // Having a good error function is key for training a machine learning model
    const error = prediction.sub(labels).square().mean();
    return error;
  }

  /*
   * This will iteratively train our model.
   */
  async function train(xs: neurite.Tensor, ys: neurite.Tensor, numIterations: number) {
    for (let iter = 0; iter < numIterations; iter++) {
      // optimizer.minimize is where the training happens.
      optimizer.minimize(() => {
        // Feed the examples into the model
        const pred = predict(xs);
        return loss(pred, ys);
      });

      // Use tf.nextFrame to not block the browser.
      await tf.nextFrame();
    }
  }

  async function learnCoefficients() {
    const trueCoefficients = {a: -.8, b: -.2, c: .9, d: .5};
    const trainingData = generateData(100, trueCoefficients);

    // Plot original data
    renderCoefficients('#data .coeff', trueCoefficients);
    await plotData('#data .plot', trainingData.xs, trainingData.ys)

    // See what the predictions look like with random coefficients
    renderCoefficients('#random .coeff', {
      a: a.dataSync()[0],
      b: b.dataSync()[0],
      c: c.dataSync()[0],
      d: d.dataSync()[0],
    });
    const predictionsBefore = predict(trainingData.xs);
    await plotDataAndPredictions(
        '#random .plot', trainingData.xs, trainingData.ys, predictionsBefore);

    // Train the model!
    await train(trainingData.xs, trainingData.ys, numIterations);

    // See what the final results predictions are after training.
    renderCoefficients('#trained .coeff', {
      a: a.dataSync()[0],
      b: b.dataSync()[0],
      c: c.dataSync()[0],
      d: d.dataSync()[0],
    });
    const predictionsAfter = predict(trainingData.xs);
    await plotDataAndPredictions(
        '#trained .plot', trainingData.xs, trainingData.ys, predictionsAfter);
    const lossAfter = tf.tidy(() => loss(predictionsAfter, trainingData.ys)); // added

    predictionsBefore.dispose();
    predictionsAfter.dispose();
    tf.dispose([a, b, c, d, trainingData.xs, trainingData.ys]); // added
    optimizer.dispose(); // added
    return { shown, lossAfter };
  }

  return learnCoefficients();
}
