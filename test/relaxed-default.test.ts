// The relaxed-SIMD build by default with Node's default flags (on Node 20 neurite turns V8's flag on itself),
// NEURITE_BUILD as the opt-out, and the two builds agreeing within tolerance, each deterministic. Each case
// runs in a child process, with Node's default flags: a build, once loaded, stays for the process.

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectClose } from './support.js';

const ROOT = new URL('../', import.meta.url);
const [M, K, N] = [65, 257, 17];

/** Test data for the matMul, as the child makes it. */
const values = (n: number, step: number) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * step));

interface ChildResult {
  /** Whether the relaxed build validated before neurite was imported (false on Node 20 without the flag). */
  before: boolean;
  /** getBuild() on first use (Node loads the core synchronously), then after ready(): a build or an Error's message. */
  firstUse: string;
  afterReady: string;
  /** Whether the relaxed build validates once the child itself has set the V8 flag: the host can run it. */
  hostRelaxed: boolean;
  /** The 65x257 by 257x17 matMul, computed twice. */
  product?: number[];
  again?: number[];
  /** On two threads: getThreads(), and whether a matMul large enough to split matches one thread bit for bit. */
  threads?: number;
  threadsSame?: boolean;
}

/** The child: Node's default flags, NODE_OPTIONS cleared, NEURITE_BUILD as given; ready() takes `readyOptions`. */
const CHILD = `
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
const root = new URL(process.argv[1]);
const readyOptions = JSON.parse(process.argv[2]);
const relaxed = readFileSync(new URL('build/neurite-relaxed.wasm', root));
const out = { before: WebAssembly.validate(relaxed) };
const tf = await import(new URL('src/index.ts', root).href);
const attempt = (f) => { try { return f(); } catch (error) { return error.message; } };
out.firstUse = attempt(() => tf.getBuild());
out.afterReady = await tf.ready(readyOptions).then(() => tf.getBuild(), (error) => error.message);
if (out.afterReady === 'simd' || out.afterReady === 'relaxed') {
  const values = (n, step) => Float32Array.from({ length: n }, (_, i) => Math.sin(i * step));
  const product = (m, k, n) => {
    const [a, b] = [tf.tensor2d(values(m * k, 0.731), [m, k]), tf.tensor2d(values(k * n, 0.419), [k, n])];
    const c = tf.matMul(a, b);
    const data = c.dataSync();
    tf.dispose([a, b, c]);
    return data;
  };
  out.product = Array.from(product(${M}, ${K}, ${N}));
  out.again = Array.from(product(${M}, ${K}, ${N}));
  const one = product(130, 257, 33);
  await tf.setThreads(2);
  out.threads = tf.getThreads();
  out.threadsSame = product(130, 257, 33).every((v, i) => Object.is(v, one[i]));
  await tf.setThreads(1);
}
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
out.hostRelaxed = WebAssembly.validate(relaxed);
console.log(JSON.stringify(out));
`;

async function child(neuriteBuild: string | undefined, readyOptions: object = {}): Promise<ChildResult> {
  const env: NodeJS.ProcessEnv = { ...process.env, NEURITE_BUILD: neuriteBuild };
  delete env.NODE_OPTIONS;
  if (neuriteBuild === undefined) delete env.NEURITE_BUILD;
  const args = ['--import', 'tsx', '--input-type=module', '-e', CHILD, ROOT.href, JSON.stringify(readyOptions)];
  const { stdout } = await promisify(execFile)(process.execPath, args, { cwd: fileURLToPath(ROOT), env });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as ChildResult;
}

describe('the default build, with Node default flags', () => {
  let byDefault: ChildResult;
  let simd: ChildResult;
  let relaxedThenSimd: ChildResult;
  let bad: ChildResult;
  beforeAll(async () => {
    [byDefault, simd, relaxedThenSimd, bad] = await Promise.all([child(undefined), child('simd'), child('relaxed', { build: 'simd' }), child('fast')]);
  }, 120_000);

  it("is 'relaxed' wherever the host can run it once the V8 flag is on", () => {
    if (process.versions.node.startsWith('20.')) expect(byDefault.before, 'Node 20 without the flag rejects relaxed SIMD').toBe(false);
    const expected = byDefault.hostRelaxed ? 'relaxed' : 'simd';
    expect(byDefault.firstUse).toBe(expected);
    expect(byDefault.afterReady).toBe(expected);
  });

  it('NEURITE_BUILD=simd opts out, both on first use and in ready()', () => {
    expect(simd.firstUse).toBe('simd');
    expect(simd.afterReady).toBe('simd');
  });

  it('ready({ build }) wins over NEURITE_BUILD', () => {
    const lacking = "neurite: NEURITE_BUILD is 'relaxed', which needs relaxed SIMD, and this host lacks it; use 'simd'";
    expect(relaxedThenSimd.firstUse).toBe(relaxedThenSimd.hostRelaxed ? 'relaxed' : lacking);
    expect(relaxedThenSimd.afterReady).toBe('simd');
  });

  it('a bad NEURITE_BUILD is a clear Error, on first use and in ready()', () => {
    const message = `neurite: the environment variable NEURITE_BUILD must be 'simd' or 'relaxed', got "fast"`;
    expect(bad.firstUse).toBe(message);
    expect(bad.afterReady).toBe(message);
  });

  it('each build gives the same matMul twice, and the same on two threads (the workers run it too)', () => {
    for (const [label, r] of [['default', byDefault], ['simd', simd]] as const) {
      expect(r.product, label).toHaveLength(M * N);
      expect(r.again, `${label}: the same result twice`).toEqual(r.product);
      expect(r.threads, `${label}: two threads started`).toBe(2);
      expect(r.threadsSame, `${label}: two threads bit-identical to one`).toBe(true);
    }
    expect(relaxedThenSimd.product, 'simd in another process, loaded after relaxed').toEqual(simd.product);
  });

  it('the two builds agree within tolerance on a 65x257 by 257x17 matMul, and with an f64 reference', () => {
    const a = values(M * K, 0.731);
    const b = values(K * N, 0.419);
    const reference = new Float64Array(M * N);
    for (let i = 0; i < M; i++) for (let j = 0; j < N; j++) for (let p = 0; p < K; p++) reference[i * N + j] += a[i * K + p] * b[p * N + j];
    const tolerance = { atol: 1e-5, rtol: 1e-5 };
    expectClose(byDefault.product!, simd.product!, tolerance, 'default vs simd');
    expectClose(byDefault.product!, reference, tolerance, 'default vs f64');
    expectClose(simd.product!, reference, tolerance, 'simd vs f64');
  });
});
