// The character-level model of tfjs-examples' lstm-text-generation, shared by the Node program (train.ts) and
// the page's worker (worker.ts): windows of one-hot characters -> LSTM(s) -> dense softmax over the charset,
// trained with fit on a fresh shuffle of windows each epoch, and text sampled one character at a time with a
// temperature through tf.multinomial. Left out: saving the model and user-supplied text.

import * as tf from 'neurite';

/** The text as windows of `sampleLen` characters, each followed by the character to predict. */
export class TextData {
  /** The distinct characters, in order of first appearance. */
  readonly charSet: string[];
  private readonly indices: Uint16Array;
  private readonly charIndex: Map<string, number>;

  /** `sampleStep` characters separate the starts of two windows. */
  constructor(
    readonly text: string,
    readonly sampleLen: number,
    readonly sampleStep: number,
  ) {
    if (!(sampleLen > 0 && sampleStep > 0)) throw new Error(`TextData: sampleLen and sampleStep must be positive, got ${sampleLen} and ${sampleStep}`);
    if (text.length <= sampleLen) throw new Error(`TextData: the text must be longer than sampleLen (${sampleLen}), got ${text.length} characters`);
    this.charSet = [...new Set(text)];
    this.charIndex = new Map(this.charSet.map((c, i) => [c, i]));
    this.indices = Uint16Array.from(this.textToIndices(text));
  }

  get charSetSize(): number {
    return this.charSet.length;
  }

  textToIndices(text: string): number[] {
    return Array.from(text, (c) => {
      const index = this.charIndex.get(c);
      if (index === undefined) throw new Error(`TextData: '${c}' is not in the text's character set`);
      return index;
    });
  }

  /** The cross-entropy (nats) of guessing each character by its frequency in the text alone: what a model must beat. */
  frequenciesLoss(): number {
    const counts = new Array<number>(this.charSetSize).fill(0);
    for (const c of this.indices) counts[c]++;
    return -counts.reduce((sum, n) => sum + (n / this.indices.length) * Math.log(n / this.indices.length), 0);
  }

  /**
   * `numExamples` windows from a fresh shuffle of all of them (tf.util.shuffle, so tf.setSeed repeats it):
   * xs [numExamples, sampleLen, charSetSize] and ys [numExamples, charSetSize], one-hot.
   */
  nextDataEpoch(numExamples: number): [tf.Tensor, tf.Tensor] {
    const starts: number[] = [];
    for (let i = 0; i + this.sampleLen < this.indices.length; i += this.sampleStep) starts.push(i);
    tf.util.shuffle(starts);
    const xs = tf.buffer([numExamples, this.sampleLen, this.charSetSize]);
    const ys = tf.buffer([numExamples, this.charSetSize]);
    for (let n = 0; n < numExamples; n++) {
      const start = starts[n % starts.length];
      for (let j = 0; j < this.sampleLen; j++) xs.set(1, n, j, this.indices[start + j]);
      ys.set(1, n, this.indices[start + this.sampleLen]);
    }
    return [xs.toTensor(), ys.toTensor()];
  }

  /** A window of the text chosen with tf's seeded generator, to start generating from. */
  randomSlice(): string {
    const start = tf.tidy(() => tf.randomUniformInt([], 0, this.text.length - this.sampleLen).dataSync()[0]);
    return this.text.slice(start, start + this.sampleLen);
  }
}

/**
 * LSTM layers of the given sizes (all but the last return sequences), then a softmax over the charset, compiled
 * as the original compiles it: RMSProp (at its learning rate of 0.01), categorical cross-entropy.
 */
export function createModel(sampleLen: number, charSetSize: number, lstmLayerSizes: number[], learningRate = 1e-2): tf.Sequential {
  const model = tf.sequential();
  lstmLayerSizes.forEach((units, i) =>
    model.add(tf.layers.lstm({ units, returnSequences: i < lstmLayerSizes.length - 1, inputShape: i === 0 ? [sampleLen, charSetSize] : undefined })),
  );
  model.add(tf.layers.dense({ units: charSetSize, activation: 'softmax' }));
  model.compile({ optimizer: tf.train.rmsprop(learningRate), loss: 'categoricalCrossentropy' });
  return model;
}

/** log(probs) / temperature: logits whose softmax is probs sharpened (temperature < 1) or flattened (> 1). */
export function temperatureLogits(probs: tf.Tensor, temperature: number): tf.Tensor {
  // A floor on the temperature: at 0 the division would give NaN for characters of probability 1.
  return tf.tidy(() => tf.div(tf.log(probs), Math.max(temperature, 1e-6)));
}

/** One draw from probs [charSetSize] at a temperature: the index of a character. */
export function sample(probs: tf.Tensor, temperature: number): number {
  return tf.tidy(() => tf.multinomial(temperatureLogits(probs, temperature) as tf.Tensor1D, 1).dataSync()[0]);
}

/**
 * `length` characters, each drawn from the model's prediction for the `sampleLen` characters before it,
 * starting from `seed` (a string of sampleLen characters of the charset).
 */
export async function generateText(
  model: tf.LayersModel,
  textData: TextData,
  seed: string,
  length: number,
  temperature: number,
  onChar?: (char: string) => void | Promise<void>,
): Promise<string> {
  let window = textData.textToIndices(seed);
  if (window.length !== textData.sampleLen) throw new Error(`generateText: the seed must have ${textData.sampleLen} characters, got ${window.length}`);
  let generated = '';
  while (generated.length < length) {
    const next = tf.tidy(() => {
      const input = tf.buffer([1, textData.sampleLen, textData.charSetSize]);
      window.forEach((c, i) => input.set(1, 0, i, c));
      return sample(tf.squeeze(model.predict(input.toTensor()) as tf.Tensor), temperature);
    });
    const char = textData.charSet[next];
    generated += char;
    window = [...window.slice(1), next];
    await onChar?.(char);
  }
  return generated;
}
