// The text-generation page: the controls, the live loss chart, the epochs table and the latest sample with its
// temperature slider. The model lives in a worker (worker.ts), so the page's thread only draws.

import type { FromWorker, ToWorker } from './protocol.js';

const element = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const epochsInput = element<HTMLInputElement>('epochs');
const trainButton = element<HTMLButtonElement>('train');
const temperatureInput = element<HTMLInputElement>('temperature');
const status = element('status');
const progress = element('progress');
const lossOutput = element('loss');
const history = element<HTMLTableElement>('history');
const chart = element('chart') as unknown as SVGSVGElement;
const sample = element('sample');

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
  epochsInput.disabled = running || next === 'loading';
}

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const post = (message: ToWorker) => worker.postMessage(message);

/** Every batch loss the worker reported, at its place in epochs (epoch + fraction done). */
const points: Array<{ x: number; loss: number }> = [];
/** The loss of guessing by character frequencies alone (the chart's dashed line). */
let frequenciesLoss = 0;
let epochsDone = 0;
/** The running training goes from epoch firstEpoch to lastEpoch (counted from 0, lastEpoch excluded). */
let firstEpoch = 0;
let lastEpoch = 0;

worker.onmessage = ({ data: message }: MessageEvent<FromWorker>) => {
  switch (message.type) {
    case 'loaded':
      frequenciesLoss = message.frequenciesLoss;
      element('facts').textContent =
        `${count(message.characters)} characters, ${message.charSet.length} distinct · ${count(message.params)} weights · ` +
        `epochs of 1,024 windows in batches of 128.`;
      element('about').textContent = `${message.library}${globalThis.crossOriginIsolated ? ' · cross-origin isolated' : ''}`;
      drawChart();
      setState('ready', 'Ready: press Train.');
      break;
    case 'batch':
      points.push({ x: message.epoch + message.fraction, loss: message.loss });
      showProgress((message.epoch + message.fraction - firstEpoch) / (lastEpoch - firstEpoch), `Epoch ${message.epoch + 1} of ${lastEpoch}`);
      drawChart();
      break;
    case 'epoch':
      epochsDone = message.epoch + 1;
      element('epochs-done').textContent = String(epochsDone);
      lossOutput.textContent = message.loss.toFixed(4);
      lossOutput.dataset.value = String(message.loss);
      element('speed').textContent = count(message.samplesPerSecond);
      addHistoryRow(message.epoch, message.loss, message.samplesPerSecond);
      break;
    case 'sample':
      element('seed').textContent = message.seed;
      element('generated').textContent = message.text;
      sample.dataset.epochs = String(message.epochs);
      sample.dataset.temperature = String(message.temperature);
      element('sample-note').textContent =
        message.epochs === 0 ? `Untrained, at temperature ${message.temperature}: noise.` : `After ${plural(message.epochs, 'epoch')}, at temperature ${message.temperature}.`;
      break;
    case 'trained':
      if (!message.stopped) showProgress(1, `Epoch ${lastEpoch} of ${lastEpoch} · done`);
      lastEpoch = message.epochs;
      document.body.dataset.tensors = String(message.tensors);
      setState('trained', `${message.stopped ? 'Stopped' : 'Trained'} after ${plural(message.epochs, 'epoch')}.`);
      drawChart();
      break;
    case 'error':
      setState('error', `Failed: ${message.message}`);
      break;
  }
};
worker.onerror = (event) => setState('error', `The training worker failed: ${event.message}`);

function showProgress(fraction: number, label: string): void {
  const value = Math.round(Math.min(1, fraction) * 100);
  element('progress-fill').style.width = `${value}%`;
  progress.dataset.percent = String(value);
  progress.setAttribute('aria-valuenow', String(value));
  element('progress-label').textContent = label;
}

function addHistoryRow(epoch: number, loss: number, rate: number): void {
  const row = document.createElement('tr');
  for (const [text, value] of [
    [String(epoch + 1), epoch + 1],
    [loss.toFixed(4), loss],
    [count(rate), rate],
  ] as const) {
    const cell = row.insertCell();
    cell.textContent = text;
    cell.dataset.value = String(value);
  }
  history.tBodies[0].prepend(row);
  history.hidden = false;
}

const SVG = 'http://www.w3.org/2000/svg';
const [WIDTH, HEIGHT, LEFT, RIGHT, TOP, BOTTOM] = [480, 220, 40, 12, 12, 30];

/** The batch losses as a line over epochs 0 to the last of this run, the frequencies' loss dashed across. */
function drawChart(): void {
  const epochs = Math.max(1, lastEpoch, epochsDone);
  const high = Math.ceil(Math.max(frequenciesLoss, ...points.map((p) => p.loss)));
  const x = (v: number) => LEFT + (v / epochs) * (WIDTH - LEFT - RIGHT);
  const y = (v: number) => TOP + (1 - v / high) * (HEIGHT - TOP - BOTTOM);
  const parts: string[] = [];
  for (let v = 0; v <= high; v++) {
    parts.push(`<line class="grid" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(v)}" y2="${y(v)}"/>`);
    parts.push(`<text class="tick" x="${LEFT - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  const xStep = Math.max(1, Math.ceil(epochs / 8));
  for (let e = 0; e <= epochs; e += xStep) parts.push(`<text class="tick" x="${x(e)}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle">${e}</text>`);
  parts.push(`<text class="axis-label" x="${WIDTH - RIGHT}" y="${HEIGHT - 2}" text-anchor="end">epochs</text>`);
  if (frequenciesLoss > 0) parts.push(`<line class="frequencies" x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${y(frequenciesLoss)}" y2="${y(frequenciesLoss)}"/>`);
  if (points.length > 0) parts.push(`<polyline class="loss" points="${points.map((p) => `${x(p.x).toFixed(1)},${y(p.loss).toFixed(1)}`).join(' ')}"/>`);
  chart.innerHTML = parts.join('');
  chart.dataset.points = String(points.length);
}

function train(): void {
  const epochs = Math.max(Number(epochsInput.min), Math.min(Number(epochsInput.max), Math.round(Number(epochsInput.value)) || 1));
  epochsInput.value = String(epochs);
  firstEpoch = epochsDone;
  lastEpoch = epochsDone + epochs;
  setState('training', `Training ${plural(epochs, 'epoch')}…`);
  showProgress(0, `Epoch ${firstEpoch + 1} of ${lastEpoch}`);
  drawChart();
  post({ type: 'train', epochs });
}

trainButton.addEventListener('click', () => {
  if (state !== 'training') return train();
  post({ type: 'stop' });
  setState('stopping', 'Stopping after this batch…');
});

// The label follows the slider as it moves; the worker writes a new sample when it is let go.
temperatureInput.addEventListener('input', () => (element('temperature-value').textContent = temperatureInput.value));
temperatureInput.addEventListener('change', () => post({ type: 'temperature', value: Number(temperatureInput.value) }));

// ?epochs=N presets the box (the tests use it).
const requested = Number(new URLSearchParams(location.search).get('epochs'));
if (Number.isInteger(requested) && requested > 0) epochsInput.value = String(requested);
setState('loading', 'Loading the text and the wasm core…');
post({ type: 'load', url: new URL('./sonnets.txt', import.meta.url).href, temperature: Number(temperatureInput.value) });
