// Activation names as TF.js layers spell them, mapped to the kernels' codes. Softmax and logSoftmax are row-wise
// (over the last axis, as TF.js applies them) and have kernels of their own, so they are marked apart.

import { Act } from './backend/kernels.js';
import { describe } from './validate.js';

export type ActivationIdentifier =
  | 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'hardSigmoid' | 'tanh' | 'softsign' | 'softmax' | 'logSoftmax' | 'elu' | 'selu' | 'softplus'
  | 'gelu' | 'gelu_new' | 'swish' | 'mish';

type RowWise = 'softmax' | 'logSoftmax';

/**
 * An activation: its name, kernel code, whether it is the row-wise softmax (and with `log`, its log: logSoftmax),
 * and its alpha (ELU's is 1).
 */
export type Activation = { name: ActivationIdentifier; act: Act; softmax: boolean; log: boolean; alpha: number };

const CODES: Record<Exclude<ActivationIdentifier, RowWise>, Act> = {
  linear: Act.Linear,
  relu: Act.Relu,
  sigmoid: Act.Sigmoid,
  tanh: Act.Tanh,
  elu: Act.Elu,
  selu: Act.Selu,
  softplus: Act.Softplus,
  gelu: Act.Gelu,
  gelu_new: Act.GeluNew,
  swish: Act.Swish,
  mish: Act.Mish,
  hardSigmoid: Act.HardSigmoid,
  softsign: Act.Softsign,
  relu6: Act.Relu6,
};

/** The activation called `name` (default linear), or a clear Error listing the known names. */
export function getActivation(op: string, name: unknown = 'linear'): Activation {
  if (name === null || name === undefined) name = 'linear';
  if (name === 'softmax' || name === 'logSoftmax') return { name, act: Act.Linear, softmax: true, log: name === 'logSoftmax', alpha: 0 };
  if (typeof name === 'string' && Object.hasOwn(CODES, name)) {
    const id = name as Exclude<ActivationIdentifier, RowWise>;
    return { name: id, act: CODES[id], softmax: false, log: false, alpha: id === 'elu' ? 1 : 0 };
  }
  throw new Error(`${op}: activation must be one of ${[...Object.keys(CODES), 'softmax', 'logSoftmax'].join(', ')}; got ${describe(name)}`);
}
