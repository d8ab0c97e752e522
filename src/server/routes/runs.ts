import { z } from "zod";
import type { ServerContext, ZodServer } from "../context.js";
import { ApiError } from "../errors.js";
import {
  cancelRun,
  launchRun,
  requireRun,
  resumeRun,
  runDetail,
  runLinks,
  runSummary,
} from "../run-operations.js";
import {
  errorSchema,
  idParams,
  launchBody,
  launchedSchema,
  listRunsQuery,
  logPageSchema,
  logsQuery,
  runListSchema,
  runReportSchema,
  runSummarySchema,
} from "../schemas.js";

const tags = ["runs"];

/** `/api/v1/runs`: launch, list, get, cancel, resume, logs and the live event stream. */
export function registerRunRoutes(server: ZodServer, ctx: ServerContext): void {
  server.post(
    "/api/v1/runs",
    {
      schema: {
        tags,
        summary: "Launch a run; answers at once with its id while the run goes on in the background",
        body: launchBody,
        response: { 202: launchedSchema, 400: errorSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const withUpstream = body.with_upstream ?? body.withUpstream;
      const withDownstream = body.with_downstream ?? body.withDownstream;
      const run = await launchRun(ctx, {
        flow: body.flow,
        input: body.input,
        flowInputId: body.flow_input_id ?? body.flowInputId,
        selection: {
          ...(body.only?.length ? { only: body.only } : {}),
          ...(withUpstream ? { withUpstream: true } : {}),
          ...(withDownstream ? { withDownstream: true } : {}),
        },
        trigger: "api",
      });
      const links = runLinks(run.id);
      return reply
        .code(202)
        .header("location", links.self)
        .send({ ...runSummary(run), links });
    },
  );

  server.get(
    "/api/v1/runs",
    {
      schema: {
        tags,
        summary: "List runs, newest first",
        querystring: listRunsQuery,
        response: { 200: runListSchema },
      },
    },
    async (request) => {
      const { flow, state, limit, before, parent } = request.query;
      const runs = await ctx.app.store.listRuns({
        limit,
        ...(flow === undefined ? {} : { flow }),
        ...(state === undefined ? {} : { state }),
        ...(before === undefined ? {} : { beforeId: before }),
        ...(parent === undefined ? {} : { parentRunId: parent }),
      });
      const last = runs[runs.length - 1];
      return {
        runs: runs.map((run) => ctx.app.secrets.redactValue(runSummary(run))),
        next: runs.length === limit && last ? last.id : null,
      };
    },
  );

  server.get(
    "/api/v1/runs/:id",
    {
      schema: {
        tags,
        summary: "A run with its steps, progress, data and errors",
        params: idParams,
        response: { 200: runReportSchema, 404: errorSchema },
      },
    },
    async (request) => runDetail(ctx, await requireRun(ctx, request.params.id)),
  );

  server.post(
    "/api/v1/runs/:id/cancel",
    {
      schema: {
        tags,
        summary: "Cancel a running run; answers once it ended (or after 5 s)",
        params: idParams,
        response: { 200: runSummarySchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => runSummary(await cancelRun(ctx, request.params.id)),
  );

  server.post(
    "/api/v1/runs/:id/resume",
    {
      schema: {
        tags,
        summary: "Go on with a FAILED or CANCELLED run from its completed steps",
        params: idParams,
        response: { 202: launchedSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const run = await resumeRun(ctx, request.params.id);
      return reply.code(202).send({ ...runSummary(run), links: runLinks(run.id) });
    },
  );

  server.get(
    "/api/v1/runs/:id/logs",
    {
      schema: {
        tags,
        summary: "A run's log lines, oldest first, a page at a time",
        params: idParams,
        querystring: logsQuery,
        response: { 200: logPageSchema, 404: errorSchema },
      },
    },
    async (request) => {
      await requireRun(ctx, request.params.id);
      const { after, limit } = request.query;
      const logs = await ctx.app.store.listLogs(request.params.id, { afterId: after, limit });
      const last = logs[logs.length - 1];
      return {
        logs: ctx.app.secrets.redactValue(logs),
        next: logs.length === limit && last ? last.id : null,
      };
    },
  );

  server.get(
    "/api/v1/events",
    {
      exposeHeadRoute: false,
      schema: {
        tags,
        summary: "Server-Sent Events of every run this server executes: `run` (state changes) and `progress`",
        description:
          "For live lists of runs. Progress is sent at most twice a second per run; log lines are not sent.",
        response: { 200: z.string().meta({ description: "text/event-stream" }) },
      },
    },
    async (_request, reply) => {
      if (ctx.state.shuttingDown) throw new ApiError(503, "SHUTTING_DOWN", "the server is shutting down");
      reply.hijack();
      await ctx.runList.follow(reply.raw);
    },
  );

  server.get(
    "/api/v1/runs/:id/events",
    {
      exposeHeadRoute: false,
      schema: {
        tags,
        summary:
          "Server-Sent Events: snapshot, then every run, step, progress and log event as it happens, then end",
        description:
          "Log lines carry their id as the SSE id; reconnect with Last-Event-ID (or ?after=ID) to get only the lines after it.",
        params: idParams,
        querystring: z.object({ after: z.coerce.number().int().min(0).optional() }),
        headers: z.object({ "last-event-id": z.string().regex(/^\d+$/, "must be a log line id").optional() }),
        response: { 200: z.string().meta({ description: "text/event-stream" }), 404: errorSchema },
      },
    },
    async (request, reply) => {
      await requireRun(ctx, request.params.id);
      if (ctx.state.shuttingDown) throw new ApiError(503, "SHUTTING_DOWN", "the server is shutting down");
      const header = request.headers["last-event-id"];
      const after = request.query.after ?? (header === undefined ? 0 : Number(header));
      reply.hijack();
      await ctx.streams.follow(reply.raw, request.params.id, after);
    },
  );
}
