import type { OctoflowPlugin } from "../plugins/step-type.js";

/** Database connectors (postgres, mysql, sqlite, duckdb) and the steps that use them. */
export const sqlPlugin: OctoflowPlugin = {
  name: "octoflow-sql",
  connectors: [],
  stepTypes: [],
};
