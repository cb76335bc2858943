// The normalization layers (issue 11), batchNormalization and layerNormalization, against TF.js 4.22 through the
// conformance helper on awkward shapes; models with batch normalization trained by fit in both libraries from
// the same weights, every weight and the moving statistics compared after every batch (the recorded step's
// replays included), predict then normalizing by the moving statistics; a moving variable's own memory written
// in place without touching tensors that shared it; no tensor left behind by a call; bad arguments refused;
// names and configs as TF.js's.

import type * as tfjs from '@tensorflow/tfjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import { Program } from '../src/backend/program.js';
import { artifactsOf, expectConformance, type LayerCase } from './layers/conformance.js';
import { expectGradient, reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

type Lib = typeof tf | typeof tfjs;
const L = (lib: Lib) => lib.layers as unknown as Record<string, (args: object) => unknown>;

// The helper sets every weight to values in [-0.9, 0.9], moving variances too: with the default epsilon (1e-3)
// most channels would divide by the root of a negative number, so the batch norm cases take an epsilon of 1 or
// more (every variance + epsilon then positive); the default epsilon is held to TF.js by the fit tests below.
// Where TF.js 4.22 cannot train a case, its training steps are compared by the loss only: its batch norm reads
// gamma and beta in training even when scale or center is false (it throws), its layer norm cannot be trained
// without center or scale (its gradient misses the absent weight), and its fit applies no constraint. Two things the helper cannot hold to TF.js are checked
// further down: a batch norm over an axis that is not the last (TF.js's cpu backend reads the moving statistics
// cyclically there, as if they ran along the last axis, and has no gradient for them: it is held to TF.js's
// batch norm of the data with that axis moved last), and layer normalization's constraints (Keras's: TF.js 4.22
// has none).
const CASES: LayerCase[] = [
  { name: 'batchNormalization rank 2', inputShape: [7], make: (lib, base) => L(lib).batchNormalization({ epsilon: 1, ...base }) },
  { name: 'batchNormalization rank 4 images', inputShape: [5, 3, 7], make: (lib, base) => L(lib).batchNormalization({ epsilon: 1, momentum: 0.9, ...base }) },
  { name: 'batchNormalization rank 3, 17 channels', inputShape: [3, 17], make: (lib, base) => L(lib).batchNormalization({ epsilon: 1.5, momentum: 0.5, ...base }) },
  { name: 'batchNormalization one channel', inputShape: [3, 1], make: (lib, base) => L(lib).batchNormalization({ epsilon: 2, ...base }) },
  { name: 'batchNormalization with regularizers', inputShape: [3, 4], make: (lib, base) => L(lib).batchNormalization({ epsilon: 1, gammaRegularizer: lib.regularizers.l2({ l2: 0.1 }), betaRegularizer: 'l1l2', ...base }) },
  { name: 'batchNormalization without center', inputShape: [5], make: (lib, base) => L(lib).batchNormalization({ epsilon: 1, center: false, ...base }), lossOnly: 'TF.js 4.22 reads beta in training even without center, and throws' },
  { name: 'batchNormalization without scale', inputShape: [2, 3], make: (lib, base) => L(lib).batchNormalization({ epsilon: 1, scale: false, ...base }), lossOnly: 'TF.js 4.22 reads gamma in training even without scale, and throws' },
  { name: 'batchNormalization with constraints and initializers', inputShape: [4], make: (lib, base) => L(lib).batchNormalization({ epsilon: 1, gammaConstraint: 'nonNeg', betaConstraint: 'maxNorm', gammaInitializer: 'heNormal', movingVarianceInitializer: 'zeros', ...base }), lossOnly: 'TF.js applies no constraint in fit' },
  { name: 'layerNormalization rank 2', inputShape: [7], make: (lib, base) => L(lib).layerNormalization({ ...base }) },
  { name: 'layerNormalization rank 4 images', inputShape: [5, 3, 4], make: (lib, base) => L(lib).layerNormalization({ ...base }) },
  { name: 'layerNormalization axis 1 of rank 3', inputShape: [4, 3], make: (lib, base) => L(lib).layerNormalization({ axis: 1, epsilon: 0.01, ...base }) },
  { name: 'layerNormalization axes [1, 2] of rank 4', inputShape: [3, 5, 2], make: (lib, base) => L(lib).layerNormalization({ axis: [1, 2], ...base }) },
  { name: 'layerNormalization axes [-1, -2] reversed', inputShape: [3, 4], make: (lib, base) => L(lib).layerNormalization({ axis: [-1, -2], ...base }) },
  { name: 'layerNormalization with regularizers', inputShape: [2, 3], make: (lib, base) => L(lib).layerNormalization({ gammaRegularizer: 'l1l2', betaRegularizer: lib.regularizers.l1({ l1: 0.1 }), ...base }) },
  { name: 'layerNormalization without center', inputShape: [2, 3], make: (lib, base) => L(lib).layerNormalization({ center: false, ...base }), lossOnly: 'TF.js 4.22 cannot train it (its gradient misses the absent beta)' },
  { name: 'layerNormalization without center and scale', inputShape: [17], make: (lib, base) => L(lib).layerNormalization({ center: false, scale: false, ...base }), lossOnly: 'TF.js 4.22 has no gradient for tf.batchNorm without a scale' },
];

describe('normalization layers against TF.js', () => {
  onBackend('wasm');
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectConformance(c);
  });
});

/** A model of both libraries, compiled with plain SGD and the mean squared error; `theirs`: TF.js's layers where they differ. */
interface ModelCase {
  name: string;
  inputShape: number[];
  layers: (lib: Lib) => unknown[];
  theirs?: (lib: Lib) => unknown[];
}

const MODELS: ModelCase[] = [
  { name: 'dense input, default epsilon', inputShape: [5], layers: (lib) => [L(lib).batchNormalization({ inputShape: [5], momentum: 0.9 }), L(lib).dense({ units: 1 })] },
  {
    name: 'conv2d, batch norm, relu',
    inputShape: [6, 5, 2],
    layers: (lib) => [L(lib).conv2d({ inputShape: [6, 5, 2], filters: 3, kernelSize: 3 }), L(lib).batchNormalization({ momentum: 0.8 }), L(lib).activation({ activation: 'relu' }), L(lib).flatten({}), L(lib).dense({ units: 1 })],
  },
  {
    // TF.js's cpu backend cannot normalize along an axis that is not the last: held to its batch norm of the data with the axis moved last.
    name: 'axis 1 of rank 3, as TF.js with that axis moved last',
    inputShape: [3, 4],
    layers: (lib) => [L(lib).batchNormalization({ inputShape: [3, 4], axis: 1, momentum: 0.7, epsilon: 0.01 }), L(lib).flatten({}), L(lib).dense({ units: 1 })],
    theirs: (lib) => [L(lib).permute({ inputShape: [3, 4], dims: [2, 1] }), L(lib).batchNormalization({ momentum: 0.7, epsilon: 0.01 }), L(lib).permute({ dims: [2, 1] }), L(lib).flatten({}), L(lib).dense({ units: 1 })],
  },
];

/** Initial weights for a model: gammas and variances in [0.5, 1.5] (positive, as training leaves them), others small. */
function weightsFor(model: tf.LayersModel): Float32Array[] {
  return model.weights.map((w, i) => (/gamma|moving_variance/.test(w.name) ? randomData(w.size, 40 + i, 0.5, 1.5) : randomData(w.size, 40 + i, -0.5, 0.5)));
}

/** Channel-dependent data: each channel of its own mean and spread, so the statistics differ between channels and batches. */
function dataFor(shape: number[], seed: number): Float32Array {
  const channels = shape[shape.length - 1];
  return randomData(shape.reduce((a, b) => a * b, 1), seed, -1, 1).map((v, i) => (i % channels) - 1 + v * (1 + (i % channels)));
}

describe.each(['wasm', 'js'] as const)('batchNormalization trained by fit on %s, as TF.js', (backend) => {
  onBackend(backend);
  afterEach(() => vi.restoreAllMocks());

  it.each(MODELS.map((m) => [m.name, m] as const))('%s: every weight and the moving statistics after every batch, then predict by them', async (_name, m) => {
    const ref = await reference();
    const build = (lib: Lib) => {
      const model = lib.sequential({ layers: (lib === tf ? m.layers : (m.theirs ?? m.layers))(lib) as never });
      model.compile({ optimizer: lib.train.sgd(0.05) as never, loss: 'meanSquaredError' });
      return model;
    };
    const ours = build(tf) as tf.Sequential;
    const theirs = build(ref) as tfjs.Sequential;
    const values = weightsFor(ours);
    expect(ours.weights.map((w) => w.shape), 'weights in TF.js\'s order').toEqual(theirs.weights.map((w) => w.shape));
    tf.tidy(() => ours.setWeights(values.map((v, i) => tf.tensor(v, ours.weights[i].shape))));
    ref.tidy(() => theirs.setWeights(values.map((v, i) => ref.tensor(v, theirs.weights[i].shape as number[]))));
    const rows = 36; // batches of 8: four full ones and a last of 4, each epoch
    const [xValues, yValues] = [dataFor([rows, ...m.inputShape], 5), randomData(rows, 6)];
    const [x, y] = [tf.tensor(xValues, [rows, ...m.inputShape]), tf.tensor(yValues, [rows, 1])];
    const [rx, ry] = [ref.tensor(xValues, [rows, ...m.inputShape]), ref.tensor(yValues, [rows, 1])];
    const norm = ours.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    const theirNorm = theirs.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    const moving = (ws: Array<{ dataSync(): ArrayLike<number> }>) => [...Array.from(ws[2].dataSync()), ...Array.from(ws[3].dataSync())];
    const [mine, expected]: number[][][] = [[], []];
    const recorded = vi.spyOn(Program, 'record');
    try {
      const history = await ours.fit(x, y, { batchSize: 8, epochs: 3, shuffle: false, verbose: 0, callbacks: { onBatchEnd: () => void mine.push(moving(norm.weights)) } });
      const theirHistory = await theirs.fit(rx, ry, { batchSize: 8, epochs: 3, shuffle: false, verbose: 0, callbacks: { onBatchEnd: async () => void expected.push(moving(theirNorm.weights.map((w) => w.read()))) } });
      expect(recorded.mock.calls.length, 'one recorded step per batch size, replayed by the other batches').toBe(2);
      expect(mine.length).toBe(15);
      mine.forEach((stats, b) => expectClose(stats, expected[b], { atol: 1e-4, rtol: 1e-4 }, `moving mean and variance after batch ${b}`));
      expect(new Set(mine.map((s) => s.join())).size, 'the moving statistics change at every batch').toBe(15);
      expectClose(history.history.loss as number[], theirHistory.history.loss as number[], { atol: 1e-4, rtol: 1e-4 }, 'loss per epoch');
      ours.weights.forEach((w, i) => expectClose(w.dataSync(), theirs.weights[i].read().dataSync(), { atol: 1e-4, rtol: 1e-4 }, `${w.name} after fit`));

      // predict normalizes by the moving statistics (as TF.js's), not by the batch's own.
      const predicted = ours.predict(x) as tf.Tensor;
      const theirPrediction = ref.tidy(() => (theirs.predict(rx) as tfjs.Tensor).dataSync());
      expectClose(predicted.dataSync(), theirPrediction, { atol: 1e-4, rtol: 1e-4 }, 'predict');
      const byBatch = ref.tidy(() => {
        const layers = theirs.layers;
        let h = rx as tfjs.Tensor;
        for (const layer of layers) h = layer === theirNorm ? (layer.apply(h, { training: true }) as tfjs.Tensor) : (layer.apply(h) as tfjs.Tensor);
        return h.dataSync();
      });
      const apart = Math.max(...Array.from(predicted.dataSync(), (v, i) => Math.abs(v - byBatch[i])));
      expect(apart, 'predict differs from normalizing by the batch\'s statistics').toBeGreaterThan(1e-2);
      predicted.dispose();
    } finally {
      tf.dispose([x, y]);
      ref.dispose([rx, ry]);
      ours.dispose();
      theirs.dispose();
    }
  });

  it('updates the moving statistics in their own memory: tensors that shared it keep their values', async () => {
    const model = tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [3] }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const given = model.weights.map((w, i) => tf.tensor(randomData(w.size, i, 0.5, 1.5), w.shape));
    const before = given.map((t) => Array.from(t.dataSync()));
    model.setWeights(given); // the weights now share the given tensors' values
    const norm = model.layers[0];
    const clones: tf.Tensor[] = [];
    const [x, y] = [tf.tensor(dataFor([12, 3], 1), [12, 3]), tf.tensor(randomData(12, 2), [12, 1])];
    await model.fit(x, y, { batchSize: 4, epochs: 2, shuffle: false, verbose: 0, callbacks: { onBatchEnd: () => void clones.push(tf.clone(norm.weights[2])) } });
    given.forEach((t, i) => expect(Array.from(t.dataSync()), `given tensor ${i}`).toEqual(before[i]));
    const snapshots = clones.map((c) => Array.from(c.dataSync()));
    expect(new Set(snapshots.map((s) => s.join())).size, 'each clone holds the moving mean of its batch').toBe(6);
    expect(snapshots[5]).toEqual(Array.from(norm.weights[2].dataSync()));
    tf.dispose([...given, ...clones, x, y]);
    model.dispose();
  });
});

describe('what TF.js cannot be held to', () => {
  onBackend('wasm');

  it('batchNormalization over an axis that is not the last: gradients in training and in inference, against central differences', () => {
    const layer = tf.layers.batchNormalization({ axis: 1, momentum: 0.5 });
    const x = tf.tensor(dataFor([5, 3, 4], 3), [5, 3, 4]);
    tf.tidy(() => void layer.apply(x, { training: true })); // built, and moving statistics away from their initial values
    expectGradient('training: d/dx', (input) => layer.apply(input, { training: true }), [x], { h: 1e-2, tolerance: 2e-3 });
    expectGradient('inference: d/dx', (input) => layer.apply(input), [x], { h: 1e-2, tolerance: 2e-3 });
    x.dispose();
    layer.dispose();
  });

  it('layerNormalization\'s constraints, Keras\'s: applied when weights are set and after every training step, saved and loaded', async () => {
    const make = () => tf.sequential({ layers: [tf.layers.layerNormalization({ inputShape: [4], gammaConstraint: 'nonNeg', betaConstraint: tf.constraints.maxNorm({ maxValue: 0.5 }) }), tf.layers.dense({ units: 1 })] });
    const model = make();
    model.compile({ optimizer: tf.train.sgd(0.5), loss: 'meanSquaredError' });
    const values = model.weights.map((w, i) => tf.tensor(randomData(w.size, 60 + i, -2, 2), w.shape));
    model.setWeights(values);
    const [gamma, beta] = model.layers[0].weights;
    const norm = (t: tf.Tensor) => Math.hypot(...t.dataSync());
    expect(Math.min(...gamma.dataSync()), 'gamma set non-negative').toBeGreaterThanOrEqual(0);
    expect(norm(beta), 'beta set within the max norm').toBeLessThanOrEqual(0.5 + 1e-6);
    const [x, y] = [tf.tensor(dataFor([16, 4], 8), [16, 4]), tf.tensor(randomData(16, 9, -5, 5), [16, 1])];
    await model.fit(x, y, { batchSize: 4, epochs: 2, verbose: 0 });
    expect(Math.min(...gamma.dataSync()), 'gamma after fit').toBeGreaterThanOrEqual(0);
    expect(norm(beta), 'beta after fit').toBeLessThanOrEqual(0.5 + 1e-6);
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(model, tf.io)));
    expect(reloaded.layers[0].getConfig()).toEqual(model.layers[0].getConfig());
    tf.tidy(() => expectClose((reloaded.predict(x) as tf.Tensor).dataSync(), (model.predict(x) as tf.Tensor).dataSync(), { atol: 1e-6, rtol: 1e-6 }, 'reloaded'));
    tf.dispose([...values, x, y]);
    reloaded.dispose();
    model.dispose();
  });
});

describe('normalization layers applied outside tidy', () => {
  onBackend('wasm');

  it('leave only their output behind, in training and in inference', () => {
    const x = tf.tensor(dataFor([4, 3, 2], 1), [4, 3, 2]);
    for (const layer of [tf.layers.batchNormalization({}), tf.layers.batchNormalization({ axis: 1 }), tf.layers.layerNormalization({ axis: [1, 2] })]) {
      for (const training of [true, false]) {
        layer.apply(x).dispose(); // built
        const before = tf.memory().numTensors;
        const y = layer.apply(x, { training });
        expect(tf.memory().numTensors, `${layer.name}, training ${training}`).toBe(before + 1);
        y.dispose();
      }
      layer.dispose();
    }
    x.dispose();
  });
});

describe('normalization layers refuse bad arguments', () => {
  onBackend('wasm');
  const refuse = (make: () => unknown, message: RegExp) => expect(make).toThrow(message);

  it('batchNormalization', () => {
    refuse(() => tf.layers.batchNormalization({ axis: 1.5 }), /^batchNormalization: axis must be an integer/);
    refuse(() => tf.layers.batchNormalization({ axis: [1] as never }), /^batchNormalization: axis must be an integer/);
    refuse(() => tf.layers.batchNormalization({ momentum: 1.5 }), /^batchNormalization: momentum must be in \[0, 1\], got 1.5/);
    refuse(() => tf.layers.batchNormalization({ epsilon: -1 }), /^batchNormalization: epsilon must be >= 0, got -1/);
    refuse(() => tf.layers.batchNormalization({ center: 'yes' as never }), /^batchNormalization: center must be true or false/);
    refuse(() => tf.layers.batchNormalization({ gammaInitializer: 'nope' }), /^batchNormalization: gammaInitializer/);
    refuse(() => tf.layers.batchNormalization({ movingVarianceInitializer: 'nope' }), /^batchNormalization: movingVarianceInitializer/);
    refuse(() => tf.layers.batchNormalization({ betaRegularizer: 'nope' }), /^batchNormalization: betaRegularizer/);
    refuse(() => tf.layers.batchNormalization({ gammaConstraint: 'nope' }), /^batchNormalization: gammaConstraint/);
    refuse(() => tf.layers.batchNormalization({ momentm: 0.9 } as never), /^batchNormalization: unknown option "momentm" \(did you mean "momentum"\?\)/);
    refuse(() => tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [3], axis: 2 })] }), /axis 2 is out of range for input of rank 2 \(expected an integer in \[-2, 1\]\)/);
    refuse(() => tf.sequential({ layers: [tf.layers.batchNormalization({ inputShape: [3, null] })] }), /needs axis 2 of its input \(the channels\) to be known/);
    const layer = tf.layers.batchNormalization({});
    const x = tf.ones([4]);
    expect(() => layer.apply(x)).toThrow(/needs input of rank >= 2/);
    x.dispose();
    layer.dispose();
  });

  it('layerNormalization', () => {
    refuse(() => tf.layers.layerNormalization({ axis: 0.5 }), /^layerNormalization: axis must be an integer or a non-empty array of distinct integers, got 0.5/);
    refuse(() => tf.layers.layerNormalization({ axis: [] }), /^layerNormalization: axis must be an integer or a non-empty array of distinct integers, got \[\]/);
    refuse(() => tf.layers.layerNormalization({ axis: [1, 1] }), /^layerNormalization: axis must be .* distinct/);
    refuse(() => tf.layers.layerNormalization({ epsilon: NaN }), /^layerNormalization: epsilon must be a finite number/);
    refuse(() => tf.layers.layerNormalization({ scale: 1 as never }), /^layerNormalization: scale must be true or false/);
    refuse(() => tf.layers.layerNormalization({ betaInitializer: 'nope' }), /^layerNormalization: betaInitializer/);
    refuse(() => tf.layers.layerNormalization({ momentum: 0.9 } as never), /^layerNormalization: unknown option "momentum"/);
    refuse(() => tf.sequential({ layers: [tf.layers.layerNormalization({ inputShape: [3], axis: -3 })] }), /axis -3 is out of range for input of rank 2/);
    refuse(() => tf.sequential({ layers: [tf.layers.layerNormalization({ inputShape: [3, 4], axis: [2, -1] })] }), /axis \[2,-1\] names an axis twice for input of rank 3/);
  });
});

describe('normalization layers as TF.js names and configures them', () => {
  onBackend('wasm');

  it('summary prints TF.js\'s table: the moving statistics count as non-trainable', async () => {
    const ref = await reference();
    const build = (lib: Lib) => lib.sequential({ layers: [L(lib).conv2d({ inputShape: [7, 7, 2], filters: 3, kernelSize: 3 }), L(lib).batchNormalization({}), L(lib).layerNormalization({ axis: [1, 2] }), L(lib).flatten({}), L(lib).dense({ units: 1 })] as never });
    const [ours, theirs] = [build(tf) as tf.Sequential, build(ref) as tfjs.Sequential];
    const [mine, expected]: string[][] = [[], []];
    ours.summary(undefined, undefined, (line) => mine.push(line));
    theirs.summary(undefined, undefined, (line: string) => expected.push(line));
    // The default names' counters differ between the libraries, and so the padding after them.
    const unnumbered = (lines: string[]) => lines.map((l) => l.replace(/^(\S*?)\d*(?=\s)/, '$1').replace(/\s+/g, ' '));
    expect(unnumbered(mine)).toEqual(unnumbered(expected));
    expect(mine).toContain('Non-trainable params: 6');
    ours.dispose();
    theirs.dispose();
  });

  it('default names', async () => {
    const ref = await reference();
    for (const factory of ['batchNormalization', 'layerNormalization']) {
      const ours = L(tf)[factory]({}) as tf.Layer;
      const theirs = L(ref)[factory]({}) as tfjs.layers.Layer;
      expect(ours.name.replace(/\d+$/, ''), factory).toBe(theirs.name.replace(/\d+$/, ''));
      ours.dispose();
    }
  });

  it('defaults and configs, unbuilt and built (a layer norm then saves its axes resolved)', async () => {
    const ref = await reference();
    const args: Array<[string, object]> = [
      ['batchNormalization', { name: 'b' }],
      ['batchNormalization', { name: 'b2', axis: 1, momentum: 0.5, epsilon: 0.1, center: false, gammaInitializer: 'heNormal', gammaRegularizer: 'l1l2', betaConstraint: 'nonNeg' }],
      // Regularizers given in their serialized forms, as TF.js takes them too.
      ['batchNormalization', { name: 'b3', gammaRegularizer: { className: 'L1L2', config: { l1: 0, l2: 0.1 } }, betaRegularizer: 'L1L2' }],
      ['layerNormalization', { name: 'l' }],
      ['layerNormalization', { name: 'l2', axis: [-1, 1], epsilon: 0.01, scale: false, betaRegularizer: 'l1l2' }],
    ];
    for (const [factory, a] of args) {
      const ours = L(tf)[factory](a) as tf.Layer;
      const theirs = L(ref)[factory](a) as tfjs.layers.Layer;
      for (const built of [false, true]) {
        if (built) {
          ours.apply(tf.input({ shape: [3, 4] }));
          theirs.apply(ref.input({ shape: [3, 4] }));
        }
        const [mine, expected] = [ours.getConfig(), theirs.getConfig()];
        expect(Object.keys(mine), `${factory} ${JSON.stringify(a)}`).toEqual(Object.keys(expected));
        expect(mine, `${factory} ${JSON.stringify(a)}${built ? ', built' : ''}`).toEqual(expected);
      }
      expect(ours.weights.map((w) => [w.name, w.shape, w.trainable]), factory).toEqual(theirs.weights.map((w) => [w.name, w.shape, w.trainable]));
      ours.dispose();
      theirs.dispose();
    }
  });
});
