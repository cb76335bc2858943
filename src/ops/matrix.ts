// Matrix products: matMul of two matrices, either transposed first, by the packed SIMD kernel. Its gradient
// is two more products, in the layout each case needs (no transposed copies).

import { record, recording } from '../autodiff/tape.js';
import { activeBackend } from '../engine.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBool } from '../validate.js';
import { cast } from './cast.js';
import { convert, empty, op, type TensorLike } from './op.js';

type Operand = Tensor | TensorLike;

/**
 * The product of two matrices, either of them transposed first.
 * @example tf.tensor2d([1, 2], [1, 2]).matMul(tf.tensor2d([1, 2, 3, 4], [2, 2])).print();
 */
export const matMul = op((a: Operand, b: Operand, transposeA = false, transposeB = false): Tensor => {
  let $a = convert('matMul', 'a', a, 'float32');
  let $b = convert('matMul', 'b', b, 'float32');
  checkBool('matMul', 'transposeA', transposeA);
  checkBool('matMul', 'transposeB', transposeB);
  if ($a.rank !== 2) throw new Error(`matMul: a must have rank 2, got shape [${$a.shape.join(', ')}]`);
  if ($b.rank !== 2) throw new Error(`matMul: b must have rank 2, got shape [${$b.shape.join(', ')}]`);
  if ($a.dtype !== 'float32') $a = cast($a, 'float32');
  if ($b.dtype !== 'float32') $b = cast($b, 'float32');
  const [m, k] = transposeA ? [$a.shape[1], $a.shape[0]] : $a.shape;
  const [kb, n] = transposeB ? [$b.shape[1], $b.shape[0]] : $b.shape;
  if (k !== kb) {
    throw new Error(
      `matMul: inner dimensions must match, got a [${$a.shape.join(', ')}]${transposeA ? 'ᵀ' : ''} and b [${$b.shape.join(', ')}]${transposeB ? 'ᵀ' : ''} (${k} vs ${kb})`,
    );
  }
  const out = product($a, $b, m, n, k, transposeA, transposeB);
  if (recording()) {
    record([$a, $b], [out], [$a, $b], ([dy], [a, b], needs) => {
      // TF.js's four cases: each gradient is one product in the layout it needs.
      if (!transposeA && !transposeB) return [needs[0] ? matMul(dy, b, false, true) : null, needs[1] ? matMul(a, dy, true, false) : null];
      if (!transposeA && transposeB) return [needs[0] ? matMul(dy, b, false, false) : null, needs[1] ? matMul(dy, a, true, false) : null];
      if (transposeA && !transposeB) return [needs[0] ? matMul(b, dy, false, true) : null, needs[1] ? matMul(a, dy, false, false) : null];
      return [needs[0] ? matMul(b, dy, true, true) : null, needs[1] ? matMul(dy, a, true, true) : null];
    });
  }
  return out;
});

/** C[m,n] = op(A)·op(B) by the matmul kernel. */
function product(a: Tensor, b: Tensor, m: number, n: number, k: number, transA: boolean, transB: boolean): Tensor {
  const out = empty('matMul', [m, n], 'float32');
  if (m * n === 0) return out;
  const backend = activeBackend();
  const [pa, pb, pc] = [a.ptr('matMul'), b.ptr('matMul'), out.ptr('matMul')];
  if (k === 0) backend.kernels.fill(pc, m * n, 0);
  else backend.kernels.matmul(pa, pb, pc, m, n, k, +transA, +transB, 0, backend.scratch);
  return out;
}

declare module '../tensor/tensor.js' {
  interface Tensor {
    matMul(b: Operand, transposeA?: boolean, transposeB?: boolean): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  matMul(this: Tensor, b: Operand, transposeA?: boolean, transposeB?: boolean) {
    return matMul(this, b, transposeA, transposeB);
  },
});
