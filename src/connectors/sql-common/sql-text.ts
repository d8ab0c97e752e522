import { NonRetriableError } from "../../model/errors.js";

/**
 * Reading SQL text without parsing it: enough to find `:name` parameters and the `;` between
 * statements while skipping string literals, quoted identifiers, comments, PostgreSQL's `::` casts
 * and dollar-quoted bodies.
 */

/** A statement with positional placeholders and the values to bind, in order. */
export interface BoundStatement {
  readonly sql: string;
  readonly values: readonly unknown[];
}

/** How an engine reads literals: MySQL treats a backslash in '…' as an escape. */
export interface SqlTextRules {
  readonly backslashEscapes?: boolean;
}

type Segment = { readonly code: boolean; readonly text: string };

/** Splits text into code and non-code (literals, identifiers, comments) segments. */
function segments(sql: string, backslashEscapes = false): Segment[] {
  const out: Segment[] = [];
  let start = 0;
  let i = 0;
  const flush = (end: number, code: boolean): void => {
    if (end > start) out.push({ code, text: sql.slice(start, end) });
    start = end;
  };
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    let end = -1;
    if (c === "'" || c === '"' || c === "`") end = closeQuote(sql, i, c, backslashEscapes);
    else if (c === "-" && next === "-") end = lineEnd(sql, i);
    else if (c === "/" && next === "*") end = blockCommentEnd(sql, i);
    else if (c === "$") end = dollarQuoteEnd(sql, i);
    if (end < 0) {
      i++;
      continue;
    }
    flush(i, true);
    i = end;
    flush(i, false);
  }
  flush(sql.length, true);
  return out;
}

function closeQuote(sql: string, from: number, quote: string, backslashEscapes: boolean): number {
  let i = from + 1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "\\" && quote === "'" && backslashEscapes) i += 2;
    else if (c === quote && sql[i + 1] === quote) i += 2;
    else if (c === quote) return i + 1;
    else i++;
  }
  return sql.length;
}

function lineEnd(sql: string, from: number): number {
  const end = sql.indexOf("\n", from);
  return end < 0 ? sql.length : end;
}

function blockCommentEnd(sql: string, from: number): number {
  const end = sql.indexOf("*/", from + 2);
  return end < 0 ? sql.length : end + 2;
}

function dollarQuoteEnd(sql: string, from: number): number {
  const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(from));
  if (!tag || (from > 0 && /[A-Za-z0-9_]/.test(sql[from - 1] as string))) return -1;
  const end = sql.indexOf(tag[0], from + tag[0].length);
  return end < 0 ? sql.length : end + tag[0].length;
}

/**
 * Splits a script into statements at `;` outside literals and comments; empty ones are dropped.
 *
 * @example splitStatements("create table t(a int); insert into t values (';')") // 2 statements
 */
export function splitStatements(sql: string, rules: SqlTextRules = {}): string[] {
  const statements: string[] = [];
  let current = "";
  for (const segment of segments(sql, rules.backslashEscapes)) {
    if (!segment.code) {
      current += segment.text;
      continue;
    }
    const parts = segment.text.split(";");
    current += parts[0];
    for (const part of parts.slice(1)) {
      statements.push(current);
      current = part;
    }
  }
  statements.push(current);
  return statements.filter((statement) => !isBlank(statement)).map((statement) => statement.trim());
}

function isBlank(statement: string): boolean {
  return segments(statement).every((s) => (s.code ? s.text.trim() === "" : /^(--|\/\*)/.test(s.text)));
}

const PARAMETER = /(?<![:\w]):([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * Replaces `:name` parameters with the driver's placeholders and lists the values to bind: the
 * values never become part of the SQL text. `::` casts, literals and comments are left alone.
 *
 * @example bindNamedParams("select * from t where a > :min", { min: 3 }, (i) => `$${i}`)
 * // { sql: "select * from t where a > $1", values: [3] }
 */
export function bindNamedParams(
  sql: string,
  params: Readonly<Record<string, unknown>>,
  placeholder: (index: number) => string,
  rules: SqlTextRules = {},
): BoundStatement {
  const values: unknown[] = [];
  const text = segments(sql, rules.backslashEscapes)
    .map((segment) =>
      segment.code
        ? segment.text.replace(PARAMETER, (_match, name: string) => {
            if (!Object.hasOwn(params, name)) throw missingParameter(name, params);
            values.push(params[name]);
            return placeholder(values.length);
          })
        : segment.text,
    )
    .join("");
  return { sql: text, values };
}

/** The names of the `:name` parameters a statement uses. */
export function parameterNames(sql: string, rules: SqlTextRules = {}): string[] {
  const names = new Set<string>();
  for (const segment of segments(sql, rules.backslashEscapes)) {
    if (segment.code) for (const match of segment.text.matchAll(PARAMETER)) names.add(match[1] as string);
  }
  return [...names];
}

function missingParameter(name: string, params: Readonly<Record<string, unknown>>): NonRetriableError {
  const known = Object.keys(params);
  return new NonRetriableError(`the query uses :${name}, which is not in params`, {
    hint: known.length
      ? `params has: ${known.join(", ")}`
      : `add params: { ${name}: … } (values are bound, never written into the SQL)`,
  });
}
