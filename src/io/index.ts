// Saving and loading in the TF.js Layers format (model.json + weights.bin): model.save(url | handler) and
// tf.loadLayersModel(url | handler), with TF.js's IOHandler types and its io.fromMemory / io.withSaveHandler.
// See artifacts.ts for the format and handlers.ts for the URL schemes; both are imported on first use
// (through persistence.ts), so pages that never save or load do not download them.

import type { LayersModel } from '../model/model.js';
import { describe } from '../validate.js';
import { checkLoadOptions } from './http.js';
import * as io from './namespace.js';
import type { IOHandler, LoadOptions, SaveResult } from './types.js';

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
