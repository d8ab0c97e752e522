import { extname, isAbsolute, normalize, relative, sep } from "node:path";
import { z } from "zod";
import { NonRetriableError } from "../model/errors.js";
import type { OptionProblem, StepContext } from "../plugins/step-type.js";
import { defineStepType } from "../plugins/step-type.js";
import { resolveUnder } from "../services/safe-path.js";
import { appendDurably, fileTail, withPathLock, writeAtomic } from "./formats/atomic-write.js";
import { csvFormat, csvHeaderOf } from "./formats/csv.js";
import { fileSystemError } from "./formats/file-io.js";
import type { CsvSettings, FileFormat, FileSource, FileType } from "./formats/format.js";
import { FILE_ENCODINGS, FILE_TYPES, typeFromPath } from "./formats/format.js";
import { jsonFormat } from "./formats/json.js";
import { ndjsonFormat } from "./formats/ndjson.js";
import { textFormat } from "./formats/text.js";
import { yamlFormat } from "./formats/yaml.js";

const FORMATS: Readonly<Record<FileType, FileFormat>> = {
  json: jsonFormat,
  yaml: yamlFormat,
  csv: csvFormat,
  ndjson: ndjsonFormat,
  text: textFormat,
};

const fileOptions = z.strictObject({
  path: z
    .string()
    .min(1)
    .meta({ description: 'The file, relative to DATA_PATH; a template, e.g. "out/{{ run.id }}.json".' }),
  mode: z.enum(["read", "write", "append"]).default("read").meta({
    description:
      "read (default) gives the parsed data; write replaces the file atomically; append adds to it.",
  }),
  type: z
    .enum(FILE_TYPES)
    .optional()
    .meta({ description: "json, yaml, csv, ndjson or text (default: from the extension, else text)." }),
  data_key: z
    .string()
    .optional()
    .meta({ description: "The key of the run's data to write (write and append)." }),
  delimiter: z
    .string()
    .length(1)
    .optional()
    .meta({ description: 'CSV field delimiter, one character (default ",", or a tab for .tsv files).' }),
  header: z.boolean().default(true).meta({
    description:
      "CSV: the first line names the columns and rows are objects (default true); false: rows are lists.",
  }),
  encoding: z
    .enum(FILE_ENCODINGS)
    .default("utf8")
    .meta({ description: "Text encoding of the file (default utf8)." }),
});

/** The options block of a file step, after defaults. */
export type FileOptions = z.output<typeof fileOptions>;

/** What a write or an append gives: the file (relative to DATA_PATH), bytes written, and rows or items. */
export interface FileWriteResult {
  readonly path: string;
  readonly bytes: number;
  readonly rows?: number;
}

/**
 * Reads or writes a file under DATA_PATH (seed 003's file step), in JSON, YAML, CSV, NDJSON or
 * text. Paths never leave DATA_PATH (`..`, absolute paths, links pointing out and NUL bytes are
 * refused). Writes are atomic: a temporary file in the same folder, flushed to disk, renamed over
 * the target; parent folders are created. `mode: append` adds lines to text, ndjson and csv files
 * (a csv file's header is written only when the file is new, and rows follow its columns); for
 * json and yaml the file must hold a list (or not exist yet): a list given as data is added item by
 * item, any other value as one item, and the file is rewritten atomically. Large csv and ndjson
 * files are read line by line, with progress in bytes and cancellation between lines.
 *
 * @example
 * - name: save
 *   type: file
 *   file: { path: "out/{{ run.id }}.json", mode: write, data_key: issues }
 */
export const fileStep = defineStepType({
  name: "file",
  description: "Reads or writes a JSON, YAML, CSV, NDJSON or text file under DATA_PATH.",
  options: fileOptions,
  check: (options) => checkPath(options.path),
  run: async ({ options, input, context }) => {
    const shown = String(options.path);
    const absolute = resolveUnder(context.paths.data, shown, "DATA_PATH");
    const type = options.type ?? typeFromPath(shown);
    const csv: CsvSettings = {
      delimiter: options.delimiter ?? (extname(shown).toLowerCase() === ".tsv" ? "\t" : ","),
      header: options.header,
    };
    const source = fileSource(absolute, shown, options, context);
    if (options.mode === "read") {
      const data = await FORMATS[type].read(source, csv);
      context.log.debug(`read ${shown} as ${type}`, { path: shown, type });
      return data;
    }
    if (input === undefined) {
      throw new NonRetriableError(
        `mode ${options.mode} needs the data to write, and the step has no data_key`,
        {
          hint: "set data_key (in the file block or on the step) to the key of the run's data to write",
        },
      );
    }
    const written = await withPathLock(absolute, async () => {
      try {
        return options.mode === "write"
          ? await writeFile(FORMATS[type], input, csv, source)
          : await appendFile(FORMATS[type], type, input, csv, source);
      } catch (error) {
        if (context.signal.aborted) throw context.signal.reason;
        throw fileSystemError(error, shown, options.mode === "write" ? "write" : "append to");
      }
    });
    const result: FileWriteResult = {
      path: relative(context.paths.data, absolute).split(sep).join("/"),
      ...written,
    };
    context.log.info(
      `${options.mode === "write" ? "wrote" : "appended"} ${written.bytes} bytes to ${shown}`,
      { ...result },
    );
    return result;
  },
});

function fileSource(absolute: string, shown: string, options: FileOptions, context: StepContext): FileSource {
  return {
    absolute,
    shown,
    encoding: options.encoding,
    signal: context.signal,
    progress: (done, total) => context.progress({ done, total, unit: "bytes" }),
  };
}

type Written = { bytes: number; rows?: number };

async function writeFile(
  format: FileFormat,
  data: unknown,
  csv: CsvSettings,
  source: FileSource,
): Promise<Written> {
  const { chunks, rows } = format.serialize(data, csv, source.shown);
  const bytes = await writeAtomic(source.absolute, chunks, source.encoding, source.signal);
  return { bytes, ...(rows === undefined ? {} : { rows }) };
}

async function appendFile(
  format: FileFormat,
  type: FileType,
  data: unknown,
  csv: CsvSettings,
  source: FileSource,
): Promise<Written> {
  const tail = await fileTail(source.absolute);
  if (format.append === "list") {
    const items = Array.isArray(data) ? data : [data];
    const existing = tail.empty ? [] : await format.read(source, csv);
    if (existing !== null && !Array.isArray(existing)) {
      throw new NonRetriableError(
        `cannot append to ${source.shown}: it holds ${describe(existing)}, not a list`,
        {
          hint: `appending to a ${type} file adds items to the list it holds; use mode: write to replace the file`,
        },
      );
    }
    const { bytes } = await writeFile(format, [...(existing ?? []), ...items], csv, source);
    return { bytes, rows: items.length };
  }
  let settings = csv;
  if (type === "csv" && !tail.empty) {
    const columns = csv.header ? await csvHeaderOf(source, csv) : undefined;
    settings = { ...csv, header: false, ...(columns ? { columns } : {}) };
  }
  const { chunks, rows } = format.serialize(data, settings, source.shown);
  // Built whole before the file is touched: a value that cannot be written appends nothing.
  let text = [...chunks].join("");
  if (!tail.endsWithNewline) text = `\n${text}`;
  if (!text.endsWith("\n")) text += "\n";
  const bytes = await appendDurably(source.absolute, text, source.encoding);
  return { bytes, ...(rows === undefined ? {} : { rows }) };
}

function describe(value: unknown): string {
  if (value === null || typeof value !== "object") return `a ${typeof value}`;
  return "an object";
}

/** Refuses, when the flow is loaded, a path that can never be inside DATA_PATH. */
function checkPath(path: string): OptionProblem[] {
  if (path.includes("{{") || path.includes("{%")) return [];
  const hint = 'give a path relative to DATA_PATH that stays inside it, e.g. "out/report.json"';
  if (path.includes("\0")) return [{ path: ["path"], message: "the path contains a NUL byte", hint }];
  if (isAbsolute(path))
    return [{ path: ["path"], message: `"${path}" is absolute; paths are relative to DATA_PATH`, hint }];
  const first = normalize(path).split(/[\\/]/)[0];
  if (first === "..") return [{ path: ["path"], message: `"${path}" leaves DATA_PATH`, hint }];
  return [];
}
