import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { expect, it } from "vitest";
import { describeStoreContract } from "../../test-support/store-contract.js";
import { openSqliteStore } from "./sqlite-store.js";

describeStoreContract("SQLite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "octoflow-store-"));
  const store = openSqliteStore(join(dir, "store.db"));
  return {
    store,
    async dispose() {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

it("refuses a database written by a newer octoflow, saying what to do", () => {
  const dir = mkdtempSync(join(tmpdir(), "octoflow-store-"));
  const file = join(dir, "store.db");
  const store = openSqliteStore(file);
  void store.close();
  // Simulate a future schema version.
  const db = new Database(file);
  db.pragma("user_version = 999");
  db.close();
  expect(() => openSqliteStore(file)).toThrow(
    /schema version 999, newer than this octoflow.*upgrade octoflow/,
  );
  rmSync(dir, { recursive: true, force: true });
});
