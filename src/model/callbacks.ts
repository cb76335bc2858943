// Training callbacks with TF.js's hook names, the History that fit() returns, early stopping (with Keras's
// restoreBestWeights), inspect (in inspect.ts), and the Keras-style progress of fit, fitDataset and evaluate:
// a line redrawn in place in a terminal, fitted to its width, or a plain line per pass in a log.

import { checkOptions, is, type Schema } from '../validate.js';
import { Inspect, type InspectArgs } from './inspect.js';

export type Logs = Record<string, number>;

/** Hooks fit() calls; any may return a Promise, which fit awaits. */
export interface CustomCallbackArgs {
  onTrainBegin?: (logs?: Logs) => void | Promise<void>;
  onTrainEnd?: (logs?: Logs) => void | Promise<void>;
  onEpochBegin?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onEpochEnd?: (epoch: number, logs?: Logs) => void | Promise<void>;
  onBatchBegin?: (batch: number, logs?: Logs) => void | Promise<void>;
  onBatchEnd?: (batch: number, logs?: Logs) => void | Promise<void>;
  /** Called each time fit yields to the event loop (see yieldEvery). */
  onYield?: (epoch: number, batch: number, logs: Logs) => void | Promise<void>;
}

/** What a callback may need of the model it watches. */
export interface TrainingModel {
  stopTraining: boolean;
  /** @internal A copy of all weights, for restoring later. */
  snapshotWeights(): Float32Array;
  /** @internal Restores a snapshot. */
  restoreWeights(snapshot: Float32Array): void;
}

export abstract class Callback {
  protected model: TrainingModel | null = null;
  setModel(model: TrainingModel): void {
    this.model = model;
  }
}

/** A fit's parameters as TF.js's History gives them (fitDataset's samples, batch size and initial epoch are null there). */
export interface HistoryParams {
  epochs: number;
  initialEpoch: number | null;
  samples: number | null;
  steps: number | null;
  batchSize: number | null;
  verbose: number;
  doValidation: boolean;
  metrics: string[];
}

export class History {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  constructor(readonly params: HistoryParams) {}
  /** @internal */
  record(epoch: number, logs: Logs): void {
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) (this.history[key] ??= []).push(value);
  }
}

export interface EarlyStoppingArgs {
  monitor?: string;
  minDelta?: number;
  patience?: number;
  mode?: 'auto' | 'min' | 'max';
  baseline?: number;
  restoreBestWeights?: boolean;
  /** 1: prints a line when it stops training. */
  verbose?: 0 | 1;
}

const EARLY_STOPPING: Schema = {
  monitor: is.string,
  minDelta: is.number(),
  patience: is.int(0),
  mode: is.oneOf('auto', 'min', 'max'),
  baseline: is.number(),
  restoreBestWeights: is.bool,
  verbose: is.oneOf(0, 1),
};

/** Stops training when `monitor` stops improving for `patience` epochs; optionally restores the best weights. */
export class EarlyStopping extends Callback {
  readonly monitor: string;
  readonly minDelta: number;
  readonly patience: number;
  readonly restoreBestWeights: boolean;
  private readonly sign: number;
  private readonly baseline: number | undefined;
  private readonly verbose: number;
  private best = Infinity;
  private wait = 0;
  private bestWeights: Float32Array | null = null;

  constructor(args?: EarlyStoppingArgs) {
    super();
    const { monitor = 'val_loss', minDelta = 0, patience = 0, mode = 'auto', baseline, restoreBestWeights = false, verbose = 0 } = checkOptions('earlyStopping', 'args', args, EARLY_STOPPING);
    this.verbose = verbose;
    this.monitor = monitor;
    this.minDelta = Math.abs(minDelta);
    this.patience = patience;
    this.restoreBestWeights = restoreBestWeights;
    // Keras's 'auto': accuracies are maximised, everything else minimised.
    this.sign = mode === 'max' || (mode === 'auto' && /acc/.test(monitor)) ? -1 : 1;
    this.baseline = baseline;
  }

  onTrainBegin(): void {
    this.best = this.baseline === undefined ? Infinity : this.sign * this.baseline;
    this.wait = 0;
    this.bestWeights = null;
  }

  onEpochEnd(epoch: number, logs: Logs = {}): void {
    const value = logs[this.monitor];
    if (value === undefined) {
      // As TF.js: a warning, not an Error that would end training half-way.
      console.warn(`earlyStopping: monitor '${this.monitor}' is not among the logged values (${Object.keys(logs).join(', ')}); not stopping`);
      return;
    }
    const score = this.sign * value;
    if (score < this.best - this.minDelta) {
      this.best = score;
      this.wait = 0;
      if (this.restoreBestWeights) this.bestWeights = this.model!.snapshotWeights();
      return;
    }
    // TF.js's and Keras's count: stop after `patience` epochs without improvement (at once for 0).
    if (++this.wait >= this.patience) {
      this.model!.stopTraining = true;
      if (this.bestWeights) this.model!.restoreWeights(this.bestWeights);
      if (this.verbose > 0) console.log(`Epoch ${epoch + 1}: early stopping`);
    }
  }
}

export const callbacks = {
  earlyStopping: (args?: EarlyStoppingArgs) => new EarlyStopping(args),
  /**
   * Reports per layer and per epoch the loss gradient's norm, the weights' norm and update ratio, and the
   * outputs' mean, spread and dead ReLUs, on a sample of x and y (not in TF.js).
   * @example await model.fit(xs, ys, { epochs: 5, callbacks: [tf.callbacks.inspect({ x: xs, y: ys, sample: 256 })] });
   */
  inspect: (args: InspectArgs) => new Inspect(args),
};

/** Where a progress bar writes: process.stdout, or a stand-in with the same two members. */
export interface ProgressOutput {
  write(text: string): unknown;
  /** The terminal's width, read at each redraw (a resized window is followed). */
  readonly columns?: number;
}

/**
 * Keras-style progress for a pass (an epoch, an evaluation) of `steps` steps (NaN when not known ahead). In a
 * terminal one line is redrawn in place, fitted to the width, and left as the pass's summary; elsewhere (a
 * log file, CI, verbose 2) one plain line per pass, without escape codes.
 */
export class ProgressBar {
  private start = 0;
  private lastDraw = -Infinity;
  private title = '';
  /** Where the pass is: its steps and samples so far. */
  private step = 0;
  private samples = 0;
  constructor(
    private readonly steps: number,
    private readonly out: ProgressOutput,
    private readonly tty: boolean,
  ) {}

  /** Starts a pass; a title (`Epoch 1/3`) gets a line of its own in a terminal, and leads the plain line. */
  begin(title = ''): void {
    this.start = performance.now();
    this.lastDraw = -Infinity;
    this.title = title;
    this.step = this.samples = 0;
    if (this.tty && title) this.out.write(`${title}\n`);
  }

  /** Redraws at most ten times a second, so printing never slows training (the logs are computed only then). */
  progress(step: number, samples: number, logs: () => Logs): void {
    this.step = step;
    this.samples = samples;
    if (!this.tty) return;
    const now = performance.now();
    if (now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.draw({ step, steps: this.steps, samples, seconds: (now - this.start) / 1000, logs: logs(), done: false });
  }

  /** Ends the pass where its last progress left it, with a summary always printed; a pass of unknown length now knows it. */
  end(logs: Logs): void {
    const { step, samples } = this;
    const steps = Number.isNaN(this.steps) ? step : this.steps;
    const progress = { step, steps, samples, seconds: (performance.now() - this.start) / 1000, logs, done: true };
    if (this.tty) this.draw(progress, '\n');
    else this.out.write(`${this.title ? `${this.title} - ` : ''}${progressLine(progress)}\n`);
  }

  /** Back to the line's start, the line, then erase-to-end-of-line for what a longer line left behind. */
  private draw(progress: Progress, end = ''): void {
    // One column short of the width: a character in the last column leaves the cursor pending a wrap, where
    // some terminals wrap at the next character and erase-to-end-of-line takes that column's character.
    this.out.write(`\r${progressLine(progress, (this.out.columns || 80) - 1)}\x1b[K${end}`);
  }
}

/** What a progress line tells of a pass. */
export interface Progress {
  step: number;
  /** NaN when not known (a dataset without batchesPerEpoch): no bar, no ETA. */
  steps: number;
  samples: number;
  /** Since the pass began. */
  seconds: number;
  logs: Logs;
  /** The pass is over: the time per step in place of the ETA. */
  done: boolean;
}

const BAR_WIDTH = { min: 10, max: 30 };
const BAR = -1;

/**
 * A pass's line, `37/250 [=====>....] 3s ETA 5s - loss: 0.1234 - acc: 0.9876 - 812 samples/s`, or once done
 * `250/250 [==========] 6s 24ms/step - loss: ...`. Fitted to `width` columns: the bar shrinks first, then parts
 * are left out until the line fits. While the pass runs: samples/s, the elapsed time, the metrics, the bar,
 * the ETA, the loss. Once done, when the numbers matter more than the times: samples/s, the bar, the times,
 * the metrics, the loss. Metrics go from the last logged up, each one's val_ value before it (so val_loss
 * stays beside the loss, logged first); the count stays. Without a width (a log file): all but the bar.
 */
export function progressLine(p: Progress, width?: number): string {
  const known = !Number.isNaN(p.steps);
  const count = known ? `${String(p.step).padStart(String(p.steps).length)}/${p.steps}` : `${p.step}/?`;
  const perStep = p.seconds / Math.max(p.step, 1);
  const elapsed = ` ${duration(p.seconds)}`;
  const time = p.done ? ` ${stepTime(perStep)}` : known ? ` ETA ${duration(perStep * (p.steps - p.step))}` : '';
  const keys = Object.keys(p.logs);
  const logs = keys.map((key) => ` - ${key}: ${logValue(p.logs[key])}`);
  const rate = ` - ${Math.round(p.samples / Math.max(p.seconds, 1e-6))} samples/s`;
  if (width === undefined) return count + elapsed + time + logs.join('') + rate;

  // The parts in the order shown; the order they are left out in names them by index (BAR for the bar).
  const parts = [elapsed, time, ...logs, rate];
  const [ELAPSED, TIME, RATE] = [0, 1, parts.length - 1];
  // The logs from the most important: in the order logged, each one's val_ value right after it.
  const rank = (key: string, i: number) => {
    const twin = keys.indexOf(key.replace(/^val_/, ''));
    return twin < 0 || twin === i ? 2 * i : 2 * twin + 1;
  };
  const important = keys.map((key, i) => [rank(key, i), 2 + i]).sort(([a], [b]) => a - b).map(([, part]) => part);
  const [loss, metrics] = [important.slice(0, 1), important.slice(1).reverse()];
  const leaveOut = p.done ? [RATE, BAR, ELAPSED, TIME, ...metrics, ...loss] : [RATE, ELAPSED, ...metrics, BAR, TIME, ...loss];
  for (let n = 0; n <= leaveOut.length; n++) {
    const out = new Set(leaveOut.slice(0, n));
    const text = parts.filter((_, i) => !out.has(i)).join('');
    const room = width - count.length - text.length;
    const withBar = known && !out.has(BAR);
    if (withBar && room >= ' []'.length + BAR_WIDTH.min) return `${count} [${bar(p.step / p.steps, Math.min(room - ' []'.length, BAR_WIDTH.max))}]${text}`;
    if (!withBar && room >= 0) return count + text;
  }
  return count.slice(0, Math.max(width, 0));
}

/** `=====>....`: the done fraction of `width` characters, `>` at the front while not complete. */
function bar(fraction: number, width: number): string {
  const done = Math.min(Math.floor(fraction * width), width);
  return done >= width ? '='.repeat(width) : `${'='.repeat(done)}>${'.'.repeat(width - done - 1)}`;
}

/** `7s`, `2:05`, `1:02:05`, as Keras gives times. */
function duration(seconds: number): string {
  const s = Math.floor(seconds);
  const two = (n: number) => String(n).padStart(2, '0');
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}:${two(s % 60)}`;
  return `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

/** `2s/step`, `24ms/step`, `310us/step`. */
function stepTime(seconds: number): string {
  if (seconds >= 1) return `${Math.round(seconds)}s/step`;
  return seconds >= 1e-3 ? `${Math.round(seconds * 1e3)}ms/step` : `${Math.round(seconds * 1e6)}us/step`;
}

/** Four decimals, as Keras, but in exponent form where they would show a small loss as 0.0000. */
function logValue(v: number): string {
  return v === 0 || !(Math.abs(v) < 1e-3) ? v.toFixed(4) : v.toExponential(4);
}
