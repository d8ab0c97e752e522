import type { OctoflowPlugin } from "../plugins/step-type.js";
import { fileStep } from "./file.js";
import { flowStep } from "./flow.js";
import { flowLoopStep } from "./flow-loop.js";
import { jinjaStep } from "./jinja.js";
import { jiraNamesMergeStep } from "./jira-names-merge.js";
import { jqStep } from "./jq.js";
import { logStep } from "./log.js";
import { noopStep } from "./noop.js";
import { restStep } from "./rest.js";
import { sleepStep } from "./sleep.js";
import { taskStep } from "./task.js";

/** The step types octoflow ships, registered through the same plugin API as anyone's. */
export const builtinPlugin: OctoflowPlugin = {
  name: "octoflow-builtin",
  stepTypes: [
    noopStep,
    logStep,
    sleepStep,
    taskStep,
    fileStep,
    restStep,
    jqStep,
    jinjaStep,
    flowStep,
    flowLoopStep,
    jiraNamesMergeStep,
  ],
};
