// tf.signal: the cosineWindow kernel on every build against an f64 reference (within one f32 ulp: cos may
// differ in its last f64 bit between wasm and JavaScript), hannWindow, hammingWindow and frame against TF.js on
// both backends, frame's gradient against central differences, and bad input.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { backendFor, BUILDS, freeAll, get, onBackend } from './support.js';

type Lib = typeof tf;

/** The spacing of f32 values around v. */
const ulp = (v: number) => 2 ** (Math.floor(Math.log2(Math.max(Math.abs(v), 2 ** -126))) - 23);

describe.each(BUILDS)('cosineWindow kernel (%s)', (build) => {
  it('a - b·cos(2πi / period) rounded once to f32, within one ulp of the f64 reference and of the js twin', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const n of [1, 3, 7, 17, 63, 65, 257]) {
      for (const [a, c, period] of [[0.5, 0.5, n], [0.54, 0.46, n - 1], [1, 2, 3.5]]) {
        const windowOn = (on: typeof b) => {
          const out = on.heap.alloc(n * 4);
          on.kernels.cosineWindow(out, n, a, c, period);
          const values = get(on, out, n);
          freeAll(on, [out]);
          return values;
        };
        const [got, twin] = [windowOn(b), windowOn(js)];
        for (let i = 0; i < n; i++) {
          const want = a - c * Math.cos((2 * Math.PI * i) / period);
          const label = `n ${n} a ${a} b ${c} period ${period} [${i}]`;
          if (Number.isNaN(want)) expect(got[i], label).toBeNaN();
          else expect(Math.abs(got[i] - want), `${label}: ${got[i]}, want ${want}`).toBeLessThanOrEqual(ulp(want));
          if (!Object.is(got[i], twin[i]) && !(Math.abs(got[i] - twin[i]) <= ulp(got[i]))) expect.fail(`${label} js twin: ${twin[i]}, wasm ${got[i]}`);
        }
      }
    }
  });
});

describe.each(['wasm', 'js'] as const)('signal ops on %s', (backend) => {
  onBackend(backend);

  it('hannWindow and hammingWindow as TF.js, even and odd lengths', async () => {
    for (const n of [0, 2, 3, 7, 10, 17, 63, 64, 65, 257]) {
      await expectSameAsTfjs(`windows of ${n}`, (t) => [t.signal.hannWindow(n), t.signal.hammingWindow(n)], { atol: 1e-7, rtol: 2 ** -23 });
    }
  });

  it('a window of length 1 is [1], as in TensorFlow (TF.js divides 0 by 0 there)', () => {
    tf.tidy(() => {
      expect(Array.from(tf.signal.hannWindow(1).dataSync())).toEqual([1]);
      expect(Array.from(tf.signal.hammingWindow(1).dataSync())).toEqual([1]);
    });
  });

  it('frame as TF.js: lengths and steps around the signal length, padEnd and padValue, every dtype', async () => {
    for (const n of [0, 1, 3, 7, 17]) {
      for (const [length, step] of [[1, 1], [2, 1], [3, 2], [4, 4], [5, 3], [8, 1], [20, 7]]) {
        await expectSameAsTfjs(`frame of ${n} by ${length}, ${step}`, (t) => {
          const x = sample([n], n + length, -4, 4, 0, t);
          const ints = t.tensor1d(Array.from({ length: n }, (_, i) => i * 3 - 5), 'int32');
          const bools = t.tensor1d(Array.from({ length: n }, (_, i) => i % 3 === 0), 'bool');
          return [
            t.signal.frame(x, length, step),
            t.signal.frame(x, length, step, true),
            t.signal.frame(x, length, step, true, -2.5),
            t.signal.frame(ints, length, step, true, 7),
            t.signal.frame(ints, length, step, true, 2.75),
            t.signal.frame(bools, length, step, true, 1),
          ];
        });
      }
    }
  });

  it("beyond TF.js, which reads an array's size as undefined and gives no frames: an array signal is framed", () => {
    tf.tidy(() => {
      const frames = tf.signal.frame([1, 2, 3], 2, 1);
      expect([frames.shape, Array.from(frames.dataSync())]).toEqual([[2, 2], [1, 2, 2, 3]]);
    });
  });

  it("frame's gradient sums each value's frames (and none reaches the pad value), by central differences", () => {
    const x = sample([11], 5, -2, 2);
    for (const [length, step, padEnd] of [[3, 2, false], [4, 3, true], [2, 1, true], [12, 1, true]] as Array<[number, number, boolean]>) {
      expectGradient(`frame ${length}, ${step}, ${padEnd}`, (s) => tf.signal.frame(s, length, step, padEnd, 9), [x]);
    }
    x.dispose();
  });
});

describe.each(['wasm', 'js'] as const)('bad input to signal ops on %s', (backend) => {
  onBackend(backend);

  it('throws where TF.js throws', async () => {
    const cases: Array<[string, (t: Lib) => tf.Tensor]> = [
      ['frame of a matrix', (t) => t.signal.frame(t.tensor2d([1, 2, 3, 4], [2, 2]), 2, 1)],
      ['hannWindow of a negative length', (t) => t.signal.hannWindow(-1)],
    ];
    for (const [label, program] of cases) await expectSameAsTfjs(label, program);
  });

  it('each error names the op and the argument', () => {
    const x = tf.tensor1d([1, 2, 3]);
    const cases: Array<[() => unknown, RegExp]> = [
      [() => tf.signal.hannWindow(2.5), /^hannWindow: windowLength must be an integer >= 0, got 2.5/],
      [() => tf.signal.hammingWindow(-1), /^hammingWindow: windowLength must be an integer >= 0, got -1/],
      [() => tf.signal.hannWindow(2 ** 31), /^hannWindow: a tensor of shape \[2147483648\] needs/],
      [() => tf.signal.frame(tf.zeros([2, 2]), 2, 1), /^frame: signal must have rank 1, got shape \[2, 2\]/],
      // TF.js loops forever on these two.
      [() => tf.signal.frame(x, 0, 1), /^frame: frameLength must be an integer >= 1, got 0/],
      [() => tf.signal.frame(x, 2, 0), /^frame: frameStep must be an integer >= 1, got 0/],
      [() => tf.signal.frame(x, 2, 1, 1 as unknown as boolean), /^frame: padEnd must be true or false, got 1/],
      [() => tf.signal.frame(x, 2, 1, true, NaN), /^frame: padValue must be a finite number, got NaN/],
      [() => tf.signal.frame('x' as unknown as tf.Tensor, 2, 1), /^frame: signal must be/],
      [() => tf.signal.frame(tf.zeros([2 ** 16]), 2 ** 16, 1, true), /^frame: a tensor of shape \[65536, 65536\] needs/],
    ];
    tf.tidy(() => {
      for (const [call, message] of cases) expect(call).toThrow(message);
    });
    x.dispose();
  });
});
