// The options of a layer with a kernel and a bias (dense, the convolutions), with TF.js's names and defaults:
// the activation, useBias, and each weight's initializer, regularizer and constraint, read in one place.

import { type Activation, getActivation } from '../activations.js';
import { type Constraint, getConstraint } from '../constraints.js';
import { getInitializer, type Initializer } from '../initializers.js';
import { getRegularizer, type Regularizer } from '../regularizers.js';
import { is, type Schema } from '../validate.js';

export interface KernelArgs {
  activation?: string;
  useBias?: boolean;
  kernelInitializer?: string | Initializer;
  biasInitializer?: string | Initializer;
  kernelRegularizer?: string | Regularizer;
  biasRegularizer?: string | Regularizer;
  kernelConstraint?: string | Constraint;
  biasConstraint?: string | Constraint;
}

/** The rules of those options, for a layer's schema. */
export const KERNEL_OPTIONS: Schema = {
  activation: is.any,
  useBias: is.bool,
  kernelInitializer: is.any,
  biasInitializer: is.any,
  kernelRegularizer: is.any,
  biasRegularizer: is.any,
  activityRegularizer: is.unsupported(),
  kernelConstraint: is.any,
  biasConstraint: is.any,
};

/** The options read and checked (the call `op` names errors). */
export interface KernelOptions {
  readonly activation: Activation;
  readonly useBias: boolean;
  readonly kernelInitializer: Initializer;
  readonly biasInitializer: Initializer;
  readonly kernelRegularizer: Regularizer | null;
  readonly biasRegularizer: Regularizer | null;
  readonly kernelConstraint: Constraint | null;
  readonly biasConstraint: Constraint | null;
}

export function kernelOptions(op: string, args: KernelArgs): KernelOptions {
  return {
    activation: getActivation(op, args.activation),
    useBias: args.useBias ?? true,
    kernelInitializer: getInitializer(op, 'kernelInitializer', args.kernelInitializer ?? 'glorotNormal'),
    biasInitializer: getInitializer(op, 'biasInitializer', args.biasInitializer ?? 'zeros'),
    kernelRegularizer: getRegularizer(op, 'kernelRegularizer', args.kernelRegularizer),
    biasRegularizer: getRegularizer(op, 'biasRegularizer', args.biasRegularizer),
    kernelConstraint: getConstraint(op, 'kernelConstraint', args.kernelConstraint),
    biasConstraint: getConstraint(op, 'biasConstraint', args.biasConstraint),
  };
}
