// tfjs-examples' iris: the flowers as tensors (iris-data.ts), a two-layer classifier (sigmoid, then softmax)
// trained with Adam, categoricalCrossentropy and accuracy by model.fit with validation data, a confusion
// matrix after every epoch, then the test table and a prediction for the page's manual input.
//
// Source: github.com/tensorflow/tfjs-examples, iris/index.js and ui.js (commit
// 0521725666e4504948eed00fe372b92510cc74f9); data.js is iris-data.ts's port. The code is theirs, in their
// order (doc comments shortened, TypeScript types added), with these changes:
// - It sits inside one exported function of `tf`, so the same code runs on TF.js and on neurite; iris() runs
//   the page's set-up and then what its "Train model from scratch" button does (the page says 'Standing by.'
//   at set-up; here after the button's work, as iris-fit-dataset.ts has it).
// - data.getIrisData(0.15) is iris-data.ts's irisData(tf), which calls it so; IRIS_CLASSES is data.js's.
// - ui.js and tfjs-vis are replaced by recorders: the training parameters and the manual input are
//   index.html's (40 epochs, learning rate 0.01; 5.1, 3.5, 1.4, 0.2), and what the page would show is
//   returned; tfvis.metrics.confusionMatrix is counted from the labels and predictions it is given.
// - loader.js (a hosted model checked over the network, models kept in IndexedDB) and the buttons that use
//   it are left out: the test trains from scratch.
// - Added: the data tensors, the model and its Adam optimizer (whose moments the model does not free, as
//   the optimizer was passed in) are freed at the end.
// Random parts: tf.util.shuffle (Math.random in TF.js, neurite's seeded generator) picks different test
// flowers, fit shuffles the batches with each library's draws, and the initial weights differ: the test
// compares what training reaches, not its numbers.

import type * as neurite from '../../src/index.js';
import { irisData } from './iris-data.js';

type TF = typeof neurite;

export async function iris(tf: TF) {
  // ui.js and tfjs-vis, recorded.
  const shown = { status: [] as string[], history: {} as Record<string, neurite.Logs[]>, confusionMatrix: [] as number[][], table: [] as unknown[], winner: '', logits: [] as number[] };
  const ui = {
    status(statusText: string) {
      console.log(statusText);
      shown.status.push(statusText);
    },
    loadTrainParametersFromUI: () => ({epochs: 40, learningRate: 0.01}),
    getManualInputData: () => [5.1, 3.5, 1.4, 0.2],
    setManualInputWinnerMessage(message: string) {
      shown.winner = message;
    },
    renderLogitsForManualInput(logits: number[]) {
      shown.logits = logits;
    },
    clearEvaluateTable() {
      shown.table = [];
    },
    renderEvaluateTable(xData: ArrayLike<number>, yTrue: ArrayLike<number>, yPred: ArrayLike<number>, logits: ArrayLike<number>) {
      shown.table.push({xData: Array.from(xData), yTrue: Array.from(yTrue), yPred: Array.from(yPred), logits: Array.from(logits)});
    },
  };
  const tfvis = {
    show: {
      history(container: string, history: neurite.Logs[], _metrics: string[]) {
        shown.history[container] = history.slice();
      },
    },
    metrics: {
      async confusionMatrix(labels: neurite.Tensor, predictions: neurite.Tensor) {
        const [truth, guesses] = [labels.dataSync(), predictions.dataSync()];
        const n = Math.max(...truth, ...guesses) + 1;
        const matrix = Array.from({length: n}, () => new Array<number>(n).fill(0));
        truth.forEach((t, i) => matrix[t][guesses[i]]++);
        return matrix;
      },
    },
    render: {
      confusionMatrix(_container: string, data: {values: number[][]; labels: string[]}, _options: object) {
        shown.confusionMatrix = data.values;
      },
    },
  };
  const document = {getElementById: (id: string) => id}; // the containers are named by their ids
  const performance = globalThis.performance;

  // data.js
  const data = {
    IRIS_CLASSES: ['Iris-setosa', 'Iris-versicolor', 'Iris-virginica'],
    getIrisData: (_testSplit: number) => irisData(tf), // iris-data.ts: getIrisData(0.15)
  };

  // index.js
  let model: neurite.Sequential;

  /**
   * Train a `tf.Model` to recognize Iris flower type.
   */
  async function trainModel(xTrain: neurite.Tensor, yTrain: neurite.Tensor, xTest: neurite.Tensor, yTest: neurite.Tensor) {
    ui.status('Training model... Please wait.');

    const params = ui.loadTrainParametersFromUI();

    // Define the topology of the model: two dense layers.
    const model = tf.sequential();
    model.add(tf.layers.dense(
        {units: 10, activation: 'sigmoid', inputShape: [xTrain.shape[1]]}));
    model.add(tf.layers.dense({units: 3, activation: 'softmax'}));
    model.summary();

    const optimizer = tf.train.adam(params.learningRate);
    model.compile({
      optimizer: optimizer,
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy'],
    });

    const trainLogs: neurite.Logs[] = [];
    const lossContainer = document.getElementById('lossCanvas');
    const accContainer = document.getElementById('accuracyCanvas');
    const beginMs = performance.now();
    // Call `model.fit` to train the model.
    const history = await model.fit(xTrain, yTrain, {
      epochs: params.epochs,
      validationData: [xTest, yTest],
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          // Plot the loss and accuracy values at the end of every training epoch.
          const secPerEpoch =
              (performance.now() - beginMs) / (1000 * (epoch + 1));
          ui.status(`Training model... Approximately ${
              secPerEpoch.toFixed(4)} seconds per epoch`)
          trainLogs.push(logs!);
          tfvis.show.history(lossContainer, trainLogs, ['loss', 'val_loss'])
          tfvis.show.history(accContainer, trainLogs, ['acc', 'val_acc'])
          calculateAndDrawConfusionMatrix(model, xTest, yTest);
        },
      }
    });
    const secPerEpoch = (performance.now() - beginMs) / (1000 * params.epochs);
    ui.status(
        `Model training complete:  ${secPerEpoch.toFixed(4)} seconds per epoch`);
    return model;
  }

  /**
   * Run inference on manually-input Iris flower data.
   */
  async function predictOnManualInput(model: neurite.Sequential) {
    if (model == null) {
      ui.setManualInputWinnerMessage('ERROR: Please load or train model first.');
      return;
    }

    // Use a `tf.tidy` scope to make sure that WebGL memory allocated for the
    // `predict` call is released at the end.
    tf.tidy(() => {
      // Prepare input data as a 2D `tf.Tensor`.
      const inputData = ui.getManualInputData();
      const input = tf.tensor2d([inputData], [1, 4]);

      // Call `model.predict` to get the prediction output as probabilities for
      // the Iris flower categories.

      const predictOut = model.predict(input) as neurite.Tensor;
      const logits = Array.from(predictOut.dataSync());
      const winner = data.IRIS_CLASSES[predictOut.argMax(-1).dataSync()[0]];
      ui.setManualInputWinnerMessage(winner);
      ui.renderLogitsForManualInput(logits);
    });
  }

  /**
   * Draw confusion matrix.
   */
  async function calculateAndDrawConfusionMatrix(model: neurite.Sequential, xTest: neurite.Tensor, yTest: neurite.Tensor) {
    const [preds, labels] = tf.tidy(() => {
      const preds = (model.predict(xTest) as neurite.Tensor).argMax(-1);
      const labels = yTest.argMax(-1);
      return [preds, labels];
    });

    const confMatrixData = await tfvis.metrics.confusionMatrix(labels, preds);
    const container = document.getElementById('confusion-matrix');
    tfvis.render.confusionMatrix(
        container,
        {values: confMatrixData, labels: data.IRIS_CLASSES},
        {shadeDiagonal: true},
    );

    tf.dispose([preds, labels]);
  }

  /**
   * Run inference on some test Iris flower data.
   */
  async function evaluateModelOnTestData(model: neurite.Sequential, xTest: neurite.Tensor, yTest: neurite.Tensor) {
    ui.clearEvaluateTable();

    tf.tidy(() => {
      const xData = xTest.dataSync();
      const yTrue = yTest.argMax(-1).dataSync();
      const predictOut = model.predict(xTest) as neurite.Tensor;
      const yPred = predictOut.argMax(-1);
      ui.renderEvaluateTable(
          xData, yTrue, yPred.dataSync(), predictOut.dataSync());
      calculateAndDrawConfusionMatrix(model, xTest, yTest);
    });

    predictOnManualInput(model);
  }

  /**
   * The main function of the Iris demo.
   */
  async function iris() {
    const [xTrain, yTrain, xTest, yTest] = data.getIrisData(0.15);

    // The "Train model from scratch" button.
    model = await trainModel(xTrain, yTrain, xTest, yTest);
    await evaluateModelOnTestData(model, xTest, yTest);

    ui.status('Standing by.');
    tf.dispose([xTrain, yTrain, xTest, yTest]); // added
  }

  await iris();
  model!.optimizer.dispose(); // added
  model!.dispose(); // added
  return shown;
}
