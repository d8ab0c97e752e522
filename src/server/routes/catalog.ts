import { z } from "zod";
import type { ServerContext, ZodServer } from "../context.js";

const secretsSchema = z.object({
  secrets: z.array(z.object({ name: z.string(), type: z.enum(["credential", "token"]) })),
});
const stepTypesSchema = z.object({
  stepTypes: z.array(
    z.object({ name: z.string(), description: z.string(), options: z.record(z.string(), z.unknown()) }),
  ),
});

/** `/api/v1/secrets` (names and types, never values) and `/api/v1/step-types`. */
export function registerCatalogRoutes(server: ZodServer, ctx: ServerContext): void {
  server.get(
    "/api/v1/secrets",
    {
      schema: {
        tags: ["secrets"],
        summary: "The secrets flows can use: names and types only, never values",
        response: { 200: secretsSchema },
      },
    },
    async () => ({ secrets: ctx.app.secrets.names().map(({ name, type }) => ({ name, type })) }),
  );

  let stepTypes: z.output<typeof stepTypesSchema> | undefined;
  server.get(
    "/api/v1/step-types",
    {
      schema: {
        tags: ["step-types"],
        summary: "The step types flows can use, with the JSON Schema of their options",
        response: { 200: stepTypesSchema },
      },
    },
    async () => {
      stepTypes ??= {
        stepTypes: ctx.app.registry.stepTypes().map((type) => ({
          name: type.name,
          description: type.description,
          options: optionsSchema(type.options),
        })),
      };
      return stepTypes;
    },
  );
}

function optionsSchema(schema: z.ZodType): Record<string, unknown> {
  try {
    return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  } catch {
    return {};
  }
}
