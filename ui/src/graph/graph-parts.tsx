import { Component } from "preact";
import type { TargetedKeyboardEvent } from "preact";
import type { StepState } from "../api/types.js";
import type { PlacedEdge, PlacedNode } from "./layout.js";
import { NODE_HEIGHT, NODE_WIDTH } from "./layout.js";

/** How a node looks: its state (or EXCLUDED: not selected for this run) and a second line. */
export interface NodeLook {
  readonly state: StepState | "EXCLUDED" | "NONE";
  readonly meta: string;
}

const MAX_NAME = 22;
const STATE_ICON: Record<NodeLook["state"], string> = {
  READY: "○",
  RUNNING: "◔",
  COMPLETED: "✓",
  FAILED: "✕",
  CANCELLED: "⊘",
  SKIPPED: "»",
  EXCLUDED: "–",
  NONE: "",
};

interface NodeProps {
  readonly node: PlacedNode;
  readonly look: NodeLook;
  readonly selected: boolean;
  readonly onSelect: ((name: string) => void) | undefined;
  readonly onFocusNode: () => void;
}

/** One step; it renders again only when its state, its second line or the selection changes. */
export class GraphNode extends Component<NodeProps> {
  override shouldComponentUpdate(next: NodeProps): boolean {
    const { look, selected, node } = this.props;
    return (
      next.node !== node ||
      next.look.state !== look.state ||
      next.look.meta !== look.meta ||
      next.selected !== selected
    );
  }

  override render() {
    const { node, look, selected, onSelect, onFocusNode } = this.props;
    const name = node.name.length > MAX_NAME ? `${node.name.slice(0, MAX_NAME - 1)}…` : node.name;
    const select = (): void => onSelect?.(node.name);
    const keys = (event: TargetedKeyboardEvent<SVGGElement>): void => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      select();
    };
    const stateText = look.state === "NONE" ? "" : `, ${look.state.toLowerCase()}`;
    return (
      <g
        class={`node state-${look.state}${selected ? " selected" : ""}`}
        transform={`translate(${node.x},${node.y})`}
        data-step={node.name}
        data-state={look.state}
        tabIndex={onSelect ? 0 : -1}
        role={onSelect ? "button" : "img"}
        aria-label={`${node.name} (${node.type})${stateText}${look.meta ? `, ${look.meta}` : ""}`}
        aria-pressed={onSelect ? selected : undefined}
        onClick={select}
        onKeyDown={keys}
        onFocus={onFocusNode}
      >
        <title>{`${node.name} · ${node.type}${stateText}`}</title>
        <rect class="node-box" width={NODE_WIDTH} height={NODE_HEIGHT} rx={7} />
        <rect class="node-bar" width={5} height={NODE_HEIGHT} rx={2} />
        <text class="node-name" x={14} y={17}>
          {name}
        </text>
        <text class="node-meta" x={14} y={33}>
          {look.meta || node.type}
        </text>
        <text class="node-icon" x={NODE_WIDTH - 12} y={17} text-anchor="middle" aria-hidden="true">
          {STATE_ICON[look.state]}
        </text>
      </g>
    );
  }
}

/** Every edge, drawn once per layout. */
export class GraphEdges extends Component<{ edges: readonly PlacedEdge[] }> {
  override shouldComponentUpdate(next: { edges: readonly PlacedEdge[] }): boolean {
    return next.edges !== this.props.edges;
  }

  override render() {
    return (
      <g class="edges" aria-hidden="true">
        {this.props.edges.map((edge) => (
          <path key={`${edge.from}\u0000${edge.to}`} d={edge.d} class="edge" marker-end="url(#arrow)" />
        ))}
      </g>
    );
  }
}
