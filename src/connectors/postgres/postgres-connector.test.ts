import { describeConnectorContract, freshPostgresSchema } from "../../test-support/connector-contract.js";
import { postgresConnector } from "./postgres-connector.js";

describeConnectorContract({
  server: true,
  connector: postgresConnector,
  fresh: freshPostgresSchema,
  failures: [
    { what: "unknown host", options: (o) => ({ ...o, host: "no-such-host.invalid" }), stage: "dns" },
    { what: "nothing listening", options: (o) => ({ ...o, port: 1 }), stage: "refused" },
    { what: "unknown user", options: (o) => ({ ...o, user: "no_such_user" }), stage: "auth" },
    { what: "missing database", options: (o) => ({ ...o, database: "no_such_database" }), stage: "database" },
    { what: "certificate not trusted", options: (o) => ({ ...o, ssl: "verify" }), stage: "tls" },
  ],
});
