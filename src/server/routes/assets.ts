import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { AssetRecord } from "../../store/store.js";
import type { ServerContext, ZodServer } from "../context.js";
import { ApiError } from "../errors.js";
import { errorSchema } from "../schemas.js";

const tags = ["assets"];
const text = (max: number) => z.string().trim().min(1).max(max);

const fileBody = z.strictObject({
  mime_type: text(200).meta({ description: "e.g. text/csv, application/vnd.apache.parquet" }),
  location_type: text(50).meta({ description: "What location_path is: file, object, table, url…" }),
  location_path: text(2000),
});
const assetFields = {
  name: text(200).meta({ description: "Unique among assets." }),
  asset_type: text(50).meta({ description: "table, view, file, object, dataset…" }),
  storage_connection_name: z
    .string()
    .max(200)
    .nullable()
    .optional()
    .meta({ description: "A connection of connections.yml; null or absent for none." }),
  storage_location: text(2000).meta({ description: "Where in the connection: a table, a path, a prefix." }),
  files: z.array(fileBody).max(10_000).optional(),
};
const createBody = z
  .strictObject({ asset_id: z.uuid().optional(), ...assetFields })
  .meta({ description: "Seed 000's metadata asset; asset_id is generated when absent." });
const updateBody = z.strictObject(assetFields).meta({ description: "The asset's new definition." });
const idParams = z.object({ id: z.string().min(1).max(100) });

const assetSchema = z
  .object({
    asset_id: z.string(),
    name: z.string(),
    asset_type: z.string(),
    storage_connection_name: z.string().nullable(),
    storage_location: z.string(),
    files: z.array(z.object({ mime_type: z.string(), location_type: z.string(), location_path: z.string() })),
    created_utc: z.string(),
    updated_utc: z.string(),
  })
  .meta({ description: "A catalogued dataset (seed 000's metadata asset), in the seed's own field names." });

type AssetBody = z.output<typeof updateBody>;

/** `/api/v1/assets`: seed 000's metadata assets — list, create, read, update, delete. */
export function registerAssetRoutes(server: ZodServer, ctx: ServerContext): void {
  const store = ctx.app.store;
  server.get(
    "/api/v1/assets",
    {
      schema: {
        tags,
        summary: "Assets, by name",
        response: { 200: z.object({ assets: z.array(assetSchema) }) },
      },
    },
    async () => ({ assets: (await store.listAssets()).map(assetView) }),
  );

  server.post(
    "/api/v1/assets",
    {
      schema: {
        tags,
        summary: "Catalogue an asset",
        body: createBody,
        response: { 201: assetSchema, 400: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (request, reply) => {
      const id = request.body.asset_id ?? randomUUID();
      if (await store.getAsset(id)) throw new ApiError(409, "ASSET_EXISTS", `asset ${id} already exists`);
      const saved = await save(ctx, id, request.body);
      return reply.code(201).header("location", `/api/v1/assets/${id}`).send(assetView(saved));
    },
  );

  server.get(
    "/api/v1/assets/:id",
    {
      schema: {
        tags,
        summary: "An asset",
        params: idParams,
        response: { 200: assetSchema, 404: errorSchema },
      },
    },
    async (request) => assetView(await requireAsset(ctx, request.params.id)),
  );

  server.put(
    "/api/v1/assets/:id",
    {
      schema: {
        tags,
        summary: "Change an asset",
        params: idParams,
        body: updateBody,
        response: { 200: assetSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema },
      },
    },
    async (request) => {
      await requireAsset(ctx, request.params.id);
      return assetView(await save(ctx, request.params.id, request.body));
    },
  );

  server.delete(
    "/api/v1/assets/:id",
    {
      schema: {
        tags,
        summary: "Remove an asset from the catalogue (its data is not touched)",
        params: idParams,
        response: { 200: z.object({ asset_id: z.string(), removed: z.literal(true) }), 404: errorSchema },
      },
    },
    async (request) => {
      if (!(await store.deleteAsset(request.params.id))) throw notFound(request.params.id);
      return { asset_id: request.params.id, removed: true as const };
    },
  );
}

async function save(ctx: ServerContext, id: string, body: AssetBody): Promise<AssetRecord> {
  const connection = body.storage_connection_name?.trim() || null;
  const known = ctx.app.connections.names();
  if (connection !== null && !known.includes(connection)) {
    throw new ApiError(
      422,
      "CONNECTION_NOT_FOUND",
      `body.storage_connection_name: there is no connection "${connection}"`,
      {
        hint: known.length
          ? `connections: ${known.join(", ")}`
          : "define connections in connections.yml, or leave it empty",
      },
    );
  }
  const saved = await ctx.app.store.saveAsset({
    id,
    name: body.name,
    assetType: body.asset_type,
    storageConnectionName: connection,
    storageLocation: body.storage_location,
    files: (body.files ?? []).map((f) => ({
      mimeType: f.mime_type,
      locationType: f.location_type,
      locationPath: f.location_path,
    })),
  });
  if (!saved) {
    throw new ApiError(409, "ASSET_EXISTS", `body.name: an asset named "${body.name}" already exists`, {
      hint: "give the asset another name, or change that one with PUT /api/v1/assets/{id}",
    });
  }
  return saved;
}

async function requireAsset(ctx: ServerContext, id: string): Promise<AssetRecord> {
  const asset = await ctx.app.store.getAsset(id);
  if (!asset) throw notFound(id);
  return asset;
}

function notFound(id: string): ApiError {
  return new ApiError(404, "ASSET_NOT_FOUND", `there is no asset ${id}`, {
    hint: "list them with GET /api/v1/assets",
  });
}

function assetView(asset: AssetRecord): z.output<typeof assetSchema> {
  return {
    asset_id: asset.id,
    name: asset.name,
    asset_type: asset.assetType,
    storage_connection_name: asset.storageConnectionName,
    storage_location: asset.storageLocation,
    files: asset.files.map((f) => ({
      mime_type: f.mimeType,
      location_type: f.locationType,
      location_path: f.locationPath,
    })),
    created_utc: asset.createdUtc,
    updated_utc: asset.updatedUtc,
  };
}
