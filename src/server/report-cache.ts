import { isFinalRunState } from "../model/states.js";
import type { RunRecord } from "../store/store.js";

/**
 * Reports of ended runs. An ended run does not change until it is resumed, which changes its
 * state and end time and so the key: a client polling a finished run costs one store read.
 *
 * @example const cached = cache.get(run) ?? cache.set(run, await build(run));
 */
export class ReportCache<T> {
  readonly #entries = new Map<number, { key: string; report: T }>();
  readonly #size: number;

  constructor(size = 1000) {
    this.#size = size;
  }

  get(run: RunRecord): T | undefined {
    const entry = this.#entries.get(run.id);
    return entry?.key === keyOf(run) ? entry.report : undefined;
  }

  /** Keeps the report of an ended run (the oldest one goes when full); returns the report. */
  set(run: RunRecord, report: T): T {
    if (!isFinalRunState(run.state)) return report;
    if (this.#entries.size >= this.#size) this.#entries.delete(this.#entries.keys().next().value as number);
    this.#entries.set(run.id, { key: keyOf(run), report });
    return report;
  }
}

function keyOf(run: RunRecord): string {
  return `${run.state}|${run.endedUtc}|${run.progressUtc}|${run.error}`;
}
