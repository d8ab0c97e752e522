import { z } from "zod";
import type { ServerContext, ZodServer } from "../context.js";
import { HEALTH_PATH } from "../auth.js";

const healthSchema = z.object({ status: z.enum(["ok", "shutting_down"]), version: z.string() });

/** `GET /api/v1/health`: the one route without a token; it tells nothing but that the server answers. */
export function registerHealthRoute(server: ZodServer, ctx: ServerContext, version: string): void {
  server.get(
    HEALTH_PATH,
    {
      schema: {
        tags: ["health"],
        summary: "Liveness; needs no token",
        security: [],
        response: { 200: healthSchema, 503: healthSchema },
      },
    },
    async (_request, reply) =>
      ctx.state.shuttingDown
        ? reply.code(503).send({ status: "shutting_down" as const, version })
        : { status: "ok" as const, version },
  );
}
