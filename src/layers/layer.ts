// The layer contract: a layer maps [rows, inputDim] to [rows, outputDim]. It declares its weights
// (paramSpecs), makes them as variables when built, and computes in call() with ops, so that its gradient is
// the tape's: model.fit and tf.grad share one mechanism. (Shapes beyond [rows, features] come with the
// layer-contract issue.)

import { activeBackend } from '../engine.js';
import type { Initializer } from '../initializers.js';
import type { Regularizer } from '../regularizers.js';
import { Block } from '../block.js';
import { sizeOf, Tensor, uniqueVariableName, Variable } from '../tensor/tensor.js';
import { view } from '../ops/op.js';
import { checkBool, checkInt, checkOptions, checkTensor, describe, is, type Schema } from '../validate.js';

export interface ParamSpec {
  /** 'kernel' or 'bias', as TF.js names a dense layer's weights. */
  name: string;
  shape: number[];
  initializer: Initializer;
  regularizer: Regularizer | null;
  fanIn: number;
  fanOut: number;
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
  owner: object | null = null;
  /** The weights, as variables in paramSpecs order; empty until the layer is built. */
  weights: Variable[] = [];
  /** Whether build() made the weights (a layer without any is built too, once told its input width). */
  built = false;

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
    for (const v of this.weights) v.trainable = value;
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

  /** [null, output width], once the input width is known (TF.js's layer.outputShape). */
  get outputShape(): [null, number] {
    return [null, this.outputDim(this.knownInputDim('outputShape'))];
  }

  /** The number of weights, once the input width is known (TF.js's layer.countParams()). */
  countParams(): number {
    return this.paramSpecs(this.knownInputDim('countParams')).reduce((n, spec) => n + sizeOf(spec.shape), 0);
  }

  private knownInputDim(op: string): number {
    if (this.inputDim === null) throw new Error(`${op}: layer ${this.name} does not know its input shape yet (give it an inputShape, or build its model)`);
    return this.inputDim;
  }

  /** The parameters this layer needs for an input width, in the order getWeights() lists them. */
  paramSpecs(_inputDim: number): ParamSpec[] {
    return [];
  }

  /**
   * @internal Makes the weights for an input width: variables filled by their initializers (or zeros when
   * `initialize` is false, for a loader that sets them next). A failed allocation leaves the layer unbuilt;
   * `op` names the call in its Error.
   */
  build(inputDim: number, initialize = true, op = 'build'): void {
    if (this.built) return;
    const specs = this.paramSpecs(inputDim);
    const made: Variable[] = [];
    try {
      for (const spec of specs) {
        const size = spec.shape.reduce((a, b) => a * b, 1);
        const values = new Tensor(spec.shape.slice(), 'float32', new Block(size * 4, null, op, `the weight ${this.name}/${spec.name}`), 'manual');
        const backend = activeBackend();
        if (initialize) spec.initializer.fill(backend, values.ptr(), size, spec.fanIn, spec.fanOut);
        else backend.kernels.fill(values.ptr(), size, 0);
        made.push(new Variable(values, this.trainable, uniqueVariableName(`${this.name}/${spec.name}`)));
        values.dispose();
      }
    } catch (error) {
      for (const v of made) v.dispose();
      throw error;
    }
    this.inputDim = inputDim;
    this.weights = made;
    this.built = true;
  }

  /**
   * y for input x [rows, inputDim], with ops (recorded on the tape while a gradient is taken). With `logits`,
   * the layer leaves out the final activation a loss folds in (see finalActivation).
   */
  abstract call(x: Tensor, training: boolean, logits: boolean): Tensor;

  /** The activation this layer applies last, which a loss may fuse with; 'linear' when none. */
  finalActivation(): string {
    return 'linear';
  }

  /** The layer's configuration as TF.js saves it (camelCase keys). */
  abstract getConfig(): Record<string, unknown>;

  /** The layer's weights as new tensors (kernel then bias for dense); [] until it is built. */
  getWeights(): Tensor[] {
    return this.weights.map((v) => view(v, v.shape.slice()));
  }

  /** Replaces the layer's weights (checked in full first: shapes and dtypes must match). */
  setWeights(weights: Tensor[]): void {
    checkWeights('setWeights', this, weights);
    this.weights.forEach((v, i) => v.assign(weights[i]));
  }

  /** Frees the weights and anything else the layer holds; the layer can be built again. */
  dispose(): void {
    for (const v of this.weights) v.dispose();
    this.weights = [];
    this.built = false;
  }
}

/** Throws unless weights fit the layer's: one float32 tensor of the right shape per weight. */
export function checkWeights(op: string, layer: Layer, weights: unknown): asserts weights is Tensor[] {
  const own = layer.weights;
  if (!layer.built) throw new Error(`${op}: layer ${layer.name} is not built yet (give the model an inputShape, or build or fit it first)`);
  if (!Array.isArray(weights) || weights.length !== own.length) {
    throw new Error(`${op}: layer ${layer.name} expects ${own.length} tensors (${own.map((v) => v.name).join(', ')}), got ${describe(weights)}`);
  }
  own.forEach((v, i) => {
    const w = weights[i];
    checkTensor(op, `weights[${i}]`, w, 'float32');
    if (w.shape.length !== v.shape.length || w.shape.some((d, j) => d !== v.shape[j])) {
      throw new Error(`${op}: weights[${i}] (${v.name}) must have shape [${v.shape.join(', ')}], got [${w.shape.join(', ')}]`);
    }
  });
}
