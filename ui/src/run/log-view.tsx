import { useEffect, useLayoutEffect, useMemo, useRef, useState } from "preact/hooks";
import type { LogLevel, LogLine } from "../api/types.js";
import { setQuery } from "../router.js";
import { FilteredLines, LEVELS } from "./log-filter.js";
import { LogRow } from "./log-row.js";

const ROW = 20;
const OVERSCAN = 20;

interface Props {
  readonly lines: readonly LogLine[];
  /** Bumped when lines arrive (the array grows in place). */
  readonly version: number;
  readonly query: URLSearchParams;
  /** The run is over: no more lines will come. */
  readonly over: boolean;
}

/**
 * The run's log, live: only the rows in view are in the page, so 100,000 lines scroll as fast as
 * 100. Filter by level, by step and by text (all kept in the URL); it follows new lines while
 * scrolled to the bottom, and stops following when scrolled up.
 */
export function LogView({ lines, version, query, over }: Props) {
  const level = (query.get("level") as LogLevel | null) ?? "debug";
  const step = query.get("logstep") ?? undefined;
  const [search, setSearch] = useState(query.get("q") ?? "");
  const filtered = useRef(new FilteredLines());
  const box = useRef<HTMLDivElement>(null);
  const [view, setView] = useState({ top: 0, height: 480 });
  const [follow, setFollow] = useState(true);
  const [picked, setPicked] = useState<number>();

  useEffect(() => {
    const timer = setTimeout(() => setQuery({ q: search || null }), 200);
    return () => clearTimeout(timer);
  }, [search]);
  const applied = query.get("q") ?? "";
  const indices = useMemo(
    () => filtered.current.update(lines, { level, search: applied, step }),
    [lines, version, level, applied, step],
  );
  const count = indices.length;

  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow) el.scrollTop = el.scrollHeight;
  }, [count, follow]);

  const onScroll = (): void => {
    const el = box.current;
    if (!el) return;
    setView({ top: el.scrollTop, height: el.clientHeight });
    setFollow(el.scrollTop + el.clientHeight >= el.scrollHeight - ROW * 2);
  };
  const first = Math.max(0, Math.floor(view.top / ROW) - OVERSCAN);
  const last = Math.min(count, Math.ceil((view.top + view.height) / ROW) + OVERSCAN);
  const rows = [];
  for (let i = first; i < last; i++) {
    const index = indices[i] as number;
    rows.push(
      <LogRow
        key={index}
        line={lines[index] as LogLine}
        top={i * ROW}
        search={applied}
        picked={picked === index}
        onPick={() => setPicked(index)}
      />,
    );
  }
  const pickedLine = picked === undefined ? undefined : lines[picked];

  return (
    <div class="logs">
      <div class="log-tools">
        <label>
          Level
          <select
            value={level}
            onChange={(e) =>
              setQuery({ level: e.currentTarget.value === "debug" ? null : e.currentTarget.value })
            }
          >
            {LEVELS.map((l) => (
              <option key={l} value={l}>
                {l === "debug" ? "all levels" : `${l} and above`}
              </option>
            ))}
          </select>
        </label>
        <label class="grow">
          Search
          <input
            type="search"
            value={search}
            placeholder="text in the message or the step"
            onInput={(e) => setSearch(e.currentTarget.value)}
          />
        </label>
        {step ? (
          <button
            type="button"
            class="chip"
            onClick={() => setQuery({ logstep: null })}
            aria-label={`Show every step's lines, not only ${step}'s`}
          >
            step: {step} ✕
          </button>
        ) : null}
        <span class="muted small log-count" aria-live="polite">
          {count === lines.length
            ? `${lines.length.toLocaleString()} line${lines.length === 1 ? "" : "s"}`
            : `${count.toLocaleString()} of ${lines.length.toLocaleString()} lines`}
        </span>
        <button type="button" class="small-button" aria-pressed={follow} onClick={() => setFollow(!follow)}>
          {follow ? "Following" : "Follow"}
        </button>
      </div>
      <div
        class="log-box"
        ref={box}
        onScroll={onScroll}
        tabIndex={0}
        role="log"
        aria-label="Run log"
        data-lines={count}
        style={{ "--rows-height": `${Math.max(count, 5) * ROW + 14}px` }}
      >
        <div class="log-space" style={{ height: `${count * ROW}px` }}>
          {rows}
        </div>
        {count === 0 ? (
          <p class="log-empty muted">
            {lines.length ? "No line matches." : over ? "This run wrote no log lines." : "No log lines yet."}
          </p>
        ) : null}
      </div>
      {pickedLine ? (
        <div class="log-picked">
          <div class="muted small">
            {pickedLine.at} · {pickedLine.level}
            {pickedLine.step
              ? ` · ${pickedLine.step}${pickedLine.item === null ? "" : ` [item ${pickedLine.item}]`}`
              : ""}
            <button type="button" class="link-button" onClick={() => setPicked(undefined)}>
              close
            </button>
          </div>
          <pre>{pickedLine.message}</pre>
        </div>
      ) : null}
    </div>
  );
}
