import type { LogLine } from "../api/types.js";

const pad = (n: number, width = 2): string => String(n).padStart(width, "0");

/** `14:03:22.051` in local time. */
function clock(iso: string): string {
  const date = new Date(iso);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/** The message with the first matches of `search` marked. */
function marked(message: string, search: string) {
  if (!search) return message;
  const lower = message.toLowerCase();
  const needle = search.toLowerCase();
  const parts = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at !== -1 && parts.length < 20; at = lower.indexOf(needle, from)) {
    parts.push(message.slice(from, at), <mark key={at}>{message.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  parts.push(message.slice(from));
  return parts;
}

interface Props {
  readonly line: LogLine;
  readonly top: number;
  readonly search: string;
  readonly picked: boolean;
  readonly onPick: () => void;
}

/** One line of the log, placed at its row; clicking it shows the whole message below the log. */
export function LogRow({ line, top, search, picked, onPick }: Props) {
  const step = line.step ? `${line.step}${line.item === null ? "" : `[${line.item}]`}` : "";
  return (
    <div
      class={`log-row level-${line.level}${picked ? " picked" : ""}`}
      style={{ top: `${top}px` }}
      onClick={onPick}
      data-id={line.id}
    >
      <span class="log-time">{clock(line.at)}</span>
      <span class={`log-level level-${line.level}`}>{line.level}</span>
      <span class="log-step" title={step}>
        {step}
      </span>
      <span class="log-message">{marked(line.message, search)}</span>
    </div>
  );
}
