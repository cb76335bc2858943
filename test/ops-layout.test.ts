// The layout family (shape and indexing ops) on both backends: values against TF.js on awkward shapes, ranks,
// dtypes and empty tensors; gradients against central differences (and second order against TF.js); bad
// arguments; and the kernels themselves (copyStrided, gather, scatter, oneHot, nonzero) against plain
// references on every build, through their SIMD bodies, tails and strided paths.

import * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { word } from '../src/backend/heap.js';
import { Scatter } from '../src/backend/kernels.js';
import * as tf from '../src/index.js';
import { expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { BUILDS, SIZES, backendFor, freeAll, getInt, onBackend, putInt, randomData } from './support.js';

type Lib = typeof tf;

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** An int32 tensor of seeded integers in [lo, hi). */
function ints(shape: number[], seed: number, lo: number, hi: number, lib: Lib = tf): tf.Tensor {
  return lib.tensor(Array.from(randomData(size(shape), seed, lo, hi), Math.floor), shape, 'int32');
}

/** A bool tensor of seeded values. */
function bools(shape: number[], seed: number, lib: Lib = tf): tf.Tensor {
  return lib.tensor(Array.from(randomData(size(shape), seed), (v) => v > 0), shape, 'bool');
}

/** A float32, an int32 and a bool tensor of the shape. */
function allDtypes(shape: number[], seed: number, lib: Lib): tf.Tensor[] {
  return [sample(shape, seed, -4, 4, 0, lib), ints(shape, seed + 1, -50, 50, lib), bools(shape, seed + 2, lib)];
}

/** Every permutation of 0..n-1. */
function permutations(n: number): number[][] {
  if (n === 0) return [[]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

/** Runs an async program on TF.js and on neurite and compares the tensors it returns. */
async function expectSameAsync(label: string, program: (lib: Lib) => Promise<tf.Tensor[]>): Promise<void> {
  await tfjs.setBackend('cpu');
  const theirs = await program(tfjs as unknown as Lib);
  const ours = await program(tf);
  expect(ours.length, label).toBe(theirs.length);
  ours.forEach((t, i) => {
    expect(t.shape, `${label}[${i}] shape`).toEqual(theirs[i].shape);
    expect(t.dtype, `${label}[${i}] dtype`).toBe(theirs[i].dtype);
    expect(Array.from(t.dataSync()), `${label}[${i}]`).toEqual(Array.from(theirs[i].dataSync()));
  });
  tf.dispose(ours);
  tfjs.dispose(theirs as never);
}

describe.each(['wasm', 'js'] as const)('layout ops on %s', (backend) => {
  onBackend(backend);

  it('reshape, expandDims, squeeze, flatten, reshapeAs and asScalar, every dtype', async () => {
    await expectSameAsTfjs('views', (t) =>
      allDtypes([2, 1, 3], 1, t).flatMap((x) => [
        x.reshape([3, -1]),
        x.expandDims(),
        x.expandDims(3),
        x.expandDims(-1),
        x.expandDims(-4),
        x.squeeze(),
        x.squeeze([1]),
        x.squeeze([-2]),
        x.squeeze([]),
        x.flatten(),
        x.reshapeAs(t.zeros([6, 1])),
        t.scalar(5).expandDims(0),
        t.tensor([7], [1, 1]).asScalar(),
      ]),
    );
    await expectSameAsTfjs('squeeze of a non-unit axis', (t) => t.zeros([2, 3]).squeeze([1]));
    await expectSameAsTfjs('expandDims past the rank', (t) => t.zeros([2, 3]).expandDims(3));
  });

  it('transposes every permutation up to rank 4, awkward sizes, every dtype, empty tensors', async () => {
    for (const shape of [[17, 63], [65, 7], [3, 257], [1, 1], [0, 3], [4, 4]]) {
      await expectSameAsTfjs(`transpose [${shape}]`, (t) => allDtypes(shape, 2, t).map((x) => x.transpose()));
    }
    await expectSameAsTfjs('rank 3', (t) => permutations(3).map((p) => sample([5, 6, 7], 3, -1, 1, 0, t).transpose(p)));
    await expectSameAsTfjs('rank 4', (t) => permutations(4).map((p) => ints([3, 4, 5, 6], 4, -9, 9, t).transpose(p)));
    await expectSameAsTfjs('rank 4 with unit axes', (t) => permutations(4).map((p) => sample([1, 5, 1, 9], 5, -1, 1, 0, t).transpose(p)));
    await expectSameAsTfjs('rank 6', (t) => [[5, 3, 1, 0, 4, 2], [1, 0, 3, 2, 5, 4], [0, 1, 2, 3, 5, 4]].map((p) => sample([2, 3, 2, 4, 3, 5], 6, -1, 1, 0, t).transpose(p)));
    await expectSameAsTfjs('scalar and rank 1', (t) => [t.scalar(3).transpose(), t.tensor1d([1, 2]).transpose([0])]);
    await expectSameAsTfjs('a transpose of a transposed block', (t) => sample([33, 66], 7, -1, 1, 0, t).slice([1, 2], [31, 61]).transpose());
  });

  it('broadcastTo and tile over ranks and dtypes', async () => {
    const cases: Array<[number[], number[]]> = [[[3], [2, 3]], [[2, 1], [2, 5]], [[1, 3, 1], [4, 3, 7]], [[], [2, 2]], [[5], [5]], [[2, 1, 3], [2, 2, 2, 3]]];
    for (const [from, to] of cases) await expectSameAsTfjs(`broadcastTo [${from}] -> [${to}]`, (t) => allDtypes(from, 8, t).map((x) => x.broadcastTo(to)));
    await expectSameAsTfjs('broadcastTo an incompatible shape', (t) => t.zeros([2, 3]).broadcastTo([3, 3]));
    const tiles: Array<[number[], number[]]> = [[[2], [3]], [[2, 3], [2, 1]], [[3, 1, 2], [1, 4, 2]], [[17], [5]], [[1, 1, 1, 1], [2, 3, 1, 2]], [[2, 2], [0, 2]], [[], []], [[2, 3, 2, 2, 1], [2, 2, 2, 2, 3]]];
    for (const [shape, reps] of tiles) await expectSameAsTfjs(`tile [${shape}] by [${reps}]`, (t) => allDtypes(shape, 9, t).map((x) => x.tile(reps)));
  });

  it('reverses any axes, negative ones included', async () => {
    await expectSameAsTfjs('reverse', (t) =>
      allDtypes([3, 4, 5], 10, t).flatMap((x) => [x.reverse(), x.reverse(0), x.reverse(-1), x.reverse([0, 2]), x.reverse([1]), x.reverse([])]),
    );
    await expectSameAsTfjs('reverse long rows', (t) => [257, 63, 65, 7, 1].map((n) => sample([3, n], n, -1, 1, 0, t).reverse(1)));
    await expectSameAsTfjs('reverse1d..4d', (t) => [
      t.reverse1d(t.tensor1d([1, 2, 3])),
      t.reverse2d(sample([2, 3], 11, -1, 1, 0, t), 1),
      t.reverse3d(sample([2, 3, 4], 12, -1, 1, 0, t), [0, 2]),
      t.reverse4d(sample([2, 1, 3, 2], 13, -1, 1, 0, t), -2),
      t.reverse(t.scalar(4)),
    ]);
    await expectSameAsTfjs('reverse2d of a rank-1 tensor', (t) => t.reverse2d(t.tensor1d([1, 2])));
  });

  it('slices with numbers, short lists, -1 sizes and the rank-specific forms', async () => {
    await expectSameAsTfjs('slice', (t) =>
      allDtypes([4, 5, 6], 14, t).flatMap((x) => [
        x.slice([1, 2, 3], [2, 2, 2]),
        x.slice(1),
        x.slice([1, 1]),
        x.slice(2, 1),
        x.slice([0, 1], [-1, 3]),
        x.slice([0, 0, 0], [4, 5, 6]),
        x.slice([1, 0, 2], [2, 0, 3]),
        x.slice([3, 4, 5], [1, 1, 1]),
      ]),
    );
    await expectSameAsTfjs('slice rows of awkward lengths', (t) => [1, 3, 7, 17, 63, 65, 257].map((n) => sample([3, n + 5], n, -1, 1, 0, t).slice([1, 2], [2, n])));
    await expectSameAsTfjs('slice1d..4d', (t) => [
      t.slice1d(t.tensor1d([1, 2, 3, 4]), 1, 2),
      t.slice2d(sample([3, 4], 15, -1, 1, 0, t), [1, 1], [2, 2]),
      t.slice3d(sample([3, 4, 2], 16, -1, 1, 0, t), [1, 0, 1], [1, 4, 1]),
      t.slice4d(sample([2, 2, 2, 2], 17, -1, 1, 0, t), [0, 1, 0, 1], [2, 1, 2, 1]),
    ]);
    await expectSameAsTfjs('slice past the end', (t) => t.zeros([3, 3]).slice([2, 0], [2, 3]));
    await expectSameAsTfjs('slice a scalar', (t) => t.scalar(1).slice([0], [1]));
  });

  it('stridedSlice with strides and every mask, as TF.js computes them', async () => {
    const x = (t: Lib) => t.tensor3d([1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6], [3, 2, 3]);
    await expectSameAsTfjs('the documentation example', (t) => [
      x(t).stridedSlice([1, 0, 0], [2, 1, 3], [1, 1, 1]),
      x(t).stridedSlice([1, 0, 0], [2, 2, 3], [1, 1, 1]),
      x(t).stridedSlice([1, -1, 0], [2, -3, 3], [1, -1, 1]),
    ]);
    await expectSameAsTfjs('strided', (t) =>
      allDtypes([5, 6, 7], 18, t).flatMap((v) => [
        v.stridedSlice([4, 0, 1], [0, 6, 7], [-1, 2, 3]),
        v.stridedSlice([0, 5, 6], [5, 0, 0], [2, -2, -3]),
        v.stridedSlice([1, 1, 0], [3, 0, 0], [1, 1, 1], 0, 6),
        v.stridedSlice([1, 1, 0], [3, 0, 0], [1, 2, 1], 5, 6),
        v.stridedSlice([0, 1], [0, 3], [1, 1], 0, 0, 1),
        v.stridedSlice([1, 0], [3, 0], [1, 1], 0, 2, 2),
        v.stridedSlice([0, 0, 0], [1, 2, 3], [1, 1, 1], 0, 0, 0, 1),
        v.stridedSlice([0, 0, 0], [2, 2, 3], [1, 1, 1], 0, 0, 0, 2),
        v.stridedSlice([2, 0, 0], [3, 6, 7], [1, 1, 1], 0, 0, 0, 0, 1),
        v.stridedSlice([-3], [-1], [1]),
        v.stridedSlice([-100, 2], [100, -100], [1, -1]),
        v.stridedSlice([1], [3], [-1]),
        v.stridedSlice([0, 0, 0], [5, 6, 7]),
      ]),
    );
    await expectSameAsTfjs('two ellipses', (t) => x(t).stridedSlice([0, 0], [1, 1], [1, 1], 0, 0, 3));
    await expectSameAsTfjs('a zero stride', (t) => x(t).stridedSlice([0], [1], [0]));
    // TF.js's cpu kernel reads the wrong values when a shrunk axis meets a stride other than 1; TensorFlow's:
    const v = tf.tensor2d([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9, 10, 11]]);
    const shrunk = v.stridedSlice([1, 0], [2, 4], [1, 2], 0, 0, 0, 0, 1);
    const empty = v.stridedSlice([3], [1], [1]);
    expect(shrunk.arraySync()).toEqual([4, 6]);
    expect(empty.shape).toEqual([0, 4]);
    tf.dispose([v, shrunk, empty]);
  });

  it('splits by count and by sizes (one inferred), and unstacks along any axis', async () => {
    await expectSameAsTfjs('split', (t) =>
      allDtypes([4, 6, 3], 19, t).flatMap((x) => [...x.split(2), ...x.split(3, 1), ...x.split([1, -1, 2], 1), ...x.split([3, 0], -1), ...x.split(1, 2)]),
    );
    await expectSameAsTfjs('split unevenly', (t) => t.zeros([5]).split(2));
    await expectSameAsTfjs('split sizes that do not add up', (t) => t.zeros([5]).split([2, 2]));
    await expectSameAsTfjs('unstack', (t) => allDtypes([2, 3, 4], 20, t).flatMap((x) => [...x.unstack(), ...x.unstack(1), ...x.unstack(-1)]));
    await expectSameAsTfjs('unstack an empty axis', (t) => t.zeros([0, 3]).unstack());
  });

  it('concatenates and stacks along any axis, empty parts and mixed dtypes included', async () => {
    await expectSameAsTfjs('concat', (t) => {
      const [a, b, c] = [sample([2, 3, 4], 21, -1, 1, 0, t), sample([2, 5, 4], 22, -1, 1, 0, t), sample([2, 0, 4], 23, -1, 1, 0, t)];
      return [t.concat([a, b, c], 1), t.concat([a, a], 0), t.concat([a, a, a], -1), a.concat(b, 1), a.concat([b, c], 1), t.concat([a]), t.concat([c, c], 1)];
    });
    await expectSameAsTfjs('concat rows of awkward lengths', (t) => [1, 3, 7, 17, 63, 65].map((n) => t.concat([sample([3, n], n, -1, 1, 0, t), sample([3, 2], n + 1, -1, 1, 0, t), sample([3, n + 1], n + 2, -1, 1, 0, t)], 1)));
    await expectSameAsTfjs('concat dtypes', (t) => [
      t.concat([ints([2], 24, -5, 5, t), ints([3], 25, -5, 5, t)]),
      t.concat([bools([2], 26, t), bools([1], 27, t)]),
      t.concat([t.tensor1d([1.5, 2]), ints([2], 28, -5, 5, t)]),
      t.concat([t.tensor1d([1, 2], 'int32'), t.tensor1d([3, 4], 'int32')]),
      t.concat([[1, 2], [3]]),
      t.concat1d([t.tensor1d([1]), t.tensor1d([2, 3])]),
      t.concat2d([t.ones([2, 1]), t.zeros([2, 2])], 1),
      t.concat3d([t.ones([1, 2, 1]), t.zeros([1, 2, 1])], 2),
      t.concat4d([t.ones([1, 1, 2, 1]), t.zeros([2, 1, 2, 1])], 0),
    ]);
    await expectSameAsTfjs('concat mismatched shapes', (t) => t.concat([t.zeros([2, 3]), t.zeros([3, 3])], 1));
    await expectSameAsTfjs('stack', (t) => {
      const parts = allDtypes([2, 3], 29, t).map((x) => [x, x.reverse()]);
      return parts.flatMap(([a, b]) => [t.stack([a, b]), t.stack([a, b, a], 1), t.stack([a, b], 2), t.stack([a], -1), a.stack(b, -3), a.stack([b, a], 1)]);
    });
    await expectSameAsTfjs('stack scalars', (t) => t.stack([t.scalar(1), t.scalar(2), t.scalar(3)]));
    await expectSameAsTfjs('stack mismatched shapes', (t) => t.stack([t.zeros([2]), t.zeros([3])]));
  });

  it('pads with constants of every dtype, and mirror-pads in both modes', async () => {
    await expectSameAsTfjs('pad', (t) =>
      allDtypes([2, 3], 30, t).flatMap((x) => [x.pad([[1, 2], [0, 3]]), x.pad([[0, 0], [2, 2]], 1), x.pad([[3, 0], [0, 0]], x.dtype === 'bool' ? 0 : -7), x.pad([[0, 0], [0, 0]])]),
    );
    // A bool tensor stays 0/1: TF.js stores a padding of 7 in its Uint8Array as 7, neurite as true.
    const padded = tf.tidy(() => tf.pad(tf.tensor1d([false]), [[1, 0]], 7));
    expect(Array.from(padded.dataSync())).toEqual([1, 0]);
    padded.dispose();
    await expectSameAsTfjs('pad forms and values', (t) => [
      t.pad1d(t.tensor1d([1, 2]), [2, 1], 5),
      t.pad2d(t.ones([1, 2]), [[1, 0], [0, 1]], -2.5),
      t.pad3d(t.ones([1, 1, 2]), [[0, 1], [1, 1], [0, 0]]),
      t.pad4d(t.ones([1, 2, 2, 1]), [[0, 0], [1, 1], [1, 1], [0, 0]], Number.NEGATIVE_INFINITY),
      t.pad(t.zeros([0, 2]), [[1, 1], [1, 0]], 3),
      t.pad(t.ones([2]), [[1, 1]], Number.NaN),
      t.pad(t.tensor1d([1, 2], 'int32'), [[1, 1]], 2.7),
      t.pad(sample([5, 257], 31, -1, 1, 0, t), [[1, 2], [3, 65]]),
    ]);
    await expectSameAsTfjs('mirrorPad', (t) =>
      allDtypes([3, 4], 32, t).flatMap((x) => [
        x.mirrorPad([[1, 1], [2, 2]], 'reflect'),
        x.mirrorPad([[2, 0], [0, 3]], 'reflect'),
        x.mirrorPad([[3, 3], [4, 4]], 'symmetric'),
        x.mirrorPad([[0, 2], [1, 0]], 'symmetric'),
      ]),
    );
    await expectSameAsTfjs('mirrorPad ranks', (t) => [
      t.mirrorPad(t.tensor1d([1, 2, 3]), [[2, 2]], 'reflect'),
      t.mirrorPad(sample([2, 3, 4], 33, -1, 1, 0, t), [[1, 1], [2, 0], [3, 3]], 'symmetric'),
      t.mirrorPad(sample([1, 3, 3, 2], 34, -1, 1, 0, t), [[0, 0], [2, 2], [2, 1], [1, 1]], 'reflect'),
    ]);
    await expectSameAsTfjs('mirrorPad too far', (t) => t.mirrorPad(t.tensor1d([1, 2, 3]), [[3, 0]], 'reflect'));
  });

  it('gathers along any axis with batchDims, from indices of any rank', async () => {
    await expectSameAsTfjs('gather', (t) =>
      allDtypes([4, 5, 3], 35, t).flatMap((x) => [
        x.gather(t.tensor1d([3, 0, 3], 'int32')),
        x.gather([1, 4, 0, 2], 1),
        x.gather(t.tensor2d([[2, 1], [0, 0], [1, 2]], [3, 2], 'int32'), -1),
        x.gather(t.scalar(2, 'int32'), 1),
        x.gather(t.tensor1d([], 'int32'), 0),
        x.gather(ints([4, 6], 36, 0, 5, t), 1, 1),
        x.gather(ints([4, 5, 2], 37, 0, 3, t), 2, 2),
        x.gather(ints([4, 2], 38, 0, 3, t), 2, -1),
      ]),
    );
    await expectSameAsTfjs('gather rows of awkward lengths', (t) => [1, 3, 7, 17, 63, 65, 257].map((n) => sample([5, n], n, -1, 1, 0, t).gather(ints([9], n, 0, 5, t))));
    await expectSameAsTfjs('gather an index out of range', (t) => t.zeros([3]).gather([3]));
    await expectSameAsTfjs('gather with float indices', (t) => t.zeros([3]).gather(t.tensor1d([1])));
  });

  it('gatherND, scatterND and tensorScatterUpdate, slices and elements', async () => {
    await expectSameAsTfjs('gatherND', (t) =>
      allDtypes([3, 4, 2], 39, t).flatMap((x) => [
        t.gatherND(x, t.tensor2d([0, 1, 2, 3], [2, 2], 'int32')),
        t.gatherND(x, t.tensor2d([2, 0, 1], [3, 1], 'int32')),
        t.gatherND(x, t.tensor3d([0, 1, 1, 2, 3, 0, 1, 0, 0, 0, 0, 1], [2, 2, 3], 'int32')),
        t.gatherND(x, t.tensor1d([1, 2], 'int32')),
      ]),
    );
    await expectSameAsTfjs('scatterND', (t) => [
      t.scatterND(t.tensor2d([4, 3, 1, 7], [4, 1], 'int32'), t.tensor1d([9, 10, 11, 12]), [8]),
      t.scatterND(t.tensor2d([1, 1, 1], [3, 1], 'int32'), t.tensor1d([1, 2, 3]), [3]),
      t.scatterND(t.tensor2d([0, 2], [2, 1], 'int32'), sample([2, 17], 40, -1, 1, 0, t), [3, 17]),
      t.scatterND(t.tensor2d([0, 1, 2, 0, 2, 0], [3, 2], 'int32'), ints([3, 2], 41, -9, 9, t), [3, 2, 2]),
      t.scatterND(t.tensor1d([2, 0], 'int32'), t.tensor1d([5, 6]), [4]),
    ]);
    await expectSameAsTfjs('tensorScatterUpdate', (t) => [
      t.tensorScatterUpdate(t.ones([8]), t.tensor2d([4, 3, 1, 7], [4, 1], 'int32'), t.tensor1d([9, 10, 11, 12])),
      t.tensorScatterUpdate(ints([3, 4], 42, -9, 9, t), t.tensor2d([2, 0], [2, 1], 'int32'), ints([2, 4], 43, 10, 20, t)),
      t.tensorScatterUpdate(sample([3, 2, 65], 44, -1, 1, 0, t), t.tensor2d([1, 1, 2, 0], [2, 2], 'int32'), sample([2, 65], 45, -1, 1, 0, t)),
    ]);
    await expectSameAsTfjs('scatterND with updates of the wrong shape', (t) => t.scatterND(t.tensor2d([0], [1, 1], 'int32'), t.tensor1d([1, 2]), [3]));
    await expectSameAsTfjs('tensorScatterUpdate with another dtype', (t) => t.tensorScatterUpdate(t.ones([2]), t.tensor2d([0], [1, 1], 'int32'), t.tensor1d([1], 'int32')));
    await expectSameAsTfjs('gatherND from an empty tensor', (t) => t.gatherND(t.zeros([0, 2]), t.tensor2d([0], [1, 1], 'int32')));
    await expectSameAsTfjs('gatherND out of range', (t) => t.gatherND(t.zeros([2, 2]), t.tensor2d([2, 0], [1, 2], 'int32')));
  });

  it('oneHot for indices of any rank, out-of-range indices giving rows of offValue', async () => {
    await expectSameAsTfjs('oneHot', (t) => [
      t.oneHot(t.tensor1d([0, 1], 'int32'), 3),
      t.oneHot(t.tensor2d([[0, 5], [2, -1]], [2, 2], 'int32'), 3, 7, -2),
      t.oneHot(t.scalar(1, 'int32'), 2),
      t.oneHot([3, 1, 0], 4, 0.5, -0.25, 'float32'),
      t.oneHot(ints([3, 17], 46, -2, 70, t), 65, 1, 0, 'float32'),
      t.oneHot(t.tensor1d([], 'int32'), 5),
      t.tensor1d([2, 0], 'int32').oneHot(3),
    ]);
    await expectSameAsTfjs('oneHot of depth 1', (t) => t.oneHot([0], 1));
    await expectSameAsTfjs('oneHot of float indices', (t) => t.oneHot(t.tensor1d([0]), 2));
  });

  it('whereAsync, booleanMaskAsync and setdiff1dAsync', async () => {
    // Values, not tensors, go in: the ops convert and free them.
    const nested = (shape: number[], seed: number) => tf.tidy(() => bools(shape, seed).arraySync());
    const floats = (shape: number[], seed: number) => tf.tidy(() => sample(shape, seed).arraySync());
    await expectSameAsync('whereAsync', async (t) => [
      await t.whereAsync([false, false, true]),
      await t.whereAsync(nested([3, 4, 5], 47)),
      await t.whereAsync([[false, false, false], [false, false, false]]),
      await t.whereAsync(true),
    ]);
    await expectSameAsync('booleanMaskAsync', async (t) => [
      await t.booleanMaskAsync([[1, 2], [3, 4], [5, 6]], [true, false, true]),
      await t.booleanMaskAsync(new Int32Array([1, 2, 3, 4, 5, 6]), [false, true, true, false, true, false]),
      await t.booleanMaskAsync(floats([2, 3, 4], 50), nested([3], 49), 1),
      await t.booleanMaskAsync(floats([2, 3, 4], 52), nested([2, 3], 51)),
      await t.booleanMaskAsync(floats([2, 3, 4], 53), [[false, false, false, false], [false, false, false, false], [false, false, false, false]], 1),
    ]);
    await expectSameAsync('setdiff1dAsync', async (t) => [
      ...(await t.setdiff1dAsync([1, 2, 3, 4, 5, 6], [1, 3, 5])),
      ...(await t.setdiff1dAsync(new Int32Array([4, 4, 1, 2, 4]), new Int32Array([2, 7]))),
      ...(await t.setdiff1dAsync([1, 2], [1, 2])),
    ]);
    const numbers = tf.tensor1d([1, 2]);
    await expect(tf.whereAsync(numbers)).rejects.toThrow(/^whereAsync: condition must have dtype bool/);
    numbers.dispose();
    await expect(tf.booleanMaskAsync([1, 2, 3], [true, false])).rejects.toThrow(/^booleanMaskAsync: mask \[2\] must match/);
    await expect(tf.setdiff1dAsync([1, 2], new Int32Array([1]))).rejects.toThrow(/^setdiff1dAsync: x and y must have the same dtype/);
  });

  it('batchToSpaceND, spaceToBatchND, depthToSpace and meshgrid', async () => {
    await expectSameAsTfjs('space and batch', (t) => [
      t.tensor4d([1, 2, 3, 4], [4, 1, 1, 1]).batchToSpaceND([2, 2], [[0, 0], [0, 0]]),
      t.tensor4d([1, 2, 3, 4], [1, 2, 2, 1]).spaceToBatchND([2, 2], [[0, 0], [0, 0]]),
      sample([8, 2, 3, 2], 53, -1, 1, 0, t).batchToSpaceND([2, 2], [[1, 0], [2, 1]]),
      ints([2, 3, 4, 2], 54, -9, 9, t).spaceToBatchND([2, 3], [[1, 0], [1, 1]]),
      sample([6, 3, 2], 55, -1, 1, 0, t).batchToSpaceND([3], [[1, 2]]),
      sample([2, 5, 3], 56, -1, 1, 0, t).spaceToBatchND([2], [[0, 1]]),
    ]);
    await expectSameAsTfjs('depthToSpace', (t) => [
      t.depthToSpace(t.tensor4d([1, 2, 3, 4], [1, 1, 1, 4]), 2),
      t.depthToSpace(sample([2, 2, 3, 18], 57, -1, 1, 0, t), 3),
      sample([1, 3, 2, 8], 58, -1, 1, 0, t).depthToSpace(2, 'NHWC'),
    ]);
    await expectSameAsTfjs('meshgrid', (t) => [
      ...t.meshgrid([1, 2, 3], [4, 5]),
      ...t.meshgrid(t.tensor1d([1, 2], 'int32'), t.tensor2d([[4, 5], [6, 7]], [2, 2], 'int32'), { indexing: 'ij' }),
      ...t.meshgrid(sample([4], 59, -1, 1, 0, t)),
    ]);
    expect(tf.meshgrid()).toEqual([]);
    // TF.js's cpu backend has no NCHW depthToSpace; TensorFlow's layout moves the same values.
    const nchw = tf.tidy(() => tf.depthToSpace(tf.tensor(Array.from({ length: 16 }, (_, i) => i), [1, 2, 2, 4]).transpose([0, 3, 1, 2]), 2, 'NCHW').transpose([0, 2, 3, 1]));
    const nhwc = tf.tidy(() => tf.depthToSpace(tf.tensor(Array.from({ length: 16 }, (_, i) => i), [1, 2, 2, 4]), 2));
    expect(nchw.arraySync()).toEqual(nhwc.arraySync());
    tf.dispose([nchw, nhwc]);
  });

  it('gradients of every differentiable layout op match central differences', () => tf.tidy(() => {
    const x = sample([3, 4], 60, -1, 1);
    const y = sample([2, 3, 4], 61, -1, 1);
    const v = sample([4], 62, -1, 1);
    expectGradient('transpose', (a) => tf.transpose(a, [2, 0, 1]), [y]);
    expectGradient('broadcastTo', (a) => tf.broadcastTo(a, [3, 2, 4]), [v]);
    expectGradient('tile', (a) => tf.tile(a, [2, 1, 3]), [y]);
    expectGradient('reverse', (a) => tf.reverse(a, [0, 2]), [y]);
    expectGradient('slice', (a) => tf.slice(a, [1, 0, 1], [1, 3, 2]), [y]);
    expectGradient('stridedSlice', (a) => tf.stridedSlice(a, [0, 3, 0], [2, 0, 4], [1, -2, 3], 0, 0, 0, 2, 0), [y]);
    expectGradient('stridedSlice shrinking', (a) => tf.stridedSlice(a, [1, 0], [2, 4], [1, 2], 0, 0, 0, 0, 1), [x]);
    expectGradient('split', (a) => {
      const [p, , r] = tf.split(a, 3, 1);
      return tf.add(tf.mul(p, 2), r);
    }, [y]);
    expectGradient('unstack', (a) => tf.unstack(a, 2)[1], [y]);
    expectGradient('concat', (a, b) => tf.concat([a, b, a], 1), [x, sample([3, 2], 63, -1, 1)]);
    expectGradient('stack', (a, b) => tf.stack([a, b], 1), [x, sample([3, 4], 64, -1, 1)]);
    expectGradient('pad', (a) => tf.pad(a, [[1, 0], [2, 1]], 3), [x]);
    expectGradient('mirrorPad reflect', (a) => tf.mirrorPad(a, [[2, 1], [3, 3]], 'reflect'), [x]);
    expectGradient('mirrorPad symmetric', (a) => tf.mirrorPad(a, [[3, 2], [0, 4]], 'symmetric'), [x]);
    expectGradient('gather', (a) => tf.gather(a, [[2, 0], [2, 2]], 1), [x]);
    expectGradient('gather batchDims', (a) => tf.gather(a, tf.tensor2d([[1, 0, 1], [2, 2, 0]], [2, 3], 'int32'), 2, 1), [y]);
    expectGradient('gatherND', (a) => tf.gatherND(a, tf.tensor2d([[1, 2], [1, 2], [0, 0]], [3, 2], 'int32')), [y]);
    expectGradient('scatterND', (u) => tf.scatterND(tf.tensor2d([[1], [0], [1]], [3, 1], 'int32'), u, [3, 4]), [sample([3, 4], 65, -1, 1)]);
    expectGradient('tensorScatterUpdate', (a, u) => tf.tensorScatterUpdate(a, tf.tensor2d([[2], [0]], [2, 1], 'int32'), u), [x, sample([2, 4], 66, -1, 1)]);
    expectGradient('batchToSpaceND', (a) => tf.batchToSpaceND(a, [2, 2], [[1, 0], [0, 1]]), [sample([4, 2, 2, 1], 67, -1, 1)]);
    expectGradient('spaceToBatchND', (a) => tf.spaceToBatchND(a, [2, 2], [[1, 1], [0, 2]]), [sample([1, 2, 2, 2], 68, -1, 1)]);
    expectGradient('depthToSpace', (a) => tf.depthToSpace(a, 2), [sample([1, 1, 2, 8], 69, -1, 1)]);
    expectGradient('expandDims and squeeze', (a) => tf.squeeze(tf.expandDims(a, 1), [1]), [x]);
    expectGradient('meshgrid', (a, b) => tf.mul(...(tf.meshgrid(a, b) as [tf.Tensor, tf.Tensor])), [v, sample([3], 70, -1, 1)]);
  }));

  it('second-order gradients through layout ops give TF.js\'s values', async () => {
    const twice = (f: (x: tf.Tensor) => tf.Tensor) => (t: Lib) => t.grad((x: tf.Tensor) => t.grad((z: tf.Tensor) => f(z).square().sum())(x).square().sum())(sample([3, 4], 71, -1, 1, 0, t));
    await expectSameAsTfjs('slice and pad', twice((z) => z.slice([1, 1], [2, 2]).pad([[1, 1], [0, 2]])));
    await expectSameAsTfjs('transpose, tile and reverse', twice((z) => z.transpose().tile([2, 1]).reverse(1)));
    await expectSameAsTfjs('concat and split', twice((z) => z.split([1, 3], 1).reverse()[0].concat(z.split([3, 1], 1)[0], 1)));
    await expectSameAsTfjs('gather', twice((z) => z.gather([0, 2, 2, 1], 0)));
    await expectSameAsTfjs('stack and unstack', twice((z) => z.unstack(1)[2].stack(z.unstack(1).slice(0, 2), 1)));
    await expectSameAsTfjs('broadcastTo', twice((z) => z.broadcastTo([2, 3, 4])));
  });

  it('refuses bad arguments with errors that name the op and the argument', () => {
    const x = tf.zeros([2, 3]);
    const bad: Array<[() => unknown, RegExp]> = [
      [() => tf.transpose(x, [0, 0]), /^transpose: perm \[0,0\] must be a permutation of 0\.\.1/],
      [() => tf.transpose(x, [1]), /^transpose: perm \[1\] must be a permutation/],
      [() => tf.transpose(x, [1, -1]), /^transpose: perm\[1\] must be an integer >= 0/],
      [() => tf.expandDims(x, 3), /^expandDims: axis must be an integer in \[-3, 2\]/],
      [() => tf.squeeze(x, [1]), /^squeeze: axis 1 of x \[2, 3\] has size 3, not 1/],
      [() => tf.broadcastTo(x, [2, 2]), /^broadcastTo: x of shape \[2, 3\] cannot be broadcast to shape \[2, 2\]/],
      [() => tf.broadcastTo(x, [-1, 3]), /^broadcastTo: shape\[0\] must be an integer >= 0/],
      [() => tf.tile(x, [2]), /^tile: reps \[2\] must have one entry per axis/],
      [() => tf.tile(x, [2, 1.5]), /^tile: reps\[1\] must be an integer >= 0/],
      [() => tf.reverse(x, 2), /^reverse: axis 2 is out of range/],
      [() => tf.reverse(x, [0, 0]), /^reverse: axis .* repeats an axis/],
      [() => tf.slice(x, [1, -1]), /^slice: begin\[1\] must be an integer >= 0/],
      [() => tf.slice(x, [1, 2], [2, 1]), /^slice: begin\[0\] = 1 and size\[0\] = 2 reach past axis 0/],
      [() => tf.slice(x, [0, 0, 0]), /^slice: begin \[0,0,0\] has more entries than x/],
      [() => tf.slice2d(tf.zeros([2]), [0, 0], [1, 1]), /^slice2d: x must have rank 2/],
      [() => tf.stridedSlice(x, [0], [1, 2]), /^stridedSlice: end \[1,2\] must have as many entries as begin/],
      [() => tf.stridedSlice(x, [0], [1], [0]), /^stridedSlice: strides\[0\] must not be 0/],
      [() => tf.stridedSlice(x, [5], [6], [1], 0, 0, 0, 0, 1), /^stridedSlice: begin 5 of shrunk axis 0 is out of range/],
      [() => tf.stridedSlice(x, [0], [1], [1], -1), /^stridedSlice: beginMask must be an integer/],
      [() => tf.split(x, 2, 1), /^split: numOrSizeSplits 2 must divide axis 1 of x \[2, 3\] evenly/],
      [() => tf.split(x, [-1, -1], 1), /^split: numOrSizeSplits .* may hold one -1 at most/],
      [() => tf.split(x, [4, -1], 1), /^split: numOrSizeSplits \[4,-1\] must add up to axis 1/],
      [() => tf.split(x, 0), /^split: numOrSizeSplits must be an integer >= 1/],
      [() => tf.unstack(tf.scalar(1)), /^unstack: x is a scalar/],
      [() => tf.unstack(x, 2), /^unstack: axis 2 is out of range/],
      [() => tf.concat([]), /^concat: tensors must be a non-empty array/],
      [() => tf.concat([x, tf.zeros([3, 3])], 1), /^concat: tensors\[1\] has shape \[3, 3\], which does not match tensors\[0\] \[2, 3\] outside axis 1/],
      [() => tf.concat([x, x], 2), /^concat: axis 2 is out of range/],
      [() => tf.concat2d([tf.zeros([2])], 0), /^concat2d: tensors\[0\] must have rank 2/],
      [() => tf.stack([x, tf.zeros([2, 3], 'int32')]), /^stack: tensors\[1\] has dtype int32, but tensors\[0\] has float32/],
      [() => tf.stack([x, x], 4), /^stack: axis must be an integer in \[-3, 2\]/],
      [() => tf.pad(x, [[1, 1]]), /^pad: paddings must be an array of 2 \[before, after\] pairs/],
      [() => tf.pad(x, [[1, 1], [0, -1]]), /^pad: paddings\[1\]\[1\] must be an integer >= 0/],
      [() => tf.pad(x, [[1, 1], [0, 1, 2]] as never), /^pad: paddings\[1\] must be a \[before, after\] pair/],
      [() => tf.pad(x, [[1, 1], [0, 1]], 'x' as never), /^pad: constantValue must be a number/],
      [() => tf.pad(tf.scalar(1), []), /^pad: x must have rank >= 1/],
      [() => tf.mirrorPad(x, [[1, 1], [3, 0]], 'reflect'), /^mirrorPad: paddings\[1\] = \[3, 0\] may not exceed 2 in 'reflect' mode/],
      [() => tf.mirrorPad(x, [[1, 1], [1, 0]], 'wrap' as never), /^mirrorPad: mode must be 'reflect' or 'symmetric'/],
      [() => tf.gather(x, [2]), /^gather: indices\[0\] = 2 is out of range for axis 0 of x \[2, 3\] \(expected 0 to 1\)/],
      [() => tf.gather(x, [[0, 1], [1, -1]], 1), /^gather: indices\[1, 1\] = -1 is out of range for axis 1/],
      [() => tf.gather(x, tf.tensor1d([0]), 0), /^gather: indices must have dtype int32, got float32/],
      [() => tf.gather(x, [0], 0, 1), /^gather: batchDims \(1\) must not exceed axis \(0\)/],
      [() => tf.gather(x, [[0], [1], [0]], 1, 1), /^gather: batch axis 0 of x \[2, 3\] and of indices \[3, 1\] must match/],
      [() => tf.gather(x, [0], 1.5), /^gather: axis must be an integer/],
      [() => tf.gatherND(x, [[0, 3]]), /^gatherND: indices\[0, 1\] = 3 is out of range for axis 1 of shape \[2, 3\]/],
      [() => tf.gatherND(x, [[0, 0, 0]]), /^gatherND: the last axis of indices \[1, 3\] may not be longer than the rank of x/],
      [() => tf.scatterND([[3]], [1], [3]), /^scatterND: indices\[0, 0\] = 3 is out of range for axis 0 of shape \[3\]/],
      [() => tf.scatterND([[0]], [1, 2], [3]), /^scatterND: updates must have shape .* = \[1\]/],
      [() => tf.scatterND([[0]], [1], [-3]), /^scatterND: shape must be an array of non-negative integers/],
      [() => tf.tensorScatterUpdate(x, [[2]], [[1, 2, 3]]), /^tensorScatterUpdate: indices\[0, 0\] = 2 is out of range for axis 0/],
      [() => tf.oneHot([0, 1], 1), /^oneHot: depth must be an integer >= 2/],
      [() => tf.oneHot(tf.tensor1d([0]), 2), /^oneHot: indices must have dtype int32, got float32/],
      [() => tf.oneHot([0], 2, Number.NaN), /^oneHot: onValue must be a finite number/],
      [() => tf.oneHot([0], 2, 1, 0, 'float64' as never), /^oneHot: dtype must be 'float32', 'int32' or 'bool'/],
      [() => tf.batchToSpaceND(tf.zeros([3, 1, 1]), [2], [[0, 0]]), /^batchToSpaceND: the batch axis of x \[3, 1, 1\] must divide by the product of blockShape/],
      [() => tf.batchToSpaceND(tf.zeros([2, 1, 1]), [2], [[2, 1]]), /^batchToSpaceND: crops\[0\] = \[2, 1\] is more than axis 1 spans/],
      [() => tf.spaceToBatchND(tf.zeros([1, 3, 1]), [2], [[0, 0]]), /^spaceToBatchND: axis 1 of x \[1, 3, 1\] padded by .* must divide by blockShape\[0\] = 2/],
      [() => tf.spaceToBatchND(tf.zeros([1, 2]), [2, 2], [[0, 0], [0, 0]]), /^spaceToBatchND: blockShape \[2,2\] must have 1 to 1 entries/],
      [() => tf.depthToSpace(tf.zeros([1, 1, 1, 6]), 2), /^depthToSpace: the channels of x \[1, 1, 1, 6\] \(6\) must divide by blockSize² = 4/],
      [() => tf.depthToSpace(tf.zeros([1, 1, 1, 4]), 1), /^depthToSpace: blockSize must be an integer >= 2/],
      [() => tf.depthToSpace(tf.zeros([1, 1, 4]), 2), /^depthToSpace: x must have rank 4/],
      [() => tf.meshgrid([1], [2], { indexing: 'yx' as 'xy' }), /^meshgrid: options.indexing must be one of "xy", "ij"/],
      [() => x.asScalar(), /^asScalar: the tensor must hold one value/],
    ];
    for (const [call, message] of bad) expect(() => tf.tidy(() => void call())).toThrow(message);
    x.dispose();
  });
});

// ---- the kernels, on every build, against plain references ----

/** out[index·outStrides] = src[index·srcStrides] over `shape`, element offsets from the given bases. */
function referenceCopy(src: Int32Array, srcBase: number, srcStrides: number[], out: Int32Array, outBase: number, outStrides: number[], shape: number[]): void {
  const index = shape.map(() => 0);
  for (let k = 0; k < size(shape); k++) {
    out[outBase + index.reduce((s, i, d) => s + i * outStrides[d], 0)] = src[srcBase + index.reduce((s, i, d) => s + i * srcStrides[d], 0)];
    for (let d = shape.length - 1; d >= 0 && ++index[d] === shape[d]; d--) index[d] = 0;
  }
}

/** Seeded bit patterns: NaNs with payloads, negative zeros and ordinary values must all move bit for bit. */
function bits(n: number, seed: number): Int32Array {
  return Int32Array.from(randomData(n, seed), (v) => Math.floor(v * 2 ** 31));
}

describe.each(BUILDS)('layout kernels on %s', (build) => {
  it('copyStrided: permuted, reversed, broadcast and offset reads into strided writes, bit for bit', async () => {
    const b = await backendFor(build);
    const cases: Array<{ shape: number[]; perm: number[]; reversed: number[]; broadcast: number; gap: number }> = [];
    for (const m of SIZES) for (const n of [1, 3, 4, 7, 17, 63, 65]) cases.push({ shape: [m, n], perm: [1, 0], reversed: [], broadcast: -1, gap: 0 });
    for (const [shape, perm] of [[[5, 9, 17], [2, 0, 1]], [[4, 6, 8], [0, 2, 1]], [[3, 65, 7], [1, 2, 0]], [[2, 3, 4, 5], [3, 1, 2, 0]], [[9, 1, 33], [2, 1, 0]]] as Array<[number[], number[]]>) {
      for (const reversed of [[], [0], [perm.length - 1], [0, perm.length - 1]]) for (const gap of [0, 3]) cases.push({ shape, perm, reversed, broadcast: -1, gap });
    }
    for (const n of SIZES) cases.push({ shape: [3, n], perm: [0, 1], reversed: [1], broadcast: -1, gap: 0 }, { shape: [5, n], perm: [1, 0], reversed: [], broadcast: 0, gap: 2 }, { shape: [n, 6], perm: [0, 1], reversed: [], broadcast: 1, gap: 1 });
    cases.forEach(({ shape, perm, reversed, broadcast, gap }, c) => {
      const srcShape = shape.map((d, i) => (i === broadcast ? 1 : d));
      const values = bits(size(srcShape), c);
      const own = srcShape.map((_, i) => size(srcShape.slice(i + 1)));
      const outShape = perm.map((p) => shape[p]);
      // out rows `gap` elements longer than they need to be: strided writes leave the gaps alone.
      const outStrides = outShape.map(() => 1);
      for (let i = outShape.length - 2; i >= 0; i--) outStrides[i] = outStrides[i + 1] * (outShape[i + 1] + (i === outShape.length - 2 ? gap : 0));
      const outLength = outStrides[0] * outShape[0];
      const srcStrides = perm.map((p) => (p === broadcast ? 0 : reversed.includes(p) ? -own[p] : own[p]));
      const srcBase = perm.reduce((s, p, i) => s + (reversed.includes(p) ? (outShape[i] - 1) * own[p] : 0), 0);
      const expected = new Int32Array(outLength).fill(-7);
      referenceCopy(values, srcBase, srcStrides, expected, 0, outStrides, outShape);
      const src = putInt(b, values);
      const out = putInt(b, new Int32Array(outLength).fill(-7));
      const desc = word(b.desc);
      b.heap.i32.set([outShape.length, ...outShape, ...srcStrides, ...outStrides], desc);
      b.kernels.copyStrided(src + 4 * srcBase, out, b.desc);
      expect(Array.from(getInt(b, out, outLength)), `case ${c}: [${shape}] perm [${perm}] reversed [${reversed}] broadcast ${broadcast} gap ${gap}`).toEqual(Array.from(expected));
      freeAll(b, [src, out]);
    });
  });

  it('gather and scatter (add f32, add i32, set) rows of awkward lengths, in order', async () => {
    const b = await backendFor(build);
    for (const inner of [1, 3, 4, 7, 17, 63, 65]) {
      for (const [batch, outer, dim, count] of [[1, 1, 5, 9], [2, 3, 4, 5], [3, 1, 1, 2], [1, 2, 7, 0]]) {
        const label = `inner ${inner}, batch ${batch}, outer ${outer}, dim ${dim}, count ${count}`;
        const indices = Int32Array.from(randomData(batch * count, inner + dim, 0, dim), Math.floor);
        const x = bits(batch * outer * dim * inner, inner);
        const rowOf = (base: number, r: number) => base * inner + r * inner;
        // gather
        const picked = new Int32Array(batch * outer * count * inner);
        for (let bb = 0; bb < batch; bb++) for (let o = 0; o < outer; o++) for (let i = 0; i < count; i++) {
          picked.set(x.subarray(rowOf((bb * outer + o) * dim, indices[bb * count + i]), rowOf((bb * outer + o) * dim, indices[bb * count + i]) + inner), rowOf((bb * outer + o) * count, i));
        }
        const [px, pi, po] = [putInt(b, x), putInt(b, indices), putInt(b, new Int32Array(Math.max(picked.length, 1)))];
        b.kernels.gather(px, pi, po, batch, outer, dim, count, inner);
        expect(Array.from(getInt(b, po, picked.length)), `gather ${label}`).toEqual(Array.from(picked));
        // scatter: updates [batch, outer, count, inner] into [batch, outer, dim, inner]
        const updates = Float32Array.from(randomData(batch * outer * count * inner, inner + 1, -2, 2));
        const updateBits = new Int32Array(updates.buffer);
        const start = Float32Array.from(randomData(batch * outer * dim * inner, inner + 2, -2, 2));
        for (const [mode, combine] of [
          [Scatter.Add, (to: Int32Array, at: number, from: number) => (new Float32Array(to.buffer)[at] = Math.fround(new Float32Array(to.buffer)[at] + updates[from]))],
          [Scatter.AddInt, (to: Int32Array, at: number, from: number) => (to[at] = (to[at] + updateBits[from]) | 0)],
          [Scatter.Set, (to: Int32Array, at: number, from: number) => (to[at] = updateBits[from])],
        ] as const) {
          const expected = new Int32Array(start.slice().buffer);
          for (let bb = 0; bb < batch; bb++) for (let o = 0; o < outer; o++) for (let i = 0; i < count; i++) for (let k = 0; k < inner; k++) {
            combine(expected, rowOf((bb * outer + o) * dim, indices[bb * count + i]) + k, rowOf((bb * outer + o) * count, i) + k);
          }
          const [pu, pt] = [putInt(b, updateBits), putInt(b, new Int32Array(start.buffer))];
          b.kernels.scatter(mode, pu, pi, pt, batch, outer, dim, count, inner);
          expect(Array.from(getInt(b, pt, expected.length)), `scatter ${mode} ${label}`).toEqual(Array.from(expected));
          freeAll(b, [pu, pt]);
        }
        freeAll(b, [px, pi, po]);
      }
    }
  });

  it('oneHot rows of awkward depths, and the coordinates of nonzero values', async () => {
    const b = await backendFor(build);
    for (const depth of [2, 3, 4, 7, 17, 63, 65, 257]) {
      const indices = Int32Array.from(randomData(9, depth, -2, depth + 2), Math.floor);
      const expected = new Int32Array(9 * depth).fill(-5);
      indices.forEach((k, i) => {
        if (k >= 0 && k < depth) expected[i * depth + k] = 11;
      });
      const [pi, po] = [putInt(b, indices), putInt(b, new Int32Array(9 * depth))];
      b.kernels.oneHot(pi, po, 9, depth, 11, -5);
      expect(Array.from(getInt(b, po, 9 * depth)), `depth ${depth}`).toEqual(Array.from(expected));
      freeAll(b, [pi, po]);
    }
    for (const shape of [[1], [7], [3, 5], [2, 3, 17], [4, 1, 2, 3]]) {
      const values = Int32Array.from(randomData(size(shape), shape.length, -1, 1), (v) => (v > 0.3 ? 1 : 0));
      const coordinates: number[] = [];
      values.forEach((v, i) => {
        if (v !== 0) coordinates.push(...shape.map((_, d) => Math.floor(i / size(shape.slice(d + 1))) % shape[d]));
      });
      const px = putInt(b, values);
      const count = b.kernels.countNonzero(px, values.length);
      expect(count, `count [${shape}]`).toBe(coordinates.length / shape.length);
      const po = putInt(b, new Int32Array(Math.max(coordinates.length, 1)));
      b.heap.i32.set([shape.length, ...shape], word(b.desc));
      b.kernels.nonzeroCoords(px, po, b.desc);
      expect(Array.from(getInt(b, po, coordinates.length)), `coordinates [${shape}]`).toEqual(coordinates);
      freeAll(b, [px, po]);
    }
  });
});
