import { useState } from "preact/hooks";

const SHOWN = 200;

/** Picks steps by name; a filter keeps a flow of hundreds of steps manageable. */
export function StepPicker({
  steps,
  picked,
  onChange,
}: {
  steps: string[];
  picked: string[];
  onChange: (next: string[]) => void;
}) {
  const [filter, setFilter] = useState("");
  const chosen = new Set(picked);
  const matching = steps.filter((s) => s.toLowerCase().includes(filter.toLowerCase()));
  const toggle = (name: string, on: boolean): void =>
    onChange(steps.filter((s) => (s === name ? on : chosen.has(s))));
  return (
    <div class="step-picker">
      {steps.length > 12 ? (
        <label>
          Find a step
          <input type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
        </label>
      ) : null}
      <div class="step-options" role="group" aria-label="Steps to run">
        {matching.slice(0, SHOWN).map((name) => (
          <label key={name} class="inline">
            <input
              type="checkbox"
              checked={chosen.has(name)}
              onChange={(e) => toggle(name, e.currentTarget.checked)}
            />{" "}
            {name}
          </label>
        ))}
      </div>
      {matching.length > SHOWN ? (
        <p class="muted small">{matching.length - SHOWN} more: narrow the search.</p>
      ) : null}
      <p class="muted small" aria-live="polite">
        {picked.length} picked
      </p>
    </div>
  );
}
