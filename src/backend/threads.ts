// Worker threads over one shared wasm memory. The calling thread owns all allocation; workers run a
// compute-only instance of the same module on parts of large matmuls (row or column ranges), of large
// activations and bias additions, of the image kernels of convolutions and pooling (ranges of the batch),
// of batch norm's sums (ranges of the channels) and of the optimizers' updates (ranges of the values), and
// replay whole programs (the shards of a training step, see src/model/step.ts), woken and awaited through
// Atomics on a small control buffer. The split is fixed by the sizes, and no element's arithmetic depends on
// which thread computes it, so results are bit-identical to one thread. The part of a worker that fails or
// dies half-way is done again on the calling thread with the same result, and the pool falls back to one
// thread: calls that write nothing they read are simply run again (an accumulating matmul or an in-place
// activation stays whole); an update in place (UPDATE_KERNELS) is journaled by the worker chunk by chunk and
// finished from where it stopped. A share its worker has not taken by the time the calling thread is done
// with its own is run there too (a busy machine may not schedule the worker for milliseconds), so threads
// never cost much more than one.

import { Backend } from './backend.js';
import { Heap } from './heap.js';
import type { Program } from './program.js';
import { type Act, DESC_BYTES, type Kernels, MATMUL_SCRATCH_BYTES, type Ptr } from './kernels.js';
import { makeImports, type WasmBuild, wasmBytes } from './wasm.js';

/** Matmuls smaller than this many multiply-adds stay on the calling thread (waking a worker costs more). */
const MIN_PARALLEL_WORK = 1 << 19;
/** Elementwise kernels over fewer values than this stay on the calling thread. */
const MIN_PARALLEL_ELEMENTS = 1 << 17;
/** Rows or columns per thread are a multiple of this: the micro-tile width, which keeps results exact. */
const QUANTUM = 8;

// Control buffer, per worker: Int32 slots [SEQ, DONE, STATUS, OP, CLAIM, ZERO, PROGRESS, (padding)] then ARGS f64
// arguments.
// CLAIM holds the seq of the last share taken, by the worker or by the calling thread (whichever swaps it in
// first runs the share): a worker the OS has not scheduled yet has its share run by the calling thread.
const SEQ = 0;
const DONE = 1;
const STATUS = 2;
const OP = 3;
const CLAIM = 4;
/** Always 0: what a stalled worker waits on (fault tests). */
const ZERO = 5;
/** How far a worker got through its share of an update kernel (see UPDATE_KERNELS). */
const PROGRESS = 6;
const INTS = 8;
const ARGS = 16;
const SLOT_BYTES = INTS * 4 + ARGS * 8;
const STOP = -1;
/** Added to an op for fault tests: the worker runs it, then stops for good without answering (above every op). */
const CRASH = 32;
/** Added to an op for fault tests: the worker sleeps 200 ms before taking it, as one the OS has not scheduled. */
const STALL = 64;
/**
 * Polls of the control buffer before a waiting thread sleeps (a millisecond or so): a training step's next
 * split call usually comes sooner, and waking a sleeping thread costs more than a small matmul.
 */
const SPINS = 1 << 20;
/**
 * A worker that has not answered in this long is taken for dead: a calling thread blocked in a kernel call
 * cannot see a worker's exit event, so silence is all a death in the middle of a kernel shows.
 */
const TIMEOUT_MS = 30_000;
/**
 * A jump of the clock this long between two polls of a waiting thread (which come every 50 ms at most) is the
 * process suspended (a laptop asleep), not silence: a worker woken mid-kernel with it is not taken for dead,
 * which matters most mid-update, where the calling thread finishing the worker's share must not race it.
 */
const SUSPENDED_MS = 1000;

/**
 * The kernels that compute only the images [firstImage, endImage) of their descriptor (assembly/conv.ts), with
 * the index of the descriptor among their arguments: split by ranges of the batch (depthwise's filter gradient,
 * a sum over the whole batch, by ranges of the channels).
 */
const IMAGE_KERNELS = { im2col: 2, col2im: 2, convDirect: 3, maxPool: 3, maxPoolBackward: 3, avgPool: 2, avgPoolBackward: 2, depthwise: 4 } as const;
/** depthwise's `made` for the filter gradient. */
const DEPTHWISE_FILTER = 1;
type ImageKernel = keyof typeof IMAGE_KERNELS;
/** Where the descriptor's image range lies, in i32 words, and depthwise's range of channels for its filter gradient. */
const FIRST_IMAGE = 15;
const FIRST_CHANNEL = 17;

/**
 * Batch norm's sums (its statistics, and its gradient), split by ranges of the channels (the normalization, bound
 * by memory, was slower split): where `rows` is among their arguments (the pointers before it are indexed by
 * channel; x, dy and dx step by rows of `stride` values), where their scratch is, and its bytes per channel.
 */
const NORM_KERNELS = {
  batchNormStats: { rows: 4, scratch: 3, bytes: 16 },
  batchNormBackward: { rows: 8, scratch: 12, bytes: 28 },
} as const;
type NormKernel = keyof typeof NORM_KERNELS;
/** Channels per thread are a multiple of this: each thread's part of a row is whole cache lines. */
const CHANNEL_QUANTUM = 16;

/**
 * The kernels that update arrays in place value by value, the optimizers' steps: split by ranges of the values,
 * with the positions among their arguments of the f32 arrays (offset by a range's start; 0 where a kernel goes
 * without one), of those they update in place, and of the count of values.
 */
const UPDATE_KERNELS = {
  sgdStep: { arrays: [0, 1], updated: [0], count: 2 },
  momentumStep: { arrays: [0, 1, 2], updated: [0, 2], count: 3 },
  adamStep: { arrays: [0, 1, 2, 3], updated: [0, 2, 3], count: 4 },
  rmspropStep: { arrays: [0, 1, 2, 3, 4], updated: [0, 2, 3, 4], count: 5 },
  adagradStep: { arrays: [0, 1, 2], updated: [0, 2], count: 3 },
} as const;
type UpdateKernel = keyof typeof UPDATE_KERNELS;
const UPDATE_NAMES = Object.keys(UPDATE_KERNELS) as UpdateKernel[];
/** Update kernels over fewer values than this stay on the calling thread. */
const MIN_PARALLEL_UPDATE = 1 << 15;
/** Values per thread are a multiple of this: whole cache lines. */
const UPDATE_QUANTUM = 16;

/**
 * Values a worker journals and then updates at a time: as many of each array it updates as its scratch block
 * holds (a share of Adam's usually fits in one: each chunk costs two fences, measured slower in chunks of 8,192).
 */
function chunkOf(name: UpdateKernel): number {
  return Math.floor(MATMUL_SCRATCH_BYTES / 4 / UPDATE_KERNELS[name].updated.length / UPDATE_QUANTUM) * UPDATE_QUANTUM;
}

/** An update kernel's arguments `args` for its values [from, to) only. */
function updateArgs(name: UpdateKernel, args: number[], from: number, to: number): number[] {
  const { arrays, count } = UPDATE_KERNELS[name];
  return args.map((a, i) => (i === count ? to - from : a !== 0 && (arrays as readonly number[]).includes(i) ? a + from * 4 : a));
}

/** The kernels workers run, by their index in the control buffer. */
const WORKER_KERNELS = ['matmulPart', 'activationForward', 'activationBackward', 'biasAdd', ...(Object.keys(IMAGE_KERNELS) as ImageKernel[]), ...(Object.keys(NORM_KERNELS) as NormKernel[])] as const;
/** A kernel workers run: its index in WORKER_KERNELS, by name. */
type Op = number;
const Op = Object.fromEntries(WORKER_KERNELS.map((name, i) => [name, i])) as Record<(typeof WORKER_KERNELS)[number], Op>;
/**
 * The op that replays programs (see ThreadPool.programs): ARGS holds their count, their addresses, the worker's
 * scratch; so at most ARGS - 2 programs per worker (fit cuts a batch into at most 8 shards).
 */
const PROGRAMS = WORKER_KERNELS.length;
/** The op that runs an update kernel: ARGS holds its index in UPDATE_KERNELS, the journal, the chunk, where to stop, its arguments. */
const UPDATE = PROGRAMS + 1;

/** A worker's part of a parallel call: its arguments (`half`: only half its share, for fault tests), and how the calling thread runs it instead. */
interface Job {
  w: number;
  args(half: boolean): number[];
  redo(): void;
}

/** What the thread pool needs of a wasm instance beyond the Kernels. */
interface ThreadedExports extends Kernels {
  heapBase(): number;
  matmulPart(a: Ptr, b: Ptr, c: Ptr, m: number, n: number, k: number, transA: number, transB: number, accumulate: number, scratch: Ptr, row0: number, row1: number, col0: number, col1: number): void;
}

interface WorkerHandle {
  alive: boolean;
  terminate(): unknown;
}

/**
 * The source of a worker, as a string so that no bundler, minifier or test transform can rewrite it into
 * something that needs helpers the worker lacks. It instantiates the module over the shared memory it is
 * sent, then loops: wait for SEQ to change, run kernel OP on ARGS, set STATUS, publish DONE = SEQ.
 */
const WORKER_SOURCE = `
const start = ({ module, memory, control, index, names, exportNames, updates }, ready) => {
  const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error('wasm kernel aborted'); } } });
  ready();
  const kernels = instance.exports;
  const slot = index * ${SLOT_BYTES};
  const ints = new Int32Array(control, slot, ${INTS});
  const args = new Float64Array(control, slot + ${INTS * 4}, ${ARGS});
  // Replays the program encoded at byte \`at\` (see Program.encode), with this worker's scratch block.
  const replay = (at, scratch) => {
    const f = new Float64Array(memory.buffer);
    const end = at / 8 + f[at / 8];
    for (let p = at / 8 + 1; p < end; p += 3 + f[p + 1]) {
      const args = Array.from(f.subarray(p + 3, p + 3 + f[p + 1]));
      if (f[p + 2]) args[args.length - 1] = scratch;
      kernels[exportNames[f[p]]](...args);
    }
  };
  // Runs update kernel \`id\` (UPDATE_KERNELS) over its values a chunk at a time, each chunk's values it updates
  // first copied into the journal; PROGRESS says how far it got (2c + 1: chunk c journaled, 2c + 2: chunk c
  // updated) and ARGS[0] the sum of the chunks' results so far, so that the calling thread can finish a share this
  // thread did not. \`stopAt\` below the count: fault tests, which stop half-way through a chunk.
  const update = ([id, journal, chunk, stopAt, ...a]) => {
    const { name, arrays, updated, count } = updates[id];
    const part = a.slice();
    let result = 0;
    args[0] = 0;
    for (let c = 0, from = 0; from < a[count]; c++, from += chunk) {
      const len = Math.min(chunk, a[count] - from);
      let at = journal;
      for (const i of updated) if (a[i]) (kernels.cast(a[i] + from * 4, 0, 0, at, len), (at += len * 4));
      Atomics.store(ints, ${PROGRESS}, 2 * c + 1);
      for (const i of arrays) if (a[i]) part[i] = a[i] + from * 4;
      part[count] = Math.min(len, stopAt - from);
      result += kernels[name](...part);
      if (part[count] < len) return;
      args[0] = result;
      Atomics.store(ints, ${PROGRESS}, 2 * c + 2);
    }
  };
  let seen = 0;
  for (;;) {
    for (let spin = 0; spin < ${SPINS} && Atomics.load(ints, ${SEQ}) === seen; spin++);
    Atomics.wait(ints, ${SEQ}, seen);
    seen = Atomics.load(ints, ${SEQ});
    const op = ints[${OP}];
    if (op < 0) return;
    if (op & ${STALL}) Atomics.wait(ints, ${ZERO}, 0, 200);
    if (Atomics.exchange(ints, ${CLAIM}, seen) === seen) continue; // the calling thread ran it
    try {
      if ((op & ${CRASH - 1}) === ${PROGRAMS}) for (let i = 1; i <= args[0]; i++) replay(args[i], args[args[0] + 1]);
      else if ((op & ${CRASH - 1}) === ${UPDATE}) update(Array.from(args));
      else kernels[names[op & ${CRASH - 1}]](...args);
      ints[${STATUS}] = 0;
    } catch {
      ints[${STATUS}] = 1;
    }
    if (op & ${CRASH}) return;
    Atomics.store(ints, ${DONE}, seen);
    Atomics.notify(ints, ${DONE});
  }
};
if (typeof process === 'object' && process.versions && process.versions.node) {
  const threads = typeof require === 'function' ? require('node:worker_threads') : process.getBuiltinModule('node:worker_threads');
  threads.parentPort.once('message', (init) => start(init, () => threads.parentPort.postMessage('ready')));
} else {
  onmessage = (event) => start(event.data, () => postMessage('ready')); // browsers
}
`;

/** True where threads can run: SharedArrayBuffer exists and, in a browser, the page is cross-origin isolated. */
export function threadsAvailable(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return typeof SharedArrayBuffer === 'function' && g.crossOriginIsolated !== false;
}

class ThreadPool {
  private readonly ints: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;
  private failed = false;
  /** Calls split across threads so far (tests check that splitting happens). */
  splitCalls = 0;
  /** Shares the calling thread ran because their worker had not taken them yet. */
  stolen = 0;
  /** How long a worker may stay silent before it is taken for dead (fault tests shorten it). */
  timeoutMs = TIMEOUT_MS;
  /** The worker that dies half-way through its share in the next split call, or -1 (fault tests). */
  private crashNext = -1;
  /** The worker that takes its share of the next split call 200 ms late, or -1 (fault tests). */
  private stallNext = -1;

  private constructor(
    private readonly workers: WorkerHandle[],
    control: SharedArrayBuffer,
    /** One packing scratch block per worker, allocated by the caller. */
    private readonly scratch: Ptr[],
    /** The module's exported functions, by which encoded programs name their kernels. */
    private readonly exportNames: string[],
  ) {
    this.ints = new Int32Array(control);
    this.args = new Float64Array(control);
  }

  /** Threads including the calling one. */
  get size(): number {
    return this.workers.length + 1;
  }

  /** Spawns `workers` worker threads over `memory`, each with its scratch block. */
  static async create(module: WebAssembly.Module, memory: WebAssembly.Memory, scratch: Ptr[]): Promise<ThreadPool> {
    const control = new SharedArrayBuffer(scratch.length * SLOT_BYTES);
    const exportNames = WebAssembly.Module.exports(module).filter((e) => e.kind === 'function').map((e) => e.name);
    const updates = UPDATE_NAMES.map((name) => ({ name, ...UPDATE_KERNELS[name] }));
    const handles = await Promise.all(scratch.map((_, index) => spawn(WORKER_SOURCE, { module, memory, control, index, names: [...WORKER_KERNELS], exportNames, updates })));
    return new ThreadPool(handles, control, scratch, exportNames);
  }

  /**
   * C (+)= op(A)·op(B) split across the threads, by rows or by columns, whichever duplicates less packing
   * (each thread packs the B columns, or the A rows, it reads). Small products run on the calling thread, and
   * so do accumulating ones: a part half added into C could not be redone (no layer accumulates).
   */
  matmul(k: ThreadedExports, a: Ptr, b: Ptr, c: Ptr, m: number, n: number, kk: number, transA: number, transB: number, accumulate: number, scratch: Ptr): void {
    const byRows = n <= m;
    const extent = byRows ? m : n;
    if (accumulate || m * n * kk < MIN_PARALLEL_WORK || extent <= QUANTUM) return k.matmul(a, b, c, m, n, kk, transA, transB, accumulate, scratch);
    this.split(Op.matmulPart, extent, QUANTUM, (from, to, w) => [a, b, c, m, n, kk, transA, transB, accumulate, w < 0 ? scratch : this.scratch[w], ...(byRows ? [from, to, 0, n] : [0, m, from, to])], (args) =>
      k.matmulPart(...(args as Parameters<ThreadedExports['matmulPart']>)),
    );
  }

  /** out = f(x) over n values, split into ranges when n is large and out is not x. */
  activationForward(k: Kernels, act: Act, x: Ptr, out: Ptr, n: number, alpha: number): void {
    if (n < MIN_PARALLEL_ELEMENTS || out === x) return k.activationForward(act, x, out, n, alpha);
    this.split(Op.activationForward, n, 4, (from, to) => [act, x + from * 4, out + from * 4, to - from, alpha], (args) =>
      k.activationForward(...(args as Parameters<Kernels['activationForward']>)),
    );
  }

  /**
   * dx = dout * f'(x) over n values, split into ranges when n is large and dx is not dout (dense layers run it
   * in place, on the calling thread: measured under 1% of a training step).
   */
  activationBackward(k: Kernels, act: Act, x: Ptr, y: Ptr, dout: Ptr, dx: Ptr, n: number, alpha: number): void {
    if (n < MIN_PARALLEL_ELEMENTS || dx === dout) return k.activationBackward(act, x, y, dout, dx, n, alpha);
    this.split(Op.activationBackward, n, 4, (from, to) => [act, x + from * 4, y + from * 4, dout + from * 4, dx + from * 4, to - from, alpha], (args) =>
      k.activationBackward(...(args as Parameters<Kernels['activationBackward']>)),
    );
  }

  /**
   * out = x + bias by rows (m, n), split into ranges of rows when large and out is not x: after a split
   * convolution each thread adds to the rows it wrote (moving them to the other core costs more than the adds).
   */
  biasAdd(k: Kernels, x: Ptr, bias: Ptr, out: Ptr, m: number, n: number): void {
    if (m * n < MIN_PARALLEL_ELEMENTS || out === x) return k.biasAdd(x, bias, out, m, n);
    this.split(Op.biasAdd, m, 1, (from, to) => [x + from * n * 4, bias, out + from * n * 4, to - from, n], (args) =>
      k.biasAdd(...(args as Parameters<Kernels['biasAdd']>)),
    );
  }

  /**
   * An image kernel split by ranges of the batch when it touches enough values: each thread gets a copy of the
   * descriptor, in its scratch block (`scratch` for the calling thread), with its own range.
   */
  images(k: Kernels, name: ImageKernel, args: number[], scratch: Ptr, heap: Heap): void {
    const at = IMAGE_KERNELS[name];
    const desc = args[at] / 4;
    const i32 = heap.i32; // words: batch, inH, inW, inC, outH, outW, outC, fH, fW, ...
    const [batch, channels] = [i32[desc], i32[desc + 3]];
    const run = (shareArgs: number[]) => (k[name] as (...a: number[]) => void)(...shareArgs);
    if (batch * channels * i32[desc + 4] * i32[desc + 5] * i32[desc + 7] * i32[desc + 8] < MIN_PARALLEL_ELEMENTS) return run(args);
    // Each share's own copy of the descriptor (in its thread's scratch block), with its range at word `range`.
    const share = (range: number) => (from: number, to: number, w: number) => {
      const copy = w < 0 ? scratch : this.scratch[w];
      heap.u8.copyWithin(copy, desc * 4, desc * 4 + DESC_BYTES);
      heap.i32.set([from, to], copy / 4 + range);
      return args.map((a, i) => (i === at ? copy : a));
    };
    // depthwise's filter gradient sums over the whole batch: it is split by ranges of the channels instead.
    if (name === 'depthwise' && args[0] === DEPTHWISE_FILTER) {
      if (channels >= 2 * CHANNEL_QUANTUM) this.split(Op.depthwise, channels, CHANNEL_QUANTUM, share(FIRST_CHANNEL), run);
      else run(args);
    } else if (batch >= 2) this.split(Op[name], batch, 1, share(FIRST_IMAGE), run);
    else run(args);
  }

  /**
   * A batch norm kernel split by ranges of its channels (at least two quanta of them, over enough values): each
   * channel's sums and values are computed as on one thread, each range with its own part of the scratch. Not
   * split when an output is also an input (a part could not be redone).
   */
  batchNorm(k: Kernels, name: NormKernel, args: number[]): void {
    const run = (a: number[]) => (k[name] as (...a: number[]) => void)(...a);
    const at = NORM_KERNELS[name];
    const [rows, channels] = [args[at.rows], args[at.rows + 1]];
    const inPlace = name === 'batchNormBackward' && (args[5] === args[0] || args[5] === args[1]);
    if (channels < 2 * CHANNEL_QUANTUM || rows * channels < MIN_PARALLEL_ELEMENTS || inPlace) return run(args);
    const part = (a: number, i: number, from: number, to: number) => {
      if (i === at.scratch) return a + from * at.bytes;
      if (i < at.rows) return a === 0 ? 0 : a + from * 4; // 0: an output not asked for, or no gamma or beta
      return i === at.rows + 1 ? to - from : a;
    };
    this.split(Op[name], channels, CHANNEL_QUANTUM, (from, to) => args.map((a, i) => part(a, i, from, to)), run);
  }

  /**
   * Splits [0, extent) into equal shares (multiples of quantum): the calling thread runs the first share
   * itself while worker w runs share w + 2 of kernel op. `args(from, to, w)` gives a share's arguments
   * (w is -1 for the calling thread).
   */
  private split(op: Op, extent: number, quantum: number, args: (from: number, to: number, w: number) => number[], run: (args: number[]) => void): void {
    const { share, parts } = this.shares(extent, quantum);
    const jobs = parts.map(({ w, from, to }): Job => ({ w, args: (half) => args(from, half ? Math.min(to, from + Math.ceil(share / 2 / quantum) * quantum) : to, w), redo: () => run(args(from, to, -1)) }));
    this.fork(op, jobs, () => run(args(0, Math.min(share, extent), -1)));
  }

  /** [0, extent) in shares of whole quanta: the calling thread's first `share`, then each worker's (none empty). */
  private shares(extent: number, quantum: number): { share: number; parts: Array<{ w: number; from: number; to: number }> } {
    const share = Math.ceil(extent / this.size / quantum) * quantum;
    const parts: Array<{ w: number; from: number; to: number }> = [];
    for (let w = 0; w < this.workers.length; w++) {
      const [from, to] = [Math.min(extent, share * (w + 1)), Math.min(extent, share * (w + 2))];
      if (from < to) parts.push({ w, from, to });
    }
    return { share, parts };
  }

  /**
   * Replays programs side by side: thread t (0 is the calling one) replays programs t, t + size, t + 2·size...
   * in order, the calling thread on `direct`, the kernels unsplit. Each program must write only memory of its
   * own and read nothing another writes (model.fit's shards of a batch), so one replayed again from any state
   * gives the same bits.
   */
  programs(direct: Kernels, programs: Program[]): void {
    const share = (t: number) => programs.filter((_, i) => i % this.size === t);
    const jobs: Job[] = [];
    for (let w = 0; w < this.workers.length; w++) {
      const mine = share(w + 1);
      // Encoded before any is handed out (encoding allocates, the first time, which may fail).
      const args = [mine.length, ...mine.map((p) => p.encode(this.exportNames)), this.scratch[w]];
      if (mine.length > 0) jobs.push({ w, args: () => args, redo: () => mine.forEach((p) => p.run(direct)) });
    }
    this.fork(PROGRAMS, jobs, () => share(0).forEach((p) => p.run(direct)));
  }

  /**
   * An update kernel (UPDATE_KERNELS) split by ranges of its values; returns the sum of the parts' results (the
   * optimizers' check for values no longer finite: NaN if any). Unlike the other splits it writes what it reads,
   * so a worker's share cannot simply be run again: the worker journals each chunk before it updates it, and a
   * share its worker did not finish is finished here from where it stopped, a chunk caught half-updated first
   * restored from the journal.
   */
  update(k: Kernels, name: UpdateKernel, args: number[]): number {
    const kernel = k[name] as (...a: number[]) => number;
    const n = args[UPDATE_KERNELS[name].count];
    const part = (from: number, to: number) => updateArgs(name, args, from, to);
    const { share, parts } = this.shares(n, UPDATE_QUANTUM);
    const chunk = chunkOf(name);
    let result = 0;
    const jobs = parts.map(({ w, from, to }) => {
      const own = part(from, to);
      // Fault tests stop the worker half-way through a chunk in the middle of its share.
      const half = Math.min(to - from, Math.floor((to - from) / 2 / chunk) * chunk + chunk / 2);
      this.ints[this.slot(w) + PROGRESS] = 0;
      const job = { w, finished: false, args: (halfway: boolean) => [UPDATE_NAMES.indexOf(name), this.scratch[w], chunk, halfway ? half : to - from, ...own], redo: () => ((job.finished = true), (result += this.finishUpdate(k, w, name, own, chunk))) };
      return job;
    });
    this.fork(UPDATE, jobs, () => (result += kernel(...part(0, Math.min(share, n)))));
    for (const job of jobs) if (!job.finished) result += this.args[this.argsAt(job.w)];
    return result;
  }

  /** Finishes worker w's share of an update (its arguments `own`, in chunks of `chunk`) from where its progress says the worker stopped. */
  private finishUpdate(k: Kernels, w: number, name: UpdateKernel, own: number[], chunk: number): number {
    const { updated, count } = UPDATE_KERNELS[name];
    const progress = Atomics.load(this.ints, this.slot(w) + PROGRESS);
    const from = Math.floor(progress / 2) * chunk;
    if (progress % 2 === 1) {
      const len = Math.min(chunk, own[count] - from);
      let at = this.scratch[w];
      for (const i of updated) if (own[i] !== 0) (k.cast(at, 0, 0, own[i] + from * 4, len), (at += len * 4));
    }
    const done = progress > 0 ? this.args[this.argsAt(w)] : 0;
    if (from >= own[count]) return done;
    return done + (k[name] as (...a: number[]) => number)(...updateArgs(name, own, from, own[count]));
  }

  /**
   * Hands each job to its worker, runs `local` here, then waits for the workers. A job no worker has taken by
   * then is run here (`redo`); so is one whose worker has exited, failed or stopped answering: it may be half
   * done, but only from inputs no job writes, so the bits are the same.
   */
  private fork(op: number, jobs: Job[], local: () => void): void {
    this.splitCalls++;
    this.seq++;
    for (const job of jobs) {
      if (!this.workers[job.w].alive) continue;
      if (job.w !== this.crashNext) this.dispatch(job.w, op + (job.w === this.stallNext ? STALL : 0), job.args(false));
      else this.dispatch(job.w, op + CRASH, job.args(true));
    }
    const crashing = this.crashNext;
    this.crashNext = this.stallNext = -1;
    local();
    const faults: string[] = [];
    const lost = jobs.filter((job) => {
      const w = job.w;
      // A job no worker has taken yet is run here: waiting for a thread the OS has not scheduled would cost more.
      if (w !== crashing && this.workers[w].alive && Atomics.exchange(this.ints, this.slot(w) + CLAIM, this.seq) !== this.seq) {
        job.redo();
        this.stolen++;
        return false;
      }
      const fault = this.await(w);
      if (fault) faults.push(`worker thread ${w + 1} ${fault}`);
      return fault !== null;
    });
    if (lost.length === 0) return;
    // End the workers before redoing their parts: one taken for dead after the timeout may be hung rather
    // than dead, and must stop writing (a terminated thread stops within milliseconds).
    this.terminate();
    this.failed = true;
    const parts = lost.length > 1 ? 'their parts were' : 'its part was';
    console.warn(`neurite: ${faults.join(', ')}; ${parts} redone on the calling thread, which runs alone from now on (setThreads(n) starts new workers)`);
    for (const job of lost) job.redo();
  }

  private slot(w: number): number {
    return (w * SLOT_BYTES) / 4;
  }

  /** Where worker w's arguments start in `args`. */
  private argsAt(w: number): number {
    return (w * SLOT_BYTES + INTS * 4) / 8;
  }

  private dispatch(w: number, op: number, args: number[]): void {
    if (args.length > ARGS) throw new Error(`neurite: internal error: ${args.length} arguments for a worker, which holds ${ARGS}`);
    const s = this.slot(w);
    this.args.set(args, this.argsAt(w));
    this.ints[s + OP] = op;
    Atomics.store(this.ints, s + SEQ, this.seq);
    Atomics.notify(this.ints, s + SEQ);
  }

  /** Waits for worker w's share of the current call: null once it is done, else why it never will be. */
  private await(w: number): string | null {
    if (!this.workers[w].alive) return 'has exited';
    const s = this.slot(w);
    for (let i = 0; i < SPINS && Atomics.load(this.ints, s + DONE) !== this.seq; i++);
    const spin = !canBlock();
    let silent = 0;
    for (let last = performance.now(); Atomics.load(this.ints, s + DONE) !== this.seq; ) {
      const now = performance.now();
      if (now - last < SUSPENDED_MS) silent += now - last;
      last = now;
      if (silent > this.timeoutMs) return 'stopped answering in a kernel';
      if (!spin) Atomics.wait(this.ints, s + DONE, Atomics.load(this.ints, s + DONE), 50);
    }
    return this.ints[s + STATUS] === 0 ? null : 'failed in a kernel';
  }

  get broken(): boolean {
    return this.failed;
  }

  /** Stops every worker. */
  terminate(): void {
    for (const [w, worker] of this.workers.entries()) {
      if (!worker.alive) continue;
      const s = this.slot(w);
      this.ints[s + OP] = STOP;
      Atomics.store(this.ints, s + SEQ, ++this.seq);
      Atomics.notify(this.ints, s + SEQ);
      worker.alive = false;
      worker.terminate();
    }
  }

  /** @internal For fault tests: kills one worker's thread; the pool sees it has exited at the next call. */
  async killWorker(index: number): Promise<void> {
    await this.workers[index].terminate();
  }

  /**
   * @internal For fault tests: in the next split call, worker w writes half its share and then stops for
   * good without answering, which is all a worker dying in the middle of a kernel shows the calling thread.
   */
  crashInNextKernel(w: number): void {
    this.crashNext = w;
  }

  /** @internal For fault tests: worker w takes its share of the next split call 200 ms late. */
  stallInNextKernel(w: number): void {
    this.stallNext = w;
  }
}

/** The main thread of a browser page may not block; everything else (Node, workers) may. */
function canBlock(): boolean {
  const g = globalThis as { document?: unknown; process?: { versions?: { node?: string } } };
  return Boolean(g.process?.versions?.node) || g.document === undefined;
}

/**
 * Starts a worker and resolves once it has instantiated the module: browsers start workers only while the
 * page's thread is free, so the pool must not be used (and spun on) before every worker is ready.
 */
async function spawn(source: string, init: object): Promise<WorkerHandle> {
  const g = globalThis as { process?: { versions?: { node?: string }; getBuiltinModule?: (id: string) => unknown } };
  if (g.process?.versions?.node) {
    const { Worker } = g.process.getBuiltinModule!('node:worker_threads') as typeof import('node:worker_threads');
    // No inherited execArgv: flags such as --input-type=module or a loader would change how the source runs.
    const worker = new Worker(source, { eval: true, execArgv: [] });
    worker.unref(); // a pool never keeps the process alive
    const handle: WorkerHandle = { alive: true, terminate: () => worker.terminate() };
    worker.on('exit', () => (handle.alive = false));
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', (error) => ((handle.alive = false), reject(error)));
      worker.postMessage(init);
    });
    return handle;
  }
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const handle: WorkerHandle = { alive: true, terminate: () => worker.terminate() };
  await new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (event) => ((handle.alive = false), reject(new Error(`neurite: a worker thread failed to start (${event.message})`)));
    worker.postMessage(init);
  });
  worker.onerror = () => (handle.alive = false);
  return handle;
}

/** A wasm backend over shared memory whose large kernels run on a pool of worker threads. */
class ThreadedBackend extends Backend {
  private pool: ThreadPool | null = null;
  private poolScratch: Ptr[] = [];

  constructor(
    build: WasmBuild,
    private readonly exports: ThreadedExports,
    private readonly module: WebAssembly.Module,
    private readonly memory: WebAssembly.Memory,
  ) {
    const kernels: Kernels = {
      ...exports,
      matmul: (a, b, c, m, n, k, transA, transB, accumulate, scratch) => {
        const pool = this.livePool();
        if (pool) pool.matmul(exports, a, b, c, m, n, k, transA, transB, accumulate, scratch);
        else exports.matmul(a, b, c, m, n, k, transA, transB, accumulate, scratch);
      },
      activationForward: (act, x, out, n, alpha) => {
        const pool = this.livePool();
        if (pool) pool.activationForward(exports, act, x, out, n, alpha);
        else exports.activationForward(act, x, out, n, alpha);
      },
      biasAdd: (x, bias, out, m, n) => {
        const pool = this.livePool();
        if (pool) pool.biasAdd(exports, x, bias, out, m, n);
        else exports.biasAdd(x, bias, out, m, n);
      },
      activationBackward: (act, x, y, dout, dx, n, alpha) => {
        const pool = this.livePool();
        if (pool) pool.activationBackward(exports, act, x, y, dout, dx, n, alpha);
        else exports.activationBackward(act, x, y, dout, dx, n, alpha);
      },
    };
    for (const name of Object.keys(NORM_KERNELS) as NormKernel[]) {
      (kernels as unknown as Record<string, (...args: number[]) => void>)[name] = (...args) => {
        const pool = this.livePool();
        if (pool) pool.batchNorm(exports, name, args);
        else (exports[name] as (...a: number[]) => void)(...args);
      };
    }
    for (const name of UPDATE_NAMES) {
      const { count } = UPDATE_KERNELS[name];
      (kernels as unknown as Record<string, (...args: number[]) => unknown>)[name] = (...args) => {
        const pool = this.livePool();
        if (pool && args[count] >= MIN_PARALLEL_UPDATE) return pool.update(exports, name, args);
        return (exports[name] as (...a: number[]) => unknown)(...args);
      };
    }
    for (const name of Object.keys(IMAGE_KERNELS) as ImageKernel[]) {
      (kernels as unknown as Record<string, (...args: number[]) => void>)[name] = (...args) => {
        const pool = this.livePool();
        if (pool) pool.images(exports, name, args, this.scratch, this.heap);
        else (exports[name] as (...a: number[]) => void)(...args);
      };
    }
    super('wasm', build, kernels, new Heap(memory, exports.heapBase()));
  }

  override get threads(): number {
    return this.livePool()?.size ?? 1;
  }

  override runPrograms(programs: Program[]): void {
    const pool = this.livePool();
    if (pool && programs.length > 1) pool.programs(this.exports, programs);
    else super.runPrograms(programs);
  }

  private livePool(): ThreadPool | null {
    return this.pool && !this.pool.broken ? this.pool : null;
  }

  override async startThreads(threads: number): Promise<boolean> {
    this.stopThreads();
    this.poolScratch = Array.from({ length: threads - 1 }, () => this.heap.alloc(MATMUL_SCRATCH_BYTES));
    this.pool = await ThreadPool.create(this.module, this.memory, this.poolScratch);
    return true;
  }

  override stopThreads(): void {
    this.pool?.terminate();
    this.pool = null;
    for (const p of this.poolScratch) this.heap.free(p);
    this.poolScratch = [];
  }

  /** @internal For tests: calls split across threads so far. */
  get splitCalls(): number {
    return this.pool?.splitCalls ?? 0;
  }

  /** @internal For tests: shares the calling thread ran because their worker had not taken them yet. */
  get stolenShares(): number {
    return this.pool?.stolen ?? 0;
  }

  /** @internal For fault tests: see ThreadPool.stallInNextKernel. */
  stallWorkerInNextKernel(index: number): void {
    this.pool!.stallInNextKernel(index);
  }

  /** @internal For fault tests. */
  killWorker(index: number): Promise<void> {
    return this.pool!.killWorker(index);
  }

  /** @internal For fault tests: see ThreadPool.crashInNextKernel; the pool then gives up on a silent worker after timeoutMs. */
  crashWorkerInNextKernel(index: number, timeoutMs: number): void {
    this.pool!.timeoutMs = timeoutMs;
    this.pool!.crashInNextKernel(index);
  }
}

/** Loads the shared-memory variant of a wasm build and starts `threads - 1` workers on it. */
export async function loadThreadedBackend(build: WasmBuild, threads: number): Promise<Backend> {
  // Literal URLs, as in wasm.ts, so that bundlers copy the files.
  const url = build === 'relaxed' ? new URL('../../build/neurite-relaxed-threads.wasm', import.meta.url) : new URL('../../build/neurite-simd-threads.wasm', import.meta.url);
  const module = await WebAssembly.compile(await wasmBytes(url));
  const imports = makeImports(true);
  const instance = await WebAssembly.instantiate(module, imports);
  const backend = new ThreadedBackend(build, instance.exports as unknown as ThreadedExports, module, imports.env.memory);
  await backend.startThreads(threads);
  return backend;
}
