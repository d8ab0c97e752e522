import type { DatasetFormat } from "./format.js";
import { formatError } from "./format.js";
import type { JsonElement } from "./json-rows.js";
import { decodeText, jsonObjects, jsonRowStream } from "./json-rows.js";
import { parseJsonExact } from "./json-text.js";

/**
 * Newline-delimited JSON (.ndjson, .jsonl): one object per line, streamed; blank lines are
 * skipped. Rows can be appended.
 */
export const ndjsonFormat: DatasetFormat = {
  name: "ndjson",
  appendable: true,
  mimeType: "application/x-ndjson",
  read: async (input, options) => {
    const counter = { bytes: 0 };
    const text = decodeText(await input.open(), input.shown, "ndjson", counter);
    return jsonRowStream(lines(text, input.shown), input.shown, "ndjson", options.columns, counter);
  },
  write: (rows, options) => jsonObjects(rows, options, { open: "", separator: "\n", close: "\n" }),
};

async function* lines(text: AsyncIterable<string>, shown: string): AsyncGenerator<JsonElement> {
  let pending = "";
  let line = 0;
  const parse = (body: string): JsonElement | undefined => {
    line++;
    if (body.trim() === "") return undefined;
    try {
      return { value: parseJsonExact(body), line };
    } catch (error) {
      throw formatError(shown, "ndjson", (error as Error).message, { line }, error);
    }
  };
  for await (const chunk of text) {
    pending += chunk;
    let start = 0;
    let end: number;
    while ((end = pending.indexOf("\n", start)) !== -1) {
      const element = parse(pending.slice(start, end));
      if (element) yield element;
      start = end + 1;
    }
    pending = pending.slice(start);
  }
  const last = parse(pending);
  if (last) yield last;
}
