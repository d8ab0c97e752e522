import { z } from "zod";
import type { RunRecord } from "../store/store.js";
import type { ServerContext, ZodServer } from "./context.js";
import { flowInputFields } from "./routes/flow-inputs.js";
import { addSchedule, listSchedules, removeSchedule } from "./routes/schedules.js";
import { listLocks, removeAllLocks, removeLock, removedLocksSchema } from "./routes/locks.js";
import {
  cancelRun,
  createFlowInput,
  flowInputView,
  launchRun,
  requireFlowInput,
  requireRun,
  runLinks,
  runSummary,
} from "./run-operations.js";
import {
  errorSchema,
  flowInputBody,
  flowInputSchema,
  idParams,
  launchPathBody,
  launchedSchema,
  pathBody,
} from "./schemas.js";

/** Seed 001 allows this many log lines in a FlowOutput; the full log is at /api/v1/runs/{id}/logs. */
const SEED_LOG_LINES = 10_000;

const textList = z.object({ lines: z.array(z.string()), updateTime: z.string().nullable() });
export const seedFlowSchema = z
  .object({
    id: z.int(),
    createdUtc: z.string(),
    flow: z.string(),
    flowInputId: z.int().nullable(),
    flowOutputId: z.int(),
    flowOutput: z.object({
      id: z.int(),
      state: z.enum(["READY", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"]),
      progress: z.object({ percent: z.number(), updateTime: z.string() }),
      logs: textList,
      errors: textList,
    }),
  })
  .meta({
    description:
      "Seed 001's Flow: a run with its FlowInputID and its FlowOutput (state, progress, logs, errors).",
  });

const createSeedFlowBody = z
  .strictObject({
    flowInputId: z.int().positive().optional(),
    flow_input_id: z.int().positive().optional(),
    FlowInputID: z.int().positive().optional(),
    flow: z
      .string()
      .min(1)
      .max(500)
      .optional()
      .meta({ description: "The flow to run when the flow input names none." }),
  })
  .refine(
    (b) => b.flowInputId !== undefined || b.flow_input_id !== undefined || b.FlowInputID !== undefined,
    {
      message: "the id of a flow input is required",
      path: ["flowInputId"],
    },
  );

/**
 * The seeds' own routes, as thin aliases over the handlers of the canonical API. Seed 001 calls
 * a run a "flow" and answers it with its FlowOutput; seed 003 drives the scheduler and locks.
 */
export function registerSeedRoutes(server: ZodServer, ctx: ServerContext): void {
  const seed001 = { tags: ["seed 001 (api/v1.0)"] };
  server.post(
    "/api/v1.0/flow-inputs",
    {
      schema: {
        ...seed001,
        summary: "Create a flow input",
        body: flowInputBody,
        response: { 201: flowInputSchema, 400: errorSchema },
      },
    },
    async (request, reply) =>
      reply.code(201).send(flowInputView(ctx, await createFlowInput(ctx, flowInputFields(request.body)))),
  );
  server.get(
    "/api/v1.0/flow-inputs/:id",
    {
      schema: {
        ...seed001,
        summary: "Read a flow input",
        params: idParams,
        response: { 200: flowInputSchema, 404: errorSchema },
      },
    },
    async (request) => flowInputView(ctx, await requireFlowInput(ctx, request.params.id)),
  );
  server.post(
    "/api/v1.0/flows",
    {
      schema: {
        ...seed001,
        summary: "Create a flow (a run) from a flow input and start it",
        body: createSeedFlowBody,
        response: { 201: seedFlowSchema, 400: errorSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const flowInputId = (request.body.flowInputId ??
        request.body.flow_input_id ??
        request.body.FlowInputID) as number;
      const run = await launchRun(ctx, { flow: request.body.flow, flowInputId, trigger: "api" });
      return reply
        .code(201)
        .header("location", `/api/v1.0/flows/${run.id}`)
        .send(await seedFlow(ctx, run));
    },
  );
  server.get(
    "/api/v1.0/flows/:id",
    {
      schema: {
        ...seed001,
        summary: "Read a flow with its output",
        params: idParams,
        response: { 200: seedFlowSchema, 404: errorSchema },
      },
    },
    async (request) => seedFlow(ctx, await requireRun(ctx, request.params.id)),
  );
  server.post(
    "/api/v1.0/flows/cancel/:id",
    {
      schema: {
        ...seed001,
        summary: "Cancel a flow",
        params: idParams,
        response: { 200: seedFlowSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (request) => seedFlow(ctx, await cancelRun(ctx, request.params.id)),
  );

  const seed003 = { tags: ["seed 003 (api)"] };
  const entry = z.looseObject({ id: z.string() });
  server.post(
    "/api/flows/add",
    {
      schema: {
        ...seed003,
        summary: "Add a flow to the scheduler; answers its guid",
        body: pathBody,
        response: { 201: entry, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => reply.code(201).send(await addSchedule(ctx, request.body.path)),
  );
  server.get(
    "/api/flows",
    {
      schema: { ...seed003, summary: "The flows added to the scheduler", response: { 200: z.array(entry) } },
    },
    async () => listSchedules(ctx),
  );
  server.delete(
    "/api/flows/:id",
    {
      schema: {
        ...seed003,
        summary: "Remove a flow from the scheduler",
        params: z.object({ id: z.string().min(1).max(200) }),
        response: { 200: z.object({ id: z.string(), removed: z.literal(true) }), 404: errorSchema },
      },
    },
    async (request) => removeSchedule(ctx, request.params.id),
  );
  server.post(
    "/api/flows/launch",
    {
      schema: {
        ...seed003,
        summary: "Launch a flow by path",
        body: launchPathBody,
        response: { 202: launchedSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const run = await launchRun(ctx, {
        flow: request.body.path,
        input: request.body.input,
        trigger: "api",
      });
      return reply.code(202).send({ ...runSummary(run), links: runLinks(run.id) });
    },
  );
  server.get(
    "/api/locks",
    { schema: { ...seed003, summary: "The locks held", response: { 200: z.array(z.looseObject({})) } } },
    async () => listLocks(ctx),
  );
  server.delete(
    "/api/locks",
    { schema: { ...seed003, summary: "Remove every lock", response: { 200: removedLocksSchema } } },
    async () => removeAllLocks(ctx),
  );
  server.delete(
    "/api/locks/:flow_name",
    {
      schema: {
        ...seed003,
        summary: "Remove one flow's lock",
        params: z.object({ flow_name: z.string().min(1).max(200) }),
        response: { 200: z.object({ flow: z.string(), removed: z.literal(true) }), 404: errorSchema },
      },
    },
    async (request) => removeLock(ctx, request.params.flow_name),
  );
}

/** Seed 001's Flow: FlowInputID, FlowOutputID and the FlowOutput with state, progress, logs and errors. */
async function seedFlow(ctx: ServerContext, run: RunRecord): Promise<z.output<typeof seedFlowSchema>> {
  const { store, secrets } = ctx.app;
  const [logs, steps] = await Promise.all([
    store.listLogs(run.id, { limit: SEED_LOG_LINES }),
    store.getRunSteps(run.id),
  ]);
  const failed = steps.filter((s) => s.state === "FAILED" && s.error);
  const errors = [
    ...(run.error ? [run.error] : []),
    ...failed.map((s) => `${s.name}: ${s.error}${s.errorIgnored ? " (ignored)" : ""}`),
  ];
  const errorTimes = [run.error ? run.endedUtc : null, ...failed.map((s) => s.endedUtc)]
    .filter((t): t is string => t !== null)
    .sort();
  const lastLog = logs[logs.length - 1];
  return secrets.redactValue({
    id: run.id,
    createdUtc: run.createdUtc,
    flow: run.flowName,
    flowInputId: run.flowInputId,
    flowOutputId: run.id,
    flowOutput: {
      id: run.id,
      state: run.state,
      progress: {
        percent: Math.round(run.progress * 10) / 10,
        updateTime: run.progressUtc ?? run.startedUtc ?? run.createdUtc,
      },
      logs: {
        lines: logs.map(
          (l) =>
            `${l.createdUtc} ${l.level.toUpperCase()} ${l.stepName ? `[${l.stepName}${l.itemIndex === null ? "" : `#${l.itemIndex}`}] ` : ""}${l.message}`,
        ),
        updateTime: lastLog?.createdUtc ?? null,
      },
      errors: { lines: errors, updateTime: errorTimes[errorTimes.length - 1] ?? null },
    },
  });
}
