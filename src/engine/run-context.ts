import type { RunEventBus } from "../model/events.js";
import type { FlowDefinition } from "../model/flow-schema.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type {
  ConnectionProvider,
  LogLevel,
  SecretResolver,
  StepLogger,
  StepPaths,
  SubflowRunner,
} from "../plugins/step-type.js";
import type { Store } from "../store/store.js";

/** Turns text that leaves the process into its safe form (secret values masked). */
export type Redactor = (text: string) => string;

/** What the caller provides to execute a run; the executor adds the log writer and progress. */
export type RunSetup = Omit<RunContext, "logs" | "reportProgress">;

/** What every part of one run's execution shares. Owned by the executor; steps see a narrower view. */
export interface RunContext {
  readonly store: Store;
  readonly events: RunEventBus;
  readonly registry: PluginRegistry;
  readonly runId: number;
  readonly flow: FlowDefinition;
  readonly flowDirectory: string | undefined;
  /** The run's data: flow input plus each step's output under its result_key. Mutated by the executor only. */
  readonly data: Record<string, unknown>;
  /** Aborted when the run is cancelled. */
  readonly signal: AbortSignal;
  readonly redact: Redactor;
  readonly paths: StepPaths;
  readonly secrets: SecretResolver;
  readonly connections: ConnectionProvider;
  /** Sub-runs started by a step of this run are linked to it through `parentStep`. */
  subflows(parentStep: string, signal: AbortSignal): SubflowRunner;
  readonly logs: RunLogWriter;
  /** Called by steps as they report progress (0 to 100). */
  reportProgress(step: string, percent: number): void;
}

/**
 * Writes a run's log lines in order: each line is stored before it is announced, and `flush`
 * waits for every pending write (the executor calls it before the run's final state).
 */
export class RunLogWriter {
  #chain: Promise<void> = Promise.resolve();
  readonly #store: Store;
  readonly #events: RunEventBus;
  readonly #runId: number;
  readonly #redact: Redactor;

  constructor(store: Store, events: RunEventBus, runId: number, redact: Redactor) {
    this.#store = store;
    this.#events = events;
    this.#runId = runId;
    this.#redact = redact;
  }

  write(
    level: LogLevel,
    message: string,
    step?: string,
    item?: number,
    fields?: Readonly<Record<string, unknown>>,
  ): void {
    const safeMessage = this.#redact(message);
    const safeFields = fields
      ? (JSON.parse(this.#redact(JSON.stringify(fields))) as Record<string, unknown>)
      : null;
    this.#chain = this.#chain
      .then(async () => {
        const record = await this.#store.appendLog({
          runId: this.#runId,
          stepName: step ?? null,
          itemIndex: item ?? null,
          level,
          message: safeMessage,
          fields: safeFields,
        });
        this.#events.emit({
          type: "log",
          runId: this.#runId,
          id: record.id,
          level,
          message: safeMessage,
          at: record.createdUtc,
          ...(step === undefined ? {} : { step }),
          ...(item === undefined ? {} : { item }),
        });
      })
      .catch(() => undefined);
  }

  forStep(step: string, item?: number): StepLogger {
    const write = (level: LogLevel) => (message: string, fields?: Readonly<Record<string, unknown>>) =>
      this.write(level, message, step, item, fields);
    return { debug: write("debug"), info: write("info"), warn: write("warn"), error: write("error") };
  }

  flush(): Promise<void> {
    return this.#chain;
  }
}
