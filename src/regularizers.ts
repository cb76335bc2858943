// Weight regularizers with TF.js's names and defaults: the penalty sum(l1·|w|) + sum(l2·w²) is added to the
// loss, and its gradient l1·sign(w) + 2·l2·w to the weights' gradient.

import { checkNumber, checkOptions, describe, fromIdentifier, is } from './validate.js';

export class Regularizer {
  readonly className = 'L1L2';
  constructor(
    readonly l1: number,
    readonly l2: number,
  ) {
    checkNumber('regularizer', 'l1', l1);
    checkNumber('regularizer', 'l2', l2);
    if (l1 < 0 || l2 < 0) throw new Error(`regularizer: l1 and l2 must be >= 0, got ${l1} and ${l2}`);
  }
  getConfig() {
    return { l1: this.l1, l2: this.l2 };
  }
}

/** `tf.regularizers.l1({ l1: 0.01 })`, `l2({ l2: 0.01 })`, `l1l2({ l1, l2 })`. */
export const regularizers = {
  l1: (args?: { l1?: number }) => new Regularizer(checkOptions('l1', 'args', args, { l1: is.number(0) }).l1 ?? 0.01, 0),
  l2: (args?: { l2?: number }) => new Regularizer(0, checkOptions('l2', 'args', args, { l2: is.number(0) }).l2 ?? 0.01),
  l1l2: (args?: { l1?: number; l2?: number }) => {
    const { l1 = 0.01, l2 = 0.01 } = checkOptions('l1l2', 'args', args, { l1: is.number(0), l2: is.number(0) });
    return new Regularizer(l1, l2);
  },
};

/**
 * The factory of each name a regularizer is given by: TF.js's class L1L2 (a missing l1 or l2 its 0.01), Keras's
 * L1 and L2, and the factories' own names.
 */
const CLASSES: Record<string, keyof typeof regularizers> = { L1L2: 'l1l2', l1_l2: 'l1l2', L1: 'l1', L2: 'l2', l1l2: 'l1l2', l1: 'l1', l2: 'l2' };

/** A regularizer from its name or serialized form's class name and config, checked as the factory checks its arguments. */
export function regularizerFromConfig(className: string, config?: Record<string, unknown>): Regularizer {
  if (!Object.hasOwn(CLASSES, className)) throw new Error(`unsupported regularizer ${describe(className)}; expected L1L2, L1 or L2`);
  return regularizers[CLASSES[className]](config);
}

/** A regularizer from a Regularizer, a name ('l1', 'l2', 'l1l2', 'L1L2', ...; TF.js's defaults), { className, config }, or null. */
export function getRegularizer(op: string, name: string, value: unknown): Regularizer | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Regularizer) return value;
  return fromIdentifier(op, name, value, regularizerFromConfig, "a regularizer; expected tf.regularizers.l1/l2/l1l2(...), a name such as 'l1l2' or { className: 'L1L2', config: { l1, l2 } }");
}
