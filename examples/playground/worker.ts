// The playground's training worker: builds a neurite model from the page's settings, trains it an epoch at a
// time in slices of about 20 ms, and sends the page frames (losses, the output over the plane, each node's
// activation grid, the weights) as transferable arrays, one at a time as the page draws them.

import * as tf from 'neurite';
import { featureRows, gridPoints } from './datasets.js';
import { type BackendChoice, type Frame, type FromWorker, type ModelSettings, NODE_GRID, OUTPUT_GRID, type PointsMessage, type ToWorker } from './protocol.js';

/** Training time per slice before the worker looks at its messages again. */
const SLICE_MS = 20;
/** At most this often a frame while playing (the page draws at its own 60 fps regardless). */
const FRAME_INTERVAL_MS = 33;

interface Session {
  settings: ModelSettings;
  model: tf.Sequential;
  optimizer: tf.SGDOptimizer;
  trainX: tf.Tensor;
  trainY: tf.Tensor;
  testX: tf.Tensor;
  testY: tf.Tensor;
  outputGrid: tf.Tensor;
  nodeGrid: tf.Tensor;
  epoch: number;
}

let session: Session | null = null;
let playing = false;
let backend: BackendChoice = 'wasm';
/** Something changed since the last frame. */
let dirty = false;
/** The page has drawn the last frame sent. */
let drawn = true;
let lastFrameAt = 0;
/** Steps and training milliseconds in the current measuring window. */
let windowSteps = 0;
let windowMs = 0;
let stepsPerSecond = 0;

const inbox: ToWorker[] = [];
let wake: (() => void) | null = null;

self.onmessage = (event: MessageEvent<ToWorker>) => {
  inbox.push(event.data);
  wake?.();
};

function send(message: FromWorker, transfer: Transferable[] = []): void {
  self.postMessage(message, { transfer });
}

/** A task boundary without setTimeout's 4 ms clamp, so that queued messages get handled. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => resolve();
    channel.port2.postMessage(null);
  });
}

function toTensors(points: PointsMessage, settings: ModelSettings): [tf.Tensor, tf.Tensor] {
  const rows = points.labels.length;
  const x = tf.tensor2d(featureRows(points.xy, settings.features), [rows, settings.features.length]);
  // Classification learns 0/1 through a sigmoid; regression fits -1/+1 with a linear output.
  const targets = settings.problem === 'classification' ? points.labels : points.labels.map((label) => 2 * label - 1);
  return [x, tf.tensor2d(targets, [rows, 1])];
}

function gridTensor(size: number, settings: ModelSettings): tf.Tensor {
  return tf.tensor2d(featureRows(gridPoints(size), settings.features), [size * size, settings.features.length]);
}

function buildModel(settings: ModelSettings): { model: tf.Sequential; optimizer: tf.SGDOptimizer } {
  const { regularization, regularizationRate: rate } = settings;
  const kernelRegularizer =
    regularization === 'l1' && rate > 0 ? tf.regularizers.l1({ l1: rate }) : regularization === 'l2' && rate > 0 ? tf.regularizers.l2({ l2: rate }) : undefined;
  const inputShape = [settings.features.length];
  const model = tf.sequential();
  settings.hidden.forEach((units, i) => model.add(tf.layers.dense({ units, activation: settings.activation, kernelRegularizer, ...(i === 0 ? { inputShape } : {}) })));
  const outputActivation = settings.problem === 'classification' ? 'sigmoid' : 'linear';
  model.add(tf.layers.dense({ units: 1, activation: outputActivation, kernelRegularizer, ...(settings.hidden.length === 0 ? { inputShape } : {}) }));
  // Plain SGD, as the playground the course points to uses: the learning rate shows its effect directly.
  const optimizer = tf.train.sgd(settings.learningRate);
  model.compile({ optimizer, loss: settings.problem === 'classification' ? 'binaryCrossentropy' : 'meanSquaredError' });
  model.build();
  return { model, optimizer };
}

function disposeSession(): void {
  if (!session) return;
  const { model, trainX, trainY, testX, testY, outputGrid, nodeGrid } = session;
  model.dispose();
  tf.dispose([trainX, trainY, testX, testY, outputGrid, nodeGrid]);
  session = null;
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'reset': {
      disposeSession();
      const { settings } = message;
      tf.setSeed(settings.seed);
      const { model, optimizer } = buildModel(settings);
      const [trainX, trainY] = toTensors(message.train, settings);
      const [testX, testY] = toTensors(message.test, settings);
      session = { settings, model, optimizer, trainX, trainY, testX, testY, outputGrid: gridTensor(OUTPUT_GRID, settings), nodeGrid: gridTensor(NODE_GRID, settings), epoch: 0 };
      break;
    }
    case 'tune':
      if (session) {
        session.optimizer.learningRate = message.learningRate;
        session.settings = { ...session.settings, learningRate: message.learningRate, batchSize: message.batchSize };
      }
      break;
    case 'play':
      playing = true;
      break;
    case 'pause':
      playing = false;
      stepsPerSecond = 0;
      break;
    case 'step':
      playing = false;
      await trainEpoch();
      break;
    case 'backend': {
      const ok = await tf.setBackend(message.name);
      backend = tf.getBackend();
      windowSteps = 0;
      windowMs = 0;
      stepsPerSecond = 0;
      if (!ok) send({ type: 'error', message: `the ${message.name} backend could not be loaded; staying on ${backend}` });
      send({ type: 'backend', name: backend });
      break;
    }
    case 'drawn':
      drawn = true;
      return;
  }
  dirty = true;
}

async function trainEpoch(): Promise<void> {
  if (!session) return;
  const { model, trainX, trainY, settings } = session;
  const started = performance.now();
  await model.fit(trainX, trainY, { epochs: 1, batchSize: settings.batchSize, shuffle: true, verbose: 0 });
  windowMs += performance.now() - started;
  windowSteps += Math.ceil(trainX.shape[0] / settings.batchSize);
  session.epoch++;
  if (windowMs >= 1000) {
    stepsPerSecond = (windowSteps * 1000) / windowMs;
    windowSteps = 0;
    windowMs = 0;
  }
}

function lossOf(model: tf.Sequential, x: tf.Tensor, y: tf.Tensor): number {
  const loss = model.evaluate(x, y, { batchSize: 256 }) as tf.Tensor;
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/** The output and every node's activation over the plane, and the weights, copied out for the page. */
function makeFrame(current: Session): { frame: Frame; transfer: Transferable[] } {
  const { model, settings } = current;
  const classification = settings.problem === 'classification';
  const toUnit = (value: number) => Math.max(-1, Math.min(1, classification ? 2 * value - 1 : value));
  const prediction = model.predict(current.outputGrid);
  const output = (prediction.dataSync() as Float32Array).map(toUnit);
  prediction.dispose();

  const weights = model.getWeights(); // the variables themselves (as TF.js): nothing to dispose
  const kernels = weights.filter((_, i) => i % 2 === 0).map((w) => w.dataSync() as Float32Array);
  const layerGrids: Float32Array[] = [];
  tf.tidy(() => {
    let h = current.nodeGrid;
    for (let i = 0; i < weights.length; i += 2) {
      const z = tf.add(tf.matMul(h, weights[i]), weights[i + 1]);
      const last = i === weights.length - 2;
      const activation = last ? (classification ? 'sigmoid' : 'linear') : settings.activation;
      h = activation === 'relu' ? tf.relu(z) : activation === 'tanh' ? tf.tanh(z) : activation === 'sigmoid' ? tf.sigmoid(z) : z;
      // Node by node: transpose [points, units] so each node's grid is contiguous.
      const values = h.dataSync();
      const units = h.shape[1];
      const points = h.shape[0];
      const byNode = new Float32Array(values.length);
      for (let p = 0; p < points; p++) for (let u = 0; u < units; u++) byNode[u * points + p] = last ? toUnit(values[p * units + u]) : Math.max(-1, Math.min(1, values[p * units + u]));
      layerGrids.push(byNode);
    }
  });

  const frame: Frame = {
    type: 'frame',
    seed: settings.seed,
    epoch: current.epoch,
    trainLoss: lossOf(model, current.trainX, current.trainY),
    testLoss: lossOf(model, current.testX, current.testY),
    output,
    nodes: concat(layerGrids),
    weights: concat(kernels),
    backend,
    stepsPerSecond: playing ? stepsPerSecond : 0,
    playing,
  };
  return { frame, transfer: [frame.output.buffer, frame.nodes.buffer, frame.weights.buffer] };
}

function concat(parts: Float32Array[]): Float32Array {
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    all.set(part, offset);
    offset += part.length;
  }
  return all;
}

function sendFrameIfDue(): void {
  if (!session || !drawn || !dirty) return;
  const now = performance.now();
  if (playing && now - lastFrameAt < FRAME_INTERVAL_MS) return;
  const { frame, transfer } = makeFrame(session);
  send(frame, transfer);
  drawn = false;
  dirty = false;
  lastFrameAt = now;
}

async function run(): Promise<void> {
  await tf.ready();
  backend = tf.getBackend();
  send({ type: 'backend', name: backend });
  for (;;) {
    try {
      while (inbox.length > 0) await handle(inbox.shift()!);
      if (playing && session) {
        const started = performance.now();
        do await trainEpoch();
        while (performance.now() - started < SLICE_MS);
        dirty = true;
      }
      sendFrameIfDue();
    } catch (error) {
      // Typically the loss became NaN at too high a learning rate: stop and say so.
      playing = false;
      send({ type: 'error', message: (error as Error).message });
    }
    if (playing || inbox.length > 0) await yieldToEvents();
    else await new Promise<void>((resolve) => (wake = resolve));
    wake = null;
  }
}

void run();
