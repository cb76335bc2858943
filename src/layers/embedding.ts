// The embedding layer, TF.js's: integer indices (float32 or int32, truncated toward zero as TF.js casts them) to
// rows of a learned [inputDim, outputDim] table, gathered with tf.gather, whose gradient adds the rows' gradients
// back (a scatter-add). With maskZero, index 0 is padding: the output carries a mask, false where it is 0.
// An index outside [0, inputDim) is an Error naming the layer, in predict, evaluate, tf.grad and at every step
// of fit (see guard); the gather itself reads clamped indices, so no call reads outside the table.

import { cast } from '../ops/cast.js';
import { notEqual } from '../ops/compare.js';
import { gather } from '../ops/indexing.js';
import { max, min } from '../ops/reduce.js';
import { reshape, stack } from '../ops/shape.js';
import { clipByValue } from '../ops/unary.js';
import type { Tensor, Variable } from '../tensor/tensor.js';
import { checkInt, describe, is, type Rule, type Schema } from '../validate.js';
import { type WeightArgs, type WeightOptions, weightOptions, weightRules } from './kernel.js';
import { guard, Layer, type LayerArgs, type Masks, type Shape, shapeText } from './layer.js';

export interface EmbeddingLayerArgs extends Omit<LayerArgs, 'inputDim'>, WeightArgs<'embeddings'> {
  /** The vocabulary size: indices run from 0 to inputDim - 1. */
  inputDim: number;
  /** The size of each embedding vector. */
  outputDim: number;
  /** Not supported yet (TF.js refuses to apply a layer that has one). */
  activityRegularizer?: null;
  /** Whether index 0 is padding, masked out for the layers after it (an LSTM skips those steps). */
  maskZero?: boolean;
  /** The input's length (a list for inputs of rank > 2), when it is fixed: it gives the input and output shapes. */
  inputLength?: number | Array<number | null>;
}

/** inputLength: a positive size, or a list of sizes or null (unknown). */
const inputLengthRule: Rule = (op, name, v) => {
  const size = (d: unknown) => Number.isSafeInteger(d) && (d as number) >= 1;
  if (!size(v) && !(Array.isArray(v) && v.length > 0 && v.every((d) => d === null || size(d)))) {
    throw new Error(`${op}: ${name} must be a positive integer or an array of them (null for an unknown size), got ${describe(v)}`);
  }
};

const EMBEDDING_OPTIONS: Schema = {
  inputDim: is.int(1),
  outputDim: is.int(1),
  ...weightRules('embeddings'),
  activityRegularizer: is.unsupported(),
  maskZero: is.bool,
  inputLength: inputLengthRule,
};

/**
 * The arguments the base layer takes: inputDim, the vocabulary size here, is not an input shape; and without
 * an input shape, one from inputLength ([batch, ...inputLength], or [batch, null]), as TF.js's constructor sets it.
 */
function layerArgs(args: EmbeddingLayerArgs): LayerArgs {
  if (args === null || typeof args !== 'object' || Array.isArray(args)) return args;
  const own: LayerArgs = { ...args, inputDim: undefined };
  if (args.batchInputShape == null && args.inputShape == null) {
    if (args.inputLength != null) inputLengthRule('embedding', 'inputLength', args.inputLength);
    const lengths = args.inputLength == null ? [null] : Array.isArray(args.inputLength) ? args.inputLength : [args.inputLength];
    own.batchInputShape = [args.batchSize ?? null, ...lengths];
  }
  return own;
}

/** Its embeddings' options (embeddingsInitializer, embeddingsRegularizer, embeddingsConstraint) are kernel.ts's. */
export interface Embedding extends WeightOptions<'embeddings'> {}

export class Embedding extends Layer {
  static override className = 'Embedding';
  readonly inputDim: number;
  readonly outputDim: number;
  readonly maskZero: boolean;
  readonly inputLength: number | Array<number | null> | null;
  protected override readonly inputDtypes = ['float32', 'int32'] as const;
  override readonly fixedInputShape = false;
  private embeddings: Variable | null = null;

  /**
   * @example const embedding = tf.layers.embedding({ inputDim: 1000, outputDim: 16, maskZero: true });
   * embedding.apply(tf.tensor2d([[3, 7, 0]], [1, 3], 'int32')).print(); // [1, 3, 16]
   */
  constructor(args: EmbeddingLayerArgs) {
    super(layerArgs(args), { op: 'embedding', options: EMBEDDING_OPTIONS, required: { outputDim: 'the size of each embedding vector, a positive integer' } });
    if (args.inputDim === undefined) throw new Error('embedding: inputDim is required (the vocabulary size: indices run from 0 to inputDim - 1)');
    checkInt('embedding', 'inputDim', args.inputDim, 1);
    this.inputDim = args.inputDim;
    this.outputDim = args.outputDim;
    this.maskZero = args.maskZero ?? false;
    this.supportsMasking = this.maskZero;
    this.inputLength = args.inputLength ?? null;
    Object.assign(this, weightOptions('embedding', args, 'embeddings', 'randomUniform'));
  }

  override build(): void {
    this.embeddings = this.addWeight('embeddings', [this.inputDim, this.outputDim], 'float32', this.embeddingsInitializer, this.embeddingsRegularizer ?? undefined, true, this.embeddingsConstraint);
  }

  /** [batch, ...lengths, outputDim]; inputLength, when given, must agree with the input's lengths and fills in unknown ones. */
  override computeOutputShape(inputShape: Shape): Shape {
    if (this.inputLength === null) return [...inputShape, this.outputDim];
    const lengths = Array.isArray(this.inputLength) ? this.inputLength.slice() : [this.inputLength];
    const given = inputShape.slice(1);
    if (lengths.length !== given.length || lengths.some((d, k) => d !== null && given[k] !== null && d !== given[k])) {
      throw new Error(`embedding: layer ${this.name} has inputLength ${describe(this.inputLength)}, but its input has shape ${shapeText(inputShape)}`);
    }
    return [inputShape[0], ...lengths.map((d, k) => d ?? given[k]), this.outputDim];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    // Checked with kernels, so that a replayed training step checks each batch (see guard). A value is an
    // index when it truncates into [0, inputDim): above -1 and below inputDim (NaN is neither).
    if (x.size > 0) {
      guard(stack([min(x), max(x)]), ([lo, hi]) => {
        const bad = !(hi < this.inputDim) ? hi : !(lo > -1) ? lo : null;
        return bad === null ? null : `embedding: layer ${this.name}: index ${bad} is outside [0, ${this.inputDim}) (its inputDim)`;
      });
    }
    const shape = this.computeOutputShape(x.shape) as number[]; // as TF.js: checks the input against inputLength
    const indices = clipByValue(x.dtype === 'int32' ? x : cast(x, 'int32'), 0, this.inputDim - 1);
    return reshape(gather(this.embeddings!, reshape(indices, [-1])), shape);
  }

  /** As TF.js: with maskZero, true where the input is not 0; otherwise none. */
  override computeMask(inputs: Tensor | Tensor[]): Masks {
    return this.maskZero ? notEqual(Array.isArray(inputs) ? inputs[0] : inputs, 0) : null;
  }

  override dispose(): void {
    super.dispose();
    this.embeddings = null;
  }

  override getConfig(): Record<string, unknown> {
    return {
      inputDim: this.inputDim,
      outputDim: this.outputDim,
      embeddingsInitializer: this.embeddingsInitializer,
      embeddingsRegularizer: this.embeddingsRegularizer,
      activityRegularizer: null,
      embeddingsConstraint: this.embeddingsConstraint,
      maskZero: this.maskZero,
      inputLength: Array.isArray(this.inputLength) ? this.inputLength.slice() : this.inputLength,
      ...super.getConfig(),
    };
  }
}
