import { useState } from "preact/hooks";
import { api } from "../api/client.js";
import type { RunDetail, RunSummary } from "../api/types.js";
import { ErrorNote, PageHeader } from "../components/feedback.js";
import { ProgressBar, StateBadge } from "../components/state.js";
import { elapsed, formatDuration, formatTime } from "../format.js";
import { useNow } from "../hooks.js";
import { Link, navigate, segment } from "../router.js";
import type { StreamStatus } from "./run-model.js";

interface Props {
  readonly run: RunDetail;
  readonly status: StreamStatus;
  readonly onResumed: () => void;
}

/** The run's title, state, progress and times, with cancel, rerun and resume. */
export function RunHeader({ run, status, onResumed }: Props) {
  const [busy, setBusy] = useState<string>();
  const [error, setError] = useState<unknown>();
  const live = run.state === "RUNNING" || run.state === "READY";
  const now = useNow(live);

  const act = async (name: string, action: () => Promise<void>): Promise<void> => {
    setBusy(name);
    setError(undefined);
    try {
      await action();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(undefined);
    }
  };
  const cancel = () =>
    act("cancel", async () => {
      if (!confirm(`Cancel run #${run.id} of ${run.flow}? Its running steps are stopped.`)) return;
      await api<RunSummary>(`/runs/${run.id}/cancel`, { method: "POST" });
    });
  const rerun = () =>
    act("rerun", async () => {
      const launched = await api<RunSummary>("/runs", {
        method: "POST",
        json: { flow: run.flow, input: run.input },
      });
      navigate(`/runs/${launched.id}`);
    });
  const resume = () =>
    act("resume", async () => {
      await api<RunSummary>(`/runs/${run.id}/resume`, { method: "POST" });
      onResumed();
    });

  return (
    <>
      <PageHeader
        title={
          <>
            Run #{run.id} <span class="muted">·</span>{" "}
            <Link href={`/flows/${segment(run.flow)}`} class="plain">
              {run.flow}
            </Link>
          </>
        }
        sub={
          <dl class="facts">
            <div>
              <dt>State</dt>
              <dd>
                <StateBadge state={run.state} />
              </dd>
            </div>
            <div class="fact-progress">
              <dt>Progress</dt>
              <dd>
                <ProgressBar value={run.progress} state={run.state} />
              </dd>
            </div>
            <div>
              <dt>Started</dt>
              <dd>{formatTime(run.startedUtc)}</dd>
            </div>
            <div>
              <dt>Duration</dt>
              <dd class="num">{formatDuration(elapsed(run.startedUtc, run.endedUtc, now))}</dd>
            </div>
            <div>
              <dt>Trigger</dt>
              <dd>{run.trigger}</dd>
            </div>
            {run.parentRunId ? (
              <div>
                <dt>Sub-run of</dt>
                <dd>
                  <Link href={`/runs/${run.parentRunId}`}>run #{run.parentRunId}</Link>
                </dd>
              </div>
            ) : null}
            <div>
              <dt>Live</dt>
              <dd class={`stream stream-${status}`}>{STATUS_TEXT[status]}</dd>
            </div>
          </dl>
        }
        actions={
          <>
            {live ? (
              <button type="button" class="danger" onClick={cancel} disabled={busy !== undefined}>
                {busy === "cancel" ? "Cancelling…" : "Cancel run"}
              </button>
            ) : null}
            {run.state === "FAILED" || run.state === "CANCELLED" ? (
              <button
                type="button"
                onClick={resume}
                disabled={busy !== undefined}
                title="Go on from the completed steps"
              >
                {busy === "resume" ? "Resuming…" : "Resume"}
              </button>
            ) : null}
            <button
              type="button"
              onClick={rerun}
              disabled={busy !== undefined}
              title="A new run with the same input"
            >
              {busy === "rerun" ? "Launching…" : "Rerun"}
            </button>
          </>
        }
      />
      <ErrorNote error={error} />
    </>
  );
}

const STATUS_TEXT: Record<StreamStatus, string> = {
  connecting: "connecting…",
  open: "following",
  retrying: "reconnecting…",
  ended: "run over",
};
