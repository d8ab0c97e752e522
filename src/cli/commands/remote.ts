import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { formatDuration } from "../../model/duration.js";
import { OctoflowError } from "../../model/errors.js";
import type { RunEvent } from "../../model/events.js";
import { EXIT, err, formatRunLine, out, printJson } from "../output.js";
import { plainDisplay, terminalDisplay } from "../progress-display.js";
import { ApiClient, RemoteError } from "./remote-client.js";
import type { RunCommandOptions } from "./run.js";
import { parseInputs } from "./run.js";

/** The run as GET /api/v1/runs/{id} answers it (the fields the CLI prints). */
interface RemoteRun {
  id: number;
  flow: string;
  state: string;
  progress: number;
  createdUtc: string;
  startedUtc: string | null;
  endedUtc: string | null;
  durationMs: number | null;
  parentRunId: number | null;
  trigger: string;
  input?: Record<string, unknown>;
  steps?: {
    name: string;
    state: string;
    attempts: number;
    error: string | null;
    errorIgnored: boolean;
    skipReason: string | null;
    durationMs: number | null;
  }[];
  errors?: string[];
  subRuns?: { id: number; flow: string; state: string; step: string | null }[];
}

interface LogLine {
  id: number;
  stepName: string | null;
  itemIndex: number | null;
  level: string;
  message: string;
  createdUtc: string;
}

/** `octoflow run FLOW --server URL`: launches on the server, follows its event stream, exits like a local run. */
export async function remoteRunCommand(
  server: string,
  flowRef: string,
  options: RunCommandOptions,
): Promise<number> {
  const client = ApiClient.fromEnvironment(server);
  if ((options.withUpstream || options.withDownstream) && !options.only?.length) {
    throw new OctoflowError("INPUT_INVALID", "--with-upstream and --with-downstream need --only", {
      hint: "name the steps with --only STEP…",
    });
  }
  const input = {
    ...(options.inputFile ? readInputFile(options.inputFile) : {}),
    ...parseInputs(options.input ?? []),
  };
  let launched: RemoteRun;
  try {
    launched = await client.post<RemoteRun>("/api/v1/runs", {
      flow: flowRef,
      input,
      ...(options.only?.length ? { only: options.only } : {}),
      ...(options.withUpstream ? { with_upstream: true } : {}),
      ...(options.withDownstream ? { with_downstream: true } : {}),
    });
  } catch (error) {
    if (error instanceof RemoteError && error.apiCode === "FLOW_RUNNING") {
      if (!options.json) err(`skipped: ${error.message}`);
      return EXIT.skipped;
    }
    throw error;
  }
  const runId = launched.id;
  const quiet = options.json || options.quiet;
  const display = quiet
    ? { onEvent: () => undefined, finish: () => undefined }
    : process.stderr.isTTY
      ? terminalDisplay(process.stderr, launched.flow, runId)
      : plainDisplay((line) => err(line));
  if (!quiet) err(`run ${runId} of ${launched.flow} started on ${client.baseUrl}`);
  const onSigint = (): void => {
    err(`\ncancelling run ${runId}…`);
    client
      .post(`/api/v1/runs/${runId}/cancel`)
      .catch((error: unknown) => err(`cannot cancel: ${(error as Error).message}`));
  };
  process.on("SIGINT", onSigint);
  try {
    await followEvents(client, runId, (event) => display.onEvent(event));
    display.finish();
  } finally {
    process.off("SIGINT", onSigint);
  }
  const report = await client.get<RemoteRun>(`/api/v1/runs/${runId}`);
  if (options.json) printJson(report);
  else if (!options.quiet) {
    const took = report.durationMs === null ? "" : ` in ${report.durationMs} ms`;
    err(
      `run ${report.id} ${report.state}${took}${report.errors?.length ? `\n${report.errors.map((e) => `  ${e}`).join("\n")}` : ""}`,
    );
  }
  return report.state === "COMPLETED" ? EXIT.ok : report.state === "CANCELLED" ? EXIT.cancelled : EXIT.failed;
}

/** `octoflow runs list --server URL`. */
export async function remoteListRunsCommand(
  server: string,
  options: { flow?: string; state?: string; limit?: string; before?: string; json?: boolean },
): Promise<number> {
  const client = ApiClient.fromEnvironment(server);
  const query = new URLSearchParams();
  if (options.flow) query.set("flow", options.flow);
  if (options.state) query.set("state", options.state);
  query.set("limit", options.limit ?? "20");
  if (options.before) query.set("before", options.before);
  const { runs, next } = await client.get<{ runs: RemoteRun[]; next: number | null }>(
    `/api/v1/runs?${query}`,
  );
  if (options.json) {
    printJson(runs);
    return EXIT.ok;
  }
  if (runs.length === 0) out("no runs");
  for (const run of runs) out(formatRunLine(run));
  if (next !== null) out(`more: --before ${next}`);
  return EXIT.ok;
}

/** `octoflow runs show ID --server URL`. */
export async function remoteShowRunCommand(
  server: string,
  runId: number,
  options: { json?: boolean },
): Promise<number> {
  const report = await ApiClient.fromEnvironment(server).get<RemoteRun>(`/api/v1/runs/${runId}`);
  if (options.json) {
    printJson(report);
    return EXIT.ok;
  }
  out(`run ${report.id}  ${report.flow}  ${report.state}  ${report.progress}%`);
  out(
    `  created ${report.createdUtc}${report.durationMs === null ? "" : `, took ${formatDuration(report.durationMs)}`}, trigger ${report.trigger}${report.parentRunId ? `, sub-run of ${report.parentRunId}` : ""}`,
  );
  if (report.input && Object.keys(report.input).length) out(`  input ${JSON.stringify(report.input)}`);
  out("  steps:");
  for (const step of report.steps ?? []) {
    const took = step.durationMs === null ? "" : ` ${formatDuration(step.durationMs)}`;
    const attempts = step.attempts > 1 ? ` (${step.attempts} attempts)` : "";
    const why = step.error
      ? `: ${step.error}${step.errorIgnored ? " (ignored)" : ""}`
      : step.skipReason
        ? `: ${step.skipReason}`
        : "";
    out(`    ${step.state.padEnd(9)} ${step.name}${took}${attempts}${why}`);
  }
  for (const child of report.subRuns ?? [])
    out(`  sub-run ${child.id} ${child.flow} ${child.state} (step ${child.step})`);
  if (report.errors?.length) out(`  errors:\n${report.errors.map((e) => `    ${e}`).join("\n")}`);
  return EXIT.ok;
}

/** `octoflow runs logs ID [--follow] --server URL`. */
export async function remoteRunLogsCommand(
  server: string,
  runId: number,
  options: { follow?: boolean; json?: boolean },
): Promise<number> {
  const client = ApiClient.fromEnvironment(server);
  const print = (log: LogLine): void => {
    if (options.json) out(JSON.stringify(log));
    else
      out(
        `${log.createdUtc} ${log.level.padEnd(5)} ${log.stepName ? `[${log.stepName}${log.itemIndex === null ? "" : `#${log.itemIndex}`}] ` : ""}${log.message}`,
      );
  };
  if (options.follow) {
    const state = await followEvents(client, runId, (event) => {
      if (event.type !== "log") return;
      print({
        id: 0,
        stepName: event.step ?? null,
        itemIndex: event.item ?? null,
        level: event.level,
        message: event.message,
        createdUtc: event.at,
      });
    });
    out(`run ${runId} ${state}`);
    return EXIT.ok;
  }
  let after = 0;
  for (;;) {
    const page = await client.get<{ logs: LogLine[]; next: number | null }>(
      `/api/v1/runs/${runId}/logs?after=${after}&limit=1000`,
    );
    for (const log of page.logs) print(log);
    if (page.next === null) return EXIT.ok;
    after = page.next;
  }
}

/**
 * Follows a run's event stream to its `end`, passing run, step, progress and log events on; a
 * dropped connection is resumed from the last log line seen. Resolves with the final state.
 */
async function followEvents(
  client: ApiClient,
  runId: number,
  onEvent: (event: RunEvent) => void,
): Promise<string> {
  let after = 0;
  let failures = 0;
  for (;;) {
    try {
      for await (const message of client.events(`/api/v1/runs/${runId}/events?after=${after}`)) {
        failures = 0;
        const data = message.data as Record<string, unknown>;
        if (message.event === "end") return String(data.state);
        if (message.event === "snapshot" && after === 0) {
          // Steps that moved before the stream opened are shown from the snapshot.
          for (const step of (data.steps ?? []) as { name: string; state: string; attempts: number }[]) {
            if (step.state === "READY") continue;
            onEvent({
              type: "step",
              runId,
              step: step.name,
              state: step.state,
              attempt: step.attempts,
              at: "",
            } as RunEvent);
          }
        }
        if (message.event === "log") {
          after = Number(message.id ?? after);
          onEvent({ ...data, step: data.step ?? undefined, item: data.item ?? undefined } as RunEvent);
        } else if (message.event === "run" || message.event === "step" || message.event === "progress") {
          onEvent(data as RunEvent);
        }
      }
    } catch (error) {
      if (error instanceof RemoteError || ++failures > 5) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

function readInputFile(file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, "utf8"), { maxAliasCount: 100 });
  } catch (error) {
    throw new OctoflowError(
      "INPUT_INVALID",
      `cannot read --input-file ${file}: ${(error as Error).message.split("\n")[0]}`,
    );
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new OctoflowError(
      "INPUT_INVALID",
      `--input-file ${file} must hold a mapping of input names to values`,
    );
  }
  return value as Record<string, unknown>;
}
