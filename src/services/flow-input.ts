import { OctoflowError } from "../model/errors.js";
import type { FlowDefinition } from "../model/flow-schema.js";

/**
 * Checks arguments against the flow's declared inputs: fills defaults, converts text given on a
 * command line to the declared type, and refuses missing required inputs. Undeclared arguments
 * pass as given.
 */
export function prepareInput(
  flow: FlowDefinition,
  args: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const result: Record<string, unknown> = { ...args };
  for (const [name, declared] of Object.entries(flow.inputs ?? {})) {
    if (result[name] === undefined) {
      if (declared.default !== undefined) result[name] = declared.default;
      else if (declared.required) {
        throw new OctoflowError(
          "INPUT_INVALID",
          `flow ${flow.name} needs the input "${name}"${declared.description ? ` (${declared.description})` : ""}`,
          {
            hint: `pass it with --input ${name}=…`,
          },
        );
      }
      continue;
    }
    result[name] = convert(flow.name, name, declared.type, result[name]);
  }
  return result;
}

function convert(flow: string, name: string, type: string, value: unknown): unknown {
  const fail = (): never => {
    throw new OctoflowError(
      "INPUT_INVALID",
      `input "${name}" of flow ${flow} must be ${type === "integer" ? "an integer" : `a ${type}`}, got ${JSON.stringify(value)}`,
    );
  };
  if (typeof value !== "string") {
    const actual = Array.isArray(value) ? "array" : value === null ? "null" : typeof value;
    const ok =
      actual === type ||
      (type === "integer" && Number.isInteger(value)) ||
      (type === "number" && actual === "number");
    return ok ? value : fail();
  }
  switch (type) {
    case "string":
      return value;
    case "number":
    case "integer": {
      const number = Number(value);
      if (value.trim() === "" || Number.isNaN(number) || (type === "integer" && !Number.isInteger(number)))
        fail();
      return number;
    }
    case "boolean":
      if (value === "true") return true;
      if (value === "false") return false;
      return fail();
    default: {
      try {
        const parsed: unknown = JSON.parse(value);
        const actual = Array.isArray(parsed) ? "array" : typeof parsed;
        return actual === type ? parsed : fail();
      } catch {
        return fail();
      }
    }
  }
}
