// model.fitDataset and model.evaluateDataset over tf.data pipelines: the same training as fit on the same
// batches, epochs of batchesPerEpoch batches walking on through one pass, validation from a dataset or from
// tensors, each batch's tensors freed, and bad elements refused by position before any weight changes.

import { describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import { reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

const ROWS = 48;
const xv = randomData(ROWS * 3, 41, -1, 1);
const labels = Array.from({ length: ROWS }, (_, i) => (xv[i * 3] + xv[i * 3 + 1] > 0 ? 1 : 0));

function model(lib: typeof tf = tf): tf.Sequential {
  if (lib === tf) tf.setSeed(9);
  const m = lib.sequential({ layers: [lib.layers.dense({ units: 8, activation: 'relu', inputShape: [3] }), lib.layers.dense({ units: 2, activation: 'softmax' })] });
  m.compile({ optimizer: lib.train.adam(0.05), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  return m;
}

/** The rows as a dataset of { xs, ys } batches, in order. */
const dataset = (batch: number) =>
  tf.data.zip({ xs: tf.data.array(Array.from({ length: ROWS }, (_, i) => Array.from(xv.slice(i * 3, i * 3 + 3)))), ys: tf.data.array(labels) }).batch(batch) as tf.data.Dataset<tf.TensorContainer>;

for (const backend of ['wasm', 'js'] as const) {
  describe(`fitDataset on ${backend}`, () => {
    onBackend(backend);

    it('trains as fit does on the same batches in the same order (same weights, same history)', async () => {
      const a = model();
      const x = tf.tensor(xv, [ROWS, 3]);
      const y = tf.tensor1d(labels, 'int32');
      const fitted = await a.fit(x, y, { epochs: 3, batchSize: 16, shuffle: false, verbose: 0 });
      const b = model();
      const streamed = await b.fitDataset(dataset(16), { epochs: 3, verbose: 0 });
      expect(Object.keys(streamed.history)).toEqual(['loss', 'acc']);
      expectClose(streamed.history.loss, fitted.history.loss, { atol: 1e-6, rtol: 1e-5 }, 'loss per epoch');
      const [wa, wb] = [a.getWeights(), b.getWeights()];
      wa.forEach((w, i) => expectClose(wb[i].dataSync(), w.dataSync(), { atol: 1e-6, rtol: 1e-5 }, `weight ${i}`));
      tf.dispose([x, y]);
      a.dispose();
      b.dispose();
    });

    it('batchesPerEpoch walks on through one pass, and the pass running out ends training; validation from a dataset or tensors', async () => {
      const m = model();
      const epochs: number[] = [];
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const history = await m.fitDataset(dataset(8), { epochs: 10, batchesPerEpoch: 2, validationData: dataset(24), verbose: 0, callbacks: { onEpochEnd: async (e) => void epochs.push(e) } });
      // 48 rows in batches of 8 are 6 batches: three epochs of two, then the pass is spent.
      expect(epochs).toEqual([0, 1, 2]);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^fitDataset: the dataset ran out after 6 batches, in epoch 4 of 10; training ends here/));
      warn.mockRestore();
      expect(Object.keys(history.history)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
      const x = tf.tensor(xv, [ROWS, 3]);
      const y = tf.tensor1d(labels, 'int32');
      const withTensors = await m.fitDataset(dataset(16), { epochs: 1, validationData: [x, y], verbose: 0 });
      const evaluated = m.evaluate(x, y) as tf.Tensor[];
      const fromDataset = (await m.evaluateDataset(dataset(10))) as tf.Tensor[];
      expectClose(fromDataset.map((t) => t.dataSync()[0]), evaluated.map((t) => t.dataSync()[0]), { atol: 1e-6, rtol: 1e-5 }, 'evaluateDataset = evaluate');
      expect(withTensors.history.val_loss).toHaveLength(1);
      tf.dispose([x, y, ...evaluated, ...fromDataset]);
      m.dispose();
    });

    it('a generator\'s returned batch (done: true) is trained on and evaluated, as TF.js does; with batchesPerEpoch it ends the pass', async () => {
      const ref = await reference();
      // Two yielded batches of 8 rows and a returned third, the same in both libraries.
      const batches = (lib: typeof tf) =>
        lib.data.generator(function* () {
          for (let b = 0; b < 2; b++) yield { xs: lib.tensor(xv.slice(b * 24, b * 24 + 24), [8, 3]), ys: lib.tensor(labels.slice(b * 8, b * 8 + 8), [8]) };
          return { xs: lib.tensor(xv.slice(48, 72), [8, 3]), ys: lib.tensor(labels.slice(16, 24), [8]) };
        }) as tf.data.Dataset<tf.TensorContainer>;
      const sizes = async (lib: typeof tf, m: tf.LayersModel, args: object) => {
        const seen: number[] = [];
        await m.fitDataset(batches(lib), { epochs: 1, verbose: 0, callbacks: { onBatchEnd: async (_, logs) => void seen.push(logs!.size) }, ...args });
        return seen;
      };
      const [ours, theirs] = [model(), model(ref as never)];
      expect(await sizes(tf, ours, {})).toEqual(await sizes(ref as never, theirs, {}));
      expect(await sizes(tf, ours, {})).toEqual([8, 8, 8]);
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
      expect(await sizes(tf, ours, { batchesPerEpoch: 3 })).toEqual([8, 8]);
      const result = (await ours.evaluateDataset(batches(tf), { batches: 5 })) as tf.Tensor[];
      expect(warn.mock.calls.map((c) => String(c[0]))).toEqual([
        expect.stringMatching(/^fitDataset: the dataset ran out after 2 batches, in epoch 1 of 1/),
        expect.stringMatching(/^evaluateDataset: the dataset ran out after 3 of the 5 batches asked for/),
      ]);
      warn.mockRestore();
      const all = (await ours.evaluateDataset(batches(tf))) as tf.Tensor[];
      expect(result[0].dataSync()[0]).toBeCloseTo(all[0].dataSync()[0], 6);
      tf.dispose([...result, ...all]);
      ours.dispose();
      theirs.dispose();
    });

    it('refuses elements that are not { xs, ys } batches by position, and data that does not fit, leaving the weights as they were', async () => {
      const m = model();
      const before = m.getWeights().map((w) => Array.from(w.dataSync()));
      const unbatched = tf.data.zip({ xs: tf.data.array([[1, 2, 3]]), ys: tf.data.array([1]) }) as tf.data.Dataset<tf.TensorContainer>;
      await expect(m.fitDataset(unbatched, { epochs: 1, verbose: 0 })).rejects.toThrow(/^fitDataset: element 0 of the dataset must be \{ xs, ys \}, a tensor each \(or an array or map of them for several inputs or outputs; batch the dataset with \.batch\(n\)\)/);
      const rank1 = tf.data.generator(function* () {
        yield { xs: tf.tensor1d([1, 2, 3]), ys: tf.scalar(1, 'int32') };
      }) as tf.data.Dataset<tf.TensorContainer>;
      await expect(m.fitDataset(rank1, { epochs: 1, verbose: 0 })).rejects.toThrow(/^fitDataset \(element 0\): x must have shape \[samples, \.\.\.features\], got \[3\]$/);
      const wrong = tf.data.array([{ a: 1 }]) as tf.data.Dataset<tf.TensorContainer>;
      await expect(m.fitDataset(wrong, { epochs: 1, verbose: 0 })).rejects.toThrow(/^fitDataset: element 0 of the dataset must be \{ xs, ys \}, a tensor each/);
      const narrow = tf.data.zip({ xs: tf.data.array([[1, 2]]), ys: tf.data.array([1]) }).batch(1) as tf.data.Dataset<tf.TensorContainer>;
      await expect(m.fitDataset(narrow, { epochs: 1, verbose: 0 })).rejects.toThrow(/^fitDataset \(element 0\): x must have 3 features per sample, got shape \[1, 2\]$/);
      await expect(m.fitDataset(dataset(8), { epoch: 3 } as never)).rejects.toThrow(/^fitDataset: unknown option "epoch" \(did you mean "epochs"\?\)$/);
      await expect(m.fitDataset([1, 2] as never, { epochs: 1 })).rejects.toThrow(/^fitDataset: dataset must be a tf\.data Dataset, got/);
      m.getWeights().forEach((w, i) => expect(Array.from(w.dataSync())).toEqual(before[i]));
      m.dispose();
    });
  });
}
