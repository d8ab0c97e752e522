import { existsSync, readFileSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { formatDiagnostic } from "../model/diagnostics.js";
import { OctoflowError } from "../model/errors.js";
import { parseYaml } from "../model/yaml-source.js";
import { explainIssues } from "../model/zod-issues.js";
import type { PluginRegistry } from "../plugins/registry.js";
import type { OctoflowPlugin } from "../plugins/step-type.js";

const configSchema = z.strictObject({
  autostart: z.array(z.string()).default([]).meta({
    description: "Flow paths (relative to FLOWS_PATH) scheduled when the server starts (seed 003).",
  }),
  plugins: z
    .array(z.string())
    .default([])
    .meta({ description: "npm packages, or modules relative to DATA_PATH, that add step types." }),
});

/** config.yml (CONFIG_FILE): optional; every field has a default. */
export type ConfigFile = z.output<typeof configSchema>;

/**
 * Reads CONFIG_FILE. A missing file means defaults; a bad one is refused with file:line:column.
 *
 * @example const config = loadConfigFile(settings.configFile);
 */
export function loadConfigFile(file: string): ConfigFile {
  if (!existsSync(file)) return configSchema.parse({});
  const parsed = parseYaml(file, readFileSync(file, "utf8"));
  if (!parsed.ok) throw configError(file, parsed.diagnostics.map(formatDiagnostic));
  const result = configSchema.safeParse(parsed.source.value ?? {});
  if (result.success) return result.data;
  const messages = explainIssues(result.error.issues, parsed.source.value, () =>
    Object.keys(configSchema.shape),
  ).map((issue) => {
    const { line, column } = parsed.source.locate(issue.path, { key: issue.atKey ?? false });
    return `${file}:${line}:${column} ${issue.path.join(".")}: ${issue.message}${issue.hint ? ` (${issue.hint})` : ""}`;
  });
  throw configError(file, messages);
}

function configError(file: string, messages: readonly string[]): OctoflowError {
  return new OctoflowError(
    "CONFIG_INVALID",
    `the configuration file ${file} is not valid:\n  ${messages.join("\n  ")}`,
    {
      hint: "fix it, or point CONFIG_FILE elsewhere",
    },
  );
}

/**
 * Loads the plugins config.yml names and registers them. A plugin module exports an
 * OctoflowPlugin as its default export (or as `plugin`).
 */
export async function loadPlugins(
  names: readonly string[],
  dataPath: string,
  registry: PluginRegistry,
): Promise<void> {
  for (const name of names) {
    const local = name.startsWith(".") || isAbsolute(name);
    const specifier = local ? pathToFileURL(resolve(dataPath, name)).href : name;
    let module: { default?: unknown; plugin?: unknown };
    try {
      module = (await import(specifier)) as typeof module;
    } catch (error) {
      throw new OctoflowError("PLUGIN_INVALID", `cannot load plugin ${name}: ${(error as Error).message}`, {
        hint: local ? "the path is relative to DATA_PATH" : `install it with npm install ${name}`,
        cause: error,
      });
    }
    const plugin = (module.plugin ?? module.default) as OctoflowPlugin | undefined;
    if (!plugin || typeof plugin !== "object" || typeof plugin.name !== "string") {
      throw new OctoflowError("PLUGIN_INVALID", `plugin ${name} exports no plugin object`, {
        hint: "export default { name: 'my-plugin', stepTypes: [...] }",
      });
    }
    registry.register(plugin);
  }
}
