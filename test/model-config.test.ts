// A model's structure as TF.js 4.22 gives and takes it, on both backends: getConfig key by key (and key order)
// and toJSON string for string against TF.js's for the same models (Sequential, Sequential with an InputLayer,
// functional with several inputs and outputs, a shared layer, models nested both ways); fromConfig and
// tf.models.modelFromJSON rebuilding each from neurite's description and from TF.js's, and TF.js rebuilding
// each from neurite's, with the same predictions as the original once given its weights.

import * as tfjs from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectClose, onBackend, randomData } from './support.js';

type Lib = typeof tf;

/** The same model in either library; every layer and model is named (default names count per library). */
const MODELS: Record<string, (lib: Lib) => tf.LayersModel> = {
  sequential: (lib) =>
    lib.sequential({
      name: 'seq',
      layers: [
        lib.layers.dense({ units: 4, inputShape: [3], activation: 'relu', kernelInitializer: lib.initializers.heNormal({ seed: 1 }), kernelRegularizer: lib.regularizers.l2({ l2: 0.01 }), name: 'd1' }),
        lib.layers.activation({ activation: 'tanh', name: 'act' }),
        lib.layers.dense({ units: 2, activation: 'softmax', useBias: false, name: 'd2' }),
      ],
    }),
  'sequential with an InputLayer': (lib) =>
    lib.sequential({ name: 'seq_in', layers: [lib.layers.inputLayer({ inputShape: [3], name: 'myin' }), lib.layers.dense({ units: 2, name: 'd' })] }),
  'functional, two inputs and two outputs': (lib) => {
    const a = lib.input({ shape: [3], name: 'a' });
    const b = lib.input({ shape: [2], name: 'b' });
    const joined = lib.layers.concatenate({ name: 'cat' }).apply([a, b]) as tf.SymbolicTensor;
    const o1 = lib.layers.dense({ units: 1, name: 'o1' }).apply(joined) as tf.SymbolicTensor;
    const o2 = lib.layers.dense({ units: 2, activation: 'softmax', name: 'o2' }).apply(joined) as tf.SymbolicTensor;
    return lib.model({ inputs: [a, b], outputs: [o1, o2], name: 'two_heads' });
  },
  'a layer shared by two calls': (lib) => {
    const a = lib.input({ shape: [3], name: 'a' });
    const b = lib.input({ shape: [3], name: 'b' });
    const shared = lib.layers.dense({ units: 2, activation: 'tanh', name: 'shared' });
    const sum = lib.layers.add({ name: 'sum' }).apply([shared.apply(a), shared.apply(b)] as tf.SymbolicTensor[]) as tf.SymbolicTensor;
    return lib.model({ inputs: [a, b], outputs: sum, name: 'siamese' });
  },
  'a Sequential model in a Sequential model': (lib) => {
    const inner = lib.sequential({ name: 'inner', layers: [lib.layers.dense({ units: 4, inputShape: [3], name: 'x' })] });
    return lib.sequential({ name: 'outer', layers: [inner, lib.layers.dense({ units: 1, name: 'y' })] });
  },
  'models in a functional model': (lib) => {
    const inner = lib.sequential({ name: 'inner', layers: [lib.layers.dense({ units: 4, inputShape: [3], activation: 'relu', name: 'x' })] });
    const i = lib.input({ shape: [3], name: 'i' });
    const block = lib.model({ inputs: i, outputs: lib.layers.dense({ units: 3, name: 'z' }).apply(i) as tf.SymbolicTensor, name: 'block' });
    const input = lib.input({ shape: [3], name: 'in' });
    const twice = block.apply(block.apply(input)) as tf.SymbolicTensor; // the inner model called twice
    return lib.model({ inputs: input, outputs: lib.layers.dense({ units: 1, name: 'out' }).apply(inner.apply(twice) as tf.SymbolicTensor) as tf.SymbolicTensor, name: 'nest' });
  },
};
const NAMES = Object.keys(MODELS);

const theirsOf = (name: string) => MODELS[name](tfjs as unknown as Lib) as unknown as tfjs.LayersModel;
const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** Seeded inputs for a model, 4 rows each, as [shape, values]. */
const inputData = (model: { inputs: Array<{ shape: Array<number | null> }> }) =>
  model.inputs.map((t, i) => {
    const shape = [4, ...(t.shape.slice(1) as number[])];
    return [shape, randomData(shape.reduce((n, d) => n * d, 1), 20 + i)] as const;
  });

/** A neurite model's outputs for the seeded inputs, as arrays. */
function predicted(model: tf.LayersModel): Float32Array[] {
  const xs = inputData(model).map(([shape, values]) => tf.tensor(values, shape));
  const ys = model.predict(xs.length === 1 ? xs[0] : xs);
  const out = (Array.isArray(ys) ? ys : [ys]).map((y) => y.dataSync() as Float32Array);
  tf.dispose([...xs, ys]);
  return out;
}

/** A TF.js model's outputs for the seeded inputs. */
function tfjsPredicted(model: tfjs.LayersModel): Float32Array[] {
  return tfjs.tidy(() => {
    const xs = inputData(model).map(([shape, values]) => tfjs.tensor(values, shape));
    const ys = model.predict(xs.length === 1 ? xs[0] : xs);
    return (Array.isArray(ys) ? ys : [ys]).map((y) => y.dataSync() as Float32Array);
  });
}

const modelClass = (model: tf.LayersModel) => (model instanceof tf.Sequential ? tf.Sequential : tf.LayersModel);
const tfjsClass = (model: tfjs.LayersModel) => (model instanceof tfjs.Sequential ? tfjs.Sequential : tfjs.LayersModel);

/** Checks a rebuilt model against the original: same class, layers and config; the original's weights give the same outputs. */
function expectRebuilt(rebuilt: tf.LayersModel, original: tf.LayersModel): void {
  expect(rebuilt).toBeInstanceOf(modelClass(original));
  expect(rebuilt.layers.map((l) => [l.className, l.name])).toEqual(original.layers.map((l) => [l.className, l.name]));
  expect(rebuilt.inputNames).toEqual(original.inputNames);
  expect(rebuilt.getConfig()).toEqual(original.getConfig());
  rebuilt.setWeights(original.getWeights());
  expect(predicted(rebuilt)).toEqual(predicted(original));
}

beforeAll(async () => {
  await tfjs.setBackend('cpu');
});

describe.each(['wasm', 'js'] as const)('model configs on %s', (backend) => {
  onBackend(backend);

  describe.each(NAMES)('%s', (name) => {
    it("getConfig is TF.js's, key by key and in TF.js's key order; toJSON's string is TF.js's", () => {
      const ours = MODELS[name](tf);
      const theirs = theirsOf(name);
      expect(ours.getConfig()).toEqual(theirs.getConfig());
      expect(JSON.stringify(ours.getConfig())).toBe(JSON.stringify(theirs.getConfig()));
      expect(ours.toJSON()).toBe(theirs.toJSON());
      expect(ours.toJSON(null, false)).toEqual(theirs.toJSON(null, false));
      expect(typeof ours.toJSON(undefined, true)).toBe('string');
      theirs.dispose();
      ours.dispose();
    });

    it("fromConfig rebuilds it from neurite's config and from TF.js's, and TF.js's fromConfig from neurite's", () => {
      const ours = MODELS[name](tf);
      const theirs = theirsOf(name);
      theirs.setWeights(ours.getWeights().map((w) => tfjs.tensor(w.dataSync(), w.shape)));
      const cls = modelClass(ours);
      for (const config of [ours.getConfig(), theirs.getConfig()]) {
        const rebuilt = cls.fromConfig(cls, config);
        expectRebuilt(rebuilt, ours);
        predicted(rebuilt).forEach((y, i) => expectClose(y, tfjsPredicted(theirs)[i], { atol: 1e-5, rtol: 1e-5 }));
        rebuilt.dispose();
      }
      // TF.js's Sequential.fromConfig takes the layers out of the config it is given: a copy.
      const inTfjs = tfjsClass(theirs).fromConfig(tfjsClass(theirs), clone(ours.getConfig()) as never) as tfjs.LayersModel;
      expect(inTfjs.getConfig()).toEqual(theirs.getConfig());
      inTfjs.dispose();
      theirs.dispose();
      ours.dispose();
    });

    it("toJSON's JSON is what TF.js's modelFromJSON reads, and tf.models.modelFromJSON reads TF.js's", async () => {
      const ours = MODELS[name](tf);
      const theirs = theirsOf(name);
      const inTfjs = await tfjs.models.modelFromJSON(JSON.parse(ours.toJSON() as string));
      expect(inTfjs.getConfig()).toEqual(theirs.getConfig());
      for (const json of [theirs.toJSON(null, false), { modelTopology: theirs.toJSON(null, false) }, theirs.toJSON() as string, ours.toJSON(null, false)]) {
        const rebuilt = await tf.models.modelFromJSON(json as never);
        expectRebuilt(rebuilt, ours);
        rebuilt.dispose();
      }
      for (const m of [inTfjs, theirs]) m.dispose();
      ours.dispose();
    });
  });

  it('a model made from a config gets new weights, as its initializers give them', () => {
    tf.setSeed(4);
    const model = MODELS.sequential(tf);
    tf.setSeed(4);
    const rebuilt = tf.Sequential.fromConfig(tf.Sequential, model.getConfig());
    expect(rebuilt.getWeights().map((w) => Array.from(w.dataSync()))).toEqual(model.getWeights().map((w) => Array.from(w.dataSync())));
    rebuilt.dispose();
    model.dispose();
  });

  it("reads TF.js's legacy Sequential config, a bare list of layers", () => {
    const theirs = theirsOf('sequential');
    const layers = (theirs.getConfig() as { layers: unknown[] }).layers;
    const rebuilt = tf.Sequential.fromConfig(tf.Sequential, layers as never);
    expect(rebuilt.getConfig()).toEqual({ ...theirs.getConfig(), name: rebuilt.name });
    rebuilt.dispose();
    theirs.dispose();
  });

  it('modelFromJSON fetches the weights of a weightsManifest from pathPrefix, as TF.js does', async () => {
    const ours = MODELS['functional, two inputs and two outputs'](tf);
    let artifacts: tf.ModelArtifacts | undefined;
    await ours.save(tf.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const config = { modelTopology: artifacts!.modelTopology!, weightsManifest: [{ paths: ['group1.bin'], weights: artifacts!.weightSpecs! }], pathPrefix: 'https://models.example/two' };
    const urls: string[] = [];
    const saved = globalThis.fetch;
    globalThis.fetch = (async (url: string) => {
      urls.push(String(url));
      return String(url) === 'https://models.example/two/group1.bin' ? new Response(artifacts!.weightData as ArrayBuffer) : new Response('not found', { status: 404 });
    }) as typeof fetch;
    try {
      const loaded = await tf.models.modelFromJSON(config);
      expect(predicted(loaded)).toEqual(predicted(ours));
      loaded.dispose();
      const theirs = await tfjs.models.modelFromJSON(clone(config) as never); // TF.js asks for the same URL
      expect(urls).toEqual(['https://models.example/two/group1.bin', 'https://models.example/two/group1.bin']);
      tfjsPredicted(theirs).forEach((y, i) => expectClose(y, predicted(ours)[i], { atol: 1e-5, rtol: 1e-5 }));
      theirs.dispose();
      const memory = tf.memory();
      await expect(tf.models.modelFromJSON({ ...config, pathPrefix: 'https://models.example/gone' })).rejects.toThrow(/fetching https:\/\/models\.example\/gone\/group1\.bin failed with HTTP 404/);
      const short = { ...config, weightsManifest: [{ paths: ['group1.bin'], weights: [...artifacts!.weightSpecs!, { name: 'o2/extra', shape: [1], dtype: 'float32' }] }] };
      await expect(tf.models.modelFromJSON(short as never)).rejects.toThrow(/group1\.bin is truncated/);
      expect(tf.memory()).toEqual(memory);
    } finally {
      globalThis.fetch = saved;
    }
    ours.dispose();
  });

  it('modelFromJSON takes layer classes in customObjects, as TF.js documents', async () => {
    class Doubled extends tf.layers.Layer {
      static override className = 'Doubled'; // not registered
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
        return tf.mul(Array.isArray(inputs) ? inputs[0] : inputs, 2);
      }
    }
    const model = tf.sequential({ name: 'custom', layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'd' }), new Doubled({ name: 'twice' })] });
    const json = model.toJSON() as string;
    await expect(tf.models.modelFromJSON(json)).rejects.toThrow(/^modelFromJSON: layer 1 \("twice"\) is a Doubled, which neurite does not support \(a custom layer must be registered/);
    const rebuilt = await tf.models.modelFromJSON(json, { Doubled });
    expect(rebuilt.layers[1]).toBeInstanceOf(Doubled);
    expectRebuilt(rebuilt, model);
    rebuilt.dispose();
    model.dispose();
  });

  it('refuses what is not a model class or a model config, creating nothing', async () => {
    const memory = tf.memory();
    const config = MODELS.sequential(tf);
    const good = config.getConfig();
    config.dispose();
    expect(() => tf.LayersModel.fromConfig(tf.Dense as never, good)).toThrow(/^fromConfig: cls must be tf\.LayersModel, tf\.Sequential or a subclass of them, got a function \(Dense\)$/);
    expect(() => tf.Sequential.fromConfig(tf.Sequential, 42 as never)).toThrow(/^fromConfig: config must be a model's config \(as model\.getConfig\(\) gives it\), got 42$/);
    expect(() => tf.LayersModel.fromConfig(tf.LayersModel, good)).toThrow(/^fromConfig: a functional model's config must list its input_layers, got undefined$/);
    const broken = clone(good) as { layers: Array<{ className: string; config: Record<string, unknown> }> };
    broken.layers[2].config.units = -1;
    expect(() => tf.Sequential.fromConfig(tf.Sequential, broken)).toThrow(/^fromConfig: layer "d2" \(Dense\): dense: units must be/);
    broken.layers[2].className = 'Frobnicate';
    expect(() => tf.Sequential.fromConfig(tf.Sequential, broken)).toThrow(/^fromConfig: layer 2 \("d2"\) is a Frobnicate, which neurite does not support/);
    expect(() => tf.Sequential.fromConfig(tf.Sequential, { layers: [{ className: 'Dense', config: { units: 1, bad: () => 1 } }] })).toThrow(/^fromConfig: cannot serialize a function \(bad\) in a model config$/);
    await expect(tf.models.modelFromJSON(null as never)).rejects.toThrow(/^modelFromJSON: modelAndWeightsConfig must be a model's topology or \{ modelTopology, weightsManifest\?, pathPrefix\? \}, got null$/);
    await expect(tf.models.modelFromJSON('{"class_name":')).rejects.toThrow(/^modelFromJSON: modelAndWeightsConfig is a string that is not JSON/);
    await expect(tf.models.modelFromJSON({ class_name: 'Graph', config: {} })).rejects.toThrow(/^modelFromJSON: modelTopology has class_name "Graph"/);
    await expect(tf.models.modelFromJSON(good, { Doubled: 3 } as never)).rejects.toThrow(/^modelFromJSON: customObjects\.Doubled must be a function/);
    expect(tf.memory()).toEqual(memory);
  });
});
