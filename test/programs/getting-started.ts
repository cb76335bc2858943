// tfjs-examples' getting-started: one dense unit fitted to y = 2x - 1 with SGD, then a prediction at x = 20.
//
// Source: github.com/tensorflow/tfjs-examples, getting-started/index.js (commit
// 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, with these changes:
// - It sits inside one exported function of `tf`, so the same code runs on TF.js and on neurite.
// - The page element it writes the prediction into is replaced by a recorder, which the function returns.
// - Added: the model's starting weights are fixed (sameStart), as the libraries' initialisers draw different
//   numbers; with its 6 points in one batch the 250 steps are then the same steps on both libraries.
// - Added: the tensors (in tf.tidy or disposed at the end) and the model are freed.

import type * as neurite from '../../src/index.js';
import { sameStart } from './stand-ins.js';

type TF = typeof neurite;

export async function gettingStarted(tf: TF) {
  const shown: { prediction?: ArrayLike<number> } = {}; // was document.getElementById('micro-out-div')

  // Tiny TFJS train / predict example.
  async function run() {
    // Create a simple model.
    const model = tf.sequential();
    model.add(tf.layers.dense({units: 1, inputShape: [1]}));
    sameStart(tf, model); // added

    // Prepare the model for training: Specify the loss and the optimizer.
    model.compile({loss: 'meanSquaredError', optimizer: 'sgd'});

    // Generate some synthetic data for training. (y = 2x - 1)
    const xs = tf.tensor2d([-1, 0, 1, 2, 3, 4], [6, 1]);
    const ys = tf.tensor2d([-3, -1, 1, 3, 5, 7], [6, 1]);

    // Train the model using the data.
    await model.fit(xs, ys, {epochs: 250});

    // Use the model to do inference on a data point the model hasn't seen.
    // Should print approximately 39.
    shown.prediction = tf.tidy(() => // tidy added
        (model.predict(tf.tensor2d([20], [1, 1])) as neurite.Tensor).dataSync());

    tf.dispose([xs, ys]); // added
    model.dispose(); // added
  }

  await run();
  return shown;
}
