import { formatDuration } from "../model/duration.js";
import type { RunEvent } from "../model/events.js";
import type { StepState } from "../model/states.js";

const SYMBOLS: Record<StepState, string> = {
  READY: "·",
  RUNNING: "▶",
  COMPLETED: "✔",
  FAILED: "✖",
  CANCELLED: "■",
  SKIPPED: "↷",
};

/** Shows a run as it goes: a live panel on a terminal, one plain line per change otherwise. */
export interface ProgressDisplay {
  onEvent(event: RunEvent): void;
  finish(): void;
}

/** Plain lines, for logs and pipes: every step state change and log line, nothing redrawn. */
export function plainDisplay(write: (line: string) => void): ProgressDisplay {
  const started = new Map<string, number>();
  return {
    onEvent(event) {
      if (event.type === "step") {
        if (event.state === "RUNNING") started.set(event.step, Date.now());
        const took =
          started.has(event.step) && event.state !== "RUNNING"
            ? ` (${formatDuration(Date.now() - (started.get(event.step) as number))})`
            : "";
        const error = event.error && event.state !== "CANCELLED" ? `: ${event.error}` : "";
        write(`${SYMBOLS[event.state]} ${event.step} ${event.state}${took}${error}`);
      } else if (event.type === "log") {
        write(
          `  ${event.level.padEnd(5)} ${event.step ? `[${event.step}${event.item === undefined ? "" : `#${event.item}`}] ` : ""}${event.message}`,
        );
      }
    },
    finish() {},
  };
}

/**
 * A redrawn panel: a progress bar and the running steps, with finished steps and log lines
 * scrolling above it. Redraws at most every 80 ms so that a 10,000-step run does not spend its
 * time on the terminal.
 */
export function terminalDisplay(stream: NodeJS.WriteStream, flow: string, runId: number): ProgressDisplay {
  const running = new Map<string, number>();
  const above: string[] = [];
  let progress = 0;
  let drawnLines = 0;
  let timer: NodeJS.Timeout | undefined;
  const started = Date.now();

  const draw = (): void => {
    timer = undefined;
    const width = Math.max(20, Math.min(40, (stream.columns ?? 80) - 40));
    const filled = Math.round((progress / 100) * width);
    const panel = [
      `run ${runId} ${flow} [${"█".repeat(filled)}${"░".repeat(width - filled)}] ${progress.toFixed(0)}% ${formatDuration(Date.now() - started)}`,
      ...[...running.entries()]
        .slice(0, 8)
        .map(([name, since]) => `  ▶ ${name} ${formatDuration(Date.now() - since)}`),
    ];
    if (running.size > 8) panel.push(`  … and ${running.size - 8} more running`);
    let out = drawnLines > 0 ? `\x1b[${drawnLines}F\x1b[0J` : "";
    for (const line of above.splice(0)) out += `${line}\n`;
    out += `${panel.join("\n")}\n`;
    drawnLines = panel.length;
    stream.write(out);
  };
  const schedule = (): void => {
    timer ??= setTimeout(draw, 80);
  };

  return {
    onEvent(event) {
      if (event.type === "progress") progress = event.progress;
      if (event.type === "step") {
        if (event.state === "RUNNING") running.set(event.step, Date.now());
        else {
          const since = running.get(event.step);
          running.delete(event.step);
          const took = since === undefined ? "" : ` ${formatDuration(Date.now() - since)}`;
          const error = event.error && event.state !== "CANCELLED" ? `: ${event.error}` : "";
          above.push(`${SYMBOLS[event.state]} ${event.step} ${event.state}${took}${error}`);
        }
      }
      if (event.type === "log" && event.level !== "debug") {
        above.push(`  ${event.level} ${event.step ? `[${event.step}] ` : ""}${event.message}`);
      }
      schedule();
    },
    finish() {
      if (timer) clearTimeout(timer);
      draw();
    },
  };
}
