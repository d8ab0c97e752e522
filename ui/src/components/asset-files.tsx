import type { AssetFile } from "../api/types.js";

interface Props {
  readonly files: AssetFile[];
  readonly onChange: (files: AssetFile[]) => void;
  readonly error: string | undefined;
}

/** The asset's files (seed 000: mime_type, location_type, location_path), one row each. */
export function AssetFiles({ files, onChange, error }: Props) {
  const update = (index: number, key: keyof AssetFile, value: string): void =>
    onChange(files.map((f, i) => (i === index ? { ...f, [key]: value } : f)));
  return (
    <fieldset class="asset-files">
      <legend>Files</legend>
      {files.length === 0 ? <p class="muted small">No file: a table or view needs none.</p> : null}
      {files.map((file, index) => (
        <div class="file-row" key={index} role="group" aria-label={`File ${index + 1}`}>
          <label>
            MIME type
            <input
              value={file.mime_type}
              onInput={(e) => update(index, "mime_type", e.currentTarget.value)}
              placeholder="text/csv"
            />
          </label>
          <label>
            Location type
            <input
              list="location-types"
              value={file.location_type}
              onInput={(e) => update(index, "location_type", e.currentTarget.value)}
            />
          </label>
          <label class="grow">
            Location path
            <input
              class="mono"
              value={file.location_path}
              onInput={(e) => update(index, "location_path", e.currentTarget.value)}
            />
          </label>
          <button
            type="button"
            class="small-button"
            onClick={() => onChange(files.filter((_, i) => i !== index))}
            aria-label={`Remove file ${index + 1}`}
          >
            Remove
          </button>
        </div>
      ))}
      <datalist id="location-types">
        {["file", "object", "table", "url"].map((t) => (
          <option key={t} value={t} />
        ))}
      </datalist>
      {error ? (
        <p class="field-error" role="alert">
          {error}
        </p>
      ) : null}
      <button
        type="button"
        class="small-button"
        onClick={() => onChange([...files, { mime_type: "", location_type: "file", location_path: "" }])}
      >
        Add a file
      </button>
    </fieldset>
  );
}
