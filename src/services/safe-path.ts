import { realpathSync } from "node:fs";
import { dirname, isAbsolute, relative, resolve, sep } from "node:path";
import { NonRetriableError } from "../model/errors.js";

/**
 * Resolves `path` under `root` and refuses anything that would leave it: `..`, absolute paths,
 * NUL bytes, and symbolic links that point outside. `label` names the root in the message.
 *
 * @example resolveUnder("/srv/data", "out/report.json", "DATA_PATH") // "/srv/data/out/report.json"
 */
export function resolveUnder(root: string, path: string, label: string): string {
  const refuse = (why: string): never => {
    throw new NonRetriableError(`path "${path.replace(/\0/g, "\\0")}" ${why}`, {
      hint: `give a path relative to ${label} (${root}) that stays inside it`,
    });
  };
  if (path.includes("\0")) refuse("contains a NUL byte");
  if (isAbsolute(path)) refuse(`is absolute; paths are relative to ${label}`);
  const base = resolve(root);
  const target = resolve(base, path);
  if (!isInside(base, target)) refuse(`leaves ${label}`);
  // The nearest existing ancestor, with links resolved, must still be inside the real root.
  const realBase = realOrSelf(base);
  let existing = target;
  for (;;) {
    try {
      const real = realpathSync(existing);
      if (!isInside(realBase, real)) refuse(`leads outside ${label} through a symbolic link`);
      break;
    } catch (error) {
      if (error instanceof NonRetriableError) throw error;
      const parent = dirname(existing);
      if (parent === existing) break;
      existing = parent;
    }
  }
  return target;
}

function isInside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
