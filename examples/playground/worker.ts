// The playground's training worker: builds a neurite model from the page's settings, trains it batch by batch
// at the page's pace (or whole epochs at a time when fast), and sends the page frames (losses, the output over
// the plane, each node's activation grid, the weights, tf.callbacks.inspect's last report) as transferable
// arrays, one at a time as the page draws them. It stops and reports when the loss diverges.

import * as tf from 'neurite';
import { featureRows, gridPoints, randomSource } from './datasets.js';
import {
  type BackendChoice,
  type Frame,
  type FromWorker,
  type ModelSettings,
  NODE_GRID,
  OUTPUT_GRID,
  type Pace,
  type PointsMessage,
  type ToWorker,
  type WeightAddress,
} from './protocol.js';

/** Training time per slice before the worker looks at its messages again. */
const SLICE_MS = 20;
/** At most this often a frame while playing (the page draws at its own 60 fps regardless). */
const FRAME_INTERVAL_MS = 33;
/** Batches per second at the paced speeds; 'fast' trains whole epochs back to back. */
const PACED_STEPS_PER_SECOND: Record<Exclude<Pace, 'fast'>, number> = { slow: 4, normal: 600 };
/** A paced run that fell behind (a slow backend, a busy machine) catches up at most this much time's worth. */
const MAX_CATCH_UP_S = 0.1;
/** A training loss this many times the untouched model's has exploded, even while it is still finite. */
const EXPLOSION_FACTOR = 20;
/**
 * Epochs are inspected at most this often (one begun after this long since the last): at the fast pace an
 * epoch takes a few milliseconds and an inspection about as long, and frames show one report each anyway.
 */
const INSPECT_INTERVAL_MS = FRAME_INTERVAL_MS;

interface Session {
  generation: number;
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
  steps: number;
  /** The current epoch's copy of the training set in its shuffled order, and the rows of it trained so far. */
  epochX: tf.Tensor | null;
  epochY: tf.Tensor | null;
  row: number;
  /** Seeded by the settings' seed, so the same seed gives the same batches. */
  random: () => number;
  /** The training loss (and step count) of the model as reset, edited or stopped: what divergence is measured against. */
  start: { loss: number; steps: number } | null;
  /**
   * Per layer and epoch, the gradient norm, update ratio, activations and dead ReLUs. fit trains an epoch here
   * in several calls (to step and pace it), so the worker calls the callback's epoch hooks itself.
   */
  inspect: tf.Inspect;
  /** Whether the current epoch is inspected (its start was snapshotted), and when the last inspected one began. */
  inspecting: boolean;
  inspectedAt: number;
  report: tf.InspectReport | null;
}

let session: Session | null = null;
let playing = false;
let pace: Pace = 'normal';
let backend: BackendChoice = 'wasm';
/** Something changed since the last frame. */
let dirty = false;
/** The page has drawn the last frame sent. */
let drawn = true;
let lastFrameAt = 0;
/** Batches owed at a paced speed, and when they were last counted. */
let credit = 0;
let creditAt = 0;
/**
 * The measuring window of steps per second: when it began, and the steps and milliseconds spent training in
 * it. The figure is steps per second of training time, so it compares backends at any pace.
 */
let windowStartedAt = 0;
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

/** Waits until a message arrives or `ms` pass. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    wake = resolve;
    if (Number.isFinite(ms)) setTimeout(resolve, ms);
  });
}

function toTensors(points: PointsMessage, settings: ModelSettings): [tf.Tensor, tf.Tensor] {
  const rows = points.labels.length;
  const x = tf.tensor2d(featureRows(points.xy, settings.features), [rows, settings.features.length]);
  // Classification learns 0/1 through a sigmoid; regression fits the values in [-1, 1] with a linear output.
  const targets = settings.problem === 'classification' ? points.labels.map((label) => (label > 0 ? 1 : 0)) : points.labels;
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

function endEpoch(current: Session): void {
  tf.dispose([current.epochX!, current.epochY!]);
  current.epochX = current.epochY = null;
  current.row = 0;
}

function disposeSession(): void {
  if (!session) return;
  const { model, trainX, trainY, testX, testY, outputGrid, nodeGrid } = session;
  if (session.epochX) endEpoch(session);
  model.dispose();
  tf.dispose([trainX, trainY, testX, testY, outputGrid, nodeGrid]);
  session = null;
}

/** The training rows in a fresh seeded order (Fisher–Yates). */
function shuffledEpoch(current: Session): [tf.Tensor, tf.Tensor] {
  const rows = current.trainX.shape[0];
  const order = Int32Array.from({ length: rows }, (_, i) => i);
  for (let i = rows - 1; i > 0; i--) {
    const j = Math.floor(current.random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return tf.tidy(() => {
    const indices = tf.tensor1d(order, 'int32');
    return [tf.gather(current.trainX, indices), tf.gather(current.trainY, indices)];
  });
}

/**
 * Trains up to `count` batches of the current epoch (fewer when the epoch ends first) in one fit call over
 * the next rows of the shuffled epoch, so that stepping, pacing and whole epochs all train the same batches.
 * Returns the batches trained.
 */
async function trainBatches(current: Session, count: number): Promise<number> {
  if (!current.epochX) {
    [current.epochX, current.epochY] = shuffledEpoch(current);
    const now = performance.now();
    current.inspecting = now - current.inspectedAt >= INSPECT_INTERVAL_MS;
    if (current.inspecting) {
      current.inspectedAt = now;
      current.inspect.onEpochBegin(current.epoch);
    }
  }
  const rows = current.trainX.shape[0];
  const { batchSize } = current.settings;
  const batches = Math.min(count, Math.ceil((rows - current.row) / batchSize));
  const end = Math.min(rows, current.row + batches * batchSize);
  const whole = current.row === 0 && end === rows;
  const x = whole ? current.epochX : current.epochX.slice([current.row, 0], [end - current.row, current.epochX.shape[1]]);
  const y = whole ? current.epochY! : current.epochY!.slice([current.row, 0], [end - current.row, 1]);
  const started = performance.now();
  try {
    await current.model.fit(x, y, { epochs: 1, batchSize, shuffle: false, verbose: 0 });
  } finally {
    if (!whole) tf.dispose([x, y]);
  }
  const now = performance.now();
  windowMs += now - started;
  windowSteps += batches;
  if (now - windowStartedAt >= 1000) {
    if (windowMs > 0) stepsPerSecond = (windowSteps * 1000) / windowMs;
    restartSpeedWindow(now);
  }
  current.steps += batches;
  current.row = end;
  if (end === rows) {
    endEpoch(current);
    if (current.inspecting) {
      await current.inspect.onEpochEnd(current.epoch);
      current.report = current.inspect.reports.pop()!;
      current.inspect.reports.length = 0; // the page keeps the history it draws
    }
    current.epoch++;
  }
  return batches;
}

function restartSpeedWindow(now: number): void {
  windowStartedAt = now;
  windowSteps = 0;
  windowMs = 0;
}

/** Trains for one slice of time at the current pace; returns whether any batch was trained. */
async function trainSlice(current: Session): Promise<boolean> {
  const started = performance.now();
  if (pace === 'fast') {
    do await trainBatches(current, Infinity);
    while (performance.now() - started < SLICE_MS);
    return true;
  }
  const rate = PACED_STEPS_PER_SECOND[pace];
  credit = Math.min(credit + ((started - creditAt) * rate) / 1000, Math.max(1, rate * MAX_CATCH_UP_S));
  creditAt = started;
  let trained = 0;
  while (credit >= 1 && performance.now() - started < SLICE_MS) {
    const batches = await trainBatches(current, Math.floor(credit));
    credit -= batches;
    trained += batches;
  }
  return trained > 0;
}

/** Milliseconds until the next paced batch is due. */
function untilNextBatch(): number {
  if (pace === 'fast') return 0;
  return ((1 - credit) * 1000) / PACED_STEPS_PER_SECOND[pace];
}

function setWeight(model: tf.Sequential, { layer, from, to }: WeightAddress, value: number): void {
  const dense = model.layers[layer];
  const [kernel, bias] = dense.getWeights(); // the variables themselves: nothing to dispose
  const values = (kernel.dataSync() as Float32Array).slice();
  values[from * kernel.shape[1] + to] = value;
  const edited = tf.tensor2d(values, [kernel.shape[0], kernel.shape[1]]);
  dense.setWeights([edited, bias]);
  edited.dispose();
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
      const inspect = tf.callbacks.inspect({ x: trainX, y: trainY, print: false });
      inspect.setModel(model);
      inspect.onTrainBegin(); // takes the sample of the training points it measures on
      session = {
        generation: message.generation,
        settings,
        model,
        optimizer,
        trainX,
        trainY,
        testX,
        testY,
        outputGrid: gridTensor(OUTPUT_GRID, settings),
        nodeGrid: gridTensor(NODE_GRID, settings),
        epoch: 0,
        steps: 0,
        epochX: null,
        epochY: null,
        row: 0,
        random: randomSource(settings.seed),
        start: null,
        inspect,
        inspecting: false,
        inspectedAt: -Infinity,
        report: null,
      };
      break;
    }
    case 'tune':
      if (session) {
        session.optimizer.learningRate = message.learningRate;
        session.settings = { ...session.settings, learningRate: message.learningRate, batchSize: message.batchSize };
      }
      break;
    case 'pace':
      pace = message.pace;
      credit = 1; // the first batch at the new pace goes now
      creditAt = performance.now();
      break;
    case 'play':
      playing = true;
      credit = 1;
      creditAt = performance.now();
      restartSpeedWindow(creditAt);
      break;
    case 'pause':
      playing = false;
      stepsPerSecond = 0;
      break;
    case 'step':
      playing = false;
      if (session) await trainBatches(session, 1);
      break;
    case 'set-weight':
      if (session) {
        setWeight(session.model, message, message.value);
        session.start = null; // an edit may raise the loss a lot: that is not divergence
      }
      break;
    case 'backend': {
      const ok = await tf.setBackend(message.name);
      backend = tf.getBackend();
      restartSpeedWindow(performance.now());
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

function lossOf(model: tf.Sequential, x: tf.Tensor, y: tf.Tensor): number {
  const loss = model.evaluate(x, y, { batchSize: 256 }) as tf.Tensor;
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/** The output and every node's activation over the plane, and the weights, copied out for the page. */
function makeFrame(current: Session, trainLoss: number): { frame: Frame; transfer: Transferable[] } {
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
    generation: current.generation,
    epoch: current.epoch,
    steps: current.steps,
    trainLoss,
    testLoss: lossOf(model, current.testX, current.testY),
    output,
    nodes: concat(layerGrids),
    weights: concat(kernels),
    backend,
    stepsPerSecond: playing ? stepsPerSecond : 0,
    report: current.report,
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

/** Stops training and tells the page, which explains it in words. */
function reportDivergence(current: Session, loss: number, weightsOverflowed: boolean): void {
  playing = false;
  stepsPerSecond = 0;
  send({ type: 'diverged', generation: current.generation, epoch: current.epoch, loss, startLoss: current.start?.loss ?? NaN, weightsOverflowed });
  // Measured from here on: the next frame (of these weights) must not report the same divergence again.
  current.start = null;
}

/**
 * The loss neurite's fit reports when it stops on divergence ("... the loss became NaN; ..." or "the update
 * made some weights NaN or Infinity"); null for any other error.
 */
function divergenceIn(message: string): { loss: number; weightsOverflowed: boolean } | null {
  const became = /the loss (?:with regularization )?became (NaN|-?Infinity)/.exec(message);
  if (became) return { loss: Number(became[1]), weightsOverflowed: false };
  if (message.includes('made some weights NaN or Infinity')) return { loss: NaN, weightsOverflowed: true };
  return null;
}

function sendFrameIfDue(): void {
  if (!session || !drawn || !dirty) return;
  const now = performance.now();
  if (playing && now - lastFrameAt < FRAME_INTERVAL_MS) return;
  const trainLoss = lossOf(session.model, session.trainX, session.trainY);
  session.start ??= { loss: trainLoss, steps: session.steps };
  const trainedSinceStart = session.steps > session.start.steps;
  if (trainedSinceStart && (!Number.isFinite(trainLoss) || trainLoss > EXPLOSION_FACTOR * session.start.loss)) reportDivergence(session, trainLoss, false);
  const { frame, transfer } = makeFrame(session, trainLoss);
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
      if (playing && session && (await trainSlice(session))) dirty = true;
      sendFrameIfDue();
    } catch (error) {
      const message = (error as Error).message;
      const diverged = divergenceIn(message);
      if (session && diverged) {
        reportDivergence(session, diverged.loss, diverged.weightsOverflowed);
        dirty = true; // fit put the weights back as they were before the bad batch: show them
      } else {
        playing = false;
        send({ type: 'error', message });
      }
    }
    if (inbox.length > 0) await yieldToEvents();
    else if (playing) await (pace === 'fast' ? yieldToEvents() : sleep(untilNextBatch()));
    else await sleep(Infinity);
    wake = null;
  }
}

void run();
