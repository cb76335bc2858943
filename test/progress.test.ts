// The progress of fit, fitDataset and evaluate: the line fitted to a terminal's width (a pure function, at
// 40 to 120 columns), the bar's throttled redraws, and what a real pseudo-terminal (util-linux `script`) of
// 60 and 120 columns and a pipe receive from a training script (test/progress-child.ts).

import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import * as tf from '../src/index.js';
import { type Progress, ProgressBar, progressLine } from '../src/model/callbacks.js';

const WIDTHS = [40, 60, 80, 120];

/** Step 37 of 250 at 0.1 s a step, 32 samples a step. */
const running: Progress = { step: 37, steps: 250, samples: 37 * 32, seconds: 3.7, logs: { loss: 0.1234, acc: 0.9876 }, done: false };
/** All 250 steps in 25 s, with validation. */
const done: Progress = { step: 250, steps: 250, samples: 8000, seconds: 25, logs: { loss: 0.1234, acc: 0.9876, val_loss: 0.2345, val_acc: 0.8765 }, done: true };

/** The bar's width in a line, 0 for none. */
const barWidth = (line: string) => /\[([=>.]*)\]/.exec(line)?.[1].length ?? 0;

describe('progressLine', () => {
  it('shows everything with a 30-character bar when there is room', () => {
    expect(progressLine(running, 119)).toBe(' 37/250 [====>.........................] 3s ETA 21s - loss: 0.1234 - acc: 0.9876 - 320 samples/s');
    expect(progressLine(done, 159)).toBe('250/250 [==============================] 25s 100ms/step - loss: 0.1234 - acc: 0.9876 - val_loss: 0.2345 - val_acc: 0.8765 - 320 samples/s');
  });

  it.each(WIDTHS)('fits a running line in %i columns, the bar shrinking first', (columns) => {
    const line = progressLine(running, columns - 1);
    expect(line.length).toBeLessThan(columns);
    expect(line).toMatch(/^ 37\/250 /);
    expect(line).toContain('ETA 21s');
    expect(line).toContain('loss: 0.1234');
    const expected: Record<number, { bar: boolean; acc: boolean; rate: boolean; elapsed: boolean }> = {
      40: { bar: false, acc: false, rate: false, elapsed: false },
      60: { bar: true, acc: true, rate: false, elapsed: false },
      80: { bar: true, acc: true, rate: true, elapsed: true },
      120: { bar: true, acc: true, rate: true, elapsed: true },
    };
    const { bar, acc, rate, elapsed } = expected[columns];
    expect(barWidth(line) > 0).toBe(bar);
    if (bar) expect(barWidth(line)).toBeGreaterThanOrEqual(10);
    expect(line.includes('acc: 0.9876')).toBe(acc);
    expect(line.includes('320 samples/s')).toBe(rate);
    expect(line.includes(' 3s ETA')).toBe(elapsed);
  });

  it('shrinks the bar before leaving anything out, and never widens it past 30', () => {
    const widths = [200, 119, 99, 90, 85, 80].map((w) => barWidth(progressLine(running, w)));
    expect(widths).toEqual([30, 30, 30, 24, 19, 14]); // the line is 63 characters and ' []' without the bar
    const full = progressLine(running, 200);
    for (const w of [119, 99, 90, 85, 80]) expect(progressLine(running, w).replace(/\[[=>.]*\]/, '')).toBe(full.replace(/\[[=>.]*\]/, ''));
  });

  it.each(WIDTHS)('fits an epoch summary in %i columns, keeping the numbers before the times and val_loss beside the loss', (columns) => {
    const line = progressLine(done, columns - 1);
    expect(line.length).toBeLessThan(columns);
    expect(line).toMatch(/^250\/250 /);
    expect(line).toContain('loss: 0.1234');
    const shown = (key: string) => line.includes(` ${key}: `);
    const expected: Record<number, string[]> = { 40: ['loss'], 60: ['loss', 'acc', 'val_loss'], 80: ['loss', 'acc', 'val_loss', 'val_acc'], 120: ['loss', 'acc', 'val_loss', 'val_acc'] };
    expect(['loss', 'acc', 'val_loss', 'val_acc'].filter(shown)).toEqual(expected[columns]);
    // The times and the (full) bar go before any number.
    if (columns < 120) expect(line).not.toMatch(/ms\/step|\[/);
    else expect(line).toContain('100ms/step');
  });

  it('gives val_loss up after the other metrics and before the loss', () => {
    const summary = { ...done, logs: { loss: 1, acc: 0.5, mae: 0.25, val_loss: 2, val_acc: 0.75, val_mae: 0.125 } };
    const kept = (width: number) => Object.keys(summary.logs).filter((key) => progressLine(summary, width).includes(` ${key}: `));
    const seen = new Set<string>();
    for (let width = 200; width >= 10; width--) seen.add(kept(width).join(','));
    expect([...seen]).toEqual(['loss,acc,mae,val_loss,val_acc,val_mae', 'loss,acc,mae,val_loss,val_acc', 'loss,acc,val_loss,val_acc', 'loss,acc,val_loss', 'loss,val_loss', 'loss', '']);
  });

  it('shows the count without a bar or an ETA when the steps are not known', () => {
    const unknown = { ...running, steps: NaN };
    for (const columns of WIDTHS) {
      const line = progressLine(unknown, columns - 1);
      expect(line.length).toBeLessThan(columns);
      expect(line).toMatch(/^37\/\? /);
      expect(line).not.toMatch(/\[|ETA/);
    }
    expect(progressLine(unknown, 119)).toBe('37/? 3s - loss: 0.1234 - acc: 0.9876 - 320 samples/s');
  });

  it('never passes the width, down to cutting the count', () => {
    const many = { ...done, logs: Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`metric_${i}`, i / 7])) };
    for (const p of [running, done, many, { ...running, steps: NaN }, { ...running, logs: {} }]) {
      for (let width = 0; width <= 160; width++) expect(progressLine(p, width).length).toBeLessThanOrEqual(width);
    }
    expect(progressLine(running, 4)).toBe(' 37/');
  });

  it('writes a plain line without a width: everything but the bar', () => {
    expect(progressLine(done)).toBe('250/250 25s 100ms/step - loss: 0.1234 - acc: 0.9876 - val_loss: 0.2345 - val_acc: 0.8765 - 320 samples/s');
  });

  it('gives times as Keras does and small values in exponent form', () => {
    const at = (seconds: number, step: number) => progressLine({ step, steps: 1000, samples: step, seconds, logs: { loss: 1.5e-5, acc: 0 }, done: false }, 200);
    expect(at(125, 500)).toContain(' 2:05 ETA 2:05 - loss: 1.5000e-5 - acc: 0.0000');
    expect(at(3725, 500)).toContain(' 1:02:05 ETA 1:02:05 ');
    const perStep = (seconds: number) => progressLine({ ...done, step: 10, steps: 10, seconds }, 200);
    expect(perStep(25)).toContain(' 25s 3s/step ');
    expect(perStep(0.025)).toContain(' 0s 3ms/step ');
    expect(perStep(0.0025)).toContain(' 0s 250us/step ');
    expect(progressLine({ ...done, logs: { loss: NaN } }, 200)).toContain('loss: NaN');
  });
});

describe('ProgressBar', () => {
  let now = 0;
  afterEach(() => vi.restoreAllMocks());
  /** A bar writing into a list, on a clock the test moves. */
  function barOn(tty: boolean, steps = 10, columns?: number) {
    now = 0;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const written: string[] = [];
    const out = { columns, write: (text: string) => written.push(text) };
    return { bar: new ProgressBar(steps, out, tty), written, out };
  }

  it('redraws in place at most ten times a second, the first step and the summary always', () => {
    const { bar, written } = barOn(true, 1000, 100);
    let computed = 0;
    const logs = () => (computed++, { loss: 0.5 });
    bar.begin('Epoch 1/2');
    for (let step = 1; step <= 1000; step++) {
      now = step; // a step a millisecond
      bar.progress(step, step * 8, logs);
    }
    bar.end({ loss: 0.25 });
    expect(written[0]).toBe('Epoch 1/2\n');
    const draws = written.slice(1);
    expect(draws).toHaveLength(10 + 1); // steps 1, 101, ..., 901 (a second of them), then the summary
    expect(computed).toBe(10); // the logs only for the lines drawn
    expect(draws.slice(0, 3).map((d) => /^\r\s*(\d+)\//.exec(d)?.[1])).toEqual(['1', '101', '201']);
    for (const d of draws.slice(0, -1)) expect(d).toMatch(/^\r.*ETA.*\x1b\[K$/);
    expect(draws.at(-1)).toMatch(/^\r1000\/1000 \[=+\] 1s 1ms\/step - loss: 0\.2500 - 8000 samples\/s\x1b\[K\n$/);
  });

  it('follows the terminal width at each redraw, one column short of it', () => {
    const { bar, written, out } = barOn(true, 10, 120);
    bar.begin();
    bar.progress(1, 1, () => ({ loss: 1 }));
    out.columns = 30;
    now = 1000;
    bar.progress(2, 2, () => ({ loss: 1 }));
    expect(written[0].length - '\r\x1b[K'.length).toBeGreaterThan(30);
    expect(written[1].length - '\r\x1b[K'.length).toBeLessThanOrEqual(29);
  });

  it('prints one plain line per pass when not on a terminal, titled and without escape codes', () => {
    const { bar, written } = barOn(false, NaN);
    bar.begin('Epoch 2/3');
    for (let step = 1; step <= 7; step++) bar.progress(step, step * 4, () => ({ loss: 1 }));
    now = 700;
    bar.end({ loss: 0.125 });
    expect(written).toEqual(['Epoch 2/3 - 7/7 0s 100ms/step - loss: 0.1250 - 40 samples/s\n']);
  });
});

describe('verbose options', () => {
  it('are checked as TF.js types them: fit 0, 1, 2; evaluate 0, 1; predict a boolean', async () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [3] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const [x, y] = [tf.zeros([4, 3]), tf.zeros([4, 1])];
    await expect(model.fit(x, y, { verbose: 3 as 2 })).rejects.toThrow('fit: verbose must be one of 0, 1, 2, false, true, got 3');
    expect(() => model.evaluate(x, y, { verbose: 2 as 1 })).toThrow('evaluate: verbose must be one of 0, 1, false, true, got 2');
    await expect(model.evaluateDataset(tf.data.array([]) as never, { verbose: 2 as 1 })).rejects.toThrow('evaluateDataset: verbose must be one of 0, 1, false, true, got 2');
    expect(() => model.predict(x, { verbose: 1 as unknown as boolean })).toThrow('predict: verbose must be true or false, got 1');
    tf.dispose([x, y]);
    model.dispose();
  });
});

// ---- a real terminal and a pipe ----

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CHILD = 'test/progress-child.ts';
const hasScript = spawnSync('script', ['--version']).status === 0;
if (!hasScript && process.env.CI === 'true') throw new Error('util-linux `script` is required under CI=true (apt-get install -y util-linux)');

/** What a command writes to stdout, with no stdin and no inherited NODE_OPTIONS. */
function output(command: string, args: string[]): Promise<string> {
  const env = { ...process.env };
  delete env.NODE_OPTIONS;
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let [stdout, stderr] = ['', ''];
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${command} exited with ${code}: ${stderr}${stdout}`))));
  });
}

const inTerminal = (columns: number) => output('script', ['-qfec', `stty cols ${columns} rows 40; exec '${process.execPath}' --import tsx ${CHILD}`, '/dev/null']);
const piped = () => output(process.execPath, ['--import', 'tsx', CHILD]);

/** The child's output by part (`#name` lines). */
function parts(text: string): Record<string, string> {
  const pieces = text.split(/^#(.+?)\r?\n/m);
  const byName: Record<string, string> = {};
  for (let i = 1; i < pieces.length; i += 2) byName[pieces[i]] = pieces[i + 1];
  return byName;
}

/** What a terminal shows for the bytes: its lines, and the furthest column written. */
function screen(bytes: string): { lines: string[]; widest: number } {
  const lines = [''];
  let [column, widest] = [0, 0];
  for (const token of bytes.match(/\x1b\[[0-9;]*[A-Za-z]|\r|\n|[^\x1b\r\n]+/g) ?? []) {
    const last = lines.length - 1;
    if (token === '\r') column = 0;
    else if (token === '\n') lines.push('');
    else if (token === '\x1b[K') lines[last] = lines[last].slice(0, column);
    else if (token.startsWith('\x1b')) throw new Error(`unexpected escape code ${JSON.stringify(token)}`);
    else {
      lines[last] = lines[last].slice(0, column).padEnd(column) + token + lines[last].slice(column + token.length);
      column += token.length;
      widest = Math.max(widest, column);
    }
  }
  return { lines: lines.filter((line) => line !== ''), widest };
}

/** Each line drawn: the text after each carriage return, without escape codes. */
const draws = (bytes: string) => bytes.split(/\r\n?|\n/).map((d) => d.replaceAll('\x1b[K', '')).filter((d) => d !== '');

/** What the screen shows after n epochs: each one's title, then its summary. */
const epochs = (n: number, summary: RegExp) => Array.from({ length: n }, (_, i) => [`Epoch ${i + 1}/${n}`, expect.stringMatching(summary)]).flat();

describe.skipIf(!hasScript)('in a terminal and through a pipe', () => {
  const runs: Record<string, Record<string, string>> = {};
  beforeAll(async () => {
    const [narrow, wide, pipe] = await Promise.all([inTerminal(60), inTerminal(120), piped()]);
    Object.assign(runs, { 60: parts(narrow), 120: parts(wide), pipe: parts(pipe) });
  }, 60_000);

  it.each([60, 120])('at %i columns: one line rewritten in place, never wrapping, one summary per epoch', (columns) => {
    const run = runs[columns];
    const history = JSON.parse(run['fit history']) as Record<string, number[]>;
    // verbose 2's lines are a log's, whole, and may wrap as any printed line does.
    for (const [name, body] of Object.entries(run)) if (!['fit history', 'fit verbose 2'].includes(name)) expect(screen(body).widest, name).toBeLessThan(columns);

    const fit = run.fit;
    expect(fit).toContain('\r');
    expect(fit).toContain('\x1b[K');
    const live = draws(fit).filter((d) => /^\s*\d+\/15 \[[=>.]+\] .*ETA \d+s - loss: /.test(d));
    expect(live.length).toBeGreaterThanOrEqual(2 * 3); // the first step and at least one more each epoch (15 steps of 8 ms or more)
    const { lines } = screen(fit);
    expect(lines).toEqual(epochs(3, /^15\/15 .*- loss: [\d.]+ - mae: [\d.]+ .*- val_loss: [\d.]+/));
    lines.filter((_, i) => i % 2 === 1).forEach((summary, epoch) => {
      expect(summary).toContain(`- loss: ${history.loss[epoch].toFixed(4)}`);
      expect(summary).toContain(`- val_loss: ${history.val_loss[epoch].toFixed(4)}`);
    });
    if (columns === 120) {
      expect(live.every((d) => barWidth(d) === 30 && / \d+s ETA \d+s .* - \d+ samples\/s$/.test(d))).toBe(true);
      expect(lines[1]).toMatch(/^15\/15 \d+s \d+(ms|us)\/step - loss: [\d.]+ - mae: [\d.]+ - mse: [\d.]+ - val_loss: [\d.]+ - val_mae: [\d.]+ - val_mse: [\d.]+$/);
    } else {
      expect(live.every((d) => barWidth(d) >= 10 && barWidth(d) < 30 && !d.includes('samples/s'))).toBe(true);
      expect(lines[1]).toMatch(/^15\/15 - loss: [\d.]+ - mae: [\d.]+ - val_loss: [\d.]+$/);
    }

    // fit's default in a terminal is the bar; verbose 2 is a plain line per epoch even there.
    expect(screen(run['fit default']).lines).toEqual(epochs(2, /^10\/10 /));
    const plain = run['fit verbose 2'];
    expect(plain).not.toMatch(/\x1b|\r(?!\n)/);
    expect(plain.split('\r\n').filter(Boolean)).toEqual([expect.stringMatching(/^Epoch 1\/2 - 10\/10 \d+s /), expect.stringMatching(/^Epoch 2\/2 - 10\/10 \d+s /)]);
  });

  it.each([60, 120])('at %i columns: a dataset of unknown length counts steps without a bar or an ETA; evaluate and predict end in one summary', (columns) => {
    const run = runs[columns];
    const unknown = draws(run.fitDataset).filter((d) => /^\d+\/\? /.test(d));
    expect(unknown.length).toBeGreaterThanOrEqual(2 * 2);
    expect(unknown.some((d) => /\[|ETA/.test(d))).toBe(false);
    expect(screen(run.fitDataset).lines).toEqual(epochs(2, /^20\/20 .*- loss: /));

    expect(draws(run['fitDataset batchesPerEpoch']).filter((d) => /^\s*\d+\/10 \[[=>.]+\] .*ETA/.test(d)).length).toBeGreaterThanOrEqual(2);
    expect(screen(run['fitDataset batchesPerEpoch']).lines).toEqual(epochs(2, /^10\/10 .*- loss: /));

    expect(draws(run.evaluate).some((d) => /^ 1\/20 \[[=>.]+\] .*ETA \d+s - loss: /.test(d))).toBe(true);
    expect(screen(run.evaluate).lines).toEqual([expect.stringMatching(/^20\/20 .*- loss: [\d.]+ - mae: [\d.]+/)]);
    expect(draws(run.evaluateDataset).some((d) => /^1\/\? .*- loss: /.test(d))).toBe(true);
    expect(screen(run.evaluateDataset).lines).toEqual([expect.stringMatching(/^20\/20 .*- loss: [\d.]+ - mae: [\d.]+/)]);
    expect(screen(run.predict).lines).toEqual([expect.stringMatching(/^5\/5 \[=+\] \d+s \d+(ms|us)\/step - \d+ samples\/s$/)]);
  });

  it('through a pipe: plain lines only, one per epoch (none by default), one per evaluation', () => {
    const run = runs.pipe;
    for (const [name, body] of Object.entries(run)) expect(body, name).not.toMatch(/[\r\x1b]/);
    const history = JSON.parse(run['fit history']) as Record<string, number[]>;
    const lines = (name: string) => run[name].split('\n').filter(Boolean);
    const fit = lines('fit');
    expect(fit).toHaveLength(3);
    fit.forEach((line, epoch) => {
      const [loss, mae, mse, valLoss, valMae, valMse] = ['loss', 'mae', 'mse', 'val_loss', 'val_mae', 'val_mse'].map((key) => history[key][epoch].toFixed(4));
      expect(line).toMatch(new RegExp(`^Epoch ${epoch + 1}/3 - 15/15 \\d+s \\d+(ms|us)/step - loss: ${loss} - mae: ${mae} - mse: ${mse} - val_loss: ${valLoss} - val_mae: ${valMae} - val_mse: ${valMse} - \\d+ samples/s$`));
    });
    expect(run['fit default']).toBe('');
    expect(lines('fit verbose 2')).toEqual([expect.stringMatching(/^Epoch 1\/2 - 10\/10 /), expect.stringMatching(/^Epoch 2\/2 - 10\/10 /)]);
    expect(lines('fitDataset')).toEqual([expect.stringMatching(/^Epoch 1\/2 - 20\/20 \d+s /), expect.stringMatching(/^Epoch 2\/2 - 20\/20 \d+s /)]);
    expect(lines('fitDataset batchesPerEpoch')).toEqual([expect.stringMatching(/^Epoch 1\/2 - 10\/10 /), expect.stringMatching(/^Epoch 2\/2 - 10\/10 /)]);
    expect(lines('evaluate')).toEqual([expect.stringMatching(/^20\/20 \d+s \d+(ms|us)\/step - loss: [\d.]+ - mae: [\d.]+ - mse: [\d.]+ - \d+ samples\/s$/)]);
    expect(lines('evaluateDataset')).toEqual([expect.stringMatching(/^20\/20 \d+s \d+(ms|us)\/step - loss: /)]);
    expect(lines('predict')).toEqual([expect.stringMatching(/^5\/5 \d+s \d+(ms|us)\/step - \d+ samples\/s$/)]);
  });
});
