import { z } from "zod";
import { defineStepType } from "../plugins/step-type.js";

/** Writes a line to the run's log; the message is a template over the run's data. */
export const logStep = defineStepType({
  name: "log",
  description: "Writes a message to the run's log; its output is the message.",
  options: z.strictObject({
    message: z
      .string()
      .meta({ description: 'The text; a template, e.g. "found {{ issues | length }} issues".' }),
    level: z
      .enum(["debug", "info", "warn", "error"])
      .default("info")
      .meta({ description: "Log level (default info)." }),
    data_key: z.string().optional().meta({ description: "The run data the step takes as input." }),
  }),
  run: ({ options, context }) => {
    context.log[options.level](options.message);
    return options.message;
  },
});
