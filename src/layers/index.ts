// `tf.layers`: the layer factories with TF.js's names. Every built-in layer class is registered for loading.

import { registerClass, type SerializableClass } from '../serialization.js';
import { Activation, ELU, LeakyReLU, PReLU, type PReLUArgs, ReLU, Softmax, ThresholdedReLU } from './activation.js';
import { Flatten, Masking, Permute, RepeatVector, Reshape } from './core.js';
import { type BaseConvLayerArgs, Conv1D, Conv2D, Conv2DTranspose, type ConvLayerArgs, DepthwiseConv2D, type DepthwiseConv2DLayerArgs, SeparableConv2D, type SeparableConvLayerArgs } from './convolutional.js';
import { Dense, type DenseArgs } from './dense.js';
import { Embedding, type EmbeddingLayerArgs } from './embedding.js';
import { AlphaDropout, Dropout, type DropoutArgs, GaussianDropout, GaussianNoise, SpatialDropout1D } from './dropout.js';
import { input, InputLayer, type InputLayerArgs } from './input.js';
import { BUILT_IN_LAYERS, Layer, type LayerArgs } from './layer.js';
import { Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply } from './merge.js';
import { BatchNormalization, type BatchNormalizationLayerArgs, LayerNormalization, type LayerNormalizationLayerArgs } from './normalization.js';
import { AveragePooling1D, AveragePooling2D, GlobalAveragePooling1D, GlobalAveragePooling2D, type GlobalPooling2DArgs, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D, type Pooling1DArgs, type Pooling2DArgs } from './pooling.js';
import { GRU, GRUCell, type GRUCellLayerArgs, type GRULayerArgs, LSTM, LSTMCell, type LSTMCellLayerArgs, type LSTMLayerArgs, RNN, type RNNLayerArgs, SimpleRNN, SimpleRNNCell, type SimpleRNNCellLayerArgs, type SimpleRNNLayerArgs, StackedRNNCells, type StackedRNNCellsArgs } from './recurrent.js';
import { Bidirectional, type BidirectionalLayerArgs, TimeDistributed, type WrapperLayerArgs } from './wrappers.js';
import { Cropping2D, type Cropping2DArgs, UpSampling2D, type UpSampling2DArgs, ZeroPadding2D, type ZeroPadding2DArgs } from './spatial.js';

export const layers = {
  dense: (args: DenseArgs) => new Dense(args),
  dropout: (args: DropoutArgs) => new Dropout(args),
  spatialDropout1d: (args: DropoutArgs) => new SpatialDropout1D(args),
  gaussianNoise: (args: LayerArgs & { stddev: number; seed?: number }) => new GaussianNoise(args),
  gaussianDropout: (args: LayerArgs & { rate: number; seed?: number }) => new GaussianDropout(args),
  alphaDropout: (args: LayerArgs & { rate: number; noiseShape?: Array<number | null>; seed?: number }) => new AlphaDropout(args),
  activation: (args: LayerArgs & { activation: string }) => new Activation(args),
  reLU: (args?: LayerArgs & { maxValue?: number | null }) => new ReLU(args),
  leakyReLU: (args?: LayerArgs & { alpha?: number }) => new LeakyReLU(args),
  prelu: (args?: PReLUArgs) => new PReLU(args),
  elu: (args?: LayerArgs & { alpha?: number }) => new ELU(args),
  thresholdedReLU: (args?: LayerArgs & { theta?: number }) => new ThresholdedReLU(args),
  softmax: (args?: LayerArgs & { axis?: number }) => new Softmax(args),
  flatten: (args?: LayerArgs & { dataFormat?: 'channelsLast' | 'channelsFirst' }) => new Flatten(args),
  reshape: (args: LayerArgs & { targetShape: Array<number | null> }) => new Reshape(args),
  permute: (args: LayerArgs & { dims: number[] }) => new Permute(args),
  repeatVector: (args: LayerArgs & { n: number }) => new RepeatVector(args),
  masking: (args?: LayerArgs & { maskValue?: number }) => new Masking(args),
  embedding: (args: EmbeddingLayerArgs) => new Embedding(args),
  inputLayer: (args: InputLayerArgs) => new InputLayer(args),
  add: (args?: LayerArgs) => new Add(args),
  multiply: (args?: LayerArgs) => new Multiply(args),
  average: (args?: LayerArgs) => new Average(args),
  maximum: (args?: LayerArgs) => new Maximum(args),
  minimum: (args?: LayerArgs) => new Minimum(args),
  concatenate: (args?: LayerArgs & { axis?: number }) => new Concatenate(args),
  dot: (args: LayerArgs & { axes: number | [number, number]; normalize?: boolean }) => new Dot(args),
  conv2d: (args: ConvLayerArgs) => new Conv2D(args),
  conv1d: (args: ConvLayerArgs) => new Conv1D(args),
  conv2dTranspose: (args: ConvLayerArgs) => new Conv2DTranspose(args),
  depthwiseConv2d: (args: DepthwiseConv2DLayerArgs) => new DepthwiseConv2D(args),
  separableConv2d: (args: SeparableConvLayerArgs) => new SeparableConv2D(args),
  maxPooling2d: (args?: Pooling2DArgs) => new MaxPooling2D(args),
  averagePooling2d: (args?: Pooling2DArgs) => new AveragePooling2D(args),
  maxPooling1d: (args?: Pooling1DArgs) => new MaxPooling1D(args),
  averagePooling1d: (args?: Pooling1DArgs) => new AveragePooling1D(args),
  globalAveragePooling2d: (args?: GlobalPooling2DArgs) => new GlobalAveragePooling2D(args),
  globalMaxPooling2d: (args?: GlobalPooling2DArgs) => new GlobalMaxPooling2D(args),
  globalAveragePooling1d: (args?: LayerArgs) => new GlobalAveragePooling1D(args),
  globalMaxPooling1d: (args?: LayerArgs) => new GlobalMaxPooling1D(args),
  zeroPadding2d: (args?: ZeroPadding2DArgs) => new ZeroPadding2D(args),
  /** TF.js's spelling; cropping2d too, as the other factories are spelled. */
  cropping2D: (args: Cropping2DArgs) => new Cropping2D(args),
  cropping2d: (args: Cropping2DArgs) => new Cropping2D(args),
  upSampling2d: (args?: UpSampling2DArgs) => new UpSampling2D(args),
  batchNormalization: (args?: BatchNormalizationLayerArgs) => new BatchNormalization(args),
  layerNormalization: (args?: LayerNormalizationLayerArgs) => new LayerNormalization(args),
  simpleRNN: (args: SimpleRNNLayerArgs) => new SimpleRNN(args),
  lstm: (args: LSTMLayerArgs) => new LSTM(args),
  gru: (args: GRULayerArgs) => new GRU(args),
  rnn: (args: RNNLayerArgs) => new RNN(args),
  simpleRNNCell: (args: SimpleRNNCellLayerArgs) => new SimpleRNNCell(args),
  lstmCell: (args: LSTMCellLayerArgs) => new LSTMCell(args),
  gruCell: (args: GRUCellLayerArgs) => new GRUCell(args),
  stackedRNNCells: (args: StackedRNNCellsArgs) => new StackedRNNCells(args),
  bidirectional: (args: BidirectionalLayerArgs) => new Bidirectional(args),
  timeDistributed: (args: WrapperLayerArgs) => new TimeDistributed(args),
  // TF.js's other names for the same layers
  maxPool1d: (args?: Pooling1DArgs) => new MaxPooling1D(args),
  maxPool2d: (args?: Pooling2DArgs) => new MaxPooling2D(args),
  avgPool1d: (args?: Pooling1DArgs) => new AveragePooling1D(args),
  avgPooling1d: (args?: Pooling1DArgs) => new AveragePooling1D(args),
  avgPool2d: (args?: Pooling2DArgs) => new AveragePooling2D(args),
  avgPooling2d: (args?: Pooling2DArgs) => new AveragePooling2D(args),
  globalMaxPool1d: (args?: LayerArgs) => new GlobalMaxPooling1D(args),
  globalMaxPool2d: (args?: GlobalPooling2DArgs) => new GlobalMaxPooling2D(args),
  /** tf.input, as TF.js also offers it here. */
  input,
  /** The base class of every layer, for subclassing as in TF.js. */
  Layer,
};

for (const cls of [Dense, Dropout, SpatialDropout1D, GaussianNoise, GaussianDropout, AlphaDropout, Activation, ReLU, LeakyReLU, PReLU, ELU, ThresholdedReLU, Softmax, Flatten, Reshape, Permute, RepeatVector, Masking, Embedding, InputLayer, Add, Multiply, Average, Maximum, Minimum, Concatenate, Dot, Conv2D, Conv1D, Conv2DTranspose, DepthwiseConv2D, SeparableConv2D, MaxPooling2D, AveragePooling2D, MaxPooling1D, AveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling2D, GlobalAveragePooling1D, GlobalMaxPooling1D, ZeroPadding2D, Cropping2D, UpSampling2D, BatchNormalization, LayerNormalization, SimpleRNN, LSTM, GRU, RNN, SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells, Bidirectional, TimeDistributed]) {
  registerClass(cls as unknown as SerializableClass);
  BUILT_IN_LAYERS.add(cls);
}

export { Activation, Add, AlphaDropout, Average, Concatenate, Dense, Dot, Dropout, ELU, Embedding, Masking, GaussianDropout, GaussianNoise, SpatialDropout1D, Flatten, InputLayer, LeakyReLU, Maximum, Minimum, Multiply, Permute, PReLU, ReLU, RepeatVector, Reshape, Softmax, ThresholdedReLU };
export { Layer } from './layer.js';
export { AveragePooling1D, AveragePooling2D, Conv1D, Conv2D, Conv2DTranspose, DepthwiseConv2D, GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalMaxPooling1D, GlobalMaxPooling2D, MaxPooling1D, MaxPooling2D, SeparableConv2D };
export { Cropping2D, UpSampling2D, ZeroPadding2D };
export type { BaseConvLayerArgs, ConvLayerArgs, Cropping2DArgs, DepthwiseConv2DLayerArgs, GlobalPooling2DArgs, Pooling1DArgs, Pooling2DArgs, SeparableConvLayerArgs, UpSampling2DArgs, ZeroPadding2DArgs };
export { BatchNormalization, LayerNormalization };
export type { BatchNormalizationLayerArgs, LayerNormalizationLayerArgs };
export type { DenseArgs, DropoutArgs, EmbeddingLayerArgs, InputLayerArgs, LayerArgs, PReLUArgs };
export type { Kwargs, Masks, Shape } from './layer.js';
