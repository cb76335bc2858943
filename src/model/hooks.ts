// What fit and fitDataset share around their loops: the callbacks checked and called in turn, the terminal
// progress bar, and yielding to the event loop so pages stay responsive.

import { checkObject, checkOptions, describe, is } from '../validate.js';
import { type CustomCallbackArgs, ProgressBar, type ProgressOutput, type TrainingModel } from './callbacks.js';

/** The hooks a callbacks object may have (TF.js's CustomCallbackArgs). */
export const HOOKS = ['onTrainBegin', 'onTrainEnd', 'onEpochBegin', 'onEpochEnd', 'onBatchBegin', 'onBatchEnd', 'onYield'] as const;

export const inBrowser = typeof (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node !== 'string';

/** The channel whose messages are browsers' next task: setTimeout(0) waits 4 ms once nested, and more in workers. */
let channel: MessageChannel | null = null;
const waiting: Array<() => void> = [];

/** Lets other tasks run: a task of its own in browsers (so the page can paint between), setImmediate in Node. */
export const yieldToEventLoop = (): Promise<void> =>
  new Promise((resolve) => {
    if (!inBrowser) return (globalThis as unknown as { setImmediate(f: () => void): void }).setImmediate(resolve);
    if (!channel) {
      channel = new MessageChannel();
      channel.port1.onmessage = () => waiting.shift()?.();
    }
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });

/** The callbacks of fit's options as a list, each checked: an object whose hooks are functions. */
export function checkCallbacks(value: unknown, op = 'fit'): CustomCallbackArgs[] {
  if (value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  list.forEach((cb, i) => {
    const name = Array.isArray(value) ? `callbacks[${i}]` : 'callbacks';
    checkObject(op, name, cb);
    for (const hook of HOOKS) {
      if (cb[hook] !== undefined && typeof cb[hook] !== 'function') throw new Error(`${op}: ${name}.${hook} must be a function, got ${describe(cb[hook])}`);
    }
    // A plain object of hooks: a misspelt hook would never be called, so it is refused (class instances may hold state).
    if (Object.getPrototypeOf(cb) === Object.prototype) checkOptions(op, name, cb, Object.fromEntries(HOOKS.map((h) => [h, is.fn])));
  });
  return list as CustomCallbackArgs[];
}

/** Calls a hook on every callback in turn, awaiting those that return a promise; callbacks are told the model first. */
export function hookCaller(model: TrainingModel, hooks: CustomCallbackArgs[]) {
  for (const cb of hooks) (cb as { setModel?: (m: TrainingModel) => void }).setModel?.(model);
  return async (name: (typeof HOOKS)[number], ...a: unknown[]): Promise<void> => {
    for (const cb of hooks) {
      const r = (cb[name] as ((...args: unknown[]) => unknown) | undefined)?.apply(cb, a);
      if (r instanceof Promise) await r;
    }
  };
}

/** fit's verbose when not given: the progress bar in a terminal, silence in browsers and when piped. */
export function defaultVerbose(): 0 | 1 {
  return !inBrowser && (globalThis as { process?: { stdout?: { isTTY?: boolean } } }).process?.stdout?.isTTY ? 1 : 0;
}

/**
 * The progress for verbose 1 (redrawn in place in a terminal) or 2 (a plain line per pass), over passes of
 * `steps` steps (NaN when not known). Always a plain line when stdout is not a terminal (a file, CI); none
 * without process.stdout (browsers), where TF.js prints nothing either.
 */
export function progressBar(verbose: number, steps: number): ProgressBar | null {
  const out = (globalThis as { process?: { stdout?: ProgressOutput & { isTTY?: boolean } } }).process?.stdout;
  return verbose && out ? new ProgressBar(steps, out, verbose === 1 && !!out.isTTY) : null;
}

/** Milliseconds between yields to the event loop for fit's yieldEvery. */
export function yieldInterval(yieldEvery: 'auto' | 'batch' | 'epoch' | 'never' | number): number {
  return yieldEvery === 'auto' ? (inBrowser ? 16 : 125) : typeof yieldEvery === 'number' ? yieldEvery : yieldEvery === 'batch' ? 0 : Infinity;
}
