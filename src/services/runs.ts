import { hostname } from "node:os";
import { dirname } from "node:path";
import { executeRun } from "../engine/executor.js";
import { planRun } from "../engine/planner.js";
import type { Redactor } from "../engine/run-context.js";
import { NonRetriableError, OctoflowError } from "../model/errors.js";
import type { RunEventBus } from "../model/events.js";
import { loadFlowText, requireFlowFile } from "../model/flow-loader.js";
import type { FlowDefinition } from "../model/flow-schema.js";
import { validateFlow } from "../model/flow-validator.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type { ConnectionProvider, SecretResolver, StepPaths, SubflowRunner } from "../plugins/step-type.js";
import { noConnections } from "./connections.js";
import { resolveUnder } from "./safe-path.js";
import { emptySecrets } from "./secrets.js";
import type { RunRecord, RunSelection, Store } from "../store/store.js";
import { prepareInput } from "./flow-input.js";

/** A run that a dead process left behind is noticed once its heartbeat is this old. */
const STALE_HEARTBEAT_MS = 60_000;
/** Sub-flows calling sub-flows deeper than this fail: almost always a flow that calls itself. */
export const MAX_SUBFLOW_DEPTH = 10;

export interface LaunchRequest {
  readonly flow: FlowDefinition;
  /** Arguments for the flow's inputs; stored as an immutable flow input. */
  readonly args?: Readonly<Record<string, unknown>>;
  /** An existing flow input to start from instead of `args`. */
  readonly flowInputId?: number;
  readonly selection?: RunSelection;
  readonly trigger?: string;
  readonly parent?: { readonly runId: number; readonly step: string };
}

export interface StartedRun {
  readonly run: RunRecord;
  /** Settles with the final run record. */
  readonly done: Promise<RunRecord>;
  /** The run's data (input and step outputs), complete once `done` settles. */
  readonly data: Readonly<Record<string, unknown>>;
}

/** A run created READY and not yet started (see `RunService.prepare`). */
export interface PreparedRun {
  readonly run: RunRecord;
  readonly data: Readonly<Record<string, unknown>>;
  /** Aborts when the run is cancelled before it starts. */
  readonly signal: AbortSignal;
  /** Starts it; a run cancelled meanwhile is not started and `done` gives it as it is. */
  start(): Promise<StartedRun>;
  /** Ends it CANCELLED with `reason` instead of starting it. */
  abandon(reason: string): Promise<RunRecord>;
  /** Says the owner is alive, so other processes do not take a waiting run for an orphan. */
  heartbeat(): Promise<void>;
}

export interface RunServiceOptions {
  readonly store: Store;
  readonly registry: PluginRegistry;
  readonly events: RunEventBus;
  /** Masks secret values in text that leaves the process (default: none to mask). */
  readonly redact?: Redactor;
  readonly secrets?: SecretResolver;
  /** Default: folders under ./data. */
  readonly paths?: StepPaths;
  /** Default: no connections. */
  readonly connections?: ConnectionProvider;
}

/**
 * Launches, resumes and cancels runs in this process, and recovers runs that a dead process left
 * RUNNING.
 *
 * @example
 * const { run, done } = await runs.launch({ flow, args: { jql: "project = X" } });
 */
export class RunService {
  readonly #options: RunServiceOptions;
  readonly #controllers = new Map<number, AbortController>();
  /** How deep each sub-run this process runs is nested under its top-level run. */
  readonly #depth = new Map<number, number>();
  /** `host:pid`, written on the runs this process owns. */
  readonly owner = `${hostname()}:${process.pid}`;

  constructor(options: RunServiceOptions) {
    this.#options = options;
  }

  /** Creates and starts a run at once. It does not apply the flow's `lock` policy: FlowLauncher (launcher.ts) does. */
  async launch(request: LaunchRequest): Promise<StartedRun> {
    return (await this.prepare(request)).start();
  }

  /**
   * Creates the run READY, owned by this process, without starting it: the lock policy
   * (launcher.ts) decides when it starts. Cancelling the run aborts `signal`.
   */
  async prepare(request: LaunchRequest): Promise<PreparedRun> {
    const { store } = this.#options;
    const plan = planRun(request.flow, request.selection);
    const input = await this.#flowInput(request);
    await store.saveFlow({
      hash: request.flow.source.hash,
      name: request.flow.name,
      file: request.flow.source.file ?? null,
      definition: toJson(request.flow.source.raw),
      text: request.flow.source.text ?? null,
    });
    const run = await store.createRun({
      flowName: request.flow.name,
      flowHash: request.flow.source.hash,
      flowFile: request.flow.source.file ?? null,
      flowInputId: input.id,
      parentRunId: request.parent?.runId ?? null,
      parentStep: request.parent?.step ?? null,
      selection: request.selection ?? {},
      trigger: request.trigger ?? "cli",
      steps: plan.steps,
      owner: this.owner,
    });
    const controller = new AbortController();
    this.#controllers.set(run.id, controller);
    const data = { ...input.args };
    if (request.parent) this.#depth.set(run.id, (this.#depth.get(request.parent.runId) ?? 0) + 1);
    return {
      run,
      data,
      signal: controller.signal,
      start: async () => {
        if (!(await store.transitionRun(run.id, "start", { owner: this.owner }))) {
          // Cancelled (or taken for an orphan) before it started: nothing to execute.
          this.#forget(run.id);
          const current = (await store.getRun(run.id)) as RunRecord;
          return { run: current, data, done: Promise.resolve(current) };
        }
        this.#options.events.emit({
          type: "run",
          runId: run.id,
          state: "RUNNING",
          at: new Date().toISOString(),
        });
        const started = (await store.getRun(run.id)) as RunRecord;
        return { run: started, data, done: this.#execute(started, request.flow, data) };
      },
      abandon: async (reason) => {
        this.#forget(run.id);
        if (await store.transitionRun(run.id, "cancel", { error: reason })) {
          this.#options.events.emit({
            type: "run",
            runId: run.id,
            state: "CANCELLED",
            error: reason,
            at: new Date().toISOString(),
          });
        }
        return (await store.getRun(run.id)) as RunRecord;
      },
      heartbeat: () => store.heartbeat(run.id, this.owner),
    };
  }

  /** Goes on with a FAILED or CANCELLED run from its completed steps. */
  /** A run's record and its flow exactly as it started, validated again against today's step types. */
  async runWithFlow(runId: number): Promise<{ run: RunRecord; flow: FlowDefinition }> {
    const run = await this.#requireRun(runId);
    return { run, flow: await this.#storedFlow(run) };
  }

  async resume(runId: number): Promise<StartedRun> {
    const { store } = this.#options;
    await this.recoverOrphans();
    const run = await this.#requireRun(runId);
    if (run.state !== "FAILED" && run.state !== "CANCELLED") {
      throw new OctoflowError(
        "RUN_NOT_RESUMABLE",
        `run ${runId} is ${run.state}; only FAILED or CANCELLED runs can be resumed`,
        {
          hint:
            run.state === "COMPLETED" ? "start a new run instead" : "wait for it to end, or cancel it first",
        },
      );
    }
    const flow = await this.#storedFlow(run);
    const steps = await store.getRunSteps(runId);
    const data: Record<string, unknown> = { ...(await this.#argsOf(run)) };
    const byName = new Map(flow.steps.map((step) => [step.name, step]));
    for (const step of steps) {
      if (step.state === "COMPLETED") {
        const definition = byName.get(step.name);
        if (definition) data[definition.result_key ?? step.name] = step.output;
      } else {
        await store.transitionStep(runId, step.name, "reset");
      }
    }
    if (!(await store.transitionRun(runId, "resume", { owner: this.owner }))) {
      throw new OctoflowError(
        "RUN_NOT_RESUMABLE",
        `run ${runId} changed state while resuming; look at it again`,
      );
    }
    this.#options.events.emit({ type: "run", runId, state: "RUNNING", at: new Date().toISOString() });
    const resumed = (await store.getRun(runId)) as RunRecord;
    return { run: resumed, data, done: this.#execute(resumed, flow, data) };
  }

  /** Cancels a run this process is executing; returns false if it runs elsewhere or has ended. */
  cancel(runId: number, reason = "cancelled by user"): boolean {
    const controller = this.#controllers.get(runId);
    if (!controller) return false;
    controller.abort(new OctoflowError("CANCELLED", reason));
    return true;
  }

  cancelAll(reason: string): void {
    for (const runId of this.#controllers.keys()) this.cancel(runId, reason);
  }

  /**
   * Marks FAILED every unfinished run whose process is gone (same host, pid not alive) or whose
   * heartbeat stopped, with a reason that says what happened and how to go on.
   */
  async recoverOrphans(): Promise<RunRecord[]> {
    const { store } = this.#options;
    const recovered: RunRecord[] = [];
    for (const run of await store.listUnfinishedRuns()) {
      if (this.#controllers.has(run.id) || !isOrphan(run, this.owner)) continue;
      const who = run.owner ? `process ${run.owner.split(":")[1]} on ${run.owner.split(":")[0]}` : "process";
      const reason = `the octoflow ${who} stopped while this run was ${run.state} (killed or crashed); resume it with \`octoflow resume ${run.id}\``;
      await store.failOpenStepRuns(run.id, "interrupted: the process running this step stopped");
      if (await store.transitionRun(run.id, "orphan", { error: reason })) {
        this.#options.events.emit({
          type: "run",
          runId: run.id,
          state: "FAILED",
          error: reason,
          at: new Date().toISOString(),
        });
        recovered.push((await store.getRun(run.id)) as RunRecord);
      }
    }
    return recovered;
  }

  async #execute(run: RunRecord, flow: FlowDefinition, data: Record<string, unknown>): Promise<RunRecord> {
    const controller = this.#controllers.get(run.id) ?? new AbortController();
    this.#controllers.set(run.id, controller);
    try {
      return await executeRun(
        {
          store: this.#options.store,
          events: this.#options.events,
          registry: this.#options.registry,
          runId: run.id,
          flow,
          flowDirectory: flow.source.file ? dirname(flow.source.file) : undefined,
          data,
          signal: controller.signal,
          redact: this.#options.redact ?? ((text) => text),
          paths: this.#paths(),
          secrets: this.#options.secrets ?? emptySecrets,
          connections: this.#options.connections ?? noConnections,
          subflows: (parentStep, signal) => this.#subflowRunner(run.id, parentStep, signal),
        },
        this.owner,
      );
    } finally {
      this.#forget(run.id);
    }
  }

  #forget(runId: number): void {
    this.#controllers.delete(runId);
    this.#depth.delete(runId);
  }

  #paths(): StepPaths {
    return this.#options.paths ?? { data: "data", flows: "data/flows", templates: "data/templates" };
  }

  #subflowRunner(parentRunId: number, parentStep: string, signal: AbortSignal): SubflowRunner {
    return {
      run: async (path, input) => {
        const depth = (this.#depth.get(parentRunId) ?? 0) + 1;
        if (depth > MAX_SUBFLOW_DEPTH) {
          throw new NonRetriableError(
            `sub-flow ${path} would be nested ${depth} levels deep, more than the limit of ${MAX_SUBFLOW_DEPTH}`,
            {
              hint: "a flow probably calls itself; check the `path` of its flow and flow_loop steps",
            },
          );
        }
        const file = resolveUnder(this.#paths().flows, path, "FLOWS_PATH");
        const flow = await requireFlowFile(file, this.#options.registry);
        const args =
          input !== null && typeof input === "object" && !Array.isArray(input)
            ? (input as Record<string, unknown>)
            : { data: input };
        const started = await this.launch({
          flow,
          args,
          trigger: "subflow",
          parent: { runId: parentRunId, step: parentStep },
        });
        const onAbort = (): void => void this.cancel(started.run.id, "the parent run was cancelled");
        signal.addEventListener("abort", onAbort, { once: true });
        let final: RunRecord;
        try {
          final = await started.done;
        } finally {
          signal.removeEventListener("abort", onAbort);
        }
        if (signal.aborted) throw signal.reason;
        if (final.state !== "COMPLETED") {
          throw new OctoflowError(
            "STEP_FAILED",
            `sub-flow ${flow.name} (run ${final.id}) ended ${final.state}${final.error ? `: ${final.error}` : ""}`,
            {
              hint: `see it with \`octoflow runs show ${final.id}\``,
            },
          );
        }
        return started.data;
      },
    };
  }

  async #flowInput(request: LaunchRequest): Promise<{ id: number; args: Readonly<Record<string, unknown>> }> {
    const { store } = this.#options;
    if (request.flowInputId !== undefined) {
      const stored = await store.getFlowInput(request.flowInputId);
      if (!stored)
        throw new OctoflowError("INPUT_INVALID", `flow input ${request.flowInputId} does not exist`);
      return { id: stored.id, args: prepareInput(request.flow, stored.args) };
    }
    const args = prepareInput(request.flow, request.args ?? {});
    const created = await store.createFlowInput({
      flow: request.flow.name,
      args,
      sourceStoreIds: [],
      targetStoreId: null,
    });
    return { id: created.id, args };
  }

  async #argsOf(run: RunRecord): Promise<Readonly<Record<string, unknown>>> {
    if (run.flowInputId === null) return {};
    return (await this.#options.store.getFlowInput(run.flowInputId))?.args ?? {};
  }

  async #requireRun(runId: number): Promise<RunRecord> {
    const run = await this.#options.store.getRun(runId);
    if (!run)
      throw new OctoflowError("RUN_NOT_FOUND", `there is no run ${runId}`, {
        hint: "list runs with `octoflow runs list`",
      });
    return run;
  }

  /** The flow exactly as the run started it, validated again against today's step types. */
  async #storedFlow(run: RunRecord): Promise<FlowDefinition> {
    const stored = await this.#options.store.getFlow(run.flowHash);
    if (!stored)
      throw new OctoflowError(
        "RUN_NOT_RESUMABLE",
        `the definition of run ${run.id}'s flow is missing from the store`,
      );
    const file = stored.file ?? `${stored.name} (stored)`;
    const result = stored.text
      ? await loadFlowText(file, stored.text, this.#options.registry)
      : await validateFlow({ file, value: stored.definition }, this.#options.registry);
    if (!result.ok) {
      throw new OctoflowError(
        "RUN_NOT_RESUMABLE",
        `run ${run.id}'s flow no longer validates: ${result.diagnostics[0]?.message ?? ""}`,
        {
          hint: "a step type it uses may be missing; install the plugin that provides it",
        },
      );
    }
    return result.flow;
  }
}

function isOrphan(run: RunRecord, self: string): boolean {
  const heartbeatAge = run.heartbeatUtc ? Date.now() - Date.parse(run.heartbeatUtc) : Infinity;
  if (!run.owner)
    return run.state === "RUNNING" || Date.now() - Date.parse(run.createdUtc) > STALE_HEARTBEAT_MS;
  const [host, pidText] = run.owner.split(":");
  if (run.owner !== self && host === hostname() && !isAlive(Number(pidText))) return true;
  return run.owner !== self && heartbeatAge > STALE_HEARTBEAT_MS;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

function toJson(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value ?? null, (_key, v: unknown) => (typeof v === "function" ? "[function]" : v)),
  );
}
