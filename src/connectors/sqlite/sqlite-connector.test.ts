import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describeConnectorContract } from "../../test-support/connector-contract.js";
import { sqliteConnector } from "./sqlite-connector.js";

describeConnectorContract({
  server: false,
  connector: sqliteConnector,
  fresh: async () => ({ options: { path: "db/contract.sqlite" }, dispose: async () => undefined }),
  failures: [
    { what: "missing file", options: () => ({ path: "missing.sqlite", create: false }), stage: "database" },
    {
      what: "a file that is not a database",
      options: (_base, dir) => {
        writeFileSync(join(dir, "notes.txt"), "this is not a database, just some text ".repeat(200));
        return { path: "notes.txt" };
      },
      stage: "database",
    },
  ],
});
