// Dense: y = f(x·kernel + bias) on the last axis of an input of any rank, kernel [inputs, units] as TF.js and
// Keras lay it out, computed by the fused dense op: one node on the tape, whose gradient writes the weight
// gradients straight into the model's sinks. Inputs of rank > 2 are viewed as rows of their last axis.

import { dense, LINEAR } from '../ops/fused.js';
import { reshape } from '../ops/shape.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { checkInt, describe, is, type Schema } from '../validate.js';
import { KERNEL_OPTIONS, type KernelArgs, type KernelOptions, kernelOptions } from './kernel.js';
import { knownSize, Layer, shapeText, type Kwargs, type LayerArgs, type Shape } from './layer.js';

export interface DenseArgs extends LayerArgs, KernelArgs {
  units: number;
}

const DENSE_OPTIONS: Schema = { units: is.int(1), ...KERNEL_OPTIONS };

/** Its kernel-and-bias options (activation, useBias, initializers, regularizers, constraints) are kernel.ts's. */
export interface Dense extends KernelOptions {}

export class Dense extends Layer {
  static override className = 'Dense';
  override supportsMasking = true;
  readonly units: number;
  private kernel: Variable | null = null;
  private bias: Variable | null = null;

  constructor(args: DenseArgs) {
    super(args, { op: 'dense', options: DENSE_OPTIONS, required: { units: 'the number of outputs, a positive integer' } });
    checkInt('dense', 'units', args.units, 1);
    if (this.batchInputShape && this.batchInputShape.at(-1) === null) throw new Error(`dense: the last axis of the input shape must be known, got ${describe(args.inputShape ?? args.batchInputShape)}`);
    this.units = args.units;
    Object.assign(this, kernelOptions('dense', args));
  }

  override build(inputShape: Shape): void {
    const inputs = knownSize(this, inputShape.at(-1), 'the last axis of its input');
    this.kernel = this.addWeight('kernel', [inputs, this.units], 'float32', this.kernelInitializer, this.kernelRegularizer ?? undefined, true, this.kernelConstraint);
    if (this.useBias) this.bias = this.addWeight('bias', [this.units], 'float32', this.biasInitializer, this.biasRegularizer ?? undefined, true, this.biasConstraint);
  }

  override computeOutputShape(inputShape: Shape): Shape {
    if (inputShape.length < 2) throw new Error(`dense: layer ${this.name} needs input of rank >= 2, got ${shapeText(inputShape)}`);
    return [...inputShape.slice(0, -1), this.units];
  }

  override finalActivation(): string {
    return this.activation.name;
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const fn = kwargs.logits ? LINEAR : this.activation;
    if (x.rank === 2) return dense(x, this.kernel!, this.bias, fn);
    const rows = reshape(x, [-1, x.shape[x.rank - 1]]);
    return reshape(dense(rows, this.kernel!, this.bias, fn), [...x.shape.slice(0, -1), this.units]);
  }

  override dispose(): void {
    super.dispose();
    this.kernel = this.bias = null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      units: this.units,
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
      kernelRegularizer: this.kernelRegularizer,
      biasRegularizer: this.biasRegularizer,
      activityRegularizer: null,
      kernelConstraint: this.kernelConstraint,
      biasConstraint: this.biasConstraint,
      ...super.getConfig(),
    };
  }
}
