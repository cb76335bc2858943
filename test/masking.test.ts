// Masks, as TF.js 4.22 passes them, and tf.layers.masking. The masking layer through the conformance helper;
// each built-in layer's computeMask against TF.js's; the mask a layer is given (kwargs.mask) in predict, in
// Sequential and functional models, against what TF.js gives the same layer; the same masks steering training
// (a layer that averages the unmasked steps) through fit's recorded and replayed steps, the weights against
// TF.js's; the loss unmasked, as TF.js's; the masks concrete tensors carry (kerasMask) and their lifetimes;
// and where neurite differs from TF.js on purpose, each with TF.js's own behaviour shown beside.

import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { expectConformance, type LayerCase } from './layers/conformance.js';
import { reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

type Lib = typeof tf | typeof tfjs;
type AnyTensor = tf.Tensor | tfjs.Tensor;
const L = (lib: Lib) => lib.layers as unknown as Record<string, (args?: object) => tf.Layer>;
/** A library as one untyped view (their ops take the same arguments). */
const T = (lib: Lib) => lib as typeof tf;

/** A mask as the tests compare it. */
const seen = (m: AnyTensor | null | undefined) => (m == null ? null : { shape: m.shape, dtype: m.dtype, values: Array.from(m.dataSync()) });

/** Per library: a layer that records the kwargs.mask of each call and passes its (first) input on; `passes` sets supportsMasking. */
function recorderClass(lib: Lib) {
  const Base = (lib.layers as unknown as { Layer: typeof tf.Layer }).Layer;
  return class Recorder extends Base {
    static override className = 'Recorder';
    masks: unknown[] = [];
    constructor(args: { passes?: boolean; name?: string; inputShape?: number[] } = {}) {
      super({ name: args.name, inputShape: args.inputShape } as tf.LayerArgs);
      this.supportsMasking = args.passes ?? false;
    }
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.Kwargs): tf.Tensor {
      const mask = kwargs.mask as AnyTensor | undefined | null;
      this.masks.push(seen(mask));
      return Array.isArray(inputs) ? inputs[0] : inputs;
    }
    override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
      return (Array.isArray(shape[0]) ? shape[0] : shape) as tf.Shape;
    }
  };
}

/** Per library: the mean over time of the steps the mask keeps, [batch, time, features] to [batch, features] (a pooling an RNN user writes). */
function maskedMeanClass(lib: Lib) {
  const Base = (lib.layers as unknown as { Layer: typeof tf.Layer }).Layer;
  const ops = T(lib);
  return class MaskedMean extends Base {
    static override className = 'MaskedMean';
    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: tf.Kwargs): tf.Tensor {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      if (!kwargs.mask) throw new Error('MaskedMean: no mask given');
      const m = ops.expandDims(ops.cast(kwargs.mask as tf.Tensor, 'float32'), -1);
      return ops.div(ops.sum(ops.mul(x, m), 1), ops.maximum(ops.sum(m, 1), 1));
    }
    override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape {
      const s = shape as tf.Shape;
      return [s[0], s[2]];
    }
  };
}

/** Indices with trailing padding (0s), `rows` of `time`. */
function padded(rows: number, time: number, vocabulary: number, seed: number): number[] {
  const u = randomData(rows * (time + 1), seed, 0, 1);
  return Array.from({ length: rows * time }, (_, i) => {
    const [r, t] = [Math.floor(i / time), i % time];
    const length = 1 + Math.floor(u[rows * time + r] * time);
    return t < length ? 1 + Math.floor(u[i] * (vocabulary - 1)) : 0;
  });
}

/** `size` values in [-2, 2], a third of the steps (groups of `features`) all maskValue. */
const stepsMasked = (features: number, maskValue: number) => (size: number, seed: number) => {
  const values = randomData(size, seed, -2, 2);
  const drop = randomData(size / features, seed + 1, 0, 1);
  return values.map((v, i) => (drop[Math.floor(i / features)] < 0.33 ? maskValue : v));
};

const CASES: LayerCase[] = [
  { name: 'masking', inputShape: [5, 3], make: (lib, base) => L(lib).masking({ ...base }), input: stepsMasked(3, 0), noInputGradient: 'the masked steps sit on its edge (a step is masked only when all its features are maskValue)' },
  { name: 'masking with maskValue', inputShape: [4, 2], make: (lib, base) => L(lib).masking({ maskValue: 0.5, ...base }), input: stepsMasked(2, 0.5), noInputGradient: 'the masked steps sit on its edge' },
];

describe('masking conformance', () => {
  onBackend('wasm');
  for (const c of CASES) it(c.name, () => expectConformance(c));
});

describe('the masking layer', () => {
  onBackend('wasm');

  it("zeroes and masks the steps whose features all equal maskValue, with TF.js's values and mask", async () => {
    const ref = await reference();
    const values = [0.5, 0.5, 1, 0.5, 0.5, 0.5, -1, 2, 0.5, 0.5, 3, 0.5];
    const run = (lib: Lib) =>
      T(lib).tidy(() => {
        const layer = L(lib).masking({ maskValue: 0.5 });
        const x = T(lib).tensor3d(values, [2, 3, 2]);
        return [Array.from((layer.apply(x) as tf.Tensor).dataSync()), seen(layer.computeMask(x) as AnyTensor)];
      });
    expect(run(tf)).toEqual(run(ref));
  });

  it('has a gradient: its input passes where a step is kept (TF.js has none: its any() has no gradient)', async () => {
    const ref = await reference();
    const gradient = (lib: Lib) => () =>
      T(lib).tidy(() => {
        const x = T(lib).tensor3d([0.5, 0.5, 1, 0.5, -1, 2], [1, 3, 2]);
        T(lib).grad((input: tf.Tensor) => T(lib).sum(L(lib).masking({ maskValue: 0.5 }).apply(input) as tf.Tensor))(x);
      });
    expect(gradient(ref)).toThrow(/gradient function not found for Any/);
    const dx = tf.tidy(() => {
      const x = tf.tensor3d([0.5, 0.5, 1, 0.5, -1, 2], [1, 3, 2]);
      const weights = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 3, 2]);
      return Array.from(tf.grad((input: tf.Tensor) => tf.sum(tf.mul(tf.layers.masking({ maskValue: 0.5 }).apply(input) as tf.Tensor, weights)))(x).dataSync());
    });
    expect(dx).toEqual([0, 0, 3, 4, 5, 6]);
  });

  it('refuses a maskValue that is not a number', () => {
    expect(() => tf.layers.masking({ maskValue: 'a' as never })).toThrow(/^masking: maskValue must be a finite number, got "a"/);
  });
});

/** The layers that pass a mask on (TF.js's supportsMasking), and some that do not, with their arguments. */
const PASSING: Record<string, object> = {
  dense: { units: 2 }, dropout: { rate: 0.5 }, spatialDropout1d: { rate: 0.5 }, activation: { activation: 'relu' }, reLU: {}, prelu: {},
  batchNormalization: {}, layerNormalization: {}, gaussianNoise: { stddev: 1 }, gaussianDropout: { rate: 0.5 }, alphaDropout: { rate: 0.5 },
};
const REFUSING: Record<string, object> = {
  flatten: {}, reshape: { targetShape: [12] }, leakyReLU: {}, elu: {}, softmax: {}, thresholdedReLU: {}, conv1d: { filters: 1, kernelSize: 1 },
  maxPooling1d: {}, globalAveragePooling1d: {}, repeatVector: { n: 2 }, permute: { dims: [2, 1] },
};

describe("computeMask, as TF.js's layers compute it", () => {
  onBackend('wasm');

  it('for each built-in layer that makes, passes, drops or refuses a mask', async () => {
    const ref = await reference();
    const x = [[1, 2, 0, 0], [3, 0, 0, 0]];
    const cases: Array<[string, (lib: Lib) => unknown]> = [
      ['embedding with maskZero', (lib) => L(lib).embedding({ inputDim: 5, outputDim: 2, maskZero: true }).computeMask(T(lib).tensor2d(x))],
      ['embedding without', (lib) => L(lib).embedding({ inputDim: 5, outputDim: 2 }).computeMask(T(lib).tensor2d(x))],
      ['masking', (lib) => L(lib).masking({ maskValue: 1 }).computeMask(T(lib).tensor3d([[[1, 1], [1, 2]], [[0, 1], [1, 1]]]))],
      ...Object.entries(PASSING).map(([name, args]): [string, (lib: Lib) => unknown] => [`${name} passes it`, (lib) => L(lib)[name](args).computeMask(T(lib).zeros([2, 4, 3]), T(lib).tensor2d(x, [2, 4], 'bool'))]),
      ...Object.entries(REFUSING).map(([name, args]): [string, (lib: Lib) => unknown] => [`${name} refuses it`, (lib) => L(lib)[name](args).computeMask(T(lib).zeros([2, 4, 3]), T(lib).tensor2d(x, [2, 4], 'bool'))]),
      ['flatten without a mask', (lib) => L(lib).flatten().computeMask(T(lib).zeros([2, 4, 3]))],
      ['concatenate of a masked and an unmasked input', (lib) => L(lib).concatenate().computeMask([T(lib).zeros([2, 4, 3]), T(lib).zeros([2, 4, 2])], [T(lib).tensor2d(x, [2, 4], 'bool'), null] as never)],
      ['concatenate of unmasked inputs', (lib) => L(lib).concatenate().computeMask([T(lib).zeros([2, 4, 3]), T(lib).zeros([2, 4, 2])], [null, null] as never)],
      ['dot', (lib) => L(lib).dot({ axes: 1 }).computeMask([T(lib).zeros([2, 3]), T(lib).zeros([2, 3])], [T(lib).ones([2], 'bool'), null] as never)],
      ['an added layer without masks', (lib) => L(lib).add().computeMask([T(lib).zeros([2, 3]), T(lib).zeros([2, 3])])],
    ];
    for (const [label, f] of cases) {
      const outcome = (lib: Lib) => {
        try {
          return T(lib).tidy(() => {
            const m = f(lib) as AnyTensor | null;
            return { mask: m === undefined ? null : seen(m) } as never;
          });
        } catch (error) {
          return { throws: /does not support masking/.test((error as Error).message) };
        }
      };
      expect(outcome(tf), label).toEqual(outcome(ref));
    }
  });

  it("refuses a mask in a layer's default computeMask, naming the layer, unless it supportsMasking", () => {
    const layer = new tf.layers.Layer({ name: 'plain' });
    tf.tidy(() => {
      const [x, mask] = [tf.zeros([2, 3, 1]), tf.ones([2, 3], 'bool')];
      expect(() => layer.computeMask(x, mask)).toThrow(/^computeMask: layer plain does not support masking, but was given a mask$/);
      expect(layer.computeMask(x, [null])).toBe(null);
      layer.supportsMasking = true;
      expect(layer.computeMask(x, mask)).toBe(mask);
    });
  });
});

describe('the mask a layer is given, as in TF.js', () => {
  onBackend('wasm');
  const x = [[1, 2, 0, 0], [3, 0, 0, 0]];

  /** What each recorder saw in predict, in a model made by `make` from the library's Recorder class. */
  async function maskSeen(make: (lib: Lib, Recorder: ReturnType<typeof recorderClass>) => { model: tf.LayersModel; recorders: Array<{ masks: unknown[] }> }, lib: Lib, input = x) {
    const { model, recorders } = make(lib, recorderClass(lib));
    T(lib).tidy(() => {
      model.predict(T(lib).tensor2d(input));
    });
    model.dispose();
    return recorders.map((r) => r.masks);
  }

  const emb = (lib: Lib, args: object = {}) => L(lib).embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputLength: 4, ...args });
  const MODELS: Array<[string, (lib: Lib, Recorder: ReturnType<typeof recorderClass>) => { model: tf.LayersModel; recorders: Array<{ masks: unknown[] }> }]> = [
    ['embedding → layer', (lib, R) => { const r = new R(); return { model: T(lib).sequential({ layers: [emb(lib), r] }), recorders: [r] }; }],
    ['embedding → dropout → layer', (lib, R) => { const r = new R(); return { model: T(lib).sequential({ layers: [emb(lib), L(lib).dropout({ rate: 0.5 }), r] }), recorders: [r] }; }],
    ['embedding → dense → layer', (lib, R) => { const r = new R(); return { model: T(lib).sequential({ layers: [emb(lib), L(lib).dense({ units: 3 }), r] }), recorders: [r] }; }],
    ['embedding without maskZero → layer', (lib, R) => { const r = new R(); return { model: T(lib).sequential({ layers: [emb(lib, { maskZero: false }), r] }), recorders: [r] }; }],
    ['embedding → a layer passing it → layer', (lib, R) => { const [a, b] = [new R({ passes: true }), new R()]; return { model: T(lib).sequential({ layers: [emb(lib), a, b] }), recorders: [a, b] }; }],
    ['masking → layer', (lib, R) => { const r = new R(); return { model: T(lib).sequential({ layers: [L(lib).reshape({ targetShape: [2, 2], inputShape: [4] }), L(lib).masking({ maskValue: 0 }), r] }), recorders: [r] }; }],
    [
      'functional: a masked and an unmasked embedding concatenated → layer',
      (lib, R) => {
        const input = T(lib).input({ shape: [4] });
        const joined = L(lib).concatenate().apply([emb(lib).apply(input), emb(lib, { maskZero: false }).apply(input)] as never);
        const r = new R();
        return { model: T(lib).model({ inputs: input, outputs: r.apply(joined as never) as never }), recorders: [r] };
      },
    ],
    [
      'functional: embedding → layer passing it → two layers',
      (lib, R) => {
        const input = T(lib).input({ shape: [4] });
        const [a, b, c] = [new R({ passes: true }), new R(), new R()];
        const mid = a.apply(emb(lib).apply(input) as never);
        return { model: T(lib).model({ inputs: input, outputs: [b.apply(mid as never), c.apply(mid as never)] as never }), recorders: [a, b, c] };
      },
    ],
    [
      'a model inside a model gets the outer mask, and passes none on (models do not support masking)',
      (lib, R) => {
        // (The layer after it: see 'where neurite passes masks otherwise'.)
        const inner = new R({ inputShape: [4, 2] });
        const innerModel = T(lib).sequential({ layers: [inner] });
        return { model: T(lib).sequential({ layers: [emb(lib), innerModel, L(lib).dense({ units: 1 })] }), recorders: [inner] };
      },
    ],
  ];
  for (const [label, make] of MODELS) {
    it(`in predict: ${label}`, async () => {
      expect(await maskSeen(make, tf)).toEqual(await maskSeen(make, await reference()));
    });
  }

  /** The same model in both libraries, the same weights, trained alike: the weights after, and predict, must agree. */
  async function expectTrainedAlike(make: (lib: Lib) => tf.LayersModel, x: number[], xShape: number[], y: number[], yShape: number[], epochs = 2) {
    const ref = await reference();
    const [ours, theirs] = [make(tf), make(ref)];
    try {
      const values = ours.weights.map((w, i) => randomData(w.size, 40 + i, -0.5, 0.5));
      tf.tidy(() => ours.setWeights(values.map((v, i) => tf.tensor(v, ours.weights[i].shape))));
      ref.tidy(() => (theirs as unknown as tfjs.LayersModel).setWeights(values.map((v, i) => ref.tensor(v, theirs.weights[i].shape))));
      for (const [lib, model] of [[tf, ours], [ref, theirs]] as const) {
        model.compile({ optimizer: T(lib).train.sgd(0.5), loss: 'meanSquaredError' });
        const [xs, ys] = [T(lib).tensor(x, xShape), T(lib).tensor(y, yShape)];
        await model.fit(xs, ys, { epochs, batchSize: 2, shuffle: false, verbose: 0 });
        T(lib).dispose([xs, ys]);
      }
      ours.weights.forEach((w, i) => expectClose(w.dataSync(), theirs.weights[i].read().dataSync(), { atol: 1e-4, rtol: 1e-4 }, `${w.name} after fit`));
      const predicted = (lib: Lib, model: tf.LayersModel) => T(lib).tidy(() => Array.from((model.predict(T(lib).tensor(x, xShape)) as tf.Tensor).dataSync()));
      expectClose(predicted(tf, ours), predicted(ref, theirs), { atol: 1e-5, rtol: 1e-4 }, 'predict');
    } finally {
      ours.dispose();
      theirs.dispose();
    }
  }

  it("steers fit (recorded once, replayed on each batch's own padding) as in TF.js: Sequential", async () => {
    const x = padded(8, 5, 7, 3);
    await expectTrainedAlike(
      (lib) => T(lib).sequential({ layers: [L(lib).embedding({ inputDim: 7, outputDim: 3, maskZero: true, inputLength: 5 }), new (maskedMeanClass(lib))({}), L(lib).dense({ units: 1 })] }),
      x, [8, 5], Array.from(randomData(8, 4)), [8, 1], 3,
    );
  });

  // (With an unmasked embedding in the concatenate, TF.js cannot train: its mask's all() lies on the tape, without a gradient.)
  it('steers fit as in TF.js: functional, through a concatenate and an activation', async () => {
    const x = padded(6, 4, 9, 5);
    await expectTrainedAlike(
      (lib) => {
        const input = T(lib).input({ shape: [4] });
        const masked = L(lib).embedding({ inputDim: 9, outputDim: 2, maskZero: true }).apply(input);
        const other = L(lib).embedding({ inputDim: 9, outputDim: 3, maskZero: true }).apply(input);
        const joined = L(lib).activation({ activation: 'tanh' }).apply(L(lib).concatenate().apply([masked, other] as never) as never);
        const pooled = new (maskedMeanClass(lib))({}).apply(joined as never);
        return T(lib).model({ inputs: input, outputs: L(lib).dense({ units: 2 }).apply(pooled as never) as never });
      },
      x, [6, 4], Array.from(randomData(12, 6)), [6, 2],
    );
  });

  it("leaves the loss unmasked, as TF.js's training does (an output that carries a mask)", async () => {
    await expectTrainedAlike(
      (lib) => T(lib).sequential({ layers: [L(lib).embedding({ inputDim: 6, outputDim: 3, maskZero: true, inputLength: 3 }), L(lib).dense({ units: 1 })] }),
      padded(4, 3, 6, 8), [4, 3], Array.from(randomData(12, 9)), [4, 3, 1],
    );
  });
});

describe('where neurite passes masks otherwise than TF.js 4.22', () => {
  onBackend('wasm');
  const x = [[1, 2, 0, 0], [3, 0, 0, 0]];
  const mask = { shape: [2, 4], dtype: 'bool', values: [1, 1, 0, 0, 1, 0, 0, 0] };

  it('a layer after one that drops the mask (a conv1d, a model) is given none (TF.js gives it the mask of an earlier layer)', async () => {
    for (const lib of [tf, await reference()] as Lib[]) {
      const [r1, r2] = [new (recorderClass(lib))(), new (recorderClass(lib))()];
      const embedding = () => L(lib).embedding({ inputDim: 5, outputDim: 2, maskZero: true, inputLength: 4 });
      const inner = T(lib).sequential({ layers: [L(lib).dense({ units: 2, inputShape: [4, 2] })] });
      for (const model of [T(lib).sequential({ layers: [embedding(), L(lib).conv1d({ filters: 2, kernelSize: 1 }), r1] }), T(lib).sequential({ layers: [embedding(), inner, r2] })]) {
        T(lib).tidy(() => {
          model.predict(T(lib).tensor2d(x));
        });
        model.dispose();
      }
      // TF.js's executor sets kwargs.mask on one object shared by every later layer, never cleared.
      expect([r1.masks, r2.masks], lib === tf ? 'neurite' : 'TF.js').toEqual(lib === tf ? [[null], [null]] : [[mask], [mask]]);
    }
  });

  it('an add of masked inputs carries the AND of their masks (TF.js: the first mask, with a leading axis of 1)', async () => {
    for (const lib of [tf, await reference()] as Lib[]) {
      const input = T(lib).input({ shape: [4] });
      const a = L(lib).embedding({ inputDim: 5, outputDim: 2, maskZero: true }).apply(input);
      const b = L(lib).embedding({ inputDim: 5, outputDim: 2, maskZero: true }).apply(input);
      const r = new (recorderClass(lib))();
      const model = T(lib).model({ inputs: input, outputs: r.apply(L(lib).add().apply([a, b] as never) as never) as never });
      T(lib).tidy(() => {
        model.predict(T(lib).tensor2d([[1, 2, 0, 0], [3, 0, 0, 0]]));
      });
      model.dispose();
      expect(r.masks, lib === tf ? 'neurite' : 'TF.js').toEqual([lib === tf ? mask : { ...mask, shape: [1, 2, 4] }]);
    }
  });

  it('a concrete tensor carries its mask (kerasMask) to the next apply (TF.js sets kerasMask but does not pass it)', async () => {
    for (const lib of [tf, await reference()] as Lib[]) {
      const r = new (recorderClass(lib))();
      const layer = L(lib).embedding({ inputDim: 5, outputDim: 2, maskZero: true });
      T(lib).tidy(() => {
        const e = layer.apply(T(lib).tensor2d(x)) as tf.Tensor;
        expect(seen(e.kerasMask)).toEqual(mask);
        r.apply(e);
      });
      layer.dispose();
      expect(r.masks, lib === tf ? 'neurite' : 'TF.js').toEqual([lib === tf ? mask : null]);
    }
  });

  it('each output of a layer of several carries its own mask (TF.js gives every output the first)', () => {
    const Recorder = recorderClass(tf);
    class Twice extends tf.layers.Layer {
      static override className = 'Twice';
      override supportsMasking = true;
      override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        return [tf.relu(x), tf.neg(x)];
      }
      override computeOutputShape(shape: tf.Shape | tf.Shape[]): tf.Shape[] {
        return [shape as tf.Shape, shape as tf.Shape];
      }
      override computeMask(_inputs: tf.Tensor | tf.Tensor[], mask?: tf.Masks): tf.Masks {
        return [mask as tf.Tensor, null];
      }
    }
    const input = tf.input({ shape: [4] });
    const [a, b] = new Twice().apply(tf.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true }).apply(input) as tf.SymbolicTensor) as unknown as tf.SymbolicTensor[];
    const [ra, rb] = [new Recorder(), new Recorder()];
    const model = tf.model({ inputs: input, outputs: [ra.apply(a), rb.apply(b)] as tf.SymbolicTensor[] });
    tf.tidy(() => {
      model.predict(tf.tensor2d(x));
    });
    model.dispose();
    expect([ra.masks, rb.masks]).toEqual([[mask], [null]]);
  });
});

describe('masks on concrete tensors', () => {
  onBackend('wasm');

  it('live and die with the tensor that carries them, each output its own', () => {
    const layer = tf.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true });
    const x = tf.tensor2d([[1, 0]]);
    const before = tf.memory().numTensors;
    const e = tf.tidy(() => layer.apply(x) as tf.Tensor); // a tidy keeps the mask of what it returns
    expect(tf.memory().numTensors).toBe(before + 3); // the output, its mask, the table
    expect(seen(e.kerasMask)).toEqual({ shape: [1, 2], dtype: 'bool', values: [1, 0] });
    const d = tf.layers.dropout({ rate: 0.5 }).apply(e) as tf.Tensor; // passes the mask on: a handle of its own
    expect(d).not.toBe(e);
    d.dispose();
    expect(e.kerasMask!.isDisposed).toBe(false);
    const flat = tf.layers.flatten().apply(e) as tf.Tensor; // drops it
    expect(flat.kerasMask).toBeUndefined();
    flat.dispose();
    e.dispose();
    expect(tf.memory().numTensors).toBe(before + 1);
    let kept: tf.Tensor | null = null;
    tf.tidy(() => {
      kept = tf.keep(layer.apply(x) as tf.Tensor); // keep keeps its mask too
    });
    expect(kept!.kerasMask!.isDisposed).toBe(false);
    kept!.dispose();
    expect(tf.memory().numTensors).toBe(before + 1);
    x.dispose();
    layer.dispose();
  });

  it('give way to a mask given in kwargs, and a disposed one is refused', () => {
    const r = new (recorderClass(tf))();
    const layer = tf.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true });
    const x = tf.tensor2d([[1, 0]]);
    const e = layer.apply(x) as tf.Tensor;
    const given = tf.tensor2d([[0, 1]], [1, 2], 'bool');
    r.apply(e, { mask: given }); // the recorder gives back e itself
    expect(r.masks).toEqual([{ shape: [1, 2], dtype: 'bool', values: [0, 1] }]);
    expect(() => r.apply(e, { mask: 'all' as never })).toThrow(/^recorder_Recorder\d+\.apply: kwargs\.mask must be a live Tensor, null or an array of them, got "all"/);
    e.kerasMask!.dispose();
    expect(() => r.apply(e)).toThrow(/^recorder_Recorder\d+\.apply: the mask inputs carries \(its kerasMask\) is disposed/);
    tf.dispose([x, e, given]);
    layer.dispose();
  });
});
