// The wasm module's exports: exactly the Kernels interface of src/backend/kernels.ts, plus heapBase.

export { matmul, matmulPart, matmulNaive } from './matmul';
export { biasAdd, biasGrad, rowSums, sum, sumSquares, penalty, binary, scale, fill, argMax } from './elementwise';
export { unary, logSoftmaxForward } from './unary';
export { activationForward, activationBackward, softmaxForward, softmaxBackward, logSoftmaxBackward } from './activations';
export { loss } from './losses';
export { sgdStep, momentumStep, adamStep, rmspropStep, adagradStep } from './optimizers';
export { rngSeed, rngUniform, rngNormal, dropoutForward, rngUniformInt, rngGamma, rngMultinomial, rngShuffle } from './random';
export { matmulInt, bandPart, eye, sequence } from './matrix';
export { binaryStrided, selectStrided } from './broadcast';
export { cast } from './cast';
export { copyStrided, gather, scatter, oneHot, countNonzero, nonzeroCoords } from './layout';
export { reduce, scan, topk, unique, bincount } from './reduce';
export { searchSorted } from './search';
export { cosineWindow } from './signal';
export { im2col, col2im, convDirect, maxPool, maxPoolBackward, avgPool, avgPoolBackward, depthwise } from './conv';
export { resize, resizeBackward } from './image';
export { batchNormStats, batchNormForward, batchNormBackward } from './normalization';
export { lstmCellForward, lstmCellBackward, gruGatesForward, gruOutputForward, gruOutputBackward, gruGatesBackward, rnnCellForward, rnnCellBackward } from './recurrent';

/** First byte after the module's static data: where the TS allocator may start. */
export function heapBase(): usize {
  return __heap_base;
}
