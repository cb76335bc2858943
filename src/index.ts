// neurite's public entry: TF.js's API (tensors and ops of any rank, gradients, variables, layers, models,
// optimizers, io) over a WebAssembly SIMD core. `import * as tf from 'neurite'` runs ordinary TF.js code.

export { ready, getBackend, getBuild, setBackend, setSeed, setThreads, getThreads } from './engine.js';
export { Tensor, Variable, tidy, keep, dispose, memory } from './tensor/tensor.js';
export type { NestedArray, TensorContainer } from './tensor/tensor.js';
export type { DType } from './tensor/dtype.js';
export * from './ops/index.js';
export type { TensorLike, TypedArray } from './ops/values.js';
export type { PixelData } from './ops/browser.js';
export { fused } from './ops/fused.js';
export type { FusedMatMulArgs } from './ops/fused.js';
export { linalg } from './ops/linalg.js';
export { losses, Reduction } from './ops/losses.js';
export { metrics } from './ops/metrics.js';
export type { LossOrMetricFn } from './ops/metrics.js';
export * as util from './util.js';
export { buffer, TensorBuffer } from './tensor/buffer.js';
export { nextFrame, time, profile } from './timing.js';
export type { TimingInfo, ProfileInfo } from './timing.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads, customGrad, variable } from './autodiff/gradients.js';
export type { CustomGradientResult } from './autodiff/gradients.js';
export { layers, Layer, Dense, Dropout, Activation, LeakyReLU, InputLayer } from './layers/index.js';
export type { DenseArgs, EmbeddingLayerArgs, Kwargs, LayerArgs, Masks, Shape } from './layers/index.js';
export { input } from './layers/input.js';
export type { InputConfig } from './layers/input.js';
export { SymbolicTensor } from './layers/symbolic.js';
export { serialization } from './serialization.js';
export { model, LayersModel } from './model/model.js';
export type { ModelArgs, ModelCompileArgs, ModelFitArgs, ModelFitDatasetArgs } from './model/model.js';
export { sequential, Sequential } from './model/sequential.js';
export { callbacks, Callback, EarlyStopping, History } from './model/callbacks.js';
export type { CustomCallbackArgs, EarlyStoppingArgs, Logs } from './model/callbacks.js';
export type { Inspect, InspectArgs, InspectReport, LayerReport } from './model/inspect.js';
export { train, schedules, Optimizer, SGDOptimizer, MomentumOptimizer, AdamOptimizer, RMSPropOptimizer, AdagradOptimizer } from './optimizers.js';
export type { LearningRateSchedule } from './optimizers.js';
export { initializers } from './initializers.js';
export type { Initializer } from './initializers.js';
export { regularizers, Regularizer } from './regularizers.js';
export { constraints, type Constraint } from './constraints.js';
export { io, loadLayersModel, models } from './io/index.js';
export type { IOHandler, ModelAndWeightsConfig, ModelArtifacts, SaveResult, LoadOptions } from './io/index.js';
export * as data from './data/index.js';
export { version } from './version.js';

import type { Tensor as T } from './tensor/tensor.js';
/** TF.js's rank-specific tensor types; in neurite every tensor is a Tensor of any rank. */
export type Scalar = T;
export type Tensor1D = T;
export type Tensor2D = T;
export type Tensor3D = T;
export type Tensor4D = T;
export type Tensor5D = T;
export type Tensor6D = T;
export type Rank = number;
