// neurite's public entry: TF.js's names for tensors and dense networks, over a WebAssembly SIMD core.
// `import * as tf from 'neurite'` runs ordinary TF.js dense-network code.

export { ready, getBackend, setBackend, setSeed, setThreads, getThreads } from './engine.js';
export { Tensor, tidy, keep, dispose, memory } from './tensor.js';
export type { DType, NestedArray, TensorContainer } from './tensor.js';
export { tensor, tensor1d, tensor2d, scalar, zeros, ones, randomNormal, randomUniform, truncatedNormal, oneHot } from './creation.js';
export type { TensorLike, TypedArray } from './creation.js';
export {
  matMul, add, sub, mul, div, relu, sigmoid, tanh, elu, selu, softplus, leakyRelu,
  exp, log, square, neg, abs, sqrt, softmax, sum, mean, argMax,
} from './ops.js';
export { layers, Layer, Dense, Dropout, Activation, LeakyReLU } from './layers/index.js';
export type { DenseArgs, LayerArgs } from './layers/index.js';
export { sequential, Sequential } from './model/sequential.js';
export type { ModelCompileArgs, ModelFitArgs } from './model/sequential.js';
export { callbacks, Callback, EarlyStopping, History } from './model/callbacks.js';
export type { CustomCallbackArgs, EarlyStoppingArgs, Logs } from './model/callbacks.js';
export { train, schedules, Optimizer, SGDOptimizer, MomentumOptimizer, AdamOptimizer, RMSPropOptimizer, AdagradOptimizer } from './optimizers.js';
export type { LearningRateSchedule } from './optimizers.js';
export { initializers } from './initializers.js';
export type { Initializer } from './initializers.js';
export { regularizers, Regularizer } from './regularizers.js';
export { io, loadLayersModel } from './io/index.js';
export type { IOHandler, ModelArtifacts, SaveResult, LoadOptions } from './io/index.js';
export { version } from './version.js';
