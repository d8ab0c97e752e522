import { z } from "zod";
import { planRun } from "../../engine/planner.js";
import type { Diagnostic } from "../../model/diagnostics.js";
import { loadFlowText } from "../../model/flow-loader.js";
import type { FlowDefinition } from "../../model/flow-schema.js";
import { validateFlow } from "../../model/flow-validator.js";
import type { ServerContext, ZodServer } from "../context.js";
import { ApiError } from "../errors.js";
import { errorSchema, flowDetailSchema, flowListSchema, validateBody, validatedSchema } from "../schemas.js";

const tags = ["flows"];

/** `/api/v1/flows`: the flow files under FLOWS_PATH, one with its graph, and validation of a posted flow. */
export function registerFlowRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get(
    "/api/v1/flows",
    { schema: { tags, summary: "The flow files under FLOWS_PATH", response: { 200: flowListSchema } } },
    async () => ({ flows: await ctx.flows.list() }),
  );

  server.post(
    "/api/v1/flows/validate",
    {
      schema: {
        tags,
        summary: "Validate a flow definition; 422 with every problem's line and column",
        body: validateBody,
        response: { 200: validatedSchema, 400: errorSchema, 422: errorSchema },
      },
    },
    async (request) => {
      const { text, definition, file = "posted.yml" } = request.body;
      const result =
        text === undefined
          ? await validateFlow({ file, value: definition }, ctx.app.registry)
          : await loadFlowText(file, text, ctx.app.registry);
      if (!result.ok) throw invalid(file, result.diagnostics);
      return {
        ok: true as const,
        name: result.flow.name,
        ...shape(result.flow),
        diagnostics: [...result.diagnostics],
      };
    },
  );

  server.get(
    "/api/v1/flows/*",
    {
      schema: {
        tags,
        summary: "One flow, by path under FLOWS_PATH or by name, with its steps and graph",
        params: z.object({ "*": z.string().min(1).max(500) }),
        response: { 200: flowDetailSchema, 404: errorSchema, 422: errorSchema },
      },
    },
    async (request) => {
      const reference = request.params["*"];
      const file = await ctx.flows.resolve(reference);
      const flow = await ctx.flows.load(ctx.flows.relative(file));
      return {
        path: ctx.flows.relative(file),
        name: flow.name,
        description: flow.description ?? null,
        hash: flow.source.hash,
        schedule: flow.schedule ?? null,
        inputs: flow.inputs ?? {},
        ...shape(flow),
        definition: ctx.app.secrets.redactValue(flow.source.raw),
      };
    },
  );
}

function invalid(file: string, diagnostics: readonly Diagnostic[]): ApiError {
  const count = diagnostics.length;
  return new ApiError(422, "FLOW_INVALID", `${file}: ${count} problem${count === 1 ? "" : "s"}`, {
    hint: "fix each diagnostic at its line and column",
    details: { diagnostics },
  });
}

/** Steps with their upstream, the graph's edges and the groups that can run in parallel. */
function shape(flow: FlowDefinition) {
  const plan = planRun(flow);
  const steps = flow.steps.map((step) => ({
    name: step.name,
    type: step.type,
    needs: [...(plan.graph.upstream.get(step.name) ?? [])],
  }));
  const edges = steps.flatMap((step) => step.needs.map((from) => ({ from, to: step.name })));
  return { steps, graph: { nodes: [...plan.graph.nodes], edges, groups: plan.groups.map((g) => [...g]) } };
}
