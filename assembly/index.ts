// The wasm module's exports: exactly the Kernels interface of src/backend/kernels.ts, plus heapBase.

export { matmul, matmulPart, matmulNaive } from './matmul';
export { biasAdd, biasGrad, rowSums, sum, sumSquares, penalty, binary, unary, scale, fill, argMax } from './elementwise';
export { activationForward, activationBackward, softmaxForward, softmaxBackward } from './activations';
export { loss } from './losses';
export { sgdStep, momentumStep, adamStep, rmspropStep, adagradStep } from './optimizers';
export { rngSeed, rngUniform, rngNormal, dropoutForward } from './random';
export { binaryStrided } from './broadcast';
export { cast } from './cast';

/** First byte after the module's static data: where the TS allocator may start. */
export function heapBase(): usize {
  return __heap_base;
}
