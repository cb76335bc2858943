// Loading model files that are hostile or broken, on both backends: weight paths confined to model.json's
// folder (file://) or origin (http://, a local server), sizes, shapes and dtypes checked before anything is
// read or allocated, oversized model.json refused, and checked options. Each refusal is a plain Error under
// 500 characters that names the call, and leaves memory as it was (onBackend checks every test).

import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '../src/index.js';
import type { ModelArtifacts } from '../src/io/index.js';
import { onBackend } from './support.js';

// A 3 -> 2 (relu) -> 1 model: 11 float32 weights, 44 bytes.
const TOPOLOGY = {
  class_name: 'Sequential',
  config: {
    name: 'tiny',
    layers: [
      { class_name: 'Dense', config: { name: 'd1', units: 2, activation: 'relu', batch_input_shape: [null, 3] } },
      { class_name: 'Dense', config: { name: 'd2', units: 1 } },
    ],
  },
};
type Spec = { name: string; shape: unknown; dtype: string; group?: string; quantization?: unknown };
const SPECS: Spec[] = [
  { name: 'd1/kernel', shape: [3, 2], dtype: 'float32' },
  { name: 'd1/bias', shape: [2], dtype: 'float32' },
  { name: 'd2/kernel', shape: [2, 1], dtype: 'float32' },
  { name: 'd2/bias', shape: [1], dtype: 'float32' },
];
const VALUES = [0.5, -1, 0.25, 2, 1, 0.5, 0.1, -0.2, 1.5, -0.5, 0.3];
const WEIGHTS = new Uint8Array(new Float32Array(VALUES).buffer);

const modelJSON = (paths: string[] = ['weights.bin'], weights: Spec[] = SPECS) => ({ format: 'layers-model', modelTopology: TOPOLOGY, weightsManifest: [{ paths, weights }] });

/** Runs call and returns what it threw, checked to be a plain Error under 500 characters that matches message. */
async function refuses(call: () => unknown, message: RegExp): Promise<Error> {
  let error: unknown;
  try {
    await call();
  } catch (e) {
    error = e;
  }
  expect(error, 'refused').toBeInstanceOf(Error);
  const e = error as Error;
  expect(e.constructor, e.message).toBe(Error);
  expect(e.message).toMatch(message);
  expect(e.message.length, e.message).toBeLessThan(500);
  return e;
}

/** Loads, checks the weights, and frees the model. */
async function loadsTiny(load: Promise<tf.LayersModel>): Promise<void> {
  const model = await load;
  expect(model.getWeights().flatMap((w) => Array.from(w.dataSync()))).toEqual(Array.from(new Float32Array(VALUES)));
  model.dispose();
}

// ---- a local server per origin; routes answer by request path and every request is recorded ----

type Route = (res: http.ServerResponse) => void;
interface Server {
  url: string;
  routes: Map<string, Route>;
  hits: string[];
  server: http.Server;
}

async function serve(): Promise<Server> {
  const routes = new Map<string, Route>();
  const hits: string[] = [];
  const server = http.createServer((req, res) => {
    hits.push(req.url!);
    const route = routes.get(req.url!);
    if (route) route(res);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, routes, hits, server };
}

const sends = (body: string | Uint8Array): Route => (res) => res.writeHead(200, { 'Content-Length': Buffer.byteLength(body) }).end(body);
/** A body that never ends (no Content-Length): 1 MB chunks of spaces until the client goes away. */
const endless: Route = (res) => {
  const chunk = Buffer.alloc(2 ** 20, 0x20);
  const write = () => {
    while (!res.destroyed && res.write(chunk));
  };
  res.writeHead(200);
  res.on('drain', write);
  write();
};

let root = '';
let main: Server;
let other: Server;
beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'neurite-untrusted-'));
  [main, other] = await Promise.all([serve(), serve()]);
});
afterAll(async () => {
  fs.rmSync(root, { recursive: true, force: true });
  for (const { server } of [main, other]) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe.each(['wasm', 'js'] as const)('loading untrusted files on %s', (backend) => {
  onBackend(backend);

  let count = 0;
  /** A fresh folder <root>/<backend>-<n>/model holding model.json (with the given manifest) and weights.bin. */
  const folder = (json: object = modelJSON(), weights: Uint8Array | null = WEIGHTS): string => {
    const dir = path.join(root, `${backend}-${++count}`, 'model');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(json));
    if (weights) fs.writeFileSync(path.join(dir, 'weights.bin'), weights);
    return dir;
  };
  const load = (dir: string, options?: tf.LoadOptions) => tf.loadLayersModel(`file://${dir}/model.json`, options);

  describe('file:// weight paths stay in the model folder', () => {
    it('refuses ../, a path that climbs out through a subfolder, and absolute paths, even to a file that fits', async () => {
      const dir = folder();
      const secret = path.join(dir, '..', 'secret.bin');
      fs.writeFileSync(secret, WEIGHTS); // the right size: only the confinement stops it
      for (const p of ['../secret.bin', 'sub/../../secret.bin', secret]) {
        fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(modelJSON([p])));
        await refuses(() => load(dir), /^loadLayersModel: weight path ".*secret\.bin" in .*model\.json leaves the model's folder; weight paths must be relative to model\.json and stay in its folder$/);
      }
    });

    it('loads paths that stay inside: ./, a subfolder, .. that comes back, names that start with ..', async () => {
      const dir = folder(modelJSON(['./a.bin', 'sub/b.bin', 'sub/../c.bin', '..d.bin']), null);
      fs.mkdirSync(path.join(dir, 'sub'));
      const parts = [WEIGHTS.subarray(0, 8), WEIGHTS.subarray(8, 20), WEIGHTS.subarray(20, 40), WEIGHTS.subarray(40)];
      ['a.bin', 'sub/b.bin', 'c.bin', '..d.bin'].forEach((f, i) => fs.writeFileSync(path.join(dir, f), parts[i]));
      await loadsTiny(load(dir));
    });

    it('refuses a symlink that leads out of the folder, and follows one that stays in (or a linked folder)', async () => {
      const dir = folder(modelJSON(), null);
      fs.writeFileSync(path.join(dir, '..', 'outside.bin'), WEIGHTS);
      fs.symlinkSync(path.join(dir, '..', 'outside.bin'), path.join(dir, 'weights.bin'));
      await refuses(() => load(dir), /^loadLayersModel: weight file "weights\.bin" is a link to .*outside\.bin, outside the model's folder .*model$/);

      fs.rmSync(path.join(dir, 'weights.bin'));
      fs.mkdirSync(path.join(dir, 'data'));
      fs.writeFileSync(path.join(dir, 'data', 'real.bin'), WEIGHTS);
      fs.symlinkSync(path.join(dir, 'data', 'real.bin'), path.join(dir, 'weights.bin'));
      await loadsTiny(load(dir));
      const linked = path.join(dir, '..', 'linked');
      fs.symlinkSync(dir, linked);
      await loadsTiny(load(linked));
    });

    it('refuses weight paths and model.json that are not regular files', async () => {
      const dir = folder(modelJSON(['data']));
      fs.mkdirSync(path.join(dir, 'data'));
      await refuses(() => load(dir), /^loadLayersModel: .*model[/\\]data is not a file$/);
      if (fs.existsSync('/dev/zero')) await refuses(() => tf.loadLayersModel('file:///dev/zero'), /^loadLayersModel: \/dev\/zero is not a file$/);
    });

    it('refuses a manifest that lists more than 10,000 weight files before reading any', async () => {
      const dir = folder(modelJSON(Array.from({ length: 10_001 }, (_, i) => `missing-${i}.bin`)));
      await refuses(() => load(dir), /^loadLayersModel: .*model\.json lists 10001 weight files; neurite reads at most 10000/);
    });
  });

  describe('sizes and dtypes are checked before anything is read or allocated', () => {
    it('refuses a model.json over 64 MB without reading it', async () => {
      const dir = folder();
      fs.truncateSync(path.join(dir, 'model.json'), 65 * 2 ** 20); // sparse: nothing to read but zeros
      await refuses(() => load(dir), /^loadLayersModel: .*model\.json is larger than 64 MB, the most a model\.json may be/);
    });

    it('refuses a weight file of the wrong size from its size alone (a sparse 5 GB file)', async () => {
      const dir = folder();
      fs.truncateSync(path.join(dir, 'weights.bin'), 5e9);
      await refuses(() => load(dir), /^loadLayersModel: weights\.bin is longer than the weights manifest says: it holds 5000000000 bytes, the manifest describes 44 bytes \(4 weights\)/);
    });

    it('refuses a spec claiming [1e9, 1e9] before looking for the weight file', async () => {
      const dir = folder(modelJSON(['weights.bin'], [{ ...SPECS[0], shape: [1e9, 1e9] }, ...SPECS.slice(1)]), null);
      await refuses(() => load(dir), /^loadLayersModel: weight d1\/kernel of shape \[1000000000,1000000000\] takes the weights past 4 GiB, more than neurite can hold/);
    });

    it('refuses weights that add up to more than 4 GiB, each smaller', async () => {
      const big = [0, 1, 2].map((i) => ({ name: `big${i}`, shape: [2 ** 29], dtype: 'float32' }));
      await refuses(() => load(folder(modelJSON(['weights.bin'], [...SPECS, ...big]))), /^loadLayersModel: weight big1 of shape \[536870912\] takes the weights past 4 GiB/);
    });

    const fromMemory = (specs: Spec[], weightData: ArrayBuffer | ArrayBuffer[] = WEIGHTS.slice().buffer) =>
      tf.loadLayersModel(tf.io.fromMemory({ modelTopology: TOPOLOGY, weightSpecs: specs as ModelArtifacts['weightSpecs'], weightData }));
    const withSpec = (change: Partial<Spec>) => [{ ...SPECS[0], ...change }, ...SPECS.slice(1)];

    it.each([
      ['an unsafe integer', [2 ** 53, 1]],
      ['a fraction', [1.5, 2]],
      ['a negative size', [-3, 2]],
      ['a string', ['3', 2]],
      ['Infinity', [Infinity, 2]],
      ['not an array', '3,2'],
    ])('refuses a shape with %s', async (_name, shape) => {
      await refuses(() => fromMemory(withSpec({ shape })), /^loadLayersModel: weight spec 0 must be \{ name, shape: non-negative integers, dtype \}, got name "d1\/kernel", shape /);
    });

    it('refuses dtypes neurite cannot use, and skips an int32 optimizer weight (TF.js saves Adam\'s iterations so)', async () => {
      await refuses(() => fromMemory(withSpec({ dtype: 'int32' })), /^loadLayersModel: weight d1\/kernel has dtype "int32"; neurite loads float32 weights$/);
      await refuses(() => fromMemory(withSpec({ dtype: 'float64' })), /^loadLayersModel: weight d1\/kernel has unsupported dtype "float64"$/);
      await refuses(() => fromMemory(withSpec({ dtype: 'string' })), /has unsupported dtype "string"/);
      await refuses(() => fromMemory(withSpec({ quantization: { dtype: 'int8', scale: 1, min: 0 } })), /^loadLayersModel: weight d1\/kernel has unsupported quantization "int8"; neurite decodes uint8, uint16 and float16$/);
      await refuses(() => fromMemory(withSpec({ quantization: 'uint8' })), /has unsupported quantization "uint8"/);
      await refuses(() => fromMemory(withSpec({ quantization: { dtype: 'uint8', scale: 0.1 } })), /^loadLayersModel: weight d1\/kernel is quantized to uint8 but lacks a finite scale and min$/);
      const iter = new Uint8Array(new Int32Array([42]).buffer);
      await loadsTiny(fromMemory([...SPECS, { name: 'iter', shape: [], dtype: 'int32', group: 'optimizer' }], [WEIGHTS.slice().buffer, iter.buffer]));
    });

    it('refuses weights given only as a stream, saying so', async () => {
      const artifacts = { modelTopology: TOPOLOGY, weightSpecs: SPECS, getWeightStream: () => new ReadableStream() } as unknown as ModelArtifacts;
      await refuses(() => tf.loadLayersModel(tf.io.fromMemory(artifacts)), /^loadLayersModel: the artifacts give the weights as a stream \(getWeightStream/);
    });

    it('keeps messages short when the file has huge names, paths or nesting', async () => {
      const long = 'x/'.repeat(5_000);
      const named = structuredClone(TOPOLOGY);
      named.config.layers[1] = { class_name: long, config: { name: long, units: 1 } };
      await refuses(() => tf.loadLayersModel(tf.io.fromMemory({ modelTopology: named, weightSpecs: SPECS as ModelArtifacts['weightSpecs'], weightData: WEIGHTS.slice().buffer })), /is a x\/x\/.*\.\.\..*, which neurite does not support/);
      await refuses(() => fromMemory(withSpec({ name: long, dtype: 'int32' })), /^loadLayersModel: weight x\/x\/.*\.\.\..*x\/ has dtype "int32"/);
      const extra = Array.from({ length: 200 }, (_, i) => ({ name: `${long}${i}`, shape: [0], dtype: 'float32' }));
      await refuses(() => fromMemory([...SPECS, ...extra]), /^loadLayersModel: the weights manifest has weights no layer uses: .*\(200 in all\)$/);
      const polluting = JSON.parse(JSON.stringify(TOPOLOGY).replace('"units":1}', '"units":1,"__proto__":{"activation":"relu"}}'));
      await refuses(() => tf.loadLayersModel(tf.io.fromMemory({ modelTopology: polluting, weightSpecs: SPECS as ModelArtifacts['weightSpecs'], weightData: WEIGHTS.slice().buffer })), /^loadLayersModel: layer "d2" has a config key __proto__, which no layer takes$/);
      const deepConfig = structuredClone(TOPOLOGY);
      let deepValue: unknown = 1;
      for (let i = 0; i < 10_000; i++) deepValue = [deepValue];
      (deepConfig.config.layers[1].config as Record<string, unknown>).noise_shape = deepValue;
      await refuses(() => tf.loadLayersModel(tf.io.fromMemory({ modelTopology: deepConfig, weightSpecs: SPECS as ModelArtifacts['weightSpecs'], weightData: WEIGHTS.slice().buffer })), /^loadLayersModel: layer .* has a config nested more than 64 deep at noise_shape$/);
      let nested: unknown = 'deep';
      for (let i = 0; i < 10_000; i++) nested = [nested];
      await refuses(() => fromMemory([{ name: 'd1/kernel', shape: nested, dtype: 'float32' }]), /weight spec 0 must be .*, got name "d1\/kernel", shape \[\[\.\.\.\]\]$/);
      await refuses(() => load(folder(modelJSON([long]))), /^loadLayersModel: cannot read \/.*\.\.\.[x/]+: no such file$/);
    });

    it('refuses user-defined metadata nested without end (it would overflow the stack) before making the model', async () => {
      let deep: unknown = 'deep';
      for (let i = 0; i < 100_000; i++) deep = { deeper: deep };
      const artifacts = { modelTopology: TOPOLOGY, weightSpecs: SPECS, weightData: WEIGHTS.slice().buffer, userDefinedMetadata: deep } as unknown as ModelArtifacts;
      await refuses(() => tf.loadLayersModel(tf.io.fromMemory(artifacts)), /^loadLayersModel: user-defined metadata must be a plain JSON object \(.*, at most 1000 deep\), got \{ deeper \}$/);
    });
  });

  describe('http(s): weights come from model.json\'s origin', () => {
    const route = (server: Server, at: string, body: string | Uint8Array | Route) => server.routes.set(at, typeof body === 'function' ? body : sends(body));
    /** A fetch as a page at main's root would make it: relative URLs resolve against the page. */
    const pageFetch = ((u: string, init?: RequestInit) => fetch(new URL(u, `${main.url}/`), init)) as typeof fetch;

    it('loads beside model.json, with progress, and refuses a weight URL at another origin', async () => {
      route(main, '/ok/model.json', JSON.stringify(modelJSON(['w1.bin', 'w2.bin'])));
      route(main, '/ok/w1.bin', WEIGHTS.subarray(0, 20));
      route(main, '/ok/w2.bin', WEIGHTS.subarray(20));
      const progress: number[] = [];
      await loadsTiny(tf.loadLayersModel(`${main.url}/ok/model.json`, { onProgress: (f) => progress.push(f) }));
      expect(progress).toEqual([0.5, 1]);

      other.hits.length = 0;
      route(other, '/secret.bin', WEIGHTS);
      const otherHost = other.url.slice('http://'.length);
      for (const p of [`${other.url}/secret.bin`, `//${otherHost}/secret.bin`]) {
        route(main, '/model.json', JSON.stringify(modelJSON([p])));
        await refuses(() => tf.loadLayersModel('model.json', { fetchFunc: pageFetch }), /^loadLayersModel: weight path ".*secret\.bin" leads to .*secret\.bin, outside the origin of model\.json; to fetch weights elsewhere, pass options\.weightPathPrefix or options\.weightUrlConverter$/);
      }
      // An absolute model URL with no path: TF.js's rule (the URL up to its last '/') would reach another host.
      route(main, '/?m', JSON.stringify(modelJSON([`${otherHost}/secret.bin`])));
      await refuses(() => tf.loadLayersModel(`${main.url}?m`), /leads to http:\/\/127\.0\.0\.1:\d+\/secret\.bin\?m, outside the origin of http:\/\/127\.0\.0\.1:\d+\?m/);
      expect(other.hits).toEqual([]);
    });

    it('fetches from another origin when weightPathPrefix or weightUrlConverter says so', async () => {
      route(main, '/elsewhere/model.json', JSON.stringify(modelJSON(['weights.bin'])));
      route(other, '/store/weights.bin', WEIGHTS);
      await loadsTiny(tf.loadLayersModel(`${main.url}/elsewhere/model.json`, { weightPathPrefix: `${other.url}/store` }));
      await loadsTiny(tf.loadLayersModel(`${main.url}/elsewhere/model.json`, { weightUrlConverter: async (p) => `${other.url}/store/${p}` }));
      await loadsTiny(tf.loadLayersModel(tf.io.http(`${main.url}/elsewhere/model.json`, { weightPathPrefix: `${other.url}/store/` })));
      await refuses(() => tf.loadLayersModel(`${main.url}/elsewhere/model.json`, { weightUrlConverter: async () => 42 as never }), /^loadLayersModel: options\.weightUrlConverter must return a URL, got 42 for "weights\.bin"$/);
    });

    it('refuses a model.json over 64 MB: by Content-Length unread, or once 64 MB have streamed', async () => {
      route(main, '/big/model.json', (res) => res.writeHead(200, { 'Content-Length': 100 * 2 ** 20 }).write('{'));
      await refuses(() => tf.loadLayersModel(`${main.url}/big/model.json`), /^loadLayersModel: http:\/\/127\.0\.0\.1:\d+\/big\/model\.json is larger than 64 MB, the most a model\.json may be/);
      route(main, '/endless/model.json', endless);
      await refuses(() => tf.loadLayersModel(`${main.url}/endless/model.json`), /endless\/model\.json is larger than 64 MB/);
    });

    it('refuses a [1e9, 1e9] spec before requesting weights, and stops a weight file that never ends', async () => {
      main.hits.length = 0;
      route(main, '/huge/model.json', JSON.stringify(modelJSON(['weights.bin'], [{ ...SPECS[0], shape: [1e9, 1e9] }])));
      await refuses(() => tf.loadLayersModel(`${main.url}/huge/model.json`), /weight d1\/kernel of shape \[1000000000,1000000000\] takes the weights past 4 GiB/);
      expect(main.hits).toEqual(['/huge/model.json']);

      route(main, '/long/model.json', JSON.stringify(modelJSON(['weights.bin'])));
      route(main, '/long/weights.bin', endless);
      await refuses(() => tf.loadLayersModel(`${main.url}/long/model.json`), /^loadLayersModel: http:.*\/long\/weights\.bin sends more bytes than the weights manifest describes \(44 in all\); wrong or corrupted weight file\?$/);
      route(main, '/short/model.json', JSON.stringify(modelJSON(['weights.bin'])));
      route(main, '/short/weights.bin', WEIGHTS.subarray(0, 40));
      await refuses(() => tf.loadLayersModel(`${main.url}/short/model.json`), /weights\.bin is truncated: the weights manifest describes 44 bytes \(4 weights\), but .*weights\.bin holds 40$/);
    });
  });

  describe('options are checked, with a did-you-mean for unknown keys', () => {
    const good = () => tf.io.fromMemory({ modelTopology: TOPOLOGY, weightSpecs: SPECS as ModelArtifacts['weightSpecs'], weightData: WEIGHTS.slice().buffer });

    it('loadLayersModel', async () => {
      const dir = folder();
      await refuses(() => load(dir, { weightPathPrefx: 'x' } as never), /^loadLayersModel: unknown option "weightPathPrefx" in options \(did you mean "weightPathPrefix"\?\)$/);
      await refuses(() => load(dir, { strict: false }), /^loadLayersModel: options\.strict false is not supported; neurite always refuses missing or extra weights$/);
      await refuses(() => load(dir, { strict: 'yes' as never }), /^loadLayersModel: options\.strict must be true or false, got "yes"$/);
      await refuses(() => load(dir, { requestInit: { body: 'x' } }), /^loadLayersModel: options\.requestInit\.body must not be set/);
      await refuses(() => load(dir, { requestInit: 'cors' as never }), /^loadLayersModel: options\.requestInit must be an object, got "cors"$/);
      await refuses(() => load(dir, { fetchFunc: 'fetch' as never }), /^loadLayersModel: options\.fetchFunc must be a function, got "fetch"$/);
      await refuses(() => load(dir, 'options' as never), /^loadLayersModel: options must be an object, got "options"$/);
      await refuses(() => tf.loadLayersModel(good(), { strict: false }), /options\.strict false is not supported/); // with a handler too
      // TF.js's own options are accepted: null, strict true, the ignored fromTFHub and streamWeights.
      await loadsTiny(load(dir, null as never));
      await loadsTiny(load(dir, { strict: true, fromTFHub: false, streamWeights: true }));
    });

    it('io.http / io.browserHTTPRequest, io.fromMemory', async () => {
      expect(tf.io.browserHTTPRequest).toBe(tf.io.http);
      await refuses(() => tf.io.http(''), /^io\.http: path must be the URL of a model\.json, got ""$/);
      await refuses(() => tf.io.http(`${main.url}/model.json`, { fetchFunc: 3 as never }), /^io\.http: loadOptions\.fetchFunc must be a function, got 3$/);
      await refuses(() => tf.io.http(`${main.url}/model.json`, { onProgres: () => {} } as never), /^io\.http: unknown option "onProgres" in loadOptions \(did you mean "onProgress"\?\)$/);
      await refuses(() => tf.io.fromMemory({ modelTopology: TOPOLOGY, weightSpec: SPECS } as never), /^io\.fromMemory: unknown option "weightSpec" in modelArtifacts \(did you mean "weightSpecs"\?\)$/);
      await refuses(() => tf.io.fromMemory({ modelTopology: TOPOLOGY, weightsManifest: [] } as never), /^io\.fromMemory: unknown option "weightsManifest" in modelArtifacts/);
      await loadsTiny(tf.loadLayersModel(good()));
    });
  });
});
