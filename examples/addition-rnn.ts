// tfjs-examples' addition-rnn, written as TF.js users write it: a sequence-to-sequence model learns to add
// two numbers given as text ("12+345" -> "357"). An encoder RNN reads the one-hot question, repeatVector hands
// its last state to every answer step, a decoder RNN with returnSequences and a timeDistributed dense softmax
// write the answer one character at a time. `train(tf, options)` takes the library, so the same code runs on
// neurite and on TF.js; the questions come from a seeded generator, so both see the same ones. The original's
// page defaults, but batches of 32 rather than 128: four times the steps an epoch, so that 40 epochs (not
// 100s) get most answers right.
// Run: npm run addition-rnn [-- --tfjs] [--digits 2] [--examples 5000] [--epochs 40] [--batch 32] [--hidden 128]
//   [--rnn LSTM|GRU|SimpleRNN]

import { pathToFileURL } from 'node:url';
import type * as Neurite from 'neurite';
import { seededRandom } from './random.js';

type Tf = typeof Neurite;
export type RnnType = 'SimpleRNN' | 'GRU' | 'LSTM';

export interface AdditionOptions {
  /** Most digits of each operand. */
  digits: number;
  /** Distinct questions to generate: 90% train, 10% are held out. */
  examples: number;
  rnnType: RnnType;
  hiddenSize: number;
  batchSize: number;
  epochs: number;
  /** Seeds the question generator. */
  seed: number;
  /** Weights to start from instead of fresh ones (in model.getWeights() order), to compare libraries from one start. */
  initialWeights?: Float32Array[];
  /**
   * fit's shuffle (default true, as in the original). The questions come in random order already, so false
   * loses nothing, and gives two libraries the same batches.
   */
  shuffle?: boolean;
  /** Called after each epoch with fit's logs. */
  onEpochEnd?: (epoch: number, logs: EpochLogs) => void;
}

export interface EpochLogs {
  loss: number;
  acc: number;
  val_loss: number;
  val_acc: number;
}

export interface AdditionResult {
  epochs: EpochLogs[];
  /** Held-out questions whose whole answer is right. */
  answerAccuracy: number;
  /** The first held-out questions with the model's answers, e.g. "12+7  = 19  ✓". */
  predictions: string[];
  /** Seconds spent in fit. */
  seconds: number;
}

const CHARS = '0123456789+ ';

/** One-hot encoding of strings over CHARS, and back. */
class CharacterTable {
  private readonly index = new Map([...CHARS].map((c, i) => [c, i]));

  /** [strings, rows, CHARS.length]: row i of each string is its character i; rows past its end stay zero. */
  encodeBatch(tf: Tf, strings: string[], rows: number): Neurite.Tensor {
    const buffer = tf.buffer([strings.length, rows, CHARS.length]);
    strings.forEach((s, n) => {
      for (let i = 0; i < s.length; i++) {
        const c = this.index.get(s[i]);
        if (c === undefined) throw new Error(`Unknown character: '${s[i]}'`);
        buffer.set(1, n, i, c);
      }
    });
    return buffer.toTensor();
  }

  /** The most likely character of each row of scores [rows, CHARS.length]. */
  decode(scores: ArrayLike<number>, rows: number): string {
    let out = '';
    for (let r = 0; r < rows; r++) {
      let best = 0;
      for (let c = 1; c < CHARS.length; c++) if (scores[r * CHARS.length + c] > scores[r * CHARS.length + best]) best = c;
      out += CHARS[best];
    }
    return out;
  }
}

/**
 * `count` distinct questions "a+b" (a pair and its swap count as one) with their answers, each padded with
 * spaces to a fixed length: 2·digits + 1 for the question, digits + 1 for the answer.
 */
export function generateData(digits: number, count: number, seed: number): Array<[question: string, answer: string]> {
  if (count > ((10 ** digits) * (10 ** digits + 1)) / 2) throw new Error(`generateData: only ${((10 ** digits) * (10 ** digits + 1)) / 2} distinct questions have ${digits} digits, asked for ${count}`);
  const random = seededRandom(seed);
  // As the original: each digit drawn at random, so short numbers come from leading zeros.
  const operand = () => {
    let s = '';
    while (s.length < digits) s += Math.floor(random() * 10);
    return Number.parseInt(s, 10);
  };
  const seen = new Set<string>();
  const out: Array<[string, string]> = [];
  while (out.length < count) {
    const [a, b] = [operand(), operand()];
    const key = `${Math.min(a, b)}+${Math.max(a, b)}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push([`${a}+${b}`.padEnd(2 * digits + 1), String(a + b).padEnd(digits + 1)]);
  }
  return out;
}

/** The original's model: encoder RNN, repeatVector, decoder RNN, timeDistributed dense, softmax; Adam. */
export function createModel(tf: Tf, { digits, rnnType, hiddenSize }: Pick<AdditionOptions, 'digits' | 'rnnType' | 'hiddenSize'>): Neurite.Sequential {
  const rnn = { SimpleRNN: tf.layers.simpleRNN, GRU: tf.layers.gru, LSTM: tf.layers.lstm }[rnnType];
  if (!rnn) throw new Error(`Unsupported RNN type: '${rnnType}'`);
  const model = tf.sequential();
  model.add(rnn({ units: hiddenSize, recurrentInitializer: 'glorotNormal', inputShape: [2 * digits + 1, CHARS.length] }));
  model.add(tf.layers.repeatVector({ n: digits + 1 }));
  model.add(rnn({ units: hiddenSize, recurrentInitializer: 'glorotNormal', returnSequences: true }));
  model.add(tf.layers.timeDistributed({ layer: tf.layers.dense({ units: CHARS.length }) }));
  model.add(tf.layers.activation({ activation: 'softmax' }));
  model.compile({ loss: 'categoricalCrossentropy', optimizer: 'adam', metrics: ['accuracy'] });
  return model;
}

/** Generates the questions, trains the model on 90% with fit and measures it on the held-out 10%. */
export async function train(tf: Tf, options: AdditionOptions): Promise<AdditionResult> {
  const { digits, examples, batchSize, epochs, seed } = options;
  const table = new CharacterTable();
  const data = generateData(digits, examples, seed);
  const split = Math.floor(examples * 0.9);
  const encode = (rows: Array<[string, string]>) =>
    [table.encodeBatch(tf, rows.map(([q]) => q), 2 * digits + 1), table.encodeBatch(tf, rows.map(([, a]) => a), digits + 1)] as const;
  const [trainXs, trainYs] = encode(data.slice(0, split));
  const [testXs, testYs] = encode(data.slice(split));
  const testData = data.slice(split);

  const model = createModel(tf, options);
  const { initialWeights } = options;
  if (initialWeights) tf.tidy(() => model.setWeights(initialWeights.map((values, i) => tf.tensor(values, model.weights[i].shape as number[]))));
  const history: EpochLogs[] = [];
  const start = performance.now();
  await model.fit(trainXs, trainYs, {
    epochs,
    batchSize,
    shuffle: options.shuffle ?? true,
    validationData: [testXs, testYs],
    verbose: 0,
    callbacks: {
      onEpochEnd: (epoch, logs) => {
        const { loss, acc, val_loss, val_acc } = logs as unknown as EpochLogs;
        history.push({ loss, acc, val_loss, val_acc });
        options.onEpochEnd?.(epoch, history[epoch]);
      },
    },
  });
  const seconds = (performance.now() - start) / 1000;

  const scores = tf.tidy(() => (model.predict(testXs) as Neurite.Tensor).dataSync());
  const rowSize = (digits + 1) * CHARS.length;
  const answers = testData.map((_, k) => table.decode(scores.subarray(k * rowSize, (k + 1) * rowSize), digits + 1));
  const right = answers.filter((answer, k) => answer === testData[k][1]).length;
  const predictions = testData.slice(0, 8).map(([q, a], k) => `${q} = ${answers[k]} ${answers[k] === a ? '✓' : `✗ (${a.trim()})`}`);
  tf.dispose([trainXs, trainYs, testXs, testYs]);
  model.dispose();
  return { epochs: history, answerAccuracy: right / testData.length, predictions, seconds };
}

/** The same program on TF.js: only the import differs. Its cpu backend, since Node has no WebGL. */
async function tfjsOnCpu(): Promise<Tf> {
  const tfjs = await import('@tensorflow/tfjs');
  await tfjs.setBackend('cpu');
  return tfjs as unknown as Tf;
}

async function main(): Promise<void> {
  const option = (name: string, fallback: string) => {
    const at = process.argv.indexOf(`--${name}`);
    return at >= 0 ? process.argv[at + 1] : fallback;
  };
  const useTfjs = process.argv.includes('--tfjs');
  const tf = useTfjs ? await tfjsOnCpu() : await import('neurite');
  // neurite's initial weights and shuffling then repeat from run to run; TF.js has no global seed.
  if (!useTfjs) tf.setSeed(1);
  await tf.ready();
  const options: AdditionOptions = {
    digits: Number(option('digits', '2')),
    examples: Number(option('examples', '5000')),
    rnnType: option('rnn', 'LSTM') as RnnType,
    hiddenSize: Number(option('hidden', '128')),
    batchSize: Number(option('batch', '32')),
    epochs: Number(option('epochs', '40')),
    seed: 1,
    onEpochEnd: (epoch, logs) =>
      console.log(
        `epoch ${String(epoch + 1).padStart(3)}  loss ${logs.loss.toFixed(4)}  acc ${(logs.acc * 100).toFixed(1)}%  ` +
          `val_loss ${logs.val_loss.toFixed(4)}  val_acc ${(logs.val_acc * 100).toFixed(1)}%`,
      ),
  };
  console.log(
    `addition-rnn: ${options.rnnType} of ${options.hiddenSize} units, ${options.digits}-digit operands, ${options.examples} questions (90% train), ` +
      `batch ${options.batchSize}, ${options.epochs} epoch${options.epochs === 1 ? '' : 's'}; ${useTfjs ? 'TF.js' : 'neurite'} on ${tf.getBackend()}`,
  );
  const result = await train(tf, options);
  console.log(result.predictions.join('\n'));
  console.log(`held-out answers right ${(result.answerAccuracy * 100).toFixed(1)}%; training took ${result.seconds.toFixed(1)} s`);
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await main();
