// The catalogue: every public call, its parameters (TF.js's names), valid arguments and the kinds of bad value
// each parameter or option can take. To cover a new public function, add one entry: its name as users write it,
// its parameters in order (a method's first is the object it is called on), each with valid values and kinds
// of bad value (from arbitraries.ts, or written out), and the call. When valid arguments depend on each other
// (data that fits a model), the entry makes them together in `args` and a kind can use them to build its value.
// harness.ts turns each entry into cases; each option key and an extra positional argument get cases of their own.

import fc from 'fast-check';
import * as tf from '../../src/index.js';
import {
  LOSSES,
  type ModelSpec,
  type ModelState,
  type TensorInfo,
  OPTIMIZERS,
  anyTensor,
  artifacts,
  bad,
  badOf,
  circular,
  dataFor,
  deep,
  disposedModelR,
  disposedR,
  emptyModelR,
  flag,
  hugeModelR,
  integer,
  layersOf,
  missing,
  modelR,
  modelSpec,
  name,
  nested,
  notFunction,
  notOptions,
  notTensor,
  notTensorLike,
  number,
  savedModelR,
  seed,
  shape,
  shapeOf,
  shapeOfNested,
  size,
  tensorOf,
  tensorR,
  trainingModelR,
  value,
  weightShapes,
  wrongType,
} from './arbitraries.js';
import { type Bad, type Entry, type Gen, type Param, Recipe } from './harness.js';
import { binaryEntries } from './ops-binary.js';
import { unaryEntries } from './ops-unary.js';
import { matrixEntries } from './ops-matrix.js';
import { convEntries } from './ops-conv.js';
import { layoutEntries } from './ops-layout.js';
import { reduceEntries } from './ops-reduce.js';
import { searchEntries } from './ops-search.js';
import { lossMetricEntries } from './losses-metrics.js';
import { dataEntries } from './data.js';
import { initEntries } from './init.js';

// ---- names TF.js takes (never offered as unknown) ----

const ACTIVATIONS = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus', 'gelu', 'swish'];
const TFJS_ACTIVATIONS = ['hardSigmoid', 'relu6', 'softsign', 'mish', 'gelu_new'];
const INITIALIZERS = ['glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform', 'varianceScaling', 'zeros', 'ones', 'randomNormal', 'randomUniform'];
const TFJS_INITIALIZERS = ['constant', 'identity', 'orthogonal', 'truncatedNormal'].concat(INITIALIZERS.map((n) => n.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)));
const LOSS_ALIASES = ['mse', 'mae', 'mean_squared_error', 'mean_absolute_error', 'binary_crossentropy', 'categorical_crossentropy', 'sparse_categorical_crossentropy'];
/** The Layers API's losses beyond the kernel ones (ops/metrics.ts), with their aliases. */
const LAYERS_LOSSES = ['meanAbsolutePercentageError', 'meanSquaredLogarithmicError', 'squaredHinge', 'hinge', 'categoricalHinge', 'logcosh', 'kullbackLeiblerDivergence', 'poisson', 'cosineProximity', 'mape', 'msle', 'kld', 'cosine'];
const OPTIMIZER_NAMES = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'];
const TFJS_OPTIMIZERS = ['adadelta', 'adamax', 'momentum'];
const LAYER_TFJS_KEYS = ['batchSize', 'dtype', 'weights', 'inputDType'];

// ---- shared parameters and kinds ----

const DTYPES = [
  badOf('unknown dtype', fc.constantFrom('float64', 'int8', 'float', 'int', 'Float32', '')),
  // Out of scope (API.md): an Error that says so, never a tensor of something else.
  bad('unsupported dtype', 'string', 'complex64'),
  ...wrongType('string'),
];

const dtype = (valid: Gen = fc.constantFrom(undefined, 'float32'), extra: Bad[] = []): Param => ({ name: 'dtype', valid, bad: [...DTYPES, ...extra] });

const shapeParam: Param = { name: 'shape', valid: fc.integer({ min: 0, max: 3 }).chain(shapeOf), bad: [...shape, ...missing] };

const disposed = badOf('disposed tensor', fc.constant(disposedR()), { mentions: ['disposed'] });

/** A tensor, or values TF.js turns into one. */
const tensorLike = fc.integer({ min: 0, max: 3 }).chain(shapeOf).chain((s) => fc.oneof(tensorOf(s), nested(s)));

/** What a Tensor method is called on. */
const selfTensor = (valid: Gen = anyTensor): Param => ({ name: 'tensor', valid, bad: [disposed] });

const infoOf = <I>(r: unknown): I => (r as Recipe<I>).info as I;
const specOf = (valid: unknown[]) => infoOf<ModelSpec>(valid[0]);
const rowsOf = (valid: unknown[]) => infoOf<TensorInfo>(valid[1]).shape[0];
const sparse = (valid: unknown[]) => specOf(valid).loss === 'sparseCategoricalCrossentropy';
const shapeOfArg = (v: unknown) => (v instanceof Recipe ? infoOf<TensorInfo>(v).shape : shapeOfNested(v));

/**
 * TF.js's rule for nested values given with a shape of the same size (tfjs-core's makeTensor): every inferred
 * dim matches, except that the innermost may stand for the given dims from there on ([[1], [2]] fits [2]).
 */
const layoutFits = (inferred: number[], given: number[]) => inferred.every((d, i) => d === given[i] || (i === inferred.length - 1 && d === size(given.slice(i))));

/** A tensor of this shape with one value made NaN or ±Infinity. */
const nonFinite = (shape: number[]) =>
  fc.tuple(fc.nat(size(shape) - 1), fc.constantFrom(NaN, Infinity, -Infinity)).map(([i, v]) => tensorR(shape, Array.from({ length: size(shape) }, (_, j) => (j === i ? v : 0.5))));

// ---- models and their data ----

/** The model a method is called on, in states the method refuses. */
const MODEL = {
  disposed: badOf('disposed model', (v) => fc.constant(disposedModelR(specOf(v))), { mentions: ['disposed'] }),
  uncompiled: badOf('not compiled', (v) => fc.constant(modelR(specOf(v), 'built')), { mentions: ['compile', 'compiled'] }),
  training: badOf('in the middle of fit', (v) => fc.constant(trainingModelR(specOf(v))), { mentions: ['fit', 'training', 'running'] }),
  empty: badOf('no layers', fc.constant(emptyModelR), { mentions: ['layers', 'layer'] }),
  huge: badOf('weights past 4 GiB', fc.constant(hugeModelR), { mentions: ['memory', 'bytes', 'GiB', 'GB', 'units'] }),
  noInputShape: badOf('first layer without inputShape', fc.constant(new Recipe('tf.sequential({ layers: [tf.layers.dense({ units: 2 })] })', (env) => env.model(tf.sequential({ layers: [tf.layers.dense({ units: 2 })] }), false, null))), {
    mentions: ['inputShape', 'built', 'width'],
  }),
};

const model = (...refused: Bad[]): Param => ({ name: 'model', bad: refused });

/** [model, ...rest] for a random model in `state`. */
function withModel(state: ModelState, rest: (spec: ModelSpec) => Gen<unknown[]> = () => fc.constant([])): Gen<unknown[]> {
  return modelSpec.chain((spec) => rest(spec).map((args) => [modelR(spec, state), ...args]));
}

/** [model, x, y, ...rest]: a model in `state` and data that fits it. */
function withData(state: ModelState, rest: (rows: number) => Gen<unknown[]> = () => fc.constant([])): Gen<unknown[]> {
  return withModel(state, (spec) => dataFor(spec).chain(([x, y]) => rest(infoOf<TensorInfo>(x).shape[0]).map((more) => [x, y, ...more])));
}

/** Bad x for a model: the args hold the model at 0 and valid x at 1. `training`: NaN values too (API.md). */
function xKinds({ training = false, empty = true } = {}): Bad[] {
  const inputs = (v: unknown[]) => specOf(v).inputs;
  const out = [
    badOf('wrong feature count', (v) => tensorOf([rowsOf(v), inputs(v) + 1])),
    badOf('rank 1', (v) => tensorOf([rowsOf(v) * inputs(v)])),
    badOf('rank 3', (v) => tensorOf([rowsOf(v), 1, inputs(v)])),
    badOf('disposed tensor', (v) => fc.constant(disposedR([rowsOf(v), inputs(v)])), { mentions: ['disposed'] }),
    ...notTensor,
  ];
  if (empty) out.push(badOf('no samples', (v) => fc.constant(tensorR([0, inputs(v)], []))));
  if (training) out.push(badOf('NaN or Infinity values', (v) => nonFinite([rowsOf(v), inputs(v)])));
  return out;
}

/** Bad targets for a model: the args hold the model at 0, x at 1. */
function yKinds({ training = false } = {}): Bad[] {
  const outputs = (v: unknown[]) => specOf(v).outputs;
  const notSparse = (v: unknown[]) => !sparse(v);
  return [
    badOf('wrong sample count', (v) => tensorOf(sparse(v) ? [rowsOf(v) + 1] : [rowsOf(v) + 1, outputs(v)])),
    badOf('wrong width', (v) => tensorOf(sparse(v) ? [rowsOf(v), 2] : [rowsOf(v), outputs(v) + 1])),
    badOf('class index out of range', (v) => fc.constantFrom(-1, outputs(v)).map((l) => tensorR([rowsOf(v)], Array(rowsOf(v)).fill(l), 'int32')), { when: sparse }),
    badOf('non-integer class index', (v) => fc.constant(tensorR([rowsOf(v)], Array(rowsOf(v)).fill(0.5))), { when: sparse }),
    ...(training ? [badOf('NaN or Infinity values', (v) => nonFinite([rowsOf(v), outputs(v)]), { when: notSparse })] : []),
    badOf('disposed tensor', (v) => fc.constant(disposedR([rowsOf(v), outputs(v)])), { mentions: ['disposed'] }),
    // Apart from plain undefined (in notTensor), so that every run tries it with class labels too.
    badOf('undefined, for a sparse loss', fc.constant(undefined), { when: sparse }),
    ...notTensor,
  ];
}

const x = (training = false, empty = true): Param => ({ name: 'x', bad: xKinds({ training, empty }) });
const y = (training = false): Param => ({ name: 'y', bad: yKinds({ training }) });

/** The data of the args (recipes of x and y) as a dataset of one { xs, ys } batch. */
function oneBatch(xs: unknown, ys: unknown): Recipe<unknown> {
  const make = (r: unknown, env: Parameters<Recipe['make']>[0], made: unknown[]) => (r as Recipe).make(env, made);
  return new Recipe('a dataset of one { xs, ys } batch', (env, made) => tf.data.array([{ xs: make(xs, env, made), ys: make(ys, env, made) }] as never));
}

/** Datasets fitDataset and evaluateDataset refuse: not datasets, elements not { xs, ys } batches, x that does not fit. */
const DATASET_KINDS: Bad[] = [
  badOf('not a dataset', fc.constantFrom<unknown>(5, 'x', [1], {})),
  ...missing,
  badOf('elements not { xs, ys }', fc.constant(new Recipe('tf.data.array([1, 2])', () => tf.data.array([1, 2]))), { mentions: ['element'] }),
  badOf('x of the wrong width', (v) => fc.constant(new Recipe('a batch of x one feature too wide', () => tf.data.array([{ xs: tf.ones([2, specOf(v).inputs + 1]), ys: tf.zeros([2, specOf(v).outputs]) }] as never))), { mentions: ['element'] }),
];

/** Things that are not a layer a model can take. */
const notLayer: Bad[] = [
  bad('fake layer object', {}, { name: 'fake' }, { name: 'fake', forward() {}, outputDim: () => 2 }),
  badOf('a model', (v) => fc.constant(modelR(specOf(v), 'new')), { mentions: ['model'] }),
  ...wrongType(),
  ...missing,
];

const LAYER_KEYS: Record<string, Bad[]> = {
  name: [badOf('not a string', fc.constantFrom(5, {}, [])), bad('Symbol', Symbol('bad'))],
  inputShape: [
    bad('width not positive', [0], [-3]),
    bad('non-integer width', [1.5]),
    bad('NaN width', [NaN]),
    badOf('not a shape', fc.constantFrom(5, 'x', {})),
    bad('hostile array', circular, deep),
  ],
  inputDim: integer({ min: 1 }),
  batchInputShape: [bad('width not positive', [null, 0], [null, -3]), bad('non-integer width', [null, 1.5]), badOf('not a shape', fc.constantFrom(5, 'x', {}))],
  trainable: flag,
};

/** A layer factory's args: required unless `optional` (then TF.js also takes null for none). */
const CONSTRAINTS = ['maxNorm', 'minMaxNorm', 'nonNeg', 'unitNorm'];
const TFJS_CONSTRAINTS = ['MaxNorm', 'MinMaxNorm', 'NonNeg', 'UnitNorm', 'max_norm', 'min_max_norm', 'non_neg', 'unit_norm'];
const CLASS_WEIGHT: Bad[] = [
  bad('keys not class indices', { first: 1 }, { '-1': 1 }, { '0.5': 1 }),
  bad('weights not numbers >= 0', { 0: -1 }, { 0: NaN }, { 0: 'x' }),
  bad('no classes', {}),
  ...wrongType('object'),
];
const NOISE_SHAPE: Bad[] = [bad('zero size', [0]), bad('not sizes', [0.5], ['x']), ...wrongType('array')];

function layerArgs(valid: Gen, keys: Record<string, Bad[]>, { optional = false, tfjs = [] as string[] } = {}): Param {
  return {
    name: 'args',
    valid,
    bad: optional ? notOptions() : [...notOptions(), bad('undefined', undefined)],
    options: { keys: { ...keys, ...LAYER_KEYS }, tfjs: [...LAYER_TFJS_KEYS, ...tfjs] },
  };
}

/** Valid args with some of the layer keys. */
const layerKeys = {
  name: fc.constantFrom('first', 'my_layer'),
  inputShape: fc.integer({ min: 1, max: 4 }).map((n) => [n]),
  trainable: fc.boolean(),
};

// ---- weights ----

/**
 * The weights setWeights takes for the model or layer at args[0] (of the spec in its recipe's info; `first`:
 * its first layer's), as the valid value, and changed in the ways setWeights refuses.
 */
function weightsParam(first: boolean): Param {
  // change() gets new weights of the right shapes and returns the list to pass; its tensors belong to the case.
  type Change = (w: tf.Tensor[], keep: (t: tf.Tensor) => tf.Tensor) => unknown;
  const weights = (label: string, change: Change) => (v: unknown[]) =>
    fc.constant(new Recipe(label, (env) => change(weightShapes(specOf(v), first).map((s) => env.tensor(tf.ones(s))), (t) => env.tensor(t))));
  const kind = (label: string, change: Change) => badOf(label, weights(label, change), { mentions: ['tensors', 'weight', 'kernel', 'bias'] });
  return {
    name: 'weights',
    bad: [
      kind('one weight too few', (w) => w.slice(1)),
      kind('one weight too many', (w) => [...w, w[0]]),
      kind('a weight of the wrong shape', (w, keep) => [keep(tf.zeros(w[0].shape.map((d, i) => (i === 0 ? d + 1 : d)))), ...w.slice(1)]),
      kind('an int32 weight', (w, keep) => [keep(tf.zeros(w[0].shape, 'int32')), ...w.slice(1)]),
      kind('a disposed weight', (w) => {
        const d = tf.zeros(w[0].shape);
        d.dispose();
        return [d, ...w.slice(1)];
      }),
      kind('not a tensor in the list', (w) => [w[0].arraySync(), ...w.slice(1)]),
      badOf('not a list', fc.constantFrom(5, 'x', {}), { mentions: ['tensors'] }),
      ...missing.map((b) => ({ ...b, mentions: ['tensors'] })),
    ],
  };
}

/** Weights of the shapes a model of the spec takes (or its first dense layer, when `first`). */
const weightsR = (spec: ModelSpec, first: boolean) => new Recipe('its own weights', (env) => weightShapes(spec, first).map((s) => env.tensor(tf.ones(s))));

/** The first dense layer of a built model of the spec. */
const layerR = (spec: ModelSpec) =>
  new Recipe(`the first dense layer of ${modelR(spec).label}`, (env) => {
    const m = tf.sequential({ layers: layersOf(spec) });
    m.build();
    env.model(m, true, spec.inputs);
    return m.layers.find((l) => l instanceof tf.Dense);
  }, spec);

// ---- optimizers ----

const rate = (required: boolean): Param => ({
  name: 'learningRate',
  valid: fc.constantFrom(0.01, 0.5, 0, (step: number) => 0.1 / (1 + step)),
  // A function is a schedule.
  bad: [...number({ min: 0, accept: ['function'] }), ...(required ? missing : [])],
});
const nonNegative = (n: string, valid: Gen, required = false): Param => ({ name: n, valid, bad: [...number({ min: 0 }), ...(required ? missing : [])] });
const fraction = (n: string, valid: Gen): Param => ({ name: n, valid, bad: number({ min: 0, max: 1, maxOpen: true }) });

/** Sets a property of a trained model's optimizer, then fits: the value must be refused when set or when used. */
function optimizerProperty(property: 'learningRate' | 'clipNorm', valid: Gen, kinds: Bad[]): Entry {
  return {
    name: `optimizer.${property}`,
    show: ([m, xs, ys, v]) => `${m}.optimizer.${property} = ${v}; await ${m}.fit(${xs}, ${ys}, { epochs: 1, batchSize: 2, verbose: 0 })`,
    prefixes: ['fit', property, 'optimizer', ...OPTIMIZERS, 'SGDOptimizer', 'MomentumOptimizer', 'AdamOptimizer', 'RMSPropOptimizer', 'AdagradOptimizer'],
    async: true,
    params: [{ name: 'model' }, { name: 'x' }, { name: 'y' }, { name: property, bad: kinds }],
    args: withData('ready', () => valid.map((v) => [v])),
    call: async (m: tf.Sequential, xs: tf.Tensor, ys: tf.Tensor, v: unknown) => {
      (m.optimizer as unknown as Record<string, unknown>)[property] = v;
      await m.fit(xs, ys, { epochs: 1, batchSize: 2, verbose: 0 });
    },
  };
}

// ---- initializers and regularizers ----

const SEEDED = ['glorotUniform', 'glorotNormal', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform'] as const;

function initializer(n: string, keys: Record<string, Bad[]>, valid: Gen): Entry {
  return {
    name: `tf.initializers.${n}`,
    params: [{ name: 'args', valid, bad: notOptions(), options: { keys } }],
    call: (a) => (tf.initializers as unknown as Record<string, (a: unknown) => unknown>)[n](a),
  };
}

function regularizer(n: 'l1' | 'l2' | 'l1l2', keys: string[]): Entry {
  return {
    name: `tf.regularizers.${n}`,
    params: [{ name: 'config', valid: fc.constantFrom(undefined, {}, Object.fromEntries(keys.map((k) => [k, 0.01]))), bad: notOptions(), options: { keys: Object.fromEntries(keys.map((k) => [k, number({ min: 0 })])) } }],
    call: (a) => tf.regularizers[n](a),
  };
}

// ---- loading ----

/** What a message about a bad URL or handler may name: the URL, the scheme, the handler. */
const URLS = ['URL', 'url', 'scheme', 'handler', 'IOHandler', 'pathOrIOHandler', 'handlerOrURL', 'file', 'localstorage', 'indexeddb', 'downloads', 'ftp', 'gopher'];

/** Saved artifacts changed in a way loadLayersModel must refuse; `mentions` is what is wrong in them. */
const hostile = (kind: string, mentions: string[], ...changes: Array<[string, (a: tf.ModelArtifacts) => void]>): Bad =>
  badOf(kind, fc.constantFrom(...changes.map(([label, change]) => savedModelR(`tf.io.fromMemory(saved artifacts with ${label})`, change))), { mentions });

const layer0 = (a: tf.ModelArtifacts) => (a.modelTopology as { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } }).config.layers[0];
const specs = (a: tf.ModelArtifacts) => a.weightSpecs!;

const LOAD_KINDS: Bad[] = [
  bad('unknown URL scheme', 'ftp://host/model.json', 'gopher://m'),
  bad('URL with nothing after the scheme', '', 'file://', 'localstorage://', 'indexeddb://'),
  bad('save-only or browser-only scheme', 'downloads://m', 'localstorage://m', 'indexeddb://m'),
  badOf('missing file', fc.constantFrom('file:///nonexistent/model.json', 'file://./nonexistent-dir'), { mentions: ['file', 'model.json', 'read'] }),
  badOf('relative URL in Node', fc.constant('model.json'), { mentions: ['model.json', 'fetch', 'fetching'] }),
  bad('handler without load', {}, { save: async () => ({}) }, { load: 5 }),
  hostile(
    'malformed topology',
    ['modelTopology', 'topology', 'config', 'layers', 'class_name'],
    ['modelTopology: 5', (a) => (a.modelTopology = 5 as never)],
    ['modelTopology: null', (a) => (a.modelTopology = null as never)],
    ['modelTopology: {}', (a) => (a.modelTopology = {})],
    ['config.layers: 5', (a) => ((a.modelTopology as { config: { layers: unknown } }).config.layers = 5)],
  ),
  hostile(
    'unknown class',
    ['class_name', 'class', 'NoSuchModel', 'NoSuchLayer', 'NoSuchInitializer', 'initializer', 'layer'],
    ['class_name: NoSuchModel', (a) => ((a.modelTopology as { class_name: string }).class_name = 'NoSuchModel')],
    ['layers[0].class_name: NoSuchLayer', (a) => (layer0(a).class_name = 'NoSuchLayer')],
    ['a kernel_initializer of class NoSuchInitializer', (a) => (layer0(a).config.kernel_initializer = { class_name: 'NoSuchInitializer', config: {} })],
  ),
  hostile(
    'bad layer config',
    ['units', 'activation', 'batch_input_shape', 'inputShape', 'input'],
    ['units: -1', (a) => (layer0(a).config.units = -1)],
    ['units: 1.5', (a) => (layer0(a).config.units = 1.5)],
    ["units: 'x'", (a) => (layer0(a).config.units = 'x')],
    ["activation: 'nope'", (a) => (layer0(a).config.activation = 'nope')],
    ['batch_input_shape: [null, -1]', (a) => (layer0(a).config.batch_input_shape = [null, -1])],
  ),
  hostile(
    'allocation bomb',
    ['units', 'shape', 'batch_input_shape', 'weight', 'weights', 'kernel', 'memory', 'bytes'],
    ['units: 1e9', (a) => (layer0(a).config.units = 1e9)],
    ['batch_input_shape: [null, 1e9]', (a) => (layer0(a).config.batch_input_shape = [null, 1e9])],
    ['a weight of shape [1e9, 1e9]', (a) => (specs(a)[0].shape = [1e9, 1e9])],
  ),
  hostile(
    'weights that do not fit',
    ['weight', 'weights', 'weightSpecs', 'kernel', 'bias', 'shape', 'dtype', 'quantization', 'name'],
    ['the kernel of shape [4, 2]', (a) => (specs(a)[0].shape = [4, 2])],
    ["the kernel of dtype 'string'", (a) => (specs(a)[0].dtype = 'string')],
    ['no bias', (a) => specs(a).pop()],
    ['an extra weight', (a) => specs(a).push({ name: 'extra/kernel', shape: [1], dtype: 'float32' })],
    ['the kernel named nope/kernel', (a) => (specs(a)[0].name = 'nope/kernel')],
    ["quantization { dtype: 'int4' }", (a) => (specs(a)[0].quantization = { dtype: 'int4' as never })],
  ),
  hostile(
    'truncated weight data',
    ['weight', 'weights', 'weightData', 'bytes', 'data'],
    ['4 bytes missing', (a) => (a.weightData = (a.weightData as ArrayBuffer).slice(4))],
    ['no weight data', (a) => (a.weightData = new ArrayBuffer(0))],
    ['weightData: 5', (a) => (a.weightData = 5 as never)],
  ),
  ...wrongType('string', 'object'),
  ...missing,
];

// ---- the catalogue ----

const UNARY = ['relu', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus', 'exp', 'log', 'square', 'neg', 'abs', 'sqrt'] as const;
const BINARY = ['add', 'sub', 'mul', 'div'] as const;

/** Operand shapes that broadcast: equal, a scalar, or a row vector; each operand a tensor, nested arrays or a number. */
const operands = fc
  .integer({ min: 1, max: 3 })
  .chain(shapeOf)
  .chain((s) => fc.tuple(fc.constant(s), fc.constantFrom(s, [], s.slice(-1))))
  .chain(([a, b]) => fc.tuple(fc.oneof(tensorOf(a), nested(a)), fc.oneof(tensorOf(b), nested(b))))
  .chain((pair) => fc.boolean().map((swap) => (swap ? [pair[1], pair[0]] : pair)));

/** A shape that does not broadcast against the other operand's: one of its dims (not 1) plus one. */
const noBroadcast = (other: number) =>
  badOf('shape that does not broadcast', (v) => {
    const s = shapeOfArg(v[other]);
    const i = s.findIndex((d) => d !== 1);
    return tensorOf(s.map((d, j) => (j === i ? d + 1 : d)));
  }, { when: (v) => shapeOfArg(v[other]).some((d) => d !== 1), mentions: ['shapes', 'broadcast'] });

const fitArgs = (rows: number) =>
  fc.record(
    {
      epochs: fc.integer({ min: 0, max: 2 }),
      batchSize: fc.integer({ min: 1, max: 8 }),
      shuffle: fc.boolean(),
      validationSplit: rows >= 2 ? fc.constantFrom(0, 0.25) : fc.constant(0),
      verbose: fc.constant(0),
      initialEpoch: fc.constant(0),
      callbacks: fc.constant({ onEpochEnd: () => {} }),
    },
    { requiredKeys: [] },
  );

export const catalogue: Entry[] = [
  // ---- backend and memory ----
  {
    name: 'tf.ready',
    async: true,
    params: [{ name: 'options', valid: fc.constantFrom(undefined, {}), bad: notOptions(), options: { keys: { build: name(['simd', 'relaxed']) } } }],
    call: (o) => tf.ready(o),
  },
  { name: 'tf.getBackend', params: [], call: () => tf.getBackend() },
  {
    name: 'tf.setBackend',
    async: true,
    params: [
      {
        name: 'backendName',
        valid: fc.constant(new Recipe('the current backend', () => tf.getBackend())),
        // WebGL and the others are out of scope (API.md): an Error that says so.
        bad: [...name(['wasm', 'js']), bad('other TF.js backend', 'webgl', 'cpu', 'webgpu', 'tensorflow'), ...missing].map((b) => ({ ...b, mentions: ['name', 'backend'] })),
      },
    ],
    call: (n) => tf.setBackend(n),
  },
  { name: 'tf.setSeed', params: [{ name: 'seed', valid: fc.nat(), bad: [...seed.filter((b) => !/below|above/.test(b.kind)), ...missing] }], call: (s) => tf.setSeed(s) },
  { name: 'tf.setThreads', async: true, params: [{ name: 'n', valid: fc.constant(1), bad: [...integer({ min: 1, max: 64 }), ...missing] }], call: (n) => tf.setThreads(n) },
  { name: 'tf.getThreads', params: [], call: () => tf.getThreads() },
  { name: 'tf.memory', params: [], call: () => tf.memory() },
  { name: 'tf.tidy', params: [{ name: 'fn', valid: fc.constant(() => 1), bad: [...notFunction, bad('async function', async () => 1)] }], call: (f) => tf.tidy(f) },
  {
    name: 'tf.keep',
    // Primitives only: TF.js marks any object as kept, and throws (a TypeError) on the others.
    params: [{ name: 'result', valid: anyTensor, bad: [bad('not a tensor', 'x', 5, true), bad('Symbol', Symbol('bad')), bad('BigInt', 3n), ...missing].map((b) => ({ ...b, mentions: ['t', 'tensor', 'Tensor'] })) }],
    call: (t) => tf.keep(t),
  },
  { name: 'tf.dispose', params: [{ name: 'container', valid: fc.oneof(anyTensor, fc.array(anyTensor, { maxLength: 2 }), fc.constant(undefined)) }], call: (c) => tf.dispose(c) },

  // ---- making tensors ----
  {
    name: 'tf.tensor',
    params: [
      { name: 'values', bad: [...notTensorLike, badOf('a Tensor', anyTensor)] },
      {
        name: 'shape',
        bad: [
          ...shape,
          badOf('wrong value count', (v) => fc.constant([size(shapeOfArg(v[0])) + 1])),
          badOf('another layout of nested values', (v) => fc.constant([size(shapeOfArg(v[0]))]), { when: (v) => v[1] === undefined && !layoutFits(shapeOfArg(v[0]), [size(shapeOfArg(v[0]))]) }),
        ],
      },
      dtype(),
    ],
    args: fc
      .integer({ min: 0, max: 3 })
      .chain(shapeOf)
      .chain((s) => fc.oneof(nested(s).map((v) => [v, undefined]), fc.array(value, { minLength: size(s), maxLength: size(s) }).map((v) => [v, s])))
      .chain((a) => fc.constantFrom(undefined, 'float32').map((d) => [...a, d])),
    call: (v, s, d) => tf.tensor(v, s, d),
  },
  {
    name: 'tf.tensor1d',
    params: [
      { name: 'values', valid: fc.oneof(fc.array(value, { maxLength: 5 }), fc.array(value, { maxLength: 5 }).map((v) => new Float32Array(v))), bad: [...notTensorLike, bad('not rank 1', 5, [[1, 2]]), badOf('a Tensor', anyTensor)] },
      dtype(),
    ],
    call: (v, d) => tf.tensor1d(v, d),
  },
  {
    name: 'tf.tensor2d',
    params: [
      { name: 'values', bad: [...notTensorLike, bad('not rank 2', 5, [[[1]]]), badOf('a Tensor', anyTensor)] },
      {
        name: 'shape',
        bad: [
          ...shape,
          bad('not rank 2', [4], [1, 2, 2]),
          badOf('wrong value count', (v) => fc.constant([size(shapeOfArg(v[0])) + 1, 1])),
          badOf('another layout of nested values', (v) => {
            const n = size(shapeOfArg(v[0]));
            return fc.constant(shapeOfArg(v[0])[1] === 1 ? [1, n] : [n, 1]);
          }, { when: (v) => v[1] === undefined && size(shapeOfArg(v[0])) >= 2 }),
        ],
      },
      dtype(),
    ],
    args: fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }))
      .chain(([r, c]) => fc.oneof(nested([r, c]).map((v) => [v, undefined]), fc.array(value, { minLength: r * c, maxLength: r * c }).map((v) => [v, [r, c]])))
      .chain((a) => fc.constantFrom(undefined, 'float32').map((d) => [...a, d])),
    call: (v, s, d) => tf.tensor2d(v, s, d),
  },
  {
    name: 'tf.scalar',
    params: [{ name: 'value', valid: value, bad: [...wrongType('number', 'boolean'), ...missing, badOf('a Tensor', anyTensor)] }, dtype()],
    call: (v, d) => tf.scalar(v, d),
  },
  { name: 'tf.zeros', params: [shapeParam, dtype()], call: (s, d) => tf.zeros(s, d) },
  { name: 'tf.ones', params: [shapeParam, dtype()], call: (s, d) => tf.ones(s, d) },
  ...(['randomNormal', 'truncatedNormal'] as const).map(
    (op): Entry => ({
      name: `tf.${op}`,
      params: [
        shapeParam,
        { name: 'mean', valid: fc.constantFrom(undefined, 0, 1.5), bad: number() },
        { name: 'stdDev', valid: fc.constantFrom(undefined, 1, 0.5), bad: number() },
        dtype(undefined, [bad('bool', 'bool')]),
        { name: 'seed', valid: fc.option(fc.nat(), { nil: undefined }), bad: seed },
      ],
      call: (s, m, sd, d, se) => tf[op](s, m, sd, d, se),
    }),
  ),
  {
    name: 'tf.randomUniform',
    params: [
      shapeParam,
      { name: 'minval', valid: fc.constantFrom(undefined, 0, -1), bad: number() },
      { name: 'maxval', valid: fc.constantFrom(undefined, 1, 2), bad: number() },
      dtype(),
      { name: 'seed', valid: fc.option(fc.nat(), { nil: undefined }), bad: seed },
    ],
    call: (s, lo, hi, d, sd) => tf.randomUniform(s, lo, hi, d, sd),
  },

  // ---- ops ----
  {
    name: 'tf.matMul',
    params: [
      { name: 'a', bad: [...notTensorLike, disposed, bad('rank 0 or 1', 5, [1, 2]), badOf('inner dims that do not match', (v) => tensorOf(infoOf<TensorInfo>(v[0]).shape.map((d, i) => (i === (v[2] ? 0 : 1) ? d + 1 : d))))] },
      { name: 'b', bad: [...notTensorLike, disposed, bad('rank 0 or 1', 5, [1, 2]), badOf('inner dims that do not match', (v) => tensorOf(infoOf<TensorInfo>(v[1]).shape.map((d, i) => (i === (v[3] ? 1 : 0) ? d + 1 : d))))] },
      { name: 'transposeA', bad: flag },
      { name: 'transposeB', bad: flag },
    ],
    args: fc
      .tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 4 }), fc.option(fc.boolean(), { nil: undefined }), fc.option(fc.boolean(), { nil: undefined }))
      .chain(([m, k, n, ta, tb]) => fc.tuple(tensorOf(ta ? [k, m] : [m, k]), tensorOf(tb ? [n, k] : [k, n]), fc.constant(ta), fc.constant(tb))),
    call: (a, b, ta, tb) => tf.matMul(a, b, ta, tb),
  },
  ...BINARY.map(
    (op): Entry => ({
      name: `tf.${op}`,
      params: [
        { name: 'a', bad: [...notTensorLike, disposed, noBroadcast(1)] },
        { name: 'b', bad: [...notTensorLike, disposed, noBroadcast(0)] },
      ],
      args: operands,
      call: (a, b) => tf[op](a, b),
    }),
  ),
  ...UNARY.map((op): Entry => ({ name: `tf.${op}`, params: [{ name: 'x', valid: tensorLike, bad: [...notTensorLike, disposed] }], call: (t) => tf[op](t) })),
  {
    name: 'tf.leakyRelu',
    params: [
      { name: 'x', valid: tensorLike, bad: [...notTensorLike, disposed] },
      { name: 'alpha', valid: fc.constantFrom(undefined, 0.2, 0.01), bad: number() },
    ],
    call: (t, a) => tf.leakyRelu(t, a),
  },
  ...(['sum', 'mean'] as const).map(
    (op): Entry => ({
      name: `tf.${op}`,
      params: [
        { name: 'x', bad: [...notTensorLike, disposed] },
        {
          name: 'axis',
          bad: [
            badOf('out of range', (v) => fc.constantFrom(shapeOfArg(v[0]).length, -shapeOfArg(v[0]).length - 1, [0, shapeOfArg(v[0]).length])),
            badOf('non-integer', fc.constantFrom(0.5, [0.5])),
            bad('NaN', NaN, [NaN]),
            ...wrongType('number', 'array'),
          ],
        },
        { name: 'keepDims', bad: flag },
      ],
      args: fc
        .integer({ min: 1, max: 3 })
        .chain(shapeOf)
        .chain((s) => fc.tuple(fc.oneof(tensorOf(s), nested(s)), fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }), fc.option(fc.boolean(), { nil: undefined }))),
      call: (t, a, k) => tf[op](t, a, k),
    }),
  ),
  {
    name: 'tf.argMax',
    params: [
      { name: 'x', bad: [...notTensorLike, disposed] },
      { name: 'axis', bad: [badOf('out of range', (v) => fc.constantFrom(shapeOfArg(v[0]).length, -shapeOfArg(v[0]).length - 1)), bad('non-integer', 0.5), bad('NaN', NaN), ...wrongType('number', 'array')] },
    ],
    args: fc
      .integer({ min: 1, max: 3 })
      .chain(shapeOf)
      .chain((s) => fc.tuple(fc.oneof(tensorOf(s), nested(s)), fc.option(fc.integer({ min: -s.length, max: s.length - 1 }), { nil: undefined }))),
    call: (t, a) => tf.argMax(t, a),
  },

  // ---- Tensor methods ----
  ...(['dataSync', 'data', 'arraySync', 'array', 'toString', 'print'] as const).map(
    (method): Entry => ({ name: `tensor.${method}`, async: method === 'data' || method === 'array', params: [selfTensor()], call: (t) => t[method]() }),
  ),
  { name: 'tensor.dispose', params: [{ name: 'tensor', valid: anyTensor }], call: (t) => t.dispose() },
  {
    name: 'tensor.argMax',
    params: [selfTensor(), { name: 'axis', bad: [badOf('out of range', (v) => fc.constant(infoOf<TensorInfo>(v[0]).shape.length)), bad('non-integer', 0.5), bad('NaN', NaN), ...wrongType('number', 'array')] }],
    args: fc
      .integer({ min: 1, max: 3 })
      .chain(shapeOf)
      .chain((s) => fc.tuple(tensorOf(s), fc.option(fc.integer({ min: 0, max: s.length - 1 }), { nil: undefined }))),
    call: (t, a) => t.argMax(a),
  },

  // ---- layers ----
  {
    name: 'tf.layers.dense',
    params: [
      layerArgs(
        fc.record(
          {
            units: fc.integer({ min: 1, max: 4 }),
            activation: fc.constantFrom(...ACTIVATIONS),
            useBias: fc.boolean(),
            kernelInitializer: fc.constantFrom(...INITIALIZERS),
            kernelRegularizer: fc.constantFrom('l1', 'l2', 'l1l2', null),
            ...layerKeys,
          },
          { requiredKeys: ['units'] },
        ),
        {
          units: [...integer({ min: 1 }), ...missing],
          activation: name(ACTIVATIONS, TFJS_ACTIVATIONS),
          useBias: flag,
          kernelInitializer: [...name(INITIALIZERS, TFJS_INITIALIZERS), bad('not an initializer', {})],
          biasInitializer: [...name(INITIALIZERS, TFJS_INITIALIZERS), bad('not an initializer', {})],
          kernelRegularizer: [...name(['l1', 'l2', 'l1l2'], ['L1L2']), bad('not a regularizer', {})],
          biasRegularizer: [...name(['l1', 'l2', 'l1l2'], ['L1L2']), bad('not a regularizer', {})],
          kernelConstraint: [...name(CONSTRAINTS, TFJS_CONSTRAINTS), bad('not a constraint', {})],
          biasConstraint: [...name(CONSTRAINTS, TFJS_CONSTRAINTS), bad('not a constraint', {})],
        },
        { tfjs: ['activityRegularizer'] },
      ),
    ],
    call: (a) => tf.layers.dense(a),
  },
  {
    name: 'tf.layers.dropout',
    params: [
      layerArgs(
        fc.record({ rate: fc.constantFrom(0, 0.25, 0.5), seed: fc.nat(), ...layerKeys }, { requiredKeys: ['rate'] }),
        { rate: [...number({ min: 0, max: 1, maxOpen: true }), bad('undefined', undefined)], seed, noiseShape: NOISE_SHAPE },
      ),
    ],
    call: (a) => tf.layers.dropout(a),
  },
  ...(['spatialDropout1d', 'gaussianDropout', 'alphaDropout'] as const).map(
    (layer): Entry => ({
      name: `tf.layers.${layer}`,
      params: [
        layerArgs(fc.record({ rate: fc.constantFrom(0, 0.25, 0.5), seed: fc.nat(), ...layerKeys }, { requiredKeys: ['rate'] }), {
          rate: [...number({ min: 0, max: 1, maxOpen: true }), bad('undefined', undefined)],
          seed,
          ...(layer === 'gaussianDropout' ? {} : { noiseShape: NOISE_SHAPE }),
        }),
      ],
      call: (a) => (tf.layers[layer] as (args: unknown) => unknown)(a),
    }),
  ),
  {
    name: 'tf.layers.gaussianNoise',
    params: [layerArgs(fc.record({ stddev: fc.constantFrom(0, 0.5), seed: fc.nat(), ...layerKeys }, { requiredKeys: ['stddev'] }), { stddev: [...number({ min: 0 }), bad('undefined', undefined)], seed })],
    call: (a) => tf.layers.gaussianNoise(a),
  },
  {
    name: 'tf.layers.activation',
    params: [layerArgs(fc.record({ activation: fc.constantFrom(...ACTIVATIONS), ...layerKeys }, { requiredKeys: ['activation'] }), { activation: name(ACTIVATIONS, TFJS_ACTIVATIONS) })],
    call: (a) => tf.layers.activation(a),
  },
  {
    name: 'tf.layers.leakyReLU',
    params: [layerArgs(fc.option(fc.record({ alpha: fc.constantFrom(0.1, 0.3), ...layerKeys }, { requiredKeys: [] }), { nil: undefined }), { alpha: number() }, { optional: true })],
    call: (a) => tf.layers.leakyReLU(a),
  },
  ...(
    [
      ['reLU', { maxValue: fc.constantFrom(0.5, 6) }, { maxValue: number({ min: 0 }) }],
      ['elu', { alpha: fc.constantFrom(0.5, 1) }, { alpha: number() }],
      ['thresholdedReLU', { theta: fc.constantFrom(-0.5, 0, 1) }, { theta: number() }],
      ['softmax', { axis: fc.constantFrom(-1, 1) }, { axis: [bad('non-integer', 0.5), bad('NaN', NaN), ...wrongType('number')] }],
      ['flatten', { dataFormat: fc.constantFrom('channelsLast', 'channelsFirst') }, { dataFormat: name(['channelsLast', 'channelsFirst']) }],
      [
        'prelu',
        { alphaInitializer: fc.constantFrom(...INITIALIZERS), sharedAxes: fc.constantFrom(1, [1]) },
        { alphaInitializer: [...name(INITIALIZERS, TFJS_INITIALIZERS), bad('not an initializer', {})], alphaConstraint: [...name(CONSTRAINTS, TFJS_CONSTRAINTS), bad('not a constraint', {})], sharedAxes: [bad('axis 0 (the batch)', 0, [0]), bad('repeated', [1, 1]), bad('not integers', [0.5], 'x')] },
      ],
    ] as Array<[string, Record<string, Gen>, Record<string, Bad[]>]>
  ).map(
    ([layer, valid, bads]): Entry => ({
      name: `tf.layers.${layer}`,
      params: [layerArgs(fc.option(fc.record({ ...valid, ...layerKeys }, { requiredKeys: [] }), { nil: undefined }), bads, { optional: true })],
      call: (a) => (tf.layers as unknown as Record<string, (args: unknown) => unknown>)[layer](a),
    }),
  ),
  {
    name: 'tf.layers.reshape',
    params: [layerArgs(fc.record({ targetShape: fc.constantFrom([1], [-1]), ...layerKeys }, { requiredKeys: ['targetShape'] }), { targetShape: [bad('two -1', [-1, -1]), bad('zero size', [0]), bad('not a shape', 'x', 5, [0.5]), ...missing] })],
    call: (a) => tf.layers.reshape(a),
  },
  {
    name: 'tf.layers.permute',
    params: [layerArgs(fc.record({ dims: fc.constant([1]), ...layerKeys }, { requiredKeys: ['dims'] }), { dims: [bad('not a permutation', [0], [2], [1, 1]), bad('not an array', 'x', 1), ...missing] })],
    call: (a) => tf.layers.permute(a),
  },
  {
    name: 'tf.layers.repeatVector',
    params: [layerArgs(fc.record({ n: fc.integer({ min: 1, max: 3 }), ...layerKeys }, { requiredKeys: ['n'] }), { n: [...integer({ min: 1 }), ...missing] })],
    call: (a) => tf.layers.repeatVector(a),
  },

  // ---- models ----
  {
    name: 'tf.sequential',
    params: [
      {
        name: 'args',
        valid: fc.oneof(fc.constantFrom(undefined, {}), modelSpec.map((s) => ({ layers: new Recipe(`the layers of ${modelR(s, 'new').label}`, () => layersOf(s)) }))),
        bad: notOptions(),
        options: {
          keys: {
            layers: [
              bad('not an array', 5, 'x', {}),
              badOf('a layer, not in an array', fc.constant(new Recipe('tf.layers.dense({ units: 2, inputShape: [3] })', () => tf.layers.dense({ units: 2, inputShape: [3] })))),
              badOf('not layers in the array', fc.constantFrom([5], [null], [{}], [{ name: 'fake', forward() {} }])),
              badOf('the same layer twice', fc.constant(new Recipe('[layer, layer]', () => {
                const layer = tf.layers.dense({ units: 3, inputShape: [3] });
                return [layer, layer];
              })), { mentions: ['layer', 'already', 'twice'] }),
            ],
            name: [badOf('not a string', fc.constantFrom(5, {}, [])), bad('Symbol', Symbol('bad'))],
          },
        },
      },
    ],
    call: (a) => tf.sequential(a),
  },
  {
    name: 'model.add',
    params: [model(MODEL.disposed), { name: 'layer', bad: [...notLayer, badOf('a layer already in this model', fc.constant(new Recipe('its own first layer', (_env, [m]) => (m as tf.Sequential).layers[0])), { mentions: ['already'] })] }],
    args: withModel('new', () => fc.constant([new Recipe('tf.layers.dense({ units: 2 })', () => tf.layers.dense({ units: 2 }))])),
    call: (m, l) => m.add(l),
  },
  {
    name: 'model.compile',
    params: [
      model(MODEL.disposed),
      {
        name: 'args',
        bad: [...notOptions(), bad('undefined', undefined)],
        options: {
          keys: {
            optimizer: [...name(OPTIMIZER_NAMES, TFJS_OPTIMIZERS), bad('not an optimizer', {}, { minimize() {} }, tf.SGDOptimizer), ...missing],
            loss: [...name([...LOSSES, ...LOSS_ALIASES, ...LAYERS_LOSSES], [], ['function']), ...missing],
            metrics: [
              badOf('unknown metric', fc.constantFrom('x', ['accuracyy'], ['f1score'])),
              badOf('not metric names', fc.constantFrom(5, [5], [null])),
              badOf('metric that does not fit the loss', (v) => fc.constantFrom(...(sparse(v) ? [['binaryAccuracy'], ['categoricalAccuracy'], ['mse'], 'mae'] : [['sparseCategoricalAccuracy']])), { mentions: ['sparseCategoricalAccuracy', 'binaryAccuracy', 'categoricalAccuracy', 'mse', 'mae', 'loss'] }),
            ],
          },
        },
      },
    ],
    args: withModel('new', (spec) =>
      fc.tuple(fc.constantFrom<unknown>(spec.optimizer === 'momentum' ? 'sgd' : spec.optimizer, new Recipe('tf.train.sgd(0.1)', () => tf.train.sgd(0.1))), fc.constantFrom(undefined, ['accuracy'], spec.loss === 'sparseCategoricalCrossentropy' ? ['acc'] : ['mse'])).map(([optimizer, metrics]) => [
        metrics ? { optimizer, loss: spec.loss, metrics } : { optimizer, loss: spec.loss },
      ]),
    ),
    call: (m, a) => m.compile(a),
  },
  {
    name: 'model.fit',
    async: true,
    params: [
      model(MODEL.disposed, MODEL.uncompiled, MODEL.training, MODEL.empty),
      x(true),
      y(true),
      {
        name: 'args',
        bad: notOptions(),
        options: {
          keys: {
            epochs: integer({ min: 0 }),
            batchSize: integer({ min: 1 }),
            shuffle: flag,
            validationSplit: number({ min: 0, max: 1, maxOpen: true }),
            validationData: [
              badOf('not [x, y]', (v) => fc.constantFrom<unknown>(5, 'x', [v[1]], v[1]), { mentions: ['validationData'] }),
              badOf('x of the wrong width', (v) => tensorOf([2, specOf(v).inputs + 1]).map((xv) => [xv, v[2]]), { mentions: ['validationData'] }),
              badOf('NaN or Infinity in x', (v) => nonFinite([rowsOf(v), specOf(v).inputs]).map((xv) => [xv, v[2]]), { mentions: ['validationData'] }),
            ],
            callbacks: [
              badOf('not callbacks', fc.constantFrom(5, 'x', [null], [5])),
              badOf('a hook that is not a function', fc.constantFrom({ onEpochEnd: 5 }, { onTrainBegin: 'x' }, [{ onBatchEnd: {} }]), { mentions: ['onEpochEnd', 'onTrainBegin', 'onBatchEnd'] }),
              badOf('a misspelt hook', fc.constantFrom({ onEpochEnds: () => {} }, { onTrainbegin: () => {} }), { mentions: ['onEpochEnds', 'onTrainbegin'] }),
            ],
            verbose: [badOf('not 0, 1 or 2', fc.constantFrom(-1, 0.5, 'yes', NaN, {})), bad('Symbol', Symbol('bad'))],
            initialEpoch: integer({ min: 0 }),
            classWeight: CLASS_WEIGHT,
          },
          tfjs: ['sampleWeight', 'stepsPerEpoch', 'validationSteps', 'validationBatchSize', 'validationFreq', 'yieldEvery'],
        },
      },
    ],
    args: withData('ready', (rows) => fitArgs(rows).map((a) => [a])),
    call: (m, xs, ys, a) => m.fit(xs, ys, a),
  },
  {
    name: 'model.fitDataset',
    async: true,
    params: [
      model(MODEL.disposed, MODEL.uncompiled, MODEL.training, MODEL.empty),
      { name: 'dataset', bad: DATASET_KINDS },
      {
        name: 'args',
        bad: [...notOptions(), bad('undefined', undefined)],
        options: {
          keys: {
            epochs: [...integer({ min: 0 }), bad('undefined', undefined)],
            batchesPerEpoch: integer({ min: 1 }),
            validationBatches: integer({ min: 1 }),
            validationData: [badOf('not a dataset or [x, y]', fc.constantFrom<unknown>(5, 'x', {}), { mentions: ['validationData'] })],
            callbacks: [badOf('not callbacks', fc.constantFrom(5, 'x', [null], [5]))],
            verbose: [badOf('not 0, 1 or 2', fc.constantFrom(-1, 0.5, 'yes', NaN, {})), bad('Symbol', Symbol('bad'))],
            initialEpoch: integer({ min: 0 }),
            classWeight: CLASS_WEIGHT,
          },
          tfjs: ['validationBatchSize', 'yieldEvery'],
        },
      },
    ],
    args: withData('ready').map(([m, xs, ys]) => [m, oneBatch(xs, ys), { epochs: 1, verbose: 0 }]),
    call: (m, d, a) => m.fitDataset(d, a),
  },
  {
    name: 'model.getLayer',
    params: [
      { name: 'model' },
      {
        name: 'nameOrIndex',
        bad: [bad('no such layer', 'nope', ''), bad('index past the layers', 99), ...integer({ min: 0 }), ...wrongType('string', 'number'), ...missing].map((k) => ({ ...k, mentions: ['layer', 'index', 'name'] })),
      },
    ],
    args: withModel('ready', () => fc.constant([0])),
    call: (m, n) => m.getLayer(n),
  },
  {
    name: 'model.evaluateDataset',
    async: true,
    params: [
      model(MODEL.disposed, MODEL.uncompiled, MODEL.empty),
      { name: 'dataset', bad: DATASET_KINDS },
      { name: 'args', bad: notOptions(), options: { keys: { batches: integer({ min: 1 }), verbose: [badOf('not 0 or 1', fc.constantFrom(-1, 2, 'yes'))] } } },
    ],
    args: withData('ready').map(([m, xs, ys]) => [m, oneBatch(xs, ys), undefined]),
    call: (m, d, a) => m.evaluateDataset(d, a),
  },
  {
    name: 'model.trainOnBatch',
    async: true,
    params: [model(MODEL.disposed, MODEL.uncompiled, MODEL.empty), x(true), y(true)],
    args: withData('ready'),
    call: (m, xs, ys) => m.trainOnBatch(xs, ys),
  },
  {
    name: 'model.evaluate',
    params: [
      model(MODEL.disposed, MODEL.uncompiled, MODEL.empty),
      x(),
      y(),
      { name: 'args', bad: notOptions(), options: { keys: { batchSize: integer({ min: 1 }), verbose: [badOf('not 0 or 1', fc.constantFrom(-1, 0.5, 'yes', NaN))] }, tfjs: ['sampleWeight', 'steps'] } },
    ],
    args: withData('ready', () => fc.option(fc.record({ batchSize: fc.integer({ min: 1, max: 8 }) }), { nil: undefined }).map((a) => [a])),
    call: (m, xs, ys, a) => m.evaluate(xs, ys, a),
  },
  {
    name: 'model.predict',
    params: [
      model(MODEL.disposed, MODEL.empty),
      x(false, false),
      // TF.js refuses null here too (it reads args.batchSize).
      { name: 'args', bad: notOptions(), options: { keys: { batchSize: integer({ min: 1 }), verbose: [badOf('not a boolean', fc.constantFrom(-1, 'yes', NaN))] } } },
    ],
    args: fc.constantFrom<ModelState>('ready', 'built', 'new').chain((state) =>
      withModel(state, (spec) => dataFor(spec).chain(([xv]) => fc.option(fc.record({ batchSize: fc.integer({ min: 1, max: 8 }) }), { nil: undefined }).map((a) => [xv, a]))),
    ),
    call: (m, xs, a) => m.predict(xs, a),
  },
  {
    name: 'model.apply',
    params: [model(MODEL.disposed, MODEL.empty), x(false, false), { name: 'kwargs', bad: notOptions(), options: { keys: { training: flag } } }],
    args: fc.constantFrom<ModelState>('ready', 'built', 'new').chain((state) => withModel(state, (spec) => dataFor(spec).map(([xv]) => [xv, undefined]))),
    call: (m, xs, a) => m.apply(xs, a),
  },
  ...(['as2D', 'as3D'] as const).map(
    (method): Entry => ({
      name: `tensor.${method}`,
      params: [
        selfTensor(),
        // (-1 is inferred, as in a reshape)
        ...['rows', 'columns', 'depth'].slice(0, method === 'as2D' ? 2 : 3).map((name) => ({ name, bad: [...integer({ min: -1 }), bad('sizes that do not hold the values', 1000)] })),
      ],
      args: fc.constant([new Recipe('tf.range(0, 12)', () => tf.range(0, 12)), ...(method === 'as2D' ? [3, 4] : [2, 3, 2])]),
      call: (t, ...sizes) => (t as unknown as Record<string, (...a: number[]) => unknown>)[method](...sizes),
    }),
  ),
  {
    name: 'model.build',
    params: [
      // Without an inputShape argument, which would be the reason for refusing these; the huge one is built with one.
      model(
        MODEL.disposed,
        ...[MODEL.empty, MODEL.noInputShape].map((b) => ({ ...b, when: (v: unknown[]) => v[1] === undefined })),
        { ...MODEL.huge, when: (v: unknown[]) => v[1] !== undefined },
      ),
      {
        name: 'inputShape',
        bad: [
          bad('width not positive', [null, 0], [null, -2]),
          bad('non-integer width', [null, 1.5], [null, NaN]),
          badOf('not the first layer\'s width', (v) => fc.constant([null, specOf(v).inputs + 1])),
          badOf('not a shape', fc.constantFrom(5, 'x', {})),
          bad('hostile array', circular, deep),
        ].map((b) => ({ ...b, mentions: ['shape'] })),
      },
    ],
    args: withModel('compiled', (spec) => fc.constantFrom([undefined], [[null, spec.inputs]])),
    call: (m, s) => m.build(s),
  },
  {
    name: 'model.summary',
    params: [
      model(MODEL.disposed, MODEL.noInputShape),
      { name: 'lineLength', bad: [bad('negative', -5, -1), bad('huge', 1e9, Infinity), ...wrongType('number')] },
      { name: 'positions', bad: wrongType('array') },
      { name: 'printFn', bad: wrongType('function') },
    ],
    args: fc.constantFrom<ModelState>('new', 'ready').chain((state) => withModel(state, () => fc.tuple(fc.constantFrom(undefined, 60), fc.constant(undefined), fc.constant(() => {})))),
    call: (m, n, p, f) => m.summary(n, p, f),
  },
  { name: 'model.getWeights', params: [model(MODEL.disposed), { name: 'trainableOnly', valid: fc.constantFrom(undefined, false) }], args: withModel('ready', () => fc.constant([undefined])), call: (m, t) => m.getWeights(t) },
  { name: 'model.setWeights', params: [model(MODEL.disposed), weightsParam(false)], args: modelSpec.map((spec) => [modelR(spec), weightsR(spec, false)]), call: (m, w) => m.setWeights(w) },
  { name: 'model.countParams', params: [model()], args: withModel('new'), call: (m) => m.countParams() },
  {
    name: 'model.save',
    async: true,
    params: [
      model(MODEL.disposed),
      {
        name: 'handlerOrURL',
        bad: [
          bad('unknown URL scheme', 'ftp://host/m', 'model', 'gopher://m'),
          bad('URL with nothing after the scheme', 'file://', 'localstorage://', 'indexeddb://'),
          bad('browser-only scheme in Node', 'downloads://m', 'localstorage://m', 'indexeddb://m'),
          bad('handler without save', {}, { load: async () => ({}) }, { save: 5 }),
          ...wrongType('string', 'object'),
          ...missing,
        ].map((b) => ({ ...b, mentions: URLS })),
      },
      { name: 'config', bad: notOptions(), options: { keys: { trainableOnly: flag, includeOptimizer: flag } } },
    ],
    args: withModel('ready', () =>
      fc.constant([tf.io.withSaveHandler(async () => ({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } })), undefined]),
    ),
    call: (m, h, c) => m.save(h, c),
  },
  { name: 'model.dispose', params: [model()], args: withModel('ready'), call: (m) => m.dispose() },
  {
    name: 'layer.setWeights',
    params: [
      {
        name: 'layer',
        bad: [badOf('a layer not built yet', fc.constant(new Recipe('tf.layers.dense({ units: 2 })', () => tf.layers.dense({ units: 2 }))), { mentions: ['built', 'build'] })],
      },
      weightsParam(true),
    ],
    args: modelSpec.map((spec) => [layerR(spec), weightsR(spec, true)]),
    call: (l, w) => l.setWeights(w),
  },
  { name: 'layer.getWeights', params: [{ name: 'layer', valid: fc.constant(new Recipe('tf.layers.dense({ units: 2 })', () => tf.layers.dense({ units: 2 }))) }], call: (l) => l.getWeights() },
  { name: 'layer.getConfig', params: [{ name: 'layer', valid: fc.constant(new Recipe('tf.layers.dense({ units: 2 })', () => tf.layers.dense({ units: 2 }))) }], call: (l) => l.getConfig() },

  // ---- optimizers and schedules ----
  { name: 'tf.train.sgd', params: [rate(true)], call: (lr) => tf.train.sgd(lr) },
  {
    name: 'tf.train.momentum',
    params: [rate(true), nonNegative('momentum', fc.constantFrom(0, 0.9), true), { name: 'useNesterov', valid: fc.constantFrom(undefined, true, false), bad: flag }],
    call: (lr, m, n) => tf.train.momentum(lr, m, n),
  },
  {
    name: 'tf.train.adam',
    params: [rate(false), fraction('beta1', fc.constantFrom(undefined, 0.9)), fraction('beta2', fc.constantFrom(undefined, 0.999)), nonNegative('epsilon', fc.constantFrom(undefined, 1e-7))],
    call: (lr, b1, b2, e) => tf.train.adam(lr, b1, b2, e),
  },
  {
    name: 'tf.train.adamw',
    params: [rate(false), fraction('beta1', fc.constantFrom(undefined, 0.9)), fraction('beta2', fc.constantFrom(undefined, 0.999)), nonNegative('epsilon', fc.constantFrom(undefined, 1e-7)), nonNegative('weightDecay', fc.constantFrom(undefined, 0.01))],
    call: (lr, b1, b2, e, wd) => tf.train.adamw(lr, b1, b2, e, wd),
  },
  {
    name: 'tf.train.rmsprop',
    params: [
      rate(true),
      fraction('decay', fc.constantFrom(undefined, 0.9)),
      nonNegative('momentum', fc.constantFrom(undefined, 0, 0.5)),
      nonNegative('epsilon', fc.constantFrom(undefined, 1e-7)),
      { name: 'centered', valid: fc.constantFrom(undefined, true, false), bad: flag },
    ],
    call: (lr, d, m, e, c) => tf.train.rmsprop(lr, d, m, e, c),
  },
  { name: 'tf.train.adagrad', params: [rate(true), nonNegative('initialAccumulatorValue', fc.constantFrom(undefined, 0.1))], call: (lr, v) => tf.train.adagrad(lr, v) },
  optimizerProperty('learningRate', fc.constantFrom(0.01, 0.1), [
    ...number({ min: 0, accept: ['function'] }),
    ...missing,
    badOf('schedule giving a bad rate', fc.constantFrom(() => NaN, () => -1, () => 'x')),
  ]),
  optimizerProperty('clipNorm', fc.constantFrom(null, 1, 0.5), number({ min: 0 }).filter((b) => b.kind !== 'Infinity')),
  {
    name: 'tf.schedules.exponentialDecay',
    params: [
      {
        name: 'args',
        valid: fc.record({ initialLearningRate: fc.constantFrom(0.1, 0.01), decaySteps: fc.integer({ min: 1, max: 100 }), decayRate: fc.constantFrom(0.5, 0.96), staircase: fc.boolean() }, { requiredKeys: ['initialLearningRate', 'decaySteps', 'decayRate'] }),
        bad: [...notOptions(), bad('undefined', undefined)],
        options: {
          keys: {
            initialLearningRate: [...number({ min: 0 }), bad('undefined', undefined)],
            decaySteps: [...number({ min: 0, minOpen: true }), bad('undefined', undefined)],
            decayRate: [...number({ min: 0 }), bad('undefined', undefined)],
            staircase: flag,
          },
          tfjs: ['name'],
        },
      },
    ],
    call: (a) => tf.schedules.exponentialDecay(a),
  },
  {
    name: 'tf.schedules.cosineDecay',
    params: [
      {
        name: 'args',
        valid: fc.record({ initialLearningRate: fc.constantFrom(0.1, 0.01), decaySteps: fc.integer({ min: 1, max: 100 }), alpha: fc.constantFrom(0, 0.1) }, { requiredKeys: ['initialLearningRate', 'decaySteps'] }),
        bad: [...notOptions(), bad('undefined', undefined)],
        options: {
          keys: {
            initialLearningRate: [...number({ min: 0 }), bad('undefined', undefined)],
            decaySteps: [...number({ min: 0, minOpen: true }), bad('undefined', undefined)],
            alpha: number(),
          },
          tfjs: ['name'],
        },
      },
    ],
    call: (a) => tf.schedules.cosineDecay(a),
  },

  // ---- initializers, regularizers, callbacks ----
  ...SEEDED.map((n) => initializer(n, { seed }, fc.constantFrom(undefined, {}, { seed: 1 }))),
  initializer(
    'varianceScaling',
    { scale: number({ min: 0 }), mode: name(['fanIn', 'fanOut', 'fanAvg']), distribution: name(['normal', 'uniform'], ['truncatedNormal']), seed },
    fc.record({ scale: fc.constantFrom(1, 2), mode: fc.constantFrom('fanIn', 'fanOut', 'fanAvg'), distribution: fc.constantFrom('normal', 'uniform'), seed: fc.nat() }, { requiredKeys: [] }),
  ),
  initializer('randomNormal', { mean: number(), stddev: number(), seed }, fc.record({ mean: fc.constantFrom(0, 1), stddev: fc.constantFrom(0.05, 1), seed: fc.nat() }, { requiredKeys: [] })),
  initializer('randomUniform', { minval: number(), maxval: number(), seed }, fc.record({ minval: fc.constantFrom(-0.05, -1), maxval: fc.constantFrom(0.05, 1), seed: fc.nat() }, { requiredKeys: [] })),
  { name: 'tf.initializers.zeros', params: [], call: () => tf.initializers.zeros() },
  { name: 'tf.initializers.ones', params: [], call: () => tf.initializers.ones() },
  regularizer('l1', ['l1']),
  regularizer('l2', ['l2']),
  regularizer('l1l2', ['l1', 'l2']),
  {
    name: 'tf.callbacks.earlyStopping',
    params: [
      {
        name: 'args',
        valid: fc.record({ monitor: fc.constantFrom('loss', 'val_loss', 'acc'), minDelta: fc.constantFrom(0, 0.01), patience: fc.nat(5), mode: fc.constantFrom('auto', 'min', 'max'), restoreBestWeights: fc.boolean() }, { requiredKeys: [] }),
        bad: notOptions(),
        options: {
          keys: { monitor: wrongType('string'), minDelta: number(), patience: integer({ min: 0 }), mode: name(['auto', 'min', 'max']), baseline: number(), restoreBestWeights: flag },
          tfjs: ['verbose'],
        },
      },
    ],
    call: (a) => tf.callbacks.earlyStopping(a),
  },

  // ---- saving and loading ----
  {
    name: 'tf.io.fromMemory',
    prefixes: ['io.fromMemory', 'fromMemory'],
    params: [
      // Any object passes here: the older form takes the topology first, and loading checks it.
      { name: 'modelArtifacts', valid: fc.constant(new Recipe('saved artifacts', () => artifacts())), bad: [...wrongType('object', 'array'), ...missing].map((b) => ({ ...b, mentions: ['artifacts'] })) },
      { name: 'weightSpecs' },
      { name: 'weightData' },
      { name: 'trainingConfig' },
    ],
    call: (a, s, d, c) => tf.io.fromMemory(a, s, d, c),
  },
  { name: 'tf.io.withSaveHandler', prefixes: ['io.withSaveHandler', 'withSaveHandler'], params: [{ name: 'saveHandler', valid: fc.constant(async () => ({ modelArtifactsInfo: {} })), bad: notFunction }], call: (f) => tf.io.withSaveHandler(f) },
  {
    name: 'tf.loadLayersModel',
    async: true,
    params: [
      { name: 'pathOrIOHandler', valid: fc.constant(savedModelR('tf.io.fromMemory(saved artifacts)')), bad: LOAD_KINDS.map((b) => ({ ...b, mentions: [...URLS, ...(b.mentions ?? [])] })) },
      {
        name: 'options',
        valid: fc.constantFrom(undefined, {}),
        bad: notOptions(),
        options: {
          keys: { requestInit: wrongType('object'), fetchFunc: wrongType('function'), weightPathPrefix: wrongType('string'), onProgress: wrongType('function'), strict: flag },
          tfjs: ['fromTFHub', 'weightUrlConverter', 'streamWeights'],
        },
      },
    ],
    call: (h, o) => tf.loadLayersModel(h, o),
  },
  ...binaryEntries,
  ...unaryEntries,
  ...matrixEntries,
  ...convEntries,
  ...layoutEntries,
  ...reduceEntries,
  ...searchEntries,
  ...lossMetricEntries,
  ...dataEntries,
  ...initEntries,
];
