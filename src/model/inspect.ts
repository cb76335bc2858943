// tf.callbacks.inspect(): what training does inside the model, per layer and per epoch: the loss gradient's
// norm, the weights' norm and how far the epoch moved them, and each layer's outputs (mean, spread, dead
// ReLUs), measured after the epoch on a fixed sample of the data with training off. It reads the model and
// changes nothing: no optimizer, no random numbers, no moving statistics, so fit trains exactly as without it.
// The figures and the table are made from the values copied out, in inspect-report.ts, loaded on first use.

import { variableGrads } from '../autodiff/gradients.js';
import type { Layer } from '../layers/layer.js';
import { add, mul } from '../ops/arithmetic.js';
import { scalar, tensor } from '../ops/creation.js';
import { gather } from '../ops/indexing.js';
import { sum } from '../ops/reduce.js';
import { abs, square } from '../ops/unary.js';
import { dispose, type Tensor, tidy, type Variable } from '../tensor/tensor.js';
import { checkOptions, describe, is, type Rule, type Schema } from '../validate.js';
import type { CustomCallbackArgs, TrainingModel } from './callbacks.js';
import { prepare } from './data.js';
import { execute } from './graph.js';
import type { LayerValues } from './inspect-report.js';
import type { LayersModel, TensorOrArrayOrMap } from './model.js';
import { lossOf, planFor } from './step.js';

export interface InspectArgs {
  /** The data to inspect on, as fit takes it (usually fit's own x and y). */
  x: TensorOrArrayOrMap;
  y: TensorOrArrayOrMap;
  /** Rows of x and y measured on, spread evenly through them (all rows when there are fewer); default 256. */
  sample?: number;
  /** Inspects every `every`-th epoch (epochs every, 2·every, ...); default 1. */
  every?: number;
  /** Prints each report as a table of at most 80 columns; default true. */
  print?: boolean;
  /** Receives each report (fit awaits a returned promise). */
  onReport?: (report: InspectReport) => void | Promise<void>;
}

/** One layer's row of a report. The weight figures are of the layer's trainable weights, all together. */
export interface LayerReport {
  name: string;
  className: string;
  /** L2 norm of the loss's gradient with respect to the layer's weights; null for a layer without trainable weights. */
  gradNorm: number | null;
  /** L2 norm of the weights at the end of the epoch. */
  weightNorm: number | null;
  /** Norm of the weights' change over the epoch over their norm at its start; null when the start was not seen. */
  updateRatio: number | null;
  /** Mean and standard deviation of the layer's output over the sample (every unit and position). */
  activationMean: number;
  activationStd: number;
  /** Fraction of units (the output's last axis) that are 0 for every sample; null unless the layer's activation is relu. */
  deadFraction: number | null;
}

export interface InspectReport {
  /** The epoch, counted from 0 as fit's hooks count it. */
  epoch: number;
  /** Rows the figures are measured on. */
  samples: number;
  /** The loss the gradients are of: the compiled loss on the sample, with the weights' regularization penalty. */
  loss: number;
  layers: LayerReport[];
}

/** A Tensor, an array of them or a map of them by name, as fit's x and y; checked against the model when training begins. */
const tensors: Rule = (op, name, value) => {
  const list = Array.isArray(value) ? value : value !== null && typeof value === 'object' && !('dtype' in value) ? Object.values(value) : [value];
  if (list.length === 0) throw new Error(`${op}: ${name} must be a Tensor, an array of Tensors or a map of them, got ${describe(value)}`);
  list.forEach((t) => is.tensor(op, name, t));
};

const INSPECT_OPTIONS: Schema = { x: tensors, y: tensors, sample: is.int(1), every: is.int(1), print: is.bool, onReport: is.fn };

/** The sample's rows, copied out of the heap: it outlives the data it came from and never leaks a tensor. */
interface Sample {
  rows: number;
  xs: Array<{ values: Float32Array | Int32Array; shape: number[]; dtype: 'float32' | 'int32' }>;
  targets: Sample['xs'];
}

/** Reports per layer and per epoch what training does inside the model; see tf.callbacks.inspect. */
export class Inspect implements CustomCallbackArgs {
  /** Every report so far, oldest first. */
  readonly reports: InspectReport[] = [];
  private readonly x: TensorOrArrayOrMap;
  private readonly y: TensorOrArrayOrMap;
  private readonly sampleSize: number;
  private readonly every: number;
  private readonly print: boolean;
  private readonly onReport: InspectArgs['onReport'];
  private model: LayersModel | null = null;
  private sample: Sample | null = null;
  /** Each inspected layer's weights at the start of the epoch. */
  private before = new Map<Layer, Float32Array[]>();

  constructor(args: InspectArgs) {
    if (args === undefined || args === null) throw new Error('inspect: args must be given, with the data: e.g. { x: xs, y: ys }');
    const { x, y, sample = 256, every = 1, print = true, onReport } = checkOptions('inspect', 'args', args, INSPECT_OPTIONS);
    if (x === undefined || y === undefined) throw new Error(`inspect: args.${x === undefined ? 'x' : 'y'} is required (the data to inspect on, as fit takes it)`);
    [this.x, this.y, this.sampleSize, this.every, this.print, this.onReport] = [x, y, sample, every, print, onReport];
  }

  /** Called by fit with the model it trains. */
  setModel(model: TrainingModel): void {
    this.model = model as LayersModel;
  }

  onTrainBegin(): void {
    this.sample = null;
    // Checks the data against the model now rather than after an epoch (a Sequential model fitDataset builds
    // at its first batch is checked at the first inspection).
    if (this.attached().graph) this.sampleOf(this.attached());
  }

  onEpochBegin(epoch: number): void {
    this.before.clear();
    const model = this.attached();
    if (!this.due(epoch) || !model.graph) return;
    for (const layer of inspectedLayers(model)) this.before.set(layer, trainedWeights(model, layer).map((w) => w.dataSync() as Float32Array));
  }

  async onEpochEnd(epoch: number): Promise<void> {
    if (!this.due(epoch)) return;
    const { loss, layers } = this.measure();
    const { formatReport, layerReport } = await import('./inspect-report.js');
    const report: InspectReport = { epoch, samples: this.sample!.rows, loss, layers: layers.map(layerReport) };
    this.reports.push(report);
    if (this.print) console.log(formatReport(report));
    await this.onReport?.(report);
  }

  private due(epoch: number): boolean {
    return (epoch + 1) % this.every === 0;
  }

  private attached(): LayersModel {
    if (!this.model) throw new Error('inspect: the callback is not attached to a model; pass it to fit in callbacks: [...]');
    return this.model;
  }

  /** `sample` rows of x and y spread evenly through them, checked and converted as fit does, taken once per fit. */
  private sampleOf(model: LayersModel): Sample {
    if (this.sample) return this.sample;
    const data = prepare(model, 'inspect', this.x, this.y);
    try {
      const rows = Math.min(this.sampleSize, data.rows);
      const picked = Int32Array.from({ length: rows }, (_, i) => Math.floor((i * data.rows) / rows));
      const copy = (t: Tensor) =>
        tidy(() => {
          const rowsOf = gather(t, tensor(picked, [rows], 'int32'));
          return { values: rowsOf.dataSync() as Float32Array | Int32Array, shape: rowsOf.shape.slice(), dtype: t.dtype as 'float32' | 'int32' };
        });
      return (this.sample = { rows, xs: data.xs.map(copy), targets: data.targets.map(copy) });
    } finally {
      dispose(data.temporary);
    }
  }

  /** The values after an epoch, on the sample, with training off (no dropout; batch norm's moving statistics read, not updated). */
  private measure(): { loss: number; layers: LayerValues[] } {
    const model = this.attached();
    const sample = this.sampleOf(model);
    const layers = inspectedLayers(model);
    const made = (list: Sample['xs']) => list.map(({ values, shape, dtype }) => tensor(values, shape, dtype));
    const [xs, targets] = [made(sample.xs), made(sample.targets)];
    try {
      const outputs = layerOutputs(model, layers, xs);
      const { loss, grads } = lossGradients(model, layers, xs, targets);
      return {
        loss,
        layers: layers.map((layer, i) => ({
          name: layer.name,
          className: layer.className,
          weights: trainedWeights(model, layer).map((w) => w.dataSync() as Float32Array),
          before: this.before.get(layer),
          grads: grads[i],
          ...outputs[i],
          relu: isRelu(layer),
        })),
      };
    } finally {
      dispose([...xs, ...targets]);
    }
  }
}

/** The layers a report has a row for, in the model's order: those with weights fit trains, and the relu layers. */
function inspectedLayers(model: LayersModel): Layer[] {
  return model.layers.filter((layer) => trainedWeights(model, layer).length > 0 || isRelu(layer));
}

/** A layer's weights that fit trains: its trainable ones, none in a frozen model (whose flag gates its layers'). */
function trainedWeights(model: LayersModel, layer: Layer): Variable[] {
  return model.trainable ? layer.trainableWeights : [];
}

/** A layer whose output is a relu's: dense or conv with activation 'relu', activation('relu'), reLU(). */
function isRelu(layer: Layer): boolean {
  return layer.finalActivation() === 'relu' || layer.className === 'ReLU';
}

/** Each layer's output (of its first call in the model's graph) as the model computes it without training, copied out, with its units (last axis). */
function layerOutputs(model: LayersModel, layers: Layer[], xs: Tensor[]): Array<{ output: Float32Array; units: number }> {
  const graph = model.graph!;
  const outputs = layers.map((layer) => graph.steps.find((node) => node.layer === layer)!.outputs[0]);
  return tidy(() => execute({ ...graph, outputs }, xs, false)).map((t) => {
    const copy = { output: t.dataSync() as Float32Array, units: t.shape.at(-1)! };
    t.dispose();
    return copy;
  });
}

/**
 * The loss fit minimizes (as evaluate computes it, from the logits where the loss folds the last activation
 * in, so the gradient is fit's), plus the regularization penalty fit adds, on the sample; its gradient with
 * respect to each layer's weights. Without classWeight, which the callback does not see.
 */
function lossGradients(model: LayersModel, layers: Layer[], xs: Tensor[], targets: Tensor[]): { loss: number; grads: Float32Array[][] } {
  const plan = planFor(model, 'inspect', false);
  const weights = model.trainableWeights;
  const trainable = new Set(weights);
  const loss = () => {
    let value = lossOf('inspect', plan, model.forward(xs, false, plan.logits), targets).loss;
    for (const layer of model.innermostLayers()) {
      for (const { variable: w, regularizer: r } of layer.regularized) {
        if (trainable.has(w)) value = add(value, add(mul(scalar(r.l1), sum(abs(w))), mul(scalar(r.l2), sum(square(w)))));
      }
    }
    return value;
  };
  // A frozen model has no gradient to take.
  const { value, grads } = weights.length > 0 ? variableGrads(loss, weights) : { value: tidy(loss), grads: {} as Record<string, Tensor> };
  try {
    // A weight the loss does not depend on (variableGrads gives it none) has a zero gradient.
    const gradient = (w: Variable) => (grads[w.name]?.dataSync() as Float32Array | undefined) ?? new Float32Array(w.size);
    return { loss: value.dataSync()[0], grads: layers.map((layer) => trainedWeights(model, layer).map(gradient)) };
  } finally {
    dispose([value, ...Object.values(grads)]);
  }
}
