import { z } from "zod";
import type { ScheduleEntry } from "../../services/scheduler.js";
import type { ScheduleApi, ServerContext, ZodServer } from "../context.js";
import { ApiError } from "../errors.js";
import { errorSchema, pathBody } from "../schemas.js";

const tags = ["schedules"];
const entrySchema = z
  .looseObject({ id: z.string() })
  .meta({ description: "A flow in the scheduler, with its guid and next fire time." });

function scheduler(ctx: ServerContext): ScheduleApi {
  if (!ctx.scheduler) throw new ApiError(503, "SCHEDULER_OFF", "this server runs no scheduler");
  return ctx.scheduler;
}

/** Adds the flow at `path` (under FLOWS_PATH, with a schedule) to the scheduler; answers its entry with the guid. */
export async function addSchedule(ctx: ServerContext, path: string): Promise<EntryView> {
  // Loading it here first answers a missing or invalid flow with paths relative to FLOWS_PATH.
  await ctx.flows.load(path);
  return entryView(await scheduler(ctx).add(ctx.flows.relative(await ctx.flows.resolve(path))));
}

export async function listSchedules(ctx: ServerContext): Promise<EntryView[]> {
  return (await scheduler(ctx).list()).map(entryView);
}

export async function removeSchedule(ctx: ServerContext, id: string): Promise<{ id: string; removed: true }> {
  if (!(await scheduler(ctx).remove(id))) {
    throw new ApiError(404, "SCHEDULE_NOT_FOUND", `there is no scheduled flow ${id}`, {
      hint: "list them with GET /api/v1/schedules",
    });
  }
  return { id, removed: true };
}

/** `/api/v1/schedules`: flows run by cron or every N seconds (seed 003's scheduler). */
export function registerScheduleRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get(
    "/api/v1/schedules",
    {
      schema: {
        tags,
        summary: "Scheduled flows",
        response: { 200: z.object({ schedules: z.array(entrySchema) }) },
      },
    },
    async () => ({
      schedules: await listSchedules(ctx),
    }),
  );
  server.post(
    "/api/v1/schedules",
    {
      schema: {
        tags,
        summary: "Schedule a flow (by path under FLOWS_PATH); answers the entry with its guid",
        body: pathBody,
        response: { 201: entrySchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await addSchedule(ctx, request.body.path)),
  );
  server.delete(
    "/api/v1/schedules/:id",
    {
      schema: {
        tags,
        summary: "Remove a scheduled flow",
        params: z.object({ id: z.string().min(1).max(200) }),
        response: { 200: z.object({ id: z.string(), removed: z.literal(true) }), 404: errorSchema },
      },
    },
    async (request) => removeSchedule(ctx, request.params.id),
  );
}

type EntryView = Record<string, unknown> & { id: string };

function entryView(entry: ScheduleEntry): EntryView {
  return { ...plain(entry), id: entry.id };
}

/** An entry as JSON: dates become ISO text, functions and timers are left out. */
export function plain(value: unknown): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value ?? {})) as Record<string, unknown>;
}
