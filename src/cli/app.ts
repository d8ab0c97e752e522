import { RunEventBus } from "../model/events.js";
import { PluginRegistry } from "../plugins/registry.js";
import { loadConfigFile, loadPlugins } from "../services/config-file.js";
import type { ConfigFile } from "../services/config-file.js";
import { RunService } from "../services/runs.js";
import { ConnectionPool, loadConnectionsFile } from "../services/connections.js";
import type { SecretStore } from "../services/secrets.js";
import { loadSecrets } from "../services/secrets.js";
import type { Settings } from "../services/settings.js";
import { loadSettings } from "../services/settings.js";
import { builtinPlugin } from "../steps/builtin-plugin.js";
import { filesPlugin } from "../connectors/files-plugin.js";
import { sqlPlugin } from "../connectors/sql-plugin.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { Store, StoredFlow } from "../store/store.js";

/** Everything a command needs, opened once; `close` releases it in reverse order. */
export interface App {
  readonly settings: Settings;
  readonly registry: PluginRegistry;
  readonly events: RunEventBus;
  readonly store: Store;
  readonly runs: RunService;
  readonly secrets: SecretStore;
  readonly config: ConfigFile;
  readonly connections: ConnectionPool;
  close(): Promise<void>;
}

/** The registry of step types: built-ins first, through the plugin API like any other. */
export function createRegistry(): PluginRegistry {
  return new PluginRegistry().register(builtinPlugin).register(sqlPlugin).register(filesPlugin);
}

/** The built-in step types plus the plugins config.yml names. */
export async function createConfiguredRegistry(
  settings: Settings,
  config: ConfigFile,
): Promise<PluginRegistry> {
  const registry = createRegistry();
  await loadPlugins(config.plugins, settings.dataPath, registry);
  return registry;
}

/** Opens the store and services, and marks runs left behind by a dead process as FAILED. */
export async function openApp(settings: Settings = loadSettings()): Promise<App> {
  const config = loadConfigFile(settings.configFile);
  const registry = await createConfiguredRegistry(settings, config);
  const events = new RunEventBus();
  const secrets = loadSecrets(settings.secretsPath, process.env);
  const store = openSqliteStore(settings.databaseFile);
  const paths = { data: settings.dataPath, flows: settings.flowsPath, templates: settings.templatesPath };
  const connections = new ConnectionPool(loadConnectionsFile(settings.connectionsFile, registry), registry, {
    paths,
    secrets,
  });
  const runs = new RunService({
    store,
    registry,
    events,
    secrets,
    redact: secrets.redact,
    paths,
    connections,
  });
  await runs.recoverOrphans();
  return {
    settings,
    registry,
    events,
    store,
    runs,
    secrets,
    config,
    connections,
    // Release in reverse order of acquisition: connections were opened after the store.
    close: async () => {
      await connections.close();
      await store.close();
    },
  };
}

/** Maps step names to their result_key, from a stored flow definition. */
export function resultKeys(flow: StoredFlow | undefined): Map<string, string> {
  const steps =
    (flow?.definition as { steps?: { name?: unknown; result_key?: unknown }[] } | null)?.steps ?? [];
  const keys = new Map<string, string>();
  for (const step of steps) {
    if (typeof step?.name === "string" && typeof step.result_key === "string")
      keys.set(step.name, step.result_key);
  }
  return keys;
}
