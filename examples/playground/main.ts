// The playground page: keeps the settings, makes the datasets, lays out the network diagram, and draws the
// worker's latest frame once per animation frame. All training happens in worker.ts.

import { DATASETS, type DatasetName, FEATURES, type FeatureName, featureRows, gridPoints, makeDataset, type Split } from './datasets.js';
import { drawHeatmap, drawLinks, drawLossChart, drawThumbnail, type LossPoint, type NodeBox, paintGrid } from './draw.js';
import type { ActivationName, BackendChoice, Frame, FromWorker, ModelSettings, Problem, Regularization, ToWorker } from './protocol.js';
import { NODE_GRID, OUTPUT_GRID } from './protocol.js';

const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const MAX_LAYERS = 6;
const MAX_NEURONS = 8;
const NODE_SIZE = 38;
const NODE_GAP = 12;
/** Room above the columns for each layer's +/- buttons. */
const HEAD_ROOM = 56;
/** Room left of the feature column for the feature names. */
const LABEL_ROOM = 58;
/** Loss points kept for the chart; beyond this every other one is dropped. */
const MAX_HISTORY = 1200;

const state = {
  dataset: 'circle' as DatasetName,
  noise: 0,
  trainRatio: 0.5,
  dataSeed: 1,
  settings: {
    features: ['x1', 'x2'],
    hidden: [4, 2],
    activation: 'tanh',
    regularization: 'none',
    regularizationRate: 0,
    problem: 'classification',
    learningRate: 0.03,
    batchSize: 10,
    seed: 1,
  } as ModelSettings,
  playing: false,
  backend: 'wasm' as BackendChoice,
  showTest: true,
  discretize: false,
};

let data: Split = makeDataset(state.dataset, state.noise, state.trainRatio, state.dataSeed);
let latest: Frame | null = null;
let needsDraw = true;
/** A frame arrived that the worker waits to hear was drawn. */
let frameToAcknowledge = false;
let history: LossPoint[] = [];
const stepsPerSecond: Record<BackendChoice, number> = { wasm: 0, js: 0 };

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const playButton = byId<HTMLButtonElement>('play-pause');
const epochLabel = byId('epoch');
const testLossLabel = byId('test-loss');
const trainLossLabel = byId('train-loss');
const heatmap = byId<HTMLCanvasElement>('heatmap');
const lossChart = byId<HTMLCanvasElement>('loss-chart');
const network = byId('network');
const links = byId<HTMLCanvasElement>('links');
const message = byId('message');
/** The output grid at its own resolution; drawn scaled onto the heatmap. */
const outputGrid = document.createElement('canvas');

const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
const post = (m: ToWorker) => worker.postMessage(m);

worker.onmessage = (event: MessageEvent<FromWorker>) => {
  const m = event.data;
  if (m.type === 'frame') {
    // A frame of a model since replaced has the wrong shape for the diagram: acknowledge it and move on.
    if (m.seed !== state.settings.seed) post({ type: 'drawn' });
    else {
      latest = m;
      needsDraw = true;
      frameToAcknowledge = true;
    }
  } else if (m.type === 'backend') {
    state.backend = m.name;
    byId<HTMLInputElement>(`backend-${m.name}`).checked = true;
    showSpeed();
  } else {
    message.textContent = `Training stopped: ${m.message}. Reset to start again.`;
    setPlaying(false);
  }
};
worker.onerror = (event) => {
  message.textContent = `The training worker failed: ${event.message}`;
};

// ---- controls ----

function fillSelect(select: HTMLSelectElement, values: number[], selected: number): void {
  for (const value of values) select.add(new Option(String(value), String(value), false, value === selected));
}
fillSelect(byId('learning-rate'), LEARNING_RATES, state.settings.learningRate);
fillSelect(byId('regularization-rate'), REGULARIZATION_RATES, state.settings.regularizationRate);

function setPlaying(playing: boolean): void {
  state.playing = playing;
  playButton.dataset.state = playing ? 'playing' : 'paused';
  playButton.setAttribute('aria-label', playing ? 'Pause' : 'Play');
  if (playing) message.textContent = '';
  post({ type: playing ? 'play' : 'pause' });
}

/** Sends the worker a fresh model (new initial weights) for the current settings and data. */
function reset(): void {
  state.settings.seed++;
  history = [];
  latest = null;
  needsDraw = true;
  showLosses(null);
  epochLabel.dataset.value = '0';
  epochLabel.textContent = formatEpoch(0);
  const copy = (p: Split['train']) => ({ xy: p.xy.slice(), labels: p.labels.slice() });
  post({ type: 'reset', settings: { ...state.settings, features: [...state.settings.features], hidden: [...state.settings.hidden] }, train: copy(data.train), test: copy(data.test) });
  layoutNetwork();
}

function regenerate(): void {
  data = makeDataset(state.dataset, state.noise, state.trainRatio, state.dataSeed);
  reset();
}

playButton.addEventListener('click', () => setPlaying(!state.playing));
byId('step').addEventListener('click', () => {
  if (state.playing) setPlaying(false);
  post({ type: 'step' });
});
byId('reset').addEventListener('click', () => {
  if (state.playing) setPlaying(false);
  reset();
});

function onChange<T extends HTMLInputElement | HTMLSelectElement>(id: string, apply: (element: T) => void): void {
  const element = byId<T>(id);
  element.addEventListener(element instanceof HTMLInputElement && element.type === 'range' ? 'input' : 'change', () => apply(element));
}

onChange<HTMLSelectElement>('learning-rate', (e) => {
  state.settings.learningRate = Number(e.value);
  post({ type: 'tune', learningRate: state.settings.learningRate, batchSize: state.settings.batchSize });
});
onChange<HTMLInputElement>('batch-size', (e) => {
  state.settings.batchSize = Number(e.value);
  byId('batch-size-value').textContent = e.value;
  post({ type: 'tune', learningRate: state.settings.learningRate, batchSize: state.settings.batchSize });
});
onChange<HTMLSelectElement>('activation', (e) => {
  state.settings.activation = e.value as ActivationName;
  reset();
});
onChange<HTMLSelectElement>('regularization', (e) => {
  state.settings.regularization = e.value as Regularization;
  syncRegularizationRate();
  reset();
});
onChange<HTMLSelectElement>('regularization-rate', (e) => {
  state.settings.regularizationRate = Number(e.value);
  reset();
});
onChange<HTMLSelectElement>('problem', (e) => {
  state.settings.problem = e.value as Problem;
  reset();
});
onChange<HTMLInputElement>('train-ratio', (e) => {
  state.trainRatio = Number(e.value) / 100;
  byId('train-ratio-value').textContent = `${e.value}%`;
  regenerate();
});
onChange<HTMLInputElement>('noise', (e) => {
  state.noise = Number(e.value) / 100;
  byId('noise-value').textContent = e.value;
  regenerate();
});
byId('regenerate').addEventListener('click', () => {
  state.dataSeed++;
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

function syncRegularizationRate(): void {
  const select = byId<HTMLSelectElement>('regularization-rate');
  select.disabled = state.settings.regularization === 'none';
  // A penalty at rate 0 does nothing; pick a small rate when one is switched on.
  if (!select.disabled && state.settings.regularizationRate === 0) {
    state.settings.regularizationRate = 0.003;
    select.value = '0.003';
  }
}
syncRegularizationRate();

byId('add-layer').addEventListener('click', () => {
  if (state.settings.hidden.length >= MAX_LAYERS) return;
  state.settings.hidden.push(2);
  reset();
});
byId('remove-layer').addEventListener('click', () => {
  if (state.settings.hidden.length === 0) return;
  state.settings.hidden.pop();
  reset();
});

// ---- datasets ----

const datasetsBox = byId('datasets');
for (const name of DATASETS) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'dataset';
  button.dataset.dataset = name;
  button.title = name;
  button.setAttribute('aria-pressed', String(name === state.dataset));
  const canvas = document.createElement('canvas');
  const caption = document.createElement('span');
  caption.textContent = { circle: 'Circle', xor: 'XOR', gaussian: 'Gaussians', spiral: 'Spiral' }[name];
  button.append(canvas, caption);
  button.addEventListener('click', () => {
    state.dataset = name;
    for (const b of datasetsBox.querySelectorAll('button')) b.setAttribute('aria-pressed', String(b === button));
    regenerate();
  });
  datasetsBox.append(button);
  requestAnimationFrame(() => drawThumbnail(canvas, makeDataset(name, 0, 1, 7, 200).train));
}

// ---- the network diagram ----

interface Diagram {
  /** Node boxes per column as the links see them: active features, each hidden layer, the output. */
  columns: NodeBox[][];
  /** Canvases of hidden and output nodes in frame order. */
  nodeCanvases: HTMLCanvasElement[];
}
let diagram: Diagram = { columns: [], nodeCanvases: [] };

/** Each feature's values over the plane, scaled to [-1, 1] for its node picture. */
const featurePictures = new Map<FeatureName, Float32Array>(
  FEATURES.map((feature) => {
    const values = featureRows(gridPoints(NODE_GRID), [feature.name]);
    const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
    return [feature.name, values.map((v) => v / largest)];
  }),
);

function nodeElement(x: number, y: number, className: string): { element: HTMLDivElement; canvas: HTMLCanvasElement } {
  const element = document.createElement('div');
  element.className = `node ${className}`;
  element.style.left = `${x}px`;
  element.style.top = `${y}px`;
  element.style.width = element.style.height = `${NODE_SIZE}px`;
  const canvas = document.createElement('canvas');
  element.append(canvas);
  return { element, canvas };
}

function smallButton(text: string, label: string, onClick: () => void, disabled: boolean): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'round tiny';
  button.textContent = text;
  button.setAttribute('aria-label', label);
  button.disabled = disabled;
  button.addEventListener('click', onClick);
  return button;
}

/** Rebuilds the diagram's nodes for the current settings; the links and pictures are drawn per frame. */
function layoutNetwork(): void {
  const { hidden, features } = state.settings;
  for (const child of [...network.children]) if (child !== links) child.remove();
  byId('layer-count').textContent = String(hidden.length);
  byId<HTMLButtonElement>('add-layer').disabled = hidden.length >= MAX_LAYERS;
  byId<HTMLButtonElement>('remove-layer').disabled = hidden.length === 0;

  const width = network.clientWidth;
  const rows = Math.max(FEATURES.length, ...hidden, 1);
  network.style.height = `${HEAD_ROOM + rows * (NODE_SIZE + NODE_GAP)}px`;
  const columnCount = hidden.length + 2;
  const columnX = (c: number) => LABEL_ROOM + ((width - LABEL_ROOM - NODE_SIZE) * c) / (columnCount - 1);
  const rowY = (r: number) => HEAD_ROOM + r * (NODE_SIZE + NODE_GAP);
  const columns: NodeBox[][] = [];
  const nodeCanvases: HTMLCanvasElement[] = [];

  const inputs: NodeBox[] = [];
  FEATURES.forEach((feature, r) => {
    const active = features.includes(feature.name);
    const { element, canvas } = nodeElement(columnX(0), rowY(r), `feature${active ? ' active' : ''}`);
    element.dataset.feature = feature.name;
    element.title = `${feature.label}: click to switch ${active ? 'off' : 'on'}`;
    element.tabIndex = 0;
    element.setAttribute('role', 'switch');
    element.setAttribute('aria-checked', String(active));
    const label = document.createElement('span');
    label.className = 'feature-label';
    label.textContent = feature.label;
    element.append(label);
    const toggle = () => toggleFeature(feature.name);
    element.addEventListener('click', toggle);
    element.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        toggle();
      }
    });
    paintGrid(canvas, featurePictures.get(feature.name)!, 0, NODE_GRID);
    network.append(element);
    if (active) inputs.push({ x: columnX(0), y: rowY(r), size: NODE_SIZE });
  });
  columns.push(inputs);

  hidden.forEach((units, layer) => {
    const x = columnX(layer + 1);
    const head = document.createElement('div');
    head.className = 'layer-head';
    head.style.left = `${x + NODE_SIZE / 2}px`;
    const buttons = document.createElement('div');
    buttons.append(
      smallButton('+', `Add a neuron to layer ${layer + 1}`, () => resizeLayer(layer, 1), units >= MAX_NEURONS),
      smallButton('−', `Remove a neuron from layer ${layer + 1}`, () => resizeLayer(layer, -1), units <= 1),
    );
    const count = document.createElement('span');
    count.textContent = `${units} neuron${units === 1 ? '' : 's'}`;
    head.append(buttons, count);
    network.append(head);
    const boxes: NodeBox[] = [];
    for (let r = 0; r < units; r++) {
      const { element, canvas } = nodeElement(x, rowY(r), 'hidden');
      element.dataset.layer = String(layer);
      network.append(element);
      nodeCanvases.push(canvas);
      boxes.push({ x, y: rowY(r), size: NODE_SIZE });
    }
    columns.push(boxes);
  });

  const outputX = columnX(columnCount - 1);
  const { element, canvas } = nodeElement(outputX, rowY(0), 'output-node');
  const caption = document.createElement('span');
  caption.className = 'node-caption';
  caption.textContent = 'output';
  element.append(caption);
  network.append(element);
  nodeCanvases.push(canvas);
  columns.push([{ x: outputX, y: rowY(0), size: NODE_SIZE }]);
  diagram = { columns, nodeCanvases };
  needsDraw = true;
}

function toggleFeature(name: FeatureName): void {
  const active = new Set(state.settings.features);
  if (active.has(name)) {
    if (active.size === 1) return; // the network needs at least one input
    active.delete(name);
  } else {
    active.add(name);
  }
  state.settings.features = FEATURES.map((f) => f.name).filter((n) => active.has(n));
  reset();
}

function resizeLayer(layer: number, change: number): void {
  const units = state.settings.hidden[layer] + change;
  if (units < 1 || units > MAX_NEURONS) return;
  state.settings.hidden[layer] = units;
  reset();
}

// ---- drawing ----

function formatEpoch(epoch: number): string {
  return String(epoch).padStart(6, '0').replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function showLosses(frame: Frame | null): void {
  for (const [label, value] of [
    [testLossLabel, frame?.testLoss],
    [trainLossLabel, frame?.trainLoss],
  ] as const) {
    label.dataset.value = value === undefined ? '' : String(value);
    label.textContent = value === undefined ? '–' : value.toFixed(3);
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
    epochLabel.dataset.value = String(frame.epoch);
    epochLabel.textContent = formatEpoch(frame.epoch);
    showLosses(frame);
    if (frame.stepsPerSecond > 0) stepsPerSecond[frame.backend] = frame.stepsPerSecond;
    showSpeed();
    if (history.length === 0 || frame.epoch > history[history.length - 1].epoch) {
      history.push({ epoch: frame.epoch, train: frame.trainLoss, test: frame.testLoss });
      if (history.length > MAX_HISTORY) history = history.filter((_, i) => i % 2 === 0 || i === history.length - 1);
    }
    paintGrid(outputGrid, frame.output, 0, OUTPUT_GRID, state.discretize);
    diagram.nodeCanvases.forEach((canvas, i) => paintGrid(canvas, frame.nodes, i * NODE_GRID * NODE_GRID, NODE_GRID));
  } else {
    paintGrid(outputGrid, new Float32Array(OUTPUT_GRID * OUTPUT_GRID), 0, OUTPUT_GRID);
  }
  drawHeatmap(heatmap, outputGrid, data.train, state.showTest ? data.test : null);
  drawLossChart(lossChart, history);
  drawLinks(links, diagram.columns, frame ? frame.weights : null);
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

window.addEventListener('resize', () => {
  layoutNetwork();
  needsDraw = true;
});

reset();
showSpeed();
requestAnimationFrame(animate);
