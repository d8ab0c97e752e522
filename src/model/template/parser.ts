/**
 * Parses tokens into a syntax tree, following Jinja2's parser rule for rule (operator precedence,
 * left-associative `**`, filters binding tighter than operators, `is` tests, assignment targets)
 * so that the same template means the same thing. Statement parsing lives here; expression
 * parsing in parse-expression.ts.
 */
import type { BlockStmt, Expr, MacroDef, Param, Stmt, Target, TemplateAst } from "./ast.js";
import { syntaxError } from "./errors.js";
import { tokenize } from "./lexer.js";
import { ExpressionParser } from "./parse-expression.js";

export interface ParserOptions {
  readonly filters: ReadonlySet<string>;
  readonly tests: ReadonlySet<string>;
}

export function parseTemplate(source: string, options: ParserOptions): TemplateAst {
  return new Parser(source, options).template();
}

/** Parses a bare expression such as `issues | length > 0`. */
export function parseExpression(source: string, options: ParserOptions): Expr {
  const parser = new ExpressionParser(tokenize(`{{ ${source} }}`), options);
  parser.expect("variable_begin");
  const expr = parser.parseTuple();
  if (parser.current.type !== "variable_end") {
    throw syntaxError(`unexpected ${parser.describe(parser.current)}`, parser.current.line);
  }
  parser.next();
  if ((parser.current.type as string) !== "eof")
    throw syntaxError("unexpected text after the expression", parser.current.line);
  return expr;
}

const CONTEXT_NAMES = ["varargs", "kwargs", "caller"] as const;

class Parser extends ExpressionParser {
  private readonly tagStack: string[] = [];
  private readonly endTokenStack: (readonly string[])[] = [];
  private readonly blocks = new Map<string, BlockStmt>();

  constructor(source: string, options: ParserOptions) {
    super(tokenize(source), options);
  }

  template(): TemplateAst {
    const body = this.subparse(undefined);
    return { body, blocks: this.blocks };
  }

  private subparse(endTokens: readonly string[] | undefined): Stmt[] {
    const body: Stmt[] = [];
    if (endTokens) this.endTokenStack.push(endTokens);
    try {
      while (this.current.type !== "eof") {
        const token = this.current;
        if (token.type === "data") {
          body.push({ type: "data", line: token.line, text: token.value });
          this.next();
        } else if (token.type === "variable_begin") {
          this.next();
          body.push({ type: "print", line: token.line, expr: this.parseTuple() });
          this.expect("variable_end");
        } else if (token.type === "block_begin") {
          this.next();
          if (endTokens && this.current.type === "name" && endTokens.includes(this.current.value))
            return body;
          body.push(...this.statement());
          this.expect("block_end");
        } else {
          throw syntaxError(`unexpected ${this.describe(token)}`, token.line);
        }
      }
      return body;
    } finally {
      if (endTokens) this.endTokenStack.pop();
    }
  }

  /** A statement body up to one of `endTokens`; the end tag's name is left current unless dropped. */
  private statements(endTokens: readonly string[], dropNeedle = false): Stmt[] {
    this.skipIf("operator", ":");
    this.expect("block_end");
    const body = this.subparse(endTokens);
    if (this.current.type === "eof") this.failUnknownTag(undefined, this.current.line);
    if (dropNeedle) this.next();
    return body;
  }

  private statement(): Stmt[] {
    const token = this.current;
    if (token.type !== "name") throw syntaxError("tag name expected", token.line);
    const parse = this.statementParsers[token.value];
    if (parse === undefined) this.failUnknownTag(token.value, token.line);
    this.tagStack.push(token.value);
    try {
      return parse.call(this);
    } finally {
      this.tagStack.pop();
    }
  }

  private readonly statementParsers: Record<string, (this: Parser) => Stmt[]> = {
    for: this.parseFor,
    if: this.parseIf,
    block: this.parseBlock,
    extends: this.parseExtends,
    print: this.parsePrint,
    macro: this.parseMacro,
    include: this.parseInclude,
    from: this.parseFrom,
    import: this.parseImport,
    set: this.parseSet,
    with: this.parseWith,
    filter: this.parseFilterBlock,
    call: this.parseCallBlock,
  };

  private failUnknownTag(name: string | undefined, line: number): never {
    const expected = new Set(this.endTokenStack.flat());
    const looking = this.endTokenStack.at(-1);
    const message = [
      name === undefined ? "Unexpected end of template." : `Encountered unknown tag '${name}'.`,
    ];
    if (looking) {
      const tags = looking.map((tag) => `'${tag}'`).join(" or ");
      if (name !== undefined && expected.has(name)) {
        message.push(
          `You probably made a nesting mistake. Jinja is expecting this tag, but currently looking for ${tags}.`,
        );
      } else {
        message.push(`Jinja was looking for the following tags: ${tags}.`);
      }
    }
    const innermost = this.tagStack.at(-1);
    if (innermost !== undefined)
      message.push(`The innermost block that needs to be closed is '${innermost}'.`);
    throw syntaxError(message.join(" "), line);
  }

  private parseFor(): Stmt[] {
    const line = this.next().line;
    const target = this.assignTarget({ endNames: ["in"] });
    this.expect("name", "in");
    const iter = this.parseTuple({ withCondexpr: false, endNames: ["recursive"] });
    const test = this.skipIf("name", "if") ? this.parseExpression() : undefined;
    const recursive = this.skipIf("name", "recursive");
    const body = this.statements(["endfor", "else"]);
    const otherwise = this.next().value === "endfor" ? [] : this.statements(["endfor"], true);
    return [{ type: "for", line, target, iter, body, otherwise, test, recursive }];
  }

  private parseIf(): Stmt[] {
    const line = this.next().line;
    const branches: [Expr, Stmt[]][] = [];
    let otherwise: Stmt[] = [];
    for (;;) {
      const test = this.parseTuple({ withCondexpr: false });
      branches.push([test, this.statements(["elif", "else", "endif"])]);
      const token = this.next();
      if (token.value === "elif") continue;
      if (token.value === "else") otherwise = this.statements(["endif"], true);
      break;
    }
    return [{ type: "if", line, branches, otherwise }];
  }

  private parseBlock(): Stmt[] {
    const line = this.next().line;
    const name = this.expect("name").value;
    const scoped = this.skipIf("name", "scoped");
    const required = this.skipIf("name", "required");
    if (this.current.value === "-") {
      throw syntaxError(
        "Block names in Jinja have to be valid Python identifiers and may not contain hyphens, use an underscore instead.",
        line,
      );
    }
    const body = this.statements(["endblock"], true);
    this.skipIf("name", name);
    if (this.blocks.has(name)) throw syntaxError(`block '${name}' defined twice`, line);
    const block: BlockStmt = { type: "block", line, name, body, scoped, required };
    this.blocks.set(name, block);
    return [block];
  }

  private parseExtends(): Stmt[] {
    const line = this.next().line;
    return [{ type: "extends", line, template: this.parseExpression() }];
  }

  private parsePrint(): Stmt[] {
    const line = this.next().line;
    const nodes: Stmt[] = [];
    while (this.current.type !== "block_end") {
      if (nodes.length > 0) this.expect("operator", ",");
      nodes.push({ type: "print", line, expr: this.parseExpression() });
    }
    return nodes;
  }

  private parseMacro(): Stmt[] {
    const line = this.next().line;
    const name = this.expect("name").value;
    const params = this.signature();
    const body = this.statements(["endmacro"], true);
    return [{ type: "macro", line, ...macroDef(name, params, body) }];
  }

  private parseCallBlock(): Stmt[] {
    const line = this.next().line;
    const params = this.current.value === "(" && this.current.type === "operator" ? this.signature() : [];
    const call = this.parseExpression();
    if (call.type !== "call") throw syntaxError("expected call", line);
    const body = this.statements(["endcall"], true);
    return [{ type: "callblock", line, call, ...macroDef("caller", params, body) }];
  }

  private signature(): Param[] {
    const params: Param[] = [];
    this.expect("operator", "(");
    while (!this.isOperator(")")) {
      if (params.length > 0) this.expect("operator", ",");
      const name = this.expect("name").value;
      const fallback = this.skipIf("operator", "=") ? this.parseExpression() : undefined;
      if (fallback === undefined && params.some((param) => param.default !== undefined)) {
        throw syntaxError("non-default argument follows default argument", this.current.line);
      }
      params.push({ name, default: fallback });
    }
    this.expect("operator", ")");
    return params;
  }

  private parseInclude(): Stmt[] {
    const line = this.next().line;
    const template = this.parseExpression();
    let ignoreMissing = false;
    if (this.current.value === "ignore" && this.look().value === "missing") {
      ignoreMissing = true;
      this.next();
      this.next();
    }
    return [{ type: "include", line, template, ignoreMissing, withContext: this.importContext(true) }];
  }

  private parseImport(): Stmt[] {
    const line = this.next().line;
    const template = this.parseExpression();
    this.expect("name", "as");
    const target = this.expect("name").value;
    return [{ type: "import", line, template, target, withContext: this.importContext(false) }];
  }

  private parseFrom(): Stmt[] {
    const line = this.next().line;
    const template = this.parseExpression();
    this.expect("name", "import");
    const names: [string, string][] = [];
    let withContext: boolean | undefined;
    for (;;) {
      if (names.length > 0) this.expect("operator", ",");
      if (this.current.type !== "name") {
        this.expect("name");
        break;
      }
      if (this.atImportContext()) {
        withContext = this.importContext(false);
        break;
      }
      const nameToken = this.expect("name");
      if (nameToken.value.startsWith("_")) {
        throw syntaxError("names starting with an underline can not be imported", nameToken.line);
      }
      const alias = this.skipIf("name", "as") ? this.expect("name").value : nameToken.value;
      names.push([nameToken.value, alias]);
      if (this.atImportContext()) {
        withContext = this.importContext(false);
        break;
      }
      if (!this.isOperator(",")) break;
    }
    return [{ type: "fromimport", line, template, names, withContext: withContext ?? false }];
  }

  private atImportContext(): boolean {
    return (
      (this.current.value === "with" || this.current.value === "without") && this.look().value === "context"
    );
  }

  private importContext(fallback: boolean): boolean {
    if (!this.atImportContext()) return fallback;
    const withContext = this.next().value === "with";
    this.next();
    return withContext;
  }

  private parseSet(): Stmt[] {
    const line = this.next().line;
    const target = this.assignTarget({ withNamespace: true });
    if (this.skipIf("operator", "=")) return [{ type: "set", line, target, expr: this.parseTuple() }];
    const filter = this.isOperator("|") ? this.parseFilter(undefined) : undefined;
    const body = this.statements(["endset"], true);
    return [{ type: "setblock", line, target, body, filter }];
  }

  private parseWith(): Stmt[] {
    const line = this.next().line;
    const assignments: [Target, Expr][] = [];
    while (this.current.type !== "block_end") {
      if (assignments.length > 0) this.expect("operator", ",");
      const target = this.assignTarget({});
      this.expect("operator", "=");
      assignments.push([target, this.parseExpression()]);
    }
    return [{ type: "with", line, assignments, body: this.statements(["endwith"], true) }];
  }

  private parseFilterBlock(): Stmt[] {
    const line = this.next().line;
    const filter = this.parseFilter(undefined, true);
    return [{ type: "filterblock", line, filter, body: this.statements(["endfilter"], true) }];
  }
}

function macroDef(name: string, params: readonly Param[], body: readonly Stmt[]): MacroDef {
  const used = new Set<string>();
  collectNames(body, used);
  const [varargs, kwargs, caller] = CONTEXT_NAMES.map((special) => used.has(special));
  return { name, params, body, catchVarargs: !!varargs, catchKwargs: !!kwargs, callerUsed: !!caller };
}

/** Every variable name read anywhere below `node` (Jinja2's find_undeclared, roughly). */
function collectNames(node: unknown, names: Set<string>): void {
  if (Array.isArray(node)) {
    for (const child of node) collectNames(child, names);
    return;
  }
  if (typeof node !== "object" || node === null) return;
  const record = node as Record<string, unknown>;
  if (record.type === "name" && typeof record.name === "string" && "line" in record) names.add(record.name);
  if (record.type === "block") return;
  for (const key in record) {
    if (key !== "value") collectNames(record[key], names);
  }
}
