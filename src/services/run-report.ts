import type { RunState, StepState } from "../model/states.js";
import type { RunRecord, RunStepRecord, Store } from "../store/store.js";

/** A run as shown to people and programs (`run --json`, `runs show`, the API). */
export interface RunReport {
  readonly id: number;
  readonly flow: string;
  readonly flowHash: string;
  readonly state: RunState;
  readonly progress: number;
  readonly createdUtc: string;
  readonly startedUtc: string | null;
  readonly endedUtc: string | null;
  readonly durationMs: number | null;
  readonly parentRunId: number | null;
  readonly trigger: string;
  readonly input: Readonly<Record<string, unknown>>;
  readonly steps: readonly StepReport[];
  /** The output of each completed step under its result_key. */
  readonly data: Readonly<Record<string, unknown>>;
  readonly errors: readonly string[];
}

export interface StepReport {
  readonly name: string;
  readonly state: StepState;
  readonly attempts: number;
  readonly error: string | null;
  readonly errorIgnored: boolean;
  readonly skipReason: string | null;
  readonly startedUtc: string | null;
  readonly endedUtc: string | null;
  readonly durationMs: number | null;
}

/**
 * Builds the report of a run from the store; `resultKeys` maps step names to their result_key.
 * `redact` masks secret values in the data, input and errors, which leave the process from here.
 */
export async function reportRun(
  store: Store,
  run: RunRecord,
  resultKeys: ReadonlyMap<string, string> = new Map(),
  redact: <T>(value: T) => T = (value) => value,
): Promise<RunReport> {
  const steps = await store.getRunSteps(run.id);
  const input = run.flowInputId === null ? {} : ((await store.getFlowInput(run.flowInputId))?.args ?? {});
  const data: Record<string, unknown> = {};
  for (const step of steps)
    if (step.state === "COMPLETED" && step.hasOutput)
      data[resultKeys.get(step.name) ?? step.name] = step.output;
  const errors = [
    ...(run.error ? [run.error] : []),
    ...steps
      .filter((s) => s.error && s.state === "FAILED")
      .map((s) => `${s.name}: ${s.error}${s.errorIgnored ? " (ignored)" : ""}`),
  ];
  return {
    id: run.id,
    flow: run.flowName,
    flowHash: run.flowHash,
    state: run.state,
    progress: Math.round(run.progress * 10) / 10,
    createdUtc: run.createdUtc,
    startedUtc: run.startedUtc,
    endedUtc: run.endedUtc,
    durationMs: duration(run.startedUtc, run.endedUtc),
    parentRunId: run.parentRunId,
    trigger: run.trigger,
    input: redact(input),
    steps: steps.map(stepReport),
    data: redact(data),
    errors: redact(errors),
  };
}

function stepReport(step: RunStepRecord): StepReport {
  return {
    name: step.name,
    state: step.state,
    attempts: step.attempts,
    error: step.error,
    errorIgnored: step.errorIgnored,
    skipReason: step.skipReason,
    startedUtc: step.startedUtc,
    endedUtc: step.endedUtc,
    durationMs: duration(step.startedUtc, step.endedUtc),
  };
}

export function duration(start: string | null, end: string | null): number | null {
  return start && end ? Date.parse(end) - Date.parse(start) : null;
}
