import type { StreamEvent } from "../api/event-stream.js";
import type { LogLine, LogRecord, RunDetail, StepReport, StepRun, StepState } from "../api/types.js";
import { isFinal } from "../api/types.js";

export type StreamStatus = "connecting" | "open" | "retrying" | "ended";

type RunEvent =
  | { type: "run"; state: RunDetail["state"]; error?: string; at: string }
  | { type: "step"; step: string; state: StepState; attempt: number; error?: string; at: string }
  | { type: "progress"; step?: string; progress: number; at: string };

/**
 * One run as the page knows it: the report, each step's live state, the log lines and the step
 * runs. Events change it in place (100,000 log lines are not copied per line); listeners are told
 * at most once per animation frame, with counters that say what changed.
 */
export class RunModel {
  detail: RunDetail | undefined;
  readonly steps = new Map<string, StepReport>();
  readonly logs: LogLine[] = [];
  stepRuns: StepRun[] = [];
  status: StreamStatus = "connecting";
  /** Bumped when the run or a step changed. */
  version = 0;
  /** Bumped when log lines arrived. */
  logVersion = 0;
  /** Steps changed since the step runs and the report were last fetched. */
  stale = false;
  readonly #listeners = new Set<() => void>();
  #frame: number | undefined;

  subscribe(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** A full report (GET /runs/{id}) or the stream's snapshot, which has no `data`. */
  setDetail(detail: RunDetail): void {
    this.detail = { ...detail, data: detail.data ?? this.detail?.data };
    this.steps.clear();
    for (const step of detail.steps) this.steps.set(step.name, step);
    this.#changed();
  }

  setStepRuns(stepRuns: StepRun[]): void {
    this.stepRuns = stepRuns;
    this.#changed();
  }

  setStatus(status: StreamStatus): void {
    this.status = status;
    this.#changed();
  }

  /** A page of GET /runs/{id}/logs, oldest first. */
  appendLogs(records: readonly LogRecord[]): void {
    let added = false;
    for (const r of records)
      added =
        this.#log({
          id: r.id,
          step: r.stepName,
          item: r.itemIndex,
          level: r.level,
          message: r.message,
          at: r.createdUtc,
        }) || added;
    if (!added) return;
    this.logVersion++;
    this.#changed();
  }

  /** The id of the newest log line held, for the event stream to start after. */
  get lastLogId(): number {
    return this.logs[this.logs.length - 1]?.id ?? 0;
  }

  apply(events: readonly StreamEvent[]): void {
    let logs = false;
    for (const { event, data } of events) {
      if (event === "log") {
        logs = this.#log(JSON.parse(data) as LogLine & { id: number }) || logs;
      } else if (event === "snapshot") {
        this.setDetail(JSON.parse(data) as RunDetail);
      } else if (event === "run" || event === "step" || event === "progress") {
        this.#event(JSON.parse(data) as RunEvent);
      } else if (event === "end" || event === "shutdown") {
        this.status = "ended";
        this.stale = true;
      }
    }
    if (logs) this.logVersion++;
    this.#changed();
  }

  #log(line: LogLine): boolean {
    const last = this.logs[this.logs.length - 1];
    if (last && line.id <= last.id) return false;
    this.logs.push({
      id: line.id,
      step: line.step ?? null,
      item: line.item ?? null,
      level: line.level,
      message: line.message,
      at: line.at,
    });
    return true;
  }

  #event(event: RunEvent): void {
    const detail = this.detail;
    if (!detail) return;
    if (event.type === "progress") {
      this.detail = { ...detail, progress: event.progress };
      return;
    }
    if (event.type === "run") {
      this.detail = {
        ...detail,
        state: event.state,
        startedUtc: detail.startedUtc ?? (event.state === "RUNNING" ? event.at : null),
        endedUtc: isFinal(event.state) ? event.at : detail.endedUtc,
        error: event.error ?? detail.error,
        progress: event.state === "COMPLETED" ? 100 : detail.progress,
      };
      return;
    }
    const step = this.steps.get(event.step) ?? emptyStep(event.step);
    const running = event.state === "RUNNING";
    this.steps.set(event.step, {
      ...step,
      state: event.state,
      attempts: Math.max(step.attempts, event.attempt),
      error: event.error ?? (running ? null : step.error),
      startedUtc: running ? event.at : (step.startedUtc ?? event.at),
      endedUtc: running ? null : event.at,
      durationMs: null,
    });
    this.stale = true;
  }

  #changed(): void {
    this.version++;
    if (this.#frame !== undefined) return;
    const flush = (): void => {
      this.#frame = undefined;
      this.#listeners.forEach((listener) => listener());
    };
    // A hidden tab gets no animation frames: a timer keeps the model's listeners up to date.
    this.#frame =
      document.visibilityState === "visible"
        ? requestAnimationFrame(flush)
        : (setTimeout(flush, 250) as unknown as number);
  }
}

function emptyStep(name: string): StepReport {
  return {
    name,
    state: "READY",
    attempts: 0,
    error: null,
    errorIgnored: false,
    skipReason: null,
    startedUtc: null,
    endedUtc: null,
    durationMs: null,
  };
}
