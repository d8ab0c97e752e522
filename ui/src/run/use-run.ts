import { useEffect, useMemo, useState } from "preact/hooks";
import { api } from "../api/client.js";
import { followEvents } from "../api/event-stream.js";
import type { LogRecord, RunDetail, StepRun } from "../api/types.js";
import { isFinal } from "../api/types.js";
import { RunModel } from "./run-model.js";

/** Log lines per request when reading a run's history. */
const LOG_PAGE = 10_000;
/** How often the report and the step runs are fetched again while steps change. */
const REFRESH_MS = 1500;

/**
 * Follows run `id`: its report, its log lines so far (in pages), then the event stream from the
 * last line read (states, progress, new log lines), and the report and step runs again while
 * steps change (sub-runs, data, for_each items, attempts).
 */
export function useRun(id: number): { model: RunModel; error: unknown; reload: () => void } {
  const model = useMemo(() => new RunModel(), [id]);
  const [, setVersion] = useState(0);
  const [error, setError] = useState<unknown>();
  const [generation, setGeneration] = useState(0);

  useEffect(() => model.subscribe(() => setVersion(model.version)), [model]);

  useEffect(() => {
    const controller = new AbortController();
    const { signal } = controller;
    const refresh = async (): Promise<void> => {
      model.stale = false;
      const [detail, steps] = await Promise.all([
        api<RunDetail>(`/runs/${id}`, { signal }),
        api<{ stepRuns: StepRun[] }>(`/runs/${id}/step-runs`, { signal }),
      ]);
      if (signal.aborted) return;
      // The stream may have told more than the report knew when it was read: keep the newer states.
      if (model.status === "ended" || model.detail === undefined || isFinal(detail.state))
        model.setDetail(detail);
      else
        model.detail = { ...model.detail, data: detail.data, subRuns: detail.subRuns, errors: detail.errors };
      model.setStepRuns(steps.stepRuns);
    };
    // A stream that broke (the server drops one that falls far behind, as on a burst of log
    // lines) resumes after reading what it missed through the paged routes.
    const catchUp = async (): Promise<string> => {
      await refresh().catch(() => undefined);
      await loadLogs(model, id, signal).catch(() => undefined);
      return String(model.lastLogId);
    };
    let close: (() => void) | undefined;
    model.setStatus("connecting");
    refresh()
      .then(() => loadLogs(model, id, signal))
      .then(
        () => {
          if (signal.aborted) return;
          close = followEvents(
            `/api/v1/runs/${id}/events`,
            {
              onEvents: (events) => {
                model.apply(events);
                if (model.status === "ended") {
                  close?.();
                  void refresh().catch(() => undefined);
                }
              },
              onStatus: (status) => model.setStatus(status),
            },
            { lastEventId: String(model.lastLogId), catchUp },
          );
        },
        (caught: unknown) => !signal.aborted && setError(caught),
      );
    const timer = setInterval(() => {
      if (model.stale && model.status !== "ended") void refresh().catch(() => undefined);
    }, REFRESH_MS);
    return () => {
      controller.abort();
      close?.();
      clearInterval(timer);
    };
  }, [model, id, generation]);

  return { model, error, reload: () => setGeneration((g) => g + 1) };
}

/** Reads the log lines the run has so far, a page at a time; each page shows as it arrives. */
async function loadLogs(model: RunModel, id: number, signal: AbortSignal): Promise<void> {
  for (;;) {
    const page = await api<{ logs: LogRecord[]; next: number | null }>(
      `/runs/${id}/logs?after=${model.lastLogId}&limit=${LOG_PAGE}`,
      { signal },
    );
    model.appendLogs(page.logs);
    if (page.next === null || signal.aborted) return;
  }
}
