/**
 * A problem found in a flow file, with where it is and what to do about it. Validation collects all
 * of them at once so that a user fixes a file in one pass.
 */
export interface Diagnostic {
  readonly file: string;
  /** 1-based; 0 when the problem has no place (the file as a whole). */
  readonly line: number;
  readonly column: number;
  /** Dotted path of the field, e.g. `steps[2].retry.attempts`. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

/** `flow.yml:12:5 steps[2].type: unknown step type "jqq" — did you mean "jq"?` */
export function formatDiagnostic(d: Diagnostic): string {
  const place = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const field = d.path ? ` ${d.path}:` : "";
  const hint = d.hint ? `\n    hint: ${d.hint}` : "";
  return `${place}${field} ${d.message}${hint}`;
}

export function formatPath(path: readonly (string | number)[]): string {
  let text = "";
  for (const part of path) {
    if (typeof part === "number") text += `[${part}]`;
    else text += text ? `.${part}` : part;
  }
  return text;
}

/** The closest candidate by edit distance, if it is close enough to be a likely typo. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(word.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return bestDistance <= limit ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
