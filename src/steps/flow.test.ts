import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Harness } from "../test-support/harness.js";
import { createHarness } from "../test-support/harness.js";

let h: Harness;
beforeEach(() => {
  h = createHarness();
  const flows = join(h.dir, "flows");
  writeFileSync(
    join(flows, "double.yml"),
    `name: double
steps:
  - { name: twice, type: echo, echo: { value: "{{ n * 2 }}", key: "{{ item_index | default('none') }}" } }
`,
  );
  writeFileSync(
    join(flows, "self.yml"),
    "name: self\nsteps:\n  - { name: again, type: flow, flow: { path: self.yml } }\n",
  );
  writeFileSync(
    join(flows, "slow.yml"),
    "name: slow\nsteps:\n  - { name: wait, type: sleep, sleep: { duration: 30 } }\n",
  );
  writeFileSync(
    join(flows, "fails.yml"),
    "name: fails\nsteps:\n  - { name: bad, type: flaky, flaky: { failures: 9, message: sub-flow broke } }\n",
  );
});
afterEach(async () => {
  await h.close();
});

async function run(yaml: string) {
  const started = await h.runs.launch({ flow: await h.flow(yaml) });
  const final = await started.done;
  return { final, steps: new Map((await h.store.getRunSteps(final.id)).map((s) => [s.name, s])) };
}

describe("flow and flow_loop steps", () => {
  it("runs a sub-flow with the picked data as its input, as a linked run", async () => {
    const { final, steps } = await run(`
name: parent
steps:
  - { name: args, type: echo, echo: { n: 21 } }
  - { name: call, type: flow, flow: { path: double.yml, data_key: args, output_key: twice } }
`);
    expect(final.state).toBe("COMPLETED");
    expect(steps.get("call")?.output).toEqual({ value: 42, key: "none" });
    const children = await h.store.listRuns({ parentRunId: final.id });
    expect(children.map((c) => [c.flowName, c.parentStep, c.state, c.trigger])).toEqual([
      ["double", "call", "COMPLETED", "subflow"],
    ]);
  });

  it("loops a sub-flow over a list, results in order, item keys visible", async () => {
    const { final, steps } = await run(`
name: loop
steps:
  - { name: list, type: echo, echo: { items: [{ n: 1 }, { n: 2 }, { n: 3 }, { n: 4 }] } }
  - { name: pick, type: noop, data_key: list, jq_expression: ".items" }
  - { name: each, type: flow_loop, flow_loop: { path: double.yml, data_key: pick, concurrency: 2, output_key: twice } }
`);
    expect(final.state).toBe("COMPLETED");
    expect(steps.get("each")?.output).toEqual([
      { value: 2, key: 0 },
      { value: 4, key: 1 },
      { value: 6, key: 2 },
      { value: 8, key: 3 },
    ]);
    expect((await h.store.listRuns({ parentRunId: final.id })).length).toBe(4);
  });

  it("fails clearly when flows nest deeper than the limit", async () => {
    const { final, steps } = await run(
      "name: top\nsteps:\n  - { name: go, type: flow, flow: { path: self.yml } }\n",
    );
    expect(final.state).toBe("FAILED");
    expect(steps.get("go")?.error).toContain("more than the limit of 10");
  });

  it("fails the step with the sub-run's id and error", async () => {
    const { steps } = await run(
      "name: top\nsteps:\n  - { name: go, type: flow, flow: { path: fails.yml } }\n",
    );
    expect(steps.get("go")?.error).toMatch(
      /sub-flow fails \(run \d+\) ended FAILED: step "bad" failed: sub-flow broke/,
    );
  });

  it("refuses a sub-flow path outside FLOWS_PATH", async () => {
    const { steps } = await run(
      "name: top\nsteps:\n  - { name: go, type: flow, flow: { path: ../octoflow.db } }\n",
    );
    expect(steps.get("go")?.error).toContain('path "../octoflow.db" leaves FLOWS_PATH');
  });

  it("cancels sub-runs when the parent run is cancelled", async () => {
    const parent = await h.runs.launch({
      flow: await h.flow(`name: top2
steps:
  - { name: list, type: noop, jq_expression: "[1, 2]" }
  - { name: go, type: flow_loop, flow_loop: { path: slow.yml, data_key: list } }
`),
    });
    const waitForChildren = async () => {
      for (let i = 0; i < 200; i++) {
        const children = await h.store.listRuns({ parentRunId: parent.run.id });
        if (children.length === 2 && children.every((c) => c.state === "RUNNING")) return children;
        await new Promise((r) => setTimeout(r, 10));
      }
      throw new Error("sub-runs did not start");
    };
    const children = await waitForChildren();
    h.runs.cancel(parent.run.id);
    expect((await parent.done).state).toBe("CANCELLED");
    for (const child of children) expect((await h.store.getRun(child.id))?.state).toBe("CANCELLED");
  });
});
