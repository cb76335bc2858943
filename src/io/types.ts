// The model-artifact types of TF.js (tfjs-core io/types.ts), restated so that TF.js's own handlers
// (tf.io.fromMemory, tf.io.withSaveHandler, ...) can be passed to neurite and neurite's to TF.js.

/** One weight in a manifest: its name ('dense_Dense1/kernel'), shape and dtype, and how it is quantized. */
export interface WeightsManifestEntry {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32' | 'bool' | 'string' | 'complex64';
  /** 'optimizer' marks optimizer state, which neurite ignores when loading. */
  group?: WeightGroup;
  quantization?: { scale?: number; min?: number; dtype: 'uint16' | 'uint8' | 'float16' };
}

export type WeightGroup = 'model' | 'optimizer';

/** Weights stored in an ordered list of files (paths relative to model.json), concatenated. */
export interface WeightsManifestGroupConfig {
  paths: string[];
  weights: WeightsManifestEntry[];
}

export type WeightsManifestConfig = WeightsManifestGroupConfig[];

/** All weight values in the order of the specs: one buffer, or shards to be concatenated. */
export type WeightData = ArrayBuffer | ArrayBuffer[];

export interface TrainingConfig {
  optimizer_config: {};
  loss: string | string[] | { [key: string]: string };
  metrics?: string[] | { [key: string]: string };
  weighted_metrics?: string[];
  sample_weight_mode?: string;
  loss_weights?: number[] | { [key: string]: number };
}

/** What model.json and the in-memory artifacts both carry besides topology and weights. */
interface ModelMetadata {
  trainingConfig?: TrainingConfig;
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  signature?: {};
  userDefinedMetadata?: { [key: string]: {} };
  modelInitializer?: {};
  initializerSignature?: {};
}

/** A saved model in memory: what a save handler receives and a load handler returns. */
export interface ModelArtifacts extends ModelMetadata {
  modelTopology?: {} | ArrayBuffer;
  weightSpecs?: WeightsManifestEntry[];
  weightData?: WeightData;
  /** The weights as a stream (TF.js's streamWeights); neurite refuses it and needs weightData. */
  getWeightStream?: () => ReadableStream<ArrayBuffer>;
}

/** The contents of model.json. */
export interface ModelJSON extends ModelMetadata {
  modelTopology: {};
  weightsManifest: WeightsManifestConfig;
}

export interface ModelArtifactsInfo {
  dateSaved: Date;
  modelTopologyType: 'JSON' | 'GraphDef';
  modelTopologyBytes?: number;
  weightSpecsBytes?: number;
  weightDataBytes?: number;
}

export interface SaveResult {
  modelArtifactsInfo: ModelArtifactsInfo;
  responses?: Response[];
  errors?: Array<{} | string>;
}

export type SaveHandler = (modelArtifact: ModelArtifacts) => Promise<SaveResult>;
export type LoadHandler = () => Promise<ModelArtifacts>;

/** Where a model is saved to or loaded from; either method may be missing. */
export interface IOHandler {
  save?: SaveHandler;
  load?: LoadHandler;
}

/** Options of loadLayersModel and io.http: TF.js 4.22's LoadOptions, all checked (unknown keys are refused). */
export interface LoadOptions {
  /** Passed to every fetch (headers, credentials, ...); a body is refused, as in TF.js. */
  requestInit?: RequestInit;
  /** Called with the fraction of weight files fetched, up to 1. */
  onProgress?: (fraction: number) => void;
  fetchFunc?: typeof fetch;
  /** Only true (the default): neurite always refuses missing or extra weights. */
  strict?: boolean;
  /** Where weight files are fetched from instead of model.json's directory (may be another origin). */
  weightPathPrefix?: string;
  /** Ignored, as by TF.js's loadLayersModel (only loadGraphModel reads it). */
  fromTFHub?: boolean;
  /** The URL of each weight file from its manifest path (may be another origin). */
  weightUrlConverter?: (weightFileName: string) => Promise<string>;
  /** Accepted; the weights are read whole either way, and the model is the same. */
  streamWeights?: boolean;
}
