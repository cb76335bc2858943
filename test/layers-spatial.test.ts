// The spatial layers (issue 11), zeroPadding2d, cropping2D, upSampling2d, globalAveragePooling1d and
// globalMaxPooling1d, against TF.js 4.22 through the conformance helper on awkward shapes and every form of
// their arguments; their shapes with unknown sizes; their bad arguments and inputs refused with clear errors;
// their default names and configs as TF.js's.

import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectConformance, type LayerCase } from './layers/conformance.js';
import { expectGradient, reference } from './reference.js';
import { onBackend, randomData } from './support.js';

type Lib = typeof tf | typeof tfjs;
const L = (lib: Lib) => lib.layers as unknown as Record<string, (args?: object) => unknown>;

// The max of a global max pooling goes to one value of each row, which finite differences of 1e-2 misjudge
// where the helper's random input has two values closer than that: checked on spread values below instead.
const CASES: LayerCase[] = [
  { name: 'zeroPadding2d default', inputShape: [3, 7, 2], make: (lib, base) => L(lib).zeroPadding2d({ ...base }) },
  { name: 'zeroPadding2d 2', inputShape: [7, 1, 3], make: (lib, base) => L(lib).zeroPadding2d({ padding: 2, ...base }) },
  { name: 'zeroPadding2d [height, width]', inputShape: [1, 3, 1], make: (lib, base) => L(lib).zeroPadding2d({ padding: [0, 3], ...base }) },
  { name: 'zeroPadding2d [[top, bottom], [left, right]]', inputShape: [3, 5, 2], make: (lib, base) => L(lib).zeroPadding2d({ padding: [[0, 2], [3, 1]], dataFormat: 'channelsLast', ...base }) },
  { name: 'cropping2D 1', inputShape: [7, 5, 2], make: (lib, base) => L(lib).cropping2D({ cropping: 1, ...base }) },
  { name: 'cropping2D [height, width]', inputShape: [7, 3, 3], make: (lib, base) => L(lib).cropping2D({ cropping: [2, 1], ...base }) },
  { name: 'cropping2D [[top, bottom], [left, right]] to one row', inputShape: [3, 17, 1], make: (lib, base) => L(lib).cropping2D({ cropping: [[0, 2], [3, 1]], ...base }) },
  { name: 'upSampling2d default', inputShape: [3, 7, 2], make: (lib, base) => L(lib).upSampling2d({ ...base }) },
  { name: 'upSampling2d [3, 1] nearest', inputShape: [1, 7, 3], make: (lib, base) => L(lib).upSampling2d({ size: [3, 1], interpolation: 'nearest', ...base }) },
  { name: 'upSampling2d bilinear', inputShape: [3, 3, 2], make: (lib, base) => L(lib).upSampling2d({ size: [2, 2], interpolation: 'bilinear', ...base }) },
  { name: 'upSampling2d [2, 3] bilinear of images that are not square', inputShape: [7, 3, 1], make: (lib, base) => L(lib).upSampling2d({ size: [2, 3], interpolation: 'bilinear', dataFormat: 'channelsLast', ...base }) },
  { name: 'globalAveragePooling1d', inputShape: [7, 3], make: (lib, base) => L(lib).globalAveragePooling1d({ ...base }) },
  { name: 'globalAveragePooling1d of one step', inputShape: [1, 17], make: (lib, base) => L(lib).globalAveragePooling1d({ ...base }) },
  { name: 'globalMaxPooling1d', inputShape: [17, 3], noGradient: true, make: (lib, base) => L(lib).globalMaxPooling1d({ ...base }) },
];

describe('spatial layers against TF.js', () => {
  onBackend('wasm');
  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    await expectConformance(c);
  });
});

describe('spatial layers on both backends', () => {
  onBackend('wasm');

  it('globalMaxPooling1d: its gradient by central differences, on values 0.1 apart', () => {
    const n = 2 * 9 * 3;
    const order = Array.from(randomData(n, 17), (r, i) => [r, i]).sort((a, b) => a[0] - b[0]);
    const values = new Float32Array(n);
    order.forEach(([, i], rank) => (values[i] = (rank - n / 2) * 0.1));
    const [layer, x] = [tf.layers.globalMaxPooling1d(), tf.tensor(values, [2, 9, 3])];
    expectGradient('globalMaxPooling1d: d/dx', (input) => layer.apply(input), [x], { h: 1e-2, tolerance: 2e-3 });
    x.dispose();
  });

  it('output shapes with unknown sizes, through tf.input, as TF.js', async () => {
    const ref = await reference();
    const make: Array<[string, object, Array<number | null>]> = [
      ['zeroPadding2d', { padding: [[1, 2], [3, 4]] }, [null, 5, 3]],
      ['zeroPadding2d', { padding: 1 }, [7, null, 3]],
      ['cropping2D', { cropping: [[1, 2], [0, 1]] }, [7, 5, 3]],
      ['upSampling2d', { size: [2, 3] }, [null, 5, 3]],
      ['upSampling2d', { size: [2, 3] }, [7, null, 3]],
      ['globalAveragePooling1d', {}, [null, 3]],
      ['globalMaxPooling1d', {}, [null, 3]],
    ];
    for (const [factory, args, shape] of make) {
      const ours = L(tf)[factory](args) as tf.Layer;
      const output = ours.apply(tf.input({ shape })) as tf.SymbolicTensor;
      const theirs = (L(ref)[factory](args) as tfjs.layers.Layer).apply(ref.input({ shape })) as tfjs.SymbolicTensor;
      expect(output.shape, `${factory} of [${shape}]`).toEqual(theirs.shape);
      ours.dispose();
    }
    // TF.js subtracts the crop from an unknown height (null - 3 = -3); it stays unknown
    const cropped = tf.layers.cropping2D({ cropping: [[1, 2], [0, 1]] }).apply(tf.input({ shape: [null, 5, 3] })) as tf.SymbolicTensor;
    expect(cropped.shape).toEqual([null, null, 4, 3]);
  });
});

describe('spatial layers refuse bad arguments and inputs', () => {
  onBackend('wasm');
  const refuse = (make: () => unknown, message: RegExp) => expect(make).toThrow(message);

  it('zeroPadding2d', () => {
    const form = /zeroPadding2d: padding must be an integer >= 0, \[height, width\] or \[\[top, bottom\], \[left, right\]\] of them, got/;
    refuse(() => tf.layers.zeroPadding2d({ padding: -1 }), form);
    refuse(() => tf.layers.zeroPadding2d({ padding: 1.5 }), form);
    refuse(() => tf.layers.zeroPadding2d({ padding: [1, 2, 3] as never }), form);
    refuse(() => tf.layers.zeroPadding2d({ padding: [[1, 2], [3]] as never }), form);
    refuse(() => tf.layers.zeroPadding2d({ padding: [[1, -2], [3, 4]] }), form);
    refuse(() => tf.layers.zeroPadding2d({ padding: '1' as never }), form);
    refuse(() => tf.layers.zeroPadding2d({ dataFormat: 'channelsFirst' as never }), /zeroPadding2d: dataFormat 'channelsFirst' is not supported/);
    refuse(() => tf.layers.zeroPadding2d({ inputShape: [4, 4] }), /zeroPadding2d: the input shape must be \[height, width, channels\], got \[4, 4\]/);
    refuse(() => tf.layers.zeroPadding2d({ paddings: 1 } as never), /zeroPadding2d: unknown option "paddings" \(did you mean "padding"\?\)/);
  });

  it('cropping2D', () => {
    refuse(() => tf.layers.cropping2D({} as never), /cropping2d: cropping is required/);
    refuse(() => tf.layers.cropping2D({ cropping: -1 }), /cropping2d: cropping must be an integer >= 0, \[height, width\] or \[\[top, bottom\], \[left, right\]\] of them, got -1/);
    refuse(() => tf.layers.cropping2D({ cropping: [[0, 1], [1, 0.5]] }), /cropping2d: cropping must be/);
    refuse(() => tf.layers.cropping2D({ cropping: 1, dataFormat: 'channelsFirst' as never }), /cropping2d: dataFormat 'channelsFirst' is not supported/);
    // a crop that leaves nothing: when the model is built, and when a layer is applied
    refuse(() => tf.sequential({ layers: [tf.layers.cropping2D({ cropping: [[2, 3], [0, 0]], inputShape: [5, 5, 1] })] }), /cropping2d: layer .* crops 2 \+ 3 rows \(top and bottom\) off an input of 5: cropping must leave at least one/);
    const layer = tf.layers.cropping2D({ cropping: [0, 2] });
    const x = tf.ones([1, 5, 3, 1]);
    expect(() => layer.apply(x)).toThrow(/cropping2d: layer .* crops 2 \+ 2 columns \(left and right\) off an input of 3: cropping must leave at least one/);
    x.dispose();
  });

  it('upSampling2d', () => {
    refuse(() => tf.layers.upSampling2d({ size: 0 }), /upSampling2d: size must be a positive integer or an array of 2, got 0/);
    refuse(() => tf.layers.upSampling2d({ size: [2, -1] }), /upSampling2d: size must be a positive integer or an array of 2, got \[2,-1\]/);
    refuse(() => tf.layers.upSampling2d({ size: [2, 2, 2] as never }), /upSampling2d: size must be/);
    refuse(() => tf.layers.upSampling2d({ interpolation: 'bicubic' as never }), /upSampling2d: interpolation must be one of "nearest", "bilinear", got "bicubic"/);
    refuse(() => tf.layers.upSampling2d({ dataFormat: 'channelsFirst' as never }), /upSampling2d: dataFormat 'channelsFirst' is not supported/);
  });

  it('global 1-D pooling', () => {
    refuse(() => tf.layers.globalAveragePooling1d({ inputShape: [4, 4, 1] }), /globalAveragePooling1d: the input shape must be \[steps, channels\], got \[4, 4, 1\]/);
    refuse(() => tf.layers.globalMaxPooling1d({ dataFormat: 'channelsLast' } as never), /globalMaxPooling1d: unknown option "dataFormat"/);
  });

  it('inputs of the wrong rank, naming the layer', () => {
    const x = tf.ones([2, 4, 3]);
    for (const layer of [tf.layers.zeroPadding2d(), tf.layers.cropping2D({ cropping: 1 }), tf.layers.upSampling2d()]) {
      expect(() => layer.apply(x)).toThrow(new RegExp(`^${layer.getClassName().replace(/^./, (c) => c.toLowerCase()).replace(/D$/, 'd')}: layer ${layer.name} needs input of rank 4 \\(\\[batch, height, width, channels\\]\\), got \\[2, 4, 3\\]`));
    }
    const y = tf.ones([2, 4, 3, 1]);
    expect(() => tf.layers.globalAveragePooling1d().apply(y)).toThrow(/^globalAveragePooling1d: layer .* needs input of rank 3 \(\[batch, steps, channels\]\), got \[2, 4, 3, 1\]/);
    tf.dispose([x, y]);
  });

  it('default names as TF.js', async () => {
    const ref = await reference();
    for (const factory of ['zeroPadding2d', 'cropping2D', 'upSampling2d', 'globalAveragePooling1d', 'globalMaxPooling1d']) {
      const args = factory === 'cropping2D' ? { cropping: 1 } : {};
      const ours = L(tf)[factory](args) as tf.Layer;
      const theirs = L(ref)[factory](args) as tfjs.layers.Layer;
      expect(ours.name.replace(/\d+$/, ''), factory).toBe(theirs.name.replace(/\d+$/, ''));
      ours.dispose();
    }
    expect(tf.layers.cropping2d({ cropping: 1 }).getClassName()).toBe('Cropping2D');
  });

  it('defaults and configs as TF.js', async () => {
    const ref = await reference();
    const pairs: Array<[string, object]> = [
      ['zeroPadding2d', { name: 'z' }],
      ['zeroPadding2d', { padding: [1, 2], name: 'z2' }],
      ['cropping2D', { cropping: 2, name: 'c' }],
      ['cropping2D', { cropping: [[1, 2], [3, 4]], name: 'c2' }],
      ['upSampling2d', { name: 'u' }],
      ['upSampling2d', { size: [3, 2], interpolation: 'bilinear', name: 'u2' }],
      ['globalAveragePooling1d', { name: 'g' }],
      ['globalMaxPooling1d', { name: 'g2', inputShape: [3, 2] }],
    ];
    for (const [factory, args] of pairs) {
      const ours = L(tf)[factory](args) as tf.Layer;
      const theirs = L(ref)[factory](args) as tfjs.layers.Layer;
      const mine = ours.getConfig();
      expect(Object.keys(mine), factory).toEqual(Object.keys(theirs.getConfig()));
      expect(mine, factory).toEqual(theirs.getConfig());
      ours.dispose();
    }
  });
});
