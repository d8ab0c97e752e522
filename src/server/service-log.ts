import { mkdirSync } from "node:fs";
import { join } from "node:path";
import pino from "pino";
import type { Logger } from "pino";
import type { App } from "../cli/app.js";
import type { FastifyBaseLogger } from "fastify";

export interface ServiceLog {
  readonly logger: Logger;
  readonly file: string;
  /** Writes what is buffered to the log file; call before the process exits. */
  flush(): void;
}

/**
 * The service log: structured JSON lines (level, time, msg, fields) to stdout and to
 * LOG_PATH/octoflow.log. Secret values never reach it: messages pass through `redact`.
 *
 * @example const { logger } = openServiceLog(settings.logPath, secrets.redact);
 */
export function openServiceLog(
  logPath: string,
  redact: (text: string) => string,
  level = process.env.LOG_LEVEL ?? "info",
): ServiceLog {
  mkdirSync(logPath, { recursive: true });
  const file = join(logPath, "octoflow.log");
  const toFile = pino.destination({ dest: file, sync: false, mkdir: true });
  const toStdout = pino.destination({ dest: 1, sync: false });
  const logger = pino(
    {
      level,
      base: { service: "octoflow", pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((arg) => redactArgument(arg, redact)) as Parameters<typeof method>);
        },
      },
    },
    pino.multistream([
      { stream: toStdout, level: "trace" },
      { stream: toFile, level: "trace" },
    ]),
  );
  logger.level = level;
  return {
    logger,
    file,
    flush: () => {
      for (const destination of [toStdout, toFile]) {
        try {
          destination.flushSync();
        } catch {
          // Nothing buffered, or the stream is already closed.
        }
      }
    },
  };
}

/** A log argument with secret values masked: text, or the fields of an object. */
function redactArgument(arg: unknown, redact: (text: string) => string): unknown {
  if (typeof arg === "string") return redact(arg);
  if (arg === null || typeof arg !== "object" || arg instanceof Error) return arg;
  try {
    const text = JSON.stringify(arg);
    const masked = redact(text);
    return masked === text ? arg : (JSON.parse(masked) as unknown);
  } catch {
    return arg;
  }
}

/** Writes each run's state changes and log lines to the service log too; returns the unsubscribe. */
export function followRunEvents(app: Pick<App, "events">, log: FastifyBaseLogger): () => void {
  return app.events.subscribe((event) => {
    if (event.type === "run") {
      log.info(
        { runId: event.runId, state: event.state, ...(event.error ? { error: event.error } : {}) },
        `run ${event.runId} ${event.state}`,
      );
    } else if (event.type === "log") {
      const fields = {
        runId: event.runId,
        ...(event.step === undefined ? {} : { step: event.step }),
        ...(event.item === undefined ? {} : { item: event.item }),
      };
      log[event.level](fields, event.message);
    }
  });
}
