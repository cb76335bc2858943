import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // No relaxed-SIMD flag: neurite turns it on itself where Node 20 needs it, so the suite runs as users do.
    // --expose-gc lets the finalization test collect garbage on demand.
    execArgv: ['--expose-gc'],
    testTimeout: 60_000,
  },
});
