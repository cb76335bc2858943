// One training step: its machinery worked out once per call (Plan: each output's loss, a kernel fused with
// the output layer's activation where it can be or a function on the tape; gradient sinks; regularized and
// constrained weights; the weights no optimizer updates), the step recorded as a program per batch size and
// replayed (Recorded), the layers' guards checked after it (an embedding's indices), the optimizer's update,
// and the checkpoint a diverging step rolls back to.
// A batch of 2·SHARD_ROWS rows or more runs as shards: one program per part of the batch, each into gradient
// sinks of its own, which the threads replay side by side; their gradients are then summed in shard order.
// How a batch is cut depends only on its size, so the bits do not depend on the number of threads.

import { GRADIENT_OPS } from '../autodiff/gradients.js';
import { backprop, recordOn, type Sink, Tape } from '../autodiff/tape.js';
import { getActivation } from '../activations.js';
import { word } from '../backend/heap.js';
import { Program } from '../backend/program.js';
import { Bcast, BinOp, type Loss } from '../backend/kernels.js';
import type { Constraint } from '../constraints.js';
import { activeBackend } from '../engine.js';
import { deferGuards, firstWrong, type Guard, project } from '../layers/layer.js';
import type { Node } from '../layers/symbolic.js';
import { checkLossWidth, getMetric, type Metric } from '../losses.js';
import { add, mul } from '../ops/arithmetic.js';
import { scalar } from '../ops/creation.js';
import { activate, type FusedActivation, meanLoss } from '../ops/fused.js';
import { LOSS_FUNCTIONS, type LossOrMetricFn } from '../ops/metrics.js';
import { empty, view } from '../ops/op.js';
import { mean } from '../ops/reduce.js';
import { concat, reshape, slice } from '../ops/shape.js';
import type { Regularizer } from '../regularizers.js';
import { allFinite, dispose, endScope, startScope, Tensor, type Variable } from '../tensor/tensor.js';
import { describe } from '../validate.js';
import { gatherRows, manual } from './data.js';
import type { LayersModel } from './model.js';

/**
 * Steps between checkpoints of the weights and optimizer state. A step whose update leaves a weight NaN or
 * Infinity is rolled back to the last checkpoint: at most this many steps are lost, for one copy per this
 * many steps (well under 1% of a step's time).
 */
export const CHECKPOINT_EVERY = 16;

/**
 * A step's batch: the rows of xs and targets numbered by index (i32: fit's order, gathered by the step's own
 * programs), or without an index all of their rows.
 */
export interface Rows {
  xs: Tensor[];
  targets: Tensor[];
  index: Tensor | null;
}

/** A batch of at least twice this many rows is cut into shards of at least this many (see runStep). */
export const SHARD_ROWS = 128;
/** The most shards a batch is cut into. */
const MAX_SHARDS = 8;

/** One output's loss and metrics, worked out once per call. */
export interface OutputPlan {
  /** The loss: a kernel, or a function made of ops; and whether it takes the output layer's logits (fused). */
  code: Loss | null;
  fn: LossOrMetricFn | null;
  fromLogits: boolean;
  /** The activation the fused loss folds in, applied to the logits for the metrics. */
  folded: FusedActivation;
  /** The compiled metrics, resolved for the output's width. */
  metrics: Metric[];
  /** The output's width (its last axis). */
  width: number;
  /** Its share of the total loss (lossWeights; 1 by default). */
  weight: number;
}

/** What every step of a call computes the same way, worked out once per fit, trainOnBatch or evaluate. */
export interface Plan {
  outputs: OutputPlan[];
  /** The logs' keys, in the order of the sums: loss, each output's loss (several outputs), each output's metrics. */
  keys: string[];
  /** The nodes whose layer gives logits (their loss folds the final activation in). */
  logits: Set<Node>;
  /** The trainable weights, each with the sink its gradient is accumulated in (training calls only). */
  sources: Variable[];
  sinks: Map<number, Sink>;
  /** The other weights (training calls only): read by the step, or updated in place (a batch norm's moving statistics). */
  frozen: Variable[];
  /** Weights with a regularizer. */
  regularized: Array<{ variable: Variable; regularizer: Regularizer }>;
  /** Weights with a constraint. */
  constrained: Array<{ variable: Variable; constraint: Constraint }>;
  /** The seed of backprop: the loss's gradient, 1. */
  one: Tensor | null;
  /** The recorded training step, per batch size (see runStep). */
  programs: Map<number, Recorded>;
  /** The current batch's per-sample loss weights (classWeight): the loss then runs as a function, on the tape. */
  weights: Tensor | null;
  /** Whether a loss is a function: the step then runs on the tape every time (it may do anything JavaScript can). */
  onTape: boolean;
  /** Whether a step may be cut into shards: every layer treats each sample on its own (Layer.samplewise). */
  samplewise: boolean;
  /** The gradient sinks of shards 1, 2, ... (shard 0 backprops into `sinks`), made when first needed, shared by every batch size. */
  shardSinks: Array<Map<number, Sink>>;
}

/**
 * The results of a training step over (part of) a batch: the loss, each output's loss (several outputs), and the
 * outputs and targets the metrics read. When recorded as a program (kernel losses), replaying it writes them again
 * in place; otherwise (a loss function) they are the caller's to free.
 */
interface Shard {
  rows: number;
  loss: Tensor;
  losses: Tensor[];
  outputs: Tensor[];
  targets: Tensor[];
}

/** A training step: its shards (one, or several for a large batch), and what the update after it needs. */
export interface Recorded {
  shards: Shard[];
  /** The shards' programs (none on the tape), to replay side by side. */
  programs: Program[];
  /** Each written sink, with the sinks of the later shards summed into it after them, in shard order. */
  sums: Array<[Tensor, Tensor[]]>;
  /** The sinks the step writes. */
  written: Sink[];
  /** The weights the optimizer updates after it (those with a gradient), each with its gradient's address. */
  updates: Array<readonly [Variable, number]>;
  /** The tensors the step reads from outside, with the addresses it recorded. */
  inputs: Array<[Tensor, number]>;
  /** The layers' checks on the batch (see guard), whose values every replay computes again. */
  guards: Guard[];
  /** What the recording made for its shards to free with it: their targets and seeds. */
  owned: Tensor[];
}

/** Weights and optimizer state as of a few steps ago, for rolling back a step that diverged. */
export interface Checkpoint {
  iterations: number;
  /** The weights it holds, in order: the trained ones (as many as `state`, their optimizer state), then the others. */
  variables: Variable[];
  weights: Float32Array[];
  state: Float32Array[];
}

/** Whether a tensor a program reads has moved since it recorded its address. */
export function moved(inputs: Array<[Tensor, number]>): boolean {
  for (let i = 0; i < inputs.length; i++) if (inputs[i][0].ptr('fit') !== inputs[i][1]) return true;
  return false;
}

/** The weights the optimizer updates after a step: those with a gradient, each with its gradient's address. */
export function updatesOf(plan: Plan): Array<readonly [Variable, number]> {
  const regularized = new Set(plan.regularized.map((r) => r.variable));
  return plan.sources.filter((v) => plan.sinks.get(v.id)!.written || regularized.has(v)).map((v) => [v, plan.sinks.get(v.id)!.tensor.ptr('fit')] as const);
}

/** The logs' keys, TF.js's metricsNames: loss, each output's loss (several outputs), each output's metrics. */
export function logKeys(outputNames: string[], metricKeys: string[][]): string[] {
  const several = outputNames.length > 1;
  const named = (key: string, i: number) => (several ? `${outputNames[i]}_${key}` : key);
  return ['loss', ...(several ? outputNames.map((n) => `${n}_loss`) : []), ...metricKeys.flatMap((keys, i) => keys.map((key) => named(key, i)))];
}

/**
 * The batch's loss: each output's mean loss (the kernel's, over the rows of the output's last axis, or the mean
 * of the loss function's values), and their sum weighted by lossWeights.
 */
export function lossOf(op: string, plan: Plan, outputs: Tensor[], targets: Tensor[]): { loss: Tensor; losses: Tensor[] } {
  const losses = plan.outputs.map((o, i) => outputLoss(op, plan, o, outputs[i], targets[i]));
  if (losses.length === 1 && plan.outputs[0].weight === 1) return { loss: losses[0], losses: [] };
  let loss: Tensor | null = null;
  plan.outputs.forEach((o, i) => {
    const part = o.weight === 1 ? losses[i] : mul(losses[i], scalar(o.weight));
    loss = loss ? add(loss, part) : part;
  });
  return { loss: loss!, losses: losses.length === 1 ? [] : losses };
}

function outputLoss(op: string, plan: Plan, o: OutputPlan, output: Tensor, target: Tensor): Tensor {
  if (o.code !== null) return output.rank === 2 ? meanLoss(o.code, output, target) : meanLoss(o.code, reshape(output, [-1, o.width]), rowsView(target, o.width));
  const losses = o.fn!(target, output);
  if (!(losses instanceof Tensor)) throw new Error(`${op}: the loss function must return a Tensor, got ${describe(losses)}`);
  if (!plan.weights) return mean(losses);
  const rows = plan.weights.shape[0];
  return mean(mul(losses, losses.rank > 1 ? reshape(plan.weights, [rows, ...losses.shape.slice(1).map(() => 1)]) : plan.weights));
}

/** Adds each output's metrics' sums over the samples into sums, after the losses (outputs of rank > 2 by rows of their last axis). */
export function addMetrics(plan: Plan, outputs: Tensor[], targets: Tensor[], sums: Float64Array): void {
  let at = plan.outputs.length > 1 ? 1 + plan.outputs.length : 1;
  for (let i = 0; i < plan.outputs.length; i++) {
    const o = plan.outputs[i];
    if (o.metrics.length === 0) continue;
    const [y, target] = [outputs[i], targets[i]];
    const samples = y.shape[0];
    const [rows, values] = y.rank === 2 ? [y, target] : [rowsView(y, o.width), rowsView(target, o.width)];
    try {
      for (const metric of o.metrics) sums[at++] += metric.compute(rows, values) * samples;
    } finally {
      if (rows !== y) dispose([rows, values]);
    }
  }
}

/** A tensor of an output's shape (float32 values) or of its shape without the last axis (int32 class indices), as the rows of that axis. */
export function rowsView(t: Tensor, width: number): Tensor {
  return t.dtype === 'int32' ? view(t, [t.size]) : view(t, [t.size / width, width]);
}

export function disposeRecorded(recorded: Recorded): void {
  for (const p of recorded.programs) p.dispose();
  dispose([...recorded.shards.flatMap((s) => [s.loss, ...s.losses, ...s.outputs]), ...recorded.guards.map((g) => g.values), ...recorded.owned]);
}

/** Frees what a plan made: the gradient sinks, the seed, the recorded steps. */
export function endPlan(plan: Plan): void {
  for (const recorded of plan.programs.values()) disposeRecorded(recorded);
  plan.programs.clear();
  for (const sinks of [plan.sinks, ...plan.shardSinks]) for (const sink of sinks.values()) sink.tensor.dispose();
  plan.sinks.clear();
  plan.shardSinks.length = 0;
  plan.one?.dispose();
}

// ---- the step ----

/**
 * What every step of a call computes the same way. An output's loss is fused (taken from the logits) when its
 * layer ends in the activation the loss folds in. Training calls also get gradient sinks, freed by endPlan.
 */
export function planFor(model: LayersModel, op: string, training: boolean, weighted = false): Plan {
  const graph = model.graph!;
  const compiled = model.compiled!;
  if (compiled.length !== graph.outputs.length) throw new Error(`${op}: the model was compiled for ${compiled.length} output${compiled.length === 1 ? '' : 's'}, but it has ${graph.outputs.length}; compile it again`);
  const names = model.outputNames;
  const several = names.length > 1;
  const candidates = model.logitsNodes();
  const logits = new Set<Node>();
  const outputs: OutputPlan[] = compiled.map(({ loss, metrics, weight }, i) => {
    const width = graph.outputs[i].shape.at(-1) as number;
    checkLossWidth(op, loss, width, several ? names[i] : '');
    const node = graph.outputs[i].node;
    const last = node.layer.finalActivation();
    // Weighted samples need each sample's loss: the loss's function form, on the tape.
    const fn = loss.fn ?? (weighted ? LOSS_FUNCTIONS[loss.name] : null);
    const fromLogits = !fn && loss.fusedWith !== null && last === loss.fusedWith && candidates.has(node);
    if (fromLogits) logits.add(node);
    return {
      code: loss.fn || fn ? null : fromLogits ? loss.fusedCode : loss.code,
      fn,
      fromLogits,
      folded: fromLogits ? getActivation(op, last) : getActivation(op, 'linear'),
      metrics: metrics.map((m) => getMetric(op, m, loss, width)),
      width,
      weight,
    };
  });
  const keys = logKeys(names, outputs.map((o) => o.metrics.map((m) => m.key)));
  const sources = training ? model.trainableWeights : [];
  const onTape = outputs.some((o) => o.fn !== null);
  const frozen = training ? model.nonTrainableWeights : [];
  const samplewise = model.samplewise();
  const plan: Plan = { outputs, keys, logits, sources, sinks: new Map(), frozen, regularized: [], constrained: [], one: null, programs: new Map(), weights: null, onTape, samplewise, shardSinks: [] };
  if (!training) return plan;
  try {
    const trainable = new Set(sources);
    for (const layer of model.innermostLayers()) {
      plan.regularized.push(...layer.regularized.filter((r) => trainable.has(r.variable)));
      plan.constrained.push(...layer.constrained.filter((c) => trainable.has(c.variable)));
    }
    plan.sinks = sinksFor(op, sources, 'the gradient');
    plan.one = manual(op, [], 'the seed of backprop');
    activeBackend().heap.f32[word(plan.one!.ptr())] = 1;
  } catch (error) {
    endPlan(plan);
    throw error;
  }
  return plan;
}

/**
 * Copies the weights (the trainable ones, and the others, which a layer may update in place: a batch norm's
 * moving statistics) and the optimizer state aside, to roll a diverging step back to.
 */
function saveCheckpoint(model: LayersModel, plan: Plan): void {
  const optimizer = model.optimizer!;
  const heap = activeBackend().heap;
  // Into the previous checkpoint's arrays: allocating a large typed array every checkpoint cost Chromium 15% of
  // an MLP's training time (2.4 ms for 875 KB of optimizer state there, 0.3 ms in Node).
  const keep = (old: Float32Array | undefined, values: Float32Array) => {
    const copy = old?.length === values.length ? old : new Float32Array(values.length);
    copy.set(values);
    return copy;
  };
  const previous = model.checkpoint;
  const variables = [...plan.sources, ...plan.frozen];
  model.checkpoint = {
    iterations: optimizer.iterations,
    variables,
    weights: variables.map((v, i) => {
      const at = word(v.ptr('fit'));
      return keep(previous?.weights[i], heap.f32.subarray(at, at + v.size));
    }),
    state: plan.sources.map((v, i) => keep(previous?.state[i], optimizer.stateView(v))),
  };
  model.stepsSinceCheckpoint = 0;
}

/**
 * Whether the checkpoint holds the plan's weights, in the plan's order: not one taken by an earlier call before
 * a layer was frozen or unfrozen, or for another set of layers.
 */
function checkpointFits(checkpoint: Checkpoint | null, plan: Plan): boolean {
  const { sources, frozen } = plan;
  if (!checkpoint || checkpoint.state.length !== sources.length || checkpoint.variables.length !== sources.length + frozen.length) return false;
  return checkpoint.variables.every((v, i) => v === (i < sources.length ? sources[i] : frozen[i - sources.length]));
}

/** Back to the checkpoint: every weight and the optimizer, or (`frozenOnly`) the weights no optimizer updates. */
function restoreCheckpoint(model: LayersModel, plan: Plan, frozenOnly = false): void {
  const optimizer = model.optimizer!;
  const checkpoint = model.checkpoint!;
  [...plan.sources, ...plan.frozen].forEach((v, i) => {
    if (frozenOnly && i < plan.sources.length) return;
    activeBackend().heap.f32.set(checkpoint.weights[i], word(v.writablePtr('fit')));
    if (i < plan.sources.length) optimizer.restoreState(v, checkpoint.state[i]);
  });
  if (!frozenOnly) optimizer.rewind(checkpoint.iterations);
}

/**
 * One optimisation step on a batch; adds the loss and metric sums into `sums`. Returns null, or what went
 * wrong: a batch a layer's guard refuses (an index out of range) or a non-finite loss is caught before any
 * weight changes, and an update that makes a weight non-finite is rolled back to the last checkpoint.
 */
export function step(model: LayersModel, plan: Plan, batch: Rows, sums: Float64Array): string | null {
  if (model.stepsSinceCheckpoint >= CHECKPOINT_EVERY || !checkpointFits(model.checkpoint, plan)) saveCheckpoint(model, plan);
  const count = batch.index?.shape[0] ?? batch.xs[0].shape[0];
  const run = runStep(model, plan, batch, count);
  try {
    const wrong = firstWrong(run.guards);
    // The forward pass may have updated moving statistics from the refused batch: they go back.
    if (wrong !== null) return refused(model, plan, wrong, plan.frozen.length > 0);
    return update(model, plan, run, count, sums);
  } finally {
    if (plan.onTape) disposeRecorded(run);
  }
}

/** Each output's loss of the step being updated (a scratch array: a step allocates nothing). */
const parts: number[] = [];

/** Advice for a step that diverged. */
const DIVERGED = '. Lower the learning rate, set clipNorm, or check the data';

/**
 * A non-finite loss, caught before the optimizer touches a weight. A layer's own update in the forward pass (a
 * batch norm's moving statistics) may have taken non-finite values from the batch: those go back to the checkpoint.
 */
function lossDiverged(model: LayersModel, plan: Plan, what: string): string {
  return refused(model, plan, what, !plan.frozen.every(allFinite)) + DIVERGED;
}

/** A batch refused before the optimizer touched a weight; with `restore`, the non-trainable weights go back to the checkpoint. */
function refused(model: LayersModel, plan: Plan, what: string, restore: boolean): string {
  if (!restore) return `${what}; the weights are as they were before this batch`;
  const lost = model.stepsSinceCheckpoint;
  restoreCheckpoint(model, plan, true);
  const when = lost === 0 ? 'before it' : `${lost} step${lost === 1 ? '' : 's'} before it`;
  return `${what}; the weights are as they were before this batch, the non-trainable ones (moving statistics) as they were ${when}`;
}

/** The rest of a step: regularization, the optimizer's update (or a rollback), the loss and metric sums. */
function update(model: LayersModel, plan: Plan, run: Recorded, rows: number, sums: Float64Array): string | null {
  const k = activeBackend().kernels;
  // Read now: the optimizer's first step makes its state, which may grow the heap and detach this view.
  const f32 = activeBackend().heap.f32;
  // The batch's mean losses: the shards' means, weighted by their rows.
  let value = 0;
  for (let i = 0; i < run.shards[0].losses.length; i++) parts[i] = 0;
  for (const shard of run.shards) {
    value += (f32[word(shard.loss.ptr('fit'))] * shard.rows) / rows;
    for (let i = 0; i < shard.losses.length; i++) parts[i] += (f32[word(shard.losses[i].ptr('fit'))] * shard.rows) / rows;
  }
  if (!Number.isFinite(value)) return lossDiverged(model, plan, `the loss became ${value}`);
  for (const { variable, regularizer } of plan.regularized) {
    const sink = plan.sinks.get(variable.id)!;
    const [w, g] = [variable.ptr('fit'), sink.tensor.ptr('fit')];
    if (!sink.written) k.fill(g, variable.size, 0);
    sink.written = true;
    value += k.penalty(w, g, variable.size, regularizer.l1, regularizer.l2);
  }
  if (!Number.isFinite(value)) return lossDiverged(model, plan, `the loss with regularization became ${value}`);
  // The optimizer leaves a layer frozen during the call alone; one unfrozen during it waits for the next call.
  if (!model.optimizer!.step(run.updates)) {
    const lost = model.stepsSinceCheckpoint + 1;
    restoreCheckpoint(model, plan);
    model.stepsSinceCheckpoint = 0;
    return `the update made some weights NaN or Infinity (the loss before it was ${value.toPrecision(4)}); the weights and optimizer state were restored to those of ${lost} step${lost === 1 ? '' : 's'} earlier${DIVERGED}`;
  }
  for (const { variable, constraint } of plan.constrained) if (variable.trainable) project(variable, constraint);
  model.stepsSinceCheckpoint++;
  sums[0] += value * rows;
  for (let i = 0; i < run.shards[0].losses.length; i++) sums[1 + i] += parts[i] * rows;
  addBatchMetrics(plan, run, sums);
  return null;
}

/**
 * The metrics of the whole batch, as TF.js computes them: over the shards' outputs and targets joined in batch
 * order. Not each shard's value weighted by its rows: precision, recall or a user's metric need not be a mean
 * over the samples.
 */
function addBatchMetrics(plan: Plan, run: Recorded, sums: Float64Array): void {
  const [first] = run.shards;
  if (run.shards.length === 1) return addMetrics(plan, first.outputs, first.targets, sums);
  if (!plan.outputs.some((o) => o.metrics.length > 0)) return;
  const [outputs, targets]: Tensor[][] = [[], []];
  try {
    first.outputs.forEach((_, i) => outputs.push(concat(run.shards.map((s) => s.outputs[i]))));
    first.targets.forEach((_, i) => targets.push(concat(run.shards.map((s) => s.targets[i]))));
    addMetrics(plan, outputs, targets, sums);
  } finally {
    dispose([...outputs, ...targets]);
  }
}

/**
 * The forward pass, the loss and backprop into the gradient sinks, on the tape; for the metrics, the outputs
 * (from the logits when the loss folds the last activation in). With kernel losses, the first step of each
 * batch size records its kernels into programs and the next ones replay them, while the backend and the
 * addresses of the tensors they read from outside (the batch, the weights, the sinks) are the same. A loss
 * function may do anything JavaScript can, so it runs on the tape every step.
 */
function runStep(model: LayersModel, plan: Plan, batch: Rows, count: number): Recorded {
  if (plan.onTape) {
    const result = tapeStep(model, plan, batch.xs, batch.targets, plan.sinks, plan.one!);
    return { shards: [{ rows: count, ...result, targets: batch.targets }], programs: [], sums: [], written: [], updates: updatesOf(plan), inputs: [], guards: result.guards, owned: [] };
  }
  const backend = activeBackend();
  // Made their own before the step (a clone's values must not change with them), so that a layer may update
  // them in place; a replay then finds them where it recorded them, or records again.
  for (const v of plan.frozen) v.writablePtr('fit');
  let recorded = plan.programs.get(count);
  if (recorded && (recorded.programs[0].backend !== backend || moved(recorded.inputs))) {
    disposeRecorded(recorded);
    plan.programs.delete(count);
    recorded = undefined;
  }
  if (recorded) {
    for (const sink of plan.sinks.values()) sink.written = false;
    for (const sink of recorded.written) sink.written = true;
    backend.runPrograms(recorded.programs);
    sumShards(recorded);
    return recorded;
  }
  // Addresses first: taking one may move a tensor here from another backend.
  const outside = [...batch.xs, ...batch.targets, ...(batch.index ? [batch.index] : []), ...plan.sources, ...plan.frozen, ...[...plan.sinks.values()].map((s) => s.tensor), plan.one!];
  const inputs = outside.map((t) => [t, t.ptr('fit')] as [Tensor, number]);
  recorded = { shards: [], programs: [], sums: [], written: [], updates: [], inputs, guards: [], owned: [] };
  try {
    const n = plan.samplewise && count >= 2 * SHARD_ROWS ? Math.min(MAX_SHARDS, Math.floor(count / SHARD_ROWS)) : 1;
    for (let s = 0; s < n; s++) recordShard(model, plan, recorded, batch, count, s, n);
    recorded.written = [...plan.sinks.values()].filter((s) => s.written);
    const later = plan.shardSinks.slice(0, n - 1);
    recorded.sums = plan.sources.filter((v) => plan.sinks.get(v.id)!.written).map((v) => [plan.sinks.get(v.id)!.tensor, later.map((sinks) => sinks.get(v.id)!).filter((s) => s.written).map((s) => s.tensor)]);
    recorded.updates = updatesOf(plan);
    sumShards(recorded);
  } catch (error) {
    disposeRecorded(recorded);
    throw error;
  }
  plan.programs.set(count, recorded);
  return recorded;
}

/**
 * Records the step over shard s of n (rows [s·count/n, (s+1)·count/n) of the batch) into a program of its own.
 * One shard (the whole batch) backprops into the plan's sinks from its seed of 1. Of several, the first
 * backprops into the plan's sinks and each later one into sinks of its own (plan.shardSinks), all from a seed of
 * rows / batch, so that their sum is the batch's gradient. Each gathers or copies its rows of the batch itself,
 * on the thread that replays it: into that core's cache, from memory no other thread has just written.
 */
function recordShard(model: LayersModel, plan: Plan, recorded: Recorded, batch: Rows, count: number, s: number, n: number): void {
  const { xs, targets, index } = batch;
  const [from, to] = [Math.floor((s * count) / n), Math.floor(((s + 1) * count) / n)];
  const whole = !index && n === 1;
  let [sinks, seed] = [plan.sinks, plan.one!];
  if (n > 1) {
    seed = manual('fit', [], "a shard's seed of backprop");
    recorded.owned.push(seed);
    activeBackend().heap.f32[word(seed.ptr('fit'))] = (to - from) / count;
    if (s > 0) sinks = shardSinks(plan, s);
  }
  const { program, result } = Program.record(activeBackend(), () => {
    if (whole) return { ...tapeStep(model, plan, xs, targets, sinks, seed), targets };
    const rows = (t: Tensor) => (index ? gathered(t, index, from, to) : slice(t, from, to - from));
    const [part, partTargets]: Tensor[][] = [[], []];
    try {
      for (const x of xs) part.push(rows(x));
      for (const t of targets) partTargets.push(rows(t));
      return { ...tapeStep(model, plan, part, partTargets, sinks, seed), targets: partTargets };
    } catch (error) {
      dispose(partTargets);
      throw error;
    } finally {
      dispose(part);
    }
  });
  recorded.programs.push(program);
  if (!whole) recorded.owned.push(...result.targets);
  recorded.shards.push({ rows: to - from, ...result });
  recorded.guards.push(...result.guards);
}

/** The gradient sinks of shard s > 0, made on first use (endPlan frees them). */
function shardSinks(plan: Plan, s: number): Map<number, Sink> {
  while (plan.shardSinks.length < s) plan.shardSinks.push(sinksFor('fit', plan.sources, "a shard's gradient"));
  return plan.shardSinks[s - 1];
}

/** A gradient sink for each variable, by id (`what` names them in errors); all or none. */
function sinksFor(op: string, variables: Variable[], what: string): Map<number, Sink> {
  const sinks = new Map<number, Sink>();
  try {
    for (const v of variables) sinks.set(v.id, { tensor: manual(op, v.shape, `${what} of ${v.name}`), written: false });
  } catch (error) {
    for (const sink of sinks.values()) sink.tensor.dispose();
    throw error;
  }
  return sinks;
}

/** The rows of t numbered index[from..to), by a kernel (so a program replays it). */
function gathered(t: Tensor, index: Tensor, from: number, to: number): Tensor {
  const out = empty('fit', [to - from, ...t.shape.slice(1)], t.dtype);
  gatherRows(t, out, index.ptr('fit') + from * 4, 0);
  return out;
}

/** Adds the later shards' gradients into the first's (the plan's sinks), in shard order. */
function sumShards(recorded: Recorded): void {
  const k = activeBackend().kernels;
  for (const [sink, parts] of recorded.sums) {
    const at = sink.ptr('fit');
    for (const part of parts) k.binary(BinOp.Add, at, Bcast.Full, part.ptr('fit'), Bcast.Full, at, 1, sink.size);
  }
}

/** One step on the tape; the losses, the outputs and the guards' values outlive it (replays write them again in place). */
function tapeStep(model: LayersModel, plan: Plan, xs: Tensor[], targets: Tensor[], sinks: Map<number, Sink>, seed: Tensor): { loss: Tensor; losses: Tensor[]; outputs: Tensor[]; guards: Guard[] } {
  startScope();
  const tape = new Tape(plan.sources);
  let results: { loss: Tensor; losses: Tensor[]; outputs: Tensor[]; guards: Guard[] } | undefined;
  try {
    let outs: Tensor[] = [];
    const { result: { loss, losses }, guards } = deferGuards(() => recordOn(tape, () => lossOf('fit', plan, (outs = model.forward(xs, true, plan.logits)), targets)));
    for (const sink of sinks.values()) sink.written = false;
    backprop(tape, loss, seed, plan.sources, GRADIENT_OPS, sinks);
    const metered = plan.outputs.some((o) => o.metrics.length > 0);
    results = { loss, losses, outputs: metered ? outs.map((o, i) => activate(o, plan.outputs[i].folded)) : outs, guards };
    return results;
  } finally {
    tape.dispose();
    endScope(results);
  }
}
