// Training callbacks with TF.js's hook names, the History that fit() returns, early stopping (with Keras's
// restoreBestWeights), and the Keras-style progress bar that verbose: 1 draws in a terminal.

import { checkOptions, is, type Schema } from '../validate.js';

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

export class History {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};
  constructor(readonly params: { epochs: number; samples: number; batchSize: number; metrics: string[] }) {}
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
};

/** Keras-style progress: a bar redrawn in place on a terminal, one line per epoch elsewhere. */
export class ProgressBar {
  private lastDraw = 0;
  private epochStart = 0;
  constructor(
    private readonly epochs: number,
    private readonly samples: number,
    private readonly write: (text: string) => void,
    private readonly tty: boolean,
  ) {}

  epochBegin(epoch: number): void {
    this.epochStart = performance.now();
    this.lastDraw = 0;
    if (this.tty) this.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
  }

  /** Redraws at most ten times a second (logs are computed only then). */
  progress(seen: number, logs: () => Logs): void {
    const now = performance.now();
    if (!this.tty || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.write(`\r${this.line(seen, logs(), now)}`);
  }

  /** `seen`: the samples of the epoch, when the total was not known (a dataset). */
  epochEnd(epoch: number, logs: Logs, seen = this.samples): void {
    const line = this.line(seen, logs, performance.now());
    this.write(this.tty ? `\r${line}\n` : `Epoch ${epoch + 1}/${this.epochs} ${line}\n`);
  }

  private line(seen: number, logs: Logs, now: number): string {
    const seconds = (now - this.epochStart) / 1000;
    const rate = seen / Math.max(seconds, 1e-9);
    const metrics = Object.entries(logs)
      .map(([k, v]) => `${k}: ${v.toFixed(4)}`)
      .join(' - ');
    if (!Number.isFinite(this.samples)) return `${seen} samples ${seconds.toFixed(1)}s ${Math.round(rate)} samples/s - ${metrics}`;
    const width = 24;
    const done = Math.round((width * seen) / this.samples);
    const bar = done >= width ? '='.repeat(width) : `${'='.repeat(done)}>${'.'.repeat(width - done - 1)}`;
    const count = String(seen).padStart(String(this.samples).length);
    return `${count}/${this.samples} [${bar}] ${seconds.toFixed(1)}s ${Math.round(rate)} samples/s - ${metrics}`;
  }
}
