import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Harness } from "../test-support/harness.js";
import { createHarness } from "../test-support/harness.js";

let h: Harness;
beforeEach(() => {
  h = createHarness();
  const templates = join(h.dir, "templates");
  writeFileSync(join(templates, "macros.j2"), "{% macro row(name, n) %}{{ name }}={{ n }}{% endmacro %}");
  writeFileSync(
    join(templates, "rows.j2"),
    '{% from "macros.j2" import row %}[{% for k, v in counts | dictsort %}"{{ row(k, v) }}"{{ "," if not loop.last }}{% endfor %}]',
  );
  writeFileSync(join(templates, "config.yml.j2"), "name: {{ data.name }}\nenabled: {{ enabled | tojson }}\n");
});
afterEach(async () => {
  await h.close();
});

async function run(yaml: string) {
  const final = await (await h.runs.launch({ flow: await h.flow(yaml) })).done;
  return { final, steps: new Map((await h.store.getRunSteps(final.id)).map((s) => [s.name, s])) };
}

describe("jinja step", () => {
  it("renders a template file with imports, the picked data's keys at top level, and parses JSON", async () => {
    const { steps } = await run(`
name: j
steps:
  - { name: stats, type: echo, echo: { counts: { b: 2, a: 1 } } }
  - { name: render, type: jinja, jinja: { path: rows.j2, data_key: stats, parse: json } }
`);
    expect(steps.get("render")?.output).toEqual(["a=1", "b=2"]);
  });

  it("sees the run's data and the picked value as data, and parses YAML", async () => {
    const { steps } = await run(`
name: j
steps:
  - { name: flags, type: echo, echo: { on: true } }
  - { name: who, type: echo, echo: { name: octo } }
  - { name: render, type: jinja, jinja: { path: config.yml.j2, data_key: who, parse: yaml } }
`);
    // `enabled` is undefined in the data: tojson of Jinja2's Undefined fails, which is the honest answer.
    expect(steps.get("render")?.state).toBe("FAILED");
    const ok = await run(`
name: j2
steps:
  - { name: enabled, type: echo, echo: { x: 1 } }
  - { name: who, type: echo, echo: { name: octo } }
  - { name: render, type: jinja, jinja: { path: config.yml.j2, data_key: who, parse: yaml } }
`);
    expect(ok.steps.get("render")?.output).toEqual({ name: "octo", enabled: { x: 1 } });
  });

  it("renders an inline template as written, without rendering it twice", async () => {
    const { steps } = await run(`
name: j
steps:
  - { name: render, type: jinja, jinja: { template: "{% raw %}{{ kept }}{% endraw %} {{ run.flow }}" } }
`);
    expect(steps.get("render")?.output).toBe("{{ kept }} j");
  });

  it("names a missing template and refuses paths outside TEMPLATES_PATH", async () => {
    const missing = await run("name: j\nsteps:\n  - { name: r, type: jinja, jinja: { path: nope.j2 } }\n");
    expect(missing.steps.get("r")?.error).toContain("template nope.j2 not found in TEMPLATES_PATH");
    const escape = await run(
      "name: j\nsteps:\n  - { name: r, type: jinja, jinja: { path: ../octoflow.db } }\n",
    );
    expect(escape.steps.get("r")?.state).toBe("FAILED");
    expect(escape.steps.get("r")?.error).toMatch(/outside|leaves|\.\./);
  });
});
