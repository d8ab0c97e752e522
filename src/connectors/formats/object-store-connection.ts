import type {
  Connection,
  ConnectionTestResult,
  DatasetRef,
  DiscoveredObject,
  FileSource,
  ObjectAccess,
  OperationContext,
  RowStream,
  WriteResult,
  WriteTarget,
} from "../connector.js";
import type { FileStore } from "./dataset-files.js";
import { fileSourceOf, readDataset, writeDataset } from "./dataset-files.js";

/**
 * What every file or object-storage connection does the same way on top of its ObjectAccess:
 * discover by listing, read and write datasets through the formats. A kind adds `test` (what
 * can fail differs per storage) and releases what it holds in `close`.
 */
export abstract class ObjectStoreConnection<Objects extends FileStore & ObjectAccess> implements Connection {
  abstract readonly kind: string;

  constructor(
    readonly name: string,
    readonly objects: Objects,
    readonly discoverLimit: number,
  ) {}

  abstract test(context: OperationContext): Promise<ConnectionTestResult>;

  async discover(context: OperationContext): Promise<DiscoveredObject[]> {
    const found: DiscoveredObject[] = [];
    for await (const object of this.objects.list("", context)) {
      if (found.length >= this.discoverLimit) break;
      found.push(object);
    }
    return found;
  }

  read(ref: DatasetRef, context: OperationContext): Promise<RowStream> {
    return readDataset(this.objects, ref, context);
  }

  write(target: WriteTarget, rows: RowStream, context: OperationContext): Promise<WriteResult> {
    return writeDataset(this.objects, target, rows, context);
  }

  fileSource(ref: DatasetRef, context: OperationContext): Promise<FileSource> {
    return fileSourceOf(this.objects, ref, context);
  }

  async close(): Promise<void> {
    // Nothing is held open between operations unless a kind says otherwise.
  }
}
