// The dtypes neurite computes in and TF.js's rules for them: which dtype values infer, and the upcast of
// mixed operands (bool < int32 < float32). Every dtype is stored as 4 bytes per value (bool as int32 0/1),
// so one heap view serves each and the kernels see f32 or i32 only.

export type DType = 'float32' | 'int32' | 'bool';
export const DTYPES: readonly DType[] = ['float32', 'int32', 'bool'];

const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2 };

/** TF.js's upcastType: the wider of two dtypes. */
export function upcast(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** The dtype TF.js infers for values: typed arrays by their type, numbers float32, booleans bool. */
export function inferDtype(values: unknown): DType {
  let v = values;
  while (Array.isArray(v)) v = v[0];
  if (v instanceof Int32Array || v instanceof Uint8Array || v instanceof Uint8ClampedArray) return 'int32';
  if (typeof v === 'boolean') return 'bool';
  return 'float32';
}

/** The typed array a tensor of this dtype reads back as, as TF.js gives it. */
export type DataFor<D extends DType> = D extends 'float32' ? Float32Array : D extends 'int32' ? Int32Array : Uint8Array;
export type TypedData = Float32Array | Int32Array | Uint8Array;
