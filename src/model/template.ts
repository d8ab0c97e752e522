/**
 * octoflow's template engine: Jinja2, interpreted in TypeScript, sandboxed.
 *
 * Why our own interpreter: templates written for Python's Jinja2 must render the same text. We
 * rendered the conformance corpus (test/conformance/jinja2-cases, 109 templates at the time) with
 * each candidate and with Python's Jinja2 3.1: nunjucks 3.2 matched 29 (JavaScript spelling of
 * values, no tojson/map/selectattr/namespace, different whitespace) and is not sandboxed —
 * `''.constructor.constructor('return process')()` ran; @huggingface/jinja 0.5 matched 34 and has
 * no include, import, extends or raw. This interpreter (template/: lexer → parser → evaluator over
 * a Python value model) matches them all, and a template reaches only own data properties of
 * plain objects and arrays plus Jinja2's filters, tests, globals and Python's str/list/dict
 * methods. Parsed templates are cached by source, so rendering a small template again is cheap.
 */
import { readFileSync, realpathSync } from "node:fs";
import path from "node:path";
import { OctoflowError } from "./errors.js";
import type { Expr, TemplateAst } from "./template/ast.js";
import { TemplateError, hintFor } from "./template/errors.js";
import { Evaluator, Frame } from "./template/evaluate.js";
import { FILTER_NAMES } from "./template/filters.js";
import { parseExpression, parseTemplate } from "./template/parser.js";
import { render } from "./template/runtime.js";
import type { LoadedTemplate, TemplateSource } from "./template/runtime.js";
import { TEST_NAMES } from "./template/tests.js";
import { toNative } from "./template/native.js";
import { isPlainObject, pyBool } from "./template/values.js";

/** Resolves the names used by `{% include %}`, `{% import %}` and `{% extends %}`. */
export interface TemplateLoader {
  /** The template's source, or undefined when there is no template by that name. */
  load(name: string): string | undefined;
}

export interface RenderOptions {
  /** The template's name in error messages. @defaultValue "template" */
  name?: string;
  /** Where included, imported and extended templates come from. @defaultValue none: those fail */
  loader?: TemplateLoader;
}

const PARSER_OPTIONS = { filters: FILTER_NAMES, tests: TEST_NAMES };
const CACHE_LIMIT = 1000;
const templates = new Map<string, TemplateAst>();
const expressions = new Map<string, Expr>();

function cached<T>(cache: Map<string, T>, key: string, make: () => T): T {
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const value = make();
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
  cache.set(key, value);
  return value;
}

function parse(source: string, name: string): TemplateAst {
  try {
    return cached(templates, source, () => parseTemplate(source, PARSER_OPTIONS));
  } catch (error) {
    if (error instanceof TemplateError) error.at(1, name);
    throw error;
  }
}

function toOctoflowError(error: unknown, name: string): OctoflowError {
  if (error instanceof OctoflowError) return error;
  if (error instanceof TemplateError) {
    const template = error.template ?? name;
    const line = error.line ?? 1;
    const code = error.kind === "TemplateSyntaxError" ? "TEMPLATE_SYNTAX" : "TEMPLATE_RENDER";
    return new OctoflowError(code, `${template}:${line}: ${error.message}`, {
      hint: hintFor(error),
      details: { template, line, kind: error.kind },
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new OctoflowError("TEMPLATE_RENDER", `${name}: ${message}`, {
    hint: "this is a bug in the template engine if the template is valid",
    details: { template: name },
    cause: error,
  });
}

function sourceFor(loader: TemplateLoader | undefined): TemplateSource | undefined {
  if (!loader) return undefined;
  return {
    load(name: string): LoadedTemplate | undefined {
      let text: string | undefined;
      try {
        text = loader.load(name);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new TemplateError("TemplateNotFound", `cannot load template '${name}': ${reason}`);
      }
      return text === undefined ? undefined : { name, ast: parse(text, name) };
    },
  };
}

/**
 * A loader reading templates from files under `root` (TEMPLATES_PATH). Names are relative paths
 * with "/" separators; a name that is absolute, contains "..", a NUL, or resolves (through
 * symlinks too) outside `root` is refused with an error.
 *
 * @example
 * renderTemplate("{% include 'header.j2' %}", {}, { loader: fileTemplateLoader("data/templates") });
 */
export function fileTemplateLoader(root: string): TemplateLoader {
  const base = path.resolve(root);
  const refuse = (name: string): OctoflowError =>
    new OctoflowError(
      "TEMPLATE_RENDER",
      `template name ${JSON.stringify(name)} is outside the template directory`,
      {
        hint: "use a path relative to TEMPLATES_PATH, without '..'",
      },
    );
  return {
    load(name: string): string | undefined {
      if (name.includes("\0") || path.isAbsolute(name) || path.win32.isAbsolute(name)) throw refuse(name);
      const parts = name.split(/[\\/]+/).filter((part) => part !== "" && part !== ".");
      if (parts.includes("..") || parts.length === 0) throw refuse(name);
      const file = path.join(base, ...parts);
      let real: string;
      let realBase: string;
      try {
        realBase = realpathSync(base);
        real = realpathSync(file);
      } catch (error) {
        if (["ENOENT", "ENOTDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) return undefined;
        throw error;
      }
      if (!real.startsWith(realBase + path.sep)) throw refuse(name);
      try {
        return readFileSync(real, "utf8");
      } catch (error) {
        if (["ENOENT", "EISDIR"].includes((error as NodeJS.ErrnoException).code ?? "")) return undefined;
        throw error;
      }
    },
  };
}

/**
 * Checks that `source` parses (syntax, known filters and tests). Returns undefined when it does,
 * else "name:line: message".
 *
 * @example
 * checkTemplate("{% if x %}", "report.j2"); // "report.j2:1: Unexpected end of template. …"
 */
export function checkTemplate(source: string, name = "template"): string | undefined {
  try {
    parse(source, name);
    return undefined;
  } catch (error) {
    return toOctoflowError(error, name).message;
  }
}

/**
 * Renders a Jinja2 template to text, exactly as Python's Jinja2 (sandboxed, default settings)
 * would. Throws OctoflowError TEMPLATE_SYNTAX or TEMPLATE_RENDER naming template and line.
 *
 * @example
 * renderTemplate("out/{{ run.id }}.json", { run: { id: "r1" } }); // "out/r1.json"
 */
export function renderTemplate(
  source: string,
  context: Readonly<Record<string, unknown>>,
  options: RenderOptions = {},
): string {
  const name = options.name ?? "template";
  try {
    return render({ name, ast: parse(source, name) }, context, sourceFor(options.loader));
  } catch (error) {
    throw toOctoflowError(error, name);
  }
}

function evaluate(expr: Expr, context: Readonly<Record<string, unknown>>, name: string): unknown {
  try {
    return toNative(new Evaluator(name).eval(expr, new Frame(undefined, context)));
  } catch (error) {
    if (error instanceof TemplateError) error.at(expr.line, name);
    throw toOctoflowError(error, name);
  }
}

/**
 * Evaluates a bare Jinja2 expression and returns its value as plain data (undefined for an
 * undefined variable, numbers for floats, objects for dicts, arrays for tuples).
 *
 * @example
 * evaluateExpression("issues | length > 0", { issues: [1] }); // true
 */
export function evaluateExpression(expression: string, context: Readonly<Record<string, unknown>>): unknown {
  let expr: Expr;
  try {
    expr = cached(expressions, expression, () => parseExpression(expression, PARSER_OPTIONS));
  } catch (error) {
    throw toOctoflowError(error, "expression");
  }
  return evaluate(expr, context, "expression");
}

const TEMPLATE_SYNTAX = /\{[{%#]/;

/** The expression of a string that is exactly one `{{ expr }}`, whitespace around allowed. */
function soleExpression(ast: TemplateAst): Expr | undefined {
  const parts = ast.body.filter((stmt) => !(stmt.type === "data" && stmt.text.trim() === ""));
  const [only] = parts;
  return parts.length === 1 && only?.type === "print" ? only.expr : undefined;
}

/**
 * Renders every string in `value` (deeply through arrays and plain objects). A string that is
 * exactly one `{{ expr }}` yields the expression's native value, so lists and numbers stay
 * typed (an undefined variable yields undefined); strings without template syntax are returned
 * untouched.
 *
 * @example
 * renderValue({ uri: "https://jira/search?jql={{ jql }}", keys: "{{ keys }}" }, { jql: "x", keys: [1] });
 * // { uri: "https://jira/search?jql=x", keys: [1] }
 */
export function renderValue(value: unknown, context: Readonly<Record<string, unknown>>): unknown {
  if (typeof value === "string") {
    if (!TEMPLATE_SYNTAX.test(value)) return value;
    let sole: Expr | undefined;
    try {
      sole = soleExpression(parse(value, "template"));
    } catch (error) {
      throw toOctoflowError(error, "template");
    }
    return sole ? evaluate(sole, context, "template") : renderTemplate(value, context);
  }
  if (Array.isArray(value)) return value.map((item) => renderValue(item, context));
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      Object.defineProperty(out, key, {
        value: renderValue(item, context),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * Python's truthiness: "", 0, [], {}, null, undefined and false are false; all else is true.
 *
 * @example
 * isTruthy(evaluateExpression("issues", { issues: [] })); // false
 */
export function isTruthy(value: unknown): boolean {
  return pyBool(value);
}

/**
 * Every string inside `value` that contains template syntax, for validating a flow up front.
 *
 * @example
 * templateStrings({ path: "out/{{ run.id }}.json", mode: "write" }); // ["out/{{ run.id }}.json"]
 */
export function templateStrings(value: unknown): string[] {
  const found: string[] = [];
  const visit = (item: unknown): void => {
    if (typeof item === "string") {
      if (TEMPLATE_SYNTAX.test(item)) found.push(item);
    } else if (Array.isArray(item)) item.forEach(visit);
    else if (isPlainObject(item)) Object.values(item).forEach(visit);
  };
  visit(value);
  return found;
}
