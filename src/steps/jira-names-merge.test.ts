import { describe, expect, it } from "vitest";
import { jiraNamesMergeStep } from "./jira-names-merge.js";
import type { StepContext } from "../plugins/step-type.js";

const logs: string[] = [];
const context = { log: { info: (m: string) => logs.push(m) } } as unknown as StepContext;
const merge = (input: unknown, list_key = "issues") =>
  jiraNamesMergeStep.run({ input, options: { list_key }, context });

describe("jira_names_merge", () => {
  it("keys each issue's fields by their display names", () => {
    const result = merge({
      issues: [{ key: "A-1", fields: { summary: "Fix it", customfield_10016: 3, unnamed_field: true } }],
      names: { summary: "Summary", customfield_10016: "Story Points" },
    });
    expect(result).toEqual([
      { key: "A-1", fields: { Summary: "Fix it", "Story Points": 3, unnamed_field: true } },
    ]);
    expect(logs).toContain("merged field names into 1 issues");
  });

  it("says to add expand=names when names are missing", () => {
    expect(() => merge({ issues: [] })).toThrow(/no `names`/);
    try {
      merge({ issues: [] });
    } catch (error) {
      expect((error as { hint: string }).hint).toBe("add expand=names to the search URL");
    }
  });

  it("reads the list from list_key and names what the result has", () => {
    expect(merge({ values: [{ fields: { a: 1 } }], names: { a: "A" } }, "values")).toEqual([
      { fields: { A: 1 } },
    ]);
    expect(() => merge({ values: [], names: {} })).toThrow(/has no list "issues"/);
  });
});
