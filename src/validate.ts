// Argument checks shared by every public call. Each throws an Error that names the call, the argument and
// what was expected, before anything is allocated or changed. Options objects are checked against one schema
// per call (checkOptions): unknown keys are refused with a did-you-mean, so a typo never passes silently.

import { Tensor } from './tensor/tensor.js';

/** Throws unless x is a live Tensor (of the given dtype, when one is given). */
export function checkTensor(op: string, name: string, x: unknown, dtype?: Tensor['dtype']): asserts x is Tensor {
  if (!(x instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${describe(x)}`);
  if (x.isDisposed) throw new Error(`${op}: ${name} is disposed`);
  if (dtype !== undefined && x.dtype !== dtype) throw new Error(`${op}: ${name} must have dtype ${dtype}, got ${x.dtype}`);
}

/** Throws unless x is a live Tensor of the given rank(s). */
export function checkRank(op: string, name: string, x: unknown, ...ranks: number[]): asserts x is Tensor {
  checkTensor(op, name, x);
  if (!ranks.includes(x.rank)) {
    throw new Error(`${op}: ${name} must have rank ${ranks.join(' or ')}, got shape [${x.shape.join(', ')}]`);
  }
}

/** Throws unless shape is an array of non-negative integers. */
export function checkShape(op: string, name: string, shape: unknown): asserts shape is number[] {
  // Array.from visits holes ([, 2]) that every() would skip.
  if (!Array.isArray(shape) || !Array.from(shape).every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`${op}: ${name} must be an array of non-negative integers, got ${describe(shape)}`);
  }
}

/** Throws unless value is an integer in [min, max]. */
export function checkInt(op: string, name: string, value: unknown, min: number, max = Number.MAX_SAFE_INTEGER): asserts value is number {
  if (!Number.isInteger(value) || (value as number) < min || (value as number) > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${op}: ${name} must be an integer ${range}, got ${describe(value)}`);
  }
}

/** Throws unless value is a finite number. */
export function checkNumber(op: string, name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new Error(`${op}: ${name} must be a finite number, got ${describe(value)}`);
}

/** Throws unless value is true or false (a truthy string is refused, not taken for true). */
export function checkBool(op: string, name: string, value: unknown): asserts value is boolean {
  if (typeof value !== 'boolean') throw new Error(`${op}: ${name} must be true or false, got ${describe(value)}`);
}

/** Throws unless value is one of the allowed values. */
export function checkOneOf<T>(op: string, name: string, value: unknown, allowed: readonly T[]): asserts value is T {
  if (!allowed.includes(value as T)) throw new Error(`${op}: ${name} must be one of ${allowed.map((a) => describe(a)).join(', ')}, got ${describe(value)}`);
}

/** Throws unless value is a plain object (not null, an array, a Tensor or a function). */
export function checkObject(op: string, name: string, value: unknown): asserts value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Tensor) {
    throw new Error(`${op}: ${name} must be an object, got ${describe(value)}`);
  }
}

// ---- option schemas ----

/** Checks one option's value; throws naming op and the option. */
export type Rule = (op: string, name: string, value: unknown) => void;
/** The options a call accepts, each with its rule. */
export type Schema = Readonly<Record<string, Rule>>;

/** Rules for option schemas. Each leaves undefined to the caller's default (checkOptions skips it). */
export const is = {
  int:
    (min: number, max?: number): Rule =>
    (op, name, v) =>
      checkInt(op, name, v, min, max),
  /** A finite number in [min, max]; `open` excludes the ends that are given as open. */
  number:
    (min = -Infinity, max = Infinity, open: { min?: boolean; max?: boolean } = {}): Rule =>
    (op, name, v) => {
      checkNumber(op, name, v);
      const below = open.min ? v <= min : v < min;
      const above = open.max ? v >= max : v > max;
      if (below || above) {
        const range =
          min > -Infinity && max < Infinity ? `in ${open.min ? '(' : '['}${min}, ${max}${open.max ? ')' : ']'}`
          : min > -Infinity ? `${open.min ? '>' : '>='} ${min}`
          : `${open.max ? '<' : '<='} ${max}`;
        throw new Error(`${op}: ${name} must be ${range}, got ${describe(v)}`);
      }
    },
  bool: checkBool as Rule,
  string: ((op, name, v) => {
    if (typeof v !== 'string') throw new Error(`${op}: ${name} must be a string, got ${describe(v)}`);
  }) as Rule,
  oneOf:
    (...allowed: unknown[]): Rule =>
    (op, name, v) =>
      checkOneOf(op, name, v, allowed),
  fn: ((op, name, v) => {
    if (typeof v !== 'function') throw new Error(`${op}: ${name} must be a function, got ${describe(v)}`);
  }) as Rule,
  tensor: checkTensor as Rule,
  shape: checkShape as Rule,
  /** Passes when either rule does; reports the first rule's message otherwise. */
  either:
    (first: Rule, second: Rule): Rule =>
    (op, name, v) => {
      try {
        first(op, name, v);
      } catch (error) {
        try {
          second(op, name, v);
        } catch {
          throw error;
        }
      }
    },
  /** Checked where it is used (its rule needs more context than the value). */
  any: (() => {}) as Rule,
  /** A TF.js option neurite does not implement yet: refused rather than silently ignored. */
  unsupported:
    (hint = ''): Rule =>
    (op, name) => {
      throw new Error(`${op}: ${name} is not supported yet${hint ? ` (${hint})` : ''}`);
    },
};

/**
 * Checks an options object: it must be a plain object (or undefined or null, for no options, as TF.js takes
 * them), hold only the schema's keys (an unknown key is refused with a did-you-mean: `fit: unknown option
 * 'epoch' (did you mean 'epochs'?)`), and every value that is not undefined must pass its rule. Returns the
 * options, {} for none.
 */
export function checkOptions<T extends object>(op: string, name: string, args: T | undefined | null, schema: Schema): T {
  if (args === undefined || args === null) return {} as T;
  checkObject(op, name, args);
  for (const key of Object.keys(args)) {
    if (!Object.hasOwn(schema, key)) throw new Error(`${op}: unknown option ${describe(key)}${name === 'args' ? '' : ` in ${name}`}${didYouMean(key, Object.keys(schema))}`);
  }
  for (const [key, rule] of Object.entries(schema)) {
    const value = (args as Record<string, unknown>)[key];
    if (value !== undefined) rule(op, name === 'args' ? key : `${name}.${key}`, value);
  }
  return args;
}

/**
 * checkOptions for the options of a call (fit, evaluate, compile...), read as TF.js reads them: an option set to
 * null is one not given. Returns them without the nulls.
 */
export function checkCallOptions<T extends object>(op: string, name: string, args: T | undefined | null, schema: Schema): T {
  const plain = args !== null && typeof args === 'object' && Object.getPrototypeOf(args) === Object.prototype;
  const given = plain && Object.values(args).includes(null) ? Object.fromEntries(Object.entries(args).filter(([, v]) => v !== null)) : args;
  return checkOptions(op, name, given as T, schema);
}

/** " (did you mean 'epochs'?)" for the closest known name, or the list of known names when none is close. */
export function didYouMean(key: string, known: string[]): string {
  let best = '';
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  if (bestDistance <= Math.max(2, Math.floor(key.length / 3))) return ` (did you mean ${describe(best)}?)`;
  const list = known.join(', ');
  return known.length === 0 ? '' : `; expected one of: ${list.length > 300 ? list.slice(0, 300) + '...' : list}`;
}

/** Levenshtein distance, with a swap of neighbours counted as one edit. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/**
 * What a layer takes as an initializer, regularizer or constraint given as a name or as its serialized form
 * { className, config }: made by fromConfig(className, config), its errors prefixed with the call and the
 * argument. `expected` completes "<value> is not ..." for anything else.
 */
export function fromIdentifier<T>(op: string, name: string, value: unknown, fromConfig: (className: string, config?: Record<string, unknown>) => T, expected: string): T {
  const serialized = value as { className?: unknown; config?: unknown } | null;
  const isSerialized = serialized !== null && typeof serialized === 'object' && typeof serialized.className === 'string';
  if (typeof value !== 'string' && !isSerialized) throw new Error(`${op}: ${name} ${describe(value)} is not ${expected}`);
  const config = isSerialized ? (serialized!.config ?? {}) : undefined;
  if (config !== undefined) checkObject(op, `${name}.config`, config);
  try {
    return fromConfig(isSerialized ? (serialized!.className as string) : (value as string), config as Record<string, unknown> | undefined);
  } catch (error) {
    throw new Error(`${op}: ${name}: ${(error as Error).message}`);
  }
}

/** Marks tf.data's datasets (set on Dataset.prototype), which describe names as the user knows them. */
export const DATASET = Symbol('tf.data Dataset');

/** A short description of any value for error messages: never throws, never longer than about 100 characters. */
export function describe(value: unknown): string {
  if (value instanceof Tensor) return `a Tensor of shape [${value.shape.join(', ')}]`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 60) + '...' : value);
  if (typeof value === 'bigint') return `${value}n (a BigInt)`;
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return `a function${value.name ? ` (${value.name})` : ''}`;
  if (value === null || typeof value !== 'object') return String(value);
  if (Array.isArray(value)) {
    if (value.length > 8) return `an array of length ${value.length}`;
    const items = value.map((v) => (v !== null && typeof v === 'object' ? (Array.isArray(v) ? `[...]` : '{...}') : describe(v)));
    return `[${items.join(',')}]`;
  }
  const name = (value as object).constructor?.name;
  // tf.data's classes are internal: whatever made a dataset, the user holds a Dataset.
  if ((value as { [DATASET]?: boolean })[DATASET]) return 'a tf.data Dataset';
  if (name && name !== 'Object') return `a ${name}`;
  const keys = Object.keys(value);
  return keys.length === 0 ? '{}' : `{ ${keys.slice(0, 4).join(', ')}${keys.length > 4 ? ', ...' : ''} }`;
}
