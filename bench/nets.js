// The dense nets the training suite (bench/training.ts) and the browser suite (bench/browser-workload.js) train,
// in plain JS so that a page loads them as they are: one definition, so both suites time the same networks.

/** The MNIST MLP: 784-128-64-10, Adam, batch 64. */
export const MLP = {
  inputs: 784,
  layers: [
    { units: 128, activation: 'relu' },
    { units: 64, activation: 'relu' },
    { units: 10, activation: 'softmax' },
  ],
  optimizer: (lib) => lib.train.adam(0.001),
  loss: 'categoricalCrossentropy',
  batchSize: 64,
};

/** The XOR-like 2-8-8-1 net: SGD, batch 10. */
export const SMALL = {
  inputs: 2,
  layers: [
    { units: 8, activation: 'tanh' },
    { units: 8, activation: 'tanh' },
    { units: 1, activation: 'sigmoid' },
  ],
  optimizer: (lib) => lib.train.sgd(0.1),
  loss: 'meanSquaredError',
  batchSize: 10,
};

/** The spec's dense network, compiled, with neurite or TF.js. */
export function compiled(lib, spec) {
  const model = lib.sequential({
    layers: spec.layers.map((l, i) => lib.layers.dense({ units: l.units, activation: l.activation, ...(i === 0 ? { inputShape: [spec.inputs] } : {}) })),
  });
  model.compile({ optimizer: spec.optimizer(lib), loss: spec.loss });
  return model;
}
