import { z } from "zod";
import { duration } from "../../services/run-report.js";
import type { ServerContext, ZodServer } from "../context.js";
import { requireRun } from "../run-operations.js";
import { STEP_STATES, errorSchema, idParams } from "../schemas.js";

/** A run with more step runs than this (a for_each over a huge list) answers the first ones. */
const MAX_STEP_RUNS = 20_000;

const stepRunSchema = z.object({
  id: z.int(),
  step: z.string(),
  item: z.int().nullable(),
  attempt: z.int(),
  state: z.enum(STEP_STATES),
  startedUtc: z.string(),
  endedUtc: z.string().nullable(),
  durationMs: z.number().nullable(),
  error: z.string().nullable(),
});

/**
 * `GET /api/v1/runs/{id}/step-runs`: every attempt of every step and for_each item of a run, in
 * the order they started — the trace a timeline draws.
 */
export function registerStepRunRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get(
    "/api/v1/runs/:id/step-runs",
    {
      schema: {
        tags: ["runs"],
        summary: "A run's step runs: one per attempt of each step and for_each item, oldest first",
        params: idParams,
        response: {
          200: z.object({ stepRuns: z.array(stepRunSchema), truncated: z.boolean() }),
          404: errorSchema,
        },
      },
    },
    async (request) => {
      await requireRun(ctx, request.params.id);
      const records = await ctx.app.store.listStepRuns(request.params.id);
      const stepRuns = records.slice(0, MAX_STEP_RUNS).map((r) => ({
        id: r.id,
        step: r.stepName,
        item: r.itemIndex,
        attempt: r.attempt,
        state: r.state,
        startedUtc: r.startedUtc,
        endedUtc: r.endedUtc,
        durationMs: duration(r.startedUtc, r.endedUtc),
        error: r.error,
      }));
      return ctx.app.secrets.redactValue({ stepRuns, truncated: records.length > MAX_STEP_RUNS });
    },
  );
}
