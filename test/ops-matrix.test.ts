// The matrix, linalg, creation and random family: matMul (batched, broadcast, every transpose, int32 and bool),
// dot, outerProduct, einsum, tf.linalg (bandPart, gramSchmidt, qr), eye, range, linspace, the fills and
// tensorNd, and the random ops. Values, dtypes and errors against TF.js on awkward shapes, gradients against
// central differences, random draws against TF.js's shape, dtype and moments, on both backends; then the new
// kernels on every build against f64 references and each other, bit for bit.

import * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { word } from '../src/backend/heap.js';
import { exp64, log64 } from '../src/backend/js/random.js';
import { RNG_STATE_BYTES } from '../src/backend/kernels.js';
import type { Backend } from '../src/backend/backend.js';
import { expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { BUILDS, backendFor, freeAll, get, getInt, onBackend, put, putInt, randomData } from './support.js';

type Lib = typeof tf;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** Small integers in [lo, hi] as a tensor of the dtype. */
function ints(t: Lib, shape: number[], seed: number, lo = -9, hi = 9, dtype: 'float32' | 'int32' | 'bool' = 'int32'): tf.Tensor {
  const values = Array.from(randomData(size(shape), seed, lo, hi + 1), Math.floor);
  return t.tensor(dtype === 'bool' ? values.map((v) => v % 2 !== 0) : values, shape, dtype);
}

/** The moments of some values: count, mean, standard deviation, min and max. */
function moments(values: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  let [sum, squares, min, max] = [0, 0, Infinity, -Infinity];
  for (let i = 0; i < values.length; i++) {
    sum += values[i];
    squares += values[i] * values[i];
    min = Math.min(min, values[i]);
    max = Math.max(max, values[i]);
  }
  const mean = sum / values.length;
  return { mean, std: Math.sqrt(Math.max(squares / values.length - mean * mean, 0)), min, max };
}

/**
 * Runs a random program on TF.js and on neurite and expects the same shape and dtype, means and standard
 * deviations within `tolerance` (a few standard errors of the sample sizes used) and the same range.
 */
async function expectSameDistribution(label: string, program: (t: Lib) => tf.Tensor, tolerance: number, sameRange = true): Promise<void> {
  if (tfjs.getBackend() !== 'cpu') await tfjs.setBackend('cpu');
  const theirs = tfjs.tidy(() => program(tfjs as unknown as Lib) as never) as unknown as tfjs.Tensor;
  const ours = tf.tidy(() => program(tf));
  expect(ours.shape, `${label}: shape`).toEqual(theirs.shape);
  expect(ours.dtype, `${label}: dtype`).toBe(theirs.dtype);
  const [a, b] = [moments(ours.dataSync()), moments(theirs.dataSync() as ArrayLike<number>)];
  expect(Math.abs(a.mean - b.mean), `${label}: mean ${a.mean} vs TF.js ${b.mean}`).toBeLessThan(tolerance);
  expect(Math.abs(a.std - b.std), `${label}: std ${a.std} vs TF.js ${b.std}`).toBeLessThan(tolerance);
  if (sameRange) {
    expect(a.min, `${label}: min`).toBeGreaterThanOrEqual(b.min - tolerance * 20);
    expect(a.max, `${label}: max`).toBeLessThanOrEqual(b.max + tolerance * 20);
  }
  ours.dispose();
  theirs.dispose();
}

describe.each(['wasm', 'js'] as const)('matrix family on %s', (backend) => {
  onBackend(backend);

  it('matMul: awkward sizes, every transpose, as TF.js', async () => {
    for (const [m, k, n] of [[1, 1, 1], [3, 7, 17], [17, 3, 7], [63, 65, 1], [65, 1, 63], [7, 63, 65], [2, 257, 3], [65, 17, 257]]) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        await expectSameAsTfjs(`matMul [${m},${k}]x[${k},${n}] ${ta} ${tb}`, (t) => t.matMul(sample(ta ? [k, m] : [m, k], m, -1, 1, 0, t), sample(tb ? [n, k] : [k, n], n + 1, -1, 1, 0, t), ta, tb), { atol: 1e-5, rtol: 1e-4 });
      }
    }
  });

  it('matMul: batches of any rank, broadcast', async () => {
    const cases: Array<[number[], number[], boolean, boolean]> = [
      [[2, 3, 4], [2, 4, 5], false, false],
      [[2, 3, 4], [4, 5], false, false],
      [[3, 4], [2, 4, 5], false, false],
      [[2, 4, 3], [4, 5], true, false],
      [[2, 3, 5, 4], [3, 4, 5], false, false],
      [[1, 5, 7], [3, 7, 17], false, false],
      [[4, 17, 7], [1, 7, 3], false, true],
      [[2, 3, 7, 5], [3, 17, 7], true, true],
    ];
    for (const [sa, sb, ta, tb] of cases) {
      await expectSameAsTfjs(`matMul [${sa}] x [${sb}] ${ta} ${tb}`, (t) => t.matMul(sample(sa, 1, -1, 1, 0, t), sample(sb, 2, -1, 1, 0, t), ta, tb), { atol: 1e-5, rtol: 1e-4 });
    }
    // Batches broadcast both ways: TF.js's cpu kernel indexes them modulo the batch sizes (and gets them wrong),
    // so the reference broadcasts the operands first.
    const broadcasts: Array<[number[], number[], boolean, boolean]> = [
      [[2, 1, 3, 4], [1, 3, 5, 4], false, true],
      [[3, 1, 2, 2], [3, 2, 2], true, true],
      [[2, 3, 2, 1, 4, 3], [3, 1, 1, 3, 2], false, false],
      [[1, 3, 7, 17], [2, 1, 17, 3], false, false],
    ];
    if (tfjs.getBackend() !== 'cpu') await tfjs.setBackend('cpu');
    for (const [sa, sb, ta, tb] of broadcasts) {
      const [a, b] = [sa.slice(0, -2), sb.slice(0, -2)];
      const rank = Math.max(a.length, b.length);
      const full = Array.from({ length: rank }, (_, i) => Math.max(a[a.length - rank + i] ?? 1, b[b.length - rank + i] ?? 1));
      const expected = tfjs.tidy(() => tfjs.matMul(tfjs.broadcastTo(sample(sa, 1, -1, 1, 0, tfjs as unknown as Lib) as unknown as tfjs.Tensor, [...full, ...sa.slice(-2)]), tfjs.broadcastTo(sample(sb, 2, -1, 1, 0, tfjs as unknown as Lib) as unknown as tfjs.Tensor, [...full, ...sb.slice(-2)]), ta, tb));
      const got = tf.tidy(() => tf.matMul(sample(sa, 1), sample(sb, 2), ta, tb));
      expect(got.shape, `[${sa}] x [${sb}]`).toEqual(expected.shape);
      got.dataSync().forEach((v, i) => expect(Math.abs(v - (expected.dataSync()[i] as number)), `[${sa}] x [${sb}] [${i}]`).toBeLessThan(1e-5));
      tf.dispose(got);
      tfjs.dispose(expected);
    }
  });

  it('matMul: int32 stays int32 (wrapping as TF.js), bool, mixed dtypes, empty shapes, nested arrays', async () => {
    await expectSameAsTfjs('int32', (t) => t.matMul(ints(t, [3, 17], 1), ints(t, [17, 5], 2)));
    await expectSameAsTfjs('int32 transposed, batched', (t) => t.matMul(ints(t, [2, 7, 3], 3), ints(t, [2, 5, 7], 4), true, true));
    await expectSameAsTfjs('int32 wrapping past 2^31', (t) => t.matMul(ints(t, [2, 9], 5, 2 ** 20, 2 ** 21), ints(t, [9, 3], 6, 2 ** 20, 2 ** 21)));
    await expectSameAsTfjs('int32 with float32', (t) => t.matMul(ints(t, [2, 3], 7), sample([3, 2], 8, -1, 1, 0, t)));
    await expectSameAsTfjs('bool of 0/1 results', (t) => t.matMul(t.tensor([[true, false], [false, false]]), t.tensor([[true, false], [false, true]])));
    await expectSameAsTfjs('empty inner', (t) => t.matMul(t.zeros([2, 0]), t.zeros([0, 3])));
    await expectSameAsTfjs('empty rows', (t) => t.matMul(t.zeros([0, 2]), t.ones([2, 3])));
    await expectSameAsTfjs('int32 empty inner', (t) => t.matMul(t.zeros([2, 0], 'int32'), t.zeros([0, 3], 'int32')));
    await expectSameAsTfjs('nested arrays', (t) => t.matMul([[1, 2]], [[3], [4]]));
    await expectSameAsTfjs('chained', (t) => t.tensor2d([1, 2], [1, 2]).matMul(t.tensor2d([1, 2, 3, 4], [2, 2])));
    // A bool product is true where any pair is (TF.js keeps the count in a bool tensor).
    tf.tidy(() => {
      const b = tf.matMul(tf.tensor([[true, true]]), tf.tensor([[true], [true]]));
      expect([b.dtype, Array.from(b.dataSync())]).toEqual(['bool', [1]]);
      // An empty batch (TF.js's cpu kernel writes one matrix into a tensor of none).
      const none = tf.matMul(tf.zeros([0, 2, 2]), tf.ones([2, 3]));
      expect([none.shape, none.size]).toEqual([[0, 2, 3], 0]);
    });
  });

  it('matMul: refuses what TF.js refuses, naming the argument', async () => {
    await expectSameAsTfjs('inner mismatch', (t) => t.matMul(t.ones([2, 3]), t.ones([2, 3])));
    await expectSameAsTfjs('batches that do not broadcast', (t) => t.matMul(t.ones([2, 2, 2]), t.ones([3, 2, 2])));
    tf.tidy(() => {
      expect(() => tf.matMul([1, 2], [[1], [2]])).toThrow(/^matMul: a must have rank 2 or more, got shape \[2\]/);
      expect(() => tf.matMul(tf.ones([2, 2]), 3)).toThrow(/^matMul: b must have rank 2 or more/);
      expect(() => tf.matMul(tf.ones([2, 3]), tf.ones([2, 3]))).toThrow(/^matMul: inner dimensions must match, got a \[2, 3\] and b \[2, 3\] \(3 vs 2\)/);
      expect(() => tf.matMul(tf.ones([2, 2, 2]), tf.ones([3, 2, 2]))).toThrow(/^matMul: operands could not be broadcast/);
      expect(() => tf.matMul(tf.ones([2, 2]), tf.ones([2, 2]), 'yes' as unknown as boolean)).toThrow(/^matMul: transposeA must be true or false/);
      expect(() => tf.matMul('x' as unknown as tf.Tensor, tf.ones([2, 2]))).toThrow(/^matMul: a must be a Tensor/);
    });
  });

  it('dot and outerProduct: every combination of vectors and matrices, as TF.js', async () => {
    const v3 = (t: Lib, seed: number) => sample([3], seed, -1, 1, 0, t);
    await expectSameAsTfjs('vector . vector', (t) => t.dot(v3(t, 1), v3(t, 2)));
    await expectSameAsTfjs('vector . matrix', (t) => t.dot(v3(t, 1), sample([3, 4], 3, -1, 1, 0, t)));
    await expectSameAsTfjs('matrix . vector', (t) => t.dot(sample([4, 3], 3, -1, 1, 0, t), v3(t, 1)));
    await expectSameAsTfjs('matrix . matrix', (t) => t.dot(sample([4, 3], 3, -1, 1, 0, t), sample([3, 2], 4, -1, 1, 0, t)));
    await expectSameAsTfjs('chained, int32', (t) => t.tensor1d([1, 2], 'int32').dot(t.tensor1d([3, 4], 'int32')));
    await expectSameAsTfjs('docs', (t) => [t.tensor1d([1, 2]).dot(t.tensor2d([[1, 2], [3, 4]])), t.tensor2d([[1, 2], [3, 4]]).dot(t.tensor2d([[1, 2, 3], [4, 5, 6]]))]);
    await expectSameAsTfjs('empty vectors', (t) => t.dot(t.zeros([0]), t.zeros([0])));
    await expectSameAsTfjs('rank 3', (t) => t.dot(t.ones([2, 2, 2]), t.ones([2])));
    await expectSameAsTfjs('inner mismatch', (t) => t.dot(t.ones([2, 3]), t.ones([2])));
    tf.tidy(() => expect(() => tf.dot(tf.ones([2, 2, 2]), [1, 2])).toThrow(/^dot: t1 must have rank 1 or 2, got shape \[2, 2, 2\]/));
    expect(() => tf.dot([1, 2], [1, 2, 3])).toThrow(/^dot: inner dimensions must match/);
    await expectSameAsTfjs('outerProduct', (t) => t.outerProduct(sample([7], 1, -1, 1, 0, t), sample([3], 2, -1, 1, 0, t)));
    await expectSameAsTfjs('outerProduct int32, empty', (t) => [t.outerProduct(t.tensor1d([1, 2], 'int32'), t.tensor1d([3, 4, 5], 'int32')), t.outerProduct(t.zeros([0]), t.ones([2]))]);
    await expectSameAsTfjs('outerProduct of a matrix', (t) => t.outerProduct(t.ones([1, 2]), t.ones([2])));
    expect(() => tf.outerProduct([[1, 2]], [1])).toThrow(/^outerProduct: v1 must have rank 1, got shape \[1, 2\]/);
  });

  it('einsum: TF.js documented cases and more, int32 and bool, empty', async () => {
    const x23 = (t: Lib) => t.tensor2d([[1, 2, 3], [4, 5, 6]]);
    await expectSameAsTfjs('matmul', (t) => t.einsum('ij,jk->ik', x23(t), t.tensor2d([[0, 1], [2, 3], [4, 5]])));
    await expectSameAsTfjs('dot', (t) => t.einsum('i,i->', t.tensor1d([1, 2, 3]), t.tensor1d([0, 1, 2])));
    await expectSameAsTfjs('batch dot', (t) => t.einsum('bi,bi->b', x23(t), t.tensor2d([[0, 1, 2], [3, 4, 5]])));
    await expectSameAsTfjs('outer', (t) => t.einsum('i,j->ij', t.tensor1d([1, 3, 5]), t.tensor1d([2, 4, 6])));
    await expectSameAsTfjs('transpose', (t) => t.einsum('ij->ji', x23(t)));
    await expectSameAsTfjs('batch transpose', (t) => t.einsum('bij->bji', t.tensor3d([[[1, 2], [3, 4]], [[-1, -2], [-3, -4]]])));
    const cases: Array<[string, number[][]]> = [
      ['ij->', [[3, 4]]],
      ['ij->j', [[3, 17]]],
      ['ijk->kji', [[2, 3, 4]]],
      ['i->i', [[7]]],
      ['ij,j->i', [[5, 3], [3]]],
      ['ij,ij->', [[4, 5], [4, 5]]],
      ['ij,ij->ij', [[4, 5], [4, 5]]],
      ['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]]],
      ['ijk,k->ij', [[2, 3, 4], [4]]],
      ['ij,kl->ijkl', [[2, 3], [1, 2]]],
      ['ab,bc->ca', [[3, 65], [65, 2]]],
      ['IJ,JK->IK', [[2, 3], [3, 2]]],
      [' ij , jk -> ik ', [[2, 3], [3, 2]]],
      ['ij,jk->ik', [[2, 0], [0, 3]]],
    ];
    for (const [eq, shapes] of cases) {
      await expectSameAsTfjs(`einsum '${eq}'`, (t) => t.einsum(eq, ...shapes.map((s, i) => sample(s, i + 1, -1, 1, 0, t))), { atol: 1e-5, rtol: 1e-4 });
    }
    await expectSameAsTfjs('int32', (t) => t.einsum('ij,jk->ik', ints(t, [3, 4], 1), ints(t, [4, 2], 2)));
    await expectSameAsTfjs('int32 with float32', (t) => t.einsum('ij,jk->ik', ints(t, [3, 4], 1), sample([4, 2], 2, -1, 1, 0, t)));
    // TF.js sums only one of two labels that each input has alone ('i,j->' gives it a vector): by hand.
    const [p, q] = [tf.tensor1d([1, 2]), tf.tensor1d([3, 4, 5])];
    const both = tf.einsum('i,j->', p, q);
    expect([both.shape, Array.from(both.dataSync())]).toEqual([[], [36]]);
    tf.dispose([p, q, both]);
    await expectSameAsTfjs('bool transpose and sum', (t) => [t.einsum('ij->ji', ints(t, [2, 3], 1, 0, 1, 'bool')), t.einsum('ij->', ints(t, [2, 3], 1, 0, 1, 'bool'))]);
  });

  it('einsum: refuses what TF.js does not support, naming what is wrong', async () => {
    const m = () => tf.ones([2, 2]);
    for (const [eq, args] of [['ij,jk', [2, 2]], ['ii->i', [1]], ['i,i,i->', [3]], ['...i->...', [1]], ['ij->ik', [1]], ['ij,jk->ik', [1]]] as Array<[string, number[]]>) {
      await expectSameAsTfjs(`einsum '${eq}'`, (t) => t.einsum(eq, ...Array.from({ length: args[0] }, () => t.ones([2, 2]))));
    }
    await expectSameAsTfjs('dimension mismatch', (t) => t.einsum('ij,jk->ik', t.ones([2, 3]), t.ones([2, 2])));
    tf.tidy(() => {
      expect(() => tf.einsum('ij,jk', m(), m())).toThrow(/^einsum: equation must have exactly one '->'/);
      expect(() => tf.einsum('ii->i', m())).toThrow(/^einsum: tensors\[0\]'s subscripts 'ii' repeat a label/);
      expect(() => tf.einsum('ij->ii', m())).toThrow(/^einsum: the output 'ii' repeats a label/);
      expect(() => tf.einsum('ij,jk->ik', tf.ones([2]), m())).toThrow(/^einsum: tensors\[0\] has shape \[2\], but its subscripts 'ij' name 2 axes/);
      expect(() => tf.einsum('ij,jk->ik', tf.ones([2, 3]), m())).toThrow(/^einsum: label 'j' has size 3 in an earlier input, but 2 in tensors\[1\]/);
      expect(() => tf.einsum('ij->k', m())).toThrow(/^einsum: the output label 'k' is not among the inputs' labels/);
      expect(() => tf.einsum('i1->i', m())).toThrow(/^einsum: equation 'i1->i' must name axes with letters only/);
      expect(() => tf.einsum(5 as unknown as string, m())).toThrow(/^einsum: equation must be a string/);
      expect(() => tf.einsum('abcde,fghij->', tf.ones([1, 1, 1, 1, 1]), tf.ones([1, 1, 1, 1, 1]))).toThrow(/^einsum: the equation has 10 distinct labels; at most 8/);
      expect(() => tf.einsum('i->i', 'x' as unknown as tf.Tensor)).toThrow(/^einsum: tensors\[0\] must be a Tensor/);
    });
  });

  it('matMul, dot, outerProduct and einsum gradients match central differences', () => {
    tf.tidy(() => {
      const [a, b, c, d] = [sample([3, 4], 1), sample([4, 2], 2), sample([2, 3, 4], 3), sample([1, 4, 2], 4)];
      const [at, bt] = [sample([4, 3], 5), sample([2, 4], 6)];
      expectGradient('matMul', (p, q) => tf.matMul(p, q), [a, b]);
      expectGradient('matMul Aᵀ', (p, q) => tf.matMul(p, q, true, false), [at, b]);
      expectGradient('matMul Bᵀ', (p, q) => tf.matMul(p, q, false, true), [a, bt]);
      expectGradient('matMul AᵀBᵀ', (p, q) => tf.matMul(p, q, true, true), [at, bt]);
      expectGradient('batched, b broadcast over the batch', (p, q) => tf.matMul(p, q), [c, d]);
      expectGradient('batched, a of rank 2', (p, q) => tf.matMul(p, q, false, true), [a, sample([2, 5, 4], 7)]);
      expectGradient('batched transposes', (p, q) => tf.matMul(p, q, true, true), [sample([2, 1, 4, 3], 8), sample([3, 2, 4], 9)]);
      const [u, v] = [sample([4], 10), sample([3], 11)];
      expectGradient('dot vector.vector', (p, q) => tf.dot(p, q), [u, sample([4], 12)]);
      expectGradient('dot vector.matrix', (p, q) => tf.dot(p, q), [u, b]);
      expectGradient('dot matrix.vector', (p, q) => tf.dot(p, q), [a, u]);
      expectGradient('outerProduct', (p, q) => tf.outerProduct(p, q), [u, v]);
      expectGradient("einsum 'ij,jk->ik'", (p, q) => tf.einsum('ij,jk->ik', p, q), [a, b]);
      expectGradient("einsum 'bij,bjk->bik'", (p, q) => tf.einsum('bij,bjk->bik', p, q), [c, sample([2, 4, 3], 13)]);
      expectGradient("einsum 'ij->ji'", (p) => tf.einsum('ij->ji', p), [a]);
      expectGradient("einsum 'ij->i' (a label only x has)", (p) => tf.einsum('ij->i', p), [a]);
      expectGradient("einsum 'i,j->' (labels each has alone)", (p, q) => tf.einsum('i,j->', p, q), [u, v]);
      expectGradient("einsum 'ijk,k->ij'", (p, q) => tf.einsum('ijk,k->ij', p, q), [c, u]);
      tf.dispose([a, b, c, d, at, bt, u, v]);
    });
  });

  it('second derivatives through matMul, dot and einsum', async () => {
    await expectSameAsTfjs('matMul twice', (t) => t.grad((x: tf.Tensor) => t.grad((y: tf.Tensor) => t.matMul(y, y).square().sum())(x).sum())(sample([3, 3], 1, -1, 1, 0, t)), { atol: 1e-4, rtol: 1e-4 });
    await expectSameAsTfjs('dot twice', (t) => t.grad((x: tf.Tensor) => t.grad((y: tf.Tensor) => t.dot(y, y).square())(x).sum())(sample([4], 2, -1, 1, 0, t)), { atol: 1e-4, rtol: 1e-4 });
    // TF.js has no einsum gradient: against the same contraction by matMul.
    const x = sample([3, 3], 3);
    const viaEinsum = tf.grad((p: tf.Tensor) => tf.grad((q: tf.Tensor) => tf.einsum('ij,jk->ik', q, q).square().sum())(p).sum())(x);
    const viaMatMul = tf.grad((p: tf.Tensor) => tf.grad((q: tf.Tensor) => tf.matMul(q, q).square().sum())(p).sum())(x);
    Array.from(viaEinsum.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(viaMatMul.dataSync()[i], 4));
    tf.dispose([x, viaEinsum, viaMatMul]);
  });

  it('eye, range and linspace: TF.js values and dtypes, accumulated as its cpu backend does', async () => {
    await expectSameAsTfjs('eye', (t) => [t.eye(3), t.eye(2, 3), t.eye(4, 2), t.eye(0), t.eye(1, 1), t.eye(17, 63)]);
    await expectSameAsTfjs('eye batched', (t) => [t.eye(2, 2, [3]), t.eye(2, 3, [2, 1]), t.eye(3, 2, [1, 2, 2])]);
    await expectSameAsTfjs('eye dtypes', (t) => [t.eye(3, undefined, undefined, 'int32'), t.eye(2, 2, [2], 'bool'), t.eye(2, null as unknown as number)]);
    await expectSameAsTfjs('eye batchShape of 4', (t) => t.eye(2, 2, [1, 1, 1, 1] as unknown as [number]));
    await expectSameAsTfjs('eye non-integer', (t) => t.eye(2.5));
    await expectSameAsTfjs('range', (t) => [t.range(0, 9, 2), t.range(0, 1, 0.1), t.range(1, 0, -0.1), t.range(-3, 3), t.range(5, 0), t.range(0, 10, 3, 'int32')]);
    await expectSameAsTfjs('range accumulates', (t) => [t.range(0.1, 1000, 0.37), t.range(0, 100, 1 / 3), t.range(1e7, 1e7 + 20, 0.7)]);
    await expectSameAsTfjs('range quirks', (t) => [t.range(0, 5, 1.5, 'int32'), t.range(0.5, 5, 1, 'int32'), t.range(5, 0, 0.5), t.range(5, 0, 2), t.range(3, 3), t.range(0, 5, -1), t.range(-5.5, 5, 1.25, 'int32')]);
    await expectSameAsTfjs('range step 0', (t) => t.range(0, 5, 0));
    await expectSameAsTfjs('linspace', (t) => [t.linspace(0, 9, 10), t.linspace(0, 1, 7), t.linspace(3, 9, 1), t.linspace(-2, 2, 2), t.linspace(1, -1, 257), t.linspace(0.1, 0.2, 63)]);
    await expectSameAsTfjs('linspace 0', (t) => t.linspace(0, 1, 0));
    expect(() => tf.range(0, Number.NaN)).toThrow(/^range: stop must be a finite number, got NaN/);
    expect(() => tf.range(0, 5, 0)).toThrow(/^range: step must not be 0/);
    expect(() => tf.range(0, 5, 1, 'bool' as 'int32')).toThrow(/^range: dtype must be 'float32' or 'int32'/);
    expect(() => tf.range(0, 3e9, 1e9, 'int32')).toThrow(/^range: the values from 0 by 1000000000 \(3 of them\) go beyond int32/);
    expect(() => tf.range(0, 1e12)).toThrow(/^range: a tensor of shape \[1000000000000\] needs/);
    expect(() => tf.linspace(0, 1, 2.5)).toThrow(/^linspace: num must be an integer >= 1, got 2.5/);
    expect(() => tf.eye(-1)).toThrow(/^eye: numRows must be an integer >= 0, got -1/);
    expect(() => tf.eye(2, 2, [2, 1, 1, 1])).toThrow(/^eye: batchShape must have 1 to 3 dimensions/);
    expect(() => tf.eye(2, 2, undefined, 'complex64' as 'float32')).toThrow(/^eye: dtype must be/);
  });

  it('fill, zeros, ones, zerosLike, onesLike and tensor1d..tensor6d as TF.js', async () => {
    await expectSameAsTfjs('fills', (t) => [t.fill([2, 3], 4), t.fill([2], -3, 'int32'), t.fill([3], true), t.fill([2, 0], 1), t.fill([], 7), t.fill([2], 2, 'int32')]);
    await expectSameAsTfjs('zeros and ones', (t) => [t.zeros([2, 3]), t.ones([3], 'int32'), t.zeros([2], 'bool'), t.ones([1, 0, 2]), t.ones([])]);
    await expectSameAsTfjs('*Like', (t) => [t.zerosLike(t.tensor([[1, 2]], undefined, 'int32')), t.onesLike(t.tensor([true, false])), t.onesLike([1.5, 2]), t.tensor1d([3, 4]).zerosLike(), t.tensor2d([[1]]).onesLike()]);
    await expectSameAsTfjs('tensorNd', (t) => [
      t.tensor1d([1, 2, 3], 'int32'),
      t.tensor2d([1, 2, 3, 4], [2, 2]),
      t.tensor2d(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]),
      t.tensor3d([[[1], [2]], [[3], [4]]]),
      t.tensor3d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2], 'int32'),
      t.tensor4d([[[[1, 2]]]]),
      t.tensor5d([1, 2, 3, 4], [1, 1, 2, 2, 1]),
      t.tensor6d([[[[[[true, false]]]]]]),
      t.tensor2d([[]]),
    ]);
    for (const [label, program] of [
      ['tensor1d of a scalar', (t: Lib) => t.tensor1d(5 as unknown as number[])],
      ['tensor2d of flat values without shape', (t: Lib) => t.tensor2d([1, 2, 3, 4])],
      ['tensor3d of rank-2 values', (t: Lib) => t.tensor3d([[1, 2], [3, 4]])],
      ['tensor4d with a shape of rank 3', (t: Lib) => t.tensor4d([1, 2], [1, 1, 2])],
    ] as const) {
      await expectSameAsTfjs(label, program);
    }
    expect(() => tf.fill([2], 'a' as unknown as number)).toThrow(/^fill: value must be a number or a boolean, got "a"/); // TF.js makes a string tensor
    expect(() => tf.fill([2], 3e9, 'int32')).toThrow(/^fill: value must be a 32-bit integer for dtype int32, got 3000000000/);
  });

  it('bandPart: any rank, int32 and bool, scalar tensor limits, as TF.js', async () => {
    const x = (t: Lib) => t.tensor2d([[0, 1, 2, 3], [-1, 0, 1, 2], [-2, -1, 0, 1], [-3, -2, -1, 0]]);
    await expectSameAsTfjs('docs', (t) => [t.linalg.bandPart(x(t), 1, -1), t.linalg.bandPart(x(t), 2, 1)]);
    for (const [lower, upper] of [[0, 0], [-1, 0], [0, -1], [-1, -1], [3, 1], [1, 3], [7, 0], [2, 17]]) {
      await expectSameAsTfjs(`[7, 17] ${lower} ${upper}`, (t) => t.linalg.bandPart(sample([7, 17], 1, -1, 1, 0, t), lower, upper));
      await expectSameAsTfjs(`[2, 3, 17, 7] ${lower} ${upper}`, (t) => t.linalg.bandPart(sample([2, 3, 17, 7], 2, -1, 1, 0, t), Math.min(lower, 17), Math.min(upper, 7)));
    }
    await expectSameAsTfjs('int32, bool', (t) => [t.linalg.bandPart(ints(t, [3, 3], 1), -1, 0), t.linalg.bandPart(ints(t, [3, 4], 2, 0, 1, 'bool'), 0, 1)]);
    await expectSameAsTfjs('scalar tensor limits', (t) => [
      t.linalg.bandPart(x(t), t.scalar(1, 'int32'), t.scalar(-1, 'int32')),
      t.linalg.bandPart(x(t), t.scalar(9, 'int32'), t.scalar(0, 'int32')),
    ]);
    await expectSameAsTfjs('too wide', (t) => t.linalg.bandPart(t.ones([3, 3]), 4, 0));
    await expectSameAsTfjs('non-integer', (t) => t.linalg.bandPart(t.ones([3, 3]), 1.5, 0));
    await expectSameAsTfjs('rank 1', (t) => t.linalg.bandPart(t.ones([3]), 1, 0));
    await expectSameAsTfjs('float32 limit', (t) => t.linalg.bandPart(t.ones([3, 3]), t.scalar(1), 0));
    tf.tidy(() => expect(tf.linalg.bandPart(tf.zeros([0, 3]), 0, 0).shape).toEqual([0, 3]));
    tf.tidy(() => {
      expect(() => tf.linalg.bandPart(tf.ones([3, 3]), 4, 0)).toThrow(/^bandPart: numLower must be at most 3 \(the number of rows\), got 4/);
      expect(() => tf.linalg.bandPart(tf.ones([3, 4]), 0, 1.5)).toThrow(/^bandPart: numUpper must be an integer/);
      expect(() => tf.linalg.bandPart(tf.ones([3]), 0, 0)).toThrow(/^bandPart: a must have rank 2 or more/);
    });
  });

  it('qr and gramSchmidt: TF.js values; batches of non-square matrices as each alone, QR = x', async () => {
    for (const shape of [[2, 2], [1, 1], [3, 3], [5, 3], [3, 5], [7, 7], [17, 3], [1, 4], [4, 1]]) {
      await expectSameAsTfjs(`qr [${shape}]`, (t) => t.linalg.qr(sample(shape, shape[0] * 10 + shape[1], -1, 1, 0.1, t)), { atol: 1e-4, rtol: 1e-4 });
      await expectSameAsTfjs(`qr [${shape}] full`, (t) => t.linalg.qr(sample(shape, shape[0] * 10 + shape[1], -1, 1, 0.1, t), true), { atol: 1e-4, rtol: 1e-4 });
    }
    await expectSameAsTfjs('qr batch of squares', (t) => t.linalg.qr(sample([2, 3, 4, 4], 5, -1, 1, 0.1, t)), { atol: 1e-4, rtol: 1e-4 });
    await expectSameAsTfjs('qr of zeros (NaN, as TF.js)', (t) => t.linalg.qr(t.zeros([2, 2])));
    await expectSameAsTfjs('qr of rank 1', (t) => t.linalg.qr(t.ones([2])));
    // Batches of non-square matrices (TF.js fails on them): each matrix as on its own.
    for (const [shape, full] of [[[2, 5, 3], false], [[2, 5, 3], true], [[3, 2, 4], false]] as Array<[number[], boolean]>) {
      tf.tidy(() => {
        const x = sample(shape, 6);
        const [q, r] = tf.linalg.qr(x, full);
        tf.unstack(x).forEach((matrix, i) => {
          const [q1, r1] = tf.linalg.qr(matrix, full);
          expect(Array.from(tf.unstack(q)[i].dataSync())).toEqual(Array.from(q1.dataSync()));
          expect(Array.from(tf.unstack(r)[i].dataSync())).toEqual(Array.from(r1.dataSync()));
        });
        const rebuilt = tf.matMul(q, r).dataSync();
        x.dataSync().forEach((v, i) => expect(rebuilt[i]).toBeCloseTo(v, 5));
      });
    }
    await expectSameAsTfjs('gramSchmidt matrix', (t) => t.linalg.gramSchmidt(t.tensor2d([[1, 2], [3, 4]])));
    await expectSameAsTfjs('gramSchmidt of 3 of 7', (t) => t.linalg.gramSchmidt(sample([3, 7], 1, -1, 1, 0, t)), { atol: 1e-5, rtol: 1e-4 });
    await expectSameAsTfjs('gramSchmidt array', (t) => t.linalg.gramSchmidt([t.tensor1d([1, 2, 0]), t.tensor1d([3, 4, 1]), t.tensor1d([0, 1, 5])]) as tf.Tensor[], { atol: 1e-5, rtol: 1e-4 });
    await expectSameAsTfjs('gramSchmidt too many', (t) => t.linalg.gramSchmidt(t.ones([3, 2])));
    await expectSameAsTfjs('gramSchmidt empty array', (t) => t.linalg.gramSchmidt([]));
    tf.tidy(() => {
      expect(() => tf.linalg.gramSchmidt([tf.ones([2]), tf.ones([3])])).toThrow(/^gramSchmidt: xs\[1\] must be a vector of the length of xs\[0\]/);
      const int = tf.linalg.gramSchmidt(tf.tensor2d([[1, 2], [3, 4]], [2, 2], 'int32')) as tf.Tensor;
      expect(int.dtype).toBe('float32');
      expect(() => tf.linalg.qr(tf.ones([2]))).toThrow(/^qr: x must have rank 2 or more, got shape \[2\]/);
      expect(() => tf.linalg.qr(tf.ones([2, 2]), 1 as unknown as boolean)).toThrow(/^qr: fullMatrices must be true or false/);
    });
  });

  it('bandPart, qr and gramSchmidt gradients match central differences', () => {
    tf.tidy(() => {
      const x = sample([4, 5], 1, -1, 1, 0.1);
      expectGradient('bandPart', (p) => tf.linalg.bandPart(p, 1, 2), [x]);
      expectGradient('bandPart batched', (p) => tf.linalg.bandPart(p, 0, -1), [sample([2, 3, 3], 2)]);
      const square = tf.tensor2d([[2, -1, 0.5], [1, 3, -0.5], [0.3, 0.7, 2.5]]);
      const tall = tf.tensor2d([[2, -1], [1, 3], [0.3, 0.7], [-0.5, 1.2]]);
      expectGradient('qr q', (p) => tf.linalg.qr(p)[0], [square]);
      expectGradient('qr r', (p) => tf.linalg.qr(p)[1], [square]);
      expectGradient('qr tall q', (p) => tf.linalg.qr(p)[0], [tall]);
      expectGradient('qr tall r (full)', (p) => tf.linalg.qr(p, true)[1], [tall]);
      expectGradient('gramSchmidt', (p) => tf.linalg.gramSchmidt(p) as tf.Tensor, [tf.transpose(tall)]);
      tf.dispose([x, square, tall]);
    });
  });

  it('random ops: TF.js shapes, dtypes and moments', async () => {
    const n = [20000];
    await expectSameDistribution('randomNormal', (t) => t.randomNormal(n, 2, 3, 'float32', 1), 0.15, false);
    await expectSameDistribution('randomNormal int32', (t) => t.randomNormal(n, 2, 3, 'int32', 2), 0.15, false);
    await expectSameDistribution('randomStandardNormal', (t) => t.randomStandardNormal(n, undefined, 3), 0.05, false);
    await expectSameDistribution('randomStandardNormal int32', (t) => t.randomStandardNormal(n, 'int32', 4), 0.05, false);
    await expectSameDistribution('truncatedNormal', (t) => t.truncatedNormal(n, -1, 2, 'float32', 5), 0.1);
    await expectSameDistribution('truncatedNormal int32', (t) => t.truncatedNormal(n, -1, 2, 'int32', 6), 0.1);
    await expectSameDistribution('randomUniform', (t) => t.randomUniform(n, 2, 5, 'float32', 7), 0.05);
    await expectSameDistribution('randomUniform int32', (t) => t.randomUniform(n, 0, 10, 'int32', 8), 0.1);
    await expectSameDistribution('randomUniform bool', (t) => t.randomUniform(n, 0, 2, 'bool', 9), 0.03);
    await expectSameDistribution('randomUniformInt', (t) => t.randomUniformInt(n, 3, 17, 10), 0.15);
    await expectSameDistribution('randomGamma', (t) => t.randomGamma(n, 2, 3, 'float32', 11), 0.3, false);
    await expectSameDistribution('randomGamma alpha < 1', (t) => t.randomGamma(n, 0.5, 1, 'float32', 12), 0.05, false);
    await expectSameDistribution('randomGamma int32', (t) => t.randomGamma(n, 4, 1, 'int32', 13), 0.15, false);
    await expectSameDistribution('multinomial normalized', (t) => t.multinomial([0.2, 0.3, 0.5], 20000, 14, true), 0.05);
    await expectSameDistribution('multinomial logits', (t) => t.multinomial(t.tensor1d([1, 2, 3, 0.5]), 20000, 15), 0.05);
    await expectSameDistribution('shapes of every rank', (t) => t.randomNormal([2, 3, 4, 5], 0, 1, undefined, 16).reshape([120]), 0.3);
    for (const [label, program] of [
      ['empty', (t: Lib) => [t.randomNormal([0, 3]), t.randomUniform([2, 0]), t.randomGamma([0], 1), t.multinomial([[1, 2]], 0)]],
      ['multinomial 2-D', (t: Lib) => t.multinomial([[0.5, 0.5], [0, 1]], 3, 1).shape],
      ['multinomial int32 logits', (t: Lib) => t.multinomial(t.tensor1d([1, 2], 'int32'), 2).dtype],
    ] as const) {
      if (tfjs.getBackend() !== 'cpu') await tfjs.setBackend('cpu');
      const theirs = tfjs.tidy(() => program(tfjs as unknown as Lib) as never);
      const ours = tf.tidy(() => program(tf) as never);
      const describeAll = (r: unknown) => (Array.isArray(r) ? r.map((x) => (x instanceof tf.Tensor || x instanceof tfjs.Tensor ? [x.shape, x.dtype] : x)) : r instanceof tf.Tensor ? [r.shape, r.dtype] : r);
      expect(describeAll(ours), label).toEqual(describeAll(theirs));
      tf.dispose(ours as tf.Tensor);
      tfjs.dispose(theirs as tfjs.Tensor);
    }
  });

  it('random ops: bounds, seeds repeat, the global stream follows setSeed', () => {
    tf.tidy(() => {
      const t = moments(tf.truncatedNormal([20000], 1, 0.5, 'float32', 1).dataSync());
      expect(t.min).toBeGreaterThanOrEqual(0);
      expect(t.max).toBeLessThanOrEqual(2);
      const u = moments(tf.randomUniformInt([20000], -5, 5, 2).dataSync());
      expect([u.min, u.max]).toEqual([-5, 4]);
      expect(Math.abs(u.mean + 0.5)).toBeLessThan(0.05);
      const g = moments(tf.randomGamma([20000], 3, 2, 'float32', 3).dataSync());
      expect(g.min).toBeGreaterThan(0);
      expect(Math.abs(g.mean - 6)).toBeLessThan(0.15); // TF.js's scale: mean alpha * beta
      expect(Math.abs(g.std - Math.sqrt(3) * 2)).toBeLessThan(0.15);
      const b = tf.randomUniform([1000], 0, 1, 'bool', 4);
      expect(moments(b.dataSync()).max).toBe(0); // floor of [0, 1) is 0
      for (const make of [
        (seed?: number) => tf.randomStandardNormal([50], 'int32', seed),
        (seed?: number) => tf.randomUniformInt([50], 0, 100, seed),
        (seed?: number) => tf.randomGamma([50], 0.7, 1, 'float32', seed),
        (seed?: number) => tf.multinomial([1, 2, 3], 50, seed),
      ]) {
        expect(Array.from(make(7).dataSync())).toEqual(Array.from(make(7).dataSync()));
        tf.setSeed(3);
        const first = Array.from(make().dataSync());
        const second = Array.from(make().dataSync());
        tf.setSeed(3);
        expect(Array.from(make().dataSync())).toEqual(first);
        expect(second).not.toEqual(first);
      }
    });
  });

  it('random ops refuse bad arguments, naming them', async () => {
    await expectSameAsTfjs('normal bool', (t) => t.randomNormal([2], 0, 1, 'bool' as 'int32'));
    await expectSameAsTfjs('standard normal bool', (t) => t.randomStandardNormal([2], 'bool' as 'int32'));
    await expectSameAsTfjs('gamma bool', (t) => t.randomGamma([2], 1, 1, 'bool' as 'int32'));
    await expectSameAsTfjs('negative shape', (t) => t.randomUniformInt([-1], 0, 2));
    await expectSameAsTfjs('multinomial 1 outcome', (t) => t.multinomial([1], 3));
    await expectSameAsTfjs('multinomial rank 3', (t) => t.multinomial([[[1, 2]]], 3));
    expect(() => tf.randomGamma([2], 0)).toThrow(/^randomGamma: alpha must be greater than 0, got 0/);
    expect(() => tf.randomGamma([2], 1, -1)).toThrow(/^randomGamma: beta must be greater than 0, got -1/);
    expect(() => tf.randomUniformInt([2], 5, 5)).toThrow(/^randomUniformInt: maxval must be greater than minval/);
    expect(() => tf.randomUniformInt([2], 0, 2 ** 40)).toThrow(/^randomUniformInt: maxval must lie within int32/);
    expect(() => tf.randomUniform([2], 0, 1, 'string' as 'int32')).toThrow(/^randomUniform: dtype must be 'float32', 'int32' or 'bool'/);
    expect(() => tf.randomStandardNormal([2], undefined, 0.5)).toThrow(/^randomStandardNormal: seed must be an integer/);
    expect(() => tf.multinomial([1, 2], -1)).toThrow(/^multinomial: numSamples must be an integer >= 0, got -1/);
    expect(() => tf.multinomial([1, 2], 2, undefined, 'yes' as unknown as boolean)).toThrow(/^multinomial: normalized must be true or false/);
    expect(() => tf.multinomial([1, 2], 2, 1.5)).toThrow(/^multinomial: seed must be an integer/);
  });
});

describe('seeded random ops are bit-identical on wasm and js', () => {
  onBackend('wasm');

  it('every random op, seeded, gives the same bits on both backends', async () => {
    const programs: Array<() => tf.Tensor> = [
      () => tf.randomNormal([257], 1, 2, 'int32', 1),
      () => tf.truncatedNormal([65], 0, 1, 'float32', 2),
      () => tf.randomUniform([63], -3, 7, 'int32', 3),
      () => tf.randomUniformInt([17], 0, 1000, 4),
      () => tf.randomGamma([257], 0.3, 2, 'float32', 5),
      () => tf.randomGamma([65], 5, 1, 'int32', 6),
      () => tf.multinomial([[1, 2, 3], [0.5, 0, -1]], 63, 7),
    ];
    for (const program of programs) {
      const onWasm = program();
      await tf.setBackend('js');
      const onJs = program();
      await tf.setBackend('wasm');
      expect(Array.from(onJs.dataSync()), program.toString()).toEqual(Array.from(onWasm.dataSync()));
      tf.dispose([onWasm, onJs]);
    }
  });
});

// ---- the kernels on every build ----

/** Values that reach past i32 in products and sums: the wrap must equal the exact sum modulo 2^32. */
function bigInts(n: number, seed: number): Int32Array {
  return Int32Array.from(randomData(n, seed, -(2 ** 20), 2 ** 20), Math.round);
}

/** C = op(A)·op(B) modulo 2^32, by BigInt: independent of both kernels. */
function matmulIntReference(a: Int32Array, b: Int32Array, m: number, n: number, k: number, transA: boolean, transB: boolean): Int32Array {
  const c = new Int32Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0n;
      for (let p = 0; p < k; p++) sum += BigInt(a[transA ? p * m + i : i * k + p]) * BigInt(b[transB ? j * k + p : p * n + j]);
      c[i * n + j] = Number(BigInt.asIntN(32, sum));
    }
  }
  return c;
}

/** One draw on a fresh state seeded with `seed`: the output words and the state after. */
function draw(b: Backend, seed: number, n: number, kernel: (state: number, out: number) => void): { out: Int32Array; state: Int32Array } {
  const state = b.heap.alloc(RNG_STATE_BYTES);
  const out = b.heap.alloc(Math.max(n, 1) * 4);
  b.kernels.rngSeed(state, seed);
  kernel(state, out);
  const result = { out: getInt(b, out, n), state: getInt(b, state, 4) };
  freeAll(b, [state, out]);
  return result;
}

describe.each(BUILDS)('matrix and random kernels on %s', (build) => {
  it('matmulInt: every layout, SIMD bodies and tails, wrapping as the exact sum modulo 2^32', async () => {
    const b = await backendFor(build);
    for (const [m, n, k] of [[1, 1, 1], [3, 7, 17], [17, 3, 4], [5, 65, 63], [2, 9, 8], [4, 4, 0]]) {
      for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
        const [av, bv] = [bigInts(m * k, m + k), bigInts(k * n, n + 7)];
        const [pa, pb, pc] = [putInt(b, av), putInt(b, bv), b.heap.alloc(Math.max(m * n, 1) * 4)];
        b.kernels.matmulInt(pa, pb, pc, m, n, k, +ta, +tb);
        if (k > 0) expect(Array.from(getInt(b, pc, m * n)), `${m}x${k}x${n} ${ta} ${tb}`).toEqual(Array.from(matmulIntReference(av, bv, m, n, k, ta, tb)));
        freeAll(b, [pa, pb, pc]);
      }
    }
  });

  it('bandPart, eye and sequence against plain loops', async () => {
    const b = await backendFor(build);
    const [batch, m, n] = [3, 7, 17];
    const x = randomData(batch * m * n, 1, -1, 1);
    for (const [lower, upper] of [[0, 0], [7, 0], [0, 17], [2, 5], [7, 17]]) {
      const px = put(b, x);
      const out = b.heap.alloc(x.length * 4);
      b.kernels.bandPart(px, out, batch, m, n, lower, upper);
      const expected = x.map((v, idx) => {
        const [i, j] = [Math.floor(idx / n) % m, idx % n];
        return j - i <= upper && i - j <= lower ? v : 0;
      });
      expect(Array.from(get(b, out, x.length)), `${lower} ${upper}`).toEqual(Array.from(expected));
      b.kernels.bandPart(px, px, batch, m, n, lower, upper); // in place
      expect(Array.from(get(b, px, x.length))).toEqual(Array.from(expected));
      freeAll(b, [px, out]);
    }
    const eye = b.heap.alloc(2 * 3 * 5 * 4);
    b.kernels.eye(eye, 2, 3, 5, 1);
    const identity = (rows: number, cols: number, i: number) => (Math.floor((i % (rows * cols)) / cols) === i % cols ? 1 : 0);
    expect(Array.from(getInt(b, eye, 30))).toEqual(Array.from({ length: 30 }, (_, i) => identity(3, 5, i)));
    b.kernels.eye(eye, 1, 5, 3, 0);
    expect(Array.from(get(b, eye, 15))).toEqual(Array.from({ length: 15 }, (_, i) => identity(5, 3, i)));
    b.heap.free(eye);
    const seq = b.heap.alloc(257 * 4);
    b.kernels.sequence(seq, 257, 0.1, 0.37, 0);
    const f = new Float32Array(257);
    f[0] = 0.1;
    for (let i = 1; i < 257; i++) f[i] = f[i - 1] + 0.37;
    expect(Array.from(get(b, seq, 257))).toEqual(Array.from(f));
    b.kernels.sequence(seq, 65, -7.9, 1.5, 1);
    const ints = new Int32Array(65);
    ints[0] = -7;
    for (let i = 1; i < 65; i++) ints[i] = ints[i - 1] + 1.5;
    expect(Array.from(getInt(b, seq, 65))).toEqual(Array.from(ints));
    b.heap.free(seq);
  });

  it('the new random kernels draw the same bits as the js twin, and leave the same state', async () => {
    const [ours, js] = [await backendFor(build), await backendFor('js')];
    const kernels: Array<[string, number, (b: Backend) => (state: number, out: number) => void]> = [
      ['normal int32', 257, (b) => (s, o) => b.kernels.rngNormal(s, o, 257, 0.5, 3, 2)],
      ['truncated normal int32', 65, (b) => (s, o) => b.kernels.rngNormal(s, o, 65, -1, 7, 3)],
      ['uniform int', 1000, (b) => (s, o) => b.kernels.rngUniformInt(s, o, 1000, -7.5, 13.25)],
      ['gamma 0.2', 1000, (b) => (s, o) => b.kernels.rngGamma(s, o, 1000, 0.2, 1, 0)],
      ['gamma 0.001 (subnormal powers)', 257, (b) => (s, o) => b.kernels.rngGamma(s, o, 257, 0.001, 1, 0)],
      ['gamma 7.5 int32', 257, (b) => (s, o) => b.kernels.rngGamma(s, o, 257, 7.5, 2, 1)],
      ['shuffle', 1000, (b) => (s, o) => {
        b.kernels.sequence(o, 1000, 0, 1, 1);
        b.kernels.rngShuffle(s, o, 1000);
      }],
      ['multinomial', 600, (b) => (s, o) => {
        const probs = put(b, [0.1, 0.2, 0.3, 0.4, 0.25, 0.25, 0.5, 0]);
        const cdf = b.heap.alloc(16);
        b.kernels.rngMultinomial(s, probs, cdf, o, 2, 4, 300);
        freeAll(b, [probs, cdf]);
      }],
    ];
    for (const [name, n, kernel] of kernels) {
      const expected = draw(js, 99, n, kernel(js));
      const got = draw(ours, 99, n, kernel(ours));
      const first = got.out.findIndex((v, i) => v !== expected.out[i]);
      expect(first, `${name}: first differing value`).toBe(-1);
      expect(Array.from(got.state), `${name}: state after`).toEqual(Array.from(expected.state));
    }
  });

  it('shuffles are permutations, multinomial draws follow the probabilities', async () => {
    const b = await backendFor(build);
    const counts = new Array(8).fill(0);
    for (let seed = 0; seed < 2000; seed++) {
      const { out } = draw(b, seed, 8, (s, o) => {
        b.kernels.sequence(o, 8, 0, 1, 1);
        b.kernels.rngShuffle(s, o, 8);
      });
      expect(Array.from(out).sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      counts[out[0]]++;
    }
    for (const c of counts) expect(Math.abs(c - 250)).toBeLessThan(75); // each value first 1/8 of the time
    const probs = [0.1, 0, 0.6, 0.3];
    const { out } = draw(b, 5, 100000, (s, o) => {
      const p = put(b, probs);
      const cdf = b.heap.alloc(16);
      b.kernels.rngMultinomial(s, p, cdf, o, 1, 4, 100000);
      freeAll(b, [p, cdf]);
    });
    probs.forEach((p, e) => expect(Math.abs(out.filter((v) => v === e).length / 100000 - p), `event ${e}`).toBeLessThan(0.006));
  });
});

describe('the twin log and exp', () => {
  it('exp64 is within 2 ulps of Math.exp, subnormals included, and undoes log64', () => {
    for (const x of [0, -1e-300, -1e-10, -0.5, -1, -Math.LN2, -10.25, -100, -700, -708.5, -709, -720, -740, -745, -745.1, -746, -1e4]) {
      const expected = Math.exp(x);
      const got = exp64(x);
      if (expected === 0) expect(got).toBe(0);
      else expect(Math.abs(got - expected) / expected, `exp(${x})`).toBeLessThan(expected < 2.3e-308 ? 2 ** -20 : 2 ** -51);
    }
    for (const u of randomData(1000, 3, 1e-6, 1)) expect(exp64(log64(u))).toBeCloseTo(u, 14);
  });
});
