// tfjs-examples' boston-housing: house prices from 12 features, normalised with mean and standard deviation
// tensors, a baseline loss, then a linear model and two MLPs (sigmoid, leCunNormal) trained with SGD,
// validationSplit and a callback reading the linear model's kernel, and each evaluated on the test set.
//
// Source: github.com/tensorflow/tfjs-examples, boston-housing/index.js, data.js and normalization.js (commit
// 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (doc comments shortened,
// TypeScript types added), with these changes:
// - The three files sit inside one exported function of `tf`, so the same code runs on TF.js and on neurite;
//   it runs what the page does when loaded, then what its three "Train" buttons do, one after the other.
// - The data: instead of the four CSV files data.js downloads (333 training and 173 test houses), fixtures
//   in the same format (headers crim,...,lstat and medv) with 200 training and 60 test houses made up by a
//   fixed formula with noise (bostonFixtures below). loadCsv reads them with tf.data.csv(...).toArray() in
//   place of Papa.parse(url, {download: true, header: true}): both give one object per row keyed by header.
// - Math is a seeded stand-in (stand-ins.ts), so data.js's shuffles put the houses in the same order on both
//   libraries.
// - NUM_EPOCHS is 40 (was 200), to keep the test fast.
// - ui.js and tfjs-vis are replaced by recorders of what the page would show.
// - Added: intermediate tensors are freed (tf.tidy), the data tensors at the end, each model after its run and
//   its evaluation result; run() also logs the three losses it shows.

import type * as neurite from '../../src/index.js';
import { randomData } from '../support.js';
import { fixtureUrl, seededMath } from './stand-ins.js';

type TF = typeof neurite;

const FEATURES = ['crim', 'zn', 'indus', 'chas', 'nox', 'rm', 'age', 'dis', 'rad', 'tax', 'ptratio', 'lstat'];
/** Each feature's range in the real data (roughly), where the made-up houses draw it from. */
const RANGES = [[0, 10], [0, 100], [0.5, 27], [0, 1], [0.38, 0.87], [3.6, 8.8], [3, 100], [1.1, 12], [1, 24], [187, 711], [12.6, 22], [1.7, 38]];

/** The four CSV files, made up: features uniform in their ranges (chas 0 or 1), medv from a fixed formula plus noise. */
function bostonFixtures(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, rows, seed] of [['train', 200, 11], ['test', 60, 12]] as const) {
    const u = randomData(rows * 13, seed, 0, 1);
    const data: string[] = [FEATURES.join(',')];
    const target: string[] = ['medv'];
    for (let r = 0; r < rows; r++) {
      const x = RANGES.map(([lo, hi], j) => (j === 3 ? Math.round(u[r * 13 + j]) : lo + (hi - lo) * u[r * 13 + j]));
      const medv = 22 + 6 * (x[5] - 6.2) - 0.45 * (x[11] - 12.6) - 0.2 * x[0] - 8 * (x[4] - 0.55) + 2 * x[3] - 0.9 * (x[10] - 18.5) + 3 * (u[r * 13 + 12] - 0.5);
      data.push(x.map((v) => +v.toFixed(4)).join(','));
      target.push(Math.min(50, Math.max(5, medv)).toFixed(1));
    }
    files[`${name}-data.csv`] = data.join('\n') + '\n';
    files[`${name}-target.csv`] = target.join('\n') + '\n';
  }
  return files;
}

export async function bostonHousing(tf: TF) {
  const Math = seededMath(5);
  const FIXTURES = bostonFixtures();

  // ui.js and tfjs-vis, recorded.
  const shown = { status: '', baselineStatus: '', modelStatus: {} as Record<string, string>, history: {} as Record<string, neurite.Logs[]>, weights: [] as Array<{description: string; value: number}> };
  const ui = {
    updateStatus(message: string) {
      shown.status = message;
    },
    updateBaselineStatus(message: string) {
      shown.baselineStatus = message;
    },
    async updateModelStatus(message: string, modelName: string) {
      shown.modelStatus[modelName] = message;
    },
    updateWeightDescription(weightsList: Array<{description: string; value: number}>) {
      shown.weights = weightsList;
    },
  };
  const tfvis = {
    show: {
      history(container: string, history: neurite.Logs[], _metrics: string[]) {
        shown.history[container] = history.slice();
      },
    },
  };
  const document = {querySelector: (selector: string) => selector.split(' ')[0].slice(1)}; // a model's chart, by model name

  // data.js
  /**
   * Given CSV data returns an array of arrays of numbers.
   */
  const parseCsv = async (data: Array<Record<string, unknown>>) => {
    return new Promise<number[][]>(resolve => {
      const rows = data.map((row) => {
        return Object.keys(row).map(key => parseFloat(row[key] as string));
      });
      resolve(rows);
    });
  };

  /**
   * Reads and returns the csv (was: downloads it with Papa.parse).
   */
  const loadCsv = async (filename: string) => {
    return new Promise<number[][]>(resolve => {
      const url = fixtureUrl(`boston-${filename}`, FIXTURES[filename]); // was `${BASE_URL}${filename}`

      console.log(`  * Downloading data from: ${url}`);
      tf.data.csv(url).toArray().then((data) => { // was Papa.parse(url, {download: true, header: true, complete: ...})
        resolve(parseCsv(data as Array<Record<string, unknown>>));
      });
    });
  };

  const TRAIN_FEATURES_FN = 'train-data.csv';
  const TRAIN_TARGET_FN = 'train-target.csv';
  const TEST_FEATURES_FN = 'test-data.csv';
  const TEST_TARGET_FN = 'test-target.csv';

  /** Helper class to handle loading training and test data. */
  class BostonHousingDataset {
    trainFeatures: number[][] | null;
    trainTarget: number[][] | null;
    testFeatures: number[][] | null;
    testTarget: number[][] | null;

    constructor() {
      // Arrays to hold the data.
      this.trainFeatures = null;
      this.trainTarget = null;
      this.testFeatures = null;
      this.testTarget = null;
    }

    get numFeatures() {
      // If numFeatures is accessed before the data is loaded, raise an error.
      if (this.trainFeatures == null) {
        throw new Error('\'loadData()\' must be called before numFeatures')
      }
      return this.trainFeatures[0].length;
    }

    /** Loads training and test data. */
    async loadData() {
      [this.trainFeatures, this.trainTarget, this.testFeatures, this.testTarget] =
          await Promise.all([
            loadCsv(TRAIN_FEATURES_FN), loadCsv(TRAIN_TARGET_FN),
            loadCsv(TEST_FEATURES_FN), loadCsv(TEST_TARGET_FN)
          ]);

      shuffle(this.trainFeatures, this.trainTarget);
      shuffle(this.testFeatures, this.testTarget);
    }
  }

  const featureDescriptions = [
    'Crime rate', 'Land zone size', 'Industrial proportion', 'Next to river',
    'Nitric oxide concentration', 'Number of rooms per house', 'Age of housing',
    'Distance to commute', 'Distance to highway', 'Tax rate', 'School class size',
    'School drop-out rate'
  ];

  /**
   * Shuffles data and target (maintaining alignment) using Fisher-Yates
   * algorithm.flab
   */
  function shuffle(data: unknown[], target: unknown[]) {
    let counter = data.length;
    let temp = null;
    let index = 0;
    while (counter > 0) {
      index = (Math.random() * counter) | 0;
      counter--;
      // data:
      temp = data[counter];
      data[counter] = data[index];
      data[index] = temp;
      // target:
      temp = target[counter];
      target[counter] = target[index];
      target[index] = temp;
    }
  };

  // normalization.js
  /**
   * Calculates the mean and standard deviation of each column of a data array.
   */
  function determineMeanAndStddev(data: neurite.Tensor) {
    const dataMean = data.mean(0);
    // TODO(bileschi): Simplify when and if tf.var / tf.std added to the API.
    const diffFromMean = data.sub(dataMean);
    const squaredDiffFromMean = diffFromMean.square();
    const variance = squaredDiffFromMean.mean(0);
    const dataStd = variance.sqrt();
    return {dataMean, dataStd};
  }

  /**
   * Given expected mean and standard deviation, normalizes a dataset by
   * subtracting the mean and dividing by the standard deviation.
   */
  function normalizeTensor(data: neurite.Tensor, dataMean: neurite.Tensor, dataStd: neurite.Tensor) {
    return data.sub(dataMean).div(dataStd);
  }

  // index.js
  // Some hyperparameters for model training.
  const NUM_EPOCHS = 40; // was 200
  const BATCH_SIZE = 40;
  const LEARNING_RATE = 0.01;

  const bostonData = new BostonHousingDataset();
  const tensors = {} as Record<string, neurite.Tensor>;

  // Convert loaded data into tensors and creates normalized versions of the
  // features.
  function arraysToTensors() {
    tensors.rawTrainFeatures = tf.tensor2d(bostonData.trainFeatures!);
    tensors.trainTarget = tf.tensor2d(bostonData.trainTarget!);
    tensors.rawTestFeatures = tf.tensor2d(bostonData.testFeatures!);
    tensors.testTarget = tf.tensor2d(bostonData.testTarget!);
    // Normalize mean and standard deviation of data.
    let {dataMean, dataStd} =
        determineMeanAndStddev(tensors.rawTrainFeatures);

    tensors.trainFeatures = normalizeTensor(
        tensors.rawTrainFeatures, dataMean, dataStd);
    tensors.testFeatures =
        normalizeTensor(tensors.rawTestFeatures, dataMean, dataStd);
  };

  /**
   * Builds and returns Linear Regression Model.
   */
  function linearRegressionModel() {
    const model = tf.sequential();
    model.add(tf.layers.dense({inputShape: [bostonData.numFeatures], units: 1}));

    model.summary();
    return model;
  };

  /**
   * Builds and returns Multi Layer Perceptron Regression Model
   * with 1 hidden layer, each with 10 units activated by sigmoid.
   */
  function multiLayerPerceptronRegressionModel1Hidden() {
    const model = tf.sequential();
    model.add(tf.layers.dense({
      inputShape: [bostonData.numFeatures],
      units: 50,
      activation: 'sigmoid',
      kernelInitializer: 'leCunNormal'
    }));
    model.add(tf.layers.dense({units: 1}));

    model.summary();
    return model;
  };

  /**
   * Builds and returns Multi Layer Perceptron Regression Model
   * with 2 hidden layers, each with 10 units activated by sigmoid.
   */
  function multiLayerPerceptronRegressionModel2Hidden() {
    const model = tf.sequential();
    model.add(tf.layers.dense({
      inputShape: [bostonData.numFeatures],
      units: 50,
      activation: 'sigmoid',
      kernelInitializer: 'leCunNormal'
    }));
    model.add(tf.layers.dense(
        {units: 50, activation: 'sigmoid', kernelInitializer: 'leCunNormal'}));
    model.add(tf.layers.dense({units: 1}));

    model.summary();
    return model;
  };


  /**
   * Describe the current linear weights for a human to read.
   */
  function describeKernelElements(kernel: ArrayLike<number>) {
    tf.util.assert(
        kernel.length == 12,
        `kernel must be a array of length 12, got ${kernel.length}`);
    const outList = [];
    for (let idx = 0; idx < kernel.length; idx++) {
      outList.push({description: featureDescriptions[idx], value: kernel[idx]});
    }
    return outList;
  }

  /**
   * Compiles `model` and trains it using the train data and runs model against
   * test data. Issues a callback to update the UI after each epoch.
   */
  async function run(model: neurite.Sequential, modelName: string, weightsIllustration: boolean) {
    model.compile(
        {optimizer: tf.train.sgd(LEARNING_RATE), loss: 'meanSquaredError'});

    let trainLogs: neurite.Logs[] = [];
    const container = document.querySelector(`#${modelName} .chart`);

    ui.updateStatus('Starting training process...');
    await model.fit(tensors.trainFeatures, tensors.trainTarget, {
      batchSize: BATCH_SIZE,
      epochs: NUM_EPOCHS,
      validationSplit: 0.2,
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          await ui.updateModelStatus(
              `Epoch ${epoch + 1} of ${NUM_EPOCHS} completed.`, modelName);
          trainLogs.push(logs!);
          tfvis.show.history(container, trainLogs, ['loss', 'val_loss'])

          if (weightsIllustration) {
            model.layers[0].getWeights()[0].data().then(kernelAsArr => {
              const weightsList = describeKernelElements(kernelAsArr);
              ui.updateWeightDescription(weightsList);
            });
          }
        }
      }
    });

    ui.updateStatus('Running on test data...');
    const result = model.evaluate(
        tensors.testFeatures, tensors.testTarget, {batchSize: BATCH_SIZE}) as neurite.Tensor;
    const testLoss = result.dataSync()[0];

    const trainLoss = trainLogs[trainLogs.length - 1].loss;
    const valLoss = trainLogs[trainLogs.length - 1].val_loss;
    await ui.updateModelStatus(
        `Final train-set loss: ${trainLoss.toFixed(4)}\n` +
            `Final validation-set loss: ${valLoss.toFixed(4)}\n` +
            `Test-set loss: ${testLoss.toFixed(4)}`,
        modelName);
    console.log(modelName, {trainLoss, valLoss, testLoss}); // added
    result.dispose(); // added
  };

  function computeBaseline() {
    const avgPrice = tensors.trainTarget.mean();
    console.log(`Average price: ${avgPrice.dataSync()}`);
    const baseline = tensors.testTarget.sub(avgPrice).square().mean();
    console.log(`Baseline loss: ${baseline.dataSync()}`);
    const baselineMsg = `Baseline loss (meanSquaredError) is ${
        baseline.dataSync()[0].toFixed(2)}`;
    ui.updateBaselineStatus(baselineMsg);
  };

  // document.addEventListener('DOMContentLoaded', ...)
  await bostonData.loadData();
  ui.updateStatus('Data loaded, converting to tensors');
  tf.tidy(() => { // tidy added: frees the tensors made along the way
    arraysToTensors();
    return Object.values(tensors);
  });
  ui.updateStatus(
      'Data is now available as tensors.\n' +
      'Click a train button to begin.');
  ui.updateBaselineStatus('Estimating baseline loss');
  tf.tidy(() => computeBaseline()); // tidy added

  // ui.setup(): the three buttons, clicked in turn.
  for (const [makeModel, name, weightsIllustration] of [[linearRegressionModel, 'linear', true], [multiLayerPerceptronRegressionModel1Hidden, 'oneHidden', false], [multiLayerPerceptronRegressionModel2Hidden, 'twoHidden', false]] as const) {
    const model = makeModel();
    await run(model, name, weightsIllustration);
    model.dispose(); // added
  }

  tf.dispose(Object.values(tensors)); // added
  return { shown, data: { trainFeatures: bostonData.trainFeatures, trainTarget: bostonData.trainTarget } };
}
