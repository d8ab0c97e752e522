/**
 * Splits a template into tokens the way Jinja2's lexer does with its default settings:
 * newlines normalised to "\n", one trailing newline dropped, `{%-`/`-%}` stripping whitespace,
 * trim_blocks and lstrip_blocks off, `{% raw %}` passed through as text.
 */
import { syntaxError } from "./errors.js";

export type TokenType =
  | "data"
  | "variable_begin"
  | "variable_end"
  | "block_begin"
  | "block_end"
  | "name"
  | "string"
  | "integer"
  | "float"
  | "operator"
  | "eof";

export interface Token {
  readonly type: TokenType;
  readonly value: string;
  readonly line: number;
  /** The number an integer or float token stands for. */
  readonly number?: number;
}

const OPENER = /\{([{%#])/g;
const WHITESPACE = /\s+/y;
const FLOAT = /(?<!\.)(\d+_)*\d+((\.(\d+_)*\d+)?e[+-]?(\d+_)*\d+|\.(\d+_)*\d+)/iy;
const INTEGER = /(0b(_?[01])+|0o(_?[0-7])+|0x(_?[\da-f])+|[1-9](_?\d)*|0(_?0)*)/iy;
const NAME = /[\p{ID_Start}_][\p{ID_Continue}]*/uy;
const STRING = /('([^'\\]*(?:\\.[^'\\]*)*)'|"([^"\\]*(?:\\.[^"\\]*)*)")/sy;
const OPERATOR = /\/\/|\*\*|==|!=|>=|<=|[+\-/*%~[\](){}><=.:|,;]/y;
const RAW_BEGIN = /\{%[-+]?\s*raw\s*([-+]?)%\}/y;
const RAW_END = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;
const TRAILING_SPACE = /\s+$/;
const LEADING_SPACE = /^\s+/;
const CLOSING: Record<string, string> = { "(": ")", "[": "]", "{": "}" };

export function tokenize(input: string): Token[] {
  const lines = input.split(/\r\n|\r|\n/);
  if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
  return new Lexer(lines.join("\n")).run();
}

class Lexer {
  private readonly tokens: Token[] = [];
  private pos = 0;
  private line = 1;

  constructor(private readonly source: string) {}

  run(): Token[] {
    const { source } = this;
    let stripNext = false;
    while (this.pos < source.length) {
      OPENER.lastIndex = this.pos;
      const open = OPENER.exec(source);
      let data = source.slice(this.pos, open ? open.index : source.length);
      if (stripNext) data = data.replace(LEADING_SPACE, "");
      if (open && source[open.index + 2] === "-") data = data.replace(TRAILING_SPACE, "");
      this.pushData(data, source.slice(this.pos, open ? open.index : source.length));
      if (!open) break;
      this.pos = open.index;
      const kind = open[1];
      if (kind === "#") stripNext = this.comment();
      else if (kind === "%" && this.raw()) stripNext = this.rawStrip;
      else stripNext = this.tag(kind === "{" ? "variable" : "block");
    }
    this.tokens.push({ type: "eof", value: "", line: this.line });
    return this.tokens;
  }

  private rawStrip = false;

  private pushData(data: string, consumed: string): void {
    if (data.length > 0) this.tokens.push({ type: "data", value: data, line: this.line });
    this.line += countNewlines(consumed);
  }

  /** Skips `{# … #}`; returns whether it ended with `-#}`. */
  private comment(): boolean {
    const end = this.source.indexOf("#}", this.pos + 2);
    if (end < 0) throw syntaxError("Missing end of comment tag", this.line);
    const strip = this.source[end - 1] === "-" && end - 1 >= this.pos + 2;
    this.advanceTo(end + 2);
    return strip;
  }

  /** Passes `{% raw %}…{% endraw %}` through as data; false when the tag is not `raw`. */
  private raw(): boolean {
    RAW_BEGIN.lastIndex = this.pos;
    const begin = RAW_BEGIN.exec(this.source);
    if (!begin) return false;
    const startLine = this.line;
    RAW_END.lastIndex = RAW_BEGIN.lastIndex;
    const end = RAW_END.exec(this.source);
    if (!end) throw syntaxError("Missing end of raw directive", startLine);
    let content = this.source.slice(RAW_BEGIN.lastIndex, end.index);
    if (begin[1] === "-") content = content.replace(LEADING_SPACE, "");
    if (end[1] === "-") content = content.replace(TRAILING_SPACE, "");
    this.line += countNewlines(this.source.slice(this.pos, RAW_BEGIN.lastIndex));
    if (content.length > 0) this.tokens.push({ type: "data", value: content, line: this.line });
    this.advanceTo(RAW_END.lastIndex);
    this.rawStrip = end[2] === "-";
    return true;
  }

  /** Tokenizes `{{ … }}` or `{% … %}`; returns whether it ended with a `-`. */
  private tag(kind: "variable" | "block"): boolean {
    const { source } = this;
    const closer = kind === "variable" ? "}}" : "%}";
    this.tokens.push({ type: `${kind}_begin`, value: source.slice(this.pos, this.pos + 2), line: this.line });
    this.pos += 2;
    if (source[this.pos] === "-" || source[this.pos] === "+") this.pos++;
    const brackets: string[] = [];
    while (this.pos < source.length) {
      WHITESPACE.lastIndex = this.pos;
      if (WHITESPACE.test(source)) this.advanceTo(WHITESPACE.lastIndex);
      if (brackets.length === 0) {
        const strip = source[this.pos] === "-" || source[this.pos] === "+";
        const at = strip ? this.pos + 1 : this.pos;
        if (source.startsWith(closer, at)) {
          this.tokens.push({ type: `${kind}_end`, value: closer, line: this.line });
          this.pos = at + 2;
          return source[this.pos - 3] === "-";
        }
      }
      if (this.pos >= source.length) break;
      this.expressionToken(brackets);
    }
    return false;
  }

  private expressionToken(brackets: string[]): void {
    const { source, line } = this;
    for (const [type, pattern] of [
      ["float", FLOAT],
      ["integer", INTEGER],
      ["name", NAME],
      ["string", STRING],
    ] as const) {
      pattern.lastIndex = this.pos;
      const match = pattern.exec(source);
      if (!match) continue;
      const text = match[0];
      if (type === "string") {
        this.tokens.push({ type, value: decodeString(text.slice(1, -1), line), line });
      } else if (type === "float" || type === "integer") {
        this.tokens.push({ type, value: text, line, number: parseNumber(text, type) });
      } else {
        this.tokens.push({ type, value: text, line });
      }
      this.advanceTo(pattern.lastIndex);
      return;
    }
    OPERATOR.lastIndex = this.pos;
    const operator = OPERATOR.exec(source);
    if (!operator) {
      const ch = source[this.pos] ?? "";
      if (ch === "'" || ch === '"') throw syntaxError("unexpected end of string", line);
      throw syntaxError(`unexpected char ${JSON.stringify(ch)} at ${this.pos}`, line);
    }
    const op = operator[0];
    if (op in CLOSING) brackets.push(CLOSING[op] as string);
    else if (op === ")" || op === "]" || op === "}") {
      const expected = brackets.pop();
      if (expected === undefined) throw syntaxError(`unexpected '${op}'`, line);
      if (expected !== op) throw syntaxError(`unexpected '${op}', expected '${expected}'`, line);
    }
    this.tokens.push({ type: "operator", value: op, line });
    this.pos = OPERATOR.lastIndex;
  }

  private advanceTo(pos: number): void {
    this.line += countNewlines(this.source.slice(this.pos, pos));
    this.pos = pos;
  }
}

function countNewlines(text: string): number {
  let count = 0;
  for (let index = text.indexOf("\n"); index >= 0; index = text.indexOf("\n", index + 1)) count++;
  return count;
}

function parseNumber(text: string, type: "integer" | "float"): number {
  const clean = text.replace(/_/g, "");
  if (type === "float") return Number(clean);
  const prefix = clean.slice(0, 2).toLowerCase();
  if (prefix === "0b") return parseInt(clean.slice(2), 2);
  if (prefix === "0o") return parseInt(clean.slice(2), 8);
  if (prefix === "0x") return parseInt(clean.slice(2), 16);
  return Number(clean);
}

const SIMPLE_ESCAPES: Record<string, string> = {
  "\\": "\\",
  "'": "'",
  '"': '"',
  a: "\x07",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
  v: "\v",
  "\n": "",
};

/** Python's "unicode-escape" decoding of a string literal's body. */
function decodeString(body: string, line: number): string {
  return body.replace(
    /\\(x[\da-fA-F]{2}|u[\da-fA-F]{4}|U[\da-fA-F]{8}|[0-7]{1,3}|[xuU]|.)/gs,
    (whole, escape: string) => {
      const simple = SIMPLE_ESCAPES[escape];
      if (simple !== undefined) return simple;
      const head = escape[0];
      if (/^[0-7]/.test(escape)) return String.fromCodePoint(parseInt(escape, 8));
      if (escape.length > 1 && (head === "x" || head === "u" || head === "U")) {
        const code = parseInt(escape.slice(1), 16);
        if (code > 0x10ffff) throw syntaxError("illegal Unicode character in string literal", line);
        return String.fromCodePoint(code);
      }
      if (head === "x" || head === "u" || head === "U")
        throw syntaxError(`truncated \\${head} escape in string literal`, line);
      return whole;
    },
  );
}
