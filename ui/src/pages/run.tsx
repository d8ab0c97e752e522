import { useCallback } from "preact/hooks";
import { isFinal } from "../api/types.js";
import { Empty, ErrorNote, Loading } from "../components/feedback.js";
import { JsonView } from "../components/json-view.js";
import { Tabs } from "../components/tabs.js";
import { useNow, useTitle } from "../hooks.js";
import { setQuery } from "../router.js";
import { LogView } from "../run/log-view.js";
import { RunGraph } from "../run/run-graph.js";
import { RunHeader } from "../run/run-header.js";
import { StepPanel } from "../run/step-panel.js";
import { Timeline } from "../run/timeline.js";
import { useRun } from "../run/use-run.js";

const TABS = [
  { id: "logs", label: "Log" },
  { id: "timeline", label: "Timeline" },
  { id: "data", label: "Data" },
  { id: "input", label: "Input" },
];

/** One run, live: graph, step details, timeline, log, data; cancel, rerun, resume. */
export function RunPage({ id, query }: { id: number; query: URLSearchParams }) {
  useTitle(`Run #${id}`);
  const { model, error, reload } = useRun(id);
  const run = model.detail;
  const now = useNow(run !== undefined && !isFinal(run.state));
  const selected = query.get("step") ?? undefined;
  const tab = query.get("tab") ?? "logs";
  const select = useCallback((name: string) => setQuery({ step: name }), []);

  if (error) return <ErrorNote error={error} title={`Run #${id}`} />;
  if (!run) return <Loading what={`Loading run #${id}`} />;
  const steps = [...model.steps.values()];
  return (
    <section class="run-page" data-run={run.id} data-state={run.state}>
      <RunHeader run={run} status={model.status} onResumed={reload} />
      <div class="run-top">
        <RunGraph
          flow={run.flow}
          flowHash={run.flowHash}
          steps={model.steps}
          selected={selected}
          onSelect={select}
          now={now}
        />
        <StepPanel run={run} steps={model.steps} selected={selected} now={now} />
      </div>
      <Tabs
        tabs={TABS.map((t) =>
          t.id === "logs" ? { ...t, label: `Log (${model.logs.length.toLocaleString()})` } : t,
        )}
        current={tab}
        onChange={(next) => setQuery({ tab: next }, false)}
      >
        {tab === "logs" ? (
          <LogView
            lines={model.logs}
            version={model.logVersion}
            query={query}
            over={model.status === "ended"}
          />
        ) : null}
        {tab === "timeline" ? (
          <Timeline
            steps={steps}
            stepRuns={model.stepRuns}
            startedUtc={run.startedUtc}
            endedUtc={run.endedUtc}
            now={now}
            selected={selected}
            onSelect={select}
          />
        ) : null}
        {tab === "data" ? (
          run.data && Object.keys(run.data).length ? (
            <JsonView value={run.data} />
          ) : (
            <Empty>No step has put data in the run yet.</Empty>
          )
        ) : null}
        {tab === "input" ? (
          Object.keys(run.input).length ? (
            <JsonView value={run.input} />
          ) : (
            <Empty>This run was launched without input.</Empty>
          )
        ) : null}
      </Tabs>
    </section>
  );
}
