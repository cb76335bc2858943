// Elementwise ops over any rank with NumPy broadcasting: binaryStrided (out = a op b: arithmetic, comparisons,
// logic) and selectStrided (out = cond ? a : b). Out is contiguous, row-major; each operand is read with strides
// from a descriptor (0 along the axes it is broadcast over). The TS side merges axes that every operand steps
// through contiguously first, so most calls are one long run or a few long rows; a row runs as SIMD when its
// operands step by 1 or 0 (a broadcast value) and the op has a SIMD form.
// desc (i32 words): rank r, shape[r], then each operand's strides[r], in elements.

import { Binary } from './codes';

// ---- what each op computes ----

/** Ops that read i32 (int32 and bool); the others read f32. */
@inline function intIn(op: i32): bool {
  return op >= Binary.AddInt;
}

/** Ops that write i32: every int op, and floorDiv and the comparisons of floats. */
@inline function intOut(op: i32): bool {
  return op >= Binary.FloorDiv;
}

/** Ops wasm has no SIMD form of (computed in f64, as TF.js does); they take the scalar loop. */
@inline function scalarOnly(op: i32): bool {
  return op == Binary.Mod || op == Binary.Pow || op == Binary.Atan2 || op == Binary.FloorDiv ||
    op == Binary.FloorDivInt || op == Binary.ModInt || op == Binary.PowInt || op == Binary.Atan2Int;
}

// A comparison's all-ones lanes as 1.
@inline function bool4(mask: v128): v128 {
  return i32x4.shr_u(mask, 31);
}

@inline function opV(op: i32, a: v128, b: v128): v128 {
  if (op == Binary.Add) return f32x4.add(a, b);
  if (op == Binary.Sub) return f32x4.sub(a, b);
  if (op == Binary.Mul) return f32x4.mul(a, b);
  if (op == Binary.Div) return f32x4.div(a, b);
  if (op == Binary.Maximum) return f32x4.max(a, b);
  if (op == Binary.Minimum) return f32x4.min(a, b);
  if (op == Binary.SquaredDifference) {
    const d = f32x4.sub(a, b);
    return f32x4.mul(d, d);
  }
  if (op == Binary.DivNoNan) return v128.and(f32x4.div(a, b), f32x4.ne(b, f32x4.splat(0)));
  if (op == Binary.Equal) return bool4(f32x4.eq(a, b));
  if (op == Binary.NotEqual) return bool4(f32x4.ne(a, b));
  if (op == Binary.Greater) return bool4(f32x4.gt(a, b));
  if (op == Binary.GreaterEqual) return bool4(f32x4.ge(a, b));
  if (op == Binary.Less) return bool4(f32x4.lt(a, b));
  if (op == Binary.LessEqual) return bool4(f32x4.le(a, b));
  if (op == Binary.AddInt) return i32x4.add(a, b);
  if (op == Binary.SubInt) return i32x4.sub(a, b);
  if (op == Binary.MulInt) return i32x4.mul(a, b);
  if (op == Binary.MaximumInt) return i32x4.max_s(a, b);
  if (op == Binary.MinimumInt) return i32x4.min_s(a, b);
  if (op == Binary.SquaredDifferenceInt) {
    const d = i32x4.sub(a, b);
    return i32x4.mul(d, d);
  }
  if (op == Binary.EqualInt) return bool4(i32x4.eq(a, b));
  if (op == Binary.NotEqualInt) return bool4(i32x4.ne(a, b));
  if (op == Binary.GreaterInt) return bool4(i32x4.gt_s(a, b));
  if (op == Binary.GreaterEqualInt) return bool4(i32x4.ge_s(a, b));
  if (op == Binary.LessInt) return bool4(i32x4.lt_s(a, b));
  if (op == Binary.LessEqualInt) return bool4(i32x4.le_s(a, b));
  if (op == Binary.LogicalAnd) return v128.and(a, b);
  if (op == Binary.LogicalOr) return v128.or(a, b);
  return v128.xor(a, b); // LogicalXor
}

@inline function opF(op: i32, a: f32, b: f32): f32 {
  if (op == Binary.Add) return a + b;
  if (op == Binary.Sub) return a - b;
  if (op == Binary.Mul) return a * b;
  if (op == Binary.Div) return a / b;
  if (op == Binary.Maximum) return max<f32>(a, b);
  if (op == Binary.Minimum) return min<f32>(a, b);
  if (op == Binary.SquaredDifference) {
    const d = a - b;
    return d * d;
  }
  if (op == Binary.DivNoNan) return b == 0 ? 0 : a / b;
  if (op == Binary.Mod) return <f32>floorMod(<f64>a, <f64>b);
  if (op == Binary.Pow) return <f32>jsPow(<f64>a, <f64>b);
  return <f32>Math.atan2(<f64>a, <f64>b); // Atan2
}

// Float operands, i32 result: floorDiv (int32) and the comparisons (bool).
@inline function opFI(op: i32, a: f32, b: f32): i32 {
  if (op == Binary.FloorDiv) return toInt32(floor<f64>(<f64>a / <f64>b));
  if (op == Binary.Equal) return <i32>(a == b);
  if (op == Binary.NotEqual) return <i32>(a != b);
  if (op == Binary.Greater) return <i32>(a > b);
  if (op == Binary.GreaterEqual) return <i32>(a >= b);
  if (op == Binary.Less) return <i32>(a < b);
  return <i32>(a <= b); // LessEqual
}

@inline function opI(op: i32, a: i32, b: i32): i32 {
  if (op == Binary.AddInt) return a + b;
  if (op == Binary.SubInt) return a - b;
  if (op == Binary.MulInt) return a * b;
  if (op == Binary.FloorDivInt) return floorDiv(a, b);
  if (op == Binary.MaximumInt) return max<i32>(a, b);
  if (op == Binary.MinimumInt) return min<i32>(a, b);
  if (op == Binary.SquaredDifferenceInt) {
    const d = a - b;
    return d * d;
  }
  if (op == Binary.ModInt) return b == 0 ? 0 : floorModInt(a, b);
  if (op == Binary.PowInt) return toInt32(jsPow(<f64>a, <f64>b));
  if (op == Binary.Atan2Int) return <i32>Math.atan2(<f64>a, <f64>b);
  if (op == Binary.EqualInt) return <i32>(a == b);
  if (op == Binary.NotEqualInt) return <i32>(a != b);
  if (op == Binary.GreaterInt) return <i32>(a > b);
  if (op == Binary.GreaterEqualInt) return <i32>(a >= b);
  if (op == Binary.LessInt) return <i32>(a < b);
  if (op == Binary.LessEqualInt) return <i32>(a <= b);
  if (op == Binary.LogicalAnd) return a & b;
  if (op == Binary.LogicalOr) return a | b;
  return a ^ b; // LogicalXor
}

// floor(a / b) as TF.js computes it in doubles and stores in an Int32Array: x / 0 is 0 there, and the one
// overflowing quotient (-2^31 / -1) wraps; wasm's division would trap on both.
@inline function floorDiv(a: i32, b: i32): i32 {
  if (b == 0) return 0;
  if (b == -1) return -a;
  const q = a / b;
  return q * b != a && (a < 0) != (b < 0) ? q - 1 : q;
}

// TF.js's mod: the remainder with the sign of b, computed in doubles (exact, rounded once to f32).
@inline function floorMod(a: f64, b: f64): f64 {
  const rem = a % b;
  return (a < 0 && b < 0) || (a >= 0 && b >= 0) ? rem : (rem + b) % b;
}

// The same on integers (b != 0): rem + b cannot overflow, since rem and b differ in sign there.
@inline function floorModInt(a: i32, b: i32): i32 {
  const rem = a % b;
  return (a < 0 && b < 0) || (a >= 0 && b >= 0) ? rem : (rem + b) % b;
}

// JavaScript's Math.pow, which TF.js uses: unlike C's pow, 1 and -1 to a NaN or infinite power are NaN.
@inline function jsPow(a: f64, b: f64): f64 {
  if (!isFinite<f64>(b) && abs<f64>(a) == 1) return NaN;
  return Math.pow(a, b);
}

// A double as an Int32Array stores it (ToInt32): truncated, modulo 2^32, NaN and ±Infinity as 0.
@inline function toInt32(v: f64): i32 {
  if (!isFinite<f64>(v)) return 0;
  const t = trunc<f64>(v);
  return <i32><i64>(t - floor<f64>(t / 4294967296.0) * 4294967296.0);
}

// ---- binary ----

// 4 values of an operand at p + offset, or its one value in every lane when it is broadcast along the row.
@inline function lanes4(p: usize, broadcast: bool, splat: v128, offset: usize): v128 {
  if (broadcast) return splat;
  return v128.load(p + offset);
}

// SIMD over the first n & ~3 outputs of a row, 8 at a time, then 4: each operand steps by 1, or is broadcast
// (aOne, bOne: constants where this is inlined). Returns how many outputs it wrote.
@inline function simdRow(op: i32, a: usize, aOne: bool, b: usize, bOne: bool, out: usize, n: i32): i32 {
  const av = v128.load32_splat(a);
  const bv = v128.load32_splat(b);
  let pa = a;
  let pb = b;
  let po = out;
  for (let k = n >> 3; k > 0; k--) {
    v128.store(po, opV(op, lanes4(pa, aOne, av, 0), lanes4(pb, bOne, bv, 0)));
    v128.store(po + 16, opV(op, lanes4(pa, aOne, av, 16), lanes4(pb, bOne, bv, 16)));
    po += 32;
    if (!aOne) pa += 32;
    if (!bOne) pb += 32;
  }
  if (n & 4) v128.store(po, opV(op, lanes4(pa, aOne, av, 0), lanes4(pb, bOne, bv, 0)));
  return n & ~3;
}

// One row of n outputs: a advances by ia elements per output, b by ib (0 for a broadcast value).
@inline function row(op: i32, a: usize, ia: i32, b: usize, ib: i32, out: usize, n: i32): void {
  let i = 0;
  if (scalarOnly(op)) {
    // no SIMD form: all n go through the loop below
  } else if (ia == 1 && ib == 1) {
    i = simdRow(op, a, false, b, false, out, n);
  } else if (ia == 1 && ib == 0) {
    i = simdRow(op, a, false, b, true, out, n);
  } else if (ia == 0 && ib == 1) {
    i = simdRow(op, a, true, b, false, out, n);
  }
  const sa = <usize>ia << 2;
  const sb = <usize>ib << 2;
  for (; i < n; i++) {
    const pa = a + <usize>i * sa;
    const pb = b + <usize>i * sb;
    const po = out + (<usize>i << 2);
    if (intIn(op)) store<i32>(po, opI(op, load<i32>(pa), load<i32>(pb)));
    else if (intOut(op)) store<i32>(po, opFI(op, load<f32>(pa), load<f32>(pb)));
    else store<f32>(po, opF(op, load<f32>(pa), load<f32>(pb)));
  }
}

// The rows of a slab (see the descriptor below), one after another in out: row i reads a from a + i·sa and b
// from b + i·sb. A row costs a few additions here, no index arithmetic and no dispatch, which matters when rows
// are short and many (a broadcast along a column).
@inline function slab(op: i32, desc: usize, a: usize, b: usize, out: usize): void {
  const n = rowLength(desc);
  const ia = rowStep(desc, 0);
  const ib = rowStep(desc, 1);
  const sa = rowStride(desc, 0);
  const sb = rowStride(desc, 1);
  const so = <usize>n << 2;
  for (let i = slabRows(desc); i > 0; i--) {
    row(op, a, ia, b, ib, out, n);
    a += sa;
    b += sb;
    out += so;
  }
}

// binaryStrided's work on one slab, compiled for one op.
type Slab = (desc: usize, a: usize, b: usize, out: usize) => void;

// The slab loop of each op. Each is a function of its own, called through the table: inlined into one switch,
// the 37 made one function that took Binaryen over 3 GB and a minute and a half to optimise.
function slabOf(op: i32): Slab {
  switch (op) {
    case Binary.Add: return (desc, a, b, out) => slab(Binary.Add, desc, a, b, out);
    case Binary.Sub: return (desc, a, b, out) => slab(Binary.Sub, desc, a, b, out);
    case Binary.Mul: return (desc, a, b, out) => slab(Binary.Mul, desc, a, b, out);
    case Binary.Div: return (desc, a, b, out) => slab(Binary.Div, desc, a, b, out);
    case Binary.Maximum: return (desc, a, b, out) => slab(Binary.Maximum, desc, a, b, out);
    case Binary.Minimum: return (desc, a, b, out) => slab(Binary.Minimum, desc, a, b, out);
    case Binary.SquaredDifference: return (desc, a, b, out) => slab(Binary.SquaredDifference, desc, a, b, out);
    case Binary.DivNoNan: return (desc, a, b, out) => slab(Binary.DivNoNan, desc, a, b, out);
    case Binary.Mod: return (desc, a, b, out) => slab(Binary.Mod, desc, a, b, out);
    case Binary.Pow: return (desc, a, b, out) => slab(Binary.Pow, desc, a, b, out);
    case Binary.Atan2: return (desc, a, b, out) => slab(Binary.Atan2, desc, a, b, out);
    case Binary.FloorDiv: return (desc, a, b, out) => slab(Binary.FloorDiv, desc, a, b, out);
    case Binary.Equal: return (desc, a, b, out) => slab(Binary.Equal, desc, a, b, out);
    case Binary.NotEqual: return (desc, a, b, out) => slab(Binary.NotEqual, desc, a, b, out);
    case Binary.Greater: return (desc, a, b, out) => slab(Binary.Greater, desc, a, b, out);
    case Binary.GreaterEqual: return (desc, a, b, out) => slab(Binary.GreaterEqual, desc, a, b, out);
    case Binary.Less: return (desc, a, b, out) => slab(Binary.Less, desc, a, b, out);
    case Binary.LessEqual: return (desc, a, b, out) => slab(Binary.LessEqual, desc, a, b, out);
    case Binary.AddInt: return (desc, a, b, out) => slab(Binary.AddInt, desc, a, b, out);
    case Binary.SubInt: return (desc, a, b, out) => slab(Binary.SubInt, desc, a, b, out);
    case Binary.MulInt: return (desc, a, b, out) => slab(Binary.MulInt, desc, a, b, out);
    case Binary.FloorDivInt: return (desc, a, b, out) => slab(Binary.FloorDivInt, desc, a, b, out);
    case Binary.MaximumInt: return (desc, a, b, out) => slab(Binary.MaximumInt, desc, a, b, out);
    case Binary.MinimumInt: return (desc, a, b, out) => slab(Binary.MinimumInt, desc, a, b, out);
    case Binary.SquaredDifferenceInt: return (desc, a, b, out) => slab(Binary.SquaredDifferenceInt, desc, a, b, out);
    case Binary.ModInt: return (desc, a, b, out) => slab(Binary.ModInt, desc, a, b, out);
    case Binary.PowInt: return (desc, a, b, out) => slab(Binary.PowInt, desc, a, b, out);
    case Binary.Atan2Int: return (desc, a, b, out) => slab(Binary.Atan2Int, desc, a, b, out);
    case Binary.EqualInt: return (desc, a, b, out) => slab(Binary.EqualInt, desc, a, b, out);
    case Binary.NotEqualInt: return (desc, a, b, out) => slab(Binary.NotEqualInt, desc, a, b, out);
    case Binary.GreaterInt: return (desc, a, b, out) => slab(Binary.GreaterInt, desc, a, b, out);
    case Binary.GreaterEqualInt: return (desc, a, b, out) => slab(Binary.GreaterEqualInt, desc, a, b, out);
    case Binary.LessInt: return (desc, a, b, out) => slab(Binary.LessInt, desc, a, b, out);
    case Binary.LessEqualInt: return (desc, a, b, out) => slab(Binary.LessEqualInt, desc, a, b, out);
    case Binary.LogicalAnd: return (desc, a, b, out) => slab(Binary.LogicalAnd, desc, a, b, out);
    case Binary.LogicalOr: return (desc, a, b, out) => slab(Binary.LogicalOr, desc, a, b, out);
    default: return (desc, a, b, out) => slab(Binary.LogicalXor, desc, a, b, out); // LogicalXor
  }
}

// ---- the descriptor ----

// The kernels loop over slabs: the last two axes, rows along the second-to-last (one row at rank 1) and outputs
// along the last. A slab steps by constant strides; slabs (the axes before, rare after merging) are found by
// index, with a division per axis and slab.

@inline function dim(desc: usize, d: i32): i32 {
  return load<i32>(desc + 4 + (<usize>d << 2));
}

// Operand k's stride along axis d, in elements.
@inline function stride(desc: usize, k: i32, d: i32): i32 {
  return load<i32>(desc + 4 + (<usize>(load<i32>(desc) * (k + 1) + d) << 2));
}

// A row's length, and operand k's step along it.
@inline function rowLength(desc: usize): i32 {
  return dim(desc, load<i32>(desc) - 1);
}

@inline function rowStep(desc: usize, k: i32): i32 {
  return stride(desc, k, load<i32>(desc) - 1);
}

// Rows per slab, and the bytes from one row of operand k to the next.
@inline function slabRows(desc: usize): i32 {
  const r = load<i32>(desc);
  return r > 1 ? dim(desc, r - 2) : 1;
}

@inline function rowStride(desc: usize, k: i32): usize {
  const r = load<i32>(desc);
  return r > 1 ? <usize>stride(desc, k, r - 2) << 2 : 0;
}

// Slabs: the product of the axes before the last two.
@inline function slabCount(desc: usize): i32 {
  let slabs = 1;
  for (let d = load<i32>(desc) - 3; d >= 0; d--) slabs *= dim(desc, d);
  return slabs;
}

// Byte offset of slab `index` in operand k, from the index axis by axis.
@inline function slabOffset(desc: usize, k: i32, index: i32): usize {
  let rest = index;
  let offset: usize = 0;
  for (let d = load<i32>(desc) - 3; d >= 0; d--) {
    const size = dim(desc, d);
    offset += <usize>(rest % size) * <usize>stride(desc, k, d);
    rest /= size;
  }
  return offset << 2;
}

// out = a op b, broadcast as desc says (see the top of this file)
export function binaryStrided(op: i32, a: usize, b: usize, out: usize, desc: usize): void {
  const loop = slabOf(op);
  const bytes = (<usize>slabRows(desc) * rowLength(desc)) << 2;
  const slabs = slabCount(desc);
  for (let i = 0; i < slabs; i++) loop(desc, a + slabOffset(desc, 0, i), b + slabOffset(desc, 1, i), out + <usize>i * bytes);
}

// ---- select ----

// out = cond ? a : b along one row; values are copied as bits, so any 4-byte dtype passes.
@inline function selectRow(c: usize, ic: i32, a: usize, ia: i32, b: usize, ib: i32, out: usize, n: i32): void {
  let i = 0;
  if (ic <= 1 && ia <= 1 && ib <= 1) {
    const cv = v128.load32_splat(c);
    const av = v128.load32_splat(a);
    const bv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      const mask = i32x4.ne(lanes4(c, ic == 0, cv, o), i32x4.splat(0));
      v128.store(out + o, v128.bitselect(lanes4(a, ia == 0, av, o), lanes4(b, ib == 0, bv, o), mask));
    }
  }
  const sc = <usize>ic << 2;
  const sa = <usize>ia << 2;
  const sb = <usize>ib << 2;
  for (; i < n; i++) {
    const at = <usize>i;
    store<i32>(out + (at << 2), load<i32>(c + at * sc) ? load<i32>(a + at * sa) : load<i32>(b + at * sb));
  }
}

// out = cond ? a : b, cond (i32 0/1), a and b broadcast as desc says, with strides for cond, a, b in that order
export function selectStrided(cond: usize, a: usize, b: usize, out: usize, desc: usize): void {
  const n = rowLength(desc);
  const ic = rowStep(desc, 0);
  const ia = rowStep(desc, 1);
  const ib = rowStep(desc, 2);
  const sc = rowStride(desc, 0);
  const sa = rowStride(desc, 1);
  const sb = rowStride(desc, 2);
  const rows = slabRows(desc);
  const slabs = slabCount(desc);
  let po = out;
  for (let i = 0; i < slabs; i++) {
    let pc = cond + slabOffset(desc, 0, i);
    let pa = a + slabOffset(desc, 1, i);
    let pb = b + slabOffset(desc, 2, i);
    for (let j = 0; j < rows; j++) {
      selectRow(pc, ic, pa, ia, pb, ib, po, n);
      pc += sc;
      pa += sa;
      pb += sb;
      po += <usize>n << 2;
    }
  }
}
