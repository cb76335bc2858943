// A model to and from ModelArtifacts in the TF.js Layers format: the topology JSON TF.js 4.22 writes
// (snake_case keys, Keras class names, each layer's getConfig; a Sequential model's layer list, or a
// functional model's layers with the inbound nodes that connect them; models inside models nested), weight
// specs, and float32 weight data. Layers and models are made through the class registry (tf.serialization),
// so this file imports no layer or model class. Loading checks the topology, the manifest and its sizes and
// the data length before it allocates, and each weight's shape and values before that weight is made; a
// refused file leaves memory as it was. Left out: training config and optimizer state (ignored when
// loading, not written when saving).

import { MAX_PAGES, PAGE_BYTES } from '../backend/heap.js';
import { version } from '../version.js';
import { type Initializer, initializerFromConfig } from '../initializers.js';
import { Layer, type Shape, withWeightSource } from '../layers/layer.js';
import type { Node, SymbolicTensor } from '../layers/symbolic.js';
import type { LayersModel } from '../model/model.js';
import { type Regularizer, regularizerFromConfig } from '../regularizers.js';
import { registeredClass, registeredNames } from '../serialization.js';
import { sizeOf } from '../tensor/tensor.js';
import { describe } from '../validate.js';
import type { ModelArtifacts, WeightsManifestEntry } from './types.js';

/** The format version written: the layer-config schema of tfjs-layers 4.22, which TF.js and its Keras converter read. */
const KERAS_VERSION = 'tfjs-layers 4.22.0';

const LOAD = 'loadLayersModel';

/** A weight data source's name in messages ('weights.bin', a URL); handlers register theirs here. */
export const weightSources = new WeakMap<object, string>();

// ---- names, as tfjs-layers converts them ----

/** 'fanAvg' -> 'fan_avg', 'useBias' -> 'use_bias' (TF.js's toSnakeCase). */
function toSnakeCase(name: string): string {
  const snake = name
    .replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
  return snake[0] === '_' ? 'private' + snake : snake;
}

/** 'fan_avg' -> 'fanAvg' (TF.js's toCamelCase). */
function toCamelCase(name: string): string {
  return name.length <= 1 || !name.includes('_') ? name : name.replace(/[_]+(\w|$)/g, (_, c: string) => c.toUpperCase());
}

// ---- saving ----

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Config = { [key: string]: Json };

/**
 * A camelCase config as TF.js serializes it (its convertTsToPythonic): snake_case keys, snake_case strings
 * but for names, { class_name, config } objects.
 */
function pythonic(value: unknown, key?: string): Json {
  if (value === null || value === undefined) return null;
  // Names, and the class names of nested { className, config } (an RNN's cell, a wrapped layer), stay as written.
  if (typeof value === 'string') return key === 'name' || key === 'className' ? value : toSnakeCase(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v) => pythonic(v, key));
  if (typeof value === 'object') {
    const o = value as { className?: unknown; getConfig?: () => Record<string, unknown> };
    if (typeof o.className === 'string' && typeof o.getConfig === 'function') return { class_name: o.className, config: pythonic(o.getConfig()) };
    const out: Config = {};
    for (const [k, v] of Object.entries(value)) out[toSnakeCase(k)] = pythonic(v, k);
    return out;
  }
  throw new Error(`save: cannot serialize ${describe(value)} in a layer config`);
}

/** Whether a layer is a model (io imports no model class: models are told apart by their graph). */
const isModel = (layer: Layer): layer is LayersModel => typeof (layer as Partial<LayersModel>).getLayer === 'function';

/** A layer's entry in a topology: its class and config (a model's nested whole). */
function entryOf(layer: Layer): Config {
  return { class_name: layer.className, config: isModel(layer) ? modelConfig(layer) : (pythonic(layer.getConfig()) as Config) };
}

/**
 * A model's config as TF.js writes it: a Sequential model's layers (the first also stating the input shape),
 * or a functional model's layers, each with the inputs of its calls ([layer, node, tensor, kwargs]), and the
 * model's input and output layers.
 */
function modelConfig(model: LayersModel): Config {
  const layers = model.layers;
  if (model.className === 'Sequential') {
    const shape = model.batchInputShape;
    const list = layers.map((layer, i) => {
      const entry = entryOf(layer);
      if (i === 0 && shape !== null && layer.className !== 'InputLayer') Object.assign(entry.config as Config, { batch_input_shape: shape.slice(), dtype: 'float32' });
      return entry;
    });
    return { name: model.name, layers: list };
  }
  const nodes = model.graphNodes();
  // An input no output reads is in no call of the graph: its input layer is saved all the same (first, as TF.js
  // orders input layers), so that the file loads.
  const unread = model.inputs.map((t) => t.sourceLayer).filter((layer) => !layers.includes(layer));
  // A node's index counts only the layer's calls inside this model, as TF.js renumbers them, after a model's own definition.
  const indexOf = (node: Node) => (isModel(node.layer) ? 1 : 0) + Math.max(0, node.layer.inboundNodes.filter((n) => nodes.has(n)).indexOf(node));
  const ref = (t: SymbolicTensor): Json[] => [t.sourceLayer.name, indexOf(t.node), t.outputTensorIndex];
  return {
    name: model.name,
    layers: [...unread, ...layers].map((layer) => {
      const calls = layer.inboundNodes.filter((n) => nodes.has(n) && n.inputs.length > 0);
      const inbound = calls.map((n) => n.inputs.map((t) => [...ref(t), pythonic(withoutTraining(n.kwargs))] as Json));
      return { name: layer.name, ...entryOf(layer), inbound_nodes: inbound };
    }),
    input_layers: model.inputs.map(ref),
    output_layers: model.outputs.map(ref),
  };
}

/** A call's kwargs as saved: training is the model's to set, not the call's. */
const withoutTraining = (kwargs: Record<string, unknown>) => Object.fromEntries(Object.entries(kwargs).filter(([k]) => k !== 'training'));

/** Topology, weight specs and weight data of a model, as TF.js's LayersModel.save hands them to a handler. */
export function modelToArtifacts(model: LayersModel): ModelArtifacts {
  if (model.layers.length === 0) throw new Error('save: the model has no layers');
  if (model.inputShapes === null) throw new Error('save: the input shape is unknown; give the first layer an inputShape (or build the model) before saving');
  const seen = new Set<string>();
  for (const layer of model.layers) {
    if (seen.has(layer.name)) throw new Error(`save: two layers are named ${JSON.stringify(layer.name)}; layer names must be unique in a saved model`);
    seen.add(layer.name);
  }
  const names = model.weightNames;
  const weights = model.weights;
  const weightSpecs: WeightsManifestEntry[] = weights.map((w, i) => ({ name: names[i], shape: w.shape.slice(), dtype: 'float32' }));
  const data = new Float32Array(weights.reduce((n, w) => n + w.size, 0));
  let offset = 0;
  for (const w of weights) {
    data.set(w.dataSync() as Float32Array, offset);
    offset += w.size;
  }
  const modelTopology = { ...entryOf(model), keras_version: KERAS_VERSION, backend: 'tensor_flow.js' };
  return { modelTopology, format: 'layers-model', generatedBy: `neurite v${version}`, convertedBy: null, weightData: data.buffer, weightSpecs };
}

// ---- loading: topology ----

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** One layer entry of the topology, before any layer is made. */
interface LayerEntry {
  className: string;
  name: string;
  config: Record<string, unknown>;
  /** Position in the file's layer list, for messages. */
  index: number;
}

/** The model classes files name: TF.js writes 'Model' for a functional model, Keras 2.4+ 'Functional'. */
const MODEL_CLASSES: Record<string, 'Sequential' | 'Model'> = { Sequential: 'Sequential', Model: 'Model', Functional: 'Model' };
/** Models inside models, at most this deep (a hostile file could nest them without end). */
const MAX_NESTING = 16;

/** What loading has made so far (freed if it fails), and the weights' places in the data. */
interface Loading {
  made: Layer[];
  located: Located[];
}

/** A model class registered under a name (models register themselves, so io needs no import of them). */
function modelClass(className: 'Sequential' | 'Model'): { fromConfig(cls: unknown, config: Record<string, unknown>): LayersModel } {
  const cls = registeredClass(className);
  if (!cls) throw new Error(`${LOAD}: no model class ${describe(className)} is registered`);
  return cls as never;
}

/** The layer class registered under a name, if it is a layer (tf.serialization also holds other classes). */
function layerClass(className: string): (typeof Layer & { fromConfig(cls: unknown, config: Record<string, unknown>): Layer }) | null {
  const cls = registeredClass(className) as unknown as typeof Layer | undefined;
  return cls && (cls === Layer || cls.prototype instanceof Layer) ? (cls as never) : null;
}

const layerNames = () => registeredNames().filter((n) => layerClass(n) !== null);

/** The model's entry in a topology (Keras-converted files nest it in model_config), checked to be JSON of a known model class. */
function rootOf(topology: unknown): Record<string, unknown> {
  if (topology === undefined || topology === null) throw new Error(`${LOAD}: the model has no modelTopology`);
  if (topology instanceof ArrayBuffer) throw new Error(`${LOAD}: modelTopology is binary (a graph model?); neurite loads Layers models, whose topology is JSON`);
  if (!isObject(topology)) throw new Error(`${LOAD}: modelTopology must be an object, got ${describe(topology)}`);
  return isObject(topology.model_config) ? topology.model_config : topology;
}

/** A Sequential or functional model from its entry; `depth` counts the models it is inside. */
function buildModel(root: Record<string, unknown>, loading: Loading, depth: number): LayersModel {
  const kind = typeof root.class_name === 'string' && Object.hasOwn(MODEL_CLASSES, root.class_name) ? MODEL_CLASSES[root.class_name] : null;
  if (!kind) throw new Error(`${LOAD}: modelTopology has class_name ${describe(root.class_name)}; neurite loads Sequential and functional (Model) models`);
  if (depth > MAX_NESTING) throw new Error(`${LOAD}: the topology nests models more than ${MAX_NESTING} deep`);
  const model = kind === 'Sequential' ? buildSequential(root.config, loading, depth) : buildFunctional(root.config, loading, depth);
  loading.made.push(model);
  return model;
}

/** A layer entry of a topology's list, checked: { class_name, config } of a known class. */
function entryFrom(item: unknown, index: number): LayerEntry {
  if (!isObject(item) || typeof item.class_name !== 'string' || !(item.config === undefined || isObject(item.config))) {
    throw new Error(`${LOAD}: layer ${index} of modelTopology must be { class_name, config }, got ${describe(item)}`);
  }
  const config = (item.config ?? {}) as Record<string, unknown>;
  const className = item.class_name;
  const name = typeof config.name === 'string' && config.name !== '' ? config.name : typeof item.name === 'string' && item.name !== '' ? item.name : `${toSnakeCase(className)}_${index + 1}`;
  if (layerClass(className) === null && !Object.hasOwn(MODEL_CLASSES, className)) {
    throw new Error(`${LOAD}: layer ${index} (${describe(name)}) is a ${short(className)}, which neurite does not support (a custom layer must be registered with tf.serialization.registerClass); supported layers: ${listed(layerNames())}`);
  }
  checkDtype(name, config.dtype, className === 'InputLayer');
  return { className, name, config, index };
}

/** The layers of a Sequential model's config (TF.js, Keras 2 or Keras 3 flavour), made into the model. */
function buildSequential(config: unknown, loading: Loading, depth: number): LayersModel {
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined; // Keras 1/2.0 wrote a bare list
  if (!Array.isArray(list)) throw new Error(`${LOAD}: modelTopology.config.layers must be an array of layers, got ${describe(list)}`);
  const name = isObject(config) && typeof config.name === 'string' && config.name !== '' ? config.name : undefined;

  let inputShape: Shape | null = null;
  const entries: LayerEntry[] = [];
  list.forEach((item, index) => {
    const entry = entryFrom(item, index);
    const shape = inputShapeOf(entry.name, entry.config);
    if (entry.className === 'InputLayer') {
      if (entries.length > 0 || inputShape !== null) throw new Error(`${LOAD}: an InputLayer (${describe(entry.name)}) may only come first`);
      inputShape = inputLayerShape(entry);
      return;
    }
    if (shape !== null && entries.length === 0) {
      const text = (s: Shape) => `[${s.slice(1).join(', ')}]`;
      if (inputShape !== null && text(inputShape) !== text(shape)) throw new Error(`${LOAD}: the InputLayer gives input shape ${text(inputShape)}, but layer ${describe(entry.name)} says ${text(shape)}`);
      inputShape = shape;
    }
    entries.push(entry);
  });
  if (entries.length === 0) throw new Error(`${LOAD}: modelTopology has no layers besides an InputLayer`);
  if (inputShape === null && entries[0].className === 'Dense') {
    // No input shape written (some Keras files): the first kernel's rows give it.
    const weights = loading.located.filter((l) => l.spec.group !== 'optimizer');
    const kernel = weights.find((l) => nameMatches(l.spec.name, `${entries[0].name}/kernel`)) ?? weights[0];
    if (kernel && kernel.spec.shape.length === 2 && kernel.spec.shape[0] > 0) inputShape = [null, kernel.spec.shape[0]];
  }
  if (inputShape === null && !Object.hasOwn(MODEL_CLASSES, entries[0].className)) {
    throw new Error(`${LOAD}: the topology does not give the input shape (batch_input_shape on the first layer, or an InputLayer)`);
  }
  const layers = entries.map((entry, i) => makeLayer(entry, i === 0 ? inputShape : null, loading, depth));
  return modelClass('Sequential').fromConfig(modelClass('Sequential'), { layers, name });
}

/** An InputLayer entry's shape, checked. */
function inputLayerShape(entry: LayerEntry): Shape {
  const shape = inputShapeOf(entry.name, entry.config);
  if (shape === null) throw new Error(`${LOAD}: InputLayer ${describe(entry.name)} has no batch_input_shape`);
  if (entry.config.sparse === true) throw new Error(`${LOAD}: InputLayer ${describe(entry.name)} is sparse; neurite takes dense input`);
  return shape;
}

/** Where a call's input comes from: [layer name, call index, output index]. */
type Ref = [string, number, number];

/**
 * A functional model's config: its layers made, then each layer's calls replayed on the symbolic outputs of
 * the calls they read (in as many passes as the order of the list needs), then the model from its inputs
 * and outputs.
 */
function buildFunctional(config: unknown, loading: Loading, depth: number): LayersModel {
  if (!isObject(config) || !Array.isArray(config.layers)) throw new Error(`${LOAD}: a functional model's config must have a layers array, got ${describe(isObject(config) ? config.layers : config)}`);
  const name = typeof config.name === 'string' && config.name !== '' ? config.name : undefined;
  const outputsOf = new Map<string, SymbolicTensor[]>();
  const pending: Array<{ layer: Layer; calls: unknown[]; done: number; first: number }> = [];
  const names = new Set<string>();
  config.layers.forEach((item, index) => {
    const entry = entryFrom(item, index);
    if (names.has(entry.name)) throw new Error(`${LOAD}: two layers are named ${describe(entry.name)}`);
    names.add(entry.name);
    const calls = (item as Record<string, unknown>).inbound_nodes ?? [];
    if (!Array.isArray(calls)) throw new Error(`${LOAD}: layer ${describe(entry.name)} has inbound_nodes ${describe(calls)}; expected an array of calls`);
    if (entry.className === 'InputLayer') {
      const cls = layerClass('InputLayer')!;
      const layer = cls.fromConfig(cls, { batchInputShape: inputLayerShape(entry), name: entry.name, dtype: dtypeName(entry.config.dtype) });
      loading.made.push(layer);
      outputsOf.set(`${entry.name}#0`, [layer.output as SymbolicTensor]);
      return;
    }
    // A model's calls count from 1: its node 0 is its own definition.
    const layer = makeLayer(entry, null, loading, depth);
    pending.push({ layer, calls, done: 0, first: isModel(layer) ? 1 : 0 });
  });
  const tensorAt = ([layer, node, tensor]: Ref) => outputsOf.get(`${layer}#${node}`)?.[tensor];
  for (let progress = true; progress; ) {
    progress = false;
    for (const p of pending) {
      while (p.done < p.calls.length) {
        const inputs = callRefs(p.layer.name, p.calls[p.done]).map(tensorAt);
        if (inputs.some((t) => t === undefined)) break;
        let out: SymbolicTensor | SymbolicTensor[];
        try {
          out = (inputs.length === 1 ? p.layer.apply(inputs[0]!) : p.layer.apply(inputs as SymbolicTensor[])) as SymbolicTensor | SymbolicTensor[];
        } catch (error) {
          const message = (error as Error).message;
          throw message.startsWith(LOAD) ? error : new Error(`${LOAD}: layer ${describe(p.layer.name)}: ${message}`);
        }
        outputsOf.set(`${p.layer.name}#${p.first + p.done++}`, Array.isArray(out) ? out : [out]);
        progress = true;
      }
    }
  }
  const stuck = pending.find((p) => p.done < p.calls.length);
  if (stuck) {
    const missing = callRefs(stuck.layer.name, stuck.calls[stuck.done]).find((r) => tensorAt(r) === undefined)!;
    throw new Error(`${LOAD}: layer ${describe(stuck.layer.name)} reads output ${missing[2]} of call ${missing[1]} of layer ${describe(short(missing[0]))}, which the topology never makes`);
  }
  const ends = (key: 'input_layers' | 'output_layers') => {
    const list = config[key];
    if (!Array.isArray(list) || list.length === 0) throw new Error(`${LOAD}: a functional model's config must list its ${key}, got ${describe(list)}`);
    return list.map((item, i) => {
      const ref = refOf(`${key}[${i}]`, item);
      const t = tensorAt(ref);
      if (!t) throw new Error(`${LOAD}: ${key}[${i}] names output ${ref[2]} of call ${ref[1]} of layer ${describe(short(ref[0]))}, which the topology does not make`);
      return t;
    });
  };
  return modelClass('Model').fromConfig(modelClass('Model'), { inputs: ends('input_layers'), outputs: ends('output_layers'), name });
}

/** The inputs of one saved call: TF.js's and Keras 2's [[layer, node, tensor, kwargs], ...], or Keras 3's { args, kwargs } of keras tensors. */
function callRefs(layerName: string, call: unknown): Ref[] {
  const where = `layer ${describe(layerName)}: a call in inbound_nodes`;
  if (isObject(call) && Array.isArray(call.args)) {
    const first = call.args[0];
    return (Array.isArray(first) ? first : [first]).map((t) => refOf(where, isObject(t) && isObject(t.config) ? t.config.keras_history : t));
  }
  if (!Array.isArray(call) || call.length === 0) throw new Error(`${LOAD}: ${where} must be a non-empty list of [layer, node, tensor], got ${describe(call)}`);
  return call.map((item) => refOf(where, item));
}

/** One [layer name, node index, tensor index] reference, checked. */
function refOf(where: string, value: unknown): Ref {
  const ok = Array.isArray(value) && typeof value[0] === 'string' && Number.isSafeInteger(value[1]) && (value[1] as number) >= 0 && Number.isSafeInteger(value[2]) && (value[2] as number) >= 0;
  if (!ok) throw new Error(`${LOAD}: ${where} must be [layer name, node index, tensor index], got ${describe(value)}`);
  return [value[0] as string, value[1] as number, value[2] as number];
}

/** The input shape from batch_input_shape / batch_shape ([null, ...sizes]) or input_shape ([...sizes]); null when absent. */
function inputShapeOf(layerName: string, cfg: Record<string, unknown>): Shape | null {
  const batch = cfg.batch_input_shape ?? cfg.batch_shape;
  const shape = batch !== undefined && batch !== null ? batch : cfg.input_shape !== undefined && cfg.input_shape !== null ? [null, ...(Array.isArray(cfg.input_shape) ? cfg.input_shape : [cfg.input_shape])] : null;
  if (shape === null) return null;
  const size = (d: unknown) => d === null || (Number.isSafeInteger(d) && (d as number) >= 1);
  if (!Array.isArray(shape) || shape.length < 2 || shape.length > 8 || !shape.every(size)) {
    throw new Error(`${LOAD}: layer ${describe(layerName)} has input shape ${describe(shape)}; expected [batch or null, ...positive sizes or null]`);
  }
  return shape as Shape;
}

/** A config's dtype: Keras 3 writes a DTypePolicy object, whose name is the compute dtype. */
const dtypeName = (dtype: unknown): unknown => (isObject(dtype) && isObject(dtype.config) ? dtype.config.name : dtype);

/** Layers compute in float32; an input may be int32 (an embedding's indices). */
function checkDtype(layerName: string, dtype: unknown, input: boolean): void {
  const name = dtypeName(dtype);
  if (name === undefined || name === null || name === 'float32' || (input && name === 'int32')) return;
  throw new Error(`${LOAD}: layer ${describe(layerName)} has dtype ${describe(name)}; neurite computes in float32 only`);
}

function activationName(entry: LayerEntry, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`${LOAD}: layer ${describe(entry.name)} has activation ${describe(value)}; expected a name such as 'relu'`);
  // Keras's silu is swish; gelu_new is TF.js's own name, which camel case would turn into geluNew.
  return value === 'silu' ? 'swish' : value === 'gelu_new' ? value : toCamelCase(value);
}

/** An initializer from { class_name, config } (or an old Keras name string); undefined keeps neurite's default. */
function readInitializer(entry: LayerEntry, key: string): Initializer | undefined {
  const value = entry.config[key];
  if (value === undefined || value === null) return undefined;
  const where = `layer ${describe(entry.name)}: ${key}`;
  if (typeof value !== 'string' && !(isObject(value) && typeof value.class_name === 'string')) throw new Error(`${LOAD}: ${where} must be { class_name, config }, got ${describe(value)}`);
  try {
    if (typeof value === 'string') return initializerFromConfig(value);
    // Keys and string values in camelCase, as TF.js's convertPythonicToTs reads them ('fan_avg' -> 'fanAvg').
    const config = isObject(value.config) ? Object.fromEntries(Object.entries(value.config).map(([k, v]) => [toCamelCase(k), typeof v === 'string' ? toCamelCase(v) : v])) : {};
    return initializerFromConfig(value.class_name as string, config);
  } catch (error) {
    throw new Error(`${LOAD}: ${where}: ${(error as Error).message}`);
  }
}

/** A regularizer from { class_name: 'L1L2' | 'L1' | 'L2', config: { l1, l2 } }. */
function readRegularizer(entry: LayerEntry, key: string): Regularizer | undefined {
  const value = entry.config[key];
  if (value === undefined || value === null) return undefined;
  const where = `layer ${describe(entry.name)}: ${key}`;
  if (!isObject(value) || typeof value.class_name !== 'string') throw new Error(`${LOAD}: ${where} must be an L1L2, L1 or L2 regularizer, got ${describe(isObject(value) ? value.class_name : value)}`);
  try {
    return regularizerFromConfig(value.class_name, isObject(value.config) ? value.config : {});
  } catch (error) {
    throw new Error(`${LOAD}: ${where}: ${(error as Error).message}`);
  }
}

/**
 * A layer's constructor arguments from its saved config, as TF.js's convertPythonicToTs reads them: camelCase
 * keys and strings (names kept as written); nulls left out (each argument's default); initializers and
 * regularizers made here, where their configs are checked; the input shape and dtype left to the model.
 */
function layerArgs(entry: LayerEntry, batchInputShape: Shape | null): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  const camel = (value: unknown, key: string, depth = 0): unknown => {
    if (depth > 64) throw new Error(`${LOAD}: layer ${describe(entry.name)} has a config nested more than 64 deep at ${short(key)}`);
    return typeof value === 'string' ? (key === 'name' ? value : toCamelCase(value))
      : Array.isArray(value) ? value.map((v) => camel(v, key, depth + 1))
      : isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [toCamelCase(k), camel(v, k, depth + 1)]))
      : value;
  };
  for (const [key, value] of Object.entries(entry.config)) {
    if (key === '__proto__') throw new Error(`${LOAD}: layer ${describe(entry.name)} has a config key __proto__, which no layer takes`);
    if (value === null || value === undefined || ['batch_input_shape', 'batch_shape', 'input_shape', 'dtype', 'name', 'trainable'].includes(key)) continue;
    if (key.endsWith('_initializer')) args[toCamelCase(key)] = readInitializer(entry, key);
    else if (key.endsWith('_regularizer')) args[toCamelCase(key)] = readRegularizer(entry, key);
    else if (key === 'activation') args.activation = activationName(entry, value);
    else args[toCamelCase(key)] = camel(value, key);
  }
  args.name = entry.name;
  args.trainable = entry.config.trainable !== false;
  if (batchInputShape !== null) args.batchInputShape = batchInputShape;
  return args;
}

/** Makes the layer for an entry through the class registry (its weights are made when its model builds it); a model entry makes the model. */
function makeLayer(entry: LayerEntry, batchInputShape: Shape | null, loading: Loading, depth: number): Layer {
  if (Object.hasOwn(MODEL_CLASSES, entry.className)) return buildModel({ class_name: entry.className, config: entry.config }, loading, depth + 1);
  const cls = layerClass(entry.className)!;
  try {
    const layer = cls.fromConfig(cls, layerArgs(entry, batchInputShape));
    if (!(layer instanceof Layer)) throw new Error(`fromConfig returned ${describe(layer)} instead of a layer`);
    loading.made.push(layer);
    return layer;
  } catch (error) {
    const message = (error as Error).message;
    if (message.startsWith(LOAD)) throw error;
    throw new Error(`${LOAD}: layer ${describe(entry.name)} (${entry.className}): ${message}`);
  }
}

// ---- loading: weights ----

/**
 * The most weight data a model can hold: its weights live in the heap, which wasm32 (and the js twin, for
 * parity) caps at 4 GiB. A manifest asking for more is refused before any weight data is read.
 */
const MAX_WEIGHT_BYTES = MAX_PAGES * PAGE_BYTES;

/** Bytes per stored value. Optimizer weights (skipped when loading) may be int32 and the like; model weights are float32. */
const VALUE_BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };
const QUANTIZED_BYTES: Record<string, number> = { uint8: 1, uint16: 2, float16: 2 };

/** A name, path or URL from a model file, cut for messages: a hostile file can make one any length. */
export function short(text: string, max = 80): string {
  return text.length <= max ? text : `${text.slice(0, max >> 1)}...${text.slice(3 - (max >> 1))}`;
}

/** Names for a message: as many as fit in about 120 characters, then how many there are in all. */
export function listed(names: string[]): string {
  const shown: string[] = [];
  let length = 0;
  for (const name of names) {
    if (length > 120) return `${shown.join(', ')}, ... (${names.length} in all)`;
    shown.push(short(name, 60));
    length += shown.at(-1)!.length + 2;
  }
  return shown.join(', ');
}

interface Located {
  spec: WeightsManifestEntry;
  offset: number;
  bytes: number;
}

/** Where each weight's bytes are in the weight data, and how many bytes the data must hold. */
export interface Layout {
  weights: Located[];
  bytes: number;
}

/**
 * Checks the weight specs and lays out their bytes, before any weight data is read: names, shapes of
 * non-negative safe integers, no more than MAX_WEIGHT_BYTES in all, dtypes and quantizations neurite decodes.
 */
export function layout(specs: unknown): Layout {
  if (specs === undefined || specs === null) throw new Error(`${LOAD}: the model has no weight specs (weightsManifest / weightSpecs)`);
  if (!Array.isArray(specs)) throw new Error(`${LOAD}: weightSpecs must be an array, got ${describe(specs)}`);
  let offset = 0;
  const weights = specs.map((spec: unknown, i): Located => {
    if (!isObject(spec) || typeof spec.name !== 'string' || !Array.isArray(spec.shape) || !spec.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      const got = isObject(spec) ? `name ${describe(spec.name)}, shape ${describe(spec.shape)}` : describe(spec);
      throw new Error(`${LOAD}: weight spec ${i} must be { name, shape: non-negative integers, dtype }, got ${got}`);
    }
    const name = short(spec.name);
    if (typeof spec.dtype !== 'string' || !Object.hasOwn(VALUE_BYTES, spec.dtype)) throw new Error(`${LOAD}: weight ${name} has unsupported dtype ${describe(spec.dtype)}`);
    if (spec.group !== 'optimizer' && spec.dtype !== 'float32') throw new Error(`${LOAD}: weight ${name} has dtype ${describe(spec.dtype)}; neurite loads float32 weights`);
    let size = VALUE_BYTES[spec.dtype];
    const q = spec.quantization;
    if (q !== undefined && q !== null) {
      if (!isObject(q) || typeof q.dtype !== 'string' || !Object.hasOwn(QUANTIZED_BYTES, q.dtype)) {
        throw new Error(`${LOAD}: weight ${name} has unsupported quantization ${describe(isObject(q) ? q.dtype : q)}; neurite decodes uint8, uint16 and float16`);
      }
      if (q.dtype !== 'float16' && !(Number.isFinite(q.scale) && Number.isFinite(q.min))) throw new Error(`${LOAD}: weight ${name} is quantized to ${q.dtype} but lacks a finite scale and min`);
      size = QUANTIZED_BYTES[q.dtype];
    }
    const bytes = sizeOf(spec.shape as number[]) * size;
    if (!(offset + bytes <= MAX_WEIGHT_BYTES)) {
      throw new Error(`${LOAD}: weight ${name} of shape ${describe(spec.shape)} takes the weights past ${MAX_WEIGHT_BYTES / 2 ** 30} GiB, more than neurite can hold; a corrupted manifest?`);
    }
    const entry = { spec: spec as unknown as WeightsManifestEntry, offset, bytes };
    offset += bytes;
    return entry;
  });
  return { weights, bytes: offset };
}

/** Throws unless the weight data holds exactly the bytes the layout describes. */
export function checkDataLength(layout: Layout, dataBytes: number, source: string): void {
  const what = `${layout.bytes} bytes (${layout.weights.length} weights)`;
  if (dataBytes < layout.bytes) throw new Error(`${LOAD}: ${source} is truncated: the weights manifest describes ${what}, but ${source} holds ${dataBytes}`);
  if (dataBytes > layout.bytes) {
    throw new Error(`${LOAD}: ${source} is longer than the weights manifest says: it holds ${dataBytes} bytes, the manifest describes ${what}; wrong or corrupted weight file?`);
  }
}

/** 'dense_1/kernel:0' and 'sequential/dense_1/kernel' both name dense_1/kernel. */
function nameMatches(specName: string, wanted: string): boolean {
  const name = specName.replace(/:\d+$/, '');
  return name === wanted || name.endsWith('/' + wanted);
}

/**
 * The one spec a layer's weight takes its values from, found by name as TF.js matches them: the spec of exactly
 * that name if there is one (a layer named d beside one named blk/d), else the one whose name ends with it.
 */
function find(wanted: string, modelWeights: Located[]): Located {
  const exact = modelWeights.filter((l) => l.spec.name.replace(/:\d+$/, '') === wanted);
  const found = exact.length > 0 ? exact : modelWeights.filter((l) => nameMatches(l.spec.name, wanted));
  if (found.length === 1) return found[0];
  const what = found.length === 0 ? 'has no weight' : `has ${found.length} weights`;
  throw new Error(`${LOAD}: the weights manifest ${what} for ${short(wanted)} (it lists ${listed(modelWeights.map((l) => l.spec.name))})`);
}

/** Float16 bits to a number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/** The values of one weight as float32, checked against the shape the layer needs and for NaN or Infinity. */
function decode(layer: Layer, weight: string, wanted: number[], l: Located, data: Uint8Array): Float32Array {
  const { spec } = l;
  const shape = spec.shape;
  if (shape.length !== wanted.length || shape.some((d, i) => d !== wanted[i])) {
    throw new Error(`${LOAD}: weight ${short(spec.name)} has shape ${shapeText(shape)}, but layer ${describe(layer.name)} needs ${weight} of shape [${wanted.join(', ')}]`);
  }
  const n = sizeOf(shape);
  const bytes = data.slice(l.offset, l.offset + l.bytes); // a copy, so aligned
  const q = spec.quantization;
  let values: Float32Array;
  if (!q) values = new Float32Array(bytes.buffer, 0, n);
  else if (q.dtype === 'float16') values = Float32Array.from(new Uint16Array(bytes.buffer, 0, n), halfToFloat);
  else {
    const { scale, min } = q as { scale: number; min: number }; // finite: checked by layout
    const ints = q.dtype === 'uint8' ? bytes : new Uint16Array(bytes.buffer, 0, n);
    values = Float32Array.from(ints, (v) => v * scale + min);
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(values[i])) throw new Error(`${LOAD}: weight ${short(spec.name)} holds ${values[i]} at index ${i}; the weight data is corrupted`);
  }
  return values;
}

/** '[6, 5]', or a short description of a shape too long to print. */
const shapeText = (shape: number[]): string => (shape.length <= 8 ? `[${shape.join(', ')}]` : describe(shape));

/** Weight data as byte views, not copied: an ArrayBuffer, a typed array / Node Buffer, or shards of them. */
function weightParts(data: unknown): Uint8Array[] {
  if (data === undefined || data === null) return [];
  const view = (d: unknown) => (d instanceof ArrayBuffer ? new Uint8Array(d) : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : null);
  const parts = Array.isArray(data) ? data.map(view) : [view(data)];
  if (parts.includes(null)) throw new Error(`${LOAD}: weightData must be an ArrayBuffer or an array of them, got ${describe(data)}`);
  return parts as Uint8Array[];
}

/** The parts in one new byte array of its own. */
export function concatBytes(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return out;
}

/** A new model from artifacts; everything is checked first, and nothing stays allocated if it fails. */
export function modelFromArtifacts(artifacts: ModelArtifacts): LayersModel {
  if (!isObject(artifacts)) throw new Error(`${LOAD}: the load handler returned ${describe(artifacts)} instead of model artifacts`);
  if (artifacts.format !== undefined && artifacts.format !== null && artifacts.format !== 'layers-model') {
    throw new Error(`${LOAD}: the model's format is ${describe(artifacts.format)}; neurite loads 'layers-model' (TF.js Layers) models`);
  }
  const root = rootOf(artifacts.modelTopology);
  if (artifacts.weightData == null && typeof artifacts.getWeightStream === 'function') {
    throw new Error(`${LOAD}: the artifacts give the weights as a stream (getWeightStream, TF.js's streamWeights); neurite needs them as weightData`);
  }
  if (artifacts.weightSpecs === undefined && artifacts.weightData === undefined) throw new Error(`${LOAD}: the model has no weights (no weightsManifest / weightSpecs)`);
  const manifest = layout(artifacts.weightSpecs);
  const parts = weightParts(artifacts.weightData);
  checkDataLength(manifest, parts.reduce((n, p) => n + p.byteLength, 0), weightSources.get(artifacts) ?? 'the weight data');
  const data = parts.length === 1 ? parts[0] : concatBytes(parts);
  const loading: Loading = { made: [], located: manifest.weights };
  // Each weight takes its saved values as its layer builds: found and checked before it is allocated.
  const modelWeights = manifest.weights.filter((l) => l.spec.group !== 'optimizer');
  const used = new Set<Located>();
  try {
    const model = withWeightSource(
      (layer, weight, shape) => {
        const l = find(`${layer.name}/${weight}`, modelWeights);
        used.add(l);
        return decode(layer, weight, shape, l, data);
      },
      () => buildModel(root, loading, 0),
    );
    const unbuilt = loading.made.find((layer) => !layer.built);
    if (unbuilt) throw new Error(`${LOAD}: layer ${describe(unbuilt.name)} could not be built from the topology`);
    const extra = modelWeights.filter((l) => !used.has(l));
    if (extra.length > 0) throw new Error(`${LOAD}: the weights manifest has weights no layer uses: ${listed(extra.map((l) => l.spec.name))}`);
    return model;
  } catch (error) {
    for (const layer of loading.made.reverse()) layer.dispose();
    throw error;
  }
}
