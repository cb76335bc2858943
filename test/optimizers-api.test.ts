// TF.js's optimizer API beyond the update itself, against TF.js 4.22 (cpu backend) on both backends:
// getWeights and setWeights (names, order and values bit for bit, and training resumed from TF.js's weights
// as TF.js resumes it), getConfig, getClassName, className and fromConfig, the classes' own defaults,
// setLearningRate and setMomentum, int32 gradients, and a user's optimizer
// written the TF.js way (a subclass overriding applyGradients) in minimize and model.fit.

import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { NamedTensor } from '../src/optimizers.js';
import { reference } from './reference.js';
import { expectClose, onBackend, randomData } from './support.js';

type Lib = typeof tf;
type Maker = (lib: Lib) => tf.Optimizer;

const OPTIMIZERS: Array<[string, Maker]> = [
  ['sgd', (t) => t.train.sgd(0.1)],
  ['momentum nesterov', (t) => t.train.momentum(0.05, 0.9, true)],
  ['adam', (t) => t.train.adam(0.01)],
  ['rmsprop momentum', (t) => t.train.rmsprop(0.01, 0.9, 0.5)],
  ['rmsprop centered', (t) => t.train.rmsprop(0.01, 0.9, 0.5, null, true)],
  ['adagrad', (t) => t.train.adagrad(0.1)],
];

/** Steps before getWeights: 1 - beta2^(STEPS + 1) in float32 differs as a power (TF.js's setWeights) and as a running product (its steps). */
const STEPS = 5;
const SHAPES = [[2, 3], [4]];

/** TF.js, typed as neurite: the programs below run on either. */
async function oracle(): Promise<Lib> {
  return (await reference()) as unknown as Lib;
}

/** A variable of each of SHAPES, named `${prefix}${i}`, with seeded values (or the given ones). */
function variables(lib: Lib, prefix: string, values?: number[][]): tf.Variable[] {
  return lib.tidy(() => SHAPES.map((shape, i) => lib.variable(lib.tensor(values?.[i] ?? Array.from(randomData(shape.reduce((a, b) => a * b), 40 + i)), shape), true, `${prefix}${i}`)));
}

/** Steps `from` to `to` (1-based) of fixed seeded gradients, as TF.js's list of { name, tensor }. */
function train(lib: Lib, optimizer: tf.Optimizer, vars: tf.Variable[], from: number, to: number): void {
  for (let t = from; t <= to; t++) {
    const gradients = vars.map((v, i) => ({ name: v.name, tensor: lib.tensor(Array.from(randomData(v.size, 100 * t + i)), v.shape) }));
    optimizer.applyGradients(gradients);
    lib.dispose(gradients.map((g) => g.tensor));
  }
}

interface Saved {
  name: string;
  shape: number[];
  dtype: string;
  values: number[];
}

/** getWeights' list as plain values (neurite's tensors, copies, are disposed; TF.js's are its optimizer's own). */
async function savedWeights(optimizer: tf.Optimizer, own: boolean): Promise<Saved[]> {
  const weights = await optimizer.getWeights();
  const saved = weights.map(({ name, tensor }) => ({ name, shape: tensor.shape, dtype: tensor.dtype, values: Array.from(tensor.dataSync()) }));
  if (own) tf.dispose(weights.map((w) => w.tensor));
  return saved;
}

function valuesOf(vars: tf.Variable[]): number[][] {
  return vars.map((v) => Array.from(v.dataSync()));
}

/** A user's optimizer written as TF.js's guides write one: SGD with a running average of the gradients, in ops. */
function heavyBall(lib: Lib) {
  return class HeavyBall extends lib.Optimizer {
    static override className = 'HeavyBall';
    readonly variables = new Map<string, tf.Variable>();
    readonly velocity = new Map<string, tf.Tensor>();
    constructor(readonly rate: number) {
      super();
    }
    applyGradients(variableGradients: Record<string, tf.Tensor> | NamedTensor[]): void {
      const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
      for (const { name, tensor } of list) {
        if (tensor == null) continue;
        const v = this.variables.get(name)!;
        lib.tidy(() => {
          const previous = this.velocity.get(name);
          const velocity = previous ? lib.add(lib.mul(previous, 0.5), tensor) : tensor.clone();
          previous?.dispose();
          this.velocity.set(name, lib.keep(velocity));
          v.assign(lib.sub(v, lib.mul(velocity, this.rate)));
        });
      }
      this.incrementIterations();
    }
    getConfig() {
      return { rate: this.rate };
    }
  };
}

/** A subclass of a built-in that overrides applyGradients: SGD on half the gradients. */
function halfSgd(lib: Lib) {
  return class HalfSGD extends lib.SGDOptimizer {
    override applyGradients(variableGradients: Record<string, tf.Tensor> | NamedTensor[]): void {
      const list = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
      const halves = list.map(({ name, tensor }) => ({ name, tensor: lib.mul(tensor, 0.5) }));
      super.applyGradients(halves);
      lib.dispose(halves.map((h) => h.tensor));
    }
  };
}

const X = [[0.1, 0.2, -0.3], [0.5, -0.1, 0.4], [-0.2, 0.3, 0.9], [0.7, 0.7, -0.5], [0.0, -0.6, 0.2]];
const Y = [[1], [0], [1], [0], [1]];
const WEIGHTS = [[[0.1, -0.2, 0.3, 0.4], [0.5, -0.6, 0.7, -0.8], [0.2, 0.1, -0.1, 0.3]], [0.01, 0.02, -0.01, 0], [[0.3], [-0.2], [0.5], [0.1]], [0.05]];

/** Fits a small classifier with the optimizer `make` gives (handed the model's variables by name); returns its weights, losses and step count. */
async function fitWith(lib: Lib, make: (variables: Map<string, tf.Variable>) => tf.Optimizer) {
  const model = lib.sequential({ layers: [lib.layers.dense({ units: 4, inputShape: [3], activation: 'tanh' }), lib.layers.dense({ units: 1, activation: 'sigmoid' })] });
  const initial = WEIGHTS.map((w) => lib.tensor(w));
  model.setWeights(initial);
  const optimizer = make(new Map(model.trainableWeights.map((w) => [w.val.name, w.val])));
  model.compile({ optimizer, loss: 'binaryCrossentropy' });
  const [x, y] = [lib.tensor2d(X), lib.tensor2d(Y)];
  const history = await model.fit(x, y, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 });
  const result = { weights: model.getWeights().map((w) => Array.from(w.dataSync())), loss: history.history.loss as number[], iterations: optimizer.iterations };
  lib.dispose([x, y, ...initial]);
  model.dispose();
  return { result, optimizer };
}

describe.each(['wasm', 'js'] as const)('the optimizer API on %s', (backend) => {
  onBackend(backend);

  it.each(OPTIMIZERS)('%s: getWeights gives TF.js\'s names, order and values, bit for bit', async (label, make) => {
    const tfjsLib = await oracle();
    const prefix = `gw-${label}-${backend}-`;
    const [want, got] = [tfjsLib, tf].map(async (lib) => {
      const optimizer = make(lib);
      const vars = variables(lib, prefix);
      train(lib, optimizer, vars, 1, STEPS);
      const saved = await savedWeights(optimizer, lib === tf);
      optimizer.dispose();
      lib.dispose(vars);
      return saved;
    });
    const expected = await want;
    expect(expected.length).toBeGreaterThan(0);
    expect(await got).toEqual(expected);
  });

  it.each(OPTIMIZERS)('%s: setWeights with TF.js\'s weights resumes training as TF.js resumes it, by position', async (label, make) => {
    const tfjsLib = await oracle();
    const prefix = `sw-${label}-${backend}-`;
    // TF.js trains, and its weights and variables are handed to a fresh optimizer, TF.js's and neurite's.
    const source = make(tfjsLib);
    const trained = variables(tfjsLib, prefix);
    train(tfjsLib, source, trained, 1, STEPS);
    const weights = await savedWeights(source, false);
    const start = valuesOf(trained);
    source.dispose();
    tfjsLib.dispose(trained);
    const resume = async (lib: Lib) => {
      const optimizer = make(lib);
      const given = weights.map(({ name, shape, dtype, values }) => ({ name, tensor: lib.tensor(values, shape, dtype as 'float32') }));
      await optimizer.setWeights(given);
      if (lib === tf) lib.dispose(given.map((g) => g.tensor));
      // Variables with other names: the state goes to them by position, as in TF.js.
      const vars = variables(lib, `${prefix}resumed-`, start);
      train(lib, optimizer, vars, STEPS + 1, STEPS + 4);
      const result = { values: valuesOf(vars), state: (await savedWeights(optimizer, lib === tf)).map((w) => w.values), iterations: optimizer.iterations };
      optimizer.dispose();
      lib.dispose(vars);
      return result;
    };
    const expected = await resume(tfjsLib);
    expect(expected.iterations).toBe(STEPS + 4);
    expect(await resume(tf)).toEqual(expected);
  });

  it('the classes apply TF.js\'s defaults, and getClassName, className, getConfig and fromConfig are TF.js\'s', async () => {
    const tfjsLib = await oracle();
    const describeAll = (lib: Lib) => {
      const made = [
        ...OPTIMIZERS.map(([, make]) => make(lib)),
        new lib.AdamOptimizer(0.1, 0.9, 0.999),
        new lib.AdamOptimizer(0.1, 0.8, 0.99, null),
        new lib.RMSPropOptimizer(0.1),
        new lib.AdagradOptimizer(0.2),
        new lib.MomentumOptimizer(0.1, 0.9),
        lib.train.rmsprop(0.1, undefined, undefined, undefined, true),
      ];
      return made.map((o) => {
        const cls = o.constructor as unknown as { className: string; fromConfig(c: unknown, config: Record<string, unknown>): tf.Optimizer };
        const copy = cls.fromConfig(cls, o.getConfig());
        const result = { className: cls.className, getClassName: o.getClassName(), config: o.getConfig(), copy: [copy.getClassName(), copy.getConfig()] };
        o.dispose();
        copy.dispose();
        return result;
      });
    };
    const expected = describeAll(tfjsLib);
    expect(expected.map((e) => e.className)).toEqual(['SGD', 'Momentum', 'Adam', 'RMSProp', 'RMSProp', 'Adagrad', 'Adam', 'Adam', 'RMSProp', 'Adagrad', 'Momentum', 'RMSProp']);
    expect(describeAll(tf)).toEqual(expected);
  });

  it('state set by setWeights survives a first step that fit rolls back: the next step takes it', async () => {
    const [x, y] = [tf.tensor2d([[1, 2, 3], [-1, 0.5, 2], [0, 1, -1], [2, 2, 2]]), tf.fill([4, 2], 100)];
    const model = () => {
      const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], kernelInitializer: 'ones', biasInitializer: 'zeros' })] });
      m.compile({ optimizer: tf.train.momentum(0.001, 0.9), loss: 'meanSquaredError' });
      return m;
    };
    // A state to load: the accumulators after two steps of another model.
    const source = model();
    await source.fit(x, y, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    const state = await source.optimizer.getWeights();
    source.dispose();
    const trainedAfterLoading = async (rollBackFirst: boolean) => {
      const m = model();
      await m.optimizer.setWeights(state);
      if (rollBackFirst) {
        // A rate that overflows the weights: fit rolls the step back to its checkpoint, taken before the loaded state was.
        (m.optimizer as tf.MomentumOptimizer).setLearningRate(1e38);
        await expect(m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 })).rejects.toThrow(/NaN or Infinity/);
        (m.optimizer as tf.MomentumOptimizer).setLearningRate(0.001);
      }
      await m.fit(x, y, { epochs: 1, batchSize: 4, shuffle: false, verbose: 0 });
      const weights = m.getWeights().map((w) => Array.from(w.dataSync()));
      m.dispose();
      return weights;
    };
    const plain = await trainedAfterLoading(false);
    expect(await trainedAfterLoading(true)).toEqual(plain);
    tf.dispose([x, y, ...state.map((w) => w.tensor)]);
  });

  it('setLearningRate (on sgd and momentum) and setMomentum take effect at the next step', async () => {
    const tfjsLib = await oracle();
    const prefix = `set-${backend}-`;
    const run = (lib: Lib, make: Maker, change: (o: tf.Optimizer) => void) => {
      const optimizer = make(lib);
      const vars = variables(lib, prefix);
      train(lib, optimizer, vars, 1, 2);
      change(optimizer);
      train(lib, optimizer, vars, 3, 4);
      const result = { values: valuesOf(vars), config: optimizer.getConfig(), isSgd: optimizer instanceof lib.SGDOptimizer };
      optimizer.dispose();
      lib.dispose(vars);
      return result;
    };
    const faster = (o: tf.Optimizer) => (o as tf.SGDOptimizer).setLearningRate(0.3);
    for (const make of [(t: Lib) => t.train.sgd(0.1), (t: Lib) => t.train.momentum(0.05, 0.9)]) {
      const expected = run(tfjsLib, make, faster);
      expect(expected.config.learningRate).toBe(0.3);
      expect(run(tf, make, faster)).toEqual(expected);
    }
    // TF.js's setMomentum changes getConfig but not its updates; neurite's updates use it, as a fresh TF.js
    // optimizer with that momentum and the state so far does.
    const slower = (o: tf.Optimizer) => (o as tf.MomentumOptimizer).setMomentum(0.5);
    const got = run(tf, (t) => t.train.momentum(0.05, 0.9), slower);
    const source = tfjsLib.train.momentum(0.05, 0.9);
    const vars = variables(tfjsLib, prefix);
    train(tfjsLib, source, vars, 1, 2);
    const resumed = tfjsLib.train.momentum(0.05, 0.5);
    await resumed.setWeights(await source.getWeights());
    train(tfjsLib, resumed, vars, 3, 4);
    expect(got.values).toEqual(valuesOf(vars));
    expect(got.config).toEqual({ learningRate: 0.05, momentum: 0.5, useNesterov: false });
    tfjsLib.dispose(vars);
    source.dispose();
  });

  it('int32 gradients are cast, as in TF.js; a learning rate below 0 or not finite is refused', async () => {
    const tfjsLib = await oracle();
    const run = (lib: Lib, name: string) => {
      const w = lib.tidy(() => lib.variable(lib.tensor1d([1, -2, 3]), true, `${name}-${backend}`));
      const integers = lib.tensor1d([1, 2, -3], 'int32');
      const [sgd, adam] = [lib.train.sgd(0.1), lib.train.adam(0.1)];
      sgd.applyGradients({ [w.name]: integers });
      adam.applyGradients([{ name: w.name, tensor: integers }]);
      const result = Array.from(w.dataSync());
      lib.dispose([w, integers]);
      [sgd, adam].forEach((o) => o.dispose());
      return result;
    };
    expect(run(tf, 'cast')).toEqual(run(tfjsLib, 'cast'));
    // TF.js takes a negative rate and climbs the loss; neurite calls it the slip it almost always is.
    expect(() => tf.train.sgd(-0.1)).toThrow(/^sgd: learningRate must be >= 0, got -0.1$/);
    expect(() => tf.train.sgd(Number.NaN)).toThrow(/^sgd: learningRate must be a finite number, got NaN$/);
    expect(() => tf.train.adam(Number.POSITIVE_INFINITY)).toThrow(/^adam: learningRate must be a finite number, got Infinity$/);
    expect(() => tf.train.momentum(0.1, 0.9).setLearningRate(Number.NaN)).toThrow(/^momentum: learningRate must be a finite number, got NaN$/);
  });

  it('a user\'s optimizer extending tf.Optimizer, with super(), trains in minimize as in TF.js', async () => {
    const tfjsLib = await oracle();
    const run = (lib: Lib) => {
      const optimizer = new (heavyBall(lib))(0.1);
      const w = lib.tidy(() => lib.variable(lib.tensor1d([1, -2, 3]), true, `heavy-${backend}`));
      optimizer.variables.set(w.name, w);
      for (let i = 0; i < 4; i++) optimizer.minimize(() => lib.sum(lib.mul(lib.square(w), lib.tensor1d([1, 2, 3]))));
      const result = { values: Array.from(w.dataSync()), iterations: optimizer.iterations, className: optimizer.getClassName(), config: optimizer.getConfig() };
      lib.dispose([w, ...optimizer.velocity.values()]);
      return result;
    };
    const expected = run(tfjsLib);
    expect(expected.iterations).toBe(4);
    expect(run(tf)).toEqual(expected);
  });

  it('model.fit calls a user\'s applyGradients (a tf.Optimizer subclass, or a built-in\'s override) with the gradients, as TF.js\'s fit does', async () => {
    const tfjsLib = await oracle();
    const makers = [
      (lib: Lib) => (variables: Map<string, tf.Variable>) => {
        const optimizer = new (heavyBall(lib))(0.3);
        for (const [name, v] of variables) optimizer.variables.set(name, v);
        return optimizer;
      },
      (lib: Lib) => () => new (halfSgd(lib))(0.5),
    ];
    for (const maker of makers) {
      const expected = await fitWith(tfjsLib, maker(tfjsLib));
      const got = await fitWith(tf, maker(tf));
      // Nine steps (three epochs of three batches), each changing the weights.
      expect(got.result.iterations).toBe(expected.result.iterations);
      expect(expected.result.iterations).toBe(9);
      expect(expected.result.weights[3][0]).not.toBeCloseTo(0.05, 3);
      expectClose(got.result.loss, expected.result.loss, { rtol: 1e-6, atol: 1e-7 }, 'loss');
      got.result.weights.forEach((w, i) => expectClose(w, expected.result.weights[i], { rtol: 1e-5, atol: 1e-6 }, `weight ${i}`));
      for (const { optimizer } of [got, expected]) {
        const velocity = (optimizer as { velocity?: Map<string, tf.Tensor> }).velocity;
        if (velocity) tf.dispose([...velocity.values()].filter((t) => t instanceof tf.Tensor));
        optimizer.dispose();
      }
    }
  });

  it('setWeights refuses a list that is not getWeights\' kind, and a user\'s optimizer without them says so', async () => {
    const adam = tf.train.adam(0.1);
    const iter = { name: 'iter', tensor: tf.scalar(3, 'int32') };
    const m = { name: 'w/m', tensor: tf.zeros([4]) };
    await expect(adam.setWeights([])).rejects.toThrow(/^setWeights: weightValues must be getWeights' list of \{ name, tensor \}, the step count first; got \[\]$/);
    await expect(adam.setWeights([iter, m])).rejects.toThrow(/^setWeights: adam takes the step count then 2 per variable \(m, v\), got 1 more weight$/);
    await expect(tf.train.sgd(0.1).setWeights([iter, m])).rejects.toThrow(/^setWeights: sgd takes the step count then nothing else, got 1 more weight$/);
    const fraction = tf.scalar(1.5);
    await expect(adam.setWeights([{ name: 'iter', tensor: fraction }])).rejects.toThrow(/^setWeights: weightValues\[0\] \(the step count, "iter"\) must be an integer >= 0, got 1\.5$/);
    // State for a variable of 4 values, and the next step's variable has 3: refused before any update.
    const momentum = tf.train.momentum(0.1, 0.9);
    await momentum.setWeights([iter, { name: 'w/momentum', tensor: m.tensor }]);
    const w = tf.tidy(() => tf.variable(tf.tensor1d([1, 2, 3]), true, `refused-${backend}`));
    const g = tf.ones([3]);
    expect(() => momentum.applyGradients({ [w.name]: g })).toThrow(/^momentum: setWeights gave w\/momentum shape \[4\] for the update's variable 0, refused-\w+, of shape \[3\]$/);
    expect(Array.from(w.dataSync())).toEqual([1, 2, 3]);
    expect(momentum.iterations).toBe(3);
    const user = new (heavyBall(tf))(0.1);
    await expect(user.getWeights()).rejects.toThrow(/^getWeights: optimizer HeavyBall does not implement it$/);
    tf.dispose([iter.tensor, m.tensor, fraction, w, g]);
    [adam, momentum].forEach((o) => o.dispose());
  });
});
