// The merge layers, TF.js's: add, multiply, average, maximum and minimum (element-wise, broadcasting), concatenate
// and dot. Each takes an array of inputs, has no weights and computes with ops, so the tape gives its gradients.
// Shapes are checked when the layer is built (batch sizes unknown, null) and again on each call, where the
// batch sizes of concrete tensors are known.

import { add, maximum, minimum, mul } from '../ops/arithmetic.js';
import { cast } from '../ops/cast.js';
import { onesLike } from '../ops/creation.js';
import { logicalAnd } from '../ops/logic.js';
import { matMul } from '../ops/matrix.js';
import { l2Normalize } from '../ops/metrics.js';
import { all } from '../ops/reduce.js';
import { concat, expandDims, reshape } from '../ops/shape.js';
import { type Tensor, tidy } from '../tensor/tensor.js';
import { describe, is, type Rule, type Schema } from '../validate.js';
import { isShapeList, Layer, type LayerArgs, type Masks, shapeText, type Shape } from './layer.js';

/** What the merge layers share: the op that names them in errors, the input list's checks, build as a check, masks. */
abstract class Merge extends Layer {
  override supportsMasking = true;

  constructor(
    protected readonly op: string,
    args: LayerArgs | undefined,
    options: Schema = {},
    required?: Record<string, string>,
  ) {
    // `tf.layers.add([a, b])` (Keras's functional form) is not TF.js's: its factories take options only.
    if (Array.isArray(args)) throw new Error(`${op}: takes layer options, not its inputs; apply the layer to them: tf.layers.${op}().apply([a, b])`);
    super(args, { op, options, required });
  }

  /** Nothing to build: the shapes are checked, so a layer that cannot merge them stays unbuilt. */
  override build(inputShape: Shape | Shape[]): void {
    this.computeOutputShape(inputShape);
  }

  /** The inputs of a call and their output shape, checked as build checks them, now with the batch sizes known. */
  protected checked(inputs: Tensor | Tensor[]): { list: Tensor[]; shape: number[] } {
    const shape = this.computeOutputShape(Array.isArray(inputs) ? inputs.map((t) => t.shape) : inputs.shape) as number[];
    return { list: inputs as Tensor[], shape };
  }

  /**
   * Where every masked input keeps its steps: the logical AND of the masks given, null when none is (Keras's
   * rule). TF.js 4.22's port of it gives the first input's mask with a leading axis of 1 ([1, batch, time],
   * which an LSTM after it cannot use) or, when the first input has none, null.
   */
  override computeMask(inputs: Tensor | Tensor[], mask?: Masks): Masks {
    const given = this.masksOf(inputs, mask).filter((m): m is Tensor => m !== null);
    return given.length === 0 ? null : given.reduce((a, b) => logicalAnd(a, b));
  }

  /** One mask or null per input, checked as TF.js checks them (no masks at all: all null). */
  protected masksOf(inputs: Tensor | Tensor[], mask: Masks | undefined): Array<Tensor | null> {
    if (!Array.isArray(inputs)) this.fail('computeMask takes an array of inputs');
    if (mask === null || mask === undefined) return inputs.map(() => null);
    if (!Array.isArray(mask)) this.fail('computeMask takes an array of masks, one (or null) per input');
    if (mask.length !== inputs.length) this.fail(`computeMask takes one mask (or null) per input (${inputs.length}), got ${mask.length}`);
    return mask.map((m) => m ?? null);
  }

  protected fail(message: string): never {
    throw new Error(`${this.op}: layer ${this.name}: ${message}`);
  }

  /** The input shapes, at least two (exactly `count` when given), each with its batch axis. */
  protected shapesOf(inputShape: Shape | Shape[], count?: number): Shape[] {
    const wanted = count === undefined ? 'at least 2' : `exactly ${count}`;
    if (!isShapeList(inputShape)) this.fail(`takes an array of ${wanted} inputs (layer.apply([a, b])), got one input of shape ${shapeText(inputShape)}`);
    if (inputShape.length < 2 || (count !== undefined && inputShape.length !== count)) this.fail(`takes an array of ${wanted} inputs, got ${inputShape.length}`);
    const scalar = inputShape.findIndex((s) => s.length === 0);
    if (scalar >= 0) this.fail(`inputs[${scalar}] is a scalar; every input needs a batch axis`);
    return inputShape;
  }

  /** The batch size the inputs share (null when none is known); inputs of different known batch sizes are refused. */
  protected batchOf(shapes: Shape[]): number | null {
    const known = shapes.findIndex((s) => s[0] !== null);
    if (known < 0) return null;
    const other = shapes.findIndex((s) => s[0] !== null && s[0] !== shapes[known][0]);
    if (other >= 0) this.fail(`inputs[${known}] has batch size ${shapes[known][0]} but inputs[${other}] has ${shapes[other][0]} (shapes ${shapeText(shapes[known])} and ${shapeText(shapes[other])})`);
    return shapes[known][0];
  }
}

/**
 * Two shapes without their batch axis broadcast together, aligned at their last axes (TF.js's rule): a 1
 * stretches, an unknown size makes an unknown one; null when they do not broadcast.
 */
function broadcast(a: Shape, b: Shape): Shape | null {
  const [long, short] = a.length >= b.length ? [a, b] : [b, a];
  const out = long.slice();
  const offset = long.length - short.length;
  for (let k = 0; k < short.length; k++) {
    const [i, j] = [long[offset + k], short[k]];
    if (i === null || j === null) out[offset + k] = null;
    else if (i === 1) out[offset + k] = j;
    else if (j !== 1 && j !== i) return null;
  }
  return out;
}

/** A merge of any number of inputs by a pairwise op, broadcasting as TF.js does. */
abstract class ElementwiseMerge extends Merge {
  constructor(
    op: string,
    args: LayerArgs | undefined,
    private readonly pair: (a: Tensor, b: Tensor) => Tensor,
  ) {
    super(op, args);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = this.shapesOf(inputShape);
    const batch = this.batchOf(shapes);
    let out = shapes[0].slice(1);
    for (let i = 1; i < shapes.length; i++) {
      const next = broadcast(out, shapes[i].slice(1));
      const before = i === 1 ? `inputs[0]'s ${shapeText(shapes[0])}` : `${shapeText([batch, ...out])}, the shape inputs[0..${i - 1}] broadcast to`;
      if (next === null) this.fail(`inputs[${i}] has shape ${shapeText(shapes[i])}, which does not broadcast with ${before}`);
      out = next;
    }
    return [batch, ...out];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const { list } = this.checked(inputs);
    const rank = Math.max(...list.map((t) => t.rank));
    return tidy(() => {
      // A lower-rank input gains axes of size 1 after its batch axis (TF.js's expandDims at 1), so its sizes
      // line up with the others' last ones while the batch axes stay aligned.
      const aligned = list.map((t) => reshape(t, [t.shape[0], ...new Array<number>(rank - t.rank).fill(1), ...t.shape.slice(1)]));
      return this.merge(aligned);
    });
  }

  protected merge(inputs: Tensor[]): Tensor {
    return inputs.reduce((a, b) => this.pair(a, b));
  }
}

/** The sum of its inputs. */
export class Add extends ElementwiseMerge {
  static override className = 'Add';
  constructor(args?: LayerArgs) {
    super('add', args, add);
  }
}

/** The product of its inputs. */
export class Multiply extends ElementwiseMerge {
  static override className = 'Multiply';
  constructor(args?: LayerArgs) {
    super('multiply', args, mul);
  }
}

/** The mean of its inputs. */
export class Average extends ElementwiseMerge {
  static override className = 'Average';
  constructor(args?: LayerArgs) {
    super('average', args, add);
  }
  protected override merge(inputs: Tensor[]): Tensor {
    return mul(super.merge(inputs), 1 / inputs.length);
  }
}

/** The element-wise maximum of its inputs. */
export class Maximum extends ElementwiseMerge {
  static override className = 'Maximum';
  constructor(args?: LayerArgs) {
    super('maximum', args, maximum);
  }
}

/** The element-wise minimum of its inputs. */
export class Minimum extends ElementwiseMerge {
  static override className = 'Minimum';
  constructor(args?: LayerArgs) {
    super('minimum', args, minimum);
  }
}

/** Its inputs joined along an axis (the last by default); they must match on every other axis. */
export class Concatenate extends Merge {
  static override className = 'Concatenate';
  readonly axis: number;
  constructor(args: LayerArgs & { axis?: number } = {}) {
    super('concatenate', args, { axis: is.int(-Infinity) });
    this.axis = args.axis ?? -1;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = this.shapesOf(inputShape);
    const out = shapes[0].slice();
    const rank = out.length;
    if (this.axis < -rank || this.axis >= rank) this.fail(`axis ${this.axis} is out of range for inputs of rank ${rank} (expected ${-rank}..${rank - 1})`);
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    shapes.forEach((s, i) => {
      if (s.length !== rank) this.fail(`inputs[${i}] has shape ${shapeText(s)}, of another rank than inputs[0]'s ${shapeText(shapes[0])}`);
      // An unknown size matches any (Keras's rule; the sizes are checked again when the data arrives).
      const k = s.findIndex((d, k) => k !== axis && d !== null && out[k] !== null && d !== out[k]);
      if (k >= 0) this.fail(`inputs[${i}] has shape ${shapeText(s)}, which differs from inputs[0]'s ${shapeText(shapes[0])} on axis ${k}; only axis ${axis}, the one joined, may differ`);
    });
    out[axis] = shapes.some((s) => s[axis] === null) ? null : shapes.reduce((n, s) => n + (s[axis] as number), 0);
    return out;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return concat(this.checked(inputs).list, this.axis);
  }

  /** TF.js's: the masks joined as the inputs are (an unmasked input all true), then true where all of a row is. */
  override computeMask(inputs: Tensor | Tensor[], mask?: Masks): Masks {
    const masks = this.masksOf(inputs, mask);
    if (masks.every((m) => m === null)) return null;
    return tidy(() => {
      const parts = (inputs as Tensor[]).map((x, i) => {
        const m = masks[i];
        return m === null ? cast(onesLike(x), 'bool') : m.rank < x.rank ? expandDims(m, -1) : m;
      });
      return all(concat(parts, this.axis), -1);
    });
  }

  override getConfig(): Record<string, unknown> {
    return { axis: this.axis, ...super.getConfig() };
  }
}

/** The dot layer's `axes`: an axis for both inputs, or one for each. */
const axesRule: Rule = (op, name, v) => {
  if (!Number.isInteger(v) && !(Array.isArray(v) && v.length === 2 && v.every(Number.isInteger))) {
    throw new Error(`${op}: ${name} must be an integer or an array of two integers, got ${describe(v)}`);
  }
};

/**
 * The dot product of two inputs along an axis of each, per sample: inputs of rank 2 or 3 (as TF.js), the
 * output the first input's other axes then the second's ([batch, 1] when none is left).
 */
export class Dot extends Merge {
  static override className = 'Dot';
  readonly axes: number | [number, number];
  /** Whether each input is divided by its L2 norm along its axis first (the output is then the cosine). */
  readonly normalize: boolean;
  constructor(args: LayerArgs & { axes: number | [number, number]; normalize?: boolean }) {
    super('dot', args, { axes: axesRule, normalize: is.bool }, { axes: 'the axis of the inputs to multiply along, or one for each: [axis1, axis2]' });
    this.axes = Array.isArray(args.axes) ? [args.axes[0], args.axes[1]] : args.axes;
    this.normalize = args.normalize ?? false;
  }

  /** The axis of each input, counted from 0 (the batch axis, which a dot cannot run along). */
  private axesOf(shapes: Shape[]): [number, number] {
    const [a, b] = shapes.map((s, i) => {
      const axis = Array.isArray(this.axes) ? this.axes[i] : this.axes;
      const rank = s.length;
      if (axis === 0 || axis < 1 - rank || axis >= rank) this.fail(`axes gives axis ${axis} for inputs[${i}] of shape ${shapeText(s)}; it must be one of the axes after the batch: 1..${rank - 1} or ${1 - rank}..-1`);
      return axis < 0 ? axis + rank : axis;
    });
    return [a, b];
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shapes = this.shapesOf(inputShape, 2);
    const unfit = shapes.findIndex((s) => s.length < 2 || s.length > 3);
    if (unfit >= 0) this.fail(`inputs[${unfit}] has shape ${shapeText(shapes[unfit])}; dot takes inputs of rank 2 or 3`);
    const batch = this.batchOf(shapes);
    const [a, b] = this.axesOf(shapes);
    const [x, y] = shapes;
    if (x[a] !== null && y[b] !== null && x[a] !== y[b]) this.fail(`inputs[0] has size ${x[a]} on axis ${a} but inputs[1] has size ${y[b]} on axis ${b}; a dot product runs along axes of one size`);
    const rest = [...x.filter((_, k) => k > 0 && k !== a), ...y.filter((_, k) => k > 0 && k !== b)];
    return [batch, ...(rest.length > 0 ? rest : [1])];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    const { list, shape } = this.checked(inputs);
    const [a, b] = this.axesOf(list.map((t) => t.shape));
    return tidy(() => {
      const [x, y] = this.normalize ? [l2Normalize(list[0], a), l2Normalize(list[1], b)] : list;
      // As batched matrices, [batch, m, k] times [batch, k, n]: a rank-2 input stands as m or n of size 1,
      // a rank-3 one is transposed when its axis is not where the product wants it.
      const left = x.rank === 2 ? expandDims(x, 1) : x;
      const right = y.rank === 2 ? expandDims(y, 2) : y;
      return reshape(matMul(left, right, x.rank === 3 && a === 1, y.rank === 3 && b === 2), shape);
    });
  }

  /** As TF.js: no mask passes a dot product. */
  override computeMask(): Masks {
    return null;
  }

  override getConfig(): Record<string, unknown> {
    return { axes: Array.isArray(this.axes) ? this.axes.slice() : this.axes, normalize: this.normalize, ...super.getConfig() };
  }
}
