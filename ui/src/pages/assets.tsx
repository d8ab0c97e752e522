import { useState } from "preact/hooks";
import { api } from "../api/client.js";
import type { Asset } from "../api/types.js";
import { Empty, ErrorNote, Loading, PageHeader } from "../components/feedback.js";
import { formatTime } from "../format.js";
import { useLoad, useTitle } from "../hooks.js";
import { Link, segment } from "../router.js";

/** The catalogue of assets (seed 000's metadata assets). */
export function AssetsPage() {
  useTitle("Assets");
  const assets = useLoad((signal) => api<{ assets: Asset[] }>("/assets", { signal }), "assets");
  const [error, setError] = useState<unknown>();

  const remove = async (asset: Asset): Promise<void> => {
    if (!confirm(`Remove the asset ${asset.name} from the catalogue? Its data is not touched.`)) return;
    try {
      await api(`/assets/${encodeURIComponent(asset.asset_id)}`, { method: "DELETE" });
      assets.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  return (
    <section>
      <PageHeader
        title="Assets"
        sub={
          <span class="muted">
            Catalogued datasets: where they are stored and the files they are made of.
          </span>
        }
        actions={
          <>
            <Link class="button" href="/connections">
              Discover in a connection…
            </Link>
            <Link class="button primary" href="/assets/new">
              New asset
            </Link>
          </>
        }
      />
      <ErrorNote error={error ?? assets.error} />
      {assets.loading && !assets.data ? <Loading what="Loading assets" /> : null}
      {assets.data?.assets.length === 0 ? (
        <Empty>
          No asset yet. <Link href="/assets/new">Create one</Link>, or find one in a{" "}
          <Link href="/connections">connection</Link>.
        </Empty>
      ) : null}
      {assets.data?.assets.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Type</th>
                <th scope="col">Connection</th>
                <th scope="col">Location</th>
                <th scope="col" class="num">
                  Files
                </th>
                <th scope="col">Changed</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {assets.data.assets.map((asset) => (
                <tr key={asset.asset_id} data-asset={asset.name}>
                  <td>
                    <Link href={`/assets/${segment(asset.asset_id)}`}>{asset.name}</Link>
                  </td>
                  <td>{asset.asset_type}</td>
                  <td>
                    {asset.storage_connection_name ? (
                      <Link href={`/connections/${segment(asset.storage_connection_name)}`}>
                        {asset.storage_connection_name}
                      </Link>
                    ) : (
                      <span class="muted">—</span>
                    )}
                  </td>
                  <td class="mono small">{asset.storage_location}</td>
                  <td class="num">{asset.files.length}</td>
                  <td>{formatTime(asset.updated_utc)}</td>
                  <td>
                    <button
                      type="button"
                      class="danger small-button"
                      onClick={() => remove(asset)}
                      aria-label={`Remove the asset ${asset.name}`}
                    >
                      Remove
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
