import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { Database as SqliteDatabase, Statement } from "better-sqlite3";
import { OctoflowError } from "../../model/errors.js";
import type { RunState, RunTransitionName, StepState, StepTransitionName } from "../../model/states.js";
import { RUN_TRANSITIONS, STEP_TRANSITIONS } from "../../model/states.js";
import type {
  AssetRecord,
  FlowInputRecord,
  LogRecord,
  NewRun,
  RunFilter,
  RunRecord,
  RunStepRecord,
  ScheduleFireOutcome,
  ScheduleFireRecord,
  ScheduleRecord,
  StepFinish,
  StepRunRecord,
  Store,
  StoredFlow,
} from "../store.js";
import { SQLITE_MIGRATIONS } from "./migrations.js";

type Row = Record<string, unknown>;

const nowUtc = (): string => new Date().toISOString();
/** Fires kept per schedule entry: only the newest is needed to refuse a tick twice; the rest is history. */
const KEPT_FIRES = 100;
const json = (value: unknown): string | null => (value === undefined ? null : JSON.stringify(value));
const parse = (text: unknown): unknown => (typeof text === "string" ? JSON.parse(text) : null);

/**
 * The embedded store: one SQLite file (WAL mode) under DATA_PATH. better-sqlite3 is synchronous;
 * each write is short, and WAL with synchronous=NORMAL keeps a state change well under a
 * millisecond while staying durable across a process crash.
 *
 * @example const store = openSqliteStore("data/octoflow.db");
 */
export function openSqliteStore(file: string): SqliteStore {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  let db: SqliteDatabase;
  try {
    db = new Database(file);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("busy_timeout = 5000");
    db.pragma("foreign_keys = ON");
    migrate(db);
  } catch (error) {
    throw new OctoflowError("STORE_ERROR", `cannot open the run store ${file}: ${(error as Error).message}`, {
      hint: "check that DATA_PATH is writable and that the file is an octoflow database",
      cause: error,
    });
  }
  return new SqliteStore(db);
}

function migrate(db: SqliteDatabase): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > SQLITE_MIGRATIONS.length) {
    throw new Error(
      `the database has schema version ${version}, newer than this octoflow (${SQLITE_MIGRATIONS.length}); upgrade octoflow`,
    );
  }
  db.transaction(() => {
    for (let i = version; i < SQLITE_MIGRATIONS.length; i++) db.exec(SQLITE_MIGRATIONS[i] as string);
    db.pragma(`user_version = ${SQLITE_MIGRATIONS.length}`);
  }).immediate();
}

export class SqliteStore implements Store {
  readonly #db: SqliteDatabase;
  readonly #statements = new Map<string, Statement>();

  constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  /** Prepared statements are cached by their text: preparing is most of the cost of a small write. */
  #sql(text: string): Statement {
    let statement = this.#statements.get(text);
    if (!statement) {
      statement = this.#db.prepare(text);
      this.#statements.set(text, statement);
    }
    return statement;
  }

  async saveFlow(flow: StoredFlow): Promise<void> {
    this.#sql(
      "INSERT INTO flows (hash, name, file, definition, text, created_utc) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(hash) DO NOTHING",
    ).run(flow.hash, flow.name, flow.file, JSON.stringify(flow.definition), flow.text, nowUtc());
  }

  async getFlow(hash: string): Promise<StoredFlow | undefined> {
    const row = this.#sql("SELECT * FROM flows WHERE hash = ?").get(hash) as Row | undefined;
    if (!row) return undefined;
    return {
      hash: row.hash as string,
      name: row.name as string,
      file: row.file as string | null,
      definition: parse(row.definition),
      text: row.text as string | null,
    };
  }

  async createFlowInput(input: Omit<FlowInputRecord, "id" | "createdUtc">): Promise<FlowInputRecord> {
    const createdUtc = nowUtc();
    const result = this.#sql(
      "INSERT INTO flow_inputs (created_utc, flow, args, source_store_ids, target_store_id) VALUES (?, ?, ?, ?, ?)",
    ).run(
      createdUtc,
      input.flow,
      JSON.stringify(input.args),
      JSON.stringify(input.sourceStoreIds),
      input.targetStoreId,
    );
    return { ...input, id: Number(result.lastInsertRowid), createdUtc };
  }

  async getFlowInput(id: number): Promise<FlowInputRecord | undefined> {
    const row = this.#sql("SELECT * FROM flow_inputs WHERE id = ?").get(id) as Row | undefined;
    if (!row) return undefined;
    return {
      id: row.id as number,
      createdUtc: row.created_utc as string,
      flow: row.flow as string | null,
      args: parse(row.args) as Record<string, unknown>,
      sourceStoreIds: parse(row.source_store_ids) as string[],
      targetStoreId: row.target_store_id as string | null,
    };
  }

  async createRun(run: NewRun): Promise<RunRecord> {
    const createdUtc = nowUtc();
    const id = this.#db.transaction(() => {
      const result = this.#sql(
        `INSERT INTO runs (created_utc, flow_name, flow_hash, flow_file, flow_input_id, parent_run_id, parent_step, state, selection, trigger, owner, heartbeat_utc)
         VALUES (?, ?, ?, ?, ?, ?, ?, 'READY', ?, ?, ?, ?)`,
      ).run(
        createdUtc,
        run.flowName,
        run.flowHash,
        run.flowFile,
        run.flowInputId,
        run.parentRunId ?? null,
        run.parentStep ?? null,
        JSON.stringify(run.selection),
        run.trigger,
        run.owner ?? null,
        run.owner ? createdUtc : null,
      );
      const runId = Number(result.lastInsertRowid);
      const insertStep = this.#sql(
        "INSERT INTO run_steps (run_id, name, position, state) VALUES (?, ?, ?, 'READY')",
      );
      run.steps.forEach((name, position) => insertStep.run(runId, name, position));
      return runId;
    })();
    return (await this.getRun(id)) as RunRecord;
  }

  async getRun(id: number): Promise<RunRecord | undefined> {
    const row = this.#sql("SELECT * FROM runs WHERE id = ?").get(id) as Row | undefined;
    return row ? toRun(row) : undefined;
  }

  async listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.flow !== undefined) {
      where.push("flow_name = ?");
      params.push(filter.flow);
    }
    if (filter.state !== undefined) {
      where.push("state = ?");
      params.push(filter.state);
    }
    if (filter.parentRunId !== undefined) {
      where.push("parent_run_id = ?");
      params.push(filter.parentRunId);
    }
    if (filter.beforeId !== undefined) {
      where.push("id < ?");
      params.push(filter.beforeId);
    }
    const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return (this.#sql(sql).all(...params, filter.limit ?? 50) as Row[]).map(toRun);
  }

  async listUnfinishedRuns(): Promise<RunRecord[]> {
    return (
      this.#sql("SELECT * FROM runs WHERE state IN ('READY', 'RUNNING') ORDER BY id").all() as Row[]
    ).map(toRun);
  }

  async transitionRun(
    id: number,
    name: RunTransitionName,
    fields: { error?: string | null; owner?: string | null } = {},
  ): Promise<boolean> {
    const transition = RUN_TRANSITIONS[name];
    const now = nowUtc();
    const from = transition.from.map((s) => `'${s}'`).join(", ");
    const sets = ["state = ?"];
    const params: unknown[] = [transition.to];
    if (transition.to === "RUNNING") {
      sets.push(
        "started_utc = COALESCE(started_utc, ?)",
        "ended_utc = NULL",
        "error = NULL",
        "heartbeat_utc = ?",
      );
      params.push(now, now);
    } else {
      sets.push("ended_utc = ?", "owner = NULL");
      params.push(now);
    }
    if (transition.to === "COMPLETED") sets.push("progress = 100", `progress_utc = '${now}'`);
    if (fields.error !== undefined) {
      sets.push("error = ?");
      params.push(fields.error);
    }
    if (fields.owner !== undefined) {
      sets.push("owner = ?");
      params.push(fields.owner);
    }
    const result = this.#sql(`UPDATE runs SET ${sets.join(", ")} WHERE id = ? AND state IN (${from})`).run(
      ...params,
      id,
    );
    return result.changes === 1;
  }

  async setRunProgress(id: number, progress: number): Promise<void> {
    this.#sql("UPDATE runs SET progress = ?, progress_utc = ? WHERE id = ?").run(progress, nowUtc(), id);
  }

  async heartbeat(id: number, owner: string): Promise<void> {
    this.#sql("UPDATE runs SET heartbeat_utc = ? WHERE id = ? AND owner = ?").run(nowUtc(), id, owner);
  }

  async getRunSteps(runId: number): Promise<RunStepRecord[]> {
    return (this.#sql("SELECT * FROM run_steps WHERE run_id = ? ORDER BY position").all(runId) as Row[]).map(
      toRunStep,
    );
  }

  async transitionStep(
    runId: number,
    step: string,
    name: StepTransitionName,
    fields: StepFinish = {},
  ): Promise<boolean> {
    const transition = STEP_TRANSITIONS[name];
    const now = nowUtc();
    const from = transition.from.map((s) => `'${s}'`).join(", ");
    const sets = ["state = ?"];
    const params: unknown[] = [transition.to];
    if (transition.to === "RUNNING") {
      sets.push("started_utc = COALESCE(started_utc, ?)");
      params.push(now);
    } else if (transition.to === "READY")
      sets.push(
        "started_utc = NULL",
        "ended_utc = NULL",
        "error = NULL",
        "error_ignored = 0",
        "skip_reason = NULL",
        "has_output = 0",
        "output = NULL",
        "progress = 0",
      );
    else {
      sets.push("ended_utc = ?");
      params.push(now);
    }
    if (transition.to === "COMPLETED") sets.push("progress = 100");
    if (fields.error !== undefined) {
      sets.push("error = ?");
      params.push(fields.error);
    }
    if (fields.errorIgnored !== undefined) {
      sets.push("error_ignored = ?");
      params.push(fields.errorIgnored ? 1 : 0);
    }
    if (fields.skipReason !== undefined) {
      sets.push("skip_reason = ?");
      params.push(fields.skipReason);
    }
    if (fields.attempts !== undefined) {
      sets.push("attempts = ?");
      params.push(fields.attempts);
    }
    if (fields.output !== undefined) {
      sets.push("has_output = 1", "output = ?");
      params.push(JSON.stringify(fields.output));
    }
    const sql = `UPDATE run_steps SET ${sets.join(", ")} WHERE run_id = ? AND name = ? AND state IN (${from})`;
    return this.#sql(sql).run(...params, runId, step).changes === 1;
  }

  async setStepProgress(runId: number, step: string, progress: number): Promise<void> {
    this.#sql("UPDATE run_steps SET progress = ? WHERE run_id = ? AND name = ?").run(progress, runId, step);
  }

  async startStepRun(run: {
    runId: number;
    stepName: string;
    itemIndex: number | null;
    attempt: number;
  }): Promise<number> {
    const result = this.#sql(
      "INSERT INTO step_runs (run_id, step_name, item_index, attempt, state, started_utc) VALUES (?, ?, ?, ?, 'RUNNING', ?)",
    ).run(run.runId, run.stepName, run.itemIndex, run.attempt, nowUtc());
    return Number(result.lastInsertRowid);
  }

  async finishStepRun(id: number, state: StepState, error: string | null = null): Promise<void> {
    this.#sql(
      "UPDATE step_runs SET state = ?, ended_utc = ?, error = ? WHERE id = ? AND state = 'RUNNING'",
    ).run(state, nowUtc(), error, id);
  }

  async listStepRuns(runId: number): Promise<StepRunRecord[]> {
    return (this.#sql("SELECT * FROM step_runs WHERE run_id = ? ORDER BY id").all(runId) as Row[]).map(
      (row) => ({
        id: row.id as number,
        runId: row.run_id as number,
        stepName: row.step_name as string,
        itemIndex: row.item_index as number | null,
        attempt: row.attempt as number,
        state: row.state as StepState,
        startedUtc: row.started_utc as string,
        endedUtc: row.ended_utc as string | null,
        error: row.error as string | null,
      }),
    );
  }

  async failOpenStepRuns(runId: number, error: string): Promise<void> {
    const now = nowUtc();
    this.#db.transaction(() => {
      this.#sql(
        "UPDATE step_runs SET state = 'FAILED', ended_utc = ?, error = ? WHERE run_id = ? AND state = 'RUNNING'",
      ).run(now, error, runId);
      this.#sql(
        "UPDATE run_steps SET state = 'FAILED', ended_utc = ?, error = ? WHERE run_id = ? AND state = 'RUNNING'",
      ).run(now, error, runId);
    })();
  }

  async appendLog(entry: Omit<LogRecord, "id" | "createdUtc">): Promise<LogRecord> {
    const createdUtc = nowUtc();
    const result = this.#sql(
      "INSERT INTO logs (run_id, step_name, item_index, level, message, fields, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?)",
    ).run(
      entry.runId,
      entry.stepName,
      entry.itemIndex,
      entry.level,
      entry.message,
      entry.fields ? json(entry.fields) : null,
      createdUtc,
    );
    return { ...entry, id: Number(result.lastInsertRowid), createdUtc };
  }

  async listLogs(runId: number, options: { afterId?: number; limit?: number } = {}): Promise<LogRecord[]> {
    const rows = this.#sql("SELECT * FROM logs WHERE run_id = ? AND id > ? ORDER BY id LIMIT ?").all(
      runId,
      options.afterId ?? 0,
      options.limit ?? 1000,
    ) as Row[];
    return rows.map((row) => ({
      id: row.id as number,
      runId: row.run_id as number,
      stepName: row.step_name as string | null,
      itemIndex: row.item_index as number | null,
      level: row.level as LogRecord["level"],
      message: row.message as string,
      fields: parse(row.fields) as Record<string, unknown> | null,
      createdUtc: row.created_utc as string,
    }));
  }

  async getCachedOutput(key: string): Promise<{ output: unknown } | undefined> {
    const row = this.#sql(
      "SELECT output FROM step_cache WHERE key = ? AND (expires_utc IS NULL OR expires_utc > ?)",
    ).get(key, nowUtc()) as Row | undefined;
    return row ? { output: parse(row.output) } : undefined;
  }

  async putCachedOutput(key: string, output: unknown, ttlMs: number | undefined): Promise<void> {
    const now = new Date();
    const expires = ttlMs === undefined ? null : new Date(now.getTime() + ttlMs).toISOString();
    this.#sql(
      "INSERT INTO step_cache (key, output, created_utc, expires_utc) VALUES (?, ?, ?, ?) ON CONFLICT(key) DO UPDATE SET output = excluded.output, created_utc = excluded.created_utc, expires_utc = excluded.expires_utc",
    ).run(key, JSON.stringify(output ?? null), now.toISOString(), expires);
  }

  async saveSchedule(entry: Omit<ScheduleRecord, "lastFireUtc">): Promise<ScheduleRecord> {
    this.#sql(
      `INSERT INTO schedules (id, path, flow_name, cron, every_seconds, timezone, source, created_utc) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET path = excluded.path, flow_name = excluded.flow_name, cron = excluded.cron,
         every_seconds = excluded.every_seconds, timezone = excluded.timezone, source = excluded.source`,
    ).run(
      entry.id,
      entry.path,
      entry.flowName,
      entry.cron,
      entry.everySeconds,
      entry.timezone,
      entry.source,
      entry.createdUtc,
    );
    return (await this.getSchedule(entry.id)) as ScheduleRecord;
  }

  async getSchedule(id: string): Promise<ScheduleRecord | undefined> {
    const row = this.#sql("SELECT * FROM schedules WHERE id = ?").get(id) as Row | undefined;
    return row ? toSchedule(row) : undefined;
  }

  async listSchedules(): Promise<ScheduleRecord[]> {
    return (this.#sql("SELECT * FROM schedules ORDER BY created_utc, id").all() as Row[]).map(toSchedule);
  }

  async deleteSchedule(id: string): Promise<boolean> {
    return this.#sql("DELETE FROM schedules WHERE id = ?").run(id).changes === 1;
  }

  async claimScheduleFire(scheduleId: string, fireUtc: string, owner: string): Promise<boolean> {
    // IMMEDIATE takes the write lock first, so the check and the writes cannot interleave with
    // another process's claim.
    return this.#db
      .transaction(() => {
        const entry = this.#sql("SELECT last_fire_utc FROM schedules WHERE id = ?").get(scheduleId) as
          Row | undefined;
        if (!entry || (typeof entry.last_fire_utc === "string" && entry.last_fire_utc >= fireUtc))
          return false;
        const inserted = this.#sql(
          "INSERT INTO schedule_fires (schedule_id, fire_utc, claimed_utc, owner) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
        ).run(scheduleId, fireUtc, nowUtc(), owner);
        if (inserted.changes !== 1) return false;
        this.#sql("UPDATE schedules SET last_fire_utc = ? WHERE id = ?").run(fireUtc, scheduleId);
        this.#sql(
          `DELETE FROM schedule_fires WHERE schedule_id = ? AND fire_utc NOT IN
           (SELECT fire_utc FROM schedule_fires WHERE schedule_id = ? ORDER BY fire_utc DESC LIMIT ${KEPT_FIRES})`,
        ).run(scheduleId, scheduleId);
        return true;
      })
      .immediate();
  }

  async finishScheduleFire(
    scheduleId: string,
    fireUtc: string,
    result: {
      outcome: Exclude<ScheduleFireOutcome, "claimed">;
      runId?: number | null;
      detail?: string | null;
    },
  ): Promise<void> {
    this.#sql(
      "UPDATE schedule_fires SET outcome = ?, run_id = ?, detail = ? WHERE schedule_id = ? AND fire_utc = ?",
    ).run(result.outcome, result.runId ?? null, result.detail ?? null, scheduleId, fireUtc);
  }

  async listScheduleFires(scheduleId: string, limit = 50): Promise<ScheduleFireRecord[]> {
    const rows = this.#sql(
      "SELECT * FROM schedule_fires WHERE schedule_id = ? ORDER BY fire_utc DESC LIMIT ?",
    ).all(scheduleId, limit) as Row[];
    return rows.map((row) => ({
      scheduleId: row.schedule_id as string,
      fireUtc: row.fire_utc as string,
      claimedUtc: row.claimed_utc as string,
      owner: row.owner as string,
      outcome: row.outcome as ScheduleFireOutcome,
      runId: row.run_id as number | null,
      detail: row.detail as string | null,
    }));
  }

  async saveAsset(asset: Omit<AssetRecord, "createdUtc" | "updatedUtc">): Promise<AssetRecord | undefined> {
    const now = nowUtc();
    const save = this.#sql(
      `INSERT INTO assets (id, name, asset_type, storage_connection_name, storage_location, files, created_utc, updated_utc)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET name = excluded.name, asset_type = excluded.asset_type,
         storage_connection_name = excluded.storage_connection_name, storage_location = excluded.storage_location,
         files = excluded.files, updated_utc = excluded.updated_utc
       ON CONFLICT DO NOTHING`,
    );
    const values = [asset.name, asset.assetType, asset.storageConnectionName, asset.storageLocation];
    try {
      const saved = save.run(asset.id, ...values, JSON.stringify(asset.files), now, now);
      return saved.changes === 1 ? this.getAsset(asset.id) : undefined;
    } catch (error) {
      // Renaming an asset to another's name: the update half of the upsert hits the unique name.
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_UNIQUE") return undefined;
      throw error;
    }
  }

  async getAsset(id: string): Promise<AssetRecord | undefined> {
    const row = this.#sql("SELECT * FROM assets WHERE id = ?").get(id) as Row | undefined;
    return row ? toAsset(row) : undefined;
  }

  async listAssets(): Promise<AssetRecord[]> {
    return (this.#sql("SELECT * FROM assets ORDER BY name, id").all() as Row[]).map(toAsset);
  }

  async deleteAsset(id: string): Promise<boolean> {
    return this.#sql("DELETE FROM assets WHERE id = ?").run(id).changes === 1;
  }

  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }
}

function toAsset(row: Row): AssetRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    assetType: row.asset_type as string,
    storageConnectionName: row.storage_connection_name as string | null,
    storageLocation: row.storage_location as string,
    files: parse(row.files) as AssetRecord["files"],
    createdUtc: row.created_utc as string,
    updatedUtc: row.updated_utc as string,
  };
}

function toSchedule(row: Row): ScheduleRecord {
  return {
    id: row.id as string,
    path: row.path as string,
    flowName: row.flow_name as string,
    cron: row.cron as string | null,
    everySeconds: row.every_seconds as number | null,
    timezone: row.timezone as string,
    source: row.source as ScheduleRecord["source"],
    createdUtc: row.created_utc as string,
    lastFireUtc: row.last_fire_utc as string | null,
  };
}

function toRun(row: Row): RunRecord {
  return {
    id: row.id as number,
    createdUtc: row.created_utc as string,
    flowName: row.flow_name as string,
    flowHash: row.flow_hash as string,
    flowFile: row.flow_file as string | null,
    flowInputId: row.flow_input_id as number | null,
    parentRunId: row.parent_run_id as number | null,
    parentStep: row.parent_step as string | null,
    state: row.state as RunState,
    progress: row.progress as number,
    progressUtc: row.progress_utc as string | null,
    startedUtc: row.started_utc as string | null,
    endedUtc: row.ended_utc as string | null,
    error: row.error as string | null,
    selection: parse(row.selection) as RunRecord["selection"],
    trigger: row.trigger as string,
    owner: row.owner as string | null,
    heartbeatUtc: row.heartbeat_utc as string | null,
  };
}

function toRunStep(row: Row): RunStepRecord {
  return {
    runId: row.run_id as number,
    name: row.name as string,
    position: row.position as number,
    state: row.state as StepState,
    attempts: row.attempts as number,
    startedUtc: row.started_utc as string | null,
    endedUtc: row.ended_utc as string | null,
    error: row.error as string | null,
    errorIgnored: row.error_ignored === 1,
    skipReason: row.skip_reason as string | null,
    hasOutput: row.has_output === 1,
    output: parse(row.output),
    progress: row.progress as number,
  };
}
