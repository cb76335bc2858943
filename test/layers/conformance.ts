// The layer conformance helper: every layer, built-in or to come, is held to TF.js the same way. Given how
// to make it with either library (the same arguments), it checks, against TF.js 4.22 on its cpu backend:
// output shape, parameter count and weight names and shapes; forward values on the same fixed weights;
// getConfig / fromConfig round trip; save / load round trip both ways between the libraries; the gradient
// with respect to the input and to each weight by central finite differences; that two SGD steps from the
// same weights leave every weight (non-trainable ones too) where TF.js leaves them, and lower the loss; and
// that the js twin gives the wasm build's numbers.

import type * as tfjs from '@tensorflow/tfjs';
import { expect } from 'vitest';
import * as tf from '../../src/index.js';
import type { ModelArtifacts } from '../../src/io/types.js';
import { expectGradient, reference } from '../reference.js';
import { expectClose, randomData } from '../support.js';

type Lib = typeof tf | typeof tfjs;

export interface LayerCase {
  name: string;
  /** Makes the layer with `lib`, the same arguments in both libraries; `base` holds the input shape. */
  make: (lib: Lib, base: { inputShape: number[] }) => unknown;
  /** The input shape without the batch axis. */
  inputShape: number[];
  /** Skip the gradient checks (a layer whose output is piecewise constant in its input). */
  noGradient?: boolean;
  /** Why the gradient with respect to the input is not checked, only the weights' (an embedding's input holds indices). */
  noInputGradient?: string;
  /** The input's `size` values for the draw `seed` (an embedding's indices); uniform in [-2, 2] by default. */
  input?: (size: number, seed: number) => ArrayLike<number>;
  /** Inputs where the layer's output has a kink (0 by default): inputs are kept 0.05 away from them. */
  kinks?: number[];
  /**
   * Why training steps are compared by the loss only, where TF.js cannot be followed: the layer draws random
   * numbers in training, or has a constraint (TF.js's fit never applies constraints, only LayerVariable.write
   * does; neurite applies them after every update, as Keras), or TF.js cannot train it.
   */
  lossOnly?: string;
  /** The output shape where TF.js reports another one (said why at the case). */
  outputShape?: Array<number | null>;
}

const BATCH = 3;

/** What a model's save hands its handler, from either library. */
export async function artifactsOf(model: { save(handler: unknown): Promise<unknown> }, io: typeof tf.io | typeof tfjs.io): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | undefined;
  await model.save(
    io.withSaveHandler(async (artifacts) => {
      saved = artifacts as ModelArtifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** Weight values kept away from zero, so activations and their gradients are not at a kink. */
const valuesFor = (shape: number[], seed: number) => randomData(shape.reduce((a, b) => a * b, 1), seed, -0.9, 0.9);

export async function expectConformance(c: LayerCase): Promise<void> {
  const ref = await reference();
  const ours = tf.sequential({ layers: [c.make(tf, { inputShape: c.inputShape }) as tf.Layer] });
  const theirs = ref.sequential({ layers: [c.make(ref, { inputShape: c.inputShape }) as tfjs.layers.Layer] });
  const [layer, their] = [ours.layers[0], theirs.layers[0]];
  const label = `${c.name}`;
  try {
    // Shapes, parameter count, weight names and shapes.
    const outputShape = c.outputShape ?? (theirs.outputShape as Array<number | null>);
    expect(ours.outputShape, `${label}: output shape`).toEqual(outputShape);
    expect(ours.countParams(), `${label}: parameter count`).toBe(theirs.countParams());
    const short = (name: string) => name.split('/').pop()!.replace(/_\d+$/, '');
    expect(layer.weights.map((w) => [short(w.name), w.shape]), `${label}: weights`).toEqual(their.weights.map((w) => [short(w.originalName), w.shape]));

    // Forward values on the same weights.
    const values = layer.weights.map((w, i) => valuesFor(w.shape, 11 + i));
    const mine = values.map((v, i) => tf.tensor(v, layer.weights[i].shape));
    ours.setWeights(mine);
    tf.dispose(mine);
    const yours = values.map((v, i) => ref.tensor(v, their.weights[i].shape as number[]));
    theirs.setWeights(yours);
    ref.dispose(yours);
    const kinks = c.kinks ?? [0];
    const size = BATCH * c.inputShape.reduce((a, b) => a * b, 1);
    const xValues = c.input ? Float32Array.from(c.input(size, 5)) : randomData(size, 5, -2, 2).map((v) => (kinks.some((k) => Math.abs(v - k) < 0.05) ? v + 0.1 : v));
    const x = tf.tensor(xValues, [BATCH, ...c.inputShape]);
    const expected = ref.tidy(() => (theirs.predict(ref.tensor(xValues, [BATCH, ...c.inputShape])) as tfjs.Tensor).dataSync());
    const predicted = ours.predict(x);
    expect(predicted.shape, `${label}: predict shape`).toEqual([BATCH, ...(outputShape as number[]).slice(1)]);
    expectClose(predicted.dataSync(), expected, { atol: 1e-5, rtol: 1e-5 }, `${label}: forward`);

    // getConfig / fromConfig round trip.
    const cls = layer.constructor as typeof tf.Layer;
    const remade = cls.fromConfig(cls as never, layer.getConfig());
    expect(remade.getConfig(), `${label}: fromConfig(getConfig())`).toEqual(layer.getConfig());
    remade.dispose();

    // Saved by neurite, loaded by TF.js; saved by TF.js, loaded by neurite.
    const toTheirs = await ref.loadLayersModel(ref.io.fromMemory(await artifactsOf(ours, tf.io)));
    expectClose(ref.tidy(() => (toTheirs.predict(ref.tensor(xValues, [BATCH, ...c.inputShape])) as tfjs.Tensor).dataSync()), expected, { atol: 1e-5, rtol: 1e-5 }, `${label}: neurite's file in TF.js`);
    toTheirs.dispose();
    const toOurs = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(theirs, ref.io)));
    const reloaded = toOurs.predict(x);
    expectClose((reloaded as tf.Tensor).dataSync(), expected, { atol: 1e-5, rtol: 1e-5 }, `${label}: TF.js's file in neurite`);
    tf.dispose(reloaded);
    toOurs.dispose();

    // Gradients with respect to the input and to each weight, by central differences.
    if (!c.noGradient) {
      if (!c.noInputGradient) expectGradient(`${label}: d/dx`, (input) => layer.apply(input), [x], { h: 1e-2, tolerance: 2e-3 });
      if (layer.trainableWeights.length > 0) expectWeightGradients(label, layer, x);
    }

    // The js twin gives the wasm build's numbers.
    await tf.setBackend('js');
    const onJs = ours.predict(x);
    expectClose(onJs.dataSync(), predicted.dataSync(), { atol: 1e-6, rtol: 1e-6 }, `${label}: js twin`);
    onJs.dispose();
    await tf.setBackend('wasm');
    tf.dispose([x, predicted]);
  } finally {
    ours.dispose();
    theirs.dispose();
  }
  await expectTrainingStep(c);
}

/** The tape's gradient of sum(layer(x) * dy) with respect to each weight, against central differences. */
function expectWeightGradients(label: string, layer: tf.Layer, x: tf.Tensor): void {
  const y = tf.tidy(() => layer.apply(x));
  const dy = tf.tensor(randomData(y.size, 9), y.shape);
  y.dispose();
  const loss = () => tf.tidy(() => tf.sum(tf.mul(layer.apply(x), dy)));
  const { grads, value } = tf.variableGrads(loss, layer.trainableWeights);
  value.dispose();
  const h = 1e-2;
  for (const w of layer.trainableWeights) {
    const original = Float32Array.from(w.dataSync());
    const analytic = grads[w.name].dataSync();
    const at = (j: number, delta: number) => {
      const moved = original.slice();
      moved[j] += delta;
      tf.tidy(() => w.assign(tf.tensor(moved, w.shape)));
      return tf.tidy(() => loss().dataSync()[0]);
    };
    let worst = 0;
    let scale = 1e-6;
    const numeric = Array.from(original, (_, j) => (at(j, h) - at(j, -h)) / (2 * h));
    tf.tidy(() => w.assign(tf.tensor(original, w.shape)));
    numeric.forEach((n, j) => {
      scale = Math.max(scale, Math.abs(n));
      worst = Math.max(worst, Math.abs(n - analytic[j]));
    });
    expect(worst / scale, `${label}: d/d${w.name}`).toBeLessThan(2e-3);
  }
  tf.dispose([dy, ...Object.values(grads)]);
}

/**
 * In a small model (the layer, then a dense output) with the same weights in both libraries, two SGD steps
 * (the second replays neurite's recorded step) leave every weight where TF.js leaves them and lower the loss.
 */
async function expectTrainingStep(c: LayerCase): Promise<void> {
  const ref = await reference();
  // Flattened by a reshape to the size neurite knows (TF.js leaves a reshape's -1 unknown, which flatten refuses).
  const alone = tf.sequential({ layers: [c.make(tf, { inputShape: c.inputShape }) as tf.Layer] });
  const shape = (alone.outputShape as number[]).slice(1);
  alone.dispose();
  const modelOf = (lib: Lib) => {
    const L = lib.layers as unknown as Record<string, (args?: object) => unknown>;
    const model = lib.sequential({ layers: [c.make(lib, { inputShape: c.inputShape }) as never] });
    if (shape.length > 1) model.add(L.reshape({ targetShape: [shape.reduce((a, b) => a * b, 1)] }) as never);
    model.add(L.dense({ units: 1 }) as never);
    model.compile({ optimizer: lib.train.sgd(0.02) as never, loss: 'meanSquaredError' });
    return model;
  };
  tf.setSeed(3); // the random layers draw the same masks every run
  const theirs = modelOf(ref) as tfjs.Sequential;
  const ours = modelOf(tf) as tf.Sequential;
  const values = ours.weights.map((w, i) => valuesFor(w.shape, 31 + i).map((v) => v * 0.3)); // small: no step diverges
  tf.tidy(() => ours.setWeights(values.map((v, i) => tf.tensor(v, ours.weights[i].shape))));
  ref.tidy(() => theirs.setWeights(values.map((v, i) => ref.tensor(v, theirs.weights[i].shape as number[]))));
  const rows = 16;
  const size = rows * c.inputShape.reduce((a, b) => a * b, 1);
  const xValues = c.input ? Float32Array.from(c.input(size, 21)) : randomData(size, 21, -2, 2);
  const yValues = randomData(rows, 22);
  const [x, y] = [tf.tensor(xValues, [rows, ...c.inputShape]), tf.tensor(yValues, [rows, 1])];
  const [rx, ry] = [ref.tensor(xValues, [rows, ...c.inputShape]), ref.tensor(yValues, [rows, 1])];
  try {
    const lossOf = () => tf.tidy(() => (ours.evaluate(x, y) as tf.Tensor).dataSync()[0]);
    const before = lossOf();
    // One fit of two one-batch epochs: its second step replays the first's recorded program (two trainOnBatch
    // calls would each record anew).
    await ours.fit(x, y, { epochs: 2, batchSize: rows, shuffle: false, verbose: 0 });
    if (!c.lossOnly) for (let step = 0; step < 2; step++) await theirs.trainOnBatch(rx, ry);
    expect(lossOf(), `${c.name}: two steps lower the loss`).toBeLessThan(before);
    if (c.lossOnly) return;
    ours.weights.forEach((w, i) => {
      expectClose(w.read().dataSync(), theirs.weights[i].read().dataSync(), { atol: 1e-4, rtol: 1e-4 }, `${c.name}: ${w.name} after two SGD steps`);
    });
  } finally {
    tf.dispose([x, y]);
    ref.dispose([rx, ry]);
    ours.dispose();
    theirs.dispose();
  }
}
