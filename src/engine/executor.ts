import type { FlowDefinition } from "../model/flow-schema.js";
import { DEFAULT_CONCURRENCY } from "../model/flow-schema.js";
import type { RunState } from "../model/states.js";
import type { RunRecord } from "../store/store.js";
import type { RunContext, RunSetup } from "./run-context.js";
import { RunLogWriter } from "./run-context.js";
import type { StepOutcome } from "./step-runner.js";
import { runStep, skip } from "./step-runner.js";

/** How often the owner of a RUNNING run says it is alive. */
const HEARTBEAT_MS = 5_000;
/** Run progress is written at most this often; every change is still announced as an event. */
const PROGRESS_WRITE_MS = 200;

/**
 * Runs the READY steps of a RUNNING run in dependency order, independent steps in parallel up to
 * the flow's concurrency, and ends the run COMPLETED, FAILED or CANCELLED. Steps already
 * COMPLETED (a resumed run) count as done and keep their output in the run's data.
 *
 * A failed step fails the run and its downstream steps are SKIPPED, unless its error matched
 * `ignore_errors`; branches that do not depend on it go on.
 */
export async function executeRun(setup: RunSetup, owner: string): Promise<RunRecord> {
  const steps = await setup.store.getRunSteps(setup.runId);
  const progress = new ProgressTracker(
    setup,
    steps.length,
    steps.filter((s) => s.state === "COMPLETED").length,
  );
  const run: RunContext = {
    ...setup,
    logs: new RunLogWriter(setup.store, setup.events, setup.runId, setup.redact),
    reportProgress: (step, percent) => progress.stepProgress(step, percent),
  };
  const definitions = new Map(run.flow.steps.map((step) => [step.name, step]));
  const selected = new Set(steps.map((step) => step.name));
  const upstream = selectedUpstream(run.flow, selected);
  const downstream = new Map<string, string[]>([...selected].map((name) => [name, []]));
  for (const [name, ups] of upstream) for (const up of ups) downstream.get(up)?.push(name);

  const outcome = new Map<string, StepOutcome["state"]>();
  const blocked = new Map<string, string>();
  const waiting = new Map<string, number>();
  for (const step of steps) {
    if (step.state === "COMPLETED") outcome.set(step.name, "COMPLETED");
  }
  const ready: string[] = [];
  for (const step of steps) {
    if (outcome.has(step.name)) continue;
    const pending = (upstream.get(step.name) ?? []).filter((up) => !outcome.has(up)).length;
    waiting.set(step.name, pending);
    if (pending === 0) ready.push(step.name);
  }

  const heartbeat = setInterval(
    () => void run.store.heartbeat(run.runId, owner).catch(() => undefined),
    HEARTBEAT_MS,
  );
  heartbeat.unref();

  const limit = run.flow.concurrency ?? DEFAULT_CONCURRENCY;
  const running = new Set<Promise<void>>();
  let failure: string | undefined;

  const settle = (name: string, state: StepOutcome["state"], failedIgnored = false): void => {
    outcome.set(name, state);
    // Cancelled steps did no work: a cancelled run shows how far it really got.
    if (state !== "CANCELLED") progress.stepDone(name);
    const blocks =
      (state === "FAILED" && !failedIgnored) ||
      state === "CANCELLED" ||
      (state === "SKIPPED" && blocked.has(name));
    for (const child of downstream.get(name) ?? []) {
      if (blocks && !blocked.has(child)) blocked.set(child, blocked.get(name) ?? name);
      const left = (waiting.get(child) as number) - 1;
      waiting.set(child, left);
      if (left === 0) ready.push(child);
    }
  };

  const launch = (name: string): Promise<void> => {
    const task = (async () => {
      const root = blocked.get(name);
      if (run.signal.aborted) {
        await run.store.transitionStep(run.runId, name, "cancel", { error: "cancelled before it started" });
        run.events.emit({
          type: "step",
          runId: run.runId,
          step: name,
          state: "CANCELLED",
          attempt: 0,
          at: new Date().toISOString(),
        });
        return settle(name, "CANCELLED");
      }
      if (root !== undefined) {
        await skip(run, name, `upstream step "${root}" did not complete`);
        return settle(name, "SKIPPED");
      }
      const result = await runStep(
        run,
        definitions.get(name) as NonNullable<ReturnType<typeof definitions.get>>,
      );
      if (result.state === "FAILED" && !result.ignored && failure === undefined)
        failure = `step "${name}" failed: ${result.error}`;
      settle(name, result.state, result.state === "FAILED" && result.ignored);
    })();
    const tracked = task.finally(() => running.delete(tracked));
    running.add(tracked);
    return tracked;
  };

  try {
    while (ready.length > 0 || running.size > 0) {
      while (ready.length > 0 && (running.size < limit || run.signal.aborted)) {
        // Skips and cancellations take no slot: they finish at once.
        void launch(ready.shift() as string);
      }
      if (running.size > 0) await Promise.race(running);
    }
  } finally {
    clearInterval(heartbeat);
  }
  await run.logs.flush();
  return finishRun(run, failure, progress);
}

async function finishRun(
  run: RunContext,
  failure: string | undefined,
  progress: ProgressTracker,
): Promise<RunRecord> {
  let state: RunState;
  if (run.signal.aborted) {
    state = "CANCELLED";
    const reason = run.signal.reason instanceof Error ? run.signal.reason.message : "cancelled";
    await progress.flush();
    await run.store.transitionRun(run.runId, "cancel", { error: reason });
  } else if (failure !== undefined) {
    state = "FAILED";
    await progress.flush();
    await run.store.transitionRun(run.runId, "fail", { error: failure });
  } else {
    state = "COMPLETED";
    await run.store.transitionRun(run.runId, "complete");
  }
  const record = (await run.store.getRun(run.runId)) as RunRecord;
  run.events.emit({
    type: "run",
    runId: run.runId,
    state: record.state,
    at: record.endedUtc ?? new Date().toISOString(),
    ...(record.error ? { error: record.error } : {}),
  });
  if (record.state !== state)
    run.logs.write("warn", `run ended ${record.state} (another process changed it)`);
  return record;
}

/** Upstream edges between selected steps only: a step whose upstream is not selected does not wait for it. */
function selectedUpstream(flow: FlowDefinition, selected: ReadonlySet<string>): Map<string, string[]> {
  const result = new Map<string, string[]>();
  let previous: string | undefined;
  for (const step of flow.steps) {
    const needs = step.needs ?? (previous === undefined ? [] : [previous]);
    previous = step.name;
    if (selected.has(step.name))
      result.set(
        step.name,
        [...new Set(needs)].filter((name) => selected.has(name)),
      );
  }
  return result;
}

/** Derives the run's progress from its steps: done steps count whole, running ones by their own progress. */
class ProgressTracker {
  readonly #run: Pick<RunSetup, "store" | "events" | "runId">;
  readonly #total: number;
  #done: number;
  readonly #partial = new Map<string, number>();
  #lastWrite = 0;
  #percent = 0;

  constructor(run: Pick<RunSetup, "store" | "events" | "runId">, total: number, done: number) {
    this.#run = run;
    this.#total = Math.max(total, 1);
    this.#done = done;
  }

  stepProgress(step: string, percent: number): void {
    this.#partial.set(step, percent);
    this.#update(step);
  }

  stepDone(step: string): void {
    this.#partial.delete(step);
    this.#done++;
    this.#update();
  }

  #update(step?: string): void {
    let partial = 0;
    for (const value of this.#partial.values()) partial += value / 100;
    const percent = Math.min(100, ((this.#done + partial) / this.#total) * 100);
    if (percent === this.#percent && step === undefined) return;
    this.#percent = percent;
    const now = Date.now();
    if (now - this.#lastWrite >= PROGRESS_WRITE_MS) {
      this.#lastWrite = now;
      const { store, runId } = this.#run;
      void store.setRunProgress(runId, percent).catch(() => undefined);
      if (step !== undefined)
        void store.setStepProgress(runId, step, this.#partial.get(step) ?? 0).catch(() => undefined);
    }
    this.#run.events.emit({
      type: "progress",
      runId: this.#run.runId,
      progress: percent,
      at: new Date(now).toISOString(),
      ...(step === undefined ? {} : { step }),
    });
  }

  async flush(): Promise<void> {
    await this.#run.store.setRunProgress(this.#run.runId, this.#percent);
  }
}
