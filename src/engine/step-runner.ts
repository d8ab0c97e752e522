import { createHash } from "node:crypto";
import { OctoflowError, coerceError, errorText, isCancellation } from "../model/errors.js";
import type { StepDefinition } from "../model/flow-schema.js";
import { DEFAULT_CONCURRENCY } from "../model/flow-schema.js";
import { runJq } from "../model/jq.js";
import type { StepState } from "../model/states.js";
import { evaluateExpression, isTruthy, renderValue } from "../model/template.js";
import type { StepContext, StepProgress, StepType } from "../plugins/step-type.js";
import { raceAbort, sleep } from "../model/abort.js";
import { retryDelay } from "./retry.js";
import type { RunContext } from "./run-context.js";
import { hasTemplates, templateContext } from "./template-context.js";

export type StepOutcome =
  | { readonly state: "COMPLETED"; readonly output: unknown }
  | { readonly state: "FAILED"; readonly error: string; readonly ignored: boolean }
  | { readonly state: "SKIPPED"; readonly reason: string }
  | { readonly state: "CANCELLED" };

/**
 * Runs one step of a run from READY to its final state: `when`, `for_each`, the cache, each
 * attempt with its timeout and retry, `jq_expression`, `ignore_errors`. Every state change is
 * written to the store before it is announced.
 */
export async function runStep(run: RunContext, step: StepDefinition): Promise<StepOutcome> {
  const stepType = run.registry.stepType(step.type) as StepType;
  const templated = hasTemplates(step);
  let attempts = 0;
  try {
    if (step.when !== undefined && !whenHolds(step.when, run, templated)) {
      return await skip(run, step.name, `when is false: ${String(step.when)}`);
    }
    await transition(run, step.name, "start", "RUNNING", 0);
    const input = pickInput(run, step);
    const items = step.for_each ? forEachItems(run, step) : undefined;
    let output: unknown;
    if (items === undefined) {
      const result = await runWithAttempts(run, step, stepType, input, undefined, templated);
      attempts = result.attempts;
      output = result.output;
    } else {
      const result = await runItems(run, step, stepType, input, items, templated);
      attempts = result.attempts;
      output = result.outputs;
    }
    run.data[step.result_key ?? step.name] = output;
    await transition(run, step.name, "complete", "COMPLETED", attempts, { output: output ?? null, attempts });
    return { state: "COMPLETED", output };
  } catch (thrown) {
    if (run.signal.aborted || isCancellation(thrown)) {
      await transition(run, step.name, "cancel", "CANCELLED", attempts, { error: "cancelled", attempts });
      return { state: "CANCELLED" };
    }
    const error = run.redact(errorText(thrown));
    const ignored = (step.ignore_errors ?? []).some((pattern) => new RegExp(pattern).test(error));
    await transition(run, step.name, "fail", "FAILED", attempts, {
      error,
      errorIgnored: ignored,
      attempts: Math.max(attempts, 1),
    });
    run.logs.write(
      ignored ? "warn" : "error",
      ignored ? `error ignored (matches ignore_errors): ${error}` : error,
      step.name,
    );
    return { state: "FAILED", error, ignored };
  }
}

/** Marks a READY step SKIPPED with the reason. */
export async function skip(run: RunContext, step: string, reason: string): Promise<StepOutcome> {
  await transition(run, step, "skip", "SKIPPED", 0, { skipReason: reason });
  return { state: "SKIPPED", reason };
}

async function transition(
  run: RunContext,
  step: string,
  name: "start" | "complete" | "fail" | "skip" | "cancel",
  state: StepState,
  attempt: number,
  fields: Parameters<RunContext["store"]["transitionStep"]>[3] = {},
): Promise<void> {
  await run.store.transitionStep(run.runId, step, name, fields);
  run.events.emit({
    type: "step",
    runId: run.runId,
    step,
    state,
    attempt,
    at: new Date().toISOString(),
    ...(fields.error ? { error: fields.error } : {}),
  });
}

function whenHolds(when: string | boolean, run: RunContext, templated: boolean): boolean {
  if (typeof when === "boolean") return when;
  const context = templated ? templateContext(run) : run.data;
  const value = renderValue(when, context);
  if (typeof value === "string") {
    const text = value.trim().toLowerCase();
    if (text === "false" || text === "none" || text === "null" || text === "0" || text === "") return false;
    if (text === "true") return true;
    // Seed 003 also allows a bare expression such as `issues | length > 0`.
    if (!when.includes("{{")) return isTruthy(evaluateExpression(when, context));
  }
  return isTruthy(value);
}

function pickInput(run: RunContext, step: StepDefinition): unknown {
  const blockKey = (step.options as { data_key?: unknown } | undefined)?.data_key;
  const key = typeof blockKey === "string" ? blockKey : step.data_key;
  if (key === undefined) return undefined;
  if (Array.isArray(key)) return Object.fromEntries(key.map((k) => [k, dataValue(run, k)]));
  return dataValue(run, key as string);
}

function dataValue(run: RunContext, key: string): unknown {
  if (!Object.hasOwn(run.data, key)) {
    const present = Object.keys(run.data).slice(0, 20);
    throw new OctoflowError("STEP_FAILED", `data_key "${key}" is not in the run's data`, {
      hint: present.length
        ? `keys present: ${present.join(", ")}`
        : "the run's data is empty: set result_key on an earlier step or pass --input",
    });
  }
  return run.data[key];
}

function forEachItems(run: RunContext, step: StepDefinition): unknown[] {
  const spec = (step.for_each as { items: unknown }).items;
  // A bare name is a key of the run's data, like data_key.
  const items =
    typeof spec === "string" && !spec.includes("{{") && Object.hasOwn(run.data, spec)
      ? run.data[spec]
      : renderValue(spec, templateContext(run));
  if (!Array.isArray(items)) {
    throw new OctoflowError(
      "STEP_FAILED",
      `for_each must give a list, got ${items === null ? "null" : typeof items}`,
      {
        hint: 'write a list, or a template that gives one, e.g. for_each: "{{ issues }}"',
      },
    );
  }
  return items;
}

async function runItems(
  run: RunContext,
  step: StepDefinition,
  stepType: StepType,
  input: unknown,
  items: readonly unknown[],
  templated: boolean,
): Promise<{ outputs: unknown[]; attempts: number }> {
  const outputs: unknown[] = new Array(items.length);
  const failures: string[] = [];
  let attempts = 0;
  let next = 0;
  let done = 0;
  const limit = step.for_each?.concurrency ?? run.flow.concurrency ?? DEFAULT_CONCURRENCY;
  const worker = async (): Promise<void> => {
    while (next < items.length && !run.signal.aborted) {
      const index = next++;
      try {
        const result = await runWithAttempts(
          run,
          step,
          stepType,
          input,
          { index, value: items[index] },
          templated,
        );
        outputs[index] = result.output;
        attempts = Math.max(attempts, result.attempts);
      } catch (error) {
        if (isCancellation(error) || run.signal.aborted) throw error;
        failures.push(`item ${index}: ${errorText(error)}`);
      }
      run.reportProgress(step.name, (++done / items.length) * 100);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (run.signal.aborted) throw run.signal.reason;
  if (failures.length > 0) {
    const shown = failures.slice(0, 5).join("; ");
    throw new OctoflowError(
      "STEP_FAILED",
      `${failures.length} of ${items.length} items failed: ${shown}${failures.length > 5 ? "; …" : ""}`,
    );
  }
  return { outputs, attempts };
}

type Item = { readonly index: number; readonly value: unknown };

async function runWithAttempts(
  run: RunContext,
  step: StepDefinition,
  stepType: StepType,
  input: unknown,
  item: Item | undefined,
  templated: boolean,
): Promise<{ output: unknown; attempts: number }> {
  const context = templated ? templateContext(run, item) : undefined;
  const options = context ? renderOptions(step, stepType, context) : step.options;
  const cacheKey = step.cache ? cacheKeyOf(run, step, options, input, item, context) : undefined;
  if (cacheKey) {
    const cached = await run.store.getCachedOutput(cacheKey);
    if (cached) {
      run.logs.write("info", "output taken from the cache", step.name, item?.index);
      return { output: cached.output, attempts: 0 };
    }
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const output = await runAttempt(run, step, stepType, input, options, item, attempt);
      if (cacheKey) await run.store.putCachedOutput(cacheKey, output, step.cache?.ttl);
      return { output, attempts: attempt };
    } catch (error) {
      const delay = run.signal.aborted ? undefined : retryDelay(step.retry, attempt, error);
      if (delay === undefined) throw error;
      run.logs.write(
        "warn",
        `attempt ${attempt} failed, trying again in ${delay} ms: ${errorText(error)}`,
        step.name,
        item?.index,
      );
      await sleep(delay, run.signal);
    }
  }
}

async function runAttempt(
  run: RunContext,
  step: StepDefinition,
  stepType: StepType,
  input: unknown,
  options: unknown,
  item: Item | undefined,
  attempt: number,
): Promise<unknown> {
  const stepRunId = await run.store.startStepRun({
    runId: run.runId,
    stepName: step.name,
    itemIndex: item?.index ?? null,
    attempt,
  });
  const attemptController = new AbortController();
  const signal = AbortSignal.any([run.signal, attemptController.signal]);
  const timer =
    step.timeout === undefined
      ? undefined
      : setTimeout(
          () =>
            attemptController.abort(
              new OctoflowError("STEP_TIMEOUT", `step "${step.name}" timed out after ${step.timeout} ms`, {
                hint: "raise `timeout`, or add `retry` if the work is sometimes slow",
              }),
            ),
          step.timeout,
        );
  const context: StepContext = {
    run: { id: run.runId, flow: run.flow.name },
    step: { name: step.name, attempt, ...(item ? { item } : {}) },
    data: run.data,
    log: run.logs.forStep(step.name, item?.index),
    progress: (progress: StepProgress) => {
      if (!item) run.reportProgress(step.name, toPercent(progress));
    },
    signal,
    flowDirectory: run.flowDirectory,
    paths: run.paths,
    secrets: run.secrets,
    subflows: run.subflows(step.name, signal),
    connections: run.connections,
  };
  try {
    let output = await raceAbort(
      Promise.resolve().then(() => stepType.run({ input, options, context })),
      signal,
    );
    if (step.jq_expression !== undefined) output = await applyJq(step.jq_expression, output, signal);
    await run.store.finishStepRun(stepRunId, "COMPLETED");
    return output;
  } catch (thrown) {
    const error = signal.aborted && !run.signal.aborted ? signal.reason : coerceError(thrown);
    const cancelled = run.signal.aborted;
    await run.store.finishStepRun(
      stepRunId,
      cancelled ? "CANCELLED" : "FAILED",
      cancelled ? "cancelled" : run.redact(errorText(error)),
    );
    throw cancelled ? run.signal.reason : error;
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Seed 003: the jq expression's single result replaces the output; several results become a list. */
async function applyJq(expression: string, output: unknown, signal: AbortSignal): Promise<unknown> {
  const results = await runJq(expression, output ?? null, { signal });
  return results.length === 1 ? results[0] : results.length === 0 ? null : results;
}

function renderOptions(step: StepDefinition, stepType: StepType, context: Record<string, unknown>): unknown {
  const raw = stepType.rawOptions ?? [];
  const options = step.options;
  if (raw.length === 0 || options === null || typeof options !== "object")
    return renderValue(options, context);
  const rendered: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options))
    rendered[key] = raw.includes(key) ? value : renderValue(value, context);
  return rendered;
}

function cacheKeyOf(
  run: RunContext,
  step: StepDefinition,
  options: unknown,
  input: unknown,
  item: Item | undefined,
  context: Record<string, unknown> | undefined,
): string {
  const custom = step.cache?.key;
  const basis = custom
    ? renderValue(custom, context ?? templateContext(run, item))
    : { type: step.type, options, input, item: item?.value, jq: step.jq_expression };
  return createHash("sha256")
    .update(JSON.stringify([run.flow.name, step.name, basis]))
    .digest("hex");
}

function toPercent(progress: StepProgress): number {
  const fraction =
    typeof progress === "number" ? progress : progress.total > 0 ? progress.done / progress.total : 0;
  return Math.max(0, Math.min(100, fraction * 100));
}
