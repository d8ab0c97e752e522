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

  close(): Promise<void>;
}
