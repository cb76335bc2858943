// The playground's 2-D datasets (points in [-6, 6]²), made from a seeded generator: four for classification
// (labels -1 or +1) and two for regression (values in [-1, 1]); and the optional input features computed
// from (x1, x2). No files, no downloads.

export type Problem = 'classification' | 'regression';
export type DatasetName = 'circle' | 'xor' | 'gaussian' | 'spiral' | 'plane' | 'hills';
export const DATASETS: Record<Problem, DatasetName[]> = {
  classification: ['circle', 'xor', 'gaussian', 'spiral'],
  regression: ['plane', 'hills'],
};
export const DATASET_NAMES: DatasetName[] = [...DATASETS.classification, ...DATASETS.regression];

export function problemOf(dataset: DatasetName): Problem {
  return DATASETS.regression.includes(dataset) ? 'regression' : 'classification';
}

/** Hills: Gaussian bumps (centre x1, x2 and height) that make the regression surface. */
const HILLS: Array<[number, number, number]> = [
  [-3.5, 2.5, 1],
  [0, 2.5, -1],
  [3.5, 2.5, 1],
  [-3.5, -2.5, -1],
  [0, -2.5, 1],
  [3.5, -2.5, -1],
];
const HILL_WIDTH = 1.4;

export type FeatureName = 'x1' | 'x2' | 'x1Squared' | 'x2Squared' | 'x1TimesX2' | 'sinX1' | 'sinX2';

export interface Feature {
  name: FeatureName;
  label: string;
  of(x1: number, x2: number): number;
}

/** Half-width of the square the points live in. */
export const EXTENT = 6;

/**
 * Squares and products are divided by EXTENT so that each feature spans at most [-6, 6], as x1 and x2 do:
 * raw squares reach 36 and make plain SGD diverge at learning rates that suit the other features.
 */
export const FEATURES: Feature[] = [
  { name: 'x1', label: 'X₁', of: (x1) => x1 },
  { name: 'x2', label: 'X₂', of: (_, x2) => x2 },
  { name: 'x1Squared', label: 'X₁²', of: (x1) => (x1 * x1) / EXTENT },
  { name: 'x2Squared', label: 'X₂²', of: (_, x2) => (x2 * x2) / EXTENT },
  { name: 'x1TimesX2', label: 'X₁X₂', of: (x1, x2) => (x1 * x2) / EXTENT },
  { name: 'sinX1', label: 'sin(X₁)', of: (x1) => Math.sin(x1) },
  { name: 'sinX2', label: 'sin(X₂)', of: (_, x2) => Math.sin(x2) },
];
export const POINT_COUNT = 500;

export interface Points {
  /** Interleaved (x1, x2) per point. */
  xy: Float32Array;
  /** Per point: the class as -1 or +1 (classification), or the value in [-1, 1] (regression). */
  labels: Float32Array;
  count: number;
}

export interface Split {
  train: Points;
  test: Points;
}

/** A small seeded generator (xorshift32) so that a dataset (or a batch order) is the same for the same seed. */
export function randomSource(seed: number): () => number {
  let state = seed >>> 0 || 0x9e3779b9;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 2 ** 32;
  };
}

/**
 * `count` points of a dataset; noise in [0, 0.5] jitters positions (labels keep the noiseless rule, so
 * noise makes the classes overlap and the surfaces rough), and the points are shuffled before the
 * train/test split.
 */
export function makeDataset(name: DatasetName, noise: number, trainRatio: number, seed: number, count = POINT_COUNT): Split {
  const random = randomSource(seed);
  const uniform = (low: number, high: number) => low + (high - low) * random();
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const points: Array<[number, number, number]> = [];
  const half = count >> 1;
  if (name === 'circle') {
    const radius = 5;
    for (let i = 0; i < count; i++) {
      const inside = i < half;
      const r = inside ? uniform(0, radius * 0.5) : uniform(radius * 0.7, radius);
      const angle = uniform(0, 2 * Math.PI);
      const jitter = () => uniform(-radius, radius) * noise;
      points.push([r * Math.sin(angle) + jitter(), r * Math.cos(angle) + jitter(), inside ? 1 : -1]);
    }
  } else if (name === 'xor') {
    const padding = 0.3;
    for (let i = 0; i < count; i++) {
      const away = (v: number) => v + (v > 0 ? padding : -padding);
      const x1 = away(uniform(-5, 5));
      const x2 = away(uniform(-5, 5));
      const jitter = () => uniform(-5, 5) * noise;
      points.push([x1 + jitter(), x2 + jitter(), x1 * x2 >= 0 ? 1 : -1]);
    }
  } else if (name === 'gaussian') {
    // The spread grows with noise from well apart to overlapping.
    const spread = 0.5 + noise * 7;
    for (let i = 0; i < count; i++) {
      const positive = i < half;
      const centre = positive ? 2 : -2;
      points.push([centre + gaussian() * spread, centre + gaussian() * spread, positive ? 1 : -1]);
    }
  } else if (name === 'spiral') {
    for (let i = 0; i < count; i++) {
      const positive = i < half;
      const along = (positive ? i : i - half) / half;
      const r = along * 5;
      const angle = 1.75 * along * 2 * Math.PI + (positive ? 0 : Math.PI);
      const jitter = () => uniform(-1, 1) * noise;
      points.push([r * Math.sin(angle) + jitter(), r * Math.cos(angle) + jitter(), positive ? 1 : -1]);
    }
  } else if (name === 'plane' || name === 'hills') {
    const surface = name === 'plane' ? plane : hills;
    for (let i = 0; i < count; i++) {
      const x1 = uniform(-EXTENT, EXTENT);
      const x2 = uniform(-EXTENT, EXTENT);
      const jitter = () => uniform(-EXTENT, EXTENT) * noise;
      points.push([x1 + jitter(), x2 + jitter(), surface(x1, x2)]);
    }
  } else {
    throw new Error(`unknown dataset ${String(name)}`);
  }
  for (let i = points.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [points[i], points[j]] = [points[j], points[i]];
  }
  const trainCount = Math.max(1, Math.min(count - 1, Math.round(count * trainRatio)));
  return { train: pack(points.slice(0, trainCount)), test: pack(points.slice(trainCount)) };
}

/** A tilted plane: -1 in the bottom-left corner, +1 in the top-right one. */
function plane(x1: number, x2: number): number {
  return (x1 + x2) / (2 * EXTENT);
}

/** Each hill's height fades with distance from its centre; the tallest one at a point sets its value. */
function hills(x1: number, x2: number): number {
  let value = 0;
  for (const [c1, c2, height] of HILLS) {
    const hill = height * Math.exp(-((x1 - c1) ** 2 + (x2 - c2) ** 2) / (2 * HILL_WIDTH ** 2));
    if (Math.abs(hill) > Math.abs(value)) value = hill;
  }
  return value;
}

function pack(points: Array<[number, number, number]>): Points {
  const xy = new Float32Array(points.length * 2);
  const labels = new Float32Array(points.length);
  points.forEach(([x1, x2, label], i) => {
    xy[2 * i] = Math.max(-EXTENT, Math.min(EXTENT, x1));
    xy[2 * i + 1] = Math.max(-EXTENT, Math.min(EXTENT, x2));
    labels[i] = label;
  });
  return { xy, labels, count: points.length };
}

/** The chosen features of each (x1, x2) pair, row-major [count, features.length]. */
export function featureRows(xy: Float32Array, features: FeatureName[]): Float32Array {
  const chosen = features.map((name) => FEATURES.find((f) => f.name === name)!);
  const count = xy.length / 2;
  const rows = new Float32Array(count * chosen.length);
  for (let i = 0; i < count; i++) {
    for (let j = 0; j < chosen.length; j++) rows[i * chosen.length + j] = chosen[j].of(xy[2 * i], xy[2 * i + 1]);
  }
  return rows;
}

/** The centres of a size×size grid over [-EXTENT, EXTENT]², row by row from the top (x2 = +EXTENT). */
export function gridPoints(size: number): Float32Array {
  const xy = new Float32Array(size * size * 2);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      const i = row * size + col;
      xy[2 * i] = -EXTENT + ((col + 0.5) / size) * 2 * EXTENT;
      xy[2 * i + 1] = EXTENT - ((row + 0.5) / size) * 2 * EXTENT;
    }
  }
  return xy;
}
