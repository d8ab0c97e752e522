import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Harness } from "../test-support/harness.js";
import { createHarness } from "../test-support/harness.js";

let h: Harness;
beforeEach(() => {
  h = createHarness();
});
afterEach(async () => {
  await h.close();
});

async function run(yaml: string, args: Record<string, unknown> = {}, selection = {}) {
  const flow = await h.flow(yaml);
  const started = await h.runs.launch({ flow, args, selection });
  const final = await started.done;
  const steps = new Map((await h.store.getRunSteps(final.id)).map((s) => [s.name, s]));
  return { final, steps };
}

describe("executeRun", () => {
  it("runs steps in file order and passes data by result_key and data_key", async () => {
    const { final, steps } = await run(
      `
name: chain
steps:
  - { name: a, type: echo, echo: { greeting: "hello {{ who }}" }, result_key: first }
  - { name: b, type: noop, data_key: first }
  - { name: c, type: echo, echo: { said: "{{ first.greeting }}", count: "{{ [1, 2, 3] | length }}" } }
`,
      { who: "octo" },
    );
    expect(final.state).toBe("COMPLETED");
    expect(final.progress).toBe(100);
    expect(steps.get("b")?.output).toEqual({ greeting: "hello octo" });
    expect(steps.get("c")?.output).toEqual({ said: "hello octo", count: 3 });
    const order = h.events
      .filter((e) => e.type === "step" && e.state === "RUNNING")
      .map((e) => (e as { step: string }).step);
    expect(order).toEqual(["a", "b", "c"]);
  });

  it("runs independent steps in parallel up to the flow's concurrency", async () => {
    const fanOut = Array.from(
      { length: 10 },
      (_, i) => `  - { name: s${i}, type: busy, busy: { ms: 30 }, needs: [] }`,
    ).join("\n");
    const { final } = await run(`name: wide\nconcurrency: 3\nsteps:\n${fanOut}\n`);
    expect(final.state).toBe("COMPLETED");
    expect(h.state.maxRunning).toBe(3);
  });

  it("skips a step whose when is false, and the run still completes", async () => {
    const { final, steps } = await run(`
name: cond
steps:
  - { name: list, type: echo, echo: { items: [] } }
  - { name: save, type: noop, when: "{{ list['items'] | length > 0 }}" }
  - { name: bare, type: noop, when: "list['items'] | length == 0" }
  - { name: never, type: noop, when: false }
`);
    expect(final.state).toBe("COMPLETED");
    expect(steps.get("save")?.state).toBe("SKIPPED");
    expect(steps.get("save")?.skipReason).toContain("when is false");
    expect(steps.get("bare")?.state).toBe("COMPLETED");
    expect(steps.get("never")?.state).toBe("SKIPPED");
  });

  it("fails the run, skips downstream steps and lets other branches finish", async () => {
    const { final, steps } = await run(`
name: broken
steps:
  - { name: root, type: noop }
  - { name: bad, type: flaky, flaky: { failures: 5, message: "disk on fire" }, needs: [root] }
  - { name: after_bad, type: noop, needs: [bad] }
  - { name: after_after, type: noop, needs: [after_bad] }
  - { name: other, type: busy, needs: [root] }
`);
    expect(final.state).toBe("FAILED");
    expect(final.error).toContain('step "bad" failed: disk on fire');
    expect(steps.get("bad")?.state).toBe("FAILED");
    expect(steps.get("after_bad")?.state).toBe("SKIPPED");
    expect(steps.get("after_bad")?.skipReason).toContain('upstream step "bad"');
    expect(steps.get("after_after")?.skipReason).toContain('upstream step "bad"');
    expect(steps.get("other")?.state).toBe("COMPLETED");
  });

  it("goes on when the error matches ignore_errors", async () => {
    const { final, steps } = await run(`
name: tolerant
steps:
  - { name: bad, type: flaky, flaky: { failures: 1, message: "ENOSPC: no space" }, ignore_errors: ["ENOSPC"] }
  - { name: next, type: noop }
`);
    expect(final.state).toBe("COMPLETED");
    expect(steps.get("bad")?.state).toBe("FAILED");
    expect(steps.get("bad")?.errorIgnored).toBe(true);
    expect(steps.get("next")?.state).toBe("COMPLETED");
  });

  it("retries with backoff and records every attempt", async () => {
    const { final, steps } = await run(`
name: retrying
steps:
  - name: flaky
    type: flaky
    flaky: { failures: 2, value: ok }
    retry: { attempts: 3, backoff: exponential, delay: 0.01 }
`);
    expect(final.state).toBe("COMPLETED");
    expect(steps.get("flaky")?.attempts).toBe(3);
    expect(steps.get("flaky")?.output).toBe("ok");
    const attempts = await h.store.listStepRuns(final.id);
    expect(attempts.map((a) => [a.attempt, a.state])).toEqual([
      [1, "FAILED"],
      [2, "FAILED"],
      [3, "COMPLETED"],
    ]);
  });

  it("times out a step that takes too long, even if it ignores its signal", async () => {
    const started = Date.now();
    const { final, steps } = await run(`
name: slow
steps:
  - { name: stuck, type: hang, timeout: 0.1 }
`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(final.state).toBe("FAILED");
    expect(steps.get("stuck")?.error).toContain("timed out after 100 ms");
  });

  it("fans a step out with for_each, items in parallel, outputs in order", async () => {
    const { final, steps } = await run(`
name: fan
steps:
  - { name: list, type: echo, echo: { ids: [5, 4, 3, 2, 1] } }
  - name: each
    type: busy
    busy: { ms: 10 }
    for_each: { items: "{{ list.ids }}", concurrency: 2 }
`);
    expect(final.state).toBe("COMPLETED");
    expect(steps.get("each")?.output).toEqual([5, 4, 3, 2, 1]);
    expect(h.state.maxRunning).toBe(2);
    const items = (await h.store.listStepRuns(final.id)).filter((r) => r.stepName === "each");
    expect(items.map((r) => r.itemIndex).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it("fails a for_each step when an item fails, naming the item", async () => {
    const { final, steps } = await run(`
name: fan-fail
steps:
  - { name: each, type: flaky, flaky: { failures: 1 }, for_each: [a, b] }
`);
    expect(final.state).toBe("FAILED");
    expect(steps.get("each")?.error).toMatch(/2 of 2 items failed: item \d: flaky failure/);
  });

  it("transforms any step's output with jq_expression", async () => {
    const { steps } = await run(`
name: jq
steps:
  - { name: a, type: echo, echo: { issues: [{ key: A-1 }, { key: A-2 }] }, jq_expression: "[.issues[].key]" }
`);
    expect(steps.get("a")?.output).toEqual(["A-1", "A-2"]);
  });

  it("runs only the selected steps, with their upstream when asked", async () => {
    const yaml = `
name: subset
steps:
  - { name: a, type: noop }
  - { name: b, type: noop }
  - { name: c, type: noop }
`;
    const only = await run(yaml, {}, { only: ["b"] });
    expect([...only.steps.keys()]).toEqual(["b"]);
    const up = await run(yaml, {}, { only: ["b"], withUpstream: true });
    expect([...up.steps.keys()]).toEqual(["a", "b"]);
  });

  it("cancels a run: running steps are aborted and the run ends CANCELLED", async () => {
    const flow = await h.flow(`
name: long
steps:
  - { name: wait, type: sleep, sleep: { duration: 30 } }
  - { name: stuck, type: hang, needs: [] }
  - { name: later, type: noop, needs: [wait] }
`);
    const started = await h.runs.launch({ flow });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(h.runs.cancel(started.run.id)).toBe(true);
    const final = await started.done;
    expect(final.state).toBe("CANCELLED");
    expect(final.progress).toBeLessThan(100);
    const steps = new Map((await h.store.getRunSteps(final.id)).map((s) => [s.name, s.state]));
    expect(steps).toEqual(
      new Map([
        ["wait", "CANCELLED"],
        ["stuck", "CANCELLED"],
        ["later", "CANCELLED"],
      ]),
    );
  });

  it("reuses a cached output for the same options and input", async () => {
    const yaml = `
name: cached
steps:
  - { name: a, type: flaky, flaky: { failures: 0, value: computed }, cache: { ttl: 60 } }
`;
    await run(yaml);
    const second = await run(yaml);
    expect(second.steps.get("a")?.output).toBe("computed");
    expect([...h.state.calls.values()].reduce((a, b) => a + b, 0)).toBe(1);
  });

  it("writes every state change before announcing it", async () => {
    const flow = await h.flow(`name: order\nsteps:\n  - { name: a, type: noop }\n`);
    const seen: string[] = [];
    // The SQLite store reads synchronously when called, so this sees the row as it is at the event.
    h.bus.subscribe((event) => {
      if (event.type !== "step") return;
      void h.store.getRunSteps(event.runId).then((steps) => seen.push(`${event.state}=${steps[0]?.state}`));
    });
    await (
      await h.runs.launch({ flow })
    ).done;
    expect(seen).toEqual(["RUNNING=RUNNING", "COMPLETED=COMPLETED"]);
    const runEvents = h.events.filter((e) => e.type === "run").map((e) => (e as { state: string }).state);
    expect(runEvents).toEqual(["RUNNING", "COMPLETED"]);
  });

  it("reports a missing data_key with the keys that exist", async () => {
    const { final, steps } = await run(`
name: missing
steps:
  - { name: a, type: noop, result_key: present }
  - { name: b, type: noop, data_key: absent }
`);
    expect(final.state).toBe("FAILED");
    expect(steps.get("b")?.error).toContain('data_key "absent" is not in the run\'s data');
    expect(steps.get("b")?.error).toContain("present");
  });

  it("does not run code from template injection attempts in options", async () => {
    const { steps } = await run(
      `
name: injection
steps:
  - name: ctor
    type: echo
    echo: { value: "{{ ''.constructor.constructor('return process')() }}" }
    ignore_errors: ["."]
  - name: data
    type: echo
    echo: { proto: "{{ run.__proto__ }}", data: "{{ payload }}" }
`,
      { payload: "{{ 7 * 7 }}" },
    );
    expect(steps.get("ctor")?.state).toBe("FAILED");
    expect(steps.get("ctor")?.error).toContain("has no attribute 'constructor'");
    // User data is a value, never a template of its own; a dunder name gives nothing.
    expect(steps.get("data")?.output).toEqual({ data: "{{ 7 * 7 }}" });
  });
});
