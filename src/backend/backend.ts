// A backend is a Kernels implementation plus the heap its pointers refer to, with the few blocks every
// caller needs (matmul packing scratch, the PRNG state, the strided kernels' descriptor) allocated once up front.

import type { Heap } from './heap.js';
import type { Program } from './program.js';
import { DESC_BYTES, MATMUL_SCRATCH_BYTES, RNG_STATE_BYTES, type Kernels, type Ptr } from './kernels.js';

export type BackendName = 'wasm' | 'js';
/** Which code runs the kernels: a wasm build, or the TypeScript twin. */
export type BuildName = 'simd' | 'relaxed' | 'js';

export class Backend {
  readonly scratch: Ptr;
  readonly rngState: Ptr;
  /** Where strided kernels read their descriptor (see src/ops/op.ts). */
  readonly desc: Ptr;
  constructor(
    readonly name: BackendName,
    readonly build: BuildName,
    /** The kernels; a recording program (program.ts) stands in for them while it records. */
    public kernels: Kernels,
    readonly heap: Heap,
  ) {
    this.scratch = heap.alloc(MATMUL_SCRATCH_BYTES);
    this.rngState = heap.alloc(RNG_STATE_BYTES);
    this.desc = heap.alloc(DESC_BYTES);
    kernels.rngSeed(this.rngState, (Math.random() * 2 ** 32) >>> 0);
  }

  /** Threads the kernels run on (see threads.ts). */
  get threads(): number {
    return 1;
  }

  /**
   * Replays programs that share no memory they write (the shards of a training step), in order here; a
   * threaded backend replays them side by side.
   */
  runPrograms(programs: Program[]): void {
    for (const program of programs) program.run();
  }

  /** Restarts worker threads where this backend runs on shared memory; false where it cannot. */
  async startThreads(_threads: number): Promise<boolean> {
    return false;
  }

  /** Stops any worker threads; the backend keeps working on the calling thread. */
  stopThreads(): void {}
}
