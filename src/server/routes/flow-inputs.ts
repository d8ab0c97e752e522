import type { ServerContext, ZodServer } from "../context.js";
import { createFlowInput, flowInputView, requireFlowInput } from "../run-operations.js";
import { errorSchema, flowInputBody, flowInputSchema, idParams } from "../schemas.js";

const tags = ["flow-inputs"];

/** `/api/v1/flow-inputs` (seed 001): immutable inputs that runs start from. */
export function registerFlowInputRoutes(server: ZodServer, ctx: ServerContext): void {
  server.post(
    "/api/v1/flow-inputs",
    {
      schema: {
        tags,
        summary: "Store a flow input; answers with its id and creation time",
        body: flowInputBody,
        response: { 201: flowInputSchema, 400: errorSchema, 404: errorSchema },
      },
    },
    async (request, reply) => {
      const input = await createFlowInput(ctx, flowInputFields(request.body));
      return reply
        .code(201)
        .header("location", `/api/v1/flow-inputs/${input.id}`)
        .send(flowInputView(ctx, input));
    },
  );

  server.get(
    "/api/v1/flow-inputs/:id",
    {
      schema: {
        tags,
        summary: "A flow input",
        params: idParams,
        response: { 200: flowInputSchema, 404: errorSchema },
      },
    },
    async (request) => flowInputView(ctx, await requireFlowInput(ctx, request.params.id)),
  );
}

/** The body's fields with the snake_case and camelCase spellings merged. */
export function flowInputFields(body: {
  flow?: string | undefined;
  args?: Record<string, unknown> | undefined;
  source_store_ids?: string[] | undefined;
  sourceStoreIds?: string[] | undefined;
  target_store_id?: string | null | undefined;
  targetStoreId?: string | null | undefined;
}) {
  return {
    flow: body.flow,
    args: body.args,
    sourceStoreIds: body.source_store_ids ?? body.sourceStoreIds,
    targetStoreId: body.target_store_id ?? body.targetStoreId,
  };
}
