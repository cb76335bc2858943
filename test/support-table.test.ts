// The README's "What neurite supports" table, kept true: every public name of TF.js 4.22 (`@tensorflow/tfjs`,
// its top level and the namespaces below) is either exported by neurite under the same name or listed in
// MISSING with the reason; the test fails when neurite gains a name MISSING still lists, when it lacks one
// MISSING does not mention, and when the README's per-family counts disagree with the exports.

import * as tfjs from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';

/** TF.js's public namespaces that are compared name by name (their top-level names count too). */
const NAMESPACES = [
  'layers', 'initializers', 'regularizers', 'constraints', 'models', 'callbacks', 'serialization', 'train', 'losses',
  'metrics', 'data', 'io', 'image', 'browser', 'util', 'math', 'linalg', 'signal', 'spectral', 'fused', 'sparse', 'string',
];

/**
 * TF.js exports that are not API a program calls, so not compared:
 * - string-valued exports: the kernel names (`Abs`, `Conv2D`, ... keys for `registerKernel`), the `version_*`
 *   strings and `OP_SCOPE_SUFFIX`;
 * - names starting with `_`, and `default` (an artefact of loading the CommonJS build as a module);
 * - the namespaces and classes for writing a TF.js backend or testing TF.js itself (below);
 * - the kernel, gradient and backend registries: neurite's kernels and backends are its own (`setBackend('js')`).
 */
const SKIPPED = new Set([
  'backend_util', 'kernel_impls', 'broadcast_util', 'gather_util', 'scatter_util', 'slice_util', 'device_util',
  'tensor_util', 'test_util', 'webgl_util', 'gpgpu_util', 'shared', 'webgl', 'ENV', 'Environment', 'DataStorage',
  'KernelBackend', 'MathBackendCPU', 'MathBackendWebGL', 'GPGPUContext', 'setWebGLContext', 'forceHalfFloat', 'setPlatform',
  'registerKernel', 'unregisterKernel', 'getKernel', 'getKernelsForBackend', 'copyRegisteredKernels',
  'registerGradient', 'unregisterGradient', 'getGradient', 'registerBackend', 'removeBackend', 'findBackend',
  'findBackendFactory',
]);

/** The TF.js names neurite leaves out, by reason (top-level names as `x`, namespaced ones as `ns.x`). */
const MISSING: { reason: string; names: string[] }[] = [
  {
    reason: 'the recurrent base classes for subclassing (the built-in cells and layers are there), convolutional LSTMs: not yet',
    names: ['RNN', 'layers.RNN', 'layers.RNNCell', 'layers.convLstm2d', 'layers.convLstm2dCell'],
  },
  {
    reason: 'layers not yet written',
    names: [
      'InputSpec', 'LayerVariable', 'layers.categoryEncoding',
      'layers.centerCrop', 'layers.rescaling', 'layers.resizing', 'layers.randomWidth',
    ],
  },
  {
    reason: '3-D convolution and pooling: not yet',
    names: [
      'conv3d', 'conv3dTranspose', 'avgPool3d', 'maxPool3d', 'layers.conv3d', 'layers.conv3dTranspose',
      'layers.averagePooling3d', 'layers.avgPool3d', 'layers.avgPooling3d', 'layers.maxPooling3d',
    ],
  },
  {
    reason: 'complex tensors and the FFT: neurite has no complex64 dtype',
    names: ['complex', 'real', 'imag', 'fft', 'ifft', 'rfft', 'irfft', 'spectral', 'spectral.fft', 'spectral.ifft',
      'spectral.rfft', 'spectral.irfft', 'signal.stft'],
  },
  {
    reason: "sparse, ragged and string tensors: out of scope (neurite's tensors are dense and numeric)",
    names: [
      'sparseToDense', 'raggedGather', 'raggedRange', 'raggedTensorToTensor', 'sparse', 'sparse.sparseFillEmptyRows',
      'sparse.sparseReshape', 'sparse.sparseSegmentMean', 'sparse.sparseSegmentSum', 'string', 'string.stringNGrams',
      'string.stringSplit', 'string.stringToHashBucketFast', 'string.staticRegexReplace',
    ],
  },
  {
    reason: 'ops not yet written',
    names: [
      'dilation2d', 'localResponseNormalization', 'maxPoolWithArgmax', 'pool', 'movingAverage', 'broadcastArgs',
      'cosineWindow', 'rand', 'op', 'print', 'fused.conv2d', 'fused.depthwiseConv2d',
    ],
  },
  {
    reason: 'image ops and drawing not yet written',
    names: [
      'image.flipLeftRight', 'image.grayscaleToRGB', 'image.rgbToGrayscale', 'image.rotateWithOffset',
      'image.cropAndResize', 'image.nonMaxSuppression', 'image.nonMaxSuppressionAsync',
      'image.nonMaxSuppressionWithScore', 'image.nonMaxSuppressionWithScoreAsync', 'image.nonMaxSuppressionPadded',
      'image.nonMaxSuppressionPaddedAsync', 'image.threshold', 'image.transform', 'browser.draw',
    ],
  },
  {
    reason: "graph models (tfjs-converter's format and its op registry): out of scope, neurite runs Layers models",
    names: ['GraphModel', 'loadGraphModel', 'loadGraphModelSync', 'registerOp', 'deregisterOp'],
  },
  { reason: 'optimizers not yet written', names: ['AdadeltaOptimizer', 'AdamaxOptimizer', 'train.adadelta', 'train.adamax'] },
  {
    reason: "TF.js's registries of optimizers, callbacks and serializable classes: not yet",
    names: ['OptimizerConstructors', 'registerCallbackConstructor', 'CallbackList', 'CustomCallback',
      'serialization.Serializable', 'serialization.SerializationMap', 'serialization.getRegisteredName'],
  },
  {
    reason: "TF.js's engine and environment: neurite's engine is its own (setBackend, memory, tidy are there)",
    names: ['backend', 'engine', 'env', 'enableProdMode', 'enableDebugMode', 'disposeVariables', 'deprecationWarn',
      'disableDeprecationWarnings'],
  },
  { reason: "TF.js's Rank enum: neurite's Rank is a type only, every tensor has any rank", names: ['Rank'] },
  { reason: "TF.js's internal helpers on its public surface", names: ['enclosingPowerOfTwo', 'sumOutType', 'upcastType'] },
  {
    reason: "tf.util helpers TF.js's own code uses: not yet",
    names: [
      'arraysEqualWithNull', 'assertNonNull', 'bytesFromStringArray', 'checkConversionForErrors',
      'convertBackendValuesAndArrayBuffer', 'createScalarValue', 'distSquared', 'fingerPrint64', 'getArrayFromDType',
      'getTypedArrayFromDType', 'hasEncodingLoss', 'hexToLong', 'inferFromImplicitShape', 'isBoolean', 'isFunction',
      'isNumber', 'isPromise', 'isString', 'isValidDtype', 'makeZerosNestedTypedArray', 'nearestDivisor',
      'nearestLargerEven', 'parseAxisParam', 'randUniform', 'repeatedTry', 'rightPad', 'sizeToSquarishShape',
      'squeezeShape', 'sum', 'swap', 'tanh', 'toTypedArray',
    ].map((name) => `util.${name}`),
  },
  {
    reason: 'tf.data sources from files and URLs, text lines: not yet',
    names: ['data.FileDataSource', 'data.URLDataSource', 'data.TextLineDataset'],
  },
  {
    reason: 'tf.io beyond save/load by URL and handler (weight codecs, model management, router registry): not yet',
    names: [
      'CompositeArrayBuffer', 'browserFiles', 'concatenateArrayBuffers', 'copyModel', 'decodeWeights',
      'decodeWeightsStream', 'encodeWeights', 'fromMemorySync', 'getLoadHandlers', 'getModelArtifactsForJSON',
      'getModelArtifactsForJSONSync', 'getModelArtifactsInfoForJSON', 'getSaveHandlers', 'getWeightSpecs',
      'isHTTPScheme', 'listModels', 'loadWeights', 'moveModel', 'registerLoadRouter', 'registerSaveRouter',
      'removeModel', 'weightsLoaderFactory', 'withSaveHandlerSync',
    ].map((name) => `io.${name}`),
  },
];

/**
 * The README table's rows: a family holds the namespaces and top-level names given; a namespace's own
 * top-level name goes with it; every other top-level name is an op of the first family.
 */
const FAMILIES: { family: string; namespaces?: string[]; names?: string[] }[] = [
  { family: 'Tensors and ops', namespaces: ['math', 'linalg', 'signal', 'spectral', 'fused'] },
  { family: 'Sparse, ragged and string ops', namespaces: ['sparse', 'string'],
    names: ['sparseToDense', 'raggedGather', 'raggedRange', 'raggedTensorToTensor'] },
  { family: 'Gradients', names: ['grad', 'grads', 'valueAndGrad', 'valueAndGrads', 'variableGrads', 'customGrad'] },
  { family: 'Layers, initializers, regularizers, constraints', namespaces: ['layers', 'initializers', 'regularizers', 'constraints'],
    names: ['input', 'SymbolicTensor', 'InputSpec', 'LayerVariable', 'RNN', 'basicLSTMCell', 'multiRNNCell'] },
  { family: 'Models, callbacks, serialization', namespaces: ['models', 'callbacks', 'serialization'],
    names: ['model', 'sequential', 'Sequential', 'LayersModel', 'loadLayersModel', 'GraphModel', 'loadGraphModel',
      'loadGraphModelSync', 'registerOp', 'deregisterOp', 'Callback', 'CallbackList', 'CustomCallback', 'EarlyStopping',
      'History', 'registerCallbackConstructor'] },
  { family: 'Optimizers, losses, metrics', namespaces: ['train', 'losses', 'metrics'],
    names: ['Optimizer', 'SGDOptimizer', 'MomentumOptimizer', 'AdamOptimizer', 'AdamaxOptimizer', 'AdadeltaOptimizer',
      'AdagradOptimizer', 'RMSPropOptimizer', 'OptimizerConstructors', 'Reduction'] },
  { family: 'tf.data', namespaces: ['data'] },
  { family: 'tf.io', namespaces: ['io'] },
  { family: 'tf.browser, tf.image', namespaces: ['browser', 'image'] },
  { family: 'tf.util', namespaces: ['util'] },
  { family: 'Backends, memory, threads', names: ['ready', 'getBackend', 'setBackend', 'backend', 'engine', 'env',
    'enableProdMode', 'enableDebugMode', 'memory', 'tidy', 'keep', 'dispose', 'disposeVariables', 'profile', 'time',
    'nextFrame', 'deprecationWarn', 'disableDeprecationWarnings', 'version'] },
];

type Module = Record<string, unknown>;

function publicKeys(module: Module): string[] {
  return Object.keys(module).filter((key) => typeof module[key] !== 'string' && !key.startsWith('_') && key !== 'default');
}

/** TF.js's compared names: top-level ones as `x`, namespaced ones as `ns.x`. */
function tfjsNames(): string[] {
  const lib = tfjs as unknown as Module;
  const top = publicKeys(lib).filter((key) => !SKIPPED.has(key));
  return [...top, ...NAMESPACES.flatMap((ns) => publicKeys(lib[ns] as Module).map((key) => `${ns}.${key}`))];
}

function inNeurite(name: string): boolean {
  const lib = tf as unknown as Module;
  const [ns, key] = name.includes('.') ? name.split('.') : [undefined, name];
  const holder = ns === undefined ? lib : (lib[ns] as Module | undefined);
  return holder !== undefined && Object.keys(holder).includes(key);
}

function familyOf(name: string): string {
  const [ns] = name.split('.');
  const byNamespace = FAMILIES.find(({ namespaces = [] }) => namespaces.includes(ns));
  const byName = FAMILIES.find(({ names = [] }) => names.includes(name));
  return (byName ?? byNamespace ?? FAMILIES[0]).family;
}

/** The README section's rows: `| family | has | of | gaps |`. */
function readmeRows(): Map<string, { has: number; of: number }> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const section = readme.split('\n## What neurite supports\n')[1]?.split('\n## ')[0] ?? '';
  const rows = new Map<string, { has: number; of: number }>();
  for (const [, family, has, of] of section.matchAll(/^\| ([^|]+?) \| (\d+) \| (\d+) \|/gm)) {
    rows.set(family, { has: Number(has), of: Number(of) });
  }
  return rows;
}

describe('the support table against TF.js 4.22', () => {
  const names = tfjsNames();
  const missing = new Map(MISSING.flatMap(({ reason, names }) => names.map((name) => [name, reason] as const)));

  it('lists each missing name once, and only names TF.js has', () => {
    const listed = MISSING.flatMap(({ names }) => names);
    expect(listed.filter((name, i) => listed.indexOf(name) !== i), 'listed twice').toEqual([]);
    expect(listed.filter((name) => !names.includes(name)), 'not TF.js names').toEqual([]);
    const familyNames = FAMILIES.flatMap(({ names = [] }) => names);
    expect(familyNames.filter((name) => !names.includes(name)), 'family names not in TF.js').toEqual([]);
  });

  it('neurite exports every TF.js name the list does not give a reason for', () => {
    expect(names.filter((name) => !inNeurite(name) && !missing.has(name))).toEqual([]);
  });

  it('neurite lacks every name the list says is missing', () => {
    expect(names.filter((name) => inNeurite(name) && missing.has(name)), 'now exported: take them off MISSING').toEqual([]);
  });

  it("the README's counts per family are the exports'", () => {
    const counts = new Map(FAMILIES.map(({ family }) => [family, { has: 0, of: 0 }]));
    for (const name of names) {
      const count = counts.get(familyOf(name))!;
      count.of++;
      if (inNeurite(name)) count.has++;
    }
    expect(readmeRows()).toEqual(counts);
  });
});
