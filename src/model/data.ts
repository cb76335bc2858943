// Training data as the model's calls lay it out: the inputs and the targets checked and converted once per
// call (Data), the batch buffers reused across epochs, rows gathered in a shuffled order, and the checks on
// datasets' elements. Copies go through the heap's i32 view, so they are bit-exact.

import { word } from '../backend/heap.js';
import { Block } from '../block.js';
import { Dataset } from '../data/dataset.js';
import { activeBackend } from '../engine.js';
import { empty } from '../ops/op.js';
import { Tensor, type TensorContainer } from '../tensor/tensor.js';
import { describe } from '../validate.js';

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

/** The batch tensors for `count` rows, made on first use and reused every epoch: inputs, targets, sample weights. */
export function batchOf(batches: Map<number, Batch>, count: number, train: Pick<Data, 'xs' | 'targets' | 'weights'>): Batch {
  let batch = batches.get(count);
  if (!batch) batches.set(count, (batch = { xs: [], targets: [], weights: null }));
  // Each kept as it is made: a failure on one leaves the others to be freed with the rest.
  for (const x of train.xs.slice(batch.xs.length)) batch.xs.push(manual('fit', [count, ...x.shape.slice(1)], 'a batch of inputs'));
  for (const t of train.targets.slice(batch.targets.length)) batch.targets.push(manual('fit', [count, ...t.shape.slice(1)], 'a batch of targets', t.dtype));
  if (train.weights && !batch.weights) batch.weights = manual('fit', [count], 'a batch of sample weights');
  return batch;
}

/** One batch size's tensors, reused every epoch. */
export interface Batch {
  xs: Tensor[];
  targets: Tensor[];
  weights: Tensor | null;
}

/** The tensors of the batches, to free. */
export const batchTensors = (batches: Map<number, Batch>): Tensor[] => [...batches.values()].flatMap((b) => [...b.xs, ...b.targets, ...(b.weights ? [b.weights] : [])]);

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

/** Fisher–Yates with uniforms from the seeded PRNG, so setSeed makes the order reproducible. */
export function shuffleOrder(order: Int32Array, randoms: number): void {
  const backend = activeBackend();
  backend.kernels.rngUniform(backend.rngState, randoms, order.length, 0, 1);
  const u = backend.heap.f32;
  const base = word(randoms);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.min(i, Math.floor(u[base + i] * (i + 1)));
    const tmp = order[i];
    order[i] = order[j];
    order[j] = tmp;
  }
}

/** Copies the rows order[start..start+rows(out)) of src to out, row by row (through i32: bit-exact). */
export function gatherRows(src: Tensor, out: Tensor, order: Int32Array, start: number): void {
  const width = src.size / src.shape[0];
  const count = out.shape[0];
  const [s, d] = [word(src.ptr('fit')), word(out.ptr('fit'))];
  const i32 = activeBackend().heap.i32;
  if (width < 16) {
    // Narrow rows: an indexed copy beats a copyWithin call per row.
    for (let i = 0; i < count; i++) {
      const from = s + order[start + i] * width;
      const to = d + i * width;
      for (let j = 0; j < width; j++) i32[to + j] = i32[from + j];
    }
    return;
  }
  for (let i = 0; i < count; i++) {
    const from = s + order[start + i] * width;
    i32.copyWithin(d + i * width, from, from + width);
  }
}
