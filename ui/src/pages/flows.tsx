import { api } from "../api/client.js";
import type { FlowSummary, RunSummary, ScheduleEntry } from "../api/types.js";
import { Empty, ErrorNote, Loading, PageHeader } from "../components/feedback.js";
import { StateBadge } from "../components/state.js";
import { formatSchedule, formatTime, relativeTime } from "../format.js";
import { useLoad, useTitle } from "../hooks.js";
import { Link, segment } from "../router.js";

interface FlowRow {
  readonly flow: FlowSummary;
  readonly lastRun: RunSummary | undefined;
  readonly next: ScheduleEntry | undefined;
}

/** Every flow of FLOWS_PATH: whether it is valid, its schedule, its last run and its next fire. */
export function FlowsPage() {
  useTitle("Flows");
  const rows = useLoad(
    async (signal): Promise<FlowRow[]> => {
      const [flows, runs, schedules] = await Promise.all([
        api<{ flows: FlowSummary[] }>("/flows", { signal }),
        api<{ runs: RunSummary[] }>("/runs?limit=1000", { signal }),
        api<{ schedules: ScheduleEntry[] }>("/schedules", { signal }).catch(() => ({ schedules: [] })),
      ]);
      const lastRun = new Map<string, RunSummary>();
      for (const run of runs.runs) if (!lastRun.has(run.flow)) lastRun.set(run.flow, run);
      return flows.flows.map((flow) => ({
        flow,
        lastRun: flow.name ? lastRun.get(flow.name) : undefined,
        next: schedules.schedules
          .filter((s) => s.path === flow.path && s.nextFireUtc)
          .sort((a, b) => (a.nextFireUtc as string).localeCompare(b.nextFireUtc as string))[0],
      }));
    },
    "flows",
    5000,
  );

  return (
    <section>
      <PageHeader title="Flows" sub={<span class="muted">The flow files under FLOWS_PATH.</span>} />
      <ErrorNote error={rows.error} />
      {rows.loading && !rows.data ? <Loading what="Loading flows" /> : null}
      {rows.data?.length === 0 ? <Empty>There is no flow file under FLOWS_PATH yet.</Empty> : null}
      {rows.data?.length ? (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Flow</th>
                <th scope="col">File</th>
                <th scope="col" class="num">
                  Steps
                </th>
                <th scope="col">Schedule</th>
                <th scope="col">Next fire</th>
                <th scope="col">Last run</th>
                <th scope="col">
                  <span class="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.data.map(({ flow, lastRun, next }) => (
                <tr key={flow.path} data-flow={flow.name ?? flow.path}>
                  <td>
                    <Link href={`/flows/${segment(flow.path)}`}>{flow.name ?? flow.path}</Link>
                    {flow.description ? <div class="muted small">{flow.description}</div> : null}
                  </td>
                  <td class="mono small">{flow.path}</td>
                  <td class="num">
                    {flow.valid ? flow.steps : <span class="text-error">{flow.problems} problems</span>}
                  </td>
                  <td>{formatSchedule(flow.schedule)}</td>
                  <td title={next?.nextFireUtc ?? undefined}>
                    {next ? relativeTime(next.nextFireUtc) : <span class="muted">not scheduled</span>}
                  </td>
                  <td>
                    {lastRun ? (
                      <Link href={`/runs/${lastRun.id}`} class="plain">
                        <StateBadge state={lastRun.state} />{" "}
                        <span class="small">{formatTime(lastRun.createdUtc)}</span>
                      </Link>
                    ) : (
                      <span class="muted">never</span>
                    )}
                  </td>
                  <td>
                    {flow.valid ? (
                      <Link class="button small-button" href={`/flows/${segment(flow.path)}?tab=launch`}>
                        Launch…
                      </Link>
                    ) : null}
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
