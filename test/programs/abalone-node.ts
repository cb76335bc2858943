// tfjs-examples' abalone-node: abalone ages from a CSV file read with tf.data.csv (a label column, the sex
// letters mapped to numbers in Dataset.map), shuffled, batched, split with take/skip, a three-layer MLP
// trained with model.fitDataset and validation data, saved to file://, loaded back and asked one prediction.
//
// Source: github.com/tensorflow/tfjs-examples, abalone-node/train.js, data.js and model.js (commit
// 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (doc comments shortened,
// TypeScript types added), with these changes:
// - The three files sit inside one exported function of `tf`, so the same code runs on TF.js and on neurite;
//   run() is called with the command line's values in place of argparse's.
// - The data: instead of abalone.csv (4177 shells, downloaded by train.js), a fixture in its format (the
//   same header, sex as M, F or I) with 300 shells made up by fixed formulas with noise (abaloneCsv below).
//   So that it still splits into training and validation batches, run() takes about 250 rows for training
//   (was 3500) in batches of 50 (was 500), for 20 epochs (was 100), shuffling in a buffer of 100 (was 1000,
//   about the same share of the 4177 rows; TF.js's shuffle slows with a buffer larger than the data).
// - The model is saved to a fresh temporary directory (was file://trainedModel); TF.js gets tfjs-node's
//   file:// handler from stand-ins.ts (tfjs-node is not installed).
// - Added: fitDataset's history is kept (tfjs-node prints it as it trains), the function returns it with
//   the prediction and the save path, and the models and tensors are disposed.

import type * as neurite from '../../src/index.js';
import { randomData } from '../support.js';
import { fixtureUrl, freshDirUrl } from './stand-ins.js';

type TF = typeof neurite;

/** 300 made-up shells in abalone.csv's format: sizes and weights that grow together, rings that follow the shell weight. */
function abaloneCsv(): string {
  const u = randomData(300 * 4, 21, 0, 1);
  const lines = ['sex,length,diameter,height,weight.w,weight.s,weight.v,weight.sh,rings'];
  for (let r = 0; r < 300; r++) {
    const [s, a, b, c] = u.subarray(r * 4, r * 4 + 4);
    const sex = s < 0.3 ? 'I' : s < 0.65 ? 'M' : 'F';
    const length = (sex === 'I' ? 0.15 : 0.35) + a * 0.45;
    const diameter = length * (0.76 + 0.06 * b);
    const height = diameter * (0.3 + 0.08 * c);
    const whole = 3.6 * length ** 3 * (0.9 + 0.2 * b);
    const shell = whole * (0.27 + 0.06 * c);
    const rings = Math.max(1, Math.round(3 + 22 * shell + 4 * (a - 0.5) + 6 * (c - 0.5)));
    const fields = [length, diameter, height, whole, whole * (0.42 + 0.04 * a), whole * 0.22, shell].map((v) => +v.toFixed(4));
    lines.push([sex, ...fields, rings].join(','));
  }
  return lines.join('\n') + '\n';
}

export async function abaloneNode(tf: TF) {
  // data.js
  /**
   * Load a local csv file and prepare the data for training.
   */
  async function createDataset(csvPath: string) {
    const dataset = tf.data.csv(
        csvPath, {hasHeader: true, columnConfigs: {'rings': {isLabel: true}}});
    const numOfColumns = (await dataset.columnNames()).length - 1;
    // Convert features and labels.
    return {
      dataset: dataset.map(row => {
        const rawFeatures = (row as Record<string, Record<string, number | string>>)['xs'];
        const rawLabel = (row as Record<string, Record<string, number | string>>)['ys'];
        const convertedFeatures = Object.keys(rawFeatures).map(key => {
          switch (rawFeatures[key]) {
            case 'F':
              return 0;
            case 'M':
              return 1;
            case 'I':
              return 2;
            default:
              return Number(rawFeatures[key]);
          }
        });
        const convertedLabel = [rawLabel['rings']];
        return {xs: convertedFeatures, ys: convertedLabel};
      }),
      numOfColumns: numOfColumns
    };
  }

  // model.js
  /**
   * Builds and returns Multi Layer Perceptron Regression Model.
   */
  function createModel(inputShape: number[]) {
    const model = tf.sequential();
    model.add(tf.layers.dense({
      inputShape: inputShape,
      activation: 'sigmoid',
      units: 50,
    }));
    model.add(tf.layers.dense({
      activation: 'sigmoid',
      units: 50,
    }));
    model.add(tf.layers.dense({
      units: 1,
    }));
    model.compile({optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError'});
    return model;
  }

  // train.js
  const csvPath = fixtureUrl('abalone.csv', abaloneCsv()); // was './abalone.csv', downloaded
  const added = {} as { history: neurite.History; prediction: number[]; savePath: string };

  /**
   * Train a model with dataset, then save the model to a local folder.
   */
  async function run(epochs: number, batchSize: number, savePath: string) {
    const datasetObj = await createDataset(csvPath); // was 'file://' + csvPath
    const model = createModel([datasetObj.numOfColumns]);
    // The dataset has 300 rows. Split them into 2 groups, one for training and
    // one for validation. Take about 250 rows as train dataset, and the rest as
    // validation dataset.
    const trainBatches = Math.floor(250 / batchSize); // was 3500
    const dataset = datasetObj.dataset.shuffle(100).batch(batchSize); // was shuffle(1000)
    const trainDataset = dataset.take(trainBatches);
    const validationDataset = dataset.skip(trainBatches);

    added.history = await model.fitDataset( // `added.history =` added
        trainDataset, {epochs: epochs, validationData: validationDataset});

    await model.save(savePath);

    const loadedModel = await tf.loadLayersModel(savePath + '/model.json');
    const result = tf.tidy(() => loadedModel.predict( // tidy added
        tf.tensor2d([[0, 0.625, 0.495, 0.165, 1.262, 0.507, 0.318, 0.39]])) as neurite.Tensor);
    console.log(
        'The actual test abalone age is 10, the inference result from the model is ' +
        result.dataSync());

    added.prediction = Array.from(result.dataSync()); // added
    added.savePath = savePath; // added
    tf.dispose(result); // added
    model.dispose(); // added
    loadedModel.dispose(); // added
  }

  const args = {epochs: 20, batch_size: 50, savePath: freshDirUrl('abalone-model')}; // were 100, 500, 'file://trainedModel'
  await run(args.epochs, args.batch_size, args.savePath);
  return added;
}
