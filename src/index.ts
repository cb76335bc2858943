// neurite's public entry: TF.js's names for tensors and dense networks, over a WebAssembly SIMD core.
// `import * as tf from 'neurite'` runs ordinary TF.js dense-network code.

export { ready, getBackend, setBackend, setSeed } from './engine.js';
export { Tensor, tidy, keep, dispose, memory } from './tensor.js';
export type { DType, NestedArray, TensorContainer } from './tensor.js';
export { tensor, tensor1d, tensor2d, scalar, zeros, ones, randomNormal, randomUniform, truncatedNormal, oneHot } from './creation.js';
export type { TensorLike, TypedArray } from './creation.js';
export {
  matMul, add, sub, mul, div, relu, sigmoid, tanh, elu, selu, softplus, leakyRelu,
  exp, log, square, neg, abs, sqrt, softmax, sum, mean, argMax,
} from './ops.js';
/** The package version. */
export const version = '0.1.0';
