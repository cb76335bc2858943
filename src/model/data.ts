// Training data as the model's calls lay it out: the inputs and the targets checked and converted once per
// call (Data), the batch buffers reused across epochs, rows gathered in a shuffled order, and the checks on
// datasets' elements. Copies go through the heap's i32 view, so they are bit-exact.

import { word } from '../backend/heap.js';
import type { Ptr } from '../backend/kernels.js';
import { Block } from '../block.js';
import { Dataset } from '../data/dataset.js';
import { activeBackend } from '../engine.js';
import { type Shape, shapeText } from '../layers/layer.js';
import type { LossSpec } from '../losses.js';
import { cast } from '../ops/cast.js';
import { empty } from '../ops/op.js';
import { fromValues } from '../ops/values.js';
import { dispose, Tensor, type TensorContainer } from '../tensor/tensor.js';
import { checkTensor, describe, didYouMean } from '../validate.js';
import { shapesThrough } from './graph.js';
import type { LayersModel } from './model.js';

/** Training data checked and laid out for the loss: input rows as given (one tensor per model input), targets as each output's loss reads them. */
export interface Data {
  rows: number;
  xs: Tensor[];
  /** Per output: float32 of the output's shape, or int32 without its last axis (sparse labels). */
  targets: Tensor[];
  /** Tensors made by the conversion, to dispose afterwards. */
  temporary: Tensor[];
  /** float32 [rows]: each sample's loss weight (classWeight), or none. */
  weights?: Tensor;
}

/** A tensor only its maker disposes (a gradient sink, a batch buffer), with a name for an out-of-memory Error. */
export function manual(op: string, shape: number[], what: string, dtype: Tensor['dtype'] = 'float32'): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return new Tensor(shape, dtype, new Block(size * 4, null, op, what), 'manual');
}

/**
 * The batch tensors for `count` rows, made on first use and reused every epoch: inputs, targets, sample weights;
 * or (`numbered`) only the numbers of the rows, for a step that gathers them itself.
 */
export function batchOf(batches: Map<number, Batch>, count: number, train: Pick<Data, 'xs' | 'targets' | 'weights'>, numbered = false): Batch {
  let batch = batches.get(count);
  if (!batch) batches.set(count, (batch = { xs: [], targets: [], weights: null, index: null }));
  if (numbered) {
    batch.index ??= manual('fit', [count], 'the numbers of a batch of rows', 'int32');
    return batch;
  }
  // Each kept as it is made: a failure on one leaves the others to be freed with the rest.
  for (let i = batch.xs.length; i < train.xs.length; i++) batch.xs.push(manual('fit', [count, ...train.xs[i].shape.slice(1)], 'a batch of inputs'));
  for (let i = batch.targets.length; i < train.targets.length; i++) {
    const t = train.targets[i];
    batch.targets.push(manual('fit', [count, ...t.shape.slice(1)], 'a batch of targets', t.dtype));
  }
  if (train.weights && !batch.weights) batch.weights = manual('fit', [count], 'a batch of sample weights');
  return batch;
}

/** One batch size's tensors, reused every epoch. */
export interface Batch {
  xs: Tensor[];
  targets: Tensor[];
  weights: Tensor | null;
  /** The numbers of the rows (see batchOf). */
  index: Tensor | null;
}

/** The tensors of the batches, to free. */
export const batchTensors = (batches: Map<number, Batch>): Tensor[] => [...batches.values()].flatMap((b) => [...b.xs, ...b.targets, ...(b.weights ? [b.weights] : []), ...(b.index ? [b.index] : [])]);

/** Throws unless `value` is a tf.data Dataset (or a user's subclass of one). */
export function checkDataset(op: string, name: string, value: unknown): asserts value is Dataset<TensorContainer> {
  if (!(value instanceof Dataset) && !(value !== null && typeof value === 'object' && typeof (value as Dataset).iterator === 'function')) {
    throw new Error(`${op}: ${name} must be a tf.data Dataset, got ${describe(value)}`);
  }
}

/** The tensors in a dataset element (a tensor, or arrays and objects of them). */
export function tensorsOf(value: unknown): Tensor[] {
  if (value instanceof Tensor) return [value];
  if (Array.isArray(value)) return value.flatMap(tensorsOf);
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(tensorsOf);
  return [];
}

/** Copies all of src into dst, of the same size (through i32: bit-exact). */
export function copyInto(src: Tensor, dst: Tensor): void {
  const from = word(src.ptr('fitDataset'));
  activeBackend().heap.i32.copyWithin(word(dst.ptr('fitDataset')), from, from + src.size);
}

/** Throws naming the first NaN or infinite value of x. */
export function checkFinite(op: string, name: string, t: Tensor): void {
  if (Number.isFinite(activeBackend().kernels.sum(t.ptr(), t.size))) return;
  const values = t.dataSync();
  const bad = values.findIndex((v) => !Number.isFinite(v));
  if (bad < 0) return; // the sum overflowed; every value is finite
  let rest = bad;
  const index = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1)).map((stride) => {
    const at = Math.floor(rest / stride);
    rest -= at * stride;
    return `[${at}]`;
  });
  throw new Error(`${op}: ${name} must be finite, but ${name}${index.join('')} is ${values[bad]}`);
}

/** A new tensor of `count` rows of t from row `start`. */
export function rowsOf(op: string, t: Tensor, start: number, count: number): Tensor {
  const width = t.size / t.shape[0];
  const out = empty(op, [count, ...t.shape.slice(1)], t.dtype);
  const [from, to] = [word(t.ptr(op)) + start * width, word(out.ptr(op))];
  activeBackend().heap.i32.copyWithin(to, from, from + count * width);
  return out;
}

/**
 * A new order of the rows (0..rows(order)) into `order` and, as i32, into the heap at `at` (for gatherRows):
 * Fisher–Yates with uniforms from the seeded PRNG (drawn at `at` first), so setSeed makes it reproducible.
 */
export function shuffleOrder(order: Int32Array, at: Ptr): void {
  const backend = activeBackend();
  backend.kernels.rngUniform(backend.rngState, at, order.length, 0, 1);
  const u = backend.heap.f32;
  const base = word(at);
  for (let i = 0; i < order.length; i++) order[i] = i;
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[base + i] * (i + 1)));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
  backend.heap.i32.set(order, base);
}

/**
 * Copies to out the rows of src numbered order[start..start+rows(out)) (i32 at `order` in the heap) by a kernel,
 * or without an order (0) the rows from start on; bit-exact. (A copy per row from JavaScript took 150 us for
 * 256 MNIST rows, the kernel 30.)
 */
export function gatherRows(src: Tensor, out: Tensor, order: Ptr, start: number): void {
  const width = src.size / src.shape[0];
  const count = out.shape[0];
  const [s, d] = [src.ptr('fit'), out.ptr('fit')];
  if (order) activeBackend().kernels.gather(s, order + start * 4, d, 1, 1, src.shape[0], count, width);
  else activeBackend().heap.u8.copyWithin(d, s + start * width * 4, s + (start + count) * width * 4);
}

/** Writes the numbers of the rows order[start..start+size(index)) (or, without an order, start on) into index (i32). */
export function rowNumbers(index: Tensor, order: Ptr, start: number): void {
  const at = index.ptr('fit');
  const heap = activeBackend().heap;
  if (order) heap.u8.copyWithin(at, order + start * 4, order + (start + index.size) * 4);
  else for (let i = 0; i < index.size; i++) heap.i32[word(at) + i] = start + i;
}

// ---- checking the data a call is given ----

/** The tensors given for the model's inputs (or targets for its outputs): one, an array, or a map by name, in the model's order. */
function tensorsFor(op: string, name: string, value: unknown, names: string[]): Array<{ tensor: unknown; at: string }> {
  const what = name === 'x' ? 'input' : 'output';
  if (Array.isArray(value)) {
    if (value.length !== names.length) throw new Error(`${op}: ${name} must have one tensor per model ${what} (${names.length}: ${names.join(', ')}), got an array of ${value.length}`);
    return value.map((tensor, i) => ({ tensor, at: `${name}[${i}]` }));
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Tensor)) {
    // As TF.js: the entries the model has no use for are left alone (a dataset's element may carry more).
    const map = value as Record<string, unknown>;
    return names.map((n) => {
      const others = Object.keys(map).filter((key) => !names.includes(key));
      if (!(n in map)) throw new Error(`${op}: ${name} gives no tensor for the model's ${what} ${n}${others.length > 0 ? didYouMean(n, others) : ''}; the ${what}s are ${names.join(', ')}`);
      return { tensor: map[n], at: `${name}.${n}` };
    });
  }
  if (names.length > 1) throw new Error(`${op}: the model has ${names.length} ${what}s (${names.join(', ')}); give ${name} as an array or a map of ${names.length} tensors, got ${describe(value)}`);
  return [{ tensor: value, at: name }];
}

/** Checks each input against the model's input shapes (or, for a Sequential model not yet built, `expected`). */
export function prepareInput(model: LayersModel, op: string, x: unknown, expected = model.inputShapes): Data {
  const names = model.graph ? model.inputNames : ['input'];
  const given = tensorsFor(op, 'x', x, names);
  const temporary: Tensor[] = [];
  try {
    const xs = given.map(({ tensor, at }, i) => {
      checkTensor(op, at, tensor);
      if (tensor.rank < 2 && !(expected && expected[i].length === tensor.rank)) throw new Error(`${op}: ${at} must have shape [samples, ...features], got [${tensor.shape.join(', ')}]`);
      if (tensor.shape[0] === 0) throw new Error(`${op}: ${at} has no samples`);
      const want = expected?.[i];
      if (want && (tensor.rank !== want.length || want.some((d, j) => j > 0 && d !== null && d !== tensor.shape[j]))) {
        const wanted = want.length === 2 && tensor.rank === 2 ? `${want[1]} features per sample` : `shape [samples, ${want.slice(1).map((d) => d ?? 'any').join(', ')}] (the model's input)`;
        throw new Error(`${op}: ${at} must have ${wanted}, got shape [${tensor.shape.join(', ')}]`);
      }
      if (tensor.dtype === 'float32') {
        checkFinite(op, at, tensor);
        return tensor;
      }
      // int32 and bool inputs compute as float32, as TF.js's matMul casts them.
      const float = cast(tensor, 'float32');
      temporary.push(float);
      return float;
    });
    const rows = xs[0].shape[0];
    xs.forEach((t, i) => {
      if (t.shape[0] !== rows) throw new Error(`${op}: every input must have the same number of samples, but ${given[0].at} has ${rows} and ${given[i].at} has ${t.shape[0]}`);
    });
    return { rows, xs, targets: [], temporary };
  } catch (error) {
    dispose(temporary);
    throw error;
  }
}

/**
 * Checks x and y against the model and the losses; converts each target to what its loss kernel reads:
 * float32 of the output's shape, or int32 class indices of the output's shape without its last axis (sparse).
 */
export function prepare(model: LayersModel, op: string, x: unknown, y: unknown, expected = model.inputShapes): Data {
  const data = prepareInput(model, op, x, expected);
  try {
    const outputs = outputShapesOf(model, data.xs);
    const given = tensorsFor(op, 'y', y, model.graph ? model.outputNames : ['output']);
    given.forEach(({ tensor, at }, i) => data.targets.push(prepareTarget(op, data, tensor, at, outputs[i], model.compiled![i].loss)));
    return data;
  } catch (error) {
    dispose(data.temporary);
    throw error;
  }
}

function prepareTarget(op: string, data: Data, y: unknown, name: string, shape: Shape, loss: LossSpec): Tensor {
  const rows = data.rows;
  checkTensor(op, name, y);
  const out = [rows, ...(shape.slice(1) as number[])];
  const outputs = out[out.length - 1];
  if (y.shape[0] !== rows) throw new Error(`${op}: x and ${name} must have the same number of samples, got ${rows} and ${y.shape[0]}`);
  const same = (s: number[]) => y.rank === s.length && s.every((d, i) => y.shape[i] === d);
  if (loss.sparse) {
    const indices = out.slice(0, -1);
    if (!same(indices) && !same([...indices, 1])) {
      const wanted = indices.length === 1 ? '[samples] or [samples, 1]' : `[${indices.join(', ')}]`;
      throw new Error(`${op}: ${name} must hold one class index per sample (${wanted}), got [${y.shape.join(', ')}]`);
    }
    const labels = y.dataSync();
    for (let i = 0; i < labels.length; i++) {
      const v = labels[i];
      if (!Number.isInteger(v) || v < 0 || v >= outputs) throw new Error(`${op}: ${name}[${i}] must be a class index in [0, ${outputs - 1}], got ${v}`);
    }
    if (y.dtype === 'int32' && y.rank === indices.length) return y;
    const target = empty(op, indices, 'int32');
    data.temporary.push(target);
    activeBackend().heap.i32.set(labels, word(target.ptr()));
    return target;
  }
  if (!same(out) && !(out.length === 2 && outputs === 1 && same([rows]))) {
    throw new Error(`${op}: ${name} must have shape [${out.join(', ')}] to match the model's output, got [${y.shape.join(', ')}]`);
  }
  if (y.dtype === 'float32' && y.rank === out.length) {
    checkFinite(op, name, y);
    return y;
  }
  const values = y.dataSync();
  const target = empty(op, out, 'float32');
  data.temporary.push(target);
  activeBackend().heap.f32.set(values, word(target.ptr()));
  checkFinite(op, name, target);
  return target;
}

/**
 * Each sample's loss weight from classWeight, by the class its target names: the label (sparse), the largest
 * entry of a one-hot row, or the rounded value of a single output. Every class in the data needs a weight.
 */
export function classWeightsOf(model: LayersModel, op: string, given: ClassWeightArg, targets: Tensor[]): Tensor {
  if (targets.length > 1) throw new Error(`${op}: classWeight is supported for models of one output; this one has ${targets.length}`);
  const classWeight = ownClassWeight(model, op, given);
  const target = targets[0];
  const rows = target.shape[0];
  const per = target.size / rows;
  const shape = model.outputShapes![0];
  if (shape.length > 2) throw new Error(`${op}: classWeight needs outputs of shape [samples, classes], got ${shapeText(shape)}`);
  const values = target.dataSync();
  const weights = new Float32Array(rows);
  for (let i = 0; i < rows; i++) {
    let cls = per === 1 ? Math.round(values[i]) : 0;
    for (let j = 1; j < per; j++) if (values[i * per + j] > values[i * per + cls]) cls = j;
    const weight = classWeight[cls];
    if (weight === undefined) throw new Error(`${op}: classWeight has no weight for class ${cls}, which y holds (sample ${i}); give every class in the data a weight`);
    weights[i] = weight;
  }
  return fromValues(op, 'classWeight', weights, [rows], 'float32');
}

/** A weight per class index; or one such map per output, in an array or by output name (TF.js's forms). */
export type ClassWeight = Record<number, number>;
export type ClassWeightArg = ClassWeight | ClassWeight[] | Record<string, ClassWeight>;
/** A key of a class weight map. */
export const CLASS_INDEX = /^(0|[1-9]\d*)$/;

/** Whether class weights are given by output name ({ out: { 0: 1 } }): every key a name, every value a map. */
export function byOutputName(classWeight: object): boolean {
  const entries = Object.entries(classWeight);
  return entries.length > 0 && entries.every(([key, v]) => !CLASS_INDEX.test(key) && v !== null && typeof v === 'object');
}

/** The class weights of a model's one output, given as they are or in TF.js's forms by output (checked by fit). */
function ownClassWeight(model: LayersModel, op: string, given: ClassWeightArg): ClassWeight {
  const [name] = model.outputNames;
  if (Array.isArray(given)) {
    if (given.length !== 1) throw new Error(`${op}: classWeight as an array needs one map per output: 1, got ${given.length}`);
    return given[0];
  }
  if (!byOutputName(given)) return given as ClassWeight;
  const keys = Object.keys(given);
  if (keys.length !== 1 || keys[0] !== name) throw new Error(`${op}: classWeight by output name must name the model's output ${describe(name)}, got ${keys.map((k) => describe(k)).join(', ')}`);
  return (given as Record<string, ClassWeight>)[name];
}

/** One element of a dataset as a batch: { xs, ys }, each a tensor, an array or a map of them, checked as fit checks x and y. */
export function batchFrom(model: LayersModel, op: string, value: unknown, index: number): Data {
  const element = value as { xs?: unknown; ys?: unknown } | null;
  const given = (v: unknown) => v instanceof Tensor || (v !== null && typeof v === 'object' && tensorsOf(v).length > 0);
  if (element === null || typeof element !== 'object' || !given(element.xs) || !given(element.ys)) {
    dispose(tensorsOf(value));
    throw new Error(`${op}: element ${index} of the dataset must be { xs, ys }, a tensor each (or an array or map of them for several inputs or outputs; batch the dataset with .batch(n)), got ${describe(value)}`);
  }
  try {
    return prepare(model, `${op} (element ${index})`, element.xs, element.ys);
  } catch (error) {
    dispose(tensorsOf(value));
    throw error;
  }
}

/** The shapes of data's inputs, with a null batch axis. */
export const shapesOf = (xs: Tensor[]): Shape[] => xs.map((x) => [null, ...x.shape.slice(1)]);

/** The output shapes for inputs xs: sizes the model leaves open (an embedding's length, without inputLength) are the data's. */
export function outputShapesOf(model: LayersModel, xs: Tensor[]): Shape[] {
  return model.graph ? shapesThrough(model.graph, shapesOf(xs)) : [model.outputShapeFor(xs[0].shape)];
}
