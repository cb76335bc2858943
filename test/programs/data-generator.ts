// tfjs-examples' data-generator: a card game simulated in a tf.data.generator, each play turned into features
// (oneHot, sum) in Dataset.map, batched; a dataset read into an array (take, toArray); a three-layer model
// trained with model.fitDataset (batchesPerEpoch, validation batches from the same generator), predicting a
// hand after every epoch.
//
// Source: github.com/tensorflow/tfjs-examples, data-generator/index.js and game.js (commit
// 0521725666e4504948eed00fe372b92510cc74f9). The code is theirs, in their order (doc comments shortened,
// TypeScript types added), with these changes:
// - Both files sit inside one exported function of `tf`, so the same code runs on TF.js and on neurite; it
//   runs what the page's "Dataset to array" button does, then its "Train model" button, then "Predict".
//   (The "Simulate game" button is left out: ui.displaySimulation reads featuresAndLabel.features and .label,
//   which gameToFeaturesAndLabel does not return, so it throws on either library.)
// - Math is a seeded stand-in (stand-ins.ts): both libraries play the same games.
// - ui.js and tfjs-vis are replaced by recorders; the page's inputs are 50 games a batch (was 100), 10 batches
//   an epoch (was 50) and 5 epochs (was 50), to keep the test fast; take 5 and the hand 13, 13, 13 as on the
//   page.
// - trainModelUsingFitDatasetHandler waits for the training it starts (was not awaited: the page goes on).
// - Added: the model's starting weights are fixed (sameStart), as the libraries' initialisers draw different
//   numbers; training reads the games in order, so the libraries then take the same steps. The tensors the
//   page leaves to the garbage collector (the dataset read into an array, each prediction) are disposed, and
//   so is the model.

import type * as neurite from '../../src/index.js';
import { sameStart, seededMath } from './stand-ins.js';

type TF = typeof neurite;

export async function dataGenerator(tf: TF) {
  const Math = seededMath(3);

  // ui.js and tfjs-vis, recorded.
  const shown = { batches: [] as Array<{xs: number[][]; ys: number[][]}>, history: {} as Record<string, neurite.Logs[]>, predictions: [] as string[], messages: [] as string[] };
  const ui = {
    lossContainerElement: 'training-loss-canvas',
    accuracyContainerElement: 'training-accuracy-canvas',
    getBatchSize: () => 50, // was 100
    getTake: () => 5,
    getBatchesPerEpoch: () => 10, // was 50
    getEpochsToTrain: () => 5, // was 50
    getInputCards: () => [13, 13, 13],
    displayNumSimulationsSoFar() {},
    displayTrainLogMessage(message: string) {
      shown.messages.push(message);
    },
    displayPrediction(text: string) {
      shown.predictions.push(text);
    },
    async displayBatches(arr: Array<{xs: neurite.Tensor; ys: neurite.Tensor}>) {
      shown.batches = arr.map(({xs, ys}) => ({xs: xs.arraySync() as number[][], ys: ys.arraySync() as number[][]}));
    },
    disableTrainButton() {},
    enableTrainButton() {},
    enableStopButton() {},
    disableStopButton() {},
    enablePredictButton() {},
  };
  const tfvis = {
    show: {
      history(container: string, history: neurite.Logs[], _metrics: string[], _options?: object) {
        shown.history[container] = history.slice();
      },
    },
  };
  const performance = globalThis.performance;

  // game.js
  const GAME_STATE = {
    num_simulations_so_far: 0,
    min_card_value: 1,
    max_card_value: 13,
    num_cards_per_hand: 3
  };

  function getRandomDigit() {
    return Math.floor(
        GAME_STATE.min_card_value + Math.random() * GAME_STATE.max_card_value);
  }

  function randomHand() {
    const hand = [];
    for (let i = 0; i < GAME_STATE.num_cards_per_hand; i++) {
      hand.push(getRandomDigit());
    }
    return hand.sort((a, b) => a - b);
  }

  function handScoringHelper(hand: number[]) {
    // Create an array of all zeros of the appropriate size.
    const faceValOfEachGroup = [];
    for (let i = 0; i < GAME_STATE.num_cards_per_hand; i++) {
      faceValOfEachGroup.push(0);
    }
    let runLength = 0;
    let prevVal = 0;
    for (let i = 0; i < GAME_STATE.num_cards_per_hand; i++) {
      const card = hand[i];
      if (card == prevVal) {
        runLength += 1;
      } else {
        prevVal = card;
        runLength = 1;
      }
      faceValOfEachGroup[runLength - 1] = card;
    }
    return faceValOfEachGroup;
  }

  function compareHands(hand1: number[], hand2: number[]) {
    const handScore1 = handScoringHelper(hand1);
    const handScore2 = handScoringHelper(hand2);
    // In descending order of group size, decide if one hand is better.
    for (let group = GAME_STATE.num_cards_per_hand - 1; group >= 0; group--) {
      if (handScore1[group] > handScore2[group]) {
        return 1;
      }
      if (handScore1[group] < handScore2[group]) {
        return 0;
      }
    }
    // Break a tie by flipping a fair coin.
    if (Math.random() > 0.5) {
      return 1;
    }
    return 0;
  }

  function generateOnePlay() {
    const player1Hand = randomHand();
    const player2Hand = randomHand();
    const player1Win = compareHands(player1Hand, player2Hand);
    GAME_STATE.num_simulations_so_far++;
    return {player1Hand, player2Hand, player1Win};
  }

  // index.js
  /**
   * Returns a dataset which will yield unlimited plays of the game.
   */
  const GAME_GENERATOR_DATASET = tf.data.generator(function* gen() {
    while (true) {
      yield generateOnePlay();
    }
  });

  let STOP_REQUESTED = false;

  let GLOBAL_MODEL: neurite.Sequential;

  /**
   * Takes the state of one complete game and returns features suitable for
   * training.
   */
  function gameToFeaturesAndLabel(gameState: {player1Hand: number[]; player1Win: number}) {
    return tf.tidy(() => {
      const player1Hand = tf.tensor1d(gameState.player1Hand, 'int32');
      const handOneHot = tf.oneHot(
          tf.sub(player1Hand, tf.scalar(1, 'int32')),
          GAME_STATE.max_card_value);
      const features = tf.sum(handOneHot, 0);
      const label = tf.tensor1d([gameState.player1Win]);
      return {xs: features, ys: label};
    });
  }

  async function datasetToArray() {
    return GAME_GENERATOR_DATASET.map(gameToFeaturesAndLabel as never)
        .batch(ui.getBatchSize())
        .take(ui.getTake())
        .toArray();
  }

  async function datasetToArrayHandler() {
    const arr = await datasetToArray() as Array<{xs: neurite.Tensor; ys: neurite.Tensor}>;
    ui.displayBatches(arr);
    ui.displayNumSimulationsSoFar();
    tf.dispose(arr); // added
  }

  function createDNNModel() {
    GLOBAL_MODEL = tf.sequential();
    GLOBAL_MODEL.add(tf.layers.dense({
      inputShape: [GAME_STATE.max_card_value],
      units: 20,
      activation: 'relu'
    }));
    GLOBAL_MODEL.add(tf.layers.dense({units: 20, activation: 'relu'}));
    GLOBAL_MODEL.add(tf.layers.dense({units: 1, activation: 'sigmoid'}));
    sameStart(tf, GLOBAL_MODEL); // added
    return GLOBAL_MODEL;
  }

  async function trainModelUsingFitDataset(model: neurite.Sequential, dataset: neurite.data.Dataset) {
    const trainLogs: neurite.Logs[] = [];
    const beginMs = performance.now();
    const fitDatasetArgs = {
      batchesPerEpoch: ui.getBatchesPerEpoch(),
      epochs: ui.getEpochsToTrain(),
      validationData: dataset,
      validationBatches: 10,
      callbacks: {
        onEpochEnd: async (epoch: number, logs?: neurite.Logs) => {
          // Plot the loss and accuracy values at the end of every training epoch.
          const secPerEpoch =
              (performance.now() - beginMs) / (1000 * (epoch + 1));
          ui.displayTrainLogMessage(
              `Training model... Approximately ` +
              `${secPerEpoch.toFixed(4)} seconds per epoch`);
          trainLogs.push(logs!);
          tfvis.show.history(
              ui.lossContainerElement, trainLogs, ['loss', 'val_loss'])
          tfvis.show.history(
              ui.accuracyContainerElement, trainLogs, ['acc', 'val_acc'],
              {zoomToFitAccuracy: true})
          ui.displayNumSimulationsSoFar();
          // Update the prediction.
          predictHandler();
          // Stop the training if stop requested.
          if (STOP_REQUESTED) {
            model.stopTraining = true;
          }
        },
      }
    };
    ui.disableTrainButton();
    ui.enableStopButton();
    ui.enablePredictButton();
    await model.fitDataset(dataset, fitDatasetArgs);
    ui.enableTrainButton();
    ui.disableStopButton();
  }

  async function trainModelUsingFitDatasetHandler() {
    STOP_REQUESTED = false;
    const model = createDNNModel();
    model.compile({
      optimizer: 'rmsprop',
      loss: 'binaryCrossentropy',
      metrics: ['accuracy'],
    });
    const dataset = GAME_GENERATOR_DATASET.map(gameToFeaturesAndLabel as never)
                        .batch(ui.getBatchSize());
    await trainModelUsingFitDataset(model, dataset); // was not awaited
  }

  function predictHandler() {
    tf.tidy(() => { // tidy added
      const cards = ui.getInputCards();
      const features =
          gameToFeaturesAndLabel({player1Hand: cards, player1Win: 1}).xs;
      const output = GLOBAL_MODEL.predict(features.expandDims(0)) as neurite.Tensor;
      ui.displayPrediction(`${output.dataSync()[0].toFixed(3)}`);
    });
  }

  // The buttons: "Dataset to array", "Train model", "Predict".
  await datasetToArrayHandler();
  await trainModelUsingFitDatasetHandler();
  predictHandler();
  GLOBAL_MODEL!.dispose(); // added

  return { shown, simulations: GAME_STATE.num_simulations_so_far };
}
