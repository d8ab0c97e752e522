import type { z } from "zod";
import { didYouMean } from "./diagnostics.js";

/** A zod issue turned into words a flow author can act on. */
export interface IssueText {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly hint?: string;
  /** True when the place to point at is the key itself (an unknown field). */
  readonly atKey?: boolean;
}

/**
 * Explains zod issues in flow-author terms: unknown fields get a did-you-mean, type errors say what
 * was expected and what was found, unions report the branch that came closest.
 */
export function explainIssues(
  issues: readonly z.core.$ZodIssue[],
  value: unknown,
  allowedKeys: (path: readonly PropertyKey[]) => readonly string[] = () => [],
): IssueText[] {
  const texts: IssueText[] = [];
  for (const issue of issues) texts.push(...explainIssue(issue, [], value, allowedKeys));
  return texts;
}

function explainIssue(
  issue: z.core.$ZodIssue,
  prefix: readonly PropertyKey[],
  root: unknown,
  allowedKeys: (path: readonly PropertyKey[]) => readonly string[],
): IssueText[] {
  const path = [...prefix, ...issue.path];
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) => {
        const known = allowedKeys(path);
        const guess = didYouMean(key, known);
        return {
          path: [...path, key],
          atKey: true,
          message: `unknown field "${key}"${guess ? ` — did you mean "${guess}"?` : ""}`,
          hint: known.length > 0 ? `fields allowed here: ${known.join(", ")}` : "remove it",
        };
      });
    case "invalid_type": {
      const found = valueAt(root, path);
      if (found === undefined) {
        return [
          {
            path,
            message: `missing required field "${String(path[path.length - 1] ?? "")}"`,
            hint: `add it (${article(issue.expected)})`,
          },
        ];
      }
      return [{ path, message: `expected ${article(issue.expected)}, got ${describeValue(found)}` }];
    }
    case "invalid_value":
      return [
        {
          path,
          message: `${describeValue(valueAt(root, path))} is not allowed here`,
          hint: `use one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`,
        },
      ];
    case "invalid_union": {
      const branches = issue.errors.filter((branch) => branch.length > 0);
      const closest = branches.sort((a, b) => depth(b) - depth(a))[0];
      if (closest && depth(closest) > 0)
        return closest.flatMap((inner) => explainIssue(inner, path, root, allowedKeys));
      return [
        {
          path,
          message: `${describeValue(valueAt(root, path))} is not a valid value here`,
          hint: issue.message,
        },
      ];
    }
    case "too_small":
    case "too_big":
      return [{ path, message: `${describeValue(valueAt(root, path))}: ${lowerFirst(issue.message)}` }];
    default:
      return [{ path, message: lowerFirst(issue.message) }];
  }
}

function depth(branch: readonly z.core.$ZodIssue[]): number {
  return Math.max(...branch.map((issue) => issue.path.length + (issue.code === "invalid_type" ? 0 : 1)));
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: "text",
    number: "a number",
    int: "a whole number",
    boolean: "true or false",
    array: "a list",
    object: "a mapping (key: value)",
  };
  return names[type] ?? `a ${type}`;
}

/** A short description of a value for error messages: its kind and a clipped rendering. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (Array.isArray(value)) return `a list of ${value.length}`;
  if (typeof value === "object") return "a mapping";
  const text = JSON.stringify(value);
  const clipped = text.length > 40 ? `${text.slice(0, 37)}...` : text;
  return `${typeof value === "string" ? "text" : typeof value} ${clipped}`;
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}
