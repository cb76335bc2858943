// Never a wrong answer, a trap or a lost model: the failures the reliability issue listed, each a regression
// test, on both backends. Out-of-memory is injected at every allocation a model call makes; training that
// diverges must keep finite weights; a second fit is refused; options are checked with a did-you-mean.

import { describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import { activeBackend } from '../src/engine.js';
import { CHECKPOINT_EVERY } from '../src/model/step.js';
import { onBackend, randomData } from './support.js';

/** Current weights as plain arrays (copies of the values: getWeights gives the variables themselves). */
function weightsOf(model: tf.Sequential): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

function smallModel(units = 3, activation = 'softmax'): tf.Sequential {
  return tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [2], activation: 'relu' }), tf.layers.dense({ units, activation })] });
}

/** Makes the nth heap allocation from now throw, as a full heap would; returns the undo. */
function failAllocation(n: number): () => void {
  const heap = activeBackend().heap;
  const alloc = heap.alloc;
  let count = 0;
  heap.alloc = function (bytes: number) {
    if (++count === n) throw new Error('injected allocation failure');
    return alloc.call(this, bytes);
  };
  return () => {
    heap.alloc = alloc;
  };
}

describe.each(['wasm', 'js'] as const)('reliability on %s', (backend) => {
  onBackend(backend);

  describe('out of memory at every allocation of a model call', () => {
    const calls: Array<[string, (m: tf.Sequential, x: tf.Tensor, y: tf.Tensor) => Promise<unknown> | unknown]> = [
      ['fit', (m, x, y) => m.fit(x, y, { epochs: 2, batchSize: 4, validationSplit: 0.25, verbose: 0 })],
      ['evaluate', (m, x, y) => tf.dispose(m.evaluate(x, y, { batchSize: 4 }) as tf.Tensor[])],
      ['predict', (m, x) => m.predict(x, { batchSize: 4 }).dispose()],
      ['trainOnBatch', (m, x, y) => m.trainOnBatch(x, y)],
    ];
    it.each(calls)('%s: names the call, leaves the model usable and nothing held', async (op, call) => {
      const x = tf.tensor2d(randomData(16, 1), [8, 2]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32'), 3, 1, 0, 'float32'));
      let failures = 0;
      for (let n = 1; ; n++) {
        tf.setSeed(3);
        const model = smallModel();
        model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
        const before = tf.memory();
        const restore = failAllocation(n);
        let error: Error | null = null;
        try {
          await call(model, x, y);
        } catch (e) {
          error = e as Error;
        } finally {
          restore();
        }
        if (error === null) {
          model.dispose();
          break;
        }
        failures++;
        expect(error.message).toMatch(new RegExp(`^${op}: out of memory for .+: injected allocation failure$`));
        // Tensors the failed call made are gone (the model may have built its 4 weights, all of them or none);
        // the model still predicts, trains and evaluates.
        expect([before.numTensors, before.numTensors + 4]).toContain(tf.memory().numTensors);
        expect(model.weights.length === 0 || model.weights.length === 4).toBe(true);
        const p = model.predict(x);
        expect(Array.from(p.dataSync()).every(Number.isFinite)).toBe(true);
        p.dispose();
        await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
        tf.dispose(model.evaluate(x, y) as tf.Tensor[]);
        model.dispose();
      }
      expect(failures, `${op} allocates at least once`).toBeGreaterThan(0);
      tf.dispose([x, y]);
    });

    it('a tensor too large for the heap names the op and the shape', () => {
      expect(() => tf.zeros([2 ** 16, 2 ** 15])).toThrow(/^zeros: a tensor of shape \[65536, 32768\] needs 8589934592 bytes/);
      const restore = failAllocation(1);
      try {
        expect(() => tf.ones([3, 5])).toThrow(/^ones: out of memory for a float32 tensor of shape \[3, 5\] \(60 bytes\)/);
      } finally {
        restore();
      }
    });
  });

  describe('diverging training keeps finite weights', () => {
    it('a loss that becomes Infinity stops fit before the batch changes any weight', async () => {
      // Two inputs of 3e38 and unit weights: the prediction overflows float32, so the first loss is Infinity.
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })] });
      model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
      const x = tf.tensor2d([[1, 1], [3e38, 3e38]]);
      const y = tf.tensor2d([[0], [0]]);
      const before = weightsOf(model);
      await expect(model.fit(x, y, { batchSize: 2, verbose: 0 })).rejects.toThrow(
        /^fit: at epoch 1, batch 0, the loss became Infinity; the weights are as they were before this batch\. Lower the learning rate, set clipNorm, or check the data$/,
      );
      expect(weightsOf(model)).toEqual(before);
      tf.dispose([x, y]);
      model.dispose();
    });

    it("a batch that makes the loss NaN leaves a batch norm's moving statistics finite, as at the last checkpoint", async () => {
      // A dense layer of unit weights before the batch norm: inputs of 3e38 overflow it to Infinity, whose batch
      // statistics are NaN.
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], kernelInitializer: 'ones' }), tf.layers.batchNormalization(), tf.layers.dense({ units: 1 })] });
      model.compile({ optimizer: tf.train.sgd(0.01), loss: 'meanSquaredError' });
      const x = tf.tensor2d([[1, 2], [3, 5]]);
      const y = tf.tensor2d([[0], [1]]);
      await model.trainOnBatch(x, y); // the checkpoint is taken before this step
      await model.trainOnBatch(x, y);
      const moving = () => model.layers[1].nonTrainableWeights.map((w) => Array.from(w.dataSync()));
      const [mean, variance] = moving();
      expect(mean.every((v) => v !== 0)).toBe(true); // the two steps moved them
      const bad = tf.tensor2d([[3e38, 3e38], [3, 5]]);
      await expect(model.trainOnBatch(bad, y)).rejects.toThrow(
        /^trainOnBatch: the loss became NaN; the weights are as they were before this batch, the non-trainable ones \(moving statistics\) as they were 2 steps before it/,
      );
      const [mean2, variance2] = moving();
      expect([...mean2, ...variance2].every(Number.isFinite)).toBe(true);
      expect(mean2).not.toEqual(mean); // back at the checkpoint, before the two steps
      tf.dispose([x, y, bad]);
      model.dispose();
    });

    it('a learning rate far too high ends fit with a clear Error and finite weights', async () => {
      tf.setSeed(4);
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [1] })] });
      model.compile({ optimizer: tf.train.sgd(3), loss: 'meanSquaredError' });
      const x = tf.tensor2d([[1], [2], [3], [4]]);
      const y = tf.tensor2d([[2], [4], [6], [8]]);
      await expect(model.fit(x, y, { epochs: 200, batchSize: 4, verbose: 0 })).rejects.toThrow(/^fit: at epoch \d+, batch 0, the (loss became|update made)/);
      expect(weightsOf(model).flatMap((w) => Array.from(w)).every(Number.isFinite)).toBe(true);
      tf.dispose([x, y]);
      model.dispose();
    });

    it('an update that overflows while the loss was finite is rolled back to the last checkpoint', async () => {
      // One weight, x = 1, target 0: the gradient is 2w, and a learning rate of 3e38 sends w past float32's range.
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, useBias: false, inputShape: [1], kernelInitializer: 'ones' })] });
      const optimizer = tf.train.sgd(0.01);
      model.compile({ optimizer, loss: 'meanSquaredError' });
      const x = tf.tensor2d([[1]]);
      const y = tf.tensor2d([[0]]);
      for (let i = 0; i < 20; i++) await model.trainOnBatch(x, y);
      const w20 = weightsOf(model)[0][0];
      expect(w20).toBeCloseTo(0.98 ** 20, 5);
      optimizer.learningRate = 3e38;
      // Checkpoints are taken every 16 steps: the 17th step was one, so steps 17-20 are lost with this one.
      await expect(model.trainOnBatch(x, y)).rejects.toThrow(
        /^trainOnBatch: the update made some weights NaN or Infinity \(the loss before it was 0\.4457\); the weights and optimizer state were restored to those of 5 steps earlier/,
      );
      expect(weightsOf(model)[0][0]).toBeCloseTo(0.98 ** 16, 5);
      expect(optimizer.iterations).toBe(16);
      // Training goes on from there.
      optimizer.learningRate = 0.01;
      await model.trainOnBatch(x, y);
      expect(weightsOf(model)[0][0]).toBeCloseTo(0.98 ** 17, 5);
      tf.dispose([x, y]);
      model.dispose();
    });

    it('a rollback after a layer was frozen since the last checkpoint puts each weight back to its own values, and writes nothing else', async () => {
      tf.setSeed(1);
      const x = tf.tensor2d(randomData(64 * 3, 7), [64, 3]);
      const y = tf.tensor2d(randomData(64, 8, -1e4, 1e4), [64, 1]);
      const model = tf.sequential({ layers: [tf.layers.dense({ units: 40, inputShape: [3], name: 'a' }), tf.layers.dense({ units: 4, name: 'b' }), tf.layers.dense({ units: 1, name: 'c' })] });
      const optimizer = tf.train.sgd(1e-9);
      model.compile({ optimizer, loss: 'meanSquaredError' });
      await model.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 });
      // The checkpoint of the first fit holds a's weights first; the second fit trains b and c only.
      model.getLayer('a').trainable = false;
      const before = weightsOf(model).map((w) => w.slice());
      const targets = y.dataSync().slice();
      optimizer.learningRate = 3e38;
      await expect(model.fit(x, y, { epochs: 1, batchSize: 16, shuffle: false, verbose: 0 })).rejects.toThrow(/the update made some weights NaN or Infinity/);
      expect(weightsOf(model)).toEqual(before);
      expect(y.dataSync()).toEqual(targets);
      tf.dispose([x, y]);
      model.dispose();
    });

    // After 34 steps the checkpoint is the third, copied into the second one's arrays (the first holds no state yet).
    it.each([1, 34])('Adam rolls back its moments and step count with the weights after %i steps: training resumes bit for bit', async (steps) => {
      const make = () => {
        tf.setSeed(5);
        const m = smallModel(1, 'linear');
        m.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
        return m;
      };
      const x = tf.tensor2d(randomData(16, 2), [8, 2]);
      const y = tf.tensor2d(randomData(8, 3), [8, 1]);
      const reference = make();
      const lost = steps % CHECKPOINT_EVERY; // the steps since the checkpoint, besides the diverging one
      for (let i = 0; i < steps - lost + 2; i++) await reference.trainOnBatch(x, y);
      const rolled = make();
      for (let i = 0; i < steps; i++) await rolled.trainOnBatch(x, y);
      const adam = rolled.optimizer as tf.AdamOptimizer;
      adam.learningRate = 3.5e38; // a finite double, but Infinity in float32
      await expect(rolled.trainOnBatch(x, y)).rejects.toThrow(`restored to those of ${lost + 1} steps earlier`);
      adam.learningRate = 0.01;
      for (let i = 0; i < 2; i++) await rolled.trainOnBatch(x, y);
      expect(weightsOf(rolled)).toEqual(weightsOf(reference));
      tf.dispose([x, y]);
      reference.dispose();
      rolled.dispose();
    });
  });

  describe('one fit at a time', () => {
    it('refuses a second fit, trainOnBatch or compile while fit runs; predict sees weights between batches', async () => {
      const x = tf.tensor2d(randomData(64, 6), [32, 2]);
      const y = tf.tidy(() => tf.oneHot(tf.tensor1d(Array.from({ length: 32 }, (_, i) => i % 3), 'int32'), 3, 1, 0, 'float32'));
      const train = async (interleave: (m: tf.Sequential) => Promise<void> | void) => {
        tf.setSeed(7);
        const model = smallModel();
        model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
        await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0, callbacks: { onBatchEnd: () => interleave(model) } });
        return model;
      };
      const plain = await train(() => {});
      const busy = await train(async (model) => {
        await expect(model.fit(x, y)).rejects.toThrow(/^fit: the model is training \(a fit call has not finished\); await it first$/);
        await expect(model.trainOnBatch(x, y)).rejects.toThrow(/^trainOnBatch: the model is training/);
        expect(() => model.compile({ optimizer: 'sgd', loss: 'mse' })).toThrow(/^compile: the model is training/);
        // predict between batches equals the forward pass computed from the weights of that moment.
        tf.tidy(() => {
          const [k1, b1, k2, b2] = model.getWeights();
          const expected = tf.softmax(tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, k1), b1)), k2), b2));
          expect(Array.from(model.predict(x).dataSync())).toEqual(Array.from(expected.dataSync()));
        });
      });
      // Refused calls and predictions in between changed nothing in the training.
      expect(weightsOf(busy)).toEqual(weightsOf(plain));
      tf.dispose([x, y]);
      plain.dispose();
      busy.dispose();
    });
  });

  describe('bad calls that used to pass or end in an internal error', () => {
    it('fit, evaluate and trainOnBatch need y; sparse labels too (this trapped in wasm)', async () => {
      const model = smallModel();
      model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
      const x = tf.tensor2d([[1, 2]]);
      await expect(model.fit(x, undefined as unknown as tf.Tensor)).rejects.toThrow(/^fit: y must be a Tensor, got undefined$/);
      expect(() => model.evaluate(x, undefined as unknown as tf.Tensor)).toThrow(/^evaluate: y must be a Tensor, got undefined$/);
      await expect(model.trainOnBatch(x, undefined as unknown as tf.Tensor)).rejects.toThrow(/^trainOnBatch: y must be a Tensor/);
      x.dispose();
      model.dispose();
    });

    it('an optimizer refuses an int32 variable rather than running float kernels over its integers', () => {
      const init = tf.tensor1d([10, 20], 'int32');
      const v = tf.variable(init);
      const g = tf.tensor1d([1, 1]);
      for (const optimizer of [tf.train.sgd(0.1), tf.train.adam(0.1)]) {
        expect(() => optimizer.applyGradients({ [v.name]: g })).toThrow(new RegExp(`^(sgd|adam): variable ${v.name} is int32; optimizers update float32 variables only$`));
        optimizer.dispose();
      }
      expect(Array.from(v.dataSync())).toEqual([10, 20]);
      tf.dispose([v, g, init]);
    });

    it('unknown option keys are refused with a did-you-mean, everywhere', async () => {
      const model = smallModel();
      model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const x = tf.tensor2d([[1, 2]]);
      const y = tf.tensor2d([[1, 0, 0]]);
      const bad = <T>(v: unknown) => v as T;
      await expect(model.fit(x, y, bad({ epoch: 5 }))).rejects.toThrow(/^fit: unknown option "epoch" \(did you mean "epochs"\?\)$/);
      expect(() => tf.layers.dense(bad({ units: 1, activaton: 'relu' }))).toThrow(/^dense: unknown option "activaton" \(did you mean "activation"\?\)$/);
      expect(() => model.evaluate(x, y, bad({ batchsize: 2 }))).toThrow(/^evaluate: unknown option "batchsize" \(did you mean "batchSize"\?\)$/);
      expect(() => model.predict(x, bad({ batch: 2 }))).toThrow(/^predict: unknown option "batch"/);
      expect(() => model.compile(bad({ optimizer: 'sgd', loss: 'mse', metric: ['mae'] }))).toThrow(/^compile: unknown option "metric" \(did you mean "metrics"\?\)$/);
      expect(() => tf.sequential(bad({ layer: [] }))).toThrow(/^sequential: unknown option "layer" \(did you mean "layers"\?\)$/);
      expect(() => tf.initializers.heNormal(bad({ sead: 1 }))).toThrow(/^heNormal: unknown option "sead" \(did you mean "seed"\?\)$/);
      expect(() => tf.callbacks.earlyStopping(bad({ patients: 2 }))).toThrow(/^earlyStopping: unknown option "patients" \(did you mean "patience"\?\)$/);
      await expect(tf.ready(bad({ bild: 'simd' }))).rejects.toThrow(/^ready: unknown option "bild" in options \(did you mean "build"\?\)$/);
      await expect(model.fit(x, y, bad({ epochs: 1, verbose: 0, callbacks: { onEpochend: () => {} } }))).rejects.toThrow(
        /^fit: unknown option "onEpochend" in callbacks \(did you mean "onEpochEnd"\?\)$/,
      );
      tf.dispose([x, y]);
      model.dispose();
    });

    it('TF.js options neurite lacks are refused, not ignored', async () => {
      const model = smallModel();
      model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const x = tf.tensor2d([[1, 2]]);
      const y = tf.tensor2d([[1, 0, 0]]);
      await expect(model.fit(x, y, { sampleWeight: [1] } as tf.ModelFitArgs)).rejects.toThrow(/^fit: sampleWeight is not supported yet \(give a weight per class with classWeight\)/);
      await expect(model.fit(x, y, { classWeight: { 1: 2, 2: 1 } })).rejects.toThrow(/^fit: classWeight has no weight for class 0, which y holds \(sample 0\)/);
      await expect(model.fit(x, y, { classWeight: { first: 2 } } as never)).rejects.toThrow(/^fit: classWeight keys must be class indices \(0, 1, \.\.\.\), got "first"$/);
      expect(() => tf.layers.dense({ units: 1, activityRegularizer: 'l2' } as tf.DenseArgs)).toThrow(/^dense: activityRegularizer is not supported yet$/);
      await expect(model.save('file://unused', { includeOptimizer: true })).rejects.toThrow(/^save: config\.includeOptimizer true is not supported yet/);
      await expect(model.save('file://unused', { trainableOnly: 'no' } as unknown as {})).rejects.toThrow(/^save: config\.trainableOnly must be true or false, got "no"$/);
      tf.dispose([x, y]);
      model.dispose();
    });

    it('arguments of the wrong kind get an Error naming the call and the argument', async () => {
      const model = smallModel();
      model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const x = tf.tensor2d([[1, 2]]);
      const y = tf.tensor2d([[1, 0, 0]]);
      const column = tf.tensor2d([[1], [2]]);
      const cases: Array<[() => unknown, RegExp]> = [
        [() => tf.zeros([2n as unknown as number]), /^zeros: shape must be an array of non-negative integers, got \[2n \(a BigInt\)\]$/],
        [() => { const a: unknown[] = []; a.push(a); return tf.tensor(a as number[]); }, /^tensor: values are arrays nested more than 64 deep \(or an array that contains itself\)$/],
        [() => { let v: unknown = 1; for (let i = 0; i < 20000; i++) v = [v]; return tf.tensor(v as number[]); }, /^tensor: values are arrays nested more than 64 deep/],
        [() => tf.tensor2d([[1, 2], [3, 4]], [4, 1]), /^tensor2d: the values have shape \[2, 2\], which does not match the given shape \[4, 1\]$/],
        [() => tf.layers.dense({ units: 2, batchInputShape: 5 as unknown as number[] }), /^dense: batchInputShape must be \[batch or null, \.\.\.sizes\], e\.g\. \[null, 784\], got 5$/],
        [() => tf.layers.dense({ units: 2, inputShape: [2], kernelInitializer: {} as tf.Initializer }), /^dense: kernelInitializer \{\} is not an initializer/],
        [() => tf.sequential({ layers: 5 as unknown as tf.Layer[] }), /^sequential: layers must be an array of layers, got 5$/],
        [() => tf.sequential().add({ forward() {} } as unknown as tf.Layer), /^add: layer must be a layer from tf\.layers \(or a model\), got \{ forward \}$/],
        [() => tf.sequential().add(tf.sequential() as unknown as tf.Layer), /^add: layer is a model with no layers$/],
        [() => model.predict(x, 5 as unknown as {}), /^predict: args must be an object, got 5$/],
        [() => model.summary(1e9), /^summary: lineLength must be an integer in \[20, 1000\], got 1000000000$/],
        [() => model.summary(-5), /^summary: lineLength must be an integer in \[20, 1000\], got -5$/],
        [() => model.summary(65, [0.5, 0.2, 0.7, 1]), /^summary: positions must be four increasing numbers/],
        [() => model.summary(65, [0.45, 0.85, 1]), /^summary: positions must be four increasing numbers/],
        [() => tf.schedules.exponentialDecay(undefined as unknown as { initialLearningRate: number; decaySteps: number; decayRate: number }), /^exponentialDecay: expected \{ initialLearningRate, decaySteps, decayRate, staircase\? \}$/],
        [() => tf.schedules.exponentialDecay({ initialLearningRate: 0.1 } as { initialLearningRate: number; decaySteps: number; decayRate: number }), /^exponentialDecay: decaySteps is required/],
        [() => tf.initializers.randomNormal({ stddev: Number.NaN }), /^randomNormal: stddev must be a finite number, got NaN$/],
        [() => tf.initializers.varianceScaling({ scale: -1 }), /^varianceScaling: scale must be >= 0, got -1$/],
        [() => tf.initializers.varianceScaling({ mode: 'x' as 'fanIn' }), /^varianceScaling: mode must be one of "fanIn", "fanOut", "fanAvg", got "x"$/],
        [() => tf.matMul(x, column, 'yes' as unknown as boolean), /^matMul: transposeA must be true or false, got "yes"$/],
        [() => tf.setSeed(Symbol('s') as unknown as number), /^setSeed: seed must be an integer, got Symbol\(s\)$/],
      ];
      for (const [call, message] of cases) expect(call).toThrow(message);
      await expect(model.fit(x, y, { callbacks: { onEpochEnd: 5 } } as unknown as tf.ModelFitArgs)).rejects.toThrow(/^fit: callbacks\.onEpochEnd must be a function, got 5$/);
      await expect(tf.ready({ build: 'x' } as unknown as { build: 'simd' })).rejects.toThrow(/^ready: options\.build must be one of "simd", "relaxed", got "x"$/);
      expect(tf.getBackend()).toBe(backend);
      tf.dispose([x, y, column]);
      model.dispose();
    });

    it('a learning rate or clipNorm set after construction is checked when set, and a schedule when used', async () => {
      const optimizer = tf.train.sgd(0.1);
      expect(() => (optimizer.learningRate = -1)).toThrow(/^sgd: learningRate must be >= 0, got -1$/);
      expect(() => (optimizer.clipNorm = Number.NaN)).toThrow(/^sgd: clipNorm must be a finite number, got NaN$/);
      expect(() => (optimizer.clipNorm = 0)).toThrow(/^sgd: clipNorm must be > 0/);
      expect(optimizer.learningRate).toBe(0.1);
      expect(optimizer.clipNorm).toBe(null);
      const model = smallModel(1, 'linear');
      model.compile({ optimizer, loss: 'meanSquaredError' });
      const x = tf.tensor2d([[1, 2]]);
      const y = tf.tensor2d([[1]]);
      const before = weightsOf(model);
      optimizer.learningRate = () => -1;
      await expect(model.fit(x, y, { verbose: 0 })).rejects.toThrow(/^sgd: learningRate \(the schedule's value at step 0\) must be >= 0, got -1$/);
      expect(weightsOf(model)).toEqual(before);
      tf.dispose([x, y]);
      model.dispose();
    });

    it('compile before add resolves accuracy for the output width: a 1-unit mse model gets binary accuracy', async () => {
      const model = tf.sequential();
      model.compile({ optimizer: 'sgd', loss: 'meanSquaredError', metrics: ['accuracy'] });
      model.add(tf.layers.dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' }));
      const x = tf.tensor2d([[1], [2]]);
      const y = tf.tensor2d([[1], [0]]);
      // Zero weights predict 0: binary accuracy (threshold 0.5) is right for the second sample only.
      const [loss, acc] = model.evaluate(x, y) as tf.Tensor[];
      expect(acc.dataSync()[0]).toBe(0.5);
      tf.dispose([x, y, loss, acc]);
      model.dispose();
    });
  });
});

describe('a collected tensor frees its bytes in the same step that uncounts it', () => {
  it('memory() never sees the count and the bytes disagree', async () => {
    const gc = (globalThis as { gc?: () => void }).gc!;
    await tf.ready();
    // Let earlier tests' garbage go first: their blocks (optimizer state, ...) free by finalization too.
    for (let i = 0; i < 3; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const start = tf.memory();
    (() => {
      for (let i = 0; i < 50; i++) tf.zeros([100]);
    })();
    for (let i = 0; i < 50 && tf.memory().numTensors > start.numTensors; i++) {
      gc();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const m = tf.memory();
      expect(m.numBytes - start.numBytes).toBe((m.numTensors - start.numTensors) * 400);
    }
    expect(tf.memory()).toEqual(start);
  });
});

describe('the progress bar is unaffected', () => {
  it('verbose 2 prints one plain line per epoch', async () => {
    const model = smallModel(1, 'linear');
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const x = tf.tensor2d([[1, 2]]);
    const y = tf.tensor2d([[1]]);
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    await model.fit(x, y, { epochs: 2, verbose: 2 });
    const lines = write.mock.calls.map((c) => String(c[0]));
    write.mockRestore();
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^Epoch 1\/2 - 1\/1 \d+s .* - loss: \d/);
    tf.dispose([x, y]);
    model.dispose();
  });
});
