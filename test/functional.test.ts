// The functional API against TF.js: tf.input, layer.apply on symbolic tensors, tf.model with several inputs
// and outputs, merge layers, shared layers, models inside models; fit / evaluate / predict with arrays and
// name maps, a loss per output and lossWeights; summary; save and load both ways. Each on both backends.

import * as tfjs from '@tensorflow/tfjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { artifactsOf } from './layers/conformance.js';
import { reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

type Lib = typeof tf;

/** Two inputs, a concatenation, two outputs (a classifier and a regressor): the same graph in either library. */
function twoHeads(lib: Lib, names = true) {
  const a = lib.input({ shape: [3], name: names ? 'a' : undefined });
  const b = lib.input({ shape: [2], name: names ? 'b' : undefined });
  const h = lib.layers.dense({ units: 4, activation: 'tanh', name: 'h' }).apply(a) as tf.SymbolicTensor;
  const c = lib.layers.concatenate({ name: 'joined' }).apply([h, b]) as tf.SymbolicTensor;
  const o1 = lib.layers.dense({ units: 2, activation: 'softmax', name: 'o1' }).apply(c) as tf.SymbolicTensor;
  const o2 = lib.layers.dense({ units: 1, name: 'o2' }).apply(c) as tf.SymbolicTensor;
  return lib.model({ inputs: [a, b], outputs: [o1, o2], name: 'two_heads' });
}

/** Our model given TF.js's model's weights. */
function copyWeights(ours: tf.LayersModel, theirs: tfjs.LayersModel): void {
  const weights = theirs.getWeights().map((w) => tf.tensor(w.dataSync() as Float32Array, w.shape));
  ours.setWeights(weights);
  tf.dispose(weights);
}

const data = (rows: number, seed: number) => ({
  a: randomData(rows * 3, seed),
  b: randomData(rows * 2, seed + 1),
  labels: Array.from({ length: rows }, (_, i) => (i * 7 + seed) % 2),
  target: randomData(rows, seed + 2),
});

describe.each(['wasm', 'js'] as const)('the functional API on %s', (backend) => {
  onBackend(backend);
  let before = 0;
  beforeEach(() => {
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors, 'each test frees what it made').toBe(before);
  });

  it('tf.input and layer.apply give symbolic tensors with TF.js\'s shapes; tf.model orders layers as TF.js', async () => {
    const ref = await reference();
    const ours = twoHeads(tf);
    const theirs = twoHeads(ref as never) as unknown as tfjs.LayersModel;
    expect(ours).toBeInstanceOf(tf.LayersModel);
    expect(ours.layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
    expect(ours.layers.map((l) => l.getClassName())).toEqual(theirs.layers.map((l) => l.getClassName()));
    expect([ours.inputNames, ours.outputNames]).toEqual([theirs.inputNames, theirs.outputNames]);
    expect(ours.outputs.map((t) => t.shape)).toEqual(theirs.outputs.map((t) => t.shape));
    expect(ours.outputShape).toEqual(theirs.outputShape);
    expect(ours.countParams()).toBe(theirs.countParams());
    expect(ours.getLayer('h').output).toBeInstanceOf(tf.SymbolicTensor);
    expect((ours.getLayer('joined').input as tf.SymbolicTensor[]).map((t) => t.shape)).toEqual([[null, 4], [null, 2]]);
    ours.dispose();
    theirs.dispose();
  });

  it('predict takes an array or a map by input name and gives one tensor per output, as TF.js', async () => {
    const ref = await reference();
    const ours = twoHeads(tf);
    const theirs = twoHeads(ref as never) as unknown as tfjs.LayersModel;
    copyWeights(ours, theirs);
    const d = data(5, 1);
    const [a, b] = [tf.tensor(d.a, [5, 3]), tf.tensor(d.b, [5, 2])];
    const expected = (theirs.predict([ref.tensor(d.a, [5, 3]), ref.tensor(d.b, [5, 2])]) as tfjs.Tensor[]).map((t) => t.dataSync());
    for (const x of [[a, b], { a, b }]) {
      const out = ours.predict(x) as tf.Tensor[];
      expect(out.map((t) => t.shape)).toEqual([[5, 2], [5, 1]]);
      out.forEach((t, i) => expectClose(t.dataSync(), expected[i], { atol: 1e-6, rtol: 1e-5 }));
      tf.dispose(out);
    }
    // One input and one output: a tensor in, a tensor out.
    const single = tf.model({ inputs: ours.inputs[0], outputs: ours.getLayer('h').output as tf.SymbolicTensor });
    const hidden = single.predict(a) as tf.Tensor;
    expect(hidden.shape).toEqual([5, 4]);
    tf.dispose([a, b, hidden]);
    ours.dispose();
    single.dispose();
    theirs.dispose();
  });

  it('fit with a loss per output logs TF.js\'s keys and values; evaluate gives the loss, each output\'s, and the metrics', async () => {
    const ref = await reference();
    const ours = twoHeads(tf);
    const theirs = twoHeads(ref as never) as unknown as tfjs.LayersModel;
    copyWeights(ours, theirs);
    const compile = (m: { compile(args: unknown): void }, lib: { train: { sgd(lr: number): unknown } }) =>
      m.compile({ optimizer: lib.train.sgd(0.1), loss: ['categoricalCrossentropy', 'meanSquaredError'], metrics: ['accuracy'] });
    compile(ours, tf);
    compile(theirs, ref);
    const d = data(8, 3);
    const make = (lib: Lib) => ({
      x: [lib.tensor(d.a, [8, 3]), lib.tensor(d.b, [8, 2])],
      y: [lib.tidy(() => lib.oneHot(lib.tensor(d.labels, [8], 'int32'), 2).toFloat()), lib.tensor(d.target, [8, 1])],
    });
    const [mine, theirData] = [make(tf), make(ref as never)];
    const history = await ours.fit(mine.x as tf.Tensor[], mine.y as tf.Tensor[], { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    const expected = await theirs.fit(theirData.x as never, theirData.y as never, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(['loss', 'o1_loss', 'o2_loss', 'o1_acc', 'o2_acc']);
    for (const key of Object.keys(expected.history)) expectClose(history.history[key], expected.history[key] as number[], { atol: 1e-5, rtol: 1e-4 }, key);
    expectClose(ours.getWeights().map((w) => [...w.dataSync()]).flat(), theirs.getWeights().map((w) => [...w.dataSync()]).flat(), { atol: 1e-5, rtol: 1e-4 }, 'weights');
    // TF.js's evaluate of several outputs returns six values for five names (its loss entries repeat); the loss,
    // each output's loss and each metric are what TF.js's fit logs for the same weights.
    const results = ours.evaluate(mine.x as tf.Tensor[], mine.y as tf.Tensor[]) as tf.Tensor[];
    expect(results).toHaveLength(5);
    const values = results.map((t) => t.dataSync()[0]);
    expect(values[0]).toBeCloseTo(values[1] + values[2], 5);
    const check = await ours.fit(mine.x as tf.Tensor[], mine.y as tf.Tensor[], { epochs: 1, batchSize: 8, shuffle: false, verbose: 0, callbacks: { onBatchBegin: () => undefined } });
    expect(check.history.loss[0]).toBeCloseTo(values[0], 5);
    tf.dispose([...results, ...mine.x, ...mine.y]);
    ref.dispose([...theirData.x, ...theirData.y] as never);
    ours.dispose();
    theirs.dispose();
  });

  it('the first step of a new model reports each output\'s loss (read before the optimizer makes its state, which may move the heap)', async () => {
    // A 2048x2048 kernel: Adam's state for it (32 MB) makes the heap grow during the first step.
    const input = tf.input({ shape: [2048] });
    const hidden = tf.layers.dense({ units: 2048, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
    const heads = [tf.layers.dense({ units: 2, activation: 'softmax' }).apply(hidden), tf.layers.dense({ units: 1 }).apply(hidden)] as tf.SymbolicTensor[];
    const model = tf.model({ inputs: input, outputs: heads });
    model.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'meanSquaredError'], lossWeights: [1, 0.2] });
    const x = tf.tensor(randomData(4 * 2048, 17), [4, 2048]);
    const y = [tf.tensor([[1, 0], [0, 1], [1, 0], [0, 1]]), tf.tensor([[0.5], [-0.5], [0.25], [0]])];
    const [loss, first, second] = (await model.trainOnBatch(x, y)) as number[];
    expect([loss, first, second].every(Number.isFinite)).toBe(true);
    expect(loss).toBeCloseTo(first + 0.2 * second, 5);
    tf.dispose([x, ...y]);
    model.dispose();
  });

  it('lossWeights weigh each output\'s loss in the total (TF.js ignores them; Keras does this)', async () => {
    const ref = await reference();
    const ours = twoHeads(tf);
    const theirs = twoHeads(ref as never) as unknown as tfjs.LayersModel;
    copyWeights(ours, theirs);
    ours.compile({ optimizer: tf.train.sgd(0.1), loss: { o1: 'categoricalCrossentropy', o2: 'meanSquaredError' }, lossWeights: { o1: 2, o2: 0.5 } });
    // TF.js with each loss scaled by hand: the same total, the same gradient.
    theirs.compile({
      optimizer: ref.train.sgd(0.1),
      loss: [(y: tfjs.Tensor, p: tfjs.Tensor) => ref.mul(2, ref.metrics.categoricalCrossentropy(y, p)), (y: tfjs.Tensor, p: tfjs.Tensor) => ref.mul(0.5, ref.metrics.meanSquaredError(y, p))] as never,
    });
    const d = data(6, 5);
    const x = { a: tf.tensor(d.a, [6, 3]), b: tf.tensor(d.b, [6, 2]) };
    const y = { o1: tf.tidy(() => tf.oneHot(tf.tensor(d.labels, [6], 'int32'), 2).toFloat()), o2: tf.tensor(d.target, [6, 1]) };
    const history = await ours.fit(x, y, { epochs: 1, batchSize: 6, verbose: 0 });
    const tx = [ref.tensor(d.a, [6, 3]), ref.tensor(d.b, [6, 2])];
    const ty = [ref.tidy(() => ref.oneHot(ref.tensor(d.labels, [6], 'int32') as never, 2).toFloat()), ref.tensor(d.target, [6, 1])];
    await theirs.fit(tx, ty, { epochs: 1, batchSize: 6, verbose: 0 });
    expect(history.history.loss[0]).toBeCloseTo(2 * history.history.o1_loss[0] + 0.5 * history.history.o2_loss[0], 5);
    expectClose(ours.getWeights().map((w) => [...w.dataSync()]).flat(), theirs.getWeights().map((w) => [...w.dataSync()]).flat(), { atol: 1e-5, rtol: 1e-4 }, 'weights');
    tf.dispose([...Object.values(x), ...Object.values(y)]);
    ref.dispose([...tx, ...ty]);
    ours.dispose();
    theirs.dispose();
  });

  it('a layer shared by two calls (siamese) trains as one set of weights, as in TF.js', async () => {
    const ref = await reference();
    const build = (lib: Lib) => {
      const [left, right] = [lib.input({ shape: [4] }), lib.input({ shape: [4] })];
      const shared = lib.layers.dense({ units: 3, activation: 'relu', name: 'shared' });
      const merged = lib.layers.add().apply([shared.apply(left) as tf.SymbolicTensor, shared.apply(right) as tf.SymbolicTensor]) as tf.SymbolicTensor;
      const out = lib.layers.dense({ units: 1, activation: 'sigmoid', name: 'out' }).apply(merged) as tf.SymbolicTensor;
      const m = lib.model({ inputs: [left, right], outputs: out });
      m.compile({ optimizer: lib.train.adam(0.05), loss: 'binaryCrossentropy' });
      return m;
    };
    const ours = build(tf);
    const theirs = build(ref as never) as unknown as tfjs.LayersModel;
    expect(ours.layers.map((l) => l.getClassName())).toEqual(theirs.layers.map((l) => l.getClassName()));
    expect(ours.weights.length).toBe(4);
    copyWeights(ours, theirs);
    const [l, r, t] = [randomData(40, 7), randomData(40, 8), Array.from({ length: 10 }, (_, i) => i % 2)];
    const [x, y] = [[tf.tensor(l, [10, 4]), tf.tensor(r, [10, 4])], tf.tensor(t, [10, 1])];
    const [tx, ty] = [[ref.tensor(l, [10, 4]), ref.tensor(r, [10, 4])], ref.tensor(t, [10, 1])];
    const history = await ours.fit(x, y, { epochs: 3, batchSize: 5, shuffle: false, verbose: 0 });
    const expected = await theirs.fit(tx, ty, { epochs: 3, batchSize: 5, shuffle: false, verbose: 0 });
    expectClose(history.history.loss, expected.history.loss as number[], { atol: 1e-5, rtol: 1e-4 }, 'loss');
    tf.dispose([...x, y]);
    ref.dispose([...tx, ty]);
    ours.dispose();
    theirs.dispose();
  });

  it('a model is a layer: inside another model, in a Sequential model, trained through, frozen with trainable', async () => {
    const ref = await reference();
    const build = (lib: Lib) => {
      const encoderIn = lib.input({ shape: [4], name: 'enc_in' });
      const code = lib.layers.dense({ units: 2, activation: 'tanh', name: 'code' }).apply(encoderIn) as tf.SymbolicTensor;
      const encoder = lib.model({ inputs: encoderIn, outputs: code, name: 'encoder' });
      const x = lib.input({ shape: [4], name: 'x' });
      const out = lib.layers.dense({ units: 1, name: 'head' }).apply(encoder.apply(x) as tf.SymbolicTensor) as tf.SymbolicTensor;
      const m = lib.model({ inputs: x, outputs: out });
      m.compile({ optimizer: lib.train.sgd(0.2), loss: 'meanSquaredError' });
      return { m, encoder };
    };
    const ours = build(tf);
    const theirs = build(ref as never) as unknown as { m: tfjs.LayersModel; encoder: tfjs.LayersModel };
    expect(ours.m.layers.map((l) => l.name)).toEqual(theirs.m.layers.map((l) => l.name));
    copyWeights(ours.m, theirs.m);
    const [xv, yv] = [randomData(24, 11), randomData(6, 12)];
    const [x, y] = [tf.tensor(xv, [6, 4]), tf.tensor(yv, [6, 1])];
    const [tx, ty] = [ref.tensor(xv, [6, 4]), ref.tensor(yv, [6, 1])];
    const history = await ours.m.fit(x, y, { epochs: 2, batchSize: 3, shuffle: false, verbose: 0 });
    const expected = await theirs.m.fit(tx, ty, { epochs: 2, batchSize: 3, shuffle: false, verbose: 0 });
    expectClose(history.history.loss, expected.history.loss as number[], { atol: 1e-5, rtol: 1e-4 }, 'loss');
    // The encoder shares its weights with the model it is inside.
    const code = ours.encoder.predict(x) as tf.Tensor;
    expectClose(code.dataSync(), (theirs.encoder.predict(tx) as tfjs.Tensor).dataSync(), { atol: 1e-5, rtol: 1e-4 }, 'encoder');
    // Frozen, the encoder keeps its weights.
    ours.encoder.trainable = false;
    ours.m.compile({ optimizer: tf.train.sgd(0.2), loss: 'meanSquaredError' });
    const kept = ours.encoder.getWeights().map((w) => [...w.dataSync()]);
    await ours.m.fit(x, y, { epochs: 1, verbose: 0 });
    expect(ours.encoder.getWeights().map((w) => [...w.dataSync()])).toEqual(kept);
    // A model added to a Sequential model.
    const stack = tf.sequential({ layers: [ours.encoder, tf.layers.dense({ units: 3 })] });
    expect(stack.outputShape).toEqual([null, 3]);
    const y3 = stack.predict(x);
    expect(y3.shape).toEqual([6, 3]);
    tf.dispose([x, y, code, y3]);
    ref.dispose([tx, ty]);
    stack.dispose();
    ours.m.dispose();
    ours.encoder.dispose();
    theirs.m.dispose();
  });

  it('summary prints TF.js 4.22\'s table for a graph, line for line', async () => {
    const ref = await reference();
    const ours = twoHeads(tf);
    const theirs = twoHeads(ref as never) as unknown as tfjs.LayersModel;
    const [mine, expected]: string[][] = [[], []];
    ours.summary(undefined, undefined, (line) => mine.push(line));
    theirs.summary(undefined, undefined, (line: string) => expected.push(line));
    expect(mine).toEqual(expected);
    // A chain of calls prints the short table, as TF.js.
    const x = tf.input({ shape: [3], name: 'in' });
    const chain = tf.model({ inputs: x, outputs: tf.layers.dense({ units: 2, name: 'd' }).apply(x) as tf.SymbolicTensor });
    const tx = ref.input({ shape: [3], name: 'in' });
    const theirChain = ref.model({ inputs: tx, outputs: ref.layers.dense({ units: 2, name: 'd' }).apply(tx) as tfjs.SymbolicTensor });
    const [c1, c2]: string[][] = [[], []];
    chain.summary(undefined, undefined, (line) => c1.push(line));
    theirChain.summary(undefined, undefined, (line: string) => c2.push(line));
    expect(c1).toEqual(c2);
    ours.dispose();
    theirs.dispose();
    chain.dispose();
    theirChain.dispose();
  });

  it('saves and loads functional models both ways with TF.js: several inputs and outputs, merges, nested models', async () => {
    const ref = await reference();
    const ours = twoHeads(tf);
    const theirs = twoHeads(ref as never) as unknown as tfjs.LayersModel;
    const d = data(4, 9);
    const x = [tf.tensor(d.a, [4, 3]), tf.tensor(d.b, [4, 2])];
    const tx = [ref.tensor(d.a, [4, 3]), ref.tensor(d.b, [4, 2])];
    // neurite → TF.js: the same topology JSON, and the same outputs.
    const saved = await artifactsOf(ours, tf.io);
    const theirSaved = await artifactsOf(theirs, ref.io);
    expect(saved.modelTopology).toEqual(JSON.parse(JSON.stringify(theirSaved.modelTopology).replaceAll('tfjs-layers 4.22.0', 'tfjs-layers 4.22.0')));
    const inTfjs = await ref.loadLayersModel(ref.io.fromMemory(saved as never));
    const predicted = ours.predict(x) as tf.Tensor[];
    const ourOut = predicted.map((t) => t.dataSync());
    (inTfjs.predict(tx) as tfjs.Tensor[]).forEach((t, i) => expectClose(t.dataSync(), ourOut[i], { atol: 1e-6, rtol: 1e-5 }, `TF.js loads output ${i}`));
    // TF.js → neurite.
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(theirSaved));
    expect(loaded.layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
    const expected = (theirs.predict(tx) as tfjs.Tensor[]).map((t) => t.dataSync());
    const out = loaded.predict(x) as tf.Tensor[];
    out.forEach((t, i) => expectClose(t.dataSync(), expected[i], { atol: 1e-6, rtol: 1e-5 }, `neurite loads output ${i}`));
    tf.dispose([...x, ...out, ...predicted]);
    ref.dispose(tx);
    ours.dispose();
    loaded.dispose();
    theirs.dispose();
    inTfjs.dispose();
  });

  it('saves and loads a model inside a model and a shared layer, both ways', async () => {
    const ref = await reference();
    const build = (lib: Lib) => {
      const inner = lib.sequential({ layers: [lib.layers.dense({ units: 3, activation: 'relu', inputShape: [4], name: 'inner_dense' })], name: 'inner' });
      const [p, q] = [lib.input({ shape: [4], name: 'p' }), lib.input({ shape: [4], name: 'q' })];
      const shared = lib.layers.dense({ units: 3, name: 'shared' });
      const joined = lib.layers.concatenate({ name: 'cat' }).apply([inner.apply(p) as tf.SymbolicTensor, shared.apply(p) as tf.SymbolicTensor, shared.apply(q) as tf.SymbolicTensor]) as tf.SymbolicTensor;
      return lib.model({ inputs: [p, q], outputs: lib.layers.dense({ units: 2, name: 'top' }).apply(joined) as tf.SymbolicTensor, name: 'outer' });
    };
    const ours = build(tf);
    const theirs = build(ref as never) as unknown as tfjs.LayersModel;
    const [pv, qv] = [randomData(8, 21), randomData(8, 22)];
    const x = [tf.tensor(pv, [2, 4]), tf.tensor(qv, [2, 4])];
    const tx = [ref.tensor(pv, [2, 4]), ref.tensor(qv, [2, 4])];
    const theirSaved = await artifactsOf(theirs, ref.io);
    const saved = await artifactsOf(ours, tf.io);
    expect(saved.modelTopology).toEqual(theirSaved.modelTopology);
    expect(saved.weightSpecs).toEqual(theirSaved.weightSpecs);
    const loaded = await tf.loadLayersModel(tf.io.fromMemory(theirSaved));
    const inTfjs = await ref.loadLayersModel(ref.io.fromMemory(saved as never));
    const expected = (theirs.predict(tx) as tfjs.Tensor).dataSync();
    const out = loaded.predict(x) as tf.Tensor;
    expectClose(out.dataSync(), expected, { atol: 1e-6, rtol: 1e-5 }, 'neurite loads TF.js');
    const mine = ours.predict(x) as tf.Tensor;
    expectClose((inTfjs.predict(tx) as tfjs.Tensor).dataSync(), mine.dataSync(), { atol: 1e-6, rtol: 1e-5 }, 'TF.js loads neurite');
    tf.dispose([...x, out, mine]);
    ref.dispose(tx);
    ours.dispose();
    loaded.dispose();
    theirs.dispose();
    inTfjs.dispose();
  });

  it('loads the inbound nodes as Keras 3 writes them ({ args: [keras tensors], kwargs }), with the same outputs', async () => {
    const ours = twoHeads(tf);
    const saved = await artifactsOf(ours, tf.io);
    const topology = JSON.parse(JSON.stringify(saved.modelTopology)) as { class_name: string; config: { layers: Array<{ inbound_nodes: unknown[][][] }> } };
    topology.class_name = 'Functional';
    const tensor = ([layer, node, index]: unknown[]) => ({ class_name: '__keras_tensor__', config: { keras_history: [layer, node, index] } });
    for (const layer of topology.config.layers) {
      layer.inbound_nodes = layer.inbound_nodes.map((call) => ({ args: [call.length === 1 ? tensor(call[0]) : call.map(tensor)], kwargs: {} })) as never;
    }
    const loaded = await tf.loadLayersModel(tf.io.fromMemory({ ...saved, modelTopology: topology }));
    const d = data(3, 23);
    const x = [tf.tensor(d.a, [3, 3]), tf.tensor(d.b, [3, 2])];
    const [a, b] = [ours.predict(x) as tf.Tensor[], loaded.predict(x) as tf.Tensor[]];
    a.forEach((t, i) => expect([...b[i].dataSync()]).toEqual([...t.dataSync()]));
    tf.dispose([...x, ...a, ...b]);
    ours.dispose();
    loaded.dispose();
  });

  it('the intermediate-activations pattern: a model from another\'s input to one layer\'s output shares its weights', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 5, activation: 'relu', inputShape: [3], name: 'first' }), tf.layers.dense({ units: 2, name: 'second' })] });
    const probe = tf.model({ inputs: model.inputs, outputs: model.getLayer('first').output as tf.SymbolicTensor });
    const x = tf.tensor(randomData(6, 31), [2, 3]);
    const [hidden, direct] = [probe.predict(x) as tf.Tensor, model.getLayer('first').apply(x)];
    expect([...hidden.dataSync()]).toEqual([...direct.dataSync()]);
    probe.dispose(); // the layers stay with the model that still holds them
    const y = model.predict(x);
    expect(y.shape).toEqual([2, 2]);
    tf.dispose([x, hidden, direct, y]);
    model.dispose();
  });

  it('a layer frozen in a callback during fit keeps its weights from the next step on, as in TF.js', async () => {
    const ref = await reference();
    const stack = (lib: Lib) => lib.sequential({ layers: [lib.layers.dense({ units: 5, inputShape: [3], activation: 'tanh', name: 'a' }), lib.layers.dense({ units: 1, name: 'b' })] });
    const [ours, theirs] = [stack(tf), stack(ref as never) as unknown as tfjs.Sequential];
    copyWeights(ours, theirs);
    const run = async (lib: Lib, model: tf.Sequential) => {
      model.compile({ optimizer: lib.train.sgd(0.1), loss: 'meanSquaredError' });
      const [x, y] = [lib.tensor2d(randomData(64 * 3, 21), [64, 3]), lib.tensor2d(randomData(64, 22), [64, 1])];
      const freeze = { onBatchEnd: async (batch: number) => void (batch === 1 && (model.getLayer('a').trainable = false)) };
      const { history } = await model.fit(x, y, { epochs: 2, batchSize: 16, shuffle: false, verbose: 0, callbacks: freeze });
      const weights = model.getWeights().map((w) => w.dataSync().slice());
      lib.dispose([x, y]);
      model.dispose();
      return { loss: history.loss as number[], weights };
    };
    const [mine, tfjsRun] = [await run(tf, ours), await run(ref as never, theirs as never)];
    expectClose(mine.loss, tfjsRun.loss, { atol: 1e-6, rtol: 1e-5 }, 'losses');
    mine.weights.forEach((w, i) => expectClose(w, tfjsRun.weights[i], { atol: 1e-6, rtol: 1e-5 }, `weight ${i}`));
  });

  it('a Sequential model keeps a batch size given with its first layer\'s input shape, as TF.js; fit and predict still take any number of rows', async () => {
    const ref = await reference();
    const stack = (lib: Lib, first: object) => lib.sequential({ layers: [lib.layers.dense({ units: 6, ...first }), lib.layers.dense({ units: 2, activation: 'softmax' })] });
    for (const first of [{ batchInputShape: [30, 5] }, { inputShape: [5], batchSize: 30 }, { inputShape: [5] }]) {
      const ours = stack(tf, first);
      const theirs = stack(ref as never, first) as unknown as tfjs.Sequential;
      expect([ours.inputs[0].shape, ours.outputs[0].shape], JSON.stringify(first)).toEqual([theirs.inputs[0].shape, theirs.outputs[0].shape]);
      ours.dispose();
      theirs.dispose();
    }
    const model = stack(tf, { batchInputShape: [30, 5] });
    model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
    const x = tf.tensor2d(randomData(30 * 5, 3), [30, 5]);
    const y = tf.oneHot(Array.from({ length: 30 }, (_, i) => i % 2), 2, 1, 0, 'float32');
    await model.fit(x, y, { batchSize: 8, epochs: 1, verbose: 0 });
    const few = x.slice(0, 7);
    const p = model.predict(few) as tf.Tensor;
    expect(p.shape).toEqual([7, 2]);
    tf.dispose([x, y, few, p]);
    model.dispose();
  });

  it('a Sequential model may start with an InputLayer, and saves it as TF.js does', async () => {
    const ref = await reference();
    const ours = tf.sequential({ layers: [tf.layers.inputLayer({ inputShape: [3], name: 'in' }), tf.layers.dense({ units: 2, name: 'd' })], name: 'stack' });
    const theirs = ref.sequential({ layers: [ref.layers.inputLayer({ inputShape: [3], name: 'in' }), ref.layers.dense({ units: 2, name: 'd' })], name: 'stack' });
    expect(ours.layers.map((l) => l.name)).toEqual(theirs.layers.map((l) => l.name));
    const [mine, expected]: string[][] = [[], []];
    ours.summary(undefined, undefined, (line) => mine.push(line));
    theirs.summary(undefined, undefined, (line: string) => expected.push(line));
    expect(mine).toEqual(expected);
    expect((await artifactsOf(ours, tf.io)).modelTopology).toEqual((await artifactsOf(theirs, ref.io)).modelTopology);
    ours.dispose();
    theirs.dispose();
  });

  it('fitDataset and evaluateDataset take { xs, ys } of maps by input and output name', async () => {
    const ours = twoHeads(tf);
    ours.compile({ optimizer: 'adam', loss: ['categoricalCrossentropy', 'meanSquaredError'] });
    const d = data(12, 13);
    const rows = Array.from({ length: 12 }, (_, i) => ({
      xs: { a: Array.from(d.a.subarray(i * 3, i * 3 + 3)), b: Array.from(d.b.subarray(i * 2, i * 2 + 2)) },
      ys: { o1: d.labels[i] === 0 ? [1, 0] : [0, 1], o2: [d.target[i]] },
    }));
    const dataset = tf.data.array(rows).batch(4);
    const history = await ours.fitDataset(dataset, { epochs: 2, verbose: 0 });
    expect(Object.keys(history.history)).toEqual(['loss', 'o1_loss', 'o2_loss']);
    const result = (await ours.evaluateDataset(dataset)) as tf.Tensor[];
    expect(result).toHaveLength(3);
    tf.dispose(result);
    ours.dispose();
  });

  it('refuses wrong graphs and wrong data with messages naming the call and the argument', () => {
    const a = tf.input({ shape: [3], name: 'only' });
    const dense = tf.layers.dense({ units: 2, name: 'dd' });
    const out = dense.apply(a) as tf.SymbolicTensor;
    const other = tf.input({ shape: [3], name: 'other' });
    const unused = tf.layers.dense({ units: 2 }); // built by apply, in no model: disposed at the end
    const out2 = unused.apply(other) as tf.SymbolicTensor;
    expect(() => tf.model({ inputs: a, outputs: out2 })).toThrow(/^model: the outputs depend on input other, which is not among the model's inputs/);
    expect(() => tf.model({ inputs: out, outputs: out })).toThrow(/^model: inputs\[0\] must be a tf.input\(\)/);
    expect(() => tf.model({ inputs: a, outputs: [out, a.shape] as never })).toThrow(/^model: outputs\[1\] must be a symbolic tensor/);
    expect(() => tf.model({ inputs: [], outputs: out })).toThrow(/^model: inputs must be a symbolic tensor or a non-empty array/);
    expect(() => tf.model({ inputs: a, outputs: out, extra: 1 } as never)).toThrow(/^model: unknown option/);
    expect(() => dense.apply(tf.input({ shape: [4] }))).toThrow(/^dd.apply: layer dd expects input of shape \[null, 3\], got \[null, 4\]/);
    const concrete = tf.ones([1, 3]);
    expect(() => dense.apply([a, concrete] as never)).toThrow(/^dd.apply: inputs\[0\] is a symbolic tensor, but inputs\[1\] is not/);
    expect(() => tf.input({ shape: [3], batchShape: [null, 3] })).toThrow(/^input: give shape or batchShape, not both/);
    expect(() => tf.input({} as never)).toThrow(/^input: give shape \(e.g. \[784\]\) or batchShape/);
    const m = tf.model({ inputs: a, outputs: out });
    const two = twoHeads(tf);
    expect(() => two.compile({ optimizer: 'sgd', loss: ['mse'] })).toThrow(/^compile: loss must have one entry per output \(2: o1, o2\), got 1/);
    expect(() => two.compile({ optimizer: 'sgd', loss: { o1: 'mse', o3: 'mse' } })).toThrow(/^compile: loss names an output "o3" the model does not have/);
    expect(() => two.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: 2 as never })).toThrow(/^compile: lossWeights must be an array or a map by output name/);
    expect(() => two.compile({ optimizer: 'sgd', loss: 'mse', lossWeights: [1, -1] })).toThrow(/^compile: lossWeights \(o2\)/);
    const x = tf.ones([2, 3]);
    expect(() => two.predict(x)).toThrow(/^predict: the model has 2 inputs \(a, b\); give x as an array or a map of 2 tensors/);
    expect(() => two.predict([x])).toThrow(/^predict: x must have one tensor per model input \(2: a, b\), got an array of 1/);
    // An entry for no input is left alone, as TF.js leaves it; it is named when an input is missing.
    expect(() => two.predict({ a: x, c: x })).toThrow(/^predict: x gives no tensor for the model's input b \(did you mean "c"\?\); the inputs are a, b/);
    const b = tf.ones([2, 2]);
    tf.dispose([...(two.predict({ a: x, b, c: x }) as tf.Tensor[]), b]);
    expect(() => two.predict({ a: x })).toThrow(/^predict: x gives no tensor for the model's input b/);
    const three = tf.ones([3, 2]);
    expect(() => two.predict([x, three])).toThrow(/^predict: every input must have the same number of samples/);
    expect(() => two.predict([x, x])).toThrow(/^predict: x\[1\] must have 2 features per sample, got shape \[2, 3\]/);
    tf.dispose([x, three, concrete]);
    unused.dispose();
    m.dispose();
    two.dispose();
  });
});
