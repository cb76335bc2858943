// Saving and loading in the TF.js Layers format (model.json + weights.bin): model.save(url | handler) and
// tf.loadLayersModel(url | handler), with TF.js's IOHandler types and its io.fromMemory / io.withSaveHandler,
// and tf.models.modelFromJSON. See topology.ts for the model's description, artifacts.ts for the weights and
// handlers.ts for the URL schemes; the last two are imported on first use (through persistence.ts), so pages
// that never save or load do not download them.

import type { LayersModel } from '../model/model.js';
import { checkObject, describe, is } from '../validate.js';
import { checkLoadOptions } from './http.js';
import * as io from './namespace.js';
import { isObject, modelFromTopology, short } from './topology.js';
import type { IOHandler, LoadOptions, SaveResult, WeightsManifestConfig } from './types.js';

export type * from './types.js';

/** Saves through a handler, or the one a URL names ('file://dir', 'localstorage://name', ...). Used by model.save. */
export async function saveModel(model: LayersModel, handlerOrUrl: string | IOHandler): Promise<SaveResult> {
  let handler: IOHandler;
  if (typeof handlerOrUrl === 'string') handler = (await import('./persistence.js')).handlerForUrl(handlerOrUrl, 'save');
  else if (handlerOrUrl !== null && typeof handlerOrUrl === 'object' && typeof handlerOrUrl.save === 'function') handler = handlerOrUrl;
  else {
    throw new Error(`save: expected a URL ('file://dir', 'localstorage://name', 'indexeddb://name', 'downloads://name') or an IOHandler with a save method, got ${describe(handlerOrUrl)}`);
  }
  const { modelToArtifacts } = await import('./persistence.js');
  return handler.save!(modelToArtifacts(model));
}

/**
 * Loads a model (Sequential or functional) saved in the TF.js Layers format, by neurite, TF.js or the Keras converter.
 * A truncated, corrupted, oversized or mismatched model is refused with an Error that says what is wrong,
 * and leaves no memory allocated; weight files are read only from model.json's folder (file://) or origin
 * (http(s), unless options.weightPathPrefix or options.weightUrlConverter say otherwise).
 * @example const model = await tf.loadLayersModel('file://./my-model/model.json');
 */
export async function loadLayersModel(handlerOrUrl: string | IOHandler, options?: LoadOptions): Promise<LayersModel> {
  const checked = checkLoadOptions('loadLayersModel', 'options', options);
  let handler: IOHandler;
  if (typeof handlerOrUrl === 'string') handler = (await import('./persistence.js')).handlerForUrl(handlerOrUrl, 'load', checked);
  else if (handlerOrUrl !== null && typeof handlerOrUrl === 'object' && typeof handlerOrUrl.load === 'function') handler = handlerOrUrl;
  else {
    throw new Error(`loadLayersModel: expected a URL ('file://dir/model.json', 'https://.../model.json', 'localstorage://name', 'indexeddb://name') or an IOHandler with a load method, got ${describe(handlerOrUrl)}`);
  }
  const artifacts = await handler.load!();
  const { modelFromArtifacts } = await import('./persistence.js');
  return modelFromArtifacts(artifacts);
}

/** `tf.io`: fromMemory, withSaveHandler and http as in TF.js, and the artifact types (`tf.io.IOHandler`, ...). */
export { io };

/** TF.js's ModelAndWeightsConfig: a topology, and the weights manifest of files fetched from pathPrefix. */
export interface ModelAndWeightsConfig {
  modelTopology: {};
  weightsManifest?: WeightsManifestConfig;
  pathPrefix?: string;
}

/**
 * A model from its topology (toJSON's, TF.js's or a Keras file's), as TF.js's tf.models.modelFromJSON: with
 * weights as its layers' initializers give them, or those of weightsManifest's files, fetched from pathPrefix
 * and checked as loadLayersModel fetches and checks them (its errors then name loadLayersModel). A JSON string
 * is read too (TF.js documents it). customObjects: layer classes by class name, besides tf.serialization's.
 * @example const copy = await tf.models.modelFromJSON(model.toJSON(null, false));
 */
export async function modelFromJSON(modelAndWeightsConfig: ModelAndWeightsConfig | {} | string, customObjects?: Record<string, unknown>): Promise<LayersModel> {
  const op = 'modelFromJSON';
  let given: unknown = modelAndWeightsConfig;
  if (typeof given === 'string') {
    try {
      given = JSON.parse(given);
    } catch (error) {
      throw new Error(`${op}: modelAndWeightsConfig is a string that is not JSON (${short((error as Error).message, 120)})`);
    }
  }
  if (!isObject(given)) throw new Error(`${op}: modelAndWeightsConfig must be a model's topology or { modelTopology, weightsManifest?, pathPrefix? }, got ${describe(given)}`);
  if (customObjects !== undefined && customObjects !== null) {
    checkObject(op, 'customObjects', customObjects);
    for (const [name, cls] of Object.entries(customObjects)) is.fn(op, `customObjects.${name}`, cls);
  }
  const config = 'modelTopology' in given ? given : { modelTopology: given };
  if (config.weightsManifest === undefined || config.weightsManifest === null) return modelFromTopology(op, config.modelTopology, { classes: customObjects ?? {} });
  const pathPrefix = config.pathPrefix ?? '';
  is.string(op, 'modelAndWeightsConfig.pathPrefix', pathPrefix);
  const { artifactsWithWeights, modelFromArtifacts } = await import('./persistence.js');
  return modelFromArtifacts(await artifactsWithWeights(config, pathPrefix as string), customObjects ?? {});
}

/** `tf.models`: TF.js's modelFromJSON. */
export const models = { modelFromJSON };
