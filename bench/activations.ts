// Activation and softmax throughput (elements/s) on a 64 x 1000 batch for both wasm builds and the js twin,
// side by side in one run. Run directly to print a table:
//   node --import tsx bench/activations.ts

import { pathToFileURL } from 'node:url';
import type { Backend } from '../src/backend/backend.js';
import { createJsBackend } from '../src/backend/js/index.js';
import { Act } from '../src/backend/kernels.js';
import { hasRelaxedSimd, loadWasmBackend } from '../src/backend/wasm.js';
import { secondsPerCall, type Row } from './harness.js';
import { word } from '../src/backend/heap.js';

const M = 64;
const N = 1000;

async function backends(): Promise<Array<[string, Backend]>> {
  const list: Array<[string, Backend]> = [['wasm-simd', await loadWasmBackend('simd')]];
  if (hasRelaxedSimd()) list.push(['wasm-relaxed', await loadWasmBackend('relaxed')]);
  list.push(['js', createJsBackend()]);
  return list;
}

export async function benchActivations(): Promise<Row[]> {
  const rows: Row[] = [];
  const count = M * N;
  for (const [impl, b] of await backends()) {
    const k = b.kernels;
    const x = b.heap.alloc(count * 4);
    const y = b.heap.alloc(count * 4);
    const dout = b.heap.alloc(count * 4);
    const dx = b.heap.alloc(count * 4);
    const f = b.heap.f32;
    for (let i = 0; i < count; i++) {
      f[word(x) + i] = Math.sin(i) * 4;
      f[word(dout) + i] = Math.cos(i);
    }
    const cases: Array<[string, () => void]> = [
      ['relu forward', () => k.activationForward(Act.Relu, x, y, count, 0)],
      ['sigmoid forward', () => k.activationForward(Act.Sigmoid, x, y, count, 0)],
      ['tanh forward', () => k.activationForward(Act.Tanh, x, y, count, 0)],
      ['gelu forward', () => k.activationForward(Act.Gelu, x, y, count, 0)],
      ['gelu backward', () => k.activationBackward(Act.Gelu, x, y, dout, dx, count, 0)],
      ['softmax forward', () => k.softmaxForward(x, y, M, N)],
      ['softmax backward', () => k.softmaxBackward(y, dout, dx, M, N)],
    ];
    for (const [name, fn] of cases) {
      rows.push({ case: `${name} ${M}x${N}`, impl, value: count / secondsPerCall(fn, 0.3) / 1e6, unit: 'M elements/s' });
    }
    for (const p of [x, y, dout, dx]) b.heap.free(p);
  }
  return rows;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const rows = await benchActivations();
  const impls = [...new Set(rows.map((r) => r.impl))];
  const cases = [...new Set(rows.map((r) => r.case))];
  const table = cases.map((c) => {
    const line: Record<string, string> = { case: c };
    const js = rows.find((r) => r.case === c && r.impl === 'js')?.value ?? NaN;
    for (const impl of impls) {
      const r = rows.find((row) => row.case === c && row.impl === impl);
      if (r) line[`${impl} (${r.unit})`] = r.value.toFixed(0) + (impl === 'js' ? '' : ` (${(r.value / js).toFixed(1)}x js)`);
    }
    return line;
  });
  console.table(table);
}
