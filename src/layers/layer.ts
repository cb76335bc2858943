// The layer contract: a layer maps [rows, inputDim] to [rows, outputDim] over pointers into the model's
// memory. It declares its parameters (the model lays them out in one arena) and the buffers it needs;
// forward and backward run kernels and allocate nothing.

import type { Backend } from '../backend/backend.js';
import type { Ptr } from '../backend/kernels.js';
import type { Initializer } from '../initializers.js';
import type { Regularizer } from '../regularizers.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBool, checkInt, checkOptions, describe, is, type Schema } from '../validate.js';

export interface ParamSpec {
  /** 'kernel' or 'bias', as TF.js names a dense layer's weights. */
  name: string;
  shape: number[];
  initializer: Initializer;
  regularizer: Regularizer | null;
  fanIn: number;
  fanOut: number;
}

/** Where one layer reads and writes during a step over `rows` rows. Unused pointers are 0. */
export interface LayerBuffers {
  /** Input [rows, inputDim]. */
  x: Ptr;
  /** Output [rows, outputDim]. */
  y: Ptr;
  /** Pre-activation [rows, outputDim], for layers that keep one. */
  z: Ptr;
  /** Dropout mask [rows, outputDim]. */
  mask: Ptr;
  /** Gradient of the loss wrt y; backward may overwrite it. */
  dy: Ptr;
  /** Where backward writes the gradient wrt x, or 0 for the first layer (not needed). */
  dx: Ptr;
  /** This layer's parameters and their gradients, in paramSpecs order. */
  params: Ptr[];
  grads: Ptr[];
}

/** What the model gives a layer so that layer.getWeights()/setWeights() work once it is built. */
export interface WeightOwner {
  layerWeights(layer: Layer): Tensor[];
  setLayerWeights(layer: Layer, weights: Tensor[]): void;
}

export interface LayerArgs {
  name?: string;
  /** Input shape without the batch axis, e.g. [784]; only the first layer needs it. */
  inputShape?: number[];
  inputDim?: number;
  batchInputShape?: Array<number | null>;
  batchSize?: number;
  dtype?: 'float32';
  trainable?: boolean;
}

/** The options every layer accepts (TF.js's LayerArgs); each layer adds its own. */
const LAYER_OPTIONS: Schema = {
  name: is.string,
  inputShape: is.any,
  inputDim: is.int(1),
  batchInputShape: is.any,
  batchSize: is.int(1),
  dtype: is.oneOf('float32'),
  trainable: is.bool,
  inputDType: is.oneOf('float32'),
  weights: is.unsupported('set them with layer.setWeights once the layer is in a model'),
};

const counters = new Map<string, number>();

export abstract class Layer {
  abstract readonly className: string;
  readonly name: string;
  /** Whether fit updates this layer's weights. Checked when set. */
  private trainable_: boolean;
  /** Input width, known from the layer's arguments or once built. */
  inputDim: number | null;
  /** @internal The model this layer was added to (a layer belongs to one model). */
  owner: WeightOwner | null = null;

  /** @param options the layer's own options beyond LayerArgs, each with its rule */
  constructor(op: string, args: LayerArgs, className: string, options: Schema) {
    if (args === null || typeof args !== 'object' || Array.isArray(args)) throw new Error(`${op}: expected an arguments object, got ${describe(args)}`);
    checkOptions(op, 'args', args, { ...LAYER_OPTIONS, ...options });
    // Each way of giving the input width is checked in full, and they must agree.
    const widths: Array<[string, number]> = [];
    const batchShape = args.batchInputShape;
    if (batchShape !== undefined) {
      if (!Array.isArray(batchShape) || batchShape.length !== 2) throw new Error(`${op}: batchInputShape must be [batch, features] (dense networks take rank-2 input), got ${describe(batchShape)}`);
      if (batchShape[0] !== null) checkInt(op, 'batchInputShape[0]', batchShape[0], 1);
      checkInt(op, 'batchInputShape[1]', batchShape[1], 1);
      widths.push(['batchInputShape', batchShape[1]]);
    }
    if (args.inputShape !== undefined) {
      if (!Array.isArray(args.inputShape) || args.inputShape.length !== 1) throw new Error(`${op}: inputShape must be [features] (dense networks take rank-2 input), got ${describe(args.inputShape)}`);
      checkInt(op, 'inputShape[0]', args.inputShape[0], 1);
      widths.push(['inputShape', args.inputShape[0]]);
    }
    if (args.inputDim !== undefined) widths.push(['inputDim', args.inputDim]);
    const disagree = widths.find(([, w]) => w !== widths[0][1]);
    if (disagree) throw new Error(`${op}: ${widths[0][0]} gives ${widths[0][1]} input features but ${disagree[0]} gives ${disagree[1]}`);
    this.inputDim = widths.length > 0 ? widths[0][1] : null;
    if (args.name === '') throw new Error(`${op}: name must be a non-empty string, got ""`);
    this.name = args.name ?? Layer.uniqueName(className);
    this.trainable_ = args.trainable ?? true;
  }

  get trainable(): boolean {
    return this.trainable_;
  }
  set trainable(value: boolean) {
    checkBool(this.name, 'trainable', value);
    this.trainable_ = value;
  }

  /** TF.js-style default names: dense_Dense1, dropout_Dropout2, ... */
  private static uniqueName(className: string): string {
    const n = (counters.get(className) ?? 0) + 1;
    counters.set(className, n);
    const snake = className.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    return `${snake}_${className}${n}`;
  }

  /** Output width for an input width. */
  abstract outputDim(inputDim: number): number;

  /** The parameters this layer needs for an input width, in the order getWeights() lists them. */
  paramSpecs(_inputDim: number): ParamSpec[] {
    return [];
  }

  /** Which optional buffers the layer needs for a step. */
  needs(): { z: boolean; mask: boolean } {
    return { z: false, mask: false };
  }

  /** The activation this layer applies last, which a loss may fuse with; 'linear' when none. */
  finalActivation(): string {
    return 'linear';
  }

  /** Where the pre-activation values live, for a loss fused with finalActivation(). */
  logits(b: LayerBuffers): Ptr {
    return b.z;
  }

  abstract forward(backend: Backend, b: LayerBuffers, rows: number, training: boolean): void;

  /**
   * Writes dx (when b.dx != 0) and the parameter gradients from b.dy. When logitsGrad is true, b.dy already
   * holds the gradient wrt the logits (a fused loss), so the final activation is skipped.
   */
  abstract backward(backend: Backend, b: LayerBuffers, rows: number, logitsGrad: boolean): void;

  /** The layer's configuration as TF.js saves it (camelCase keys). */
  abstract getConfig(): Record<string, unknown>;

  /** Frees memory the layer holds itself (its model frees the weights). */
  releaseMemory(): void {}

  /** The layer's weights as new tensors (kernel then bias for dense); [] until its model can be built. */
  getWeights(): Tensor[] {
    return this.owner ? this.owner.layerWeights(this) : [];
  }

  /** Replaces the layer's weights; shapes must match. */
  setWeights(weights: Tensor[]): void {
    if (!this.owner) throw new Error(`setWeights: layer ${this.name} is not in a model yet (add it to one first)`);
    this.owner.setLayerWeights(this, weights);
  }
}
