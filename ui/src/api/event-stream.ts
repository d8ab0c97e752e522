import { session } from "./client.js";

/** One Server-Sent Event. */
export interface StreamEvent {
  readonly event: string;
  readonly data: string;
  readonly id: string | undefined;
}

export interface StreamHandlers {
  /** Called with every event of a chunk at once, so a burst of log lines renders once. */
  onEvents(events: readonly StreamEvent[]): void;
  /** The stream is (re)connected, or lost and about to retry. */
  onStatus?(status: "open" | "retrying"): void;
}

export interface FollowOptions {
  /** Start after this event id (events already read another way). */
  readonly lastEventId?: string;
  /**
   * Called before each reconnection; reads what was missed another way (a paged REST list, say)
   * and answers the id to go on after. A stream that broke on a burst then resumes small.
   */
  readonly catchUp?: () => Promise<string | undefined>;
}

/**
 * Follows a text/event-stream with fetch, since EventSource cannot send the Authorization header
 * (and the token must not go into a URL). Like EventSource it reconnects with Last-Event-ID
 * whenever the stream breaks or ends, until `close()` is called: the caller closes it once an
 * event says there is no more to come (for a run, `end`).
 *
 * @example const close = followEvents("/api/v1/runs/7/events", { onEvents: (events) => … });
 */
export function followEvents(url: string, handlers: StreamHandlers, options: FollowOptions = {}): () => void {
  const controller = new AbortController();
  let lastId = options.lastEventId;
  let retryMs = 2000;

  const connect = async (): Promise<void> => {
    for (let attempt = 0; !controller.signal.aborted; attempt++) {
      try {
        if (attempt > 0) {
          handlers.onStatus?.("retrying");
          await new Promise((resolve) => setTimeout(resolve, retryMs));
          if (options.catchUp) lastId = (await options.catchUp()) ?? lastId;
          if (controller.signal.aborted) return;
        }
        const headers: Record<string, string> = { accept: "text/event-stream" };
        const token = session.token();
        if (token) headers.authorization = `Bearer ${token}`;
        if (lastId !== undefined) headers["last-event-id"] = lastId;
        const response = await fetch(url, { headers, signal: controller.signal, cache: "no-store" });
        if (response.status === 401) return session.signOut();
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        handlers.onStatus?.("open");
        await read(
          response.body,
          (events) => {
            const last = events.findLast((e) => e.id !== undefined);
            if (last) lastId = last.id;
            handlers.onEvents(events);
          },
          (ms) => (retryMs = ms),
        );
      } catch {
        // Lost: the loop reconnects after the server's retry delay.
      }
    }
  };
  void connect();
  return () => controller.abort();
}

/** Parses the stream chunk by chunk; a line is scanned once, whatever the size of the chunk. */
async function read(
  body: ReadableStream<Uint8Array>,
  emit: (events: StreamEvent[]) => void,
  setRetry: (ms: number) => void,
): Promise<void> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "message";
  let data: string[] = [];
  let id: string | undefined;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += decoder.decode(value, { stream: true });
    const batch: StreamEvent[] = [];
    let start = 0;
    for (let end = buffer.indexOf("\n"); end !== -1; end = buffer.indexOf("\n", start)) {
      const line =
        buffer.charCodeAt(end - 1) === 13 ? buffer.slice(start, end - 1) : buffer.slice(start, end);
      start = end + 1;
      if (line === "") {
        if (data.length > 0) batch.push({ event, data: data.join("\n"), id });
        event = "message";
        data = [];
        id = undefined;
        continue;
      }
      if (line.charCodeAt(0) === 58) continue; // ":" starts a comment (keep-alive)
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const raw = colon === -1 ? "" : line.slice(colon + 1);
      const text = raw.charCodeAt(0) === 32 ? raw.slice(1) : raw;
      if (field === "data") data.push(text);
      else if (field === "event") event = text;
      else if (field === "id") id = text;
      else if (field === "retry" && /^\d+$/.test(text)) setRetry(Number(text));
    }
    buffer = buffer.slice(start);
    if (batch.length > 0) emit(batch);
  }
}
