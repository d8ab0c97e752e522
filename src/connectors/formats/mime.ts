import { lookup } from "mime-types";

/** Data formats the MIME database does not know, or knows under an older name. */
const DATA_TYPES: Readonly<Record<string, string>> = {
  parquet: "application/vnd.apache.parquet",
  pq: "application/vnd.apache.parquet",
  arrow: "application/vnd.apache.arrow.file",
  arrows: "application/vnd.apache.arrow.stream",
  feather: "application/vnd.apache.arrow.file",
  ndjson: "application/x-ndjson",
  jsonl: "application/x-ndjson",
  orc: "application/vnd.apache.orc",
  avro: "application/vnd.apache.avro",
};

/**
 * The MIME type a file name implies, from its extension; application/octet-stream when unknown.
 *
 * @example mimeTypeOf("raw/2024/orders.parquet") // "application/vnd.apache.parquet"
 */
export function mimeTypeOf(path: string): string {
  const extension = /\.([^./]+)$/.exec(path)?.[1]?.toLowerCase();
  return (extension && DATA_TYPES[extension]) || lookup(path) || "application/octet-stream";
}
