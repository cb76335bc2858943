// A model's entry point, as TF.js's: an InputLayer holds an input's shape, and tf.input gives its symbolic
// tensor, which layers are applied to and tf.model takes as its inputs. An input may be int32 (an embedding's
// indices, as Keras's text models declare them); the model computes with its values as float32, exact below 2^24.

import { checkOptions, describe, is, type Schema } from '../validate.js';
import { Layer, type LayerArgs, type Shape } from './layer.js';
import { Node, SymbolicTensor } from './symbolic.js';

export interface InputLayerArgs {
  /** Input shape without the batch axis, e.g. [784]. */
  inputShape?: Shape;
  /** Input shape with the batch axis, e.g. [null, 784]. */
  batchInputShape?: Shape;
  batchSize?: number;
  dtype?: InputDType;
  sparse?: boolean;
  name?: string;
}

type InputDType = 'float32' | 'int32';
const INPUT_DTYPE = is.oneOf('float32', 'int32');
const INPUT_LAYER_OPTIONS: Schema = { sparse: is.oneOf(false), dtype: INPUT_DTYPE };
let inputCount = 0;

export class InputLayer extends Layer {
  static override className = 'InputLayer';
  readonly dtype: InputDType;

  constructor(args: InputLayerArgs) {
    if (args === null || typeof args !== 'object' || Array.isArray(args)) throw new Error(`inputLayer: expected { inputShape } or { batchInputShape }, got ${describe(args)}`);
    // TF.js names inputs input1, input2, ... (not input_layer_InputLayer1).
    super({ ...args, name: args.name ?? `input${++inputCount}` } as LayerArgs, { op: 'inputLayer', options: INPUT_LAYER_OPTIONS });
    if (this.batchInputShape === null) throw new Error('inputLayer: give inputShape (e.g. [784]) or batchInputShape (e.g. [null, 784])');
    this.trainable = false;
    this.dtype = args.dtype ?? 'float32';
    this.ensureBuilt(this.batchInputShape, 'inputLayer');
    const node = new Node(this, [], true, {}, 0);
    node.outputs = [new SymbolicTensor(this.dtype, this.batchInputShape.slice(), this, node, 0)];
    this.inboundNodes.push(node);
  }

  override getConfig(): Record<string, unknown> {
    return { batchInputShape: this.batchInputShape!.slice(), dtype: this.dtype, sparse: false, name: this.name };
  }
}

export interface InputConfig {
  /** Shape without the batch axis, e.g. [784]. */
  shape?: Shape;
  /** Shape with the batch axis, e.g. [32, 784] or [null, 784]. */
  batchShape?: Shape;
  name?: string;
  dtype?: InputDType;
  sparse?: boolean;
}

const INPUT_OPTIONS: Schema = { shape: is.any, batchShape: is.any, name: is.string, dtype: INPUT_DTYPE, sparse: is.oneOf(false) };

/**
 * A symbolic input of a functional model (TF.js's tf.input): layers are applied to it, and tf.model takes it.
 * @example const x = tf.input({ shape: [4] }); const y = tf.layers.dense({ units: 1 }).apply(x);
 */
export function input(config: InputConfig): SymbolicTensor {
  if (config === undefined || config === null) throw new Error('input: expected { shape } or { batchShape }, e.g. tf.input({ shape: [784] })');
  checkOptions('input', 'config', config, INPUT_OPTIONS);
  if (config.shape === undefined && config.batchShape === undefined) throw new Error('input: give shape (e.g. [784]) or batchShape (e.g. [null, 784])');
  if (config.shape !== undefined && config.batchShape !== undefined) throw new Error('input: give shape or batchShape, not both');
  const layer = new InputLayer({ inputShape: config.shape, batchInputShape: config.batchShape, name: config.name, dtype: config.dtype, sparse: config.sparse });
  return layer.inboundNodes[0].outputs[0];
}
