// Dense: y = f(x·kernel + bias), kernel [inputDim, units] as TF.js and Keras lay it out. Backward computes
// dkernel = xᵀ·dz, dbias = column sums of dz and dx = dz·kernelᵀ, each one kernel call.

import { type Activation, getActivation } from '../activations.js';
import type { Backend } from '../backend/backend.js';
import { Act } from '../backend/kernels.js';
import { getInitializer, type Initializer } from '../initializers.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import { checkInt, is, type Schema } from '../validate.js';
import { Layer, type LayerArgs, type LayerBuffers, type ParamSpec } from './layer.js';

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

  override needs() {
    return { z: this.activation.softmax || this.activation.act !== Act.Linear, mask: false };
  }

  override finalActivation(): string {
    return this.activation.name;
  }

  forward({ kernels: k, scratch }: Backend, b: LayerBuffers, rows: number): void {
    const inputDim = this.inputDim!;
    const out = b.z || b.y;
    k.matmul(b.x, b.params[0], out, rows, this.units, inputDim, 0, 0, 0, scratch);
    if (this.useBias) k.biasAdd(out, b.params[1], out, rows, this.units);
    if (this.activation.softmax) k.softmaxForward(b.z, b.y, rows, this.units);
    else if (b.z) k.activationForward(this.activation.act, b.z, b.y, rows * this.units, this.activation.alpha);
  }

  backward({ kernels: k, scratch }: Backend, b: LayerBuffers, rows: number, logitsGrad: boolean): void {
    const inputDim = this.inputDim!;
    const dz = b.dy; // the activation's backward runs in place
    if (!logitsGrad) {
      if (this.activation.softmax) k.softmaxBackward(b.y, b.dy, dz, rows, this.units);
      else if (b.z) k.activationBackward(this.activation.act, b.z, b.y, b.dy, dz, rows * this.units, this.activation.alpha);
    }
    k.matmul(b.x, dz, b.grads[0], inputDim, this.units, rows, 1, 0, 0, scratch);
    if (this.useBias) k.biasGrad(dz, b.grads[1], rows, this.units, 0, 1);
    if (b.dx) k.matmul(dz, b.params[0], b.dx, rows, inputDim, this.units, 0, 1, 0, scratch);
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
