import { existsSync, readFileSync } from "node:fs";
import type { z } from "zod";
import type { Connection, ConnectorEnvironment } from "../connectors/connector.js";
import { didYouMean, formatDiagnostic } from "../model/diagnostics.js";
import type { Diagnostic } from "../model/diagnostics.js";
import { OctoflowError } from "../model/errors.js";
import { formatPath, parseYaml } from "../model/yaml-source.js";
import { explainIssues } from "../model/zod-issues.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type { ConnectionProvider } from "../plugins/step-type.js";

/** A validated entry of connections.yml: its name, kind and the kind's parsed options. */
export interface ConnectionEntry {
  readonly name: string;
  readonly type: string;
  readonly options: unknown;
}

export const noConnections: ConnectionProvider = {
  get: (name) => Promise.reject(unknownConnection(name, [])),
  names: () => [],
};

/**
 * Reads connections.yml (seed 001's DataStores): a list of `{ name, type, …options }`, each
 * checked against its connector's schema, every problem reported with file:line:column.
 * A missing file means no connections.
 */
export function loadConnectionsFile(file: string, registry: PluginRegistry): ConnectionEntry[] {
  if (!existsSync(file)) return [];
  const parsed = parseYaml(file, readFileSync(file, "utf8"));
  if (!parsed.ok) throw invalid(file, parsed.diagnostics);
  const { value, locate } = parsed.source;
  const diagnostics: Diagnostic[] = [];
  const report = (path: readonly PropertyKey[], message: string, hint?: string, atKey = false): void => {
    diagnostics.push({
      file,
      ...locate(path, { key: atKey }),
      path: formatPath(path as (string | number)[]),
      message,
      ...(hint ? { hint } : {}),
    });
  };
  if (value !== null && value !== undefined && !Array.isArray(value)) {
    report(
      [],
      "connections.yml must hold a list of connections",
      "write `- name: warehouse\\n  type: postgres\\n  …`",
    );
    throw invalid(file, diagnostics);
  }
  const entries: ConnectionEntry[] = [];
  const seen = new Set<string>();
  ((value ?? []) as unknown[]).forEach((raw, index) => {
    if (raw === null || typeof raw !== "object" || Array.isArray(raw))
      return report([index], "a connection must be a mapping with name and type");
    const { name, type, ...rest } = raw as Record<string, unknown>;
    if (typeof name !== "string" || name === "")
      return report([index, "name"], "the connection has no `name`");
    if (seen.has(name))
      report([index, "name"], `duplicate connection name "${name}"`, "give every connection its own name");
    seen.add(name);
    const kind = typeof type === "string" ? registry.connector(type) : undefined;
    if (!kind) {
      const guess = typeof type === "string" ? didYouMean(type, registry.connectorKinds()) : undefined;
      return report(
        [index, "type"],
        `unknown connection type ${JSON.stringify(type)}${guess ? ` — did you mean "${guess}"?` : ""}`,
        `known types: ${registry.connectorKinds().join(", ")}`,
      );
    }
    const options = kind.options.safeParse(rest);
    if (!options.success) {
      const allowed = ["name", "type", ...objectKeys(kind.options)];
      for (const issue of explainIssues(options.error.issues, rest, (at) =>
        at.length === 0 ? allowed : [],
      )) {
        // Never echo a value from this file: it may be a password.
        report([index, ...issue.path], issue.message.replace(/, got .*/, ""), issue.hint, issue.atKey);
      }
      return;
    }
    entries.push({ name, type: kind.kind, options: options.data });
  });
  if (diagnostics.length > 0) throw invalid(file, diagnostics);
  return entries;
}

/**
 * Opens connections on first use and keeps them for the life of the process; `close` releases
 * them in reverse order of opening.
 */
export class ConnectionPool implements ConnectionProvider {
  readonly #entries: ReadonlyMap<string, ConnectionEntry>;
  readonly #registry: PluginRegistry;
  readonly #environment: ConnectorEnvironment;
  readonly #open = new Map<string, Promise<Connection>>();

  constructor(
    entries: readonly ConnectionEntry[],
    registry: PluginRegistry,
    environment: ConnectorEnvironment,
  ) {
    this.#entries = new Map(entries.map((entry) => [entry.name, entry]));
    this.#registry = registry;
    this.#environment = environment;
  }

  names(): string[] {
    return [...this.#entries.keys()];
  }

  entry(name: string): ConnectionEntry | undefined {
    return this.#entries.get(name);
  }

  get(name: string): Promise<Connection> {
    let connection = this.#open.get(name);
    if (!connection) {
      const entry = this.#entries.get(name);
      if (!entry) return Promise.reject(unknownConnection(name, this.names()));
      const kind = this.#registry.connector(entry.type);
      if (!kind)
        return Promise.reject(
          new OctoflowError("CONFIG_INVALID", `connection type ${entry.type} is not installed`),
        );
      connection = kind.open(name, entry.options, this.#environment);
      // A failed open is not cached: the next step tries again (the database may be back).
      connection.catch(() => this.#open.delete(name));
      this.#open.set(name, connection);
    }
    return connection;
  }

  async close(): Promise<void> {
    const opened = [...this.#open.values()].reverse();
    this.#open.clear();
    for (const connection of opened) {
      try {
        await (await connection).close();
      } catch {
        // Opening failed or closing did: nothing left to release.
      }
    }
  }
}

function objectKeys(schema: z.ZodType): string[] {
  const shape = (schema as { shape?: Record<string, unknown> }).shape;
  return shape ? Object.keys(shape) : [];
}

function unknownConnection(name: string, known: readonly string[]): OctoflowError {
  const guess = didYouMean(name, known);
  return new OctoflowError(
    "CONFIG_INVALID",
    `there is no connection named "${name}"${guess ? ` — did you mean "${guess}"?` : ""}`,
    {
      hint: known.length ? `connections: ${known.join(", ")}` : "add it to connections.yml under DATA_PATH",
    },
  );
}

function invalid(file: string, diagnostics: readonly Diagnostic[]): OctoflowError {
  return new OctoflowError(
    "CONFIG_INVALID",
    `${file} is not valid:\n  ${diagnostics.map(formatDiagnostic).join("\n  ")}`,
    {
      details: { diagnostics },
    },
  );
}
