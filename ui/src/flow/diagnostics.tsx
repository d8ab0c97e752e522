import type { Diagnostic } from "../api/types.js";

/** Every problem of a flow file, with its line and column. */
export function DiagnosticList({ diagnostics }: { diagnostics: readonly Diagnostic[] }) {
  return (
    <ul class="diagnostics" aria-label="Problems">
      {diagnostics.map((d, i) => (
        <li key={i}>
          <span class="mono small">
            line {d.line}, column {d.column}
            {d.path ? ` (${d.path})` : ""}
          </span>
          : {d.message}
          {d.hint ? <div class="muted small">{d.hint}</div> : null}
        </li>
      ))}
    </ul>
  );
}

/** Text with line numbers; each diagnostic is shown under the line it concerns, pointing at its column. */
export function CodeView({ text, diagnostics = [] }: { text: string; diagnostics?: readonly Diagnostic[] }) {
  const byLine = new Map<number, Diagnostic[]>();
  for (const d of diagnostics) byLine.set(d.line, [...(byLine.get(d.line) ?? []), d]);
  const lines = text.replace(/\n$/, "").split("\n");
  return (
    <ol class="code" tabIndex={0} aria-label="Flow definition">
      {lines.map((line, i) => {
        const problems = byLine.get(i + 1);
        return (
          <li key={i} class={problems ? "has-problem" : undefined} data-line={i + 1}>
            <code>{line || " "}</code>
            {problems?.map((d, j) => (
              <div key={j} class="line-problem" role="note">
                <span class="caret" aria-hidden="true">
                  {" ".repeat(Math.max(0, d.column - 1))}^
                </span>
                <span class="line-problem-text">
                  {d.message}
                  {d.hint ? ` — ${d.hint}` : ""}
                </span>
              </div>
            ))}
          </li>
        );
      })}
    </ol>
  );
}
