import { readFile, stat } from "node:fs/promises";
import type { PluginRegistry } from "../plugins/registry.js";
import type { Diagnostic } from "./diagnostics.js";
import { formatDiagnostic } from "./diagnostics.js";
import { OctoflowError } from "./errors.js";
import type { FlowDefinition } from "./flow-schema.js";
import type { ValidationResult } from "./flow-validator.js";
import { validateFlow } from "./flow-validator.js";
import { MAX_FLOW_FILE_BYTES, parseYaml } from "./yaml-source.js";

/**
 * Reads and validates a YAML flow file. Problems come back as diagnostics, never as exceptions,
 * except a file that cannot be read at all.
 *
 * @example
 * const result = await loadFlowFile("data/flows/jira.yml", registry);
 * if (!result.ok) console.error(result.diagnostics.map(formatDiagnostic).join("\n"));
 */
export async function loadFlowFile(file: string, registry: PluginRegistry): Promise<ValidationResult> {
  let size: number;
  try {
    size = (await stat(file)).size;
  } catch (error) {
    throw new OctoflowError(
      "FLOW_NOT_FOUND",
      `cannot read flow file ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      {
        hint: "check the path; relative flow paths are looked up in FLOWS_PATH and then the current directory",
        cause: error,
      },
    );
  }
  if (size > MAX_FLOW_FILE_BYTES) {
    const diagnostic: Diagnostic = {
      file,
      line: 0,
      column: 0,
      path: "",
      message: `the file is ${size} bytes, more than the ${MAX_FLOW_FILE_BYTES}-byte limit for a flow file`,
      hint: "split the flow into sub-flows, or keep large data in files that steps read",
    };
    return { ok: false, diagnostics: [diagnostic] };
  }
  return loadFlowText(file, await readFile(file, "utf8"), registry);
}

/** Parses and validates flow text; `file` names it in diagnostics. */
export async function loadFlowText(
  file: string,
  text: string,
  registry: PluginRegistry,
): Promise<ValidationResult> {
  const parsed = parseYaml(file, text);
  if (!parsed.ok) return { ok: false, diagnostics: parsed.diagnostics };
  const result = await validateFlow(parsed.source, registry);
  if (!result.ok) return result;
  return {
    ...result,
    flow: Object.freeze({ ...result.flow, source: Object.freeze({ ...result.flow.source, text }) }),
  };
}

/** Like loadFlowFile, but throws one FLOW_INVALID error listing every diagnostic. */
export async function requireFlowFile(file: string, registry: PluginRegistry): Promise<FlowDefinition> {
  const result = await loadFlowFile(file, registry);
  if (result.ok) return result.flow;
  throw invalidFlowError(file, result.diagnostics);
}

export function invalidFlowError(file: string, diagnostics: readonly Diagnostic[]): OctoflowError {
  const count = diagnostics.length;
  return new OctoflowError(
    "FLOW_INVALID",
    `${file}: ${count} problem${count === 1 ? "" : "s"}\n${diagnostics.map(formatDiagnostic).join("\n")}`,
    {
      details: { diagnostics },
    },
  );
}
