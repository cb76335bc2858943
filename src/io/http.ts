// TF.js's LoadOptions, checked for loadLayersModel and io.http before anything is read or fetched, and
// io.http / io.browserHTTPRequest, whose fetching code (handlers.ts) is imported on the first load.

import { checkBool, checkObject, checkOptions, describe, is, type Schema } from '../validate.js';
import type { IOHandler, LoadOptions } from './types.js';

/** TF.js 4.22's LoadOptions, each with its rule (see types.ts for what neurite does with each). */
const LOAD_OPTIONS: Schema = {
  requestInit: (op, name, value) => {
    checkObject(op, name, value);
    if (value.body !== undefined && value.body !== null) throw new Error(`${op}: ${name}.body must not be set; loading sends its own requests (as in TF.js)`);
  },
  onProgress: is.fn,
  fetchFunc: is.fn,
  strict: (op, name, value) => {
    checkBool(op, name, value);
    if (!value) throw new Error(`${op}: ${name} false is not supported; neurite always refuses missing or extra weights`);
  },
  weightPathPrefix: is.string,
  fromTFHub: is.bool,
  weightUrlConverter: is.fn,
  streamWeights: is.bool,
};

/** The checked options; null or undefined give {} (as in TF.js). */
export function checkLoadOptions(op: string, name: string, options: unknown): LoadOptions {
  return checkOptions(op, name, (options ?? undefined) as LoadOptions | undefined, LOAD_OPTIONS);
}

/**
 * A handler that loads model.json and its weight files with fetch, as TF.js's io.http.
 * @example const model = await tf.loadLayersModel(tf.io.http('https://example.com/model.json', { requestInit: { credentials: 'include' } }));
 */
export function http(path: string, loadOptions?: LoadOptions): IOHandler {
  if (typeof path !== 'string' || path === '') throw new Error(`io.http: path must be the URL of a model.json, got ${describe(path)}`);
  const options = checkLoadOptions('io.http', 'loadOptions', loadOptions);
  return { load: async () => (await import('./persistence.js')).httpHandler(path, options).load!() };
}

/** TF.js's older name for io.http. */
export const browserHTTPRequest = http;
