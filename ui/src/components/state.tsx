import type { StepState } from "../api/types.js";

const LABELS: Record<StepState, string> = {
  READY: "ready",
  RUNNING: "running",
  COMPLETED: "completed",
  FAILED: "failed",
  CANCELLED: "cancelled",
  SKIPPED: "skipped",
};

/** A run's or step's state as a coloured badge; the text says it too, colour is never the only cue. */
export function StateBadge({ state }: { state: StepState }) {
  return (
    <span class={`badge state-${state}`} data-state={state}>
      <span class="dot" aria-hidden="true" />
      {LABELS[state] ?? state}
    </span>
  );
}

/** Progress 0–100 as a bar with its value for assistive technology. */
export function ProgressBar({ value, state }: { value: number; state: StepState }) {
  const percent = Math.max(0, Math.min(100, value));
  return (
    <div
      class={`progress state-${state}`}
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(percent)}
      aria-label={`${Math.round(percent)}%`}
    >
      <div class="progress-fill" style={{ width: `${percent}%` }} />
      <span class="progress-text">{Math.round(percent)}%</span>
    </div>
  );
}
