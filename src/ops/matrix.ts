// Matrix products: matMul over any rank (a batch of matrix pairs, the batch dimensions broadcast), dot and
// outerProduct built on it, and einsum (TF.js's subset: one or two inputs, no repeated labels, no '...'); and
// diag, the values of a tensor put on a diagonal.
// Float products run the packed SIMD kernel one matrix pair per call; int32 and bool run the integer kernel.

import { DTYPE_CODES, Binary } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import { activeBackend } from '../engine.js';
import { upcast } from '../tensor/dtype.js';
import { sizeOf, Tensor } from '../tensor/tensor.js';
import { checkBool, describe } from '../validate.js';
import { sumTo, mul } from './arithmetic.js';
import { cast } from './cast.js';
import { ones } from './creation.js';
import { scatterND } from './indexing.js';
import { broadcastShapes, broadcastStrides, convert, describeStrides, empty, kernels, MAX_DESC_RANK, op, stridesOf, type TensorLike } from './op.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';
import { fromValues } from './values.js';

type Operand = Tensor | TensorLike;

const shapeText = (t: Tensor) => `[${t.shape.join(', ')}]`;

/**
 * The product of two matrices, either transposed first; tensors of rank 3 or more are batches of matrices (the
 * last two axes), their batch dimensions broadcast. Mixed dtypes upcast; int32 (and bool) products stay int32
 * (bool) as in TF.js.
 * @example tf.tensor2d([1, 2], [1, 2]).matMul(tf.tensor2d([1, 2, 3, 4], [2, 2])).print();
 */
export const matMul = op((a: Operand, b: Operand, transposeA = false, transposeB = false): Tensor => {
  let $a = convert('matMul', 'a', a);
  let $b = convert('matMul', 'b', b);
  checkBool('matMul', 'transposeA', transposeA);
  checkBool('matMul', 'transposeB', transposeB);
  if ($a.rank < 2) throw new Error(`matMul: a must have rank 2 or more, got shape ${shapeText($a)}`);
  if ($b.rank < 2) throw new Error(`matMul: b must have rank 2 or more, got shape ${shapeText($b)}`);
  const dtype = upcast($a.dtype, $b.dtype);
  if ($a.dtype !== dtype) $a = cast($a, dtype);
  if ($b.dtype !== dtype) $b = cast($b, dtype);
  const [ra, ca] = $a.shape.slice(-2);
  const [rb, cb] = $b.shape.slice(-2);
  const [m, k] = transposeA ? [ca, ra] : [ra, ca];
  const [kb, n] = transposeB ? [cb, rb] : [rb, cb];
  if (k !== kb) {
    throw new Error(`matMul: inner dimensions must match, got a ${shapeText($a)}${transposeA ? 'ᵀ' : ''} and b ${shapeText($b)}${transposeB ? 'ᵀ' : ''} (${k} vs ${kb})`);
  }
  const batch = broadcastShapes('matMul', $a.shape.slice(0, -2), $b.shape.slice(0, -2));
  const out = product($a, $b, batch, m, n, k, transposeA, transposeB);
  if (recording()) {
    const [sa, sb] = [$a.shape, $b.shape];
    record([$a, $b], [out], [$a, $b], ([dy], [a, b], needs) => {
      // TF.js's four cases, each gradient one product in the layout it needs, summed over broadcast batches.
      const grads = (da: () => Tensor, db: () => Tensor) => [needs[0] ? sumTo(da(), sa) : null, needs[1] ? sumTo(db(), sb) : null];
      if (!transposeA && !transposeB) return grads(() => matMul(dy, b, false, true), () => matMul(a, dy, true, false));
      if (!transposeA && transposeB) return grads(() => matMul(dy, b, false, false), () => matMul(dy, a, true, false));
      if (transposeA && !transposeB) return grads(() => matMul(b, dy, false, true), () => matMul(a, dy, false, false));
      return grads(() => matMul(b, dy, true, true), () => matMul(dy, a, true, true));
    });
  }
  return out;
});

/**
 * C[batch, m, n] = op(A)·op(B) for every matrix pair of the broadcast batch. Without a batch of b (and with a
 * untransposed), a's matrices are one tall matrix: a single kernel call, at the 2-D speed.
 */
function product(a: Tensor, b: Tensor, batch: number[], m: number, n: number, k: number, transA: boolean, transB: boolean): Tensor {
  const out = empty('matMul', [...batch, m, n], a.dtype);
  if (out.size === 0) return out;
  const backend = activeBackend();
  const [pa, pb, pc] = [a.ptr('matMul'), b.ptr('matMul'), out.ptr('matMul')];
  const kernel = backend.kernels;
  if (k === 0) {
    kernel.fill(pc, out.size, 0); // an empty sum: 0 bits, in every dtype
    return out;
  }
  const multiply = (offsetA: number, offsetB: number, offsetC: number, rows: number) => {
    const [at, bt, ct] = [pa + offsetA * 4, pb + offsetB * 4, pc + offsetC * 4];
    if (a.dtype === 'float32') kernel.matmul(at, bt, ct, rows, n, k, +transA, +transB, 0, backend.scratch);
    else kernel.matmulInt(at, bt, ct, rows, n, k, +transA, +transB);
  };
  const aBatch = a.shape.slice(0, -2);
  const bBatch = b.shape.slice(0, -2);
  if (sizeOf(bBatch) === 1 && !transA) multiply(0, 0, 0, sizeOf(batch) * m);
  else {
    const [stepsA, stepsB] = [broadcastStrides(aBatch, batch), broadcastStrides(bBatch, batch)];
    const counts = stridesOf(batch);
    for (let i = 0; i < sizeOf(batch); i++) {
      // the batch index of matrix i, and where a and b keep that matrix (broadcast axes step 0)
      let [ia, ib] = [0, 0];
      counts.forEach((count, axis) => {
        const at = Math.floor(i / count) % batch[axis];
        ia += at * stepsA[axis];
        ib += at * stepsB[axis];
      });
      multiply(ia * m * k, ib * k * n, i * m * n, m);
    }
  }
  if (a.dtype === 'bool') kernel.cast(pc, DTYPE_CODES.int32, DTYPE_CODES.bool, pc, out.size); // true where any pair is
  return out;
}

/**
 * The dot product of vectors and matrices: vector·vector is a scalar, matrix·vector and vector·matrix vectors,
 * matrix·matrix a matrix.
 * @example tf.tensor1d([1, 2]).dot(tf.tensor2d([[1, 2], [3, 4]])).print();
 */
export const dot = op((t1: Operand, t2: Operand): Tensor => {
  const $t1 = convert('dot', 't1', t1);
  const $t2 = convert('dot', 't2', t2);
  if ($t1.rank !== 1 && $t1.rank !== 2) throw new Error(`dot: t1 must have rank 1 or 2, got shape ${shapeText($t1)}`);
  if ($t2.rank !== 1 && $t2.rank !== 2) throw new Error(`dot: t2 must have rank 1 or 2, got shape ${shapeText($t2)}`);
  const inner1 = $t1.rank === 1 ? $t1.size : $t1.shape[1];
  const inner2 = $t2.rank === 1 ? $t2.size : $t2.shape[0];
  if (inner1 !== inner2) throw new Error(`dot: inner dimensions must match, got t1 ${shapeText($t1)} and t2 ${shapeText($t2)} (${inner1} vs ${inner2})`);
  const left = $t1.rank === 1 ? reshape($t1, [1, -1]) : $t1;
  const right = $t2.rank === 1 ? reshape($t2, [-1, 1]) : $t2;
  const result = matMul(left, right);
  if ($t1.rank === 2 && $t2.rank === 2) return result;
  return reshape(result, $t1.rank === 1 && $t2.rank === 1 ? [] : [result.size]);
});

/**
 * The outer product of two vectors: a matrix of v1.size rows and v2.size columns.
 * @example tf.outerProduct(tf.tensor1d([1, 2, 3]), tf.tensor1d([3, 4, 5])).print();
 */
export const outerProduct = op((v1: Operand, v2: Operand): Tensor => {
  const $v1 = convert('outerProduct', 'v1', v1);
  const $v2 = convert('outerProduct', 'v2', v2);
  if ($v1.rank !== 1) throw new Error(`outerProduct: v1 must have rank 1, got shape ${shapeText($v1)}`);
  if ($v2.rank !== 1) throw new Error(`outerProduct: v2 must have rank 1, got shape ${shapeText($v2)}`);
  return matMul(reshape($v1, [-1, 1]), reshape($v2, [1, -1]));
});

/**
 * A tensor of shape x.shape ++ x.shape, zero but for x's values on its diagonal: out[i..., i...] = x[i...]. Its
 * gradient is the diagonal of dy (beyond TF.js, which has none).
 * @example tf.diag(tf.tensor1d([1, 2, 3, 4])).print();
 */
export const diag = op((x: Operand): Tensor => {
  const $x = convert('diag', 'x', x);
  const n = $x.size;
  const shape = [...$x.shape, ...$x.shape];
  // Refused before the n places are listed (empty() would say the same, after).
  if (n * n * 4 > 2 ** 32) throw new Error(`diag: a tensor of shape [${shape.join(', ')}] needs ${n * n * 4} bytes, more than the 4 GiB a heap can hold`);
  const places = fromValues('diag', 'x', Int32Array.from({ length: n }, (_, i) => i * (n + 1)), [n, 1], 'int32');
  return reshape(scatterND(places, reshape($x, [n]), [n * n]), shape);
});

// ---- einsum ----

/** An einsum equation as label numbers: each input's, the output's, and every label's size. */
interface Contraction {
  inputs: number[][];
  output: number[];
  sizes: number[];
}

/** Parses and checks an equation against the tensors: TF.js's subset, every mistake named. */
function parseEinsum(equation: unknown, tensors: Tensor[]): Contraction {
  if (typeof equation !== 'string') throw new Error(`einsum: equation must be a string such as 'ij,jk->ik', got ${describe(equation)}`);
  const text = equation.replace(/\s/g, '');
  const sides = text.split('->');
  if (sides.length !== 2) throw new Error(`einsum: equation must have exactly one '->' (an implicit output is not supported), got '${equation}'`);
  if (text.includes('...')) throw new Error(`einsum: equation '${equation}' uses '...', which is not supported`);
  const [left, right] = sides;
  const terms = left.split(',');
  if (!/^[a-zA-Z]*$/.test(right) || !terms.every((t) => /^[a-zA-Z]*$/.test(t))) {
    throw new Error(`einsum: equation '${equation}' must name axes with letters only, the inputs separated by ','`);
  }
  if (terms.length > 2) throw new Error(`einsum: at most 2 input tensors are supported, equation '${equation}' has ${terms.length}`);
  if (terms.length !== tensors.length) throw new Error(`einsum: equation '${equation}' names ${terms.length} input(s), got ${tensors.length} tensor(s)`);
  const labels: string[] = [];
  const sizes: number[] = [];
  const inputs = terms.map((term, i) => {
    const t = tensors[i];
    if (new Set(term).size !== term.length) throw new Error(`einsum: tensors[${i}]'s subscripts '${term}' repeat a label (a diagonal), which is not supported`);
    if (term.length !== t.rank) throw new Error(`einsum: tensors[${i}] has shape ${shapeText(t)}, but its subscripts '${term}' name ${term.length} axes`);
    return [...term].map((label, axis) => {
      let id = labels.indexOf(label);
      if (id < 0) {
        id = labels.push(label) - 1;
        sizes.push(t.shape[axis]);
      } else if (sizes[id] !== t.shape[axis]) {
        throw new Error(`einsum: label '${label}' has size ${sizes[id]} in an earlier input, but ${t.shape[axis]} in tensors[${i}] ${shapeText(t)}`);
      }
      return id;
    });
  });
  if (new Set(right).size !== right.length) throw new Error(`einsum: the output '${right}' repeats a label`);
  const output = [...right].map((label) => {
    const id = labels.indexOf(label);
    if (id < 0) throw new Error(`einsum: the output label '${label}' is not among the inputs' labels`);
    return id;
  });
  return { inputs, output, sizes };
}

/**
 * The product of the inputs over every label (the output's first, then the summed ones), by one strided
 * kernel pass, then the sum over the summed labels. Recorded as one op whose gradient is einsum again.
 */
const contract = op((tensors: Tensor[], { inputs, output, sizes }: Contraction): Tensor => {
  const dtype = tensors.map((t) => t.dtype).reduce(upcast);
  const operands = tensors.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
  const summed = [...new Set(inputs.flat())].filter((id) => !output.includes(id));
  const all = [...output, ...summed];
  if (all.length > MAX_DESC_RANK) throw new Error(`einsum: the equation has ${all.length} distinct labels; at most ${MAX_DESC_RANK} are supported`);
  const shape = all.map((id) => sizes[id]);
  const strides = operands.map((t, i) => {
    const own = stridesOf(t.shape);
    return all.map((id) => (inputs[i].includes(id) ? own[inputs[i].indexOf(id)] : 0));
  });
  let out = empty('einsum', shape, dtype);
  if (out.size > 0) {
    const pointers = operands.map((t) => t.ptr('einsum'));
    const po = out.ptr('einsum');
    if (operands.length === 1) kernels().copyStrided(pointers[0], po, describeStrides(shape, strides[0], stridesOf(shape)));
    // (bools multiply as int32: 0/1, their logical and)
    else kernels().binaryStrided(dtype === 'float32' ? Binary.Mul : Binary.MulInt, pointers[0], pointers[1], po, describeStrides(shape, strides[0], strides[1]));
  }
  if (summed.length > 0) out = sum(out, summed.map((_, j) => output.length + j));
  if (recording()) {
    record(operands, [out], operands, ([dy], saved, needs) =>
      saved.map((t, i) => {
        if (!needs[i]) return null;
        // d/d input i: dy times the other input, summed over what input i does not have, then spread along
        // the labels only input i has (summed away in the forward pass).
        const others = saved.filter((_, j) => j !== i);
        const otherLabels = inputs.filter((_, j) => j !== i);
        const present = new Set([...output, ...otherLabels.flat()]);
        const kept = inputs[i].filter((id) => present.has(id));
        const g = contract([dy, ...others], { inputs: [output, ...otherLabels], output: kept, sizes });
        if (kept.length === inputs[i].length) return g;
        const withOnes = reshape(g, inputs[i].map((id) => (present.has(id) ? sizes[id] : 1)));
        return mul(withOnes, ones(t.shape, withOnes.dtype));
      }),
    );
  }
  return out;
});

/**
 * Tensor contraction by Einstein summation, as TF.js supports it: one or two inputs, an explicit output
 * ('ij,jk->ik'), no label repeated within a term, no '...'.
 * @example tf.einsum('ij,jk->ik', tf.tensor2d([[1, 2, 3], [4, 5, 6]]), tf.tensor2d([[0, 1], [2, 3], [4, 5]])).print();
 */
export const einsum = op((equation: string, ...tensors: Operand[]): Tensor => {
  const $tensors = tensors.map((t, i) => convert('einsum', `tensors[${i}]`, t));
  return contract($tensors, parseEinsum(equation, $tensors));
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    matMul(b: Operand, transposeA?: boolean, transposeB?: boolean): Tensor;
    dot(b: Operand): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  matMul(this: Tensor, b: Operand, transposeA?: boolean, transposeB?: boolean) {
    return matMul(this, b, transposeA, transposeB);
  },
  dot(this: Tensor, b: Operand) {
    return dot(this, b);
  },
});
