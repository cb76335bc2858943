// Weight constraints with TF.js's names, defaults and formulas (tfjs-layers constraints.ts): apply(w) gives
// the weight's new values, which training puts in place after each optimizer step. The norms are L2 norms
// along `axis`, kept as dims, with TF.js's epsilon 1e-7 added before dividing. Applying them to layers' weights
// in training is the layers' and the model's part.

import { nameTable } from './initializers.js';
import { relu } from './ops/activations.js';
import { add, div, mul } from './ops/arithmetic.js';
import { parseAxes } from './ops/op.js';
import { sum } from './ops/reduce.js';
import { clipByValue, sqrt, square } from './ops/unary.js';
import { type Tensor, tidy } from './tensor/tensor.js';
import { checkObject, checkOptions, checkTensor, describe, didYouMean, fromIdentifier, is, type Rule } from './validate.js';

export interface Constraint {
  /** The class name a saved model gives ('MaxNorm'). */
  readonly className: string;
  /** The constrained values of w, a new tensor. */
  apply(w: Tensor): Tensor;
  getConfig(): Record<string, unknown>;
}

/** An axis or axes of the weight; checked against its rank when the constraint is applied. */
type Axis = number | number[];

/** TF.js's epsilon() on its float32 backends. */
const EPSILON = 1e-7;

/** The L2 norms of w along axis, kept as dims. */
function norms(name: string, w: unknown, axis: Axis): Tensor {
  checkTensor(name, 'w', w, 'float32');
  parseAxes(name, axis, w.rank);
  return sqrt(sum(square(w), axis, true));
}

/** w scaled from its norms to desired(norms): w · desired / (ε + norms). */
function rescale(name: string, w: unknown, axis: Axis, desired: (n: Tensor) => Tensor): Tensor {
  const n = norms(name, w, axis);
  return mul(w as Tensor, div(desired(n), add(EPSILON, n)));
}

/** The constraints tf.constraints makes: a Constraint with TF.js's getClassName(). */
export abstract class BaseConstraint implements Constraint {
  abstract readonly className: string;
  abstract apply(w: Tensor): Tensor;
  abstract getConfig(): Record<string, unknown>;
  getClassName(): string {
    return this.className;
  }
}

/** Norms above maxValue are scaled down to it. */
class MaxNorm extends BaseConstraint {
  readonly className = 'MaxNorm';
  constructor(
    readonly maxValue: number,
    readonly axis: Axis,
  ) {
    super();
  }
  apply(w: Tensor): Tensor {
    return tidy(() => rescale('maxNorm', w, this.axis, (n) => clipByValue(n, 0, this.maxValue)));
  }
  getConfig() {
    return { maxValue: this.maxValue, axis: this.axis };
  }
}

/** Norms scaled to 1. */
class UnitNorm extends BaseConstraint {
  readonly className = 'UnitNorm';
  constructor(readonly axis: Axis) {
    super();
  }
  apply(w: Tensor): Tensor {
    return tidy(() => div(w, add(EPSILON, norms('unitNorm', w, this.axis))));
  }
  getConfig() {
    return { axis: this.axis };
  }
}

/** Negative values set to 0. */
class NonNeg extends BaseConstraint {
  readonly className = 'NonNeg';
  apply(w: Tensor): Tensor {
    checkTensor('nonNeg', 'w', w, 'float32');
    return relu(w);
  }
  getConfig() {
    return {};
  }
}

/** Norms moved into [minValue, maxValue], by the fraction `rate` of the way. */
class MinMaxNorm extends BaseConstraint {
  readonly className = 'MinMaxNorm';
  constructor(
    readonly minValue: number,
    readonly maxValue: number,
    readonly rate: number,
    readonly axis: Axis,
  ) {
    super();
  }
  apply(w: Tensor): Tensor {
    return tidy(() => rescale('minMaxNorm', w, this.axis, (n) => add(mul(this.rate, clipByValue(n, this.minValue, this.maxValue)), mul(1 - this.rate, n))));
  }
  getConfig() {
    return { minValue: this.minValue, maxValue: this.maxValue, rate: this.rate, axis: this.axis };
  }
}

const AXIS: Rule = (op, name, v) => {
  if (!Number.isInteger(v) && !(Array.isArray(v) && Array.from(v).every(Number.isInteger))) {
    throw new Error(`${op}: ${name} must be an integer or an array of integers, got ${describe(v)}`);
  }
};

/** Constraint factories with TF.js's names and defaults: `tf.constraints.maxNorm({ maxValue: 2, axis: 0 })`. */
export const constraints = {
  /** @example tf.constraints.maxNorm({ maxValue: 1 }).apply(tf.tensor2d([[3, 0], [4, 0.5]])).print(); */
  maxNorm: (args?: { maxValue?: number; axis?: Axis }): BaseConstraint => {
    const { maxValue = 2, axis = 0 } = checkOptions('maxNorm', 'args', args, { maxValue: is.number(0), axis: AXIS });
    return new MaxNorm(maxValue, axis);
  },
  /** @example tf.constraints.unitNorm({ axis: 1 }).apply(tf.tensor2d([[3, 4], [1, 0]])).print(); */
  unitNorm: (args?: { axis?: Axis }): BaseConstraint => new UnitNorm(checkOptions('unitNorm', 'args', args, { axis: AXIS }).axis ?? 0),
  /** @example tf.constraints.nonNeg().apply(tf.tensor1d([-1, 2])).print(); */
  nonNeg: (): BaseConstraint => new NonNeg(),
  /** @example tf.constraints.minMaxNorm({ minValue: 1, maxValue: 2 }).apply(tf.tensor2d([[3, 0], [4, 0.5]])).print(); */
  minMaxNorm: (config?: { minValue?: number; maxValue?: number; rate?: number; axis?: Axis }): BaseConstraint => {
    const schema = { minValue: is.number(0), maxValue: is.number(0), rate: is.number(0, 1), axis: AXIS };
    const { minValue = 0, maxValue = 1, rate = 1, axis = 0 } = checkOptions('minMaxNorm', 'config', config, schema);
    if (minValue > maxValue) throw new Error(`minMaxNorm: config.minValue must be <= config.maxValue, got ${minValue} and ${maxValue}`);
    return new MinMaxNorm(minValue, maxValue, rate, axis);
  },
};

type ConstraintIdentifier = keyof typeof constraints;
const IDS = Object.keys(constraints) as ConstraintIdentifier[];
const NAMES = nameTable(IDS);

/**
 * Rebuilds a constraint from a class name ('MaxNorm', or any name getConstraint takes) and its camelCase config,
 * checked as the factory checks its arguments (without one, the defaults). Callers add where the config came
 * from to messages.
 */
export function constraintFromConfig(className: string, config?: Record<string, unknown>): Constraint {
  const id = NAMES.get(className);
  if (id === undefined) throw new Error(`unsupported constraint ${describe(className)}${didYouMean(String(className), IDS)}`);
  return (constraints[id] as (args?: Record<string, unknown>) => Constraint)(config);
}

/**
 * A constraint from a name ('maxNorm', 'MaxNorm', 'max_norm'), a Constraint object, or its serialized form
 * `{ className, config }`; null for none (undefined or null), as TF.js's layers take them.
 */
export function getConstraint(op: string, name: string, value: unknown): Constraint | null {
  if (value === undefined || value === null) return null;
  // An initializer has apply, getConfig and className too, but fills weights (kernelConstraint: tf.initializers.zeros() is a slip).
  const candidate = value as Partial<Constraint> & { fill?: unknown };
  if (typeof candidate === 'object' && typeof candidate.apply === 'function' && typeof candidate.getConfig === 'function' && typeof candidate.className === 'string' && candidate.fill === undefined) {
    return value as Constraint;
  }
  return fromIdentifier(op, name, value, constraintFromConfig, "a constraint; expected a name such as 'maxNorm', a tf.constraints object or { className, config }");
}
