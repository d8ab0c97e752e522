import { pathToFileURL } from "node:url";
import type { App } from "./app.js";
import { OctoflowError } from "../model/errors.js";
import type { FlowDefinition } from "../model/flow-schema.js";
import { invalidFlowError, requireFlowFile } from "../model/flow-loader.js";
import { validateFlow } from "../model/flow-validator.js";
import { resolveFlowPath } from "../services/flow-files.js";

/**
 * Loads and validates the flow a command names: a YAML file, or a JavaScript module whose default
 * export is a flow built with the code API. Throws FLOW_INVALID with every problem.
 */
export async function loadFlowArg(
  app: Pick<App, "settings" | "registry">,
  reference: string,
): Promise<FlowDefinition> {
  const file = resolveFlowPath(reference, app.settings);
  if (!/\.(mjs|js)$/.test(file)) return requireFlowFile(file, app.registry);
  let module: { default?: unknown };
  try {
    module = (await import(pathToFileURL(file).href)) as { default?: unknown };
  } catch (error) {
    throw new OctoflowError("FLOW_INVALID", `cannot load flow module ${file}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (module.default === undefined) {
    throw new OctoflowError("FLOW_INVALID", `flow module ${file} has no default export`, {
      hint: 'end it with `export default flow("name", [...])`',
    });
  }
  const result = await validateFlow({ file, value: module.default }, app.registry);
  if (!result.ok) throw invalidFlowError(file, result.diagnostics);
  return result.flow;
}
