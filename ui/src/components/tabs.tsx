import type { ComponentChildren, TargetedKeyboardEvent } from "preact";

interface Props {
  readonly tabs: readonly { id: string; label: string }[];
  readonly current: string;
  readonly onChange: (id: string) => void;
  readonly children: ComponentChildren;
}

/** Tabs after the WAI-ARIA pattern: arrow keys move between tabs, the chosen one is in the URL. */
export function Tabs({ tabs, current, onChange, children }: Props) {
  const keys = (event: TargetedKeyboardEvent<HTMLDivElement>): void => {
    const at = tabs.findIndex((t) => t.id === current);
    const move = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
    if (!move) return;
    event.preventDefault();
    const next = tabs[(at + move + tabs.length) % tabs.length];
    if (!next) return;
    onChange(next.id);
    requestAnimationFrame(() => document.getElementById(`tab-${next.id}`)?.focus());
  };
  return (
    <div class="tabs">
      <div role="tablist" class="tab-list" onKeyDown={keys}>
        {tabs.map((tab) => (
          <button
            key={tab.id}
            id={`tab-${tab.id}`}
            type="button"
            role="tab"
            aria-selected={tab.id === current}
            aria-controls="tab-panel"
            tabIndex={tab.id === current ? 0 : -1}
            onClick={() => onChange(tab.id)}
          >
            {tab.label}
          </button>
        ))}
      </div>
      <div id="tab-panel" role="tabpanel" aria-labelledby={`tab-${current}`} class="tab-panel">
        {children}
      </div>
    </div>
  );
}
