import { existsSync } from "node:fs";
import { isAbsolute, resolve } from "node:path";
import { OctoflowError } from "../model/errors.js";
import type { Settings } from "./settings.js";

/**
 * Finds a flow file from what a user typed: a path (absolute, or relative to the current
 * directory), or a path or name relative to FLOWS_PATH (`jira` finds `FLOWS_PATH/jira.yml`).
 */
export function resolveFlowPath(reference: string, settings: Settings): string {
  const candidates = isAbsolute(reference)
    ? [reference]
    : [
        resolve(reference),
        ...withExtensions(resolve(settings.flowsPath, reference)),
        ...withExtensions(resolve(reference)),
      ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (found) return found;
  throw new OctoflowError("FLOW_NOT_FOUND", `no flow file "${reference}"`, {
    hint: `looked for ${[...new Set(candidates)].join(", ")}`,
  });
}

function withExtensions(path: string): string[] {
  return /\.(ya?ml|json|m?js)$/.test(path) ? [path] : [path, `${path}.yml`, `${path}.yaml`];
}
