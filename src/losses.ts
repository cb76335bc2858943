// Losses and metrics by TF.js's names. A loss is a kernel code; when the network ends in the matching
// activation (sigmoid for binary, softmax for categorical) training uses the fused kernel on the logits,
// which has the same gradient and is stable where the probabilities saturate. Metrics are computed per
// batch on the output probabilities, as TF.js averages them.

import type { Heap } from './backend/heap.js';
import { Loss, type Kernels, type Ptr } from './backend/kernels.js';
import { describe } from './validate.js';
import { word } from './backend/heap.js';

export type LossIdentifier = 'meanSquaredError' | 'meanAbsoluteError' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';

const LOSSES: Record<string, LossIdentifier> = {
  meanSquaredError: 'meanSquaredError',
  mse: 'meanSquaredError',
  mean_squared_error: 'meanSquaredError',
  meanAbsoluteError: 'meanAbsoluteError',
  mae: 'meanAbsoluteError',
  mean_absolute_error: 'meanAbsoluteError',
  binaryCrossentropy: 'binaryCrossentropy',
  binary_crossentropy: 'binaryCrossentropy',
  categoricalCrossentropy: 'categoricalCrossentropy',
  categorical_crossentropy: 'categoricalCrossentropy',
  sparseCategoricalCrossentropy: 'sparseCategoricalCrossentropy',
  sparse_categorical_crossentropy: 'sparseCategoricalCrossentropy',
};

export interface LossSpec {
  name: LossIdentifier;
  /** The kernel on the output probabilities / values. */
  code: Loss;
  /** The fused kernel on the logits, used when the last activation matches. */
  fusedWith: 'sigmoid' | 'softmax' | null;
  fusedCode: Loss;
  /** Targets are int32 class indices, one per sample. */
  sparse: boolean;
}

export function getLoss(op: string, value: unknown): LossSpec {
  const name = typeof value === 'string' && Object.hasOwn(LOSSES, value) ? LOSSES[value] : null;
  switch (name) {
    case 'meanSquaredError':
      return { name, code: Loss.MeanSquared, fusedWith: null, fusedCode: Loss.MeanSquared, sparse: false };
    case 'meanAbsoluteError':
      return { name, code: Loss.MeanAbsolute, fusedWith: null, fusedCode: Loss.MeanAbsolute, sparse: false };
    case 'binaryCrossentropy':
      return { name, code: Loss.BinaryCrossentropy, fusedWith: 'sigmoid', fusedCode: Loss.BinaryCrossentropyLogits, sparse: false };
    case 'categoricalCrossentropy':
      return { name, code: Loss.CategoricalCrossentropy, fusedWith: 'softmax', fusedCode: Loss.CategoricalCrossentropyLogits, sparse: false };
    case 'sparseCategoricalCrossentropy':
      return { name, code: Loss.SparseCategoricalCrossentropy, fusedWith: 'softmax', fusedCode: Loss.SparseCategoricalCrossentropyLogits, sparse: true };
  }
  throw new Error(`${op}: loss must be one of ${Object.keys(LOSSES).join(', ')}; got ${describe(value)}`);
}

export interface Metric {
  /** The key in logs and History, e.g. 'acc' or 'mse'. */
  key: string;
  /** Mean value over a batch of m rows of width n: y the outputs, target as the loss takes it. */
  compute(kernels: Kernels, heap: Heap, y: Ptr, target: Ptr, m: number, n: number): number;
}

function binaryAccuracy(_k: Kernels, heap: Heap, y: Ptr, target: Ptr, m: number, n: number): number {
  const f32 = heap.f32;
  const yi = word(y);
  const ti = word(target);
  let hits = 0;
  for (let i = 0; i < m * n; i++) hits += +(f32[yi + i] > 0.5 === f32[ti + i] > 0.5);
  return hits / (m * n);
}

function rowArgMax(f32: Float32Array, start: number, n: number): number {
  let best = 0;
  for (let j = 1; j < n; j++) if (f32[start + j] > f32[start + best]) best = j;
  return best;
}

function categoricalAccuracy(_k: Kernels, heap: Heap, y: Ptr, target: Ptr, m: number, n: number): number {
  const f32 = heap.f32;
  let hits = 0;
  for (let i = 0; i < m; i++) hits += +(rowArgMax(f32, word(y) + i * n, n) === rowArgMax(f32, word(target) + i * n, n));
  return hits / m;
}

function sparseCategoricalAccuracy(_k: Kernels, heap: Heap, y: Ptr, target: Ptr, m: number, n: number): number {
  let hits = 0;
  for (let i = 0; i < m; i++) hits += +(rowArgMax(heap.f32, word(y) + i * n, n) === heap.i32[word(target) + i]);
  return hits / m;
}

const lossMetric = (code: Loss) => (k: Kernels, _heap: Heap, y: Ptr, target: Ptr, m: number, n: number) => k.loss(code, y, target, 0, m, n, 0);

/** A metric by name; 'accuracy'/'acc' picks the accuracy that fits the loss and output width, as TF.js does. */
export function getMetric(op: string, value: unknown, loss: LossSpec, outputWidth: number): Metric {
  switch (value) {
    case 'accuracy':
    case 'acc': {
      const compute =
        loss.sparse ? sparseCategoricalAccuracy
        : loss.name === 'binaryCrossentropy' || (loss.name !== 'categoricalCrossentropy' && outputWidth === 1) ? binaryAccuracy
        : categoricalAccuracy;
      return { key: 'acc', compute };
    }
    case 'binaryAccuracy':
    case 'categoricalAccuracy':
      if (loss.sparse) throw new Error(`${op}: metric ${value} needs targets of the output's shape; with sparse labels use sparseCategoricalAccuracy`);
      return { key: value, compute: value === 'binaryAccuracy' ? binaryAccuracy : categoricalAccuracy };
    case 'sparseCategoricalAccuracy':
      if (!loss.sparse) throw new Error(`${op}: metric sparseCategoricalAccuracy needs the sparseCategoricalCrossentropy loss (int32 labels)`);
      return { key: value, compute: sparseCategoricalAccuracy };
    case 'mse':
    case 'meanSquaredError':
    case 'mae':
    case 'meanAbsoluteError':
      if (loss.sparse) throw new Error(`${op}: metric ${value} needs targets of the output's shape, not sparse labels`);
      return { key: value, compute: lossMetric(value === 'mse' || value === 'meanSquaredError' ? Loss.MeanSquared : Loss.MeanAbsolute) };
  }
  throw new Error(
    `${op}: metrics must be among accuracy, acc, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy, mse, mae; got ${describe(value)}`,
  );
}
