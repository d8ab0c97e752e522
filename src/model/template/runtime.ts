/**
 * Renders a parsed template: statements, scoping (for/macro/with/block frames as in Jinja2),
 * macros and `caller`, include/import, and inheritance (`extends`, `block`, `super()`, `self`).
 * Expressions are evaluated by evaluate.ts.
 */
import type { BlockStmt, Expr, MacroDef, Stmt, Target, TemplateAst } from "./ast.js";
import { TemplateError, runtimeError, typeError, valueError } from "./errors.js";
import { Evaluator, Frame } from "./evaluate.js";
import { pyRepr, pyStr } from "./format.js";
import { LoopContext, TemplateModule } from "./objects.js";
import {
  Callable,
  MISSING,
  Namespace,
  TemplateObject,
  Undefined,
  isList,
  pyBool,
  pyIter,
  tuple,
} from "./values.js";
import type { Kwargs } from "./values.js";

export interface LoadedTemplate {
  readonly name: string;
  readonly ast: TemplateAst;
}

export interface TemplateSource {
  /** The parsed template called `name`, or undefined when there is none. */
  load(name: string): LoadedTemplate | undefined;
}

/** Deeper nesting of includes and macro calls than this is a runaway recursion. */
const MAX_DEPTH = 200;

class Output {
  text = "";
  discard = false;
  write(text: string): void {
    if (!this.discard) this.text += text;
  }
}

interface BlockEntry {
  readonly block: BlockStmt;
  readonly template: string;
}

class RenderState {
  depth = 0;
  constructor(readonly source: TemplateSource | undefined) {}

  enter(): void {
    if (++this.depth > MAX_DEPTH)
      throw runtimeError("maximum recursion depth exceeded (includes or macro calls nested too deeply)");
  }

  load(name: unknown, ignoreMissing = false): LoadedTemplate | undefined {
    const names = isList(name) || Array.isArray(name) ? name.map((item) => pyStr(item)) : [pyStr(name)];
    for (const candidate of names) {
      const loaded = this.source?.load(candidate);
      if (loaded) return loaded;
    }
    if (ignoreMissing) return undefined;
    const shown = names.length === 1 ? (names[0] as string) : names.join(", ");
    const error = new TemplateError(
      "TemplateNotFound",
      this.source ? `template not found: ${shown}` : `cannot load template ${shown}: no template loader`,
    );
    throw error;
  }
}

class Macro extends Callable {
  override readonly pyType = "Macro";
  constructor(def: MacroDef, closure: Frame, renderer: Renderer) {
    super(def.name, (args, kwargs) => renderer.callMacro(def, closure, args, kwargs));
  }
}

/** `self`: every block of the template, callable as `self.name()`. */
class TemplateReference extends TemplateObject {
  readonly pyType = "TemplateReference";
  constructor(private readonly renderer: Renderer) {
    super();
  }
  override attr(name: string): unknown {
    if (!this.renderer.blocks.has(name)) return MISSING;
    return new Callable(name, () => this.renderer.renderBlock(name, 0, undefined));
  }
}

/** Renders `template` with `context`; the whole entry point of the runtime. */
export function render(
  template: LoadedTemplate,
  context: Readonly<Record<string, unknown>>,
  source?: TemplateSource,
): string {
  const state = new RenderState(source);
  return renderTemplate(state, template, new Frame(undefined, context));
}

function renderTemplate(state: RenderState, template: LoadedTemplate, parentFrame: Frame): string {
  const root = new Frame(parentFrame);
  const blocks = new Map<string, BlockEntry[]>();
  let current: LoadedTemplate | undefined = template;
  let text = "";
  while (current) {
    const renderer: Renderer = new Renderer(state, current.name, blocks, root);
    root.vars.set("self", new TemplateReference(renderer));
    for (const block of current.ast.blocks.values()) {
      const chain = blocks.get(block.name) ?? [];
      chain.push({ block, template: current.name });
      blocks.set(block.name, chain);
    }
    const out = new Output();
    renderer.run(current.ast.body, root, out);
    text += out.text;
    current = renderer.parent;
  }
  return text;
}

export class Renderer extends Evaluator {
  parent: LoadedTemplate | undefined;

  constructor(
    private readonly state: RenderState,
    templateName: string,
    readonly blocks: Map<string, BlockEntry[]>,
    private readonly root: Frame,
  ) {
    super(templateName);
  }

  run(body: readonly Stmt[], frame: Frame, out: Output): void {
    for (const stmt of body) {
      try {
        this.exec(stmt, frame, out);
      } catch (error) {
        throw this.locate(error, stmt.line);
      }
    }
  }

  private capture(body: readonly Stmt[], frame: Frame): string {
    const out = new Output();
    this.run(body, frame, out);
    return out.text;
  }

  private exec(stmt: Stmt, frame: Frame, out: Output): void {
    switch (stmt.type) {
      case "data":
        out.write(stmt.text);
        return;
      case "print":
        out.write(pyStr(this.eval(stmt.expr, frame)));
        return;
      case "if": {
        for (const [test, body] of stmt.branches) {
          if (pyBool(this.eval(test, frame))) return this.run(body, frame, out);
        }
        return this.run(stmt.otherwise, frame, out);
      }
      case "for":
        return this.loop(stmt, pyIter(this.eval(stmt.iter, frame)), frame, out, 0);
      case "set":
        return this.assign(stmt.target, this.eval(stmt.expr, frame), frame);
      case "setblock": {
        const text = this.capture(stmt.body, frame);
        return this.assign(
          stmt.target,
          stmt.filter ? this.applyFilters(stmt.filter, text, frame) : text,
          frame,
        );
      }
      case "macro":
        frame.vars.set(stmt.name, new Macro(stmt, frame, this));
        return;
      case "callblock": {
        const caller = new Macro(stmt, frame, this);
        out.write(pyStr(this.evalCall(stmt.call, frame, caller)));
        return;
      }
      case "filterblock":
        out.write(pyStr(this.applyFilters(stmt.filter, this.capture(stmt.body, frame), frame)));
        return;
      case "with": {
        const inner = new Frame(frame);
        for (const [target, expr] of stmt.assignments) this.assign(target, this.eval(expr, frame), inner);
        return this.run(stmt.body, inner, out);
      }
      case "block":
        if (this.parent === undefined)
          out.write(this.renderBlock(stmt.name, 0, stmt.scoped ? frame : undefined));
        return;
      case "extends":
        if (this.parent !== undefined) throw runtimeError("extended multiple times");
        this.parent = this.state.load(this.eval(stmt.template, frame));
        out.discard = true;
        return;
      case "include":
        return this.include(stmt.template, stmt.ignoreMissing, stmt.withContext, frame, out);
      case "import":
        frame.vars.set(stmt.target, this.importModule(stmt.template, stmt.withContext, frame));
        return;
      case "fromimport": {
        const module = this.importModule(stmt.template, stmt.withContext, frame);
        for (const [name, alias] of stmt.names) {
          const value = module.attr(name);
          frame.vars.set(
            alias,
            value !== MISSING
              ? value
              : new Undefined(
                  `the template '${module.templateName}' (imported on line ${stmt.line}) does not export the requested name '${name}'`,
                ),
          );
        }
        return;
      }
    }
  }

  private loop(
    stmt: Extract<Stmt, { type: "for" }>,
    all: unknown[],
    frame: Frame,
    out: Output,
    depth: number,
  ): void {
    let items = all;
    if (stmt.test) {
      const test = stmt.test;
      items = all.filter((item) => {
        const scratch = new Frame(frame);
        this.assign(stmt.target, item, scratch);
        return pyBool(this.eval(test, scratch));
      });
    }
    if (items.length === 0) return this.run(stmt.otherwise, frame, out);
    const recurse = stmt.recursive
      ? (next: unknown): string => {
          const inner = new Output();
          this.loop(stmt, pyIter(next), frame, inner, depth + 1);
          return inner.text;
        }
      : undefined;
    const loop = new LoopContext(items, depth, recurse);
    for (let index = 0; index < items.length; index++) {
      loop.index0 = index;
      const inner = new Frame(frame);
      this.assign(stmt.target, items[index], inner);
      inner.vars.set("loop", loop);
      this.run(stmt.body, inner, out);
    }
  }

  private assign(target: Target, value: unknown, frame: Frame): void {
    if (target.type === "name") {
      frame.vars.set(target.name, value);
    } else if (target.type === "nsref") {
      const namespace = frame.lookup(target.name);
      if (!(namespace instanceof Namespace))
        throw runtimeError("cannot assign attribute on non-namespace object");
      namespace.attrs.set(target.attr, value);
    } else {
      const items = pyIter(value);
      const wanted = target.items.length;
      if (items.length < wanted)
        throw valueError(`not enough values to unpack (expected ${wanted}, got ${items.length})`);
      if (items.length > wanted) throw valueError(`too many values to unpack (expected ${wanted})`);
      target.items.forEach((item, index) => this.assign(item, items[index], frame));
    }
  }

  /**
   * Renders block `name` as defined `level` steps up the inheritance chain. `frame` is the scope
   * of a `scoped` block statement; other blocks see only the template's top-level names.
   */
  renderBlock(name: string, level: number, frame: Frame | undefined): string {
    const chain = this.blocks.get(name) ?? [];
    const entry = chain[level];
    if (entry === undefined) throw runtimeError(`there is no parent block called '${name}'.`);
    const { block } = entry;
    if (block.required && level === chain.length - 1 && chain.length === 1) {
      throw runtimeError(`Required block '${name}' not found.`);
    }
    const inner = new Frame(frame ?? this.root);
    inner.vars.set("super", new Callable("super", () => this.renderBlock(name, level + 1, frame)));
    const renderer =
      entry.template === this.templateName
        ? this
        : new Renderer(this.state, entry.template, this.blocks, this.root);
    return renderer.capture(block.body, inner);
  }

  callMacro(def: MacroDef, closure: Frame, args: unknown[], kwargs: Kwargs): string {
    const frame = new Frame(closure);
    const remaining = new Map(kwargs);
    def.params.forEach((param, index) => {
      let value: unknown = MISSING;
      if (index < args.length) value = args[index];
      else if (remaining.has(param.name)) {
        value = remaining.get(param.name);
        remaining.delete(param.name);
      }
      if (value === MISSING) {
        value = param.default
          ? this.eval(param.default, frame)
          : new Undefined(`parameter '${param.name}' was not provided`);
      }
      frame.vars.set(param.name, value);
    });
    if (def.callerUsed && !def.params.some((param) => param.name === "caller")) {
      const caller = remaining.get("caller");
      remaining.delete("caller");
      frame.vars.set("caller", caller ?? new Undefined("No caller defined"));
    }
    if (def.catchKwargs) frame.vars.set("kwargs", new Map(remaining));
    else if (remaining.size > 0) {
      const [first] = remaining.keys();
      if (first === "caller") {
        throw typeError(
          `macro '${def.name}' was invoked with two values for the special caller argument. This is most likely a bug.`,
        );
      }
      throw typeError(`macro '${def.name}' takes no keyword argument '${first}'`);
    }
    if (def.catchVarargs) frame.vars.set("varargs", tuple(args.slice(def.params.length)));
    else if (args.length > def.params.length) {
      throw typeError(`macro '${def.name}' takes not more than ${def.params.length} argument(s)`);
    }
    this.state.enter();
    try {
      return this.capture(def.body, frame);
    } finally {
      this.state.depth--;
    }
  }

  private include(name: Expr, ignoreMissing: boolean, withContext: boolean, frame: Frame, out: Output): void {
    const template = this.state.load(this.eval(name, frame), ignoreMissing);
    if (!template) return;
    this.state.enter();
    try {
      out.write(renderTemplate(this.state, template, withContext ? frame : this.globalsFrame()));
    } finally {
      this.state.depth--;
    }
  }

  private importModule(name: Expr, withContext: boolean, frame: Frame): TemplateModule {
    const template = this.state.load(this.eval(name, frame)) as LoadedTemplate;
    const root = new Frame(withContext ? frame : this.globalsFrame());
    const renderer = new Renderer(this.state, template.name, new Map(), root);
    this.state.enter();
    try {
      renderer.run(template.ast.body, root, new Output());
    } finally {
      this.state.depth--;
    }
    const exports = new Map([...root.vars].filter(([key]) => !key.startsWith("_") && key !== "self"));
    return new TemplateModule(template.name, exports);
  }

  private globalsFrame(): Frame {
    return new Frame(undefined, {});
  }

  /** Wraps anything thrown at `line` into a TemplateError that names this template. */
  private locate(error: unknown, line: number): TemplateError {
    if (error instanceof TemplateError) return error.at(line, this.templateName);
    const message =
      error instanceof RangeError && /call stack/i.test(error.message)
        ? "maximum recursion depth exceeded"
        : error instanceof Error
          ? error.message
          : pyRepr(error);
    return new TemplateError("TemplateRuntimeError", message).at(line, this.templateName);
  }
}
