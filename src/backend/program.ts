// A program: the kernel calls one run of some code made, recorded as they ran, to replay later with the same
// arguments. While it records, the blocks freed are held for it (their addresses stay reserved and nobody
// else's), and a strided kernel's descriptor is copied aside, so a replay does exactly what the recording did,
// over the same memory. model.fit records its training step (the tape's forward and backward) once per batch
// size and replays it every batch: the same kernels, without rebuilding the tape.
// What it relies on: the recorded code's effects on memory all go through kernels (no JavaScript writes to
// the heap, no kernel return value used), and the tensors it reads from outside (the batch, the weights,
// the gradient sinks) keep their addresses; the caller checks those with `still`.

import { allocate } from '../block.js';
import type { Backend } from './backend.js';
import { DESC_BYTES, type Kernels, type Ptr } from './kernels.js';

type Kernel = (...args: number[]) => unknown;

export class Program {
  /** The recorded calls, each bound to its arguments. */
  private readonly calls: Array<() => unknown> = [];
  private readonly held: Ptr[] = [];

  private constructor(readonly backend: Backend) {}

  /** Runs fn with the backend's kernels recorded into a new program; returns both. */
  static record<T>(backend: Backend, fn: () => T): { program: Program; result: T } {
    const program = new Program(backend);
    const kernels = backend.kernels;
    const recording = {} as Record<string, unknown>;
    for (const [name, kernel] of Object.entries(kernels)) {
      if (typeof kernel !== 'function') continue;
      recording[name] = (...args: number[]) => {
        program.calls.push((kernel as Kernel).bind(kernels, ...args.map((a) => (a === backend.desc ? program.copyDescriptor() : a))));
        return (kernel as Kernel).apply(kernels, args);
      };
    }
    backend.kernels = recording as unknown as Kernels;
    try {
      const result = backend.heap.holdFrees(program.held, fn);
      return { program, result };
    } catch (error) {
      program.dispose();
      throw error;
    } finally {
      backend.kernels = kernels;
    }
  }

  /** A copy of the descriptor a strided kernel is about to read, in memory the program holds. */
  private copyDescriptor(): Ptr {
    const copy = allocate(this.backend, DESC_BYTES, 'program', "a strided kernel's descriptor");
    this.held.push(copy);
    this.backend.heap.u8.copyWithin(copy, this.backend.desc, this.backend.desc + DESC_BYTES);
    return copy;
  }

  /** Replays the recorded calls, in order, with their arguments. */
  run(): void {
    for (const call of this.calls) call();
  }

  /** Frees the memory the program held. */
  dispose(): void {
    for (const ptr of this.held) this.backend.heap.free(ptr);
    this.held.length = 0;
    this.calls.length = 0;
  }
}
