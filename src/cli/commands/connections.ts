import { Command } from "commander";
import type { ConnectionTestResult, DiscoveredObject } from "../../connectors/connector.js";
import { OctoflowError, errorText } from "../../model/errors.js";
import { loadConfigFile } from "../../services/config-file.js";
import { ConnectionPool, loadConnectionsFile } from "../../services/connections.js";
import type { ConnectionEntry } from "../../services/connections.js";
import { loadSecrets } from "../../services/secrets.js";
import type { SecretStore } from "../../services/secrets.js";
import { loadSettings } from "../../services/settings.js";
import { createConfiguredRegistry } from "../app.js";
import { EXIT, out, printJson } from "../output.js";

/** Option names that are safe to show: where a connection points, never how it logs in. */
const SHOWN = [
  "host",
  "port",
  "database",
  "user",
  "schema",
  "path",
  "bucket",
  "prefix",
  "endpoint",
  "region",
  "url",
];

interface Catalog {
  readonly entries: readonly ConnectionEntry[];
  readonly pool: ConnectionPool;
  readonly secrets: SecretStore;
}

/** Opens connections.yml with the configured plugins; `use` runs with it, then the pool is closed. */
async function withCatalog(use: (catalog: Catalog) => Promise<number>): Promise<number> {
  const settings = loadSettings();
  const registry = await createConfiguredRegistry(settings, loadConfigFile(settings.configFile));
  const secrets = loadSecrets(settings.secretsPath, process.env);
  const entries = loadConnectionsFile(settings.connectionsFile, registry);
  const paths = { data: settings.dataPath, flows: settings.flowsPath, templates: settings.templatesPath };
  const pool = new ConnectionPool(entries, registry, { paths, secrets });
  try {
    return await use({ entries, pool, secrets });
  } catch (error) {
    // Whatever a driver said, a secret value never reaches the terminal.
    throw new OctoflowError("STEP_FAILED", secrets.redact(errorText(error)), { cause: error });
  } finally {
    await pool.close();
  }
}

const context = () => ({ signal: AbortSignal.timeout(5 * 60_000) });

function where(entry: ConnectionEntry): string {
  const options = (entry.options ?? {}) as Record<string, unknown>;
  return SHOWN.filter((key) => typeof options[key] === "string" || typeof options[key] === "number")
    .map((key) => `${key}=${String(options[key])}`)
    .join(" ");
}

async function listConnections(catalog: Catalog, options: { json?: boolean }): Promise<number> {
  const rows = catalog.entries.map((entry) => ({ name: entry.name, type: entry.type, where: where(entry) }));
  if (options.json) printJson(rows);
  else if (rows.length === 0) out("no connections (add them to connections.yml under DATA_PATH)");
  else for (const row of rows) out(`${row.name.padEnd(20)} ${row.type.padEnd(9)} ${row.where}`);
  return EXIT.ok;
}

async function testConnections(
  catalog: Catalog,
  names: readonly string[],
  options: { json?: boolean },
): Promise<number> {
  const chosen = names.length ? names : catalog.entries.map((entry) => entry.name);
  const results: ({ name: string } & ConnectionTestResult)[] = [];
  for (const name of chosen) {
    let result: ConnectionTestResult;
    try {
      result = await (await catalog.pool.get(name)).test(context());
    } catch (error) {
      if (error instanceof OctoflowError && error.code === "CONFIG_INVALID") throw error;
      result = { ok: false, stage: "other", message: errorText(error) };
    }
    results.push(catalog.secrets.redactValue({ name, ...result }));
  }
  if (options.json) printJson(results);
  for (const result of options.json ? [] : results) {
    if (result.ok) out(`ok      ${result.name}: ${result.message}`);
    else
      out(
        `FAILED  ${result.name} (${result.stage}): ${result.message}${result.hint ? `\n        hint: ${result.hint}` : ""}`,
      );
  }
  return results.every((result) => result.ok) ? EXIT.ok : EXIT.failed;
}

async function discoverConnection(
  catalog: Catalog,
  name: string,
  options: { json?: boolean },
): Promise<number> {
  const found = await (await catalog.pool.get(name)).discover(context());
  if (options.json) {
    printJson(found);
    return EXIT.ok;
  }
  if (found.length === 0) out(`${name}: nothing found`);
  for (const object of found) out(describeObject(object));
  return EXIT.ok;
}

function describeObject(object: DiscoveredObject): string {
  const name = object.schema ? `${object.schema}.${object.name}` : object.name;
  const facts = [
    object.kind,
    object.rowEstimate === undefined ? undefined : `~${object.rowEstimate} rows`,
    object.size === undefined ? undefined : `${object.size} bytes`,
    object.mimeType,
  ].filter(Boolean);
  const columns = (object.columns ?? []).map((column) => {
    const type =
      column.type.kind === "decimal"
        ? `decimal(${column.type.precision},${column.type.scale})`
        : column.type.kind;
    return `    ${column.name} ${type}${column.nullable ? "" : " not null"}`;
  });
  return [`${name}  (${facts.join(", ")})`, ...columns].join("\n");
}

/**
 * `octoflow connections list | test [NAME…] | discover NAME`, each with `--json`.
 *
 * @example program.addCommand(connectionsCommand(setCode));
 */
export function connectionsCommand(setCode: (code: number) => void): Command {
  const command = new Command("connections").description(
    "look at and try the connections of connections.yml",
  );
  const action =
    <Args extends unknown[]>(work: (catalog: Catalog, ...args: Args) => Promise<number>) =>
    async (...args: Args): Promise<void> =>
      setCode(await withCatalog((catalog) => work(catalog, ...args)));
  command
    .command("list")
    .description("list the connections: name, type and where they point (never passwords)")
    .option("--json", "print as JSON")
    .action(action((catalog, options: { json?: boolean }) => listConnections(catalog, options)));
  command
    .command("test")
    .description(
      "connect and say what failed: DNS, refused, timeout, TLS, auth, missing database (all when no NAME)",
    )
    .argument("[name...]", "connection names")
    .option("--json", "print as JSON")
    .action(
      action((catalog, names: string[], options: { json?: boolean }) =>
        testConnections(catalog, names, options),
      ),
    );
  command
    .command("discover")
    .description("list tables and views with columns, types and row estimates; or files with size and type")
    .argument("<name>", "a connection name")
    .option("--json", "print as JSON")
    .action(
      action((catalog, name: string, options: { json?: boolean }) =>
        discoverConnection(catalog, name, options),
      ),
    );
  return command;
}
