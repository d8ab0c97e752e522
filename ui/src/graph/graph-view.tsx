import type { TargetedKeyboardEvent } from "preact";
import { useEffect, useRef } from "preact/hooks";
import { GraphEdges, GraphNode } from "./graph-parts.js";
import type { NodeLook } from "./graph-parts.js";
import type { GraphLayout } from "./layout.js";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout.js";
import { PanZoom } from "./pan-zoom.js";

export type { NodeLook };

export interface GraphViewProps {
  readonly layout: GraphLayout;
  /** Each node's state and second line; a node missing here is drawn as not part of the run. */
  readonly look: (name: string) => NodeLook;
  readonly selected?: string | undefined;
  readonly onSelect?: (name: string) => void;
  readonly label: string;
}

/**
 * A flow's graph as SVG: laid out once, zoomed and panned by moving one transform (the nodes are
 * not re-rendered for that), nodes recoloured as their states change. Wheel or +/− zoom, drag or
 * arrow keys pan, 0 or "Fit" shows it all; Tab reaches each step, Enter selects it.
 */
export function GraphView({ layout, look, selected, onSelect, label }: GraphViewProps) {
  const frame = useRef<HTMLDivElement>(null);
  const layer = useRef<SVGGElement>(null);
  const zoom = useRef<PanZoom | undefined>(undefined);

  useEffect(() => {
    if (!frame.current || !layer.current) return;
    const panZoom = new PanZoom(frame.current, layer.current, layout.width, layout.height);
    zoom.current = panZoom;
    panZoom.start();
    return () => panZoom.dispose();
  }, [layout]);

  const keys = (event: TargetedKeyboardEvent<HTMLDivElement>): void => {
    const panZoom = zoom.current;
    if (!panZoom || event.target !== event.currentTarget) return;
    const step = 60;
    const actions: Record<string, () => void> = {
      "+": () => panZoom.zoomBy(1.25),
      "=": () => panZoom.zoomBy(1.25),
      "-": () => panZoom.zoomBy(0.8),
      "0": () => panZoom.fit(),
      ArrowLeft: () => panZoom.panBy(step, 0),
      ArrowRight: () => panZoom.panBy(-step, 0),
      ArrowUp: () => panZoom.panBy(0, step),
      ArrowDown: () => panZoom.panBy(0, -step),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  };

  return (
    <div class="graph">
      <div class="graph-tools" role="toolbar" aria-label="Graph view">
        <button
          type="button"
          aria-label="Zoom in"
          title="Zoom in (+)"
          onClick={() => zoom.current?.zoomBy(1.25)}
        >
          +
        </button>
        <button
          type="button"
          aria-label="Zoom out"
          title="Zoom out (−)"
          onClick={() => zoom.current?.zoomBy(0.8)}
        >
          −
        </button>
        <button type="button" title="Show the whole graph (0)" onClick={() => zoom.current?.fit()}>
          Fit
        </button>
      </div>
      <div
        class="graph-frame"
        ref={frame}
        tabIndex={0}
        role="group"
        aria-label={`${label}. Plus and minus zoom, arrow keys pan, 0 fits; Tab moves to each step.`}
        onKeyDown={keys}
        style={{ "--content-height": `${Math.ceil(layout.height) + 90}px` }}
      >
        <svg class="graph-svg" data-nodes={layout.nodes.length}>
          <defs>
            <marker
              id="arrow"
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto"
            >
              <path d="M0,0 L10,5 L0,10 z" class="arrow-head" />
            </marker>
          </defs>
          <g ref={layer}>
            <GraphEdges edges={layout.edges} />
            {layout.nodes.map((node) => (
              <GraphNode
                key={node.name}
                node={node}
                look={look(node.name)}
                selected={node.name === selected}
                onSelect={onSelect}
                onFocusNode={() => zoom.current?.reveal(node.x, node.y, NODE_WIDTH, NODE_HEIGHT)}
              />
            ))}
          </g>
        </svg>
      </div>
    </div>
  );
}
