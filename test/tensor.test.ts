// Tensors through the public API on both backends: creation, read-back, validation, lifetime.

import * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { activeBackend } from '../src/engine.js';
import { onBackend } from './support.js';

describe.each(['wasm', 'js'] as const)('tensors on %s', (backend) => {
  onBackend(backend);

  it('runs on the backend asked for', () => {
    expect(tf.getBackend()).toBe(backend);
  });

  it('creates from nested arrays, flat values with a shape, and typed arrays', () => {
    const a = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
    expect(a.shape).toEqual([2, 3]);
    expect(a.size).toBe(6);
    expect(a.rank).toBe(2);
    expect(a.dtype).toBe('float32');
    expect(Array.from(a.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.arraySync()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const b = tf.tensor([1, 2, 3, 4, 5, 6], [3, 2]);
    expect(b.arraySync()).toEqual([[1, 2], [3, 4], [5, 6]]);
    const c = tf.tensor1d(new Int32Array([7, -8]));
    expect(c.dtype).toBe('int32');
    expect(c.dataSync()).toBeInstanceOf(Int32Array);
    const s = tf.scalar(2.5);
    expect(s.shape).toEqual([]);
    expect(s.arraySync()).toBe(2.5);
    const t = tf.tensor2d(new Float32Array([1, 2, 3, 4]), [2, 2]);
    expect(t.arraySync()).toEqual([[1, 2], [3, 4]]);
    tf.dispose([a, b, c, s, t]);
  });

  it('creates from arrays of typed arrays, nested at any depth, with the shape and dtype TF.js gives', async () => {
    await tfjs.setBackend('cpu');
    const VALUES: unknown[] = [
      [new Float32Array([1, 2])],
      [new Int32Array([1, 2]), new Int32Array([3, 4])],
      [[new Uint8Array([1, 255])], [new Uint8Array([0, 7])]],
      [new Uint8ClampedArray([3]), new Float32Array([4])], // the dtype of the first: int32
      [new Float32Array([1.5, 2]), [3, 4]],
      [[1, 2], new Float32Array([3.5, 4])],
      [new Float32Array(0), new Float32Array(0)],
    ];
    for (const values of VALUES) {
      const [mine, theirs] = [tf.tensor(values as tf.TensorLike), tfjs.tensor(values as tfjs.TensorLike)];
      expect({ shape: mine.shape, dtype: mine.dtype, values: Array.from(mine.dataSync()) }, JSON.stringify(values)).toEqual({ shape: theirs.shape, dtype: theirs.dtype, values: Array.from(theirs.dataSync()) });
      tf.dispose(mine);
      tfjs.dispose(theirs);
    }
    const t = tf.tensor([new Float32Array([1, 2, 3, 4])], [1, 2, 2]);
    expect(t.arraySync()).toEqual([[[1, 2], [3, 4]]]);
    const ops = tf.add([new Float32Array([1, 2])], 1);
    expect(ops.arraySync()).toEqual([[2, 3]]);
    const rows = tf.tensor2d([new Float32Array([1, 2]), new Float32Array([3, 4])]);
    expect(rows.arraySync()).toEqual([[1, 2], [3, 4]]);
    tf.dispose([t, ops, rows]);
    expect(() => tf.tensor([new Float32Array([1, 2]), new Float32Array([3])])).toThrow(/^tensor: values\[1\] must be an array of length 2 \(nested arrays must be rectangular\), got a Float32Array$/);
    expect(() => tf.tensor([[[1], [2]], new Float32Array([1, 2])])).toThrow(/^tensor: values\[1\]\[0\] must be an array of length 1 \(nested arrays must be rectangular\), got 1$/);
    expect(() => tf.tensor([new Int32Array([1]), new Float32Array([1.5])])).toThrow(/^tensor: values\[1\] must be a 32-bit integer for dtype int32, got 1\.5$/);
    expect(() => tf.tensor([new DataView(new ArrayBuffer(4))] as never)).toThrow(/^tensor: values\[0\] must be a number, got a DataView$/);
  });

  it("bytes(), asND(-1, ...) and an empty tensor's arraySync give what TF.js gives", async () => {
    await tfjs.setBackend('cpu');
    const cases: Array<[unknown, number[], 'float32' | 'int32' | 'bool']> = [[[3, -1.5], [2], 'float32'], [[1, 2, -3], [3], 'int32'], [[1, 0, 1], [3], 'bool']];
    for (const [values, shape, dtype] of cases) {
      const [a, b] = [tf.tensor(values as number[], shape, dtype), tfjs.tensor(values as number[], shape, dtype)];
      expect(Array.from(await a.bytes()), dtype).toEqual(Array.from((await b.bytes()) as Uint8Array));
      tf.dispose(a);
      tfjs.dispose(b);
    }
    const r = tf.range(0, 24);
    const shapes = [r.as2D(-1, 6), r.as3D(2, -1, 3), r.as4D(2, 3, 2, -1), r.as5D(-1, 1, 2, 3, 4)].map((t) => {
      const shape = t.shape;
      t.dispose();
      return shape;
    });
    expect(shapes).toEqual([[4, 6], [2, 4, 3], [2, 3, 2, 2], [1, 1, 2, 3, 4]]);
    expect(() => r.as2D(5, 6)).toThrow(/^as2D: rows × columns = \[5, 6\] must hold the tensor's 24 values/);
    r.dispose();
    const empty = tf.zeros([2, 0, 3]);
    const theirs = tfjs.zeros([2, 0, 3]);
    expect(empty.arraySync()).toEqual(theirs.arraySync());
    expect(await empty.array()).toEqual([]);
    tf.dispose(empty);
    tfjs.dispose(theirs);
  });

  it('dataSync returns a copy', async () => {
    const a = tf.tensor1d([1, 2]);
    a.dataSync()[0] = 99;
    expect(Array.from(await a.data())).toEqual([1, 2]);
    expect(await a.array()).toEqual([1, 2]);
    a.dispose();
  });

  it('array() reads the values when called and resolves after a data() called next, as in TF.js', async () => {
    const order: string[] = [];
    const a = tf.tensor1d([1, 2]);
    const both = Promise.all([a.array().then(() => order.push('array')), a.data().then(() => order.push('data'))]);
    const early = a.array();
    a.dispose();
    await both;
    expect(order).toEqual(['data', 'array']);
    expect(await early).toEqual([1, 2]);
  });

  it('fills zeros, ones and one-hot rows', () => {
    const z = tf.zeros([2, 3]);
    const o = tf.ones([3], 'int32');
    const labels = tf.tensor1d([2, 0], 'int32');
    const h = tf.oneHot(labels, 3);
    const hf = tf.oneHot([1], 2, 5, -1, 'float32');
    expect(z.arraySync()).toEqual([[0, 0, 0], [0, 0, 0]]);
    expect(o.arraySync()).toEqual([1, 1, 1]);
    expect(h.dtype).toBe('int32');
    expect(h.arraySync()).toEqual([[0, 0, 1], [1, 0, 0]]);
    expect(hf.arraySync()).toEqual([[-1, 5]]);
    tf.dispose([z, o, labels, h, hf]);
  });

  it('rejects malformed values, shapes and dtypes with errors that name the argument', () => {
    expect(() => tf.tensor2d([[1, 2], [3]])).toThrow(/tensor2d: values\[1\] must be an array of length 2/);
    expect(() => tf.tensor([1, 2, 3], [2, 2])).toThrow(/tensor: shape \[2, 2\] needs 4 values, got 3/);
    expect(() => tf.tensor([1, 2], [Number.NaN])).toThrow(/tensor: shape must be an array of non-negative integers/);
    expect(() => tf.tensor([1, 2], [-1, -2])).toThrow(/shape must be an array of non-negative integers/);
    expect(() => tf.tensor([1, 'x' as unknown as number])).toThrow(/values\[1\] must be a number/);
    expect(() => tf.tensor([1.5], [1], 'int32')).toThrow(/values\[0\] must be a 32-bit integer for dtype int32/);
    expect(() => tf.tensor([1], [1], 'complex64' as 'int32')).toThrow(/dtype must be 'float32', 'int32' or 'bool', got "complex64" \(neurite does not support complex64 tensors\)/);
    expect(() => tf.tensor1d([[1]] as unknown as number[])).toThrow(/tensor1d: values must describe a rank-1 tensor/);
    expect(() => tf.tensor2d([1, 2, 3])).toThrow(/tensor2d: flat values need a shape of 2 dimensions/);
    expect(() => tf.zeros([2, 0.5])).toThrow(/zeros: shape must be an array of non-negative integers/);
    expect(() => tf.oneHot([0, 1.5], 3)).toThrow(/oneHot: indices\[1\] must be a 32-bit integer/);
    expect(() => tf.oneHot([0], 1)).toThrow(/oneHot: depth must be an integer >= 2/);
    expect(() => tf.randomUniform([2], 1, 0)).toThrow(/randomUniform: maxval must be greater than minval/);
    expect(() => tf.zeros([65536, 65536])).toThrow(/zeros: a tensor of shape \[65536, 65536\] needs 17179869184 bytes/);
  });

  it('refuses a disposed tensor', () => {
    const a = tf.tensor1d([1, 2]);
    a.dispose();
    a.dispose(); // harmless
    expect(a.isDisposed).toBe(true);
    expect(() => a.dataSync()).toThrow(/dataSync: the tensor is disposed/);
    expect(() => tf.relu(a)).toThrow(/relu: x is disposed/);
  });

  it('tidy disposes what the function made, except what it returns or keeps', () => {
    const outer = tf.tensor1d([1]);
    let kept!: tf.Tensor;
    const [r1, r2] = tf.tidy(() => {
      tf.zeros([10]);
      kept = tf.keep(tf.ones([2]));
      const nested = tf.tidy(() => {
        tf.zeros([3]);
        return tf.ones([4]);
      });
      return [nested, tf.zeros([5])];
    });
    expect(tf.memory().numTensors).toBe(4);
    expect(r1.shape).toEqual([4]);
    expect(outer.isDisposed).toBe(false);
    tf.dispose([outer, kept, r1, r2]);
  });

  it('tidy disposes everything when the function throws', () => {
    expect(() =>
      tf.tidy(() => {
        tf.zeros([10]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
  });

  it('tidy keeps and dispose frees tensors in any object, as TF.js walks them: class instances, null-prototype objects, cycles', () => {
    class Pair {
      readonly link: { pair?: Pair } = {};
      constructor(readonly first: tf.Tensor, readonly second: tf.Tensor[]) {
        this.link.pair = this; // a cycle
      }
    }
    const start = tf.memory().numTensors;
    const [pair, bare] = tf.tidy(() => {
      tf.zeros([3]);
      const bare = Object.assign(Object.create(null) as Record<string, tf.Tensor>, { t: tf.ones([2]) });
      return [new Pair(tf.ones([1]), [tf.ones([4])]), bare] as unknown as tf.TensorContainer[];
    }) as unknown as [Pair, Record<string, tf.Tensor>];
    expect(tf.memory().numTensors).toBe(start + 3);
    expect([pair.first.isDisposed, pair.second[0].isDisposed, bare.t.isDisposed]).toEqual([false, false, false]);
    expect(pair.second[0].arraySync()).toEqual([1, 1, 1, 1]);
    tf.dispose(pair as unknown as tf.TensorContainer);
    expect([pair.first.isDisposed, pair.second[0].isDisposed]).toEqual([true, true]);
    tf.dispose(bare);
    expect(tf.memory().numTensors).toBe(start);
  });

  it("tf.variable with a taken name refuses it and frees the copy cast to the dtype asked for", () => {
    const init = tf.tensor1d([1, 2], 'int32');
    const v = tf.variable(init, true, 'tensor-test-taken');
    const before = tf.memory();
    for (let i = 0; i < 3; i++) expect(() => tf.variable(init, true, 'tensor-test-taken', 'float32')).toThrow(/variable: a variable named "tensor-test-taken" already exists/);
    expect(tf.memory()).toEqual(before);
    tf.dispose([init, v]);
  });

  it('assign refuses a disposed variable and a disposed value by name, and frees or leaks nothing', () => {
    const init = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(init); // shares init's values
    v.dispose();
    const next = tf.tensor1d([4, 5, 6]);
    const before = tf.memory();
    expect(() => v.assign(next)).toThrow(new RegExp(`^assign: variable ${v.name} is disposed$`));
    expect(tf.memory()).toEqual(before);
    expect(Array.from(init.dataSync())).toEqual([1, 2, 3]);
    const w = tf.variable(init);
    next.dispose();
    expect(() => w.assign(next)).toThrow(/^assign: newValue is disposed$/);
    expect(() => w.assign([1, 2, 3] as unknown as tf.Tensor)).toThrow(/^assign: newValue must be a Tensor, got \[1,2,3\]$/);
    expect(Array.from(w.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([init, w]);
  });

  it('memory() counts tensors and bytes, and 10,000 create/dispose cycles leave it where it started', () => {
    const start = tf.memory();
    const a = tf.zeros([3, 5]);
    expect(tf.memory()).toMatchObject({ numTensors: start.numTensors + 1, numDataBuffers: start.numDataBuffers + 1, numBytes: start.numBytes + 60 });
    a.dispose();
    for (let i = 0; i < 10_000; i++) tf.tidy(() => void tf.add(tf.ones([i % 97]), 1));
    expect(tf.memory()).toEqual(start);
  });

  it('seeded random tensors repeat, unseeded ones move on', () => {
    const a = tf.randomNormal([100], 0, 1, 'float32', 7);
    const b = tf.randomNormal([100], 0, 1, 'float32', 7);
    const u = tf.randomUniform([50], -2, 3, 'float32', 7);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    for (const v of u.dataSync()) expect(v >= -2 && v < 3).toBe(true);
    tf.setSeed(1);
    const c = tf.randomNormal([10]);
    const d = tf.randomNormal([10]);
    tf.setSeed(1);
    const e = tf.randomNormal([10]);
    expect(Array.from(c.dataSync())).not.toEqual(Array.from(d.dataSync()));
    expect(Array.from(c.dataSync())).toEqual(Array.from(e.dataSync()));
    tf.dispose([a, b, u, c, d, e]);
  });

  it('tensors move to the active backend when used there', async () => {
    const a = tf.tensor1d([1, -2, 3]);
    await tf.setBackend(backend === 'wasm' ? 'js' : 'wasm');
    const r = tf.relu(a);
    expect(Array.from(r.dataSync())).toEqual([1, 0, 3]);
    await tf.setBackend(backend);
    expect(Array.from(a.dataSync())).toEqual([1, -2, 3]);
    tf.dispose([a, r]);
  });
});

describe('finalization', () => {
  it('frees tensors nobody disposed once they are garbage-collected', async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    expect(gc, 'the test runner passes --expose-gc').toBeTypeOf('function');
    const start = tf.memory();
    (() => {
      for (let i = 0; i < 100; i++) tf.zeros([1000]);
    })();
    expect(tf.memory().numTensors).toBe(start.numTensors + 100);
    for (let i = 0; i < 20 && tf.memory().numTensors > start.numTensors; i++) {
      gc!();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(tf.memory()).toEqual(start);
  });

  it('a variable dropped after it was assigned frees the values it holds then, not those it started with', async () => {
    const gc = (globalThis as { gc?: () => void }).gc!;
    const start = tf.memory();
    const t = tf.tensor1d([1, 2, 3]);
    const t2 = tf.tensor1d([4, 5, 6]);
    let dropped: WeakRef<tf.Variable>;
    (() => {
      const v = tf.variable(t); // shares t's values until it is assigned
      v.assign(t2); // now t2's
      dropped = new WeakRef(v);
    })();
    // deref() keeps its target alive to the end of the task that called it: collect in the next one.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 10));
    for (let i = 0; i < 20; i++) {
      await tick();
      gc();
      await tick(); // the finalizer's turn
      if (dropped!.deref() === undefined) break;
    }
    expect(dropped!.deref()).toBeUndefined();
    for (let i = 0; i < 20 && tf.memory().numTensors > start.numTensors + 2; i++) await tick(); // its finalizer ran
    expect(tf.memory().numTensors).toBe(start.numTensors + 2);
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
    expect(Array.from(t2.dataSync())).toEqual([4, 5, 6]);
    tf.dispose([t, t2]);
    expect(tf.memory()).toEqual(start);
  });
});

describe('set-up', () => {
  it('setBackend rejects unknown names; setSeed rejects non-integers', async () => {
    await expect(tf.setBackend('webgl' as 'js')).rejects.toThrow(/setBackend: name must be 'wasm' or 'js'/);
    expect(() => tf.setSeed(1.5)).toThrow(/setSeed: seed must be an integer/);
  });

  it('version matches package.json', async () => {
    const { readFile } = await import('node:fs/promises');
    const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8'));
    expect(tf.version).toBe(pkg.version);
  });
});

describe('blocks moving between backends', () => {
  /** Columns of a [1000, n] float32 block larger than `backend`'s whole heap now: moving it there must grow it. */
  async function widerThanHeapOf(backend: 'wasm' | 'js'): Promise<number> {
    await tf.setBackend(backend);
    return Math.ceil(activeBackend().heap.memory.buffer.byteLength / 4000) + 1000;
  }

  it.each([
    ['js', 'wasm'],
    ['wasm', 'js'],
  ] as const)('%s to %s: sum, setWeights and a weight restore read the moved values', async (from, to) => {
    let n = await widerThanHeapOf(to);
    await tf.setBackend(from);
    const x = tf.ones([1000, n]);
    await tf.setBackend(to);
    expect(tf.sum(x).dataSync()[0]).toBe(1000 * n);
    x.dispose();

    n = await widerThanHeapOf(to);
    const model = tf.sequential({ layers: [tf.layers.dense({ units: n, inputShape: [1000], useBias: false })] });
    model.build();
    await tf.setBackend(from);
    const w = tf.ones([1000, n]);
    await tf.setBackend(to);
    model.setWeights([w]);
    w.dispose();
    const [kernel] = model.getWeights();
    expect((kernel.dataSync() as Float32Array).every((v) => v === 1)).toBe(true);

    model.dispose();

    // A restore (as earlyStopping does) into an arena that has to move to a heap smaller than itself.
    const m = await widerThanHeapOf(from);
    await tf.setBackend(to);
    const big = tf.sequential({ layers: [tf.layers.dense({ units: m, inputShape: [1000], useBias: false })] });
    big.build();
    const snapshot = big.snapshotWeights().map((_, i) => i % 7);
    await tf.setBackend(from);
    big.restoreWeights(snapshot);
    const [restored] = big.getWeights();
    expect(Array.from(restored.dataSync().subarray(0, 14))).toEqual([0, 1, 2, 3, 4, 5, 6, 0, 1, 2, 3, 4, 5, 6]);
    big.dispose();
  });
});
