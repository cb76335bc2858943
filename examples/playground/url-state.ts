// Everything the playground's controls set, its defaults, and its form in the URL's query string, so that a
// link (or a reload) brings back the same network: the same seeds give the same data and initial weights.
// Reading is defensive: a missing or malformed parameter takes its default, it never breaks the page.

import { DATASET_NAMES, type DatasetName, FEATURES, type FeatureName } from './datasets.js';
import type { ActivationName, BackendChoice, Pace, Regularization } from './protocol.js';

export const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const REGULARIZATION_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
export const MAX_LAYERS = 6;
export const MAX_NEURONS = 8;
export const MAX_BATCH_SIZE = 30;
/** Seeds are kept to 31 bits: the data generator and tf.setSeed both take them as they are. */
export const MAX_SEED = 2 ** 31 - 1;

export interface PlaygroundState {
  dataset: DatasetName;
  /** Jitter in percent, 0 to 50 in steps of 5 (the slider's units). */
  noise: number;
  /** Percent of the points used for training, 10 to 90 in steps of 10. */
  trainRatio: number;
  batchSize: number;
  features: FeatureName[];
  /** Neurons per hidden layer. */
  hidden: number[];
  activation: ActivationName;
  learningRate: number;
  regularization: Regularization;
  regularizationRate: number;
  /** Seeds the initial weights and the order of the batches. */
  seed: number;
  /** Seeds the points. */
  dataSeed: number;
  pace: Pace;
  backend: BackendChoice;
  showTest: boolean;
  discretize: boolean;
}

export const DEFAULT_STATE: Readonly<PlaygroundState> = {
  dataset: 'circle',
  noise: 0,
  trainRatio: 50,
  batchSize: 10,
  features: ['x1', 'x2'],
  hidden: [4, 2],
  activation: 'tanh',
  learningRate: 0.03,
  regularization: 'none',
  regularizationRate: 0,
  seed: 1,
  dataSeed: 1,
  pace: 'normal',
  backend: 'wasm',
  showTest: true,
  discretize: false,
};

/** How one setting is written into the query string and read back; `parse` gives undefined for anything invalid. */
interface Codec<T> {
  parse(text: string): T | undefined;
  format(value: T): string;
}

const oneOf = <T extends string>(values: readonly T[]): Codec<T> => ({
  parse: (text) => values.find((value) => value === text),
  format: (value) => value,
});

const numberFrom = (values: readonly number[]): Codec<number> => ({
  parse: (text) => (text.trim() === '' ? undefined : values.find((value) => value === Number(text))),
  format: String,
});

const integer = (min: number, max: number, step = 1): Codec<number> => ({
  parse: (text) => {
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    return value >= min && value <= max && (value - min) % step === 0 ? value : undefined;
  },
  format: String,
});

const flag: Codec<boolean> = {
  parse: (text) => (text === 'true' ? true : text === 'false' ? false : undefined),
  format: String,
};

/** Comma-separated neurons per layer; an empty value is a network without hidden layers. */
const layers: Codec<number[]> = {
  parse: (text) => {
    if (text === '') return [];
    const units = text.split(',').map(integer(1, MAX_NEURONS).parse);
    return units.length <= MAX_LAYERS && units.every((u) => u !== undefined) ? (units as number[]) : undefined;
  },
  format: (units) => units.join(','),
};

/** Comma-separated feature names, kept in the diagram's order; at least one. */
const features: Codec<FeatureName[]> = {
  parse: (text) => {
    const named = new Set(text.split(','));
    const known = FEATURES.map((f) => f.name).filter((name) => named.has(name));
    return known.length > 0 && known.length === named.size ? known : undefined;
  },
  format: (names) => names.join(','),
};

const CODECS: { [K in keyof PlaygroundState]: Codec<PlaygroundState[K]> } = {
  dataset: oneOf(DATASET_NAMES),
  noise: integer(0, 50, 5),
  trainRatio: integer(10, 90, 10),
  batchSize: integer(1, MAX_BATCH_SIZE),
  features,
  hidden: layers,
  activation: oneOf(['relu', 'tanh', 'sigmoid', 'linear'] as const),
  learningRate: numberFrom(LEARNING_RATES),
  regularization: oneOf(['none', 'l1', 'l2'] as const),
  regularizationRate: numberFrom(REGULARIZATION_RATES),
  seed: integer(0, MAX_SEED),
  dataSeed: integer(0, MAX_SEED),
  pace: oneOf(['slow', 'normal', 'fast'] as const),
  backend: oneOf(['wasm', 'js'] as const),
  showTest: flag,
  discretize: flag,
};

const KEYS = Object.keys(CODECS) as Array<keyof PlaygroundState>;

/** The state a query string describes (e.g. location.search), each setting falling back to its default. */
export function stateFromQuery(query: string): PlaygroundState {
  const params = new URLSearchParams(query);
  const read = <K extends keyof PlaygroundState>(key: K): PlaygroundState[K] => {
    const text = params.get(key);
    const parsed = text === null ? undefined : CODECS[key].parse(text);
    return structuredClone(parsed ?? DEFAULT_STATE[key]);
  };
  return Object.fromEntries(KEYS.map((key) => [key, read(key)])) as unknown as PlaygroundState;
}

/** The query string (without "?") for a state; commas are left readable. */
export function queryOf(state: PlaygroundState): string {
  const part = <K extends keyof PlaygroundState>(key: K) => `${key}=${encodeURIComponent(CODECS[key].format(state[key])).replaceAll('%2C', ',')}`;
  return KEYS.map(part).join('&');
}
