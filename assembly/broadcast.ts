// Elementwise binary ops over any rank with NumPy broadcasting: out (contiguous, row-major) = a op b, where
// a and b are read with strides from a descriptor (0 along the axes they are broadcast over). The TS side
// merges axes that every operand steps through contiguously first, so most calls are one long run or a few
// long rows; each row runs as SIMD when both operands step by 1 or one of them by 0 (a broadcast value).
// desc (i32 words): rank r, shape[r], aStrides[r], bStrides[r], strides in elements.

import { Binary } from './codes';

@inline function opV(op: i32, a: v128, b: v128): v128 {
  if (op == Binary.Add) return f32x4.add(a, b);
  if (op == Binary.Sub) return f32x4.sub(a, b);
  if (op == Binary.Mul) return f32x4.mul(a, b);
  if (op == Binary.Div) return f32x4.div(a, b);
  if (op == Binary.AddInt) return i32x4.add(a, b);
  if (op == Binary.SubInt) return i32x4.sub(a, b);
  return i32x4.mul(a, b);
}

/** Integer ops wasm has no SIMD form of; they take the scalar loop. */
@inline function scalarOnly(op: i32): bool {
  return op == Binary.FloorDivInt;
}

@inline function opF(op: i32, a: f32, b: f32): f32 {
  if (op == Binary.Add) return a + b;
  if (op == Binary.Sub) return a - b;
  if (op == Binary.Mul) return a * b;
  return a / b;
}

@inline function opI(op: i32, a: i32, b: i32): i32 {
  if (op == Binary.AddInt) return a + b;
  if (op == Binary.SubInt) return a - b;
  if (op == Binary.MulInt) return a * b;
  return floorDiv(a, b);
}

// floor(a / b) as TF.js computes it in doubles and stores in an Int32Array: x / 0 is 0 there, and the one
// overflowing quotient (-2^31 / -1) wraps; wasm's division would trap on both.
@inline function floorDiv(a: i32, b: i32): i32 {
  if (b == 0) return 0;
  if (b == -1) return -a;
  const q = a / b;
  return q * b != a && (a < 0) != (b < 0) ? q - 1 : q;
}

@inline function isInt(op: i32): bool {
  return op >= Binary.AddInt;
}

// One row of n outputs: a advances by ia elements per output, b by ib (0 for a broadcast value).
@inline function row(op: i32, a: usize, ia: i32, b: usize, ib: i32, out: usize, n: i32): void {
  let i = 0;
  if (scalarOnly(op)) {
    // no SIMD form: all n go through the loop below
  } else if (ia == 1 && ib == 1) {
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, opV(op, v128.load(a + o), v128.load(b + o)));
    }
  } else if (ia == 1 && ib == 0) {
    const bv = v128.load32_splat(b);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, opV(op, v128.load(a + o), bv));
    }
  } else if (ia == 0 && ib == 1) {
    const av = v128.load32_splat(a);
    for (; i + 4 <= n; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, opV(op, av, v128.load(b + o)));
    }
  }
  const sa = <usize>ia << 2;
  const sb = <usize>ib << 2;
  for (; i < n; i++) {
    const pa = a + <usize>i * sa;
    const pb = b + <usize>i * sb;
    const po = out + (<usize>i << 2);
    if (isInt(op)) store<i32>(po, opI(op, load<i32>(pa), load<i32>(pb)));
    else store<f32>(po, opF(op, load<f32>(pa), load<f32>(pb)));
  }
}

@inline function strided(op: i32, a: usize, b: usize, out: usize, desc: usize): void {
  const r = load<i32>(desc);
  const shape = desc + 4;
  const sa = shape + (<usize>r << 2);
  const sb = sa + (<usize>r << 2);
  const last = <usize>(r - 1) << 2;
  const n = load<i32>(shape + last);
  const ia = load<i32>(sa + last);
  const ib = load<i32>(sb + last);
  let rows = 1;
  for (let d = 0; d < r - 1; d++) rows *= load<i32>(shape + (<usize>d << 2));
  for (let row_ = 0; row_ < rows; row_++) {
    // The row's offsets from its index, axis by axis (a division per axis and row: rows are long).
    let rest = row_;
    let offA: isize = 0;
    let offB: isize = 0;
    for (let d = r - 2; d >= 0; d--) {
      const at = <usize>d << 2;
      const size = load<i32>(shape + at);
      const i = rest % size;
      rest /= size;
      offA += <isize>i * load<i32>(sa + at);
      offB += <isize>i * load<i32>(sb + at);
    }
    row(op, a + (offA << 2), ia, b + (offB << 2), ib, out + (<usize>row_ * n << 2), n);
  }
}

// out = a op b, broadcast as desc says (see the top of this file)
export function binaryStrided(op: i32, a: usize, b: usize, out: usize, desc: usize): void {
  switch (op) {
    case Binary.Add: strided(Binary.Add, a, b, out, desc); break;
    case Binary.Sub: strided(Binary.Sub, a, b, out, desc); break;
    case Binary.Mul: strided(Binary.Mul, a, b, out, desc); break;
    case Binary.Div: strided(Binary.Div, a, b, out, desc); break;
    case Binary.AddInt: strided(Binary.AddInt, a, b, out, desc); break;
    case Binary.SubInt: strided(Binary.SubInt, a, b, out, desc); break;
    case Binary.MulInt: strided(Binary.MulInt, a, b, out, desc); break;
    case Binary.FloorDivInt: strided(Binary.FloorDivInt, a, b, out, desc); break;
  }
}
