import type { LogLevel, LogLine } from "../api/types.js";

export const LEVELS: readonly LogLevel[] = ["debug", "info", "warn", "error"];

export interface LogFilter {
  /** The lowest level shown. */
  readonly level: LogLevel;
  /** Text to find, case-insensitive. */
  readonly search: string;
  /** Only this step's lines. */
  readonly step: string | undefined;
}

/**
 * The indices of the lines that pass a filter, kept up to date as lines arrive: only the new
 * lines are scanned, unless the filter changed.
 */
export class FilteredLines {
  #key = "";
  #scanned = 0;
  #indices: number[] = [];

  /** Indices into `lines` that pass `filter`; the same array grows while the filter stays. */
  update(lines: readonly LogLine[], filter: LogFilter): readonly number[] {
    const key = `${filter.level}\u0000${filter.step ?? ""}\u0000${filter.search}`;
    if (key !== this.#key || lines.length < this.#scanned) {
      this.#key = key;
      this.#scanned = 0;
      this.#indices = [];
    }
    const min = LEVELS.indexOf(filter.level);
    const needle = filter.search.toLowerCase();
    const all = min === 0 && !needle && filter.step === undefined;
    for (let i = this.#scanned; i < lines.length; i++) {
      const line = lines[i] as LogLine;
      if (
        all ||
        (LEVELS.indexOf(line.level) >= min &&
          (filter.step === undefined || line.step === filter.step) &&
          (!needle ||
            line.message.toLowerCase().includes(needle) ||
            (line.step ?? "").toLowerCase().includes(needle)))
      )
        this.#indices.push(i);
    }
    this.#scanned = lines.length;
    return this.#indices;
  }
}
