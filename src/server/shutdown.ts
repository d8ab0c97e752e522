import type { RunRecord } from "../store/store.js";
import type { OctoflowServer } from "./app.js";

export interface ShutdownOptions {
  /** How long running runs may go on before they are cancelled (default 10 s). */
  readonly graceMs?: number;
  /** How long cancelled runs get to stop before they are marked CANCELLED regardless (default 5 s). */
  readonly cancelMs?: number;
}

const POLL_MS = 50;

/**
 * Shuts the server down without leaving a run RUNNING:
 * 1. refuse new runs (503) and stop the scheduler; stop accepting connections;
 * 2. let running runs finish for up to `graceMs`;
 * 3. cancel the rest (they can be resumed) and give them `cancelMs` to stop;
 * 4. mark any run still open CANCELLED in the store (a step that ignores its abort signal);
 * 5. end the event streams and close the HTTP side.
 * The caller closes the store afterwards: resources are released in reverse order.
 *
 * @example await shutdownServer(server, { graceMs: 10_000 }); await app.close();
 */
export async function shutdownServer(
  server: OctoflowServer,
  options: ShutdownOptions = {},
): Promise<{ finished: number; cancelled: number }> {
  const { context } = server;
  const { app, log } = context;
  context.state.shuttingDown = true;
  await server.stopScheduler();
  server.stopAccepting();

  const ours = async (): Promise<RunRecord[]> =>
    (await app.store.listUnfinishedRuns()).filter((run) => run.owner === app.runs.owner);
  const initial = (await ours()).length;
  log.info(
    { running: initial, graceMs: options.graceMs ?? 10_000 },
    "shutting down: waiting for running runs",
  );
  let left = await waitUntilNone(ours, options.graceMs ?? 10_000);
  let cancelled = 0;
  if (left.length > 0) {
    cancelled = left.length;
    log.warn({ runs: left.map((r) => r.id) }, "grace period over: cancelling the runs still going");
    app.runs.cancelAll(
      "cancelled because the octoflow server shut down; resume it with `octoflow resume <run id>` or POST /api/v1/runs/{id}/resume",
    );
    left = await waitUntilNone(ours, options.cancelMs ?? 5_000);
  }
  for (const run of left) {
    // A step that ignores its abort signal cannot hold the shutdown: record the run as cancelled.
    const reason = `cancelled because the octoflow server shut down while a step did not stop; resume it with \`octoflow resume ${run.id}\``;
    await app.store.failOpenStepRuns(run.id, "interrupted: the server shut down");
    if (await app.store.transitionRun(run.id, "cancel", { error: reason })) {
      app.events.emit({
        type: "run",
        runId: run.id,
        state: "CANCELLED",
        error: reason,
        at: new Date().toISOString(),
      });
    }
  }
  await server.close();
  log.info({ finished: initial - cancelled, cancelled }, "shut down");
  return { finished: initial - cancelled, cancelled };
}

async function waitUntilNone(list: () => Promise<RunRecord[]>, ms: number): Promise<RunRecord[]> {
  const end = Date.now() + ms;
  for (;;) {
    const runs = await list();
    if (runs.length === 0 || Date.now() >= end) return runs;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
