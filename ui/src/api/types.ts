/** The answers of the REST API the page reads (src/server/schemas.ts describes them). */

export type RunState = "READY" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";
export type StepState = RunState | "SKIPPED";
export type LogLevel = "debug" | "info" | "warn" | "error";

export const RUN_STATES: readonly RunState[] = ["READY", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"];
export const isFinal = (state: StepState): boolean =>
  state === "COMPLETED" || state === "FAILED" || state === "CANCELLED" || state === "SKIPPED";

export interface RunSummary {
  readonly id: number;
  readonly flow: string;
  readonly state: RunState;
  readonly progress: number;
  readonly createdUtc: string;
  readonly startedUtc: string | null;
  readonly endedUtc: string | null;
  readonly durationMs: number | null;
  readonly parentRunId: number | null;
  readonly trigger: string;
  readonly error: string | null;
}

export interface StepReport {
  readonly name: string;
  readonly state: StepState;
  readonly attempts: number;
  readonly error: string | null;
  readonly errorIgnored: boolean;
  readonly skipReason: string | null;
  readonly startedUtc: string | null;
  readonly endedUtc: string | null;
  readonly durationMs: number | null;
}

export interface SubRun {
  readonly id: number;
  readonly flow: string;
  readonly state: RunState;
  readonly step: string | null;
}

export interface RunDetail extends RunSummary {
  readonly flowHash: string;
  readonly progressUtc: string | null;
  readonly flowInputId: number | null;
  readonly input: Record<string, unknown>;
  readonly steps: StepReport[];
  /** Absent in the event stream's snapshot. */
  readonly data?: Record<string, unknown>;
  readonly errors: string[];
  readonly subRuns: SubRun[];
}

export interface StepRun {
  readonly id: number;
  readonly step: string;
  readonly item: number | null;
  readonly attempt: number;
  readonly state: StepState;
  readonly startedUtc: string;
  readonly endedUtc: string | null;
  readonly durationMs: number | null;
  readonly error: string | null;
}

export interface LogLine {
  readonly id: number;
  readonly step: string | null;
  readonly item: number | null;
  readonly level: LogLevel;
  readonly message: string;
  readonly at: string;
}

/** A log line as GET /runs/{id}/logs answers it. */
export interface LogRecord {
  readonly id: number;
  readonly stepName: string | null;
  readonly itemIndex: number | null;
  readonly level: LogLevel;
  readonly message: string;
  readonly createdUtc: string;
}

export interface FlowStep {
  readonly name: string;
  readonly type: string;
  readonly needs: string[];
}

export interface FlowGraph {
  readonly nodes: string[];
  readonly edges: { from: string; to: string }[];
  readonly groups: string[][];
}

export type Schedule = { cron: string; timezone?: string } | { every_seconds: number } | null;

export interface FlowSummary {
  readonly path: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly valid: boolean;
  readonly problems: number;
  readonly steps: number;
  readonly schedule: Schedule;
}

export interface FlowInputSpec {
  readonly type?: string;
  readonly default?: unknown;
  readonly required?: boolean;
  readonly description?: string;
}

export interface FlowDetail {
  readonly path: string;
  readonly name: string;
  readonly description: string | null;
  readonly hash: string;
  readonly schedule: Schedule;
  readonly inputs: Record<string, FlowInputSpec>;
  readonly steps: FlowStep[];
  readonly graph: FlowGraph;
  readonly definition: unknown;
}

export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

export interface ScheduleEntry {
  readonly id: string;
  readonly path: string;
  readonly flow: string;
  readonly schedule: Schedule;
  readonly timezone: string;
  readonly source: "api" | "autostart";
  readonly createdUtc: string;
  readonly lastFireUtc: string | null;
  readonly nextFireUtc: string | null;
  readonly problem?: string;
}

export interface LockInfo {
  readonly flow: string;
  readonly runId: number | null;
  readonly owner: string | null;
  readonly acquiredUtc: string | null;
  readonly ageMs: number;
  readonly ownerAlive: boolean | null;
}

export interface ConnectionInfo {
  readonly name: string;
  readonly type: string;
  readonly description: string;
}

export interface ConnectionTest {
  readonly ok: boolean;
  readonly message: string;
  readonly stage?: string;
  readonly hint?: string;
  readonly ms: number;
}

export interface DiscoveredObject {
  readonly kind: "table" | "view" | "file" | "object";
  readonly name: string;
  readonly schema?: string;
  readonly columns?: { name: string; type: { kind: string }; nullable: boolean }[];
  readonly rowEstimate?: number;
  readonly size?: number;
  readonly mimeType?: string;
  readonly modifiedUtc?: string;
}

export interface AssetFile {
  mime_type: string;
  location_type: string;
  location_path: string;
}

export interface Asset {
  readonly asset_id: string;
  readonly name: string;
  readonly asset_type: string;
  readonly storage_connection_name: string | null;
  readonly storage_location: string;
  readonly files: AssetFile[];
  readonly created_utc: string;
  readonly updated_utc: string;
}
