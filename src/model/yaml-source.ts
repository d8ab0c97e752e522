import { LineCounter, isMap, isNode, isPair, isScalar, isSeq, parseDocument } from "yaml";
import type { Document, Node } from "yaml";
import type { Diagnostic } from "./diagnostics.js";
import { formatPath } from "./diagnostics.js";

/** Larger flow files are refused before parsing: a 10,000-step flow is about 1 MB. */
export const MAX_FLOW_FILE_BYTES = 16 * 1024 * 1024;
/** Aliases beyond this count are refused, which stops "billion laughs" alias bombs. */
const MAX_ALIAS_COUNT = 1000;

/** A parsed YAML document that can say where any of its values came from. */
export interface YamlSource {
  readonly file: string;
  readonly value: unknown;
  /** Line and column of the value at `path`, or of the nearest enclosing value that exists. */
  locate(path: readonly PropertyKey[], options?: { key?: boolean }): { line: number; column: number };
}

export type ParseResult = { ok: true; source: YamlSource } | { ok: false; diagnostics: Diagnostic[] };

/**
 * Parses YAML text, keeping positions. Syntax errors, oversized text and alias bombs become
 * diagnostics rather than exceptions.
 *
 * @example parseYaml("flow.yml", "name: x\nsteps: []\n")
 */
export function parseYaml(file: string, text: string): ParseResult {
  const fail = (message: string, hint: string, line = 0, column = 0): ParseResult => ({
    ok: false,
    diagnostics: [{ file, line, column, path: "", message, hint }],
  });
  if (Buffer.byteLength(text) > MAX_FLOW_FILE_BYTES) {
    return fail(
      `the file is ${Buffer.byteLength(text)} bytes, more than the ${MAX_FLOW_FILE_BYTES}-byte limit for a flow file`,
      "split the flow into sub-flows, or keep large data in files that steps read",
    );
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      diagnostics: doc.errors.map((error) => {
        const position = lineCounter.linePos(error.pos[0]);
        return {
          file,
          line: position.line,
          column: position.col,
          path: "",
          message: `YAML syntax error: ${firstLine(error.message)}`,
          hint: "check the indentation and quoting on this line",
        };
      }),
    };
  }
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return fail(
      `YAML could not be expanded: ${firstLine(message)}`,
      "the file uses too many aliases (*name); write the values out or use fewer anchors",
    );
  }
  const locate: YamlSource["locate"] = (path, options = {}) => {
    const offset = findOffset(doc, path, options.key ?? false);
    const position = lineCounter.linePos(offset);
    return { line: position.line, column: position.col };
  };
  return { ok: true, source: { file, value, locate } };
}

function findOffset(doc: Document, path: readonly PropertyKey[], wantKey: boolean): number {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (let i = 0; i < path.length; i++) {
    const part = path[i];
    const isLast = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && scalarValue(item.key) === String(part));
      if (!pair) return offset;
      if (isLast && wantKey) return rangeStart(pair.key) ?? offset;
      node = pair.value;
      offset = rangeStart(pair.value) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof part === "number") {
      if (part >= node.items.length) return offset;
      node = node.items[part];
      offset = rangeStart(node) ?? offset;
    } else {
      return offset;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  return isNode(node) && (node as Node).range
    ? ((node as Node).range as [number, number, number])[0]
    : undefined;
}

function scalarValue(node: unknown): string | undefined {
  return isScalar(node) ? String(node.value) : undefined;
}

function firstLine(text: string): string {
  return text.split("\n")[0] ?? text;
}

/** Formats a path for messages; re-exported so that callers need one import. */
export { formatPath };
