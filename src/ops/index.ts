// Every op, by family. Importing this module also attaches the chainable methods (x.add(y)) to Tensor.

export * from './creation.js';
export * from './random.js';
export * from './cast.js';
export * from './arithmetic.js';
export * from './unary.js';
export * from './activations.js';
export * from './reduce.js';
export * from './matrix.js';
export * from './shape.js';
