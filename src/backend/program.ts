// A program: the kernel calls one run of some code made, recorded as they ran, to replay later with the same
// arguments. While it records, the blocks freed are held for it (their addresses stay reserved and nobody
// else's), and a strided kernel's descriptor is copied aside, so a replay does exactly what the recording did,
// over the same memory. model.fit records its training step (the tape's forward and backward) once per batch
// size and replays it every batch: the same kernels, without rebuilding the tape. Programs recorded one after
// the other share no memory they write but the matmul scratch block, so worker threads can replay them side by
// side, each with a scratch block of its own (see `encode`).
// What it relies on: the recorded code's effects on memory all go through kernels (no JavaScript writes to
// the heap, no kernel return value used), and the tensors it reads from outside (the batch, the weights,
// the gradient sinks) keep their addresses; the caller checks those (`moved` in src/model/step.ts).

import { allocate } from '../block.js';
import type { Backend } from './backend.js';
import { DESC_BYTES, type Kernels, type Ptr } from './kernels.js';

type Kernel = (...args: number[]) => unknown;

export class Program {
  /** The recorded calls: each kernel's name and arguments. */
  private readonly calls: Array<{ name: string; args: number[] }> = [];
  /** The calls bound to a set of kernels (the backend's, or a threaded backend's unsplit ones), made on first run. */
  private readonly bound = new Map<Kernels, Array<() => unknown>>();
  private readonly held: Ptr[] = [];
  private encoded: Ptr = 0;

  private constructor(readonly backend: Backend) {}

  /** Runs fn with the backend's kernels recorded into a new program; returns both. */
  static record<T>(backend: Backend, fn: () => T): { program: Program; result: T } {
    const program = new Program(backend);
    const kernels = backend.kernels;
    const recording = {} as Record<string, unknown>;
    for (const [name, kernel] of Object.entries(kernels)) {
      if (typeof kernel !== 'function') continue;
      recording[name] = (...args: number[]) => {
        program.calls.push({ name, args: args.map((a) => (a === backend.desc ? program.copyDescriptor() : a)) });
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

  /** Replays the recorded calls, in order, with their arguments, on `kernels` (by default the backend's). */
  run(kernels: Kernels = this.backend.kernels): void {
    let calls = this.bound.get(kernels);
    if (!calls) this.bound.set(kernels, (calls = this.calls.map(({ name, args }) => (kernels[name as keyof Kernels] as Kernel).bind(kernels, ...args))));
    for (const call of calls) call();
  }

  /**
   * The program as f64 words in memory it holds, for a worker thread to replay (made once): the word count,
   * then per call the kernel's index in `names`, its argument count, whether its last argument is the
   * backend's scratch block (kernels take scratch last; the worker puts its own there), and the arguments.
   */
  encode(names: readonly string[]): Ptr {
    if (this.encoded) return this.encoded;
    const words = [0];
    for (const { name, args } of this.calls) words.push(names.indexOf(name), args.length, args.at(-1) === this.backend.scratch ? 1 : 0, ...args);
    words[0] = words.length;
    const at = allocate(this.backend, words.length * 8, 'program', 'a program for a worker thread');
    this.held.push(at);
    new Float64Array(this.backend.heap.u8.buffer, at, words.length).set(words);
    return (this.encoded = at);
  }

  /** Frees the memory the program held. */
  dispose(): void {
    for (const ptr of this.held) this.backend.heap.free(ptr);
    this.held.length = 0;
    this.calls.length = 0;
    this.bound.clear();
    this.encoded = 0;
  }
}
