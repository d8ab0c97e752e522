import { describe, expect, it } from "vitest";
import { createRegistry } from "../cli/app.js";
import { formatDiagnostic } from "./diagnostics.js";
import { loadFlowText } from "./flow-loader.js";

const registry = createRegistry();

async function problems(yaml: string): Promise<string[]> {
  const result = await loadFlowText("flow.yml", yaml, registry);
  return result.ok ? [] : result.diagnostics.map(formatDiagnostic);
}

describe("flow validation", () => {
  it("accepts seed 003's format with the extensions", async () => {
    const result = await loadFlowText(
      "flow.yml",
      `
name: jira-export
schedule: { cron: "0 6 * * *" }
steps:
  - name: search
    type: log
    log: { message: "searching {{ jql }}" }
    result_key: raw
    retry: { attempts: 3, backoff: exponential, max_delay: 2m }
    timeout: 30s
  - name: save
    type: noop
    when: "{{ raw | length > 0 }}"
    ignore_errors: ["ENOSPC"]
    jq_expression: ".issues"
    needs: [search]
`,
      registry,
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.flow.steps[0]?.retry).toEqual({
      attempts: 3,
      backoff: "exponential",
      delay: 1000,
      max_delay: 120_000,
    });
    expect(result.flow.steps[0]?.timeout).toBe(30_000);
    expect(Object.isFrozen(result.flow.steps)).toBe(true);
    expect(result.flow.source.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("reports every problem at once, each with line and column", async () => {
    const found = await problems(`name: broken
steps:
  - name: one
    type: jqq
  - name: two
    type: log
    log: { mesage: hi }
  - name: two
    type: noop
    retyr: { attempts: 2 }
  - name: three
    type: noop
    needs: [tow]
    retry: { attempts: many }
`);
    expect(found).toEqual([
      expect.stringMatching(
        /^flow.yml:4:11 steps\[0\]\.type: unknown step type "jqq".*\n {4}hint: known step types: .*log.*noop/s,
      ),
      expect.stringMatching(
        /^flow.yml:7:10 steps\[1\]\.log\.message: missing required field "message"\n {4}hint: add it \(text\)/,
      ),
      expect.stringMatching(/^flow.yml:7:12 steps\[1\]\.log\.mesage: unknown field "mesage"/),
      expect.stringMatching(
        /^flow.yml:10:5 steps\[2\]\.retyr: unknown field "retyr" — did you mean "retry"\?\n {4}hint: fields allowed here: name, type/,
      ),
      'flow.yml:14:24 steps[3].retry.attempts: expected a number, got text "many"',
      expect.stringMatching(/^flow.yml:8:11 steps\[2\]\.name: duplicate step name "two" \(also step 2\)/),
      expect.stringMatching(
        /^flow.yml:13:13 steps\[3\]\.needs\[0\]: needs "tow", but no step has that name — did you mean "two"\?/,
      ),
    ]);
  });

  it("suggests the right type for a misspelled step type", async () => {
    expect((await problems("name: f\nsteps:\n  - { name: a, type: slep }\n"))[0]).toContain(
      'did you mean "sleep"?',
    );
  });

  it("names the steps of a cycle", async () => {
    const found = await problems(`name: loop
steps:
  - { name: a, type: noop, needs: [c] }
  - { name: b, type: noop, needs: [a] }
  - { name: c, type: noop, needs: [b] }
`);
    expect(found).toEqual([expect.stringContaining("cycle: a → b → c → a")]);
  });

  it("rejects an invalid cron expression and time zone", async () => {
    const found = await problems(`name: sched
schedule: { cron: "61 * * * *", timezone: Mars/Olympus }
steps: [{ name: a, type: noop }]
`);
    expect(found[0]).toMatch(/^flow.yml:2:19 schedule\.cron: invalid cron expression "61 \* \* \* \*"/);
    expect(found.length).toBe(1);
  });

  it("rejects templates and jq expressions that do not parse", async () => {
    const found = await problems(`name: expr
steps:
  - { name: a, type: log, log: { message: "{{ unclosed" } }
  - { name: b, type: noop, jq_expression: ".a | [" }
  - { name: c, type: noop, when: "{% if %}" }
  - { name: d, type: noop, ignore_errors: ["(unbalanced"] }
`);
    expect(found).toEqual([
      expect.stringMatching(/^flow.yml:3:\d+ steps\[0\]\.log: template does not parse/),
      expect.stringMatching(/^flow.yml:4:\d+ steps\[1\]\.jq_expression: jq expression does not parse/),
      expect.stringMatching(/^flow.yml:5:\d+ steps\[2\]\.when: template does not parse/),
      expect.stringMatching(/^flow.yml:6:\d+ steps\[3\]\.ignore_errors\[0\]: not a valid regular expression/),
    ]);
  });

  it("points at the block that belongs to another step type", async () => {
    const found = await problems("name: f\nsteps:\n  - { name: a, type: noop, sleep: { duration: 1 } }\n");
    expect(found[0]).toContain('the "sleep" block belongs to steps of type sleep; this step is of type noop');
  });

  it("rejects malformed YAML with its position", async () => {
    const found = await problems("name: f\nsteps:\n  - name: a\n   type: noop\n");
    expect(found[0]).toMatch(/^flow.yml:4:\d+ YAML syntax error/);
  });

  it("rejects a YAML alias bomb quickly instead of expanding it", async () => {
    const levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++)
      levels.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(", ")}]`,
      );
    const started = Date.now();
    const found = await problems(`${levels.join("\n")}\nname: bomb\nsteps: []\n`);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(found[0]).toContain("too many aliases");
  });

  it("rejects a file that is not a mapping, and one with no steps", async () => {
    expect((await problems("- just\n- a list\n"))[0]).toContain("a flow file must be a mapping");
    expect(await problems("name: empty\nsteps: []\n")).toEqual([
      expect.stringContaining("the flow has no steps"),
    ]);
    expect((await problems("steps: [{ name: a, type: noop }]\n"))[0]).toContain(
      'missing required field "name"',
    );
  });

  it("validates a 10,000-step flow in reasonable time", async () => {
    const steps = Array.from({ length: 10_000 }, (_, i) => `  - { name: s${i}, type: noop }`).join("\n");
    const result = await loadFlowText("big.yml", `name: big\nsteps:\n${steps}\n`, registry);
    expect(result.ok).toBe(true);
  });
});
