import { z } from "zod";
import { sleep } from "../model/abort.js";
import { durationSchema } from "../model/duration.js";
import { defineStepType } from "../plugins/step-type.js";

/** Waits, reporting progress, and stops at once when the run is cancelled. */
export const sleepStep = defineStepType({
  name: "sleep",
  description: "Waits for a duration; honours cancellation.",
  options: z.strictObject({ duration: durationSchema.meta({ description: 'How long, e.g. 5 or "2m".' }) }),
  run: async ({ options, context, input }) => {
    const end = Date.now() + options.duration;
    // Wake up now and then to report progress; a short sleep is a single wait.
    const tick = Math.max(100, options.duration / 20);
    while (Date.now() < end) {
      await sleep(Math.min(tick, end - Date.now()), context.signal);
      context.progress(1 - Math.max(0, end - Date.now()) / options.duration);
    }
    return input ?? null;
  },
});
