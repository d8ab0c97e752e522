import { formatDuration } from "../model/duration.js";
import type { FlowGraph } from "../model/flow-graph.js";
import type { StepState } from "../model/states.js";

/** What a drawn node shows beyond its name: a run's state and duration for each step. */
export interface NodeStatus {
  readonly state: StepState;
  readonly durationMs?: number;
}

export type GraphFormat = "dot" | "mermaid";

const DOT_COLORS: Record<StepState, string> = {
  READY: "#ffffff",
  RUNNING: "#9cc3f5",
  COMPLETED: "#a3d9a5",
  FAILED: "#f4a3a3",
  CANCELLED: "#f7c98b",
  SKIPPED: "#dddddd",
};

/**
 * Draws a flow's graph as Graphviz DOT (seed 004) or Mermaid. With `status`, each node is coloured
 * by its state and labelled with its duration; steps without status were not part of the run.
 */
export function renderGraph(
  graph: FlowGraph,
  format: GraphFormat,
  options: {
    title?: string;
    types?: ReadonlyMap<string, string>;
    status?: ReadonlyMap<string, NodeStatus>;
  } = {},
): string {
  return format === "dot" ? renderDot(graph, options) : renderMermaid(graph, options);
}

type Options = Parameters<typeof renderGraph>[2] & object;

function label(name: string, options: Options): string {
  const type = options.types?.get(name);
  const status = options.status?.get(name);
  const parts = [name];
  if (type) parts.push(`(${type})`);
  if (status)
    parts.push(
      status.durationMs === undefined ? status.state : `${status.state} ${formatDuration(status.durationMs)}`,
    );
  return parts.join("\n");
}

function renderDot(graph: FlowGraph, options: Options): string {
  const quote = (text: string): string =>
    `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`;
  const lines = [
    `digraph ${quote(options.title ?? "flow")} {`,
    "  rankdir=LR;",
    '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
  ];
  for (const name of graph.nodes) {
    const status = options.status?.get(name);
    const style = options.status && !status ? ', style="rounded,dashed"' : "";
    const fill = status ? `, fillcolor=${quote(DOT_COLORS[status.state])}` : "";
    lines.push(`  ${quote(name)} [label=${quote(label(name, options))}${fill}${style}];`);
  }
  for (const name of graph.nodes) {
    for (const child of graph.downstream.get(name) ?? []) lines.push(`  ${quote(name)} -> ${quote(child)};`);
  }
  lines.push("}");
  return `${lines.join("\n")}\n`;
}

function renderMermaid(graph: FlowGraph, options: Options): string {
  const ids = new Map(graph.nodes.map((name, index) => [name, `s${index}`]));
  const text = (value: string): string => `"${value.replace(/"/g, "#quot;").replace(/\n/g, "<br/>")}"`;
  const lines = ["flowchart LR"];
  for (const name of graph.nodes) {
    const status = options.status?.get(name);
    lines.push(
      `  ${ids.get(name)}[${text(label(name, options))}]${status ? `:::${status.state.toLowerCase()}` : ""}`,
    );
  }
  for (const name of graph.nodes) {
    for (const child of graph.downstream.get(name) ?? [])
      lines.push(`  ${ids.get(name)} --> ${ids.get(child)}`);
  }
  if (options.status) {
    for (const [state, color] of Object.entries(DOT_COLORS))
      lines.push(`  classDef ${state.toLowerCase()} fill:${color},stroke:#555`);
  }
  return `${lines.join("\n")}\n`;
}
