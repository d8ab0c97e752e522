import { resultKeys } from "../cli/app.js";
import { isFinalRunState } from "../model/states.js";
import { reportRun, duration } from "../services/run-report.js";
import type { RunReport } from "../services/run-report.js";
import { prepareInput } from "../services/flow-input.js";
import type { FlowInputRecord, RunRecord, RunSelection } from "../store/store.js";
import type { ServerContext } from "./context.js";
import { ApiError } from "./errors.js";

/**
 * What the routes do, written once: the canonical `/api/v1` routes and the seeds' aliases call
 * these and differ only in the shape of their answers.
 */

export interface LaunchOptions {
  readonly flow?: string | undefined;
  readonly input?: Readonly<Record<string, unknown>> | undefined;
  readonly flowInputId?: number | undefined;
  readonly selection?: RunSelection;
  readonly trigger: string;
}

export type RunSummary = ReturnType<typeof runSummary>;
export type RunDetail = Omit<RunReport, "steps" | "errors" | "input" | "data"> & {
  readonly steps: RunReport["steps"][number][];
  readonly errors: string[];
  readonly input: Record<string, unknown>;
  readonly data: Record<string, unknown>;
  readonly progressUtc: string | null;
  readonly flowInputId: number | null;
  readonly error: string | null;
  readonly subRuns: { id: number; flow: string; state: RunRecord["state"]; step: string | null }[];
};

export async function requireRun(ctx: ServerContext, id: number): Promise<RunRecord> {
  const run = await ctx.app.store.getRun(id);
  if (!run)
    throw new ApiError(404, "RUN_NOT_FOUND", `there is no run ${id}`, {
      hint: "list runs with GET /api/v1/runs",
    });
  return run;
}

export async function requireFlowInput(ctx: ServerContext, id: number): Promise<FlowInputRecord> {
  const input = await ctx.app.store.getFlowInput(id);
  if (!input)
    throw new ApiError(404, "FLOW_INPUT_NOT_FOUND", `there is no flow input ${id}`, {
      hint: "create one with POST /api/v1/flow-inputs",
    });
  return input;
}

/** Stores a flow input; when it names a flow, the flow must exist and the arguments fit its inputs. */
/** A flow input as the API answers it, secret values masked. */
export function flowInputView(ctx: ServerContext, input: FlowInputRecord) {
  return ctx.app.secrets.redactValue({
    ...input,
    args: { ...input.args },
    sourceStoreIds: [...input.sourceStoreIds],
  });
}

export async function createFlowInput(
  ctx: ServerContext,
  body: {
    flow?: string | undefined;
    args?: Record<string, unknown> | undefined;
    sourceStoreIds?: string[] | undefined;
    targetStoreId?: string | null | undefined;
  },
): Promise<FlowInputRecord> {
  const args = body.args ?? {};
  if (body.flow !== undefined) prepareInput(await ctx.flows.load(body.flow), args);
  return ctx.app.store.createFlowInput({
    flow: body.flow ?? null,
    args,
    sourceStoreIds: body.sourceStoreIds ?? [],
    targetStoreId: body.targetStoreId ?? null,
  });
}

/** Starts a run and answers at once: the run goes on in the background. */
export async function launchRun(ctx: ServerContext, options: LaunchOptions): Promise<RunRecord> {
  if (ctx.state.shuttingDown)
    throw new ApiError(503, "SHUTTING_DOWN", "the server is shutting down and starts no new runs", {
      hint: "try again once it is back",
    });
  if (options.flowInputId !== undefined && options.input !== undefined) {
    throw new ApiError(400, "INPUT_INVALID", "body.input: give either `input` or `flow_input_id`, not both");
  }
  const selection = options.selection ?? {};
  if ((selection.withUpstream || selection.withDownstream) && !selection.only?.length) {
    throw new ApiError(
      400,
      "INPUT_INVALID",
      "body.with_upstream: with_upstream and with_downstream need `only`",
      { hint: "name the steps in `only`" },
    );
  }
  let reference = options.flow;
  if (options.flowInputId !== undefined)
    reference ??= (await requireFlowInput(ctx, options.flowInputId)).flow ?? undefined;
  if (reference === undefined) {
    throw new ApiError(400, "INPUT_INVALID", "body.flow: name the flow to run", {
      hint: "give `flow`, or a `flow_input_id` whose input names a flow",
    });
  }
  const flow = await ctx.flows.load(reference);
  const request = {
    flow,
    selection,
    trigger: options.trigger,
    ...(options.flowInputId === undefined
      ? { args: options.input ?? {} }
      : { flowInputId: options.flowInputId }),
  };
  let outcome = await ctx.launcher.launch(request);
  // A run's lock is released just after its final state is written: a client that saw the run
  // end and launches again at once must not be told the flow is still running.
  for (
    let wait = 0;
    outcome.skipped && wait < LOCK_RELEASE_WAITS && (await holderEnded(ctx, outcome.heldBy?.runId));
    wait++
  ) {
    await new Promise((resolve) => setTimeout(resolve, 25));
    outcome = await ctx.launcher.launch(request);
  }
  if (outcome.skipped) {
    throw new ApiError(409, "FLOW_RUNNING", outcome.reason, {
      hint: "wait for that run to end, or give the flow `lock: queue` (wait its turn) or `lock: allow` (run at once)",
      details: { flow: flow.name, heldByRun: outcome.heldBy?.runId ?? null },
    });
  }
  const { run, done } = outcome.started;
  done.catch((error: unknown) =>
    ctx.log.error(
      { runId: run.id, err: ctx.app.secrets.redact(String(error)) },
      "run failed inside the executor",
    ),
  );
  ctx.log.info(
    { runId: run.id, flow: flow.name, trigger: options.trigger, state: run.state },
    "run launched",
  );
  return run;
}

const LOCK_RELEASE_WAITS = 40;

async function holderEnded(ctx: ServerContext, runId: number | null | undefined): Promise<boolean> {
  if (runId === null || runId === undefined) return false;
  const holder = await ctx.app.store.getRun(runId);
  return holder !== undefined && isFinalRunState(holder.state);
}

export function runSummary(run: RunRecord) {
  return {
    id: run.id,
    flow: run.flowName,
    state: run.state,
    progress: Math.round(run.progress * 10) / 10,
    createdUtc: run.createdUtc,
    startedUtc: run.startedUtc,
    endedUtc: run.endedUtc,
    durationMs: duration(run.startedUtc, run.endedUtc),
    parentRunId: run.parentRunId,
    trigger: run.trigger,
    error: run.error,
  };
}

export function runLinks(id: number) {
  const self = `/api/v1/runs/${id}`;
  return { self, events: `${self}/events`, logs: `${self}/logs`, cancel: `${self}/cancel` };
}

const keysByHash = new Map<string, ReadonlyMap<string, string>>();

/** The run with steps, progress, data, errors and sub-runs; secret values masked. */
export async function runDetail(ctx: ServerContext, run: RunRecord): Promise<RunDetail> {
  const cached = ctx.reports.get(run) as RunDetail | undefined;
  return cached ?? (ctx.reports.set(run, await buildRunDetail(ctx, run)) as RunDetail);
}

async function buildRunDetail(ctx: ServerContext, run: RunRecord): Promise<RunDetail> {
  const { store, secrets } = ctx.app;
  let keys = keysByHash.get(run.flowHash);
  if (!keys) {
    // A flow's hash is its content: its result keys never change, and parsing a large definition per request would be waste.
    keys = resultKeys(await store.getFlow(run.flowHash));
    if (keysByHash.size > 1000) keysByHash.clear();
    keysByHash.set(run.flowHash, keys);
  }
  const report = await reportRun(store, run, keys);
  const children = await store.listRuns({ parentRunId: run.id, limit: 1000 });
  return secrets.redactValue({
    ...report,
    steps: [...report.steps],
    errors: [...report.errors],
    input: { ...report.input },
    data: { ...report.data },
    progressUtc: run.progressUtc,
    flowInputId: run.flowInputId,
    error: run.error,
    subRuns: children.map((c) => ({ id: c.id, flow: c.flowName, state: c.state, step: c.parentStep })),
  });
}

/**
 * Cancels a run this server executes and waits briefly for it to end, so the answer usually
 * shows CANCELLED. 409 when it already ended or runs in another process.
 */
export async function cancelRun(
  ctx: ServerContext,
  id: number,
  reason = "cancelled through the API",
): Promise<RunRecord> {
  let run = await requireRun(ctx, id);
  for (let attempt = 0; ; attempt++) {
    if (isFinalRunState(run.state))
      throw new ApiError(409, "RUN_ENDED", `run ${id} already ended ${run.state}`);
    if (ctx.app.runs.cancel(id, reason)) break;
    // Between its start transition and its executor taking it, a run of ours has no controller yet.
    if (run.owner !== ctx.app.runs.owner || attempt >= 20) {
      throw new ApiError(409, "RUN_NOT_HERE", `run ${id} is ${run.state} but not executed by this server`, {
        hint: run.owner ? `it runs in process ${run.owner}` : "it may be waiting for a lock or a worker",
      });
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
    run = await requireRun(ctx, id);
  }
  return waitForEnd(ctx, id, 5_000);
}

/** Resolves with the run once it is final, or as it is after `ms`. */
export async function waitForEnd(ctx: ServerContext, id: number, ms: number): Promise<RunRecord> {
  await new Promise<void>((resolve) => {
    const timer = setTimeout(finish, ms);
    const unsubscribe = ctx.app.events.subscribe((event) => {
      if (event.type === "run" && event.runId === id && isFinalRunState(event.state)) finish();
    });
    void requireRun(ctx, id).then((run) => isFinalRunState(run.state) && finish(), finish);
    function finish(): void {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    }
  });
  return requireRun(ctx, id);
}

/** Goes on with a FAILED or CANCELLED run from its completed steps. */
export async function resumeRun(ctx: ServerContext, id: number): Promise<RunRecord> {
  if (ctx.state.shuttingDown)
    throw new ApiError(503, "SHUTTING_DOWN", "the server is shutting down and starts no new runs");
  await requireRun(ctx, id);
  const outcome = await ctx.launcher.resume(id);
  if (outcome.skipped) {
    throw new ApiError(409, "FLOW_RUNNING", outcome.reason, {
      hint: "wait for that run to end, then resume again",
      details: { heldByRun: outcome.heldBy?.runId ?? null },
    });
  }
  const started = outcome.started;
  started.done.catch((error: unknown) =>
    ctx.log.error(
      { runId: id, err: ctx.app.secrets.redact(String(error)) },
      "resumed run failed inside the executor",
    ),
  );
  return started.run;
}
