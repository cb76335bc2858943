// Codes shared with src/backend/kernels.ts: keep the numbers equal on both sides.

export const enum Act { Linear = 0, Relu = 1, LeakyRelu = 2, Elu = 3, Selu = 4, Sigmoid = 5, Tanh = 6, Softplus = 7, Gelu = 8, Swish = 9, HardSigmoid = 10, Softsign = 11, Relu6 = 12, Mish = 13, GeluNew = 14 }
export const enum BinOp { Add = 0, Sub = 1, Mul = 2, Div = 3 }
export const enum Bcast { Full = 0, Row = 1, Scalar = 2 }
/**
 * Elementwise math of one tensor (unary.ts): below Expm1 f32 with a SIMD form, Expm1..Atanh f32 by Mathf, IsNaN..IsFinite
 * f32 in and bool out, from NegInt on i32 (int32 and bool) in and out. Equals Unary in kernels.ts.
 */
export const enum Unary {
  Neg = 0, Abs = 1, Square = 2, Sqrt = 3, Rsqrt = 4, Reciprocal = 5, Floor = 6, Ceil = 7, Round = 8, Sign = 9,
  Step = 10, Clip = 11, InRange = 12, Exp = 13, Erf = 14, LogSigmoid = 15,
  Expm1 = 16, Log = 17, Log1p = 18, Sin = 19, Cos = 20, Tan = 21, Asin = 22, Acos = 23, Atan = 24,
  Sinh = 25, Cosh = 26, Asinh = 27, Acosh = 28, Atanh = 29,
  IsNaN = 32, IsInf = 33, IsFinite = 34,
  NegInt = 48, AbsInt = 49, SquareInt = 50, SignInt = 51, ClipInt = 52, LogicalNot = 53,
}
export const enum Loss {
  MeanSquared = 0, MeanAbsolute = 1, BinaryCrossentropy = 2, BinaryCrossentropyLogits = 3,
  CategoricalCrossentropy = 4, CategoricalCrossentropyLogits = 5,
  SparseCategoricalCrossentropy = 6, SparseCategoricalCrossentropyLogits = 7,
}

/** Bytes of packing scratch matmul may use; equals MATMUL_SCRATCH_BYTES on the TS side. */
export const MATMUL_SCRATCH_BYTES: i32 = 1 << 20;

/**
 * Elementwise binary ops of binaryStrided, by operand dtype: below 32 they read f32, from 32 on i32 (int32
 * and bool). From FloorDiv on they write i32: floorDiv's int32, and the comparisons' and logic's bool (0/1).
 */
export const enum Binary {
  Add = 0, Sub = 1, Mul = 2, Div = 3, Maximum = 4, Minimum = 5, SquaredDifference = 6, DivNoNan = 7,
  Mod = 8, Pow = 9, Atan2 = 10,
  FloorDiv = 11, Equal = 12, NotEqual = 13, Greater = 14, GreaterEqual = 15, Less = 16, LessEqual = 17,
  AddInt = 32, SubInt = 33, MulInt = 34, FloorDivInt = 35, MaximumInt = 36, MinimumInt = 37,
  SquaredDifferenceInt = 38, ModInt = 39, PowInt = 40, Atan2Int = 41,
  EqualInt = 42, NotEqualInt = 43, GreaterInt = 44, GreaterEqualInt = 45, LessInt = 46, LessEqualInt = 47,
  LogicalAnd = 48, LogicalOr = 49, LogicalXor = 50,
}

/** How scatter combines a row with the one already there (layout.ts); equals Scatter in kernels.ts. */
export const enum Scatter { Add = 0, AddInt = 1, Set = 2 }

/** Reductions of reduce (reduce.ts; scan takes Sum, Prod, SumInt, ProdInt): below 32 over f32, from 32 over i32. */
export const enum Reduce {
  Sum = 0, Prod = 1, Max = 2, Min = 3, ArgMax = 4, ArgMin = 5,
  SumInt = 32, ProdInt = 33, MaxInt = 34, MinInt = 35, ArgMaxInt = 36, ArgMinInt = 37,
}

/** Flags of rngNormal's mode (random.ts); equals RngNormal in kernels.ts. */
export const enum RngNormal { Truncated = 1, Int32 = 2 }
