import { formatDuration } from "../../model/duration.js";
import { OctoflowError } from "../../model/errors.js";
import type { RunState } from "../../model/states.js";
import { isFinalRunState } from "../../model/states.js";
import { reportRun } from "../../services/run-report.js";
import type { LogRecord } from "../../store/store.js";
import type { App } from "../app.js";
import { resultKeys } from "../app.js";
import { EXIT, formatRunLine, out, printJson } from "../output.js";

const STATES: readonly RunState[] = ["READY", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"];

/** `octoflow runs list`: newest first, with filters. */
export async function listRunsCommand(
  app: App,
  options: { flow?: string; state?: string; limit?: string; before?: string; json?: boolean },
): Promise<number> {
  const state = options.state?.toUpperCase() as RunState | undefined;
  if (state !== undefined && !STATES.includes(state)) {
    throw new OctoflowError("INPUT_INVALID", `--state ${options.state} is not a run state`, {
      hint: `use one of ${STATES.join(", ")}`,
    });
  }
  const limit = options.limit === undefined ? 20 : Number(options.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new OctoflowError("INPUT_INVALID", "--limit must be a whole number from 1 to 1000");
  const runs = await app.store.listRuns({
    ...(options.flow ? { flow: options.flow } : {}),
    ...(state ? { state } : {}),
    ...(options.before ? { beforeId: Number(options.before) } : {}),
    limit,
  });
  if (options.json) {
    printJson(runs);
    return EXIT.ok;
  }
  if (runs.length === 0) out("no runs");
  for (const run of runs) out(formatRunLine({ ...run, flow: run.flowName }));
  return EXIT.ok;
}

/** `octoflow runs show ID`: the run with its steps, errors and data. */
export async function showRunCommand(app: App, runId: number, options: { json?: boolean }): Promise<number> {
  const run = await app.store.getRun(runId);
  if (!run)
    throw new OctoflowError("RUN_NOT_FOUND", `there is no run ${runId}`, {
      hint: "list runs with `octoflow runs list`",
    });
  const report = await reportRun(app.store, run, resultKeys(await app.store.getFlow(run.flowHash)), (value) =>
    app.secrets.redactValue(value),
  );
  const children = (await app.store.listRuns({ parentRunId: runId, limit: 1000 })).reverse();
  if (options.json) {
    printJson({
      ...report,
      subRuns: children.map((c) => ({ id: c.id, flow: c.flowName, state: c.state, step: c.parentStep })),
    });
    return EXIT.ok;
  }
  out(`run ${report.id}  ${report.flow}  ${report.state}  ${report.progress}%`);
  out(
    `  created ${report.createdUtc}${report.durationMs === null ? "" : `, took ${formatDuration(report.durationMs)}`}, trigger ${report.trigger}${report.parentRunId ? `, sub-run of ${report.parentRunId}` : ""}`,
  );
  if (Object.keys(report.input).length) out(`  input ${JSON.stringify(report.input)}`);
  out("  steps:");
  for (const step of report.steps) {
    const took = step.durationMs === null ? "" : ` ${formatDuration(step.durationMs)}`;
    const attempts = step.attempts > 1 ? ` (${step.attempts} attempts)` : "";
    const why = step.error
      ? `: ${step.error}${step.errorIgnored ? " (ignored)" : ""}`
      : step.skipReason
        ? `: ${step.skipReason}`
        : "";
    out(`    ${step.state.padEnd(9)} ${step.name}${took}${attempts}${why}`);
  }
  for (const child of children)
    out(`  sub-run ${child.id} ${child.flowName} ${child.state} (step ${child.parentStep})`);
  if (report.errors.length) out(`  errors:\n${report.errors.map((e) => `    ${e}`).join("\n")}`);
  return EXIT.ok;
}

/** `octoflow runs logs ID [--follow]`: the run's log lines; with --follow, until the run ends. */
export async function runLogsCommand(
  app: App,
  runId: number,
  options: { follow?: boolean; json?: boolean },
): Promise<number> {
  if (!(await app.store.getRun(runId))) throw new OctoflowError("RUN_NOT_FOUND", `there is no run ${runId}`);
  let afterId = 0;
  const print = (log: LogRecord): void => {
    if (options.json) out(JSON.stringify(log));
    else
      out(
        `${log.createdUtc} ${log.level.padEnd(5)} ${log.stepName ? `[${log.stepName}${log.itemIndex === null ? "" : `#${log.itemIndex}`}] ` : ""}${log.message}`,
      );
  };
  // Another process may be running it: poll the store, which every process writes before it tells.
  for (;;) {
    // Read the state before the logs: a run is final only after its last log line was written.
    const run = await app.store.getRun(runId);
    let logs: LogRecord[];
    do {
      logs = await app.store.listLogs(runId, { afterId, limit: 1000 });
      for (const log of logs) print(log);
      if (logs.length > 0) afterId = (logs[logs.length - 1] as LogRecord).id;
    } while (logs.length === 1000);
    if (!options.follow || !run || isFinalRunState(run.state)) {
      if (options.follow && run) out(`run ${runId} ${run.state}`);
      return EXIT.ok;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
