const MIN_SCALE = 0.05;
const MAX_SCALE = 3;
const PADDING = 16;
/** Below this scale a step's name cannot be read. */
const READABLE_SCALE = 0.6;
/** A pointer that moves less than this between down and up clicked rather than dragged. */
const DRAG_PX = 4;

/**
 * Pans and zooms an SVG layer by setting its one `transform` attribute: wheel zooms around the
 * pointer, dragging pans. A click that ended a drag is swallowed so it does not select a node.
 */
export class PanZoom {
  #x = 0;
  #y = 0;
  #k = 1;
  #drag: { id: number; x: number; y: number; moved: boolean } | undefined;
  readonly #dispose: () => void;

  constructor(
    private readonly frame: HTMLElement,
    private readonly layer: SVGGElement,
    private readonly width: number,
    private readonly height: number,
  ) {
    const wheel = (event: WheelEvent): void => {
      event.preventDefault();
      const box = frame.getBoundingClientRect();
      this.zoomBy(Math.exp(-event.deltaY * 0.0015), event.clientX - box.left, event.clientY - box.top);
    };
    const down = (event: PointerEvent): void => {
      if (event.button !== 0) return;
      this.#drag = { id: event.pointerId, x: event.clientX, y: event.clientY, moved: false };
    };
    const move = (event: PointerEvent): void => {
      const drag = this.#drag;
      if (!drag || drag.id !== event.pointerId) return;
      const dx = event.clientX - drag.x;
      const dy = event.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < DRAG_PX) return;
      if (!drag.moved) frame.setPointerCapture(event.pointerId);
      drag.moved = true;
      drag.x = event.clientX;
      drag.y = event.clientY;
      this.panBy(dx, dy);
    };
    const up = (event: PointerEvent): void => {
      const drag = this.#drag;
      if (!drag || drag.id !== event.pointerId) return;
      this.#drag = undefined;
      if (!drag.moved) return;
      frame.releasePointerCapture(event.pointerId);
      const swallow = (click: Event): void => click.stopPropagation();
      frame.addEventListener("click", swallow, { capture: true, once: true });
      setTimeout(() => frame.removeEventListener("click", swallow, { capture: true }), 0);
    };
    frame.addEventListener("wheel", wheel, { passive: false });
    frame.addEventListener("pointerdown", down);
    frame.addEventListener("pointermove", move);
    frame.addEventListener("pointerup", up);
    frame.addEventListener("pointercancel", up);
    this.#dispose = () => {
      frame.removeEventListener("wheel", wheel);
      frame.removeEventListener("pointerdown", down);
      frame.removeEventListener("pointermove", move);
      frame.removeEventListener("pointerup", up);
      frame.removeEventListener("pointercancel", up);
    };
  }

  dispose(): void {
    this.#dispose();
  }

  /** Shows the whole graph, never magnified past 100%. */
  fit(): void {
    const { clientWidth: w, clientHeight: h } = this.frame;
    const k = Math.max(
      MIN_SCALE,
      Math.min(1, (w - PADDING * 2) / this.width, (h - PADDING * 2) / this.height),
    );
    this.#set((w - this.width * k) / 2, (h - this.height * k) / 2, k);
  }

  /**
   * The first view: the whole graph when it is readable that way, else its start (the left,
   * where a run begins) at a readable scale; "Fit" still shows it all.
   */
  start(): void {
    const { clientWidth: w, clientHeight: h } = this.frame;
    const fitted = Math.min(1, (w - PADDING * 2) / this.width, (h - PADDING * 2) / this.height);
    if (fitted >= READABLE_SCALE) return this.fit();
    const k = Math.min(READABLE_SCALE, 1);
    const y = this.height * k < h ? (h - this.height * k) / 2 : PADDING;
    this.#set(PADDING, y, k);
  }

  /** Zooms by `factor` around a point of the frame (its centre by default). */
  zoomBy(factor: number, px = this.frame.clientWidth / 2, py = this.frame.clientHeight / 2): void {
    const k = Math.max(MIN_SCALE, Math.min(MAX_SCALE, this.#k * factor));
    const ratio = k / this.#k;
    this.#set(px - (px - this.#x) * ratio, py - (py - this.#y) * ratio, k);
  }

  panBy(dx: number, dy: number): void {
    this.#set(this.#x + dx, this.#y + dy, this.#k);
  }

  /** Pans just enough to show a box of the graph (a node that got the keyboard focus). */
  reveal(x: number, y: number, width: number, height: number): void {
    const { clientWidth: w, clientHeight: h } = this.frame;
    const left = x * this.#k + this.#x;
    const top = y * this.#k + this.#y;
    const right = left + width * this.#k;
    const bottom = top + height * this.#k;
    const dx = left < PADDING ? PADDING - left : right > w - PADDING ? w - PADDING - right : 0;
    const dy = top < PADDING ? PADDING - top : bottom > h - PADDING ? h - PADDING - bottom : 0;
    if (dx || dy) this.panBy(dx, dy);
    // Focus scrolls the frame itself to the node; the transform already shows it.
    this.frame.scrollTo(0, 0);
  }

  #set(x: number, y: number, k: number): void {
    this.#x = x;
    this.#y = y;
    this.#k = k;
    this.layer.setAttribute("transform", `translate(${x.toFixed(1)},${y.toFixed(1)}) scale(${k.toFixed(4)})`);
    this.frame.dataset.scale = k.toFixed(3);
  }
}
