import type { StepDefinition } from "../model/flow-schema.js";
import { templateStrings } from "../model/template.js";
import type { RunContext } from "./run-context.js";

/**
 * What templates of a step see: the run's data at top level (seed 003's `{{ jql }}`), plus `run`
 * and, inside for_each, `item` and `item_index`.
 */
export function templateContext(
  run: RunContext,
  item?: { index: number; value: unknown },
): Record<string, unknown> {
  return {
    ...run.data,
    run: { id: run.runId, flow: run.flow.name },
    ...(item ? { item: item.value, item_index: item.index } : {}),
  };
}

const templatedSteps = new WeakMap<StepDefinition, boolean>();

/** Whether any option, `when` or `for_each` of the step holds template syntax; cached per step. */
export function hasTemplates(step: StepDefinition): boolean {
  let known = templatedSteps.get(step);
  if (known === undefined) {
    known = templateStrings([step.options, step.when, step.for_each, step.cache]).length > 0;
    templatedSteps.set(step, known);
  }
  return known;
}
