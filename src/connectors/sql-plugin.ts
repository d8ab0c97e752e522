import type { OctoflowPlugin } from "../plugins/step-type.js";
import { copyStep } from "../steps/copy.js";
import { sqlStep } from "../steps/sql.js";
import { duckdbConnector } from "./duckdb/duckdb-connector.js";
import { mysqlConnector } from "./mysql/mysql-connector.js";
import { postgresConnector } from "./postgres/postgres-connector.js";
import { sqliteConnector } from "./sqlite/sqlite-connector.js";

/**
 * Database connectors (postgres, mysql for MySQL and MariaDB, sqlite, duckdb) and the steps that
 * use them (sql, copy), registered through the plugin API like any third party's.
 */
export const sqlPlugin: OctoflowPlugin = {
  name: "octoflow-sql",
  connectors: [postgresConnector, mysqlConnector, sqliteConnector, duckdbConnector],
  stepTypes: [sqlStep, copyStep],
};
