/**
 * octoflow's public API: the code API for flows, the plugin API for step types, and the pieces
 * to embed the engine.
 */
export { all, flow, step, task, StepNode } from "./model/code-api.js";
export { defineStepType } from "./plugins/step-type.js";
export type {
  OctoflowPlugin,
  StepContext,
  StepRunArgs,
  StepType,
  StepLogger,
  StepProgress,
  OptionProblem,
} from "./plugins/step-type.js";
export { PluginRegistry } from "./plugins/registry.js";
export { OctoflowError, NonRetriableError, RetryAfterError } from "./model/errors.js";
export type { ErrorCode } from "./model/errors.js";
export type { FlowDefinition, StepDefinition } from "./model/flow-schema.js";
export { loadFlowFile, loadFlowText } from "./model/flow-loader.js";
export { validateFlow } from "./model/flow-validator.js";
export { planRun } from "./engine/planner.js";
export { RunService } from "./services/runs.js";
export { RunEventBus } from "./model/events.js";
export type { RunEvent } from "./model/events.js";
export { openSqliteStore } from "./store/sqlite/sqlite-store.js";
export type { Store, RunRecord } from "./store/store.js";
export { createRegistry } from "./cli/app.js";
export type { TaskFunction } from "./steps/task.js";
