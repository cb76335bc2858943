// Real TF.js programs (test/programs/: tfjs-examples' polynomial-regression-core and iris data preparation,
// the cars-MPG codelab, the "Tensors and operations" guide), each one function run unchanged on TF.js's cpu
// backend and on neurite: the tensors it returns (shape, dtype, values), what it prints, its plain values.

import { format } from 'node:util';
import * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import { carsMpgCodelab } from './programs/cars-mpg-codelab.js';
import { irisData } from './programs/iris-data.js';
import { polynomialRegressionCore } from './programs/polynomial-regression-core.js';
import { tensorsAndOperations } from './programs/tensors-and-operations.js';
import { expectClose, onBackend } from './support.js';

type Lib = typeof tf;
type Program = (lib: Lib) => unknown;
type Tolerance = { atol: number; rtol: number };

/** Programs without training: float32 ops in another order may differ in the last bit or two. */
const EXACT: Tolerance = { atol: 1e-6, rtol: 1e-5 };
/**
 * 75 SGD steps: a float32 difference in a step's mean over 100 points or in x^3 (pow), such as a fused
 * multiply-add on the relaxed-SIMD build, is carried on by the later steps. The least-squares problem is well
 * conditioned at learning rate 0.5, so such differences shrink rather than grow; 1e-4 relative leaves a wide
 * margin (today both backends learn TF.js's coefficients to the bit).
 */
const TRAINED: Tolerance = { atol: 1e-5, rtol: 1e-4 };

/** A tensor read out: its shape, dtype and values. */
class TensorData {
  constructor(readonly shape: number[], readonly dtype: string, readonly values: number[]) {}
}

/** What a program returned (tensors read out and disposed, typed arrays as arrays) and what it printed. */
interface Run {
  result: unknown;
  printed: string[];
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

/**
 * Runs a program on lib, capturing console.log (tensor.print() logs too). A printed tf.memory() shows its
 * counts relative to the program's start (the libraries hold different tensors before it), without
 * `unreliable`/`reasons`, which are the backend's own: TF.js's cpu backend reports its garbage-collected
 * memory as unreliable.
 */
async function runOn(lib: Lib, program: Program): Promise<Run> {
  const printed: string[] = [];
  const start = lib.memory();
  const relative = (m: MemoryInfo) => ({ numTensors: m.numTensors - start.numTensors, numDataBuffers: m.numDataBuffers - start.numDataBuffers, numBytes: m.numBytes - start.numBytes });
  const log = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    printed.push(format(...args.map((arg) => (isMemoryInfo(arg) ? relative(arg) : arg))));
  });
  try {
    return { result: readOut(lib, await program(lib)), printed };
  } finally {
    log.mockRestore();
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
