import type { ServerResponse } from "node:http";
import type { App } from "../cli/app.js";
import type { RunEvent } from "../model/events.js";

const KEEP_ALIVE_MS = 15_000;
/** Progress of one run is sent at most this often: a list needs a moving bar, not every tick. */
const PROGRESS_EVERY_MS = 500;
/** A client this far behind is dropped; it reconnects and reloads the list. */
const MAX_BUFFERED_BYTES = 1024 * 1024;

/**
 * `GET /api/v1/events`: the changes of every run this server executes, for live lists. Sends
 * `run` events (a run started, or reached a state) and `progress` events (throttled per run).
 * It carries no log lines or data: a client reads a run's details from its own stream.
 */
export class RunListStreams {
  readonly #app: App;
  readonly #open = new Set<ServerResponse>();

  constructor(app: App) {
    this.#app = app;
  }

  follow(res: ServerResponse): Promise<void> {
    const lastProgress = new Map<number, number>();
    const write = (text: string): void => {
      if (res.writableEnded) return;
      if (res.writableLength > MAX_BUFFERED_BYTES) {
        res.destroy();
        return;
      }
      res.write(text);
    };
    const send = (event: RunEvent): void => {
      if (event.type === "progress") {
        const now = Date.now();
        if (now - (lastProgress.get(event.runId) ?? 0) < PROGRESS_EVERY_MS) return;
        lastProgress.set(event.runId, now);
        write(
          `event: progress\ndata: ${JSON.stringify({ runId: event.runId, progress: event.progress, at: event.at })}\n\n`,
        );
      } else if (event.type === "run") {
        lastProgress.delete(event.runId);
        const data = {
          runId: event.runId,
          state: event.state,
          at: event.at,
          ...(event.error ? { error: event.error } : {}),
        };
        write(`event: run\ndata: ${this.#app.secrets.redact(JSON.stringify(data))}\n\n`);
      }
    };
    res.writeHead(200, {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    });
    write("retry: 2000\n\n");
    const unsubscribe = this.#app.events.subscribe(send);
    const keepAlive = setInterval(() => write(": keep-alive\n\n"), KEEP_ALIVE_MS);
    keepAlive.unref();
    this.#open.add(res);
    return new Promise((resolve) => {
      res.on("close", () => {
        clearInterval(keepAlive);
        unsubscribe();
        this.#open.delete(res);
        resolve();
      });
    });
  }

  /** Ends every stream (server shutdown). */
  closeAll(reason: string): void {
    for (const res of this.#open) {
      if (!res.writableEnded) res.end(`event: shutdown\ndata: ${JSON.stringify({ reason })}\n\n`);
    }
  }
}
