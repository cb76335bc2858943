// The layer contract: every built-in layer through the conformance helper against TF.js; layers on shapes of
// any rank; built at add as TF.js builds them; a user's Layer subclass trained, saved and loaded both ways
// with TF.js; and bad arguments refused naming the layer and the argument.

import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { artifactsOf, type LayerCase, expectConformance } from './layers/conformance.js';
import { reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

type Lib = typeof tf | typeof tfjs;
// The libraries' layer factories take the same arguments; one untyped view of either keeps the cases short.
const L = (lib: Lib) => lib.layers as unknown as Record<string, (args: object) => unknown>;

const CASES: LayerCase[] = [
  { name: 'dense', inputShape: [5], make: (lib, base) => L(lib).dense({ units: 3, activation: 'tanh', ...base }) },
  { name: 'dense on rank-3 input', inputShape: [4, 5], make: (lib, base) => L(lib).dense({ units: 2, ...base }) },
  { name: 'dense without bias', inputShape: [3], make: (lib, base) => L(lib).dense({ units: 4, useBias: false, activation: 'sigmoid', ...base }) },
  { name: 'dense with constraints', inputShape: [4], make: (lib, base) => L(lib).dense({ units: 3, kernelConstraint: 'maxNorm', biasConstraint: 'nonNeg', ...base }), lossOnly: 'TF.js applies no constraint in fit' },
  { name: 'dropout (inference passes through)', inputShape: [6], make: (lib, base) => L(lib).dropout({ rate: 0.3, ...base }), noGradient: true, lossOnly: 'draws in training' },
  { name: 'dropout with noiseShape', inputShape: [2, 3], make: (lib, base) => L(lib).dropout({ rate: 0.3, noiseShape: [null, 1, 3], ...base }), noGradient: true, lossOnly: 'draws in training' },
  { name: 'spatialDropout1d', inputShape: [4, 3], make: (lib, base) => L(lib).spatialDropout1d({ rate: 0.3, ...base }), noGradient: true, lossOnly: 'draws in training' },
  { name: 'gaussianNoise', inputShape: [5], make: (lib, base) => L(lib).gaussianNoise({ stddev: 0.5, ...base }), noGradient: true, lossOnly: 'draws in training' },
  { name: 'gaussianDropout', inputShape: [5], make: (lib, base) => L(lib).gaussianDropout({ rate: 0.2, ...base }), noGradient: true, lossOnly: 'draws in training' },
  { name: 'alphaDropout', inputShape: [5], make: (lib, base) => L(lib).alphaDropout({ rate: 0.2, ...base }), noGradient: true, lossOnly: 'draws in training' },
  { name: 'activation', inputShape: [2, 3], make: (lib, base) => L(lib).activation({ activation: 'softplus', ...base }) },
  { name: 'reLU', inputShape: [7], make: (lib, base) => L(lib).reLU({ ...base }) },
  { name: 'reLU with maxValue', inputShape: [7], make: (lib, base) => L(lib).reLU({ maxValue: 0.5, ...base }), kinks: [0, 0.5] },
  { name: 'leakyReLU', inputShape: [2, 3], make: (lib, base) => L(lib).leakyReLU({ alpha: 0.2, ...base }) },
  { name: 'pReLU', inputShape: [2, 3], make: (lib, base) => L(lib).prelu({ ...base }) },
  { name: 'pReLU with sharedAxes', inputShape: [2, 3], make: (lib, base) => L(lib).prelu({ sharedAxes: [1], alphaInitializer: 'ones', ...base }) },
  { name: 'eLU', inputShape: [5], make: (lib, base) => L(lib).elu({ ...base }) },
  { name: 'thresholdedReLU', inputShape: [5], make: (lib, base) => L(lib).thresholdedReLU({ theta: 0.5, ...base }), kinks: [0.5] },
  { name: 'softmax', inputShape: [4], make: (lib, base) => L(lib).softmax({ ...base }) },
  { name: 'flatten', inputShape: [2, 3, 2], make: (lib, base) => L(lib).flatten({ ...base }) },
  { name: 'flatten channelsFirst', inputShape: [2, 3, 2], make: (lib, base) => L(lib).flatten({ dataFormat: 'channelsFirst', ...base }) },
  // TF.js leaves the -1 of targetShape unresolved in outputShape (null); Keras and neurite work it out.
  { name: 'reshape', inputShape: [6], make: (lib, base) => L(lib).reshape({ targetShape: [3, -1], ...base }), outputShape: [null, 3, 2] },
  { name: 'permute', inputShape: [2, 3, 4], make: (lib, base) => L(lib).permute({ dims: [3, 1, 2], ...base }) },
  { name: 'repeatVector', inputShape: [4], make: (lib, base) => L(lib).repeatVector({ n: 3, ...base }) },
];

/** A user's layer, written as TF.js users write one: y = x · w + c, w per feature, c a non-trainable scalar. */
function scaleShiftClass(lib: Lib) {
  const Base = (lib.layers as unknown as { Layer: new (config: object) => object }).Layer;
  class ScaleShift extends (Base as new (config: object) => {
    addWeight(...args: unknown[]): tf.Variable;
    getConfig(): Record<string, unknown>;
  }) {
    static className = 'ScaleShift';
    private w: tf.Variable | null = null;
    private c: tf.Variable | null = null;
    constructor(private readonly config: tf.LayerArgs & { initialShift?: number }) {
      super(config);
    }
    build(inputShape: Array<number | null>) {
      this.w = this.addWeight('w', [inputShape[inputShape.length - 1]], 'float32', (lib.initializers as typeof tf.initializers).ones());
      this.c = this.addWeight('c', [], 'float32', (lib.initializers as unknown as { constant(a: object): tf.Initializer }).constant({ value: this.config.initialShift ?? 0.5 }), undefined, false);
    }
    call(inputs: tf.Tensor | tf.Tensor[]) {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      return (lib as typeof tf).tidy(() => (lib as typeof tf).add((lib as typeof tf).mul(x, this.w!.read()), this.c!.read()));
    }
    override getConfig() {
      return { ...super.getConfig(), initialShift: this.config.initialShift ?? 0.5 };
    }
  }
  (lib.serialization as typeof tf.serialization).registerClass(ScaleShift as never);
  return ScaleShift;
}


describe('layer conformance against TF.js', () => {
  onBackend('wasm');
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectConformance(c);
  });
});

describe('the layer contract', () => {
  onBackend('wasm');

  it('a gradient of a gradient through a fused training node is refused by name, not silently wrong', () => {
    const dense = tf.layers.dense({ units: 1, activation: 'tanh', inputShape: [2] });
    const norm = tf.layers.batchNormalization({ inputShape: [2] });
    const x = tf.tensor2d([[0.3, -0.2], [0.1, 0.5]]);
    for (const [layer, name] of [[dense, 'dense'], [norm, 'batchNormalization']] as const) {
      const inner = (v: tf.Tensor) => tf.grad((u: tf.Tensor) => tf.sum(tf.square(layer.apply(u, { training: true }) as tf.Tensor)))(v);
      expect(() => tf.grad((v: tf.Tensor) => tf.sum(inner(v)))(x)).toThrow(new RegExp(`^${name}: a gradient of a gradient through it is not supported`));
      expect(tf.tidy(() => inner(x).shape)).toEqual([2, 2]); // one level works
    }
    tf.dispose(x);
    [dense, norm].forEach((l) => l.dispose());
  });

  it("TF.js's other names for the pooling layers and tf.input make the same layers", () => {
    const pairs: Array<[string, string]> = [
      ['maxPool1d', 'MaxPooling1D'], ['maxPool2d', 'MaxPooling2D'], ['avgPool1d', 'AveragePooling1D'], ['avgPooling1d', 'AveragePooling1D'],
      ['avgPool2d', 'AveragePooling2D'], ['avgPooling2d', 'AveragePooling2D'], ['globalMaxPool1d', 'GlobalMaxPooling1D'], ['globalMaxPool2d', 'GlobalMaxPooling2D'],
    ];
    for (const [alias, className] of pairs) {
      const layer = (tf.layers as unknown as Record<string, (args?: object) => tf.Layer>)[alias]({});
      expect(layer.getClassName(), alias).toBe(className);
      layer.dispose();
    }
    expect(tf.layers.input({ shape: [3] }).shape).toEqual([null, 3]);
  });

  it('apply on tensors frees what call() makes on the way to its output, in any layer', () => {
    class Scratchy extends tf.layers.Layer {
      static override className = 'Scratchy';
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        return tf.add(tf.mul(x, 2), 1); // the product is a temporary
      }
    }
    const cases: Array<[tf.Layer, number[]]> = [
      [tf.layers.dense({ units: 3 }), [2, 4, 5]],
      [tf.layers.maxPooling1d({}), [2, 8, 3]],
      [tf.layers.conv1d({ filters: 2, kernelSize: 3 }), [2, 8, 3]],
      [new Scratchy({}), [2, 3]],
    ];
    for (const [layer, shape] of cases) {
      const x = tf.ones(shape);
      tf.dispose(layer.apply(x) as tf.Tensor); // built
      const before = tf.memory().numTensors;
      const y = layer.apply(x) as tf.Tensor;
      expect(tf.memory().numTensors, layer.name).toBe(before + 1);
      tf.dispose([x, y]);
      layer.dispose();
    }
  });

  const made: tf.Layer[] = [];
  /** The layer's output in training for x (the layer is disposed at the end of the test). */
  const trained = (layer: tf.Layer, x: tf.Tensor): Float32Array => {
    made.push(layer);
    return tf.tidy(() => layer.apply(x, { training: true }).dataSync() as Float32Array);
  };
  const stats = (v: ArrayLike<number>) => {
    const n = v.length;
    const mean = Array.from(v).reduce((a, b) => a + b, 0) / n;
    return { mean, std: Math.sqrt(Array.from(v).reduce((a, b) => a + (b - mean) ** 2, 0) / n) };
  };

  it('a seeded dropout draws afresh at every batch of fit, the same numbers whether the step is replayed or on the tape', async () => {
    /** Each batch's loss with a layer that passes ones through a seeded dropout, against zeros: the share dropped. */
    const losses = async (loss: string | ((a: tf.Tensor, b: tf.Tensor) => tf.Tensor)) => {
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [4], kernelInitializer: 'identity', useBias: false }), tf.layers.dropout({ rate: 0.5, seed: 9 })] });
      model.compile({ optimizer: tf.train.sgd(0), loss });
      const seen: number[] = [];
      const [x, y] = [tf.ones([48, 4]), tf.zeros([48, 4])];
      await model.fit(x, y, { epochs: 1, batchSize: 8, shuffle: false, verbose: 0, callbacks: { onBatchEnd: async (_, logs) => void seen.push(logs!.loss) } });
      tf.dispose([x, y]);
      model.dispose();
      return seen;
    };
    // A kernel loss replays the recorded step; a loss function runs on the tape every batch.
    const replayed = await losses('meanSquaredError');
    expect(replayed).toEqual(await losses((a, b) => tf.mean(tf.square(tf.sub(a, b)), -1)));
    expect(new Set(replayed).size).toBeGreaterThan(1);
    expect(await losses('meanSquaredError')).toEqual(replayed); // the seed repeats the run
  });

  it('noise layers draw in training only, with the statistics of their formulas, and a seed repeats them', () => {
    const n = 20_000;
    const ones = tf.ones([n / 4, 4]);
    const normal = tf.randomNormal([n / 4, 4], 0, 1, 'float32', 7);
    const noise = tf.layers.gaussianNoise({ stddev: 0.5, seed: 3 });
    const noisy = stats(trained(noise, ones).map((v) => v - 1));
    expect(noisy.mean).toBeCloseTo(0, 1);
    expect(noisy.std).toBeCloseTo(0.5, 1);
    expect(Array.from(tf.tidy(() => noise.apply(ones).dataSync()))).toEqual(Array(n).fill(1)); // inference: x
    expect(trained(tf.layers.gaussianNoise({ stddev: 0.5, seed: 3 }), ones)).toEqual(trained(tf.layers.gaussianNoise({ stddev: 0.5, seed: 3 }), ones));
    const gd = stats(trained(tf.layers.gaussianDropout({ rate: 0.2, seed: 4 }), ones));
    expect(gd.mean).toBeCloseTo(1, 1);
    expect(gd.std).toBeCloseTo(Math.sqrt(0.2 / 0.8), 1);
    // Alpha dropout keeps a standard normal input's mean and variance (its purpose, with SELU).
    const ad = stats(trained(tf.layers.alphaDropout({ rate: 0.2, seed: 5 }), normal));
    expect(Math.abs(ad.mean)).toBeLessThan(0.05);
    expect(ad.std).toBeCloseTo(1, 1);
    // Spatial dropout drops whole channels: each [sample, channel] is all kept (scaled) or all zero over the steps.
    const x = tf.ones([50, 6, 4]);
    const out = trained(tf.layers.spatialDropout1d({ rate: 0.5, seed: 6 }), x);
    for (let b = 0; b < 50; b++) {
      for (let c = 0; c < 4; c++) {
        const values = new Set(Array.from({ length: 6 }, (_, t) => out[(b * 6 + t) * 4 + c]));
        expect(values.size).toBe(1);
        expect([0, 2]).toContain([...values][0]);
      }
    }
    tf.dispose([ones, normal, x]);
    for (const layer of made.splice(0)) layer.dispose();
  });

  it('getLayer finds a layer by name or index; a frozen layer keeps its weights through fit, as in TF.js', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2], name: 'hidden' }), tf.layers.dense({ units: 1, name: 'out' })] });
    expect([model.getLayer('out'), model.getLayer(0), model.getLayer(undefined, 1)]).toEqual([model.layers[1], model.layers[0], model.layers[1]]);
    expect(() => model.getLayer('hiden')).toThrow(/^getLayer: no layer named "hiden" \(did you mean "hidden"\?\)$/);
    expect(() => model.getLayer(2)).toThrow(/^getLayer: index 2 is past the model's 2 layers$/);
    model.getLayer('hidden').trainable = false;
    expect(model.trainableWeights.map((w) => w.name)).toEqual(['out/kernel', 'out/bias']);
    expect(model.nonTrainableWeights.map((w) => w.name)).toEqual(['hidden/kernel', 'hidden/bias']);
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const snapshot = () => tf.tidy(() => model.getWeights().map((w) => Array.from(w.dataSync())));
    const before = snapshot();
    const x = tf.tensor(randomData(16 * 2, 3), [16, 2]);
    const y = tf.tensor(randomData(16, 4), [16, 1]);
    await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
    const after = snapshot();
    // getWeights lists the trainable weights first, as TF.js: out's, then the frozen hidden layer's.
    expect(after.slice(2)).toEqual(before.slice(2));
    expect(after[0]).not.toEqual(before[0]);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('constraints project the weights after every training step (as Keras; TF.js leaves them out of fit)', async () => {
    tf.setSeed(2);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3], kernelConstraint: tf.constraints.maxNorm({ maxValue: 0.5 }), biasConstraint: 'nonNeg' })] });
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const x = tf.tensor(randomData(64 * 3, 12, -3, 3), [64, 3]);
    const y = tf.tensor(randomData(64 * 4, 13, -5, 5), [64, 4]);
    await model.fit(x, y, { epochs: 3, batchSize: 16, verbose: 0 });
    const [kernel, bias] = model.getWeights().map((w) => w.dataSync());
    for (let j = 0; j < 4; j++) expect(Math.hypot(kernel[j], kernel[4 + j], kernel[8 + j])).toBeLessThanOrEqual(0.5 + 1e-6);
    expect(Math.min(...bias)).toBeGreaterThanOrEqual(0);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('builds layers at add when the input shape is known, as TF.js does: getWeights right after add', () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ units: 3, inputShape: [13] }));
    const [kernel, bias] = model.getWeights();
    expect([kernel.shape, bias.shape]).toEqual([[13, 3], [3]]);
    model.add(tf.layers.dense({ units: 1 }));
    expect(model.layers[1].built).toBe(true);
    expect(model.layers[1].weights.map((w) => w.shape)).toEqual([[3, 1], [1]]);
    model.dispose();
  });

  it('trains a model on rank-3 input, through flatten, and predicts in the input shape', async () => {
    tf.setSeed(1);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 4, activation: 'relu', inputShape: [3, 2] }), tf.layers.flatten(), tf.layers.dense({ units: 2, activation: 'softmax' })] });
    expect(model.outputShape).toEqual([null, 2]);
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
    const x = tf.tensor(randomData(40 * 6, 4, -1, 1), [40, 3, 2]);
    const y = tf.tidy(() => tf.cast(tf.greater(tf.sum(x, [1, 2]), 0), 'int32'));
    const history = await model.fit(x, y, { epochs: 30, batchSize: 8, verbose: 0 });
    expect(history.history.acc.at(-1)).toBeGreaterThan(0.9);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('takes outputs of rank 3 with a loss over their last axis, as TF.js averages it', async () => {
    const ref = await reference();
    const make = (lib: Lib) => L(lib).dense({ units: 2, inputShape: [4, 3], kernelInitializer: 'ones' });
    const ours = tf.sequential({ layers: [make(tf) as tf.Layer] });
    const theirs = ref.sequential({ layers: [make(ref) as tfjs.layers.Layer] });
    ours.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    theirs.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const xv = randomData(2 * 4 * 3, 8);
    const yv = Array.from({ length: 2 * 4 * 2 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const x = tf.tensor(xv, [2, 4, 3]);
    const y = tf.tensor(yv, [2, 4, 2]);
    const loss = ours.evaluate(x, y) as tf.Tensor;
    const expected = ref.tidy(() => (theirs.evaluate(ref.tensor(xv, [2, 4, 3]), ref.tensor(yv, [2, 4, 2])) as tfjs.Tensor).dataSync()[0]);
    expect(loss.dataSync()[0]).toBeCloseTo(expected, 5);
    tf.dispose([x, y, loss]);
    ours.dispose();
    theirs.dispose();
  });

  it("a user's Layer subclass trains, saves and loads, and TF.js loads it with the same class (and the reverse)", async () => {
    const ref = await reference();
    const Ours = scaleShiftClass(tf);
    scaleShiftClass(ref); // TF.js needs the same class registered to load the file
    const model = tf.sequential({ layers: [new Ours({ inputShape: [3], initialShift: 0.25 }) as unknown as tf.Layer, tf.layers.dense({ units: 1 })] });
    const [custom] = model.layers;
    expect(custom.className).toBe('ScaleShift');
    expect(custom.weights.map((w) => w.shape)).toEqual([[3], []]);
    expect([custom.trainableWeights.length, custom.nonTrainableWeights.length]).toEqual([1, 1]);
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    const xv = randomData(12, 31, -1, 1);
    const x = tf.tensor(xv, [4, 3]);
    const y = tf.tensor([1, -1, 0.5, 2], [4, 1]);
    const shiftBefore = custom.nonTrainableWeights[0].dataSync()[0];
    await model.fit(x, y, { epochs: 3, batchSize: 4, verbose: 0 });
    expect(custom.nonTrainableWeights[0].dataSync()[0]).toBe(shiftBefore); // frozen
    expect(Array.from(custom.trainableWeights[0].dataSync())).not.toEqual([1, 1, 1]);

    const predicted = model.predict(x);
    const inTheirs = await ref.loadLayersModel(ref.io.fromMemory(await artifactsOf(model, tf.io)));
    expect(inTheirs.layers[0].getClassName()).toBe('ScaleShift');
    expectClose(ref.tidy(() => (inTheirs.predict(ref.tensor(xv, [4, 3])) as tfjs.Tensor).dataSync()), predicted.dataSync(), { atol: 1e-5, rtol: 1e-5 }, 'TF.js loads it');

    const back = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(inTheirs, ref.io)));
    expect(back.layers[0]).toBeInstanceOf(Ours);
    expect(back.layers[0].getConfig()).toEqual(custom.getConfig());
    const again = back.predict(x);
    expectClose((again as tf.Tensor).dataSync(), predicted.dataSync(), { atol: 1e-6, rtol: 1e-6 }, 'neurite loads TF.js file');
    tf.dispose([x, y, predicted, again]);
    inTheirs.dispose();
    back.dispose();
    model.dispose();
  });

  it('an unregistered class in a file is refused, pointing to registerClass', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
    const artifacts = await artifactsOf(model, tf.io);
    model.dispose();
    const topology = artifacts.modelTopology as { config: { layers: Array<{ class_name: string }> } };
    topology.config.layers[0].class_name = 'NotRegistered';
    await expect(tf.loadLayersModel(tf.io.fromMemory(artifacts))).rejects.toThrow(/is a NotRegistered, which neurite does not support \(a custom layer must be registered with tf\.serialization\.registerClass\)/);
  });

  it('refuses bad arguments naming the layer and the argument, before any weight exists', () => {
    const memory = tf.memory();
    const cases: Array<[() => unknown, RegExp]> = [
      [() => tf.layers.reshape({ targetShape: [-1, -1] }), /^reshape: targetShape must be positive sizes with at most one -1, got \[-1,-1\]$/],
      [() => tf.layers.permute({ dims: [1, 3] }), /^permute: dims must be a permutation of 1\.\.n/],
      [() => tf.layers.repeatVector({} as { n: number }), /^repeatVector: n is required/],
      [() => tf.layers.prelu({ sharedAxes: [0] }), /^prelu: sharedAxes\[0\] must be/],
      [() => tf.layers.dense({ units: 2, inputShape: [null as unknown as number] }), /^dense: the last axis of the input shape must be known/],
      [() => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] }), tf.layers.permute({ dims: [2, 1] })] }), /^sequential: layer permute_Permute\d+ does not fit after the model's output of shape \[null, 2\]: permute: layer permute_Permute\d+ has dims for input of rank 3, got \[null, 2\]$/],
      [() => tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 3] }), tf.layers.reshape({ targetShape: [4] })] }), /cannot reshape input of shape \[6\] \(6 values\) to targetShape \[4\]/],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
    expect(() => tf.serialization.registerClass(class {} as never)).toThrow(/^registerClass: class .* must have a static className/);
    expect(tf.memory()).toEqual(memory);
  });
});

// ---- configs: initializers, regularizers and constraints as TF.js serializes them ----

/** A Keras object's serialized form, as TF.js's serializeKerasObject gives it. */
const serializedForm = (o: { getClassName(): string; getConfig(): unknown }) => ({ className: o.getClassName(), config: o.getConfig() });

/**
 * The initializers, regularizers and constraints of a layer config, by path: its own, and those of the layers
 * and cells inside it. TF.js's rnn also copies its cell's options to the top: those are read from the cell alone.
 */
function weightOptionsOf(config: Record<string, unknown>, path = ''): Record<string, unknown> {
  const nested = (value: unknown, at: string) => weightOptionsOf((value as { config: Record<string, unknown> }).config, `${path}${at}.`);
  if (config.cell) return nested(config.cell, 'cell');
  const found: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) {
    if (/(Initializer|Regularizer|Constraint)$/.test(key)) found[path + key] = value;
    if (key === 'layer') Object.assign(found, nested(value, key));
    if (key === 'cells') (value as unknown[]).forEach((cell, i) => Object.assign(found, nested(cell, `cells[${i}]`)));
  }
  return found;
}

/** The options each factory is given: initializers, regularizers and constraints, by name and in serialized form. */
const kernelArgs = () => ({
  kernelInitializer: { className: 'RandomUniform', config: { minval: -1, maxval: 1, seed: 3 } },
  kernelRegularizer: 'l1l2',
  biasRegularizer: { className: 'L1L2', config: { l1: 0.5, l2: 0 } },
  biasConstraint: { className: 'MaxNorm', config: { maxValue: 2, axis: 0 } },
});
const cellArgs = () => ({ ...kernelArgs(), recurrentInitializer: 'heNormal', recurrentRegularizer: { className: 'L1L2', config: { l1: 0.1, l2: 0 } }, recurrentConstraint: 'unitNorm' });

/** [factory, its layer in either library, the entries where TF.js's config says other than its layer does] */
const CONFIG_CASES: Array<[string, (lib: Lib) => unknown, ((theirs: tfjs.layers.Layer) => Record<string, unknown>)?]> = [
  ['dense', (lib) => L(lib).dense({ units: 3, name: 'n', ...kernelArgs() })],
  ['conv1d', (lib) => L(lib).conv1d({ filters: 3, kernelSize: 2, name: 'n', ...kernelArgs() })],
  ['conv2d', (lib) => L(lib).conv2d({ filters: 3, kernelSize: 2, name: 'n', ...kernelArgs(), kernelConstraint: 'nonNeg' })],
  ['conv2dTranspose', (lib) => L(lib).conv2dTranspose({ filters: 3, kernelSize: 2, name: 'n', ...kernelArgs() })],
  // TF.js's config gives depthwiseRegularizer as depthwiseConstraint too: its layer's own constraint is what neurite gives.
  ['depthwiseConv2d', (lib) => L(lib).depthwiseConv2d({ kernelSize: 2, name: 'n', depthwiseInitializer: 'heUniform', depthwiseRegularizer: 'l1l2', depthwiseConstraint: 'nonNeg', biasConstraint: 'nonNeg' }), (theirs) => ({ depthwiseConstraint: serializedForm((theirs as unknown as { depthwiseConstraint: tfjs.serialization.Serializable }).depthwiseConstraint) })],
  // (TF.js makes the pointwise initializer from depthwiseInitializer: neither is given here.)
  ['separableConv2d', (lib) => L(lib).separableConv2d({ filters: 3, kernelSize: 2, name: 'n', pointwiseRegularizer: 'l1l2', depthwiseConstraint: 'nonNeg', pointwiseConstraint: 'unitNorm', biasInitializer: 'ones' })],
  ['embedding', (lib) => L(lib).embedding({ inputDim: 5, outputDim: 2, name: 'n', embeddingsInitializer: 'glorotUniform', embeddingsRegularizer: 'l1l2', embeddingsConstraint: 'unitNorm' })],
  ['batchNormalization', (lib) => L(lib).batchNormalization({ name: 'n', movingVarianceInitializer: 'zeros', gammaRegularizer: 'l1l2', betaConstraint: 'nonNeg' })],
  ['layerNormalization', (lib) => L(lib).layerNormalization({ name: 'n', gammaInitializer: 'heNormal', gammaRegularizer: 'l1l2' })],
  ['prelu', (lib) => L(lib).prelu({ name: 'n', alphaInitializer: 'ones', alphaRegularizer: 'l1l2', alphaConstraint: 'nonNeg' })],
  ['simpleRNN', (lib) => L(lib).simpleRNN({ units: 2, name: 'n', ...cellArgs() })],
  ['lstm', (lib) => L(lib).lstm({ units: 2, name: 'n', ...cellArgs() })],
  ['gru', (lib) => L(lib).gru({ units: 2, name: 'n', ...cellArgs() })],
  ['simpleRNNCell', (lib) => L(lib).simpleRNNCell({ units: 2, name: 'n', ...cellArgs() })],
  ['lstmCell', (lib) => L(lib).lstmCell({ units: 2, name: 'n', ...cellArgs() })],
  ['gruCell', (lib) => L(lib).gruCell({ units: 2, name: 'n', ...cellArgs() })],
  ['rnn', (lib) => L(lib).rnn({ name: 'n', cell: L(lib).lstmCell({ units: 2, name: 'c', ...cellArgs() }) })],
  ['rnn of stacked cells', (lib) => L(lib).rnn({ name: 'n', cell: [L(lib).lstmCell({ units: 2, name: 'c', ...cellArgs() }), L(lib).gruCell({ units: 2, name: 'c2', recurrentConstraint: 'nonNeg' })] })],
  ['stackedRNNCells', (lib) => L(lib).stackedRNNCells({ name: 'n', cells: [L(lib).simpleRNNCell({ units: 2, name: 'c', ...cellArgs() }), L(lib).gruCell({ units: 2, name: 'c2' })] })],
  ['bidirectional', (lib) => L(lib).bidirectional({ name: 'n', layer: L(lib).lstm({ units: 2, name: 'in', ...cellArgs() }) })],
  ['timeDistributed', (lib) => L(lib).timeDistributed({ name: 'n', layer: L(lib).dense({ units: 2, name: 'in', ...kernelArgs() }) })],
];

describe('getConfig gives initializers, regularizers and constraints as TF.js does, { className, config }', () => {
  onBackend('wasm');

  it.each(CONFIG_CASES)('%s: key by key as TF.js, and fromConfig takes them back', async (_name, make, slips) => {
    const ref = await reference();
    const ours = make(tf) as tf.Layer;
    const theirs = make(ref) as tfjs.layers.Layer;
    const mine = ours.getConfig();
    const expected = { ...weightOptionsOf(theirs.getConfig()), ...slips?.(theirs) };
    expect(Object.keys(weightOptionsOf(mine)).sort()).toEqual(Object.keys(expected).sort());
    expect(weightOptionsOf(mine)).toStrictEqual(expected);
    // Plain data: it goes through JSON unchanged.
    expect(JSON.parse(JSON.stringify(mine))).toEqual(mine);
    // fromConfig takes the serialized forms, neurite's and TF.js's.
    const cls = ours.constructor as typeof tf.layers.Layer;
    for (const config of [mine, { ...theirs.getConfig(), ...slips?.(theirs) }]) {
      const remade = cls.fromConfig(cls as never, config);
      expect(weightOptionsOf(remade.getConfig())).toStrictEqual(weightOptionsOf(mine));
      remade.dispose();
    }
    ours.dispose();
  });

  it("a config is the layer's copy: changing it changes neither the layer's training loss nor its next config", async () => {
    const layer = tf.layers.dense({
      units: 2,
      inputShape: [3],
      kernelInitializer: tf.initializers.constant({ value: 1 }),
      kernelRegularizer: tf.regularizers.l1l2({ l1: 0.01, l2: 0.01 }),
      kernelConstraint: { className: 'MaxNorm', config: { maxValue: 10, axis: [0, 1] } },
    });
    const model = tf.sequential({ layers: [layer] });
    // A learning rate of 0: the loss, with the regularizer's penalty, of weights that stay as they are.
    model.compile({ optimizer: tf.train.sgd(0), loss: 'meanSquaredError' });
    const x = tf.ones([2, 3]);
    const y = tf.zeros([2, 2]);
    const loss = async () => (await model.trainOnBatch(x, y)) as number;
    const before = await loss();
    const config = layer.getConfig() as Record<string, any>;
    const first = structuredClone(config);
    expect(config.kernelInitializer.config).toEqual({ value: 1 });
    expect(config.kernelRegularizer).toEqual({ className: 'L1L2', config: { l1: 0.01, l2: 0.01 } });
    config.kernelRegularizer.l2 = 100;
    config.kernelRegularizer.config.l2 = 100;
    config.kernelConstraint.config.axis.push(2);
    config.kernelInitializer.config.value = 5;
    expect(await loss()).toBeCloseTo(before, 5); // (the constraint rescales the weights by 1 / (1 + 1e-7 / norm))
    expect(layer.getConfig()).toEqual(first);
    tf.dispose([x, y]);
    model.dispose();
  });
});
