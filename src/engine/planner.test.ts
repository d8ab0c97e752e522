import { describe, expect, it } from "vitest";
import type { FlowDefinition } from "../model/flow-schema.js";
import { planRun } from "./planner.js";

function flowOf(steps: { name: string; needs?: string[] }[]): FlowDefinition {
  return {
    name: "f",
    steps: steps.map((s) => ({ ...s, type: "noop", options: undefined })),
    source: { hash: "x", raw: null },
  };
}

//   a ─┬─ b ─┬─ d ── e
//      └─ c ─┘
const diamond = flowOf([
  { name: "a" },
  { name: "b", needs: ["a"] },
  { name: "c", needs: ["a"] },
  { name: "d", needs: ["b", "c"] },
  { name: "e" },
  { name: "lone", needs: [] },
]);

describe("planRun", () => {
  it("groups steps into parallel waves, file order within a wave", () => {
    expect(planRun(diamond).groups).toEqual([["a", "lone"], ["b", "c"], ["d"], ["e"]]);
  });

  it("chains steps without needs in file order (seed 003)", () => {
    const plan = planRun(flowOf([{ name: "x" }, { name: "y" }, { name: "z" }]));
    expect(plan.groups).toEqual([["x"], ["y"], ["z"]]);
  });

  it("orders a step before one that names it, even when written after it", () => {
    const plan = planRun(
      flowOf([
        { name: "late", needs: ["early"] },
        { name: "early", needs: [] },
      ]),
    );
    expect(plan.groups).toEqual([["early"], ["late"]]);
  });

  it("selects only the named steps, and says what upstream they miss", () => {
    const plan = planRun(diamond, { only: ["d"] });
    expect(plan.steps).toEqual(["d"]);
    expect([...plan.missingUpstream].sort()).toEqual(["b", "c"]);
  });

  it("adds ancestors with withUpstream and descendants with withDownstream", () => {
    expect(planRun(diamond, { only: ["d"], withUpstream: true }).steps).toEqual(["a", "b", "c", "d"]);
    expect(planRun(diamond, { only: ["b"], withDownstream: true }).steps).toEqual(["b", "d", "e"]);
    expect(planRun(diamond, { only: ["b"], withUpstream: true, withDownstream: true }).steps).toEqual([
      "a",
      "b",
      "d",
      "e",
    ]);
  });

  it("refuses an unknown step name with a suggestion", () => {
    expect(() => planRun(diamond, { only: ["dd"] })).toThrow(/no step of that name — did you mean "d"\?/);
  });

  it("plans a 10,000-step chain without deep recursion", () => {
    const steps = Array.from({ length: 10_000 }, (_, i) => ({ name: `s${i}` }));
    expect(planRun(flowOf(steps)).groups.length).toBe(10_000);
  });
});
