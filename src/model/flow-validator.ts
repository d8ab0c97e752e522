import { createHash } from "node:crypto";
import { Cron } from "croner";
import { z } from "zod";
import type { PluginRegistry } from "../plugins/registry.js";
import type { StepType } from "../plugins/step-type.js";
import type { Diagnostic } from "./diagnostics.js";
import { didYouMean, formatPath } from "./diagnostics.js";
import { buildFlowGraph, findCycle } from "./flow-graph.js";
import type { FlowDefinition, StepDefinition } from "./flow-schema.js";
import type { stepCommonSchema } from "./flow-schema.js";
import { flowHeaderSchema, stepCommonShape } from "./flow-schema.js";
import { checkJq } from "./jq.js";
import { checkTemplate, templateStrings } from "./template.js";
import type { YamlSource } from "./yaml-source.js";
import { explainIssues } from "./zod-issues.js";

export type ValidationResult =
  | { ok: true; flow: FlowDefinition; diagnostics: readonly Diagnostic[] }
  | { ok: false; diagnostics: readonly Diagnostic[] };

type Source = Pick<YamlSource, "file" | "value"> & Partial<Pick<YamlSource, "locate">>;

/**
 * Validates a parsed flow against the schema and the registered step types, and checks what a
 * schema cannot: unique names, `needs` that name steps, cycles, cron, regexes, templates and jq.
 * Every problem is reported at once.
 *
 * @example
 * const result = await validateFlow({ file: "f.yml", value: { name: "f", steps: [] } }, registry);
 */
export async function validateFlow(source: Source, registry: PluginRegistry): Promise<ValidationResult> {
  const diagnostics: Diagnostic[] = [];
  const report = (path: readonly PropertyKey[], message: string, hint?: string, atKey = false): void => {
    const position = source.locate?.(path, { key: atKey }) ?? { line: 0, column: 0 };
    diagnostics.push({
      file: source.file,
      ...position,
      path: formatPath(path as (string | number)[]),
      message,
      ...(hint ? { hint } : {}),
    });
  };

  const value = source.value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    report(
      [],
      "a flow file must be a mapping with at least `name` and `steps`",
      "start the file with `name: my-flow` and `steps:`",
    );
    return { ok: false, diagnostics };
  }

  const header = flowHeaderSchema.safeParse(value);
  if (!header.success) {
    for (const issue of explainIssues(header.error.issues, value, () =>
      Object.keys(flowHeaderSchema.shape),
    )) {
      report(issue.path, issue.message, issue.hint, issue.atKey);
    }
  }
  const rawSteps = (value as { steps?: unknown }).steps;
  const steps: StepDefinition[] = [];
  if (Array.isArray(rawSteps)) {
    for (let index = 0; index < rawSteps.length; index++) {
      const step = await validateStep(rawSteps[index], ["steps", index], registry, report);
      if (step) steps.push(step);
    }
    if (rawSteps.length === 0) report(["steps"], "the flow has no steps", "add at least one step");
  }
  checkNames(rawSteps, report);
  if (header.success) checkSchedule(header.data.schedule, report);

  if (diagnostics.length > 0 || !header.success) return { ok: false, diagnostics };
  const { steps: _raw, ...rest } = header.data;
  const flow: FlowDefinition = deepFreeze({
    ...rest,
    steps,
    source: { file: source.file, hash: hashDefinition(value), raw: value },
  });
  return { ok: true, flow, diagnostics };
}

type Report = (path: readonly PropertyKey[], message: string, hint?: string, atKey?: boolean) => void;

async function validateStep(
  raw: unknown,
  path: readonly (string | number)[],
  registry: PluginRegistry,
  report: Report,
): Promise<StepDefinition | undefined> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) {
    report(path, "a step must be a mapping with at least `name` and `type`");
    return undefined;
  }
  const step = raw as Record<string, unknown>;
  const typeName = step.type;
  if (typeof typeName !== "string") {
    report(
      [...path, "type"],
      typeName === undefined ? "the step has no `type`" : "`type` must be text",
      `known step types: ${registry.stepTypeNames().join(", ")}`,
    );
    return undefined;
  }
  const stepType = registry.stepType(typeName);
  if (!stepType) {
    const guess = didYouMean(typeName, registry.stepTypeNames());
    report(
      [...path, "type"],
      `unknown step type "${typeName}"${guess ? ` — did you mean "${guess}"?` : ""}`,
      `known step types: ${registry.stepTypeNames().join(", ")}`,
    );
    return undefined;
  }
  const schema = stepSchema(stepType);
  const parsed = schema.safeParse(step);
  if (!parsed.success) {
    const allowed = [...Object.keys(stepCommonShape), stepType.name];
    for (const issue of explainIssues(parsed.error.issues, step, (at) => (at.length === 0 ? allowed : []))) {
      const otherType = issue.atKey
        ? registry.stepType(String(issue.path[issue.path.length - 1]))
        : undefined;
      const hint = otherType
        ? `the "${otherType.name}" block belongs to steps of type ${otherType.name}; this step is of type ${stepType.name}`
        : issue.hint;
      report([...path, ...issue.path], issue.message, hint, issue.atKey);
    }
    return undefined;
  }
  const { [stepType.name]: options, ...common } = parsed.data as Record<string, unknown>;
  const definition = { ...(common as z.output<typeof stepCommonSchema>), options };
  await checkExpressions(step, definition, stepType, path, report);
  return definition;
}

const stepSchemas = new WeakMap<StepType, z.ZodType>();

/** The schema of a whole step of one type: the shared fields plus its options block. */
export function stepSchema(stepType: StepType): z.ZodType {
  let schema = stepSchemas.get(stepType);
  if (!schema) {
    schema = z.strictObject({ ...stepCommonShape, [stepType.name]: stepType.options });
    stepSchemas.set(stepType, schema);
  }
  return schema;
}

async function checkExpressions(
  raw: Record<string, unknown>,
  step: StepDefinition,
  stepType: StepType,
  path: readonly (string | number)[],
  report: Report,
): Promise<void> {
  for (const [index, pattern] of (step.ignore_errors ?? []).entries()) {
    try {
      new RegExp(pattern);
    } catch (error) {
      report(
        [...path, "ignore_errors", index],
        `not a valid regular expression: ${(error as Error).message}`,
      );
    }
  }
  if (step.jq_expression !== undefined) {
    const problem = await checkJq(step.jq_expression);
    if (problem) report([...path, "jq_expression"], `jq expression does not parse: ${problem}`);
  }
  const raws = new Set(stepType.rawOptions ?? []);
  const templated: [PropertyKey[], unknown][] = [
    [["when"], raw.when],
    [["for_each"], raw.for_each],
    [[stepType.name], filterRaw(raw[stepType.name], raws)],
  ];
  for (const [field, value] of templated) {
    for (const text of templateStrings(value)) {
      const problem = checkTemplate(text, `${formatPath([...path, ...(field as string[])])}`);
      if (problem)
        report([...path, ...field], `template does not parse: ${problem}`, "check the {{ }} and {% %} pairs");
    }
  }
  if (stepType.check) {
    for (const problem of await stepType.check(step.options)) {
      report([...path, stepType.name, ...problem.path], problem.message, problem.hint);
    }
  }
}

function filterRaw(options: unknown, raws: ReadonlySet<string>): unknown {
  if (raws.size === 0 || options === null || typeof options !== "object" || Array.isArray(options))
    return options;
  return Object.fromEntries(Object.entries(options).filter(([key]) => !raws.has(key)));
}

function checkNames(rawSteps: unknown, report: Report): void {
  if (!Array.isArray(rawSteps)) return;
  const named = rawSteps
    .map((step, index) => ({ index, step: step as { name?: unknown; needs?: unknown } }))
    .filter(({ step }) => step !== null && typeof step === "object" && typeof step.name === "string");
  const firstIndex = new Map<string, number>();
  let duplicates = false;
  for (const { index, step } of named) {
    const name = step.name as string;
    const first = firstIndex.get(name);
    if (first !== undefined) {
      duplicates = true;
      report(
        ["steps", index, "name"],
        `duplicate step name "${name}" (also step ${first + 1})`,
        "give every step its own name",
      );
    } else firstIndex.set(name, index);
  }
  const names = [...firstIndex.keys()];
  for (const { index, step } of named) {
    if (!Array.isArray(step.needs)) continue;
    step.needs.forEach((need, needIndex) => {
      if (typeof need !== "string" || firstIndex.has(need)) return;
      const guess = didYouMean(need, names);
      report(
        ["steps", index, "needs", needIndex],
        `needs "${need}", but no step has that name${guess ? ` — did you mean "${guess}"?` : ""}`,
        "name a step of this flow",
      );
    });
  }
  // With duplicate names the graph is ambiguous; the duplicates are reported already.
  if (duplicates) return;
  const graph = buildFlowGraph(
    named.map(({ step }) => ({
      name: step.name as string,
      needs: Array.isArray(step.needs) ? (step.needs as string[]) : undefined,
    })),
  );
  const cycle = findCycle(graph);
  if (cycle) {
    const index = named.find(({ step }) => step.name === cycle[0])?.index ?? 0;
    report(
      ["steps", index, "needs"],
      `the steps depend on each other in a cycle: ${cycle.join(" → ")}`,
      "remove one of these `needs` so the cycle is broken",
    );
  }
}

function checkSchedule(
  schedule: { cron?: string | undefined; timezone?: string | undefined } | undefined,
  report: Report,
): void {
  if (schedule?.cron !== undefined) {
    try {
      new Cron(schedule.cron, { paused: true, timezone: schedule.timezone });
    } catch (error) {
      report(
        ["schedule", "cron"],
        `invalid cron expression "${schedule.cron}": ${(error as Error).message}`,
        'use five fields: minute hour day-of-month month day-of-week, e.g. "0 6 * * *"',
      );
      return;
    }
  }
  if (schedule?.timezone !== undefined) {
    try {
      new Intl.DateTimeFormat("en", { timeZone: schedule.timezone });
    } catch {
      report(
        ["schedule", "timezone"],
        `unknown time zone "${schedule.timezone}"`,
        'use an IANA name such as "UTC" or "Europe/Paris"',
      );
    }
  }
}

/** The version of a flow: a hash of its definition, so comments and formatting do not count. */
export function hashDefinition(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("hex").slice(0, 16);
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
