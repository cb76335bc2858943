// Evaluation ops, as TF.js groups them: topk (the k largest of each last-axis row, by a partial sort), unique
// (the distinct slices along an axis, by a hash table) and tf.math.confusionMatrix (a bin count of label pairs).

import { Tensor } from '../tensor/tensor.js';
import { checkBool, checkInt } from '../validate.js';
import { add, mul } from './arithmetic.js';
import { cast } from './cast.js';
import { scalar, zeros } from './creation.js';
import { convert, empty, kernels, op, type TensorLike } from './op.js';
import { around, bincount, max, min, singleAxis } from './reduce.js';
import { reshape } from './shape.js';

type Operand = Tensor | TensorLike;

/**
 * The k largest values of each row along the last axis and their indices (int32), largest first, the lower
 * index first among equals, NaN above every number. Always sorted: `sorted` false allows any order, this one too.
 * @example const { values, indices } = tf.topk(tf.tensor2d([[1, 5], [4, 3]]));
 */
export const topk = op((x: Operand, k = 1, sorted = true): { values: Tensor; indices: Tensor } => {
  const $x = convert('topk', 'x', x);
  if ($x.rank === 0) throw new Error('topk: x must have rank >= 1, got a scalar');
  const n = $x.shape[$x.rank - 1];
  checkInt('topk', 'k', k, 0, n);
  checkBool('topk', 'sorted', sorted);
  const shape = [...$x.shape.slice(0, -1), k];
  const values = empty('topk', shape, $x.dtype);
  const indices = empty('topk', shape.slice(), 'int32');
  if (values.size > 0) {
    const [px, pv, pi] = [$x.ptr('topk'), values.ptr('topk'), indices.ptr('topk')];
    kernels().topk(px, +($x.dtype !== 'float32'), pv, pi, $x.size / n, n, k);
  }
  return { values, indices };
});

/**
 * The distinct slices of x along `axis` (0 by default) in order of first appearance, and for each slice of x
 * the index of its value among them (int32). Numbers compare as numbers (-0 equals 0) and NaN equals NaN.
 * @example const { values, indices } = tf.unique(tf.tensor1d([1, 1, 2, 4, 4, 4, 7, 8, 8]));
 */
export const unique = op((x: Operand, axis = 0): { values: Tensor; indices: Tensor } => {
  const $x = convert('unique', 'x', x);
  if ($x.rank === 0) throw new Error('unique: x must have rank >= 1, got a scalar');
  const a = singleAxis('unique', axis, $x.rank);
  const [outer, dim, inner] = around($x.shape, a);
  const indices = empty('unique', [dim], 'int32');
  if (dim === 0) return { values: empty('unique', $x.shape.slice(), $x.dtype), indices };
  // An open-addressing table at most half full, and where each distinct slice first appears.
  let size = 2;
  while (size < 2 * dim) size *= 2;
  const table = empty('unique', [size], 'int32');
  const firsts = empty('unique', [dim], 'int32');
  const [px, pt, pi, pf] = [$x.ptr('unique'), table.ptr('unique'), indices.ptr('unique'), firsts.ptr('unique')];
  const count = kernels().unique(px, +($x.dtype === 'float32'), outer, dim, inner, pt, size, pi, pf);
  const values = empty('unique', $x.shape.map((d, i) => (i === a ? count : d)), $x.dtype);
  if (values.size > 0) kernels().gather(px, pf, values.ptr('unique'), 1, outer, dim, count, inner);
  return { values, indices };
});

/**
 * The confusion matrix [numClasses, numClasses] (int32) of labels against predictions (1-D, the same length,
 * integers in [0, numClasses)): row r, column c counts the examples of class r predicted as c.
 * @example tf.math.confusionMatrix(tf.tensor1d([0, 1, 2, 1, 0], 'int32'), tf.tensor1d([0, 2, 2, 1, 0], 'int32'), 3).print();
 */
const confusionMatrix = op((labels: Operand, predictions: Operand, numClasses: number): Tensor => {
  const classes = (name: string, values: Operand): Tensor => {
    const t = convert('confusionMatrix', name, values);
    if (t.rank !== 1) throw new Error(`confusionMatrix: ${name} must have rank 1, got shape [${t.shape.join(', ')}]`);
    return t.dtype === 'int32' ? t : cast(t, 'int32');
  };
  const [$labels, $predictions] = [classes('labels', labels), classes('predictions', predictions)];
  // [32768, 32768] int32 is 4 GiB, all a heap holds (and label * numClasses + prediction stays an int32).
  checkInt('confusionMatrix', 'numClasses', numClasses, 1, 32768);
  if ($labels.size !== $predictions.size) {
    throw new Error(`confusionMatrix: labels and predictions must have the same length, got ${$labels.size} and ${$predictions.size}`);
  }
  // Beyond TF.js, which leaves such examples out silently: a class outside [0, numClasses) is refused.
  for (const [name, t] of [['labels', $labels], ['predictions', $predictions]] as const) {
    if (t.size === 0) continue;
    const [low, high] = [min(t).dataSync()[0], max(t).dataSync()[0]];
    if (low < 0 || high >= numClasses) throw new Error(`confusionMatrix: ${name} must be classes in [0, ${numClasses - 1}], got ${low < 0 ? low : high}`);
  }
  const pairs = add(mul($labels, scalar(numClasses, 'int32')), $predictions);
  return reshape(bincount(pairs, zeros([0], 'int32'), numClasses * numClasses), [numClasses, numClasses]);
});

/** TF.js's tf.math namespace. */
export const math = { confusionMatrix };

declare module '../tensor/tensor.js' {
  interface Tensor {
    topk(k?: number, sorted?: boolean): { values: Tensor; indices: Tensor };
    unique(axis?: number): { values: Tensor; indices: Tensor };
  }
}

Object.assign(Tensor.prototype, {
  topk(this: Tensor, k?: number, sorted?: boolean) {
    return topk(this, k, sorted);
  },
  unique(this: Tensor, axis?: number) {
    return unique(this, axis);
  },
});
