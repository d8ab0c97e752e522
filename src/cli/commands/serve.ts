import { mkdirSync, readFileSync } from "node:fs";
import { OctoflowError } from "../../model/errors.js";
import { createServer } from "../../server/app.js";
import { resolveApiToken } from "../../server/api-token.js";
import { openServiceLog } from "../../server/service-log.js";
import { shutdownServer } from "../../server/shutdown.js";
import type { Settings } from "../../services/settings.js";
import { loadSettings } from "../../services/settings.js";
import { openApp } from "../app.js";
import { EXIT, err } from "../output.js";

export interface ServeOptions {
  /** Default API_PORT (5000); 0 picks a free port. */
  readonly port?: string;
  /** Default API_HOST, else 127.0.0.1. */
  readonly host?: string;
  /** Seconds running runs get to finish on SIGTERM/SIGINT before they are cancelled (default 10). */
  readonly gracePeriod?: string;
}

/**
 * `octoflow serve`: the REST API, event streams and scheduler on API_PORT until SIGTERM or
 * SIGINT, then a graceful shutdown that leaves no run RUNNING. Resources are released in reverse
 * order: server, then store, then the service log.
 */
export async function serveCommand(options: ServeOptions): Promise<number> {
  const settings = loadSettings();
  for (const dir of [
    settings.dataPath,
    settings.flowsPath,
    settings.logPath,
    settings.lockPath,
    settings.templatesPath,
  ]) {
    mkdirSync(dir, { recursive: true });
  }
  const port = options.port === undefined ? settings.apiPort : parseNumber(options.port, "--port", 0, 65_535);
  const host = options.host ?? process.env.API_HOST ?? "127.0.0.1";
  const graceMs = parseNumber(options.gracePeriod ?? "10", "--grace-period", 0, 3600) * 1000;
  const https = tlsFiles(settings);
  const token = resolveApiToken(settings);
  if (token.source === "generated") {
    err(
      `octoflow: generated an API token and stored it in ${token.file} (readable only by you). It is shown only this once:\n\n  ${token.token}\n`,
    );
  }

  const app = await openApp(settings);
  const serviceLog = openServiceLog(settings.logPath, app.secrets.redact);
  const log = serviceLog.logger;
  try {
    const server = await createServer({ app, token: token.token, logger: log, ...(https ? { https } : {}) });
    const signal = waitForSignal(graceMs);
    const url = await server.listen(port, host);
    log.info(
      { url, tokenFrom: token.source, logFile: serviceLog.file, flowsPath: settings.flowsPath },
      "octoflow serving",
    );
    const received = await signal;
    log.info({ signal: received, graceMs }, "shutting down");
    await shutdownServer(server, { graceMs });
  } finally {
    await app.close();
    serviceLog.flush();
    // A step that ignored its abort signal may still hold a timer or a socket: it must not keep a
    // stopped server's process alive (the timer does not, by itself).
    setTimeout(() => process.exit(process.exitCode ?? EXIT.ok), 2_000).unref();
  }
  return EXIT.ok;
}

/** Resolves on the first SIGTERM or SIGINT; a second one exits at once (runs left behind are recovered as FAILED at the next start). */
function waitForSignal(graceMs: number): Promise<string> {
  return new Promise((resolve) => {
    const onSignal = (signal: string): void => {
      process.off("SIGTERM", onSignal);
      process.off("SIGINT", onSignal);
      process.once("SIGTERM", () => process.exit(EXIT.failed));
      process.once("SIGINT", () => process.exit(EXIT.failed));
      // Whatever hangs, the process ends: well after the grace period and the cancel window.
      setTimeout(() => process.exit(EXIT.failed), graceMs + 30_000).unref();
      resolve(signal);
    };
    process.on("SIGTERM", onSignal);
    process.on("SIGINT", onSignal);
  });
}

function parseNumber(text: string, option: string, min: number, max: number): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < min || value > max) {
    throw new OctoflowError("INPUT_INVALID", `${option} ${text} is not a number from ${min} to ${max}`);
  }
  return value;
}

/** API_PROTOCOL=https serves TLS with the key and certificate in OCTOFLOW_TLS_KEY and OCTOFLOW_TLS_CERT (PEM files). */
function tlsFiles(settings: Settings): { key: Buffer; cert: Buffer } | undefined {
  const protocols = new Set(settings.apiProtocols.map((p) => p.toLowerCase()));
  for (const protocol of protocols) {
    if (protocol !== "http" && protocol !== "https") {
      throw new OctoflowError("CONFIG_INVALID", `API_PROTOCOL names "${protocol}"`, {
        hint: "use http or https",
      });
    }
  }
  if (protocols.size > 1) {
    throw new OctoflowError(
      "CONFIG_INVALID",
      "API_PROTOCOL names both http and https; one server speaks one of them",
      {
        hint: "set API_PROTOCOL=https, or put a TLS proxy in front of an http server",
      },
    );
  }
  if (!protocols.has("https")) return undefined;
  const key = process.env.OCTOFLOW_TLS_KEY;
  const cert = process.env.OCTOFLOW_TLS_CERT;
  if (!key || !cert) {
    throw new OctoflowError(
      "CONFIG_INVALID",
      "API_PROTOCOL=https needs OCTOFLOW_TLS_KEY and OCTOFLOW_TLS_CERT",
      {
        hint: "point them at the PEM files of the private key and the certificate",
      },
    );
  }
  try {
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } catch (error) {
    throw new OctoflowError("CONFIG_INVALID", `cannot read the TLS files: ${(error as Error).message}`);
  }
}
