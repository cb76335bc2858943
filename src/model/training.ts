// Training: fit on tensors (shuffled batches gathered into buffers reused every epoch), fitDataset on a
// tf.data pipeline (each batch copied into those buffers, so the recorded step replays), and trainOnBatch;
// the callbacks, the progress bar and yielding around them.

import { Block, enterCall, leaveCall } from '../block.js';
import { Dataset } from '../data/dataset.js';
import type { DataIterator } from '../data/iterator.js';
import { dispose, type Tensor, type TensorContainer } from '../tensor/tensor.js';
import { checkCallOptions, checkObject, checkOptions, describe, is, type Rule, type Schema } from '../validate.js';
import { type CustomCallbackArgs, History } from './callbacks.js';
import { type Batch, batchFrom, batchOf, batchTensors, byOutputName, checkDataset, CLASS_INDEX, type ClassWeightArg, classWeightsOf, copyInto, type Data, gatherRows, prepare, rowNumbers, rowsOf, shapesOf, shuffleOrder, tensorsOf } from './data.js';
import { logsFrom, measure, measureDataset } from './evaluation.js';
import { checkCallbacks, defaultVerbose, hookCaller, progressBar, yieldInterval, yieldToEventLoop } from './hooks.js';
import type { LayersModel, TensorOrArrayOrMap } from './model.js';
import { endPlan, type Plan, planFor, step } from './step.js';

export interface ModelFitDatasetArgs {
  epochs: number;
  classWeight?: ClassWeightArg;
  /** Batches per epoch: the epochs then walk on through one pass of the dataset; by default an epoch is a whole pass. */
  batchesPerEpoch?: number;
  /** A dataset of { xs, ys } batches, or [xVal, yVal], evaluated after each epoch. */
  validationData?: Dataset<TensorContainer> | [TensorOrArrayOrMap, TensorOrArrayOrMap];
  /** Batches of a validation dataset to evaluate (default: all of it). */
  validationBatches?: number;
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
  /** As fit's; without batchesPerEpoch the steps are counted with no total, bar or ETA until the epoch ends. */
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
  yieldEvery?: ModelFitArgs['yieldEvery'];
}

export interface ModelFitArgs {
  epochs?: number;
  batchSize?: number;
  shuffle?: boolean;
  validationSplit?: number;
  validationData?: [TensorOrArrayOrMap, TensorOrArrayOrMap];
  validationBatchSize?: number;
  callbacks?: CustomCallbackArgs | CustomCallbackArgs[];
  /**
   * 0: silent; 1: a progress bar redrawn in place in a terminal (the default there), a plain line per epoch
   * when stdout is not a terminal; 2: a plain line per epoch. Silent by default when stdout is not a
   * terminal, and always in browsers (as TF.js).
   */
  verbose?: 0 | 1 | 2;
  initialEpoch?: number;
  /**
   * How often fit lets other work run: 'auto' (every 16 ms in a browser, 125 ms in Node), 'batch', 'epoch',
   * 'never', or a number of milliseconds. Each yield calls the callbacks' onYield.
   */
  yieldEvery?: 'auto' | 'batch' | 'epoch' | 'never' | number;
  /**
   * A weight per class ({ 0: 1, 1: 5 }) that each sample's loss is multiplied by, for the class its target
   * names (its index for sparse labels, the largest entry of a one-hot row, the rounded value of one output).
   */
  classWeight?: ClassWeightArg;
}

/**
 * classWeight: { class index: weight }, or, as TF.js takes it too, such a map in an array by output or by output
 * name ({ out: { 0: 1, 1: 4 } }).
 */
const checkClassWeight: Rule = (op, name, value) => {
  if (Array.isArray(value)) return value.forEach((v, i) => checkClassMap(op, `${name}[${i}]`, v));
  checkObject(op, name, value);
  if (byOutputName(value as object)) return Object.entries(value as object).forEach(([key, map]) => checkClassMap(op, `${name}.${key}`, map));
  checkClassMap(op, name, value);
};

/** { class index: weight }, each index a non-negative integer and each weight finite and >= 0. */
function checkClassMap(op: string, name: string, value: unknown): void {
  checkObject(op, name, value);
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) throw new Error(`${op}: ${name} must give a weight for at least one class, got {}`);
  for (const [key, weight] of entries) {
    if (!CLASS_INDEX.test(key)) throw new Error(`${op}: ${name} keys must be class indices (0, 1, ...), got ${describe(key)}`);
    is.number(0)(op, `${name}[${key}]`, weight);
  }
}

/** fit's verbose: 0, 1 or 2, or a boolean as TF.js reads one (false silent, true a progress bar). */
const VERBOSE = is.oneOf(0, 1, 2, false, true);
const FIT_OPTIONS: Schema = {
  epochs: is.int(0),
  batchSize: is.int(1),
  shuffle: is.bool,
  validationSplit: is.number(0, 1, { max: true }),
  validationData: is.any,
  validationBatchSize: is.int(1),
  callbacks: is.any,
  verbose: VERBOSE,
  initialEpoch: is.int(0),
  yieldEvery: is.either(is.oneOf('auto', 'batch', 'epoch', 'never'), is.number(0)),
  classWeight: checkClassWeight,
  sampleWeight: is.unsupported('give a weight per class with classWeight'),
  stepsPerEpoch: is.unsupported(),
  validationSteps: is.unsupported(),
};
const FIT_DATASET_OPTIONS: Schema = {
  epochs: is.int(0),
  batchesPerEpoch: is.int(1),
  validationData: is.any,
  validationBatches: is.int(1),
  callbacks: is.any,
  verbose: VERBOSE,
  initialEpoch: is.int(0),
  yieldEvery: FIT_OPTIONS.yieldEvery,
  classWeight: checkClassWeight,
  validationBatchSize: is.unsupported('batch the validation dataset instead'),
};

export function trainOnBatch(model: LayersModel, x: TensorOrArrayOrMap, y: TensorOrArrayOrMap): number | number[] {
  model.checkLive('trainOnBatch');
  model.checkTrainable('trainOnBatch');
  const data = prepare(model, 'trainOnBatch', x, y);
  let plan: Plan | null = null;
  try {
    model.allocate('trainOnBatch', shapesOf(data.xs));
    plan = planFor(model, 'trainOnBatch', true);
    const sums = new Float64Array(plan.keys.length);
    const wrong = step(model, plan, { xs: data.xs, targets: data.targets, index: null }, sums);
    if (wrong) throw new Error(`trainOnBatch: ${wrong}`);
    const values = Array.from(sums, (s) => Math.fround(s / data.rows)); // float32, as TF.js's (and fit's logs)
    return values.length === 1 ? values[0] : values;
  } finally {
    if (plan) endPlan(plan);
    dispose(data.temporary);
  }
}

/**
 * Trains for a number of epochs; resolves to the History of per-epoch logs.
 * @example const history = await fit(model, xs, ys, { epochs: 10, batchSize: 64, validationSplit: 0.1 });
 */
export async function fit(model: LayersModel, x: TensorOrArrayOrMap, y: TensorOrArrayOrMap, args?: ModelFitArgs): Promise<History> {
  model.checkLive('fit');
  const options = checkCallOptions('fit', 'args', args, FIT_OPTIONS);
  model.checkTrainable('fit');
  const { epochs = 1, batchSize = 32, shuffle = true, validationSplit = 0, validationData, initialEpoch = 0, yieldEvery = 'auto' } = options;
  const hooks = checkCallbacks(options.callbacks);
  const verbose = Number(options.verbose ?? defaultVerbose());
  if (validationData !== undefined && (!Array.isArray(validationData) || validationData.length !== 2)) {
    throw new Error(`fit: validationData must be [xVal, yVal], got ${describe(validationData)}`);
  }

  enterCall('fit');
  let all: Data;
  try {
    all = prepare(model, 'fit', x, y);
  } catch (error) {
    leaveCall();
    throw error;
  }
  const temporary = [...all.temporary];
  model.training = true;
  try {
    if (options.classWeight) temporary.push((all.weights = classWeightsOf(model, 'fit', options.classWeight, all.targets)));
    let train = all;
    let validation: Data | null = null;
    if (validationData) {
      validation = prepare(model, 'fit (validationData)', validationData[0], validationData[1], model.inputShapes ?? [[null, ...all.xs[0].shape.slice(1)]]);
      temporary.push(...validation.temporary);
    } else if (validationSplit > 0) {
      // As TF.js: the last fraction of the samples, before any shuffling.
      const split = Math.floor(all.rows * (1 - validationSplit));
      if (split === 0) throw new Error(`fit: validationSplit ${validationSplit} leaves no training samples out of ${all.rows}`);
      const part = (t: Tensor, from: number, count: number) => {
        const rows = rowsOf('fit', t, from, count);
        temporary.push(rows); // each as it is made: a failure further on frees it
        return rows;
      };
      const rest = all.rows - split;
      train = { rows: split, xs: all.xs.map((t) => part(t, 0, split)), targets: all.targets.map((t) => part(t, 0, split)), temporary: [], weights: all.weights && part(all.weights, 0, split) };
      validation = { rows: rest, xs: all.xs.map((t) => part(t, split, rest)), targets: all.targets.map((t) => part(t, split, rest)), temporary: [] };
    }
    model.allocate('fit', shapesOf(all.xs));
    const validationBatchSize = options.validationBatchSize ?? Math.max(batchSize, 256);
    return await trainEpochs(model, train, validation, { epochs, batchSize, validationBatchSize, shuffle, initialEpoch, hooks, verbose, yieldEvery });
  } finally {
    model.training = false;
    dispose(temporary);
    leaveCall();
  }
}

export async function trainEpochs(
  model: LayersModel,
  train: Data,
  validation: Data | null,
  opts: { epochs: number; batchSize: number; validationBatchSize: number; shuffle: boolean; initialEpoch: number; hooks: CustomCallbackArgs[]; verbose: number; yieldEvery: NonNullable<ModelFitArgs['yieldEvery']> },
): Promise<History> {
  const call = hookCaller(model, opts.hooks);
  const batchHooks = opts.hooks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
  const yieldMs = yieldInterval(opts.yieldEvery);

  const rows = train.rows;
  const batch = Math.min(opts.batchSize, rows);
  const bar = progressBar(opts.verbose, Math.ceil(rows / batch));
  // The epoch's order of rows, also in the heap for the gathering kernel (the shuffle draws its uniforms there first).
  const shuffled = opts.shuffle ? new Block(rows * 4, model, 'fit', 'the shuffling order') : null;
  const order = new Int32Array(shuffled ? rows : 0);
  let plan: Plan | null = null;
  /** The batch tensors per batch size, reused every epoch. */
  const batches = new Map<number, Batch>();
  model.stopTraining = false;
  try {
    plan = planFor(model, 'fit', true, train.weights !== undefined);
    const keys = plan.keys;
    const metrics = validation ? [...keys, ...keys.map((k) => `val_${k}`)] : keys;
    const history = new History({ epochs: opts.epochs, initialEpoch: opts.initialEpoch, samples: train.rows, steps: null, batchSize: opts.batchSize, verbose: opts.verbose, doValidation: validation !== null, metrics });
    const sums = new Float64Array(keys.length);
    await call('onTrainBegin', {});
    let lastYield = performance.now();
    for (let epoch = opts.initialEpoch; epoch < opts.epochs && !model.stopTraining; epoch++) {
      await call('onEpochBegin', epoch, {});
      bar?.begin(`Epoch ${epoch + 1}/${opts.epochs}`);
      if (shuffled) shuffleOrder(order, shuffled.ptr());
      sums.fill(0);
      let seen = 0;
      for (let start = 0, b = 0; start < rows; start += batch, b++) {
        const count = Math.min(batch, rows - start);
        if (batchHooks) await call('onBatchBegin', b, { batch: b, size: count });
        model.checkLive('fit'); // a callback may have disposed the model
        // A recorded step gathers its rows itself (each shard on its thread); one on the tape is given them.
        const buffers = batchOf(batches, count, train, !plan.onTape);
        const order = shuffled?.ptr() ?? 0;
        if (buffers.index) rowNumbers(buffers.index, order, start);
        else {
          train.xs.forEach((x, i) => gatherRows(x, buffers.xs[i], order, start));
          train.targets.forEach((t, i) => gatherRows(t, buffers.targets[i], order, start));
          if (buffers.weights) gatherRows(train.weights!, (plan.weights = buffers.weights), order, start);
        }
        const before = batchHooks ? sums.slice() : null;
        const wrong = step(model, plan, buffers.index ? { xs: train.xs, targets: train.targets, index: buffers.index } : { ...buffers, index: null }, sums);
        if (wrong) throw new Error(`fit: at epoch ${epoch + 1}, batch ${b}, ${wrong}`);
        seen += count;
        if (before) await call('onBatchEnd', b, { batch: b, size: count, ...logsFrom(plan, batchSums(sums, before), count) });
        bar?.progress(b + 1, seen, () => logsFrom(plan!, sums, seen));
        if (performance.now() - lastYield >= yieldMs) {
          await yieldToEventLoop();
          await call('onYield', epoch, b, logsFrom(plan, sums, seen));
          lastYield = performance.now();
        }
        if (model.stopTraining) break; // as TF.js: right after the batch it was set in, the epoch ends there
      }
      const logs = logsFrom(plan, sums, seen);
      if (validation) Object.assign(logs, logsFrom(plan, measure(model, 'fit', validation, opts.validationBatchSize, plan), validation.rows, 'val_'));
      bar?.end(logs);
      history.record(epoch, logs);
      await call('onEpochEnd', epoch, logs);
      if (opts.yieldEvery === 'epoch') {
        await yieldToEventLoop();
        await call('onYield', epoch, rows / batch, logs);
      }
    }
    await call('onTrainEnd', {});
    return history;
  } finally {
    shuffled?.free();
    dispose(batchTensors(batches));
    if (plan) endPlan(plan);
  }
}

/**
 * Trains on a dataset of { xs, ys } batches (tf.data): each epoch one pass, or batchesPerEpoch batches of a
 * pass that continues from epoch to epoch. Each batch's tensors are freed once trained on, as in TF.js.
 * @example await fitDataset(model, tf.data.zip({ xs, ys }).shuffle(100).batch(32), { epochs: 5 });
 */
export async function fitDataset(model: LayersModel, dataset: Dataset<TensorContainer>, args: ModelFitDatasetArgs): Promise<History> {
  const op = 'fitDataset';
  model.checkLive(op);
  checkDataset(op, 'dataset', dataset);
  if (args === undefined || args === null) throw new Error(`${op}: args must be given, with epochs: e.g. { epochs: 10 }`);
  const options = checkCallOptions(op, 'args', args, FIT_DATASET_OPTIONS);
  if (options.epochs === undefined) throw new Error(`${op}: args.epochs is required`);
  model.checkTrainable(op);
  const { epochs, batchesPerEpoch, initialEpoch = 0, yieldEvery = 'auto', validationData } = options;
  if (validationData !== undefined && !(validationData instanceof Dataset) && !(Array.isArray(validationData) && validationData.length === 2)) {
    throw new Error(`${op}: validationData must be a dataset of { xs, ys } batches or [xVal, yVal], got ${describe(validationData)}`);
  }
  const hooks = checkCallbacks(options.callbacks, op);
  const verbose = Number(options.verbose ?? defaultVerbose());
  const call = hookCaller(model, hooks);
  const batchHooks = hooks.some((cb) => cb.onBatchBegin || cb.onBatchEnd);
  const bar = progressBar(verbose, batchesPerEpoch ?? NaN);
  const yieldMs = yieldInterval(yieldEvery);

  enterCall(op);
  model.training = true;
  model.stopTraining = false;
  let plan: Plan | null = null;
  const batches = new Map<number, Batch>();
  try {
    // The logs' keys are known once the model is built (a Sequential model may wait for the first batch).
    const keys = () => (plan ?? (model.graph ? planFor(model, op, false) : null))?.keys ?? ['loss'];
    const known = keys();
    const metrics = validationData ? [...known, ...known.map((k) => `val_${k}`)] : known;
    const steps = batchesPerEpoch ?? (dataset.size !== null && Number.isFinite(dataset.size) ? dataset.size : null);
    const history = new History({ epochs, initialEpoch: null, samples: null, steps, batchSize: null, verbose, doValidation: validationData !== undefined, metrics });
    let iterator: DataIterator | null = null;
    let lastYield = performance.now();
    let element = 0;
    await call('onTrainBegin', {});
    for (let epoch = initialEpoch; epoch < epochs && !model.stopTraining; epoch++) {
      await call('onEpochBegin', epoch, {});
      bar?.begin(`Epoch ${epoch + 1}/${epochs}`);
      if (!iterator || batchesPerEpoch === undefined) iterator = await dataset.iterator();
      let sums = new Float64Array(0);
      let before: Float64Array | null = null;
      let seen = 0;
      for (let b = 0; batchesPerEpoch === undefined || b < batchesPerEpoch; b++) {
        const next = await iterator.next();
        // As TF.js: a last batch that comes with done (a generator's return value) is trained on, but for batchesPerEpoch.
        if (next.done && (batchesPerEpoch !== undefined || next.value == null)) {
          dispose(tensorsOf(next.value));
          // As TF.js: a pass that runs out before the epochs' batches ends the training, with a warning.
          if (batchesPerEpoch !== undefined) {
            console.warn(`${op}: the dataset ran out after ${element} batches, in epoch ${epoch + 1} of ${epochs}; training ends here (a dataset of batchesPerEpoch × epochs batches, e.g. with .repeat(), trains every epoch)`);
            model.stopTraining = true;
          }
          break;
        }
        const data = batchFrom(model, op, next.value, element++);
        try {
          model.allocate(op, shapesOf(data.xs));
          plan ??= planFor(model, op, true, options.classWeight !== undefined);
          if (options.classWeight) data.temporary.push((plan.weights = classWeightsOf(model, op, options.classWeight, data.targets)));
          if (sums.length !== plan.keys.length) sums = new Float64Array(plan.keys.length);
          if (batchHooks) await call('onBatchBegin', b, { batch: b, size: data.rows });
          model.checkLive(op);
          // Copied into the batch buffers of its size, so that the recorded step replays on them.
          const buffers = batchOf(batches, data.rows, data);
          data.xs.forEach((x, i) => copyInto(x, buffers.xs[i]));
          data.targets.forEach((t, i) => copyInto(t, buffers.targets[i]));
          before = batchHooks ? sums.slice() : null;
          const wrong = step(model, plan, { ...buffers, index: null }, sums);
          if (wrong) throw new Error(`${op}: at epoch ${epoch + 1}, batch ${b}, ${wrong}`);
        } finally {
          dispose([...data.temporary, ...tensorsOf(next.value)]);
        }
        seen += data.rows;
        if (before) await call('onBatchEnd', b, { batch: b, size: data.rows, ...logsFrom(plan, batchSums(sums, before), data.rows) });
        bar?.progress(b + 1, seen, () => logsFrom(plan!, sums, seen));
        if (performance.now() - lastYield >= yieldMs) {
          await yieldToEventLoop();
          await call('onYield', epoch, b, logsFrom(plan, sums, seen));
          lastYield = performance.now();
        }
        if (next.done || model.stopTraining) break;
      }
      if (seen === 0 && model.stopTraining) break;
      // As TF.js: an epoch of no batches (an empty dataset, a filter that keeps nothing) trains nothing (and
      // here also validates nothing: a model built by its first batch may not be built yet).
      if (seen === 0) console.warn(`${op}: the dataset gave no batches in epoch ${epoch + 1}; nothing was trained in it`);
      const logs = seen === 0 ? {} : logsFrom(plan!, sums, seen);
      if (seen > 0 && validationData instanceof Dataset) {
        Object.assign(logs, logsFrom(plan!, ...(await measureDataset(model, op, validationData, options.validationBatches)), 'val_'));
      } else if (seen > 0 && validationData !== undefined) {
        const [xVal, yVal] = validationData as [TensorOrArrayOrMap, TensorOrArrayOrMap];
        const val = prepare(model, `${op} (validationData)`, xVal, yVal);
        try {
          Object.assign(logs, logsFrom(plan!, measure(model, op, val, 256, plan!), val.rows, 'val_'));
        } finally {
          dispose(val.temporary);
        }
      }
      bar?.end(logs);
      history.record(epoch, logs);
      await call('onEpochEnd', epoch, logs);
    }
    await call('onTrainEnd', {});
    return history;
  } finally {
    model.training = false;
    dispose(batchTensors(batches));
    if (plan) endPlan(plan);
    leaveCall();
  }
}

/** One batch's loss and metric sums: the epoch's sums after it, less those before (onBatchEnd reports the batch's own, as TF.js). */
function batchSums(after: Float64Array, before: Float64Array): Float64Array {
  return after.map((v, i) => v - before[i]);
}
