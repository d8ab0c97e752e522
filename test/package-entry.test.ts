import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { repoRoot } from "./cli-helpers.js";

describe("the published package", () => {
  it("imports cleanly by its name and exposes the code and plugin APIs", () => {
    const script = `import("octoflow").then((m) => console.log(Object.keys(m).sort().join(",")))`;
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    const names = out.trim().split(",");
    for (const name of [
      "flow",
      "task",
      "step",
      "all",
      "defineStepType",
      "PluginRegistry",
      "RunService",
      "OctoflowError",
    ]) {
      expect(names).toContain(name);
    }
  });

  it("runs its bin with --help", () => {
    const out = execFileSync(process.execPath, ["bin/octoflow.js", "--help"], {
      cwd: repoRoot,
      encoding: "utf8",
    });
    expect(out).toContain("Usage: octoflow");
    expect(out).toContain("DATA_PATH");
  });
});
