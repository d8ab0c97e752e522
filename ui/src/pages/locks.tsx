import { useState } from "preact/hooks";
import { api } from "../api/client.js";
import type { LockInfo } from "../api/types.js";
import { Empty, ErrorNote, Loading, PageHeader } from "../components/feedback.js";
import { formatDuration, formatTime } from "../format.js";
import { useLoad, useTitle } from "../hooks.js";
import { Link } from "../router.js";

/** Flows that hold their lock (running, or left behind by a crash), who holds it, and removal. */
export function LocksPage() {
  useTitle("Locks");
  const locks = useLoad((signal) => api<{ locks: LockInfo[] }>("/locks", { signal }), "locks", 3000);
  const [error, setError] = useState<unknown>();

  const remove = async (flow?: string): Promise<void> => {
    const question = flow
      ? `Remove the lock of ${flow}? Another run of it may then start while this one goes on.`
      : "Remove every lock?";
    if (!confirm(question)) return;
    setError(undefined);
    try {
      await api(flow ? `/locks/${encodeURIComponent(flow)}` : "/locks", { method: "DELETE" });
      locks.reload();
    } catch (caught) {
      setError(caught);
    }
  };

  const list = locks.data?.locks ?? [];
  return (
    <section>
      <PageHeader
        title="Locks"
        sub={
          <span class="muted">A flow holds its lock while it runs, so it does not run twice at once.</span>
        }
        actions={
          list.length > 1 ? (
            <button type="button" class="danger" onClick={() => remove()}>
              Remove every lock
            </button>
          ) : null
        }
      />
      <ErrorNote error={error ?? locks.error} />
      {locks.loading && !locks.data ? <Loading what="Loading locks" /> : null}
      {locks.data && list.length === 0 ? <Empty>No flow holds a lock.</Empty> : null}
      {list.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Flow</th>
                <th scope="col">Run</th>
                <th scope="col">Owner</th>
                <th scope="col">Since</th>
                <th scope="col">Held for</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((lock) => (
                <tr key={lock.flow} data-lock={lock.flow}>
                  <td>{lock.flow}</td>
                  <td>{lock.runId ? <Link href={`/runs/${lock.runId}`}>#{lock.runId}</Link> : "—"}</td>
                  <td>
                    <span class="mono small">{lock.owner ?? "unknown"}</span>{" "}
                    {lock.ownerAlive === false ? <span class="badge state-FAILED">process gone</span> : null}
                    {lock.ownerAlive === true ? <span class="badge state-COMPLETED">alive</span> : null}
                  </td>
                  <td>{formatTime(lock.acquiredUtc)}</td>
                  <td class="num">{formatDuration(lock.ageMs)}</td>
                  <td>
                    <button
                      type="button"
                      class="danger small-button"
                      onClick={() => remove(lock.flow)}
                      aria-label={`Remove the lock of ${lock.flow}`}
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
