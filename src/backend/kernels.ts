// The Kernels interface: every piece of arithmetic the library does, as functions over one linear memory.
// Arguments are byte offsets into that memory (`Ptr`), integer sizes and scalars, nothing else, so the wasm
// exports implement it directly and the pure-TS twin implements it over typed-array views of its own heap.
// Kernels allocate nothing and never check their arguments: the callers in src/ validate first.

/** Byte offset into the backend's memory, 16-byte aligned for anything the allocator hands out. */
export type Ptr = number;

/** Activation codes shared by assembly/ and the TS side. */
export const Act = {
  Linear: 0,
  Relu: 1,
  LeakyRelu: 2,
  Elu: 3,
  Selu: 4,
  Sigmoid: 5,
  Tanh: 6,
  Softplus: 7,
  Gelu: 8,
  Swish: 9,
} as const;
export type Act = (typeof Act)[keyof typeof Act];

/** Binary elementwise operations. */
export const BinOp = {
  Add: 0,
  Sub: 1,
  Mul: 2,
  Div: 3,
} as const;
export type BinOp = (typeof BinOp)[keyof typeof BinOp];

/** How an operand of `binary` is laid out against the [m, n] output. */
export const Bcast = {
  Full: 0, // [m, n]
  Row: 1, // [n], repeated for every row
  Scalar: 2, // one value
} as const;
export type Bcast = (typeof Bcast)[keyof typeof Bcast];

/** Unary elementwise math. */
export const UnOp = {
  Exp: 0,
  Log: 1,
  Square: 2,
  Neg: 3,
  Abs: 4,
  Sqrt: 5,
  Sign: 6,
} as const;
export type UnOp = (typeof UnOp)[keyof typeof UnOp];

/** Elementwise binary ops of binaryStrided, by operand dtype (the numbers equal assembly/codes.ts). */
export const Binary = {
  Add: 0,
  Sub: 1,
  Mul: 2,
  Div: 3,
  AddInt: 32,
  SubInt: 33,
  MulInt: 34,
  FloorDivInt: 35,
} as const;
export type Binary = (typeof Binary)[keyof typeof Binary];

/** The kernels' code for each dtype. */
export const DTYPE_CODES = { float32: 0, int32: 1, bool: 2 } as const;

/** Bytes of the block strided kernels read their descriptor from (see src/ops/op.ts describeStrides). */
export const DESC_BYTES = 256;

/** Loss codes. `*Logits` variants take pre-activation values and fuse the sigmoid / softmax. */
export const Loss = {
  MeanSquared: 0,
  MeanAbsolute: 1,
  BinaryCrossentropy: 2,
  BinaryCrossentropyLogits: 3,
  CategoricalCrossentropy: 4,
  CategoricalCrossentropyLogits: 5,
  SparseCategoricalCrossentropy: 6,
  SparseCategoricalCrossentropyLogits: 7,
} as const;
export type Loss = (typeof Loss)[keyof typeof Loss];

/** Bytes of scratch memory `matmul` needs for packing (see assembly/matmul.ts). */
export const MATMUL_SCRATCH_BYTES = 1 << 20;

/** Bytes of one PRNG state (xoshiro128**, four u32 words). */
export const RNG_STATE_BYTES = 16;

export interface Kernels {
  // ---- matmul (assembly/matmul.ts) ----
  /**
   * C[m,n] (+)= op(A)[m,k] · op(B)[k,n]. A is stored [m,k], or [k,m] when transA; B is stored [k,n], or
   * [n,k] when transB. accumulate=1 adds into C instead of overwriting it. scratch: MATMUL_SCRATCH_BYTES.
   */
  matmul(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number, accumulate: number, scratch: Ptr): void;
  /** The plain triple loop with the same contract: the oracle in tests. */
  matmulNaive(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number, accumulate: number): void;

  // ---- elementwise, bias, reductions (assembly/elementwise.ts) ----
  /** out[i,j] = x[i,j] + bias[j]; out may be x. */
  biasAdd(x: Ptr, bias: Ptr, out: Ptr, m: number, n: number): void;
  /**
   * db[j] (+)= scale · sum_i dout[i,j] (column sums: the bias gradient with scale 1, sums and means over a
   * leading axis). Each column sums in f64 in row order; the scale (and db's old value) is applied in f64
   * before one rounding to f32, so a mean (scale 1/m) of finite values cannot overflow.
   */
  biasGrad(dout: Ptr, db: Ptr, m: number, n: number, accumulate: number, scale: number): void;
  /** out[i] = scale · sum_j x[i,j] (row sums, axis 1), summed as `sum` does, scaled in f64, rounded once. */
  rowSums(x: Ptr, out: Ptr, m: number, n: number, scale: number): void;
  /** Sum of all n values, accumulated in f64. */
  sum(x: Ptr, n: number): number;
  /** Sum of squares of n values, accumulated in f64 (global-norm clipping). */
  sumSquares(x: Ptr, n: number): number;
  /** out[i,j] = a op b, each operand laid out per its Bcast mode; out may alias a full operand. */
  binary(op: BinOp, a: Ptr, aMode: Bcast, b: Ptr, bMode: Bcast, out: Ptr, m: number, n: number): void;
  /** out = op(x) elementwise; out may be x. */
  unary(op: UnOp, x: Ptr, out: Ptr, n: number): void;
  /** out = x * s elementwise; out may be x. */
  scale(x: Ptr, out: Ptr, n: number, s: number): void;
  /** out[0..n) = value. */
  fill(out: Ptr, n: number, value: number): void;
  /**
   * Weight regularization: returns sum(l1·|w| + l2·w²) over n weights (f64 accumulation) and, when g != 0,
   * adds its gradient l1·sign(w) + 2·l2·w into g.
   */
  penalty(w: Ptr, g: Ptr, n: number, l1: number, l2: number): number;
  /** i32 out: argmax along axis (0: per column, n results; 1: per row, m results); first max wins. */
  argMax(x: Ptr, out: Ptr, m: number, n: number, axis: number): void;

  // ---- activations (assembly/activations.ts) ----
  /** out = f(x) elementwise; out may be x. alpha: leaky relu slope, elu alpha. */
  activationForward(act: Act, x: Ptr, out: Ptr, n: number, alpha: number): void;
  /** dx = dout * f'(x), given x and y = f(x); dx may alias dout. */
  activationBackward(act: Act, x: Ptr, y: Ptr, dout: Ptr, dx: Ptr, n: number, alpha: number): void;
  /** Row-wise softmax of x[m,n]; stable for any finite input. out may be x. */
  softmaxForward(x: Ptr, out: Ptr, m: number, n: number): void;
  /** dx[i,:] = y[i,:] * (dout[i,:] - dot(dout[i,:], y[i,:])); dx may alias dout. */
  softmaxBackward(y: Ptr, dout: Ptr, dx: Ptr, m: number, n: number): void;

  // ---- losses (assembly/losses.ts) ----
  /**
   * Mean loss over the m samples of pred[m,n] against target ([m,n] f32, or [m] i32 for the sparse losses),
   * with TF.js's definitions and its 1e-7 clipping of probabilities. When grad != 0, writes
   * d(mean loss)/d(pred) into grad[m,n] (for the *Logits losses, the gradient wrt the logits); when out != 0,
   * also stores the mean there as f32 (a scalar tensor's values: so a recorded program can replay it).
   */
  loss(kind: Loss, pred: Ptr, target: Ptr, grad: Ptr, m: number, n: number, out: Ptr): number;

  // ---- optimizer steps, in place over n parameters (assembly/optimizers.ts) ----
  // Each returns 0 when every updated weight is finite, NaN otherwise (the divergence check).
  sgdStep(w: Ptr, g: Ptr, n: number, lr: number): number;
  /** acc = momentum*acc + g; w -= lr*acc, or with nesterov w -= lr*(g + momentum*acc). */
  momentumStep(w: Ptr, g: Ptr, acc: Ptr, n: number, lr: number, momentum: number, nesterov: number): number;
  /**
   * Adam with bias correction as TF.js computes it: m, v updated, then
   * w -= lr * (m/c1) / (sqrt(v/c2) + eps), where c1 = 1 - beta1^t, c2 = 1 - beta2^t.
   * weightDecay > 0 makes it AdamW (decoupled: w -= lr*weightDecay*w first).
   */
  adamStep(w: Ptr, g: Ptr, m: Ptr, v: Ptr, n: number, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number, weightDecay: number): number;
  /** TF.js RMSprop; mg is read and written only when centered=1. */
  rmspropStep(w: Ptr, g: Ptr, ms: Ptr, mom: Ptr, mg: Ptr, n: number, lr: number, decay: number, momentum: number, eps: number, centered: number): number;
  /** acc += g^2; w -= lr * g / sqrt(acc + eps). */
  adagradStep(w: Ptr, g: Ptr, acc: Ptr, n: number, lr: number, eps: number): number;

  // ---- any rank, with broadcasting (assembly/broadcast.ts) ----
  /**
   * out = a op b elementwise, out contiguous of the descriptor's shape, a and b read with its strides
   * (0 along broadcast axes). desc: i32 [rank, shape..., aStrides..., bStrides...].
   */
  binaryStrided(op: Binary, a: Ptr, b: Ptr, out: Ptr, desc: Ptr): void;

  // ---- dtypes (assembly/cast.ts) ----
  /** out = x converted, n values; dtype codes 0 float32, 1 int32, 2 bool, as DTYPE_CODES. out may be x. */
  cast(x: Ptr, from: number, to: number, out: Ptr, n: number): void;

  // ---- seeded random numbers (assembly/random.ts), bit-identical across backends ----
  /** Seeds the xoshiro128** state (RNG_STATE_BYTES at state) from a 32-bit seed. */
  rngSeed(state: Ptr, seed: number): void;
  /** out[i] = lo + (hi - lo) * u, u uniform in [0, 1) with 24 bits, computed in f32. */
  rngUniform(state: Ptr, out: Ptr, n: number, lo: number, hi: number): void;
  /** Normal(mean, std) by the polar method; truncated=1 redraws values beyond two std (TF.js truncatedNormal). */
  rngNormal(state: Ptr, out: Ptr, n: number, mean: number, std: number, truncated: number): void;
  /** Inverted dropout: mask[i] = u >= rate ? 1/(1-rate) : 0; out = x * mask. out may be x. */
  dropoutForward(state: Ptr, x: Ptr, out: Ptr, mask: Ptr, n: number, rate: number): void;
}
