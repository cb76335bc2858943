// The options of a layer with kernels and a bias (dense, the convolutions), with TF.js's names and defaults:
// the activation, useBias, and each weight's initializer, regularizer and constraint (`kernelInitializer`,
// `depthwiseRegularizer`, ...), read in one place whatever the weight is called (the normalization layers read
// their gamma and beta here too).

import { type Activation, getActivation } from '../activations.js';
import { type Constraint, getConstraint } from '../constraints.js';
import { getInitializer, type Initializer } from '../initializers.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import { is, type Schema } from '../validate.js';

/** An initializer, regularizer or constraint in its serialized form, as getConfig gives it: { className: 'L1L2', config: { l1, l2 } }. */
export interface SerializedForm {
  className: string;
  config?: Record<string, unknown>;
}

/** A weight's options as given, `prefix` naming the weight: kernelInitializer, kernelRegularizer, kernelConstraint. */
export type WeightArgs<P extends string> = { [K in `${P}Initializer`]?: string | Initializer | SerializedForm } & { [K in `${P}Regularizer`]?: string | Regularizer | SerializedForm } & {
  [K in `${P}Constraint`]?: string | Constraint | SerializedForm;
};

/** A weight's options read and checked. */
export type WeightOptions<P extends string> = { readonly [K in `${P}Initializer`]: Initializer } & { readonly [K in `${P}Regularizer`]: Regularizer | null } & {
  readonly [K in `${P}Constraint`]: Constraint | null;
};

/** The rules of a weight's options, for a layer's schema. */
export function weightRules(prefix: string): Schema {
  return { [`${prefix}Initializer`]: is.any, [`${prefix}Regularizer`]: is.any, [`${prefix}Constraint`]: is.any };
}

/** A weight's options read from args (the call `op` names errors), its initializer `initializer` by default. */
export function weightOptions<P extends string>(op: string, args: object, prefix: P, initializer: string): WeightOptions<P> {
  const [init, reg, con] = [`${prefix}Initializer`, `${prefix}Regularizer`, `${prefix}Constraint`];
  const given = args as Record<string, unknown>;
  return {
    [init]: getInitializer(op, init, given[init] ?? initializer),
    [reg]: getRegularizer(op, reg, given[reg]),
    [con]: getConstraint(op, con, given[con]),
  } as WeightOptions<P>;
}

/** What follows the kernels: a bias and an activation. */
export interface BiasArgs extends WeightArgs<'bias'> {
  activation?: string;
  useBias?: boolean;
}

export const BIAS_OPTIONS: Schema = { activation: is.any, useBias: is.bool, ...weightRules('bias'), activityRegularizer: is.unsupported() };

export type BiasOptions = { readonly activation: Activation; readonly useBias: boolean } & WeightOptions<'bias'>;

export function biasOptions(op: string, args: BiasArgs): BiasOptions {
  return { activation: getActivation(op, args.activation), useBias: args.useBias ?? true, ...weightOptions(op, args, 'bias', 'zeros') };
}

/** A layer of one kernel (dense, conv1d, conv2d, conv2dTranspose): its kernel's options and the bias's. */
export interface KernelArgs extends BiasArgs, WeightArgs<'kernel'> {}

export const KERNEL_OPTIONS: Schema = { ...BIAS_OPTIONS, ...weightRules('kernel') };

export type KernelOptions = BiasOptions & WeightOptions<'kernel'>;

export function kernelOptions(op: string, args: KernelArgs): KernelOptions {
  return { ...biasOptions(op, args), ...weightOptions(op, args, 'kernel', 'glorotNormal') };
}
