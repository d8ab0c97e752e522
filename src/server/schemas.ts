import { z } from "zod";

/**
 * The schemas of the REST API: they validate requests and, through fastify-type-provider-zod,
 * are the OpenAPI document. Request bodies are strict (an unknown field is an error that names
 * it); multi-word fields are snake_case like flow files, with camelCase accepted too.
 */

export const RUN_STATES = ["READY", "RUNNING", "COMPLETED", "FAILED", "CANCELLED"] as const;
export const STEP_STATES = [...RUN_STATES, "SKIPPED"] as const;

export const errorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      hint: z.string().optional(),
      details: z.record(z.string(), z.unknown()).optional(),
    }),
  })
  .meta({ description: "Every error answer." });

export const idParams = z.object({
  id: z.coerce.number().int().positive().meta({ description: "A numeric id." }),
});

const flowRef = z
  .string()
  .min(1)
  .max(500)
  .meta({ description: "A flow: its path relative to FLOWS_PATH (`jira.yml`, `sub/x`) or its name." });
const inputArgs = z
  .record(z.string(), z.unknown())
  .meta({ description: "Arguments for the flow's declared inputs." });
const positiveId = z.int().positive();

export const flowInputBody = z
  .strictObject({
    flow: flowRef.optional(),
    args: inputArgs.optional(),
    source_store_ids: z.array(z.string().max(200)).max(1000).optional(),
    sourceStoreIds: z.array(z.string().max(200)).max(1000).optional(),
    target_store_id: z.string().max(200).nullable().optional(),
    targetStoreId: z.string().max(200).nullable().optional(),
  })
  .meta({
    description:
      "A flow input (seed 001): arguments and data-store ids a run starts from; immutable once created.",
  });

export const flowInputSchema = z.object({
  id: z.int(),
  createdUtc: z.string(),
  flow: z.string().nullable(),
  args: z.record(z.string(), z.unknown()),
  sourceStoreIds: z.array(z.string()),
  targetStoreId: z.string().nullable(),
});

export const launchBody = z
  .strictObject({
    flow: flowRef.optional(),
    input: inputArgs.optional(),
    flow_input_id: positiveId
      .optional()
      .meta({ description: "Start from a stored flow input instead of `input`." }),
    flowInputId: positiveId.optional(),
    only: z.array(z.string().min(1)).max(10_000).optional().meta({ description: "Run only these steps." }),
    with_upstream: z
      .boolean()
      .optional()
      .meta({ description: "With `only`: also the steps they depend on." }),
    withUpstream: z.boolean().optional(),
    with_downstream: z
      .boolean()
      .optional()
      .meta({ description: "With `only`: also the steps that depend on them." }),
    withDownstream: z.boolean().optional(),
  })
  .meta({ description: "Launch a run of a flow under FLOWS_PATH. Give `flow`, `flow_input_id`, or both." });

export const runSummarySchema = z.object({
  id: z.int(),
  flow: z.string(),
  state: z.enum(RUN_STATES),
  progress: z.number(),
  createdUtc: z.string(),
  startedUtc: z.string().nullable(),
  endedUtc: z.string().nullable(),
  durationMs: z.number().nullable(),
  parentRunId: z.int().nullable(),
  trigger: z.string(),
  error: z.string().nullable(),
});

export const launchedSchema = runSummarySchema.extend({
  links: z.object({ self: z.string(), events: z.string(), logs: z.string(), cancel: z.string() }),
});

export const stepReportSchema = z.object({
  name: z.string(),
  state: z.enum(STEP_STATES),
  attempts: z.int(),
  error: z.string().nullable(),
  errorIgnored: z.boolean(),
  skipReason: z.string().nullable(),
  startedUtc: z.string().nullable(),
  endedUtc: z.string().nullable(),
  durationMs: z.number().nullable(),
});

export const runReportSchema = z
  .object({
    id: z.int(),
    flow: z.string(),
    flowHash: z.string(),
    state: z.enum(RUN_STATES),
    progress: z.number(),
    progressUtc: z.string().nullable(),
    createdUtc: z.string(),
    startedUtc: z.string().nullable(),
    endedUtc: z.string().nullable(),
    durationMs: z.number().nullable(),
    parentRunId: z.int().nullable(),
    trigger: z.string(),
    flowInputId: z.int().nullable(),
    input: z.record(z.string(), z.unknown()),
    steps: z.array(stepReportSchema),
    data: z.record(z.string(), z.unknown()),
    error: z.string().nullable(),
    errors: z.array(z.string()),
    subRuns: z.array(
      z.object({ id: z.int(), flow: z.string(), state: z.enum(RUN_STATES), step: z.string().nullable() }),
    ),
  })
  .meta({ description: "A run with its steps, progress, data and errors." });

export const listRunsQuery = z.object({
  flow: z.string().max(500).optional().meta({ description: "Only runs of this flow (by name)." }),
  state: z
    .string()
    .transform((s) => s.toUpperCase())
    .pipe(z.enum(RUN_STATES))
    .optional()
    .meta({ description: "Only runs in this state." }),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  before: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: "Runs older than this id: the `next` of the previous page." }),
  parent: z.coerce.number().int().positive().optional().meta({ description: "Only sub-runs of this run." }),
});

export const runListSchema = z.object({ runs: z.array(runSummarySchema), next: z.int().nullable() });

export const logRecordSchema = z.object({
  id: z.int(),
  runId: z.int(),
  stepName: z.string().nullable(),
  itemIndex: z.int().nullable(),
  level: z.enum(["debug", "info", "warn", "error"]),
  message: z.string(),
  fields: z.record(z.string(), z.unknown()).nullable(),
  createdUtc: z.string(),
});

export const logsQuery = z.object({
  after: z.coerce
    .number()
    .int()
    .min(0)
    .default(0)
    .meta({ description: "Only lines with a larger id: the `next` of the previous page." }),
  limit: z.coerce.number().int().min(1).max(10_000).default(1000),
});

export const logPageSchema = z.object({ logs: z.array(logRecordSchema), next: z.int().nullable() });

export const validateBody = z
  .strictObject({
    text: z
      .string()
      .max(4 * 1024 * 1024)
      .optional()
      .meta({ description: "The flow file's text (YAML or JSON)." }),
    definition: z.unknown().optional().meta({ description: "The flow as a JSON value." }),
    file: z
      .string()
      .max(200)
      .optional()
      .meta({ description: "A name for the flow in diagnostics (default `posted.yml`)." }),
  })
  .refine((body) => (body.text === undefined) !== (body.definition === undefined), {
    message: "give exactly one of `text` and `definition`",
    path: ["text"],
  })
  .meta({
    description: "A flow to check; YAML may also be posted as is with Content-Type: application/yaml.",
  });

export const diagnosticSchema = z.object({
  file: z.string(),
  line: z.int(),
  column: z.int(),
  path: z.string(),
  message: z.string(),
  hint: z.string().optional(),
});

export const graphSchema = z.object({
  nodes: z.array(z.string()),
  edges: z.array(z.object({ from: z.string(), to: z.string() })),
  groups: z.array(z.array(z.string())),
});

export const flowStepSchema = z.object({ name: z.string(), type: z.string(), needs: z.array(z.string()) });

export const validatedSchema = z.object({
  ok: z.literal(true),
  name: z.string(),
  steps: z.array(flowStepSchema),
  graph: graphSchema,
  diagnostics: z.array(diagnosticSchema),
});

export const flowDetailSchema = z.object({
  path: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  hash: z.string(),
  schedule: z.unknown(),
  inputs: z.record(z.string(), z.unknown()),
  steps: z.array(flowStepSchema),
  graph: graphSchema,
  definition: z.unknown(),
});

export const flowListSchema = z.object({
  flows: z.array(
    z.object({
      path: z.string(),
      name: z.string().nullable(),
      description: z.string().nullable(),
      valid: z.boolean(),
      problems: z.int(),
      steps: z.int(),
      schedule: z.unknown(),
    }),
  ),
});

export const pathBody = z.strictObject({
  path: z.string().min(1).max(500).meta({ description: "A flow file relative to FLOWS_PATH." }),
});

export const launchPathBody = pathBody
  .extend({ input: inputArgs.optional() })
  .meta({ description: "Launch a flow by path (seed 003)." });
