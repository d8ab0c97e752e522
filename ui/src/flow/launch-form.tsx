import { useState } from "preact/hooks";
import { ApiError, api, describeError } from "../api/client.js";
import type { FlowDetail, RunSummary } from "../api/types.js";
import { Link, navigate } from "../router.js";
import { InputField, readInput } from "./input-field.js";
import { StepPicker } from "./step-picker.js";

/**
 * Seed 000's "create job / submit job by name": the flow's declared inputs as fields, which
 * steps to run (all, or some with their upstream or downstream), then a run and its page.
 */
export function LaunchForm({ flow }: { flow: FlowDetail }) {
  const declared = Object.entries(flow.inputs);
  const [values, setValues] = useState<Record<string, string | boolean>>(() =>
    Object.fromEntries(declared.map(([name, spec]) => [name, initial(spec.type, spec.default)])),
  );
  const [fieldErrors, setFieldErrors] = useState<Record<string, string>>({});
  const [only, setOnly] = useState<string[]>([]);
  const [some, setSome] = useState(false);
  const [upstream, setUpstream] = useState(false);
  const [downstream, setDownstream] = useState(false);
  const [error, setError] = useState<{ message: string; run?: number }>();
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    const { input, errors } = readInput(flow.inputs, values);
    setFieldErrors(errors);
    setError(undefined);
    if (Object.keys(errors).length > 0) return;
    if (some && only.length === 0) return setError({ message: "Pick at least one step, or run every step." });
    setBusy(true);
    try {
      const run = await api<RunSummary>("/runs", {
        method: "POST",
        json: {
          flow: flow.path,
          input,
          ...(some ? { only, with_upstream: upstream, with_downstream: downstream } : {}),
        },
      });
      navigate(`/runs/${run.id}`);
    } catch (caught) {
      const field = caught instanceof ApiError ? /input "([^"]+)"/.exec(caught.message)?.[1] : undefined;
      if (field && field in values) setFieldErrors({ [field]: describeError(caught) });
      else {
        const heldBy =
          caught instanceof ApiError ? (caught.details?.heldByRun as number | undefined) : undefined;
        setError({ message: describeError(caught), ...(heldBy ? { run: heldBy } : {}) });
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="launch card" onSubmit={submit} noValidate aria-label={`Launch ${flow.name}`}>
      <fieldset>
        <legend>Input</legend>
        {declared.length === 0 ? <p class="muted">This flow declares no inputs.</p> : null}
        {declared.map(([name, spec]) => (
          <InputField
            key={name}
            name={name}
            spec={spec}
            value={values[name] ?? ""}
            error={fieldErrors[name]}
            onChange={(value) => setValues({ ...values, [name]: value })}
          />
        ))}
      </fieldset>
      <fieldset>
        <legend>Steps</legend>
        <label class="inline">
          <input type="radio" name="which" checked={!some} onChange={() => setSome(false)} /> Every step
        </label>
        <label class="inline">
          <input type="radio" name="which" checked={some} onChange={() => setSome(true)} /> Only some steps
        </label>
        {some ? (
          <>
            <StepPicker steps={flow.steps.map((s) => s.name)} picked={only} onChange={setOnly} />
            <label class="inline">
              <input
                type="checkbox"
                checked={upstream}
                onChange={(e) => setUpstream(e.currentTarget.checked)}
              />{" "}
              with the steps they depend on (upstream)
            </label>
            <label class="inline">
              <input
                type="checkbox"
                checked={downstream}
                onChange={(e) => setDownstream(e.currentTarget.checked)}
              />{" "}
              with the steps that depend on them (downstream)
            </label>
          </>
        ) : null}
      </fieldset>
      {error ? (
        <p class="note note-error" role="alert">
          {error.message}
          {error.run ? (
            <>
              {" "}
              <Link href={`/runs/${error.run}`}>See run #{error.run}</Link>
            </>
          ) : null}
        </p>
      ) : null}
      <div class="form-actions">
        <button type="submit" class="primary" disabled={busy}>
          {busy ? "Launching…" : "Launch run"}
        </button>
      </div>
    </form>
  );
}

function initial(type: string | undefined, value: unknown): string | boolean {
  if (type === "boolean") return value === true;
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : JSON.stringify(value);
}
