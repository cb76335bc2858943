// Everything model.save and loadLayersModel need beyond io/index.ts: the URL handlers and the format code,
// gathered in one module so that bundlers split them into one chunk, fetched on the first save or load.

export { modelFromArtifacts, modelToArtifacts } from './artifacts.js';
export { artifactsWithWeights, handlerForUrl, httpHandler } from './handlers.js';
