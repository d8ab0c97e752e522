/** Deeper nesting than this is not followed; the error is then reported without a place. */
const MAX_DEPTH = 2000;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

class JsonSyntax extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/**
 * Where JSON text first breaks the grammar, with a reason a person understands. `JSON.parse` on
 * Node 20 often says neither the line nor the column, so this runs (only) after it failed.
 *
 * @example findJsonError('{\n  "a": 1,\n}') // { line: 3, column: 1, reason: "unexpected '}' after ',' (a trailing comma?)" }
 */
export function findJsonError(text: string): { line: number; column: number; reason: string } | undefined {
  try {
    scan(text);
    return undefined;
  } catch (error) {
    if (!(error instanceof JsonSyntax)) return undefined;
    return { ...lineAndColumn(text, error.offset), reason: error.reason };
  }
}

/** 1-based line and column of a character offset. */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < offset; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function scan(text: string): void {
  let i = 0;
  const found = (): string => (i >= text.length ? "the end of the text" : `'${text[i]}'`);
  const fail = (reason: string): never => {
    throw new JsonSyntax(i, reason);
  };
  const space = (): void => {
    while (i < text.length && " \t\n\r".includes(text[i] as string)) i++;
  };
  const string = (): void => {
    for (i++; ; i++) {
      const ch = text[i];
      if (ch === undefined) fail("a string is not closed with '\"'");
      if (ch === '"') return void i++;
      if (ch === "\\") {
        i++;
        if (text[i] === "u" && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 1, i + 5))) i += 4;
        else if (!ESCAPES.has(text[i] as string)) fail(`invalid escape '\\${text[i] ?? ""}' in a string`);
      } else if ((ch as string) < " ") {
        fail("a string holds a raw control character (a line break inside quotes?)");
      }
    }
  };
  const value = (depth: number): void => {
    if (depth > MAX_DEPTH) throw new Error("too deep");
    space();
    const ch = text[i];
    if (ch === "{")
      return container("}", depth, () => {
        space();
        if (text[i] !== '"') fail(`expected a property name in double quotes, found ${found()}`);
        string();
        space();
        if (text[i] !== ":") fail(`expected ':' after the property name, found ${found()}`);
        i++;
        value(depth + 1);
      });
    if (ch === "[") return container("]", depth, () => value(depth + 1));
    if (ch === '"') return string();
    for (const word of ["true", "false", "null"])
      if (text.startsWith(word, i)) return void (i += word.length);
    NUMBER.lastIndex = i;
    if (NUMBER.test(text)) return void (i = NUMBER.lastIndex);
    fail(
      ch === undefined
        ? "the text ends where a value is expected"
        : `unexpected ${found()} where a value is expected`,
    );
  };
  const container = (close: string, depth: number, item: () => void): void => {
    i++;
    space();
    if (text[i] === close) return void i++;
    for (;;) {
      item();
      space();
      if (text[i] === ",") {
        i++;
        space();
        if (text[i] === close) fail(`unexpected '${close}' after ',' (a trailing comma?)`);
        continue;
      }
      if (text[i] === close) return void i++;
      fail(`expected ',' or '${close}', found ${found()}`);
    }
  };
  value(0);
  space();
  if (i < text.length) fail(`unexpected ${found()} after the JSON value`);
}
