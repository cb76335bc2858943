// One training step's machinery, worked out once per call (Plan): the loss (a kernel, fused with the last
// activation where it can be, or a function on the tape), gradient sinks, regularized and constrained
// weights, the recorded program per batch size (Recorded), and the checkpoint a diverging step rolls back to.

import type { Sink } from '../autodiff/tape.js';
import type { Program } from '../backend/program.js';
import type { Loss } from '../backend/kernels.js';
import type { Constraint } from '../constraints.js';
import type { Metric } from '../losses.js';
import { add, mul } from '../ops/arithmetic.js';
import type { Node } from '../layers/symbolic.js';
import { type FusedActivation, meanLoss } from '../ops/fused.js';
import type { LossOrMetricFn } from '../ops/metrics.js';
import { view } from '../ops/op.js';
import { scalar } from '../ops/creation.js';
import { mean } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import type { Regularizer } from '../regularizers.js';
import { dispose, Tensor, type Variable } from '../tensor/tensor.js';
import { describe } from '../validate.js';

/**
 * Steps between checkpoints of the weights and optimizer state. A step whose update leaves a weight NaN or
 * Infinity is rolled back to the last checkpoint: at most this many steps are lost, for one copy per this
 * many steps (well under 1% of a step's time).
 */
export const CHECKPOINT_EVERY = 16;

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
}

/**
 * A training step's results: the total loss, each output's loss (several outputs), and the outputs the metrics
 * read. When recorded as a program (kernel losses), replaying it writes them again in place; otherwise (a loss
 * function) they are the caller's to free.
 */
export interface Recorded {
  program: Program | null;
  loss: Tensor;
  losses: Tensor[];
  outputs: Tensor[];
  /** The sinks the step writes. */
  written: Sink[];
  /** The weights the optimizer updates after it (those with a gradient), each with its gradient's address. */
  updates: Array<readonly [Variable, number]>;
  /** The tensors the step reads from outside, with the addresses it recorded. */
  inputs: Array<[Tensor, number]>;
}

/** Weights and optimizer state as of a few steps ago, for rolling back a step that diverged. */
export interface Checkpoint {
  iterations: number;
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
  plan.outputs.forEach((o, i) => {
    const [y, target] = [outputs[i], targets[i]];
    const samples = y.shape[0];
    const [rows, values] = y.rank === 2 ? [y, target] : [rowsView(y, o.width), rowsView(target, o.width)];
    try {
      for (const metric of o.metrics) sums[at++] += metric.compute(rows, values) * samples;
    } finally {
      if (rows !== y) dispose([rows, values]);
    }
  });
}

/** A tensor of an output's shape (float32 values) or of its shape without the last axis (int32 class indices), as the rows of that axis. */
export function rowsView(t: Tensor, width: number): Tensor {
  return t.dtype === 'int32' ? view(t, [t.size]) : view(t, [t.size / width, width]);
}

export function disposeRecorded(recorded: Recorded): void {
  recorded.program?.dispose();
  dispose([recorded.loss, ...recorded.losses, ...recorded.outputs]);
}

/** Frees what a plan made: the gradient sinks, the seed, the recorded steps. */
export function endPlan(plan: Plan): void {
  for (const recorded of plan.programs.values()) disposeRecorded(recorded);
  plan.programs.clear();
  for (const sink of plan.sinks.values()) sink.tensor.dispose();
  plan.sinks.clear();
  plan.one?.dispose();
}
