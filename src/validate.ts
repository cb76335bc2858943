// Argument checks shared by every public call. Each throws an Error that names the call, the argument and
// what was expected, before anything is allocated or changed.

import { Tensor } from './tensor.js';

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
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
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

/** A short description of a value for error messages. */
export function describe(value: unknown): string {
  if (value instanceof Tensor) return `a Tensor of shape [${value.shape.join(', ')}]`;
  if (Array.isArray(value)) return value.length > 8 ? `an array of length ${value.length}` : JSON.stringify(value);
  if (typeof value === 'string') return JSON.stringify(value);
  if (value === null || typeof value !== 'object') return String(value);
  return value.constructor?.name ?? 'an object';
}
