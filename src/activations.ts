// Activation names as TF.js layers spell them, mapped to the kernels' codes. Softmax is row-wise and has
// kernels of its own, so it is marked apart.

import { Act } from './backend/kernels.js';
import { describe } from './validate.js';

export type ActivationIdentifier =
  | 'linear' | 'relu' | 'relu6' | 'sigmoid' | 'hardSigmoid' | 'tanh' | 'softsign' | 'softmax' | 'elu' | 'selu' | 'softplus' | 'gelu' | 'swish';

/** An activation: its name, kernel code, whether it is the row-wise softmax, and its alpha (ELU's is 1). */
export type Activation = { name: ActivationIdentifier; act: Act; softmax: boolean; alpha: number };

const CODES: Record<Exclude<ActivationIdentifier, 'softmax'>, Act> = {
  linear: Act.Linear,
  relu: Act.Relu,
  sigmoid: Act.Sigmoid,
  tanh: Act.Tanh,
  elu: Act.Elu,
  selu: Act.Selu,
  softplus: Act.Softplus,
  gelu: Act.Gelu,
  swish: Act.Swish,
  hardSigmoid: Act.HardSigmoid,
  softsign: Act.Softsign,
  relu6: Act.Relu6,
};

/** The activation called `name` (default linear), or a clear Error listing the known names. */
export function getActivation(op: string, name: unknown = 'linear'): Activation {
  if (name === null || name === undefined) name = 'linear';
  if (name === 'softmax') return { name, act: Act.Linear, softmax: true, alpha: 0 };
  if (typeof name === 'string' && Object.hasOwn(CODES, name)) {
    const id = name as Exclude<ActivationIdentifier, 'softmax'>;
    return { name: id, act: CODES[id], softmax: false, alpha: id === 'elu' ? 1 : 0 };
  }
  throw new Error(`${op}: activation must be one of ${[...Object.keys(CODES), 'softmax'].join(', ')}; got ${describe(name)}`);
}
