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
  HardSigmoid: 10,
  Softsign: 11,
  Relu6: 12,
  Mish: 13,
  GeluNew: 14,
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

/**
 * Elementwise math of one tensor, codes of `unary` (the numbers equal assembly/codes.ts): below Expm1 f32 with a
 * SIMD form, Expm1..Atanh f32 by libm, IsNaN..IsFinite f32 in and bool out, from NegInt on i32 in and out.
 */
export const Unary = {
  Neg: 0, Abs: 1, Square: 2, Sqrt: 3, Rsqrt: 4, Reciprocal: 5, Floor: 6, Ceil: 7, Round: 8, Sign: 9,
  /** x > 0 ? 1 : a; NaN stays NaN. */
  Step: 10,
  /** x clipped to [a, b]; NaN stays NaN. */
  Clip: 11,
  /** 1 where a <= x <= b, else 0 (clipByValue's gradient mask). */
  InRange: 12,
  Exp: 13, Erf: 14, LogSigmoid: 15,
  Expm1: 16, Log: 17, Log1p: 18, Sin: 19, Cos: 20, Tan: 21, Asin: 22, Acos: 23, Atan: 24,
  Sinh: 25, Cosh: 26, Asinh: 27, Acosh: 28, Atanh: 29,
  IsNaN: 32, IsInf: 33, IsFinite: 34,
  NegInt: 48, AbsInt: 49, SquareInt: 50, SignInt: 51,
  /** x clipped to [trunc(a), trunc(b)] (each within the i32 range): TF.js's clip of int32, stored truncated. */
  ClipInt: 52,
  /** 1 where x is 0, else 0. */
  LogicalNot: 53,
} as const;
export type Unary = (typeof Unary)[keyof typeof Unary];

/**
 * Elementwise binary ops of binaryStrided, by operand dtype (the numbers equal assembly/codes.ts): below 32
 * they read f32, from 32 on i32 (int32 and bool). From FloorDiv on they write i32: floorDiv's int32, and the
 * comparisons' and logic's bool (0/1).
 */
export const Binary = {
  Add: 0,
  Sub: 1,
  Mul: 2,
  Div: 3,
  Maximum: 4,
  Minimum: 5,
  SquaredDifference: 6,
  DivNoNan: 7,
  Mod: 8,
  Pow: 9,
  Atan2: 10,
  FloorDiv: 11,
  Equal: 12,
  NotEqual: 13,
  Greater: 14,
  GreaterEqual: 15,
  Less: 16,
  LessEqual: 17,
  AddInt: 32,
  SubInt: 33,
  MulInt: 34,
  FloorDivInt: 35,
  MaximumInt: 36,
  MinimumInt: 37,
  SquaredDifferenceInt: 38,
  ModInt: 39,
  PowInt: 40,
  Atan2Int: 41,
  EqualInt: 42,
  NotEqualInt: 43,
  GreaterInt: 44,
  GreaterEqualInt: 45,
  LessInt: 46,
  LessEqualInt: 47,
  /** a & b of the i32 words: logicalAnd of bools, and bitwiseAnd of int32. */
  LogicalAnd: 48,
  LogicalOr: 49,
  LogicalXor: 50,
} as const;
export type Binary = (typeof Binary)[keyof typeof Binary];

/** The kernels' code for each dtype. */
export const DTYPE_CODES = { float32: 0, int32: 1, bool: 2 } as const;

/** How scatter combines an update row with the row already there (the numbers equal assembly/codes.ts). */
export const Scatter = {
  Add: 0, // f32 +=
  AddInt: 1, // i32 +=
  Set: 2, // =, the last of duplicate indices winning
} as const;
export type Scatter = (typeof Scatter)[keyof typeof Scatter];

/** Reductions of `reduce` (scan takes Sum, Prod, SumInt, ProdInt): below 32 over f32, from 32 over i32 (equal to assembly/codes.ts). */
export const Reduce = {
  Sum: 0,
  Prod: 1,
  Max: 2,
  Min: 3,
  ArgMax: 4,
  ArgMin: 5,
  SumInt: 32,
  ProdInt: 33,
  MaxInt: 34,
  MinInt: 35,
  ArgMaxInt: 36,
  ArgMinInt: 37,
} as const;
export type Reduce = (typeof Reduce)[keyof typeof Reduce];

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

/** Flags of rngNormal's mode. */
export const RngNormal = { Truncated: 1, Int32: 2 } as const;

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
  /** out = x * s elementwise; out may be x. */
  scale(x: Ptr, out: Ptr, n: number, s: number): void;
  /** out[0..n) = value. */
  fill(out: Ptr, n: number, value: number): void;
  /**
   * Weight regularization: returns sum(l1·|w| + l2·w²) over n weights (f64 accumulation) and, when g != 0,
   * adds its gradient l1·sign(w) + 2·l2·w into g, sign(w) as TF.js's gradient of |w| (-1 at 0).
   */
  penalty(w: Ptr, g: Ptr, n: number, l1: number, l2: number): number;
  /** i32 out: argmax along axis (0: per column, n results; 1: per row, m results); first max wins. */
  argMax(x: Ptr, out: Ptr, m: number, n: number, axis: number): void;

  // ---- elementwise math of one tensor (assembly/unary.ts) ----
  /** out = f(x) over n values, f by code; a and b are its parameters (Step's alpha, the bounds of Clip, InRange, ClipInt). out may be x. */
  unary(code: Unary, x: Ptr, out: Ptr, n: number, a: number, b: number): void;
  /** Row-wise log-softmax of x[m,n]: (x - max) - log(sum(exp(x - max))), the sum in f64. out may be x. */
  logSoftmaxForward(x: Ptr, out: Ptr, m: number, n: number): void;

  // ---- activations (assembly/activations.ts) ----
  /** out = f(x) elementwise; out may be x. alpha: leaky relu slope, elu alpha. */
  activationForward(act: Act, x: Ptr, out: Ptr, n: number, alpha: number): void;
  /** dx = dout * f'(x), given x and y = f(x); dx may alias dout. */
  activationBackward(act: Act, x: Ptr, y: Ptr, dout: Ptr, dx: Ptr, n: number, alpha: number): void;
  /** Row-wise softmax of x[m,n]; stable for any finite input. out may be x. */
  softmaxForward(x: Ptr, out: Ptr, m: number, n: number): void;
  /** dx[i,:] = y[i,:] * (dout[i,:] - dot(dout[i,:], y[i,:])); dx may alias dout. */
  softmaxBackward(y: Ptr, dout: Ptr, dx: Ptr, m: number, n: number): void;
  /** Given y = logSoftmax(x) [m,n]: dx[i,:] = dout[i,:] - exp(y[i,:]) * sum(dout[i,:]); dx may alias dout. */
  logSoftmaxBackward(y: Ptr, dout: Ptr, dx: Ptr, m: number, n: number): void;

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
  /**
   * out = cond ? a : b elementwise (cond i32 0/1; a and b of one 4-byte dtype, copied as bits), out contiguous
   * of the descriptor's shape, the operands read with its strides. desc: i32 [rank, shape..., condStrides...,
   * aStrides..., bStrides...].
   */
  selectStrided(cond: Ptr, a: Ptr, b: Ptr, out: Ptr, desc: Ptr): void;

  // ---- dtypes (assembly/cast.ts) ----
  /** out = x converted, n values; dtype codes 0 float32, 1 int32, 2 bool, as DTYPE_CODES. out may be x. */
  cast(x: Ptr, from: number, to: number, out: Ptr, n: number): void;

  // ---- layout: strided copies, rows by index (assembly/layout.ts); 4-byte values copied as bits ----
  /**
   * out[index·outStrides] = src[index·srcStrides] for every index of the descriptor's shape, strides in
   * elements of any sign (0 repeats a value). desc: i32 [rank, shape..., srcStrides..., outStrides...].
   */
  copyStrided(src: Ptr, out: Ptr, desc: Ptr): void;
  /**
   * out[b,o,i,:] = x[b,o,indices[b,i],:]: x [batch, outer, dim, inner], indices i32 [batch, count], each in
   * [0, dim) (checked by the caller), out [batch, outer, count, inner].
   */
  gather(x: Ptr, indices: Ptr, out: Ptr, batch: number, outer: number, dim: number, count: number, inner: number): void;
  /** out[b,o,indices[b,i],:] op= updates[b,o,i,:], in order: the inverse layout of gather, combined by `op`. */
  scatter(op: Scatter, updates: Ptr, indices: Ptr, out: Ptr, batch: number, outer: number, dim: number, count: number, inner: number): void;
  /** out [n, depth] = off, with on at [i, indices[i]] where that is in [0, depth); on, off: a value's 4 bytes as i32. */
  oneHot(indices: Ptr, out: Ptr, n: number, depth: number, on: number, off: number): void;
  /** How many of the n 4-byte values are not zero bits. */
  countNonzero(x: Ptr, n: number): number;
  /** out i32 [count, rank]: the coordinates of x's nonzero values, row-major. desc: i32 [rank, shape...]. */
  nonzeroCoords(x: Ptr, out: Ptr, desc: Ptr): void;

  // ---- seeded random numbers (assembly/random.ts), bit-identical across backends ----
  /** Seeds the xoshiro128** state (RNG_STATE_BYTES at state) from a 32-bit seed. */
  rngSeed(state: Ptr, seed: number): void;
  /** out[i] = lo + (hi - lo) * u, u uniform in [0, 1) with 24 bits, computed in f32. */
  rngUniform(state: Ptr, out: Ptr, n: number, lo: number, hi: number): void;
  /**
   * Normal(mean, std) by the polar method. mode: 0, or the sum of RngNormal.Truncated (redraw values beyond two
   * std, TF.js truncatedNormal) and RngNormal.Int32 (write i32 rounded half up, TF.js's int32 dtype).
   */
  rngNormal(state: Ptr, out: Ptr, n: number, mean: number, std: number, mode: number): void;
  /** Inverted dropout: mask[i] = u >= rate ? 1/(1-rate) : 0; out = x * mask. out may be x. */
  dropoutForward(state: Ptr, x: Ptr, out: Ptr, mask: Ptr, n: number, rate: number): void;
  /** out (n) i32 = min(floor(lo + (hi - lo) * u), ceil(hi) - 1), u uniform in [0, 1) with 53 bits; bounds within i32. */
  rngUniformInt(state: Ptr, out: Ptr, n: number, lo: number, hi: number): void;
  /** out (n) = beta · Gamma(alpha) (Marsaglia-Tsang, as TF.js scales it), f32, or i32 rounded when int32=1. */
  rngGamma(state: Ptr, out: Ptr, n: number, alpha: number, beta: number, int32: number): void;
  /**
   * out (batch,samples) i32: draws of an event per row of probs (batch,events) f32, by the row's running sums
   * (computed in f32 into cdf, `events` floats of scratch) against a uniform u: the first sum above u, or the last.
   */
  rngMultinomial(state: Ptr, probs: Ptr, cdf: Ptr, out: Ptr, batch: number, events: number, samples: number): void;
  /** Shuffles values (n) i32 in place, Fisher-Yates from the last place down (TF.js's util.shuffle). */
  rngShuffle(state: Ptr, values: Ptr, n: number): void;

  // ---- matrices and sequences (assembly/matrix.ts) ----
  /** c (m,n) i32 = op(A)·op(B) in wrapping i32 arithmetic; A, B stored as for matmul. */
  matmulInt(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number): void;
  /** out (batch,m,n) = x where row i's column j is in [i - lower, i + upper], else 0 bits; lower, upper >= 0; out may be x. */
  bandPart(x: Ptr, out: Ptr, batch: number, m: number, n: number, lower: number, upper: number): void;
  /** out (batch,rows,cols): identity matrices of dtype code `dtype` (DTYPE_CODES). */
  eye(out: Ptr, batch: number, rows: number, cols: number, dtype: number): void;
  /** out (n): out[0] = start, out[i] = out[i-1] + step summed in f64 and stored as the dtype (f32, or i32 truncated). */
  sequence(out: Ptr, n: number, start: number, step: number, dtype: number): void;

  // ---- reductions, scans, top-k, unique, bin counts (assembly/reduce.ts) ----
  /**
   * out (outer,inner) = op over i of x (outer,dim,inner)[o,i,j], dim >= 1; i32 out for the arg ops (first best
   * wins; a NaN first value gives 0, a later NaN never wins), else as x. Max/Min: NaN wins. Sum/Prod: f64,
   * times scale in f64, rounded once (rows: four lanes i % 4 combined pairwise, then the tail; columns in order).
   * Int ops wrap.
   */
  reduce(op: Reduce, x: Ptr, out: Ptr, outer: number, dim: number, inner: number, scale: number): void;
  /**
   * out (outer,dim,inner) = running Sum/Prod (or SumInt/ProdInt, wrapping) of x along the middle axis, from
   * its end when reverse=1, each value left out of its own output when exclusive=1; f32 in f64, rounded once.
   */
  scan(op: Reduce, x: Ptr, out: Ptr, outer: number, dim: number, inner: number, exclusive: number, reverse: number): void;
  /**
   * values, indices i32 (rows,k) = the k largest of each row of x (rows,n) (f32, or i32 when intValues=1), in
   * descending order, NaN above everything, the lower index first among equals; 0 <= k <= n.
   */
  topk(x: Ptr, intValues: number, values: Ptr, indices: Ptr, rows: number, n: number, k: number): void;
  /**
   * The distinct slices x (outer,dim,inner)[:,i,:] in order of first appearance (f32 compared as numbers,
   * -0 = 0, NaN = NaN, when isFloat=1; else as bits): writes indices i32 (dim), each slice's number, and firsts
   * i32 (dim), where each first appears; returns how many. table: i32 (size) scratch, size a power of two > dim.
   */
  unique(x: Ptr, isFloat: number, outer: number, dim: number, inner: number, table: Ptr, size: number, indices: Ptr, firsts: Ptr): number;
  /**
   * out (rows,size) = per row of x i32 (rows,n) (values >= 0; those >= size left out): counts, or the sums of
   * weights (rows,n) in order when weighted=1, or 1 where a value appears when binary=1; f32, or i32 when intBins=1.
   */
  bincount(x: Ptr, weights: Ptr, weighted: number, out: Ptr, rows: number, n: number, size: number, intBins: number, binary: number): void;

  // ---- search of sorted rows (assembly/search.ts) ----
  /**
   * out i32 (rows,m) = for each value of values (rows,m), the first j in [0, n] with seq[r,j] >= value (or > value
   * when right=1) in its row of seq (rows,n), by TF.js's halving; seq and values f32, or i32 when
   * seqInt / valuesInt = 1, compared as f64.
   */
  searchSorted(seq: Ptr, seqInt: number, values: Ptr, valuesInt: number, out: Ptr, rows: number, n: number, m: number, right: number): void;

  // ---- signal windows (assembly/signal.ts) ----
  /** out (n) f32 = a - b·cos(2π·i / period), in f64 rounded once (TF.js's cosine windows: Hann, Hamming). */
  cosineWindow(out: Ptr, n: number, a: number, b: number, period: number): void;

  // ---- convolution and pooling over NHWC images (assembly/conv.ts) ----
  // desc: i32 words [batch, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW, dilationH,
  // dilationW, padTop, padLeft, firstImage, endImage, firstChannel, endChannel]; x is (batch, inH, inW, inC),
  // outputs (batch, outH, outW, outC). All but depthwise's filter gradient compute images [firstImage, endImage)
  // only, and that gradient channels [firstChannel, endChannel) (a thread's share; all of them otherwise).
  /**
   * cols (batch·outH·outW, fH·fW·inC) = each output position's window of x, 0 where it overhangs x; transposed
   * = 1: cols transposed (fH·fW·inC, batch·outH·outW), for x of one channel and strideW 1 only.
   */
  im2col(x: Ptr, cols: Ptr, desc: Ptr, transposed: number): void;
  /** dx = the rows of cols added back where im2col took them from (dx zeroed first): its adjoint. */
  col2im(cols: Ptr, dx: Ptr, desc: Ptr, transposed: number): void;
  /**
   * y = x convolved with filter (fH, fW, inC, outC) directly, outC a multiple of 8, each value summed over the
   * taps in im2col's order (those overhanging x left out): for x of few channels, where patches are mostly copies.
   */
  convDirect(x: Ptr, filter: Ptr, y: Ptr, desc: Ptr): void;
  /**
   * out = each window's max (dilation 1, every window holding a value of x), the first of ties, NaN skipped
   * (TF.js's cpu kernel); positions i32 (out's shape, when not 0) = where in x each max is.
   */
  maxPool(x: Ptr, out: Ptr, positions: Ptr, desc: Ptr): void;
  /** dx = maxPool's gradient: each dy added where the positions say its max was, in order (dx zeroed first). */
  maxPoolBackward(dy: Ptr, positions: Ptr, dx: Ptr, desc: Ptr): void;
  /** out = each window's mean over the values of x it holds: sum in f32, divided by their count. */
  avgPool(x: Ptr, out: Ptr, desc: Ptr): void;
  /** dx = avgPool's gradient given dy: each window's dy / count added to each of its values (dx zeroed first). */
  avgPoolBackward(dy: Ptr, dx: Ptr, desc: Ptr): void;
  /**
   * Depthwise convolution: y[.., c·m + j] = sum over the window of x[.., c] · filter (fH, fW, inC, m)[kh, kw, c, j],
   * outC = inC·m. `made` picks the operand computed from the other two (zeroed, then every product added):
   * 0 x (the input gradient, dy in y), 1 filter (the filter gradient), 2 y (the convolution). x and y: only the
   * images [firstImage, endImage) of desc; the filter: only the input channels [firstChannel, endChannel).
   */
  depthwise(made: number, x: Ptr, filter: Ptr, y: Ptr, desc: Ptr): void;

  // ---- resizing NHWC images (assembly/image.ts) ----
  // desc: i32 words [batch, inH, inW, channels, outH, outW, bilinear, alignCorners, halfPixelCenters];
  // where each output reads from is TF.js's cpu kernels' choice, computed in f64.
  /** out (batch, outH, outW, channels) = x resized: bilinear in f32, or nearest neighbour (values copied as bits). */
  resize(x: Ptr, out: Ptr, desc: Ptr): void;
  /** dx (batch, inH, inW, channels) = resize's gradient given dy: each dy added to the pixels it was read from (dx zeroed first). */
  resizeBackward(dy: Ptr, dx: Ptr, desc: Ptr): void;

  // ---- batch normalization over channels-last x (rows, channels), statistics over the rows (assembly/normalization.ts) ----
  // The statistics and the gradient read rows of x, dy and dx `stride` values apart (a thread takes a range of the
  // channels of each row; the normalization, bound by memory, gained nothing split so).
  /** mean, variance (channels) = each channel's mean and biased variance, summed in f64; sums: 2·channels f64 of scratch. */
  batchNormStats(x: Ptr, mean: Ptr, variance: Ptr, sums: Ptr, rows: number, channels: number, stride: number): void;
  /** y = (x - mean)·gamma/sqrt(variance + epsilon) + beta per channel (gamma, beta 0: none); scratch: 2·channels f32. */
  batchNormForward(x: Ptr, mean: Ptr, variance: Ptr, gamma: Ptr, beta: Ptr, y: Ptr, rows: number, channels: number, epsilon: number, scratch: Ptr): void;
  /**
   * batchNormForward's gradient given dy, mean and variance being x's own (training): dx, dgamma, dbeta, each
   * written when not 0; sums in f64. scratch: 2·channels f64 then 3·channels f32.
   */
  batchNormBackward(x: Ptr, dy: Ptr, mean: Ptr, variance: Ptr, gamma: Ptr, dx: Ptr, dgamma: Ptr, dbeta: Ptr, rows: number, channels: number, stride: number, epsilon: number, scratch: Ptr): void;

  // ---- recurrent cells, one time step of a batch (assembly/recurrent.ts) ----
  // rows: the batch, u: the units; the matmuls are the caller's. mask: 0, or rows f32 each 0 or 1, where 0 makes
  // the row carry its state (h = hPrev, c = cPrev; its gradient passes to dhPrev, dcPrev unchanged). act and
  // recAct: Act codes (alpha is ELU's); gates along each row as TF.js orders them.
  /** LSTM: gates (rows,4u) = recAct(i) | recAct(f) | act(g) | recAct(o) of z (rows,4u); c = f·cPrev + i·g, tc = act(c), h = o·tc. */
  lstmCellForward(z: Ptr, hPrev: Ptr, cPrev: Ptr, mask: Ptr, gates: Ptr, c: Ptr, tc: Ptr, h: Ptr, rows: number, u: number, act: Act, recAct: Act, alpha: number): void;
  /** LSTM's gradient given dh (total) and dc (from later steps): dz (rows,4u), dcPrev (may be dc); dhPrev += dh of masked rows. */
  lstmCellBackward(z: Ptr, gates: Ptr, cPrev: Ptr, c: Ptr, tc: Ptr, mask: Ptr, dh: Ptr, dc: Ptr, dz: Ptr, dcPrev: Ptr, dhPrev: Ptr, rows: number, u: number, act: Act, recAct: Act, alpha: number): void;
  /** GRU's gates (rows,2u) = recAct(zr) for zr (rows,2u) = z | r; rh (rows,u) = r·hPrev, the recurrent product's input. */
  gruGatesForward(zr: Ptr, hPrev: Ptr, gates: Ptr, rh: Ptr, rows: number, u: number, recAct: Act, alpha: number): void;
  /** GRU's output: hh = act(hhPre), h = z·hPrev + (1 - z)·hh (rows,u). */
  gruOutputForward(hhPre: Ptr, gates: Ptr, hPrev: Ptr, mask: Ptr, hh: Ptr, h: Ptr, rows: number, u: number, act: Act, alpha: number): void;
  /** gruOutputForward's gradient given dh: dhhPre, dzr[:, 0:u] = dh·(hPrev - hh) (wrt the activated z); dhPrev += dh·z. */
  gruOutputBackward(hhPre: Ptr, hh: Ptr, gates: Ptr, hPrev: Ptr, mask: Ptr, dh: Ptr, dhhPre: Ptr, dzr: Ptr, dhPrev: Ptr, rows: number, u: number, act: Act, alpha: number): void;
  /** gruGatesForward's gradient given drh = dL/d(rh): dzr[:, 0:u] *= recAct'(z), dzr[:, u:2u] = drh·hPrev·recAct'(r); dhPrev += drh·r. */
  gruGatesBackward(zr: Ptr, gates: Ptr, hPrev: Ptr, drh: Ptr, mask: Ptr, dzr: Ptr, dhPrev: Ptr, rows: number, u: number, recAct: Act, alpha: number): void;
  /** Simple RNN: h (rows,u) = act(z). */
  rnnCellForward(z: Ptr, hPrev: Ptr, mask: Ptr, h: Ptr, rows: number, u: number, act: Act, alpha: number): void;
  /** Simple RNN's gradient given dh: dz = act'(z)·dh (dz may be dh); dhPrev += dh of masked rows. */
  rnnCellBackward(z: Ptr, h: Ptr, mask: Ptr, dh: Ptr, dz: Ptr, dhPrev: Ptr, rows: number, u: number, act: Act, alpha: number): void;
}
