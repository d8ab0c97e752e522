import { z } from "zod";
import { OctoflowError } from "../model/errors.js";
import { defineStepType } from "../plugins/step-type.js";

/** What a flow or flow_loop step gives back from a sub-run: its whole data, or one key of it. */
export function pickOutput(
  data: Readonly<Record<string, unknown>>,
  outputKey: string | undefined,
  path: string,
): unknown {
  if (outputKey === undefined) return data;
  if (!Object.hasOwn(data, outputKey)) {
    throw new OctoflowError("STEP_FAILED", `sub-flow ${path} has no "${outputKey}" in its data`, {
      hint: `its data has: ${Object.keys(data).join(", ") || "nothing"}; set output_key to one of them`,
    });
  }
  return data[outputKey];
}

/**
 * Seed 003's flow step: runs another flow (a path under FLOWS_PATH) with the picked data as its
 * input, as a real run linked to this one. A mapping becomes the sub-run's data; any other value
 * arrives as `data`.
 */
export const flowStep = defineStepType({
  name: "flow",
  description: "Runs another flow (relative to FLOWS_PATH) with the picked data as its input.",
  options: z.strictObject({
    path: z.string().min(1).meta({ description: "The flow file, relative to FLOWS_PATH." }),
    data_key: z.string().optional().meta({ description: "The run data the sub-flow starts from." }),
    output_key: z
      .string()
      .optional()
      .meta({ description: "Return only this key of the sub-run's data (default: all of it)." }),
  }),
  run: async ({ options, input, context }) => {
    const data = await context.subflows.run(options.path, input ?? {});
    return pickOutput(data, options.output_key, options.path);
  },
});
