import type { JSX } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, describeError } from "../api/client.js";
import type { Asset, AssetFile, ConnectionInfo } from "../api/types.js";
import { ErrorNote, Loading, PageHeader } from "../components/feedback.js";
import { AssetFiles } from "../components/asset-files.js";
import { useLoad, useTitle } from "../hooks.js";
import { navigate } from "../router.js";

interface Fields {
  name: string;
  asset_type: string;
  storage_connection_name: string;
  storage_location: string;
  files: AssetFile[];
}

/** Seed 000's "create asset": by hand, or pre-filled from what a connection's discover found. */
export function AssetFormPage({ id, query }: { id?: string; query: URLSearchParams }) {
  useTitle(id ? "Asset" : "New asset");
  const connections = useLoad(
    (signal) => api<{ connections: ConnectionInfo[] }>("/connections", { signal }),
    "connections",
  );
  const existing = useLoad(
    (signal) =>
      id ? api<Asset>(`/assets/${encodeURIComponent(id)}`, { signal }) : Promise.resolve(undefined),
    id ?? "new",
  );
  const [fields, setFields] = useState<Fields>(() => fromQuery(query));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    const asset = existing.data;
    if (asset)
      setFields({
        ...asset,
        storage_connection_name: asset.storage_connection_name ?? "",
        files: asset.files.map((f) => ({ ...f })),
      });
  }, [existing.data]);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setErrors({});
    setError(undefined);
    const body = { ...fields, storage_connection_name: fields.storage_connection_name || null };
    try {
      await api<Asset>(id ? `/assets/${encodeURIComponent(id)}` : "/assets", {
        method: id ? "PUT" : "POST",
        json: body,
      });
      navigate("/assets");
    } catch (caught) {
      const byField = fieldErrors(caught);
      if (Object.keys(byField).length) setErrors(byField);
      else setError(caught);
    } finally {
      setBusy(false);
    }
  };

  if (existing.error) return <ErrorNote error={existing.error} />;
  if (id && !existing.data) return <Loading what="Loading the asset" />;
  const set = (key: keyof Fields) => (e: { currentTarget: { value: string } }) =>
    setFields({ ...fields, [key]: e.currentTarget.value });
  const field = (key: keyof Fields, label: string, control: JSX.Element, help?: string) => (
    <div class={`field${errors[key] ? " invalid" : ""}`}>
      <label for={`asset-${key}`}>{label}</label>
      {control}
      {help ? <div class="muted small">{help}</div> : null}
      {errors[key] ? (
        <div class="field-error" role="alert" id={`asset-${key}-error`}>
          {errors[key]}
        </div>
      ) : null}
    </div>
  );
  const invalid = (key: string) =>
    errors[key] ? { "aria-invalid": true, "aria-describedby": `asset-${key}-error` } : {};

  return (
    <section>
      <PageHeader
        title={id ? `Asset ${fields.name}` : "New asset"}
        sub={id ? <span class="mono small muted">{id}</span> : undefined}
      />
      <form class="card asset-form" onSubmit={submit} noValidate>
        {field(
          "name",
          "Name",
          <input id="asset-name" value={fields.name} onInput={set("name")} required {...invalid("name")} />,
          "Unique among assets.",
        )}
        {field(
          "asset_type",
          "Type",
          <>
            <input
              id="asset-asset_type"
              list="asset-types"
              value={fields.asset_type}
              onInput={set("asset_type")}
              {...invalid("asset_type")}
            />
            <datalist id="asset-types">
              {["table", "view", "file", "object", "dataset"].map((t) => (
                <option key={t} value={t} />
              ))}
            </datalist>
          </>,
        )}
        {field(
          "storage_connection_name",
          "Connection",
          <select
            id="asset-storage_connection_name"
            value={fields.storage_connection_name}
            onChange={set("storage_connection_name")}
            {...invalid("storage_connection_name")}
          >
            <option value="">none</option>
            {withCurrent(connections.data?.connections ?? [], fields.storage_connection_name).map((c) => (
              <option key={c.name} value={c.name}>
                {c.name} ({c.type})
              </option>
            ))}
          </select>,
        )}
        {field(
          "storage_location",
          "Location",
          <input
            id="asset-storage_location"
            value={fields.storage_location}
            onInput={set("storage_location")}
            class="mono"
            {...invalid("storage_location")}
          />,
          "In the connection: a table (schema.table), a path, a prefix or a URL.",
        )}
        <AssetFiles
          files={fields.files}
          onChange={(files) => setFields({ ...fields, files })}
          error={errors.files}
        />
        {error ? (
          <p class="note note-error" role="alert">
            {describeError(error)}
          </p>
        ) : null}
        <div class="form-actions">
          <button type="submit" class="primary" disabled={busy}>
            {busy ? "Saving…" : id ? "Save asset" : "Create asset"}
          </button>
          <button type="button" onClick={() => history.back()}>
            Cancel
          </button>
        </div>
      </form>
    </section>
  );
}

/** The connections, plus the one the asset names when connections.yml no longer has it (or has not loaded). */
function withCurrent(connections: ConnectionInfo[], current: string): ConnectionInfo[] {
  if (!current || connections.some((c) => c.name === current)) return connections;
  return [...connections, { name: current, type: "?", description: "" }];
}

function fromQuery(query: URLSearchParams): Fields {
  const file = query.get("file");
  return {
    name: query.get("name") ?? "",
    asset_type: query.get("type") ?? "",
    storage_connection_name: query.get("connection") ?? "",
    storage_location: query.get("location") ?? "",
    files: file
      ? [
          {
            mime_type: query.get("mime") ?? "application/octet-stream",
            location_type: "file",
            location_path: file,
          },
        ]
      : [],
  };
}

/** `body.name: …` messages and validation details, by field of the form. */
function fieldErrors(error: unknown): Record<string, string> {
  if (!(error instanceof ApiError)) return {};
  const result: Record<string, string> = {};
  const fields = (error.details?.fields as { field: string; message: string }[] | undefined) ?? [];
  for (const f of fields) {
    const key = f.field.replace(/^body\./, "").split(".")[0] ?? "";
    result[key] = f.message;
  }
  const named = /^body\.(\w+): (.*)$/.exec(error.message);
  if (named?.[1] && fields.length === 0)
    result[named[1]] = error.hint ? `${named[2]} — ${error.hint}` : (named[2] ?? "");
  return result;
}
