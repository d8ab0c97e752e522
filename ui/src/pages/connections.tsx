import { useState } from "preact/hooks";
import { api, describeError } from "../api/client.js";
import type { ConnectionInfo, ConnectionTest } from "../api/types.js";
import { Empty, ErrorNote, Loading, PageHeader } from "../components/feedback.js";
import { useLoad, useTitle } from "../hooks.js";
import { Link, segment } from "../router.js";

/** The connections of connections.yml: test each, browse what it holds. */
export function ConnectionsPage() {
  useTitle("Connections");
  const list = useLoad(
    (signal) => api<{ connections: ConnectionInfo[] }>("/connections", { signal }),
    "connections",
  );
  const [tests, setTests] = useState<Record<string, ConnectionTest | "testing" | string>>({});

  const test = async (name: string): Promise<void> => {
    setTests((t) => ({ ...t, [name]: "testing" }));
    try {
      const result = await api<ConnectionTest>(`/connections/${encodeURIComponent(name)}/test`, {
        method: "POST",
      });
      setTests((t) => ({ ...t, [name]: result }));
    } catch (error) {
      setTests((t) => ({ ...t, [name]: describeError(error) }));
    }
  };

  return (
    <section>
      <PageHeader
        title="Connections"
        sub={<span class="muted">Defined in connections.yml; their options stay on the server.</span>}
      />
      <ErrorNote error={list.error} />
      {list.loading && !list.data ? <Loading what="Loading connections" /> : null}
      {list.data?.connections.length === 0 ? (
        <Empty>There is no connection: add some to connections.yml under DATA_PATH.</Empty>
      ) : null}
      {list.data?.connections.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">Kind</th>
                <th scope="col">Test</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.connections.map((c) => {
                const result = tests[c.name];
                return (
                  <tr key={c.name} data-connection={c.name}>
                    <td>
                      <Link href={`/connections/${segment(c.name)}`}>{c.name}</Link>
                    </td>
                    <td>
                      {c.type}
                      <div class="muted small">{c.description}</div>
                    </td>
                    <td class="test-result" aria-live="polite">
                      <TestResult result={result} />
                    </td>
                    <td>
                      <div class="actions-cell">
                        <button
                          type="button"
                          class="small-button"
                          onClick={() => test(c.name)}
                          disabled={result === "testing"}
                        >
                          Test
                        </button>
                        <Link class="button small-button" href={`/connections/${segment(c.name)}`}>
                          Browse
                        </Link>
                      </div>
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

function TestResult({ result }: { result: ConnectionTest | string | undefined }) {
  if (result === undefined) return <span class="muted">not tested</span>;
  if (result === "testing") return <span class="muted">testing…</span>;
  if (typeof result === "string") return <span class="text-error">{result}</span>;
  if (result.ok)
    return (
      <span class="text-ok">
        ✓ {result.message} <span class="muted small">({result.ms} ms)</span>
      </span>
    );
  return (
    <span class="text-error">
      ✕ {result.stage ? `${result.stage}: ` : ""}
      {result.message}
      {result.hint ? <div class="muted small">{result.hint}</div> : null}
    </span>
  );
}
