import { planRun } from "../../engine/planner.js";
import type { GraphFormat, NodeStatus } from "../../engine/graph-render.js";
import { renderGraph } from "../../engine/graph-render.js";
import { formatDiagnostic } from "../../model/diagnostics.js";
import { OctoflowError } from "../../model/errors.js";
import { buildFlowGraph } from "../../model/flow-graph.js";
import { loadFlowFile } from "../../model/flow-loader.js";
import { flowJsonSchema } from "../../model/json-schema.js";
import { validateFlow } from "../../model/flow-validator.js";
import { duration } from "../../services/run-report.js";
import { resolveFlowPath } from "../../services/flow-files.js";
import type { RunSelection } from "../../store/store.js";
import type { App } from "../app.js";
import { loadFlowArg } from "../flow-arg.js";
import { EXIT, err, out, printJson } from "../output.js";

/** `octoflow validate FLOW…`: every problem of every file, with file:line:column. */
export async function validateCommand(
  app: Pick<App, "settings" | "registry">,
  refs: readonly string[],
  options: { json?: boolean },
): Promise<number> {
  let failed = 0;
  const results: { file: string; ok: boolean; diagnostics: unknown[] }[] = [];
  for (const ref of refs) {
    const file = resolveFlowPath(ref, app.settings);
    const result = await loadFlowFile(file, app.registry);
    results.push({ file, ok: result.ok, diagnostics: [...result.diagnostics] });
    if (result.ok) {
      if (!options.json) out(`✔ ${file}: flow ${result.flow.name}, ${result.flow.steps.length} steps`);
    } else {
      failed++;
      if (!options.json) {
        err(`✖ ${file}: ${result.diagnostics.length} problem${result.diagnostics.length === 1 ? "" : "s"}`);
        for (const diagnostic of result.diagnostics) err(`  ${formatDiagnostic(diagnostic)}`);
      }
    }
  }
  if (options.json) printJson(results);
  return failed === 0 ? EXIT.ok : EXIT.usage;
}

/** `octoflow plan FLOW`: what would run, in which order and which parallel groups; runs nothing. */
export async function planCommand(
  app: App,
  ref: string,
  selection: RunSelection,
  options: { json?: boolean },
): Promise<number> {
  const flow = await loadFlowArg(app, ref);
  const plan = planRun(flow, selection);
  if (options.json) {
    printJson({
      flow: flow.name,
      steps: plan.steps,
      groups: plan.groups,
      missingUpstream: plan.missingUpstream,
    });
    return EXIT.ok;
  }
  const types = new Map(flow.steps.map((s) => [s.name, s.type]));
  out(
    `flow ${flow.name}: ${plan.steps.length} of ${flow.steps.length} steps in ${plan.groups.length} groups`,
  );
  plan.groups.forEach((group, index) => {
    out(`group ${index + 1}${group.length > 1 ? ` (${group.length} in parallel)` : ""}:`);
    for (const name of group) {
      const needs = (plan.graph.upstream.get(name) ?? []).filter((up) => plan.steps.includes(up));
      out(`  ${name} (${types.get(name)})${needs.length ? ` after ${needs.join(", ")}` : ""}`);
    }
  });
  if (plan.missingUpstream.length > 0) {
    out(
      `not run, though selected steps depend on them: ${plan.missingUpstream.join(", ")} (add --with-upstream to include them)`,
    );
  }
  return EXIT.ok;
}

/** `octoflow graph FLOW` or `octoflow graph --run ID`: DOT or Mermaid. */
export async function graphCommand(
  app: App,
  ref: string | undefined,
  options: { format: string; run?: number },
): Promise<number> {
  const format = options.format as GraphFormat;
  if (format !== "dot" && format !== "mermaid") {
    throw new OctoflowError("INPUT_INVALID", `--format ${options.format} is not known`, {
      hint: "use --format dot or --format mermaid",
    });
  }
  if (options.run !== undefined) {
    const run = await app.store.getRun(options.run);
    if (!run)
      throw new OctoflowError("RUN_NOT_FOUND", `there is no run ${options.run}`, {
        hint: "list runs with `octoflow runs list`",
      });
    const stored = await app.store.getFlow(run.flowHash);
    const result = stored
      ? await validateFlow({ file: stored.file ?? stored.name, value: stored.definition }, app.registry)
      : undefined;
    if (!result?.ok)
      throw new OctoflowError(
        "RUN_NOT_FOUND",
        `the flow of run ${run.id} cannot be drawn: its definition is missing or invalid`,
      );
    const status = new Map<string, NodeStatus>();
    for (const step of await app.store.getRunSteps(run.id)) {
      const took = duration(step.startedUtc, step.endedUtc);
      status.set(step.name, { state: step.state, ...(took === null ? {} : { durationMs: took }) });
    }
    const types = new Map(result.flow.steps.map((s) => [s.name, s.type]));
    out(
      renderGraph(buildFlowGraph(result.flow.steps), format, {
        title: `${run.flowName} run ${run.id}`,
        types,
        status,
      }),
    );
    return EXIT.ok;
  }
  if (!ref) throw new OctoflowError("INPUT_INVALID", "graph needs a FLOW or --run ID");
  const flow = await loadFlowArg(app, ref);
  const types = new Map(flow.steps.map((s) => [s.name, s.type]));
  out(renderGraph(buildFlowGraph(flow.steps), format, { title: flow.name, types }));
  return EXIT.ok;
}

/** `octoflow schema`: the JSON Schema of flow files, for editors. */
export function schemaCommand(app: Pick<App, "registry">): number {
  printJson(flowJsonSchema(app.registry));
  return EXIT.ok;
}

/** `octoflow step-types`: the registered step types. */
export function stepTypesCommand(app: Pick<App, "registry">, options: { json?: boolean }): number {
  const types = app.registry.stepTypes().map((t) => ({ name: t.name, description: t.description }));
  if (options.json) printJson(types);
  else for (const t of types) out(`${t.name.padEnd(18)} ${t.description}`);
  return EXIT.ok;
}
