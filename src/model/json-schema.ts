import { z } from "zod";
import type { PluginRegistry } from "../plugins/registry.js";
import { flowHeaderShape, stepCommonShape } from "./flow-schema.js";

/**
 * The JSON Schema of a flow file, made from the same zod schemas the validator uses, with one
 * branch per registered step type so that editors complete each type's options block.
 *
 * @example JSON.stringify(flowJsonSchema(registry), null, 2)
 */
export function flowJsonSchema(registry: PluginRegistry): Record<string, unknown> {
  const stepSchemas = registry.stepTypes().map((stepType) =>
    z
      .strictObject({
        ...stepCommonShape,
        type: z.literal(stepType.name),
        [stepType.name]: stepType.options,
      })
      .meta({ title: `${stepType.name} step`, description: stepType.description }),
  );
  const step =
    stepSchemas.length === 0
      ? z.never()
      : stepSchemas.length === 1
        ? (stepSchemas[0] as z.ZodType)
        : z.union(stepSchemas as unknown as [z.ZodType, z.ZodType, ...z.ZodType[]]);
  const flow = z.strictObject({ ...flowHeaderShape, steps: z.array(step) }).meta({
    title: "octoflow flow",
    description: "A flow: a named graph of steps. See https://github.com/octoflow/octoflow#flow-files",
  });
  const schema = z.toJSONSchema(flow, { io: "input", unrepresentable: "any", target: "draft-2020-12" });
  return { $id: "https://octoflow.dev/schema/flow.json", ...schema };
}
