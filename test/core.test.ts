// The core API's foundation on both backends: tensors of every dtype, TF.js's print format, scopes, the
// tape (grad, grads, valueAndGrad(s), variableGrads, customGrad) and variables, each against TF.js itself.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { onBackend } from './support.js';

describe.each(['wasm', 'js'] as const)('core on %s', (backend) => {
  onBackend(backend);

  it('creates float32, int32 and bool tensors as TF.js infers and converts them', async () => {
    await expectSameAsTfjs('dtypes', (t) => [
      t.tensor([1, 2, 3]),
      t.tensor(new Int32Array([1, 2])),
      t.tensor(new Uint8Array([1, 2])),
      t.tensor([true, false]),
      t.tensor([0, 2, -1], [3], 'bool'),
      t.tensor([1.5, -2.5, 3e9], [3]).cast('int32'),
      t.tensor([0, 0.5, Number.NaN]).cast('bool'),
      t.tensor([[1, 2], [3, 4]], [4]),
      t.scalar(true),
      t.zeros([2, 0, 3]),
    ]);
  });

  it('prints exactly as TF.js prints', async () => {
    const { formatTensor } = await import('../src/tensor/print.js');
    const tfjs = await import('@tensorflow/tfjs');
    const cases: Array<[number[] | boolean[], number[], 'float32' | 'int32' | 'bool']> = [
      [[0.1], [], 'float32'],
      [[1, 2, 3, 4], [4], 'float32'],
      [[1, 22, 333, 4444, -5, 0.000123, 1e7, 1 / 3], [2, 2, 2], 'float32'],
      [Array.from({ length: 30 }, (_, i) => i * 1.5), [30], 'float32'],
      [Array.from({ length: 50 }, (_, i) => i), [25, 2], 'int32'],
      [[true, false, true, true], [2, 2], 'bool'],
      [[7, 10], [1, 2], 'float32'],
      [[], [0, 3], 'float32'],
    ];
    for (const [values, shape, dtype] of cases) {
      for (const verbose of [false, true]) {
        const theirs = tfjs.tensor(values as number[], shape, dtype);
        const ours = tf.tensor(values as number[], shape, dtype);
        expect(ours.toString(verbose), `${dtype} [${shape}]`).toBe(theirs.toString(verbose));
        expect(formatTensor(ours.dataSync(), ours.shape, ours.dtype, verbose)).toBe(theirs.toString(verbose));
        theirs.dispose();
        ours.dispose();
      }
    }
  });

  it('broadcasts add, sub, mul and div over any rank as TF.js does, with int32 kept int32', async () => {
    const shapes: Array<[number[], number[]]> = [[[3], [3]], [[2, 3], [3]], [[2, 3], [2, 1]], [[4, 1, 3], [1, 5, 1]], [[1, 7], [17, 1]], [[2, 3, 4, 5], [3, 1, 5]], [[], [2, 2]]];
    for (const [sa, sb] of shapes) {
      for (const op of ['add', 'sub', 'mul', 'div'] as const) {
        await expectSameAsTfjs(`${op} [${sa}] [${sb}]`, (t) => t[op](sample(sa, 1, -2, 2, 0.5, t), sample(sb, 2, -2, 2, 0.5, t)));
        await expectSameAsTfjs(`${op} int32 [${sa}] [${sb}]`, (t) => t[op](t.tensor(sa.length ? Array.from({ length: sa.reduce((a, b) => a * b, 1) }, (_, i) => i - 3) : 5, sa, 'int32'), t.tensor(sb.reduce((a, b) => a * b, 1) > 0 ? Array.from({ length: sb.reduce((a, b) => a * b, 1) }, (_, i) => (i % 2 ? 2 : -3)) : [], sb, 'int32')));
      }
    }
    await expectSameAsTfjs('incompatible shapes', (t) => t.add(t.zeros([2, 3]), t.zeros([2])));
  });

  it('the gradients of the first ops match central differences, broadcasting included', () => {
    const [x, row, col, w, a, b] = [sample([3, 4], 3, -1, 1, 0.2), sample([4], 4, 0.5, 2), sample([3, 1], 5, 0.5, 2), sample([4, 2], 6), sample([4, 3], 7), sample([2, 4], 8)];
    expectGradient('add', (a, b) => tf.add(a, b), [x, row]);
    expectGradient('sub', (a, b) => tf.sub(a, b), [col, x]);
    expectGradient('mul', (a, b) => tf.mul(a, b), [x, col]);
    expectGradient('div', (a, b) => tf.div(a, b), [x, row]);
    expectGradient('exp', (a) => tf.exp(a), [x]);
    expectGradient('log', (a) => tf.log(a), [row]);
    expectGradient('sqrt', (a) => tf.sqrt(a), [row]);
    expectGradient('square', (a) => tf.square(a), [x]);
    expectGradient('abs', (a) => tf.abs(a), [x]);
    expectGradient('relu', (a) => tf.relu(a), [x]);
    expectGradient('sigmoid', (a) => tf.sigmoid(a), [x]);
    expectGradient('tanh', (a) => tf.tanh(a), [x]);
    expectGradient('softmax', (a) => tf.softmax(a), [x]);
    expectGradient('sum axis 1', (a) => tf.sum(a, 1), [x]);
    expectGradient('mean keepDims', (a) => tf.mean(a, 0, true), [x]);
    expectGradient('matMul', (p, q) => tf.matMul(p, q), [x, w]);
    expectGradient('matMul transposed', (p, q) => tf.matMul(p, q, true, true), [a, b]);
    expectGradient('reshape', (p) => tf.reshape(p, [2, -1]), [x]);
    tf.dispose([x, row, col, w, a, b]);
  });

  it('grad, grads, valueAndGrad(s), variableGrads and customGrad give TF.js\'s values', async () => {
    await expectSameAsTfjs('grad', (t) => t.grad((x: tf.Tensor) => x.square().mul(3).sum())(t.tensor1d([1, -2, 3])));
    await expectSameAsTfjs('grad with dy', (t) => t.grad((x: tf.Tensor) => x.exp())(t.tensor1d([0, 1]), t.tensor1d([2, 3])));
    await expectSameAsTfjs('grads', (t) => t.grads((a: tf.Tensor, b: tf.Tensor) => a.mul(b).add(a))([t.tensor1d([5, 6]), t.tensor1d([-1, -2])]));
    await expectSameAsTfjs('valueAndGrad', (t) => {
      const { value, grad } = t.valueAndGrad((x: tf.Tensor) => x.square().sum())(t.tensor2d([[1, 2], [3, 4]]));
      return [value, grad];
    });
    await expectSameAsTfjs('second derivative', (t) => t.grad((x: tf.Tensor) => t.grad((y: tf.Tensor) => y.mul(y).mul(y))(x))(t.tensor1d([2, 3])));
    await expectSameAsTfjs('a gradient through a tidy inside f', (t) => t.grad((x: tf.Tensor) => t.tidy(() => x.exp().sum()))(t.tensor1d([0, 1])));
    await expectSameAsTfjs('no path from x to y', (t) => t.grad(() => t.scalar(1))(t.tensor1d([1])));
    await expectSameAsTfjs('customGrad', (t) => {
      const f = t.customGrad((x: tf.Tensor, save: (ts: tf.Tensor[]) => void) => {
        save([x]);
        return { value: x.square(), gradFunc: (dy: tf.Tensor, [x]: tf.Tensor[]) => [dy.mul(x.abs())] };
      });
      return t.grad((x: tf.Tensor) => f(x) as tf.Tensor)(t.tensor1d([-2, 3]));
    });
    const [w, frozen] = tf.tidy(() => [tf.variable(tf.tensor1d([1, 2]), true, 'core-test-w'), tf.variable(tf.tensor1d([5]), false)]);
    const { value, grads } = tf.variableGrads(() => w.square().sum().add(frozen.sum()), [w, frozen]);
    expect(value.dataSync()[0]).toBe(10);
    expect(Array.from(grads[w.name].dataSync())).toEqual([2, 4]);
    expect(grads[frozen.name]).toBeNull();
    tf.dispose([value, grads[w.name], w, frozen]);
  });

  it('a gradient of the wrong shape is refused, naming the op, the input and both shapes, before anything is summed', async () => {
    for (const size of [2, 1000]) {
      const wrong = tf.customGrad((x: tf.Tensor) => ({ value: x.square(), gradFunc: () => [tf.ones([size])] }));
      const x = tf.tensor1d([1, 2, 3]);
      const before = tf.memory();
      const message = `Error in the gradient of customGrad: the gradient of input 0 has shape [${size}], which does not match the input's shape [3]`;
      // Alone, or summed with another path's gradient: refused either way.
      expect(() => tf.grad((v: tf.Tensor) => wrong(v).mul(2).sum())(x)).toThrow(message);
      expect(() => tf.grad((v: tf.Tensor) => wrong(v).add(v).sum())(x)).toThrow(message);
      expect(tf.memory()).toEqual(before);
      expect(Array.from(x.dataSync())).toEqual([1, 2, 3]);
      x.dispose();
    }
    await expectSameAsTfjs('wrong gradient shape', (t) => {
      const wrong = t.customGrad((x: tf.Tensor) => ({ value: x.square(), gradFunc: () => [t.ones([2])] }));
      return t.grad((x: tf.Tensor) => wrong(x) as tf.Tensor)(t.tensor1d([1, 2, 3]));
    });
  });

  it("customGrad frees what f makes besides its value (all of it when f throws), and keeps what f saved for gradFunc", async () => {
    const f = tf.customGrad((x: tf.Tensor, save: (ts: tf.Tensor[]) => void) => {
      const cube = x.square().mul(x); // intermediates: freed
      save([x.square()]); // made in f, and kept for gradFunc
      return { value: cube.add(1), gradFunc: (dy: tf.Tensor, [square]: tf.Tensor[]) => [dy.mul(square).mul(3)] };
    });
    const x = tf.tensor1d([1, -2]);
    const start = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      tf.dispose(f(x));
      expect(tf.memory().numTensors).toBe(start);
    }
    const failing = tf.customGrad((v: tf.Tensor) => {
      v.square();
      throw new Error('f failed');
    });
    expect(() => failing(x)).toThrow('f failed');
    const invalid = tf.customGrad((v: tf.Tensor) => ({ value: v.square(), gradFunc: 'not a function' }) as never);
    expect(() => invalid(x)).toThrow(/customGrad: f must return \{ value, gradFunc \} where gradFunc is a function/);
    expect(tf.memory().numTensors).toBe(start);
    x.dispose();
    await expectSameAsTfjs('customGrad with a tensor f saved', (t) => {
      const cubed = t.customGrad((v: tf.Tensor, save: (ts: tf.Tensor[]) => void) => {
        save([v.square()]);
        return { value: v.square().mul(v), gradFunc: (dy: tf.Tensor, [square]: tf.Tensor[]) => [dy.mul(square).mul(3)] };
      });
      return t.grad((v: tf.Tensor) => t.tidy(() => cubed(v) as tf.Tensor))(t.tensor1d([1, -2]));
    });
  });

  it('a gradient of f that returns a tensor of the caller\'s leaves that tensor alive', () => {
    const [x, c] = [tf.tensor1d([1, 2]), tf.tensor1d([7])];
    const g = tf.grad((t: tf.Tensor) => t)(x); // d x / d x
    expect(Array.from(g.dataSync())).toEqual([1, 1]);
    expect(() => tf.grad(() => c)(x)).toThrow(/grad: cannot compute the gradient of y = f\(x\) with respect to x/);
    expect(() => tf.grads((a: tf.Tensor) => a)([c, x])).toThrow(/grads: cannot compute the gradient/);
    expect([Array.from(x.dataSync()), Array.from(c.dataSync())]).toEqual([[1, 2], [7]]);
    tf.dispose([x, c, g]);
  });

  it('variables assign, keep their values apart from what they were made from, and are never tidied', () => {
    const init = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(init);
    tf.tidy(() => v.assign(tf.tensor1d([4, 5, 6])));
    expect(Array.from(v.dataSync())).toEqual([4, 5, 6]);
    expect(Array.from(init.dataSync())).toEqual([1, 2, 3]);
    tf.tidy(() => expect(() => v.assign(tf.zeros([2]))).toThrow(/assign: variable .* has shape \[3\], but newValue has shape \[2\]/));
    expect(() => tf.variable(init, true, v.name)).toThrow(/variable: a variable named .* already exists/);
    tf.dispose([init, v]);
  });

  it('an op frees what it made for itself; a failed op leaves nothing behind', () => {
    const x = tf.tensor1d([1, 2]);
    const start = tf.memory().numTensors;
    const y = tf.add(x, [3, 4]); // the array becomes a tensor inside add, and goes with it
    expect(tf.memory().numTensors).toBe(start + 1);
    expect(() => tf.add(y, [1, 2, 3])).toThrow(/add: operands could not be broadcast/);
    expect(tf.memory().numTensors).toBe(start + 1);
    tf.dispose([x, y]);
  });
});
