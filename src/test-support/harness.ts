import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { stringify as stringifyYaml } from "yaml";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { RunEventBus } from "../model/events.js";
import type { RunEvent } from "../model/events.js";
import { loadFlowText } from "../model/flow-loader.js";
import type { FlowDefinition } from "../model/flow-schema.js";
import { defineStepType } from "../plugins/step-type.js";
import type { OctoflowPlugin } from "../plugins/step-type.js";
import { RunService } from "../services/runs.js";
import type { SecretStore } from "../services/secrets.js";
import { createRegistry } from "../cli/app.js";
import type { PluginRegistry } from "../plugins/registry.js";
import { ConnectionPool, loadConnectionsFile } from "../services/connections.js";
import { emptySecrets } from "../services/secrets.js";
import { openSqliteStore } from "../store/sqlite/sqlite-store.js";
import type { SqliteStore } from "../store/sqlite/sqlite-store.js";

/** Step types for tests: each does one observable thing. */
export function testPlugin(state: {
  calls: Map<string, number>;
  running: number;
  maxRunning: number;
}): OctoflowPlugin {
  return {
    name: "test-steps",
    stepTypes: [
      defineStepType({
        name: "flaky",
        description: "fails the first `failures` calls, then returns `value`",
        options: z.strictObject({
          failures: z.int(),
          value: z.unknown().optional(),
          message: z.string().default("flaky failure"),
        }),
        run: ({ options, context }) => {
          const key = `${context.run.id}:${context.step.name}:${context.step.item?.index ?? ""}`;
          const calls = (state.calls.get(key) ?? 0) + 1;
          state.calls.set(key, calls);
          if (calls <= options.failures) throw new Error(`${options.message} (call ${calls})`);
          return options.value ?? calls;
        },
      }),
      defineStepType({
        name: "busy",
        description: "waits `ms`, counting how many run at once; returns its input or item",
        options: z
          .strictObject({ ms: z.number().default(20), data_key: z.string().optional() })
          .default({ ms: 20 }),
        run: async ({ options, context, input }) => {
          state.running++;
          state.maxRunning = Math.max(state.maxRunning, state.running);
          try {
            await new Promise((resolve) => setTimeout(resolve, options.ms));
          } finally {
            state.running--;
          }
          return context.step.item ? context.step.item.value : (input ?? context.step.name);
        },
      }),
      defineStepType({
        name: "hang",
        description: "never ends and ignores its signal",
        options: z.strictObject({}).optional(),
        run: () => new Promise(() => undefined),
      }),
      defineStepType({
        name: "echo",
        description: "returns its options",
        options: z.record(z.string(), z.unknown()).default({}),
        run: ({ options }) => options,
      }),
    ],
  };
}

export interface Harness {
  readonly dir: string;
  readonly store: SqliteStore;
  readonly registry: PluginRegistry;
  readonly events: RunEvent[];
  readonly bus: RunEventBus;
  readonly runs: RunService;
  readonly connections: ConnectionPool;
  readonly state: { calls: Map<string, number>; running: number; maxRunning: number };
  flow(yaml: string): Promise<FlowDefinition>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** More plugins to register after the built-in and test step types. */
  readonly plugins?: readonly OctoflowPlugin[];
  readonly secrets?: SecretStore;
  /** Entries as in connections.yml (`{ name, type, ...options }`), validated like the file. */
  readonly connections?: readonly Record<string, unknown>[];
}

/**
 * A store in a fresh temporary directory (also DATA_PATH, with flows/ and templates/ under it),
 * the built-in and test step types, and a run service.
 */
export function createHarness(options: HarnessOptions = {}): Harness {
  const dir = mkdtempSync(join(tmpdir(), "octoflow-test-"));
  const paths = { data: dir, flows: join(dir, "flows"), templates: join(dir, "templates") };
  mkdirSync(paths.flows);
  mkdirSync(paths.templates);
  const store = openSqliteStore(join(dir, "octoflow.db"));
  const state = { calls: new Map<string, number>(), running: 0, maxRunning: 0 };
  const registry = createRegistry().register(testPlugin(state));
  for (const plugin of options.plugins ?? []) registry.register(plugin);
  const bus = new RunEventBus();
  const events: RunEvent[] = [];
  bus.subscribe((event) => events.push(event));
  const secrets = options.secrets;
  const connectionsFile = join(dir, "connections.yml");
  writeFileSync(connectionsFile, stringifyYaml(options.connections ?? []));
  const connections = new ConnectionPool(loadConnectionsFile(connectionsFile, registry), registry, {
    paths,
    secrets: secrets ?? emptySecrets,
  });
  const runs = new RunService({
    store,
    registry,
    events: bus,
    paths,
    connections,
    ...(secrets ? { secrets, redact: secrets.redact } : {}),
  });
  return {
    dir,
    store,
    registry,
    events,
    bus,
    runs,
    state,
    async flow(yaml) {
      const result = await loadFlowText(join(dir, "flow.yml"), yaml, registry);
      if (!result.ok)
        throw new Error(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n"));
      return result.flow;
    },
    connections,
    async close() {
      await connections.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
