// Codes shared with src/backend/kernels.ts: keep the numbers equal on both sides.

export const enum Act { Linear = 0, Relu = 1, LeakyRelu = 2, Elu = 3, Selu = 4, Sigmoid = 5, Tanh = 6, Softplus = 7, Gelu = 8, Swish = 9 }
export const enum BinOp { Add = 0, Sub = 1, Mul = 2, Div = 3 }
export const enum Bcast { Full = 0, Row = 1, Scalar = 2 }
export const enum UnOp { Exp = 0, Log = 1, Square = 2, Neg = 3, Abs = 4, Sqrt = 5, Sign = 6 }
export const enum Loss {
  MeanSquared = 0, MeanAbsolute = 1, BinaryCrossentropy = 2, BinaryCrossentropyLogits = 3,
  CategoricalCrossentropy = 4, CategoricalCrossentropyLogits = 5,
  SparseCategoricalCrossentropy = 6, SparseCategoricalCrossentropyLogits = 7,
}

/** Bytes of packing scratch matmul may use; equals MATMUL_SCRATCH_BYTES on the TS side. */
export const MATMUL_SCRATCH_BYTES: i32 = 1 << 20;

/** Elementwise binary ops of binaryStrided, by operand dtype; comparisons write bool (i32 0/1). */
export const enum Binary {
  Add = 0, Sub = 1, Mul = 2, Div = 3,
  AddInt = 32, SubInt = 33, MulInt = 34, FloorDivInt = 35,
}
