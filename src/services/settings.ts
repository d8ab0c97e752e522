import { resolve } from "node:path";
import { z } from "zod";
import { OctoflowError } from "../model/errors.js";

/**
 * Where octoflow keeps its files and how it listens, from seed 003's environment variables. All
 * are optional; paths default to folders under DATA_PATH, which are created when first needed.
 */
export interface Settings {
  /** Root of everything octoflow keeps (default `data/`). */
  readonly dataPath: string;
  readonly lockPath: string;
  readonly logPath: string;
  readonly flowsPath: string;
  readonly templatesPath: string;
  readonly secretsPath: string;
  readonly configFile: string;
  /** Named connections (default `DATA_PATH/connections.yml`). */
  readonly connectionsFile: string;
  /** The SQLite run store (default `DATA_PATH/octoflow.db`). */
  readonly databaseFile: string;
  /** Default 5000. */
  readonly apiPort: number;
  /** Default `http`. */
  readonly apiProtocols: readonly string[];
  /** No default: `serve` generates one when it is missing. */
  readonly apiToken: string | undefined;
}

const portSchema = z.coerce.number().int().min(1).max(65535);

/**
 * Reads settings from an environment (process.env by default).
 *
 * @example const settings = loadSettings({ DATA_PATH: "/srv/octoflow" });
 */
export function loadSettings(env: Readonly<Record<string, string | undefined>> = process.env): Settings {
  const value = (name: string): string | undefined => {
    const text = env[name];
    return text === undefined || text.trim() === "" ? undefined : text;
  };
  const dataPath = resolve(value("DATA_PATH") ?? "data");
  const under = (name: string, fallback: string): string =>
    resolve(value(name) ?? resolve(dataPath, fallback));
  const port = portSchema.safeParse(value("API_PORT") ?? "5000");
  if (!port.success) {
    throw new OctoflowError("CONFIG_INVALID", `API_PORT is "${env.API_PORT}", not a port number`, {
      hint: "set API_PORT to a number from 1 to 65535, or unset it for 5000",
    });
  }
  return {
    dataPath,
    lockPath: under("LOCK_PATH", "locks"),
    logPath: under("LOG_PATH", "logs"),
    flowsPath: under("FLOWS_PATH", "flows"),
    templatesPath: under("TEMPLATES_PATH", "templates"),
    secretsPath: under("SECRETS_PATH", "secrets.yml"),
    configFile: under("CONFIG_FILE", "config.yml"),
    connectionsFile: under("CONNECTIONS_FILE", "connections.yml"),
    databaseFile: under("OCTOFLOW_DATABASE", "octoflow.db"),
    apiPort: port.data,
    apiProtocols: (value("API_PROTOCOL") ?? "http")
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
    apiToken: value("API_TOKEN"),
  };
}
