// IOHandlers for the URL schemes: file:// (Node), http(s) and relative URLs (fetch), localstorage:// and
// indexeddb:// (in TF.js's own storage layout, so models saved by either library load in the other),
// downloads:// (save only). Loaded only when a model is saved or loaded (io/index.ts imports it lazily).
// Node modules are reached through process.getBuiltinModule so that browser bundles never see node:fs.

import { weightSources } from './artifacts.js';
import type { IOHandler, LoadOptions, ModelArtifacts, ModelArtifactsInfo, ModelJSON, WeightData, WeightsManifestConfig, WeightsManifestEntry } from './types.js';

const SAVE_SCHEMES = ['file://', 'localstorage://', 'indexeddb://', 'downloads://'];
const LOAD_SCHEMES = ['file://', 'http://', 'https://', 'localstorage://', 'indexeddb://'];

// ---- shared pieces ----

/** One ArrayBuffer holding all of the weight data. */
function concatWeightData(data: WeightData | undefined): ArrayBuffer {
  if (data === undefined || data === null) return new ArrayBuffer(0);
  if (!Array.isArray(data)) return data;
  const out = new Uint8Array(data.reduce((n, d) => n + d.byteLength, 0));
  let offset = 0;
  for (const d of data) {
    out.set(new Uint8Array(d), offset);
    offset += d.byteLength;
  }
  return out.buffer;
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

/** Parses and checks model.json; `where` names it in messages. */
function parseModelJSON(text: string, where: string): ModelJSON {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`loadLayersModel: ${where} is not valid JSON (${(error as Error).message}); truncated or corrupted?`);
  }
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
  return m as ModelJSON;
}

/** Artifacts from a parsed model.json and its weight files' contents, in manifest order. */
function artifactsFromJSON(json: ModelJSON, weightData: ArrayBuffer, weightFiles: string[]): ModelArtifacts {
  const artifacts: ModelArtifacts = {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((group) => group.weights as WeightsManifestEntry[]),
    weightData,
  };
  for (const key of ['format', 'generatedBy', 'convertedBy', 'trainingConfig', 'signature', 'userDefinedMetadata', 'modelInitializer', 'initializerSignature'] as const) {
    if (json[key] !== undefined) (artifacts as Record<string, unknown>)[key] = json[key];
  }
  weightSources.set(artifacts, weightFiles.length === 1 ? weightFiles[0] : `the weight files (${weightFiles.join(', ')})`);
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
  if (target === '') throw new Error(`file://: expected a directory after file://, e.g. 'file://./my-model', got ${JSON.stringify(url)}`);
  return {
    async save(artifacts) {
      const fs = await nodeModule<Fs>('save', 'node:fs/promises');
      const path = await nodeModule<Path>('save', 'node:path');
      const toJsonFile = target.endsWith('.json');
      const dir = toJsonFile ? path.dirname(target) : target;
      const jsonPath = toJsonFile ? target : path.join(dir, 'model.json');
      const modelJSON = modelJSONFor(artifacts, [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }]);
      try {
        await fs.mkdir(dir, { recursive: true });
        await fs.writeFile(path.join(dir, 'weights.bin'), new Uint8Array(concatWeightData(artifacts.weightData)));
        await fs.writeFile(jsonPath, JSON.stringify(modelJSON));
      } catch (error) {
        throw new Error(`save: cannot write the model to ${url}: ${(error as Error).message}`);
      }
      return { modelArtifactsInfo: artifactsInfo(artifacts) };
    },
    async load() {
      const fs = await nodeModule<Fs>('loadLayersModel', 'node:fs/promises');
      const path = await nodeModule<Path>('loadLayersModel', 'node:path');
      let jsonPath = target;
      const read = async <T>(file: string, how: (f: string) => Promise<T>): Promise<T> => {
        try {
          return await how(file);
        } catch (error) {
          const code = (error as { code?: string }).code;
          throw new Error(`loadLayersModel: cannot read ${file}${code === 'ENOENT' ? ': no such file' : `: ${(error as Error).message}`}`);
        }
      };
      const stat = await read(jsonPath, (f) => fs.stat(f));
      if (stat.isDirectory()) jsonPath = path.join(jsonPath, 'model.json');
      const json = parseModelJSON(await read(jsonPath, (f) => fs.readFile(f, 'utf8')), jsonPath);
      const dir = path.dirname(jsonPath);
      const files = json.weightsManifest.flatMap((group) => group.paths);
      const parts = await Promise.all(files.map((p) => read(path.join(dir, p), (f) => fs.readFile(f))));
      const data = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
      let offset = 0;
      for (const p of parts) {
        data.set(p, offset);
        offset += p.byteLength;
      }
      return artifactsFromJSON(json, data.buffer, files);
    },
  };
}

// ---- http(s) and relative URLs (fetch) ----

function httpHandler(url: string, options: LoadOptions): IOHandler {
  return {
    async load() {
      const fetchFn = options.fetchFunc ?? (globalThis as { fetch?: typeof fetch }).fetch;
      if (typeof fetchFn !== 'function') throw new Error('loadLayersModel: fetch is not available here; pass options.fetchFunc or use a file:// URL');
      const get = async (u: string): Promise<Response> => {
        let response: Response;
        try {
          response = await fetchFn(u, options.requestInit);
        } catch (error) {
          const hint = /^[a-z][a-z0-9+.-]*:/i.test(u) ? '' : ' (a relative URL needs a browser page to resolve against; in Node use file://)';
          throw new Error(`loadLayersModel: fetching ${u} failed: ${(error as Error).message}${hint}`);
        }
        if (!response.ok) throw new Error(`loadLayersModel: fetching ${u} failed with HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}`);
        return response;
      };
      const json = parseModelJSON(await (await get(url)).text(), url);
      // As TF.js: weight files sit beside model.json, and the query string carries over.
      const slash = url.lastIndexOf('/');
      const query = url.lastIndexOf('?') > slash ? url.slice(url.lastIndexOf('?')) : '';
      const prefix = options.weightPathPrefix ?? url.slice(0, slash + 1);
      const urls = json.weightsManifest.flatMap((group) => group.paths.map((p) => (prefix.endsWith('/') || prefix === '' ? prefix : prefix + '/') + p + query));
      const buffers = await Promise.all(urls.map(async (u) => (await get(u)).arrayBuffer()));
      return artifactsFromJSON(json, concatWeightData(buffers), urls);
    },
  };
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
