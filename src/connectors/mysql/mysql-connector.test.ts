import { describeConnectorContract, freshMysqlDatabase } from "../../test-support/connector-contract.js";
import { mysqlConnector } from "./mysql-connector.js";

describeConnectorContract({
  server: true,
  connector: mysqlConnector,
  fresh: freshMysqlDatabase,
  typeReadAs: { timestamptz: "timestamp" },
  failures: [
    { what: "unknown host", options: (o) => ({ ...o, host: "no-such-host.invalid" }), stage: "dns" },
    { what: "nothing listening", options: (o) => ({ ...o, port: 1 }), stage: "refused" },
    { what: "wrong password", options: (o) => ({ ...o, password: "wrong-password" }), stage: "auth" },
    { what: "missing database", options: (o) => ({ ...o, database: "no_such_database" }), stage: "database" },
    { what: "TLS the server does not offer", options: (o) => ({ ...o, ssl: "verify" }), stage: "tls" },
  ],
});
