/**
 * Renders every case of the corpus with octoflow's engine and with Python's Jinja2 (one python3
 * process for all cases, fed JSON) and requires byte-identical output, or an error from both.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderTemplate } from "../../src/model/template.js";
import type { TemplateLoader } from "../../src/model/template.js";
import { cases } from "./jinja2-cases/cases.js";
import type { Jinja2Case } from "./jinja2-cases/cases.js";

type Reference = { ok: true; output: string } | { ok: false; error: string };

function renderWithPython(all: readonly Jinja2Case[]): Reference[] {
  const script = fileURLToPath(new URL("./jinja2-cases/render.py", import.meta.url));
  const result = spawnSync("python3", [script], {
    input: JSON.stringify(all),
    encoding: "utf8",
    maxBuffer: 64 << 20,
  });
  if (result.error || result.status !== 0) {
    throw new Error(
      `python3 with jinja2 is required for the conformance suite: ${result.error?.message ?? result.stderr}`,
    );
  }
  return JSON.parse(result.stdout) as Reference[];
}

function renderWithOctoflow(testCase: Jinja2Case): Reference {
  const files = testCase.files ?? {};
  const loader: TemplateLoader = { load: (name) => (Object.hasOwn(files, name) ? files[name] : undefined) };
  try {
    return { ok: true, output: renderTemplate(testCase.template, testCase.context ?? {}, { loader }) };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

describe("Jinja2 conformance", () => {
  const references = renderWithPython(cases);

  it("has a corpus of at least 60 templates", () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
    expect(references).toHaveLength(cases.length);
  });

  it.each(cases.map((testCase, index) => [testCase.name, index] as const))("%s", (_name, index) => {
    const testCase = cases[index] as Jinja2Case;
    const reference = references[index] as Reference;
    const ours = renderWithOctoflow(testCase);
    expect(reference.ok, `Python: ${JSON.stringify(reference)}`).toBe(!testCase.error);
    if (reference.ok) expect(ours).toEqual(reference);
    else expect(ours.ok, `ours rendered ${JSON.stringify(ours)}; Python: ${reference.error}`).toBe(false);
  });
});
