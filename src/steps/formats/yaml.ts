import { LineCounter, parseDocument, stringify } from "yaml";
import { readWhole } from "./file-io.js";
import type { FileFormat } from "./format.js";
import { formatError, serializeError } from "./format.js";

/** More aliases than this are refused, which stops "billion laughs" alias bombs. */
const MAX_ALIAS_COUNT = 1000;

/**
 * YAML files (.yaml, .yml): one document. Errors name the file, line and column. Writing keeps
 * keys in order; a value seen twice (or a cycle) is written once with an anchor and aliases.
 *
 * @example await yamlFormat.read(source, csv) // { name: "x", tags: ["a"] }
 */
export const yamlFormat: FileFormat = {
  append: "list",
  read: async (source) => {
    const text = await readWhole(source);
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
    const [error] = doc.errors;
    if (error) {
      const { line, col } = lineCounter.linePos(error.pos[0]);
      throw formatError(source.shown, "yaml", error.message.split("\n")[0] as string, line, col);
    }
    try {
      return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? null;
    } catch (thrown) {
      throw formatError(source.shown, "yaml", (thrown as Error).message.split("\n")[0] as string);
    }
  },
  serialize: (data, _csv, shown) => {
    let text: string | undefined;
    try {
      text = stringify(data);
    } catch (error) {
      throw serializeError(shown, "yaml", (error as Error).message, error);
    }
    return { chunks: [text ?? "null\n"], ...(Array.isArray(data) ? { rows: data.length } : {}) };
  },
};
