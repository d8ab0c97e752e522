import type { StepReport, StepRun, StepState } from "../api/types.js";
import { Empty } from "../components/feedback.js";
import { elapsed, formatDuration } from "../format.js";

interface Props {
  readonly steps: readonly StepReport[];
  readonly stepRuns: readonly StepRun[];
  readonly startedUtc: string | null;
  readonly endedUtc: string | null;
  readonly now: number;
  readonly selected: string | undefined;
  readonly onSelect: (name: string) => void;
}

/** Sub-rows shown under a selected step (its attempts and for_each items). */
const MAX_SUBROWS = 100;

/**
 * The run as a Gantt chart: one bar per step from its start to its end (or now), in the order
 * the steps started; a step with several attempts or for_each items shows each of them, on its
 * own row, when it is selected.
 */
export function Timeline({ steps, stepRuns, startedUtc, endedUtc, now, selected, onSelect }: Props) {
  const started = steps
    .filter((s) => s.startedUtc)
    .sort((a, b) => (a.startedUtc as string).localeCompare(b.startedUtc as string));
  if (started.length === 0) return <Empty>No step has started yet.</Empty>;
  const t0 = Date.parse(startedUtc ?? (started[0]?.startedUtc as string));
  const t1 = Math.max(endedUtc ? Date.parse(endedUtc) : now, t0 + 1);
  const span = t1 - t0;
  const at = (iso: string): number => ((Date.parse(iso) - t0) / span) * 100;
  const bar = (start: string, end: string | null, state: StepState, label: string) => {
    const left = Math.max(0, Math.min(100, at(start)));
    const right = Math.max(left, Math.min(100, end ? at(end) : 100));
    return (
      <div
        class={`bar state-${state}`}
        style={{ left: `${left}%`, width: `max(3px, ${right - left}%)` }}
        title={label}
      />
    );
  };
  const runsByStep = new Map<string, StepRun[]>();
  for (const run of stepRuns) {
    const list = runsByStep.get(run.step);
    if (list) list.push(run);
    else runsByStep.set(run.step, [run]);
  }
  const waiting = steps.length - started.length;

  return (
    <div class="timeline" role="table" aria-label="Timeline of the steps">
      <div class="tl-row tl-axis" role="row" aria-hidden="true">
        <div class="tl-label" />
        <div class="tl-track">
          {[0, 25, 50, 75, 100].map((p) => (
            <span key={p} class="tick" style={{ left: `${p}%` }}>
              {p === 0 ? "0" : `+${formatDuration((span * p) / 100)}`}
            </span>
          ))}
        </div>
        <div class="tl-time" />
      </div>
      {started.map((step) => {
        const runs = runsByStep.get(step.name) ?? [];
        const split = runs.length > 1 || runs.some((r) => r.item !== null);
        const took = step.durationMs ?? elapsed(step.startedUtc, step.endedUtc, now);
        const open = split && selected === step.name;
        return (
          <div
            key={step.name}
            class={`tl-group${selected === step.name ? " selected" : ""}`}
            data-step={step.name}
          >
            <div class="tl-row" role="row">
              <div class="tl-label" role="rowheader">
                <button
                  type="button"
                  class="link-button"
                  onClick={() => onSelect(step.name)}
                  aria-expanded={split ? open : undefined}
                >
                  {split ? <span aria-hidden="true">{open ? "▾ " : "▸ "}</span> : null}
                  {step.name}
                </button>
                {split ? <span class="muted small"> {describeRuns(runs)}</span> : null}
              </div>
              <div class="tl-track" role="cell">
                {bar(
                  step.startedUtc as string,
                  step.endedUtc,
                  step.state,
                  `${step.name}: ${step.state.toLowerCase()}, ${formatDuration(took)}`,
                )}
              </div>
              <div class="tl-time num" role="cell">
                {formatDuration(took)}
              </div>
            </div>
            {open
              ? runs.slice(0, MAX_SUBROWS).map((run) => (
                  <div key={run.id} class="tl-row tl-sub" role="row">
                    <div class="tl-label" role="rowheader">
                      {run.item === null ? "" : `item ${run.item} · `}attempt {run.attempt}
                    </div>
                    <div class="tl-track" role="cell">
                      {bar(run.startedUtc, run.endedUtc, run.state, run.error ?? run.state.toLowerCase())}
                    </div>
                    <div class="tl-time num" role="cell">
                      {formatDuration(run.durationMs ?? elapsed(run.startedUtc, run.endedUtc, now))}
                    </div>
                  </div>
                ))
              : null}
            {open && runs.length > MAX_SUBROWS ? (
              <p class="muted small tl-more">and {runs.length - MAX_SUBROWS} more step runs</p>
            ) : null}
          </div>
        );
      })}
      {waiting > 0 ? (
        <p class="muted small">
          {waiting === 1 ? "1 step has" : `${waiting} steps have`} not started (waiting, skipped or not in
          this run).
        </p>
      ) : null}
    </div>
  );
}

function describeRuns(runs: readonly StepRun[]): string {
  const items = new Set(runs.filter((r) => r.item !== null).map((r) => r.item)).size;
  const retries = runs.filter((r) => r.attempt > 1).length;
  const parts = [items ? `${items} items` : "", retries ? `${retries} retries` : ""].filter(Boolean);
  return parts.join(", ");
}
