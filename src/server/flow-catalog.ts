import { existsSync, statSync } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join, relative, sep } from "node:path";
import type { App } from "../cli/app.js";
import { loadFlowArg } from "../cli/flow-arg.js";
import type { Diagnostic } from "../model/diagnostics.js";
import { OctoflowError } from "../model/errors.js";
import { invalidFlowError, loadFlowFile } from "../model/flow-loader.js";
import type { FlowDefinition } from "../model/flow-schema.js";
import type { ValidationResult } from "../model/flow-validator.js";
import { resolveUnder } from "../services/safe-path.js";

/** One flow file under FLOWS_PATH, as the list shows it. */
export interface FlowSummary {
  /** Relative to FLOWS_PATH, with `/` separators. */
  readonly path: string;
  readonly name: string | null;
  readonly description: string | null;
  readonly valid: boolean;
  readonly problems: number;
  readonly steps: number;
  readonly schedule: unknown;
}

const FLOW_FILE = /\.(ya?ml)$/i;
const MODULE_FILE = /\.(mjs|js)$/i;
const MAX_DEPTH = 6;
const MAX_FILES = 2000;
const CACHE_SIZE = 512;

/**
 * The flows a server may run: files under FLOWS_PATH only, named by path (`jira.yml`,
 * `sub/x.yml`), by path without extension (`jira`) or by the flow's `name`. Parsed flows are
 * cached by file, size and modification time, so a launch does not parse YAML again.
 */
export class FlowCatalog {
  readonly #app: Pick<App, "settings" | "registry">;
  readonly #cache = new Map<string, { stamp: string; result: ValidationResult }>();

  constructor(app: Pick<App, "settings" | "registry">) {
    this.#app = app;
  }

  get root(): string {
    return this.#app.settings.flowsPath;
  }

  /** The path of `file` relative to FLOWS_PATH, as the API shows it. */
  relative(file: string): string {
    return relative(this.root, file).split(sep).join("/");
  }

  /** Every YAML flow file under FLOWS_PATH with its name and whether it is valid. */
  async list(): Promise<FlowSummary[]> {
    const files = await this.#files();
    const summaries: FlowSummary[] = [];
    for (const file of files) {
      const result = await this.#validate(file).catch(() => undefined);
      const flow = result?.ok ? result.flow : undefined;
      summaries.push({
        path: this.relative(file),
        name: flow?.name ?? null,
        description: flow?.description ?? null,
        valid: result?.ok ?? false,
        problems: result?.ok ? 0 : (result?.diagnostics.length ?? 1),
        steps: flow?.steps.length ?? 0,
        schedule: flow?.schedule ?? null,
      });
    }
    return summaries;
  }

  /** The file a reference names, under FLOWS_PATH; FLOW_NOT_FOUND (404) when there is none. */
  async resolve(reference: string): Promise<string> {
    const candidates =
      FLOW_FILE.test(reference) || MODULE_FILE.test(reference)
        ? [reference]
        : [reference, `${reference}.yml`, `${reference}.yaml`];
    for (const candidate of candidates) {
      let file: string;
      try {
        file = resolveUnder(this.root, candidate, "FLOWS_PATH");
      } catch (error) {
        throw new OctoflowError("INPUT_INVALID", (error as Error).message, {
          hint: "name a flow by its path relative to FLOWS_PATH, or by its name",
        });
      }
      if (existsSync(file) && statSync(file).isFile()) return file;
    }
    const byName = (await this.list()).find((flow) => flow.name === reference && flow.valid);
    if (byName) return join(this.root, byName.path);
    throw new OctoflowError("FLOW_NOT_FOUND", `there is no flow "${reference}" in FLOWS_PATH`, {
      hint: "list the flows with GET /api/v1/flows",
    });
  }

  /** The validated flow a reference names; FLOW_INVALID (422) with every diagnostic otherwise. */
  async load(reference: string): Promise<FlowDefinition> {
    const file = await this.resolve(reference);
    if (MODULE_FILE.test(file)) return loadFlowArg(this.#app, file);
    const result = await this.#validate(file);
    if (result.ok) return result.flow;
    throw invalidFlowError(this.relative(file), this.relativeDiagnostics(result.diagnostics));
  }

  /** Diagnostics with file names relative to FLOWS_PATH: the server's layout is not the caller's business. */
  relativeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
    return diagnostics.map((d) => (d.file.startsWith(this.root) ? { ...d, file: this.relative(d.file) } : d));
  }

  async #validate(file: string): Promise<ValidationResult> {
    const info = await stat(file);
    const stamp = `${info.size}:${info.mtimeMs}:${info.ino}`;
    const cached = this.#cache.get(file);
    if (cached?.stamp === stamp) return cached.result;
    const result = await loadFlowFile(file, this.#app.registry);
    if (this.#cache.size >= CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string);
    this.#cache.set(file, { stamp, result });
    return result;
  }

  async #files(): Promise<string[]> {
    const found: string[] = [];
    const walk = async (dir: string, depth: number): Promise<void> => {
      let entries;
      try {
        entries = await readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      entries.sort((a, b) => a.name.localeCompare(b.name));
      for (const entry of entries) {
        if (found.length >= MAX_FILES || entry.name.startsWith(".")) continue;
        const path = join(dir, entry.name);
        if (entry.isDirectory() && depth < MAX_DEPTH) await walk(path, depth + 1);
        else if (entry.isFile() && FLOW_FILE.test(entry.name)) found.push(path);
      }
    };
    await walk(this.root, 0);
    return found;
  }
}
