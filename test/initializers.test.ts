// Initializers and constraints against TF.js 4.22: the fans of every rank, each random initializer's sample
// moments against its formula (bounds of 5 standard errors of the sample), seeded draws reproducible, orthogonal
// weights orthonormal and made by TF.js's algorithm, identity exact, getConfig and class names as TF.js gives
// them, names in every form TF.js takes, saved configs rebuilt; constraints' values against TF.js's on fixed
// tensors for several axes, and bad arguments refused. Both backends run the one suite.

import * as tfjs from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import { constraintFromConfig, getConstraint } from '../src/constraints.js';
import { computeFans, getInitializer, initializerFromConfig } from '../src/initializers.js';
import { expectSameAsTfjs } from './reference.js';
import { erfRef, expectClose, onBackend, randomData } from './support.js';

type AnyFactory = (args?: unknown) => { getConfig(): Record<string, unknown>; getClassName(): string };
const ours = tf.initializers as unknown as Record<string, AnyFactory>;
const theirs = tfjs.initializers as unknown as Record<string, AnyFactory>;
const ourConstraints = tf.constraints as unknown as Record<string, AnyFactory>;
const theirConstraints = tfjs.constraints as unknown as Record<string, AnyFactory>;

const prod = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** What TF.js's layers make of an initializer argument (its getInitializer), through a dense layer. */
const tfjsInitializer = (value: unknown) => (tfjs.layers.dense({ units: 1, kernelInitializer: value as never }) as unknown as { kernelInitializer: ReturnType<AnyFactory> }).kernelInitializer;
const tfjsConstraint = (value: unknown) => (tfjs.layers.dense({ units: 1, kernelConstraint: value as never }) as unknown as { kernelConstraint: ReturnType<AnyFactory> }).kernelConstraint;

/** Values of a fresh tensor from initializer.apply, which is disposed. */
function draw(init: unknown, shape: number[]): Float32Array {
  const t = (init as { apply(shape: number[]): tf.Tensor }).apply(shape);
  const values = t.dataSync() as Float32Array;
  t.dispose();
  return values;
}

// ---- the laws the random initializers draw from ----

interface Law {
  lo: number;
  hi: number;
  mean: number;
  variance: number;
  /** E[(x - mean)^4], for the standard error of the sample variance. */
  fourth: number;
  /** The share of values beyond two standard deviations, where the law has some. */
  beyond2?: number;
}

const uniform = (lo: number, hi: number): Law => ({ lo, hi, mean: (lo + hi) / 2, variance: (hi - lo) ** 2 / 12, fourth: (hi - lo) ** 4 / 80 });
const normal = (mean: number, std: number): Law => ({ lo: -Infinity, hi: Infinity, mean, variance: std ** 2, fourth: 3 * std ** 4, beyond2: 1 - erfRef(Math.SQRT2) });
/** A normal redrawn beyond two standard deviations: moments of the standard normal truncated to [-2, 2]. */
function truncated(mean: number, std: number): Law {
  const z = erfRef(Math.SQRT2);
  const phi = Math.exp(-2) / Math.sqrt(2 * Math.PI);
  const v = 1 - (4 * phi) / z; // E[x²] = 1 - 2aφ(a)/Z
  const m4 = 3 * v - (16 * phi) / z; // E[x⁴] = 3E[x²] - 2a³φ(a)/Z
  return { lo: mean - 2 * std, hi: mean + 2 * std, mean, variance: v * std ** 2, fourth: m4 * std ** 4 };
}

function expectLaw(label: string, values: Float32Array, law: Law): void {
  const n = values.length;
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let ss = 0;
  let beyond = 0;
  const slack = 1e-6 * Math.max(Math.abs(law.lo), Math.abs(law.hi), 1);
  for (const v of values) {
    ss += (v - mean) ** 2;
    if (Math.abs(v - law.mean) > 2 * Math.sqrt(law.variance)) beyond++;
    if (!(v >= law.lo - slack && v <= law.hi + slack)) expect.fail(`${label}: ${v} outside [${law.lo}, ${law.hi}]`);
  }
  const variance = ss / n;
  expect(Math.abs(mean - law.mean), `${label}: mean ${mean}, expected ${law.mean}`).toBeLessThan(5 * Math.sqrt(law.variance / n));
  expect(Math.abs(variance - law.variance), `${label}: variance ${variance}, expected ${law.variance}`).toBeLessThan(5 * Math.sqrt((law.fourth - law.variance ** 2) / n));
  if (law.beyond2 !== undefined) {
    const p = law.beyond2;
    expect(Math.abs(beyond / n - p), `${label}: share beyond 2 std ${beyond / n}, expected ${p}`).toBeLessThan(5 * Math.sqrt((p * (1 - p)) / n));
  }
}

// fans: [300, 700] -> 300 in, 700 out (average 500); [5, 5, 64, 128] -> 1600 in, 3200 out (average 2400)
const DENSE = [300, 700];
const CONV = [5, 5, 64, 128];
const STATS: Array<[string, () => unknown, number[], Law]> = [
  ['randomNormal', () => tf.initializers.randomNormal({ mean: 0.5, stddev: 2, seed: 1 }), DENSE, normal(0.5, 2)],
  ['randomNormal defaults', () => tf.initializers.randomNormal({ seed: 2 }), DENSE, normal(0, 0.05)],
  ['randomUniform', () => tf.initializers.randomUniform({ minval: -1, maxval: 3, seed: 3 }), DENSE, uniform(-1, 3)],
  ['randomUniform defaults', () => tf.initializers.randomUniform({ seed: 4 }), CONV, uniform(-0.05, 0.05)],
  ['truncatedNormal', () => tf.initializers.truncatedNormal({ mean: -1, stddev: 0.5, seed: 5 }), DENSE, truncated(-1, 0.5)],
  ['varianceScaling defaults (fanIn, normal)', () => tf.initializers.varianceScaling({ seed: 6 }), CONV, truncated(0, Math.sqrt(1 / 1600))],
  ['varianceScaling fanOut uniform', () => tf.initializers.varianceScaling({ scale: 3, mode: 'fanOut', distribution: 'uniform', seed: 7 }), CONV, uniform(-Math.sqrt(9 / 3200), Math.sqrt(9 / 3200))],
  ['varianceScaling fanAvg normal', () => tf.initializers.varianceScaling({ scale: 2, mode: 'fanAvg', seed: 8 }), DENSE, truncated(0, Math.sqrt(2 / 500))],
  ['varianceScaling truncatedNormal', () => tf.initializers.varianceScaling({ mode: 'fanOut', distribution: 'truncatedNormal', seed: 9 }), DENSE, truncated(0, Math.sqrt(1 / 700))],
  ['varianceScaling untruncatedNormal', () => tf.initializers.varianceScaling({ scale: 4, distribution: 'untruncatedNormal', seed: 10 }), DENSE, normal(0, Math.sqrt(4 / 300))],
  ['glorotUniform', () => tf.initializers.glorotUniform({ seed: 11 }), DENSE, uniform(-Math.sqrt(6 / 1000), Math.sqrt(6 / 1000))],
  ['glorotNormal', () => tf.initializers.glorotNormal({ seed: 12 }), CONV, truncated(0, Math.sqrt(2 / 4800))],
  ['heUniform', () => tf.initializers.heUniform({ seed: 13 }), CONV, uniform(-Math.sqrt(6 / 1600), Math.sqrt(6 / 1600))],
  ['heNormal', () => tf.initializers.heNormal({ seed: 14 }), DENSE, truncated(0, Math.sqrt(2 / 300))],
  ['leCunUniform', () => tf.initializers.leCunUniform({ seed: 15 }), DENSE, uniform(-Math.sqrt(3 / 300), Math.sqrt(3 / 300))],
  ['leCunNormal', () => tf.initializers.leCunNormal({ seed: 16 }), CONV, truncated(0, Math.sqrt(1 / 1600))],
];

// ---- getConfig and class names, per factory and argument set ----

const SEEDED = ['glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform'];
const CONFIG_CASES: Array<[string, unknown]> = [
  ['zeros', undefined],
  ['ones', undefined],
  ['constant', { value: 3 }],
  ['constant', { value: -0.25 }],
  ['randomNormal', {}],
  ['randomNormal', { mean: 1, stddev: 2, seed: 7 }],
  ['truncatedNormal', {}],
  ['truncatedNormal', { mean: -1, stddev: 0.3, seed: 2 }],
  ['randomUniform', {}],
  ['randomUniform', { minval: -2, maxval: 5, seed: 9 }],
  ['identity', {}],
  ['identity', { gain: 2.5 }],
  ['orthogonal', {}],
  ['orthogonal', { gain: 0.5, seed: 4 }],
  ['varianceScaling', {}],
  ['varianceScaling', { scale: 2, mode: 'fanAvg', distribution: 'uniform', seed: 1 }],
  ['varianceScaling', { scale: 0, mode: 'fanOut', distribution: 'truncatedNormal', seed: null }],
  ...SEEDED.flatMap((n): Array<[string, unknown]> => [
    [n, undefined],
    [n, {}],
    [n, { seed: 5 }],
  ]),
];

describe('initializers: the TF.js surface', () => {
  it('tf.initializers and tf.constraints have exactly TF.js\'s factories', () => {
    expect(Object.keys(tf.initializers).sort()).toEqual(Object.keys(tfjs.initializers).sort());
    expect(Object.keys(tf.constraints).sort()).toEqual(Object.keys(tfjs.constraints).sort());
  });

  it.each(CONFIG_CASES)('%s(%o): getConfig and class name as TF.js gives them', (name, args) => {
    const mine = ours[name](args);
    const reference = theirs[name](args);
    expect(mine.getConfig()).toStrictEqual(reference.getConfig());
    expect(mine.getClassName()).toBe(reference.getClassName());
    expect((mine as unknown as tf.Initializer).className).toBe(reference.getClassName());
    // Rebuilt from what TF.js would save (class name and config): the same again.
    expect(initializerFromConfig(reference.getClassName(), reference.getConfig()).getConfig()).toStrictEqual(reference.getConfig());
  });

  it('keeps explicit zeros, which TF.js replaces by the defaults (its `||`)', () => {
    expect(tf.initializers.randomUniform({ minval: 0, maxval: 1 }).getConfig()).toEqual({ minval: 0, maxval: 1, seed: undefined });
    expect(tf.initializers.randomNormal({ stddev: 0 }).getConfig()).toEqual({ mean: 0, stddev: 0, seed: undefined });
    const t = tf.initializers.randomUniform({ minval: 0, maxval: 1, seed: 1 }).apply([1000]);
    expect(t.min().dataSync()[0]).toBeGreaterThanOrEqual(0);
    tf.dispose(t);
  });

  it('computeFans: TF.js\'s rule for ranks 0 to 6', () => {
    expect(computeFans([])).toEqual([1, 1]);
    expect(computeFans([7])).toEqual([Math.sqrt(7), Math.sqrt(7)]);
    expect(computeFans([3, 5])).toEqual([3, 5]);
    expect(computeFans([3, 4, 5])).toEqual([12, 15]);
    expect(computeFans([2, 3, 4, 5])).toEqual([24, 30]);
    expect(computeFans([2, 3, 4, 5, 6])).toEqual([120, 144]);
    expect(computeFans([2, 2, 2, 2, 3, 5])).toEqual([Math.sqrt(240), Math.sqrt(240)]);
  });

  it('computeFans agrees with the fans TF.js draws with (its uniform limits, ranks 1 to 6)', async () => {
    await tfjs.setBackend('cpu');
    for (const shape of [[4096], [64, 96], [5, 32, 48], [3, 3, 24, 40], [2, 3, 3, 16, 24], [2, 2, 2, 2, 16, 16]]) {
      const [fanIn, fanOut] = computeFans(shape);
      for (const [mode, fan] of [['fanIn', fanIn], ['fanOut', fanOut]] as const) {
        const limit = Math.sqrt(3 / fan);
        const t = (tfjs.initializers.varianceScaling({ mode, distribution: 'uniform', seed: 1 }) as unknown as { apply(s: number[]): tfjs.Tensor }).apply(shape);
        const largest = t.abs().max().dataSync()[0];
        t.dispose();
        // Thousands of uniform draws come within a few parts in a thousand of the limit, never past it.
        expect(largest, `[${shape}] ${mode}`).toBeLessThanOrEqual(limit * (1 + 1e-6));
        expect(largest, `[${shape}] ${mode}`).toBeGreaterThan(limit * 0.98);
      }
    }
  });
});

describe.each(['wasm', 'js'] as const)('initializers on %s', (backend) => {
  onBackend(backend);

  it.each(STATS)('%s: sample moments match the formula', (label, make, shape, law) => {
    const values = draw(make(), shape);
    expect(values.length).toBe(prod(shape));
    expectLaw(label, values, law);
  });

  it('zeros, ones, constant and identity give TF.js\'s exact values', async () => {
    for (const shape of [[1], [3, 7], [2, 3, 4], [17]]) {
      await expectSameAsTfjs(`zeros [${shape}]`, (lib) => lib.initializers.zeros().apply(shape), { atol: 0, rtol: 0 });
      await expectSameAsTfjs(`ones [${shape}]`, (lib) => lib.initializers.ones().apply(shape), { atol: 0, rtol: 0 });
      await expectSameAsTfjs(`constant [${shape}]`, (lib) => lib.initializers.constant({ value: -1.75 }).apply(shape), { atol: 0, rtol: 0 });
    }
    for (const n of [1, 3, 17, 64]) {
      for (const gain of [1, 2.5, -0.5]) {
        await expectSameAsTfjs(`identity(${gain}) [${n}, ${n}]`, (lib) => lib.initializers.identity({ gain }).apply([n, n]), { atol: 0, rtol: 0 });
      }
    }
  });

  it('identity takes square matrices only, orthogonal rank 2 or more (TF.js refuses them too)', () => {
    for (const shape of [[2, 3], [3], [2, 2, 2], []]) {
      expect(() => tf.initializers.identity().apply(shape)).toThrow(`identity: shape must be a square matrix [n, n], got [${shape.join(', ')}]`);
      expect(() => tfjs.initializers.identity({}).apply(shape)).toThrow();
    }
    for (const shape of [[5], []]) {
      expect(() => tf.initializers.orthogonal().apply(shape)).toThrow(`orthogonal: shape must have rank 2 or more, got [${shape.join(', ')}]`);
      expect(() => tfjs.initializers.orthogonal({}).apply(shape)).toThrow();
    }
  });

  it('orthogonal: W·Wᵀ = gain²·I for wide weights, Wᵀ·W = gain²·I for tall ones', () => {
    for (const shape of [[1, 1], [3, 7], [7, 3], [17, 17], [2, 3, 5], [4, 65], [65, 4], [63, 64]]) {
      for (const gain of [1, 2]) {
        const w = draw(tf.initializers.orthogonal({ gain, seed: shape.length * 100 + shape[0] }), shape);
        const cols = shape[shape.length - 1];
        const rows = w.length / cols;
        // The Gram matrix of the shorter side's vectors, in f64.
        const [count, length] = rows <= cols ? [rows, cols] : [cols, rows];
        const at = (v: number, i: number) => (rows <= cols ? w[v * cols + i] : w[i * cols + v]);
        for (let a = 0; a < count; a++) {
          for (let b = 0; b < count; b++) {
            let dot = 0;
            for (let i = 0; i < length; i++) dot += at(a, i) * at(b, i);
            const expected = a === b ? gain * gain : 0;
            if (Math.abs(dot - expected) > 1e-5 * gain * gain) expect.fail(`[${shape}] gain ${gain}: Gram[${a}, ${b}] = ${dot}, expected ${expected}`);
          }
        }
      }
    }
  });

  it("orthogonal follows TF.js's algorithm: Q of the normal draws' QR times sign(diag R), transposed when wide", async () => {
    await tfjs.setBackend('cpu');
    for (const [shape, gain] of [[[5, 3], 1], [[3, 5], 2], [[2, 3, 4], 0.5], [[4, 4], 1], [[17, 7], 1]] as Array<[number[], number]>) {
      const seed = 31 + shape[0];
      const cols = shape[shape.length - 1];
      const rows = prod(shape) / cols;
      const [m, k] = [Math.max(rows, cols), Math.min(rows, cols)];
      const mine = draw(tf.initializers.orthogonal({ gain, seed }), shape);
      // The same seeded stream gives the same standard normal matrix.
      const normals = tf.randomNormal([m, k], 0, 1, 'float32', seed);
      const values = normals.dataSync();
      normals.dispose();
      const reference = tfjs.tidy(() => {
        const [q, r] = tfjs.linalg.qr(tfjs.tensor2d(values, [m, k]));
        const diagonal = r.flatten().stridedSlice([0], [k * k], [k + 1]);
        const w = q.mul(diagonal.sign());
        return (rows < cols ? w.transpose() : w).reshape(shape).mul(gain);
      });
      expectClose(mine, reference.dataSync(), { atol: 1e-5, rtol: 0 }, `[${shape}]`);
      reference.dispose();
    }
  });

  it('a seed gives the same values every time; other seeds, other values', () => {
    const makers: Array<(seed: number) => unknown> = [
      (seed) => tf.initializers.randomNormal({ seed }),
      (seed) => tf.initializers.truncatedNormal({ seed }),
      (seed) => tf.initializers.randomUniform({ seed }),
      (seed) => tf.initializers.varianceScaling({ seed, distribution: 'uniform' }),
      (seed) => tf.initializers.orthogonal({ seed }),
      ...SEEDED.map((n) => (seed: number) => ours[n]({ seed })),
    ];
    for (const make of makers) {
      const init = make(42);
      const first = draw(init, [7, 9]);
      expect(draw(init, [7, 9])).toEqual(first);
      expect(draw(make(42), [7, 9])).toEqual(first);
      expect(draw(make(43), [7, 9])).not.toEqual(first);
    }
  });

  it('without a seed: the global stream, reproducible with setSeed', () => {
    const init = tf.initializers.heNormal();
    tf.setSeed(5);
    const first = draw(init, [6, 4]);
    const next = draw(init, [6, 4]);
    expect(next).not.toEqual(first);
    tf.setSeed(5);
    expect(draw(init, [6, 4])).toEqual(first);
  });

  it('bad arguments are refused, naming the call and the argument', () => {
    const cases: Array<[() => unknown, string | RegExp]> = [
      [() => tf.initializers.varianceScaling({ scale: -1 }), 'varianceScaling: scale must be >= 0, got -1'],
      [() => tf.initializers.varianceScaling({ mode: 'fan_in' as never }), /^varianceScaling: mode must be one of "fanIn", "fanOut", "fanAvg", got "fan_in"/],
      [() => tf.initializers.varianceScaling({ distribution: 'gaussian' as never }), /^varianceScaling: distribution must be one of/],
      [() => tf.initializers.glorotUniform({ seed: 1.5 }), /^glorotUniform: seed must be an integer/],
      [() => tf.initializers.heNormal({ sed: 1 } as never), /^heNormal: unknown option "sed" \(did you mean "seed"\?\)/],
      [() => tf.initializers.randomNormal({ stddev: -1 }), 'randomNormal: stddev must be >= 0, got -1'],
      [() => tf.initializers.truncatedNormal({ mean: NaN }), /^truncatedNormal: mean must be a finite number, got NaN/],
      [() => tf.initializers.randomUniform({ maxval: '1' as never }), /^randomUniform: maxval must be a finite number/],
      [() => (tf.initializers.constant as (a?: unknown) => unknown)(), 'constant: value must be a finite number, got undefined'],
      [() => tf.initializers.constant({ value: Infinity }), 'constant: value must be a finite number, got Infinity'],
      [() => tf.initializers.identity({ gain: 'x' as never }), /^identity: gain must be a finite number/],
      [() => tf.initializers.orthogonal({ gain: 1, seed: 2 ** 32 }), /^orthogonal: seed must be an integer in/],
      [() => tf.initializers.orthogonal(5 as never), /^orthogonal: args must be an object, got 5/],
      [() => tf.initializers.zeros().apply([2, -1]), /^apply: shape must be an array of non-negative integers/],
      [() => tf.initializers.ones().apply([2, 2], 'int32' as never), `apply: dtype must be 'float32', got "int32"`],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
  });

  it('dense layers fill their weights from any of them', () => {
    const model = tf.sequential({
      layers: [tf.layers.dense({ units: 3, inputShape: [3], kernelInitializer: 'identity', biasInitializer: tf.initializers.constant({ value: 0.5 }) }), tf.layers.dense({ units: 2, kernelInitializer: 'Orthogonal' })],
    });
    const weights = model.getWeights();
    const [kernel, bias, second] = weights;
    expect(Array.from(kernel.dataSync())).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(Array.from(bias.dataSync())).toEqual([0.5, 0.5, 0.5]);
    const w = second.dataSync();
    // A [3, 2] orthogonal kernel: orthonormal columns.
    expect(Math.abs(w[0] * w[1] + w[2] * w[3] + w[4] * w[5])).toBeLessThan(1e-6);
    expect(Math.abs(w[0] ** 2 + w[2] ** 2 + w[4] ** 2 - 1)).toBeLessThan(1e-6);
    model.dispose();
  });
});

describe('initializers: the same values on both backends', () => {
  afterEach(async () => {
    await tf.setBackend('wasm');
  });
  it('a seeded draw is bit-identical on wasm and js', async () => {
    await tf.ready();
    const values: Float32Array[][] = [];
    for (const backend of ['wasm', 'js'] as const) {
      await tf.setBackend(backend);
      values.push([draw(tf.initializers.heNormal({ seed: 3 }), [9, 17]), draw(tf.initializers.orthogonal({ seed: 3 }), [9, 17]), draw(tf.initializers.randomUniform({ seed: 3 }), [65])]);
    }
    expect(values[1]).toEqual(values[0]);
  });

  it('orthogonal warns when its QR decomposition grows slow (TF.js warns past 2000 elements)', async () => {
    await tf.ready();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      draw(tf.initializers.orthogonal({ seed: 1 }), [64, 64]);
      expect(warn).not.toHaveBeenCalled();
      draw(tf.initializers.orthogonal({ seed: 1 }), [1025, 512]);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/^orthogonal: a weight of shape \[1025, 512\] takes the QR decomposition of a 1025x512 matrix; slowness may result/);
    } finally {
      warn.mockRestore();
    }
  });
});

describe('initializer names and saved configs', () => {
  const ids = Object.keys(tfjs.initializers).filter((n) => n !== 'constant');
  const classNames = ids.map((n) => n[0].toUpperCase() + n.slice(1));

  it.each([...ids, ...classNames])('%s: as TF.js makes it from that name', (name) => {
    const mine = getInitializer('dense', 'kernelInitializer', name);
    const reference = tfjsInitializer(name);
    expect(mine.getConfig()).toStrictEqual(reference.getConfig());
    expect(mine.className).toBe(reference.getClassName());
  });

  it("Keras's names (beyond TF.js): 'glorot_uniform', 'lecun_normal', 'LecunUniform'", () => {
    const pairs: Array<[string, string]> = [
      ['glorot_uniform', 'glorotUniform'],
      ['he_normal', 'heNormal'],
      ['lecun_normal', 'leCunNormal'],
      ['LecunUniform', 'leCunUniform'],
      ['random_normal', 'randomNormal'],
      ['truncated_normal', 'truncatedNormal'],
      ['variance_scaling', 'varianceScaling'],
      ['zeros', 'zeros'],
    ];
    for (const [keras, name] of pairs) expect(getInitializer('dense', 'kernelInitializer', keras).getConfig(), keras).toStrictEqual(tfjsInitializer(name).getConfig());
  });

  it('an Initializer object as it is; { className, config } as TF.js rebuilds it', () => {
    const init = tf.initializers.orthogonal({ gain: 3 });
    expect(getInitializer('dense', 'kernelInitializer', init)).toBe(init);
    const serialized: Array<{ className: string; config: Record<string, unknown> }> = [
      { className: 'VarianceScaling', config: { scale: 2, mode: 'fanOut', distribution: 'uniform', seed: 3 } },
      { className: 'GlorotUniform', config: { seed: 4 } },
      { className: 'Constant', config: { value: 2 } },
      { className: 'RandomUniform', config: {} },
      { className: 'Orthogonal', config: { gain: 2 } },
      { className: 'Identity', config: {} },
      { className: 'TruncatedNormal', config: { stddev: 0.2, seed: 1 } },
    ];
    for (const s of serialized) {
      const reference = tfjsInitializer(structuredClone(s));
      const mine = getInitializer('dense', 'kernelInitializer', s);
      expect(mine.getConfig(), s.className).toStrictEqual(reference.getConfig());
      expect(mine.className).toBe(reference.getClassName());
    }
  });

  it('a model TF.js saved with each of them loads with the same initializers', async () => {
    await tf.ready();
    const made = [
      tfjs.initializers.orthogonal({ gain: 1.5, seed: 2 }),
      tfjs.initializers.identity({ gain: 0.5 }),
      tfjs.initializers.constant({ value: 0.25 }),
      tfjs.initializers.truncatedNormal({ stddev: 0.1, seed: 3 }),
      tfjs.initializers.varianceScaling({ scale: 2, mode: 'fanAvg', distribution: 'truncatedNormal' }),
      tfjs.initializers.leCunUniform({ seed: 4 }),
      tfjs.initializers.ones(),
    ];
    const theirs = tfjs.sequential({ layers: made.map((kernelInitializer, i) => tfjs.layers.dense({ units: 4, kernelInitializer, ...(i === 0 ? { inputShape: [4] } : {}) })) });
    let artifacts: tfjs.io.ModelArtifacts | undefined;
    await theirs.save(tfjs.io.withSaveHandler(async (a) => ((artifacts = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts as never));
    const reloaded = await tfjs.loadLayersModel(tfjs.io.fromMemory(artifacts!));
    model.layers.forEach((layer, i) => {
      const init = (layer as tf.Dense).kernelInitializer;
      const reference = (reloaded.layers[i] as unknown as { kernelInitializer: ReturnType<AnyFactory> }).kernelInitializer;
      expect(init.getConfig(), `layer ${i}`).toStrictEqual(reference.getConfig());
      expect(init.className).toBe(made[i].getClassName());
    });
    model.dispose();
    theirs.dispose();
    reloaded.dispose();
  });

  it('unknown names are refused with a did-you-mean, other values with what is expected', () => {
    const get = (v: unknown) => () => getInitializer('dense', 'kernelInitializer', v);
    expect(get('glorotUnifrom')).toThrow('dense: kernelInitializer: unsupported initializer "glorotUnifrom" (did you mean "glorotUniform"?)');
    expect(get('he_normall')).toThrow(/did you mean "heNormal"\?/);
    expect(get('Orthogonl')).toThrow(/did you mean "orthogonal"\?/);
    expect(get('nothingLikeIt')).toThrow(/unsupported initializer "nothingLikeIt"; expected one of: zeros, ones, constant/);
    expect(get('constant')).toThrow('dense: kernelInitializer: constant: value must be a finite number, got undefined');
    expect(get({})).toThrow(/^dense: kernelInitializer \{\} is not an initializer; expected a name such as 'glorotUniform'/);
    expect(get(5)).toThrow(/^dense: kernelInitializer 5 is not an initializer/);
    expect(get({ className: 'Zeros', config: 5 })).toThrow('dense: kernelInitializer.config must be an object, got 5');
    expect(get({ className: 'VarianceScaling', config: { mode: 'fan_in' } })).toThrow(/^dense: kernelInitializer: varianceScaling: mode must be one of/);
    expect(get({ className: 'MaxNorm', config: {} })).toThrow(/unsupported initializer "MaxNorm"/);
  });
});

describe.each(['wasm', 'js'] as const)('constraints on %s', (backend) => {
  onBackend(backend);

  /** Fixed weights whose slices along the last axis have norms from 0 (all zeros) to about 9. */
  function weights(shape: number[], lib: typeof tf): tf.Tensor {
    const cols = shape[shape.length - 1];
    const factors = [0, 0.1, 0.6, 1, 2.5, 6];
    const values = Array.from(randomData(prod(shape), 5, -1, 1), (v, i) => v * factors[(i % cols) % factors.length]);
    return lib.tensor(values, shape);
  }

  const CASES: Array<[string, number[], (lib: typeof tf) => tf.Constraint]> = [];
  for (const [shape, axes] of [
    [[4, 6], [0, 1, -1, [0, 1]]],
    [[2, 3, 6], [0, 1, 2, -2, [0, 1], [1, 2]]],
  ] as Array<[number[], Array<number | number[]>]>) {
    for (const axis of axes) {
      CASES.push([`maxNorm(1.5) axis ${axis}`, shape, (lib) => lib.constraints.maxNorm({ maxValue: 1.5, axis })]);
      CASES.push([`unitNorm axis ${axis}`, shape, (lib) => lib.constraints.unitNorm({ axis })]);
      CASES.push([`minMaxNorm(0.5, 1.2, 0.7) axis ${axis}`, shape, (lib) => lib.constraints.minMaxNorm({ minValue: 0.5, maxValue: 1.2, rate: 0.7, axis })]);
    }
    CASES.push(['maxNorm defaults', shape, (lib) => lib.constraints.maxNorm({})]);
    CASES.push(['unitNorm defaults', shape, (lib) => lib.constraints.unitNorm({})]);
    CASES.push(['minMaxNorm defaults', shape, (lib) => lib.constraints.minMaxNorm({})]);
    CASES.push(['nonNeg', shape, (lib) => lib.constraints.nonNeg()]);
  }

  it.each(CASES)('%s on [%s]: the values TF.js gives', async (label, shape, make) => {
    await expectSameAsTfjs(label, (lib) => make(lib).apply(weights(shape, lib)), { atol: 1e-6, rtol: 0 });
  });

  it('getConfig, class names and the rebuilt constraint as TF.js gives them', () => {
    const cases: Array<[string, unknown]> = [
      ['maxNorm', {}],
      ['maxNorm', { maxValue: 3, axis: 1 }],
      ['unitNorm', {}],
      ['unitNorm', { axis: [0, 1] }],
      ['nonNeg', undefined],
      ['minMaxNorm', {}],
      ['minMaxNorm', { minValue: 0.5, maxValue: 2, rate: 0.3, axis: -1 }],
    ];
    for (const [name, args] of cases) {
      const mine = ourConstraints[name](args);
      const reference = theirConstraints[name](args);
      expect(mine.getConfig(), name).toStrictEqual(reference.getConfig());
      expect(mine.getClassName()).toBe(reference.getClassName());
      expect((mine as unknown as tf.Constraint).className).toBe(reference.getClassName());
      expect(constraintFromConfig(reference.getClassName(), reference.getConfig()).getConfig()).toStrictEqual(reference.getConfig());
    }
  });

  it('names in every form TF.js takes (and Keras\'s), objects, { className, config }; none for null', () => {
    for (const name of ['maxNorm', 'unitNorm', 'nonNeg', 'minMaxNorm', 'MaxNorm', 'UnitNorm', 'NonNeg', 'MinMaxNorm']) {
      const mine = getConstraint('dense', 'kernelConstraint', name)!;
      const reference = tfjsConstraint(name);
      expect(mine.getConfig(), name).toStrictEqual(reference.getConfig());
      expect(mine.className).toBe(reference.getClassName());
    }
    for (const [keras, name] of [['max_norm', 'maxNorm'], ['unit_norm', 'unitNorm'], ['non_neg', 'nonNeg'], ['min_max_norm', 'minMaxNorm']]) {
      expect(getConstraint('dense', 'kernelConstraint', keras)!.getConfig()).toStrictEqual(tfjsConstraint(name).getConfig());
    }
    const serialized = { className: 'MinMaxNorm', config: { minValue: 0.2, maxValue: 3, rate: 0.5, axis: 1 } };
    expect(getConstraint('dense', 'kernelConstraint', serialized)!.getConfig()).toStrictEqual(tfjsConstraint(structuredClone(serialized)).getConfig());
    const object = tf.constraints.nonNeg();
    expect(getConstraint('dense', 'kernelConstraint', object)).toBe(object);
    expect(getConstraint('dense', 'kernelConstraint', null)).toBeNull();
    expect(getConstraint('dense', 'kernelConstraint', undefined)).toBeNull();
  });

  it('bad arguments are refused, naming the call and the argument', () => {
    const w = tf.tensor2d([[1, 2], [3, 4]]);
    const disposed = tf.tensor1d([1]);
    disposed.dispose();
    const ints = tf.tensor1d([1, 2], 'int32');
    const cases: Array<[() => unknown, string | RegExp]> = [
      [() => tf.constraints.maxNorm({ maxValue: -1 }), 'maxNorm: maxValue must be >= 0, got -1'],
      [() => tf.constraints.maxNorm({ axis: 1.5 }), 'maxNorm: axis must be an integer or an array of integers, got 1.5'],
      [() => tf.constraints.unitNorm({ axis: [0, '1'] as never }), /^unitNorm: axis must be an integer or an array of integers/],
      [() => tf.constraints.maxNorm({ maxVal: 1 } as never), /^maxNorm: unknown option "maxVal" \(did you mean "maxValue"\?\)/],
      [() => tf.constraints.minMaxNorm({ minValue: 2, maxValue: 1 }), 'minMaxNorm: config.minValue must be <= config.maxValue, got 2 and 1'],
      [() => tf.constraints.minMaxNorm({ rate: 1.5 }), 'minMaxNorm: config.rate must be in [0, 1], got 1.5'],
      [() => tf.constraints.minMaxNorm({ minValue: NaN }), /^minMaxNorm: config.minValue must be a finite number/],
      [() => tf.constraints.maxNorm({ axis: 2 }).apply(w), /^maxNorm: axis 2 is out of range for a tensor of rank 2/],
      [() => tf.constraints.minMaxNorm({ axis: [0, -2] }).apply(w), /^minMaxNorm: axis \[0,-2\] repeats an axis/],
      [() => tf.constraints.unitNorm().apply('x' as never), /^unitNorm: w must be a Tensor, got "x"/],
      [() => tf.constraints.nonNeg().apply(disposed), 'nonNeg: w is disposed'],
      [() => tf.constraints.maxNorm().apply(ints), 'maxNorm: w must have dtype float32, got int32'],
      [() => getConstraint('dense', 'kernelConstraint', 'maxnrom'), 'dense: kernelConstraint: unsupported constraint "maxnrom" (did you mean "maxNorm"?)'],
      [() => getConstraint('dense', 'kernelConstraint', 3), /^dense: kernelConstraint 3 is not a constraint; expected a name such as 'maxNorm'/],
      [() => getConstraint('dense', 'kernelConstraint', tf.initializers.zeros()), /^dense: kernelConstraint: unsupported constraint "Zeros"/],
      [() => getInitializer('dense', 'kernelInitializer', tf.constraints.nonNeg()), /^dense: kernelInitializer: unsupported initializer "NonNeg"/],
      [() => getConstraint('dense', 'kernelConstraint', { className: 'MaxNorm', config: { maxValue: -2 } }), 'dense: kernelConstraint: maxNorm: maxValue must be >= 0, got -2'],
    ];
    for (const [call, message] of cases) expect(call).toThrow(message);
    tf.dispose([w, ints]);
  });
});
