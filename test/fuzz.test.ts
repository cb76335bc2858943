// Property-based fuzzing of every public call with bad arguments (see test/fuzz/): each call must refuse each
// kind of bad value with a clear Error and change nothing. One test per parameter or option; within it every
// kind of bad value runs, so a failure lists each kind that is mishandled, with a case shrunk by fast-check.
// NEURITE_FUZZ_RUNS sets the number of cases on wasm (`npm run fuzz` runs 50,000); the js twin runs a fifth of
// them, and at least one case per kind. The seed is fixed (NEURITE_FUZZ_SEED changes it), so CI is deterministic.

import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import { catalogue } from './fuzz/catalogue.js';
import { type Backend, checkKind, slotsOf } from './fuzz/harness.js';

const RUNS = Number(process.env.NEURITE_FUZZ_RUNS ?? 3000);
const SEED = Number(process.env.NEURITE_FUZZ_SEED ?? 20_261_202);

// Calls without parameters that can be wrong (tf.memory, model.dispose) are listed too, and have nothing to run.
const entries = catalogue.map((entry) => ({ entry, slots: slotsOf(entry) })).filter(({ slots }) => slots.length > 0);
const kinds = entries.reduce((n, { slots }) => n + slots.reduce((m, s) => m + s.kinds.length, 0), 0);

/** A seed per kind, so that adding an entry leaves the cases of the others as they were. */
function seedFor(text: string): number {
  let h = SEED >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16_777_619) >>> 0;
  return h;
}

for (const [backend, share] of [['wasm', 1], ['js', 0.2]] as Array<[Backend, number]>) {
  const runs = Math.max(1, Math.round((RUNS * share) / kinds));
  describe(`bad calls on ${backend}: ${runs * kinds} cases, ${runs} per kind of bad value`, () => {
    beforeAll(async () => {
      await tf.ready();
      await tf.setBackend(backend);
      tf.setSeed(1);
      // Valid arguments print nothing, but bad ones may (a summary, a warning): keep the report readable.
      for (const method of ['log', 'info', 'warn'] as const) vi.spyOn(console, method).mockImplementation(() => {});
    });
    afterAll(() => vi.restoreAllMocks());

    for (const { entry, slots } of entries) {
      describe(entry.name, () => {
        for (const slot of slots) {
          it(slot.label, { timeout: 60_000 + runs * slot.kinds.length * 200 }, async () => {
            const failures: string[] = [];
            for (const kind of slot.kinds) {
              const failure = await checkKind(kind, runs, seedFor(`${backend} ${entry.name} ${slot.label} ${kind.kind}`), backend);
              if (failure) failures.push(failure);
            }
            if (failures.length > 0) {
              throw new Error(`${entry.name}, ${slot.label}: ${failures.length} of ${slot.kinds.length} kinds of bad value mishandled\n${failures.join('\n')}`);
            }
          });
        }
      });
    }
  });
}
