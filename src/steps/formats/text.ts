import { readWhole } from "./file-io.js";
import type { FileFormat } from "./format.js";
import { stringifyJson } from "./json.js";

/**
 * Plain text: read as one string. Written as is when the value is a string; a list is written one
 * item per line (strings as is, other values as JSON); any other value as pretty JSON. Appending
 * adds the text as a line (a line feed is added when missing).
 *
 * @example textFormat.serialize(["a", "b"], csv, "out.txt") // chunks "a\n", "b\n"
 */
export const textFormat: FileFormat = {
  append: "lines",
  read: (source) => readWhole(source),
  serialize: (data, _csv, shown) => {
    if (typeof data === "string") return { chunks: [data] };
    if (!Array.isArray(data)) return { chunks: [`${stringifyJson(data, shown, "text", 2)}\n`] };
    return { chunks: textLines(data, shown), rows: data.length };
  },
};

function* textLines(items: readonly unknown[], shown: string): Generator<string> {
  for (const item of items) yield `${typeof item === "string" ? item : stringifyJson(item, shown, "text")}\n`;
}
