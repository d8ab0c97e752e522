/**
 * The dependency graph of a flow's steps. A step with `needs` depends on those steps; a step
 * without `needs` depends on the step written above it (seed 003's "executed in order").
 */
export interface FlowGraph {
  /** Step names in file order. */
  readonly nodes: readonly string[];
  readonly upstream: ReadonlyMap<string, readonly string[]>;
  readonly downstream: ReadonlyMap<string, readonly string[]>;
}

interface StepEdges {
  readonly name: string;
  readonly needs?: readonly string[] | undefined;
}

/** Builds the graph; names in `needs` that match no step are left out (validation reports them). */
export function buildFlowGraph(steps: readonly StepEdges[]): FlowGraph {
  const names = new Set(steps.map((step) => step.name));
  const upstream = new Map<string, string[]>();
  const downstream = new Map<string, string[]>();
  for (const step of steps) downstream.set(step.name, []);
  steps.forEach((step, index) => {
    const previous = index > 0 ? (steps[index - 1] as StepEdges).name : undefined;
    const needs = step.needs ?? (previous === undefined ? [] : [previous]);
    const known = [...new Set(needs)].filter((name) => names.has(name));
    upstream.set(step.name, known);
    for (const name of known) downstream.get(name)?.push(step.name);
  });
  return Object.freeze({ nodes: Object.freeze(steps.map((s) => s.name)), upstream, downstream });
}

/** One cycle of the graph as the list of its step names (first repeated at the end), if any. */
export function findCycle(graph: FlowGraph): string[] | undefined {
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  // Iterative depth-first search: a 10,000-step chain must not overflow the call stack.
  for (const start of graph.nodes) {
    if (state.has(start)) continue;
    const frames: { node: string; next: number }[] = [{ node: start, next: 0 }];
    state.set(start, "visiting");
    stack.push(start);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as { node: string; next: number };
      const children = graph.downstream.get(frame.node) ?? [];
      if (frame.next < children.length) {
        const child = children[frame.next++] as string;
        const childState = state.get(child);
        if (childState === "visiting") return [...stack.slice(stack.indexOf(child)), child];
        if (childState === undefined) {
          state.set(child, "visiting");
          stack.push(child);
          frames.push({ node: child, next: 0 });
        }
      } else {
        state.set(frame.node, "done");
        stack.pop();
        frames.pop();
      }
    }
  }
  return undefined;
}

/** All steps reachable from `start` following `edges` (upstream or downstream), `start` excluded. */
export function reachable(
  edges: ReadonlyMap<string, readonly string[]>,
  start: Iterable<string>,
): Set<string> {
  const seen = new Set<string>();
  const pending = [...start];
  while (pending.length > 0) {
    const node = pending.pop() as string;
    for (const next of edges.get(node) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        pending.push(next);
      }
    }
  }
  return seen;
}
