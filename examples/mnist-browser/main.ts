// The MNIST page: loads the digits, trains a 784-128-64-10 network in the page with live progress and
// accuracy, then classifies what the user draws. Training runs on the page's thread; fit yields to keep it
// responsive. Nothing is saved between visits.

import * as tf from 'neurite';
import { decodeDigits, DIGITS_FILE, PIXELS, type DigitSet } from './digits-format.js';
import { toMnistInput } from './preprocess.js';
import { Sketchpad } from './sketchpad.js';

declare global {
  interface Window {
    /** For tests: paint a 28x28 image (values in [0, 1]) on the pad; returns the class the page shows. */
    mnistPage?: { paintDigit(pixels: ArrayLike<number>): number | null };
  }
}

const BATCH_SIZE = 64;
const CLASSES = 10;

const element = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const epochsInput = element<HTMLInputElement>('epochs');
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
const prediction = element('prediction');
const confidence = element('confidence');
const seenContext = element<HTMLCanvasElement>('seen').getContext('2d')!;

type State = 'loading' | 'ready' | 'training' | 'trained' | 'error';
let state: State = 'loading';
let epochsDone = 0;
function setState(next: State, message: string): void {
  state = next;
  document.body.dataset.state = next;
  status.textContent = message;
  trainButton.disabled = next === 'loading' || next === 'error';
  trainButton.textContent = next === 'training' ? 'Stop' : next === 'trained' ? 'Train more' : 'Train';
  epochsInput.disabled = next === 'training';
}

const percent = (v: number) => `${(v * 100).toFixed(1)}%`;
const count = (v: number) => Math.round(v).toLocaleString('en');

const bars = Array.from({ length: CLASSES }, (_, digit) => {
  const bar = document.createElement('div');
  bar.className = 'bar';
  bar.dataset.class = String(digit);
  bar.innerHTML = '<span class="bar-label"></span><div class="bar-track"><div class="bar-fill"></div></div><span class="bar-value"></span>';
  bar.querySelector('.bar-label')!.textContent = String(digit);
  element('bars').append(bar);
  return { bar, fill: bar.querySelector<HTMLElement>('.bar-fill')!, value: bar.querySelector<HTMLElement>('.bar-value')! };
});

function buildModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 128, activation: 'relu', inputShape: [PIXELS] }),
      tf.layers.dense({ units: 64, activation: 'relu' }),
      tf.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.001), loss: 'categoricalCrossentropy', metrics: ['acc'] });
  return model;
}

function tensors(set: DigitSet): [tf.Tensor, tf.Tensor] {
  const labels = tf.tensor1d(set.labels, 'int32');
  const y = tf.oneHot(labels, CLASSES, 1, 0, 'float32');
  labels.dispose();
  return [tf.tensor2d(set.x, [set.rows, PIXELS]), y];
}

async function loadDigits(): Promise<{ train: DigitSet; test: DigitSet }> {
  const response = await fetch(new URL(DIGITS_FILE, document.baseURI));
  if (!response.ok) throw new Error(`${DIGITS_FILE}: HTTP ${response.status}`);
  return decodeDigits(new Uint8Array(await response.arrayBuffer()));
}

// One classification per frame, however many pointer events arrive in it.
let pending = false;
const pad: Sketchpad = new Sketchpad(element<HTMLCanvasElement>('pad'), () => {
  if (pending) return;
  pending = true;
  requestAnimationFrame(() => {
    pending = false;
    classifyDrawing();
  });
});
element('clear').addEventListener('click', () => pad.clear());

setState('loading', 'Loading the digits and the wasm core…');
const [, digits] = await Promise.all([tf.ready(), loadDigits()]).catch((error: Error) => {
  setState('error', `Could not start: ${error.message}`);
  throw error;
});
tf.setSeed(2024);
const [xTrain, yTrain] = tensors(digits.train);
const [xTest, yTest] = tensors(digits.test);
const model = buildModel();
element('about').textContent =
  `${count(digits.train.rows)} training and ${count(digits.test.rows)} held-out digits · ${count(model.countParams())} weights · ` +
  `neurite ${tf.version} on ${tf.getBackend()}${globalThis.crossOriginIsolated ? ' · cross-origin isolated' : ''}`;
const requested = Number(new URLSearchParams(location.search).get('epochs'));
if (Number.isInteger(requested) && requested > 0) epochsInput.value = String(requested);
setState('ready', 'Ready: press Train.');

function showProgress(fraction: number, label: string): void {
  const value = Math.round(fraction * 100);
  progressFill.style.width = `${fraction * 100}%`;
  progress.dataset.percent = String(value);
  progress.setAttribute('aria-valuenow', String(value));
  progressLabel.textContent = label;
}

function addHistoryRow(epoch: number, logs: tf.Logs, rate: number): void {
  const row = document.createElement('tr');
  for (const text of [String(epoch + 1), logs.loss.toFixed(4), percent(logs.acc), percent(logs.val_acc), count(rate)]) {
    row.insertCell().textContent = text;
  }
  history.tBodies[0].prepend(row);
  history.hidden = false;
}

async function train(): Promise<void> {
  const epochs = Math.max(1, Math.min(100, Math.round(Number(epochsInput.value)) || 1));
  const first = epochsDone;
  const last = first + epochs;
  const rows = digits.train.rows;
  let epochStart = 0;
  let seenInEpoch = 0;
  setState('training', `Training ${epochs} epoch${epochs > 1 ? 's' : ''}…`);
  classifyDrawing();
  showProgress(0, `Epoch ${first + 1} of ${last}`);
  try {
    await model.fit(xTrain, yTrain, {
      epochs: last,
      initialEpoch: first,
      batchSize: BATCH_SIZE,
      validationData: [xTest, yTest],
      callbacks: {
        onEpochBegin: () => {
          epochStart = performance.now();
          seenInEpoch = 0;
        },
        onBatchEnd: (_batch, logs) => {
          if (!logs) return;
          seenInEpoch += logs.size;
          const done = epochsDone - first + seenInEpoch / rows;
          showProgress(done / epochs, `Epoch ${epochsDone + 1} of ${last} · ${count(seenInEpoch)} / ${count(rows)} digits`);
          trainAccuracy.textContent = percent(logs.acc);
          trainAccuracy.dataset.value = String(logs.acc);
          lossOutput.textContent = logs.loss.toFixed(4);
          speedOutput.textContent = count(seenInEpoch / ((performance.now() - epochStart) / 1000));
        },
        onEpochEnd: (epoch, logs) => {
          if (!logs) return;
          const rate = rows / ((performance.now() - epochStart) / 1000);
          epochsDone = epoch + 1;
          testAccuracy.textContent = percent(logs.val_acc);
          testAccuracy.dataset.value = String(logs.val_acc);
          speedOutput.textContent = count(rate);
          addHistoryRow(epoch, logs, rate);
        },
      },
    });
  } catch (error) {
    setState('error', `Training failed: ${(error as Error).message}`);
    throw error;
  }
  const stopped = epochsDone < last;
  if (!stopped) showProgress(1, `Epoch ${last} of ${last} · done`);
  setState(epochsDone > 0 ? 'trained' : 'ready', `${stopped ? 'Stopped' : 'Trained'} after ${epochsDone} epoch${epochsDone === 1 ? '' : 's'}: now draw a digit.`);
  classifyDrawing();
}

trainButton.addEventListener('click', () => {
  if (state === 'training') model.stopTraining = true;
  else void train();
});

/** Shows what the network is given, and its answer when it has been trained. */
function classifyDrawing(): number | null {
  const input = toMnistInput(pad.image());
  const picture = seenContext.createImageData(28, 28);
  for (let i = 0; i < 784; i++) {
    picture.data[i * 4] = picture.data[i * 4 + 1] = picture.data[i * 4 + 2] = Math.round((input?.[i] ?? 0) * 255);
    picture.data[i * 4 + 3] = 255;
  }
  seenContext.putImageData(picture, 0, 0);
  // Not during training: predict would run between fit's batches, on weights in mid-update.
  if (!input || epochsDone === 0 || state === 'training') return showPrediction(null);
  const x = tf.tensor2d(input, [1, PIXELS]);
  const probabilities = model.predict(x);
  const values = probabilities.dataSync();
  tf.dispose([x, probabilities]);
  return showPrediction(values);
}

function showPrediction(probabilities: ArrayLike<number> | null): number | null {
  let best: number | null = null;
  bars.forEach(({ bar, fill, value }, digit) => {
    const p = probabilities ? probabilities[digit] : 0;
    if (probabilities && (best === null || p > probabilities[best])) best = digit;
    fill.style.width = `${p * 100}%`;
    value.textContent = probabilities ? `${Math.round(p * 100)}%` : '';
    bar.dataset.probability = String(p);
  });
  bars.forEach(({ bar }, digit) => bar.classList.toggle('best', digit === best));
  prediction.textContent = best === null ? '?' : String(best);
  prediction.dataset.class = best === null ? '' : String(best);
  if (best !== null) confidence.textContent = `${percent(probabilities![best])} sure`;
  else if (state === 'training') confidence.textContent = 'Predictions appear when training ends.';
  else confidence.textContent = epochsDone === 0 ? 'Train the network, then draw.' : 'Draw a digit in the black square.';
  return best;
}

window.mnistPage = {
  paintDigit(pixels) {
    pad.paint(pixels);
    return classifyDrawing();
  },
};
