// The classic TF.js MNIST CNN (the "handwritten digit recognition" tutorial and tfjs-examples/mnist), built the
// same way with either library: the tests hold neurite to TF.js on it and the bench times it
// (examples/mnist-cnn.ts spells it out, as a user would).

import type * as tfjs from '@tensorflow/tfjs';
import type * as tf from '../src/index.js';

export function mnistCnn(lib: typeof tf | typeof tfjs, metrics: string[] = []): tf.Sequential {
  const t = lib as typeof tf;
  const model = t.sequential();
  model.add(t.layers.conv2d({ inputShape: [28, 28, 1], kernelSize: 5, filters: 8, strides: 1, activation: 'relu', kernelInitializer: 'varianceScaling' }));
  model.add(t.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
  model.add(t.layers.conv2d({ kernelSize: 5, filters: 16, strides: 1, activation: 'relu', kernelInitializer: 'varianceScaling' }));
  model.add(t.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
  model.add(t.layers.flatten());
  model.add(t.layers.dense({ units: 10, kernelInitializer: 'varianceScaling', activation: 'softmax' }));
  model.compile({ optimizer: t.train.adam(), loss: 'categoricalCrossentropy', metrics });
  return model;
}
