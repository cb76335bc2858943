// Real TF.js programs (test/programs/), each one function run unchanged on TF.js's cpu backend and on
// neurite: the tensors it returns (shape, dtype, values), what it prints, its plain values. Two groups:
// - programs without training or whose training is compared by its course (tfjs-examples'
//   polynomial-regression-core and iris data preparation, the cars-MPG codelab, the "Tensors and operations"
//   guide): every tensor freed, as the suite's other tests;
// - the model programs of issue 10 (the "Models and layers" guide; tfjs-examples' getting-started,
//   iris-fitDataset, boston-housing, abalone-node, the baseball strike-zone model, website-phishing,
//   data-generator, mnist's dense model, jena-weather's MLP, cart-pole), which train: compared by value
//   where both libraries take the same steps (fixed starting weights, the same data in the same order), by
//   what training reaches where the libraries' own random draws (initial weights, shuffles, sampled
//   actions) make them differ; each must leave no more tensors behind than it does on TF.js.

import { format } from 'node:util';
import * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import { abaloneNode } from './programs/abalone-node.js';
import { bostonHousing } from './programs/boston-housing.js';
import { carsMpgCodelab } from './programs/cars-mpg-codelab.js';
import { cartPole } from './programs/cart-pole.js';
import { dataGenerator } from './programs/data-generator.js';
import { gettingStarted } from './programs/getting-started.js';
import { irisData } from './programs/iris-data.js';
import { irisFitDataset } from './programs/iris-fit-dataset.js';
import { iris } from './programs/iris.js';
import { jenaWeather } from './programs/jena-weather.js';
import { mnistDense } from './programs/mnist-dense.js';
import { modelsAndLayers } from './programs/models-and-layers.js';
import { polynomialRegressionCore } from './programs/polynomial-regression-core.js';
import { polynomialRegression } from './programs/polynomial-regression.js';
import { registerTfjsFileSystem, removeTemporary, seededMath } from './programs/stand-ins.js';
import { strikeZone } from './programs/strike-zone.js';
import { tensorsAndOperations } from './programs/tensors-and-operations.js';
import { trainingModels } from './programs/training-models.js';
import { websitePhishing } from './programs/website-phishing.js';
import { expectClose, onBackend } from './support.js';

type Lib = typeof tf;
type Program = (lib: Lib) => unknown;
type Tolerance = { atol: number; rtol: number };

/** Programs without training: float32 ops in another order may differ in the last bit or two. */
const EXACT: Tolerance = { atol: 1e-6, rtol: 1e-5 };
/**
 * The same training steps from the same start (75 to 250 of SGD, Adam or RMSProp): a float32 difference in a
 * step's mean over a batch or in an op (x^3, a fused multiply-add on the relaxed-SIMD build) is carried on by
 * the later steps. These problems are well conditioned at their learning rates, so such differences shrink
 * rather than grow; 1e-4 relative leaves a wide margin (today the losses agree to about 1e-7, the polynomial's
 * coefficients to the bit).
 */
const TRAINED: Tolerance = { atol: 1e-5, rtol: 1e-4 };

/** A tensor read out: its shape, dtype and values. */
class TensorData {
  constructor(readonly shape: number[], readonly dtype: string, readonly values: number[]) {}
}

/** What a program returned (tensors read out and disposed, typed arrays as arrays), what it printed, and how many tensors it left behind. */
interface Run {
  result: unknown;
  printed: string[];
  leaked: number;
}

function readOut(lib: Lib, value: unknown): unknown {
  if (value instanceof lib.Tensor) {
    const data = new TensorData(value.shape, value.dtype, Array.from(value.dataSync()));
    value.dispose();
    return data;
  }
  if (ArrayBuffer.isView(value)) return Array.from(value as Float32Array);
  if (Array.isArray(value)) return value.map((v) => readOut(lib, v));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, readOut(lib, v)]));
  return value;
}

type MemoryInfo = ReturnType<Lib['memory']>;

function isMemoryInfo(value: unknown): value is MemoryInfo {
  return value !== null && typeof value === 'object' && 'numTensors' in value && 'numDataBuffers' in value && 'numBytes' in value;
}

/** The seed of every run: neurite's tf.setSeed, and Math.random's stream, which TF.js draws its weights and shuffles from. */
const SEED = 1;

/**
 * Runs a program on lib, capturing console.log (tensor.print() logs too), with Math.random seeded. A printed
 * tf.memory() shows its counts relative to the program's start (the libraries hold different tensors before
 * it), without `unreliable`/`reasons`, which are the backend's own: TF.js's cpu backend reports its
 * garbage-collected memory as unreliable.
 */
async function runOn(lib: Lib, program: Program): Promise<Run> {
  const printed: string[] = [];
  const start = lib.memory();
  const relative = (m: MemoryInfo) => ({ numTensors: m.numTensors - start.numTensors, numDataBuffers: m.numDataBuffers - start.numDataBuffers, numBytes: m.numBytes - start.numBytes });
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(format(...args.map((arg) => (isMemoryInfo(arg) ? relative(arg) : arg))));
  });
  const random = vi.spyOn(Math, 'random').mockImplementation(seededMath(SEED).random);
  if (lib === tf) tf.setSeed(SEED);
  try {
    const result = readOut(lib, await program(lib));
    return { result, printed, leaked: lib.memory().numTensors - start.numTensors };
  } finally {
    log.mockRestore();
    random.mockRestore();
  }
}

const tfjsRuns = new Map<Program, Promise<Run>>();
/** The program's run on TF.js's cpu backend, once for both of neurite's backends. */
function onTfjs(program: Program): Promise<Run> {
  let run = tfjsRuns.get(program);
  if (!run) {
    run = tfjs.setBackend('cpu').then(() => runOn(tfjs as unknown as Lib, program));
    tfjsRuns.set(program, run);
  }
  return run;
}

/** Expects neurite's value to be TF.js's: tensors by shape, dtype and values, numbers within tolerance, the rest equal. */
function expectSame(actual: unknown, expected: unknown, tolerance: Tolerance, path = 'result'): void {
  if (expected instanceof TensorData) {
    expect(actual, `${path}: a tensor`).toBeInstanceOf(TensorData);
    const a = actual as TensorData;
    expect(a.shape, `${path}: shape`).toEqual(expected.shape);
    expect(a.dtype, `${path}: dtype`).toBe(expected.dtype);
    expectClose(a.values, expected.values, tolerance, path);
  } else if (typeof expected === 'number') {
    expect(typeof actual, `${path}: a number`).toBe('number');
    expectClose([actual as number], [expected], tolerance, path);
  } else if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path}: an array`).toBe(true);
    expect((actual as unknown[]).length, `${path}: length`).toBe(expected.length);
    expected.forEach((e, i) => expectSame((actual as unknown[])[i], e, tolerance, `${path}[${i}]`));
  } else if (expected !== null && typeof expected === 'object') {
    expect(Object.keys(actual as object).sort(), `${path}: keys`).toEqual(Object.keys(expected).sort());
    for (const [key, e] of Object.entries(expected)) expectSame((actual as Record<string, unknown>)[key], e, tolerance, `${path}.${key}`);
  } else {
    expect(actual, path).toEqual(expected);
  }
}

/** The rows of a [n, width] tensor's values. */
function rows(values: number[], width: number): number[][] {
  return Array.from({ length: values.length / width }, (_, i) => values.slice(i * width, (i + 1) * width));
}

/** Rows in lexicographic order: what a shuffle leaves unchanged. */
function sortRows(list: number[][]): number[][] {
  return [...list].sort((p, q) => {
    const i = p.findIndex((v, j) => v !== q[j]);
    return i < 0 ? 0 : p[i] - q[i];
  });
}

describe.each(['wasm', 'js'] as const)('TF.js programs on %s', (backend) => {
  onBackend(backend);

  it('tfjs-examples polynomial-regression-core learns the coefficients TF.js learns, through minimize and nextFrame', async () => {
    const [ours, theirs] = [await runOn(tf, polynomialRegressionCore), await onTfjs(polynomialRegressionCore)];
    expectSame(ours.result, theirs.result, TRAINED);
  });

  it('the "Tensors and operations" guide prints what TF.js prints, snippet by snippet', async () => {
    const [ours, theirs] = [await runOn(tf, tensorsAndOperations), await onTfjs(tensorsAndOperations)];
    expect(theirs.printed.length).toBe(18);
    expect(ours.printed).toEqual(theirs.printed);
    expectSame(ours.result, theirs.result, EXACT);
  });

  it('tfjs-examples iris getIrisData: shuffle, tensor2d, toInt, oneHot, slice and concat give TF.js\'s split', async () => {
    const [ours, theirs] = [await runOn(tf, irisData), await onTfjs(irisData)];
    const [xTrain, yTrain, xTest, yTest] = ours.result as TensorData[];
    const [xTrainTfjs, yTrainTfjs, xTestTfjs, yTestTfjs] = theirs.result as TensorData[];
    // 42 training and 8 test flowers of each class, one-hot int32 labels in class order: no shuffle changes these.
    expect(xTrainTfjs.shape).toEqual([126, 4]);
    expectSame(yTrain, yTrainTfjs, EXACT, 'yTrain');
    expectSame(yTest, yTestTfjs, EXACT, 'yTest');
    for (const [name, a, e] of [['xTrain', xTrain, xTrainTfjs], ['xTest', xTest, xTestTfjs]] as const) {
      expect([a.shape, a.dtype], name).toEqual([e.shape, e.dtype]);
    }
    // Which flowers are held out is the shuffle's: together, train and test are every flower once, with its class.
    const labelled = (x: TensorData, y: TensorData) => rows(x.values, 4).map((row, i) => [...row, rows(y.values, 3)[i].indexOf(1)]);
    const everyFlower = (xs: TensorData[], ys: TensorData[]) => sortRows(xs.flatMap((x, i) => labelled(x, ys[i])));
    expectSame(everyFlower([xTrain, xTest], [yTrain, yTest]), everyFlower([xTrainTfjs, xTestTfjs], [yTrainTfjs, yTestTfjs]), EXACT, 'flowers');
  });

  it('the cars-MPG codelab normalises, trains and un-normalises as on TF.js', async () => {
    type Point = { x: number; y: number };
    type Result = {
      shown: { plots: Record<string, Point[][]>; epochs: number[][]; summary: unknown[][] };
      tensorData: Record<'inputs' | 'labels' | 'inputMax' | 'inputMin' | 'labelMax' | 'labelMin', TensorData>;
    };
    const [ours, theirs] = [await runOn(tf, carsMpgCodelab), await onTfjs(carsMpgCodelab)];
    const [result, expected] = [ours.result as Result, theirs.result as Result];
    expect(ours.printed).toEqual(theirs.printed);
    expectSame(result.shown.plots['Horsepower v MPG'], expected.shown.plots['Horsepower v MPG'], EXACT, 'data');
    expectSame(result.shown.summary, expected.shown.summary, EXACT, 'summary');

    // Normalisation: the bounds, and the normalised (horsepower, mpg) pairs, in the order of each library's shuffle.
    const bounds = ({ inputMax, inputMin, labelMax, labelMin }: Result['tensorData']) => ({ inputMax, inputMin, labelMax, labelMin });
    expectSame(bounds(result.tensorData), bounds(expected.tensorData), EXACT, 'bounds');
    const { inputs, labels } = result.tensorData;
    expect([inputs.shape, inputs.dtype, labels.shape, labels.dtype]).toEqual([[392, 1], 'float32', [392, 1], 'float32']);
    const pairs = (d: Result['tensorData']) => sortRows(d.inputs.values.map((x, i) => [x, d.labels.values[i]]));
    expectSame(pairs(result.tensorData), pairs(expected.tensorData), EXACT, 'normalised pairs');

    // Un-normalisation: tf.linspace(0, 1, 100) mapped back to horsepower; the original points, shuffled.
    const [original, predicted] = result.shown.plots['Model Predictions vs Original Data'];
    const [originalTfjs, predictedTfjs] = expected.shown.plots['Model Predictions vs Original Data'];
    expectSame(predicted.map((p) => p.x), predictedTfjs.map((p) => p.x), EXACT, 'un-normalised xs');
    expectSame(sortRows(original.map((p) => [p.x, p.y])), sortRows(originalTfjs.map((p) => [p.x, p.y])), EXACT, 'original points');
    // tf.util.shuffle shuffled the data in place: neurite's normalised inputs follow it point by point.
    const [min, max] = [result.tensorData.inputMin.values[0], result.tensorData.inputMax.values[0]];
    expectClose(inputs.values, original.map((p) => (p.x - min) / (max - min)), EXACT, 'inputs in the shuffled order');

    // Training starts from random weights and shuffles: compare its course, not its numbers.
    for (const [name, { epochs }, points] of [['neurite', result.shown, predicted], ['TF.js', expected.shown, predictedTfjs]] as const) {
      expect(epochs.length, `${name}: epochs logged`).toBe(50);
      expect(epochs.flat().every(Number.isFinite), `${name}: finite loss and mse`).toBe(true);
      expect(epochs.at(-1)![0], `${name}: the loss goes down`).toBeLessThan(epochs[0][0]);
      expect(points.every((p) => Number.isFinite(p.y)), `${name}: finite predictions`).toBe(true);
    }
  });
});

registerTfjsFileSystem(tfjs); // abalone-node saves and loads through file://, as tfjs-node lets it
afterAll(removeTemporary); // the programs' fixtures and saved models

const neuriteRuns = new Map<string, Promise<Run>>();
/** The program's run on neurite's backend, then TF.js's: each made once, for every test that reads them. */
async function runBoth(backend: string, program: Program): Promise<[Run, Run]> {
  const key = `${backend}:${program.name}`;
  if (!neuriteRuns.has(key)) neuriteRuns.set(key, runOn(tf, program));
  return [await neuriteRuns.get(key)!, await onTfjs(program)];
}

/** A program leaves no more tensors behind on neurite than on TF.js (most free all of theirs). */
function expectFrees(ours: Run, theirs: Run): void {
  expect(ours.leaked, 'tensors left behind, at most as many as on TF.js').toBeLessThanOrEqual(Math.max(theirs.leaked, 0));
}

/** Expects |actual - expected| <= rel * |expected|: what training reaches when the libraries' draws differ. */
function expectNear(actual: number, expected: number, rel: number, label: string): void {
  expect(Math.abs(actual - expected), `${label}: ${actual} on neurite, ${expected} on TF.js`).toBeLessThanOrEqual(rel * Math.abs(expected));
}

/** The decimal numbers in a text (a status line's losses and rates). */
const numbersIn = (text: string) => (text.match(/-?\d+\.\d+/g) ?? []).map(Number);

/**
 * The lines model.summary() printed, layer names without their counters (each library numbers its own
 * layers) and so with the padding after a field collapsed to one space.
 */
function summaryLines(printed: string[]): string[] {
  const start = printed.findIndex((line) => line.startsWith('___'));
  const end = printed.findIndex((line) => line.startsWith('Non-trainable params'));
  return printed.slice(start, end + 2).map((line) => line.replace(/(_[A-Za-z]+)\d+ /g, '$1 ').replace(/(\S) +/g, '$1 ').trimEnd());
}

type Logs = Record<string, number>;

describe.each(['wasm', 'js'] as const)('TF.js model programs, on %s', (backend) => {
  beforeAll(async () => {
    await tf.ready();
    await tf.setBackend(backend);
  });
  const run = (program: Program) => runBoth(backend, program);

  it('the "Models and layers" guide: sequential and functional models, apply, summary, save and load, a custom layer, the core API', async () => {
    const [ours, theirs] = await run(modelsAndLayers);
    // Layer names carry each library's global counters (dense_Dense7): compared without them, spaces collapsed.
    const plain = (lines: string[]) => lines.map((line) => line.replace(/(dense_Dense|input)\d+/g, '$1N').replace(/ +/g, ' '));
    expect(theirs.printed.length).toBeGreaterThan(10);
    expect(plain(ours.printed)).toEqual(plain(theirs.printed));
    const [result, expected] = [ours.result as Record<string, unknown>, theirs.result as Record<string, unknown>];
    for (const key of ['sequential', 'functional', 'saved']) expect(result[key], key).toEqual(expected[key]);
    expectSame(result.reloaded, expected.reloaded, EXACT, 'reloaded');
    const [[shape, sums], [shapeTfjs]] = [result.core as [number[], TensorData], expected.core as [number[], TensorData]];
    expect(shape).toEqual(shapeTfjs);
    expectClose(sums.values, [1, 1, 1], { atol: 1e-5, rtol: 0 }, 'softmax rows');
    expectFrees(ours, theirs);
  });

  it('tfjs-examples getting-started predicts at x = 20 what TF.js predicts, after the same 250 SGD steps', async () => {
    const [ours, theirs] = await run(gettingStarted);
    const prediction = (r: Run) => (r.result as { prediction: number[] }).prediction;
    expect(Math.abs(prediction(theirs)[0] - 39), 'near 2 * 20 - 1').toBeLessThan(1);
    expectSame(prediction(ours), prediction(theirs), TRAINED, 'prediction');
    expectFrees(ours, theirs);
  });

  it('tfjs-examples iris-fitDataset: datasets from arrays, zip, batch and fitDataset with validation data reach what TF.js reaches', async () => {
    type Shown = { status: string[]; history: Record<string, Logs[]>; confusionMatrix: number[][]; table: Array<Record<'xData' | 'yTrue' | 'yPred' | 'logits', number[]>>; winner: string; logits: number[] };
    const [ours, theirs] = await run(irisFitDataset);
    const [shown, shownTfjs] = [ours.result as Shown, theirs.result as Shown];
    for (const [name, { status, history, confusionMatrix, table, winner, logits }] of [['neurite', shown], ['TF.js', shownTfjs]] as const) {
      const epochs = history.lossCanvas;
      expect(epochs.length, name).toBe(40);
      expect(Object.keys(epochs[0]).sort(), name).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      const [first, last] = [epochs[0], epochs[39]];
      expect(last.loss, `${name}: the loss falls`).toBeLessThan(Math.min(0.5, first.loss / 2));
      expect(last.acc, `${name}: training accuracy`).toBeGreaterThanOrEqual(0.9);
      expect(last.val_acc, `${name}: validation accuracy`).toBeGreaterThanOrEqual(0.8);
      expect([status[0], status.length, status.at(-1)], name).toEqual(['Training model... Please wait.', 43, 'Standing by.']);
      // The 23 test flowers, in the table and in the confusion matrix (true class by row).
      const [{ xData, yTrue, yPred, logits: tableLogits }] = table;
      expect([xData.length, yTrue.length, tableLogits.length], name).toEqual([92, 23, 69]);
      const counted = [0, 1, 2].map((t) => [0, 1, 2].map((p) => yTrue.filter((y, i) => y === t && yPred[i] === p).length));
      expect(confusionMatrix, name).toEqual(counted);
      expect(counted[0][0] + counted[1][1] + counted[2][2], `${name}: test flowers classified right`).toBeGreaterThanOrEqual(19);
      expect(winner, `${name}: the manual input`).toBe('Iris-setosa');
      expectClose([logits.reduce((a, b) => a + b)], [1], EXACT, `${name}: softmax`);
    }
    expectNear(shown.history.lossCanvas[39].loss, shownTfjs.history.lossCanvas[39].loss, 0.6, 'final loss');
    expectFrees(ours, theirs);
  });

  it('tfjs-examples boston-housing: the same houses and baseline; a linear model and two MLPs trained with SGD reach TF.js\'s losses', async () => {
    type Result = { shown: { baselineStatus: string; modelStatus: Record<string, string>; history: Record<string, Logs[]>; weights: Array<{ description: string; value: number }> }; data: unknown };
    const [ours, theirs] = await run(bostonHousing);
    const [result, expected] = [ours.result as Result, theirs.result as Result];
    // Read with tf.data.csv and shuffled by the program's seeded Math: the same houses in the same order.
    expect(result.data).toEqual(expected.data);
    const baseline = (printed: string[]) => printed.filter((line) => /^(Average price|Baseline loss)/.test(line));
    expect(baseline(ours.printed)).toEqual(baseline(theirs.printed));
    expect(result.shown.baselineStatus).toBe(expected.shown.baselineStatus);
    const baselineLoss = numbersIn(expected.shown.baselineStatus)[0];
    for (const model of ['linear', 'oneHidden', 'twoHidden']) {
      // Final train-set, validation-set and test-set losses.
      const [losses, lossesTfjs] = [numbersIn(result.shown.modelStatus[model]), numbersIn(expected.shown.modelStatus[model])];
      expect(losses.length, model).toBe(3);
      losses.forEach((loss, i) => {
        expectNear(loss, lossesTfjs[i], 0.35, `${model} loss ${i}`);
        expect(loss, `${model}: far below the baseline`).toBeLessThan(baselineLoss / 10);
      });
      for (const history of [result.shown.history[model], expected.shown.history[model]]) {
        expect(history.map((logs) => Object.keys(logs).sort())).toEqual(new Array(40).fill(['loss', 'val_loss']));
      }
    }
    // The linear model's kernel, feature by feature, points where TF.js's does.
    const [kernel, kernelTfjs] = [result.shown.weights, expected.shown.weights];
    expect(kernel.map((w) => w.description)).toEqual(kernelTfjs.map((w) => w.description));
    const dot = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
    const [k, kt] = [kernel.map((w) => w.value), kernelTfjs.map((w) => w.value)];
    expect(dot(k, kt) / Math.sqrt(dot(k, k) * dot(kt, kt)), 'cosine of the kernels').toBeGreaterThan(0.95);
  });

  it('boston-housing leaves no more tensors behind than on TF.js (layer.getWeights() returns the variables, as TF.js does, so reading the kernel each epoch makes none)', async () => {
    const [ours, theirs] = await run(bostonHousing);
    expectFrees(ours, theirs);
  });

  it('tfjs-examples abalone-node: tf.data.csv, map, shuffle, batch, take/skip, fitDataset, save to file:// and load back', async () => {
    type Result = { history: { epoch: number[]; history: Record<string, number[]> }; prediction: number[]; savePath: string };
    const [ours, theirs] = await run(abaloneNode);
    const [result, expected] = [ours.result as Result, theirs.result as Result];
    for (const [name, { history }, printed] of [['neurite', result, ours.printed], ['TF.js', expected, theirs.printed]] as const) {
      expect(history.epoch, name).toEqual(Array.from({ length: 20 }, (_, i) => i));
      expect(Object.keys(history.history).sort(), name).toEqual(['loss', 'val_loss']);
      expect(history.history.loss[19], `${name}: the loss falls`).toBeLessThan(0.7 * history.history.loss[0]);
      expect(printed.at(-1), name).toMatch(/^The actual test abalone age is 10, the inference result from the model is \d+\.\d+$/);
    }
    expectNear(result.history.history.loss[19], expected.history.history.loss[19], 0.25, 'final loss');
    expectNear(result.prediction[0], expected.prediction[0], 0.2, 'the test abalone\'s rings');
    // Each library loads the model the other saved, and predicts what the other printed.
    const input = [[0, 0.625, 0.495, 0.165, 1.262, 0.507, 0.318, 0.39]];
    for (const [lib, savedBy] of [[tfjs as unknown as Lib, result], [tf, expected]] as const) {
      const model = await lib.loadLayersModel(`${savedBy.savePath}/model.json`);
      const prediction = lib.tidy(() => Array.from((model.predict(lib.tensor2d(input)) as tf.Tensor).dataSync()));
      model.dispose();
      expectClose(prediction, savedBy.prediction, EXACT, 'the other library\'s model');
    }
    expectFrees(ours, theirs);
  });

  it('the baseball strike-zone model: tf.data.csv with a label column, map, shuffle, batch, fitDataset on sparseCategoricalCrossentropy, evaluate(x, y, 100)', async () => {
    const [ours, theirs] = await run(strikeZone);
    const report = (printed: string[]) => ({
      epochs: printed.filter((line) => line.startsWith('Epoch: ')).map((line) => Number(line.split('loss: ')[1])),
      evaluation: numbersIn(printed.find((line) => line.includes('Evaluation result')) ?? ''),
    });
    const [{ epochs, evaluation }, { epochs: epochsTfjs, evaluation: evaluationTfjs }] = [report(ours.printed), report(theirs.printed)];
    for (const [name, losses, [loss, accuracy]] of [['neurite', epochs, evaluation], ['TF.js', epochsTfjs, evaluationTfjs]] as const) {
      expect(losses.length, name).toBe(20);
      expect(losses[19], `${name}: the loss falls`).toBeLessThan(losses[0]);
      expect(loss, `${name}: test loss`).toBeLessThan(0.65);
      expect(accuracy, `${name}: test accuracy`).toBeGreaterThanOrEqual(0.7);
    }
    expect(Math.abs(epochs[19] - epochsTfjs[19]), 'final loss').toBeLessThanOrEqual(0.03);
    expect(Math.abs(evaluation[0] - evaluationTfjs[0]), 'test loss').toBeLessThanOrEqual(0.05);
    expectFrees(ours, theirs);
  });

  it('tfjs-examples website-phishing takes TF.js\'s training steps from the same start: losses, ROC points, evaluate, precision, recall', async () => {
    type Result = { shown: { status: string; losses: Logs[]; roc: unknown[] }; trainTarget: number[]; testTarget: number[] };
    const [ours, theirs] = await run(websitePhishing);
    const [result, expected] = [ours.result as Result, theirs.result as Result];
    expect([result.trainTarget, result.testTarget]).toEqual([expected.trainTarget, expected.testTarget]);
    expectSame(result.shown.losses, expected.shown.losses, TRAINED, 'epoch logs');
    expectSame(result.shown.roc, expected.shown.roc, TRAINED, 'ROC curves');
    // Losses, accuracies, precision, recall, false positive rate, AUC: printed with 4 decimals.
    expectClose(numbersIn(result.shown.status), numbersIn(expected.shown.status), { atol: 2e-4, rtol: 0 }, 'final status');
    expect(expected.shown.losses[39].loss, 'the loss falls').toBeLessThan(0.9 * expected.shown.losses[0].loss);
    expectFrees(ours, theirs);
  });

  it('tfjs-examples data-generator plays the same games and takes TF.js\'s steps: generator, map, batch, take, toArray, fitDataset with batchesPerEpoch and validation batches (int32 inputs, cast as TF.js does)', async () => {
    type Result = { shown: { batches: unknown[]; history: Record<string, Logs[]>; predictions: string[] }; simulations: number };
    const [ours, theirs] = await run(dataGenerator);
    const [result, expected] = [ours.result as Result, theirs.result as Result];
    expect(result.simulations, 'games played').toBe(expected.simulations);
    expect(result.shown.batches).toEqual(expected.shown.batches);
    expectSame(result.shown.history, expected.shown.history, TRAINED, 'epoch logs');
    expectClose(result.shown.predictions.map(Number), expected.shown.predictions.map(Number), { atol: 1e-3, rtol: 0 }, 'predictions');
    expectFrees(ours, theirs);
  });

  it('tfjs-examples mnist (dense model): tensor4d images, flatten, rmsprop with validationSplit and batch callbacks reach TF.js\'s accuracy', async () => {
    type Shown = { status: string[]; loss: Record<'train' | 'validation', number[]>; accuracy: Record<'train' | 'validation', number[]>; testResults: Array<{ predictions: number[]; labels: number[] }> };
    const [ours, theirs] = await run(mnistDense);
    const [shown, shownTfjs] = [ours.result as Shown, theirs.result as Shown];
    for (const [name, { status, loss, accuracy, testResults }] of [['neurite', shown], ['TF.js', shownTfjs]] as const) {
      // 510 training images in batches of 320: 2 batches an epoch, 3 epochs.
      expect([loss.train.length, accuracy.train.length, loss.validation.length, accuracy.validation.length], name).toEqual([6, 6, 3, 3]);
      expect(Math.abs(loss.train[0] - Math.log(10)), `${name}: an untrained softmax`).toBeLessThan(0.15);
      expect(loss.validation[2], `${name}: the loss falls`).toBeLessThan(loss.train[0] - 0.3);
      expect(status.at(-1), name).toMatch(/^Final validation accuracy: \d+\.\d%; Final test accuracy: \d+\.\d%$/);
      expect(numbersIn(status.at(-1)!)[1], `${name}: test accuracy, %`).toBeGreaterThanOrEqual(40);
      expect(testResults.length, `${name}: predictions shown at batch 0 and at each epoch's end`).toBe(6);
      const { predictions, labels } = testResults[5];
      expect(predictions.filter((p, i) => p === labels[i]).length, `${name}: test images classified right`).toBeGreaterThanOrEqual(40);
    }
    expect(shown.testResults[5].labels).toEqual(shownTfjs.testResults[5].labels);
    expectNear(shown.loss.validation[2], shownTfjs.loss.validation[2], 0.15, 'final validation loss');
    expect(Math.abs(numbersIn(shown.status.at(-1)!)[1] - numbersIn(shownTfjs.status.at(-1)!)[1]), 'test accuracy, %').toBeLessThanOrEqual(20);
    expectFrees(ours, theirs);
  });

  it('tfjs-examples jena-weather (MLP): the same normalisation, baseline, windows and training steps as on TF.js', async () => {
    type Result = { shown: { status: string[]; batchLogs: Logs[]; epochLogs: Logs[]; summary: unknown[]; baseline: number }; stddevs: number[]; normalizedTail: number[][] };
    const [ours, theirs] = await run(jenaWeather);
    const [result, expected] = [ours.result as Result, theirs.result as Result];
    // tf.moments per column (neurite sums in f64, TF.js in f32), then the normalised rows.
    expectSame(result.stddevs, expected.stddevs, EXACT, 'standard deviations');
    expectSame(result.normalizedTail, expected.normalizedTail, EXACT, 'normalised rows');
    expectSame(result.shown.baseline, expected.shown.baseline, EXACT, 'baseline');
    const lines = (printed: string[]) => printed.filter((line) => /^(standard deviation|Commonsense)/.test(line));
    expect(lines(ours.printed)).toEqual(lines(theirs.printed));
    expect(result.shown.summary).toEqual([[[null, 140], 0], [[null, 32], 4512], [[null, 1], 33]]);
    expect(expected.shown.summary).toEqual(result.shown.summary);
    expect(result.shown.status).toEqual(expected.shown.status);
    // The same shuffled windows from the same start: training loss epoch by epoch.
    expectSame(result.shown.epochLogs.map((logs) => logs.loss), expected.shown.epochLogs.map((logs) => logs.loss), TRAINED, 'training loss');
    expect(result.shown.batchLogs.map(({ batch, size }) => [batch, size])).toEqual(expected.shown.batchLogs.map(({ batch, size }) => [batch, size]));
    expect(expected.shown.epochLogs[1].loss, 'the loss falls').toBeLessThan(0.5 * expected.shown.batchLogs[0].loss);
  });

  it('jena-weather: onBatchEnd gets each batch\'s own loss, as TF.js gives it', async () => {
    type Result = { shown: { batchLogs: Logs[] } };
    const [ours, theirs] = await run(jenaWeather);
    const losses = (r: Run) => (r.result as Result).shown.batchLogs.map((logs) => logs.loss);
    expectSame(losses(ours), losses(theirs), TRAINED, 'batch losses');
  });

  it('jena-weather: validation includes the batch the generator returns with done: true, as TF.js\'s evaluateDataset does, and leaves no more tensors behind', async () => {
    type Result = { shown: { epochLogs: Logs[] } };
    const [ours, theirs] = await run(jenaWeather);
    const validation = (r: Run) => (r.result as Result).shown.epochLogs.map((logs) => logs.val_loss);
    expectSame(validation(ours), validation(theirs), TRAINED, 'validation loss');
    expectFrees(ours, theirs);
  });

  it('tfjs-examples cart-pole: a custom loop of tf.variableGrads through model.predict, tf.multinomial, stacked and averaged gradients and optimizer.applyGradients', async () => {
    type Result = { shown: { status: string[]; meanSteps: Array<{ x: number; y: number }>; tensorCounts: number[]; testSteps: number }; hiddenLayerSizes: number };
    const [ours, theirs] = await run(cartPole);
    for (const [name, { shown, hiddenLayerSizes }] of [['neurite', ours.result as Result], ['TF.js', theirs.result as Result]] as const) {
      expect(hiddenLayerSizes, name).toBe(128);
      expect(shown.meanSteps.map(({ x }) => x), name).toEqual([1, 2, 3]);
      for (const { y } of shown.meanSteps) expect(y >= 1 && y <= 50, `${name}: mean steps ${y}`).toBe(true);
      expect(new Set(shown.tensorCounts).size, `${name}: no tensor left behind by an iteration`).toBe(1);
      expect(shown.testSteps >= 1 && shown.testSteps <= 50, `${name}: test steps`).toBe(true);
      expect(shown.status, name).toEqual(['Training completed.', `Test finished. Survived ${shown.testSteps} step(s).`]);
    }
    expectFrees(ours, theirs);
  });

  it('tfjs-examples iris: tensors from getIrisData, fit with validationData and epoch callbacks (Adam, categoricalCrossentropy, accuracy), then predict on the test flowers, reaches what TF.js reaches', async () => {
    type Shown = { status: string[]; history: Record<string, Logs[]>; confusionMatrix: number[][]; table: Array<Record<'xData' | 'yTrue' | 'yPred' | 'logits', number[]>>; winner: string; logits: number[] };
    const [ours, theirs] = await run(iris);
    const [shown, shownTfjs] = [ours.result as Shown, theirs.result as Shown];
    expect(summaryLines(ours.printed)).toEqual(summaryLines(theirs.printed));
    for (const [name, { status, history, confusionMatrix, table, winner, logits }] of [['neurite', shown], ['TF.js', shownTfjs]] as const) {
      const epochs = history.lossCanvas;
      expect(epochs.length, name).toBe(40);
      expect(history.accuracyCanvas, name).toEqual(epochs);
      expect(Object.keys(epochs[0]).sort(), name).toEqual(['acc', 'loss', 'val_acc', 'val_loss']);
      const [first, last] = [epochs[0], epochs[39]];
      expect(last.loss, `${name}: the loss falls`).toBeLessThan(Math.min(0.5, first.loss / 2));
      expect(last.acc, `${name}: training accuracy`).toBeGreaterThanOrEqual(0.9);
      expect(last.val_acc, `${name}: validation accuracy`).toBeGreaterThanOrEqual(0.8);
      expect([status[0], status.length, status.at(-1)], name).toEqual(['Training model... Please wait.', 43, 'Standing by.']);
      expect(status.slice(1, 41).every((line) => /^Training model\.\.\. Approximately \d+\.\d{4} seconds per epoch$/.test(line)), name).toBe(true);
      expect(status[41], name).toMatch(/^Model training complete: {2}\d+\.\d{4} seconds per epoch$/);
      // The 24 test flowers (8 of each class, in class order), in the table and in the confusion matrix (true class by row).
      const [{ xData, yTrue, yPred, logits: tableLogits }] = table;
      expect([table.length, xData.length, yPred.length, tableLogits.length], name).toEqual([1, 96, 24, 72]);
      expect(yTrue, name).toEqual([0, 1, 2].flatMap((c) => new Array(8).fill(c)));
      const counted = [0, 1, 2].map((t) => [0, 1, 2].map((p) => yTrue.filter((y, i) => y === t && yPred[i] === p).length));
      expect(confusionMatrix, name).toEqual(counted);
      expect(counted[0][0] + counted[1][1] + counted[2][2], `${name}: test flowers classified right`).toBeGreaterThanOrEqual(20);
      expect(winner, `${name}: the manual input`).toBe('Iris-setosa');
      expectClose([logits.reduce((a, b) => a + b)], [1], EXACT, `${name}: softmax`);
    }
    expectNear(shown.history.lossCanvas[39].loss, shownTfjs.history.lossCanvas[39].loss, 0.6, 'final loss');
    expectNear(shown.history.lossCanvas[39].val_loss, shownTfjs.history.lossCanvas[39].val_loss, 0.6, 'final validation loss');
    expectFrees(ours, theirs);
  });

  it('tfjs-examples polynomial-regression: tf.input, a dense layer without bias and with kernelInitializer \'Zeros\', apply, tf.model, fit in one batch: TF.js\'s weights and curve', async () => {
    type Point = [number, number];
    type Shown = { paths: Point[][]; circles: Point[] };
    const [ours, theirs] = await run(polynomialRegression);
    const [shown, shownTfjs] = [ours.result as Shown, theirs.result as Shown];
    expect(ours.printed[0]).toBe('True coefficients: [0.000006,-0.002,0.1,10]');
    expect(theirs.printed[0]).toBe(ours.printed[0]);
    // The 25 data points the page draws, from the program's own arithmetic.
    expect(shownTfjs.circles.length).toBe(25);
    expect(shown.circles).toEqual(shownTfjs.circles);
    // The weights it logs, model.trainableWeights[0].read().dataSync(): a Float32Array(4).
    const logged = (printed: string[]) => {
      const line = printed[1];
      expect(line.slice(0, line.indexOf('[') + 1)).toBe('Model weights (normalized): Float32Array(4) [');
      return line.slice(line.indexOf('[') + 1, line.lastIndexOf(']')).split(',').map(Number);
    };
    expectSame(logged(ours.printed), logged(theirs.printed), TRAINED, 'weights');
    // The axes, a path for each point's circle, then the prediction curve (50 points, x every 16 pixels).
    expect(shown.paths.length).toBe(shownTfjs.paths.length);
    expect(shown.paths[0]).toEqual([[0, 300], [800, 300], [400, 0], [400, 600]]);
    const [curve, curveTfjs] = [shown.paths.at(-1)!, shownTfjs.paths.at(-1)!];
    expect(curveTfjs.length).toBe(50);
    expectSame(curve, curveTfjs, TRAINED, 'curve');
    // After 40 epochs the cubic runs through the points: within 2% of their 800-pixel span.
    const misses = shownTfjs.circles.map(([x, y], i) => Math.abs(curveTfjs[2 * i][1] - y) + Math.abs(curveTfjs[2 * i][0] - x));
    expect(Math.max(...misses), 'TF.js: the fit').toBeLessThan(16);
    expectFrees(ours, theirs);
  });

  it('the "Training models" guide: weights and summary, assign through w.val, compile, fit with onBatchEnd, fitDataset on generator datasets, predict, the Core API loop of minimize over forEachAsync', async () => {
    const [ours, theirs] = await run(trainingModels);
    // Weight names carry each library's layer counters (dense_Dense7/kernel): compared without them.
    const plain = (lines: string[]) => lines.map((line) => line.replace(/dense_Dense\d+/g, 'dense_DenseN'));
    expect(plain(ours.printed.slice(0, 4))).toEqual(plain(theirs.printed.slice(0, 4)));
    expect(plain(theirs.printed.slice(0, 4))).toEqual(['dense_DenseN/kernel [ 784, 32 ]', 'dense_DenseN/bias [ 32 ]', 'dense_DenseN/kernel [ 32, 10 ]', 'dense_DenseN/bias [ 10 ]']);
    expect(summaryLines(ours.printed)).toEqual(summaryLines(theirs.printed));
    // What training prints: random data (each library's draws) and shuffles, so its kinds and ranges, not its numbers.
    const report = (r: Run) => {
      const after = r.printed.slice(r.printed.findIndex((line) => line.startsWith('Non-trainable params')) + 2);
      const numbers = (line: string) => (line.match(/-?\d+(\.\d+)?(e[-+]?\d+)?/g) ?? []).map(Number);
      return {
        kinds: after.map((line) => line.split(' ')[0]),
        batchAccuracies: after.filter((line) => /^Accuracy \S+$/.test(line)).map((line) => Number(line.split(' ')[1])),
        fitAccuracies: numbers(after.find((line) => line.startsWith('Final accuracy')) ?? ''),
        fitDatasetAccuracies: numbers(after.find((line) => line.startsWith('Accuracy [')) ?? ''),
        losses: after.filter((line) => line.startsWith('Loss ')).map((line) => numbers(line.slice(line.indexOf('[')))),
        epochs: after.filter((line) => line.startsWith('Epoch ')),
      };
    };
    const [mine, tfjsReport] = [report(ours), report(theirs)];
    expect(mine.kinds, 'what is printed, in order').toEqual(tfjsReport.kinds);
    for (const [name, { batchAccuracies, fitAccuracies, fitDatasetAccuracies, losses, epochs }] of [['neurite', mine], ['TF.js', tfjsReport]] as const) {
      // onBatchEnd: 4 batches (32, 32, 32, 4 samples) in each of 5 epochs; logs.acc a share of the batch.
      expect(batchAccuracies.length, name).toBe(20);
      batchAccuracies.forEach((acc, i) => expect(Number.isInteger(acc * (i % 4 === 3 ? 4 : 32)) && acc >= 0 && acc <= 1, `${name}: batch ${i}'s accuracy ${acc}`).toBe(true));
      // history.acc of fit and of fitDataset: 5 epochs, each a share of the 100 samples.
      for (const accuracies of [fitAccuracies, fitDatasetAccuracies]) {
        expect(accuracies.length, name).toBe(5);
        accuracies.forEach((acc) => expect(Math.abs(acc * 100 - Math.round(acc * 100)) < 1e-4 && acc >= 0 && acc <= 1, `${name}: epoch accuracy ${acc}`).toBe(true));
      }
      // The Core API: a Float32Array(1) loss for each of the 4 batches of each epoch, then the epoch.
      expect(losses.length, name).toBe(20);
      losses.forEach((loss) => expect(loss.length === 1 && Number.isFinite(loss[0]) && loss[0] > 0, `${name}: loss ${loss}`).toBe(true));
      expect(epochs, name).toEqual(['Epoch 0', 'Epoch 1', 'Epoch 2', 'Epoch 3', 'Epoch 4']);
    }
    // The prediction for 3 random samples: softmax rows.
    const [prediction, predictionTfjs] = [(ours.result as { prediction: TensorData }).prediction, (theirs.result as { prediction: TensorData }).prediction];
    expect([prediction.shape, prediction.dtype]).toEqual([predictionTfjs.shape, predictionTfjs.dtype]);
    expectClose(rows(prediction.values, 10).map((row) => row.reduce((a, b) => a + b)), [1, 1, 1], { atol: 1e-5, rtol: 0 }, 'softmax rows');
    expectFrees(ours, theirs);
  });

  it('model.summary() prints TF.js 4.22\'s table: Layer (type), Input Shape, Output shape, Param #, 90 characters wide', async () => {
    const [ours, theirs] = await run(mnistDense);
    expect(summaryLines(ours.printed)).toEqual(summaryLines(theirs.printed));
  });
});
