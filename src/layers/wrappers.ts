// The wrapper layers, TF.js's: timeDistributed applies a layer to every step of a sequence, bidirectional runs a
// recurrent layer forwards and a copy of it backwards and merges the two. The wrapped layers' weights are the
// wrapper's, named as TF.js names them (`time_distributed_TimeDistributed1/kernel`,
// `bidirectional_Bidirectional1/forward_lstm_LSTM1/kernel`), so models save, load and train them as any other.

import { add, mul } from '../ops/arithmetic.js';
import { concat, reshape, reverse } from '../ops/shape.js';
import { registeredClass } from '../serialization.js';
import type { Tensor } from '../tensor/tensor.js';
import { describe, is } from '../validate.js';
import { isShapeList, Layer, type Kwargs, type LayerArgs, type Masks, type Shape, shapeText } from './layer.js';
import { RNN, withStates } from './recurrent.js';

export interface WrapperLayerArgs extends LayerArgs {
  /** The layer to wrap. */
  layer: Layer;
}

/** A layer made from its saved form { className, config }, through the class registry. */
function layerFromConfig(op: string, saved: unknown): Layer {
  const { className, config } = (saved ?? {}) as { className?: unknown; config?: unknown };
  const cls = typeof className === 'string' ? registeredClass(className) : undefined;
  const layer = cls ? cls.fromConfig(cls, (config ?? {}) as Record<string, unknown>) : undefined;
  if (!(layer instanceof Layer)) throw new Error(`${op}: layer must be a saved layer ({className, config}), got ${describe(saved)}`);
  return layer;
}

/** Throws unless `layer` is a layer that has not been built (its weights are to be the wrapper's). */
function checkWrapped(op: string, layer: unknown): Layer {
  if (!(layer instanceof Layer)) throw new Error(`${op}: layer must be a layer (e.g. tf.layers.dense({units: 8})), got ${describe(layer)}`);
  if (layer.built && layer.weights.length > 0) throw new Error(`${op}: layer ${layer.name} is already built; wrap a new layer`);
  return layer;
}

const first = (shape: Shape | Shape[]): Shape => (isShapeList(shape) ? shape[0] : shape);

/** Applies a layer to every step of [batch, time, ...] (TF.js's TimeDistributed): the steps as one batch of batch·time. */
export class TimeDistributed extends Layer {
  static override className = 'TimeDistributed';
  readonly layer: Layer;
  override supportsMasking = true;

  override samplewise(): boolean {
    return super.samplewise() && this.layer.samplewise();
  }

  constructor(args: WrapperLayerArgs) {
    super(args, { op: 'timeDistributed', options: { layer: is.any }, required: { layer: 'the layer to apply at every step' } });
    this.layer = checkWrapped('timeDistributed', args.layer);
  }

  private stepShape(inputShape: Shape | Shape[]): Shape {
    const shape = first(inputShape);
    if (shape.length < 3) throw new Error(`layer ${this.name} needs input of rank >= 3 ([batch, time, ...]), got ${shapeText(shape)}`);
    return [shape[0], ...shape.slice(2)];
  }

  override build(inputShape: Shape | Shape[]): void {
    this.layer.weightHost = { layer: this, prefix: '' };
    this.layer.ensureBuilt(this.stepShape(inputShape), `${this.name}.build`);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const out = this.layer.computeOutputShape(this.stepShape(inputShape));
    if (isShapeList(out)) throw new Error(`layer ${this.name}: the wrapped layer ${this.layer.name} has several outputs`);
    return [out[0], first(inputShape)[1], ...out.slice(1)];
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [batch, time] = x.shape;
    const { mask: _mask, ...stepKwargs } = kwargs; // the mask is over [batch, time]; the layer sees steps
    const y = this.layer.call(reshape(x, [batch * time, ...x.shape.slice(2)]), stepKwargs) as Tensor;
    return reshape(y, [batch, time, ...y.shape.slice(1)]);
  }

  override dispose(): void {
    super.dispose();
    this.layer.dispose();
  }

  override getConfig(): Record<string, unknown> {
    return { layer: { className: this.layer.className, config: this.layer.getConfig() }, ...super.getConfig() };
  }

  static override fromConfig<T extends Layer>(cls: new (config: Record<string, unknown>) => T, config: Record<string, unknown>): T {
    return new cls({ ...config, layer: layerFromConfig('timeDistributed', config.layer) });
  }
}

export type BidirectionalMergeMode = 'sum' | 'mul' | 'concat' | 'ave';

export interface BidirectionalLayerArgs extends WrapperLayerArgs {
  /** How the two directions' outputs combine: 'concat' (default), 'sum', 'mul', 'ave', or null for both as a list. */
  mergeMode?: BidirectionalMergeMode | null;
}

const MERGE_MODES = ['sum', 'mul', 'concat', 'ave'];

/**
 * A recurrent layer run forwards and, as a copy with goBackwards flipped, backwards over the same input (TF.js's
 * Bidirectional); the backward outputs are reversed back into time order before they merge.
 */
export class Bidirectional extends Layer {
  static override className = 'Bidirectional';
  readonly forwardLayer: RNN;
  readonly backwardLayer: RNN;
  readonly mergeMode: BidirectionalMergeMode | null;
  override supportsMasking = true;

  override samplewise(): boolean {
    return super.samplewise() && this.forwardLayer.samplewise() && this.backwardLayer.samplewise();
  }

  constructor(args: BidirectionalLayerArgs) {
    const op = 'bidirectional';
    super(args, { op, options: { layer: is.any, mergeMode: is.any }, required: { layer: 'the recurrent layer to run both ways' } });
    const layer = checkWrapped(op, args.layer);
    if (!(layer instanceof RNN)) throw new Error(`${op}: layer must be a recurrent layer (tf.layers.lstm, gru, simpleRNN or rnn), got ${layer.className}`);
    if (args.mergeMode !== undefined && args.mergeMode !== null && !MERGE_MODES.includes(args.mergeMode)) {
      throw new Error(`${op}: mergeMode must be one of ${MERGE_MODES.join(', ')} or null, got ${describe(args.mergeMode)}`);
    }
    this.mergeMode = args.mergeMode === undefined ? 'concat' : args.mergeMode;
    // Both directions are new layers made from the given one's config, as TF.js makes them.
    const config = layer.getConfig();
    const cls = layer.constructor as typeof RNN;
    const make = (name: string, goBackwards: boolean) => cls.fromConfig(cls as never, { ...config, name, goBackwards }) as RNN;
    this.forwardLayer = make(`forward_${layer.name}`, layer.goBackwards);
    this.backwardLayer = make(`backward_${layer.name}`, !layer.goBackwards);
  }

  get returnSequences(): boolean {
    return this.forwardLayer.returnSequences;
  }

  get returnState(): boolean {
    return this.forwardLayer.returnState;
  }

  override build(inputShape: Shape | Shape[]): void {
    for (const layer of [this.forwardLayer, this.backwardLayer]) {
      layer.weightHost = { layer: this, prefix: `${layer.name}/` };
      layer.ensureBuilt(first(inputShape), `${this.name}.build`);
    }
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape | Shape[] {
    const shapes = this.forwardLayer.computeOutputShape(first(inputShape));
    const [output, ...states] = isShapeList(shapes) ? shapes : [shapes];
    const merged = this.mergeMode === 'concat' ? [...output.slice(0, -1), (output.at(-1) as number) * 2] : output;
    const outputs = this.mergeMode === null ? [output, output.slice()] : [merged];
    return outputs.length === 1 && states.length === 0 ? outputs[0] : [...outputs, ...states, ...states.map((s) => s.slice())];
  }

  override computeMask(_inputs: Tensor | Tensor[], mask?: Masks): Masks {
    const own = (Array.isArray(mask) ? mask[0] : mask) ?? null;
    const output = this.returnSequences ? own : null;
    const outputs = this.mergeMode === null ? [output, output] : [output];
    if (!this.returnState) return outputs.length === 1 ? outputs[0] : outputs;
    const states = this.forwardLayer.cell.stateSizes.map(() => null);
    return [...outputs, ...states, ...states];
  }

  /** Initial states (the forward layer's, then the backward layer's) as RNN.apply takes them. */
  override apply(inputs: any, kwargs: Kwargs = {}): any {
    return super.apply(...withStates(this.name, inputs, kwargs));
  }

  override call(inputs: Tensor | Tensor[], kwargs: Kwargs): Tensor | Tensor[] {
    const [x, ...listed] = Array.isArray(inputs) ? inputs : [inputs];
    const states = listed.length > 0 ? listed : ((kwargs.initialState as Tensor[] | undefined) ?? []);
    if (states.length % 2 !== 0) throw new Error(`layer ${this.name}: initial states must be the forward layer's then the backward layer's (an even number), got ${states.length}`);
    const half = states.length / 2;
    const { initialState: _states, ...rest } = kwargs;
    const run = (layer: RNN, own: Tensor[]) => {
      const out = layer.call(own.length > 0 ? [x, ...own] : x, rest);
      return Array.isArray(out) ? out : [out];
    };
    const [y, ...forwardStates] = run(this.forwardLayer, states.slice(0, half));
    let [yRev, ...backwardStates] = run(this.backwardLayer, states.slice(half));
    if (this.returnSequences) yRev = reverse(yRev, 1);
    const outputs = this.mergeMode === null ? [y, yRev] : [this.merge(y, yRev)];
    const all = [...outputs, ...forwardStates, ...backwardStates];
    return all.length === 1 ? all[0] : all;
  }

  private merge(y: Tensor, yRev: Tensor): Tensor {
    switch (this.mergeMode) {
      case 'sum':
        return add(y, yRev);
      case 'mul':
        return mul(y, yRev);
      case 'ave':
        return mul(add(y, yRev), 0.5);
      default:
        return concat([y, yRev], -1);
    }
  }

  override dispose(): void {
    super.dispose();
    this.forwardLayer.dispose();
    this.backwardLayer.dispose();
  }

  override getConfig(): Record<string, unknown> {
    const config = this.forwardLayer.getConfig();
    const name = this.forwardLayer.name.replace(/^forward_/, '');
    return { mergeMode: this.mergeMode, layer: { className: this.forwardLayer.className, config: { ...config, name } }, ...super.getConfig() };
  }

  static override fromConfig<T extends Layer>(cls: new (config: Record<string, unknown>) => T, config: Record<string, unknown>): T {
    return new cls({ ...config, mergeMode: config.mergeMode ?? null, layer: layerFromConfig('bidirectional', config.layer) });
  }
}
