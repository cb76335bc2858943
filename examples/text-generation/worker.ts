// The text-generation page's worker (a module Worker that Vite bundles): fetches the sonnets, builds model.ts's
// LSTM, trains it with model.fit one epoch of freshly shuffled windows at a time while posting the loss, and
// writes a sample after each epoch at the page's temperature. All of neurite's work happens here.

import * as tf from 'neurite';
import { createModel, generateText, TextData } from './model.js';
import type { FromWorker, ToWorker } from './protocol.js';

// The original's window, step between windows, layer size and batch; shorter epochs than its 2,048 windows,
// so that a new sample shows every few seconds.
const SAMPLE_LEN = 40;
const SAMPLE_STEP = 3;
const LSTM_UNITS = [128];
const BATCH_SIZE = 128;
const WINDOWS_PER_EPOCH = 1024;
/** Characters in each sample. */
const SAMPLE_CHARS = 240;
/** How often fit lets the worker read its messages (Stop). */
const YIELD_MS = 100;
const SEED = 1;

interface Session {
  data: TextData;
  model: tf.Sequential;
  /** The window every sample continues, so that samples after different epochs compare. */
  seed: string;
  epochs: number;
}

let session: Session | null = null;
let temperature = 0.75;
let training = false;
let stopRequested = false;

const post = (message: FromWorker) => self.postMessage(message);

self.onmessage = async ({ data: message }: MessageEvent<ToWorker>) => {
  try {
    if (message.type === 'load') await load(message.url, message.temperature);
    else if (message.type === 'train') await train(message.epochs);
    else if (message.type === 'stop') {
      // fit honours stopTraining after the batch in training, as in TF.js.
      stopRequested = true;
      session!.model.stopTraining = true;
    } else {
      temperature = message.value;
      // While loading, the sample that ends it takes the new temperature; while training, the next one does.
      if (session && !training) await writeSample(session);
    }
  } catch (error) {
    post({ type: 'error', message: (error as Error).message });
  }
};

async function load(url: string, startTemperature: number): Promise<void> {
  temperature = startTemperature;
  const [, response] = await Promise.all([tf.ready(), fetch(url)]);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  const text = await response.text();
  tf.setSeed(SEED);
  const data = new TextData(text, SAMPLE_LEN, SAMPLE_STEP);
  const model = createModel(SAMPLE_LEN, data.charSetSize, LSTM_UNITS);
  session = { data, model, seed: data.randomSlice(), epochs: 0 };
  const library = `neurite ${tf.version} on ${tf.getBackend()} (${tf.getBuild()})`;
  post({ type: 'loaded', characters: text.length, charSet: data.charSet.join(''), frequenciesLoss: data.frequenciesLoss(), params: model.countParams(), library });
  await writeSample(session);
}

async function train(epochs: number): Promise<void> {
  const current = session!;
  const { data, model } = current;
  const last = current.epochs + epochs;
  training = true;
  stopRequested = false;
  try {
    while (current.epochs < last && !stopRequested) {
      const [xs, ys] = data.nextDataEpoch(WINDOWS_PER_EPOCH);
      const start = performance.now();
      let seen = 0;
      let lossSum = 0;
      try {
        await model.fit(xs, ys, {
          epochs: 1,
          batchSize: BATCH_SIZE,
          yieldEvery: YIELD_MS,
          verbose: 0,
          callbacks: {
            onBatchEnd: (_batch, logs) => {
              seen += logs!.size;
              lossSum += logs!.loss * logs!.size;
              // Every batch: a few a second, each a point of the page's chart.
              post({ type: 'batch', epoch: current.epochs, loss: logs!.loss, fraction: seen / WINDOWS_PER_EPOCH });
            },
          },
        });
      } finally {
        tf.dispose([xs, ys]);
      }
      // A stopped epoch counts, over the windows it saw.
      post({ type: 'epoch', epoch: current.epochs, loss: lossSum / seen, samplesPerSecond: seen / ((performance.now() - start) / 1000) });
      current.epochs++;
      await writeSample(current);
    }
  } finally {
    training = false;
  }
  post({ type: 'trained', epochs: current.epochs, stopped: current.epochs < last, tensors: tf.memory().numTensors });
}

async function writeSample({ model, data, seed, epochs }: Session): Promise<void> {
  const text = await generateText(model, data, seed, SAMPLE_CHARS, temperature);
  post({ type: 'sample', epochs, temperature, seed, text });
}
