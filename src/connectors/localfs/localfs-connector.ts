import { mkdir } from "node:fs/promises";
import { z } from "zod";
import { resolveUnder } from "../../services/safe-path.js";
import type { ConnectorKind } from "../connector.js";

const localfsOptions = z.strictObject({
  path: z
    .string()
    .min(1)
    .default(".")
    .meta({ description: 'The folder, relative to DATA_PATH (default ".": DATA_PATH itself).' }),
  create: z
    .boolean()
    .default(false)
    .meta({ description: "Create the folder when the connection opens, if it is missing (default false)." }),
  discover_limit: z
    .int()
    .positive()
    .default(10_000)
    .meta({ description: "At most this many files are listed by discover (default 10000)." }),
});

export type LocalfsOptions = z.output<typeof localfsOptions>;

/**
 * `type: localfs` in connections.yml: a folder under DATA_PATH.
 *
 * @example
 * - name: files
 *   type: localfs
 *   path: files
 */
export const localfsConnector: ConnectorKind<LocalfsOptions> = {
  kind: "localfs",
  description: "A folder under DATA_PATH: files as datasets (csv, json, ndjson, parquet, arrow) and objects.",
  options: localfsOptions,
  async open(name, options, environment) {
    // Loaded on first use, like every connector's implementation.
    const { LocalfsConnection } = await import("./localfs-connection.js");
    const { LocalfsObjects } = await import("./localfs-objects.js");
    const root = resolveUnder(environment.paths.data, options.path, "DATA_PATH");
    if (options.create) await mkdir(root, { recursive: true });
    return new LocalfsConnection(name, new LocalfsObjects(name, root), options.path, options.discover_limit);
  },
};
