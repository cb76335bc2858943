// IOHandlers for the URL schemes: file:// (Node), http(s) and relative URLs (fetch), localstorage:// and
// indexeddb:// (in TF.js's own storage layout, so models saved by either library load in the other),
// downloads:// (save only). Loaded only when a model is saved or loaded (io/index.ts imports it lazily).
// Node modules are reached through process.getBuiltinModule so that browser bundles never see node:fs.

import { describe } from '../validate.js';
import { checkDataLength, concatBytes, layout, weightSources } from './artifacts.js';
import { listed, short } from './topology.js';
import type { IOHandler, LoadOptions, ModelArtifacts, ModelArtifactsInfo, ModelJSON, WeightData, WeightsManifestConfig, WeightsManifestEntry } from './types.js';

const SAVE_SCHEMES = ['file://', 'localstorage://', 'indexeddb://', 'downloads://'];
const LOAD_SCHEMES = ['file://', 'http://', 'https://', 'localstorage://', 'indexeddb://'];

/**
 * The largest model.json read. It holds the topology and the weights manifest: a few KB for a dense network,
 * a few MB for the largest converted models (the weights are in the .bin files). Anything near 64 MB is a
 * mistake (a weight file named model.json) or an attack, refused before it is read and parsed.
 */
const MAX_MODEL_JSON_BYTES = 64 * 2 ** 20;

/**
 * The most weight files one manifest may list. TF.js writes 4 MB shards, so 10,000 files would be 40 GB, far
 * past the 4 GiB a model can hold; a longer list only asks for a flood of reads or requests.
 */
const MAX_WEIGHT_FILES = 10_000;

// ---- shared pieces ----

/** One ArrayBuffer holding all of the weight data. */
function concatWeightData(data: WeightData | undefined): ArrayBuffer {
  if (data === undefined || data === null) return new ArrayBuffer(0);
  return Array.isArray(data) ? (concatBytes(data.map((d) => new Uint8Array(d))).buffer as ArrayBuffer) : data;
}

const utf8Bytes = (s: string) => new TextEncoder().encode(s).length;

/** TF.js's getModelArtifactsInfoForJSON. */
function artifactsInfo(artifacts: ModelArtifacts): ModelArtifactsInfo {
  if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('save: binary model topologies are not supported');
  return {
    dateSaved: new Date(),
    modelTopologyType: 'JSON',
    modelTopologyBytes: artifacts.modelTopology === undefined ? 0 : utf8Bytes(JSON.stringify(artifacts.modelTopology)),
    weightSpecsBytes: artifacts.weightSpecs === undefined ? 0 : utf8Bytes(JSON.stringify(artifacts.weightSpecs)),
    weightDataBytes: concatWeightData(artifacts.weightData).byteLength,
  };
}

/** model.json's contents for artifacts whose weights are stored as the manifest says. */
function modelJSONFor(artifacts: ModelArtifacts, weightsManifest: WeightsManifestConfig): ModelJSON {
  const json: ModelJSON = {
    modelTopology: artifacts.modelTopology!,
    format: artifacts.format,
    generatedBy: artifacts.generatedBy,
    convertedBy: artifacts.convertedBy,
    weightsManifest,
  };
  for (const key of ['signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature', 'trainingConfig'] as const) {
    if (artifacts[key] !== undefined && artifacts[key] !== null) (json as unknown as Record<string, unknown>)[key] = artifacts[key];
  }
  return json;
}

/** The refusal of a model.json past MAX_MODEL_JSON_BYTES. */
const jsonTooLarge = (where: string) =>
  new Error(`loadLayersModel: ${short(where)} is larger than ${MAX_MODEL_JSON_BYTES >> 20} MB, the most a model.json may be (its weights belong in .bin files)`);

/** Parses and checks model.json, up to the weight specs (artifacts.ts's layout checks those); `location` names it in messages. */
function parseModelJSON(text: string, location: string): ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`loadLayersModel: ${short(location)} is not valid JSON (${short((error as Error).message, 120)}); truncated or corrupted?`);
  }
  return checkModelJSON(json, location);
}

/** Checks the parsed contents of model.json, up to the weight specs; `location` names it in messages. */
function checkModelJSON(json: unknown, location: string): ModelJSON {
  const where = short(location);
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw new Error(`loadLayersModel: ${where} must hold a JSON object`);
  const m = json as Partial<ModelJSON>;
  if (m.modelTopology === undefined || m.modelTopology === null) throw new Error(`loadLayersModel: ${where} has no modelTopology`);
  if (m.weightsManifest === undefined || m.weightsManifest === null) throw new Error(`loadLayersModel: ${where} has no weightsManifest`);
  if (!Array.isArray(m.weightsManifest)) throw new Error(`loadLayersModel: ${where}: weightsManifest must be an array of { paths, weights } groups`);
  m.weightsManifest.forEach((group, i) => {
    if (group === null || typeof group !== 'object' || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string') || !Array.isArray(group.weights)) {
      throw new Error(`loadLayersModel: ${where}: weightsManifest[${i}] must be { paths: string[], weights: [...] }`);
    }
  });
  const files = m.weightsManifest.reduce((n, group) => n + group.paths.length, 0);
  if (files > MAX_WEIGHT_FILES) throw new Error(`loadLayersModel: ${where} lists ${files} weight files; neurite reads at most ${MAX_WEIGHT_FILES} (TF.js writes 4 MB shards)`);
  return m as ModelJSON;
}

/** The weight specs of all of model.json's manifest groups, in order. */
const specsOf = (json: ModelJSON): WeightsManifestEntry[] => json.weightsManifest.flatMap((group) => group.weights);

/** Names the weight files in messages: 'weights.bin', or 'the weight files (a.bin, b.bin)'. */
const sourceName = (files: string[]): string => (files.length === 1 ? short(files[0]) : `the weight files (${listed(files)})`);

/** Artifacts from a parsed model.json and its weight files' contents, in manifest order. */
function artifactsFromJSON(json: ModelJSON, weightData: ArrayBuffer, weightFiles: string[]): ModelArtifacts {
  const artifacts: ModelArtifacts = { modelTopology: json.modelTopology, weightSpecs: specsOf(json), weightData };
  for (const key of ['format', 'generatedBy', 'convertedBy', 'trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const) {
    if (json[key] !== undefined) (artifacts as Record<string, unknown>)[key] = json[key];
  }
  weightSources.set(artifacts, sourceName(weightFiles));
  return artifacts;
}

// ---- file:// (Node) ----

type Fs = typeof import('node:fs/promises');
type Path = typeof import('node:path');

async function nodeModule<T>(op: string, name: string): Promise<T> {
  const proc = (globalThis as { process?: { getBuiltinModule?: (n: string) => unknown; versions?: { node?: string } } }).process;
  if (typeof proc?.getBuiltinModule === 'function') return proc.getBuiltinModule(name) as T;
  if (typeof proc?.versions?.node !== 'string') throw new Error(`${op}: file:// URLs work in Node only; in a browser use localstorage://, indexeddb://, downloads:// or an http(s) URL`);
  const specifier = name; // a variable, so bundlers leave it alone
  return (await import(/* @vite-ignore */ specifier)) as T;
}

function fileHandler(url: string): IOHandler {
  const target = url.slice('file://'.length);
  return {
    async save(artifacts) {
      const fs = await nodeModule<Fs>('save', 'node:fs/promises');
      const path = await nodeModule<Path>('save', 'node:path');
      const toJsonFile = target.endsWith('.json');
      const dir = toJsonFile ? path.dirname(target) : target;
      const jsonPath = toJsonFile ? target : path.join(dir, 'model.json');
      // model.json's weights are weights.bin, as TF.js names them; x.json's x.weights.bin, so that models saved
      // side by side in one folder keep their own.
      const name = path.basename(jsonPath, '.json');
      const bin = name === 'model' ? 'weights.bin' : `${name}.weights.bin`;
      const modelJSON = modelJSONFor(artifacts, [{ paths: [bin], weights: artifacts.weightSpecs ?? [] }]);
      try {
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(path.join(dir, bin), new Uint8Array(concatWeightData(artifacts.weightData)));
        await fs.writeFile(jsonPath, JSON.stringify(modelJSON));
      } catch (error) {
        throw new Error(`save: cannot write the model to ${url}: ${(error as Error).message}`);
      }
      return { modelArtifactsInfo: artifactsInfo(artifacts) };
    },
    async load() {
      const fs = await nodeModule<Fs>('loadLayersModel', 'node:fs/promises');
      const path = await nodeModule<Path>('loadLayersModel', 'node:path');
      const read = async <T>(file: string, how: (f: string) => Promise<T>): Promise<T> => {
        try {
          return await how(file);
        } catch (error) {
          const { code, message } = error as { code?: string; message: string };
          throw new Error(`loadLayersModel: cannot read ${short(file)}: ${code === 'ENOENT' ? 'no such file' : short(message.replace(/, \w+ '.*'$/s, ''), 120)}`);
        }
      };
      /** The file's size, refused unless it is a regular file (a FIFO or /dev/zero would never end). */
      const fileSize = async (file: string): Promise<number> => {
        const stat = await read(file, (f) => fs.stat(f));
        if (!stat.isFile()) throw new Error(`loadLayersModel: ${short(file)} is not a file`);
        return stat.size;
      };
      const jsonPath = (await read(target, (f) => fs.stat(f))).isDirectory() ? path.join(target, 'model.json') : target;
      if ((await fileSize(jsonPath)) > MAX_MODEL_JSON_BYTES) throw jsonTooLarge(jsonPath);
      const json = parseModelJSON(await read(jsonPath, (f) => fs.readFile(f, 'utf8')), jsonPath);
      const manifest = layout(specsOf(json));

      // Weight paths stay inside model.json's folder, links resolved: a hostile manifest must not read other files.
      const dir = path.resolve(path.dirname(jsonPath));
      const root = await read(dir, (f) => fs.realpath(f));
      const outside = (from: string, file: string) => {
        const rel = path.relative(from, file);
        return rel === '..' || rel.startsWith('..' + path.sep) || path.isAbsolute(rel);
      };
      const paths = json.weightsManifest.flatMap((group) => group.paths);
      const files = await Promise.all(
        paths.map(async (p) => {
          const file = path.resolve(dir, p);
          if (path.isAbsolute(p) || outside(dir, file)) {
            throw new Error(`loadLayersModel: weight path ${describe(p)} in ${short(jsonPath)} leaves the model's folder; weight paths must be relative to model.json and stay in its folder`);
          }
          const real = await read(file, (f) => fs.realpath(f));
          if (outside(root, real)) throw new Error(`loadLayersModel: weight file ${describe(p)} is a link to ${short(real)}, outside the model's folder ${short(root)}`);
          return file;
        }),
      );
      // Sizes before contents: a weight file of the wrong length is refused without reading it.
      const sizes = await Promise.all(files.map(fileSize));
      checkDataLength(manifest, sizes.reduce((n, size) => n + size, 0), sourceName(paths));
      const parts = await Promise.all(files.map((f) => read(f, (x) => fs.readFile(x))));
      return artifactsFromJSON(json, concatBytes(parts).buffer as ArrayBuffer, paths);
    },
  };
}

// ---- http(s) and relative URLs (fetch) ----

/** Stops a response's download; a fetchFunc's own response may have no web stream to cancel. */
function discard(response: Response): void {
  response.body?.cancel?.().catch(() => {});
}

/** A response's bytes, refused with tooLarge() once more than budget.left have arrived (parallel reads share a budget). */
async function readBody(response: Response, url: string, budget: { left: number }, tooLarge: () => Error): Promise<Uint8Array> {
  try {
    const reader = response.body?.getReader?.();
    if (!reader) {
      // A fetchFunc whose responses have no web stream (node-fetch 2): read whole, then check.
      const bytes = new Uint8Array(await response.arrayBuffer());
      if ((budget.left -= bytes.byteLength) < 0) throw tooLarge();
      return bytes;
    }
    const chunks: Uint8Array[] = [];
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      if ((budget.left -= chunk.value.byteLength) < 0) {
        reader.cancel().catch(() => {});
        throw tooLarge();
      }
      chunks.push(chunk.value);
    }
    return concatBytes(chunks);
  } catch (error) {
    if ((error as Error).message?.startsWith('loadLayersModel')) throw error;
    throw new Error(`loadLayersModel: reading ${short(url)} failed: ${short(String((error as Error).message), 120)}`);
  }
}

/** A URL's origin. Relative URLs resolve against the page, or outside one against a stand-in that they all share. */
function originOf(url: string): string | undefined {
  try {
    return new URL(url, (globalThis as { location?: { href: string } }).location?.href ?? 'http://relative.invalid/').origin;
  } catch {
    return undefined;
  }
}

/**
 * Where each weight file is fetched, as in TF.js: beside model.json with its query string, under
 * options.weightPathPrefix, or wherever options.weightUrlConverter says. Without either option a weight URL
 * must stay at model.json's origin: a hostile manifest must not send requests, with requestInit's
 * credentials, to another server.
 */
async function weightUrls(url: string, paths: string[], options: LoadOptions): Promise<string[]> {
  const convert = options.weightUrlConverter;
  if (convert) {
    return Promise.all(
      paths.map(async (p) => {
        const converted: unknown = await convert(p);
        if (typeof converted !== 'string' || converted === '') throw new Error(`loadLayersModel: options.weightUrlConverter must return a URL, got ${describe(converted)} for ${describe(p)}`);
        return converted;
      }),
    );
  }
  const slash = url.lastIndexOf('/');
  const query = url.lastIndexOf('?') > slash ? url.slice(url.lastIndexOf('?')) : '';
  const prefix = options.weightPathPrefix || url.slice(0, slash + 1); // '' means unset, as in TF.js
  const urls = paths.map((p) => (prefix.endsWith('/') || prefix === '' ? prefix : prefix + '/') + p + query);
  if (!options.weightPathPrefix) {
    const origin = originOf(url);
    urls.forEach((u, i) => {
      if (origin === undefined || originOf(u) !== origin) {
        throw new Error(`loadLayersModel: weight path ${describe(paths[i])} leads to ${short(u)}, outside the origin of ${short(url)}; to fetch weights elsewhere, pass options.weightPathPrefix or options.weightUrlConverter`);
      }
    });
  }
  return urls;
}

/** fetch (options.fetchFunc or the global one) of a URL whose response must be ok; failures name the URL. */
function fetcher(options: LoadOptions): (url: string) => Promise<Response> {
  const fetchFn = options.fetchFunc ?? (globalThis as { fetch?: typeof fetch }).fetch;
  if (typeof fetchFn !== 'function') throw new Error('loadLayersModel: fetch is not available here; pass options.fetchFunc or use a file:// URL');
  return async (u) => {
    let response: Response;
    try {
      response = await fetchFn(u, options.requestInit);
    } catch (error) {
      const hint = /^[a-z][a-z0-9+.-]*:/i.test(u) ? '' : ' (a relative URL needs a browser page to resolve against; in Node use file://)';
      throw new Error(`loadLayersModel: fetching ${short(u)} failed: ${short(String((error as Error)?.message), 120)}${hint}`);
    }
    if (!response?.ok) {
      throw new Error(`loadLayersModel: fetching ${short(u)} failed with HTTP ${response?.status}${response?.statusText ? ` ${short(response.statusText)}` : ''}`);
    }
    return response;
  };
}

/**
 * The artifacts of model.json's contents, with its weight files fetched from the URLs `urlsOf` gives for the
 * manifest's paths; no more bytes are read than the manifest describes.
 */
async function fetchWeights(json: ModelJSON, urlsOf: (paths: string[]) => Promise<string[]>, options: LoadOptions): Promise<ModelArtifacts> {
  const manifest = layout(specsOf(json)); // before any weight file is requested
  const urls = await urlsOf(json.weightsManifest.flatMap((group) => group.paths));
  const get = fetcher(options);
  const budget = { left: manifest.bytes };
  let done = 0;
  const parts = await Promise.all(
    urls.map(async (u) => {
      const tooLong = () => new Error(`loadLayersModel: ${short(u)} sends more bytes than the weights manifest describes (${manifest.bytes} in all); wrong or corrupted weight file?`);
      const bytes = await readBody(await get(u), u, budget, tooLong);
      options.onProgress?.(++done / urls.length);
      return bytes;
    }),
  );
  return artifactsFromJSON(json, concatBytes(parts).buffer as ArrayBuffer, urls);
}

/** Loads model.json and its weight files with fetch (options already checked by http.ts's checkLoadOptions). */
export function httpHandler(url: string, options: LoadOptions): IOHandler {
  return {
    async load() {
      const response = await fetcher(options)(url);
      if (Number(response.headers?.get?.('content-length')) > MAX_MODEL_JSON_BYTES) {
        discard(response);
        throw jsonTooLarge(url);
      }
      const text = new TextDecoder().decode(await readBody(response, url, { left: MAX_MODEL_JSON_BYTES }, () => jsonTooLarge(url)));
      return fetchWeights(parseModelJSON(text, url), (paths) => weightUrls(url, paths, options), options);
    },
  };
}

/**
 * tf.models.modelFromJSON's artifacts: the topology, with the weight files of its weightsManifest fetched from
 * pathPrefix, each path joined to it with a '/' as TF.js's io.loadWeights joins them.
 */
export async function artifactsWithWeights(config: unknown, pathPrefix: string): Promise<ModelArtifacts> {
  const join = async (paths: string[]) => paths.map((p) => `${pathPrefix}${pathPrefix.endsWith('/') ? '' : '/'}${p}`);
  return fetchWeights(checkModelJSON(config, 'the model config'), join, {});
}

// ---- localstorage:// (TF.js's keys: tensorflowjs_models/<name>/...) ----

function base64FromBuffer(buffer: ArrayBuffer): string {
  const bytes = new Uint8Array(buffer);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

function bufferFromBase64(text: string): ArrayBuffer {
  const s = atob(text);
  const bytes = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) bytes[i] = s.charCodeAt(i);
  return bytes.buffer;
}

function localStorageHandler(name: string): IOHandler {
  const storage = (op: string): Storage => {
    const ls = (globalThis as { localStorage?: Storage }).localStorage;
    if (!ls) throw new Error(`${op}: localstorage:// needs a browser with window.localStorage`);
    return ls;
  };
  const key = (suffix: string) => `tensorflowjs_models/${name}/${suffix}`;
  const keys = ['info', 'model_topology', 'weight_specs', 'weight_data', 'model_metadata'].map(key);
  return {
    async save(artifacts) {
      const ls = storage('save');
      const info = artifactsInfo(artifacts);
      const metadata = { format: artifacts.format, generatedBy: artifacts.generatedBy, convertedBy: artifacts.convertedBy, trainingConfig: artifacts.trainingConfig, userDefinedMetadata: artifacts.userDefinedMetadata };
      try {
        ls.setItem(key('info'), JSON.stringify(info));
        ls.setItem(key('model_topology'), JSON.stringify(artifacts.modelTopology));
        ls.setItem(key('weight_specs'), JSON.stringify(artifacts.weightSpecs));
        ls.setItem(key('weight_data'), base64FromBuffer(concatWeightData(artifacts.weightData)));
        ls.setItem(key('model_metadata'), JSON.stringify(metadata));
      } catch (error) {
        for (const k of keys) ls.removeItem(k);
        throw new Error(`save: cannot save ${JSON.stringify(name)} to localStorage (${(error as Error).message}); the storage quota (about 5 MB) may be exceeded, weight data is ${info.weightDataBytes} bytes`);
      }
      return { modelArtifactsInfo: info };
    },
    async load() {
      const ls = storage('loadLayersModel');
      const where = `localstorage://${name}`;
      if (ls.getItem(key('info')) === null) throw new Error(`loadLayersModel: there is no model named ${JSON.stringify(name)} in localStorage`);
      const text = (suffix: string) => {
        const value = ls.getItem(key(suffix));
        if (value === null) throw new Error(`loadLayersModel: ${where} is incomplete: ${key(suffix)} is missing`);
        return value;
      };
      let artifacts: ModelArtifacts;
      try {
        const metadata = JSON.parse(ls.getItem(key('model_metadata')) ?? '{}') as ModelArtifacts;
        artifacts = { ...metadata, modelTopology: JSON.parse(text('model_topology')), weightSpecs: JSON.parse(text('weight_specs')), weightData: bufferFromBase64(text('weight_data')) };
      } catch (error) {
        if ((error as Error).message.startsWith('loadLayersModel')) throw error;
        throw new Error(`loadLayersModel: ${where} is corrupted: ${(error as Error).message}`);
      }
      weightSources.set(artifacts, `the weight data in ${where}`);
      return artifacts;
    },
  };
}

// ---- indexeddb:// (TF.js's database 'tensorflowjs', stores models_store and model_info_store) ----

function indexedDBHandler(name: string): IOHandler {
  const open = (op: string): Promise<IDBDatabase> =>
    new Promise((resolve, reject) => {
      const idb = (globalThis as { indexedDB?: IDBFactory }).indexedDB;
      if (!idb) return reject(new Error(`${op}: indexeddb:// needs a browser with IndexedDB`));
      const request = idb.open('tensorflowjs', 1);
      request.onupgradeneeded = () => {
        request.result.createObjectStore('models_store', { keyPath: 'modelPath' });
        request.result.createObjectStore('model_info_store', { keyPath: 'modelPath' });
      };
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(new Error(`${op}: cannot open IndexedDB: ${request.error?.message}`));
    });
  const run = <T>(db: IDBDatabase, fn: (tx: IDBTransaction) => IDBRequest<T>, mode: IDBTransactionMode, op: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const tx = db.transaction(['models_store', 'model_info_store'], mode);
      const request = fn(tx);
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = tx.onabort = () => reject(new Error(`${op}: IndexedDB failed for ${JSON.stringify(name)}: ${(tx.error ?? request.error)?.message}`));
    });
  return {
    async save(artifacts) {
      const db = await open('save');
      const modelArtifactsInfo = artifactsInfo(artifacts);
      const stored: ModelArtifacts = { ...artifacts, weightData: concatWeightData(artifacts.weightData) };
      try {
        await run(
          db,
          (tx) => {
            tx.objectStore('model_info_store').put({ modelPath: name, modelArtifactsInfo });
            return tx.objectStore('models_store').put({ modelPath: name, modelArtifacts: stored, modelArtifactsInfo });
          },
          'readwrite',
          'save',
        );
      } finally {
        db.close();
      }
      return { modelArtifactsInfo };
    },
    async load() {
      const db = await open('loadLayersModel');
      try {
        const record = await run(db, (tx) => tx.objectStore('models_store').get(name) as IDBRequest<{ modelArtifacts: ModelArtifacts } | undefined>, 'readonly', 'loadLayersModel');
        if (!record) throw new Error(`loadLayersModel: there is no model named ${JSON.stringify(name)} in IndexedDB`);
        weightSources.set(record.modelArtifacts, `the weight data in indexeddb://${name}`);
        return record.modelArtifacts;
      } finally {
        db.close();
      }
    },
  };
}

// ---- downloads:// (save only) ----

function downloadsHandler(name: string): IOHandler {
  const base = name === '' ? 'model' : name;
  return {
    async save(artifacts) {
      const doc = (globalThis as { document?: Document }).document;
      if (!doc || typeof URL.createObjectURL !== 'function') throw new Error('save: downloads:// needs a browser page (document and URL.createObjectURL)');
      const weightsFile = `${base}.weights.bin`;
      const modelJSON = modelJSONFor(artifacts, [{ paths: [`./${weightsFile}`], weights: artifacts.weightSpecs ?? [] }]);
      const files: Array<[string, Blob]> = [
        [`${base}.json`, new Blob([JSON.stringify(modelJSON)], { type: 'application/json' })],
        [weightsFile, new Blob([concatWeightData(artifacts.weightData)], { type: 'application/octet-stream' })],
      ];
      for (const [file, blob] of files) {
        const href = URL.createObjectURL(blob);
        const anchor = doc.createElement('a');
        anchor.download = file;
        anchor.href = href;
        await new Promise((resolve) => setTimeout(resolve, 0)); // as TF.js: one click per task, or browsers drop the second
        anchor.dispatchEvent(new MouseEvent('click'));
        setTimeout(() => URL.revokeObjectURL(href), 60_000);
      }
      return { modelArtifactsInfo: artifactsInfo(artifacts) };
    },
  };
}

// ---- routing ----

const schemeOf = (url: string) => /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1].toLowerCase();

/** The handler a URL names, for saving or loading; unknown schemes are refused with the supported list. */
export function handlerForUrl(url: string, purpose: 'save' | 'load', options: LoadOptions = {}): IOHandler {
  const op = purpose === 'save' ? 'save' : 'loadLayersModel';
  const scheme = schemeOf(url);
  const rest = scheme === undefined ? url : url.slice(scheme.length + 3);
  const supported = `supported: ${(purpose === 'save' ? SAVE_SCHEMES : LOAD_SCHEMES).join(', ')}${purpose === 'load' ? ', relative URLs' : ''}, or an IOHandler`;
  if ((scheme === 'localstorage' || scheme === 'indexeddb') && rest === '') throw new Error(`${op}: ${scheme}:// needs a model name, e.g. '${scheme}://my-model'`);
  if (scheme === 'file' && rest === '') throw new Error(`${op}: file:// needs a directory (or a model.json path) after it, e.g. 'file://./my-model'`);
  switch (scheme) {
    case 'file':
      return fileHandler(url);
    case 'localstorage':
      return localStorageHandler(rest);
    case 'indexeddb':
      return indexedDBHandler(rest);
    case 'downloads':
      if (purpose === 'load') throw new Error(`${op}: downloads:// can only save; to load, serve the files over http(s) or use file:// in Node (${supported})`);
      return downloadsHandler(rest);
    case 'http':
    case 'https':
    case undefined:
      if (purpose === 'save') throw new Error(`${op}: cannot save to ${JSON.stringify(url)}; ${supported}`);
      if (url === '') throw new Error(`${op}: the URL is empty`);
      return httpHandler(url, options);
    default:
      throw new Error(`${op}: unknown URL scheme ${JSON.stringify(scheme + '://')}; ${supported}`);
  }
}
