import { z } from "zod";
import { configValueSchema, resolveText } from "../config-values.js";
import type { ConnectorKind } from "../connector.js";

const httpOptions = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .meta({ description: "The base URL; paths are relative to it, e.g. https://data.example.com/exports/." }),
  headers: z.record(z.string(), configValueSchema).default({}).meta({
    description: "Headers sent with every request; values may be { secret: NAME } (an Authorization header).",
  }),
  timeout_ms: z
    .int()
    .positive()
    .default(30_000)
    .meta({ description: "How long to wait for an answer's headers (default 30000)." }),
});

export type HttpOptions = z.output<typeof httpOptions>;

/**
 * `type: http` in connections.yml: files under a base URL, read as datasets. Read-only.
 *
 * @example
 * - name: exports
 *   type: http
 *   url: https://data.example.com/exports/
 *   headers: { Authorization: { secret: exports_token } }
 */
export const httpConnector: ConnectorKind<HttpOptions> = {
  kind: "http",
  description: "Files under a base URL (HTTP or HTTPS), read as datasets. Read-only.",
  options: httpOptions,
  async open(name, options, environment) {
    // Loaded on first use, like every connector's implementation.
    const { HttpConnection } = await import("./http-connection.js");
    const { HttpObjects } = await import("./http-objects.js");
    const base = new URL(options.url.endsWith("/") ? options.url : `${options.url}/`);
    const headers = Object.fromEntries(
      Object.entries(options.headers).map(([header, value]) => [
        header,
        resolveText(value, environment, `header ${header} of connection "${name}"`),
      ]),
    );
    return new HttpConnection(name, new HttpObjects(name, base, headers, options.timeout_ms));
  },
};
