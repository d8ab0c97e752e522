/**
 * The states of runs and step runs (seed 001), and every transition between them, each written
 * down once with the race it prevents. Stores apply a transition only when the current state is
 * one of its `from` states, so two processes cannot both win.
 */
export type RunState = "READY" | "RUNNING" | "COMPLETED" | "FAILED" | "CANCELLED";
export type StepState = RunState | "SKIPPED";

export const FINAL_RUN_STATES: readonly RunState[] = ["COMPLETED", "FAILED", "CANCELLED"];
export const FINAL_STEP_STATES: readonly StepState[] = ["COMPLETED", "FAILED", "CANCELLED", "SKIPPED"];

export interface Transition<S extends string> {
  readonly from: readonly S[];
  readonly to: S;
}

export const RUN_TRANSITIONS = {
  /** An executor takes the run; only one can, since READY is left at once. */
  start: { from: ["READY"], to: "RUNNING" },
  /** Every step ended well: a cancel that already landed wins over completion. */
  complete: { from: ["RUNNING"], to: "COMPLETED" },
  /** A step failed; a run already CANCELLED stays CANCELLED. */
  fail: { from: ["RUNNING", "READY"], to: "FAILED" },
  /** A user cancelled; a run that already ended keeps its state. */
  cancel: { from: ["READY", "RUNNING"], to: "CANCELLED" },
  /** The process that ran it died: reported as FAILED with the reason, never RUNNING forever. */
  orphan: { from: ["READY", "RUNNING"], to: "FAILED" },
  /** `octoflow resume`: only an ended, unsuccessful run goes on from its completed steps. */
  resume: { from: ["FAILED", "CANCELLED"], to: "RUNNING" },
} as const satisfies Record<string, Transition<RunState>>;

export const STEP_TRANSITIONS = {
  start: { from: ["READY"], to: "RUNNING" },
  complete: { from: ["RUNNING"], to: "COMPLETED" },
  fail: { from: ["RUNNING"], to: "FAILED" },
  /** Skipped by `when`, or because an upstream step failed; only a step that has not started. */
  skip: { from: ["READY"], to: "SKIPPED" },
  cancel: { from: ["READY", "RUNNING"], to: "CANCELLED" },
  /** Its process died while it ran. */
  orphan: { from: ["READY", "RUNNING"], to: "FAILED" },
  /** Resume runs again every step that did not complete. */
  reset: { from: ["FAILED", "CANCELLED", "SKIPPED", "RUNNING", "READY"], to: "READY" },
} as const satisfies Record<string, Transition<StepState>>;

export type RunTransitionName = keyof typeof RUN_TRANSITIONS;
export type StepTransitionName = keyof typeof STEP_TRANSITIONS;

export function isFinalRunState(state: RunState): boolean {
  return FINAL_RUN_STATES.includes(state);
}
