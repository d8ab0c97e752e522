import type { FlowInputSpec } from "../api/types.js";

interface Props {
  readonly name: string;
  readonly spec: FlowInputSpec;
  readonly value: string | boolean;
  readonly error: string | undefined;
  readonly onChange: (value: string | boolean) => void;
}

/** One declared input of a flow, as the control its type calls for, with its error under it. */
export function InputField({ name, spec, value, error, onChange }: Props) {
  const id = `input-${name}`;
  const help =
    spec.description ?? (spec.default === undefined ? undefined : `default: ${JSON.stringify(spec.default)}`);
  const described =
    [help ? `${id}-help` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ") || undefined;
  const common = { id, name, "aria-invalid": error ? true : undefined, "aria-describedby": described };
  const type = spec.type ?? "string";
  return (
    <div class={`field${error ? " invalid" : ""}`}>
      {type === "boolean" ? (
        <label class="inline" for={id}>
          <input
            type="checkbox"
            {...common}
            checked={value === true}
            onChange={(e) => onChange(e.currentTarget.checked)}
          />{" "}
          {name}
        </label>
      ) : (
        <label for={id}>
          {name}
          {spec.required ? <span class="required"> (required)</span> : null}{" "}
          <span class="muted small">{type}</span>
        </label>
      )}
      {type === "object" || type === "array" ? (
        <textarea
          {...common}
          rows={3}
          class="mono"
          value={String(value)}
          onInput={(e) => onChange(e.currentTarget.value)}
          placeholder={type === "array" ? "[1, 2, 3]" : '{"key": "value"}'}
        />
      ) : type === "boolean" ? null : (
        <input
          {...common}
          type="text"
          inputMode={type === "number" || type === "integer" ? "decimal" : undefined}
          value={String(value)}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      )}
      {help ? (
        <div id={`${id}-help`} class="muted small">
          {help}
        </div>
      ) : null}
      {error ? (
        <div id={`${id}-error`} class="field-error" role="alert">
          {error}
        </div>
      ) : null}
    </div>
  );
}

/** The form's values as the run's input; a field that cannot be read gets an error instead. */
export function readInput(
  specs: Record<string, FlowInputSpec>,
  values: Record<string, string | boolean>,
): { input: Record<string, unknown>; errors: Record<string, string> } {
  const input: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, spec] of Object.entries(specs)) {
    const value = values[name];
    const type = spec.type ?? "string";
    if (type === "boolean") {
      input[name] = value === true;
      continue;
    }
    const text = String(value ?? "").trim();
    if (text === "") {
      if (spec.required && spec.default === undefined) errors[name] = `${name} is required.`;
      continue;
    }
    if (type === "number" || type === "integer") {
      const number = Number(text);
      if (!Number.isFinite(number) || (type === "integer" && !Number.isInteger(number)))
        errors[name] = `${name} must be ${type === "integer" ? "a whole number" : "a number"}.`;
      else input[name] = number;
    } else if (type === "object" || type === "array") {
      try {
        const parsed: unknown = JSON.parse(text);
        if (
          type === "array"
            ? !Array.isArray(parsed)
            : typeof parsed !== "object" || parsed === null || Array.isArray(parsed)
        )
          errors[name] = `${name} must be a JSON ${type}.`;
        else input[name] = parsed;
      } catch (error) {
        errors[name] = `${name} is not valid JSON: ${(error as Error).message}`;
      }
    } else input[name] = String(value);
  }
  return { input, errors };
}
