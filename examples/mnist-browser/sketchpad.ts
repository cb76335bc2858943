// A canvas to draw digits on with a mouse, a pen or a finger (Pointer Events): thick white round strokes on
// black. It reports every change; it keeps no undo history.

/** Canvas pixels per side; the page may show it smaller, pointer positions are scaled to match. */
export const PAD_SIDE = 280;
/** About the stroke width of an MNIST digit once the drawing is scaled to its 20-pixel box. */
const STROKE = 22;

export class Sketchpad {
  private readonly context: CanvasRenderingContext2D;
  private last: { x: number; y: number } | null = null;

  constructor(readonly canvas: HTMLCanvasElement, private readonly onChange: () => void) {
    canvas.width = PAD_SIDE;
    canvas.height = PAD_SIDE;
    const context = canvas.getContext('2d', { willReadFrequently: true });
    if (!context) throw new Error('Sketchpad: this browser has no 2D canvas');
    this.context = context;
    context.lineCap = 'round';
    context.lineJoin = 'round';
    context.lineWidth = STROKE;
    context.strokeStyle = context.fillStyle = '#fff';
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      e.preventDefault();
      canvas.setPointerCapture(e.pointerId);
      this.last = this.point(e);
      this.strokeTo(this.last);
    });
    canvas.addEventListener('pointermove', (e) => {
      if (!this.last) return;
      // Coalesced events keep fast strokes smooth where the browser offers them (not every Safari does).
      for (const sub of e.getCoalescedEvents?.() ?? [e]) this.strokeTo(this.point(sub));
    });
    const end = () => (this.last = null);
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  clear(): void {
    this.context.save();
    this.context.fillStyle = '#000';
    this.context.fillRect(0, 0, PAD_SIDE, PAD_SIDE);
    this.context.restore();
    this.onChange();
  }

  /** Paints a 28x28 image (values in [0, 1]) over the whole pad, as if it had been drawn there. */
  paint(pixels: ArrayLike<number>): void {
    const cell = PAD_SIDE / 28;
    const picture = this.context.createImageData(PAD_SIDE, PAD_SIDE);
    const rgba = picture.data;
    for (let y = 0, i = 0; y < PAD_SIDE; y++) {
      for (let x = 0; x < PAD_SIDE; x++, i += 4) {
        rgba[i] = rgba[i + 1] = rgba[i + 2] = Math.round(pixels[Math.floor(y / cell) * 28 + Math.floor(x / cell)] * 255);
        rgba[i + 3] = 255;
      }
    }
    this.context.putImageData(picture, 0, 0);
    this.onChange();
  }

  image(): ImageData {
    return this.context.getImageData(0, 0, PAD_SIDE, PAD_SIDE);
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const rect = this.canvas.getBoundingClientRect();
    return { x: ((e.clientX - rect.left) * PAD_SIDE) / rect.width, y: ((e.clientY - rect.top) * PAD_SIDE) / rect.height };
  }

  private strokeTo(to: { x: number; y: number }): void {
    const from = this.last ?? to;
    this.context.beginPath();
    // A zero-length line draws nothing in some browsers, so a tap is a filled dot.
    if (from.x === to.x && from.y === to.y) {
      this.context.arc(to.x, to.y, STROKE / 2, 0, 2 * Math.PI);
      this.context.fill();
    } else {
      this.context.moveTo(from.x, from.y);
      this.context.lineTo(to.x, to.y);
      this.context.stroke();
    }
    this.last = to;
    this.onChange();
  }
}
