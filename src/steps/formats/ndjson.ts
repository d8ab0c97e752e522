import { readLines } from "./file-io.js";
import type { FileFormat } from "./format.js";
import { formatError } from "./format.js";
import { jsonProblem, stringifyJson } from "./json.js";

/**
 * Newline-delimited JSON (.ndjson, .jsonl): one JSON value per line. Reading streams the file line
 * by line and gives a list (blank lines are skipped); writing puts each item of a list on its own
 * line (any other value makes one line). Appending adds lines.
 *
 * @example await ndjsonFormat.read(source, csv) // [{ "id": 1 }, { "id": 2 }]
 */
export const ndjsonFormat: FileFormat = {
  append: "lines",
  read: async (source) => {
    const rows: unknown[] = [];
    for await (const { text, line } of readLines(source)) {
      if (text.trim() === "") continue;
      try {
        rows.push(JSON.parse(text));
      } catch (error) {
        const problem = jsonProblem(text, error);
        throw formatError(source.shown, "ndjson", problem.reason, line, problem.column);
      }
    }
    return rows;
  },
  serialize: (data, _csv, shown) => {
    const items = Array.isArray(data) ? data : [data];
    return { chunks: ndjsonLines(items, shown), rows: items.length };
  },
};

function* ndjsonLines(items: readonly unknown[], shown: string): Generator<string> {
  for (const item of items) yield `${stringifyJson(item, shown, "ndjson")}\n`;
}
