// The recurrent layers (issue 15): simpleRNN, lstm, gru, tf.layers.rnn over a cell or a stack of cells, and
// the cells on their own, against TF.js 4.22: the conformance helper (values, config, save/load both ways,
// finite-difference gradients, the js twin, two SGD steps from the same weights) on awkward sizes; masks,
// initial states, returnState and goBackwards against TF.js's own outputs, with their gradients by central
// differences; weight names as TF.js's; bad input refused by name; no tensor left behind.

import type * as tfjs from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import { getActivation } from '../src/activations.js';
import { gruSequence, lstmSequence, simpleRnnSequence } from '../src/ops/recurrent.js';
import { expectConformance, type LayerCase } from './layers/conformance.js';
import { expectGradient, reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

type Lib = typeof tf | typeof tfjs;
const L = (lib: Lib) => lib.layers as unknown as Record<string, (args: object) => unknown>;

// hardSigmoid (the gated cells' default recurrentActivation) and relu have kinks (±2.5, 0) where central
// differences straddle the corner: the gradient cases take smooth activations, and those with kinks are held by
// forward values, save/load and the SGD steps against TF.js (whose gradients come from the same kernels).
const CASES: LayerCase[] = [
  { name: 'simpleRNN', inputShape: [4, 3], make: (lib, base) => L(lib).simpleRNN({ units: 5, ...base }) },
  { name: 'simpleRNN returnSequences, goBackwards, elu', inputShape: [7, 2], make: (lib, base) => L(lib).simpleRNN({ units: 3, returnSequences: true, goBackwards: true, activation: 'elu', ...base }) },
  { name: 'simpleRNN relu', inputShape: [4, 2], make: (lib, base) => L(lib).simpleRNN({ units: 3, returnSequences: true, activation: 'relu', ...base }), noGradient: true },
  { name: 'simpleRNN one unit, no bias', inputShape: [3, 1], make: (lib, base) => L(lib).simpleRNN({ units: 1, useBias: false, ...base }) },
  { name: 'lstm sigmoid', inputShape: [5, 3], make: (lib, base) => L(lib).lstm({ units: 4, recurrentActivation: 'sigmoid', ...base }) },
  { name: 'lstm defaults (hardSigmoid)', inputShape: [3, 2], make: (lib, base) => L(lib).lstm({ units: 7, ...base }), noGradient: true },
  { name: 'lstm returnSequences, goBackwards, no bias', inputShape: [6, 3], make: (lib, base) => L(lib).lstm({ units: 3, returnSequences: true, goBackwards: true, useBias: false, recurrentActivation: 'sigmoid', ...base }) },
  { name: 'lstm sigmoid activation, unitForgetBias false', inputShape: [4, 2], make: (lib, base) => L(lib).lstm({ units: 17, activation: 'sigmoid', recurrentActivation: 'sigmoid', unitForgetBias: false, returnSequences: true, ...base }) },
  { name: 'lstm relu', inputShape: [3, 3], make: (lib, base) => L(lib).lstm({ units: 5, activation: 'relu', ...base }), noGradient: true },
  { name: 'gru sigmoid', inputShape: [5, 3], make: (lib, base) => L(lib).gru({ units: 4, recurrentActivation: 'sigmoid', ...base }) },
  { name: 'gru defaults (hardSigmoid)', inputShape: [3, 4], make: (lib, base) => L(lib).gru({ units: 3, ...base }), noGradient: true },
  { name: 'gru returnSequences, goBackwards, no bias, elu', inputShape: [7, 1], make: (lib, base) => L(lib).gru({ units: 5, returnSequences: true, goBackwards: true, useBias: false, activation: 'elu', recurrentActivation: 'sigmoid', ...base }) },
  { name: 'rnn over an lstmCell', inputShape: [4, 3], make: (lib, base) => L(lib).rnn({ cell: L(lib).lstmCell({ units: 3, recurrentActivation: 'sigmoid' }), returnSequences: true, ...base }) },
  {
    name: 'rnn over stacked gru and simpleRNN cells',
    inputShape: [5, 2],
    make: (lib, base) => L(lib).rnn({ cell: [L(lib).gruCell({ units: 3, recurrentActivation: 'sigmoid' }), L(lib).simpleRNNCell({ units: 2 })], ...base }),
  },
  { name: 'timeDistributed dense', inputShape: [4, 3], make: (lib, base) => L(lib).timeDistributed({ layer: L(lib).dense({ units: 5, activation: 'tanh' }), ...base }) },
  { name: 'timeDistributed over rank 4 steps', inputShape: [3, 2, 4], make: (lib, base) => L(lib).timeDistributed({ layer: L(lib).dense({ units: 2 }), ...base }) },
  { name: 'bidirectional lstm, concat', inputShape: [5, 3], make: (lib, base) => L(lib).bidirectional({ layer: L(lib).lstm({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid' }), ...base }) },
  { name: 'bidirectional gru, sum', inputShape: [4, 2], make: (lib, base) => L(lib).bidirectional({ layer: L(lib).gru({ units: 3, recurrentActivation: 'sigmoid' }), mergeMode: 'sum', ...base }) },
  { name: 'bidirectional simpleRNN, ave', inputShape: [4, 2], make: (lib, base) => L(lib).bidirectional({ layer: L(lib).simpleRNN({ units: 2, returnSequences: true }), mergeMode: 'ave', ...base }) },
  { name: 'bidirectional simpleRNN, mul', inputShape: [3, 3], make: (lib, base) => L(lib).bidirectional({ layer: L(lib).simpleRNN({ units: 4 }), mergeMode: 'mul', ...base }) },
];

describe('recurrent layers against TF.js (conformance helper)', () => {
  onBackend('wasm');
  for (const c of CASES) it(c.name, () => expectConformance(c), 60_000);
});

/** The same values as a tensor of each library. */
function pair(ref: typeof tfjs, shape: number[], seed: number, lo = -1, hi = 1): [tf.Tensor, tfjs.Tensor] {
  const values = randomData(shape.reduce((a, b) => a * b, 1), seed, lo, hi);
  return [tf.tensor(values, shape), ref.tensor(values, shape)];
}

/** Builds a layer in both libraries for an input shape and gives the second the first's weights. */
function twins(ref: typeof tfjs, make: (lib: Lib) => unknown, shape: number[]): [tf.Layer, tfjs.layers.Layer] {
  const ours = make(tf) as tf.Layer;
  const theirs = make(ref) as tfjs.layers.Layer;
  tf.tidy(() => {
    ours.apply(tf.zeros(shape));
  });
  ref.tidy(() => {
    theirs.apply(ref.zeros(shape));
  });
  theirs.setWeights(ours.getWeights().map((w) => ref.tensor(w.dataSync(), w.shape)));
  return [ours, theirs];
}

const KINDS = [
  { name: 'simpleRNN', states: 1, make: (lib: Lib, args: object) => L(lib).simpleRNN({ units: 3, ...args }) },
  { name: 'lstm', states: 2, make: (lib: Lib, args: object) => L(lib).lstm({ units: 3, recurrentActivation: 'sigmoid', ...args }) },
  { name: 'gru', states: 1, make: (lib: Lib, args: object) => L(lib).gru({ units: 3, recurrentActivation: 'sigmoid', ...args }) },
];

// A mask with a masked step at the start, in the middle and at the end, and a row masked throughout.
const MASK = [
  [1, 1, 1, 1, 1],
  [0, 1, 0, 1, 0],
  [1, 1, 1, 0, 0],
  [0, 0, 0, 0, 0],
];

describe('masks, initial states, returnState, goBackwards', () => {
  onBackend('wasm');

  for (const kind of KINDS) {
    for (const goBackwards of [false, true]) {
      it(`${kind.name}${goBackwards ? ' goBackwards' : ''}: a mask holds the state through masked steps, as in TF.js, with gradients`, async () => {
        const ref = await reference();
        const args = { returnSequences: true, returnState: true, goBackwards };
        const [ours, theirs] = twins(ref, (lib) => kind.make(lib, args), [4, 5, 2]);
        const [x, rx] = pair(ref, [4, 5, 2], 1, -2, 2);
        const mask = tf.tensor(MASK, undefined, 'bool');
        const rmask = ref.tensor(MASK, undefined, 'bool');
        const before = tf.memory().numTensors;
        const got = ours.apply(x, { mask }) as unknown as tf.Tensor[];
        const want = theirs.apply(rx, { mask: rmask }) as tfjs.Tensor[];
        expect(got.length).toBe(1 + kind.states);
        got.forEach((t, i) => expectClose(t.dataSync(), want[i].dataSync(), { atol: 1e-5, rtol: 1e-5 }, `${kind.name}: output ${i}`));
        tf.dispose(got);
        expect(tf.memory().numTensors, 'no tensor left behind').toBe(before);
        const dys = got.map((t, i) => tf.tensor(randomData(t.size, 40 + i), t.shape));
        const loss = (input: tf.Tensor) => tf.addN((ours.apply(input, { mask }) as unknown as tf.Tensor[]).map((t, i) => tf.sum(tf.mul(t, dys[i]))));
        expectGradient(`${kind.name}: d/dx with a mask`, loss, [x], { h: 1e-2, tolerance: 2e-3 });
        tf.dispose([x, mask, ...dys]);
        ref.dispose([rx, rmask, ...want]);
        ours.dispose();
      });
    }

    it(`${kind.name}: initial states (in kwargs or after the input) as in TF.js, with their gradients`, async () => {
      const ref = await reference();
      const [ours, theirs] = twins(ref, (lib) => kind.make(lib, { returnSequences: true }), [3, 4, 2]);
      const [x, rx] = pair(ref, [3, 4, 2], 2, -2, 2);
      const states = Array.from({ length: kind.states }, (_, i) => pair(ref, [3, 3], 10 + i));
      const got = ours.apply(x, { initialState: states.map((s) => s[0]) }) as tf.Tensor;
      const want = theirs.apply(rx, { initialState: states.map((s) => s[1]) }) as tfjs.Tensor;
      expectClose(got.dataSync(), want.dataSync(), { atol: 1e-5, rtol: 1e-5 }, `${kind.name}: with initial states`);
      const listed = ours.apply([x, ...states.map((s) => s[0])]) as tf.Tensor;
      expectClose(listed.dataSync(), want.dataSync(), { atol: 1e-5, rtol: 1e-5 }, `${kind.name}: initial states after the input`);
      const dy = tf.tensor(randomData(got.size, 7), got.shape);
      const f = (...ss: tf.Tensor[]) => tf.sum(tf.mul(ours.apply(x, { initialState: ss }) as tf.Tensor, dy));
      expectGradient(`${kind.name}: d/dinitialState`, f, states.map((s) => s[0]), { h: 1e-2, tolerance: 2e-3 });
      tf.dispose([x, got, listed, dy, ...states.map((s) => s[0])]);
      ref.dispose([rx, want, ...states.map((s) => s[1])]);
      ours.dispose();
    });

    it(`${kind.name}: bad input is refused by name`, () => tf.tidy(() => {
      const layer = kind.make(tf, {}) as tf.Layer;
      expect(() => layer.apply(tf.zeros([2, 3]))).toThrow(/rank 3 \(\[batch, time, features\]\)/);
      layer.apply(tf.zeros([2, 4, 3]));
      expect(() => layer.apply(tf.zeros([2, 4, 5]))).toThrow(/expects input of shape \[null, null, 3\]/);
      const wrong = Array.from({ length: kind.states }, () => tf.zeros([2, 4]));
      expect(() => layer.apply(tf.zeros([2, 4, 3]), { initialState: wrong })).toThrow(/initialState state 0 must have shape \[2, 3\]/);
      expect(() => layer.apply(tf.zeros([2, 4, 3]), { initialState: [tf.zeros([2, 3]), tf.zeros([2, 3]), tf.zeros([2, 3])] })).toThrow(/state/);
      expect(() => layer.apply(tf.zeros([2, 0, 3]))).toThrow(/at least one time step/);
      layer.dispose();
    }));
  }

  it('the cells on their own: one step, [x, ...states] to [h, ...states], as TF.js', async () => {
    const ref = await reference();
    for (const [name, states] of [['simpleRNNCell', 1], ['lstmCell', 2], ['gruCell', 1]] as const) {
      const make = (lib: Lib) => L(lib)[name]({ units: 4 });
      const ours = make(tf) as tf.Layer;
      const [x, rx] = pair(ref, [2, 3], 3);
      const s = Array.from({ length: states }, (_, i) => pair(ref, [2, 4], 20 + i));
      const got = ours.apply([x, ...s.map((p) => p[0])]) as tf.Tensor[];
      // TF.js's cells cannot be applied to a list (their build takes one shape): built, then called.
      const theirs = make(ref) as tfjs.layers.Layer;
      theirs.build([2, 3]);
      theirs.setWeights(ours.getWeights().map((w) => ref.tensor(w.dataSync(), w.shape)));
      const want = theirs.call([rx, ...s.map((p) => p[1])], {}) as tfjs.Tensor[];
      expect(got.length, name).toBe(want.length);
      got.forEach((t, i) => expectClose(t.dataSync(), want[i].dataSync(), { atol: 1e-5, rtol: 1e-5 }, `${name} output ${i}`));
      tf.dispose([x, ...got, ...s.map((p) => p[0])]);
      ref.dispose([rx, ...want, ...s.map((p) => p[1])]);
      ours.dispose();
    }
  });

  it("weights are named as TF.js names them, a stack's under RNNCell_i", () => {
    const model = tf.sequential();
    model.add(tf.layers.lstm({ units: 3, inputShape: [4, 2], returnSequences: true, name: 'lstm_a' }));
    model.add(tf.layers.rnn({ cell: [tf.layers.gruCell({ units: 2 }), tf.layers.simpleRNNCell({ units: 2 })], name: 'stack' }));
    expect(model.weights.map((w) => [w.name, w.shape])).toEqual([
      ['lstm_a/kernel', [2, 12]],
      ['lstm_a/recurrent_kernel', [3, 12]],
      ['lstm_a/bias', [12]],
      ['stack/RNNCell_0/kernel', [3, 6]],
      ['stack/RNNCell_0/recurrent_kernel', [2, 6]],
      ['stack/RNNCell_0/bias', [6]],
      ['stack/RNNCell_1/kernel', [2, 2]],
      ['stack/RNNCell_1/recurrent_kernel', [2, 2]],
      ['stack/RNNCell_1/bias', [2]],
    ]);
    // unitForgetBias is off unless given, as TF.js 4.22 has it (Keras turns it on); given, the forget gate's bias starts at one.
    expect(Array.from(model.layers[0].getWeights()[2].dataSync())).toEqual(new Array(12).fill(0));
    const forget = tf.layers.lstm({ units: 3, inputShape: [4, 2], unitForgetBias: true });
    const withForget = tf.sequential({ layers: [forget] });
    expect(Array.from(forget.getWeights()[2].dataSync())).toEqual([0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    withForget.dispose();
    model.dispose();
  });

  it('options TF.js refuses or neurite lacks are refused by name', () => {
    expect(() => tf.layers.gru({ units: 2, resetAfter: true })).toThrow(/gruCell: resetAfter/);
    expect(() => tf.layers.lstm({ units: 0 })).toThrow(/lstm: units/);
    expect(() => tf.layers.simpleRNN({ units: 2, activation: 'softmax' })).toThrow(/softmax/);
    expect(() => tf.layers.rnn({ cell: tf.layers.dense({ units: 2 }) as never })).toThrow(/rnn: cells must be/);
  });
});

describe('stateful layers', () => {
  onBackend('wasm');

  for (const kind of KINDS) {
    it(`${kind.name}: the last states of one call start the next, as in TF.js; resetStates goes back to zeros`, async () => {
      const ref = await reference();
      const make = (lib: Lib) => kind.make(lib, { stateful: true, returnSequences: true, batchInputShape: [2, 3, 2] });
      const ours = make(tf) as tf.Layer & { resetStates(states?: tf.Tensor[]): void; states: tf.Tensor[] };
      const theirs = make(ref) as tfjs.layers.Layer & { resetStates(): void };
      const [x1, rx1] = pair(ref, [2, 3, 2], 1, -2, 2);
      const [x2, rx2] = pair(ref, [2, 3, 2], 2, -2, 2);
      const first = ours.apply(x1) as tf.Tensor;
      theirs.apply(rx1);
      theirs.setWeights(ours.getWeights().map((w) => ref.tensor(w.dataSync(), w.shape)));
      theirs.resetStates();
      const want1 = theirs.apply(rx1) as tfjs.Tensor;
      const want2 = theirs.apply(rx2) as tfjs.Tensor;
      ours.resetStates();
      const got1 = ours.apply(x1) as tf.Tensor;
      const got2 = ours.apply(x2) as tf.Tensor;
      expectClose(got1.dataSync(), want1.dataSync(), { atol: 1e-5, rtol: 1e-5 }, 'first call');
      expectClose(got2.dataSync(), want2.dataSync(), { atol: 1e-5, rtol: 1e-5 }, 'second call, from the first call\'s states');
      expect(ours.states.length).toBe(kind.states);
      ours.resetStates();
      const again = ours.apply(x1) as tf.Tensor;
      expectClose(again.dataSync(), got1.dataSync(), { atol: 0, rtol: 0 }, 'after resetStates');
      tf.tidy(() => {
        expect(() => ours.apply(tf.zeros([3, 3, 2]))).toThrow(/stateful with batch size 2/);
        expect(() => ours.resetStates([tf.zeros([2, 7])])).toThrow(/resetStates/);
        expect(() => (kind.make(tf, {}) as never as { resetStates(): void }).resetStates()).toThrow(/is not stateful/);
        expect(() => (kind.make(tf, { stateful: true }) as tf.Layer).apply(tf.zeros([2, 3, 2]))).toThrow(/needs to know its batch size/);
      });
      tf.dispose([x1, x2, first, got1, got2, again]);
      ref.dispose([rx1, rx2, want1, want2]);
      ours.dispose();
    });
  }

  it('fit carries the states from batch to batch as TF.js does', async () => {
    const ref = await reference();
    const modelOf = (lib: Lib) => {
      const model = (lib as typeof tf).sequential();
      model.add(L(lib).lstm({ units: 4, stateful: true, batchInputShape: [2, 3, 2], recurrentActivation: 'sigmoid' }) as tf.Layer);
      model.add(L(lib).dense({ units: 1 }) as tf.Layer);
      model.compile({ optimizer: (lib as typeof tf).train.sgd(0.1), loss: 'meanSquaredError' });
      return model;
    };
    const ours = modelOf(tf);
    const theirs = modelOf(ref) as unknown as tfjs.Sequential;
    theirs.setWeights(ours.getWeights().map((w) => ref.tensor(w.dataSync(), w.shape)));
    const [x, rx] = pair(ref, [6, 3, 2], 12, -2, 2);
    const [y, ry] = pair(ref, [6, 1], 13);
    await ours.fit(x, y, { batchSize: 2, epochs: 2, shuffle: false, verbose: 0 });
    await theirs.fit(rx, ry, { batchSize: 2, epochs: 2, shuffle: false, verbose: 0 });
    ours.weights.forEach((w, i) => expectClose(w.read().dataSync(), theirs.weights[i].read().dataSync(), { atol: 1e-5, rtol: 1e-4 }, `${w.name} after fit`));
    const layer = ours.layers[0] as unknown as { states: tf.Tensor[] };
    const their = theirs.layers[0] as unknown as { states: tfjs.Tensor[] };
    layer.states.forEach((st, i) => expectClose(st.dataSync(), their.states[i].dataSync(), { atol: 1e-5, rtol: 1e-4 }, `state ${i} after fit`));
    expect(ours.stateful).toBe(true);
    ours.resetStates();
    layer.states.forEach((st) => expect(Array.from(st.dataSync()).every((v) => v === 0)).toBe(true));
    tf.dispose([x, y]);
    ref.dispose([rx, ry]);
    ours.dispose();
    theirs.dispose();
  });
});

describe('recurrentDropout', () => {
  onBackend('wasm');

  // TF.js's cells take a dropoutFunc, which gives the fused ops' mask to TF.js: one [batch, units] mask per call,
  // 0 or 1/(1 - rate), multiplying the state every recurrent product reads (and, in TF.js's GRU, the state it blends).
  for (const kind of KINDS) {
    it(`${kind.name}: the recurrent products read h·mask as in TF.js, with gradients`, async () => {
      const ref = await reference();
      const rate = 0.4;
      const keep = [[1, 0, 1], [0, 1, 1]].map((row) => row.map((v) => v / (1 - rate)));
      const make = (lib: Lib) => kind.make(lib, { returnSequences: true, recurrentDropout: rate, ...(lib === tf ? {} : { dropoutFunc: () => ref.tensor(keep) }) });
      const [ours, theirs] = twins(ref, make, [2, 4, 2]);
      const [x, rx] = pair(ref, [2, 4, 2], 9, -2, 2);
      const want = theirs.apply(rx, { training: true }) as tfjs.Tensor;
      const dropMask = tf.tensor(keep);
      const [kernel, recurrent, bias] = ours.getWeights();
      const sigmoid = getActivation('test', 'sigmoid');
      const tanh = getActivation('test', 'tanh');
      const h0 = tf.zeros([2, 3]);
      const run = (input: tf.Tensor, w: tf.Tensor): tf.Tensor => {
        const steps = tf.transpose(input, [1, 0, 2]);
        if (kind.name === 'simpleRNN') return simpleRnnSequence(steps, w, recurrent, bias, h0, null, dropMask, tanh);
        if (kind.name === 'lstm') return lstmSequence(steps, w, recurrent, bias, h0, h0, null, dropMask, tanh, sigmoid)[0];
        const [kzr, kh] = tf.split(w, [6, 3], 1);
        const [rzr, rh] = tf.split(recurrent, [6, 3], 1);
        const [bzr, bh] = tf.split(bias, [6, 3], 0);
        return gruSequence(steps, kzr, kh, rzr, rh, bzr, bh, h0, null, dropMask, tanh, sigmoid);
      };
      const got = tf.tidy(() => tf.transpose(run(x, kernel), [1, 0, 2]));
      expectClose(got.dataSync(), want.dataSync(), { atol: 1e-5, rtol: 1e-5 }, `${kind.name} with recurrentDropout`);
      const dy = tf.tensor(randomData(got.size, 3), [4, 2, 3]);
      expectGradient(`${kind.name} recurrentDropout d/dx, d/dkernel`, (input, w) => tf.sum(tf.mul(run(input, w), dy)), [x, kernel], { h: 1e-2, tolerance: 2e-3 });
      // The layer draws its own mask in training; predict reads the state itself.
      tf.tidy(() => {
        expect(ours.apply(x, { training: true }).shape).toEqual([2, 4, 3]);
        expectClose((ours.apply(x) as tf.Tensor).dataSync(), (theirs.apply(rx) as tfjs.Tensor).dataSync(), { atol: 1e-5, rtol: 1e-5 }, 'inference');
      });
      tf.dispose([x, got, dy, dropMask, h0]);
      ref.dispose([rx, want]);
      ours.dispose();
    });
  }
});

describe('wrappers beyond the helper', () => {
  onBackend('wasm');

  it('bidirectional with mergeMode null and returnState gives the outputs and both directions\' states, as TF.js', async () => {
    const ref = await reference();
    const make = (lib: Lib) => L(lib).bidirectional({ layer: L(lib).lstm({ units: 3, returnSequences: true, returnState: true, recurrentActivation: 'sigmoid' }), mergeMode: null });
    const [ours, theirs] = twins(ref, make, [2, 4, 3]);
    const [x, rx] = pair(ref, [2, 4, 3], 8, -2, 2);
    const got = ours.apply(x) as unknown as tf.Tensor[];
    const want = theirs.apply(rx) as tfjs.Tensor[];
    expect(got.map((t) => t.shape)).toEqual(want.map((t) => t.shape));
    got.forEach((t, i) => expectClose(t.dataSync(), want[i].dataSync(), { atol: 1e-5, rtol: 1e-5 }, `output ${i}`));
    const pattern = (name: string) => name.replace(/_\d+$/, '').replace(/\d+/g, '#');
    expect(ours.weights.map((w) => pattern(w.name))).toEqual(theirs.weights.map((w) => pattern(w.name)));
    tf.dispose([x, ...got]);
    ref.dispose([rx, ...want]);
    ours.dispose();
  });

  it('wrappers refuse what they cannot wrap', () => tf.tidy(() => {
    expect(() => tf.layers.bidirectional({ layer: tf.layers.dense({ units: 2 }) })).toThrow(/bidirectional: layer must be a recurrent layer/);
    expect(() => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2 }), mergeMode: 'max' as never })).toThrow(/mergeMode must be one of/);
    expect(() => tf.layers.timeDistributed({ layer: 3 as never })).toThrow(/timeDistributed: layer must be a layer/);
    const td = tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) });
    expect(() => td.apply(tf.zeros([2, 3]))).toThrow(/rank >= 3/);
  }));
});

describe('tf.basicLSTMCell and tf.multiRNNCell', () => {
  onBackend('wasm');

  it('one step and a stack of two agree with TF.js, with gradients', async () => {
    const ref = await reference();
    tf.tidy(() => {
    const [kernel, rkernel] = pair(ref, [5, 8], 1);
    const [bias, rbias] = pair(ref, [8], 2);
    const [kernel2, rkernel2] = pair(ref, [4, 8], 3);
    const [x, rx] = pair(ref, [3, 3], 4, -2, 2);
    const [c, rc] = pair(ref, [3, 2], 5);
    const [h, rh] = pair(ref, [3, 2], 6);
    const got = tf.basicLSTMCell(1, kernel, bias, x, c, h);
    const want = ref.basicLSTMCell(1, rkernel as tfjs.Tensor2D, rbias as tfjs.Tensor1D, rx as tfjs.Tensor2D, rc as tfjs.Tensor2D, rh as tfjs.Tensor2D);
    got.forEach((t, i) => expectClose(t.dataSync(), want[i].dataSync(), { atol: 1e-6, rtol: 1e-5 }, `basicLSTMCell output ${i}`));
    expectGradient('basicLSTMCell d/dkernel, d/dx', (k, input) => tf.addN(tf.basicLSTMCell(0.5, k, bias, input, c, h).map((t) => tf.sum(t))), [kernel, x]);
    const cells = [(d: tf.Tensor, cc: tf.Tensor, hh: tf.Tensor) => tf.basicLSTMCell(1, kernel, bias, d, cc, hh), (d: tf.Tensor, cc: tf.Tensor, hh: tf.Tensor) => tf.basicLSTMCell(1, kernel2, bias, d, cc, hh)];
    const theirCells = [
      (d: tfjs.Tensor2D, cc: tfjs.Tensor2D, hh: tfjs.Tensor2D) => ref.basicLSTMCell(1, rkernel as tfjs.Tensor2D, rbias as tfjs.Tensor1D, d, cc, hh),
      (d: tfjs.Tensor2D, cc: tfjs.Tensor2D, hh: tfjs.Tensor2D) => ref.basicLSTMCell(1, rkernel2 as tfjs.Tensor2D, rbias as tfjs.Tensor1D, d, cc, hh),
    ];
    const [cs, hs] = tf.multiRNNCell(cells, x, [c, c], [h, h]);
    const [rcs, rhs] = ref.multiRNNCell(theirCells, rx as tfjs.Tensor2D, [rc as tfjs.Tensor2D, rc as tfjs.Tensor2D], [rh as tfjs.Tensor2D, rh as tfjs.Tensor2D]);
    [...cs, ...hs].forEach((t, i) => expectClose(t.dataSync(), [...rcs, ...rhs][i].dataSync(), { atol: 1e-6, rtol: 1e-5 }, `multiRNNCell output ${i}`));
    expect(() => tf.basicLSTMCell(1, tf.zeros([4, 8]), bias, x, c, h)).toThrow(/basicLSTMCell: lstmKernel must have shape \[5, 8\]/);
    expect(() => tf.multiRNNCell(cells, x, [c], [h, h])).toThrow(/multiRNNCell: c must be an array of 2 tensors/);
    });
  });
});

describe('recurrent layers train in fit as TF.js', () => {
  onBackend('wasm');

  it('embedding with maskZero, then a bidirectional lstm and a gru: padded steps are skipped, fit agrees with TF.js', async () => {
    const ref = await reference();
    const modelOf = (lib: Lib) => {
      const model = (lib as typeof tf).sequential();
      model.add(L(lib).embedding({ inputDim: 12, outputDim: 4, maskZero: true, inputLength: 6 }) as tf.Layer);
      model.add(L(lib).bidirectional({ layer: L(lib).lstm({ units: 3, returnSequences: true, recurrentActivation: 'sigmoid' }), mergeMode: 'sum' }) as tf.Layer);
      model.add(L(lib).gru({ units: 3, recurrentActivation: 'sigmoid' }) as tf.Layer);
      model.add(L(lib).dense({ units: 1, activation: 'sigmoid' }) as tf.Layer);
      model.compile({ optimizer: (lib as typeof tf).train.sgd(0.5), loss: 'binaryCrossentropy' });
      return model;
    };
    const ours = modelOf(tf);
    const theirs = modelOf(ref) as unknown as tfjs.Sequential;
    theirs.setWeights(ours.getWeights().map((w) => ref.tensor(w.dataSync(), w.shape)));
    // Sequences padded with zeros at the end (and one at the start): the padding must not move the outputs.
    const ids = [
      [3, 5, 7, 0, 0, 0],
      [1, 2, 3, 4, 5, 6],
      [0, 0, 9, 11, 2, 0],
      [8, 8, 0, 0, 0, 0],
    ];
    const labels = [[1], [0], [1], [0]];
    const [x, y] = [tf.tensor(ids), tf.tensor(labels)];
    const [rx, ry] = [ref.tensor(ids), ref.tensor(labels)];
    const before = tf.tidy(() => (ours.predict(x) as tf.Tensor).dataSync());
    expectClose(before, ref.tidy(() => (theirs.predict(rx) as tfjs.Tensor).dataSync()), { atol: 1e-6, rtol: 1e-5 }, 'predict on padded sequences');
    await ours.fit(x, y, { batchSize: 2, epochs: 3, shuffle: false, verbose: 0 });
    await theirs.fit(rx, ry, { batchSize: 2, epochs: 3, shuffle: false, verbose: 0 });
    ours.weights.forEach((w, i) => expectClose(w.read().dataSync(), theirs.weights[i].read().dataSync(), { atol: 1e-5, rtol: 1e-4 }, `${w.name} after fit`));
    tf.dispose([x, y]);
    ref.dispose([rx, ry]);
    ours.dispose();
    theirs.dispose();
  });

  it('an embedding-free sequence classifier: lstm then dense, three Adam steps agree with TF.js', async () => {
    const ref = await reference();
    const modelOf = (lib: Lib) => {
      const model = (lib as typeof tf).sequential();
      model.add(L(lib).lstm({ units: 8, inputShape: [6, 3], returnSequences: true }) as tf.Layer);
      model.add(L(lib).gru({ units: 5 }) as tf.Layer);
      model.add(L(lib).dense({ units: 2, activation: 'softmax' }) as tf.Layer);
      model.compile({ optimizer: (lib as typeof tf).train.adam(0.01), loss: 'categoricalCrossentropy' });
      return model;
    };
    const ours = modelOf(tf);
    const theirs = modelOf(ref) as unknown as tfjs.Sequential;
    theirs.setWeights(ours.getWeights().map((w) => ref.tensor(w.dataSync(), w.shape)));
    const [x, rx] = pair(ref, [10, 6, 3], 4, -2, 2);
    const labels = Array.from({ length: 10 }, (_, i) => (i % 3 === 0 ? [1, 0] : [0, 1]));
    const [y, ry] = [tf.tensor(labels), ref.tensor(labels)];
    for (let i = 0; i < 3; i++) {
      await ours.trainOnBatch(x, y);
      await theirs.trainOnBatch(rx, ry);
    }
    ours.weights.forEach((w, i) => expectClose(w.read().dataSync(), theirs.weights[i].read().dataSync(), { atol: 1e-4, rtol: 1e-4 }, `${w.name} after 3 Adam steps`));
    tf.dispose([x, y]);
    ref.dispose([rx, ry]);
    ours.dispose();
    theirs.dispose();
  });
});
