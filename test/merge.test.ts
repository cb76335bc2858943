// The merge layers (add, multiply, average, maximum, minimum, concatenate, dot) against TF.js 4.22, on both
// backends: output shapes on awkward shapes and ranks (inputs of different ranks where TF.js broadcasts them),
// forward values on the same inputs, gradients with respect to every input by central differences, getConfig
// and fromConfig, and the inputs and options TF.js refuses, refused with messages naming the layer.

import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { registeredClass } from '../src/serialization.js';
import { expectGradient, reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

type Lib = typeof tf | typeof tfjs;
type AnyLayer = { apply(inputs: unknown): unknown; computeOutputShape(shape: unknown): unknown; getConfig(): Record<string, unknown> };
// The libraries' layer factories take the same arguments; one untyped view of either keeps the cases short.
const L = (lib: Lib) => lib.layers as unknown as Record<string, (args?: object) => AnyLayer>;

const ELEMENTWISE = ['add', 'multiply', 'average', 'maximum', 'minimum'];

/** Input shapes (batch first) the element-wise merges take: TF.js broadcasts sizes of 1 and lines up the last axes. */
const ELEMENTWISE_SHAPES = [
  [[3, 7], [3, 7]],
  [[1, 17], [1, 17], [1, 17]],
  [[3, 1, 7], [3, 4, 1]],
  [[3, 7], [3, 4, 7]],
  [[7, 3, 1, 17], [7, 17], [7, 1, 1, 1]],
  [[3], [3, 7]],
  [[1, 3, 1], [1, 1, 3, 7]],
];

/** Arguments, input shapes, and TF.js's arguments where they differ (said why at the case). */
const CONCATENATE_CASES: Array<[object, number[][], object?]> = [
  [{}, [[3, 7], [3, 17]]],
  [{ axis: 1 }, [[3, 1, 7], [3, 17, 7], [3, 3, 7]]],
  // TF.js checks shapes for axis -2 but joins along the last axis (its K.concatenate takes any negative axis
  // for -1); neurite joins along the axis it checked, as Keras does: TF.js's axis 2 gives the same result.
  [{ axis: -2 }, [[1, 3, 7, 2], [1, 3, 1, 2]], { axis: 2 }],
  [{ axis: 2 }, [[7, 2, 3, 1], [7, 2, 17, 1]]],
  [{ axis: 0 }, [[1, 3], [3, 3]]], // along the batch axis: batch sizes may differ
];

const DOT_CASES: Array<[object, number[][]]> = [
  [{ axes: 1 }, [[3, 7], [3, 7]]],
  [{ axes: -1, normalize: true }, [[7, 17], [7, 17]]],
  [{ axes: [2, 1] }, [[3, 4, 7], [3, 7]]],
  [{ axes: [1, 1] }, [[3, 7, 4], [3, 7]]],
  [{ axes: [1, 1] }, [[3, 7], [3, 7, 5]]],
  [{ axes: [1, 2], normalize: true }, [[3, 7], [3, 5, 7]]],
  [{ axes: [2, 1] }, [[3, 4, 7], [3, 7, 5]]],
  [{ axes: [1, 2] }, [[1, 7, 4], [1, 5, 7]]],
  [{ axes: [-1, -2], normalize: true }, [[3, 4, 7], [3, 7, 1]]],
  [{ axes: 1 }, [[1, 17, 3], [1, 17, 3]]],
];

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/**
 * Seeded values for each input shape, on a grid of 0.1 offset by 0.03 per input: values of different inputs are
 * never within the finite-difference step (0.01) of each other, so maximum and minimum have no tie near them.
 */
const valuesFor = (shapes: number[][]) => shapes.map((s, k) => Array.from(randomData(sizeOf(s), 10 + k, -2, 2), (v) => Math.round(v * 10) / 10 + 0.03 * k));

/** Makes the layer in both libraries, applies it to the same inputs and compares shapes, values and gradients. */
async function expectLikeTfjs(label: string, make: (lib: Lib) => AnyLayer, shapes: number[][]): Promise<void> {
  const ref = await reference();
  const values = valuesFor(shapes);
  const theirs = make(ref);
  let expected = { shape: [] as number[], data: new Float32Array() as ArrayLike<number> };
  ref.tidy(() => {
    const y = theirs.apply(values.map((v, i) => ref.tensor(v, shapes[i]))) as tfjs.Tensor;
    expected = { shape: y.shape, data: y.dataSync() as ArrayLike<number> };
  });
  const ours = make(tf) as unknown as tf.Layer;
  const xs = values.map((v, i) => tf.tensor(v, shapes[i]));
  const y = ours.apply(xs) as tf.Tensor;
  expect(y.shape, `${label}: shape`).toEqual(expected.shape);
  expectClose(y.dataSync(), expected.data, { atol: 1e-5, rtol: 1e-5 }, `${label}: forward`);
  // The shape rule on symbolic shapes (batch unknown), as TF.js computes it.
  const symbolic = shapes.map((s) => [null, ...s.slice(1)]);
  expect(ours.computeOutputShape(symbolic), `${label}: computeOutputShape`).toEqual(theirs.computeOutputShape(symbolic));
  expectGradient(label, (...inputs) => ours.apply(inputs) as tf.Tensor, xs, { h: 1e-2, tolerance: 2e-3 });
  tf.dispose([y, ...xs]);
  ours.dispose();
}

/** Expects TF.js to refuse `run` as well, and neurite to refuse it with `message`. */
async function expectRefused(run: (lib: Lib) => unknown, message: RegExp): Promise<void> {
  const ref = await reference();
  expect(() => ref.tidy(() => run(ref) as never), `TF.js refuses it too (${message})`).toThrow();
  expect(() => tf.tidy(() => run(tf) as never)).toThrow(message);
}

const ones = (lib: Lib, ...shapes: number[][]) => shapes.map((s) => (lib as typeof tf).ones(s));

describe.each(['wasm', 'js'] as const)('merge layers on %s', (backend) => {
  onBackend(backend);

  it.each(ELEMENTWISE)('%s: shapes, values and gradients as TF.js, on inputs of one rank and of several', async (name) => {
    for (const shapes of ELEMENTWISE_SHAPES) await expectLikeTfjs(`${name} ${JSON.stringify(shapes)}`, (lib) => L(lib)[name](), shapes);
  });

  it('concatenate: shapes, values and gradients as TF.js, along any axis', async () => {
    for (const [args, shapes, theirs] of CONCATENATE_CASES) {
      await expectLikeTfjs(`concatenate ${JSON.stringify(args)} ${JSON.stringify(shapes)}`, (lib) => L(lib).concatenate(lib === tf ? args : (theirs ?? args)), shapes);
    }
  });

  it('dot: shapes, values and gradients as TF.js, on ranks 2 and 3, normalized or not', async () => {
    for (const [args, shapes] of DOT_CASES) await expectLikeTfjs(`dot ${JSON.stringify(args)} ${JSON.stringify(shapes)}`, (lib) => L(lib).dot(args), shapes);
  });

  it('computes output shapes of symbolic inputs (unknown sizes, known batch) as TF.js', async () => {
    const ref = await reference();
    const cases: Array<[string, object, Array<Array<number | null>>]> = [
      ['add', {}, [[null, null, 3], [null, 1, 3]]],
      ['multiply', {}, [[4, 3], [null, 3]]],
      ['maximum', {}, [[null, 5, 1], [null, null]]],
      ['concatenate', {}, [[null, 2, null], [null, 2, 3]]],
      ['concatenate', { axis: 1 }, [[null, 2, 3], [null, 4, 3], [null, 1, 3]]],
      ['dot', { axes: [2, 1] }, [[null, null, 4], [null, 4, 6]]],
    ];
    for (const [name, args, shapes] of cases) {
      expect(L(tf)[name](args).computeOutputShape(shapes), `${name} ${JSON.stringify(shapes)}`).toEqual(L(ref)[name](args).computeOutputShape(shapes));
    }
  });

  it('getConfig gives TF.js keys and values, fromConfig remakes the layer, and every class is registered', async () => {
    const ref = await reference();
    const cases: Array<[string, object]> = [...ELEMENTWISE.map((n) => [n, {}] as [string, object]), ['concatenate', {}], ['concatenate', { axis: 1 }], ['dot', { axes: -1 }], ['dot', { axes: [1, 2], normalize: true }]];
    for (const [name, args] of cases) {
      const ours = L(tf)[name]({ name: 'merged', ...args }) as unknown as tf.Layer;
      expect(ours.getConfig(), `${name} ${JSON.stringify(args)}`).toEqual(L(ref)[name]({ name: 'merged', ...args }).getConfig());
      const cls = ours.constructor as typeof tf.Layer;
      expect(registeredClass(cls.className)).toBe(cls);
      const remade = cls.fromConfig(cls as never, ours.getConfig());
      expect(remade).toBeInstanceOf(cls);
      expect(remade.getConfig()).toEqual(ours.getConfig());
    }
  });

  it('refuses what TF.js refuses, naming the layer and the input', async () => {
    await expectRefused((lib) => L(lib).add({ name: 'a' }).apply(ones(lib, [2, 3])[0]), /^add: layer a: takes an array of at least 2 inputs \(layer\.apply\(\[a, b\]\)\), got one input of shape \[null, 3\]$/);
    await expectRefused((lib) => L(lib).maximum({ name: 'm' }).apply(ones(lib, [2, 3])), /^maximum: layer m: takes an array of at least 2 inputs, got 1$/);
    await expectRefused((lib) => L(lib).add({ name: 'a' }).apply(ones(lib, [2, 3], [2, 4])), /^add: layer a: inputs\[1\] has shape \[null, 4\], which does not broadcast with inputs\[0\]'s \[null, 3\]$/);
    await expectRefused(
      (lib) => L(lib).average({ name: 'v' }).apply(ones(lib, [2, 1, 3], [2, 5, 1], [2, 4, 3])),
      /^average: layer v: inputs\[2\] has shape \[null, 4, 3\], which does not broadcast with \[null, 5, 3\], the shape inputs\[0\.\.1\] broadcast to$/,
    );
    await expectRefused((lib) => L(lib).multiply({ name: 'm' }).apply(ones(lib, [2, 3], [3, 3])), /^multiply: layer m: inputs\[0\] has batch size 2 but inputs\[1\] has 3 \(shapes \[2, 3\] and \[3, 3\]\)$/);
    await expectRefused((lib) => L(lib).minimum({ name: 'm' }).apply(ones(lib, [], [2, 3])), /^minimum: layer m: inputs\[0\] is a scalar; every input needs a batch axis$/);
    await expectRefused((lib) => L(lib).concatenate({ name: 'c' }).apply(ones(lib, [2, 3], [2, 4, 3])), /^concatenate: layer c: inputs\[1\] has shape \[null, 4, 3\], of another rank than inputs\[0\]'s \[null, 3\]$/);
    await expectRefused((lib) => L(lib).concatenate({ name: 'c', axis: 1 }).apply(ones(lib, [2, 3, 4], [2, 5, 3])), /^concatenate: layer c: inputs\[1\] has shape \[null, 5, 3\], which differs from inputs\[0\]'s \[null, 3, 4\] on axis 2; only axis 1, the one joined, may differ$/);
    await expectRefused((lib) => L(lib).concatenate({ name: 'c' }).apply(ones(lib, [2, 3], [3, 3])), /^concatenate: layer c: inputs\[1\] has shape \[3, 3\], which differs from inputs\[0\]'s \[2, 3\] on axis 0; only axis 1, the one joined, may differ$/);
    await expectRefused((lib) => L(lib).dot({ name: 'd', axes: 1 }).apply(ones(lib, [2, 3], [2, 3], [2, 3])), /^dot: layer d: takes an array of exactly 2 inputs, got 3$/);
    await expectRefused((lib) => L(lib).dot({ name: 'd', axes: 1 }).apply(ones(lib, [2, 3, 4, 5], [2, 3])), /^dot: layer d: inputs\[0\] has shape \[null, 3, 4, 5\]; dot takes inputs of rank 2 or 3$/);
    await expectRefused((lib) => L(lib).dot({ name: 'd', axes: 0 }).apply(ones(lib, [2], [2])), /^dot: layer d: inputs\[0\] has shape \[null\]; dot takes inputs of rank 2 or 3$/);
    await expectRefused((lib) => L(lib).dot({ name: 'd', axes: [2, 1] }).apply(ones(lib, [2, 3, 4], [2, 5, 6])), /^dot: layer d: inputs\[0\] has size 4 on axis 2 but inputs\[1\] has size 5 on axis 1; a dot product runs along axes of one size$/);
  });

  it('refuses what TF.js lets through to a wrong or failing result: an axis past the rank, a dot along the batch axis', () => {
    const [a, b] = ones(tf, [2, 3], [2, 3]);
    // TF.js joins along the last axis for axis = rank, and reports an output shape with NaN.
    expect(() => tf.layers.concatenate({ name: 'c', axis: 2 }).apply([a, b])).toThrow(/^concatenate: layer c: axis 2 is out of range for inputs of rank 2 \(expected -2\.\.1\)$/);
    expect(() => tf.layers.dot({ name: 'd', axes: 0 }).apply([a, b])).toThrow(/^dot: layer d: axes gives axis 0 for inputs\[0\] of shape \[null, 3\]; it must be one of the axes after the batch: 1\.\.1 or -1\.\.-1$/);
    expect(() => tf.layers.dot({ name: 'd', axes: [1, -2] }).apply([a, b])).toThrow(/^dot: layer d: axes gives axis -2 for inputs\[1\] of shape \[null, 3\]; it must be one/);
    expect(() => tf.layers.dot({ name: 'd', axes: 3 }).apply([a, b])).toThrow(/^dot: layer d: axes gives axis 3 for inputs\[0\]/);
    tf.dispose([a, b]);
  });

  it('refuses bad options and tensors given to the factory, before anything is made', () => {
    const memory = tf.memory();
    const [a, b] = ones(tf, [2, 3], [2, 3]);
    const cases: Array<[() => unknown, RegExp]> = [
      [() => tf.layers.add({ axis: 1 } as never), /^add: unknown option "axis"/],
      [() => tf.layers.concatenate({ axes: 1 } as never), /^concatenate: unknown option "axes" \(did you mean "axis"\?\)$/],
      [() => tf.layers.concatenate({ axis: 1.5 }), /^concatenate: axis must be an integer/],
      [() => tf.layers.dot({} as never), /^dot: axes is required \(the axis of the inputs to multiply along, or one for each: \[axis1, axis2\]\)$/],
      [() => tf.layers.dot({ axes: [1] as never }), /^dot: axes must be an integer or an array of two integers, got \[1\]$/],
      [() => tf.layers.dot({ axes: '1' as never }), /^dot: axes must be an integer or an array of two integers, got "1"$/],
      [() => tf.layers.dot({ axes: [1, 2.5] }), /^dot: axes must be an integer or an array of two integers, got \[1,2\.5\]$/],
      [() => tf.layers.dot({ axes: 1, normalize: 'yes' as never }), /^dot: normalize must be true or false, got "yes"$/],
      [() => tf.layers.add([a, b] as never), /^add: takes layer options, not its inputs; apply the layer to them: tf\.layers\.add\(\)\.apply\(\[a, b\]\)$/],
      [() => tf.layers.concatenate([a, b] as never), /^concatenate: takes layer options, not its inputs/],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
    tf.dispose([a, b]);
    expect(tf.memory()).toEqual(memory);
  });

  it('a layer that refused its inputs stays unbuilt and merges fitting ones afterwards', () => {
    const layer = tf.layers.add();
    const [a, b, c] = ones(tf, [2, 3], [2, 4], [2, 3]);
    expect(() => layer.apply([a, b])).toThrow(/does not broadcast/);
    expect(layer.built).toBe(false);
    const y = layer.apply([a, c]) as tf.Tensor;
    expect(Array.from(y.dataSync())).toEqual([2, 2, 2, 2, 2, 2]);
    tf.dispose([a, b, c, y]);
  });
});
