import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSecrets } from "./secrets.js";

function secretsFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), "octoflow-secrets-")), "secrets.yml");
  writeFileSync(file, text);
  return file;
}

describe("secrets", () => {
  const file = secretsFile(`- name: jira
  type: credential
  username: octo-bot
  password: s3cret-pass/word
- name: github
  type: token
  token: ghp_abcdefghijklmnop
`);

  it("reads seed 003's secrets.yml and the environment", () => {
    const secrets = loadSecrets(file, {
      OCTOFLOW_SECRET_SLACK: "xoxb-123456",
      OCTOFLOW_SECRET_DB_USERNAME: "app",
      OCTOFLOW_SECRET_DB_PASSWORD: "pg-password",
    });
    expect(secrets.get("jira")).toEqual({
      name: "jira",
      type: "credential",
      username: "octo-bot",
      password: "s3cret-pass/word",
    });
    expect(secrets.get("slack")).toEqual({ name: "slack", type: "token", token: "xoxb-123456" });
    expect(secrets.get("db")).toMatchObject({ type: "credential", username: "app" });
    expect(
      secrets
        .names()
        .map((s) => s.name)
        .sort(),
    ).toEqual(["db", "github", "jira", "slack"]);
  });

  it("masks values, their URL-encoded and Basic-auth forms", () => {
    const secrets = loadSecrets(file);
    const basic = Buffer.from("octo-bot:s3cret-pass/word").toString("base64");
    const text = `token ghp_abcdefghijklmnop, password s3cret-pass/word, url p=${encodeURIComponent("s3cret-pass/word")}, header Basic ${basic}`;
    expect(secrets.redact(text)).toBe("token ***, password ***, url p=***, header Basic ***");
    expect(secrets.redactValue({ nested: ["ghp_abcdefghijklmnop"] })).toEqual({ nested: ["***"] });
  });

  it("names a missing secret and the known ones, without values", () => {
    const secrets = loadSecrets(file);
    expect(() => secrets.get("jria")).toThrow(/there is no secret named "jria"/);
    try {
      secrets.get("jria");
    } catch (error) {
      expect((error as { hint: string }).hint).toBe("known secrets: jira, github");
    }
  });

  it("refuses a bad entry with its line, never showing values", () => {
    const bad = secretsFile("- name: x\n  type: password\n  password: hunter2-long\n");
    expect(() => loadSecrets(bad)).toThrow(/secrets\.yml:2:9 secret 1: "x" has type "password"/);
    try {
      loadSecrets(bad);
    } catch (error) {
      expect(String((error as Error).message)).not.toContain("hunter2");
    }
    expect(() => loadSecrets(secretsFile("- name: y\n  type: token\n"))).toThrow(
      /secrets\.yml:1:3 secret 1: needs `token` as text/,
    );
    expect(() => loadSecrets(secretsFile("- name: z\n  type: token\n  token: ab\n"))).toThrow(
      /shorter than 4 characters/,
    );
  });

  it("treats a missing file as no secrets", () => {
    expect(loadSecrets("/nonexistent/secrets.yml").names()).toEqual([]);
  });
});
