// TF.js's tf.image resizing, resizeBilinear and resizeNearestNeighbor, of NHWC images (rank 4, or one image of
// rank 3), with TF.js's arguments, checks and dtypes, by the kernels of assembly/image.ts. A resize is linear
// in the images: its gradient is its adjoint (each dy added back where its output was read from), and the
// adjoint's gradient is the resize again, so gradients of gradients work. TF.js's cpu gradients leave
// halfPixelCenters out (and its bilinear one fails on images that are not square); neurite's are the exact
// adjoints of the forward.

import { word } from '../backend/heap.js';
import type { Ptr } from '../backend/kernels.js';
import { record, recording } from '../autodiff/tape.js';
import { activeBackend } from '../engine.js';
import { Tensor } from '../tensor/tensor.js';
import { checkBool, checkRank, describe } from '../validate.js';
import { cast } from './cast.js';
import { checkDtype, convert, empty, kernels, op, type TensorLike } from './op.js';
import { reshape } from './shape.js';

type Operand = Tensor | TensorLike;
type Name = 'resizeBilinear' | 'resizeNearestNeighbor';

/** What the kernels' descriptor holds: the images' shape, the output's height and width, the method. */
interface Resize {
  name: Name;
  shape: number[];
  outH: number;
  outW: number;
  alignCorners: boolean;
  halfPixelCenters: boolean;
}

function descriptor(r: Resize): Ptr {
  const backend = activeBackend();
  const [batch, inH, inW, channels] = r.shape;
  const words = [batch, inH, inW, channels, r.outH, r.outW, +(r.name === 'resizeBilinear'), +r.alignCorners, +r.halfPixelCenters];
  backend.heap.i32.set(words, word(backend.desc));
  return backend.desc;
}

/** The resize of images t (rank 4), or (back) its gradient given dy in t's place: each records the other as its gradient. */
function resized(t: Tensor, r: Resize, back: boolean): Tensor {
  const [batch, , , channels] = r.shape;
  const out = empty(r.name, back ? r.shape.slice() : [batch, r.outH, r.outW, channels], t.dtype);
  if (out.size > 0) {
    if (back) kernels().resizeBackward(t.ptr(r.name), out.ptr(r.name), descriptor(r));
    else kernels().resize(t.ptr(r.name), out.ptr(r.name), descriptor(r));
  }
  if (recording() && t.dtype === 'float32') record([t], [out], [], ([dy]) => [resized(dy, r, !back)]);
  return out;
}

function resize(name: Name, images: Operand, size: unknown, alignCorners: unknown, halfPixelCenters: unknown): Tensor {
  let x = convert(name, 'images', images);
  checkRank(name, 'images', x, 3, 4);
  if (!Array.isArray(size) || size.length !== 2 || !Array.from(size).every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new Error(`${name}: size must be [newHeight, newWidth], two integers >= 0, got ${describe(size)}`);
  }
  checkBool(name, 'alignCorners', alignCorners);
  checkBool(name, 'halfPixelCenters', halfPixelCenters);
  if (alignCorners && halfPixelCenters) throw new Error(`${name}: alignCorners must be false when halfPixelCenters is true`);
  if (name === 'resizeNearestNeighbor') checkDtype(name, 'images', x, 'float32', 'int32');
  else if (x.dtype !== 'float32') x = cast(x, 'float32'); // TF.js's bilinear resize of int32 or bool gives float32
  const x4 = x.rank === 3 ? reshape(x, [1, ...x.shape]) : x;
  const [outH, outW] = size as number[];
  const [batch, inH, inW, channels] = x4.shape;
  if ((inH === 0 || inW === 0) && batch * outH * outW * channels > 0) {
    throw new Error(`${name}: images of height ${inH} and width ${inW} have no pixels to resize to [${outH}, ${outW}]`);
  }
  const y = resized(x4, { name, shape: x4.shape, outH, outW, alignCorners, halfPixelCenters }, false);
  return x.rank === 3 ? reshape(y, y.shape.slice(1)) : y;
}

/**
 * Resizes images (batch, height, width, channels), or one image of rank 3, to size [newHeight, newWidth] by
 * bilinear interpolation; float32 out whatever the images' dtype. alignCorners maps the corner pixels onto each
 * other (scale (in - 1) / (out - 1)); halfPixelCenters puts pixel centres at 0.5 (not both).
 * @example tf.image.resizeBilinear(tf.tensor3d([1, 2, 3, 4], [2, 2, 1]), [3, 3]).print();
 */
const resizeBilinear = op((images: Operand, size: [number, number], alignCorners = false, halfPixelCenters = false): Tensor =>
  resize('resizeBilinear', images, size, alignCorners, halfPixelCenters),
);

/**
 * Resizes images (batch, height, width, channels), or one image of rank 3, to size [newHeight, newWidth], each
 * output pixel a copy of the input pixel nearest to it (as TF.js picks it); float32 or int32, kept.
 * @example tf.image.resizeNearestNeighbor(tf.tensor3d([1, 2, 3, 4], [2, 2, 1]), [3, 3]).print();
 */
const resizeNearestNeighbor = op((images: Operand, size: [number, number], alignCorners = false, halfPixelCenters = false): Tensor =>
  resize('resizeNearestNeighbor', images, size, alignCorners, halfPixelCenters),
);

/** TF.js's tf.image namespace: its resizing ops. */
export const image = { resizeBilinear, resizeNearestNeighbor };

declare module '../tensor/tensor.js' {
  interface Tensor {
    resizeBilinear(newShape2D: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
    resizeNearestNeighbor(newShape2D: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean): Tensor;
  }
}

Object.assign(Tensor.prototype, {
  resizeBilinear(this: Tensor, ...args: Parameters<Tensor['resizeBilinear']>) {
    return resizeBilinear(this, ...args);
  },
  resizeNearestNeighbor(this: Tensor, ...args: Parameters<Tensor['resizeNearestNeighbor']>) {
    return resizeNearestNeighbor(this, ...args);
  },
});
