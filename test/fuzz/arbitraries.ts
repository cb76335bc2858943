// What fuzz cases are made of: recipes for tensors and models in a given state, valid arguments, and the kinds
// of bad value, grouped by what a parameter expects (an integer, a name, a shape, a tensor, an options object).
// Every kind is bad for TF.js 4.22 too (it throws, or silently computes garbage), or is one neurite refuses on
// purpose where TF.js lets it pass: unknown option keys, non-boolean flags, NaN or non-integer hyperparameters,
// values of the wrong type (a string for a number). Values TF.js takes are never offered as bad: null for an
// optional argument (TF.js reads it as the default), 'bool' dtypes, nested arrays where a tensor-like is taken.

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import { type Bad, type Env, type Gen, Recipe, typosOf } from './harness.js';

// ---- kinds of bad value ----

/** A kind whose bad value is one of `values`. */
export function bad(kind: string, ...values: unknown[]): Bad {
  return { kind, value: () => fc.constantFrom(...values) };
}

/** A kind whose bad value is drawn from an arbitrary, possibly made from the valid arguments. */
export function badOf(kind: string, value: Gen | ((valid: unknown[]) => Gen), more: Pick<Bad, 'when' | 'mentions'> = {}): Bad {
  return { kind, value: typeof value === 'function' ? value : () => value, ...more };
}

const TYPES = {
  string: fc.constantFrom('x', '', 'true'),
  boolean: fc.boolean(),
  number: fc.constantFrom(0, 1, 3, -1),
  object: fc.constantFrom({}, { value: 1 }, new Date(0)),
  array: fc.constantFrom([], [1], [[2]]),
  function: fc.constant(() => 1),
};

/**
 * Values of other types than `allowed`; Symbol and BigInt are kinds of their own, as the usual ways a check
 * itself crashes (`${symbol}` throws a TypeError, 3n + 1 too).
 */
export function wrongType(...allowed: Array<keyof typeof TYPES>): Bad[] {
  const others = Object.entries(TYPES).filter(([type]) => !allowed.includes(type as keyof typeof TYPES));
  return [badOf('wrong type', fc.oneof(...others.map(([, gen]) => gen))), bad('Symbol', Symbol('bad')), bad('BigInt', 3n)];
}

/** For required arguments: left out, or null. */
export const missing: Bad[] = [bad('undefined', undefined), bad('null', null)];

/** A finite number in [min, max], an end excluded when open; `accept` lists other types the parameter takes. */
export function number({ min = -Infinity, max = Infinity, minOpen = false, maxOpen = false, accept = [] as Array<keyof typeof TYPES> } = {}): Bad[] {
  const out = [bad('NaN', NaN), bad('Infinity', Infinity, -Infinity)];
  // Half the time the value next to the boundary. The filters drop -0, which equals 0 but fast-check sees below it.
  const beyond = (edge: number, from: number, to: number, isBad: (v: number) => boolean) => fc.oneof(fc.constant(edge), fc.double({ min: from, max: to, noNaN: true }).filter(isBad));
  if (min > -Infinity) out.push(badOf(`below ${min}`, beyond(minOpen ? min : min - 1, min - 1000, min, (v) => (minOpen ? v <= min : v < min))));
  if (max < Infinity) out.push(badOf(`above ${max}`, beyond(maxOpen ? max : max + 1, max, max + 1000, (v) => (maxOpen ? v >= max : v > max))));
  return [...out, ...wrongType('number', ...accept)];
}

/** An integer in [min, max]; `huge` values (past 4 GiB when allocated) where the integer is a size. */
export function integer({ min, max, huge = false }: { min: number; max?: number; huge?: boolean }): Bad[] {
  const out = [
    badOf('non-integer', fc.integer({ min, max: max ?? min + 50 }).map((n) => n + 0.5)),
    bad('NaN', NaN),
    bad('Infinity', Infinity, -Infinity),
    badOf(`below ${min}`, fc.oneof(fc.constant(min - 1), fc.integer({ min: min - 1000, max: min - 1 }))),
  ];
  if (max !== undefined) out.push(badOf(`above ${max}`, fc.oneof(fc.constant(max + 1), fc.integer({ min: max + 1, max: max + 1000 }))));
  if (huge) out.push({ ...bad('huge', 2 ** 31, 1e10), mentions: ['bytes', 'memory', 'GiB', 'GB'] });
  return [...out, ...wrongType('number')];
}

/** A seed: neurite takes integers in [-2^31, 2^32) (TF.js passes anything on to seedrandom). */
export const seed = integer({ min: -(2 ** 31), max: 2 ** 32 - 1 });

/** A flag: anything but true and false. TF.js takes truthy stand-ins ('yes', 1); neurite refuses them on purpose. */
export const flag: Bad[] = [badOf('not a boolean', fc.constantFrom('yes', 'false', '', 1, 0, {}, [])), bad('Symbol', Symbol('bad')), bad('BigInt', 1n)];

/**
 * One of the `valid` names: misspellings and other unknown names, and non-strings. `known` adds names TF.js
 * takes that neurite may not, which are never offered as unknown (compared without case: some lookups ignore it).
 */
export function name(valid: readonly string[], known: readonly string[] = [], accept: Array<keyof typeof TYPES> = []): Bad[] {
  const taken = new Set([...valid, ...known].map((n) => n.toLowerCase()));
  const unknown = [...valid.flatMap(typosOf), '', 'unknown'].filter((n) => !taken.has(n.toLowerCase()));
  return [badOf('unknown name', fc.constantFrom(...unknown)), ...wrongType('string', ...accept)];
}

/** An options object replaced whole; null too where TF.js does not take it for "no options". */
/** Not an options object; null is not among them, since it means "no options" as in TF.js. */
export function notOptions(): Bad[] {
  return [
    badOf('not an object', fc.constantFrom(5, 'x', true, [], () => ({}))),
    badOf('a tensor', fc.constant(tensorR([2], [1, 2]))),
    bad('Symbol', Symbol('bad')),
    bad('BigInt', 3n),
  ];
}

/** A function argument: anything else. */
export const notFunction: Bad[] = [...wrongType('function'), ...missing];

// ---- hostile structures ----

/** An array that contains itself. */
export const circular = new Recipe('a circular array', () => {
  const a: unknown[] = [1];
  a.push(a);
  return a;
});

/** [[[...[1]...]]] 20,000 levels deep: recursion over it overflows the stack. */
export const deep = new Recipe('an array nested 20,000 deep', () => {
  let a: unknown = [1];
  for (let i = 0; i < 20_000; i++) a = [a];
  return a;
});

/** A tensor shape: bad dims, holes, not an array, a hostile array, past the 4 GiB a heap holds. */
export const shape: Bad[] = [
  badOf('negative dim', fc.integer({ min: -5, max: -1 }).map((d) => [2, d])),
  bad('non-integer dim', [2.5], [1, 1.5]),
  bad('NaN dim', [NaN], [2, NaN]),
  bad('Infinity dim', [Infinity], [1, -Infinity]),
  bad('non-number dim', ['2'], [null], [[2]], [undefined]),
  bad('array with holes', [, 2], [2, , 2]),
  bad('past 4 GiB', [1e9, 1e9], [2 ** 31], [65536, 65536]),
  bad('hostile array', circular, deep),
  ...wrongType('array'),
];

/**
 * Not tensor-like values, for ops that take a Tensor or nested arrays of numbers. Booleans are left out
 * (TF.js makes bool tensors of them); strings are in: TF.js makes string tensors, which neurite does not support.
 */
export const notTensorLike: Bad[] = [
  bad('string', 'x', ['a', 'b']),
  bad('non-number elements', [1, 'a'], [{}], [null], [1, undefined], [[1], 'a']),
  bad('ragged', [[1], [1, 2]], [[1, 2], 3]),
  badOf('object', fc.constantFrom({}, { length: 2 }, new Map())),
  bad('hostile array', circular, deep),
  bad('Symbol', Symbol('bad'), [Symbol('bad')]),
  // Only a lone BigInt: TF.js takes arrays of them.
  bad('BigInt', 3n),
  ...missing,
];

/** Not a Tensor at all, where only a Tensor is taken (fit's data, matMul's operands take arrays too: see there). */
export const notTensor: Bad[] = [
  badOf('not a tensor', fc.constantFrom(5, 'x', {}, [[1, 2]], new Float32Array(2), () => 1)),
  bad('Symbol', Symbol('bad')),
  bad('BigInt', 3n),
  ...missing,
];

// ---- tensors ----

export interface TensorInfo {
  shape: number[];
  dtype: 'float32' | 'int32';
}

/** A tensor of the given values, labelled as the TF.js call that makes it. */
export function tensorR(shape: number[], values: number[], dtype: TensorInfo['dtype'] = 'float32'): Recipe<TensorInfo> {
  const label = `tf.tensor(${fc.stringify(values)}, ${fc.stringify(shape)}${dtype === 'int32' ? ", 'int32'" : ''})`;
  return new Recipe(label, (env) => env.tensor(tf.tensor(values, shape, dtype)), { shape, dtype });
}

/** A tensor that was disposed before the call. */
export function disposedR(shape: number[] = [2, 2]): Recipe<TensorInfo> {
  return new Recipe(`a disposed tensor of shape ${fc.stringify(shape)}`, () => {
    const t = tf.zeros(shape);
    t.dispose();
    return t;
  }, { shape, dtype: 'float32' });
}

/** Small values, exact in float32 and short to print. */
export const value = fc.integer({ min: -8, max: 8 }).map((n) => n / 4);

export const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** A float32 tensor of this shape with arbitrary values. */
export function tensorOf(shape: number[], values: Gen<number> = value): Gen<Recipe<TensorInfo>> {
  return fc.array(values, { minLength: size(shape), maxLength: size(shape) }).map((v) => tensorR(shape, v));
}

/** A shape of the given rank with dims 1 to 4. */
export const shapeOf = (rank: number) => fc.array(fc.integer({ min: 1, max: 4 }), { minLength: rank, maxLength: rank });

/** A float32 tensor of rank 0 to 3. */
export const anyTensor = fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => tensorOf(s));

/** Nested arrays of numbers with their shape (rank 0 is a plain number). */
export function nested(shape: number[], values: Gen<number> = value): Gen<unknown> {
  if (shape.length === 0) return values;
  return fc.array(nested(shape.slice(1), values), { minLength: shape[0], maxLength: shape[0] });
}

/** The shape of nested arrays of numbers. */
export function shapeOfNested(values: unknown): number[] {
  const out: number[] = [];
  for (let v = values; Array.isArray(v); v = v[0]) out.push(v.length);
  return out;
}

// ---- models ----

export const LOSSES = ['meanSquaredError', 'meanAbsoluteError', 'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy'] as const;
type LossName = (typeof LOSSES)[number];
export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'adamw', 'rmsprop', 'adagrad'] as const;

/** A small sequential model: dense(hidden, relu)?, dropout?, dense(outputs, the activation that fits the loss). */
export interface ModelSpec {
  inputs: number;
  hidden: number;
  dropout: boolean;
  outputs: number;
  last: string;
  loss: LossName;
  optimizer: (typeof OPTIMIZERS)[number];
}

const LAST: Record<LossName, string[]> = {
  meanSquaredError: ['linear', 'relu', 'tanh'],
  meanAbsoluteError: ['linear', 'sigmoid'],
  binaryCrossentropy: ['sigmoid'],
  categoricalCrossentropy: ['softmax'],
  sparseCategoricalCrossentropy: ['softmax'],
};

export const modelSpec: Gen<ModelSpec> = fc
  .record({
    inputs: fc.integer({ min: 1, max: 4 }),
    hidden: fc.integer({ min: 0, max: 4 }),
    dropout: fc.boolean(),
    outputs: fc.integer({ min: 1, max: 3 }),
    loss: fc.constantFrom(...LOSSES),
    optimizer: fc.constantFrom(...OPTIMIZERS),
    lastChoice: fc.nat(),
  })
  .map(({ lastChoice, ...s }) => ({
    ...s,
    // Class labels need two classes at least.
    outputs: s.loss.includes('ategorical') ? Math.max(2, s.outputs) : s.outputs,
    last: LAST[s.loss][lastChoice % LAST[s.loss].length],
  }));

function optimizerFor(name: ModelSpec['optimizer']): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(0.05);
    case 'momentum':
      return tf.train.momentum(0.05, 0.9);
    case 'adam':
      return tf.train.adam(0.01);
    case 'adamw':
      return tf.train.adamw(0.01);
    case 'rmsprop':
      return tf.train.rmsprop(0.01);
    case 'adagrad':
      return tf.train.adagrad(0.05);
  }
}

/** The layers of a spec, new. */
export function layersOf(spec: ModelSpec): tf.Layer[] {
  const first = { inputShape: [spec.inputs] };
  const layers: tf.Layer[] = [];
  if (spec.hidden > 0) layers.push(tf.layers.dense({ units: spec.hidden, activation: 'relu', ...first }));
  if (spec.dropout) layers.push(tf.layers.dropout({ rate: 0.25, ...(layers.length === 0 ? first : {}) }));
  layers.push(tf.layers.dense({ units: spec.outputs, activation: spec.last, ...(layers.length === 0 ? first : {}) }));
  return layers;
}

/** The shapes of a spec's weights, layer by layer, kernel then bias (its first layer's alone when `first`). */
export function weightShapes(spec: ModelSpec, first = false): number[][] {
  const units = [...(spec.hidden > 0 ? [spec.hidden] : []), spec.outputs];
  const shapes = units.flatMap((n, i) => [[i === 0 ? spec.inputs : units[i - 1], n], [n]]);
  return first ? shapes.slice(0, 2) : shapes;
}

/** What a model is when the call comes. */
export type ModelState = 'new' | 'compiled' | 'built' | 'ready';

/** A model of the spec: 'new' (neither compiled nor built), 'compiled' (not built), 'built' (not compiled), 'ready' (both). */
export function modelR(spec: ModelSpec, state: ModelState = 'ready'): Recipe<ModelSpec> {
  const hidden = spec.hidden > 0 ? `dense(${spec.hidden}, relu) → ` : '';
  const label = `model[${spec.inputs} → ${hidden}${spec.dropout ? 'dropout → ' : ''}dense(${spec.outputs}, ${spec.last}); ${spec.optimizer}, ${spec.loss}; ${state}]`;
  return new Recipe(label, (env) => makeModel(env, spec, state), spec);
}

function makeModel(env: Env, spec: ModelSpec, state: ModelState): tf.Sequential {
  const model = tf.sequential({ layers: layersOf(spec) });
  if (state === 'compiled' || state === 'ready') model.compile({ optimizer: optimizerFor(spec.optimizer), loss: spec.loss });
  if (state === 'built' || state === 'ready') model.build();
  return env.model(model, state === 'built' || state === 'ready', spec.inputs);
}

/** A model of the spec, disposed before the call. */
export function disposedModelR(spec: ModelSpec): Recipe<ModelSpec> {
  return new Recipe('a disposed model', () => {
    const model = tf.sequential({ layers: layersOf(spec) });
    model.compile({ optimizer: optimizerFor(spec.optimizer), loss: spec.loss });
    model.build();
    model.dispose();
    return model;
  }, spec);
}

/** A compiled model in the middle of fit: the first fit waits in onTrainBegin until the case ends. */
export function trainingModelR(spec: ModelSpec): Recipe<ModelSpec> {
  return new Recipe(`${modelR(spec).label} in the middle of fit`, (env) => {
    const model = makeModel(env, spec, 'ready');
    let release = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const [x, y] = exampleData(spec, 4);
    const first = model.fit(x, y, { epochs: 1, verbose: 0, callbacks: { onTrainBegin: () => gate } });
    env.later(async () => {
      release();
      await first.catch((error: Error) => {
        throw new Error(`the fit that was running failed once released: ${error.message}`);
      });
      tf.dispose([x, y]);
    });
    return model;
  }, spec);
}

/** A model with no layers, compiled. */
export const emptyModelR = new Recipe<ModelSpec>('an empty model (no layers), compiled', (env) => {
  const model = tf.sequential();
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return env.model(model, false, null);
});

/** A model whose one layer needs 16 GB of weights: building it must fail cleanly. */
/** Built at add, as TF.js builds, such a layer would be refused there: this one waits for its input shape. */
export const hugeModelR = new Recipe<ModelSpec>('a model of dense({ units: 1e9 }) without an input shape, compiled', (env) => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1e9 })] });
  model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
  return env.model(model, false, null);
});

/** Targets as the loss reads them: values, 0/1, one-hot rows, or int32 class indices. */
function targets(spec: ModelSpec, rows: number): Gen<Recipe<TensorInfo>> {
  const { outputs: n } = spec;
  switch (spec.loss) {
    case 'meanSquaredError':
    case 'meanAbsoluteError':
      return tensorOf([rows, n]);
    case 'binaryCrossentropy':
      return tensorOf([rows, n], fc.constantFrom(0, 1));
    case 'categoricalCrossentropy':
      return fc.array(fc.nat(n - 1), { minLength: rows, maxLength: rows }).map((labels) => tensorR([rows, n], labels.flatMap((l) => Array.from({ length: n }, (_, j) => +(j === l)))));
    case 'sparseCategoricalCrossentropy':
      return fc.array(fc.nat(n - 1), { minLength: rows, maxLength: rows }).map((labels) => tensorR([rows], labels, 'int32'));
  }
}

/** Training data for a model of the spec: x [rows, inputs] and the targets, 1 to 6 rows. */
export function dataFor(spec: ModelSpec): Gen<[Recipe<TensorInfo>, Recipe<TensorInfo>]> {
  return fc.integer({ min: 1, max: 6 }).chain((rows) => fc.tuple(tensorOf([rows, spec.inputs]), targets(spec, rows)));
}

/** Fixed data for a model of the spec (for set-up, not for cases). */
function exampleData(spec: ModelSpec, rows: number): [tf.Tensor, tf.Tensor] {
  const x = tf.ones([rows, spec.inputs]);
  if (spec.loss === 'sparseCategoricalCrossentropy') return [x, tf.zeros([rows], 'int32')];
  return [x, tf.zeros([rows, spec.outputs])];
}

// ---- saved models ----

let saved: tf.ModelArtifacts | null = null;

/** The artifacts neurite saves for a small model (made once), copied so that a case may change them. */
export async function artifacts(): Promise<tf.ModelArtifacts> {
  if (!saved) {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], activation: 'softmax' })] });
    await model.save(
      tf.io.withSaveHandler(async (a) => {
        saved = a;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    model.dispose();
  }
  const { weightData, ...rest } = saved!;
  return { ...structuredClone(rest), weightData: (weightData as ArrayBuffer).slice(0) };
}

/** A load handler for the saved artifacts after `change` (identity: the valid ones). */
export function savedModelR(label: string, change: (a: tf.ModelArtifacts) => void = () => {}): Recipe {
  return new Recipe(label, async () => {
    const a = await artifacts();
    change(a);
    return tf.io.fromMemory(a);
  });
}
