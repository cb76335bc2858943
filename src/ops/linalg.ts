// TF.js's tf.linalg: bandPart by its kernel (its gradient is the band of dy), and gramSchmidt and qr composed
// of ops the way TF.js composes them, so their gradients are the ops' own. qr works on a whole batch of
// matrices at once (TF.js's refuses batches of non-square matrices; neurite gives their Q and R).

import { record, recording } from '../autodiff/tape.js';
import { Tensor, tidy } from '../tensor/tensor.js';
import { checkBool, describe } from '../validate.js';
import { div, mul, sub } from './arithmetic.js';
import { cast, clone } from './cast.js';
import { greater } from './compare.js';
import { eye, ones } from './creation.js';
import { where } from './logic.js';
import { matMul } from './matrix.js';
import { convert, empty, kernels, op, type TensorLike } from './op.js';
import { sum } from './reduce.js';
import { broadcastTo, concat, slice, stack, unstack } from './shape.js';
import { neg, sqrt, square } from './unary.js';

type Operand = Tensor | TensorLike;

const shapeText = (t: Tensor) => `[${t.shape.join(', ')}]`;

/** A band limit as the kernel takes it: at most `dim`, and `dim` (everything) for a negative one. */
function bandLimit(name: 'numLower' | 'numUpper', value: unknown, dim: number, what: string): number {
  if (value instanceof Tensor) {
    if (value.isDisposed) throw new Error(`bandPart: ${name} is disposed`);
    if (value.dtype !== 'int32' || value.rank !== 0) throw new Error(`bandPart: ${name} must be a number or an int32 scalar, got a ${value.dtype} tensor of shape ${shapeText(value)}`);
    const v = value.dataSync()[0];
    return v < 0 ? dim : Math.min(v, dim);
  }
  if (!Number.isInteger(value)) throw new Error(`bandPart: ${name} must be an integer (negative for the whole triangle), got ${describe(value)}`);
  if ((value as number) > dim) throw new Error(`bandPart: ${name} must be at most ${dim} (the number of ${what}), got ${value}`);
  return (value as number) < 0 ? dim : (value as number);
}

/** x with everything outside the band zeroed; its gradient is the band of dy. */
function band(x: Tensor, lower: number, upper: number): Tensor {
  const out = empty('bandPart', x.shape.slice(), x.dtype);
  if (out.size > 0) {
    const [m, n] = x.shape.slice(-2);
    const [px, po] = [x.ptr('bandPart'), out.ptr('bandPart')];
    kernels().bandPart(px, po, out.size / (m * n), m, n, lower, upper);
  }
  if (recording()) record([x], [out], [], ([dy]) => [band(dy, lower, upper)]);
  return out;
}

/**
 * Each innermost matrix with everything outside a central band set to 0: row i keeps columns i - numLower
 * to i + numUpper (a negative limit keeps that whole triangle).
 * @example tf.linalg.bandPart(tf.ones([4, 4]), 1, 0).print();
 */
const bandPart = op((a: Operand, numLower: number | Tensor, numUpper: number | Tensor): Tensor => {
  const $a = convert('bandPart', 'a', a);
  if ($a.rank < 2) throw new Error(`bandPart: a must have rank 2 or more, got shape ${shapeText($a)}`);
  const [m, n] = $a.shape.slice(-2);
  return band($a, bandLimit('numLower', numLower, m, 'rows'), bandLimit('numUpper', numUpper, n, 'columns'));
});

/**
 * Gram-Schmidt orthonormalization of vectors: an array of 1-D tensors (giving an array), or the rows of a
 * matrix (giving a matrix), no more of them than their length.
 * @example tf.linalg.gramSchmidt(tf.tensor2d([[1, 2], [3, 4]])).print();
 */
const gramSchmidt = op((xs: Operand[] | Tensor): Tensor | Tensor[] => {
  let vectors: Tensor[];
  if (Array.isArray(xs)) {
    if (xs.length === 0) throw new Error('gramSchmidt: xs must hold at least one vector, got an empty array');
    vectors = xs.map((x, i) => convert('gramSchmidt', `xs[${i}]`, x));
    vectors.forEach((v, i) => {
      if (v.rank !== 1 || v.size !== vectors[0].size) throw new Error(`gramSchmidt: xs[${i}] must be a vector of the length of xs[0] ([${vectors[0].size}]), got shape ${shapeText(v)}`);
    });
  } else {
    const matrix = convert('gramSchmidt', 'xs', xs);
    if (matrix.rank !== 2 || matrix.shape[0] === 0) throw new Error(`gramSchmidt: xs must be an array of vectors or a matrix with at least one row, got shape ${shapeText(matrix)}`);
    vectors = unstack(matrix);
  }
  const length = vectors[0].size;
  if (vectors.length > length) throw new Error(`gramSchmidt: xs holds ${vectors.length} vectors of length ${length}; at most ${length} can be orthogonal`);
  const ys: Tensor[] = [];
  for (const vector of vectors) {
    // Modified Gram-Schmidt, as TF.js: each projection is taken from what the previous ones left.
    let x = vector.dtype === 'float32' ? vector : cast(vector, 'float32');
    for (const y of ys) x = sub(x, mul(sum(mul(y, x)), y));
    ys.push(div(x, sqrt(sum(square(x)))));
  }
  return Array.isArray(xs) ? ys : stack(ys);
});

/**
 * The QR decomposition of each innermost matrix by Householder reflections, as TF.js computes it: [q, r] with
 * q orthogonal and r upper triangular. For an m-by-n matrix with m > n, q is m-by-n and r n-by-n unless
 * fullMatrices (q m-by-m, r m-by-n).
 * @example const [q, r] = tf.linalg.qr(tf.tensor2d([[1, 2], [3, 4]])); q.print(); r.print();
 */
const qr = op((x: Operand, fullMatrices = false): Tensor[] => {
  let $x = convert('qr', 'x', x);
  checkBool('qr', 'fullMatrices', fullMatrices);
  if ($x.rank < 2) throw new Error(`qr: x must have rank 2 or more, got shape ${shapeText($x)}`);
  if ($x.dtype !== 'float32') $x = cast($x, 'float32');
  const batch = $x.shape.slice(0, -2);
  const [m, n] = $x.shape.slice(-2);
  // begin and size of a slice of the last two axes, whole along the batch axes
  const at = (row: number, col: number) => [...batch.map(() => 0), row, col];
  const size = (rows: number, cols: number) => [...batch.map(() => -1), rows, cols];
  const one = ones([...batch, 1, 1]);
  let q = broadcastTo(eye(m), [...batch, m, m]);
  let r = clone($x);
  for (let j = 0; j < Math.min(m, n); j++) {
    const [qBefore, rBefore] = [q, r];
    [q, r] = tidy(() => {
      // H = I - tau w wᵀ puts zeros below r[j, j]; then r := H r and q := q H, on the rows and columns H changes.
      const column = slice(r, at(j, j), size(m - j, 1));
      const norm = sqrt(sum(square(column), -2, true));
      const rjj = slice(r, at(j, j), size(1, 1));
      const s = where(greater(rjj, 0), -1, 1); // not sign(): 0 must not divide
      const u1 = sub(rjj, mul(s, norm));
      const w = m - j === 1 ? one : concat([one, slice(div(column, u1), at(1, 0), size(-1, -1))], -2);
      const tauW = mul(neg(div(mul(s, u1), norm)), w);
      const rBelow = slice(r, at(j, 0), size(m - j, n));
      const rNext = sub(rBelow, matMul(tauW, matMul(w, rBelow, true, false)));
      const qRight = slice(q, at(0, j), size(m, m - j));
      const qNext = sub(qRight, matMul(matMul(qRight, w), tauW, false, true));
      return j === 0 ? [qNext, rNext] : [concat([slice(q, at(0, 0), size(m, j)), qNext], -1), concat([slice(r, at(0, 0), size(j, n)), rNext], -2)];
    });
    qBefore.dispose();
    rBefore.dispose();
  }
  if (!fullMatrices && m > n) return [slice(q, at(0, 0), size(m, n)), slice(r, at(0, 0), size(n, n))];
  return [q, r];
});

/** TF.js's tf.linalg namespace. */
export const linalg = { bandPart, gramSchmidt, qr };
