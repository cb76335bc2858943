// Saving and loading in the TF.js Layers format on both backends: file:// round trips, models moving both
// ways between neurite and TF.js 4.22 (the oracle), Keras-style topologies, the fetch path with a stubbed
// fetch, and every kind of bad file refused with a message that says what is wrong and nothing leaked.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tfjs from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import type { ModelArtifacts, SaveResult } from '../src/io/index.js';
import { expectClose, onBackend, randomData } from './support.js';

const X = randomData(5 * 6, 7, -2, 2);
const x6 = () => tf.tensor2d(X, [5, 6]);

function predictValues(model: tf.LayersModel): Float32Array {
  const x = x6();
  const y = model.predict(x) as tf.Tensor;
  const values = y.dataSync() as Float32Array;
  tf.dispose([x, y]);
  return values;
}

async function tfjsPredict(model: tfjs.LayersModel): Promise<Float32Array> {
  const x = tfjs.tensor2d(X, [5, 6]);
  const y = model.predict(x) as tfjs.Tensor;
  const values = (await y.data()) as Float32Array;
  tfjs.dispose([x, y]);
  return values;
}

function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

/** A neurite model with every layer kind, set-up options that must survive the trip, and seeded weights. */
function neuriteModel(): tf.Sequential {
  return tf.sequential({
    name: 'io_model',
    layers: [
      tf.layers.dense({ units: 5, inputShape: [6], activation: 'relu', kernelInitializer: tf.initializers.heNormal({ seed: 1 }), kernelRegularizer: tf.regularizers.l1l2({ l1: 0.001, l2: 0.01 }), name: 'hidden' }),
      tf.layers.dropout({ rate: 0.25, name: 'drop' }),
      tf.layers.activation({ activation: 'tanh', name: 'act' }),
      tf.layers.leakyReLU({ alpha: 0.2, name: 'leaky' }),
      tf.layers.dense({ units: 4, activation: 'elu', biasInitializer: tf.initializers.randomNormal({ mean: 0.1, stddev: 0.5, seed: 2 }), name: 'mid' }),
      tf.layers.dense({ units: 3, activation: 'softmax', useBias: false, kernelInitializer: tf.initializers.glorotNormal({ seed: 3 }), name: 'out' }),
    ],
  });
}

/** Saves with io.withSaveHandler and returns what the handler received. */
async function artifactsOf(model: tf.LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

async function tfjsArtifactsOf(model: tfjs.LayersModel): Promise<ModelArtifacts> {
  let saved: ModelArtifacts | undefined;
  await model.save(
    tfjs.io.withSaveHandler(async (artifacts) => {
      saved = artifacts as ModelArtifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** A handwritten dense model.json in the Keras/TF.js format: 3 -> 2 (relu) -> 1, weights [k1, b1, k2, b2]. */
function kerasStyle(): { topology: Record<string, unknown>; specs: Array<{ name: string; shape: number[]; dtype: string }>; values: number[][] } {
  const dense = (name: string, units: number, activation: string, extra: Record<string, unknown> = {}) => ({
    class_name: 'Dense',
    config: {
      name,
      trainable: true,
      dtype: 'float32',
      units,
      activation,
      use_bias: true,
      kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } },
      bias_initializer: { class_name: 'Zeros', config: {} },
      kernel_regularizer: null,
      bias_regularizer: null,
      activity_regularizer: null,
      kernel_constraint: null,
      bias_constraint: null,
      ...extra,
    },
  });
  return {
    topology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'keras_seq',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, 3], dtype: 'float32', sparse: false, ragged: false, name: 'dense_input' } },
            dense('dense', 2, 'relu'),
            dense('dense_1', 1, 'linear'),
          ],
        },
      },
      training_config: { loss: 'mse', optimizer_config: { class_name: 'Adam', config: {} } },
    },
    specs: [
      { name: 'dense/kernel', shape: [3, 2], dtype: 'float32' },
      { name: 'dense/bias', shape: [2], dtype: 'float32' },
      { name: 'dense_1/kernel', shape: [2, 1], dtype: 'float32' },
      { name: 'dense_1/bias', shape: [1], dtype: 'float32' },
    ],
    values: [[0.5, -1, 0.25, 2, 1, 0.5], [0.1, -0.2], [1.5, -0.5], [0.3]],
  };
}

/** y of the Keras-style model for x = [1, 2, 3], by hand: relu([4 + 0.1, 4.5 - 0.2]) · [1.5, -0.5] + 0.3. */
const KERAS_STYLE_Y = 4.1 * 1.5 + 4.3 * -0.5 + 0.3;

function f32Buffer(values: number[][]): ArrayBuffer {
  return new Float32Array(values.flat()).buffer;
}

/** A fetch stub serving files from memory; records the URLs asked for. */
function stubFetch(files: Record<string, string | ArrayBuffer>): { fetch: typeof fetch; urls: string[] } {
  const urls: string[] = [];
  const fetchStub = (async (input: string | URL | Request) => {
    const url = String(input);
    urls.push(url);
    const body = files[url];
    if (body === undefined) return new Response('not found', { status: 404, statusText: 'Not Found' });
    return new Response(body, { status: 200 });
  }) as typeof fetch;
  return { fetch: fetchStub, urls };
}

let tmpRoot = '';
beforeAll(async () => {
  tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'neurite-io-'));
  await tfjs.setBackend('cpu');
});
afterAll(() => {
  fs.rmSync(tmpRoot, { recursive: true, force: true });
});

describe.each(['wasm', 'js'] as const)('saving and loading on %s', (backend) => {
  const dir = (name: string) => path.join(tmpRoot, backend, name);

  onBackend(backend);

  it('models saved to .json files side by side in one folder each load with their own weights', async () => {
    const [a, b] = [neuriteModel(), neuriteModel()];
    const doubled = b.getWeights().map((w) => tf.mul(w, 2));
    b.setWeights(doubled);
    tf.dispose(doubled);
    await a.save(`file://${dir('side')}/a.json`);
    await b.save(`file://${dir('side')}/b.json`);
    expect(fs.readdirSync(dir('side')).sort()).toEqual(['a.json', 'a.weights.bin', 'b.json', 'b.weights.bin']);
    for (const [name, model] of [['a', a], ['b', b]] as const) {
      const loaded = await tf.loadLayersModel(`file://${dir('side')}/${name}.json`);
      expect(weightValues(loaded), name).toEqual(weightValues(model));
      loaded.dispose();
    }
    a.dispose();
    b.dispose();
  });

  it('round-trips through file:// with identical predictions, weights and config', async () => {
    const model = neuriteModel();
    const result = await model.save(`file://${dir('round')}`);
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('JSON');
    expect(result.modelArtifactsInfo.dateSaved).toBeInstanceOf(Date);
    expect(result.modelArtifactsInfo.weightDataBytes).toBe(4 * model.countParams());
    expect(result.modelArtifactsInfo.modelTopologyBytes).toBeGreaterThan(100);
    expect(result.modelArtifactsInfo.weightSpecsBytes).toBeGreaterThan(10);

    const json = JSON.parse(fs.readFileSync(path.join(dir('round'), 'model.json'), 'utf8'));
    expect(fs.statSync(path.join(dir('round'), 'weights.bin')).size).toBe(4 * model.countParams());
    expect(json.format).toBe('layers-model');
    expect(json.convertedBy).toBeNull();
    expect(json.generatedBy).toBe(`neurite v${tf.version}`);
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(json.weightsManifest).toEqual([
      {
        paths: ['weights.bin'],
        weights: [
          { name: 'hidden/kernel', shape: [6, 5], dtype: 'float32' },
          { name: 'hidden/bias', shape: [5], dtype: 'float32' },
          { name: 'mid/kernel', shape: [5, 4], dtype: 'float32' },
          { name: 'mid/bias', shape: [4], dtype: 'float32' },
          { name: 'out/kernel', shape: [4, 3], dtype: 'float32' },
        ],
      },
    ]);

    // Both spellings of the location load the same model.
    for (const url of [`file://${dir('round')}/model.json`, `file://${dir('round')}`]) {
      const loaded = await tf.loadLayersModel(url);
      expect(loaded.name).toBe('io_model');
      expect(predictValues(loaded)).toEqual(predictValues(model));
      expect(weightValues(loaded)).toEqual(weightValues(model));
      expect(loaded.layers.map((l) => [l.className, l.name])).toEqual(model.layers.map((l) => [l.className, l.name]));
      expect(loaded.layers.map((l) => l.getConfig())).toEqual(model.layers.map((l) => l.getConfig()));
      const hidden = loaded.layers[0] as tf.Dense;
      expect([hidden.units, hidden.activation.name, hidden.kernelInitializer.className, hidden.kernelInitializer.getConfig()]).toEqual([5, 'relu', 'VarianceScaling', { scale: 2, mode: 'fanIn', distribution: 'normal', seed: 1 }]);
      expect(hidden.kernelRegularizer?.getConfig()).toEqual({ l1: 0.001, l2: 0.01 });
      expect((loaded.layers[1] as tf.Dropout).rate).toBe(0.25);
      expect((loaded.layers[3] as tf.LeakyReLU).alpha).toBeCloseTo(0.2, 7);
      expect((loaded.layers[5] as tf.Dense).useBias).toBe(false);
      loaded.dispose();
    }
    model.dispose();
  });

  it('a loaded model trains like the original (same seed, same steps, same weights)', async () => {
    const model = neuriteModel();
    await model.save(`file://${dir('train')}`);
    const loaded = await tf.loadLayersModel(`file://${dir('train')}`);
    const x = x6();
    const labels = tf.tensor1d([0, 1, 2, 0, 1], 'int32');
    const y = tf.oneHot(labels, 3);
    for (const m of [model, loaded]) {
      m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
      tf.setSeed(5);
      await m.fit(x, y, { epochs: 2, batchSize: 2, verbose: 0 });
    }
    expect(weightValues(loaded)).toEqual(weightValues(model));
    tf.dispose([x, y, labels]);
    model.dispose();
    loaded.dispose();
  });

  it('a layer named d beside one named blk/d takes its own weights, from neurite and from TF.js', async () => {
    const stack = (lib: typeof tf) => lib.sequential({ layers: [lib.layers.dense({ units: 3, inputShape: [4], name: 'blk/d' }), lib.layers.dense({ units: 2, name: 'd' })] });
    const model = stack(tf);
    const theirs = stack(tfjs as never) as unknown as tfjs.LayersModel;
    theirs.setWeights(model.getWeights().map((w) => tfjs.tensor(w.dataSync(), w.shape)));
    for (const artifacts of [await artifactsOf(model), await tfjsArtifactsOf(theirs)]) {
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      expect(weightValues(loaded)).toEqual(weightValues(model));
      loaded.dispose();
    }
    model.dispose();
    theirs.dispose();
  });

  it('a model with an input no output reads saves a file that neurite and TF.js load, with both inputs', async () => {
    const unused = tf.input({ shape: [4], name: 'unused' });
    const used = tf.input({ shape: [4], name: 'used' });
    const model = tf.model({ inputs: [unused, used], outputs: tf.layers.dense({ units: 2, name: 'out' }).apply(used) as tf.SymbolicTensor });
    const artifacts = await artifactsOf(model);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(loaded.inputNames).toEqual(['unused', 'used']);
    const x = tf.tensor2d(randomData(12, 3), [3, 4]);
    const [ours, again] = [model.predict([x, x]) as tf.Tensor, loaded.predict([x, x]) as tf.Tensor];
    expect(again.dataSync()).toEqual(ours.dataSync());
    const theirs = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts));
    expect(theirs.inputNames).toEqual(['unused', 'used']);
    theirs.dispose();
    tf.dispose([x, ours, again]);
    loaded.dispose();
    model.dispose();
  });

  it('loading does not draw from the seeded PRNG', async () => {
    const model = neuriteModel();
    const artifacts = await artifactsOf(model);
    const fresh = () => tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] })] });
    tf.setSeed(9);
    const a = fresh();
    const wa = weightValues(a);
    tf.setSeed(9);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    const b = fresh();
    expect(weightValues(b)).toEqual(wa);
    for (const m of [model, a, b, loaded]) m.dispose();
  });

  it('saves what TF.js 4.22 writes, and TF.js loads it with the same predictions', async () => {
    const model = neuriteModel();
    const artifacts = await artifactsOf(model);
    expect(artifacts.format).toBe('layers-model');
    expect(artifacts.weightData).toBeInstanceOf(ArrayBuffer);
    const theirs = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts));
    expectClose(await tfjsPredict(theirs), predictValues(model), { atol: 1e-5, rtol: 0 });
    // TF.js writes back exactly the topology neurite wrote: same keys, order, initializer spelling.
    const resaved = await tfjsArtifactsOf(theirs);
    expect(JSON.stringify(resaved.modelTopology)).toBe(JSON.stringify(artifacts.modelTopology));
    expect(resaved.weightSpecs).toEqual(artifacts.weightSpecs);
    theirs.dispose();
    model.dispose();
  });

  it('loads a TF.js-saved model (inputShape, regularizer, every layer kind) with the same predictions', async () => {
    const theirs = tfjs.sequential({
      layers: [
        tfjs.layers.dense({ units: 7, inputShape: [6], activation: 'relu', kernelRegularizer: tfjs.regularizers.l1l2({ l1: 0.01, l2: 0.02 }), biasInitializer: 'randomNormal' }),
        tfjs.layers.dropout({ rate: 0.3 }),
        tfjs.layers.activation({ activation: 'sigmoid' }),
        tfjs.layers.leakyReLU({ alpha: 0.15 }),
        tfjs.layers.dense({ units: 4, activation: 'selu', kernelInitializer: 'heUniform', biasInitializer: 'ones' }),
        tfjs.layers.dense({ units: 3, activation: 'softmax', useBias: false }),
      ],
    });
    const artifacts = await tfjsArtifactsOf(theirs);
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(model.name).toBe(theirs.name);
    expect(model.layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
    expectClose(predictValues(model), await tfjsPredict(theirs), { atol: 1e-5, rtol: 0 });
    expect(weightValues(model)).toEqual(await Promise.all(theirs.getWeights().map(async (w) => (await w.data()) as Float32Array)));
    const first = model.layers[0] as tf.Dense;
    expect(first.kernelRegularizer?.getConfig()).toEqual({ l1: 0.01, l2: 0.02 });
    expect(first.kernelInitializer.getConfig()).toEqual({ scale: 1, mode: 'fanAvg', distribution: 'normal', seed: null }); // TF.js's dense default: glorotNormal
    expect((model.layers[4] as tf.Dense).kernelInitializer.getConfig()).toEqual({ scale: 2, mode: 'fanIn', distribution: 'uniform', seed: null });
    // And back: neurite's save of it loads in TF.js again.
    const again = await tfjs.loadLayersModel(tfjs.io.fromMemory(await artifactsOf(model)));
    expectClose(await tfjsPredict(again), await tfjsPredict(theirs), { atol: 1e-6, rtol: 0 });
    theirs.dispose();
    again.dispose();
    model.dispose();
  });

  it('keeps the InputLayer a Sequential model starts with, through save and load both ways, as TF.js does', async () => {
    const stack = (lib: typeof tf) => lib.sequential({ layers: [lib.layers.inputLayer({ inputShape: [6], name: 'myin' }), lib.layers.dense({ units: 2, activation: 'tanh', name: 'd' })], name: 'stack' });
    const ours = stack(tf);
    const theirs = stack(tfjs as never) as unknown as tfjs.LayersModel;
    theirs.setWeights(ours.getWeights().map((w) => tfjs.tensor(w.dataSync(), w.shape)));
    const [mine, tfjsSaved] = [await artifactsOf(ours), await tfjsArtifactsOf(theirs)];
    expect(mine.modelTopology).toEqual(tfjsSaved.modelTopology);
    for (const artifacts of [mine, tfjsSaved]) {
      const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      expect(model.layers.map((l) => l.name)).toEqual(['myin', 'd']);
      expect(model.inputNames).toEqual(['myin']);
      expect(model.batchInputShape).toEqual([null, 6]);
      expect((await artifactsOf(model)).modelTopology).toEqual(tfjsSaved.modelTopology);
      expectClose(predictValues(model), await tfjsPredict(theirs), { atol: 1e-5, rtol: 0 });
      model.dispose();
    }
    const inTfjs = await tfjs.loadLayersModel(tfjs.io.fromMemory(mine));
    expect(inTfjs.layers.map((l) => l.name)).toEqual(['myin', 'd']);
    expect(inTfjs.inputs.map((t) => t.sourceLayer.name)).toEqual(['myin']);
    inTfjs.dispose();
    theirs.dispose();
    ours.dispose();
  });

  it('makes a topology without weights with new weights, as its initializers give them (TF.js does the same)', async () => {
    tf.setSeed(3);
    const model = neuriteModel();
    const { modelTopology } = await artifactsOf(model);
    const theirs = await tfjs.loadLayersModel(tfjs.io.fromMemory({ modelTopology }));
    for (const artifacts of [{ modelTopology }, modelTopology!]) {
      tf.setSeed(3);
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      expect(loaded.getWeights().map((w) => w.shape)).toEqual(theirs.getWeights().map((w) => w.shape));
      expect(loaded.weightNames).toEqual(model.weightNames);
      expect(weightValues(loaded)).toEqual(weightValues(model)); // the same initializers from the same seed
      loaded.dispose();
    }
    theirs.dispose();
    model.dispose();
  });

  it('loads a Keras-style file: model_config, InputLayer, null constraints, several weight files, weights in any order', async () => {
    const { topology, specs, values } = kerasStyle();
    const order = [3, 0, 2, 1]; // names match, so the order of the manifest does not matter
    const json = { format: 'layers-model', generatedBy: 'keras v2.15.0', convertedBy: 'TensorFlow.js Converter v4.22.0', modelTopology: topology, weightsManifest: [
      { paths: ['group1-shard1of2.bin', 'group1-shard2of2.bin'], weights: order.slice(0, 3).map((i) => specs[i]) },
      { paths: ['group2-shard1of1.bin'], weights: [specs[order[3]]] },
    ] };
    const bytes = new Uint8Array(f32Buffer(order.map((i) => values[i])));
    const d = dir('keras');
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, 'model.json'), JSON.stringify(json));
    fs.writeFileSync(path.join(d, 'group1-shard1of2.bin'), bytes.subarray(0, 10)); // a weight split across shards
    fs.writeFileSync(path.join(d, 'group1-shard2of2.bin'), bytes.subarray(10, 36));
    fs.writeFileSync(path.join(d, 'group2-shard1of1.bin'), bytes.subarray(36));
    const model = await tf.loadLayersModel(`file://${d}/model.json`);
    expect(model.name).toBe('keras_seq');
    const theirs = await tfjs.loadLayersModel(tfjs.io.fromMemory({ modelTopology: topology, weightSpecs: specs as never, weightData: f32Buffer(values) }));
    expect(model.layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name)); // the InputLayer is kept
    expect(model.inputNames).toEqual(['dense_input']);
    theirs.dispose();
    const x = tf.tensor2d([[1, 2, 3]]);
    const y = model.predict(x) as tf.Tensor;
    expect(y.dataSync()[0]).toBeCloseTo(KERAS_STYLE_Y, 5);
    expect((model.getLayer('dense') as tf.Dense).kernelInitializer.getConfig()).toEqual({ scale: 1, mode: 'fanAvg', distribution: 'uniform', seed: null });
    tf.dispose([x, y]);
    model.dispose();
  });

  it('refuses weights whose names match no layer weight, as TF.js does (no guessing by position)', async () => {
    const { topology, specs, values } = kerasStyle();
    const renamed = specs.map((s, i) => ({ ...s, name: `variable_${i}` }));
    await expect(tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs: renamed as ModelArtifacts['weightSpecs'], weightData: f32Buffer(values) }))).rejects.toThrow(
      /^loadLayersModel: the weights manifest has no weight for .*\/kernel \(it lists variable_0, variable_1, variable_2, variable_3\)$/,
    );
  });

  it('reads quantized weights (uint8 affine and float16) and ignores optimizer weights', async () => {
    const { topology, specs, values } = kerasStyle();
    const q8 = new Uint8Array([10, 0, 5, 40, 20, 15]); // kernel = q * 0.05 - 1
    const half = new Uint16Array([0x3e00, 0xb800]); // 1.5, -0.5
    const parts = [q8, new Float32Array(values[1]), half, new Float32Array(values[3]), new Float32Array([7, 7])];
    const weightData = parts.map((p) => p.buffer.slice(p.byteOffset, p.byteOffset + p.byteLength) as ArrayBuffer);
    const weightSpecs = [
      { ...specs[0], quantization: { dtype: 'uint8', scale: 0.05, min: -1 } },
      specs[1],
      { ...specs[2], quantization: { dtype: 'float16' } },
      specs[3],
      { name: 'iter', shape: [2], dtype: 'float32', group: 'optimizer' },
    ] as ModelArtifacts['weightSpecs'];
    const model = await tf.loadLayersModel(tf.io.fromMemory({ modelTopology: topology, weightSpecs, weightData }));
    const [kernel, , kernel2] = weightValues(model);
    expectClose(kernel, Array.from(q8, (q) => q * 0.05 - 1));
    expect(Array.from(kernel2)).toEqual([1.5, -0.5]);
    model.dispose();
  });

  it('loads over http(s) with a stubbed fetch, weight paths relative to model.json', async () => {
    const model = neuriteModel();
    const artifacts = await artifactsOf(model);
    const base = 'https://models.example/dense/';
    const modelJSON = { modelTopology: artifacts.modelTopology, format: 'layers-model', weightsManifest: [{ paths: ['./weights.bin'], weights: artifacts.weightSpecs }] };
    const { fetch: stub, urls } = stubFetch({ [`${base}model.json?v=2`]: JSON.stringify(modelJSON), [`${base}./weights.bin?v=2`]: artifacts.weightData as ArrayBuffer });
    const saved = globalThis.fetch;
    globalThis.fetch = stub;
    try {
      const loaded = await tf.loadLayersModel(`${base}model.json?v=2`);
      expect(urls).toEqual([`${base}model.json?v=2`, `${base}./weights.bin?v=2`]);
      expect(predictValues(loaded)).toEqual(predictValues(model));
      loaded.dispose();
      // options.fetchFunc and a relative URL, as in a browser page.
      const relative = stubFetch({ 'models/model.json': JSON.stringify(modelJSON), 'models/./weights.bin': artifacts.weightData as ArrayBuffer });
      const again = await tf.loadLayersModel('models/model.json', { fetchFunc: relative.fetch });
      expect(predictValues(again)).toEqual(predictValues(model));
      again.dispose();
      await expect(tf.loadLayersModel(`${base}missing/model.json`)).rejects.toThrow(/fetching https:\/\/models\.example\/dense\/missing\/model\.json failed with HTTP 404 Not Found/);
      const noWeights = stubFetch({ [`${base}model.json`]: JSON.stringify(modelJSON) });
      await expect(tf.loadLayersModel(`${base}model.json`, { fetchFunc: noWeights.fetch })).rejects.toThrow(/weights\.bin failed with HTTP 404/);
      const truncated = stubFetch({ [`${base}model.json`]: JSON.stringify(modelJSON), [`${base}./weights.bin`]: (artifacts.weightData as ArrayBuffer).slice(0, 40) });
      await expect(tf.loadLayersModel(`${base}model.json`, { fetchFunc: truncated.fetch })).rejects.toThrow(/weights\.bin is truncated/);
    } finally {
      globalThis.fetch = saved;
    }
    model.dispose();
  });

  it("takes TF.js's own handlers, and TF.js takes neurite's", async () => {
    const model = neuriteModel();
    let artifacts: ModelArtifacts | undefined;
    await model.save(tfjs.io.withSaveHandler(async (a) => ((artifacts = a as ModelArtifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const loaded = await tf.loadLayersModel(tfjs.io.fromMemory(artifacts!));
    expect(predictValues(loaded)).toEqual(predictValues(model));
    const theirs = await tfjs.loadLayersModel(tf.io.fromMemory(artifacts!));
    let back: ModelArtifacts | undefined;
    await theirs.save(tf.io.withSaveHandler(async (a) => ((back = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    expect(back!.weightSpecs).toEqual(artifacts!.weightSpecs);
    // The older fromMemory(modelTopology, weightSpecs, weightData) form.
    const old = await tf.loadLayersModel(tf.io.fromMemory(artifacts!.modelTopology!, artifacts!.weightSpecs, artifacts!.weightData));
    expect(predictValues(old)).toEqual(predictValues(model));
    theirs.dispose();
    for (const m of [model, loaded, old]) m.dispose();
  });

  it('returns the SaveResult of a custom handler and passes TF.js-shaped artifacts', async () => {
    const model = neuriteModel();
    const result: SaveResult = { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON', weightDataBytes: 1 } };
    const seen: ModelArtifacts[] = [];
    expect(await model.save({ save: async (a) => (seen.push(a), result) })).toBe(result);
    expect(Object.keys(seen[0])).toEqual(['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightData', 'weightSpecs']);
    model.dispose();
  });

  it('saves and loads user-defined metadata where TF.js does: in the artifacts, in model.json, both ways', async () => {
    const metadata = { labels: ['cat', 'dog'], version: 2, scale: 0.5, nested: { ok: true, none: null, deeper: [[1], { a: 'b' }] } };
    const model = neuriteModel();
    expect(model.getUserDefinedMetadata()).toBeUndefined();
    model.setUserDefinedMetadata(metadata);
    expect(model.getUserDefinedMetadata()).toBe(metadata); // as TF.js keeps it: the object itself
    const mine = await artifactsOf(model);
    const theirs = await tfjs.loadLayersModel(tfjs.io.fromMemory(mine));
    expect(theirs.getUserDefinedMetadata()).toEqual(metadata);
    const tfjsSaved = await tfjsArtifactsOf(theirs);
    expect(Object.keys(mine)).toEqual(Object.keys(tfjsSaved));
    expect(mine.userDefinedMetadata).toEqual(tfjsSaved.userDefinedMetadata);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(tfjsSaved));
    expect(loaded.getUserDefinedMetadata()).toEqual(metadata);
    await model.save(`file://${dir('metadata')}`);
    expect(JSON.parse(fs.readFileSync(path.join(dir('metadata'), 'model.json'), 'utf8')).userDefinedMetadata).toEqual(metadata);
    const fromFile = await tf.loadLayersModel(`file://${dir('metadata')}`);
    expect(fromFile.getUserDefinedMetadata()).toEqual(metadata);
    const plain = neuriteModel();
    const without = await tf.loadLayersModel(tf.io.fromMemory(await artifactsOf(plain)));
    expect(without.getUserDefinedMetadata()).toBeUndefined();
    theirs.dispose();
    for (const m of [model, loaded, fromFile, plain, without]) m.dispose();
  });

  it("refuses metadata that is not a plain JSON object as TF.js does, and warns past 1 MiB when saving, with TF.js's warning", async () => {
    const model = neuriteModel();
    const theirs = await tfjs.loadLayersModel(tfjs.io.fromMemory(await artifactsOf(model)));
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const bad of [[1], 'text', null, undefined, 3, new Date(0), { when: new Date(0) }, { f: () => 1 }, { list: [undefined] }, { n: 1n }, new (class Meta {})(), Object.create(null)]) {
      expect(() => model.setUserDefinedMetadata(bad as never)).toThrow(/^setUserDefinedMetadata: user-defined metadata must be a plain JSON object/);
      expect(() => theirs.setUserDefinedMetadata(bad as never)).toThrow(/User-defined metadata is expected to be a JSON object/);
    }
    expect(() => model.setUserDefinedMetadata(cyclic)).toThrow(/at most 1000 deep\), got \{ self \}/);
    expect(model.getUserDefinedMetadata()).toBeUndefined();

    const large = { text: 'x'.repeat(2 ** 20) };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      model.setUserDefinedMetadata(large);
      theirs.setUserDefinedMetadata(large);
      expect(warn).not.toHaveBeenCalled(); // setting does not warn, saving does
      await artifactsOf(model);
      await tfjsArtifactsOf(theirs);
      expect(warn).toHaveBeenCalledTimes(2);
      expect(warn.mock.calls[0]).toEqual(warn.mock.calls[1]);
      expect(warn.mock.calls[0][0]).toMatch(/^User-defined metadata of model "io_model" is too large in size \(length=1048587 when serialized\)/);
      warn.mockClear();
      model.setUserDefinedMetadata({ text: 'x'.repeat(2 ** 20 - 11) }); // 2 ** 20 characters of JSON: no warning
      await artifactsOf(model);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
    theirs.dispose();
    model.dispose();
  });

  describe('refuses bad files with a message, creating nothing', () => {
    let good: ModelArtifacts;
    let spare: tf.Sequential;
    beforeAll(async () => {
      spare = neuriteModel();
      good = await artifactsOf(spare);
    });
    afterAll(() => spare.dispose());

    /** The good artifacts with a change applied to a copy. */
    const broken = (change: (a: { modelTopology: any; weightSpecs: any[]; weightData: ArrayBuffer }) => void): ModelArtifacts => {
      const a = { modelTopology: clone(good.modelTopology), weightSpecs: clone(good.weightSpecs)!, weightData: (good.weightData as ArrayBuffer).slice(0), format: 'layers-model' };
      change(a);
      return a;
    };
    const layer = (a: { modelTopology: any }, i: number) => a.modelTopology.config.layers[i].config;

    const cases: Array<[string, () => ModelArtifacts, RegExp]> = [
      ['weight data shorter than the manifest', () => broken((a) => (a.weightData = a.weightData.slice(0, a.weightData.byteLength - 4))), /the weight data is truncated: the weights manifest describes 284 bytes \(5 weights\), but the weight data holds 280/],
      ['weight data longer than the manifest', () => broken((a) => (a.weightData = new ArrayBuffer(a.weightData.byteLength + 8))), /the weight data is longer than the weights manifest says: it holds 292 bytes, the manifest describes 284/],
      ['no modelTopology', () => broken((a) => delete a.modelTopology), /the model has no modelTopology/],
      ['weight specs without weight data', () => ({ modelTopology: clone(good.modelTopology), weightSpecs: clone(good.weightSpecs) }), /the weight data is truncated: the weights manifest describes 284 bytes \(5 weights\), but the weight data holds 0/],
      ['weight data without weight specs', () => ({ modelTopology: clone(good.modelTopology), weightData: good.weightData }), /the model has no weight specs/],
      ['user-defined metadata that is not a JSON object', () => ({ ...broken(() => {}), userDefinedMetadata: [1, 2] as never }), /loadLayersModel: user-defined metadata must be a plain JSON object .*, got \[1,2\]/],
      ['a weight shape that does not fit its layer', () => broken((a) => ((a.weightSpecs[0].shape = [5, 6]), (a.weightSpecs[0].name = 'hidden/kernel'))), /weight hidden\/kernel has shape \[5, 6\], but layer "hidden" needs kernel of shape \[6, 5\]/],
      ['units that disagree with the weights', () => broken((a) => (layer(a, 0).units = 4)), /weight hidden\/kernel has shape \[6, 5\], but layer "hidden" needs kernel of shape \[6, 4\]/],
      ['an unknown layer class', () => broken((a) => (a.modelTopology.config.layers[1].class_name = 'ConvLSTM2D')), /layer 1 \("drop"\) is a ConvLSTM2D, which neurite does not support \(a custom layer must be registered with tf.serialization.registerClass\); supported layers: Dense, Dropout, .* \(\d+ in all\)/],
      ['an unknown activation', () => broken((a) => (layer(a, 0).activation = 'hard_swish')), /layer "hidden" \(Dense\): dense: activation must be one of .*; got "hardSwish"/],
      ['an unsupported weight dtype', () => broken((a) => (a.weightSpecs[1].dtype = 'string')), /weight hidden\/bias has unsupported dtype "string"/],
      ['int32 weights', () => broken((a) => (a.weightSpecs[1].dtype = 'int32')), /weight hidden\/bias has dtype "int32"; neurite loads float32 weights/],
      ['a float16 layer dtype', () => broken((a) => (layer(a, 0).dtype = 'float16')), /layer "hidden" has dtype "float16"; neurite computes in float32 only/],
      ['an unknown constraint', () => broken((a) => (layer(a, 0).kernel_constraint = { class_name: 'Frobnicate', config: { max_value: 2 } })), /layer "hidden" \(Dense\): dense: kernelConstraint: unsupported constraint "Frobnicate"/],
      ['an unknown model class', () => broken((a) => (a.modelTopology.class_name = 'Graph')), /modelTopology has class_name "Graph"; neurite loads Sequential and functional \(Model\) models/],
      ['a functional model without its outputs', () => broken((a) => (a.modelTopology.class_name = 'Functional')), /a functional model's config must list its input_layers, got undefined/],
      ['a graph model', () => broken((a) => ((a as ModelArtifacts).format = 'graph-model')), /format is "graph-model"; neurite loads 'layers-model'/],
      ['a missing weight', () => broken((a) => a.weightSpecs.splice(4, 1) && (a.weightData = a.weightData.slice(0, 284 - 48))), /the weights manifest has no weight for .*\/bias/],
      ['a weight no layer uses', () => broken((a) => a.weightSpecs.push({ name: 'extra/kernel', shape: [1], dtype: 'float32' }) && (a.weightData = new ArrayBuffer(288))), /the weights manifest has weights no layer uses: extra\/kernel/],
      ['NaN in the weights', () => broken((a) => (new Float32Array(a.weightData)[3] = NaN)), /weight hidden\/kernel holds NaN at index 3; the weight data is corrupted/],
      ['a malformed weight spec', () => broken((a) => (a.weightSpecs[2].shape = [5, -4])), /weight spec 2 must be \{ name, shape: non-negative integers, dtype \}/],
      ['an unknown initializer', () => broken((a) => (layer(a, 0).kernel_initializer = { class_name: 'Frobnicate', config: { gain: 1 } })), /layer "hidden": kernel_initializer: unsupported initializer "Frobnicate"/],
      ['an unknown regularizer', () => broken((a) => (layer(a, 0).kernel_regularizer = { class_name: 'OrthogonalRegularizer', config: {} })), /kernel_regularizer: unsupported regularizer "OrthogonalRegularizer"; expected L1L2, L1 or L2/],
      ['no input shape anywhere', () => broken((a) => (delete layer(a, 0).batch_input_shape, a.modelTopology.config.layers.unshift({ class_name: 'Dropout', config: { rate: 0.1, name: 'first' } }))), /the topology does not give the input shape/],
      ['an input shape the weights do not fit', () => broken((a) => (layer(a, 0).batch_input_shape = [null, 2, 3])), /weight hidden\/kernel has shape \[6, 5\], but layer "hidden" needs kernel of shape \[3, 5\]/],
      ['a malformed input shape', () => broken((a) => (layer(a, 0).batch_input_shape = [null, 0])), /layer "hidden" has input shape \[null,0\]; expected \[batch or null, \.\.\.positive sizes or null\]/],
    ];

    it.each(cases)('%s', async (_name, make, message) => {
      const artifacts = make();
      const memory = tf.memory();
      await expect(tf.loadLayersModel(tf.io.fromMemory(artifacts))).rejects.toThrow(message);
      expect(tf.memory()).toEqual(memory);
    });

    it('files: truncated or padded weights.bin, malformed or incomplete model.json, missing files', async () => {
      const d = dir('bad');
      await spare.save(`file://${d}`);
      const json = fs.readFileSync(path.join(d, 'model.json'), 'utf8');
      const weights = fs.readFileSync(path.join(d, 'weights.bin'));
      const memory = tf.memory();
      const load = () => tf.loadLayersModel(`file://${d}/model.json`);

      fs.writeFileSync(path.join(d, 'weights.bin'), weights.subarray(0, 100));
      await expect(load()).rejects.toThrow(/loadLayersModel: weights\.bin is truncated: the weights manifest describes 284 bytes \(5 weights\), but weights\.bin holds 100/);
      fs.writeFileSync(path.join(d, 'weights.bin'), Buffer.concat([weights, Buffer.alloc(4)]));
      await expect(load()).rejects.toThrow(/weights\.bin is longer than the weights manifest says: it holds 288 bytes/);
      fs.writeFileSync(path.join(d, 'weights.bin'), weights);

      fs.writeFileSync(path.join(d, 'model.json'), json.slice(0, json.length >> 1));
      await expect(load()).rejects.toThrow(/model\.json is not valid JSON \(.*\); truncated or corrupted\?/);
      const parsed = JSON.parse(json);
      fs.writeFileSync(path.join(d, 'model.json'), JSON.stringify({ ...parsed, weightsManifest: undefined }));
      await expect(load()).rejects.toThrow(/model\.json has no weightsManifest/);
      fs.writeFileSync(path.join(d, 'model.json'), JSON.stringify({ ...parsed, modelTopology: undefined }));
      await expect(load()).rejects.toThrow(/model\.json has no modelTopology/);
      fs.writeFileSync(path.join(d, 'model.json'), json);

      fs.rmSync(path.join(d, 'weights.bin'));
      await expect(load()).rejects.toThrow(/cannot read .*weights\.bin: no such file/);
      await expect(tf.loadLayersModel(`file://${dir('nowhere')}`)).rejects.toThrow(/cannot read .*nowhere: no such file/);
      expect(tf.memory()).toEqual(memory);
    });

    it('bad URLs and handlers', async () => {
      const memory = tf.memory();
      await expect(tf.loadLayersModel('ftp://host/model.json')).rejects.toThrow(/unknown URL scheme "ftp:\/\/"; supported: file:\/\/, http:\/\/, https:\/\/, localstorage:\/\/, indexeddb:\/\//);
      await expect(spare.save('s3://bucket/model')).rejects.toThrow(/save: unknown URL scheme "s3:\/\/"; supported: file:\/\/, localstorage:\/\/, indexeddb:\/\/, downloads:\/\//);
      await expect(spare.save('https://host/model')).rejects.toThrow(/save: cannot save to "https:\/\/host\/model"/);
      await expect(tf.loadLayersModel('downloads://model')).rejects.toThrow(/downloads:\/\/ can only save/);
      await expect(spare.save('localstorage://x')).rejects.toThrow(/localstorage:\/\/ needs a browser with window\.localStorage/);
      await expect(tf.loadLayersModel('indexeddb://x')).rejects.toThrow(/indexeddb:\/\/ needs a browser with IndexedDB/);
      await expect(spare.save('localstorage://')).rejects.toThrow(/localstorage:\/\/ needs a model name/);
      await expect(spare.save(42 as never)).rejects.toThrow(/save: expected a URL .* or an IOHandler with a save method, got 42/);
      await expect(tf.loadLayersModel({ save: async () => ({}) } as never)).rejects.toThrow(/IOHandler with a load method/);
      await expect(tf.loadLayersModel({ load: async () => null } as never)).rejects.toThrow(/the load handler returned null instead of model artifacts/);
      const unbuilt = tf.sequential({ layers: [tf.layers.dense({ units: 2 })] });
      await expect(unbuilt.save(tf.io.withSaveHandler(async () => ({}) as SaveResult))).rejects.toThrow(/save: the input shape is unknown/);
      expect(() => tf.io.withSaveHandler('nope' as never)).toThrow(/saveHandler must be a function/);
      expect(tf.memory()).toEqual(memory);
    });
  });
});
