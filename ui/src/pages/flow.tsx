import { useMemo } from "preact/hooks";
import { ApiError, api } from "../api/client.js";
import type { Diagnostic, FlowDetail } from "../api/types.js";
import { ErrorNote, Loading, PageHeader } from "../components/feedback.js";
import { Tabs } from "../components/tabs.js";
import { DefinitionView } from "../flow/definition-view.js";
import { DiagnosticList } from "../flow/diagnostics.js";
import { LaunchForm } from "../flow/launch-form.js";
import { formatSchedule } from "../format.js";
import { GraphView } from "../graph/graph-view.js";
import { layoutGraph } from "../graph/layout.js";
import { useLoad, useTitle } from "../hooks.js";
import { Link, setQuery } from "../router.js";

const TABS = [
  { id: "graph", label: "Graph" },
  { id: "definition", label: "Definition" },
  { id: "launch", label: "Launch" },
];

/** One flow: its graph, its definition (with a checker), and the form that launches it. */
export function FlowPage({ path, query }: { path: string; query: URLSearchParams }) {
  const detail = useLoad(
    (signal) => api<FlowDetail>(`/flows/${path.split("/").map(encodeURIComponent).join("/")}`, { signal }),
    path,
  );
  const flow = detail.data;
  useTitle(flow?.name ?? path);
  const tab = query.get("tab") ?? "graph";
  const layout = useMemo(
    () => (flow ? layoutGraph({ nodes: flow.steps, edges: flow.graph.edges }) : undefined),
    [flow],
  );

  const diagnostics = invalidDiagnostics(detail.error);
  if (diagnostics) {
    return (
      <section>
        <PageHeader title={path} sub={<span class="text-error">This flow file is not valid.</span>} />
        <DiagnosticList diagnostics={diagnostics} />
      </section>
    );
  }
  if (detail.error) return <ErrorNote error={detail.error} title={path} />;
  if (!flow || !layout) return <Loading what={`Loading ${path}`} />;
  return (
    <section class="flow-page" data-flow={flow.name}>
      <PageHeader
        title={flow.name}
        sub={
          <>
            <span class="mono small">{flow.path}</span> · {flow.steps.length} step
            {flow.steps.length === 1 ? "" : "s"}
            {flow.schedule ? ` · ${formatSchedule(flow.schedule)}` : ""}
            {flow.description ? <p class="muted">{flow.description}</p> : null}
          </>
        }
        actions={
          <>
            <Link class="button" href={`/runs?flow=${encodeURIComponent(flow.name)}`}>
              Its runs
            </Link>
            <button type="button" class="primary" onClick={() => setQuery({ tab: "launch" }, false)}>
              Launch…
            </button>
          </>
        }
      />
      <Tabs tabs={TABS} current={tab} onChange={(next) => setQuery({ tab: next }, false)}>
        {tab === "graph" ? (
          <div data-layout-ms={Math.round(layout.ms)}>
            <GraphView
              layout={layout}
              look={() => ({ state: "NONE", meta: "" })}
              label={`Graph of ${flow.name}`}
            />
          </div>
        ) : null}
        {tab === "definition" ? <DefinitionView flow={flow} /> : null}
        {tab === "launch" ? <LaunchForm flow={flow} /> : null}
      </Tabs>
    </section>
  );
}

/** The diagnostics of a FLOW_INVALID answer. */
function invalidDiagnostics(error: unknown): Diagnostic[] | undefined {
  if (!(error instanceof ApiError) || error.code !== "FLOW_INVALID") return undefined;
  return (error.details?.diagnostics as Diagnostic[] | undefined) ?? [];
}
