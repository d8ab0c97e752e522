import { didYouMean } from "../model/diagnostics.js";
import { OctoflowError } from "../model/errors.js";
import type { FlowGraph } from "../model/flow-graph.js";
import { buildFlowGraph, reachable } from "../model/flow-graph.js";
import type { FlowDefinition } from "../model/flow-schema.js";
import type { RunSelection } from "../store/store.js";

/** What a run will do: the selected steps in order, grouped into waves that can run in parallel. */
export interface RunPlan {
  readonly graph: FlowGraph;
  /** Selected step names, in file order. */
  readonly steps: readonly string[];
  /** Wave n holds the steps whose selected upstream steps are all in earlier waves. */
  readonly groups: readonly (readonly string[])[];
  /** Steps left out by the selection whose output a selected step may need. */
  readonly missingUpstream: readonly string[];
}

/**
 * Plans a run: picks the steps (seed 004's `_only_these_nodes`, `_add_parents`, `_add_children`)
 * and orders them into parallel groups. Pure: the flow is not touched.
 *
 * @example planRun(flow, { only: ["save"], withUpstream: true })
 */
export function planRun(flow: FlowDefinition, selection: RunSelection = {}): RunPlan {
  const graph = buildFlowGraph(flow.steps);
  const chosen = selectSteps(graph, selection);
  const steps = graph.nodes.filter((name) => chosen.has(name));
  const level = new Map<string, number>();
  const groups: string[][] = [];
  const missing = new Set<string>();
  // File order is a topological order only when there are no forward `needs`; compute levels by
  // repeated passes over a proper topological order instead.
  for (const name of topologicalOrder(graph)) {
    if (!chosen.has(name)) continue;
    let depth = 0;
    for (const up of graph.upstream.get(name) ?? []) {
      if (chosen.has(up)) depth = Math.max(depth, (level.get(up) as number) + 1);
      else missing.add(up);
    }
    level.set(name, depth);
    (groups[depth] ??= []).push(name);
  }
  const position = new Map(graph.nodes.map((name, index) => [name, index]));
  for (const group of groups) group.sort((a, b) => (position.get(a) as number) - (position.get(b) as number));
  return { graph, steps, groups, missingUpstream: [...missing] };
}

function selectSteps(graph: FlowGraph, selection: RunSelection): Set<string> {
  if (!selection.only || selection.only.length === 0) return new Set(graph.nodes);
  const known = new Set(graph.nodes);
  for (const name of selection.only) {
    if (!known.has(name)) {
      const guess = didYouMean(name, graph.nodes);
      throw new OctoflowError(
        "INPUT_INVALID",
        `--only names "${name}", but the flow has no step of that name${guess ? ` — did you mean "${guess}"?` : ""}`,
        {
          hint: `steps: ${graph.nodes.slice(0, 30).join(", ")}${graph.nodes.length > 30 ? ", …" : ""}`,
        },
      );
    }
  }
  const chosen = new Set(selection.only);
  if (selection.withUpstream) for (const name of reachable(graph.upstream, selection.only)) chosen.add(name);
  if (selection.withDownstream)
    for (const name of reachable(graph.downstream, selection.only)) chosen.add(name);
  return chosen;
}

/** Kahn's algorithm, ties broken by file order. The flow was validated, so there is no cycle. */
export function topologicalOrder(graph: FlowGraph): string[] {
  const indegree = new Map(graph.nodes.map((name) => [name, (graph.upstream.get(name) ?? []).length]));
  const queue = graph.nodes.filter((name) => indegree.get(name) === 0);
  const order: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const name = queue[i] as string;
    order.push(name);
    for (const child of graph.downstream.get(name) ?? []) {
      const left = (indegree.get(child) as number) - 1;
      indegree.set(child, left);
      if (left === 0) queue.push(child);
    }
  }
  return order;
}
