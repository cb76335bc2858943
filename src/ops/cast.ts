// Dtype conversion: cast and the chainable toFloat / toInt / toBool, and clone. As TF.js: float to int32
// truncates, anything to bool is true where nonzero; the gradient passes dy through unchanged.

import { DTYPE_CODES } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor } from '../tensor/tensor.js';
import { convert, empty, kernels, op, view, type TensorLike } from './op.js';
import { checkDtypeName } from './values.js';

/**
 * x converted to dtype.
 * @example tf.tensor1d([1.5, 2.5, 3]).cast('int32').print();
 */
export const cast = op((x: Tensor | TensorLike, dtype: DType): Tensor => {
  const $x = convert('cast', 'x', x);
  checkDtypeName('cast', dtype);
  const out = $x.dtype === dtype ? view($x, $x.shape.slice()) : empty('cast', $x.shape.slice(), dtype);
  if ($x.dtype !== dtype && out.size > 0) {
    const [px, po] = [$x.ptr('cast'), out.ptr('cast')];
    kernels().cast(px, DTYPE_CODES[$x.dtype], DTYPE_CODES[dtype], po, out.size);
  }
  if (recording()) record([$x], [out], [], ([dy]) => [dy]);
  return out;
});

/**
 * A new tensor with x's values (sharing them until either changes, as TF.js's clone does).
 * @example tf.tensor1d([1, 2]).clone().print();
 */
export const clone = op((x: Tensor | TensorLike): Tensor => {
  const $x = convert('clone', 'x', x);
  const out = view($x, $x.shape.slice());
  if (recording()) record([$x], [out], [], ([dy]) => [dy]);
  return out;
});

declare module '../tensor/tensor.js' {
  interface Tensor {
    cast(dtype: DType): Tensor;
    /** @deprecated TF.js's old name for cast. */
    asType(dtype: DType): Tensor;
    toFloat(): Tensor;
    toInt(): Tensor;
    toBool(): Tensor;
    clone(): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  cast(this: Tensor, dtype: DType) {
    return cast(this, dtype);
  },
  asType(this: Tensor, dtype: DType) {
    return cast(this, dtype);
  },
  toFloat(this: Tensor) {
    return cast(this, 'float32');
  },
  toInt(this: Tensor) {
    return cast(this, 'int32');
  },
  toBool(this: Tensor) {
    return cast(this, 'bool');
  },
  clone(this: Tensor) {
    return clone(this);
  },
});
