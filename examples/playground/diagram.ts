// The network diagram: feature, hidden and output nodes (each showing its values over the plane), the
// weighted links between them, an enlarged picture of the node under the pointer (or tapped), an editor for
// the weight of the link under the pointer (or tapped), and under each layer what tf.callbacks.inspect sees
// in it: its gradient norm over the recent epochs and, with ReLU, its share of dead units. Its width comes
// from the page's ResizeObserver and its height from its own layout: nothing here reads layout.

import { FEATURES, type FeatureName, featureRows, gridPoints } from './datasets.js';
import { drawLinks, drawSparkline, linkPoints, type NodeBox, paintGrid, type Size } from './draw.js';
import { type Frame, NODE_GRID, type WeightAddress } from './protocol.js';
import { MAX_NEURONS } from './url-state.js';

const LARGEST_NODE = 38;
const SMALLEST_NODE = 22;
const NODE_GAP = 12;
/** Room left of the feature column for the feature names. */
const LABEL_ROOM = 58;
/** Room above the columns for each layer's +/- buttons: side by side, or stacked where columns are narrow. */
const HEAD_ROOM = 56;
const STACKED_HEAD_ROOM = 78;
const NARROWEST_ROOMY_COLUMN = 64;
/** The enlarged node picture's box and the weight editor's, as styles.css sizes them. */
const ZOOM_WIDTH = 128;
const ZOOM_HEIGHT = 148;
const EDITOR_WIDTH = 210;
const EDITOR_HEIGHT = 70;
/** How near (CSS pixels) a pointer must come to a link to pick it: a fingertip is less precise than a mouse. */
const MOUSE_REACH = 6;
const TOUCH_REACH = 14;
/** Straight pieces per link for finding the one under a pointer. */
const LINK_PIECES = 16;
/** Room under the nodes for each layer's inspect strip, the strip's widest and its sparkline's height, as styles.css sizes them. */
const STRIP_ROOM = 56;
const WIDEST_STRIP = 72;
const SPARKLINE_HEIGHT = 18;

/** Each inspected epoch's gradient norm per layer (hidden layers, then the output), oldest first. */
export type GradientHistory = number[][];

interface Strip {
  element: HTMLElement;
  canvas: HTMLCanvasElement;
  size: Size;
  norm: HTMLElement;
  dead: HTMLElement;
  deadBar: HTMLElement;
}

interface DiagramNode {
  box: NodeBox;
  name: string;
  /** Where its picture comes from: a feature's fixed picture, or its index among the frame's node grids. */
  picture: FeatureName | number;
}

interface Link {
  address: WeightAddress;
  /** The weight's index in a frame's weights. */
  index: number;
  name: string;
  points: Float32Array;
}

export interface DiagramActions {
  toggleFeature(name: FeatureName): void;
  resizeLayer(layer: number, change: number): void;
  editWeight(address: WeightAddress, value: number): void;
}

/** Each feature's values over the plane, scaled to [-1, 1] for its node picture. */
const featurePictures = new Map<FeatureName, Float32Array>(
  FEATURES.map((feature) => {
    const values = featureRows(gridPoints(NODE_GRID), [feature.name]);
    const largest = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
    return [feature.name, values.map((v) => v / largest)];
  }),
);

const byId = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export class NetworkDiagram {
  private readonly links = byId<HTMLCanvasElement>('links');
  private readonly zoom = byId('node-zoom');
  private readonly zoomPicture = byId<HTMLCanvasElement>('node-zoom-picture');
  private readonly editor = byId<HTMLFormElement>('weight-editor');
  private readonly weightInput = byId<HTMLInputElement>('weight-value');
  private size: Size = { width: 0, height: 0 };
  /** Node boxes per column as the links join them: active features, each hidden layer, the output. */
  private columns: NodeBox[][] = [];
  private nodes: DiagramNode[] = [];
  private nodeCanvases: HTMLCanvasElement[] = [];
  private linkList: Link[] = [];
  private strips: Strip[] = [];
  private stripLabels: HTMLElement | null = null;
  /** Elements of the current layout, removed by the next. */
  private parts: HTMLElement[] = [];
  private frame: Frame | null = null;
  private zoomed: DiagramNode | null = null;
  /** The link being shown in the editor; pinned by a click or tap (or focus), else it follows the pointer. */
  private editing: { link: Link; pinned: boolean } | null = null;

  constructor(
    private readonly area: HTMLElement,
    private readonly actions: DiagramActions,
  ) {
    area.addEventListener('pointermove', (event) => {
      if (event.pointerType !== 'touch') this.pointAt(event);
    });
    // A finger leaves as soon as it lifts: what a tap showed stays until the next tap.
    area.addEventListener('pointerleave', (event) => {
      if (event.pointerType === 'touch') return;
      this.hideZoom();
      if (!this.editing?.pinned) this.hideEditor();
    });
    area.addEventListener('click', (event) => this.tap(event));
    this.editor.addEventListener('submit', (event) => {
      event.preventDefault();
      this.applyEdit();
    });
    this.weightInput.addEventListener('change', () => this.applyEdit());
    this.weightInput.addEventListener('focus', () => {
      if (this.editing) this.editing.pinned = true;
    });
    this.editor.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.hideEditor();
    });
    byId('weight-close').addEventListener('click', () => this.hideEditor());
  }

  /** Rebuilds the nodes for these features and hidden layers at this width; links and pictures come per frame. */
  layout(features: FeatureName[], hidden: number[], width: number): void {
    for (const part of this.parts) part.remove();
    this.parts = [];
    this.hideZoom();
    this.hideEditor();
    const columnCount = hidden.length + 2;
    const nodeSize = Math.max(SMALLEST_NODE, Math.min(LARGEST_NODE, Math.floor((width - LABEL_ROOM) / (columnCount * 1.5))));
    const spacing = (width - LABEL_ROOM - nodeSize) / (columnCount - 1);
    // Where columns are narrow, each layer's buttons stack and its label shrinks to the count.
    const stacked = spacing < NARROWEST_ROOMY_COLUMN;
    const headRoom = stacked ? STACKED_HEAD_ROOM : HEAD_ROOM;
    const rows = Math.max(FEATURES.length, ...hidden, 1);
    const stripTop = headRoom + rows * (nodeSize + NODE_GAP);
    this.size = { width, height: stripTop + STRIP_ROOM };
    this.area.style.height = `${this.size.height}px`;
    this.area.classList.toggle('stacked', stacked);
    const columnX = (c: number) => LABEL_ROOM + spacing * c;
    const rowY = (r: number) => headRoom + r * (nodeSize + NODE_GAP);
    const box = (column: number, row: number): NodeBox => ({ x: columnX(column), y: rowY(row), size: nodeSize });
    this.columns = [];
    this.nodes = [];
    this.nodeCanvases = [];

    const inputs: DiagramNode[] = [];
    FEATURES.forEach((feature, row) => {
      const active = features.includes(feature.name);
      const node: DiagramNode = { box: box(0, row), name: feature.label, picture: feature.name };
      const { element, canvas } = this.addNode(node, `feature${active ? ' active' : ''}`);
      element.dataset.feature = feature.name;
      element.title = `${feature.label}: click to switch ${active ? 'off' : 'on'}`;
      element.tabIndex = 0;
      element.setAttribute('role', 'switch');
      element.setAttribute('aria-checked', String(active));
      element.setAttribute('aria-label', feature.label);
      const label = document.createElement('span');
      label.className = 'feature-label';
      label.textContent = feature.label;
      element.append(label);
      const toggle = () => this.actions.toggleFeature(feature.name);
      element.addEventListener('click', toggle);
      element.addEventListener('keydown', (event) => {
        if (event.key === 'Enter' || event.key === ' ') {
          event.preventDefault();
          toggle();
        }
      });
      paintGrid(canvas, featurePictures.get(feature.name)!, 0, NODE_GRID);
      if (active) inputs.push(node);
    });
    const layers: DiagramNode[][] = [inputs];

    hidden.forEach((units, layer) => {
      this.addLayerHead(layer, units, columnX(layer + 1) + nodeSize / 2, stacked);
      const column: DiagramNode[] = [];
      for (let row = 0; row < units; row++) {
        const node: DiagramNode = { box: box(layer + 1, row), name: `neuron ${row + 1} of layer ${layer + 1}`, picture: this.nodeCanvases.length };
        const { element, canvas } = this.addNode(node, 'hidden');
        element.dataset.layer = String(layer);
        this.nodeCanvases.push(canvas);
        column.push(node);
      }
      layers.push(column);
    });

    const output: DiagramNode = { box: box(columnCount - 1, 0), name: 'the output', picture: this.nodeCanvases.length };
    const { element, canvas } = this.addNode(output, 'output-node');
    const caption = document.createElement('span');
    caption.className = 'node-caption';
    caption.textContent = 'output';
    element.append(caption);
    this.nodeCanvases.push(canvas);
    layers.push([output]);

    this.addStrips(hidden.length + 1, columnX, nodeSize, Math.min(WIDEST_STRIP, spacing - 6), stripTop);
    this.columns = layers.map((column) => column.map((node) => node.box));
    this.linkList = [];
    for (let layer = 0; layer + 1 < layers.length; layer++) {
      const [from, to] = [layers[layer], layers[layer + 1]];
      from.forEach((a, i) =>
        to.forEach((b, j) =>
          this.linkList.push({
            address: { layer, from: i, to: j },
            index: this.linkList.length,
            name: `weight ${a.name} → ${b.name}`,
            points: linkPoints(a.box, b.box, LINK_PIECES),
          }),
        ),
      );
    }
    this.draw(null, []);
  }

  /** Shows a frame: node pictures, links, the inspect strips, and the enlarged picture and the weight being looked at. */
  draw(frame: Frame | null, gradients: GradientHistory): void {
    this.frame = frame;
    this.nodeCanvases.forEach((canvas, i) => this.paintPicture(canvas, i));
    this.drawLinks();
    this.drawStrips(gradients);
    if (this.zoomed) this.paintPicture(this.zoomPicture, this.zoomed.picture);
    if (this.editing && document.activeElement !== this.weightInput) this.weightInput.value = this.weightText(this.editing.link);
  }

  private addNode(node: DiagramNode, className: string): { element: HTMLDivElement; canvas: HTMLCanvasElement } {
    const element = document.createElement('div');
    element.className = `node ${className}`;
    element.dataset.node = String(this.nodes.length);
    element.style.left = `${node.box.x}px`;
    element.style.top = `${node.box.y}px`;
    element.style.width = element.style.height = `${node.box.size}px`;
    const canvas = document.createElement('canvas');
    element.append(canvas);
    this.area.append(element);
    this.parts.push(element);
    this.nodes.push(node);
    return { element, canvas };
  }

  private addLayerHead(layer: number, units: number, centre: number, stacked: boolean): void {
    const head = document.createElement('div');
    head.className = 'layer-head';
    head.style.left = `${centre}px`;
    const buttons = document.createElement('div');
    buttons.append(
      smallButton('+', `Add a neuron to layer ${layer + 1}`, () => this.actions.resizeLayer(layer, 1), units >= MAX_NEURONS),
      smallButton('−', `Remove a neuron from layer ${layer + 1}`, () => this.actions.resizeLayer(layer, -1), units <= 1),
    );
    const count = document.createElement('span');
    count.textContent = stacked ? String(units) : `${units} neuron${units === 1 ? '' : 's'}`;
    count.title = `${units} neuron${units === 1 ? '' : 's'}`;
    head.append(buttons, count);
    this.area.append(head);
    this.parts.push(head);
  }

  /** Under each layer (column 1 on), a strip for its inspect figures; their row names under the features. */
  private addStrips(count: number, columnX: (c: number) => number, nodeSize: number, width: number, top: number): void {
    const labels = document.createElement('div');
    labels.className = 'inspect-labels';
    labels.style.top = `${top}px`;
    labels.style.width = `${columnX(0) + nodeSize}px`;
    labels.innerHTML = '<span>gradient norm</span><span class="dead-label">dead ReLUs</span>';
    this.area.append(labels);
    this.parts.push(labels);
    this.stripLabels = labels;
    this.strips = Array.from({ length: count }, (_, i) => {
      const element = document.createElement('div');
      element.className = 'inspect-strip';
      element.dataset.layer = String(i);
      element.style.left = `${clamp(columnX(i + 1) + nodeSize / 2 - width / 2, 0, this.size.width - width)}px`;
      element.style.top = `${top}px`;
      element.style.width = `${width}px`;
      const canvas = document.createElement('canvas');
      const norm = document.createElement('span');
      norm.className = 'norm';
      const dead = document.createElement('span');
      dead.className = 'dead';
      const deadBar = document.createElement('i');
      dead.append(deadBar);
      element.append(canvas, norm, dead);
      this.area.append(element);
      this.parts.push(element);
      return { element, canvas, size: { width, height: SPARKLINE_HEIGHT }, norm, dead, deadBar };
    });
  }

  /**
   * Each layer's gradient norm over the recent epochs (log scale shared by all layers, so a vanishing gradient
   * shows as lines falling towards the input), its last value, and a bar of its dead ReLUs; the figures in full on hover.
   */
  private drawStrips(gradients: GradientHistory): void {
    const report = this.frame?.report;
    const rows = report && report.layers.length === this.strips.length ? report.layers : null;
    const logs = this.strips.map((_, i) => gradients.map((norms) => Math.log10(norms[i])));
    const finite = logs.flat().filter(Number.isFinite);
    // At least one decade tall, so that noise in a flat gradient stays small.
    const [low, high] = finite.length ? [Math.min(...finite), Math.max(...finite)] : [0, 1];
    const middle = (low + high) / 2;
    const [bottom, top] = high - low >= 1 ? [low, high] : [middle - 0.5, middle + 0.5];
    this.strips.forEach((strip, i) => {
      drawSparkline(strip.canvas, strip.size, logs[i], bottom, top);
      const row = rows?.[i];
      strip.element.dataset.gradNorm = row?.gradNorm == null ? '' : String(row.gradNorm);
      strip.element.dataset.dead = row?.deadFraction == null ? '' : String(row.deadFraction);
      strip.norm.textContent = row?.gradNorm == null ? '–' : row.gradNorm.toExponential(1);
      strip.dead.hidden = row?.deadFraction == null;
      strip.deadBar.style.width = `${100 * (row?.deadFraction ?? 0)}%`;
      const name = i === this.strips.length - 1 ? 'The output layer' : `Layer ${i + 1}`;
      strip.element.title = row
        ? `${name} after epoch ${report!.epoch + 1}: gradient norm ${figure(row.gradNorm)}, weight norm ${figure(row.weightNorm)}, update/weight ${figure(row.updateRatio)}, ` +
          `activations ${figure(row.activationMean)} ± ${figure(row.activationStd)}${row.deadFraction === null ? '' : `, ${Math.round(100 * row.deadFraction)}% of units dead`}`
        : `${name}: its gradient norm and dead ReLUs appear once an epoch ends`;
    });
    this.stripLabels?.classList.toggle('without-dead', !rows?.some((row) => row.deadFraction !== null));
  }

  private paintPicture(canvas: HTMLCanvasElement, picture: FeatureName | number): void {
    if (typeof picture === 'string') paintGrid(canvas, featurePictures.get(picture)!, 0, NODE_GRID);
    else if (this.frame) paintGrid(canvas, this.frame.nodes, picture * NODE_GRID * NODE_GRID, NODE_GRID);
    else paintGrid(canvas, new Float32Array(NODE_GRID * NODE_GRID), 0, NODE_GRID);
  }

  private drawLinks(): void {
    drawLinks(this.links, this.size, this.columns, this.frame?.weights ?? null, this.editing?.link.index ?? null);
  }

  private weightText(link: Link): string {
    const weight = this.frame?.weights[link.index];
    return weight === undefined ? '' : String(Number(weight.toFixed(3)));
  }

  /** Hover (mouse and pen): a node enlarges its picture, a link shows its weight. */
  private pointAt(event: PointerEvent): void {
    const target = event.target as Element;
    if (this.zoom.contains(target) || this.editor.contains(target)) return;
    const node = this.nodeAt(target);
    if (node) this.showZoom(node);
    else this.hideZoom();
    if (this.editing?.pinned) return;
    const link = target === this.links ? this.linkAt(event.offsetX, event.offsetY, MOUSE_REACH) : null;
    if (link) this.showEditor(link, false);
    else this.hideEditor();
  }

  /** Click or tap: a hidden or output node enlarges its picture, a link opens its editor until closed. */
  private tap(event: MouseEvent): void {
    const target = event.target as Element;
    if (this.zoom.contains(target) || this.editor.contains(target)) return;
    const node = this.nodeAt(target);
    if (node && typeof node.picture === 'number') {
      this.showZoom(node);
      return;
    }
    this.hideZoom();
    const reach = event instanceof PointerEvent && event.pointerType === 'touch' ? TOUCH_REACH : MOUSE_REACH;
    const link = target === this.links ? this.linkAt(event.offsetX, event.offsetY, reach) : null;
    if (link) this.showEditor(link, true);
    else this.hideEditor();
  }

  private nodeAt(target: Element): DiagramNode | null {
    const element = target.closest<HTMLElement>('.node');
    return element && this.area.contains(element) ? this.nodes[Number(element.dataset.node)] : null;
  }

  /** The link nearest (x, y) within `reach` pixels, if any. */
  private linkAt(x: number, y: number, reach: number): Link | null {
    let nearest: Link | null = null;
    let best = reach;
    for (const link of this.linkList) {
      const p = link.points;
      for (let i = 0; i + 3 < p.length; i += 2) {
        const distance = distanceToSegment(x, y, p[i], p[i + 1], p[i + 2], p[i + 3]);
        if (distance <= best) {
          best = distance;
          nearest = link;
        }
      }
    }
    return nearest;
  }

  private showZoom(node: DiagramNode): void {
    if (this.zoomed === node) return;
    this.zoomed = node;
    const { x, y, size } = node.box;
    const right = x + size + 8;
    const left = right + ZOOM_WIDTH <= this.size.width ? right : x - 8 - ZOOM_WIDTH;
    this.zoom.style.left = `${clamp(left, 0, this.size.width - ZOOM_WIDTH)}px`;
    this.zoom.style.top = `${clamp(y + size / 2 - ZOOM_HEIGHT / 2, 0, this.size.height - ZOOM_HEIGHT)}px`;
    byId('node-zoom-caption').textContent = node.name.charAt(0).toUpperCase() + node.name.slice(1);
    this.paintPicture(this.zoomPicture, node.picture);
    this.zoom.hidden = false;
  }

  private hideZoom(): void {
    this.zoomed = null;
    this.zoom.hidden = true;
  }

  private showEditor(link: Link, pinned: boolean): void {
    const wasShowing = this.editing?.link === link;
    this.editing = { link, pinned: pinned || (wasShowing && this.editing!.pinned) };
    if (wasShowing) return;
    const middle = 2 * Math.floor(link.points.length / 4);
    const [x, y] = [link.points[middle], link.points[middle + 1]];
    const below = y + 14;
    const top = below + EDITOR_HEIGHT <= this.size.height ? below : y - 14 - EDITOR_HEIGHT;
    this.editor.style.left = `${clamp(x - EDITOR_WIDTH / 2, 0, this.size.width - EDITOR_WIDTH)}px`;
    this.editor.style.top = `${clamp(top, 0, this.size.height - EDITOR_HEIGHT)}px`;
    byId('weight-name').textContent = link.name;
    this.weightInput.value = this.weightText(link);
    this.editor.hidden = false;
    this.drawLinks();
  }

  private hideEditor(): void {
    if (!this.editing) return;
    this.editing = null;
    this.editor.hidden = true;
    this.drawLinks();
  }

  private applyEdit(): void {
    if (!this.editing) return;
    const value = this.weightInput.valueAsNumber;
    if (Number.isFinite(value)) this.actions.editWeight(this.editing.link.address, value);
    else this.weightInput.value = this.weightText(this.editing.link);
  }
}

function smallButton(text: string, label: string, onClick: () => void, disabled: boolean): HTMLButtonElement {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'round tiny';
  button.textContent = text;
  button.setAttribute('aria-label', label);
  button.disabled = disabled;
  button.addEventListener('click', onClick);
  return button;
}

/** Three significant figures. */
function figure(value: number | null): string {
  return value === null ? '–' : Number(value.toPrecision(3)).toString();
}

function clamp(value: number, low: number, high: number): number {
  return Math.max(low, Math.min(high, value));
}

function distanceToSegment(x: number, y: number, x0: number, y0: number, x1: number, y1: number): number {
  const [dx, dy] = [x1 - x0, y1 - y0];
  const t = clamp(((x - x0) * dx + (y - y0) * dy) / (dx * dx + dy * dy || 1), 0, 1);
  return Math.hypot(x - (x0 + t * dx), y - (y0 + t * dy));
}
