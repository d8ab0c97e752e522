import { createHash, randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { hostname } from "node:os";
import { relative, sep } from "node:path";
import { OctoflowError, errorText } from "../model/errors.js";
import { requireFlowFile } from "../model/flow-loader.js";
import type { FlowDefinition } from "../model/flow-schema.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type { ScheduleRecord, Store } from "../store/store.js";
import type { FlowLauncher } from "./launcher.js";
import { resolveUnder } from "./safe-path.js";
import { latestDueTime, nextFireTime } from "./schedule-times.js";

/** A scheduler entry as the API shows it. */
export interface ScheduleEntry {
  /** A GUID: random for entries added at run time, derived from the path for `autostart` ones. */
  readonly id: string;
  /** The flow file, relative to FLOWS_PATH. */
  readonly path: string;
  readonly flow: string;
  readonly schedule: { readonly cron: string } | { readonly every_seconds: number };
  /** IANA time zone the cron is read in (UTC unless the flow's schedule names one). */
  readonly timezone: string;
  readonly source: "api" | "autostart";
  readonly createdUtc: string;
  /** Scheduled time of the newest tick fired (by any process sharing the store). */
  readonly lastFireUtc: string | null;
  readonly nextFireUtc: string | null;
  /** Why the entry's flow could not be loaded at start; it stays, and each fire records the failure. */
  readonly problem?: string;
}

export interface SchedulerLogLine {
  readonly level: "info" | "warn" | "error";
  readonly message: string;
  readonly scheduleId?: string;
  readonly flow?: string;
  readonly fireUtc?: string;
  readonly runId?: number;
}

export interface SchedulerOptions {
  readonly store: Store;
  /** Launches under each flow's lock policy; share the server's launcher so its queues are shared. */
  readonly launcher: Pick<FlowLauncher, "launch">;
  readonly registry: PluginRegistry;
  /** FLOWS_PATH: entry paths are relative to it and cannot leave it. */
  readonly flowsPath: string;
  /** config.yml `autostart`: flow paths that `start()` schedules (default none). */
  readonly autostart?: readonly string[];
  /** Written on the ticks this process claims (default `host:pid`). */
  readonly owner?: string;
  /** Longest sleep between two looks at the store, which picks up entries other processes changed (default 60 s). */
  readonly maxSleepMs?: number;
  /** Structured log lines (default: dropped). */
  readonly log?: (line: SchedulerLogLine) => void;
}

/**
 * Fires flows on their `schedule` (seed 003's scheduler), with trigger "schedule", through the
 * lock policy of each flow.
 *
 * Entries live in the store, so a restart keeps them; `start()` also schedules config.yml's
 * `autostart` paths. Every tick is claimed in the store under (entry id, scheduled time) before
 * it is launched, and only if it is newer than the entry's last claimed tick: a restart, or a
 * second server on the same store, never fires one tick twice. A crash between the claim and the
 * launch loses that tick (at most once, never twice).
 *
 * Catch-up rule: ticks missed while no scheduler ran are fired once, as the newest missed tick
 * (within a year), when the scheduler next looks; older missed ticks are dropped. A daily export
 * missed during a restart still happens, and a restart after a week does not run it seven times.
 *
 * `every_seconds` ticks fall at createdUtc + k × N seconds; cron ticks are computed by croner in
 * the entry's time zone. Timers are unref'd and one at a time.
 *
 * @example
 * const scheduler = new Scheduler({ store, launcher, registry, flowsPath: settings.flowsPath, autostart: config.autostart });
 * const { problems } = await scheduler.start();
 * const entry = await scheduler.add("jira-export.yml"); // entry.nextFireUtc
 * await scheduler.stop();
 */
export class Scheduler {
  readonly #options: SchedulerOptions;
  readonly #owner: string;
  readonly #problems = new Map<string, string>();
  #started = false;
  #timer: NodeJS.Timeout | undefined;
  #ticking: Promise<void> | undefined;
  #again = false;

  constructor(options: SchedulerOptions) {
    this.#options = options;
    this.#owner = options.owner ?? `${hostname()}:${process.pid}`;
  }

  /**
   * Adds the flow at `path` (relative to FLOWS_PATH). Only flows with a `schedule` can be added;
   * others are launched instead.
   */
  async add(path: string): Promise<ScheduleEntry> {
    const { relativePath, flow } = await this.#loadFlow(path);
    const record = await this.#options.store.saveSchedule({
      id: randomUUID(),
      ...scheduleFields(flow, relativePath),
      source: "api",
      createdUtc: new Date().toISOString(),
    });
    this.#wake();
    return this.#entry(record);
  }

  /**
   * Removes an entry; false when there is none with this id. A run it started goes on. An
   * autostart entry comes back at the next start while config.yml lists it.
   */
  async remove(id: string): Promise<boolean> {
    const removed = await this.#options.store.deleteSchedule(id);
    this.#problems.delete(id);
    if (removed) this.#wake();
    return removed;
  }

  async get(id: string): Promise<ScheduleEntry | undefined> {
    const record = await this.#options.store.getSchedule(id);
    return record ? this.#entry(record) : undefined;
  }

  /** Every entry, oldest first, with its next fire time. */
  async list(): Promise<ScheduleEntry[]> {
    return (await this.#options.store.listSchedules()).map((record) => this.#entry(record));
  }

  /**
   * Schedules the `autostart` paths (entries whose path left the list are removed), reloads the
   * schedule of every stored entry from its file, fires what is due, and keeps firing until
   * `stop()`. Problems (a missing file, a flow without a schedule) are returned and logged, not
   * thrown: one bad flow does not stop the others.
   */
  async start(): Promise<{ entries: ScheduleEntry[]; problems: string[] }> {
    this.#problems.clear();
    const problems = [...(await this.#syncAutostart()), ...(await this.#refreshEntries())];
    for (const problem of problems) this.#log({ level: "warn", message: problem });
    this.#started = true;
    this.#wake();
    return { entries: await this.list(), problems };
  }

  /** Stops firing and waits for a tick in progress; runs it started go on. */
  async stop(): Promise<void> {
    this.#started = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#ticking;
  }

  #wake(delayMs = 0): void {
    if (!this.#started) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#runTick(), delayMs);
    this.#timer.unref();
  }

  async #runTick(): Promise<void> {
    if (this.#ticking) {
      this.#again = true;
      return;
    }
    let wakeAt = Date.now() + (this.#options.maxSleepMs ?? 60_000);
    this.#ticking = this.#tick()
      .then((next) => void (wakeAt = Math.min(wakeAt, next)))
      .catch((error: unknown) =>
        this.#log({ level: "error", message: `scheduler tick failed: ${errorText(error)}` }),
      )
      .finally(() => (this.#ticking = undefined));
    await this.#ticking;
    if (this.#again) wakeAt = Date.now();
    this.#again = false;
    // A timer may fire a millisecond early; the next look then finds the tick due.
    this.#wake(Math.max(0, wakeAt - Date.now()));
  }

  /** Fires what is due; returns when the next tick falls. */
  async #tick(): Promise<number> {
    let next = Infinity;
    for (const record of await this.#options.store.listSchedules()) {
      if (!this.#started) break;
      const now = Date.now();
      const due = latestDueTime(record, new Date(record.lastFireUtc ?? record.createdUtc), new Date(now));
      if (due && (await this.#options.store.claimScheduleFire(record.id, due.toISOString(), this.#owner))) {
        await this.#fire(record, due.toISOString());
      }
      const upcoming = nextFireTime(record, new Date(Math.max(now, due?.getTime() ?? 0)));
      if (upcoming) next = Math.min(next, upcoming.getTime());
    }
    return next;
  }

  async #fire(record: ScheduleRecord, fireUtc: string): Promise<void> {
    const { store } = this.#options;
    const about = { scheduleId: record.id, flow: record.flowName, fireUtc };
    try {
      const { flow } = await this.#loadFlow(record.path);
      const outcome = await this.#options.launcher.launch({ flow, trigger: "schedule" });
      if (outcome.skipped) {
        await store.finishScheduleFire(record.id, fireUtc, { outcome: "skipped", detail: outcome.reason });
        this.#log({ level: "info", message: `skipped: ${outcome.reason}`, ...about });
        return;
      }
      const { run, done } = outcome.started;
      await store.finishScheduleFire(record.id, fireUtc, {
        outcome: run.state === "READY" ? "queued" : "started",
        runId: run.id,
      });
      this.#log({
        level: "info",
        message: `run ${run.id} of ${record.flowName} ${run.state === "READY" ? "queued" : "started"}`,
        ...about,
        runId: run.id,
      });
      done.catch((error: unknown) =>
        this.#log({
          level: "error",
          message: `run ${run.id} ended with an error: ${errorText(error)}`,
          ...about,
          runId: run.id,
        }),
      );
    } catch (error) {
      const detail = errorText(error);
      await store
        .finishScheduleFire(record.id, fireUtc, { outcome: "failed", detail })
        .catch(() => undefined);
      this.#log({ level: "error", message: `could not launch ${record.path}: ${detail}`, ...about });
    }
  }

  async #syncAutostart(): Promise<string[]> {
    const { store } = this.#options;
    const problems: string[] = [];
    const wanted = new Set<string>();
    for (const path of this.#options.autostart ?? []) {
      const id = autostartId(path);
      wanted.add(id);
      try {
        const { relativePath, flow } = await this.#loadFlow(path);
        const existing = await store.getSchedule(id);
        const createdUtc = existing?.createdUtc ?? new Date().toISOString();
        await store.saveSchedule({
          id,
          ...scheduleFields(flow, relativePath),
          source: "autostart",
          createdUtc,
        });
      } catch (error) {
        // An entry from an earlier start stays, with its old schedule, until the file loads again.
        const problem = `config.yml autostart "${path}": ${errorText(error)}`;
        this.#problems.set(id, problem);
        problems.push(problem);
      }
    }
    for (const record of await store.listSchedules()) {
      if (record.source === "autostart" && !wanted.has(record.id)) await store.deleteSchedule(record.id);
    }
    return problems;
  }

  /** Entries follow their file's schedule as of this start; a file that no longer loads keeps the old one. */
  async #refreshEntries(): Promise<string[]> {
    const problems: string[] = [];
    for (const record of await this.#options.store.listSchedules()) {
      if (record.source === "autostart") continue;
      try {
        const { relativePath, flow } = await this.#loadFlow(record.path);
        await this.#options.store.saveSchedule({ ...record, ...scheduleFields(flow, relativePath) });
      } catch (error) {
        const problem = `schedule ${record.id} (${record.path}): ${errorText(error)}`;
        this.#problems.set(record.id, problem);
        problems.push(problem);
      }
    }
    return problems;
  }

  async #loadFlow(path: string): Promise<{ relativePath: string; flow: FlowDefinition }> {
    const { flowsPath, registry } = this.#options;
    let file: string;
    try {
      file = resolveUnder(flowsPath, path, "FLOWS_PATH");
    } catch (error) {
      throw new OctoflowError("INPUT_INVALID", (error as Error).message, {
        hint: (error as OctoflowError).hint,
      });
    }
    if (!existsSync(file)) {
      file = [`${file}.yml`, `${file}.yaml`].find((candidate) => existsSync(candidate)) ?? file;
    }
    if (!existsSync(file)) {
      throw new OctoflowError("FLOW_NOT_FOUND", `no flow file "${path}" in FLOWS_PATH (${flowsPath})`, {
        hint: "give the path of a YAML flow file relative to FLOWS_PATH",
      });
    }
    if (/\.m?js$/.test(file)) {
      throw new OctoflowError(
        "INPUT_INVALID",
        `"${path}" is a JavaScript flow module; the scheduler takes YAML flow files`,
        {
          hint: "write the flow in YAML, or call it from a YAML flow's flow step",
        },
      );
    }
    return {
      relativePath: relative(flowsPath, file).split(sep).join("/"),
      flow: await requireFlowFile(file, registry),
    };
  }

  #entry(record: ScheduleRecord): ScheduleEntry {
    const next = nextFireTime(
      record,
      new Date(Math.max(Date.now(), Date.parse(record.lastFireUtc ?? record.createdUtc))),
    );
    const problem = this.#problems.get(record.id);
    return {
      id: record.id,
      path: record.path,
      flow: record.flowName,
      schedule:
        record.cron !== null ? { cron: record.cron } : { every_seconds: record.everySeconds as number },
      timezone: record.timezone,
      source: record.source,
      createdUtc: record.createdUtc,
      lastFireUtc: record.lastFireUtc,
      nextFireUtc: next?.toISOString() ?? null,
      ...(problem ? { problem } : {}),
    };
  }

  #log(line: SchedulerLogLine): void {
    this.#options.log?.(line);
  }
}

/** The schedule fields of an entry for `flow` (the validator has checked its cron). */
function scheduleFields(
  flow: FlowDefinition,
  relativePath: string,
): Pick<ScheduleRecord, "path" | "flowName" | "cron" | "everySeconds" | "timezone"> {
  const schedule = flow.schedule;
  if (!schedule) {
    throw new OctoflowError(
      "FLOW_INVALID",
      `flow ${flow.name} (${relativePath}) has no schedule; only flows with a schedule can be added to the scheduler`,
      {
        hint: 'give it `schedule: { cron: "0 6 * * *" }` or `schedule: { every_seconds: 300 }`, or launch it instead (POST /api/flows/launch, `octoflow run`)',
      },
    );
  }
  const timezone = schedule.timezone ?? "UTC";
  try {
    new Intl.DateTimeFormat("en", { timeZone: timezone });
  } catch {
    throw new OctoflowError(
      "FLOW_INVALID",
      `flow ${flow.name}: schedule.timezone "${timezone}" is not a time zone`,
      {
        hint: 'use an IANA name such as "Europe/Paris" or "UTC"',
      },
    );
  }
  return {
    path: relativePath,
    flowName: flow.name,
    cron: schedule.cron ?? null,
    everySeconds: schedule.every_seconds ?? null,
    timezone,
  };
}

/**
 * A name-based GUID (v5 layout) of an autostart line as written in config.yml: the same line gets
 * the same id across restarts and servers, so its ticks are claimed under one key.
 */
function autostartId(configPath: string): string {
  const hash = createHash("sha1").update(`octoflow autostart ${configPath.trim()}`).digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
