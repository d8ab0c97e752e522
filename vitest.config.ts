import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 20_000,
    pool: "forks",
    // The JSON report lets CI print a plain "N passed, N failed" line after the run.
    reporters: ["default", ["json", { outputFile: "test-artifacts/vitest-report.json" }]],
  },
});
