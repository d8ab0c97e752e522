import type { OctoflowPlugin } from "../plugins/step-type.js";

/** File and object-storage connectors (localfs, s3, http) and the steps that use them. */
export const filesPlugin: OctoflowPlugin = {
  name: "octoflow-files",
  connectors: [],
  stepTypes: [],
};
