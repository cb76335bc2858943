// Activation layers: `layers.activation({ activation })` and `layers.leakyReLU({ alpha })`, elementwise
// (softmax row-wise) with no weights, computed by the activation ops. As the last layer, a loss may fold the
// activation in (the layer then passes its input, the logits, through).

import { type Activation as ActivationFn, getActivation } from '../activations.js';
import { leakyRelu } from '../ops/activations.js';
import { activate } from '../ops/fused.js';
import type { Tensor } from '../tensor/tensor.js';
import { is } from '../validate.js';
import { Layer, type LayerArgs } from './layer.js';

export class Activation extends Layer {
  readonly className = 'Activation';
  private readonly fn: ActivationFn;
  constructor(args: LayerArgs & { activation: string }) {
    super('activation', args, 'Activation', { activation: is.any });
    this.fn = getActivation('activation', args.activation);
  }
  outputDim(inputDim: number): number {
    return inputDim;
  }
  override finalActivation(): string {
    return this.fn.name;
  }
  call(x: Tensor, _training: boolean, logits: boolean): Tensor {
    return logits ? x : activate(x, this.fn);
  }
  getConfig() {
    return { activation: this.fn.name };
  }
}

export class LeakyReLU extends Layer {
  readonly className = 'LeakyReLU';
  readonly alpha: number;
  constructor(args: LayerArgs & { alpha?: number } = {}) {
    super('leakyReLU', args, 'LeakyReLU', { alpha: is.number() });
    this.alpha = args.alpha ?? 0.3;
  }
  outputDim(inputDim: number): number {
    return inputDim;
  }
  call(x: Tensor): Tensor {
    return leakyRelu(x, this.alpha);
  }
  getConfig() {
    return { alpha: this.alpha };
  }
}
