// Evaluation ops, as TF.js groups them: topk (the k largest of each last-axis row, by a partial sort), unique
// (the distinct slices along an axis, by a hash table), searchSorted and its two sides lowerBound and upperBound
// (a binary search of sorted rows), inTopKAsync (topk's indices against targets) and tf.math.confusionMatrix (a
// bin count of label pairs).

import { Tensor } from '../tensor/tensor.js';
import { checkBool, checkInt, checkOneOf } from '../validate.js';
import { add, mul } from './arithmetic.js';
import { cast } from './cast.js';
import { equal } from './compare.js';
import { scalar, zeros } from './creation.js';
import { convert, empty, kernels, op, type TensorLike } from './op.js';
import { any, around, bincount, max, min, singleAxis } from './reduce.js';
import { expandDims, reshape } from './shape.js';

type Operand = Tensor | TensorLike;

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

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
 * For each value, the first place in the matching row of the sorted sequence (its last axis) where the value
 * could go and keep the row sorted: before equal values (left) or after them (right). The leading axes of both
 * must match; the result is int32 of shape [rows, values' last axis], as TF.js gives it (a search of rank-1
 * tensors gives [1, m]). Rows that are not sorted give TF.js's answers, as does NaN.
 */
function search(name: string, sortedSequence: Operand, values: Operand, side: unknown): Tensor {
  const $seq = convert(name, 'sortedSequence', sortedSequence);
  const $values = convert(name, 'values', values);
  checkOneOf(name, 'side', side, ['left', 'right']);
  if ($seq.rank === 0) throw new Error(`${name}: sortedSequence must have rank >= 1, got a scalar`);
  if ($values.rank === 0) throw new Error(`${name}: values must have rank >= 1, got a scalar`);
  const [lead, leadValues] = [$seq.shape.slice(0, -1), $values.shape.slice(0, -1)];
  if (lead.length !== leadValues.length || lead.some((d, i) => d !== leadValues[i])) {
    throw new Error(`${name}: sortedSequence ${shapeText($seq.shape)} and values ${shapeText($values.shape)} must have the same leading dimensions (all but the last)`);
  }
  const [n, m] = [$seq.shape[$seq.rank - 1], $values.shape[$values.rank - 1]];
  const rows = lead.reduce((a, b) => a * b, 1);
  const out = empty(name, [rows, m], 'int32');
  if (out.size > 0) {
    const [ps, pv, po] = [$seq.ptr(name), $values.ptr(name), out.ptr(name)];
    kernels().searchSorted(ps, +($seq.dtype !== 'float32'), pv, +($values.dtype !== 'float32'), po, rows, n, m, +(side === 'right'));
  }
  return out;
}

/**
 * Where each value would go in the sorted sequence's matching row (its last axis): the index of the first entry
 * >= the value (side 'left') or > it ('right'), int32 of shape [rows, values' last axis] as TF.js gives it.
 * @example tf.searchSorted(tf.tensor1d([0, 3, 9, 10, 10]), tf.tensor1d([0, 4, 10]), 'right').print();
 */
export const searchSorted = op((sortedSequence: Operand, values: Operand, side: 'left' | 'right' = 'left'): Tensor => search('searchSorted', sortedSequence, values, side));

/**
 * searchSorted's left side: the index of the first entry of each row >= the value.
 * @example tf.lowerBound(tf.tensor1d([0, 3, 9, 10, 10]), tf.tensor1d([0, 4, 10])).print();
 */
export const lowerBound = op((sortedSequence: Operand, values: Operand): Tensor => search('lowerBound', sortedSequence, values, 'left'));

/**
 * searchSorted's right side: the index of the first entry of each row > the value.
 * @example tf.upperBound(tf.tensor1d([0, 3, 9, 10, 10]), tf.tensor1d([0, 4, 10])).print();
 */
export const upperBound = op((sortedSequence: Operand, values: Operand): Tensor => search('upperBound', sortedSequence, values, 'right'));

const inTopK = op((predictions: Operand, targets: Operand, k: number): Tensor => {
  const $predictions = convert('inTopKAsync', 'predictions', predictions);
  const $targets = convert('inTopKAsync', 'targets', targets);
  if ($predictions.rank < 2) throw new Error(`inTopKAsync: predictions must have rank >= 2, got shape ${shapeText($predictions.shape)}`);
  const lead = $predictions.shape.slice(0, -1);
  if ($targets.rank !== lead.length || lead.some((d, i) => d !== $targets.shape[i])) {
    throw new Error(`inTopKAsync: targets must have the shape of predictions without its last axis, ${shapeText(lead)}, got ${shapeText($targets.shape)}`);
  }
  const n = $predictions.shape[$predictions.rank - 1];
  if (n === 0) throw new Error(`inTopKAsync: predictions ${shapeText($predictions.shape)} has no classes along its last axis`);
  checkInt('inTopKAsync', 'k', k, 1, n);
  if ($targets.dtype === 'float32') {
    // A class index that is not an integer matches no index (TF.js says false); here it is refused as a mistake.
    const wrong = $targets.dataSync().find((v) => !Number.isInteger(v));
    if (wrong !== undefined) throw new Error(`inTopKAsync: targets must be class indices (integers), got ${wrong}`);
  }
  // TF.js's rule: the target is among the first k of a stable sort, largest first (the lower index first among
  // equals), which are topk's indices. A target outside [0, n) is in no top k.
  return any(equal(topk($predictions, k).indices, expandDims(cast($targets, 'int32'), -1)), -1);
});

/**
 * Whether each target class is among the k largest predictions of its row (the last axis), ties going to the
 * lower index as in TF.js: bool, of the targets' shape. NaN ranks above every number.
 * @example const precision = await tf.inTopKAsync(tf.tensor2d([[20, 10, 40, 30], [30, 50, -20, 10]]), tf.tensor1d([2, 0])); precision.print();
 */
export async function inTopKAsync(predictions: Operand, targets: Operand, k = 1): Promise<Tensor> {
  return inTopK(predictions, targets, k);
}

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
