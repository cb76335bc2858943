// What TF.js programs rely on beyond the documented basics, found porting tfjs-examples: evaluate(x, y, n),
// int32 inputs, model.predict and model.apply inside a gradient, onBatchEnd's per-batch logs, as1D ... as5D,
// instanceof tf.LayersModel. Each on both backends, against TF.js where it gives a value.

import * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

type Lib = typeof tf | typeof tfjs;

function model(lib: Lib) {
  const l = lib as typeof tf;
  const m = l.sequential({ layers: [l.layers.dense({ units: 3, activation: 'tanh', inputShape: [2], kernelInitializer: 'ones' }), l.layers.dense({ units: 1, kernelInitializer: 'ones' })] });
  m.compile({ optimizer: l.train.sgd(0.1), loss: 'meanSquaredError' });
  return m;
}

describe.each(['wasm', 'js'] as const)('TF.js programs\' habits on %s', (backend) => {
  onBackend(backend);

  it('evaluate takes a batch size as its third argument, as Keras', () => {
    const m = model(tf);
    const x = tf.tensor(randomData(20, 1), [10, 2]);
    const y = tf.tensor(randomData(10, 2), [10, 1]);
    const [a, b] = [m.evaluate(x, y, 3) as tf.Tensor, m.evaluate(x, y) as tf.Tensor];
    expect(a.dataSync()[0]).toBeCloseTo(b.dataSync()[0], 6);
    tf.dispose([x, y, a, b]);
    m.dispose();
  });

  it('int32 and bool inputs compute as float32, as TF.js: fit, predict, evaluate', async () => {
    const ref = await reference();
    const xv = [1, 0, 2, 3, 0, 1, 4, 2];
    const ours = model(tf);
    const theirs = model(ref);
    const [xi, yv] = [tf.tensor(xv, [4, 2], 'int32'), tf.tensor([1, 0, 1, 0], [4, 1])];
    await ours.fit(xi, yv, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false });
    await theirs.fit(ref.tensor(xv, [4, 2], 'int32') as never, ref.tensor([1, 0, 1, 0], [4, 1]) as never, { epochs: 2, batchSize: 4, verbose: 0, shuffle: false });
    const p = ours.predict(xi);
    expectClose(p.dataSync(), ref.tidy(() => (theirs.predict(ref.tensor(xv, [4, 2], 'int32') as never) as unknown as tfjs.Tensor).dataSync()), { atol: 1e-5, rtol: 1e-5 }, 'predict after fit');
    const flags = tf.tensor([true, false, false, true], [2, 2], 'bool');
    const pb = ours.predict(flags);
    expect(pb.shape).toEqual([2, 1]);
    tf.dispose([xi, yv, p, flags, pb]);
    ours.dispose();
    theirs.dispose();
  });

  it('model.predict and model.apply inside tf.variableGrads give the weights\' gradients (cart-pole\'s loop)', () => {
    const m = model(tf);
    const x = tf.tensor(randomData(8, 3), [4, 2]);
    for (const run of [(t: tf.Tensor) => m.predict(t), (t: tf.Tensor) => m.apply(t)]) {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(run(x))));
      expect(Object.keys(grads).sort()).toEqual(m.trainableWeights.map((w) => w.name).sort());
      // d/dbias of sum(y²) is 2·sum(y): checked on the output layer's bias.
      const y = m.predict(x);
      expect(grads[m.trainableWeights[3].name].dataSync()[0]).toBeCloseTo(2 * tf.tidy(() => tf.sum(y).dataSync()[0]), 4);
      tf.dispose([value, y, ...Object.values(grads)]);
    }
    expect(m).toBeInstanceOf(tf.LayersModel);
    x.dispose();
    m.dispose();
  });

  it('onBatchEnd gets each batch\'s own loss; the epoch\'s log is their mean weighted by rows', async () => {
    const m = model(tf);
    const x = tf.tensor(randomData(20, 5), [10, 2]);
    const y = tf.tensor(randomData(10, 6), [10, 1]);
    const batches: number[] = [];
    const h = await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0, callbacks: { onBatchEnd: async (_b, logs) => void batches.push(logs!.loss) } });
    expect(batches).toHaveLength(3);
    expect(h.history.loss[0]).toBeCloseTo((batches[0] * 4 + batches[1] * 4 + batches[2] * 2) / 10, 6);
    tf.dispose([x, y]);
    m.dispose();
  });

  it('as1D ... as5D reshape as TF.js, refusing sizes that do not hold the values', () => {
    const t = tf.range(0, 24);
    const shapes = tf.tidy(() => [t.as1D().shape, t.as2D(4, 6).shape, t.as3D(2, 3, 4).shape, t.as4D(2, 3, 2, 2).shape, t.as5D(1, 2, 3, 2, 2).shape]);
    expect(shapes).toEqual([[24], [4, 6], [2, 3, 4], [2, 3, 2, 2], [1, 2, 3, 2, 2]]);
    expect(() => t.as2D(5, 5)).toThrow(/^as2D: rows × columns = \[5, 5\] must hold the tensor's 24 values \(shape \[24\]\)$/);
    expect(() => t.as3D(2, 3, 4.5)).toThrow(/^as3D: depth must be an integer/);
    tf.dispose(t);
  });
});
