import { ListObjectsV2Command } from "@aws-sdk/client-s3";
import type { ConnectionTestResult, OperationContext } from "../connector.js";
import { ObjectStoreConnection } from "../formats/object-store-connection.js";
import { classifyS3Error } from "./s3-errors.js";
import type { S3Objects } from "./s3-objects.js";

/**
 * A bucket on an S3-protocol server (AWS S3, MinIO, IBM COS, Ceph, moto…; seed 000's COS):
 * objects read and written as datasets, and as objects.
 */
export class S3Connection extends ObjectStoreConnection<S3Objects> {
  readonly kind = "s3";

  constructor(name: string, objects: S3Objects, discoverLimit: number) {
    super(name, objects, discoverLimit);
  }

  /** Lists one key: that needs the server (DNS, TCP, TLS), valid keys and the bucket. */
  async test(context: OperationContext): Promise<ConnectionTestResult> {
    const { bucket, endpoint, prefix } = this.objects.location;
    try {
      await this.objects.client.send(
        new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1, Prefix: prefix }),
        {
          abortSignal: context.signal,
        },
      );
      return {
        ok: true,
        message: `bucket "${bucket}" at ${endpoint} answers, and the credentials may list it`,
        details: { endpoint, bucket, ...(prefix ? { prefix } : {}) },
      };
    } catch (error) {
      if (context.signal.aborted) throw context.signal.reason;
      const problem = classifyS3Error(error, { endpoint, bucket });
      return { ok: false, stage: problem.stage, message: problem.message, hint: problem.hint };
    }
  }

  override async close(): Promise<void> {
    this.objects.client.destroy();
  }
}
