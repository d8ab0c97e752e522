import { z } from "zod";
import { configValueSchema, resolveCredential } from "../config-values.js";
import type { ConnectorKind } from "../connector.js";

const s3Options = z.strictObject({
  bucket: z.string().min(3).meta({ description: "The bucket." }),
  endpoint: z
    .url()
    .optional()
    .meta({ description: "The server, e.g. http://127.0.0.1:9000 (MinIO); absent: AWS S3 in `region`." }),
  region: z.string().min(1).default("us-east-1").meta({ description: 'The region (default "us-east-1").' }),
  credentials: configValueSchema.optional().meta({
    description:
      "{ secret: NAME } naming a credential secret: username = access key id, password = secret access key. Absent: the AWS SDK's own chain (environment, profile, instance role).",
  }),
  prefix: z.string().default("").meta({
    description: 'A folder inside the bucket that every path is under, e.g. "team-a/" (default: none).',
  }),
  force_path_style: z.boolean().optional().meta({
    description:
      "Address the bucket in the path (http://host/bucket/key), as MinIO and moto need (default: true when an endpoint is set).",
  }),
  part_size_mb: z
    .int()
    .min(5)
    .max(512)
    .default(8)
    .meta({ description: "Part size of multipart uploads in MiB (default 8; two parts are in flight)." }),
  connect_timeout_ms: z
    .int()
    .positive()
    .default(5000)
    .meta({ description: "Connect timeout (default 5000)." }),
  request_timeout_ms: z
    .int()
    .positive()
    .default(60_000)
    .meta({ description: "Timeout of a request without progress (default 60000)." }),
  discover_limit: z
    .int()
    .positive()
    .default(10_000)
    .meta({ description: "At most this many objects are listed by discover (default 10000)." }),
});

export type S3Options = z.output<typeof s3Options>;

/**
 * `type: s3` in connections.yml: a bucket on any S3-protocol server, through the AWS SDK.
 *
 * @example
 * - name: lake
 *   type: s3
 *   endpoint: http://127.0.0.1:9000
 *   bucket: raw
 *   credentials: { secret: lake_keys }
 */
export const s3Connector: ConnectorKind<S3Options> = {
  kind: "s3",
  description:
    "A bucket on an S3-protocol server (AWS S3, MinIO, IBM COS…): objects as datasets and as objects.",
  options: s3Options,
  async open(name, options, environment) {
    // The AWS SDK loads on first use: commands that open no S3 connection do not pay for it.
    const { S3Client } = await import("@aws-sdk/client-s3");
    const { S3Connection } = await import("./s3-connection.js");
    const { S3Objects } = await import("./s3-objects.js");
    const keys = options.credentials
      ? resolveCredential(options.credentials, environment, `credentials of connection "${name}"`)
      : undefined;
    const client = new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.force_path_style ?? options.endpoint !== undefined,
      ...(keys ? { credentials: { accessKeyId: keys.username, secretAccessKey: keys.password } } : {}),
      requestHandler: {
        connectionTimeout: options.connect_timeout_ms,
        requestTimeout: options.request_timeout_ms,
      },
      // Checksums only where S3 requires them: MinIO, IBM COS and older servers reject the new defaults.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      maxAttempts: 3,
    });
    const prefix =
      options.prefix === "" || options.prefix.endsWith("/") ? options.prefix : `${options.prefix}/`;
    const objects = new S3Objects(name, client, {
      endpoint: options.endpoint ?? `https://s3.${options.region}.amazonaws.com`,
      bucket: options.bucket,
      prefix: prefix.replace(/^\/+/, ""),
      partSize: options.part_size_mb * 1024 * 1024,
    });
    return new S3Connection(name, objects, options.discover_limit);
  },
};
