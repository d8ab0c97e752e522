import { useEffect } from "preact/hooks";
import { api } from "../api/client.js";
import { followEvents } from "../api/event-stream.js";
import type { FlowSummary, RunSummary } from "../api/types.js";
import { RUN_STATES } from "../api/types.js";
import { Empty, ErrorNote, Loading, PageHeader } from "../components/feedback.js";
import { ProgressBar, StateBadge } from "../components/state.js";
import { elapsed, formatDuration, formatTime } from "../format.js";
import { useLoad, useNow, useTitle } from "../hooks.js";
import { Link, setQuery } from "../router.js";

/**
 * Changes arrive through the server's run event stream; this slower poll also catches runs that
 * another process (a CLI run on the same store) executes, which send the server no events.
 */
const POLL_MS = 10_000;
/** Events within this time cause one reload of the list, not one each. */
const EVENT_DEBOUNCE_MS = 250;

/** Every run, newest first, live: new runs, states and progress appear without reloading. */
export function RunsPage({ query }: { query: URLSearchParams }) {
  useTitle("Runs");
  const flow = query.get("flow") ?? "";
  const state = query.get("state") ?? "";
  const limit = Math.min(1000, Number(query.get("limit")) || 50);
  const params = new URLSearchParams({ limit: String(limit) });
  if (flow) params.set("flow", flow);
  if (state) params.set("state", state);
  const runs = useLoad(
    (signal) => api<{ runs: RunSummary[]; next: number | null }>(`/runs?${params}`, { signal }),
    params.toString(),
    POLL_MS,
  );
  const { reload } = runs;
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const close = followEvents("/api/v1/events", {
      onEvents: () => {
        timer ??= setTimeout(() => {
          timer = undefined;
          reload();
        }, EVENT_DEBOUNCE_MS);
      },
    });
    return () => {
      clearTimeout(timer);
      close();
    };
  }, [reload]);
  const flows = useLoad((signal) => api<{ flows: FlowSummary[] }>("/flows", { signal }), "flows");
  const names = [...new Set((flows.data?.flows ?? []).map((f) => f.name).filter(Boolean))] as string[];
  const active = runs.data?.runs.some((r) => r.state === "RUNNING") ?? false;
  const now = useNow(active);

  return (
    <section>
      <PageHeader
        title="Runs"
        sub={<span class="live-dot">live</span>}
        actions={
          <Link class="button primary" href="/flows">
            Launch a flow…
          </Link>
        }
      />
      <form class="filters" onSubmit={(e) => e.preventDefault()} aria-label="Filter runs">
        <label>
          Flow
          <select value={flow} onChange={(e) => setQuery({ flow: e.currentTarget.value, limit: null })}>
            <option value="">all flows</option>
            {[...new Set([...names, ...(flow ? [flow] : [])])].sort().map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          State
          <select value={state} onChange={(e) => setQuery({ state: e.currentTarget.value, limit: null })}>
            <option value="">all states</option>
            {RUN_STATES.map((s) => (
              <option key={s} value={s}>
                {s.toLowerCase()}
              </option>
            ))}
          </select>
        </label>
        {flow || state ? (
          <button
            type="button"
            class="link-button"
            onClick={() => setQuery({ flow: null, state: null, limit: null })}
          >
            Clear filters
          </button>
        ) : null}
      </form>
      <ErrorNote error={runs.error} />
      {runs.loading && !runs.data ? <Loading what="Loading runs" /> : null}
      {runs.data && runs.data.runs.length === 0 ? (
        <Empty>
          No runs{flow || state ? " match these filters" : " yet"}. <Link href="/flows">Launch a flow</Link>.
        </Empty>
      ) : null}
      {runs.data && runs.data.runs.length > 0 ? <RunTable runs={runs.data.runs} now={now} /> : null}
      {runs.data?.next ? (
        <button type="button" class="more" onClick={() => setQuery({ limit: String(limit + 50) })}>
          Show older runs
        </button>
      ) : null}
    </section>
  );
}

function RunTable({ runs, now }: { runs: RunSummary[]; now: number }) {
  return (
    <div class="table-wrap">
      <table class="runs-table">
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Flow</th>
            <th scope="col">State</th>
            <th scope="col" class="col-progress">
              Progress
            </th>
            <th scope="col">Started</th>
            <th scope="col" class="num">
              Duration
            </th>
            <th scope="col">Trigger</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} data-run={run.id} data-state={run.state}>
              <td>
                <Link href={`/runs/${run.id}`} aria-label={`run ${run.id}`}>
                  #{run.id}
                </Link>
                {run.parentRunId ? (
                  <span class="muted small">
                    {" "}
                    ↳ <Link href={`/runs/${run.parentRunId}`}>#{run.parentRunId}</Link>
                  </span>
                ) : null}
              </td>
              <td>
                <Link href={`/runs?flow=${encodeURIComponent(run.flow)}`} class="plain">
                  {run.flow}
                </Link>
              </td>
              <td>
                <StateBadge state={run.state} />
              </td>
              <td class="col-progress">
                <ProgressBar value={run.progress} state={run.state} />
              </td>
              <td>{formatTime(run.startedUtc ?? run.createdUtc)}</td>
              <td class="num">
                {formatDuration(run.durationMs ?? elapsed(run.startedUtc, run.endedUtc, now))}
              </td>
              <td class="muted">{run.trigger}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
