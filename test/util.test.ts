// tf.util, tf.buffer and TensorBuffer, tensor.bufferSync() and buffer(), and the timing helpers (nextFrame,
// time, profile), against TF.js where TF.js is deterministic, on both backends; the shuffles from the seeded PRNG.

import * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectSameAsTfjs } from './reference.js';
import { onBackend } from './support.js';

describe.each(['wasm', 'js'] as const)('tf.util on %s', (backend) => {
  onBackend(backend);

  it('shuffle, shuffleCombo and createShuffledIndices permute, and repeat after setSeed', () => {
    for (const n of [0, 1, 2, 7, 65, 1000]) {
      const a = Array.from({ length: n }, (_, i) => i);
      tf.util.shuffle(a);
      expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
      const indices = tf.util.createShuffledIndices(n);
      expect(indices).toBeInstanceOf(Uint32Array);
      expect(Array.from(indices).sort((x, y) => x - y)).toEqual(Array.from({ length: n }, (_, i) => i));
    }
    const typed = new Float32Array([1, 2, 3, 4, 5]);
    tf.util.shuffle(typed);
    expect(Array.from(typed).sort()).toEqual([1, 2, 3, 4, 5]);
    const [x, y] = [['a', 'b', 'c', 'd', 'e', 'f'], new Int32Array([0, 1, 2, 3, 4, 5])];
    tf.util.shuffleCombo(x, y);
    expect(x).toEqual(Array.from(y, (i) => 'abcdef'[i]));
    tf.setSeed(11);
    const first = tf.util.createShuffledIndices(100);
    const second = tf.util.createShuffledIndices(100);
    tf.setSeed(11);
    expect(tf.util.createShuffledIndices(100)).toEqual(first);
    expect(second).not.toEqual(first);
    tf.setSeed(11);
    const shuffled = Array.from({ length: 100 }, (_, i) => i);
    tf.util.shuffle(shuffled);
    expect(shuffled).toEqual(Array.from(first));
  });

  it('the shuffles are the same on both backends for one seed, and about uniform', async () => {
    tf.setSeed(5);
    const here = tf.util.createShuffledIndices(50);
    await tf.setBackend(backend === 'wasm' ? 'js' : 'wasm');
    tf.setSeed(5);
    const there = tf.util.createShuffledIndices(50);
    await tf.setBackend(backend);
    expect(there).toEqual(here);
    const firsts = new Array(4).fill(0);
    for (let i = 0; i < 4000; i++) {
      const a = [0, 1, 2, 3];
      tf.util.shuffle(a);
      firsts[a[0]]++;
    }
    for (const count of firsts) expect(Math.abs(count - 1000)).toBeLessThan(150);
  });

  it('the shuffles refuse what is not an array, naming it', () => {
    expect(() => tf.util.shuffle('abc' as unknown as number[])).toThrow(/^shuffle: array must be an array or a typed array, got "abc"/);
    expect(() => tf.util.shuffleCombo([1, 2], [1])).toThrow(/^shuffleCombo: array and array2 must have the same length, got 2 and 1/);
    expect(() => tf.util.shuffleCombo([1], {} as unknown as number[])).toThrow(/^shuffleCombo: array2 must be an array or a typed array/);
    expect(() => tf.util.createShuffledIndices(-1)).toThrow(/^createShuffledIndices: n must be an integer in \[0, 1073741824\], got -1/);
    expect(() => tf.util.createShuffledIndices(2.5)).toThrow(/^createShuffledIndices: n must be an integer/);
  });

  it('the other helpers give what TF.js gives', async () => {
    if (tfjs.getBackend() !== 'cpu') await tfjs.setBackend('cpu');
    const pairs: Array<[string, (u: typeof tf.util) => unknown]> = [
      ['sizeFromShape', (u) => [u.sizeFromShape([3, 4, 2]), u.sizeFromShape([]), u.sizeFromShape([2, 0])]],
      ['arraysEqual', (u) => [u.arraysEqual([1, 2], [1, 2]), u.arraysEqual([1, 2], [1, 3]), u.arraysEqual([1], [1, 1]), u.arraysEqual(new Float32Array([1]), [1])]],
      ['flatten', (u) => [u.flatten([[1, 2], [3, 4], [5, [6, [7]]]]), u.flatten([new Float32Array([1, 2]), [3]] as unknown as number[]), u.flatten([new Int32Array([1, 2]), [3]] as unknown as number[], [], true), u.flatten(5), u.flatten([[true], [false]])]],
      ['flatten into result', (u) => u.flatten([[1], 2], [0])],
      ['isTypedArray', (u) => [u.isTypedArray(new Float32Array(1)), u.isTypedArray(new Uint8ClampedArray(1)), u.isTypedArray([1]), u.isTypedArray(new Float64Array(1))]],
      ['inferDtype', (u) => [u.inferDtype([1, 2]), u.inferDtype(new Int32Array(1)), u.inferDtype([[true]]), u.inferDtype(new Uint8Array(1)), u.inferDtype(new Float32Array(1))]],
      ['computeStrides', (u) => [u.computeStrides([2, 3, 4]), u.computeStrides([5]), u.computeStrides([])]],
      ['locToIndex and indexToLoc', (u) => [u.locToIndex([1, 2, 3], 3, [12, 4]), u.indexToLoc(23, 3, [12, 4]), u.indexToLoc(4, 1, []), u.locToIndex([], 0, [])]],
      ['clamp and isInt', (u) => [u.clamp(0, 5, 3), u.clamp(0, -1, 3), u.isInt(3), u.isInt(3.5)]],
      ['toNestedArray', (u) => [u.toNestedArray([2, 3], new Float32Array([1, 2, 3, 4, 5, 6])), u.toNestedArray([], new Float32Array([7])), u.toNestedArray([0, 2], new Float32Array(0))]],
      ['typed arrays of dtypes', (u) => [u.makeZerosTypedArray(3, 'int32'), u.makeOnesTypedArray(2, 'bool'), u.makeZerosTypedArray(2, 'float32'), u.bytesPerElement('bool'), u.bytesPerElement('float32')]],
      ['isScalarShape', (u) => [u.isScalarShape([]), u.isScalarShape([1])]],
      ['encodeString and decodeString', (u) => [Array.from(u.encodeString('héllo')), u.decodeString(new Uint8Array([104, 195, 169]))]],
    ];
    for (const [label, f] of pairs) expect(f(tf.util), label).toEqual(f(tfjs.util as unknown as typeof tf.util));
    expect(() => tf.util.assert(1 + 1 === 3, () => 'sums are off')).toThrow(/^sums are off$/);
    expect(() => tf.util.assert(false, 'plain message')).toThrow(/^plain message$/);
    expect(tf.util.assert(true, () => 'never')).toBeUndefined();
    const t0 = tf.util.now();
    expect(typeof t0).toBe('number');
    expect(tf.util.now()).toBeGreaterThanOrEqual(t0);
    expect(typeof tf.util.fetch).toBe('function');
    expect(() => tf.util.makeZerosTypedArray(2, 'string' as 'int32')).toThrow(/^makeZerosTypedArray: dtype must be/);
    expect(() => tf.util.toNestedArray([2, 2], new Float32Array(3))).toThrow(/^toNestedArray: shape \[2,2\] needs 4 values, got 3/);
    expect(() => tf.util.flatten(((): unknown[] => { const a: unknown[] = []; a.push(a); return a; })() as number[])).toThrow(/^flatten: arr is nested more than 1000 deep/);
  });
});

describe.each(['wasm', 'js'] as const)('tf.buffer and TensorBuffer on %s', (backend) => {
  onBackend(backend);

  it('set, get, toTensor and the fields, as TF.js', async () => {
    await expectSameAsTfjs('docs', (t) => {
      const b = t.buffer([2, 2]);
      b.set(3, 0, 0);
      b.set(5, 1, 0);
      return b.toTensor();
    });
    await expectSameAsTfjs('dtypes and given values', (t) => {
      const i = t.buffer([2, 3], 'int32');
      i.set(7, 1, 2);
      i.set(1.9, 0, 1); // an Int32Array truncates
      const f = t.buffer([3], 'float32', new Float32Array([1, 2, 3]));
      f.set(-4, 2);
      const bools = t.buffer([2], 'bool');
      bools.set(true, 1);
      const plain = t.buffer([2], 'float32', [5, 6] as unknown as Float32Array);
      return [i.toTensor(), f.toTensor(), bools.toTensor(), plain.toTensor(), t.buffer([0, 2]).toTensor()];
    });
    if (tfjs.getBackend() !== 'cpu') await tfjs.setBackend('cpu');
    const [ours, theirs] = [tf.buffer([2, 3, 4]), tfjs.buffer([2, 3, 4])];
    for (const field of ['shape', 'dtype', 'size', 'strides', 'rank'] as const) expect(ours[field], field).toEqual(theirs[field]);
    expect(ours.locToIndex([1, 2, 3])).toBe(theirs.locToIndex([1, 2, 3]));
    expect(ours.indexToLoc(17)).toEqual(theirs.indexToLoc(17));
    expect(ours.values).toEqual(theirs.values);
    const values = new Float32Array([1, 2, 3, 4]);
    const kept = tf.buffer([2, 2], 'float32', values);
    expect(kept.values).toBe(values); // kept, not copied, as TF.js
    expect(kept.get(1, 1)).toBe(4);
    expect(tfjs.buffer([3]).get()).toBe(tf.buffer([3]).get()); // no coordinates: [0]
    const scalar = tf.buffer([]);
    scalar.set(4);
    expect(scalar.get()).toBe(4);
  });

  it('tensor.bufferSync() and tensor.buffer() hold a copy of the values', async () => {
    const x = tf.tensor2d([[1, 2], [3, 4]]);
    const b = x.bufferSync();
    expect(b.get(1, 0)).toBe(3);
    b.set(9, 1, 0);
    expect(Array.from(x.dataSync())).toEqual([1, 2, 3, 4]);
    const ints = tf.tensor1d([5, 6], 'int32');
    const i = await ints.buffer();
    expect([i.dtype, i.values]).toEqual(['int32', new Int32Array([5, 6])]);
    const t = b.toTensor();
    expect(t.arraySync()).toEqual([[1, 2], [9, 4]]);
    tf.dispose([x, ints, t]);
  });

  it('refuses bad shapes, dtypes, values and locations, naming them', async () => {
    await expectSameAsTfjs('values of the wrong length', (t) => t.buffer([2, 2], 'float32', new Float32Array(3)).toTensor());
    await expectSameAsTfjs('a location out of range', (t) => t.buffer([2, 2]).get(2, 0));
    await expectSameAsTfjs('a non-integer dim', (t) => t.buffer([2.5]).toTensor());
    await expectSameAsTfjs('set with too few coordinates', (t) => {
      t.buffer([2, 2]).set(1, 1);
      return t.scalar(0);
    });
    expect(() => tf.buffer([2], 'foo' as 'int32')).toThrow(/^buffer: dtype must be 'float32', 'int32' or 'bool', got "foo"/);
    expect(() => tf.buffer([-1])).toThrow(/^buffer: shape must be an array of non-negative integers/);
    expect(() => tf.buffer([2], 'float32', new Float32Array(3))).toThrow(/^buffer: values must hold 2 values for shape \[2\], got 3/);
    expect(() => tf.buffer([2], 'float32', 'ab' as unknown as Float32Array)).toThrow(/^buffer: values must be an array or a typed array/);
    const b = tf.buffer([2, 2]);
    // TF.js writes nowhere (set) or reads another element (get with fewer coordinates): neurite refuses.
    expect(() => b.set(1, 2, 0)).toThrow(/^TensorBuffer.set: locs \[2,0\] are out of range for shape \[2, 2\]/);
    expect(() => b.get(1)).toThrow(/^TensorBuffer.get: locs must have 2 coordinates \(the rank\), got \[1\]/);
    expect(() => b.get(0, 0.5)).toThrow(/^TensorBuffer.get: locs \[0,0.5\] are out of range/);
    expect(() => b.set('x' as unknown as number, 0, 0)).toThrow(/^TensorBuffer.set: value must be a number or a boolean, got "x"/);
  });
});

describe.each(['wasm', 'js'] as const)('timing on %s', (backend) => {
  onBackend(backend);

  it('nextFrame resolves; time measures; profile counts what f leaves', async () => {
    let resolved = false;
    const frame = tf.nextFrame().then(() => (resolved = true));
    expect(resolved).toBe(false);
    await frame;
    expect(resolved).toBe(true);
    const x = tf.randomNormal([20, 20]);
    const timing = await tf.time(() => x.matMul(x).dispose());
    expect(timing.wallMs).toBeGreaterThanOrEqual(0);
    expect(timing.kernelMs).toBeLessThanOrEqual(timing.wallMs);
    x.dispose();
    if (tfjs.getBackend() !== 'cpu') await tfjs.setBackend('cpu');
    const docs = <T extends typeof tf>(t: T) =>
      t.profile(() => {
        const a = t.tensor1d([1, 2, 3]);
        let a2 = a.square();
        a2.dispose();
        a2 = a.square();
        a2.dispose();
        return a;
      });
    const [ours, theirs] = [await docs(tf), await docs(tfjs as unknown as typeof tf)];
    expect([ours.newBytes, ours.newTensors]).toEqual([theirs.newBytes, theirs.newTensors]);
    expect(ours.peakBytes).toBeGreaterThanOrEqual(ours.newBytes);
    expect(ours.kernels).toEqual([]);
    tf.dispose(ours.result);
    tfjs.dispose(theirs.result as unknown as tfjs.Tensor);
    const async = await tf.profile(async () => tf.ones([4]));
    expect([async.newTensors, async.newBytes]).toEqual([1, 16]);
    tf.dispose(async.result);
    await expect(tf.time(5 as unknown as () => void)).rejects.toThrow(/^time: f must be a function, got 5/);
    await expect(tf.profile(null as unknown as () => tf.Tensor)).rejects.toThrow(/^profile: f must be a function, got null/);
  });
});
