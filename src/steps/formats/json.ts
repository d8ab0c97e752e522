import { readWhole } from "./file-io.js";
import type { FileFormat, FileSource, FileType } from "./format.js";
import { formatError, serializeError } from "./format.js";
import { findJsonError } from "./json-syntax.js";

/**
 * JSON files: read as one document; written pretty-printed (two spaces) with a final line feed. A
 * top-level list is written item by item, so a large list never becomes one huge string.
 *
 * @example await jsonFormat.read(source, csv) // { "a": 1 }
 */
export const jsonFormat: FileFormat = {
  append: "list",
  read: async (source) => parseJson(await readWhole(source), source),
  serialize: (data, _csv, shown) => ({
    chunks: jsonChunks(data, shown),
    ...(Array.isArray(data) ? { rows: data.length } : {}),
  }),
};

/** Parses a JSON file's text, or fails naming the file, the line and the column. */
export function parseJson(text: string, source: Pick<FileSource, "shown">): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    if (text.trim() === "") throw formatError(source.shown, "json", "the file is empty");
    const problem = jsonProblem(text, error);
    throw formatError(source.shown, "json", problem.reason, problem.line, problem.column);
  }
}

/** Why JSON text did not parse, and where when it can be found. */
export function jsonProblem(
  text: string,
  error: unknown,
): { reason: string; line?: number; column?: number } {
  return findJsonError(text) ?? { reason: (error as Error).message };
}

/** One value as JSON text, or an error that says why it has none (BigInt, cycles, functions). */
export function stringifyJson(value: unknown, shown: string, type: FileType, indent?: number): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value, null, indent);
  } catch (error) {
    throw serializeError(shown, type, (error as Error).message.replaceAll(/\s*\n\s*/g, " "), error);
  }
  // undefined, functions and symbols have no JSON form; inside a list JSON writes them as null.
  return text ?? "null";
}

function* jsonChunks(data: unknown, shown: string): Generator<string> {
  if (!Array.isArray(data) || data.length === 0) {
    yield `${stringifyJson(data, shown, "json", 2)}\n`;
    return;
  }
  yield "[\n";
  for (let index = 0; index < data.length; index++) {
    const item = stringifyJson(data[index], shown, "json", 2).replaceAll("\n", "\n  ");
    yield `  ${item}${index < data.length - 1 ? "," : ""}\n`;
  }
  yield "]\n";
}
