// tfjs-examples' website-phishing: 30 features of a web site, normalised, a sigmoid MLP trained with
// binaryCrossentropy, validationSplit and accuracy; a ROC curve (tf.where, logicalAnd, tf.metrics.recall) drawn
// at some epochs' start; then evaluate, precision, recall, false positive rate and the area under the curve.
//
// Source: github.com/tensorflow/tfjs-examples, website-phishing/index.js, data.js and utils.js (commit
// 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (doc comments shortened,
// TypeScript types added), with these changes:
// - The three files sit inside one exported function of `tf`, so the same code runs on TF.js and on neurite.
// - The data: instead of the four CSV files utils.js downloads, fixtures in their format (a header, 30
//   feature columns with the values README.md lists, and a 0/1 target file) with 200 training and 100 test
//   sites made up: each feature drawn from its values, phishing when a fixed weighting of them, plus noise,
//   is positive (phishingFixtures below). loadCsv reads them with tf.data.csv(...).toArray() in place of
//   Papa.parse(url, {download: true, header: true}): both give one object per row keyed by header.
// - Math is a seeded stand-in (stand-ins.ts), so utils.shuffle puts the sites in the same order on both
//   libraries.
// - epochs is 40 (was 400), to keep the test fast; the ROC curve is drawn at the start of epochs 1, 3 and 5
//   (and was at 100, 200, 300 and 400 too).
// - ui.js and tfjs-vis are replaced by recorders of what the page would show.
// - Added: the model's starting weights are fixed (sameStart), as the libraries' initialisers draw different
//   numbers; the 160 training sites fit in one batch, so the libraries then take the same steps. The ROC
//   curves' predictions (drawROC's input, made outside its tidy), the data tensors and the model are
//   disposed.

import type * as neurite from '../../src/index.js';
import { randomData } from '../support.js';
import { fixtureUrl, sameStart, seededMath } from './stand-ins.js';

type TF = typeof neurite;

/** README.md's features and the values each takes. */
const FEATURES: Array<[string, number[]]> = [
  ['HAVING_IP_ADDRESS', [-1, 1]], ['URL_LENGTH', [1, 0, -1]], ['SHORTINING_SERVICE', [1, -1]], ['HAVING_AT_SYMBOL', [-1, 1]],
  ['DOUBLE_SLASH_REDIRECTING', [-1, 1]], ['PREFIX_SUFFIX', [-1, 1]], ['HAVING_SUB_DOMAIN', [-1, 0, 1]], ['SSLFINAL_STATE', [-1, 0, 1]],
  ['DOMAIN_REGISTERATION_LENGTH', [-1, 1]], ['FAVICON', [-1, 1]], ['PORT', [-1, 1]], ['HTTPS_TOKEN', [-1, 1]], ['REQUEST_URL', [-1, 1]],
  ['URL_OF_ANCHOR', [-1, 0, 1]], ['LINKS_IN_TAGS', [-1, 0, 1]], ['SFH', [1, 0, -1]], ['SUBMITTING_TO_EMAIL', [-1, 1]], ['ABNORMAL_URL', [-1, 1]],
  ['REDIRECT', [0, 1]], ['ON_MOUSEOVER', [-1, 1]], ['RIGHTCLICK', [-1, 1]], ['POPUPWIDNOW', [-1, 1]], ['IFRAME', [-1, 1]],
  ['AGE_OF_DOMAIN', [-1, 1]], ['DNSRECORD', [-1, 1]], ['WEB_TRAFFIC', [-1, 0, 1]], ['PAGE_RANK', [-1, 1]], ['GOOGLE_INDEX', [-1, 1]],
  ['LINKS_POINTING_TO_PAGE', [-1, 0, 1]], ['STATISTICAL_REPORT', [-1, 1]],
];
/** How much each feature says "legitimate": a site is phishing when the weighted sum plus noise is negative. */
const WEIGHTS = [0.4, 0.2, 0, 0.2, 0, 1.2, 0.5, 2.2, 0.3, 0, 0, 0, 0.5, 1.8, 0.6, 0.4, 0, 0.3, 0, 0, 0, 0, 0, 0.4, 0.3, 1.1, 0.2, 0.3, 0.3, 0.2];

function phishingFixtures(): Record<string, string> {
  const files: Record<string, string> = {};
  for (const [name, rows, seed] of [['train', 200, 41], ['test', 100, 42]] as const) {
    const u = randomData(rows * 31, seed, 0, 1);
    const data = [FEATURES.map(([feature]) => feature).join(',')];
    const target = ['label'];
    for (let r = 0; r < rows; r++) {
      const x = FEATURES.map(([, values], j) => values[Math.floor(u[r * 31 + j] * values.length)]);
      const score = x.reduce((sum, v, j) => sum + WEIGHTS[j] * v, 0) + 3 * (u[r * 31 + 30] - 0.5);
      data.push(x.join(','));
      target.push(score < 0 ? '1' : '0');
    }
    files[`${name}-data`] = data.join('\n') + '\n';
    files[`${name}-target`] = target.join('\n') + '\n';
  }
  return files;
}

export async function websitePhishing(tf: TF) {
  const Math = seededMath(7);
  const FIXTURES = phishingFixtures();

  // ui.js and tfjs-vis, recorded.
  const shown = { status: '', losses: [] as neurite.Logs[], accuracies: [] as neurite.Logs[], roc: [] as Array<{epoch: number; fprs: number[]; tprs: number[]}> };
  const ui = {
    async updateStatus(message: string) {
      shown.status = message;
    },
    async plotLosses(trainLogs: neurite.Logs[]) {
      shown.losses = trainLogs.slice();
    },
    async plotAccuracies(trainLogs: neurite.Logs[]) {
      shown.accuracies = trainLogs.slice();
    },
    async plotROC(fprs: number[], tprs: number[], epoch: number) {
      shown.roc.push({epoch, fprs, tprs});
    },
  };

  // utils.js
  async function parseCsv (data: Array<Record<string, unknown>>) {
    return new Promise<number[][]>(resolve => {
      const rows = data.map((row) => {
        return Object.keys(row).sort().map(key => parseFloat(row[key] as string));
      });
      resolve(rows);
    });
  };

  /**
   * Reads and returns the csv (was: downloads it with Papa.parse).
   */
  async function loadCsv(filename: string) {
    return new Promise<number[][]>(resolve => {
      const url = fixtureUrl(`phishing-${filename}.csv`, FIXTURES[filename]); // was `${BASE_URL}${filename}.csv`

      console.log(`  * Downloading data from: ${url}`);
      tf.data.csv(url).toArray().then((data) => { // was Papa.parse(url, {download: true, header: true, complete: ...})
        resolve(parseCsv(data as Array<Record<string, unknown>>));
      });
    });
  };

  /**
   * Shuffles data and label using Fisher-Yates algorithm.
   */
  async function shuffle(data: unknown[], label: unknown[]) {
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
      // label:
      temp = label[counter];
      label[counter] = label[index];
      label[index] = temp;
    }
  };

  /**
   * Calculate the arithmetic mean of a vector.
   */
  function mean(vector: number[]) {
    let sum = 0;
    for (const x of vector) {
      sum += x;
    }
    return sum / vector.length;
  };

  /**
   * Calculate the standard deviation of a vector.
   */
  function stddev(vector: number[]) {
    let squareSum = 0;
    const vectorMean = mean(vector);
    for (const x of vector) {
      squareSum += (x - vectorMean) * (x - vectorMean);
    }
    return Math.sqrt(squareSum / (vector.length - 1));
  };

  /**
   * Normalize a vector by its mean and standard deviation.
   */
  const normalizeVector = (vector: number[], vectorMean: number, vectorStddev: number) => {
    return vector.map(x => (x - vectorMean) / vectorStddev);
  };

  /**
   * Normalizes the dataset
   */
  function normalizeDataset(
      dataset: number[][], isTrainData = true, vectorMeans: number[] = [], vectorStddevs: number[] = []) {
        const numFeatures = dataset[0].length;
        let vectorMean;
        let vectorStddev;

        for (let i = 0; i < numFeatures; i++) {
          const vector = dataset.map(row => row[i]);

          if (isTrainData) {
            vectorMean = mean(vector);
            vectorStddev = stddev(vector);

            vectorMeans.push(vectorMean);
            vectorStddevs.push(vectorStddev);
          } else {
            vectorMean = vectorMeans[i];
            vectorStddev = vectorStddevs[i];
          }

          const vectorNormalized =
              normalizeVector(vector, vectorMean, vectorStddev);

          vectorNormalized.forEach((value, index) => {
            dataset[index][i] = value;
          });
        }

        return {dataset, vectorMeans, vectorStddevs};
      };

  /**
   * Binarizes a tensor based on threshold of 0.5.
   */
  function binarize(y: neurite.Tensor, threshold?: number) {
    if (threshold == null) {
      threshold = 0.5;
    }
    tf.util.assert(
        threshold >= 0 && threshold <= 1,
        `Expected threshold to be >=0 and <=1, but got ${threshold}`);

    return tf.tidy(() => {
      const condition = y.greater(tf.scalar(threshold));
      return tf.where(condition, tf.onesLike(y), tf.zerosLike(y));
    });
  }

  // data.js
  const TRAIN_DATA = 'train-data';
  const TRAIN_TARGET = 'train-target';
  const TEST_DATA = 'test-data';
  const TEST_TARGET = 'test-target';

  /** Helper class to handle loading training and test data. */
  class WebsitePhishingDataset {
    dataset: number[][][] | null = null;
    trainSize = 0;
    testSize = 0;
    trainBatchIndex = 0;
    testBatchIndex = 0;
    NUM_FEATURES = 30;
    NUM_CLASSES = 2;

    get numFeatures() {
      return this.NUM_FEATURES;
    }

    /** Loads training and test data. */
    async loadData() {
      this.dataset = await Promise.all([
        loadCsv(TRAIN_DATA), loadCsv(TRAIN_TARGET),
        loadCsv(TEST_DATA), loadCsv(TEST_TARGET)
      ]);

      let {dataset: trainDataset, vectorMeans, vectorStddevs} =
          normalizeDataset(this.dataset[0]);

      this.dataset[0] = trainDataset;

      let {dataset: testDataset} = normalizeDataset(
          this.dataset[2], false, vectorMeans, vectorStddevs);

      this.dataset[2] = testDataset;

      this.trainSize = this.dataset[0].length;
      this.testSize = this.dataset[2].length;

      shuffle(this.dataset[0], this.dataset[1]);
      shuffle(this.dataset[2], this.dataset[3]);
    }

    getTrainData() {
      const dataShape: [number, number] = [this.trainSize, this.NUM_FEATURES];

      const trainData = Float32Array.from(([] as number[]).concat.apply([], this.dataset![0]));
      const trainTarget = Float32Array.from(([] as number[]).concat.apply([], this.dataset![1]));

      return {
        data: tf.tensor2d(trainData, dataShape),
        target: tf.tensor1d(trainTarget)
      };
    }

    getTestData() {
      const dataShape: [number, number] = [this.testSize, this.NUM_FEATURES];

      const testData = Float32Array.from(([] as number[]).concat.apply([], this.dataset![2]));
      const testTarget = Float32Array.from(([] as number[]).concat.apply([], this.dataset![3]));

      return {
        data: tf.tensor2d(testData, dataShape),
        target: tf.tensor1d(testTarget)
      };
    }
  }

  // index.js
  function falsePositives(yTrue: neurite.Tensor, yPred: neurite.Tensor) {
    return tf.tidy(() => {
      const one = tf.scalar(1);
      const zero = tf.scalar(0);
      return tf.logicalAnd(yTrue.equal(zero), yPred.equal(one))
          .sum()
          .cast('float32');
    });
  }

  function trueNegatives(yTrue: neurite.Tensor, yPred: neurite.Tensor) {
    return tf.tidy(() => {
      const zero = tf.scalar(0);
      return tf.logicalAnd(yTrue.equal(zero), yPred.equal(zero))
          .sum()
          .cast('float32');
    });
  }

  // TODO(cais): Use tf.metrics.falsePositiveRate when available.
  function falsePositiveRate(yTrue: neurite.Tensor, yPred: neurite.Tensor) {
    return tf.tidy(() => {
      const fp = falsePositives(yTrue, yPred);
      const tn = trueNegatives(yTrue, yPred);
      return fp.div(fp.add(tn));
    });
  }

  /**
   * Draw a ROC curve; returns the area under the curve (AUC).
   */
  function drawROC(targets: neurite.Tensor, probs: neurite.Tensor, epoch: number) {
    return tf.tidy(() => {
      const thresholds = [
        0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4,  0.45, 0.5,  0.55,
        0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.92, 0.94, 0.96, 0.98, 1.0
      ];
      const tprs: number[] = [];  // True positive rates.
      const fprs: number[] = [];  // False positive rates.
      let area = 0;
      for (let i = 0; i < thresholds.length; ++i) {
        const threshold = thresholds[i];

        const threshPredictions = binarize(probs, threshold).as1D() as neurite.Tensor;
        const fpr = falsePositiveRate(targets, threshPredictions).dataSync()[0];
        const tpr = tf.metrics.recall(targets, threshPredictions).dataSync()[0];
        fprs.push(fpr);
        tprs.push(tpr);

        // Accumulate to area for AUC calculation.
        if (i > 0) {
          area += (tprs[i] + tprs[i - 1]) * (fprs[i - 1] - fprs[i]) / 2;
        }
      }
      ui.plotROC(fprs, tprs, epoch);
      return area;
    });
  }

  // Some hyperparameters for model training.
  const epochs = 40; // was 400
  const batchSize = 350;

  const data = new WebsitePhishingDataset();
  await data.loadData().then(async () => {
    await ui.updateStatus('Getting training and testing data...');
    const trainData = data.getTrainData();
    const testData = data.getTestData();

    await ui.updateStatus('Building model...');
    const model = tf.sequential();
    model.add(tf.layers.dense(
        {inputShape: [data.numFeatures], units: 100, activation: 'sigmoid'}));
    model.add(tf.layers.dense({units: 100, activation: 'sigmoid'}));
    model.add(tf.layers.dense({units: 1, activation: 'sigmoid'}));
    sameStart(tf, model); // added
    model.compile(
        {optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy']});

    const trainLogs: neurite.Logs[] = [];
    let auc: number;

    await ui.updateStatus('Training starting...');
    await model.fit(trainData.data, trainData.target, {
      batchSize,
      epochs,
      validationSplit: 0.2,
      callbacks: {
        onEpochBegin: async (epoch) => {
          // Draw ROC every a few epochs.
          if ((epoch + 1) % 100 === 0 || epoch === 0 || epoch === 2 ||
              epoch === 4) {
            const probs = model.predict(testData.data) as neurite.Tensor;
            auc = drawROC(testData.target, probs, epoch);
            probs.dispose(); // added
          }
        },
        onEpochEnd: async (epoch, logs) => {
          await ui.updateStatus(`Epoch ${epoch + 1} of ${epochs} completed.`);
          trainLogs.push(logs!);
          ui.plotLosses(trainLogs);
          ui.plotAccuracies(trainLogs);
        }
      }
    });

    await ui.updateStatus('Running on test data...');
    tf.tidy(() => {
      const result =
          model.evaluate(testData.data, testData.target, {batchSize: batchSize}) as neurite.Tensor[];

      const lastTrainLog = trainLogs[trainLogs.length - 1];
      const testLoss = result[0].dataSync()[0];
      const testAcc = result[1].dataSync()[0];

      const probs = model.predict(testData.data) as neurite.Tensor;
      const predictions = binarize(probs).as1D() as neurite.Tensor;

      const precision =
          tf.metrics.precision(testData.target, predictions).dataSync()[0];
      const recall =
          tf.metrics.recall(testData.target, predictions).dataSync()[0];
      const fpr = falsePositiveRate(testData.target, predictions).dataSync()[0];
      ui.updateStatus(
          `Final train-set loss: ${lastTrainLog.loss.toFixed(4)} accuracy: ${
              lastTrainLog.acc.toFixed(4)}\n` +
          `Final validation-set loss: ${
              lastTrainLog.val_loss.toFixed(
                  4)} accuracy: ${lastTrainLog.val_acc.toFixed(4)}\n` +
          `Test-set loss: ${testLoss.toFixed(4)} accuracy: ${
              testAcc.toFixed(4)}\n` +
          `Precision: ${precision.toFixed(4)}\n` +
          `Recall: ${recall.toFixed(4)}\n` +
          `False positive rate (FPR): ${fpr.toFixed(4)}\n` +
          `Area under the curve (AUC): ${auc.toFixed(4)}`);
    });

    tf.dispose([trainData.data, trainData.target, testData.data, testData.target]); // added
    model.dispose(); // added
  });

  return { shown, trainTarget: data.dataset![1].flat(), testTarget: data.dataset![3].flat() };
}
