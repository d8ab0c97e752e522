/** Longest text shown; the rest is cut with a note (a huge output would slow the page). */
const MAX_CHARS = 200_000;

/** A JSON value, indented. */
export function JsonView({ value }: { value: unknown }) {
  let text = JSON.stringify(value, null, 2) ?? "null";
  const cut = text.length > MAX_CHARS;
  if (cut) text = text.slice(0, MAX_CHARS);
  return (
    <div class="json">
      <pre tabIndex={0}>{text}</pre>
      {cut ? <p class="muted small">Shown: the first {MAX_CHARS.toLocaleString()} characters.</p> : null}
    </div>
  );
}
