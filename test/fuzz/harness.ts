// The fuzz harness: how a catalogue entry becomes bad calls, and what every bad call must do.
// An entry lists a public call's parameters, a way to make valid arguments, and per parameter (or option key)
// the kinds of bad value it can take. A case is the call with valid arguments and exactly one of them (or one
// option) replaced by one kind of bad value, so every case is bad by construction. Running a case checks API.md's
// "Bad input": the call throws (or, returning a Promise, rejects) an Error, exactly, whose message starts with the
// call's name, names the argument and is under 500 characters; and it changes nothing: the models' weights and
// optimizer steps, tf.memory(), the caller's tensors, the backend. Afterwards a small valid call must still work.

import fc from 'fast-check';
import * as tf from '../../src/index.js';

export type Gen<T = unknown> = fc.Arbitrary<T>;
export type Backend = Parameters<typeof tf.setBackend>[0];

/** Catalogue entries pass deliberately wrong values, so calls are untyped. */
type AnyCall = (...args: any[]) => unknown;

/**
 * A value made when a case runs (a tensor, a model in some state, a circular array): cases hold recipes, so
 * that every run gets fresh objects and a counterexample prints as the recipe's label. `info` carries what
 * other arguments need to know (a model's spec, a tensor's shape). `make` sees the arguments made before it.
 */
export class Recipe<I = unknown> {
  constructor(
    readonly label: string,
    readonly make: (env: Env, made: unknown[]) => unknown,
    readonly info?: I,
  ) {}
  [fc.toStringMethod](): string {
    return this.label;
  }
}

/** A kind of bad value for one parameter or option. */
export interface Bad {
  kind: string;
  /** The bad value, given the valid arguments it replaces one of. */
  value: (valid: unknown[]) => Gen;
  /** When the kind applies (e.g. "another layout of the same values" needs two values or more). */
  when?: (valid: unknown[]) => boolean;
  /** Words the message may name instead of the parameter (e.g. 'disposed', 'compile'). */
  mentions?: string[];
}

export interface Param {
  /** TF.js's name for it: the message must name it (or one of the kind's mentions). */
  name: string;
  /** Valid values, when they do not depend on other arguments (otherwise the entry gives `args`). */
  valid?: Gen;
  bad?: Bad[];
  /** For an options object: each key the call takes, with the kinds of bad value for it. */
  options?: Options;
}

interface Options {
  keys: Record<string, Bad[]>;
  /** Keys TF.js takes that neurite may not: never offered as unknown keys. */
  tfjs?: string[];
}

export interface Entry {
  /** The call as users write it: 'tf.tensor2d', 'model.fit', 'tf.layers.dense'. */
  name: string;
  /** What a message may start with; by default the last part of the name ('fit', 'dense'). */
  prefixes?: string[];
  /** Returns a Promise: a bad call must reject, not throw. */
  async?: boolean;
  /** All positional parameters, in order; for a method the first is the object it is called on. */
  params: Param[];
  /** Valid arguments, one per parameter, when they depend on each other. */
  args?: Gen<unknown[]>;
  call: AnyCall;
  /** How a case prints, from its printed arguments, when it is not `name(args)` or `self.method(args)`. */
  show?: (args: string[]) => string;
}

/** One parameter or option of an entry, with its kinds of bad value, each an arbitrary of cases. */
interface Slot {
  label: string;
  kinds: Array<{ kind: string; cases: Gen<Case> }>;
}

/** A bad call: an entry, its arguments (one of them bad), and what the message must name. */
class Case {
  constructor(
    readonly entry: Entry,
    readonly slot: string,
    readonly kind: string,
    readonly args: unknown[],
    readonly mentions: string[],
  ) {}
  [fc.toStringMethod](): string {
    const shown = this.args.map((a) => fc.stringify(a));
    if (this.entry.show) return `${this.entry.show(shown)}   [${this.slot}: ${this.kind}]`;
    const self = this.entry.params[0]?.name;
    const method = this.entry.name.startsWith(`${self}.`);
    const call = method ? `${shown[0]}.${this.entry.name.slice(self.length + 1)}(${shown.slice(1).join(', ')})` : `${this.entry.name}(${shown.join(', ')})`;
    return `${call}   [${this.slot}: ${this.kind}]`;
  }
}

/** What a message may say instead of the parameter's name when a whole options object is wrong. */
const OPTIONS_WORDS = ['args', 'arguments', 'options', 'config', 'object', '{'];

/**
 * The slots of an entry: each parameter with bad kinds, each option key, unknown option keys, the options
 * object replaced whole, and an extra positional argument.
 */
export function slotsOf(entry: Entry): Slot[] {
  const valid = entry.args ?? fc.tuple(...entry.params.map((p) => p.valid ?? fc.constant(undefined)));
  const slots: Slot[] = [];
  const slot = (label: string, bads: Bad[], mentions: string[], build: (args: unknown[], value: unknown) => unknown[]): void => {
    if (bads.length === 0) return;
    slots.push({
      label,
      kinds: bads.map((b) => ({
        kind: b.kind,
        cases: (b.when ? valid.filter(b.when) : valid).chain((args) =>
          b.value(args).map((value) => new Case(entry, label, b.kind, build(args, value), [...mentions, ...(b.mentions ?? [])])),
        ),
      })),
    });
  };
  const replace = (i: number) => (args: unknown[], value: unknown) => args.map((a, j) => (j === i ? value : a));
  entry.params.forEach((param, i) => {
    const options = param.options;
    slot(param.name, param.bad ?? [], options ? [param.name, ...OPTIONS_WORDS] : [param.name], replace(i));
    if (!options) return;
    const withKey = (key: string) => (args: unknown[], value: unknown) => args.map((a, j) => (j === i ? { ...(a as object), [key]: value } : a));
    for (const [key, bads] of Object.entries(options.keys)) slot(`${param.name}.${key}`, bads, [key], withKey(key));
    // Here the key is the bad part: the case passes { ...valid, [key]: 1 }, and the message must name the key.
    const known = [...Object.keys(options.keys), ...(options.tfjs ?? [])];
    const typos = Object.keys(options.keys).flatMap(typosOf).filter((t) => !known.includes(t));
    const label = `${param.name} (unknown key)`;
    const unknownKey = (kind: string, keys: string[]) => ({
      kind,
      cases: valid.chain((args) => fc.constantFrom(...keys).map((key) => new Case(entry, label, kind, withKey(key)(args, 1), [key]))),
    });
    slots.push({ label, kinds: [unknownKey('misspelt key', typos), unknownKey('foreign key', ['foo', 'toString', 'constructor'])] });
  });
  // Extra positional arguments are not a kind of bad call: JavaScript ignores them, and TF.js idioms rely
  // on it (tensors.forEach(tf.dispose) passes the index and the array).
  return slots;
}

/** Misspellings of a name: one letter dropped, two neighbours swapped, a letter added. */
export function typosOf(name: string): string[] {
  const out = new Set<string>();
  for (let i = 0; i < name.length; i++) out.add(name.slice(0, i) + name.slice(i + 1));
  for (let i = 0; i + 1 < name.length; i++) out.add(name.slice(0, i) + name[i + 1] + name[i] + name.slice(i + 2));
  out.add(`${name}s`);
  out.add(`${name}x`);
  out.delete(name);
  out.delete('');
  return [...out];
}

// ---- running a case ----

/** What a case made: the tensors and models it must find unchanged, and what to undo afterwards. */
export class Env {
  /** Tensors the caller holds: a rejected call must leave them live. */
  readonly tensors: tf.Tensor[] = [];
  /** Models the caller holds; `built` ones have weights to compare; with `inputs`, the sanity check predicts. */
  readonly models: Array<{ model: tf.Sequential; built: boolean; inputs: number | null }> = [];
  private readonly cleanups: Array<() => unknown> = [];

  tensor<T extends tf.Tensor>(t: T): T {
    this.tensors.push(t);
    return t;
  }

  model(model: tf.Sequential, built: boolean, inputs: number | null): tf.Sequential {
    this.models.push({ model, built, inputs });
    return model;
  }

  /** Runs fn when the case ends (after the checks), e.g. to finish a fit left waiting. */
  later(fn: () => unknown): void {
    this.cleanups.push(fn);
  }

  async dispose(): Promise<void> {
    for (const fn of this.cleanups) await fn();
    for (const t of this.tensors) t.dispose();
    for (const { model } of this.models) model.dispose();
  }
}

/** Replaces recipes by what they make, in the arguments and in the arrays and options objects they hold. */
async function make(value: unknown, env: Env, made: unknown[], depth = 0): Promise<unknown> {
  if (value instanceof Recipe) return await value.make(env, made);
  if (depth >= 3) return value;
  if (Array.isArray(value) && Object.getPrototypeOf(value) === Array.prototype) {
    const out: unknown[] = new Array(value.length);
    // Object.entries skips holes, so an array with holes keeps them.
    for (const [i, v] of Object.entries(value)) out[Number(i)] = await make(v, env, made, depth + 1);
    return out;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    // fromEntries keeps own keys such as 'constructor' as data, which assignment would not for '__proto__'.
    const entries = await Promise.all(Object.entries(value).map(async ([k, v]) => [k, await make(v, env, made, depth + 1)]));
    return Object.fromEntries(entries);
  }
  return value;
}

/** What a rejected call must leave as it was, per model the caller holds. */
interface ModelState {
  disposed: boolean;
  layers: number;
  optimizer: tf.Optimizer | null;
  step: number | undefined;
  /** The bytes of every weight, for built models. */
  weights: string;
}

function stateOf(env: Env): ModelState[] {
  return env.models.map(({ model, built }) => {
    const weights = built && !model.isDisposed ? model.getWeights() : [];
    const bytes = Buffer.concat(weights.map((w) => Buffer.from(w.dataSync().buffer))).toString('base64');
    return { disposed: model.isDisposed, layers: model.layers.length, optimizer: model.optimizer, step: model.optimizer?.iterations, weights: bytes };
  });
}

function changes(before: ModelState, after: ModelState): string[] {
  if (after.disposed !== before.disposed) return ['disposed it'];
  const out: string[] = [];
  if (after.layers !== before.layers) out.push(`its layers ${before.layers} -> ${after.layers}`);
  if (after.optimizer !== before.optimizer) out.push('its optimizer');
  else if (after.step !== before.step) out.push(`its optimizer's iterations ${before.step} -> ${after.step}`);
  if (after.weights !== before.weights) out.push('its weights');
  return out;
}

type Outcome = { how: 'threw' | 'rejected'; error: unknown } | { how: 'returned' | 'resolved'; value: unknown };

/** A Promise-returning call that neither settles in this time is reported as hanging. */
const SETTLE_MS = 10_000;

async function settle(call: () => unknown): Promise<Outcome> {
  let result: unknown;
  try {
    result = call();
  } catch (error) {
    return { how: 'threw', error };
  }
  if (!(result instanceof Promise)) return { how: 'returned', value: result };
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Hang()), SETTLE_MS)));
  try {
    return { how: 'resolved', value: await Promise.race([result, timeout]) };
  } catch (error) {
    return { how: 'rejected', error };
  } finally {
    clearTimeout(timer);
  }
}

/** What settle() rejects with when the call hangs. */
class Hang {}

/** Where in src/ (or assembly/) an error was thrown, for the report. */
function origin(error: Error): string {
  const lines = (error.stack ?? '').split('\n');
  const wasm = lines.some((l) => l.includes('wasm://')) ? ' in wasm' : '';
  const src = lines.map((l) => /\/((?:src|assembly)\/[^\s():]+:\d+)/.exec(l)?.[1]).find(Boolean);
  return src ? `${wasm} at ${src}` : wasm;
}

function describeThrown(error: unknown): string {
  if (!(error instanceof Error)) return `a non-Error value ${fc.stringify(error)}`;
  const name = error.constructor?.name ?? error.name;
  return `${name}: ${error.message.split('\n')[0].slice(0, 300)}${origin(error)}`;
}

/** Whether the message names `word` as a word ('{' stands for a message that shows the object expected). */
function names(message: string, word: string): boolean {
  if (word === '{') return message.includes('{');
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^A-Za-z0-9_])${escaped}($|[^A-Za-z0-9_])`).test(message);
}

/** The problems with how the call failed: not an Error, or a message that does not say what is wrong. */
function errorProblems(error: unknown, c: Case): string[] {
  if (error instanceof Hang) return [`did not settle within ${SETTLE_MS / 1000} s`];
  if (!(error instanceof Error) || Object.getPrototypeOf(error) !== Error.prototype) return [`threw ${describeThrown(error)}`];
  const message = error.message;
  const problems: string[] = [];
  const prefixes = c.entry.prefixes ?? [c.entry.name.split('.').at(-1)!];
  if (!prefixes.some((p) => message.startsWith(`${p}:`) || message.startsWith(`${p} (`))) problems.push(`message does not start with ${prefixes.map((p) => `'${p}:'`).join(' or ')}`);
  if (c.mentions.length > 0 && !c.mentions.some((m) => names(message, m))) problems.push(`message does not name ${c.mentions.map((m) => `'${m}'`).join(' or ')}`);
  if (message.length >= 500) problems.push(`message is ${message.length} characters long`);
  if (problems.length > 0) problems.push(`message: ${JSON.stringify(message.slice(0, 300))}${origin(error)}`);
  return problems;
}

/** A short description of what a call returned (stringifying a model would walk the whole heap). */
function brief(value: unknown): string {
  if (value instanceof tf.Tensor) return `a tensor of shape ${fc.stringify(value.shape)}`;
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) !== Object.prototype) return `a ${value.constructor.name}`;
  return fc.stringify(value).slice(0, 80);
}

/** Frees the tensors and models a call that should have failed returned (not variables: getWeights returns a model's own). */
function release(value: unknown): void {
  for (const v of Array.isArray(value) ? value : [value]) if ((v instanceof tf.Tensor && !(v instanceof tf.Variable)) || v instanceof tf.Sequential) v.dispose();
}

/** A small valid call on the library and on each model the case holds; the problem if one fails. */
function stillWorks(env: Env): string | null {
  try {
    const a = tf.tensor2d([[1, 2]]);
    const b = tf.tensor2d([[3], [4]]);
    const c = tf.matMul(a, b);
    const value = c.dataSync()[0];
    tf.dispose([a, b, c]);
    if (value !== 11) return `afterwards tf.matMul([[1, 2]], [[3], [4]]) gave ${value}, not 11`;
    for (const { model, inputs } of env.models) {
      if (model.isDisposed || inputs === null) continue;
      const x = tf.ones([2, inputs]);
      const y = model.predict(x) as tf.Tensor;
      const ok = y.shape[0] === 2 && Array.from(y.dataSync()).every(Number.isFinite);
      tf.dispose([x, y]);
      if (!ok) return 'afterwards model.predict gives a wrong result';
    }
    return null;
  } catch (error) {
    return `afterwards a small valid call fails: ${describeThrown(error)}`;
  }
}

/** Runs one bad call and returns what is wrong with how the library handled it (empty when all is right). */
async function runCase(c: Case, backend: Backend): Promise<string[]> {
  const env = new Env();
  const problems = await callAndCheck(c, env, backend);
  try {
    await env.dispose();
  } catch (error) {
    problems.push(`cleaning up after the call failed: ${describeThrown(error)}`);
  }
  return problems;
}

async function callAndCheck(c: Case, env: Env, backend: Backend): Promise<string[]> {
  const args: unknown[] = [];
  try {
    for (const a of c.args) args.push(await make(a, env, args));
  } catch (error) {
    return [`setting up the valid arguments failed: ${describeThrown(error)}`];
  }
  const before = stateOf(env);
  const memory = tf.memory();
  const outcome = await settle(() => c.entry.call(...args));
  const after = tf.memory();
  const problems: string[] = [];
  if ('value' in outcome) {
    problems.push(`${outcome.how} ${brief(outcome.value)} instead of ${c.entry.async ? 'rejecting' : 'throwing'}`);
    try {
      release(outcome.value);
    } catch (error) {
      problems.push(`what it returned cannot be disposed: ${describeThrown(error)}`);
    }
  } else {
    if (outcome.how === 'threw' && c.entry.async) problems.push(`threw synchronously instead of returning a rejected Promise: ${describeThrown(outcome.error)}`);
    if (outcome.how === 'rejected' && !c.entry.async) problems.push('returned a rejected Promise instead of throwing');
    problems.push(...errorProblems(outcome.error, c));
    if (after.numTensors > memory.numTensors || after.numBytes > memory.numBytes) {
      problems.push(`leaked ${after.numTensors - memory.numTensors} tensors and ${after.numBytes - memory.numBytes} bytes`);
    }
  }
  try {
    stateOf(env).forEach((state, i) => {
      const changed = changes(before[i], state);
      if (changed.length > 0) problems.push(`changed model #${i + 1}: ${changed.join(', ')}`);
    });
  } catch (error) {
    problems.push(`left a model unreadable: ${describeThrown(error)}`);
  }
  const disposed = env.tensors.filter((t) => t.isDisposed).length;
  if (disposed > 0) problems.push(`disposed ${disposed} of the caller's tensors`);
  if (tf.getBackend() !== backend) {
    problems.push(`switched the backend to ${tf.getBackend()}`);
    await tf.setBackend(backend);
  }
  if (tf.getThreads() !== 1) {
    problems.push(`left ${tf.getThreads()} threads running`);
    await tf.setThreads(1);
  }
  const broken = stillWorks(env);
  if (broken) problems.push(broken);
  return problems;
}

/**
 * Runs `runs` cases of one kind of bad value with fast-check (which shrinks a failing case to a small one);
 * the report of the smallest failing case, or null when every case was handled right.
 */
export async function checkKind(kind: Slot['kinds'][number], runs: number, seed: number, backend: Backend): Promise<string | null> {
  const property = fc.asyncProperty(kind.cases, async (c) => {
    const problems = await runCase(c, backend);
    if (problems.length > 0) throw new Error(problems.join('\n'));
  });
  const details = await fc.check(property, { numRuns: runs, seed });
  if (!details.failed) return null;
  const problems = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
  return [
    `${kind.kind}: ${fc.stringify(details.counterexample?.[0])}`,
    ...problems.split('\n').map((p) => `    ${p}`),
    `    (fast-check seed ${details.seed}, path "${details.counterexamplePath}", shrunk ${details.numShrinks} times)`,
  ].join('\n');
}
