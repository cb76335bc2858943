// The MNIST page's worker (a module Worker that Vite bundles): loads the digits, builds the chosen model,
// trains it with model.fit while posting progress, counts the held-out digits' confusion matrix, and answers
// the page's requests to classify a drawing. All of neurite's work happens here, off the page's thread.

import * as tf from 'neurite';
import { decodeDigits, type DigitSet, PIXELS } from './digits-format.js';
import { BATCH_SIZE, CLASSES, type FromWorker, type ModelKind, type ToWorker } from './protocol.js';

/** Batch progress goes to the page at most this often: a few updates a second look live. */
const PROGRESS_MS = 250;
/** How often fit lets the worker read its messages (Stop): the worker draws nothing, so less often than 'auto'. */
const YIELD_MS = 100;
/** Shifted training digits move by up to this many pixels across and down. */
const MAX_SHIFT = 2;
const SIDE = 28;
const SEED = 2024;

/** The two models, written as TF.js users write them. */
function buildModel(kind: ModelKind): tf.Sequential {
  const model = tf.sequential();
  if (kind === 'dense') {
    model.add(tf.layers.dense({ units: 128, activation: 'relu', inputShape: [PIXELS] }));
    model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
    model.add(tf.layers.dense({ units: CLASSES, activation: 'softmax' }));
  } else {
    // The CNN of TF.js's "handwritten digit recognition" tutorial.
    model.add(tf.layers.conv2d({ inputShape: [SIDE, SIDE, 1], kernelSize: 5, filters: 8, strides: 1, activation: 'relu', kernelInitializer: 'varianceScaling' }));
    model.add(tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
    model.add(tf.layers.conv2d({ kernelSize: 5, filters: 16, strides: 1, activation: 'relu', kernelInitializer: 'varianceScaling' }));
    model.add(tf.layers.maxPooling2d({ poolSize: [2, 2], strides: [2, 2] }));
    model.add(tf.layers.flatten());
    model.add(tf.layers.dense({ units: CLASSES, kernelInitializer: 'varianceScaling', activation: 'softmax' }));
  }
  model.compile({ optimizer: tf.train.adam(), loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return model;
}

interface Digits {
  train: DigitSet;
  test: DigitSet;
  yTrain: tf.Tensor;
  testLabels: tf.Tensor;
  yTest: tf.Tensor;
}

interface Session {
  kind: ModelKind;
  model: tf.Sequential;
  /** The digits shaped as the model's input. */
  images(x: Float32Array): tf.Tensor;
  xTrain: tf.Tensor;
  xTest: tf.Tensor;
  epochs: number;
}

let digits: Digits | null = null;
let session: Session | null = null;
let training = false;

const post = (message: FromWorker, transfer: Transferable[] = []) => self.postMessage(message, { transfer });

self.onmessage = async ({ data: message }: MessageEvent<ToWorker>) => {
  try {
    if (message.type === 'load') await load(message.url);
    else if (message.type === 'model') newModel(message.kind);
    else if (message.type === 'train') await train(message.epochs, message.shift);
    // Honoured right after the batch fit is training, as in TF.js.
    else if (message.type === 'stop') session!.model.stopTraining = true;
    else classify(message.id, message.pixels);
  } catch (error) {
    post({ type: 'error', message: (error as Error).message });
  }
};

async function load(url: string): Promise<void> {
  const [, response] = await Promise.all([tf.ready(), fetch(url)]);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const { train, test } = decodeDigits(new Uint8Array(await response.arrayBuffer()));
  const oneHot = (labels: tf.Tensor) => tf.tidy(() => tf.oneHot(labels, CLASSES, 1, 0, 'float32'));
  const trainLabels = tf.tensor1d(train.labels, 'int32');
  const testLabels = tf.tensor1d(test.labels, 'int32');
  // The images stay pixels until a model says in what shape it takes them.
  digits = { train, test, yTrain: oneHot(trainLabels), testLabels, yTest: oneHot(testLabels) };
  trainLabels.dispose();
  const library = `neurite ${tf.version} on ${tf.getBackend()} (${tf.getBuild()})`;
  post({ type: 'loaded', trainRows: train.rows, testRows: test.rows, library });
}

function newModel(kind: ModelKind): void {
  if (session) {
    session.model.dispose();
    tf.dispose([session.xTrain, session.xTest]);
  }
  // The same seed for every new model: a model starts from the same weights and shuffles alike each time.
  tf.setSeed(SEED);
  const model = buildModel(kind);
  const shape = model.inputs[0].shape.slice(1) as number[];
  const images = (x: Float32Array) => tf.tensor(x, [x.length / PIXELS, ...shape]);
  session = { kind, model, images, xTrain: images(digits!.train.x), xTest: images(digits!.test.x), epochs: 0 };
  post({ type: 'model', kind, params: model.countParams() });
}

async function train(epochs: number, shift: boolean): Promise<void> {
  const current = session!;
  const { model } = current;
  const { train: set, yTrain, yTest } = digits!;
  const last = current.epochs + epochs;
  let epochStart = 0;
  let seen = 0;
  let lastPost = 0;
  let samplesPerSecond = 0;
  const callbacks: tf.CustomCallbackArgs = {
    onEpochBegin: () => {
      epochStart = performance.now();
      seen = 0;
    },
    onBatchEnd: (_batch, logs) => {
      seen += logs!.size;
      const now = performance.now();
      samplesPerSecond = seen / ((now - epochStart) / 1000);
      if (now - lastPost < PROGRESS_MS) return;
      lastPost = now;
      post({ type: 'batch', epoch: current.epochs, seen, loss: logs!.loss, acc: logs!.acc, samplesPerSecond });
    },
    onEpochEnd: (epoch, logs) => {
      current.epochs = epoch + 1;
      const { loss, acc, val_loss, val_acc } = logs!;
      post({ type: 'epoch', epoch, logs: { loss, acc, val_loss, val_acc }, samplesPerSecond });
    },
  };
  training = true;
  try {
    // One fit per epoch, so that each epoch can train on freshly shifted digits. fit clears stopTraining when
    // it starts, so the loop reads it after each fit.
    let stopped = false;
    while (current.epochs < last && !stopped) {
      const x = shift ? current.images(shifted(set)) : current.xTrain;
      try {
        await model.fit(x, yTrain, {
          epochs: current.epochs + 1,
          initialEpoch: current.epochs,
          batchSize: BATCH_SIZE[current.kind],
          validationData: [current.xTest, yTest],
          callbacks,
          yieldEvery: YIELD_MS,
        });
      } finally {
        if (x !== current.xTrain) x.dispose();
      }
      stopped = model.stopTraining;
    }
  } finally {
    training = false;
  }
  post({ type: 'trained', epochs: current.epochs, stopped: current.epochs < last, confusion: confusion(current), tensors: tf.memory().numTensors });
}

/** Every digit moved by its own random whole-pixel offset (up to MAX_SHIFT each way); what enters is blank. */
function shifted(set: DigitSet): Float32Array {
  // From neurite's seeded generator, so that a run repeats.
  const offsets = tf.randomUniformInt([set.rows, 2], -MAX_SHIFT, MAX_SHIFT + 1);
  const values = offsets.dataSync() as Int32Array;
  offsets.dispose();
  const out = new Float32Array(set.x.length);
  for (let row = 0; row < set.rows; row++) {
    const across = values[2 * row];
    const down = values[2 * row + 1];
    const from = Math.max(0, across);
    const to = Math.min(SIDE, SIDE + across);
    for (let y = Math.max(0, down); y < Math.min(SIDE, SIDE + down); y++) {
      const source = row * PIXELS + (y - down) * SIDE - across;
      out.set(set.x.subarray(source + from, source + to), row * PIXELS + y * SIDE + from);
    }
  }
  return out;
}

/** confusion[label][predicted]: how the held-out digits of each class were classified. */
function confusion({ model, xTest }: Session): number[][] {
  const matrix = tf.tidy(() => tf.math.confusionMatrix(digits!.testLabels, tf.argMax(model.predict(xTest) as tf.Tensor, -1), CLASSES));
  const rows = matrix.arraySync() as number[][];
  matrix.dispose();
  return rows;
}

function classify(id: number, pixels: Float32Array): void {
  // The page asks only between runs: a drawing is classified by a model that is not changing.
  if (training) throw new Error('classify: the model is training');
  const { model, images } = session!;
  const probabilities = tf.tidy(() => model.predict(images(pixels)) as tf.Tensor);
  const values = probabilities.dataSync() as Float32Array; // a copy, the page's to keep
  probabilities.dispose();
  post({ type: 'classified', id, probabilities: values }, [values.buffer]);
}
