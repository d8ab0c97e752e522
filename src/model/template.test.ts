import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { OctoflowError } from "./errors.js";
import {
  checkTemplate,
  evaluateExpression,
  fileTemplateLoader,
  isTruthy,
  renderTemplate,
  renderValue,
  templateStrings,
} from "./template.js";
import type { TemplateLoader } from "./template.js";

function mapLoader(files: Record<string, string>): TemplateLoader {
  return { load: (name) => (Object.hasOwn(files, name) ? files[name] : undefined) };
}

function renderError(
  source: string,
  context: Record<string, unknown> = {},
  loader?: TemplateLoader,
): OctoflowError {
  try {
    renderTemplate(source, context, { name: "flow.j2", loader });
  } catch (error) {
    expect(error).toBeInstanceOf(OctoflowError);
    return error as OctoflowError;
  }
  throw new Error(`expected ${JSON.stringify(source)} to fail`);
}

describe("renderTemplate", () => {
  it("renders options the way flows use them", () => {
    const context = { jql: "project = OPS", run: { id: "r-1" }, issues: [{ key: "OPS-1" }] };
    expect(renderTemplate("https://jira/rest/api/2/search?jql={{ jql }}", context)).toBe(
      "https://jira/rest/api/2/search?jql=project = OPS",
    );
    expect(renderTemplate("out/{{ run.id }}.json", context)).toBe("out/r-1.json");
    expect(renderTemplate("{{ issues | length > 0 }}", context)).toBe("True");
  });

  it("prints values with Python's spelling", () => {
    expect(renderTemplate("{{ [1, 'a', none, true] }} {{ {'a': 1.0} }} {{ 3 / 2 }} {{ 4 / 2 }}", {})).toBe(
      "[1, 'a', None, True] {'a': 1.0} 1.5 2.0",
    );
  });

  it("renders undefined variables as empty text, like Jinja2's default Undefined", () => {
    expect(renderTemplate("[{{ missing }}][{{ missing | length }}][{{ missing | default('d') }}]", {})).toBe(
      "[][0][d]",
    );
  });

  it("starts every render from fresh literals even though the parse is cached", () => {
    const source = "{% set out = [] %}{% set _ = out.append(x) %}{{ out }}";
    expect(renderTemplate(source, { x: 1 })).toBe("[1]");
    expect(renderTemplate(source, { x: 2 })).toBe("[2]");
  });

  it("includes, imports and extends through a loader", () => {
    const loader = mapLoader({
      "base.j2": "<{% block body %}base{% endblock %}>",
      "macros.j2": "{% macro shout(s) %}{{ s | upper }}!{% endmacro %}",
      "part.j2": "part {{ who }}",
    });
    const source =
      "{% extends 'base.j2' %}{% import 'macros.j2' as m %}{% block body %}{{ m.shout('hi') }} {% include 'part.j2' %}{% endblock %}";
    expect(renderTemplate(source, { who: "you" }, { loader })).toBe("<HI! part you>");
  });
});

describe("errors", () => {
  it("reports syntax errors with the template name and line", () => {
    const error = renderError("line one\n{% if x %}\n{% endfor %}");
    expect(error.code).toBe("TEMPLATE_SYNTAX");
    expect(error.message).toMatch(/^flow\.j2:3: Encountered unknown tag 'endfor'/);
    expect(error.hint).toMatch(/\w+/);
    expect(error.details).toMatchObject({ template: "flow.j2", line: 3 });
  });

  it("reports render errors with the line they happened on", () => {
    const error = renderError("a\nb\n{{ user.name.first }}", { user: {} });
    expect(error.code).toBe("TEMPLATE_RENDER");
    expect(error.message).toBe("flow.j2:3: 'dict object' has no attribute 'name'");
    expect(error.hint).toMatch(/default/);
  });

  it("names the included template when the error is inside it", () => {
    const loader = mapLoader({ "inner.j2": "ok\n{{ 1 / 0 }}" });
    const error = renderError("{% include 'inner.j2' %}", {}, loader);
    expect(error.message).toBe("inner.j2:2: division by zero");
  });

  it("reports a missing template and a missing loader", () => {
    expect(renderError("{% include 'nope.j2' %}", {}, mapLoader({})).message).toBe(
      "flow.j2:1: template not found: nope.j2",
    );
    expect(renderError("{% include 'nope.j2' %}").message).toMatch(/no template loader/);
  });

  it("never lets a JavaScript exception escape unwrapped", () => {
    const frozen = Object.freeze([1]);
    const error = renderError("{% set _ = items.append(2) %}", { items: frozen });
    expect(error.code).toBe("TEMPLATE_RENDER");
    expect(error.message).toMatch(/^flow\.j2:1: /);
  });

  it("stops runaway recursion", () => {
    const loader = mapLoader({ "self.j2": "{% include 'self.j2' %}" });
    expect(renderError("{% include 'self.j2' %}", {}, loader).message).toMatch(/maximum recursion depth/);
    expect(renderError("{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}").message).toMatch(
      /maximum recursion depth/,
    );
  });

  it("checkTemplate returns undefined or name:line: message", () => {
    expect(checkTemplate("{% for x in xs %}{{ x | upper }}{% endfor %}")).toBeUndefined();
    expect(checkTemplate("ok\n{{ x | nofilter }}", "report.j2")).toBe(
      "report.j2:2: No filter named 'nofilter'.",
    );
    expect(checkTemplate("{% if x %}")).toMatch(/^template:1: Unexpected end of template/);
  });
});

describe("sandbox", () => {
  const attacks = [
    "{{ ''.constructor.constructor('return process')() }}",
    "{{ ''.constructor.constructor }}",
    "{{ [].constructor }}",
    "{{ x.constructor }}",
    "{{ x.__proto__ }}",
    "{{ x.__proto__.constructor }}",
    "{{ x['constructor']['constructor'] }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ range.constructor('return process')() }}",
    "{{ namespace.__dict__ }}",
    "{{ x.toString() }}",
    "{{ x.hasOwnProperty('a') }}",
    "{{ fn() }}",
    "{{ obj.secret }}",
    "{{ obj.constructor.name }}",
    "{{ getter.value }}",
    "{{ process }}{{ globalThis }}{{ require }}{{ this }}",
    "{{ 'x'.format.constructor }}",
    "{{ '{0.constructor}'.format(x) }}",
    "{{ '{0.__class__}'.format('') }}",
    "{% set d = {} %}{% set _ = d.update({'__proto__': {'polluted': 1}}) %}{{ d.polluted }}",
    "{% set d = dict(__proto__={'polluted': 1}) %}{{ d.polluted }}",
    "{{ range(1000000) | length }}",
  ];
  let getterCalls = 0;
  class Secret {
    secret = "s3cr3t";
  }
  const context = {
    x: { a: 1 },
    fn: () => "called",
    obj: new Secret(),
    getter: Object.defineProperty({}, "value", {
      get: () => {
        getterCalls++;
        return "leaked";
      },
      enumerable: true,
    }),
  };

  it.each(attacks)("%s runs nothing and leaks nothing", (attack) => {
    let output = "";
    try {
      output = renderTemplate(attack, context);
    } catch (error) {
      expect(error).toBeInstanceOf(OctoflowError);
      output = (error as Error).message;
    }
    expect(output).not.toMatch(/called|s3cr3t|leaked|native code|\[object|=>|v\d+\.\d+\.\d+/);
    expect(getterCalls).toBe(0);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it("explains a blocked access as a sandbox error when the value is used", () => {
    const error = renderError("{{ ''.__class__.__mro__ }}");
    expect(error.message).toBe("flow.j2:1: access to attribute '__class__' of 'str' object is unsafe.");
    expect(error.hint).toMatch(/sandboxed/);
  });
});

describe("evaluateExpression", () => {
  it("returns native values", () => {
    const context = { issues: [{ key: "A", points: 2 }], n: 3 };
    expect(evaluateExpression("issues | length > 0", context)).toBe(true);
    expect(evaluateExpression("issues | map(attribute='key') | list", context)).toEqual(["A"]);
    expect(evaluateExpression("n / 2", context)).toBe(1.5);
    expect(evaluateExpression("n * 1.0", context)).toBe(3);
    expect(evaluateExpression("{'a': (1, 2)}", context)).toEqual({ a: [1, 2] });
    expect(evaluateExpression("missing", context)).toBeUndefined();
    expect(evaluateExpression("issues", context)).toBe(context.issues);
  });

  it("reports syntax and runtime errors", () => {
    expect(() => evaluateExpression("issues |", {})).toThrow(/^expression:1: /);
    expect(() => evaluateExpression("1 / 0", {})).toThrow("expression:1: division by zero");
  });
});

describe("renderValue", () => {
  const context = { jql: "x = 1", keys: ["A", "B"], n: 2, run: { id: "r" } };

  it("keeps the native value of a string that is a single expression", () => {
    expect(renderValue("{{ keys }}", context)).toEqual(["A", "B"]);
    expect(renderValue("  {{ n + 1 }}\n", context)).toBe(3);
    expect(renderValue("{{ n }} items", context)).toBe("2 items");
  });

  it("renders deeply and returns strings without template syntax untouched", () => {
    const plain = "no template here";
    expect(renderValue(plain, context)).toBe(plain);
    expect(
      renderValue(
        { uri: "https://jira?jql={{ jql }}", body: { keys: "{{ keys }}", list: ["{{ run.id }}", 1, null] } },
        context,
      ),
    ).toEqual({ uri: "https://jira?jql=x = 1", body: { keys: ["A", "B"], list: ["r", 1, null] } });
  });
});

describe("isTruthy", () => {
  it("follows Python", () => {
    for (const value of ["", 0, [], {}, null, undefined, false]) expect(isTruthy(value)).toBe(false);
    for (const value of ["a", 1, -1, [0], { a: 0 }, true, Number.NaN]) expect(isTruthy(value)).toBe(true);
  });
});

describe("templateStrings", () => {
  it("finds every string with template syntax", () => {
    const value = { a: "{{ x }}", b: ["plain", "{% if y %}z{% endif %}", { c: "{# note #}" }], d: 3 };
    expect(templateStrings(value)).toEqual(["{{ x }}", "{% if y %}z{% endif %}", "{# note #}"]);
  });
});

describe("fileTemplateLoader", () => {
  const root = mkdtempSync(path.join(tmpdir(), "octoflow-templates-"));
  const outside = mkdtempSync(path.join(tmpdir(), "octoflow-outside-"));
  mkdirSync(path.join(root, "parts"));
  writeFileSync(path.join(root, "parts", "row.j2"), "<{{ item }}>");
  writeFileSync(path.join(outside, "secret.j2"), "secret");
  symlinkSync(path.join(outside, "secret.j2"), path.join(root, "link.j2"));
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });
  const loader = fileTemplateLoader(root);

  it("reads templates under the root", () => {
    expect(loader.load("parts/row.j2")).toBe("<{{ item }}>");
    expect(loader.load("./parts//row.j2")).toBe("<{{ item }}>");
    expect(loader.load("parts/missing.j2")).toBeUndefined();
    expect(
      renderTemplate("{% for item in [1, 2] %}{% include 'parts/row.j2' %}{% endfor %}", {}, { loader }),
    ).toBe("<1><2>");
  });

  it("refuses names that escape the root", () => {
    for (const name of [
      "../secret.j2",
      "parts/../../secret.j2",
      path.join(outside, "secret.j2"),
      "/etc/passwd",
      "a\0b",
      "link.j2",
    ]) {
      expect(() => loader.load(name), name).toThrow(/outside the template directory/);
    }
    expect(() => renderTemplate("{% include '../x.j2' %}", {}, { loader })).toThrow(
      /cannot load template '\.\.\/x\.j2'/,
    );
  });
});
