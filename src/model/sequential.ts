// Sequential: a LayersModel whose graph is a stack of layers, made as soon as the input shape is known (at
// add when the first layer has an inputShape, as TF.js builds it; otherwise from the first data).

import { input, InputLayer } from '../layers/input.js';
import { BUILT_IN_LAYERS, Layer, type Shape, shapeText } from '../layers/layer.js';
import type { Node, SymbolicTensor } from '../layers/symbolic.js';
import { registerClass, type SerializableClass } from '../serialization.js';
import type { Tensor } from '../tensor/tensor.js';
import { checkOptions, describe, is, type Schema } from '../validate.js';
import { buildGraph } from './graph.js';
import { LayersModel, UNCONNECTED } from './model.js';

export type { ModelCompileArgs, ModelFitArgs, ModelFitDatasetArgs } from './model.js';

const SEQUENTIAL_OPTIONS: Schema = { layers: is.any, name: is.string };

export class Sequential extends LayersModel {
  static override className = 'Sequential';
  private stack: Layer[] = [];

  constructor(args: { layers?: Layer[]; name?: string } = {}) {
    checkOptions('sequential', 'args', args, SEQUENTIAL_OPTIONS);
    super({ name: args?.name }, UNCONNECTED);
    const layers = args?.layers ?? [];
    if (!Array.isArray(layers)) throw new Error(`sequential: layers must be an array of layers, got ${describe(layers)}`);
    // Checked in full first: a refused layer must not leave the others claimed by a model that never was.
    layers.forEach((layer, i) => this.checkAddable(`layers[${i}]`, layer, layers.slice(0, i)));
    try {
      for (const layer of layers) this.add(layer);
    } catch (error) {
      this.dispose(); // a layer that failed to build frees the ones built before it
      throw error;
    }
  }

  /** The layers, in order (an InputLayer given first among them; not the input the model makes itself). */
  override get layers(): Layer[] {
    return this.stack.slice();
  }

  /**
   * Appends a layer (or a model). As in TF.js, a layer that can know its input shape (the first one given an
   * inputShape, or any after it) is built now: its weights exist from here on. A layer may be in several
   * models, which share its weights (the last of them to be disposed frees them).
   */
  add(layer: Layer): void {
    this.checkLive('add');
    this.checkIdle('add');
    this.checkAddable('layer', layer, this.stack);
    this.stack.push(layer);
    layer.holders++;
    try {
      if (this.graph) this.extend('add', layer);
      else if (this.stack.length === 1) {
        // A batch size given with the input shape stays in the model's (as in TF.js); one a layer was built for does not.
        const built = layer.builtInputShape as Shape | null;
        const shape = layer instanceof LayersModel ? layer.batchInputShape : (layer.batchInputShape ?? (built && [null, ...built.slice(1)]));
        if (shape) this.connectStack('add', shape);
      }
    } catch (error) {
      this.stack.pop();
      layer.holders--;
      throw error;
    }
  }

  /**
   * Removes the last layer (TF.js's pop): the model's output is the one before it. The layer is not disposed:
   * it keeps its weights, to be used elsewhere (this model's optimizer lets go of its state for them).
   */
  pop(): void {
    this.checkLive('pop');
    this.checkIdle('pop');
    const layer = this.stack.pop();
    if (!layer) throw new Error('pop: there are no layers in the model');
    layer.holders--;
    if (this.graph) {
      // The popped layer's call in this model reads what is now the output (an InputLayer's own node reads nothing).
      const [previous] = this.graph.outputs[0].node.inputs;
      if (this.stack.length > 0) this.connect(buildGraph('pop', this.graph.inputs, [previous]));
      else [this.graph, this.builtInputShape, this.built] = [null, null, false]; // as a model made without layers
    }
    // Unless another model holds the layer (and may train it with this optimizer).
    if (layer.holders === 0) this.optimizer?.forget(layer.weights);
  }

  private checkAddable(name: string, layer: unknown, others: Layer[]): asserts layer is Layer {
    const op = name === 'layer' ? 'add' : 'sequential';
    if (!(layer instanceof Layer)) throw new Error(`${op}: ${name} must be a layer from tf.layers (or a model), got ${describe(layer)}`);
    if (layer === this) throw new Error(`${op}: a model cannot be added to itself`);
    if (layer instanceof LayersModel && layer.layers.length === 0) throw new Error(`${op}: ${name} is a model with no layers`);
    if (others.includes(layer)) throw new Error(`${op}: layer ${layer.name} is already in the model`);
    if (layer instanceof InputLayer && others.length > 0) throw new Error(`${op}: an InputLayer (${layer.name}) can only be a model's first layer`);
    const shape = others.length === 0 ? null : this.graph ? (this.graph.outputs[0].shape as Shape) : shapeAfter(others);
    if (shape === null) return;
    const own = layer.fixedInputShape ? (layer.builtInputShape ?? layer.batchInputShape) : null;
    if (own && (Array.isArray(own[0]) || own.length !== shape.length || (own as Shape).some((d, i) => i > 0 && d !== null && shape[i] !== null && d !== shape[i]))) {
      throw new Error(`${op}: layer ${layer.name} expects input of shape ${shapeText(own as Shape)}, but the model's output has shape ${shapeText(shape)}`);
    }
    try {
      layer.computeOutputShape(shape.slice());
    } catch (error) {
      throw new Error(`${op}: layer ${layer.name} does not fit after the model's output of shape ${shapeText(shape)}: ${(error as Error).message}`);
    }
  }

  /** The graph grown by one layer applied to the stack's output. */
  private extend(op: string, layer: Layer): void {
    const graph = this.graph!;
    layer.ensureBuilt(graph.outputs[0].shape, op);
    const out = layer.apply(graph.outputs[0]) as SymbolicTensor;
    this.connect(buildGraph(op, graph.inputs, [out]));
  }

  /** Makes the graph for an input of shape `batchShape`: every layer built and applied in turn, all or nothing. */
  private connectStack(op: string, batchShape: Shape): void {
    const first = this.stack[0];
    const start = first instanceof InputLayer ? (first.output as SymbolicTensor) : input({ batchShape, name: `${first.name}_input` });
    const made: Node[] = [];
    const built: Layer[] = [];
    try {
      let x = start;
      for (const layer of first instanceof InputLayer ? this.stack.slice(1) : this.stack) {
        if (!layer.built) built.push(layer);
        layer.ensureBuilt(x.shape, op);
        x = layer.apply(x) as SymbolicTensor;
        made.push(x.node);
      }
      this.connect(buildGraph(op, [start], [x]));
    } catch (error) {
      for (const node of made) node.layer.inboundNodes = node.layer.inboundNodes.filter((n) => n !== node);
      for (const layer of built) layer.dispose();
      throw error;
    }
  }

  /** The outputs for x (a Sequential model has one output). */
  override predict(x: Tensor | Tensor[] | Record<string, Tensor>, args?: { batchSize?: number; verbose?: boolean }): Tensor {
    return super.predict(x, args) as Tensor;
  }

  override allocate(op: string, inputShape?: Shape | Shape[]): void {
    this.checkLive(op);
    this.checkHasLayers(op);
    if (inputShape !== undefined) this.checkInputShapes(op, inputShape);
    if (this.graph) return;
    const shape = inputShape === undefined ? null : Array.isArray(inputShape[0]) ? (inputShape as Shape[])[0] : (inputShape as Shape);
    if (!shape) throw new Error(`${op}: the input shape is unknown; give the first layer an inputShape, e.g. tf.layers.dense({ units, inputShape: [784] })`);
    this.connectStack(op, [null, ...shape.slice(1)]);
  }

  override checkHasLayers(op: string): void {
    if (this.stack.length === 0) throw new Error(`${op}: the model has no layers (add some with model.add)`);
  }

  override outputShapeFor(inputShape: number[]): Shape {
    return shapeFrom(this.stack, [null, ...inputShape.slice(1)]);
  }
}

/** The output shape of a stack of layers, when the first knows its input shape; null when it does not. */
function shapeAfter(layers: Layer[]): Shape | null {
  const input = layers[0]?.batchInputShape ?? (layers[0]?.builtInputShape as Shape | null);
  return input ? shapeFrom(layers, input) : null;
}

/** The output shape of a stack of layers for an input shape. */
function shapeFrom(layers: Layer[], input: Shape): Shape {
  let shape = input.slice();
  for (const layer of layers) shape = layer.computeOutputShape(shape) as Shape;
  return shape;
}

// Model files name their model class: the io layer finds this one here, without importing models.
registerClass(Sequential as unknown as SerializableClass);
BUILT_IN_LAYERS.add(Sequential);

/** `tf.sequential({ layers })`. */
export function sequential(args?: { layers?: Layer[]; name?: string }): Sequential {
  return new Sequential(args);
}
