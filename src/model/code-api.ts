import type { TaskFunction } from "../steps/task.js";

/**
 * Seed 002's pipeline builder for TypeScript. `a.then(b)` makes b run after a with a's output as
 * its input; `all(a, b).then(c)` makes c wait for both and get `{ a: …, b: … }`. The result is the
 * same flow value a YAML file gives, validated and run by the same engine.
 *
 * @example
 * const fetch = step("fetch", "log", { message: "fetching" });
 * const clean = task("clean", async ({ input }) => input);
 * export default flow("daily", [fetch.then(clean)]);
 */
export class StepNode {
  readonly name: string;
  readonly raw: Readonly<Record<string, unknown>>;
  readonly upstream: StepNode[] = [];

  constructor(name: string, raw: Readonly<Record<string, unknown>>) {
    this.name = name;
    this.raw = raw;
  }

  /** Runs `next` after this step, with this step's output as its input; returns `next`. */
  then(next: StepNode): StepNode {
    next.upstream.push(this);
    return next;
  }
}

/** Several steps that a following step waits for together (fan-in). */
export class StepGroup {
  readonly members: readonly StepNode[];
  constructor(members: readonly StepNode[]) {
    this.members = members;
  }
  then(next: StepNode): StepNode {
    next.upstream.push(...this.members);
    return next;
  }
}

/** A step of any registered type: `step("wait", "sleep", { duration: 5 }, { timeout: 10 })`. */
export function step(
  name: string,
  type: string,
  options?: unknown,
  common: Readonly<Record<string, unknown>> = {},
): StepNode {
  return new StepNode(name, { ...common, name, type, ...(options === undefined ? {} : { [type]: options }) });
}

/** A step that runs a function; it gets `{ input, options, context }` and returns the output. */
export function task(
  name: string,
  fn: TaskFunction,
  common: Readonly<Record<string, unknown>> = {},
): StepNode {
  return step(name, "task", { function: fn }, common);
}

export function all(...members: StepNode[]): StepGroup {
  return new StepGroup(members);
}

/** Builds the flow value from the last steps of each chain; every reachable step is included. */
export function flow(
  name: string,
  ends: StepNode | readonly StepNode[],
  options: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  const ordered: StepNode[] = [];
  const seen = new Set<StepNode>();
  const visit = (node: StepNode): void => {
    if (seen.has(node)) return;
    seen.add(node);
    for (const up of node.upstream) visit(up);
    ordered.push(node);
  };
  for (const end of Array.isArray(ends) ? ends : [ends]) visit(end as StepNode);
  const steps = ordered.map((node) => {
    const ups = node.upstream.map((up) => up.name);
    const dataKey =
      node.raw.data_key ??
      (ups.length === 1
        ? resultKey(node.upstream[0] as StepNode)
        : ups.length > 1
          ? node.upstream.map(resultKey)
          : undefined);
    return { ...node.raw, needs: ups, ...(dataKey === undefined ? {} : { data_key: dataKey }) };
  });
  return { ...options, name, steps };
}

function resultKey(node: StepNode): string {
  return typeof node.raw.result_key === "string" ? node.raw.result_key : node.name;
}
