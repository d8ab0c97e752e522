import { useState } from "preact/hooks";
import { api } from "../api/client.js";
import type { FlowSummary, ScheduleEntry } from "../api/types.js";
import { Empty, ErrorNote, Loading, PageHeader } from "../components/feedback.js";
import { formatSchedule, formatTime, relativeTime } from "../format.js";
import { useLoad, useNow, useTitle } from "../hooks.js";
import { Link, segment } from "../router.js";

/** The scheduler's entries with their next fire times; add a flow that has a schedule, remove one. */
export function SchedulesPage() {
  useTitle("Schedules");
  const now = useNow(true, 5000);
  const entries = useLoad(
    (signal) => api<{ schedules: ScheduleEntry[] }>("/schedules", { signal }),
    "schedules",
    5000,
  );
  const flows = useLoad((signal) => api<{ flows: FlowSummary[] }>("/flows", { signal }), "flows");
  const schedulable = (flows.data?.flows ?? []).filter((f) => f.valid && f.schedule);
  const [path, setPath] = useState("");
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const act = async (action: () => Promise<unknown>): Promise<void> => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
      entries.reload();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  };
  const add = (event: Event) => {
    event.preventDefault();
    const chosen = path || schedulable[0]?.path;
    if (chosen) void act(() => api("/schedules", { method: "POST", json: { path: chosen } }));
  };
  const remove = (entry: ScheduleEntry) => {
    if (confirm(`Stop scheduling ${entry.flow} (${entry.path})?`))
      void act(() => api(`/schedules/${encodeURIComponent(entry.id)}`, { method: "DELETE" }));
  };

  return (
    <section>
      <PageHeader
        title="Schedules"
        sub={<span class="muted">Flows the scheduler fires on a cron or every N seconds.</span>}
      />
      <form class="card inline-form" onSubmit={add} aria-label="Add a schedule">
        <label>
          Flow to schedule
          <select
            value={path}
            onChange={(e) => setPath(e.currentTarget.value)}
            disabled={schedulable.length === 0}
          >
            {schedulable.length === 0 ? <option value="">no flow file has a schedule</option> : null}
            {schedulable.map((f) => (
              <option key={f.path} value={f.path}>
                {f.name} — {formatSchedule(f.schedule)} ({f.path})
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary" disabled={busy || schedulable.length === 0}>
          Add schedule
        </button>
        <span class="muted small">
          The schedule itself is the flow file's <code>schedule:</code>.
        </span>
      </form>
      <ErrorNote error={error ?? entries.error} />
      {entries.loading && !entries.data ? <Loading what="Loading schedules" /> : null}
      {entries.data?.schedules.length === 0 ? <Empty>Nothing is scheduled.</Empty> : null}
      {entries.data?.schedules.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Flow</th>
                <th scope="col">Schedule</th>
                <th scope="col">Next fire</th>
                <th scope="col">Last fire</th>
                <th scope="col">Added by</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {entries.data.schedules.map((entry) => (
                <tr key={entry.id} data-schedule={entry.id} data-flow={entry.flow}>
                  <td>
                    <Link href={`/flows/${segment(entry.path)}`}>{entry.flow}</Link>
                    <div class="mono small muted">{entry.path}</div>
                    {entry.problem ? <div class="text-error small">{entry.problem}</div> : null}
                  </td>
                  <td>
                    {formatSchedule(entry.schedule)}
                    {"cron" in (entry.schedule ?? {}) ? (
                      <div class="muted small">{entry.timezone}</div>
                    ) : null}
                  </td>
                  <td title={entry.nextFireUtc ?? undefined}>
                    {entry.nextFireUtc ? (
                      <>
                        {relativeTime(entry.nextFireUtc, now)}
                        <div class="muted small">{formatTime(entry.nextFireUtc)}</div>
                      </>
                    ) : (
                      "—"
                    )}
                  </td>
                  <td>
                    {entry.lastFireUtc ? formatTime(entry.lastFireUtc) : <span class="muted">never</span>}
                  </td>
                  <td>{entry.source === "autostart" ? "config.yml" : "API"}</td>
                  <td>
                    <button
                      type="button"
                      class="danger small-button"
                      onClick={() => remove(entry)}
                      disabled={busy}
                      aria-label={`Remove the schedule of ${entry.flow}`}
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
