// One training step's machinery, worked out once per call (Plan): the loss (a kernel, fused with the last
// activation where it can be, or a function on the tape), gradient sinks, regularized and constrained
// weights, the recorded program per batch size (Recorded), and the checkpoint a diverging step rolls back to.

import type { Sink } from '../autodiff/tape.js';
import type { Program } from '../backend/program.js';
import type { Loss } from '../backend/kernels.js';
import type { Constraint } from '../constraints.js';
import type { Metric } from '../losses.js';
import { mul } from '../ops/arithmetic.js';
import { type FusedActivation, meanLoss } from '../ops/fused.js';
import type { LossOrMetricFn } from '../ops/metrics.js';
import { view } from '../ops/op.js';
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

/** What every step of a call computes the same way, worked out once per fit, trainOnBatch or evaluate. */
export interface Plan {
  /** The loss: a kernel, or a function made of ops; and whether it takes the last layer's logits (fused). */
  code: Loss | null;
  fn: LossOrMetricFn | null;
  fromLogits: boolean;
  /** The activation the fused loss folds in, applied to the logits for the metrics. */
  folded: FusedActivation;
  /** The compiled metrics, resolved for the model's output width. */
  metrics: Metric[];
  /** The model's output width. */
  width: number;
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
 * A training step's results: the loss, and the outputs the metrics read. When recorded as a program (kernel
 * losses), replaying it writes both again in place; otherwise (a loss function) they are the caller's to free.
 */
export interface Recorded {
  program: Program | null;
  loss: Tensor;
  output: Tensor;
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

/** The mean loss of a batch: the kernel's (over the rows of the output's last axis), or the mean of the loss function's values. */
export function lossOf(op: string, plan: Plan, output: Tensor, target: Tensor): Tensor {
  if (plan.code !== null) return output.rank === 2 ? meanLoss(plan.code, output, target) : meanLoss(plan.code, reshape(output, [-1, plan.width]), rowsView(target, plan.width));
  const losses = plan.fn!(target, output);
  if (!(losses instanceof Tensor)) throw new Error(`${op}: the loss function must return a Tensor, got ${describe(losses)}`);
  if (!plan.weights) return mean(losses);
  const rows = plan.weights.shape[0];
  return mean(mul(losses, losses.rank > 1 ? reshape(plan.weights, [rows, ...losses.shape.slice(1).map(() => 1)]) : plan.weights));
}

/** Adds each metric's sum over the samples of y against target into sums[1..] (outputs of rank > 2 by rows of their last axis). */
export function addMetrics(plan: Plan, y: Tensor, target: Tensor, sums: Float64Array): void {
  const samples = y.shape[0];
  const [rows, targets] = y.rank === 2 ? [y, target] : [rowsView(y, plan.width), rowsView(target, plan.width)];
  try {
    for (let m = 0; m < plan.metrics.length; m++) sums[m + 1] += plan.metrics[m].compute(rows, targets) * samples;
  } finally {
    if (rows !== y) dispose([rows, targets]);
  }
}

/** A tensor of an output's shape (float32 values) or of its shape without the last axis (int32 class indices), as the rows of that axis. */
export function rowsView(t: Tensor, width: number): Tensor {
  return t.dtype === 'int32' ? view(t, [t.size]) : view(t, [t.size / width, width]);
}

export function disposeRecorded(recorded: Recorded): void {
  recorded.program?.dispose();
  dispose([recorded.loss, recorded.output]);
}

/** Frees what a plan made: the gradient sinks, the seed, the recorded steps. */
export function endPlan(plan: Plan): void {
  for (const recorded of plan.programs.values()) disposeRecorded(recorded);
  plan.programs.clear();
  for (const sink of plan.sinks.values()) sink.tensor.dispose();
  plan.sinks.clear();
  plan.one?.dispose();
}
