// The playground page: keeps the settings (and mirrors them into the URL), makes the datasets, and draws the
// worker's latest frame once per animation frame. All training happens in worker.ts; the network diagram is
// diagram.ts. Canvas sizes come from a ResizeObserver, so drawing never forces a layout.

import { DATASET_NAMES, DATASETS, type DatasetName, FEATURES, makeDataset, problemOf, type Split } from './datasets.js';
import { type GradientHistory, NetworkDiagram } from './diagram.js';
import { drawHeatmap, drawLossChart, drawThumbnail, type LossPoint, paintGrid, type Size } from './draw.js';
import type { ActivationName, BackendChoice, Diverged, Frame, FromWorker, ModelSettings, Regularization, ToWorker } from './protocol.js';
import { OUTPUT_GRID } from './protocol.js';
import { LEARNING_RATES, MAX_LAYERS, MAX_NEURONS, MAX_SEED, type PlaygroundState, queryOf, REGULARIZATION_RATES, stateFromQuery } from './url-state.js';

/** Loss points kept for the chart; beyond this every other one is dropped. */
const MAX_HISTORY = 1200;
/** Inspected epochs kept for the diagram's gradient sparklines: the latest ones. */
const MAX_GRADIENTS = 100;
const DATASET_CAPTIONS: Record<DatasetName, string> = { circle: 'Circle', xor: 'XOR', gaussian: 'Gaussians', spiral: 'Spiral', plane: 'Plane', hills: 'Hills' };

const state: PlaygroundState = stateFromQuery(location.search);
let playing = false;
/** Numbers the models sent to the worker, so that frames of a replaced one are dropped. */
let generation = 0;
let data: Split = makeData();
let latest: Frame | null = null;
let needsDraw = true;
/** A frame arrived that the worker waits to hear was drawn. */
let frameToAcknowledge = false;
let lossHistory: LossPoint[] = [];
let gradients: GradientHistory = [];
/** The epoch of the last report added to gradients. */
let reportedEpoch = -1;
const stepsPerSecond: Record<BackendChoice, number> = { wasm: 0, js: 0 };

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const playButton = byId<HTMLButtonElement>('play-pause');
const epochLabel = byId('epoch');
const batchesLabel = byId('batches');
const testLossLabel = byId('test-loss');
const trainLossLabel = byId('train-loss');
const heatmap = byId<HTMLCanvasElement>('heatmap');
const lossChart = byId<HTMLCanvasElement>('loss-chart');
const network = byId('network');
const message = byId('message');
/** The output grid at its own resolution; drawn scaled onto the heatmap. */
const outputGrid = document.createElement('canvas');

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const post = (m: ToWorker) => worker.postMessage(m);

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  if (m.type === 'frame') {
    // A frame of a model since replaced has the wrong shape for the diagram: acknowledge it and move on.
    if (m.generation !== generation) post({ type: 'drawn' });
    else {
      latest = m;
      needsDraw = true;
      frameToAcknowledge = true;
    }
  } else if (m.type === 'diverged') {
    if (m.generation !== generation) return;
    showPlaying(false);
    showMessage(explainDivergence(m), 'diverged');
  } else if (m.type === 'backend') {
    state.backend = m.name;
    byId<HTMLInputElement>(`backend-${m.name}`).checked = true;
    saveToUrl();
    showSpeed();
  } else {
    showPlaying(false);
    showMessage(`Training stopped: ${m.message}. Reset to start again.`, 'error');
  }
};
worker.onerror = (event) => showMessage(`The training worker failed: ${event.message}`, 'error');

function makeData(): Split {
  return makeDataset(state.dataset, state.noise / 100, state.trainRatio / 100, state.dataSeed);
}

function saveToUrl(): void {
  history.replaceState(null, '', `${location.pathname}?${queryOf(state)}`);
}

function showMessage(text: string, kind: 'diverged' | 'error' | '' = ''): void {
  message.textContent = text;
  message.dataset.kind = kind;
}

// ---- divergence in words ----

/** The gentler learning rate to suggest: the largest on the menu at most a tenth of `rate`. */
function gentlerRate(rate: number): number | null {
  const lower = LEARNING_RATES.filter((r) => r <= rate / 10);
  return lower.length > 0 ? lower[lower.length - 1] : null;
}

function explainDivergence(d: Diverged): string {
  const epoch = `in epoch ${d.epoch + 1}`;
  const what = d.weightsOverflowed
    ? `A training step ${epoch} pushed some weights past the largest number a float holds (to NaN or Infinity)`
    : Number.isFinite(d.loss)
      ? `The loss exploded ${epoch}: it rose from ${formatLoss(d.startLoss)} to ${formatLoss(d.loss)}`
      : `The loss diverged to ${d.loss} ${epoch}`;
  const why = 'Each step overshot the minimum and landed higher up the other side, so the steps grew instead of settling.';
  const rate = state.learningRate;
  const gentler = gentlerRate(rate);
  let remedy = gentler === null ? `The learning rate ${rate} is already the smallest on offer.` : `The learning rate ${rate} is too high for this network; try ${gentler}.`;
  // Each step also shrinks every weight by about learning rate × regularization rate of itself: past 1 it overshoots zero.
  if (state.regularization !== 'none' && rate * state.regularizationRate >= 1) {
    const gentlerPenalty = REGULARIZATION_RATES.filter((r) => r * rate < 1).at(-1);
    remedy += ` The regularization rate ${state.regularizationRate} adds to it: at this learning rate each step pulls the weights past zero; try ${gentlerPenalty}.`;
  }
  // neurite's fit puts the weights back: before the batch whose loss failed, or to its last checkpoint (a few steps back).
  const after = d.weightsOverflowed
    ? 'Training stopped with the weights as they were a few steps earlier'
    : Number.isFinite(d.loss)
      ? 'Training stopped'
      : 'Training stopped with the weights as they were before the failing step';
  return `${what}. ${why} ${remedy} ${after}: change the rate and press Play, or reset.`;
}

// ---- controls ----

function fillSelect(select: HTMLSelectElement, values: number[]): void {
  for (const value of values) select.add(new Option(String(value), String(value)));
}
fillSelect(byId('learning-rate'), LEARNING_RATES);
fillSelect(byId('regularization-rate'), REGULARIZATION_RATES);

/** Sets every control from the state (at load, from the URL). */
function showState(): void {
  byId<HTMLSelectElement>('learning-rate').value = String(state.learningRate);
  byId<HTMLSelectElement>('activation').value = state.activation;
  byId<HTMLSelectElement>('regularization').value = state.regularization;
  byId<HTMLSelectElement>('regularization-rate').value = String(state.regularizationRate);
  byId<HTMLSelectElement>('regularization-rate').disabled = state.regularization === 'none';
  byId<HTMLSelectElement>('problem').value = problemOf(state.dataset);
  showSlider('train-ratio', state.trainRatio, `${state.trainRatio}%`);
  showSlider('noise', state.noise, String(state.noise));
  showSlider('batch-size', state.batchSize, String(state.batchSize));
  byId<HTMLInputElement>('show-test').checked = state.showTest;
  byId<HTMLInputElement>('discretize').checked = state.discretize;
  byId<HTMLInputElement>(`backend-${state.backend}`).checked = true;
  byId<HTMLInputElement>(`pace-${state.pace}`).checked = true;
  showDatasets();
}

function showSlider(id: string, value: number, text: string): void {
  byId<HTMLInputElement>(id).value = String(value);
  byId(`${id}-value`).textContent = text;
}

function showPlaying(on: boolean): void {
  playing = on;
  playButton.dataset.state = on ? 'playing' : 'paused';
  playButton.setAttribute('aria-label', on ? 'Pause' : 'Play');
}

function setPlaying(on: boolean): void {
  showPlaying(on);
  if (on) showMessage('');
  post({ type: on ? 'play' : 'pause' });
}

function modelSettings(): ModelSettings {
  return {
    features: [...state.features],
    hidden: [...state.hidden],
    activation: state.activation,
    regularization: state.regularization,
    regularizationRate: state.regularizationRate,
    problem: problemOf(state.dataset),
    learningRate: state.learningRate,
    batchSize: state.batchSize,
    seed: state.seed,
  };
}

/** Sends the worker a model for the current settings and data; `freshWeights` draws a new seed for them first. */
function reset({ freshWeights = false } = {}): void {
  if (freshWeights) state.seed = (state.seed % MAX_SEED) + 1;
  generation++;
  lossHistory = [];
  gradients = [];
  reportedEpoch = -1;
  latest = null;
  needsDraw = true;
  showMessage('');
  showProgress(0, 0);
  showLosses(null);
  const copy = (p: Split['train']) => ({ xy: p.xy.slice(), labels: p.labels.slice() });
  post({ type: 'reset', generation, settings: modelSettings(), train: copy(data.train), test: copy(data.test) });
  layoutNetwork();
  saveToUrl();
}

function regenerate(): void {
  data = makeData();
  reset();
}

playButton.addEventListener('click', () => setPlaying(!playing));
byId('step').addEventListener('click', () => {
  showPlaying(false);
  showMessage('');
  post({ type: 'step' });
});
byId('reset').addEventListener('click', () => {
  if (playing) setPlaying(false);
  reset({ freshWeights: true });
});

function onChange<T extends HTMLInputElement | HTMLSelectElement>(id: string, apply: (element: T) => void): void {
  const element = byId<T>(id);
  element.addEventListener(element instanceof HTMLInputElement && element.type === 'range' ? 'input' : 'change', () => {
    apply(element);
    saveToUrl();
  });
}

const tune = () => post({ type: 'tune', learningRate: state.learningRate, batchSize: state.batchSize });
onChange<HTMLSelectElement>('learning-rate', (e) => {
  state.learningRate = Number(e.value);
  tune();
});
onChange<HTMLInputElement>('batch-size', (e) => {
  state.batchSize = Number(e.value);
  byId('batch-size-value').textContent = e.value;
  tune();
});
onChange<HTMLSelectElement>('activation', (e) => {
  state.activation = e.value as ActivationName;
  reset();
});
onChange<HTMLSelectElement>('regularization', (e) => {
  state.regularization = e.value as Regularization;
  const rate = byId<HTMLSelectElement>('regularization-rate');
  rate.disabled = state.regularization === 'none';
  // A penalty at rate 0 does nothing; pick a small rate when one is switched on.
  if (!rate.disabled && state.regularizationRate === 0) {
    state.regularizationRate = 0.003;
    rate.value = '0.003';
  }
  reset();
});
onChange<HTMLSelectElement>('regularization-rate', (e) => {
  state.regularizationRate = Number(e.value);
  reset();
});
onChange<HTMLSelectElement>('problem', (e) => {
  state.dataset = DATASETS[e.value as 'classification' | 'regression'][0];
  showDatasets();
  regenerate();
});
onChange<HTMLInputElement>('train-ratio', (e) => {
  state.trainRatio = Number(e.value);
  byId('train-ratio-value').textContent = `${e.value}%`;
  regenerate();
});
onChange<HTMLInputElement>('noise', (e) => {
  state.noise = Number(e.value);
  byId('noise-value').textContent = e.value;
  regenerate();
});
byId('regenerate').addEventListener('click', () => {
  state.dataSeed = (state.dataSeed % MAX_SEED) + 1;
  regenerate();
});
onChange<HTMLInputElement>('show-test', (e) => {
  state.showTest = e.checked;
  needsDraw = true;
});
onChange<HTMLInputElement>('discretize', (e) => {
  state.discretize = e.checked;
  needsDraw = true;
});
for (const choice of ['wasm', 'js'] as const) {
  onChange<HTMLInputElement>(`backend-${choice}`, (e) => {
    if (e.checked) post({ type: 'backend', name: choice });
  });
}
for (const pace of ['slow', 'normal', 'fast'] as const) {
  onChange<HTMLInputElement>(`pace-${pace}`, (e) => {
    if (!e.checked) return;
    state.pace = pace;
    post({ type: 'pace', pace });
  });
}

byId('add-layer').addEventListener('click', () => {
  if (state.hidden.length >= MAX_LAYERS) return;
  state.hidden.push(2);
  reset();
});
byId('remove-layer').addEventListener('click', () => {
  if (state.hidden.length === 0) return;
  state.hidden.pop();
  reset();
});

// ---- datasets ----

const datasetsBox = byId('datasets');
/** Each thumbnail's dataset, drawn when the ResizeObserver first gives the thumbnail's size. */
const thumbnails = new Map<Element, DatasetName>();
for (const name of DATASET_NAMES) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'dataset';
  button.dataset.dataset = name;
  const canvas = document.createElement('canvas');
  const caption = document.createElement('span');
  caption.textContent = DATASET_CAPTIONS[name];
  button.append(canvas, caption);
  button.addEventListener('click', () => {
    state.dataset = name;
    showDatasets();
    regenerate();
  });
  datasetsBox.append(button);
  thumbnails.set(canvas, name);
}

/** Shows the datasets of the current problem type, the current one pressed. */
function showDatasets(): void {
  const problem = problemOf(state.dataset);
  for (const button of datasetsBox.querySelectorAll<HTMLButtonElement>('button')) {
    const name = button.dataset.dataset as DatasetName;
    button.hidden = problemOf(name) !== problem;
    button.setAttribute('aria-pressed', String(name === state.dataset));
  }
}

// ---- sizes ----

/** CSS sizes of the observed elements, kept by the ResizeObserver so that drawing reads no layout. */
const sizes = new Map<Element, Size>();
let networkWidth = 0;
const resizeObserver = new ResizeObserver((entries) => {
  for (const { target, contentRect } of entries) {
    const size = { width: contentRect.width, height: contentRect.height };
    sizes.set(target, size);
    const thumbnail = thumbnails.get(target);
    if (thumbnail && size.width > 0) drawThumbnail(target as HTMLCanvasElement, size, makeDataset(thumbnail, 0, 1, 7, 200).train);
    // The diagram sets its own height: only a new width lays it out again.
    if (target === network && size.width !== networkWidth) {
      networkWidth = size.width;
      layoutNetwork();
    }
  }
  needsDraw = true;
});
for (const element of [heatmap, lossChart, network, ...thumbnails.keys()]) resizeObserver.observe(element);

// ---- the network diagram ----

const diagram = new NetworkDiagram(network, {
  toggleFeature(name) {
    const active = new Set(state.features);
    if (active.has(name)) {
      if (active.size === 1) return; // the network needs at least one input
      active.delete(name);
    } else {
      active.add(name);
    }
    state.features = FEATURES.map((f) => f.name).filter((n) => active.has(n));
    reset();
  },
  resizeLayer(layer, change) {
    const units = state.hidden[layer] + change;
    if (units < 1 || units > MAX_NEURONS) return;
    state.hidden[layer] = units;
    reset();
  },
  editWeight(address, value) {
    post({ type: 'set-weight', ...address, value });
  },
});

function layoutNetwork(): void {
  byId('layer-count').textContent = String(state.hidden.length);
  byId<HTMLButtonElement>('add-layer').disabled = state.hidden.length >= MAX_LAYERS;
  byId<HTMLButtonElement>('remove-layer').disabled = state.hidden.length === 0;
  if (networkWidth > 0) diagram.layout(state.features, state.hidden, networkWidth);
  needsDraw = true;
}

// ---- drawing ----

function formatEpoch(epoch: number): string {
  return String(epoch).padStart(6, '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function formatLoss(value: number): string {
  return Number.isFinite(value) ? (Math.abs(value) < 1000 ? value.toFixed(3) : value.toPrecision(3)) : 'diverged';
}

function showProgress(epoch: number, steps: number): void {
  epochLabel.dataset.value = String(epoch);
  epochLabel.textContent = formatEpoch(epoch);
  batchesLabel.dataset.value = String(steps);
  batchesLabel.textContent = steps.toLocaleString('en-US');
}

function showLosses(frame: Frame | null): void {
  for (const [label, value] of [
    [testLossLabel, frame?.testLoss],
    [trainLossLabel, frame?.trainLoss],
  ] as const) {
    label.dataset.value = value === undefined ? '' : String(value);
    label.textContent = value === undefined ? '–' : formatLoss(value);
  }
}

function showSpeed(): void {
  const box = byId('steps-per-second');
  box.dataset.backend = state.backend;
  for (const choice of ['wasm', 'js'] as const) {
    const label = byId(`speed-${choice}`);
    const value = stepsPerSecond[choice];
    label.dataset.value = String(Math.round(value));
    label.textContent = `${choice} ${value > 0 ? `${Math.round(value).toLocaleString('en-US')} steps/s` : '–'}`;
    label.classList.toggle('current', choice === state.backend);
  }
}

function draw(): void {
  const frame = latest;
  if (frame) {
    showProgress(frame.epoch, frame.steps);
    showLosses(frame);
    if (frame.stepsPerSecond > 0) stepsPerSecond[frame.backend] = frame.stepsPerSecond;
    showSpeed();
    if (lossHistory.length === 0 || frame.steps > lossHistory[lossHistory.length - 1].steps) {
      lossHistory.push({ steps: frame.steps, train: frame.trainLoss, test: frame.testLoss });
      if (lossHistory.length > MAX_HISTORY) lossHistory = lossHistory.filter((_, i) => i % 2 === 0 || i === lossHistory.length - 1);
    }
    if (frame.report && frame.report.epoch > reportedEpoch) {
      reportedEpoch = frame.report.epoch;
      gradients.push(frame.report.layers.map((layer) => layer.gradNorm ?? NaN));
      if (gradients.length > MAX_GRADIENTS) gradients.shift();
    }
    paintGrid(outputGrid, frame.output, 0, OUTPUT_GRID, state.discretize);
  } else {
    paintGrid(outputGrid, new Float32Array(OUTPUT_GRID * OUTPUT_GRID), 0, OUTPUT_GRID);
  }
  const heatmapSize = sizes.get(heatmap);
  if (heatmapSize) drawHeatmap(heatmap, heatmapSize, outputGrid, data.train, state.showTest ? data.test : null);
  const chartSize = sizes.get(lossChart);
  if (chartSize) drawLossChart(lossChart, chartSize, lossHistory);
  diagram.draw(frame, gradients);
}

function animate(): void {
  if (needsDraw) {
    needsDraw = false;
    draw();
    if (frameToAcknowledge) post({ type: 'drawn' });
    frameToAcknowledge = false;
  }
  requestAnimationFrame(animate);
}

showState();
post({ type: 'backend', name: state.backend });
post({ type: 'pace', pace: state.pace });
reset();
showSpeed();
requestAnimationFrame(animate);
