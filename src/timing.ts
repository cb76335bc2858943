// TF.js's performance helpers: nextFrame (yield to the browser's next frame, or Node's next turn), time (how
// long a function takes) and profile (the tensors and bytes it leaves). neurite's kernels run synchronously
// and keep no per-kernel log, so kernelMs equals wallMs and profile's kernels list is empty.

import { memory, type TensorContainer } from './tensor/tensor.js';
import { now } from './util.js';
import { describe } from './validate.js';

/**
 * Resolves on the next animation frame in a browser (requestAnimationFrame), or on the next turn of Node's
 * event loop (setImmediate).
 * @example await tf.nextFrame();
 */
export function nextFrame(): Promise<void> {
  return new Promise<void>((resolve) => {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => resolve());
    else if (typeof setImmediate === 'function') setImmediate(resolve);
    else setTimeout(resolve, 0);
  });
}

/** What tf.time measures, in milliseconds. */
export interface TimingInfo {
  kernelMs: number;
  wallMs: number;
}

/**
 * Runs f and resolves with how long it took: wallMs, and kernelMs (the same here: every kernel runs within f).
 * @example const x = tf.randomNormal([20, 20]); const t = await tf.time(() => x.matMul(x)); console.log(t.wallMs);
 */
export async function time(f: () => void): Promise<TimingInfo> {
  if (typeof f !== 'function') throw new Error(`time: f must be a function, got ${describe(f)}`);
  const start = now();
  f();
  const ms = now() - start;
  return { kernelMs: ms, wallMs: ms };
}

/** What tf.profile reports, with TF.js's fields. */
export interface ProfileInfo {
  newBytes: number;
  newTensors: number;
  /** The larger of the bytes held before and after f: neurite keeps no record in between. */
  peakBytes: number;
  kernels: never[];
  kernelNames: string[];
  result: TensorContainer;
}

/**
 * Runs f (awaiting it when it returns a Promise) and resolves with the bytes and tensors it left behind.
 * @example const info = await tf.profile(() => tf.tensor1d([1, 2, 3]).square()); console.log(info.newTensors);
 */
export async function profile(f: () => TensorContainer | Promise<TensorContainer>): Promise<ProfileInfo> {
  if (typeof f !== 'function') throw new Error(`profile: f must be a function, got ${describe(f)}`);
  const before = memory();
  const result = await f();
  const after = memory();
  return {
    newBytes: after.numBytes - before.numBytes,
    newTensors: after.numTensors - before.numTensors,
    peakBytes: Math.max(before.numBytes, after.numBytes),
    kernels: [],
    kernelNames: [],
    result,
  };
}
