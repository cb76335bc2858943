// Tensor.toString() in TF.js's format, character for character: 'Tensor', then the values nested by rank
// with each column padded to its widest entry, seven significant decimals, and rows or values past 20
// elided to the first and last three. verbose adds dtype, rank and shape.

import type { DType, TypedData } from './dtype.js';

/** More values than this along an axis print as the first and last few. */
const LIMIT = 20;
const EDGE = 3;
const DIGITS = 7;

export function formatTensor(values: TypedData, shape: readonly number[], dtype: DType, verbose: boolean): string {
  const lines = ['Tensor'];
  if (verbose) lines.push(`  dtype: ${dtype}`, `  rank: ${shape.length}`, `  shape: [${shape.join(',')}]`, '  values:');
  const widths = columnWidths(values, shape, dtype);
  lines.push(block(values, 0, shape, dtype, widths, true).map((l) => '    ' + l).join('\n'));
  return lines.join('\n');
}

function valueText(v: number, dtype: DType): string {
  if (dtype === 'bool') return v === 0 ? 'false' : 'true';
  return String(parseFloat(v.toFixed(DIGITS)));
}

/** For rank > 1, the widest text in each column of the innermost axis (rank 1 pads nothing). */
function columnWidths(values: TypedData, shape: readonly number[], dtype: DType): number[] {
  const columns = shape.length === 0 ? 1 : shape[shape.length - 1];
  const widths = new Array<number>(columns).fill(0);
  if (shape.length > 1) {
    for (let i = 0; i < values.length; i++) widths[i % columns] = Math.max(widths[i % columns], valueText(values[i], dtype).length);
  }
  return widths;
}

/** The lines of the sub-tensor of `shape` starting at values[offset]. */
function block(values: TypedData, offset: number, shape: readonly number[], dtype: DType, widths: number[], isLast: boolean): string[] {
  const rank = shape.length;
  if (rank === 0) return [dtype === 'bool' ? valueText(values[offset], dtype) : String(values[offset])];
  const size = shape[0];
  const cell = (i: number) => valueText(values[offset + i], dtype).padEnd(widths[i] ?? 0);
  if (rank === 1) {
    const shown = size > LIMIT ? [...range(0, EDGE), -1, ...range(size - EDGE, size)] : range(0, size);
    return ['[' + shown.map((i) => (i < 0 ? '...' : cell(i))).join(', ') + ']'];
  }
  const inner = shape.slice(1);
  const stride = inner.reduce((a, b) => a * b, 1);
  const rows = size > LIMIT ? [...range(0, EDGE), -1, ...range(size - EDGE, size)] : range(0, size);
  const lines: string[] = [];
  for (const i of rows) {
    if (i < 0) lines.push('...');
    else lines.push(...block(values, offset + i * stride, inner, dtype, widths, i === size - 1));
  }
  const sep = rank === 2 ? ',' : '';
  lines[0] = '[' + (size > 0 ? lines[0] + sep : '');
  for (let i = 1; i < lines.length - 1; i++) lines[i] = ' ' + lines[i] + sep;
  lines[lines.length - 1] = ' ' + lines[lines.length - 1] + ']' + (isLast ? '' : ',\n' + '\n'.repeat(rank - 2));
  return lines;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}
