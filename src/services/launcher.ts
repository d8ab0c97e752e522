import { errorText } from "../model/errors.js";
import type { RunRecord } from "../store/store.js";
import type { LockInfo, LockManager } from "./locks.js";
import type { LaunchRequest, PreparedRun, RunService, StartedRun } from "./runs.js";

/** What became of a launch under the flow's `lock` policy. */
export type LaunchOutcome = LaunchStarted | LaunchSkipped;

export interface LaunchStarted {
  readonly skipped: false;
  readonly started: StartedRun;
  /** Set when the run waits READY for this lock (policy `queue`); it starts once the lock is free. */
  readonly queuedBehind?: LockInfo;
}

export interface LaunchSkipped {
  readonly skipped: true;
  /** e.g. "flow jira-export is already running as run 12". */
  readonly reason: string;
  readonly heldBy: LockInfo | undefined;
}

export interface FlowLauncherOptions {
  readonly runs: RunService;
  readonly locks: LockManager;
  /** How often a queued run says its process is alive (default 5 s, like a RUNNING run). */
  readonly heartbeatMs?: number;
}

/**
 * Launches runs under their flow's `lock` policy (seed 003's locks):
 * - `skip` (default): while the flow holds a lock, no run is created and the outcome says why.
 * - `queue`: the run is created READY at once (so the queue is visible and the run can be
 *   cancelled), waits for the lock, and starts when it is free; waiting launches of one process
 *   start in the order they came.
 * - `allow`: no lock.
 *
 * The lock is taken with the run's id and released when the run ends in any state, or when
 * starting it fails. Sub-runs (a request with `parent`) never take or wait for a lock: they run
 * under their top-level run's lock, so a flow step is not blocked by the run that called it.
 *
 * @example
 * const outcome = await launcher.launch({ flow, trigger: "schedule" });
 * if (outcome.skipped) log(`skipped: ${outcome.reason}`);
 * else await outcome.started.done;
 */
export class FlowLauncher {
  readonly #runs: RunService;
  readonly #locks: LockManager;
  readonly #heartbeatMs: number;

  constructor(options: FlowLauncherOptions) {
    this.#runs = options.runs;
    this.#locks = options.locks;
    this.#heartbeatMs = options.heartbeatMs ?? 5_000;
  }

  async launch(request: LaunchRequest): Promise<LaunchOutcome> {
    const policy = request.flow.lock ?? "skip";
    if (policy === "allow" || request.parent)
      return { skipped: false, started: await this.#runs.launch(request) };
    const flow = request.flow.name;
    if (policy === "skip") {
      // Looking first spares a run record for the usual skip; the acquire below settles races.
      const held = await this.#locks.get(flow);
      if (held && held.ownerAlive !== false) return this.#skipped(flow, held);
    }
    const prepared = await this.#runs.prepare(request);
    let acquired = false;
    try {
      acquired = await this.#locks.acquire(flow, prepared.run.id);
    } catch (error) {
      await prepared.abandon(`could not take the lock of flow ${flow}: ${errorText(error)}`);
      throw error;
    }
    if (acquired) return { skipped: false, started: await this.#start(prepared, flow) };
    const held = await this.#locks.get(flow);
    if (policy === "skip") {
      const outcome = this.#skipped(flow, held);
      await prepared.abandon(`skipped: ${outcome.reason}`);
      return outcome;
    }
    const done = this.#waitThenRun(prepared, flow);
    return {
      skipped: false,
      started: { run: prepared.run, data: prepared.data, done },
      ...(held ? { queuedBehind: held } : {}),
    };
  }

  /**
   * Resumes a FAILED or CANCELLED run under its flow's lock. A resume does not wait its turn: with
   * `skip` or `queue` it is refused while another run of the flow holds the lock.
   */
  async resume(runId: number): Promise<LaunchOutcome> {
    const { run, flow } = await this.#runs.runWithFlow(runId);
    if ((flow.lock ?? "skip") === "allow" || run.parentRunId !== null) {
      return { skipped: false, started: await this.#runs.resume(runId) };
    }
    if (!(await this.#locks.acquire(flow.name, runId)))
      return this.#skipped(flow.name, await this.#locks.get(flow.name));
    let started: StartedRun;
    try {
      started = await this.#runs.resume(runId);
    } catch (error) {
      await this.#release(flow.name, runId);
      throw error;
    }
    return {
      skipped: false,
      started: { ...started, done: started.done.finally(() => this.#release(flow.name, runId)) },
    };
  }

  async #start(prepared: PreparedRun, flow: string): Promise<StartedRun> {
    const runId = prepared.run.id;
    let started: StartedRun;
    try {
      started = await prepared.start();
    } catch (error) {
      await this.#release(flow, runId);
      throw error;
    }
    return { ...started, done: started.done.finally(() => this.#release(flow, runId)) };
  }

  async #waitThenRun(prepared: PreparedRun, flow: string): Promise<RunRecord> {
    const heartbeat = setInterval(() => void prepared.heartbeat().catch(() => undefined), this.#heartbeatMs);
    heartbeat.unref();
    try {
      await this.#locks.wait(flow, prepared.run.id, prepared.signal);
    } catch (error) {
      const reason = prepared.signal.aborted
        ? errorText(prepared.signal.reason)
        : `waiting for the lock of flow ${flow} failed: ${errorText(error)}`;
      return prepared.abandon(reason);
    } finally {
      clearInterval(heartbeat);
    }
    return (await this.#start(prepared, flow)).done;
  }

  #skipped(flow: string, held: LockInfo | undefined): LaunchSkipped {
    const by = held?.runId != null ? ` as run ${held.runId}` : "";
    const where = held?.owner && held.owner !== this.#locks.owner ? ` (process ${held.owner})` : "";
    return { skipped: true, reason: `flow ${flow} is already running${by}${where}`, heldBy: held };
  }

  /** Release errors are not the run's: the run has ended, and releaseDead or DELETE /api/locks clears what is left. */
  async #release(flow: string, runId: number): Promise<void> {
    await this.#locks.release(flow, runId).catch(() => undefined);
  }
}
