// The two wasm builds export every kernel of the js twin, and relaxed SIMD is detected where it is on.

import { describe, expect, it } from 'vitest';
import { createJsBackend } from '../src/backend/js/index.js';
import { hasRelaxedSimd, loadWasmBackend } from '../src/backend/wasm.js';

describe('backends', () => {
  it('every js twin kernel is exported by both wasm builds', async () => {
    const names = Object.keys(createJsBackend().kernels).sort();
    expect(names.length).toBeGreaterThan(20);
    for (const build of ['simd', 'relaxed'] as const) {
      const wasm = await loadWasmBackend(build);
      for (const name of names) expect(typeof (wasm.kernels as unknown as Record<string, unknown>)[name], `${build}.${name}`).toBe('function');
    }
  });

  it('finds relaxed SIMD without a flag: Node 20 needs one, which neurite sets itself (the runner passes none)', () => {
    expect(process.execArgv).not.toContain('--experimental-wasm-relaxed-simd');
    expect(hasRelaxedSimd()).toBe(true);
  });
});
