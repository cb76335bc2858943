// TF.js's in-memory handlers, io.fromMemory and io.withSaveHandler: small and synchronous, so they stay in
// the main bundle while the URL handlers and the format code (handlers.ts, artifacts.ts) load on first use.

import { checkOptions, is, type Schema } from '../validate.js';
import type { IOHandler, ModelArtifacts, SaveResult, TrainingConfig, WeightData, WeightsManifestEntry } from './types.js';

/** The keys of TF.js 4.22's ModelArtifacts, so that a misspelt one is refused; loadLayersModel checks the values. */
const ARTIFACTS: Schema = Object.fromEntries(
  ['modelTopology', 'trainingConfig', 'weightSpecs', 'weightData', 'getWeightStream', 'format', 'generatedBy', 'convertedBy', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'].map((key) => [key, is.any]),
);

/**
 * A handler whose load() returns the given artifacts (TF.js 4.x: one artifacts object; the older
 * (modelTopology, weightSpecs, weightData, trainingConfig) form is accepted too).
 * @example const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
 */
export function fromMemory(modelArtifacts: {} | ModelArtifacts, weightSpecs?: WeightsManifestEntry[], weightData?: WeightData, trainingConfig?: TrainingConfig): IOHandler {
  if (modelArtifacts === null || typeof modelArtifacts !== 'object') throw new Error(`io.fromMemory: expected model artifacts, got ${String(modelArtifacts)}`);
  const a = modelArtifacts as ModelArtifacts;
  const artifacts: ModelArtifacts =
    weightSpecs === undefined && weightData === undefined && trainingConfig === undefined && (a.modelTopology != null || a.weightSpecs != null)
      ? checkOptions('io.fromMemory', 'modelArtifacts', a, ARTIFACTS)
      : { modelTopology: modelArtifacts, weightSpecs, weightData, trainingConfig };
  return { load: async () => artifacts };
}

/**
 * A handler whose save() passes the artifacts to your function.
 * @example await model.save(tf.io.withSaveHandler(async (artifacts) => { upload(artifacts); return { modelArtifactsInfo: ... }; }));
 */
export function withSaveHandler(saveHandler: (artifacts: ModelArtifacts) => Promise<SaveResult>): IOHandler {
  if (typeof saveHandler !== 'function') throw new Error(`io.withSaveHandler: saveHandler must be a function, got ${typeof saveHandler}`);
  return { save: saveHandler };
}
