import type { ServerResponse } from "node:http";
import type { App } from "../cli/app.js";
import type { RunEvent } from "../model/events.js";
import { isFinalRunState } from "../model/states.js";
import type { LogRecord, RunRecord } from "../store/store.js";

/** Past this much unsent data, the stream waits for the client to read before sending more. */
const HIGH_WATER_BYTES = 256 * 1024;
/** A stream that falls this far behind (a client that stopped reading) is closed; it may reconnect with Last-Event-ID. */
const MAX_BUFFERED_BYTES = 8 * 1024 * 1024;
/** A client that reads nothing for this long is dropped. */
const DRAIN_TIMEOUT_MS = 30_000;
const KEEP_ALIVE_MS = 15_000;
const LOG_PAGE = 1000;
/** How long a stream waits for an event before it looks at the store itself. */
const POLL_MS = 1000;

type LogEvent = Extract<RunEvent, { type: "log" }>;

/**
 * Server-Sent Events of runs: `GET /api/v1/runs/{id}/events`.
 *
 * A stream starts with `snapshot` (the run as it is), then replays the run's log lines from the
 * store (all of them, or those after `Last-Event-ID`), then sends every `run`, `step`, `progress`
 * and `log` event as the run's events bus emits it, in order, and ends with `end` once the run is
 * over. A run that is already over gets its snapshot, its logs and `end`. Log lines carry their
 * store id as the SSE id, so a client that reconnects misses none and sees none twice.
 */
export class EventStreams {
  readonly #app: App;
  readonly #snapshot: (run: RunRecord) => Promise<unknown>;
  readonly #open = new Set<RunStream>();

  constructor(app: App, snapshot: (run: RunRecord) => Promise<unknown>) {
    this.#app = app;
    this.#snapshot = snapshot;
  }

  get size(): number {
    return this.#open.size;
  }

  /** Follows run `runId` on `res` until the run ends or the client goes away. */
  async follow(res: ServerResponse, runId: number, afterLogId: number): Promise<void> {
    const stream = new RunStream(res, runId, afterLogId, this.#app, this.#snapshot);
    this.#open.add(stream);
    try {
      await stream.run();
    } finally {
      this.#open.delete(stream);
    }
  }

  /** Ends every stream with a `shutdown` event (server shutdown). */
  closeAll(reason: string): void {
    for (const stream of this.#open) stream.close("shutdown", { reason });
  }
}

class RunStream {
  readonly #queue: RunEvent[] = [];
  #wake: (() => void) | undefined;
  #closed = false;
  #lastLogId: number;
  #lastProgress = -1;

  constructor(
    private readonly res: ServerResponse,
    private readonly runId: number,
    afterLogId: number,
    private readonly app: App,
    private readonly snapshot: (run: RunRecord) => Promise<unknown>,
  ) {
    this.#lastLogId = afterLogId;
  }

  async run(): Promise<void> {
    const { res, app, runId } = this;
    // Subscribe before reading the store: an event emitted in between is queued, not lost.
    const unsubscribe = app.events.subscribe((event) => {
      if (event.runId !== runId) return;
      this.#queue.push(event);
      this.#wake?.();
    });
    const keepAlive = setInterval(() => this.#write(": keep-alive\n\n"), KEEP_ALIVE_MS);
    keepAlive.unref();
    res.on("close", () => {
      this.#closed = true;
      this.#wake?.();
    });
    try {
      res.writeHead(200, {
        "content-type": "text/event-stream; charset=utf-8",
        "cache-control": "no-cache, no-transform",
        connection: "keep-alive",
        "x-accel-buffering": "no",
      });
      this.#write("retry: 2000\n\n");
      const run = await app.store.getRun(runId);
      if (!run) return this.close("end", { runId, state: null });
      this.#send("snapshot", await this.snapshot(run));
      await this.#sendLogs();
      if (isFinalRunState(run.state)) return this.close("end", { runId, state: run.state });
      await this.#pump();
    } finally {
      clearInterval(keepAlive);
      unsubscribe();
      if (!res.writableEnded) res.end();
    }
  }

  close(event: string, data: unknown): void {
    if (this.#closed) return;
    this.#send(event, data);
    this.#closed = true;
    this.res.end();
    this.#wake?.();
  }

  async #pump(): Promise<void> {
    while (!this.#closed) {
      await this.#drained();
      const event = this.#queue.shift();
      if (!event) {
        if (!(await this.#idle()) && (await this.#pollStore())) return;
        continue;
      }
      if (event.type === "log") {
        // A line the stream has sent already (it sends every line it finds in the store) is skipped.
        if (event.id === undefined || event.id > this.#lastLogId)
          await this.#sendLogs(event.id === undefined ? event : undefined);
        continue;
      }
      if (event.type === "run" && isFinalRunState(event.state)) {
        // Every log line is written before the run's final event: send what is left, then end.
        await this.#sendLogs();
        this.#send("run", event);
        return this.close("end", { runId: this.runId, state: event.state });
      }
      this.#send(event.type, event);
    }
  }

  /** Waits for the next event; false when none came for POLL_MS. */
  async #idle(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const woken = await new Promise<boolean>((resolve) => {
      this.#wake = () => resolve(true);
      timer = setTimeout(() => resolve(false), POLL_MS);
    });
    clearTimeout(timer);
    this.#wake = undefined;
    return woken;
  }

  /**
   * A run executed by another process (a CLI run, another server on the same store) sends no
   * events here: look at the store now and then, send new log lines and progress, and end the
   * stream once the run is over. Returns true when it ended.
   */
  async #pollStore(): Promise<boolean> {
    const run = await this.app.store.getRun(this.runId);
    if (!run || this.#closed) return false;
    await this.#sendLogs();
    if (run.progress !== this.#lastProgress && !isFinalRunState(run.state)) {
      this.#lastProgress = run.progress;
      this.#send("progress", {
        type: "progress",
        runId: run.id,
        progress: run.progress,
        at: run.progressUtc ?? new Date().toISOString(),
      });
    }
    if (!isFinalRunState(run.state)) return false;
    this.#send("run", {
      type: "run",
      runId: run.id,
      state: run.state,
      ...(run.error ? { error: run.error } : {}),
      at: run.endedUtc,
    });
    this.close("end", { runId: run.id, state: run.state });
    return true;
  }

  /**
   * Sends log lines from the store after the last one sent: up to the one `until` announces, or
   * all of them. A line already sent (during the replay) is not sent again.
   */
  async #sendLogs(until?: LogEvent): Promise<void> {
    for (;;) {
      const page = await this.app.store.listLogs(this.runId, { afterId: this.#lastLogId, limit: LOG_PAGE });
      const stop = until ? page.findIndex((log) => sameLog(log, until)) : -1;
      const lines = until ? (stop === -1 ? [] : page.slice(0, stop + 1)) : page;
      for (const log of lines) {
        if (this.#closed) return;
        this.#write(
          `id: ${log.id}\nevent: log\ndata: ${this.app.secrets.redact(
            JSON.stringify({
              type: "log",
              id: log.id,
              runId: log.runId,
              step: log.stepName,
              item: log.itemIndex,
              level: log.level,
              message: log.message,
              at: log.createdUtc,
            }),
          )}\n\n`,
        );
        this.#lastLogId = log.id;
        await this.#drained();
      }
      if (until || page.length < LOG_PAGE) return;
    }
  }

  /** Waits while the client has much unread data, so a burst of lines is paced, not dropped. */
  async #drained(): Promise<void> {
    if (this.#closed || this.res.writableLength <= HIGH_WATER_BYTES) return;
    let timer: NodeJS.Timeout | undefined;
    const drained = await new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => () => {
        this.res.off("drain", onDrain);
        this.res.off("close", onClose);
        resolve(ok);
      };
      const onDrain = done(true);
      const onClose = done(false);
      this.res.once("drain", onDrain);
      this.res.once("close", onClose);
      timer = setTimeout(done(false), DRAIN_TIMEOUT_MS);
    });
    clearTimeout(timer);
    if (!drained && !this.#closed) {
      this.#closed = true;
      this.res.destroy();
      this.#wake?.();
    }
  }

  #send(event: string, data: unknown): void {
    this.#write(`event: ${event}\ndata: ${this.app.secrets.redact(JSON.stringify(data))}\n\n`);
  }

  #write(text: string): void {
    if (this.#closed || this.res.writableEnded) return;
    if (this.res.writableLength > MAX_BUFFERED_BYTES) {
      // The client stopped reading; holding more would only grow memory. It can reconnect with Last-Event-ID.
      this.#closed = true;
      this.res.destroy();
      this.#wake?.();
      return;
    }
    this.res.write(text);
  }
}

function sameLog(log: LogRecord, event: LogEvent): boolean {
  return (
    log.message === event.message &&
    log.createdUtc === event.at &&
    log.level === event.level &&
    log.stepName === (event.step ?? null) &&
    log.itemIndex === (event.item ?? null)
  );
}
