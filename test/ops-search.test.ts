// Searching sorted rows (searchSorted, lowerBound, upperBound) and inTopKAsync. The searchSorted kernel on every
// build against a linear count on sorted rows of awkward lengths (ties, infinities, f32 and i32 operands), the
// js twin giving the same answers on unsorted rows and NaN too; the ops against TF.js on both backends (ranks,
// dtypes, sides, TF.js's [rows, m] result, unsorted rows), and bad input.

import * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.js';
import * as tf from '../src/index.js';
import { expectSameAsTfjs } from './reference.js';
import { backendFor, BUILDS, freeAll, getInt, onBackend, put, putInt, randomData } from './support.js';

type Lib = typeof tf;

/** Values rounded to halves in [-4, 4) (so there are ties), with infinities at some places. */
function tied(n: number, seed: number): Float32Array {
  return randomData(n, seed, -4, 4).map((v, i) => (i % 29 === 5 ? Infinity : i % 31 === 7 ? -Infinity : Math.round(v * 2) / 2));
}

/** Each row of `values` (rows, n) sorted ascending. */
function sortRows(values: Float32Array | Int32Array, rows: number, n: number): void {
  for (let r = 0; r < rows; r++) values.subarray(r * n, (r + 1) * n).sort();
}

/** The kernel's answers for seq (rows, n) and values (rows, m). */
function searchOn(b: Backend, seq: Float32Array | Int32Array, values: Float32Array | Int32Array, rows: number, n: number, m: number, right: boolean): Int32Array {
  const ps = seq instanceof Int32Array ? putInt(b, seq) : put(b, seq);
  const pv = values instanceof Int32Array ? putInt(b, values) : put(b, values);
  const po = b.heap.alloc(Math.max(rows * m, 1) * 4);
  b.kernels.searchSorted(ps, +(seq instanceof Int32Array), pv, +(values instanceof Int32Array), po, rows, n, m, +right);
  const out = getInt(b, po, rows * m);
  freeAll(b, [ps, pv, po]);
  return out;
}

describe.each(BUILDS)('searchSorted kernel (%s)', (build) => {
  it('on sorted rows: the count of entries below each value (left) or at most it (right), every operand dtype', async () => {
    const b = await backendFor(build);
    for (const n of [1, 3, 7, 17, 63, 65, 257]) {
      for (const [rows, m] of [[1, 1], [1, 9], [3, 17], [2, 65]]) {
        const floats = tied(rows * n, n + m);
        sortRows(floats, rows, n);
        const ints = Int32Array.from(randomData(rows * n, n * 3 + m, -6, 6), Math.floor);
        sortRows(ints, rows, n);
        // Values on the entries, between them and beyond both ends.
        const values = tied(rows * m, n * 7 + m).map((v) => v * 1.25);
        const intValues = Int32Array.from(randomData(rows * m, n + 5 * m, -8, 8), Math.floor);
        for (const [seq, vals] of [[floats, values], [floats, intValues], [ints, values], [ints, intValues]] as Array<[Float32Array | Int32Array, Float32Array | Int32Array]>) {
          for (const right of [false, true]) {
            const want = Array.from(vals, (v, k) => {
              const row = Array.from(seq.subarray(Math.floor(k / m) * n, (Math.floor(k / m) + 1) * n));
              return row.filter((s) => (right ? s <= v : s < v)).length;
            });
            const label = `${seq.constructor.name} ${vals.constructor.name} ${rows}x${n} m ${m} right ${right}`;
            expect(Array.from(searchOn(b, seq, vals, rows, n, m, right)), label).toEqual(want);
          }
        }
      }
    }
  });

  it('unsorted rows and NaN: the js twin halves the same way; an empty row places every value at 0', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const n of [1, 7, 65]) {
      const seq = tied(3 * n, n).map((v, i) => (i % 5 === 2 ? NaN : v));
      const values = tied(3 * 9, n + 1).map((v, i) => (i % 4 === 1 ? NaN : v));
      for (const right of [false, true]) expect(searchOn(b, seq, values, 3, n, 9, right), `n ${n} right ${right}`).toEqual(searchOn(js, seq, values, 3, n, 9, right));
    }
    expect(Array.from(searchOn(b, new Float32Array(0), Float32Array.of(1, -1, NaN), 1, 0, 3, true))).toEqual([0, 0, 0]);
  });
});

/** Runs an async program on TF.js and on neurite, each on inputs `make` gives it, and compares the tensors it returns. */
async function expectSameAsync(label: string, make: (lib: Lib) => tf.Tensor[], program: (lib: Lib, xs: tf.Tensor[]) => Promise<tf.Tensor[]>): Promise<void> {
  await tfjs.setBackend('cpu');
  const [theirInputs, ourInputs] = [make(tfjs as unknown as Lib), make(tf)];
  const theirs = await program(tfjs as unknown as Lib, theirInputs);
  const ours = await program(tf, ourInputs);
  expect(ours.length, label).toBe(theirs.length);
  ours.forEach((t, i) => {
    expect(t.shape, `${label}[${i}] shape`).toEqual(theirs[i].shape);
    expect(t.dtype, `${label}[${i}] dtype`).toBe(theirs[i].dtype);
    expect(Array.from(t.dataSync()), `${label}[${i}]`).toEqual(Array.from(theirs[i].dataSync()));
  });
  tf.dispose([...ours, ...ourInputs]);
  tfjs.dispose([...theirs, ...theirInputs] as never);
}

describe.each(['wasm', 'js'] as const)('search ops on %s', (backend) => {
  onBackend(backend);

  it("searchSorted, lowerBound and upperBound as TF.js: ranks 1 to 3, both sides, TF.js's examples", async () => {
    await expectSameAsTfjs('examples', (t) => {
      const edges = t.tensor1d([-1, 3.3, 9.1, 10.0]);
      const seq = t.tensor1d([0, 3, 9, 10, 10]);
      const rows = t.tensor2d([[0, 3, 8, 9, 10], [1, 2, 3, 4, 5]]);
      const values = t.tensor2d([[9.8, 2.1, 4.3], [0.1, 6.6, 4.5]]);
      return [
        t.searchSorted(edges, t.tensor1d([0.0, 4.1, 12.0]), 'left'),
        t.searchSorted(seq, [0, 4, 10]),
        t.searchSorted(seq, [0, 4, 10], 'right'),
        t.searchSorted(rows, values, 'left'),
        t.lowerBound(seq, [0, 4, 10, -1, 11]),
        t.upperBound(seq, [0, 4, 10, -1, 11]),
        t.lowerBound(rows, values),
        t.upperBound(rows, values),
      ];
    });
    for (const shape of [[17], [3, 7], [2, 3, 65]]) {
      await expectSameAsTfjs(`sorted ${shape}`, (t) => {
        const n = shape.length - 1;
        const seq = t.tensor(Array.from(tied(shape.reduce((a, b) => a * b, 1), shape[n])), shape).topk(shape[n]).values.reverse(-1);
        const values = t.tensor(Array.from(tied(shape.slice(0, n).reduce((a, b) => a * b, 1) * 9, 3)), [...shape.slice(0, n), 9]);
        return [t.searchSorted(seq, values), t.searchSorted(seq, values, 'right'), t.lowerBound(seq, values), t.upperBound(seq, values)];
      });
    }
  });

  it('int32 and bool operands, mixed, unsorted rows, NaN and empty values as TF.js', async () => {
    await expectSameAsTfjs('dtypes', (t) => [
      t.searchSorted(t.tensor1d([1, 2, 3], 'int32'), t.tensor1d([2.5, 2, 0])),
      t.searchSorted(t.tensor1d([0.5, 1.5, 2.5]), t.tensor1d([1, 2], 'int32'), 'right'),
      t.searchSorted(t.tensor1d([false, true], 'bool'), t.tensor1d([true, false], 'bool')),
      t.searchSorted(t.tensor1d([5, 1, 4, 2, 3]), t.tensor1d([0, 2, 3.5, 6]), 'right'),
      t.searchSorted(t.tensor1d([1, NaN, 3]), t.tensor1d([NaN, 2, 3])),
      t.searchSorted(t.zeros([0, 3]), t.zeros([0, 2])),
    ]);
  });

  it('beyond TF.js, which fails to reshape them: an empty sequence places values at 0; empty values give [rows, 0]', () => {
    tf.tidy(() => {
      const empty = tf.searchSorted(tf.zeros([2, 0]), tf.tensor2d([[1, 2], [3, 4]]));
      expect([empty.shape, Array.from(empty.dataSync())]).toEqual([[2, 2], [0, 0, 0, 0]]);
      expect(tf.upperBound(tf.tensor1d([1, 2]), tf.zeros([0])).shape).toEqual([1, 0]);
    });
  });

  it('inTopKAsync as TF.js: k from 1 to n, ties to the lower index, float32 and int32 targets, rank 3', async () => {
    const make = (t: Lib) => [
      t.tensor2d([[20, 10, 40, 30], [30, 50, -20, 10]]),
      t.tensor2d([[1, 1, 1, 1], [3, 3, 1, 3], [0, 2, 2, 1]]),
      t.tensor(Array.from(randomData(5 * 17, 3, -1, 1)), [5, 17]),
      t.tensor1d([0, 16, 3, 8, 11], 'int32'),
      t.tensor3d([[[1, 2], [3, 1]], [[0, 0], [5, 6]]]),
      t.tensor2d([[1, 2, 3]], [1, 3], 'int32'),
    ];
    await expectSameAsync('inTopKAsync', make, async (t, [predictions, tiedRows, scores, classes, cube, ints]) => {
      const out: tf.Tensor[] = [await t.inTopKAsync(predictions, [2, 0])];
      for (const k of [1, 2, 3, 4]) out.push(await t.inTopKAsync(tiedRows, [2, 3, 1], k), await t.inTopKAsync(predictions, [3, 1], k));
      for (const k of [1, 5, 16, 17]) out.push(await t.inTopKAsync(scores, classes, k));
      out.push(await t.inTopKAsync(cube, [[1, 1], [0, 1]], 1), await t.inTopKAsync(ints, [2], 1));
      return out;
    });
  });

  it('inTopKAsync: a target outside the classes is in no top k (as TF.js); NaN ranks above every number', async () => {
    const out = await tf.inTopKAsync([[1, 2], [3, 4], [NaN, 1], [1, NaN]], Int32Array.of(-1, 2, 0, 0), 1);
    expect(Array.from(out.dataSync())).toEqual([0, 0, 1, 0]);
    out.dispose();
  });
});

describe.each(['wasm', 'js'] as const)('bad input to search ops on %s', (backend) => {
  onBackend(backend);

  it('throws where TF.js throws', async () => {
    const cases: Array<[string, (t: Lib) => tf.Tensor]> = [
      ['searchSorted of a scalar sequence', (t) => t.searchSorted(t.scalar(1), t.tensor1d([1]))],
      ['searchSorted of scalar values', (t) => t.searchSorted(t.tensor1d([1, 2]), t.scalar(1))],
      ['searchSorted rows that differ', (t) => t.searchSorted(t.tensor1d([1, 2, 3]), t.tensor2d([[1], [2]]))],
      ['lowerBound rows that differ', (t) => t.lowerBound(t.zeros([3, 2]), t.zeros([2, 2]))],
      ['upperBound of a scalar sequence', (t) => t.upperBound(t.scalar(1), t.tensor1d([1]))],
    ];
    for (const [label, program] of cases) await expectSameAsTfjs(label, program);
    // Arrays, not tensors, so that neurite's copies are freed by the call that refuses them.
    const rejects: Array<[string, (t: Lib) => Promise<tf.Tensor>]> = [
      ['rank 1 predictions', (t) => t.inTopKAsync([1, 2], 0)],
      ['targets of the wrong rank', (t) => t.inTopKAsync([[1, 2, 3], [4, 5, 6]], [[0], [1]])],
      ['targets of the wrong length', (t) => t.inTopKAsync([[1, 2, 3], [4, 5, 6]], [0, 1, 2])],
      ['k 0', (t) => t.inTopKAsync([[1, 2, 3], [4, 5, 6]], [0, 1], 0)],
      ['k above the classes', (t) => t.inTopKAsync([[1, 2, 3], [4, 5, 6]], [0, 1], 4)],
    ];
    for (const [label, program] of rejects) {
      await expect(program(tfjs as unknown as Lib), `${label}: TF.js`).rejects.toThrow();
      await expect(program(tf), `${label}: neurite`).rejects.toThrow(/^inTopKAsync: /);
    }
  });

  it('each error names the op and the argument', async () => {
    const seq = tf.tensor1d([1, 2, 3]);
    const cases: Array<[() => unknown, RegExp]> = [
      [() => tf.searchSorted(tf.scalar(1), seq), /^searchSorted: sortedSequence must have rank >= 1, got a scalar/],
      [() => tf.lowerBound(seq, tf.scalar(1)), /^lowerBound: values must have rank >= 1, got a scalar/],
      [() => tf.upperBound(tf.zeros([2, 3]), tf.zeros([3, 1])), /^upperBound: sortedSequence \[2, 3\] and values \[3, 1\] must have the same leading dimensions/],
      [() => tf.searchSorted(seq, seq, 'middle' as 'left'), /^searchSorted: side must be one of "left", "right", got "middle"/],
      [() => tf.searchSorted('x' as unknown as tf.Tensor, seq), /^searchSorted: sortedSequence must be/],
      [() => tf.lowerBound(seq, [1, 'a'] as unknown as number[]), /^lowerBound: values\[1\] must be a number/],
    ];
    tf.tidy(() => {
      for (const [call, message] of cases) expect(call).toThrow(message);
    });
    const rows = [[0, 0, 0], [0, 0, 0]];
    const rejections: Array<[() => Promise<unknown>, RegExp]> = [
      [() => tf.inTopKAsync([1, 2, 3], 0), /^inTopKAsync: predictions must have rank >= 2, got shape \[3\]/],
      [() => tf.inTopKAsync(rows, [0, 1, 2]), /^inTopKAsync: targets must have the shape of predictions without its last axis, \[2\], got \[3\]/],
      [() => tf.inTopKAsync([[], []], [0, 1]), /^inTopKAsync: predictions \[2, 0\] has no classes/],
      [() => tf.inTopKAsync(rows, [0, 1], 4), /^inTopKAsync: k must be an integer in \[1, 3\], got 4/],
      [() => tf.inTopKAsync(rows, [0, 1.5]), /^inTopKAsync: targets must be class indices \(integers\), got 1.5/],
      [() => tf.inTopKAsync(rows, [0, NaN]), /^inTopKAsync: targets must be class indices \(integers\), got NaN/],
    ];
    for (const [call, message] of rejections) await expect(call()).rejects.toThrow(message);
    seq.dispose();
  });
});
