// A model's structure as TF.js 4.22 describes it, and models made from such a description. getConfig's config
// (camelCase: a Sequential model's layer list, or a functional model's layers with the inbound nodes that
// connect them and its input and output layers; models inside models nested) and toJSON's topology (that
// config in snake_case with Keras class names, TF.js's convertTsToPythonic: model.json's modelTopology) are
// one description in two spellings. A model is built from the snake_case one, whether it comes from a file
// (loadLayersModel), from fromConfig or from modelFromJSON. Layers and models are made through the class
// registry (tf.serialization), so this file imports no layer or model class. Building checks each entry
// before it makes its layer; a refused topology leaves memory as it was. Imported by model.ts (getConfig,
// fromConfig, toJSON are synchronous); the weights' code (artifacts.ts) loads on first use.

import { type Initializer, initializerFromConfig } from '../initializers.js';
import { Layer, type Shape } from '../layers/layer.js';
import type { Node, SymbolicTensor } from '../layers/symbolic.js';
import type { LayersModel } from '../model/model.js';
import { type Regularizer, regularizerFromConfig } from '../regularizers.js';
import { registeredClass, registeredNames } from '../serialization.js';
import { describe } from '../validate.js';
import type { WeightsManifestEntry } from './types.js';

/** The format version written: the layer-config schema of tfjs-layers 4.22, which TF.js and its Keras converter read. */
const KERAS_VERSION = 'tfjs-layers 4.22.0';

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

// ---- describing a model ----

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Config = { [key: string]: Json };

export const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Whether a layer is a model (this file imports no model class: models are told apart by their graph). */
const isModel = (layer: Layer): layer is LayersModel => typeof (layer as Partial<LayersModel>).getLayer === 'function';

/** Whether cls is the class registered under `name` or a subclass of it. */
function inherits(cls: unknown, name: 'Sequential' | 'Model'): boolean {
  const base = registeredClass(name);
  return typeof cls === 'function' && base !== undefined && (cls === base || cls.prototype instanceof base);
}

/** A layer's entry in a model's config: its class and config (a model's own config, nested). */
const entryOf = (layer: Layer) => ({ className: layer.className, config: layer.getConfig() });

/**
 * A model's config as TF.js's getConfig gives it: a Sequential model's layers (the first also stating the
 * input shape, so that the config rebuilds the model), or a functional model's layers, each with the inputs of
 * its calls ([layer, node, tensor, kwargs]), and the model's input and output layers.
 */
export function modelConfig(model: LayersModel): Record<string, unknown> {
  const layers = model.layers;
  if (inherits(model.constructor, 'Sequential')) {
    const shape = model.batchInputShape;
    const list = layers.map((layer, i) => {
      const entry = entryOf(layer);
      if (i === 0 && shape !== null && !isModel(layer) && layer.className !== 'InputLayer') Object.assign(entry.config, { batchInputShape: shape.slice(), dtype: 'float32' });
      return entry;
    });
    return { name: model.name, layers: list };
  }
  const nodes = model.graphNodes();
  // An input no output reads is in no call of the graph: its input layer is listed all the same (first, as TF.js
  // orders input layers), so that the config rebuilds the model.
  const unread = model.inputs.map((t) => t.sourceLayer).filter((layer) => !layers.includes(layer));
  // A node's index counts only the layer's calls inside this model, as TF.js renumbers them, after a model's own definition.
  const indexOf = (node: Node) => (isModel(node.layer) ? 1 : 0) + Math.max(0, node.layer.inboundNodes.filter((n) => nodes.has(n)).indexOf(node));
  const ref = (t: SymbolicTensor) => [t.sourceLayer.name, indexOf(t.node), t.outputTensorIndex];
  return {
    name: model.name,
    layers: [...unread, ...layers].map((layer) => {
      const calls = layer.inboundNodes.filter((n) => nodes.has(n) && n.inputs.length > 0);
      return { name: layer.name, ...entryOf(layer), inboundNodes: calls.map((n) => n.inputs.map((t) => [...ref(t), withoutTraining(n.kwargs)])) };
    }),
    inputLayers: model.inputs.map(ref),
    outputLayers: model.outputs.map(ref),
  };
}

/** A call's kwargs as saved: training is the model's to set, not the call's. */
const withoutTraining = (kwargs: Record<string, unknown>) => Object.fromEntries(Object.entries(kwargs).filter(([k]) => k !== 'training'));

/**
 * A model's topology as TF.js's toJSON gives it and model.json holds it: its class, config and format version
 * in snake_case. `op` names the call in errors.
 */
export function modelTopology(op: string, model: LayersModel): Config {
  return pythonic(op, { className: model.className, config: model.getConfig(), kerasVersion: KERAS_VERSION, backend: 'TensorFlow.js' }) as Config;
}

/** Whether an array item is a layer name that TF.js's conversions keep as written: the first of a [layer, node, tensor] reference. */
const isLayerRef = (key: string | undefined, index: number, item: unknown) =>
  index === 0 && typeof item === 'string' && (key === 'inboundNodes' || key === 'inputLayers' || key === 'outputLayers');

/**
 * A camelCase config in snake_case, as TF.js's convertTsToPythonic writes it: keys and string values, but for
 * names, class names and the layer names of node references; undefined as null.
 */
function pythonic(op: string, value: unknown, key?: string): Json {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return toSnakeCase(value);
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.map((v, i) => (isLayerRef(key, i, v) ? (v as string) : pythonic(op, v, key)));
  if (isObject(value)) {
    const out: Config = {};
    for (const [k, v] of Object.entries(value)) out[toSnakeCase(k)] = (k === 'name' || k === 'className') && typeof v === 'string' ? v : pythonic(op, v, k);
    return out;
  }
  throw new Error(`${op}: cannot serialize ${describe(value)} in a model config`);
}

// ---- building a model ----

type ModelClass = new (args: Record<string, unknown>) => LayersModel;

/**
 * The call building a model, which its errors name ('loadLayersModel', 'fromConfig', 'modelFromJSON'), and
 * the classes it was given besides the registry's (modelFromJSON's customObjects).
 */
let building: { op: string; classes: Record<string, unknown> } = { op: 'loadLayersModel', classes: {} };

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

/** What building has made so far (freed if it fails), and the weight specs of the file being loaded, if any. */
interface Loading {
  made: Layer[];
  specs: WeightsManifestEntry[];
}

/** A model class registered under a name (models register themselves, so io needs no import of them). */
function modelClass(className: 'Sequential' | 'Model'): ModelClass {
  const cls = registeredClass(className);
  if (!cls) throw new Error(`${building.op}: no model class ${describe(className)} is registered`);
  return cls as never;
}

/** The layer class of a name (the call's own classes first, then the registry's), if it is a layer: tf.serialization also holds other classes. */
function layerClass(className: string): (typeof Layer & { fromConfig(cls: unknown, config: Record<string, unknown>): Layer }) | null {
  const cls = (Object.hasOwn(building.classes, className) ? building.classes[className] : registeredClass(className)) as typeof Layer | undefined;
  return typeof cls === 'function' && (cls === Layer || cls.prototype instanceof Layer) ? (cls as never) : null;
}

const layerNames = () => registeredNames().filter((n) => layerClass(n) !== null);

/** The model's entry in a topology (Keras-converted files nest it in model_config), checked to be JSON of a known model class. */
function rootOf(topology: unknown): Record<string, unknown> {
  if (topology === undefined || topology === null) throw new Error(`${building.op}: the model has no modelTopology`);
  if (topology instanceof ArrayBuffer) throw new Error(`${building.op}: modelTopology is binary (a graph model?); neurite loads Layers models, whose topology is JSON`);
  if (!isObject(topology)) throw new Error(`${building.op}: modelTopology must be an object, got ${describe(topology)}`);
  return isObject(topology.model_config) ? topology.model_config : topology;
}

/** A Sequential or functional model from its entry, of class cls (the registered one by default); `depth` counts the models it is inside. */
function buildModel(root: Record<string, unknown>, loading: Loading, depth: number, cls?: ModelClass): LayersModel {
  const kind = typeof root.class_name === 'string' && Object.hasOwn(MODEL_CLASSES, root.class_name) ? MODEL_CLASSES[root.class_name] : null;
  if (!kind) throw new Error(`${building.op}: modelTopology has class_name ${describe(root.class_name)}; neurite loads Sequential and functional (Model) models`);
  if (depth > MAX_NESTING) throw new Error(`${building.op}: the topology nests models more than ${MAX_NESTING} deep`);
  const model = kind === 'Sequential' ? buildSequential(root.config, loading, depth, cls ?? modelClass(kind)) : buildFunctional(root.config, loading, depth, cls ?? modelClass(kind));
  loading.made.push(model);
  return model;
}

/** A layer entry of a topology's list, checked: { class_name, config } of a known class. */
function entryFrom(item: unknown, index: number): LayerEntry {
  if (!isObject(item) || typeof item.class_name !== 'string' || !(item.config === undefined || isObject(item.config))) {
    throw new Error(`${building.op}: layer ${index} of modelTopology must be { class_name, config }, got ${describe(item)}`);
  }
  const config = (item.config ?? {}) as Record<string, unknown>;
  const className = item.class_name;
  const name = typeof config.name === 'string' && config.name !== '' ? config.name : typeof item.name === 'string' && item.name !== '' ? item.name : `${toSnakeCase(className)}_${index + 1}`;
  if (layerClass(className) === null && !Object.hasOwn(MODEL_CLASSES, className)) {
    throw new Error(`${building.op}: layer ${index} (${describe(name)}) is a ${short(className)}, which neurite does not support (a custom layer must be registered with tf.serialization.registerClass); supported layers: ${listed(layerNames())}`);
  }
  checkDtype(name, config.dtype, className === 'InputLayer');
  return { className, name, config, index };
}

/**
 * The layers of a Sequential model's config (TF.js, Keras 2 or Keras 3 flavour), made into a model of class
 * cls. An InputLayer first stays the model's first layer, as in TF.js.
 */
function buildSequential(config: unknown, loading: Loading, depth: number, cls: ModelClass): LayersModel {
  const list = Array.isArray(config) ? config : isObject(config) ? config.layers : undefined; // Keras 1/2.0 wrote a bare list
  if (!Array.isArray(list)) throw new Error(`${building.op}: modelTopology.config.layers must be an array of layers, got ${describe(list)}`);
  const name = isObject(config) && typeof config.name === 'string' && config.name !== '' ? config.name : undefined;

  let input: LayerEntry | null = null;
  let inputShape: Shape | null = null; // the InputLayer's, or the first layer's
  let stated: Shape | null = null; // the first layer's own, beside an InputLayer
  const entries: LayerEntry[] = [];
  list.forEach((item, index) => {
    const entry = entryFrom(item, index);
    const shape = inputShapeOf(entry.name, entry.config);
    if (entry.className === 'InputLayer') {
      if (entries.length > 0 || input !== null) throw new Error(`${building.op}: an InputLayer (${describe(entry.name)}) may only come first`);
      input = entry;
      inputShape = inputLayerShape(entry);
      return;
    }
    if (shape !== null && entries.length === 0) {
      const text = (s: Shape) => `[${s.slice(1).join(', ')}]`;
      if (inputShape !== null && text(inputShape) !== text(shape)) throw new Error(`${building.op}: the InputLayer gives input shape ${text(inputShape)}, but layer ${describe(entry.name)} says ${text(shape)}`);
      inputShape ??= shape;
      stated = shape;
    }
    entries.push(entry);
  });
  if (entries.length === 0) throw new Error(`${building.op}: modelTopology has no layers besides an InputLayer`);
  if (inputShape === null && entries[0].className === 'Dense') {
    // No input shape written (some Keras files): the first kernel's rows give it.
    const weights = loading.specs.filter((spec) => spec.group !== 'optimizer');
    const kernel = weights.find((spec) => nameMatches(spec.name, `${entries[0].name}/kernel`)) ?? weights[0];
    if (kernel && kernel.shape.length === 2 && kernel.shape[0] > 0) inputShape = stated = [null, kernel.shape[0]];
  }
  if (inputShape === null && !Object.hasOwn(MODEL_CLASSES, entries[0].className)) {
    throw new Error(`${building.op}: the topology does not give the input shape (batch_input_shape on the first layer, or an InputLayer)`);
  }
  const layers = [...(input ? [makeInputLayer(input, loading)] : []), ...entries.map((entry, i) => makeLayer(entry, i === 0 ? stated : null, loading, depth))];
  return new cls({ layers, name });
}

/** An InputLayer entry's shape, checked. */
function inputLayerShape(entry: LayerEntry): Shape {
  const shape = inputShapeOf(entry.name, entry.config);
  if (shape === null) throw new Error(`${building.op}: InputLayer ${describe(entry.name)} has no batch_input_shape`);
  if (entry.config.sparse === true) throw new Error(`${building.op}: InputLayer ${describe(entry.name)} is sparse; neurite takes dense input`);
  return shape;
}

/** The InputLayer of an entry. */
function makeInputLayer(entry: LayerEntry, loading: Loading): Layer {
  const cls = layerClass('InputLayer')!;
  const layer = cls.fromConfig(cls, { batchInputShape: inputLayerShape(entry), name: entry.name, dtype: dtypeName(entry.config.dtype) });
  loading.made.push(layer);
  return layer;
}

/** Where a call's input comes from: [layer name, call index, output index]. */
type Ref = [string, number, number];

/**
 * A functional model's config: its layers made, then each layer's calls replayed on the symbolic outputs of
 * the calls they read (in as many passes as the order of the list needs), then the model from its inputs
 * and outputs.
 */
function buildFunctional(config: unknown, loading: Loading, depth: number, cls: ModelClass): LayersModel {
  if (!isObject(config) || !Array.isArray(config.layers)) throw new Error(`${building.op}: a functional model's config must have a layers array, got ${describe(isObject(config) ? config.layers : config)}`);
  const name = typeof config.name === 'string' && config.name !== '' ? config.name : undefined;
  const outputsOf = new Map<string, SymbolicTensor[]>();
  const pending: Array<{ layer: Layer; calls: unknown[]; done: number; first: number }> = [];
  const names = new Set<string>();
  config.layers.forEach((item, index) => {
    const entry = entryFrom(item, index);
    if (names.has(entry.name)) throw new Error(`${building.op}: two layers are named ${describe(entry.name)}`);
    names.add(entry.name);
    const calls = (item as Record<string, unknown>).inbound_nodes ?? [];
    if (!Array.isArray(calls)) throw new Error(`${building.op}: layer ${describe(entry.name)} has inbound_nodes ${describe(calls)}; expected an array of calls`);
    if (entry.className === 'InputLayer') {
      outputsOf.set(`${entry.name}#0`, [makeInputLayer(entry, loading).output as SymbolicTensor]);
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
          throw message.startsWith(building.op) ? error : new Error(`${building.op}: layer ${describe(p.layer.name)}: ${message}`);
        }
        outputsOf.set(`${p.layer.name}#${p.first + p.done++}`, Array.isArray(out) ? out : [out]);
        progress = true;
      }
    }
  }
  const stuck = pending.find((p) => p.done < p.calls.length);
  if (stuck) {
    const missing = callRefs(stuck.layer.name, stuck.calls[stuck.done]).find((r) => tensorAt(r) === undefined)!;
    throw new Error(`${building.op}: layer ${describe(stuck.layer.name)} reads output ${missing[2]} of call ${missing[1]} of layer ${describe(short(missing[0]))}, which the topology never makes`);
  }
  const ends = (key: 'input_layers' | 'output_layers') => {
    const list = config[key];
    if (!Array.isArray(list) || list.length === 0) throw new Error(`${building.op}: a functional model's config must list its ${key}, got ${describe(list)}`);
    return list.map((item, i) => {
      const ref = refOf(`${key}[${i}]`, item);
      const t = tensorAt(ref);
      if (!t) throw new Error(`${building.op}: ${key}[${i}] names output ${ref[2]} of call ${ref[1]} of layer ${describe(short(ref[0]))}, which the topology does not make`);
      return t;
    });
  };
  return new cls({ inputs: ends('input_layers'), outputs: ends('output_layers'), name });
}

/** The inputs of one saved call: TF.js's and Keras 2's [[layer, node, tensor, kwargs], ...], or Keras 3's { args, kwargs } of keras tensors. */
function callRefs(layerName: string, call: unknown): Ref[] {
  const where = `layer ${describe(layerName)}: a call in inbound_nodes`;
  if (isObject(call) && Array.isArray(call.args)) {
    const first = call.args[0];
    return (Array.isArray(first) ? first : [first]).map((t) => refOf(where, isObject(t) && isObject(t.config) ? t.config.keras_history : t));
  }
  if (!Array.isArray(call) || call.length === 0) throw new Error(`${building.op}: ${where} must be a non-empty list of [layer, node, tensor], got ${describe(call)}`);
  return call.map((item) => refOf(where, item));
}

/** One [layer name, node index, tensor index] reference, checked. */
function refOf(where: string, value: unknown): Ref {
  const ok = Array.isArray(value) && typeof value[0] === 'string' && Number.isSafeInteger(value[1]) && (value[1] as number) >= 0 && Number.isSafeInteger(value[2]) && (value[2] as number) >= 0;
  if (!ok) throw new Error(`${building.op}: ${where} must be [layer name, node index, tensor index], got ${describe(value)}`);
  return [value[0] as string, value[1] as number, value[2] as number];
}

/** The input shape from batch_input_shape / batch_shape ([null, ...sizes]) or input_shape ([...sizes]); null when absent. */
function inputShapeOf(layerName: string, cfg: Record<string, unknown>): Shape | null {
  const batch = cfg.batch_input_shape ?? cfg.batch_shape;
  const shape = batch !== undefined && batch !== null ? batch : cfg.input_shape !== undefined && cfg.input_shape !== null ? [null, ...(Array.isArray(cfg.input_shape) ? cfg.input_shape : [cfg.input_shape])] : null;
  if (shape === null) return null;
  const size = (d: unknown) => d === null || (Number.isSafeInteger(d) && (d as number) >= 1);
  if (!Array.isArray(shape) || shape.length < 2 || shape.length > 8 || !shape.every(size)) {
    throw new Error(`${building.op}: layer ${describe(layerName)} has input shape ${describe(shape)}; expected [batch or null, ...positive sizes or null]`);
  }
  return shape as Shape;
}

/** A config's dtype: Keras 3 writes a DTypePolicy object, whose name is the compute dtype. */
const dtypeName = (dtype: unknown): unknown => (isObject(dtype) && isObject(dtype.config) ? dtype.config.name : dtype);

/** Layers compute in float32; an input may be int32 (an embedding's indices). */
function checkDtype(layerName: string, dtype: unknown, input: boolean): void {
  const name = dtypeName(dtype);
  if (name === undefined || name === null || name === 'float32' || (input && name === 'int32')) return;
  throw new Error(`${building.op}: layer ${describe(layerName)} has dtype ${describe(name)}; neurite computes in float32 only`);
}

function activationName(entry: LayerEntry, value: unknown): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`${building.op}: layer ${describe(entry.name)} has activation ${describe(value)}; expected a name such as 'relu'`);
  // Keras's silu is swish; gelu_new is TF.js's own name, which camel case would turn into geluNew.
  return value === 'silu' ? 'swish' : value === 'gelu_new' ? value : toCamelCase(value);
}

/** An initializer from { class_name, config } (or an old Keras name string); undefined keeps neurite's default. */
function readInitializer(entry: LayerEntry, key: string): Initializer | undefined {
  const value = entry.config[key];
  if (value === undefined || value === null) return undefined;
  const where = `layer ${describe(entry.name)}: ${key}`;
  if (typeof value !== 'string' && !(isObject(value) && typeof value.class_name === 'string')) throw new Error(`${building.op}: ${where} must be { class_name, config }, got ${describe(value)}`);
  try {
    if (typeof value === 'string') return initializerFromConfig(value);
    // Keys and string values in camelCase, as TF.js's convertPythonicToTs reads them ('fan_avg' -> 'fanAvg').
    const config = isObject(value.config) ? Object.fromEntries(Object.entries(value.config).map(([k, v]) => [toCamelCase(k), typeof v === 'string' ? toCamelCase(v) : v])) : {};
    return initializerFromConfig(value.class_name as string, config);
  } catch (error) {
    throw new Error(`${building.op}: ${where}: ${(error as Error).message}`);
  }
}

/** A regularizer from { class_name: 'L1L2' | 'L1' | 'L2', config: { l1, l2 } }. */
function readRegularizer(entry: LayerEntry, key: string): Regularizer | undefined {
  const value = entry.config[key];
  if (value === undefined || value === null) return undefined;
  const where = `layer ${describe(entry.name)}: ${key}`;
  if (!isObject(value) || typeof value.class_name !== 'string') throw new Error(`${building.op}: ${where} must be an L1L2, L1 or L2 regularizer, got ${describe(isObject(value) ? value.class_name : value)}`);
  try {
    return regularizerFromConfig(value.class_name, isObject(value.config) ? value.config : {});
  } catch (error) {
    throw new Error(`${building.op}: ${where}: ${(error as Error).message}`);
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
    if (depth > 64) throw new Error(`${building.op}: layer ${describe(entry.name)} has a config nested more than 64 deep at ${short(key)}`);
    return typeof value === 'string' ? (key === 'name' ? value : toCamelCase(value))
      : Array.isArray(value) ? value.map((v) => camel(v, key, depth + 1))
      : isObject(value) ? Object.fromEntries(Object.entries(value).map(([k, v]) => [toCamelCase(k), camel(v, k, depth + 1)]))
      : value;
  };
  for (const [key, value] of Object.entries(entry.config)) {
    if (key === '__proto__') throw new Error(`${building.op}: layer ${describe(entry.name)} has a config key __proto__, which no layer takes`);
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
    if (message.startsWith(building.op)) throw error;
    throw new Error(`${building.op}: layer ${describe(entry.name)} (${entry.className}): ${message}`);
  }
}

/**
 * A new model from a topology in snake_case (model.json's modelTopology, or a Keras file's with model_config)
 * for the call `op`, which errors name. Its weights are made as its layers build: from the weight source when
 * loading weights (withWeightSource), else as the layers' initializers give them. `specs`, the file's weight
 * specs, give a Sequential model whose first Dense layer states no input shape its input size; `cls` is the
 * root model's class (the registered one by default); `classes` are layer classes by name beside the
 * registry's. Nothing stays allocated if it fails.
 */
export function modelFromTopology(op: string, topology: unknown, options: { specs?: WeightsManifestEntry[]; cls?: ModelClass; classes?: Record<string, unknown> } = {}): LayersModel {
  const outer = building;
  building = { op, classes: options.classes ?? {} };
  const loading: Loading = { made: [], specs: options.specs ?? [] };
  try {
    const model = buildModel(rootOf(topology), loading, 0, options.cls);
    const unbuilt = loading.made.find((layer) => !layer.built);
    if (unbuilt) throw new Error(`${op}: layer ${describe(unbuilt.name)} could not be built from the topology`);
    return model;
  } catch (error) {
    for (const layer of loading.made.reverse()) layer.dispose();
    throw error;
  } finally {
    building = outer;
  }
}

/**
 * A model of class cls (tf.LayersModel, tf.Sequential or a subclass) from its config, getConfig's or TF.js's,
 * with new weights: TF.js's LayersModel.fromConfig and Sequential.fromConfig. The config is spelt in
 * snake_case and built as a file's topology.
 */
export function modelFromConfig(cls: unknown, config: unknown): LayersModel {
  const op = 'fromConfig';
  if (!inherits(cls, 'Model')) throw new Error(`${op}: cls must be tf.LayersModel, tf.Sequential or a subclass of them, got ${describe(cls)}`);
  if (!isObject(config) && !Array.isArray(config)) throw new Error(`${op}: config must be a model's config (as model.getConfig() gives it), got ${describe(config)}`);
  const root = { class_name: inherits(cls, 'Sequential') ? 'Sequential' : 'Model', config: pythonic(op, config) };
  return modelFromTopology(op, root, { cls: cls as ModelClass });
}

// ---- user-defined metadata ----

/** The serialized length past which saving warns about user-defined metadata, as TF.js does. */
const MAX_USER_DEFINED_METADATA_LENGTH = 2 ** 20;

/** Metadata nested deeper than this is refused: a cycle, or a hostile file (checking it would overflow the stack). */
const MAX_METADATA_DEPTH = 1000;

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype;

/** Whether a value is JSON: null, a string, number or boolean, or an array or plain object of such values. */
const isPlainJson = (value: unknown, depth = 0): boolean =>
  value === null ||
  ['string', 'number', 'boolean'].includes(typeof value) ||
  (depth < MAX_METADATA_DEPTH && (Array.isArray(value) || isPlainObject(value)) && Object.values(value).every((v) => isPlainJson(v, depth + 1)));

/**
 * Throws unless user-defined metadata is a plain JSON object, as TF.js's checkUserDefinedMetadata. Given the
 * name of the model being saved, warns as TF.js does if the metadata's JSON is longer than 1 MiB.
 */
export function checkUserDefinedMetadata(op: string, metadata: unknown, modelName?: string): asserts metadata is {} {
  if (!isPlainObject(metadata) || !isPlainJson(metadata)) {
    throw new Error(`${op}: user-defined metadata must be a plain JSON object (of strings, numbers, booleans, null, arrays and plain objects, at most ${MAX_METADATA_DEPTH} deep), got ${describe(metadata)}`);
  }
  const length = modelName === undefined ? 0 : JSON.stringify(metadata).length;
  if (length > MAX_USER_DEFINED_METADATA_LENGTH) {
    console.warn(`User-defined metadata of model "${modelName}" is too large in size (length=${length} when serialized). It is not recommended to store such large objects in user-defined metadata. Please make sure its serialized length is <= ${MAX_USER_DEFINED_METADATA_LENGTH}.`);
  }
}

// ---- messages and names ----

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

/** 'dense_1/kernel:0' and 'sequential/dense_1/kernel' both name dense_1/kernel. */
export function nameMatches(specName: string, wanted: string): boolean {
  const name = specName.replace(/:\d+$/, '');
  return name === wanted || name.endsWith('/' + wanted);
}
