// tfjs-examples' baseball strike-zone model (baseball-node/strike_zone.js, run by train_strike_zone.js):
// pitches read with tf.data.csv (a label column), normalised in Dataset.map, shuffled and batched, a
// three-layer classifier trained with model.fitDataset and sparseCategoricalCrossentropy, then evaluated on
// the test batch.
//
// Source: github.com/tensorflow/tfjs-examples, baseball-node/strike_zone.js, train_strike_zone.js and
// utils.js (commit 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (doc
// comments shortened, TypeScript types added), with these changes:
// - The files sit inside one exported function of `tf`, so the same code runs on TF.js and on neurite;
//   run() is called with the command line's defaults in place of argparse's (20 epochs, no save path).
// - The data: instead of the two CSV files on storage.googleapis.com (10000 and 200 pitches), fixtures with
//   the columns the program reads (px, pz, sz_top, sz_bot, left_handed_batter, is_strike), 400 and 100 pitches
//   made up uniformly, a strike being a pitch inside the zone (strikeZoneCsv below); TRAINING_DATA_LENGTH and
//   TEST_DATA_LENGTH, the files' sizes, follow (the shuffle's buffer is the whole file, as before).
// - Added: the model is disposed at the end.

import type * as neurite from '../../src/index.js';
import { randomData } from '../support.js';
import { fixtureUrl } from './stand-ins.js';

type TF = typeof neurite;

/** Made-up pitches: location and zone uniform, a strike when the pitch crosses the zone (17 inches wide). */
function strikeZoneCsv(rows: number, seed: number): string {
  const u = randomData(rows * 5, seed, 0, 1);
  const lines = ['px,pz,sz_top,sz_bot,left_handed_batter,is_strike'];
  for (let r = 0; r < rows; r++) {
    const [a, b, c, d, e] = u.subarray(r * 5, r * 5 + 5);
    const [px, pz, top, bottom] = [-1.6 + 3.2 * a, 0.4 + 4.4 * b, 3.0 + 1.0 * c, 1.35 + 0.6 * d];
    const strike = Math.abs(px) < 0.83 && pz > bottom && pz < top ? 1 : 0;
    lines.push([px, pz, top, bottom].map((v) => v.toFixed(4)).concat([String(e < 0.4 ? 1 : 0), String(strike)]).join(','));
  }
  return lines.join('\n') + '\n';
}

export async function strikeZone(tf: TF) {
  // utils.js
  // Normalize a value between a given range.
  function normalize(value: number, min?: number, max?: number) {
    if (min === undefined || max === undefined) {
      return value;
    }
    return (value - min) / (max - min);
  }

  // strike_zone.js
  const TRAIN_DATA_PATH = fixtureUrl('strike_zone_training_data.csv', strikeZoneCsv(400, 31)); // was a URL
  const TEST_DATA_PATH = fixtureUrl('strike_zone_test_data.csv', strikeZoneCsv(100, 32)); // was a URL

  // Constants from training data:
  const PX_MIN = -2.65170604056843;
  const PX_MAX = 2.842899614;
  const PZ_MIN = -2.01705841594049;
  const PZ_MAX = 6.06644249133382;
  const SZ_TOP_MIN = 2.85;
  const SZ_TOP_MAX = 4.241794863019148;
  const SZ_BOT_MIN = 1.248894636863092;
  const SZ_BOT_MAX = 2.2130980270561516;

  const TRAINING_DATA_LENGTH = 400; // was 10000: the files' sizes
  const TEST_DATA_LENGTH = 100; // was 200

  // Converts a row from the CSV into features and labels.
  // Each feature field is normalized within training data constants:
  const csvTransform = ({xs, ys}: {xs: Record<string, number>, ys: Record<string, number>}) => {
    const values = [
      normalize(xs.px, PX_MIN, PX_MAX), normalize(xs.pz, PZ_MIN, PZ_MAX),
      normalize(xs.sz_top, SZ_TOP_MIN, SZ_TOP_MAX),
      normalize(xs.sz_bot, SZ_BOT_MIN, SZ_BOT_MAX), xs.left_handed_batter
    ];
    return {xs: values, ys: ys.is_strike};
  };

  const trainingData =
      tf.data.csv(TRAIN_DATA_PATH, {columnConfigs: {is_strike: {isLabel: true}}})
          .map(csvTransform as never)
          .shuffle(TRAINING_DATA_LENGTH)
          .batch(50);

  const testValidationData =
      tf.data.csv(TEST_DATA_PATH, {columnConfigs: {is_strike: {isLabel: true}}})
          .map(csvTransform as never)
          .batch(TEST_DATA_LENGTH);

  const model = tf.sequential();
  model.add(tf.layers.dense({units: 20, activation: 'relu', inputShape: [5]}));
  model.add(tf.layers.dense({units: 10, activation: 'relu'}));
  model.add(tf.layers.dense({units: 2, activation: 'softmax'}));
  model.compile({
    optimizer: tf.train.adam(),
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy']
  });

  const sz_model = {model, testValidationData, trainingData, TEST_DATA_LENGTH};

  // train_strike_zone.js
  async function run(epochCount: number, savePath: string | null) {
    sz_model.model.summary();
    await sz_model.model.fitDataset(sz_model.trainingData, {
      epochs: epochCount,
      callbacks: {
        onEpochEnd: async (epoch, logs) => {
          console.log(`Epoch: ${epoch} - loss: ${logs!.loss.toFixed(3)}`);
        }
      }
    });

    // Eval against test data:
    await sz_model.testValidationData.forEachAsync(data => {
      const {xs, ys} = data as {xs: neurite.Tensor, ys: neurite.Tensor};
      const evalOutput =
          sz_model.model.evaluate(xs, ys, sz_model.TEST_DATA_LENGTH as never) as neurite.Tensor[];

      console.log(
          `\nEvaluation result:\n` +
          `  Loss = ${evalOutput[0].dataSync()[0].toFixed(3)}; ` +
          `Accuracy = ${evalOutput[1].dataSync()[0].toFixed(3)}`);
      tf.dispose(evalOutput); // added
    });

    if (savePath !== null) {
      await sz_model.model.save(`file://${savePath}`);
      console.log(`Saved model to path: ${savePath}`);
    }
  }

  await run(20, null);
  model.dispose(); // added
}
