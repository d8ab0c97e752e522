import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emptySecrets } from "../../services/secrets.js";
import { fileConnectorContract, operation } from "../../test-support/file-connector-contract.js";
import type { Connection } from "../connector.js";
import { localfsConnector } from "./localfs-connector.js";

function environment(data: string) {
  return { paths: { data, flows: data, templates: data }, secrets: emptySecrets };
}

async function open(data: string, path: string, name = "files"): Promise<Connection> {
  return localfsConnector.open(name, localfsConnector.options.parse({ path }), environment(data));
}

fileConnectorContract("localfs", { confined: true, credentials: false }, async () => {
  const data = mkdtempSync(join(tmpdir(), "octoflow-localfs-"));
  mkdirSync(join(data, "files"));
  const connection = await open(data, "files");
  return {
    connection,
    confined: true,
    missingContainer: () => open(data, "no-such-folder", "gone"),
    close: async () => {
      await connection.close();
      rmSync(data, { recursive: true, force: true });
    },
  };
});

describe("localfs", () => {
  let data: string;
  beforeAll(() => {
    data = mkdtempSync(join(tmpdir(), "octoflow-localfs-"));
  });
  afterAll(() => rmSync(data, { recursive: true, force: true }));

  it("refuses a folder outside DATA_PATH, and a link that leads out", async () => {
    await expect(open(data, "../elsewhere")).rejects.toThrow(/leaves DATA_PATH/);
    mkdirSync(join(data, "inside"));
    const outside = mkdtempSync(join(tmpdir(), "octoflow-outside-"));
    writeFileSync(join(outside, "secret.csv"), "a\n1\n");
    symlinkSync(outside, join(data, "inside", "link"));
    const connection = await open(data, "inside");
    await expect(
      connection.read({ connection: "files", path: "link/secret.csv" }, operation().context),
    ).rejects.toThrow(/through a symbolic link/);
    rmSync(outside, { recursive: true, force: true });
  });

  it("creates its folder when asked to", async () => {
    const connection = await localfsConnector.open(
      "made",
      localfsConnector.options.parse({ path: "made/here", create: true }),
      environment(data),
    );
    expect(await connection.test(operation().context)).toMatchObject({ ok: true });
  });
});
