import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Node 20 validates relaxed SIMD only behind this flag; with it, the suite covers both wasm builds.
    // --expose-gc lets the finalization test collect garbage on demand.
    execArgv: ['--experimental-wasm-relaxed-simd', '--expose-gc'],
    testTimeout: 60_000,
  },
});
