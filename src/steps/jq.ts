import { z } from "zod";
import { checkJq, runJq } from "../model/jq.js";
import { defineStepType } from "../plugins/step-type.js";

/**
 * Seed 003's jq step: transforms the picked data with a jq program (real jq semantics). One
 * result is the output; several become a list; none gives null. The data reaches jq as input,
 * never as program text.
 */
export const jqStep = defineStepType({
  name: "jq",
  description: "Transforms data with a jq expression.",
  options: z.strictObject({
    expression: z
      .string()
      .min(1)
      .meta({ description: 'A jq program, e.g. "[.issues[] | {key, summary: .fields.summary}]".' }),
    data_key: z.string().optional().meta({ description: "The run data to transform (default: null)." }),
  }),
  rawOptions: ["expression"],
  check: async (options) => {
    const problem = await checkJq(options.expression);
    return problem ? [{ path: ["expression"], message: `jq expression does not parse: ${problem}` }] : [];
  },
  run: async ({ options, input, context }) => {
    const results = await runJq(options.expression, input ?? null, { signal: context.signal });
    return results.length === 1 ? results[0] : results.length === 0 ? null : results;
  },
});
