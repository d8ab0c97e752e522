import { z } from "zod";
import { OctoflowError, errorText, isCancellation } from "../model/errors.js";
import { defineStepType } from "../plugins/step-type.js";
import { pickOutput } from "./flow.js";

/**
 * Seed 003's flow_loop step: runs another flow once per item of a list, at most `concurrency` at
 * a time, and collects the results in the list's order. Each sub-run sees the item's keys (when
 * it is a mapping) plus `item` and `item_index`.
 */
export const flowLoopStep = defineStepType({
  name: "flow_loop",
  description: "Runs another flow once per item of a list, collecting the results in order.",
  options: z.strictObject({
    path: z.string().min(1).meta({ description: "The flow file, relative to FLOWS_PATH." }),
    data_key: z.string().optional().meta({ description: "The list to loop over." }),
    concurrency: z.int().min(1).max(1000).default(4).meta({ description: "Sub-runs at once (default 4)." }),
    output_key: z.string().optional().meta({ description: "Collect only this key of each sub-run's data." }),
  }),
  run: async ({ options, input, context }) => {
    if (!Array.isArray(input)) {
      throw new OctoflowError(
        "STEP_FAILED",
        `flow_loop needs a list to loop over, got ${input === null ? "null" : typeof input}`,
        {
          hint: "point data_key at a list in the run's data",
        },
      );
    }
    const results: unknown[] = new Array(input.length);
    const failures: string[] = [];
    let next = 0;
    let done = 0;
    const worker = async (): Promise<void> => {
      while (next < input.length && !context.signal.aborted) {
        const index = next++;
        const item: unknown = input[index];
        const args = {
          ...(item !== null && typeof item === "object" && !Array.isArray(item) ? item : {}),
          item,
          item_index: index,
        };
        try {
          results[index] = pickOutput(
            await context.subflows.run(options.path, args),
            options.output_key,
            options.path,
          );
        } catch (error) {
          if (isCancellation(error) || context.signal.aborted) throw error;
          failures.push(`item ${index}: ${errorText(error)}`);
        }
        context.progress({ done: ++done, total: input.length, unit: "runs" });
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, input.length) }, worker));
    if (context.signal.aborted) throw context.signal.reason;
    if (failures.length > 0) {
      throw new OctoflowError(
        "STEP_FAILED",
        `${failures.length} of ${input.length} sub-runs failed: ${failures.slice(0, 3).join("; ")}${failures.length > 3 ? "; …" : ""}`,
      );
    }
    context.log.info(`ran ${options.path} for ${input.length} items`);
    return results;
  },
});
