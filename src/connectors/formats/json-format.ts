import type { DatasetFormat } from "./format.js";
import { formatError } from "./format.js";
import type { JsonElement } from "./json-rows.js";
import { decodeText, jsonObjects, jsonRowStream } from "./json-rows.js";
import { JsonArraySplitter, JsonSyntaxError, lineOfParseError, parseJsonExact } from "./json-text.js";

/**
 * A JSON array of objects (`[{"id": 1, …}, …]`), streamed: the array is cut into its elements as
 * bytes arrive, so a file of any size reads in constant memory. int64 and decimal values are
 * written as exact number literals and read back exactly; timestamps as ISO 8601 text; binary as
 * base64.
 */
export const jsonFormat: DatasetFormat = {
  name: "json",
  appendable: false,
  mimeType: "application/json",
  read: async (input, options) => {
    const counter = { bytes: 0 };
    const text = decodeText(await input.open(), input.shown, "json", counter);
    return jsonRowStream(elements(text, input.shown), input.shown, "json", options.columns, counter);
  },
  write: (rows, options) => jsonObjects(rows, options, { open: "[\n", separator: ",\n", close: "\n]\n" }),
};

async function* elements(text: AsyncIterable<string>, shown: string): AsyncGenerator<JsonElement> {
  const splitter = new JsonArraySplitter();
  try {
    for await (const chunk of text) {
      for (const element of splitter.push(chunk)) {
        try {
          yield { value: parseJsonExact(element.text), line: element.line };
        } catch (error) {
          if (!(error instanceof SyntaxError)) throw error;
          const line = lineOfParseError(error, element.text, element.line);
          throw formatError(shown, "json", error.message, { line }, error);
        }
      }
    }
    splitter.end();
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      throw formatError(shown, "json", error.message, { line: error.line });
    throw error;
  }
}
