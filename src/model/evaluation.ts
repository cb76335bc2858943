// What a model computes without training: predictions in chunks, and the loss and metrics over data (tensors
// or a dataset), as TF.js's predict, evaluate and evaluateDataset.

import { recording } from '../autodiff/tape.js';
import { word } from '../backend/heap.js';
import type { Dataset } from '../data/dataset.js';
import { activeBackend } from '../engine.js';
import { activate } from '../ops/fused.js';
import { empty } from '../ops/op.js';
import { fromValues } from '../ops/values.js';
import { dispose, type Tensor, type TensorContainer, tidy } from '../tensor/tensor.js';
import { checkCallOptions, is, type Schema } from '../validate.js';
import type { Logs, ProgressBar } from './callbacks.js';
import { batchFrom, checkDataset, type Data, outputShapesOf, prepare, prepareInput, rowsOf, shapesOf, tensorsOf } from './data.js';
import { progressBar } from './hooks.js';
import type { LayersModel, TensorOrArrayOrMap } from './model.js';
import { addMetrics, lossOf, type Plan, planFor } from './step.js';

const EVALUATE_DATASET_OPTIONS: Schema = { batches: is.int(1), verbose: is.oneOf(0, 1, false, true) };
const EVALUATE_OPTIONS: Schema = { batchSize: is.int(1), verbose: is.oneOf(0, 1, false, true), sampleWeight: is.unsupported(), steps: is.unsupported() };
const PREDICT_OPTIONS: Schema = { batchSize: is.int(1), verbose: is.bool };

/** Loss and metric sums over data in chunks, without training (and, as TF.js, without regularization). */
export function measure(model: LayersModel, op: string, data: Data, batchSize: number, plan: Plan, bar: ProgressBar | null = null): Float64Array {
  // Unweighted, as in TF.js: class weights (a training plan holds its last batch's) are for training.
  const unweighted = plan.weights ? { ...plan, weights: null } : plan;
  const sums = new Float64Array(plan.keys.length);
  const several = plan.outputs.length > 1;
  for (let start = 0, step = 1; start < data.rows; start += batchSize, step++) {
    const rows = Math.min(batchSize, data.rows - start);
    tidy(() => {
      const xs = data.xs.map((x) => rowsOf(op, x, start, rows));
      const targets = data.targets.map((t) => rowsOf(op, t, start, rows));
      const outs = model.forward(xs, false, plan.logits);
      const { loss, losses } = lossOf(op, unweighted, outs, targets);
      sums[0] += rows * loss.dataSync()[0];
      if (several) losses.forEach((l, i) => (sums[1 + i] += rows * l.dataSync()[0]));
      addMetrics(plan, outs.map((o, i) => activate(o, plan.outputs[i].folded)), targets, sums);
    });
    const seen = start + rows;
    bar?.progress(step, seen, () => logsFrom(plan, sums, seen));
  }
  return sums;
}

export function logsFrom(plan: Plan, sums: Float64Array, rows: number, prefix = ''): Logs {
  const logs: Logs = {};
  // Averaged in f64, given as float32 values, as TF.js's logs are (so they print alike).
  plan.keys.forEach((key, i) => (logs[prefix + key] = Math.fround(sums[i] / rows)));
  return logs;
}

export function predict(model: LayersModel, x: TensorOrArrayOrMap, args?: { batchSize?: number; verbose?: boolean }): Tensor | Tensor[] {
  model.checkLive('predict');
  const { batchSize = 1024, verbose = false } = checkCallOptions('predict', 'args', args, PREDICT_OPTIONS);
  model.checkHasLayers('predict');
  const data = prepareInput(model, 'predict', x);
  try {
    model.allocate('predict', shapesOf(data.xs));
    // Inside a gradient (tf.variableGrads(() => model.predict(x)...)) the outputs are the tape's, in one piece.
    const taped = recording();
    const bar = taped ? null : progressBar(verbose ? 1 : 0, Math.ceil(data.rows / batchSize));
    bar?.begin();
    const outs = taped ? model.forward(data.xs, false, null) : predictInChunks(model, data, batchSize, bar);
    bar?.end({});
    return outs.length === 1 ? outs[0] : outs;
  } finally {
    dispose(data.temporary);
  }
}

/** Outputs for the data, in chunks of batchSize rows copied into one tensor per output. */
export function predictInChunks(model: LayersModel, data: Data, batchSize: number, bar: ProgressBar | null = null): Tensor[] {
  const outs: Tensor[] = [];
  try {
    for (const shape of outputShapesOf(model, data.xs)) outs.push(empty('predict', [data.rows, ...(shape.slice(1) as number[])], 'float32'));
    for (let start = 0, step = 1; start < data.rows; start += batchSize, step++) {
      const rows = Math.min(batchSize, data.rows - start);
      tidy(() => {
        const ys = model.forward(data.xs.map((x) => rowsOf('predict', x, start, rows)), false, null);
        ys.forEach((y, i) => {
          const width = outs[i].size / data.rows;
          const [from, to] = [word(y.ptr('predict')), word(outs[i].ptr('predict')) + start * width];
          activeBackend().heap.f32.copyWithin(to, from, from + rows * width);
        });
      });
      bar?.progress(step, start + rows, () => ({}));
    }
  } catch (error) {
    dispose(outs);
    throw error;
  }
  return outs;
}

export function evaluate(model: LayersModel, x: TensorOrArrayOrMap, y: TensorOrArrayOrMap, args?: { batchSize?: number; verbose?: 0 | 1 }): Tensor | Tensor[] {
  model.checkLive('evaluate');
  const { batchSize = 32, verbose = 0 } = checkCallOptions('evaluate', 'args', args, EVALUATE_OPTIONS);
  model.checkCompiled('evaluate');
  const data = prepare(model, 'evaluate', x, y);
  try {
    model.allocate('evaluate', shapesOf(data.xs));
    const plan = planFor(model, 'evaluate', false);
    const bar = progressBar(Number(verbose), Math.ceil(data.rows / batchSize));
    bar?.begin();
    const sums = measure(model, 'evaluate', data, batchSize, plan, bar);
    bar?.end(logsFrom(plan, sums, data.rows));
    return scalarsOf('evaluate', Array.from(sums, (s) => s / data.rows));
  } finally {
    dispose(data.temporary);
  }
}

/**
 * Loss (and metrics) over a dataset of { xs, ys } batches (or its first `batches`): a scalar tensor, or
 * [loss, ...each output's loss, ...metrics] when there are metrics or several outputs.
 */
export async function evaluateDataset(model: LayersModel, dataset: Dataset<TensorContainer>, args?: { batches?: number; verbose?: 0 | 1 }): Promise<Tensor | Tensor[]> {
  const op = 'evaluateDataset';
  model.checkLive(op);
  checkDataset(op, 'dataset', dataset);
  const { batches, verbose = 0 } = checkCallOptions(op, 'args', args, EVALUATE_DATASET_OPTIONS);
  model.checkCompiled(op);
  const bar = progressBar(Number(verbose), batches ?? NaN);
  bar?.begin();
  const [sums, rows] = await measureDataset(model, op, dataset, batches, bar);
  bar?.end(logsFrom(planFor(model, op, false), sums, rows));
  return scalarsOf(op, Array.from(sums, (v) => v / rows));
}

/** Loss and metric sums over a pass of a dataset (or its first `batches`), and the samples seen. */
export async function measureDataset(model: LayersModel, op: string, dataset: Dataset<TensorContainer>, batches?: number, bar: ProgressBar | null = null): Promise<[Float64Array, number]> {
  const iterator = await dataset.iterator();
  let sums: Float64Array | null = null;
  let rows = 0;
  for (let b = 0; batches === undefined || b < batches; b++) {
    const next = await iterator.next();
    // As TF.js: a last batch that comes with done (a generator's return value) counts too.
    if (next.value != null) {
      const data = batchFrom(model, op, next.value, b);
      try {
        model.allocate(op, shapesOf(data.xs));
        const plan = planFor(model, op, false);
        const part = measure(model, op, data, data.rows, plan);
        const total = (sums ??= new Float64Array(part.length));
        part.forEach((v, i) => (total[i] += v));
        rows += data.rows;
        bar?.progress(b + 1, rows, () => logsFrom(plan, total, rows));
      } finally {
        dispose([...data.temporary, ...tensorsOf(next.value)]);
      }
    }
    if (next.done) {
      if (batches !== undefined) console.warn(`${op}: the dataset ran out after ${b + (next.value != null ? 1 : 0)} of the ${batches} batches asked for; the result is over those (a dataset of at least \`batches\` batches, e.g. with .repeat(), evaluates them all)`);
      break;
    }
  }
  if (!sums) throw new Error(`${op}: the dataset gave no batches`);
  return [sums, rows];
}

/** Values as scalar tensors: one, or an array of them. */
function scalarsOf(op: string, values: number[]): Tensor | Tensor[] {
  return tidy(() => {
    const scalars = values.map((v) => fromValues(op, 'result', v, [], 'float32'));
    return scalars.length === 1 ? scalars[0] : scalars;
  });
}
