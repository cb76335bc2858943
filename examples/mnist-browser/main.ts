// The MNIST page: the controls, the live progress, the learning curve and the confusion matrix, and the
// drawing pad. The model lives in a worker (trainer.ts) that loads the digits, trains and classifies, so
// the page's thread only draws. Nothing is saved between visits.

import { drawConfusion } from './confusion.js';
import { drawCurves } from './curve.js';
import { DIGITS_FILE } from './digits-format.js';
import { toMnistInput } from './preprocess.js';
import { BATCH_SIZE, CLASSES, type EpochLogs, type FromWorker, type ModelKind, type ToWorker } from './protocol.js';
import { Sketchpad } from './sketchpad.js';

declare global {
  interface Window {
    /** For tests. */
    mnistPage?: {
      /** Paints a 28x28 image (values in [0, 1]) on the pad; resolves to the class the page then shows. */
      paintDigit(pixels: ArrayLike<number>): Promise<number | null>;
      /** The class the page shows once it has classified the pad's latest change. */
      shownClass(): Promise<number | null>;
    };
  }
}

const element = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const modelSelect = element<HTMLSelectElement>('model');
const epochsInput = element<HTMLInputElement>('epochs');
const shiftInput = element<HTMLInputElement>('shift');
const trainButton = element<HTMLButtonElement>('train');
const status = element('status');
const progress = element('progress');
const progressFill = element('progress-fill');
const progressLabel = element('progress-label');
const testAccuracy = element('test-accuracy');
const trainAccuracy = element('train-accuracy');
const lossOutput = element('loss');
const speedOutput = element('speed');
const history = element<HTMLTableElement>('history');
const curves = element('curves');
const confusion = element<HTMLTableElement>('confusion');
const prediction = element('prediction');
const confidence = element('confidence');
const seenContext = element<HTMLCanvasElement>('seen').getContext('2d')!;

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
const count = (v: number) => Math.round(v).toLocaleString('en');
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

type State = 'loading' | 'ready' | 'training' | 'stopping' | 'trained' | 'error';
let state: State = 'loading';
function setState(next: State, message: string): void {
  state = next;
  document.body.dataset.state = next;
  status.textContent = message;
  const running = next === 'training' || next === 'stopping';
  trainButton.disabled = next === 'loading' || next === 'stopping' || next === 'error';
  trainButton.textContent = running ? 'Stop' : next === 'trained' ? 'Train more' : 'Train';
  modelSelect.disabled = epochsInput.disabled = shiftInput.disabled = running || next === 'loading';
}

const worker = new Worker(new URL('./trainer.ts', import.meta.url), { type: 'module' });
const post = (message: ToWorker, transfer: Transferable[] = []) => worker.postMessage(message, transfer);

/** What has been learned so far, reset with the model. */
let epochLogs: EpochLogs[] = [];
/** The running training goes from epoch firstEpoch to lastEpoch (counted from 0, lastEpoch excluded). */
let firstEpoch = 0;
let lastEpoch = 0;
let trainRows = 0;

worker.onmessage = ({ data: message }: MessageEvent<FromWorker>) => {
  switch (message.type) {
    case 'loaded':
      trainRows = message.trainRows;
      element('about').textContent =
        `${count(trainRows)} training and ${count(message.testRows)} held-out digits · ${message.library}` +
        `${globalThis.crossOriginIsolated ? ' · cross-origin isolated' : ''}`;
      post({ type: 'model', kind: modelSelect.value as ModelKind });
      break;
    case 'model':
      element('model-facts').textContent = `${count(message.params)} weights, trained in batches of ${BATCH_SIZE[message.kind]}.`;
      setState('ready', 'Ready: press Train.');
      break;
    case 'batch': {
      const done = message.epoch - firstEpoch + message.seen / trainRows;
      showProgress(done / (lastEpoch - firstEpoch), `Epoch ${message.epoch + 1} of ${lastEpoch} · ${count(message.seen)} / ${count(trainRows)} digits`);
      showValue(trainAccuracy, percent(message.acc), message.acc);
      lossOutput.textContent = message.loss.toFixed(4);
      speedOutput.textContent = count(message.samplesPerSecond);
      break;
    }
    case 'epoch':
      epochLogs.push(message.logs);
      showValue(testAccuracy, percent(message.logs.val_acc), message.logs.val_acc);
      showValue(trainAccuracy, percent(message.logs.acc), message.logs.acc);
      lossOutput.textContent = message.logs.loss.toFixed(4);
      speedOutput.textContent = count(message.samplesPerSecond);
      addHistoryRow(message.epoch, message.logs, message.samplesPerSecond);
      drawCurves(curves, epochLogs, lastEpoch);
      break;
    case 'trained':
      if (!message.stopped) showProgress(1, `Epoch ${lastEpoch} of ${lastEpoch} · done`);
      lastEpoch = message.epochs;
      drawCurves(curves, epochLogs, lastEpoch);
      drawConfusion(confusion, message.confusion);
      document.body.dataset.tensors = String(message.tensors);
      setState(
        message.epochs > 0 ? 'trained' : 'ready',
        `${message.stopped ? 'Stopped' : 'Trained'} after ${plural(message.epochs, 'epoch')}: now draw a digit.`,
      );
      void classifyDrawing();
      break;
    case 'classified':
      classified.get(message.id)?.(message.probabilities);
      classified.delete(message.id);
      break;
    case 'error':
      setState('error', `Failed: ${message.message}`);
      break;
  }
};
worker.onerror = (event) => setState('error', `The training worker failed: ${event.message}`);

function showValue(output: HTMLElement, text: string, value: number | null): void {
  output.textContent = text;
  output.dataset.value = value === null ? '' : String(value);
}

function showProgress(fraction: number, label: string): void {
  const value = Math.round(fraction * 100);
  progressFill.style.width = `${fraction * 100}%`;
  progress.dataset.percent = String(value);
  progress.setAttribute('aria-valuenow', String(value));
  progressLabel.textContent = label;
}

function addHistoryRow(epoch: number, logs: EpochLogs, rate: number): void {
  const row = document.createElement('tr');
  const cells: Array<[string, number]> = [
    [String(epoch + 1), epoch + 1],
    [logs.loss.toFixed(4), logs.loss],
    [percent(logs.acc), logs.acc],
    [percent(logs.val_acc), logs.val_acc],
    [count(rate), rate],
  ];
  for (const [text, value] of cells) {
    const cell = row.insertCell();
    cell.textContent = text;
    cell.dataset.value = String(value);
  }
  history.tBodies[0].prepend(row);
  history.hidden = false;
}

/** Forgets everything learned: a changed model choice starts again from new weights. */
function resetModel(): void {
  epochLogs = [];
  history.tBodies[0].replaceChildren();
  history.hidden = true;
  drawCurves(curves, epochLogs, 0);
  drawConfusion(confusion, null);
  for (const output of [testAccuracy, trainAccuracy]) showValue(output, '–', null);
  lossOutput.textContent = speedOutput.textContent = '–';
  showProgress(0, '\u00a0');
  setState('loading', 'Building the model…');
  post({ type: 'model', kind: modelSelect.value as ModelKind });
  void classifyDrawing();
}
modelSelect.addEventListener('change', resetModel);

function train(): void {
  // The box's own limits, applied where they can be seen.
  const epochs = Math.max(Number(epochsInput.min), Math.min(Number(epochsInput.max), Math.round(Number(epochsInput.value)) || 1));
  epochsInput.value = String(epochs);
  firstEpoch = epochLogs.length;
  lastEpoch = firstEpoch + epochs;
  setState('training', `Training ${plural(epochs, 'epoch')}…`);
  void classifyDrawing();
  showProgress(0, `Epoch ${firstEpoch + 1} of ${lastEpoch}`);
  drawCurves(curves, epochLogs, lastEpoch);
  post({ type: 'train', epochs, shift: shiftInput.checked });
}

trainButton.addEventListener('click', () => {
  if (state !== 'training') return train();
  post({ type: 'stop' });
  setState('stopping', 'Stopping at the end of this epoch…');
});

const bars = Array.from({ length: CLASSES }, (_, digit) => {
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.dataset.class = String(digit);
  bar.innerHTML = '<span class="bar-label"></span><div class="bar-track"><div class="bar-fill"></div></div><span class="bar-value"></span>';
  bar.querySelector('.bar-label')!.textContent = String(digit);
  element('bars').append(bar);
  return { bar, fill: bar.querySelector<HTMLElement>('.bar-fill')!, value: bar.querySelector<HTMLElement>('.bar-value')! };
});

/** Replies awaited from the worker, by drawing. */
const classified = new Map<number, (probabilities: Float32Array) => void>();
let drawingId = 0;
let latestClassification: Promise<number | null> = Promise.resolve(null);
let frameRequest = 0;

/** Classifies the pad at the next frame: one classification per frame, however many pointer events arrive in it. */
function classifySoon(): void {
  frameRequest ||= requestAnimationFrame(() => void classifyDrawing());
}

/**
 * Shows what the network is given and, when a trained model is idle, asks the worker for its answer, shown
 * unless a newer drawing has been sent since. Resolves to this drawing's class.
 */
function classifyDrawing(): Promise<number | null> {
  cancelAnimationFrame(frameRequest);
  frameRequest = 0;
  const input = toMnistInput(pad.image());
  const picture = seenContext.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    picture.data[i * 4] = picture.data[i * 4 + 1] = picture.data[i * 4 + 2] = Math.round((input?.[i] ?? 0) * 255);
    picture.data[i * 4 + 3] = 255;
  }
  seenContext.putImageData(picture, 0, 0);
  const id = ++drawingId;
  if (!input || state !== 'trained') return (latestClassification = Promise.resolve(showPrediction(null)));
  latestClassification = new Promise((resolve) => {
    classified.set(id, (probabilities) => {
      if (id === drawingId) showPrediction(probabilities);
      resolve(mostLikely(probabilities));
    });
    post({ type: 'classify', id, pixels: input }, [input.buffer]);
  });
  return latestClassification;
}

function mostLikely(probabilities: ArrayLike<number>): number {
  let answer = 0;
  for (let digit = 1; digit < probabilities.length; digit++) if (probabilities[digit] > probabilities[answer]) answer = digit;
  return answer;
}

function showPrediction(probabilities: ArrayLike<number> | null): number | null {
  const answer = probabilities ? mostLikely(probabilities) : null;
  bars.forEach(({ bar, fill, value }, digit) => {
    const p = probabilities ? probabilities[digit] : 0;
    fill.style.width = `${p * 100}%`;
    value.textContent = probabilities ? `${Math.round(p * 100)}%` : '';
    bar.dataset.probability = String(p);
  });
  bars.forEach(({ bar }, digit) => bar.classList.toggle('best', digit === answer));
  prediction.textContent = answer === null ? '?' : String(answer);
  prediction.dataset.class = answer === null ? '' : String(answer);
  if (answer !== null) confidence.textContent = `${percent(probabilities![answer])} sure`;
  else if (state === 'training' || state === 'stopping') confidence.textContent = 'Predictions appear when training ends.';
  else confidence.textContent = epochLogs.length === 0 ? 'Train the network, then draw.' : 'Draw a digit in the black square.';
  return answer;
}

const pad = new Sketchpad(element<HTMLCanvasElement>('pad'), classifySoon);
element('clear').addEventListener('click', () => pad.clear());

element('epochs-allowed').textContent = epochsInput.max;
// ?epochs=N&model=cnn preset the controls (the tests use them).
const params = new URLSearchParams(location.search);
const requested = Number(params.get('epochs'));
if (Number.isInteger(requested) && requested > 0) epochsInput.value = String(requested);
const requestedModel = params.get('model');
if (requestedModel === 'cnn' || requestedModel === 'dense') modelSelect.value = requestedModel;
setState('loading', 'Loading the digits and the wasm core…');
drawCurves(curves, epochLogs, 0);
post({ type: 'load', url: new URL(DIGITS_FILE, document.baseURI).href });

window.mnistPage = {
  paintDigit(pixels) {
    pad.paint(pixels);
    return classifyDrawing();
  },
  async shownClass() {
    // The pad's changes are classified at the next frame (its callback runs before this one).
    await new Promise(requestAnimationFrame);
    return latestClassification;
  },
};
