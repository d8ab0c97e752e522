import { NonRetriableError } from "../../model/errors.js";
import type {
  Connection,
  ConnectionTestResult,
  DatasetRef,
  DiscoveredObject,
  FileSource,
  OperationContext,
  RowStream,
  WriteResult,
  WriteTarget,
} from "../connector.js";
import { fileSourceOf, readDataset } from "../formats/dataset-files.js";
import { classifyNetworkError } from "./http-errors.js";
import type { HttpObjects } from "./http-objects.js";

/** Files under a base URL, read as datasets (csv, json, ndjson, parquet, arrow). Read-only. */
export class HttpConnection implements Connection {
  readonly kind = "http";

  constructor(
    readonly name: string,
    readonly objects: HttpObjects,
  ) {}

  /** A HEAD of the base URL: any answer but 401/403 means the server is there and lets us in. */
  async test(context: OperationContext): Promise<ConnectionTestResult> {
    const base = this.objects.base;
    try {
      const response = await fetch(base, {
        method: "HEAD",
        headers: this.objects.headers,
        signal: AbortSignal.any([context.signal, AbortSignal.timeout(this.objects.timeoutMs)]),
      });
      if (response.status === 401 || response.status === 403) {
        return {
          ok: false,
          stage: "auth",
          message: `${base.origin} refused access (HTTP ${response.status})`,
          hint: "check the connection's headers (an Authorization header from a secret)",
        };
      }
      return { ok: true, message: `${base.href} answers (HTTP ${response.status})` };
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason;
      const problem = classifyNetworkError(error, base.origin);
      return problem
        ? { ok: false, stage: problem.stage, message: problem.message, hint: problem.hint }
        : { ok: false, stage: "other", message: `${base.origin}: ${(error as Error).message}` };
    }
  }

  /** HTTP has no listing: nothing to discover. */
  async discover(_context: OperationContext): Promise<DiscoveredObject[]> {
    return [];
  }

  read(ref: DatasetRef, context: OperationContext): Promise<RowStream> {
    return readDataset(this.objects, ref, context);
  }

  async write(target: WriteTarget, _rows: RowStream, _context: OperationContext): Promise<WriteResult> {
    throw new NonRetriableError(`connection "${this.name}" (http) is read-only`, {
      hint: "write to a localfs or s3 connection",
      details: { target: "path" in target ? target.path : undefined },
    });
  }

  fileSource(ref: DatasetRef, context: OperationContext): Promise<FileSource> {
    return fileSourceOf(this.objects, ref, context);
  }

  async close(): Promise<void> {
    // fetch keeps no connection of ours open.
  }
}
