import type { App } from "./app.js";
import type { FlowDefinition } from "../model/flow-schema.js";
import { requireFlowFile } from "../model/flow-loader.js";
import { resolveFlowPath } from "../services/flow-files.js";

/** Loads and validates the flow a command names; throws FLOW_INVALID with every problem. */
export async function loadFlowArg(app: Pick<App, "settings" | "registry">, reference: string): Promise<FlowDefinition> {
  return requireFlowFile(resolveFlowPath(reference, app.settings), app.registry);
}
