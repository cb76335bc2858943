// The `tf.io` namespace: TF.js's in-memory and http handlers and the artifact types, so that both
// `tf.io.fromMemory(...)` and the type `tf.io.IOHandler` work as they do with TF.js.

export { browserHTTPRequest, http } from './http.js';
export { fromMemory, withSaveHandler } from './memory.js';
export type * from './types.js';
