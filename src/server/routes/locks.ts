import { z } from "zod";
import type { LockApi, ServerContext, ZodServer } from "../context.js";
import { ApiError } from "../errors.js";
import { errorSchema } from "../schemas.js";
import { plain } from "./schedules.js";

const tags = ["locks"];
export const removedLocksSchema = z.object({ removed: z.int(), flows: z.array(z.string()) });
const lockSchema = z
  .looseObject({})
  .meta({ description: "A flow that holds its lock: it is running, or was when its process died." });

function locks(ctx: ServerContext): LockApi {
  if (!ctx.locks) throw new ApiError(503, "LOCKS_OFF", "this server manages no locks");
  return ctx.locks;
}

export async function listLocks(ctx: ServerContext): Promise<Record<string, unknown>[]> {
  return (await locks(ctx).list()).map(plain);
}

export async function removeLock(
  ctx: ServerContext,
  flowName: string,
): Promise<{ flow: string; removed: true }> {
  if (!(await locks(ctx).remove(flowName))) {
    throw new ApiError(404, "LOCK_NOT_FOUND", `flow ${flowName} holds no lock`, {
      hint: "list locks with GET /api/v1/locks",
    });
  }
  return { flow: flowName, removed: true };
}

export async function removeAllLocks(ctx: ServerContext): Promise<{ removed: number; flows: string[] }> {
  const flows = await locks(ctx).removeAll();
  return { removed: flows.length, flows };
}

/** `/api/v1/locks` (seed 003): a flow does not run twice at once; remove a lock a crash left behind. */
export function registerLockRoutes(server: ZodServer, ctx: ServerContext): void {
  const flowParams = z.object({ flow: z.string().min(1).max(200) });
  server.get(
    "/api/v1/locks",
    { schema: { tags, summary: "Locks held", response: { 200: z.object({ locks: z.array(lockSchema) }) } } },
    async () => ({
      locks: await listLocks(ctx),
    }),
  );
  server.delete(
    "/api/v1/locks",
    { schema: { tags, summary: "Remove every lock", response: { 200: removedLocksSchema } } },
    async () => removeAllLocks(ctx),
  );
  server.delete(
    "/api/v1/locks/:flow",
    {
      schema: {
        tags,
        summary: "Remove one flow's lock",
        params: flowParams,
        response: { 200: z.object({ flow: z.string(), removed: z.literal(true) }), 404: errorSchema },
      },
    },
    async (request) => removeLock(ctx, request.params.flow),
  );
}
