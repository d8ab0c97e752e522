import { z } from "zod";
import type { Connection, ConnectionTestResult, DiscoveredObject } from "../../connectors/connector.js";
import type { ServerContext, ZodServer } from "../context.js";
import { ApiError } from "../errors.js";
import { errorSchema } from "../schemas.js";

const tags = ["connections"];
/** How long a test or a discover may take before it is aborted. */
const OPERATION_MS = 30_000;
/** Discover answers at most this many objects. */
const MAX_OBJECTS = 5000;

const nameParams = z.object({ name: z.string().min(1).max(200) });
const connectionSchema = z.object({ name: z.string(), type: z.string(), description: z.string() });
const testedSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    ok: z.boolean(),
    message: z.string(),
    stage: z.string().optional(),
    hint: z.string().optional(),
    ms: z.number(),
  })
  .meta({ description: "Whether the connection answers; `stage` says where it failed (dns, auth, …)." });
const discoveredSchema = z.object({
  name: z.string(),
  type: z.string(),
  objects: z.array(z.looseObject({ kind: z.string(), name: z.string() })),
  truncated: z.boolean(),
});

/**
 * `/api/v1/connections`: the connections of connections.yml (names and kinds, never options,
 * which may hold credentials), a test of each (seed 000's "test connection") and what it holds
 * (seed 000's discovery of DB, COS and filesystem assets).
 */
export function registerConnectionRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get(
    "/api/v1/connections",
    {
      schema: {
        tags,
        summary: "The connections of connections.yml: names and kinds only",
        response: { 200: z.object({ connections: z.array(connectionSchema) }) },
      },
    },
    async () => ({
      connections: ctx.app.connections.names().map((name) => {
        const type = ctx.app.connections.entry(name)?.type ?? "unknown";
        return { name, type, description: ctx.app.registry.connector(type)?.description ?? "" };
      }),
    }),
  );

  server.post(
    "/api/v1/connections/:name/test",
    {
      schema: {
        tags,
        summary: "Open a connection and check that it answers; a failure is an answer, not an error",
        params: nameParams,
        response: { 200: testedSchema, 404: errorSchema },
      },
    },
    async (request) => {
      const { name } = request.params;
      const type = requireEntry(ctx, name);
      const started = performance.now();
      const result = await withConnection(ctx, name, (connection, signal) =>
        connection.test({ signal }),
      ).catch((error: unknown): ConnectionTestResult => ({
        ok: false,
        stage: "other",
        message: (error as Error).message ?? String(error),
      }));
      const ms = Math.round(performance.now() - started);
      return ctx.app.secrets.redactValue({ name, type, ...result, ms });
    },
  );

  server.get(
    "/api/v1/connections/:name/discover",
    {
      schema: {
        tags,
        summary: "The tables, views, files or objects a connection holds",
        params: nameParams,
        response: { 200: discoveredSchema, 404: errorSchema, 502: errorSchema },
      },
    },
    async (request) => {
      const { name } = request.params;
      const type = requireEntry(ctx, name);
      let objects: DiscoveredObject[];
      try {
        objects = await withConnection(ctx, name, (connection, signal) => connection.discover({ signal }));
      } catch (error) {
        throw new ApiError(502, "CONNECTION_FAILED", `connection ${name}: ${(error as Error).message}`, {
          hint: `test it with POST /api/v1/connections/${name}/test`,
        });
      }
      return ctx.app.secrets.redactValue({
        name,
        type,
        objects: objects.slice(0, MAX_OBJECTS).map(plainObject),
        truncated: objects.length > MAX_OBJECTS,
      });
    },
  );
}

function requireEntry(ctx: ServerContext, name: string): string {
  const entry = ctx.app.connections.entry(name);
  if (!entry) {
    throw new ApiError(404, "CONNECTION_NOT_FOUND", `there is no connection named "${name}"`, {
      hint: "list them with GET /api/v1/connections; they are defined in connections.yml",
    });
  }
  return entry.type;
}

/** A discovered object as JSON: a driver may count rows in bigints. */
function plainObject(object: DiscoveredObject): { kind: string; name: string } {
  return JSON.parse(
    JSON.stringify(object, (_key, value: unknown) => (typeof value === "bigint" ? Number(value) : value)),
  );
}

/** Runs `operation` on the pooled connection, aborted after OPERATION_MS. */
async function withConnection<T>(
  ctx: ServerContext,
  name: string,
  operation: (connection: Connection, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const signal = AbortSignal.timeout(OPERATION_MS);
  const connection = await ctx.app.connections.get(name);
  return operation(connection, signal);
}
