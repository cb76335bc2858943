// TF.js's tf.signal without the FFT: the cosine windows (hannWindow, hammingWindow) by their kernel, and frame,
// which gathers a signal's overlapping frames (so its gradient is gather's). stft needs complex64: out of scope.

import { word } from '../backend/heap.js';
import { activeBackend } from '../engine.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkBool, checkInt, checkNumber } from '../validate.js';
import { cast } from './cast.js';
import { fill, ones, zeros } from './creation.js';
import { gather } from './indexing.js';
import { convert, empty, kernels, op, type TensorLike } from './op.js';
import { concat } from './shape.js';

/**
 * a - b·cos(2π·i / period) for i in [0, windowLength), the period windowLength for an even length and
 * windowLength - 1 for an odd one, as TF.js takes it. A window of length 1 is [1], as in TensorFlow (TF.js
 * divides 0 by 0 there).
 */
function cosineWindow(name: string, windowLength: number, a: number, b: number): Tensor {
  checkInt(name, 'windowLength', windowLength, 0);
  if (windowLength === 1) return ones([1]);
  const out = empty(name, [windowLength], 'float32');
  if (windowLength > 0) kernels().cosineWindow(out.ptr(name), windowLength, a, b, windowLength - (windowLength % 2));
  return out;
}

/**
 * The Hann window of a length: 0.5 - 0.5·cos(2π·i / period).
 * @example tf.signal.hannWindow(10).print();
 */
const hannWindow = (windowLength: number): Tensor => cosineWindow('hannWindow', windowLength, 0.5, 0.5);

/**
 * The Hamming window of a length: 0.54 - 0.46·cos(2π·i / period).
 * @example tf.signal.hammingWindow(10).print();
 */
const hammingWindow = (windowLength: number): Tensor => cosineWindow('hammingWindow', windowLength, 0.54, 0.46);

/**
 * The frames of a 1-D signal, frameLength values each, one starting every frameStep values: a [frames,
 * frameLength] tensor. With padEnd, frames also start in the last frameLength - 1 values, filled out with
 * padValue (cast to the signal's dtype, as TF.js does).
 * @example tf.signal.frame([1, 2, 3], 2, 1).print();
 */
const frame = op((signal: Tensor | TensorLike, frameLength: number, frameStep: number, padEnd = false, padValue = 0): Tensor => {
  const $signal = convert('frame', 'signal', signal);
  if ($signal.rank !== 1) throw new Error(`frame: signal must have rank 1, got shape [${$signal.shape.join(', ')}]`);
  checkInt('frame', 'frameLength', frameLength, 1);
  checkInt('frame', 'frameStep', frameStep, 1);
  checkBool('frame', 'padEnd', padEnd);
  checkNumber('frame', 'padValue', padValue);
  const n = $signal.size;
  const frames = padEnd ? Math.ceil(n / frameStep) : n < frameLength ? 0 : Math.floor((n - frameLength) / frameStep) + 1;
  if (frames === 0) return zeros([0, frameLength]); // float32 whatever the signal's dtype, as TF.js gives it
  // Where each value of each frame comes from: index n past the signal is the pad value.
  const indices = empty('frame', [frames, frameLength], 'int32');
  const [i32, at] = [activeBackend().heap.i32, word(indices.ptr('frame'))];
  for (let f = 0; f < frames; f++) {
    for (let j = 0; j < frameLength; j++) i32[at + f * frameLength + j] = Math.min(f * frameStep + j, n);
  }
  return gather(padEnd ? concat([$signal, cast(fill([1], padValue), $signal.dtype)]) : $signal, indices);
});

/** TF.js's tf.signal namespace (its FFT-based stft is out of scope). */
export const signal = { hannWindow, hammingWindow, frame };
