// A model to and from ModelArtifacts in the TF.js Layers format: the topology (topology.ts), user-defined
// metadata, weight specs, and float32 weight data. Loading checks the topology, the manifest and its sizes and
// the data length before it allocates, and each weight's shape and values before that weight is made; a
// refused file leaves memory as it was. Artifacts without weights make a model with new weights, as in
// TF.js. Left out: training config and optimizer state (ignored when loading, not written when saving).

import { MAX_PAGES, PAGE_BYTES } from '../backend/heap.js';
import { version } from '../version.js';
import { type Layer, withWeightSource } from '../layers/layer.js';
import type { LayersModel } from '../model/model.js';
import { sizeOf } from '../tensor/tensor.js';
import { describe } from '../validate.js';
import { checkUserDefinedMetadata, isObject, listed, modelFromTopology, modelTopology, nameMatches, short } from './topology.js';
import type { ModelArtifacts, WeightsManifestEntry } from './types.js';

const LOAD = 'loadLayersModel';

/** A weight data source's name in messages ('weights.bin', a URL); handlers register theirs here. */
export const weightSources = new WeakMap<object, string>();

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
  const artifacts: ModelArtifacts = { modelTopology: modelTopology('save', model), format: 'layers-model', generatedBy: `neurite v${version}`, convertedBy: null };
  const metadata = model.getUserDefinedMetadata();
  if (metadata !== undefined) {
    checkUserDefinedMetadata('save', metadata, model.name);
    artifacts.userDefinedMetadata = metadata;
  }
  return { ...artifacts, weightData: data.buffer, weightSpecs };
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

/**
 * A new model from artifacts; everything is checked first, and nothing stays allocated if it fails. Artifacts
 * without weights (neither weightSpecs nor weightData) give the model new weights, as TF.js does; `classes`
 * are layer classes by name beside the registry's (modelFromJSON's customObjects).
 */
export function modelFromArtifacts(artifacts: ModelArtifacts, classes?: Record<string, unknown>): LayersModel {
  if (!isObject(artifacts)) throw new Error(`${LOAD}: the load handler returned ${describe(artifacts)} instead of model artifacts`);
  if (artifacts.format !== undefined && artifacts.format !== null && artifacts.format !== 'layers-model') {
    throw new Error(`${LOAD}: the model's format is ${describe(artifacts.format)}; neurite loads 'layers-model' (TF.js Layers) models`);
  }
  if (artifacts.weightData == null && typeof artifacts.getWeightStream === 'function') {
    throw new Error(`${LOAD}: the artifacts give the weights as a stream (getWeightStream, TF.js's streamWeights); neurite needs them as weightData`);
  }
  const metadata = artifacts.userDefinedMetadata;
  if (metadata != null) checkUserDefinedMetadata(LOAD, metadata);
  const model = artifacts.weightSpecs == null && artifacts.weightData == null ? modelFromTopology(LOAD, artifacts.modelTopology, { classes }) : withWeights(artifacts, classes);
  if (metadata != null) model.setUserDefinedMetadata(metadata);
  return model;
}

/** The model of artifacts with weights, each weight taking its saved values as its layer builds: found and checked before it is allocated. */
function withWeights(artifacts: ModelArtifacts, classes?: Record<string, unknown>): LayersModel {
  const manifest = layout(artifacts.weightSpecs);
  const parts = weightParts(artifacts.weightData);
  checkDataLength(manifest, parts.reduce((n, p) => n + p.byteLength, 0), weightSources.get(artifacts) ?? 'the weight data');
  const data = parts.length === 1 ? parts[0] : concatBytes(parts);
  const modelWeights = manifest.weights.filter((l) => l.spec.group !== 'optimizer');
  const used = new Set<Located>();
  const source = (layer: Layer, weight: string, shape: number[]) => {
    const l = find(`${layer.name}/${weight}`, modelWeights);
    used.add(l);
    return decode(layer, weight, shape, l, data);
  };
  const model = withWeightSource(source, () => modelFromTopology(LOAD, artifacts.modelTopology, { specs: manifest.weights.map((l) => l.spec), classes }));
  const extra = modelWeights.filter((l) => !used.has(l));
  if (extra.length > 0) {
    model.dispose();
    throw new Error(`${LOAD}: the weights manifest has weights no layer uses: ${listed(extra.map((l) => l.spec.name))}`);
  }
  return model;
}
