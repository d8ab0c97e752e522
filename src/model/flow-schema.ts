import { z } from "zod";
import { durationSchema } from "./duration.js";

/**
 * The one schema of a flow file. The validator, the TypeScript types and the JSON Schema that
 * `octoflow schema` prints all come from here; step types add their own options blocks.
 */

const retrySchema = z
  .strictObject({
    attempts: z.int().min(1).max(100).meta({ description: "Tries in all, the first included." }),
    backoff: z.enum(["fixed", "exponential"]).default("exponential"),
    delay: durationSchema.default(1000).meta({ description: "Wait before the second try (default 1s)." }),
    max_delay: durationSchema
      .default(300_000)
      .meta({ description: "Longest wait between tries (default 5m)." }),
  })
  .meta({ description: "Try the step again when it fails." });

const forEachObjectSchema = z.strictObject({
  items: z
    .union([z.array(z.unknown()), z.string()])
    .meta({ description: 'A list, or a template that gives one, e.g. "{{ issues }}".' }),
  concurrency: z.int().min(1).max(10_000).optional().meta({ description: "Items run at once." }),
});

const forEachSchema = z
  .union([z.array(z.unknown()), z.string(), forEachObjectSchema])
  .transform((value) =>
    typeof value === "object" && !Array.isArray(value) ? value : { items: value, concurrency: undefined },
  )
  .meta({ description: "Run the step once per item of a list; items run in parallel." });

const cacheSchema = z
  .union([
    z.boolean(),
    z.strictObject({
      key: z
        .string()
        .optional()
        .meta({ description: "Template of the cache key; default: options and input." }),
      ttl: durationSchema.optional().meta({ description: "How long a cached output stays valid." }),
    }),
  ])
  .transform((value) => (value === false ? undefined : value === true ? {} : value))
  .meta({
    description: "Reuse the output of an earlier run of the same step with the same options and input.",
  });

/** Step fields every step type shares (seed 003 plus DESIGN.md's extensions). */
export const stepCommonShape = {
  name: z.string().min(1).max(200).meta({ description: "Unique within the flow." }),
  type: z.string().meta({ description: "The step type; its options go in a block of the same name." }),
  description: z.string().optional(),
  needs: z
    .array(z.string())
    .optional()
    .meta({ description: "Steps that must finish first. Without it, a step runs after the one above it." }),
  when: z
    .union([z.string(), z.boolean()])
    .optional()
    .meta({ description: 'Run only when this is true, e.g. "{{ issues | length > 0 }}".' }),
  data_key: z
    .union([z.string(), z.array(z.string())])
    .optional()
    .meta({
      description: "The key of the run's data the step takes as input; a list gives a mapping of those keys.",
    }),
  result_key: z
    .string()
    .optional()
    .meta({ description: "Where the output lands in the run's data (default: the step name)." }),
  ignore_errors: z
    .array(z.string())
    .optional()
    .meta({ description: "Regexes; an error whose text matches one does not fail the run." }),
  jq_expression: z.string().optional().meta({ description: "A jq program applied to the step's output." }),
  retry: retrySchema.optional(),
  timeout: durationSchema.optional().meta({ description: "Longest time one try may take." }),
  for_each: forEachSchema.optional(),
  cache: cacheSchema.optional(),
} as const;

export const stepCommonSchema = z.strictObject(stepCommonShape);

const scheduleSchema = z
  .strictObject({
    cron: z.string().optional().meta({ description: 'Cron expression, e.g. "0 6 * * *".' }),
    every_seconds: z.number().positive().optional(),
    timezone: z
      .string()
      .optional()
      .meta({ description: 'IANA time zone of the cron, e.g. "Europe/Paris" (default UTC).' }),
  })
  .refine((s) => (s.cron === undefined) !== (s.every_seconds === undefined), {
    message: "a schedule needs exactly one of cron or every_seconds",
  });

const inputSchema = z.strictObject({
  type: z.enum(["string", "number", "integer", "boolean", "object", "array"]).default("string"),
  description: z.string().optional(),
  default: z.unknown().optional(),
  required: z.boolean().default(false),
});

/** Top-level fields of a flow file; `steps` are validated one by one against their type. */
export const flowHeaderShape = {
  name: z
    .string()
    .min(1)
    .max(200)
    .regex(
      /^[A-Za-z0-9][A-Za-z0-9_.-]*$/,
      "use letters, digits, '.', '_' and '-', starting with a letter or digit",
    )
    .meta({ description: "The flow's name." }),
  description: z.string().optional(),
  schedule: scheduleSchema.optional(),
  concurrency: z
    .int()
    .min(1)
    .max(10_000)
    .optional()
    .meta({ description: "Steps that run at once (default 8)." }),
  lock: z.enum(["skip", "queue", "allow"]).optional().meta({
    description: "What happens when the flow is started while it runs: skip (default), queue or allow.",
  }),
  inputs: z
    .record(z.string(), inputSchema)
    .optional()
    .meta({ description: "Declared inputs with types and defaults." }),
  steps: z.array(z.unknown()).meta({ description: "The steps, in order." }),
} as const;

export const flowHeaderSchema = z.strictObject(flowHeaderShape);

export type RetryPolicy = z.output<typeof retrySchema>;
export type ForEach = z.output<typeof forEachSchema>;
export type CachePolicy = NonNullable<z.output<typeof cacheSchema>>;
export type Schedule = z.output<typeof scheduleSchema>;
export type FlowInputDeclaration = z.output<typeof inputSchema>;
type StepCommon = z.output<typeof stepCommonSchema>;

/** A validated step: the shared fields plus its type's options block, parsed. */
export interface StepDefinition extends Readonly<StepCommon> {
  readonly options: unknown;
}

/** A validated, frozen flow. */
export interface FlowDefinition {
  readonly name: string;
  readonly description?: string;
  readonly schedule?: Schedule;
  readonly concurrency?: number;
  readonly lock?: "skip" | "queue" | "allow";
  readonly inputs?: Readonly<Record<string, FlowInputDeclaration>>;
  readonly steps: readonly StepDefinition[];
  /** Where the flow came from and the hash that versions it. */
  readonly source: {
    readonly file?: string;
    readonly hash: string;
    /** The file's text, for YAML flows. */
    readonly text?: string;
    /** The definition as written (before defaults), to store and validate again on resume. */
    readonly raw: unknown;
  };
}

/** The default number of steps of one run that run at the same time. */
export const DEFAULT_CONCURRENCY = 8;
