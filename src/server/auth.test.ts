import { mkdtempSync, readFileSync, statSync, chmodSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveApiToken } from "./api-token.js";
import { bearerChecker, isPublicRequest } from "./auth.js";

describe("isPublicRequest", () => {
  it("lets only GET and HEAD of exactly /api/v1/health through", () => {
    expect(isPublicRequest("GET", "/api/v1/health")).toBe(true);
    expect(isPublicRequest("HEAD", "/api/v1/health?x=1")).toBe(true);
    for (const path of [
      "/api/v1/health/",
      "/api/v1/%68ealth",
      "/api/v1/health/../runs",
      "//api/v1/health",
      "/x/health",
      "/api/v1/healthz",
      "/api/v1/health;x",
    ]) {
      expect(isPublicRequest("GET", path), path).toBe(false);
    }
    expect(isPublicRequest("POST", "/api/v1/health")).toBe(false);
  });
});

describe("bearerChecker", () => {
  const check = bearerChecker("s3cret-token-0123456789");
  it("accepts the token and nothing else", () => {
    expect(check("Bearer s3cret-token-0123456789")).toBe(true);
    expect(check("bearer s3cret-token-0123456789")).toBe(true);
    for (const header of [
      undefined,
      "",
      "Bearer",
      "Bearer ",
      "s3cret-token-0123456789",
      "Bearer s3cret-token-012345678",
      "Bearer s3cret-token-01234567890",
      "Basic s3cret-token-0123456789",
    ]) {
      expect(check(header), String(header)).toBe(false);
    }
  });
});

describe("resolveApiToken", () => {
  it("generates a token once, stores it 0600, and reads it back afterwards", () => {
    const dataPath = mkdtempSync(join(tmpdir(), "octoflow-token-"));
    const first = resolveApiToken({ dataPath, apiToken: undefined });
    expect(first.source).toBe("generated");
    expect(statSync(join(dataPath, "api-token")).mode & 0o777).toBe(0o600);
    const second = resolveApiToken({ dataPath, apiToken: undefined });
    expect(second).toEqual({ token: first.token, source: "file", file: join(dataPath, "api-token") });
  });

  it("prefers API_TOKEN, refuses a short one, and tightens a token file others can read", () => {
    const dataPath = mkdtempSync(join(tmpdir(), "octoflow-token-"));
    expect(resolveApiToken({ dataPath, apiToken: "from-the-environment-123" })).toEqual({
      token: "from-the-environment-123",
      source: "env",
    });
    expect(() => resolveApiToken({ dataPath, apiToken: "short" })).toThrow(/shorter than 16/);
    const file = join(dataPath, "api-token");
    writeFileSync(file, "a-stored-token-0123456789\n");
    chmodSync(file, 0o644);
    expect(resolveApiToken({ dataPath, apiToken: undefined }).token).toBe("a-stored-token-0123456789");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, "utf8")).toBe("a-stored-token-0123456789\n");
  });
});
