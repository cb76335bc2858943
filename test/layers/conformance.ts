// The layer conformance helper: every layer, built-in or to come, is held to TF.js the same way. Given how
// to make it with either library (the same arguments), it checks, against TF.js 4.22 on its cpu backend:
// output shape, parameter count and weight names and shapes; forward values on the same fixed weights;
// getConfig / fromConfig round trip; save / load round trip both ways between the libraries; the gradient
// with respect to the input and to each weight by central finite differences; that one training step lowers
// the loss; and that the js twin gives the wasm build's numbers.

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
  /** Inputs where the layer's output has a kink (0 by default): inputs are kept 0.05 away from them. */
  kinks?: number[];
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
    const xValues = randomData(BATCH * c.inputShape.reduce((a, b) => a * b, 1), 5, -2, 2).map((v) => (kinks.some((k) => Math.abs(v - k) < 0.05) ? v + 0.1 : v));
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
      expectGradient(`${label}: d/dx`, (input) => layer.apply(input), [x], { h: 1e-2, tolerance: 2e-3 });
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

/** In a small model (the layer, then a dense output), one SGD step lowers the loss. */
async function expectTrainingStep(c: LayerCase): Promise<void> {
  tf.setSeed(3);
  const model = tf.sequential({ layers: [c.make(tf, { inputShape: c.inputShape }) as tf.Layer] });
  if ((model.outputShape as number[]).length > 2) model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
  const rows = 16;
  const x = tf.tensor(randomData(rows * c.inputShape.reduce((a, b) => a * b, 1), 21, -2, 2), [rows, ...c.inputShape]);
  const y = tf.tensor(randomData(rows, 22), [rows, 1]);
  const lossOf = () => tf.tidy(() => (model.evaluate(x, y) as tf.Tensor).dataSync()[0]);
  const before = lossOf();
  await model.trainOnBatch(x, y);
  expect(lossOf(), `${c.name}: one step lowers the loss`).toBeLessThan(before);
  tf.dispose([x, y]);
  model.dispose();
}
