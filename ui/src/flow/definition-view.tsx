import { useMemo, useState } from "preact/hooks";
import { stringify } from "yaml";
import { ApiError, api, describeError } from "../api/client.js";
import type { Diagnostic, FlowDetail } from "../api/types.js";
import { CodeView, DiagnosticList } from "./diagnostics.js";

type Check =
  | { state: "idle" }
  | { state: "ok"; steps: number }
  | { state: "problems"; diagnostics: Diagnostic[] }
  | { state: "failed"; message: string };

/**
 * The flow's definition as YAML, and a checker: edit it here and the server's validator shows
 * each problem under its line. It checks only; the file under FLOWS_PATH is not changed.
 */
export function DefinitionView({ flow }: { flow: FlowDetail }) {
  const original = useMemo(() => stringify(flow.definition, { lineWidth: 0 }), [flow]);
  const [text, setText] = useState(original);
  const [editing, setEditing] = useState(false);
  const [check, setCheck] = useState<Check>({ state: "idle" });

  const validate = async (): Promise<void> => {
    try {
      const result = await api<{ steps: unknown[] }>("/flows/validate", {
        method: "POST",
        json: { text, file: flow.path },
      });
      setCheck({ state: "ok", steps: result.steps.length });
    } catch (error) {
      if (error instanceof ApiError && error.code === "FLOW_INVALID")
        setCheck({ state: "problems", diagnostics: (error.details?.diagnostics as Diagnostic[]) ?? [] });
      else setCheck({ state: "failed", message: describeError(error) });
    }
    setEditing(false);
  };

  return (
    <div class="definition">
      <div class="toolbar">
        {editing ? (
          <>
            <button type="button" class="primary" onClick={validate}>
              Check
            </button>
            <button type="button" onClick={() => setEditing(false)}>
              Done editing
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setEditing(true)}>
            Edit and check…
          </button>
        )}
        {text !== original ? (
          <button
            type="button"
            class="link-button"
            onClick={() => (setText(original), setCheck({ state: "idle" }))}
          >
            Back to the file
          </button>
        ) : null}
        <span class="muted small">Checking does not change the file in FLOWS_PATH.</span>
      </div>
      {check.state === "ok" ? (
        <p class="note note-ok" role="status">
          Valid: {check.steps} step{check.steps === 1 ? "" : "s"}.
        </p>
      ) : null}
      {check.state === "failed" ? (
        <p class="note note-error" role="alert">
          {check.message}
        </p>
      ) : null}
      {check.state === "problems" ? (
        <div class="note note-error" role="alert">
          {check.diagnostics.length} problem{check.diagnostics.length === 1 ? "" : "s"}, shown under their
          lines:
          <DiagnosticList diagnostics={check.diagnostics} />
        </div>
      ) : null}
      {editing ? (
        <label class="editor">
          <span class="visually-hidden">Flow definition (YAML)</span>
          <textarea
            value={text}
            spellcheck={false}
            rows={Math.min(40, text.split("\n").length + 2)}
            onInput={(e) => setText(e.currentTarget.value)}
          />
        </label>
      ) : (
        <CodeView text={text} diagnostics={check.state === "problems" ? check.diagnostics : []} />
      )}
    </div>
  );
}
