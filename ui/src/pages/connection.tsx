import { api } from "../api/client.js";
import type { DiscoveredObject } from "../api/types.js";
import { Empty, ErrorNote, Loading, PageHeader } from "../components/feedback.js";
import { formatBytes, formatTime } from "../format.js";
import { useLoad, useTitle } from "../hooks.js";
import { Link } from "../router.js";

/** What a connection holds (discover): tables, views, files, objects; each can become an asset. */
export function ConnectionPage({ name }: { name: string }) {
  useTitle(name);
  const found = useLoad(
    (signal) =>
      api<{ type: string; objects: DiscoveredObject[]; truncated: boolean }>(
        `/connections/${encodeURIComponent(name)}/discover`,
        { signal },
      ),
    name,
  );
  const objects = found.data?.objects ?? [];
  return (
    <section>
      <PageHeader
        title={name}
        sub={
          <span class="muted">
            {found.data ? `${found.data.type} · ` : ""}what discover finds ·{" "}
            <Link href="/connections">all connections</Link>
          </span>
        }
        actions={
          <button type="button" onClick={found.reload}>
            Discover again
          </button>
        }
      />
      <ErrorNote error={found.error} />
      {found.loading ? <Loading what="Discovering" /> : null}
      {found.data && objects.length === 0 ? <Empty>Discover found nothing in this connection.</Empty> : null}
      {found.data?.truncated ? (
        <p class="note note-info">Only the first {objects.length} objects are shown.</p>
      ) : null}
      {objects.length && !found.loading ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Kind</th>
                <th scope="col">Columns</th>
                <th scope="col" class="num">
                  Rows / size
                </th>
                <th scope="col">Modified</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {objects.map((o) => {
                const location = o.schema ? `${o.schema}.${o.name}` : o.name;
                return (
                  <tr key={`${o.kind}:${location}`} data-object={location}>
                    <td class="mono">{location}</td>
                    <td>
                      {o.kind}
                      {o.mimeType ? <div class="muted small">{o.mimeType}</div> : null}
                    </td>
                    <td class="small">
                      {o.columns?.length ? (
                        o.columns.map((c) => `${c.name} ${c.type.kind}`).join(", ")
                      ) : (
                        <span class="muted">—</span>
                      )}
                    </td>
                    <td class="num">
                      {o.rowEstimate !== undefined
                        ? `${o.rowEstimate.toLocaleString()} rows`
                        : formatBytes(o.size)}
                    </td>
                    <td>{formatTime(o.modifiedUtc)}</td>
                    <td>
                      <Link class="button small-button" href={newAssetUrl(name, o, location)}>
                        Create asset…
                      </Link>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

function newAssetUrl(connection: string, object: DiscoveredObject, location: string): string {
  const query = new URLSearchParams({
    connection,
    location,
    type: object.kind,
    name:
      location
        .split("/")
        .pop()
        ?.replace(/\.[^.]+$/, "") ?? location,
  });
  if (object.kind === "file" || object.kind === "object") {
    query.set("file", location);
    if (object.mimeType) query.set("mime", object.mimeType);
  }
  return `/assets/new?${query}`;
}
