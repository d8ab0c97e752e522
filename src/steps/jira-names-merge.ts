import { z } from "zod";
import { NonRetriableError } from "../model/errors.js";
import { defineStepType } from "../plugins/step-type.js";

type JiraIssue = { fields?: Record<string, unknown> } & Record<string, unknown>;

/**
 * Seed 003's Jira step: a search made with `expand=names` returns `names` (field id → display
 * name) beside the issues; this keys each issue's `fields` by display name instead of id
 * (`customfield_10010` → `Sprint`). Fields without a display name keep their id.
 */
export const jiraNamesMergeStep = defineStepType({
  name: "jira_names_merge",
  description: "Keys each Jira issue's fields by their display names (search with expand=names).",
  options: z.strictObject({
    data_key: z.string().optional().meta({ description: "The Jira search result." }),
    list_key: z
      .string()
      .default("issues")
      .meta({ description: "The list of issues in the result (default: issues)." }),
  }),
  run: ({ options, input, context }) => {
    const result = input as { names?: unknown } & Record<string, unknown>;
    if (result === null || typeof result !== "object") {
      throw new NonRetriableError(
        "jira_names_merge needs a Jira search result (a mapping), got " + typeof input,
      );
    }
    const issues = result[options.list_key];
    if (!Array.isArray(issues)) {
      throw new NonRetriableError(`the Jira result has no list "${options.list_key}"`, {
        hint: `it has: ${Object.keys(result).join(", ")}; set list_key`,
      });
    }
    const names = result.names;
    if (names === null || typeof names !== "object") {
      throw new NonRetriableError("the Jira result has no `names`", {
        hint: "add expand=names to the search URL",
      });
    }
    const nameOf = names as Record<string, unknown>;
    const merged = (issues as JiraIssue[]).map((issue) => {
      const fields: Record<string, unknown> = {};
      for (const [id, value] of Object.entries(issue.fields ?? {})) {
        const name = nameOf[id];
        fields[typeof name === "string" && !Object.hasOwn(fields, name) ? name : id] = value;
      }
      return { ...issue, fields };
    });
    context.log.info(`merged field names into ${merged.length} issues`);
    return merged;
  },
});
