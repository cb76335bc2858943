// tf.image.resizeBilinear and resizeNearestNeighbor against TF.js on awkward shapes (sizes 1, 3, 7, 17;
// channels 1 to 17, so the kernels' four-channel steps and their tails both run), upsizing and downsizing,
// every valid combination of alignCorners and halfPixelCenters, rank 3, dtypes; their gradients against
// central differences (second derivatives too) and against TF.js's where TF.js's are right; bad input; on
// both backends. Then the kernels of every build against the js twin, bit for bit.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { Backend } from '../src/backend/backend.js';
import { word } from '../src/backend/heap.js';
import { Program } from '../src/backend/program.js';
import { activeBackend } from '../src/engine.js';
import { expectGradient, expectSameAsTfjs, sample } from './reference.js';
import { backendFor, BUILDS, freeAll, get, onBackend, put, randomData } from './support.js';

type Lib = typeof tf;
const METHODS = ['resizeBilinear', 'resizeNearestNeighbor'] as const;
/** [alignCorners, halfPixelCenters]: TF.js refuses both true. */
const MODES: Array<[boolean, boolean]> = [
  [false, false],
  [true, false],
  [false, true],
];
/** [images' shape, size]: up, down, one way up and the other down, to and from 1 pixel. */
const RESIZES: Array<[number[], [number, number]]> = [
  [[3, 7, 3, 1], [17, 7]],
  [[1, 17, 7, 4], [3, 3]],
  [[2, 3, 17, 5], [7, 1]],
  [[1, 7, 7, 17], [17, 3]],
  [[3, 1, 1, 3], [3, 7]],
  [[1, 17, 17, 8], [1, 1]],
  [[2, 3, 7, 2], [3, 7]],
  [[1, 3, 3, 1], [5, 7]],
];

describe.each(['wasm', 'js'] as const)('image resizing on %s', (backend) => {
  onBackend(backend);

  it('resizeBilinear and resizeNearestNeighbor as TF.js: every mode, up and down, awkward sizes and channels', async () => {
    for (const [i, [shape, size]] of RESIZES.entries()) {
      for (const [alignCorners, halfPixelCenters] of MODES) {
        await expectSameAsTfjs(`[${shape}] to [${size}] alignCorners ${alignCorners} halfPixelCenters ${halfPixelCenters}`, (t) => {
          const x = sample(shape, i, -1, 1, 0, t);
          return METHODS.map((m) => t.image[m](x, size, alignCorners, halfPixelCenters));
        }, { atol: 1e-6, rtol: 1e-5 });
      }
    }
  });

  it('one image of rank 3, chained, int32 and bool images, empty sizes and batches, as TF.js', async () => {
    const x = (t: Lib) => sample([3, 5, 2], 1, -1, 1, 0, t);
    await expectSameAsTfjs('rank 3', (t) => METHODS.map((m) => t.image[m](x(t), [7, 4])));
    await expectSameAsTfjs('chained', (t) => [x(t).resizeBilinear([4, 7], true), x(t).resizeNearestNeighbor([2, 2], false, true)]);
    await expectSameAsTfjs('tensor-like', (t) => METHODS.map((m) => t.image[m]([[[1], [2]], [[3], [4]]], [3, 3])));
    const ints = (t: Lib) => t.tensor([1, -2, 3, 40, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2], 'int32');
    await expectSameAsTfjs('int32: nearest keeps it, bilinear gives float32', (t) => METHODS.map((m) => t.image[m](ints(t), [5, 4], true)));
    await expectSameAsTfjs('bool: bilinear gives float32', (t) => t.image.resizeBilinear(t.tensor([true, false, false, true], [2, 2, 1]), [3, 3]));
    await expectSameAsTfjs('bool: nearest refuses it', (t) => t.image.resizeNearestNeighbor(t.tensor([true, false, false, true], [2, 2, 1]), [3, 3]));
    await expectSameAsTfjs('size with a 0', (t) => METHODS.map((m) => t.image[m](x(t), [0, 3])));
    await expectSameAsTfjs('no images', (t) => METHODS.map((m) => t.image[m](t.ones([0, 3, 3, 2]), [5, 5])));
    await expectSameAsTfjs('no channels', (t) => METHODS.map((m) => t.image[m](t.ones([2, 3, 3, 0]), [5, 5])));
    await expectSameAsTfjs('Infinity and NaN pass as TF.js passes them', (t) => METHODS.map((m) => t.image[m](t.tensor([Infinity, 1, NaN, 2, -Infinity, 3], [2, 3, 1]), [3, 5])));
  });

  it('gradients match central differences in every mode, up and down', () => {
    for (const [i, [shape, size]] of RESIZES.slice(0, 5).entries()) {
      for (const [alignCorners, halfPixelCenters] of MODES) {
        for (const m of METHODS) {
          tf.tidy(() => expectGradient(`${m} [${shape}] to [${size}] ${alignCorners} ${halfPixelCenters}`, (a) => tf.image[m](a, size, alignCorners, halfPixelCenters), [sample(shape, i)]));
        }
      }
    }
  });

  // TF.js's nearest-neighbour gradient finds an image's dy at the images' stride (right for the first image
  // only), its bilinear one swaps height and width in the shape it gives, and neither reads halfPixelCenters.
  it('gradients as TF.js where TF.js has them right (no halfPixelCenters; nearest of one image; bilinear of square images)', async () => {
    const cases: Array<[number[], [number, number]]> = [
      [[1, 7, 7, 3], [17, 3]],
      [[1, 3, 3, 5], [7, 7]],
      [[1, 17, 17, 1], [3, 7]],
      [[1, 3, 5, 2], [7, 2]],
      [[3, 7, 7, 2], [3, 17]],
    ];
    for (const [i, [shape, size]] of cases.entries()) {
      const methods = shape[0] > 1 ? ['resizeBilinear' as const] : shape[1] !== shape[2] ? ['resizeNearestNeighbor' as const] : METHODS;
      for (const alignCorners of [false, true]) {
        await expectSameAsTfjs(`gradients [${shape}] to [${size}] alignCorners ${alignCorners}`, (t) => {
          const x = sample(shape, i, -1, 1, 0, t);
          const dy = sample([shape[0], ...size, shape[3]], i + 9, -1, 1, 0, t);
          return methods.map((m) => t.grad((a: tf.Tensor) => t.image[m](a, size, alignCorners).mul(dy).sum())(x));
        }, { atol: 1e-5, rtol: 1e-5 });
      }
    }
  });

  it('second derivatives: the gradient is recorded as an op', () => {
    tf.tidy(() => {
      for (const m of METHODS) {
        expectGradient(`${m} twice`, (a) => tf.grad((p: tf.Tensor) => tf.image[m](p, [5, 7], false, true).square().sum())(a), [sample([2, 3, 4, 5], 1)]);
      }
    });
  });

  it('a recorded program of the resizes and their gradients replays to the same values (as model.fit replays its step)', () => {
    const x = sample([3, 5, 4, 6], 1);
    const step = () =>
      tf.grads((a: tf.Tensor) => {
        const up = tf.image.resizeBilinear(a, [9, 7], false, true);
        return tf.image.resizeNearestNeighbor(up, [4, 17], true).square().sum();
      })([x]);
    const { program, result } = Program.record(activeBackend(), step);
    const first = result.map((t) => Array.from(t.dataSync()));
    for (const t of result) activeBackend().kernels.fill(t.ptr(), t.size, 0);
    program.run();
    result.forEach((t, i) => expect(Array.from(t.dataSync()), `gradient ${i}`).toEqual(first[i]));
    program.dispose();
    tf.dispose([x, ...result]);
  });

  it('refuses bad input, naming the argument, where TF.js refuses it too', async () => {
    await expectSameAsTfjs('rank 2', (t) => t.image.resizeBilinear(t.ones([3, 3]) as never, [2, 2]));
    await expectSameAsTfjs('size of 3', (t) => t.image.resizeBilinear(t.ones([3, 3, 1]), [2, 2, 2] as never));
    await expectSameAsTfjs('alignCorners and halfPixelCenters', (t) => t.image.resizeNearestNeighbor(t.ones([3, 3, 1]), [2, 2], true, true));
    tf.tidy(() => {
      const x = tf.ones([1, 3, 3, 2]);
      for (const m of METHODS) {
        expect(() => tf.image[m](tf.ones([3, 3]), [2, 2])).toThrow(new RegExp(`^${m}: images must have rank 3 or 4, got shape \\[3, 3\\]`));
        expect(() => tf.image[m](x, [2, 2, 2] as never)).toThrow(new RegExp(`^${m}: size must be \\[newHeight, newWidth\\], two integers >= 0, got \\[2,2,2\\]`));
        expect(() => tf.image[m](x, [2, -1])).toThrow(new RegExp(`^${m}: size must be`));
        expect(() => tf.image[m](x, [2.5, 2])).toThrow(new RegExp(`^${m}: size must be`));
        expect(() => tf.image[m](x, 2 as never)).toThrow(new RegExp(`^${m}: size must be .*, got 2`));
        expect(() => tf.image[m](x, [2, 2], true, true)).toThrow(new RegExp(`^${m}: alignCorners must be false when halfPixelCenters is true`));
        expect(() => tf.image[m](x, [2, 2], 'yes' as never)).toThrow(new RegExp(`^${m}: alignCorners must be true or false, got "yes"`));
        expect(() => tf.image[m](x, [2, 2], false, 1 as never)).toThrow(new RegExp(`^${m}: halfPixelCenters must be true or false, got 1`));
        expect(() => tf.image[m](tf.ones([1, 0, 3, 2]), [2, 2])).toThrow(new RegExp(`^${m}: images of height 0 and width 3 have no pixels to resize to \\[2, 2\\]`));
        expect(() => tf.image[m]('x' as never, [2, 2])).toThrow(new RegExp(`^${m}: images must be a Tensor`));
      }
      expect(() => tf.image.resizeNearestNeighbor(tf.ones([3, 3, 1], 'bool'), [2, 2])).toThrow(/^resizeNearestNeighbor: images must have dtype float32 or int32, got bool/);
    });
  });
});

// ---- the kernels on every build ----

describe.each(BUILDS)('image kernels on %s', (build) => {
  // [batch, inH, inW, channels, outH, outW]
  const geometries = [
    [2, 7, 3, 1, 17, 7],
    [1, 17, 7, 5, 3, 3],
    [3, 3, 17, 8, 7, 1],
    [1, 7, 7, 17, 17, 3],
  ];

  it('resize and resizeBackward give the js twin\'s bits in every method and mode', async () => {
    const [b, js] = [await backendFor(build), await backendFor('js')];
    for (const g of geometries) {
      const [batch, inH, inW, channels, outH, outW] = g;
      const [inSize, outSize] = [batch * inH * inW * channels, batch * outH * outW * channels];
      const [x, dy] = [randomData(inSize, 1), randomData(outSize, 2)];
      for (const bilinear of [0, 1]) {
        for (const [align, half] of MODES) {
          const run = (on: Backend) => {
            const [px, pdy, out, dx] = [put(on, x), put(on, dy), on.heap.alloc(outSize * 4), on.heap.alloc(inSize * 4)];
            const desc = () => (on.heap.i32.set([...g, bilinear, +align, +half], word(on.desc)), on.desc);
            on.kernels.resize(px, out, desc());
            on.kernels.resizeBackward(pdy, dx, desc());
            const results = { resize: get(on, out, outSize), resizeBackward: get(on, dx, inSize) };
            freeAll(on, [px, pdy, out, dx]);
            return results;
          };
          const [got, twin] = [run(b), run(js)];
          for (const name of ['resize', 'resizeBackward'] as const) {
            const first = Array.from(got[name]).findIndex((v, i) => !Object.is(v, twin[name][i]));
            expect(first, `${name} of [${g}] bilinear ${bilinear} align ${align} half ${half}: first value that differs (${got[name][first]} vs js ${twin[name][first]})`).toBe(-1);
          }
        }
      }
    }
  });
});
