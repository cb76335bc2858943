// The compact binary the page loads the MNIST digits from: row counts, one label byte and 784 pixel bytes
// per digit, training rows first. Pure functions shared by the Vite plugin (Node) and the page; no I/O.

/** The file's name beside the page, in dev and in a build. */
export const DIGITS_FILE = 'digits.bin';
export const PIXELS = 784;
const HEADER_BYTES = 8;

export interface DigitSet {
  /** Row-major pixels in [0, 1], [rows, 784]. */
  x: Float32Array;
  labels: Int32Array;
  rows: number;
}

/**
 * The `mnist` package stores each pixel as k/255 rounded to three decimals, so a byte holds it exactly and
 * this table turns it back into the very float Node reads from the JSON.
 */
const PIXEL_VALUE = Float32Array.from({ length: 256 }, (_, k) => Math.round((k / 255) * 1000) / 1000);

/** Packs a train/test split (pixels in [0, 1]) into bytes: ~8 MB instead of ~20 MB of JSON. */
export function encodeDigits(train: DigitSet, test: DigitSet): Uint8Array {
  const rows = train.rows + test.rows;
  const bytes = new Uint8Array(HEADER_BYTES + rows * (1 + PIXELS));
  const header = new DataView(bytes.buffer);
  header.setUint32(0, train.rows, true);
  header.setUint32(4, test.rows, true);
  let label = HEADER_BYTES;
  let pixel = HEADER_BYTES + rows;
  for (const set of [train, test]) {
    for (let i = 0; i < set.rows; i++) bytes[label++] = set.labels[i];
    for (let i = 0; i < set.rows * PIXELS; i++) bytes[pixel++] = Math.round(set.x[i] * 255);
  }
  return bytes;
}

/** The inverse of encodeDigits; throws if the bytes are not a whole file in that format. */
export function decodeDigits(bytes: Uint8Array): { train: DigitSet; test: DigitSet } {
  if (bytes.length < HEADER_BYTES) throw new Error(`digits: expected at least ${HEADER_BYTES} bytes, got ${bytes.length}`);
  const header = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  const trainRows = header.getUint32(0, true);
  const testRows = header.getUint32(4, true);
  const rows = trainRows + testRows;
  const expected = HEADER_BYTES + rows * (1 + PIXELS);
  if (bytes.length !== expected) throw new Error(`digits: expected ${expected} bytes for ${rows} digits, got ${bytes.length}`);
  const slice = (first: number, count: number): DigitSet => {
    const labels = Int32Array.from(bytes.subarray(HEADER_BYTES + first, HEADER_BYTES + first + count));
    const start = HEADER_BYTES + rows + first * PIXELS;
    const x = new Float32Array(count * PIXELS);
    for (let i = 0; i < x.length; i++) x[i] = PIXEL_VALUE[bytes[start + i]];
    return { x, labels, rows: count };
  };
  return { train: slice(0, trainRows), test: slice(trainRows, testRows) };
}
