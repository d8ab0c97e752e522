import { Graph, layout } from "@dagrejs/dagre";

export const NODE_WIDTH = 176;
export const NODE_HEIGHT = 42;

export interface GraphInput {
  readonly nodes: readonly { readonly name: string; readonly type: string }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
}

export interface PlacedNode {
  readonly name: string;
  readonly type: string;
  /** Top-left corner. */
  readonly x: number;
  readonly y: number;
}

export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  /** SVG path data. */
  readonly d: string;
}

export interface GraphLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
  /** How long the layout took, for the curious (and the tests). */
  readonly ms: number;
}

/**
 * Lays a flow's graph out left to right with dagre, once per graph: a run's state changes only
 * recolour the nodes. Large graphs use the longest-path ranker, which is much faster than the
 * network-simplex one and draws a DAG of steps just as readably.
 */
export function layoutGraph(input: GraphInput): GraphLayout {
  const started = performance.now();
  const graph = new Graph({ multigraph: false });
  const large = input.nodes.length > 150;
  graph.setGraph({
    rankdir: "LR",
    nodesep: 14,
    ranksep: large ? 40 : 56,
    marginx: 16,
    marginy: 16,
    ranker: large ? "longest-path" : "network-simplex",
  });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of input.nodes) graph.setNode(node.name, { width: NODE_WIDTH, height: NODE_HEIGHT });
  for (const edge of input.edges) {
    if (graph.hasNode(edge.from) && graph.hasNode(edge.to)) graph.setEdge(edge.from, edge.to);
  }
  layout(graph);
  const nodes = input.nodes.map((node) => {
    const placed = graph.node(node.name) as { x: number; y: number };
    return { name: node.name, type: node.type, x: placed.x - NODE_WIDTH / 2, y: placed.y - NODE_HEIGHT / 2 };
  });
  const edges = graph.edges().map((edge) => {
    const points = (graph.edge(edge) as { points?: { x: number; y: number }[] }).points ?? [];
    return { from: edge.v, to: edge.w, d: smoothPath(points) };
  });
  const size = graph.graph() as { width?: number; height?: number };
  return {
    nodes,
    edges,
    width: size.width ?? NODE_WIDTH,
    height: size.height ?? NODE_HEIGHT,
    ms: performance.now() - started,
  };
}

/** A curve through dagre's control points: straight to the first midpoint, then quadratic bends. */
function smoothPath(points: readonly { x: number; y: number }[]): string {
  const [first, ...rest] = points;
  if (!first) return "";
  if (rest.length === 0) return `M${first.x},${first.y}`;
  const r = (n: number): number => Math.round(n * 10) / 10;
  let d = `M${r(first.x)},${r(first.y)}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const p = rest[i] as { x: number; y: number };
    const next = rest[i + 1] as { x: number; y: number };
    d += ` Q${r(p.x)},${r(p.y)} ${r((p.x + next.x) / 2)},${r((p.y + next.y) / 2)}`;
  }
  const last = rest[rest.length - 1] as { x: number; y: number };
  return `${d} L${r(last.x)},${r(last.y)}`;
}
