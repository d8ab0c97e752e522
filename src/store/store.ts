import type { LogLevel } from "../plugins/step-type.js";
import type { RunState, RunTransitionName, StepState, StepTransitionName } from "../model/states.js";

/** Seed 001's FlowInput: an immutable set of arguments and data-store ids a run starts from. */
export interface FlowInputRecord {
  readonly id: number;
  readonly createdUtc: string;
  readonly flow: string | null;
  readonly args: Readonly<Record<string, unknown>>;
  readonly sourceStoreIds: readonly string[];
  readonly targetStoreId: string | null;
}

/** Which steps of the flow a run runs (seed 004's `_only_these_nodes` and friends). */
export interface RunSelection {
  readonly only?: readonly string[];
  readonly withUpstream?: boolean;
  readonly withDownstream?: boolean;
}

export interface RunRecord {
  readonly id: number;
  readonly createdUtc: string;
  readonly flowName: string;
  readonly flowHash: string;
  readonly flowFile: string | null;
  readonly flowInputId: number | null;
  readonly parentRunId: number | null;
  readonly parentStep: string | null;
  readonly state: RunState;
  /** 0 to 100. */
  readonly progress: number;
  readonly progressUtc: string | null;
  readonly startedUtc: string | null;
  readonly endedUtc: string | null;
  readonly error: string | null;
  readonly selection: RunSelection;
  readonly trigger: string;
  /** `host:pid` of the process running it, while it runs. */
  readonly owner: string | null;
  readonly heartbeatUtc: string | null;
}

export interface RunStepRecord {
  readonly runId: number;
  readonly name: string;
  readonly position: number;
  readonly state: StepState;
  readonly attempts: number;
  readonly startedUtc: string | null;
  readonly endedUtc: string | null;
  readonly error: string | null;
  /** The step failed but its error matched `ignore_errors`, so the run went on. */
  readonly errorIgnored: boolean;
  readonly skipReason: string | null;
  readonly hasOutput: boolean;
  readonly output: unknown;
  readonly progress: number;
}

/** One attempt of one step, or of one for_each item of a step. */
export interface StepRunRecord {
  readonly id: number;
  readonly runId: number;
  readonly stepName: string;
  readonly itemIndex: number | null;
  readonly attempt: number;
  readonly state: StepState;
  readonly startedUtc: string;
  readonly endedUtc: string | null;
  readonly error: string | null;
}

export interface LogRecord {
  readonly id: number;
  readonly runId: number;
  readonly stepName: string | null;
  readonly itemIndex: number | null;
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>> | null;
  readonly createdUtc: string;
}

export interface StoredFlow {
  readonly hash: string;
  readonly name: string;
  readonly file: string | null;
  /** The flow as parsed (before validation), enough to validate it again. */
  readonly definition: unknown;
  readonly text: string | null;
}

export interface NewRun {
  readonly flowName: string;
  readonly flowHash: string;
  readonly flowFile: string | null;
  readonly flowInputId: number | null;
  readonly parentRunId?: number | null;
  readonly parentStep?: string | null;
  readonly selection: RunSelection;
  readonly trigger: string;
  /** The selected steps, in file order; each starts READY. */
  readonly steps: readonly string[];
  /** `host:pid` of the process that will run it; set with a first heartbeat so a waiting run is not taken for an orphan. */
  readonly owner?: string | null;
}

export interface RunFilter {
  readonly flow?: string;
  readonly state?: RunState;
  readonly parentRunId?: number;
  readonly limit?: number;
  /** Runs with a smaller id than this (pagination, newest first). */
  readonly beforeId?: number;
}

export interface StepFinish {
  readonly error?: string | null;
  readonly errorIgnored?: boolean;
  readonly skipReason?: string;
  readonly output?: unknown;
  readonly attempts?: number;
}

/** A scheduler entry (seed 003): a flow file fired on a cron or every N seconds. */
export interface ScheduleRecord {
  /** A GUID. */
  readonly id: string;
  /** The flow file, relative to FLOWS_PATH. */
  readonly path: string;
  readonly flowName: string;
  /** Exactly one of `cron` and `everySeconds` is set. */
  readonly cron: string | null;
  readonly everySeconds: number | null;
  /** IANA time zone the cron is read in. */
  readonly timezone: string;
  /** `api` (added at run time) or `autostart` (config.yml). */
  readonly source: "api" | "autostart";
  readonly createdUtc: string;
  /** The scheduled time of the newest tick claimed (not when it ran). */
  readonly lastFireUtc: string | null;
}

export type ScheduleFireOutcome = "claimed" | "started" | "queued" | "skipped" | "failed";

/** One claimed tick of a schedule entry; (scheduleId, fireUtc) is its idempotency key. */
export interface ScheduleFireRecord {
  readonly scheduleId: string;
  readonly fireUtc: string;
  readonly claimedUtc: string;
  /** `host:pid` of the process that claimed it. */
  readonly owner: string;
  /** `claimed` until the launch is recorded; a process that died in between leaves it so. */
  readonly outcome: ScheduleFireOutcome;
  readonly runId: number | null;
  readonly detail: string | null;
}

/** One file of an asset (seed 000's "asset files"). */
export interface AssetFile {
  readonly mimeType: string;
  /** Where `locationPath` points: `file`, `object`, `table`, `url`… */
  readonly locationType: string;
  readonly locationPath: string;
}

/** Seed 000's metadata asset: a catalogued dataset, where it is stored and the files it is made of. */
export interface AssetRecord {
  /** A GUID. */
  readonly id: string;
  /** Unique among assets. */
  readonly name: string;
  /** `table`, `view`, `file`, `object`, `dataset`… */
  readonly assetType: string;
  /** A connection of connections.yml, or null for an asset that lives elsewhere. */
  readonly storageConnectionName: string | null;
  /** Where in the connection: a table (`schema.table`), a path or prefix, a URL. */
  readonly storageLocation: string;
  readonly files: readonly AssetFile[];
  readonly createdUtc: string;
  readonly updatedUtc: string;
}

/**
 * Where run state lives. Every write happens before the change is reported to anyone. State
 * changes go through named transitions (model/states.ts) and return false when refused.
 * Implementations: SQLite (embedded), PostgreSQL (server, distributed).
 */
export interface Store {
  saveFlow(flow: StoredFlow): Promise<void>;
  getFlow(hash: string): Promise<StoredFlow | undefined>;

  createFlowInput(input: Omit<FlowInputRecord, "id" | "createdUtc">): Promise<FlowInputRecord>;
  getFlowInput(id: number): Promise<FlowInputRecord | undefined>;

  createRun(run: NewRun): Promise<RunRecord>;
  getRun(id: number): Promise<RunRecord | undefined>;
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /** Runs in READY or RUNNING state, for recovery after a crash. */
  listUnfinishedRuns(): Promise<RunRecord[]>;
  transitionRun(
    id: number,
    transition: RunTransitionName,
    fields?: { error?: string | null; owner?: string | null },
  ): Promise<boolean>;
  setRunProgress(id: number, progress: number): Promise<void>;
  heartbeat(id: number, owner: string): Promise<void>;

  getRunSteps(runId: number): Promise<RunStepRecord[]>;
  transitionStep(
    runId: number,
    step: string,
    transition: StepTransitionName,
    fields?: StepFinish,
  ): Promise<boolean>;
  setStepProgress(runId: number, step: string, progress: number): Promise<void>;

  startStepRun(run: {
    runId: number;
    stepName: string;
    itemIndex: number | null;
    attempt: number;
  }): Promise<number>;
  finishStepRun(id: number, state: StepState, error?: string | null): Promise<void>;
  listStepRuns(runId: number): Promise<StepRunRecord[]>;
  /** Step runs of a run that a dead process left RUNNING are marked FAILED with `error`. */
  failOpenStepRuns(runId: number, error: string): Promise<void>;

  appendLog(entry: Omit<LogRecord, "id" | "createdUtc">): Promise<LogRecord>;
  listLogs(runId: number, options?: { afterId?: number; limit?: number }): Promise<LogRecord[]>;

  getCachedOutput(key: string): Promise<{ output: unknown } | undefined>;
  putCachedOutput(key: string, output: unknown, ttlMs: number | undefined): Promise<void>;

  /** Adds an entry, or updates the definition of one with the same id, keeping its createdUtc and lastFireUtc. */
  saveSchedule(entry: Omit<ScheduleRecord, "lastFireUtc">): Promise<ScheduleRecord>;
  getSchedule(id: string): Promise<ScheduleRecord | undefined>;
  /** Oldest first. */
  listSchedules(): Promise<ScheduleRecord[]>;
  /** Removes the entry and its fire history; false when there was none. */
  deleteSchedule(id: string): Promise<boolean>;
  /**
   * Records a tick before it is launched. True for exactly one caller per (entry, fire time), and
   * only when the tick is newer than the entry's lastFireUtc (which it then becomes) and the entry
   * still exists: two processes, or a restart, never fire one tick twice.
   */
  claimScheduleFire(scheduleId: string, fireUtc: string, owner: string): Promise<boolean>;
  finishScheduleFire(
    scheduleId: string,
    fireUtc: string,
    result: {
      outcome: Exclude<ScheduleFireOutcome, "claimed">;
      runId?: number | null;
      detail?: string | null;
    },
  ): Promise<void>;
  /** Newest first; the store keeps the most recent fires of each entry. */
  listScheduleFires(scheduleId: string, limit?: number): Promise<ScheduleFireRecord[]>;

  /**
   * Adds an asset, or updates the one with the same id (keeping its createdUtc); undefined, and
   * nothing written, when another asset already has this name.
   */
  saveAsset(asset: Omit<AssetRecord, "createdUtc" | "updatedUtc">): Promise<AssetRecord | undefined>;
  getAsset(id: string): Promise<AssetRecord | undefined>;
  /** By name. */
  listAssets(): Promise<AssetRecord[]>;
  /** False when there was none. */
  deleteAsset(id: string): Promise<boolean>;

  close(): Promise<void>;
}
