// The TF.js guide "Models and layers" (tensorflow.org/js/guide/models_and_layers), snippet by snippet: a
// sequential model two ways, the functional API (tf.input, apply, tf.model), apply on concrete tensors,
// summary, saving and loading, a custom layer, and the core-API model of variables.
//
// The code is the guide's, with these changes:
// - It sits inside one exported function of `tf`, so the same code runs on TF.js and on neurite; the guide's
//   repeated `const model` are numbered; TypeScript types and `override` are added to the custom layer.
// - Saving goes to memory (tf.io.withSaveHandler / fromMemory) instead of 'localstorage://my-model-1', which
//   Node lacks.
// - The core-API model's random weights (tf.randomNormal) differ between the libraries: what is returned
//   from it is the output's shape and each row's sum (1, from the softmax).
// - Added: the results the guide shows are returned, and every tensor and model is freed.

import type * as neurite from '../../src/index.js';

type TF = typeof neurite;

export async function modelsAndLayers(tf: TF) {
  const shown: Record<string, unknown> = {};

  // Models: a sequential model from a list of layers, and the same one with add().
  const model1 = tf.sequential({
    layers: [
      tf.layers.dense({inputShape: [784], units: 32, activation: 'relu'}),
      tf.layers.dense({units: 10, activation: 'softmax'}),
    ]
  });
  const model2 = tf.sequential();
  model2.add(tf.layers.dense({inputShape: [784], units: 32, activation: 'relu'}));
  model2.add(tf.layers.dense({units: 10, activation: 'softmax'}));
  shown.sequential = [model1.outputShape, model1.countParams(), model2.outputShape, model2.countParams()];

  // The functional model: an arbitrary graph of layers, connected with apply().
  const input = tf.input({shape: [784]});
  const dense1 = tf.layers.dense({units: 32, activation: 'relu'}).apply(input);
  const dense2 = tf.layers.dense({units: 10, activation: 'softmax'}).apply(dense1);
  const model3 = tf.model({inputs: input, outputs: dense2});
  shown.functional = [model3.outputShape, model3.countParams(), model3.layers.map((l) => l.getClassName())];

  // apply() on a concrete tensor computes.
  const t = tf.tensor([-2, 1, 0, 5]);
  const o = tf.layers.activation({activation: 'relu'}).apply(t);
  (o as neurite.Tensor).print(); // [0, 1, 0, 5]

  // Model summary (the layers' names carry each library's own counters: compared without them).
  model3.summary();

  // Serialization.
  let saved: unknown;
  const saveResult = await model3.save(tf.io.withSaveHandler(async (artifacts) => {
    saved = artifacts;
    return {modelArtifactsInfo: {dateSaved: new Date(), modelTopologyType: 'JSON'}};
  }));
  const model4 = await tf.loadLayersModel(tf.io.fromMemory(saved as neurite.io.ModelArtifacts));
  shown.saved = [saveResult.modelArtifactsInfo.modelTopologyType, model4.layers.map((l) => l.getClassName()), model4.countParams()];
  const x = tf.ones([2, 784]);
  const [before, after] = [model3.predict(x) as neurite.Tensor, model4.predict(x) as neurite.Tensor];
  shown.reloaded = tf.tidy(() => tf.sub(before, after).abs().max());

  // Custom layers.
  class SquaredSumLayer extends tf.layers.Layer {
    constructor() {
      super({});
    }
    // In this case, the output is a scalar.
    override computeOutputShape(inputShape: neurite.Shape) { return []; }

    // call() is where we do the computation.
    override call(input: neurite.Tensor | neurite.Tensor[], kwargs: neurite.Kwargs) { return (input as neurite.Tensor).square().sum();}

    // Every layer needs a unique name.
    override getClassName() { return 'SquaredSum'; }
  }
  const t2 = tf.tensor([-2, 1, 0, 5]);
  const o2 = new SquaredSumLayer().apply(t2);
  (o2 as neurite.Tensor).print(); // prints 30

  // The core API: the weights and biases for the two dense layers, and a model as a function of them.
  const w1 = tf.variable(tf.randomNormal([784, 32]));
  const b1 = tf.variable(tf.randomNormal([32]));
  const w2 = tf.variable(tf.randomNormal([32, 10]));
  const b2 = tf.variable(tf.randomNormal([10]));

  function model(x: neurite.Tensor) {
    return x.matMul(w1).add(b1).relu().matMul(w2).add(b2).softmax();
  }
  shown.core = tf.tidy(() => {
    const y = model(tf.ones([3, 784]));
    return [y.shape, y.sum(1)];
  });

  tf.dispose([t, o as neurite.Tensor, x, before, after, t2, o2 as neurite.Tensor, w1, b1, w2, b2]); // added
  for (const m of [model1, model2, model3, model4]) m.dispose(); // added
  return shown;
}
