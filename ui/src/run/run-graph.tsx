import { useMemo } from "preact/hooks";
import { api } from "../api/client.js";
import type { FlowDetail, StepReport } from "../api/types.js";
import { elapsed, formatDuration } from "../format.js";
import type { NodeLook } from "../graph/graph-view.js";
import { GraphView } from "../graph/graph-view.js";
import { layoutGraph } from "../graph/layout.js";
import { useLoad } from "../hooks.js";
import { segment } from "../router.js";

interface Props {
  readonly flow: string;
  readonly flowHash: string;
  readonly steps: ReadonlyMap<string, StepReport>;
  readonly selected: string | undefined;
  readonly onSelect: (name: string) => void;
  readonly now: number;
}

/**
 * The run's flow as a graph, each step coloured by its state. The graph comes from the flow file
 * as it is now; when the file changed since the run, or is gone, that is said, and the run's
 * steps are still all drawn.
 */
export function RunGraph({ flow, flowHash, steps, selected, onSelect, now }: Props) {
  const detail = useLoad((signal) => api<FlowDetail>(`/flows/${segment(flow)}`, { signal }), flow);
  const names = [...steps.keys()].join("\u0000");
  const layout = useMemo(() => {
    if (detail.loading) return undefined;
    const flowSteps = detail.data?.steps ?? [];
    const known = new Set(flowSteps.map((s) => s.name));
    const extra = [...steps.keys()]
      .filter((name) => !known.has(name))
      .map((name) => ({ name, type: "step" }));
    return layoutGraph({ nodes: [...flowSteps, ...extra], edges: detail.data?.graph.edges ?? [] });
    // The layout depends on the step names, not on their states.
  }, [detail.data, detail.loading, names]);

  if (!layout) return <div class="graph graph-placeholder">Laying out the graph…</div>;
  const look = (name: string): NodeLook => nodeLook(steps.get(name), now);
  const note = !detail.data
    ? "The flow file is not in FLOWS_PATH any more: the steps are drawn without their links."
    : detail.data.hash !== flowHash
      ? "The flow file changed since this run: the graph is the current one."
      : undefined;
  return (
    <div class="run-graph" data-layout-ms={Math.round(layout.ms)}>
      {note ? <p class="note note-info small">{note}</p> : null}
      <GraphView
        layout={layout}
        look={look}
        selected={selected}
        onSelect={onSelect}
        label={`Graph of ${flow}`}
      />
    </div>
  );
}

function nodeLook(step: StepReport | undefined, now: number): NodeLook {
  if (!step) return { state: "EXCLUDED", meta: "not in this run" };
  const took = step.durationMs ?? elapsed(step.startedUtc, step.endedUtc, now);
  switch (step.state) {
    case "READY":
      return { state: "READY", meta: "waiting" };
    case "SKIPPED":
      return { state: "SKIPPED", meta: "skipped" };
    case "FAILED":
      return {
        state: "FAILED",
        meta: step.errorIgnored ? "failed, ignored" : `failed after ${formatDuration(took)}`,
      };
    default: {
      const attempts = step.attempts > 1 ? ` · ${step.attempts} attempts` : "";
      return { state: step.state, meta: `${formatDuration(took)}${attempts}` };
    }
  }
}
