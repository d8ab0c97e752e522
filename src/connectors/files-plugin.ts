import type { OctoflowPlugin } from "../plugins/step-type.js";
import { objectStep } from "../steps/object.js";
import { httpConnector } from "./http/http-connector.js";
import { localfsConnector } from "./localfs/localfs-connector.js";
import { s3Connector } from "./s3/s3-connector.js";

/** File and object-storage connectors (localfs, s3, http) and the object step. */
export const filesPlugin: OctoflowPlugin = {
  name: "octoflow-files",
  connectors: [localfsConnector, s3Connector, httpConnector],
  stepTypes: [objectStep],
};
