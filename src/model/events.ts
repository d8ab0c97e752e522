import type { LogLevel } from "../plugins/step-type.js";
import type { RunState, StepState } from "./states.js";

/**
 * What happens in a run, as told to whoever listens (the CLI display, the server's event stream).
 * Each event is emitted after the change it reports has been written to the store.
 */
export type RunEvent =
  | {
      readonly type: "run";
      readonly runId: number;
      readonly state: RunState;
      readonly error?: string;
      readonly at: string;
    }
  | {
      readonly type: "step";
      readonly runId: number;
      readonly step: string;
      readonly state: StepState;
      readonly attempt: number;
      readonly item?: number;
      readonly error?: string;
      readonly at: string;
    }
  | {
      readonly type: "progress";
      readonly runId: number;
      /** The step whose progress moved the run's, if one did. */
      readonly step?: string;
      /** The run's progress, 0 to 100. */
      readonly progress: number;
      readonly at: string;
    }
  | {
      readonly type: "log";
      readonly runId: number;
      /** The line's id in the store: lines are numbered in the order they were written. */
      readonly id?: number;
      readonly step?: string;
      readonly item?: number;
      readonly level: LogLevel;
      readonly message: string;
      readonly at: string;
    };

export type RunEventListener = (event: RunEvent) => void;

/** A tiny synchronous event bus; listeners must not throw (a throwing listener is dropped). */
export class RunEventBus {
  readonly #listeners = new Set<RunEventListener>();

  subscribe(listener: RunEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: RunEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch {
        this.#listeners.delete(listener);
      }
    }
  }
}
