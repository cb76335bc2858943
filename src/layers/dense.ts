// Dense: y = f(x·kernel + bias), kernel [inputDim, units] as TF.js and Keras lay it out, computed by the fused
// dense op: one node on the tape, whose gradient writes the weight gradients straight into the model's sinks.

import { type Activation, getActivation } from '../activations.js';
import { getInitializer, type Initializer } from '../initializers.js';
import { dense, LINEAR } from '../ops/fused.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkInt, is, type Schema } from '../validate.js';
import { Layer, type LayerArgs, type ParamSpec } from './layer.js';

export interface DenseArgs extends LayerArgs {
  units: number;
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: string | Initializer;
  biasInitializer?: string | Initializer;
  kernelRegularizer?: string | Regularizer;
  biasRegularizer?: string | Regularizer;
}

const DENSE_OPTIONS: Schema = {
  units: is.int(1),
  activation: is.any,
  useBias: is.bool,
  kernelInitializer: is.any,
  biasInitializer: is.any,
  kernelRegularizer: is.any,
  biasRegularizer: is.any,
  activityRegularizer: is.unsupported(),
  kernelConstraint: is.unsupported(),
  biasConstraint: is.unsupported(),
};

export class Dense extends Layer {
  readonly className = 'Dense';
  readonly units: number;
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;

  constructor(args: DenseArgs) {
    super('dense', args, 'Dense', DENSE_OPTIONS);
    checkInt('dense', 'units', args.units, 1);
    this.units = args.units;
    this.activation = getActivation('dense', args.activation);
    this.useBias = args.useBias ?? true;
    this.kernelInitializer = getInitializer('dense', 'kernelInitializer', args.kernelInitializer ?? 'glorotNormal');
    this.biasInitializer = getInitializer('dense', 'biasInitializer', args.biasInitializer ?? 'zeros');
    this.kernelRegularizer = getRegularizer('dense', 'kernelRegularizer', args.kernelRegularizer);
    this.biasRegularizer = getRegularizer('dense', 'biasRegularizer', args.biasRegularizer);
  }

  outputDim(): number {
    return this.units;
  }

  override paramSpecs(inputDim: number): ParamSpec[] {
    const kernel = { name: 'kernel', shape: [inputDim, this.units], initializer: this.kernelInitializer, regularizer: this.kernelRegularizer, fanIn: inputDim, fanOut: this.units };
    if (!this.useBias) return [kernel];
    return [kernel, { name: 'bias', shape: [this.units], initializer: this.biasInitializer, regularizer: this.biasRegularizer, fanIn: this.units, fanOut: this.units }];
  }

  override finalActivation(): string {
    return this.activation.name;
  }

  call(x: Tensor, _training: boolean, logits: boolean): Tensor {
    const [kernel, bias] = this.weights;
    return dense(x, kernel, bias ?? null, logits ? LINEAR : this.activation);
  }

  getConfig(): Record<string, unknown> {
    return {
      units: this.units,
      activation: this.activation.name,
      useBias: this.useBias,
      kernelInitializer: this.kernelInitializer,
      biasInitializer: this.biasInitializer,
      kernelRegularizer: this.kernelRegularizer,
      biasRegularizer: this.biasRegularizer,
    };
  }
}
