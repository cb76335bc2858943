// Activation layers: `layers.activation({ activation })` and `layers.leakyReLU({ alpha })`, elementwise
// (softmax row-wise) with no parameters; the input is the pre-activation a fused loss can use.

import { type Activation as ActivationFn, getActivation } from '../activations.js';
import type { Backend } from '../backend/backend.js';
import { Act } from '../backend/kernels.js';
import { is } from '../validate.js';
import { Layer, type LayerArgs, type LayerBuffers } from './layer.js';
import { word } from '../backend/heap.js';

abstract class Elementwise extends Layer {
  protected abstract readonly fn: ActivationFn;

  outputDim(inputDim: number): number {
    return inputDim;
  }

  override finalActivation(): string {
    return this.fn.name;
  }

  override logits(b: LayerBuffers) {
    return b.x;
  }

  forward({ kernels: k }: Backend, b: LayerBuffers, rows: number): void {
    const n = this.inputDim!;
    if (this.fn.softmax) k.softmaxForward(b.x, b.y, rows, n);
    else k.activationForward(this.fn.act, b.x, b.y, rows * n, this.fn.alpha);
  }

  backward({ kernels: k, heap }: Backend, b: LayerBuffers, rows: number, logitsGrad: boolean): void {
    if (!b.dx) return;
    const n = this.inputDim!;
    if (logitsGrad) heap.f32.copyWithin(word(b.dx), word(b.dy), word(b.dy) + rows * n);
    else if (this.fn.softmax) k.softmaxBackward(b.y, b.dy, b.dx, rows, n);
    else k.activationBackward(this.fn.act, b.x, b.y, b.dy, b.dx, rows * n, this.fn.alpha);
  }
}

export class Activation extends Elementwise {
  readonly className = 'Activation';
  protected readonly fn: ActivationFn;
  constructor(args: LayerArgs & { activation: string }) {
    super('activation', args, 'Activation', { activation: is.any });
    this.fn = getActivation('activation', args.activation);
  }
  getConfig() {
    return { activation: this.fn.name };
  }
}

export class LeakyReLU extends Elementwise {
  readonly className = 'LeakyReLU';
  protected readonly fn: ActivationFn;
  constructor(args: LayerArgs & { alpha?: number } = {}) {
    super('leakyReLU', args, 'LeakyReLU', { alpha: is.number() });
    const alpha = args.alpha ?? 0.3;
    this.fn = { name: 'linear', act: Act.LeakyRelu, softmax: false, alpha };
  }
  get alpha(): number {
    return this.fn.alpha;
  }
  override finalActivation(): string {
    return 'leakyReLU';
  }
  getConfig() {
    return { alpha: this.alpha };
  }
}
