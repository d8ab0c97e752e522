import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { OctoflowError } from "../../model/errors.js";
import type { RunRecord, RunSelection } from "../../store/store.js";
import { reportRun } from "../../services/run-report.js";
import { FlowLauncher } from "../../services/launcher.js";
import type { LaunchOutcome } from "../../services/launcher.js";
import { LockManager } from "../../services/locks.js";
import type { App } from "../app.js";
import { resultKeys } from "../app.js";
import { loadFlowArg } from "../flow-arg.js";
import { EXIT, err, printJson } from "../output.js";
import { plainDisplay, terminalDisplay } from "../progress-display.js";

export interface RunCommandOptions {
  readonly input?: string[];
  readonly inputFile?: string;
  readonly only?: string[];
  readonly withUpstream?: boolean;
  readonly withDownstream?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
}

/**
 * `octoflow run FLOW`: runs a flow here, shows it live, exits 0 only when it COMPLETED. The flow's
 * lock policy applies: `skip` prints why and exits 75, `queue` waits for the lock, `allow` runs.
 */
export async function runCommand(app: App, flowRef: string, options: RunCommandOptions): Promise<number> {
  const flow = await loadFlowArg(app, flowRef);
  const args = {
    ...(options.inputFile ? await readInputFile(options.inputFile) : {}),
    ...parseInputs(options.input ?? []),
  };
  const selection: RunSelection = {
    ...(options.only?.length ? { only: options.only } : {}),
    ...(options.withUpstream ? { withUpstream: true } : {}),
    ...(options.withDownstream ? { withDownstream: true } : {}),
  };
  if ((options.withUpstream || options.withDownstream) && !options.only?.length) {
    throw new OctoflowError("INPUT_INVALID", "--with-upstream and --with-downstream need --only", {
      hint: "name the steps with --only STEP…",
    });
  }
  const launcher = new FlowLauncher({ runs: app.runs, locks: new LockManager(app.settings.lockPath) });
  return follow(app, options, () => launcher.launch({ flow, args, selection, trigger: "cli" }), flow.name);
}

/** `octoflow resume RUN`: goes on with a FAILED or CANCELLED run from its completed steps. */
export async function resumeCommand(
  app: App,
  runId: number,
  options: Pick<RunCommandOptions, "json" | "quiet">,
): Promise<number> {
  const run = await app.store.getRun(runId);
  return follow(
    app,
    options,
    () => new FlowLauncher({ runs: app.runs, locks: new LockManager(app.settings.lockPath) }).resume(runId),
    run?.flowName ?? "flow",
  );
}

async function follow(
  app: App,
  options: Pick<RunCommandOptions, "json" | "quiet">,
  start: () => Promise<LaunchOutcome>,
  flowName: string,
): Promise<number> {
  let display: ReturnType<typeof plainDisplay> | undefined;
  let runId: number | undefined;
  const buffered: Parameters<ReturnType<typeof plainDisplay>["onEvent"]>[0][] = [];
  // Sub-runs share the event bus: show their end as one line, not their steps.
  const unsubscribe = app.events.subscribe((event) => {
    if (runId !== undefined && event.runId !== runId) {
      if (event.type === "run" && event.state !== "RUNNING" && !options.json && !options.quiet) {
        err(`  ↳ sub-run ${event.runId} ${event.state}${event.error ? `: ${event.error}` : ""}`);
      }
      return;
    }
    if (display) display.onEvent(event);
    else buffered.push(event);
  });
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1 || runId === undefined) process.exit(EXIT.cancelled);
    err(`\ncancelling run ${runId}… (Ctrl-C again to quit at once)`);
    app.runs.cancel(runId, "cancelled with Ctrl-C");
  };
  process.on("SIGINT", onSigint);
  process.on("SIGTERM", onSigint);
  let final: RunRecord;
  try {
    const outcome = await start();
    if (outcome.skipped) {
      if (options.json) printJson({ skipped: true, reason: outcome.reason });
      else err(`skipped: ${outcome.reason}`);
      return EXIT.skipped;
    }
    const started = outcome.started;
    runId = started.run.id;
    const quiet = options.json || options.quiet;
    display = quiet
      ? { onEvent: () => undefined, finish: () => undefined }
      : process.stderr.isTTY
        ? terminalDisplay(process.stderr, flowName, runId)
        : plainDisplay((line) => err(line));
    if (!quiet && outcome.queuedBehind)
      err(`run ${runId} of ${flowName} queued behind run ${outcome.queuedBehind.runId ?? "?"}`);
    else if (!quiet) err(`run ${runId} of ${flowName} started`);
    for (const event of buffered.splice(0)) if (event.runId === runId) display.onEvent(event);
    final = await started.done;
    display.finish();
  } finally {
    unsubscribe();
    process.off("SIGINT", onSigint);
    process.off("SIGTERM", onSigint);
  }
  const report = await reportRun(
    app.store,
    final,
    resultKeys(await app.store.getFlow(final.flowHash)),
    (value) => app.secrets.redactValue(value),
  );
  if (options.json) printJson(report);
  else if (!options.quiet) {
    const took = report.durationMs === null ? "" : ` in ${report.durationMs} ms`;
    err(
      `run ${report.id} ${report.state}${took}${report.errors.length ? `\n${report.errors.map((e) => `  ${e}`).join("\n")}` : ""}`,
    );
    if (report.state === "FAILED" || report.state === "CANCELLED")
      err(`  resume with: octoflow resume ${report.id}`);
  }
  return final.state === "COMPLETED" ? EXIT.ok : final.state === "CANCELLED" ? EXIT.cancelled : EXIT.failed;
}

/** `--input key=value`: the value is text; declared inputs convert it to their type. */
export function parseInputs(pairs: readonly string[]): Record<string, unknown> {
  const args: Record<string, unknown> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0)
      throw new OctoflowError("INPUT_INVALID", `--input "${pair}" is not key=value`, {
        hint: "write --input name=value",
      });
    args[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return args;
}

async function readInputFile(file: string): Promise<Record<string, unknown>> {
  let value: unknown;
  try {
    value = parseYaml(await readFile(file, "utf8"), { maxAliasCount: 100 });
  } catch (error) {
    throw new OctoflowError(
      "INPUT_INVALID",
      `cannot read --input-file ${file}: ${(error as Error).message.split("\n")[0]}`,
      {
        hint: "give a JSON or YAML file holding a mapping of input names to values",
      },
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
