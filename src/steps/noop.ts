import { z } from "zod";
import { defineStepType } from "../plugins/step-type.js";

/** Does nothing and passes its input through: a join point, or a placeholder while drafting. */
export const noopStep = defineStepType({
  name: "noop",
  description: "Does nothing; its output is its input (from data_key) or null.",
  options: z
    .strictObject({ data_key: z.string().optional().meta({ description: "The run data to pass through." }) })
    .optional(),
  run: ({ input }) => input ?? null,
});
