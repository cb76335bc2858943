// Every public op, by family, listed by name: the families also export helpers the others share, which are not
// TF.js's API. Importing this module also attaches the chainable methods (x.add(y)) to Tensor.

export { eye, fill, linspace, ones, onesLike, range, scalar, tensor, tensor1d, tensor2d, tensor3d, tensor4d, tensor5d, tensor6d, zeros, zerosLike } from './creation.js';
export { multinomial, randomGamma, randomNormal, randomStandardNormal, randomUniform, randomUniformInt, truncatedNormal } from './random.js';
export { cast, clone } from './cast.js';
export { add, addN, atan2, div, divNoNan, floorDiv, maximum, minimum, mod, mul, pow, squaredDifference, sub } from './arithmetic.js';
export { equal, greater, greaterEqual, less, lessEqual, notEqual } from './compare.js';
export { bitwiseAnd, logicalAnd, logicalOr, logicalXor, where } from './logic.js';
export {
  abs, acos, acosh, asin, asinh, atan, atanh, ceil, clipByValue, cos, cosh, erf, exp, expm1, floor, isFinite, isInf, isNaN, log, log1p,
  logSigmoid, logicalNot, neg, reciprocal, relu6, round, rsqrt, sign, sin, sinh, sqrt, square, step, tan,
} from './unary.js';
export { elu, leakyRelu, logSoftmax, prelu, relu, selu, sigmoid, softmax, softplus, tanh } from './activations.js';
export { all, any, argMax, argMin, bincount, denseBincount, euclideanNorm, logSumExp, max, mean, min, moments, norm, prod, sum } from './reduce.js';
export { cumprod, cumsum } from './scan.js';
export { inTopKAsync, lowerBound, math, searchSorted, topk, unique, upperBound } from './sort.js';
export { diag, dot, einsum, matMul, outerProduct } from './matrix.js';
export { avgPool, conv1d, conv2d, conv2dTranspose, depthwiseConv2d, maxPool, separableConv2d } from './conv.js';
export { browser } from './browser.js';
export { image } from './image.js';
export { batchNorm, batchNorm2d, batchNorm3d, batchNorm4d } from './normalization.js';
export { basicLSTMCell, type LSTMCellFunc, multiRNNCell } from './recurrent.js';
export {
  batchToSpaceND, broadcastTo, concat, concat1d, concat2d, concat3d, concat4d, depthToSpace, ensureShape, expandDims, meshgrid, mirrorPad, pad, pad1d,
  pad2d, pad3d, pad4d, reshape, reverse, reverse1d, reverse2d, reverse3d, reverse4d, slice, slice1d, slice2d, slice3d, slice4d,
  spaceToBatchND, split, squeeze, stack, stridedSlice, tile, transpose, unstack,
} from './shape.js';
export { booleanMaskAsync, gather, gatherND, oneHot, scatterND, setdiff1dAsync, tensorScatterUpdate, unsortedSegmentSum, whereAsync } from './indexing.js';
export { dropout } from './dropout.js';
export { signal } from './signal.js';
