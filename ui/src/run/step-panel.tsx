import type { RunDetail, StepReport, StepState } from "../api/types.js";
import { JsonView } from "../components/json-view.js";
import { StateBadge } from "../components/state.js";
import { elapsed, formatDuration, formatTime } from "../format.js";
import { Link, setQuery } from "../router.js";

interface Props {
  readonly run: RunDetail;
  readonly steps: ReadonlyMap<string, StepReport>;
  readonly selected: string | undefined;
  readonly now: number;
}

/** Beside the graph: the selected step (its error where it happened, sub-runs, output) or the run's summary. */
export function StepPanel({ run, steps, selected, now }: Props) {
  const step = selected ? steps.get(selected) : undefined;
  if (selected && step) return <StepDetails run={run} step={step} now={now} />;
  const counts = new Map<StepState, number>();
  for (const s of steps.values()) counts.set(s.state, (counts.get(s.state) ?? 0) + 1);
  const failed = [...steps.values()].filter((s) => s.state === "FAILED");
  return (
    <aside class="panel" aria-label="Run summary">
      <h2>Steps</h2>
      <ul class="counts">
        {[...counts].map(([state, n]) => (
          <li key={state}>
            <StateBadge state={state} /> <span class="num">{n}</span>
          </li>
        ))}
      </ul>
      {run.error || failed.length ? (
        <section class="errors" aria-label={run.state === "CANCELLED" ? "Why it stopped" : "Errors"}>
          <h3>{run.state === "CANCELLED" ? "Why it stopped" : "Errors"}</h3>
          {failed.map((s) => (
            <div key={s.name} class="error-item">
              <button type="button" class="link-button" onClick={() => setQuery({ step: s.name })}>
                {s.name}
              </button>
              <pre class="error-text">{s.error}</pre>
            </div>
          ))}
          {run.error && !failed.some((s) => run.error?.includes(s.error ?? "\u0000")) ? (
            <pre class="error-text">{run.error}</pre>
          ) : null}
        </section>
      ) : null}
      <SubRuns run={run} />
      <p class="muted small">Select a step in the graph or the timeline to see its details.</p>
    </aside>
  );
}

function StepDetails({ run, step, now }: { run: RunDetail; step: StepReport; now: number }) {
  const output = run.data?.[step.name];
  return (
    <aside class="panel" aria-label={`Step ${step.name}`}>
      <div class="panel-head">
        <h2>{step.name}</h2>
        <button
          type="button"
          class="link-button"
          onClick={() => setQuery({ step: null })}
          aria-label="Close the step's details"
        >
          ✕
        </button>
      </div>
      <dl class="facts column">
        <div>
          <dt>State</dt>
          <dd>
            <StateBadge state={step.state} />
          </dd>
        </div>
        <div>
          <dt>Attempts</dt>
          <dd class="num">{step.attempts}</dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>{formatTime(step.startedUtc)}</dd>
        </div>
        <div>
          <dt>Duration</dt>
          <dd class="num">
            {formatDuration(step.durationMs ?? elapsed(step.startedUtc, step.endedUtc, now))}
          </dd>
        </div>
      </dl>
      {step.error ? (
        <div class="step-error" role="alert">
          <strong>{step.errorIgnored ? "Error (ignored: it matches ignore_errors)" : "Error"}</strong>
          <pre class="error-text">{step.error}</pre>
        </div>
      ) : null}
      {step.skipReason ? <p class="note note-info">Skipped: {step.skipReason}</p> : null}
      <SubRuns run={run} step={step.name} />
      <p>
        <button type="button" onClick={() => setQuery({ tab: "logs", logstep: step.name }, false)}>
          Show its log lines
        </button>
      </p>
      {output !== undefined ? (
        <details>
          <summary>Output</summary>
          <JsonView value={output} />
        </details>
      ) : null}
    </aside>
  );
}

function SubRuns({ run, step }: { run: RunDetail; step?: string }) {
  const subRuns = run.subRuns.filter((s) => step === undefined || s.step === step);
  if (subRuns.length === 0) return null;
  return (
    <section aria-label="Sub-runs">
      <h3>Sub-runs</h3>
      <ul class="sub-runs">
        {subRuns.slice(0, 200).map((sub) => (
          <li key={sub.id}>
            <Link href={`/runs/${sub.id}`}>
              run #{sub.id} · {sub.flow}
            </Link>{" "}
            <StateBadge state={sub.state} />
          </li>
        ))}
      </ul>
      {subRuns.length > 200 ? <p class="muted small">and {subRuns.length - 200} more</p> : null}
    </section>
  );
}
