import { isAbsolute, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { z } from "zod";
import { NonRetriableError } from "../model/errors.js";
import type { StepRunArgs } from "../plugins/step-type.js";
import { defineStepType } from "../plugins/step-type.js";

/** A function a task step calls; what it returns is the step's output. */
export type TaskFunction = (
  args: StepRunArgs<unknown> & { readonly args: Readonly<Record<string, unknown>> },
) => unknown;

const taskOptions = z.strictObject({
  module: z
    .string()
    .optional()
    .meta({ description: "A JavaScript module, relative to the flow file, that exports the function." }),
  export: z
    .string()
    .default("default")
    .meta({ description: "The name of the exported function (default: default)." }),
  args: z
    .record(z.string(), z.unknown())
    .default({})
    .meta({ description: "Arguments passed to the function as `args`." }),
  data_key: z.string().optional(),
  /** Set by the TypeScript code API, not in YAML. */
  function: z.custom<TaskFunction>((value) => typeof value === "function").optional(),
});

/** Runs code: a function given by the code API, or one exported by a module next to the flow. */
export const taskStep = defineStepType({
  name: "task",
  description: "Runs a JavaScript function from a module (or from the TypeScript code API).",
  options: taskOptions.refine((o) => o.module !== undefined || o.function !== undefined, {
    message: "a task step needs `module` (a JavaScript file exporting a function)",
  }),
  rawOptions: ["function"],
  run: async (step) => {
    const { options, context } = step;
    const fn =
      options.function ?? (await importTask(options.module as string, options.export, context.flowDirectory));
    return fn({ ...step, args: options.args });
  },
});

async function importTask(
  module: string,
  name: string,
  flowDirectory: string | undefined,
): Promise<TaskFunction> {
  const file = isAbsolute(module) ? module : resolve(flowDirectory ?? process.cwd(), module);
  let loaded: Record<string, unknown>;
  try {
    loaded = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  } catch (error) {
    throw new NonRetriableError(`cannot load task module ${file}: ${(error as Error).message}`, {
      hint: "the path is relative to the flow file; the module must be JavaScript (ESM)",
      cause: error,
    });
  }
  const fn = loaded[name];
  if (typeof fn !== "function") {
    const exported = Object.keys(loaded).join(", ") || "nothing";
    throw new NonRetriableError(
      `task module ${file} has no exported function "${name}" (it exports ${exported})`,
      {
        hint: "set `export:` to the name of the function",
      },
    );
  }
  return fn as TaskFunction;
}
