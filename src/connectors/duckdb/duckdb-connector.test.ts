import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeConnectorContract } from "../../test-support/connector-contract.js";
import { duckdbConnector } from "./duckdb-connector.js";

describeConnectorContract({
  server: false,
  connector: duckdbConnector,
  fresh: async () => ({
    options: { path: "db/contract.duckdb", threads: 1 },
    dispose: async () => undefined,
  }),
  failures: [
    {
      what: "a file that is not a database",
      options: (_base, dir) => {
        writeFileSync(join(dir, "notes.duckdb"), "this is not a database, just some text ".repeat(200));
        return { path: "notes.duckdb" };
      },
      stage: "database",
    },
  ],
});
