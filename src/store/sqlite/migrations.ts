/**
 * Schema of the SQLite store, as numbered migrations. `PRAGMA user_version` records how many ran;
 * a migration is never edited once released, only followed by a new one.
 */
export const SQLITE_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE flows (
    hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    file TEXT,
    definition TEXT NOT NULL,
    text TEXT,
    created_utc TEXT NOT NULL
  );
  CREATE TABLE flow_inputs (
    id INTEGER PRIMARY KEY,
    created_utc TEXT NOT NULL,
    flow TEXT,
    args TEXT NOT NULL,
    source_store_ids TEXT NOT NULL,
    target_store_id TEXT
  );
  CREATE TABLE runs (
    id INTEGER PRIMARY KEY,
    created_utc TEXT NOT NULL,
    flow_name TEXT NOT NULL,
    flow_hash TEXT NOT NULL REFERENCES flows(hash),
    flow_file TEXT,
    flow_input_id INTEGER REFERENCES flow_inputs(id),
    parent_run_id INTEGER REFERENCES runs(id),
    parent_step TEXT,
    state TEXT NOT NULL,
    progress REAL NOT NULL DEFAULT 0,
    progress_utc TEXT,
    started_utc TEXT,
    ended_utc TEXT,
    error TEXT,
    selection TEXT NOT NULL,
    trigger TEXT NOT NULL,
    owner TEXT,
    heartbeat_utc TEXT
  );
  CREATE INDEX runs_by_flow ON runs(flow_name, id);
  CREATE INDEX runs_by_state ON runs(state, id);
  CREATE INDEX runs_by_parent ON runs(parent_run_id);
  CREATE TABLE run_steps (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    name TEXT NOT NULL,
    position INTEGER NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    started_utc TEXT,
    ended_utc TEXT,
    error TEXT,
    error_ignored INTEGER NOT NULL DEFAULT 0,
    skip_reason TEXT,
    has_output INTEGER NOT NULL DEFAULT 0,
    output TEXT,
    progress REAL NOT NULL DEFAULT 0,
    PRIMARY KEY (run_id, name)
  ) WITHOUT ROWID;
  CREATE TABLE step_runs (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    step_name TEXT NOT NULL,
    item_index INTEGER,
    attempt INTEGER NOT NULL,
    state TEXT NOT NULL,
    started_utc TEXT NOT NULL,
    ended_utc TEXT,
    error TEXT
  );
  CREATE INDEX step_runs_by_run ON step_runs(run_id, id);
  CREATE TABLE logs (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES runs(id),
    step_name TEXT,
    item_index INTEGER,
    level TEXT NOT NULL,
    message TEXT NOT NULL,
    fields TEXT,
    created_utc TEXT NOT NULL
  );
  CREATE INDEX logs_by_run ON logs(run_id, id);
  CREATE TABLE step_cache (
    key TEXT PRIMARY KEY,
    output TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    expires_utc TEXT
  );
  `,
  // 2: the scheduler's entries, and the ticks it claimed (the key that stops a tick firing twice).
  `
  CREATE TABLE schedules (
    id TEXT PRIMARY KEY,
    path TEXT NOT NULL,
    flow_name TEXT NOT NULL,
    cron TEXT,
    every_seconds REAL,
    timezone TEXT NOT NULL,
    source TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    last_fire_utc TEXT,
    CHECK ((cron IS NULL) <> (every_seconds IS NULL))
  );
  CREATE TABLE schedule_fires (
    schedule_id TEXT NOT NULL REFERENCES schedules(id) ON DELETE CASCADE,
    fire_utc TEXT NOT NULL,
    claimed_utc TEXT NOT NULL,
    owner TEXT NOT NULL,
    outcome TEXT NOT NULL DEFAULT 'claimed',
    run_id INTEGER REFERENCES runs(id),
    detail TEXT,
    PRIMARY KEY (schedule_id, fire_utc)
  ) WITHOUT ROWID;
  `,
  // 3: seed 000's metadata assets (catalogued datasets), their files kept as a JSON list.
  `
  CREATE TABLE assets (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    asset_type TEXT NOT NULL,
    storage_connection_name TEXT,
    storage_location TEXT NOT NULL,
    files TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    updated_utc TEXT NOT NULL
  );
  `,
];
