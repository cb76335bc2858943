// Turns a drawing into an MNIST-style input the way the dataset was made: crop to the ink's bounding box,
// scale it to fit 20x20 keeping its aspect ratio, and centre its centre of mass in a 28x28 field.
// It reads the red channel of white-on-black pixels; it does not deskew or thin strokes.

const SIDE = 28;
const BOX = 20;

/** 784 values in [0, 1] for the drawing in `image`, or null when nothing is drawn. */
export function toMnistInput(image: ImageData): Float32Array | null {
  const { width, height, data } = image;
  const ink = new Float32Array(width * height);
  let left = width, right = -1, top = height, bottom = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = data[(y * width + x) * 4] / 255;
      ink[y * width + x] = v;
      if (v > 0) {
        left = Math.min(left, x);
        right = Math.max(right, x);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y);
      }
    }
  }
  if (right < 0) return null;
  const cropWidth = right - left + 1;
  const cropHeight = bottom - top + 1;
  const scale = BOX / Math.max(cropWidth, cropHeight);
  const boxWidth = Math.max(1, Math.round(cropWidth * scale));
  const boxHeight = Math.max(1, Math.round(cropHeight * scale));
  const box = resample(ink, width, left, top, cropWidth, cropHeight, boxWidth, boxHeight);

  let mass = 0, sumX = 0, sumY = 0;
  for (let y = 0; y < boxHeight; y++) {
    for (let x = 0; x < boxWidth; x++) {
      const v = box[y * boxWidth + x];
      mass += v;
      sumX += v * x;
      sumY += v * y;
    }
  }
  // Whole-pixel shifts that put the centre of mass on pixel (14, 14), where the held-out digits have it on
  // average; clamped so that no ink falls off the field.
  const offsetX = clamp(Math.round(SIDE / 2 - sumX / mass), 0, SIDE - boxWidth);
  const offsetY = clamp(Math.round(SIDE / 2 - sumY / mass), 0, SIDE - boxHeight);
  const out = new Float32Array(SIDE * SIDE);
  for (let y = 0; y < boxHeight; y++) {
    for (let x = 0; x < boxWidth; x++) out[(y + offsetY) * SIDE + x + offsetX] = box[y * boxWidth + x];
  }
  return out;
}

/**
 * Area-averaging resize of the crop at (left, top) of a `stride`-wide image to outWidth x outHeight: each
 * output pixel is the mean of the source area it covers, so thin strokes survive large reductions (which
 * a bilinear drawImage does not guarantee).
 */
function resample(src: Float32Array, stride: number, left: number, top: number, width: number, height: number, outWidth: number, outHeight: number): Float32Array {
  const rows = new Float32Array(height * outWidth);
  const columnWeights = coverage(width, outWidth);
  for (let y = 0; y < height; y++) {
    for (const [out, from, weight] of columnWeights) rows[y * outWidth + out] += src[(top + y) * stride + left + from] * weight;
  }
  const out = new Float32Array(outHeight * outWidth);
  for (const [outY, fromY, weight] of coverage(height, outHeight)) {
    for (let x = 0; x < outWidth; x++) out[outY * outWidth + x] += rows[fromY * outWidth + x] * weight;
  }
  return out;
}

/** [output index, source index, weight] triples: how much of each source pixel falls in each output pixel. */
function coverage(size: number, outSize: number): Array<[number, number, number]> {
  const step = size / outSize;
  const triples: Array<[number, number, number]> = [];
  for (let out = 0; out < outSize; out++) {
    const start = out * step;
    const end = start + step;
    for (let from = Math.floor(start); from < Math.min(size, Math.ceil(end)); from++) {
      const overlap = Math.min(end, from + 1) - Math.max(start, from);
      if (overlap > 0) triples.push([out, from, overlap / step]);
    }
  }
  return triples;
}

function clamp(v: number, low: number, high: number): number {
  return Math.min(high, Math.max(low, v));
}
