import { formatDuration } from "../model/duration.js";
import { OctoflowError, coerceError } from "../model/errors.js";

/** Exit codes of the CLI. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  notFound: 3,
  /** The flow was already running and its lock policy is skip (sysexits' "temporarily unavailable"). */
  skipped: 75,
  cancelled: 130,
} as const;

export const out = (text: string): void =>
  void process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
export const err = (text: string): void =>
  void process.stderr.write(text.endsWith("\n") ? text : `${text}\n`);

export function printJson(value: unknown): void {
  out(JSON.stringify(value, null, 2));
}

/** Prints an error for people (message and hint, no stack) and returns the exit code it means. */
export function reportError(thrown: unknown): number {
  const error = coerceError(thrown);
  if (error instanceof OctoflowError) {
    err(`error: ${error.describe()}`);
    if (error.code === "FLOW_NOT_FOUND" || error.code === "RUN_NOT_FOUND") return EXIT.notFound;
    if (error.code === "FLOW_INVALID" || error.code === "INPUT_INVALID" || error.code === "CONFIG_INVALID")
      return EXIT.usage;
    return EXIT.failed;
  }
  err(`error: ${error.message}`);
  if (process.env.OCTOFLOW_DEBUG) err(error.stack ?? "");
  return EXIT.failed;
}

/** Parses a positive whole number given on the command line, naming the option when it is not. */
export function parseId(text: string, what = "run id"): number {
  const id = Number(text);
  if (!Number.isInteger(id) || id <= 0) {
    throw new OctoflowError("INPUT_INVALID", `"${text}" is not a ${what}`, {
      hint: `give the ${what} as a whole number`,
    });
  }
  return id;
}

/** What a line of `runs list` shows, from a local record or a server's answer alike. */
export interface RunLine {
  readonly id: number;
  readonly state: string;
  readonly progress: number;
  readonly createdUtc: string;
  readonly startedUtc: string | null;
  readonly endedUtc: string | null;
  readonly flow: string;
  readonly parentRunId: number | null;
}

/** One run as a line of `runs list`: id, state, progress, created, duration, flow. */
export function formatRunLine(run: RunLine): string {
  const took = run.startedUtc
    ? formatDuration((run.endedUtc ? Date.parse(run.endedUtc) : Date.now()) - Date.parse(run.startedUtc))
    : "";
  const sub = run.parentRunId ? ` (sub-run of ${run.parentRunId})` : "";
  return `${String(run.id).padStart(6)}  ${run.state.padEnd(9)} ${run.progress.toFixed(0).padStart(3)}%  ${run.createdUtc}  ${took.padStart(7)}  ${run.flow}${sub}`;
}
