import { randomBytes } from "node:crypto";
import { NumberText } from "./values.js";

/**
 * Streaming JSON without a dependency, for two reasons: `JSON.parse` is the fastest parser Node
 * has, so the stream is only cut into the array's elements (a small state machine) and each is
 * parsed whole; and an int64 or a long decimal must keep every digit, which streaming parsers that
 * hand out numbers as float64 lose. Elements with a run of 16 or more digits take a slower path
 * that keeps such numbers as their text (NumberText).
 */

/** Why the text is not JSON, and where: a line of the whole file. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
  }
}

const enum Code {
  Space = 0x20,
  Tab = 0x09,
  Newline = 0x0a,
  Return = 0x0d,
  Quote = 0x22,
  Backslash = 0x5c,
  Comma = 0x2c,
  OpenBracket = 0x5b,
  CloseBracket = 0x5d,
  OpenBrace = 0x7b,
  CloseBrace = 0x7d,
  Bom = 0xfeff,
}

/**
 * Cuts the text of one top-level JSON array, chunk by chunk, into the texts of its elements.
 *
 * @example
 * const splitter = new JsonArraySplitter();
 * splitter.push('[{"a":1},{"a"'); splitter.push(':2}]'); splitter.end();
 */
export class JsonArraySplitter {
  #state: "start" | "between" | "element" | "done" = "start";
  #expectElement = true;
  #carry = "";
  #depth = 0;
  #inString = false;
  #escaped = false;
  #line = 1;
  #elementLine = 1;
  #seen = 0;

  /** Adds text; returns the elements completed by it, each with the line it starts on. */
  push(text: string): { text: string; line: number }[] {
    const out: { text: string; line: number }[] = [];
    // The carried text (the start of an unfinished element) was scanned already.
    const scanned = this.#carry.length;
    const chunk = this.#carry + text;
    let start = this.#state === "element" ? 0 : -1;
    this.#carry = "";
    for (let i = scanned; i < chunk.length; i++) {
      const code = chunk.charCodeAt(i);
      if (code === Code.Newline) this.#line++;
      if (this.#state === "element") {
        if (this.#inString) {
          if (this.#escaped) this.#escaped = false;
          else if (code === Code.Backslash) this.#escaped = true;
          else if (code === Code.Quote) this.#inString = false;
          continue;
        }
        if (code === Code.Quote) this.#inString = true;
        else if (code === Code.OpenBrace || code === Code.OpenBracket) this.#depth++;
        else if (code === Code.CloseBrace || code === Code.CloseBracket) {
          if (this.#depth === 0) {
            // A `]` after a scalar: the element ends here, and so does the array.
            out.push({ text: chunk.slice(start, i), line: this.#elementLine });
            this.#finishArray(code);
            start = -1;
            continue;
          }
          this.#depth--;
        } else if (this.#depth === 0 && code === Code.Comma) {
          out.push({ text: chunk.slice(start, i), line: this.#elementLine });
          this.#state = "between";
          this.#expectElement = true;
          start = -1;
        }
        continue;
      }
      if (code === Code.Space || code === Code.Newline || code === Code.Return || code === Code.Tab) continue;
      if (this.#state === "start") {
        if (code === Code.Bom) continue;
        if (code !== Code.OpenBracket) {
          throw new JsonSyntaxError(
            code === Code.OpenBrace
              ? "the file holds one object, not an array of objects (is it NDJSON?)"
              : `expected an array of objects ("[" at the start), found ${JSON.stringify(chunk[i])}`,
            this.#line,
          );
        }
        this.#state = "between";
        continue;
      }
      if (this.#state === "done") {
        throw new JsonSyntaxError(
          `unexpected ${JSON.stringify(chunk[i])} after the end of the array`,
          this.#line,
        );
      }
      // Between elements.
      if (code === Code.CloseBracket) {
        if (this.#expectElement && out.length + this.#seen > 0)
          throw new JsonSyntaxError("a comma before the closing ]", this.#line);
        this.#state = "done";
        continue;
      }
      if (code === Code.Comma) {
        if (this.#expectElement) throw new JsonSyntaxError("two commas in a row", this.#line);
        this.#expectElement = true;
        continue;
      }
      if (!this.#expectElement)
        throw new JsonSyntaxError("a comma is missing between two elements", this.#line);
      this.#state = "element";
      this.#expectElement = false;
      this.#elementLine = this.#line;
      this.#depth = 0;
      start = i;
      i--; // Read the first character again, as part of the element.
    }
    this.#seen += out.length;
    if (this.#state === "element" && start >= 0) this.#carry = chunk.slice(start);
    return out;
  }

  /** Throws unless the array was closed. */
  end(): void {
    if (this.#state === "start") throw new JsonSyntaxError("the file is empty, not a JSON array", this.#line);
    if (this.#state !== "done") throw new JsonSyntaxError("the array is not closed (missing ])", this.#line);
  }

  #finishArray(code: number): void {
    if (code !== Code.CloseBracket) throw new JsonSyntaxError(`unexpected "}"`, this.#line);
    this.#state = "done";
  }
}

const LONG_DIGITS = /\d{16}/;
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;
const NONCE = randomBytes(4).toString("hex");
/** A long number becomes a string that starts with a NUL (escaped in the text), which no real text has unescaped. */
const MARK = `\u0000${NONCE}:`;

/**
 * Parses one JSON value, keeping numbers of 16 or more digits as NumberText.
 *
 * @example parseJsonExact('{"id": 9223372036854775807}') // { id: NumberText("9223372036854775807") }
 */
export function parseJsonExact(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  const marked = text.replace(TOKENS, (token) =>
    token.startsWith('"') || token.replace(/[-.]|[eE].*$/g, "").length < 16
      ? token
      : `"\\u0000${NONCE}:${token}"`,
  );
  return JSON.parse(marked, (_key, value: unknown) =>
    typeof value === "string" && value.startsWith(MARK) ? new NumberText(value.slice(MARK.length)) : value,
  );
}

/** The line of a JSON.parse error inside `text` that starts at `line`. */
export function lineOfParseError(error: unknown, text: string, line: number): number {
  const position = /position (\d+)/.exec((error as Error).message)?.[1];
  if (position === undefined) return line;
  return line + (text.slice(0, Number(position)).match(/\n/g)?.length ?? 0);
}
