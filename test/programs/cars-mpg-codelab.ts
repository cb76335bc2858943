// The "Making predictions from 2D data" codelab (cars: MPG from horsepower), run as a function of the library:
// min-max normalisation in tf.tidy, a two-layer dense model trained with Adam, predictions un-normalised.
//
// Source: codelabs.developers.google.com/codelabs/tfjs-training-regression, script.js as the codelab builds it
// (getData, createModel, convertToTensor, trainModel, testModel, run), taken from verbatim public copies of it
// (the page itself was not reachable from here). The code is the codelab's, in its order, with these changes:
// - Everything sits inside one exported function of `tf`, so the same code runs on TF.js and on neurite;
//   run() returns what it shows instead of being called on DOMContentLoaded. TypeScript types are added.
// - getData reads the JSON the codelab fetches from cars-data.ts instead of fetching it.
// - tfjs-vis is replaced by a recorder that keeps what each chart would draw (scatterplot values, the
//   per-epoch logs fitCallbacks would chart) and reads, for modelSummary, what tfjs-vis's table reads.
// - Added: run() returns what the charts showed and the normalisation tensors, and disposes the model.
// Random parts: tf.util.shuffle (Math.random in TF.js, a seeded generator in neurite), the model's initial
// weights and fit's shuffling differ between the libraries; the test compares those parts by what does not
// depend on the draws (the set of normalised pairs, shapes, finite values, the loss going down).

import type * as neurite from '../../src/index.js';
import { carsData as CARS_DATA } from './cars-data.js';

type TF = typeof neurite;

interface Car {
  mpg: number;
  horsepower: number;
}

interface Point {
  x: number;
  y: number;
}

export async function carsMpgCodelab(tf: TF) {
  // tfjs-vis, recorded: what each chart would draw.
  const shown = { plots: {} as Record<string, Point[][]>, epochs: [] as number[][], summary: [] as unknown[][] };
  const tfvis = {
    render: {
      scatterplot(container: { name: string }, data: { values: Point[] | Point[][]; series?: string[] }, _options: object) {
        shown.plots[container.name] = (Array.isArray(data.values[0]) ? data.values : [data.values]) as Point[][];
      },
    },
    show: {
      modelSummary(_container: { name: string }, model: neurite.Sequential) {
        // tfjs-vis's table shows each layer's name (a global counter's, so not compared), outputShape,
        // countParams() and trainable.
        shown.summary = model.layers.map((layer) => [layer.outputShape, layer.countParams(), layer.trainable]);
      },
      fitCallbacks(_container: { name: string }, metrics: string[], _options: object) {
        return {
          onEpochEnd: async (_epoch: number, logs?: neurite.Logs) => {
            shown.epochs.push(metrics.map((m) => logs![m]));
          },
        };
      },
    },
  };

  async function getData() {
    const carsData = CARS_DATA; // was: await (await fetch('https://storage.googleapis.com/tfjs-tutorials/carsData.json')).json()
    const cleaned = carsData.map(car => ({
      mpg: car.Miles_per_Gallon,
      horsepower: car.Horsepower,
    }))
    .filter((car): car is Car => (car.mpg != null && car.horsepower != null));

    return cleaned;
  }

  async function run() {
    // Load and plot the original input data that we are going to train on.
    const data = await getData();
    const values = data.map(d => ({
      x: d.horsepower,
      y: d.mpg,
    }));

    tfvis.render.scatterplot(
      {name: 'Horsepower v MPG'},
      {values},
      {
        xLabel: 'Horsepower',
        yLabel: 'MPG',
        height: 300
      }
    );

    // Create the model
    const model = createModel();
    tfvis.show.modelSummary({name: 'Model Summary'}, model);

    // Convert the data to a form we can use for training.
    const tensorData = convertToTensor(data);
    const {inputs, labels} = tensorData;

    // Train the model
    await trainModel(model, inputs, labels);
    console.log('Done Training');

    // Make some predictions using the model and compare
    testModel(model, data, tensorData);

    model.dispose(); // added
    return { shown, tensorData }; // added
  }

  function createModel() {
    // Create a sequential model
    const model = tf.sequential();

    // Add a single input layer
    model.add(tf.layers.dense({inputShape: [1], units: 1, useBias: true}));

    // Add an output layer
    model.add(tf.layers.dense({units: 1, useBias: true}));

    return model;
  }

  /**
   * Convert the input data to tensors that we can use for machine
   * learning. We will also do the important best practices of _shuffling_
   * the data and _normalizing_ the data
   * MPG on the y-axis.
   */
  function convertToTensor(data: Car[]) {
    // Wrapping these calculations in a tidy will dispose any
    // intermediate tensors.

    return tf.tidy(() => {
      // Step 1. Shuffle the data
      tf.util.shuffle(data);

      // Step 2. Convert data to Tensor
      const inputs = data.map(d => d.horsepower)
      const labels = data.map(d => d.mpg);

      const inputTensor = tf.tensor2d(inputs, [inputs.length, 1]);
      const labelTensor = tf.tensor2d(labels, [labels.length, 1]);

      //Step 3. Normalize the data to the range 0 - 1 using min-max scaling
      const inputMax = inputTensor.max();
      const inputMin = inputTensor.min();
      const labelMax = labelTensor.max();
      const labelMin = labelTensor.min();

      const normalizedInputs = inputTensor.sub(inputMin).div(inputMax.sub(inputMin));
      const normalizedLabels = labelTensor.sub(labelMin).div(labelMax.sub(labelMin));

      return {
        inputs: normalizedInputs,
        labels: normalizedLabels,
        // Return the min/max bounds so we can use them later.
        inputMax,
        inputMin,
        labelMax,
        labelMin,
      }
    });
  }

  async function trainModel(model: neurite.Sequential, inputs: neurite.Tensor, labels: neurite.Tensor) {
    // Prepare the model for training.
    model.compile({
      optimizer: tf.train.adam(),
      loss: tf.losses.meanSquaredError,
      metrics: ['mse'],
    });

    const batchSize = 32;
    const epochs = 50;

    return await model.fit(inputs, labels, {
      batchSize,
      epochs,
      shuffle: true,
      callbacks: tfvis.show.fitCallbacks(
        { name: 'Training Performance' },
        ['loss', 'mse'],
        { height: 200, callbacks: ['onEpochEnd'] }
      )
    });
  }

  function testModel(model: neurite.Sequential, inputData: Car[], normalizationData: ReturnType<typeof convertToTensor>) {
    const {inputMax, inputMin, labelMin, labelMax} = normalizationData;

    // Generate predictions for a uniform range of numbers between 0 and 1;
    // We un-normalize the data by doing the inverse of the min-max scaling
    // that we did earlier.
    const [xs, preds]: ArrayLike<number>[] = tf.tidy(() => {

      const xs = tf.linspace(0, 1, 100);
      const preds = model.predict(xs.reshape([100, 1])) as neurite.Tensor;

      const unNormXs = xs
        .mul(inputMax.sub(inputMin))
        .add(inputMin);

      const unNormPreds = preds
        .mul(labelMax.sub(labelMin))
        .add(labelMin);

      // Un-normalize the data
      return [unNormXs.dataSync(), unNormPreds.dataSync()];
    });


    const predictedPoints = Array.from(xs).map((val, i) => {
      return {x: val, y: preds[i]}
    });

    const originalPoints = inputData.map(d => ({
      x: d.horsepower, y: d.mpg,
    }));


    tfvis.render.scatterplot(
      {name: 'Model Predictions vs Original Data'},
      {values: [originalPoints, predictedPoints], series: ['original', 'predicted']},
      {
        xLabel: 'Horsepower',
        yLabel: 'MPG',
        height: 300
      }
    );
  }

  return run();
}
